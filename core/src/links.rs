//! Provider-neutral payment links over Saferpay Secure PayGate offers and secuconnect Smart
//! Transactions. Application code written against [`PaymentLink`] runs on either provider
//! unchanged: create a link, send the payer to `url`, read the status back when the payer
//! returns or a notification arrives.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Provider};
use crate::money::Money;
use crate::saferpay::{self, OfferStatus};
use crate::secuconnect::{self, CreateSmartTransaction, SmartTransaction, SmartTransactionStatus};

/// Where a payment link stands, in the same words for every provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    Open,
    Paid,
    Expired,
    Canceled,
    Failed,
}

impl LinkStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            LinkStatus::Open => "open",
            LinkStatus::Paid => "paid",
            LinkStatus::Expired => "expired",
            LinkStatus::Canceled => "canceled",
            LinkStatus::Failed => "failed",
        }
    }
}

impl std::fmt::Display for LinkStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A payment link on either provider.
#[derive(Clone, Debug, Serialize)]
pub struct PaymentLink {
    pub provider: Provider,
    /// Offer id (Saferpay) or Smart Transaction id (secuconnect).
    pub id: String,
    /// Where to send the payer.
    pub url: String,
    pub status: LinkStatus,
    /// The provider's own status word, for diagnostics.
    pub provider_status: String,
    pub amount: Option<Money>,
    pub order_id: Option<String>,
    /// The payment behind a paid link (Saferpay transaction id / secuconnect payment
    /// transaction id), for capture or refund.
    pub transaction_id: Option<String>,
    pub raw: Value,
}

/// What a payment link needs, on any provider.
#[derive(Clone, Debug)]
pub struct CreatePaymentLink {
    pub amount: Money,
    pub order_id: String,
    pub description: String,
    /// When the link stops working. Saferpay needs one (1 h to 180 days ahead; default 7
    /// days); secuconnect links do not expire on their own, so a value there is refused
    /// rather than silently ignored.
    pub expires_at: Option<DateTime<FixedOffset>>,
}

impl CreatePaymentLink {
    pub fn new(amount: Money, order_id: impl Into<String>, description: impl Into<String>) -> Self {
        CreatePaymentLink {
            amount,
            order_id: order_id.into(),
            description: description.into(),
            expires_at: None,
        }
    }
}

/// Default lifetime of a Saferpay payment link when none is given.
pub const DEFAULT_SAFERPAY_LINK_DAYS: i64 = 7;

pub(crate) fn offer_status(status: &OfferStatus) -> LinkStatus {
    match status {
        OfferStatus::Open => LinkStatus::Open,
        OfferStatus::Paid => LinkStatus::Paid,
        OfferStatus::Expired => LinkStatus::Expired,
        OfferStatus::Disabled => LinkStatus::Canceled,
        // A status we do not know yet: not paid, so still open as far as we can tell.
        OfferStatus::Unknown(_) => LinkStatus::Open,
    }
}

fn from_offer(offer: saferpay::Offer) -> PaymentLink {
    PaymentLink {
        provider: Provider::Saferpay,
        status: offer_status(&offer.status),
        provider_status: offer.status.as_str().to_owned(),
        id: offer.offer_id,
        url: offer.payment_link,
        amount: offer.amount,
        order_id: offer.order_id,
        transaction_id: offer.transaction_id,
        raw: offer.raw,
    }
}

impl saferpay::Client {
    /// A Secure PayGate offer as a provider-neutral payment link.
    pub async fn create_payment_link(
        &self,
        request: CreatePaymentLink,
    ) -> Result<PaymentLink, Error> {
        let expires_at = request.expires_at.unwrap_or_else(|| {
            (Utc::now() + Duration::days(DEFAULT_SAFERPAY_LINK_DAYS)).fixed_offset()
        });
        let offer = saferpay::CreateOffer::new(
            request.amount,
            request.order_id,
            request.description,
            expires_at,
        );
        Ok(from_offer(self.create_offer(offer).await?))
    }

    pub async fn get_payment_link(&self, id: &str) -> Result<PaymentLink, Error> {
        Ok(from_offer(self.get_offer(id, None).await?))
    }

