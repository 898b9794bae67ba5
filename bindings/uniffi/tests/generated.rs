#![allow(clippy::unwrap_used, clippy::panic)] // a generator: a failed write or an unmappable row fails the test loudly

//! `src/operations.rs` is generated from paywire's operation tables: one input record per row
//! (its fields, order and defaults are the row's parameters) and one method per row on the
//! async and the blocking client. This test fails when the committed file is stale (a row
//! without a UniFFI method, a changed parameter); `PAYWIRE_BLESS=1` (what
//! `bindings/uniffi/scripts/generate` sets) rewrites it instead.

use std::fmt::Write as _;
use std::path::PathBuf;

use paywire::operation::record::{FieldInfo, RecordInfo, all_records};
use paywire::operation::{OperationInfo, Param};

struct Provider {
    name: &'static str,
    /// Prefix of the input records (`SaferpayCreateOfferInput`).
    prefix: &'static str,
    client: &'static str,
    blocking: &'static str,
}

const PROVIDERS: &[Provider] = &[
    Provider {
        name: "saferpay",
        prefix: "Saferpay",
        client: "SaferpayClient",
        blocking: "BlockingSaferpayClient",
    },
    Provider {
        name: "secuconnect",
        prefix: "Secuconnect",
        client: "SecuconnectClient",
        blocking: "BlockingSecuconnectClient",
    },
    Provider {
        name: "sekurepay",
        prefix: "SekurePay",
        client: "SekurePayClient",
        blocking: "BlockingSekurePayClient",
    },
];

/// Leaf parameter types that cross as a UniFFI type (records are the existing input records).
/// Anything else crosses as JSON text.
fn leaf(provider: &str, name: &str) -> Option<&'static str> {
    Some(match (provider, name) {
        // Text core parses (timestamps, report dates, open enums) and secrets (plain on input).
        (
            _,
            "String"
            | "Secret"
            | "DateTime<FixedOffset>"
            | "ReportDate"
            | "PaymentMethod"
            | "Wallet"
            | "MultipartCaptureType",
        ) => "String",
        (_, "bool") => "bool",
        // Kotlin `Int`: a negative value is refused by core, naming the field.
        (_, "u32") => "i32",
        (_, "i64") => "i64",
        (_, "Money") => "crate::Money",
        ("saferpay", "Payer") => "crate::saferpay::records::Payer",
        ("saferpay", "BillingAddressForm") => "crate::saferpay::records::BillingAddressForm",
        ("saferpay", "Order") => "crate::saferpay::records::Order",
        ("secuconnect", "Customer") => "crate::secuconnect::records::SecuconnectCustomer",
        ("secuconnect", "BasketItem") => "crate::secuconnect::records::BasketItem",
        ("secuconnect", "ReturnUrls") => "crate::secuconnect::records::ReturnUrls",
        ("secuconnect", "BankAccount") => "crate::secuconnect::DirectDebitAccount",
        _ => return None,
    })
}

/// Parameters core takes as free JSON but that have a record here.
fn typed_value(provider: &str, param: &str) -> Option<&'static str> {
    match (provider, param) {
        ("sekurepay", "items") => Some("Vec<crate::sekurepay::SekurePayOrderItem>"),
        ("sekurepay", "taxes") => Some("Vec<crate::sekurepay::SekurePayTax>"),
        _ => None,
    }
}

