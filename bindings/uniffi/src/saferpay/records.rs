//! Saferpay inputs and results as UniFFI records (Kotlin data classes, Swift structs).
//! None of them holds a secret. Inputs mirror the core's structs field by field.

use paywire::saferpay as core;

use crate::error::{Result, guard};
use crate::money::{Money, opt_money};

fn raw_json(value: &serde_json::Value) -> String {
    value.to_string()
}

/// A `Payer` from snake_case JSON (`{"language_code": "de", "billing_address": {...}}`).
#[uniffi::export(default(field = "payer"))]
pub fn payer_from_json(json: String, field: String) -> Result<Payer> {
    guard(|| crate::convert::from_json_text(&json, &field))
}

/// An `Address` from snake_case JSON.
#[uniffi::export(default(field = "address"))]
pub fn address_from_json(json: String, field: String) -> Result<Address> {
    guard(|| crate::convert::from_json_text(&json, &field))
}

/// A `BillingAddressForm` from snake_case JSON.
#[uniffi::export(default(field = "billing_address_form"))]
pub fn billing_address_form_from_json(json: String, field: String) -> Result<BillingAddressForm> {
    guard(|| crate::convert::from_json_text(&json, &field))
}

/// An `Order` from snake_case JSON (`{"items": [{"name": "Book", "unit_price": {"minor": 100, "currency": "CHF"}}]}`).
#[uniffi::export(default(field = "order"))]
pub fn order_from_json(json: String, field: String) -> Result<Order> {
    guard(|| crate::convert::from_json_text(&json, &field))
}

/// A postal address (billing or delivery). Every field is optional.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize, uniffi::Record,
)]
#[serde(default, deny_unknown_fields)]
pub struct Address {
    #[uniffi(default)]
    pub first_name: Option<String>,
    #[uniffi(default)]
    pub last_name: Option<String>,
    #[uniffi(default)]
    pub company: Option<String>,
    /// `MALE`, `FEMALE`, `DIVERSE` or `COMPANY`.
    #[uniffi(default)]
    pub gender: Option<String>,
    #[uniffi(default)]
    pub street: Option<String>,
    #[uniffi(default)]
    pub street2: Option<String>,
    #[uniffi(default)]
    pub zip: Option<String>,
    #[uniffi(default)]
    pub city: Option<String>,
    #[uniffi(default)]
    pub country_code: Option<String>,
    #[uniffi(default)]
    pub country_subdivision_code: Option<String>,
    #[uniffi(default)]
    pub email: Option<String>,
    #[uniffi(default)]
    pub phone: Option<String>,
    /// `YYYY-MM-DD`.
    #[uniffi(default)]
    pub date_of_birth: Option<String>,
    #[uniffi(default)]
    pub vat_number: Option<String>,
}

impl From<Address> for core::Address {
    fn from(a: Address) -> Self {
        core::Address {
            first_name: a.first_name,
            last_name: a.last_name,
            company: a.company,
            gender: a.gender,
            street: a.street,
            street2: a.street2,
            zip: a.zip,
            city: a.city,
            country_code: a.country_code,
            country_subdivision_code: a.country_subdivision_code,
            email: a.email,
            phone: a.phone,
            date_of_birth: a.date_of_birth,
            vat_number: a.vat_number,
        }
    }
}

/// The payer. Offers accept language, IP addresses and a billing address; payment pages also
/// an id and a delivery address.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize, uniffi::Record,
)]
#[serde(default, deny_unknown_fields)]
pub struct Payer {
    #[uniffi(default)]
    pub id: Option<String>,
    #[uniffi(default)]
    pub language_code: Option<String>,
    #[uniffi(default)]
    pub ip_address: Option<String>,
    #[uniffi(default)]
    pub ipv6_address: Option<String>,
    #[uniffi(default)]
    pub billing_address: Option<Address>,
    #[uniffi(default)]
    pub delivery_address: Option<Address>,
}

impl From<Payer> for core::Payer {
    fn from(p: Payer) -> Self {
        core::Payer {
            id: p.id,
            language_code: p.language_code,
            ip_address: p.ip_address,
            ipv6_address: p.ipv6_address,
            billing_address: p.billing_address.map(Into::into),
            delivery_address: p.delivery_address.map(Into::into),
        }
    }
}

/// Whether (and which) address fields the payment page asks the payer for.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct BillingAddressForm {
    /// `NONE`, `SAFERPAY` or `PREFER_PAYMENTMETHOD`.
    pub address_source: String,
    /// Any of `CITY, COMPANY, VATNUMBER, COUNTRY, EMAIL, FIRSTNAME, LASTNAME, PHONE, SALUTATION,
    /// STATE, STREET, ZIP`; empty means Saferpay's default set.
    #[uniffi(default)]
    #[serde(default)]
    pub mandatory_fields: Vec<String>,
}

impl From<BillingAddressForm> for core::BillingAddressForm {
    fn from(f: BillingAddressForm) -> Self {
        core::BillingAddressForm {
            address_source: f.address_source,
            mandatory_fields: f.mandatory_fields,
        }
    }
}

/// Order details (mandatory for Klarna).
#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize, uniffi::Record,
)]
#[serde(default, deny_unknown_fields)]
pub struct Order {
    pub items: Vec<OrderItem>,
}

