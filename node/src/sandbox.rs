//! The embedded sandbox (`paywire-sandbox`) for users' own tests, and clients configured for it.

use std::sync::{Arc, Mutex};

use napi_derive::napi;
use paywire_sandbox::credentials;
use serde_json::Value;

use crate::errors::{self, Result};
use crate::saferpay::SaferpayClient;
use crate::secuconnect::SecuconnectClient;
use crate::sekurepay::SekurePayClient;

/// Options of `Sandbox.start()`.
#[napi(object)]
#[derive(Default)]
pub struct SandboxStartOptions {
    /// Port on 127.0.0.1 (default 0: any free port).
    pub port: Option<u32>,
    /// Seeded reporting transactions per day (default 1000).
    pub reporting_per_day: Option<u32>,
    /// Days of seeded reporting history (default 30).
    pub reporting_days: Option<u32>,
    /// secuconnect access token lifetime in sandbox seconds (default 1200).
    pub token_lifetime_secs: Option<u32>,
    /// Replay the first answer for a repeated Saferpay RequestId (default true); false
    /// executes a repeated request again, as a provider that does not deduplicate would.
    pub request_id_replay: Option<bool>,
}

/// Options of the clients a sandbox hands out.
#[napi(object)]
#[derive(Default)]
pub struct SandboxClientOptions {
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<f64>,
}

/// Options of `injectFault`.
#[napi(object)]
#[derive(Default)]
pub struct FaultOptions {
    /// How many calls the fault applies to (default 1).
    pub count: Option<u32>,
    /// For `delay`: how long (default 500 ms).
    pub delay_ms: Option<u32>,
}

/// The sandbox's fixed credentials (`Sandbox.credentials`), e.g. to check that none of them
/// appears in your logs.
#[napi(object)]
pub struct SandboxCredentials {
    pub saferpay_customer_id: String,
    pub saferpay_terminal_id: String,
    pub saferpay_username: String,
    pub saferpay_password: String,
    pub secuconnect_client_id: String,
    pub secuconnect_client_secret: String,
    pub secuconnect_contract_id: String,
    /// SekurePay's API key (HTTP Basic user name, empty password).
    pub sekurepay_api_key: String,
}

/// `paywire_sandbox::credentials`, the credentials every sandbox accepts.
#[napi]
pub fn sandbox_credentials() -> SandboxCredentials {
    SandboxCredentials {
        saferpay_customer_id: credentials::SAFERPAY_CUSTOMER_ID.to_owned(),
        saferpay_terminal_id: credentials::SAFERPAY_TERMINAL_ID.to_owned(),
        saferpay_username: credentials::SAFERPAY_USERNAME.to_owned(),
        saferpay_password: credentials::SAFERPAY_PASSWORD.to_owned(),
        secuconnect_client_id: credentials::SECUCONNECT_CLIENT_ID.to_owned(),
        secuconnect_client_secret: credentials::SECUCONNECT_CLIENT_SECRET.to_owned(),
        secuconnect_contract_id: credentials::SECUCONNECT_CONTRACT_ID.to_owned(),
        sekurepay_api_key: credentials::SEKUREPAY_API_KEY.to_owned(),
    }
}

/// A running sandbox (native part of `Sandbox`).
#[napi]
pub struct Sandbox {
    inner: Mutex<Option<Arc<paywire_sandbox::Sandbox>>>,
    url: String,
}

/// Starts a sandbox on 127.0.0.1 on its own thread.
#[napi]
pub async fn start_sandbox(options: Option<SandboxStartOptions>) -> napi::Result<Sandbox> {
    let o = options.unwrap_or_default();
    let mut start = paywire_sandbox::SandboxOptions::default();
    if let Some(port) = o.port {
        start.port = u16::try_from(port).map_err(|_| {
            errors::to_napi(paywire::Error::validation("port", "must be 0 to 65535"))
        })?;
    }
    if let Some(n) = o.reporting_per_day {
        start.reporting_per_day = n;
    }
    if let Some(n) = o.reporting_days {
        start.reporting_days = n;
    }
    if let Some(n) = o.token_lifetime_secs {
        start.token_lifetime_secs = u64::from(n);
    }
    if let Some(replay) = o.request_id_replay {
        start.request_id_replay = replay;
    }
    let started = tokio::task::spawn_blocking(move || paywire_sandbox::Sandbox::start_with(start))
        .await
        .map_err(|e| {
            errors::to_napi(paywire::Error::internal(format!(
                "sandbox start failed: {e}"
            )))
        })?
        .map_err(|e| errors::to_napi(errors::from_sandbox(e)))?;
    Ok(Sandbox {
        url: started.url().to_owned(),
        inner: Mutex::new(Some(Arc::new(started))),
    })
}

