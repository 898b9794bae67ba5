//! Sandbox time: real UTC now plus an offset that `advance_clock` adds to.

use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicI64, Ordering};

/// The sandbox clock. Every expiry (offers, tokens, payment page sessions, reporting "today")
/// is measured against it.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// Sandbox now.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Move the clock by `seconds` (may be negative).
    pub fn advance(&self, seconds: i64) {
        self.offset_ms
            .fetch_add(seconds.saturating_mul(1000), Ordering::Relaxed);
    }

    /// Current offset from real time, in seconds.
    pub fn offset_secs(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed) / 1000
    }

    /// Back to real time.
    pub fn reset(&self) {
        self.offset_ms.store(0, Ordering::Relaxed);
    }
}

/// Saferpay JSON API / Management API date: `2023-03-01T11:37:47.682+00:00`.
pub fn fmt_saferpay(dt: DateTime<Utc>) -> String {
    dt.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

/// Saferpay reporting date: no offset, milliseconds (`2025-08-14T12:41:30.618`).
pub fn fmt_report(dt: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    // By hand: chrono's format string is parsed on every call, and a report page has
    // thousands of dates.
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.timestamp_subsec_millis().min(999)
    )
}

/// secuconnect date: seconds and offset (`2021-04-28T12:00:00+00:00`).
pub fn fmt_secu(dt: DateTime<Utc>) -> String {
    dt.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// Milliseconds since the epoch → UTC date time (saturating at the epoch on overflow).
pub fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default()
}

/// Day number (days since 1970-01-01, UTC) of an instant.
pub fn day_of(dt: DateTime<Utc>) -> i64 {
    dt.timestamp_millis().div_euclid(86_400_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_dates_as_chrono_formats_them() {
        for ms in [
            0,
            1,
            999,
            1_000,
            1_764_806_399_999,
            1_764_806_400_000,
            253_402_300_799_999,
        ] {
            let dt = from_millis(ms);
            assert_eq!(
                fmt_report(dt),
                dt.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
            );
        }
    }
}
