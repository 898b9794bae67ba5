//! Notifications: Saferpay calls `SuccessNotifyUrl`/`FailNotifyUrl` (and the Secure PayGate
//! URLs configured in the Backoffice) with a bodiless GET. There is no payload and no
//! signature: the only facts in the call are the query parameters the merchant put in the URL.
//! So the pattern is:
//!
//! 1. Put your own opaque reference in the URLs ([`notify_url`]) and store the payment page
//!    token under it; for Secure PayGate, configure [`spg_notify_url_template`] in the
//!    Backoffice so Saferpay fills the token in itself.
//! 2. In the handler, read the reference ([`merchant_ref_from_url`]) or token
//!    ([`token_from_url`]) and ask Saferpay with an authenticated call:
//!    [`Client::payment_outcome`], which is what makes the unauthenticated ping trustworthy.
//! 3. Answer HTTP 200 (Saferpay repeats notifications that get anything else).
//!
//! The payer's return to `ReturnUrl` and the notification are two triggers for one payment;
//! `payment_outcome` asserts once per token and hands every caller the same answer.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Client;
use super::payment_page::assert_body;
use super::transaction::{Payment, TransactionStatus, payment_from_wire};
use crate::error::{Error, ErrorKind, Retryable};
use crate::oauth::{StoreLock, TokenStore};
use crate::validate;

/// Query parameter [`notify_url`] adds for the merchant's reference.
pub const MERCHANT_REF_PARAM: &str = "paywire_ref";
/// Query parameter [`spg_notify_url_template`] adds for the payment page token.
pub const TOKEN_PARAM: &str = "paywire_token";
/// The placeholder Saferpay replaces with the payment page token in Secure PayGate URLs.
pub const PAYMENT_PAGE_TOKEN_PLACEHOLDER: &str = "{{{PAYMENTPAGETOKEN}}}";

/// How many tokens `payment_outcome` remembers per client.
pub(crate) const OUTCOME_CACHE_CAPACITY: usize = 10_000;

const MAX_URL: usize = 2000;

/// Checks a base URL for notify/return use: absolute http(s), no fragment (never sent to the
/// server), and not already carrying `param`.
fn base_url(base: &str, param: &str) -> Result<url::Url, Error> {
    let url = validate::url("base", base, false, MAX_URL)?;
    if url.fragment().is_some() {
        return Err(Error::validation(
            "base",
            "must not have a #fragment (it is never sent to your server)",
        ));
    }
    if url.query_pairs().any(|(key, _)| key == param) {
        return Err(Error::validation(
            "base",
            format!("already has a {param} parameter"),
        ));
    }
    Ok(url)
}

/// `base` with the merchant's own opaque reference added as `paywire_ref=…`, for
/// `success_notify_url`, `fail_notify_url` or `return_url`. Use an unguessable value (e.g. a
/// random id you map to the order and its payment page token), never anything sensitive.
pub fn notify_url(base: &str, merchant_ref: &str) -> Result<String, Error> {
    validate::id("merchant_ref", merchant_ref, 1, 128)?;
    let mut url = base_url(base, MERCHANT_REF_PARAM)?;
    url.query_pairs_mut()
        .append_pair(MERCHANT_REF_PARAM, merchant_ref);
    let url = url.to_string();
    validate::length("notify_url", &url, 1, MAX_URL)?;
    Ok(url)
}

/// `base` with `paywire_token={{{PAYMENTPAGETOKEN}}}` added, to paste into the Secure PayGate
/// settings in the Saferpay Backoffice. Saferpay substitutes the payment page token and calls
/// the URL; read it back with [`token_from_url`].
pub fn spg_notify_url_template(base: &str) -> Result<String, Error> {
    let url = base_url(base, TOKEN_PARAM)?;
    // Appended by hand: the placeholder must stay literal, not percent-encoded.
    let mut text = url.to_string();
    text.push(if url.query().is_some() { '&' } else { '?' });
    text.push_str(TOKEN_PARAM);
    text.push('=');
    text.push_str(PAYMENT_PAGE_TOKEN_PLACEHOLDER);
    validate::length("notify_url", &text, 1, MAX_URL)?;
    Ok(text)
}

