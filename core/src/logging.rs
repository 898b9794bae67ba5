//! Opt-in logging of the core's `tracing` events to stderr, for bindings whose host language
//! has no logging bridge (Node, Kotlin/Swift): `PAYWIRE_LOG=debug` (any `tracing` filter, e.g.
//! `paywire=trace,reqwest=debug`) turns it on without code. Events never carry secrets:
//! credentials travel only in headers, which are not logged, and bodies are not logged.

use once_cell::sync::OnceCell;

static INSTALLED: OnceCell<bool> = OnceCell::new();

/// Installs a stderr subscriber when `PAYWIRE_LOG` is set. Idempotent; returns whether paywire
/// logging is on. Leaves any subscriber the application installed alone.
pub fn init_from_env() -> bool {
    *INSTALLED.get_or_init(|| match std::env::var("PAYWIRE_LOG") {
        Ok(filter) if !filter.trim().is_empty() => init(&filter),
        _ => false,
    })
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
