//! The JSON API request path: `POST {base}/Payment/v1/...` with the body envelope
//! `RequestHeader {SpecVersion, CustomerId, RequestId, RetryIndicator, ClientInfo?}`.
//!
//! The envelope is built per attempt by the engine's `build` closure: the RequestId is created
//! once per logical call (or taken from `RequestOptions::request_id`) and stays the same on
//! every attempt, while `RetryIndicator` counts the attempts 0, 1, 2 … (at most 9), as the
//! spec asks ("If a request is retried due to an error, use the same request id … the
//! RetryIndicator should be increased"). When the caller repeats a call with its own request
//! id, the count continues where the previous call stopped (per client, in memory).
//!
//! The spec documents RequestId as "for debugging purposes" and says nothing about what
//! Saferpay does with a repeated one, so paywire does not count on it being recognised: whether
//! an attempt is sent again after an ambiguous failure is the call's [`Safety`] (see
//! `docs/exactly-once.md`). `DO_NOT_RETRY`/`ABORT`, `OTHER_MEANS` and `RETRY_LATER` are never
//! retried.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use ::http::{HeaderMap, HeaderValue, Method};
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::Client;
use super::error::error_from_response;
use super::notifications::OutcomeCache;
use super::transaction::MultipartLocks;
use crate::config;
use crate::error::{Error, ErrorKind, Provider};
use crate::http::{self, Call, HttpRequest, Lookup, Safety};
use crate::validate;

/// Saferpay accepts RetryIndicator 0..=9, which is also why `max_retries` is capped at 9.
pub(crate) const MAX_RETRY_INDICATOR: u32 = 9;

/// How many caller-supplied request ids remember their last RetryIndicator.
const RETRY_COUNTER_CAPACITY: usize = 10_000;

/// Optional shop and system description sent in every `RequestHeader.ClientInfo`
/// (Saferpay support sees it; each value ISO-8859-15, 1 to 100 characters).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// E.g. "My Shop 2.1".
    pub shop_info: Option<String>,
    /// E.g. "Linux".
    pub os_info: Option<String>,
}

impl ClientInfo {
    pub(crate) fn to_wire(&self) -> Result<Option<Value>, Error> {
        let mut map = Map::new();
        if let Some(shop) = &self.shop_info {
            validate::iso_8859_15("client_info.shop_info", shop, 1, 100)?;
            map.insert("ShopInfo".into(), json!(shop));
        }
        if let Some(os) = &self.os_info {
            validate::iso_8859_15("client_info.os_info", os, 1, 100)?;
            map.insert("OsInfo".into(), json!(os));
        }
        Ok((!map.is_empty()).then_some(Value::Object(map)))
    }
}

/// Per-client JSON API state, shared by every view of a client (`with_options`).
pub(crate) struct JsonApiState {
    client_info: Option<Value>,
    /// Single-flight, bounded cache behind `payment_outcome`.
    pub(crate) outcomes: OutcomeCache,
    /// Saferpay forbids parallel MultipartCapture calls on one transaction.
    pub(crate) multipart: MultipartLocks,
    /// Next RetryIndicator per caller-supplied RequestId, so a caller repeating a call with
    /// the same id (after an outcome-unknown error) continues the count instead of sending
    /// 0 again, which Saferpay would not recognise as a retry.
    retry_counters: Mutex<HashMap<String, u32>>,
}

impl JsonApiState {
    pub(crate) fn new(client_info: Option<&ClientInfo>) -> Result<JsonApiState, Error> {
        let client_info = match client_info {
            Some(info) => info.to_wire()?,
            None => None,
        };
        Ok(JsonApiState {
            client_info,
            outcomes: OutcomeCache::new(super::notifications::OUTCOME_CACHE_CAPACITY),
            multipart: MultipartLocks::default(),
            retry_counters: Mutex::new(HashMap::new()),
        })
    }

    fn next_indicator(&self, request_id: &str) -> u32 {
        let counters = self
            .retry_counters
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        counters.get(request_id).copied().unwrap_or(0)
    }

