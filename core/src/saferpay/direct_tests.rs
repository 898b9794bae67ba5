//! The Transaction interface and the alias store over a scripted transport, called through
//! the operation table (so every wire call is checked against its row's safety class).

use serde_json::{Value, json};

use crate::error::ErrorKind;
use crate::http::FailureStage;
use crate::http::scripted::{Scripted, Step};
use crate::saferpay::json_api::tests::client;
use crate::saferpay::operations::call_json;

use super::direct::luhn_valid;

/// A Luhn-valid 16-digit test number.
const CARD: &str = "9010004150000009";

fn sent(script: &Scripted, index: usize) -> (String, Value) {
    let request = &script.requests()[index];
    (
        request.url.path().to_owned(),
        serde_json::from_slice(request.body.as_deref().unwrap()).unwrap(),
    )
}

fn money(minor: i64) -> Value {
    json!({"minor": minor, "currency": "CHF"})
}

async fn call(script: &Scripted, name: &str, input: Value) -> Result<Value, crate::Error> {
    Box::pin(call_json(&client(script), name, input)).await
}

const SESSION: &str = r#"{"ResponseHeader":{"SpecVersion":"1.53","RequestId":"r"},"Token":"tok1","Expiration":"2015-01-30T12:45:22.258+01:00","LiabilityShift":true,"RedirectRequired":true,"Redirect":{"RedirectUrl":"https://pay.example/3ds","PaymentMeansRequired":false}}"#;
const PAYMENT: &str = r#"{"ResponseHeader":{"SpecVersion":"1.53","RequestId":"r"},"Transaction":{"Type":"PAYMENT","Status":"AUTHORIZED","Id":"T1","Date":"d","Amount":{"Value":"500","CurrencyCode":"CHF"},"OrderId":"sub-1"},"PaymentMeans":{"Brand":{"PaymentMethod":"VISA","Name":"VISA"},"DisplayText":"xxxx 0009"},"Liability":{"LiabilityShift":true,"LiableEntity":"THREEDS"},"RegistrationResult":{"Success":true,"Alias":{"Id":"al1","Lifetime":1000}}}"#;
const ALIAS: &str = r#"{"ResponseHeader":{"SpecVersion":"1.53","RequestId":"r"},"Alias":{"Id":"al1","Lifetime":1000},"PaymentMeans":{"Brand":{"PaymentMethod":"VISA","Name":"VISA"},"DisplayText":"xxxx 0009","Card":{"MaskedNumber":"901000xxxxxx0009","ExpYear":2030,"ExpMonth":12}}}"#;
const NOT_FOUND: &str = r#"{"Behavior":"DO_NOT_RETRY","ErrorName":"TRANSACTION_NOT_FOUND","ErrorMessage":"Transaction not found"}"#;
const ALIAS_INVALID: &str =
    r#"{"Behavior":"DO_NOT_RETRY","ErrorName":"ALIAS_INVALID","ErrorMessage":"Alias not found"}"#;
const TOKEN_INVALID: &str = r#"{"Behavior":"DO_NOT_RETRY","ErrorName":"TOKEN_INVALID","ErrorMessage":"Token already used"}"#;

#[test]
fn luhn() {
    assert!(luhn_valid(CARD));
    assert!(luhn_valid("4111111111111111"));
    assert!(!luhn_valid("4111111111111112"));
    assert!(!luhn_valid("912345678901234"));
}

