//! Secure PayGate offers: single-use payment links created through the Management API.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::Client;
use super::management::{ManagementCall, segment, typed};
use super::models::{
    BillingAddressForm, Order, Payer, WireAmount, amount_to_wire, opt_money, require_positive,
};
use crate::error::Error;
use crate::money::Money;
use crate::validate;

crate::open_enum! {
    /// Offer status: `OPEN` until paid, expired or deleted.
    pub enum OfferStatus {
        Open = "OPEN",
        Paid = "PAID",
        Expired = "EXPIRED",
        Disabled = "DISABLED",
    }
}

const CONDITIONS: &[&str] = &[
    "NONE",
    "THREE_DS_AUTHENTICATION_SUCCESSFUL_OR_ATTEMPTED",
    "WITH_SUCCESSFUL_THREE_DS_CHALLENGE",
];

const MAX_PAYMENT_ATTEMPTS: &[u32] = &[0, 1, 3, 5, 10];

crate::operation_input! {
    /// Everything `create_offer` accepts. Start from [`CreateOffer::new`] and set what you need.
    pub struct CreateOffer {
        pub amount: Money,
        pub order_id: String,
        /// Shown on the payment page; at most 100 characters.
        pub description: String,
        /// At least 1 hour and at most 180 days ahead.
        #[serde(deserialize_with = "crate::input::deserialize_timestamp")]
        pub expires_at: DateTime<FixedOffset>,
        pub payer: Option<Payer> = null,
        pub pre_auth: bool = false,
        pub config_set: Option<String> = null,
        /// One of 0 (unlimited), 1, 3, 5, 10.
        pub max_payment_attempts: Option<u32> = null,
        pub register_alias: bool = false,
        pub billing_address_form: Option<BillingAddressForm> = null,
        pub order: Option<Order> = null,
        /// `NONE`, `THREE_DS_AUTHENTICATION_SUCCESSFUL_OR_ATTEMPTED` or
        /// `WITH_SUCCESSFUL_THREE_DS_CHALLENGE`.
        pub condition: Option<String> = null,
        pub terminal_id: Option<String> = null,
    }
}

impl CreateOffer {
    pub fn new(
        amount: Money,
        order_id: impl Into<String>,
        description: impl Into<String>,
        expires_at: DateTime<FixedOffset>,
    ) -> CreateOffer {
        CreateOffer {
            amount,
            order_id: order_id.into(),
            description: description.into(),
            expires_at,
            payer: None,
            pre_auth: false,
            config_set: None,
            max_payment_attempts: None,
            register_alias: false,
            billing_address_form: None,
            order: None,
            condition: None,
            terminal_id: None,
        }
    }

    /// Validates every documented limit and builds the request body.
    pub(crate) fn to_wire(&self, now: DateTime<Utc>) -> Result<Value, Error> {
        require_positive("amount", &self.amount)?;
        validate::id("order_id", &self.order_id, 1, 80)?;
        validate::length("description", &self.description, 1, 100)?;
        let expires_utc = self.expires_at.with_timezone(&Utc);
        if expires_utc < now + Duration::hours(1) {
            return Err(Error::validation(
                "expires_at",
                "must be at least 1 hour in the future",
            ));
        }
        if expires_utc > now + Duration::days(180) {
            return Err(Error::validation(
                "expires_at",
                "must be at most 180 days in the future",
            ));
        }
        let mut payment = Map::new();
        payment.insert("Amount".into(), amount_to_wire(&self.amount));
        payment.insert("OrderId".into(), json!(self.order_id));
        payment.insert("Description".into(), json!(self.description));
        if self.pre_auth {
            payment.insert("Options".into(), json!({"PreAuth": true}));
        }
        let mut body = Map::new();
        body.insert("Payment".into(), Value::Object(payment));
        body.insert(
            "ExpirationDate".into(),
            json!(self.expires_at.format("%Y-%m-%dT%H:%M:%S%:z").to_string()),
        );
        // Payer is mandatory on the wire even when empty.
        let payer = match &self.payer {
            Some(payer) => payer.to_wire("payer", true)?,
            None => json!({}),
        };
        body.insert("Payer".into(), payer);
        if let Some(config_set) = &self.config_set {
            validate::id("config_set", config_set, 1, 20)?;
            body.insert("ConfigSet".into(), json!(config_set));
        }
        if let Some(form) = &self.billing_address_form {
            body.insert(
                "BillingAddressForm".into(),
                form.to_wire("billing_address_form", false)?,
            );
        }
        if let Some(condition) = &self.condition {
            validate::one_of("condition", condition, CONDITIONS)?;
            body.insert("Condition".into(), json!(condition));
        }
        if let Some(attempts) = self.max_payment_attempts {
            if !MAX_PAYMENT_ATTEMPTS.contains(&attempts) {
                return Err(Error::validation(
                    "max_payment_attempts",
                    format!("must be one of 0 (unlimited), 1, 3, 5, 10 (got {attempts})"),
                ));
            }
            body.insert("MaxPaymentAttempts".into(), json!(attempts));
        }
        if let Some(order) = &self.order {
            body.insert(
                "Order".into(),
                order.to_wire("order", self.amount.currency())?,
            );
        }
        if self.register_alias {
            body.insert("RegisterAlias".into(), json!({"IdGenerator": "RANDOM"}));
        }
        Ok(Value::Object(body))
    }
}

