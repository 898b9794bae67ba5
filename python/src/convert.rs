//! Type conversions between Python values and the core's inputs and outputs. Nothing here
//! decides anything about payments: values are translated and the core validates them.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyBytes, PyDate, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyMapping, PySequence,
    PyString, PyTuple, PyType,
};

use crate::errors;
use crate::money::Money;

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

/// True for `decimal.Decimal` instances.
pub fn is_decimal(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    value.is_instance(decimal_type(value.py())?)
}

/// `Decimal` → plain (non-scientific) decimal text, e.g. `Decimal("1E+1")` → `"10"`.
pub fn decimal_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    let builtins = value.py().import("builtins")?;
    builtins.getattr("format")?.call1((value, "f"))?.extract()
}

/// A Python value (dicts, lists, str, int, float, bool, None, `Money`, `Decimal`, `date`,
/// `datetime`) as JSON, for the core's snake_case input containers. `path` names the argument
/// for error messages (`payer.billing_address`).
pub fn py_to_json(value: &Bound<'_, PyAny>, path: &str) -> PyResult<serde_json::Value> {
    use serde_json::Value;
    if value.is_none() {
        return Ok(Value::Null);
    }
    if value.is_instance_of::<PyBool>() {
        return Ok(Value::Bool(value.extract()?));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(n) = value.extract::<i64>() {
            return Ok(Value::from(n));
        }
        if let Ok(n) = value.extract::<u64>() {
            return Ok(Value::from(n));
        }
        return Err(errors::validation(path, "integer is out of range"));
    }
    if value.is_instance_of::<PyFloat>() {
        let f: f64 = value.extract()?;
        return serde_json::Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| errors::validation(path, "must be a finite number"));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        // Raw request bodies (a push) arrive as bytes.
        return std::str::from_utf8(bytes.as_bytes())
            .map(|text| Value::String(text.to_owned()))
            .map_err(|_| errors::validation(path, "must be UTF-8 text"));
    }
    if let Ok(money) = value.cast::<Money>() {
        let m = money.get().inner();
        return Ok(serde_json::json!({"minor": m.minor(), "currency": m.currency().code()}));
    }
    if is_decimal(value)? {
        return Ok(Value::String(decimal_text(value)?));
    }
    if value.is_instance_of::<PyDateTime>() && value.call_method0("utcoffset")?.is_none() {
        // A naive datetime has no offset: which instant it means is a guess.
        return Err(errors::validation(
            path,
            "must be a timezone-aware datetime (a naive one has no offset)",
        ));
    }
    if value.is_instance_of::<PyDateTime>() || value.is_instance_of::<PyDate>() {
        return Ok(Value::String(value.call_method0("isoformat")?.extract()?));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = serde_json::Map::new();
        for (key, item) in dict.iter() {
            let key: String = key
                .extract()
                .map_err(|_| errors::validation(path, "dictionary keys must be strings"))?;
            let inner = py_to_json(&item, &format!("{path}.{key}"))?;
            map.insert(key, inner);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(mapping) = value.cast::<PyMapping>() {
        let dict = PyDict::new(value.py());
        for item in mapping.items()?.iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            dict.set_item(k, v)?;
        }
        return py_to_json(dict.as_any(), path);
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let seq = value.cast::<PySequence>()?;
        let mut items = Vec::new();
        for (i, item) in seq.try_iter()?.enumerate() {
            items.push(py_to_json(&item?, &format!("{path}[{i}]"))?);
        }
        return Ok(Value::Array(items));
    }
    let type_name = value.get_type().name()?.to_string();
    Err(errors::validation(
        path,
        format!("unsupported value of type {type_name}"),
    ))
}

/// JSON as Python objects (dict, list, str, int, float, bool, None).
pub fn json_to_py<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(key, json_to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// A timestamp argument: a timezone-aware `datetime` or an RFC 3339 string with an offset,
/// parsed by the core (naive datetimes have no offset and are refused, naming the field).
pub fn timestamp(
    field: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<chrono::DateTime<chrono::FixedOffset>> {
    let text: String = if value.is_instance_of::<PyDateTime>() {
        value.call_method0("isoformat")?.extract()?
    } else if let Ok(s) = value.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else {
        return Err(errors::validation(
            field,
            "must be a timezone-aware datetime or an RFC 3339 string",
        ));
    };
    paywire::input::parse_timestamp(field, &text).map_err(errors::to_py)
}

/// A reporting date argument: `date`, `datetime` (minute precision) or text
/// (`YYYY-MM-DD` / `YYYY-MM-DDTHH:MM`); the core parses and checks the text.
pub fn report_date_text(field: &str, value: &Bound<'_, PyAny>) -> PyResult<String> {
    if value.is_instance_of::<PyDateTime>() {
        let second: u32 = value.getattr("second")?.extract()?;
        let micro: u32 = value.getattr("microsecond")?.extract()?;
        let format = if second == 0 && micro == 0 {
            "%Y-%m-%dT%H:%M"
        } else {
            // Passed on with its seconds so the core names the problem.
            "%Y-%m-%dT%H:%M:%S"
        };
        return value.call_method1("strftime", (format,))?.extract();
    }
    if value.is_instance_of::<PyDate>() {
        return value.call_method0("isoformat")?.extract();
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    Err(errors::validation(
        field,
        "must be a date, a datetime or a string (YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
    ))
}

/// Seconds (int or float) as a duration; the core rejects zero.
pub fn seconds(field: &str, value: Option<f64>) -> PyResult<Option<std::time::Duration>> {
    match value {
        None => Ok(None),
        Some(s) => std::time::Duration::try_from_secs_f64(s)
            .map(Some)
            .map_err(|_| errors::validation(field, "must be a non-negative number of seconds")),
    }
}

/// Python-style `repr` of a string (single quotes), for readable result reprs.
pub fn repr_str(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `repr` of an optional string.
pub fn repr_opt(value: Option<&str>) -> String {
    value.map_or_else(|| "None".to_owned(), repr_str)
}

/// The constructors' connection keywords (`proxy`, `ca_certificates`, `token_store`), passed
/// on to the core builder as they are; the core validates them. `token_store` is a URL
/// (`redis://…`) or an object of the user's own (`get`/`put`/`clear`).
#[derive(Default)]
pub struct Connection {
    pub proxy: Option<String>,
    pub ca_certificates: Option<String>,
    pub token_store: Option<String>,
    pub store_object: Option<Py<PyAny>>,
}

impl Connection {
    pub fn new(
        proxy: Option<String>,
        ca_certificates: Option<String>,
        token_store: Option<Py<PyAny>>,
    ) -> PyResult<Connection> {
        let (token_store, store_object) = match token_store {
            None => (None, None),
            Some(value) => Python::attach(|py| match value.extract::<String>(py) {
                Ok(url) => (Some(url), None),
                Err(_) => (None, Some(value)),
            }),
        };
        Ok(Connection {
            proxy,
            ca_certificates,
            token_store,
            store_object,
        })
    }

    /// The user's own store, for the core builder.
    pub fn store(&self) -> Option<std::sync::Arc<dyn paywire::oauth::TokenStore>> {
        let object = self.store_object.as_ref()?;
        let object = Python::attach(|py| object.clone_ref(py));
        Some(std::sync::Arc::new(crate::token_store::PyTokenStore::new(
            object,
        )))
    }
}
