//! The Transaction interface: Transaction/Initialize (a 3-D Secure or card entry page the payer
//! completes or fails), Authorize, AuthorizeDirect, AuthorizeReferenced and RefundDirect.
//! Built from the spec's `ChapterTransaction.md` and the container dictionary.

use super::alias::{
    card_means_json, live_alias, parse_card, parse_register_alias, register,
    registration_result_json, test_card,
};
use super::{
    CardData, Json, Rule, SpError, State, Tx, TxKind, TxSession, TxSessionState, TxStatus, V,
    count_authorization, liability_json, terminal, tx_json,
};
use crate::clock;
use crate::error::SandboxError;
use crate::notify::{self, Notification};
use crate::routes::Route;
use crate::state::{App, lock};
use crate::stats::inc;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// How long a Transaction/Initialize token stays usable.
pub const TOKEN_LIFETIME_MINUTES: i64 = 20;

const INITIALIZE_METHODS: &[&str] = &[
    "AMEX",
    "BANCONTACT",
    "DINERS",
    "DIRECTDEBIT",
    "JCB",
    "MAESTRO",
    "MASTERCARD",
    "VISA",
];
const CONDITIONS: &[&str] = &[
    "NONE",
    "THREE_DS_AUTHENTICATION_SUCCESSFUL_OR_ATTEMPTED",
    "WITH_SUCCESSFUL_THREE_DS_CHALLENGE",
];

/// The payer's page of a Transaction/Initialize session (card entry and 3-D Secure).
pub fn redirect_url(app: &App, tid: &str, token: &str) -> String {
    format!(
        "{}/vt2/api/Transaction/{}/{tid}/{token}",
        app.base_url,
        crate::credentials::SAFERPAY_CUSTOMER_ID
    )
}

/// Dispatch the Transaction interface routes.
pub fn handle(app: &Arc<App>, route: Route, ctx: &Json) -> Result<Value, SpError> {
    match route {
        Route::TransactionInitialize => initialize(app, ctx),
        Route::TransactionAuthorize => authorize(app, ctx),
        Route::TransactionAuthorizeDirect => authorize_direct(app, ctx),
        Route::TransactionAuthorizeReferenced => authorize_referenced(app, ctx),
        Route::TransactionRefundDirect => refund_direct(app, ctx),
        _ => Err(SpError::business(
            "ACTION_NOT_SUPPORTED",
            "Action not supported",
        )),
    }
}

/// What a `Payment` container carried.
struct PaymentFields {
    amount: Option<(i64, crate::currency::Currency)>,
    order_id: Option<String>,
    description: Option<String>,
    pre_auth: bool,
    referenceable: bool,
}

/// Parse a `Payment` container. `full` allows Options, Recurring, Installment and MandateId
/// (`Payment_Models_Data_Payment`), otherwise only `BasicPayment`'s fields.
fn parse_payment(v: &mut V, body: &Value, full: bool) -> PaymentFields {
    let mut out = PaymentFields {
        amount: None,
        order_id: None,
        description: None,
        pre_auth: false,
        referenceable: false,
    };
    let Some(p) = v.obj(body, "", "Payment", true) else {
        return out;
    };
    let p = Value::Object(p.clone());
    out.amount = v.amount(&p, "Payment", "Amount", true, false);
    out.order_id = v
        .string(&p, "Payment", "OrderId", false, Rule::Id(1, 80))
        .map(str::to_string);
    out.description = v
        .string(&p, "Payment", "Description", false, Rule::Utf8(1, 1000))
        .map(str::to_string);
    v.string(&p, "Payment", "PayerNote", false, Rule::Utf8(1, 50));
    if !full {
        for key in ["Options", "Recurring", "Installment", "MandateId"] {
            if p.get(key).is_some() {
                v.invalid(
                    "Payment",
                    key,
                    "is not part of this request's Payment container",
                );
            }
        }
        return out;
    }
    v.string(&p, "Payment", "MandateId", false, Rule::Id(1, 35));
    if let Some(opts) = v.obj(&p, "Payment", "Options", false) {
        let opts = Value::Object(opts.clone());
        out.pre_auth = v
            .boolean(&opts, "Payment.Options", "PreAuth")
            .unwrap_or(false);
        v.boolean(&opts, "Payment.Options", "AllowPartialAuthorization");
    }
    for key in ["Recurring", "Installment"] {
        if let Some(r) = v.obj(&p, "Payment", key, false) {
            let r = Value::Object(r.clone());
            let path = format!("Payment.{key}");
            match r.get("Initial") {
                None | Some(Value::Null) => v.missing(&path, "Initial"),
                Some(Value::Bool(b)) => out.referenceable |= *b,
                Some(_) => v.invalid(&path, "Initial", "must be a boolean"),
            }
        }
    }
    if p.get("Recurring").is_some() && p.get("Installment").is_some() {
        v.invalid(
            "Payment",
            "Recurring",
            "Recurring and Installment are mutually exclusive",
        );
    }
    out
}

