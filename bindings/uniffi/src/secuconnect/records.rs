//! secuconnect inputs and results as UniFFI records. Inputs mirror the core's structs field by
//! field (their `extra` maps stay empty); results keep the provider's answer in `raw`.

use std::collections::HashMap;

use paywire::secuconnect as core;

use crate::error::{Result, guard};
use crate::money::{Money, opt_money};

/// A postal address of a contact.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct SecuconnectAddress {
    #[uniffi(default)]
    pub street: Option<String>,
    #[uniffi(default)]
    pub street_number: Option<String>,
    #[uniffi(default)]
    pub postal_code: Option<String>,
    #[uniffi(default)]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[uniffi(default)]
    pub country: Option<String>,
    #[uniffi(default)]
    pub additional_address_data: Option<String>,
}

impl From<SecuconnectAddress> for core::Address {
    fn from(a: SecuconnectAddress) -> Self {
        core::Address {
            street: a.street,
            street_number: a.street_number,
            postal_code: a.postal_code,
            city: a.city,
            country: a.country,
            additional_address_data: a.additional_address_data,
            extra: Default::default(),
        }
    }
}

impl From<core::Address> for SecuconnectAddress {
    fn from(a: core::Address) -> Self {
        SecuconnectAddress {
            street: a.street,
            street_number: a.street_number,
            postal_code: a.postal_code,
            city: a.city,
            country: a.country,
            additional_address_data: a.additional_address_data,
        }
    }
}

/// A person or company.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct SecuconnectContact {
    #[uniffi(default)]
    pub salutation: Option<String>,
    #[uniffi(default)]
    pub title: Option<String>,
    #[uniffi(default)]
    pub forename: Option<String>,
    #[uniffi(default)]
    pub surname: Option<String>,
    #[uniffi(default)]
    pub companyname: Option<String>,
    #[uniffi(default)]
    pub email: Option<String>,
    #[uniffi(default)]
    pub phone: Option<String>,
    #[uniffi(default)]
    pub mobile: Option<String>,
    /// `YYYY-MM-DD`.
    #[uniffi(default)]
    pub dob: Option<String>,
    #[uniffi(default)]
    pub address: Option<SecuconnectAddress>,
}

impl From<SecuconnectContact> for core::Contact {
    fn from(c: SecuconnectContact) -> Self {
        core::Contact {
            salutation: c.salutation,
            title: c.title,
            forename: c.forename,
            surname: c.surname,
            companyname: c.companyname,
            email: c.email,
            phone: c.phone,
            mobile: c.mobile,
            dob: c.dob,
            address: c.address.map(Into::into),
            extra: Default::default(),
        }
    }
}

impl From<core::Contact> for SecuconnectContact {
    fn from(c: core::Contact) -> Self {
        SecuconnectContact {
            salutation: c.salutation,
            title: c.title,
            forename: c.forename,
            surname: c.surname,
            companyname: c.companyname,
            email: c.email,
            phone: c.phone,
            mobile: c.mobile,
            dob: c.dob,
            address: c.address.map(Into::into),
        }
    }
}

/// The payer: an existing customer id, or a contact to create one.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct SecuconnectCustomer {
    #[uniffi(default)]
    pub id: Option<String>,
    #[uniffi(default)]
    pub contact: Option<SecuconnectContact>,
}

impl From<SecuconnectCustomer> for core::Customer {
    fn from(c: SecuconnectCustomer) -> Self {
        core::Customer {
            id: c.id,
            contact: c.contact.map(Into::into),
            extra: Default::default(),
        }
    }
}

impl From<core::Customer> for SecuconnectCustomer {
    fn from(c: core::Customer) -> Self {
        SecuconnectCustomer {
            id: c.id,
            contact: c.contact.map(Into::into),
        }
    }
}

/// One basket line; amounts are integer minor units of the transaction currency.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct BasketItem {
    #[uniffi(default)]
    pub id: Option<i64>,
    /// `article`, `shipping`, `coupon` …
    #[uniffi(default)]
    pub item_type: Option<String>,
    #[uniffi(default)]
    pub desc: Option<String>,
    #[uniffi(default)]
    pub article_number: Option<String>,
    #[uniffi(default)]
    pub ean: Option<String>,
    #[uniffi(default)]
    pub quantity: Option<i64>,
    #[uniffi(default)]
    pub price_one: Option<i64>,
    #[uniffi(default)]
    pub sum: Option<i64>,
    /// VAT rate in percent, as text (`"19"`).
    #[uniffi(default)]
    pub tax: Option<String>,
    #[uniffi(default)]
    pub reference_id: Option<String>,
    #[uniffi(default)]
    pub contract_id: Option<String>,
    #[uniffi(default)]
    pub sub_basket: Vec<BasketItem>,
}

