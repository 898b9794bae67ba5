//! The one generic path of every table row (`paywire::operation`): a JS object of camelCase
//! parameters → snake_case JSON → the core's `call_json` (which decodes through
//! `decode_input`) → the result's JSON with camelCase keys. The JS methods and their types are
//! generated from [`operation_table`] (`scripts/gen-operations.mjs`); nothing here knows one
//! operation from another.

use napi_derive::napi;
use paywire::operation::OperationInfo;
use serde_json::{Map, Value};

use crate::convert::{snake_case, snake_keys};
use crate::errors::Result;

/// Every row of every provider's table as JSON (`paywire::operation::table_json()`), for the
/// generator and the parity test.
#[napi(js_name = "operationTable")]
pub fn operation_table() -> Value {
    paywire::operation::table_json()
}

/// Every generated output record as JSON (`paywire::operation::record::records_json()`), for
/// the generator: their TypeScript interfaces are written from it.
#[napi(js_name = "recordTable")]
pub fn record_table() -> Value {
    paywire::operation::record::records_json()
}

/// The core's error kinds (`ErrorKind::ALL`), in order: `validation`, `authentication`, …
#[napi(js_name = "errorKinds")]
pub fn error_kinds() -> Vec<String> {
    paywire::ErrorKind::ALL
        .iter()
        .map(|kind| kind.as_str().to_owned())
        .collect()
}

/// The row `provider.name`, or a validation error naming `operation`.
pub(crate) fn row(provider: &str, name: &str) -> Result<&'static OperationInfo> {
    paywire::operation::find(provider, name).ok_or_else(|| {
        paywire::Error::validation(
            "operation",
            format!("{name:?} is not a {provider} operation"),
        )
    })
}

/// A free-form map (`extra`): its keys are the provider's own and cross unchanged.
fn is_free_form(rust_type: &str) -> bool {
    rust_type.starts_with("Map<")
        || rust_type.starts_with("BTreeMap<")
        || rust_type.starts_with("HashMap<")
}

/// The JS input object of `row` as the core's snake_case JSON: keys converted (nested ones
/// too, except inside free-form maps); whatever is wrong with it is for `decode_input` to say.
pub(crate) fn input_json(row: &OperationInfo, input: Value) -> Value {
    match input {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let key = snake_case(&key);
                    let free_form = row
                        .params()
                        .iter()
                        .any(|p| p.name == key && is_free_form(p.rust_type));
                    let value = if free_form { value } else { snake_keys(value) };
                    (key, value)
                })
                .collect::<Map<String, Value>>(),
        ),
        // `undefined` / `null` means "no parameters"; anything else is refused by the core.
        other => snake_keys(other),
    }
}

/// How many records one crossing into Rust fetches when the caller does not say: the core's
/// `Paging::batch_size` (pages are still fetched whole, one provider call each).
pub(crate) fn default_batch_size(row: &OperationInfo) -> u32 {
    row.paging.batch_size()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn converts_keys_but_not_inside_free_form_maps() {
        let row = row("secuconnect", "update_smart_transaction");
        let Ok(row) = row else {
            panic!("no update_smart_transaction row")
        };
        let value = input_json(
            row,
            json!({"id": "STX_1", "merchantRef": "m", "customer": {"contact": {"companyName": "c"}},
                   "extra": {"someProviderKey": 1}}),
        );
        assert_eq!(
            value,
            json!({"id": "STX_1", "merchant_ref": "m", "customer": {"contact": {"company_name": "c"}},
                   "extra": {"someProviderKey": 1}})
        );
    }

    #[test]
    fn batch_size_comes_from_the_table() {
        let Ok(row) = row("saferpay", "transactions") else {
            panic!("no transactions row")
        };
        assert!(default_batch_size(row) > 1);
        assert!(super::row("saferpay", "no_such_operation").is_err());
    }
}
