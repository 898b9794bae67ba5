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
    Call {
        operation: "test.op",
        safety,
        request_id: "req-1",
        options,
    }
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
            call(Safety::Keyed, &options),
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
            call(Safety::Keyed, &options),
            get("https://x.test/a"),
            classify,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(err.outcome_unknown());
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
            call(Safety::Keyed, &options),
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
    // 429 that is not retried. The provider may still have executed attempt 1.
    let script = Scripted::new(vec![
        Step::Fail(FailureStage::MaybeSent),
        Step::html(429, "slow down"),
    ]);
    let options = RequestOptions {
        max_retries: Some(1),
        ..RequestOptions::default()
    };
    let err = engine(&script, 1)
        .send(
            call(Safety::Keyed, &options),
            get("https://x.test/a"),
            |r| {
                if r.status == 429 {
                    Err(unstructured_error(Provider::Saferpay, &r).with_retryable(Retryable::Later))
                } else {
                    Ok(r.status)
                }
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert!(
        err.outcome_unknown(),
        "an earlier attempt may have executed"
    );
}
