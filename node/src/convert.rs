//! Plain type conversions between JS values and core inputs.

use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use napi::Either;
use serde_json::{Map, Value};

use crate::errors::Result;
use crate::money::safe_integer;

/// `billingAddress` → `billing_address`; snake_case keys stay as they are.
pub(crate) fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for (i, c) in key.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Object keys to snake_case, recursively; whole-valued numbers to integers (napi hands numbers
/// above 2^32 over as floats, which the core's integer fields would refuse).
pub(crate) fn snake_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (snake_case(&k), snake_keys(v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(snake_keys).collect()),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && safe_integer("", f).is_ok() => Value::from(f as i64),
            _ => Value::Number(n),
        },
        other => other,
    }
}

/// An RFC 3339 string with an offset (seconds optional; parsed by the core) or a JS `Date`.
pub(crate) fn timestamp(
    field: &str,
    value: Either<String, DateTime<Utc>>,
) -> Result<DateTime<FixedOffset>> {
    match value {
        Either::A(text) => paywire::input::parse_timestamp(field, &text),
        Either::B(date) => Ok(date.fixed_offset()),
    }
}

/// Milliseconds (a JS number) to a duration.
pub(crate) fn millis(field: &str, value: f64) -> Result<Duration> {
    if !value.is_finite() || value < 0.0 {
        return Err(paywire::Error::validation(
            field,
            format!("must be a non-negative number of milliseconds (got {value})"),
        ));
    }
    Ok(Duration::from_secs_f64(value / 1000.0))
}

/// A JS number that must be a non-negative integer fitting `u32`.
pub(crate) fn uint(field: &str, value: f64) -> Result<u32> {
    let n = safe_integer(field, value)?;
    u32::try_from(n).map_err(|_| {
        paywire::Error::validation(field, format!("must be 0 to {} (got {value})", u32::MAX))
    })
}

/// Per-call options shared by every provider (`requestId`, `timeoutMs`, `maxRetries`).
pub(crate) fn request_options(
    request_id: Option<String>,
    timeout_ms: Option<f64>,
    max_retries: Option<f64>,
) -> Result<Option<paywire::RequestOptions>> {
    if request_id.is_none() && timeout_ms.is_none() && max_retries.is_none() {
        return Ok(None);
    }
    Ok(Some(paywire::RequestOptions {
        timeout: timeout_ms.map(|ms| millis("timeout_ms", ms)).transpose()?,
        max_retries: max_retries.map(|n| uint("max_retries", n)).transpose()?,
        request_id,
        ..paywire::RequestOptions::default()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_keys() {
        assert_eq!(snake_case("billingAddress"), "billing_address");
        assert_eq!(snake_case("ipv6Address"), "ipv6_address");
        assert_eq!(snake_case("street2"), "street2");
        assert_eq!(snake_case("already_snake"), "already_snake");
        let v = snake_keys(serde_json::json!({"unitPrice": {"minor": 5e9, "currency": "CHF"}}));
        assert_eq!(
            v,
            serde_json::json!({"unit_price": {"minor": 5_000_000_000_i64, "currency": "CHF"}})
        );
    }
}
