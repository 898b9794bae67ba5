//! SekurePay: orders (create one, and view one by the merchant's own order id).
//!
//! SekurePay documents only the request shapes of `POST /orders` and `GET /orders/{id}`: no
//! response schema, no error body format, no idempotency key. So this client
//! - builds and checks the order totals itself before anything is sent ([`CreateOrder`]),
//! - reads answers leniently, keeping the provider's JSON in [`Order::raw`],
//! - retries a create only when the request provably never left (connect errors); any other
//!   failure is reported with `outcome_unknown`, and [`Client::find_or_create_order`] settles
//!   it by looking the order up under its own id.
//!
//! Authentication is HTTP Basic with the API key as the user name and an empty password.

mod error;
pub mod operations;
mod orders;

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use ::http::{HeaderMap, HeaderValue, Method};
use base64::Engine as _;
use bytes::Bytes;
use serde_json::Value;

pub use operations::{CreateOrderRequest, FindOrCreateOrder, GetOrder};
pub use orders::{
    CreateOrder, MAX_DESCRIPTION_LEN, MAX_ORDER_ID_LEN, Order, OrderItem, OrderTotals, Tax,
};

use crate::config::{self, ClientOptions, RequestOptions};
use crate::error::{Error, Provider};
use crate::http::{self, Call, Engine, HttpRequest, Safety, Transport};
use crate::secret::Secret;

/// The documented production base URL. The sandbox's is `http://127.0.0.1:PORT/sekurepay/api/v1`.
pub const DEFAULT_BASE_URL: &str = "https://sekurepay.com/api/v1";

/// Async SekurePay client. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    options: RequestOptions,
}

struct Inner {
    engine: Engine,
    base_url: url::Url,
    /// The complete `Authorization` header value, built once.
    authorization: Secret,
}

/// Builds a [`Client`]; every setter is checked in `build()`.
#[derive(Default)]
pub struct ClientBuilder {
    api_key: Option<Secret>,
    base_url: Option<String>,
    options: ClientOptions,
    transport: Option<Arc<dyn Transport>>,
}

impl ClientBuilder {
    pub fn api_key(mut self, value: impl Into<Secret>) -> Self {
        self.api_key = Some(value.into());
        self
    }
    /// Includes the `/api/v1` prefix, e.g. the sandbox's `http://127.0.0.1:PORT/sekurepay/api/v1`.
    /// HTTPS only, except loopback addresses.
    pub fn base_url(mut self, value: impl Into<String>) -> Self {
        self.base_url = Some(value.into());
        self
    }
    crate::config::engine_builder_setters!();

    pub fn build(self) -> Result<Client, Error> {
        let api_key = self
            .api_key
            .ok_or_else(|| Error::validation("api_key", "is required"))?;
        check_api_key(&api_key)?;
        let base_url =
            config::check_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        // Basic auth: the key is the user name, the password is empty ("<key>:").
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{}:", api_key.expose()));
        let engine = Engine::new(Provider::SekurePay, self.options, self.transport)?;
        Ok(Client {
            inner: Arc::new(Inner {
                engine,
                base_url,
                authorization: Secret::new(format!("Basic {token}")),
            }),
            options: RequestOptions::default(),
        })
    }
}

