//! The transaction calls on [`Client`]: Capture, MultipartCapture/Finalize, Cancel, Refund,
//! Inquire, AssertCapture, AssertRefund.

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Provider};
use crate::http::{Lookup, Safety};
use crate::money::Money;
use crate::saferpay::Client;
use crate::saferpay::json_api::{JsonApiCall, capture_reference, order_reference};

use super::*;

impl Client {
    /// Captures an authorized payment, or an authorized refund (which is what moves the
    /// refund's money). `amount` captures part of the authorization; `None` captures it all.
    /// The currency must match the authorization.
    ///
    /// Capturing twice fails with a `conflict` error `TRANSACTION_ALREADY_CAPTURED`; treat it
    /// as "already done", not as a crash. Saferpay checks the state, so an attempt that may
    /// have gone through (timeout, reset, 5xx, unreadable answer) is sent again; when that
    /// answers `TRANSACTION_ALREADY_CAPTURED`, the transaction is read with Inquire and its
    /// existing capture returned. When every attempt failed that way, Inquire settles it too:
    /// `CAPTURED` is the answer, `AUTHORIZED` means it did not happen (unless an attempt timed
    /// out and may still run: then the error is `outcome_unknown`).
    pub async fn capture(
        &self,
        transaction_id: &str,
        amount: Option<Money>,
    ) -> Result<Capture, Error> {
        self.capture_with(transaction_id, amount, None).await
    }

    /// [`capture`](Client::capture) with a `PendingNotification`: whom Saferpay tells when a
    /// `PENDING` capture (PostFinance Instant Payout) settles.
    pub async fn capture_with(
        &self,
        transaction_id: &str,
        amount: Option<Money>,
        pending_notification: Option<PendingNotification>,
    ) -> Result<Capture, Error> {
        let body = capture_body(
            transaction_id,
            amount.as_ref(),
            pending_notification.as_ref(),
        )?;
        let transaction_id = transaction_id.to_owned();
        self.spawn(move |client| async move {
            let call = JsonApiCall::new(
                "saferpay.transaction.capture",
                "/Payment/v1/Transaction/Capture",
                Safety::Idempotent,
                body,
            )
            .settle(format!("inquire({transaction_id:?})"))
            .already_done(already_captured)
            .lookup_proves();
            let lookup = || client.existing_capture(&transaction_id);
            client
                .json_api_with(call, capture_from_wire, Some(lookup))
                .await
        })
        .await
    }

    /// The capture an earlier attempt made, read with Inquire.
    async fn existing_capture(&self, transaction_id: &str) -> Lookup<Capture> {
        let payment = self.inquire_body(reference_body(transaction_id)?).await?;
        let t = &payment.transaction;
        let captured = matches!(
            t.status,
            TransactionStatus::Captured | TransactionStatus::Pending
        );
        if !captured || t.capture_id.is_none() {
            return Ok(None);
        }
        Ok(Some(Capture {
            capture_id: t.capture_id.clone(),
            status: t.status.clone(),
            date: None,
            raw: payment.raw,
        }))
    }

    /// Captures one part of an authorization. Parts of the same transaction are sent one after
    /// another within this client, because Saferpay forbids parallel multipart captures.
    ///
    /// Never sent twice once it may have reached Saferpay: the spec documents no answer to a
    /// repeated `OrderPartId`, and Inquire shows the transaction, not its parts. An ambiguous
    /// failure is an `outcome_unknown` error.
    pub async fn multipart_capture(&self, request: MultipartCapture) -> Result<Capture, Error> {
        let body = request.to_wire()?;
        self.spawn(move |client| async move {
            let lock = client
                .inner()
                .json_api
                .multipart
                .lock_for(&request.transaction_id);
            let _serialised = lock.lock().await;
            let call = JsonApiCall::new(
                "saferpay.transaction.multipart_capture",
                "/Payment/v1/Transaction/MultipartCapture",
                Safety::Unkeyed,
                body,
            )
            .settle(format!(
                "the Saferpay Backoffice or the transaction report for transaction {:?}, \
                 OrderPartId {:?} (inquire shows the transaction, not its parts)",
                request.transaction_id, request.order_part_id
            ));
            client.json_api(call, capture_from_wire).await
        })
        .await
    }

