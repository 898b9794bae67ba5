//! Result classes: frozen Python objects over the core's result structs, with one getter per
//! attribute, `.raw` (the provider's JSON as a dict) where the core keeps it, and a readable
//! `repr` built from Python `repr`s of the main attributes.

/// Declares a result class wrapping a core type.
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident ($pyname:literal) wraps $inner:ty;
        fields {
            $( $(#[$fmeta:meta])* $field:ident : $fty:ty = |$v:ident| $get:expr ; )*
        }
        $( raw = |$rv:ident| $rawexpr:expr ; )?
        repr [$($rfield:ident),* $(,)?];
    ) => {
        $(#[$meta])*
        #[pyo3::pyclass(frozen, module = "paywire._native", name = $pyname)]
        #[derive(Clone)]
        pub struct $name(pub $inner);

        impl From<$inner> for $name {
            fn from(value: $inner) -> Self {
                $name(value)
            }
        }

        impl crate::operation::IntoPython for $inner {
            fn into_python(self, py: pyo3::Python<'_>) -> pyo3::PyResult<pyo3::Py<pyo3::PyAny>> {
                pyo3::IntoPyObjectExt::into_py_any($name(self), py)
            }
        }

        #[pyo3::pymethods]
        impl $name {
            $(
                $(#[$fmeta])*
                #[getter]
                fn $field(&self) -> $fty {
                    let $v = &self.0;
                    $get
                }
            )*

            $(
                /// The provider's full answer (JSON as Python objects).
                #[getter]
                fn raw<'py>(&self, py: pyo3::Python<'py>) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                    let $rv = &self.0;
                    crate::convert::json_to_py(py, $rawexpr)
                }
            )?

            fn __repr__(&self, py: pyo3::Python<'_>) -> pyo3::PyResult<String> {
                #[allow(unused_imports)]
                use pyo3::prelude::*;
                #[allow(unused_mut)]
                let mut parts: Vec<String> = Vec::new();
                $(
                    {
                        let value = pyo3::IntoPyObjectExt::into_bound_py_any(self.$rfield(), py)?;
                        let name = stringify!($rfield).trim_start_matches("r#");
                        parts.push(format!("{}={}", name, value.repr()?));
                    }
                )*
                Ok(format!("{}({})", $pyname, parts.join(", ")))
            }
        }
    };
}

pub(crate) use record;
