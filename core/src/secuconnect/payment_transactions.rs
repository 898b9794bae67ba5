//! Payment Transactions (`/api/v2/Payment/Transactions`, ids `PCI_...`): the payments
//! behind Smart Transactions. Read them, check their status, and cancel or refund them
//! (fully, or partly with `reduce_amount_by`).

use http::Method;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::error::with_hint;
use super::{ApiCall, Client, segment};
use crate::error::{Error, Provider};
use crate::http::{Lookup, Safety};
use crate::lenient;
use crate::money::{Currency, Money};
use crate::validate;

crate::output_record! {
    /// A link between payment transactions (the SDK's `ParentObj`): an entry of `parents` (on a
    /// refund, the payment it refunds) or of `related_transactions` (on a payment, its refunds).
    #[derive(Clone, Debug, PartialEq, serde::Serialize)]
    pub struct ParentObj {
        /// `payment.transactions`
        pub object: Option<String>,
        /// `PCI_…`
        pub id: String,
        pub trans_id: Option<i64>,
        /// The kind of link (19 for a refund in the guides).
        pub ref_type_id: Option<i64>,
        pub ref_type_raw: Option<String>,
        /// `parent` or `child`, seen from the transaction that lists it.
        pub hierarchy: Option<String>,
    }
}

crate::output_record! {
    /// A Payment Transaction (`PCI_…`, the SDK's `PaymentTransactionsProductModel`).
    ///
    /// `status` is the detailed status (e.g. 25 "Vorkasse wartend"); `status_simple` (from
    /// `details`) the simple one: 1 accepted, 2 authorised, 3 denied, 4 issue, 5 void, 6 issue
    /// resolved, 7 refund, 9 paid, 10 pending, 11/12 subscription approved/declined, 13 on
    /// hold, 14 waiting for shipment, 15/16 container authorised/denied. `amount` is the
    /// transaction's own: refunds leave it unchanged (what is left is `check_payment_status`'s
    /// amount); a refund transaction's is negative on the wire (`signed_amount`).
    #[derive(Clone, Debug, serde::Serialize)]
    pub struct PaymentTransaction {
        pub id: String,
        pub trans_id: Option<String>,
        pub transaction_hash: Option<String>,
        /// The provider's detailed status code, as text.
        pub status: Option<String>,
        pub status_text: Option<String>,
        pub status_simple: Option<i64>,
        pub status_simple_text: Option<String>,
        /// The amount, never negative (a refund's as a positive amount; see `signed_amount`).
        pub amount: Option<Money>,
        /// The amount in minor units as the API sends it: negative for a refund or reversal.
        pub signed_amount: Option<i64>,
        pub currency: Option<String>,
        /// The payment product, e.g. `Vorkasse`, `PayPal`, `Erstattung` (a refund).
        pub product: Option<String>,
        pub description: Option<String>,
        /// Whether the payment is booked as an accrual (see `revoke_accrual`).
        pub accrual: Option<bool>,
        /// On a refund: the payment it refunds.
        pub parents: Vec<ParentObj>,
        /// On a payment: its refunds.
        pub related_transactions: Vec<ParentObj>,
        pub created: Option<String>,
        pub updated: Option<String>,
        pub order_id: Option<String>,
        pub raw: Value,
    }
}

impl PaymentTransaction {
    /// A refund (or reversal) of another payment transaction.
    pub fn is_refund(&self) -> bool {
        !self.parents.is_empty() || self.signed_amount.is_some_and(|a| a < 0)
    }
}

/// The answer of `checkStatus`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PaymentStatus {
    pub status: Option<String>,
    pub status_text: Option<String>,
    pub status_simple: Option<i64>,
    pub status_simple_text: Option<String>,
    /// The effective amount after refunds (zero when fully cancelled).
    pub amount: Option<Money>,
    pub raw: Value,
}

/// Cancel or refund. Without `reduce_amount_by` the whole payment is cancelled (before the
/// money moved) or refunded (after).
#[derive(Clone, Debug, Default)]
pub struct CancelPayment {
    /// Partial refund; in the transaction's currency, at most what is left of it.
    pub reduce_amount_by: Option<Money>,
    /// Up to 100 characters.
    pub reason: Option<String>,
}

impl CancelPayment {
    pub fn full() -> CancelPayment {
        CancelPayment::default()
    }

