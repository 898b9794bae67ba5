use crate::error::Error;
use crate::rt::block_on;
use crate::secret::Secret;
use crate::secuconnect::{
    CancelPayment, Client, CreateSmartTransaction, Delivery, DeviceAuthorization, PaymentStatus,
    PaymentTransaction, PrepareSmartTransaction, PushNotification, SmartTransaction,
    SmartTransactionPager, SmartTransactionQuery, TokenInfo, UpdateSmartTransaction,
};

/// Blocking secuconnect client; wraps (and shares its pool and token with) an async
/// [`Client`].
#[derive(Clone, Debug)]
pub struct SecuconnectClient {
    client: Client,
}

impl SecuconnectClient {
    pub fn new(client: Client) -> SecuconnectClient {
        SecuconnectClient { client }
    }

    /// Reads `SECUCONNECT_CLIENT_ID`, `SECUCONNECT_CLIENT_SECRET`, `SECUCONNECT_ENVIRONMENT`,
    /// `SECUCONNECT_BASE_URL` and `SECUCONNECT_CONTRACT_ID`.
    pub fn from_env() -> Result<SecuconnectClient, Error> {
        Ok(SecuconnectClient::new(Client::from_env()?))
    }

    /// The async client behind this one.
    pub fn async_client(&self) -> &Client {
        &self.client
    }

    /// See [`Client::create_smart_transaction`]: retried only when nothing left; an unknown
    /// outcome says how to look the transaction up.
    pub fn create_smart_transaction(
        &self,
        request: CreateSmartTransaction,
    ) -> Result<SmartTransaction, Error> {
        let c = self.client.clone();
        block_on(async move { c.create_smart_transaction(request).await })
    }

    pub fn get_smart_transaction(&self, id: &str) -> Result<SmartTransaction, Error> {
        let (c, id) = (self.client.clone(), id.to_owned());
        block_on(async move { c.get_smart_transaction(&id).await })
    }

    /// See [`Client::update_smart_transaction`]: basket and basket_info are always resent.
    pub fn update_smart_transaction(
        &self,
        id: &str,
        request: UpdateSmartTransaction,
    ) -> Result<SmartTransaction, Error> {
        let (c, id) = (self.client.clone(), id.to_owned());
        block_on(async move { c.update_smart_transaction(&id, request).await })
    }

    pub fn prepare_smart_transaction(
        &self,
        id: &str,
        payment_method: &str,
        request: PrepareSmartTransaction,
    ) -> Result<SmartTransaction, Error> {
        let (c, id, method) = (
            self.client.clone(),
            id.to_owned(),
            payment_method.to_owned(),
        );
        block_on(async move { c.prepare_smart_transaction(&id, &method, request).await })
    }

    pub fn start_smart_transaction(
        &self,
        id: &str,
        payment_method: Option<&str>,
    ) -> Result<SmartTransaction, Error> {
        let (c, id, method) = (
            self.client.clone(),
            id.to_owned(),
            payment_method.map(str::to_owned),
        );
        block_on(async move { c.start_smart_transaction(&id, method.as_deref()).await })
    }

    pub fn cancel_smart_transaction(&self, id: &str) -> Result<SmartTransaction, Error> {
        let (c, id) = (self.client.clone(), id.to_owned());
        block_on(async move { c.cancel_smart_transaction(&id).await })
    }

    pub fn abort_smart_transaction(&self, id: &str) -> Result<SmartTransaction, Error> {
        let (c, id) = (self.client.clone(), id.to_owned());
        block_on(async move { c.abort_smart_transaction(&id).await })
    }

    pub fn set_delivery(&self, id: &str, delivery: Delivery) -> Result<SmartTransaction, Error> {
        let (c, id) = (self.client.clone(), id.to_owned());
        block_on(async move { c.set_delivery(&id, delivery).await })
    }

    /// An iterator over the listing, fetching pages as it goes.
    pub fn smart_transactions(
        &self,
        query: SmartTransactionQuery,
    ) -> Result<SmartTransactionIter, Error> {
        Ok(SmartTransactionIter {
            pager: Some(self.client.smart_transactions(query)?),
        })
    }

    pub fn get_payment_transaction(&self, id: &str) -> Result<PaymentTransaction, Error> {
        let (c, id) = (self.client.clone(), id.to_owned());
        block_on(async move { c.get_payment_transaction(&id).await })
    }

    pub fn check_payment_status(&self, id: &str) -> Result<PaymentStatus, Error> {
        let (c, id) = (self.client.clone(), id.to_owned());
        block_on(async move { c.check_payment_status(&id).await })
    }

    /// See [`Client::cancel_payment_transaction`]: full or partial refund, never repeated once
    /// it may have been sent.
    pub fn cancel_payment_transaction(
        &self,
        id: &str,
        request: CancelPayment,
    ) -> Result<Vec<PaymentTransaction>, Error> {
        let (c, id) = (self.client.clone(), id.to_owned());
        block_on(async move { c.cancel_payment_transaction(&id, request).await })
    }

    /// Parses a push body; see [`crate::secuconnect::parse_push`].
    pub fn parse_push(body: &[u8]) -> Result<PushNotification, Error> {
        Client::parse_push(body)
    }

    pub fn fetch_push_payment_transactions(
        &self,
        push: &PushNotification,
    ) -> Result<Vec<PaymentTransaction>, Error> {
        let (c, push) = (self.client.clone(), push.clone());
        block_on(async move { c.fetch_push_payment_transactions(&push).await })
    }

    pub fn device_authorize(&self, uuid: &str) -> Result<DeviceAuthorization, Error> {
        let (c, uuid) = (self.client.clone(), uuid.to_owned());
        block_on(async move { c.device_authorize(&uuid).await })
    }

    /// Blocks until the user approves the device, refuses, or the code expires.
    pub fn device_poll(&self, authorization: &DeviceAuthorization) -> Result<TokenInfo, Error> {
        let (c, authorization) = (self.client.clone(), authorization.clone());
        block_on(async move { c.device_poll(&authorization).await })
    }

    pub fn device_poll_once(
        &self,
        authorization: &DeviceAuthorization,
    ) -> Result<Option<TokenInfo>, Error> {
        let (c, authorization) = (self.client.clone(), authorization.clone());
        block_on(async move { c.device_poll_once(&authorization).await })
    }

    pub fn token_info(&self) -> Option<TokenInfo> {
        self.client.token_info()
    }

    /// A valid access token, for endpoints this library does not wrap.
    pub fn access_token(&self) -> Result<Secret, Error> {
        let c = self.client.clone();
        block_on(async move { c.access_token().await })
    }
}

/// Blocking iterator over a Smart Transaction listing.
pub struct SmartTransactionIter {
    pager: Option<SmartTransactionPager>,
}

impl SmartTransactionIter {
    /// Total matches reported by the provider after the first page.
    pub fn total(&self) -> Option<u64> {
        self.pager.as_ref().and_then(SmartTransactionPager::total)
    }
}

impl Iterator for SmartTransactionIter {
    type Item = Result<SmartTransaction, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut pager = self.pager.take()?;
        // The pager moves into the runtime for the call and comes back with the result.
        let result = block_on(async move {
            let item = pager.next_transaction().await;
            Ok((pager, item))
        });
        match result {
            Ok((pager, Ok(Some(item)))) => {
                self.pager = Some(pager);
                Some(Ok(item))
            }
            Ok((_, Ok(None))) => None,
            Ok((_, Err(e))) | Err(e) => Some(Err(e)),
        }
    }
}