impl From<BasketItem> for core::BasketItem {
    fn from(b: BasketItem) -> Self {
        core::BasketItem {
            id: b.id,
            item_type: b.item_type,
            desc: b.desc,
            article_number: b.article_number,
            ean: b.ean,
            quantity: b.quantity,
            price_one: b.price_one,
            sum: b.sum,
            tax: b.tax,
            reference_id: b.reference_id,
            contract_id: b.contract_id,
            sub_basket: b.sub_basket.into_iter().map(Into::into).collect(),
            extra: Default::default(),
        }
    }
}

impl From<core::BasketItem> for BasketItem {
    fn from(b: core::BasketItem) -> Self {
        BasketItem {
            id: b.id,
            item_type: b.item_type,
            desc: b.desc,
            article_number: b.article_number,
            ean: b.ean,
            quantity: b.quantity,
            price_one: b.price_one,
            sum: b.sum,
            tax: b.tax,
            reference_id: b.reference_id,
            contract_id: b.contract_id,
            sub_basket: b.sub_basket.into_iter().map(Into::into).collect(),
        }
    }
}

/// Where the checkout sends the payer (and the push notification URL).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct ReturnUrls {
    #[uniffi(default)]
    pub url_success: Option<String>,
    #[uniffi(default)]
    pub url_failure: Option<String>,
    #[uniffi(default)]
    pub url_abort: Option<String>,
    #[uniffi(default)]
    pub url_push: Option<String>,
}

impl From<ReturnUrls> for core::ReturnUrls {
    fn from(r: ReturnUrls) -> Self {
        core::ReturnUrls {
            url_success: r.url_success,
            url_failure: r.url_failure,
            url_abort: r.url_abort,
            url_push: r.url_push,
        }
    }
}

impl From<core::ReturnUrls> for ReturnUrls {
    fn from(r: core::ReturnUrls) -> Self {
        ReturnUrls {
            url_success: r.url_success,
            url_failure: r.url_failure,
            url_abort: r.url_abort,
            url_push: r.url_push,
        }
    }
}

/// A `SecuconnectCustomer` from the provider's snake_case JSON (core decoder, field paths).
#[uniffi::export(default(field = "customer"))]
pub fn customer_from_json(json: String, field: String) -> Result<SecuconnectCustomer> {
    guard(|| Ok(crate::convert::from_json_text::<core::Customer>(&json, &field)?.into()))
}

/// A basket (list of `BasketItem`) from JSON.
#[uniffi::export(default(field = "basket"))]
pub fn basket_from_json(json: String, field: String) -> Result<Vec<BasketItem>> {
    guard(|| {
        Ok(
            crate::convert::from_json_text::<Vec<core::BasketItem>>(&json, &field)?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    })
}

/// `ReturnUrls` from JSON.
#[uniffi::export(default(field = "return_urls"))]
pub fn return_urls_from_json(json: String, field: String) -> Result<ReturnUrls> {
    guard(|| Ok(crate::convert::from_json_text::<core::ReturnUrls>(&json, &field)?.into()))
}

/// A payment transaction behind a smart transaction.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PaymentTransactionRef {
    pub id: Option<String>,
    pub trans_id: Option<String>,
    pub transaction_hash: Option<String>,
    pub reference_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ContainerRef {
    pub id: Option<String>,
    pub r#type: Option<String>,
}

/// Bank transfer data for prepayment and invoice; show it to the payer.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PaymentInstructions {
    pub owner: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub bankname: Option<String>,
    pub purpose: Option<String>,
    pub girocode_url: Option<String>,
}

/// A Smart Transaction. `status` is the provider's (`created`, `ok`, `failed` …).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SmartTransaction {
    pub id: String,
    pub status: String,
    pub amount: Option<Money>,
    pub intent: Option<String>,
    pub created: Option<String>,
    pub updated: Option<String>,
    pub contract_id: Option<String>,
    pub merchant_id: Option<String>,
    pub customer: Option<SecuconnectCustomer>,
    pub basket: Vec<BasketItem>,
    pub basket_type: Option<String>,
    pub merchant_ref: Option<String>,
    pub transaction_ref: Option<String>,
    pub is_demo: Option<bool>,
    pub payment_method: Option<String>,
    pub trans_id: Option<String>,
    pub transactions: Vec<PaymentTransactionRef>,
    /// Checkout links per payment method.
    pub payment_links: HashMap<String, String>,
    /// The general checkout link.
    pub payment_link: Option<String>,
    pub checkout_url: Option<String>,
    pub iframe_url: Option<String>,
    pub payment_instructions: Option<PaymentInstructions>,
    pub container: Option<ContainerRef>,
    pub return_urls: Option<ReturnUrls>,
    pub auto_capture: Option<bool>,
    pub raw: String,
}

