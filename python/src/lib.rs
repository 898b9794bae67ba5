//! `paywire._native`: the PyO3 extension behind the `paywire` Python package.
//!
//! This crate only converts: Python values to core inputs, core results to Python objects,
//! core errors to the exception classes in `paywire/_errors.py`, and core futures to blocking
//! calls (GIL released, Ctrl-C aware) or asyncio awaitables. All behaviour lives in `paywire`.

mod bridge;
mod client;
mod convert;
mod errors;
mod links;
mod logging;
mod money;
mod operation;
mod operations;
mod record;
mod records;
mod saferpay;
mod sandbox;
mod secuconnect;
mod sekurepay;
mod token_store;

use pyo3::prelude::*;

/// Test hook: panics inside paywire on purpose. `where_` is ``"caller"`` (on this thread, as
/// a bug in synchronous code would), ``"runtime"`` (inside the shared runtime, waited on
/// synchronously) or ``"async"`` (inside the runtime; returns a coroutine). Every variant must
/// raise ``paywire.InternalError`` and leave the interpreter working.
#[pyfunction]
#[pyo3(signature = (message, where_="caller"))]
fn _panic_for_test<'py>(
    py: Python<'py>,
    message: String,
    where_: &str,
) -> PyResult<Bound<'py, PyAny>> {
    match where_ {
        "caller" => bridge::guard(|| {
            paywire::testing::panic_for_test_sync(&message).map_err(errors::to_py)?;
            Ok(py.None().into_bound(py))
        }),
        "runtime" => {
            bridge::block(py, paywire::testing::panic_for_test(message))?;
            Ok(py.None().into_bound(py))
        }
        "async" => bridge::awaitable(py, paywire::testing::panic_for_test(message)),
        other => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "where_ must be 'caller', 'runtime' or 'async' (got {other:?})"
        ))),
    }
}

/// The level the `paywire` logger currently forwards at (``"off"``, ``"debug"`` …), after
/// re-reading the logger's effective level.
#[pyfunction]
fn _log_level(py: Python<'_>) -> &'static str {
    logging::refresh(py);
    logging::current()
}

/// Emits one tracing event at `level` through the core's subscriber (for logging tests).
#[pyfunction]
fn _emit_log_for_test(py: Python<'_>, level: &str, message: String) -> PyResult<()> {
    logging::refresh(py);
    let level = level_of(level);
    // Emitted on a runtime thread, as the core's own events are.
    bridge::block(py, async move {
        match level {
            "error" => tracing::error!(test = true, "{message}"),
            "warn" => tracing::warn!(test = true, "{message}"),
            "info" => tracing::info!(test = true, "{message}"),
            "debug" => tracing::debug!(test = true, "{message}"),
            _ => tracing::trace!(test = true, "{message}"),
        }
        Ok(())
    })
}

fn level_of(level: &str) -> &'static str {
    match level {
        "error" => "error",
        "warn" | "warning" => "warn",
        "info" => "info",
        "debug" => "debug",
        _ => "trace",
    }
}

#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "SAFERPAY_DEFAULT_SPEC_VERSION",
        paywire::saferpay::DEFAULT_SPEC_VERSION,
    )?;
    m.add_class::<money::Money>()?;
    m.add_class::<bridge::Start>()?;
    saferpay::register(m)?;
    records::register(m)?;
    links::register(m)?;
    sekurepay::register(m)?;
    secuconnect::register(m)?;
    sandbox::register(m)?;
    m.add_function(wrap_pyfunction!(operation::operation_table, m)?)?;
    m.add_function(wrap_pyfunction!(operation::record_table, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    m.add_function(wrap_pyfunction!(_log_level, m)?)?;
    m.add_function(wrap_pyfunction!(_emit_log_for_test, m)?)?;
    logging::install(py);
    Ok(())
}