impl Sandbox {
    fn get(&self) -> Result<Arc<paywire_sandbox::Sandbox>> {
        self.inner
            .lock()
            .map_err(|_| paywire::Error::internal("sandbox lock poisoned"))?
            .clone()
            .ok_or_else(|| paywire::Error::configuration("the sandbox is closed"))
    }

    fn with<T>(
        &self,
        f: impl FnOnce(
            &paywire_sandbox::Sandbox,
        ) -> std::result::Result<T, paywire_sandbox::SandboxError>,
    ) -> napi::Result<T> {
        let sandbox = self.get().map_err(errors::to_napi)?;
        f(&sandbox).map_err(|e| errors::to_napi(errors::from_sandbox(e)))
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(
            &paywire_sandbox::Sandbox,
        ) -> std::result::Result<T, paywire_sandbox::SandboxError>
        + Send
        + 'static,
    ) -> napi::Result<T> {
        let sandbox = self.get().map_err(errors::to_napi)?;
        tokio::task::spawn_blocking(move || f(&sandbox))
            .await
            .map_err(|e| {
                errors::to_napi(paywire::Error::internal(format!(
                    "sandbox call failed: {e}"
                )))
            })?
            .map_err(|e| errors::to_napi(errors::from_sandbox(e)))
    }
}

#[napi]
impl Sandbox {
    /// `http://127.0.0.1:PORT`.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    #[napi(getter)]
    pub fn saferpay_base_url(&self) -> String {
        format!("{}/api", self.url)
    }

    #[napi(getter)]
    pub fn secuconnect_base_url(&self) -> String {
        self.url.clone()
    }

