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

/// Text of a simple status.
pub fn status_text(s: u8) -> &'static str {
    match s {
        1 => "accepted",
        2 => "authorized",
        3 => "denied",
        5 => "void",
        7 => "refund",
        10 => "pending",
        _ => "proceed",
    }
}

/// Payment transaction JSON.
pub fn ptx_json(p: &Ptx) -> Value {
    json!({
        "object": "payment.transactions",
        "id": p.id,
        "trans_id": p.trans_id,
        "transaction_hash": p.hash,
        "amount": p.remaining,
        "currency": p.currency,
        "status": p.status,
        "status_text": status_text(p.status),
        "details": {
            "status": p.status,
            "status_text": status_text(p.status),
            "status_simple": p.status,
            "status_simple_text": status_text(p.status),
            "cleared": "not_cleared",
            "amount": p.remaining,
        },
        "payment_method": p.payment_method,
        "order_id": p.order_id,
        "purpose": p.purpose,
        "created": fmt_secu(p.created),
        "updated": fmt_secu(p.updated),
        "smart_transaction": p.stx_id.as_ref().map(|id| json!({"object": "smart.transactions", "id": id})),
        "parents": p.parent.as_ref().map(|id| vec![json!({"object": "payment.transactions", "id": id})]).unwrap_or_default(),
        "related_transactions": p.children.iter().map(|id| json!({"object": "payment.transactions", "id": id})).collect::<Vec<_>>(),
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
        status: 7,
        payment_method: parent.payment_method.clone(),
        created: now,
        updated: now,
        children: Vec::new(),
        parent: Some(parent.id.clone()),
        reduced_once: false,
        order_id: parent.order_id.clone(),
        purpose: parent.purpose.clone(),
    };
    let id = child.id.clone();
    st.ptx.insert(id.clone(), child);
    id
}

/// Dispatch the Payment Transaction routes.
pub fn handle(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    let id = req.param(0);
    match route {
        Route::PtxGet => match lock(&app.secu).ptx.get(id) {
            Some(p) => Reply::json(200, &ptx_json(p)),
            None => not_found(id),
        },
        Route::PtxCheckStatus => match lock(&app.secu).ptx.get(id) {
            Some(p) => Reply::json(
                200,
                &json!({
                    "status": p.status,
                    "status_text": status_text(p.status),
                    "status_simple": p.status,
                    "status_simple_text": status_text(p.status),
                    "amount": p.remaining,
                    "currency": p.currency,
                }),
            ),
            None => not_found(id),
        },
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
                    x.status = 5;
                } else {
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
        out.push(ptx_json(parent));
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
        out.push(ptx_json(c));
    }
    drop(st);
    inc(&app.stats.effects.payment_transaction_cancels);
    push(app, url.clone(), id, "changed");
    if let Some(c) = &child {
        push(app, url, c, "added");
    }
    Reply::json(200, &Value::Array(out))
}