/// Which containers of `PaymentMeans` a request accepts.
#[derive(Clone, Copy)]
struct Accepts {
    fields: bool,
    alias: bool,
}

/// A `PaymentMeans` resolved to a card (or an error the provider answers).
fn parse_means(
    v: &mut V,
    st: &State,
    body: &Value,
    required: bool,
    accepts: Accepts,
    now: DateTime<Utc>,
) -> Option<Result<CardData, SpError>> {
    let pm = Value::Object(v.obj(body, "", "PaymentMeans", required)?.clone());
    let known = [
        "Card",
        "Alias",
        "SaferpayFields",
        "BankAccount",
        "ApplePay",
        "GooglePay",
        "SchemeToken",
    ];
    let given: Vec<&str> = known
        .iter()
        .copied()
        .filter(|k| pm.get(*k).is_some())
        .collect();
    if given.len() != 1 {
        v.invalid(
            "",
            "PaymentMeans",
            "exactly one means of payment must be set",
        );
        return None;
    }
    match given[0] {
        "Card" => {
            let card = Value::Object(v.obj(&pm, "PaymentMeans", "Card", true)?.clone());
            parse_card(v, &card, "PaymentMeans.Card", now)
        }
        "Alias" if accepts.alias => {
            let a = Value::Object(v.obj(&pm, "PaymentMeans", "Alias", true)?.clone());
            let id = v.string(&a, "PaymentMeans.Alias", "Id", true, Rule::Id(1, 40));
            v.string(
                &a,
                "PaymentMeans.Alias",
                "VerificationCode",
                false,
                Rule::Numeric(3, 4),
            );
            let id = id?;
            if !v.ok() {
                return None;
            }
            Some(live_alias(st, id, now).map(|a| a.card.clone()))
        }
        "SaferpayFields" if accepts.fields => {
            let f = Value::Object(v.obj(&pm, "PaymentMeans", "SaferpayFields", true)?.clone());
            v.string(
                &f,
                "PaymentMeans.SaferpayFields",
                "Token",
                true,
                Rule::Id(1, 40),
            )?;
            // The sandbox serves no Saferpay Fields page, so no Fields token exists.
            Some(Err(SpError::business("TOKEN_INVALID", "Invalid token")
                .detail(
                    "PaymentMeans.SaferpayFields.Token: unknown Saferpay Fields token",
                )))
        }
        "Alias" | "SaferpayFields" => {
            v.invalid("PaymentMeans", given[0], "is not accepted by this request");
            None
        }
        other => Some(Err(SpError::business(
            "PAYMENTMEANS_NOT_SUPPORTED",
            "Unsupported means of payment",
        )
        .detail(format!(
            "PaymentMeans.{other}: the sandbox takes cards and aliases"
        )))),
    }
}

fn check_terminal(tid: &str) -> Result<(), SpError> {
    match terminal(tid) {
        Some(t) if t.kind == "ECOM" || t.kind == "MPO" => Ok(()),
        Some(_) => Err(SpError::new(
            403,
            "DO_NOT_RETRY",
            "PERMISSION_DENIED",
            "Permission denied",
        )
        .detail(format!(
            "Terminal {tid} does not support the Transaction interface"
        ))),
        None => Err(SpError::new(
            403,
            "DO_NOT_RETRY",
            "PERMISSION_DENIED",
            "Permission denied",
        )
        .detail(format!("Terminal {tid} does not belong to customer"))),
    }
}

fn invalid_request() -> SpError {
    SpError::validation(vec!["Request validation failed".into()])
}

