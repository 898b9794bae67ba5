//! `SaferpayClient` / `AsyncSaferpayClient` and the Saferpay result classes.

use std::collections::VecDeque;
use std::sync::Arc;

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::PyType;

use paywire::saferpay as core;

use crate::bridge;
use crate::client::{dual_client, request_options};
use crate::convert;
use crate::errors;
use crate::links::PaymentLink;
use crate::money::Money;
use crate::operation;
use crate::record::record;

record! {
    /// One licensed feature.
    pub struct Feature("Feature") wraps core::Feature;
    fields {
        id: String = |v| v.id.clone();
        name: String = |v| v.name.clone();
    }
    repr [id, name];
}

record! {
    /// The customer's license package and its features.
    pub struct License("License") wraps core::License;
    fields {
        package_id: String = |v| v.package_id.clone();
        package_name: String = |v| v.package_name.clone();
        features: Vec<Feature> = |v| v.features.iter().cloned().map(Feature).collect();
    }
    raw = |v| &v.raw;
    repr [package_id, package_name];
}

record! {
    /// A payment method a terminal accepts.
    pub struct PaymentMethodInfo("PaymentMethodInfo") wraps core::PaymentMethodInfo;
    fields {
        payment_method: String = |v| v.payment_method.clone();
        currencies: Vec<String> = |v| v.currencies.clone();
        logo_url: Option<String> = |v| v.logo_url.clone();
    }
    repr [payment_method, currencies];
}

record! {
    /// A wallet a terminal accepts.
    pub struct WalletInfo("WalletInfo") wraps core::WalletInfo;
    fields {
        wallet_name: String = |v| v.wallet_name.clone();
        logo_url: Option<String> = |v| v.logo_url.clone();
    }
    repr [wallet_name];
}

