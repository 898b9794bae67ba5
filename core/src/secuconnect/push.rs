//! Push notifications (`event.pushes`) sent to `return_urls.url_push`.
//!
//! Pushes are unsigned and carry no status, by design: anyone can POST one. Treat a push
//! only as a hint naming objects, then read those objects through the API (which is
//! authenticated) and act on what the API says. Acknowledge with 200 quickly (the provider
//! retries for 24 h and flags pushes not answered within 30 s) and deduplicate on `id`.

use serde::Deserialize;
use serde_json::Value;

use super::Client;
use super::payment_transactions::PaymentTransaction;
use crate::error::Error;
use crate::lenient;

/// Bodies larger than this are not pushes.
const MAX_PUSH_BYTES: usize = 64 * 1024;

/// The object type of Payment Transactions.
pub const PAYMENT_TRANSACTIONS: &str = "payment.transactions";

/// One object a push refers to.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PushObject {
    /// Object type, e.g. `payment.transactions`, or legacy `payment.secupaydebits`.
    pub object: String,
    pub id: String,
}

/// A parsed push. Holds ids only: fetch the objects to learn what happened.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PushNotification {
    /// `evt_...`; deliveries are repeated until acknowledged, so deduplicate on it.
    pub id: String,
    pub created: Option<String>,
    /// The object type the push is about, e.g. `payment.transactions`.
    pub target: String,
    /// `changed`, `added` or `display`.
    #[serde(rename = "type")]
    pub push_type: String,
    /// The ids of the referenced objects, in order.
    pub object_ids: Vec<String>,
    pub objects: Vec<PushObject>,
    pub raw: Value,
}

impl PushNotification {
    /// Ids of referenced Payment Transactions (`PCI_...`); fetch them with
    /// [`Client::get_payment_transaction`] or [`Client::fetch_push_payment_transactions`].
    pub fn payment_transaction_ids(&self) -> Vec<&str> {
        self.objects
            .iter()
            .filter(|o| o.object == PAYMENT_TRANSACTIONS)
            .map(|o| o.id.as_str())
            .collect()
    }

    /// A push of the legacy payment API (`payment.secupay...`), whose ids are transaction
    /// hashes that the v2 API does not read; match them against `transaction_hash`.
    pub fn is_legacy(&self) -> bool {
        self.target.starts_with("payment.secupay")
    }
}

#[derive(Deserialize)]
struct WirePush {
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    object: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    created: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    target: Option<String>,
    #[serde(
        default,
        rename = "type",
        deserialize_with = "lenient::opt_string_like"
    )]
    push_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::vec_or_empty")]
    data: Vec<WireObject>,
}

#[derive(Deserialize)]
struct WireObject {
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    object: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    id: Option<String>,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::validation("body", message)
}

/// Parses a push body. Refuses (with a validation error naming `body`) anything that is not
/// an `event.pushes` object with an id, a target and at least one referenced object.
pub fn parse_push(body: &[u8]) -> Result<PushNotification, Error> {
    if body.len() > MAX_PUSH_BYTES {
        return Err(invalid(format!(
            "is {} bytes; pushes are small (at most {MAX_PUSH_BYTES})",
            body.len()
        )));
    }
    let raw: Value =
        serde_json::from_slice(body).map_err(|e| invalid(format!("is not JSON ({e})")))?;
    let wire = WirePush::deserialize(&raw)
        .map_err(|e| invalid(format!("is not a push notification ({e})")))?;
    match wire.object.as_deref() {
        Some("event.pushes") | None => {}
        Some(other) => {
            return Err(invalid(format!(
                "is a {other:?} object, not a push (event.pushes)"
            )));
        }
    }
    let id = wire
        .id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| invalid("push without an id"))?;
    let target = wire
        .target
        .filter(|t| !t.is_empty())
        .ok_or_else(|| invalid("push without a target"))?;
    let objects: Vec<PushObject> = wire
        .data
        .into_iter()
        .filter_map(|item| {
            let id = item.id.filter(|id| !id.is_empty())?;
            Some(PushObject {
                object: item.object.unwrap_or_else(|| target.clone()),
                id,
            })
        })
        .collect();
    if objects.is_empty() {
        return Err(invalid("push refers to no object"));
    }
    Ok(PushNotification {
        id,
        created: wire.created,
        target,
        push_type: wire.push_type.unwrap_or_default(),
        object_ids: objects.iter().map(|o| o.id.clone()).collect(),
        objects,
        raw,
    })
}

impl Client {
    /// Parses a push body (the same as [`parse_push`]).
    pub fn parse_push(body: &[u8]) -> Result<PushNotification, Error> {
        parse_push(body)
    }

    /// Reads every Payment Transaction a push refers to, through the authenticated API:
    /// the trustworthy status is in these answers, never in the push. Empty for pushes about
    /// other objects (and legacy pushes; see [`PushNotification::is_legacy`]).
    pub async fn fetch_push_payment_transactions(
        &self,
        push: &PushNotification,
    ) -> Result<Vec<PaymentTransaction>, Error> {
        let ids: Vec<String> = push
            .payment_transaction_ids()
            .into_iter()
            .map(str::to_owned)
            .collect();
        for id in &ids {
            super::check_path_id("id", id)?;
        }
        self.spawn(move |client| async move {
            let mut transactions = Vec::with_capacity(ids.len());
            for id in &ids {
                let transaction = if id.starts_with("PCI_") {
                    client.read_payment_transaction(id).await?
                } else {
                    // Some pushes (TWINT) name the payment by its Flex.API transaction hash,
                    // which only the old-format read accepts.
                    client.read_old_format(id).await?
                };
                transactions.push(transaction);
            }
            Ok(transactions)
        })
        .await
    }

    /// Reads a payment by its hash through `GET /Payment/Transactions/{id}/OldFormat` (the
    /// SDK's `getPaymentTransactionsOldFormat`), then, when the answer names the `PCI_` id
    /// (`payment_id`), the payment transaction itself.
    pub(crate) async fn read_old_format(&self, id: &str) -> Result<PaymentTransaction, Error> {
        let raw = self
            .api(super::ApiCall {
                operation: "secuconnect.payment_transactions.old_format",
                method: http::Method::GET,
                path: format!("/Payment/Transactions/{}/OldFormat", super::segment(id)),
                query: Vec::new(),
                body: None,
                safety: crate::http::Safety::Read,
                settle: None,
            })
            .await?;
        match lenient::text(raw.get("payment_id")) {
            Some(pci) if pci.starts_with("PCI_") && super::check_path_id("id", &pci).is_ok() => {
                self.read_payment_transaction(&pci).await
            }
            _ => PaymentTransaction::from_old_format(raw, id),
        }
    }
}
