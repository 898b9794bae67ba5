//! Transaction reporting: an auto-paging, strictly serial reader of
//! `GET /rest/customers/{customerId}/transactions`.
//!
//! Provider rules kept here: never two report calls in flight per client, page size at most
//! 2000 (the server may shrink it; we read the effective size back), EndDate before today
//! 00:00, PageNumber 1-based in requests although responses echo it 0-based. Amounts arrive
//! as decimal major units ("5.00"), dates without an offset.

use std::borrow::Cow;
use std::collections::VecDeque;

use chrono::{NaiveDate, NaiveDateTime, Utc};
use futures_core::Stream;
use http::Method;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use super::Client;
use super::management::ManagementCall;
use crate::error::{Error, Provider};
use crate::lenient;
use crate::money::{self, Currency, Money};
use crate::raw_json::RawJson;
use crate::validate;

/// Largest page the provider serves.
pub const MAX_PAGE_SIZE: u32 = 2000;

const STATES: &[&str] = &["SUCCESSFUL", "FAILED", "PENDING"];

/// A reporting boundary: a day (`2026-11-20`) or a minute (`2026-11-20T23:59`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportDate {
    Day(NaiveDate),
    Minute(NaiveDateTime),
}

/// As input: the text [`ReportDate::parse`] reads.
impl<'de> Deserialize<'de> for ReportDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ReportDate::parse("", &text).map_err(crate::input::de_error)
    }
}

impl crate::operation::Pager for TransactionPager {
    type Item = ReportedTransaction;
    async fn next_batch(&mut self, max: usize) -> Result<Vec<ReportedTransaction>, Error> {
        TransactionPager::next_batch(self, max).await
    }
}

impl ReportDate {
    /// Parses `yyyy-MM-dd` or `yyyy-MM-ddTHH:mm` (seconds are refused: the API has none).
    pub fn parse(field: &str, value: &str) -> Result<ReportDate, Error> {
        let value = value.trim();
        if let Ok(day) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            return Ok(ReportDate::Day(day));
        }
        NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
            .map(ReportDate::Minute)
            .map_err(|_| {
                Error::validation(
                    field,
                    format!("must be YYYY-MM-DD or YYYY-MM-DDTHH:MM (got {value:?})"),
                )
            })
    }

    pub fn as_naive(&self) -> NaiveDateTime {
        match self {
            ReportDate::Day(day) => day.and_time(chrono::NaiveTime::MIN),
            ReportDate::Minute(at) => *at,
        }
    }

    pub fn to_wire(&self) -> String {
        match self {
            ReportDate::Day(day) => day.format("%Y-%m-%d").to_string(),
            ReportDate::Minute(at) => at.format("%Y-%m-%dT%H:%M").to_string(),
        }
    }
}

crate::operation_input! {
    /// What to export.
    ///
    /// Boundaries are wall-clock times as Saferpay reads them: the API documents no time zone
    /// (Saferpay runs on Swiss time), and its answers carry no offset either, so paywire passes
    /// the values through unchanged. The "before today" rule is checked against today's date in
    /// UTC; near midnight Swiss time the provider may still refuse an end date that passes here.
    pub struct TransactionQuery {
        pub start: ReportDate,
        /// Must be before today 00:00 (UTC); to include yesterday pass yesterday `23:59`.
        pub end: ReportDate,
        /// `SUCCESSFUL` (default), `FAILED` or `PENDING`.
        pub state: String = "SUCCESSFUL",
        pub terminal_id: Option<String> = null,
        /// 1 to 2000 (default 2000).
        pub page_size: u32 = 2000,
    }
}

impl TransactionQuery {
    pub fn new(start: ReportDate, end: ReportDate) -> TransactionQuery {
        TransactionQuery {
            start,
            end,
            state: "SUCCESSFUL".into(),
            terminal_id: None,
            page_size: MAX_PAGE_SIZE,
        }
    }

