//! The request engine shared by every provider: attempts, retries with backoff and jitter,
//! one request id per logical call, outcome tracking, tracing.
//!
//! Providers supply two closures per call: `build` makes the request for attempt N (Saferpay's
//! JSON API puts the attempt number in the body), and `classify` turns a response into a value
//! or a typed error. The engine decides whether to try again.

pub mod transport;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::Instrument;

pub use transport::{FailureStage, HttpRequest, HttpResponse, Transport, TransportFailure};

use crate::config::{ClientOptions, RequestOptions};
use crate::error::{Error, ErrorKind, Provider, Retryable};

/// How safe it is to send a call again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Safety {
    /// No side effects (GET): retry anything transient.
    Read,
    /// Has side effects but carries an idempotency key the provider honours (Saferpay
    /// RequestId): retry anything transient with the same key.
    Keyed,
    /// Has side effects and no idempotency mechanism: retry only when the request provably
    /// never left (connect errors) or was refused unprocessed (429).
    Unkeyed,
}

/// One logical call as the engine sees it.
pub struct Call<'a> {
    /// Stable operation name for logs, e.g. `saferpay.offers.create`.
    pub operation: &'static str,
    pub safety: Safety,
    /// The id reused on every attempt (also reported in errors).
    pub request_id: &'a str,
    pub options: &'a RequestOptions,
}

pub(crate) struct Engine {
    provider: Provider,
    transport: Arc<dyn Transport>,
    options: ClientOptions,
}

impl Engine {
    pub(crate) fn new(
        provider: Provider,
        options: ClientOptions,
        transport: Option<Arc<dyn Transport>>,
    ) -> Result<Engine, Error> {
        options.check()?;
        let transport: Arc<dyn Transport> = match transport {
            Some(t) => t,
            None => Arc::new(transport::ReqwestTransport::new()?),
        };
        Ok(Engine {
            provider,
            transport,
            options,
        })
    }

    pub(crate) fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// Sends `call`, retrying per its safety, and classifies the final answer.
    pub(crate) async fn send<T>(
        &self,
        call: Call<'_>,
        mut build: impl FnMut(u32, Duration) -> Result<HttpRequest, Error>,
        classify: impl Fn(HttpResponse) -> Result<T, Error>,
    ) -> Result<T, Error> {
        call.options.check()?;
        let max_retries = call.options.max_retries.unwrap_or(self.options.max_retries);
        let timeout = call.options.timeout.unwrap_or(self.options.timeout);
        let span = tracing::info_span!(
            "paywire.request",
            provider = self.provider.as_str(),
            operation = call.operation,
            request_id = call.request_id,
        );
        async move {
            let mut attempt: u32 = 0;
            // Once an attempt may have reached the provider, the call's outcome stays unknown
            // whatever later attempts answer (a retry refused with 429 does not undo it).
            let mut maybe_executed = false;
            loop {
                let request = build(attempt, timeout)?;
                // Ids in paths can be tokens (Fields access tokens): log the method and the
                // span's operation name, never the path.
                let method = request.method.clone();
                let started = Instant::now();
                let result = self.transport.send(request).await;
                let elapsed_ms = started.elapsed().as_millis() as u64;
                let (outcome, retry_after) = match result {
                    Ok(response) => {
                        tracing::debug!(%method, status = response.status, attempt, elapsed_ms, "response");
                        let retry_after = retry_after(&response);
                        (classify(response), retry_after)
                    }
                    Err(failure) => {
                        tracing::debug!(%method, attempt, elapsed_ms, error = %failure.message, "transport failure");
                        (Err(self.transport_error(&failure)), None)
                    }
                };
                let error = match outcome {
                    Ok(value) => return Ok(value),
                    Err(error) => error,
                };
                maybe_executed |= may_have_executed(&error);
                if attempt < max_retries && should_retry(&error, call.safety) {
                    let delay = self.backoff(attempt, retry_after);
                    tracing::warn!(
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        kind = error.kind().as_str(),
                        code = error.code().unwrap_or(""),
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                    continue;
                }
                let error = finalize(error, call.safety, call.request_id, self.provider, maybe_executed);
                tracing::info!(kind = error.kind().as_str(), code = error.code().unwrap_or(""), "failed");
                return Err(error);
            }
        }
        .instrument(span)
        .await
    }

    fn transport_error(&self, failure: &TransportFailure) -> Error {
        let message = if failure.timed_out {
            format!("request timed out: {}", failure.message)
        } else {
            failure.message.clone()
        };
        Error::new(ErrorKind::Transport, message)
            .with_provider(self.provider)
            .with_retryable(Retryable::Yes)
            .with_outcome_unknown(failure.stage == FailureStage::MaybeSent)
    }

    /// Exponential backoff from the initial delay, capped, with jitter in [d/2, d]; a server's
    /// Retry-After wins when it is longer (up to the cap).
    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        backoff_delay(&self.options, attempt, retry_after, fastrand::f64())
    }
}

