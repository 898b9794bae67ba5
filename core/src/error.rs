//! The one error type every language sees: a kind plus the provider's details.

use std::fmt;

/// What went wrong, in the same words in every language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Bad input; nothing was sent.
    Validation,
    Authentication,
    Permission,
    NotFound,
    /// Wrong state for the operation (already captured, duplicate id …).
    Conflict,
    /// A payment business failure (declined, aborted, 3-D Secure failed …).
    Declined,
    RateLimited,
    /// Any other provider error.
    Api,
    /// Connect, reset or timeout; see [`Error::outcome_unknown`].
    Transport,
    /// The provider answered something we could not read.
    Decode,
    Configuration,
    Internal,
    /// A call with a side effect failed after the request may have reached the provider, and
    /// paywire could not settle whether it took effect. It is not sent again; the error names
    /// the call that settles it ([`Error::settle_with`]). `outcome_unknown` is true; `code`,
    /// `http_status` and the message keep what the last attempt saw.
    OutcomeUnknown,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 13] = [
        ErrorKind::Validation,
        ErrorKind::Authentication,
        ErrorKind::Permission,
        ErrorKind::NotFound,
        ErrorKind::Conflict,
        ErrorKind::Declined,
        ErrorKind::RateLimited,
        ErrorKind::Api,
        ErrorKind::Transport,
        ErrorKind::Decode,
        ErrorKind::Configuration,
        ErrorKind::Internal,
        ErrorKind::OutcomeUnknown,
    ];

    /// `validation`, `not_found`, … as in DESIGN.md.
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorKind::Validation => "validation",
            ErrorKind::Authentication => "authentication",
            ErrorKind::Permission => "permission",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Declined => "declined",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Api => "api",
            ErrorKind::Transport => "transport",
            ErrorKind::Decode => "decode",
            ErrorKind::Configuration => "configuration",
            ErrorKind::Internal => "internal",
            ErrorKind::OutcomeUnknown => "outcome_unknown",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether repeating the call can help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Retryable {
    No,
    Yes,
    /// Only after something changes (Saferpay `RETRY_LATER`, rate limits).
    Later,
}

impl Retryable {
    pub fn as_str(&self) -> &'static str {
        match self {
            Retryable::No => "no",
            Retryable::Yes => "yes",
            Retryable::Later => "later",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    Saferpay,
    Secuconnect,
    SekurePay,
}

impl Provider {
    pub fn as_str(&self) -> &'static str {
        match self {
            Provider::Saferpay => "saferpay",
            Provider::Secuconnect => "secuconnect",
            Provider::SekurePay => "sekurepay",
        }
    }
}

