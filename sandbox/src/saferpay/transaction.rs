//! Transaction/Capture, MultipartCapture, MultipartFinalize, Cancel, Refund, Inquire,
//! AssertCapture, AssertRefund — the state machine of reference §5.9.

use super::{
    Json, Part, Rule, SpError, State, Tx, TxKind, TxStatus, V, liability_json, payment_means_json,
    tx_json,
};
use crate::clock::{self, day_of};
use crate::routes::Route;
use crate::state::{App, lock};
use crate::stats::inc;
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// Dispatch the Transaction routes.
pub fn handle(app: &Arc<App>, route: Route, ctx: &Json) -> Result<Value, SpError> {
    match route {
        Route::TransactionCapture => capture(app, ctx),
        Route::TransactionMultipartCapture => multipart_capture(app, ctx),
        Route::TransactionMultipartFinalize => multipart_finalize(app, ctx),
        Route::TransactionCancel => cancel(app, ctx),
        Route::TransactionRefund => refund(app, ctx),
        Route::TransactionInquire => inquire(app, ctx),
        Route::TransactionAssertCapture => assert_capture(app, ctx),
        Route::TransactionAssertRefund => assert_refund(app, ctx),
        _ => Err(SpError::business(
            "ACTION_NOT_SUPPORTED",
            "Action not supported",
        )),
    }
}

fn latest_by_order(st: &State, order_id: &str, kind: Option<TxKind>) -> Option<String> {
    st.txs
        .values()
        .filter(|t| t.order_id.as_deref() == Some(order_id) && kind.is_none_or(|k| t.kind == k))
        .max_by_key(|t| t.created)
        .map(|t| t.id.clone())
}

/// Resolve `TransactionReference` (exactly one of TransactionId / OrderId).
fn transaction_reference(v: &mut V, st: &State, body: &Value) -> Option<Result<String, SpError>> {
    let r = v.obj(body, "", "TransactionReference", true)?;
    let r = Value::Object(r.clone());
    let tid = v.string(
        &r,
        "TransactionReference",
        "TransactionId",
        false,
        Rule::AlphaNumeric(1, 64),
    );
    let oid = v.string(
        &r,
        "TransactionReference",
        "OrderId",
        false,
        Rule::Id(1, 80),
    );
    let given =
        usize::from(r.get("TransactionId").is_some()) + usize::from(r.get("OrderId").is_some());
    if given != 1 {
        v.invalid(
            "",
            "TransactionReference",
            "exactly one of TransactionId or OrderId is required",
        );
        return None;
    }
    if !v.ok() {
        return None;
    }
    Some(match (tid, oid) {
        (Some(t), _) => st
            .txs
            .contains_key(t)
            .then(|| t.to_string())
            .ok_or_else(SpError::not_found),
        (_, Some(o)) => latest_by_order(st, o, None).ok_or_else(SpError::not_found),
        _ => Err(SpError::not_found()),
    })
}

fn parse<T>(v: V, r: Option<Result<T, SpError>>) -> Result<T, SpError> {
    if !v.ok() {
        return Err(v.into_error());
    }
    r.unwrap_or_else(|| {
        Err(SpError::validation(vec![
            "Request validation failed".into(),
        ]))
    })
}

fn capture_id_for(tx: &Tx) -> String {
    format!("{}_c", tx.id)
}

/// `PendingNotification` (`Payment_Models_Data_PendingNotification`) on Capture and Refund.
fn validate_pending_notification(v: &mut V, body: &Value) {
    let Some(p) = v.obj(body, "", "PendingNotification", false) else {
        return;
    };
    let p = Value::Object(p.clone());
    v.string(
        &p,
        "PendingNotification",
        "NotifyUrl",
        false,
        Rule::Url(2000),
    );
    if let Some(emails) = v.string_array(
        &p,
        "PendingNotification",
        "MerchantEmails",
        false,
        Rule::Utf8(3, 254),
    ) && emails.len() > 10
    {
        v.invalid(
            "PendingNotification",
            "MerchantEmails",
            "at most 10 addresses",
        );
    }
}

