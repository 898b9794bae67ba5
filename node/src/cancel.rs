//! Per-call cancellation: the JS layer creates a token per call and cancels it when the call's
//! `AbortSignal` fires. The binding races the core future against the token; losing the race
//! drops the core future, and the core's abort-on-drop guard aborts the task on its runtime
//! (and with it the in-flight HTTP request).

use std::future::Future;
use std::sync::Arc;

use napi_derive::napi;
use tokio::sync::watch;

use crate::errors;

/// A cancellation handle for one call (internal: the public API takes `{ signal }`).
#[napi]
pub struct CancelToken {
    tx: Arc<watch::Sender<bool>>,
}

impl Default for CancelToken {
    fn default() -> Self {
        CancelToken::new()
    }
}

#[napi]
impl CancelToken {
    #[napi(constructor)]
    pub fn new() -> CancelToken {
        let (tx, _rx) = watch::channel(false);
        CancelToken { tx: Arc::new(tx) }
    }

    /// Cancels the call this token was passed to (idempotent).
    #[napi]
    pub fn cancel(&self) {
        self.tx.send_replace(true);
    }

    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        *self.tx.borrow()
    }
}

impl CancelToken {
    /// Completes once the token is cancelled (never, if it is not).
    fn cancelled_future(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.tx.subscribe();
        async move {
            if rx.wait_for(|cancelled| *cancelled).await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

/// Runs a core future unless (or until) `cancel` fires; converts core errors for JS. The call
/// runs on the core's shared runtime, not napi's, like every binding's calls.
pub(crate) async fn guarded<T, F>(cancel: &CancelToken, future: F) -> napi::Result<T>
where
    F: Future<Output = Result<T, paywire::Error>>,
{
    let cancelled = cancel.cancelled_future();
    tokio::select! {
        biased;
        () = cancelled => Err(errors::aborted()),
        result = paywire::rt::on_shared_runtime(future) => result.map_err(errors::to_napi),
    }
}
