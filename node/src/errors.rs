//! paywire errors → napi errors the JS layer can rebuild as the exported error classes.
//!
//! napi's async bridge only carries a status and a reason string across, so the reason is a
//! marker followed by the error's fields as JSON. `index.js` recognises the marker and throws
//! e.g. a `NotFoundError` with `code = "PAYWIRE_NOT_FOUND"`, `httpStatus`, `providerCode` …

use napi::Status;
use paywire::{Error, ErrorKind};
use serde_json::json;

/// Prefix of every error reason produced here (kept in sync with `index.js`).
pub(crate) const MARKER: &str = "\u{1}paywire-error:";

/// `PAYWIRE_VALIDATION`, `PAYWIRE_NOT_FOUND`, …
pub(crate) fn code_for(kind: ErrorKind) -> String {
    format!("PAYWIRE_{}", kind.as_str().to_ascii_uppercase())
}

pub(crate) fn to_napi(error: Error) -> napi::Error {
    let payload = json!({
        "kind": error.kind().as_str(),
        "code": code_for(error.kind()),
        "message": error.to_string(),
        "providerMessage": error.message(),
        "provider": error.provider().map(|p| p.as_str()),
        "httpStatus": error.http_status(),
        "providerCode": error.code(),
        "details": error.details(),
        "requestId": error.request_id(),
        "retryable": error.retryable().as_str(),
        "outcomeUnknown": error.outcome_unknown(),
        "settleWith": error.settle_with(),
        "field": error.field(),
        "raw": error.raw(),
    });
    napi::Error::new(Status::GenericFailure, format!("{MARKER}{payload}"))
}

/// The rejection of a call whose token was cancelled (the JS layer has normally rejected with
/// an `AbortError` already; this keeps the native promise from dangling).
pub(crate) fn aborted() -> napi::Error {
    let payload = json!({
        "kind": "aborted",
        "code": "ABORT_ERR",
        "message": "The operation was aborted",
    });
    napi::Error::new(Status::Cancelled, format!("{MARKER}{payload}"))
}

pub(crate) type Result<T> = std::result::Result<T, Error>;

/// Shorthand for synchronous napi entry points.
pub(crate) fn napi_result<T>(result: Result<T>) -> napi::Result<T> {
    result.map_err(to_napi)
}

/// Sandbox refusals in the same error model (unknown ids → not found, bad arguments →
/// validation, wrong state → conflict).
pub(crate) fn from_sandbox(error: paywire_sandbox::SandboxError) -> Error {
    use paywire_sandbox::SandboxError as S;
    let kind = match &error {
        S::UnknownOffer(_)
        | S::UnknownToken(_)
        | S::UnknownSmartTransaction(_)
        | S::UnknownUserCode(_) => ErrorKind::NotFound,
        S::BadOutcome { .. } | S::UnknownFaultMode(_) | S::UnknownRoute(_) | S::Invalid(_) => {
            ErrorKind::Validation
        }
        S::InvalidState(_) => ErrorKind::Conflict,
        S::Io(_) => ErrorKind::Internal,
        #[allow(unreachable_patterns)]
        _ => ErrorKind::Internal,
    };
    Error::new(kind, error.to_string())
}
