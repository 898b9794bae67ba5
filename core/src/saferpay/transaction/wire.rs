//! The JSON API's shapes for the transaction calls and their decoding into the model.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Provider};
use crate::lenient;
use crate::money::Money;
use crate::saferpay::json_api::transaction_reference;
use crate::saferpay::management::typed;
use crate::saferpay::models::{WireAmount, amount_to_wire, require_positive};

use super::*;

/// `{"TransactionReference": {"TransactionId": …}}`, validated.
pub(super) fn reference_body(transaction_id: &str) -> Result<Map<String, Value>, Error> {
    let mut body = Map::new();
    body.insert(
        "TransactionReference".into(),
        transaction_reference("transaction_id", transaction_id)?,
    );
    Ok(body)
}

pub(crate) fn capture_body(
    transaction_id: &str,
    amount: Option<&Money>,
    pending: Option<&PendingNotification>,
) -> Result<Map<String, Value>, Error> {
    let mut body = reference_body(transaction_id)?;
    if let Some(amount) = amount {
        require_positive("amount", amount)?;
        body.insert("Amount".into(), amount_to_wire(amount));
    }
    if let Some(pending) = pending {
        body.insert(
            "PendingNotification".into(),
            pending.to_wire("pending_notification")?,
        );
    }
    Ok(body)
}

/// Serialises MultipartCapture calls per transaction within this client.
pub(crate) type MultipartLocks = crate::http::KeyedLocks;

// ---- wire shapes ----

#[derive(Deserialize)]
pub(super) struct WirePayment {
    #[serde(rename = "Transaction")]
    transaction: WireTransaction,
    #[serde(rename = "PaymentMeans", default)]
    payment_means: Option<WirePaymentMeans>,
    #[serde(rename = "Liability", default)]
    liability: Option<WireLiability>,
    #[serde(rename = "RegistrationResult", default)]
    registration_result: Option<WireRegistrationResult>,
}

#[derive(Deserialize)]
pub(super) struct WireTransaction {
    #[serde(rename = "Type")]
    transaction_type: TransactionType,
    #[serde(rename = "Status")]
    status: TransactionStatus,
    #[serde(rename = "Id", deserialize_with = "lenient::string_like")]
    id: String,
    #[serde(rename = "Amount")]
    amount: WireAmount,
    #[serde(
        rename = "Date",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    date: Option<String>,
    #[serde(
        rename = "OrderId",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    order_id: Option<String>,
    #[serde(
        rename = "CaptureId",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    capture_id: Option<String>,
    #[serde(rename = "SixTransactionReference", default)]
    six_transaction_reference: Option<String>,
    #[serde(rename = "AcquirerName", default)]
    acquirer_name: Option<String>,
    #[serde(
        rename = "AcquirerReference",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    acquirer_reference: Option<String>,
    #[serde(
        rename = "ApprovalCode",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    approval_code: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WirePaymentMeans {
    #[serde(rename = "Brand", default)]
    brand: Option<WireBrand>,
    #[serde(rename = "DisplayText", default)]
    display_text: Option<String>,
    #[serde(rename = "Card", default)]
    card: Option<WireCard>,
    #[serde(rename = "BankAccount", default)]
    bank_account: Option<WireBankAccount>,
    #[serde(rename = "PayPal", default)]
    paypal: Option<WirePayPal>,
    #[serde(
        rename = "Wallet",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    wallet: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WireBrand {
    #[serde(rename = "PaymentMethod", default)]
    payment_method: Option<PaymentMethod>,
    #[serde(rename = "Name", default)]
    name: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WireCard {
    #[serde(rename = "MaskedNumber", default)]
    masked_number: Option<String>,
    #[serde(
        rename = "ExpYear",
        default,
        deserialize_with = "lenient::opt_i64_like"
    )]
    exp_year: Option<i64>,
    #[serde(
        rename = "ExpMonth",
        default,
        deserialize_with = "lenient::opt_i64_like"
    )]
    exp_month: Option<i64>,
    #[serde(rename = "HolderName", default)]
    holder_name: Option<String>,
    #[serde(rename = "CountryCode", default)]
    country_code: Option<String>,
    #[serde(rename = "HolderSegment", default)]
    holder_segment: Option<String>,
    #[serde(rename = "FundingSource", default)]
    funding_source: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WireBankAccount {
    #[serde(rename = "IBAN", default)]
    iban: Option<String>,
    #[serde(rename = "HolderName", default)]
    holder_name: Option<String>,
    #[serde(rename = "BIC", default)]
    bic: Option<String>,
    #[serde(rename = "BankName", default)]
    bank_name: Option<String>,
    #[serde(rename = "CountryCode", default)]
    country_code: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WirePayPal {
    #[serde(rename = "PayerId", default)]
    payer_id: Option<String>,
    #[serde(rename = "Email", default)]
    email: Option<String>,
    #[serde(rename = "SellerProtectionStatus", default)]
    seller_protection_status: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WireLiability {
    #[serde(
        rename = "LiabilityShift",
        default,
        deserialize_with = "lenient::opt_bool_like"
    )]
    liability_shift: Option<bool>,
    #[serde(rename = "LiableEntity", default)]
    liable_entity: Option<LiableEntity>,
    #[serde(rename = "InPsd2Scope", default)]
    in_psd2_scope: Option<String>,
    #[serde(rename = "ThreeDs", default)]
    three_ds: Option<WireThreeDs>,
}