    /// Parses both dates from text.
    pub fn parse(start: &str, end: &str) -> Result<TransactionQuery, Error> {
        Ok(TransactionQuery::new(
            ReportDate::parse("start", start)?,
            ReportDate::parse("end", end)?,
        ))
    }

    pub(crate) fn check(&self, today: NaiveDate) -> Result<(), Error> {
        if self.end.as_naive() >= today.and_time(chrono::NaiveTime::MIN) {
            return Err(Error::validation(
                "end",
                format!(
                    "must be before today 00:00 ({today}); to include yesterday pass {}T23:59",
                    today.pred_opt().unwrap_or(today)
                ),
            ));
        }
        if self.start.as_naive() >= self.end.as_naive() {
            return Err(Error::validation("start", "must be before end"));
        }
        validate::one_of("state", &self.state, STATES)?;
        if let Some(terminal) = &self.terminal_id {
            validate::numeric("terminal_id", terminal, 1, 8)?;
        }
        if self.page_size == 0 || self.page_size > MAX_PAGE_SIZE {
            return Err(Error::validation(
                "page_size",
                format!("must be 1 to {MAX_PAGE_SIZE} (got {})", self.page_size),
            ));
        }
        Ok(())
    }
}

/// One transaction from the reporting API.
#[derive(Clone, Debug, Serialize)]
pub struct ReportedTransaction {
    pub id: String,
    /// `PAYMENT` or `REFUND` (successful transactions only).
    #[serde(rename = "type")]
    pub transaction_type: Option<String>,
    /// `AUTHORIZED`, `CAPTURED`, `CANCELED` for successful transactions; `FAILED` or `PENDING`
    /// otherwise.
    pub status: String,
    pub amount: Option<Money>,
    pub captured_amount: Option<Money>,
    pub order_id: Option<String>,
    /// Authorization, failure or pending-since date, as sent (no offset).
    pub date: Option<String>,
    pub customer_id: String,
    pub terminal_id: String,
    pub terminal_type: Option<String>,
    pub application: Option<String>,
    pub payment_method: Option<String>,
    pub provider: Option<String>,
    pub description: Option<String>,
    pub payer_id: Option<String>,
    pub is_captured: bool,
    pub is_refunded: bool,
    pub is_cancelled: bool,
    pub declined_by: Option<String>,
    /// The provider's record as JSON text (parse it with [`RawJson::to_value`]).
    pub raw: RawJson,
}

#[derive(Deserialize)]
struct WirePage {
    #[serde(
        rename = "PageSize",
        default,
        deserialize_with = "lenient::opt_i64_like"
    )]
    page_size: Option<i64>,
    #[serde(
        rename = "TotalTransactions",
        default,
        deserialize_with = "lenient::opt_i64_like"
    )]
    total_transactions: Option<i64>,
    // Each transaction is kept as its JSON text (a scan, one copy) and decoded from that text:
    // no `Value` tree per transaction.
    #[serde(rename = "Transactions", default, deserialize_with = "raw_list")]
    transactions: Vec<RawJson>,
}

/// The list rules of `lenient::vec_or_empty` over raw items: missing or null is empty, an
/// object's values are the items (PHP's `{}`/`[]` confusion), anything else is an error.
fn raw_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<RawJson>, D::Error> {
    struct Items;
    impl<'de> Visitor<'de> for Items {
        type Value = Vec<RawJson>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(item) = seq.next_element::<RawJson>()? {
                items.push(item);
            }
            Ok(items)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::new();
            while let Some((_, item)) = map.next_entry::<IgnoredAny, RawJson>()? {
                items.push(item);
            }
            Ok(items)
        }
    }
    deserializer.deserialize_any(Items)
}

