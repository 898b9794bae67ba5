//! License, terminals, payment methods, Saferpay Fields access tokens, payment page configurations.

use super::{FieldsToken, Mgmt, Rule, SpError, TERMINALS, V};
use crate::reply::Reply;
use crate::routes::Route;
use crate::state::{App, lock};
use crate::stats::inc;
use serde_json::{Value, json};
use std::sync::Arc;

/// Dispatch the account routes.
pub fn handle(app: &Arc<App>, route: Route, ctx: &Mgmt) -> Reply {
    match route {
        Route::License | Route::LicenseConfiguration => Reply::json(200, &license()),
        Route::Terminals => Reply::json(
            200,
            &json!({"Terminals": TERMINALS.iter().map(|t| json!({
                "TerminalId": t.id, "Type": t.kind, "Description": t.description,
            })).collect::<Vec<_>>()}),
        ),
        Route::Terminal => with_terminal(ctx, |t| {
            let mut v = methods(app);
            if let Value::Object(m) = &mut v {
                m.insert("TerminalId".into(), t.id.into());
                m.insert("Type".into(), t.kind.into());
                m.insert("Description".into(), t.description.into());
            }
            let ordered = json!({
                "TerminalId": t.id,
                "Type": t.kind,
                "Description": t.description,
                "PaymentMethods": v["PaymentMethods"],
                "Wallets": v["Wallets"],
            });
            Reply::json(200, &ordered)
        }),
        Route::TerminalPaymentMethods => with_terminal(ctx, |_| Reply::json(200, &methods(app))),
        Route::FieldsTokensCreate => fields_create(app, ctx),
        Route::FieldsTokensDelete => fields_delete(app, ctx),
        Route::PaymentPageConfigurations => Reply::json(
            200,
            // The documented example really uses lower camelCase name/isDefault.
            &json!({"Configurations": [
                {"name": "default", "isDefault": true, "Description": "Default Configuration"},
                {"name": "special", "isDefault": false, "Description": "Special Payment Page Configuration"},
                {"name": "event", "isDefault": false, "Description": "Special Payment Page Configuration for Events"},
            ]}),
        ),
        _ => SpError::new(404, "DO_NOT_RETRY", "NOT_FOUND", "Resource not found").reply(None),
    }
}

fn license() -> Value {
    json!({
        "Package": {"Id": "SAFERPAY_BUSINESS", "DisplayName": "Saferpay Business"},
        "Features": [
            {"Id": "MANAGEMENT_API", "DisplayName": "Management API"},
            {"Id": "PAYMENT_API", "DisplayName": "Payment API"},
            {"Id": "SECURE_PAY_GATE", "DisplayName": "Secure PayGate"},
            {"Id": "TRANSACTION_REPORTING", "DisplayName": "Transaction Reporting"},
        ]
    })
}

fn with_terminal(ctx: &Mgmt, f: impl FnOnce(super::Terminal) -> Reply) -> Reply {
    let tid = ctx.req.param(1);
    match super::terminal(tid) {
        Some(t) => f(t),
        None => SpError::new(404, "DO_NOT_RETRY", "NOT_FOUND", "Resource not found")
            .detail(format!("Terminal {tid} not found"))
            .reply(None),
    }
}

fn methods(app: &App) -> Value {
    let logo = |name: &str| format!("{}/static/logo/{name}.svg?v=1", app.base_url);
    json!({
        "PaymentMethods": [
            {"PaymentMethod": "VISA", "Currencies": ["CHF", "EUR", "USD"], "LogoUrl": logo("visa")},
            {"PaymentMethod": "MASTERCARD", "Currencies": ["CHF", "EUR", "USD"], "LogoUrl": logo("mastercard")},
            {"PaymentMethod": "MAESTRO", "Currencies": ["EUR"], "LogoUrl": logo("maestro")},
            {"PaymentMethod": "TWINT", "Currencies": ["CHF"], "LogoUrl": logo("twint")},
            {"PaymentMethod": "PAYPAL", "Currencies": ["EUR", "CHF", "USD"], "LogoUrl": logo("paypal")},
        ],
        "Wallets": [
            {"WalletName": "APPLEPAY", "LogoUrl": logo("applepay")},
            {"WalletName": "GOOGLEPAY", "LogoUrl": logo("googlepay")},
        ]
    })
}

fn fields_create(app: &Arc<App>, ctx: &Mgmt) -> Reply {
    let tid = ctx.req.param(1);
    if super::terminal(tid).is_none() {
        return SpError::new(
            403,
            "DO_NOT_RETRY",
            "PERMISSION_DENIED",
            "Permission denied",
        )
        .detail(format!("Terminal {tid} does not belong to customer"))
        .reply(None);
    }
    let body = match ctx.req.json() {
        Ok(b @ Value::Object(_)) => b,
        Ok(_) => {
            return SpError::validation(vec!["The request body must be a JSON object.".into()])
                .reply(None);
        }
        Err(e) => return SpError::validation(vec![e]).reply(None),
    };
    let mut v = V::default();
    let description = v.string(&body, "", "Description", true, Rule::Utf8(1, 128));
    let urls = v.string_array(&body, "", "SourceUrls", true, Rule::HttpsUrl(2000));
    if urls.as_ref().is_some_and(Vec::is_empty) {
        v.invalid("", "SourceUrls", "must contain at least one URL");
    }
    if !v.ok() {
        return v.into_error().reply(None);
    }
    let token = crate::ids::uuid();
    lock(&app.saferpay).fields_tokens.insert(
        token.clone(),
        FieldsToken {
            terminal_id: tid.to_string(),
            description: description.unwrap_or_default().to_string(),
            source_urls: urls.unwrap_or_default(),
        },
    );
    inc(&app.stats.effects.fields_tokens_created);
    Reply::json(200, &json!({"AccessToken": token}))
}

fn fields_delete(app: &Arc<App>, ctx: &Mgmt) -> Reply {
    let (tid, token) = (ctx.req.param(1), ctx.req.param(2));
    let mut st = lock(&app.saferpay);
    match st.fields_tokens.get(token) {
        Some(t) if t.terminal_id == tid => {
            st.fields_tokens.remove(token);
            inc(&app.stats.effects.fields_tokens_deleted);
            Reply::empty(200)
        }
        _ => SpError::new(404, "DO_NOT_RETRY", "NOT_FOUND", "Resource not found")
            .detail(format!("Access token {token} not found on terminal {tid}"))
            .reply(None),
    }
}