#[allow(clippy::too_many_arguments)]
fn new_payment(
    app: &App,
    st: &mut State,
    kind: TxKind,
    amount: (i64, crate::currency::Currency),
    order_id: Option<String>,
    description: Option<String>,
    terminal_id: &str,
    card: &CardData,
    pre_auth: bool,
    referenceable: bool,
    now: DateTime<Utc>,
) -> String {
    let id = st.new_payment(
        amount.0,
        amount.1,
        order_id,
        description,
        terminal_id,
        "Json Api",
        pre_auth,
        now,
    );
    if let Some(tx) = st.txs.get_mut(&id) {
        tx.kind = kind;
        tx.brand = card.brand;
        tx.masked = card.masked.clone();
        tx.referenceable = referenceable;
        // Only Transaction/Initialize (and the payment page) run 3-D Secure.
        tx.three_ds = false;
    }
    if kind == TxKind::Payment {
        count_authorization(app, st, &id);
    }
    id
}

fn answer(tx: &Tx, card: &CardData, liability: Value) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("Transaction".into(), tx_json(tx));
    out.insert("PaymentMeans".into(), card_means_json(card));
    out.insert(
        "Payer".into(),
        json!({"IpAddress": "127.0.0.1", "IpLocation": "CH"}),
    );
    if !liability.is_null() {
        out.insert("Liability".into(), liability);
    }
    out
}

fn no_three_ds() -> Value {
    json!({"LiabilityShift": false, "LiableEntity": "MERCHANT", "InPsd2Scope": "YES"})
}

fn initialize(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let body = ctx.body;
    let mut v = V::default();
    let tid = v.string(body, "", "TerminalId", true, Rule::Numeric(8, 8));
    let payment = parse_payment(&mut v, body, true);
    let st = lock(&app.saferpay);
    let means = parse_means(
        &mut v,
        &st,
        body,
        false,
        Accepts {
            fields: true,
            alias: true,
        },
        ctx.now,
    );
    drop(st);
    // Before 1.32 the return address was `ReturnUrls {Success, Fail, Abort}`.
    let return_url = if ctx.version < (1, 32) {
        match v.obj(body, "", "ReturnUrls", true) {
            Some(r) => {
                let r = Value::Object(r.clone());
                let success = v.string(&r, "ReturnUrls", "Success", true, Rule::Url(2000));
                v.string(&r, "ReturnUrls", "Fail", true, Rule::Url(2000));
                v.string(&r, "ReturnUrls", "Abort", false, Rule::Url(2000));
                success.map(str::to_string)
            }
            None => None,
        }
    } else {
        match v.obj(body, "", "ReturnUrl", true) {
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
        }
    };
    let notify = match v.obj(body, "", "RedirectNotifyUrls", false) {
        Some(n) => {
            let n = Value::Object(n.clone());
            let s = v.string(&n, "RedirectNotifyUrls", "Success", true, Rule::Url(2000));
            let f = v.string(&n, "RedirectNotifyUrls", "Fail", true, Rule::Url(2000));
            s.zip(f).map(|(s, f)| (s.to_string(), f.to_string()))
        }
        None => None,
    };
    v.string_array(
        body,
        "",
        "PaymentMethods",
        false,
        Rule::Enum(INITIALIZE_METHODS),
    );
    v.string(body, "", "ConfigSet", false, Rule::Id(1, 20));
    if let Some(s) = v.obj(body, "", "Styling", false) {
        let s = Value::Object(s.clone());
        v.string(&s, "Styling", "CssUrl", false, Rule::HttpsUrl(2000));
        v.boolean(&s, "Styling", "ContentSecurityEnabled");
        v.string(
            &s,
            "Styling",
            "Theme",
            false,
            Rule::Enum(&["DEFAULT", "SIX", "NONE"]),
        );
    }
    for key in ["RegisterAlias", "Condition"] {
        if body.get(key).is_some() {
            v.invalid(
                "",
                key,
                "is not a field of Transaction/Initialize (it belongs to Authorize)",
            );
        }
    }
    super::offers::validate_payer(&mut v, body, "Payer");
    super::offers::validate_order(&mut v, body);
    if !v.ok() {
        return Err(v.into_error());
    }
    let (Some(tid), Some(amount), Some(return_url)) = (tid, payment.amount, return_url) else {
        return Err(invalid_request());
    };
    check_terminal(tid)?;
    let card = means.transpose()?;
    let token = crate::ids::token();
    let expires = ctx.now + Duration::minutes(TOKEN_LIFETIME_MINUTES);
    let with_means = card.is_some();
    lock(&app.saferpay).tx_sessions.insert(
        token.clone(),
        TxSession {
            token: token.clone(),
            terminal_id: tid.to_string(),
            amount: amount.0,
            currency: amount.1,
            order_id: payment.order_id,
            description: payment.description,
            return_url,
            notify,
            card,
            created: ctx.now,
            expires,
            state: TxSessionState::Open,
            visited: false,
            pre_auth: payment.pre_auth,
            referenceable: payment.referenceable,
            tx_id: None,
        },
    );
    let mut out = json!({
        "Token": token,
        "Expiration": clock::fmt_saferpay(expires),
        // Every sandbox card takes part in 3-D Secure, so the payer is always redirected.
        "RedirectRequired": true,
        "Redirect": {
            "RedirectUrl": redirect_url(app, tid, &token),
            "PaymentMeansRequired": !with_means,
        },
    });
    if with_means {
        out["LiabilityShift"] = json!(true);
    }
    Ok(out)
}

