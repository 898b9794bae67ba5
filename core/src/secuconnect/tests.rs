//! Client tests on a scripted transport: bearer tokens, refresh-and-replay, single-flight
//! under load, create's unknown outcomes, validation before sending, paging, refunds, pushes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::error::ErrorKind;
use crate::http::scripted::{Scripted, Step};
use crate::http::{FailureStage, HttpRequest};
use crate::money::Money;

const SECRET: &str = "client-secret-that-must-not-leak";
const FIXTURES: &str = fixtures_dir!("secuconnect");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
}

fn builder(script: &Scripted) -> ClientBuilder {
    Client::builder()
        .client_id("client-1")
        .client_secret(SECRET)
        .base_url("https://connect.test")
        .contract_id("GCR_DEFAULT")
        .transport(Arc::new(script.clone()))
        .inline()
}

fn client(script: &Scripted) -> Client {
    builder(script).build().unwrap()
}

fn bearer(request: &HttpRequest) -> String {
    request
        .headers
        .get(::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .to_owned()
}

fn body(request: &HttpRequest) -> Value {
    serde_json::from_slice(request.body.as_deref().unwrap_or(b"null")).unwrap()
}

fn stx_json(id: &str, status: &str) -> String {
    json!({"object": "smart.transactions", "id": id, "status": status,
        "basket_info": {"sum": 500, "currency": "EUR"}})
    .to_string()
}

/// A fake secuconnect: numbered tokens from `/oauth/token` (after a short pause, so
/// concurrent callers overlap), everything under `/api/v2` answered by `api`.
struct Fake {
    script: Scripted,
    tokens: Arc<AtomicUsize>,
    api_calls: Arc<AtomicUsize>,
}

fn fake(api: impl Fn(&HttpRequest, &str) -> Step + Send + Sync + 'static) -> Fake {
    let tokens = Arc::new(AtomicUsize::new(0));
    let api_calls = Arc::new(AtomicUsize::new(0));
    let (t, a) = (tokens.clone(), api_calls.clone());
    let script = Scripted::routed(move |request| {
        if request.url.path() == "/oauth/token" {
            let n = t.fetch_add(1, Ordering::SeqCst) + 1;
            let answer = json!({"access_token": format!("tok-{n}"), "expires_in": 1200,
                "token_type": "bearer", "scope": "https://scope.secucard.com/e/api"});
            Step::Delay(
                Duration::from_millis(50),
                Box::new(Step::json(200, &answer.to_string())),
            )
        } else {
            a.fetch_add(1, Ordering::SeqCst);
            api(request, &bearer(request))
        }
    });
    Fake {
        script,
        tokens,
        api_calls,
    }
}

impl Fake {
    fn tokens(&self) -> usize {
        self.tokens.load(Ordering::SeqCst)
    }
    fn api_calls(&self) -> usize {
        self.api_calls.load(Ordering::SeqCst)
    }
    fn api_requests(&self) -> Vec<HttpRequest> {
        self.script
            .requests()
            .into_iter()
            .filter(|r| r.url.path().starts_with("/api/v2"))
            .collect()
    }
}

fn expired_token_403() -> Step {
    Step::json(
        403,
        &fixture("error_response_product_not_allowed_2003.json"),
    )
}

#[tokio::test(start_paused = true)]
async fn calls_carry_the_cached_bearer_token_below_the_host_root() {
    let fake = fake(|_, _| Step::json(200, &fixture("smart_transaction_get_ok.response.json")));
    let client = client(&fake.script);
    let got = client
        .get_smart_transaction("STX_WPATWC3RJ2X4YKCZYU2NJCTMMC6YAJ")
        .await
        .unwrap();
    assert_eq!(got.status, SmartTransactionStatus::Ok);
    client
        .get_smart_transaction("STX_WPATWC3RJ2X4YKCZYU2NJCTMMC6YAJ")
        .await
        .unwrap();
    assert_eq!(fake.tokens(), 1, "token cached and reused");
    let sent = fake.script.requests();
    assert_eq!(sent[0].url.as_str(), "https://connect.test/oauth/token");
    assert_eq!(
        sent[1].url.as_str(),
        "https://connect.test/api/v2/Smart/Transactions/STX_WPATWC3RJ2X4YKCZYU2NJCTMMC6YAJ"
    );
    assert_eq!(bearer(&sent[1]), "tok-1");
    assert!(
        sent[1]
            .headers
            .get(::http::header::AUTHORIZATION)
            .unwrap()
            .is_sensitive()
    );
    assert_eq!(client.token_info().unwrap().expires_in, 1200);
}

#[tokio::test(start_paused = true)]
async fn expired_token_answer_refreshes_once_and_replays_once() {
    let fake = fake(|_, token| match token {
        "tok-1" => expired_token_403(),
        _ => Step::json(200, &fixture("smart_transaction_get_ok.response.json")),
    });
    let client = client(&fake.script);
    let got = client.get_smart_transaction("STX_1").await.unwrap();
    assert_eq!(got.id, "STX_WPATWC3RJ2X4YKCZYU2NJCTMMC6YAJ");
    assert_eq!(fake.tokens(), 2);
    assert_eq!(fake.api_calls(), 2);
    let api = fake.api_requests();
    assert_eq!(
        (bearer(&api[0]).as_str(), bearer(&api[1]).as_str()),
        ("tok-1", "tok-2")
    );
}

#[tokio::test(start_paused = true)]
async fn a_refusal_on_replay_is_surfaced_as_authentication() {
    let fake = fake(|_, _| expired_token_403());
    let client = client(&fake.script);
    let error = client.get_smart_transaction("STX_1").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Authentication);
    assert_eq!(error.code(), Some(PRODUCT_NOT_ALLOWED));
    assert_eq!(fake.tokens(), 2, "one refresh");
    assert_eq!(fake.api_calls(), 2, "one replay");
    let text = format!("{error} {error:?} {:?}", error.raw());
    assert!(!text.contains("tok-") && !text.contains(SECRET), "{text}");
}

