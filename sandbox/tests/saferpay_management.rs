//! Saferpay Management API: auth, headers, validation, offer lifecycle, account, replay, pages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use paywire_sandbox::SandboxConfig;
use paywire_sandbox::credentials::*;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn auth_and_header_failures() {
    let sb = start();
    let c = client();
    let url = format!(
        "{}/rest/customers/{SAFERPAY_CUSTOMER_ID}/license",
        sb.saferpay_base_url()
    );

    let r = c
        .get(&url)
        .basic_auth(SAFERPAY_USERNAME, Some("wrong"))
        .header("Saferpay-ApiVersion", "1.53")
        .header("Saferpay-RequestId", "a1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["ErrorName"], "AUTHENTICATION_FAILED");
    assert!(v["Behavior"].is_string());

    let r = c
        .get(&url)
        .header("Saferpay-ApiVersion", "1.53")
        .header("Saferpay-RequestId", "a2")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let other = format!("{}/rest/customers/999999/license", sb.saferpay_base_url());
    let r = c
        .get(&other)
        .basic_auth(SAFERPAY_USERNAME, Some(SAFERPAY_PASSWORD))
        .header("Saferpay-ApiVersion", "1.53")
        .header("Saferpay-RequestId", "a3")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    for (version, rid) in [
        (None, Some("a4")),
        (Some("garbage"), Some("a5")),
        (Some("1.53"), None),
        (Some("1.53"), Some("bad id with spaces")),
    ] {
        let mut b = c
            .get(&url)
            .basic_auth(SAFERPAY_USERNAME, Some(SAFERPAY_PASSWORD));
        if let Some(v) = version {
            b = b.header("Saferpay-ApiVersion", v);
        }
        if let Some(r) = rid {
            b = b.header("Saferpay-RequestId", r);
        }
        let r = b.send().await.unwrap();
        assert_eq!(r.status(), 400, "{version:?} {rid:?}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["ErrorName"], "VALIDATION_FAILED");
        assert!(
            v["ErrorDetail"][0]
                .as_str()
                .unwrap()
                .starts_with("Saferpay-"),
            "{v}"
        );
    }

    // Reporting needs at least 1.48.
    let r = c
        .get(format!("{}/rest/customers/{SAFERPAY_CUSTOMER_ID}/transactions?StartDate=2020-01-01&EndDate=2020-01-02", sb.saferpay_base_url()))
        .basic_auth(SAFERPAY_USERNAME, Some(SAFERPAY_PASSWORD))
        .header("Saferpay-ApiVersion", "1.14")
        .header("Saferpay-RequestId", "a6")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let r = mgmt(&c, Method::GET, &sb, "/license").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert!(v["Package"]["Id"].is_string() && v["Features"].is_array());
}

#[tokio::test]
async fn offer_validation_errors_name_the_fields() {
    let sb = start();
    let c = client();
    let path = format!("/terminals/{SAFERPAY_TERMINAL_ID}/spg-offers");
    // The documentation's own example: no Description, expiration in the past.
    let fixture = json!({
        "Payment": {"Amount": {"Value": "404", "CurrencyCode": "CHF"}, "OrderId": "094c2a7ce1374f7ca184591f123b154d", "Options": {"PreAuth": true}},
        "ExpirationDate": "2020-04-23T00:00:00+02:00",
        "Payer": {"LanguageCode": "de"}
    });
    let r = mgmt(&c, Method::POST, &sb, &path)
        .json(&fixture)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["ErrorName"], "VALIDATION_FAILED");
    assert_eq!(v["Behavior"], "DO_NOT_RETRY");
    let details = v["ErrorDetail"].to_string();
    assert!(details.contains("Payment.Description"), "{details}");
    assert!(details.contains("ExpirationDate"), "{details}");

    let mut bad = offer_body(&sb, "order 1", "04.00");
    bad["MaxPaymentAttempts"] = json!(2);
    bad["Payment"]["Amount"]["CurrencyCode"] = json!("XYZ");
    bad["Payment"]["Description"] = json!("x".repeat(101));
    bad["ExpirationDate"] = json!(expiration_in(&sb, 24 * 181));
    let r = mgmt(&c, Method::POST, &sb, &path)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let details = r.json::<Value>().await.unwrap()["ErrorDetail"].to_string();
    for field in [
        "Payment.OrderId",
        "Payment.Amount.Value",
        "Payment.Amount.CurrencyCode",
        "Payment.Description",
        "MaxPaymentAttempts",
        "ExpirationDate",
    ] {
        assert!(details.contains(field), "{field} missing in {details}");
    }

    // Amount as a JSON number is rejected; less than an hour ahead is rejected.
    let mut bad = offer_body(&sb, "o-2", "100");
    bad["Payment"]["Amount"]["Value"] = json!(100);
    bad["ExpirationDate"] = json!(expiration_in(&sb, 0));
    let r = mgmt(&c, Method::POST, &sb, &path)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(sb.stats()["effects"]["offers_created"], 0);
}

#[tokio::test]
async fn offer_lifecycle_pay_delete_and_expiry() {
    let sb = start();
    let c = client();
    let path = format!("/terminals/{SAFERPAY_TERMINAL_ID}/spg-offers");
    let created = create_offer(&c, &sb, "order-1").await;
    let id = created["OfferId"].as_str().unwrap().to_string();
    assert_eq!(
        created["PaymentLink"],
        format!(
            "{}/SecurePayGate/Payment/{SAFERPAY_CUSTOMER_ID}/{SAFERPAY_TERMINAL_ID}/{id}",
            sb.url()
        )
    );

    let get = |id: String| {
        let c = c.clone();
        let url = format!("{path}/{id}");
        let sb = &sb;
        async move { mgmt(&c, Method::GET, sb, &url).send().await.unwrap() }
    };
    let v: Value = get(id.clone()).await.json().await.unwrap();
    assert_eq!(v["Status"], "OPEN");
    assert_eq!(v["Payment"]["Amount"]["Value"], "404");
    assert_eq!(v["Payment"]["Description"], "Invoice 4711");
    assert!(v.get("TransactionId").is_none());

    let paid = sb.pay_offer(&id, "success").unwrap();
    let token = paid["payment_page_token"].as_str().unwrap().to_string();
    let v: Value = get(id.clone()).await.json().await.unwrap();
    assert_eq!(v["Status"], "PAID");
    assert_eq!(v["TransactionId"], paid["transaction_id"]);
    // The paid offer's payment page token asserts like a normal payment page.
    let (s, a) = json_api(&c, &sb, "PaymentPage/Assert", json!({"Token": token})).await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["Transaction"]["Id"], paid["transaction_id"]);
    assert!(sb.pay_offer(&id, "success").is_err());
    // A paid offer cannot be deleted.
    let r = mgmt(&c, Method::DELETE, &sb, &format!("{path}/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 402);

    // Delete → DISABLED, empty 200 body.
    let id2 = create_offer(&c, &sb, "order-2").await["OfferId"]
        .as_str()
        .unwrap()
        .to_string();
    let r = mgmt(&c, Method::DELETE, &sb, &format!("{path}/{id2}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().is_empty());
    let v: Value = get(id2.clone()).await.json().await.unwrap();
    assert_eq!(v["Status"], "DISABLED");

    // Expiry through the sandbox clock.
    let id3 = create_offer(&c, &sb, "order-3").await["OfferId"]
        .as_str()
        .unwrap()
        .to_string();
    sb.advance_clock(49 * 3600);
    let v: Value = get(id3.clone()).await.json().await.unwrap();
    assert_eq!(v["Status"], "EXPIRED");
    assert!(matches!(
        sb.pay_offer(&id3, "success"),
        Err(paywire_sandbox::SandboxError::InvalidState(_))
    ));

    let r = get("00000000-0000-4000-8000-000000000000".into()).await;
    assert_eq!(r.status(), 404);
    assert!(matches!(
        sb.pay_offer("nope", "success"),
        Err(paywire_sandbox::SandboxError::UnknownOffer(_))
    ));
    assert!(matches!(
        sb.pay_offer(&id3, "maybe"),
        Err(paywire_sandbox::SandboxError::BadOutcome { .. })
    ));
}

#[tokio::test]
async fn offer_request_id_replay_and_duplicates() {
    let sb = start();
    let c = client();
    let path = format!("/terminals/{SAFERPAY_TERMINAL_ID}/spg-offers");
    let body = offer_body(&sb, "order-r", "100");
    let send = |rid: &str| {
        mgmt_rid(&c, Method::POST, &sb, &path, rid)
            .json(&body)
            .send()
    };
    let a: Value = send("same-1").await.unwrap().json().await.unwrap();
    let b: Value = send("same-1").await.unwrap().json().await.unwrap();
    assert_eq!(a["OfferId"], b["OfferId"]);
    let stats = sb.stats();
    assert_eq!(stats["effects"]["offers_created"], 1);
    assert_eq!(stats["effects"]["replays"], 1);
    // A new request id for the same order is a new offer, counted as a logical duplicate.
    let c2: Value = send("other-2").await.unwrap().json().await.unwrap();
    assert_ne!(a["OfferId"], c2["OfferId"]);
    assert_eq!(sb.stats()["duplicates"]["offers"], 1);
    // Reusing a request id for a different request is refused.
    let mut other = body.clone();
    other["Payment"]["OrderId"] = json!("something-else");
    let r = mgmt_rid(&c, Method::POST, &sb, &path, "same-1")
        .json(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn account_terminals_fields_tokens_configurations() {
    let sb = start();
    let c = client();
    let v: Value = mgmt(&c, Method::GET, &sb, "/terminals")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        v["Terminals"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["TerminalId"] == SAFERPAY_TERMINAL_ID)
    );
    let v: Value = mgmt(
        &c,
        Method::GET,
        &sb,
        &format!("/terminals/{SAFERPAY_TERMINAL_ID}"),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(v["Type"], "ECOM");
    assert!(v["PaymentMethods"].as_array().unwrap().len() > 1);
    let r = mgmt(&c, Method::GET, &sb, "/terminals/12345678")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<Value>().await.unwrap()["Behavior"], "DO_NOT_RETRY");
    let r = mgmt(
        &c,
        Method::GET,
        &sb,
        &format!("/terminals/{SAFERPAY_TERMINAL_ID}/payment-methods"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = mgmt(&c, Method::GET, &sb, "/license-configuration")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(v["Package"].is_object());
    let v: Value = mgmt(&c, Method::GET, &sb, "/payment-page/configurations")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["Configurations"][0]["isDefault"], true);

    let fields = format!("/terminals/{SAFERPAY_TERMINAL_ID}/fields-access-tokens");
    let r = mgmt(&c, Method::POST, &sb, &fields)
        .json(&json!({"SourceUrls": ["http://shop.example/"], "Description": "x".repeat(129)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let details = r.json::<Value>().await.unwrap()["ErrorDetail"].to_string();
    assert!(
        details.contains("SourceUrls") && details.contains("Description"),
        "{details}"
    );
    let v: Value = mgmt(&c, Method::POST, &sb, &fields)
        .json(&json!({"SourceUrls": ["https://a.shop.example/"], "Description": "Fields"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = v["AccessToken"].as_str().unwrap();
    let r = mgmt(&c, Method::DELETE, &sb, &format!("{fields}/{token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = mgmt(&c, Method::DELETE, &sb, &format!("{fields}/{token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn offer_page_buttons_redirect_and_spg_notification() {
    let sb = start();
    let c = no_redirect_client();
    let listener = Listener::start().await;
    sb.set_config(SandboxConfig {
        spg_success_notify_url: Some(format!(
            "{}/spg-notify?token={{{{{{PAYMENTPAGETOKEN}}}}}}",
            listener.url
        )),
        spg_success_url: Some("http://127.0.0.1:9/shop/success?t={{{PAYMENTPAGETOKEN}}}".into()),
        ..Default::default()
    })
    .unwrap();
    let offer = create_offer(&c, &sb, "page-1").await;
    let link = offer["PaymentLink"].as_str().unwrap();
    let html = c.get(link).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("id=\"pay\"")
            && html.contains("id=\"decline\"")
            && html.contains("id=\"abort\"")
    );
    assert!(html.contains("4.04 CHF") && html.contains("Invoice 4711"));

    let r = c
        .post(link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("outcome=decline")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = c
        .post(link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("outcome=success")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let token = location.rsplit("t=").next().unwrap().to_string();
    assert!(location.starts_with("http://127.0.0.1:9/shop/success?t=") && token.len() > 10);

    let seen = listener.wait_for(1).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].0, "GET");
    assert_eq!(seen[0].1, format!("/spg-notify?token={token}"));
    let (s, a) = json_api(&c, &sb, "PaymentPage/Assert", json!({"Token": token})).await;
    assert_eq!(s, 200, "{a}");
    let html = c.get(link).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("PAID") && !html.contains("id=\"pay\""));
    let stats = sb.stats();
    assert_eq!(stats["effects"]["offers_paid"], 1);
    assert_eq!(stats["effects"]["offers_declined"], 1);
}
