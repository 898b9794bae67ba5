//! Money as `{ minor: number, currency: string }`: integer minor units must be safe integers
//! (2^53 - 1 at most), anything else is a validation error naming the field.

use napi_derive::napi;

use crate::errors::{self, Result};

/// An amount: integer minor units and an ISO 4217 code (`{ minor: 404, currency: 'CHF' }` is
/// CHF 4.04). `minor` must be a safe integer.
#[napi(object)]
#[derive(Clone, Debug)]
pub struct Money {
    pub minor: f64,
    pub currency: String,
}

/// Largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A JS number that must be a safe integer, for `field`.
pub(crate) fn safe_integer(field: &str, value: f64) -> Result<i64> {
    if !value.is_finite() || value.fract() != 0.0 || value.abs() > MAX_SAFE_INTEGER {
        return Err(paywire::Error::validation(
            field,
            format!("must be a safe integer (got {value})"),
        ));
    }
    Ok(value as i64)
}

impl Money {
    /// Converts an `amount` argument to the core's `Money`; a non-integer `minor` names
    /// `amount`, the core names `amount` (negative) or `currency` (unknown code), as API.md's
    /// `amount`/`currency` arguments.
    pub(crate) fn to_core(&self) -> Result<paywire::Money> {
        let minor = safe_integer("amount", self.minor)?;
        paywire::Money::from_minor(minor, &self.currency)
    }

    pub(crate) fn from_core(money: &paywire::Money) -> Money {
        Money {
            minor: money.minor() as f64,
            currency: money.currency().code().to_owned(),
        }
    }
}

/// `Money.parse('4.04', 'CHF')` → `{ minor: 404, currency: 'CHF' }`. Unknown currency, too many
/// decimals, signs or overflow are validation errors.
#[napi(js_name = "moneyParse")]
pub fn money_parse(amount: String, currency: String) -> napi::Result<Money> {
    errors::napi_result(paywire::Money::parse(&amount, &currency).map(|m| Money::from_core(&m)))
}

/// `Money.fromMinor(404, 'CHF')`: validates and normalises (upper-case currency).
#[napi(js_name = "moneyFromMinor")]
pub fn money_from_minor(minor: f64, currency: String) -> napi::Result<Money> {
    let money = Money { minor, currency };
    errors::napi_result(money.to_core().map(|m| Money::from_core(&m)))
}

/// `Money.format({ minor: 404, currency: 'CHF' })` → `"4.04 CHF"`.
#[napi(js_name = "moneyFormat")]
pub fn money_format(money: Money) -> napi::Result<String> {
    errors::napi_result(money.to_core().map(|m| m.to_string()))
}
