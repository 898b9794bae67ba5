//! Admin endpoints under `/_sandbox/` (the HTTP twin of the `Sandbox` Rust API).

use crate::clock;
use crate::credentials;
use crate::error::SandboxError;
use crate::faults::FaultSpec;
use crate::reply::{Reply, html_escape};
use crate::routes::Route;
use crate::state::{App, SandboxConfig, lock};
use crate::{saferpay, secuconnect};
use axum::body::Bytes;
use axum::http::Method;
use serde_json::{Value, json};
use std::sync::Arc;

fn err(e: SandboxError) -> Reply {
    let status = match &e {
        SandboxError::UnknownOffer(_)
        | SandboxError::UnknownToken(_)
        | SandboxError::UnknownSmartTransaction(_)
        | SandboxError::UnknownUserCode(_) => 404,
        SandboxError::InvalidState(_) => 409,
        SandboxError::Io(_) => 500,
        _ => 400,
    };
    Reply::json(status, &json!({"error": e.to_string()}))
}

fn body_json(body: &Bytes) -> Result<Value, Reply> {
    if body.is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| {
        Reply::json(
            400,
            &json!({"error": format!("body is not valid JSON: {e}")}),
        )
    })
}

fn outcome(body: &Value, default: &str) -> String {
    body.get("outcome")
        .and_then(Value::as_str)
        .unwrap_or(default)
        .to_string()
}

fn check(outcome: &str, allowed: &[&str], expected: &'static str) -> Result<(), SandboxError> {
    if allowed.contains(&outcome) {
        Ok(())
    } else {
        Err(SandboxError::BadOutcome {
            outcome: outcome.to_string(),
            expected,
        })
    }
}

/// The notification log as JSON.
pub fn notifications_json(app: &App) -> Value {
    Value::Array(lock(&app.notifications).iter().cloned().collect())
}

/// Base URLs and credentials.
pub fn info(app: &App) -> Value {
    let url = &app.base_url;
    json!({
        "url": url,
        "saferpay_base_url": format!("{url}/api"),
        "secuconnect_base_url": url,
        "sekurepay_base_url": format!("{url}/sekurepay/api/v1"),
        "now": clock::fmt_saferpay(app.clock.now()),
        "credentials": {
            "saferpay_customer_id": credentials::SAFERPAY_CUSTOMER_ID,
            "saferpay_terminal_id": credentials::SAFERPAY_TERMINAL_ID,
            "saferpay_username": credentials::SAFERPAY_USERNAME,
            "saferpay_password": credentials::SAFERPAY_PASSWORD,
            "secuconnect_client_id": credentials::SECUCONNECT_CLIENT_ID,
            "secuconnect_client_secret": credentials::SECUCONNECT_CLIENT_SECRET,
            "secuconnect_contract_id": credentials::SECUCONNECT_CONTRACT_ID,
            "sekurepay_api_key": credentials::SEKUREPAY_API_KEY,
        },
        "routes": Route::ALL.iter().map(|r| r.name()).collect::<Vec<_>>(),
        "fault_modes": crate::faults::FaultMode::ALL.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
    })
}

/// `GET /`: a small human-readable index.
pub fn index_page(app: &App) -> Reply {
    let url = html_escape(&app.base_url);
    Reply::html(
        200,
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>paywire sandbox</title></head>\
             <body style=\"font-family:sans-serif;max-width:50em;margin:2em auto\"><h1>paywire sandbox</h1>\
             <ul><li>Saferpay: <code>{url}/api</code></li><li>secuconnect: <code>{url}</code> \
             (<code>/oauth/token</code>, <code>/api/v2</code>)</li><li>SekurePay: <code>{url}/sekurepay/api/v1</code></li></ul>\
             <p>Admin: <a href=\"/_sandbox/info\">info</a> · <a href=\"/_sandbox/stats\">stats</a> · \
             <a href=\"/_sandbox/notifications\">notifications</a> · <a href=\"/_sandbox/config\">config</a></p></body></html>"
        ),
    )
}

