//! Core results → JS objects. The core's result types serialise with API.md's names (snake_case);
//! here keys become camelCase, except inside `raw` (the provider's own JSON) and maps keyed by
//! provider values (`payment_links` by payment method). The matching TypeScript interfaces are
//! declared in `types.rs`.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::errors::Result;

/// Keys whose values are provider data, passed through untouched.
const VERBATIM: &[&str] = &["raw", "payment_links", "objects"];

pub(crate) fn camel_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

pub(crate) fn camel_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    if VERBATIM.contains(&k.as_str()) {
                        (camel_case(&k), v)
                    } else {
                        (camel_case(&k), camel_keys(v))
                    }
                })
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_keys).collect()),
        other => other,
    }
}

/// Serialises a core result for JS.
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value)
        .map(camel_keys)
        .map_err(|e| paywire::Error::internal(format!("cannot convert a result for JS: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camelises_keys_but_not_provider_data() {
        assert_eq!(camel_case("payment_means"), "paymentMeans");
        assert_eq!(camel_case("three_ds"), "threeDs");
        let v = camel_keys(
            serde_json::json!({"capture_id": "c", "raw": {"Some_Key": 1}, "payment_links": {"credit_card": "u"}}),
        );
        assert_eq!(
            v,
            serde_json::json!({"captureId": "c", "raw": {"Some_Key": 1}, "paymentLinks": {"credit_card": "u"}})
        );
    }
}
