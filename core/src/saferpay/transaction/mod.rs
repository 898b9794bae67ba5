//! The transaction lifecycle on the JSON API: Capture (full, partial, multipart), Cancel,
//! Refund, Inquire, AssertCapture, AssertRefund, and the `Transaction`/`PaymentMeans` models
//! that PaymentPage Assert shares.
//!
//! Every call goes through [`Client::json_api`](super::Client): one RequestId per logical call,
//! RetryIndicator counting the attempts, retries only where Saferpay's `Behavior` allows and
//! where sending again cannot do a side effect twice (`docs/exactly-once.md`).

mod model;
mod operations;
mod wire;

pub use model::*;
pub(crate) use wire::*;

// The sibling modules see each other's items through this one.
#[allow(unused_imports)]
use super::Client;

#[cfg(test)]
mod tests;
