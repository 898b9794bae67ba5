//! `SecuconnectClient`: OAuth 2.0 (lazy, cached, single-flight tokens in the core), Smart
//! Transactions, payment transactions, pushes, device flow and payment links.

use std::sync::Arc;

use napi_derive::napi;
use paywire::secuconnect as core;
use serde_json::Value;

use crate::cancel::{CancelToken, guarded};
use crate::convert;
use crate::errors::{self, Result};
use crate::money::Money;
use crate::operations;
use crate::results::{self, to_js};
use crate::saferpay::{ClientEnvOptions, RequestOverrides};
use crate::saferpay_payments::{PaymentLinkOptions, overrides, payment_link_request};

/// Constructor options of `SecuconnectClient`.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct SecuconnectClientOptions {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// `"testing"` (default) or `"live"`.
    pub environment: Option<String>,
    /// Overrides `environment`, e.g. the sandbox URL.
    pub base_url: Option<String>,
    /// Default contract for new Smart Transactions.
    pub contract_id: Option<String>,
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<f64>,
    /// An HTTP proxy for every request (`http://[user:password@]host:port`, HTTPS tunnelled
    /// with CONNECT), except the hosts `NO_PROXY` names; `"none"` connects directly. Unset,
    /// the standard `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` variables apply.
    pub proxy: Option<String>,
    /// Extra trusted root certificates, PEM, added to the public roots.
    pub ca_certificates: Option<String>,
    /// Where tokens and payment outcomes are shared: `"memory"` (default), `"file:///dir"`, or
    /// `"redis://host:port"` for every process and host of the merchant.
    pub token_store: Option<String>,
    /// A token store of the user's own, as `index.js` hands it over (the `tokenStore` object
    /// turned into one function; see `token_store.rs`).
    #[napi(
        ts_type = "(operation: string, key: string, value?: string | undefined | null) => Promise<string | null>"
    )]
    pub host_token_store: Option<crate::token_store::StoreCall>,
}

/// Options of the `smartTransactions` iterator (beside the row's parameters and the per-call
/// overrides).
#[napi(object)]
#[derive(Default)]
pub struct SmartTransactionIteratorOptions {
    /// Smart Transactions fetched per crossing into Rust (default: the row's page size).
    pub batch_size: Option<f64>,
}

/// A device authorization: show `userCode` and `verificationUrl` to the user, then
/// `devicePoll(authorization)`. The device code stays inside (it is a credential).
#[napi]
pub struct DeviceAuthorization {
    inner: paywire::oauth::DeviceAuthorization,
}

#[napi]
impl DeviceAuthorization {
    #[napi(getter)]
    pub fn uuid(&self) -> String {
        self.inner.uuid.clone()
    }
    #[napi(getter)]
    pub fn user_code(&self) -> String {
        self.inner.user_code.clone()
    }
    #[napi(getter)]
    pub fn verification_url(&self) -> String {
        self.inner.verification_url.clone()
    }
    #[napi(getter)]
    pub fn expires_in(&self) -> f64 {
        self.inner.expires_in as f64
    }
    #[napi(getter)]
    pub fn interval(&self) -> f64 {
        self.inner.interval as f64
    }
}

/// The token a device flow obtained (the token itself stays inside the client).
#[napi(object)]
pub struct TokenInfo {
    pub token_type: String,
    pub scope: Option<String>,
    pub expires_in: f64,
    pub has_refresh_token: bool,
}

/// Async secuconnect client (native part; use the `SecuconnectClient` exported by `paywire`).
#[napi]
pub struct SecuconnectClient {
    pub(crate) inner: core::Client,
}

impl SecuconnectClient {
    pub(crate) fn from_builder(
        builder: core::ClientBuilder,
        timeout_ms: Option<f64>,
        max_retries: Option<f64>,
    ) -> Result<SecuconnectClient> {
        let mut builder = builder;
        if let Some(ms) = timeout_ms {
            builder = builder.timeout(convert::millis("timeout_ms", ms)?);
        }
        if let Some(n) = max_retries {
            builder = builder.max_retries(convert::uint("max_retries", n)?);
        }
        Ok(SecuconnectClient {
            inner: builder.build()?,
        })
    }

