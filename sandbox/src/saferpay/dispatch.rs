//! Routing a request to its handler: credentials, versions, RequestId replays.

use crate::credentials::SAFERPAY_CUSTOMER_ID;
use crate::reply::{ApiRequest, Reply};
use crate::routes::{Provider, Route};
use crate::state::{App, lock};
use crate::stats::inc;
use axum::http::Method;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use std::sync::Arc;

use super::*;

/// Management API request context.
pub struct Mgmt<'a> {
    /// The request.
    pub req: &'a ApiRequest,
    /// Saferpay-ApiVersion.
    pub version: (u32, u32),
    /// Sandbox now.
    pub now: DateTime<Utc>,
}

/// JSON API request context.
pub struct Json<'a> {
    /// Parsed body.
    pub body: &'a Value,
    /// ResponseHeader to echo.
    pub rh: &'a Value,
    /// SpecVersion.
    pub version: (u32, u32),
    /// Sandbox now.
    pub now: DateTime<Utc>,
}

/// Entry point for all Saferpay API routes.
pub fn handle(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    match route.provider() {
        Provider::SaferpayManagement => management(app, route, req),
        _ => json_api(app, route, req),
    }
}

pub(super) fn storable(r: &Reply) -> bool {
    let s = r.status.as_u16();
    s < 500 && s != 429
}

pub(super) fn replay_or_execute(
    app: &Arc<App>,
    key: String,
    route: Route,
    fingerprint: Value,
    retry: Option<i64>,
    rh: Option<&Value>,
    exec: impl FnOnce() -> Reply,
) -> Reply {
    let replay = app.config().request_id_replay;
    let mut idem = lock(&app.idem);
    if !replay {
        // A provider that does not deduplicate: every request is executed, repeated or not.
        if let (Some(r), Some(stored)) = (retry, idem.get_mut(&key)) {
            if r <= stored.last_retry {
                inc(&app.stats.duplicates.retry_indicator_not_incremented);
            }
            stored.last_retry = stored.last_retry.max(r);
        }
        drop(idem);
        let reply = exec();
        if storable(&reply) {
            lock(&app.idem).entry(key).or_insert(Stored {
                route,
                fingerprint,
                reply: reply.clone(),
                last_retry: retry.unwrap_or(0),
            });
        }
        return reply;
    }
    if let Some(stored) = idem.get_mut(&key) {
        if stored.route != route || stored.fingerprint != fingerprint {
            inc(&app.stats.duplicates.request_id_reuse);
            return SpError::validation(vec![format!(
                "RequestId: the request id was already used for a different request ({})",
                stored.route.name()
            )])
            .reply(rh);
        }
        if let Some(r) = retry {
            if r <= stored.last_retry {
                inc(&app.stats.duplicates.retry_indicator_not_incremented);
            }
            stored.last_retry = stored.last_retry.max(r);
        }
        inc(&app.stats.effects.replays);
        return stored.reply.clone();
    }
    let reply = exec();
    if storable(&reply) {
        idem.insert(
            key,
            Stored {
                route,
                fingerprint,
                reply: reply.clone(),
                last_retry: retry.unwrap_or(0),
            },
        );
    }
    reply
}

pub(super) fn management(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    if let Err(why) = credentials_ok(req) {
        return SpError::auth(why).reply(None);
    }
    let cid = req.param(0);
    if cid != SAFERPAY_CUSTOMER_ID {
        return SpError::auth(&format!("The credentials are not valid for customer {cid}"))
            .reply(None);
    }
    let mut v = V::default();
    let version = match req.header("saferpay-apiversion") {
        None => {
            v.errs
                .push("Saferpay-ApiVersion: The Saferpay-ApiVersion header is required.".into());
            None
        }
        Some(s) => match parse_version(s.trim()) {
            Some(ver) => Some(ver),
            None => {
                v.errs.push(format!(
                    "Saferpay-ApiVersion: The header value {s:?} is not a valid API version (1.0 … 1.{MAX_MINOR})."
                ));
                None
            }
        },
    };
    let request_id = match req.header("saferpay-requestid") {
        None => {
            v.errs
                .push("Saferpay-RequestId: The Saferpay-RequestId header is required.".into());
            None
        }
        Some(s) => match check_rule(s, Rule::Id(1, 50)) {
            Ok(()) => Some(s.to_string()),
            Err(why) => {
                v.errs
                    .push(format!("Saferpay-RequestId: The header is invalid: {why}"));
                None
            }
        },
    };
    if !v.ok() {
        return v.into_error().reply(None);
    }
    let (Some(version), Some(request_id)) = (version, request_id) else {
        return SpError::validation(vec!["headers invalid".into()]).reply(None);
    };
    let min = min_version(route);
    if version < min {
        return SpError::validation(vec![format!(
            "Saferpay-ApiVersion: 1.{} does not support this endpoint (requires at least {}.{}).",
            version.1, min.0, min.1
        )])
        .reply(None);
    }
    if !req.accepts_json() {
        return SpError::new(406, "DO_NOT_RETRY", "VALIDATION_FAILED", "Not acceptable")
            .detail("Accept: the API answers application/json")
            .reply(None);
    }
    let ctx = Mgmt {
        req,
        version,
        now: app.clock.now(),
    };
    let exec = || match route {
        Route::OffersCreate => offers::create(app, &ctx),
        Route::OffersGet => offers::get(app, &ctx),
        Route::OffersDelete => offers::delete(app, &ctx),
        Route::TransactionsReport => reporting::report(app, &ctx),
        _ => account::handle(app, route, &ctx),
    };
    if req.method == Method::POST || req.method == Method::DELETE {
        if req.method == Method::POST && !req.content_type_is_json() {
            return SpError::new(
                415,
                "DO_NOT_RETRY",
                "VALIDATION_FAILED",
                "Unsupported media type",
            )
            .detail("Content-Type: must be application/json")
            .reply(None);
        }
        let body: Value = serde_json::from_slice(&req.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&req.body).into_owned()));
        let fingerprint = json!({"method": req.method.as_str(), "path": req.path, "body": body});
        let key = format!("mgmt:{cid}:{request_id}");
        replay_or_execute(app, key, route, fingerprint, None, None, exec)
    } else {
        exec()
    }
}

