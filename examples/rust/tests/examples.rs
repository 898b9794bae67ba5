//! Runs each example program as a user would (its binary, configured by environment variables
//! that point at an embedded sandbox), plays the payer with the sandbox and checks through the
//! app's own `GET /orders/{id}` that the handlers saw the outcome.
//!
//! `cargo test` builds the examples before the tests; their binaries sit in
//! `target/<profile>/examples/`, beside this test's `deps/`.

use std::error::Error;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use paywire::Money;
use paywire::blocking::SaferpayClient;
use paywire::saferpay::{self, InitializePaymentPage};
use paywire_sandbox::{Sandbox, SandboxOptions, credentials as c};
use serde_json::{Value, json};

type TestResult<T = ()> = Result<T, Box<dyn Error>>;

fn example(name: &str) -> TestResult<PathBuf> {
    let exe = std::env::current_exe()?;
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .ok_or("test binary outside target/<profile>/deps")?;
    let path = profile_dir.join("examples").join(name);
    if !path.exists() {
        return Err(format!("{} not built (cargo test builds examples)", path.display()).into());
    }
    Ok(path)
}

/// The variables `paywire sandbox` prints, for this sandbox.
fn sandbox_env(sandbox: &Sandbox) -> Vec<(&'static str, String)> {
    vec![
        ("SAFERPAY_BASE_URL", sandbox.saferpay_base_url()),
        ("SAFERPAY_CUSTOMER_ID", c::SAFERPAY_CUSTOMER_ID.into()),
        ("SAFERPAY_TERMINAL_ID", c::SAFERPAY_TERMINAL_ID.into()),
        ("SAFERPAY_USERNAME", c::SAFERPAY_USERNAME.into()),
        ("SAFERPAY_PASSWORD", c::SAFERPAY_PASSWORD.into()),
        ("SECUCONNECT_BASE_URL", sandbox.secuconnect_base_url()),
        ("SECUCONNECT_CLIENT_ID", c::SECUCONNECT_CLIENT_ID.into()),
        (
            "SECUCONNECT_CLIENT_SECRET",
            c::SECUCONNECT_CLIENT_SECRET.into(),
        ),
        ("SECUCONNECT_CONTRACT_ID", c::SECUCONNECT_CONTRACT_ID.into()),
    ]
}

/// An example web app, stopped when dropped.
struct App {
    child: Child,
    url: String,
}