/// The result record of each output type, and how the core value converts to it.
fn output(provider: &str, ty: &str) -> (String, Conversion) {
    let record = |path: &str| (path.to_owned(), Conversion::Into);
    let generated = |name: &str| {
        all_records()
            .into_iter()
            .find(|r| r.provider == provider && r.name == name)
            .map(|r| format!("crate::records::{}", record_name(&r)))
    };
    if let Some(path) = generated(ty) {
        return (path, Conversion::Into);
    }
    if let Some(path) = ty
        .strip_prefix("Vec<")
        .and_then(|t| t.strip_suffix('>'))
        .and_then(generated)
    {
        return (format!("Vec<{path}>"), Conversion::Each);
    }
    match (provider, ty) {
        (_, "()") => ("()".into(), Conversion::Same),
        (_, "String") => ("String".into(), Conversion::Same),
        ("saferpay", "License") => record("crate::saferpay::records::License"),
        ("saferpay", "Vec<Terminal>") => (
            "Vec<crate::saferpay::records::Terminal>".into(),
            Conversion::Each,
        ),
        ("saferpay", "Terminal") => record("crate::saferpay::records::Terminal"),
        ("saferpay", "Vec<PaymentPageConfiguration>") => (
            "Vec<crate::saferpay::records::PaymentPageConfiguration>".into(),
            Conversion::Each,
        ),
        ("saferpay", "TransactionPager") => (
            "std::sync::Arc<crate::saferpay::TransactionPager>".into(),
            Conversion::Wrap("crate::saferpay::TransactionPager"),
        ),
        ("saferpay", "Payment") => record("crate::saferpay::payments::Payment"),
        ("secuconnect", "SmartTransaction") => {
            record("crate::secuconnect::records::SmartTransaction")
        }
        ("secuconnect", "SmartTransactionPager") => (
            "std::sync::Arc<crate::secuconnect::SmartTransactionPager>".into(),
            Conversion::Wrap("crate::secuconnect::SmartTransactionPager"),
        ),
        (_, "Vec<String>") => ("Vec<String>".into(), Conversion::Same),
        ("secuconnect", "PaymentStatus") => record("crate::secuconnect::records::PaymentStatus"),
        ("sekurepay", "Order") => record("crate::sekurepay::SekurePayOrder"),
        _ => panic!(
            "{provider} output `{ty}` has no UniFFI record: add one (with a From impl) and map it in {}",
            file!()
        ),
    }
}

enum Conversion {
    Same,
    Into,
    Each,
    Wrap(&'static str),
}

enum Shape<'a> {
    Opt(Box<Shape<'a>>),
    Vec(Box<Shape<'a>>),
    Leaf(&'a str),
}

fn shape(ty: &str) -> Shape<'_> {
    if let Some(inner) = ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
        Shape::Opt(Box::new(shape(inner)))
    } else if let Some(inner) = ty.strip_prefix("Vec<").and_then(|t| t.strip_suffix('>')) {
        Shape::Vec(Box::new(shape(inner)))
    } else {
        Shape::Leaf(ty)
    }
}

fn ffi(provider: &str, shape: &Shape<'_>) -> Option<String> {
    match shape {
        Shape::Opt(inner) => ffi(provider, inner).map(|t| format!("Option<{t}>")),
        Shape::Vec(inner) => ffi(provider, inner).map(|t| format!("Vec<{t}>")),
        Shape::Leaf(name) => leaf(provider, name).map(str::to_owned),
    }
}

fn normalize(ty: &str) -> String {
    ty.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
}

/// How one parameter crosses: its field type, its UniFFI default, its JSON conversion.
struct Field {
    name: &'static str,
    ty: String,
    default: Option<String>,
    to_json: String,
}

fn field(provider: &str, param: &Param) -> Field {
    let rust_type = normalize(param.rust_type);
    let shape = shape(&rust_type);
    let optional = matches!(shape, Shape::Opt(_));
    let name = param.name;
    let default: Option<serde_json::Value> = param.default.map(|d| {
        serde_json::from_str(d).unwrap_or_else(|e| panic!("{provider}.{name}: default {d}: {e}"))
    });
    let typed = match (rust_type.as_str(), typed_value(provider, name)) {
        ("Value", Some(ty)) => Some(ty.to_owned()),
        _ => ffi(provider, &shape),
    };
    match typed {
        Some(ty) => {
            let literal = default.as_ref().map(|d| match d {
                serde_json::Value::Null => "None".to_owned(),
                serde_json::Value::Array(items) if items.is_empty() => "[]".to_owned(),
                serde_json::Value::String(s) => format!("{s:?}"),
                serde_json::Value::Bool(_) | serde_json::Value::Number(_) => d.to_string(),
                other => panic!("{provider}.{name}: no UniFFI literal for default {other}"),
            });
            let literal = match literal {
                Some(l) if ty.starts_with("Option<") && l != "None" => Some(format!("Some({l})")),
                l => l,
            };
            Field {
                name,
                ty,
                default: literal,
                to_json: format!("ops::param({name:?}, &self.{name})?"),
            }
        }
        // No record for it: JSON text, checked by core like any other value.
        None if optional || default == Some(serde_json::Value::Null) => Field {
            name,
            ty: "Option<String>".into(),
            default: default.map(|d| match d {
                serde_json::Value::Null => "None".to_owned(),
                other => format!("Some({:?})", other.to_string()),
            }),
            to_json: format!("ops::opt_json_text({name:?}, self.{name}.as_deref())?"),
        },
        None => Field {
            name,
            ty: "String".into(),
            default: default.map(|d| format!("{:?}", d.to_string())),
            to_json: format!("ops::json_text({name:?}, &self.{name})?"),
        },
    }
}

fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect()
}

