//! The transaction lifecycle on the JSON API: Capture (full, partial, multipart), Cancel,
//! Refund, Inquire, AssertCapture, AssertRefund, and the `Transaction`/`PaymentMeans` models
//! that PaymentPage Assert shares.
//!
//! Every call goes through [`Client::json_api`](super::Client): one RequestId per logical call,
//! RetryIndicator counting the attempts, retries only where Saferpay's `Behavior` allows and
//! where sending again cannot do a side effect twice (`docs/exactly-once.md`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::Client;
use super::json_api::{JsonApiCall, capture_reference, order_reference, transaction_reference};
use super::management::typed;
use super::models::{WireAmount, amount_to_wire, require_positive};
use crate::error::{Error, ErrorKind, Provider};
use crate::http::{Lookup, Safety};
use crate::lenient;
use crate::money::Money;
use crate::validate;

crate::open_enum! {
    /// `Transaction.Status` (one L in CANCELED). Capture answers use CAPTURED or PENDING.
    pub enum TransactionStatus {
        Authorized = "AUTHORIZED",
        Captured = "CAPTURED",
        Pending = "PENDING",
        Canceled = "CANCELED",
    }
}

crate::open_enum! {
    /// `Transaction.Type`: a payment, or a refund (itself a transaction to capture).
    pub enum TransactionType {
        Payment = "PAYMENT",
        Refund = "REFUND",
    }
}

crate::open_enum! {
    /// `Brand.PaymentMethod`. Requests accept only the known values; answers keep new ones.
    pub enum PaymentMethod {
        AccountToAccount = "ACCOUNTTOACCOUNT",
        Alipay = "ALIPAY",
        Amex = "AMEX",
        Bancontact = "BANCONTACT",
        Blik = "BLIK",
        Diners = "DINERS",
        Card = "CARD",
        DirectDebit = "DIRECTDEBIT",
        EPrzelewy = "EPRZELEWY",
        Eps = "EPS",
        GiftCard = "GIFTCARD",
        Ideal = "IDEAL",
        Jcb = "JCB",
        Klarna = "KLARNA",
        Maestro = "MAESTRO",
        Mastercard = "MASTERCARD",
        Payconiq = "PAYCONIQ",
        PayPal = "PAYPAL",
        PostFinancePay = "POSTFINANCEPAY",
        Reka = "REKA",
        Twint = "TWINT",
        UnionPay = "UNIONPAY",
        Visa = "VISA",
        WeChatPay = "WECHATPAY",
        Wero = "WERO",
    }
}

crate::open_enum! {
    /// Wallets a payment page can offer.
    pub enum Wallet {
        ApplePay = "APPLEPAY",
        GooglePay = "GOOGLEPAY",
        ClickToPay = "CLICKTOPAY",
    }
}

crate::open_enum! {
    /// Who carries the liability for a payment.
    pub enum LiableEntity {
        Merchant = "MERCHANT",
        ThreeDs = "THREEDS",
    }
}

/// A payment or refund transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Transaction {
    /// The id every later call (capture, cancel, inquire) uses.
    pub id: String,
    /// `type` in every binding (and in serialised results), as in API.md.
    #[serde(rename = "type")]
    pub transaction_type: TransactionType,
    pub status: TransactionStatus,
    pub amount: Money,
    pub order_id: Option<String>,
    /// Present once captured; refunds reference it, so store it.
    pub capture_id: Option<String>,
    /// ISO 8601 as sent by Saferpay.
    pub date: Option<String>,
    pub six_transaction_reference: Option<String>,
    pub acquirer_name: Option<String>,
    pub acquirer_reference: Option<String>,
    pub approval_code: Option<String>,
}

/// How the payer paid. `brand_name` and `display_text` are for display only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PaymentMeans {
    pub payment_method: Option<PaymentMethod>,
    pub brand_name: Option<String>,
    pub display_text: Option<String>,
    pub card: Option<Card>,
    pub bank_account: Option<BankAccount>,
    pub paypal: Option<PayPalAccount>,
    pub wallet: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Card {
    pub masked_number: Option<String>,
    pub exp_year: Option<i32>,
    pub exp_month: Option<u32>,
    pub holder_name: Option<String>,
    pub country_code: Option<String>,
    /// `CONSUMER`, `CORPORATE`, … (open-ended).
    pub holder_segment: Option<String>,
    /// `CREDIT`, `DEBIT`, `PREPAID`, … (open-ended).
    pub funding_source: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BankAccount {
    pub iban: Option<String>,
    pub holder_name: Option<String>,
    pub bic: Option<String>,
    pub bank_name: Option<String>,
    pub country_code: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PayPalAccount {
    pub payer_id: Option<String>,
    pub email: Option<String>,
    pub seller_protection_status: Option<String>,
}

/// 3-D Secure and liability shift.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Liability {
    pub liability_shift: bool,
    pub liable_entity: LiableEntity,
    /// `YES`, `NO` or `UNKNOWN`.
    pub in_psd2_scope: Option<String>,
    pub three_ds: Option<ThreeDs>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ThreeDs {
    pub authenticated: Option<bool>,
    pub xid: Option<String>,
    pub authentication_type: Option<String>,
    pub version: Option<String>,
}

/// The outcome of `RegisterAlias` on a payment page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RegistrationResult {
    pub success: bool,
    pub alias_id: Option<String>,
    /// Days.
    pub alias_lifetime: Option<i64>,
    pub error_name: Option<String>,
    pub error_message: Option<String>,
}

/// A transaction with its means of payment: what Assert, Inquire and Refund return.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Payment {
    pub transaction: Transaction,
    pub payment_means: PaymentMeans,
    pub liability: Option<Liability>,
    pub registration_result: Option<RegistrationResult>,
    /// The provider's full answer (payer, DCC, fraud prevention … live here).
    pub raw: Value,
}

