//! Output records: result types declared once in core with [`output_record!`], so each binding's
//! result class (Python), record (UniFFI) and interface (TypeScript) is generated from the
//! declaration instead of written by hand. A record lists its fields with their Rust types and
//! docs; the generators map the leaf types (text, numbers, `Money`, open enums, nested records)
//! to each language and refuse a type they do not know.

use serde::Serialize;
use serde_json::{Value, json};

/// One field of an output record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FieldInfo {
    /// snake_case, as serialised (Node and Kotlin use its camelCase).
    pub name: &'static str,
    /// The Rust type as written, e.g. `Option<Money>`, `TransactionStatus`, `Vec<Feature>`.
    pub rust_type: &'static str,
    pub doc: &'static str,
}

/// An output record: its name, docs and fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordInfo {
    /// The provider whose module exports the type (`paywire::<provider>::<name>`).
    pub provider: &'static str,
    pub name: &'static str,
    pub doc: &'static str,
    pub fields: &'static [FieldInfo],
}

impl RecordInfo {
    /// Whether the record keeps the provider's whole answer in a `raw` field.
    pub fn has_raw(&self) -> bool {
        self.fields.iter().any(|f| f.name == "raw")
    }

    pub fn to_json(&self) -> Value {
        json!({
            "provider": self.provider,
            "name": self.name,
            "doc": super::doc_text(self.doc),
            "fields": self.fields.iter().map(|f| json!({
                "name": f.name,
                "rust_type": f.rust_type,
                "doc": super::doc_text(f.doc),
            })).collect::<Vec<_>>(),
        })
    }
}

/// A type declared with [`output_record!`].
pub trait Record {
    fn info(provider: &'static str) -> RecordInfo;
}

/// Every generated output record of every provider.
pub fn all_records() -> Vec<RecordInfo> {
    let mut records = Vec::new();
    records.extend(crate::saferpay::operations::records());
    records.extend(crate::secuconnect::operations::records());
    records.extend(crate::sekurepay::operations::records());
    records
}

/// Every generated output record as JSON: `[{provider, name, doc, fields: [{name, rust_type, doc}]}]`.
pub fn records_json() -> Value {
    Value::Array(all_records().iter().map(RecordInfo::to_json).collect())
}

/// Declares an output record: the struct (with the attributes given) and its [`Record`] impl.
/// Doc comments, then `#[derive(..)]`; no other attribute on the struct or its fields, so a
/// field's name is its serialised name (the generators rely on it) in every language.
#[macro_export]
macro_rules! output_record {
    (
        $(#[doc = $doc:literal])*
        #[derive($($derive:path),* $(,)?)]
        pub struct $name:ident {
            $(
                $(#[doc = $fdoc:literal])*
                pub $field:ident : $fty:ty
            ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive($($derive),*)]
        // Records grow as providers add fields: other crates read them, never build them.
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[doc = $fdoc])*
                pub $field: $fty,
            )*
        }

        impl $crate::operation::record::Record for $name {
            fn info(provider: &'static str) -> $crate::operation::record::RecordInfo {
                const FIELDS: &[$crate::operation::record::FieldInfo] = &[
                    $(
                        $crate::operation::record::FieldInfo {
                            name: stringify!($field),
                            rust_type: stringify!($fty),
                            doc: concat!($($fdoc, "\n",)* ""),
                        },
                    )*
                ];
                $crate::operation::record::RecordInfo {
                    provider,
                    name: stringify!($name),
                    doc: concat!($($doc, "\n",)* ""),
                    fields: FIELDS,
                }
            }
        }
    };
}
