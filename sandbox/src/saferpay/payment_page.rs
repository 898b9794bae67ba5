//! PaymentPage/Initialize, PaymentPage/Assert and paying a session.

use super::{
    Json, Rule, Session, SessionState, SpError, V, liability_json, payment_means_json, tx_json,
};
use crate::clock;
use crate::error::SandboxError;
use crate::notify::{self, Notification};
use crate::state::{App, lock};
use crate::stats::inc;
use chrono::Duration;
use serde_json::{Value, json};
use std::sync::Arc;

const PAYMENT_METHODS: &[&str] = &[
    "ACCOUNTTOACCOUNT",
    "ALIPAY",
    "AMEX",
    "BANCONTACT",
    "BLIK",
    "DINERS",
    "CARD",
    "DIRECTDEBIT",
    "EPRZELEWY",
    "EPS",
    "GIFTCARD",
    "IDEAL",
    "JCB",
    "KLARNA",
    "MAESTRO",
    "MASTERCARD",
    "PAYCONIQ",
    "PAYPAL",
    "POSTFINANCEPAY",
    "REKA",
    "TWINT",
    "UNIONPAY",
    "VISA",
    "WECHATPAY",
    "WERO",
];

/// How long a RedirectUrl stays usable.
pub const SESSION_LIFETIME_MINUTES: i64 = 60;
/// How long Assert works after Initialize.
pub const ASSERT_LIFETIME_HOURS: i64 = 24;

/// The payer URL of a session.
pub fn redirect_url(app: &App, tid: &str, token: &str) -> String {
    format!(
        "{}/vt2/api/PaymentPage/{}/{tid}/{token}",
        app.base_url,
        crate::credentials::SAFERPAY_CUSTOMER_ID
    )
}

