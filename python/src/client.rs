//! One declaration per provider generates both Python classes: the sync client (calls block
//! with the GIL released) and the async client (calls return coroutines). Both wrap the same
//! cheap-to-clone core client, so `client.async_client()` shares its connection pool.

/// Generates `#[pymethods]` for a sync and an async class over the same core client.
///
/// `operations` are the rows of the core's operation table, as `operations.rs` (generated
/// from the table) passes them: each becomes a method of both classes that decodes its
/// arguments through the core and runs the row (see `operation.rs`).
///
/// Each method's body is a block evaluated with the arguments (and `py`) in scope and the
/// client clone bound to the given name; it converts the inputs and returns
/// `PyResult<impl Future<Output = Result<T, paywire::Error>> + Send + 'static>`.
macro_rules! dual_client {
    (
        sync $sync:ident;
        async $asyn:ident;
        common { $($common:tt)* }
        sync_extra { $($sync_extra:tt)* }
        async_extra { $($async_extra:tt)* }
        methods {
            $(
                $(#[$meta:meta])*
                fn $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $out:ty
                    [ $($sig:tt)* ]
                    |$py:ident, $c:ident| $body:block
            )*
        }
        operations {
            $(
                $(#[$ometa:meta])*
                $oname:ident ( $oinput:path ) $okind:ident
                    [ $($osig:tt)* ] $otext:literal
                    ( $($oarg:ident : $oconv:ident),* );
            )*
        }
    ) => {
        #[pyo3::pymethods]
        impl $sync {
            $($common)*
            $($sync_extra)*
            $(
                $(#[$meta])*
                #[pyo3(signature = ($($sig)*))]
                #[allow(clippy::too_many_arguments)]
                fn $name(&self, $py: pyo3::Python<'_>, $($arg: $ty),*) -> pyo3::PyResult<$out> {
                    let $c = self.inner.clone();
                    let future = crate::bridge::guard(|| $body)?;
                    crate::bridge::block($py, future)
                }
            )*
            $(
                $(#[$ometa])*
                #[pyo3(signature = ($($osig)*), text_signature = $otext)]
                #[allow(clippy::too_many_arguments)]
                fn $oname(&self, py: pyo3::Python<'_>, $($oarg: Option<&pyo3::Bound<'_, pyo3::PyAny>>),*) -> pyo3::PyResult<pyo3::Py<pyo3::PyAny>> {
                    crate::bridge::guard(|| {
                        let input = crate::operation::decode::<$oinput>(&[$((stringify!($oarg), crate::operation::Conv::$oconv, $oarg)),*])?;
                        crate::operation::$okind::sync(py, &self.inner, input)
                    })
                }
            )*
        }

        #[pyo3::pymethods]
        impl $asyn {
            $($common)*
            $($async_extra)*
            $(
                $(#[$meta])*
                #[pyo3(signature = ($($sig)*))]
                #[allow(clippy::too_many_arguments)]
                fn $name<'py>(&self, $py: pyo3::Python<'py>, $($arg: $ty),*) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                    let $c = self.inner.clone();
                    let future = crate::bridge::guard(|| $body)?;
                    crate::bridge::awaitable::<$out, _>($py, future)
                }
            )*
            $(
                $(#[$ometa])*
                #[pyo3(signature = ($($osig)*), text_signature = $otext)]
                #[allow(clippy::too_many_arguments)]
                fn $oname<'py>(&self, py: pyo3::Python<'py>, $($oarg: Option<&pyo3::Bound<'py, pyo3::PyAny>>),*) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                    crate::bridge::guard(|| {
                        let input = crate::operation::decode::<$oinput>(&[$((stringify!($oarg), crate::operation::Conv::$oconv, $oarg)),*])?;
                        crate::operation::$okind::asyncio(py, &self.inner, input)
                    })
                }
            )*
        }
    };
}

pub(crate) use dual_client;

/// Per-call options shared by every client's `with_options`.
pub fn request_options(
    timeout: Option<f64>,
    max_retries: Option<u32>,
    request_id: Option<String>,
) -> pyo3::PyResult<paywire::RequestOptions> {
    Ok(paywire::RequestOptions {
        timeout: crate::convert::seconds("timeout", timeout)?,
        max_retries,
        request_id,
        ..Default::default()
    })
}
