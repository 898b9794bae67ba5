//! Money as integer minor units plus an ISO 4217 currency whose exponent is known.
//!
//! Wire formats differ per provider (Saferpay: string minor units; reporting: decimal major
//! units; secuconnect and SekurePay: integer minor units); those conversions live in the
//! provider modules, all built on the exact arithmetic here. No floating point anywhere.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::currency_table::CURRENCIES;
use crate::error::Error;

/// An ISO 4217 currency with its minor-unit exponent (CHF 2, JPY 0, KWD 3).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    exponent: u8,
}

impl Currency {
    /// Looks up an ISO 4217 code (case-insensitive). Unknown codes are a validation error.
    pub fn from_code(code: &str) -> Result<Currency, Error> {
        Self::lookup(code).ok_or_else(|| {
            Error::validation(
                "currency",
                format!("unknown ISO 4217 currency code {:?}", truncate(code, 16)),
            )
        })
    }

    fn lookup(code: &str) -> Option<Currency> {
        // Upper-cased in place: this runs for every amount of a report page.
        let mut bytes: [u8; 3] = code.trim().as_bytes().try_into().ok()?;
        bytes.make_ascii_uppercase();
        let index = CURRENCIES
            .binary_search_by(|(known, _)| known.as_bytes().cmp(&bytes[..]))
            .ok()?;
        let (_, exponent) = CURRENCIES.get(index)?;
        Some(Currency {
            code: bytes,
            exponent: *exponent,
        })
    }

    /// The three-letter code, upper case.
    pub fn code(&self) -> &str {
        // The bytes come from the ASCII table above, so this never fails.
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// Number of minor-unit digits (2 for CHF, 0 for JPY, 3 for KWD).
    pub fn exponent(&self) -> u8 {
        self.exponent
    }

    fn scale(&self) -> i64 {
        10_i64.pow(u32::from(self.exponent))
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_code(s)
    }
}

/// An amount of money: integer minor units (never negative) and a currency.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    /// `Money::from_minor(404, "CHF")` is CHF 4.04.
    pub fn from_minor(minor: i64, currency: &str) -> Result<Money, Error> {
        Money::new(minor, Currency::from_code(currency)?)
    }

    /// Like [`Money::from_minor`], but every error names `field` (e.g.
    /// `order.items[0].unit_price`), for bindings that build nested amounts from typed records.
    pub fn from_minor_at(field: &str, minor: i64, currency: &str) -> Result<Money, Error> {
        Money::from_minor(minor, currency)
            .map_err(|e| Error::validation(field, e.message().to_owned()))
    }

    /// Builds an amount from minor units of a known currency; negative amounts are refused.
    pub fn new(minor: i64, currency: Currency) -> Result<Money, Error> {
        if minor < 0 {
            return Err(Error::validation(
                "amount",
                format!("amount must not be negative (got {minor} minor units)"),
            ));
        }
        Ok(Money { minor, currency })
    }

    /// Parses a decimal major-unit amount: `Money::parse("4.04", "CHF")` is 404 minor units.
    /// More decimals than the currency has ("4.045" CHF), signs, exponents, or overflow are
    /// validation errors.
    pub fn parse(amount: &str, currency: &str) -> Result<Money, Error> {
        let currency = Currency::from_code(currency)?;
        let minor = parse_decimal(amount, currency.exponent(), "amount")?;
        Money::new(minor, currency)
    }

    pub fn minor(&self) -> i64 {
        self.minor
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn is_zero(&self) -> bool {
        self.minor == 0
    }

    /// Major units as a decimal string with exactly `exponent` decimals ("4.04", "100", "1.500").
    pub fn to_decimal_string(&self) -> String {
        let exponent = usize::from(self.currency.exponent());
        if exponent == 0 {
            return self.minor.to_string();
        }
        let scale = self.currency.scale();
        format!(
            "{}.{:0width$}",
            self.minor / scale,
            self.minor % scale,
            width = exponent
        )
    }

    /// Sum of two amounts of the same currency.
    pub fn checked_add(&self, other: Money) -> Result<Money, Error> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or_else(|| Error::validation("amount", "amount overflows"))?;
        Money::new(minor, self.currency)
    }

    /// Difference of two amounts of the same currency; a negative result is an error.
    pub fn checked_sub(&self, other: Money) -> Result<Money, Error> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or_else(|| Error::validation("amount", "amount overflows"))?;
        Money::new(minor, self.currency)
    }

    /// The amount times a whole quantity (basket lines).
    pub fn checked_mul(&self, quantity: i64) -> Result<Money, Error> {
        let minor = self
            .minor
            .checked_mul(quantity)
            .ok_or_else(|| Error::validation("amount", "amount overflows"))?;
        Money::new(minor, self.currency)
    }

    fn same_currency(&self, other: Money) -> Result<(), Error> {
        if self.currency != other.currency {
            return Err(Error::validation(
                "currency",
                format!(
                    "cannot combine {} with {}",
                    self.currency.code(),
                    other.currency.code()
                ),
            ));
        }
        Ok(())
    }
}