/// PaymentPage/Initialize.
pub fn initialize(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let body = ctx.body;
    let mut v = V::default();
    let tid = v.string(body, "", "TerminalId", true, Rule::Numeric(8, 8));
    let payment = v
        .obj(body, "", "Payment", true)
        .map(|m| Value::Object(m.clone()));
    let mut amount = None;
    let mut order_id = None;
    let mut description = None;
    let mut pre_auth = false;
    if let Some(p) = &payment {
        amount = v.amount(p, "Payment", "Amount", true, false);
        order_id = v
            .string(p, "Payment", "OrderId", false, Rule::Id(1, 80))
            .map(str::to_string);
        description = v
            .string(p, "Payment", "Description", true, Rule::Utf8(1, 1000))
            .map(str::to_string);
        v.string(p, "Payment", "PayerNote", false, Rule::Utf8(1, 50));
        v.string(p, "Payment", "MandateId", false, Rule::Id(1, 35));
        if let Some(opts) = v.obj(p, "Payment", "Options", false) {
            let opts = Value::Object(opts.clone());
            pre_auth = v
                .boolean(&opts, "Payment.Options", "PreAuth")
                .unwrap_or(false);
            v.boolean(&opts, "Payment.Options", "AllowPartialAuthorization");
        }
        if p.get("Recurring").is_some() && p.get("Installment").is_some() {
            v.invalid(
                "Payment",
                "Recurring",
                "Recurring and Installment are mutually exclusive",
            );
        }
    }
    let return_url = match v.obj(body, "", "ReturnUrl", true) {
        Some(r) => v
            .string(
                &Value::Object(r.clone()),
                "ReturnUrl",
                "Url",
                true,
                Rule::Url(2000),
            )
            .map(str::to_string),
        None => None,
    };
    let mut success_notify = None;
    let mut fail_notify = None;
    if let Some(n) = v.obj(body, "", "Notification", false) {
        let n = Value::Object(n.clone());
        success_notify = v
            .string(
                &n,
                "Notification",
                "SuccessNotifyUrl",
                false,
                Rule::Url(2000),
            )
            .map(str::to_string);
        fail_notify = v
            .string(&n, "Notification", "FailNotifyUrl", false, Rule::Url(2000))
            .map(str::to_string);
        if n.get("NotifyUrl").is_some() && ctx.version > (1, 23) {
            v.invalid(
                "Notification",
                "NotifyUrl",
                "was replaced by SuccessNotifyUrl/FailNotifyUrl in 1.24",
            );
        }
        if let Some(emails) = v.string_array(
            &n,
            "Notification",
            "MerchantEmails",
            false,
            Rule::Utf8(3, 254),
        ) && emails.len() > 10
        {
            v.invalid("Notification", "MerchantEmails", "at most 10 addresses");
        }
        v.string(&n, "Notification", "PayerEmail", false, Rule::Utf8(3, 254));
    }
    v.string_array(
        body,
        "",
        "PaymentMethods",
        false,
        Rule::Enum(PAYMENT_METHODS),
    );
    v.string_array(
        body,
        "",
        "Wallets",
        false,
        Rule::Enum(&["APPLEPAY", "GOOGLEPAY", "CLICKTOPAY"]),
    );
    v.string(body, "", "ConfigSet", false, Rule::Id(1, 20));
    v.string(
        body,
        "",
        "Condition",
        false,
        Rule::Enum(&[
            "NONE",
            "THREE_DS_AUTHENTICATION_SUCCESSFUL_OR_ATTEMPTED",
            "WITH_SUCCESSFUL_THREE_DS_CHALLENGE",
        ]),
    );
    super::offers::validate_payer(&mut v, body, "Payer");
    super::offers::validate_order(&mut v, body);
    super::offers::validate_address_form(&mut v, body, "BillingAddressForm");
    super::offers::validate_address_form(&mut v, body, "DeliveryAddressForm");
    let register_alias = super::alias::parse_register_alias(&mut v, body, "RegisterAlias", false);
    if !v.ok() {
        return Err(v.into_error());
    }
    let (Some(tid), Some((amount, currency)), Some(description), Some(return_url)) =
        (tid, amount, description, return_url)
    else {
        return Err(SpError::validation(vec![
            "Request validation failed".into(),
        ]));
    };
    match super::terminal(tid) {
        Some(t) if t.kind == "ECOM" || t.kind == "SPG" => {}
        Some(_) => {
            return Err(SpError::new(
                403,
                "DO_NOT_RETRY",
                "PERMISSION_DENIED",
                "Permission denied",
            )
            .detail(format!("Terminal {tid} does not support the Payment Page")));
        }
        None => {
            return Err(SpError::new(
                403,
                "DO_NOT_RETRY",
                "PERMISSION_DENIED",
                "Permission denied",
            )
            .detail(format!("Terminal {tid} does not belong to customer")));
        }
    }
    let token = crate::ids::token();
    let expires = ctx.now + Duration::minutes(SESSION_LIFETIME_MINUTES);
    let mut st = lock(&app.saferpay);
    if let Some(o) = &order_id {
        let c = st.session_order_ids.entry(o.clone()).or_insert(0);
        *c += 1;
        if *c > 1 {
            inc(&app.stats.duplicates.payment_pages);
        }
    }
    st.sessions.insert(
        token.clone(),
        Session {
            token: token.clone(),
            terminal_id: tid.to_string(),
            amount,
            currency,
            order_id,
            description,
            return_url: Some(return_url),
            success_notify,
            fail_notify,
            created: ctx.now,
            expires,
            state: SessionState::Open,
            visited: false,
            tx_id: None,
            offer_id: None,
            pre_auth,
            register_alias,
            registered_alias: None,
        },
    );
    inc(&app.stats.effects.payment_pages_initialized);
    Ok(json!({
        "Token": token,
        "Expiration": clock::fmt_saferpay(expires),
        "RedirectUrl": redirect_url(app, tid, &token),
    }))
}

/// PaymentPage/Assert.
pub fn assert(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let mut v = V::default();
    let token = v.string(ctx.body, "", "Token", true, Rule::Id(1, 50));
    if !v.ok() {
        return Err(v.into_error());
    }
    let token = token.unwrap_or_default();
    let st = lock(&app.saferpay);
    let Some(s) = st.sessions.get(token) else {
        return Err(SpError::business("TOKEN_INVALID", "Invalid token")
            .detail(format!("Token {token} is unknown")));
    };
    if ctx.now > s.created + Duration::hours(ASSERT_LIFETIME_HOURS) {
        return Err(SpError::business("TOKEN_EXPIRED", "The token has expired")
            .order(s.order_id.as_deref()));
    }
    match s.state {
        SessionState::Open if ctx.now >= s.expires => Err(SpError::business(
            "TRANSACTION_ABORTED",
            "Transaction aborted",
        )
        .detail("The payer did not complete the payment page in time")
        .order(s.order_id.as_deref())),
        SessionState::Open if s.visited => Err(SpError::new(
            402,
            "RETRY_LATER",
            "TRANSACTION_IN_WRONG_STATE",
            "Invalid action",
        )
        .detail("Transaction still in progress or abandoned by the payer")
        .order(s.order_id.as_deref())),
        SessionState::Open => Err(SpError::new(
            402,
            "RETRY_LATER",
            "TRANSACTION_NOT_STARTED",
            "Transaction not started",
        )
        .detail("The payer has not started the payment yet")
        .order(s.order_id.as_deref())),
        SessionState::Declined => Err(SpError::new(
            402,
            "OTHER_MEANS",
            "TRANSACTION_DECLINED",
            "Transaction declined",
        )
        .detail("Declined by the sandbox acquirer")
        .order(s.order_id.as_deref())),
        SessionState::Aborted => Err(SpError::business(
            "TRANSACTION_ABORTED",
            "Transaction aborted",
        )
        .detail("The payer aborted the payment")
        .order(s.order_id.as_deref())),
        SessionState::Paid => {
            let tx = s
                .tx_id
                .as_ref()
                .and_then(|id| st.txs.get(id))
                .ok_or_else(SpError::not_found)?;
            inc(&app.stats.effects.asserts);
            let mut out = json!({
                "Transaction": tx_json(tx),
                "PaymentMeans": payment_means_json(tx),
                "Payer": {"IpAddress": "127.0.0.1", "IpLocation": "CH"},
                "Liability": liability_json(),
            });
            if s.register_alias.is_some() {
                let outcome = s
                    .registered_alias
                    .clone()
                    .ok_or_else(|| SpError::business("ALIAS_INVALID", "Alias already used"));
                out["RegistrationResult"] = super::alias::registration_result_json(&st, &outcome);
            }
            Ok(out)
        }
    }
}

