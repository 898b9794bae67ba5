//! Client-level tests over the scripted transport: what is sent, retried, refused and settled.

// Tests fail loudly on purpose; the crate-wide deny is for library code.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};

use super::*;
use crate::error::{ErrorKind, Retryable};
use crate::http::FailureStage;
use crate::http::scripted::{Scripted, Step};
use crate::money::{Currency, Money};

const KEY: &str = "3f2b8c1e-9a7d-4e5f-b6c0-1d2e3f4a5b6c";
const BASE: &str = "https://sekurepay.test/api/v1";

fn client(script: &Scripted) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(BASE)
        .options(ClientOptions {
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            ..ClientOptions::default()
        })
        .transport(Arc::new(script.clone()))
        .build()
        .unwrap()
}

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, "USD").unwrap()
}

fn order() -> CreateOrder {
    CreateOrder::new("ord-2026-0001", Currency::from_code("USD").unwrap())
        .with_item("51 inch TV", usd(10000), 1)
        .with_item("HDMI cable", usd(750), 2)
        .with_tax("GST", usd(500))
        .with_shipping_amount_cents(200)
        .unwrap()
}

fn body_of(request: &crate::http::HttpRequest) -> Value {
    serde_json::from_slice(request.body.as_deref().unwrap_or_default()).unwrap()
}

fn fixture() -> Value {
    let path = fixtures_dir!("sekurepay/order_create.request.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}")))
        .unwrap()
}

#[tokio::test]
async fn create_sends_computed_totals_with_basic_auth() {
    let script = Scripted::new(vec![Step::json(
        201,
        r#"{"id":"ord-2026-0001","status":"pending","currency":"USD","total_cents":"12200"}"#,
    )]);
    let created = client(&script).create_order(order()).await.unwrap();
    assert_eq!(created.id, "ord-2026-0001");
    assert_eq!(created.status.as_deref(), Some("pending"));
    assert_eq!(created.total, Some(usd(12200)));
    // Filled in from the accepted request where the answer is silent.
    assert_eq!(created.sub_total, Some(usd(11500)));
    assert_eq!(created.shipping, Some(usd(200)));
    assert_eq!(created.taxes_total, Some(usd(500)));

    let sent = script.requests();
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    assert_eq!(request.method, ::http::Method::POST);
    assert_eq!(request.url.as_str(), format!("{BASE}/orders"));
    let auth = request.headers.get(::http::header::AUTHORIZATION).unwrap();
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{KEY}:"))
    );
    assert_eq!(auth.to_str().unwrap(), expected);
    assert!(auth.is_sensitive());
    assert_eq!(
        request.headers.get(::http::header::CONTENT_TYPE).unwrap(),
        "application/json"
    );
    assert_eq!(
        body_of(request),
        json!({
            "id": "ord-2026-0001",
            "currency": "USD",
            "sub_total_cents": 11500,
            "shipping_amount_cents": 200,
            "total_cents": 12200,
            "items": [
                {"description": "51 inch TV", "amount_cents": "10000"},
                {"description": "HDMI cable", "amount_cents": "1500"}
            ],
            "taxes": [{"description": "GST", "amount_cents": "500"}]
        })
    );
}

#[tokio::test]
async fn the_documented_sample_is_refused_before_sending() {
    let script = Scripted::new(vec![Step::json(201, "{}")]);
    let client = client(&script);
    let request = CreateOrder::from_wire_json(&fixture()).unwrap();
    for result in [
        client.create_order(request.clone()).await,
        client.find_or_create_order(request).await,
    ] {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation);
        assert_eq!(err.field(), Some("total"));
    }
    let err = client.get_order("../admin").await.unwrap_err();
    assert_eq!(err.field(), Some("order_id"));
    assert_eq!(script.requests().len(), 0, "nothing may be sent");
}

#[tokio::test]
async fn empty_create_answer_is_the_request_that_was_accepted() {
    let script = Scripted::new(vec![Step::html(201, "")]);
    let created = client(&script).create_order(order()).await.unwrap();
    assert_eq!(created.raw, Value::Null);
    assert_eq!(created.currency, Currency::from_code("USD").ok());
    assert_eq!(created.total, Some(usd(12200)));
}

