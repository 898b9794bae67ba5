use serde_json::json;

use super::*;
use crate::ErrorKind;
use crate::saferpay::{CreateOffer, TransactionQuery};
use crate::secuconnect::CreateSmartTransaction;
use crate::sekurepay::CreateOrderRequest;

fn field_of(error: &Error) -> &str {
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    error.field().unwrap_or_default()
}

fn offer_args() -> Value {
    json!({
        "amount": {"minor": 1000, "currency": "CHF"},
        "order_id": "O-1",
        "description": "Shoes",
        "expires_at": "2030-01-01T12:00:00+01:00",
    })
}

#[test]
fn every_row_is_named_once_and_declares_its_parameters() {
    let rows = all();
    assert!(rows.len() >= 38, "{} rows", rows.len());
    let mut seen = std::collections::HashSet::new();
    for row in &rows {
        assert!(
            seen.insert((row.provider, row.name)),
            "{}.{} twice",
            row.provider,
            row.name
        );
        assert!(
            !row.summary().is_empty(),
            "{}.{} has no doc",
            row.provider,
            row.name
        );
        let mut names = std::collections::HashSet::new();
        for param in row.params() {
            assert!(
                names.insert(param.name),
                "{}.{} repeats {}",
                row.provider,
                row.name,
                param.name
            );
            if let Some(default) = param.default {
                assert!(
                    serde_json::from_str::<Value>(default).is_ok(),
                    "{}.{}.{} default {default:?} is not JSON",
                    row.provider,
                    row.name,
                    param.name
                );
            }
        }
    }
    let json = table_json();
    assert_eq!(json.as_array().map(Vec::len), Some(rows.len()));
    assert_eq!(
        find("saferpay", "capture").map(|r| r.safety),
        Some(SafetyClass::KeyedWrite)
    );
    assert_eq!(
        find("saferpay", "transactions").map(|r| r.paging),
        Some(Paging::Pages { page_size: 2000 })
    );
}

#[test]
fn defaults_fill_what_is_not_given_and_null_means_not_given() {
    let offer: CreateOffer = decode_input(offer_args()).unwrap();
    assert_eq!(offer.amount.minor(), 1000);
    assert!(!offer.pre_auth);
    assert_eq!(offer.terminal_id, None);
    let mut args = offer_args();
    args["pre_auth"] = Value::Null;
    args["terminal_id"] = json!("17000001");
    let offer: CreateOffer = decode_input(args).unwrap();
    assert!(!offer.pre_auth);
    assert_eq!(offer.terminal_id.as_deref(), Some("17000001"));

    let stx: CreateSmartTransaction =
        decode_input(json!({"amount": {"minor": 500, "currency": "EUR"}})).unwrap();
    assert_eq!(stx.intent, "sale");
    let query: TransactionQuery =
        decode_input(json!({"start": "2026-11-01", "end": "2026-11-02T23:59"})).unwrap();
    assert_eq!(
        (query.state.as_str(), query.page_size),
        ("SUCCESSFUL", 2000)
    );
}

#[test]
fn bad_input_names_the_parameter_in_every_way_it_can_be_bad() {
    let cases = [
        ("max_payment_attempts", json!(-1), "max_payment_attempts"),
        ("max_payment_attempts", json!(1.5), "max_payment_attempts"),
        (
            "max_payment_attempts",
            json!(5_000_000_000u64),
            "max_payment_attempts",
        ),
        ("pre_auth", json!("yes"), "pre_auth"),
        ("expires_at", json!("2030-01-01T12:00:00"), "expires_at"),
        (
            "amount",
            json!({"minor": 1000, "currency": "XXQ"}),
            "currency",
        ),
        ("amount", json!({"minor": -5, "currency": "CHF"}), "amount"),
        ("amount", json!("10.00"), "amount"),
        (
            "payer",
            json!({"billing_address": {"email": 7}}),
            "payer.billing_address.email",
        ),
        ("no_such_parameter", json!(1), "no_such_parameter"),
    ];
    for (key, value, field) in cases {
        let mut args = offer_args();
        args[key] = value.clone();
        let error = decode_input::<CreateOffer>(args).unwrap_err();
        assert_eq!(field_of(&error), field, "{key}={value}: {error}");
    }
    let mut args = offer_args();
    args.as_object_mut().unwrap().remove("order_id");
    let error = decode_input::<CreateOffer>(args).unwrap_err();
    assert_eq!(field_of(&error), "order_id");
    assert!(error.to_string().contains("is required"), "{error}");

    let error = decode_input::<CreateOffer>(json!([1])).unwrap_err();
    assert_eq!(field_of(&error), "CreateOffer");

    let error = decode_input::<CreateOrderRequest>(json!({
        "order_id": "O", "currency": "USD",
        "items": [{"description": "TV", "amount_cents": 100}],
        "shipping_amount_cents": "lots",
    }))
    .unwrap_err();
    assert_eq!(field_of(&error), "shipping_amount_cents");
}