#[tokio::test(start_paused = true)]
async fn permission_errors_are_not_replayed() {
    let fake = fake(|_, _| {
        Step::json(
            403,
            r#"{"status":"error","error":"ProductForbiddenException","error_details":"Contract not allowed","code":1003,"supportId":"x"}"#,
        )
    });
    let client = client(&fake.script);
    let error = client.get_smart_transaction("STX_1").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Permission);
    assert_eq!((fake.tokens(), fake.api_calls()), (1, 1));
}

#[tokio::test(start_paused = true)]
async fn two_hundred_concurrent_calls_with_an_expired_token_cause_one_token_request() {
    let fake = fake(|request, _| {
        let id = request
            .url
            .path()
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_owned();
        Step::Delay(
            Duration::from_millis(5),
            Box::new(Step::json(200, &stx_json(&id, "ok"))),
        )
    });
    let client = client(&fake.script);
    client.get_smart_transaction("STX_WARM").await.unwrap();
    tokio::time::advance(Duration::from_secs(1300)).await;
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.get_smart_transaction(&format!("STX_{i}")).await })
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        assert_eq!(task.await.unwrap().unwrap().id, format!("STX_{i}"));
    }
    assert_eq!(fake.tokens(), 2, "exactly one token request for the burst");
    assert_eq!(fake.api_calls(), 201);
}

#[tokio::test(start_paused = true)]
async fn two_hundred_concurrent_refusals_cause_one_refresh() {
    let revoked = Arc::new(AtomicBool::new(false));
    let flag = revoked.clone();
    let fake = fake(move |_, token| {
        if token == "tok-1" && flag.load(Ordering::SeqCst) {
            Step::Delay(
                Duration::from_millis(5),
                Box::new(Step::json(
                    401,
                    r#"{"error":"invalid_token","error_description":"The access token is invalid"}"#,
                )),
            )
        } else {
            Step::json(200, &stx_json("STX_1", "created"))
        }
    });
    let client = client(&fake.script);
    client.get_smart_transaction("STX_1").await.unwrap();
    revoked.store(true, Ordering::SeqCst);
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_smart_transaction("STX_1").await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(fake.tokens(), 2, "200 refusals, one refresh");
}

fn create_request() -> CreateSmartTransaction {
    let mut request = CreateSmartTransaction::new(Money::from_minor(500, "EUR").unwrap());
    request.merchant_ref = Some("ORDER-1".into());
    request.return_urls = Some(ReturnUrls {
        url_success: Some("https://shop.example/ok".into()),
        url_failure: Some("https://shop.example/failed".into()),
        url_abort: None,
        url_push: Some("https://shop.example/push".into()),
    });
    request
}

#[tokio::test(start_paused = true)]
async fn create_sends_the_documented_body_with_the_default_contract() {
    let fake = fake(|_, _| Step::json(200, &fixture("smart_transaction_create.response.json")));
    let client = client(&fake.script);
    let created = client
        .create_smart_transaction(create_request())
        .await
        .unwrap();
    assert_eq!(created.id, "STX_WPATWC3RJ2X4YKCZYU2NJCTMMC6YAJ");
    assert_eq!(
        created.payment_link.as_deref(),
        Some("https://checkout-dev.secuconnect.com?...")
    );
    let sent = &fake.api_requests()[0];
    assert_eq!(sent.method, ::http::Method::POST);
    assert_eq!(sent.url.path(), "/api/v2/Smart/Transactions");
    assert_eq!(
        body(sent),
        json!({
            "contract": {"id": "GCR_DEFAULT"},
            "intent": "sale",
            "basket_info": {"sum": 500, "currency": "EUR"},
            "application_context": {"return_urls": {
                "url_success": "https://shop.example/ok",
                "url_error": "https://shop.example/failed",
                "url_push": "https://shop.example/push"}},
            "merchantRef": "ORDER-1"
        })
    );
}

#[tokio::test(start_paused = true)]
async fn create_is_not_retried_once_it_may_have_been_sent() {
    let fake = fake(|_, _| Step::Fail(FailureStage::MaybeSent));
    let client = client(&fake.script);
    let error = client
        .create_smart_transaction(create_request())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown);
    assert!(error.outcome_unknown());
    assert!(
        error.message().contains("merchantRef:ORDER-1"),
        "{}",
        error.message()
    );
    assert_eq!(
        error.settle_with(),
        Some("smart_transactions(query \"merchantRef:ORDER-1\")")
    );
    assert_eq!(
        fake.api_calls(),
        1,
        "never repeated: it may have created a transaction"
    );

    let fake = fake_with_steps(vec![
        Step::html(502, "<html>bad gateway</html>"),
        Step::json(200, "{}"),
    ]);
    let error = client_for(&fake)
        .create_smart_transaction(create_request())
        .await
        .unwrap_err();
    assert!(error.outcome_unknown(), "a 5xx may have been processed");
    assert_eq!(fake.api_calls(), 1);
}

