//! The core's log events to the host (Android's logcat, os_log, a Kotlin logger): the host
//! implements [`LogSink`] and passes it to [`set_log_sink`]. The core decides what is logged and
//! keeps secrets out; this only converts the record.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::{Result, guard};

/// One log event of the paywire core (never carries a secret).
#[derive(uniffi::Record, Clone, Debug)]
pub struct LogRecord {
    /// `error`, `warn`, `info`, `debug` or `trace`.
    pub level: String,
    /// The core module that logged it, e.g. `paywire::oauth::manager`.
    pub target: String,
    pub message: String,
    /// The event's other fields as text.
    pub fields: HashMap<String, String>,
}

/// Receives the core's log events; called on paywire's threads, so it must be quick and
/// thread-safe (hand the record to your logger, nothing more).
#[uniffi::export(with_foreign)]
pub trait LogSink: Send + Sync {
    fn log(&self, record: LogRecord);
}

/// Sends the core's log events at `level` (default `info`: `error`, `warn`, `info`, `debug`,
/// `trace`, `off`) and above to `sink`; `null`/`nil` stops. Returns whether events can reach it.
#[uniffi::export(default(level = None))]
pub fn set_log_sink(sink: Option<Arc<dyn LogSink>>, level: Option<String>) -> Result<bool> {
    guard(|| {
        let sink = sink.map(|sink| {
            Arc::new(move |record: paywire::logging::LogRecord| {
                sink.log(LogRecord {
                    level: record.level,
                    target: record.target,
                    message: record.message,
                    fields: record.fields.into_iter().collect(),
                });
            }) as paywire::logging::LogSink
        });
        Ok(paywire::logging::set_sink(
            sink,
            level.as_deref().unwrap_or("info"),
        )?)
    })
}
