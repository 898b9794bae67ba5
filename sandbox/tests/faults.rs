//! Every fault mode, seen from a plain HTTP client (and a raw TCP client for dropped connections).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use paywire_sandbox::credentials::*;
use paywire_sandbox::{FaultMode, FaultSpec};
use reqwest::Method;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

fn offers_path() -> String {
    format!("/terminals/{SAFERPAY_TERMINAL_ID}/spg-offers")
}

#[tokio::test]
async fn delay_proves_concurrency_with_max_in_flight() {
    let sb = start();
    let c = client();
    let id = create_offer(&c, &sb, "conc-1").await["OfferId"]
        .as_str()
        .unwrap()
        .to_string();
    sb.inject_fault_spec(FaultSpec {
        route: "saferpay.offers.get".into(),
        mode: FaultMode::Delay,
        count: 8,
        delay_ms: Some(400),
    })
    .unwrap();
    let url = format!("{}/{id}", offers_path());
    let started = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..8 {
        let req = mgmt(&c, Method::GET, &sb, &url);
        handles.push(tokio::spawn(
            async move { req.send().await.unwrap().status() },
        ));
    }
    for h in handles {
        assert_eq!(h.await.unwrap(), 200);
    }
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "requests ran serially: {:?}",
        started.elapsed()
    );
    let stats = sb.stats();
    let route = &stats["routes"]["saferpay.offers.get"];
    assert_eq!(route["max_in_flight"], 8, "{route}");
    assert_eq!(route["in_flight"], 0);
    assert_eq!(route["faults_injected"], 8);
    assert!(stats["max_in_flight"].as_i64().unwrap() >= 8);
}

