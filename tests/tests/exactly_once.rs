//! One test per operation class (docs/exactly-once.md): an ambiguous failure leaves exactly one
//! side effect, against a sandbox that does NOT replay answers for a repeated RequestId (a
//! repeated request is executed again, as a provider that does not deduplicate would).

use paywire_testing::SandboxClients;
use std::time::Duration;

use chrono::Utc;
use paywire::{ErrorKind, Money, saferpay, secuconnect, sekurepay};
use paywire_sandbox::{FaultSpec, Sandbox, SandboxOptions};

const TIMEOUT: Duration = Duration::from_millis(500);

fn sandbox() -> Sandbox {
    let sandbox = Sandbox::start_with(SandboxOptions {
        reporting_days: 1,
        reporting_per_day: 10,
        request_id_replay: false,
        finish_abandoned_requests: true,
        ..SandboxOptions::default()
    })
    .unwrap();
    assert!(!sandbox.request_id_replay());
    sandbox
}

fn options() -> paywire::ClientOptions {
    paywire::ClientOptions {
        timeout: TIMEOUT,
        max_retries: 2,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        ..paywire::ClientOptions::default()
    }
}

fn saferpay_client(sandbox: &Sandbox) -> saferpay::Client {
    sandbox
        .saferpay_client_builder()
        .options(options())
        .build()
        .unwrap()
}

fn chf(minor: i64) -> Money {
    Money::from_minor(minor, "CHF").unwrap()
}

fn effect(sandbox: &Sandbox, key: &str) -> u64 {
    sandbox.stats()["effects"][key].as_u64().unwrap()
}

fn no_effect_twice(sandbox: &Sandbox) {
    let twice = &sandbox.stats()["executed_duplicates"];
    for (kind, count) in twice.as_object().unwrap() {
        assert_eq!(count, 0, "{kind} executed twice: {twice}");
    }
}

fn requests(sandbox: &Sandbox, route: &str) -> u64 {
    sandbox.stats()["routes"][route]["requests"]
        .as_u64()
        .unwrap()
}

fn fault(sandbox: &Sandbox, route: &str, mode: &str) {
    sandbox.inject_fault(route, mode, 1).unwrap();
}

fn delay_past_timeout(sandbox: &Sandbox, route: &str) {
    sandbox
        .inject_fault_spec(FaultSpec {
            route: route.to_owned(),
            mode: "delay".parse().unwrap(),
            count: 1,
            delay_ms: Some(800),
        })
        .unwrap();
}

async fn authorized(sandbox: &Sandbox, c: &saferpay::Client, order_id: &str) -> String {
    let page = c
        .initialize_payment_page(saferpay::InitializePaymentPage::new(
            chf(1000),
            order_id,
            "exactly once",
            "https://shop.example/return",
        ))
        .await
        .unwrap();
    sandbox.pay_payment_page(&page.token, "success").unwrap();
    c.assert_payment_page(&page.token)
        .await
        .unwrap()
        .transaction
        .id
}

/// Naturally idempotent / state-checked: a capture whose answer was lost is sent again, the
/// repeat is refused as already captured, and Inquire returns the existing capture.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_checked_capture_and_cancel_happen_once() {
    let sandbox = sandbox();
    let c = saferpay_client(&sandbox);
    for mode in ["drop_after_commit", "malformed_json", "non_json"] {
        let tx = authorized(&sandbox, &c, &format!("cap-{mode}")).await;
        let before = effect(&sandbox, "captures");
        fault(&sandbox, "saferpay.transaction.capture", mode);
        let capture = c.capture(&tx, None).await.unwrap();
        assert_eq!(capture.capture_id, Some(format!("{tx}_c")), "{mode}");
        assert_eq!(
            effect(&sandbox, "captures"),
            before + 1,
            "{mode}: one capture"
        );
        assert_eq!(c.engine_stats().outcome_unknown, 0);
    }
    let tx = authorized(&sandbox, &c, "cancel-once").await;
    fault(&sandbox, "saferpay.transaction.cancel", "drop_after_commit");
    let cancellation = c.cancel(&tx).await.unwrap();
    assert_eq!(cancellation.transaction_id, tx);
    assert_eq!(effect(&sandbox, "cancels"), 1);
    assert!(c.engine_stats().reconciled >= 4);
    no_effect_twice(&sandbox);
}

