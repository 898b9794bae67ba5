//! Saferpay: Management API (`/api/rest/...`), JSON API (`/api/Payment/v1/...`) and payer pages.

pub mod account;
pub mod offers;
pub mod pages;
pub mod payment_page;
pub mod reporting;
pub mod transaction;

use crate::credentials::{SAFERPAY_CUSTOMER_ID, SAFERPAY_PASSWORD, SAFERPAY_USERNAME};
use crate::currency::{self, Currency};
use crate::reply::{ApiRequest, Reply};
use crate::routes::{Provider, Route};
use crate::state::{App, lock};
use crate::stats::inc;
use axum::http::Method;
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// Highest `SpecVersion` / `Saferpay-ApiVersion` minor the sandbox knows (1.0 … 1.54).
pub const MAX_MINOR: u32 = 54;

/// A terminal of the sandbox customer.
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    /// 8-digit id.
    pub id: &'static str,
    /// `ECOM`, `SPG` or `MPO`.
    pub kind: &'static str,
    /// Description.
    pub description: &'static str,
}

/// The sandbox customer's terminals.
pub const TERMINALS: &[Terminal] = &[
    Terminal {
        id: "17757531",
        kind: "ECOM",
        description: "Sandbox terminal for Payment Page / E-Commerce (also takes Secure PayGate offers)",
    },
    Terminal {
        id: "17757532",
        kind: "SPG",
        description: "Sandbox terminal for Secure PayGate",
    },
    Terminal {
        id: "17757533",
        kind: "MPO",
        description: "Sandbox terminal for Mail Phone Order",
    },
];

/// Find a terminal.
pub fn terminal(id: &str) -> Option<Terminal> {
    TERMINALS.iter().copied().find(|t| t.id == id)
}

/// Offer status kept in state (EXPIRED is derived from the clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferState {
    /// Open.
    Open,
    /// Paid.
    Paid,
    /// Deleted or out of payment attempts.
    Disabled,
}

/// A Secure PayGate offer.
#[derive(Debug, Clone)]
pub struct Offer {
    /// OfferId (UUID).
    pub id: String,
    /// Terminal.
    pub terminal_id: String,
    /// Amount in minor units.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
    /// Payment.OrderId.
    pub order_id: String,
    /// Payment.Description.
    pub description: String,
    /// CreationDate.
    pub created: DateTime<Utc>,
    /// ExpirationDate (with the client's offset).
    pub expires: DateTime<FixedOffset>,
    /// Stored state.
    pub state: OfferState,
    /// Transaction once paid.
    pub transaction_id: Option<String>,
    /// Payment page token of the paid attempt.
    pub token: Option<String>,
    /// Failed attempts so far.
    pub attempts: u32,
    /// MaxPaymentAttempts (0/None = unlimited).
    pub max_attempts: Option<u32>,
    /// Payment.Options.PreAuth.
    pub pre_auth: bool,
}

impl Offer {
    /// Status as the API reports it at `now`.
    pub fn status(&self, now: DateTime<Utc>) -> &'static str {
        match self.state {
            OfferState::Paid => "PAID",
            OfferState::Disabled => "DISABLED",
            OfferState::Open if now >= self.expires.with_timezone(&Utc) => "EXPIRED",
            OfferState::Open => "OPEN",
        }
    }
}

/// Payment page session outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// Payer has not finished.
    Open,
    /// Authorized.
    Paid,
    /// Declined.
    Declined,
    /// Aborted by the payer.
    Aborted,
}

/// A payment page session (PaymentPage/Initialize, or the page behind a paid offer).
#[derive(Debug, Clone)]
pub struct Session {
    /// Token.
    pub token: String,
    /// Terminal.
    pub terminal_id: String,
    /// Amount.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
    /// OrderId.
    pub order_id: Option<String>,
    /// Description.
    pub description: String,
    /// ReturnUrl.Url (None for offers).
    pub return_url: Option<String>,
    /// Notification.SuccessNotifyUrl.
    pub success_notify: Option<String>,
    /// Notification.FailNotifyUrl.
    pub fail_notify: Option<String>,
    /// Created.
    pub created: DateTime<Utc>,
    /// Expiration of the RedirectUrl.
    pub expires: DateTime<Utc>,
    /// Outcome.
    pub state: SessionState,
    /// Payer opened the page.
    pub visited: bool,
    /// Transaction once paid.
    pub tx_id: Option<String>,
    /// Offer behind this session.
    pub offer_id: Option<String>,
    /// PreAuth.
    pub pre_auth: bool,
}

