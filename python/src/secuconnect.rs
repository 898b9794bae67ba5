//! `SecuconnectClient` / `AsyncSecuconnectClient` and the secuconnect result classes.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString, PyType};

use paywire::secuconnect as core;

use crate::bridge;
use crate::client::{dual_client, request_options};
use crate::convert;
use crate::errors;
use crate::links::PaymentLink;
use crate::money::Money;
use crate::operation;
use crate::record::record;

record! {
    /// A payment transaction reference inside a Smart Transaction.
    pub struct PaymentTransactionRef("PaymentTransactionRef") wraps core::PaymentTransactionRef;
    fields {
        id: Option<String> = |v| v.id.clone();
        trans_id: Option<String> = |v| v.trans_id.clone();
        transaction_hash: Option<String> = |v| v.transaction_hash.clone();
    }
    repr [id, trans_id];
}

record! {
    /// One basket line of a Smart Transaction (amounts in minor units of its currency).
    pub struct BasketItem("BasketItem") wraps core::BasketItem;
    fields {
        id: Option<i64> = |v| v.id;
        item_type: Option<String> = |v| v.item_type.clone();
        desc: Option<String> = |v| v.desc.clone();
        article_number: Option<String> = |v| v.article_number.clone();
        ean: Option<String> = |v| v.ean.clone();
        quantity: Option<i64> = |v| v.quantity;
        price_one: Option<i64> = |v| v.price_one;
        sum: Option<i64> = |v| v.sum;
        tax: Option<String> = |v| v.tax.clone();
        reference_id: Option<String> = |v| v.reference_id.clone();
        contract_id: Option<String> = |v| v.contract_id.clone();
        sub_basket: Vec<BasketItem> = |v| v.sub_basket.iter().cloned().map(BasketItem).collect();
    }
    repr [item_type, desc, quantity, price_one];
}

record! {
    /// A secuconnect Smart Transaction (a checkout); send the payer to `payment_link`.
    pub struct SmartTransaction("SmartTransaction") wraps core::SmartTransaction;
    fields {
        id: String = |v| v.id.clone();
        /// `created`, `received`, `ok`, `failed`, `cancelled` … (or a newer value).
        status: String = |v| v.status.as_str().to_owned();
        amount: Option<Money> = |v| v.amount.map(Money);
        intent: Option<String> = |v| v.intent.clone();
        created: Option<String> = |v| v.created.clone();
        updated: Option<String> = |v| v.updated.clone();
        contract_id: Option<String> = |v| v.contract_id.clone();
        merchant_id: Option<String> = |v| v.merchant_id.clone();
        merchant_ref: Option<String> = |v| v.merchant_ref.clone();
        transaction_ref: Option<String> = |v| v.transaction_ref.clone();
        is_demo: Option<bool> = |v| v.is_demo;
        payment_method: Option<String> = |v| v.payment_method.clone();
        trans_id: Option<String> = |v| v.trans_id.clone();
        transactions: Vec<PaymentTransactionRef> = |v| v.transactions.iter().cloned().map(PaymentTransactionRef).collect();
        basket: Vec<BasketItem> = |v| v.basket.iter().cloned().map(BasketItem).collect();
        basket_type: Option<String> = |v| v.basket_type.clone();
        payment_links: BTreeMap<String, String> = |v| v.payment_links.clone();
        payment_link: Option<String> = |v| v.payment_link.clone();
        checkout_url: Option<String> = |v| v.checkout_url.clone();
        iframe_url: Option<String> = |v| v.iframe_url.clone();
        auto_capture: Option<bool> = |v| v.auto_capture;
    }
    raw = |v| &v.raw;
    repr [id, status, amount, merchant_ref];
}

record! {
    /// The status of a payment transaction.
    pub struct PaymentStatus("PaymentStatus") wraps core::PaymentStatus;
    fields {
        status: Option<String> = |v| v.status.clone();
        status_text: Option<String> = |v| v.status_text.clone();
        status_simple: Option<i64> = |v| v.status_simple;
        status_simple_text: Option<String> = |v| v.status_simple_text.clone();
        amount: Option<Money> = |v| v.amount.map(Money);
    }
    raw = |v| &v.raw;
    repr [status, amount];
}

