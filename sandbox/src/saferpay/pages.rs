//! Payer pages: the Secure PayGate offer page and the payment page (real HTML, no JavaScript).

use super::{SessionState, TxSessionState, alias, direct, offers, payment_page};
use crate::credentials::SAFERPAY_CUSTOMER_ID;
use crate::currency;
use crate::reply::{ApiRequest, Reply, html_escape, parse_urlencoded};
use crate::routes::Route;
use crate::state::{App, lock};
use std::sync::Arc;

/// Shared page chrome.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title><style>body{{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}}\
         main{{max-width:32em;margin:3em auto;background:#fff;border-radius:8px;padding:2em;box-shadow:0 1px 4px #0002}}\
         .amount{{font-size:2em;font-weight:600;margin:.3em 0}}.muted{{color:#666}}.sandbox{{background:#fff3cd;padding:.4em .8em;border-radius:4px;font-size:.85em}}\
         button{{font-size:1em;padding:.6em 1.4em;margin:.3em .3em 0 0;border:0;border-radius:4px;cursor:pointer}}\
         #pay{{background:#0a7d32;color:#fff}}#decline,#fail{{background:#b3261e;color:#fff}}#abort{{background:#ddd}}</style></head>\
         <body><main><p class=\"sandbox\">paywire sandbox — no real money moves</p>{body}</main></body></html>",
        t = html_escape(title)
    )
}

fn outcome_of(req: &ApiRequest) -> Option<String> {
    let mut pairs = parse_urlencoded(&String::from_utf8_lossy(&req.body));
    if pairs.is_empty() {
        pairs = req.query_pairs();
    }
    pairs
        .into_iter()
        .find(|(k, _)| k == "outcome")
        .map(|(_, v)| v)
}

fn not_found(what: &str) -> Reply {
    Reply::html(
        404,
        page(
            "Not found",
            &format!(
                "<h1>Not found</h1><p id=\"message\">{}</p>",
                html_escape(what)
            ),
        ),
    )
}

fn buttons(action: &str, with_decline: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{a}\" id=\"payform\">\
         <button id=\"pay\" name=\"outcome\" value=\"success\" type=\"submit\">Pay</button>\
         <button id=\"{d}\" name=\"outcome\" value=\"{dv}\" type=\"submit\">{dl}</button>\
         <button id=\"abort\" name=\"outcome\" value=\"abort\" type=\"submit\">Abort</button></form>",
        a = html_escape(action),
        d = with_decline,
        dv = if with_decline == "fail" {
            "failure"
        } else {
            "decline"
        },
        dl = if with_decline == "fail" {
            "Fail"
        } else {
            "Decline"
        },
    )
}

/// Dispatch the page routes.
pub fn handle(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    match route {
        Route::OfferPage => offer_page(app, req, None),
        Route::OfferPageSubmit => offer_submit(app, req),
        Route::PaymentPagePage => pp_page(app, req),
        Route::PaymentPageSubmit => pp_submit(app, req),
        Route::TransactionPage => tx_page(app, req),
        Route::TransactionPageSubmit => tx_submit(app, req),
        Route::AliasPage => alias_page(app, req),
        Route::AliasPageSubmit => alias_submit(app, req),
        _ => not_found("no such page"),
    }
}

fn offer_page(app: &Arc<App>, req: &ApiRequest, notice: Option<&str>) -> Reply {
    let (cid, tid, oid) = (req.param(0), req.param(1), req.param(2));
    let now = app.clock.now();
    let st = lock(&app.saferpay);
    let Some(o) = st
        .offers
        .get(oid)
        .filter(|o| cid == SAFERPAY_CUSTOMER_ID && o.terminal_id == tid)
    else {
        return not_found(&format!("Offer {oid} does not exist."));
    };
    let status = o.status(now);
    let mut body = format!(
        "<h1>Secure PayGate</h1><p class=\"muted\">Order <span id=\"order-id\">{order}</span></p>\
         <p class=\"amount\" id=\"amount\">{amount} {cur}</p><p id=\"description\">{desc}</p>\
         <p>Status: <strong id=\"status\">{status}</strong></p>",
        order = html_escape(&o.order_id),
        amount = currency::major(o.amount, o.currency),
        cur = o.currency.code,
        desc = html_escape(&o.description),
    );
    if let Some(n) = notice {
        body.push_str(&format!("<p id=\"message\">{}</p>", html_escape(n)));
    }
    if status == "OPEN" {
        body.push_str(&buttons(&req.path, "decline"));
    } else {
        body.push_str(&format!(
            "<p id=\"message\">This payment link is {}.</p>",
            status.to_ascii_lowercase()
        ));
    }
    Reply::html(200, page("Secure PayGate — paywire sandbox", &body))
}

fn offer_submit(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let oid = req.param(2).to_string();
    let outcome = outcome_of(req).unwrap_or_default();
    if !["success", "decline", "abort"].contains(&outcome.as_str()) {
        return Reply::html(
            400,
            page(
                "Bad request",
                "<p id=\"message\">outcome must be success, decline or abort</p>",
            ),
        );
    }
    match offers::pay(app, &oid, &outcome) {
        Ok(result) => {
            let token = result
                .get("payment_page_token")
                .and_then(|t| t.as_str())
                .unwrap_or("")
                .to_string();
            let config = app.config().clone();
            let target = match outcome.as_str() {
                "success" => config.spg_success_url,
                "decline" => config.spg_fail_url,
                _ => config.spg_abort_url,
            };
            match target {
                Some(t) => Reply::redirect(&offers::substitute(&t, &token)),
                None => Reply::redirect(&req.path),
            }
        }
        Err(e) => offer_page(app, req, Some(&e.to_string())),
    }
}

fn pp_page(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let (cid, tid, token) = (req.param(0), req.param(1), req.param(2));
    let now = app.clock.now();
    let mut st = lock(&app.saferpay);
    let Some(s) = st
        .sessions
        .get_mut(token)
        .filter(|s| cid == SAFERPAY_CUSTOMER_ID && s.terminal_id == tid && s.offer_id.is_none())
    else {
        return not_found("This payment page does not exist.");
    };
    if s.state != SessionState::Open || now >= s.expires {
        // The RedirectUrl works only once (and not after its Expiration): back to the shop.
        return match &s.return_url {
            Some(u) => Reply::redirect(u),
            None => not_found("This payment page is no longer available."),
        };
    }
    s.visited = true;
    let body = format!(
        "<h1>Payment Page</h1><p class=\"muted\">Order <span id=\"order-id\">{order}</span></p>\
         <p class=\"amount\" id=\"amount\">{amount} {cur}</p><p id=\"description\">{desc}</p>{buttons}",
        order = html_escape(s.order_id.as_deref().unwrap_or("")),
        amount = currency::major(s.amount, s.currency),
        cur = s.currency.code,
        desc = html_escape(&s.description),
        buttons = buttons(&req.path, "decline"),
    );
    Reply::html(200, page("Payment Page — paywire sandbox", &body))
}

fn pp_submit(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let token = req.param(2).to_string();
    let outcome = outcome_of(req).unwrap_or_default();
    if !["success", "decline", "abort"].contains(&outcome.as_str()) {
        return Reply::html(
            400,
            page(
                "Bad request",
                "<p id=\"message\">outcome must be success, decline or abort</p>",
            ),
        );
    }
    let return_url = {
        let st = lock(&app.saferpay);
        match st.sessions.get(&token) {
            Some(s) if s.offer_id.is_none() => s.return_url.clone(),
            _ => return not_found("This payment page does not exist."),
        }
    };
    match payment_page::pay(app, &token, &outcome) {
        Ok(_) | Err(crate::error::SandboxError::InvalidState(_)) => match return_url {
            Some(u) => Reply::redirect(&u),
            None => not_found("no return URL"),
        },
        Err(e) => not_found(&e.to_string()),
    }
}

/// The Transaction/Initialize page: card entry (when the request had no means of payment) and
/// the 3-D Secure challenge. It works once, like the payment page.
fn tx_page(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let (cid, tid, token) = (req.param(0), req.param(1), req.param(2));
    let now = app.clock.now();
    let mut st = lock(&app.saferpay);
    let Some(s) = st
        .tx_sessions
        .get_mut(token)
        .filter(|s| cid == SAFERPAY_CUSTOMER_ID && s.terminal_id == tid)
    else {
        return not_found("This page does not exist.");
    };
    if s.state != TxSessionState::Open || now >= s.expires {
        return Reply::redirect(&s.return_url);
    }
    s.visited = true;
    let entry = if s.card.is_none() {
        "<p id=\"card-entry\">Card: a sandbox test card is entered for you.</p>"
    } else {
        ""
    };
    let body = format!(
        "<h1>3-D Secure</h1><p class=\"muted\">Order <span id=\"order-id\">{order}</span></p>\
         <p class=\"amount\" id=\"amount\">{amount} {cur}</p>{entry}\
         <p>Confirm the payment with your bank.</p>{buttons}",
        order = html_escape(s.order_id.as_deref().unwrap_or("")),
        amount = currency::major(s.amount, s.currency),
        cur = s.currency.code,
        buttons = buttons(&req.path, "fail"),
    );
    Reply::html(200, page("3-D Secure — paywire sandbox", &body))
}

fn tx_submit(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let token = req.param(2).to_string();
    let outcome = match outcome_of(req).unwrap_or_default().as_str() {
        "success" => "success",
        "failure" | "decline" => "decline",
        "abort" => "abort",
        _ => {
            return Reply::html(
                400,
                page(
                    "Bad request",
                    "<p id=\"message\">outcome must be success, failure or abort</p>",
                ),
            );
        }
    };
    let return_url = match lock(&app.saferpay).tx_sessions.get(&token) {
        Some(s) => s.return_url.clone(),
        None => return not_found("This page does not exist."),
    };
    match direct::pay(app, &token, outcome) {
        Ok(_) | Err(crate::error::SandboxError::InvalidState(_)) => Reply::redirect(&return_url),
        Err(e) => not_found(&e.to_string()),
    }
}

/// The Alias/Insert register form.
fn alias_page(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let (cid, token) = (req.param(0), req.param(1));
    let now = app.clock.now();
    let st = lock(&app.saferpay);
    let Some(s) = st
        .alias_sessions
        .get(token)
        .filter(|_| cid == SAFERPAY_CUSTOMER_ID)
    else {
        return not_found("This page does not exist.");
    };
    if s.outcome.is_some() || now >= s.expires {
        return Reply::redirect(&s.return_url);
    }
    let body = format!(
        "<h1>Register a card</h1><p id=\"card-entry\">A sandbox test card is entered for you.</p>{}",
        buttons(&req.path, "fail"),
    );
    Reply::html(200, page("Register a card — paywire sandbox", &body))
}

fn alias_submit(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let token = req.param(1).to_string();
    let outcome = outcome_of(req).unwrap_or_default();
    let return_url = match lock(&app.saferpay).alias_sessions.get(&token) {
        Some(s) => s.return_url.clone(),
        None => return not_found("This page does not exist."),
    };
    match alias::pay(app, &token, &outcome) {
        Ok(_) | Err(crate::error::SandboxError::InvalidState(_)) => Reply::redirect(&return_url),
        Err(e) => not_found(&e.to_string()),
    }
}