/// A detail object of a reported transaction (`AuthorizationDetails` …): absent, `null` or
/// `[]` (PHP's empty object) is `None`; anything else must have the shape (the rules of
/// `lenient::opt_object`, applied while decoding the record's text).
fn details<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Details<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Details<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            match seq.next_element::<IgnoredAny>()? {
                None => Ok(None),
                Some(_) => Err(de::Error::invalid_type(de::Unexpected::Seq, &self)),
            }
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
        }
    }
    deserializer.deserialize_any(Details(std::marker::PhantomData))
}

#[derive(Deserialize)]
struct WireReported<'a> {
    #[serde(rename = "TransactionId", deserialize_with = "lenient::string_like")]
    transaction_id: String,
    #[serde(
        rename = "CustomerId",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    customer_id: Option<String>,
    #[serde(
        rename = "TerminalId",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    terminal_id: Option<String>,
    #[serde(rename = "TerminalType", default)]
    terminal_type: Option<String>,
    #[serde(rename = "Application", default)]
    application: Option<String>,
    #[serde(rename = "MerchantAmount", default, borrow)]
    merchant_amount: Option<&'a RawValue>,
    #[serde(rename = "MerchantCurrency", default)]
    merchant_currency: Option<String>,
    #[serde(rename = "PaymentMethod", default)]
    payment_method: Option<String>,
    #[serde(rename = "Provider", default)]
    provider: Option<String>,
    #[serde(
        rename = "OrderId",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    order_id: Option<String>,
    #[serde(rename = "PayerId", default)]
    payer_id: Option<String>,
    #[serde(rename = "Description", default)]
    description: Option<String>,
    #[serde(
        rename = "AuthorizationDetails",
        default,
        borrow,
        deserialize_with = "details"
    )]
    authorization: Option<WireAuthorization<'a>>,
    #[serde(rename = "FailedDetails", default, deserialize_with = "details")]
    failed: Option<WireFailed>,
    #[serde(rename = "PendingDetails", default, deserialize_with = "details")]
    pending: Option<WirePending>,
}

#[derive(Deserialize)]
struct WireAuthorization<'a> {
    #[serde(rename = "AuthorizationDate", default)]
    authorization_date: Option<String>,
    #[serde(rename = "Type", default)]
    transaction_type: Option<String>,
    #[serde(rename = "State", default)]
    state: Option<String>,
    #[serde(rename = "CapturedMerchantAmount", default, borrow)]
    captured_amount: Option<&'a RawValue>,
    #[serde(
        rename = "IsCaptured",
        default,
        deserialize_with = "lenient::opt_bool_like"
    )]
    is_captured: Option<bool>,
    #[serde(
        rename = "IsRefunded",
        default,
        deserialize_with = "lenient::opt_bool_like"
    )]
    is_refunded: Option<bool>,
    #[serde(
        rename = "IsCancelled",
        default,
        deserialize_with = "lenient::opt_bool_like"
    )]
    is_cancelled: Option<bool>,
}

#[derive(Deserialize)]
struct WireFailed {
    #[serde(rename = "FailedDate", default)]
    failed_date: Option<String>,
    #[serde(rename = "DeclinedBy", default)]
    declined_by: Option<String>,
}

#[derive(Deserialize)]
struct WirePending {
    #[serde(rename = "PendingSinceDate", default)]
    pending_since: Option<String>,
}

/// A reporting amount from its JSON text: the common decimal string is read in place; numbers
/// and `{Value, CurrencyCode}` objects take the general path through a `Value`.
fn reporting_amount_raw(
    raw: Option<&RawValue>,
    currency: Option<&str>,
) -> Result<Option<Money>, Error> {
    let Some(raw) = raw else { return Ok(None) };
    let text = raw.get();
    // A string without escapes borrows from the record; anything else is rare.
    if let Ok(decimal) = serde_json::from_str::<&str>(text) {
        return money_from_text(decimal, currency);
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Error::decode(Provider::Saferpay, format!("unexpected amount: {e}")))?;
    reporting_amount(Some(&value), currency)
}