fn capture(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let mut st = lock(&app.saferpay);
    let mut v = V::default();
    validate_pending_notification(&mut v, ctx.body);
    let r = transaction_reference(&mut v, &st, ctx.body);
    let amount = v.amount(ctx.body, "", "Amount", false, false);
    if let Some(m) = v.obj(ctx.body, "", "Marketplace", false) {
        let m = Value::Object(m.clone());
        v.string(&m, "Marketplace", "SubmerchantId", true, Rule::Id(1, 15));
    }
    let id = parse(v, r)?;
    let Some(tx) = st.txs.get_mut(&id) else {
        return Err(SpError::not_found());
    };
    match tx.status {
        TxStatus::Captured if tx.parts.is_empty() => {
            inc(&app.stats.duplicates.captures);
            return Err(SpError::business(
                "TRANSACTION_ALREADY_CAPTURED",
                "Transaction already captured",
            )
            .tx(&tx.id)
            .order(tx.order_id.as_deref()));
        }
        TxStatus::Captured => {
            return Err(SpError::wrong_state("Transaction was captured with MultipartCapture; use MultipartCapture/MultipartFinalize").tx(&tx.id));
        }
        TxStatus::Canceled => {
            return Err(SpError::wrong_state("Transaction is canceled").tx(&tx.id));
        }
        TxStatus::Authorized => {}
    }
    let value = match amount {
        Some((value, cur)) => {
            if cur != tx.currency {
                return Err(SpError::business(
                    "CURRENCY_INVALID",
                    "Currency does not match the authorization",
                )
                .tx(&tx.id));
            }
            if value > tx.amount {
                return Err(SpError::business(
                    "AMOUNT_INVALID",
                    "Amount exceeds the authorized amount",
                )
                .detail(format!("Amount: {value} > authorized {}", tx.amount))
                .tx(&tx.id));
            }
            value
        }
        None => tx.amount,
    };
    let cid = capture_id_for(tx);
    tx.status = TxStatus::Captured;
    tx.captured_amount = value;
    tx.capture_id = Some(cid.clone());
    tx.capture_date = Some(ctx.now);
    tx.last_action = ctx.now;
    st.captures.insert(cid.clone(), id);
    inc(&app.stats.effects.captures);
    Ok(json!({"CaptureId": cid, "Status": "CAPTURED", "Date": clock::fmt_saferpay(ctx.now)}))
}

fn multipart_capture(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let mut st = lock(&app.saferpay);
    let mut v = V::default();
    let r = transaction_reference(&mut v, &st, ctx.body);
    let amount = v.amount(ctx.body, "", "Amount", true, false);
    let kind = v.string(
        ctx.body,
        "",
        "Type",
        true,
        Rule::Enum(&["PARTIAL", "FINAL"]),
    );
    let part_id = v
        .string(ctx.body, "", "OrderPartId", true, Rule::Id(1, 80))
        .map(str::to_string);
    let id = parse(v, r)?;
    let (Some((value, cur)), Some(kind), Some(part_id)) = (amount, kind, part_id) else {
        return Err(SpError::validation(vec![
            "Request validation failed".into(),
        ]));
    };
    if st.order_parts.contains_key(&part_id) {
        inc(&app.stats.duplicates.captures);
        return Err(SpError::validation(vec![format!(
            "OrderPartId: {part_id} was already used"
        )]));
    }
    let Some(tx) = st.txs.get_mut(&id) else {
        return Err(SpError::not_found());
    };
    if tx.kind != TxKind::Payment {
        return Err(SpError::business(
            "ACTION_NOT_SUPPORTED",
            "Multipart capture is only possible for payments",
        )
        .tx(&tx.id));
    }
    match tx.status {
        TxStatus::Canceled => {
            return Err(SpError::wrong_state("Transaction is canceled").tx(&tx.id));
        }
        TxStatus::Captured if tx.parts.is_empty() => {
            inc(&app.stats.duplicates.captures);
            return Err(SpError::business(
                "TRANSACTION_ALREADY_CAPTURED",
                "Transaction already captured",
            )
            .tx(&tx.id));
        }
        TxStatus::Captured if tx.parts_final => {
            return Err(SpError::wrong_state("Multipart capture was finalized").tx(&tx.id));
        }
        _ => {}
    }
    if cur != tx.currency {
        return Err(SpError::business(
            "CURRENCY_INVALID",
            "Currency does not match the authorization",
        )
        .tx(&tx.id));
    }
    if tx.captured_amount + value > tx.amount {
        return Err(SpError::business(
            "AMOUNT_INVALID",
            "The sum of the captures exceeds the authorized amount",
        )
        .detail(format!(
            "Amount: {} + {value} > authorized {}",
            tx.captured_amount, tx.amount
        ))
        .tx(&tx.id));
    }
    let cid = format!("{}_c{}", tx.id, tx.parts.len() + 1);
    tx.parts.push(Part {
        order_part_id: part_id.clone(),
        capture_id: cid.clone(),
        amount: value,
        date: ctx.now,
    });
    tx.captured_amount += value;
    tx.status = TxStatus::Captured;
    tx.capture_date.get_or_insert(ctx.now);
    tx.last_action = ctx.now;
    if kind == "FINAL" {
        tx.parts_final = true;
    }
    st.captures.insert(cid.clone(), id);
    st.order_parts.insert(part_id, cid.clone());
    inc(&app.stats.effects.multipart_captures);
    inc(&app.stats.effects.captures);
    Ok(json!({"CaptureId": cid, "Status": "CAPTURED", "Date": clock::fmt_saferpay(ctx.now)}))
}

