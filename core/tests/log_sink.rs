//! `paywire::logging::set_sink`: paywire's events reach the host's callback as records, at the
//! chosen level and above, only paywire's own targets, and stop when the sink is removed.

use std::sync::{Arc, Mutex};

use paywire::logging::{LogRecord, set_sink};

#[test]
fn events_reach_the_sink_at_its_level() {
    let seen: Arc<Mutex<Vec<LogRecord>>> = Arc::default();
    let store = seen.clone();
    let installed = set_sink(
        Some(Arc::new(move |record| store.lock().unwrap().push(record))),
        "info",
    )
    .unwrap();
    assert!(installed);
    tracing::warn!(target: "paywire::oauth::manager", code = "x", "token store failed");
    tracing::debug!(target: "paywire::oauth::manager", "below the level");
    tracing::warn!(target: "hyper::client", "not ours");
    {
        let records = seen.lock().unwrap();
        assert_eq!(records.len(), 1, "{records:?}");
        assert_eq!(records[0].level, "warn");
        assert_eq!(records[0].target, "paywire::oauth::manager");
        assert_eq!(records[0].message, "token store failed");
        assert_eq!(records[0].fields, vec![("code".to_owned(), "x".to_owned())]);
    }
    set_sink(None, "info").unwrap();
    tracing::warn!(target: "paywire::oauth::manager", "after removal");
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert_eq!(set_sink(None, "loud").unwrap_err().field(), Some("level"));
}