/// The answer to Capture and MultipartCapture.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Capture {
    /// Keep it: refunds reference the capture by this id.
    pub capture_id: Option<String>,
    /// `CAPTURED`, or `PENDING` (PostFinance Instant Payout; settle with `assert_capture`).
    pub status: TransactionStatus,
    pub date: Option<String>,
    pub raw: Value,
}

/// The answer to Cancel (HTTP 200 is the success; there is no status field).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cancellation {
    pub transaction_id: String,
    pub order_id: Option<String>,
    pub date: Option<String>,
    pub raw: Value,
}

/// The answer to AssertCapture for a pending capture.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaptureStatus {
    pub transaction_id: String,
    /// `PENDING` or `CAPTURED`.
    pub status: TransactionStatus,
    pub date: Option<String>,
    pub order_id: Option<String>,
    pub raw: Value,
}

/// The answer to AssertRefund for a pending refund.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RefundStatus {
    pub transaction_id: String,
    /// `PENDING` or `CAPTURED`.
    pub status: TransactionStatus,
    pub date: Option<String>,
    pub order_id: Option<String>,
    pub raw: Value,
}

crate::operation_input! {
    /// Everything `refund` accepts. Start from [`Refund::new`] and set what you need.
    pub struct Refund {
        /// The `CaptureId` of the capture to refund.
        pub capture_id: String,
        pub amount: Money,
        pub order_id: Option<String> = null,
        pub description: Option<String> = null,
        /// Shown on the payer's statement where supported; at most 50 characters.
        pub payer_note: Option<String> = null,
        /// Reject the refund if the sum of refunds would exceed the captured amount (without it,
        /// Saferpay lets refunds exceed the original payment).
        pub restrict_refund_amount_to_captured_amount: bool = false,
    }
}

impl Refund {
    pub fn new(capture_id: impl Into<String>, amount: Money) -> Refund {
        Refund {
            capture_id: capture_id.into(),
            amount,
            order_id: None,
            description: None,
            payer_note: None,
            restrict_refund_amount_to_captured_amount: false,
        }
    }

    pub(crate) fn to_wire(&self) -> Result<Map<String, Value>, Error> {
        require_positive("amount", &self.amount)?;
        let mut refund = Map::new();
        refund.insert("Amount".into(), amount_to_wire(&self.amount));
        if let Some(order_id) = &self.order_id {
            validate::id("order_id", order_id, 1, 80)?;
            refund.insert("OrderId".into(), json!(order_id));
        }
        if let Some(description) = &self.description {
            validate::length("description", description, 1, 1000)?;
            refund.insert("Description".into(), json!(description));
        }
        if let Some(note) = &self.payer_note {
            validate::length("payer_note", note, 1, 50)?;
            refund.insert("PayerNote".into(), json!(note));
        }
        if self.restrict_refund_amount_to_captured_amount {
            refund.insert("RestrictRefundAmountToCapturedAmount".into(), json!(true));
        }
        let mut body = Map::new();
        body.insert("Refund".into(), Value::Object(refund));
        body.insert(
            "CaptureReference".into(),
            capture_reference("capture_id", &self.capture_id)?,
        );
        Ok(body)
    }
}

/// `PARTIAL` leaves the rest of the authorization open; `FINAL` closes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MultipartCaptureType {
    Partial,
    Final,
}

impl MultipartCaptureType {
    pub fn as_str(&self) -> &'static str {
        match self {
            MultipartCaptureType::Partial => "PARTIAL",
            MultipartCaptureType::Final => "FINAL",
        }
    }
}

crate::operation_input! {
    /// One part of a multipart capture. Parts of one transaction are sent one at a time (the
    /// provider forbids parallel calls), their total must not exceed the authorization, and a
    /// transaction captured in parts cannot also be captured normally.
    pub struct MultipartCapture {
        pub transaction_id: String,
        pub amount: Money,
        pub capture_type: MultipartCaptureType,
        /// Unique per part (`Id[1..80]`); refunds of this part can reference it.
        pub order_part_id: String,
    }
}

impl MultipartCapture {
    pub fn new(
        transaction_id: impl Into<String>,
        amount: Money,
        capture_type: MultipartCaptureType,
        order_part_id: impl Into<String>,
    ) -> MultipartCapture {
        MultipartCapture {
            transaction_id: transaction_id.into(),
            amount,
            capture_type,
            order_part_id: order_part_id.into(),
        }
    }

    pub(crate) fn to_wire(&self) -> Result<Map<String, Value>, Error> {
        require_positive("amount", &self.amount)?;
        validate::id("order_part_id", &self.order_part_id, 1, 80)?;
        let mut body = reference_body(&self.transaction_id)?;
        body.insert("Amount".into(), amount_to_wire(&self.amount));
        body.insert("Type".into(), json!(self.capture_type.as_str()));
        body.insert("OrderPartId".into(), json!(self.order_part_id));
        Ok(body)
    }
}

/// `{"TransactionReference": {"TransactionId": …}}`, validated.
fn reference_body(transaction_id: &str) -> Result<Map<String, Value>, Error> {
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
) -> Result<Map<String, Value>, Error> {
    let mut body = reference_body(transaction_id)?;
    if let Some(amount) = amount {
        require_positive("amount", amount)?;
        body.insert("Amount".into(), amount_to_wire(amount));
    }
    Ok(body)
}

/// Serialises MultipartCapture calls per transaction within this client.
pub(crate) type MultipartLocks = crate::http::KeyedLocks;

// ---- wire shapes ----