fn multipart_finalize(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let mut st = lock(&app.saferpay);
    let mut v = V::default();
    let r = transaction_reference(&mut v, &st, ctx.body);
    let id = parse(v, r)?;
    let Some(tx) = st.txs.get_mut(&id) else {
        return Err(SpError::not_found());
    };
    if tx.parts.is_empty() || tx.parts_final {
        return Err(SpError::wrong_state("No open multipart capture to finalize").tx(&tx.id));
    }
    tx.parts_final = true;
    tx.last_action = ctx.now;
    Ok(json!({}))
}

fn cancel(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let mut st = lock(&app.saferpay);
    let mut v = V::default();
    let r = transaction_reference(&mut v, &st, ctx.body);
    let id = parse(v, r)?;
    let active_refunds = st
        .txs
        .get(&id)
        .map(|t| {
            t.refunds
                .iter()
                .filter(|r| {
                    st.txs
                        .get(*r)
                        .is_some_and(|x| x.status != TxStatus::Canceled)
                })
                .count()
        })
        .unwrap_or(0);
    let Some(tx) = st.txs.get_mut(&id) else {
        return Err(SpError::not_found());
    };
    match tx.status {
        TxStatus::Canceled => {
            return Err(SpError::wrong_state("Transaction is already canceled").tx(&tx.id));
        }
        TxStatus::Captured => {
            let same_day = tx
                .capture_date
                .is_some_and(|d| day_of(d) == day_of(ctx.now));
            if !same_day || !tx.parts.is_empty() || active_refunds > 0 {
                return Err(SpError::wrong_state(
                    "Transaction was captured and the daily closing has run (or it has multipart captures or refunds); refund it instead",
                )
                .tx(&tx.id));
            }
        }
        TxStatus::Authorized => {}
    }
    tx.status = TxStatus::Canceled;
    tx.cancel_date = Some(ctx.now);
    tx.last_action = ctx.now;
    let mut out = Map::new();
    out.insert("TransactionId".into(), tx.id.clone().into());
    if let Some(o) = &tx.order_id {
        out.insert("OrderId".into(), o.clone().into());
    }
    out.insert("Date".into(), clock::fmt_saferpay(ctx.now).into());
    inc(&app.stats.effects.cancels);
    Ok(Value::Object(out))
}