    pub fn partial(amount: Money) -> CancelPayment {
        CancelPayment {
            reduce_amount_by: Some(amount),
            reason: None,
        }
    }

    pub(crate) fn to_wire(&self) -> Result<Value, Error> {
        let mut body = Map::new();
        if let Some(amount) = &self.reduce_amount_by {
            if amount.is_zero() {
                return Err(Error::validation(
                    "reduce_amount_by",
                    "must be greater than zero (omit it to cancel the whole payment)",
                ));
            }
            body.insert("reduce_amount_by".into(), json!(amount.minor()));
        }
        if let Some(reason) = &self.reason {
            validate::length("reason", reason, 1, 100)?;
            body.insert("reason".into(), json!(reason));
        }
        Ok(Value::Object(body))
    }
}

#[derive(Deserialize, Default)]
struct WireDetails {
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    status_text: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64_like")]
    status_simple: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    status_simple_text: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64_like")]
    amount: Option<i64>,
}

#[derive(Deserialize)]
struct WirePayment {
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    trans_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    transaction_hash: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    status_text: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64_like")]
    status_simple: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    status_simple_text: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64_like")]
    amount: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    currency: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    created: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    updated: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    order_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    product: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    description: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool_like")]
    accrual: Option<bool>,
    #[serde(default)]
    parents: Value,
    #[serde(default)]
    related_transactions: Value,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    details: Option<WireDetails>,
}

/// A `parents` / `related_transactions` list: `ParentObj`s, tolerating bare ids and a missing
/// or odd list.
fn parent_objs(value: &Value) -> Vec<ParentObj> {
    let Some(items) = value.as_array() else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match item {
            Value::String(id) if !id.is_empty() => Some(ParentObj {
                object: None,
                id: id.clone(),
                trans_id: None,
                ref_type_id: None,
                ref_type_raw: None,
                hierarchy: None,
            }),
            Value::Object(_) => Some(ParentObj {
                object: lenient::text(item.get("object")),
                id: lenient::text(item.get("id")).filter(|id| !id.is_empty())?,
                trans_id: int(item.get("trans_id")),
                ref_type_id: int(item.get("ref_type_id")),
                ref_type_raw: lenient::text(item.get("ref_type_raw")),
                hierarchy: lenient::text(item.get("hierarchy")),
            }),
            _ => None,
        })
        .collect()
}