/// Complete the Transaction/Initialize page as the payer: `success` passes 3-D Secure (after
/// entering a test card when none was given), `decline` fails it, `abort` leaves.
pub fn pay(app: &Arc<App>, token: &str, outcome: &str) -> Result<Value, SandboxError> {
    let now = app.clock.now();
    let mut st = lock(&app.saferpay);
    let Some(s) = st.tx_sessions.get_mut(token) else {
        return Err(SandboxError::UnknownToken(token.to_string()));
    };
    if s.state != TxSessionState::Open {
        return Err(SandboxError::InvalidState(format!(
            "transaction {token} is already completed"
        )));
    }
    if now >= s.expires {
        return Err(SandboxError::InvalidState(format!(
            "transaction {token} has expired"
        )));
    }
    s.visited = true;
    s.state = match outcome {
        "success" => TxSessionState::Ready,
        "decline" => TxSessionState::Failed,
        _ => TxSessionState::Aborted,
    };
    if outcome == "success" && s.card.is_none() {
        s.card = Some(test_card(now));
    }
    let notify = s
        .notify
        .clone()
        .map(|(ok, fail)| if outcome == "success" { ok } else { fail });
    let return_url = s.return_url.clone();
    drop(st);
    if let Some(url) = notify {
        notify::send(
            app,
            Notification {
                kind: if outcome == "success" {
                    "saferpay.redirect_success_notify"
                } else {
                    "saferpay.redirect_fail_notify"
                },
                method: "GET",
                url,
                body: None,
                headers: Vec::new(),
            },
        );
    }
    Ok(json!({"token": token, "outcome": outcome, "return_url": return_url}))
}

