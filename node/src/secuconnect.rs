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
use crate::results::to_js;
use crate::saferpay::{ClientEnvOptions, RequestOverrides};
use crate::saferpay_payments::{PaymentLinkOptions, overrides, payment_link_request};

/// Constructor options of `SecuconnectClient`.
#[napi(object)]
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
}

/// Optional arguments of `createSmartTransaction`. Nested objects take camelCase (or
/// snake_case) keys and are checked by the core.
#[napi(object)]
#[derive(Default)]
pub struct CreateSmartTransactionOptions {
    /// `sale` (default), `authorization` or `order`.
    pub intent: Option<String>,
    pub contract_id: Option<String>,
    pub customer: Option<Value>,
    pub basket: Option<Vec<Value>>,
    pub checkout_template: Option<String>,
    pub language: Option<String>,
    pub return_urls: Option<Value>,
    pub auto_capture: Option<bool>,
    pub merchant_ref: Option<String>,
    pub transaction_ref: Option<String>,
    pub is_demo: Option<bool>,
}

/// What `updateSmartTransaction` changes.
#[napi(object)]
#[derive(Default)]
pub struct UpdateSmartTransactionOptions {
    pub amount: Option<Money>,
    pub basket: Option<Vec<Value>>,
    pub customer: Option<Value>,
    pub merchant_ref: Option<String>,
    pub transaction_ref: Option<String>,
    pub auto_capture: Option<bool>,
}

/// Optional arguments of `prepareSmartTransaction`.
#[napi(object)]
#[derive(Default)]
pub struct PrepareSmartTransactionOptions {
    /// An existing payment container `PCT_...`.
    pub container_id: Option<String>,
    /// An inline bank account (SEPA direct debit); not together with `containerId`.
    #[napi(ts_type = "SecuconnectBankAccount")]
    pub bank_account: Option<Value>,
}

/// Optional arguments of `startSmartTransaction`.
#[napi(object)]
#[derive(Default)]
pub struct StartSmartTransactionOptions {
    pub payment_method: Option<String>,
}

/// Optional arguments of `cancelPaymentTransaction`.
#[napi(object)]
#[derive(Default)]
pub struct CancelPaymentTransactionOptions {
    /// A partial refund of this much (default: cancel everything).
    pub reduce_amount_by: Option<Money>,
}

/// Options of `smartTransactions`.
#[napi(object)]
#[derive(Default)]
pub struct SmartTransactionsOptions {
    /// Filter such as `status:ok`, `merchantRef:4711`.
    pub query: Option<String>,
    /// `field:asc|desc`, e.g. `created:asc`.
    pub sort: Option<String>,
    /// 1 to 1000 (default 100).
    pub page_size: Option<f64>,
    /// Transactions fetched per crossing into Rust (default 100).
    pub batch_size: Option<f64>,
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<f64>,
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
        SecuconnectClient::from_builder(builder, o.timeout_ms, o.max_retries)
    }

    fn view(&self, o: Option<RequestOverrides>) -> Result<core::Client> {
        Ok(match overrides(o)? {
            Some(options) => self.inner.with_options(options),
            None => self.inner.clone(),
        })
    }
}