/// Reads a reporting amount: a decimal major-unit string with a separate currency, or an
/// object `{Value, CurrencyCode}` whose value is decimal major units.
fn reporting_amount(value: Option<&Value>, currency: Option<&str>) -> Result<Option<Money>, Error> {
    let (text, code): (Cow<'_, str>, Option<Cow<'_, str>>) = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => (Cow::Borrowed(s), currency.map(Cow::Borrowed)),
        Some(Value::Number(n)) => (Cow::Owned(n.to_string()), currency.map(Cow::Borrowed)),
        Some(object @ Value::Object(_)) => (
            Cow::Owned(lenient::text(lenient::get_ci(object, "Value")).unwrap_or_default()),
            lenient::text(lenient::get_ci(object, "CurrencyCode"))
                .map(Cow::Owned)
                .or(currency.map(Cow::Borrowed)),
        ),
        Some(other) => {
            return Err(Error::decode(
                Provider::Saferpay,
                format!("unexpected amount {other}"),
            ));
        }
    };
    money_from_text(&text, code.as_deref())
}

/// Decimal major units plus a currency code; no code, no amount.
fn money_from_text(text: &str, code: Option<&str>) -> Result<Option<Money>, Error> {
    let Some(code) = code else { return Ok(None) };
    let decode = |e: Error| Error::decode(Provider::Saferpay, e.message().to_owned());
    let currency = Currency::from_code(code).map_err(decode)?;
    let minor = money::parse_decimal(text, currency.exponent(), "amount").map_err(decode)?;
    Money::new(minor, currency).map(Some).map_err(decode)
}

impl ReportedTransaction {
    #[cfg(test)]
    /// Decodes a transaction from a parsed record (tests and fuzzing; pages take
    /// [`ReportedTransaction::from_raw`]).
    pub(crate) fn from_wire(raw: Value) -> Result<ReportedTransaction, Error> {
        ReportedTransaction::from_raw(RawJson::from_value(&raw))
    }

    /// Decodes a transaction from its JSON text, which it keeps as `raw`.
    pub(crate) fn from_raw(raw: RawJson) -> Result<ReportedTransaction, Error> {
        let wire: WireReported<'_> = serde_json::from_str(raw.get()).map_err(|e| {
            Error::decode(
                Provider::Saferpay,
                format!("unexpected response shape: {e}"),
            )
            .with_raw(crate::error::scrub_body(raw.get().as_bytes()))
        })?;
        let currency = wire.merchant_currency.as_deref();
        let amount = reporting_amount_raw(wire.merchant_amount, currency)?;
        let (status, transaction_type, date, captured_amount, flags, declined_by) =
            if let Some(auth) = wire.authorization {
                (
                    auth.state.unwrap_or_else(|| "AUTHORIZED".into()),
                    auth.transaction_type,
                    auth.authorization_date,
                    reporting_amount_raw(auth.captured_amount, currency)?,
                    (
                        auth.is_captured.unwrap_or(false),
                        auth.is_refunded.unwrap_or(false),
                        auth.is_cancelled.unwrap_or(false),
                    ),
                    None,
                )
            } else if let Some(failed) = wire.failed {
                (
                    "FAILED".into(),
                    None,
                    failed.failed_date,
                    None,
                    (false, false, false),
                    failed.declined_by,
                )
            } else if let Some(pending) = wire.pending {
                (
                    "PENDING".into(),
                    None,
                    pending.pending_since,
                    None,
                    (false, false, false),
                    None,
                )
            } else {
                (
                    "UNKNOWN".into(),
                    None,
                    None,
                    None,
                    (false, false, false),
                    None,
                )
            };
        Ok(ReportedTransaction {
            id: wire.transaction_id,
            transaction_type,
            status,
            amount,
            captured_amount,
            order_id: wire.order_id,
            date,
            customer_id: wire.customer_id.unwrap_or_default(),
            terminal_id: wire.terminal_id.unwrap_or_default(),
            terminal_type: wire.terminal_type,
            application: wire.application,
            payment_method: wire.payment_method,
            provider: wire.provider,
            description: wire.description,
            payer_id: wire.payer_id,
            is_captured: flags.0,
            is_refunded: flags.1,
            is_cancelled: flags.2,
            declined_by,
            raw,
        })
    }
}

