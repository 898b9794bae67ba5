//! `SaferpayClient` (async: Kotlin `suspend`, Swift `async`), `BlockingSaferpayClient` (for Java
//! callers) and the reporting `TransactionPager`.
//!
//! The operations of Saferpay's table (`createOffer(SaferpayCreateOfferInput)` …) are
//! generated into `crate::operations`; this file holds what is not a row: constructors,
//! payment links and the pager. Every async method runs on paywire's one shared runtime and
//! aborts its request when the caller stops waiting (a cancelled coroutine or Swift task frees
//! the UniFFI future, which drops the core's future).

pub mod payments;
pub mod records;

use std::sync::Arc;

use paywire::saferpay as core;

use crate::convert;
use crate::error::{Result, guard, guard_async};
use crate::links::PaymentLink;
use crate::money::Money;
use records::{ReportPage, ReportedTransaction};

fn link_request(
    amount: Money,
    order_id: String,
    description: String,
    expires_at: Option<String>,
) -> Result<paywire::links::CreatePaymentLink> {
    let mut request =
        paywire::links::CreatePaymentLink::new(amount.to_core()?, order_id, description);
    request.expires_at = expires_at
        .map(|t| paywire::input::parse_timestamp("expires_at", &t))
        .transpose()?;
    Ok(request)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn build_client(
    customer_id: String,
    username: String,
    password: String,
    terminal_id: Option<String>,
    environment: Option<String>,
    spec_version: Option<String>,
    base_url: Option<String>,
    timeout: Option<f64>,
    max_retries: Option<i32>,
) -> Result<core::Client> {
    build_client_with(
        customer_id,
        username,
        password,
        terminal_id,
        environment,
        spec_version,
        base_url,
        timeout,
        max_retries,
        convert::Connection::default(),
    )
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn build_client_with(
    customer_id: String,
    username: String,
    password: String,
    terminal_id: Option<String>,
    environment: Option<String>,
    spec_version: Option<String>,
    base_url: Option<String>,
    timeout: Option<f64>,
    max_retries: Option<i32>,
    connection: convert::Connection,
) -> Result<core::Client> {
    crate::init_logging();
    let mut builder = core::Client::builder()
        .customer_id(customer_id)
        .username(username)
        .password(password)
        .options(convert::client_options_with(
            timeout,
            max_retries,
            &connection,
        )?);
    if let Some(terminal_id) = terminal_id {
        builder = builder.terminal_id(terminal_id);
    }
    if let Some(environment) = environment {
        builder = builder.environment(core::Environment::parse(&environment)?);
    }
    if let Some(spec_version) = spec_version {
        builder = builder.spec_version(spec_version);
    }
    if let Some(base_url) = base_url {
        builder = builder.base_url(base_url);
    }
    if let Some(url) = connection.token_store {
        builder = builder.token_store_url(url);
    }
    Ok(builder.build()?)
}

/// Saferpay: Secure PayGate offers, account queries, Fields tokens, transaction reporting.
/// `toString()` never shows the password.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct SaferpayClient {
    pub(crate) client: core::Client,
}

impl std::fmt::Debug for SaferpayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.client.fmt(f)
    }
}

impl SaferpayClient {
    pub(crate) fn wrap(client: core::Client) -> Arc<SaferpayClient> {
        Arc::new(SaferpayClient { client })
    }
}