/// Transaction type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxKind {
    /// PAYMENT.
    Payment,
    /// REFUND.
    Refund,
}

/// Transaction status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxStatus {
    /// AUTHORIZED.
    Authorized,
    /// CAPTURED.
    Captured,
    /// CANCELED.
    Canceled,
}

impl TxStatus {
    /// Wire name.
    pub fn name(self) -> &'static str {
        match self {
            TxStatus::Authorized => "AUTHORIZED",
            TxStatus::Captured => "CAPTURED",
            TxStatus::Canceled => "CANCELED",
        }
    }
}

/// One multipart capture.
#[derive(Debug, Clone)]
pub struct Part {
    /// OrderPartId.
    pub order_part_id: String,
    /// CaptureId.
    pub capture_id: String,
    /// Amount.
    pub amount: i64,
    /// Date.
    pub date: DateTime<Utc>,
}

/// A transaction (payment or refund) made in the sandbox.
#[derive(Debug, Clone)]
pub struct Tx {
    /// Id.
    pub id: String,
    /// PAYMENT / REFUND.
    pub kind: TxKind,
    /// Status.
    pub status: TxStatus,
    /// Authorized amount.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
    /// OrderId.
    pub order_id: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Terminal.
    pub terminal_id: String,
    /// Authorization date.
    pub created: DateTime<Utc>,
    /// Last action.
    pub last_action: DateTime<Utc>,
    /// CaptureId of a normal capture.
    pub capture_id: Option<String>,
    /// Captured so far.
    pub captured_amount: i64,
    /// Capture date.
    pub capture_date: Option<DateTime<Utc>>,
    /// Cancel date.
    pub cancel_date: Option<DateTime<Utc>>,
    /// Multipart captures.
    pub parts: Vec<Part>,
    /// Multipart finalized.
    pub parts_final: bool,
    /// Refund transactions of this payment.
    pub refunds: Vec<String>,
    /// For refunds: the payment transaction refunded.
    pub parent: Option<String>,
    /// Reporting `Application`.
    pub application: &'static str,
    /// Brand.
    pub brand: &'static str,
    /// Masked card number.
    pub masked: String,
    /// Approval code.
    pub approval: String,
    /// PreAuth.
    pub pre_auth: bool,
}

/// A declined payment attempt (reported with TransactionState=FAILED).
#[derive(Debug, Clone)]
pub struct Failed {
    /// Id.
    pub id: String,
    /// Amount.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
    /// OrderId.
    pub order_id: Option<String>,
    /// Description.
    pub description: String,
    /// Terminal.
    pub terminal_id: String,
    /// When.
    pub date: DateTime<Utc>,
}

/// A Saferpay Fields access token.
#[derive(Debug, Clone)]
pub struct FieldsToken {
    /// Terminal.
    pub terminal_id: String,
    /// Description.
    pub description: String,
    /// SourceUrls.
    pub source_urls: Vec<String>,
}

/// All Saferpay objects.
#[derive(Debug, Default)]
pub struct State {
    /// Offers by id.
    pub offers: HashMap<String, Offer>,
    /// Offer count per OrderId (duplicate detection).
    pub offer_order_ids: HashMap<String, u32>,
    /// Payment page sessions by token.
    pub sessions: HashMap<String, Session>,
    /// Session count per OrderId.
    pub session_order_ids: HashMap<String, u32>,
    /// Transactions by id.
    pub txs: HashMap<String, Tx>,
    /// CaptureId → transaction id.
    pub captures: HashMap<String, String>,
    /// OrderPartId → CaptureId.
    pub order_parts: HashMap<String, String>,
    /// Fields access tokens.
    pub fields_tokens: HashMap<String, FieldsToken>,
    /// Declined attempts.
    pub failed: Vec<Failed>,
}

impl State {
    /// Create an AUTHORIZED PAYMENT transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn new_payment(
        &mut self,
        amount: i64,
        currency: Currency,
        order_id: Option<String>,
        description: Option<String>,
        terminal_id: &str,
        application: &'static str,
        pre_auth: bool,
        now: DateTime<Utc>,
    ) -> String {
        let id = crate::ids::saferpay_id();
        let brands = ["VISA", "MASTERCARD"];
        let brand = brands[fastrand::usize(..brands.len())];
        let tx = Tx {
            id: id.clone(),
            kind: TxKind::Payment,
            status: TxStatus::Authorized,
            amount,
            currency,
            order_id,
            description,
            terminal_id: terminal_id.to_string(),
            created: now,
            last_action: now,
            capture_id: None,
            captured_amount: 0,
            capture_date: None,
            cancel_date: None,
            parts: Vec::new(),
            parts_final: false,
            refunds: Vec::new(),
            parent: None,
            application,
            brand,
            masked: format!(
                "{}xxxxxx{:04}",
                if brand == "VISA" { "912345" } else { "512345" },
                fastrand::u32(0..10000)
            ),
            approval: format!("{:06}", fastrand::u32(0..1_000_000)),
            pre_auth,
        };
        self.txs.insert(id.clone(), tx);
        id
    }
}

