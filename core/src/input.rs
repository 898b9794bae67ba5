//! Input containers from plain JSON (snake_case keys), for bindings that receive dicts or
//! objects: a wrong key or type becomes a validation error naming the exact field path.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;

/// Decodes `value` as a `T` (e.g. a `Payer` from a Python dict), naming `field` and the path
/// inside it on failure: `payer.billing_address.email: invalid type …`.
pub fn from_json<T: DeserializeOwned>(field: &str, value: Value) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let full = if path.is_empty() || path == "." {
            field.to_owned()
        } else if path.starts_with('[') {
            format!("{field}{path}")
        } else {
            format!("{field}.{path}")
        };
        Error::validation(&full, e.inner().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saferpay::Payer;

    #[test]
    fn names_the_nested_field() {
        let err = from_json::<Payer>(
            "payer",
            serde_json::json!({"billing_address": {"email": 5}}),
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("payer.billing_address.email"));
        let err = from_json::<Payer>("payer", serde_json::json!({"nickname": "x"})).unwrap_err();
        assert_eq!(err.field(), Some("payer.nickname"));
        assert!(err.message().contains("nickname"), "{}", err.message());
        let payer: Payer = from_json("payer", serde_json::json!({"language_code": "de"})).unwrap();
        assert_eq!(payer.language_code.as_deref(), Some("de"));
        let err = from_json::<Vec<Payer>>("payers", serde_json::json!([{}, {"nickname": 1}]))
            .unwrap_err();
        assert_eq!(err.field(), Some("payers[1].nickname"));
    }
}
