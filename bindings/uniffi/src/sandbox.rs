//! The embedded sandbox for app developers' own tests: `Sandbox.start()` serves all three
//! providers on 127.0.0.1 (its own thread) and hands out clients configured for it.
//! `close()` (Kotlin `use {}`) stops it.

use std::sync::Arc;

use paywire_sandbox::credentials;

use crate::convert;
use crate::error::{Result, guard, invalid};
use crate::saferpay::{SaferpayClient, build_client};
use crate::secuconnect::SecuconnectClient;
use crate::sekurepay::SekurePayClient;

/// A running in-process sandbox. `toString()` shows its URL.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Sandbox {
    inner: paywire_sandbox::Sandbox,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

/// TEST ONLY: the embedded sandbox's fixed credentials (`paywire_sandbox::credentials`). They
/// are public constants that only this local sandbox accepts, which is why a record may hold
/// them (its `toString()` prints every field); real credentials never go into a record. For
/// tests that need the raw values, e.g. to search logs for them or to build a client by hand.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SandboxTestCredentials {
    pub saferpay_customer_id: String,
    pub saferpay_terminal_id: String,
    pub saferpay_username: String,
    pub saferpay_password: String,
    pub secuconnect_client_id: String,
    pub secuconnect_client_secret: String,
    pub secuconnect_contract_id: String,
    pub sekurepay_api_key: String,
}

#[uniffi::export]
impl Sandbox {
    /// Starts a sandbox on a free port of 127.0.0.1; returns once it listens.
    #[uniffi::constructor]
    pub fn start() -> Result<Arc<Self>> {
        guard(|| {
            crate::init_logging();
            Ok(Arc::new(Sandbox {
                inner: paywire_sandbox::Sandbox::start()?,
            }))
        })
    }

    /// Starts a sandbox on a given port (0 = any free port).
    #[uniffi::constructor]
    pub fn start_on_port(port: i32) -> Result<Arc<Self>> {
        guard(|| {
            crate::init_logging();
            let port = u16::try_from(port)
                .map_err(|_| invalid("port", format!("must be 0 to 65535 (got {port})")))?;
            let options = paywire_sandbox::SandboxOptions {
                port,
                ..Default::default()
            };
            Ok(Arc::new(Sandbox {
                inner: paywire_sandbox::Sandbox::start_with(options)?,
            }))
        })
    }