/// Count a payment just authorized (`tx_id`), and a second authorized payment for its
/// `OrderId` as an executed duplicate.
pub fn count_authorization(app: &App, st: &State, tx_id: &str) {
    inc(&app.stats.effects.authorizations);
    let Some(order_id) = st.txs.get(tx_id).and_then(|t| t.order_id.as_deref()) else {
        return;
    };
    let same_order = st
        .txs
        .values()
        .filter(|t| t.kind == TxKind::Payment && t.order_id.as_deref() == Some(order_id))
        .count();
    if same_order > 1 {
        inc(&app.stats.executed_duplicates.authorizations);
    }
}

/// A stored answer for RequestId replays.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Route of the first request.
    pub route: Route,
    /// The request, for detecting a RequestId reused for something else.
    pub fingerprint: Value,
    /// The first answer.
    pub reply: Reply,
    /// Highest RetryIndicator seen.
    pub last_retry: i64,
}

// ---------------------------------------------------------------------------------------------
// Errors

/// A Saferpay error answer under construction (boxed: it travels in `Result`s).
#[derive(Debug, Clone)]
pub struct SpError(Box<SpErrorInner>);

#[derive(Debug, Clone)]
struct SpErrorInner {
    status: u16,
    behavior: &'static str,
    name: &'static str,
    message: String,
    details: Vec<String>,
    transaction_id: Option<String>,
    order_id: Option<String>,
}

impl SpError {
    /// New error.
    pub fn new(
        status: u16,
        behavior: &'static str,
        name: &'static str,
        message: impl Into<String>,
    ) -> SpError {
        SpError(Box::new(SpErrorInner {
            status,
            behavior,
            name,
            message: message.into(),
            details: Vec::new(),
            transaction_id: None,
            order_id: None,
        }))
    }

    /// 400 VALIDATION_FAILED with details.
    pub fn validation(details: Vec<String>) -> SpError {
        let mut e = SpError::new(
            400,
            "DO_NOT_RETRY",
            "VALIDATION_FAILED",
            "Request validation failed",
        );
        e.0.details = details;
        e
    }

    /// 401 AUTHENTICATION_FAILED.
    pub fn auth(detail: &str) -> SpError {
        SpError::new(
            401,
            "DO_NOT_RETRY",
            "AUTHENTICATION_FAILED",
            "Unable to authenticate request",
        )
        .detail(detail)
    }

    /// 402 business failure, DO_NOT_RETRY.
    pub fn business(name: &'static str, message: impl Into<String>) -> SpError {
        SpError::new(402, "DO_NOT_RETRY", name, message)
    }

    /// 402 TRANSACTION_NOT_FOUND.
    pub fn not_found() -> SpError {
        SpError::business("TRANSACTION_NOT_FOUND", "Transaction not found")
    }

    /// 402 TRANSACTION_IN_WRONG_STATE.
    pub fn wrong_state(detail: impl Into<String>) -> SpError {
        SpError::business("TRANSACTION_IN_WRONG_STATE", "Invalid action").detail(detail)
    }

    /// Add a detail line.
    pub fn detail(mut self, d: impl Into<String>) -> SpError {
        self.0.details.push(d.into());
        self
    }

    /// Set TransactionId.
    pub fn tx(mut self, id: &str) -> SpError {
        self.0.transaction_id = Some(id.to_string());
        self
    }

    /// Set OrderId.
    pub fn order(mut self, id: Option<&str>) -> SpError {
        self.0.order_id = id.map(str::to_string);
        self
    }

    /// Render (with the ResponseHeader for JSON API calls).
    pub fn reply(self, rh: Option<&Value>) -> Reply {
        let e = *self.0;
        let mut m = Map::new();
        if let Some(rh) = rh {
            m.insert("ResponseHeader".into(), rh.clone());
        }
        m.insert("Behavior".into(), e.behavior.into());
        m.insert("ErrorName".into(), e.name.into());
        m.insert("ErrorMessage".into(), e.message.into());
        if !e.details.is_empty() {
            m.insert("ErrorDetail".into(), json!(e.details));
        }
        if let Some(t) = e.transaction_id {
            m.insert("TransactionId".into(), t.into());
        }
        if let Some(o) = e.order_id {
            m.insert("OrderId".into(), o.into());
        }
        Reply::json(e.status, &Value::Object(m))
    }
}

