//! `setLogger((record) => …)`: the core's log events, as records, to a JS function (the core
//! decides what is logged and keeps secrets out; this only converts and queues the call onto
//! the JS thread). The function is held weakly: it never keeps the process alive.

use std::collections::HashMap;
use std::sync::Arc;

use napi::bindgen_prelude::Function;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;

/// One log event of the paywire core.
#[napi(object)]
pub struct LogRecord {
    /// `error`, `warn`, `info`, `debug` or `trace`.
    pub level: String,
    /// The core module that logged it, e.g. `paywire::oauth::manager`.
    pub target: String,
    pub message: String,
    /// The event's other fields as text (never a secret).
    pub fields: HashMap<String, String>,
}

type Logger = ThreadsafeFunction<LogRecord, (), LogRecord, napi::Status, false, true>;

/// Sends the core's log events at `level` (default `info`) and above to `logger`, called on the
/// JS thread with one record each; `setLogger(null)` stops. Returns whether events can reach it.
#[napi]
pub fn set_logger(
    logger: Option<Function<'_, LogRecord, ()>>,
    level: Option<String>,
) -> napi::Result<bool> {
    let sink: Option<paywire::logging::LogSink> = match logger {
        None => None,
        Some(function) => {
            let tsfn: Logger = function
                .build_threadsafe_function::<LogRecord>()
                .callee_handled::<false>()
                .weak::<true>()
                .build()?;
            let tsfn = Arc::new(tsfn);
            Some(Arc::new(move |record: paywire::logging::LogRecord| {
                let record = LogRecord {
                    level: record.level,
                    target: record.target,
                    message: record.message,
                    fields: record.fields.into_iter().collect(),
                };
                // Non-blocking: a logging call must never stall a payment call.
                let _ = tsfn.call(record, ThreadsafeFunctionCallMode::NonBlocking);
            }))
        }
    };
    crate::errors::napi_result(paywire::logging::set_sink(
        sink,
        level.as_deref().unwrap_or("info"),
    ))
}
