//! TransactionReporting GetTransactions: seeded, deterministic, paged, serial per customer.
//!
//! Seeded rows are computed on the fly from (seed, day, index): every seeded day has
//! `reporting_per_day` transactions at strictly increasing times; the state and terminal of
//! index `j` come from a fixed 100-entry pattern, so counts and the k-th matching row of any
//! filter are plain arithmetic. Transactions made in the sandbox are merged in by time. The
//! order (time, then id) is total, so each transaction appears on exactly one page.

use super::encoded_days::{DayKey, EncodedDay};
use super::{Mgmt, SpError, State, TxKind, TxStatus};
use crate::clock::{self, day_of, from_millis};
use crate::currency::{self, Currency};
use crate::ids::{det_alnum, hash3, mix};
use crate::reply::{ApiRequest, Reply};
use crate::state::{App, lock};
use crate::stats::inc;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::io::Write as _;
use std::sync::Arc;

const DAY_MS: i64 = 86_400_000;
const L: usize = 100;
const TERMINAL_IDS: [&str; 2] = ["17757531", "17757532"];
const STATES: [&str; 3] = ["SUCCESSFUL", "FAILED", "PENDING"];

/// Holds the per-customer "report in flight" slot.
pub struct ReportGuard {
    app: Arc<App>,
    key: String,
}

impl Drop for ReportGuard {
    fn drop(&mut self) {
        lock(&self.app.report_busy).remove(&self.key);
    }
}

/// Take the customer's reporting slot or answer 429.
pub fn acquire(app: &Arc<App>, req: &ApiRequest) -> Result<ReportGuard, Reply> {
    let key = req.param(0).to_string();
    let mut busy = lock(&app.report_busy);
    if !busy.insert(key.clone()) {
        inc(&app.stats.effects.reports_refused);
        return Err(SpError::new(429, "RETRY_LATER", "TOO_MANY_REQUESTS", "Too many requests")
            .detail("Parallel transaction reporting requests are not allowed; wait for the running request to finish")
            .reply(None)
            .with_header("retry-after", "1".into()));
    }
    Ok(ReportGuard {
        app: Arc::clone(app),
        key,
    })
}

struct Pattern {
    state: [u8; L],
    term: [u8; L],
}

fn pattern(seed: u64) -> Pattern {
    let mut p = Pattern {
        state: [0; L],
        term: [0; L],
    };
    for k in 0..L {
        let h = mix(seed ^ 0x7265_706f_7274 ^ k as u64);
        p.state[k] = match h % 100 {
            0..=84 => 0,
            85..=94 => 1,
            _ => 2,
        };
        p.term[k] = u8::from((h >> 16) % 5 == 4);
    }
    p
}

struct Index {
    positions: Vec<u64>,
    prefix: [u64; L + 1],
}

impl Index {
    fn new(p: &Pattern, state: u8, term: Option<u8>) -> Index {
        let mut positions = Vec::new();
        let mut prefix = [0u64; L + 1];
        for k in 0..L {
            let m = p.state[k] == state && term.is_none_or(|t| p.term[k] == t);
            prefix[k + 1] = prefix[k] + u64::from(m);
            if m {
                positions.push(k as u64);
            }
        }
        Index { positions, prefix }
    }

    /// Matching indices in [0, n).
    fn before(&self, n: u64) -> u64 {
        (n / L as u64) * self.prefix[L] + self.prefix[(n % L as u64) as usize]
    }

    /// Index of the r-th (0-based) match.
    fn kth(&self, r: u64) -> u64 {
        let per = self.positions.len() as u64;
        (r / per) * L as u64 + self.positions[(r % per) as usize]
    }
}

struct Seeded {
    seed: u64,
    per_day: u64,
    step: i64,
    first_day: i64,
    last_day: i64,
}

impl Seeded {
    fn time(&self, d: i64, j: u64) -> i64 {
        d * DAY_MS + j as i64 * self.step + (hash3(self.seed, d, j) % self.step as u64) as i64
    }

    /// First index in day d whose time is ≥ t.
    fn first_at(&self, d: i64, t: i64) -> u64 {
        let start = d * DAY_MS;
        if t <= start {
            return 0;
        }
        let j0 = ((t - start) / self.step) as u64;
        if j0 >= self.per_day {
            return self.per_day;
        }
        if self.time(d, j0) >= t {
            j0
        } else {
            (j0 + 1).min(self.per_day)
        }
    }

