//! Argument conversions shared by every client: seconds to durations, Kotlin `Int`s to the
//! core's unsigned counts, RFC 3339 strings to timestamps. Each failure is a validation error
//! naming the argument; every other rule is the core's.

use std::time::Duration;

use chrono::{DateTime, FixedOffset};

use crate::error::{Result, invalid};

pub(crate) fn seconds(field: &str, value: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        invalid(
            field,
            format!("must be a non-negative number of seconds (got {value})"),
        )
    })
}

pub(crate) fn count(field: &str, value: i32) -> Result<u32> {
    u32::try_from(value).map_err(|_| invalid(field, format!("must not be negative (got {value})")))
}

pub(crate) fn opt_count(field: &str, value: Option<i32>) -> Result<Option<u32>> {
    value.map(|v| count(field, v)).transpose()
}

/// An RFC 3339 timestamp. Also takes ISO 8601 without seconds (`2026-11-20T12:00Z`), which is
/// what Java's `OffsetDateTime.toString()` prints whenever the seconds are zero.
pub(crate) fn timestamp(field: &str, value: &str) -> Result<DateTime<FixedOffset>> {
    let value = value.trim();
    DateTime::parse_from_rfc3339(value).or_else(|e| {
        let offset_form = match value.strip_suffix(['Z', 'z']) {
            Some(local) => format!("{local}+00:00"),
            None => value.to_owned(),
        };
        DateTime::parse_from_str(&offset_form, "%Y-%m-%dT%H:%M%:z").map_err(|_| {
            invalid(
                field,
                format!("must be an RFC 3339 timestamp with offset, e.g. 2026-11-20T12:00:00+01:00 ({e})"),
            )
        })
    })
}

/// Client options from the common constructor arguments (`timeout` in seconds).
pub(crate) fn client_options(
    timeout: Option<f64>,
    max_retries: Option<i32>,
) -> Result<paywire::ClientOptions> {
    let mut options = paywire::ClientOptions::default();
    if let Some(timeout) = timeout {
        options.timeout = seconds("timeout", timeout)?;
    }
    if let Some(max_retries) = max_retries {
        options.max_retries = count("max_retries", max_retries)?;
    }
    Ok(options)
}

/// Per-call overrides (`withOptions`).
pub(crate) fn request_options(
    timeout: Option<f64>,
    max_retries: Option<i32>,
    request_id: Option<String>,
    retry_indicator: Option<i32>,
) -> Result<paywire::RequestOptions> {
    Ok(paywire::RequestOptions {
        timeout: timeout.map(|t| seconds("timeout", t)).transpose()?,
        max_retries: opt_count("max_retries", max_retries)?,
        request_id,
        retry_indicator: opt_count("retry_indicator", retry_indicator)?,
    })
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_from_kotlin_and_swift() {
        for ok in [
            "2026-11-22T02:20:17Z",
            "2026-11-22T02:20:17+01:00",
            "2026-11-22T02:20:17.5Z",
            "2026-11-22T02:20Z",
            "2026-11-22T02:20+05:30",
        ] {
            assert!(
                timestamp("expires_at", ok).is_ok(),
                "{ok}: {:?}",
                timestamp("expires_at", ok).err()
            );
        }
        assert_eq!(
            timestamp("x", "2026-11-22T02:20Z").ok(),
            timestamp("x", "2026-11-22T02:20:00+00:00").ok()
        );
        for bad in [
            "tomorrow",
            "2026-11-22",
            "2026-11-22T02:20",
            "2026-11-22T02:20:17",
        ] {
            let err = timestamp("expires_at", bad).unwrap_err();
            assert_eq!(err.info().field.as_deref(), Some("expires_at"), "{bad}");
        }
    }
}
