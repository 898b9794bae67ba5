//! Ground truth for tests: what the sandbox really holds, independent of what a client
//! believes happened. Used to prove "exactly once" under faults and to scan for leaked tokens.

use serde_json::{Value, json};

use crate::Sandbox;
use crate::state::lock;

impl Sandbox {
    /// Every access and refresh token issued since the last reset (for secret-leak scans).
    pub fn issued_tokens(&self) -> Vec<String> {
        let secu = lock(&self.app.secu);
        secu.tokens
            .keys()
            .chain(secu.refresh.keys())
            .cloned()
            .collect()
    }

    /// How many objects carry `reference`: Saferpay offers and payment pages by OrderId,
    /// Smart Transactions by merchant_ref, SekurePay orders by id.
    pub fn objects_for_reference(&self, reference: &str) -> Value {
        let saferpay = lock(&self.app.saferpay);
        let offers = saferpay
            .offer_order_ids
            .get(reference)
            .copied()
            .unwrap_or(0);
        let payment_pages = saferpay
            .session_order_ids
            .get(reference)
            .copied()
            .unwrap_or(0);
        drop(saferpay);
        let smart_transactions = lock(&self.app.secu)
            .merchant_refs
            .get(reference)
            .copied()
            .unwrap_or(0);
        let orders = u32::from(lock(&self.app.sekure).orders.contains_key(reference));
        json!({
            "offers": offers,
            "payment_pages": payment_pages,
            "smart_transactions": smart_transactions,
            "orders": orders,
        })
    }

    /// A Saferpay transaction as the sandbox holds it: status, captured amount and the ids
    /// of the refunds made from it; `None` for an unknown id.
    pub fn saferpay_transaction(&self, transaction_id: &str) -> Option<Value> {
        let saferpay = lock(&self.app.saferpay);
        let tx = saferpay.txs.get(transaction_id)?;
        Some(json!({
            "id": tx.id,
            "status": format!("{:?}", tx.status).to_uppercase(),
            "captured_amount": tx.captured_amount,
            "capture_id": tx.capture_id,
            "refunds": tx.refunds,
            "parts": tx.parts.iter().map(|p| json!({"order_part_id": p.order_part_id, "capture_id": p.capture_id, "amount": p.amount})).collect::<Vec<_>>(),
        }))
    }

    /// A secuconnect payment transaction as the sandbox holds it: status, amount still in
    /// effect and the ids of its refund transactions; `None` for an unknown id.
    pub fn secuconnect_payment_transaction(&self, id: &str) -> Option<Value> {
        let secu = lock(&self.app.secu);
        let p = secu.ptx.get(id)?;
        Some(json!({
            "id": p.id,
            "status": p.status,
            "amount": p.amount,
            "remaining": p.remaining,
            "refunds": p.children,
            "smart_transaction": p.stx_id,
        }))
    }

    /// The payment transaction behind a smart transaction, once it has one.
    pub fn payment_transaction_of(&self, smart_transaction_id: &str) -> Option<String> {
        lock(&self.app.secu)
            .stx
            .get(smart_transaction_id)
            .and_then(|stx| stx.ptx.clone())
    }

    /// A secuconnect payment transaction's refunded total so far, by id.
    pub fn smart_transaction_status(&self, id: &str) -> Option<String> {
        lock(&self.app.secu)
            .stx
            .get(id)
            .map(|stx| stx.status().to_owned())
    }
}