#[uniffi::export]
impl SaferpayClient {
    /// `environment` is `"test"` (default) or `"live"`; `base_url` overrides it. `timeout` in
    /// seconds (default 100), `max_retries` default 2.
    #[uniffi::constructor(default(
        terminal_id = None,
        environment = None,
        spec_version = None,
        base_url = None,
        timeout = None,
        max_retries = None,
        proxy = None,
        ca_certificates = None,
        token_store = None
    ))]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        customer_id: String,
        username: String,
        password: String,
        terminal_id: Option<String>,
        environment: Option<String>,
        spec_version: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<i32>,
        proxy: Option<String>,
        ca_certificates: Option<String>,
        token_store: Option<String>,
    ) -> Result<Arc<Self>> {
        guard(|| {
            Ok(SaferpayClient::wrap(build_client_with(
                customer_id,
                username,
                password,
                terminal_id,
                environment,
                spec_version,
                base_url,
                timeout,
                max_retries,
                convert::Connection {
                    proxy,
                    ca_certificates,
                    token_store,
                    custom_token_store: None,
                },
            )?))
        })
    }

    /// Reads `SAFERPAY_CUSTOMER_ID`, `SAFERPAY_TERMINAL_ID`, `SAFERPAY_USERNAME`,
    /// `SAFERPAY_PASSWORD`, `SAFERPAY_ENVIRONMENT`, `SAFERPAY_BASE_URL`.
    #[uniffi::constructor]
    pub fn from_env() -> Result<Arc<Self>> {
        guard(|| {
            crate::init_logging();
            Ok(SaferpayClient::wrap(core::Client::from_env()?))
        })
    }

    /// A view of this client (same connection pool) whose calls use these overrides. A
    /// caller-chosen `request_id` makes a call safely repeatable across restarts; pass
    /// `retry_indicator` (one more than the last one used) when repeating it.
    #[uniffi::method(default(timeout = None, max_retries = None, request_id = None, retry_indicator = None))]
    pub fn with_options(
        &self,
        timeout: Option<f64>,
        max_retries: Option<i32>,
        request_id: Option<String>,
        retry_indicator: Option<i32>,
    ) -> Result<Arc<SaferpayClient>> {
        guard(|| {
            let options =
                convert::request_options(timeout, max_retries, request_id, retry_indicator)?;
            Ok(SaferpayClient::wrap(self.client.with_options(options)))
        })
    }

    /// The same client with blocking methods (for Java callers), sharing this connection pool.
    pub fn blocking(&self) -> Arc<BlockingSaferpayClient> {
        Arc::new(BlockingSaferpayClient {
            client: paywire::blocking::SaferpayClient::new(self.client.clone()),
        })
    }

    pub fn customer_id(&self) -> String {
        self.client.customer_id().to_owned()
    }

    pub fn terminal_id(&self) -> Option<String> {
        self.client.terminal_id().map(str::to_owned)
    }

    pub fn base_url(&self) -> String {
        self.client.base_url().to_owned()
    }

    pub fn spec_version(&self) -> String {
        self.client.spec_version().to_owned()
    }
    /// A provider-neutral payment link (a Secure PayGate offer; `expires_at` defaults to 7 days).
    #[uniffi::method(default(expires_at = None))]
    pub async fn create_payment_link(
        &self,
        amount: Money,
        order_id: String,
        description: String,
        expires_at: Option<String>,
    ) -> Result<PaymentLink> {
        guard_async(async move {
            let request = link_request(amount, order_id, description, expires_at)?;
            Ok(self.client.create_payment_link(request).await?.into())
        })
        .await
    }

    pub async fn get_payment_link(&self, id: String) -> Result<PaymentLink> {
        guard_async(async move { Ok(self.client.get_payment_link(&id).await?.into()) }).await
    }

    pub async fn cancel_payment_link(&self, id: String) -> Result<PaymentLink> {
        guard_async(async move { Ok(self.client.cancel_payment_link(&id).await?.into()) }).await
    }
}

/// Walks a report page by page, serially. `nextBatch` until it returns an empty list (the
/// Kotlin extension `asFlow()` does that for you).
#[derive(uniffi::Object)]
pub struct TransactionPager {
    pager: Arc<tokio::sync::Mutex<Option<core::TransactionPager>>>,
}

impl TransactionPager {
    pub(crate) fn wrap(pager: core::TransactionPager) -> Arc<TransactionPager> {
        Arc::new(TransactionPager {
            pager: Arc::new(tokio::sync::Mutex::new(Some(pager))),
        })
    }

    fn gone() -> paywire::Error {
        paywire::Error::internal("the transaction pager was lost by a panic")
    }