#[derive(Deserialize)]
pub(super) struct WireThreeDs {
    #[serde(
        rename = "Authenticated",
        default,
        deserialize_with = "lenient::opt_bool_like"
    )]
    authenticated: Option<bool>,
    #[serde(rename = "Xid", default)]
    xid: Option<String>,
    #[serde(rename = "AuthenticationType", default)]
    authentication_type: Option<String>,
    #[serde(
        rename = "Version",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    version: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WireRegistrationResult {
    #[serde(
        rename = "Success",
        default,
        deserialize_with = "lenient::opt_bool_like"
    )]
    success: Option<bool>,
    #[serde(rename = "Alias", default)]
    alias: Option<WireAlias>,
    #[serde(rename = "Error", default)]
    error: Option<WireRegistrationError>,
}

#[derive(Deserialize)]
pub(super) struct WireAlias {
    #[serde(rename = "Id", default, deserialize_with = "lenient::opt_string_like")]
    id: Option<String>,
    #[serde(
        rename = "Lifetime",
        default,
        deserialize_with = "lenient::opt_i64_like"
    )]
    lifetime: Option<i64>,
}

#[derive(Deserialize)]
pub(super) struct WireRegistrationError {
    #[serde(rename = "ErrorName", default)]
    error_name: Option<String>,
    #[serde(rename = "ErrorMessage", default)]
    error_message: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WireCapture {
    #[serde(
        rename = "CaptureId",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    capture_id: Option<String>,
    #[serde(rename = "Status")]
    status: TransactionStatus,
    #[serde(
        rename = "Date",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    date: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WireCancellation {
    #[serde(rename = "TransactionId", deserialize_with = "lenient::string_like")]
    transaction_id: String,
    #[serde(
        rename = "OrderId",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    order_id: Option<String>,
    #[serde(
        rename = "Date",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    date: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WirePendingStatus {
    #[serde(rename = "TransactionId", deserialize_with = "lenient::string_like")]
    transaction_id: String,
    #[serde(rename = "Status")]
    status: TransactionStatus,
    #[serde(
        rename = "Date",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    date: Option<String>,
    #[serde(
        rename = "OrderId",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    order_id: Option<String>,
}

pub(super) fn int_in<T: TryFrom<i64>>(field: &str, value: Option<i64>) -> Result<Option<T>, Error> {
    value
        .map(|v| {
            T::try_from(v).map_err(|_| {
                Error::decode(Provider::Saferpay, format!("{field} {v} is out of range"))
            })
        })
        .transpose()
}

/// Decodes an Assert, Inquire or Refund answer (`Transaction` + `PaymentMeans` …).
pub(crate) fn payment_from_wire(raw: Value) -> Result<Payment, Error> {
    let wire: WirePayment = typed(&raw)?;
    let t = wire.transaction;
    let transaction = Transaction {
        id: t.id,
        transaction_type: t.transaction_type,
        status: t.status,
        amount: t.amount.to_money()?,
        order_id: t.order_id,
        capture_id: t.capture_id,
        date: t.date,
        six_transaction_reference: t.six_transaction_reference,
        acquirer_name: t.acquirer_name,
        acquirer_reference: t.acquirer_reference,
        approval_code: t.approval_code,
    };
    let payment_means = means_from_wire(wire.payment_means)?;
    let liability = wire.liability.map(|l| Liability {
        liability_shift: l.liability_shift.unwrap_or(false),
        // Without a named entity the merchant carries the risk.
        liable_entity: l.liable_entity.unwrap_or(LiableEntity::Merchant),
        in_psd2_scope: l.in_psd2_scope,
        three_ds: l.three_ds.map(|d| ThreeDs {
            authenticated: d.authenticated,
            xid: d.xid,
            authentication_type: d.authentication_type,
            version: d.version,
        }),
    });
    let registration_result = wire.registration_result.map(|r| RegistrationResult {
        success: r.success.unwrap_or(false),
        alias_id: r.alias.as_ref().and_then(|a| a.id.clone()),
        alias_lifetime: r.alias.and_then(|a| a.lifetime),
        error_name: r.error.as_ref().and_then(|e| e.error_name.clone()),
        error_message: r.error.and_then(|e| e.error_message),
    });
    Ok(Payment {
        transaction,
        payment_means,
        liability,
        registration_result,
        raw,
    })
}

fn means_from_wire(means: Option<WirePaymentMeans>) -> Result<PaymentMeans, Error> {
    Ok(match means {
        None => PaymentMeans::default(),
        Some(m) => PaymentMeans {
            payment_method: m.brand.as_ref().and_then(|b| b.payment_method.clone()),
            brand_name: m.brand.and_then(|b| b.name),
            display_text: m.display_text,
            card: m
                .card
                .map(|c| -> Result<Card, Error> {
                    Ok(Card {
                        masked_number: c.masked_number,
                        exp_year: int_in("PaymentMeans.Card.ExpYear", c.exp_year)?,
                        exp_month: int_in("PaymentMeans.Card.ExpMonth", c.exp_month)?,
                        holder_name: c.holder_name,
                        country_code: c.country_code,
                        holder_segment: c.holder_segment,
                        funding_source: c.funding_source,
                    })
                })
                .transpose()?,
            bank_account: m.bank_account.map(|b| BankAccount {
                iban: b.iban,
                holder_name: b.holder_name,
                bic: b.bic,
                bank_name: b.bank_name,
                country_code: b.country_code,
            }),
            paypal: m.paypal.map(|p| PayPalAccount {
                payer_id: p.payer_id,
                email: p.email,
                seller_protection_status: p.seller_protection_status,
            }),
            wallet: m.wallet,
        },
    })
}

/// Decodes a `PaymentMeans` container on its own (the alias answers carry one).
pub(crate) fn payment_means_from_wire(value: Option<&Value>) -> Result<PaymentMeans, Error> {
    match value {
        None | Some(Value::Null) => Ok(PaymentMeans::default()),
        Some(value) => means_from_wire(Some(typed(value)?)),
    }
}

pub(crate) fn capture_from_wire(raw: Value) -> Result<Capture, Error> {
    let wire: WireCapture = typed(&raw)?;
    Ok(Capture {
        capture_id: wire.capture_id,
        status: wire.status,
        date: wire.date,
        raw,
    })
}

pub(crate) fn cancellation_from_wire(raw: Value) -> Result<Cancellation, Error> {
    let wire: WireCancellation = typed(&raw)?;
    Ok(Cancellation {
        transaction_id: wire.transaction_id,
        order_id: wire.order_id,
        date: wire.date,
        raw,
    })
}

pub(crate) fn capture_status_from_wire(raw: Value) -> Result<CaptureStatus, Error> {
    let wire: WirePendingStatus = typed(&raw)?;
    Ok(CaptureStatus {
        transaction_id: wire.transaction_id,
        status: wire.status,
        date: wire.date,
        order_id: wire.order_id,
        raw,
    })
}

pub(crate) fn refund_status_from_wire(raw: Value) -> Result<RefundStatus, Error> {
    let wire: WirePendingStatus = typed(&raw)?;
    Ok(RefundStatus {
        transaction_id: wire.transaction_id,
        status: wire.status,
        date: wire.date,
        order_id: wire.order_id,
        raw,
    })
}

/// A fresh refund `OrderId` (`Id[1..80]`) when the caller gives none: the key that lets an
/// ambiguous refund be settled with `Transaction/Inquire`.
pub(crate) fn new_refund_order_id() -> String {
    format!("pw-rf-{}", uuid::Uuid::new_v4().simple())
}

pub(super) fn already_captured(error: &Error) -> bool {
    error.code() == Some("TRANSACTION_ALREADY_CAPTURED")
}

pub(super) fn wrong_state(error: &Error) -> bool {
    error.kind() == ErrorKind::Conflict
}