#[tokio::test]
async fn initialize_then_authorize() {
    let script = Scripted::new(vec![Step::json(200, SESSION), Step::json(200, PAYMENT)]);
    let session = call(
        &script,
        "initialize_transaction",
        json!({
            "amount": money(500), "order_id": "sub-1", "description": "Subscription",
            "return_url": "https://shop.example/back", "recurring": true,
            "redirect_notify_urls": {"success": "https://shop.example/ok", "fail": "https://shop.example/ko"},
        }),
    )
    .await
    .unwrap();
    assert_eq!(session["token"], "tok1");
    assert_eq!(session["redirect_required"], true);
    assert_eq!(session["redirect_url"], "https://pay.example/3ds");
    assert_eq!(session["liability_shift"], true);
    let (path, body) = sent(&script, 0);
    assert_eq!(path, "/api/Payment/v1/Transaction/Initialize");
    assert_eq!(body["Payment"]["Recurring"], json!({"Initial": true}));
    assert_eq!(body["Payment"]["OrderId"], "sub-1");
    assert_eq!(
        body["ReturnUrl"],
        json!({"Url": "https://shop.example/back"})
    );
    assert_eq!(
        body["RedirectNotifyUrls"]["Fail"],
        "https://shop.example/ko"
    );
    assert!(body.get("PaymentMeans").is_none());

    let payment = call(
        &script,
        "authorize_transaction",
        json!({"token": "tok1", "condition": "WITH_SUCCESSFUL_THREE_DS_CHALLENGE",
               "register_alias": {"id_generator": "RANDOM"}}),
    )
    .await
    .unwrap();
    assert_eq!(payment["transaction"]["id"], "T1");
    assert_eq!(payment["registration_result"]["alias_id"], "al1");
    let (path, body) = sent(&script, 1);
    assert_eq!(path, "/api/Payment/v1/Transaction/Authorize");
    assert_eq!(body["Token"], "tok1");
    assert_eq!(body["RegisterAlias"], json!({"IdGenerator": "RANDOM"}));
}

#[tokio::test]
async fn a_repeated_authorize_answered_token_invalid_is_outcome_unknown() {
    // The first attempt may have authorized; the token is spent, so the repeat cannot tell.
    let script = Scripted::new(vec![
        Step::Fail(FailureStage::MaybeSent),
        Step::json(402, TOKEN_INVALID),
    ]);
    let err = call(&script, "authorize_transaction", json!({"token": "tok1"}))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err:?}");
    assert!(err.settle_with().unwrap().contains("inquire_by_order_id"));
    assert_eq!(script.requests().len(), 2);
}

#[tokio::test]
async fn authorize_direct_with_an_alias_and_card_data() {
    let script = Scripted::new(vec![Step::json(200, PAYMENT), Step::json(200, PAYMENT)]);
    call(
        &script,
        "authorize_direct",
        json!({"amount": money(500), "order_id": "sub-2", "description": "Month 2",
               "payment_means": {"alias_id": "al1", "verification_code": "123"}}),
    )
    .await
    .unwrap();
    let (path, body) = sent(&script, 0);
    assert_eq!(path, "/api/Payment/v1/Transaction/AuthorizeDirect");
    assert_eq!(
        body["PaymentMeans"],
        json!({"Alias": {"Id": "al1", "VerificationCode": "123"}})
    );
    assert_eq!(body["Initiator"], "MERCHANT");
    call(
        &script,
        "authorize_direct",
        json!({"amount": money(500), "order_id": "sub-3", "description": "Month 3",
               "initiator": "PAYER", "allow_partial_authorization": true,
               "payment_means": {"card": {"number": CARD, "exp_month": 12, "exp_year": 2030,
                                           "verification_code": "123", "holder_name": "Ann"}}}),
    )
    .await
    .unwrap();
    let (_, body) = sent(&script, 1);
    assert_eq!(body["PaymentMeans"]["Card"]["Number"], CARD);
    assert_eq!(body["PaymentMeans"]["Card"]["ExpMonth"], 12);
    assert_eq!(
        body["Payment"]["Options"],
        json!({"AllowPartialAuthorization": true})
    );
}

