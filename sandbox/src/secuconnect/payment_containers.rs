//! Payment Containers (`PCT_`): create (bank accounts, with a SEPA mandate), get, list, delete;
//! and the payment methods of the contract. Shapes from the SDK models
//! (`PaymentContainersDTO` in, `PaymentContainersProductModel` out, `PaymentContainerMandate`).

use super::{MERCHANT_ID, bad_request, not_found};
use crate::clock::fmt_secu;
use crate::credentials::SECUCONNECT_CONTRACT_ID;
use crate::reply::{ApiRequest, Reply};
use crate::routes::Route;
use crate::state::{App, lock};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// Dispatch the Payment Container and Contract routes.
pub fn handle(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    match route {
        Route::PctCreate => create(app, req),
        Route::PctList => {
            let st = lock(&app.secu);
            let items = st
                .container_order
                .iter()
                .filter_map(|id| st.containers.get(id).cloned())
                .collect();
            drop(st);
            super::smart_transactions::list_reply(req, items)
        }
        Route::PctGet => match lock(&app.secu).containers.get(req.param(0)) {
            Some(c) => Reply::json(200, c),
            None => not_found(req.param(0)),
        },
        Route::PctDelete => {
            let id = req.param(0);
            let mut st = lock(&app.secu);
            match st.containers.remove(id) {
                Some(c) => {
                    st.container_order.retain(|x| x != id);
                    Reply::json(200, &json!([c]))
                }
                None => not_found(id),
            }
        }
        _ => payment_methods(req),
    }
}

fn payment_methods(req: &ApiRequest) -> Reply {
    let id = req.param(0);
    if id != SECUCONNECT_CONTRACT_ID {
        return not_found(id);
    }
    Reply::json(
        200,
        &json!(super::smart_transactions::CONTRACT_PAYMENT_METHODS),
    )
}

/// ISO 13616 check (mod 97) of an IBAN without spaces.
pub fn iban_ok(iban: &str) -> bool {
    let shaped = (15..=34).contains(&iban.len())
        && iban.chars().take(2).all(|c| c.is_ascii_uppercase())
        && iban.chars().all(|c| c.is_ascii_alphanumeric());
    if !shaped {
        return false;
    }
    let (head, tail) = iban.split_at(4);
    let mut rem: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let Some(v) = c.to_digit(36) else {
            return false;
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

fn masked(iban: &str) -> String {
    let n = iban.len();
    if n <= 8 {
        return "*".repeat(n);
    }
    format!("{}{}{}", &iban[..4], "X".repeat(n - 8), &iban[n - 4..])
}

/// A stored container object for `kind` with `private` data.
pub fn container_json(
    id: &str,
    kind: &str,
    private: Option<&Map<String, Value>>,
    customer: Option<&str>,
    now: DateTime<Utc>,
) -> Value {
    let mut obj = json!({
        "object": "payment.containers",
        "id": id,
        "created": fmt_secu(now),
        "merchant": {"object": "general.merchants", "id": MERCHANT_ID},
        "contract": {"object": "payment.contracts", "id": SECUCONNECT_CONTRACT_ID},
        "type": kind,
    });
    if let Some(customer) = customer {
        obj["customer"] = json!({"object": "payment.customers", "id": customer});
    }
    if kind == "bank_account"
        && let Some(private) = private
    {
        let iban = private.get("iban").and_then(Value::as_str).unwrap_or("");
        let iban: String = iban.chars().filter(|c| !c.is_whitespace()).collect();
        let owner = private.get("owner").cloned().unwrap_or(Value::Null);
        let bic = private
            .get("bic")
            .cloned()
            .unwrap_or_else(|| "SANDDEFFXXX".into());
        obj["private"] =
            json!({"owner": owner, "iban": iban, "bic": bic, "bankname": "Sandbox Bank"});
        obj["public"] =
            json!({"owner": owner, "iban": masked(&iban), "bic": bic, "bankname": "Sandbox Bank"});
        obj["mandate"] = json!({
            "sepa_mandate_id": format!("SMA{}", crate::ids::hex(12).to_uppercase()),
            "iban": iban,
            "bic": bic,
            "type": "COR1",
            "status": "active",
            "identification": crate::ids::hex(16),
            "creditor_id": "DE88ZZZ00000000001",
        });
    }
    obj
}

/// Checks an inline bank account container (`type`, `private.owner`, `private.iban`).
pub fn check_bank_account(c: &Value) -> Result<(), String> {
    let kind = c.get("type").and_then(Value::as_str).unwrap_or("");
    if kind != "bank_account" {
        return Err(format!(
            "type: {kind:?} cannot be created through the API (bank_account only; card \
             containers come from the payer's checkout)"
        ));
    }
    let private = c
        .get("private")
        .and_then(Value::as_object)
        .ok_or("private: required ({owner, iban, bic})")?;
    match private.get("owner").and_then(Value::as_str) {
        Some(o) if !o.trim().is_empty() => {}
        _ => return Err("private.owner: required".into()),
    }
    let iban = private.get("iban").and_then(Value::as_str).unwrap_or("");
    let clean: String = iban.chars().filter(|c| !c.is_whitespace()).collect();
    if !iban_ok(&clean) {
        return Err("private.iban: not a valid IBAN".into());
    }
    Ok(())
}

/// Stores a container and returns its object.
pub fn store(st: &mut super::State, obj: Value) -> Value {
    if let Some(id) = obj.get("id").and_then(Value::as_str) {
        st.container_order.push(id.to_string());
        st.containers.insert(id.to_string(), obj.clone());
    }
    obj
}

fn create(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let body = match req.json() {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => return bad_request("request body must be a JSON object"),
        Err(e) => return bad_request(&e),
    };
    if let Err(e) = check_bank_account(&body) {
        return bad_request(&e);
    }
    let customer = match body.get("customer").map(|c| c.get("id")) {
        None | Some(None) => None,
        Some(Some(Value::String(id))) if id.starts_with("PCU_") => Some(id.clone()),
        Some(Some(_)) => return bad_request("customer.id: must be a PCU_ id"),
    };
    let id = crate::ids::secu_id("PCT");
    let obj = container_json(
        &id,
        "bank_account",
        body.get("private").and_then(Value::as_object),
        customer.as_deref(),
        app.clock.now(),
    );
    let mut st = lock(&app.secu);
    let out = store(&mut st, obj);
    Reply::json(200, &out)
}
