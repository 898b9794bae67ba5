//! The spec's field rules (dictionary types, lengths, versions) every request is checked by.

use crate::credentials::{SAFERPAY_PASSWORD, SAFERPAY_USERNAME};
use crate::currency::{self, Currency};
use crate::reply::ApiRequest;
use crate::routes::Route;
use serde_json::{Map, Value, json};

use super::*;

/// Field rules from the Saferpay dictionary.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// `A-Za-z0-9.:-_`, length range.
    Id(usize, usize),
    /// Any UTF-8, length range in characters.
    Utf8(usize, usize),
    /// Digits, length range.
    Numeric(usize, usize),
    /// ASCII letters and digits, length range.
    AlphaNumeric(usize, usize),
    /// One of.
    Enum(&'static [&'static str]),
    /// http(s) URL up to this length.
    Url(usize),
    /// https URL up to this length.
    HttpsUrl(usize),
}

pub(super) fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '_')
}

/// Check a string against a rule; Err(reason).
pub fn check_rule(s: &str, rule: Rule) -> Result<(), String> {
    let n = s.chars().count();
    let len = |min: usize, max: usize| {
        if n < min || n > max {
            Err(format!("must be {min} to {max} characters long (is {n})"))
        } else {
            Ok(())
        }
    };
    match rule {
        Rule::Id(min, max) => {
            len(min, max)?;
            if !s.chars().all(is_id_char) {
                return Err("may only contain the characters A-Z a-z 0-9 . : - _".into());
            }
            Ok(())
        }
        Rule::Utf8(min, max) => len(min, max),
        Rule::Numeric(min, max) => {
            len(min, max)?;
            if !s.chars().all(|c| c.is_ascii_digit()) {
                return Err("must be numeric".into());
            }
            Ok(())
        }
        Rule::AlphaNumeric(min, max) => {
            len(min, max)?;
            if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err("must be alphanumeric".into());
            }
            Ok(())
        }
        Rule::Enum(values) => {
            if values.contains(&s) {
                Ok(())
            } else {
                Err(format!("must be one of {}", values.join(", ")))
            }
        }
        Rule::Url(max) | Rule::HttpsUrl(max) => {
            let https_only = matches!(rule, Rule::HttpsUrl(_));
            if n > max {
                return Err(format!("must be at most {max} characters long"));
            }
            let ok_scheme = s.starts_with("https://") || (!https_only && s.starts_with("http://"));
            if !ok_scheme {
                return Err(if https_only {
                    "must be an https URL".into()
                } else {
                    "must be an http or https URL".into()
                });
            }
            if s.len() <= 8 || s.chars().any(char::is_whitespace) {
                return Err("is not a valid URL".into());
            }
            Ok(())
        }
    }
}

/// Collects validation errors with Saferpay-style field paths.
#[derive(Debug, Default)]
pub struct V {
    /// `Path: message` lines.
    pub errs: Vec<String>,
}

pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl V {
    /// Record a missing field.
    pub fn missing(&mut self, path: &str, key: &str) {
        self.errs
            .push(format!("{}: The {key} field is required.", join(path, key)));
    }

    /// Record an invalid field.
    pub fn invalid(&mut self, path: &str, key: &str, why: &str) {
        self.errs.push(format!(
            "{}: The field {key} is invalid: {why}",
            join(path, key)
        ));
    }

    /// Any errors?
    pub fn ok(&self) -> bool {
        self.errs.is_empty()
    }

    /// Into an error.
    pub fn into_error(self) -> SpError {
        SpError::validation(self.errs)
    }

    /// An object field.
    pub fn obj<'a>(
        &mut self,
        parent: &'a Value,
        path: &str,
        key: &str,
        required: bool,
    ) -> Option<&'a Map<String, Value>> {
        match parent.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.missing(path, key);
                }
                None
            }
            Some(Value::Object(m)) => Some(m),
            Some(_) => {
                self.invalid(path, key, "must be an object");
                None
            }
        }
    }

    /// A string field with a rule.
    pub fn string<'a>(
        &mut self,
        parent: &'a Value,
        path: &str,
        key: &str,
        required: bool,
        rule: Rule,
    ) -> Option<&'a str> {
        match parent.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.missing(path, key);
                }
                None
            }
            Some(Value::String(s)) => match check_rule(s, rule) {
                Ok(()) => Some(s.as_str()),
                Err(why) => {
                    self.invalid(path, key, &why);
                    None
                }
            },
            Some(_) => {
                self.invalid(path, key, "must be a string");
                None
            }
        }
    }

    /// A boolean field.
    pub fn boolean(&mut self, parent: &Value, path: &str, key: &str) -> Option<bool> {
        match parent.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.invalid(path, key, "must be a boolean");
                None
            }
        }
    }

    /// An integer field.
    pub fn integer(
        &mut self,
        parent: &Value,
        path: &str,
        key: &str,
        required: bool,
    ) -> Option<i64> {
        match parent.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.missing(path, key);
                }
                None
            }
            Some(Value::Number(n)) if n.is_i64() => n.as_i64(),
            Some(_) => {
                self.invalid(path, key, "must be an integer");
                None
            }
        }
    }

    /// An array of strings with a rule.
    pub fn string_array(
        &mut self,
        parent: &Value,
        path: &str,
        key: &str,
        required: bool,
        rule: Rule,
    ) -> Option<Vec<String>> {
        match parent.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.missing(path, key);
                }
                None
            }
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item.as_str() {
                        Some(s) => match check_rule(s, rule) {
                            Ok(()) => out.push(s.to_string()),
                            Err(why) => self.invalid(path, &format!("{key}[{i}]"), &why),
                        },
                        None => self.invalid(path, &format!("{key}[{i}]"), "must be a string"),
                    }
                }
                Some(out)
            }
            Some(_) => {
                self.invalid(path, key, "must be an array");
                None
            }
        }
    }

    /// An amount object `{Value: "<minor units>", CurrencyCode}`.
    pub fn amount(
        &mut self,
        parent: &Value,
        path: &str,
        key: &str,
        required: bool,
        allow_zero: bool,
    ) -> Option<(i64, Currency)> {
        let obj = self.obj(parent, path, key, required)?;
        let p = join(path, key);
        let before = self.errs.len();
        let value = match obj.get("Value") {
            None | Some(Value::Null) => {
                self.missing(&p, "Value");
                None
            }
            Some(Value::String(s)) => {
                if s.is_empty() || s.len() > 18 || !s.chars().all(|c| c.is_ascii_digit()) {
                    self.invalid(
                        &p,
                        "Value",
                        "must be a string of digits (amount in minor units)",
                    );
                    None
                } else {
                    match s.parse::<i64>() {
                        Ok(0) if !allow_zero => {
                            self.invalid(&p, "Value", "must be greater than zero");
                            None
                        }
                        Ok(v) => Some(v),
                        Err(_) => {
                            self.invalid(&p, "Value", "is out of range");
                            None
                        }
                    }
                }
            }
            Some(Value::Number(_)) => {
                self.invalid(
                    &p,
                    "Value",
                    "must be a string (amount in minor units), not a number",
                );
                None
            }
            Some(_) => {
                self.invalid(&p, "Value", "must be a string");
                None
            }
        };
        let cur = match obj.get("CurrencyCode") {
            None | Some(Value::Null) => {
                self.missing(&p, "CurrencyCode");
                None
            }
            Some(Value::String(s)) => match currency::find(s) {
                Some(c) => Some(c),
                None => {
                    self.invalid(&p, "CurrencyCode", "unknown ISO 4217 currency code");
                    None
                }
            },
            Some(_) => {
                self.invalid(&p, "CurrencyCode", "must be a string");
                None
            }
        };
        if self.errs.len() != before {
            return None;
        }
        Some((value?, cur?))
    }
}

/// Amount JSON.
pub fn amount_json(minor: i64, cur: Currency) -> Value {
    json!({"Value": minor.to_string(), "CurrencyCode": cur.code})
}

/// Parse `major.minor` version text.
pub fn parse_version(s: &str) -> Option<(u32, u32)> {
    let (major, minor) = s.split_once('.')?;
    let ok = |p: &str| {
        !p.is_empty()
            && p.len() <= 2
            && p.chars().all(|c| c.is_ascii_digit())
            && !(p.len() > 1 && p.starts_with('0'))
    };
    if !ok(major) || !ok(minor) {
        return None;
    }
    let v = (major.parse().ok()?, minor.parse().ok()?);
    (v.0 == 1 && v.1 <= MAX_MINOR).then_some(v)
}

pub(super) fn min_version(route: Route) -> (u32, u32) {
    match route {
        Route::OffersCreate => (1, 14),
        Route::FieldsTokensCreate => (1, 21),
        Route::TerminalPaymentMethods => (1, 23),
        Route::LicenseConfiguration => (1, 31),
        Route::Terminals | Route::Terminal => (1, 32),
        Route::OffersGet => (1, 33),
        Route::License | Route::OffersDelete => (1, 35),
        Route::FieldsTokensDelete => (1, 44),
        Route::TransactionsReport => (1, 48),
        Route::PaymentPageConfigurations => (1, 52),
        _ => (1, 0),
    }
}

pub(super) fn credentials_ok(req: &ApiRequest) -> Result<(), &'static str> {
    match req.basic_auth() {
        None => Err("Missing or malformed HTTP Basic Authorization header"),
        Some((u, p)) if u == SAFERPAY_USERNAME && p == SAFERPAY_PASSWORD => Ok(()),
        Some(_) => Err("Invalid credentials"),
    }
}
