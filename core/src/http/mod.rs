//! The request engine shared by every provider: attempts, retries with backoff and jitter,
//! one request id per logical call, exactly-once settling of ambiguous failures, tracing.
//!
//! Providers supply two closures per call: `build` makes the request for attempt N (Saferpay's
//! JSON API puts the attempt number in the body), and `classify` turns a response into a value
//! or a typed error. The engine decides whether to try again, from the call's [`Safety`]:
//! paywire never relies on a provider recognising a repeated request id. A call with a side
//! effect is sent again after an ambiguous failure (timeout, reset after sending, 5xx,
//! unreadable answer) only when repeating it cannot do the effect twice: the provider checks
//! the state itself ([`Safety::Idempotent`]), or a lookup by the call's own key has shown that
//! the first attempt did not take effect and cannot still be running
//! ([`Safety::Reconcilable`]). Otherwise the call ends with an
//! [`ErrorKind::OutcomeUnknown`] error that names the call which settles it. See
//! `docs/exactly-once.md` for the per-operation table.

pub mod transport;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use tracing::Instrument;

pub use transport::{FailureStage, HttpRequest, HttpResponse, Transport, TransportFailure};

use crate::config::{ClientOptions, RequestOptions};
use crate::error::{Error, ErrorKind, Provider, Retryable};

/// What sending a call again can do, which decides how an ambiguous failure is handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Safety {
    /// No side effect (reads, lookups): retry anything transient.
    Read,
    /// A side effect the provider applies at most once (it checks the state: a second capture
    /// answers `TRANSACTION_ALREADY_CAPTURED`, a second delete finds nothing), or one that is
    /// harmless to repeat. Retried like a read, with the same request id. When an attempt
    /// after one that may have executed answers "already done" ([`Call::already_done`]), the
    /// call's lookup reads the existing result and returns it.
    Idempotent,
    /// A side effect with a caller-unique key the provider can be asked about (a refund's
    /// `OrderId`, a SekurePay order id). After an attempt that may have executed, the lookup
    /// decides: found, its result is returned; absent and the attempt cannot still be running,
    /// the call is sent again; otherwise the outcome is unknown.
    Reconcilable,
    /// A side effect with neither: sent again only when no attempt can have reached the
    /// provider (connect errors, refusals such as 429).
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
    /// The call that settles an unknown outcome, put into the error (`settle_with`).
    pub settle: Option<String>,
    /// Answers that mean "already done" (a second capture, a duplicate id): after an earlier
    /// ambiguous attempt they are settled by the lookup ([`Safety::Idempotent`] and
    /// [`Safety::Reconcilable`] calls).
    pub already_done: Option<fn(&Error) -> bool>,
    /// For [`Safety::Idempotent`] calls: the lookup tells for certain whether the effect exists
    /// (a capture: the transaction is `CAPTURED` or not), so it also settles a call whose
    /// attempts all failed ambiguously.
    pub lookup_proves: bool,
    /// A hard cap on the attempts sent, whatever the retries (Saferpay's RetryIndicator).
    pub max_attempts: Option<u32>,
}

impl<'a> Call<'a> {
    pub(crate) fn new(
        operation: &'static str,
        safety: Safety,
        request_id: &'a str,
        options: &'a RequestOptions,
    ) -> Call<'a> {
        Call {
            operation,
            safety,
            request_id,
            options,
            settle: None,
            already_done: None,
            lookup_proves: false,
            max_attempts: None,
        }
    }
}

/// The answer of a lookup by a call's own key: `Some(result)` when the effect exists.
pub(crate) type Lookup<T> = Result<Option<T>, Error>;

/// How long one call may wait out `429 Too Many Requests` refusals in total. A refusal is not
/// executed, so waiting it out costs no retry.
pub const RATE_LIMIT_BUDGET: Duration = Duration::from_secs(60);

