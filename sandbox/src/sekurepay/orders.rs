//! Orders: create (totals checked) and get.
//!
//! Totals rule: every item's `amount_cents` is its unit amount; an item with `quantity`
//! counts `amount_cents × quantity`, without it counts once. `sub_total_cents` must equal the
//! sum over items, and `total_cents` must equal `sub_total_cents + shipping_amount_cents +
//! Σ taxes[].amount_cents`. Amounts may be JSON integers or strings of digits.

use super::error;
use crate::clock::fmt_secu;
use crate::reply::{ApiRequest, Reply};
use crate::state::{App, lock};
use crate::stats::inc;
use serde_json::{Map, Value, json};
use std::sync::Arc;

fn cents(v: Option<&Value>, path: &str, required: bool, errs: &mut Vec<String>) -> Option<i64> {
    match v {
        None | Some(Value::Null) => {
            if required {
                errs.push(format!("{path}: is required"));
            }
            None
        }
        Some(Value::Number(n)) => match n.as_i64() {
            Some(x) if x >= 0 => Some(x),
            _ => {
                errs.push(format!(
                    "{path}: must be a non-negative integer number of cents"
                ));
                None
            }
        },
        Some(Value::String(s))
            if !s.is_empty() && s.len() <= 18 && s.chars().all(|c| c.is_ascii_digit()) =>
        {
            s.parse().ok()
        }
        Some(_) => {
            errs.push(format!(
                "{path}: must be an integer number of cents (number or string of digits)"
            ));
            None
        }
    }
}

fn lines(
    m: &Map<String, Value>,
    key: &str,
    required: bool,
    with_quantity: bool,
    errs: &mut Vec<String>,
) -> (Vec<Value>, i64) {
    let mut out = Vec::new();
    let mut total = 0i64;
    match m.get(key) {
        None | Some(Value::Null) => {
            if required {
                errs.push(format!("{key}: is required"));
            }
        }
        Some(Value::Array(items)) => {
            if required && items.is_empty() {
                errs.push(format!("{key}: must contain at least one entry"));
            }
            for (i, item) in items.iter().enumerate() {
                let p = format!("{key}[{i}]");
                let Value::Object(o) = item else {
                    errs.push(format!("{p}: must be an object"));
                    continue;
                };
                let desc = match o.get("description") {
                    Some(Value::String(s)) if !s.is_empty() => s.clone(),
                    _ => {
                        errs.push(format!("{p}.description: is required"));
                        String::new()
                    }
                };
                let amount = cents(
                    o.get("amount_cents"),
                    &format!("{p}.amount_cents"),
                    true,
                    errs,
                )
                .unwrap_or(0);
                let mut line = json!({"description": desc, "amount_cents": amount});
                let mut qty = 1i64;
                if with_quantity && let Some(q) = o.get("quantity") {
                    match cents(Some(q), &format!("{p}.quantity"), true, errs) {
                        Some(n) if n >= 1 => qty = n,
                        Some(_) => errs.push(format!("{p}.quantity: must be at least 1")),
                        None => {}
                    }
                    line["quantity"] = qty.into();
                }
                total = total.saturating_add(amount.saturating_mul(qty));
                out.push(line);
            }
        }
        Some(_) => errs.push(format!("{key}: must be an array")),
    }
    (out, total)
}

/// POST /orders.
pub fn create(app: &Arc<App>, req: &ApiRequest) -> Reply {
    if !req.content_type_is_json() {
        return error(
            415,
            "unsupported_media_type",
            "Content-Type must be application/json",
        );
    }
    let m = match req.json() {
        Ok(Value::Object(m)) => m,
        Ok(_) => return error(400, "bad_request", "The request body must be a JSON object"),
        Err(e) => return error(400, "bad_request", &e),
    };
    let mut errs = Vec::new();
    let id = match m.get("id") {
        Some(Value::String(s))
            if !s.is_empty()
                && s.len() <= 255
                && !s.contains('/')
                && !s.chars().any(char::is_control) =>
        {
            s.clone()
        }
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            errs.push(
                "id: a merchant generated order id (1 to 255 characters, no '/') is required"
                    .to_string(),
            );
            String::new()
        }
    };
    let currency = match m.get("currency") {
        Some(Value::String(c)) if crate::currency::find(c).is_some() => c.clone(),
        _ => {
            errs.push("currency: a known ISO 4217 code is required".into());
            String::new()
        }
    };
    let (items, items_total) = lines(&m, "items", true, true, &mut errs);
    let (taxes, taxes_total) = lines(&m, "taxes", false, false, &mut errs);
    let shipping = cents(
        m.get("shipping_amount_cents"),
        "shipping_amount_cents",
        false,
        &mut errs,
    )
    .unwrap_or(0);
    let sub_total = cents(m.get("sub_total_cents"), "sub_total_cents", true, &mut errs);
    let total = cents(m.get("total_cents"), "total_cents", true, &mut errs);
    if !errs.is_empty() {
        return Reply::json(
            400,
            &json!({"error": "bad_request", "message": "The order is invalid", "details": errs}),
        );
    }
    let (Some(sub_total), Some(total)) = (sub_total, total) else {
        return error(
            400,
            "bad_request",
            "sub_total_cents and total_cents are required",
        );
    };
    let mut mismatch = Vec::new();
    if sub_total != items_total {
        mismatch.push(format!(
            "sub_total_cents: {sub_total} does not equal the sum of items[].amount_cents × quantity ({items_total})"
        ));
    }
    let expected = sub_total
        .saturating_add(shipping)
        .saturating_add(taxes_total);
    if total != expected {
        mismatch.push(format!(
            "total_cents: {total} does not equal sub_total_cents + shipping_amount_cents + taxes ({sub_total} + {shipping} + {taxes_total} = {expected})"
        ));
    }
    if !mismatch.is_empty() {
        return Reply::json(
            422,
            &json!({"error": "unprocessable_entity", "message": "The order totals do not add up", "details": mismatch}),
        );
    }
    let mut order = json!({
        "id": id,
        "status": "created",
        "currency": currency,
        "sub_total_cents": sub_total,
        "shipping_amount_cents": shipping,
        "tax_total_cents": taxes_total,
        "total_cents": total,
        "items": items,
        "taxes": taxes,
    });
    let mut st = lock(&app.sekure);
    if let Some(existing) = st.orders.get(&id) {
        // 409 either way. The same order sent again (a blind client retry) is a logical
        // duplicate; a different order that reuses the id is only a conflict.
        let mut same = existing.clone();
        if let Value::Object(m) = &mut same {
            m.remove("created_at");
        }
        if same == order {
            inc(&app.stats.duplicates.orders);
        }
        return error(
            409,
            "conflict",
            &format!("An order with id {id} already exists"),
        );
    }
    order["created_at"] = fmt_secu(app.clock.now()).into();
    st.orders.insert(id, order.clone());
    inc(&app.stats.effects.orders_created);
    Reply::json(201, &order)
}

/// GET /orders/{id}.
pub fn get(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let id = req.param(0);
    match lock(&app.sekure).orders.get(id) {
        Some(o) => Reply::json(200, o),
        None => error(404, "not_found", &format!("Order {id} not found")),
    }
}
