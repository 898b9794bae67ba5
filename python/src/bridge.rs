//! Sync and async adapters over the core's shared runtime.
//!
//! - Sync calls spawn the work onto `paywire::rt::runtime()` and wait for it with the GIL
//!   released, in slices, calling `check_signals` in between so Ctrl-C interrupts them (the
//!   task is aborted when the wait is abandoned).
//! - Async calls are asyncio awaitables made by pyo3-async-runtimes' generic adapter over a
//!   runtime that is simply paywire's: nothing here caches a runtime or handle, so a forked
//!   child uses the runtime the core rebuilds for it. Cancelling the asyncio task drops the
//!   Rust future, which aborts the in-flight request.
//! - Panics anywhere become `paywire.InternalError`, never `PanicException`.

use std::any::Any;
use std::cell::OnceCell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::mpsc::{RecvTimeoutError, sync_channel};
use std::time::Duration;

use futures_util::FutureExt;
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3_async_runtimes::TaskLocals;
use pyo3_async_runtimes::generic::{self, ContextExt};

use crate::{errors, logging};

/// How long a sync call waits with the GIL released before checking for signals.
const SLICE: Duration = Duration::from_millis(50);

pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    }
}

fn panic_error(payload: &(dyn Any + Send)) -> paywire::Error {
    paywire::Error::internal(format!("paywire panicked: {}", panic_message(payload)))
}

/// Runs binding code, turning a panic into `paywire.InternalError`.
pub fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match std::panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(errors::to_py(panic_error(&*payload))),
    }
}

/// A future's result with panics turned into internal errors.
async fn caught<T, F>(future: F) -> Result<T, paywire::Error>
where
    F: Future<Output = Result<T, paywire::Error>>,
{
    match AssertUnwindSafe(future).catch_unwind().await {
        Ok(result) => result,
        Err(payload) => Err(panic_error(&*payload)),
    }
}

/// Aborts the spawned task if the caller stops waiting (Ctrl-C).
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `future` on paywire's runtime and waits for it with the GIL released.
pub fn block<T, F>(py: Python<'_>, future: F) -> PyResult<T>
where
    F: Future<Output = Result<T, paywire::Error>> + Send + 'static,
    T: Send + 'static,
{
    logging::refresh(py);
    let runtime = paywire::rt::runtime().map_err(|e| errors::to_pyerr(py, &e))?;
    let (tx, rx) = sync_channel::<Result<T, paywire::Error>>(1);
    let task = runtime.spawn(async move {
        let _ = tx.send(caught(future).await);
    });
    let _abort = AbortOnDrop(task.abort_handle());
    let mut rx = rx;
    loop {
        let (back, received) = py.detach(move || {
            let received = rx.recv_timeout(SLICE);
            (rx, received)
        });
        rx = back;
        match received {
            Ok(result) => return result.map_err(|e| errors::to_pyerr(py, &e)),
            Err(RecvTimeoutError::Timeout) => py.check_signals()?,
            Err(RecvTimeoutError::Disconnected) => {
                return Err(errors::to_pyerr(
                    py,
                    &paywire::Error::internal("the paywire task ended without a result"),
                ));
            }
        }
    }
}

/// A finished future's value, converted to Python once the GIL is held (pyo3-async-runtimes
/// converts results on a blocking thread, never on a runtime worker).
type Convert = Box<dyn for<'py> FnOnce(Python<'py>) -> PyResult<Py<PyAny>> + Send>;

pub struct Deferred(Convert);

impl Deferred {
    pub fn new(
        f: impl for<'py> FnOnce(Python<'py>) -> PyResult<Py<PyAny>> + Send + 'static,
    ) -> Self {
        Deferred(Box::new(f))
    }
}

impl<'py> IntoPyObject<'py> for Deferred {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        (self.0)(py).map(|obj| obj.into_bound(py))
    }
}

type BoxedFuture = Pin<Box<dyn Future<Output = PyResult<Deferred>> + Send>>;

/// Returns a coroutine that, when awaited, runs `future` on paywire's runtime.
pub fn awaitable<'py, T, F>(py: Python<'py>, future: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<T, paywire::Error>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    awaitable_with(py, future, |py, value: T| value.into_py_any(py))
}

