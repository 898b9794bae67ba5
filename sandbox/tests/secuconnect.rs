//! secuconnect: OAuth errors, token expiry, device flow, smart transactions, checkout + push.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use paywire_sandbox::credentials::*;
use serde_json::{Value, json};

async fn token_call(
    c: &reqwest::Client,
    sb: &paywire_sandbox::Sandbox,
    body: Value,
) -> (u16, Value) {
    let r = c
        .post(format!("{}/oauth/token", sb.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap())
}

#[tokio::test]
async fn oauth_errors_and_form_encoding() {
    let sb = start();
    let c = client();
    let (s, v) = token_call(&c, &sb, json!({"client_id": SECUCONNECT_CLIENT_ID})).await;
    assert_eq!((s, v["error"].as_str()), (400, Some("invalid_request")));
    let (s, v) = token_call(&c, &sb, json!({"grant_type": "foo", "client_id": SECUCONNECT_CLIENT_ID, "client_secret": SECUCONNECT_CLIENT_SECRET})).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    assert_eq!(v["error_description"], "Grant type \"foo\" not supported");
    let (s, v) = token_call(&c, &sb, json!({"grant_type": "client_credentials"})).await;
    assert_eq!((s, v["error"].as_str()), (400, Some("invalid_client")));
    let (s, v) = token_call(&c, &sb, json!({"grant_type": "client_credentials", "client_id": SECUCONNECT_CLIENT_ID, "client_secret": "wrong"})).await;
    assert_eq!(
        (s, v["error_description"].as_str()),
        (400, Some("The client credentials are invalid"))
    );

    let form = format!(
        "grant_type=client_credentials&client_id={SECUCONNECT_CLIENT_ID}&client_secret={SECUCONNECT_CLIENT_SECRET}"
    );
    let r = c
        .post(format!("{}/oauth/token", sb.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["token_type"], "bearer");
    assert_eq!(v["expires_in"], 1200);
    assert_eq!(v["scope"], "https://scope.secucard.com/e/api");
    assert!(v.get("refresh_token").is_none());
    assert_eq!(sb.stats()["effects"]["token_requests"], 5);
}

#[tokio::test]
async fn token_expiry_answers_403_2003() {
    let sb = start();
    let c = client();
    let url = format!("{}/api/v2/Smart/Transactions", sb.url());
    let r = c.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = c.get(&url).bearer_auth("made-up").send().await.unwrap();
    assert_eq!(r.status(), 403);

    let token = secu_token(&c, &sb).await;
    assert_eq!(
        c.get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    sb.expire_tokens();
    let r = c.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        r.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "error");
    assert_eq!(v["error"], "ProductNotAllowedException");
    assert_eq!(v["error_details"], "Valid auth token required");
    assert_eq!(v["code"], 2003);
    assert_eq!(v["supportId"].as_str().unwrap().len(), 32);

    let token = secu_token(&c, &sb).await;
    sb.advance_clock(1199);
    assert_eq!(
        c.get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    sb.advance_clock(2);
    assert_eq!(
        c.get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

#[tokio::test]
async fn device_flow_and_refresh() {
    let sb = start();
    let c = client();
    let creds = json!({"grant_type": "device", "client_id": SECUCONNECT_CLIENT_ID, "client_secret": SECUCONNECT_CLIENT_SECRET});
    let mut reg = creds.clone();
    reg["uuid"] = json!("/vendor/unknown/cashier/dotnettest1");
    let (s, dev) = token_call(&c, &sb, reg).await;
    assert_eq!(s, 200, "{dev}");
    assert_eq!(dev["expires_in"], 1200);
    assert!(dev["interval"].is_u64());
    assert!(
        dev["verification_url"]
            .as_str()
            .unwrap()
            .starts_with("http://")
    );
    let mut poll = creds.clone();
    poll["code"] = dev["device_code"].clone();
    let (s, v) = token_call(&c, &sb, poll.clone()).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (400, Some("authorization_pending"))
    );
    let (s, v) = token_call(&c, &sb, creds.clone()).await;
    assert_eq!((s, v["error"].as_str()), (400, Some("invalid_request")));

    assert!(sb.approve_device("zzzzzzzz").is_err());
    sb.approve_device(dev["user_code"].as_str().unwrap())
        .unwrap();
    let (s, tok) = token_call(&c, &sb, poll.clone()).await;
    assert_eq!(s, 200, "{tok}");
    assert!(tok["scope"].is_null());
    let access = tok["access_token"].as_str().unwrap().to_string();
    let refresh = tok["refresh_token"].as_str().unwrap().to_string();
    let url = format!("{}/api/v2/Smart/Transactions", sb.url());
    assert_eq!(
        c.get(&url)
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    sb.expire_tokens();
    let mut rb = creds.clone();
    rb["grant_type"] = json!("refresh_token");
    rb["refresh_token"] = json!(refresh);
    let (s, v) = token_call(&c, &sb, rb.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert!(v.get("refresh_token").is_none());
    let access2 = v["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        c.get(&url)
            .bearer_auth(&access2)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // One access token per device session: a newer one revokes the older.
    let (_, v) = token_call(&c, &sb, rb.clone()).await;
    let access3 = v["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        c.get(&url)
            .bearer_auth(&access2)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        c.get(&url)
            .bearer_auth(&access3)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    rb["refresh_token"] = json!("unknown");
    let (s, v) = token_call(&c, &sb, rb).await;
    assert_eq!((s, v["error"].as_str()), (400, Some("invalid_grant")));

    // Device approval over HTTP (admin endpoint and the verification page).
    let mut reg = creds.clone();
    reg["uuid"] = json!("/vendor/x/2");
    let (_, dev2) = token_call(&c, &sb, reg).await;
    let r = c
        .post(format!("{}/_sandbox/device/approve", sb.url()))
        .json(&json!({"user_code": dev2["user_code"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = c
        .get(format!("{}/device", sb.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"user_code\"") && page.contains("id=\"approve\""));
    let mut reg = creds.clone();
    reg["uuid"] = json!("/invalid/device");
    let (s, v) = token_call(&c, &sb, reg).await;
    assert_eq!((s, v["error"].as_str()), (401, Some("invalid_device")));
}

#[tokio::test]
async fn smart_transaction_checkout_and_push() {
    let sb = start();
    let c = no_redirect_client();
    let token = secu_token(&c, &sb).await;
    let listener = Listener::start().await;
    let api = format!("{}/api/v2", sb.url());
    let body = json!({
        "is_demo": true,
        "contract": {"id": SECUCONNECT_CONTRACT_ID},
        "customer": {"contact": {"forename": "Max", "surname": "Mustermann", "email": "max@example.net"}},
        "intent": "sale",
        "merchantRef": "order-42",
        "basket_info": {"sum": 500, "currency": "EUR"},
        "application_context": {"return_urls": {
            "url_success": "http://127.0.0.1:9/success", "url_error": "http://127.0.0.1:9/error",
            "url_push": format!("{}/push?order=42", listener.url)}},
        "payment_context": {"auto_capture": true}
    });
    let r = c
        .post(format!("{api}/Smart/Transactions"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let stx: Value = r.json().await.unwrap();
    let id = stx["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("STX_"));
    assert_eq!(stx["object"], "smart.transactions");
    assert_eq!(stx["status"], "created");
    assert_eq!(stx["customer"]["object"], "payment.customers");
    assert_eq!(
        stx["payment_links"]["general"],
        format!("{}/checkout/{id}", sb.url())
    );

    let link = stx["payment_links"]["general"].as_str().unwrap();
    let html = c.get(link).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("5.00 EUR") && html.contains("id=\"pay\"") && html.contains("id=\"fail\"")
    );
    let r = c
        .post(link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("outcome=success")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "http://127.0.0.1:9/success");

    let seen = listener.wait_for(1).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0, "POST");
    assert_eq!(seen[0].1, "/push?order=42");
    let push: Value = serde_json::from_str(&seen[0].2).unwrap();
    assert_eq!(push["object"], "event.pushes");
    assert_eq!(push["target"], "payment.transactions");
    assert!(push["id"].as_str().unwrap().starts_with("evt_"));
    let pci = push["data"][0]["id"].as_str().unwrap().to_string();
    assert!(pci.starts_with("PCI_"));

    let v: Value = c
        .get(format!("{api}/Smart/Transactions/{id}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["transactions"][0]["id"], pci.as_str());
    let p: Value = c
        .get(format!("{api}/Payment/Transactions/{pci}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(p["amount"], 500);
    assert_eq!(p["details"]["status_simple"], 1);

    // Partial refund, then check status.
    let r = c
        .post(format!("{api}/Payment/Transactions/{pci}/cancel"))
        .bearer_auth(&token)
        .json(&json!({"reduce_amount_by": 200}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let arr: Value = r.json().await.unwrap();
    assert_eq!(arr.as_array().unwrap().len(), 2);
    let v: Value = c
        .get(format!("{api}/Payment/Transactions/{pci}/checkStatus"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["amount"], 300);
    let r = c
        .post(format!("{api}/Payment/Transactions/{pci}/cancel"))
        .bearer_auth(&token)
        .json(&json!({"reduce_amount_by": 301}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    listener.wait_for(3).await;

    // Failure through the Rust API; completing twice is refused.
    let r = c
        .post(format!("{api}/Smart/Transactions"))
        .bearer_auth(&token)
        .json(&json!({"basket_info": {"sum": 100, "currency": "EUR"}, "merchantRef": "order-42"}))
        .send()
        .await
        .unwrap();
    let id2 = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(sb.stats()["duplicates"]["smart_transactions"], 1);
    let v = sb.complete_smart_transaction(&id2, "failure").unwrap();
    assert_eq!(v["status"], "failed");
    assert!(sb.complete_smart_transaction(&id2, "success").is_err());
    assert!(
        sb.complete_smart_transaction("STX_NOPE", "success")
            .is_err()
    );
}

#[tokio::test]
async fn smart_transaction_lifecycle_list_and_errors() {
    let sb = start();
    let c = client();
    let token = secu_token(&c, &sb).await;
    let api = format!("{}/api/v2/Smart/Transactions", sb.url());
    let create = |b: Value| c.post(&api).bearer_auth(&token).json(&b).send();

    // Validation and unknown ids.
    let r = create(json!({"intent": "sale"})).await.unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "error");
    assert!(v["error_details"].as_str().unwrap().contains("basket_info"));
    let r = create(json!({"basket_info": {"sum": 4000}, "basket": {"products": [{"id": 0, "desc": "pen", "priceOne": 1595, "tax": 19, "quantity": 2}]}})).await.unwrap();
    assert_eq!(r.status(), 400);
    let r = c
        .get(format!("{api}/STX_UNKNOWN"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // Order with basket (documented example) → prepare debit → start → setDelivery.
    let order = json!({
        "is_demo": true, "intent": "order", "merchantRef": "o-1",
        "basket": {"products": [
            {"id": 0, "desc": "ACME ball pen Modern Line 8050", "priceOne": 1595, "tax": 19, "quantity": 2},
            {"id": 1, "desc": "ACME pen case Modern Line", "priceOne": 1795, "tax": 19, "quantity": 1}]},
        "basket_info": {"sum": 4985}
    });
    let stx: Value = create(order).await.unwrap().json().await.unwrap();
    assert_eq!(stx["basket_info"]["currency"], "EUR");
    assert_eq!(stx["basket"]["type"], "default");
    let id = stx["id"].as_str().unwrap();
    let r = c
        .post(format!("{api}/{id}/prepare/debit"))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = c.post(format!("{api}/{id}/prepare/debit")).bearer_auth(&token)
        .json(&json!({"container": {"type": "bank_account", "private": {"owner": "Max Mustermann", "iban": "DE35500105175418493188"}}}))
        .send().await.unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "approved");
    assert_eq!(v["container"]["type"], "bank_account");
    // Prepared but not started: still open to changes (the API allows them until start).
    let r = c
        .put(format!("{api}/{id}"))
        .bearer_auth(&token)
        .json(&json!({"transactionRef": "prepared, not started"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = c
        .post(format!("{api}/{id}/start"))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "received");
    let r = c
        .put(format!("{api}/{id}"))
        .bearer_auth(&token)
        .json(&json!({"basket_info": {"sum": 4985}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "started: no more changes");
    let v: Value = c
        .post(format!("{api}/{id}/setDelivery"))
        .bearer_auth(&token)
        .json(&json!({"delivery_options": {"type": "shipping", "tracking_code": "T1"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "shipped");

    // Update before payment drops the basket unless resent.
    let stx: Value =
        create(json!({"basket_info": {"sum": 100, "currency": "EUR"}, "merchantRef": "o-2"}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let id2 = stx["id"].as_str().unwrap();
    let v: Value = c
        .put(format!("{api}/{id2}"))
        .bearer_auth(&token)
        .json(&json!({"merchantRef": "o-2b"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["basket_info"]["sum"], 0);
    assert_eq!(v["merchantRef"], "o-2b");
    let v: Value = c
        .post(format!("{api}/{id2}/abort"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "cancelled");

    // Prepaid: pending until the payer pays.
    let stx: Value =
        create(json!({"basket_info": {"sum": 700, "currency": "EUR"}, "merchantRef": "o-3"}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let id3 = stx["id"].as_str().unwrap();
    let v: Value = c
        .post(format!("{api}/{id3}/start/prepaid"))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "pending");
    assert!(v["payment_instructions"]["iban"].is_string());
    assert_eq!(
        sb.complete_smart_transaction(id3, "success").unwrap()["status"],
        "ok"
    );
    let v: Value = c
        .post(format!("{api}/{id3}/cancel"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "cancelled");

    // List: total count, paging by offset, q and sort.
    for i in 0..5 {
        create(json!({"basket_info": {"sum": 100 + i, "currency": "EUR"}, "merchantRef": format!("list-{i}")})).await.unwrap();
    }
    let list = |q: &str| c.get(format!("{api}?{q}")).bearer_auth(&token).send();
    let v: Value = list("count=2&offset=0")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["count"], 8);
    assert_eq!(v["data"].as_array().unwrap().len(), 2);
    let v: Value = list("q=merchantRef:list-*&sort=basket_info.sum:desc&count=10")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["count"], 5);
    assert_eq!(v["data"][0]["merchantRef"], "list-4");
    let v: Value = list("q=status:cancelled")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["count"], 2);
    let r = list("q=(a:b)").await.unwrap();
    assert_eq!(r.status(), 400);
}
