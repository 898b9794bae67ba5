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
        }))
    }

    /// A secuconnect payment transaction's refunded total so far, by id.
    pub fn smart_transaction_status(&self, id: &str) -> Option<String> {
        lock(&self.app.secu)
            .stx
            .get(id)
            .map(|stx| stx.status().to_owned())
    }
}