    fn build(o: SecuconnectClientOptions) -> Result<SecuconnectClient> {
        let mut builder = core::Client::builder();
        if let Some(v) = o.client_id {
            builder = builder.client_id(v);
        }
        if let Some(v) = o.client_secret {
            builder = builder.client_secret(v);
        }
        if let Some(v) = o.environment {
            builder = builder.environment(core::Environment::parse(&v)?);
        }
        if let Some(v) = o.base_url {
            builder = builder.base_url(v);
        }
        if let Some(v) = o.contract_id {
            builder = builder.contract_id(v);
        }
        if let Some(v) = o.proxy {
            builder = builder.proxy(v);
        }
        if let Some(v) = o.ca_certificates {
            builder = builder.ca_certificates(v);
        }
        if let Some(v) = o.token_store {
            builder = builder.token_store_url(v);
        }
        if let Some(call) = o.host_token_store {
            builder = builder.token_store(std::sync::Arc::new(
                crate::token_store::JsTokenStore::new(call),
            ));
        }
        SecuconnectClient::from_builder(builder, o.timeout_ms, o.max_retries)
    }

    fn view(&self, o: Option<RequestOverrides>) -> Result<core::Client> {
        Ok(match overrides(o)? {
            Some(options) => self.inner.with_options(options),
            None => self.inner.clone(),
        })
    }
}

#[napi]
impl SecuconnectClient {
    #[napi(constructor)]
    pub fn new(options: Option<SecuconnectClientOptions>) -> napi::Result<SecuconnectClient> {
        errors::napi_result(SecuconnectClient::build(options.unwrap_or_default()))
    }

    /// Reads `SECUCONNECT_CLIENT_ID`, `SECUCONNECT_CLIENT_SECRET`, `SECUCONNECT_ENVIRONMENT`,
    /// `SECUCONNECT_BASE_URL`, `SECUCONNECT_CONTRACT_ID`.
    #[napi(factory)]
    pub fn from_env(options: Option<ClientEnvOptions>) -> napi::Result<SecuconnectClient> {
        let o = options.unwrap_or_default();
        errors::napi_result(
            core::Client::builder_from_env()
                .and_then(|b| SecuconnectClient::from_builder(b, o.timeout_ms, o.max_retries)),
        )
    }

    #[napi(getter)]
    pub fn client_id(&self) -> String {
        self.inner.client_id().to_owned()
    }

