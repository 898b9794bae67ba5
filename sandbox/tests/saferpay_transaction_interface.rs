//! Saferpay Transaction interface and Secure Card Data on the wire: Initialize → 3-D Secure page
//! → Authorize, AuthorizeDirect with an alias, AuthorizeReferenced, RefundDirect, the alias
//! store (insert form, direct insert, update, inquire, expiry, delete), Batch/Close, and
//! RegisterAlias on the payment page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use paywire_sandbox::credentials::*;
use serde_json::{Value, json};

const CARD: &str = "9010004150000009";

fn code(v: &Value) -> &str {
    v["ErrorName"].as_str().unwrap_or("")
}

async fn initialize_tx(
    c: &reqwest::Client,
    sb: &paywire_sandbox::Sandbox,
    order: &str,
    extra: Value,
) -> Value {
    let mut body = json!({
        "TerminalId": SAFERPAY_TERMINAL_ID,
        "Payment": {"Amount": {"Value": "500", "CurrencyCode": "CHF"}, "OrderId": order},
        "ReturnUrl": {"Url": "http://127.0.0.1:9/back"},
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (s, v) = json_api(c, sb, "Transaction/Initialize", body).await;
    assert_eq!(s, 200, "{v}");
    v
}

#[tokio::test]
async fn initialize_redirects_and_authorize_waits_for_the_payer() {
    let sb = start();
    let c = no_redirect_client();
    let init = initialize_tx(
        &c,
        &sb,
        "ti-1",
        json!({"Payment": {"Amount": {"Value": "500", "CurrencyCode": "CHF"}, "OrderId": "ti-1", "Recurring": {"Initial": true}}}),
    )
    .await;
    assert_eq!(init["RedirectRequired"], true);
    assert_eq!(init["Redirect"]["PaymentMeansRequired"], true);
    assert!(init.get("LiabilityShift").is_none());
    let token = init["Token"].as_str().unwrap().to_string();
    let (s, v) = json_api(&c, &sb, "Transaction/Authorize", json!({"Token": token})).await;
    assert_eq!((s, code(&v)), (402, "TRANSACTION_NOT_STARTED"), "{v}");

    // The payer opens the page (it works once) and completes 3-D Secure.
    let url = init["Redirect"]["RedirectUrl"].as_str().unwrap();
    let page = c.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let (s, v) = json_api(&c, &sb, "Transaction/Authorize", json!({"Token": token})).await;
    assert_eq!((s, code(&v)), (402, "TRANSACTION_IN_WRONG_STATE"), "{v}");
    let r = c
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("outcome=success")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let again = c.get(url).send().await.unwrap();
    assert_eq!(again.status(), 303, "the page cannot be reopened");

    let (s, v) = json_api(
        &c,
        &sb,
        "Transaction/Authorize",
        json!({"Token": token, "Condition": "WITH_SUCCESSFUL_THREE_DS_CHALLENGE", "RegisterAlias": {"IdGenerator": "RANDOM"}}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["Transaction"]["Status"], "AUTHORIZED");
    assert_eq!(v["Liability"]["LiabilityShift"], true);
    assert_eq!(v["RegistrationResult"]["Success"], true);
    let alias = v["RegistrationResult"]["Alias"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let initial = v["Transaction"]["Id"].as_str().unwrap().to_string();
    let (s, v) = json_api(&c, &sb, "Transaction/Authorize", json!({"Token": token})).await;
    assert_eq!(
        (s, code(&v)),
        (402, "TOKEN_INVALID"),
        "a token authorizes once: {v}"
    );

    // Next month: a merchant-initiated payment with the alias, and a referenced one.
    let (s, v) = json_api(
        &c,
        &sb,
        "Transaction/AuthorizeDirect",
        json!({"TerminalId": SAFERPAY_TERMINAL_ID, "Initiator": "MERCHANT",
               "Payment": {"Amount": {"Value": "500", "CurrencyCode": "CHF"}, "OrderId": "ti-2"},
               "PaymentMeans": {"Alias": {"Id": alias.to_uppercase()}}}),
    )
    .await;
    assert_eq!(s, 200, "alias ids are case-insensitive: {v}");
    assert_eq!(v["Liability"]["LiabilityShift"], false);
    let direct = v["Transaction"]["Id"].as_str().unwrap().to_string();
    let (s, v) = json_api(
        &c,
        &sb,
        "Transaction/AuthorizeReferenced",
        json!({"TerminalId": SAFERPAY_TERMINAL_ID,
               "Payment": {"Amount": {"Value": "500", "CurrencyCode": "CHF"}, "OrderId": "ti-3"},
               "TransactionReference": {"TransactionId": initial}}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = json_api(
        &c,
        &sb,
        "Transaction/AuthorizeReferenced",
        json!({"TerminalId": SAFERPAY_TERMINAL_ID,
               "Payment": {"Amount": {"Value": "500", "CurrencyCode": "CHF"}, "OrderId": "ti-4"},
               "TransactionReference": {"TransactionId": direct}}),
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (402, "ACTION_NOT_SUPPORTED"),
        "only an initial recurring payment can be referenced: {v}"
    );
}

#[tokio::test]
async fn failed_three_ds_and_wrong_fields() {
    let sb = start();
    let c = no_redirect_client();
    let init = initialize_tx(
        &c,
        &sb,
        "ti-5",
        json!({"PaymentMeans": {"Card": {"Number": CARD, "ExpMonth": 12, "ExpYear": 2099}}}),
    )
    .await;
    assert_eq!(init["Redirect"]["PaymentMeansRequired"], false);
    assert_eq!(init["LiabilityShift"], true);
    let token = init["Token"].as_str().unwrap();
    sb.pay_payment_page(token, "decline").unwrap();
    let (s, v) = json_api(&c, &sb, "Transaction/Authorize", json!({"Token": token})).await;
    assert_eq!((s, code(&v)), (402, "3DS_AUTHENTICATION_FAILED"), "{v}");

    for (body, why) in [
        (
            json!({"TerminalId": SAFERPAY_TERMINAL_ID, "Payment": {"Amount": {"Value": "5", "CurrencyCode": "CHF"}},
                   "ReturnUrl": {"Url": "http://127.0.0.1:9/b"}, "RegisterAlias": {"IdGenerator": "RANDOM"}}),
            "RegisterAlias belongs to Authorize",
        ),
        (
            json!({"TerminalId": SAFERPAY_TERMINAL_ID, "Payment": {"Amount": {"Value": "5", "CurrencyCode": "CHF"}},
                   "ReturnUrl": {"Url": "http://127.0.0.1:9/b"}, "PaymentMethods": ["TWINT"]}),
            "TWINT is not a Transaction/Initialize method",
        ),
        (
            json!({"TerminalId": SAFERPAY_TERMINAL_ID, "Payment": {"Amount": {"Value": "5", "CurrencyCode": "CHF"}},
                   "ReturnUrl": {"Url": "http://127.0.0.1:9/b"},
                   "PaymentMeans": {"Card": {"Number": CARD, "ExpMonth": 13, "ExpYear": 2099}}}),
            "ExpMonth 13",
        ),
    ] {
        let (s, v) = json_api(&c, &sb, "Transaction/Initialize", body).await;
        assert_eq!((s, code(&v)), (400, "VALIDATION_FAILED"), "{why}: {v}");
    }
    // A number that fails the Luhn check is declined as invalid means; never echoed.
    let (s, v) = json_api(
        &c,
        &sb,
        "Transaction/AuthorizeDirect",
        json!({"TerminalId": SAFERPAY_TERMINAL_ID, "Payment": {"Amount": {"Value": "5", "CurrencyCode": "CHF"}},
               "PaymentMeans": {"Card": {"Number": "9010004150000008", "ExpMonth": 12, "ExpYear": 2099}}}),
    )
    .await;
    assert_eq!((s, code(&v)), (402, "PAYMENTMEANS_INVALID"), "{v}");
    assert!(!v.to_string().contains("9010004150000008"));
    // Before 1.32 the return address is ReturnUrls.
    let mut h = header(&rid(), 0);
    h["SpecVersion"] = json!("1.31");
    let (s, v) = json_api(
        &c,
        &sb,
        "Transaction/Initialize",
        json!({"RequestHeader": h, "TerminalId": SAFERPAY_TERMINAL_ID,
               "Payment": {"Amount": {"Value": "5", "CurrencyCode": "CHF"}},
               "ReturnUrls": {"Success": "http://127.0.0.1:9/ok", "Fail": "http://127.0.0.1:9/ko"}}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
}

#[tokio::test]
async fn alias_store_lifecycle_and_refund_direct() {
    let sb = start();
    let c = no_redirect_client();
    let (s, v) = json_api(
        &c,
        &sb,
        "Alias/InsertDirect",
        json!({"RegisterAlias": {"IdGenerator": "MANUAL", "Id": "sub-card-1", "Lifetime": 2},
               "PaymentMeans": {"Card": {"Number": CARD, "ExpMonth": 12, "ExpYear": 2099, "VerificationCode": "123"}}}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["Alias"], json!({"Id": "sub-card-1", "Lifetime": 2}));
    assert_eq!(
        v["PaymentMeans"]["Card"]["MaskedNumber"],
        "901000xxxxxx0009"
    );
    let (s, v) = json_api(
        &c,
        &sb,
        "Alias/InsertDirect",
        json!({"RegisterAlias": {"IdGenerator": "MANUAL", "Id": "SUB-CARD-1"},
               "PaymentMeans": {"Card": {"Number": CARD, "ExpMonth": 12, "ExpYear": 2099}}}),
    )
    .await;
    assert_eq!((s, code(&v)), (402, "ALIAS_INVALID"), "already used: {v}");

    let (s, v) = json_api(
        &c,
        &sb,
        "Alias/Update",
        json!({"UpdateAlias": {"Id": "sub-card-1", "Lifetime": 3},
               "UpdatePaymentMeans": {"Card": {"ExpMonth": 1, "ExpYear": 2100}}}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["PaymentMeans"]["Card"]["ExpYear"], 2100);
    let (s, v) = json_api(
        &c,
        &sb,
        "Alias/Update",
        json!({"AliasUpdate": {"Id": "sub-card-1"}, "UpdatePaymentMeans": {"Card": {"ExpMonth": 1, "ExpYear": 2100}}}),
    )
    .await;
    assert_eq!((s, code(&v)), (400, "VALIDATION_FAILED"), "{v}");

    let (s, v) = json_api(
        &c,
        &sb,
        "Transaction/RefundDirect",
        json!({"TerminalId": SAFERPAY_TERMINAL_ID, "Refund": {"Amount": {"Value": "300", "CurrencyCode": "CHF"}, "OrderId": "rd-1"},
               "PaymentMeans": {"Alias": {"Id": "sub-card-1"}}}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["Transaction"]["Type"], "REFUND");
    assert_eq!(v["Transaction"]["Status"], "AUTHORIZED");
    let (s, v) = json_api(
        &c,
        &sb,
        "Transaction/RefundDirect",
        json!({"TerminalId": SAFERPAY_TERMINAL_ID, "Refund": {"Amount": {"Value": "300", "CurrencyCode": "CHF"}},
               "PaymentMeans": {"SaferpayFields": {"Token": "abc"}}}),
    )
    .await;
    assert_eq!((s, code(&v)), (400, "VALIDATION_FAILED"), "{v}");

    // The lifetime runs out.
    sb.advance_clock(4 * 86_400);
    let (s, v) = json_api(&c, &sb, "Alias/Inquire", json!({"AliasId": "sub-card-1"})).await;
    assert_eq!((s, code(&v)), (402, "ALIAS_INVALID"), "expired: {v}");

    let (s, v) = json_api(
        &c,
        &sb,
        "Alias/InsertDirect",
        json!({"RegisterAlias": {"IdGenerator": "RANDOM"},
               "PaymentMeans": {"Card": {"Number": CARD, "ExpMonth": 12, "ExpYear": 2099}}}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let id = v["Alias"]["Id"].as_str().unwrap().to_string();
    assert_eq!(v["Alias"]["Lifetime"], 1096);
    let (s, _) = json_api(&c, &sb, "Alias/Delete", json!({"AliasId": id})).await;
    assert_eq!(s, 200);
    let (s, v) = json_api(&c, &sb, "Alias/Delete", json!({"AliasId": id})).await;
    assert_eq!((s, code(&v)), (402, "ALIAS_INVALID"), "{v}");

    let (s, v) = json_api(
        &c,
        &sb,
        "Batch/Close",
        json!({"TerminalId": SAFERPAY_TERMINAL_ID}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = json_api(&c, &sb, "Batch/Close", json!({"TerminalId": "99999999"})).await;
    assert_eq!((s, code(&v)), (403, "PERMISSION_DENIED"), "{v}");
}

#[tokio::test]
async fn alias_insert_form_and_payment_page_registration() {
    let sb = start();
    let c = no_redirect_client();
    let (s, v) = json_api(
        &c,
        &sb,
        "Alias/Insert",
        json!({"RegisterAlias": {"IdGenerator": "RANDOM"}, "Type": "CARD", "LanguageCode": "fr-CH",
               "ReturnUrl": {"Url": "http://127.0.0.1:9/card"}}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let token = v["Token"].as_str().unwrap().to_string();
    let (s, v2) = json_api(&c, &sb, "Alias/AssertInsert", json!({"Token": token})).await;
    assert_eq!((s, code(&v2)), (402, "TRANSACTION_NOT_STARTED"), "{v2}");
    let url = v["Redirect"]["RedirectUrl"].as_str().unwrap();
    assert_eq!(c.get(url).send().await.unwrap().status(), 200);
    let r = c
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("outcome=success")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (s, v) = json_api(&c, &sb, "Alias/AssertInsert", json!({"Token": token})).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["Alias"]["Id"].is_string());

    // RegisterAlias on the payment page: Assert carries the RegistrationResult.
    let (s, v) = json_api(
        &c,
        &sb,
        "PaymentPage/Initialize",
        json!({"TerminalId": SAFERPAY_TERMINAL_ID,
               "Payment": {"Amount": {"Value": "100", "CurrencyCode": "CHF"}, "OrderId": "pp-ra", "Description": "d"},
               "ReturnUrl": {"Url": "http://127.0.0.1:9/r"}, "RegisterAlias": {"IdGenerator": "RANDOM"}}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let token = v["Token"].as_str().unwrap();
    sb.pay_payment_page(token, "success").unwrap();
    let (s, v) = json_api(&c, &sb, "PaymentPage/Assert", json!({"Token": token})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["RegistrationResult"]["Success"], true);
    let alias = v["RegistrationResult"]["Alias"]["Id"].as_str().unwrap();
    let (s, v) = json_api(&c, &sb, "Alias/Inquire", json!({"AliasId": alias})).await;
    assert_eq!(s, 200, "{v}");
}

/// The containers as the spec has them, on every request that carries them: TaxRate is a
/// string, only the billing address has a VatNumber (and only its form VATNUMBER), and any
/// well-formed LanguageCode is accepted.
#[tokio::test]
async fn spec_shapes_of_order_addresses_and_language() {
    let sb = start();
    let c = client();
    let page = |extra: Value| {
        let mut body = json!({
            "TerminalId": SAFERPAY_TERMINAL_ID,
            "Payment": {"Amount": {"Value": "100", "CurrencyCode": "CHF"}, "OrderId": "spec-1", "Description": "d"},
            "ReturnUrl": {"Url": "http://127.0.0.1:9/r"},
        });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (extra, ok) in [
        (
            json!({"Order": {"Items": [{"Name": "Coffee", "TaxRate": "770"}]}}),
            true,
        ),
        (
            json!({"Order": {"Items": [{"Name": "Coffee", "TaxRate": 770}]}}),
            false,
        ),
        (
            json!({"Order": {"Items": [{"Name": "Coffee", "TaxRate": "100000"}]}}),
            false,
        ),
        (json!({"Payer": {"LanguageCode": "fr-CH"}}), true),
        (json!({"Payer": {"LanguageCode": "en-GB"}}), true),
        (json!({"Payer": {"LanguageCode": "fr_CH"}}), false),
        (
            json!({"Payer": {"BillingAddress": {"VatNumber": "CHE-1"}}}),
            true,
        ),
        (
            json!({"Payer": {"DeliveryAddress": {"VatNumber": "CHE-1"}}}),
            false,
        ),
        (
            json!({"BillingAddressForm": {"AddressSource": "SAFERPAY", "MandatoryFields": ["VATNUMBER"]}}),
            true,
        ),
        (
            json!({"DeliveryAddressForm": {"AddressSource": "SAFERPAY", "MandatoryFields": ["VATNUMBER"]}}),
            false,
        ),
    ] {
        let (s, v) = json_api(&c, &sb, "PaymentPage/Initialize", page(extra.clone())).await;
        assert_eq!(s == 200, ok, "{extra}: {v}");
    }
}
