//! Forwards the core's `tracing` events to the Python logger `paywire`.
//!
//! Cheap when disabled: the subscriber's level follows the logger's effective level (read on
//! each call into paywire), and the tracing callsite cache is rebuilt only when it changes, so
//! with logging off an event costs one relaxed atomic load in the `tracing` macros (a `log`
//! record of the HTTP stack is dropped by the bridge after one more such load).
//! The core never puts secrets in events; nothing is added here.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

/// 0 = off, 1 = error, 2 = warn, 3 = info, 4 = debug, 5 = trace.
static LEVEL: AtomicU8 = AtomicU8::new(0);

static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn rank(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        Level::TRACE => 5,
    }
}

fn python_level(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        Level::TRACE => 5,
    }
}

fn filter_for(rank: u8) -> LevelFilter {
    match rank {
        0 => LevelFilter::OFF,
        1 => LevelFilter::ERROR,
        2 => LevelFilter::WARN,
        3 => LevelFilter::INFO,
        4 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    }
}

fn logger(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    LOGGER
        .get_or_try_init(py, || {
            py.import("logging")?
                .call_method1("getLogger", ("paywire",))
                .map(Bound::unbind)
        })
        .map(|l| l.bind(py))
}

/// Installs the forwarding subscriber (once per process; a no-op if another global
/// subscriber already exists), and the `log` bridge that turns the HTTP stack's `log` records
/// (reqwest, rustls) into events. The bridge is installed while everything is enabled, so it
/// passes every record on and the level check stays here; `refresh` then applies the logger's
/// level.
pub fn install(py: Python<'_>) {
    LEVEL.store(5, Ordering::Relaxed);
    let _ = tracing_subscriber::registry().with(PythonLayer).try_init();
    refresh(py);
}

/// Re-reads the `paywire` logger's effective level; rebuilds the callsite cache on change.
pub fn refresh(py: Python<'_>) {
    let level: i64 = logger(py)
        .and_then(|l| l.call_method0("getEffectiveLevel"))
        .and_then(|v| v.extract())
        .unwrap_or(i64::MAX);
    let disabled = logger(py)
        .and_then(|l| l.getattr("disabled"))
        .and_then(|v| v.extract::<bool>())
        .unwrap_or(false);
    let new_rank = if disabled {
        0
    } else {
        match level {
            i64::MIN..=5 => 5,
            6..=10 => 4,
            11..=20 => 3,
            21..=30 => 2,
            31..=40 => 1,
            _ => 0,
        }
    };
    if LEVEL.swap(new_rank, Ordering::Relaxed) != new_rank {
        tracing::callsite::rebuild_interest_cache();
    }
}

/// The current level as text (for tests).
pub fn current() -> &'static str {
    match LEVEL.load(Ordering::Relaxed) {
        0 => "off",
        1 => "error",
        2 => "warn",
        3 => "info",
        4 => "debug",
        _ => "trace",
    }
}

struct PythonLayer;

/// A span's fields, formatted once when the span is created.
struct SpanFields(Vec<(String, String)>);

#[derive(Default)]
struct Collect {
    message: Option<String>,
    fields: Vec<(String, String)>,
}

impl Visit for Collect {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = Some(value.to_owned());
        } else {
            self.fields
                .push((field.name().to_owned(), value.to_owned()));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        if field.name() == "message" {
            self.message = Some(text);
        } else {
            self.fields.push((field.name().to_owned(), text));
        }
    }
}

impl<S> Layer<S> for PythonLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn register_callsite(&self, _metadata: &'static Metadata<'static>) -> Interest {
        // Decided per event by `enabled`, against the level that follows Python's logger.
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        rank(metadata.level()) <= LEVEL.load(Ordering::Relaxed)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(filter_for(LEVEL.load(Ordering::Relaxed)))
    }

    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let mut collect = Collect::default();
        attrs.record(&mut collect);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(collect.fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut collect = Collect::default();
        event.record(&mut collect);
        let mut fields: Vec<(String, String)> = Vec::new();
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(span_fields) = span.extensions().get::<SpanFields>() {
                    fields.extend(span_fields.0.iter().cloned());
                }
            }
        }
        // A `log` record carries its real target in `log.target` (and its source location,
        // dropped as for every other event).
        let mut target = event.metadata().target().to_owned();
        for (key, value) in collect.fields {
            if key == "log.target" {
                target = value;
            } else if !key.starts_with("log.") {
                fields.push((key, value));
            }
        }
        let mut text = collect.message.unwrap_or_default();
        for (key, value) in &fields {
            let _ = write!(text, " {key}={value}");
        }
        let level = python_level(event.metadata().level());
        // Runtime threads attach only for the duration of the call; during interpreter
        // shutdown the event is dropped.
        let _ = Python::try_attach(|py| -> PyResult<()> {
            let extra = PyDict::new(py);
            let field_dict = PyDict::new(py);
            for (key, value) in &fields {
                field_dict.set_item(key, value)?;
            }
            extra.set_item("paywire_fields", field_dict)?;
            extra.set_item("paywire_target", &target)?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("extra", extra)?;
            logger(py)?.call_method("log", (level, text.trim_start()), Some(&kwargs))?;
            Ok(())
        });
    }
}
