//! Every operation of every provider, declared once: its input type, its output type, what
//! sending it twice can do, and whether it pages. The bindings, the CLI, the shared scenario
//! runner and `docs/API.md` are expanded from these tables, so a parameter or a check exists
//! in every language or in none.
//!
//! - An input type is declared with [`operation_input!`]: a plain struct whose fields are the
//!   operation's parameters (with their defaults), decodable from JSON through one path,
//!   [`decode_input`], which names the exact field of any bad value.
//! - A provider's table is declared with [`operation_table!`] in `<provider>/operations.rs`:
//!   one row per operation, giving its name, input, output, safety class and the client
//!   method it runs.

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::Error;

/// What sending an operation twice can do (the engine's retry rules follow from it; see
/// `http::Safety` for the finer classes the engine uses per wire call). Debug builds check
/// every wire call a row makes against its class ([`check_engine_safety`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SafetyClass {
    /// No side effect: retried freely.
    Read,
    /// A side effect the provider applies once per key (a transaction id, an order id, a
    /// request id), or one harmless to repeat (a payment page session or Fields token whose
    /// answer was lost is known to nobody): retried with the same key, settled by a lookup
    /// when the answer is lost.
    KeyedWrite,
    /// A side effect with no key: sent again only when no attempt can have reached the
    /// provider; after a lost answer the call ends `outcome_unknown`, saying where to look.
    UnkeyedWrite,
}

impl SafetyClass {
    /// The name in the tables' JSON: `read`, `keyed_write`, `unkeyed_write`.
    pub fn as_str(self) -> &'static str {
        match self {
            SafetyClass::Read => "read",
            SafetyClass::KeyedWrite => "keyed_write",
            SafetyClass::UnkeyedWrite => "unkeyed_write",
        }
    }

    /// One line for help texts: what sending it means.
    pub fn summary(self) -> &'static str {
        match self {
            SafetyClass::Read => "a read: no side effect, retried freely",
            SafetyClass::KeyedWrite => {
                "a keyed write: applied once per key (or harmless to repeat); a lost answer is settled by a lookup"
            }
            SafetyClass::UnkeyedWrite => {
                "an unkeyed write: sent again only when no attempt can have reached the provider"
            }
        }
    }
}

/// Whether an operation answers once or returns a pager over many pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Paging {
    Single,
    /// The operation returns a pager; `page_size` is how many records one provider call
    /// asks for when the caller does not say (the one place this number is written).
    Pages {
        page_size: u32,
    },
}

impl Paging {
    /// How many records one provider call asks for by default; `None` for a single answer.
    pub fn page_size(self) -> Option<u32> {
        match self {
            Paging::Single => None,
            Paging::Pages { page_size } => Some(page_size),
        }
    }

    /// How many records a binding's iterator takes across into its language at once by
    /// default: the page size, at most [`Paging::MAX_BATCH`]. Small batches keep a garbage
    /// collected host's heap small (Node: 2000-record batches of a report doubled its peak
    /// RSS against 200); the provider is still called once per page.
    pub fn batch_size(self) -> u32 {
        self.page_size().map_or(1, |n| n.clamp(1, Self::MAX_BATCH))
    }

    /// The largest default batch of [`Paging::batch_size`].
    pub const MAX_BATCH: u32 = 200;
}

/// One parameter of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Param {
    /// snake_case, as in Rust and Python (Node and Kotlin use the camelCase of it).
    pub name: &'static str,
    /// The Rust type as written in the input struct, e.g. `Option<Payer>`; generators map the
    /// leaf types (`Money`, `String`, `bool`, `u32`, timestamps, containers) to each language.
    pub rust_type: &'static str,
    /// The default as JSON text (`null`, `false`, `"sale"`, `[]`); `None` when required.
    pub default: Option<&'static str>,
    /// The field's documentation.
    pub doc: &'static str,
}

impl Param {
    pub fn is_required(&self) -> bool {
        self.default.is_none()
    }

    /// The documentation as text (see [`OperationInfo::doc_text`]).
    pub fn doc_text(&self) -> String {
        doc_text(self.doc)
    }
}

/// One row of a provider's operation table.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct OperationInfo {
    /// `saferpay`, `secuconnect` or `sekurepay`.
    pub provider: &'static str,
    /// snake_case operation name, the same as the Rust client method.
    pub name: &'static str,
    /// The operation's documentation (first line: a summary).
    pub doc: &'static str,
    pub safety: SafetyClass,
    pub paging: Paging,
    /// The input type's name, e.g. `CreateOffer`.
    pub input: &'static str,
    /// The output type as written in the table, e.g. `Offer` or `Vec<Terminal>`.
    pub output: &'static str,
    #[serde(skip)]
    params: fn() -> &'static [Param],
}

