//! The one error every Kotlin/Swift caller sees: `PaywireException` (Kotlin) / `PaywireError`
//! (Swift), one variant per kind of DESIGN.md, each carrying the same fields.
//!
//! Kotlin reserves `message` on exceptions, so the provider's text is `errorMessage`; the
//! exception's `toString()` (and so every stack trace) is paywire's own `Display`.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt as _;

/// Whether repeating the call can help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Retryable {
    No,
    Yes,
    /// Only after something changes (Saferpay `RETRY_LATER`, rate limits).
    Later,
}

impl From<paywire::Retryable> for Retryable {
    fn from(value: paywire::Retryable) -> Self {
        match value {
            paywire::Retryable::No => Retryable::No,
            paywire::Retryable::Yes => Retryable::Yes,
            paywire::Retryable::Later => Retryable::Later,
        }
    }
}

/// Declares the error enum: every variant has the same fields, so callers can read
/// `code`, `httpStatus` … whatever the kind.
macro_rules! paywire_error {
    ($($(#[$doc:meta])* $variant:ident => $kind:ident),+ $(,)?) => {
        /// A paywire error. `kind` is DESIGN.md's word (`validation`, `not_found` …).
        #[derive(Debug, Clone, thiserror::Error, uniffi::Error)]
        #[uniffi::export(Display)]
        pub enum PaywireError {
            $(
                $(#[$doc])*
                #[error("{display}")]
                $variant {
                    /// `validation`, `authentication`, … as in DESIGN.md.
                    kind: String,
                    /// The provider's (or paywire's) explanation.
                    error_message: String,
                    /// `saferpay`, `secuconnect` or `sekurepay`.
                    provider: Option<String>,
                    http_status: Option<i32>,
                    /// Saferpay `ErrorName`, secuconnect `error`, or the HTTP status as text.
                    code: Option<String>,
                    /// The input field a validation error is about (`payer.billing_address.email`).
                    field: Option<String>,
                    details: Vec<String>,
                    request_id: Option<String>,
                    retryable: Retryable,
                    /// True when the provider may have executed the request although no answer came.
                    outcome_unknown: bool,
                    /// For an unknown outcome: the call that tells whether it happened.
                    settle_with: Option<String>,
                    /// The provider's response body, secrets scrubbed.
                    raw: Option<String>,
                    /// The whole error as one line (what `toString()` shows).
                    display: String,
                },
            )+
        }

        impl PaywireError {
            /// The fields of any variant, for code that does not care which kind it is.
            fn to_info(&self) -> ErrorInfo {
                match self {
                    $(PaywireError::$variant {
                        kind, error_message, provider, http_status, code, field, details,
                        request_id, retryable, outcome_unknown, settle_with, raw, display,
                    } => ErrorInfo {
                        kind: kind.clone(),
                        error_message: error_message.clone(),
                        provider: provider.clone(),
                        http_status: *http_status,
                        code: code.clone(),
                        field: field.clone(),
                        details: details.clone(),
                        request_id: request_id.clone(),
                        retryable: *retryable,
                        outcome_unknown: *outcome_unknown,
                        settle_with: settle_with.clone(),
                        raw: raw.clone(),
                        display: display.clone(),
                    },)+
                }
            }

            fn build(error: &paywire::Error) -> PaywireError {
                let kind = error.kind().as_str().to_owned();
                let error_message = error.message().to_owned();
                let provider = error.provider().map(|p| p.as_str().to_owned());
                let http_status = error.http_status().map(i32::from);
                let code = error.code().map(str::to_owned);
                let field = error.field().map(str::to_owned);
                let details = error.details().to_vec();
                let request_id = error.request_id().map(str::to_owned);
                let retryable = Retryable::from(error.retryable());
                let outcome_unknown = error.outcome_unknown();
                let settle_with = error.settle_with().map(str::to_owned);
                let raw = error.raw().map(str::to_owned);
                let display = error.to_string();
                match error.kind() {
                    $(paywire::ErrorKind::$kind => PaywireError::$variant {
                        kind, error_message, provider, http_status, code, field, details,
                        request_id, retryable, outcome_unknown, settle_with, raw, display,
                    },)+
                }
            }
        }
    };
}

paywire_error! {
    /// Bad input; nothing was sent.
    Validation => Validation,
    Authentication => Authentication,
    Permission => Permission,
    NotFound => NotFound,
    /// Wrong state for the operation (already captured, duplicate id …).
    Conflict => Conflict,
    /// A payment business failure (declined, aborted, 3-D Secure failed …).
    Declined => Declined,
    RateLimited => RateLimited,
    /// Any other provider error.
    Api => Api,
    /// Connect, reset or timeout; see `outcomeUnknown`.
    Transport => Transport,
    /// The provider answered something paywire could not read.
    Decode => Decode,
    Configuration => Configuration,
    /// A bug in paywire (including a caught panic).
    Internal => Internal,
    /// A call with a side effect may have been executed and paywire could not settle whether;
    /// it was not sent again. `settleWith` names the call that tells (docs/exactly-once.md).
    OutcomeUnknown => OutcomeUnknown,
}

/// The same fields as every `PaywireError` variant, as one record: `e.info().code` in Kotlin
/// without a `when` over the kinds.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ErrorInfo {
    pub kind: String,
    pub error_message: String,
    pub provider: Option<String>,
    pub http_status: Option<i32>,
    pub code: Option<String>,
    pub field: Option<String>,
    pub details: Vec<String>,
    pub request_id: Option<String>,
    pub retryable: Retryable,
    pub outcome_unknown: bool,
    pub settle_with: Option<String>,
    pub raw: Option<String>,
    pub display: String,
}

#[uniffi::export]
impl PaywireError {
    /// Every field, whatever the kind.
    pub fn info(&self) -> ErrorInfo {
        self.to_info()
    }
}

impl From<paywire::Error> for PaywireError {
    fn from(error: paywire::Error) -> Self {
        PaywireError::build(&error)
    }
}

impl From<paywire_sandbox::SandboxError> for PaywireError {
    fn from(error: paywire_sandbox::SandboxError) -> Self {
        use paywire::{Error, ErrorKind};
        use paywire_sandbox::SandboxError as S;
        let text = error.to_string();
        let converted = match &error {
            S::UnknownOffer(_)
            | S::UnknownToken(_)
            | S::UnknownSmartTransaction(_)
            | S::UnknownUserCode(_) => Error::new(ErrorKind::NotFound, text),
            S::BadOutcome { .. } => Error::validation("outcome", text),
            S::UnknownFaultMode(_) => Error::validation("mode", text),
            S::UnknownRoute(_) => Error::validation("route", text),
            S::InvalidState(_) => Error::new(ErrorKind::Conflict, text),
            S::Invalid(_) => Error::new(ErrorKind::Validation, text),
            S::Io(_) => Error::internal(text),
        };
        PaywireError::build(&converted.with_code("SANDBOX"))
    }
}

/// A validation error naming `field`, for conversions that fail on the binding side
/// (a timestamp that is not RFC 3339, a negative count).
pub(crate) fn invalid(field: &str, message: impl Into<String>) -> PaywireError {
    PaywireError::from(paywire::Error::validation(field, message))
}

pub(crate) type Result<T, E = PaywireError> = std::result::Result<T, E>;

fn panic_error(payload: Box<dyn std::any::Any + Send>) -> PaywireError {
    let text = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    };
    PaywireError::from(paywire::Error::internal(format!(
        "paywire panicked: {text}"
    )))
}

/// Runs a synchronous export; a panic becomes `PaywireError::Internal` instead of UniFFI's
/// generic exception.
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|payload| Err(panic_error(payload)))
}

/// The async twin of [`guard`]. Panics inside the shared runtime are already mapped by core;
/// this catches the ones on the polling side.
pub(crate) async fn guard_async<T>(future: impl Future<Output = Result<T>>) -> Result<T> {
    AssertUnwindSafe(future)
        .catch_unwind()
        .await
        .unwrap_or_else(|payload| Err(panic_error(payload)))
}
