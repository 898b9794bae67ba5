//! Turning core results into JSON documents, export rows and text.

use paywire::Money;
use paywire::saferpay::{License, Offer, ReportedTransaction, Terminal};
use serde::Serialize;
use serde_json::{Value, json};

use crate::exit::{CliError, CliResult};

pub fn money(m: &Money) -> Value {
    json!({
        "minor": m.minor(),
        "currency": m.currency().code(),
        "decimal": m.to_decimal_string(),
    })
}

fn opt_money(m: Option<&Money>) -> Value {
    m.map_or(Value::Null, money)
}

pub fn offer(o: &Offer) -> Value {
    json!({
        "offer_id": o.offer_id,
        "payment_link": o.payment_link,
        "status": o.status.as_str(),
        "amount": opt_money(o.amount.as_ref()),
        "order_id": o.order_id,
        "description": o.description,
        "created_at": o.created_at,
        "expires_at": o.expires_at,
        "transaction_id": o.transaction_id,
        "terminal_id": o.terminal_id,
    })
}

pub fn offer_text(o: &Offer) -> String {
    let mut lines = vec![
        format!("offer id:       {}", o.offer_id),
        format!("status:         {}", o.status),
        format!("payment link:   {}", o.payment_link),
    ];
    if let Some(amount) = &o.amount {
        lines.push(format!("amount:         {amount}"));
    }
    if let Some(order_id) = &o.order_id {
        lines.push(format!("order id:       {order_id}"));
    }
    if let Some(description) = &o.description {
        lines.push(format!("description:    {description}"));
    }
    if let Some(created) = &o.created_at {
        lines.push(format!("created at:     {created}"));
    }
    if let Some(expires) = &o.expires_at {
        lines.push(format!("expires at:     {expires}"));
    }
    if let Some(transaction) = &o.transaction_id {
        lines.push(format!("transaction id: {transaction}"));
    }
    lines.push(format!("terminal id:    {}", o.terminal_id));
    lines.join("\n")
}

pub fn terminal(t: &Terminal) -> Value {
    json!({
        "terminal_id": t.terminal_id,
        "type": t.terminal_type,
        "description": t.description,
        "payment_methods": t.payment_methods.iter().map(|m| json!({
            "payment_method": m.payment_method,
            "currencies": m.currencies,
            "logo_url": m.logo_url,
        })).collect::<Vec<_>>(),
        "wallets": t.wallets.iter().map(|w| json!({
            "wallet_name": w.wallet_name,
            "logo_url": w.logo_url,
        })).collect::<Vec<_>>(),
    })
}

pub fn terminals_text(terminals: &[Terminal]) -> String {
    let mut out = format!("{:<10} {:<6} DESCRIPTION", "TERMINAL", "TYPE");
    for t in terminals {
        out.push_str(&format!(
            "\n{:<10} {:<6} {}",
            t.terminal_id,
            t.terminal_type,
            t.description.as_deref().unwrap_or("")
        ));
    }
    out
}

pub fn terminal_text(t: &Terminal) -> String {
    let mut out = format!(
        "terminal id:  {}\ntype:         {}\ndescription:  {}",
        t.terminal_id,
        t.terminal_type,
        t.description.as_deref().unwrap_or("")
    );
    if !t.payment_methods.is_empty() {
        out.push_str("\npayment methods:");
        for m in &t.payment_methods {
            out.push_str(&format!(
                "\n  {:<12} {}",
                m.payment_method,
                m.currencies.join(", ")
            ));
        }
    }
    if !t.wallets.is_empty() {
        out.push_str("\nwallets:");
        for w in &t.wallets {
            out.push_str(&format!("\n  {}", w.wallet_name));
        }
    }
    out
}

pub fn license(l: &License) -> Value {
    json!({
        "package_id": l.package_id,
        "package_name": l.package_name,
        "features": l.features.iter().map(|f| json!({"id": f.id, "name": f.name})).collect::<Vec<_>>(),
    })
}

pub fn license_text(l: &License) -> String {
    let mut out = format!("package: {} ({})\nfeatures:", l.package_name, l.package_id);
    for f in &l.features {
        out.push_str(&format!("\n  {:<24} {}", f.id, f.name));
    }
    out
}

/// An amount in JSON output: integer minor units, the currency, and the decimal text, written
/// straight into the output (no `String` per amount).
pub struct MoneyOut(Money);

impl From<&Money> for MoneyOut {
    fn from(m: &Money) -> Self {
        MoneyOut(*m)
    }
}

impl Serialize for MoneyOut {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let currency = self.0.currency();
        let mut out = serializer.serialize_struct("MoneyOut", 3)?;
        out.serialize_field("minor", &self.0.minor())?;
        out.serialize_field("currency", currency.code())?;
        out.serialize_field("decimal", &Decimal(self.0))?;
        out.end()
    }
}

/// Major units as text, as `Money::to_decimal_string` spells them, without allocating.
pub struct Decimal(pub Money);

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let exponent = usize::from(self.0.currency().exponent());
        let minor = self.0.minor();
        if exponent == 0 {
            return write!(f, "{minor}");
        }
        let scale = 10_i64.pow(u32::from(self.0.currency().exponent()));
        write!(
            f,
            "{}.{:0width$}",
            minor / scale,
            minor % scale,
            width = exponent
        )
    }
}

