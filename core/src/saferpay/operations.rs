//! Saferpay's operation table: every operation the client offers, declared once (see
//! [`crate::operation`]). The inputs of operations that take only ids are declared here; the
//! larger ones live beside their operations (`CreateOffer`, `InitializePaymentPage`,
//! `Refund`, `MultipartCapture`, `TransactionQuery`).

use super::*;
use crate::Secret;
use crate::money::Money;

crate::operation_input! {
    /// What `get_offer` takes.
    pub struct GetOffer {
        /// The offer's id (`OfferId` from `create_offer`).
        pub offer_id: String,
        /// Defaults to the client's terminal.
        pub terminal_id: Option<String> = null,
    }
}

crate::operation_input! {
    /// What `delete_offer` takes.
    pub struct DeleteOffer {
        pub offer_id: String,
        pub terminal_id: Option<String> = null,
    }
}

crate::operation_input! {
    /// `license` takes nothing.
    pub struct LicenseRequest {}
}

crate::operation_input! {
    /// `license_configuration` takes nothing.
    pub struct LicenseConfigurationRequest {}
}

crate::operation_input! {
    /// `terminals` takes nothing.
    pub struct TerminalsRequest {}
}

crate::operation_input! {
    /// What `terminal` takes.
    pub struct TerminalRequest {
        /// Eight digits.
        pub terminal_id: String,
    }
}

crate::operation_input! {
    /// `payment_page_configurations` takes nothing.
    pub struct PaymentPageConfigurationsRequest {}
}

crate::operation_input! {
    /// What `create_fields_access_token` takes.
    pub struct CreateFieldsAccessToken {
        /// 1 to 128 characters.
        pub description: String,
        /// The https pages that embed the Fields (at least one).
        pub source_urls: Vec<String>,
        pub terminal_id: Option<String> = null,
    }
}

crate::operation_input! {
    /// What `delete_fields_access_token` takes.
    pub struct DeleteFieldsAccessToken {
        pub access_token: Secret,
        pub terminal_id: Option<String> = null,
    }
}

crate::operation_input! {
    /// What `assert_payment_page` takes.
    pub struct AssertPaymentPage {
        /// The payment page's token.
        pub token: String,
    }
}

crate::operation_input! {
    /// What `payment_outcome` takes.
    pub struct PaymentOutcome {
        /// The payment page's token, from the return or notify URL.
        pub token: String,
    }
}

crate::operation_input! {
    /// What `capture` takes.
    pub struct CaptureRequest {
        pub transaction_id: String,
        /// Less than the authorized amount captures part of it; `null` captures all.
        pub amount: Option<Money> = null,
        /// Whom to tell when a `PENDING` capture settles (PostFinance Instant Payout).
        pub pending_notification: Option<PendingNotification> = null,
    }
}

crate::operation_input! {
    /// What `multipart_finalize` takes.
    pub struct MultipartFinalize {
        pub transaction_id: String,
    }
}

crate::operation_input! {
    /// What `cancel` takes.
    pub struct CancelRequest {
        pub transaction_id: String,
    }
}

crate::operation_input! {
    /// What `inquire` takes.
    pub struct InquireRequest {
        pub transaction_id: String,
    }
}

crate::operation_input! {
    /// What `inquire_by_order_id` takes.
    pub struct InquireByOrderId {
        pub order_id: String,
    }
}

crate::operation_input! {
    /// What `assert_capture` takes.
    pub struct AssertCapture {
        /// The pending capture's `CaptureId`.
        pub capture_id: String,
    }
}

crate::operation_input! {
    /// What `assert_refund` takes.
    pub struct AssertRefund {
        /// The refund's transaction id.
        pub transaction_id: String,
    }
}

