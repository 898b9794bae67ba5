//! `uniffi-bindgen`, built from the workspace so its version always matches `paywire-ffi`.
fn main() {
    uniffi::uniffi_bindgen_main()
}
