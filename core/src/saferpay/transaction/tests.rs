use std::time::Duration;

use serde_json::{Value, json};

use crate::money::Money;

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
    assert!(
        bodies
            .iter()
            .all(|b| b["RequestHeader"]["RequestId"] == bodies[0]["RequestHeader"]["RequestId"])
    );
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