impl serde::Serialize for Provider {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A paywire error. Cheap to move (boxed); every field is optional except kind and message.
#[derive(Clone)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    message: String,
    provider: Option<Provider>,
    http_status: Option<u16>,
    code: Option<String>,
    field: Option<String>,
    details: Vec<String>,
    request_id: Option<String>,
    retryable: Retryable,
    outcome_unknown: bool,
    settle_with: Option<String>,
    raw: Option<String>,
    /// The lower-level error behind this one (a transport or JSON error), for `source()`.
    source: Option<std::sync::Arc<dyn std::error::Error + Send + Sync>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                provider: None,
                http_status: None,
                code: None,
                field: None,
                details: Vec::new(),
                request_id: None,
                retryable: Retryable::No,
                outcome_unknown: false,
                settle_with: None,
                raw: None,
                source: None,
            }),
        }
    }

    /// Keeps the lower-level error this one comes from (see `std::error::Error::source`).
    pub fn with_source(
        mut self,
        source: std::sync::Arc<dyn std::error::Error + Send + Sync>,
    ) -> Error {
        self.inner.source = Some(source);
        self
    }

    /// Bad input for `field`; raised before anything is sent.
    pub fn validation(field: &str, message: impl Into<String>) -> Error {
        let mut error = Error::new(
            ErrorKind::Validation,
            format!("{field}: {}", message.into()),
        );
        error.inner.field = Some(field.to_owned());
        error
    }

    pub fn configuration(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Configuration, message)
    }

    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Internal, message)
    }

    pub fn decode(provider: Provider, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Decode, message).with_provider(provider)
    }

    pub fn with_provider(mut self, provider: Provider) -> Error {
        self.inner.provider = Some(provider);
        self
    }

    pub fn with_http_status(mut self, status: u16) -> Error {
        self.inner.http_status = Some(status);
        self
    }

    pub fn with_code(mut self, code: impl Into<String>) -> Error {
        self.inner.code = Some(code.into());
        self
    }

    pub fn with_details(mut self, details: Vec<String>) -> Error {
        self.inner.details = details;
        self
    }

    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Error {
        self.inner.request_id = Some(request_id.into());
        self
    }

    pub fn with_retryable(mut self, retryable: Retryable) -> Error {
        self.inner.retryable = retryable;
        self
    }

    pub fn with_outcome_unknown(mut self, outcome_unknown: bool) -> Error {
        self.inner.outcome_unknown = outcome_unknown;
        self
    }

    /// Names the call that settles an unknown outcome (see [`Error::settle_with`]).
    pub fn with_settle_with(mut self, settle_with: impl Into<String>) -> Error {
        self.inner.settle_with = Some(settle_with.into());
        self
    }

    /// Keeps the provider's body (already scrubbed of secrets by the caller).
    pub fn with_raw(mut self, raw: impl Into<String>) -> Error {
        self.inner.raw = Some(raw.into());
        self
    }

    pub fn with_message(mut self, message: impl Into<String>) -> Error {
        self.inner.message = message.into();
        self
    }

    pub fn with_kind(mut self, kind: ErrorKind) -> Error {
        self.inner.kind = kind;
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }
    pub fn message(&self) -> &str {
        &self.inner.message
    }
    /// The message without the `field: ` prefix a validation error carries.
    pub fn message_text(&self) -> &str {
        match &self.inner.field {
            Some(field) => self
                .inner
                .message
                .strip_prefix(field.as_str())
                .and_then(|rest| rest.strip_prefix(": "))
                .unwrap_or(&self.inner.message),
            None => &self.inner.message,
        }
    }
    pub fn provider(&self) -> Option<Provider> {
        self.inner.provider
    }
    pub fn http_status(&self) -> Option<u16> {
        self.inner.http_status
    }
    /// Saferpay `ErrorName`, secuconnect `error`, or the HTTP status as text.
    pub fn code(&self) -> Option<&str> {
        self.inner.code.as_deref()
    }
    /// The input field a validation error is about.
    pub fn field(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }
    pub fn details(&self) -> &[String] {
        &self.inner.details
    }
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }
    pub fn retryable(&self) -> Retryable {
        self.inner.retryable
    }
    /// True when the provider may have executed the request although we got no answer.
    pub fn outcome_unknown(&self) -> bool {
        self.inner.outcome_unknown
    }
    /// For an unknown outcome: the call that tells whether the side effect happened, e.g.
    /// `saferpay inquire_by_order_id("pw-…")`. Make it (after the time it names, if any)
    /// before doing the operation again.
    pub fn settle_with(&self) -> Option<&str> {
        self.inner.settle_with.as_deref()
    }
    /// The provider's response body, secrets scrubbed.
    pub fn raw(&self) -> Option<&str> {
        self.inner.raw.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(provider) = self.inner.provider {
            write!(f, "{provider} ")?;
        }
        write!(f, "{} error", self.inner.kind)?;
        if let Some(code) = &self.inner.code {
            write!(f, " {code}")?;
        }
        write!(f, ": {}", self.inner.message)?;
        if let Some(status) = self.inner.http_status {
            write!(f, " (HTTP {status})")?;
        }
        if !self.inner.details.is_empty() {
            write!(f, " [{}]", self.inner.details.join("; "))?;
        }
        if self.inner.outcome_unknown {
            f.write_str(
                " — the provider may have executed the request; check before repeating it",
            )?;
            if let Some(settle) = &self.inner.settle_with {
                write!(f, " with {settle}")?;
            }
        }
        if let Some(request_id) = &self.inner.request_id {
            write!(f, " (request id {request_id})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Error");
        s.field("kind", &self.inner.kind)
            .field("message", &self.inner.message);
        if let Some(p) = self.inner.provider {
            s.field("provider", &p);
        }
        if let Some(v) = self.inner.http_status {
            s.field("http_status", &v);
        }
        if let Some(v) = &self.inner.code {
            s.field("code", v);
        }
        if let Some(v) = &self.inner.field {
            s.field("field", v);
        }
        if let Some(v) = &self.inner.request_id {
            s.field("request_id", v);
        }
        s.field("retryable", &self.inner.retryable)
            .field("outcome_unknown", &self.inner.outcome_unknown)
            .field("settle_with", &self.inner.settle_with)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// JSON keys whose values are credentials; their values are replaced before a body is kept.
const SECRET_KEYS: &[&str] = &[
    "access_token",
    "refresh_token",
    "client_secret",
    "password",
    "device_code",
    "api_key",
    "apikey",
    "authorization",
    "accesstoken",
];

/// Keeps at most this much of a provider body inside an error.
const RAW_LIMIT: usize = 4096;

/// Makes a provider body safe to keep in an error: credentials blanked, length bounded.
pub(crate) fn scrub_body(body: &[u8]) -> String {
    if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) {
        scrub_value(&mut value);
        let text = value.to_string();
        return crate::money::truncate(&text, RAW_LIMIT);
    }
    let text = String::from_utf8_lossy(body);
    // Not JSON: a gateway page or garbage. Keep a snippet, but never anything after a key
    // that names a credential.
    let lower = text.to_ascii_lowercase();
    let cut = SECRET_KEYS
        .iter()
        .filter_map(|key| lower.find(key))
        .min()
        .unwrap_or(text.len());
    let kept: String = text
        .get(..cut)
        .unwrap_or("")
        .chars()
        .take(RAW_LIMIT)
        .collect();
    if cut < text.len() {
        format!("{kept}…[redacted]")
    } else {
        kept
    }
}

fn scrub_value(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                let lower = key.to_ascii_lowercase();
                if SECRET_KEYS.contains(&lower.as_str()) {
                    *inner = serde_json::Value::String("***".into());
                } else {
                    scrub_value(inner);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(scrub_value),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_chains_to_the_lower_level_error() {
        let io = std::io::Error::other("connection refused");
        let error = Error::new(ErrorKind::Transport, "could not connect")
            .with_source(std::sync::Arc::new(io));
        let source = std::error::Error::source(&error).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("connection refused"));
        assert!(std::error::Error::source(&Error::internal("x")).is_none());
    }

    #[test]
    fn display_reads_well() {
        let err = Error::new(ErrorKind::Conflict, "Transaction already captured")
            .with_provider(Provider::Saferpay)
            .with_code("TRANSACTION_ALREADY_CAPTURED")
            .with_http_status(402)
            .with_request_id("r-1");
        assert_eq!(
            err.to_string(),
            "saferpay conflict error TRANSACTION_ALREADY_CAPTURED: Transaction already captured (HTTP 402) (request id r-1)"
        );
    }

    #[test]
    fn scrubs_credentials_from_bodies() {
        let body = br#"{"access_token":"tok-123","nested":{"refresh_token":"r-9"},"ok":1}"#;
        let scrubbed = scrub_body(body);
        assert!(
            !scrubbed.contains("tok-123") && !scrubbed.contains("r-9"),
            "{scrubbed}"
        );
        assert!(scrubbed.contains("\"ok\":1"));
        let html = b"<html>oops access_token=abc</html>";
        let scrubbed = scrub_body(html);
        assert!(!scrubbed.contains("abc"), "{scrubbed}");
    }
}