    fn has(&self, d: i64) -> bool {
        self.per_day > 0 && d >= self.first_day && d <= self.last_day
    }
}

fn parse_date(s: &str) -> Option<(i64, bool)> {
    if s.len() == 10 {
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
        Some((d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis(), false))
    } else if s.len() == 16 {
        let dt = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok()?;
        Some((dt.and_utc().timestamp_millis(), true))
    } else {
        None
    }
}

struct RealRow {
    time: i64,
    id: String,
    row: Value,
}

fn real_rows(st: &State, state: u8, term: Option<&str>, from: i64, to: i64) -> Vec<RealRow> {
    let mut out = Vec::new();
    let in_window = |t: i64| t >= from && t < to;
    let term_ok = |t: &str| term.is_none_or(|x| x == t);
    if state == 0 {
        for tx in st.txs.values() {
            let t = tx.created.timestamp_millis();
            if !in_window(t) || !term_ok(&tx.terminal_id) {
                continue;
            }
            let refunded = tx.refunds.iter().any(|r| {
                st.txs
                    .get(r)
                    .is_some_and(|x| x.status != TxStatus::Canceled)
            });
            let mut details = Map::new();
            details.insert(
                "AuthorizationDate".into(),
                clock::fmt_report(tx.created).into(),
            );
            details.insert(
                "LastActionDate".into(),
                clock::fmt_report(tx.last_action).into(),
            );
            details.insert(
                "Type".into(),
                (if tx.kind == TxKind::Payment {
                    "PAYMENT"
                } else {
                    "REFUND"
                })
                .into(),
            );
            details.insert("State".into(), tx.status.name().into());
            details.insert(
                "CapturedMerchantAmount".into(),
                currency::major(tx.captured_amount, tx.currency).into(),
            );
            details.insert("HasCVC".into(), true.into());
            details.insert("HasLiabilityShift".into(), true.into());
            details.insert("ProcessingAuthCode".into(), tx.approval.clone().into());
            details.insert(
                "AuthorizedBy".into(),
                crate::credentials::SAFERPAY_USERNAME.into(),
            );
            details.insert("HasCurrencyConversion".into(), false.into());
            details.insert("PayerCurrency".into(), tx.currency.code.into());
            details.insert(
                "PayerAmount".into(),
                currency::major(tx.amount, tx.currency).into(),
            );
            details.insert(
                "IsCaptured".into(),
                (tx.status == TxStatus::Captured).into(),
            );
            details.insert("HasPartialCaptures".into(), (!tx.parts.is_empty()).into());
            details.insert("IsRefunded".into(), refunded.into());
            details.insert(
                "IsCancelled".into(),
                (tx.status == TxStatus::Canceled).into(),
            );
            details.insert("IsOmniChannel".into(), false.into());
            if let Some(c) = tx.capture_date {
                details.insert("CaptureDate".into(), clock::fmt_report(c).into());
                details.insert(
                    "CapturedBy".into(),
                    crate::credentials::SAFERPAY_USERNAME.into(),
                );
            }
            if let Some(c) = tx.cancel_date {
                details.insert("CancellationDate".into(), clock::fmt_report(c).into());
                details.insert(
                    "CancelledBy".into(),
                    crate::credentials::SAFERPAY_USERNAME.into(),
                );
            }
            details.insert("MaskedCardNumber".into(), tx.masked.clone().into());
            details.insert("ExpiryMonth".into(), 9.into());
            details.insert("ExpiryYear".into(), 2030.into());
            details.insert("HolderName".into(), "Max Mustermann".into());
            let row = base_row(
                tx.amount,
                tx.currency,
                &tx.terminal_id,
                tx.application,
                &tx.id,
                tx.order_id.as_deref(),
                tx.brand,
                tx.description.as_deref(),
                "AuthorizationDetails",
                Value::Object(details),
            );
            out.push(RealRow {
                time: t,
                id: tx.id.clone(),
                row,
            });
        }
    } else if state == 1 {
        for f in &st.failed {
            let t = f.date.timestamp_millis();
            if !in_window(t) || !term_ok(&f.terminal_id) {
                continue;
            }
            let row = base_row(
                f.amount,
                f.currency,
                &f.terminal_id,
                "Saferpay Payment Page",
                &f.id,
                f.order_id.as_deref(),
                "VISA",
                Some(&f.description),
                "FailedDetails",
                json!({
                    "FailedDate": clock::fmt_report(f.date),
                    "DeclinedBy": "ACQUIRER",
                    "SaferpayErrorCode": "TRANSACTION_DECLINED",
                    "SaferpayErrorText": "Transaction declined by the sandbox acquirer",
                    "MaskedPaymentMethod": "912345xxxxxx0001",
                }),
            );
            out.push(RealRow {
                time: t,
                id: f.id.clone(),
                row,
            });
        }
    }
    out.sort_by(|a, b| (a.time, &a.id).cmp(&(b.time, &b.id)));
    out
}