impl From<core::SmartTransaction> for SmartTransaction {
    fn from(t: core::SmartTransaction) -> Self {
        SmartTransaction {
            id: t.id,
            status: t.status.as_str().to_owned(),
            amount: opt_money(t.amount),
            intent: t.intent,
            created: t.created,
            updated: t.updated,
            contract_id: t.contract_id,
            merchant_id: t.merchant_id,
            customer: t.customer.map(Into::into),
            basket: t.basket.into_iter().map(Into::into).collect(),
            basket_type: t.basket_type,
            merchant_ref: t.merchant_ref,
            transaction_ref: t.transaction_ref,
            is_demo: t.is_demo,
            payment_method: t.payment_method,
            trans_id: t.trans_id,
            transactions: t
                .transactions
                .into_iter()
                .map(|r| PaymentTransactionRef {
                    id: r.id,
                    trans_id: r.trans_id,
                    transaction_hash: r.transaction_hash,
                    reference_id: r.reference_id,
                })
                .collect(),
            payment_links: t.payment_links.into_iter().collect(),
            payment_link: t.payment_link,
            checkout_url: t.checkout_url,
            iframe_url: t.iframe_url,
            payment_instructions: t.payment_instructions.map(|p| PaymentInstructions {
                owner: p.owner,
                iban: p.iban,
                bic: p.bic,
                bankname: p.bankname,
                purpose: p.purpose,
                girocode_url: p.girocode_url,
            }),
            container: t.container.map(|c| ContainerRef {
                id: c.id,
                r#type: c.container_type,
            }),
            return_urls: t.return_urls.map(Into::into),
            auto_capture: t.auto_capture,
            raw: t.raw.to_string(),
        }
    }
}

/// The status of a payment transaction.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PaymentStatus {
    pub status: Option<String>,
    pub status_text: Option<String>,
    pub status_simple: Option<i64>,
    pub status_simple_text: Option<String>,
    pub amount: Option<Money>,
    pub raw: String,
}

impl From<core::PaymentStatus> for PaymentStatus {
    fn from(p: core::PaymentStatus) -> Self {
        PaymentStatus {
            status: p.status,
            status_text: p.status_text,
            status_simple: p.status_simple,
            status_simple_text: p.status_simple_text,
            amount: opt_money(p.amount),
            raw: p.raw.to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PushObject {
    pub object: String,
    pub id: String,
}

/// A parsed secuconnect push notification.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PushNotification {
    pub id: String,
    pub created: Option<String>,
    pub target: String,
    pub r#type: String,
    pub object_ids: Vec<String>,
    pub objects: Vec<PushObject>,
    pub raw: String,
}

impl From<core::PushNotification> for PushNotification {
    fn from(p: core::PushNotification) -> Self {
        PushNotification {
            id: p.id,
            created: p.created,
            target: p.target,
            r#type: p.push_type,
            object_ids: p.object_ids,
            objects: p
                .objects
                .into_iter()
                .map(|o| PushObject {
                    object: o.object,
                    id: o.id,
                })
                .collect(),
            raw: p.raw.to_string(),
        }
    }
}

/// What the access token looks like (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TokenInfo {
    pub token_type: String,
    pub scope: Option<String>,
    pub expires_in: i64,
    pub has_refresh_token: bool,
}

impl From<core::TokenInfo> for TokenInfo {
    fn from(t: core::TokenInfo) -> Self {
        TokenInfo {
            token_type: t.token_type,
            scope: t.scope,
            expires_in: i64::try_from(t.expires_in).unwrap_or(i64::MAX),
            has_refresh_token: t.has_refresh_token,
        }
    }
}

/// One page of `smartTransactions`.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SmartTransactionPage {
    pub offset: i64,
    pub total: i64,
    pub items: Vec<SmartTransaction>,
}

impl From<core::SmartTransactionPage> for SmartTransactionPage {
    fn from(p: core::SmartTransactionPage) -> Self {
        SmartTransactionPage {
            offset: i64::try_from(p.offset).unwrap_or(i64::MAX),
            total: i64::try_from(p.total).unwrap_or(i64::MAX),
            items: p.items.into_iter().map(Into::into).collect(),
        }
    }
}
