//! paywire errors become instances of the exception classes defined in Python
//! (`paywire/_errors.py`), one subclass per error kind, with every field as an attribute.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

use paywire::{Error, ErrorKind};

/// The Python module that defines the exception hierarchy.
const ERRORS_MODULE: &str = "paywire._errors";

/// Class names in `paywire._errors`, by kind.
fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Validation => "ValidationError",
        ErrorKind::Authentication => "AuthenticationError",
        ErrorKind::Permission => "PermissionDeniedError",
        ErrorKind::NotFound => "NotFoundError",
        ErrorKind::Conflict => "ConflictError",
        ErrorKind::Declined => "DeclinedError",
        ErrorKind::RateLimited => "RateLimitedError",
        ErrorKind::Api => "ApiError",
        ErrorKind::Transport => "TransportError",
        ErrorKind::Decode => "DecodeError",
        ErrorKind::Configuration => "ConfigurationError",
        ErrorKind::Internal => "InternalError",
        ErrorKind::OutcomeUnknown => "OutcomeUnknownError",
    }
}

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    ERRORS
        .get_or_try_init(py, || py.import(ERRORS_MODULE).map(Bound::unbind))
        .map(|m| m.bind(py))
}

/// The exception class for a kind (for `create_exception`-style checks in tests).
pub fn class_for(py: Python<'_>, kind: ErrorKind) -> PyResult<Bound<'_, PyType>> {
    Ok(errors_module(py)?
        .getattr(class_name(kind))?
        .cast_into::<PyType>()?)
}

/// Builds the Python exception for a paywire error. Never fails: if the Python classes cannot
/// be loaded (a broken install), a plain `RuntimeError` with the same text is raised instead.
pub fn to_pyerr(py: Python<'_>, error: &Error) -> PyErr {
    match build(py, error) {
        Ok(err) => err,
        Err(load_error) => pyo3::exceptions::PyRuntimeError::new_err(format!(
            "{error} (and paywire's exception classes could not be loaded: {load_error})"
        )),
    }
}

fn build(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    let class = class_for(py, error.kind())?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("kind", error.kind().as_str())?;
    kwargs.set_item("provider", error.provider().map(|p| p.as_str()))?;
    kwargs.set_item("http_status", error.http_status())?;
    kwargs.set_item("code", error.code())?;
    kwargs.set_item("message", error.message())?;
    kwargs.set_item("details", error.details().to_vec())?;
    kwargs.set_item("request_id", error.request_id())?;
    kwargs.set_item("retryable", error.retryable().as_str())?;
    kwargs.set_item("outcome_unknown", error.outcome_unknown())?;
    kwargs.set_item("settle_with", error.settle_with())?;
    kwargs.set_item("field", error.field())?;
    kwargs.set_item("raw", raw_to_py(py, error.raw())?)?;
    let instance = class.call((error.to_string(),), Some(&kwargs))?;
    Ok(PyErr::from_value(instance))
}

/// The provider body kept in an error: a dict/list when it is JSON, else the text.
fn raw_to_py<'py>(py: Python<'py>, raw: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
    match raw {
        None => Ok(py.None().into_bound(py)),
        Some(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(value) => crate::convert::json_to_py(py, &value),
            Err(_) => Ok(pyo3::types::PyString::new(py, text).into_any()),
        },
    }
}

/// Converts a paywire error, attaching to the interpreter if needed.
pub fn to_py(error: Error) -> PyErr {
    Python::attach(|py| to_pyerr(py, &error))
}

/// `paywire.InternalError` with a message.
pub fn internal(message: impl Into<String>) -> PyErr {
    to_py(Error::internal(message))
}

/// `paywire.ValidationError` naming a field.
pub fn validation(field: &str, message: impl Into<String>) -> PyErr {
    to_py(Error::validation(field, message))
}