record! {
    /// One object a push notification is about.
    pub struct PushObject("PushObject") wraps core::PushObject;
    fields {
        object: String = |v| v.object.clone();
        id: String = |v| v.id.clone();
    }
    repr [object, id];
}

record! {
    /// A secuconnect push notification (webhook body).
    pub struct PushNotification("PushNotification") wraps core::PushNotification;
    fields {
        id: String = |v| v.id.clone();
        created: Option<String> = |v| v.created.clone();
        target: String = |v| v.target.clone();
        r#type: String = |v| v.push_type.clone();
        object_ids: Vec<String> = |v| v.object_ids.clone();
        objects: Vec<PushObject> = |v| v.objects.iter().cloned().map(PushObject).collect();
    }
    raw = |v| &v.raw;
    repr [id, target, r#type, object_ids];
}

record! {
    /// Device flow step 1: show `user_code` and `verification_url` to the user, then pass
    /// this object to `device_poll`. The device code itself is never shown.
    pub struct DeviceAuthorization("DeviceAuthorization") wraps core::DeviceAuthorization;
    fields {
        uuid: String = |v| v.uuid.clone();
        user_code: String = |v| v.user_code.clone();
        verification_url: String = |v| v.verification_url.clone();
        expires_in: u64 = |v| v.expires_in;
        interval: u64 = |v| v.interval;
    }
    repr [uuid, user_code, verification_url];
}

record! {
    /// The access token's metadata (never the token).
    pub struct TokenInfo("TokenInfo") wraps core::TokenInfo;
    fields {
        token_type: String = |v| v.token_type.clone();
        scope: Option<String> = |v| v.scope.clone();
        expires_in: u64 = |v| v.expires_in;
        has_refresh_token: bool = |v| v.has_refresh_token;
    }
    repr [token_type, expires_in, has_refresh_token];
}

/// secuconnect client with blocking methods (the GIL is released while a call is in flight).
#[pyclass(frozen, module = "paywire._native", name = "SecuconnectClient")]
pub struct SecuconnectClient {
    inner: core::Client,
}

/// secuconnect client whose methods return coroutines.
#[pyclass(frozen, module = "paywire._native", name = "AsyncSecuconnectClient")]
pub struct AsyncSecuconnectClient {
    inner: core::Client,
}

impl SecuconnectClient {
    pub fn wrap(inner: core::Client) -> Self {
        SecuconnectClient { inner }
    }
}

impl AsyncSecuconnectClient {
    pub fn wrap(inner: core::Client) -> Self {
        AsyncSecuconnectClient { inner }
    }
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

/// Builds a client (also used by the sandbox).
#[allow(clippy::too_many_arguments)]
pub fn build(
    client_id: String,
    client_secret: String,
    environment: &str,
    contract_id: Option<String>,
    base_url: Option<String>,
    timeout: Option<f64>,
    max_retries: Option<u32>,
    connection: &convert::Connection,
) -> PyResult<core::Client> {
    let environment = core::Environment::parse(environment).map_err(errors::to_py)?;
    let mut builder = core::Client::builder()
        .client_id(client_id)
        .client_secret(client_secret)
        .environment(environment);
    if let Some(contract_id) = contract_id {
        builder = builder.contract_id(contract_id);
    }
    if let Some(base_url) = base_url {
        builder = builder.base_url(base_url);
    }
    let builder = apply_options(builder, timeout, max_retries)?;
    apply_connection(builder, connection)
        .build()
        .map_err(errors::to_py)
}

fn push_body(body: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(bytes) = body.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if let Ok(text) = body.cast::<PyString>() {
        return Ok(text.to_cow()?.as_bytes().to_vec());
    }
    if let Ok(bytes) = body.extract::<Vec<u8>>() {
        return Ok(bytes);
    }
    Err(errors::validation(
        "body",
        "must be bytes or str (the raw request body)",
    ))
}

struct PagerState {
    pager: core::SmartTransactionPager,
    buffer: VecDeque<core::SmartTransaction>,
    exhausted: bool,
    total: Option<u64>,
}

type SharedPager = Arc<tokio::sync::Mutex<PagerState>>;

async fn next_item(state: SharedPager) -> Result<Option<core::SmartTransaction>, paywire::Error> {
    let mut guard = state.lock().await;
    let st = &mut *guard;
    if st.buffer.is_empty() && !st.exhausted {
        let batch = st
            .pager
            .next_batch(operation::batch_size::<core::SmartTransactionQuery>())
            .await?;
        st.total = st.pager.total();
        if batch.is_empty() {
            st.exhausted = true;
        }
        st.buffer.extend(batch);
    }
    Ok(st.buffer.pop_front())
}

fn buffered(state: &SharedPager) -> Option<Option<core::SmartTransaction>> {
    let mut guard = state.try_lock().ok()?;
    match guard.buffer.pop_front() {
        Some(item) => Some(Some(item)),
        None if guard.exhausted => Some(None),
        None => None,
    }
}

fn total(state: &SharedPager) -> Option<u64> {
    state.try_lock().ok().and_then(|g| g.total)
}

fn shared_pager(pager: core::SmartTransactionPager) -> SharedPager {
    Arc::new(tokio::sync::Mutex::new(PagerState {
        pager,
        buffer: VecDeque::new(),
        exhausted: false,
        total: None,
    }))
}

impl operation::IntoPyIterator for core::SmartTransactionPager {
    fn into_sync_iterator(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        SmartTransactionIterator {
            state: shared_pager(self),
        }
        .into_py_any(py)
    }