impl Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One exported transaction: the normalised fields (in this order, id first) plus the
/// provider's record, so a snapshot keeps everything the provider sent.
#[derive(Serialize)]
pub struct TransactionOut<'a> {
    pub id: &'a str,
    #[serde(rename = "type")]
    pub transaction_type: Option<&'a str>,
    pub status: &'a str,
    pub amount: Option<MoneyOut>,
    pub captured_amount: Option<MoneyOut>,
    pub order_id: Option<&'a str>,
    pub date: Option<&'a str>,
    pub customer_id: &'a str,
    pub terminal_id: &'a str,
    pub terminal_type: Option<&'a str>,
    pub application: Option<&'a str>,
    pub payment_method: Option<&'a str>,
    pub provider: Option<&'a str>,
    pub description: Option<&'a str>,
    pub payer_id: Option<&'a str>,
    pub is_captured: bool,
    pub is_refunded: bool,
    pub is_cancelled: bool,
    pub declined_by: Option<&'a str>,
    pub raw: &'a paywire::RawJson,
}

pub fn transaction(t: &ReportedTransaction) -> TransactionOut<'_> {
    TransactionOut {
        id: &t.id,
        transaction_type: t.transaction_type.as_deref(),
        status: &t.status,
        amount: t.amount.as_ref().map(MoneyOut::from),
        captured_amount: t.captured_amount.as_ref().map(MoneyOut::from),
        order_id: t.order_id.as_deref(),
        date: t.date.as_deref(),
        customer_id: &t.customer_id,
        terminal_id: &t.terminal_id,
        terminal_type: t.terminal_type.as_deref(),
        application: t.application.as_deref(),
        payment_method: t.payment_method.as_deref(),
        provider: t.provider.as_deref(),
        description: t.description.as_deref(),
        payer_id: t.payer_id.as_deref(),
        is_captured: t.is_captured,
        is_refunded: t.is_refunded,
        is_cancelled: t.is_cancelled,
        declined_by: t.declined_by.as_deref(),
        raw: &t.raw,
    }
}

pub const CSV_HEADER: &[&str] = &[
    "id",
    "type",
    "status",
    "amount",
    "currency",
    "amount_minor",
    "captured_amount",
    "order_id",
    "date",
    "customer_id",
    "terminal_id",
    "terminal_type",
    "application",
    "payment_method",
    "provider",
    "description",
    "payer_id",
    "is_captured",
    "is_refunded",
    "is_cancelled",
    "declined_by",
];

/// RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled.
fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

pub fn csv_line(fields: &[String]) -> String {
    let mut line = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

pub fn csv_header() -> String {
    csv_line(
        &CSV_HEADER
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<_>>(),
    )
}

/// One CSV field into `out`, quoted as [`csv_line`] quotes it.
fn csv_field_into(out: &mut Vec<u8>, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        for part in value.split_inclusive('"') {
            out.extend_from_slice(part.as_bytes());
            if part.ends_with('"') {
                out.push(b'"');
            }
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(value.as_bytes());
    }
}

/// One transaction as a CSV row (the columns of [`CSV_HEADER`]), appended to `out` without
/// building a `String` per field.
pub fn write_transaction_csv(out: &mut Vec<u8>, t: &ReportedTransaction) {
    use std::io::Write as _;
    let text = |out: &mut Vec<u8>, v: &str| {
        csv_field_into(out, v);
        out.push(b',');
    };
    let opt = |out: &mut Vec<u8>, v: &Option<String>| text(out, v.as_deref().unwrap_or(""));
    let flag = |out: &mut Vec<u8>, v: bool| text(out, if v { "true" } else { "false" });
    text(out, &t.id);
    opt(out, &t.transaction_type);
    text(out, &t.status);
    // Numbers and currency codes never need quoting. Writing into a Vec cannot fail.
    if let Some(m) = &t.amount {
        let _ = write!(
            out,
            "{},{},{},",
            Decimal(*m),
            m.currency().code(),
            m.minor()
        );
    } else {
        out.extend_from_slice(b",,,");
    }
    if let Some(m) = &t.captured_amount {
        let _ = write!(out, "{}", Decimal(*m));
    }
    out.push(b',');
    opt(out, &t.order_id);
    opt(out, &t.date);
    text(out, &t.customer_id);
    text(out, &t.terminal_id);
    opt(out, &t.terminal_type);
    opt(out, &t.application);
    opt(out, &t.payment_method);
    opt(out, &t.provider);
    opt(out, &t.description);
    opt(out, &t.payer_id);
    flag(out, t.is_captured);
    flag(out, t.is_refunded);
    flag(out, t.is_cancelled);
    csv_field_into(out, t.declined_by.as_deref().unwrap_or(""));
    out.extend_from_slice(b"\r\n");
}

/// Prints a JSON document on stdout.
pub fn print_json(value: &Value) -> CliResult<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Internal(format!("cannot serialise output: {e}")))?;
    println!("{text}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_line(&["a".into(), "b c".into()]), "a,b c\r\n");
        for value in ["plain", "a,b", "say \"hi\"", "\"", "two\nlines", ""] {
            let mut out = Vec::new();
            csv_field_into(&mut out, value);
            assert_eq!(String::from_utf8_lossy(&out), csv_field(value), "{value:?}");
        }
    }

    #[test]
    fn decimal_matches_the_core_spelling() {
        for (minor, code) in [
            (500, "CHF"),
            (5, "CHF"),
            (100, "JPY"),
            (1500, "KWD"),
            (0, "EUR"),
        ] {
            let money = paywire::Currency::from_code(code).and_then(|c| Money::new(minor, c));
            assert!(money.is_ok(), "{minor} {code}");
            if let Ok(m) = money {
                assert_eq!(Decimal(m).to_string(), m.to_decimal_string());
            }
        }
    }

    #[test]
    fn header_and_row_have_the_same_width() {
        assert_eq!(csv_header().matches(',').count(), CSV_HEADER.len() - 1);
    }
}
