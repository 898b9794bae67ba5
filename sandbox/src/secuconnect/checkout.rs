//! The hosted checkout page at `payment_links.general` (`/checkout/{stx_id}`).

use super::smart_transactions;
use crate::currency;
use crate::reply::{ApiRequest, Reply, html_escape, parse_urlencoded};
use crate::routes::Route;
use crate::saferpay::pages::page;
use crate::state::{App, lock};
use std::sync::Arc;

/// Dispatch the checkout page routes.
pub fn handle(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    match route {
        Route::CheckoutSubmit => submit(app, req),
        _ => show(app, req, None),
    }
}

fn show(app: &Arc<App>, req: &ApiRequest, notice: Option<&str>) -> Reply {
    let id = req.param(0);
    let st = lock(&app.secu);
    let Some(stx) = st.stx.get(id) else {
        return Reply::html(
            404,
            page(
                "Not found",
                "<h1>Not found</h1><p id=\"message\">Unknown checkout.</p>",
            ),
        );
    };
    let cur = stx.currency();
    let amount = currency::find(&cur)
        .map(|c| currency::major(stx.amount(), c))
        .unwrap_or_else(|| stx.amount().to_string());
    let status = stx.status().to_string();
    let method = req
        .query_pairs()
        .into_iter()
        .find(|(k, _)| k == "payment-method")
        .map(|(_, v)| v)
        .or_else(|| stx.str_at("payment_method"))
        .unwrap_or_else(|| "creditcard".into());
    let mut body = format!(
        "<h1>Smart Checkout</h1><p class=\"muted\">{merchant}</p><p class=\"amount\" id=\"amount\">{amount} {cur}</p>\
         <p>Reference: <span id=\"reference\">{reference}</span></p><p>Payment method: <span id=\"payment-method\">{method}</span></p>\
         <p>Status: <strong id=\"status\">{status}</strong></p>",
        merchant = "paywire Sandbox Shop",
        reference = html_escape(&stx.str_at("merchantRef").unwrap_or_default()),
        method = html_escape(&method),
        status = html_escape(&status),
    );
    if let Some(n) = notice {
        body.push_str(&format!("<p id=\"message\">{}</p>", html_escape(n)));
    }
    if ["created", "approved", "pending"].contains(&status.as_str()) {
        body.push_str(&format!(
            "<form method=\"post\" action=\"/checkout/{id}\" id=\"payform\">\
             <input type=\"hidden\" name=\"payment-method\" value=\"{method}\">\
             <button id=\"pay\" name=\"outcome\" value=\"success\" type=\"submit\">Pay</button>\
             <button id=\"fail\" name=\"outcome\" value=\"failure\" type=\"submit\">Fail</button>\
             <button id=\"abort\" name=\"outcome\" value=\"abort\" type=\"submit\">Abort</button></form>",
            id = html_escape(id),
            method = html_escape(&method),
        ));
    }
    Reply::html(200, page("Smart Checkout — paywire sandbox", &body))
}

fn submit(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let id = req.param(0).to_string();
    let form = parse_urlencoded(&String::from_utf8_lossy(&req.body));
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let outcome = field("outcome").unwrap_or_default();
    // The method the page was opened for (its payment link), from the form or the URL.
    let method = field("payment-method").or_else(|| {
        req.query_pairs()
            .into_iter()
            .find(|(k, _)| k == "payment-method")
            .map(|(_, v)| v)
    });
    let urls = {
        let st = lock(&app.secu);
        let Some(stx) = st.stx.get(&id) else {
            return Reply::html(
                404,
                page(
                    "Not found",
                    "<h1>Not found</h1><p id=\"message\">Unknown checkout.</p>",
                ),
            );
        };
        (
            stx.str_at("application_context.return_urls.url_success"),
            stx.str_at("application_context.return_urls.url_error"),
            stx.str_at("application_context.return_urls.url_abort"),
        )
    };
    let target = match outcome.as_str() {
        "success" | "failure" => {
            match smart_transactions::complete_with(app, &id, &outcome, method.as_deref()) {
                Ok(_) if outcome == "success" => urls.0,
                Ok(_) => urls.1,
                Err(e) => return show(app, req, Some(&e.to_string())),
            }
        }
        "abort" => urls.2.or(urls.1),
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
    match target {
        Some(u) => Reply::redirect(&u),
        None => Reply::redirect(&format!("/checkout/{id}")),
    }
}
