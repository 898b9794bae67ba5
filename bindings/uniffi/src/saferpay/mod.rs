//! `SaferpayClient` (async: Kotlin `suspend`, Swift `async`), `BlockingSaferpayClient` (for Java
//! callers) and the reporting `TransactionPager`.
//!
//! Every async method awaits the core's public async method, which runs on paywire's one shared
//! runtime and aborts its request when the caller stops waiting (a cancelled coroutine or Swift
//! task frees the UniFFI future, which drops the core's future).

pub mod payments;
pub mod records;

use std::sync::Arc;

use paywire::saferpay as core;

use crate::convert;
use crate::error::{Result, guard, guard_async};
use crate::links::PaymentLink;
use crate::money::Money;
use payments::{Cancellation, Capture, Payment, PaymentPageSession, TransactionStatusResult};
use records::{
    BillingAddressForm, License, Offer, Order, Payer, PaymentPageConfiguration, ReportPage,
    ReportedTransaction, Terminal,
};

/// Everything `initializePaymentPage` takes, converted; the rules are the core's.
#[allow(clippy::too_many_arguments)]
fn payment_page_request(
    amount: Money,
    order_id: String,
    description: String,
    return_url: String,
    success_notify_url: Option<String>,
    fail_notify_url: Option<String>,
    payment_methods: Option<Vec<String>>,
    payer: Option<Payer>,
    pre_auth: bool,
    terminal_id: Option<String>,
    wallets: Option<Vec<String>>,
    billing_address_form: Option<BillingAddressForm>,
    order: Option<Order>,
    config_set: Option<String>,
    condition: Option<String>,
    payer_note: Option<String>,
    payer_email: Option<String>,
    merchant_emails: Option<Vec<String>>,
) -> Result<core::InitializePaymentPage> {
    let mut request =
        core::InitializePaymentPage::new(amount.to_core()?, order_id, description, return_url);
    request.success_notify_url = success_notify_url;
    request.fail_notify_url = fail_notify_url;
    request.payment_methods = payment_methods
        .unwrap_or_default()
        .iter()
        .map(|m| core::PaymentMethod::from(m.as_str()))
        .collect();
    request.wallets = wallets
        .unwrap_or_default()
        .iter()
        .map(|w| core::Wallet::from(w.as_str()))
        .collect();
    request.payer = payer.map(Into::into);
    request.pre_auth = pre_auth;
    request.terminal_id = terminal_id;
    request.billing_address_form = billing_address_form.map(Into::into);
    request.order = order.map(|o| o.into_core("order")).transpose()?;
    request.config_set = config_set;
    request.condition = condition;
    request.payer_note = payer_note;
    request.payer_email = payer_email;
    request.merchant_emails = merchant_emails.unwrap_or_default();
    Ok(request)
}

fn refund_request(
    capture_id: String,
    amount: Money,
    order_id: Option<String>,
    description: Option<String>,
) -> Result<core::Refund> {
    let mut request = core::Refund::new(capture_id, amount.to_core()?);
    request.order_id = order_id;
    request.description = description;
    Ok(request)
}

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

fn opt_money(amount: Option<Money>) -> Result<Option<paywire::Money>> {
    amount.map(|m| m.to_core()).transpose()
}

/// Everything `createOffer` takes, checked and converted; the rules themselves are the core's.
#[allow(clippy::too_many_arguments)]
fn create_offer_request(
    amount: Money,
    order_id: String,
    description: String,
    expires_at: String,
    payer: Option<Payer>,
    pre_auth: bool,
    config_set: Option<String>,
    max_payment_attempts: Option<i32>,
    register_alias: bool,
    billing_address_form: Option<BillingAddressForm>,
    order: Option<Order>,
    condition: Option<String>,
    terminal_id: Option<String>,
) -> Result<core::CreateOffer> {
    let mut request = core::CreateOffer::new(
        amount.to_core()?,
        order_id,
        description,
        paywire::input::parse_timestamp("expires_at", &expires_at)?,
    );
    request.payer = payer.map(Into::into);
    request.pre_auth = pre_auth;
    request.config_set = config_set;
    request.max_payment_attempts =
        convert::opt_count("max_payment_attempts", max_payment_attempts)?;
    request.register_alias = register_alias;
    request.billing_address_form = billing_address_form.map(Into::into);
    request.order = order.map(|o| o.into_core("order")).transpose()?;
    request.condition = condition;
    request.terminal_id = terminal_id;
    Ok(request)
}