/// Handle one admin request.
pub fn handle(
    app: &Arc<App>,
    method: &Method,
    path: &str,
    _query: Option<&str>,
    body: &Bytes,
) -> Reply {
    let rest = path.trim_start_matches("/_sandbox").trim_matches('/');
    let segs: Vec<&str> = if rest.is_empty() {
        Vec::new()
    } else {
        rest.split('/').collect()
    };
    let get = method == Method::GET;
    let post = method == Method::POST;
    let delete = method == Method::DELETE;
    let body = match body_json(body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let ok = || Reply::json(200, &json!({"ok": true}));
    match segs.as_slice() {
        [] | ["info"] if get => Reply::json(200, &info(app)),
        ["reset"] if post => {
            app.reset();
            ok()
        }
        ["stats"] if get => Reply::json(200, &app.stats.to_json()),
        ["notifications"] if get => Reply::json(200, &notifications_json(app)),
        ["faults"] if get => Reply::json(200, &json!(app.faults.list())),
        ["faults"] if delete => {
            app.faults.clear();
            ok()
        }
        ["faults"] if post => {
            let specs: Vec<Value> = match body {
                Value::Array(a) => a,
                other => vec![other],
            };
            for s in specs {
                if let Some(mode) = s.get("mode").and_then(Value::as_str)
                    && let Err(e) = mode.parse::<crate::faults::FaultMode>()
                {
                    return err(e);
                }
                let spec: FaultSpec = match serde_json::from_value(s) {
                    Ok(f) => f,
                    Err(e) => {
                        return Reply::json(400, &json!({"error": format!("bad fault spec: {e}")}));
                    }
                };
                if let Err(e) = app.faults.inject(spec) {
                    return err(e);
                }
            }
            Reply::json(200, &json!({"ok": true, "faults": app.faults.list()}))
        }
        ["clock"] if get => Reply::json(
            200,
            &json!({"now": clock::fmt_saferpay(app.clock.now()), "offset_seconds": app.clock.offset_secs()}),
        ),
        ["clock", "advance"] if post => {
            let Some(secs) = body.get("seconds").and_then(Value::as_i64) else {
                return Reply::json(400, &json!({"error": "body needs an integer \"seconds\""}));
            };
            app.clock.advance(secs);
            Reply::json(
                200,
                &json!({"ok": true, "now": clock::fmt_saferpay(app.clock.now()), "offset_seconds": app.clock.offset_secs()}),
            )
        }
        ["tokens", "expire"] if post => {
            secuconnect::oauth::expire_all(app);
            ok()
        }
        ["replay"] if get => Reply::json(
            200,
            &json!({"request_id_replay": app.config().request_id_replay}),
        ),
        ["replay"] if post => {
            let Some(enabled) = body.get("enabled").and_then(Value::as_bool) else {
                return Reply::json(400, &json!({"error": "body needs a boolean \"enabled\""}));
            };
            app.set_request_id_replay(enabled);
            Reply::json(200, &json!({"ok": true, "request_id_replay": enabled}))
        }
        ["config"] if get => Reply::json(200, &json!(*app.config())),
        ["config"] if post => {
            let patch: SandboxConfig = match serde_json::from_value(body) {
                Ok(p) => p,
                Err(e) => return Reply::json(400, &json!({"error": format!("bad config: {e}")})),
            };
            match app.set_config(&patch) {
                Ok(()) => Reply::json(200, &json!(*app.config())),
                Err(e) => err(e),
            }
        }
        ["offers", id, "pay"] if post => {
            let o = outcome(&body, "success");
            let r = check(
                &o,
                &["success", "decline", "abort"],
                "success, decline, abort",
            )
            .and_then(|()| saferpay::offers::pay(app, id, &o));
            match r {
                Ok(v) => Reply::json(200, &v),
                Err(e) => err(e),
            }
        }
        ["payment-pages", token, "pay"] if post => {
            let o = outcome(&body, "success");
            let r = check(
                &o,
                &["success", "decline", "abort"],
                "success, decline, abort",
            )
            .and_then(|()| saferpay::payment_page::pay(app, token, &o));
            match r {
                Ok(v) => Reply::json(200, &v),
                Err(e) => err(e),
            }
        }
        ["smart-transactions", id, "complete"] if post => {
            let o = outcome(&body, "success");
            let r = check(&o, &["success", "failure"], "success, failure")
                .and_then(|()| secuconnect::smart_transactions::complete(app, id, &o));
            match r {
                Ok(v) => Reply::json(200, &v),
                Err(e) => err(e),
            }
        }
        ["device", "approve"] if post => {
            let Some(code) = body.get("user_code").and_then(Value::as_str) else {
                return Reply::json(400, &json!({"error": "body needs \"user_code\""}));
            };
            match secuconnect::oauth::approve(app, code) {
                Ok(()) => ok(),
                Err(e) => err(e),
            }
        }
        _ => Reply::json(
            404,
            &json!({"error": format!("no admin endpoint {method} {path}")}),
        ),
    }
}