#[tokio::test]
async fn errors_before_executing() {
    let sb = start();
    let c = client();
    let body = offer_body(&sb, "f-1", "100");
    for (mode, status, ct) in [
        ("error_500", 500, "text/plain"),
        ("error_503_html", 503, "text/html"),
        ("error_429", 429, "application/json"),
    ] {
        sb.inject_fault("saferpay.offers.create", mode, 1).unwrap();
        let r = mgmt(&c, Method::POST, &sb, &offers_path())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{mode}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(ct),
            "{mode}"
        );
        if mode == "error_429" {
            assert_eq!(r.headers()["retry-after"], "1");
            let v: Value = r.json().await.unwrap();
            assert_eq!(v["Behavior"], "RETRY_LATER");
        }
    }
    assert_eq!(sb.stats()["effects"]["offers_created"], 0);
    // Secuconnect and SekurePay shaped 429s.
    sb.inject_fault("secuconnect.*", "error_429", 1).unwrap();
    let r = c
        .post(format!("{}/oauth/token", sb.url()))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.json::<Value>().await.unwrap()["error"].is_string());
    sb.inject_fault("sekurepay.orders.get", "error_429", 1)
        .unwrap();
    let r = c
        .get(format!("{}/orders/x", sb.sekurepay_base_url()))
        .basic_auth(SEKUREPAY_API_KEY, Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    // The fault is consumed: the next call is normal.
    let r = mgmt(&c, Method::POST, &sb, &offers_path())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn garbage_after_executing() {
    let sb = start();
    let c = client();
    let body = offer_body(&sb, "g-1", "100");
    sb.inject_fault("saferpay.offers.create", "non_json", 1)
        .unwrap();
    let r = mgmt_rid(&c, Method::POST, &sb, &offers_path(), "garbage-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(serde_json::from_slice::<Value>(&r.bytes().await.unwrap()).is_err());
    assert_eq!(sb.stats()["effects"]["offers_created"], 1);
    // The retry with the same request id gets the real (stored) answer.
    let r = mgmt_rid(&c, Method::POST, &sb, &offers_path(), "garbage-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert!(v["OfferId"].is_string());
    assert_eq!(sb.stats()["effects"]["offers_created"], 1);

    sb.inject_fault("saferpay.offers.create", "malformed_json", 1)
        .unwrap();
    let r = mgmt(&c, Method::POST, &sb, &offers_path())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let bytes = r.bytes().await.unwrap();
    assert!(!bytes.is_empty());
    assert!(serde_json::from_slice::<Value>(&bytes).is_err());
    assert_eq!(sb.stats()["effects"]["offers_created"], 2);
}

fn raw_request(addr: &str, request: &str) -> std::io::Result<Vec<u8>> {
    let mut s = std::net::TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    s.write_all(request.as_bytes())?;
    let mut out = Vec::new();
    match s.read_to_end(&mut out) {
        Ok(_) => Ok(out),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Ok(out),
        Err(e) => Err(e),
    }
}

#[tokio::test]
async fn dropped_connections() {
    let sb = start();
    let c = client();
    let body = offer_body(&sb, "d-1", "100").to_string();
    let auth = "QVBJXzEyMzQ1Nl8xNzc1NzUzMTpzYW5kYm94LXNhZmVycGF5LXBhc3N3b3JkLTMxNDE=";
    let req = |rid: &str| {
        format!(
            "POST /api/rest/customers/123456{} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\nSaferpay-ApiVersion: 1.53\r\nSaferpay-RequestId: {rid}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            offers_path(),
            body.len()
        )
    };

    // Raw TCP: the connection closes with no bytes of response.
    sb.inject_fault("saferpay.offers.create", "drop_before_commit", 1)
        .unwrap();
    let addr = sb.url().trim_start_matches("http://").to_string();
    let raw = |r: String| {
        let addr = addr.clone();
        tokio::task::spawn_blocking(move || raw_request(&addr, &r))
    };
    let out = raw(req("drop-1")).await.unwrap().unwrap();
    assert!(out.is_empty(), "got {:?}", String::from_utf8_lossy(&out));
    assert_eq!(sb.stats()["effects"]["offers_created"], 0);

    sb.inject_fault("saferpay.offers.create", "drop_after_commit", 1)
        .unwrap();
    let out = raw(req("drop-2")).await.unwrap().unwrap();
    assert!(out.is_empty());
    assert_eq!(sb.stats()["effects"]["offers_created"], 1);

    // With an HTTP client: a transport error, and the retry with the same id replays the effect.
    sb.inject_fault("saferpay.offers.create", "drop_after_commit", 1)
        .unwrap();
    let parsed: Value = serde_json::from_str(&body).unwrap();
    let err = mgmt_rid(&c, Method::POST, &sb, &offers_path(), "drop-3")
        .json(&parsed)
        .send()
        .await;
    assert!(err.is_err(), "expected a transport error, got {err:?}");
    let r = mgmt_rid(&c, Method::POST, &sb, &offers_path(), "drop-3")
        .json(&parsed)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().await.unwrap()["OfferId"].is_string());
    let stats = sb.stats();
    assert_eq!(stats["effects"]["offers_created"], 2);
    assert_eq!(stats["effects"]["replays"], 1);
    assert_eq!(
        stats["routes"]["saferpay.offers.create"]["faults_injected"],
        3
    );

    // JSON API drop after commit: capture executed once, replayed on retry.
    let tx = authorized_tx(&c, &sb, "d-2", "100").await;
    sb.inject_fault("saferpay.transaction.capture", "drop_after_commit", 1)
        .unwrap();
    let b = |retry: u8| json!({"RequestHeader": header("cap-drop", retry), "TransactionReference": {"TransactionId": tx}});
    let r = c
        .post(format!(
            "{}/Payment/v1/Transaction/Capture",
            sb.saferpay_base_url()
        ))
        .basic_auth(SAFERPAY_USERNAME, Some(SAFERPAY_PASSWORD))
        .json(&b(0))
        .send()
        .await;
    assert!(r.is_err());
    let (s, v) = json_api(&c, &sb, "Transaction/Capture", b(1)).await;
    assert_eq!((s, v["Status"].as_str()), (200, Some("CAPTURED")), "{v}");
    assert_eq!(sb.stats()["effects"]["captures"], 1);
}

#[tokio::test]
async fn expired_token_fault_and_admin_validation() {
    let sb = start();
    let c = client();
    let token = secu_token(&c, &sb).await;
    sb.inject_fault("secuconnect.smart_transactions.list", "expired_token", 1)
        .unwrap();
    let url = format!("{}/api/v2/Smart/Transactions", sb.url());
    let r = c.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], 2003);
    assert_eq!(v["error"], "ProductNotAllowedException");
    let r = c.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 200);

    // Unknown modes and routes are refused, through Rust and through HTTP.
    assert!(matches!(
        sb.inject_fault("saferpay.offers.get", "explode", 1),
        Err(paywire_sandbox::SandboxError::UnknownFaultMode(_))
    ));
    assert!(matches!(
        sb.inject_fault("nope.route", "delay", 1),
        Err(paywire_sandbox::SandboxError::UnknownRoute(_))
    ));
    let r = c
        .post(format!("{}/_sandbox/faults", sb.url()))
        .json(&json!({"route": "*", "mode": "explode"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = c
        .post(format!("{}/_sandbox/faults", sb.url()))
        .json(&json!({"route": "saferpay.*", "mode": "error_500", "count": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let faults: Value = c
        .get(format!("{}/_sandbox/faults", sb.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(faults[0]["count"], 2);
    let r = c
        .delete(format!("{}/_sandbox/faults", sb.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = mgmt(&c, Method::GET, &sb, "/license").send().await.unwrap();
    assert_eq!(r.status(), 200);
}
