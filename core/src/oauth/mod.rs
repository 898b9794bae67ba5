//! OAuth 2.0 for secuconnect: grants, a single-flight token manager, token stores.
//!
//! Provider-neutral where it can be: grants are posted as JSON to a token URL, errors are the
//! RFC 6749 `{error, error_description}` shape, and tokens are cached per environment and
//! client id. Supported grants: `client_credentials`, `refresh_token` and secuconnect's
//! device flow (`grant_type=device` with `uuid`, then polling with `code`).
//!
//! Tokens are [`Secret`](crate::Secret)s: they never appear in Debug output, errors or logs.

mod endpoint;
mod error;
mod manager;
#[cfg(feature = "redis")]
mod redis_store;
mod store;

/// Test access to the token and OAuth-error decoders for the fuzz tests of other modules.
#[cfg(test)]
pub(crate) fn fuzz_parse_token(
    provider: crate::error::Provider,
    response: &crate::http::HttpResponse,
) -> bool {
    endpoint::parse_token(provider, response).is_ok()
}

#[cfg(test)]
pub(crate) fn fuzz_oauth_error(
    provider: crate::error::Provider,
    response: &crate::http::HttpResponse,
) -> crate::error::Error {
    error::oauth_error(provider, response)
}

pub use endpoint::DeviceAuthorization;
pub use error::{
    AUTHORIZATION_PENDING, EXPIRED_TOKEN, INVALID_GRANT, SLOW_DOWN, kind_for_oauth_error,
};
pub use manager::{AuthMode, DEFAULT_REFRESH_MARGIN, TokenInfo, TokenManager};
#[cfg(feature = "redis")]
pub use redis_store::RedisTokenStore;
pub use store::{
    FileTokenStore, MemoryTokenStore, StoreLock, StoredToken, TokenStore, token_store_from_url,
};

pub(crate) use endpoint::{Credentials, TokenEndpoint};
#[cfg(test)]
pub(crate) use endpoint::{Grant, parse_device_code, parse_token};
#[cfg(test)]
pub(crate) use error::oauth_error;
pub(crate) use error::{oauth_error_from_body, parse_oauth_body};

#[cfg(test)]
mod tests;