    /// Closes a multipart capture without a `FINAL` part; the rest of the authorization is
    /// released. Idempotent in effect: after an attempt that may have gone through, a repeat
    /// answered "wrong state" is checked with Inquire.
    pub async fn multipart_finalize(&self, transaction_id: &str) -> Result<(), Error> {
        let body = reference_body(transaction_id)?;
        let transaction_id = transaction_id.to_owned();
        self.spawn(move |client| async move {
            let call = JsonApiCall::new(
                "saferpay.transaction.multipart_finalize",
                "/Payment/v1/Transaction/MultipartFinalize",
                Safety::Idempotent,
                body,
            )
            .settle(format!("inquire({transaction_id:?})"))
            .already_done(wrong_state);
            let lookup = || async {
                let payment = client
                    .inquire_body(reference_body(&transaction_id)?)
                    .await?;
                Ok((payment.transaction.status == TransactionStatus::Captured).then_some(()))
            };
            client.json_api_with(call, |_| Ok(()), Some(lookup)).await
        })
        .await
    }

    /// Cancels an authorized payment or refund (always in full). A captured payment can be
    /// cancelled only until the daily closing; after that, refund it.
    ///
    /// A cancelled transaction stays cancelled, so an ambiguous attempt is sent again; a
    /// repeat answered "wrong state" is settled with Inquire (status `CANCELED`).
    pub async fn cancel(&self, transaction_id: &str) -> Result<Cancellation, Error> {
        let body = reference_body(transaction_id)?;
        let transaction_id = transaction_id.to_owned();
        self.spawn(move |client| async move {
            let call = JsonApiCall::new(
                "saferpay.transaction.cancel",
                "/Payment/v1/Transaction/Cancel",
                Safety::Idempotent,
                body,
            )
            .settle(format!("inquire({transaction_id:?})"))
            .already_done(wrong_state)
            .lookup_proves();
            let lookup = || async {
                let payment = client
                    .inquire_body(reference_body(&transaction_id)?)
                    .await?;
                let t = &payment.transaction;
                if t.status != TransactionStatus::Canceled {
                    return Ok(None);
                }
                Ok(Some(Cancellation {
                    transaction_id: t.id.clone(),
                    order_id: t.order_id.clone(),
                    date: None,
                    raw: payment.raw.clone(),
                }))
            };
            client
                .json_api_with(call, cancellation_from_wire, Some(lookup))
                .await
        })
        .await
    }

    /// Creates a refund of a capture.
    ///
    /// **A refund moves no money by itself.** Saferpay answers with a new `REFUND`
    /// transaction, usually `AUTHORIZED`; you must then call
    /// [`capture`](Client::capture) with `payment.transaction.id` (the refund's own id) to
    /// send the money back, or [`cancel`](Client::cancel) it to drop the refund. (Some methods,
    /// e.g. PayPal, answer `CAPTURED` straight away; check `transaction.status`.)
    ///
    /// Exactly once: the refund carries a unique `OrderId` (generated as `pw-rf-…` when
    /// `order_id` is `None`; a caller's own must be unique per refund). After an attempt that
    /// may have gone through, paywire asks `Transaction/Inquire` by that order id: a `REFUND`
    /// of the same amount is the answer; none, and the attempt cannot still be running, the
    /// refund is sent again (same RequestId, next RetryIndicator); otherwise the call fails
    /// with an `outcome_unknown` error naming `inquire_by_order_id`.
    pub async fn refund(&self, request: Refund) -> Result<Payment, Error> {
        let mut request = request;
        let order_id = match &request.order_id {
            Some(order_id) => order_id.clone(),
            None => {
                let generated = new_refund_order_id();
                request.order_id = Some(generated.clone());
                generated
            }
        };
        let body = request.to_wire()?;
        let amount = request.amount;
        self.spawn(move |client| async move {
            let call = JsonApiCall::new(
                "saferpay.transaction.refund",
                "/Payment/v1/Transaction/Refund",
                Safety::Reconcilable,
                body,
            )
            .settle(format!("inquire_by_order_id({order_id:?})"));
            let lookup = || client.existing_refund(&order_id, &amount);
            client
                .json_api_with(call, payment_from_wire, Some(lookup))
                .await
        })
        .await
    }

