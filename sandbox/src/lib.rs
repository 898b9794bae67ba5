//! paywire-sandbox: an offline, stateful emulator of the Saferpay, secuconnect and SekurePay
//! APIs on 127.0.0.1, written from the providers' documentation (it does not use the paywire
//! core), with payer pages, notifications, fault injection, a controllable clock and stats.
//!
//! ```no_run
//! let sandbox = paywire_sandbox::Sandbox::start()?;
//! println!("Saferpay base URL: {}", sandbox.saferpay_base_url());
//! # Ok::<(), paywire_sandbox::SandboxError>(())
//! ```
//!
//! See `README.md` for the routes, fault modes, admin endpoints and stats.
#![forbid(unsafe_code)]

pub mod admin;
pub mod clock;
pub mod currency;
pub mod error;
pub mod faults;
pub mod ids;
pub mod inspect;
pub mod notify;
pub mod reply;
pub mod routes;
pub mod saferpay;
pub mod secuconnect;
pub mod sekurepay;
pub mod server;
pub mod state;
pub mod stats;

pub use error::SandboxError;
pub use faults::{FaultMode, FaultSpec};
pub use routes::Route;
pub use state::{Config, SandboxConfig};

use state::App;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Fixed sandbox credentials the server accepts.
pub mod credentials {
    /// Saferpay customer id (path and `RequestHeader.CustomerId`).
    pub const SAFERPAY_CUSTOMER_ID: &str = "123456";
    /// The default Saferpay terminal (type ECOM; also accepts Secure PayGate offers).
    pub const SAFERPAY_TERMINAL_ID: &str = "17757531";
    /// Saferpay JSON API / Management API user name.
    pub const SAFERPAY_USERNAME: &str = "API_123456_17757531";
    /// Saferpay password.
    pub const SAFERPAY_PASSWORD: &str = "sandbox-saferpay-password-3141";
    /// secuconnect OAuth client id.
    pub const SECUCONNECT_CLIENT_ID: &str = "sandbox-client-id";
    /// secuconnect OAuth client secret.
    pub const SECUCONNECT_CLIENT_SECRET: &str = "sandbox-client-secret-2718";
    /// secuconnect general contract.
    pub const SECUCONNECT_CONTRACT_ID: &str = "GCR_SANDBOX0000000000000000000001";
    /// SekurePay API key (HTTP Basic user name, empty password).
    pub const SEKUREPAY_API_KEY: &str = "sandbox-sekurepay-key-1618";
}

/// Start options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxOptions {
    /// Port on 127.0.0.1 (0 = any free port).
    pub port: u16,
    /// Seeded reporting transactions per day (default 1000).
    pub reporting_per_day: u32,
    /// Days of seeded reporting history before the start day (default 30).
    pub reporting_days: u32,
    /// secuconnect access token lifetime in sandbox seconds (default 1200).
    pub token_lifetime_secs: u64,
    /// Seed of the generated reporting data.
    pub seed: u64,
    /// Answer a repeated Saferpay `RequestId` with the first stored answer (default true).
    /// Off, a repeated request is executed again, as a provider that does not deduplicate
    /// would. Also `set_request_id_replay`, `POST /_sandbox/replay`.
    pub request_id_replay: bool,
    /// Run every request to its end even after its client gave up waiting (default false):
    /// a request that timed out on the client still executes, as at a provider that keeps
    /// working. Also the `finish_abandoned_requests` config field.
    pub finish_abandoned_requests: bool,
    /// Bytes of seeded report rows kept encoded between report calls (default 0: each page is
    /// encoded when asked for). A standalone sandbox serving exports sets it (`paywire
    /// sandbox`: 256 MiB) so later pages and repeated exports are copies of bytes; an
    /// embedded one keeps its host process's memory flat.
    pub report_cache_bytes: usize,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            port: 0,
            reporting_per_day: 1000,
            reporting_days: 30,
            token_lifetime_secs: 1200,
            seed: 0x005e_ed0f_5afe_0a7e,
            request_id_replay: true,
            finish_abandoned_requests: false,
            report_cache_bytes: 0,
        }
    }
}

/// A running, in-process sandbox. Dropping it shuts the server down and joins its thread.
pub struct Sandbox {
    app: Arc<App>,
    url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("url", &self.url).finish()
    }
}

