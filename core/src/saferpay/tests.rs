//! Management API contract tests (fixtures from the provider's documentation) and request
//! behaviour with a scripted transport.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};

use super::*;
use crate::error::ErrorKind;
use crate::http::FailureStage;
use crate::http::scripted::{Scripted, Step};
use crate::money::Money;

fn fixture(name: &str) -> Value {
    let path = format!("{}{name}", fixtures_dir!("saferpay/"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn client(script: &Scripted) -> Client {
    Client::builder()
        .customer_id("123456")
        .username("API_123456_12345678")
        .password("secret-password-42")
        .terminal_id("12345678")
        .base_url("https://test.example/api")
        .transport(Arc::new(script.clone()))
        .build()
        .unwrap()
}

fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2020, 4, 20, 12, 0, 0).unwrap()
}

/// The documented create example, with the Description the dictionary makes mandatory.
fn documented_offer() -> CreateOffer {
    let expires = DateTime::parse_from_rfc3339("2020-04-23T00:00:00+02:00").unwrap();
    let mut request = CreateOffer::new(
        Money::from_minor(404, "CHF").unwrap(),
        "094c2a7ce1374f7ca184591f123b154d",
        "Invoice 4711",
        expires,
    );
    request.pre_auth = true;
    request.payer = Some(Payer {
        language_code: Some("de".into()),
        billing_address: Some(Address {
            first_name: Some("John".into()),
            last_name: Some("Doe".into()),
            company: Some("Worldline".into()),
            gender: Some("MALE".into()),
            street: Some("Mustergasse 123".into()),
            zip: Some("8008".into()),
            city: Some("Zurich".into()),
            country_code: Some("CH".into()),
            email: Some("payer@provider.com".into()),
            ..Address::default()
        }),
        ..Payer::default()
    });
    request
}

#[test]
fn offer_request_matches_the_documented_example() {
    let built = documented_offer().to_wire(fixed_now()).unwrap();
    let mut expected = fixture("spg_offer_create.request.json");
    // The documented example omits the mandatory Description; everything else is identical.
    expected["Payment"]["Description"] = json!("Invoice 4711");
    assert_eq!(built, expected);
}

#[test]
fn the_documented_example_without_description_is_refused() {
    let mut request = documented_offer();
    request.description = String::new();
    let err = request.to_wire(fixed_now()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.field(), Some("description"));
}

#[test]
fn offer_limits_are_checked_before_sending() {
    let now = fixed_now();
    let at = |d: Duration| (now + d).fixed_offset();
    let ok = CreateOffer::new(
        Money::from_minor(100, "CHF").unwrap(),
        "o-1",
        "d",
        at(Duration::hours(2)),
    );
    assert!(ok.to_wire(now).is_ok());
    let cases: Vec<(CreateOffer, &str)> = vec![
        (
            CreateOffer {
                expires_at: at(Duration::minutes(59)),
                ..ok.clone()
            },
            "expires_at",
        ),
        (
            CreateOffer {
                expires_at: at(Duration::days(181)),
                ..ok.clone()
            },
            "expires_at",
        ),
        (
            CreateOffer {
                description: "x".repeat(101),
                ..ok.clone()
            },
            "description",
        ),
        (
            CreateOffer {
                order_id: "a/b".into(),
                ..ok.clone()
            },
            "order_id",
        ),
        (
            CreateOffer {
                order_id: "x".repeat(81),
                ..ok.clone()
            },
            "order_id",
        ),
        (
            CreateOffer {
                max_payment_attempts: Some(4),
                ..ok.clone()
            },
            "max_payment_attempts",
        ),
        (
            CreateOffer {
                amount: Money::from_minor(0, "CHF").unwrap(),
                ..ok.clone()
            },
            "amount",
        ),
        (
            CreateOffer {
                config_set: Some("x".repeat(21)),
                ..ok.clone()
            },
            "config_set",
        ),
        (
            CreateOffer {
                condition: Some("SOMETIMES".into()),
                ..ok.clone()
            },
            "condition",
        ),
        (
            CreateOffer {
                payer: Some(Payer {
                    language_code: Some("fr_CH".into()),
                    ..Payer::default()
                }),
                ..ok.clone()
            },
            "payer.language_code",
        ),
        (
            CreateOffer {
                payer: Some(Payer {
                    billing_address: Some(Address {
                        email: Some("nope".into()),
                        ..Address::default()
                    }),
                    ..Payer::default()
                }),
                ..ok.clone()
            },
            "payer.billing_address.email",
        ),
        (
            CreateOffer {
                billing_address_form: Some(BillingAddressForm {
                    address_source: "SOMETIMES".into(),
                    mandatory_fields: vec![],
                }),
                ..ok.clone()
            },
            "billing_address_form.address_source",
        ),
        (
            CreateOffer {
                order: Some(Order {
                    items: vec![OrderItem {
                        tax_rate: Some(100_000),
                        ..OrderItem::default()
                    }],
                }),
                ..ok.clone()
            },
            "order.items[0].tax_rate",
        ),
    ];
    for (request, field) in cases {
        let err = request.to_wire(now).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation, "{field}");
        assert_eq!(err.field(), Some(field), "{err}");
    }
}

