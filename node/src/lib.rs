//! Node.js binding of paywire (napi-rs 3).
//!
//! Rules of this crate: it only converts types, errors and async. Every call goes to a public
//! async method of the `paywire` core inside `cancel::guarded`, which runs it on the core's
//! shared runtime (`paywire::rt::on_shared_runtime`); napi's own runtime merely awaits it, so
//! the event loop is never blocked.
//! Each async method takes a [`CancelToken`] (the JS layer creates one per call and fires it
//! from an `AbortSignal`): cancelling drops the core future, which aborts the in-flight request.
//!
//! Errors cross the boundary as a napi error whose reason carries the paywire error's fields as
//! JSON (see [`errors`]); the hand-written JS layer (`index.js`) turns them into the exported
//! error classes (`ValidationError`, `NotFoundError`, … with `err.code = "PAYWIRE_<KIND>"`).
#![deny(clippy::unwrap_used, clippy::expect_used)]
// napi registers exported functions only outside `cfg(test)`; unit tests see them as unused.
#![cfg_attr(test, allow(dead_code))]

mod cancel;
mod convert;
mod errors;
mod logging;
mod money;
mod operations;
mod results;
mod saferpay;
mod saferpay_payments;
mod sandbox;
mod secuconnect;
mod sekurepay;
mod testing;
mod token_store;
mod types;

pub use cancel::CancelToken;
pub use money::Money;
pub use saferpay::SaferpayClient;
pub use sandbox::Sandbox;
pub use secuconnect::SecuconnectClient;
pub use sekurepay::SekurePayClient;

use napi_derive::napi;

/// Runs once when Node loads the native module: `PAYWIRE_LOG=debug` (any `tracing` filter, e.g.
/// `paywire=trace`) sends the core's log events to stderr. Without it nothing is installed.
#[napi_derive::module_init]
fn init() {
    paywire::logging::init_from_env();
}

/// The version of the paywire core this module was built from.
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