    /// Withdraws the link (deletes the offer) and returns it as it stands afterwards.
    pub async fn cancel_payment_link(&self, id: &str) -> Result<PaymentLink, Error> {
        self.delete_offer(id, None).await?;
        self.get_payment_link(id).await
    }
}

pub(crate) fn smart_transaction_status(status: &SmartTransactionStatus) -> LinkStatus {
    if status.is_paid() {
        return LinkStatus::Paid;
    }
    match status {
        SmartTransactionStatus::Failed => LinkStatus::Failed,
        SmartTransactionStatus::Cancelled => LinkStatus::Canceled,
        // created, processing, approved (reserved, not captured), pending (capture under
        // way) and values we do not know yet: not paid yet.
        _ => LinkStatus::Open,
    }
}

fn from_smart_transaction(stx: SmartTransaction) -> PaymentLink {
    PaymentLink {
        provider: Provider::Secuconnect,
        status: smart_transaction_status(&stx.status),
        provider_status: stx.status.as_str().to_owned(),
        url: stx.payment_link.clone().unwrap_or_default(),
        transaction_id: stx.transactions.iter().find_map(|t| t.id.clone()),
        id: stx.id,
        amount: stx.amount,
        order_id: stx.merchant_ref,
        raw: stx.raw,
    }
}

impl secuconnect::Client {
    /// A Smart Transaction (intent `sale`, captured on payment) as a provider-neutral
    /// payment link; `order_id` becomes the merchant reference, `description` the purpose
    /// line on the payer's statement.
    pub async fn create_payment_link(
        &self,
        request: CreatePaymentLink,
    ) -> Result<PaymentLink, Error> {
        if request.expires_at.is_some() {
            return Err(Error::validation(
                "expires_at",
                "secuconnect payment links do not expire; cancel the link instead",
            ));
        }
        // A Smart Transaction may start at zero and be completed later; a link to pay is
        // for an amount (as on Saferpay).
        if request.amount.is_zero() {
            return Err(Error::validation("amount", "must be greater than zero"));
        }
        crate::validate::length("order_id", &request.order_id, 1, 255)?;
        crate::validate::length("description", &request.description, 1, 255)?;
        let mut stx = CreateSmartTransaction::new(request.amount);
        stx.merchant_ref = Some(request.order_id);
        stx.transaction_ref = Some(request.description);
        stx.auto_capture = Some(true);
        Ok(from_smart_transaction(
            self.create_smart_transaction(stx).await?,
        ))
    }

    pub async fn get_payment_link(&self, id: &str) -> Result<PaymentLink, Error> {
        Ok(from_smart_transaction(
            self.get_smart_transaction(id).await?,
        ))
    }

    /// Withdraws an unpaid link (aborts the Smart Transaction).
    pub async fn cancel_payment_link(&self, id: &str) -> Result<PaymentLink, Error> {
        Ok(from_smart_transaction(
            self.abort_smart_transaction(id).await?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offer_statuses_map_to_link_statuses() {
        assert_eq!(offer_status(&OfferStatus::Open), LinkStatus::Open);
        assert_eq!(offer_status(&OfferStatus::Paid), LinkStatus::Paid);
        assert_eq!(offer_status(&OfferStatus::Expired), LinkStatus::Expired);
        assert_eq!(offer_status(&OfferStatus::Disabled), LinkStatus::Canceled);
        assert_eq!(
            offer_status(&OfferStatus::from("ARCHIVED")),
            LinkStatus::Open
        );
        assert_eq!(
            serde_json::to_value(LinkStatus::Canceled).unwrap(),
            "canceled"
        );
        for (status, link) in [
            ("created", LinkStatus::Open),
            ("approved", LinkStatus::Open),
            ("pending", LinkStatus::Open),
            ("ok", LinkStatus::Paid),
            ("received", LinkStatus::Paid),
            ("failed", LinkStatus::Failed),
            ("cancelled", LinkStatus::Canceled),
            ("canceled", LinkStatus::Canceled),
            ("brand_new", LinkStatus::Open),
        ] {
            assert_eq!(
                smart_transaction_status(&SmartTransactionStatus::from(status)),
                link,
                "{status}"
            );
        }
    }
}
