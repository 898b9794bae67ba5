//! SekurePay orders: auth, totals, duplicates, get.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use paywire_sandbox::credentials::SEKUREPAY_API_KEY;
use serde_json::{Value, json};

#[tokio::test]
async fn orders() {
    let sb = start();
    let c = client();
    let url = format!("{}/orders", sb.sekurepay_base_url());
    let post = |b: Value, key: &str| c.post(&url).basic_auth(key, Some("")).json(&b).send();

    let fixture: Value = json!({
        "id": "MERCHANT_GENERATED_ORDER_ID", "sub_total_cents": 10000, "shipping_amount_cents": 200, "total_cents": 12200,
        "currency": "USD", "items": [{"description": "51 inch TV", "amount_cents": "10000"}],
        "taxes": [{"description": "GST", "amount_cents": "500"}]
    });
    let r = post(fixture.clone(), "wrong-key").await.unwrap();
    assert_eq!(r.status(), 401);
    // The documented example does not add up (10000 + 200 + 500 != 12200).
    let r = post(fixture.clone(), SEKUREPAY_API_KEY).await.unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert!(v["details"][0].as_str().unwrap().contains("total_cents"));

    let mut good = fixture.clone();
    good["total_cents"] = json!("10700");
    let r = post(good.clone(), SEKUREPAY_API_KEY).await.unwrap();
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["id"], "MERCHANT_GENERATED_ORDER_ID");
    assert_eq!(v["total_cents"], 10700);
    assert_eq!(v["items"][0]["amount_cents"], 10000);
    assert!(v["status"].is_string() && v["created_at"].is_string());

    let r = post(good.clone(), SEKUREPAY_API_KEY).await.unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(sb.stats()["duplicates"]["orders"], 1);
    assert_eq!(sb.stats()["effects"]["orders_created"], 1);
    // A different order reusing the id is a conflict, not a duplicate of the same order.
    let other = json!({"id": "MERCHANT_GENERATED_ORDER_ID", "currency": "USD", "sub_total_cents": 100, "total_cents": 100,
        "items": [{"description": "Again", "amount_cents": 100}]});
    assert_eq!(post(other, SEKUREPAY_API_KEY).await.unwrap().status(), 409);
    assert_eq!(sb.stats()["duplicates"]["orders"], 1);

    // Quantities multiply the unit amount.
    let q = json!({"id": "q-1", "currency": "CHF", "sub_total_cents": 3000, "total_cents": 3000,
        "items": [{"description": "a", "amount_cents": 1000, "quantity": 2}, {"description": "b", "amount_cents": "1000"}]});
    assert_eq!(post(q, SEKUREPAY_API_KEY).await.unwrap().status(), 201);
    let bad = json!({"id": "q-2", "currency": "CHF", "sub_total_cents": 2000, "total_cents": 2000,
        "items": [{"description": "a", "amount_cents": 1000, "quantity": 2}, {"description": "b", "amount_cents": "1000"}]});
    assert_eq!(post(bad, SEKUREPAY_API_KEY).await.unwrap().status(), 422);
    let malformed = json!({"id": "q-3", "currency": "XXX", "sub_total_cents": "12.5", "total_cents": 1, "items": []});
    assert_eq!(
        post(malformed, SEKUREPAY_API_KEY).await.unwrap().status(),
        400
    );

    let r = c
        .get(format!("{url}/MERCHANT_GENERATED_ORDER_ID"))
        .basic_auth(SEKUREPAY_API_KEY, Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["sub_total_cents"], 10000);
    let r = c
        .get(format!("{url}/nope"))
        .basic_auth(SEKUREPAY_API_KEY, Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
