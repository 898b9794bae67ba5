//! Blocking payment links, the same three calls on both link providers.

use super::{SaferpayClient, SecuconnectClient};
use crate::error::Error;
use crate::links::{CreatePaymentLink, PaymentLink};
use crate::rt::block_on;

impl SaferpayClient {
    pub fn create_payment_link(&self, request: CreatePaymentLink) -> Result<PaymentLink, Error> {
        let c = self.async_client().clone();
        block_on(async move { c.create_payment_link(request).await })
    }

    pub fn get_payment_link(&self, id: &str) -> Result<PaymentLink, Error> {
        let (c, id) = (self.async_client().clone(), id.to_owned());
        block_on(async move { c.get_payment_link(&id).await })
    }

    pub fn cancel_payment_link(&self, id: &str) -> Result<PaymentLink, Error> {
        let (c, id) = (self.async_client().clone(), id.to_owned());
        block_on(async move { c.cancel_payment_link(&id).await })
    }
}

impl SecuconnectClient {
    pub fn create_payment_link(&self, request: CreatePaymentLink) -> Result<PaymentLink, Error> {
        let c = self.async_client().clone();
        block_on(async move { c.create_payment_link(request).await })
    }

    pub fn get_payment_link(&self, id: &str) -> Result<PaymentLink, Error> {
        let (c, id) = (self.async_client().clone(), id.to_owned());
        block_on(async move { c.get_payment_link(&id).await })
    }

    pub fn cancel_payment_link(&self, id: &str) -> Result<PaymentLink, Error> {
        let (c, id) = (self.async_client().clone(), id.to_owned());
        block_on(async move { c.cancel_payment_link(&id).await })
    }
}