/// A complete Saferpay error answer.
pub fn error_reply(
    status: u16,
    rh: Option<&Value>,
    behavior: &'static str,
    name: &'static str,
    message: &str,
    details: &[&str],
) -> Reply {
    let mut e = SpError::new(status, behavior, name, message);
    for d in details {
        e = e.detail(*d);
    }
    e.reply(rh)
}

/// The ResponseHeader a JSON API request would get (None for Management API requests or
/// unparsable bodies).
pub fn response_header_of(req: &ApiRequest) -> Option<Value> {
    if !req.path.starts_with("/api/Payment/") {
        return None;
    }
    let body: Value = serde_json::from_slice(&req.body).ok()?;
    let h = body.get("RequestHeader")?;
    Some(json!({
        "SpecVersion": h.get("SpecVersion").and_then(Value::as_str).unwrap_or("1.53"),
        "RequestId": h.get("RequestId").and_then(Value::as_str).unwrap_or(""),
    }))
}

// ---------------------------------------------------------------------------------------------
// Validation helpers

/// Field rules from the Saferpay dictionary.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// `A-Za-z0-9.:-_`, length range.
    Id(usize, usize),
    /// Any UTF-8, length range in characters.
    Utf8(usize, usize),
    /// Digits, length range.
    Numeric(usize, usize),
    /// ASCII letters and digits, length range.
    AlphaNumeric(usize, usize),
    /// One of.
    Enum(&'static [&'static str]),
    /// http(s) URL up to this length.
    Url(usize),
    /// https URL up to this length.
    HttpsUrl(usize),
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '_')
}

/// Check a string against a rule; Err(reason).
pub fn check_rule(s: &str, rule: Rule) -> Result<(), String> {
    let n = s.chars().count();
    let len = |min: usize, max: usize| {
        if n < min || n > max {
            Err(format!("must be {min} to {max} characters long (is {n})"))
        } else {
            Ok(())
        }
    };
    match rule {
        Rule::Id(min, max) => {
            len(min, max)?;
            if !s.chars().all(is_id_char) {
                return Err("may only contain the characters A-Z a-z 0-9 . : - _".into());
            }
            Ok(())
        }
        Rule::Utf8(min, max) => len(min, max),
        Rule::Numeric(min, max) => {
            len(min, max)?;
            if !s.chars().all(|c| c.is_ascii_digit()) {
                return Err("must be numeric".into());
            }
            Ok(())
        }
        Rule::AlphaNumeric(min, max) => {
            len(min, max)?;
            if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err("must be alphanumeric".into());
            }
            Ok(())
        }
        Rule::Enum(values) => {
            if values.contains(&s) {
                Ok(())
            } else {
                Err(format!("must be one of {}", values.join(", ")))
            }
        }
        Rule::Url(max) | Rule::HttpsUrl(max) => {
            let https_only = matches!(rule, Rule::HttpsUrl(_));
            if n > max {
                return Err(format!("must be at most {max} characters long"));
            }
            let ok_scheme = s.starts_with("https://") || (!https_only && s.starts_with("http://"));
            if !ok_scheme {
                return Err(if https_only {
                    "must be an https URL".into()
                } else {
                    "must be an http or https URL".into()
                });
            }
            if s.len() <= 8 || s.chars().any(char::is_whitespace) {
                return Err("is not a valid URL".into());
            }
            Ok(())
        }
    }
}