fn doc(out: &mut String, indent: &str, text: &str) {
    for line in text.trim_end().lines() {
        let line = line.trim();
        if line.is_empty() {
            writeln!(out, "{indent}///").unwrap();
        } else {
            writeln!(out, "{indent}/// {line}").unwrap();
        }
    }
}

fn generate() -> String {
    let mut out = String::new();
    out.push_str(
        "// @generated by bindings/uniffi/tests/generated.rs from paywire's operation tables; do not\n\
         // edit. Regenerate with bindings/uniffi/scripts/generate.\n\
         //\n\
         // One input record per row (fields, order and defaults are the row's parameters) and one\n\
         // method per row on the async and the blocking client; `crate::ops` decodes the record\n\
         // through core and runs the row.\n\n\
         use serde_json::{Map, Value};\n\n\
         use crate::error::Result;\n\
         use crate::ops;\n\
         use crate::saferpay::{BlockingSaferpayClient, SaferpayClient};\n\
         use crate::secuconnect::{BlockingSecuconnectClient, SecuconnectClient};\n\
         use crate::sekurepay::{BlockingSekurePayClient, SekurePayClient};\n",
    );
    let rows = paywire::operation::all();
    for provider in PROVIDERS {
        let rows: Vec<&OperationInfo> = rows
            .iter()
            .copied()
            .filter(|r| r.provider == provider.name)
            .collect();
        assert!(!rows.is_empty(), "no rows for {}", provider.name);
        writeln!(out, "\n// ---- {} ----", provider.name).unwrap();
        let mut methods = String::new();
        let mut blocking = String::new();
        for row in &rows {
            let record = format!("{}{}Input", provider.prefix, camel(row.name));
            let fields: Vec<Field> = row
                .params()
                .iter()
                .map(|p| field(provider.name, p))
                .collect();
            let core_input = format!("paywire::{}::{}", provider.name, row.input);
            let (out_ty, conversion) = output(provider.name, &normalize(row.output));
            // `None`: the core's output crosses as it is.
            let convert = match conversion {
                Conversion::Same => None,
                Conversion::Into => Some("output.into()".to_owned()),
                Conversion::Each => Some("output.into_iter().map(Into::into).collect()".to_owned()),
                Conversion::Wrap(pager) => Some(format!("{pager}::wrap(output)")),
            };
            let (arg, input) = if fields.is_empty() {
                (String::new(), "ops::NoParams")
            } else {
                (format!(", input: {record}"), "input")
            };

            if !fields.is_empty() {
                writeln!(out).unwrap();
                writeln!(out, "/// What `{}.{}` takes.", provider.name, row.name).unwrap();
                writeln!(out, "#[derive(uniffi::Record)]").unwrap();
                writeln!(out, "pub struct {record} {{").unwrap();
                for (f, p) in fields.iter().zip(row.params()) {
                    doc(&mut out, "    ", p.doc);
                    if let Some(d) = &f.default {
                        writeln!(out, "    #[uniffi(default = {d})]").unwrap();
                    }
                    writeln!(out, "    pub {}: {},", f.name, f.ty).unwrap();
                }
                writeln!(out, "}}\n").unwrap();
                writeln!(out, "impl ops::Params for {record} {{").unwrap();
                writeln!(
                    out,
                    "    fn into_params(self) -> Result<Map<String, Value>> {{"
                )
                .unwrap();
                writeln!(out, "        let mut params = Map::new();").unwrap();
                for f in &fields {
                    writeln!(
                        out,
                        "        params.insert({:?}.to_owned(), {});",
                        f.name, f.to_json
                    )
                    .unwrap();
                }
                writeln!(out, "        Ok(params)").unwrap();
                writeln!(out, "    }}").unwrap();
                writeln!(out, "}}").unwrap();
            }

            writeln!(methods).unwrap();
            doc(&mut methods, "    ", row.doc);
            writeln!(
                methods,
                "    pub async fn {}(&self{arg}) -> Result<{out_ty}> {{",
                row.name
            )
            .unwrap();
            let call = format!("ops::call::<{core_input}>(&self.client, {input}).await");
            let blocking_call =
                format!("ops::call_blocking::<{core_input}>(self.client.async_client(), {input})");
            match &convert {
                None => writeln!(methods, "        {call}").unwrap(),
                Some(convert) => {
                    writeln!(methods, "        let output = {call}?;").unwrap();
                    writeln!(methods, "        Ok({convert})").unwrap();
                }
            }
            writeln!(methods, "    }}").unwrap();

            writeln!(blocking).unwrap();
            doc(&mut blocking, "    ", row.doc);
            writeln!(
                blocking,
                "    pub fn {}(&self{arg}) -> Result<{out_ty}> {{",
                row.name
            )
            .unwrap();
            match &convert {
                None => writeln!(blocking, "        {blocking_call}").unwrap(),
                Some(convert) => {
                    writeln!(blocking, "        let output = {blocking_call}?;").unwrap();
                    writeln!(blocking, "        Ok({convert})").unwrap();
                }
            }
            writeln!(blocking, "    }}").unwrap();
        }
        writeln!(
            out,
            "\n#[uniffi::export]\nimpl {} {{{methods}}}",
            provider.client
        )
        .unwrap();
        writeln!(
            out,
            "\n#[uniffi::export]\nimpl {} {{{blocking}}}",
            provider.blocking
        )
        .unwrap();
    }
    out
}

