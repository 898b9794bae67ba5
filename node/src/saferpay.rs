//! `SaferpayClient`: the core's `paywire::saferpay::Client` with JS types.

use std::sync::Arc;

use napi_derive::napi;
use paywire::saferpay as core;
use serde_json::Value;

use crate::cancel::{CancelToken, guarded};
use crate::convert;
use crate::errors::{self, Result};
use crate::money::Money;
use crate::{operations, results};

/// Constructor options of `SaferpayClient` (every field may also come from `fromEnv()`).
#[napi(object)]
#[derive(Default)]
pub struct SaferpayClientOptions {
    pub customer_id: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Default terminal for offers, payment pages and Fields tokens.
    pub terminal_id: Option<String>,
    /// `"test"` (default) or `"live"`.
    pub environment: Option<String>,
    /// Overrides `environment`, e.g. a sandbox URL `http://127.0.0.1:PORT/api`.
    pub base_url: Option<String>,
    /// Saferpay spec version (default: the newest this library knows).
    pub spec_version: Option<String>,
    /// Per-attempt timeout in milliseconds (default 100 000).
    pub timeout_ms: Option<f64>,
    /// Retries after the first attempt (default 2, at most 9).
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
}

/// Options `fromEnv()` adds to what the environment gives.
#[napi(object)]
#[derive(Default)]
pub struct ClientEnvOptions {
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<f64>,
}

/// Per-call overrides accepted by every method's options object.
#[napi(object)]
#[derive(Default)]
pub struct RequestOverrides {
    /// Your own request id (1 to 50 characters), reused on every retry.
    pub request_id: Option<String>,
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<f64>,
}

/// Options of the `transactions` iterator (beside the row's parameters and the per-call
/// overrides).
#[napi(object)]
#[derive(Default)]
pub struct TransactionIteratorOptions {
    /// Continue an interrupted export at this page (1-based; see `nextPageNumber`).
    pub resume_at_page: Option<f64>,
    /// Transactions fetched per crossing into Rust (default: the row's page size).
    pub batch_size: Option<f64>,
}

/// The payer of an offer or payment page (every field optional).
#[napi(object)]
#[allow(dead_code)] // declared for the generated TypeScript; values cross as JSON (see `operations.rs`)
pub struct Payer {
    /// Payment pages only.
    pub id: Option<String>,
    pub language_code: Option<String>,
    pub ip_address: Option<String>,
    pub ipv6_address: Option<String>,
    pub billing_address: Option<Address>,
    /// Payment pages only.
    pub delivery_address: Option<Address>,
}

/// A postal address (every field optional).
#[napi(object)]
#[allow(dead_code)] // declared for the generated TypeScript; values cross as JSON (see `operations.rs`)
pub struct Address {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    /// `MALE`, `FEMALE`, `DIVERSE` or `COMPANY`.
    pub gender: Option<String>,
    pub street: Option<String>,
    pub street2: Option<String>,
    pub zip: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub country_subdivision_code: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    pub vat_number: Option<String>,
}

/// Which address fields the payment page asks for.
#[napi(object)]
#[allow(dead_code)] // declared for the generated TypeScript; values cross as JSON (see `operations.rs`)
pub struct BillingAddressForm {
    /// `NONE`, `SAFERPAY` or `PREFER_PAYMENTMETHOD`.
    pub address_source: String,
    /// Any of `CITY, COMPANY, VATNUMBER, COUNTRY, EMAIL, FIRSTNAME, LASTNAME, PHONE, SALUTATION,
    /// STATE, STREET, ZIP`.
    pub mandatory_fields: Option<Vec<String>>,
}

/// Order details (mandatory for Klarna).
#[napi(object)]
#[allow(dead_code)] // declared for the generated TypeScript; values cross as JSON (see `operations.rs`)
pub struct Order {
    pub items: Vec<OrderItem>,
}

/// One order line; money fields in the payment currency.
#[napi(object)]
#[allow(dead_code)] // declared for the generated TypeScript; values cross as JSON (see `operations.rs`)
pub struct OrderItem {
    /// `DIGITAL`, `PHYSICAL`, `SERVICE`, `GIFTCARD`, `DISCOUNT`, `SHIPPINGFEE`, `SALESTAX`,
    /// `SURCHARGE`.
    pub item_type: Option<String>,
    pub id: Option<String>,
    pub variant_id: Option<String>,
    pub name: Option<String>,
    pub category_name: Option<String>,
    pub description: Option<String>,
    pub quantity: Option<f64>,
    pub unit_price: Option<Money>,
    pub is_pre_order: Option<bool>,
    /// Hundredths of a percent (7.7 % = 770).
    pub tax_rate: Option<f64>,
    pub tax_amount: Option<Money>,
    pub discount_amount: Option<Money>,
    pub product_url: Option<String>,
    pub image_url: Option<String>,
}