    /// Starts a sandbox with options: `port` (0 = any free port) and `requestIdReplay`
    /// (default true; false executes a repeated Saferpay request again, as a provider that
    /// does not deduplicate would).
    #[uniffi::constructor(default(port = 0, request_id_replay = true))]
    pub fn start_with(port: i32, request_id_replay: bool) -> Result<Arc<Self>> {
        guard(|| {
            crate::init_logging();
            let port = u16::try_from(port)
                .map_err(|_| invalid("port", format!("must be 0 to 65535 (got {port})")))?;
            let options = paywire_sandbox::SandboxOptions {
                port,
                request_id_replay,
                ..Default::default()
            };
            Ok(Arc::new(Sandbox {
                inner: paywire_sandbox::Sandbox::start_with(options)?,
            }))
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.inner.url().to_owned()
    }

    pub fn saferpay_base_url(&self) -> String {
        self.inner.saferpay_base_url()
    }

    pub fn secuconnect_base_url(&self) -> String {
        self.inner.secuconnect_base_url()
    }

    pub fn sekurepay_base_url(&self) -> String {
        self.inner.sekurepay_base_url()
    }

    /// TEST ONLY: the fixed credentials this sandbox accepts (the ones its `*Client()` methods
    /// use).
    pub fn credentials(&self) -> SandboxTestCredentials {
        SandboxTestCredentials {
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

    /// TEST ONLY: every secuconnect access and refresh token the sandbox issued since the last
    /// `reset()` (for secrets scans: none of them may show up in logs or errors).
    pub fn issued_tokens(&self) -> Vec<String> {
        self.inner.issued_tokens()
    }

    /// A Saferpay client with the sandbox's credentials and default terminal.
    #[uniffi::method(default(timeout = None, max_retries = None))]
    pub fn saferpay_client(
        &self,
        timeout: Option<f64>,
        max_retries: Option<i32>,
    ) -> Result<Arc<SaferpayClient>> {
        guard(|| {
            Ok(SaferpayClient::wrap(build_client(
                credentials::SAFERPAY_CUSTOMER_ID.to_owned(),
                credentials::SAFERPAY_USERNAME.to_owned(),
                credentials::SAFERPAY_PASSWORD.to_owned(),
                Some(credentials::SAFERPAY_TERMINAL_ID.to_owned()),
                None,
                None,
                Some(self.inner.saferpay_base_url()),
                timeout,
                max_retries,
            )?))
        })
    }

    /// A secuconnect client with the sandbox's OAuth credentials and contract.
    #[uniffi::method(default(timeout = None, max_retries = None))]
    pub fn secuconnect_client(
        &self,
        timeout: Option<f64>,
        max_retries: Option<i32>,
    ) -> Result<Arc<SecuconnectClient>> {
        guard(|| {
            Ok(SecuconnectClient::wrap(crate::secuconnect::build_client(
                credentials::SECUCONNECT_CLIENT_ID.to_owned(),
                credentials::SECUCONNECT_CLIENT_SECRET.to_owned(),
                None,
                Some(credentials::SECUCONNECT_CONTRACT_ID.to_owned()),
                Some(self.inner.secuconnect_base_url()),
                timeout,
                max_retries,
            )?))
        })
    }

    /// A SekurePay client with the sandbox's API key.
    #[uniffi::method(default(timeout = None, max_retries = None))]
    pub fn sekurepay_client(
        &self,
        timeout: Option<f64>,
        max_retries: Option<i32>,
    ) -> Result<Arc<SekurePayClient>> {
        guard(|| {
            Ok(SekurePayClient::wrap(crate::sekurepay::build_client(
                credentials::SEKUREPAY_API_KEY.to_owned(),
                Some(self.inner.sekurepay_base_url()),
                timeout,
                max_retries,
                crate::convert::Connection::default(),
            )?))
        })
    }

    /// Acts as the payer on a Secure PayGate offer: `success`, `decline` or `abort`.
    /// Returns the sandbox's answer as JSON.
    #[uniffi::method(default(outcome = "success"))]
    pub fn pay_offer(&self, offer_id: String, outcome: String) -> Result<String> {
        guard(|| Ok(self.inner.pay_offer(&offer_id, &outcome)?.to_string()))
    }

    /// Acts as the payer on a payment page session: `success`, `decline` or `abort`.
    #[uniffi::method(default(outcome = "success"))]
    pub fn pay_payment_page(&self, token: String, outcome: String) -> Result<String> {
        guard(|| Ok(self.inner.pay_payment_page(&token, &outcome)?.to_string()))
    }

    /// Completes a smart transaction checkout: `success` or `failure`.
    #[uniffi::method(default(outcome = "success"))]
    pub fn complete_smart_transaction(&self, id: String, outcome: String) -> Result<String> {
        guard(|| {
            Ok(self
                .inner
                .complete_smart_transaction(&id, &outcome)?
                .to_string())
        })
    }

    /// Approves a secuconnect device authorization by its user code.
    pub fn approve_device(&self, user_code: String) -> Result<()> {
        guard(|| Ok(self.inner.approve_device(&user_code)?))
    }

    /// Makes the next `count` calls of `route` (`saferpay.offers.get`, `saferpay.*`, `*`) fail
    /// with `mode` (`delay`, `error_500`, `error_503_html`, `error_429`, `non_json`,
    /// `malformed_json`, `drop_before_commit`, `drop_after_commit`, `expired_token`).
    /// `delay_ms` sets the sleep first (`delay` defaults to 500 ms).
    #[uniffi::method(default(count = 1, delay_ms = None))]
    pub fn inject_fault(
        &self,
        route: String,
        mode: String,
        count: i32,
        delay_ms: Option<i64>,
    ) -> Result<()> {
        guard(|| {
            let count = convert::count("count", count)?;
            let delay_ms = delay_ms
                .map(|ms| {
                    u64::try_from(ms).map_err(|_| invalid("delay_ms", "must not be negative"))
                })
                .transpose()?;
            let mut spec = paywire_sandbox::FaultSpec::new(&route, mode.parse()?, count);
            spec.delay_ms = delay_ms;
            Ok(self.inner.inject_fault_spec(spec)?)
        })
    }

    /// Removes every active fault.
    pub fn clear_faults(&self) {
        self.inner.clear_faults();
    }

    /// Whether a repeated Saferpay RequestId gets the first answer back (default true).
    pub fn request_id_replay(&self) -> bool {
        self.inner.request_id_replay()
    }

    /// Turns RequestId replay off (a repeated request is executed again) or back on.
    pub fn set_request_id_replay(&self, enabled: bool) {
        self.inner.set_request_id_replay(enabled);
    }

    /// Moves the sandbox clock (seconds, may be negative).
    pub fn advance_clock(&self, seconds: i64) {
        self.inner.advance_clock(seconds);
    }

    /// Expires every secuconnect access token now.
    pub fn expire_tokens(&self) {
        self.inner.expire_tokens();
    }

    /// Counters as JSON: `routes.<name>.{requests,in_flight,…}`, `effects`, `duplicates` …
    pub fn stats(&self) -> String {
        self.inner.stats().to_string()
    }

    /// Outgoing notifications (Saferpay notify calls, secuconnect pushes) as JSON.
    pub fn notifications(&self) -> String {
        self.inner.notifications().to_string()
    }

    /// Clears state, stats, faults, notifications, configuration and the clock offset.
    pub fn reset(&self) {
        self.inner.reset();
    }
}