#[tokio::test]
async fn an_ambiguous_authorize_direct_is_settled_by_its_order_id() {
    let script = Scripted::new(vec![Step::html(500, "oops"), Step::json(200, PAYMENT)]);
    let payment = call(
        &script,
        "authorize_direct",
        json!({"amount": money(500), "order_id": "sub-1", "description": "x",
               "payment_means": {"alias_id": "al1"}}),
    )
    .await
    .unwrap();
    assert_eq!(payment["transaction"]["id"], "T1");
    let (path, body) = sent(&script, 1);
    assert_eq!(path, "/api/Payment/v1/Transaction/Inquire");
    assert_eq!(body["TransactionReference"], json!({"OrderId": "sub-1"}));
    assert_eq!(script.requests().len(), 2, "authorized once");

    // Not found, and nothing still running: sent again with the same key.
    let script = Scripted::new(vec![
        Step::Fail(FailureStage::MaybeSent),
        Step::json(402, NOT_FOUND),
        Step::json(200, PAYMENT),
    ]);
    call(
        &script,
        "authorize_referenced",
        json!({"transaction_id": "T0", "amount": money(500), "order_id": "sub-1",
               "description": "x"}),
    )
    .await
    .unwrap();
    let (_, first) = sent(&script, 0);
    let (path, again) = sent(&script, 2);
    assert_eq!(path, "/api/Payment/v1/Transaction/AuthorizeReferenced");
    assert_eq!(
        first["TransactionReference"],
        json!({"TransactionId": "T0"})
    );
    assert_eq!(again["RequestHeader"]["RetryIndicator"], 1);

    // A timeout may still be running: never sent again.
    let script = Scripted::new(vec![Step::Timeout, Step::json(402, NOT_FOUND)]);
    let err = call(
        &script,
        "refund_direct",
        json!({"amount": money(500), "order_id": "rf-1", "payment_means": {"alias_id": "al1"}}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(err.settle_with(), Some("inquire_by_order_id(\"rf-1\")"));
    assert_eq!(script.requests().len(), 2);
}

#[tokio::test]
async fn card_data_is_checked_before_sending_and_never_shown() {
    let script = Scripted::new(vec![]);
    let card = |patch: Value| {
        let mut card = json!({"number": CARD, "exp_month": 12, "exp_year": 2030});
        for (k, v) in patch.as_object().unwrap() {
            card[k] = v.clone();
        }
        json!({"amount": money(500), "order_id": "o-1", "description": "x",
               "payment_means": {"card": card}})
    };
    for (patch, field) in [
        (
            json!({"number": "9010004150000008"}),
            "payment_means.card.number",
        ),
        (
            json!({"number": "9010 0041 5000 0009"}),
            "payment_means.card.number",
        ),
        (json!({"number": "12345678"}), "payment_means.card.number"),
        (json!({"exp_month": 13}), "payment_means.card.exp_month"),
        (json!({"exp_month": 0}), "payment_means.card.exp_month"),
        (json!({"exp_year": 1999}), "payment_means.card.exp_year"),
        (
            json!({"verification_code": "12"}),
            "payment_means.card.verification_code",
        ),
        (
            json!({"verification_code": "12a"}),
            "payment_means.card.verification_code",
        ),
        (
            json!({"holder_name": "x".repeat(51)}),
            "payment_means.card.holder_name",
        ),
    ] {
        let err = call(&script, "authorize_direct", card(patch.clone()))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation, "{patch}");
        assert_eq!(err.field(), Some(field), "{patch}: {err}");
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("9010004150000008"), "{shown}");
        assert!(!shown.contains("0041 5000"), "{shown}");
    }
    let base = |means: Value| json!({"amount": money(500), "order_id": "o-1", "description": "x", "payment_means": means});
    for (means, field) in [
        (json!({}), "payment_means"),
        (
            json!({"alias_id": "al1", "saferpay_fields_token": "t"}),
            "payment_means",
        ),
        (
            json!({"saferpay_fields_token": "t", "verification_code": "123"}),
            "payment_means.verification_code",
        ),
        (json!({"alias_id": "a b"}), "payment_means.alias_id"),
        (
            json!({"alias_id": "al1", "verification_code": "12345"}),
            "payment_means.verification_code",
        ),
    ] {
        let err = call(&script, "authorize_direct", base(means.clone()))
            .await
            .unwrap_err();
        assert_eq!(err.field(), Some(field), "{means}: {err}");
    }
    let err = call(
        &script,
        "refund_direct",
        json!({"amount": money(5), "order_id": "o", "payment_means": {"saferpay_fields_token": "tok"}}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.field(), Some("payment_means.saferpay_fields_token"));
    let err = call(
        &script,
        "insert_alias_direct",
        json!({"payment_means": {"alias_id": "al1"}}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.field(), Some("payment_means.alias_id"));
    // A number in the wrong place or of the wrong type: serde's message would quote it.
    for means in [
        json!({"card": CARD}),
        json!({"card": {"number": 9010004150000009u64, "exp_month": 1, "exp_year": 2030}}),
        json!({"alias_id": CARD, "verification_code": 987}),
    ] {
        let err = call(&script, "authorize_direct", base(means.clone()))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation, "{means}");
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains("9010004150000009") && !shown.contains("987"),
            "{shown}"
        );
    }
    // A list is not an object: serde would otherwise fill the fields by position.
    for (means, field) in [
        (json!(["tok-1"]), "payment_means"),
        (json!({"card": [CARD, 12, 2030]}), "payment_means.card"),
    ] {
        let err = call(&script, "authorize_direct", base(means.clone()))
            .await
            .unwrap_err();
        assert_eq!(err.field(), Some(field), "{means}: {err}");
    }
    // The input's own Debug never shows the number or the code.
    let input: super::AuthorizeDirect =
        crate::operation::decode_input(card(json!({"verification_code": "987"}))).unwrap();
    let debug = format!("{input:?}");
    assert!(!debug.contains(CARD) && !debug.contains("987"), "{debug}");
    assert!(script.requests().is_empty());
}