fn transaction_query(
    start: &str,
    end: &str,
    state: String,
    terminal_id: Option<String>,
    page_size: i32,
) -> Result<core::TransactionQuery> {
    let mut query = core::TransactionQuery::new(
        core::ReportDate::parse("start", start)?,
        core::ReportDate::parse("end", end)?,
    );
    query.state = state;
    query.terminal_id = terminal_id;
    query.page_size = convert::count("page_size", page_size)?;
    Ok(query)
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
    crate::init_logging();
    let mut builder = core::Client::builder()
        .customer_id(customer_id)
        .username(username)
        .password(password)
        .options(convert::client_options(timeout, max_retries)?);
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
        max_retries = None
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
    ) -> Result<Arc<Self>> {
        guard(|| {
            Ok(SaferpayClient::wrap(build_client(
                customer_id,
                username,
                password,
                terminal_id,
                environment,
                spec_version,
                base_url,
                timeout,
                max_retries,
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

    /// Creates a Secure PayGate offer. `expires_at` is RFC 3339 (1 hour to 180 days ahead).
    #[uniffi::method(default(
        payer = None,
        pre_auth = false,
        config_set = None,
        max_payment_attempts = None,
        register_alias = false,
        billing_address_form = None,
        order = None,
        condition = None,
        terminal_id = None
    ))]
    #[allow(clippy::too_many_arguments)]
    pub async fn create_offer(
        &self,
        amount: Money,
        order_id: String,
        description: String,
        expires_at: String,
        payer: Option<Payer>,
        pre_auth: bool,
        config_set: Option<String>,
        max_payment_attempts: Option<i32>,
        register_alias: bool,
        billing_address_form: Option<BillingAddressForm>,
        order: Option<Order>,
        condition: Option<String>,
        terminal_id: Option<String>,
    ) -> Result<Offer> {
        guard_async(async move {
            let request = create_offer_request(
                amount,
                order_id,
                description,
                expires_at,
                payer,
                pre_auth,
                config_set,
                max_payment_attempts,
                register_alias,
                billing_address_form,
                order,
                condition,
                terminal_id,
            )?;
            Ok(self.client.create_offer(request).await?.into())
        })
        .await
    }

    /// Reads an offer (status, and the transaction id once paid).
    #[uniffi::method(default(terminal_id = None))]
    pub async fn get_offer(&self, offer_id: String, terminal_id: Option<String>) -> Result<Offer> {
        guard_async(async move {
            Ok(self
                .client
                .get_offer(&offer_id, terminal_id.as_deref())
                .await?
                .into())
        })
        .await
    }

    /// Deletes (disables) an offer before it is paid.
    #[uniffi::method(default(terminal_id = None))]
    pub async fn delete_offer(&self, offer_id: String, terminal_id: Option<String>) -> Result<()> {
        guard_async(async move {
            Ok(self
                .client
                .delete_offer(&offer_id, terminal_id.as_deref())
                .await?)
        })
        .await
    }

    /// The license package and its features.
    pub async fn license(&self) -> Result<License> {
        guard_async(async move { Ok(self.client.license().await?.into()) }).await
    }

    /// All terminals of the customer (id, type, description).
    pub async fn terminals(&self) -> Result<Vec<Terminal>> {
        guard_async(async move {
            Ok(self
                .client
                .terminals()
                .await?
                .into_iter()
                .map(Into::into)
                .collect())
        })
        .await
    }

    /// One terminal with its payment methods and wallets.
    pub async fn terminal(&self, terminal_id: String) -> Result<Terminal> {
        guard_async(async move { Ok(self.client.terminal(&terminal_id).await?.into()) }).await
    }

    /// The payment page configurations (valid `config_set` names).
    pub async fn payment_page_configurations(&self) -> Result<Vec<PaymentPageConfiguration>> {
        guard_async(async move {
            Ok(self
                .client
                .payment_page_configurations()
                .await?
                .into_iter()
                .map(Into::into)
                .collect())
        })
        .await
    }

    /// An access token for Saferpay Fields on the given shop pages (https only).
    #[uniffi::method(default(terminal_id = None))]
    pub async fn create_fields_access_token(
        &self,
        description: String,
        source_urls: Vec<String>,
        terminal_id: Option<String>,
    ) -> Result<String> {
        guard_async(async move {
            Ok(self
                .client
                .create_fields_access_token(&description, &source_urls, terminal_id.as_deref())
                .await?)
        })
        .await
    }

    /// Deletes a Fields access token.
    #[uniffi::method(default(terminal_id = None))]
    pub async fn delete_fields_access_token(
        &self,
        access_token: String,
        terminal_id: Option<String>,
    ) -> Result<()> {
        guard_async(async move {
            Ok(self
                .client
                .delete_fields_access_token(&access_token, terminal_id.as_deref())
                .await?)
        })
        .await
    }

    /// Starts a hosted payment page; send the payer to `redirectUrl`, keep `token`.
    #[uniffi::method(default(
        success_notify_url = None,
        fail_notify_url = None,
        payment_methods = None,
        payer = None,
        pre_auth = false,
        terminal_id = None,
        wallets = None,
        billing_address_form = None,
        order = None,
        config_set = None,
        condition = None,
        payer_note = None,
        payer_email = None,
        merchant_emails = None
    ))]
    #[allow(clippy::too_many_arguments)]
    pub async fn initialize_payment_page(
        &self,
        amount: Money,
        order_id: String,
        description: String,
        return_url: String,
        success_notify_url: Option<String>,
        fail_notify_url: Option<String>,
        payment_methods: Option<Vec<String>>,
        payer: Option<Payer>,
        pre_auth: bool,
        terminal_id: Option<String>,
        wallets: Option<Vec<String>>,
        billing_address_form: Option<BillingAddressForm>,
        order: Option<Order>,
        config_set: Option<String>,
        condition: Option<String>,
        payer_note: Option<String>,
        payer_email: Option<String>,
        merchant_emails: Option<Vec<String>>,
    ) -> Result<PaymentPageSession> {
        guard_async(async move {
            let request = payment_page_request(
                amount,
                order_id,
                description,
                return_url,
                success_notify_url,
                fail_notify_url,
                payment_methods,
                payer,
                pre_auth,
                terminal_id,
                wallets,
                billing_address_form,
                order,
                config_set,
                condition,
                payer_note,
                payer_email,
                merchant_emails,
            )?;
            Ok(self.client.initialize_payment_page(request).await?.into())
        })
        .await
    }

    /// The outcome of a payment page (`declined` error for declines and aborts).
    pub async fn assert_payment_page(&self, token: String) -> Result<Payment> {
        guard_async(async move { Ok(self.client.assert_payment_page(&token).await?.into()) }).await
    }

    /// `assertPaymentPage` for handlers that may run twice (return URL and notification).
    pub async fn payment_outcome(&self, token: String) -> Result<Payment> {
        guard_async(async move { Ok(self.client.payment_outcome(&token).await?.into()) }).await
    }

    /// Captures an authorization (all of it when `amount` is null).
    #[uniffi::method(default(amount = None))]
    pub async fn capture(&self, transaction_id: String, amount: Option<Money>) -> Result<Capture> {
        guard_async(async move {
            let amount = opt_money(amount)?;
            Ok(self.client.capture(&transaction_id, amount).await?.into())
        })
        .await
    }

    /// Cancels an authorization that was not captured.
    pub async fn cancel(&self, transaction_id: String) -> Result<Cancellation> {
        guard_async(async move { Ok(self.client.cancel(&transaction_id).await?.into()) }).await
    }

    /// Refunds (part of) a capture: a `REFUND` transaction, to be captured to move money.
    #[uniffi::method(default(order_id = None, description = None))]
    pub async fn refund(
        &self,
        capture_id: String,
        amount: Money,
        order_id: Option<String>,
        description: Option<String>,
    ) -> Result<Payment> {
        guard_async(async move {
            let request = refund_request(capture_id, amount, order_id, description)?;
            Ok(self.client.refund(request).await?.into())
        })
        .await
    }

    /// The current state of a transaction.
    pub async fn inquire(&self, transaction_id: String) -> Result<Payment> {
        guard_async(async move { Ok(self.client.inquire(&transaction_id).await?.into()) }).await
    }

    /// A transaction by its order id (e.g. a refund whose answer was lost).
    pub async fn inquire_by_order_id(&self, order_id: String) -> Result<Payment> {
        guard_async(async move { Ok(self.client.inquire_by_order_id(&order_id).await?.into()) })
            .await
    }

    /// The status of a capture.
    pub async fn assert_capture(&self, capture_id: String) -> Result<TransactionStatusResult> {
        guard_async(async move { Ok(self.client.assert_capture(&capture_id).await?.into()) }).await
    }

    /// The status of a refund transaction.
    pub async fn assert_refund(&self, transaction_id: String) -> Result<TransactionStatusResult> {
        guard_async(async move { Ok(self.client.assert_refund(&transaction_id).await?.into()) })
            .await
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

    /// Exports transactions (`start`/`end` as `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`; `end` before
    /// today). The query is validated here; pages are fetched serially by the pager.
    #[uniffi::method(default(state = "SUCCESSFUL", terminal_id = None, page_size = 2000))]
    pub fn transactions(
        &self,
        start: String,
        end: String,
        state: String,
        terminal_id: Option<String>,
        page_size: i32,
    ) -> Result<Arc<TransactionPager>> {
        guard(|| {
            let query = transaction_query(&start, &end, state, terminal_id, page_size)?;
            Ok(TransactionPager::wrap(self.client.transactions(query)?))
        })
    }
}

