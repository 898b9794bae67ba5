//! Saferpay JSON API results (payment page, transaction lifecycle) as UniFFI records.

use paywire::saferpay as core;

use crate::money::Money;

/// A transaction. `status`/`type` are the provider's words (`AUTHORIZED`, `CAPTURED`,
/// `PENDING`, `CANCELED`; `PAYMENT`, `REFUND`), including ones newer than this library.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Transaction {
    pub id: String,
    pub r#type: String,
    pub status: String,
    pub amount: Money,
    pub order_id: Option<String>,
    /// Set once captured; refunds reference it.
    pub capture_id: Option<String>,
    pub date: Option<String>,
    pub six_transaction_reference: Option<String>,
    pub acquirer_name: Option<String>,
    pub acquirer_reference: Option<String>,
    pub approval_code: Option<String>,
}

impl From<core::Transaction> for Transaction {
    fn from(t: core::Transaction) -> Self {
        Transaction {
            id: t.id,
            r#type: t.transaction_type.as_str().to_owned(),
            status: t.status.as_str().to_owned(),
            amount: t.amount.into(),
            order_id: t.order_id,
            capture_id: t.capture_id,
            date: t.date,
            six_transaction_reference: t.six_transaction_reference,
            acquirer_name: t.acquirer_name,
            acquirer_reference: t.acquirer_reference,
            approval_code: t.approval_code,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Card {
    pub masked_number: Option<String>,
    pub exp_year: Option<i32>,
    pub exp_month: Option<i32>,
    pub holder_name: Option<String>,
    pub country_code: Option<String>,
    pub holder_segment: Option<String>,
    pub funding_source: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct BankAccount {
    pub iban: Option<String>,
    pub holder_name: Option<String>,
    pub bic: Option<String>,
    pub bank_name: Option<String>,
    pub country_code: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PayPalAccount {
    pub payer_id: Option<String>,
    pub email: Option<String>,
    pub seller_protection_status: Option<String>,
}

/// How the payer paid (masked; never a full card number).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PaymentMeans {
    pub payment_method: Option<String>,
    pub brand_name: Option<String>,
    pub display_text: Option<String>,
    pub card: Option<Card>,
    pub bank_account: Option<BankAccount>,
    pub paypal: Option<PayPalAccount>,
    pub wallet: Option<String>,
}

impl From<core::PaymentMeans> for PaymentMeans {
    fn from(m: core::PaymentMeans) -> Self {
        PaymentMeans {
            payment_method: m.payment_method.map(|p| p.as_str().to_owned()),
            brand_name: m.brand_name,
            display_text: m.display_text,
            card: m.card.map(|c| Card {
                masked_number: c.masked_number,
                exp_year: c.exp_year,
                exp_month: c.exp_month.and_then(|m| i32::try_from(m).ok()),
                holder_name: c.holder_name,
                country_code: c.country_code,
                holder_segment: c.holder_segment,
                funding_source: c.funding_source,
            }),
            bank_account: m.bank_account.map(|b| BankAccount {
                iban: b.iban,
                holder_name: b.holder_name,
                bic: b.bic,
                bank_name: b.bank_name,
                country_code: b.country_code,
            }),
            paypal: m.paypal.map(|p| PayPalAccount {
                payer_id: p.payer_id,
                email: p.email,
                seller_protection_status: p.seller_protection_status,
            }),
            wallet: m.wallet,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ThreeDs {
    pub authenticated: Option<bool>,
    pub xid: Option<String>,
    pub authentication_type: Option<String>,
    pub version: Option<String>,
}

/// Who carries the risk of a chargeback.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Liability {
    pub liability_shift: bool,
    /// `MERCHANT`, `THREEDS` … as sent.
    pub liable_entity: String,
    pub in_psd2_scope: Option<String>,
    pub three_ds: Option<ThreeDs>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RegistrationResult {
    pub success: bool,
    pub alias_id: Option<String>,
    pub alias_lifetime: Option<i64>,
    pub error_name: Option<String>,
    pub error_message: Option<String>,
}

/// A payment: the transaction, how it was paid, who is liable.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Payment {
    pub transaction: Transaction,
    pub payment_means: PaymentMeans,
    pub liability: Option<Liability>,
    pub registration_result: Option<RegistrationResult>,
    pub raw: String,
}

impl From<core::Payment> for Payment {
    fn from(p: core::Payment) -> Self {
        Payment {
            transaction: p.transaction.into(),
            payment_means: p.payment_means.into(),
            liability: p.liability.map(|l| Liability {
                liability_shift: l.liability_shift,
                liable_entity: l.liable_entity.as_str().to_owned(),
                in_psd2_scope: l.in_psd2_scope,
                three_ds: l.three_ds.map(|t| ThreeDs {
                    authenticated: t.authenticated,
                    xid: t.xid,
                    authentication_type: t.authentication_type,
                    version: t.version,
                }),
            }),
            registration_result: p.registration_result.map(|r| RegistrationResult {
                success: r.success,
                alias_id: r.alias_id,
                alias_lifetime: r.alias_lifetime,
                error_name: r.error_name,
                error_message: r.error_message,
            }),
            raw: p.raw.to_string(),
        }
    }
}