#[test]
fn management_fixtures_deserialise() {
    let offer =
        offers::offer_from_wire(fixture("spg_offer_get.response.json"), "12345678").unwrap();
    assert_eq!(offer.status, OfferStatus::Open);
    assert_eq!(offer.amount, Some(Money::from_minor(100, "CHF").unwrap()));
    assert_eq!(offer.description.as_deref(), Some("Hallo"));
    assert_eq!(offer.transaction_id, None);
    let created =
        offers::offer_from_wire(fixture("spg_offer_create.response.json"), "12345678").unwrap();
    assert_eq!(created.offer_id, "503a3d7b-072b-400f-9e7e-8ec15191c737");

    for name in [
        "license.response.json",
        "license_configuration.response.json",
    ] {
        let license = account::license_from_wire(fixture(name)).unwrap();
        assert_eq!(license.package_id, "SAFERPAY_FLEX");
        assert_eq!(license.features.len(), 2);
    }
    let terminals = account::terminals_from_wire(fixture("terminals.response.json")).unwrap();
    assert_eq!(terminals.len(), 3);
    assert_eq!(terminals[2].terminal_type, "SPG");
    let terminal = account::terminal_from_wire(fixture("terminal.response.json")).unwrap();
    assert!(
        terminal
            .payment_methods
            .iter()
            .any(|m| m.payment_method == "VISA")
    );
    assert!(!terminal.wallets.is_empty());
    let methods =
        account::terminal_from_wire(fixture("terminal_payment_methods.response.json")).unwrap();
    assert!(!methods.payment_methods.is_empty());
    let configs =
        account::configurations_from_wire(&fixture("payment_page_configurations.response.json"));
    assert_eq!(configs.len(), 3);
    assert!(configs[0].is_default && configs[0].name == "default");

    let page = fixture("transactions_report.response.json");
    let tx = reporting::ReportedTransaction::from_wire(page["Transactions"][0].clone()).unwrap();
    assert_eq!(tx.id, "j8nCKMAr5bptUApfdp1MbEQpMpSb");
    assert_eq!(tx.amount, Some(Money::from_minor(500, "EUR").unwrap()));
    assert_eq!(
        tx.captured_amount,
        Some(Money::from_minor(300, "EUR").unwrap())
    );
    assert_eq!(tx.status, "AUTHORIZED");
    assert_eq!(tx.terminal_id, "1000001");
    assert_eq!(tx.date.as_deref(), Some("2025-08-14T12:41:30.618"));
}

#[test]
fn reporting_amounts_accept_objects_and_strings() {
    let object =
        json!({"TransactionId": "t1", "MerchantAmount": {"Value": "17.50", "CurrencyCode": "CHF"}});
    let tx = reporting::ReportedTransaction::from_wire(object).unwrap();
    assert_eq!(tx.amount, Some(Money::from_minor(1750, "CHF").unwrap()));
    let jpy = json!({"TransactionId": "t2", "MerchantAmount": "1500", "MerchantCurrency": "JPY", "FailedDetails": []});
    let tx = reporting::ReportedTransaction::from_wire(jpy).unwrap();
    assert_eq!(tx.amount, Some(Money::from_minor(1500, "JPY").unwrap()));
}

#[test]
fn fields_token_request_matches_the_documented_example() {
    let script = Scripted::new(vec![Step::json(
        200,
        r#"{"AccessToken":"67f47961-2912-4338-8039-22ac2b8486f3"}"#,
    )]);
    let token = crate::rt::block_on({
        let c = client(&script);
        async move {
            c.create_fields_access_token(
                "Saferpay Fields Access Token for YourShop",
                &[
                    "https://a.yourshop.com/".into(),
                    "https://b.yourshop.com/".into(),
                ],
                None,
            )
            .await
        }
    })
    .unwrap();
    assert_eq!(token, "67f47961-2912-4338-8039-22ac2b8486f3");
    let sent = script.requests();
    let body: Value = serde_json::from_slice(sent[0].body.as_ref().unwrap()).unwrap();
    assert_eq!(body, fixture("fields_access_token_create.request.json"));
    assert_eq!(
        sent[0].url.as_str(),
        "https://test.example/api/rest/customers/123456/terminals/12345678/fields-access-tokens"
    );
}

