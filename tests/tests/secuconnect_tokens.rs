//! secuconnect against the sandbox: 200 concurrent calls made while the token is expired cause
//! exactly one token request and all succeed; a checkout paid on the sandbox page ends `ok`
//! with a push the client parses.

use paywire_testing::SandboxClients;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use paywire::{Money, secuconnect};
use paywire_sandbox::Sandbox;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_calls_on_an_expired_token_make_one_token_request() {
    let sandbox = Sandbox::start().unwrap();
    let client = sandbox.secuconnect_client().unwrap();
    let stx = client
        .create_smart_transaction(secuconnect::CreateSmartTransaction::new(
            Money::from_minor(100, "EUR").unwrap(),
        ))
        .await
        .unwrap();
    sandbox.expire_tokens();
    let before = sandbox.stats()["routes"]["secuconnect.oauth.token"]["requests"]
        .as_u64()
        .unwrap_or(0);
    let calls = (0..200).map(|_| {
        let (client, id) = (client.clone(), stx.id.clone());
        tokio::spawn(async move { client.get_smart_transaction(&id).await })
    });
    let results = futures_util::future::join_all(calls).await;
    let ok = results
        .into_iter()
        .filter(|r| matches!(r, Ok(Ok(_))))
        .count();
    let stats = sandbox.stats();
    let token_requests = stats["routes"]["secuconnect.oauth.token"]["requests"]
        .as_u64()
        .unwrap_or(0)
        - before;
    let refused = stats["routes"]["secuconnect.smart_transactions.get"]["status_4xx"]
        .as_u64()
        .unwrap_or(0);
    println!(
        "200 concurrent calls on an expired token: {ok} succeeded, {token_requests} token request(s), {refused} answered 403 before the refresh"
    );
    assert_eq!(ok, 200);
    assert_eq!(token_requests, 1, "single-flight refresh");
}

/// Accepts one HTTP POST on 127.0.0.1 and returns its body.
fn receive_one_post(listener: TcpListener) -> Vec<u8> {
    let (mut stream, _) = listener.accept().unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    stream
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
        .unwrap();
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_checkout_is_ok_and_its_push_parses() {
    let sandbox = Sandbox::start().unwrap();
    let client = sandbox.secuconnect_client().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let push_url = format!("http://{}/push", listener.local_addr().unwrap());
    let receiver = std::thread::spawn(move || receive_one_post(listener));
    let mut request =
        secuconnect::CreateSmartTransaction::new(Money::from_minor(1990, "EUR").unwrap());
    request.merchant_ref = Some("order-4711".into());
    request.return_urls = Some(secuconnect::ReturnUrls {
        url_success: Some("https://shop.example/ok".into()),
        url_push: Some(push_url),
        ..secuconnect::ReturnUrls::default()
    });
    let stx = client.create_smart_transaction(request).await.unwrap();
    sandbox
        .complete_smart_transaction(&stx.id, "success")
        .unwrap();
    let body = tokio::task::spawn_blocking(move || receiver.join().unwrap())
        .await
        .unwrap();
    let push = secuconnect::parse_push(&body).unwrap();
    let payment_ids = push.payment_transaction_ids();
    assert!(
        !payment_ids.is_empty(),
        "the push names the payment: {push:?}"
    );
    // Pushes are unsigned: read the status back instead of trusting the push.
    let read_back = client.get_smart_transaction(&stx.id).await.unwrap();
    assert_eq!(read_back.status.as_str(), "ok");
    let fetched = client.fetch_push_payment_transactions(&push).await.unwrap();
    assert_eq!(fetched.len(), payment_ids.len());
    println!(
        "checkout {}: status ok, push {} names {:?}",
        stx.id, push.id, payment_ids
    );
}
