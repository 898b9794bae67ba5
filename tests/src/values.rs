//! `${…}` substitution and result matching, as described in `tests/scenarios/README.md`.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use serde_json::Value;

/// Replaces `${name}` placeholders in every string of `value`.
pub fn substitute(
    value: &Value,
    saved: &HashMap<String, Value>,
    sandbox_url: &str,
) -> Result<Value, String> {
    Ok(match value {
        Value::String(text) => substitute_str(text, saved, sandbox_url)?,
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| substitute(v, saved, sandbox_url))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), substitute(v, saved, sandbox_url)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

fn substitute_str(
    text: &str,
    saved: &HashMap<String, Value>,
    sandbox_url: &str,
) -> Result<Value, String> {
    // A string that is exactly one placeholder keeps the saved value's type.
    if let Some(name) = text
        .strip_prefix("${")
        .and_then(|t| t.strip_suffix('}'))
        .filter(|name| !name.contains("${"))
    {
        return resolve(name, saved, sandbox_url);
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("unclosed placeholder in {text:?}"))?;
        match resolve(&after[..end], saved, sandbox_url)? {
            Value::String(s) => out.push_str(&s),
            other => out.push_str(&other.to_string()),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(Value::String(out))
}

fn resolve(name: &str, saved: &HashMap<String, Value>, sandbox_url: &str) -> Result<Value, String> {
    if name == "unique" {
        return Ok(Value::String(format!(
            "sc-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..20]
        )));
    }
    if name == "sandbox_url" {
        return Ok(Value::String(sandbox_url.to_owned()));
    }
    if name == "yesterday" {
        return Ok(Value::String(days_ago(1)));
    }
    if let Some(n) = name.strip_prefix("days_ago:") {
        let n: i64 = n.parse().map_err(|_| format!("bad days_ago {n:?}"))?;
        return Ok(Value::String(days_ago(n)));
    }
    if let Some(offset) = name.strip_prefix("now") {
        let delta = if offset.is_empty() {
            Duration::zero()
        } else {
            parse_offset(offset)?
        };
        return Ok(Value::String(
            (Utc::now() + delta).to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        ));
    }
    saved
        .get(name)
        .cloned()
        .ok_or_else(|| format!("nothing saved as {name:?}"))
}

fn days_ago(n: i64) -> String {
    (Utc::now().date_naive() - Duration::days(n))
        .format("%Y-%m-%d")
        .to_string()
}

fn parse_offset(offset: &str) -> Result<Duration, String> {
    let (sign, body) = match offset.split_at(1) {
        ("+", b) => (1, b),
        ("-", b) => (-1, b),
        _ => return Err(format!("bad time offset {offset:?}")),
    };
    let (digits, unit) = body.split_at(body.len().saturating_sub(1));
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("bad time offset {offset:?}"))?;
    let d = match unit {
        "m" => Duration::minutes(n),
        "h" => Duration::hours(n),
        "d" => Duration::days(n),
        _ => return Err(format!("bad time unit in {offset:?}")),
    };
    Ok(d * sign)
}

/// Subset match: every key of `expected` must be in `actual` with an equal value.
pub fn matches(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Null, Value::Null) => Ok(()),
        (Value::Null, other) => Err(format!("{path}: expected null/absent, got {other}")),
        (Value::Object(want), Value::Object(have)) => {
            for (key, want_value) in want {
                let have_value = have.get(key).unwrap_or(&Value::Null);
                matches(want_value, have_value, &format!("{path}.{key}"))?;
            }
            Ok(())
        }
        (Value::Array(want), Value::Array(have)) => {
            if want.len() != have.len() {
                return Err(format!(
                    "{path}: expected {} items, got {}",
                    want.len(),
                    have.len()
                ));
            }
            for (i, (w, h)) in want.iter().zip(have).enumerate() {
                matches(w, h, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
        (a, b) if a == b => Ok(()),
        (a, b) => Err(format!("{path}: expected {a}, got {b}")),
    }
}

/// Reads a dotted path (`transaction.id`; `.` is the whole value).
pub fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    if path == "." {
        return Some(value);
    }
    path.split('.')
        .try_fold(value, |v, key| match (v, key.parse::<usize>()) {
            (Value::Array(items), Ok(index)) => items.get(index),
            _ => v.get(key),
        })
}