/// Collects validation errors with Saferpay-style field paths.
#[derive(Debug, Default)]
pub struct V {
    /// `Path: message` lines.
    pub errs: Vec<String>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl V {
    /// Record a missing field.
    pub fn missing(&mut self, path: &str, key: &str) {
        self.errs
            .push(format!("{}: The {key} field is required.", join(path, key)));
    }

    /// Record an invalid field.
    pub fn invalid(&mut self, path: &str, key: &str, why: &str) {
        self.errs.push(format!(
            "{}: The field {key} is invalid: {why}",
            join(path, key)
        ));
    }

    /// Any errors?
    pub fn ok(&self) -> bool {
        self.errs.is_empty()
    }

    /// Into an error.
    pub fn into_error(self) -> SpError {
        SpError::validation(self.errs)
    }

    /// An object field.
    pub fn obj<'a>(
        &mut self,
        parent: &'a Value,
        path: &str,
        key: &str,
        required: bool,
    ) -> Option<&'a Map<String, Value>> {
        match parent.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.missing(path, key);
                }
                None
            }
            Some(Value::Object(m)) => Some(m),
            Some(_) => {
                self.invalid(path, key, "must be an object");
                None
            }
        }
    }

    /// A string field with a rule.
    pub fn string<'a>(
        &mut self,
        parent: &'a Value,
        path: &str,
        key: &str,
        required: bool,
        rule: Rule,
    ) -> Option<&'a str> {
        match parent.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.missing(path, key);
                }
                None
            }
            Some(Value::String(s)) => match check_rule(s, rule) {
                Ok(()) => Some(s.as_str()),
                Err(why) => {
                    self.invalid(path, key, &why);
                    None
                }
            },
            Some(_) => {
                self.invalid(path, key, "must be a string");
                None
            }
        }
    }

    /// A boolean field.
    pub fn boolean(&mut self, parent: &Value, path: &str, key: &str) -> Option<bool> {
        match parent.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.invalid(path, key, "must be a boolean");
                None
            }
        }
    }

    /// An integer field.
    pub fn integer(
        &mut self,
        parent: &Value,
        path: &str,
        key: &str,
        required: bool,
    ) -> Option<i64> {
        match parent.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.missing(path, key);
                }
                None
            }
            Some(Value::Number(n)) if n.is_i64() => n.as_i64(),
            Some(_) => {
                self.invalid(path, key, "must be an integer");
                None
            }
        }
    }

    /// An array of strings with a rule.
    pub fn string_array(
        &mut self,
        parent: &Value,
        path: &str,
        key: &str,
        required: bool,
        rule: Rule,
    ) -> Option<Vec<String>> {
        match parent.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.missing(path, key);
                }
                None
            }
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item.as_str() {
                        Some(s) => match check_rule(s, rule) {
                            Ok(()) => out.push(s.to_string()),
                            Err(why) => self.invalid(path, &format!("{key}[{i}]"), &why),
                        },
                        None => self.invalid(path, &format!("{key}[{i}]"), "must be a string"),
                    }
                }
                Some(out)
            }
            Some(_) => {
                self.invalid(path, key, "must be an array");
                None
            }
        }
    }

    /// An amount object `{Value: "<minor units>", CurrencyCode}`.
    pub fn amount(
        &mut self,
        parent: &Value,
        path: &str,
        key: &str,
        required: bool,
        allow_zero: bool,
    ) -> Option<(i64, Currency)> {
        let obj = self.obj(parent, path, key, required)?;
        let p = join(path, key);
        let before = self.errs.len();
        let value = match obj.get("Value") {
            None | Some(Value::Null) => {
                self.missing(&p, "Value");
                None
            }
            Some(Value::String(s)) => {
                if s.is_empty() || s.len() > 18 || !s.chars().all(|c| c.is_ascii_digit()) {
                    self.invalid(
                        &p,
                        "Value",
                        "must be a string of digits (amount in minor units)",
                    );
                    None
                } else {
                    match s.parse::<i64>() {
                        Ok(0) if !allow_zero => {
                            self.invalid(&p, "Value", "must be greater than zero");
                            None
                        }
                        Ok(v) => Some(v),
                        Err(_) => {
                            self.invalid(&p, "Value", "is out of range");
                            None
                        }
                    }
                }
            }
            Some(Value::Number(_)) => {
                self.invalid(
                    &p,
                    "Value",
                    "must be a string (amount in minor units), not a number",
                );
                None
            }
            Some(_) => {
                self.invalid(&p, "Value", "must be a string");
                None
            }
        };
        let cur = match obj.get("CurrencyCode") {
            None | Some(Value::Null) => {
                self.missing(&p, "CurrencyCode");
                None
            }
            Some(Value::String(s)) => match currency::find(s) {
                Some(c) => Some(c),
                None => {
                    self.invalid(&p, "CurrencyCode", "unknown ISO 4217 currency code");
                    None
                }
            },
            Some(_) => {
                self.invalid(&p, "CurrencyCode", "must be a string");
                None
            }
        };
        if self.errs.len() != before {
            return None;
        }
        Some((value?, cur?))
    }
}

/// Amount JSON.
pub fn amount_json(minor: i64, cur: Currency) -> Value {
    json!({"Value": minor.to_string(), "CurrencyCode": cur.code})
}