#[tokio::test(start_paused = true)]
async fn create_is_retried_when_the_request_never_left() {
    let fake = fake_with_steps(vec![
        Step::Fail(FailureStage::NotSent),
        Step::json(200, &fixture("smart_transaction_create.response.json")),
    ]);
    client_for(&fake)
        .create_smart_transaction(create_request())
        .await
        .unwrap();
    assert_eq!(fake.api_calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn create_is_replayed_after_a_refused_token() {
    let fake = fake(|_, token| match token {
        "tok-1" => expired_token_403(),
        _ => Step::json(200, &fixture("smart_transaction_create.response.json")),
    });
    client(&fake.script)
        .create_smart_transaction(create_request())
        .await
        .unwrap();
    assert_eq!((fake.tokens(), fake.api_calls()), (2, 2));
}

/// API answers from a queue, tokens as usual.
fn fake_with_steps(steps: Vec<Step>) -> Fake {
    let queue = std::sync::Mutex::new(std::collections::VecDeque::from(steps));
    fake(move |_, _| {
        queue
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Step::Fail(FailureStage::NotSent))
    })
}

fn client_for(fake: &Fake) -> Client {
    client(&fake.script)
}

#[tokio::test(start_paused = true)]
async fn invalid_input_fails_before_anything_is_sent() {
    let fake = fake(|_, _| Step::json(200, "{}"));
    let client = client(&fake.script);
    let field = |result: Result<SmartTransaction, Error>| {
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
        error.field().unwrap_or("").to_owned()
    };
    let eur = |minor| Money::from_minor(minor, "EUR").unwrap();

    let mut r = create_request();
    r.intent = "capture".into();
    assert_eq!(field(client.create_smart_transaction(r).await), "intent");
    // The SDK models document `sale` and `order` only.
    let mut r = create_request();
    r.intent = "authorization".into();
    assert_eq!(field(client.create_smart_transaction(r).await), "intent");
    let mut r = create_request();
    r.language = Some("de_D".into());
    assert_eq!(field(client.create_smart_transaction(r).await), "language");
    let mut r = create_request();
    r.language = Some("deu".into());
    assert_eq!(field(client.create_smart_transaction(r).await), "language");
    let mut r = create_request();
    r.return_urls = Some(ReturnUrls {
        url_success: Some("ftp://shop.example/ok".into()),
        ..ReturnUrls::default()
    });
    assert_eq!(
        field(client.create_smart_transaction(r).await),
        "return_urls.url_success"
    );
    let mut r = create_request();
    r.return_urls = Some(ReturnUrls {
        url_abort: Some("/relative".into()),
        ..ReturnUrls::default()
    });
    assert_eq!(
        field(client.create_smart_transaction(r).await),
        "return_urls.url_abort"
    );
    let mut r = create_request();
    r.basket = Some(vec![BasketItem {
        desc: Some("pen".into()),
        price_one: Some(100),
        quantity: Some(2),
        ..BasketItem::default()
    }]);
    assert_eq!(field(client.create_smart_transaction(r).await), "basket");
    let mut r = create_request();
    r.basket = Some(vec![BasketItem {
        item_type: Some("gift".into()),
        ..BasketItem::default()
    }]);
    assert_eq!(
        field(client.create_smart_transaction(r).await),
        "basket[0].item_type"
    );
    let mut r = create_request();
    r.basket = Some(vec![BasketItem {
        price_one: Some(500),
        quantity: Some(1),
        tax: Some("nineteen".into()),
        ..BasketItem::default()
    }]);
    assert_eq!(
        field(client.create_smart_transaction(r).await),
        "basket[0].tax"
    );
    let mut r = create_request();
    r.customer = Some(Customer {
        contact: Some(Contact {
            email: Some("not-an-email".into()),
            ..Contact::default()
        }),
        ..Customer::default()
    });
    assert_eq!(
        field(client.create_smart_transaction(r).await),
        "customer.contact.email"
    );
    let mut r = create_request();
    r.merchant_ref = Some("x".repeat(300));
    assert_eq!(
        field(client.create_smart_transaction(r).await),
        "merchant_ref"
    );

    assert_eq!(field(client.get_smart_transaction("STX/../x").await), "id");
    assert_eq!(field(client.cancel_smart_transaction("..").await), "id");
    assert_eq!(
        client
            .get_payment_transaction("PCI_1?x=1")
            .await
            .unwrap_err()
            .field(),
        Some("id")
    );
    assert_eq!(
        field(
            client
                .prepare_smart_transaction("STX_1", "bitcoin", PrepareSmartTransaction::new())
                .await
        ),
        "payment_method"
    );
    let bad_iban = PrepareSmartTransaction::with_bank_account(BankAccount::new(
        "Max Mustermann",
        "DE35500105175418493189",
    ));
    assert_eq!(
        field(
            client
                .prepare_smart_transaction("STX_1", "debit", bad_iban)
                .await
        ),
        "bank_account.iban"
    );
    let page = |query: SmartTransactionQuery| client.smart_transactions(query).map(|_| ());
    let error = page(SmartTransactionQuery {
        page_size: 0,
        ..SmartTransactionQuery::default()
    })
    .unwrap_err();
    assert_eq!(error.field(), Some("page_size"));
    let error = page(SmartTransactionQuery {
        sort: Some("created:sideways".into()),
        ..SmartTransactionQuery::default()
    })
    .unwrap_err();
    assert_eq!(error.field(), Some("sort"));
    let error = client
        .cancel_payment_transaction("PCI_1", CancelPayment::partial(eur(0)))
        .await
        .unwrap_err();
    assert_eq!(error.field(), Some("reduce_amount_by"));

    assert!(
        fake.script.requests().is_empty(),
        "not even a token request"
    );
}

#[tokio::test(start_paused = true)]
async fn update_always_resends_basket_and_basket_info() {
    let fake = fake(|request, _| match request.method {
        ::http::Method::GET => Step::json(
            200,
            &fixture("smart_transaction_create_order.response.json"),
        ),
        _ => Step::json(
            200,
            &fixture("smart_transaction_create_order.response.json"),
        ),
    });
    let client = client(&fake.script);
    let update = UpdateSmartTransaction {
        merchant_ref: Some("ORDER-2".into()),
        ..UpdateSmartTransaction::default()
    };
    client
        .update_smart_transaction("STX_NPNF3464P2X4YJ5RABEHH3SGZJXWAH", update)
        .await
        .unwrap();
    let api = fake.api_requests();
    assert_eq!(api.len(), 2, "read the current basket, then PUT");
    assert_eq!(api[1].method, ::http::Method::PUT);
    let sent = body(&api[1]);
    assert_eq!(sent["basket_info"], json!({"sum": 4985, "currency": "EUR"}));
    assert_eq!(sent["basket"]["products"].as_array().unwrap().len(), 2);
    assert_eq!(sent["basket"]["products"][0]["priceOne"], 1595);
    assert_eq!(sent["merchantRef"], "ORDER-2");

    // With amount and basket given, nothing is read first.
    let update = UpdateSmartTransaction {
        amount: Some(Money::from_minor(1000, "EUR").unwrap()),
        basket: Some(vec![BasketItem {
            id: Some(1),
            desc: Some("pen".into()),
            price_one: Some(500),
            quantity: Some(2),
            tax: Some("19".into()),
            ..BasketItem::default()
        }]),
        ..UpdateSmartTransaction::default()
    };
    client
        .update_smart_transaction("STX_1", update)
        .await
        .unwrap();
    let api = fake.api_requests();
    assert_eq!(api.len(), 3);
    assert_eq!(
        body(&api[2])["basket_info"],
        json!({"sum": 1000, "currency": "EUR"})
    );
}

#[tokio::test(start_paused = true)]
async fn lifecycle_actions_use_the_documented_paths() {
    let fake = fake(|request, _| {
        if request.url.path().ends_with("/cancel") {
            Step::json(
                200,
                &fixture("smart_transaction_cancel_fragment.response.json"),
            )
        } else {
            Step::json(200, &stx_json("STX_1", "ok"))
        }
    });
    let client = client(&fake.script);
    client
        .prepare_smart_transaction(
            "STX_1",
            "debit",
            PrepareSmartTransaction::with_container("PCT_1"),
        )
        .await
        .unwrap();
    client.start_smart_transaction("STX_1", None).await.unwrap();
    client
        .start_smart_transaction("STX_1", Some("prepaid"))
        .await
        .unwrap();
    let cancelled = client.cancel_smart_transaction("STX_1").await.unwrap();
    assert_eq!(cancelled.id, "STX_1");
    assert_eq!(cancelled.status, SmartTransactionStatus::Cancelled);
    client.abort_smart_transaction("STX_1").await.unwrap();
    client
        .set_delivery(
            "STX_1",
            Delivery::Shipping {
                shipped_at: None,
                shipped_by: Some("DHL".into()),
                tracking_code: Some("123".into()),
                invoice_number: None,
            },
        )
        .await
        .unwrap();
    let paths: Vec<String> = fake
        .api_requests()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/api/v2/Smart/Transactions/STX_1/prepare/debit",
            "/api/v2/Smart/Transactions/STX_1/start/",
            "/api/v2/Smart/Transactions/STX_1/start/prepaid",
            "/api/v2/Smart/Transactions/STX_1/cancel",
            "/api/v2/Smart/Transactions/STX_1/abort",
            "/api/v2/Smart/Transactions/STX_1/setDelivery",
        ]
    );
    let api = fake.api_requests();
    assert_eq!(body(&api[0]), json!({"container": {"id": "PCT_1"}}));
    assert_eq!(
        body(&api[5]),
        json!({"delivery_options": {"type": "shipping", "shipped_by": "DHL", "tracking_code": "123"}})
    );
}