/// One page of a report.
#[derive(Clone, Debug, Serialize)]
pub struct ReportPage {
    /// 1-based, as requested.
    pub page_number: u32,
    pub page_size: u32,
    pub total_transactions: u64,
    pub transactions: Vec<ReportedTransaction>,
}

/// Walks a report page by page. Serial by construction (`&mut self`), and serial across
/// pagers of the same client (a per-client lock is held while a page is in flight).
///
/// While the caller consumes a page, the next one is already being fetched (one background
/// request, started only after the previous one has finished: never two report calls in
/// flight). Dropping the pager abandons that request.
pub struct TransactionPager {
    client: Client,
    query: TransactionQuery,
    next_page: u32,
    total: Option<u64>,
    done: bool,
    buffer: VecDeque<ReportedTransaction>,
    prefetch: bool,
    ahead: Option<Ahead>,
}

/// The page being fetched ahead of the caller.
struct Ahead {
    page_number: u32,
    task: crate::rt::Background<Result<ReportPage, Error>>,
}

impl std::fmt::Debug for TransactionPager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransactionPager")
            .field("query", &self.query)
            .field("next_page", &self.next_page)
            .field("total", &self.total)
            .field("done", &self.done)
            .field("prefetching", &self.ahead.as_ref().map(|a| a.page_number))
            .finish()
    }
}

impl TransactionPager {
    /// Total reported by the provider after the first page.
    pub fn total_transactions(&self) -> Option<u64> {
        self.total
    }

    /// The page the next call will fetch (1-based); store it to resume later.
    pub fn next_page_number(&self) -> u32 {
        self.next_page
    }

    pub fn is_done(&self) -> bool {
        self.done && self.buffer.is_empty()
    }

    /// Continues an interrupted export at `page` (1-based), with the same query.
    pub fn resume_at(mut self, page: u32) -> TransactionPager {
        self.next_page = page.max(1);
        // A page fetched ahead for another position is of no use.
        self.ahead = None;
        self
    }

    /// Whether to fetch the next page while the caller consumes this one (default on). Off,
    /// each page is requested only when asked for: for callers that stop early and must not
    /// cause one more report call.
    pub fn prefetch(mut self, on: bool) -> TransactionPager {
        self.set_prefetch(on);
        self
    }

    /// [`TransactionPager::prefetch`] in place.
    pub fn set_prefetch(&mut self, on: bool) {
        self.prefetch = on;
        if !on {
            self.ahead = None;
        }
    }

    /// The transactions of the current page that [`TransactionPager::next_batch`] or
    /// [`TransactionPager::next_transaction`] has not handed out yet. Take them before
    /// switching to [`TransactionPager::next_page`], which starts at the next page.
    pub fn take_buffered(&mut self) -> Vec<ReportedTransaction> {
        self.buffer.drain(..).collect()
    }

    /// Fetches the next page; `None` once the report is exhausted. Transactions still
    /// buffered from the current page are not in it (see [`TransactionPager::take_buffered`]).
    pub async fn next_page(&mut self) -> Result<Option<ReportPage>, Error> {
        if self.done {
            return Ok(None);
        }
        let page_number = self.next_page;
        let page = match self.ahead.take() {
            Some(ahead) if ahead.page_number == page_number => ahead.task.join().await?,
            _ => {
                let query = self.query.clone();
                self.client
                    .spawn(
                        move |client| async move { fetch_page(client, query, page_number).await },
                    )
                    .await?
            }
        };
        self.total = Some(page.total_transactions);
        self.next_page = page_number + 1;
        let fetched = page.transactions.len() as u64;
        let reached_end =
            u64::from(page_number) * u64::from(page.page_size) >= page.total_transactions;
        if fetched == 0 || fetched < u64::from(page.page_size) || reached_end {
            self.done = true;
        }
        if !self.done && self.prefetch {
            // The previous call has finished, so this is the only report call in flight.
            let client = self.client.clone();
            let query = self.query.clone();
            let next = self.next_page;
            self.ahead = crate::rt::Background::spawn(fetch_page(client, query, next))
                .ok()
                .map(|task| Ahead {
                    page_number: next,
                    task,
                });
        }
        if fetched == 0 {
            return Ok(None);
        }
        Ok(Some(page))
    }