/// Parse `major.minor` version text.
pub fn parse_version(s: &str) -> Option<(u32, u32)> {
    let (major, minor) = s.split_once('.')?;
    let ok = |p: &str| {
        !p.is_empty()
            && p.len() <= 2
            && p.chars().all(|c| c.is_ascii_digit())
            && !(p.len() > 1 && p.starts_with('0'))
    };
    if !ok(major) || !ok(minor) {
        return None;
    }
    let v = (major.parse().ok()?, minor.parse().ok()?);
    (v.0 == 1 && v.1 <= MAX_MINOR).then_some(v)
}

fn min_version(route: Route) -> (u32, u32) {
    match route {
        Route::OffersCreate => (1, 14),
        Route::FieldsTokensCreate => (1, 21),
        Route::TerminalPaymentMethods => (1, 23),
        Route::LicenseConfiguration => (1, 31),
        Route::Terminals | Route::Terminal => (1, 32),
        Route::OffersGet => (1, 33),
        Route::License | Route::OffersDelete => (1, 35),
        Route::FieldsTokensDelete => (1, 44),
        Route::TransactionsReport => (1, 48),
        Route::PaymentPageConfigurations => (1, 52),
        _ => (1, 0),
    }
}

fn credentials_ok(req: &ApiRequest) -> Result<(), &'static str> {
    match req.basic_auth() {
        None => Err("Missing or malformed HTTP Basic Authorization header"),
        Some((u, p)) if u == SAFERPAY_USERNAME && p == SAFERPAY_PASSWORD => Ok(()),
        Some(_) => Err("Invalid credentials"),
    }
}

/// Management API request context.
pub struct Mgmt<'a> {
    /// The request.
    pub req: &'a ApiRequest,
    /// Saferpay-ApiVersion.
    pub version: (u32, u32),
    /// Sandbox now.
    pub now: DateTime<Utc>,
}

/// JSON API request context.
pub struct Json<'a> {
    /// Parsed body.
    pub body: &'a Value,
    /// ResponseHeader to echo.
    pub rh: &'a Value,
    /// SpecVersion.
    pub version: (u32, u32),
    /// Sandbox now.
    pub now: DateTime<Utc>,
}

/// Entry point for all Saferpay API routes.
pub fn handle(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    match route.provider() {
        Provider::SaferpayManagement => management(app, route, req),
        _ => json_api(app, route, req),
    }
}

fn storable(r: &Reply) -> bool {
    let s = r.status.as_u16();
    s < 500 && s != 429
}

fn replay_or_execute(
    app: &Arc<App>,
    key: String,
    route: Route,
    fingerprint: Value,
    retry: Option<i64>,
    rh: Option<&Value>,
    exec: impl FnOnce() -> Reply,
) -> Reply {
    let replay = app.config().request_id_replay;
    let mut idem = lock(&app.idem);
    if !replay {
        // A provider that does not deduplicate: every request is executed, repeated or not.
        if let (Some(r), Some(stored)) = (retry, idem.get_mut(&key)) {
            if r <= stored.last_retry {
                inc(&app.stats.duplicates.retry_indicator_not_incremented);
            }
            stored.last_retry = stored.last_retry.max(r);
        }
        drop(idem);
        let reply = exec();
        if storable(&reply) {
            lock(&app.idem).entry(key).or_insert(Stored {
                route,
                fingerprint,
                reply: reply.clone(),
                last_retry: retry.unwrap_or(0),
            });
        }
        return reply;
    }
    if let Some(stored) = idem.get_mut(&key) {
        if stored.route != route || stored.fingerprint != fingerprint {
            inc(&app.stats.duplicates.request_id_reuse);
            return SpError::validation(vec![format!(
                "RequestId: the request id was already used for a different request ({})",
                stored.route.name()
            )])
            .reply(rh);
        }
        if let Some(r) = retry {
            if r <= stored.last_retry {
                inc(&app.stats.duplicates.retry_indicator_not_incremented);
            }
            stored.last_retry = stored.last_retry.max(r);
        }
        inc(&app.stats.effects.replays);
        return stored.reply.clone();
    }
    let reply = exec();
    if storable(&reply) {
        idem.insert(
            key,
            Stored {
                route,
                fingerprint,
                reply: reply.clone(),
                last_retry: retry.unwrap_or(0),
            },
        );
    }
    reply
}