/// Reconcilable: a refund carries its own OrderId; after an ambiguous failure Inquire by that
/// order id decides between "it exists" and "send it again".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcilable_saferpay_refund_happens_once() {
    let sandbox = sandbox();
    let c = saferpay_client(&sandbox);
    let tx = authorized(&sandbox, &c, "refund-once").await;
    let capture_id = c.capture(&tx, None).await.unwrap().capture_id.unwrap();
    let refunds = |sandbox: &Sandbox| {
        sandbox.saferpay_transaction(&tx).unwrap()["refunds"]
            .as_array()
            .unwrap()
            .len()
    };
    // Executed, answer lost: found by its order id, not sent again.
    for (n, mode) in ["drop_after_commit", "malformed_json"].iter().enumerate() {
        fault(&sandbox, "saferpay.transaction.refund", mode);
        let payment = c
            .refund(saferpay::Refund::new(&capture_id, chf(100)))
            .await
            .unwrap();
        assert_eq!(refunds(&sandbox), n + 1, "{mode}: exactly one refund");
        assert!(payment.transaction.order_id.unwrap().starts_with("pw-rf-"));
    }
    // Refused before executing (500): not found, sent again, once.
    let sent = requests(&sandbox, "saferpay.transaction.refund");
    fault(&sandbox, "saferpay.transaction.refund", "error_500");
    c.refund(saferpay::Refund::new(&capture_id, chf(100)))
        .await
        .unwrap();
    assert_eq!(refunds(&sandbox), 3);
    assert_eq!(requests(&sandbox, "saferpay.transaction.refund"), sent + 2);
    // Timed out while the sandbox still works on it: never sent again; the settling call
    // named in the error finds it once it has landed.
    delay_past_timeout(&sandbox, "saferpay.transaction.refund");
    let err = c
        .refund(saferpay::Refund::new(&capture_id, chf(100)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert!(err.outcome_unknown());
    let settle = err.settle_with().unwrap().to_owned();
    let order_id = settle
        .strip_prefix("inquire_by_order_id(\"")
        .and_then(|s| s.strip_suffix("\")"))
        .unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(refunds(&sandbox), 4, "the timed-out refund landed, once");
    let found = c.inquire_by_order_id(order_id).await.unwrap();
    assert_eq!(found.transaction.amount, chf(100));
    assert_eq!(effect(&sandbox, "refunds"), 4);
    no_effect_twice(&sandbox);
}

/// Reconcilable: a secuconnect refund (cancel with reduce_amount_by) is checked against the
/// payment transaction's linked refunds and checkStatus amount before a second cancel.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcilable_smart_transaction_refund_happens_once() {
    let sandbox = sandbox();
    let c = sandbox
        .secuconnect_client_builder()
        .options(options())
        .build()
        .unwrap();
    let eur = |minor| Money::from_minor(minor, "EUR").unwrap();
    let stx = c
        .create_smart_transaction(secuconnect::CreateSmartTransaction::new(eur(1000)))
        .await
        .unwrap();
    sandbox
        .complete_smart_transaction(&stx.id, "success")
        .unwrap();
    let ptx = sandbox.payment_transaction_of(&stx.id).unwrap();
    let refunds = |sandbox: &Sandbox| {
        sandbox.secuconnect_payment_transaction(&ptx).unwrap()["refunds"]
            .as_array()
            .unwrap()
            .len()
    };
    for (n, mode) in ["drop_after_commit", "non_json", "error_503_html"]
        .iter()
        .enumerate()
    {
        fault(&sandbox, "secuconnect.payment_transactions.cancel", mode);
        let affected = c
            .cancel_payment_transaction(
                &ptx,
                secuconnect::CancelPayment::partial(eur(100 + n as i64)),
            )
            .await
            .unwrap();
        assert_eq!(refunds(&sandbox), n + 1, "{mode}: exactly one refund");
        assert_eq!(affected.len(), 2, "{mode}: the payment and its new refund");
    }
    assert_eq!(effect(&sandbox, "smart_transaction_refunds"), 3);
    no_effect_twice(&sandbox);
}

/// Reconcilable: a SekurePay order carries the merchant's id; an unclear create is looked up
/// by it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcilable_order_happens_once() {
    let sandbox = sandbox();
    let c = sandbox
        .sekurepay_client_builder()
        .options(options())
        .build()
        .unwrap();
    let usd = paywire::Currency::from_code("USD").unwrap();
    for mode in ["drop_after_commit", "error_500", "malformed_json"] {
        let id = format!("order-{mode}");
        fault(&sandbox, "sekurepay.orders.create", mode);
        let order = c
            .create_order(sekurepay::CreateOrder::new(id.clone(), usd).with_item(
                "widget",
                Money::from_minor(2500, "USD").unwrap(),
                2,
            ))
            .await
            .unwrap();
        assert_eq!(order.id, id);
        assert_eq!(sandbox.objects_for_reference(&id)["orders"], 1, "{mode}");
    }
    assert_eq!(effect(&sandbox, "orders_created"), 3);
    no_effect_twice(&sandbox);
}

