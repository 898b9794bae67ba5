//! Test hooks shared by every binding.

use crate::error::Error;

/// Panics on purpose inside the shared runtime, so each binding can prove that a Rust panic
/// surfaces as its `InternalError` and the host process keeps working. Harmless to ship: the
/// panic is caught at the task boundary like any other.
pub async fn panic_for_test(message: String) -> Result<(), Error> {
    crate::rt::run(async move {
        #[allow(clippy::panic)]
        if !message.is_empty() {
            panic!("{message}");
        }
        Ok(())
    })
    .await
}

/// The same hook, panicking on the caller's thread instead of the runtime (what a bug in a
/// synchronous code path looks like to a binding).
pub fn panic_for_test_sync(message: &str) -> Result<(), Error> {
    #[allow(clippy::panic)]
    if !message.is_empty() {
        panic!("{message}");
    }
    Ok(())
}