impl App {
    fn start(name: &str, sandbox: &Sandbox) -> TestResult<App> {
        let mut child = Command::new(example(name)?)
            .envs(sandbox_env(sandbox))
            .env("PORT", "0")
            .env_remove("PUBLIC_URL")
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("{name} printed {line:?}, not its address"))?
            .to_owned();
        Ok(App { child, url })
    }

    fn get(&self, path: &str) -> TestResult<(u16, String)> {
        http("GET", &format!("{}{path}", self.url), None)
    }

    fn post(&self, path: &str, body: &Value) -> TestResult<Value> {
        let (status, text) = http("POST", &format!("{}{path}", self.url), Some(body))?;
        if status != 200 {
            return Err(format!("POST {path}: {status} {text}").into());
        }
        Ok(serde_json::from_str(&text)?)
    }

    /// Polls `GET /orders/{id}` until `done` holds (the sandbox notifies in the background).
    fn wait_for_order(&self, id: &str, done: impl Fn(&Value) -> bool) -> TestResult<Value> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let (status, text) = self.get(&format!("/orders/{id}"))?;
            let order: Value = serde_json::from_str(&text)
                .map_err(|e| format!("GET /orders/{id}: {status} {text:?} ({e})"))?;
            if done(&order) {
                return Ok(order);
            }
            if Instant::now() > deadline {
                return Err(format!("order {id} did not get there: {order}").into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 client for 127.0.0.1 (the harness needs nothing more).
fn http(method: &str, url: &str, body: Option<&Value>) -> TestResult<(u16, String)> {
    let rest = url.strip_prefix("http://").ok_or("http:// only")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = TcpStream::connect(authority)?;
    stream.set_read_timeout(Some(Duration::from_secs(15)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let (head, text) = answer.split_once("\r\n\r\n").ok_or("no HTTP head")?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("no status")?;
    Ok((status, text.to_owned()))
}

/// The payment page token: the last segment of the sandbox's payer URL.
fn token_of(redirect_url: &str) -> TestResult<String> {
    Ok(redirect_url
        .rsplit('/')
        .next()
        .ok_or("empty redirect URL")?
        .to_owned())
}

fn notifications(sandbox: &Sandbox, kind: &str) -> Vec<Value> {
    sandbox
        .notifications()
        .as_array()
        .map(|all| all.iter().filter(|n| n["kind"] == kind).cloned().collect())
        .unwrap_or_default()
}

#[test]
fn saferpay_axum_pays_captures_and_handles_return_and_notify() -> TestResult {
    let sandbox = Sandbox::start()?;
    let app = App::start("saferpay_axum", &sandbox)?;

    let created = app.post(
        "/orders",
        &json!({"amount": "25.00", "currency": "EUR", "description": "concert ticket"}),
    )?;
    let order_id = created["order_id"].as_str().ok_or("no order_id")?;
    let redirect_url = created["redirect_url"].as_str().ok_or("no redirect_url")?;

    // The payer pays on the page; the sandbox then sends the success notify GET to the app.
    let paid = sandbox.pay_payment_page(&token_of(redirect_url)?, "success")?;
    // ... and the payer's browser follows the return URL.
    let return_url = paid["return_url"].as_str().ok_or("no return_url")?;
    let (status, page) = http("GET", return_url, None)?;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("is paid"), "{page}");

    let order = app.wait_for_order(order_id, |o| {
        o["seen"].as_array().is_some_and(|s| s.len() == 2)
    })?;
    assert_eq!(order["status"], "paid", "{order}");
    assert!(order["capture_id"].is_string(), "{order}");
    let mut seen: Vec<&str> = order["seen"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, ["notify", "return"], "{order}");
    // One capture although two triggers arrived; the notify was answered 200.
    assert_eq!(
        sandbox.stats()["effects"]["captures"],
        1,
        "{}",
        sandbox.stats()
    );
    let notifies = notifications(&sandbox, "saferpay.success_notify");
    assert_eq!(notifies.len(), 1, "{notifies:?}");
    assert_eq!(notifies[0]["status"], 200, "{notifies:?}");

    // A declined card: the fail notify reaches the app, nothing is captured.
    let created = app.post(
        "/orders",
        &json!({"amount": "9.50", "currency": "CHF", "description": "scarf"}),
    )?;
    let order_id = created["order_id"].as_str().ok_or("no order_id")?;
    let redirect_url = created["redirect_url"].as_str().ok_or("no redirect_url")?;
    sandbox.pay_payment_page(&token_of(redirect_url)?, "decline")?;
    let order = app.wait_for_order(order_id, |o| o["status"] != "open")?;
    assert_eq!(order["status"], "failed", "{order}");
    assert_eq!(order["seen"], json!(["notify"]), "{order}");
    assert_eq!(sandbox.stats()["effects"]["captures"], 1);
    Ok(())
}

#[test]
fn secuconnect_webhook_reads_the_pushed_payment_through_the_api() -> TestResult {
    let sandbox = Sandbox::start()?;
    let app = App::start("secuconnect_webhook", &sandbox)?;

    let created = app.post("/orders", &json!({"amount": "19.90", "currency": "EUR"}))?;
    let order_id = created["order_id"].as_str().ok_or("no order_id")?;
    let stx = created["smart_transaction_id"]
        .as_str()
        .ok_or("no smart_transaction_id")?;
    assert!(created["payment_link"].is_string(), "{created}");

    sandbox.complete_smart_transaction(stx, "success")?;
    let order = app.wait_for_order(order_id, |o| o["status"] != "open")?;
    assert_eq!(order["status"], "accepted", "{order}");
    assert!(order["payment_transaction_id"].is_string(), "{order}");
    assert_eq!(order["pushes"].as_array().map(Vec::len), Some(1), "{order}");
    let pushes = notifications(&sandbox, "secuconnect.push");
    assert!(!pushes.is_empty(), "no push was sent");
    assert!(pushes.iter().all(|p| p["status"] == 200), "{pushes:?}");
    Ok(())
}

#[test]
fn daily_snapshot_exports_yesterday() -> TestResult {
    let sandbox = Sandbox::start_with(SandboxOptions {
        reporting_per_day: 7,
        reporting_days: 2,
        ..SandboxOptions::default()
    })?;
    // Yesterday, a payer paid: the sandbox clock runs a day behind while they do.
    sandbox.advance_clock(-86_400);
    let client = SaferpayClient::new(
        saferpay::Client::builder()
            .customer_id(c::SAFERPAY_CUSTOMER_ID)
            .terminal_id(c::SAFERPAY_TERMINAL_ID)
            .username(c::SAFERPAY_USERNAME)
            .password(c::SAFERPAY_PASSWORD)
            .base_url(sandbox.saferpay_base_url())
            .build()?,
    );
    let session = client.initialize_payment_page(InitializePaymentPage::new(
        Money::parse("12.00", "EUR")?,
        "snapshot-order-1",
        "yesterday's payment",
        "http://127.0.0.1:9/return",
    ))?;
    sandbox.pay_payment_page(&session.token, "success")?;
    let payment = client.assert_payment_page(&session.token)?;
    client.capture(&payment.transaction.id, None)?;
    sandbox.advance_clock(86_400);

    let dir = std::env::temp_dir().join(format!("paywire-snapshot-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let run = || -> TestResult<String> {
        let out = Command::new(example("daily_snapshot")?)
            .envs(sandbox_env(&sandbox))
            .arg(&dir)
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            return Err(format!("{text}{}", String::from_utf8_lossy(&out.stderr)).into());
        }
        Ok(text)
    };
    let said = run()?;
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let file = dir.join(format!("saferpay-{yesterday}.jsonl"));
    let lines: Vec<Value> = std::fs::read_to_string(&file)?
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    assert!(
        said.starts_with(&format!("{} transactions", lines.len())),
        "{said}"
    );
    // The seeded day plus our payment, which the report shows captured.
    assert!(lines.len() > 1, "{lines:?}");
    let ours = lines
        .iter()
        .find(|t| t["id"] == payment.transaction.id.as_str())
        .ok_or("our payment is not in the snapshot")?;
    assert_eq!(ours["order_id"], "snapshot-order-1");
    assert_eq!(ours["status"], "CAPTURED", "{ours}");
    // A second run keeps the day's file.
    assert!(run()?.contains("exists already"));
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
