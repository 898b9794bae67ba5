//! secuconnect: Smart Transactions, Payment Transactions, push notifications.
//!
//! One [`Client`] per set of API credentials. Every call carries a bearer token from the
//! client's [`TokenManager`]: fetched lazily, cached, refreshed 60 s before it expires and
//! single-flight across all concurrent calls. When the provider refuses a token (HTTP 401,
//! or its documented expired-token answer, HTTP 403 `ProductNotAllowedException` code 2003)
//! the call invalidates it, gets a fresh one (one refresh for any number of such calls) and
//! is replayed once; a refusal on replay is surfaced as an authentication error.
//!
//! `base_url` is the host root (`https://connect-testing.secuconnect.com`): tokens come from
//! `{base}/oauth/token`, API calls go to `{base}/api/v2/...`.

mod error;
mod models;
pub mod operations;
mod payment_containers;
mod payment_transactions;
mod push;
mod smart_transactions;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ::http::{HeaderMap, HeaderValue, Method};
use bytes::Bytes;
use serde_json::Value;

pub use error::{EXPIRED_TOKEN_CODE, PRODUCT_NOT_ALLOWED};
pub use models::{
    Address, BankAccount, BasketItem, Contact, ContainerRef, Customer, Delivery,
    PaymentInstructions, PaymentTransactionRef, ReturnUrls, SmartTransactionStatus, TimeSlot,
};
pub use operations::{
    AbortSmartTransaction, CancelPaymentTransaction, CancelSmartTransaction,
    CapturePaymentTransaction, CheckPaymentStatus, CreatePaymentContainer, DeletePaymentContainer,
    FetchPushPaymentTransactions, GetPaymentContainer, GetPaymentMethods, GetPaymentTransaction,
    GetSmartTransaction, ListPaymentContainers, ListPaymentTransactions,
    PrepareSmartTransactionRequest, RefundPaymentTransaction, RevokeAccrual, SetDelivery,
    StartSmartTransaction, UpdateSmartTransactionRequest,
};
pub use payment_containers::{PaymentContainer, PaymentContainerMandate};
pub use payment_transactions::{
    CancelPayment, ParentObj, PaymentRefund, PaymentStatus, PaymentTransaction,
};
pub use push::{PushNotification, PushObject, parse_push};
pub use smart_transactions::{
    CreateSmartTransaction, INTENTS, MAX_PAGE_SIZE, MAX_RESULT_WINDOW, PREPARE_METHODS,
    PrepareSmartTransaction, START_METHODS, SmartTransaction, SmartTransactionPage,
    SmartTransactionPager, SmartTransactionQuery, UpdateSmartTransaction,
};

pub use crate::oauth::{
    AuthMode, DeviceAuthorization, FileTokenStore, MemoryTokenStore, TokenInfo, TokenManager,
    TokenStore,
};

use crate::config::{self, ClientOptions, RequestOptions};
use crate::error::{Error, Provider};
use crate::http::{self, Call, Engine, HttpRequest, Lookup, Safety, Transport};
use crate::oauth::{Credentials, DEFAULT_REFRESH_MARGIN, TokenEndpoint};
use crate::secret::Secret;
use crate::validate;

/// Testing host (since 2025; the SDKs' default environment).
pub const TESTING_BASE_URL: &str = "https://connect-testing.secuconnect.com";
pub const LIVE_BASE_URL: &str = "https://connect.secucard.com";
/// Showcase host, for demonstrations (the production ticketing plugin offers it next to
/// testing and production).
pub const SHOWCASE_BASE_URL: &str = "https://connect-showcase.secupay-ag.de";

/// secuconnect environment; `base_url` overrides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Testing,
    Showcase,
    Live,
}

impl Environment {
    /// `"testing"`, `"showcase"` or `"live"` (also `test`/`sandbox`, `production`/`prod`).
    pub fn parse(value: &str) -> Result<Environment, Error> {
        match value.trim().to_ascii_lowercase().as_str() {
            "testing" | "test" | "sandbox" => Ok(Environment::Testing),
            "showcase" | "demo" => Ok(Environment::Showcase),
            "live" | "production" | "prod" => Ok(Environment::Live),
            other => Err(Error::validation(
                "environment",
                format!("must be \"testing\", \"showcase\" or \"live\" (got {other:?})"),
            )),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Environment::Testing => "testing",
            Environment::Showcase => "showcase",
            Environment::Live => "live",
        }
    }