fn management(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    if let Err(why) = credentials_ok(req) {
        return SpError::auth(why).reply(None);
    }
    let cid = req.param(0);
    if cid != SAFERPAY_CUSTOMER_ID {
        return SpError::auth(&format!("The credentials are not valid for customer {cid}"))
            .reply(None);
    }
    let mut v = V::default();
    let version = match req.header("saferpay-apiversion") {
        None => {
            v.errs
                .push("Saferpay-ApiVersion: The Saferpay-ApiVersion header is required.".into());
            None
        }
        Some(s) => match parse_version(s.trim()) {
            Some(ver) => Some(ver),
            None => {
                v.errs.push(format!(
                    "Saferpay-ApiVersion: The header value {s:?} is not a valid API version (1.0 … 1.{MAX_MINOR})."
                ));
                None
            }
        },
    };
    let request_id = match req.header("saferpay-requestid") {
        None => {
            v.errs
                .push("Saferpay-RequestId: The Saferpay-RequestId header is required.".into());
            None
        }
        Some(s) => match check_rule(s, Rule::Id(1, 50)) {
            Ok(()) => Some(s.to_string()),
            Err(why) => {
                v.errs
                    .push(format!("Saferpay-RequestId: The header is invalid: {why}"));
                None
            }
        },
    };
    if !v.ok() {
        return v.into_error().reply(None);
    }
    let (Some(version), Some(request_id)) = (version, request_id) else {
        return SpError::validation(vec!["headers invalid".into()]).reply(None);
    };
    let min = min_version(route);
    if version < min {
        return SpError::validation(vec![format!(
            "Saferpay-ApiVersion: 1.{} does not support this endpoint (requires at least {}.{}).",
            version.1, min.0, min.1
        )])
        .reply(None);
    }
    if !req.accepts_json() {
        return SpError::new(406, "DO_NOT_RETRY", "VALIDATION_FAILED", "Not acceptable")
            .detail("Accept: the API answers application/json")
            .reply(None);
    }
    let ctx = Mgmt {
        req,
        version,
        now: app.clock.now(),
    };
    let exec = || match route {
        Route::OffersCreate => offers::create(app, &ctx),
        Route::OffersGet => offers::get(app, &ctx),
        Route::OffersDelete => offers::delete(app, &ctx),
        Route::TransactionsReport => reporting::report(app, &ctx),
        _ => account::handle(app, route, &ctx),
    };
    if req.method == Method::POST || req.method == Method::DELETE {
        if req.method == Method::POST && !req.content_type_is_json() {
            return SpError::new(
                415,
                "DO_NOT_RETRY",
                "VALIDATION_FAILED",
                "Unsupported media type",
            )
            .detail("Content-Type: must be application/json")
            .reply(None);
        }
        let body: Value = serde_json::from_slice(&req.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&req.body).into_owned()));
        let fingerprint = json!({"method": req.method.as_str(), "path": req.path, "body": body});
        let key = format!("mgmt:{cid}:{request_id}");
        replay_or_execute(app, key, route, fingerprint, None, None, exec)
    } else {
        exec()
    }
}