fn authorize(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let body = ctx.body;
    let mut v = V::default();
    let token = v.string(body, "", "Token", true, Rule::Id(1, 50));
    let condition = v.string(body, "", "Condition", false, Rule::Enum(CONDITIONS));
    let register_req = parse_register_alias(&mut v, body, "RegisterAlias", false);
    if !v.ok() {
        return Err(v.into_error());
    }
    let token = token.unwrap_or_default();
    let mut st = lock(&app.saferpay);
    let Some(s) = st.tx_sessions.get(token).cloned() else {
        return Err(SpError::business("TOKEN_INVALID", "Invalid token")
            .detail(format!("Token {token} is unknown")));
    };
    if ctx.now >= s.expires && s.state != TxSessionState::Authorized {
        return Err(SpError::business("TOKEN_EXPIRED", "The token has expired")
            .order(s.order_id.as_deref()));
    }
    match s.state {
        TxSessionState::Authorized => {
            return Err(SpError::business("TOKEN_INVALID", "Invalid token")
                .detail(format!("Token {token} was already used")));
        }
        TxSessionState::Open if s.visited => {
            return Err(SpError::new(
                402,
                "RETRY_LATER",
                "TRANSACTION_IN_WRONG_STATE",
                "Invalid action",
            )
            .detail("The payer has not completed the redirect steps yet")
            .order(s.order_id.as_deref()));
        }
        TxSessionState::Open => {
            return Err(SpError::new(
                402,
                "RETRY_LATER",
                "TRANSACTION_NOT_STARTED",
                "Transaction not started",
            )
            .detail("The payer has not been redirected yet")
            .order(s.order_id.as_deref()));
        }
        TxSessionState::Failed => {
            return Err(SpError::new(
                402,
                "OTHER_MEANS",
                "3DS_AUTHENTICATION_FAILED",
                "3D-Secure authentication failed",
            )
            .order(s.order_id.as_deref()));
        }
        TxSessionState::Aborted => {
            return Err(
                SpError::business("TRANSACTION_ABORTED", "Transaction aborted")
                    .order(s.order_id.as_deref()),
            );
        }
        TxSessionState::Ready => {}
    }
    // Every sandbox 3-D Secure completion is a successful challenge, so each condition holds.
    let _ = condition;
    let Some(card) = s.card.clone() else {
        return Err(SpError::wrong_state("no means of payment"));
    };
    let id = new_payment(
        app,
        &mut st,
        TxKind::Payment,
        (s.amount, s.currency),
        s.order_id.clone(),
        s.description.clone(),
        &s.terminal_id,
        &card,
        s.pre_auth,
        s.referenceable,
        ctx.now,
    );
    if let Some(tx) = st.txs.get_mut(&id) {
        tx.three_ds = true;
    }
    if let Some(sess) = st.tx_sessions.get_mut(token) {
        sess.state = TxSessionState::Authorized;
        sess.tx_id = Some(id.clone());
    }
    let registration = register_req.map(|req| register(&mut st, &req, &card, ctx.now));
    let tx = st.txs.get(&id).ok_or_else(SpError::not_found)?;
    let mut out = answer(tx, &card, liability_json());
    if let Some(r) = &registration {
        out.insert(
            "RegistrationResult".into(),
            registration_result_json(&st, r),
        );
    }
    Ok(Value::Object(out))
}

fn authorize_direct(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let body = ctx.body;
    let mut v = V::default();
    let tid = v.string(body, "", "TerminalId", true, Rule::Numeric(8, 8));
    let payment = parse_payment(&mut v, body, true);
    v.string(
        body,
        "",
        "Initiator",
        false,
        Rule::Enum(&["MERCHANT", "PAYER"]),
    );
    let register_req = parse_register_alias(&mut v, body, "RegisterAlias", false);
    super::offers::validate_payer(&mut v, body, "Payer");
    super::offers::validate_order(&mut v, body);
    let mut st = lock(&app.saferpay);
    let means = parse_means(
        &mut v,
        &st,
        body,
        true,
        Accepts {
            fields: true,
            alias: true,
        },
        ctx.now,
    );
    if !v.ok() {
        return Err(v.into_error());
    }
    let (Some(tid), Some(amount), Some(means)) = (tid, payment.amount, means) else {
        return Err(invalid_request());
    };
    check_terminal(tid)?;
    let card = means?;
    let id = new_payment(
        app,
        &mut st,
        TxKind::Payment,
        amount,
        payment.order_id,
        payment.description,
        tid,
        &card,
        payment.pre_auth,
        payment.referenceable,
        ctx.now,
    );
    let registration = register_req.map(|req| register(&mut st, &req, &card, ctx.now));
    let tx = st.txs.get(&id).ok_or_else(SpError::not_found)?;
    // AuthorizeDirect performs no 3-D Secure.
    let mut out = answer(tx, &card, no_three_ds());
    if let Some(r) = &registration {
        out.insert(
            "RegistrationResult".into(),
            registration_result_json(&st, r),
        );
    }
    Ok(Value::Object(out))
}