record! {
    /// A terminal. `terminals()` fills only id, type and description.
    pub struct Terminal("Terminal") wraps core::Terminal;
    fields {
        terminal_id: String = |v| v.terminal_id.clone();
        /// `ECOM`, `SPG`, `MPO` (or a newer value).
        r#type: String = |v| v.terminal_type.clone();
        description: Option<String> = |v| v.description.clone();
        payment_methods: Vec<PaymentMethodInfo> = |v| v.payment_methods.iter().cloned().map(PaymentMethodInfo).collect();
        wallets: Vec<WalletInfo> = |v| v.wallets.iter().cloned().map(WalletInfo).collect();
    }
    raw = |v| &v.raw;
    repr [terminal_id, r#type, description];
}

record! {
    /// A payment page configuration (a valid `config_set` name).
    pub struct PaymentPageConfiguration("PaymentPageConfiguration") wraps core::PaymentPageConfiguration;
    fields {
        name: String = |v| v.name.clone();
        is_default: bool = |v| v.is_default;
        description: Option<String> = |v| v.description.clone();
    }
    repr [name, is_default];
}

record! {
    /// One transaction from the reporting API.
    pub struct ReportedTransaction("ReportedTransaction") wraps core::ReportedTransaction;
    fields {
        id: String = |v| v.id.clone();
        /// `PAYMENT` or `REFUND`.
        r#type: Option<String> = |v| v.transaction_type.clone();
        /// `AUTHORIZED`, `CAPTURED`, `CANCELED`, `FAILED`, `PENDING` (or a newer value).
        status: String = |v| v.status.clone();
        amount: Option<Money> = |v| v.amount.map(Money);
        captured_amount: Option<Money> = |v| v.captured_amount.map(Money);
        order_id: Option<String> = |v| v.order_id.clone();
        /// Authorization, failure or pending-since date as sent (no offset).
        date: Option<String> = |v| v.date.clone();
        customer_id: String = |v| v.customer_id.clone();
        terminal_id: String = |v| v.terminal_id.clone();
        terminal_type: Option<String> = |v| v.terminal_type.clone();
        application: Option<String> = |v| v.application.clone();
        payment_method: Option<String> = |v| v.payment_method.clone();
        provider: Option<String> = |v| v.provider.clone();
        description: Option<String> = |v| v.description.clone();
        payer_id: Option<String> = |v| v.payer_id.clone();
        is_captured: bool = |v| v.is_captured;
        is_refunded: bool = |v| v.is_refunded;
        is_cancelled: bool = |v| v.is_cancelled;
        declined_by: Option<String> = |v| v.declined_by.clone();
    }
    raw = |v| &v.raw.to_value();
    repr [id, r#type, status, amount, order_id, date];
}

record! {
    /// A transaction of the JSON API.
    pub struct Transaction("Transaction") wraps core::Transaction;
    fields {
        id: String = |v| v.id.clone();
        /// `PAYMENT` or `REFUND` (or a newer value).
        r#type: String = |v| v.transaction_type.as_str().to_owned();
        /// `AUTHORIZED`, `CAPTURED`, `PENDING`, `CANCELED` (or a newer value).
        status: String = |v| v.status.as_str().to_owned();
        amount: Money = |v| Money(v.amount);
        order_id: Option<String> = |v| v.order_id.clone();
        capture_id: Option<String> = |v| v.capture_id.clone();
        date: Option<String> = |v| v.date.clone();
        six_transaction_reference: Option<String> = |v| v.six_transaction_reference.clone();
        acquirer_name: Option<String> = |v| v.acquirer_name.clone();
        acquirer_reference: Option<String> = |v| v.acquirer_reference.clone();
        approval_code: Option<String> = |v| v.approval_code.clone();
    }
    repr [id, r#type, status, amount, order_id, capture_id];
}

record! {
    /// A card (masked).
    pub struct Card("Card") wraps core::Card;
    fields {
        masked_number: Option<String> = |v| v.masked_number.clone();
        exp_year: Option<i32> = |v| v.exp_year;
        exp_month: Option<u32> = |v| v.exp_month;
        holder_name: Option<String> = |v| v.holder_name.clone();
        country_code: Option<String> = |v| v.country_code.clone();
        holder_segment: Option<String> = |v| v.holder_segment.clone();
        funding_source: Option<String> = |v| v.funding_source.clone();
    }
    repr [masked_number, exp_month, exp_year];
}

record! {
    /// A bank account.
    pub struct BankAccount("BankAccount") wraps core::BankAccount;
    fields {
        iban: Option<String> = |v| v.iban.clone();
        holder_name: Option<String> = |v| v.holder_name.clone();
        bic: Option<String> = |v| v.bic.clone();
        bank_name: Option<String> = |v| v.bank_name.clone();
        country_code: Option<String> = |v| v.country_code.clone();
    }
    repr [iban, bank_name];
}

record! {
    /// A PayPal account.
    pub struct PayPalAccount("PayPalAccount") wraps core::PayPalAccount;
    fields {
        payer_id: Option<String> = |v| v.payer_id.clone();
        email: Option<String> = |v| v.email.clone();
        seller_protection_status: Option<String> = |v| v.seller_protection_status.clone();
    }
    repr [payer_id, email];
}

record! {
    /// How the payer paid.
    pub struct PaymentMeans("PaymentMeans") wraps core::PaymentMeans;
    fields {
        payment_method: Option<String> = |v| v.payment_method.as_ref().map(|m| m.as_str().to_owned());
        brand_name: Option<String> = |v| v.brand_name.clone();
        display_text: Option<String> = |v| v.display_text.clone();
        card: Option<Card> = |v| v.card.clone().map(Card);
        bank_account: Option<BankAccount> = |v| v.bank_account.clone().map(BankAccount);
        paypal: Option<PayPalAccount> = |v| v.paypal.clone().map(PayPalAccount);
        wallet: Option<String> = |v| v.wallet.clone();
    }
    repr [payment_method, brand_name, display_text];
}

record! {
    /// 3-D Secure details.
    pub struct ThreeDs("ThreeDs") wraps core::ThreeDs;
    fields {
        authenticated: Option<bool> = |v| v.authenticated;
        xid: Option<String> = |v| v.xid.clone();
        authentication_type: Option<String> = |v| v.authentication_type.clone();
        version: Option<String> = |v| v.version.clone();
    }
    repr [authenticated, version];
}

record! {
    /// Who is liable for the payment.
    pub struct Liability("Liability") wraps core::Liability;
    fields {
        liability_shift: bool = |v| v.liability_shift;
        /// `MERCHANT` or `THREEDS` (or a newer value).
        liable_entity: String = |v| v.liable_entity.as_str().to_owned();
        in_psd2_scope: Option<String> = |v| v.in_psd2_scope.clone();
        three_ds: Option<ThreeDs> = |v| v.three_ds.clone().map(ThreeDs);
    }
    repr [liability_shift, liable_entity];
}

record! {
    /// The result of an alias registration.
    pub struct RegistrationResult("RegistrationResult") wraps core::RegistrationResult;
    fields {
        success: bool = |v| v.success;
        alias_id: Option<String> = |v| v.alias_id.clone();
        alias_lifetime: Option<i64> = |v| v.alias_lifetime;
        error_name: Option<String> = |v| v.error_name.clone();
        error_message: Option<String> = |v| v.error_message.clone();
    }
    repr [success, alias_id];
}

record! {
    /// A payment: the transaction, how it was paid and who is liable.
    pub struct Payment("Payment") wraps core::Payment;
    fields {
        transaction: Transaction = |v| Transaction(v.transaction.clone());
        payment_means: PaymentMeans = |v| PaymentMeans(v.payment_means.clone());
        liability: Option<Liability> = |v| v.liability.clone().map(Liability);
        registration_result: Option<RegistrationResult> = |v| v.registration_result.clone().map(RegistrationResult);
    }
    raw = |v| &v.raw;
    repr [transaction];
}

/// Saferpay client with blocking methods (the GIL is released while a call is in flight).
#[pyclass(frozen, module = "paywire._native", name = "SaferpayClient")]
pub struct SaferpayClient {
    inner: core::Client,
}

/// Saferpay client whose methods return coroutines.
#[pyclass(frozen, module = "paywire._native", name = "AsyncSaferpayClient")]
pub struct AsyncSaferpayClient {
    inner: core::Client,
}

impl SaferpayClient {
    pub fn wrap(inner: core::Client) -> Self {
        SaferpayClient { inner }
    }
}

impl AsyncSaferpayClient {
    pub fn wrap(inner: core::Client) -> Self {
        AsyncSaferpayClient { inner }
    }
}

#[allow(clippy::too_many_arguments)]
fn build(
    customer_id: String,
    username: String,
    password: String,
    terminal_id: Option<String>,
    environment: &str,
    spec_version: Option<String>,
    base_url: Option<String>,
    timeout: Option<f64>,
    max_retries: Option<u32>,
    connection: &convert::Connection,
) -> PyResult<core::Client> {
    let environment = core::Environment::parse(environment).map_err(errors::to_py)?;
    let mut builder = core::Client::builder()
        .customer_id(customer_id)
        .username(username)
        .password(password)
        .environment(environment);
    if let Some(terminal_id) = terminal_id {
        builder = builder.terminal_id(terminal_id);
    }
    if let Some(spec_version) = spec_version {
        builder = builder.spec_version(spec_version);
    }
    if let Some(base_url) = base_url {
        builder = builder.base_url(base_url);
    }
    builder = apply_options(builder, timeout, max_retries)?;
    apply_connection(builder, connection)
        .build()
        .map_err(errors::to_py)
}

fn apply_options(
    mut builder: core::ClientBuilder,
    timeout: Option<f64>,
    max_retries: Option<u32>,
) -> PyResult<core::ClientBuilder> {
    if let Some(timeout) = convert::seconds("timeout", timeout)? {
        builder = builder.timeout(timeout);
    }
    if let Some(max_retries) = max_retries {
        builder = builder.max_retries(max_retries);
    }
    Ok(builder)
}

fn apply_connection(
    mut builder: core::ClientBuilder,
    connection: &convert::Connection,
) -> core::ClientBuilder {
    if let Some(proxy) = &connection.proxy {
        builder = builder.proxy(proxy.as_str());
    }
    if let Some(pem) = &connection.ca_certificates {
        builder = builder.ca_certificates(pem.clone());
    }
    if let Some(url) = &connection.token_store {
        builder = builder.token_store_url(url.clone());
    }
    if let Some(store) = connection.store() {
        builder = builder.token_store(store);
    }
    builder
}

fn from_env(timeout: Option<f64>, max_retries: Option<u32>) -> PyResult<core::Client> {
    let builder = core::Client::builder_from_env().map_err(errors::to_py)?;
    apply_options(builder, timeout, max_retries)?
        .build()
        .map_err(errors::to_py)
}

fn client_repr(class: &str, client: &core::Client) -> String {
    format!(
        "{class}(customer_id={}, terminal_id={}, base_url={}, spec_version={})",
        convert::repr_str(client.customer_id()),
        convert::repr_opt(client.terminal_id()),
        convert::repr_str(client.base_url()),
        convert::repr_str(client.spec_version()),
    )
}

struct PagerState {
    pager: core::TransactionPager,
    buffer: VecDeque<core::ReportedTransaction>,
    exhausted: bool,
    total: Option<u64>,
    next_page: u32,
}

type SharedPager = Arc<tokio::sync::Mutex<PagerState>>;

fn shared_pager(pager: core::TransactionPager) -> SharedPager {
    // No page ahead while iterating: a loop that stops early must not cause one more report
    // call (`to_parquet`, which reads to the end, turns it on).
    let pager = pager.prefetch(false);
    let next_page = pager.next_page_number();
    Arc::new(tokio::sync::Mutex::new(PagerState {
        pager,
        buffer: VecDeque::new(),
        exhausted: false,
        total: None,
        next_page,
    }))
}

/// The next transaction, fetching a batch when the buffer is empty. Holding the lock across
/// the fetch keeps paging serial; a cancelled fetch leaves the pager where it was.
async fn next_transaction(
    state: SharedPager,
) -> Result<Option<core::ReportedTransaction>, paywire::Error> {
    let mut guard = state.lock().await;
    let st = &mut *guard;
    if st.buffer.is_empty() && !st.exhausted {
        let batch = st
            .pager
            .next_batch(operation::batch_size::<core::TransactionQuery>())
            .await?;
        st.total = st.pager.total_transactions();
        st.next_page = st.pager.next_page_number();
        if batch.is_empty() {
            st.exhausted = true;
        }
        st.buffer.extend(batch);
    }
    Ok(st.buffer.pop_front())
}

/// Items already fetched are handed out without entering the runtime.
fn buffered(state: &SharedPager) -> Option<Option<core::ReportedTransaction>> {
    let mut guard = state.try_lock().ok()?;
    match guard.buffer.pop_front() {
        Some(item) => Some(Some(item)),
        None if guard.exhausted => Some(None),
        None => None,
    }
}

fn pager_info(state: &SharedPager) -> (Option<u64>, u32) {
    match state.try_lock() {
        Ok(guard) => (guard.total, guard.next_page),
        Err(_) => (None, 0),
    }
}

impl operation::IntoPyIterator for core::TransactionPager {
    fn into_sync_iterator(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        TransactionIterator {
            state: shared_pager(self),
        }
        .into_py_any(py)
    }