pub(super) fn json_api(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    let rh_guess = response_header_of(req);
    if let Err(why) = credentials_ok(req) {
        return SpError::auth(why).reply(rh_guess.as_ref());
    }
    if !req.content_type_is_json() {
        return SpError::new(
            415,
            "DO_NOT_RETRY",
            "VALIDATION_FAILED",
            "Unsupported media type",
        )
        .detail("Content-Type: must be application/json")
        .reply(rh_guess.as_ref());
    }
    if !req.accepts_json() {
        return SpError::new(406, "DO_NOT_RETRY", "VALIDATION_FAILED", "Not acceptable")
            .detail("Accept: the API answers application/json")
            .reply(rh_guess.as_ref());
    }
    let body = match req.json() {
        Ok(Value::Object(m)) => Value::Object(m),
        Ok(_) => {
            return SpError::validation(vec!["The request body must be a JSON object.".into()])
                .reply(None);
        }
        Err(e) => return SpError::validation(vec![e]).reply(None),
    };
    let mut v = V::default();
    let Some(h) = body.get("RequestHeader").filter(|h| h.is_object()) else {
        v.missing("", "RequestHeader");
        return v.into_error().reply(None);
    };
    let spec = v.string(h, "RequestHeader", "SpecVersion", true, Rule::Utf8(1, 10));
    let version = spec.and_then(|s| {
        let pv = parse_version(s);
        if pv.is_none() {
            v.invalid(
                "RequestHeader",
                "SpecVersion",
                &format!("must be one of 1.0 … 1.{MAX_MINOR}"),
            );
        }
        pv
    });
    let customer = v.string(h, "RequestHeader", "CustomerId", true, Rule::Numeric(1, 8));
    let request_id = v.string(h, "RequestHeader", "RequestId", true, Rule::Id(1, 50));
    let retry = match h.get("RetryIndicator") {
        None | Some(Value::Null) => {
            v.missing("RequestHeader", "RetryIndicator");
            None
        }
        Some(Value::Number(n)) => match n.as_i64() {
            Some(r) if (0..=9).contains(&r) => Some(r),
            _ => {
                v.invalid(
                    "RequestHeader",
                    "RetryIndicator",
                    "must be an integer from 0 to 9",
                );
                None
            }
        },
        Some(_) => {
            v.invalid(
                "RequestHeader",
                "RetryIndicator",
                "must be an integer from 0 to 9",
            );
            None
        }
    };
    let rh = json!({
        "SpecVersion": spec.unwrap_or("1.53"),
        "RequestId": request_id.or_else(|| h.get("RequestId").and_then(Value::as_str)).unwrap_or(""),
    });
    if !v.ok() {
        return v.into_error().reply(Some(&rh));
    }
    let (Some(version), Some(customer), Some(request_id), Some(retry)) =
        (version, customer, request_id, retry)
    else {
        return SpError::validation(vec!["RequestHeader invalid".into()]).reply(Some(&rh));
    };
    if customer != SAFERPAY_CUSTOMER_ID {
        return SpError::auth(&format!(
            "The credentials are not valid for customer {customer}"
        ))
        .reply(Some(&rh));
    }
    let ctx = Json {
        body: &body,
        rh: &rh,
        version,
        now: app.clock.now(),
    };
    let mut fingerprint = body.clone();
    if let Some(Value::Object(hm)) = fingerprint.get_mut("RequestHeader") {
        hm.remove("RetryIndicator");
    }
    let key = format!("json:{customer}:{request_id}");
    replay_or_execute(app, key, route, fingerprint, Some(retry), Some(&rh), || {
        let r = match route {
            Route::PaymentPageInitialize => payment_page::initialize(app, &ctx),
            Route::PaymentPageAssert => payment_page::assert(app, &ctx),
            Route::TransactionInitialize
            | Route::TransactionAuthorize
            | Route::TransactionAuthorizeDirect
            | Route::TransactionAuthorizeReferenced
            | Route::TransactionRefundDirect => direct::handle(app, route, &ctx),
            Route::AliasInsert
            | Route::AliasAssertInsert
            | Route::AliasInsertDirect
            | Route::AliasUpdate
            | Route::AliasInquire
            | Route::AliasDelete
            | Route::BatchClose => alias::handle(app, route, &ctx),
            _ => transaction::handle(app, route, &ctx),
        };
        match r {
            Ok(v) => {
                let mut v = v;
                if let Value::Object(m) = &mut v {
                    let mut out = Map::new();
                    out.insert("ResponseHeader".into(), rh.clone());
                    out.extend(std::mem::take(m));
                    *m = out;
                }
                Reply::json(200, &v)
            }
            Err(e) => e.reply(Some(&rh)),
        }
    })
}