/// Walks a report page by page, serially. `nextBatch` until it returns an empty list (the
/// Kotlin extension `asFlow()` does that for you).
#[derive(uniffi::Object)]
pub struct TransactionPager {
    pager: Arc<tokio::sync::Mutex<Option<core::TransactionPager>>>,
}

impl TransactionPager {
    fn wrap(pager: core::TransactionPager) -> Arc<TransactionPager> {
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
    client: paywire::blocking::SaferpayClient,
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
        max_retries = None
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
    ) -> Result<Arc<Self>> {
        guard(|| {
            let client = build_client(
                customer_id,
                username,
                password,
                terminal_id,
                environment,
                spec_version,
                base_url,
                timeout,
                max_retries,
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

    #[uniffi::method(default(
        payer = None,
        pre_auth = false,
        config_set = None,
        max_payment_attempts = None,
        register_alias = false,
        billing_address_form = None,
        order = None,
        condition = None,
        terminal_id = None
    ))]
    #[allow(clippy::too_many_arguments)]
    pub fn create_offer(
        &self,
        amount: Money,
        order_id: String,
        description: String,
        expires_at: String,
        payer: Option<Payer>,
        pre_auth: bool,
        config_set: Option<String>,
        max_payment_attempts: Option<i32>,
        register_alias: bool,
        billing_address_form: Option<BillingAddressForm>,
        order: Option<Order>,
        condition: Option<String>,
        terminal_id: Option<String>,
    ) -> Result<Offer> {
        guard(|| {
            let request = create_offer_request(
                amount,
                order_id,
                description,
                expires_at,
                payer,
                pre_auth,
                config_set,
                max_payment_attempts,
                register_alias,
                billing_address_form,
                order,
                condition,
                terminal_id,
            )?;
            Ok(self.client.create_offer(request)?.into())
        })
    }

    #[uniffi::method(default(terminal_id = None))]
    pub fn get_offer(&self, offer_id: String, terminal_id: Option<String>) -> Result<Offer> {
        guard(|| {
            Ok(self
                .client
                .get_offer(&offer_id, terminal_id.as_deref())?
                .into())
        })
    }

    #[uniffi::method(default(terminal_id = None))]
    pub fn delete_offer(&self, offer_id: String, terminal_id: Option<String>) -> Result<()> {
        guard(|| {
            Ok(self
                .client
                .delete_offer(&offer_id, terminal_id.as_deref())?)
        })
    }

    pub fn license(&self) -> Result<License> {
        guard(|| Ok(self.client.license()?.into()))
    }

    pub fn terminals(&self) -> Result<Vec<Terminal>> {
        guard(|| {
            Ok(self
                .client
                .terminals()?
                .into_iter()
                .map(Into::into)
                .collect())
        })
    }

    pub fn terminal(&self, terminal_id: String) -> Result<Terminal> {
        guard(|| Ok(self.client.terminal(&terminal_id)?.into()))
    }

    pub fn payment_page_configurations(&self) -> Result<Vec<PaymentPageConfiguration>> {
        guard(|| {
            Ok(self
                .client
                .payment_page_configurations()?
                .into_iter()
                .map(Into::into)
                .collect())
        })
    }

    #[uniffi::method(default(terminal_id = None))]
    pub fn create_fields_access_token(
        &self,
        description: String,
        source_urls: Vec<String>,
        terminal_id: Option<String>,
    ) -> Result<String> {
        guard(|| {
            Ok(self.client.create_fields_access_token(
                &description,
                &source_urls,
                terminal_id.as_deref(),
            )?)
        })
    }

    #[uniffi::method(default(terminal_id = None))]
    pub fn delete_fields_access_token(
        &self,
        access_token: String,
        terminal_id: Option<String>,
    ) -> Result<()> {
        guard(|| {
            Ok(self
                .client
                .delete_fields_access_token(&access_token, terminal_id.as_deref())?)
        })
    }

    #[uniffi::method(default(
        success_notify_url = None,
        fail_notify_url = None,
        payment_methods = None,
        payer = None,
        pre_auth = false,
        terminal_id = None,
        wallets = None,
        billing_address_form = None,
        order = None,
        config_set = None,
        condition = None,
        payer_note = None,
        payer_email = None,
        merchant_emails = None
    ))]
    #[allow(clippy::too_many_arguments)]
    pub fn initialize_payment_page(
        &self,
        amount: Money,
        order_id: String,
        description: String,
        return_url: String,
        success_notify_url: Option<String>,
        fail_notify_url: Option<String>,
        payment_methods: Option<Vec<String>>,
        payer: Option<Payer>,
        pre_auth: bool,
        terminal_id: Option<String>,
        wallets: Option<Vec<String>>,
        billing_address_form: Option<BillingAddressForm>,
        order: Option<Order>,
        config_set: Option<String>,
        condition: Option<String>,
        payer_note: Option<String>,
        payer_email: Option<String>,
        merchant_emails: Option<Vec<String>>,
    ) -> Result<PaymentPageSession> {
        guard(|| {
            let request = payment_page_request(
                amount,
                order_id,
                description,
                return_url,
                success_notify_url,
                fail_notify_url,
                payment_methods,
                payer,
                pre_auth,
                terminal_id,
                wallets,
                billing_address_form,
                order,
                config_set,
                condition,
                payer_note,
                payer_email,
                merchant_emails,
            )?;
            Ok(self.client.initialize_payment_page(request)?.into())
        })
    }

    pub fn assert_payment_page(&self, token: String) -> Result<Payment> {
        guard(|| Ok(self.client.assert_payment_page(&token)?.into()))
    }

    pub fn payment_outcome(&self, token: String) -> Result<Payment> {
        guard(|| Ok(self.client.payment_outcome(&token)?.into()))
    }

    #[uniffi::method(default(amount = None))]
    pub fn capture(&self, transaction_id: String, amount: Option<Money>) -> Result<Capture> {
        guard(|| {
            Ok(self
                .client
                .capture(&transaction_id, opt_money(amount)?)?
                .into())
        })
    }

    pub fn cancel(&self, transaction_id: String) -> Result<Cancellation> {
        guard(|| Ok(self.client.cancel(&transaction_id)?.into()))
    }

    #[uniffi::method(default(order_id = None, description = None))]
    pub fn refund(
        &self,
        capture_id: String,
        amount: Money,
        order_id: Option<String>,
        description: Option<String>,
    ) -> Result<Payment> {
        guard(|| {
            let request = refund_request(capture_id, amount, order_id, description)?;
            Ok(self.client.refund(request)?.into())
        })
    }

    pub fn inquire(&self, transaction_id: String) -> Result<Payment> {
        guard(|| Ok(self.client.inquire(&transaction_id)?.into()))
    }

    pub fn inquire_by_order_id(&self, order_id: String) -> Result<Payment> {
        guard(|| Ok(self.client.inquire_by_order_id(&order_id)?.into()))
    }

    pub fn assert_capture(&self, capture_id: String) -> Result<TransactionStatusResult> {
        guard(|| Ok(self.client.assert_capture(&capture_id)?.into()))
    }

    pub fn assert_refund(&self, transaction_id: String) -> Result<TransactionStatusResult> {
        guard(|| Ok(self.client.assert_refund(&transaction_id)?.into()))
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

    /// The report pager; use its `nextBatchBlocking` (or the Kotlin `asSequence()`).
    #[uniffi::method(default(state = "SUCCESSFUL", terminal_id = None, page_size = 2000))]
    pub fn transactions(
        &self,
        start: String,
        end: String,
        state: String,
        terminal_id: Option<String>,
        page_size: i32,
    ) -> Result<Arc<TransactionPager>> {
        guard(|| {
            let query = transaction_query(&start, &end, state, terminal_id, page_size)?;
            Ok(TransactionPager::wrap(
                self.client.async_client().transactions(query)?,
            ))
        })
    }
}