/// The query part of a full URL (`https://…?a=b`), a request target (`/notify?a=b`) or a bare
/// query string (`a=b`, `?a=b`).
fn query_of(url_or_query: &str) -> &str {
    let text = url_or_query.trim();
    let text = text.split('#').next().unwrap_or(text);
    match text.split_once('?') {
        Some((_, query)) => query,
        None if text.contains('=') => text,
        None => "",
    }
}

/// The single value of `param`; repeated parameters with different values are refused,
/// because the call is unauthenticated and an ambiguous URL is a tampering signal.
fn single_param(url_or_query: &str, param: &str) -> Result<String, Error> {
    let mut found: Option<String> = None;
    for (key, value) in url::form_urlencoded::parse(query_of(url_or_query).as_bytes()) {
        if key != param {
            continue;
        }
        match &found {
            Some(previous) if *previous != value => {
                return Err(Error::validation(
                    param,
                    "appears more than once with different values",
                ));
            }
            _ => found = Some(value.into_owned()),
        }
    }
    found.ok_or_else(|| Error::validation(param, "is missing from the notification URL"))
}

/// Reads the merchant reference that [`notify_url`] put into the URL.
pub fn merchant_ref_from_url(url_or_query: &str) -> Result<String, Error> {
    let value = single_param(url_or_query, MERCHANT_REF_PARAM)?;
    validate::id(MERCHANT_REF_PARAM, &value, 1, 128)?;
    Ok(value)
}

/// Reads the payment page token Saferpay substituted into a [`spg_notify_url_template`] URL.
pub fn token_from_url(url_or_query: &str) -> Result<String, Error> {
    let value = single_param(url_or_query, TOKEN_PARAM)?;
    if value.contains("PAYMENTPAGETOKEN") {
        return Err(Error::validation(
            TOKEN_PARAM,
            "still holds the {{{PAYMENTPAGETOKEN}}} placeholder (the URL was not called by Saferpay)",
        ));
    }
    validate::id(TOKEN_PARAM, &value, 1, 50)?;
    Ok(value)
}

/// Whether an Assert answer is final for its token, so repeats may get it from the cache.
/// Pending payments and transient or configuration failures are asked again next time.
fn is_settled(result: &Result<Payment, Error>) -> bool {
    match result {
        Ok(payment) => matches!(
            payment.transaction.status,
            TransactionStatus::Authorized
                | TransactionStatus::Captured
                | TransactionStatus::Canceled
        ),
        Err(error) => {
            error.retryable() != Retryable::Yes
                && (error.kind() == ErrorKind::Declined
                    || matches!(error.code(), Some("TOKEN_INVALID" | "TOKEN_EXPIRED")))
        }
    }
}

/// One token's slot: callers queue on `state`; `completed` counts finished Asserts so a caller
/// that waited behind one takes its answer instead of asking again.
pub(crate) struct OutcomeEntry {
    completed: AtomicU64,
    state: tokio::sync::Mutex<EntryState>,
}

#[derive(Default)]
struct EntryState {
    last: Option<Result<Payment, Error>>,
    settled: bool,
}

struct Slot {
    entry: Arc<OutcomeEntry>,
    last_used: u64,
}

#[derive(Default)]
struct Slots {
    map: HashMap<String, Slot>,
    clock: u64,
}

/// A bounded, single-flight map from payment page token to its Assert outcome.
pub(crate) struct OutcomeCache {
    capacity: usize,
    slots: Mutex<Slots>,
}

impl OutcomeCache {
    pub(crate) fn new(capacity: usize) -> OutcomeCache {
        OutcomeCache {
            capacity: capacity.max(1),
            slots: Mutex::new(Slots::default()),
        }
    }

