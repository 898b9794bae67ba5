//! Client options shared by every provider, and the rule for base URLs.

use std::time::Duration;

use crate::error::Error;
use crate::secret::Secret;

/// Per-client defaults: timeout 100 s (Saferpay's own recommendation), 2 retries, backoff
/// doubling from 0.5 s up to 5 s with jitter; the proxy from the environment; the public
/// (webpki) roots.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    pub timeout: Duration,
    pub max_retries: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// Every request through this HTTP proxy (`http://[user:password@]host:port`; HTTPS is
    /// tunnelled with CONNECT), except the hosts `NO_PROXY` names. `none` (or an empty
    /// string) ignores the environment and connects directly. Unset (the default), the
    /// standard `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` and `NO_PROXY` variables apply.
    /// A Secret because the URL may carry the proxy's password.
    pub proxy: Option<Secret>,
    /// Extra trusted roots, PEM (one or more `BEGIN CERTIFICATE` blocks), added to the
    /// public roots: a TLS-inspecting corporate proxy, a test server.
    pub ca_certificates: Option<String>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(100),
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(5),
            proxy: None,
            ca_certificates: None,
        }
    }
}

/// The request-engine setters every provider's client builder shares (fields `options:
/// ClientOptions` and `transport: Option<Arc<dyn Transport>>`), written once.
macro_rules! engine_builder_setters {
    () => {
        /// Timeout, retries and backoff in one go.
        pub fn options(mut self, options: $crate::config::ClientOptions) -> Self {
            self.options = options;
            self
        }
        /// Per-attempt timeout (default 100 s).
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options.timeout = timeout;
            self
        }
        /// Retries after the first attempt (default 2, at most 9).
        pub fn max_retries(mut self, max_retries: u32) -> Self {
            self.options.max_retries = max_retries;
            self
        }
        /// An HTTP proxy for every request (see [`ClientOptions::proxy`]); `none` for none.
        pub fn proxy(mut self, proxy: impl Into<$crate::Secret>) -> Self {
            self.options.proxy = Some(proxy.into());
            self
        }
        /// Extra trusted root certificates, PEM (see [`ClientOptions::ca_certificates`]).
        pub fn ca_certificates(mut self, pem: impl Into<String>) -> Self {
            self.options.ca_certificates = Some(pem.into());
            self
        }
        /// The transport settings of `builder_from_env`: `PAYWIRE_PROXY` (a proxy for paywire
        /// only; the standard `HTTPS_PROXY` / `NO_PROXY` apply without it) and
        /// `PAYWIRE_CA_CERTIFICATES` (the path of a PEM file of extra trusted roots).
        pub(crate) fn transport_from_env(mut self) -> Result<Self, $crate::Error> {
            if let Some(proxy) = $crate::config::env_var("PAYWIRE_PROXY") {
                self = self.proxy(proxy);
            }
            if let Some(pem) = $crate::config::ca_certificates_from_env()? {
                self = self.ca_certificates(pem);
            }
            Ok(self)
        }
        /// Replaces the HTTP transport (tests, or an app's own HTTP stack).
        pub fn transport(mut self, transport: std::sync::Arc<dyn $crate::http::Transport>) -> Self {
            self.transport = Some(transport);
            self
        }
    };
}
pub(crate) use engine_builder_setters;

/// Upper bound on retries: Saferpay's RetryIndicator only goes up to 9.
pub const MAX_RETRIES_LIMIT: u32 = 9;

impl ClientOptions {
    pub(crate) fn check(&self) -> Result<(), Error> {
        if self.timeout.is_zero() {
            return Err(Error::validation("timeout", "must be greater than zero"));
        }
        if self.max_retries > MAX_RETRIES_LIMIT {
            return Err(Error::validation(
                "max_retries",
                format!("must be at most {MAX_RETRIES_LIMIT}"),
            ));
        }
        Ok(())
    }
}

/// Per-call overrides. A caller-supplied `request_id` is sent on every attempt (Saferpay's
/// `RequestId` / `Saferpay-RequestId`, "for debugging purposes"; the spec asks for the same id
/// on a retry). It makes a repeated call recognisable in the provider's logs; it does not make
/// repeating it safe: after an `outcome_unknown` error, make the call the error names first.
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    pub timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    pub request_id: Option<String>,
    /// With a caller-supplied Saferpay `request_id` repeated after a restart: the first
    /// RetryIndicator to send (one more than the last one used), as the spec asks for retries.
    /// Within one process the client counts on by itself.
    pub retry_indicator: Option<u32>,
}