fn list_answer(request: &HttpRequest, total: u64) -> Step {
    let param = |name: &str| {
        request
            .url
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.parse::<u64>().unwrap())
            .unwrap()
    };
    let (offset, count) = (param("offset"), param("count"));
    let data: Vec<Value> = (offset..(offset + count).min(total))
        .map(|i| json!({"object": "smart.transactions", "id": format!("STX_{i}"), "status": "ok"}))
        .collect();
    Step::json(200, &json!({"count": total, "data": data}).to_string())
}

#[tokio::test(start_paused = true)]
async fn listing_pages_by_offset_with_query_and_sort() {
    let fake = fake(|request, _| list_answer(request, 5));
    let client = client(&fake.script);
    let mut pager = client
        .smart_transactions(SmartTransactionQuery {
            query: Some("status:ok".into()),
            sort: Some("created:asc".into()),
            page_size: 2,
        })
        .unwrap();
    let mut ids = Vec::new();
    while let Some(item) = pager.next_transaction().await.unwrap() {
        ids.push(item.id);
    }
    assert_eq!(ids, ["STX_0", "STX_1", "STX_2", "STX_3", "STX_4"]);
    assert_eq!(pager.total(), Some(5));
    assert!(pager.is_done());
    let api = fake.api_requests();
    assert_eq!(api.len(), 3);
    let query: Vec<(String, String)> = api[1].url.query_pairs().into_owned().collect();
    assert_eq!(
        query,
        [
            ("count".to_owned(), "2".to_owned()),
            ("offset".to_owned(), "2".to_owned()),
            ("q".to_owned(), "status:ok".to_owned()),
            ("sort".to_owned(), "created:asc".to_owned()),
        ]
    );
    let mut batches = client
        .smart_transactions(SmartTransactionQuery::default())
        .unwrap();
    assert_eq!(batches.next_batch(3).await.unwrap().len(), 3);
    assert_eq!(batches.next_batch(3).await.unwrap().len(), 2);
    assert!(batches.next_batch(3).await.unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn listing_stops_loudly_at_the_result_window() {
    let fake = fake(|request, _| list_answer(request, 20_000));
    let client = client(&fake.script);
    let mut pager = client
        .smart_transactions(SmartTransactionQuery {
            page_size: 1000,
            ..SmartTransactionQuery::default()
        })
        .unwrap()
        .resume_at(9_500);
    let page = pager.next_page().await.unwrap().unwrap();
    assert_eq!(page.items.len(), 500, "never asks beyond the 10,000th item");
    assert_eq!(page.total, 20_000);
    let error = pager.next_page().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert_eq!(error.field(), Some("query"));
    assert!(pager.next_page().await.unwrap().is_none());
}

#[tokio::test(start_paused = true)]
async fn partial_refund_checks_the_payment_then_cancels() {
    let fake = fake(|request, _| match request.method {
        ::http::Method::GET => Step::json(
            200,
            r#"{"object":"payment.transactions","id":"PCI_1","amount":1000,"currency":"EUR","status":"25","details":{"status_simple":9,"status_simple_text":"paid"}}"#,
        ),
        _ => Step::json(
            200,
            r#"[{"object":"payment.transactions","id":"PCI_1","amount":700,"currency":"EUR"},{"object":"payment.transactions","id":"PCI_REFUND","amount":300,"currency":"EUR"}]"#,
        ),
    });
    let client = client(&fake.script);
    let eur = |minor| Money::from_minor(minor, "EUR").unwrap();
    let mut request = CancelPayment::partial(eur(300));
    request.reason = Some("one item returned".into());
    let affected = client
        .cancel_payment_transaction("PCI_1", request)
        .await
        .unwrap();
    assert_eq!(affected.len(), 2);
    assert_eq!(affected[1].amount, Some(eur(300)));
    let api = fake.api_requests();
    let paths: Vec<_> = api.iter().map(|r| r.url.path().to_owned()).collect();
    assert_eq!(
        paths,
        [
            "/api/v2/Payment/Transactions/PCI_1",
            "/api/v2/Payment/Transactions/PCI_1/checkStatus",
            "/api/v2/Payment/Transactions/PCI_1/cancel",
        ],
        "read what the cancel is settled against, then cancel"
    );
    assert_eq!(
        body(&api[2]),
        json!({"reduce_amount_by": 300, "reason": "one item returned"})
    );

    let chf = CancelPayment::partial(Money::from_minor(300, "CHF").unwrap());
    let error = client
        .cancel_payment_transaction("PCI_1", chf)
        .await
        .unwrap_err();
    assert_eq!(error.field(), Some("reduce_amount_by"));
    let too_much = CancelPayment::partial(eur(1001));
    let error = client
        .cancel_payment_transaction("PCI_1", too_much)
        .await
        .unwrap_err();
    assert_eq!(error.field(), Some("reduce_amount_by"));
    let posts = |fake: &Fake| {
        fake.api_requests()
            .iter()
            .filter(|r| r.method == ::http::Method::POST)
            .count()
    };
    assert_eq!(posts(&fake), 1, "refused refunds were never sent");

    let full = client
        .cancel_payment_transaction("PCI_1", CancelPayment::full())
        .await
        .unwrap();
    assert_eq!(full.len(), 2);
    assert_eq!(posts(&fake), 2);
    let last = fake.api_requests().pop().unwrap();
    assert_eq!(last.method, ::http::Method::POST);
    assert_eq!(body(&last), json!({}));

    let payment = client.get_payment_transaction("PCI_1").await.unwrap();
    assert_eq!(payment.status_simple, Some(9));
    assert_eq!(payment.amount, Some(eur(1000)));
}

/// A fake payment transaction PCI_1 of 10.00 EUR whose partial refunds create linked refund
/// transactions, with `cancel` answered by `answer(n)` for the n-th cancel (0-based); `Ok`
/// applies the refund before answering with the step.
fn refundable(answer: impl Fn(usize) -> (bool, Step) + Send + Sync + 'static) -> Fake {
    let state = Arc::new(std::sync::Mutex::new((1000i64, Vec::<String>::new())));
    let cancels = Arc::new(AtomicUsize::new(0));
    fake(move |request, _| {
        let path = request.url.path();
        let mut st = state.lock().unwrap();
        match request.method {
            ::http::Method::POST => {
                let n = cancels.fetch_add(1, Ordering::SeqCst);
                let (apply, step) = answer(n);
                if apply {
                    let reduce = body(request)["reduce_amount_by"].as_i64().unwrap();
                    st.0 -= reduce;
                    let child = format!("PCI_R{}", st.1.len() + 1);
                    st.1.push(child);
                }
                step
            }
            _ if path.ends_with("/checkStatus") => Step::json(
                200,
                &json!({"status": "25", "status_simple": 9, "amount": st.0, "currency": "EUR"})
                    .to_string(),
            ),
            _ if path.ends_with("/PCI_1") => Step::json(
                200,
                &json!({"object": "payment.transactions", "id": "PCI_1", "amount": 1000,
                    "currency": "EUR", "details": {"status_simple": 9},
                    "related_transactions": st.1.iter().map(|id| json!({"object": "payment.transactions", "id": id})).collect::<Vec<_>>()})
                .to_string(),
            ),
            _ => {
                let id = path.rsplit('/').next().unwrap_or_default().to_owned();
                Step::json(
                    200,
                    &json!({"object": "payment.transactions", "id": id, "amount": 300,
                        "currency": "EUR", "details": {"status_simple": 7}})
                    .to_string(),
                )
            }
        }
    })
}

fn cancel_posts(fake: &Fake) -> usize {
    fake.api_requests()
        .iter()
        .filter(|r| r.method == ::http::Method::POST)
        .count()
}

#[tokio::test(start_paused = true)]
async fn an_ambiguous_refund_that_was_applied_is_found_not_repeated() {
    // The refund is applied, then the connection breaks (or the answer is unreadable, or a
    // 5xx): the linked refund and the lower amount in effect settle it.
    for step in [
        Step::Fail(FailureStage::MaybeSent),
        Step::json(200, "[{\"object\":"),
        Step::html(502, "<html>bad gateway</html>"),
    ] {
        let step = std::sync::Mutex::new(Some(step));
        let fake = refundable(move |_| (true, step.lock().unwrap().take().unwrap()));
        let eur = Money::from_minor(300, "EUR").unwrap();
        let affected = client(&fake.script)
            .cancel_payment_transaction("PCI_1", CancelPayment::partial(eur))
            .await
            .unwrap();
        assert_eq!(cancel_posts(&fake), 1, "exactly one refund");
        let ids: Vec<_> = affected.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["PCI_1", "PCI_R1"]);
        assert_eq!(affected[1].amount, Some(eur));
    }
}

#[tokio::test(start_paused = true)]
async fn an_ambiguous_refund_that_was_not_applied_is_sent_again_once() {
    let fake = refundable(|n| match n {
        0 => (false, Step::html(503, "<html>busy</html>")),
        _ => (
            true,
            Step::json(
                200,
                r#"[{"object":"payment.transactions","id":"PCI_1","amount":1000,"currency":"EUR"},{"object":"payment.transactions","id":"PCI_R1","amount":300,"currency":"EUR"}]"#,
            ),
        ),
    });
    let client = client(&fake.script);
    let eur = Money::from_minor(300, "EUR").unwrap();
    let affected = client
        .cancel_payment_transaction("PCI_1", CancelPayment::partial(eur))
        .await
        .unwrap();
    assert_eq!(affected.len(), 2);
    assert_eq!(
        cancel_posts(&fake),
        2,
        "the 503 was not applied: sent again"
    );
    assert_eq!(client.engine_stats().retried, 1);
}

#[tokio::test(start_paused = true)]
async fn refund_with_unknown_outcome_says_how_to_check() {
    // A timeout: the refund may still be running, so "not applied yet" proves nothing.
    let fake = refundable(|_| (false, Step::Timeout));
    let client = client(&fake.script);
    let partial = CancelPayment::partial(Money::from_minor(300, "EUR").unwrap());
    let error = client
        .cancel_payment_transaction("PCI_1", partial)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown);
    assert!(error.outcome_unknown());
    assert!(
        error.message().contains("check_payment_status"),
        "{}",
        error.message()
    );
    assert!(
        error
            .settle_with()
            .is_some_and(|s| s.starts_with("check_payment_status(\"PCI_1\")")),
        "{error:?}"
    );
    assert_eq!(cancel_posts(&fake), 1, "the refund itself was sent once");
    assert_eq!(client.engine_stats().outcome_unknown, 1);
}