    fn into_async_iterator(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        AsyncSmartTransactionIterator {
            state: shared_pager(self),
        }
        .into_py_any(py)
    }
}

/// Iterator over Smart Transactions (offset paging, fetched in batches).
#[pyclass(frozen, module = "paywire._native", name = "SmartTransactionIterator")]
pub struct SmartTransactionIterator {
    state: SharedPager,
}

#[pymethods]
impl SmartTransactionIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<SmartTransaction>> {
        if let Some(item) = bridge::guard(|| Ok(buffered(&self.state)))? {
            return Ok(item.map(SmartTransaction));
        }
        Ok(bridge::block(py, next_item(self.state.clone()))?.map(SmartTransaction))
    }

    /// Total matches reported by the provider (known after the first page).
    #[getter]
    fn total(&self) -> Option<u64> {
        total(&self.state)
    }
}

/// Async iterator over Smart Transactions.
#[pyclass(
    frozen,
    module = "paywire._native",
    name = "AsyncSmartTransactionIterator"
)]
pub struct AsyncSmartTransactionIterator {
    state: SharedPager,
}

#[pymethods]
impl AsyncSmartTransactionIterator {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match bridge::guard(|| Ok(buffered(&self.state)))? {
            Some(Some(item)) => bridge::ready(py, SmartTransaction(item).into_py_any(py)?),
            Some(None) => bridge::raising(py, pyo3::exceptions::PyStopAsyncIteration::new_err(())),
            None => {
                bridge::awaitable_with(py, next_item(self.state.clone()), |py, item| match item {
                    Some(item) => SmartTransaction(item).into_py_any(py),
                    None => Err(pyo3::exceptions::PyStopAsyncIteration::new_err(())),
                })
            }
        }
    }

    /// Total matches reported by the provider (known after the first page).
    #[getter]
    fn total(&self) -> Option<u64> {
        total(&self.state)
    }
}