    /// The refund an earlier attempt made, found by its order id.
    async fn existing_refund(&self, order_id: &str, amount: &Money) -> Lookup<Payment> {
        let mut body = Map::new();
        body.insert(
            "TransactionReference".into(),
            order_reference("order_id", order_id)?,
        );
        match self.inquire_body(body).await {
            Ok(payment) => {
                let t = &payment.transaction;
                if t.transaction_type == TransactionType::Refund && t.amount == *amount {
                    Ok(Some(payment))
                } else {
                    Err(Error::new(
                        ErrorKind::Conflict,
                        format!(
                            "order id {order_id:?} belongs to a {} of {} (transaction {}), not to \
                             this refund of {amount}: give every refund its own order id",
                            t.transaction_type.as_str(),
                            t.amount,
                            t.id
                        ),
                    )
                    .with_provider(Provider::Saferpay))
                }
            }
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Reads a transaction's current state. Fair use only: call it when something happened
    /// (a return, a notification, a timeout), never to poll.
    pub async fn inquire(&self, transaction_id: &str) -> Result<Payment, Error> {
        let body = reference_body(transaction_id)?;
        self.spawn(move |client| async move { client.inquire_body(body).await })
            .await
    }

    /// Reads a transaction by its `OrderId` ("unambiguous OrderId of the referenced
    /// transaction"), e.g. a refund whose answer was lost. Fair use, like [`Client::inquire`].
    pub async fn inquire_by_order_id(&self, order_id: &str) -> Result<Payment, Error> {
        let mut body = Map::new();
        body.insert(
            "TransactionReference".into(),
            order_reference("order_id", order_id)?,
        );
        self.spawn(move |client| async move { client.inquire_body(body).await })
            .await
    }

    async fn inquire_body(&self, body: Map<String, Value>) -> Result<Payment, Error> {
        self.json_api(
            JsonApiCall::new(
                "saferpay.transaction.inquire",
                "/Payment/v1/Transaction/Inquire",
                Safety::Read,
                body,
            ),
            payment_from_wire,
        )
        .await
    }

    /// Settles a `PENDING` capture (PostFinance Instant Payout) by its `CaptureId`.
    pub async fn assert_capture(&self, capture_id: &str) -> Result<CaptureStatus, Error> {
        let mut body = Map::new();
        body.insert(
            "CaptureReference".into(),
            capture_reference("capture_id", capture_id)?,
        );
        self.spawn(move |client| async move {
            client
                .json_api(
                    JsonApiCall::new(
                        "saferpay.transaction.assert_capture",
                        "/Payment/v1/Transaction/AssertCapture",
                        Safety::Read,
                        body,
                    ),
                    capture_status_from_wire,
                )
                .await
        })
        .await
    }

    /// Settles a `PENDING` refund by the refund transaction's id.
    pub async fn assert_refund(&self, transaction_id: &str) -> Result<RefundStatus, Error> {
        let body = reference_body(transaction_id)?;
        self.spawn(move |client| async move {
            client
                .json_api(
                    JsonApiCall::new(
                        "saferpay.transaction.assert_refund",
                        "/Payment/v1/Transaction/AssertRefund",
                        Safety::Read,
                        body,
                    ),
                    refund_status_from_wire,
                )
                .await
        })
        .await
    }
}