#[tokio::test]
async fn alias_store_calls() {
    let script = Scripted::new(vec![
        Step::json(
            200,
            r#"{"Token":"at1","Expiration":"e","RedirectRequired":true,"Redirect":{"RedirectUrl":"https://pay.example/register","PaymentMeansRequired":true}}"#,
        ),
        Step::json(200, ALIAS),
        Step::json(200, ALIAS),
        Step::json(200, ALIAS),
        Step::json(200, ALIAS),
        Step::json(
            200,
            r#"{"ResponseHeader":{"SpecVersion":"1.53","RequestId":"r"}}"#,
        ),
        Step::json(
            200,
            r#"{"ResponseHeader":{"SpecVersion":"1.53","RequestId":"r"}}"#,
        ),
    ]);
    let session = call(
        &script,
        "insert_alias",
        json!({"return_url": "https://shop.example/card", "language_code": "fr-CH"}),
    )
    .await
    .unwrap();
    assert_eq!(session["redirect_url"], "https://pay.example/register");
    let (path, body) = sent(&script, 0);
    assert_eq!(path, "/api/Payment/v1/Alias/Insert");
    assert_eq!(body["RegisterAlias"], json!({"IdGenerator": "RANDOM"}));
    assert_eq!(body["Type"], "CARD");
    assert_eq!(body["LanguageCode"], "fr-CH");

    let alias = call(&script, "assert_alias_insert", json!({"token": "at1"}))
        .await
        .unwrap();
    assert_eq!(alias["id"], "al1");
    assert_eq!(alias["lifetime"], 1000);
    assert_eq!(alias["payment_means"]["card"]["exp_year"], 2030);

    call(
        &script,
        "insert_alias_direct",
        json!({"payment_means": {"card": {"number": CARD, "exp_month": 1, "exp_year": 2031}}}),
    )
    .await
    .unwrap();
    let (path, body) = sent(&script, 2);
    assert_eq!(path, "/api/Payment/v1/Alias/InsertDirect");
    assert_eq!(body["RegisterAlias"]["IdGenerator"], "MANUAL");
    assert!(
        body["RegisterAlias"]["Id"]
            .as_str()
            .unwrap()
            .starts_with("pw-al-")
    );

    call(
        &script,
        "update_alias",
        json!({"alias_id": "al1", "exp_month": 2, "exp_year": 2032, "lifetime": 100}),
    )
    .await
    .unwrap();
    let (path, body) = sent(&script, 3);
    assert_eq!(path, "/api/Payment/v1/Alias/Update");
    assert_eq!(body["UpdateAlias"], json!({"Id": "al1", "Lifetime": 100}));
    assert_eq!(
        body["UpdatePaymentMeans"],
        json!({"Card": {"ExpYear": 2032, "ExpMonth": 2}})
    );
    call(&script, "inquire_alias", json!({"alias_id": "al1"}))
        .await
        .unwrap();
    assert_eq!(sent(&script, 4).1["AliasId"], "al1");
    assert_eq!(
        call(&script, "delete_alias", json!({"alias_id": "al1"}))
            .await
            .unwrap(),
        Value::Null
    );
    assert_eq!(sent(&script, 5).0, "/api/Payment/v1/Alias/Delete");
    call(&script, "close_batch", json!({})).await.unwrap();
    let (path, body) = sent(&script, 6);
    assert_eq!(path, "/api/Payment/v1/Batch/Close");
    assert_eq!(body["TerminalId"], "17654321");
}