    fn entry(&self, token: &str) -> Arc<OutcomeEntry> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots.clock += 1;
        let now = slots.clock;
        if let Some(slot) = slots.map.get_mut(token) {
            slot.last_used = now;
            return slot.entry.clone();
        }
        let entry = Arc::new(OutcomeEntry {
            completed: AtomicU64::new(0),
            state: tokio::sync::Mutex::new(EntryState::default()),
        });
        slots.map.insert(
            token.to_owned(),
            Slot {
                entry: entry.clone(),
                last_used: now,
            },
        );
        if slots.map.len() > self.capacity {
            self.evict(&mut slots);
        }
        entry
    }

    /// Drops the least recently used idle tokens down to 90 % of capacity (in one go, so the
    /// sort is paid once per many inserts). Tokens someone is waiting on stay, so single-flight
    /// holds even under eviction pressure.
    fn evict(&self, slots: &mut Slots) {
        let target = self.capacity - self.capacity / 10;
        let excess = slots.map.len().saturating_sub(target);
        let mut idle: Vec<(u64, String)> = slots
            .map
            .iter()
            .filter(|(_, slot)| Arc::strong_count(&slot.entry) == 1)
            .map(|(token, slot)| (slot.last_used, token.clone()))
            .collect();
        idle.sort_unstable();
        for (_, token) in idle.into_iter().take(excess) {
            slots.map.remove(&token);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .map
            .len()
    }
}

impl Client {
    /// The outcome of the payment page `token`, asserted once and then remembered: repeats and
    /// concurrent callers (the payer's return and Saferpay's notification racing each other)
    /// get the same answer from a single Assert call. Wire both your `ReturnUrl` handler and
    /// your notify handler to this.
    ///
    /// Final answers are remembered (an authorized, captured or cancelled payment; a decline,
    /// abort or failed 3-D Secure; an invalid or expired token) for the most recent 10,000
    /// tokens per client. A `PENDING` payment, or an error that may clear up (the payer is
    /// still on the page, a timeout), is shared with the callers already waiting but asked
    /// again on the next call. The answer is the outcome of the payment page, not the current
    /// state: after you capture or refund, use `inquire`.
    pub async fn payment_outcome(&self, token: &str) -> Result<Payment, Error> {
        let body = assert_body(token)?;
        let token = token.to_owned();
        self.spawn(move |client| async move {
            let entry = client.inner().json_api.outcomes.entry(&token);
            let seen = entry.completed.load(Ordering::Acquire);
            let mut state = entry.state.lock().await;
            let finished_while_waiting = entry.completed.load(Ordering::Acquire) != seen;
            if (state.settled || finished_while_waiting)
                && let Some(last) = &state.last
            {
                return last.clone();
            }
            let result = client.assert_shared(&token, body).await;
            state.settled = is_settled(&result);
            state.last = Some(result.clone());
            entry.completed.fetch_add(1, Ordering::AcqRel);
            result
        })
        .await
    }
}

/// How long one process may take over an Assert before the others ask themselves.
const SHARED_ASSERT_LEASE: Duration = Duration::from_secs(30);
const SHARED_POLL: Duration = Duration::from_millis(25);
/// Final answers stay shared this long; a pending one only until the next caller asks.
const SETTLED_TTL: Duration = Duration::from_secs(24 * 3600);
const PENDING_TTL: Duration = Duration::from_secs(60);

/// One Assert answer as the processes sharing a store pass it on. `id` tells a new answer
/// from the one a caller already saw.
#[derive(Serialize, Deserialize)]
struct SharedOutcome {
    id: String,
    settled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    payment: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<SharedError>,
}

#[derive(Serialize, Deserialize)]
struct SharedError {
    kind: String,
    message: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    http_status: Option<u16>,
    retryable: String,
}

impl SharedOutcome {
    fn new(result: &Result<Payment, Error>, raw: Option<Value>, settled: bool) -> Option<Self> {
        let (payment, error) = match result {
            Ok(_) => (Some(raw?), None),
            Err(error) => (
                None,
                Some(SharedError {
                    kind: error.kind().as_str().to_owned(),
                    message: error.message_text().to_owned(),
                    code: error.code().map(str::to_owned),
                    http_status: error.http_status(),
                    retryable: error.retryable().as_str().to_owned(),
                }),
            ),
        };
        Some(SharedOutcome {
            id: format!("{}-{:032x}", std::process::id(), fastrand::u128(..)),
            settled,
            payment,
            error,
        })
    }

