//! secuconnect answers checked against the official SDK models' field names and types
//! (`PaymentTransactionsProductModel`, `ParentObj`, `PaymentTransactionsCheckStatus`,
//! `SmartTransactionsPaymentLinks`, `SmartTransactionsProductModel`), over plain HTTP as the
//! PHP and Java SDKs send it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{Value, json};

/// `PaymentTransactionsProductModel` (with `object` and `id` from its base model).
const PAYMENT_TRANSACTION_FIELDS: &[&str] = &[
    "object",
    "id",
    "created",
    "updated",
    "platform",
    "merchant",
    "store",
    "contract",
    "trans_id",
    "parents",
    "related_transactions",
    "subscription",
    "product_id",
    "product",
    "product_raw",
    "zahlungsmittel_id",
    "contract_id",
    "amount",
    "currency",
    "completion_date",
    "description",
    "description_raw",
    "status",
    "status_text",
    "incoming_payment_date",
    "details",
    "customer",
    "tid",
    "payment_data",
    "store_name",
    "payout_date",
    "invoice_number",
    "transaction_hash",
    "reference_id",
    "incoming_payment_purpose",
    "incoming_payment_iban",
    "incoming_payment_bic",
    "account_owner",
    "accrual",
    "order_id",
    "transmitted_to_bank",
    "documents",
    "load_date",
    "basket",
];
/// `PaymentTransactionsProductModelDetails`.
const DETAILS_FIELDS: &[&str] = &[
    "amount",
    "cleared",
    "status",
    "status_text",
    "status_simple",
    "status_simple_text",
    "description",
    "description_raw",
];
/// `ParentObj`.
const PARENT_OBJ_FIELDS: &[&str] = &[
    "object",
    "id",
    "trans_id",
    "ref_type_id",
    "ref_type_raw",
    "hierarchy",
];
/// `SmartTransactionsPaymentLinks`.
const PAYMENT_LINK_FIELDS: &[&str] = &[
    "prepaid",
    "debit",
    "creditcard",
    "invoice",
    "paypal",
    "sofort",
    "general",
];

fn only_fields(value: &Value, allowed: &[&str], what: &str) {
    assert!(value.is_object(), "{what} is not an object: {value}");
    let object = value.as_object().unwrap();
    for key in object.keys() {
        assert!(
            allowed.contains(&key.as_str()),
            "{what} has {key:?}, which the SDK model does not know"
        );
    }
}

fn check_payment_transaction(p: &Value) {
    only_fields(p, PAYMENT_TRANSACTION_FIELDS, "payment transaction");
    only_fields(&p["details"], DETAILS_FIELDS, "details");
    assert!(p["status"].is_i64(), "status is an int: {}", p["status"]);
    assert!(p["amount"].is_i64());
    assert!(p["trans_id"].is_i64());
    assert!(p["accrual"].is_boolean());
    for list in ["parents", "related_transactions"] {
        for item in p[list].as_array().unwrap() {
            only_fields(item, PARENT_OBJ_FIELDS, list);
            for key in PARENT_OBJ_FIELDS {
                assert!(!item[key].is_null(), "{list} entry without {key}: {item}");
            }
            assert!(item["trans_id"].is_i64() && item["ref_type_id"].is_i64());
        }
    }
}

struct Api {
    c: reqwest::Client,
    token: String,
    base: String,
}