#[allow(clippy::too_many_arguments)]
fn base_row(
    minor: i64,
    cur: Currency,
    terminal: &str,
    application: &str,
    id: &str,
    order_id: Option<&str>,
    method: &str,
    description: Option<&str>,
    details_key: &str,
    details: Value,
) -> Value {
    let mut m = Map::new();
    m.insert("MerchantAmount".into(), currency::major(minor, cur).into());
    m.insert("MerchantCurrency".into(), cur.code.into());
    m.insert("CustomerId".into(), 123456.into());
    m.insert(
        "TerminalId".into(),
        terminal.parse::<i64>().unwrap_or(0).into(),
    );
    m.insert(
        "TerminalType".into(),
        (if terminal == TERMINAL_IDS[1] {
            "SPG"
        } else {
            "ECOM"
        })
        .into(),
    );
    m.insert("Application".into(), application.into());
    m.insert("TransactionId".into(), id.into());
    if let Some(o) = order_id {
        m.insert("OrderId".into(), o.into());
    }
    let provider = match method {
        "PAYPAL" => "PayPal",
        "TWINT" => "TWINT",
        _ => "Saferpay Test Acquirer",
    };
    m.insert("Provider".into(), provider.into());
    m.insert("PaymentMethod".into(), method.into());
    m.insert("IpAddress".into(), "127.0.0.1".into());
    if let Some(d) = description {
        m.insert("Description".into(), d.into());
    }
    m.insert(details_key.into(), details);
    Value::Object(m)
}