#[tokio::test(start_paused = true)]
async fn check_status_reads_the_effective_amount() {
    let fake = fake(|_, _| {
        Step::json(
            200,
            r#"{"status":"25","status_text":"abgeschlossen","status_simple":"7","status_simple_text":"refund","amount":700,"currency":"EUR"}"#,
        )
    });
    let status = client(&fake.script)
        .check_payment_status("PCI_1")
        .await
        .unwrap();
    assert_eq!(status.status_simple, Some(7));
    assert_eq!(status.amount, Some(Money::from_minor(700, "EUR").unwrap()));
    assert_eq!(
        fake.api_requests()[0].url.path(),
        "/api/v2/Payment/Transactions/PCI_1/checkStatus"
    );
}

#[tokio::test(start_paused = true)]
async fn pushes_are_resolved_through_the_api() {
    let fake = fake(|request, _| {
        let id = request
            .url
            .path()
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_owned();
        Step::json(
            200,
            &json!({"object": "payment.transactions", "id": id, "amount": 500, "currency": "EUR",
                "details": {"status_simple": 9}})
            .to_string(),
        )
    });
    let client = client(&fake.script);
    let push =
        Client::parse_push(fixture("push_notification_payment_transactions.json").as_bytes())
            .unwrap();
    let payments = client.fetch_push_payment_transactions(&push).await.unwrap();
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0].id, "PCI_2FY48DT0P2X6G636N5QK64UK2ADZAZ");
    assert_eq!(payments[0].status_simple, Some(9));
    assert_eq!(
        fake.api_requests()[0].url.path(),
        "/api/v2/Payment/Transactions/PCI_2FY48DT0P2X6G636N5QK64UK2ADZAZ"
    );
    let legacy =
        parse_push(fixture("push_notification_secupaydebits_demo.json").as_bytes()).unwrap();
    assert!(
        client
            .fetch_push_payment_transactions(&legacy)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(start_paused = true)]