impl Api {
    async fn new(sb: &paywire_sandbox::Sandbox) -> Api {
        let c = no_redirect_client();
        let token = secu_token(&c, sb).await;
        Api {
            c,
            token,
            base: format!("{}/api/v2", sb.url()),
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r = self
            .c
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("accept", "application/json");
        if let Some(body) = body {
            r = r.json(&body);
        }
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> Value {
        let (s, v) = self.send(reqwest::Method::GET, path, None).await;
        assert_eq!(s, 200, "GET {path}: {v}");
        v
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
}

async fn paid_payment(sb: &paywire_sandbox::Sandbox, api: &Api, sum: i64) -> String {
    let (s, stx) = api
        .post(
            "/Smart/Transactions",
            json!({"intent": "sale", "basket_info": {"sum": sum, "currency": "EUR"},
                   "transactionRef": "Order 17", "payment_context": {"auto_capture": true}}),
        )
        .await;
    assert_eq!(s, 200);
    let id = stx["id"].as_str().unwrap();
    sb.complete_smart_transaction(id, "success").unwrap();
    sb.payment_transaction_of(id).unwrap()
}

#[tokio::test]
async fn refund_children_are_parent_objs_and_the_amount_stays() {
    let sb = start();
    let api = Api::new(&sb).await;
    let pci = paid_payment(&sb, &api, 1000).await;
    let p = api.get(&format!("/Payment/Transactions/{pci}")).await;
    check_payment_transaction(&p);
    assert_eq!(p["details"]["status_simple"], 1);
    assert_ne!(
        p["status"], p["details"]["status_simple"],
        "status is the detailed status, not the simple one"
    );
    assert_eq!(p["related_transactions"], json!([]));

    let (s, answer) = api
        .post(
            &format!("/Payment/Transactions/{pci}/cancel"),
            json!({"reduce_amount_by": 300}),
        )
        .await;
    assert_eq!(s, 200);
    let answer = answer.as_array().unwrap();
    assert_eq!(answer.len(), 2);
    for t in answer {
        check_payment_transaction(t);
    }
    let child_id = answer[1]["id"].as_str().unwrap();

    let p = api.get(&format!("/Payment/Transactions/{pci}")).await;
    check_payment_transaction(&p);
    assert_eq!(p["amount"], 1000, "a refund leaves the original amount");
    let related = &p["related_transactions"][0];
    assert_eq!(related["id"], child_id);
    assert_eq!(related["hierarchy"], "child");
    assert_eq!(related["object"], "payment.transactions");

    let child = api.get(&format!("/Payment/Transactions/{child_id}")).await;
    check_payment_transaction(&child);
    assert_eq!(child["amount"], -300, "a refund's amount is negative");
    assert_eq!(child["parents"][0]["id"], pci.as_str());
    assert_eq!(child["parents"][0]["hierarchy"], "parent");
    assert_eq!(child["parents"][0]["trans_id"], p["trans_id"]);

    let status = api
        .get(&format!("/Payment/Transactions/{pci}/checkStatus"))
        .await;
    only_fields(
        &status,
        &[
            "status",
            "status_text",
            "status_simple",
            "status_simple_text",
            "amount",
            "currency",
        ],
        "checkStatus",
    );
    assert_eq!(status["amount"], 700, "checkStatus reports what is left");
    assert_eq!(status["status"], p["status"]);
    assert_ne!(status["status"], status["status_simple"]);
}

#[tokio::test]
async fn smart_transaction_links_and_transactions_follow_the_model() {
    let sb = start();
    let api = Api::new(&sb).await;
    let (s, stx) = api
        .post(
            "/Smart/Transactions",
            json!({"intent": "sale", "basket_info": {"sum": 0, "currency": "EUR"}}),
        )
        .await;
    assert_eq!(s, 200, "amount 0 is accepted, as in the guides: {stx}");
    assert_eq!(
        stx["transactions"],
        json!([]),
        "a Smart Transaction without a payment lists none"
    );
    only_fields(&stx["payment_links"], PAYMENT_LINK_FIELDS, "payment_links");
    for method in PAYMENT_LINK_FIELDS {
        assert!(
            stx["payment_links"][method].is_string(),
            "payment_links.{method} missing: {}",
            stx["payment_links"]
        );
    }
}

async fn pay_on_the_page(api: &Api, link: &str) -> reqwest::Response {
    let html = api.c.get(link).send().await.unwrap().text().await.unwrap();
    let method = link.split("payment-method=").nth(1).unwrap_or("creditcard");
    assert!(
        html.contains(&format!("name=\"payment-method\" value=\"{method}\"")),
        "{html}"
    );
    let action = link.split('?').next().unwrap();
    api.c
        .post(action)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("outcome=success&payment-method={method}"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_checkout_page_pays_with_the_method_of_its_link() {
    let sb = start();
    let api = Api::new(&sb).await;
    let create = || async {
        let (_, stx) = api
            .post(
                "/Smart/Transactions",
                json!({"intent": "sale", "basket_info": {"sum": 2500, "currency": "EUR"}}),
            )
            .await;
        stx
    };

    // Prepayment: pending, with the bank data to transfer to; not paid yet.
    let stx = create().await;
    let id = stx["id"].as_str().unwrap();
    pay_on_the_page(&api, stx["payment_links"]["prepaid"].as_str().unwrap()).await;
    let v = api.get(&format!("/Smart/Transactions/{id}")).await;
    assert_eq!(v["status"], "pending");
    assert_eq!(v["payment_method"], "prepaid");
    assert!(v["payment_instructions"]["iban"].is_string(), "{v}");
    assert!(v["payment_instructions"]["purpose"].is_string());
    let pci = v["transactions"][0]["id"].as_str().unwrap();
    let p = api.get(&format!("/Payment/Transactions/{pci}")).await;
    check_payment_transaction(&p);
    assert_eq!(p["details"]["status_simple"], 10);
    assert_eq!(p["product"], "Vorkasse");
    // The transfer arrives.
    sb.complete_smart_transaction(id, "success").unwrap();
    let v = api.get(&format!("/Smart/Transactions/{id}")).await;
    assert_eq!(v["status"], "ok");

    // Debit, invoice, PayPal, Sofort: paid with that method.
    for method in ["debit", "invoice", "paypal", "sofort"] {
        let stx = create().await;
        let id = stx["id"].as_str().unwrap();
        pay_on_the_page(&api, stx["payment_links"][method].as_str().unwrap()).await;
        let v = api.get(&format!("/Smart/Transactions/{id}")).await;
        assert_eq!(v["status"], "ok", "{method}");
        assert_eq!(v["payment_method"], method);
        let pci = v["transactions"][0]["id"].as_str().unwrap();
        let p = api.get(&format!("/Payment/Transactions/{pci}")).await;
        assert_eq!(p["product_raw"], method);
        assert_eq!(p["details"]["status_simple"], 1);
    }
}

#[tokio::test]
async fn range_queries_as_the_docs_recommend() {
    let sb = start();
    let api = Api::new(&sb).await;
    for sum in [100, 200, 300] {
        api.post(
            "/Smart/Transactions",
            json!({"basket_info": {"sum": sum, "currency": "EUR"}}),
        )
        .await;
    }
    let all = api
        .get("/Smart/Transactions?q=created:%5B2000-01-01%20TO%20*%5D")
        .await;
    assert_eq!(all["count"], 3, "{all}");
    let none = api
        .get("/Smart/Transactions?q=created:%5B*%20TO%202000-01-01%5D")
        .await;
    assert_eq!(none["count"], 0);
    let (s, _) = api
        .send(
            reqwest::Method::GET,
            "/Smart/Transactions?q=basket_info.sum:%5B100%20TO%20300",
            None,
        )
        .await;
    assert_eq!(s, 400);
    let some = api
        .get("/Smart/Transactions?q=basket_info.sum:%7B100%20TO%20300%7D")
        .await;
    assert_eq!(some["count"], 1);
}

/// `PaymentContainersProductModel`.
const CONTAINER_FIELDS: &[&str] = &[
    "object",
    "id",
    "created",
    "updated",
    "merchant",
    "contract",
    "customer",
    "type",
    "public",
    "private",
    "mandate",
    "token_status",
];
/// `PaymentContainerMandate`.
const MANDATE_FIELDS: &[&str] = &[
    "sepa_mandate_id",
    "iban",
    "bic",
    "type",
    "status",
    "identification",
    "creditor_id",
];

/// The official custom-checkout demo's sequence: a container for the payer's bank account,
/// a Smart Transaction, `prepare/debit` with the container's id, `start`.
#[tokio::test]
async fn custom_checkout_with_a_payment_container() {
    let sb = start();
    let api = Api::new(&sb).await;
    let (s, container) = api
        .post(
            "/Payment/Containers",
            json!({"type": "bank_account",
                   "private": {"owner": "Max Mustermann", "iban": "DE35 5001 0517 5418 4931 88"}}),
        )
        .await;
    assert_eq!(s, 200, "{container}");
    only_fields(&container, CONTAINER_FIELDS, "container");
    only_fields(&container["mandate"], MANDATE_FIELDS, "mandate");
    let pct = container["id"].as_str().unwrap();
    assert!(pct.starts_with("PCT_"));
    assert_eq!(container["type"], "bank_account");
    assert_eq!(
        api.get(&format!("/Payment/Containers/{pct}")).await["id"],
        pct
    );
    let (s, _) = api
        .post(
            "/Payment/Containers",
            json!({"type": "bank_account", "private": {"owner": "Max", "iban": "DE35500105175418493189"}}),
        )
        .await;
    assert_eq!(s, 400, "a wrong check digit is refused");

    let (_, stx) = api
        .post(
            "/Smart/Transactions",
            json!({"intent": "sale", "basket_info": {"sum": 1990, "currency": "EUR"}}),
        )
        .await;
    let id = stx["id"].as_str().unwrap();
    let (s, _) = api
        .post(
            &format!("/Smart/Transactions/{id}/prepare/debit"),
            json!({"container": {"id": "PCT_UNKNOWN"}}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, v) = api
        .post(
            &format!("/Smart/Transactions/{id}/prepare/debit"),
            json!({"container": {"id": pct}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "approved");
    assert_eq!(v["container"]["id"], pct);
    let (s, v) = api
        .post(&format!("/Smart/Transactions/{id}/start"), json!({}))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "ok");

    let list = api.get("/Payment/Containers?count=10").await;
    assert_eq!(list["count"], 1);
    let (s, deleted) = api
        .send(
            reqwest::Method::DELETE,
            &format!("/Payment/Containers/{pct}"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(deleted[0]["id"], pct);
    let (s, _) = api
        .send(
            reqwest::Method::GET,
            &format!("/Payment/Containers/{pct}"),
            None,
        )
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn payment_methods_list_capture_accrual_and_old_format() {
    let sb = start();
    let api = Api::new(&sb).await;
    let methods = api
        .get(&format!(
            "/Payment/Contracts/{}/paymentMethods",
            paywire_sandbox::credentials::SECUCONNECT_CONTRACT_ID
        ))
        .await;
    let methods: Vec<&str> = methods
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(methods.contains(&"prepaid") && methods.contains(&"sofort"));

    // An authorised card payment (prepare without auto_capture), captured with less.
    let (_, stx) = api
        .post(
            "/Smart/Transactions",
            json!({"intent": "sale", "basket_info": {"sum": 1000, "currency": "EUR"}}),
        )
        .await;
    let id = stx["id"].as_str().unwrap();
    let (_, v) = api
        .post(
            &format!("/Smart/Transactions/{id}/prepare/creditcard"),
            json!({}),
        )
        .await;
    assert_eq!(v["status"], "approved");
    let pci = v["transactions"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        api.get(&format!(
            "/Payment/Containers/{}",
            v["container"]["id"].as_str().unwrap()
        ))
        .await["type"],
        "credit_card"
    );
    let (s, p) = api
        .post(
            &format!("/Payment/Transactions/{pci}/capture"),
            json!({"amount": 800}),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    check_payment_transaction(&p);
    assert_eq!(p["details"]["status_simple"], 1);
    assert_eq!(p["amount"], 800);
    let (s, _) = api
        .post(&format!("/Payment/Transactions/{pci}/capture"), json!({}))
        .await;
    assert_eq!(s, 400, "captured once");
    assert_eq!(
        api.get(&format!("/Smart/Transactions/{id}")).await["status"],
        "ok"
    );

    // An invoice payment is an accrual until revoked.
    let pci2 = {
        let (_, stx) = api
            .post(
                "/Smart/Transactions",
                json!({"intent": "sale", "basket_info": {"sum": 500, "currency": "EUR"}}),
            )
            .await;
        let id = stx["id"].as_str().unwrap();
        let (_, v) = api
            .post(
                &format!("/Smart/Transactions/{id}/start/invoice"),
                json!({}),
            )
            .await;
        v["transactions"][0]["id"].as_str().unwrap().to_string()
    };
    let p = api.get(&format!("/Payment/Transactions/{pci2}")).await;
    assert_eq!(p["accrual"], true);
    let (s, p) = api
        .post(
            &format!("/Payment/Transactions/{pci2}/revokeAccrual"),
            json!({}),
        )
        .await;
    assert_eq!((s, &p["accrual"]), (200, &json!(false)));
    let (s, _) = api
        .post(
            &format!("/Payment/Transactions/{pci2}/revokeAccrual"),
            json!({}),
        )
        .await;
    assert_eq!(s, 400);

    let list = api
        .get("/Payment/Transactions?q=details.status_simple:1&count=1&offset=1")
        .await;
    assert_eq!(list["count"], 2);
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    check_payment_transaction(&list["data"][0]);

    // The old format answers by PCI_ id and by transaction hash.
    let hash = p["transaction_hash"].as_str().unwrap();
    let old = api
        .get(&format!("/Payment/Transactions/{hash}/OldFormat"))
        .await;
    assert_eq!(old["payment_id"], pci2.as_str());
    assert_eq!(old["trans_id"], p["trans_id"]);
    let (s, _) = api
        .send(
            reqwest::Method::GET,
            &format!("/Payment/Transactions/{hash}"),
            None,
        )
        .await;
    assert_eq!(s, 404, "the v2 read takes the PCI_ id");
}

/// A custom checkout with an external step: `prepare/paypal` answers an `iframe_url` the payer
/// completes; `start` before that is refused, after it captures.
#[tokio::test]
async fn paypal_waits_for_the_payer_at_the_iframe_url() {
    let sb = start();
    let api = Api::new(&sb).await;
    let (_, stx) = api
        .post(
            "/Smart/Transactions",
            json!({"intent": "sale", "basket_info": {"sum": 1500, "currency": "EUR"},
                   "application_context": {"return_urls": {"url_success": "http://127.0.0.1:9/ok"}}}),
        )
        .await;
    let id = stx["id"].as_str().unwrap();
    let (s, v) = api
        .post(
            &format!("/Smart/Transactions/{id}/prepare/paypal"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v["status"], "created",
        "nothing authorised before the payer"
    );
    let iframe = v["iframe_url"].as_str().expect("an iframe_url").to_string();
    let (s, _) = api
        .post(&format!("/Smart/Transactions/{id}/start"), json!({}))
        .await;
    assert_eq!(s, 400, "start waits for the payer");

    let r = pay_on_the_page(&api, &iframe).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "http://127.0.0.1:9/ok");
    let v = api.get(&format!("/Smart/Transactions/{id}")).await;
    assert_eq!(v["status"], "approved");
    let pci = v["transactions"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        api.get(&format!("/Payment/Transactions/{pci}")).await["details"]["status_simple"],
        2
    );
    let (s, v) = api
        .post(&format!("/Smart/Transactions/{id}/start"), json!({}))
        .await;
    assert_eq!((s, &v["status"]), (200, &json!("ok")));
    assert_eq!(
        api.get(&format!("/Payment/Transactions/{pci}")).await["details"]["status_simple"],
        1
    );
}