#[derive(Deserialize)]
struct WirePayment {
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
struct WireTransaction {
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
struct WirePaymentMeans {
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
struct WireBrand {
    #[serde(rename = "PaymentMethod", default)]
    payment_method: Option<PaymentMethod>,
    #[serde(rename = "Name", default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct WireCard {
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
struct WireBankAccount {
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
struct WirePayPal {
    #[serde(rename = "PayerId", default)]
    payer_id: Option<String>,
    #[serde(rename = "Email", default)]
    email: Option<String>,
    #[serde(rename = "SellerProtectionStatus", default)]
    seller_protection_status: Option<String>,
}

#[derive(Deserialize)]
struct WireLiability {
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
struct WireThreeDs {
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
struct WireRegistrationResult {
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
struct WireAlias {
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
struct WireRegistrationError {
    #[serde(rename = "ErrorName", default)]
    error_name: Option<String>,
    #[serde(rename = "ErrorMessage", default)]
    error_message: Option<String>,
}

#[derive(Deserialize)]
struct WireCapture {
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
struct WireCancellation {
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
struct WirePendingStatus {
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

fn int_in<T: TryFrom<i64>>(field: &str, value: Option<i64>) -> Result<Option<T>, Error> {
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
    let payment_means = match wire.payment_means {
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
    };
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

fn already_captured(error: &Error) -> bool {
    error.code() == Some("TRANSACTION_ALREADY_CAPTURED")
}

fn wrong_state(error: &Error) -> bool {
    error.kind() == ErrorKind::Conflict
}

impl Client {
    /// Captures an authorized payment, or an authorized refund (which is what moves the
    /// refund's money). `amount` captures part of the authorization; `None` captures it all.
    /// The currency must match the authorization.
    ///
    /// Capturing twice fails with a `conflict` error `TRANSACTION_ALREADY_CAPTURED`; treat it
    /// as "already done", not as a crash. Saferpay checks the state, so an attempt that may
    /// have gone through (timeout, reset, 5xx, unreadable answer) is sent again; when that
    /// answers `TRANSACTION_ALREADY_CAPTURED`, the transaction is read with Inquire and its
    /// existing capture returned. When every attempt failed that way, Inquire settles it too:
    /// `CAPTURED` is the answer, `AUTHORIZED` means it did not happen (unless an attempt timed
    /// out and may still run: then the error is `outcome_unknown`).
    pub async fn capture(
        &self,
        transaction_id: &str,
        amount: Option<Money>,
    ) -> Result<Capture, Error> {
        let body = capture_body(transaction_id, amount.as_ref())?;
        let transaction_id = transaction_id.to_owned();
        self.spawn(move |client| async move {
            let call = JsonApiCall::new(
                "saferpay.transaction.capture",
                "/Payment/v1/Transaction/Capture",
                Safety::Idempotent,
                body,
            )
            .settle(format!("inquire({transaction_id:?})"))
            .already_done(already_captured)
            .lookup_proves();
            let lookup = || client.existing_capture(&transaction_id);
            client
                .json_api_with(call, capture_from_wire, Some(lookup))
                .await
        })
        .await
    }

    /// The capture an earlier attempt made, read with Inquire.
    async fn existing_capture(&self, transaction_id: &str) -> Lookup<Capture> {
        let payment = self.inquire_body(reference_body(transaction_id)?).await?;
        let t = &payment.transaction;
        let captured = matches!(
            t.status,
            TransactionStatus::Captured | TransactionStatus::Pending
        );
        if !captured || t.capture_id.is_none() {
            return Ok(None);
        }
        Ok(Some(Capture {
            capture_id: t.capture_id.clone(),
            status: t.status.clone(),
            date: None,
            raw: payment.raw,
        }))
    }

    /// Captures one part of an authorization. Parts of the same transaction are sent one after
    /// another within this client, because Saferpay forbids parallel multipart captures.
    ///
    /// Never sent twice once it may have reached Saferpay: the spec documents no answer to a
    /// repeated `OrderPartId`, and Inquire shows the transaction, not its parts. An ambiguous
    /// failure is an `outcome_unknown` error.
    pub async fn multipart_capture(&self, request: MultipartCapture) -> Result<Capture, Error> {
        let body = request.to_wire()?;
        self.spawn(move |client| async move {
            let lock = client
                .inner()
                .json_api
                .multipart
                .lock_for(&request.transaction_id);
            let _serialised = lock.lock().await;
            let call = JsonApiCall::new(
                "saferpay.transaction.multipart_capture",
                "/Payment/v1/Transaction/MultipartCapture",
                Safety::Unkeyed,
                body,
            )
            .settle(format!(
                "the Saferpay Backoffice or the transaction report for transaction {:?}, \
                 OrderPartId {:?} (inquire shows the transaction, not its parts)",
                request.transaction_id, request.order_part_id
            ));
            client.json_api(call, capture_from_wire).await
        })
        .await
    }

    /// Closes a multipart capture without a `FINAL` part; the rest of the authorization is
    /// released. Idempotent in effect: after an attempt that may have gone through, a repeat
    /// answered "wrong state" is checked with Inquire.
    pub async fn multipart_finalize(&self, transaction_id: &str) -> Result<(), Error> {
        let body = reference_body(transaction_id)?;
        let transaction_id = transaction_id.to_owned();
        self.spawn(move |client| async move {
            let call = JsonApiCall::new(
                "saferpay.transaction.multipart_finalize",
                "/Payment/v1/Transaction/MultipartFinalize",
                Safety::Idempotent,
                body,
            )
            .settle(format!("inquire({transaction_id:?})"))
            .already_done(wrong_state);
            let lookup = || async {
                let payment = client
                    .inquire_body(reference_body(&transaction_id)?)
                    .await?;
                Ok((payment.transaction.status == TransactionStatus::Captured).then_some(()))
            };
            client.json_api_with(call, |_| Ok(()), Some(lookup)).await
        })
        .await
    }

    /// Cancels an authorized payment or refund (always in full). A captured payment can be
    /// cancelled only until the daily closing; after that, refund it.
    ///
    /// A cancelled transaction stays cancelled, so an ambiguous attempt is sent again; a
    /// repeat answered "wrong state" is settled with Inquire (status `CANCELED`).
    pub async fn cancel(&self, transaction_id: &str) -> Result<Cancellation, Error> {
        let body = reference_body(transaction_id)?;
        let transaction_id = transaction_id.to_owned();
        self.spawn(move |client| async move {
            let call = JsonApiCall::new(
                "saferpay.transaction.cancel",
                "/Payment/v1/Transaction/Cancel",
                Safety::Idempotent,
                body,
            )
            .settle(format!("inquire({transaction_id:?})"))
            .already_done(wrong_state)
            .lookup_proves();
            let lookup = || async {
                let payment = client
                    .inquire_body(reference_body(&transaction_id)?)
                    .await?;
                let t = &payment.transaction;
                if t.status != TransactionStatus::Canceled {
                    return Ok(None);
                }
                Ok(Some(Cancellation {
                    transaction_id: t.id.clone(),
                    order_id: t.order_id.clone(),
                    date: None,
                    raw: payment.raw.clone(),
                }))
            };
            client
                .json_api_with(call, cancellation_from_wire, Some(lookup))
                .await
        })
        .await
    }

    /// Creates a refund of a capture.
    ///
    /// **A refund moves no money by itself.** Saferpay answers with a new `REFUND`
    /// transaction, usually `AUTHORIZED`; you must then call
    /// [`capture`](Client::capture) with `payment.transaction.id` (the refund's own id) to
    /// send the money back, or [`cancel`](Client::cancel) it to drop the refund. (Some methods,
    /// e.g. PayPal, answer `CAPTURED` straight away; check `transaction.status`.)
    ///
    /// Exactly once: the refund carries a unique `OrderId` (generated as `pw-rf-…` when
    /// `order_id` is `None`; a caller's own must be unique per refund). After an attempt that
    /// may have gone through, paywire asks `Transaction/Inquire` by that order id: a `REFUND`
    /// of the same amount is the answer; none, and the attempt cannot still be running, the
    /// refund is sent again (same RequestId, next RetryIndicator); otherwise the call fails
    /// with an `outcome_unknown` error naming `inquire_by_order_id`.
    pub async fn refund(&self, request: Refund) -> Result<Payment, Error> {
        let mut request = request;
        let order_id = match &request.order_id {
            Some(order_id) => order_id.clone(),
            None => {
                let generated = new_refund_order_id();
                request.order_id = Some(generated.clone());
                generated
            }
        };
        let body = request.to_wire()?;
        let amount = request.amount;
        self.spawn(move |client| async move {
            let call = JsonApiCall::new(
                "saferpay.transaction.refund",
                "/Payment/v1/Transaction/Refund",
                Safety::Reconcilable,
                body,
            )
            .settle(format!("inquire_by_order_id({order_id:?})"));
            let lookup = || client.existing_refund(&order_id, &amount);
            client
                .json_api_with(call, payment_from_wire, Some(lookup))
                .await
        })
        .await
    }

    /// The refund an earlier attempt made, found by its order id.
    async fn existing_refund(&self, order_id: &str, amount: &Money) -> Lookup<Payment> {
        let mut body = Map::new();
        body.insert(
            "TransactionReference".into(),
            order_reference("order_id", order_id)?,
        );
        match self.inquire_body(body).await {
            Ok(payment) => {
                let t = &payment.transaction;
                if t.transaction_type == TransactionType::Refund && t.amount == *amount {
                    Ok(Some(payment))
                } else {
                    Err(Error::new(
                        ErrorKind::Conflict,
                        format!(
                            "order id {order_id:?} belongs to a {} of {} (transaction {}), not to \
                             this refund of {amount}: give every refund its own order id",
                            t.transaction_type.as_str(),
                            t.amount,
                            t.id
                        ),
                    )
                    .with_provider(Provider::Saferpay))
                }
            }
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Reads a transaction's current state. Fair use only: call it when something happened
    /// (a return, a notification, a timeout), never to poll.
    pub async fn inquire(&self, transaction_id: &str) -> Result<Payment, Error> {
        let body = reference_body(transaction_id)?;
        self.spawn(move |client| async move { client.inquire_body(body).await })
            .await
    }

    /// Reads a transaction by its `OrderId` ("unambiguous OrderId of the referenced
    /// transaction"), e.g. a refund whose answer was lost. Fair use, like [`Client::inquire`].
    pub async fn inquire_by_order_id(&self, order_id: &str) -> Result<Payment, Error> {
        let mut body = Map::new();
        body.insert(
            "TransactionReference".into(),
            order_reference("order_id", order_id)?,
        );
        self.spawn(move |client| async move { client.inquire_body(body).await })
            .await
    }

    async fn inquire_body(&self, body: Map<String, Value>) -> Result<Payment, Error> {
        self.json_api(
            JsonApiCall::new(
                "saferpay.transaction.inquire",
                "/Payment/v1/Transaction/Inquire",
                Safety::Read,
                body,
            ),
            payment_from_wire,
        )
        .await
    }

    /// Settles a `PENDING` capture (PostFinance Instant Payout) by its `CaptureId`.
    pub async fn assert_capture(&self, capture_id: &str) -> Result<CaptureStatus, Error> {
        let mut body = Map::new();
        body.insert(
            "CaptureReference".into(),
            capture_reference("capture_id", capture_id)?,
        );
        self.spawn(move |client| async move {
            client
                .json_api(
                    JsonApiCall::new(
                        "saferpay.transaction.assert_capture",
                        "/Payment/v1/Transaction/AssertCapture",
                        Safety::Read,
                        body,
                    ),
                    capture_status_from_wire,
                )
                .await
        })
        .await
    }

    /// Settles a `PENDING` refund by the refund transaction's id.
    pub async fn assert_refund(&self, transaction_id: &str) -> Result<RefundStatus, Error> {
        let body = reference_body(transaction_id)?;
        self.spawn(move |client| async move {
            client
                .json_api(
                    JsonApiCall::new(
                        "saferpay.transaction.assert_refund",
                        "/Payment/v1/Transaction/AssertRefund",
                        Safety::Read,
                        body,
                    ),
                    refund_status_from_wire,
                )
                .await
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::error::{ErrorKind, Retryable};
    use crate::http::FailureStage;
    use crate::http::scripted::{Scripted, Step};
    use crate::saferpay::json_api::tests::client;

    fn chf(minor: i64) -> Money {
        Money::from_minor(minor, "CHF").unwrap()
    }

    fn sent(script: &Scripted, index: usize) -> (String, Value) {
        let request = &script.requests()[index];
        (
            request.url.path().to_owned(),
            serde_json::from_slice(request.body.as_deref().unwrap()).unwrap(),
        )
    }

    const CAPTURED: &str = r#"{"ResponseHeader":{"SpecVersion":"1.53","RequestId":"r"},"CaptureId":"723n4MAjMdhjSAhAKEUdA8jtl9jb_c","Status":"CAPTURED","Date":"2015-01-30T12:45:22.258+01:00"}"#;

    #[tokio::test]
    async fn full_and_partial_capture() {
        let script = Scripted::new(vec![Step::json(200, CAPTURED), Step::json(200, CAPTURED)]);
        let client = client(&script);
        let capture = client
            .capture("723n4MAjMdhjSAhAKEUdA8jtl9jb", None)
            .await
            .unwrap();
        assert_eq!(
            capture.capture_id.as_deref(),
            Some("723n4MAjMdhjSAhAKEUdA8jtl9jb_c")
        );
        assert_eq!(capture.status, TransactionStatus::Captured);
        let (path, body) = sent(&script, 0);
        assert_eq!(path, "/api/Payment/v1/Transaction/Capture");
        assert_eq!(
            body["TransactionReference"],
            json!({"TransactionId": "723n4MAjMdhjSAhAKEUdA8jtl9jb"})
        );
        assert!(body.get("Amount").is_none());
        client
            .capture("723n4MAjMdhjSAhAKEUdA8jtl9jb", Some(chf(404)))
            .await
            .unwrap();
        let (_, body) = sent(&script, 1);
        assert_eq!(
            body["Amount"],
            json!({"Value": "404", "CurrencyCode": "CHF"})
        );
    }

    #[tokio::test]
    async fn validation_happens_before_sending() {
        let script = Scripted::new(vec![]);
        let client = client(&script);
        let err = client.capture("bad id!", None).await.unwrap_err();
        assert_eq!(err.field(), Some("transaction_id"));
        let err = client.capture("abc", Some(chf(0))).await.unwrap_err();
        assert_eq!(err.field(), Some("amount"));
        let err = client.capture(&"a".repeat(65), None).await.unwrap_err();
        assert_eq!(err.field(), Some("transaction_id"));
        let mut refund = Refund::new("cap_1", chf(100));
        refund.description = Some("x".repeat(1001));
        assert_eq!(
            client.refund(refund).await.unwrap_err().field(),
            Some("description")
        );
        let mut refund = Refund::new("cap_1", chf(100));
        refund.payer_note = Some("x".repeat(51));
        assert_eq!(
            client.refund(refund).await.unwrap_err().field(),
            Some("payer_note")
        );
        let refund = Refund::new("cap 1", chf(100));
        assert_eq!(
            client.refund(refund).await.unwrap_err().field(),
            Some("capture_id")
        );
        let part = MultipartCapture::new("abc", chf(1), MultipartCaptureType::Partial, "part/1");
        assert_eq!(
            client.multipart_capture(part).await.unwrap_err().field(),
            Some("order_part_id")
        );
        assert_eq!(
            client.assert_capture("").await.unwrap_err().field(),
            Some("capture_id")
        );
        assert!(script.requests().is_empty());
    }

    #[tokio::test]
    async fn already_captured_is_a_conflict_and_not_retried() {
        let script = Scripted::new(vec![Step::json(
            402,
            r#"{"ResponseHeader":{"SpecVersion":"1.53","RequestId":"r"},"Behavior":"DO_NOT_RETRY","ErrorName":"TRANSACTION_ALREADY_CAPTURED","ErrorMessage":"Transaction already captured"}"#,
        )]);
        let err = client(&script).capture("abc", None).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Conflict);
        assert_eq!(err.code(), Some("TRANSACTION_ALREADY_CAPTURED"));
        assert_eq!(err.retryable(), Retryable::No);
        assert!(!err.outcome_unknown());
        assert_eq!(script.requests().len(), 1);
    }

    #[tokio::test]
    async fn capture_retries_keep_the_request_id_and_count() {
        let script = Scripted::new(vec![
            Step::html(500, "<html>oops</html>"),
            Step::json(
                500,
                r#"{"Behavior":"RETRY","ErrorName":"INTERNAL_ERROR","ErrorMessage":"retry"}"#,
            ),
            Step::json(200, CAPTURED),
        ]);
        client(&script).capture("abc", None).await.unwrap();
        let bodies: Vec<Value> = (0..3).map(|i| sent(&script, i).1).collect();
        assert!(bodies.iter().all(|b| b["RequestHeader"]["RequestId"] == bodies[0]["RequestHeader"]["RequestId"]));
        let indicators: Vec<_> = bodies
            .iter()
            .map(|b| b["RequestHeader"]["RetryIndicator"].clone())
            .collect();
        assert_eq!(indicators, [json!(0), json!(1), json!(2)]);
    }

    #[tokio::test]
    async fn refund_builds_capture_reference_and_returns_a_refund_transaction() {
        let script = Scripted::new(vec![Step::json(
            200,
            r#"{"ResponseHeader":{"SpecVersion":"1.53","RequestId":"r"},"Transaction":{"Type":"REFUND","Status":"AUTHORIZED","Id":"R1","Date":"2015-01-30T12:45:22.258+01:00","Amount":{"Value":"50","CurrencyCode":"CHF"}},"PaymentMeans":{"Brand":{"PaymentMethod":"SOMETHING_NEW","Name":"New"},"DisplayText":"x"}}"#,
        )]);
        let mut refund = Refund::new("cap_1", chf(50));
        refund.order_id = Some("order-1".into());
        refund.description = Some("Returned goods".into());
        refund.restrict_refund_amount_to_captured_amount = true;
        let payment = client(&script).refund(refund).await.unwrap();
        assert_eq!(
            payment.transaction.transaction_type,
            TransactionType::Refund
        );
        assert_eq!(payment.transaction.status, TransactionStatus::Authorized);
        assert_eq!(payment.transaction.amount, chf(50));
        assert_eq!(
            payment.payment_means.payment_method,
            Some(PaymentMethod::Unknown("SOMETHING_NEW".into()))
        );
        let (path, body) = sent(&script, 0);
        assert_eq!(path, "/api/Payment/v1/Transaction/Refund");
        assert_eq!(body["CaptureReference"], json!({"CaptureId": "cap_1"}));
        assert_eq!(
            body["Refund"],
            json!({"Amount": {"Value": "50", "CurrencyCode": "CHF"}, "OrderId": "order-1",
                   "Description": "Returned goods", "RestrictRefundAmountToCapturedAmount": true})
        );
    }

    #[tokio::test]
    async fn multipart_capture_and_finalize() {
        let script = Scripted::new(vec![
            Step::json(200, CAPTURED),
            Step::json(
                200,
                r#"{"ResponseHeader":{"SpecVersion":"1.53","RequestId":"r"}}"#,
            ),
        ]);
        let client = client(&script);
        let part = MultipartCapture::new("abc", chf(300), MultipartCaptureType::Partial, "part-1");
        client.multipart_capture(part).await.unwrap();
        client.multipart_finalize("abc").await.unwrap();
        let (path, body) = sent(&script, 0);
        assert_eq!(path, "/api/Payment/v1/Transaction/MultipartCapture");
        assert_eq!(body["Type"], "PARTIAL");
        assert_eq!(body["OrderPartId"], "part-1");
        assert_eq!(body["Amount"]["Value"], "300");
        assert_eq!(body["TransactionReference"]["TransactionId"], "abc");
        let (path, body) = sent(&script, 1);
        assert_eq!(path, "/api/Payment/v1/Transaction/MultipartFinalize");
        assert_eq!(body["TransactionReference"]["TransactionId"], "abc");
    }

    #[tokio::test]
    async fn multipart_captures_of_one_transaction_never_overlap() {
        let slow =
            |body: &str| Step::Delay(Duration::from_millis(100), Box::new(Step::json(200, body)));
        let script = Scripted::new(vec![slow(CAPTURED), slow(CAPTURED)]);
        let client = client(&script);
        let a = client.multipart_capture(MultipartCapture::new(
            "abc",
            chf(1),
            MultipartCaptureType::Partial,
            "p1",
        ));
        let b = client.multipart_capture(MultipartCapture::new(
            "abc",
            chf(1),
            MultipartCaptureType::Final,
            "p2",
        ));
        let started = std::time::Instant::now();
        let (a, b) = tokio::join!(a, b);
        a.unwrap();
        b.unwrap();
        // Serialised: two 100 ms answers take 200 ms, not 100.
        assert!(
            started.elapsed() >= Duration::from_millis(200),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn cancel_inquire_and_pending_asserts() {
        let script = Scripted::new(vec![
            Step::json(
                200,
                r#"{"TransactionId":"abc","OrderId":"o1","Date":"2015-01-30T12:45:22.258+01:00"}"#,
            ),
            Step::json(
                200,
                r#"{"Transaction":{"Type":"PAYMENT","Status":"CANCELED","Id":"abc","Amount":{"Value":1200,"CurrencyCode":"JPY"},"CaptureId":null},"PaymentMeans":{"Card":{"ExpYear":"2029","ExpMonth":9}}}"#,
            ),
            Step::json(
                200,
                r#"{"TransactionId":"abc","Status":"PENDING","Date":"d"}"#,
            ),
            Step::json(
                200,
                r#"{"TransactionId":"r1","Status":"CAPTURED","Date":"d","OrderId":"o"}"#,
            ),
        ]);
        let client = client(&script);
        let cancellation = client.cancel("abc").await.unwrap();
        assert_eq!(cancellation.order_id.as_deref(), Some("o1"));
        let payment = client.inquire("abc").await.unwrap();
        assert_eq!(payment.transaction.status, TransactionStatus::Canceled);
        assert_eq!(
            payment.transaction.amount,
            Money::from_minor(1200, "JPY").unwrap()
        );
        let card = payment.payment_means.card.unwrap();
        assert_eq!((card.exp_year, card.exp_month), (Some(2029), Some(9)));
        let pending = client.assert_capture("abc_c").await.unwrap();
        assert_eq!(pending.status, TransactionStatus::Pending);
        let refund = client.assert_refund("r1").await.unwrap();
        assert_eq!(refund.status, TransactionStatus::Captured);
        assert_eq!(refund.order_id.as_deref(), Some("o"));
        let paths: Vec<String> = (0..4).map(|i| sent(&script, i).0).collect();
        assert_eq!(
            paths,
            [
                "/api/Payment/v1/Transaction/Cancel",
                "/api/Payment/v1/Transaction/Inquire",
                "/api/Payment/v1/Transaction/AssertCapture",
                "/api/Payment/v1/Transaction/AssertRefund",
            ]
        );
        assert_eq!(
            sent(&script, 2).1["CaptureReference"],
            json!({"CaptureId": "abc_c"})
        );
    }

    #[tokio::test]
    async fn inquire_not_found_is_typed_and_a_read_is_never_outcome_unknown() {
        let script = Scripted::new(vec![Step::json(
            402,
            r#"{"Behavior":"DO_NOT_RETRY","ErrorName":"TRANSACTION_NOT_FOUND","ErrorMessage":"Transaction not found"}"#,
        )]);
        let err = client(&script).inquire("abc").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
        let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
        let script = Scripted::new(vec![
            Step::html(502, page),
            Step::html(502, page),
            Step::html(502, page),
        ]);
        let err = client(&script).inquire("abc").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Api);
        assert_eq!(err.http_status(), Some(502));
        assert_eq!(err.code(), Some("HTTP_502"));
        assert!(
            err.message().contains("502 Bad Gateway"),
            "{}",
            err.message()
        );
        assert_eq!(script.requests().len(), 3, "5xx is retried");
        assert!(!err.outcome_unknown());
        let script = Scripted::new(vec![
            Step::html(500, "x"),
            Step::html(500, "x"),
            Step::html(500, "x"),
        ]);
        let err = client(&script).capture("abc", None).await.unwrap_err();
        assert!(err.outcome_unknown(), "a 5xx capture may have gone through");
    }

    const REFUND_TX: &str = r#"{"ResponseHeader":{"SpecVersion":"1.53","RequestId":"r"},"Transaction":{"Type":"REFUND","Status":"AUTHORIZED","Id":"R1","Date":"2015-01-30T12:45:22.258+01:00","Amount":{"Value":"50","CurrencyCode":"CHF"},"OrderId":"ORDER"},"PaymentMeans":{"DisplayText":"x"}}"#;
    const NOT_FOUND: &str = r#"{"Behavior":"DO_NOT_RETRY","ErrorName":"TRANSACTION_NOT_FOUND","ErrorMessage":"Transaction not found"}"#;

    #[tokio::test]
    async fn an_ambiguous_refund_is_settled_by_inquire_with_its_order_id() {
        // The refund went through but its answer was lost (a 500 after the fact): Inquire by
        // the refund's own order id finds it, and it is not sent again.
        let script = Scripted::new(vec![
            Step::html(500, "<html>oops</html>"),
            Step::json(200, REFUND_TX),
        ]);
        let client = client(&script);
        let payment = client.refund(Refund::new("cap_1", chf(50))).await.unwrap();
        assert_eq!(payment.transaction.id, "R1");
        let (path, refund) = sent(&script, 0);
        assert_eq!(path, "/api/Payment/v1/Transaction/Refund");
        let order_id = refund["Refund"]["OrderId"].as_str().unwrap().to_owned();
        assert!(order_id.starts_with("pw-rf-"), "generated: {order_id}");
        let (path, inquire) = sent(&script, 1);
        assert_eq!(path, "/api/Payment/v1/Transaction/Inquire");
        assert_eq!(
            inquire["TransactionReference"],
            json!({"OrderId": order_id})
        );
        assert_eq!(script.requests().len(), 2, "one refund request");
        assert_eq!(client.engine_stats().reconciled, 1);
    }

    #[tokio::test]
    async fn an_ambiguous_refund_inquire_cannot_find_is_sent_again_with_the_next_retry_indicator() {
        let script = Scripted::new(vec![
            Step::Fail(FailureStage::MaybeSent),
            Step::json(402, NOT_FOUND),
            Step::json(200, REFUND_TX),
        ]);
        let mut refund = Refund::new("cap_1", chf(50));
        refund.order_id = Some("refund-4711-1".into());
        client(&script).refund(refund).await.unwrap();
        let (_, first) = sent(&script, 0);
        let (path, again) = sent(&script, 2);
        assert_eq!(path, "/api/Payment/v1/Transaction/Refund");
        assert_eq!(first["Refund"]["OrderId"], "refund-4711-1");
        assert_eq!(
            again["Refund"], first["Refund"],
            "the same refund, the same key"
        );
        assert_eq!(
            again["RequestHeader"]["RequestId"],
            first["RequestHeader"]["RequestId"]
        );
        assert_eq!(again["RequestHeader"]["RetryIndicator"], 1);
    }

    #[tokio::test]
    async fn a_timed_out_refund_is_never_sent_again_and_names_inquire_by_order_id() {
        let script = Scripted::new(vec![Step::Timeout, Step::json(402, NOT_FOUND)]);
        let mut refund = Refund::new("cap_1", chf(50));
        refund.order_id = Some("refund-4711-2".into());
        let err = client(&script).refund(refund).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
        assert!(err.outcome_unknown());
        assert_eq!(
            err.settle_with(),
            Some("inquire_by_order_id(\"refund-4711-2\")")
        );
        assert_eq!(script.requests().len(), 2, "one refund, one inquire");
        // An order id that belongs to something else cannot settle it either.
        let script = Scripted::new(vec![
            Step::html(502, "bad gateway"),
            Step::json(200, &REFUND_TX.replace("\"REFUND\"", "\"PAYMENT\"")),
        ]);
        let err = client(&script)
            .refund(Refund::new("cap_1", chf(50)))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
        assert!(
            err.details().iter().any(|d| d.contains("its own order id")),
            "{err:?}"
        );
        assert_eq!(script.requests().len(), 2);
    }

    #[tokio::test]
    async fn a_capture_repeated_after_an_ambiguous_attempt_returns_the_existing_capture() {
        let script = Scripted::new(vec![
            Step::Fail(FailureStage::MaybeSent),
            Step::json(
                402,
                r#"{"Behavior":"DO_NOT_RETRY","ErrorName":"TRANSACTION_ALREADY_CAPTURED","ErrorMessage":"Transaction already captured"}"#,
            ),
            Step::json(
                200,
                r#"{"Transaction":{"Type":"PAYMENT","Status":"CAPTURED","Id":"abc","CaptureId":"abc_c","Date":"d","Amount":{"Value":"100","CurrencyCode":"CHF"}}}"#,
            ),
        ]);
        let client = client(&script);
        let capture = client.capture("abc", None).await.unwrap();
        assert_eq!(capture.capture_id.as_deref(), Some("abc_c"));
        assert_eq!(capture.status, TransactionStatus::Captured);
        let paths: Vec<String> = (0..3).map(|i| sent(&script, i).0).collect();
        assert_eq!(
            paths,
            [
                "/api/Payment/v1/Transaction/Capture",
                "/api/Payment/v1/Transaction/Capture",
                "/api/Payment/v1/Transaction/Inquire",
            ]
        );
        assert_eq!(client.engine_stats().reconciled, 1);
    }

    #[tokio::test]
    async fn a_capture_whose_attempts_all_failed_ambiguously_is_settled_by_inquire() {
        let inquired = |status: &str| {
            Step::json(
                200,
                &format!(
                    r#"{{"Transaction":{{"Type":"PAYMENT","Status":"{status}","Id":"abc","CaptureId":"abc_c","Date":"d","Amount":{{"Value":"100","CurrencyCode":"CHF"}}}}}}"#
                ),
            )
        };
        // Captured after all (the answers were lost): the capture is the answer.
        let script = Scripted::new(vec![
            Step::html(500, "x"),
            Step::html(500, "x"),
            Step::html(500, "x"),
            inquired("CAPTURED"),
        ]);
        let capture = client(&script).capture("abc", None).await.unwrap();
        assert_eq!(capture.capture_id.as_deref(), Some("abc_c"));
        // Still authorized and nothing can still be running: it did not happen.
        let script = Scripted::new(vec![
            Step::html(500, "x"),
            Step::html(503, "x"),
            Step::html(500, "x"),
            inquired("AUTHORIZED"),
        ]);
        let err = client(&script).capture("abc", None).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Api);
        assert!(!err.outcome_unknown(), "Inquire shows it was not captured");
        // A timed-out attempt may still capture: unknown.
        let script = Scripted::new(vec![
            Step::Timeout,
            Step::html(500, "x"),
            Step::html(500, "x"),
            inquired("AUTHORIZED"),
        ]);
        let err = client(&script).capture("abc", None).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
        assert_eq!(err.settle_with(), Some("inquire(\"abc\")"));
    }

    #[tokio::test]
    async fn a_cancel_repeated_after_an_ambiguous_attempt_is_settled_by_inquire() {
        let script = Scripted::new(vec![
            Step::html(500, "x"),
            Step::json(
                402,
                r#"{"Behavior":"DO_NOT_RETRY","ErrorName":"TRANSACTION_IN_WRONG_STATE","ErrorMessage":"already canceled"}"#,
            ),
            Step::json(
                200,
                r#"{"Transaction":{"Type":"PAYMENT","Status":"CANCELED","Id":"abc","OrderId":"o1","Date":"d","Amount":{"Value":"100","CurrencyCode":"CHF"}}}"#,
            ),
        ]);
        let cancellation = client(&script).cancel("abc").await.unwrap();
        assert_eq!(cancellation.transaction_id, "abc");
        assert_eq!(cancellation.order_id.as_deref(), Some("o1"));
        assert_eq!(script.requests().len(), 3);
    }

    #[tokio::test]
    async fn a_multipart_capture_is_never_sent_again_once_it_may_have_arrived() {
        let script = Scripted::new(vec![Step::html(500, "x"), Step::json(200, CAPTURED)]);
        let part = MultipartCapture::new("abc", chf(100), MultipartCaptureType::Partial, "part-7");
        let err = client(&script).multipart_capture(part).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
        assert!(
            err.settle_with().is_some_and(|s| s.contains("part-7")),
            "{err:?}"
        );
        assert_eq!(script.requests().len(), 1);
    }

    #[test]
    fn blocking_twins_share_the_same_path() {
        let script = Scripted::new(vec![
            Step::json(200, CAPTURED),
            Step::json(200, r#"{"TransactionId":"abc","Date":"d"}"#),
        ]);
        let blocking = crate::blocking::SaferpayClient::new(client(&script));
        let capture = blocking.capture("abc", Some(chf(5))).unwrap();
        assert_eq!(capture.status, TransactionStatus::Captured);
        assert_eq!(blocking.cancel("abc").unwrap().transaction_id, "abc");
        assert_eq!(sent(&script, 0).1["Amount"]["Value"], "5");
        assert_eq!(sent(&script, 1).0, "/api/Payment/v1/Transaction/Cancel");
    }

    #[tokio::test]
    async fn a_body_missing_mandatory_fields_is_a_decode_error_after_retries() {
        let script = Scripted::new(vec![
            Step::json(200, r#"{"Status":"CAPTURED"}"#),
            Step::json(200, r#"{"Transaction":{}}"#),
            Step::json(
                200,
                r#"{"Transaction":{"Type":"PAYMENT","Status":"CAPTURED","Id":"a","Amount":{"Value":"1.5","CurrencyCode":"CHF"}}}"#,
            ),
        ]);
        let err = client(&script).inquire("abc").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert_eq!(err.http_status(), Some(200));
        assert_eq!(script.requests().len(), 3);
    }
}