    /// Records an attempt as it is sent (not after the call), so a cancelled call still counts.
    fn record_sent(&self, request_id: &str, indicator: u32) {
        let mut counters = self
            .retry_counters
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if counters.len() >= RETRY_COUNTER_CAPACITY && !counters.contains_key(request_id) {
            // Crude bound: forgetting old ids only means an id reused much later starts at 0.
            counters.clear();
        }
        let next = counters.entry(request_id.to_owned()).or_insert(0);
        *next = (*next).max(indicator + 1);
    }
}

/// One JSON API call: the endpoint and the body without its `RequestHeader`.
pub(crate) struct JsonApiCall {
    pub operation: &'static str,
    /// Below the base URL, e.g. `/Payment/v1/Transaction/Capture`.
    pub path: &'static str,
    /// How an ambiguous failure is settled (see `docs/exactly-once.md`).
    pub safety: Safety,
    pub body: Map<String, Value>,
    /// The call that settles an unknown outcome, named in the error.
    pub settle: Option<String>,
    /// For `Idempotent` calls: answers meaning an earlier attempt already did it.
    pub already_done: Option<fn(&Error) -> bool>,
    /// The lookup proves whether the effect exists (see `Call::lookup_proves`).
    pub lookup_proves: bool,
}

impl JsonApiCall {
    pub(crate) fn new(
        operation: &'static str,
        path: &'static str,
        safety: Safety,
        body: Map<String, Value>,
    ) -> JsonApiCall {
        JsonApiCall {
            operation,
            path,
            safety,
            body,
            settle: None,
            already_done: None,
            lookup_proves: false,
        }
    }

    pub(crate) fn settle(mut self, settle: impl Into<String>) -> JsonApiCall {
        self.settle = Some(settle.into());
        self
    }

    pub(crate) fn already_done(mut self, already_done: fn(&Error) -> bool) -> JsonApiCall {
        self.already_done = Some(already_done);
        self
    }

    pub(crate) fn lookup_proves(mut self) -> JsonApiCall {
        self.lookup_proves = true;
        self
    }
}

/// Builds the `RequestHeader` for one attempt.
pub(crate) fn request_header(
    spec_version: &str,
    customer_id: &str,
    request_id: &str,
    attempt: u32,
    client_info: Option<&Value>,
) -> Result<Value, Error> {
    if attempt > MAX_RETRY_INDICATOR {
        // Unreachable while max_retries is capped at 9; refuse rather than send an invalid header.
        return Err(Error::internal(format!(
            "RetryIndicator {attempt} is above Saferpay's maximum of {MAX_RETRY_INDICATOR}"
        )));
    }
    let mut header = Map::new();
    header.insert("SpecVersion".into(), json!(spec_version));
    header.insert("CustomerId".into(), json!(customer_id));
    header.insert("RequestId".into(), json!(request_id));
    header.insert("RetryIndicator".into(), json!(attempt));
    if let Some(info) = client_info {
        header.insert("ClientInfo".into(), info.clone());
    }
    Ok(Value::Object(header))
}

/// Looks at the `ResponseHeader` without failing on it: it is documented as mandatory, but
/// trimmed or gateway-made bodies omit it, and a mismatching echo is worth a log line, not a
/// failed (and possibly money-moving) call.
fn check_response_header(value: &Value, request_id: &str) {
    let echoed = value
        .get("ResponseHeader")
        .and_then(|h| h.get("RequestId"))
        .and_then(Value::as_str);
    match echoed {
        Some(echoed) if echoed != request_id => {
            tracing::warn!(
                sent = request_id,
                echoed,
                "Saferpay ResponseHeader.RequestId differs from the request"
            );
        }
        Some(_) => {}
        None => tracing::debug!("Saferpay response without ResponseHeader.RequestId"),
    }
}

impl Client {
    /// Sends a JSON API call; `decode` turns the success body into the result. Decoding runs
    /// inside the engine, so an unreadable 200 counts as an ambiguous failure of the attempt.
    pub(crate) async fn json_api<T>(
        &self,
        call: JsonApiCall,
        decode: impl Fn(Value) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.json_api_with(call, decode, None::<fn() -> std::future::Ready<Lookup<T>>>)
            .await
    }

