//! A token store of the host's own (Kotlin `TokenStore` interface, Swift protocol): keeps one
//! opaque text per key. The text is the core's JSON for the token (a credential: keep it as
//! safely as a password). Only conversions: when and how the store is used is the core's,
//! including that a failing store is a warning, never a failed call.

use std::sync::Arc;

use paywire::Secret;
use paywire::oauth::StoredToken;
use serde_json::json;

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
        let Some(text) = self.0.get(key.to_owned()).map_err(|_| failed("get"))? else {
            return Ok(None);
        };
        let text = Secret::new(text);
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text.expose()) else {
            return Ok(None);
        };
        let Some(access) = value["access_token"].as_str().filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        Ok(Some(StoredToken {
            access_token: Secret::new(access),
            refresh_token: value["refresh_token"]
                .as_str()
                .filter(|t| !t.is_empty())
                .map(Secret::new),
            expires_at: value["expires_at"].as_i64().unwrap_or(0),
            token_type: value["token_type"].as_str().map(str::to_owned),
            scope: value["scope"].as_str().map(str::to_owned),
        }))
    }

    fn put(&self, key: &str, token: &StoredToken) -> Result<(), paywire::Error> {
        let text = json!({
            "access_token": token.access_token.expose(),
            "refresh_token": token.refresh_token.as_ref().map(Secret::expose),
            "expires_at": token.expires_at,
            "token_type": token.token_type,
            "scope": token.scope,
        })
        .to_string();
        self.0.put(key.to_owned(), text).map_err(|_| failed("put"))
    }

    fn clear(&self, key: &str) -> Result<(), paywire::Error> {
        self.0.clear(key.to_owned()).map_err(|_| failed("clear"))
    }
}
