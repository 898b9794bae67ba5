//! Saferpay: Secure PayGate offers, account queries, Fields tokens and transaction reporting
//! (Management API), payment pages and the transaction lifecycle (JSON API).
//!
//! One [`Client`] speaks both APIs with the same credentials. Management calls carry
//! `Saferpay-ApiVersion` and `Saferpay-RequestId` headers; JSON API calls carry a body
//! `RequestHeader`. Either way the request id is created once per logical call and reused on
//! every retry, as the spec asks. The spec calls it "for debugging purposes" and promises
//! nothing about repeated ids, so exactly-once never rests on it: each operation is retried
//! only where the provider's own state or a lookup by the call's key rules out a second
//! effect (`docs/exactly-once.md`).

mod account;
mod alias;
#[cfg(test)]
mod contract_tests;
mod direct;
#[cfg(test)]
mod direct_tests;
mod error;
mod fields;
mod json_api;
mod management;
mod models;
mod notifications;
mod offers;
pub mod operations;
#[cfg(feature = "parquet")]
mod parquet_export;
mod payment_page;
mod reporting;
#[cfg(test)]
mod spec_fix_tests;
mod transaction;

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use base64::Engine as _;

pub use account::{
    Feature, License, PaymentMethodInfo, PaymentPageConfiguration, Terminal, WalletInfo,
};
pub use alias::{
    Alias, AliasSession, AssertAliasInsert, CloseBatch, DeleteAlias, InquireAlias, InsertAlias,
    InsertAliasDirect, UpdateAlias,
};
pub use direct::{
    AuthorizeDirect, AuthorizeReferenced, AuthorizeTransaction, CardInput, InitializeTransaction,
    PaymentMeansInput, RedirectNotifyUrls, RefundDirect, TransactionSession,
};
pub use json_api::ClientInfo;
pub use models::{Address, BillingAddressForm, Order, OrderItem, Payer};
pub use notifications::{
    MERCHANT_REF_PARAM, PAYMENT_PAGE_TOKEN_PLACEHOLDER, TOKEN_PARAM, merchant_ref_from_url,
    notify_url, spg_notify_url_template, token_from_url,
};
pub use offers::{CreateOffer, Offer, OfferStatus};
pub use operations::{
    AssertCapture, AssertPaymentPage, AssertRefund, CancelRequest, CaptureRequest,
    CreateFieldsAccessToken, DeleteFieldsAccessToken, DeleteOffer, GetOffer, InquireByOrderId,
    InquireRequest, LicenseConfigurationRequest, LicenseRequest, MultipartFinalize, PaymentOutcome,
    PaymentPageConfigurationsRequest, TerminalRequest, TerminalsRequest,
};
#[cfg(feature = "parquet")]
pub use parquet_export::TransactionParquetWriter;
pub use payment_page::{
    DeliveryAddressForm, InitializePaymentPage, PaymentPageSession, RegisterAlias,
};
pub use reporting::{
    MAX_PAGE_SIZE, ReportDate, ReportPage, ReportedTransaction, TransactionPager, TransactionQuery,
};
pub use transaction::{
    BankAccount, Cancellation, Capture, CaptureStatus, Card, Liability, LiableEntity,
    MultipartCapture, MultipartCaptureType, PayPalAccount, Payment, PaymentMeans, PaymentMethod,
    PendingNotification, Refund, RefundStatus, RegistrationResult, ThreeDs, Transaction,
    TransactionStatus, TransactionType, Wallet,
};

use crate::config::{self, ClientOptions, RequestOptions};
use crate::error::{Error, Provider};
use crate::http::{Engine, Transport};
use crate::secret::Secret;
use crate::validate;

/// The newest Saferpay spec version this library knows.
pub const DEFAULT_SPEC_VERSION: &str = "1.53";
pub const TEST_BASE_URL: &str = "https://test.saferpay.com/api";
pub const LIVE_BASE_URL: &str = "https://www.saferpay.com/api";

/// Saferpay environment; `base_url` overrides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Test,
    Live,
}

impl Environment {
    pub fn parse(value: &str) -> Result<Environment, Error> {
        match value.trim().to_ascii_lowercase().as_str() {
            "test" | "sandbox" => Ok(Environment::Test),
            "live" | "production" | "prod" => Ok(Environment::Live),
            other => Err(Error::validation(
                "environment",
                format!("must be \"test\" or \"live\" (got {other:?})"),
            )),
        }
    }

    fn base_url(&self) -> &'static str {
        match self {
            Environment::Test => TEST_BASE_URL,
            Environment::Live => LIVE_BASE_URL,
        }
    }
}

/// Async Saferpay client. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    options: RequestOptions,
}

pub(crate) struct Inner {
    pub(crate) engine: Engine,
    pub(crate) base_url: url::Url,
    pub(crate) customer_id: String,
    pub(crate) terminal_id: Option<String>,
    pub(crate) spec_version: String,
    username: String,
    authorization: Secret,
    /// The provider forbids parallel report calls: one in flight per client.
    pub(crate) report_lock: tokio::sync::Mutex<()>,
    /// JSON API state: ClientInfo, the payment outcome cache, multipart capture locks.
    pub(crate) json_api: json_api::JsonApiState,
    /// The store shared with the merchant's other processes, if any (payment outcomes).
    pub(crate) shared: Option<Arc<dyn crate::oauth::TokenStore>>,
}

