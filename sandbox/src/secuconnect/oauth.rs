//! `POST /oauth/token`: client_credentials, refresh_token and the device flow; the device
//! verification page.

use super::{Device, Token};
use crate::credentials::{SECUCONNECT_CLIENT_ID, SECUCONNECT_CLIENT_SECRET};
use crate::error::SandboxError;
use crate::reply::{ApiRequest, Reply, html_escape, parse_urlencoded};
use crate::routes::Route;
use crate::saferpay::pages::page;
use crate::state::{App, lock};
use crate::stats::inc;
use chrono::Duration;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// Lifetime of a device code.
pub const DEVICE_CODE_LIFETIME_SECS: i64 = 1200;

fn oauth_error(status: u16, error: &str, description: &str) -> Reply {
    Reply::json(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

fn fields(req: &ApiRequest) -> Result<HashMap<String, String>, Reply> {
    let ct = req
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    let text = String::from_utf8_lossy(&req.body);
    let json_body =
        ct.contains("json") || (!ct.contains("form") && text.trim_start().starts_with('{'));
    let mut out = HashMap::new();
    if json_body {
        let v: Value = serde_json::from_str(&text).map_err(|_| {
            oauth_error(
                400,
                "invalid_request",
                "The request body could not be parsed",
            )
        })?;
        let Value::Object(m) = v else {
            return Err(oauth_error(
                400,
                "invalid_request",
                "The request body must be a JSON object",
            ));
        };
        for (k, v) in m {
            match v {
                Value::String(s) => {
                    out.insert(k, s);
                }
                Value::Number(n) => {
                    out.insert(k, n.to_string());
                }
                Value::Bool(b) => {
                    out.insert(k, b.to_string());
                }
                _ => {}
            }
        }
    } else {
        for (k, v) in parse_urlencoded(&text) {
            out.insert(k, v);
        }
    }
    Ok(out)
}

fn issue(app: &App, st: &mut super::State, with_refresh: Option<String>) -> (String, u64) {
    let lifetime = app.config().token_lifetime_secs;
    let token = crate::ids::lower(26);
    let now = app.clock.now();
    st.tokens.insert(
        token.clone(),
        Token {
            expires_at: now
                + Duration::seconds(i64::try_from(lifetime).unwrap_or(i64::MAX / 2_000)),
            revoked: false,
        },
    );
    if let Some(rt) = with_refresh {
        let session = st.refresh.entry(rt).or_default();
        if let Some(old) = session.current_access.replace(token.clone())
            && let Some(t) = st.tokens.get_mut(&old)
        {
            // Only one access token is valid per device session.
            t.revoked = true;
        }
    }
    inc(&app.stats.effects.tokens_issued);
    (token, lifetime)
}

/// POST /oauth/token.
pub fn token(app: &Arc<App>, req: &ApiRequest) -> Reply {
    inc(&app.stats.effects.token_requests);
    let f = match fields(req) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(grant) = f.get("grant_type").filter(|g| !g.is_empty()) else {
        return oauth_error(
            400,
            "invalid_request",
            "The grant type was not specified in the request",
        );
    };
    if !["client_credentials", "refresh_token", "device"].contains(&grant.as_str()) {
        return oauth_error(
            400,
            "unsupported_grant_type",
            &format!("Grant type \"{grant}\" not supported"),
        );
    }
    let (id, secret) = match (f.get("client_id"), f.get("client_secret")) {
        (Some(i), Some(s)) => (i.clone(), s.clone()),
        _ => match req.basic_auth() {
            Some(pair) => pair,
            None => {
                return oauth_error(
                    400,
                    "invalid_client",
                    "Client credentials were not found in the headers or body",
                );
            }
        },
    };
    if id != SECUCONNECT_CLIENT_ID || secret != SECUCONNECT_CLIENT_SECRET {
        return oauth_error(400, "invalid_client", "The client credentials are invalid");
    }
    let now = app.clock.now();
    let mut st = lock(&app.secu);
    match grant.as_str() {
        "client_credentials" => {
            let (token, lifetime) = issue(app, &mut st, None);
            Reply::json(
                200,
                &json!({"access_token": token, "expires_in": lifetime, "token_type": "bearer", "scope": "https://scope.secucard.com/e/api"}),
            )
        }
        "refresh_token" => {
            let Some(rt) = f.get("refresh_token").filter(|r| !r.is_empty()) else {
                return oauth_error(
                    400,
                    "invalid_request",
                    "Missing parameters: \"refresh_token\" required",
                );
            };
            if !st.refresh.contains_key(rt) {
                return oauth_error(400, "invalid_grant", "Invalid refresh token");
            }
            let (token, lifetime) = issue(app, &mut st, Some(rt.clone()));
            Reply::json(
                200,
                &json!({"access_token": token, "expires_in": lifetime, "token_type": "bearer", "scope": Value::Null}),
            )
        }
        _ => {
            if let Some(uuid) = f.get("uuid").filter(|u| !u.is_empty()) {
                if uuid.starts_with("/invalid") {
                    return oauth_error(
                        401,
                        "invalid_device",
                        "device with given uuid not configured",
                    );
                }
                let device_code = crate::ids::hex(32);
                let user_code = crate::ids::lower(8);
                st.devices.insert(
                    device_code.clone(),
                    Device {
                        uuid: uuid.clone(),
                        device_code: device_code.clone(),
                        user_code: user_code.clone(),
                        approved: false,
                        used: false,
                        expires_at: now + Duration::seconds(DEVICE_CODE_LIFETIME_SECS),
                    },
                );
                let interval = app.config().device_interval_secs;
                return Reply::json(
                    200,
                    &json!({
                        "device_code": device_code,
                        "user_code": user_code,
                        "verification_url": format!("{}/device", app.base_url),
                        "expires_in": DEVICE_CODE_LIFETIME_SECS,
                        "interval": interval,
                    }),
                );
            }
            let Some(code) = f.get("code").filter(|c| !c.is_empty()) else {
                return oauth_error(
                    400,
                    "invalid_request",
                    "Missing parameters: \"uuid\" or \"code\" required",
                );
            };
            let Some(d) = st.devices.get(code).cloned() else {
                return oauth_error(400, "invalid_grant", "Invalid device code");
            };
            if now >= d.expires_at {
                return oauth_error(400, "expired_token", "The device code has expired");
            }
            if !d.approved {
                return oauth_error(
                    400,
                    "authorization_pending",
                    "The device has not been authorized yet",
                );
            }
            if d.used {
                return oauth_error(400, "invalid_grant", "The device code was already used");
            }
            if let Some(dev) = st.devices.get_mut(code) {
                dev.used = true;
            }
            let refresh = crate::ids::hex(40);
            let (token, lifetime) = issue(app, &mut st, Some(refresh.clone()));
            Reply::json(
                200,
                &json!({"access_token": token, "expires_in": lifetime, "token_type": "bearer", "scope": Value::Null, "refresh_token": refresh}),
            )
        }
    }
}

/// Approve a device by user code.
pub fn approve(app: &App, user_code: &str) -> Result<(), SandboxError> {
    let now = app.clock.now();
    let mut st = lock(&app.secu);
    let dev = st
        .devices
        .values_mut()
        .find(|d| d.user_code.eq_ignore_ascii_case(user_code.trim()))
        .ok_or_else(|| SandboxError::UnknownUserCode(user_code.to_string()))?;
    if now >= dev.expires_at {
        return Err(SandboxError::InvalidState(format!(
            "user code {user_code} has expired"
        )));
    }
    dev.approved = true;
    Ok(())
}

/// Expire every access token now.
pub fn expire_all(app: &App) {
    let past = app.clock.now() - Duration::seconds(1);
    let mut st = lock(&app.secu);
    for t in st.tokens.values_mut() {
        if t.expires_at > past {
            t.expires_at = past;
        }
    }
}

/// GET/POST /device: the verification page where a user enters the user code.
pub fn device_page(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    let form = "<form method=\"post\" action=\"/device\"><label>User code <input id=\"user_code\" name=\"user_code\" autocomplete=\"off\"></label> \
                <button id=\"approve\" type=\"submit\">Approve device</button></form>";
    if route == Route::DevicePage {
        return Reply::html(
            200,
            page(
                "Device authorization — paywire sandbox",
                &format!("<h1>Authorize a device</h1>{form}"),
            ),
        );
    }
    let code = parse_urlencoded(&String::from_utf8_lossy(&req.body))
        .into_iter()
        .find(|(k, _)| k == "user_code")
        .map(|(_, v)| v)
        .unwrap_or_default();
    match approve(app, &code) {
        Ok(()) => Reply::html(
            200,
            page(
                "Device authorized",
                &format!(
                    "<h1>Device authorized</h1><p id=\"message\">User code {} approved.</p>",
                    html_escape(&code)
                ),
            ),
        ),
        Err(e) => Reply::html(
            400,
            page(
                "Device authorization",
                &format!(
                    "<h1>Authorize a device</h1><p id=\"message\">{}</p>{form}",
                    html_escape(&e.to_string())
                ),
            ),
        ),
    }
}