#[test]
fn serde_messages_speak_of_values_not_rust_types() {
    let mut args = offer_args();
    args["max_payment_attempts"] = json!(-1);
    let error = decode_input::<CreateOffer>(args).unwrap_err();
    let text = error.to_string();
    assert!(!text.contains("u32"), "{text}");
    assert!(text.contains("max_payment_attempts"), "{text}");
}

#[tokio::test]
async fn call_json_refuses_an_unknown_operation_before_sending() {
    let client = crate::sekurepay::Client::builder()
        .api_key("k")
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let error = crate::sekurepay::operations::call_json(&client, "delete_order", json!({}))
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), "operation");
    let error = crate::sekurepay::operations::call_json(&client, "get_order", json!({}))
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), "order_id");
}

#[tokio::test]
async fn a_transport_failure_keeps_its_cause_as_source() {
    // Nothing listens on port 1 of the loopback: the connection is refused at once.
    let client = crate::sekurepay::Client::builder()
        .api_key("k")
        .base_url("http://127.0.0.1:1")
        .max_retries(0)
        .build()
        .unwrap();
    let error = client.get_order("O-1").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert!(std::error::Error::source(&error).is_some(), "{error:?}");
}

#[test]
fn output_records_describe_their_fields_as_serialised() {
    use crate::operation::record::all_records;
    let capture = crate::saferpay::Capture {
        capture_id: Some("C1".into()),
        status: crate::saferpay::TransactionStatus::Captured,
        date: None,
        raw: serde_json::json!({}),
    };
    let Value::Object(serialised) = serde_json::to_value(&capture).unwrap() else {
        panic!("a record serialises as an object")
    };
    let records = all_records();
    let Some(info) = records.iter().find(|r| r.name == "Capture") else {
        panic!("Capture is not listed")
    };
    let keys: Vec<&str> = serialised.keys().map(String::as_str).collect();
    let mut fields: Vec<&str> = info.fields.iter().map(|f| f.name).collect();
    fields.sort_unstable();
    assert_eq!(keys, fields);
    assert!(info.has_raw());
    assert_eq!(
        info.doc.trim(),
        "The answer to Capture and MultipartCapture."
    );
}

#[test]
fn every_output_record_is_reached_from_a_row() {
    use crate::operation::record::all_records;
    let records = all_records();
    let leaf = |ty: &str| {
        ty.replace(' ', "")
            .trim_start_matches("Vec<")
            .trim_start_matches("Option<")
            .trim_end_matches('>')
            .to_owned()
    };
    for record in &records {
        let as_output = all()
            .iter()
            .any(|row| row.provider == record.provider && leaf(row.output) == record.name);
        let as_field = records.iter().any(|other| {
            other.provider == record.provider
                && other
                    .fields
                    .iter()
                    .any(|f| leaf(f.rust_type) == record.name)
        });
        assert!(
            as_output || as_field,
            "{}.{} is listed as an output record but no row answers it",
            record.provider,
            record.name
        );
    }
}

#[tokio::test]
async fn a_wire_call_must_fit_its_rows_safety_class() {
    use crate::http::Safety;
    // Outside any row: nothing to check.
    assert!(check_engine_safety("x", Safety::Unkeyed).is_ok());
    within_row("get_offer", SafetyClass::Read, async {
        assert!(check_engine_safety("saferpay.offers.get", Safety::Read).is_ok());
        let refused = check_engine_safety("saferpay.offers.create", Safety::Reconcilable);
        let Err(error) = refused else {
            panic!("a read row sending a write must be refused")
        };
        assert_eq!(error.kind(), ErrorKind::Internal);
        assert!(error.message().contains("get_offer"), "{}", error.message());
    })
    .await;
    within_row("refund", SafetyClass::KeyedWrite, async {
        assert!(check_engine_safety("lookup", Safety::Read).is_ok());
        assert!(check_engine_safety("refund", Safety::Reconcilable).is_ok());
        assert!(check_engine_safety("refund", Safety::Unkeyed).is_err());
    })
    .await;
    within_row(
        "initialize_payment_page",
        SafetyClass::UnkeyedWrite,
        async {
            assert!(check_engine_safety("init", Safety::Unkeyed).is_ok());
            assert!(check_engine_safety("init", Safety::Idempotent).is_err());
        },
    )
    .await;
}