    /// The next transaction, fetching pages as needed.
    pub async fn next_transaction(&mut self) -> Result<Option<ReportedTransaction>, Error> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Ok(Some(item));
            }
            match self.next_page().await? {
                Some(page) => self.buffer.extend(page.transactions),
                None => return Ok(None),
            }
        }
    }

    /// Up to `max` transactions (fewer at the end; empty when done). Bindings use this to
    /// cross the language boundary in batches instead of one call per transaction.
    pub async fn next_batch(&mut self, max: usize) -> Result<Vec<ReportedTransaction>, Error> {
        if self.buffer.is_empty()
            && let Some(page) = self.next_page().await?
        {
            // A whole page asked for: hand over its vector without copying it.
            if max >= page.transactions.len() {
                return Ok(page.transactions);
            }
            self.buffer.extend(page.transactions);
        }
        let take = max.max(1).min(self.buffer.len());
        Ok(self.buffer.drain(..take).collect())
    }

    /// The transactions as a stream (fetching each page when the previous one is consumed).
    pub fn into_stream(
        self,
    ) -> impl Stream<Item = Result<ReportedTransaction, Error>> + Send + 'static {
        futures_util::stream::unfold(Some(self), |state| async move {
            let mut pager = state?;
            match pager.next_transaction().await {
                Ok(Some(item)) => Some((Ok(item), Some(pager))),
                Ok(None) => None,
                Err(e) => Some((Err(e), None)),
            }
        })
    }
}

async fn fetch_page(
    client: Client,
    query: TransactionQuery,
    page_number: u32,
) -> Result<ReportPage, Error> {
    let mut params = vec![
        ("StartDate", query.start.to_wire()),
        ("EndDate", query.end.to_wire()),
        ("TransactionState", query.state.clone()),
        ("PageSize", query.page_size.to_string()),
        ("PageNumber", page_number.to_string()),
    ];
    if let Some(terminal) = &query.terminal_id {
        params.push(("TerminalId", terminal.clone()));
    }
    // The provider forbids parallel report calls: one in flight per client. Another process's
    // call still running is refused with 429 and Retry-After, which the engine waits out.
    let _serial = client.inner().report_lock.lock().await;
    let mut call = ManagementCall::new(
        "saferpay.transactions.report",
        Method::GET,
        "/transactions".into(),
        "1.48",
    );
    call.query = params;
    let body = client.management_body(call).await?;
    drop(_serial);
    page_from_body(&body, query.page_size, page_number)
}

/// Decodes a report page straight from the body: each transaction is kept as its JSON text
/// and its typed fields are read from that text, with no `Value` tree in between.
fn page_from_body(
    body: &[u8],
    requested_page_size: u32,
    page_number: u32,
) -> Result<ReportPage, Error> {
    let shape = |e: serde_json::Error| {
        Error::decode(
            Provider::Saferpay,
            format!("unexpected response shape: {e}"),
        )
        .with_raw(crate::error::scrub_body(body))
    };
    let wire: WirePage = serde_json::from_slice(body).map_err(shape)?;
    let page_size = wire
        .page_size
        .filter(|n| *n > 0)
        .map_or(requested_page_size, |n| {
            u32::try_from(n).unwrap_or(requested_page_size)
        });
    let transactions = wire
        .transactions
        .into_iter()
        .map(ReportedTransaction::from_raw)
        .collect::<Result<Vec<_>, _>>()?;
    let total = wire
        .total_transactions
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(transactions.len() as u64);
    Ok(ReportPage {
        page_number,
        page_size,
        total_transactions: total,
        transactions,
    })
}

