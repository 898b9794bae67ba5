//! The request pipeline: routing, stats, faults, dispatch to the provider handlers.

use crate::faults::FaultMode;
use crate::reply::{self, ApiRequest, Reply};
use crate::routes::{self, Provider, Resolved, Route};
use crate::state::App;
use crate::{admin, saferpay, secuconnect, sekurepay};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The axum application.
pub fn router(app: Arc<App>) -> Router {
    Router::new().fallback(dispatch).with_state(app)
}

/// With `finish_abandoned_requests` each request runs to its end on its own task: a client
/// that gives up (a timeout shorter than a `delay` fault) does not stop it, and it executes as
/// at a provider that keeps working. Otherwise a request ends with its connection.
async fn dispatch(State(app): State<Arc<App>>, req: Request<Body>) -> Response {
    if !app.config().finish_abandoned_requests {
        return serve_one(app, req).await;
    }
    match tokio::spawn(serve_one(app, req)).await {
        Ok(response) => response,
        Err(_) => Reply::text(500, "sandbox handler failed").into_response(),
    }
}

async fn serve_one(app: Arc<App>, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(str::to_string);
    if path == "/_sandbox" || path.starts_with("/_sandbox/") {
        let body = match axum::body::to_bytes(body, BODY_LIMIT).await {
            Ok(b) => b,
            Err(_) => return Reply::text(413, "request body too large").into_response(),
        };
        return admin::handle(&app, &parts.method, &path, query.as_deref(), &body).into_response();
    }
    if path == "/" || path.is_empty() {
        return admin::index_page(&app).into_response();
    }
    let (route, params) = match routes::resolve(&parts.method, &path) {
        Resolved::Route(r, p) => (r, p),
        Resolved::MethodNotAllowed => {
            return Reply::json(405, &json!({"error": "method not allowed", "path": path}))
                .into_response();
        }
        Resolved::NotFound => {
            return Reply::json(
                404,
                &json!({"error": "no such sandbox route", "path": path}),
            )
            .into_response();
        }
    };
    let _flight = app.stats.begin(route);
    let body = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return Reply::text(413, "request body too large").into_response(),
    };
    let req = ApiRequest {
        method: parts.method,
        path,
        params,
        query,
        headers: parts.headers,
        body,
    };

    // Reporting is serial per customer: the slot is held across the fault delay and latency.
    let _serial = if route == Route::TransactionsReport {
        match saferpay::reporting::acquire(&app, &req) {
            Ok(guard) => Some(guard),
            Err(reply) => {
                app.stats.status(route, reply.status.as_u16());
                return reply.into_response();
            }
        }
    } else {
        None
    };

    let fault = app.faults.take(route);
    if let Some(f) = &fault {
        app.stats.fault(route);
        if let Some(ms) = f.effective_delay_ms() {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        let early = match f.mode {
            FaultMode::Error500 => Some(Reply::text(500, "Internal Server Error")),
            FaultMode::Error503Html => Some(Reply::html(
                503,
                "<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request (sandbox fault).</p></body></html>".into(),
            )),
            FaultMode::Error429 => Some(too_many_requests(route, &req)),
            FaultMode::ExpiredToken => Some(expired_credentials(route, &req)),
            FaultMode::DropBeforeCommit => return reply::drop_connection(),
            FaultMode::Delay
            | FaultMode::NonJson
            | FaultMode::MalformedJson
            | FaultMode::DropAfterCommit => None,
        };
        if let Some(r) = early {
            app.stats.status(route, r.status.as_u16());
            return r.into_response();
        }
    }

    if route == Route::TransactionsReport {
        let ms = app.config().report_latency_ms;
        if ms > 0 {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }

    let reply = handle(&app, route, &req);
    app.stats.status(route, reply.status.as_u16());
    match fault.map(|f| f.mode) {
        Some(FaultMode::NonJson) => Reply::html(
            200,
            "<!DOCTYPE html><html><body><h1>Welcome</h1><p>This is not the JSON you are looking for (sandbox fault).</p></body></html>".into(),
        )
        .into_response(),
        Some(FaultMode::MalformedJson) => {
            let mut r = reply;
            let cut = (r.body.len() / 2).max(1).min(r.body.len());
            r.body = if r.body.is_empty() {
                axum::body::Bytes::from_static(b"{\"truncat")
            } else {
                r.body.slice(..cut)
            };
            r.status = axum::http::StatusCode::OK;
            r.content_type = Some("application/json; charset=utf-8");
            r.into_response()
        }
        Some(FaultMode::DropAfterCommit) => reply::drop_connection(),
        _ => reply.into_response(),
    }
}

fn handle(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    match route.provider() {
        Provider::SaferpayManagement | Provider::SaferpayJson => saferpay::handle(app, route, req),
        Provider::SecuconnectOauth | Provider::Secuconnect => secuconnect::handle(app, route, req),
        Provider::SekurePay => sekurepay::handle(app, route, req),
        Provider::Page => match route {
            Route::OfferPage
            | Route::OfferPageSubmit
            | Route::PaymentPagePage
            | Route::PaymentPageSubmit
            | Route::TransactionPage
            | Route::TransactionPageSubmit
            | Route::AliasPage
            | Route::AliasPageSubmit => saferpay::pages::handle(app, route, req),
            _ => secuconnect::handle(app, route, req),
        },
    }
}

fn too_many_requests(route: Route, req: &ApiRequest) -> Reply {
    let r = match route.provider() {
        Provider::SaferpayManagement | Provider::SaferpayJson => saferpay::error_reply(
            429,
            saferpay::response_header_of(req).as_ref(),
            "RETRY_LATER",
            "TOO_MANY_REQUESTS",
            "Too many requests",
            &["Rate limit exceeded (sandbox fault)"],
        ),
        Provider::SecuconnectOauth => Reply::json(
            429,
            &json!({"error": "too_many_requests", "error_description": "Rate limit exceeded (sandbox fault)"}),
        ),
        Provider::Secuconnect => secuconnect::product_error(
            429,
            "ProductTooManyRequestsException",
            "Rate limit exceeded (sandbox fault)",
            4290,
        ),
        Provider::SekurePay => sekurepay::error(
            429,
            "too_many_requests",
            "Rate limit exceeded (sandbox fault)",
        ),
        Provider::Page => Reply::html(
            429,
            "<!DOCTYPE html><html><body><h1>Too Many Requests</h1></body></html>".into(),
        ),
    };
    r.with_header("retry-after", "1".into())
}

fn expired_credentials(route: Route, req: &ApiRequest) -> Reply {
    match route.provider() {
        Provider::SaferpayManagement | Provider::SaferpayJson => saferpay::error_reply(
            401,
            saferpay::response_header_of(req).as_ref(),
            "DO_NOT_RETRY",
            "AUTHENTICATION_FAILED",
            "Unable to authenticate request",
            &["Invalid credentials"],
        ),
        Provider::SecuconnectOauth => Reply::json(
            400,
            &json!({"error": "invalid_grant", "error_description": "The token has expired"}),
        ),
        Provider::Secuconnect | Provider::Page => secuconnect::token_expired(),
        Provider::SekurePay => sekurepay::error(401, "unauthorized", "Your API key is wrong"),
    }
}