    fn result(&self) -> Result<Payment, Error> {
        if let Some(raw) = &self.payment {
            return payment_from_wire(raw.clone());
        }
        let Some(e) = &self.error else {
            return Err(Error::internal("shared payment outcome without an answer"));
        };
        let kind = ErrorKind::ALL
            .into_iter()
            .find(|k| k.as_str() == e.kind)
            .unwrap_or(ErrorKind::Api);
        let retryable = [Retryable::No, Retryable::Yes, Retryable::Later]
            .into_iter()
            .find(|r| r.as_str() == e.retryable)
            .unwrap_or(Retryable::No);
        let mut error = Error::new(kind, e.message.clone())
            .with_provider(crate::error::Provider::Saferpay)
            .with_retryable(retryable);
        if let Some(code) = &e.code {
            error = error.with_code(code.clone());
        }
        if let Some(status) = e.http_status {
            error = error.with_http_status(status);
        }
        Err(error)
    }
}

fn read_shared(store: &dyn TokenStore, key: &str) -> Result<Option<SharedOutcome>, Error> {
    Ok(store
        .get_record(key)?
        .and_then(|bytes| serde_json::from_slice::<SharedOutcome>(&bytes).ok()))
}

fn warn_shared(error: &Error) {
    tracing::warn!(
        error = %error,
        "shared store unavailable; asserting in this process only"
    );
}

