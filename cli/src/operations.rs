//! `paywire <provider> <operation> --<param> VALUE`: one command per row of the core's
//! operation tables, built at run time from `paywire::operation::all()`. No command here is
//! written by hand: a row added to a table is a command (with its help) on the next build.
//!
//! Each flag's value is turned into the row's JSON input by the parameter's Rust type, and
//! the input goes through `<provider>::operations::call_json`, so the core decodes and
//! validates it (naming the field) exactly as for every binding.

use std::path::Path;

use chrono::Utc;
use clap::{Arg, ArgAction, ArgMatches, Command};
use paywire::Money;
use paywire::operation::{OperationInfo, Param};
use paywire_sandbox::credentials;
use serde_json::{Map, Value};

use crate::exit::{CliError, CliResult};
use crate::output;
use crate::settings::Settings;

/// The providers that have a table, in the order `paywire --help` lists them.
pub const PROVIDERS: &[(&str, &str)] = &[
    (
        "saferpay",
        "Every Saferpay operation (payment page, capture, refund, offers, ...)",
    ),
    (
        "secuconnect",
        "Every secuconnect operation (Smart Transactions, payments, ...)",
    ),
    ("sekurepay", "Every SekurePay operation (orders)"),
];

/// How a parameter's value is read from the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Bool,
    Integer,
    /// A decimal amount; the currency comes from `--currency` (or `--<name>-currency`).
    Money,
    /// RFC 3339, or relative to now (`+12h`, `+7d`).
    Timestamp,
    /// A list: repeat the flag, or give a JSON list (inline or `@file.json`).
    List,
    /// Anything else: JSON inline or `@file.json`; a value that does not look like JSON is
    /// text (enums such as `FINAL`, report dates).
    Json,
}

fn kind_of(param: &Param) -> Kind {
    let ty = param.rust_type.replace(' ', "");
    let inner = ty
        .strip_prefix("Option<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(&ty);
    match inner {
        "String" | "Secret" | "&str" => Kind::Text,
        "bool" => Kind::Bool,
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" => {
            Kind::Integer
        }
        "Money" => Kind::Money,
        t if t.starts_with("DateTime<") => Kind::Timestamp,
        t if t.starts_with("Vec<") => Kind::List,
        _ => Kind::Json,
    }
}

fn kebab(name: &str) -> String {
    name.replace('_', "-")
}

/// The flag that carries a Money parameter's currency: `--currency`, unless the row has a
/// parameter of that name, then `--<money>-currency`.
fn currency_flag(row: &OperationInfo, money: &Param) -> String {
    if row.params().iter().any(|p| p.name == "currency") {
        format!("{}_currency", money.name)
    } else {
        "currency".to_owned()
    }
}

fn type_label(param: &Param) -> String {
    match kind_of(param) {
        Kind::Money => "decimal amount, with --currency".to_owned(),
        Kind::Timestamp => "RFC 3339 or +12h/+7d".to_owned(),
        Kind::List => format!(
            "{}; repeat the flag or JSON list, @file.json",
            param.rust_type
        ),
        Kind::Json => format!("{}; JSON or @file.json", param.rust_type),
        _ => param.rust_type.to_owned(),
    }
}

fn value_name(param: &Param) -> &'static str {
    match kind_of(param) {
        Kind::Text => "TEXT",
        Kind::Bool => "BOOL",
        Kind::Integer => "N",
        Kind::Money => "AMOUNT",
        Kind::Timestamp => "WHEN",
        Kind::List => "VALUE|JSON",
        Kind::Json => "JSON",
    }
}

