//! Secrets scan: with logging at its most verbose (every target at TRACE, `log` records of
//! the HTTP stack included), run every shared scenario, then search the logs, every error
//! (Display, Debug, raw body), every result (with its raw provider JSON) and the Debug of
//! every client for each password, client secret, API key and token used. Zero hits allowed.

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use paywire_sandbox::{Sandbox, credentials};
use paywire_tests::scenario::{self, Clients};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_logs_errors_results_or_debug_output() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let sandbox = Sandbox::start().unwrap();
    let clients = Clients::for_sandbox(&sandbox).unwrap();
    let mut secrets: Vec<String> = vec![
        credentials::SAFERPAY_PASSWORD.into(),
        credentials::SECUCONNECT_CLIENT_SECRET.into(),
        credentials::SEKUREPAY_API_KEY.into(),
    ];
    let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
    secrets.push(b64(format!(
        "{}:{}",
        credentials::SAFERPAY_USERNAME,
        credentials::SAFERPAY_PASSWORD
    )));
    secrets.push(b64(format!("{}:", credentials::SEKUREPAY_API_KEY)));

    scenario::start_transcript();
    let all = scenario::load_all(&paywire_tests::scenario_dir());
    // Card numbers the scenarios send (valid or not) are secrets too: collect every
    // `card.number` of every call. (Verification codes are 3 or 4 digits, too short to scan
    // for without false hits; core tests check they never show.)
    fn card_numbers(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                let card = map.get("card");
                let number = card
                    .and_then(|c| c.get("number"))
                    .or(card.filter(|c| c.is_string()));
                if let Some(number) = number.and_then(|n| n.as_str()).filter(|n| n.len() >= 8) {
                    out.push(number.to_owned());
                }
                map.values().for_each(|v| card_numbers(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| card_numbers(v, out)),
            _ => {}
        }
    }
    let before = secrets.len();
    for (_, s) in &all {
        card_numbers(s, &mut secrets);
    }
    assert!(secrets.len() > before, "the scenarios send card numbers");
    let mut failures = Vec::new();
    for (name, s) in &all {
        if let Err(e) = scenario::run(&sandbox, &clients, s).await {
            failures.push(format!("{name}: {e}"));
        }
        // Tokens live until the next scenario resets the sandbox: collect them now.
        secrets.extend(sandbox.issued_tokens());
    }
    assert!(failures.is_empty(), "scenarios failed: {failures:?}");
    let mut transcript = scenario::take_transcript();
    for debug in [
        format!("{:?}", clients.saferpay),
        format!("{:?}", clients.secuconnect),
        format!("{:?}", clients.sekurepay),
        format!(
            "{:?}",
            paywire::blocking::SaferpayClient::new(clients.saferpay.clone())
        ),
    ] {
        transcript.push_str(&debug);
        transcript.push('\n');
    }
    let logs = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    secrets.sort();
    secrets.dedup();
    let tokens = secrets.len() - 5;
    let mut hits = Vec::new();
    for secret in &secrets {
        for (place, text) in [("logs", &logs), ("errors and results", &transcript)] {
            if text.contains(secret.as_str()) {
                hits.push(format!(
                    "{place} contain a secret starting {:?}",
                    &secret[..4.min(secret.len())]
                ));
            }
        }
    }
    println!(
        "secrets scan: {} secrets ({} issued tokens), {} KiB of TRACE logs, {} KiB of results and errors, {} hits",
        secrets.len(),
        tokens,
        logs.len() / 1024,
        transcript.len() / 1024,
        hits.len()
    );
    assert!(tokens > 0, "the scenarios should have issued tokens");
    assert!(
        logs.len() > 10_000,
        "TRACE logging should have produced output"
    );
    assert!(hits.is_empty(), "{hits:?}");
}
