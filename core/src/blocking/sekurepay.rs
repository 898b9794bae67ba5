use crate::error::Error;
use crate::rt::block_on;
use crate::sekurepay::{Client, CreateOrder, Order};

/// Blocking SekurePay client; wraps (and shares its pool with) an async [`Client`].
#[derive(Clone, Debug)]
pub struct SekurePayClient {
    client: Client,
}

impl SekurePayClient {
    pub fn new(client: Client) -> SekurePayClient {
        SekurePayClient { client }
    }

    /// Reads `SEKUREPAY_API_KEY` and `SEKUREPAY_BASE_URL`.
    pub fn from_env() -> Result<SekurePayClient, Error> {
        Ok(SekurePayClient::new(Client::from_env()?))
    }

    /// The async client behind this one.
    pub fn async_client(&self) -> &Client {
        &self.client
    }

    /// See [`Client::create_order`]: totals computed and checked, retried only when nothing left.
    pub fn create_order(&self, request: CreateOrder) -> Result<Order, Error> {
        let c = self.client.clone();
        block_on(async move { c.create_order(request).await })
    }

    pub fn get_order(&self, order_id: &str) -> Result<Order, Error> {
        let (c, id) = (self.client.clone(), order_id.to_owned());
        block_on(async move { c.get_order(&id).await })
    }

    /// See [`Client::find_or_create_order`]: settles an unclear create by the order's own id.
    pub fn find_or_create_order(&self, request: CreateOrder) -> Result<Order, Error> {
        let c = self.client.clone();
        block_on(async move { c.find_or_create_order(request).await })
    }
}
