//! Test hooks: a deliberate panic in the core, to prove a Rust panic surfaces as
//! `InternalError` and the process keeps working. Exported with a leading underscore.

use napi_derive::napi;

use crate::errors;

/// Panics inside the core's shared runtime (caught at the task boundary by the core).
#[napi(js_name = "_panicForTest")]
pub async fn panic_for_test(message: String) -> napi::Result<()> {
    paywire::testing::panic_for_test(message)
        .await
        .map_err(errors::to_napi)
}

/// Panics on the JS thread inside the core; caught here so it cannot unwind into Node.
#[napi(js_name = "_panicForTestSync")]
pub fn panic_for_test_sync(message: String) -> napi::Result<()> {
    let result = std::panic::catch_unwind(|| paywire::testing::panic_for_test_sync(&message));
    match result {
        Ok(r) => r.map_err(errors::to_napi),
        Err(payload) => {
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(errors::to_napi(paywire::Error::internal(format!(
                "paywire panicked: {text}"
            ))))
        }
    }
}