/// Saferpay: "The API timeout for requests should be 100 seconds! After that, a connection
/// should be closed. Also, no further actions should be taken, until the request is answered
/// or runs into a timeout." An attempt without an answer for that long is over.
pub const SAFERPAY_REQUEST_LIMIT: Duration = Duration::from_secs(100);

/// What the engine did, per client (all views share it). Counts logical calls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct EngineStats {
    /// Logical calls made.
    pub calls: u64,
    /// Calls that sent more than one attempt.
    pub retried: u64,
    /// Calls whose ambiguous failure was settled by a lookup that found the effect.
    pub reconciled: u64,
    /// Calls that ended with an `outcome_unknown` error.
    pub outcome_unknown: u64,
    /// `429` refusals waited out.
    pub rate_limit_waits: u64,
}

#[derive(Default)]
struct Counters {
    calls: AtomicU64,
    retried: AtomicU64,
    reconciled: AtomicU64,
    outcome_unknown: AtomicU64,
    rate_limit_waits: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

pub(crate) struct Engine {
    provider: Provider,
    transport: Arc<dyn Transport>,
    options: ClientOptions,
    /// How long the provider can still be working on a request nobody answered.
    request_limit: Option<Duration>,
    counters: Counters,
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
            None => Arc::new(transport::ReqwestTransport::new(
                transport::TransportConfig::from_options(&options)?,
            )?),
        };
        let request_limit = match provider {
            Provider::Saferpay => Some(SAFERPAY_REQUEST_LIMIT),
            // Neither documents a limit: an unanswered request may always still be running.
            Provider::Secuconnect | Provider::SekurePay => None,
        };
        Ok(Engine {
            provider,
            transport,
            options,
            request_limit,
            counters: Counters::default(),
        })
    }

    pub(crate) fn options(&self) -> &ClientOptions {
        &self.options
    }

    pub(crate) fn stats(&self) -> EngineStats {
        let c = &self.counters;
        EngineStats {
            calls: c.calls.load(Ordering::Relaxed),
            retried: c.retried.load(Ordering::Relaxed),
            reconciled: c.reconciled.load(Ordering::Relaxed),
            outcome_unknown: c.outcome_unknown.load(Ordering::Relaxed),
            rate_limit_waits: c.rate_limit_waits.load(Ordering::Relaxed),
        }
    }

    /// Sends `call`, retrying per its safety, and classifies the final answer.
    pub(crate) async fn send<T>(
        &self,
        call: Call<'_>,
        build: impl FnMut(u32, Duration) -> Result<HttpRequest, Error>,
        classify: impl Fn(HttpResponse) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.send_with(
            call,
            build,
            classify,
            None::<fn() -> std::future::Ready<Lookup<T>>>,
        )
        .await
    }

    /// [`Engine::send`] with the call's lookup by its own key, which settles ambiguous
    /// failures of `Reconcilable` calls and "already done" answers of `Idempotent` ones.
    pub(crate) async fn send_with<T, L, F>(
        &self,
        call: Call<'_>,
        mut build: impl FnMut(u32, Duration) -> Result<HttpRequest, Error>,
        classify: impl Fn(HttpResponse) -> Result<T, Error>,
        lookup: Option<L>,
    ) -> Result<T, Error>
    where
        L: Fn() -> F,
        F: Future<Output = Lookup<T>>,
    {
        call.options.check()?;
        crate::operation::check_engine_safety(call.operation, call.safety)?;
        let max_retries = call.options.max_retries.unwrap_or(self.options.max_retries);
        let timeout = call.options.timeout.unwrap_or(self.options.timeout);
        let max_attempts = call.max_attempts.unwrap_or(u32::MAX).max(1);
        let span = tracing::info_span!(
            "paywire.request",
            provider = self.provider.as_str(),
            operation = call.operation,
            request_id = call.request_id,
        );
        bump(&self.counters.calls);
        async move {
            // Attempts sent so far (Saferpay's RetryIndicator) and retries spent of max_retries.
            let mut attempt: u32 = 0;
            let mut retries: u32 = 0;
            let mut rate_waited = Duration::ZERO;
            // An attempt may have executed and no lookup has ruled it out. Once true, a later
            // refusal (429, 4xx) does not make the outcome known.
            let mut maybe_executed = false;
            // ... and that attempt timed out, so it may still be running at the provider.
            let mut still_running = false;
            // Some attempt failed ambiguously, even if a lookup ruled it out since.
            let mut ever_ambiguous = false;
            loop {
                let request = build(attempt, timeout)?;
                // Ids in paths can be tokens (Fields access tokens): log the method and the
                // span's operation name, never the path.
                let method = request.method.clone();
                let started = Instant::now();
                let result = self.transport.send(request).await;
                let elapsed = started.elapsed();
                let elapsed_ms = elapsed.as_millis() as u64;
                // Only a timeout leaves a request behind that may still be running: an answer
                // (even a 5xx) or a connection closed by the other side ends the exchange.
                let (outcome, retry_after, timed_out) = match result {
                    Ok(response) => {
                        tracing::debug!(%method, status = response.status, attempt, elapsed_ms, "response");
                        let retry_after = retry_after(&response);
                        (classify(response), retry_after, false)
                    }
                    Err(failure) => {
                        tracing::debug!(%method, attempt, elapsed_ms, error = %failure.message, "transport failure");
                        (Err(self.transport_error(&failure)), None, failure.timed_out)
                    }
                };
                let error = match outcome {
                    Ok(value) => {
                        if attempt > 0 {
                            bump(&self.counters.retried);
                        }
                        return Ok(value);
                    }
                    Err(error) => error,
                };
                let ambiguous = may_have_executed(&error);
                if ambiguous {
                    ever_ambiguous = true;
                    maybe_executed = true;
                    if timed_out && !self.request_over(elapsed) {
                        still_running = true;
                    }
                }
                let can_send_more = attempt + 1 < max_attempts;
                // A 429 refused the request unprocessed: wait it out (Retry-After) whatever the
                // call does; it costs no retry.
                if !ambiguous && is_refusal(&error) && can_send_more {
                    let left = RATE_LIMIT_BUDGET.saturating_sub(rate_waited);
                    if !left.is_zero() {
                        let delay = retry_after
                            .unwrap_or_else(|| self.backoff(retries, None))
                            .min(left);
                        tracing::info!(attempt, delay_ms = delay.as_millis() as u64, "refused (429); waiting");
                        bump(&self.counters.rate_limit_waits);
                        rate_waited += delay;
                        tokio::time::sleep(delay).await;
                        attempt += 1;
                        continue;
                    }
                }
                let may_retry = retries < max_retries && can_send_more;
                let mut note = None;
                match call.safety {
                    Safety::Read | Safety::Idempotent => {
                        let done = call.safety == Safety::Idempotent
                            && maybe_executed
                            && !ambiguous
                            && call.already_done.is_some_and(|f| f(&error));
                        if let (true, Some(lookup)) = (done, lookup.as_ref()) {
                            match lookup().await {
                                Ok(Some(value)) => {
                                    tracing::info!(code = error.code().unwrap_or(""), "already done by an earlier attempt; settled by lookup");
                                    self.count_settled_by_lookup(true);
                                    return Ok(value);
                                }
                                Ok(None) => note = Some("the lookup did not confirm the earlier attempt".to_owned()),
                                Err(e) => note = Some(format!("the lookup failed: {e}")),
                            }
                        } else if may_retry && should_retry(&error) {
                            self.pause(attempt, retries, retry_after, &error).await;
                            retries += 1;
                            attempt += 1;
                            continue;
                        } else if let (true, true, Some(lookup)) = (
                            call.safety == Safety::Idempotent && call.lookup_proves,
                            maybe_executed,
                            lookup.as_ref(),
                        ) {
                            // Out of retries with an attempt that may have executed: the lookup
                            // says whether it did.
                            match lookup().await {
                                Ok(Some(value)) => {
                                    tracing::info!("ambiguous failure settled by lookup: the effect exists");
                                    self.count_settled_by_lookup(attempt > 0);
                                    return Ok(value);
                                }
                                Ok(None) if !still_running => maybe_executed = false,
                                Ok(None) => note = Some(self.still_running_note()),
                                Err(e) => note = Some(format!("the lookup that would settle it failed: {e}")),
                            }
                        }
                    }
                    Safety::Reconcilable => {
                        if ambiguous {
                            match lookup.as_ref() {
                                None => {}
                                Some(lookup) => match lookup().await {
                                    Ok(Some(value)) => {
                                        tracing::info!("ambiguous failure settled by lookup: the effect exists");
                                        self.count_settled_by_lookup(attempt > 0);
                                        return Ok(value);
                                    }
                                    Ok(None) if !still_running => {
                                        // It did not happen and cannot happen any more.
                                        maybe_executed = false;
                                        if may_retry {
                                            tracing::info!("lookup found no effect; sending again");
                                            self.pause(attempt, retries, retry_after, &error).await;
                                            retries += 1;
                                            attempt += 1;
                                            continue;
                                        }
                                    }
                                    Ok(None) => note = Some(self.still_running_note()),
                                    Err(e) => note = Some(format!("the lookup that would settle it failed: {e}")),
                                },
                            }
                        } else if let (true, Some(lookup)) = (
                            ever_ambiguous && call.already_done.is_some_and(|f| f(&error)),
                            lookup.as_ref(),
                        ) {
                            // A repeat answered "exists" (a SekurePay 409): whatever the earlier
                            // lookup saw, read it again.
                            match lookup().await {
                                Ok(Some(value)) => {
                                    tracing::info!(code = error.code().unwrap_or(""), "already done; settled by lookup");
                                    self.count_settled_by_lookup(true);
                                    return Ok(value);
                                }
                                Ok(None) => {}
                                Err(e) => note = Some(format!("the lookup failed: {e}")),
                            }
                        } else if may_retry && !maybe_executed && error.retryable() == Retryable::Yes {
                            self.pause(attempt, retries, retry_after, &error).await;
                            retries += 1;
                            attempt += 1;
                            continue;
                        }
                    }
                    Safety::Unkeyed => {
                        if !ambiguous && !maybe_executed && may_retry && error.retryable() == Retryable::Yes {
                            self.pause(attempt, retries, retry_after, &error).await;
                            retries += 1;
                            attempt += 1;
                            continue;
                        }
                        if still_running {
                            note = Some(self.still_running_note());
                        }
                    }
                }
                if attempt > 0 {
                    bump(&self.counters.retried);
                }
                let error = self.finalize(error, &call, maybe_executed, note);
                tracing::info!(kind = error.kind().as_str(), code = error.code().unwrap_or(""), "failed");
                return Err(error);
            }
        }
        .instrument(span)
        .await
    }

    async fn pause(
        &self,
        attempt: u32,
        retries: u32,
        retry_after: Option<Duration>,
        error: &Error,
    ) {
        let delay = self.backoff(retries, retry_after);
        tracing::warn!(
            attempt,
            delay_ms = delay.as_millis() as u64,
            kind = error.kind().as_str(),
            code = error.code().unwrap_or(""),
            "retrying"
        );
        tokio::time::sleep(delay).await;
    }

    /// Whether an attempt that timed out after this long is over at the provider.
    fn request_over(&self, elapsed: Duration) -> bool {
        self.request_limit.is_some_and(|limit| elapsed >= limit)
    }

    /// An ambiguous or "already done" outcome settled by a lookup that found the effect; it
    /// counts as retried when an earlier attempt had been sent.
    fn count_settled_by_lookup(&self, after_a_retry: bool) {
        bump(&self.counters.reconciled);
        if after_a_retry {
            bump(&self.counters.retried);
        }
    }

    fn still_running_note(&self) -> String {
        match self.request_limit {
            Some(limit) => format!(
                "the attempt timed out and the effect is not visible yet: the request may still \
                 be running at the provider, so settle it once {} s have passed since it was sent",
                limit.as_secs()
            ),
            None => {
                "the attempt timed out and the effect is not visible yet: the request may still \
                     be running at the provider, so settle it later"
                    .to_owned()
            }
        }
    }

    fn transport_error(&self, failure: &TransportFailure) -> Error {
        let message = if failure.timed_out {
            format!("request timed out: {}", failure.message)
        } else {
            failure.message.clone()
        };
        let error = Error::new(ErrorKind::Transport, message);
        let error = match &failure.source {
            Some(source) => error.with_source(source.clone()),
            None => error,
        };
        error
            .with_provider(self.provider)
            .with_retryable(Retryable::Yes)
            .with_outcome_unknown(failure.stage == FailureStage::MaybeSent)
    }

    /// Exponential backoff from the initial delay, capped, with jitter in [d/2, d]; a server's
    /// Retry-After wins when it is longer (up to the cap).
    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        backoff_delay(&self.options, attempt, retry_after, fastrand::f64())
    }

    /// Settles the final error: provider and request id filled in; a call with a side effect
    /// whose attempt may have executed becomes `outcome_unknown`, naming what settles it.
    fn finalize(
        &self,
        error: Error,
        call: &Call<'_>,
        maybe_executed: bool,
        note: Option<String>,
    ) -> Error {
        let error = if error.provider().is_none() {
            error.with_provider(self.provider)
        } else {
            error
        };
        let error = if error.request_id().is_none() {
            error.with_request_id(call.request_id)
        } else {
            error
        };
        if call.safety == Safety::Read || !maybe_executed {
            return error.with_outcome_unknown(false);
        }
        bump(&self.counters.outcome_unknown);
        let mut details = error.details().to_vec();
        details.extend(note);
        let error = error
            .with_kind(ErrorKind::OutcomeUnknown)
            .with_outcome_unknown(true)
            .with_details(details);
        match &call.settle {
            Some(settle) if error.settle_with().is_none() => error.with_settle_with(settle.clone()),
            _ => error,
        }
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

/// A `429 Too Many Requests`: the provider refused the request without processing it.
fn is_refusal(error: &Error) -> bool {
    error.http_status() == Some(429)
}

fn should_retry(error: &Error) -> bool {
    error.retryable() == Retryable::Yes || error.kind() == ErrorKind::Decode
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
    serde_json::from_slice(&response.body).map_err(|e| {
        let error = decode_error(provider, response, &e);
        error.with_source(Arc::new(e))
    })
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

/// One async lock per key (a transaction id), created on demand and forgotten when unused:
/// serialises calls that must not overlap on one object.
#[derive(Default)]
pub(crate) struct KeyedLocks {
    map: std::sync::Mutex<
        std::collections::HashMap<String, std::sync::Weak<tokio::sync::Mutex<()>>>,
    >,
}

impl KeyedLocks {
    pub(crate) fn lock_for(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(existing) = map.get(key).and_then(std::sync::Weak::upgrade) {
            return existing;
        }
        // Forget keys nobody holds any more, so the map stays small.
        map.retain(|_, lock| lock.strong_count() > 0);
        let fresh = Arc::new(tokio::sync::Mutex::new(()));
        map.insert(key.to_owned(), Arc::downgrade(&fresh));
        fresh
    }
}

/// A fresh request id (UUID v4; fits Saferpay's `Id[1..50]`).
pub(crate) fn new_request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
pub(crate) mod scripted;

#[cfg(test)]
mod tests;