/// Complete a payer page by its token as the payer: `success`, `decline` or `abort`. The token
/// may be a payment page's, a Transaction/Initialize session's (3-D Secure) or an Alias/Insert
/// session's (the register form).
pub fn pay(app: &Arc<App>, token: &str, outcome: &str) -> Result<Value, SandboxError> {
    let now = app.clock.now();
    let mut st = lock(&app.saferpay);
    if st.tx_sessions.contains_key(token) {
        drop(st);
        return super::direct::pay(app, token, outcome);
    }
    if st.alias_sessions.contains_key(token) {
        drop(st);
        return super::alias::pay(app, token, outcome);
    }
    let s = st
        .sessions
        .get(token)
        .cloned()
        .ok_or_else(|| SandboxError::UnknownToken(token.to_string()))?;
    if s.state != SessionState::Open {
        return Err(SandboxError::InvalidState(format!(
            "payment page {token} is already completed"
        )));
    }
    if now >= s.expires {
        return Err(SandboxError::InvalidState(format!(
            "payment page {token} has expired"
        )));
    }
    let (state, tx_id) = match outcome {
        "success" => {
            let tx = st.new_payment(
                s.amount,
                s.currency,
                s.order_id.clone(),
                Some(s.description.clone()),
                &s.terminal_id,
                "Saferpay Payment Page",
                s.pre_auth,
                now,
            );
            super::count_authorization(app, &st, &tx);
            inc(&app.stats.effects.payment_pages_paid);
            if let Some(req) = s.register_alias.clone()
                && let Some(t) = st.txs.get(&tx)
            {
                let card = super::CardData {
                    brand: t.brand,
                    masked: t.masked.clone(),
                    exp_month: 9,
                    exp_year: 2030,
                    holder: Some("Max Mustermann".into()),
                };
                let alias = super::alias::register(&mut st, &req, &card, now).ok();
                if let Some(sess) = st.sessions.get_mut(token) {
                    sess.registered_alias = alias;
                }
            }
            (SessionState::Paid, Some(tx))
        }
        "decline" => {
            st.failed.push(super::Failed {
                id: crate::ids::saferpay_id(),
                amount: s.amount,
                currency: s.currency,
                order_id: s.order_id.clone(),
                description: s.description.clone(),
                terminal_id: s.terminal_id.clone(),
                date: now,
            });
            inc(&app.stats.effects.payment_pages_failed);
            (SessionState::Declined, None)
        }
        _ => {
            inc(&app.stats.effects.payment_pages_failed);
            (SessionState::Aborted, None)
        }
    };
    if let Some(sess) = st.sessions.get_mut(token) {
        sess.state = state;
        sess.visited = true;
        sess.tx_id = tx_id.clone();
    }
    drop(st);
    let url = if outcome == "success" {
        s.success_notify.clone()
    } else {
        s.fail_notify.clone()
    };
    if let Some(url) = url {
        notify::send(
            app,
            Notification {
                kind: if outcome == "success" {
                    "saferpay.success_notify"
                } else {
                    "saferpay.fail_notify"
                },
                method: "GET",
                url,
                body: None,
                headers: Vec::new(),
            },
        );
    }
    Ok(json!({
        "token": token,
        "outcome": outcome,
        "transaction_id": tx_id,
        "return_url": s.return_url,
    }))
}