/// Neither idempotent nor reconcilable: an offer create that may have arrived is never sent
/// again; the error is outcome_unknown and names what settles it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unkeyed_offer_and_multipart_capture_are_never_sent_twice() {
    let sandbox = sandbox();
    let c = saferpay_client(&sandbox);
    let order_id = "offer-once";
    fault(&sandbox, "saferpay.offers.create", "drop_after_commit");
    let err = c
        .create_offer(saferpay::CreateOffer::new(
            chf(404),
            order_id,
            "exactly once",
            (Utc::now() + chrono::Duration::days(2)).fixed_offset(),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert!(err.settle_with().unwrap().contains(order_id));
    assert_eq!(sandbox.objects_for_reference(order_id)["offers"], 1);
    assert_eq!(requests(&sandbox, "saferpay.offers.create"), 1);

    let tx = authorized(&sandbox, &c, "multipart-once").await;
    fault(
        &sandbox,
        "saferpay.transaction.multipart_capture",
        "non_json",
    );
    let err = c
        .multipart_capture(saferpay::MultipartCapture::new(
            tx.clone(),
            chf(300),
            saferpay::MultipartCaptureType::Partial,
            "part-1",
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    let parts = sandbox.saferpay_transaction(&tx).unwrap()["parts"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(parts, 1);
    assert_eq!(
        requests(&sandbox, "saferpay.transaction.multipart_capture"),
        1
    );
    no_effect_twice(&sandbox);
}

/// Reconcilable: AuthorizeDirect, AuthorizeReferenced and RefundDirect carry the caller's
/// order id; an ambiguous failure is settled by Inquire with it, so each moves money once. A
/// Transaction/Authorize whose answer was lost spends its token, so its repeat cannot
/// authorize twice either (it ends `outcome_unknown`, settled by the order id).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcilable_direct_authorizations_and_refunds_happen_once() {
    let sandbox = sandbox();
    let c = saferpay_client(&sandbox);
    let alias = c
        .insert_alias_direct(saferpay::InsertAliasDirect {
            payment_means: saferpay::PaymentMeansInput::card(saferpay::CardInput {
                number: "9010004150000009".into(),
                exp_month: 12,
                exp_year: 2099,
                verification_code: None,
                holder_name: None,
            }),
            register_alias: None,
        })
        .await
        .unwrap();
    let direct = |order_id: String, recurring: bool| saferpay::AuthorizeDirect {
        amount: chf(700),
        order_id,
        description: "exactly once".into(),
        payment_means: saferpay::PaymentMeansInput::alias(alias.id.clone()),
        initiator: "MERCHANT".into(),
        register_alias: None,
        pre_auth: false,
        allow_partial_authorization: false,
        recurring,
        installment: false,
        payer_note: None,
        terminal_id: None,
    };
    for (n, mode) in ["drop_after_commit", "malformed_json", "error_500"]
        .iter()
        .enumerate()
    {
        fault(&sandbox, "saferpay.transaction.authorize_direct", mode);
        let payment = c
            .authorize_direct(direct(format!("ad-{mode}"), true))
            .await
            .unwrap();
        assert_eq!(
            payment.transaction.order_id.as_deref(),
            Some(&*format!("ad-{mode}"))
        );
        assert_eq!(effect(&sandbox, "authorizations"), n as u64 + 1, "{mode}");
    }
    let initial = c
        .inquire_by_order_id("ad-drop_after_commit")
        .await
        .unwrap()
        .transaction
        .id;
    fault(
        &sandbox,
        "saferpay.transaction.authorize_referenced",
        "drop_after_commit",
    );
    c.authorize_referenced(saferpay::AuthorizeReferenced {
        transaction_id: initial,
        amount: chf(700),
        order_id: "ar-1".into(),
        description: "month 2".into(),
        payer_note: None,
        terminal_id: None,
    })
    .await
    .unwrap();
    assert_eq!(effect(&sandbox, "authorizations"), 4);
    let refunds = effect(&sandbox, "refunds");
    for mode in ["drop_after_commit", "non_json"] {
        fault(&sandbox, "saferpay.transaction.refund_direct", mode);
        let refund = c
            .refund_direct(saferpay::RefundDirect {
                amount: chf(300),
                order_id: format!("rd-{mode}"),
                payment_means: saferpay::PaymentMeansInput::alias(alias.id.clone()),
                description: None,
                payer_note: None,
                terminal_id: None,
            })
            .await
            .unwrap();
        assert_eq!(
            refund.transaction.transaction_type,
            saferpay::TransactionType::Refund
        );
    }
    assert_eq!(effect(&sandbox, "refunds"), refunds + 2);

    // Transaction/Authorize: the answer is lost after the commit; the repeat finds the token
    // spent, and the payment exists once.
    let session = c
        .initialize_transaction(saferpay::InitializeTransaction {
            amount: chf(900),
            order_id: "ti-once".into(),
            description: "3-D Secure".into(),
            return_url: "https://shop.example/back".into(),
            payment_means: None,
            payer: None,
            pre_auth: false,
            allow_partial_authorization: false,
            recurring: false,
            installment: false,
            redirect_notify_urls: None,
            payment_methods: Vec::new(),
            config_set: None,
            css_url: None,
            terminal_id: None,
        })
        .await
        .unwrap();
    sandbox.pay_payment_page(&session.token, "success").unwrap();
    fault(
        &sandbox,
        "saferpay.transaction.authorize",
        "drop_after_commit",
    );
    let err = c
        .authorize_transaction(saferpay::AuthorizeTransaction {
            token: session.token.clone(),
            condition: None,
            register_alias: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err:?}");
    assert!(err.settle_with().unwrap().contains("inquire_by_order_id"));
    let found = c.inquire_by_order_id("ti-once").await.unwrap();
    assert_eq!(found.transaction.amount, chf(900));
    assert_eq!(effect(&sandbox, "authorizations"), 5);
    no_effect_twice(&sandbox);
}