/// The license package and its features.
#[allow(dead_code)] // declared for the generated TypeScript; results cross as JSON (see `operations.rs`)
#[napi(object)]
pub struct License {
    pub package_id: String,
    pub package_name: String,
    pub features: Vec<Feature>,
    pub raw: Value,
}

#[allow(dead_code)] // declared for the generated TypeScript; results cross as JSON (see `operations.rs`)
#[napi(object)]
pub struct Feature {
    pub id: String,
    pub name: String,
}

/// A terminal; the list call fills only id, type and description.
#[allow(dead_code)] // declared for the generated TypeScript; results cross as JSON (see `operations.rs`)
#[napi(object)]
pub struct Terminal {
    pub terminal_id: String,
    /// `ECOM`, `SPG`, `MPO` (or a newer value).
    #[napi(js_name = "type")]
    pub terminal_type: String,
    pub description: Option<String>,
    pub payment_methods: Vec<PaymentMethodInfo>,
    pub wallets: Vec<WalletInfo>,
    pub raw: Value,
}

#[allow(dead_code)] // declared for the generated TypeScript; results cross as JSON (see `operations.rs`)
#[napi(object)]
pub struct PaymentMethodInfo {
    pub payment_method: String,
    pub currencies: Vec<String>,
    pub logo_url: Option<String>,
}

#[allow(dead_code)] // declared for the generated TypeScript; results cross as JSON (see `operations.rs`)
#[napi(object)]
pub struct WalletInfo {
    pub wallet_name: String,
    pub logo_url: Option<String>,
}

/// A payment page configuration (a valid `configSet` name).
#[allow(dead_code)] // declared for the generated TypeScript; results cross as JSON (see `operations.rs`)
#[napi(object)]
pub struct PaymentPageConfiguration {
    pub name: String,
    pub is_default: bool,
    pub description: Option<String>,
}

/// One transaction of the reporting API.
// The public type; it crosses in a `TransactionBatch` (items as JSON, `raw` as JSON text, which
// `index.js` parses on first access).
#[allow(dead_code)]
#[napi(object)]
pub struct ReportedTransaction {
    pub id: String,
    /// `PAYMENT` or `REFUND` (successful transactions only).
    #[napi(js_name = "type")]
    pub transaction_type: Option<String>,
    /// `AUTHORIZED`, `CAPTURED`, `CANCELED`, `FAILED`, `PENDING` …
    pub status: String,
    pub amount: Option<Money>,
    pub captured_amount: Option<Money>,
    pub order_id: Option<String>,
    pub date: Option<String>,
    pub customer_id: String,
    pub terminal_id: String,
    pub terminal_type: Option<String>,
    pub application: Option<String>,
    pub payment_method: Option<String>,
    pub provider: Option<String>,
    pub description: Option<String>,
    pub payer_id: Option<String>,
    pub is_captured: bool,
    pub is_refunded: bool,
    pub is_cancelled: bool,
    pub declined_by: Option<String>,
    pub raw: Value,
}

/// One item of a batch as JSON (internal): `ReportedTransaction` without `raw`, in the JS
/// names. A batch crosses as one JSON text that `index.js` hands to `JSON.parse`, which builds
/// the objects far faster than one napi call per property; absent values are left out, as
/// napi leaves them out of objects.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportedTransactionJson<'a> {
    id: &'a str,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    transaction_type: Option<&'a str>,
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<MoneyJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    captured_amount: Option<MoneyJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    customer_id: &'a str,
    terminal_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    terminal_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    application: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_method: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payer_id: Option<&'a str>,
    is_captured: bool,
    is_refunded: bool,
    is_cancelled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    declined_by: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct MoneyJson {
    minor: i64,
    #[serde(serialize_with = "currency_code")]
    currency: paywire::Currency,
}

fn currency_code<S: serde::Serializer>(
    currency: &paywire::Currency,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(currency.code())
}

impl MoneyJson {
    fn of(money: Option<&paywire::Money>) -> Option<MoneyJson> {
        money.map(|m| MoneyJson {
            minor: m.minor(),
            currency: m.currency(),
        })
    }
}

