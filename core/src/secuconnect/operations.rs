//! secuconnect's operation table (see [`crate::operation`]). `CreateSmartTransaction` and
//! `SmartTransactionQuery` live beside their operations; the inputs of the rest are here.

use serde_json::{Map, Value};

use super::*;
use crate::money::Money;

crate::operation_input! {
    /// What `get_smart_transaction` takes.
    pub struct GetSmartTransaction {
        /// `STX_…`
        pub id: String,
    }
}

crate::operation_input! {
    /// What `update_smart_transaction` takes: the id and what changes.
    pub struct UpdateSmartTransactionRequest {
        pub id: String,
        /// The new amount; `null` keeps the current one.
        pub amount: Option<Money> = null,
        /// The new basket; `null` keeps the current one (it is resent either way).
        pub basket: Option<Vec<BasketItem>> = null,
        pub customer: Option<Customer> = null,
        pub merchant_ref: Option<String> = null,
        pub transaction_ref: Option<String> = null,
        pub auto_capture: Option<bool> = null,
        /// More top-level fields, sent as given.
        pub extra: Map<String, Value> = {},
    }
}

crate::operation_input! {
    /// What `prepare_smart_transaction` takes.
    pub struct PrepareSmartTransactionRequest {
        pub id: String,
        /// One of `PREPARE_METHODS` (`creditcard`, `debit`, `invoice`, `paypal`, `prepaid`, …).
        pub payment_method: String,
        /// An existing payment container `PCT_…`.
        pub container_id: Option<String> = null,
        /// An inline bank account (SEPA direct debit).
        pub bank_account: Option<BankAccount> = null,
        pub extra: Map<String, Value> = {},
    }
}

crate::operation_input! {
    /// What `start_smart_transaction` takes.
    pub struct StartSmartTransaction {
        pub id: String,
        /// One of `START_METHODS`; `null` starts the prepared method.
        pub payment_method: Option<String> = null,
    }
}

crate::operation_input! {
    /// What `cancel_smart_transaction` takes.
    pub struct CancelSmartTransaction {
        pub id: String,
    }
}

crate::operation_input! {
    /// What `abort_smart_transaction` takes.
    pub struct AbortSmartTransaction {
        pub id: String,
    }
}

crate::operation_input! {
    /// What `set_delivery` takes.
    pub struct SetDelivery {
        pub id: String,
        /// `{"type": "shipping", …}` or `{"type": "collection", …}`.
        pub delivery: Delivery,
    }
}

crate::operation_input! {
    /// What `get_payment_transaction` takes.
    pub struct GetPaymentTransaction {
        /// `PCI_…`
        pub id: String,
    }
}

crate::operation_input! {
    /// What `check_payment_status` takes.
    pub struct CheckPaymentStatus {
        pub id: String,
    }
}

crate::operation_input! {
    /// What `cancel_payment_transaction` takes.
    pub struct CancelPaymentTransaction {
        pub id: String,
        /// A partial refund; `null` cancels or refunds the whole payment.
        pub reduce_amount_by: Option<Money> = null,
        /// Up to 100 characters.
        pub reason: Option<String> = null,
    }
}

crate::operation_input! {
    /// What `fetch_push_payment_transactions` takes.
    pub struct FetchPushPaymentTransactions {
        /// The push request's body, as received.
        pub body: String,
    }
}

crate::operation_input! {
    /// What `list_payment_transactions` takes: one page.
    pub struct ListPaymentTransactions {
        /// Lucene-like filter as for Smart Transactions: `status:…`, `created:[2026-01-01 TO *]`.
        pub query: Option<String> = null,
        /// `field:asc|desc`, comma-separated (e.g. `created:asc`).
        pub sort: Option<String> = null,
        /// Transactions per page, 1 to 1000.
        pub count: u32 = 100,
        /// Zero-based position of the first one (below 10,000).
        pub offset: u32 = 0,
    }
}

crate::operation_input! {
    /// What `capture_payment_transaction` takes.
    pub struct CapturePaymentTransaction {
        /// `PCI_…`
        pub id: String,
        /// Less than authorised; `null` captures it all.
        pub amount: Option<Money> = null,
    }
}

crate::operation_input! {
    /// What `revoke_accrual` takes.
    pub struct RevokeAccrual {
        /// `PCI_…`
        pub id: String,
    }
}

