//! Payment Transactions (PCI_): get, checkStatus, cancel (full or partial via reduce_amount_by).

use super::{Ptx, bad_request, not_found, push};
use crate::clock::fmt_secu;
use crate::reply::{ApiRequest, Reply};
use crate::routes::Route;
use crate::state::{App, lock};
use crate::stats::inc;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::sync::Arc;

/// Text of a simple status (`details.status_simple_text`, English as the API sends it).
pub fn status_text(s: u8) -> &'static str {
    match s {
        1 => "accepted",
        2 => "authorized",
        3 => "denied",
        4 => "issue",
        5 => "void",
        6 => "issue resolved",
        7 => "refund",
        9 => "paid",
        10 => "pending",
        14 => "waiting for shipment",
        _ => "proceed",
    }
}

/// The detailed status (`status`, `details.status`) and its (German, as the API's) text. The
/// API has many more; the guides' examples give 25 "Vorkasse wartend", 9 "vorautorisiert"
/// and 6 "abgeschlossen" (a refund), the others are the sandbox's choice. It differs from
/// `status_simple` on purpose: clients must not take one for the other.
pub fn detailed_status(p: &Ptx) -> (u32, &'static str) {
    if p.parent.is_some() {
        return (6, "abgeschlossen");
    }
    match (p.status, p.payment_method.as_str()) {
        (10, "prepaid") => (25, "Vorkasse wartend"),
        (10, _) => (11, "wartend"),
        (2, _) => (9, "vorautorisiert"),
        (1, "invoice") => (18, "Rechnung akzeptiert"),
        (1, _) => (17, "akzeptiert"),
        (3, _) => (15, "abgelehnt"),
        (5, _) => (23, "storniert"),
        (7, _) => (24, "erstattet"),
        (14, _) => (19, "warten auf Versand"),
        (_, _) => (0, "in Bearbeitung"),
    }
}

/// The payment product's name (`product`) per payment method, as the API names them.
fn product(p: &Ptx) -> &'static str {
    if p.parent.is_some() {
        return "Erstattung";
    }
    match p.payment_method.as_str() {
        "prepaid" => "Vorkasse",
        "debit" => "Lastschrift",
        "invoice" => "Rechnungskauf",
        "paypal" => "PayPal",
        "sofort" => "Sofort",
        "twint" => "TWINT",
        "creditcard" => "Kreditkarte",
        _ => "Zahlung",
    }
}

/// The reference type of a refund link (`ParentObj.ref_type_id`, 19 in the guide's example).
const REF_TYPE_REFUND: u32 = 19;

/// A `ParentObj`: one entry of `parents` or `related_transactions`.
fn parent_obj(st: &super::State, id: &str, hierarchy: &str) -> Value {
    json!({
        "object": "payment.transactions",
        "id": id,
        "trans_id": st.ptx.get(id).map(|p| p.trans_id),
        "ref_type_id": REF_TYPE_REFUND,
        "ref_type_raw": "refund",
        "hierarchy": hierarchy,
    })
}

/// Payment transaction JSON, with the fields of the SDK's `PaymentTransactionsProductModel`
/// only. `amount` is the transaction's own (negative for a refund); what is left after
/// refunds is `checkStatus`'s.
pub fn ptx_json(st: &super::State, p: &Ptx) -> Value {
    let (status, text) = detailed_status(p);
    let signed = if p.parent.is_some() {
        -p.amount
    } else {
        p.amount
    };
    let description = p.purpose.clone().unwrap_or_default();
    json!({
        "object": "payment.transactions",
        "id": p.id,
        "created": fmt_secu(p.created),
        "updated": fmt_secu(p.updated),
        "merchant": {"object": "general.merchants", "id": super::MERCHANT_ID},
        "contract": {"object": "general.contracts", "id": crate::credentials::SECUCONNECT_CONTRACT_ID},
        "trans_id": p.trans_id,
        "parents": p.parent.iter().map(|id| parent_obj(st, id, "parent")).collect::<Vec<_>>(),
        "related_transactions": p.children.iter().map(|id| parent_obj(st, id, "child")).collect::<Vec<_>>(),
        "product": product(p),
        "product_raw": p.payment_method,
        "amount": signed,
        "currency": p.currency,
        "description": description,
        "description_raw": description,
        "status": status,
        "status_text": text,
        "details": {
            "amount": signed,
            "cleared": if p.status == 1 { "open" } else { "not_cleared" },
            "status": status,
            "status_text": text,
            "status_simple": p.status,
            "status_simple_text": status_text(p.status),
            "description": description,
            "description_raw": description,
        },
        "transaction_hash": p.hash,
        "accrual": p.accrual,
        "order_id": p.order_id,
    })
}

