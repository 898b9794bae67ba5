//! A token store of the user's own: any JS object with `get(key)`, `put(key, value)` and
//! `clear(key)`, each returning its answer or a Promise of it (a Redis or database client).
//! `value` is one opaque string (`paywire::oauth::StoredToken::to_text`, a credential).
//!
//! Only conversions: when and how the store is used is the core's, including that a failing
//! store is a warning, never a failed call. The core calls stores synchronously from its own
//! runtime's threads; this queues the call onto the JS thread and waits a bounded time for the
//! answer (the JS thread is free then: it only awaits the payment call's Promise).

use std::sync::Arc;
use std::sync::mpsc;
use std::thread::ThreadId;
use std::time::Duration;

use napi::bindgen_prelude::{FnArgs, Promise};
use napi::threadsafe_function::ThreadsafeFunction;
use paywire::Secret;
use paywire::oauth::{StoredToken, TokenStore};

/// `(operation, key, value) => Promise<string | null>`: `index.js` turns the user's object
/// into this one function (keeping the methods' `this` and accepting plain answers).
pub type StoreCall = ThreadsafeFunction<
    FnArgs<(String, String, Option<String>)>,
    Promise<Option<String>>,
    FnArgs<(String, String, Option<String>)>,
    napi::Status,
    false,
    true,
>;

/// How long a payment call waits for the JS store before it goes on without it.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(3);

pub struct JsTokenStore {
    call: Arc<StoreCall>,
    /// The JS thread (where the client was built): a call from there could never be answered.
    js_thread: ThreadId,
}

impl JsTokenStore {
    pub fn new(call: StoreCall) -> JsTokenStore {
        JsTokenStore {
            call: Arc::new(call),
            js_thread: std::thread::current().id(),
        }
    }

    fn ask(
        &self,
        method: &str,
        key: &str,
        value: Option<String>,
    ) -> Result<Option<String>, paywire::Error> {
        let failed = || paywire::Error::configuration(format!("tokenStore.{method}() failed"));
        if std::thread::current().id() == self.js_thread {
            return Err(failed());
        }
        let (sender, receiver) = mpsc::sync_channel(1);
        let call = Arc::clone(&self.call);
        let args = FnArgs::from((method.to_owned(), key.to_owned(), value));
        // napi's runtime only awaits the JS answer; the rejection reason is dropped (it could
        // quote a token).
        napi::bindgen_prelude::spawn(async move {
            let ask = async {
                match call.call_async(args).await {
                    Ok(promise) => promise.await.ok(),
                    Err(_) => None,
                }
            };
            // Bounded here too, so a Promise that never settles does not keep this task.
            let answer = tokio::time::timeout(ANSWER_TIMEOUT, ask)
                .await
                .ok()
                .flatten();
            let _ = sender.send(answer);
        });
        let wait = || receiver.recv_timeout(ANSWER_TIMEOUT);
        let answer = match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
            // Let the runtime move this worker's other tasks elsewhere while it waits.
            Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(wait),
            _ => wait(),
        };
        match answer {
            Ok(Some(text)) => Ok(text),
            Ok(None) | Err(_) => Err(failed()),
        }
    }
}

impl TokenStore for JsTokenStore {
    fn get(&self, key: &str) -> Result<Option<StoredToken>, paywire::Error> {
        let text = self.ask("get", key, None)?.map(Secret::new);
        Ok(text.and_then(|text| StoredToken::from_text(text.expose())))
    }

    fn put(&self, key: &str, token: &StoredToken) -> Result<(), paywire::Error> {
        let text = token.to_text().expose().to_owned();
        self.ask("put", key, Some(text)).map(|_| ())
    }

    fn clear(&self, key: &str) -> Result<(), paywire::Error> {
        self.ask("clear", key, None).map(|_| ())
    }
}