crate::operation_input! {
    /// What `refund_payment_transaction` takes.
    pub struct RefundPaymentTransaction {
        /// `PCI_…`
        pub id: String,
        /// A partial refund, at most what is left; `null` refunds all that is left.
        pub amount: Option<Money> = null,
        /// Up to 100 characters.
        pub reason: Option<String> = null,
    }
}

crate::operation_input! {
    /// What `create_payment_container` takes.
    pub struct CreatePaymentContainer {
        /// The payer's bank account (SEPA direct debit).
        pub bank_account: BankAccount,
        /// An existing payment customer `PCU_…`.
        pub customer_id: Option<String> = null,
    }
}

crate::operation_input! {
    /// What `get_payment_container` takes.
    pub struct GetPaymentContainer {
        /// `PCT_…`
        pub id: String,
    }
}

crate::operation_input! {
    /// What `list_payment_containers` takes: one page.
    pub struct ListPaymentContainers {
        pub query: Option<String> = null,
        pub sort: Option<String> = null,
        /// Containers per page, 1 to 1000.
        pub count: u32 = 100,
        /// Zero-based position of the first one (below 10,000).
        pub offset: u32 = 0,
    }
}

crate::operation_input! {
    /// What `delete_payment_container` takes.
    pub struct DeletePaymentContainer {
        /// `PCT_…`
        pub id: String,
    }
}

crate::operation_input! {
    /// What `get_payment_methods` takes.
    pub struct GetPaymentMethods {
        /// A General Contract `GCR_…`; `null`: the client's.
        pub contract_id: Option<String> = null,
    }
}

async fn fetch_push(c: &Client, body: &str) -> Result<Vec<PaymentTransaction>, Error> {
    let push = parse_push(body.as_bytes())?;
    c.fetch_push_payment_transactions(&push).await
}