impl<'a> ReportedTransactionJson<'a> {
    fn of(t: &'a core::ReportedTransaction) -> ReportedTransactionJson<'a> {
        ReportedTransactionJson {
            id: &t.id,
            transaction_type: t.transaction_type.as_deref(),
            status: &t.status,
            amount: MoneyJson::of(t.amount.as_ref()),
            captured_amount: MoneyJson::of(t.captured_amount.as_ref()),
            order_id: t.order_id.as_deref(),
            date: t.date.as_deref(),
            customer_id: &t.customer_id,
            terminal_id: &t.terminal_id,
            terminal_type: t.terminal_type.as_deref(),
            application: t.application.as_deref(),
            payment_method: t.payment_method.as_deref(),
            provider: t.provider.as_deref(),
            description: t.description.as_deref(),
            payer_id: t.payer_id.as_deref(),
            is_captured: t.is_captured,
            is_refunded: t.is_refunded,
            is_cancelled: t.is_cancelled,
            declined_by: t.declined_by.as_deref(),
        }
    }
}

/// One batch of a report.
#[napi(object)]
pub struct TransactionBatch {
    /// The items (without `raw`) as one JSON array.
    pub items_json: String,
    /// Every item's `raw` JSON text, UTF-8, back to back: item `i` is the bytes
    /// `rawEnds[i-1]..rawEnds[i]`. A Buffer, not a string: its memory is outside V8's heap
    /// and goes with the Buffer at the next minor collection (a large string would wait in
    /// the old generation for a full one, which doubled an export's peak RSS).
    pub raws: napi::bindgen_prelude::Buffer,
    pub raw_ends: Vec<u32>,
    /// Known after the first page.
    pub total_transactions: Option<f64>,
    /// The page the next batch fetches (store it to resume later).
    pub next_page_number: u32,
    pub done: bool,
}

impl TransactionBatch {
    fn encode(items: &[core::ReportedTransaction]) -> Result<(String, Vec<u8>, Vec<u32>)> {
        let json: Vec<ReportedTransactionJson<'_>> =
            items.iter().map(ReportedTransactionJson::of).collect();
        let items_json = serde_json::to_string(&json)
            .map_err(|e| paywire::Error::internal(format!("cannot encode a batch: {e}")))?;
        let mut raws = Vec::with_capacity(items.iter().map(|t| t.raw.get().len()).sum());
        let mut raw_ends = Vec::with_capacity(items.len());
        for t in items {
            raws.extend_from_slice(t.raw.get().as_bytes());
            raw_ends.push(u32::try_from(raws.len()).map_err(|_| {
                paywire::Error::internal("a report batch larger than 4 GiB of text")
            })?);
        }
        Ok((items_json, raws, raw_ends))
    }
}

/// Async Saferpay client (native part; use the `SaferpayClient` exported by `paywire`).
#[napi]
pub struct SaferpayClient {
    pub(crate) inner: core::Client,
}

impl SaferpayClient {
    pub(crate) fn from_builder(
        builder: core::ClientBuilder,
        timeout_ms: Option<f64>,
        max_retries: Option<f64>,
    ) -> Result<SaferpayClient> {
        let mut builder = builder;
        if let Some(ms) = timeout_ms {
            builder = builder.timeout(convert::millis("timeout_ms", ms)?);
        }
        if let Some(n) = max_retries {
            builder = builder.max_retries(convert::uint("max_retries", n)?);
        }
        Ok(SaferpayClient {
            inner: builder.build()?,
        })
    }

    fn build(options: SaferpayClientOptions) -> Result<SaferpayClient> {
        let mut builder = core::Client::builder();
        if let Some(v) = options.customer_id {
            builder = builder.customer_id(v);
        }
        if let Some(v) = options.username {
            builder = builder.username(v);
        }
        if let Some(v) = options.password {
            builder = builder.password(v);
        }
        if let Some(v) = options.terminal_id {
            builder = builder.terminal_id(v);
        }
        if let Some(v) = options.environment {
            builder = builder.environment(core::Environment::parse(&v)?);
        }
        if let Some(v) = options.base_url {
            builder = builder.base_url(v);
        }
        if let Some(v) = options.spec_version {
            builder = builder.spec_version(v);
        }
        if let Some(v) = options.proxy {
            builder = builder.proxy(v);
        }
        if let Some(v) = options.ca_certificates {
            builder = builder.ca_certificates(v);
        }
        if let Some(v) = options.token_store {
            builder = builder.token_store_url(v);
        }
        SaferpayClient::from_builder(builder, options.timeout_ms, options.max_retries)
    }
}

#[napi]
impl SaferpayClient {
    #[napi(constructor)]
    pub fn new(options: Option<SaferpayClientOptions>) -> napi::Result<SaferpayClient> {
        errors::napi_result(SaferpayClient::build(options.unwrap_or_default()))
    }