/// Keys look like UUIDs. A colon would split user name from password, and whitespace is almost
/// always a copy-paste accident that would only surface later as a 401.
fn check_api_key(key: &Secret) -> Result<(), Error> {
    let value = key.expose();
    if value.is_empty() {
        return Err(Error::validation("api_key", "must not be empty"));
    }
    if value.contains(':') {
        return Err(Error::validation("api_key", "must not contain ':'"));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::validation(
            "api_key",
            "must not contain whitespace or control characters (copied with a newline?)",
        ));
    }
    Ok(())
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Reads `SEKUREPAY_API_KEY` (required) and `SEKUREPAY_BASE_URL` (optional), and the shared
    /// `PAYWIRE_PROXY` and `PAYWIRE_CA_CERTIFICATES` (a PEM file).
    pub fn from_env() -> Result<Client, Error> {
        Self::builder_from_env()?.build()
    }

    /// The builder `from_env` uses, for callers that add options before building.
    pub fn builder_from_env() -> Result<ClientBuilder, Error> {
        let mut builder = Client::builder().api_key(config::require_env("SEKUREPAY_API_KEY")?);
        if let Some(url) = config::env_var("SEKUREPAY_BASE_URL") {
            builder = builder.base_url(url);
        }
        builder.transport_from_env()
    }

    /// A view of this client whose calls use `options` (timeout, retries, request id). SekurePay
    /// has no request-id header; the id only labels logs and errors.
    pub fn with_options(&self, options: RequestOptions) -> Client {
        Client {
            inner: self.inner.clone(),
            options,
        }
    }

    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// What the request engine did for this client and its views: calls, retries, ambiguous
    /// failures settled by a lookup, outcome-unknown failures, 429 refusals waited out.
    pub fn engine_stats(&self) -> crate::http::EngineStats {
        self.inner.engine.stats()
    }

    /// Runs an operation where `rt::run_call` decides (the caller's runtime or the shared one);
    /// dropping the future abandons it.
    async fn spawn<T, F, Fut>(&self, operation: F) -> Result<T, Error>
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = Result<T, Error>> + Send + 'static,
        T: Send + 'static,
    {
        crate::rt::run_call(operation(self.clone())).await
    }

    /// Sends one call and returns the JSON body, `None` for an empty 2xx body.
    async fn exchange(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
        body: Option<&Value>,
        safety: Safety,
    ) -> Result<Option<Value>, Error> {
        self.exchange_with(
            operation,
            method,
            path,
            body,
            safety,
            None,
            None::<fn() -> std::future::Ready<http::Lookup<Option<Value>>>>,
        )
        .await
    }

    /// [`Client::exchange`] with what settles an unknown outcome and the call's lookup.
    #[allow(clippy::too_many_arguments)]
    async fn exchange_with<L, F>(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
        body: Option<&Value>,
        safety: Safety,
        settle: Option<String>,
        lookup: Option<L>,
    ) -> Result<Option<Value>, Error>
    where
        L: Fn() -> F,
        F: Future<Output = http::Lookup<Option<Value>>>,
    {
        let inner = &self.inner;
        let request_id = match &self.options.request_id {
            Some(id) => id.clone(),
            None => http::new_request_id(),
        };
        let url = config::join(&inner.base_url, path)?;
        let body = match body {
            Some(value) => Some(Bytes::from(
                serde_json::to_vec(value).map_err(|e| Error::internal(format!("encode: {e}")))?,
            )),
            None => None,
        };
        let headers = headers(inner.authorization.expose(), body.is_some())?;
        let mut call = Call::new(operation, safety, &request_id, &self.options);
        call.settle = settle;
        if safety == Safety::Reconcilable {
            // "An order with this id already exists": settled by the lookup after an
            // ambiguous attempt (the merchant's order id is the key).
            call.already_done = Some(|e| e.kind() == crate::error::ErrorKind::Conflict);
        }
        inner
            .engine
            .send_with(
                call,
                |_, timeout| {
                    Ok(HttpRequest {
                        method: method.clone(),
                        url: url.clone(),
                        headers: headers.clone(),
                        body: body.clone(),
                        timeout,
                    })
                },
                |response| {
                    if !(200..300).contains(&response.status) {
                        return Err(error::error_from_response(&response));
                    }
                    if response.body.iter().all(u8::is_ascii_whitespace) {
                        return Ok(None);
                    }
                    http::decode_json::<Value>(Provider::SekurePay, &response).map(Some)
                },
                lookup,
            )
            .await
    }
}

fn headers(authorization: &str, has_body: bool) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    let mut auth = HeaderValue::from_str(authorization)
        .map_err(|_| Error::validation("api_key", "contains characters not allowed in a header"))?;
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

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SekurePayClient")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &"***")
            .finish()
    }
}

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod tests;
