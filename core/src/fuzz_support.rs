//! Shared proptest strategies for the decoder fuzz tests (tests only).
//!
//! The bounded run in the test suite uses proptest's default case count; a longer run:
//! `PROPTEST_CASES=200000 cargo test -p paywire --lib fuzz`.

use bytes::Bytes;
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::http::HttpResponse;

/// Arbitrary JSON, biased towards the keys providers use so decoders get past the first field.
pub(crate) fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("Transaction".to_owned()),
        Just("Amount".to_owned()),
        Just("Value".to_owned()),
        Just("CurrencyCode".to_owned()),
        Just("Status".to_owned()),
        Just("Id".to_owned()),
        Just("id".to_owned()),
        Just("status".to_owned()),
        Just("basket_info".to_owned()),
        Just("sum".to_owned()),
        Just("currency".to_owned()),
        Just("data".to_owned()),
        Just("ErrorName".to_owned()),
        Just("Behavior".to_owned()),
        Just("access_token".to_owned()),
        Just("expires_in".to_owned()),
        "[A-Za-z_]{1,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,20}".prop_map(Value::String),
        "[0-9]{1,22}".prop_map(Value::String),
        "[A-Z]{3}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A fixture with one value somewhere replaced by arbitrary JSON.
pub(crate) fn mutate(base: &Value, path_seed: u64, replacement: Value) -> Value {
    let mut out = base.clone();
    replace_at(&mut out, path_seed, replacement);
    out
}

fn replace_at(node: &mut Value, seed: u64, replacement: Value) {
    if seed.is_multiple_of(3) {
        *node = replacement;
        return;
    }
    match node {
        Value::Object(map) if !map.is_empty() => {
            let index = (seed % map.len() as u64) as usize;
            if let Some(child) = map.values_mut().nth(index) {
                replace_at(child, seed / 7, replacement);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let index = (seed % items.len() as u64) as usize;
            if let Some(child) = items.get_mut(index) {
                replace_at(child, seed / 7, replacement);
            }
        }
        _ => *node = replacement,
    }
}

pub(crate) fn response(status: u16, json: bool, body: Vec<u8>) -> HttpResponse {
    let mut headers = http::HeaderMap::new();
    let ct = if json {
        "application/json"
    } else {
        "text/html"
    };
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(ct),
    );
    HttpResponse {
        status,
        headers,
        body: Bytes::from(body),
    }
}

/// Every fixture of one provider folder, parsed.
pub(crate) fn fixtures(provider: &str) -> Vec<Value> {
    let dir = format!("{}{provider}", fixtures_dir!(""));
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            if let Some(value) = std::fs::read_to_string(entry.path())
                .ok()
                .and_then(|text| serde_json::from_str(&text).ok())
            {
                out.push(value);
            }
        }
    }
    out
}