fn refund(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let mut st = lock(&app.saferpay);
    let mut v = V::default();
    validate_pending_notification(&mut v, ctx.body);
    let refund = v
        .obj(ctx.body, "", "Refund", true)
        .map(|m| Value::Object(m.clone()));
    let mut amount = None;
    let mut order_id = None;
    let mut description = None;
    let mut restrict = false;
    if let Some(r) = &refund {
        amount = v.amount(r, "Refund", "Amount", true, false);
        order_id = v
            .string(r, "Refund", "OrderId", false, Rule::Id(1, 80))
            .map(str::to_string);
        description = v
            .string(r, "Refund", "Description", false, Rule::Utf8(1, 1000))
            .map(str::to_string);
        v.string(r, "Refund", "PayerNote", false, Rule::Utf8(1, 50));
        restrict = v
            .boolean(r, "Refund", "RestrictRefundAmountToCapturedAmount")
            .unwrap_or(false);
    }
    let cref = v
        .obj(ctx.body, "", "CaptureReference", true)
        .map(|m| Value::Object(m.clone()));
    let mut target: Option<Result<String, SpError>> = None;
    if let Some(c) = &cref {
        let keys = ["CaptureId", "TransactionId", "OrderId", "OrderPartId"];
        let given: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|k| c.get(*k).is_some())
            .collect();
        if given.len() != 1 {
            v.invalid(
                "",
                "CaptureReference",
                "exactly one of CaptureId, TransactionId, OrderId or OrderPartId is required",
            );
        } else {
            let capture_id = v.string(c, "CaptureReference", "CaptureId", false, Rule::Id(1, 64));
            let tx_id = v.string(
                c,
                "CaptureReference",
                "TransactionId",
                false,
                Rule::AlphaNumeric(1, 64),
            );
            let oid = v.string(c, "CaptureReference", "OrderId", false, Rule::Id(1, 80));
            let part = v.string(c, "CaptureReference", "OrderPartId", false, Rule::Id(1, 80));
            target = Some(if let Some(cid) = capture_id {
                st.captures.get(cid).cloned().ok_or_else(SpError::not_found)
            } else if let Some(t) = tx_id {
                st.txs
                    .contains_key(t)
                    .then(|| t.to_string())
                    .ok_or_else(SpError::not_found)
            } else if let Some(o) = oid {
                latest_by_order(&st, o, Some(TxKind::Payment)).ok_or_else(SpError::not_found)
            } else if let Some(p) = part {
                st.order_parts
                    .get(p)
                    .and_then(|cid| st.captures.get(cid))
                    .cloned()
                    .ok_or_else(SpError::not_found)
            } else {
                Err(SpError::not_found())
            });
        }
    } else if ctx.body.get("TransactionReference").is_some() {
        v.errs.push("CaptureReference: refunds reference the capture (CaptureReference), not TransactionReference.".into());
    }
    let parent_id = parse(v, target)?;
    let Some((value, cur)) = amount else {
        return Err(SpError::validation(vec![
            "Refund.Amount: The Amount field is required.".into(),
        ]));
    };
    let Some(parent) = st.txs.get(&parent_id).cloned() else {
        return Err(SpError::not_found());
    };
    if parent.kind != TxKind::Payment {
        return Err(
            SpError::business("ACTION_NOT_SUPPORTED", "A refund cannot be refunded").tx(&parent.id),
        );
    }
    if parent.status != TxStatus::Captured {
        return Err(SpError::wrong_state(format!(
            "Transaction is {} — only captured transactions can be refunded",
            parent.status.name()
        ))
        .tx(&parent.id));
    }
    if cur != parent.currency {
        return Err(SpError::business(
            "CURRENCY_INVALID",
            "Currency does not match the captured transaction",
        )
        .tx(&parent.id));
    }
    let active: Vec<&Tx> = parent
        .refunds
        .iter()
        .filter_map(|r| st.txs.get(r))
        .filter(|r| r.status != TxStatus::Canceled)
        .collect();
    if restrict {
        let sum: i64 = active.iter().map(|r| r.amount).sum();
        if sum + value > parent.captured_amount {
            return Err(
                SpError::business("AMOUNT_INVALID", "Refund exceeds the captured amount")
                    .detail(format!(
                        "Refund.Amount: {sum} already refunded + {value} > captured {}",
                        parent.captured_amount
                    ))
                    .tx(&parent.id),
            );
        }
    }
    if active
        .iter()
        .any(|r| r.amount == value && r.order_id == order_id)
    {
        // Executed below: the same refund exists twice.
        inc(&app.stats.duplicates.refunds);
        inc(&app.stats.executed_duplicates.refunds);
    }
    let id = crate::ids::saferpay_id();
    let tx = Tx {
        id: id.clone(),
        kind: TxKind::Refund,
        status: TxStatus::Authorized,
        amount: value,
        currency: cur,
        order_id,
        description,
        terminal_id: parent.terminal_id.clone(),
        created: ctx.now,
        last_action: ctx.now,
        capture_id: None,
        captured_amount: 0,
        capture_date: None,
        cancel_date: None,
        parts: Vec::new(),
        parts_final: false,
        refunds: Vec::new(),
        parent: Some(parent.id.clone()),
        application: "Json Api",
        brand: parent.brand,
        masked: parent.masked.clone(),
        approval: format!("{:06}", fastrand::u32(0..1_000_000)),
        pre_auth: false,
        referenceable: false,
        three_ds: false,
    };
    let out = json!({"Transaction": tx_json(&tx), "PaymentMeans": payment_means_json(&tx)});
    st.txs.insert(id.clone(), tx);
    if let Some(p) = st.txs.get_mut(&parent_id) {
        p.refunds.push(id);
        p.last_action = ctx.now;
    }
    inc(&app.stats.effects.refunds);
    Ok(out)
}

fn inquire(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let st = lock(&app.saferpay);
    let mut v = V::default();
    let r = transaction_reference(&mut v, &st, ctx.body);
    let id = parse(v, r)?;
    let tx = st.txs.get(&id).ok_or_else(SpError::not_found)?;
    inc(&app.stats.effects.inquiries);
    let mut out = json!({"Transaction": tx_json(tx), "PaymentMeans": payment_means_json(tx)});
    if tx.kind == TxKind::Payment
        && let Value::Object(m) = &mut out
    {
        if tx.three_ds {
            m.insert("Liability".into(), liability_json());
        } else {
            m.insert(
                "Liability".into(),
                json!({"LiabilityShift": false, "LiableEntity": "MERCHANT", "InPsd2Scope": "YES"}),
            );
        }
    }
    Ok(out)
}

