//! The core's `tracing` events for hosts without a `tracing` subscriber of their own:
//!
//! - `PAYWIRE_LOG=debug` (any `tracing` filter, e.g. `paywire=trace,reqwest=debug`) prints them
//!   to stderr without code;
//! - [`set_sink`] hands each event of paywire's own targets to a callback as a [`LogRecord`]
//!   (Node `setLogger`, the Kotlin/Swift `LogSink` interface), so they reach the host's logging
//!   (logcat, pino, os_log …).
//!
//! Events never carry secrets: credentials travel only in headers, which are not logged,
//! bodies are not logged, and tokens are [`crate::Secret`]s whose Display is `***`.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, RwLock};

use once_cell::sync::OnceCell;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// One event as a host sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRecord {
    /// `error`, `warn`, `info`, `debug` or `trace`.
    pub level: String,
    /// The module that logged it, e.g. `paywire::oauth::manager`.
    pub target: String,
    pub message: String,
    /// The event's other fields, in order, as text.
    pub fields: Vec<(String, String)>,
}

/// Receives [`LogRecord`]s; called on whichever thread logged, so it must be quick.
pub type LogSink = Arc<dyn Fn(LogRecord) + Send + Sync>;

static INSTALLED: OnceCell<bool> = OnceCell::new();
static SINK: RwLock<Option<LogSink>> = RwLock::new(None);
/// 0 = off, 1 = error … 5 = trace.
static SINK_LEVEL: AtomicU8 = AtomicU8::new(0);

fn rank(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        Level::TRACE => 5,
    }
}

/// `error`, `warn`, `info`, `debug`, `trace` (or `off`) to a rank; `None` for anything else.
pub fn level_rank(level: &str) -> Option<u8> {
    match level.trim().to_ascii_lowercase().as_str() {
        "off" => Some(0),
        "error" => Some(1),
        "warn" | "warning" => Some(2),
        "info" => Some(3),
        "debug" => Some(4),
        "trace" => Some(5),
        _ => None,
    }
}

/// Installs the subscriber (stderr when `PAYWIRE_LOG` is set, plus the sink). Idempotent;
/// returns whether paywire's subscriber is the global one. Leaves any subscriber the
/// application installed alone.
pub fn init_from_env() -> bool {
    *INSTALLED.get_or_init(install)
}

fn install() -> bool {
    let stderr = std::env::var("PAYWIRE_LOG")
        .ok()
        .filter(|f| !f.trim().is_empty())
        .and_then(|f| tracing_subscriber::EnvFilter::try_new(f).ok())
        .map(|filter| {
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(false)
                .with_filter(filter)
        });
    tracing_subscriber::registry()
        .with(stderr)
        .with(SinkLayer.with_filter(tracing_subscriber::filter::filter_fn(sink_wants)))
        .try_init()
        .is_ok()
}

/// Installs a stderr subscriber with `filter` (a `tracing` env-filter string).
pub fn init(filter: &str) -> bool {
    let Ok(filter) = tracing_subscriber::EnvFilter::try_new(filter) else {
        return false;
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        // A write that fails (Node leaves stderr non-blocking: a full pipe answers EAGAIN) must
        // drop the line, not report it with `eprintln!`, which panics on that same stderr and
        // would fail the payment call that logged.
        .log_internal_errors(false)
        .try_init()
        .is_ok()
}

/// Sends paywire's events at `level` and above to `sink` (replacing any earlier sink);
/// `None` stops. Returns whether events can reach it (false when the application installed
/// a `tracing` subscriber of its own: then they go there).
pub fn set_sink(sink: Option<LogSink>, level: &str) -> Result<bool, crate::Error> {
    let rank = level_rank(level).ok_or_else(|| {
        crate::Error::validation(
            "level",
            "must be one of error, warn, info, debug, trace, off",
        )
    })?;
    let installed = init_from_env();
    let on = sink.is_some();
    if let Ok(mut slot) = SINK.write() {
        *slot = sink;
    }
    SINK_LEVEL.store(if on { rank } else { 0 }, Ordering::Release);
    // Callsites cached as "never" must be asked again now that the level changed.
    tracing::callsite::rebuild_interest_cache();
    Ok(installed)
}

struct SinkLayer;

#[derive(Default)]
struct Collect {
    message: String,
    fields: Vec<(String, String)>,
}

impl Visit for Collect {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let mut text = String::new();
        let _ = write!(text, "{value:?}");
        if field.name() == "message" {
            self.message = text;
        } else {
            self.fields.push((field.name().to_owned(), text));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_owned();
        } else {
            self.fields
                .push((field.name().to_owned(), value.to_owned()));
        }
    }
}

/// Only paywire's own targets (not the HTTP stack's), at the sink's level.
fn sink_wants(metadata: &tracing::Metadata<'_>) -> bool {
    rank(metadata.level()) <= SINK_LEVEL.load(Ordering::Acquire)
        && metadata.target().starts_with("paywire")
}

impl<S: Subscriber> Layer<S> for SinkLayer {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let metadata = event.metadata();
        if !sink_wants(metadata) {
            return;
        }
        let sink = match SINK.read() {
            Ok(slot) => slot.clone(),
            Err(_) => None,
        };
        let Some(sink) = sink else {
            return;
        };
        let mut collect = Collect::default();
        event.record(&mut collect);
        sink(LogRecord {
            level: metadata.level().as_str().to_ascii_lowercase(),
            target: metadata.target().to_owned(),
            message: collect.message,
            fields: collect.fields,
        });
    }
}