/// A doc comment as one paragraph (the tables wrap their docs at 100 columns).
fn paragraph(doc: &str) -> String {
    doc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first sentence of a doc (its first line may end mid-sentence).
fn summary(doc: &str) -> String {
    let text = paragraph(doc);
    match text.find(". ") {
        Some(end) => text[..=end].to_owned(),
        None => text,
    }
}

fn param_help(param: &Param) -> (String, String) {
    let doc = paragraph(param.doc);
    let default = match param.default {
        None => "required".to_owned(),
        Some("null") => "optional".to_owned(),
        Some(d) => format!("default: {d}"),
    };
    let facts = format!("[{}; {default}]", type_label(param));
    let help = if doc.is_empty() {
        facts
    } else {
        format!("{doc} {facts}")
    };
    (help.clone(), help)
}

/// A runnable example: the command with its required parameters.
fn example(row: &OperationInfo) -> String {
    let mut line = format!("paywire {} {}", row.provider, kebab(row.name));
    // Required parameters, and amounts (to show how money is written).
    let shown = row
        .params()
        .iter()
        .filter(|p| p.is_required() || kind_of(p) == Kind::Money);
    for param in shown {
        let flag = kebab(param.name);
        let value = match kind_of(param) {
            Kind::Money => format!("5.00 --{} CHF", kebab(&currency_flag(row, param))),
            Kind::Timestamp => "+7d".to_owned(),
            Kind::Integer => "1".to_owned(),
            Kind::Bool => "true".to_owned(),
            Kind::List => "VALUE".to_owned(),
            Kind::Json => format!("@{}.json", param.name),
            Kind::Text => param.name.to_ascii_uppercase(),
        };
        line.push_str(&format!(" --{flag} {value}"));
    }
    line
}

fn operation_command(row: &'static OperationInfo) -> Command {
    let doc = row.doc.trim();
    let paging = match row.paging.page_size() {
        None => String::new(),
        Some(page_size) => format!(
            "\nPaged: prints every record of every page as one JSON list ({page_size} per provider call unless --page-size says otherwise)."
        ),
    };
    let long_about = format!(
        "{doc}\n\nSending it: {}.{paging}\nAnswers: {} (as JSON).",
        row.safety.summary(),
        row.output
    );
    let mut command = Command::new(kebab(row.name))
        .about(summary(row.doc))
        .long_about(long_about)
        .after_help(format!("Example:\n  {}", example(row)))
        // The row's parameters apart from the global flags.
        .next_help_heading("Parameters");
    let mut currency_added = Vec::new();
    for param in row.params() {
        let (short, long) = param_help(param);
        let mut arg = Arg::new(param.name)
            .long(kebab(param.name))
            .value_name(value_name(param))
            .help(short)
            .long_help(long)
            .required(param.is_required());
        arg = match kind_of(param) {
            Kind::Bool => arg
                .num_args(0..=1)
                .require_equals(false)
                .default_missing_value("true")
                .value_parser(clap::value_parser!(bool)),
            Kind::List => arg.action(ArgAction::Append),
            _ => arg,
        };
        let money = kind_of(param) == Kind::Money;
        if money {
            arg = arg.requires(currency_flag(row, param));
        }
        command = command.arg(arg);
        if money {
            let currency = currency_flag(row, param);
            if !currency_added.contains(&currency) {
                let required = row
                    .params()
                    .iter()
                    .any(|p| p.is_required() && kind_of(p) == Kind::Money);
                command = command.arg(
                    Arg::new(currency.clone())
                        .long(kebab(&currency))
                        .value_name("CODE")
                        .help("ISO 4217 currency of the amount, e.g. CHF")
                        .required(required),
                );
                currency_added.push(currency);
            }
        }
    }
    command
}

/// `paywire saferpay`, `paywire secuconnect`, `paywire sekurepay`, each with one subcommand
/// per row of its table.
pub fn provider_commands() -> Vec<Command> {
    let rows = paywire::operation::all();
    PROVIDERS
        .iter()
        .map(|(provider, about)| {
            let mine: Vec<&'static OperationInfo> = rows
                .iter()
                .copied()
                .filter(|r| r.provider == *provider)
                .collect();
            Command::new(*provider)
                .about(*about)
                .long_about(format!(
                    "{about}.\n\nOne command per operation of the core's {provider} table; \
                     `paywire {provider} <operation> --help` shows its parameters, limits and an example."
                ))
                .subcommand_required(true)
                .arg_required_else_help(true)
                .subcommands(mine.into_iter().map(operation_command))
        })
        .collect()
}

/// Whether `name` is a provider command built here.
pub fn is_provider(name: &str) -> bool {
    PROVIDERS.iter().any(|(p, _)| *p == name)
}

/// Runs `paywire <provider> <operation> ...`.
pub fn run(
    provider: &str,
    matches: &ArgMatches,
    json: bool,
    load: impl Fn(&[(&'static str, Option<String>)]) -> CliResult<Settings>,
) -> CliResult<()> {
    let Some((name, op_matches)) = matches.subcommand() else {
        return Err(CliError::Usage(format!(
            "name a {provider} operation (see `paywire {provider} --help`)"
        )));
    };
    let row = paywire::operation::all()
        .into_iter()
        .find(|r| r.provider == provider && kebab(r.name) == name)
        .ok_or_else(|| CliError::Usage(format!("{name:?} is not a {provider} operation")))?;
    // Read the input before the settings: a typo needs no credentials to be reported.
    let input = input_json(row, op_matches)?;
    let settings = load(&[])?;
    let result = call(row, &settings, input)?;
    if json {
        output::print_json(&result)
    } else if result.is_null() {
        println!("{} {}: done.", row.provider, kebab(row.name));
        Ok(())
    } else {
        output::print_json(&result)
    }
}

/// The settings `--sandbox URL` stands for (explicit flags: they win over env and profile).
pub fn sandbox_flags(url: Option<&str>) -> Vec<(&'static str, Option<String>)> {
    let Some(url) = url.map(|u| u.trim_end_matches('/')) else {
        return Vec::new();
    };
    let set = |k: &'static str, v: &str| (k, Some(v.to_owned()));
    vec![
        set("SAFERPAY_BASE_URL", &format!("{url}/api")),
        set("SAFERPAY_CUSTOMER_ID", credentials::SAFERPAY_CUSTOMER_ID),
        set("SAFERPAY_TERMINAL_ID", credentials::SAFERPAY_TERMINAL_ID),
        set("SAFERPAY_USERNAME", credentials::SAFERPAY_USERNAME),
        set("SAFERPAY_PASSWORD", credentials::SAFERPAY_PASSWORD),
        set("SECUCONNECT_BASE_URL", url),
        set("SECUCONNECT_CLIENT_ID", credentials::SECUCONNECT_CLIENT_ID),
        set(
            "SECUCONNECT_CLIENT_SECRET",
            credentials::SECUCONNECT_CLIENT_SECRET,
        ),
        set(
            "SECUCONNECT_CONTRACT_ID",
            credentials::SECUCONNECT_CONTRACT_ID,
        ),
        set("SEKUREPAY_BASE_URL", &format!("{url}/sekurepay/api/v1")),
        set("SEKUREPAY_API_KEY", credentials::SEKUREPAY_API_KEY),
    ]
}

fn call(row: &'static OperationInfo, settings: &Settings, input: Value) -> CliResult<Value> {
    let name = row.name;
    let result = match row.provider {
        "saferpay" => {
            let client = settings.saferpay_client()?;
            paywire::rt::block_on(async move {
                paywire::saferpay::operations::call_json(&client, name, input).await
            })
        }
        "secuconnect" => {
            let client = settings.secuconnect_client()?;
            paywire::rt::block_on(async move {
                paywire::secuconnect::operations::call_json(&client, name, input).await
            })
        }
        "sekurepay" => {
            let client = settings.sekurepay_client()?;
            paywire::rt::block_on(async move {
                paywire::sekurepay::operations::call_json(&client, name, input).await
            })
        }
        other => {
            return Err(CliError::Internal(format!(
                "no client for the provider {other:?}"
            )));
        }
    };
    Ok(result?)
}

/// The row's JSON input from the flags given (absent flags are left to the core's defaults).
fn input_json(row: &OperationInfo, matches: &ArgMatches) -> CliResult<Value> {
    let mut input = Map::new();
    for param in row.params() {
        let flag = kebab(param.name);
        let value = match kind_of(param) {
            Kind::Bool => matches.get_one::<bool>(param.name).map(|b| Value::Bool(*b)),
            Kind::List => match matches.get_many::<String>(param.name) {
                None => None,
                Some(values) => {
                    let mut items = Vec::new();
                    for value in values {
                        match json_value(&flag, value)? {
                            Value::Array(list) => items.extend(list),
                            one => items.push(one),
                        }
                    }
                    Some(Value::Array(items))
                }
            },
            kind => match matches.get_one::<String>(param.name) {
                None => None,
                Some(text) => Some(scalar(row, param, kind, &flag, text, matches)?),
            },
        };
        if let Some(value) = value {
            input.insert(param.name.to_owned(), value);
        }
    }
    Ok(Value::Object(input))
}

fn scalar(
    row: &OperationInfo,
    param: &Param,
    kind: Kind,
    flag: &str,
    text: &str,
    matches: &ArgMatches,
) -> CliResult<Value> {
    Ok(match kind {
        Kind::Text => Value::String(text.to_owned()),
        Kind::Integer => {
            let n: i128 = text.trim().parse().map_err(|_| {
                CliError::Usage(format!("--{flag}: {text:?} is not a whole number"))
            })?;
            // Out of range for JSON's integers: let the core name the field and its range.
            serde_json::Number::from_i128(n)
                .map(Value::Number)
                .unwrap_or_else(|| Value::String(text.to_owned()))
        }
        Kind::Money => {
            let currency_flag = currency_flag(row, param);
            let currency = matches
                .get_one::<String>(&currency_flag)
                .map(String::as_str)
                .unwrap_or("");
            let money = Money::parse(text, currency).map_err(|e| {
                // Money::parse names `amount`; say which flag it was.
                let field = if e.field() == Some("currency") {
                    currency_flag.clone()
                } else {
                    param.name.to_owned()
                };
                CliError::Paywire(paywire::Error::validation(&field, e.message()))
            })?;
            serde_json::to_value(money)
                .map_err(|e| CliError::Internal(format!("encoding an amount: {e}")))?
        }
        Kind::Timestamp if text.trim().starts_with('+') => {
            let when = crate::commands::parse_when(text, Utc::now()).map_err(|_| {
                CliError::Usage(format!(
                    "--{flag}: {text:?} is not a relative time like +12h or +7d"
                ))
            })?;
            Value::String(when.to_rfc3339())
        }
        Kind::Timestamp => Value::String(text.to_owned()),
        Kind::Json | Kind::List | Kind::Bool => json_value(flag, text)?,
    })
}

/// JSON inline, `@file.json`, or (when it does not look like JSON) the text itself.
fn json_value(flag: &str, text: &str) -> CliResult<Value> {
    let (text, from) = match text.strip_prefix('@') {
        Some(path) => (
            std::fs::read_to_string(Path::new(path))
                .map_err(|e| CliError::io(format!("--{flag}: cannot read {path}"), &e))?,
            Some(path),
        ),
        None => (text.to_owned(), None),
    };
    let trimmed = text.trim();
    let looks_like_json = from.is_some()
        || trimmed.starts_with(['{', '[', '"'])
        || matches!(trimmed, "true" | "false" | "null");
    if !looks_like_json {
        return Ok(Value::String(text));
    }
    serde_json::from_str(trimmed).map_err(|e| {
        let source = from.map(|p| format!(" in {p}")).unwrap_or_default();
        CliError::Usage(format!("--{flag}: not valid JSON{source}: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_a_command_with_every_param() {
        let commands = provider_commands();
        for row in paywire::operation::all() {
            let command = commands
                .iter()
                .find(|c| c.get_name() == row.provider)
                .and_then(|p| p.find_subcommand(kebab(row.name)));
            assert!(
                command.is_some(),
                "no command for {}.{}",
                row.provider,
                row.name
            );
            let Some(command) = command else { continue };
            for param in row.params() {
                assert!(
                    command
                        .get_arguments()
                        .any(|a| a.get_long() == Some(kebab(param.name).as_str())),
                    "{}.{} lacks --{}",
                    row.provider,
                    row.name,
                    kebab(param.name)
                );
            }
        }
    }

    #[test]
    fn kinds_follow_the_rust_type() {
        let p = |rust_type: &'static str| Param {
            name: "x",
            rust_type,
            default: None,
            doc: "",
        };
        assert_eq!(kind_of(&p("Option<String>")), Kind::Text);
        assert_eq!(kind_of(&p("Money")), Kind::Money);
        assert_eq!(kind_of(&p("Option < Money >")), Kind::Money);
        assert_eq!(kind_of(&p("DateTime<FixedOffset>")), Kind::Timestamp);
        assert_eq!(kind_of(&p("Vec<String>")), Kind::List);
        assert_eq!(kind_of(&p("u32")), Kind::Integer);
        assert_eq!(kind_of(&p("Map<String, Value>")), Kind::Json);
    }

    #[test]
    fn json_values_and_text() {
        assert_eq!(
            json_value("x", "FINAL").ok(),
            Some(Value::String("FINAL".into()))
        );
        assert_eq!(
            json_value("x", "[1, 2]").ok(),
            Some(serde_json::json!([1, 2]))
        );
        assert!(matches!(json_value("x", "{oops"), Err(CliError::Usage(_))));
    }
}
