//! Shared helpers for the sandbox integration tests (plain HTTP, no paywire core).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use paywire_sandbox::credentials::*;
use paywire_sandbox::{Sandbox, SandboxOptions};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub fn start() -> Sandbox {
    Sandbox::start().expect("sandbox starts")
}

pub fn start_with(opts: SandboxOptions) -> Sandbox {
    Sandbox::start_with(opts).expect("sandbox starts")
}

/// The paywire core enables reqwest's `rustls-no-provider` (it brings its own ring config),
/// so a plain test client must choose its TLS set-up too, even for http:// only.
fn builder() -> reqwest::ClientBuilder {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    reqwest::Client::builder().tls_backend_preconfigured(tls)
}

pub fn client() -> reqwest::Client {
    builder().timeout(Duration::from_secs(30)).build().unwrap()
}

pub fn no_redirect_client() -> reqwest::Client {
    builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

pub fn rid() -> String {
    format!("req-{}", fastrand_id())
}

fn fastrand_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{t:x}{n}")
}

/// A Management API request builder with valid auth and headers.
pub fn mgmt(
    c: &reqwest::Client,
    method: reqwest::Method,
    sb: &Sandbox,
    path: &str,
) -> reqwest::RequestBuilder {
    mgmt_rid(c, method, sb, path, &rid())
}

/// Same with a given Saferpay-RequestId.
pub fn mgmt_rid(
    c: &reqwest::Client,
    method: reqwest::Method,
    sb: &Sandbox,
    path: &str,
    request_id: &str,
) -> reqwest::RequestBuilder {
    c.request(
        method,
        format!(
            "{}/rest/customers/{SAFERPAY_CUSTOMER_ID}{path}",
            sb.saferpay_base_url()
        ),
    )
    .basic_auth(SAFERPAY_USERNAME, Some(SAFERPAY_PASSWORD))
    .header("Saferpay-ApiVersion", "1.53")
    .header("Saferpay-RequestId", request_id)
}

pub fn expiration_in(sb: &Sandbox, hours: i64) -> String {
    (sb.now() + chrono::Duration::hours(hours))
        .format("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string()
}

pub fn offer_body(sb: &Sandbox, order_id: &str, amount: &str) -> Value {
    json!({
        "Payment": {"Amount": {"Value": amount, "CurrencyCode": "CHF"}, "OrderId": order_id, "Description": "Invoice 4711"},
        "ExpirationDate": expiration_in(sb, 48),
        "Payer": {"LanguageCode": "de", "BillingAddress": {"FirstName": "John", "LastName": "Doe", "CountryCode": "CH"}}
    })
}

pub async fn create_offer(c: &reqwest::Client, sb: &Sandbox, order_id: &str) -> Value {
    let r = mgmt(
        c,
        reqwest::Method::POST,
        sb,
        &format!("/terminals/{SAFERPAY_TERMINAL_ID}/spg-offers"),
    )
    .json(&offer_body(sb, order_id, "404"))
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

pub fn header(request_id: &str, retry: u8) -> Value {
    json!({"SpecVersion": "1.53", "CustomerId": SAFERPAY_CUSTOMER_ID, "RequestId": request_id, "RetryIndicator": retry})
}

/// POST a JSON API call; returns (status, body).
pub async fn json_api(
    c: &reqwest::Client,
    sb: &Sandbox,
    op: &str,
    mut body: Value,
) -> (u16, Value) {
    if body.get("RequestHeader").is_none() {
        body["RequestHeader"] = header(&rid(), 0);
    }
    let r = c
        .post(format!("{}/Payment/v1/{op}", sb.saferpay_base_url()))
        .basic_auth(SAFERPAY_USERNAME, Some(SAFERPAY_PASSWORD))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

pub async fn initialize(
    c: &reqwest::Client,
    sb: &Sandbox,
    order_id: &str,
    amount: &str,
    notify: Option<&str>,
) -> Value {
    let mut body = json!({
        "TerminalId": SAFERPAY_TERMINAL_ID,
        "Payment": {"Amount": {"Value": amount, "CurrencyCode": "CHF"}, "OrderId": order_id, "Description": "Payment page test"},
        "ReturnUrl": {"Url": "http://127.0.0.1:9/return?order=1"},
    });
    if let Some(n) = notify {
        body["Notification"] = json!({"SuccessNotifyUrl": format!("{n}/success"), "FailNotifyUrl": format!("{n}/fail")});
    }
    let (s, v) = json_api(c, sb, "PaymentPage/Initialize", body).await;
    assert_eq!(s, 200, "{v}");
    v
}

/// Initialize, pay and assert: returns the authorized transaction id.
pub async fn authorized_tx(
    c: &reqwest::Client,
    sb: &Sandbox,
    order_id: &str,
    amount: &str,
) -> String {
    let init = initialize(c, sb, order_id, amount, None).await;
    let token = init["Token"].as_str().unwrap().to_string();
    sb.pay_payment_page(&token, "success").unwrap();
    let (s, v) = json_api(c, sb, "PaymentPage/Assert", json!({"Token": token})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["Transaction"]["Status"], "AUTHORIZED");
    v["Transaction"]["Id"].as_str().unwrap().to_string()
}

pub async fn secu_token(c: &reqwest::Client, sb: &Sandbox) -> String {
    let r = c
        .post(format!("{}/oauth/token", sb.secuconnect_base_url()))
        .json(&json!({"grant_type": "client_credentials", "client_id": SECUCONNECT_CLIENT_ID, "client_secret": SECUCONNECT_CLIENT_SECRET}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["access_token"].as_str().unwrap().to_string()
}

/// A tiny HTTP server on 127.0.0.1 that records every request (method, path, body) and answers 200.
pub struct Listener {
    pub url: String,
    pub seen: Arc<Mutex<Vec<(String, String, String)>>>,
}

impl Listener {
    pub async fn start() -> Listener {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let seen2 = Arc::clone(&seen);
        tokio::spawn(async move {
            while let Ok((mut s, _)) = l.accept().await {
                let seen = Arc::clone(&seen2);
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        let n = match s.read(&mut chunk).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        buf.extend_from_slice(&chunk[..n]);
                        let text = String::from_utf8_lossy(&buf).to_string();
                        if let Some(end) = text.find("\r\n\r\n") {
                            let len = text[..end]
                                .lines()
                                .find_map(|l| {
                                    let (k, v) = l.split_once(':')?;
                                    k.eq_ignore_ascii_case("content-length")
                                        .then(|| v.trim().parse::<usize>().ok())?
                                })
                                .unwrap_or(0);
                            if buf.len() >= end + 4 + len {
                                let line = text.lines().next().unwrap_or("").to_string();
                                let mut parts = line.split_whitespace();
                                let method = parts.next().unwrap_or("").to_string();
                                let path = parts.next().unwrap_or("").to_string();
                                let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + len])
                                    .to_string();
                                seen.lock().unwrap().push((method, path, body));
                                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK").await;
                                break;
                            }
                        }
                    }
                });
            }
        });
        Listener { url, seen }
    }

    /// Wait until `n` requests were seen (at most 5 s).
    pub async fn wait_for(&self, n: usize) -> Vec<(String, String, String)> {
        for _ in 0..100 {
            {
                let s = self.seen.lock().unwrap();
                if s.len() >= n {
                    return s.clone();
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.seen.lock().unwrap().clone()
    }
}
