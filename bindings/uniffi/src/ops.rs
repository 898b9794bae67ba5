//! What every generated operation method (`src/operations.rs`) does: the input record becomes
//! the snake_case JSON object core decodes with `paywire::operation::decode_input`, the one
//! path every language takes (so a bad value is refused naming the same field everywhere),
//! then the table row runs on paywire's shared runtime.

use paywire::operation::{Operation, decode_input};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Result, guard, guard_async, invalid};

/// An input record: its parameters as the JSON object core decodes.
pub(crate) trait Params {
    fn into_params(self) -> Result<Map<String, Value>>;
}

/// A parameter that crosses as a record, list or scalar: its JSON as core reads it. A record
/// field left `null` is left out, as a caller of any other language would leave it out.
pub(crate) fn param<T: Serialize>(field: &str, value: &T) -> Result<Value> {
    let mut value = serde_json::to_value(value)
        .map_err(|e| invalid(field, format!("cannot be converted to JSON: {e}")))?;
    drop_nulls(&mut value);
    Ok(value)
}

fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// A parameter without a record of its own crosses as JSON text (`{"type": "shipping"}`).
pub(crate) fn json_text(field: &str, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| invalid(field, format!("is not valid JSON: {e}")))
}

pub(crate) fn opt_json_text(field: &str, text: Option<&str>) -> Result<Value> {
    text.map_or(Ok(Value::Null), |t| json_text(field, t))
}

fn decode<O: Operation>(input: impl Params) -> Result<O> {
    Ok(decode_input::<O>(Value::Object(input.into_params()?))?)
}

/// Runs row `O` from a Kotlin coroutine or Swift task: decoded here, run on the shared
/// runtime (dropping the future aborts the request).
pub(crate) async fn call<O>(client: &O::Client, input: impl Params) -> Result<O::Output>
where
    O: Operation,
{
    guard_async(async move {
        let operation = decode::<O>(input)?;
        let client = client.clone();
        Ok(paywire::rt::run(async move { operation.invoke(&client).await }).await?)
    })
    .await
}

/// Runs row `O` blocking the calling thread (the `Blocking*Client`s).
pub(crate) fn call_blocking<O>(client: &O::Client, input: impl Params) -> Result<O::Output>
where
    O: Operation,
{
    guard(|| {
        let operation = decode::<O>(input)?;
        let client = client.clone();
        Ok(paywire::rt::block_on(async move {
            operation.invoke(&client).await
        })?)
    })
}

/// Every row of every provider as JSON (`[{provider, name, params: [{name, default}]}]`), for
/// the Kotlin and Swift parity tests.
#[uniffi::export]
pub fn operation_table() -> String {
    paywire::operation::table_json().to_string()
}

/// The input of a row without parameters (its method takes no record).
pub(crate) struct NoParams;

impl Params for NoParams {
    fn into_params(self) -> Result<Map<String, Value>> {
        Ok(Map::new())
    }
}
