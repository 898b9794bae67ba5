//! A token store of the host's own (Kotlin `TokenStore` interface, Swift protocol): keeps one
//! opaque text per key. The text is the core's JSON for the token (a credential: keep it as
//! safely as a password). Only conversions: when and how the store is used is the core's,
//! including that a failing store is a warning, never a failed call.

use std::sync::Arc;

use paywire::Secret;
use paywire::oauth::StoredToken;

/// What a host store may throw (any exception becomes this; its text is not kept).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum TokenStoreError {
    #[error("token store failed")]
    Failed,
}

impl From<uniffi::UnexpectedUniFFICallbackError> for TokenStoreError {
    fn from(_: uniffi::UnexpectedUniFFICallbackError) -> Self {
        TokenStoreError::Failed
    }
}

/// Keeps the text `put` gave for `key` until `clear`; `get` returns it (or null).
#[uniffi::export(with_foreign)]
pub trait TokenStore: Send + Sync {
    fn get(&self, key: String) -> Result<Option<String>, TokenStoreError>;
    fn put(&self, key: String, value: String) -> Result<(), TokenStoreError>;
    fn clear(&self, key: String) -> Result<(), TokenStoreError>;
}

/// The host's store as the core's.
pub(crate) struct HostStore(pub(crate) Arc<dyn TokenStore>);

fn failed(method: &str) -> paywire::Error {
    paywire::Error::configuration(format!("TokenStore.{method}() failed"))
}

impl paywire::oauth::TokenStore for HostStore {
    fn get(&self, key: &str) -> Result<Option<StoredToken>, paywire::Error> {
        let text = self.0.get(key.to_owned()).map_err(|_| failed("get"))?;
        Ok(text.and_then(|text| StoredToken::from_text(Secret::new(text).expose())))
    }

    fn put(&self, key: &str, token: &StoredToken) -> Result<(), paywire::Error> {
        let text = token.to_text().expose().to_owned();
        self.0.put(key.to_owned(), text).map_err(|_| failed("put"))
    }

    fn clear(&self, key: &str) -> Result<(), paywire::Error> {
        self.0.clear(key.to_owned()).map_err(|_| failed("clear"))
    }
}