/// `checkStatus`: the detailed and simple status and the amount still in effect.
pub fn check_status_json(p: &Ptx) -> Value {
    let (status, text) = detailed_status(p);
    json!({
        "status": status,
        "status_text": text,
        "status_simple": p.status,
        "status_simple_text": status_text(p.status),
        "amount": p.remaining,
        "currency": p.currency,
    })
}

/// Count a refund of `amount` about to be made from `parent`, and another refund of the same
/// amount on the same payment transaction as an executed duplicate.
pub fn count_refund(app: &App, st: &super::State, parent: &Ptx, amount: i64) {
    inc(&app.stats.effects.smart_transaction_refunds);
    let same = parent
        .children
        .iter()
        .filter_map(|c| st.ptx.get(c))
        .any(|c| c.amount == amount);
    if same {
        inc(&app.stats.executed_duplicates.smart_transaction_refunds);
    }
}

/// Create a refund child of a captured payment transaction.
pub fn refund_child(
    st: &mut super::State,
    parent: &Ptx,
    amount: i64,
    now: DateTime<Utc>,
) -> String {
    st.next_trans_id += 1;
    let trans_id = 40_000_000 + st.next_trans_id;
    let child = Ptx {
        id: crate::ids::secu_id("PCI"),
        trans_id,
        hash: format!("{}_{trans_id}", parent.hash),
        stx_id: parent.stx_id.clone(),
        amount,
        remaining: amount,
        currency: parent.currency.clone(),
        status: 1,
        payment_method: parent.payment_method.clone(),
        created: now,
        updated: now,
        children: Vec::new(),
        parent: Some(parent.id.clone()),
        reduced_once: false,
        order_id: parent.order_id.clone(),
        purpose: parent.purpose.clone(),
        accrual: false,
        captured: false,
    };
    let id = child.id.clone();
    st.ptx.insert(id.clone(), child);
    id
}

/// Dispatch the Payment Transaction routes.
pub fn handle(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    let id = req.param(0);
    match route {
        Route::PtxGet => {
            let st = lock(&app.secu);
            match st.ptx.get(id) {
                Some(p) => Reply::json(200, &ptx_json(&st, p)),
                None => not_found(id),
            }
        }
        Route::PtxCheckStatus => match lock(&app.secu).ptx.get(id) {
            Some(p) => Reply::json(200, &check_status_json(p)),
            None => not_found(id),
        },
        Route::PtxList => {
            let st = lock(&app.secu);
            let mut all: Vec<&Ptx> = st.ptx.values().collect();
            all.sort_by_key(|p| p.trans_id);
            let items = all.into_iter().map(|p| ptx_json(&st, p)).collect();
            drop(st);
            super::smart_transactions::list_reply(req, items)
        }
        Route::PtxOldFormat => {
            let st = lock(&app.secu);
            // The PCI_ id or the Flex.API transaction hash.
            match st.ptx.values().find(|p| p.id == id || p.hash == id) {
                Some(p) => Reply::json(200, &old_format_json(p)),
                None => not_found(id),
            }
        }
        Route::PtxCapture => capture(app, req),
        Route::PtxRevokeAccrual => revoke_accrual(app, req),
        _ => cancel(app, req),
    }
}

fn positive(v: Option<&Value>, name: &str) -> Result<Option<i64>, Reply> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_i64().is_some_and(|x| x > 0) => Ok(n.as_i64()),
        Some(_) => Err(bad_request(&format!(
            "{name}: must be a positive integer in minor units"
        ))),
    }
}