async fn run_server<F>(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    shutdown: F,
) -> Result<(), SandboxError>
where
    F: Future<Output = ()> + Send + 'static,
{
    let (tx, mut rx) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, server::router(app)).with_graceful_shutdown(async move {
        let _ = rx.wait_for(|stop| *stop).await;
    });
    tokio::select! {
        r = server.into_future() => r.map_err(SandboxError::from),
        _ = async move {
            shutdown.await;
            let _ = tx.send(true);
            // Grace period for in-flight requests; long `delay` faults are cut short.
            tokio::time::sleep(Duration::from_millis(1000)).await;
        } => Ok(()),
    }
}

fn url_for(addr: std::net::SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        format!("http://127.0.0.1:{}", addr.port())
    } else {
        format!("http://{addr}")
    }
}

/// Serve the sandbox on an already bound listener until the process ends (for `paywire sandbox`).
pub async fn serve(
    listener: tokio::net::TcpListener,
    options: SandboxOptions,
) -> Result<(), SandboxError> {
    serve_with_shutdown(listener, options, std::future::pending()).await
}

/// Serve the sandbox on a bound listener until `shutdown` completes.
pub async fn serve_with_shutdown<F>(
    listener: tokio::net::TcpListener,
    options: SandboxOptions,
    shutdown: F,
) -> Result<(), SandboxError>
where
    F: Future<Output = ()> + Send + 'static,
{
    let url = url_for(listener.local_addr()?);
    let app = Arc::new(App::new(url, options, tokio::runtime::Handle::current()));
    run_server(listener, app, shutdown).await
}

/// Bind 127.0.0.1:`options.port`, print the URLs and serve until Ctrl-C (blocking).
pub fn run_forever(options: SandboxOptions) -> Result<(), SandboxError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("paywire-sandbox")
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await?;
        let url = url_for(listener.local_addr()?);
        println!("paywire sandbox listening on {url}");
        println!("  Saferpay base URL:    {url}/api");
        println!("  secuconnect base URL: {url}");
        println!("  SekurePay base URL:   {url}/sekurepay/api/v1");
        println!("  admin:                {url}/_sandbox/stats");
        println!("Press Ctrl-C to stop.");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        serve_with_shutdown(listener, options, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
    })
}

fn check_outcome(
    outcome: &str,
    allowed: &'static [&'static str],
    expected: &'static str,
) -> Result<(), SandboxError> {
    if allowed.contains(&outcome) {
        Ok(())
    } else {
        Err(SandboxError::BadOutcome {
            outcome: outcome.to_string(),
            expected,
        })
    }
}

impl Sandbox {
    /// Start with default options on a free port. Returns once the socket is listening.
    pub fn start() -> Result<Sandbox, SandboxError> {
        Sandbox::start_with(SandboxOptions::default())
    }