    pub fn base_url(&self) -> &'static str {
        match self {
            Environment::Testing => TESTING_BASE_URL,
            Environment::Showcase => SHOWCASE_BASE_URL,
            Environment::Live => LIVE_BASE_URL,
        }
    }
}

/// Async secuconnect client. Cheap to clone; clones share the connection pool and the token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    options: RequestOptions,
}

pub(crate) struct Inner {
    engine: Arc<Engine>,
    base_url: url::Url,
    api_base: url::Url,
    client_id: String,
    contract_id: Option<String>,
    tokens: TokenManager,
    /// One cancel or refund per payment transaction at a time: settling an ambiguous one
    /// compares the transaction before and after.
    pub(crate) cancel_locks: http::KeyedLocks,
    /// Tests run operations on their own (paused-clock) runtime instead of the shared one.
    #[cfg(test)]
    inline: bool,
}

/// Builds a [`Client`]; every setter validates in `build()`.
pub struct ClientBuilder {
    client_id: Option<String>,
    client_secret: Option<Secret>,
    environment: Option<Environment>,
    base_url: Option<String>,
    contract_id: Option<String>,
    options: ClientOptions,
    token_store: Option<Arc<dyn TokenStore>>,
    token_store_url: Option<String>,
    auth_mode: AuthMode,
    refresh_margin: Duration,
    transport: Option<Arc<dyn Transport>>,
    #[cfg(test)]
    inline: bool,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            client_id: None,
            client_secret: None,
            environment: None,
            base_url: None,
            contract_id: None,
            options: ClientOptions::default(),
            token_store: None,
            token_store_url: None,
            auth_mode: AuthMode::ClientCredentials,
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            transport: None,
            #[cfg(test)]
            inline: false,
        }
    }
}