async fn secrets_never_show() {
    let script = Scripted::routed(|_| {
        Step::json(
            401,
            &json!({"error": "invalid_client", "error_description": "The client credentials are invalid",
                "client_secret": SECRET})
            .to_string(),
        )
    });
    let client = client(&script);
    let text = format!("{client:?}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains("client-1"));
    let error = client.get_smart_transaction("STX_1").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Authentication);
    assert_eq!(error.code(), Some("invalid_client"));
    let text = format!("{error} {error:?} {:?} {:?}", error.raw(), error.details());
    assert!(!text.contains(SECRET), "{text}");
    // The token request body holds the secret; nothing else does.
    let sent = script.requests();
    assert!(sent.iter().all(|r| r.url.path() == "/oauth/token"));
    let account = BankAccount::new("Max Mustermann", "DE35500105175418493188");
    assert!(!format!("{account:?}").contains("500105175418"));
}

#[test]
fn base_url_is_the_host_root() {
    let script = Scripted::new(vec![]);
    let build = |url: &str| builder(&script).base_url(url).build();
    assert_eq!(
        build("https://connect.test/api/v2/").unwrap().base_url(),
        "https://connect.test/"
    );
    assert_eq!(
        build("http://127.0.0.1:8080").unwrap().base_url(),
        "http://127.0.0.1:8080/"
    );
    assert_eq!(
        build("http://connect.test").unwrap_err().kind(),
        ErrorKind::Configuration
    );
    let default = Client::builder()
        .client_id("c")
        .client_secret("s")
        .transport(Arc::new(script.clone()))
        .build()
        .unwrap();
    assert_eq!(
        default.base_url(),
        "https://connect-testing.secuconnect.com/"
    );
    let live = Client::builder()
        .client_id("c")
        .client_secret("s")
        .environment(Environment::parse("live").unwrap())
        .transport(Arc::new(script))
        .build()
        .unwrap();
    assert_eq!(live.base_url(), "https://connect.secucard.com/");
    assert!(Environment::parse("staging").is_err());
    assert_eq!(
        Client::builder()
            .client_id("c")
            .build()
            .unwrap_err()
            .field(),
        Some("client_secret")
    );
}

#[tokio::test(start_paused = true)]
async fn token_url_follows_the_base_url() {
    let fake = fake(|_, _| Step::json(200, &stx_json("STX_1", "created")));
    let client = builder(&fake.script)
        .base_url("https://connect.test/api/v2")
        .build()
        .unwrap();
    client.get_smart_transaction("STX_1").await.unwrap();
    let sent = fake.script.requests();
    assert_eq!(sent[0].url.as_str(), "https://connect.test/oauth/token");
    assert_eq!(
        sent[1].url.as_str(),
        "https://connect.test/api/v2/Smart/Transactions/STX_1"
    );
}

