//! Many processes, one merchant: a real `redis-server` (Debian's, installed by
//! scripts/test-rust) on 127.0.0.1 and a free port, worker processes (`paywire-shared-worker`)
//! racing on it, and the sandbox's counters as the judge.
//!
//! - 8 processes on an expired secuconnect token → exactly one token request;
//! - 2 processes handling the return and the notify of one Saferpay payment → one Assert, and
//!   both told the same outcome;
//! - Redis stopped mid-run → the calls still succeed (per-process refresh, with a warning).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use paywire::{Money, saferpay, secuconnect};
use paywire_sandbox::Sandbox;
use paywire_testing::SandboxClients;

/// A `redis-server` of our own, stopped (killed by its handle) when dropped.
struct Redis {
    child: Option<Child>,
    port: u16,
}

impl Redis {
    fn start() -> Redis {
        let binary =
            std::env::var("PAYWIRE_REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(&binary)
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {binary} (scripts/test-rust installs Debian's redis-server): {e}"
                )
            });
        let redis = Redis {
            child: Some(child),
            port,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !redis.answers_ping() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not come up on port {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn answers_ping(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
        if stream.write_all(b"PING\r\n").is_err() {
            return false;
        }
        let mut line = String::new();
        BufReader::new(stream).read_line(&mut line).is_ok() && line.starts_with("+PONG")
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// Starts `count` workers that all make their call at the same instant; their output lines.
fn race(count: usize, provider: &str, base: &str, store: &str, id: &str) -> Vec<String> {
    let start = unix_ms() + 1500;
    let children: Vec<Child> = (0..count)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_paywire-shared-worker"))
                .args([provider, base, store, &start.to_string(), id])
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().unwrap();
            String::from_utf8_lossy(&output.stdout).trim().to_owned()
        })
        .collect()
}

fn route_count(sandbox: &Sandbox, route: &str) -> u64 {
    sandbox.stats()["routes"][route]["requests"]
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_processes_on_an_expired_token_make_one_token_request() {
    let redis = Redis::start();
    let sandbox = Sandbox::start().unwrap();
    let client = sandbox
        .secuconnect_client_builder()
        .token_store_url(redis.url())
        .build()
        .unwrap();
    let stx = client
        .create_smart_transaction(secuconnect::CreateSmartTransaction::new(
            Money::from_minor(100, "EUR").unwrap(),
        ))
        .await
        .unwrap();
    // The token in Redis is now dead at the provider: every worker adopts it, is refused,
    // and they must agree on one refresh.
    sandbox.expire_tokens();
    let before = route_count(&sandbox, "secuconnect.oauth.token");
    let lines = race(
        8,
        "secuconnect",
        &sandbox.secuconnect_base_url(),
        &redis.url(),
        &stx.id,
    );
    let token_requests = route_count(&sandbox, "secuconnect.oauth.token") - before;
    let ok = lines.iter().filter(|l| l.starts_with("ok ")).count();
    println!(
        "8 processes on an expired token (shared Redis store): {ok} succeeded, {token_requests} token request(s)"
    );
    assert_eq!(ok, 8, "{lines:?}");
    assert_eq!(token_requests, 1, "one refresh across processes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn return_and_notify_on_two_processes_assert_once() {
    let redis = Redis::start();
    let sandbox = Sandbox::start().unwrap();
    let client = sandbox.saferpay_client().unwrap();
    let page = client
        .initialize_payment_page(saferpay::InitializePaymentPage::new(
            Money::from_minor(1000, "CHF").unwrap(),
            "shared-outcome-1",
            "shared outcome",
            "https://shop.example/return",
        ))
        .await
        .unwrap();
    sandbox.pay_payment_page(&page.token, "success").unwrap();
    let before = sandbox.stats()["effects"]["asserts"].as_u64().unwrap_or(0);
    let lines = race(
        2,
        "saferpay",
        &sandbox.saferpay_base_url(),
        &redis.url(),
        &page.token,
    );
    let asserts = sandbox.stats()["effects"]["asserts"].as_u64().unwrap_or(0) - before;
    let assert_requests = route_count(&sandbox, "saferpay.payment_page.assert");
    println!(
        "return + notify on 2 processes (shared Redis store): outcomes {lines:?}, {asserts} Assert(s) executed, {assert_requests} Assert request(s)"
    );
    assert!(lines.iter().all(|l| l.starts_with("ok ")), "{lines:?}");
    assert_eq!(lines[0], lines[1], "both told the same outcome");
    assert_eq!(assert_requests, 1, "one Assert across processes");
    // A third caller later (another worker, another client) takes the stored final answer.
    let third = sandbox
        .saferpay_client_builder()
        .token_store_url(redis.url())
        .build()
        .unwrap();
    let again = third.payment_outcome(&page.token).await.unwrap();
    assert_eq!(
        format!("ok {} {:?}", again.transaction.id, again.transaction.status),
        lines[0]
    );
    assert_eq!(route_count(&sandbox, "saferpay.payment_page.assert"), 1);
}

/// Collects what the core logs (all threads), to check the warnings and that no secret is in them.
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
async fn calls_succeed_when_redis_stops_mid_run() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter("paywire=info")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();
    let mut redis = Redis::start();
    let sandbox = Sandbox::start().unwrap();
    let secuconnect = sandbox
        .secuconnect_client_builder()
        .token_store_url(redis.url())
        .build()
        .unwrap();
    let saferpay = sandbox
        .saferpay_client_builder()
        .token_store_url(redis.url())
        .build()
        .unwrap();
    let stx = secuconnect
        .create_smart_transaction(secuconnect::CreateSmartTransaction::new(
            Money::from_minor(100, "EUR").unwrap(),
        ))
        .await
        .unwrap();
    redis.stop();
    // With Redis gone: a refresh (the token expired at the provider) and an Assert.
    sandbox.expire_tokens();
    let started = Instant::now();
    let mut ok = 0;
    for _ in 0..5 {
        secuconnect.get_smart_transaction(&stx.id).await.unwrap();
        ok += 1;
    }
    let page = saferpay
        .initialize_payment_page(saferpay::InitializePaymentPage::new(
            Money::from_minor(500, "CHF").unwrap(),
            "redis-down-1",
            "redis down",
            "https://shop.example/return",
        ))
        .await
        .unwrap();
    sandbox.pay_payment_page(&page.token, "success").unwrap();
    let outcome = saferpay.payment_outcome(&page.token).await.unwrap();
    let repeat = saferpay.payment_outcome(&page.token).await.unwrap();
    assert_eq!(outcome, repeat);
    ok += 2;
    let log = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    let warnings = log.lines().filter(|l| l.contains(" WARN ")).count();
    println!(
        "Redis stopped mid-run: {ok} calls succeeded in {} ms (per-process refresh and Assert), {warnings} warning(s) logged",
        started.elapsed().as_millis()
    );
    assert!(log.contains("Redis token store unreachable"), "{log}");
    assert!(!log.contains(paywire_sandbox::credentials::SECUCONNECT_CLIENT_SECRET));
    assert!(!log.contains(paywire_sandbox::credentials::SAFERPAY_PASSWORD));
}