crate::output_record! {
    /// A Secure PayGate offer (a single-use payment link).
    #[derive(Clone, Debug, Serialize)]
    pub struct Offer {
        pub offer_id: String,
        /// Send the payer here.
        pub payment_link: String,
        /// `OPEN`, `PAID`, `EXPIRED`, `DISABLED` (or a newer provider value).
        pub status: OfferStatus,
        pub amount: Option<Money>,
        pub order_id: Option<String>,
        pub description: Option<String>,
        /// ISO 8601, as sent by Saferpay.
        pub created_at: Option<String>,
        /// ISO 8601, as sent by Saferpay.
        pub expires_at: Option<String>,
        /// Set once the offer is paid; use it with capture, cancel, inquire.
        pub transaction_id: Option<String>,
        pub terminal_id: String,
        /// The provider's full answer.
        pub raw: Value,
    }
}

#[derive(Deserialize)]
struct WireOffer {
    #[serde(rename = "OfferId")]
    offer_id: String,
    #[serde(rename = "PaymentLink")]
    payment_link: String,
    #[serde(rename = "Status")]
    status: Option<OfferStatus>,
    #[serde(rename = "Payment")]
    payment: Option<WirePayment>,
    #[serde(rename = "CreationDate")]
    creation_date: Option<String>,
    #[serde(rename = "ExpirationDate")]
    expiration_date: Option<String>,
    #[serde(rename = "TransactionId")]
    transaction_id: Option<String>,
}

#[derive(Deserialize)]
struct WirePayment {
    #[serde(rename = "Amount")]
    amount: Option<WireAmount>,
    #[serde(rename = "OrderId")]
    order_id: Option<String>,
    #[serde(rename = "Description")]
    description: Option<String>,
}

pub(crate) fn offer_from_wire(raw: Value, terminal_id: &str) -> Result<Offer, Error> {
    let wire: WireOffer = typed(&raw)?;
    let payment = wire.payment.as_ref();
    Ok(Offer {
        offer_id: wire.offer_id,
        payment_link: wire.payment_link,
        status: wire.status.unwrap_or(OfferStatus::Open),
        amount: opt_money(payment.and_then(|p| p.amount.as_ref()))?,
        order_id: payment.and_then(|p| p.order_id.clone()),
        description: payment.and_then(|p| p.description.clone()),
        created_at: wire.creation_date,
        expires_at: wire.expiration_date,
        transaction_id: wire.transaction_id,
        terminal_id: terminal_id.to_owned(),
        raw,
    })
}

impl Client {
    /// Creates a Secure PayGate offer and returns its payment link.
    ///
    /// Never sent twice once it may have reached Saferpay: the Management API has no way to
    /// find an offer by its order id, and a second offer for the same order could be paid
    /// twice. After a timeout, reset, 5xx or unreadable answer the call fails with an
    /// `outcome_unknown` error (only connect errors and 429 refusals are retried; the
    /// `Saferpay-RequestId` is the same on every attempt, as the spec asks).
    pub async fn create_offer(&self, request: CreateOffer) -> Result<Offer, Error> {
        let terminal_id = self.resolve_terminal(request.terminal_id.as_deref())?;
        let body = request.to_wire(Utc::now())?;
        self.spawn(move |client| async move {
            let mut call = ManagementCall::new(
                "saferpay.offers.create",
                Method::POST,
                format!("/terminals/{terminal_id}/spg-offers"),
                "1.35",
            );
            call.body = Some(body);
            call.settle = Some(format!(
                "the Saferpay Backoffice (Secure PayGate offers, order id {:?}): no API call \
                 lists offers by order id; the lost answer's link was handed to nobody",
                request.order_id
            ));
            let raw = client.management(call).await?;
            let mut offer = offer_from_wire(raw, &terminal_id)?;
            // The create answer only has id and link; fill in what we sent.
            offer.amount = offer.amount.or(Some(request.amount));
            offer.order_id = offer.order_id.or(Some(request.order_id));
            offer.description = offer.description.or(Some(request.description));
            offer.expires_at = offer.expires_at.or_else(|| {
                Some(
                    request
                        .expires_at
                        .format("%Y-%m-%dT%H:%M:%S%:z")
                        .to_string(),
                )
            });
            Ok(offer)
        })
        .await
    }

    /// Reads an offer (status, and the transaction id once paid). Not for polling: call it
    /// when the payer returns or a notification arrives.
    pub async fn get_offer(
        &self,
        offer_id: &str,
        terminal_id: Option<&str>,
    ) -> Result<Offer, Error> {
        let terminal_id = self.resolve_terminal(terminal_id)?;
        validate::length("offer_id", offer_id, 1, 64)?;
        let offer_id = offer_id.to_owned();
        self.spawn(move |client| async move {
            let raw = client
                .management(ManagementCall::new(
                    "saferpay.offers.get",
                    Method::GET,
                    format!("/terminals/{terminal_id}/spg-offers/{}", segment(&offer_id)),
                    "1.35",
                ))
                .await?;
            offer_from_wire(raw, &terminal_id)
        })
        .await
    }

    /// Deletes (disables) an offer before it is paid. Idempotent: deleting a deleted offer
    /// changes nothing, so it is retried like a read.
    pub async fn delete_offer(
        &self,
        offer_id: &str,
        terminal_id: Option<&str>,
    ) -> Result<(), Error> {
        let terminal_id = self.resolve_terminal(terminal_id)?;
        validate::length("offer_id", offer_id, 1, 64)?;
        let offer_id = offer_id.to_owned();
        self.spawn(move |client| async move {
            let mut call = ManagementCall::new(
                "saferpay.offers.delete",
                Method::DELETE,
                format!("/terminals/{terminal_id}/spg-offers/{}", segment(&offer_id)),
                "1.35",
            );
            // After an attempt that may have deleted it, "not found" means done.
            call.already_done = Some(|e| e.kind() == crate::error::ErrorKind::NotFound);
            client
                .management_with(call, Some(|| async { Ok(Some(Value::Null)) }))
                .await?;
            Ok(())
        })
        .await
    }
}
