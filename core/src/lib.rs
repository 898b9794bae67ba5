//! paywire: one core for the Saferpay, secuconnect and SekurePay APIs.
//!
//! Every behaviour (validation, retries, idempotency, token handling, error mapping) lives here
//! once; the Python, Node and UniFFI bindings only convert types, errors and async.
#![forbid(unsafe_code)]

mod currency_table;

pub mod config;
pub mod error;
pub mod http;
pub mod money;
pub mod rt;
pub mod secret;
pub(crate) mod validate;

pub use config::{ClientOptions, RequestOptions};
pub use error::{Error, ErrorKind, Provider, Result, Retryable};
pub use money::{Currency, Money};
pub use secret::Secret;
