//! OAuth error bodies (`{"error": ..., "error_description": ...}`) mapped to paywire errors.
//! `code` is the OAuth `error` value, so callers (and the device poller) can match on it.

use serde::Deserialize;

use crate::error::{Error, ErrorKind, Provider, Retryable};
use crate::http::{self, HttpResponse};

/// The device poll answer while the user has not approved yet (the poller keeps waiting).
pub const AUTHORIZATION_PENDING: &str = "authorization_pending";
/// RFC 8628: poll more slowly (the poller adds 5 s to its interval).
pub const SLOW_DOWN: &str = "slow_down";
/// The device code ran out before the user approved it.
pub const EXPIRED_TOKEN: &str = "expired_token";
/// The refresh token (or device code) is no longer valid.
pub const INVALID_GRANT: &str = "invalid_grant";

#[derive(Deserialize)]
pub(crate) struct OAuthErrorBody {
    #[serde(default, deserialize_with = "crate::lenient::opt_string_like")]
    pub(crate) error: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::opt_string_like")]
    pub(crate) error_description: Option<String>,
}

/// The paywire kind for an OAuth `error` value.
pub fn kind_for_oauth_error(code: &str, status: u16) -> ErrorKind {
    match code {
        "invalid_client"
        | "invalid_grant"
        | "invalid_token"
        | "invalid_device"
        | "expired_token"
        | "access_denied"
        | AUTHORIZATION_PENDING
        | SLOW_DOWN => ErrorKind::Authentication,
        "unauthorized_client" | "insufficient_scope" => ErrorKind::Permission,
        "unsupported_grant_type"
        | "invalid_request"
        | "invalid_scope"
        | "unsupported_response_type" => ErrorKind::Api,
        _ => match http::kind_for_status(status) {
            // An unknown OAuth error on 400 is still a refused token request.
            ErrorKind::Api if status == 400 => ErrorKind::Api,
            other => other,
        },
    }
}

/// True when the body is an OAuth error (an `error` string and no product-error markers).
pub(crate) fn parse_oauth_body(body: &[u8]) -> Option<OAuthErrorBody> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    if !object
        .get("error")
        .is_some_and(serde_json::Value::is_string)
    {
        return None;
    }
    serde_json::from_value(value).ok()
}

/// Builds the error for a parsed OAuth error body.
pub(crate) fn oauth_error_from_body(
    provider: Provider,
    response: &HttpResponse,
    body: OAuthErrorBody,
) -> Error {
    let code = body.error.unwrap_or_default();
    let status = response.status;
    let message = body
        .error_description
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| code.replace('_', " "));
    let retryable = match code.as_str() {
        AUTHORIZATION_PENDING | SLOW_DOWN => Retryable::Later,
        _ => http::status_retryable(status),
    };
    Error::new(kind_for_oauth_error(&code, status), message)
        .with_provider(provider)
        .with_http_status(status)
        .with_code(code)
        .with_retryable(retryable)
        .with_raw(crate::error::scrub_body(&response.body))
}

/// Maps a failed token-endpoint response: the OAuth body when there is one, else a generic
/// error that keeps the status and a scrubbed snippet.
pub(crate) fn oauth_error(provider: Provider, response: &HttpResponse) -> Error {
    match parse_oauth_body(&response.body) {
        Some(body) => oauth_error_from_body(provider, response, body),
        None => http::unstructured_error(provider, response),
    }
}