impl Inner {
    pub(crate) fn authorization(&self) -> &Secret {
        &self.authorization
    }
}

/// Builds a [`Client`]; every setter validates in `build()`.
#[derive(Default)]
pub struct ClientBuilder {
    customer_id: Option<String>,
    username: Option<String>,
    password: Option<Secret>,
    terminal_id: Option<String>,
    environment: Option<Environment>,
    base_url: Option<String>,
    spec_version: Option<String>,
    options: ClientOptions,
    transport: Option<Arc<dyn Transport>>,
    client_info: Option<ClientInfo>,
    token_store: Option<Arc<dyn crate::oauth::TokenStore>>,
    token_store_url: Option<String>,
}

impl ClientBuilder {
    pub fn customer_id(mut self, value: impl Into<String>) -> Self {
        self.customer_id = Some(value.into());
        self
    }
    pub fn username(mut self, value: impl Into<String>) -> Self {
        self.username = Some(value.into());
        self
    }
    pub fn password(mut self, value: impl Into<Secret>) -> Self {
        self.password = Some(value.into());
        self
    }
    /// Default terminal for offers, payment pages and Fields tokens.
    pub fn terminal_id(mut self, value: impl Into<String>) -> Self {
        self.terminal_id = Some(value.into());
        self
    }
    pub fn environment(mut self, value: Environment) -> Self {
        self.environment = Some(value);
        self
    }
    /// Overrides the environment, e.g. the sandbox's `http://127.0.0.1:PORT/api`.
    pub fn base_url(mut self, value: impl Into<String>) -> Self {
        self.base_url = Some(value.into());
        self
    }
    pub fn spec_version(mut self, value: impl Into<String>) -> Self {
        self.spec_version = Some(value.into());
        self
    }
    crate::config::engine_builder_setters!();
    /// `ClientInfo` (shop and OS description) for every JSON API `RequestHeader`.
    pub fn client_info(mut self, value: ClientInfo) -> Self {
        self.client_info = Some(value);
        self
    }

    /// A store shared by the merchant's processes (`redis://host:port`): `payment_outcome`
    /// then asserts once per token across all of them, not only within this client.
    pub fn token_store_url(mut self, url: impl Into<String>) -> Self {
        self.token_store_url = Some(url.into());
        self
    }
    /// [`ClientBuilder::token_store_url`] with a store of your own (it needs the lock and
    /// record methods of [`crate::oauth::TokenStore`] to coordinate anything).
    pub fn token_store(mut self, store: Arc<dyn crate::oauth::TokenStore>) -> Self {
        self.token_store = Some(store);
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        let customer_id = self
            .customer_id
            .ok_or_else(|| Error::validation("customer_id", "is required"))?;
        validate::numeric("customer_id", &customer_id, 1, 8)?;
        let username = self
            .username
            .ok_or_else(|| Error::validation("username", "is required"))?;
        validate::length("username", &username, 1, 100)?;
        if username.contains(':') {
            return Err(Error::validation("username", "must not contain ':'"));
        }
        let password = self
            .password
            .ok_or_else(|| Error::validation("password", "is required"))?;
        if password.is_empty() {
            return Err(Error::validation("password", "must not be empty"));
        }
        if let Some(terminal_id) = &self.terminal_id {
            validate::numeric("terminal_id", terminal_id, 8, 8)?;
        }
        let spec_version = self
            .spec_version
            .unwrap_or_else(|| DEFAULT_SPEC_VERSION.to_owned());
        check_spec_version(&spec_version)?;
        let base_url = match self.base_url {
            Some(url) => config::check_base_url(&url)?,
            None => {
                config::check_base_url(self.environment.unwrap_or(Environment::Test).base_url())?
            }
        };
        let token = base64::engine::general_purpose::STANDARD
            .encode(format!("{username}:{}", password.expose()));
        let shared = match (self.token_store, &self.token_store_url) {
            (Some(store), _) => Some(store),
            (None, Some(url)) => Some(crate::oauth::token_store_from_url(url, &password)?),
            (None, None) => None,
        };
        let engine = Engine::new(Provider::Saferpay, self.options, self.transport)?;
        Ok(Client {
            inner: Arc::new(Inner {
                engine,
                base_url,
                customer_id,
                terminal_id: self.terminal_id,
                spec_version,
                username,
                authorization: Secret::new(format!("Basic {token}")),
                report_lock: tokio::sync::Mutex::new(()),
                json_api: json_api::JsonApiState::new(self.client_info.as_ref())?,
                shared,
            }),
            options: RequestOptions::default(),
        })
    }
}

/// The oldest version the spec's changelog lists (`Changelog.md` runs from 1.4 to 1.53).
const OLDEST_SPEC_MINOR: u32 = 4;

