//! `SecuconnectClient` (async), `BlockingSecuconnectClient`, the smart transaction pager and the
//! OAuth device flow. Tokens are fetched lazily, cached and refreshed single-flight by the core;
//! the client secret goes in through the constructor and never comes back out. The operations
//! of secuconnect's table are generated into `crate::operations`.

pub mod records;

use std::sync::Arc;

use paywire::secuconnect as core;

use crate::convert;
use crate::error::{Result, guard, guard_async};
use crate::links::PaymentLink;
use crate::money::Money;
use records::{PushNotification, SmartTransaction, SmartTransactionPage, TokenInfo};

#[allow(clippy::too_many_arguments)]
pub(crate) fn build_client(
    client_id: String,
    client_secret: String,
    environment: Option<String>,
    contract_id: Option<String>,
    base_url: Option<String>,
    timeout: Option<f64>,
    max_retries: Option<i32>,
) -> Result<core::Client> {
    build_client_with(
        client_id,
        client_secret,
        environment,
        contract_id,
        base_url,
        timeout,
        max_retries,
        convert::Connection::default(),
    )
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn build_client_with(
    client_id: String,
    client_secret: String,
    environment: Option<String>,
    contract_id: Option<String>,
    base_url: Option<String>,
    timeout: Option<f64>,
    max_retries: Option<i32>,
    connection: convert::Connection,
) -> Result<core::Client> {
    crate::init_logging();
    let mut builder = core::Client::builder()
        .client_id(client_id)
        .client_secret(client_secret)
        .options(convert::client_options_with(
            timeout,
            max_retries,
            &connection,
        )?);
    if let Some(environment) = environment {
        builder = builder.environment(core::Environment::parse(&environment)?);
    }
    if let Some(contract_id) = contract_id {
        builder = builder.contract_id(contract_id);
    }
    if let Some(base_url) = base_url {
        builder = builder.base_url(base_url);
    }
    if let Some(url) = connection.token_store {
        builder = builder.token_store_url(url);
    }
    if let Some(store) = connection.custom_token_store {
        builder = builder.token_store(Arc::new(crate::token_store::HostStore(store)));
    }
    Ok(builder.build()?)
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

/// A bank account for direct debit (`prepareSmartTransaction`). `toString()` shows the IBAN in
/// full, so don't log it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct DirectDebitAccount {
    pub owner: String,
    pub iban: String,
    #[uniffi(default)]
    pub bic: Option<String>,
}

/// Parses a secuconnect push notification body (static; no client needed).
#[uniffi::export]
pub fn parse_push(body: String) -> Result<PushNotification> {
    guard(|| Ok(core::parse_push(body.as_bytes())?.into()))
}

/// secuconnect: Smart Transactions, payment transactions, pushes, the device flow.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct SecuconnectClient {
    pub(crate) client: core::Client,
}

impl std::fmt::Debug for SecuconnectClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.client.fmt(f)
    }
}

impl SecuconnectClient {
    pub(crate) fn wrap(client: core::Client) -> Arc<SecuconnectClient> {
        Arc::new(SecuconnectClient { client })
    }
}

/// A pending OAuth device authorization: show `userCode()` and `verificationUrl()` to the user,
/// then `devicePoll` with it. The device code stays inside.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct DeviceAuthorization {
    inner: core::DeviceAuthorization,
}

impl std::fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

#[uniffi::export]
impl DeviceAuthorization {
    pub fn uuid(&self) -> String {
        self.inner.uuid.clone()
    }
    pub fn user_code(&self) -> String {
        self.inner.user_code.clone()
    }
    pub fn verification_url(&self) -> String {
        self.inner.verification_url.clone()
    }
    /// Seconds until the codes expire.
    pub fn expires_in(&self) -> i64 {
        i64::try_from(self.inner.expires_in).unwrap_or(i64::MAX)
    }
    /// Seconds to wait between polls.
    pub fn interval(&self) -> i64 {
        i64::try_from(self.inner.interval).unwrap_or(i64::MAX)
    }
}