/// The reference encoding of a seeded row (as a `Value`); pages use [`seeded_record`], which
/// must give the same bytes (see the tests).
#[cfg(test)]
fn seeded_row(seed: u64, d: i64, j: u64, state: u8, term: u8, t: i64) -> Value {
    let h = hash3(seed, d, j);
    let h2 = mix(h ^ 0x00c0_ffee);
    let cur = match h % 100 {
        0..=59 => "CHF",
        60..=84 => "EUR",
        85..=97 => "USD",
        _ => "JPY",
    };
    let cur = currency::find(cur).unwrap_or(Currency {
        code: "CHF",
        exponent: 2,
    });
    let minor = if cur.exponent == 0 {
        100 + (h2 % 20_000) as i64
    } else {
        100 + (h2 % 49_900) as i64
    };
    let methods = ["VISA", "MASTERCARD", "TWINT", "PAYPAL", "MAESTRO"];
    let method = methods[((h >> 20) % methods.len() as u64) as usize];
    let apps = [
        "Saferpay Payment Page",
        "Json Api",
        "Saferpay Payment Page",
        "Saferpay Backoffice",
    ];
    let application = apps[((h >> 28) % apps.len() as u64) as usize];
    let id = det_alnum(h ^ 0x5a5a_5a5a, 28);
    let order_id = format!("ORD-{}-{:06}", d, j);
    let date = from_millis(t);
    let description = format!("Seeded order {order_id}");
    let (key, details) = match state {
        0 => {
            let refund = (h >> 36).is_multiple_of(20);
            let st = match (h >> 40) % 10 {
                0..=6 => "CAPTURED",
                7..=8 => "AUTHORIZED",
                _ => "CANCELED",
            };
            let captured = st == "CAPTURED";
            let last = from_millis(t + if captured { 3_600_000 } else { 0 });
            let mut m = Map::new();
            m.insert("AuthorizationDate".into(), clock::fmt_report(date).into());
            m.insert("LastActionDate".into(), clock::fmt_report(last).into());
            m.insert(
                "Type".into(),
                (if refund { "REFUND" } else { "PAYMENT" }).into(),
            );
            m.insert("State".into(), st.into());
            m.insert(
                "CapturedMerchantAmount".into(),
                currency::major(if captured { minor } else { 0 }, cur).into(),
            );
            m.insert(
                "HasCVC".into(),
                (method != "PAYPAL" && method != "TWINT").into(),
            );
            m.insert(
                "HasLiabilityShift".into(),
                (!(h >> 44).is_multiple_of(3)).into(),
            );
            m.insert(
                "ProcessingAuthCode".into(),
                format!("{:06}", (h >> 8) % 1_000_000).into(),
            );
            m.insert(
                "AuthorizedBy".into(),
                crate::credentials::SAFERPAY_USERNAME.into(),
            );
            m.insert("HasCurrencyConversion".into(), false.into());
            m.insert("PayerCurrency".into(), cur.code.into());
            m.insert("PayerAmount".into(), currency::major(minor, cur).into());
            m.insert("IsCaptured".into(), captured.into());
            m.insert("HasPartialCaptures".into(), false.into());
            m.insert(
                "IsRefunded".into(),
                (!refund && captured && (h >> 48).is_multiple_of(25)).into(),
            );
            m.insert("IsCancelled".into(), (st == "CANCELED").into());
            m.insert("IsOmniChannel".into(), false.into());
            if captured {
                m.insert("CaptureDate".into(), clock::fmt_report(last).into());
                m.insert(
                    "CapturedBy".into(),
                    crate::credentials::SAFERPAY_USERNAME.into(),
                );
            }
            if method != "PAYPAL" && method != "TWINT" {
                m.insert(
                    "MaskedCardNumber".into(),
                    format!("912345xxxxxx{:04}", (h >> 12) % 10_000).into(),
                );
                m.insert("ExpiryMonth".into(), (1 + (h >> 52) % 12).into());
                m.insert("ExpiryYear".into(), (2027 + (h >> 56) % 5).into());
                m.insert("HolderName".into(), "Max Mustermann".into());
            }
            ("AuthorizationDetails", Value::Object(m))
        }
        1 => {
            let by = ["ACQUIRER", "THREEDS", "RISK", "SAFERPAY"];
            (
                "FailedDetails",
                json!({
                    "FailedDate": clock::fmt_report(date),
                    "DeclinedBy": by[((h >> 36) % by.len() as u64) as usize],
                    "SaferpayErrorCode": "TRANSACTION_DECLINED",
                    "SaferpayErrorText": "Transaction declined",
                    "MaskedPaymentMethod": format!("912345xxxxxx{:04}", (h >> 12) % 10_000),
                }),
            )
        }
        _ => (
            "PendingDetails",
            json!({"PendingSinceDate": clock::fmt_report(date)}),
        ),
    };
    base_row(
        minor,
        cur,
        TERMINAL_IDS[usize::from(term)],
        application,
        &id,
        Some(&order_id),
        method,
        Some(&description),
        key,
        details,
    )
}