impl OperationInfo {
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)] // called only by `operation_table!`
    pub const fn new(
        provider: &'static str,
        name: &'static str,
        doc: &'static str,
        safety: SafetyClass,
        paging: Paging,
        input: &'static str,
        output: &'static str,
        params: fn() -> &'static [Param],
    ) -> OperationInfo {
        OperationInfo {
            provider,
            name,
            doc,
            safety,
            paging,
            input,
            output,
            params,
        }
    }

    /// The parameters, in declaration order (required ones first by convention).
    pub fn params(&self) -> &'static [Param] {
        (self.params)()
    }

    /// The first line of the documentation.
    pub fn summary(&self) -> &'static str {
        self.doc.lines().next().unwrap_or("").trim()
    }

    /// The documentation as text: doc-comment lines without their leading space.
    pub fn doc_text(&self) -> String {
        doc_text(self.doc)
    }

    /// The row as JSON (with its parameters), for generators and `docs/API.md`.
    pub fn to_json(&self) -> Value {
        let mut row = match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        row.insert("doc".into(), Value::String(self.doc_text()));
        let params = self
            .params()
            .iter()
            .map(|p| {
                let mut param = match serde_json::to_value(p) {
                    Ok(Value::Object(map)) => map,
                    _ => Map::new(),
                };
                param.insert("doc".into(), Value::String(p.doc_text()));
                param.insert("required".into(), Value::Bool(p.is_required()));
                Value::Object(param)
            })
            .collect();
        row.insert("params".into(), Value::Array(params));
        Value::Object(row)
    }
}

/// An operation's input: a struct of parameters, declared with [`operation_input!`].
pub trait Input: DeserializeOwned + Send + 'static {
    const NAME: &'static str;
    fn params() -> &'static [Param];
}

/// One row of a table: the input type knows its client, output and how to run.
pub trait Operation: Input {
    type Client: Clone + Send + Sync + 'static;
    type Output: Send + 'static;
    const INFO: OperationInfo;
    fn invoke(
        self,
        client: &Self::Client,
    ) -> impl Future<Output = Result<Self::Output, Error>> + Send;
}