    /// Reads `SAFERPAY_CUSTOMER_ID`, `SAFERPAY_TERMINAL_ID`, `SAFERPAY_USERNAME`,
    /// `SAFERPAY_PASSWORD`, `SAFERPAY_ENVIRONMENT`, `SAFERPAY_BASE_URL`.
    #[napi(factory)]
    pub fn from_env(options: Option<ClientEnvOptions>) -> napi::Result<SaferpayClient> {
        let options = options.unwrap_or_default();
        errors::napi_result(
            core::Client::builder_from_env().and_then(|b| {
                SaferpayClient::from_builder(b, options.timeout_ms, options.max_retries)
            }),
        )
    }

    #[napi(getter)]
    pub fn customer_id(&self) -> String {
        self.inner.customer_id().to_owned()
    }

    #[napi(getter)]
    pub fn terminal_id(&self) -> Option<String> {
        self.inner.terminal_id().map(str::to_owned)
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    #[napi(getter)]
    pub fn spec_version(&self) -> String {
        self.inner.spec_version().to_owned()
    }

    /// The client as the core prints it (secrets redacted).
    #[napi]
    pub fn describe(&self) -> String {
        format!("{:?}", self.inner)
    }

    /// Runs the table row `name` (`create_offer`, `capture`, …) with its parameters as one
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
            let row = operations::row("saferpay", &name)?;
            let input = operations::input_json(row, input.unwrap_or(Value::Null));
            let client = self.view(overrides)?;
            core::operations::call_json(&client, &name, input)
                .await
                .map(results::camel_keys)
        })
        .await
    }

    /// Starts the report export of the paged row `transactions` (decoded now, before anything
    /// is sent); the JS layer turns the pager into an async iterator.
    #[napi]
    pub fn transactions(
        &self,
        input: Option<Value>,
        options: Option<TransactionIteratorOptions>,
        overrides: Option<RequestOverrides>,
    ) -> napi::Result<TransactionPager> {
        errors::napi_result((|| {
            let row = operations::row("saferpay", "transactions")?;
            let query: core::TransactionQuery = paywire::operation::decode_input(
                operations::input_json(row, input.unwrap_or(Value::Null)),
            )?;
            let o = options.unwrap_or_default();
            let mut pager = self.view(overrides)?.transactions(query)?;
            if let Some(page) = o.resume_at_page {
                pager = pager.resume_at(convert::uint("resume_at_page", page)?);
            }
            let batch_size = match o.batch_size {
                Some(n) => convert::uint("batch_size", n)?.max(1),
                None => operations::default_batch_size(row),
            };
            Ok(TransactionPager {
                pager: Arc::new(tokio::sync::Mutex::new(pager)),
                batch_size,
            })
        })())
    }
}

/// A running report export (native part of the async iterator `transactions()` returns).
#[napi]
pub struct TransactionPager {
    pager: Arc<tokio::sync::Mutex<core::TransactionPager>>,
    batch_size: u32,
}

#[napi]
impl TransactionPager {
    #[napi(getter)]
    pub fn batch_size(&self) -> u32 {
        self.batch_size
    }

    /// The next transactions (at most `max`; empty once the report is exhausted).
    #[napi]
    pub async fn next_batch(
        &self,
        max: u32,
        cancel: &CancelToken,
    ) -> napi::Result<TransactionBatch> {
        let pager = Arc::clone(&self.pager);
        guarded(cancel, async move {
            let mut pager = pager.lock().await;
            let items = pager.next_batch(max.max(1) as usize).await?;
            let (items_json, raws, raw_ends) = TransactionBatch::encode(&items)?;
            Ok(TransactionBatch {
                items_json,
                raws: raws.into(),
                raw_ends,
                total_transactions: pager.total_transactions().map(|n| n as f64),
                next_page_number: pager.next_page_number(),
                done: pager.is_done(),
            })
        })
        .await
    }
}