#[tokio::test]
async fn connect_errors_are_retried_because_nothing_left() {
    let script = Scripted::new(vec![
        Step::Fail(FailureStage::NotSent),
        Step::json(201, r#"{"id":"ord-2026-0001"}"#),
    ]);
    let created = client(&script).create_order(order()).await.unwrap();
    assert_eq!(created.total, Some(usd(12200)));
    let sent = script.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(body_of(&sent[0]), body_of(&sent[1]));
}

#[tokio::test]
async fn reset_after_sending_is_settled_by_the_order_id() {
    // The order exists: it is the answer, and the create is not sent again.
    let script = Scripted::new(vec![Step::Fail(FailureStage::MaybeSent), found("12200")]);
    let created = client(&script).create_order(order()).await.unwrap();
    assert_eq!(created.total, Some(usd(12200)));
    let sent = script.requests();
    assert_eq!(sent.len(), 2, "one create, one lookup");
    assert_eq!(sent[1].method, ::http::Method::GET);
    assert_eq!(sent[1].url.as_str(), format!("{BASE}/orders/ord-2026-0001"));
    // No order under the id after the connection broke: the create is sent again, once.
    let script = Scripted::new(vec![
        Step::Fail(FailureStage::MaybeSent),
        Step::json(404, r#"{"error":"not_found"}"#),
        Step::json(201, r#"{"id":"ord-2026-0001","total_cents":12200}"#),
    ]);
    let created = client(&script).create_order(order()).await.unwrap();
    assert_eq!(created.total, Some(usd(12200)));
    let methods: Vec<_> = script.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(
        methods,
        [
            ::http::Method::POST,
            ::http::Method::GET,
            ::http::Method::POST
        ]
    );
}

#[tokio::test]
async fn a_repeat_answered_conflict_after_an_ambiguous_attempt_is_fetched() {
    // Not visible yet after a 502, then the repeat says the id exists (the first create landed
    // in between): it is fetched, and with the same total it is the answer.
    let script = Scripted::new(vec![
        Step::html(502, "<html>bad gateway</html>"),
        Step::json(404, "{}"),
        Step::json(409, r#"{"error":"conflict"}"#),
        found("12200"),
    ]);
    let created = client(&script).create_order(order()).await.unwrap();
    assert_eq!(created.total, Some(usd(12200)));
    let methods: Vec<_> = script.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(
        methods,
        [
            ::http::Method::POST,
            ::http::Method::GET,
            ::http::Method::POST,
            ::http::Method::GET
        ]
    );
    // A different order holds the id: a known conflict, nothing created by this call.
    let script = Scripted::new(vec![
        Step::html(502, "<html>bad gateway</html>"),
        Step::json(404, "{}"),
        Step::json(409, r#"{"error":"conflict"}"#),
        found("99"),
    ]);
    let err = client(&script).create_order(order()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(!err.outcome_unknown());
}

#[tokio::test]
async fn a_timed_out_create_is_not_sent_again_and_says_how_to_check() {
    // After a timeout the first create may still be running: an order not visible yet
    // proves nothing, so the outcome is unknown.
    let script = Scripted::new(vec![
        Step::Timeout,
        Step::json(404, r#"{"error":"not_found"}"#),
        Step::json(201, "{}"),
    ]);
    let err = client(&script).create_order(order()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert!(err.outcome_unknown());
    assert_eq!(err.settle_with(), Some("get_order(\"ord-2026-0001\")"));
    assert!(
        err.details()
            .iter()
            .any(|d| d.contains("get_order(\"ord-2026-0001\")")),
        "{:?}",
        err.details()
    );
    let posts = script
        .requests()
        .iter()
        .filter(|r| r.method == ::http::Method::POST)
        .count();
    assert_eq!(posts, 1, "a create that may still run is never resent");
}

#[tokio::test]
async fn server_errors_and_unreadable_answers_on_create_are_settled_by_the_order_id() {
    // A 502 ended the exchange; no order under the id: sent again, exactly one order.
    let script = Scripted::new(vec![
        Step::html(502, "<html>bad gateway</html>"),
        Step::json(404, "{}"),
        Step::json(201, r#"{"id":"ord-2026-0001"}"#),
    ]);
    let created = client(&script).create_order(order()).await.unwrap();
    assert_eq!(created.total, Some(usd(12200)));
    assert_eq!(script.requests().len(), 3);
    // An unreadable 201 was executed: the lookup finds the order.
    let script = Scripted::new(vec![
        Step::html(201, "<html>created?</html>"),
        found("12200"),
    ]);
    let created = client(&script).create_order(order()).await.unwrap();
    assert_eq!(created.total, Some(usd(12200)));
    assert_eq!(script.requests().len(), 2);
    // The lookup fails too: the outcome stays unknown.
    let script = Scripted::new(vec![
        Step::html(502, "<html>bad gateway</html>"),
        Step::json(401, "{}"),
    ]);
    let err = client(&script).create_order(order()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(err.http_status(), Some(502));
    assert!(err.outcome_unknown());
    assert_eq!(script.requests().len(), 2);
}

#[tokio::test]
async fn duplicate_ids_are_conflicts() {
    let script = Scripted::new(vec![Step::json(409, r#"{"error":"Order already exists"}"#)]);
    let err = client(&script).create_order(order()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(!err.outcome_unknown());
    let script = Scripted::new(vec![Step::json(
        422,
        r#"{"errors":{"id":["has already been taken"]}}"#,
    )]);
    let err = client(&script).create_order(order()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert_eq!(err.http_status(), Some(422));
}

#[tokio::test]
async fn error_statuses_map_to_kinds() {
    let cases = [
        (
            Step::json(401, r#"{"error":"Your API key is wrong"}"#),
            ErrorKind::Authentication,
        ),
        (Step::html(401, "Unauthorized"), ErrorKind::Authentication),
        (Step::json(403, "{}"), ErrorKind::Permission),
        (
            Step::json(422, r#"{"errors":["total_cents is wrong"]}"#),
            ErrorKind::Api,
        ),
        (Step::json(400, r#"{"message":"bad json"}"#), ErrorKind::Api),
    ];
    for (step, kind) in cases {
        let script = Scripted::new(vec![step]);
        let err = client(&script).create_order(order()).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{err}");
        assert!(!err.outcome_unknown(), "{err}");
        assert_eq!(err.provider(), Some(Provider::SekurePay));
        assert!(err.request_id().is_some());
        assert_eq!(script.requests().len(), 1);
    }
    let script = Scripted::new(vec![Step::json(
        422,
        r#"{"errors":["total_cents is wrong"]}"#,
    )]);
    let err = client(&script).create_order(order()).await.unwrap_err();
    assert_eq!(err.details(), ["total_cents is wrong"]);
}

#[tokio::test]
async fn get_reads_leniently_and_retries_reads() {
    let script = Scripted::new(vec![
        Step::html(503, "<html>maintenance</html>"),
        Step::Fail(FailureStage::MaybeSent),
        Step::json(
            200,
            r#"{"order":{"id":"ord-2026-0001","status":"paid","currency":"USD","sub_total_cents":11500,"shipping_amount_cents":"200","total_cents":"12200","taxes":[{"description":"GST","amount_cents":500}],"created_at":"2026-03-01T10:00:00Z"}}"#,
        ),
    ]);
    let order = client(&script).get_order("ord-2026-0001").await.unwrap();
    assert_eq!(order.status.as_deref(), Some("paid"));
    assert_eq!(order.total, Some(usd(12200)));
    assert_eq!(order.shipping, Some(usd(200)));
    assert_eq!(order.taxes_total, Some(usd(500)));
    assert_eq!(order.created_at.as_deref(), Some("2026-03-01T10:00:00Z"));
    assert_eq!(order.raw["order"]["status"], "paid");
    let sent = script.requests();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[2].method, ::http::Method::GET);
    assert_eq!(sent[2].url.as_str(), format!("{BASE}/orders/ord-2026-0001"));
    assert!(sent[2].body.is_none());

    let script = Scripted::new(vec![Step::json(404, r#"{"error":"Not found"}"#)]);
    let err = client(&script).get_order("nope").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(!err.outcome_unknown(), "a read has no unknown outcome");
    assert_eq!(err.retryable(), Retryable::No);
}

fn found(total: &str) -> Step {
    Step::json(
        200,
        &format!(r#"{{"id":"ord-2026-0001","currency":"USD","total_cents":{total}}}"#),
    )
}

#[tokio::test]
async fn find_or_create_returns_the_order_an_unclear_create_made() {
    let script = Scripted::new(vec![Step::Fail(FailureStage::MaybeSent), found("12200")]);
    let settled = client(&script).find_or_create_order(order()).await.unwrap();
    assert_eq!(settled.total, Some(usd(12200)));
    let sent = script.requests();
    assert_eq!(
        sent.len(),
        2,
        "one create, one lookup, never a second create"
    );
    assert_eq!(sent[1].method, ::http::Method::GET);
    assert_eq!(sent[1].url.as_str(), format!("{BASE}/orders/ord-2026-0001"));

    // A conflict means an earlier attempt went through: same total, same order.
    let script = Scripted::new(vec![Step::json(409, "{}"), found("\"12200\"")]);
    assert!(client(&script).find_or_create_order(order()).await.is_ok());
}

#[tokio::test]
async fn find_or_create_surfaces_the_original_error_when_unsure() {
    let cases = [
        (Step::json(404, "{}"), "found no order yet"),
        (found("99"), "with total 0.99 USD, not 122.00 USD"),
        (
            Step::json(200, r#"{"id":"ord-2026-0001"}"#),
            "no readable total",
        ),
        (Step::json(401, "{}"), "failed too"),
    ];
    for (lookup, detail) in cases {
        // A timed-out create not visible yet (create_order's own lookup), then the second look.
        let script = Scripted::new(vec![Step::Timeout, Step::json(404, "{}"), lookup]);
        let err = client(&script)
            .find_or_create_order(order())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
        assert!(err.outcome_unknown());
        assert!(
            err.details().iter().any(|d| d.contains(detail)),
            "{detail}: {:?}",
            err.details()
        );
        assert_eq!(script.requests().len(), 3);
    }
    let script = Scripted::new(vec![Step::json(409, "{}"), found("1")]);
    let err = client(&script)
        .find_or_create_order(order())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
}

#[tokio::test]
async fn find_or_create_does_not_look_up_after_a_clear_failure() {
    let script = Scripted::new(vec![Step::json(401, "{}"), found("12200")]);
    let err = client(&script)
        .find_or_create_order(order())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(script.requests().len(), 1);
}

#[test]
fn debug_never_shows_the_key() {
    let script = Scripted::new(Vec::new());
    let text = format!("{:?}", client(&script));
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{KEY}:"));
    assert!(!text.contains(KEY) && !text.contains(&encoded), "{text}");
    assert!(text.contains("sekurepay.test"), "{text}");
    let blocking = crate::blocking::SekurePayClient::new(client(&script));
    let text = format!("{blocking:?}");
    assert!(!text.contains(KEY) && !text.contains(&encoded), "{text}");
}

#[test]
fn builder_checks_key_and_base_url() {
    let build = |key: &str, url: &str| Client::builder().api_key(key).base_url(url).build();
    assert_eq!(
        Client::builder().build().unwrap_err().field(),
        Some("api_key")
    );
    for bad in ["", "a:b", "key\n", " key"] {
        assert_eq!(
            build(bad, BASE).unwrap_err().field(),
            Some("api_key"),
            "{bad:?}"
        );
    }
    assert_eq!(
        build(KEY, "http://sekurepay.test/api/v1")
            .unwrap_err()
            .kind(),
        ErrorKind::Configuration
    );
    let sandbox = build(KEY, "http://127.0.0.1:4010/sekurepay/api/v1/").unwrap();
    assert_eq!(sandbox.base_url(), "http://127.0.0.1:4010/sekurepay/api/v1");
    let default = Client::builder().api_key(KEY).build().unwrap();
    assert_eq!(default.base_url(), DEFAULT_BASE_URL);
}

#[test]
fn blocking_twin_validates_before_sending() {
    let script = Scripted::new(vec![Step::json(201, "{}")]);
    let blocking = crate::blocking::SekurePayClient::new(client(&script));
    let request = CreateOrder::from_wire_json(&fixture()).unwrap();
    assert_eq!(
        blocking.create_order(request).unwrap_err().field(),
        Some("total")
    );
    assert_eq!(script.requests().len(), 0);
    assert!(blocking.create_order(order()).is_ok());
    assert_eq!(script.requests().len(), 1);
}