impl ClientBuilder {
    pub fn client_id(mut self, value: impl Into<String>) -> Self {
        self.client_id = Some(value.into());
        self
    }
    pub fn client_secret(mut self, value: impl Into<Secret>) -> Self {
        self.client_secret = Some(value.into());
        self
    }
    /// `Testing` (the default) or `Live`.
    pub fn environment(mut self, value: Environment) -> Self {
        self.environment = Some(value);
        self
    }
    /// Overrides the environment with a host root, e.g. the sandbox's `http://127.0.0.1:PORT`.
    /// A trailing `/api/v2` (the API base as the docs print it) is accepted and removed.
    pub fn base_url(mut self, value: impl Into<String>) -> Self {
        self.base_url = Some(value.into());
        self
    }
    /// Default General Contract (`GCR_...`) for new Smart Transactions.
    pub fn contract_id(mut self, value: impl Into<String>) -> Self {
        self.contract_id = Some(value.into());
        self
    }
    crate::config::engine_builder_setters!();
    /// Where tokens are kept (default: in memory, per client). A [`FileTokenStore`] lets a
    /// restarted process reuse its token and device session.
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.token_store = Some(store);
        self
    }
    /// The token store by URL: `memory` (default), `file:///dir`, or `redis://host:port` to
    /// share tokens, and their refresh, between every process and host of the merchant (see
    /// [`crate::oauth::token_store_from_url`]). A [`ClientBuilder::token_store`] wins.
    pub fn token_store_url(mut self, url: impl Into<String>) -> Self {
        self.token_store_url = Some(url.into());
        self
    }
    /// Client credentials (default) or a device session started by the device flow.
    pub fn auth_mode(mut self, mode: AuthMode) -> Self {
        self.auth_mode = mode;
        self
    }
    /// How long before expiry a token is refreshed (default 60 s).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }
    #[cfg(test)]
    pub(crate) fn inline(mut self) -> Self {
        self.inline = true;
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        let client_id = self
            .client_id
            .ok_or_else(|| Error::validation("client_id", "is required"))?;
        validate::length("client_id", &client_id, 1, 128)?;
        let client_secret = self
            .client_secret
            .ok_or_else(|| Error::validation("client_secret", "is required"))?;
        if client_secret.is_empty() {
            return Err(Error::validation("client_secret", "must not be empty"));
        }
        if let Some(contract_id) = &self.contract_id {
            validate::id("contract_id", contract_id, 1, 64)?;
        }
        if let AuthMode::Device { uuid } = &self.auth_mode {
            validate::length("uuid", uuid, 1, 255)?;
        }
        if self.refresh_margin >= Duration::from_secs(600) {
            return Err(Error::validation(
                "refresh_margin",
                "must be less than 10 minutes (tokens live 20 minutes)",
            ));
        }
        let base_url = match self.base_url {
            Some(url) => host_root(&url)?,
            None => host_root(self.environment.unwrap_or(Environment::Testing).base_url())?,
        };
        let api_base = config::join(&base_url, "/api/v2")?;
        let token_url = config::join(&base_url, "/oauth/token")?;
        let engine = Arc::new(Engine::new(
            Provider::Secuconnect,
            self.options,
            self.transport,
        )?);
        let store = match (self.token_store, &self.token_store_url) {
            (Some(store), _) => store,
            (None, Some(url)) => crate::oauth::token_store_from_url(url, &client_secret)?,
            (None, None) => Arc::new(MemoryTokenStore::new()),
        };
        let endpoint = TokenEndpoint {
            engine: engine.clone(),
            url: token_url,
            provider: Provider::Secuconnect,
            credentials: Credentials {
                client_id: client_id.clone(),
                client_secret,
            },
        };
        let tokens = TokenManager::new(endpoint, self.auth_mode, store, self.refresh_margin);
        Ok(Client {
            inner: Arc::new(Inner {
                engine,
                base_url,
                api_base,
                client_id,
                contract_id: self.contract_id,
                tokens,
                cancel_locks: http::KeyedLocks::default(),
                #[cfg(test)]
                inline: self.inline,
            }),
            options: RequestOptions::default(),
        })
    }
}

/// The host root: https (or loopback), with a pasted `/api/v2` suffix removed.
fn host_root(raw: &str) -> Result<url::Url, Error> {
    let mut url = config::check_base_url(raw)?;
    let path = url.path().to_owned();
    if let Some(stripped) = path.strip_suffix("/api/v2") {
        url.set_path(stripped);
    }
    Ok(url)
}

/// One API call below `/api/v2`.
pub(crate) struct ApiCall {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    /// Path below `/api/v2`, starting with `/`.
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Option<Value>,
    pub(crate) safety: Safety,
    /// The call that settles an unknown outcome, named in the error.
    pub(crate) settle: Option<String>,
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Reads `SECUCONNECT_CLIENT_ID`, `SECUCONNECT_CLIENT_SECRET`, `SECUCONNECT_ENVIRONMENT`,
    /// `SECUCONNECT_BASE_URL` and `SECUCONNECT_CONTRACT_ID`, and the shared
    /// `PAYWIRE_TOKEN_STORE`, `PAYWIRE_PROXY` and `PAYWIRE_CA_CERTIFICATES` (a PEM file).
    pub fn from_env() -> Result<Client, Error> {
        Self::builder_from_env()?.build()
    }

