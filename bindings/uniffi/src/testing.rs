//! Test hooks, underscore-named so they stay out of the way: they prove a Rust panic surfaces
//! as `PaywireException.Internal` and the host keeps working.

use crate::error::{Result, guard, guard_async};

/// Panics inside paywire's shared runtime (async path). An empty message does not panic.
#[uniffi::export]
pub async fn _panic_for_test(message: String) -> Result<()> {
    guard_async(async move { Ok(paywire::testing::panic_for_test(message).await?) }).await
}

/// Panics on the calling thread (sync path). An empty message does not panic.
#[uniffi::export]
pub fn _panic_for_test_sync(message: String) -> Result<()> {
    guard(|| Ok(paywire::testing::panic_for_test_sync(&message)?))
}