crate::operations::secuconnect_operations!(dual_client! {
    sync SecuconnectClient;
    async AsyncSecuconnectClient;
    common {
        #[new]
        #[pyo3(signature = (client_id, client_secret, environment="testing", contract_id=None, *, base_url=None, timeout=None, max_retries=None, proxy=None, ca_certificates=None, token_store=None))]
        #[allow(clippy::too_many_arguments)]
        fn new(
            client_id: String,
            client_secret: String,
            environment: &str,
            contract_id: Option<String>,
            base_url: Option<String>,
            timeout: Option<f64>,
            max_retries: Option<u32>,
            proxy: Option<String>,
            ca_certificates: Option<String>,
            token_store: Option<Py<PyAny>>,
        ) -> PyResult<Self> {
            bridge::guard(|| {
                let connection = convert::Connection::new(proxy, ca_certificates, token_store)?;
                build(client_id, client_secret, environment, contract_id, base_url, timeout, max_retries, &connection)
                    .map(|inner| Self { inner })
            })
        }

        /// Reads `SECUCONNECT_CLIENT_ID`, `SECUCONNECT_CLIENT_SECRET`, `SECUCONNECT_ENVIRONMENT`,
        /// `SECUCONNECT_BASE_URL` and `SECUCONNECT_CONTRACT_ID`.
        #[classmethod]
        #[pyo3(signature = (*, timeout=None, max_retries=None))]
        fn from_env(_cls: &Bound<'_, PyType>, timeout: Option<f64>, max_retries: Option<u32>) -> PyResult<Self> {
            bridge::guard(|| {
                let builder = core::Client::builder_from_env().map_err(errors::to_py)?;
                apply_options(builder, timeout, max_retries)?
                    .build()
                    .map(|inner| Self { inner })
                    .map_err(errors::to_py)
            })
        }

        /// A view of this client whose calls use these options (same pool and token).
        #[pyo3(signature = (*, timeout=None, max_retries=None, request_id=None))]
        fn with_options(&self, timeout: Option<f64>, max_retries: Option<u32>, request_id: Option<String>) -> PyResult<Self> {
            bridge::guard(|| {
                let options = request_options(timeout, max_retries, request_id)?;
                Ok(Self { inner: self.inner.with_options(options) })
            })
        }

        /// Parses a push notification body (bytes or str).
        #[staticmethod]
        fn parse_push(body: &Bound<'_, PyAny>) -> PyResult<PushNotification> {
            bridge::guard(|| {
                let bytes = push_body(body)?;
                core::parse_push(&bytes).map(PushNotification).map_err(errors::to_py)
            })
        }

        #[getter]
        fn client_id(&self) -> &str {
            self.inner.client_id()
        }

        #[getter]
        fn contract_id(&self) -> Option<&str> {
            self.inner.contract_id()
        }

        #[getter]
        fn base_url(&self) -> &str {
            self.inner.base_url()
        }

        /// The cached access token's metadata, if a token was fetched (never the token).
        fn token_info(&self) -> Option<TokenInfo> {
            self.inner.token_info().map(TokenInfo)
        }

        fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
            let inner = &slf.get().inner;
            Ok(format!(
                "{}(client_id={}, contract_id={}, base_url={})",
                slf.get_type().name()?,
                convert::repr_str(inner.client_id()),
                convert::repr_opt(inner.contract_id()),
                convert::repr_str(inner.base_url()),
            ))
        }
    }
    sync_extra {
        /// The async client sharing this client's pool and token.
        fn async_client(&self) -> AsyncSecuconnectClient {
            AsyncSecuconnectClient::wrap(self.inner.clone())
        }

    }
    async_extra {
        /// The sync client sharing this client's pool and token.
        fn sync_client(&self) -> SecuconnectClient {
            SecuconnectClient::wrap(self.inner.clone())
        }

    }
    methods {
        /// Device flow step 1 for a device `uuid`.
        fn device_authorize(uuid: String) -> DeviceAuthorization
        [uuid]
        |_py, client| {
            Ok(async move { client.device_authorize(&uuid).await.map(DeviceAuthorization) })
        }

        /// Device flow step 2: waits until the user approves, refuses, or the code expires.
        fn device_poll(authorization: PyRef<'_, DeviceAuthorization>) -> TokenInfo
        [authorization]
        |_py, client| {
            let authorization = authorization.0.clone();
            Ok(async move { client.device_poll(&authorization).await.map(TokenInfo) })
        }

        /// A provider-neutral payment link (a Smart Transaction).
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

        /// Cancels a payment link and returns it as it stands afterwards.
        fn cancel_payment_link(id: String) -> PaymentLink
        [id]
        |_py, client| {
            Ok(async move { client.cancel_payment_link(&id).await.map(PaymentLink) })
        }
    }
});

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<SecuconnectClient>()?;
    m.add_class::<AsyncSecuconnectClient>()?;
    m.add_class::<SmartTransaction>()?;
    m.add_class::<PaymentTransactionRef>()?;
    m.add_class::<BasketItem>()?;
    m.add_class::<PaymentStatus>()?;
    m.add_class::<PushNotification>()?;
    m.add_class::<PushObject>()?;
    m.add_class::<DeviceAuthorization>()?;
    m.add_class::<TokenInfo>()?;
    m.add_class::<SmartTransactionIterator>()?;
    m.add_class::<AsyncSmartTransactionIterator>()?;
    Ok(())
}
