//! The error type of the sandbox's Rust API (and the `error` text of admin endpoint answers).

/// Anything the sandbox refuses to do when driven through its Rust API or admin endpoints.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// Binding the listener or starting the runtime failed.
    #[error("sandbox I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// No Secure PayGate offer with this id.
    #[error("unknown offer id: {0}")]
    UnknownOffer(String),
    /// No payment page session with this token.
    #[error("unknown payment page token: {0}")]
    UnknownToken(String),
    /// No smart transaction with this id.
    #[error("unknown smart transaction id: {0}")]
    UnknownSmartTransaction(String),
    /// No pending device authorization with this user code.
    #[error("unknown device user code: {0}")]
    UnknownUserCode(String),
    /// The outcome string is not one the operation accepts.
    #[error("bad outcome {outcome:?}: expected one of {expected}")]
    BadOutcome {
        /// What was given.
        outcome: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// The fault mode string is not a known mode.
    #[error(
        "unknown fault mode {0:?}: expected one of delay, error_500, error_503_html, error_429, non_json, malformed_json, drop_before_commit, drop_after_commit, expired_token"
    )]
    UnknownFaultMode(String),
    /// The route name matches no route (see README for the list).
    #[error(
        "unknown route {0:?} (use a route name such as saferpay.offers.get, a prefix such as saferpay.*, or *)"
    )]
    UnknownRoute(String),
    /// The object is not in a state that allows the operation (e.g. paying a paid offer).
    #[error("invalid state: {0}")]
    InvalidState(String),
    /// Any other invalid argument.
    #[error("invalid argument: {0}")]
    Invalid(String),
}
