//! ISO 4217 currencies the sandbox knows, with their minor-unit exponents.

/// A currency code with its number of decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Currency {
    /// ISO 4217 alphabetic code.
    pub code: &'static str,
    /// Minor-unit exponent (CHF 2, JPY 0, KWD 3).
    pub exponent: u32,
}

const TABLE: &[(&str, u32)] = &[
    ("AED", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MXN", 2),
    ("MYR", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PHP", 2),
    ("PLN", 2),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TND", 3),
    ("TRY", 2),
    ("TWD", 2),
    ("UAH", 2),
    ("USD", 2),
    ("VND", 0),
    ("XOF", 0),
    ("ZAR", 2),
];

/// Look a currency up by its (upper-case) code.
pub fn find(code: &str) -> Option<Currency> {
    TABLE
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(c, e)| Currency {
            code: c,
            exponent: *e,
        })
}

/// Format minor units as a major-unit decimal string ("5.00", JPY "500").
pub fn major(minor: i64, cur: Currency) -> String {
    if cur.exponent == 0 {
        return minor.to_string();
    }
    let div = 10i64.pow(cur.exponent);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let div_u = div.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / div_u,
        abs % div_u,
        width = cur.exponent as usize
    )
}
