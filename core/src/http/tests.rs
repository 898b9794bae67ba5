use std::sync::Arc;
use std::time::Duration;

use super::scripted::{Scripted, Step};
use super::*;

fn engine(script: &Scripted, max_retries: u32) -> Engine {
    let options = ClientOptions {
        max_retries,
        ..ClientOptions::default()
    };
    Engine::new(Provider::Saferpay, options, Some(Arc::new(script.clone()))).unwrap()
}

fn get(url: &str) -> impl FnMut(u32, Duration) -> Result<HttpRequest, Error> + '_ {
    move |_, timeout| {
        Ok(HttpRequest {
            method: http::Method::GET,
            url: url::Url::parse(url).unwrap(),
            headers: http::HeaderMap::new(),
            body: None,
            timeout,
        })
    }
}

fn classify(response: HttpResponse) -> Result<u16, Error> {
    if response.status < 400 {
        Ok(response.status)
    } else {
        Err(unstructured_error(Provider::Saferpay, &response))
    }
}

fn call<'a>(safety: Safety, options: &'a RequestOptions) -> Call<'a> {
    Call::new("test.op", safety, "req-1", options)
}

#[tokio::test(start_paused = true)]
async fn retries_transient_errors_then_succeeds() {
    let script = Scripted::new(vec![
        Step::html(503, "<html>busy</html>"),
        Step::Fail(FailureStage::MaybeSent),
        Step::json(200, "{}"),
    ]);
    let options = RequestOptions::default();
    let status = engine(&script, 2)
        .send(
            call(Safety::Idempotent, &options),
            get("https://x.test/a"),
            classify,
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(script.requests().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn gives_up_after_max_retries_with_outcome_unknown() {
    let script = Scripted::new(vec![
        Step::Fail(FailureStage::MaybeSent),
        Step::Fail(FailureStage::MaybeSent),
        Step::Fail(FailureStage::MaybeSent),
    ]);
    let options = RequestOptions::default();
    let err = engine(&script, 2)
        .send(
            call(Safety::Idempotent, &options),
            get("https://x.test/a"),
            classify,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert!(err.outcome_unknown());
    assert!(err.message().contains("connection reset"), "{err}");
    assert_eq!(err.request_id(), Some("req-1"));
    assert_eq!(script.requests().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn unkeyed_calls_retry_only_when_never_sent() {
    let script = Scripted::new(vec![
        Step::Fail(FailureStage::NotSent),
        Step::Fail(FailureStage::MaybeSent),
        Step::json(200, "{}"),
    ]);
    let options = RequestOptions::default();
    let err = engine(&script, 2)
        .send(
            call(Safety::Unkeyed, &options),
            get("https://x.test/a"),
            classify,
        )
        .await
        .unwrap_err();
    assert!(err.outcome_unknown());
    assert_eq!(
        script.requests().len(),
        2,
        "retried the connect error, not the reset"
    );
}

#[tokio::test(start_paused = true)]
async fn reads_never_report_unknown_outcomes() {
    let script = Scripted::new(vec![Step::Fail(FailureStage::MaybeSent)]);
    let options = RequestOptions {
        max_retries: Some(0),
        ..RequestOptions::default()
    };
    let err = engine(&script, 2)
        .send(
            call(Safety::Read, &options),
            get("https://x.test/a"),
            classify,
        )
        .await
        .unwrap_err();
    assert!(!err.outcome_unknown());
}

#[tokio::test(start_paused = true)]
async fn client_errors_are_not_retried() {
    let script = Scripted::new(vec![Step::html(404, "nope"), Step::json(200, "{}")]);
    let options = RequestOptions::default();
    let err = engine(&script, 2)
        .send(
            call(Safety::Idempotent, &options),
            get("https://x.test/a"),
            classify,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.http_status(), Some(404));
    assert_eq!(script.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn per_attempt_timeout_is_passed_to_the_transport() {
    let script = Scripted::new(vec![Step::json(200, "{}")]);
    let options = RequestOptions {
        timeout: Some(Duration::from_secs(3)),
        ..RequestOptions::default()
    };
    engine(&script, 0)
        .send(
            call(Safety::Read, &options),
            get("https://x.test/a"),
            classify,
        )
        .await
        .unwrap();
    assert_eq!(script.requests()[0].timeout, Duration::from_secs(3));
}

#[test]
fn backoff_doubles_caps_and_jitters() {
    let options = ClientOptions::default();
    assert_eq!(
        backoff_delay(&options, 0, None, 1.0),
        Duration::from_millis(500)
    );
    assert_eq!(
        backoff_delay(&options, 0, None, 0.0),
        Duration::from_millis(250)
    );
    assert_eq!(
        backoff_delay(&options, 1, None, 1.0),
        Duration::from_secs(1)
    );
    assert_eq!(
        backoff_delay(&options, 10, None, 1.0),
        Duration::from_secs(5)
    );
    assert_eq!(
        backoff_delay(&options, 0, Some(Duration::from_secs(3)), 1.0),
        Duration::from_secs(3)
    );
    assert_eq!(
        backoff_delay(&options, 0, Some(Duration::from_secs(300)), 1.0),
        Duration::from_secs(5)
    );
}

#[tokio::test(start_paused = true)]
async fn backoff_waits_on_the_clock() {
    let script = Scripted::new(vec![Step::html(500, "x"), Step::json(200, "{}")]);
    let options = RequestOptions::default();
    let started = tokio::time::Instant::now();
    engine(&script, 1)
        .send(
            call(Safety::Read, &options),
            get("https://x.test/a"),
            classify,
        )
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250) && waited <= Duration::from_millis(500),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_ambiguous_attempt_keeps_the_outcome_unknown_after_a_clear_refusal() {
    // Attempt 1 may have been processed (reset after sending); attempt 2 is refused with a
    // 429 (waited out, no retry spent), attempt 3 with a 403. The provider may still have
    // executed attempt 1.
    let script = Scripted::new(vec![
        Step::Fail(FailureStage::MaybeSent),
        Step::html(429, "slow down"),
        Step::html(403, "forbidden"),
    ]);
    let options = RequestOptions {
        max_retries: Some(1),
        ..RequestOptions::default()
    };
    let err = engine(&script, 1)
        .send(
            call(Safety::Idempotent, &options),
            get("https://x.test/a"),
            |r| {
                if r.status == 429 {
                    Err(unstructured_error(Provider::Saferpay, &r).with_retryable(Retryable::Later))
                } else if r.status >= 400 {
                    Err(unstructured_error(Provider::Saferpay, &r))
                } else {
                    Ok(r.status)
                }
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(err.http_status(), Some(403), "the last answer is kept");
    assert!(
        err.outcome_unknown(),
        "an earlier attempt may have executed"
    );
    assert_eq!(script.requests().len(), 3);
}

fn fail_5xx(r: HttpResponse) -> Result<u16, Error> {
    if r.status < 400 {
        Ok(r.status)
    } else {
        Err(unstructured_error(Provider::Saferpay, &r))
    }
}

fn settled<'a>(safety: Safety, options: &'a RequestOptions) -> Call<'a> {
    let mut call = Call::new("test.effect", safety, "req-9", options);
    call.settle = Some("lookup(\"key-9\")".into());
    call
}

/// A lookup that answers `found` and counts how often it ran.
fn lookup_answering(
    found: Option<u16>,
    runs: &Arc<std::sync::atomic::AtomicUsize>,
) -> impl Fn() -> std::future::Ready<Lookup<u16>> + '_ {
    move || {
        runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        std::future::ready(Ok(found))
    }
}

#[tokio::test(start_paused = true)]
async fn reconcilable_call_found_by_its_lookup_is_not_sent_again() {
    let script = Scripted::new(vec![Step::html(500, "oops"), Step::json(200, "{}")]);
    let options = RequestOptions::default();
    let runs = Arc::default();
    let engine = engine(&script, 2);
    let got = engine
        .send_with(
            settled(Safety::Reconcilable, &options),
            get("https://x.test/a"),
            fail_5xx,
            Some(lookup_answering(Some(201), &runs)),
        )
        .await
        .unwrap();
    assert_eq!(got, 201, "the lookup's result");
    assert_eq!(
        script.requests().len(),
        1,
        "exactly one request with the effect"
    );
    assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
    let stats = engine.stats();
    assert_eq!(
        (stats.calls, stats.reconciled, stats.outcome_unknown),
        (1, 1, 0)
    );
}

#[tokio::test(start_paused = true)]
async fn reconcilable_call_not_found_after_an_answer_is_sent_again() {
    // A 5xx (or a reset, or an unreadable 200) ended the exchange: once the lookup shows no
    // effect, the effect cannot appear any more, so sending again is safe.
    for first in [
        Step::html(503, "busy"),
        Step::Fail(FailureStage::MaybeSent),
        Step::json(200, "not json"),
    ] {
        let script = Scripted::new(vec![first, Step::json(200, "{}")]);
        let options = RequestOptions::default();
        let runs = Arc::default();
        let engine = engine(&script, 2);
        let got = engine
            .send_with(
                settled(Safety::Reconcilable, &options),
                get("https://x.test/a"),
                |r| {
                    if r.status == 200 && r.body.as_ref() != b"{}" {
                        return Err(decode_error(Provider::Saferpay, &r, &"bad body"));
                    }
                    fail_5xx(r)
                },
                Some(lookup_answering(None, &runs)),
            )
            .await
            .unwrap();
        assert_eq!(got, 200);
        assert_eq!(script.requests().len(), 2);
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(engine.stats().retried, 1);
    }
}

#[tokio::test(start_paused = true)]
async fn reconcilable_call_that_timed_out_is_never_sent_again_while_it_may_still_run() {
    let script = Scripted::new(vec![Step::Timeout, Step::json(200, "{}")]);
    let options = RequestOptions::default();
    let runs = Arc::default();
    let engine = engine(&script, 2);
    let err = engine
        .send_with(
            settled(Safety::Reconcilable, &options),
            get("https://x.test/a"),
            fail_5xx,
            Some(lookup_answering(None, &runs)),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert!(err.outcome_unknown());
    assert_eq!(err.settle_with(), Some("lookup(\"key-9\")"));
    assert!(
        err.details()
            .iter()
            .any(|d| d.contains("may still be running")),
        "{err:?}"
    );
    assert_eq!(script.requests().len(), 1, "sent once");
    assert_eq!(engine.stats().outcome_unknown, 1);
}

#[tokio::test(start_paused = true)]
async fn a_saferpay_attempt_unanswered_for_100_s_is_over() {
    // Past Saferpay's documented request timeout, an unanswered attempt no longer runs.
    let script = Scripted::new(vec![
        Step::Delay(SAFERPAY_REQUEST_LIMIT, Box::new(Step::Timeout)),
        Step::json(200, "{}"),
    ]);
    let options = RequestOptions::default();
    let runs = Arc::default();
    let got = engine(&script, 2)
        .send_with(
            settled(Safety::Reconcilable, &options),
            get("https://x.test/a"),
            fail_5xx,
            Some(lookup_answering(None, &runs)),
        )
        .await
        .unwrap();
    assert_eq!(got, 200);
    assert_eq!(script.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_lookup_that_fails_leaves_the_outcome_unknown() {
    let script = Scripted::new(vec![Step::html(502, "bad gateway"), Step::json(200, "{}")]);
    let options = RequestOptions::default();
    let err = engine(&script, 2)
        .send_with(
            settled(Safety::Reconcilable, &options),
            get("https://x.test/a"),
            fail_5xx,
            Some(|| {
                std::future::ready(Err::<Option<u16>, Error>(Error::new(
                    ErrorKind::Transport,
                    "lookup down",
                )))
            }),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert!(
        err.details().iter().any(|d| d.contains("lookup down")),
        "{err:?}"
    );
    assert_eq!(script.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_reconcilable_call_proven_absent_to_the_end_has_a_known_outcome() {
    let script = Scripted::new(vec![
        Step::html(500, "x"),
        Step::html(500, "x"),
        Step::html(500, "x"),
    ]);
    let options = RequestOptions::default();
    let runs = Arc::default();
    let err = engine(&script, 2)
        .send_with(
            settled(Safety::Reconcilable, &options),
            get("https://x.test/a"),
            fail_5xx,
            Some(lookup_answering(None, &runs)),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert!(
        !err.outcome_unknown(),
        "every attempt was looked up and absent"
    );
    assert_eq!(script.requests().len(), 3);
    assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn idempotent_call_settles_already_done_with_its_lookup() {
    let script = Scripted::new(vec![Step::Timeout, Step::html(409, "already done")]);
    let options = RequestOptions::default();
    let runs = Arc::default();
    let mut call = settled(Safety::Idempotent, &options);
    call.already_done = Some(|e| e.kind() == ErrorKind::Conflict);
    let got = engine(&script, 2)
        .send_with(
            call,
            get("https://x.test/a"),
            fail_5xx,
            Some(lookup_answering(Some(7), &runs)),
        )
        .await
        .unwrap();
    assert_eq!(got, 7);
    assert_eq!(script.requests().len(), 2);
    // Without an earlier ambiguous attempt, "already done" is the caller's conflict.
    let script = Scripted::new(vec![Step::html(409, "already done")]);
    let mut call = settled(Safety::Idempotent, &options);
    call.already_done = Some(|e| e.kind() == ErrorKind::Conflict);
    let err = engine(&script, 2)
        .send_with(
            call,
            get("https://x.test/a"),
            fail_5xx,
            Some(lookup_answering(Some(7), &runs)),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(!err.outcome_unknown());
}

#[tokio::test(start_paused = true)]
async fn unkeyed_call_is_not_sent_again_after_an_answer_that_may_follow_execution() {
    let script = Scripted::new(vec![Step::html(503, "busy"), Step::json(200, "{}")]);
    let options = RequestOptions::default();
    let err = engine(&script, 2)
        .send(
            settled(Safety::Unkeyed, &options),
            get("https://x.test/a"),
            fail_5xx,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(err.http_status(), Some(503));
    assert_eq!(err.settle_with(), Some("lookup(\"key-9\")"));
    assert!(err.to_string().contains("lookup(\"key-9\")"), "{err}");
    assert_eq!(script.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn refusals_are_waited_out_without_spending_retries() {
    // A report refused because another process's report is still running: 429 with
    // Retry-After. Waited out (longer than max_backoff), even with no retries allowed.
    let refused = || Step::Header("retry-after", "7", Box::new(Step::html(429, "busy")));
    let script = Scripted::new(vec![refused(), refused(), Step::json(200, "{}")]);
    let options = RequestOptions {
        max_retries: Some(0),
        ..RequestOptions::default()
    };
    let first = engine(&script, 0);
    let started = tokio::time::Instant::now();
    let got = first
        .send(
            call(Safety::Read, &options),
            get("https://x.test/a"),
            fail_5xx,
        )
        .await
        .unwrap();
    assert_eq!(got, 200);
    assert!(
        started.elapsed() >= Duration::from_secs(14),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(first.stats().rate_limit_waits, 2);
    // The wait is bounded: after RATE_LIMIT_BUDGET the refusal is the answer.
    let script = Scripted::routed(move |_| refused());
    let started = tokio::time::Instant::now();
    let err = engine(&script, 0)
        .send(
            call(Safety::Read, &options),
            get("https://x.test/a"),
            fail_5xx,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert!(started.elapsed() <= RATE_LIMIT_BUDGET + Duration::from_secs(1));
    assert!(!err.outcome_unknown());
}