    fn into_async_iterator(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        AsyncTransactionIterator {
            state: shared_pager(self),
        }
        .into_py_any(py)
    }
}

/// Iterator over reported transactions; fetches pages serially as it goes.
#[pyclass(frozen, module = "paywire._native", name = "TransactionIterator")]
pub struct TransactionIterator {
    state: SharedPager,
}

#[pymethods]
impl TransactionIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<ReportedTransaction>> {
        if let Some(item) = bridge::guard(|| Ok(buffered(&self.state)))? {
            return Ok(item.map(ReportedTransaction));
        }
        let state = self.state.clone();
        let item = bridge::block(py, next_transaction(state))?;
        Ok(item.map(ReportedTransaction))
    }

    /// Total reported by the provider (known after the first page).
    #[getter]
    fn total_transactions(&self) -> Option<u64> {
        pager_info(&self.state).0
    }

    /// The page the next fetch will request (1-based); use it to resume an export.
    #[getter]
    fn next_page_number(&self) -> u32 {
        pager_info(&self.state).1
    }

    /// Writes the rest of the report to a Parquet file (typed columns, a row group per page,
    /// memory flat in the report's size) and returns the number of rows written.
    fn to_parquet(&self, py: Python<'_>, path: std::path::PathBuf) -> PyResult<u64> {
        bridge::block(py, write_parquet(self.state.clone(), path))
    }
}

async fn write_parquet(
    state: SharedPager,
    path: std::path::PathBuf,
) -> Result<u64, paywire::Error> {
    use std::io::Write as _;
    let mut guard = state.lock().await;
    let st = &mut *guard;
    let io = |e: std::io::Error| {
        paywire::Error::configuration(format!("cannot write {}: {e}", path.display()))
    };
    let file = std::fs::File::create(&path).map_err(io)?;
    let mut writer = core::TransactionParquetWriter::new(std::io::BufWriter::new(file))?;
    // What this iterator and the pager hold of the current page, then the pages after it.
    let mut buffered: Vec<_> = st.buffer.drain(..).collect();
    buffered.extend(st.pager.take_buffered());
    writer.write_page(&buffered)?;
    if !st.exhausted {
        // Reading to the end: the next page is fetched while this one is written.
        st.pager.set_prefetch(true);
        while let Some(page) = st.pager.next_page().await? {
            st.total = st.pager.total_transactions();
            st.next_page = st.pager.next_page_number();
            writer.write_page(&page.transactions)?;
        }
        st.exhausted = true;
    }
    let rows = writer.rows();
    writer.finish()?.flush().map_err(io)?;
    Ok(rows)
}

/// Async iterator over reported transactions; fetches pages serially as it goes.
#[pyclass(frozen, module = "paywire._native", name = "AsyncTransactionIterator")]
pub struct AsyncTransactionIterator {
    state: SharedPager,
}

fn stop_async() -> PyErr {
    pyo3::exceptions::PyStopAsyncIteration::new_err(())
}

#[pymethods]
impl AsyncTransactionIterator {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match bridge::guard(|| Ok(buffered(&self.state)))? {
            Some(Some(item)) => bridge::ready(py, ReportedTransaction(item).into_py_any(py)?),
            Some(None) => bridge::raising(py, stop_async()),
            None => bridge::awaitable_with(py, next_transaction(self.state.clone()), |py, item| {
                match item {
                    Some(item) => ReportedTransaction(item).into_py_any(py),
                    None => Err(stop_async()),
                }
            }),
        }
    }

