//! secuconnect error bodies mapped to paywire errors.
//!
//! Product errors: `{"status":"error","error":"ProductNotAllowedException","error_details":...,
//! "error_user":...,"code":2003,"supportId":...}` (`code` an integer on the wire, a string in
//! the SDK models). OAuth-style bodies (`{error, error_description}`) also reach API calls
//! (`invalid_token`). Anything else (proxies, HTML) keeps its status and a scrubbed snippet.

use serde::Deserialize;

use crate::error::{Error, ErrorKind, Provider};
use crate::http::{self, HttpResponse};
use crate::oauth;

/// The documented answer to an expired or invalid token: HTTP 403, this exception, code 2003.
pub const PRODUCT_NOT_ALLOWED: &str = "ProductNotAllowedException";
pub const EXPIRED_TOKEN_CODE: &str = "2003";

#[derive(Deserialize)]
pub(crate) struct ProductError {
    #[serde(default, deserialize_with = "crate::lenient::opt_string_like")]
    pub(crate) status: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::opt_string_like")]
    pub(crate) error: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::opt_string_like")]
    pub(crate) error_details: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::opt_string_like")]
    pub(crate) error_user: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::opt_string_like")]
    pub(crate) code: Option<String>,
    #[serde(
        default,
        rename = "supportId",
        deserialize_with = "crate::lenient::opt_string_like"
    )]
    pub(crate) support_id: Option<String>,
}

impl ProductError {
    fn is_product_error(&self) -> bool {
        self.status.as_deref() == Some("error")
            || self.error_details.is_some()
            || self.error_user.is_some()
            || self.support_id.is_some()
    }

    /// Code 2003 ("Valid auth token required"): the token was not accepted. Other
    /// `ProductNotAllowedException` answers (another code) refuse the call itself, e.g. a
    /// product the contract does not include; a fresh token would change nothing.
    pub(crate) fn is_token_rejection(&self) -> bool {
        self.code.as_deref() == Some(EXPIRED_TOKEN_CODE)
            && self
                .error
                .as_deref()
                .is_none_or(|error| error == PRODUCT_NOT_ALLOWED)
    }
}

/// A non-success response, classified. `token_rejected` tells the caller to invalidate the
/// token, refresh once and replay once.
pub(crate) struct Classified {
    pub(crate) error: Error,
    pub(crate) token_rejected: bool,
}

fn kind_for_product_error(body: &ProductError, status: u16) -> ErrorKind {
    if body.is_token_rejection() {
        // "Valid auth token required": a credentials problem even after a fresh token.
        return ErrorKind::Authentication;
    }
    match (status, body.error.as_deref()) {
        (404, _) | (_, Some("ProductNotFoundException")) => ErrorKind::NotFound,
        (401, _) => ErrorKind::Authentication,
        (403, _) => ErrorKind::Permission,
        (409, _) => ErrorKind::Conflict,
        (402, _) => ErrorKind::Declined,
        (429, _) => ErrorKind::RateLimited,
        _ => ErrorKind::Api,
    }
}

/// Maps a non-success secuconnect API response.
pub(crate) fn classify_error(response: &HttpResponse) -> Classified {
    let status = response.status;
    let product: Option<ProductError> = serde_json::from_slice(&response.body).ok();
    if let Some(body) = product.filter(ProductError::is_product_error) {
        let token_rejected = status == 401 || (status == 403 && body.is_token_rejection());
        return Classified {
            error: product_error(response, body),
            token_rejected,
        };
    }
    if let Some(body) = oauth::parse_oauth_body(&response.body) {
        return Classified {
            // invalid_token and friends on an API call: the bearer token was refused.
            token_rejected: status == 401 || status == 403,
            error: oauth::oauth_error_from_body(Provider::Secuconnect, response, body),
        };
    }
    Classified {
        error: http::unstructured_error(Provider::Secuconnect, response),
        token_rejected: status == 401,
    }
}

fn product_error(response: &HttpResponse, body: ProductError) -> Error {
    let status = response.status;
    let kind = kind_for_product_error(&body, status);
    let name = body
        .error
        .clone()
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| format!("HTTP_{status}"));
    let message = body
        .error_details
        .clone()
        .or_else(|| body.error_user.clone())
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| name.clone());
    let mut details = Vec::new();
    if let Some(code) = &body.code {
        details.push(format!("code: {code}"));
    }
    if let Some(user) = &body.error_user {
        details.push(format!("error_user: {user}"));
    }
    if let Some(support_id) = &body.support_id {
        details.push(format!("supportId: {support_id}"));
    }
    Error::new(kind, message)
        .with_provider(Provider::Secuconnect)
        .with_http_status(status)
        .with_code(name)
        .with_details(details)
        .with_retryable(http::status_retryable(status))
        .with_raw(crate::error::scrub_body(&response.body))
}

/// `error` with `hint` appended to its message.
pub(crate) fn with_hint(error: Error, hint: &str) -> Error {
    let message = format!("{} — {hint}", error.message());
    error.with_message(message)
}
