//! Saferpay JSON API: payment page, assert, capture/refund/cancel state machine, replay, notify.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use paywire_sandbox::credentials::*;
use serde_json::{Value, json};

#[tokio::test]
async fn request_header_and_auth_checks() {
    let sb = start();
    let c = client();
    let url = format!("{}/Payment/v1/Transaction/Inquire", sb.saferpay_base_url());
    let body = json!({"RequestHeader": header("hdr-1", 0), "TransactionReference": {"TransactionId": "abc"}});
    let r = c
        .post(&url)
        .basic_auth(SAFERPAY_USERNAME, Some("nope"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["ErrorName"], "AUTHENTICATION_FAILED");
    assert_eq!(v["ResponseHeader"]["RequestId"], "hdr-1");

    for bad in [
        json!({"SpecVersion": "banana", "CustomerId": SAFERPAY_CUSTOMER_ID, "RequestId": "x", "RetryIndicator": 0}),
        json!({"SpecVersion": "1.53", "CustomerId": SAFERPAY_CUSTOMER_ID, "RequestId": "x", "RetryIndicator": 10}),
        json!({"SpecVersion": "1.53", "CustomerId": SAFERPAY_CUSTOMER_ID, "RetryIndicator": 0}),
        json!({"SpecVersion": "1.53", "CustomerId": "12a", "RequestId": "x", "RetryIndicator": 0}),
    ] {
        let (s, v) = json_api(
            &c,
            &sb,
            "Transaction/Inquire",
            json!({"RequestHeader": bad, "TransactionReference": {"TransactionId": "abc"}}),
        )
        .await;
        assert_eq!(s, 400, "{v}");
        assert_eq!(v["ErrorName"], "VALIDATION_FAILED");
        assert!(v["ResponseHeader"].is_object());
    }
    let (s, v) = json_api(&c, &sb, "Transaction/Inquire", json!({"RequestHeader": {"SpecVersion": "1.53", "CustomerId": "654321", "RequestId": "x", "RetryIndicator": 0}, "TransactionReference": {"TransactionId": "abc"}})).await;
    assert_eq!(s, 401, "{v}");
    let (s, v) = json_api(
        &c,
        &sb,
        "Transaction/Inquire",
        json!({"TransactionReference": {"TransactionId": "unknown1"}}),
    )
    .await;
    assert_eq!(s, 402);
    assert_eq!(v["ErrorName"], "TRANSACTION_NOT_FOUND");
    assert_eq!(v["Behavior"], "DO_NOT_RETRY");
}

#[tokio::test]
async fn payment_page_flow_with_notifications_and_assert_errors() {
    let sb = start();
    let c = no_redirect_client();
    let listener = Listener::start().await;
    let init = initialize(&c, &sb, "pp-1", "1250", Some(&listener.url)).await;
    let token = init["Token"].as_str().unwrap().to_string();
    let redirect = init["RedirectUrl"].as_str().unwrap().to_string();
    assert_eq!(
        redirect,
        format!(
            "{}/vt2/api/PaymentPage/{SAFERPAY_CUSTOMER_ID}/{SAFERPAY_TERMINAL_ID}/{token}",
            sb.url()
        )
    );
    assert!(init["Expiration"].is_string());
    assert_eq!(init["ResponseHeader"]["SpecVersion"], "1.53");

    let (s, v) = json_api(&c, &sb, "PaymentPage/Assert", json!({"Token": token})).await;
    assert_eq!(
        (s, v["ErrorName"].as_str()),
        (402, Some("TRANSACTION_NOT_STARTED"))
    );

    let html = c.get(&redirect).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("12.50 CHF") && html.contains("id=\"pay\""));
    let (_, v) = json_api(&c, &sb, "PaymentPage/Assert", json!({"Token": token})).await;
    assert_eq!(v["ErrorName"], "TRANSACTION_IN_WRONG_STATE");

    let r = c
        .post(&redirect)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("outcome=success")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "http://127.0.0.1:9/return?order=1");
    // The RedirectUrl works once; afterwards it goes back to the shop.
    let r = c.get(&redirect).send().await.unwrap();
    assert_eq!(r.status(), 303);

    let seen = listener.wait_for(1).await;
    assert_eq!(seen[0].0, "GET");
    assert_eq!(seen[0].1, "/success");

    let (s, v) = json_api(&c, &sb, "PaymentPage/Assert", json!({"Token": token})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["Transaction"]["Type"], "PAYMENT");
    assert_eq!(v["Transaction"]["Status"], "AUTHORIZED");
    assert_eq!(
        v["Transaction"]["Amount"],
        json!({"Value": "1250", "CurrencyCode": "CHF"})
    );
    assert_eq!(v["Transaction"]["OrderId"], "pp-1");
    assert!(v["PaymentMeans"]["Brand"]["PaymentMethod"].is_string());
    assert!(v["PaymentMeans"]["Card"]["ExpYear"].is_i64());

    // Declined and aborted sessions.
    let t2 = initialize(&c, &sb, "pp-2", "100", Some(&listener.url)).await["Token"]
        .as_str()
        .unwrap()
        .to_string();
    sb.pay_payment_page(&t2, "decline").unwrap();
    let (_, v) = json_api(&c, &sb, "PaymentPage/Assert", json!({"Token": t2})).await;
    assert_eq!(v["ErrorName"], "TRANSACTION_DECLINED");
    assert_eq!(v["OrderId"], "pp-2");
    let seen = listener.wait_for(2).await;
    assert_eq!(seen[1].1, "/fail");
    let t3 = initialize(&c, &sb, "pp-3", "100", None).await["Token"]
        .as_str()
        .unwrap()
        .to_string();
    sb.pay_payment_page(&t3, "abort").unwrap();
    let (_, v) = json_api(&c, &sb, "PaymentPage/Assert", json!({"Token": t3})).await;
    assert_eq!(v["ErrorName"], "TRANSACTION_ABORTED");
    assert!(sb.pay_payment_page(&t3, "success").is_err());
    let (_, v) = json_api(
        &c,
        &sb,
        "PaymentPage/Assert",
        json!({"Token": "doesnotexist"}),
    )
    .await;
    assert_eq!(v["ErrorName"], "TOKEN_INVALID");
    // Session expiry via the clock.
    let t4 = initialize(&c, &sb, "pp-4", "100", None).await["Token"]
        .as_str()
        .unwrap()
        .to_string();
    sb.advance_clock(2 * 3600);
    assert!(sb.pay_payment_page(&t4, "success").is_err());
    let (_, v) = json_api(&c, &sb, "PaymentPage/Assert", json!({"Token": t4})).await;
    assert_eq!(v["ErrorName"], "TRANSACTION_ABORTED");
    sb.advance_clock(25 * 3600);
    let (_, v) = json_api(&c, &sb, "PaymentPage/Assert", json!({"Token": token})).await;
    assert_eq!(v["ErrorName"], "TOKEN_EXPIRED");

    // Initialize validation.
    let (s, v) = json_api(&c, &sb, "PaymentPage/Initialize", json!({"TerminalId": "123", "Payment": {"Amount": {"Value": "0", "CurrencyCode": "CHF"}}, "ReturnUrl": {"Url": "ftp://x"}})).await;
    assert_eq!(s, 400);
    let d = v["ErrorDetail"].to_string();
    for f in [
        "TerminalId",
        "Payment.Amount.Value",
        "Payment.Description",
        "ReturnUrl.Url",
    ] {
        assert!(d.contains(f), "{f}: {d}");
    }
}