/// Like [`awaitable`] with a custom conversion of the result (e.g. `None` → `StopAsyncIteration`).
pub fn awaitable_with<'py, T, F, C>(
    py: Python<'py>,
    future: F,
    convert: C,
) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<T, paywire::Error>> + Send + 'static,
    T: Send + 'static,
    C: for<'a> FnOnce(Python<'a>, T) -> PyResult<Py<PyAny>> + Send + 'static,
{
    logging::refresh(py);
    paywire::rt::runtime().map_err(|e| errors::to_pyerr(py, &e))?;
    let future: BoxedFuture = Box::pin(async move {
        let result = caught(future).await;
        Ok(Deferred::new(move |py| match result {
            Ok(value) => convert(py, value),
            Err(error) => Err(errors::to_pyerr(py, &error)),
        }))
    });
    lazy_coroutine(py, future)
}

/// A coroutine whose value is already known (an async iterator's buffered item).
pub fn ready<'py>(py: Python<'py>, value: Py<PyAny>) -> PyResult<Bound<'py, PyAny>> {
    aio_helper(py, "_ready")?.call1((value,))
}

static AIO: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn aio_helper<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    AIO.get_or_try_init(py, || py.import("paywire._aio").map(Bound::unbind))?
        .bind(py)
        .getattr(name)
}

/// Wraps the work in `paywire._aio._lazy(start)`: a real coroutine (usable with
/// `asyncio.run`, `create_task`, `gather`) that starts the work only when awaited, so an
/// un-awaited call sends nothing.
fn lazy_coroutine(py: Python<'_>, future: BoxedFuture) -> PyResult<Bound<'_, PyAny>> {
    let start = Start {
        future: Mutex::new(Some(future)),
    };
    aio_helper(py, "_lazy")?.call1((start,))
}

/// Starts the pending work on first call and returns the asyncio future to await.
#[pyclass(frozen, module = "paywire._native", name = "_Start")]
pub struct Start {
    future: Mutex<Option<BoxedFuture>>,
}

#[pymethods]
impl Start {
    fn __call__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let future = self
            .future
            .lock()
            .map_err(|_| errors::internal("paywire awaitable lock poisoned"))?
            .take()
            .ok_or_else(|| {
                pyo3::exceptions::PyRuntimeError::new_err("this paywire call was already awaited")
            })?;
        generic::future_into_py::<PaywireRuntime, _, _>(py, future)
    }
}

/// pyo3-async-runtimes' view of paywire's runtime. Stateless: every spawn asks the core for
/// the runtime of this process (rebuilt after fork).
pub struct PaywireRuntime;

pub struct JoinFailure(tokio::task::JoinError);

impl generic::JoinError for JoinFailure {
    fn is_panic(&self) -> bool {
        self.0.is_panic()
    }
    fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        match self.0.try_into_panic() {
            Ok(payload) => payload,
            Err(e) => Box::new(e.to_string()),
        }
    }
}

type JoinFuture = Pin<Box<dyn Future<Output = Result<(), JoinFailure>> + Send>>;

fn spawn_on_paywire(
    spawn: impl FnOnce(&tokio::runtime::Runtime) -> tokio::task::JoinHandle<()>,
) -> JoinFuture {
    match paywire::rt::runtime() {
        Ok(runtime) => {
            let handle = spawn(runtime);
            Box::pin(async move { handle.await.map_err(JoinFailure) })
        }
        // Checked before every awaitable is created, so this only happens if the runtime
        // cannot be rebuilt between that check and now; nothing can run without it.
        Err(error) => {
            tracing::error!(error = %error, "paywire runtime unavailable");
            Box::pin(async { Ok(()) })
        }
    }
}

impl generic::Runtime for PaywireRuntime {
    type JoinError = JoinFailure;
    type JoinHandle = JoinFuture;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        spawn_on_paywire(move |rt| rt.spawn(fut))
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        spawn_on_paywire(move |rt| rt.spawn_blocking(f))
    }
}

tokio::task_local! {
    static TASK_LOCALS: OnceCell<TaskLocals>;
}

impl ContextExt for PaywireRuntime {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = OnceCell::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS
            .try_with(|cell| cell.get().cloned())
            .unwrap_or_default()
    }
}

/// A coroutine that raises `error` when awaited (an exhausted async iterator).
pub fn raising<'py>(py: Python<'py>, error: PyErr) -> PyResult<Bound<'py, PyAny>> {
    aio_helper(py, "_raise")?.call1((error.into_value(py),))
}