// A seeded row as a typed record, serialised straight into the page body (no `Value` tree per
// row). Fields are in the byte order of their JSON keys, the order a `Value` object (a
// BTreeMap) writes them in, so both encodings give the same bytes.
#[derive(Serialize)]
struct SeededRecord<'a> {
    #[serde(rename = "Application")]
    application: &'a str,
    #[serde(
        rename = "AuthorizationDetails",
        skip_serializing_if = "Option::is_none"
    )]
    authorization: Option<SeededAuthorization>,
    #[serde(rename = "CustomerId")]
    customer_id: u64,
    #[serde(rename = "Description")]
    description: String,
    #[serde(rename = "FailedDetails", skip_serializing_if = "Option::is_none")]
    failed: Option<SeededFailed<'a>>,
    #[serde(rename = "IpAddress")]
    ip_address: &'a str,
    #[serde(rename = "MerchantAmount")]
    merchant_amount: String,
    #[serde(rename = "MerchantCurrency")]
    merchant_currency: &'a str,
    #[serde(rename = "OrderId")]
    order_id: String,
    #[serde(rename = "PaymentMethod")]
    payment_method: &'a str,
    #[serde(rename = "PendingDetails", skip_serializing_if = "Option::is_none")]
    pending: Option<SeededPending>,
    #[serde(rename = "Provider")]
    provider: &'a str,
    #[serde(rename = "TerminalId")]
    terminal_id: i64,
    #[serde(rename = "TerminalType")]
    terminal_type: &'a str,
    #[serde(rename = "TransactionId")]
    transaction_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SeededAuthorization {
    authorization_date: String,
    authorized_by: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    capture_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    captured_by: Option<&'static str>,
    captured_merchant_amount: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiry_month: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiry_year: Option<u64>,
    #[serde(rename = "HasCVC")]
    has_cvc: bool,
    has_currency_conversion: bool,
    has_liability_shift: bool,
    has_partial_captures: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    holder_name: Option<&'static str>,
    is_cancelled: bool,
    is_captured: bool,
    is_omni_channel: bool,
    is_refunded: bool,
    last_action_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    masked_card_number: Option<String>,
    payer_amount: String,
    payer_currency: &'static str,
    processing_auth_code: String,
    state: &'static str,
    #[serde(rename = "Type")]
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SeededFailed<'a> {
    declined_by: &'a str,
    failed_date: String,
    masked_payment_method: String,
    saferpay_error_code: &'static str,
    saferpay_error_text: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SeededPending {
    pending_since_date: String,
}

/// A seeded row as a typed record (the same content as the reference encoding).
fn seeded_record(seed: u64, d: i64, j: u64, state: u8, term: u8, t: i64) -> SeededRecord<'static> {
    let h = hash3(seed, d, j);
    let h2 = mix(h ^ 0x00c0_ffee);
    let cur = match h % 100 {
        0..=59 => "CHF",
        60..=84 => "EUR",
        85..=97 => "USD",
        _ => "JPY",
    };
    let cur = currency::find(cur).unwrap_or(Currency {
        code: "CHF",
        exponent: 2,
    });
    let minor = if cur.exponent == 0 {
        100 + (h2 % 20_000) as i64
    } else {
        100 + (h2 % 49_900) as i64
    };
    const METHODS: [&str; 5] = ["VISA", "MASTERCARD", "TWINT", "PAYPAL", "MAESTRO"];
    const APPS: [&str; 4] = [
        "Saferpay Payment Page",
        "Json Api",
        "Saferpay Payment Page",
        "Saferpay Backoffice",
    ];
    let method = METHODS[((h >> 20) % METHODS.len() as u64) as usize];
    let application = APPS[((h >> 28) % APPS.len() as u64) as usize];
    let id = det_alnum(h ^ 0x5a5a_5a5a, 28);
    let order_id = format!("ORD-{}-{:06}", d, j);
    let date = from_millis(t);
    let description = format!("Seeded order {order_id}");
    let card = method != "PAYPAL" && method != "TWINT";
    let (mut authorization, mut failed, mut pending) = (None, None, None);
    match state {
        0 => {
            let refund = (h >> 36).is_multiple_of(20);
            let st = match (h >> 40) % 10 {
                0..=6 => "CAPTURED",
                7..=8 => "AUTHORIZED",
                _ => "CANCELED",
            };
            let captured = st == "CAPTURED";
            let last = clock::fmt_report(from_millis(t + if captured { 3_600_000 } else { 0 }));
            authorization = Some(SeededAuthorization {
                authorization_date: clock::fmt_report(date),
                authorized_by: crate::credentials::SAFERPAY_USERNAME,
                capture_date: captured.then(|| last.clone()),
                captured_by: captured.then_some(crate::credentials::SAFERPAY_USERNAME),
                captured_merchant_amount: currency::major(if captured { minor } else { 0 }, cur),
                expiry_month: card.then(|| 1 + (h >> 52) % 12),
                expiry_year: card.then(|| 2027 + (h >> 56) % 5),
                has_cvc: card,
                has_currency_conversion: false,
                has_liability_shift: !(h >> 44).is_multiple_of(3),
                has_partial_captures: false,
                holder_name: card.then_some("Max Mustermann"),
                is_cancelled: st == "CANCELED",
                is_captured: captured,
                is_omni_channel: false,
                is_refunded: !refund && captured && (h >> 48).is_multiple_of(25),
                last_action_date: last,
                masked_card_number: card.then(|| format!("912345xxxxxx{:04}", (h >> 12) % 10_000)),
                payer_amount: currency::major(minor, cur),
                payer_currency: cur.code,
                processing_auth_code: format!("{:06}", (h >> 8) % 1_000_000),
                state: st,
                kind: if refund { "REFUND" } else { "PAYMENT" },
            });
        }
        1 => {
            const BY: [&str; 4] = ["ACQUIRER", "THREEDS", "RISK", "SAFERPAY"];
            failed = Some(SeededFailed {
                declined_by: BY[((h >> 36) % BY.len() as u64) as usize],
                failed_date: clock::fmt_report(date),
                masked_payment_method: format!("912345xxxxxx{:04}", (h >> 12) % 10_000),
                saferpay_error_code: "TRANSACTION_DECLINED",
                saferpay_error_text: "Transaction declined",
            });
        }
        _ => {
            pending = Some(SeededPending {
                pending_since_date: clock::fmt_report(date),
            });
        }
    }
    let terminal = TERMINAL_IDS[usize::from(term)];
    SeededRecord {
        application,
        authorization,
        customer_id: 123456,
        description,
        failed,
        ip_address: "127.0.0.1",
        merchant_amount: currency::major(minor, cur),
        merchant_currency: cur.code,
        order_id,
        payment_method: method,
        pending,
        provider: match method {
            "PAYPAL" => "PayPal",
            "TWINT" => "TWINT",
            _ => "Saferpay Test Acquirer",
        },
        terminal_id: terminal.parse::<i64>().unwrap_or(0),
        terminal_type: if terminal == TERMINAL_IDS[1] {
            "SPG"
        } else {
            "ECOM"
        },
        transaction_id: id,
    }
}