#[uniffi::export]
impl SecuconnectClient {
    /// `environment` is `"testing"` (default), `"showcase"` or `"live"`; `base_url` overrides it.
    #[uniffi::constructor(default(
        environment = None,
        contract_id = None,
        base_url = None,
        timeout = None,
        max_retries = None,
        proxy = None,
        ca_certificates = None,
        token_store = None,
        custom_token_store = None
    ))]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        client_id: String,
        client_secret: String,
        environment: Option<String>,
        contract_id: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<i32>,
        proxy: Option<String>,
        ca_certificates: Option<String>,
        token_store: Option<String>,
        custom_token_store: Option<Arc<dyn crate::token_store::TokenStore>>,
    ) -> Result<Arc<Self>> {
        guard(|| {
            Ok(SecuconnectClient::wrap(build_client_with(
                client_id,
                client_secret,
                environment,
                contract_id,
                base_url,
                timeout,
                max_retries,
                convert::Connection {
                    proxy,
                    ca_certificates,
                    token_store,
                    custom_token_store,
                },
            )?))
        })
    }

    /// Reads `SECUCONNECT_CLIENT_ID`, `SECUCONNECT_CLIENT_SECRET`, `SECUCONNECT_ENVIRONMENT`,
    /// `SECUCONNECT_BASE_URL`, `SECUCONNECT_CONTRACT_ID`.
    #[uniffi::constructor]
    pub fn from_env() -> Result<Arc<Self>> {
        guard(|| {
            crate::init_logging();
            Ok(SecuconnectClient::wrap(core::Client::from_env()?))
        })
    }

    /// A view of this client (same pool and tokens) whose calls use these overrides.
    #[uniffi::method(default(timeout = None, max_retries = None))]
    pub fn with_options(
        &self,
        timeout: Option<f64>,
        max_retries: Option<i32>,
    ) -> Result<Arc<SecuconnectClient>> {
        guard(|| {
            let options = convert::request_options(timeout, max_retries, None, None)?;
            Ok(SecuconnectClient::wrap(self.client.with_options(options)))
        })
    }

    /// The same client with blocking methods (for Java callers).
    pub fn blocking(&self) -> Arc<BlockingSecuconnectClient> {
        Arc::new(BlockingSecuconnectClient {
            client: paywire::blocking::SecuconnectClient::new(self.client.clone()),
        })
    }

    pub fn client_id(&self) -> String {
        self.client.client_id().to_owned()
    }

    pub fn contract_id(&self) -> Option<String> {
        self.client.contract_id().map(str::to_owned)
    }

    pub fn base_url(&self) -> String {
        self.client.base_url().to_owned()
    }

    /// What the cached access token looks like (`null` before the first call).
    pub fn token_info(&self) -> Option<TokenInfo> {
        self.client.token_info().map(Into::into)
    }

    /// Parses a push notification body (same as the top-level `parsePush`).
    pub fn parse_push(&self, body: String) -> Result<PushNotification> {
        parse_push(body)
    }

    /// Starts the OAuth device flow for a device `uuid`.
    pub async fn device_authorize(&self, uuid: String) -> Result<Arc<DeviceAuthorization>> {
        guard_async(async move {
            Ok(Arc::new(DeviceAuthorization {
                inner: self.client.device_authorize(&uuid).await?,
            }))
        })
        .await
    }

    /// Polls until the user approved (or the codes expired); then the client is authorized.
    pub async fn device_poll(&self, authorization: Arc<DeviceAuthorization>) -> Result<TokenInfo> {
        guard_async(async move { Ok(self.client.device_poll(&authorization.inner).await?.into()) })
            .await
    }

    /// One poll: `null` while the user has not approved yet.
    pub async fn device_poll_once(
        &self,
        authorization: Arc<DeviceAuthorization>,
    ) -> Result<Option<TokenInfo>> {
        guard_async(async move {
            Ok(self
                .client
                .device_poll_once(&authorization.inner)
                .await?
                .map(Into::into))
        })
        .await
    }

    /// A provider-neutral payment link (a Smart Transaction).
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

type PagerSlot = Arc<tokio::sync::Mutex<core::SmartTransactionPager>>;

/// Walks smart transactions page by page (offset paging), serially.
#[derive(uniffi::Object)]
pub struct SmartTransactionPager {
    pager: PagerSlot,
}

