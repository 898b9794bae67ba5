//! paywire-ffi: the UniFFI face of paywire for Kotlin and Swift.
//!
//! This crate only converts: records mirror the core's inputs and results, objects wrap the
//! core's clients, errors become one enum with fields, and async methods run the core's
//! operations on paywire's shared runtime (aborting their request when dropped). Every
//! operation of the core's tables is generated into `operations` (an input record and a
//! method per row); no provider behaviour lives here.
#![forbid(unsafe_code)]
// The UniFFI error enum crosses the FFI by value with all its fields; boxing it is not an option.
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!("paywire");

mod convert;
pub mod error;
pub mod links;
pub mod logging;
pub mod money;
mod ops;
// Generated from the operation tables by tests/generated.rs (kept as generated, not reformatted).
#[rustfmt::skip]
pub mod operations;
pub mod records;
pub mod saferpay;
pub mod sandbox;
pub mod secuconnect;
pub mod sekurepay;
pub mod testing;
pub mod token_store;

pub use error::{PaywireError, Retryable};
pub use money::Money;

/// Turns on the core's stderr logging when `PAYWIRE_LOG` is set (`debug`, `trace`, any
/// `tracing` filter). Called by every client and sandbox constructor; the core makes it
/// idempotent and leaves a subscriber the host installed alone.
pub(crate) fn init_logging() {
    paywire::logging::init_from_env();
}