#[tokio::test(start_paused = true)]
async fn device_session_drives_the_client() {
    let script = Scripted::routed(|request| {
        if request.url.path() == "/oauth/token" {
            let sent = body(request);
            if sent.get("uuid").is_some() {
                Step::json(200, &fixture("oauth_device_code.response.json"))
            } else {
                Step::json(200, &fixture("oauth_device_token.response.json"))
            }
        } else {
            Step::json(200, &stx_json("STX_1", "created"))
        }
    });
    let client = builder(&script)
        .auth_mode(AuthMode::Device {
            uuid: "/vendor/unknown/cashier/dotnettest1".into(),
        })
        .build()
        .unwrap();
    let authorization = client
        .device_authorize("/vendor/unknown/cashier/dotnettest1")
        .await
        .unwrap();
    assert_eq!(authorization.user_code, "aa63q9k9");
    let info = client.device_poll(&authorization).await.unwrap();
    assert!(info.has_refresh_token);
    client.get_smart_transaction("STX_1").await.unwrap();
    let last = script.requests().pop().unwrap();
    assert_eq!(bearer(&last), "c0p22mjoea0vktmfe09r9h1b40");
}

#[test]
fn blocking_twin_runs_on_the_shared_runtime() {
    let fake = fake(|request, _| {
        if request.url.path() == "/api/v2/Smart/Transactions"
            && request.method == ::http::Method::GET
        {
            list_answer(request, 3)
        } else {
            Step::json(200, &fixture("smart_transaction_create.response.json"))
        }
    });
    // Not inline: every call hops onto the shared runtime, as in production.
    let client = Client::builder()
        .client_id("client-1")
        .client_secret(SECRET)
        .base_url("https://connect.test")
        .transport(Arc::new(fake.script.clone()))
        .build()
        .unwrap();
    let blocking = crate::blocking::SecuconnectClient::new(client);
    let created = blocking.create_smart_transaction(create_request()).unwrap();
    assert_eq!(created.status, SmartTransactionStatus::Created);
    let ids: Vec<String> = blocking
        .smart_transactions(SmartTransactionQuery::default())
        .unwrap()
        .map(|item| item.unwrap().id)
        .collect();
    assert_eq!(ids, ["STX_0", "STX_1", "STX_2"]);
    assert_eq!(fake.tokens(), 1);
    assert!(!format!("{blocking:?}").contains(SECRET));
    let push = crate::blocking::SecuconnectClient::parse_push(
        fixture("push_notification_payment_transactions.json").as_bytes(),
    )
    .unwrap();
    assert_eq!(push.object_ids.len(), 1);
}

#[tokio::test]
async fn blocking_twin_refuses_inside_an_async_runtime() {
    let script = Scripted::new(vec![]);
    let blocking = crate::blocking::SecuconnectClient::new(client(&script));
    let error = blocking.get_smart_transaction("STX_1").unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration);
    assert!(script.requests().is_empty());
}