pub(crate) fn backoff_delay(
    options: &ClientOptions,
    attempt: u32,
    retry_after: Option<Duration>,
    unit_random: f64,
) -> Duration {
    let base = options
        .initial_backoff
        .saturating_mul(2u32.saturating_pow(attempt.min(16)))
        .min(options.max_backoff);
    let jittered = base.mul_f64(0.5 + unit_random.clamp(0.0, 1.0) * 0.5);
    match retry_after {
        Some(server) => jittered.max(server.min(options.max_backoff)),
        None => jittered,
    }
}

fn retry_after(response: &HttpResponse) -> Option<Duration> {
    let value = response
        .headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn should_retry(error: &Error, safety: Safety) -> bool {
    match safety {
        Safety::Read | Safety::Keyed => {
            error.retryable() == Retryable::Yes || error.kind() == ErrorKind::Decode
        }
        Safety::Unkeyed => {
            (error.kind() == ErrorKind::Transport && !error.outcome_unknown())
                || (error.kind() == ErrorKind::RateLimited && error.retryable() == Retryable::Yes)
        }
    }
}

/// Whether the provider may have executed a request that ended in `error`.
fn may_have_executed(error: &Error) -> bool {
    match error.kind() {
        ErrorKind::Transport => error.outcome_unknown(),
        ErrorKind::Decode => true,
        ErrorKind::Api => error.http_status().is_some_and(|s| s >= 500) || error.outcome_unknown(),
        // A provider mapping may know better (Saferpay COMMUNICATION_TIMEOUT: an authorization
        // may exist at the acquirer).
        _ => error.outcome_unknown(),
    }
}

/// Settles `outcome_unknown` for the final error: only calls with side effects can leave an
/// unknown outcome, and only when some attempt may have been processed.
fn finalize(
    error: Error,
    safety: Safety,
    request_id: &str,
    provider: Provider,
    maybe_executed: bool,
) -> Error {
    let error = if error.provider().is_none() {
        error.with_provider(provider)
    } else {
        error
    };
    let error = if error.request_id().is_none() {
        error.with_request_id(request_id)
    } else {
        error
    };
    error.with_outcome_unknown(safety != Safety::Read && maybe_executed)
}

/// Maps an HTTP status to the error kind used when a provider body says nothing better.
pub(crate) fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        401 => ErrorKind::Authentication,
        403 => ErrorKind::Permission,
        404 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        402 => ErrorKind::Declined,
        429 => ErrorKind::RateLimited,
        _ => ErrorKind::Api,
    }
}

/// Whether a status on its own is worth retrying (server trouble, rate limiting).
pub(crate) fn status_retryable(status: u16) -> Retryable {
    match status {
        429 => Retryable::Yes,
        500..=599 => Retryable::Yes,
        _ => Retryable::No,
    }
}

/// A generic error for a non-success response whose body is not the provider's error format
/// (WAF pages, HTML 5xx). Keeps the status and a scrubbed snippet of the body.
pub(crate) fn unstructured_error(provider: Provider, response: &HttpResponse) -> Error {
    let raw = crate::error::scrub_body(&response.body);
    let snippet: String = raw.chars().take(200).collect();
    let kind = kind_for_status(response.status);
    Error::new(
        kind,
        format!(
            "HTTP {} without a {} error body: {}",
            response.status,
            provider.as_str(),
            snippet.trim()
        ),
    )
    .with_provider(provider)
    .with_http_status(response.status)
    .with_code(format!("HTTP_{}", response.status))
    .with_retryable(status_retryable(response.status))
    .with_raw(raw)
}

/// Parses a success body as JSON, or returns a decode error that keeps a scrubbed snippet.
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(
    provider: Provider,
    response: &HttpResponse,
) -> Result<T, Error> {
    serde_json::from_slice(&response.body).map_err(|e| decode_error(provider, response, &e))
}

pub(crate) fn decode_error(
    provider: Provider,
    response: &HttpResponse,
    error: &dyn std::fmt::Display,
) -> Error {
    Error::decode(
        provider,
        format!(
            "unexpected response body (HTTP {}): {error}",
            response.status
        ),
    )
    .with_http_status(response.status)
    .with_raw(crate::error::scrub_body(&response.body))
}

/// A fresh request id (UUID v4; fits Saferpay's `Id[1..50]`).
pub(crate) fn new_request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
pub(crate) mod scripted;

#[cfg(test)]
mod tests;
