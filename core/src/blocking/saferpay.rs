use crate::error::Error;
use crate::rt::block_on;
use crate::saferpay::{
    Client, CreateOffer, License, Offer, PaymentPageConfiguration, ReportedTransaction, Terminal,
    TransactionPager, TransactionQuery,
};

use crate::money::Money;
use crate::saferpay::{
    Alias, AliasSession, AuthorizeDirect, AuthorizeReferenced, AuthorizeTransaction,
    InitializeTransaction, InsertAlias, InsertAliasDirect, RefundDirect, TransactionSession,
    UpdateAlias,
};
use crate::saferpay::{
    Cancellation, Capture, CaptureStatus, InitializePaymentPage, MultipartCapture, Payment,
    PaymentPageSession, Refund, RefundStatus,
};

/// Blocking Saferpay client; wraps (and shares its pool with) an async [`Client`].
#[derive(Clone, Debug)]
pub struct SaferpayClient {
    client: Client,
}

impl SaferpayClient {
    pub fn new(client: Client) -> SaferpayClient {
        SaferpayClient { client }
    }

    pub fn from_env() -> Result<SaferpayClient, Error> {
        Ok(SaferpayClient::new(Client::from_env()?))
    }

    /// The async client behind this one.
    pub fn async_client(&self) -> &Client {
        &self.client
    }

    pub fn create_offer(&self, request: CreateOffer) -> Result<Offer, Error> {
        let c = self.client.clone();
        block_on(async move { c.create_offer(request).await })
    }

    pub fn get_offer(&self, offer_id: &str, terminal_id: Option<&str>) -> Result<Offer, Error> {
        let (c, id, t) = (
            self.client.clone(),
            offer_id.to_owned(),
            terminal_id.map(str::to_owned),
        );
        block_on(async move { c.get_offer(&id, t.as_deref()).await })
    }

    pub fn delete_offer(&self, offer_id: &str, terminal_id: Option<&str>) -> Result<(), Error> {
        let (c, id, t) = (
            self.client.clone(),
            offer_id.to_owned(),
            terminal_id.map(str::to_owned),
        );
        block_on(async move { c.delete_offer(&id, t.as_deref()).await })
    }

    pub fn license(&self) -> Result<License, Error> {
        let c = self.client.clone();
        block_on(async move { c.license().await })
    }

    pub fn terminals(&self) -> Result<Vec<Terminal>, Error> {
        let c = self.client.clone();
        block_on(async move { c.terminals().await })
    }

    pub fn terminal(&self, terminal_id: &str) -> Result<Terminal, Error> {
        let (c, t) = (self.client.clone(), terminal_id.to_owned());
        block_on(async move { c.terminal(&t).await })
    }

    pub fn payment_page_configurations(&self) -> Result<Vec<PaymentPageConfiguration>, Error> {
        let c = self.client.clone();
        block_on(async move { c.payment_page_configurations().await })
    }

    pub fn create_fields_access_token(
        &self,
        description: &str,
        source_urls: &[String],
        terminal_id: Option<&str>,
    ) -> Result<String, Error> {
        let (c, d, u, t) = (
            self.client.clone(),
            description.to_owned(),
            source_urls.to_vec(),
            terminal_id.map(str::to_owned),
        );
        block_on(async move { c.create_fields_access_token(&d, &u, t.as_deref()).await })
    }

    pub fn delete_fields_access_token(
        &self,
        access_token: &str,
        terminal_id: Option<&str>,
    ) -> Result<(), Error> {
        let (c, a, t) = (
            self.client.clone(),
            access_token.to_owned(),
            terminal_id.map(str::to_owned),
        );
        block_on(async move { c.delete_fields_access_token(&a, t.as_deref()).await })
    }

    /// An iterator over the report, fetching pages serially as it goes.
    pub fn transactions(&self, query: TransactionQuery) -> Result<TransactionIter, Error> {
        Ok(TransactionIter {
            pager: Some(self.client.transactions(query)?),
        })
    }
}

/// JSON API: payment pages and the transaction lifecycle (see the async [`Client`] methods
/// of the same names for the semantics).
impl SaferpayClient {
    pub fn initialize_payment_page(
        &self,
        request: InitializePaymentPage,
    ) -> Result<PaymentPageSession, Error> {
        let c = self.client.clone();
        block_on(async move { c.initialize_payment_page(request).await })
    }

    pub fn assert_payment_page(&self, token: &str) -> Result<Payment, Error> {
        let (c, t) = (self.client.clone(), token.to_owned());
        block_on(async move { c.assert_payment_page(&t).await })
    }

    /// Asserts once per token and repeats the answer; safe for both the return and the notify
    /// handler.
    pub fn payment_outcome(&self, token: &str) -> Result<Payment, Error> {
        let (c, t) = (self.client.clone(), token.to_owned());
        block_on(async move { c.payment_outcome(&t).await })
    }