    /// [`Client::json_api`] with the call's lookup by its own key (see [`Safety`]).
    pub(crate) async fn json_api_with<T, L, F>(
        &self,
        call: JsonApiCall,
        decode: impl Fn(Value) -> Result<T, Error>,
        lookup: Option<L>,
    ) -> Result<T, Error>
    where
        L: Fn() -> F,
        F: std::future::Future<Output = Lookup<T>>,
    {
        let inner = self.inner();
        let state = &inner.json_api;
        let supplied = self.request_options().request_id.is_some();
        let (request_id, first) = match &self.request_options().request_id {
            Some(id) => {
                validate::id("request_id", id, 1, 50)?;
                let remembered = state.next_indicator(id);
                let resumed = self.request_options().retry_indicator.unwrap_or(0);
                (id.clone(), remembered.max(resumed))
            }
            None => (http::new_request_id(), 0),
        };
        if first > MAX_RETRY_INDICATOR {
            return Err(Error::validation(
                "request_id",
                format!(
                    "{request_id:?} was already sent with RetryIndicator {MAX_RETRY_INDICATOR}, the most \
                     Saferpay accepts; check the outcome (inquire) instead of repeating the call"
                ),
            ));
        }
        // Never let the engine go past RetryIndicator 9, whatever max_retries says.
        let mut options = self.request_options().clone();
        let max_retries = options
            .max_retries
            .unwrap_or(inner.engine.options().max_retries);
        options.max_retries = Some(max_retries.min(MAX_RETRY_INDICATOR - first));
        let url = config::join(&inner.base_url, call.path)?;
        let headers = json_headers(inner.authorization().expose())?;
        let client_info = state.client_info.as_ref();
        let mut engine_call = Call::new(call.operation, call.safety, &request_id, &options);
        engine_call.settle = call.settle.clone();
        engine_call.already_done = call.already_done;
        engine_call.lookup_proves = call.lookup_proves;
        // RetryIndicator goes up to 9: never more attempts than that, whatever the retries.
        engine_call.max_attempts = Some(MAX_RETRY_INDICATOR + 1 - first);
        inner
            .engine
            .send_with(
                engine_call,
                |attempt, timeout| {
                    let indicator = first + attempt;
                    let header = request_header(
                        &inner.spec_version,
                        &inner.customer_id,
                        &request_id,
                        indicator,
                        client_info,
                    )?;
                    if supplied {
                        state.record_sent(&request_id, indicator);
                    }
                    let mut body = Map::with_capacity(call.body.len() + 1);
                    body.insert("RequestHeader".into(), header);
                    for (key, value) in &call.body {
                        body.insert(key.clone(), value.clone());
                    }
                    let bytes = serde_json::to_vec(&Value::Object(body))
                        .map_err(|e| Error::internal(format!("encode: {e}")))?;
                    Ok(HttpRequest {
                        method: Method::POST,
                        url: url.clone(),
                        headers: headers.clone(),
                        body: Some(Bytes::from(bytes)),
                        timeout,
                    })
                },
                |response| {
                    if !(200..300).contains(&response.status) {
                        return Err(error_from_response(&response));
                    }
                    let value: Value = http::decode_json(Provider::Saferpay, &response)?;
                    check_response_header(&value, &request_id);
                    decode(value).map_err(|e| {
                        if e.kind() == ErrorKind::Decode {
                            e.with_http_status(response.status)
                        } else {
                            e
                        }
                    })
                },
                lookup,
            )
            .await
    }
}

/// Authorization and JSON content negotiation (a wrong Accept gives 406, Content-Type 415).
fn json_headers(authorization: &str) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    let mut auth = HeaderValue::from_str(authorization).map_err(|_| {
        Error::validation("password", "contains characters not allowed in a header")
    })?;
    auth.set_sensitive(true);
    headers.insert(::http::header::AUTHORIZATION, auth);
    headers.insert(
        ::http::header::ACCEPT,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        ::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    Ok(headers)
}

/// `TransactionReference` by transaction id (`AlphaNumeric[1..64]`). The spec also allows an
/// `OrderId` reference ([`order_reference`]), used to settle refunds by their order id.
pub(crate) fn transaction_reference(field: &str, transaction_id: &str) -> Result<Value, Error> {
    validate::alphanumeric(field, transaction_id, 1, 64)?;
    Ok(json!({ "TransactionId": transaction_id }))
}