#[tokio::test]
async fn capture_refund_cancel_state_machine() {
    let sb = start();
    let c = client();
    let tx = authorized_tx(&c, &sb, "sm-1", "1000").await;
    let capture = |amount: Option<&str>, tx: &str| {
        let mut b = json!({"TransactionReference": {"TransactionId": tx}});
        if let Some(a) = amount {
            b["Amount"] = json!({"Value": a, "CurrencyCode": "CHF"});
        }
        b
    };
    let (s, v) = json_api(&c, &sb, "Transaction/Capture", capture(Some("1001"), &tx)).await;
    assert_eq!((s, v["ErrorName"].as_str()), (402, Some("AMOUNT_INVALID")));
    let (s, v) = json_api(&c, &sb, "Transaction/Capture", capture(Some("600"), &tx)).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["Status"], "CAPTURED");
    let capture_id = v["CaptureId"].as_str().unwrap().to_string();
    assert_ne!(capture_id, tx);
    let (s, v) = json_api(&c, &sb, "Transaction/Capture", capture(None, &tx)).await;
    assert_eq!(
        (s, v["ErrorName"].as_str()),
        (402, Some("TRANSACTION_ALREADY_CAPTURED"))
    );
    assert_eq!(sb.stats()["duplicates"]["captures"], 1);

    let (_, v) = json_api(
        &c,
        &sb,
        "Transaction/Inquire",
        json!({"TransactionReference": {"OrderId": "sm-1"}}),
    )
    .await;
    assert_eq!(v["Transaction"]["Status"], "CAPTURED");
    assert_eq!(v["Transaction"]["CaptureId"], capture_id.as_str());
    let (s, v) = json_api(
        &c,
        &sb,
        "Transaction/AssertCapture",
        json!({"CaptureReference": {"CaptureId": capture_id}}),
    )
    .await;
    assert_eq!((s, v["Status"].as_str()), (200, Some("CAPTURED")));

    // Refund needs CaptureReference; a refund is a new AUTHORIZED REFUND transaction.
    let (s, v) = json_api(&c, &sb, "Transaction/Refund", json!({"Refund": {"Amount": {"Value": "100", "CurrencyCode": "CHF"}}, "TransactionReference": {"TransactionId": tx}})).await;
    assert_eq!(s, 400, "{v}");
    let refund_body = json!({"Refund": {"Amount": {"Value": "200", "CurrencyCode": "CHF"}, "OrderId": "refund-1"}, "CaptureReference": {"CaptureId": capture_id}});
    let (s, v) = json_api(&c, &sb, "Transaction/Refund", refund_body.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["Transaction"]["Type"], "REFUND");
    assert_eq!(v["Transaction"]["Status"], "AUTHORIZED");
    let refund = v["Transaction"]["Id"].as_str().unwrap().to_string();
    assert_ne!(refund, tx);
    let (_, v) = json_api(
        &c,
        &sb,
        "Transaction/AssertRefund",
        json!({"TransactionReference": {"TransactionId": refund}}),
    )
    .await;
    assert_eq!(v["ErrorName"], "TRANSACTION_IN_WRONG_STATE");
    let (s, v) = json_api(&c, &sb, "Transaction/Capture", capture(None, &refund)).await;
    assert_eq!((s, v["Status"].as_str()), (200, Some("CAPTURED")), "{v}");
    let (s, v) = json_api(
        &c,
        &sb,
        "Transaction/AssertRefund",
        json!({"TransactionReference": {"TransactionId": refund}}),
    )
    .await;
    assert_eq!((s, v["Status"].as_str()), (200, Some("CAPTURED")), "{v}");
    // The same refund again from a new request: a logical duplicate.
    let (s, v) = json_api(&c, &sb, "Transaction/Refund", refund_body).await;
    assert_eq!(s, 200, "{v}");
    let second_refund = v["Transaction"]["Id"].as_str().unwrap().to_string();
    assert_eq!(sb.stats()["duplicates"]["refunds"], 1);
    let (s, _) = json_api(
        &c,
        &sb,
        "Transaction/Cancel",
        json!({"TransactionReference": {"TransactionId": second_refund}}),
    )
    .await;
    assert_eq!(s, 200);
    // Restricted refund above the captured amount.
    let (s, v) = json_api(&c, &sb, "Transaction/Refund", json!({"Refund": {"Amount": {"Value": "500", "CurrencyCode": "CHF"}, "RestrictRefundAmountToCapturedAmount": true}, "CaptureReference": {"CaptureId": capture_id}})).await;
    assert_eq!(
        (s, v["ErrorName"].as_str()),
        (402, Some("AMOUNT_INVALID")),
        "{v}"
    );

    // Cancel an authorized payment; cancel again → wrong state; capture a canceled → wrong state.
    let tx2 = authorized_tx(&c, &sb, "sm-2", "500").await;
    let (s, v) = json_api(
        &c,
        &sb,
        "Transaction/Cancel",
        json!({"TransactionReference": {"TransactionId": tx2}}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["TransactionId"], tx2.as_str());
    assert_eq!(v["OrderId"], "sm-2");
    let (_, v) = json_api(
        &c,
        &sb,
        "Transaction/Cancel",
        json!({"TransactionReference": {"TransactionId": tx2}}),
    )
    .await;
    assert_eq!(v["ErrorName"], "TRANSACTION_IN_WRONG_STATE");
    let (_, v) = json_api(&c, &sb, "Transaction/Capture", capture(None, &tx2)).await;
    assert_eq!(v["ErrorName"], "TRANSACTION_IN_WRONG_STATE");
    let (_, v) = json_api(
        &c,
        &sb,
        "Transaction/Inquire",
        json!({"TransactionReference": {"TransactionId": tx2}}),
    )
    .await;
    assert_eq!(v["Transaction"]["Status"], "CANCELED");

    // A captured payment can be cancelled the same day, not after the daily closing.
    let tx3 = authorized_tx(&c, &sb, "sm-3", "500").await;
    json_api(&c, &sb, "Transaction/Capture", capture(None, &tx3)).await;
    sb.advance_clock(86_400);
    let (_, v) = json_api(
        &c,
        &sb,
        "Transaction/Cancel",
        json!({"TransactionReference": {"TransactionId": tx3}}),
    )
    .await;
    assert_eq!(v["ErrorName"], "TRANSACTION_IN_WRONG_STATE");

    // Multipart captures.
    let tx4 = authorized_tx(&c, &sb, "sm-4", "1000").await;
    let part = |id: &str, amount: &str, kind: &str| json!({"TransactionReference": {"TransactionId": tx4}, "Amount": {"Value": amount, "CurrencyCode": "CHF"}, "Type": kind, "OrderPartId": id});
    let (s, v) = json_api(
        &c,
        &sb,
        "Transaction/MultipartCapture",
        part("p1", "300", "PARTIAL"),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = json_api(
        &c,
        &sb,
        "Transaction/MultipartCapture",
        part("p2", "800", "PARTIAL"),
    )
    .await;
    assert_eq!(v["ErrorName"], "AMOUNT_INVALID");
    let (_, v) = json_api(&c, &sb, "Transaction/Capture", capture(None, &tx4)).await;
    assert_eq!(v["ErrorName"], "TRANSACTION_IN_WRONG_STATE");
    let (s, _) = json_api(
        &c,
        &sb,
        "Transaction/MultipartCapture",
        part("p3", "200", "FINAL"),
    )
    .await;
    assert_eq!(s, 200);
    let (_, v) = json_api(
        &c,
        &sb,
        "Transaction/MultipartCapture",
        part("p4", "100", "PARTIAL"),
    )
    .await;
    assert_eq!(v["ErrorName"], "TRANSACTION_IN_WRONG_STATE");
    let (s, v) = json_api(&c, &sb, "Transaction/Refund", json!({"Refund": {"Amount": {"Value": "100", "CurrencyCode": "CHF"}}, "CaptureReference": {"OrderPartId": "p1"}})).await;
    assert_eq!(s, 200, "{v}");
}

#[tokio::test]
async fn request_id_replay_returns_first_response() {
    let sb = start();
    let c = client();
    let tx = authorized_tx(&c, &sb, "rp-1", "700").await;
    let body = |retry: u8| json!({"RequestHeader": header("capture-once", retry), "TransactionReference": {"TransactionId": tx}});
    let (s1, v1) = json_api(&c, &sb, "Transaction/Capture", body(0)).await;
    let (s2, v2) = json_api(&c, &sb, "Transaction/Capture", body(1)).await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(v1, v2);
    let stats = sb.stats();
    assert_eq!(stats["effects"]["captures"], 1);
    assert_eq!(stats["effects"]["replays"], 1);
    assert_eq!(stats["duplicates"]["captures"], 0);
    // Same id without raising RetryIndicator: replayed, but flagged.
    let (_, v3) = json_api(&c, &sb, "Transaction/Capture", body(1)).await;
    assert_eq!(v1, v3);
    assert_eq!(
        sb.stats()["duplicates"]["retry_indicator_not_incremented"],
        1
    );
    // Same id for another operation: refused.
    let (s, v) = json_api(&c, &sb, "Transaction/Inquire", body(2)).await;
    assert_eq!(s, 400, "{v}");
}

#[tokio::test]
async fn with_replay_off_a_repeated_request_is_executed_again() {
    let sb = start_with(paywire_sandbox::SandboxOptions {
        request_id_replay: false,
        ..paywire_sandbox::SandboxOptions::default()
    });
    assert!(!sb.request_id_replay());
    let c = client();
    let tx = authorized_tx(&c, &sb, "rp-off-1", "700").await;
    let (s, v) = json_api(&c, &sb, "PaymentPage/Assert", json!({"Token": "nope"})).await;
    assert_eq!(s, 402, "{v}");
    let (_, capture) = json_api(
        &c,
        &sb,
        "Transaction/Capture",
        json!({"TransactionReference": {"TransactionId": tx}}),
    )
    .await;
    let capture_id = capture["CaptureId"].as_str().unwrap().to_owned();
    let refund = |retry: u8| {
        json!({"RequestHeader": header("refund-twice", retry),
               "Refund": {"Amount": {"Value": "100", "CurrencyCode": "CHF"}, "OrderId": "rf-1"},
               "CaptureReference": {"CaptureId": capture_id}})
    };
    let (s1, v1) = json_api(&c, &sb, "Transaction/Refund", refund(0)).await;
    let (s2, v2) = json_api(&c, &sb, "Transaction/Refund", refund(1)).await;
    assert_eq!((s1, s2), (200, 200));
    assert_ne!(
        v1["Transaction"]["Id"], v2["Transaction"]["Id"],
        "executed again: a second refund"
    );
    let stats = sb.stats();
    assert_eq!(stats["effects"]["refunds"], 2);
    assert_eq!(stats["effects"]["replays"], 0);
    assert_eq!(stats["executed_duplicates"]["refunds"], 1);
    assert_eq!(stats["effects"]["authorizations"], 1);
    // A repeated capture is executed again too, and the state check refuses it.
    let (s, v) = json_api(
        &c,
        &sb,
        "Transaction/Capture",
        json!({"TransactionReference": {"TransactionId": tx}}),
    )
    .await;
    assert_eq!(
        (s, v["ErrorName"].as_str()),
        (402, Some("TRANSACTION_ALREADY_CAPTURED"))
    );
    assert_eq!(sb.stats()["executed_duplicates"]["captures"], 0);

    // Switched on at run time (admin endpoint): the repeat gets the first answer back.
    let admin = format!("{}/_sandbox/replay", sb.url());
    let r: Value = c
        .post(&admin)
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["request_id_replay"], true);
    let now: Value = c.get(&admin).send().await.unwrap().json().await.unwrap();
    assert_eq!(now["request_id_replay"], true);
    assert!(sb.request_id_replay());
    let replayed = |retry: u8| {
        json!({"RequestHeader": header("refund-once", retry),
               "Refund": {"Amount": {"Value": "50", "CurrencyCode": "CHF"}, "OrderId": "rf-2"},
               "CaptureReference": {"CaptureId": capture["CaptureId"]}})
    };
    let (_, a) = json_api(&c, &sb, "Transaction/Refund", replayed(0)).await;
    let (_, b) = json_api(&c, &sb, "Transaction/Refund", replayed(1)).await;
    assert_eq!(a, b);
    assert_eq!(sb.stats()["effects"]["refunds"], 3);
    assert_eq!(sb.stats()["effects"]["replays"], 1);
    // And off again through the configuration.
    sb.set_config(paywire_sandbox::SandboxConfig {
        request_id_replay: Some(false),
        ..Default::default()
    })
    .unwrap();
    assert!(!sb.config().request_id_replay);
    let r = c
        .post(&admin)
        .json(&json!({"enabled": "yes"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}