/// Every matching seeded row of day `d`, encoded once per sandbox (see `encoded_days`).
fn encoded_day(
    app: &App,
    seeded: &Seeded,
    pat: &Pattern,
    index: &Index,
    d: i64,
    state: u8,
    terminal: Option<u8>,
) -> Arc<EncodedDay> {
    let key = DayKey {
        seed: seeded.seed,
        per_day: seeded.per_day,
        day: d,
        state,
        terminal,
    };
    if let Some(day) = lock(&app.report_days).get(&key) {
        return day;
    }
    // Encoded outside the lock: reports of other customers go on meanwhile.
    let mut day = EncodedDay::default();
    for r in 0..index.before(seeded.per_day) {
        let j = index.kth(r);
        let k = (j % L as u64) as usize;
        let record = seeded_record(
            seeded.seed,
            d,
            j,
            pat.state[k],
            pat.term[k],
            seeded.time(d, j),
        );
        // Writing into a Vec cannot fail; the record has only string keys.
        day.push_with(|bytes| {
            let _ = serde_json::to_writer(bytes, &record);
        });
    }
    let day = Arc::new(day);
    lock(&app.report_days).insert(key, Arc::clone(&day), app.options.report_cache_bytes);
    day
}

fn bad(detail: String) -> Reply {
    SpError::validation(vec![detail]).reply(None)
}

