//! A transport that answers from a script and records what it was sent (unit tests only).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use http::{HeaderMap, HeaderValue};

use super::transport::{FailureStage, HttpRequest, HttpResponse, Transport, TransportFailure};

pub(crate) enum Step {
    Respond {
        status: u16,
        body: String,
        json: bool,
    },
    Fail(FailureStage),
    /// No answer within the attempt's timeout (the request was sent).
    Timeout,
    /// Answers after a pause.
    Delay(Duration, Box<Step>),
    /// The answer of `Step` with one more header.
    Header(&'static str, &'static str, Box<Step>),
}

impl Step {
    pub(crate) fn json(status: u16, body: &str) -> Step {
        Step::Respond {
            status,
            body: body.to_owned(),
            json: true,
        }
    }
    pub(crate) fn html(status: u16, body: &str) -> Step {
        Step::Respond {
            status,
            body: body.to_owned(),
            json: false,
        }
    }
}

/// Picks the answer from the request itself (URL path, headers) instead of the queue.
pub(crate) type Handler = Arc<dyn Fn(&HttpRequest) -> Step + Send + Sync>;

#[derive(Clone, Default)]
pub(crate) struct Scripted {
    steps: Arc<Mutex<VecDeque<Step>>>,
    handler: Option<Handler>,
    pub(crate) sent: Arc<Mutex<Vec<HttpRequest>>>,
}

impl Scripted {
    pub(crate) fn new(steps: Vec<Step>) -> Scripted {
        Scripted {
            steps: Arc::new(Mutex::new(steps.into())),
            handler: None,
            sent: Arc::default(),
        }
    }

    /// Answers every request from `handler` (e.g. by URL path), so concurrent callers need no
    /// particular order.
    pub(crate) fn routed(
        handler: impl Fn(&HttpRequest) -> Step + Send + Sync + 'static,
    ) -> Scripted {
        Scripted {
            handler: Some(Arc::new(handler)),
            ..Scripted::default()
        }
    }

    pub(crate) fn requests(&self) -> Vec<HttpRequest> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Transport for Scripted {
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'static, Result<HttpResponse, TransportFailure>> {
        let routed = self.handler.as_ref().map(|handler| handler(&request));
        if let Ok(mut sent) = self.sent.lock() {
            sent.push(request);
        }
        let step = self.steps.lock().ok().and_then(|mut s| s.pop_front());
        let step = routed.or(step);
        Box::pin(play(step))
    }
}

async fn play(step: Option<Step>) -> Result<HttpResponse, TransportFailure> {
    let mut step = step;
    let mut extra: Vec<(&'static str, &'static str)> = Vec::new();
    loop {
        match step {
            None => {
                return Err(TransportFailure {
                    stage: FailureStage::NotSent,
                    timed_out: false,
                    message: "script exhausted".into(),
                    source: None,
                });
            }
            Some(Step::Respond { status, body, json }) => {
                let mut headers = HeaderMap::new();
                let ct = if json {
                    "application/json; charset=utf-8"
                } else {
                    "text/html"
                };
                headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static(ct));
                for (name, value) in extra {
                    headers.insert(name, HeaderValue::from_static(value));
                }
                return Ok(HttpResponse {
                    status,
                    headers,
                    body: Bytes::from(body),
                });
            }
            Some(Step::Fail(stage)) => {
                return Err(TransportFailure {
                    stage,
                    timed_out: false,
                    message: "connection reset by peer".into(),
                    source: None,
                });
            }
            Some(Step::Timeout) => {
                return Err(TransportFailure {
                    stage: FailureStage::MaybeSent,
                    timed_out: true,
                    message: "operation timed out".into(),
                    source: None,
                });
            }
            Some(Step::Header(name, value, next)) => {
                extra.push((name, value));
                step = Some(*next);
            }
            Some(Step::Delay(pause, next)) => {
                tokio::time::sleep(pause).await;
                step = Some(*next);
            }
        }
    }
}