    /// Total reported by the provider (known after the first page).
    #[getter]
    fn total_transactions(&self) -> Option<u64> {
        pager_info(&self.state).0
    }

    /// The page the next fetch will request (1-based); use it to resume an export.
    #[getter]
    fn next_page_number(&self) -> u32 {
        pager_info(&self.state).1
    }
}

crate::operations::saferpay_operations!(dual_client! {
    sync SaferpayClient;
    async AsyncSaferpayClient;
    common {
        #[new]
        #[pyo3(signature = (customer_id, username, password, terminal_id=None, environment="test", spec_version=None, *, base_url=None, timeout=None, max_retries=None, proxy=None, ca_certificates=None, token_store=None))]
        #[allow(clippy::too_many_arguments)]
        fn new(
            customer_id: String,
            username: String,
            password: String,
            terminal_id: Option<String>,
            environment: &str,
            spec_version: Option<String>,
            base_url: Option<String>,
            timeout: Option<f64>,
            max_retries: Option<u32>,
            proxy: Option<String>,
            ca_certificates: Option<String>,
            token_store: Option<Py<PyAny>>,
        ) -> PyResult<Self> {
            bridge::guard(|| {
                let connection = convert::Connection::new(proxy, ca_certificates, token_store)?;
                build(customer_id, username, password, terminal_id, environment, spec_version, base_url, timeout, max_retries, &connection)
                    .map(|inner| Self { inner })
            })
        }

        /// Reads `SAFERPAY_CUSTOMER_ID`, `SAFERPAY_TERMINAL_ID`, `SAFERPAY_USERNAME`,
        /// `SAFERPAY_PASSWORD`, `SAFERPAY_ENVIRONMENT` and `SAFERPAY_BASE_URL`.
        #[classmethod]
        #[pyo3(signature = (*, timeout=None, max_retries=None))]
        fn from_env(_cls: &Bound<'_, PyType>, timeout: Option<f64>, max_retries: Option<u32>) -> PyResult<Self> {
            bridge::guard(|| from_env(timeout, max_retries).map(|inner| Self { inner }))
        }

        /// A view of this client whose calls use these options (same connection pool).
        #[pyo3(signature = (*, timeout=None, max_retries=None, request_id=None))]
        fn with_options(&self, timeout: Option<f64>, max_retries: Option<u32>, request_id: Option<String>) -> PyResult<Self> {
            bridge::guard(|| {
                let options = request_options(timeout, max_retries, request_id)?;
                Ok(Self { inner: self.inner.with_options(options) })
            })
        }

        #[getter]
        fn customer_id(&self) -> &str {
            self.inner.customer_id()
        }

        #[getter]
        fn terminal_id(&self) -> Option<&str> {
            self.inner.terminal_id()
        }

        #[getter]
        fn base_url(&self) -> &str {
            self.inner.base_url()
        }

        #[getter]
        fn spec_version(&self) -> &str {
            self.inner.spec_version()
        }

        fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
            Ok(client_repr(&slf.get_type().name()?.to_string(), &slf.get().inner))
        }
    }
    sync_extra {
        /// The async client sharing this client's connection pool and settings.
        fn async_client(&self) -> AsyncSaferpayClient {
            AsyncSaferpayClient::wrap(self.inner.clone())
        }

    }
    async_extra {
        /// The sync client sharing this client's connection pool and settings.
        fn sync_client(&self) -> SaferpayClient {
            SaferpayClient::wrap(self.inner.clone())
        }

    }
    methods {
        /// A provider-neutral payment link (a Secure PayGate offer; 7 days unless `expires_at`).
        fn create_payment_link(
            amount: &Bound<'_, PyAny>,
            order_id: String,
            description: String,
            expires_at: Option<&Bound<'_, PyAny>>,
        ) -> PaymentLink
        [amount, order_id, description, expires_at=None]
        |_py, client| {
            let request = crate::links::create_request(amount, order_id, description, expires_at)?;
            Ok(async move { client.create_payment_link(request).await.map(PaymentLink) })
        }

        /// Reads a payment link.
        fn get_payment_link(id: String) -> PaymentLink
        [id]
        |_py, client| {
            Ok(async move { client.get_payment_link(&id).await.map(PaymentLink) })
        }

        /// Withdraws a payment link and returns it as it stands afterwards.
        fn cancel_payment_link(id: String) -> PaymentLink
        [id]
        |_py, client| {
            Ok(async move { client.cancel_payment_link(&id).await.map(PaymentLink) })
        }
    }
});

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<SaferpayClient>()?;
    m.add_class::<AsyncSaferpayClient>()?;
    m.add_class::<License>()?;
    m.add_class::<Feature>()?;
    m.add_class::<Terminal>()?;
    m.add_class::<PaymentMethodInfo>()?;
    m.add_class::<WalletInfo>()?;
    m.add_class::<PaymentPageConfiguration>()?;
    m.add_class::<ReportedTransaction>()?;
    m.add_class::<TransactionIterator>()?;
    m.add_class::<AsyncTransactionIterator>()?;
    m.add_class::<Transaction>()?;
    m.add_class::<Card>()?;
    m.add_class::<BankAccount>()?;
    m.add_class::<PayPalAccount>()?;
    m.add_class::<PaymentMeans>()?;
    m.add_class::<ThreeDs>()?;
    m.add_class::<Liability>()?;
    m.add_class::<RegistrationResult>()?;
    m.add_class::<Payment>()?;
    Ok(())
}