#[tokio::test]
async fn a_lost_direct_insert_is_settled_by_its_alias_id() {
    let script = Scripted::new(vec![Step::html(502, "gateway"), Step::json(200, ALIAS)]);
    call(
        &script,
        "insert_alias_direct",
        json!({"payment_means": {"card": {"number": CARD, "exp_month": 1, "exp_year": 2031}},
               "register_alias": {"id_generator": "MANUAL", "id": "al1"}}),
    )
    .await
    .unwrap();
    let (path, body) = sent(&script, 1);
    assert_eq!(path, "/api/Payment/v1/Alias/Inquire");
    assert_eq!(body["AliasId"], "al1");
    assert_eq!(script.requests().len(), 2);
    // Unknown alias and nothing running: inserted again.
    let script = Scripted::new(vec![
        Step::Fail(FailureStage::MaybeSent),
        Step::json(402, ALIAS_INVALID),
        Step::json(200, ALIAS),
    ]);
    call(
        &script,
        "insert_alias_direct",
        json!({"payment_means": {"card": {"number": CARD, "exp_month": 1, "exp_year": 2031}}}),
    )
    .await
    .unwrap();
    assert_eq!(sent(&script, 2).0, "/api/Payment/v1/Alias/InsertDirect");
    // A generated (RANDOM) id has no key: never sent again.
    let script = Scripted::new(vec![Step::html(500, "oops")]);
    let err = call(
        &script,
        "insert_alias_direct",
        json!({"payment_means": {"card": {"number": CARD, "exp_month": 1, "exp_year": 2031}},
               "register_alias": {"id_generator": "RANDOM"}}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(script.requests().len(), 1);
}

#[tokio::test]
async fn a_delete_repeated_after_a_lost_answer_is_done() {
    let script = Scripted::new(vec![
        Step::Fail(FailureStage::MaybeSent),
        Step::json(402, ALIAS_INVALID),
    ]);
    call(&script, "delete_alias", json!({"alias_id": "al1"}))
        .await
        .unwrap();
    // Without an earlier ambiguous attempt, an unknown alias is an error.
    let script = Scripted::new(vec![Step::json(402, ALIAS_INVALID)]);
    let err = call(&script, "delete_alias", json!({"alias_id": "al1"}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ALIAS_INVALID"));
}

#[tokio::test]
async fn alias_inputs_name_their_field() {
    let script = Scripted::new(vec![]);
    for (name, input, field) in [
        (
            "insert_alias",
            json!({"return_url": "/relative"}),
            "return_url",
        ),
        (
            "insert_alias",
            json!({"return_url": "https://a.example", "payment_means_type": "CASH"}),
            "payment_means_type",
        ),
        (
            "insert_alias",
            json!({"return_url": "https://a.example", "language_code": "french"}),
            "language_code",
        ),
        (
            "insert_alias",
            json!({"return_url": "https://a.example", "payment_methods": ["TWINT"]}),
            "payment_methods[0]",
        ),
        (
            "update_alias",
            json!({"alias_id": "al1", "exp_month": 2, "exp_year": 2032, "lifetime": 1601}),
            "lifetime",
        ),
        (
            "update_alias",
            json!({"alias_id": "al 1", "exp_month": 2, "exp_year": 2032}),
            "alias_id",
        ),
        (
            "inquire_alias",
            json!({"alias_id": "x".repeat(41)}),
            "alias_id",
        ),
        ("delete_alias", json!({"alias_id": ""}), "alias_id"),
        ("assert_alias_insert", json!({"token": ""}), "token"),
        ("close_batch", json!({"terminal_id": "123"}), "terminal_id"),
        (
            "initialize_transaction",
            json!({"amount": money(5), "order_id": "o", "description": "d",
                   "return_url": "https://a.example", "payment_methods": ["TWINT"]}),
            "payment_methods[0]",
        ),
        (
            "initialize_transaction",
            json!({"amount": money(5), "order_id": "o", "description": "d",
                   "return_url": "https://a.example", "recurring": true, "installment": true}),
            "installment",
        ),
        (
            "authorize_transaction",
            json!({"token": "t", "condition": "ALWAYS"}),
            "condition",
        ),
        (
            "authorize_direct",
            json!({"amount": money(5), "order_id": "o", "description": "d",
                   "payment_means": {"alias_id": "a"}, "initiator": "BANK"}),
            "initiator",
        ),
        (
            "authorize_referenced",
            json!({"transaction_id": "T-1", "amount": money(5), "order_id": "o",
                   "description": "d"}),
            "transaction_id",
        ),
    ] {
        let err = call(&script, name, input.clone()).await.unwrap_err();
        assert_eq!(err.field(), Some(field), "{name} {input}: {err}");
    }
    assert!(script.requests().is_empty());
}
