//! The Rust API and admin endpoints: start/drop, URLs, reset, clock, config, stats shape.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use paywire_sandbox::{Sandbox, SandboxOptions};
use reqwest::Method;
use serde_json::{Value, json};

#[test]
fn start_urls_and_drop_frees_the_port() {
    let sb = Sandbox::start().unwrap();
    let url = sb.url().to_string();
    assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with('/'));
    assert_eq!(sb.saferpay_base_url(), format!("{url}/api"));
    assert_eq!(sb.secuconnect_base_url(), url);
    assert_eq!(sb.sekurepay_base_url(), format!("{url}/sekurepay/api/v1"));
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    drop(sb);
    // The port is free again and a sandbox can be started on it explicitly.
    let again = Sandbox::start_with(SandboxOptions {
        port,
        ..Default::default()
    })
    .unwrap();
    assert_eq!(again.url(), url);
}

#[tokio::test]
async fn admin_endpoints_mirror_the_rust_api() {
    let sb = start();
    let c = client();
    let admin = |p: &str| format!("{}/_sandbox/{p}", sb.url());
    let info: Value = c
        .get(admin("info"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["saferpay_base_url"], sb.saferpay_base_url());
    assert!(info["routes"].as_array().unwrap().len() > 40);

    let offer = create_offer(&c, &sb, "adm-1").await;
    let id = offer["OfferId"].as_str().unwrap();
    let r = c
        .post(admin(&format!("offers/{id}/pay")))
        .json(&json!({"outcome": "bogus"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = c
        .post(admin(&format!("offers/{id}/pay")))
        .json(&json!({"outcome": "success"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = c
        .post(admin(&format!("offers/{id}/pay")))
        .json(&json!({"outcome": "success"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let r = c
        .post(admin("offers/unknown/pay"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    let init = initialize(&c, &sb, "adm-2", "100", None).await;
    let r = c
        .post(admin(&format!(
            "payment-pages/{}/pay",
            init["Token"].as_str().unwrap()
        )))
        .json(&json!({"outcome": "abort"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let v: Value = c
        .post(admin("clock/advance"))
        .json(&json!({"seconds": 3600}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["offset_seconds"], 3600);
    let r = c.post(admin("tokens/expire")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = c.post(admin("config")).json(&json!({"reporting_per_day": 5, "spg_success_notify_url": "http://127.0.0.1:9/n?t={{{PAYMENTPAGETOKEN}}}"})).send().await.unwrap().json().await.unwrap();
    assert_eq!(v["reporting_per_day"], 5);
    let r = c
        .post(admin("config"))
        .json(&json!({"no_such_setting": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let stats: Value = c
        .get(admin("stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for key in [
        "routes",
        "in_flight",
        "max_in_flight",
        "effects",
        "duplicates",
    ] {
        assert!(stats.get(key).is_some(), "{key}");
    }
    for key in [
        "offers_created",
        "payment_pages_initialized",
        "captures",
        "refunds",
        "cancels",
        "smart_transactions_created",
        "orders_created",
        "token_requests",
        "replays",
    ] {
        assert!(stats["effects"][key].is_u64(), "{key}");
    }
    for key in [
        "offers",
        "captures",
        "refunds",
        "orders",
        "smart_transactions",
    ] {
        assert!(stats["duplicates"][key].is_u64(), "{key}");
    }
    let route = &stats["routes"]["saferpay.offers.create"];
    assert_eq!(route["requests"], 1);
    for key in ["in_flight", "max_in_flight", "faults_injected"] {
        assert!(route[key].is_i64() || route[key].is_u64(), "{key}");
    }

    // Reset clears state, stats, faults, config and the clock.
    sb.inject_fault("*", "error_500", 5).unwrap();
    let r = c.post(admin("reset")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let stats = sb.stats();
    assert_eq!(stats["effects"]["offers_created"], 0);
    assert_eq!(stats["routes"]["saferpay.offers.create"]["requests"], 0);
    assert_eq!(sb.config().reporting_per_day, 1000);
    let r = mgmt(
        &c,
        Method::GET,
        &sb,
        &format!(
            "/terminals/{}/spg-offers/{id}",
            paywire_sandbox::credentials::SAFERPAY_TERMINAL_ID
        ),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 404);
    assert!((sb.now() - chrono::Utc::now()).num_seconds().abs() < 5);
    let r = c.get(admin("nope")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = c
        .get(format!("{}/no/such/route", sb.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