crate::operation_table! {
    provider = "saferpay", client = Client;

    /// Creates a Secure PayGate offer: a single-use payment link (Management API).
    /// Never sent again once it may have arrived (no API finds an offer by its order id): a
    /// lost answer ends `outcome_unknown`, to be settled in the Saferpay Backoffice.
    create_offer(CreateOffer) -> Offer, UnkeyedWrite, single,
        |c, i| c.create_offer(i);
    /// Reads an offer (status, payment link, the payment once paid).
    get_offer(GetOffer) -> Offer, Read, single,
        |c, i| c.get_offer(&i.offer_id, i.terminal_id.as_deref());
    /// Deletes an open offer; a deleted or missing offer is not an error.
    delete_offer(DeleteOffer) -> (), KeyedWrite, single,
        |c, i| c.delete_offer(&i.offer_id, i.terminal_id.as_deref());
    /// The customer's licence: package, features and payment methods.
    license(LicenseRequest) -> License, Read, single,
        |c, _i| c.license();
    /// The licence as configured (features per terminal).
    license_configuration(LicenseConfigurationRequest) -> License, Read, single,
        |c, _i| c.license_configuration();
    /// Every terminal of the customer.
    terminals(TerminalsRequest) -> Vec<Terminal>, Read, single,
        |c, _i| c.terminals();
    /// One terminal with its payment methods and wallets.
    terminal(TerminalRequest) -> Terminal, Read, single,
        |c, i| c.terminal(&i.terminal_id);
    /// The payment page configurations (`config_set` values).
    payment_page_configurations(PaymentPageConfigurationsRequest) -> Vec<PaymentPageConfiguration>,
        Read, single,
        |c, _i| c.payment_page_configurations();
    /// Creates an access token for Saferpay Fields on the given https pages.
    /// Repeating it is harmless: a token whose answer was lost grants nothing to anyone.
    create_fields_access_token(CreateFieldsAccessToken) -> String, KeyedWrite, single,
        |c, i| c.create_fields_access_token(&i.description, &i.source_urls, i.terminal_id.as_deref());
    /// Deletes a Fields access token.
    delete_fields_access_token(DeleteFieldsAccessToken) -> (), KeyedWrite, single,
        |c, i| c.delete_fields_access_token(i.access_token.expose(), i.terminal_id.as_deref());
    /// Exports transactions from the reporting API, page by page (at most one call in flight).
    transactions(TransactionQuery) -> TransactionPager, Read, pages(MAX_PAGE_SIZE),
        |c, i| async move { c.transactions(i) };
    /// Opens a hosted payment page for one payment (JSON API PaymentPage/Initialize).
    /// Repeating it is harmless: a session whose answer was lost is known to no payer.
    initialize_payment_page(InitializePaymentPage) -> PaymentPageSession, KeyedWrite, single,
        |c, i| c.initialize_payment_page(i);
    /// Reads a payment page's outcome (PaymentPage/Assert); call it once the payer is back.
    assert_payment_page(AssertPaymentPage) -> Payment, Read, single,
        |c, i| c.assert_payment_page(&i.token);
    /// Assert, safe to call from both the return URL and the notify URL at once: one Assert
    /// per token, every caller gets the same answer.
    payment_outcome(PaymentOutcome) -> Payment, Read, single,
        |c, i| c.payment_outcome(&i.token);
    /// Captures an authorized transaction, in full or in part; never twice.
    capture(CaptureRequest) -> Capture, KeyedWrite, single,
        |c, i| c.capture_with(&i.transaction_id, i.amount, i.pending_notification);
    /// Captures one part of a transaction (one part at a time per transaction).
    /// Never sent again once it may have arrived (the spec documents no answer to a repeated
    /// `OrderPartId`): a lost answer ends `outcome_unknown`.
    multipart_capture(MultipartCapture) -> Capture, UnkeyedWrite, single,
        |c, i| c.multipart_capture(i);
    /// Closes a transaction captured in parts.
    multipart_finalize(MultipartFinalize) -> (), KeyedWrite, single,
        |c, i| c.multipart_finalize(&i.transaction_id);
    /// Cancels an authorized, not yet captured transaction.
    cancel(CancelRequest) -> Cancellation, KeyedWrite, single,
        |c, i| c.cancel(&i.transaction_id);
    /// Refunds a capture, in full or in part; a lost answer is settled by its `order_id`.
    refund(Refund) -> Payment, KeyedWrite, single,
        |c, i| c.refund(i);
    /// Reads a transaction by its id.
    inquire(InquireRequest) -> Payment, Read, single,
        |c, i| c.inquire(&i.transaction_id);
    /// Reads a transaction by its order id.
    inquire_by_order_id(InquireByOrderId) -> Payment, Read, single,
        |c, i| c.inquire_by_order_id(&i.order_id);
    /// Settles a pending capture (e.g. PayPal, paydirekt).
    assert_capture(AssertCapture) -> CaptureStatus, Read, single,
        |c, i| c.assert_capture(&i.capture_id);
    /// Settles a pending refund.
    assert_refund(AssertRefund) -> RefundStatus, Read, single,
        |c, i| c.assert_refund(&i.transaction_id);
    /// Starts a Transaction interface payment (Transaction/Initialize): 3-D Secure, and card
    /// entry when no `payment_means` is given, on Saferpay's page; then `authorize_transaction`.
    /// Repeating it is harmless: a session whose answer was lost is known to no payer.
    initialize_transaction(InitializeTransaction) -> TransactionSession, KeyedWrite, single,
        |c, i| c.initialize_transaction(i);
    /// Authorizes an initialized transaction once the payer is back (Transaction/Authorize).
    /// A token authorizes once: a repeat after a lost answer cannot double the payment, and
    /// ends `outcome_unknown` (settle with `inquire_by_order_id`).
    authorize_transaction(AuthorizeTransaction) -> Payment, KeyedWrite, single,
        |c, i| c.authorize_transaction(i);
    /// Authorizes without the payer (Transaction/AuthorizeDirect): an alias, a Fields token or
    /// card data; no 3-D Secure. A lost answer is settled by its `order_id`.
    authorize_direct(AuthorizeDirect) -> Payment, KeyedWrite, single,
        |c, i| c.authorize_direct(i);
    /// A follow-up of an initial recurring or installment payment
    /// (Transaction/AuthorizeReferenced); a lost answer is settled by its `order_id`.
    authorize_referenced(AuthorizeReferenced) -> Payment, KeyedWrite, single,
        |c, i| c.authorize_referenced(i);
    /// Refunds to an alias or card without a previous transaction (Transaction/RefundDirect);
    /// the `REFUND` must then be captured. A lost answer is settled by its `order_id`.
    refund_direct(RefundDirect) -> Payment, KeyedWrite, single,
        |c, i| c.refund_direct(i);
    /// Opens the hosted form that registers a card as an alias (Alias/Insert).
    /// Repeating it is harmless, like a payment page.
    insert_alias(InsertAlias) -> AliasSession, KeyedWrite, single,
        |c, i| c.insert_alias(i);
    /// The alias the payer registered on the form (Alias/AssertInsert).
    assert_alias_insert(AssertAliasInsert) -> Alias, Read, single,
        |c, i| c.assert_alias_insert(&i.token);
    /// Stores card data as an alias (Alias/InsertDirect). With the id chosen here (the
    /// default) a lost answer is settled by Alias/Inquire; with `RANDOM` it ends `outcome_unknown`.
    insert_alias_direct(InsertAliasDirect) -> Alias, KeyedWrite, single,
        |c, i| c.insert_alias_direct(i);
    /// Changes an alias' card expiry and lifetime (Alias/Update).
    update_alias(UpdateAlias) -> Alias, KeyedWrite, single,
        |c, i| c.update_alias(i);
    /// An alias' current details (Alias/Inquire).
    inquire_alias(InquireAlias) -> Alias, Read, single,
        |c, i| c.inquire_alias(&i.alias_id);
    /// Deletes an alias; a deleted alias is not an error after a lost answer (Alias/Delete).
    delete_alias(DeleteAlias) -> (), KeyedWrite, single,
        |c, i| c.delete_alias(&i.alias_id);
    /// Closes the terminal's batch (Batch/Close), where the automatic closure is off.
    close_batch(CloseBatch) -> (), KeyedWrite, single,
        |c, i| c.close_batch(i.terminal_id.as_deref());
}

/// The output records whose binding types are generated (see `operation::record`); a result
/// type declared with `output_record!` is listed here.
pub fn records() -> Vec<crate::operation::record::RecordInfo> {
    use crate::operation::record::Record;
    vec![
        Offer::info("saferpay"),
        PaymentPageSession::info("saferpay"),
        Capture::info("saferpay"),
        Cancellation::info("saferpay"),
        CaptureStatus::info("saferpay"),
        RefundStatus::info("saferpay"),
        TransactionSession::info("saferpay"),
        AliasSession::info("saferpay"),
        Alias::info("saferpay"),
    ]
}