impl SmartTransactionPager {
    pub(crate) fn wrap(pager: core::SmartTransactionPager) -> Arc<SmartTransactionPager> {
        Arc::new(SmartTransactionPager {
            pager: Arc::new(tokio::sync::Mutex::new(pager)),
        })
    }

    async fn batch(pager: PagerSlot, max: u32) -> paywire::Result<Vec<SmartTransaction>> {
        let max = usize::try_from(max).unwrap_or(usize::MAX);
        Ok(pager
            .lock()
            .await
            .next_batch(max)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

#[uniffi::export]
impl SmartTransactionPager {
    /// Up to `max` transactions; an empty list once done.
    #[uniffi::method(default(max = 100))]
    pub async fn next_batch(&self, max: i32) -> Result<Vec<SmartTransaction>> {
        let pager = self.pager.clone();
        guard_async(async move {
            Ok(SmartTransactionPager::batch(pager, convert::count("max", max)?).await?)
        })
        .await
    }

    /// `nextBatch` for blocking callers.
    #[uniffi::method(default(max = 100))]
    pub fn next_batch_blocking(&self, max: i32) -> Result<Vec<SmartTransaction>> {
        let pager = self.pager.clone();
        guard(|| {
            let max = convert::count("max", max)?;
            Ok(paywire::rt::block_on(SmartTransactionPager::batch(
                pager, max,
            ))?)
        })
    }

    /// The next page; `null` once done.
    pub async fn next_page(&self) -> Result<Option<SmartTransactionPage>> {
        let pager = self.pager.clone();
        guard_async(async move { Ok(pager.lock().await.next_page().await?.map(Into::into)) }).await
    }

    /// Total reported by the provider, known after the first page.
    pub fn total(&self) -> Option<i64> {
        self.pager
            .try_lock()
            .ok()
            .and_then(|p| p.total())
            .and_then(|n| i64::try_from(n).ok())
    }

    pub fn is_done(&self) -> bool {
        self.pager.try_lock().map(|p| p.is_done()).unwrap_or(false)
    }
}

/// secuconnect with blocking methods, for Java callers and plain threads.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct BlockingSecuconnectClient {
    pub(crate) client: paywire::blocking::SecuconnectClient,
}

impl std::fmt::Debug for BlockingSecuconnectClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.client.async_client().fmt(f)
    }
}

#[uniffi::export]
impl BlockingSecuconnectClient {
    #[uniffi::constructor(default(
        environment = None,
        contract_id = None,
        base_url = None,
        timeout = None,
        max_retries = None,
        proxy = None,
        ca_certificates = None,
        token_store = None,
        custom_token_store = None
    ))]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        client_id: String,
        client_secret: String,
        environment: Option<String>,
        contract_id: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<i32>,
        proxy: Option<String>,
        ca_certificates: Option<String>,
        token_store: Option<String>,
        custom_token_store: Option<Arc<dyn crate::token_store::TokenStore>>,
    ) -> Result<Arc<Self>> {
        guard(|| {
            let client = build_client_with(
                client_id,
                client_secret,
                environment,
                contract_id,
                base_url,
                timeout,
                max_retries,
                convert::Connection {
                    proxy,
                    ca_certificates,
                    token_store,
                    custom_token_store,
                },
            )?;
            Ok(Arc::new(BlockingSecuconnectClient {
                client: paywire::blocking::SecuconnectClient::new(client),
            }))
        })
    }

    #[uniffi::constructor]
    pub fn from_env() -> Result<Arc<Self>> {
        guard(|| {
            crate::init_logging();
            Ok(Arc::new(BlockingSecuconnectClient {
                client: paywire::blocking::SecuconnectClient::from_env()?,
            }))
        })
    }

    pub fn async_client(&self) -> Arc<SecuconnectClient> {
        SecuconnectClient::wrap(self.client.async_client().clone())
    }

    pub fn device_authorize(&self, uuid: String) -> Result<Arc<DeviceAuthorization>> {
        guard(|| {
            Ok(Arc::new(DeviceAuthorization {
                inner: self.client.device_authorize(&uuid)?,
            }))
        })
    }

    pub fn device_poll(&self, authorization: Arc<DeviceAuthorization>) -> Result<TokenInfo> {
        guard(|| Ok(self.client.device_poll(&authorization.inner)?.into()))
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