    /// The builder `from_env` uses, for callers that add options before building.
    pub fn builder_from_env() -> Result<ClientBuilder, Error> {
        let mut builder = Client::builder()
            .client_id(config::require_env("SECUCONNECT_CLIENT_ID")?)
            .client_secret(config::require_env("SECUCONNECT_CLIENT_SECRET")?);
        if let Some(environment) = config::env_var("SECUCONNECT_ENVIRONMENT") {
            builder = builder.environment(Environment::parse(&environment).map_err(|_| {
                Error::configuration(format!(
                    "SECUCONNECT_ENVIRONMENT must be \"testing\", \"showcase\" or \"live\" (got {environment:?})"
                ))
            })?);
        }
        if let Some(url) = config::env_var("SECUCONNECT_BASE_URL") {
            builder = builder.base_url(url);
        }
        if let Some(contract) = config::env_var("SECUCONNECT_CONTRACT_ID") {
            builder = builder.contract_id(contract);
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

    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    pub fn contract_id(&self) -> Option<&str> {
        self.inner.contract_id.as_deref()
    }

    /// The host root; tokens come from `{base_url}/oauth/token`.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// What the request engine did for this client and its views: calls, retries, ambiguous
    /// failures settled by a lookup, outcome-unknown failures, 429 refusals waited out.
    pub fn engine_stats(&self) -> crate::http::EngineStats {
        self.inner.engine.stats()
    }

    /// The token manager behind this client (shared by its clones).
    pub fn token_manager(&self) -> &TokenManager {
        &self.inner.tokens
    }

    /// What is known about the cached token, if any (never the token itself).
    pub fn token_info(&self) -> Option<TokenInfo> {
        self.inner.tokens.token_info()
    }

    /// A valid access token, for calling endpoints this library does not wrap.
    pub async fn access_token(&self) -> Result<Secret, Error> {
        self.spawn(|client| async move { client.inner.tokens.access_token(&client.options).await })
            .await
    }

    /// Device flow step 1: registers the device `uuid`; show the returned `user_code` and
    /// `verification_url` to the user, then call [`Client::device_poll`].
    pub async fn device_authorize(&self, uuid: &str) -> Result<DeviceAuthorization, Error> {
        let uuid = uuid.to_owned();
        self.spawn(move |client| async move {
            client
                .inner
                .tokens
                .device_authorize(&uuid, &client.options)
                .await
        })
        .await
    }

    /// Device flow step 2: polls until the user approves (at the interval the provider
    /// asked for, through `authorization_pending`), refuses, or the code expires. On
    /// approval this client's calls run in the device session.
    pub async fn device_poll(
        &self,
        authorization: &DeviceAuthorization,
    ) -> Result<TokenInfo, Error> {
        let authorization = authorization.clone();
        self.spawn(move |client| async move {
            client
                .inner
                .tokens
                .device_poll(&authorization, &client.options)
                .await
        })
        .await
    }

    /// One poll of the device flow: `None` while approval is pending.
    pub async fn device_poll_once(
        &self,
        authorization: &DeviceAuthorization,
    ) -> Result<Option<TokenInfo>, Error> {
        let authorization = authorization.clone();
        self.spawn(move |client| async move {
            client
                .inner
                .tokens
                .device_poll_once(&authorization, &client.options)
                .await
        })
        .await
    }

    /// Runs an operation where `rt::run_call` decides (the caller's runtime or the shared one);
    /// dropping the future abandons it.
    pub(crate) async fn spawn<T, F, Fut>(&self, operation: F) -> Result<T, Error>
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = Result<T, Error>> + Send + 'static,
        T: Send + 'static,
    {
        #[cfg(test)]
        if self.inner.inline {
            return operation(self.clone()).await;
        }
        crate::rt::run_call(operation(self.clone())).await
    }

    /// Sends an API call with a bearer token; on a refused token, invalidates it, gets a new
    /// one (single-flight) and replays once (a refused token means nothing was executed).
    /// Returns the JSON body (`Null` when empty).
    pub(crate) async fn api(&self, call: ApiCall) -> Result<Value, Error> {
        self.api_with(call, None::<fn() -> std::future::Ready<Lookup<Value>>>)
            .await
    }

    /// [`Client::api`] with the call's lookup by its own key (see [`Safety`]).
    pub(crate) async fn api_with<L, F>(
        &self,
        call: ApiCall,
        lookup: Option<L>,
    ) -> Result<Value, Error>
    where
        L: Fn() -> F,
        F: Future<Output = Lookup<Value>>,
    {
        let request_id = match &self.options.request_id {
            Some(id) => id.clone(),
            None => http::new_request_id(),
        };
        let mut url = config::join(&self.inner.api_base, &call.path)?;
        if !call.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(call.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let body = match &call.body {
            Some(body) => Some(Bytes::from(
                serde_json::to_vec(body).map_err(|e| Error::internal(format!("encode: {e}")))?,
            )),
            None => None,
        };
        let tokens = &self.inner.tokens;
        let token = tokens.access_token(&self.options).await?;
        match self
            .send(
                &call,
                &url,
                body.as_ref(),
                &request_id,
                &token,
                lookup.as_ref(),
            )
            .await
        {
            Ok(value) => Ok(value),
            Err((error, false)) => Err(error),
            Err((_, true)) => {
                let dropped = tokens.invalidate(&token);
                tracing::debug!(dropped, "token refused; refreshing once and replaying");
                let token = tokens.access_token(&self.options).await?;
                self.send(
                    &call,
                    &url,
                    body.as_ref(),
                    &request_id,
                    &token,
                    lookup.as_ref(),
                )
                .await
                .map_err(|(error, _)| error)
            }
        }
    }

    /// One engine send with `token`. The flag says whether the provider refused the token.
    async fn send<L, F>(
        &self,
        call: &ApiCall,
        url: &url::Url,
        body: Option<&Bytes>,
        request_id: &str,
        token: &Secret,
        lookup: Option<&L>,
    ) -> Result<Value, (Error, bool)>
    where
        L: Fn() -> F,
        F: Future<Output = Lookup<Value>>,
    {
        let headers = api_headers(token, body.is_some()).map_err(|e| (e, false))?;
        let token_rejected = AtomicBool::new(false);
        let mut engine_call = Call::new(call.operation, call.safety, request_id, &self.options);
        engine_call.settle = call.settle.clone();
        let result = self
            .inner
            .engine
            .send_with(
                engine_call,
                |_, timeout| {
                    Ok(HttpRequest {
                        method: call.method.clone(),
                        url: url.clone(),
                        headers: headers.clone(),
                        body: body.cloned(),
                        timeout,
                    })
                },
                |response| {
                    if (200..300).contains(&response.status) {
                        if response.body.iter().all(u8::is_ascii_whitespace) {
                            return Ok(Value::Null);
                        }
                        return http::decode_json::<Value>(Provider::Secuconnect, &response);
                    }
                    let classified = error::classify_error(&response);
                    token_rejected.store(classified.token_rejected, Ordering::Relaxed);
                    Err(classified.error)
                },
                lookup.map(|l| move || l()),
            )
            .await;
        result.map_err(|e| (e, token_rejected.load(Ordering::Relaxed)))
    }
}

fn api_headers(token: &Secret, has_body: bool) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    // The header text is a credential too: keep it in a Secret so it is wiped when dropped.
    let value = Secret::new(format!("Bearer {}", token.expose()));
    let mut auth = HeaderValue::from_str(value.expose()).map_err(|_| {
        Error::decode(
            Provider::Secuconnect,
            "the access token contains characters not allowed in a header",
        )
    })?;
    auth.set_sensitive(true);
    headers.insert(::http::header::AUTHORIZATION, auth);
    headers.insert(
        ::http::header::ACCEPT,
        HeaderValue::from_static("application/json"),
    );
    if has_body {
        headers.insert(
            ::http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    Ok(headers)
}

/// An object id that goes into a URL path (`STX_...`, `PCI_...`): letters, digits, `_`
/// and `-` only, so no id can reach another endpoint (`..`, `/`, `?`).
pub(crate) fn check_path_id(field: &str, id: &str) -> Result<(), Error> {
    validate::length(field, id, 1, 64)?;
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(Error::validation(
            field,
            format!("may contain only letters, digits, _ and - (found {bad:?})"),
        ));
    }
    Ok(())
}

/// Percent-encodes one path segment (ids come from callers).
pub(crate) fn segment(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecuconnectClient")
            .field("client_id", &self.inner.client_id)
            .field("client_secret", &"***")
            .field("base_url", &self.inner.base_url.as_str())
            .field("contract_id", &self.inner.contract_id)
            .field("mode", &self.inner.tokens.mode().ok())
            .finish()
    }
}

#[cfg(test)]
mod contract_tests;
#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod tests;