fn int(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn decode<T: serde::de::DeserializeOwned>(raw: &Value, what: &str) -> Result<T, Error> {
    T::deserialize(raw).map_err(|e| {
        Error::decode(
            Provider::Secuconnect,
            format!("unexpected {what} shape: {e}"),
        )
        .with_raw(crate::error::scrub_body(raw.to_string().as_bytes()))
    })
}

fn money(minor: Option<i64>, currency: Option<&str>) -> Option<Money> {
    let currency = Currency::from_code(currency?).ok()?;
    Money::new(minor?, currency).ok()
}

impl PaymentTransaction {
    pub fn from_wire(raw: Value, known_id: Option<&str>) -> Result<PaymentTransaction, Error> {
        let wire: WirePayment = decode(&raw, "Payment Transaction")?;
        let id = wire
            .id
            .filter(|id| !id.is_empty())
            .or_else(|| known_id.map(str::to_owned))
            .ok_or_else(|| {
                Error::decode(Provider::Secuconnect, "Payment Transaction without an id")
            })?;
        let details = wire.details.unwrap_or_default();
        let signed_amount = wire.amount.or(details.amount);
        let amount = money(signed_amount.map(i64::abs), wire.currency.as_deref());
        Ok(PaymentTransaction {
            id,
            trans_id: wire.trans_id,
            transaction_hash: wire.transaction_hash,
            status: wire.status.or(details.status),
            status_text: wire.status_text.or(details.status_text),
            status_simple: wire.status_simple.or(details.status_simple),
            status_simple_text: wire.status_simple_text.or(details.status_simple_text),
            amount,
            signed_amount,
            currency: wire.currency,
            product: wire.product,
            description: wire.description,
            accrual: wire.accrual,
            parents: parent_objs(&wire.parents),
            related_transactions: parent_objs(&wire.related_transactions),
            created: wire.created,
            updated: wire.updated,
            order_id: wire.order_id,
            raw,
        })
    }
}

/// The old (Flex.API) format's fields (`SecupayTransactionProductModel`).
#[derive(Deserialize)]
struct WireOldFormat {
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    trans_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    transaction_status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64_like")]
    amount: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    currency: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    order_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    purpose: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool_like")]
    accrual: Option<bool>,
}

impl PaymentTransaction {
    /// A payment read in the old format, known only by its transaction hash `hash`: its
    /// status is the old format's text (`status`), there is no simple status.
    pub(crate) fn from_old_format(raw: Value, hash: &str) -> Result<PaymentTransaction, Error> {
        let wire: WireOldFormat = decode(&raw, "old-format payment")?;
        Ok(PaymentTransaction {
            id: hash.to_owned(),
            trans_id: wire.trans_id,
            transaction_hash: Some(hash.to_owned()),
            status: wire.status.clone(),
            status_text: wire.transaction_status.or(wire.status),
            status_simple: None,
            status_simple_text: None,
            amount: money(wire.amount.map(i64::abs), wire.currency.as_deref()),
            signed_amount: wire.amount,
            currency: wire.currency,
            product: None,
            description: wire.purpose,
            accrual: wire.accrual,
            parents: Vec::new(),
            related_transactions: Vec::new(),
            created: None,
            updated: None,
            order_id: wire.order_id,
            raw,
        })
    }
}

impl PaymentStatus {
    pub fn from_wire(raw: Value) -> Result<PaymentStatus, Error> {
        let wire: WirePayment = decode(&raw, "payment status")?;
        let details = wire.details.unwrap_or_default();
        Ok(PaymentStatus {
            status: wire.status.or(details.status),
            status_text: wire.status_text.or(details.status_text),
            status_simple: wire.status_simple.or(details.status_simple),
            status_simple_text: wire.status_simple_text.or(details.status_simple_text),
            amount: money(wire.amount.or(details.amount), wire.currency.as_deref()),
            raw,
        })
    }
}

/// Cancel answers an array of transactions; accept a single object or a `data` list too.
fn transactions_from_cancel(raw: Value, id: &str) -> Result<Vec<PaymentTransaction>, Error> {
    let items = match raw {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove("data").or_else(|| map.remove("result")) {
            Some(Value::Array(items)) => items,
            Some(_) | None if map.is_empty() => Vec::new(),
            _ => vec![Value::Object(map)],
        },
        Value::Null => Vec::new(),
        other => {
            return Err(Error::decode(
                Provider::Secuconnect,
                format!("unexpected cancel answer: {other}"),
            ));
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| PaymentTransaction::from_wire(item, (i == 0).then_some(id)))
        .collect()
}

fn check_id(id: &str) -> Result<(), Error> {
    super::check_path_id("id", id)
}

impl Client {
    /// Reads a Payment Transaction (`PCI_...`).
    pub async fn get_payment_transaction(&self, id: &str) -> Result<PaymentTransaction, Error> {
        check_id(id)?;
        let id = id.to_owned();
        self.spawn(move |client| async move { client.read_payment_transaction(&id).await })
            .await
    }

    pub(crate) async fn read_payment_transaction(
        &self,
        id: &str,
    ) -> Result<PaymentTransaction, Error> {
        let raw = self
            .api(ApiCall {
                operation: "secuconnect.payment_transactions.get",
                method: Method::GET,
                path: format!("/Payment/Transactions/{}", segment(id)),
                query: Vec::new(),
                body: None,
                safety: Safety::Read,
                settle: None,
            })
            .await?;
        PaymentTransaction::from_wire(raw, Some(id))
    }

    /// Status and effective amount (after refunds) of a Payment Transaction.
    pub async fn check_payment_status(&self, id: &str) -> Result<PaymentStatus, Error> {
        check_id(id)?;
        let id = id.to_owned();
        self.spawn(move |client| async move { client.read_payment_status(&id).await })
            .await
    }

    /// Cancels or refunds a Payment Transaction, fully or by `reduce_amount_by`. Returns the
    /// affected transactions (a refund after payment creates linked refund transactions).
    ///
    /// A partial refund first checks the currency and that the amount is not more than what is
    /// left of the payment after earlier refunds (`checkStatus`). secuconnect has no idempotency key, so the cancel is settled against the
    /// transaction itself: before sending, paywire reads it (`related_transactions`) and its
    /// `checkStatus` amount; after an ambiguous failure (timeout, reset, 5xx, unreadable
    /// answer) it reads both again. A new linked refund or a lower amount in effect means the
    /// cancel was applied (its transactions are returned); neither, and the attempt cannot
    /// still be running, it is sent again; otherwise the error is `outcome_unknown`, naming
    /// `check_payment_status`. Cancels of one transaction are serialised within the client;
    /// another process refunding the same transaction at the same time defeats the check.
    pub async fn cancel_payment_transaction(
        &self,
        id: &str,
        request: CancelPayment,
    ) -> Result<Vec<PaymentTransaction>, Error> {
        check_id(id)?;
        let body = request.to_wire()?;
        let id = id.to_owned();
        self.spawn(move |client| async move {
            let lock = client.inner.cancel_locks.lock_for(&id);
            let _serialised = lock.lock().await;
            let before = client.cancel_snapshot(&id).await?;
            // What is left after earlier refunds (checkStatus), not the payment's original
            // amount, which refunds leave unchanged.
            let left = before.remaining.or(before.payment.amount);
            if let Some(reduce) = &request.reduce_amount_by
                && let Some(amount) = &left
            {
                if amount.currency() != reduce.currency() {
                    return Err(Error::validation(
                        "reduce_amount_by",
                        format!(
                            "is in {} but the payment is in {}",
                            reduce.currency(),
                            amount.currency()
                        ),
                    ));
                }
                if reduce.minor() > amount.minor() {
                    return Err(Error::validation(
                        "reduce_amount_by",
                        format!(
                            "{} is more than the {} left of the payment",
                            reduce.to_decimal_string(),
                            amount.to_decimal_string()
                        ),
                    ));
                }
            }
            let settle = format!(
                "check_payment_status({id:?}) and get_payment_transaction({id:?}) \
                 (related_transactions), compared with amount {} and {} linked refund(s) before \
                 the cancel",
                before
                    .effective
                    .map_or_else(|| "unknown".to_owned(), |a| a.to_string()),
                before.related.len()
            );
            let lookup = || client.applied_cancel(&id, &before);
            let raw = client
                .api_with(
                    ApiCall {
                        operation: "secuconnect.payment_transactions.cancel",
                        method: Method::POST,
                        path: format!("/Payment/Transactions/{}/cancel", segment(&id)),
                        query: Vec::new(),
                        body: Some(body),
                        safety: Safety::Reconcilable,
                        settle: Some(settle),
                    },
                    Some(lookup),
                )
                .await
                .map_err(|e| {
                    if e.outcome_unknown() {
                        with_hint(
                            e,
                            &format!(
                                "the cancellation or refund may have been applied; check it \
                                 with check_payment_status({id:?}) before repeating it"
                            ),
                        )
                    } else {
                        e
                    }
                })?;
            transactions_from_cancel(raw, &id)
        })
        .await
    }

    /// The transaction, its linked refunds and the amount in effect, before a cancel.
    async fn cancel_snapshot(&self, id: &str) -> Result<CancelSnapshot, Error> {
        let payment = self.read_payment_transaction(id).await?;
        let status = self.read_payment_status(id).await?;
        Ok(CancelSnapshot {
            related: related_ids(&payment.raw),
            effective: status.amount.map(|a| a.minor()),
            remaining: status.amount,
            status_simple: status.status_simple,
            payment,
        })
    }

    /// Whether a cancel was applied since `before`: the answer it would have given (the
    /// transaction and its new linked refunds), or `None`.
    async fn applied_cancel(&self, id: &str, before: &CancelSnapshot) -> Lookup<Value> {
        let after = self.cancel_snapshot(id).await?;
        let new_children: Vec<String> = after
            .related
            .iter()
            .filter(|child| !before.related.contains(child))
            .cloned()
            .collect();
        let lower = matches!(
            (before.effective, after.effective),
            (Some(was), Some(now)) if now < was
        );
        let voided = after.status_simple != before.status_simple
            && matches!(after.status_simple, Some(5) | Some(7));
        if new_children.is_empty() && !lower && !voided {
            return Ok(None);
        }
        let mut answer = vec![after.payment.raw];
        for child in new_children {
            answer.push(self.read_payment_transaction(&child).await?.raw);
        }
        Ok(Some(Value::Array(answer)))
    }

    async fn read_payment_status(&self, id: &str) -> Result<PaymentStatus, Error> {
        let raw = self
            .api(ApiCall {
                operation: "secuconnect.payment_transactions.check_status",
                method: Method::GET,
                path: format!("/Payment/Transactions/{}/checkStatus", segment(id)),
                query: Vec::new(),
                body: None,
                safety: Safety::Read,
                settle: None,
            })
            .await?;
        PaymentStatus::from_wire(raw)
    }
}

/// What a cancel is compared against.
struct CancelSnapshot {
    payment: PaymentTransaction,
    related: Vec<String>,
    effective: Option<i64>,
    /// `checkStatus`'s amount: what is left to refund.
    remaining: Option<Money>,
    status_simple: Option<i64>,
}

/// The ids in `related_transactions` (the linked refunds), tolerating a missing or odd list.
fn related_ids(raw: &Value) -> Vec<String> {
    parent_objs(raw.get("related_transactions").unwrap_or(&Value::Null))
        .into_iter()
        .map(|p| p.id)
        .collect()
}

crate::output_record! {
    /// The answer to `refund_payment_transaction`: the payment as it is now, the refund
    /// transaction the refund created (none when it only lowered or voided a payment whose
    /// money had not moved yet) and what is left of the payment (`checkStatus`).
    #[derive(Clone, Debug, serde::Serialize)]
    pub struct PaymentRefund {
        pub payment: PaymentTransaction,
        /// The new refund transaction (a child of `payment`, `hierarchy` `child`).
        pub refund: Option<PaymentTransaction>,
        /// The amount still in effect after this refund (zero when nothing is left).
        pub remaining: Option<Money>,
        pub status_simple: Option<i64>,
        pub raw: Value,
    }
}

impl Client {
    /// One page of Payment Transactions: `query` as for Smart Transactions (`status:…`,
    /// `created:[2026-01-01 TO *]`), `count` per page from `offset` (the API serves the first
    /// 10,000 matches).
    pub async fn list_payment_transactions(
        &self,
        query: Option<String>,
        sort: Option<String>,
        count: u32,
        offset: u64,
    ) -> Result<Vec<PaymentTransaction>, Error> {
        let params = super::payment_containers::list_params(&query, &sort, count, offset)?;
        self.spawn(move |client| async move {
            let raw = client
                .api(ApiCall {
                    operation: "secuconnect.payment_transactions.list",
                    method: Method::GET,
                    path: "/Payment/Transactions".into(),
                    query: params,
                    body: None,
                    safety: Safety::Read,
                    settle: None,
                })
                .await?;
            super::payment_containers::list_items(raw)?
                .into_iter()
                .map(|item| PaymentTransaction::from_wire(item, None))
                .collect()
        })
        .await
    }

    /// Captures an authorised payment, or (invoice) reports the delivery that makes the
    /// invoice due (`POST /Payment/Transactions/{id}/capture`); `amount` captures less than
    /// authorised. Not sent again once it may have arrived: settle with
    /// `get_payment_transaction`.
    pub async fn capture_payment_transaction(
        &self,
        id: &str,
        amount: Option<Money>,
    ) -> Result<PaymentTransaction, Error> {
        check_id(id)?;
        let mut body = Map::new();
        if let Some(amount) = &amount {
            if amount.is_zero() {
                return Err(Error::validation(
                    "amount",
                    "must be greater than zero (omit it to capture all)",
                ));
            }
            body.insert("amount".into(), json!(amount.minor()));
        }
        let id = id.to_owned();
        self.spawn(move |client| async move {
            if let Some(amount) = &amount {
                let payment = client.read_payment_transaction(&id).await?;
                if let Some(total) = &payment.amount {
                    if total.currency() != amount.currency() {
                        return Err(Error::validation(
                            "amount",
                            format!(
                                "is in {} but the payment is in {}",
                                amount.currency(),
                                total.currency()
                            ),
                        ));
                    }
                    if amount.minor() > total.minor() {
                        return Err(Error::validation(
                            "amount",
                            format!(
                                "{} is more than the payment's {}",
                                amount.to_decimal_string(),
                                total.to_decimal_string()
                            ),
                        ));
                    }
                }
            }
            let raw = client
                .api(ApiCall {
                    operation: "secuconnect.payment_transactions.capture",
                    method: Method::POST,
                    path: format!("/Payment/Transactions/{}/capture", segment(&id)),
                    query: Vec::new(),
                    body: Some(Value::Object(body)),
                    safety: Safety::Unkeyed,
                    settle: Some(format!("get_payment_transaction({id:?})")),
                })
                .await
                .map_err(|e| {
                    if e.outcome_unknown() {
                        with_hint(
                            e,
                            &format!(
                                "the capture may have been applied; read the payment with \
                                 get_payment_transaction({id:?}) before repeating it"
                            ),
                        )
                    } else {
                        e
                    }
                })?;
            PaymentTransaction::from_wire(raw, Some(&id))
        })
        .await
    }

    /// Revokes the accrual booking of a payment (`POST /Payment/Transactions/{id}/revokeAccrual`).
    /// Settled by the payment itself: after a lost answer its `accrual` flag tells whether the
    /// revocation was applied (then it is not sent again).
    pub async fn revoke_accrual(&self, id: &str) -> Result<PaymentTransaction, Error> {
        check_id(id)?;
        let id = id.to_owned();
        self.spawn(move |client| async move {
            let lookup = || async {
                let payment = client.read_payment_transaction(&id).await?;
                Ok((payment.accrual == Some(false)).then_some(payment.raw))
            };
            let raw = client
                .api_with(
                    ApiCall {
                        operation: "secuconnect.payment_transactions.revoke_accrual",
                        method: Method::POST,
                        path: format!("/Payment/Transactions/{}/revokeAccrual", segment(&id)),
                        query: Vec::new(),
                        body: Some(json!({})),
                        safety: Safety::Reconcilable,
                        settle: Some(format!("get_payment_transaction({id:?}) (accrual)")),
                    },
                    Some(lookup),
                )
                .await?;
            PaymentTransaction::from_wire(raw, Some(&id))
        })
        .await
    }

    /// Refunds a payment, in full or by `amount` (at most what is left of it), through the
    /// cancel endpoint, and answers the refund transaction it created and what is left. As
    /// exactly-once as [`Client::cancel_payment_transaction`].
    pub async fn refund_payment_transaction(
        &self,
        id: &str,
        request: CancelPayment,
    ) -> Result<PaymentRefund, Error> {
        // Every check before anything is sent, the read of the refunds so far included.
        check_id(id)?;
        request.to_wire().map_err(|e| match e.field() {
            Some("reduce_amount_by") => Error::validation("amount", e.message_text()),
            _ => e,
        })?;
        let before = related_count(self, id).await;
        // This operation calls the cancel's `reduce_amount_by` `amount`.
        let transactions =
            self.cancel_payment_transaction(id, request)
                .await
                .map_err(|e| match e.field() {
                    Some("reduce_amount_by") => Error::validation("amount", e.message_text()),
                    _ => e,
                })?;
        let id = id.to_owned();
        self.spawn(move |client| async move {
            let mut transactions = transactions.into_iter();
            let payment = match transactions.next() {
                Some(first) if first.id == id => first,
                _ => client.read_payment_transaction(&id).await?,
            };
            let refund = match transactions.find(PaymentTransaction::is_refund) {
                Some(refund) => Some(refund),
                // The answer may list only the payment: its newest link is the refund.
                None => match payment
                    .related_transactions
                    .get(before.unwrap_or(usize::MAX))
                {
                    Some(link) => Some(client.read_payment_transaction(&link.id).await?),
                    None => None,
                },
            };
            let status = client.read_payment_status(&id).await?;
            let raw = json!({
                "payment": payment.raw,
                "refund": refund.as_ref().map(|r| r.raw.clone()),
                "check_status": status.raw,
            });
            Ok(PaymentRefund {
                payment,
                refund,
                remaining: status.amount,
                status_simple: status.status_simple,
                raw,
            })
        })
        .await
    }
}

/// How many refunds a payment had before (to find the new one), when it can be read.
async fn related_count(client: &Client, id: &str) -> Option<usize> {
    check_id(id).ok()?;
    let id = id.to_owned();
    client
        .spawn(move |client| async move { client.read_payment_transaction(&id).await })
        .await
        .ok()
        .map(|p| p.related_transactions.len())
}