    pub fn capture(&self, transaction_id: &str, amount: Option<Money>) -> Result<Capture, Error> {
        let (c, id) = (self.client.clone(), transaction_id.to_owned());
        block_on(async move { c.capture(&id, amount).await })
    }

    pub fn multipart_capture(&self, request: MultipartCapture) -> Result<Capture, Error> {
        let c = self.client.clone();
        block_on(async move { c.multipart_capture(request).await })
    }

    pub fn multipart_finalize(&self, transaction_id: &str) -> Result<(), Error> {
        let (c, id) = (self.client.clone(), transaction_id.to_owned());
        block_on(async move { c.multipart_finalize(&id).await })
    }

    pub fn cancel(&self, transaction_id: &str) -> Result<Cancellation, Error> {
        let (c, id) = (self.client.clone(), transaction_id.to_owned());
        block_on(async move { c.cancel(&id).await })
    }

    /// Creates a REFUND transaction. **It moves no money until you [`capture`](Self::capture)
    /// it** with the refund's own `transaction.id`.
    pub fn refund(&self, request: Refund) -> Result<Payment, Error> {
        let c = self.client.clone();
        block_on(async move { c.refund(request).await })
    }

    pub fn inquire(&self, transaction_id: &str) -> Result<Payment, Error> {
        let (c, id) = (self.client.clone(), transaction_id.to_owned());
        block_on(async move { c.inquire(&id).await })
    }

    pub fn inquire_by_order_id(&self, order_id: &str) -> Result<Payment, Error> {
        let (c, id) = (self.client.clone(), order_id.to_owned());
        block_on(async move { c.inquire_by_order_id(&id).await })
    }

    pub fn assert_capture(&self, capture_id: &str) -> Result<CaptureStatus, Error> {
        let (c, id) = (self.client.clone(), capture_id.to_owned());
        block_on(async move { c.assert_capture(&id).await })
    }

    pub fn assert_refund(&self, transaction_id: &str) -> Result<RefundStatus, Error> {
        let (c, id) = (self.client.clone(), transaction_id.to_owned());
        block_on(async move { c.assert_refund(&id).await })
    }

    pub fn initialize_transaction(
        &self,
        request: InitializeTransaction,
    ) -> Result<TransactionSession, Error> {
        let c = self.client.clone();
        block_on(async move { c.initialize_transaction(request).await })
    }

    pub fn authorize_transaction(&self, request: AuthorizeTransaction) -> Result<Payment, Error> {
        let c = self.client.clone();
        block_on(async move { c.authorize_transaction(request).await })
    }

    pub fn authorize_direct(&self, request: AuthorizeDirect) -> Result<Payment, Error> {
        let c = self.client.clone();
        block_on(async move { c.authorize_direct(request).await })
    }

    pub fn authorize_referenced(&self, request: AuthorizeReferenced) -> Result<Payment, Error> {
        let c = self.client.clone();
        block_on(async move { c.authorize_referenced(request).await })
    }

    /// Creates a REFUND transaction to capture, like [`refund`](Self::refund).
    pub fn refund_direct(&self, request: RefundDirect) -> Result<Payment, Error> {
        let c = self.client.clone();
        block_on(async move { c.refund_direct(request).await })
    }

    pub fn insert_alias(&self, request: InsertAlias) -> Result<AliasSession, Error> {
        let c = self.client.clone();
        block_on(async move { c.insert_alias(request).await })
    }

    pub fn assert_alias_insert(&self, token: &str) -> Result<Alias, Error> {
        let (c, token) = (self.client.clone(), token.to_owned());
        block_on(async move { c.assert_alias_insert(&token).await })
    }

    pub fn insert_alias_direct(&self, request: InsertAliasDirect) -> Result<Alias, Error> {
        let c = self.client.clone();
        block_on(async move { c.insert_alias_direct(request).await })
    }

    pub fn update_alias(&self, request: UpdateAlias) -> Result<Alias, Error> {
        let c = self.client.clone();
        block_on(async move { c.update_alias(request).await })
    }

    pub fn inquire_alias(&self, alias_id: &str) -> Result<Alias, Error> {
        let (c, id) = (self.client.clone(), alias_id.to_owned());
        block_on(async move { c.inquire_alias(&id).await })
    }

    pub fn delete_alias(&self, alias_id: &str) -> Result<(), Error> {
        let (c, id) = (self.client.clone(), alias_id.to_owned());
        block_on(async move { c.delete_alias(&id).await })
    }

    pub fn close_batch(&self, terminal_id: Option<&str>) -> Result<(), Error> {
        let (c, t) = (self.client.clone(), terminal_id.map(str::to_owned));
        block_on(async move { c.close_batch(t.as_deref()).await })
    }
}

/// Blocking iterator over reported transactions.
pub struct TransactionIter {
    pager: Option<TransactionPager>,
}

impl TransactionIter {
    pub fn total_transactions(&self) -> Option<u64> {
        self.pager
            .as_ref()
            .and_then(TransactionPager::total_transactions)
    }
}

impl Iterator for TransactionIter {
    type Item = Result<ReportedTransaction, Error>;

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
