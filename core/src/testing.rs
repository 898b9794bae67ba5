//! Test hooks shared by every binding.

use crate::error::Error;

/// Panics on purpose when built with the `panic-hook` feature, so each binding can prove that a
/// Rust panic surfaces as its `InternalError` and the host process keeps working. Without the
/// feature it returns an internal error instead.
pub async fn panic_for_test(message: String) -> Result<(), Error> {
    crate::rt::run(async move {
        #[cfg(feature = "panic-hook")]
        {
            #[allow(clippy::panic)]
            {
                panic!("{message}");
            }
        }
        #[cfg(not(feature = "panic-hook"))]
        {
            Err(Error::internal(format!("panic hook not compiled in: {message}")))
        }
    })
    .await
}