/// Generated records whose UniFFI name differs from the core's (one namespace for every
/// provider in Kotlin and Swift).
fn record_name(record: &RecordInfo) -> String {
    match (record.provider, record.name) {
        ("sekurepay", "Order") => "SekurePayOrder".to_owned(),
        (_, name) => name.to_owned(),
    }
}

/// Open enums of the core: they cross as their text.
const OPEN_ENUMS: &[&str] = &[
    "TransactionStatus",
    "OfferStatus",
    "PaymentMethod",
    "Wallet",
];

/// A record field's UniFFI type and its conversion from the core value `v.<field>`.
fn record_field(record: &RecordInfo, field: &FieldInfo) -> (String, String) {
    let rust_type = normalize(field.rust_type);
    let access = format!("v.{}", field.name);
    let nested = |name: &str| {
        all_records()
            .into_iter()
            .find(|r| r.provider == record.provider && r.name == name)
            .map(|r| format!("crate::records::{}", record_name(&r)))
    };
    let leaf = |name: &str| -> Option<(String, &'static str)> {
        // (type, how one value converts: "same", "into", "enum")
        match name {
            "String" => Some(("String".into(), "same")),
            "bool" | "u32" | "u64" | "i32" | "i64" | "f64" => Some((name.to_owned(), "same")),
            "Money" => Some(("crate::Money".into(), "into")),
            // The hand-written record of `saferpay/payments.rs`.
            "PaymentMeans" if record.provider == "saferpay" => {
                Some(("crate::saferpay::payments::PaymentMeans".into(), "into"))
            }
            _ if OPEN_ENUMS.contains(&name) => Some(("String".into(), "enum")),
            _ => nested(name).map(|path| (path, "into")),
        }
    };
    if field.name == "raw" && rust_type == "Value" {
        return ("String".into(), "v.raw.to_string()".into());
    }
    let unknown = || -> (String, String) {
        panic!(
            "output record {}.{}: no UniFFI type for `{}`; map it in {}",
            record.name,
            field.name,
            field.rust_type,
            file!()
        )
    };
    match shape(&rust_type) {
        Shape::Leaf(name) => match leaf(name) {
            Some((ty, "same")) => (ty, access),
            Some((ty, "enum")) => (ty, format!("{access}.as_str().to_owned()")),
            Some((ty, _)) => (ty, format!("{access}.into()")),
            None => unknown(),
        },
        Shape::Opt(inner) | Shape::Vec(inner) => {
            let Shape::Leaf(name) = *inner else {
                return unknown();
            };
            let optional = rust_type.starts_with("Option<");
            let (wrapper, map) = if optional {
                ("Option", format!("{access}.map"))
            } else {
                ("Vec", format!("{access}.into_iter().map"))
            };
            let collect = if optional { "" } else { ".collect()" };
            match leaf(name) {
                Some((ty, "same")) => (format!("{wrapper}<{ty}>"), access),
                Some((ty, "enum")) => (
                    format!("{wrapper}<{ty}>"),
                    format!("{map}(|e| e.as_str().to_owned()){collect}"),
                ),
                Some((ty, _)) => (
                    format!("{wrapper}<{ty}>"),
                    format!("{map}(Into::into){collect}"),
                ),
                None => unknown(),
            }
        }
    }
}

