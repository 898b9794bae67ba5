//! The transaction lifecycle's public types: what the calls take and what they answer.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::Error;
use crate::money::Money;
use crate::saferpay::json_api::capture_reference;
use crate::saferpay::models::{amount_to_wire, require_positive};
use crate::validate;

use super::*;

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

crate::output_record! {
    /// The answer to Capture and MultipartCapture.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct Capture {
        /// Keep it: refunds reference the capture by this id.
        pub capture_id: Option<String>,
        /// `CAPTURED`, or `PENDING` (PostFinance Instant Payout; settle with `assert_capture`).
        pub status: TransactionStatus,
        /// ISO 8601, as sent by Saferpay.
        pub date: Option<String>,
        /// The provider's full answer.
        pub raw: Value,
    }
}

crate::output_record! {
    /// The answer to Cancel (HTTP 200 is the success; there is no status field).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct Cancellation {
        pub transaction_id: String,
        pub order_id: Option<String>,
        /// ISO 8601, as sent by Saferpay.
        pub date: Option<String>,
        /// The provider's full answer.
        pub raw: Value,
    }
}

crate::output_record! {
    /// The answer to AssertCapture for a pending capture.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct CaptureStatus {
        pub transaction_id: String,
        /// `PENDING` or `CAPTURED`.
        pub status: TransactionStatus,
        /// ISO 8601, as sent by Saferpay.
        pub date: Option<String>,
        pub order_id: Option<String>,
        /// The provider's full answer.
        pub raw: Value,
    }
}

crate::output_record! {
    /// The answer to AssertRefund for a pending refund.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct RefundStatus {
        pub transaction_id: String,
        /// `PENDING` or `CAPTURED`.
        pub status: TransactionStatus,
        /// ISO 8601, as sent by Saferpay.
        pub date: Option<String>,
        pub order_id: Option<String>,
        /// The provider's full answer.
        pub raw: Value,
    }
}

/// `PendingNotification`: whom Saferpay tells when a capture or refund answered `PENDING`
/// (PostFinance Instant Payout) settles. Then call `assert_capture` / `assert_refund`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PendingNotification {
    /// Called by Saferpay once the pending action completed (http or https).
    pub notify_url: Option<String>,
    /// Up to 10 addresses that get a confirmation e-mail.
    pub merchant_emails: Vec<String>,
}

impl PendingNotification {
    pub(crate) fn to_wire(&self, prefix: &str) -> Result<Value, Error> {
        let f = |name: &str| format!("{prefix}.{name}");
        let mut map = Map::new();
        if let Some(url) = &self.notify_url {
            validate::url(&f("notify_url"), url, false, 2000)?;
            map.insert("NotifyUrl".into(), json!(url));
        }
        if self.merchant_emails.len() > 10 {
            return Err(Error::validation(
                &f("merchant_emails"),
                format!(
                    "must list at most 10 addresses (got {})",
                    self.merchant_emails.len()
                ),
            ));
        }
        for (i, email) in self.merchant_emails.iter().enumerate() {
            validate::email(&format!("{prefix}.merchant_emails[{i}]"), email)?;
        }
        if !self.merchant_emails.is_empty() {
            map.insert("MerchantEmails".into(), json!(self.merchant_emails));
        }
        Ok(Value::Object(map))
    }
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
        /// Whom to tell when a `PENDING` refund settles.
        pub pending_notification: Option<PendingNotification> = null,
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
            pending_notification: None,
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
        if let Some(pending) = &self.pending_notification {
            body.insert(
                "PendingNotification".into(),
                pending.to_wire("pending_notification")?,
            );
        }
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