    async fn batch(
        pager: Arc<tokio::sync::Mutex<Option<core::TransactionPager>>>,
        max: u32,
    ) -> paywire::Result<Vec<ReportedTransaction>> {
        let mut guard = pager.lock().await;
        let pager = guard.as_mut().ok_or_else(TransactionPager::gone)?;
        let max = usize::try_from(max).unwrap_or(usize::MAX);
        Ok(pager
            .next_batch(max)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

#[uniffi::export]
impl TransactionPager {
    /// Up to `max` transactions (fewer at the end; an empty list once the report is done).
    #[uniffi::method(default(max = 500))]
    pub async fn next_batch(&self, max: i32) -> Result<Vec<ReportedTransaction>> {
        let pager = self.pager.clone();
        guard_async(async move {
            Ok(TransactionPager::batch(pager, convert::count("max", max)?).await?)
        })
        .await
    }

    /// `nextBatch` for blocking callers (Java); refuses to run inside an async runtime.
    #[uniffi::method(default(max = 500))]
    pub fn next_batch_blocking(&self, max: i32) -> Result<Vec<ReportedTransaction>> {
        let pager = self.pager.clone();
        guard(|| {
            let max = convert::count("max", max)?;
            Ok(paywire::rt::block_on(TransactionPager::batch(pager, max))?)
        })
    }

    /// The next whole page; `null` once the report is exhausted.
    pub async fn next_page(&self) -> Result<Option<ReportPage>> {
        let pager = self.pager.clone();
        guard_async(async move {
            let mut guard = pager.lock().await;
            let pager = guard.as_mut().ok_or_else(TransactionPager::gone)?;
            Ok(pager.next_page().await?.map(Into::into))
        })
        .await
    }

    /// Total reported by the provider, known after the first page.
    pub fn total_transactions(&self) -> Option<i64> {
        self.pager
            .try_lock()
            .ok()
            .and_then(|g| {
                g.as_ref()
                    .and_then(core::TransactionPager::total_transactions)
            })
            .and_then(|n| i64::try_from(n).ok())
    }

    /// The page the next call fetches (1-based); store it to resume an export later.
    pub fn next_page_number(&self) -> Option<i32> {
        self.pager
            .try_lock()
            .ok()
            .and_then(|g| g.as_ref().map(core::TransactionPager::next_page_number))
            .and_then(|n| i32::try_from(n).ok())
    }

    /// True once every page was fetched and handed out.
    pub fn is_done(&self) -> bool {
        self.pager
            .try_lock()
            .ok()
            .and_then(|g| g.as_ref().map(core::TransactionPager::is_done))
            .unwrap_or(false)
    }

    /// Continues an interrupted export at `page` (1-based) with the same query.
    pub fn resume_at(&self, page: i32) -> Result<()> {
        guard(|| {
            let page = convert::count("page", page)?;
            let mut slot = self.pager.try_lock().map_err(|_| {
                crate::error::PaywireError::from(paywire::Error::new(
                    paywire::ErrorKind::Conflict,
                    "the pager is fetching a page; resume_at must be called between calls",
                ))
            })?;
            let pager = slot.take().ok_or_else(TransactionPager::gone)?;
            *slot = Some(pager.resume_at(page));
            Ok(())
        })
    }
}

/// Saferpay with blocking methods, for Java callers and plain threads. Same names as
/// `SaferpayClient`; each call blocks the calling thread (never call it from a coroutine).
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct BlockingSaferpayClient {
    pub(crate) client: paywire::blocking::SaferpayClient,
}

impl std::fmt::Debug for BlockingSaferpayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.client.async_client().fmt(f)
    }
}

#[uniffi::export]
impl BlockingSaferpayClient {
    /// Same arguments as `SaferpayClient`.
    #[uniffi::constructor(default(
        terminal_id = None,
        environment = None,
        spec_version = None,
        base_url = None,
        timeout = None,
        max_retries = None,
        proxy = None,
        ca_certificates = None,
        token_store = None
    ))]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        customer_id: String,
        username: String,
        password: String,
        terminal_id: Option<String>,
        environment: Option<String>,
        spec_version: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<i32>,
        proxy: Option<String>,
        ca_certificates: Option<String>,
        token_store: Option<String>,
    ) -> Result<Arc<Self>> {
        guard(|| {
            let client = build_client_with(
                customer_id,
                username,
                password,
                terminal_id,
                environment,
                spec_version,
                base_url,
                timeout,
                max_retries,
                convert::Connection {
                    proxy,
                    ca_certificates,
                    token_store,
                    custom_token_store: None,
                },
            )?;
            Ok(Arc::new(BlockingSaferpayClient {
                client: paywire::blocking::SaferpayClient::new(client),
            }))
        })
    }

    #[uniffi::constructor]
    pub fn from_env() -> Result<Arc<Self>> {
        guard(|| {
            crate::init_logging();
            Ok(Arc::new(BlockingSaferpayClient {
                client: paywire::blocking::SaferpayClient::from_env()?,
            }))
        })
    }

    /// The async client sharing this one's connection pool.
    pub fn async_client(&self) -> Arc<SaferpayClient> {
        SaferpayClient::wrap(self.client.async_client().clone())
    }

    #[uniffi::method(default(expires_at = None))]
    pub fn create_payment_link(
        &self,
        amount: Money,
        order_id: String,
        description: String,
        expires_at: Option<String>,
    ) -> Result<PaymentLink> {
        guard(|| {
            let request = link_request(amount, order_id, description, expires_at)?;
            Ok(self.client.create_payment_link(request)?.into())
        })
    }

    pub fn get_payment_link(&self, id: String) -> Result<PaymentLink> {
        guard(|| Ok(self.client.get_payment_link(&id)?.into()))
    }

    pub fn cancel_payment_link(&self, id: String) -> Result<PaymentLink> {
        guard(|| Ok(self.client.cancel_payment_link(&id)?.into()))
    }
}