/// GET /rest/customers/{cid}/transactions.
pub fn report(app: &Arc<App>, ctx: &Mgmt) -> Reply {
    let q = ctx.req.query_pairs();
    let get = |name: &str| {
        q.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
    };
    let Some(start_s) = get("StartDate").filter(|s| !s.is_empty()) else {
        return bad("StartDate: The StartDate field is required.".into());
    };
    let Some(end_s) = get("EndDate").filter(|s| !s.is_empty()) else {
        return bad("EndDate: The EndDate field is required.".into());
    };
    let Some((start, _)) = parse_date(&start_s) else {
        return bad(format!(
            "StartDate: {start_s:?} is not in the format yyyy-MM-dd or yyyy-MM-ddTHH:mm"
        ));
    };
    let Some((end_at, end_has_time)) = parse_date(&end_s) else {
        return bad(format!(
            "EndDate: {end_s:?} is not in the format yyyy-MM-dd or yyyy-MM-ddTHH:mm"
        ));
    };
    let today = day_of(ctx.now) * DAY_MS;
    if end_at >= today {
        return bad(format!(
            "EndDate: must be earlier than today 00:00 ({}); to include yesterday pass yesterday 23:59",
            clock::fmt_report(from_millis(today))
        ));
    }
    if start > end_at {
        return bad("StartDate: must not be after EndDate".into());
    }
    // EndDate is inclusive of its unit: the whole day, or the whole minute.
    let end = end_at + if end_has_time { 60_000 } else { DAY_MS };
    let state = match get("TransactionState").filter(|s| !s.is_empty()) {
        None => 0u8,
        Some(s) => match STATES.iter().position(|x| x.eq_ignore_ascii_case(&s)) {
            Some(i) => i as u8,
            None => {
                return bad("TransactionState: must be one of SUCCESSFUL, FAILED, PENDING".into());
            }
        },
    };
    let terminal = match get("TerminalId").filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match s.parse::<u64>() {
            Ok(n) => Some(n.to_string()),
            Err(_) => return bad("TerminalId: must be an integer".into()),
        },
    };
    let page_size = match get("PageSize").filter(|s| !s.is_empty()) {
        None => 1000u64,
        Some(s) => match s.parse::<i64>() {
            Ok(n) if n >= 1 => (n as u64).min(2000),
            _ => return bad("PageSize: must be an integer from 1 to 2000".into()),
        },
    };
    let page_number = match get("PageNumber").filter(|s| !s.is_empty()) {
        None => 1u64,
        Some(s) => match s.parse::<i64>() {
            Ok(n) => n.max(1) as u64,
            Err(_) => return bad("PageNumber: must be an integer".into()),
        },
    };

    let config = app.config().clone();
    let per_day = u64::from(config.reporting_per_day).min(1_000_000);
    let seeded = Seeded {
        seed: app.options.seed,
        per_day,
        step: if per_day == 0 {
            1
        } else {
            (DAY_MS / per_day as i64).max(1)
        },
        first_day: app.anchor_day - i64::from(config.reporting_days),
        last_day: app.anchor_day - 1,
    };
    let pat = pattern(app.options.seed);
    let term_idx = match terminal.as_deref() {
        None => None,
        Some(t) => TERMINAL_IDS.iter().position(|x| *x == t).map(|i| i as u8),
    };
    let unknown_terminal = terminal.is_some() && term_idx.is_none();
    let index = Index::new(&pat, state, term_idx);

    let reals = {
        let st = lock(&app.saferpay);
        real_rows(&st, state, terminal.as_deref(), start, end)
    };

    let first_day = day_of(from_millis(start));
    let last_day = day_of(from_millis(end - 1));
    struct DayBlock {
        day: i64,
        a: u64,
        seeded: u64,
        reals: Vec<(u64, usize)>,
    }
    let mut blocks = Vec::new();
    let mut total = 0u64;
    let mut ri = 0usize;
    for d in first_day..=last_day {
        let (mut a, mut seeded_count) = (0, 0);
        if seeded.has(d) && !unknown_terminal && !index.positions.is_empty() {
            let from = start.max(d * DAY_MS);
            let to = end.min((d + 1) * DAY_MS);
            let ja = seeded.first_at(d, from);
            let jb = seeded.first_at(d, to);
            a = index.before(ja);
            seeded_count = index.before(jb).saturating_sub(a);
        }
        let mut day_reals = Vec::new();
        while ri < reals.len() && reals[ri].time < (d + 1) * DAY_MS {
            let rank = if seeded_count > 0 {
                let j = seeded.first_at(d, reals[ri].time);
                index.before(j).saturating_sub(a).min(seeded_count)
            } else {
                0
            };
            day_reals.push((rank, ri));
            ri += 1;
        }
        let count = seeded_count + day_reals.len() as u64;
        if count > 0 {
            total += count;
            blocks.push(DayBlock {
                day: d,
                a,
                seeded: seeded_count,
                reals: day_reals,
            });
        }
    }

    // The page is written straight into its body: seeded rows from typed records, the few
    // real ones from their `Value`. ~800 bytes a row.
    let mut body = Vec::with_capacity(page_size.min(2000) as usize * 900 + 128);
    let _ = write!(
        body,
        r#"{{"PageNumber":{},"PageSize":{page_size},"TotalTransactions":{total},"Transactions":["#,
        page_number - 1
    );
    let mut rows = 0u64;
    let mut skip = (page_number - 1).saturating_mul(page_size);
    for b in &blocks {
        if rows >= page_size {
            break;
        }
        let count = b.seeded + b.reals.len() as u64;
        if skip >= count {
            skip -= count;
            continue;
        }
        let mut pos = skip;
        skip = 0;
        let mut day_rows: Option<Arc<EncodedDay>> = None;
        let ins = |i: usize| b.reals[i].0 + i as u64;
        let mut r = (0..b.reals.len()).filter(|&i| ins(i) < pos).count();
        let mut s = pos - r as u64;
        while pos < count && rows < page_size {
            if r < b.reals.len() && ins(r) == pos {
                if rows > 0 {
                    body.push(b',');
                }
                let _ = serde_json::to_writer(&mut body, &reals[b.reals[r].1].row);
                rows += 1;
                r += 1;
            } else if app.options.report_cache_bytes == 0 {
                let j = index.kth(b.a + s);
                let k = (j % L as u64) as usize;
                if rows > 0 {
                    body.push(b',');
                }
                let record = seeded_record(
                    app.options.seed,
                    b.day,
                    j,
                    pat.state[k],
                    pat.term[k],
                    seeded.time(b.day, j),
                );
                // Writing into a Vec cannot fail; the record has only string keys.
                let _ = serde_json::to_writer(&mut body, &record);
                rows += 1;
                s += 1;
            } else {
                let encoded = match &day_rows {
                    Some(encoded) => Arc::clone(encoded),
                    None => {
                        let encoded =
                            encoded_day(app, &seeded, &pat, &index, b.day, state, term_idx);
                        day_rows = Some(Arc::clone(&encoded));
                        encoded
                    }
                };
                if rows > 0 {
                    body.push(b',');
                }
                // The day's rows start at rank 0, so the block's rank is the day's.
                body.extend_from_slice(encoded.row((b.a + s) as usize).unwrap_or(b"null"));
                rows += 1;
                s += 1;
            }
            pos += 1;
        }
    }
    body.extend_from_slice(b"]}");
    inc(&app.stats.effects.reports);
    Reply::json_bytes(200, body.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_days_hold_the_rows_as_encoded_one_by_one_and_are_kept() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let options = crate::SandboxOptions {
            seed: 7,
            reporting_per_day: 500,
            report_cache_bytes: 64 << 20,
            ..Default::default()
        };
        let app = App::new("http://127.0.0.1:1".into(), options, rt.handle().clone());
        let seeded = Seeded {
            seed: 7,
            per_day: 500,
            step: DAY_MS / 500,
            first_day: 20_000,
            last_day: 20_010,
        };
        let pat = pattern(7);
        for (state, terminal) in [(0u8, None), (1, None), (2, Some(1u8)), (0, Some(0))] {
            let index = Index::new(&pat, state, terminal);
            let day = encoded_day(&app, &seeded, &pat, &index, 20_005, state, terminal);
            let count = index.before(seeded.per_day);
            for r in 0..count {
                let j = index.kth(r);
                let k = (j % L as u64) as usize;
                let record = seeded_record(
                    7,
                    20_005,
                    j,
                    pat.state[k],
                    pat.term[k],
                    seeded.time(20_005, j),
                );
                assert_eq!(
                    day.row(r as usize).unwrap(),
                    serde_json::to_vec(&record).unwrap()
                );
            }
            assert!(day.row(count as usize).is_none());
            let again = encoded_day(&app, &seeded, &pat, &index, 20_005, state, terminal);
            assert!(Arc::ptr_eq(&day, &again), "encoded once, then kept");
        }
    }

    #[test]
    fn typed_seeded_rows_encode_like_the_value_reference() {
        for seed in [1u64, 42, 0xdead_beef] {
            for d in [20_000i64, 20_400] {
                for j in 0..300u64 {
                    for state in 0..3u8 {
                        let t = d * DAY_MS + j as i64 * 8_000;
                        let term = (j % 2) as u8;
                        let reference =
                            serde_json::to_string(&seeded_row(seed, d, j, state, term, t)).unwrap();
                        let typed =
                            serde_json::to_string(&seeded_record(seed, d, j, state, term, t))
                                .unwrap();
                        assert_eq!(
                            typed, reference,
                            "seed {seed} day {d} row {j} state {state}"
                        );
                    }
                }
            }
        }
    }
}