/// Accepts only the versions the spec lists: 1.4 to [`DEFAULT_SPEC_VERSION`].
fn check_spec_version(version: &str) -> Result<(), Error> {
    let newest = DEFAULT_SPEC_VERSION
        .split_once('.')
        .and_then(|(_, minor)| minor.parse::<u32>().ok())
        .unwrap_or(0);
    let minor = version
        .strip_prefix("1.")
        .filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()) && !m.starts_with('0'))
        .and_then(|m| m.parse::<u32>().ok());
    match minor {
        Some(minor) if (OLDEST_SPEC_MINOR..=newest).contains(&minor) => Ok(()),
        _ => Err(Error::validation(
            "spec_version",
            format!(
                "must be a version the spec lists, 1.{OLDEST_SPEC_MINOR} to {DEFAULT_SPEC_VERSION} \
                 (got {version:?})"
            ),
        )),
    }
}

/// Numeric comparison of spec versions ("1.9" < "1.48").
pub(crate) fn version_at_least(version: &str, minimum: &str) -> bool {
    let parse = |v: &str| -> (u32, u32) {
        let (a, b) = v.split_once('.').unwrap_or((v, "0"));
        (a.parse().unwrap_or(0), b.parse().unwrap_or(0))
    };
    parse(version) >= parse(minimum)
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Reads `SAFERPAY_CUSTOMER_ID`, `SAFERPAY_TERMINAL_ID`, `SAFERPAY_USERNAME`,
    /// `SAFERPAY_PASSWORD`, `SAFERPAY_ENVIRONMENT` and `SAFERPAY_BASE_URL`, and the shared
    /// `PAYWIRE_TOKEN_STORE`, `PAYWIRE_PROXY` and `PAYWIRE_CA_CERTIFICATES` (a PEM file).
    pub fn from_env() -> Result<Client, Error> {
        Self::builder_from_env()?.build()
    }

    /// The builder `from_env` uses, for callers that add options before building.
    pub fn builder_from_env() -> Result<ClientBuilder, Error> {
        let mut builder = Client::builder()
            .customer_id(config::require_env("SAFERPAY_CUSTOMER_ID")?)
            .username(config::require_env("SAFERPAY_USERNAME")?)
            .password(config::require_env("SAFERPAY_PASSWORD")?);
        if let Some(terminal) = config::env_var("SAFERPAY_TERMINAL_ID") {
            builder = builder.terminal_id(terminal);
        }
        if let Some(environment) = config::env_var("SAFERPAY_ENVIRONMENT") {
            builder = builder.environment(Environment::parse(&environment).map_err(|_| {
                Error::configuration(format!(
                    "SAFERPAY_ENVIRONMENT must be \"test\" or \"live\" (got {environment:?})"
                ))
            })?);
        }
        if let Some(url) = config::env_var("SAFERPAY_BASE_URL") {
            builder = builder.base_url(url);
        }
        if let Some(store) = config::env_var("PAYWIRE_TOKEN_STORE") {
            builder = builder.token_store_url(store);
        }
        builder.transport_from_env()
    }

    /// A view of this client whose calls use `options` (timeout, retries, request id).
    pub fn with_options(&self, options: RequestOptions) -> Client {
        Client {
            inner: self.inner.clone(),
            options,
        }
    }

    pub fn customer_id(&self) -> &str {
        &self.inner.customer_id
    }

    pub fn terminal_id(&self) -> Option<&str> {
        self.inner.terminal_id.as_deref()
    }

    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    pub fn spec_version(&self) -> &str {
        &self.inner.spec_version
    }

    /// What the request engine did for this client and its views: calls, retries, ambiguous
    /// failures settled by a lookup, outcome-unknown failures, 429 refusals waited out.
    pub fn engine_stats(&self) -> crate::http::EngineStats {
        self.inner.engine.stats()
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    pub(crate) fn request_options(&self) -> &RequestOptions {
        &self.options
    }

    /// Runs an operation where `rt::run_call` decides (the caller's runtime or the shared one);
    /// dropping the future abandons it.
    pub(crate) async fn spawn<T, F, Fut>(&self, operation: F) -> Result<T, Error>
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = Result<T, Error>> + Send + 'static,
        T: Send + 'static,
    {
        crate::rt::run_call(operation(self.clone())).await
    }

    /// The terminal for a call: the explicit one, else the client's default.
    pub(crate) fn resolve_terminal(&self, terminal_id: Option<&str>) -> Result<String, Error> {
        match terminal_id.or(self.inner.terminal_id.as_deref()) {
            Some(terminal) => {
                validate::numeric("terminal_id", terminal, 8, 8)?;
                Ok(terminal.to_owned())
            }
            None => Err(Error::validation(
                "terminal_id",
                "is required (pass it, or set a default terminal on the client)",
            )),
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SaferpayClient")
            .field("customer_id", &self.inner.customer_id)
            .field("terminal_id", &self.inner.terminal_id)
            .field("username", &self.inner.username)
            .field("password", &"***")
            .field("base_url", &self.inner.base_url.as_str())
            .field("spec_version", &self.inner.spec_version)
            .finish()
    }
}

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod tests;