    #[napi(getter)]
    pub fn contract_id(&self) -> Option<String> {
        self.inner.contract_id().map(str::to_owned)
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// Runs the table row `name` (`create_smart_transaction`, …) with its parameters as one
    /// object; the JS methods generated from the table call this.
    #[napi(ts_return_type = "Promise<unknown>")]
    pub async fn call(
        &self,
        name: String,
        input: Option<Value>,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            let row = operations::row("secuconnect", &name)?;
            let input = operations::input_json(row, input.unwrap_or(Value::Null));
            let client = self.view(overrides)?;
            core::operations::call_json(&client, &name, input)
                .await
                .map(results::camel_keys)
        })
        .await
    }

    /// Parses a push body (the raw request body as a string or Buffer).
    #[napi(ts_return_type = "PushNotification")]
    pub fn parse_push(
        body: napi::Either<String, napi::bindgen_prelude::Buffer>,
    ) -> napi::Result<Value> {
        let bytes: Vec<u8> = match body {
            napi::Either::A(text) => text.into_bytes(),
            napi::Either::B(buffer) => buffer.to_vec(),
        };
        errors::napi_result(core::parse_push(&bytes).and_then(|p| to_js(&p)))
    }

    /// Starts the device flow for a device `uuid`.
    #[napi]
    pub async fn device_authorize(
        &self,
        uuid: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<DeviceAuthorization> {
        guarded(cancel, async move {
            Ok(DeviceAuthorization {
                inner: self.view(overrides)?.device_authorize(&uuid).await?,
            })
        })
        .await
    }

    /// Polls until the user approved (or the code expired); the client then holds the token.
    #[napi]
    pub async fn device_poll(
        &self,
        authorization: &DeviceAuthorization,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<TokenInfo> {
        let authorization = authorization.inner.clone();
        guarded(cancel, async move {
            let info = self.view(overrides)?.device_poll(&authorization).await?;
            Ok(TokenInfo {
                token_type: info.token_type,
                scope: info.scope,
                expires_in: info.expires_in as f64,
                has_refresh_token: info.has_refresh_token,
            })
        })
        .await
    }

    /// Starts the listing of the paged row `smart_transactions` (decoded now, before anything
    /// is sent); the JS layer turns it into an async iterator.
    #[napi]
    pub fn smart_transactions(
        &self,
        input: Option<Value>,
        options: Option<SmartTransactionIteratorOptions>,
        overrides: Option<RequestOverrides>,
    ) -> napi::Result<SmartTransactionPager> {
        errors::napi_result((|| {
            let row = operations::row("secuconnect", "smart_transactions")?;
            let query: core::SmartTransactionQuery = paywire::operation::decode_input(
                operations::input_json(row, input.unwrap_or(Value::Null)),
            )?;
            let batch_size = match options.unwrap_or_default().batch_size {
                Some(n) => convert::uint("batch_size", n)?.max(1),
                None => operations::default_batch_size(row),
            };
            Ok(SmartTransactionPager {
                pager: Arc::new(tokio::sync::Mutex::new(
                    self.view(overrides)?.smart_transactions(query)?,
                )),
                batch_size,
            })
        })())
    }

    #[napi(ts_return_type = "Promise<PaymentLink>")]
    pub async fn create_payment_link(
        &self,
        amount: Money,
        order_id: String,
        description: String,
        options: Option<PaymentLinkOptions>,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        let request = payment_link_request(amount, order_id, description, options);
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.create_payment_link(request?).await?)
        })
        .await
    }

    #[napi(ts_return_type = "Promise<PaymentLink>")]
    pub async fn get_payment_link(
        &self,
        id: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.get_payment_link(&id).await?)
        })
        .await
    }

    #[napi(ts_return_type = "Promise<PaymentLink>")]
    pub async fn cancel_payment_link(
        &self,
        id: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.cancel_payment_link(&id).await?)
        })
        .await
    }
}

/// One batch of a Smart Transaction listing.
#[napi(object)]
pub struct SmartTransactionBatch {
    #[napi(ts_type = "Array<SmartTransaction>")]
    pub items: Value,
    pub total: Option<f64>,
    /// The offset the next batch starts at.
    pub offset: f64,
    pub done: bool,
}

/// A running Smart Transaction listing (native part of the async iterator).
#[napi]
pub struct SmartTransactionPager {
    pager: Arc<tokio::sync::Mutex<core::SmartTransactionPager>>,
    batch_size: u32,
}

#[napi]
impl SmartTransactionPager {
    #[napi(getter)]
    pub fn batch_size(&self) -> u32 {
        self.batch_size
    }

    #[napi]
    pub async fn next_batch(
        &self,
        max: u32,
        cancel: &CancelToken,
    ) -> napi::Result<SmartTransactionBatch> {
        let pager = Arc::clone(&self.pager);
        guarded(cancel, async move {
            let mut pager = pager.lock().await;
            let items = pager.next_batch(max.max(1) as usize).await?;
            let done = items.is_empty();
            Ok(SmartTransactionBatch {
                items: to_js(&items)?,
                total: pager.total().map(|n| n as f64),
                offset: pager.offset() as f64,
                done,
            })
        })
        .await
    }
}