/// Decodes an operation's input from JSON (an object of snake_case parameters): an unknown
/// parameter, a missing required one and a value of the wrong type or range each become a
/// validation error naming the parameter (and the path inside it), before anything is sent.
pub fn decode_input<I: Input>(value: Value) -> Result<I, Error> {
    let mut given = match value {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => {
            return Err(Error::validation(
                I::NAME,
                format!("parameters must be an object, got {}", json_kind(&other)),
            ));
        }
    };
    let params = I::params();
    if let Some(unknown) = given
        .keys()
        .find(|key| !params.iter().any(|p| p.name == key.as_str()))
    {
        return Err(Error::validation(
            unknown,
            format!(
                "is not a parameter of {} (expected one of: {})",
                I::NAME,
                params.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    let mut object = Map::with_capacity(params.len());
    for param in params {
        match (given.remove(param.name), param.default) {
            // A null for a parameter with a default means "not given" in every language.
            (Some(Value::Null) | None, Some(default)) => {
                let default: Value = serde_json::from_str(default).unwrap_or(Value::Null);
                object.insert(param.name.to_owned(), default);
            }
            (Some(Value::Null) | None, None) => {
                return Err(Error::validation(param.name, "is required"));
            }
            (Some(value), _) => {
                object.insert(param.name.to_owned(), value);
            }
        }
    }
    crate::input::take_nested_error();
    serde_path_to_error::deserialize(Value::Object(object)).map_err(|e| {
        let path = e.path().to_string();
        let path = if path.is_empty() || path == "." {
            I::NAME.to_owned()
        } else {
            path
        };
        match crate::input::take_nested_error() {
            // A parameter's own check (`Money` names `currency` or `amount`), as every
            // binding reported it before the tables.
            Some(nested)
                if nested.field().is_some_and(|f| !f.is_empty()) && !path.contains(['.', '[']) =>
            {
                nested
            }
            Some(nested) => Error::validation(&path, nested.message_text()),
            None => Error::validation(&path, clean_serde_message(&e.inner().to_string())),
        }
    })
}

/// Runs operation `O` from JSON input to JSON output (the CLI, the scenario runner).
pub async fn call_json<O>(client: &O::Client, input: Value) -> Result<Value, Error>
where
    O: Operation,
    O::Output: Serialize,
{
    let input = decode_input::<O>(input)?;
    let output = input.invoke(client).await?;
    serde_json::to_value(output).map_err(|e| Error::internal(format!("encoding a result: {e}")))
}

tokio::task_local! {
    /// The row being run (its name and class), for [`check_engine_safety`].
    static ROW: (&'static str, SafetyClass);
}

/// Runs a row's body with the row known to the engine, so that each wire call it makes can be
/// checked against the row's class. Only debug builds check ([`check_engine_safety`]), so only
/// they pay for the task-local; there the body is boxed, because a row's future is large and
/// unoptimised builds would copy it through every caller's state (the dispatch over a whole
/// table, the bindings' edges) onto the stack.
pub async fn within_row<F: Future>(name: &'static str, class: SafetyClass, body: F) -> F::Output {
    if cfg!(debug_assertions) {
        ROW.scope((name, class), Box::pin(body)).await
    } else {
        body.await
    }
}

/// Whether the engine's class of one wire call fits the class its table row declares: a read
/// row sends only reads, a keyed write never an unkeyed one, an unkeyed write no keyed one
/// (lookups are reads everywhere). A mismatch is a mistake in a table or a client method, so
/// debug builds (every test) refuse the call; release builds do not pay for the check. Calls
/// made outside a row's task (a pager's later pages, the shared runtime's hop) are not checked.
pub(crate) fn check_engine_safety(
    operation: &str,
    safety: crate::http::Safety,
) -> Result<(), Error> {
    if !cfg!(debug_assertions) {
        return Ok(());
    }
    use crate::http::Safety;
    let Ok((row, class)) = ROW.try_with(|row| *row) else {
        return Ok(());
    };
    let fits = match class {
        SafetyClass::Read => safety == Safety::Read,
        SafetyClass::KeyedWrite => safety != Safety::Unkeyed,
        SafetyClass::UnkeyedWrite => matches!(safety, Safety::Unkeyed | Safety::Read),
    };
    if fits {
        Ok(())
    } else {
        Err(Error::internal(format!(
            "operation table: row {row} is {class:?} but sends {operation} as {safety:?}"
        )))
    }
}

/// A pager an operation returns: records come in batches, one provider call at a time.
pub trait Pager: Send {
    type Item: Serialize + Send;
    fn next_batch(
        &mut self,
        max: usize,
    ) -> impl Future<Output = Result<Vec<Self::Item>, Error>> + Send;
}

/// Runs paged operation `O` and answers every record of every page as one JSON list.
pub async fn call_json_paged<O>(client: &O::Client, input: Value) -> Result<Value, Error>
where
    O: Operation,
    O::Output: Pager,
{
    let input = decode_input::<O>(input)?;
    let mut pager = input.invoke(client).await?;
    let mut records = Vec::new();
    loop {
        let batch = pager.next_batch(usize::MAX).await?;
        if batch.is_empty() {
            break;
        }
        for record in batch {
            records.push(
                serde_json::to_value(record)
                    .map_err(|e| Error::internal(format!("encoding a record: {e}")))?,
            );
        }
    }
    Ok(Value::Array(records))
}

/// Every provider's table, in the order the providers are documented.
pub fn all() -> Vec<&'static OperationInfo> {
    let mut rows = Vec::new();
    rows.extend(crate::saferpay::operations::OPERATIONS.iter());
    rows.extend(crate::secuconnect::operations::OPERATIONS.iter());
    rows.extend(crate::sekurepay::operations::OPERATIONS.iter());
    rows
}

/// Every table as JSON: `[{provider, name, doc, safety, paging, input, output, params}]`.
pub fn table_json() -> Value {
    Value::Array(all().into_iter().map(OperationInfo::to_json).collect())
}

/// One row by provider and name.
pub fn find(provider: &str, name: &str) -> Option<&'static OperationInfo> {
    all()
        .into_iter()
        .find(|row| row.provider == provider && row.name == name)
}

/// Doc comments arrive as lines with a leading space; give them back as plain text.
fn doc_text(doc: &str) -> String {
    doc.lines()
        .map(|line| line.strip_prefix(' ').unwrap_or(line).trim_end())
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// `invalid type: string "x", expected …` → `invalid type: string, expected …` (also for
/// `invalid value` and integers/floats quoted with backticks).
fn drop_quoted_value(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        let Some(start) = message.find(prefix) else {
            continue;
        };
        let rest = &message[start + prefix.len()..];
        let Some(space) = rest.find(' ') else {
            continue;
        };
        let after_kind = &rest[space..];
        let Some(comma) = after_kind.find(", expected") else {
            continue;
        };
        let quoted = after_kind[..comma].trim();
        if quoted.starts_with('"') || quoted.starts_with('`') {
            return format!(
                "{}{}{}{}",
                &message[..start],
                prefix,
                &rest[..space],
                &after_kind[comma..]
            );
        }
    }
    message.to_owned()
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// serde's messages name Rust types ("expected u32"); say what the caller can act on. They
/// also quote the value they refused (`invalid type: string "4111…"`), which may be a card
/// number or a code given in the wrong place: the value is dropped, the kind kept.
fn clean_serde_message(message: &str) -> String {
    let message = drop_quoted_value(message);
    let message = message
        .replace(
            "expected u32",
            "expected a whole number from 0 to 4294967295",
        )
        .replace("expected u64", "expected a whole number of at least 0")
        .replace("expected i64", "expected a whole number")
        .replace("expected a string", "expected text");
    match message.find(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message,
    }
}

/// Declares an operation's input struct: its fields are the parameters, in order; a field
/// with `= <json>` has that default (JSON text: `null`, `false`, `"sale"`, `[]`), one without
/// is required. Doc comments become the parameters' docs.
///
/// ```ignore
/// paywire::operation_input! {
///     /// What `get_offer` takes.
///     pub struct GetOffer {
///         /// The offer's id.
///         pub offer_id: String,
///         pub terminal_id: Option<String> = null,
///     }
/// }
/// ```
#[macro_export]
macro_rules! operation_input {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $fdoc:literal])*
                $(#[serde($($fserde:tt)*)])*
                pub $field:ident : $fty:ty $(= $default:tt)?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, serde::Deserialize)]
        pub struct $name {
            $(
                $(#[doc = $fdoc])*
                $(#[serde($($fserde)*)])*
                pub $field: $fty,
            )*
        }

        impl $crate::operation::Input for $name {
            const NAME: &'static str = stringify!($name);
            fn params() -> &'static [$crate::operation::Param] {
                const PARAMS: &[$crate::operation::Param] = &[
                    $(
                        $crate::operation::Param {
                            name: stringify!($field),
                            rust_type: stringify!($fty),
                            default: $crate::operation_input!(@default $($default)?),
                            doc: concat!($($fdoc, "\n",)* ""),
                        },
                    )*
                ];
                PARAMS
            }
        }
    };
    (@default) => { None };
    (@default $default:tt) => { Some(stringify!($default)) };
}

/// Declares a provider's operation table: `OPERATIONS` (every row's [`OperationInfo`]), an
/// [`Operation`] impl per input type, and `call_json(client, name, input)`.
///
/// Each row: doc comments, then
/// `name(Input) -> Output, safety_class, paging, |client, input| client.method(...);`
#[macro_export]
macro_rules! operation_table {
    (
        provider = $provider:literal, client = $client:ty;
        $(
            $(#[doc = $doc:literal])*
            $name:ident ( $input:ident ) -> $output:ty,
                $safety:ident, $paging:ident $(($page_size:expr))?,
                |$c:ident, $i:ident| $body:expr;
        )*
    ) => {
        $(
            impl $crate::operation::Operation for $input {
                type Client = $client;
                type Output = $output;
                const INFO: $crate::operation::OperationInfo = $crate::operation::OperationInfo::new(
                    $provider,
                    stringify!($name),
                    concat!($($doc, "\n",)* ""),
                    $crate::operation::SafetyClass::$safety,
                    $crate::operation_table!(@paging $paging $(($page_size))?),
                    stringify!($input),
                    stringify!($output),
                    <$input as $crate::operation::Input>::params,
                );
                #[allow(clippy::manual_async_fn)]
                fn invoke(self, client: &$client) -> impl ::std::future::Future<Output = Result<$output, $crate::Error>> + Send {
                    $crate::operation::within_row(
                        stringify!($name),
                        $crate::operation::SafetyClass::$safety,
                        async move {
                            let $c = client;
                            let $i = self;
                            $body.await
                        },
                    )
                }
            }
        )*

        /// Every operation of this provider, in the order of the table.
        pub static OPERATIONS: &[$crate::operation::OperationInfo] = &[
            $( <$input as $crate::operation::Operation>::INFO, )*
        ];

        /// Runs the operation named `name` from JSON input to JSON output (a paged operation
        /// answers every record of every page, as a list).
        pub async fn call_json(
            client: &$client,
            name: &str,
            input: serde_json::Value,
        ) -> Result<serde_json::Value, $crate::Error> {
            match name {
                $( stringify!($name) => $crate::operation_table!(@call $paging, $input, client, input), )*
                other => Err($crate::Error::validation(
                    "operation",
                    format!("{other:?} is not a {} operation", $provider),
                )),
            }
        }
    };
    (@paging single) => { $crate::operation::Paging::Single };
    (@paging pages ($page_size:expr)) => { $crate::operation::Paging::Pages { page_size: $page_size } };
    // Each arm is boxed: unoptimised builds give every arm of the dispatch its own stack
    // slots, so a long table would otherwise overflow the caller's stack.
    (@call single, $input:ident, $client:ident, $value:ident) => {
        Box::pin($crate::operation::call_json::<$input>($client, $value)).await
    };
    (@call pages, $input:ident, $client:ident, $value:ident) => {
        Box::pin($crate::operation::call_json_paged::<$input>($client, $value)).await
    };
}

pub mod record;

#[cfg(test)]
mod tests;