/// One order line. Money fields must be in the payment currency.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize, uniffi::Record,
)]
#[serde(default, deny_unknown_fields)]
pub struct OrderItem {
    #[uniffi(default)]
    pub item_type: Option<String>,
    #[uniffi(default)]
    pub id: Option<String>,
    #[uniffi(default)]
    pub variant_id: Option<String>,
    #[uniffi(default)]
    pub name: Option<String>,
    #[uniffi(default)]
    pub category_name: Option<String>,
    #[uniffi(default)]
    pub description: Option<String>,
    #[uniffi(default)]
    pub quantity: Option<i64>,
    #[uniffi(default)]
    pub unit_price: Option<Money>,
    #[uniffi(default)]
    pub is_pre_order: Option<bool>,
    /// Hundredths of a percent (7.7 % = 770).
    #[uniffi(default)]
    pub tax_rate: Option<i64>,
    #[uniffi(default)]
    pub tax_amount: Option<Money>,
    #[uniffi(default)]
    pub discount_amount: Option<Money>,
    #[uniffi(default)]
    pub product_url: Option<String>,
    #[uniffi(default)]
    pub image_url: Option<String>,
}

/// A license feature.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Feature {
    pub id: String,
    pub name: String,
}

/// The customer's license package and features.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct License {
    pub package_id: String,
    pub package_name: String,
    pub features: Vec<Feature>,
    pub raw: String,
}

impl From<core::License> for License {
    fn from(l: core::License) -> Self {
        License {
            package_id: l.package_id,
            package_name: l.package_name,
            features: l
                .features
                .into_iter()
                .map(|f| Feature {
                    id: f.id,
                    name: f.name,
                })
                .collect(),
            raw: raw_json(&l.raw),
        }
    }
}

/// A payment method a terminal accepts.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PaymentMethodInfo {
    pub payment_method: String,
    pub currencies: Vec<String>,
    pub logo_url: Option<String>,
}

/// A wallet a terminal accepts.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct WalletInfo {
    pub wallet_name: String,
    pub logo_url: Option<String>,
}

/// A terminal. The list call fills only id, type and description.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Terminal {
    pub terminal_id: String,
    /// `ECOM`, `SPG`, `MPO` (or a newer value).
    pub r#type: String,
    pub description: Option<String>,
    pub payment_methods: Vec<PaymentMethodInfo>,
    pub wallets: Vec<WalletInfo>,
    pub raw: String,
}

impl From<core::Terminal> for Terminal {
    fn from(t: core::Terminal) -> Self {
        Terminal {
            terminal_id: t.terminal_id,
            r#type: t.terminal_type,
            description: t.description,
            payment_methods: t
                .payment_methods
                .into_iter()
                .map(|m| PaymentMethodInfo {
                    payment_method: m.payment_method,
                    currencies: m.currencies,
                    logo_url: m.logo_url,
                })
                .collect(),
            wallets: t
                .wallets
                .into_iter()
                .map(|w| WalletInfo {
                    wallet_name: w.wallet_name,
                    logo_url: w.logo_url,
                })
                .collect(),
            raw: raw_json(&t.raw),
        }
    }
}

/// A payment page configuration (a valid `config_set` name).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PaymentPageConfiguration {
    pub name: String,
    pub is_default: bool,
    pub description: Option<String>,
}

impl From<core::PaymentPageConfiguration> for PaymentPageConfiguration {
    fn from(c: core::PaymentPageConfiguration) -> Self {
        PaymentPageConfiguration {
            name: c.name,
            is_default: c.is_default,
            description: c.description,
        }
    }
}

/// One transaction from the reporting API.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ReportedTransaction {
    pub id: String,
    /// `PAYMENT` or `REFUND` (successful transactions only).
    pub r#type: Option<String>,
    /// `AUTHORIZED`, `CAPTURED`, `CANCELED`; `FAILED` or `PENDING` for those states.
    pub status: String,
    pub amount: Option<Money>,
    pub captured_amount: Option<Money>,
    pub order_id: Option<String>,
    /// Authorization, failure or pending-since date, as sent (no offset).
    pub date: Option<String>,
    pub customer_id: String,
    pub terminal_id: String,
    pub terminal_type: Option<String>,
    pub application: Option<String>,
    pub payment_method: Option<String>,
    pub provider: Option<String>,
    pub description: Option<String>,
    pub payer_id: Option<String>,
    pub is_captured: bool,
    pub is_refunded: bool,
    pub is_cancelled: bool,
    pub declined_by: Option<String>,
    pub raw: String,
}

impl From<core::ReportedTransaction> for ReportedTransaction {
    fn from(t: core::ReportedTransaction) -> Self {
        ReportedTransaction {
            id: t.id,
            r#type: t.transaction_type,
            status: t.status,
            amount: opt_money(t.amount),
            captured_amount: opt_money(t.captured_amount),
            order_id: t.order_id,
            date: t.date,
            customer_id: t.customer_id,
            terminal_id: t.terminal_id,
            terminal_type: t.terminal_type,
            application: t.application,
            payment_method: t.payment_method,
            provider: t.provider,
            description: t.description,
            payer_id: t.payer_id,
            is_captured: t.is_captured,
            is_refunded: t.is_refunded,
            is_cancelled: t.is_cancelled,
            declined_by: t.declined_by,
            raw: t.raw.into_string(),
        }
    }
}

/// One page of a report.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ReportPage {
    /// 1-based, as requested.
    pub page_number: i32,
    pub page_size: i32,
    pub total_transactions: i64,
    pub transactions: Vec<ReportedTransaction>,
}

impl From<core::ReportPage> for ReportPage {
    fn from(p: core::ReportPage) -> Self {
        ReportPage {
            page_number: i32::try_from(p.page_number).unwrap_or(i32::MAX),
            page_size: i32::try_from(p.page_size).unwrap_or(i32::MAX),
            total_transactions: i64::try_from(p.total_transactions).unwrap_or(i64::MAX),
            transactions: p.transactions.into_iter().map(Into::into).collect(),
        }
    }
}