fn cancel(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let id = req.param(0);
    let body = if req.body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match req.json() {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => return bad_request("request body must be a JSON object"),
            Err(e) => return bad_request(&e),
        }
    };
    let reduce = match positive(body.get("reduce_amount_by"), "reduce_amount_by") {
        Ok(v) => v,
        Err(r) => return r,
    };
    let amount = match positive(body.get("amount"), "amount") {
        Ok(v) => v,
        Err(r) => return r,
    };
    if reduce.is_some() && amount.is_some() {
        return bad_request("give either reduce_amount_by or amount, not both");
    }
    if let Some(r) = body.get("reason") {
        match r.as_str() {
            Some(s) if s.chars().count() <= 100 => {}
            _ => return bad_request("reason: must be a string of at most 100 characters"),
        }
    }
    let partial = reduce.or(amount);
    let now = app.clock.now();
    let mut st = lock(&app.secu);
    let Some(p) = st.ptx.get(id).cloned() else {
        return not_found(id);
    };
    if p.parent.is_some() {
        return bad_request("a refund transaction cannot be cancelled");
    }
    let mut child = None;
    match p.status {
        2 | 10 => {
            let r = partial.unwrap_or(p.remaining);
            if r > p.remaining {
                return bad_request(&format!("cannot reduce by {r}: only {} left", p.remaining));
            }
            if partial.is_some() && r < p.remaining && p.reduced_once {
                return bad_request("an authorized payment can be partially reduced only once");
            }
            if let Some(x) = st.ptx.get_mut(id) {
                x.remaining -= r;
                x.updated = now;
                if x.remaining == 0 {
                    // A full cancellation voids the payment; its amount stays as it was.
                    x.status = 5;
                } else {
                    // Before the money moved a partial cancellation lowers the payment itself.
                    x.amount -= r;
                    x.reduced_once = true;
                }
            }
        }
        1 => {
            let r = partial.unwrap_or(p.remaining);
            if r > p.remaining {
                return bad_request(&format!("cannot refund {r}: only {} left", p.remaining));
            }
            count_refund(app, &st, &p, r);
            let c = refund_child(&mut st, &p, r, now);
            if let Some(x) = st.ptx.get_mut(id) {
                x.remaining -= r;
                x.updated = now;
                x.children.push(c.clone());
                if x.remaining == 0 {
                    x.status = 7;
                }
            }
            child = Some(c);
        }
        s => {
            return bad_request(&format!(
                "payment transaction is {}; it cannot be cancelled",
                status_text(s)
            ));
        }
    }
    let parent = st.ptx.get(id).cloned();
    let mut out = Vec::new();
    let mut url = None;
    if let Some(parent) = &parent {
        out.push(ptx_json(&st, parent));
        if let Some(stx_id) = &parent.stx_id
            && let Some(stx) = st.stx.get_mut(stx_id)
        {
            url = stx.str_at("application_context.return_urls.url_push");
            if parent.remaining == 0 {
                stx.set_status("cancelled", now);
            }
        }
    }
    if let Some(c) = child.as_ref().and_then(|c| st.ptx.get(c)) {
        out.push(ptx_json(&st, c));
    }
    drop(st);
    inc(&app.stats.effects.payment_transaction_cancels);
    push(app, url.clone(), id, "changed");
    if let Some(c) = &child {
        push(app, url, c, "added");
    }
    Reply::json(200, &Value::Array(out))
}

/// The old (Flex.API) format, the SDK's `SecupayTransactionProductModel`.
fn old_format_json(p: &Ptx) -> Value {
    let (_, text) = detailed_status(p);
    json!({
        "trans_id": p.trans_id,
        "status": status_text(p.status),
        "amount": if p.parent.is_some() { -p.amount } else { p.amount },
        "currency": p.currency,
        "purpose": p.purpose.clone().unwrap_or_default(),
        "order_id": p.order_id,
        "payment_id": p.id,
        "transaction_status": text,
        "accrual": p.accrual,
    })
}

/// `POST /Payment/Transactions/{id}/capture` (`PaymentTransactionsCaptureDTO`: `amount`,
/// `shipping_information`): takes an authorised payment (status 2), or reports the delivery
/// of an accepted invoice payment once.
fn capture(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let id = req.param(0);
    let body = if req.body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match req.json() {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => return bad_request("request body must be a JSON object"),
            Err(e) => return bad_request(&e),
        }
    };
    let amount = match positive(body.get("amount"), "amount") {
        Ok(v) => v,
        Err(r) => return r,
    };
    let now = app.clock.now();
    let mut st = lock(&app.secu);
    let Some(p) = st.ptx.get(id).cloned() else {
        return not_found(id);
    };
    if let Some(a) = amount
        && a > p.amount
    {
        return bad_request(&format!(
            "amount: {a} is more than the payment's {}",
            p.amount
        ));
    }
    match (p.status, p.payment_method.as_str(), p.captured) {
        (2, _, _) | (1, "invoice", false) => {}
        _ => {
            return bad_request(&format!(
                "payment transaction is {}; it cannot be captured",
                status_text(p.status)
            ));
        }
    }
    if let Some(x) = st.ptx.get_mut(id) {
        if let Some(a) = amount {
            x.amount = a;
            x.remaining = a;
        }
        x.status = 1;
        x.captured = true;
        x.updated = now;
    }
    let mut url = None;
    if let Some(stx_id) = &p.stx_id
        && let Some(stx) = st.stx.get_mut(stx_id)
    {
        url = stx.str_at("application_context.return_urls.url_push");
        if stx.status() == "approved" {
            let paid = stx.paid_status();
            stx.set_status(paid, now);
        }
    }
    let out = st.ptx.get(id).map(|x| ptx_json(&st, x));
    drop(st);
    push(app, url, id, "changed");
    Reply::json(200, &out.unwrap_or(Value::Null))
}

/// `POST /Payment/Transactions/{id}/revokeAccrual`: the payment is no longer booked as an
/// accrual; refused for one that is not.
fn revoke_accrual(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let id = req.param(0);
    let now = app.clock.now();
    let mut st = lock(&app.secu);
    let Some(p) = st.ptx.get_mut(id) else {
        return not_found(id);
    };
    if !p.accrual {
        return bad_request("payment transaction has no accrual to revoke");
    }
    p.accrual = false;
    p.updated = now;
    let p = p.clone();
    Reply::json(200, &ptx_json(&st, &p))
}
