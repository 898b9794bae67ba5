//! Money as a record (`Money(minor = 404, currency = "CHF")`) plus the core's parser.

use crate::error::{Result, guard};

/// An amount: integer minor units and an ISO 4217 code. `Money(404, "CHF")` is CHF 4.04.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize, uniffi::Record,
)]
#[serde(deny_unknown_fields)]
pub struct Money {
    pub minor: i64,
    pub currency: String,
}

impl From<paywire::Money> for Money {
    fn from(value: paywire::Money) -> Self {
        Money {
            minor: value.minor(),
            currency: value.currency().code().to_owned(),
        }
    }
}

impl Money {
    /// The core's `Money`, validated (known currency, not negative). Errors name the core's
    /// fields (`amount`, `currency`), as in every other language.
    pub(crate) fn to_core(&self) -> Result<paywire::Money> {
        Ok(paywire::Money::from_minor(self.minor, &self.currency)?)
    }
}

pub(crate) fn opt_money(value: Option<paywire::Money>) -> Option<Money> {
    value.map(Money::from)
}

/// `moneyParse("4.04", "CHF")` is `Money(404, "CHF")`. Unknown currencies, too many decimals,
/// signs and overflow are validation errors.
#[uniffi::export]
pub fn money_parse(amount: String, currency: String) -> Result<Money> {
    guard(|| Ok(Money::from(paywire::Money::parse(&amount, &currency)?)))
}

/// Checks a `Money` (known currency, not negative) and returns it with the code upper-cased.
#[uniffi::export]
pub fn money_validate(money: Money) -> Result<Money> {
    guard(|| Ok(Money::from(money.to_core()?)))
}

/// `"4.04 CHF"`: major units with the currency's exponent, then the code.
#[uniffi::export]
pub fn money_format(money: Money) -> Result<String> {
    guard(|| Ok(money.to_core()?.to_string()))
}