crate::operation_table! {
    provider = "secuconnect", client = Client;

    /// Creates a Smart Transaction (a checkout for one payment); never sent again once it may
    /// have arrived: a lost answer ends `outcome_unknown`, naming the `merchant_ref` /
    /// `transaction_ref` to look it up by.
    create_smart_transaction(CreateSmartTransaction) -> SmartTransaction, UnkeyedWrite, single,
        |c, i| c.create_smart_transaction(i);
    /// Reads a Smart Transaction.
    get_smart_transaction(GetSmartTransaction) -> SmartTransaction, Read, single,
        |c, i| c.get_smart_transaction(&i.id);
    /// Changes a Smart Transaction before its payment starts.
    update_smart_transaction(UpdateSmartTransactionRequest) -> SmartTransaction, KeyedWrite, single,
        |c, i| c.update_smart_transaction(&i.id, UpdateSmartTransaction {
            amount: i.amount,
            basket: i.basket,
            customer: i.customer,
            merchant_ref: i.merchant_ref,
            transaction_ref: i.transaction_ref,
            auto_capture: i.auto_capture,
            extra: i.extra,
        });
    /// Prepares the payment with one method (custom checkout).
    prepare_smart_transaction(PrepareSmartTransactionRequest) -> SmartTransaction, UnkeyedWrite, single,
        |c, i| c.prepare_smart_transaction(&i.id, &i.payment_method, PrepareSmartTransaction {
            container_id: i.container_id,
            bank_account: i.bank_account,
            extra: i.extra,
        });
    /// Starts the payment (executes it).
    start_smart_transaction(StartSmartTransaction) -> SmartTransaction, UnkeyedWrite, single,
        |c, i| c.start_smart_transaction(&i.id, i.payment_method.as_deref());
    /// Cancels a Smart Transaction.
    cancel_smart_transaction(CancelSmartTransaction) -> SmartTransaction, UnkeyedWrite, single,
        |c, i| c.cancel_smart_transaction(&i.id);
    /// Aborts a Smart Transaction the payer has not finished.
    abort_smart_transaction(AbortSmartTransaction) -> SmartTransaction, UnkeyedWrite, single,
        |c, i| c.abort_smart_transaction(&i.id);
    /// Marks the goods shipped or collected (obligatory for invoice payments).
    set_delivery(SetDelivery) -> SmartTransaction, UnkeyedWrite, single,
        |c, i| c.set_delivery(&i.id, i.delivery);
    /// Lists Smart Transactions page by page (offset paging, at most 10,000 matches).
    smart_transactions(SmartTransactionQuery) -> SmartTransactionPager, Read, pages(100),
        |c, i| async move { c.smart_transactions(i) };
    /// Reads a payment transaction (`PCI_…`).
    get_payment_transaction(GetPaymentTransaction) -> PaymentTransaction, Read, single,
        |c, i| c.get_payment_transaction(&i.id);
    /// Reads a payment's current status and remaining amount.
    check_payment_status(CheckPaymentStatus) -> PaymentStatus, Read, single,
        |c, i| c.check_payment_status(&i.id);
    /// Cancels or refunds a payment, in full or by `reduce_amount_by`.
    cancel_payment_transaction(CancelPaymentTransaction) -> Vec<PaymentTransaction>, KeyedWrite, single,
        |c, i| c.cancel_payment_transaction(&i.id, CancelPayment {
            reduce_amount_by: i.reduce_amount_by,
            reason: i.reason,
        });
    /// One page of payment transactions, filtered by `query` (offset paging).
    list_payment_transactions(ListPaymentTransactions) -> Vec<PaymentTransaction>, Read, single,
        |c, i| c.list_payment_transactions(i.query, i.sort, i.count, u64::from(i.offset));
    /// Captures an authorised payment or (invoice) reports its delivery; never sent again once
    /// it may have arrived (settle with `get_payment_transaction`).
    capture_payment_transaction(CapturePaymentTransaction) -> PaymentTransaction, UnkeyedWrite, single,
        |c, i| c.capture_payment_transaction(&i.id, i.amount);
    /// Revokes a payment's accrual booking; a lost answer is settled by the payment's
    /// `accrual` flag.
    revoke_accrual(RevokeAccrual) -> PaymentTransaction, KeyedWrite, single,
        |c, i| c.revoke_accrual(&i.id);
    /// Refunds a payment in full or by `amount`; answers the refund transaction and what is left.
    refund_payment_transaction(RefundPaymentTransaction) -> PaymentRefund, KeyedWrite, single,
        |c, i| c.refund_payment_transaction(&i.id, CancelPayment {
            reduce_amount_by: i.amount,
            reason: i.reason,
        });
    /// Creates a bank account container (SEPA mandate) to pay with later; never sent again once
    /// it may have arrived (settle with `list_payment_containers`).
    create_payment_container(CreatePaymentContainer) -> PaymentContainer, UnkeyedWrite, single,
        |c, i| async move { c.create_payment_container(&i.bank_account, i.customer_id.as_deref()).await };
    /// Reads a payment container (`PCT_…`).
    get_payment_container(GetPaymentContainer) -> PaymentContainer, Read, single,
        |c, i| c.get_payment_container(&i.id);
    /// One page of payment containers (offset paging).
    list_payment_containers(ListPaymentContainers) -> Vec<PaymentContainer>, Read, single,
        |c, i| c.list_payment_containers(i.query, i.sort, i.count, u64::from(i.offset));
    /// Deletes a payment container; never sent again once it may have arrived.
    delete_payment_container(DeletePaymentContainer) -> Vec<PaymentContainer>, UnkeyedWrite, single,
        |c, i| c.delete_payment_container(&i.id);
    /// The payment methods a contract offers (the client's contract by default).
    get_payment_methods(GetPaymentMethods) -> Vec<String>, Read, single,
        |c, i| async move { c.get_payment_methods(i.contract_id.as_deref()).await };
    /// Reads the payment transactions a push names (the push itself is never trusted).
    fetch_push_payment_transactions(FetchPushPaymentTransactions) -> Vec<PaymentTransaction>, Read, single,
        |c, i| fetch_push(c, &i.body);
}

/// The output records whose binding types are generated (see `operation::record`); a result
/// type declared with `output_record!` is listed here.
pub fn records() -> Vec<crate::operation::record::RecordInfo> {
    use crate::operation::record::Record;
    vec![
        ParentObj::info("secuconnect"),
        PaymentTransaction::info("secuconnect"),
        PaymentRefund::info("secuconnect"),
        PaymentContainerMandate::info("secuconnect"),
        PaymentContainer::info("secuconnect"),
    ]
}