fn json_api(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    let rh_guess = response_header_of(req);
    if let Err(why) = credentials_ok(req) {
        return SpError::auth(why).reply(rh_guess.as_ref());
    }
    if !req.content_type_is_json() {
        return SpError::new(
            415,
            "DO_NOT_RETRY",
            "VALIDATION_FAILED",
            "Unsupported media type",
        )
        .detail("Content-Type: must be application/json")
        .reply(rh_guess.as_ref());
    }
    if !req.accepts_json() {
        return SpError::new(406, "DO_NOT_RETRY", "VALIDATION_FAILED", "Not acceptable")
            .detail("Accept: the API answers application/json")
            .reply(rh_guess.as_ref());
    }
    let body = match req.json() {
        Ok(Value::Object(m)) => Value::Object(m),
        Ok(_) => {
            return SpError::validation(vec!["The request body must be a JSON object.".into()])
                .reply(None);
        }
        Err(e) => return SpError::validation(vec![e]).reply(None),
    };
    let mut v = V::default();
    let Some(h) = body.get("RequestHeader").filter(|h| h.is_object()) else {
        v.missing("", "RequestHeader");
        return v.into_error().reply(None);
    };
    let spec = v.string(h, "RequestHeader", "SpecVersion", true, Rule::Utf8(1, 10));
    let version = spec.and_then(|s| {
        let pv = parse_version(s);
        if pv.is_none() {
            v.invalid(
                "RequestHeader",
                "SpecVersion",
                &format!("must be one of 1.0 … 1.{MAX_MINOR}"),
            );
        }
        pv
    });
    let customer = v.string(h, "RequestHeader", "CustomerId", true, Rule::Numeric(1, 8));
    let request_id = v.string(h, "RequestHeader", "RequestId", true, Rule::Id(1, 50));
    let retry = match h.get("RetryIndicator") {
        None | Some(Value::Null) => {
            v.missing("RequestHeader", "RetryIndicator");
            None
        }
        Some(Value::Number(n)) => match n.as_i64() {
            Some(r) if (0..=9).contains(&r) => Some(r),
            _ => {
                v.invalid(
                    "RequestHeader",
                    "RetryIndicator",
                    "must be an integer from 0 to 9",
                );
                None
            }
        },
        Some(_) => {
            v.invalid(
                "RequestHeader",
                "RetryIndicator",
                "must be an integer from 0 to 9",
            );
            None
        }
    };
    let rh = json!({
        "SpecVersion": spec.unwrap_or("1.53"),
        "RequestId": request_id.or_else(|| h.get("RequestId").and_then(Value::as_str)).unwrap_or(""),
    });
    if !v.ok() {
        return v.into_error().reply(Some(&rh));
    }
    let (Some(version), Some(customer), Some(request_id), Some(retry)) =
        (version, customer, request_id, retry)
    else {
        return SpError::validation(vec!["RequestHeader invalid".into()]).reply(Some(&rh));
    };
    if customer != SAFERPAY_CUSTOMER_ID {
        return SpError::auth(&format!(
            "The credentials are not valid for customer {customer}"
        ))
        .reply(Some(&rh));
    }
    let ctx = Json {
        body: &body,
        rh: &rh,
        version,
        now: app.clock.now(),
    };
    let mut fingerprint = body.clone();
    if let Some(Value::Object(hm)) = fingerprint.get_mut("RequestHeader") {
        hm.remove("RetryIndicator");
    }
    let key = format!("json:{customer}:{request_id}");
    replay_or_execute(app, key, route, fingerprint, Some(retry), Some(&rh), || {
        let r = match route {
            Route::PaymentPageInitialize => payment_page::initialize(app, &ctx),
            Route::PaymentPageAssert => payment_page::assert(app, &ctx),
            _ => transaction::handle(app, route, &ctx),
        };
        match r {
            Ok(v) => {
                let mut v = v;
                if let Value::Object(m) = &mut v {
                    let mut out = Map::new();
                    out.insert("ResponseHeader".into(), rh.clone());
                    out.extend(std::mem::take(m));
                    *m = out;
                }
                Reply::json(200, &v)
            }
            Err(e) => e.reply(Some(&rh)),
        }
    })
}

/// Payment means JSON for a transaction.
pub fn payment_means_json(tx: &Tx) -> Value {
    let last4 = &tx.masked[tx.masked.len().saturating_sub(4)..];
    json!({
        "Brand": {"PaymentMethod": tx.brand, "Name": format!("{} Saferpay Test", tx.brand)},
        "DisplayText": format!("xxxx xxxx xxxx {last4}"),
        "Card": {
            "MaskedNumber": tx.masked,
            "ExpYear": 2030,
            "ExpMonth": 9,
            "HolderName": "Max Mustermann",
            "HolderSegment": "CONSUMER",
            "CountryCode": "CH",
            "FundingSource": "CREDIT",
        }
    })
}

/// Transaction JSON (`Payment_Models_Data_Transaction`).
pub fn tx_json(tx: &Tx) -> Value {
    let mut m = Map::new();
    m.insert(
        "Type".into(),
        (if tx.kind == TxKind::Payment {
            "PAYMENT"
        } else {
            "REFUND"
        })
        .into(),
    );
    m.insert("Status".into(), tx.status.name().into());
    m.insert("Id".into(), tx.id.clone().into());
    if let Some(c) = &tx.capture_id {
        m.insert("CaptureId".into(), c.clone().into());
    }
    m.insert("Date".into(), crate::clock::fmt_saferpay(tx.created).into());
    m.insert("Amount".into(), amount_json(tx.amount, tx.currency));
    if let Some(o) = &tx.order_id {
        m.insert("OrderId".into(), o.clone().into());
    }
    m.insert("AcquirerName".into(), "Saferpay Test Card".into());
    m.insert(
        "AcquirerReference".into(),
        format!(
            "{:011}",
            crate::ids::mix(tx.id.len() as u64 ^ tx.created.timestamp() as u64) % 100_000_000_000
        )
        .into(),
    );
    m.insert(
        "SixTransactionReference".into(),
        format!("0:0:3:{}", tx.id).into(),
    );
    m.insert("ApprovalCode".into(), tx.approval.clone().into());
    Value::Object(m)
}

/// Liability JSON.
pub fn liability_json() -> Value {
    json!({
        "LiabilityShift": true,
        "LiableEntity": "THREEDS",
        "InPsd2Scope": "YES",
        "ThreeDs": {"Authenticated": true, "Xid": "ARkvCgk5Y1t/BDFFXkUPGX9DUgs="}
    })
}