impl RequestOptions {
    pub(crate) fn check(&self) -> Result<(), Error> {
        if self.timeout.is_some_and(|t| t.is_zero()) {
            return Err(Error::validation("timeout", "must be greater than zero"));
        }
        if self.max_retries.is_some_and(|n| n > MAX_RETRIES_LIMIT) {
            return Err(Error::validation(
                "max_retries",
                format!("must be at most {MAX_RETRIES_LIMIT}"),
            ));
        }
        if let Some(request_id) = &self.request_id {
            crate::validate::id("request_id", request_id, 1, 50)?;
        }
        if let Some(indicator) = self.retry_indicator {
            if self.request_id.is_none() {
                return Err(Error::validation(
                    "retry_indicator",
                    "only makes sense with the request_id of the call being repeated",
                ));
            }
            if indicator > MAX_RETRIES_LIMIT {
                return Err(Error::validation(
                    "retry_indicator",
                    format!("must be at most {MAX_RETRIES_LIMIT}"),
                ));
            }
        }
        Ok(())
    }
}

/// Parses a base URL and enforces HTTPS, except for loopback hosts (the sandbox).
pub fn check_base_url(raw: &str) -> Result<url::Url, Error> {
    let mut url = url::Url::parse(raw.trim())
        .map_err(|e| Error::configuration(format!("base_url {raw:?} is not a valid URL ({e})")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(Error::configuration(format!(
                "base_url {raw:?} uses plain http; only https is allowed (http only for loopback addresses)"
            )));
        }
        other => {
            return Err(Error::configuration(format!(
                "base_url {raw:?} has unsupported scheme {other:?}"
            )));
        }
    }
    if url.cannot_be_a_base() || url.host_str().is_none() {
        return Err(Error::configuration(format!(
            "base_url {raw:?} has no host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::configuration(format!(
            "base_url {raw:?} must not have a query or fragment"
        )));
    }
    // Normalise: no trailing slash, so paths can be appended with a leading one.
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Joins a normalised base URL with a path that starts with `/`.
pub(crate) fn join(base: &url::Url, path: &str) -> Result<url::Url, Error> {
    let full = format!("{}{}", base.as_str().trim_end_matches('/'), path);
    url::Url::parse(&full).map_err(|e| Error::internal(format!("bad request URL: {e}")))
}

/// Reads an optional environment variable; empty counts as unset.
pub(crate) fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The PEM file `PAYWIRE_CA_CERTIFICATES` names, read now so a wrong path fails at start-up,
/// naming the variable, not at the first payment.
pub(crate) fn ca_certificates_from_env() -> Result<Option<String>, Error> {
    const NAME: &str = "PAYWIRE_CA_CERTIFICATES";
    let Some(path) = env_var(NAME) else {
        return Ok(None);
    };
    std::fs::read_to_string(&path)
        .map(Some)
        .map_err(|e| Error::configuration(format!("{NAME}: cannot read {path:?}: {e}")))
}

/// Reads a required environment variable or fails naming it.
pub(crate) fn require_env(name: &str) -> Result<String, Error> {
    env_var(name)
        .ok_or_else(|| Error::configuration(format!("environment variable {name} is not set")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn https_or_loopback_only() {
        assert!(check_base_url("https://test.example/api/").is_ok());
        assert_eq!(
            check_base_url("https://test.example/api/")
                .unwrap()
                .as_str(),
            "https://test.example/api"
        );
        assert!(check_base_url("http://127.0.0.1:8080/api").is_ok());
        assert!(check_base_url("http://[::1]:8080").is_ok());
        assert!(check_base_url("http://localhost:1").is_ok());
        for bad in [
            "http://example.com/api",
            "http://10.0.0.1/",
            "ftp://x/",
            "nonsense",
        ] {
            assert_eq!(
                check_base_url(bad).unwrap_err().kind(),
                ErrorKind::Configuration,
                "{bad}"
            );
        }
    }
}