    #[napi(getter)]
    pub fn sekurepay_base_url(&self) -> String {
        format!("{}/sekurepay/api/v1", self.url)
    }

    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.inner.lock().map(|g| g.is_none()).unwrap_or(true)
    }

    /// Stops the server (idempotent). Waits for in-flight requests briefly.
    #[napi]
    pub async fn close(&self) -> napi::Result<()> {
        let taken = self
            .inner
            .lock()
            .map_err(|_| errors::to_napi(paywire::Error::internal("sandbox lock poisoned")))?
            .take();
        if let Some(sandbox) = taken {
            tokio::task::spawn_blocking(move || drop(sandbox))
                .await
                .map_err(|e| {
                    errors::to_napi(paywire::Error::internal(format!(
                        "sandbox close failed: {e}"
                    )))
                })?;
        }
        Ok(())
    }

    /// A `SaferpayClient` with the sandbox's credentials and default terminal.
    #[napi]
    pub fn saferpay_client(
        &self,
        options: Option<SandboxClientOptions>,
    ) -> napi::Result<SaferpayClient> {
        let sandbox = self.get().map_err(errors::to_napi)?;
        let o = options.unwrap_or_default();
        let builder = paywire::saferpay::Client::builder()
            .customer_id(credentials::SAFERPAY_CUSTOMER_ID)
            .username(credentials::SAFERPAY_USERNAME)
            .password(credentials::SAFERPAY_PASSWORD)
            .terminal_id(credentials::SAFERPAY_TERMINAL_ID)
            .base_url(sandbox.saferpay_base_url());
        errors::napi_result(SaferpayClient::from_builder(
            builder,
            o.timeout_ms,
            o.max_retries,
        ))
    }

    /// A `SecuconnectClient` with the sandbox's OAuth client and default contract.
    #[napi]
    pub fn secuconnect_client(
        &self,
        options: Option<SandboxClientOptions>,
    ) -> napi::Result<SecuconnectClient> {
        let sandbox = self.get().map_err(errors::to_napi)?;
        let o = options.unwrap_or_default();
        let builder = paywire::secuconnect::Client::builder()
            .client_id(credentials::SECUCONNECT_CLIENT_ID)
            .client_secret(credentials::SECUCONNECT_CLIENT_SECRET)
            .contract_id(credentials::SECUCONNECT_CONTRACT_ID)
            .base_url(sandbox.secuconnect_base_url());
        errors::napi_result(SecuconnectClient::from_builder(
            builder,
            o.timeout_ms,
            o.max_retries,
        ))
    }

    /// A `SekurePayClient` with the sandbox's API key.
    #[napi]
    pub fn sekurepay_client(
        &self,
        options: Option<SandboxClientOptions>,
    ) -> napi::Result<SekurePayClient> {
        let sandbox = self.get().map_err(errors::to_napi)?;
        let o = options.unwrap_or_default();
        let builder = paywire::sekurepay::Client::builder()
            .api_key(credentials::SEKUREPAY_API_KEY)
            .base_url(sandbox.sekurepay_base_url());
        errors::napi_result(SekurePayClient::from_builder(
            builder,
            o.timeout_ms,
            o.max_retries,
        ))
    }

    /// Acts as the payer of a Secure PayGate offer: `success` (default), `decline`, `abort`.
    #[napi]
    pub async fn pay_offer(
        &self,
        offer_id: String,
        outcome: Option<String>,
    ) -> napi::Result<Value> {
        let outcome = outcome.unwrap_or_else(|| "success".into());
        self.blocking(move |s| s.pay_offer(&offer_id, &outcome))
            .await
    }

    /// Acts as the payer of a payment page: `success` (default), `decline`, `abort`.
    #[napi]
    pub async fn pay_payment_page(
        &self,
        token: String,
        outcome: Option<String>,
    ) -> napi::Result<Value> {
        let outcome = outcome.unwrap_or_else(|| "success".into());
        self.blocking(move |s| s.pay_payment_page(&token, &outcome))
            .await
    }

    /// Completes a smart transaction checkout: `success` or `failure`.
    #[napi]
    pub async fn complete_smart_transaction(
        &self,
        id: String,
        outcome: Option<String>,
    ) -> napi::Result<Value> {
        let outcome = outcome.unwrap_or_else(|| "success".into());
        self.blocking(move |s| s.complete_smart_transaction(&id, &outcome))
            .await
    }

    /// Approves a secuconnect device authorization by its user code.
    #[napi]
    pub async fn approve_device(&self, user_code: String) -> napi::Result<()> {
        self.blocking(move |s| s.approve_device(&user_code)).await
    }

    /// Injects a fault (`delay`, `error_500`, `error_503_html`, `error_429`, `non_json`,
    /// `malformed_json`, `drop_before_commit`, `drop_after_commit`, `expired_token`) into the
    /// next calls of a route (`saferpay.offers.get`, `saferpay.*`, `*`).
    #[napi]
    pub fn inject_fault(
        &self,
        route: String,
        mode: String,
        options: Option<FaultOptions>,
    ) -> napi::Result<()> {
        let o = options.unwrap_or_default();
        self.with(|s| {
            let mode: paywire_sandbox::FaultMode = mode.parse()?;
            let mut spec = paywire_sandbox::FaultSpec::new(&route, mode, o.count.unwrap_or(1));
            spec.delay_ms = o.delay_ms.map(u64::from);
            s.inject_fault_spec(spec)
        })
    }

    /// Turns RequestId replay on (the default) or off.
    #[napi]
    pub fn set_request_id_replay(&self, enabled: bool) -> napi::Result<()> {
        self.with(|s| {
            s.set_request_id_replay(enabled);
            Ok(())
        })
    }

    /// Whether a repeated Saferpay RequestId gets the first answer back.
    #[napi(getter)]
    pub fn request_id_replay(&self) -> napi::Result<bool> {
        self.with(|s| Ok(s.request_id_replay()))
    }

    /// Removes every active fault.
    #[napi]
    pub fn clear_faults(&self) -> napi::Result<()> {
        self.with(|s| {
            s.clear_faults();
            Ok(())
        })
    }

    /// Moves the sandbox clock (seconds; may be negative).
    #[napi]
    pub fn advance_clock(&self, seconds: f64) -> napi::Result<()> {
        let seconds = crate::money::safe_integer("seconds", seconds).map_err(errors::to_napi)?;
        self.with(|s| {
            s.advance_clock(seconds);
            Ok(())
        })
    }

    /// Expires every secuconnect access token now.
    #[napi]
    pub fn expire_tokens(&self) -> napi::Result<()> {
        self.with(|s| {
            s.expire_tokens();
            Ok(())
        })
    }

    /// Counters: requests, `max_in_flight`, faults, effects, duplicates (see the sandbox README).
    #[napi]
    pub fn stats(&self) -> napi::Result<Value> {
        self.with(|s| Ok(s.stats()))
    }

    /// Every secuconnect access and refresh token the sandbox issued since the last reset.
    #[napi]
    pub fn issued_tokens(&self) -> napi::Result<Vec<String>> {
        self.with(|s| Ok(s.issued_tokens()))
    }

    /// Outgoing notifications the sandbox sent.
    #[napi]
    pub fn notifications(&self) -> napi::Result<Value> {
        self.with(|s| Ok(s.notifications()))
    }

    /// Clears all state, stats, faults and the clock offset.
    #[napi]
    pub fn reset(&self) -> napi::Result<()> {
        self.with(|s| {
            s.reset();
            Ok(())
        })
    }
}
