//! Exit codes and the CLI's error type.
//!
//! | code | meaning |
//! | ---: | --- |
//! | 0  | success |
//! | 2  | usage or validation error (bad flag, bad amount/date, query the provider would refuse); nothing was sent |
//! | 3  | authentication or permission refused by the provider |
//! | 4  | provider error: api, declined, conflict, not_found, rate_limited |
//! | 5  | transport or decode error (no answer, timeout, unreadable answer) |
//! | 6  | configuration error (missing or invalid credentials/settings, bad config file or profile) |
//! | 7  | outcome unknown: the provider may have executed the request; settle it with the call the error names before repeating it |
//! | 70 | internal error (a bug in paywire) |
//! | 74 | local I/O error (cannot read or write an output, checkpoint or lock file) |
//! | 75 | temporary: another run holds the lock, or an export stopped early; run again to resume |

use paywire::{Error, ErrorKind};
use serde_json::{Value, json};

pub const OK: u8 = 0;
pub const USAGE: u8 = 2;
pub const AUTH: u8 = 3;
pub const PROVIDER: u8 = 4;
pub const TRANSPORT: u8 = 5;
pub const CONFIG: u8 = 6;
pub const OUTCOME_UNKNOWN: u8 = 7;
pub const INTERNAL: u8 = 70;
pub const IO: u8 = 74;
pub const TEMPFAIL: u8 = 75;

/// Exit code for a core error kind.
pub fn code_for_kind(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Validation => USAGE,
        ErrorKind::Authentication | ErrorKind::Permission => AUTH,
        ErrorKind::NotFound
        | ErrorKind::Conflict
        | ErrorKind::Declined
        | ErrorKind::RateLimited
        | ErrorKind::Api => PROVIDER,
        ErrorKind::Transport | ErrorKind::Decode => TRANSPORT,
        ErrorKind::Configuration => CONFIG,
        ErrorKind::Internal => INTERNAL,
        ErrorKind::OutcomeUnknown => OUTCOME_UNKNOWN,
    }
}

/// Everything a command can fail with. Messages never contain secrets: the core's errors
/// are already scrubbed and the CLI's own messages name settings, never their values.
#[derive(Debug)]
pub enum CliError {
    /// An error from the core, mapped by kind.
    Paywire(Error),
    /// Bad arguments the CLI checks itself (flag combinations, checkpoint mismatch).
    Usage(String),
    /// Missing or invalid settings, config file or profile.
    Config(String),
    /// A local file operation failed.
    Io(String),
    /// No (usable) answer from a local endpoint (the sandbox's admin API, a forward target).
    Transport(String),
    /// Another run holds a lock, or the run stopped early on purpose; running again helps.
    TryAgain(String),
    /// A bug.
    Internal(String),
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        CliError::Paywire(error)
    }
}

impl CliError {
    pub fn io(context: impl std::fmt::Display, error: &std::io::Error) -> CliError {
        CliError::Io(format!("{context}: {error}"))
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Paywire(e) => code_for_kind(e.kind()),
            CliError::Usage(_) => USAGE,
            CliError::Config(_) => CONFIG,
            CliError::Io(_) => IO,
            CliError::Transport(_) => TRANSPORT,
            CliError::TryAgain(_) => TEMPFAIL,
            CliError::Internal(_) => INTERNAL,
        }
    }

    /// The kind as in DESIGN.md for core errors, or the CLI's own category.
    pub fn kind(&self) -> &str {
        match self {
            CliError::Paywire(e) => e.kind().as_str(),
            CliError::Usage(_) => "validation",
            CliError::Config(_) => "configuration",
            CliError::Io(_) => "io",
            CliError::Transport(_) => "transport",
            CliError::TryAgain(_) => "try_again",
            CliError::Internal(_) => "internal",
        }
    }

    pub fn message(&self) -> String {
        match self {
            CliError::Paywire(e) => e.to_string(),
            CliError::Usage(m)
            | CliError::Config(m)
            | CliError::Io(m)
            | CliError::Transport(m)
            | CliError::TryAgain(m)
            | CliError::Internal(m) => m.clone(),
        }
    }

    pub fn to_json(&self) -> Value {
        let mut error = json!({
            "kind": self.kind(),
            "exit_code": self.exit_code(),
            "message": self.message(),
        });
        if let (CliError::Paywire(e), Value::Object(map)) = (self, &mut error) {
            map.insert("provider".into(), json!(e.provider().map(|p| p.as_str())));
            map.insert("http_status".into(), json!(e.http_status()));
            map.insert("code".into(), json!(e.code()));
            map.insert("field".into(), json!(e.field()));
            map.insert("details".into(), json!(e.details()));
            map.insert("request_id".into(), json!(e.request_id()));
            map.insert("retryable".into(), json!(e.retryable().as_str()));
            map.insert("outcome_unknown".into(), json!(e.outcome_unknown()));
            map.insert("settle_with".into(), json!(e.settle_with()));
        }
        json!({ "error": error })
    }

    /// Prints the error on stderr: one line of text, or a JSON document with `--json`.
    pub fn report(&self, json: bool) {
        if json {
            eprintln!("{}", self.to_json());
        } else {
            eprintln!("error: {}", self.message());
            if let Some(hint) = self.hint() {
                eprintln!("hint: {hint}");
            }
        }
    }

    fn hint(&self) -> Option<&'static str> {
        match self {
            CliError::Paywire(e) => match e.kind() {
                ErrorKind::Authentication => Some(
                    "check SAFERPAY_USERNAME / SAFERPAY_PASSWORD (or the profile's values); `paywire config show` lists where each setting comes from",
                ),
                ErrorKind::Permission => Some(
                    "the credentials work but are not allowed to do this (terminal, license or customer mismatch)",
                ),
                ErrorKind::OutcomeUnknown => Some(
                    "the request may have been executed; settle it with the call named above before repeating it",
                ),
                _ => None,
            },
            CliError::Config(_) => {
                Some("`paywire config show` lists every setting and where it comes from")
            }
            _ => None,
        }
    }
}

pub type CliResult<T> = Result<T, CliError>;
