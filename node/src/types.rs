//! TypeScript declarations of results that cross as JSON (see `results.rs`). These structs are
//! never built in Rust: napi generates the interfaces in native.d.ts from them, and the values
//! come from the core's own serialisation, so every field listed here mirrors a core field.
#![allow(dead_code)]

use napi_derive::napi;
use serde_json::Value;

use crate::money::Money;

/// A Saferpay payment (or refund) transaction.
#[napi(object)]
pub struct Transaction {
    pub id: String,
    /// `PAYMENT` or `REFUND` (or a newer value).
    #[napi(js_name = "type")]
    pub transaction_type: String,
    /// `AUTHORIZED`, `CAPTURED`, `PENDING`, `CANCELED` (or a newer value).
    pub status: String,
    pub amount: Money,
    pub order_id: Option<String>,
    /// Present once captured; refunds reference it.
    pub capture_id: Option<String>,
    pub date: Option<String>,
    pub six_transaction_reference: Option<String>,
    pub acquirer_name: Option<String>,
    pub acquirer_reference: Option<String>,
    pub approval_code: Option<String>,
}

#[napi(object)]
pub struct PaymentMeans {
    pub payment_method: Option<String>,
    pub brand_name: Option<String>,
    pub display_text: Option<String>,
    pub card: Option<Card>,
    pub bank_account: Option<SaferpayBankAccount>,
    pub paypal: Option<PayPalAccount>,
    pub wallet: Option<String>,
}

#[napi(object)]
pub struct Card {
    pub masked_number: Option<String>,
    pub exp_year: Option<i32>,
    pub exp_month: Option<u32>,
    pub holder_name: Option<String>,
    pub country_code: Option<String>,
    pub holder_segment: Option<String>,
    pub funding_source: Option<String>,
}

#[napi(object)]
pub struct SaferpayBankAccount {
    pub iban: Option<String>,
    pub holder_name: Option<String>,
    pub bic: Option<String>,
    pub bank_name: Option<String>,
    pub country_code: Option<String>,
}

#[napi(object)]
pub struct PayPalAccount {
    pub payer_id: Option<String>,
    pub email: Option<String>,
    pub seller_protection_status: Option<String>,
}

#[napi(object)]
pub struct Liability {
    pub liability_shift: bool,
    pub liable_entity: String,
    /// `YES`, `NO` or `UNKNOWN`.
    pub in_psd2_scope: Option<String>,
    pub three_ds: Option<ThreeDs>,
}

#[napi(object)]
pub struct ThreeDs {
    pub authenticated: Option<bool>,
    pub xid: Option<String>,
    pub authentication_type: Option<String>,
    pub version: Option<String>,
}

#[napi(object)]
pub struct RegistrationResult {
    pub success: bool,
    pub alias_id: Option<String>,
    pub alias_lifetime: Option<f64>,
    pub error_name: Option<String>,
    pub error_message: Option<String>,
}

/// The result of assert, inquire and refund.
#[napi(object)]
pub struct Payment {
    pub transaction: Transaction,
    pub payment_means: PaymentMeans,
    pub liability: Option<Liability>,
    pub registration_result: Option<RegistrationResult>,
    pub raw: Value,
}

/// A provider-neutral payment link (a Saferpay offer or a secuconnect Smart Transaction).
#[napi(object)]
pub struct PaymentLink {
    /// `saferpay` or `secuconnect`.
    pub provider: String,
    pub id: String,
    pub url: String,
    /// `open`, `paid`, `expired`, `canceled` or `failed`.
    pub status: String,
    /// The provider's own status word.
    pub provider_status: String,
    pub amount: Option<Money>,
    pub order_id: Option<String>,
    pub transaction_id: Option<String>,
    pub raw: Value,
}

/// A secuconnect Smart Transaction.
#[napi(object)]
pub struct SmartTransaction {
    pub id: String,
    /// `created`, `received`, `ok`, `failed`, … (or a newer value).
    pub status: String,
    pub amount: Option<Money>,
    pub intent: Option<String>,
    pub created: Option<String>,
    pub updated: Option<String>,
    pub contract_id: Option<String>,
    pub merchant_id: Option<String>,
    pub customer: Option<Value>,
    pub basket: Vec<Value>,
    pub basket_type: Option<String>,
    pub merchant_ref: Option<String>,
    pub transaction_ref: Option<String>,
    pub is_demo: Option<bool>,
    pub payment_method: Option<String>,
    pub trans_id: Option<String>,
    pub transactions: Vec<Value>,
    /// Checkout URLs by payment method.
    pub payment_links: std::collections::HashMap<String, String>,
    pub payment_link: Option<String>,
    pub checkout_url: Option<String>,
    pub iframe_url: Option<String>,
    pub payment_instructions: Option<Value>,
    pub container: Option<Value>,
    pub return_urls: Option<Value>,
    pub auto_capture: Option<bool>,
    pub raw: Value,
}

/// A parsed secuconnect push notification.
#[napi(object)]
pub struct PushNotification {
    /// Deliveries repeat until acknowledged: deduplicate on it.
    pub id: String,
    pub created: Option<String>,
    /// E.g. `payment.transactions`.
    pub target: String,
    /// `changed`, `added` or `display`.
    #[napi(js_name = "type")]
    pub push_type: String,
    pub object_ids: Vec<String>,
    pub objects: Vec<Value>,
    pub raw: Value,
}

/// An inline bank account for `prepareSmartTransaction(id, 'debit', { bankAccount })` (SEPA
/// direct debit). The core checks it (`bank_account.iban`, `bank_account.bic` …).
#[napi(object)]
pub struct SecuconnectBankAccount {
    pub owner: String,
    pub iban: String,
    /// 8 or 11 characters.
    pub bic: Option<String>,
}

/// A SekurePay order.
#[napi(object)]
pub struct SekurePayOrder {
    pub id: String,
    pub status: Option<String>,
    pub currency: Option<String>,
    pub sub_total: Option<Money>,
    pub shipping: Option<Money>,
    pub taxes_total: Option<Money>,
    pub total: Option<Money>,
    pub created_at: Option<String>,
    pub raw: Value,
}