#[tokio::test(start_paused = true)]
async fn short_pages_do_not_end_the_listing_early() {
    // The server serves at most 2 per page, whatever we ask for.
    let fake = fake(|request, _| {
        let mut capped = request.clone();
        let offset = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "offset")
            .map(|(_, v)| v.into_owned())
            .unwrap();
        capped
            .url
            .set_query(Some(&format!("count=2&offset={offset}")));
        list_answer(&capped, 5)
    });
    let mut pager = client(&fake.script)
        .smart_transactions(SmartTransactionQuery::default())
        .unwrap();
    let mut count = 0;
    while pager.next_transaction().await.unwrap().is_some() {
        count += 1;
    }
    assert_eq!(count, 5);
    assert_eq!(fake.api_requests().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn zero_amounts_and_regional_languages_are_sent_as_the_guides_show() {
    let fake = fake(|_, _| Step::json(200, &stx_json("STX_1", "created")));
    let client = client(&fake.script);
    let mut r = create_request();
    r.amount = Money::from_minor(0, "EUR").unwrap();
    r.language = Some("de_de".into());
    client.create_smart_transaction(r).await.unwrap();
    let mut r = create_request();
    r.language = Some("en-GB".into());
    client.create_smart_transaction(r).await.unwrap();
    let sent = fake.api_requests();
    assert_eq!(
        body(&sent[0])["basket_info"],
        json!({"sum": 0, "currency": "EUR"})
    );
    assert_eq!(body(&sent[0])["application_context"]["language"], "de_DE");
    assert_eq!(body(&sent[1])["application_context"]["language"], "en-GB");
    let update = UpdateSmartTransaction {
        amount: Some(Money::from_minor(0, "EUR").unwrap()),
        basket: Some(Vec::new()),
        ..UpdateSmartTransaction::default()
    };
    client
        .update_smart_transaction("STX_1", update)
        .await
        .unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_collection_slot_is_sent_as_the_models_time_slot() {
    let fake = fake(|_, _| Step::json(200, &stx_json("STX_1", "collected")));
    let client = client(&fake.script);
    let delivery: Delivery = serde_json::from_value(json!({
        "type": "collection",
        "scheduled_slot": {"start_date": "2026-12-05T10:00:00+01:00", "end_date": "2026-12-05T12:00:00+01:00"},
        "store_id": "STO_1"
    }))
    .unwrap();
    client.set_delivery("STX_1", delivery).await.unwrap();
    assert_eq!(
        body(&fake.api_requests()[0]),
        json!({"delivery_options": {"type": "collection", "store_id": "STO_1",
            "scheduled_slot": {"start_date": "2026-12-05T10:00:00+01:00", "end_date": "2026-12-05T12:00:00+01:00"}}})
    );
    assert!(
        serde_json::from_value::<Delivery>(
            json!({"type": "collection", "scheduled_slot": "tomorrow 10-12"})
        )
        .is_err(),
        "a slot is {{start_date, end_date}}, not text"
    );
}

#[tokio::test(start_paused = true)]
async fn only_code_2003_is_an_expired_token() {
    // 403 ProductNotAllowedException with another code: the call is refused, the token is
    // fine; no refresh, no replay.
    let fake = fake(|_, _| {
        Step::json(
            403,
            r#"{"status":"error","error":"ProductNotAllowedException","error_details":"Payment method not allowed for this contract","code":2007,"supportId":"abc"}"#,
        )
    });
    let client = client(&fake.script);
    let error = client.get_smart_transaction("STX_1").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Permission);
    assert_eq!((fake.tokens(), fake.api_calls()), (1, 1));
}

#[tokio::test(start_paused = true)]
async fn a_partial_refund_is_checked_against_what_is_left() {
    // 10.00 paid, 6.00 refunded already: checkStatus says 4.00 are left.
    let fake = fake(|request, _| {
        if request.url.path().ends_with("/checkStatus") {
            Step::json(
                200,
                r#"{"status":17,"status_simple":1,"amount":400,"currency":"EUR"}"#,
            )
        } else {
            Step::json(
                200,
                r#"{"object":"payment.transactions","id":"PCI_1","amount":1000,"currency":"EUR","status":17,"details":{"status_simple":1}}"#,
            )
        }
    });
    let client = client(&fake.script);
    let error = client
        .cancel_payment_transaction(
            "PCI_1",
            CancelPayment::partial(Money::from_minor(500, "EUR").unwrap()),
        )
        .await
        .unwrap_err();
    assert_eq!(error.field(), Some("reduce_amount_by"), "{error}");
    assert!(
        fake.api_requests()
            .iter()
            .all(|r| r.method == ::http::Method::GET),
        "nothing was sent"
    );
}

#[tokio::test(start_paused = true)]
async fn payment_transactions_read_as_the_model_has_them() {
    let fake = fake(|request, _| {
        let body = if request.url.path().ends_with("PCI_CHILD") {
            json!({"object": "payment.transactions", "id": "PCI_CHILD", "trans_id": 2,
                "amount": -300, "currency": "EUR", "product": "Erstattung",
                "status": 6, "status_text": "abgeschlossen",
                "details": {"status": 6, "status_simple": 1, "status_simple_text": "accepted"},
                "parents": [{"object": "payment.transactions", "id": "PCI_1", "trans_id": 1,
                    "ref_type_id": 19, "ref_type_raw": "refund", "hierarchy": "parent"}]})
        } else {
            json!({"object": "payment.transactions", "id": "PCI_1", "trans_id": 1,
                "amount": 1000, "currency": "EUR", "status": 17, "accrual": false,
                "details": {"status": 17, "status_simple": 1},
                "related_transactions": [{"object": "payment.transactions", "id": "PCI_CHILD",
                    "trans_id": 2, "ref_type_id": 19, "ref_type_raw": "refund", "hierarchy": "child"}]})
        };
        Step::json(200, &body.to_string())
    });
    let client = client(&fake.script);
    let payment = client.get_payment_transaction("PCI_1").await.unwrap();
    assert_eq!(payment.status.as_deref(), Some("17"));
    assert_eq!(payment.status_simple, Some(1));
    assert_eq!(payment.related_transactions.len(), 1);
    let child = &payment.related_transactions[0];
    assert_eq!(child.id, "PCI_CHILD");
    assert_eq!(child.hierarchy.as_deref(), Some("child"));
    assert_eq!((child.trans_id, child.ref_type_id), (Some(2), Some(19)));
    assert!(!payment.is_refund());
    let refund = client.get_payment_transaction("PCI_CHILD").await.unwrap();
    assert!(refund.is_refund());
    assert_eq!(refund.signed_amount, Some(-300));
    assert_eq!(refund.amount, Some(Money::from_minor(300, "EUR").unwrap()));
    assert_eq!(refund.parents[0].id, "PCI_1");
}

#[tokio::test(start_paused = true)]
async fn a_push_naming_a_hash_is_read_in_the_old_format() {
    let fake = fake(|request, _| {
        let path = request.url.path();
        if path.ends_with("/OldFormat") {
            Step::json(
                200,
                r#"{"trans_id":123,"status":"accepted","amount":990,"currency":"CHF","payment_id":"PCI_TWINT1"}"#,
            )
        } else if path.ends_with("/PCI_TWINT1") {
            Step::json(
                200,
                r#"{"object":"payment.transactions","id":"PCI_TWINT1","amount":990,"currency":"CHF","status":17,"details":{"status_simple":1}}"#,
            )
        } else {
            Step::json(
                404,
                r#"{"status":"error","error":"ProductNotFoundException","error_details":"not found","code":2002}"#,
            )
        }
    });
    let client = client(&fake.script);
    let push = parse_push(
        br#"{"object":"event.pushes","id":"evt_1","target":"payment.transactions","type":"changed","data":[{"object":"payment.transactions","id":"qwtzvbmbrpsl5409381"}]}"#,
    )
    .unwrap();
    let payments = client.fetch_push_payment_transactions(&push).await.unwrap();
    assert_eq!(payments[0].id, "PCI_TWINT1");
    assert_eq!(payments[0].status_simple, Some(1));
    let paths: Vec<_> = fake
        .api_requests()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/api/v2/Payment/Transactions/qwtzvbmbrpsl5409381/OldFormat",
            "/api/v2/Payment/Transactions/PCI_TWINT1",
        ]
    );
}

#[test]
fn the_showcase_environment_has_its_own_host() {
    let env = Environment::parse("showcase").unwrap();
    assert_eq!(env, Environment::Showcase);
    assert_eq!(env.as_str(), "showcase");
    let client = Client::builder()
        .client_id("c")
        .client_secret("s")
        .environment(env)
        .transport(Arc::new(Scripted::new(vec![])))
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://connect-showcase.secupay-ag.de/");
    assert_eq!(
        Environment::parse("staging").unwrap_err().field(),
        Some("environment")
    );
}