    /// Start with options. Spawns an OS thread running its own tokio runtime.
    pub fn start_with(options: SandboxOptions) -> Result<Sandbox, SandboxError> {
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", options.port))?;
        std_listener.set_nonblocking(true)?;
        let url = url_for(std_listener.local_addr()?);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("paywire-sandbox")
            .build()?;
        let app = Arc::new(App::new(url.clone(), options, runtime.handle().clone()));
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), SandboxError>>();
        let server_app = Arc::clone(&app);
        let thread = std::thread::Builder::new()
            .name("paywire-sandbox".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(std_listener) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = ready_tx.send(Err(e.into()));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(()));
                    let _ = run_server(listener, server_app, async {
                        let _ = stop_rx.await;
                    })
                    .await;
                });
                runtime.shutdown_timeout(Duration::from_millis(200));
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                let _ = thread.join();
                return Err(e);
            }
            Err(_) => {
                let _ = thread.join();
                return Err(SandboxError::Io(std::io::Error::other(
                    "sandbox thread ended before listening",
                )));
            }
        }
        Ok(Sandbox {
            app,
            url,
            shutdown: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Saferpay base URL (`url + "/api"`): JSON API under `/Payment/v1`, Management API under `/rest`.
    pub fn saferpay_base_url(&self) -> String {
        format!("{}/api", self.url)
    }

    /// secuconnect base URL: serves `/oauth/token` and `/api/v2/...`.
    pub fn secuconnect_base_url(&self) -> String {
        self.url.clone()
    }

    /// SekurePay base URL (`url + "/sekurepay/api/v1"`).
    pub fn sekurepay_base_url(&self) -> String {
        format!("{}/sekurepay/api/v1", self.url)
    }

    /// Act as the payer on a Secure PayGate offer: `success`, `decline` or `abort`.
    pub fn pay_offer(
        &self,
        offer_id: &str,
        outcome: &str,
    ) -> Result<serde_json::Value, SandboxError> {
        check_outcome(
            outcome,
            &["success", "decline", "abort"],
            "success, decline, abort",
        )?;
        saferpay::offers::pay(&self.app, offer_id, outcome)
    }

    /// Act as the payer on a payment page session: `success`, `decline` or `abort`.
    pub fn pay_payment_page(
        &self,
        token: &str,
        outcome: &str,
    ) -> Result<serde_json::Value, SandboxError> {
        check_outcome(
            outcome,
            &["success", "decline", "abort"],
            "success, decline, abort",
        )?;
        saferpay::payment_page::pay(&self.app, token, outcome)
    }

    /// Act as the payer on a smart transaction checkout: `success` or `failure`.
    pub fn complete_smart_transaction(
        &self,
        id: &str,
        outcome: &str,
    ) -> Result<serde_json::Value, SandboxError> {
        check_outcome(outcome, &["success", "failure"], "success, failure")?;
        secuconnect::smart_transactions::complete(&self.app, id, outcome)
    }

    /// Approve a secuconnect device authorization by its user code.
    pub fn approve_device(&self, user_code: &str) -> Result<(), SandboxError> {
        secuconnect::oauth::approve(&self.app, user_code)
    }

    /// Inject a fault for the next `count` calls of a route (`*` and `prefix.*` allowed).
    pub fn inject_fault(&self, route: &str, mode: &str, count: u32) -> Result<(), SandboxError> {
        let mode: FaultMode = mode.parse()?;
        self.app.faults.inject(FaultSpec::new(route, mode, count))
    }

    /// Inject a fault from a full spec (with `delay_ms`).
    pub fn inject_fault_spec(&self, fault: FaultSpec) -> Result<(), SandboxError> {
        self.app.faults.inject(fault)
    }

    /// Remove all active faults.
    pub fn clear_faults(&self) {
        self.app.faults.clear();
    }

    /// Remove the active faults injected for exactly this route (or pattern).
    pub fn clear_faults_for(&self, route: &str) {
        self.app.faults.clear_route(route);
    }

    /// Move the sandbox clock (seconds, may be negative).
    pub fn advance_clock(&self, seconds: i64) {
        self.app.clock.advance(seconds);
    }

    /// Sandbox now.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.app.clock.now()
    }

    /// Expire every secuconnect access token now (refresh tokens stay valid).
    pub fn expire_tokens(&self) {
        secuconnect::oauth::expire_all(&self.app);
    }

    /// Change runtime configuration (SPG notify/return URL templates, reporting volume, ...).
    pub fn set_config(&self, config: SandboxConfig) -> Result<(), SandboxError> {
        self.app.set_config(&config)
    }

    /// Turn RequestId replay on (the default) or off. Off, a repeated Saferpay request (same
    /// `RequestId` / `Saferpay-RequestId`) is executed again.
    pub fn set_request_id_replay(&self, enabled: bool) {
        self.app.set_request_id_replay(enabled);
    }

    /// Whether RequestId replay is on.
    pub fn request_id_replay(&self) -> bool {
        self.app.config().request_id_replay
    }

    /// Current configuration.
    pub fn config(&self) -> Config {
        self.app.config().clone()
    }

    /// Stats JSON (see README).
    pub fn stats(&self) -> serde_json::Value {
        self.app.stats.to_json()
    }

    /// Log of outgoing notifications (Saferpay notify calls, secuconnect pushes).
    pub fn notifications(&self) -> serde_json::Value {
        admin::notifications_json(&self.app)
    }

    /// Clear all state, stats, faults, notifications, configuration and the clock offset.
    pub fn reset(&self) {
        self.app.reset();
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