impl Client {
    /// Exports transactions page by page. Validates the query before anything is sent.
    pub fn transactions(&self, query: TransactionQuery) -> Result<TransactionPager, Error> {
        query.check(Utc::now().date_naive())?;
        Ok(TransactionPager {
            client: self.clone(),
            query,
            next_page: 1,
            total: None,
            done: false,
            buffer: VecDeque::new(),
            prefetch: true,
            ahead: None,
        })
    }
}

#[cfg(test)]
mod decode_tests {
    use super::*;

    const PAGE: &str = r#"{"PageNumber":0,"PageSize":2,"TotalTransactions":3,"Transactions":[
        {"TransactionId":"a1","CustomerId":123,"TerminalId":17757531,"MerchantAmount":"5.00",
         "MerchantCurrency":"CHF","OrderId":7,
         "AuthorizationDetails":{"State":"CAPTURED","Type":"PAYMENT","IsCaptured":true,
           "CapturedMerchantAmount":"5.00","AuthorizationDate":"2026-11-20T10:00:00.000"}},
        {"TransactionId":"b2","MerchantAmount":{"Value":"100","CurrencyCode":"JPY"},
         "FailedDetails":{"FailedDate":"2026-11-20T11:00:00.000","DeclinedBy":"ACQUIRER"},
         "AuthorizationDetails":[]}]}"#;

    #[test]
    fn a_page_decodes_into_typed_records_that_keep_their_text() {
        let page = page_from_body(PAGE.as_bytes(), 2000, 1).unwrap();
        assert_eq!((page.page_size, page.total_transactions), (2, 3));
        let [a, b] = &page.transactions[..] else {
            panic!("two transactions")
        };
        assert_eq!((a.id.as_str(), a.status.as_str()), ("a1", "CAPTURED"));
        assert_eq!(a.amount.map(|m| m.minor()), Some(500));
        assert_eq!(a.captured_amount.map(|m| m.minor()), Some(500));
        assert_eq!(a.order_id.as_deref(), Some("7"));
        assert_eq!(a.terminal_id, "17757531");
        assert!(a.is_captured);
        assert!(a.raw.get().starts_with(r#"{"TransactionId":"a1""#));
        assert_eq!(
            a.raw.to_value()["AuthorizationDetails"]["State"],
            "CAPTURED"
        );
        assert_eq!(
            (b.status.as_str(), b.declined_by.as_deref()),
            ("FAILED", Some("ACQUIRER"))
        );
        assert_eq!(
            b.amount
                .map(|m| (m.minor(), m.currency().code().to_owned())),
            Some((100, "JPY".to_owned()))
        );
    }

    #[test]
    fn list_and_detail_shapes_follow_the_lenient_rules() {
        let object = r#"{"Transactions":{"0":{"TransactionId":"x","PendingDetails":{}}}}"#;
        let page = page_from_body(object.as_bytes(), 10, 1).unwrap();
        assert_eq!(page.transactions[0].status, "PENDING");
        assert_eq!(page.total_transactions, 1);
        assert!(
            page_from_body(br#"{"Transactions":null}"#, 10, 1)
                .unwrap()
                .transactions
                .is_empty()
        );
        let bad = page_from_body(br#"{"Transactions":5}"#, 10, 1).unwrap_err();
        assert!(bad.message().contains("unexpected response shape"), "{bad}");
        let bad_details = page_from_body(
            br#"{"Transactions":[{"TransactionId":"x","FailedDetails":[1]}]}"#,
            10,
            1,
        )
        .unwrap_err();
        assert!(
            bad_details.message().contains("unexpected response shape"),
            "{bad_details}"
        );
    }
}