impl Client {
    /// Assert, once across the processes sharing the client's store (when it has one): the
    /// first takes a short lease and asserts, the others wait for its answer. A store that
    /// fails makes this process assert on its own, never fail the call.
    async fn assert_shared(&self, token: &str, body: Map<String, Value>) -> Result<Payment, Error> {
        let Some(store) = self.inner().shared.clone() else {
            return self.assert_token(body).await;
        };
        let key = format!(
            "saferpay|{}|{}|outcome|{token}",
            self.inner().base_url.as_str(),
            self.inner().customer_id
        );
        let lock_key = format!("{key}|assert");
        let before = match read_shared(store.as_ref(), &key) {
            Ok(before) => before,
            Err(error) => {
                warn_shared(&error);
                return self.assert_token(body).await;
            }
        };
        if let Some(outcome) = before.as_ref().filter(|o| o.settled) {
            return outcome.result();
        }
        let seen = before.map(|o| o.id);
        // A new answer, or a final one, is what a waiting caller takes.
        let fresh = |o: &SharedOutcome| o.settled || Some(&o.id) != seen.as_ref();
        let deadline = tokio::time::Instant::now() + SHARED_ASSERT_LEASE + SHARED_POLL;
        loop {
            match store.try_lock(&lock_key, SHARED_ASSERT_LEASE) {
                Ok(StoreLock::Acquired(lease)) => {
                    if let Ok(Some(outcome)) = read_shared(store.as_ref(), &key)
                        && fresh(&outcome)
                    {
                        let _ = store.unlock(&lock_key, &lease);
                        return outcome.result();
                    }
                    let (result, raw) = self.assert_token_raw(body).await;
                    let settled = is_settled(&result);
                    if let Some(outcome) = SharedOutcome::new(&result, raw, settled)
                        && let Ok(bytes) = serde_json::to_vec(&outcome)
                    {
                        let ttl = if settled { SETTLED_TTL } else { PENDING_TTL };
                        if let Err(error) = store.put_record(&key, &bytes, ttl) {
                            warn_shared(&error);
                        }
                    }
                    if let Err(error) = store.unlock(&lock_key, &lease) {
                        warn_shared(&error);
                    }
                    return result;
                }
                Ok(StoreLock::Unsupported) => return self.assert_token(body).await,
                Ok(StoreLock::Busy) => {}
                Err(error) => {
                    warn_shared(&error);
                    return self.assert_token(body).await;
                }
            }
            if tokio::time::Instant::now() >= deadline {
                tracing::warn!(
                    "the process asserting this payment did not finish in time; asserting here"
                );
                return self.assert_token(body).await;
            }
            tokio::time::sleep(SHARED_POLL).await;
            match read_shared(store.as_ref(), &key) {
                Ok(Some(outcome)) if fresh(&outcome) => return outcome.result(),
                Ok(_) => {}
                Err(error) => {
                    warn_shared(&error);
                    return self.assert_token(body).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::http::scripted::{Scripted, Step};
    use crate::saferpay::json_api::tests::client;

    const AUTHORIZED: &str = r#"{"ResponseHeader":{"SpecVersion":"1.53","RequestId":"r"},"Transaction":{"Type":"PAYMENT","Status":"AUTHORIZED","Id":"t1","Amount":{"Value":"100","CurrencyCode":"CHF"}},"PaymentMeans":{"DisplayText":"x"}}"#;
    const PENDING: &str = r#"{"Transaction":{"Type":"PAYMENT","Status":"PENDING","Id":"t1","Amount":{"Value":"100","CurrencyCode":"CHF"}},"PaymentMeans":{}}"#;
    const ABORTED: &str =
        r#"{"Behavior":"OTHER_MEANS","ErrorName":"TRANSACTION_ABORTED","ErrorMessage":"aborted"}"#;
    const IN_PROGRESS: &str = r#"{"Behavior":"DO_NOT_RETRY","ErrorName":"TRANSACTION_IN_WRONG_STATE","ErrorMessage":"Transaction still in progress or abandoned by the payer"}"#;

    #[test]
    fn notify_urls_carry_the_merchant_reference() {
        let url = notify_url(
            "https://shop.example/saferpay/notify?kind=success",
            "ord-7f3a",
        )
        .unwrap();
        assert_eq!(
            url,
            "https://shop.example/saferpay/notify?kind=success&paywire_ref=ord-7f3a"
        );
        assert_eq!(merchant_ref_from_url(&url).unwrap(), "ord-7f3a");
        assert_eq!(
            merchant_ref_from_url("/saferpay/notify?kind=success&paywire_ref=ord-7f3a").unwrap(),
            "ord-7f3a"
        );
        assert_eq!(
            merchant_ref_from_url("paywire_ref=ord-7f3a").unwrap(),
            "ord-7f3a"
        );
        assert_eq!(
            notify_url("http://127.0.0.1:8080/n", "a").unwrap(),
            "http://127.0.0.1:8080/n?paywire_ref=a"
        );
        assert_eq!(
            notify_url("https://shop.example/n", "a b")
                .unwrap_err()
                .field(),
            Some("merchant_ref")
        );
        assert_eq!(
            notify_url("/relative", "a").unwrap_err().field(),
            Some("base")
        );
        assert_eq!(
            notify_url("https://shop.example/n#frag", "a")
                .unwrap_err()
                .field(),
            Some("base")
        );
        assert_eq!(
            notify_url("https://shop.example/n?paywire_ref=x", "a")
                .unwrap_err()
                .field(),
            Some("base")
        );
        assert_eq!(
            notify_url(
                &format!("https://shop.example/{}", "x".repeat(1970)),
                &"a".repeat(40)
            )
            .unwrap_err()
            .field(),
            Some("notify_url")
        );
        assert!(merchant_ref_from_url("https://shop.example/n").is_err());
        assert!(
            merchant_ref_from_url("https://shop.example/n?paywire_ref=a&paywire_ref=b").is_err()
        );
        assert_eq!(
            merchant_ref_from_url("https://shop.example/n?paywire_ref=a&paywire_ref=a").unwrap(),
            "a"
        );
    }

    #[test]
    fn spg_template_keeps_the_placeholder_literal() {
        let template = spg_notify_url_template("https://shop.example/spg/notify").unwrap();
        assert_eq!(
            template,
            "https://shop.example/spg/notify?paywire_token={{{PAYMENTPAGETOKEN}}}"
        );
        let template = spg_notify_url_template("https://shop.example/spg?shop=3").unwrap();
        assert_eq!(
            template,
            "https://shop.example/spg?shop=3&paywire_token={{{PAYMENTPAGETOKEN}}}"
        );
        let called = template.replace(
            PAYMENT_PAGE_TOKEN_PLACEHOLDER,
            "234uhfh78234hlasdfh8234e1234",
        );
        assert_eq!(
            token_from_url(&called).unwrap(),
            "234uhfh78234hlasdfh8234e1234"
        );
        assert_eq!(token_from_url("?paywire_token=abc").unwrap(), "abc");
        let err = token_from_url(&template).unwrap_err();
        assert!(err.message().contains("placeholder"), "{}", err.message());
        let encoded = "https://shop.example/spg?paywire_token=%7B%7B%7BPAYMENTPAGETOKEN%7D%7D%7D";
        assert!(token_from_url(encoded).is_err());
        assert!(token_from_url("https://shop.example/spg?paywire_token=a%20b").is_err());
        assert!(token_from_url("https://shop.example/spg?other=1").is_err());
    }

    #[tokio::test]
    async fn asserts_once_per_token_and_repeats_the_answer() {
        let script = Scripted::new(vec![Step::json(200, AUTHORIZED), Step::json(402, ABORTED)]);
        let client = client(&script);
        let first = client.payment_outcome("tok-1").await.unwrap();
        let second = client.payment_outcome("tok-1").await.unwrap();
        assert_eq!(first, second);
        assert_eq!(script.requests().len(), 1);
        let err = client.payment_outcome("tok-2").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Declined);
        let again = client.payment_outcome("tok-2").await.unwrap_err();
        assert_eq!(again.code(), Some("TRANSACTION_ABORTED"));
        assert_eq!(script.requests().len(), 2);
        // Another view of the same client (e.g. with per-call options) shares the cache.
        let view = client.with_options(crate::config::RequestOptions::default());
        view.payment_outcome("tok-1").await.unwrap();
        assert_eq!(script.requests().len(), 2);
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_assert() {
        let slow = Step::Delay(
            Duration::from_millis(200),
            Box::new(Step::json(200, AUTHORIZED)),
        );
        let script = Scripted::new(vec![slow]);
        let client = client(&script);
        let calls = (0..8).map(|_| client.payment_outcome("tok-1"));
        let results = futures_util::future::join_all(calls).await;
        assert!(
            results
                .iter()
                .all(|r| r.as_ref().unwrap().transaction.id == "t1")
        );
        assert_eq!(script.requests().len(), 1);
    }

    #[tokio::test]
    async fn unsettled_answers_are_shared_with_waiters_but_asked_again_later() {
        let slow = |step: Step| Step::Delay(Duration::from_millis(100), Box::new(step));
        let script = Scripted::new(vec![
            slow(Step::json(402, IN_PROGRESS)),
            Step::json(200, PENDING),
            Step::json(200, AUTHORIZED),
        ]);
        let client = client(&script);
        let (a, b) = tokio::join!(
            client.payment_outcome("tok-1"),
            client.payment_outcome("tok-1")
        );
        assert_eq!(a.unwrap_err().code(), Some("TRANSACTION_IN_WRONG_STATE"));
        assert_eq!(b.unwrap_err().code(), Some("TRANSACTION_IN_WRONG_STATE"));
        assert_eq!(script.requests().len(), 1);
        let pending = client.payment_outcome("tok-1").await.unwrap();
        assert_eq!(pending.transaction.status, TransactionStatus::Pending);
        let settled = client.payment_outcome("tok-1").await.unwrap();
        assert_eq!(settled.transaction.status, TransactionStatus::Authorized);
        client.payment_outcome("tok-1").await.unwrap();
        assert_eq!(script.requests().len(), 3);
    }

    #[tokio::test]
    async fn transient_failures_are_not_remembered() {
        let script = Scripted::new(vec![
            Step::html(503, "busy"),
            Step::html(503, "busy"),
            Step::html(503, "busy"),
            Step::json(200, AUTHORIZED),
        ]);
        let client = client(&script);
        assert!(client.payment_outcome("tok-1").await.is_err());
        assert!(client.payment_outcome("tok-1").await.is_ok());
        assert_eq!(script.requests().len(), 4);
        assert_eq!(
            client
                .payment_outcome("bad token")
                .await
                .unwrap_err()
                .field(),
            Some("token")
        );
    }

    #[test]
    fn cache_is_bounded_and_keeps_recent_and_busy_tokens() {
        let cache = OutcomeCache::new(100);
        let busy = cache.entry("busy");
        let _ = cache.entry("recent");
        for i in 0..500 {
            let _ = cache.entry(&format!("t{i}"));
            let _ = cache.entry("recent");
        }
        assert!(cache.len() <= 100, "{}", cache.len());
        assert!(
            Arc::ptr_eq(&busy, &cache.entry("busy")),
            "an in-use token is never evicted"
        );
        let slots = cache.slots.lock().unwrap();
        assert!(slots.map.contains_key("recent"));
        assert!(!slots.map.contains_key("t0"));
    }
}
