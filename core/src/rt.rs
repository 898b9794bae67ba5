//! Where provider calls run: on the caller's tokio runtime when it has one that is always being
//! driven, else on the one shared runtime (created on first use, rebuilt after `fork()`).
//!
//! - A Rust caller on a multi-thread tokio runtime awaits paywire directly, with no hop to
//!   another runtime (as with a plain reqwest call).
//! - Everyone else hops to the shared runtime: blocking callers (`blocking::*`), callers on no
//!   runtime or on a current-thread runtime, and the bindings, which mark their calls with
//!   [`on_shared_runtime`] at their edge so that panics, fork and cancellation behave the same
//!   in every language.
//!
//! Why a current-thread runtime hops: hyper drives each pooled connection from a task on the
//! runtime that opened it. A current-thread runtime only runs while someone blocks on it, so a
//! connection opened there and reused from another runtime would stall while it is idle. Tasks
//! of a multi-thread runtime always run; when such a runtime is dropped, its connection tasks
//! end, the pool sees those connections closed and opens new ones.

use std::future::Future;
use std::sync::Mutex;

use tokio::runtime::Runtime;

use crate::error::Error;

struct Shared {
    pid: u32,
    generation: u64,
    runtime: &'static Runtime,
}

static SHARED: Mutex<Option<Shared>> = Mutex::new(None);

/// The shared runtime and its generation (bumped each time it is rebuilt, e.g. after fork).
pub fn runtime_with_generation() -> Result<(&'static Runtime, u64), Error> {
    let mut guard = SHARED
        .lock()
        .map_err(|_| Error::internal("paywire runtime lock poisoned"))?;
    let pid = std::process::id();
    if let Some(shared) = guard.as_ref().filter(|s| s.pid == pid) {
        return Ok((shared.runtime, shared.generation));
    }
    // First use, or we are a forked child: the parent's worker threads do not exist here.
    // The old runtime is leaked on purpose; dropping it would wait for threads that are gone.
    let generation = guard.as_ref().map_or(0, |s| s.generation + 1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(worker_threads())
        .thread_name("paywire-rt")
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("cannot start the paywire runtime: {e}")))?;
    let runtime: &'static Runtime = Box::leak(Box::new(runtime));
    *guard = Some(Shared {
        pid,
        generation,
        runtime,
    });
    Ok((runtime, generation))
}

/// The shared runtime.
pub fn runtime() -> Result<&'static Runtime, Error> {
    runtime_with_generation().map(|(rt, _)| rt)
}

fn worker_threads() -> usize {
    std::env::var("PAYWIRE_WORKER_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get().clamp(2, 8))
                .unwrap_or(2)
        })
}

/// Awaits a spawned task and aborts it when dropped first (asyncio or coroutine cancel), so
/// the in-flight HTTP request is abandoned too.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx)
    }
}

/// Runs `future` on the shared runtime and awaits it from any executor. Dropping the returned
/// future aborts the work (and so the in-flight HTTP request).
pub async fn run<F, T>(future: F) -> Result<T, Error>
where
    F: Future<Output = Result<T, Error>> + Send + 'static,
    T: Send + 'static,
{
    let joined = AbortOnDrop(runtime()?.spawn(future)).await;
    match joined {
        Ok(result) => result,
        Err(e) if e.is_panic() => Err(Error::internal(format!(
            "paywire panicked: {}",
            panic_message(e.into_panic())
        ))),
        Err(_) => Err(Error::internal("paywire task was cancelled")),
    }
}

/// A task that runs on its own while its owner does other work (the report pager's page
/// fetched ahead); aborted when dropped, so an abandoned pager leaves no request behind.
pub struct Background<T>(AbortOnDrop<T>);

impl<T: Send + 'static> Background<T> {
    /// Starts `future` where a call made here would run (see the module docs).
    pub fn spawn<F>(future: F) -> Result<Background<T>, Error>
    where
        F: Future<Output = T> + Send + 'static,
    {
        let handle = match tokio::runtime::Handle::try_current() {
            Ok(handle) if runs_on_caller() => handle.spawn(future),
            _ => runtime()?.spawn(future),
        };
        Ok(Background(AbortOnDrop(handle)))
    }
}

impl<T> Background<Result<T, Error>> {
    /// Waits for the task's result.
    pub async fn join(self) -> Result<T, Error> {
        match self.0.await {
            Ok(result) => result,
            Err(e) if e.is_panic() => Err(Error::internal(format!(
                "paywire panicked: {}",
                panic_message(e.into_panic())
            ))),
            Err(_) => Err(Error::internal("paywire task was cancelled")),
        }
    }
}

tokio::task_local! {
    /// Set by [`on_shared_runtime`] for the future it wraps.
    static ON_SHARED_RUNTIME: ();
}

/// Marks `future` so that every paywire call it makes runs on the shared runtime, whatever
/// runtime polls it. The bindings wrap each call in it at their edge (napi, for one, polls on a
/// runtime of its own).
pub async fn on_shared_runtime<F: Future>(future: F) -> F::Output {
    ON_SHARED_RUNTIME.scope((), future).await
}

/// Whether a call made here runs where it is awaited (see the module docs).
fn runs_on_caller() -> bool {
    if ON_SHARED_RUNTIME.try_with(|_| ()).is_ok() {
        return false;
    }
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread,
        Err(_) => false,
    }
}

/// Runs one provider call: awaited in place on the caller's multi-thread runtime, else on the
/// shared runtime through [`run`]. Dropping the returned future abandons the call either way.
pub async fn run_call<F, T>(future: F) -> Result<T, Error>
where
    F: Future<Output = Result<T, Error>> + Send + 'static,
    T: Send + 'static,
{
    if runs_on_caller() {
        future.await
    } else {
        run(future).await
    }
}

/// Blocks the calling thread until `future` completes on the shared runtime. Refuses (with a
/// configuration error, never a panic) when called from inside an async runtime.
pub fn block_on<F, T>(future: F) -> Result<T, Error>
where
    F: Future<Output = Result<T, Error>> + Send + 'static,
    T: Send + 'static,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::configuration(
            "a blocking paywire call was made from inside an async runtime; use the async client there",
        ));
    }
    // The public async methods already spawn onto the shared runtime; blocking here only
    // drives that hand-off.
    runtime()?.block_on(future)
}

pub(crate) fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    }
}