/// `TransactionReference` by order id: "Unambiguous OrderId of the referenced transaction"
/// (`Id[1..80]`).
pub(crate) fn order_reference(field: &str, order_id: &str) -> Result<Value, Error> {
    validate::id(field, order_id, 1, 80)?;
    Ok(json!({ "OrderId": order_id }))
}

/// `CaptureReference` by capture id (`Id[1..64]`), the reference Saferpay prefers.
pub(crate) fn capture_reference(field: &str, capture_id: &str) -> Result<Value, Error> {
    validate::id(field, capture_id, 1, 64)?;
    Ok(json!({ "CaptureId": capture_id }))
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::config::RequestOptions;
    use crate::error::Retryable;
    use crate::http::FailureStage;
    use crate::http::scripted::{Scripted, Step};

    pub(crate) fn client(script: &Scripted) -> Client {
        Client::builder()
            .customer_id("123456")
            .username("API_123456_1")
            .password("secret-pass")
            .terminal_id("17654321")
            .base_url("http://127.0.0.1:9/api")
            .options(fast())
            .transport(Arc::new(script.clone()))
            .build()
            .unwrap()
    }

    /// Client calls run on the shared runtime, whose clock a test cannot pause: keep the
    /// backoff tiny instead.
    pub(crate) fn fast() -> crate::config::ClientOptions {
        crate::config::ClientOptions {
            initial_backoff: std::time::Duration::from_millis(1),
            max_backoff: std::time::Duration::from_millis(4),
            ..crate::config::ClientOptions::default()
        }
    }

    fn bodies(script: &Scripted) -> Vec<Value> {
        script
            .requests()
            .iter()
            .map(|r| serde_json::from_slice(r.body.as_deref().unwrap()).unwrap())
            .collect()
    }

    async fn echo(client: &Client) -> Result<Value, Error> {
        let mut body = Map::new();
        body.insert("Token".into(), json!("tok"));
        client
            .json_api(
                JsonApiCall::new(
                    "test.echo",
                    "/Payment/v1/PaymentPage/Assert",
                    Safety::Idempotent,
                    body,
                ),
                |value| {
                    value
                        .get("Ok")
                        .cloned()
                        .ok_or_else(|| Error::decode(Provider::Saferpay, "no Ok"))
                },
            )
            .await
    }

    const RETRY: &str = r#"{"ResponseHeader":{"SpecVersion":"1.53","RequestId":"x"},"Behavior":"RETRY","ErrorName":"INTERNAL_ERROR","ErrorMessage":"try again"}"#;

    #[tokio::test]
    async fn same_request_id_and_counting_retry_indicator() {
        let script = Scripted::new(vec![
            Step::Fail(FailureStage::MaybeSent),
            Step::json(500, RETRY),
            Step::json(200, r#"{"Ok":1}"#),
        ]);
        let value = echo(&client(&script)).await.unwrap();
        assert_eq!(value, json!(1));
        let sent = script.requests();
        assert_eq!(sent.len(), 3);
        assert!(
            sent.iter()
                .all(|r| r.url.as_str() == "http://127.0.0.1:9/api/Payment/v1/PaymentPage/Assert")
        );
        assert!(sent.iter().all(|r| r.method == Method::POST));
        assert!(sent.iter().all(|r| {
            r.headers.get("content-type").unwrap() == "application/json; charset=utf-8"
                && r.headers.get("accept").unwrap() == "application/json"
                && r.headers.get("authorization").unwrap().is_sensitive()
        }));
        let bodies = bodies(&script);
        let ids: Vec<&str> = bodies
            .iter()
            .map(|b| b["RequestHeader"]["RequestId"].as_str().unwrap())
            .collect();
        assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
        let indicators: Vec<u64> = bodies
            .iter()
            .map(|b| b["RequestHeader"]["RetryIndicator"].as_u64().unwrap())
            .collect();
        assert_eq!(indicators, [0, 1, 2]);
        for body in &bodies {
            assert_eq!(body["RequestHeader"]["SpecVersion"], "1.53");
            assert_eq!(body["RequestHeader"]["CustomerId"], "123456");
            assert!(body["RequestHeader"].get("ClientInfo").is_none());
            assert_eq!(body["Token"], "tok");
        }
    }

    #[tokio::test]
    async fn never_retries_do_not_retry_other_means_or_retry_later() {
        for (behavior, retryable) in [
            ("DO_NOT_RETRY", Retryable::No),
            ("ABORT", Retryable::No),
            ("OTHER_MEANS", Retryable::No),
            ("RETRY_LATER", Retryable::Later),
        ] {
            let body = format!(
                r#"{{"Behavior":"{behavior}","ErrorName":"TRANSACTION_DECLINED","ErrorMessage":"no"}}"#
            );
            let script =
                Scripted::new(vec![Step::json(402, &body), Step::json(200, r#"{"Ok":1}"#)]);
            let err = echo(&client(&script)).await.unwrap_err();
            assert_eq!(script.requests().len(), 1, "{behavior}");
            assert_eq!(err.kind(), ErrorKind::Declined, "{behavior}");
            assert_eq!(err.retryable(), retryable, "{behavior}");
            assert!(!err.outcome_unknown(), "{behavior}");
            assert_eq!(err.http_status(), Some(402));
        }
    }

    #[tokio::test]
    async fn decode_error_after_200_is_retried_under_the_same_request_id() {
        let script = Scripted::new(vec![
            Step::json(200, "{not json"),
            Step::json(200, r#"{"Unexpected":true}"#),
            Step::json(200, r#"{"Ok":"replayed"}"#),
        ]);
        let value = echo(&client(&script)).await.unwrap();
        assert_eq!(value, json!("replayed"));
        let bodies = bodies(&script);
        assert_eq!(bodies.len(), 3);
        assert_eq!(
            bodies[0]["RequestHeader"]["RequestId"],
            bodies[2]["RequestHeader"]["RequestId"]
        );
        assert_eq!(bodies[2]["RequestHeader"]["RetryIndicator"], 2);
    }

    #[tokio::test]
    async fn gives_up_with_outcome_unknown_and_the_request_id() {
        let script = Scripted::new(vec![
            Step::json(200, "garbage"),
            Step::html(502, "<html>bad gateway</html>"),
            Step::Fail(FailureStage::MaybeSent),
        ]);
        let err = echo(&client(&script)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
        assert!(err.outcome_unknown());
        assert!(err.message().contains("connection reset"), "{err}");
        let bodies = bodies(&script);
        assert_eq!(
            err.request_id(),
            bodies[0]["RequestHeader"]["RequestId"].as_str()
        );
    }

    #[tokio::test]
    async fn caller_supplied_request_id_is_used_on_every_attempt() {
        let script = Scripted::new(vec![
            Step::html(503, "<html>busy</html>"),
            Step::json(200, r#"{"Ok":1}"#),
        ]);
        let client = client(&script).with_options(RequestOptions {
            request_id: Some("order-42-capture".into()),
            ..RequestOptions::default()
        });
        echo(&client).await.unwrap();
        for body in bodies(&script) {
            assert_eq!(body["RequestHeader"]["RequestId"], "order-42-capture");
        }
        let bad = client.with_options(RequestOptions {
            request_id: Some("has spaces".into()),
            ..RequestOptions::default()
        });
        let err = echo(&bad).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation);
        assert_eq!(script.requests().len(), 2, "nothing sent for a bad id");
    }

    #[tokio::test]
    async fn repeating_a_call_with_the_same_request_id_continues_the_count() {
        let mut steps: Vec<Step> = (0..3).map(|_| Step::html(503, "busy")).collect();
        steps.push(Step::json(200, r#"{"Ok":1}"#));
        for _ in 0..7 {
            steps.push(Step::html(503, "busy"));
        }
        let script = Scripted::new(steps);
        let base = client(&script);
        let same = base.with_options(RequestOptions {
            request_id: Some("order-42-capture".into()),
            ..RequestOptions::default()
        });
        // Attempts 0, 1, 2 fail; the caller repeats the call with the same id.
        assert!(echo(&same).await.is_err());
        assert_eq!(echo(&same).await.unwrap(), json!(1));
        // Another view with the same id (e.g. a new with_options) shares the counter.
        let again = base.with_options(RequestOptions {
            request_id: Some("order-42-capture".into()),
            max_retries: Some(9),
            ..RequestOptions::default()
        });
        assert!(echo(&again).await.is_err());
        let indicators: Vec<u64> = bodies(&script)
            .iter()
            .map(|b| b["RequestHeader"]["RetryIndicator"].as_u64().unwrap())
            .collect();
        // The third call sends 4..=9 only: the engine stops at Saferpay's maximum even with
        // max_retries 9.
        assert_eq!(indicators, (0..=9).collect::<Vec<u64>>());
        let err = echo(&again).await.unwrap_err();
        assert_eq!(err.field(), Some("request_id"));
        assert_eq!(
            script.requests().len(),
            10,
            "nothing sent past RetryIndicator 9"
        );
        // Fresh ids are independent and start at 0.
        let script = Scripted::new(vec![Step::json(200, r#"{"Ok":1}"#)]);
        echo(&client(&script)).await.unwrap();
        assert_eq!(bodies(&script)[0]["RequestHeader"]["RetryIndicator"], 0);
    }

    #[tokio::test]
    async fn max_retries_nine_reaches_retry_indicator_nine() {
        let mut steps: Vec<Step> = (0..9).map(|_| Step::html(503, "busy")).collect();
        steps.push(Step::json(200, r#"{"Ok":1}"#));
        let script = Scripted::new(steps);
        let client = client(&script).with_options(RequestOptions {
            max_retries: Some(9),
            ..RequestOptions::default()
        });
        echo(&client).await.unwrap();
        let indicators: Vec<u64> = bodies(&script)
            .iter()
            .map(|b| b["RequestHeader"]["RetryIndicator"].as_u64().unwrap())
            .collect();
        assert_eq!(indicators, (0..=9).collect::<Vec<u64>>());
        assert!(request_header("1.53", "1", "r", 10, None).is_err());
    }

    #[tokio::test]
    async fn response_header_is_optional_and_checked_leniently() {
        let script = Scripted::new(vec![Step::json(
            200,
            r#"{"ResponseHeader":{"SpecVersion":"1.53","RequestId":"someone-else"},"Ok":2}"#,
        )]);
        assert_eq!(echo(&client(&script)).await.unwrap(), json!(2));
        let script = Scripted::new(vec![Step::json(200, r#"{"ResponseHeader":[],"Ok":3}"#)]);
        assert_eq!(echo(&client(&script)).await.unwrap(), json!(3));
    }

    #[tokio::test]
    async fn firewall_403_keeps_status_and_snippet() {
        let script = Scripted::new(vec![Step::html(
            403,
            "<html>Request rejected by WAF</html>",
        )]);
        let err = echo(&client(&script)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Permission);
        assert_eq!(err.http_status(), Some(403));
        assert!(err.message().contains("Request rejected by WAF"));
        assert_eq!(script.requests().len(), 1);
    }

    #[tokio::test]
    async fn client_info_goes_into_every_header() {
        let script = Scripted::new(vec![Step::json(200, r#"{"Ok":1}"#)]);
        let client = Client::builder()
            .customer_id("123456")
            .username("u")
            .password("p")
            .base_url("http://127.0.0.1:9/api")
            .options(fast())
            .client_info(ClientInfo {
                shop_info: Some("My Shop".into()),
                os_info: Some("Linux".into()),
            })
            .transport(Arc::new(script.clone()))
            .build()
            .unwrap();
        echo(&client).await.unwrap();
        assert_eq!(
            bodies(&script)[0]["RequestHeader"]["ClientInfo"],
            json!({"ShopInfo": "My Shop", "OsInfo": "Linux"})
        );
        let err = Client::builder()
            .customer_id("123456")
            .username("u")
            .password("p")
            .client_info(ClientInfo {
                shop_info: Some("東京".into()),
                os_info: None,
            })
            .build()
            .unwrap_err();
        assert_eq!(err.field(), Some("client_info.shop_info"));
    }
}