/// Parses a non-negative decimal string into minor units with `exponent` digits.
pub(crate) fn parse_decimal(text: &str, exponent: u8, field: &str) -> Result<i64, Error> {
    let invalid = |why: &str| {
        Error::validation(
            field,
            format!("invalid amount {:?}: {why}", truncate(text, 40)),
        )
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(invalid("empty"));
    }
    let (whole, fraction) = match trimmed.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (trimmed, None),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("expected digits with an optional decimal point"));
    }
    let fraction = fraction.unwrap_or("");
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("expected digits after the decimal point"));
    }
    // Extra decimals are fine only when they are zeros ("4.0400" CHF is 4.04 exactly, as a
    // Python Decimal may print it); anything else would be rounding money.
    let significant = usize::from(exponent);
    if fraction.len() > significant && fraction.bytes().skip(significant).any(|b| b != b'0') {
        return Err(invalid(&format!(
            "more than {exponent} decimal places for this currency"
        )));
    }
    let fraction = fraction
        .get(..significant.min(fraction.len()))
        .unwrap_or("");
    let overflow = || invalid("amount is too large");
    let scale = 10_i64
        .checked_pow(u32::from(exponent))
        .ok_or_else(overflow)?;
    let whole: i64 = whole.parse().map_err(|_| overflow())?;
    let mut frac_value: i64 = 0;
    for digit in fraction.bytes() {
        frac_value = frac_value * 10 + i64::from(digit - b'0');
    }
    for _ in fraction.len()..usize::from(exponent) {
        frac_value *= 10;
    }
    whole
        .checked_mul(scale)
        .and_then(|v| v.checked_add(frac_value))
        .ok_or_else(overflow)
}

pub(crate) fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

impl fmt::Display for Money {
    /// `4.04 CHF`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency.code())
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Money({} {})",
            self.to_decimal_string(),
            self.currency.code()
        )
    }
}

#[derive(Serialize, Deserialize)]
struct MoneyRepr {
    minor: i64,
    currency: String,
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        MoneyRepr {
            minor: self.minor,
            currency: self.currency.code().to_owned(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let repr = MoneyRepr::deserialize(deserializer)?;
        Money::from_minor(repr.minor, &repr.currency).map_err(crate::input::de_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn parses_and_formats_by_exponent() {
        let chf = Money::parse("4.04", "CHF").unwrap();
        assert_eq!(chf.minor(), 404);
        assert_eq!(chf.to_string(), "4.04 CHF");
        assert_eq!(Money::parse("4", "chf").unwrap().minor(), 400);
        assert_eq!(Money::parse("4.5", "CHF").unwrap().minor(), 450);
        assert_eq!(Money::parse("4.0400", "CHF").unwrap().minor(), 404);
        assert_eq!(Money::parse("1500.000", "JPY").unwrap().minor(), 1500);
        assert_eq!(Money::parse("1500", "JPY").unwrap().to_string(), "1500 JPY");
        assert_eq!(Money::parse("1.5", "KWD").unwrap().minor(), 1500);
        assert_eq!(
            Money::from_minor(1500, "KWD").unwrap().to_string(),
            "1.500 KWD"
        );
        assert_eq!(Money::from_minor(5, "EUR").unwrap().to_string(), "0.05 EUR");
    }

    #[test]
    fn rejects_bad_amounts_naming_the_field() {
        for (amount, currency) in [
            ("4.045", "CHF"),
            ("4.0401", "CHF"),
            ("1.5", "JPY"),
            ("-1", "CHF"),
            ("+1", "CHF"),
            ("1e3", "CHF"),
            ("", "CHF"),
            (".5", "CHF"),
            ("1,00", "CHF"),
            ("99999999999999999999", "CHF"),
            ("92233720368547758.08", "CHF"),
        ] {
            let err = Money::parse(amount, currency).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Validation, "{amount}");
            assert_eq!(err.field(), Some("amount"), "{amount}");
        }
        let err = Money::parse("1", "ABC").unwrap_err();
        assert_eq!(err.field(), Some("currency"));
        assert!(Money::from_minor(-1, "CHF").is_err());
    }

    #[test]
    fn arithmetic_is_checked() {
        let a = Money::from_minor(i64::MAX, "CHF").unwrap();
        assert!(a.checked_add(Money::from_minor(1, "CHF").unwrap()).is_err());
        let b = Money::from_minor(1, "EUR").unwrap();
        assert_eq!(
            Money::from_minor(1, "CHF")
                .unwrap()
                .checked_add(b)
                .unwrap_err()
                .field(),
            Some("currency")
        );
        let c = Money::from_minor(5, "CHF").unwrap();
        assert!(c.checked_sub(Money::from_minor(6, "CHF").unwrap()).is_err());
        assert_eq!(c.checked_mul(3).unwrap().minor(), 15);
    }

    #[test]
    fn every_table_code_round_trips() {
        for (code, exponent) in CURRENCIES {
            let currency = Currency::from_code(code).unwrap();
            assert_eq!(currency.code(), *code);
            assert_eq!(currency.exponent(), *exponent);
        }
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(text in ".{0,30}", code in "[A-Za-z]{0,4}") {
            let _ = Money::parse(&text, &code);
        }

        #[test]
        fn decimal_round_trip(minor in 0i64..i64::MAX, idx in 0usize..CURRENCIES.len()) {
            let (code, _) = CURRENCIES[idx];
            let money = Money::from_minor(minor, code).unwrap();
            let back = Money::parse(&money.to_decimal_string(), code).unwrap();
            proptest::prop_assert_eq!(back, money);
        }
    }
}