fn assert_capture(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let st = lock(&app.saferpay);
    let mut v = V::default();
    let Some(c) = v
        .obj(ctx.body, "", "CaptureReference", true)
        .map(|m| Value::Object(m.clone()))
    else {
        return Err(v.into_error());
    };
    let capture_id = v.string(&c, "CaptureReference", "CaptureId", false, Rule::Id(1, 64));
    let tx_id = v.string(
        &c,
        "CaptureReference",
        "TransactionId",
        false,
        Rule::AlphaNumeric(1, 64),
    );
    let oid = v.string(&c, "CaptureReference", "OrderId", false, Rule::Id(1, 80));
    let part = v.string(
        &c,
        "CaptureReference",
        "OrderPartId",
        false,
        Rule::Id(1, 80),
    );
    if [capture_id, tx_id, oid, part]
        .iter()
        .filter(|x| x.is_some())
        .count()
        != 1
    {
        v.invalid(
            "",
            "CaptureReference",
            "exactly one of CaptureId, TransactionId, OrderId or OrderPartId is required",
        );
    }
    if !v.ok() {
        return Err(v.into_error());
    }
    let (id, date) = if let Some(cid) = capture_id {
        let id = st
            .captures
            .get(cid)
            .cloned()
            .ok_or_else(SpError::not_found)?;
        let date = st.txs.get(&id).and_then(|t| {
            t.parts
                .iter()
                .find(|p| p.capture_id == cid)
                .map(|p| p.date)
                .or(t.capture_date)
        });
        (id, date)
    } else if let Some(p) = part {
        let cid = st.order_parts.get(p).ok_or_else(SpError::not_found)?;
        let id = st
            .captures
            .get(cid)
            .cloned()
            .ok_or_else(SpError::not_found)?;
        let date = st.txs.get(&id).and_then(|t| {
            t.parts
                .iter()
                .find(|x| &x.capture_id == cid)
                .map(|x| x.date)
        });
        (id, date)
    } else if let Some(t) = tx_id {
        let tx = st.txs.get(t).ok_or_else(SpError::not_found)?;
        (tx.id.clone(), tx.capture_date)
    } else {
        let id =
            latest_by_order(&st, oid.unwrap_or_default(), None).ok_or_else(SpError::not_found)?;
        let date = st.txs.get(&id).and_then(|t| t.capture_date);
        (id, date)
    };
    let tx = st.txs.get(&id).ok_or_else(SpError::not_found)?;
    if tx.status != TxStatus::Captured {
        return Err(
            SpError::wrong_state(format!("Transaction is {}", tx.status.name())).tx(&tx.id),
        );
    }
    let mut out = Map::new();
    out.insert("TransactionId".into(), tx.id.clone().into());
    if let Some(o) = &tx.order_id {
        out.insert("OrderId".into(), o.clone().into());
    }
    out.insert("Status".into(), "CAPTURED".into());
    out.insert(
        "Date".into(),
        clock::fmt_saferpay(date.unwrap_or(tx.last_action)).into(),
    );
    Ok(Value::Object(out))
}

fn assert_refund(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let st = lock(&app.saferpay);
    let mut v = V::default();
    let r = transaction_reference(&mut v, &st, ctx.body);
    let id = parse(v, r)?;
    let tx = st.txs.get(&id).ok_or_else(SpError::not_found)?;
    if tx.kind != TxKind::Refund {
        return Err(
            SpError::business("ACTION_NOT_SUPPORTED", "Transaction is not a refund").tx(&tx.id),
        );
    }
    if tx.status != TxStatus::Captured {
        return Err(SpError::wrong_state(format!(
            "Refund is {}; capture it first",
            tx.status.name()
        ))
        .tx(&tx.id));
    }
    let mut out = Map::new();
    out.insert("TransactionId".into(), tx.id.clone().into());
    if let Some(o) = &tx.order_id {
        out.insert("OrderId".into(), o.clone().into());
    }
    out.insert("Status".into(), "CAPTURED".into());
    out.insert(
        "Date".into(),
        clock::fmt_saferpay(tx.capture_date.unwrap_or(tx.last_action)).into(),
    );
    Ok(Value::Object(out))
}