fn basket(field: &str, items: Option<Vec<Value>>) -> Result<Option<Vec<core::BasketItem>>> {
    convert::input(field, items.map(Value::Array))
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

    #[napi(ts_return_type = "Promise<SmartTransaction>")]
    pub async fn create_smart_transaction(
        &self,
        amount: Money,
        options: Option<CreateSmartTransactionOptions>,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        let o = options.unwrap_or_default();
        guarded(cancel, async move {
            let mut request = core::CreateSmartTransaction::new(amount.to_core()?);
            if let Some(intent) = o.intent {
                request.intent = intent;
            }
            request.contract_id = o.contract_id;
            request.customer = convert::input("customer", o.customer)?;
            request.basket = basket("basket", o.basket)?;
            request.checkout_template = o.checkout_template;
            request.language = o.language;
            request.return_urls = convert::input("return_urls", o.return_urls)?;
            request.auto_capture = o.auto_capture;
            request.merchant_ref = o.merchant_ref;
            request.transaction_ref = o.transaction_ref;
            request.is_demo = o.is_demo.unwrap_or(false);
            to_js(
                &self
                    .view(overrides)?
                    .create_smart_transaction(request)
                    .await?,
            )
        })
        .await
    }

    #[napi(ts_return_type = "Promise<SmartTransaction>")]
    pub async fn get_smart_transaction(
        &self,
        id: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.get_smart_transaction(&id).await?)
        })
        .await
    }

    #[napi(ts_return_type = "Promise<SmartTransaction>")]
    pub async fn update_smart_transaction(
        &self,
        id: String,
        changes: Option<UpdateSmartTransactionOptions>,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        let o = changes.unwrap_or_default();
        guarded(cancel, async move {
            let mut update = core::UpdateSmartTransaction::new();
            update.amount = o.amount.map(|a| a.to_core()).transpose()?;
            update.basket = basket("basket", o.basket)?;
            update.customer = convert::input("customer", o.customer)?;
            update.merchant_ref = o.merchant_ref;
            update.transaction_ref = o.transaction_ref;
            update.auto_capture = o.auto_capture;
            to_js(
                &self
                    .view(overrides)?
                    .update_smart_transaction(&id, update)
                    .await?,
            )
        })
        .await
    }

    #[napi(ts_return_type = "Promise<SmartTransaction>")]
    pub async fn prepare_smart_transaction(
        &self,
        id: String,
        payment_method: String,
        options: Option<PrepareSmartTransactionOptions>,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        let o = options.unwrap_or_default();
        guarded(cancel, async move {
            let mut prepare = core::PrepareSmartTransaction::new();
            prepare.container_id = o.container_id;
            prepare.bank_account = convert::input("bank_account", o.bank_account)?;
            to_js(
                &self
                    .view(overrides)?
                    .prepare_smart_transaction(&id, &payment_method, prepare)
                    .await?,
            )
        })
        .await
    }

    #[napi(ts_return_type = "Promise<SmartTransaction>")]
    pub async fn start_smart_transaction(
        &self,
        id: String,
        options: Option<StartSmartTransactionOptions>,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        let method = options.and_then(|o| o.payment_method);
        guarded(cancel, async move {
            to_js(
                &self
                    .view(overrides)?
                    .start_smart_transaction(&id, method.as_deref())
                    .await?,
            )
        })
        .await
    }

    #[napi(ts_return_type = "Promise<SmartTransaction>")]
    pub async fn cancel_smart_transaction(
        &self,
        id: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.cancel_smart_transaction(&id).await?)
        })
        .await
    }

    #[napi(ts_return_type = "Promise<SmartTransaction>")]
    pub async fn abort_smart_transaction(
        &self,
        id: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.abort_smart_transaction(&id).await?)
        })
        .await
    }

    #[napi(ts_return_type = "Promise<PaymentTransaction>")]
    pub async fn get_payment_transaction(
        &self,
        id: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.get_payment_transaction(&id).await?)
        })
        .await
    }

    /// Cancels (or, with `reduceAmountBy`, partially refunds) a payment transaction.
    #[napi(ts_return_type = "Promise<Array<PaymentTransaction>>")]
    pub async fn cancel_payment_transaction(
        &self,
        id: String,
        options: Option<CancelPaymentTransactionOptions>,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        let reduce = options.and_then(|o| o.reduce_amount_by);
        guarded(cancel, async move {
            let request = match reduce {
                Some(amount) => {
                    core::CancelPayment::partial(amount.to_core_at("reduce_amount_by")?)
                }
                None => core::CancelPayment::full(),
            };
            to_js(
                &self
                    .view(overrides)?
                    .cancel_payment_transaction(&id, request)
                    .await?,
            )
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

    /// Starts a listing (validated now); the JS layer turns it into an async iterator.
    #[napi]
    pub fn smart_transactions(
        &self,
        options: Option<SmartTransactionsOptions>,
    ) -> napi::Result<SmartTransactionPager> {
        errors::napi_result((|| {
            let o = options.unwrap_or_default();
            let mut query = core::SmartTransactionQuery::new();
            query.query = o.query;
            query.sort = o.sort;
            if let Some(size) = o.page_size {
                query.page_size = convert::uint("page_size", size)?;
            }
            let client = match convert::request_options(None, o.timeout_ms, o.max_retries)? {
                Some(options) => self.inner.with_options(options),
                None => self.inner.clone(),
            };
            let batch_size = match o.batch_size {
                Some(n) => convert::uint("batch_size", n)?.max(1),
                None => 100,
            };
            Ok(SmartTransactionPager {
                pager: Arc::new(tokio::sync::Mutex::new(client.smart_transactions(query)?)),
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