fn authorize_referenced(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let body = ctx.body;
    let mut v = V::default();
    let tid = v.string(body, "", "TerminalId", true, Rule::Numeric(8, 8));
    let payment = parse_payment(&mut v, body, false);
    v.boolean(body, "", "SuppressDcc");
    let mut reference = None;
    if let Some(r) = v.obj(body, "", "TransactionReference", true) {
        let r = Value::Object(r.clone());
        let t = v.string(
            &r,
            "TransactionReference",
            "TransactionId",
            false,
            Rule::AlphaNumeric(1, 64),
        );
        let o = v.string(
            &r,
            "TransactionReference",
            "OrderId",
            false,
            Rule::Id(1, 80),
        );
        if usize::from(r.get("TransactionId").is_some()) + usize::from(r.get("OrderId").is_some())
            != 1
        {
            v.invalid(
                "",
                "TransactionReference",
                "exactly one of TransactionId or OrderId is required",
            );
        }
        reference = t
            .map(|t| (true, t.to_string()))
            .or(o.map(|o| (false, o.to_string())));
    }
    if !v.ok() {
        return Err(v.into_error());
    }
    let (Some(tid), Some(amount), Some((by_id, reference))) = (tid, payment.amount, reference)
    else {
        return Err(invalid_request());
    };
    check_terminal(tid)?;
    let mut st = lock(&app.saferpay);
    let initial = if by_id {
        st.txs.get(&reference).cloned()
    } else {
        st.txs
            .values()
            .filter(|t| t.kind == TxKind::Payment && t.order_id.as_deref() == Some(&reference))
            .min_by_key(|t| t.created)
            .cloned()
    };
    let Some(initial) = initial else {
        return Err(SpError::not_found());
    };
    if initial.kind != TxKind::Payment || !initial.referenceable {
        return Err(
            SpError::business("ACTION_NOT_SUPPORTED", "Action not supported")
                .detail(
                    "The referenced transaction is not an initial recurring or installment payment",
                )
                .tx(&initial.id),
        );
    }
    if initial.status == TxStatus::Canceled {
        return Err(SpError::wrong_state("The referenced transaction is canceled").tx(&initial.id));
    }
    if amount.1 != initial.currency {
        return Err(SpError::business(
            "CURRENCY_INVALID",
            "Currency does not match referenced transaction currency",
        )
        .tx(&initial.id));
    }
    let card = CardData {
        brand: initial.brand,
        masked: initial.masked.clone(),
        exp_month: 9,
        exp_year: 2030,
        holder: Some("Max Mustermann".into()),
    };
    let id = new_payment(
        app,
        &mut st,
        TxKind::Payment,
        amount,
        payment.order_id,
        payment.description,
        tid,
        &card,
        false,
        false,
        ctx.now,
    );
    let tx = st.txs.get(&id).ok_or_else(SpError::not_found)?;
    let mut out = answer(tx, &card, Value::Null);
    out.remove("Liability");
    Ok(Value::Object(out))
}

fn refund_direct(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let body = ctx.body;
    let mut v = V::default();
    let tid = v.string(body, "", "TerminalId", true, Rule::Numeric(8, 8));
    let mut amount = None;
    let mut order_id = None;
    let mut description = None;
    if let Some(r) = v.obj(body, "", "Refund", true) {
        let r = Value::Object(r.clone());
        amount = v.amount(&r, "Refund", "Amount", true, false);
        order_id = v
            .string(&r, "Refund", "OrderId", false, Rule::Id(1, 80))
            .map(str::to_string);
        description = v
            .string(&r, "Refund", "Description", false, Rule::Utf8(1, 1000))
            .map(str::to_string);
        v.string(&r, "Refund", "PayerNote", false, Rule::Utf8(1, 50));
    }
    let mut st = lock(&app.saferpay);
    let means = parse_means(
        &mut v,
        &st,
        body,
        true,
        Accepts {
            fields: false,
            alias: true,
        },
        ctx.now,
    );
    if !v.ok() {
        return Err(v.into_error());
    }
    let (Some(tid), Some(amount), Some(means)) = (tid, amount, means) else {
        return Err(invalid_request());
    };
    check_terminal(tid)?;
    let card = means?;
    if st.txs.values().any(|t| {
        t.kind == TxKind::Refund
            && t.parent.is_none()
            && t.status != TxStatus::Canceled
            && t.amount == amount.0
            && order_id.is_some()
            && t.order_id == order_id
    }) {
        inc(&app.stats.duplicates.refunds);
        inc(&app.stats.executed_duplicates.refunds);
    }
    let id = new_payment(
        app,
        &mut st,
        TxKind::Refund,
        amount,
        order_id,
        description,
        tid,
        &card,
        false,
        false,
        ctx.now,
    );
    inc(&app.stats.effects.refunds);
    let tx = st.txs.get(&id).ok_or_else(SpError::not_found)?;
    let mut out = Map::new();
    out.insert("Transaction".into(), tx_json(tx));
    out.insert("PaymentMeans".into(), card_means_json(&card));
    Ok(Value::Object(out))
}
