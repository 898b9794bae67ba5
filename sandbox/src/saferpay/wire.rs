//! JSON views of the state, as the spec's containers (PaymentMeans, Transaction, Liability).

use serde_json::{Map, Value, json};

use super::*;

/// Payment means JSON for a transaction.
pub fn payment_means_json(tx: &Tx) -> Value {
    let last4 = &tx.masked[tx.masked.len().saturating_sub(4)..];
    json!({
        "Brand": {"PaymentMethod": tx.brand, "Name": format!("{} Saferpay Test", tx.brand)},
        "DisplayText": format!("xxxx xxxx xxxx {last4}"),
        "Card": {
            "MaskedNumber": tx.masked,
            "ExpYear": 2030,
            "ExpMonth": 9,
            "HolderName": "Max Mustermann",
            "HolderSegment": "CONSUMER",
            "CountryCode": "CH",
            "FundingSource": "CREDIT",
        }
    })
}

/// Transaction JSON (`Payment_Models_Data_Transaction`).
pub fn tx_json(tx: &Tx) -> Value {
    let mut m = Map::new();
    m.insert(
        "Type".into(),
        (if tx.kind == TxKind::Payment {
            "PAYMENT"
        } else {
            "REFUND"
        })
        .into(),
    );
    m.insert("Status".into(), tx.status.name().into());
    m.insert("Id".into(), tx.id.clone().into());
    if let Some(c) = &tx.capture_id {
        m.insert("CaptureId".into(), c.clone().into());
    }
    m.insert("Date".into(), crate::clock::fmt_saferpay(tx.created).into());
    m.insert("Amount".into(), amount_json(tx.amount, tx.currency));
    if let Some(o) = &tx.order_id {
        m.insert("OrderId".into(), o.clone().into());
    }
    m.insert("AcquirerName".into(), "Saferpay Test Card".into());
    m.insert(
        "AcquirerReference".into(),
        format!(
            "{:011}",
            crate::ids::mix(tx.id.len() as u64 ^ tx.created.timestamp() as u64) % 100_000_000_000
        )
        .into(),
    );
    m.insert(
        "SixTransactionReference".into(),
        format!("0:0:3:{}", tx.id).into(),
    );
    m.insert("ApprovalCode".into(), tx.approval.clone().into());
    Value::Object(m)
}

/// Liability JSON.
pub fn liability_json() -> Value {
    json!({
        "LiabilityShift": true,
        "LiableEntity": "THREEDS",
        "InPsd2Scope": "YES",
        "ThreeDs": {"Authenticated": true, "Xid": "ARkvCgk5Y1t/BDFFXkUPGX9DUgs="}
    })
}
