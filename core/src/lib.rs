//! paywire: one core for the Saferpay, secuconnect and SekurePay APIs.
//!
//! Every behaviour (validation, retries, idempotency, token handling, error mapping) lives here
//! once; the Python, Node and UniFFI bindings only convert types, errors and async.
//!
//! - `saferpay::Client`: Secure PayGate offers, payment pages, the transaction lifecycle,
//!   account queries, Fields tokens, transaction reporting.
//! - `secuconnect::Client`: OAuth 2.0 and Smart Transactions.
//! - `sekurepay::Client`: orders.
//! - `links`: provider-neutral payment links over Saferpay offers and Smart Transactions.
//! - `blocking`: the same clients with synchronous methods.
#![forbid(unsafe_code)]

/// The providers' documented example payloads, `spec/fixtures/<provider>/` in the repository
/// (see its README for each file's source). `fixtures_dir!("saferpay/")` is a `&'static str`.
#[cfg(test)]
macro_rules! fixtures_dir {
    ($sub:literal) => {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/fixtures/", $sub)
    };
}

mod currency_table;
mod open_enum;

pub mod blocking;
pub mod config;
pub mod error;
#[cfg(test)]
mod fuzz_support;
pub mod http;
pub mod input;
pub mod lenient;
pub mod links;
pub mod logging;
pub mod money;
pub mod oauth;
pub mod operation;
pub mod raw_json;
pub mod rt;
pub mod saferpay;
pub mod secret;
pub mod secuconnect;
pub mod sekurepay;
pub mod testing;
pub(crate) mod validate;

/// The README's Rust example, compiled as a doctest so it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

pub use config::{ClientOptions, RequestOptions};
pub use error::{Error, ErrorKind, Provider, Result, Retryable};
pub use http::EngineStats;
pub use money::{Currency, Money};
pub use raw_json::RawJson;
pub use secret::Secret;