#[test]
fn management_headers_and_request_id_reuse_on_retry() {
    // Failures that cannot have created the offer are retried: a connection never made, and a
    // 429 refusal (waited out).
    let script = Scripted::new(vec![
        Step::Fail(FailureStage::NotSent),
        Step::html(429, "<html>Too Many Requests</html>"),
        Step::json(200, &fixture("spg_offer_create.response.json").to_string()),
    ]);
    let c = client(&script).with_options(RequestOptions {
        max_retries: Some(2),
        ..RequestOptions::default()
    });
    let mut request = documented_offer();
    request.expires_at = (Utc::now() + Duration::days(2)).fixed_offset();
    let offer = crate::rt::block_on(async move { c.create_offer(request).await }).unwrap();
    assert_eq!(offer.status, OfferStatus::Open);
    assert_eq!(offer.amount, Some(Money::from_minor(404, "CHF").unwrap()));
    let sent = script.requests();
    assert_eq!(sent.len(), 3);
    let ids: Vec<_> = sent
        .iter()
        .map(|r| {
            r.headers
                .get("Saferpay-RequestId")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(
        ids.iter().all(|id| id == &ids[0]),
        "one request id for every attempt: {ids:?}"
    );
    for request in &sent {
        assert_eq!(
            request.headers.get("Saferpay-ApiVersion").unwrap(),
            DEFAULT_SPEC_VERSION
        );
        let auth = request
            .headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(auth.starts_with("Basic "));
        assert_eq!(request.method, ::http::Method::POST);
    }
}

#[test]
fn offer_create_is_never_sent_again_once_it_may_have_arrived() {
    // No API call finds an offer by its order id, so a 503, a reset or an unreadable answer
    // ends the call: sending again could make a second payable offer for the order.
    for first in [
        Step::html(503, "<html>Service Unavailable</html>"),
        Step::Fail(FailureStage::MaybeSent),
        Step::json(200, "{\"OfferId\":"),
    ] {
        let script = Scripted::new(vec![
            first,
            Step::json(200, &fixture("spg_offer_create.response.json").to_string()),
        ]);
        let c = client(&script);
        let mut request = documented_offer();
        request.expires_at = (Utc::now() + Duration::days(2)).fixed_offset();
        let order_id = request.order_id.clone();
        let err = crate::rt::block_on(async move { c.create_offer(request).await }).unwrap_err();
        assert_eq!(err.kind(), crate::error::ErrorKind::OutcomeUnknown);
        assert!(err.outcome_unknown());
        assert!(
            err.settle_with().is_some_and(|s| s.contains(&order_id)),
            "{err:?}"
        );
        assert_eq!(script.requests().len(), 1, "sent once");
    }
}

#[test]
fn caller_supplied_request_id_is_used() {
    let script = Scripted::new(vec![Step::json(
        200,
        &fixture("license.response.json").to_string(),
    )]);
    let c = client(&script).with_options(RequestOptions {
        request_id: Some("my-order-4711-attempt".into()),
        ..RequestOptions::default()
    });
    crate::rt::block_on(async move { c.license().await }).unwrap();
    assert_eq!(
        script.requests()[0]
            .headers
            .get("Saferpay-RequestId")
            .unwrap(),
        "my-order-4711-attempt"
    );
}

#[test]
fn reporting_pages_serially_until_the_total() {
    let tx = |id: usize| json!({"TransactionId": format!("t{id}"), "MerchantAmount": "1.00", "MerchantCurrency": "CHF"});
    let page = |ids: std::ops::Range<usize>| {
        json!({"PageNumber": 0, "PageSize": 2, "TotalTransactions": 5, "Transactions": ids.map(tx).collect::<Vec<_>>()}).to_string()
    };
    let script = Scripted::new(vec![
        Step::json(200, &page(0..2)),
        Step::json(200, &page(2..4)),
        Step::json(200, &page(4..5)),
    ]);
    let c = client(&script);
    let mut query = TransactionQuery::parse("2020-01-01", "2020-01-02T23:59").unwrap();
    query.page_size = 1000;
    let iter = crate::blocking::SaferpayClient::new(c)
        .transactions(query)
        .unwrap();
    let ids: Vec<String> = iter.map(|t| t.unwrap().id).collect();
    assert_eq!(ids, ["t0", "t1", "t2", "t3", "t4"]);
    let sent = script.requests();
    assert_eq!(
        sent.len(),
        3,
        "stops at the total without an extra empty page"
    );
    let query_of = |i: usize| sent[i].url.query().unwrap().to_owned();
    assert!(query_of(0).contains("PageNumber=1") && query_of(2).contains("PageNumber=3"));
    assert!(
        query_of(0).contains("StartDate=2020-01-01")
            && query_of(0).contains("EndDate=2020-01-02T23%3A59")
    );
    assert_eq!(
        sent[0].headers.get("Saferpay-ApiVersion").unwrap(),
        DEFAULT_SPEC_VERSION
    );
}

#[test]
fn reporting_query_is_validated() {
    let today = Utc::now().date_naive();
    let c = client(&Scripted::new(vec![]));
    let end_today =
        TransactionQuery::parse("2020-01-01", &today.format("%Y-%m-%d").to_string()).unwrap();
    assert_eq!(c.transactions(end_today).unwrap_err().field(), Some("end"));
    let mut big = TransactionQuery::parse("2020-01-01", "2020-01-02").unwrap();
    big.page_size = 2001;
    assert_eq!(c.transactions(big).unwrap_err().field(), Some("page_size"));
    let backwards = TransactionQuery::parse("2020-01-03", "2020-01-02").unwrap();
    assert_eq!(
        c.transactions(backwards).unwrap_err().field(),
        Some("start")
    );
    assert_eq!(
        TransactionQuery::parse("2020-01-01T10:00:00", "2020-01-02")
            .unwrap_err()
            .field(),
        Some("start")
    );
}

#[test]
fn debug_never_shows_the_password() {
    let c = client(&Scripted::new(vec![]));
    let shown = format!("{c:?}");
    assert!(!shown.contains("secret-password-42"), "{shown}");
    assert!(shown.contains("123456"));
}

#[test]
fn plain_http_to_a_remote_host_is_a_configuration_error() {
    let err = Client::builder()
        .customer_id("1")
        .username("u")
        .password("p")
        .base_url("http://saferpay.example/api")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
}

#[test]
fn blocking_call_inside_a_runtime_is_refused_not_a_panic() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let c = crate::blocking::SaferpayClient::new(client(&Scripted::new(vec![])));
    let err = rt.block_on(async move { c.license() }).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
}

#[test]
fn many_threads_share_one_runtime() {
    let script = Scripted::new(
        (0..16)
            .map(|_| Step::json(200, &fixture("license.response.json").to_string()))
            .collect(),
    );
    let c = crate::blocking::SaferpayClient::new(client(&script));
    let handles: Vec<_> = (0..16)
        .map(|_| {
            let c = c.clone();
            std::thread::spawn(move || c.license().map(|l| l.package_id))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap().unwrap(), "SAFERPAY_FLEX");
    }
}

#[test]
fn dropping_an_async_call_aborts_the_request() {
    use std::sync::atomic::{AtomicBool, Ordering};
    struct Flagged(Arc<AtomicBool>);
    impl Drop for Flagged {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    struct Hanging(Arc<AtomicBool>);
    impl crate::http::Transport for Hanging {
        fn send(
            &self,
            _: crate::http::HttpRequest,
        ) -> futures_util::future::BoxFuture<
            'static,
            Result<crate::http::HttpResponse, crate::http::TransportFailure>,
        > {
            let guard = Flagged(self.0.clone());
            Box::pin(async move {
                let _guard = guard;
                std::future::pending::<()>().await;
                unreachable!()
            })
        }
    }
    let dropped = Arc::new(AtomicBool::new(false));
    let c = Client::builder()
        .customer_id("123456")
        .username("u")
        .password("p")
        .base_url("https://test.example/api")
        .transport(Arc::new(Hanging(dropped.clone())))
        .build()
        .unwrap();
    let caller = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    caller.block_on(async {
        let call = c.license();
        // Give the request time to start, then stop waiting for it.
        let _ = tokio::time::timeout(std::time::Duration::from_millis(100), call).await;
    });
    for _ in 0..100 {
        if dropped.load(Ordering::SeqCst) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the in-flight request was not aborted");
}