fn generate_records() -> String {
    let mut out = String::new();
    out.push_str(
        "// @generated by bindings/uniffi/tests/generated.rs from paywire's output records; do not\n\
         // edit. Regenerate with bindings/uniffi/scripts/generate.\n\
         //\n\
         // One UniFFI record per output record core declares with `output_record!`, and its\n\
         // conversion from the core value (`raw` crosses as JSON text).\n",
    );
    for record in all_records() {
        let name = record_name(&record);
        let core = format!("paywire::{}::{}", record.provider, record.name);
        let fields: Vec<(&FieldInfo, (String, String))> = record
            .fields
            .iter()
            .map(|f| (f, record_field(&record, f)))
            .collect();
        writeln!(out).unwrap();
        doc(&mut out, "", record.doc);
        writeln!(out, "#[derive(Clone, Debug, PartialEq, uniffi::Record)]").unwrap();
        writeln!(out, "pub struct {name} {{").unwrap();
        for (f, (ty, _)) in &fields {
            doc(&mut out, "    ", f.doc);
            writeln!(out, "    pub {}: {ty},", f.name).unwrap();
        }
        writeln!(out, "}}\n").unwrap();
        writeln!(out, "impl From<{core}> for {name} {{").unwrap();
        writeln!(out, "    fn from(v: {core}) -> Self {{").unwrap();
        writeln!(out, "        {name} {{").unwrap();
        for (f, (_, conversion)) in &fields {
            writeln!(out, "            {}: {conversion},", f.name).unwrap();
        }
        writeln!(out, "        }}").unwrap();
        writeln!(out, "    }}").unwrap();
        writeln!(out, "}}").unwrap();
    }
    out
}

#[test]
fn records_rs_is_generated_from_the_output_records() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/records.rs");
    let fresh = generate_records();
    if std::env::var_os("PAYWIRE_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale (a core output record changed): run bindings/uniffi/scripts/generate",
        path.display()
    );
}

#[test]
fn operations_rs_is_generated_from_the_tables() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/operations.rs");
    let fresh = generate();
    if std::env::var_os("PAYWIRE_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale (a core row changed or has no UniFFI method): run bindings/uniffi/scripts/generate",
        path.display()
    );
}

#[test]
fn every_row_has_a_method_on_both_clients() {
    if std::env::var_os("PAYWIRE_BLESS").is_some() {
        return; // the file is being rewritten by the other test
    }
    let committed = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/operations.rs"),
    )
    .unwrap();
    for row in paywire::operation::all() {
        let method = format!("    pub async fn {}(&self", row.name);
        let blocking = format!("    pub fn {}(&self", row.name);
        assert!(
            committed.contains(&method),
            "{}.{} has no async UniFFI method",
            row.provider,
            row.name
        );
        assert!(
            committed.contains(&blocking),
            "{}.{} has no blocking UniFFI method",
            row.provider,
            row.name
        );
    }
}
