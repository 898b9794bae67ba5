//! Smart Transactions (`/api/v2/Smart/Transactions`): create, read, update, list, prepare,
//! start, cancel, abort, set delivery.
//!
//! Create is not idempotent at the provider and has no idempotency key: it is retried only
//! when the request provably never left. Otherwise a failed create says the outcome is
//! unknown and how to look the transaction up (by `merchant_ref`/`transaction_ref`).

use std::collections::{BTreeMap, VecDeque};

use futures_core::Stream;
use http::Method;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::error::with_hint;
use super::models::{
    BankAccount, BasketItem, ContainerRef, Customer, Delivery, ITEM_TYPES, MAX_TEXT,
    PaymentInstructions, PaymentTransactionRef, ReturnUrls, SmartTransactionStatus, strip_nulls,
};
use super::{ApiCall, Client, segment};
use crate::error::{Error, Provider};
use crate::http::Safety;
use crate::lenient;
use crate::money::{Currency, Money};
use crate::validate;

/// Intents a Smart Transaction accepts: the SDK models (`SmartTransactionsDTO.intent`) and
/// the guides document `sale` (pay now) and `order` (pay now, ship or hand over later, then
/// `setDelivery`). To reserve now and capture later, create a `sale` without `auto_capture`:
/// `prepare` authorises, `start` captures.
pub const INTENTS: &[&str] = &["sale", "order"];

/// Methods of `/prepare/{method}` (guide and SDK; `eps`, `giropay`, `sofort` deprecated).
pub const PREPARE_METHODS: &[&str] = &[
    "creditcard",
    "debit",
    "easycredit",
    "invoice",
    "paypal",
    "prepaid",
    "eps",
    "giropay",
    "sofort",
];

/// Methods of `/start/{method}`: the direct (POS) methods, plus the prepared ones.
pub const START_METHODS: &[&str] = &[
    "cash",
    "cashless",
    "cashless_direct",
    "ccload",
    "debit",
    "invoice",
    "loyalty",
    "prepaid",
    "creditcard",
    "easycredit",
    "paypal",
    "eps",
    "giropay",
    "sofort",
];

/// Largest page we request (the API documents none; larger pages risk timeouts).
pub const MAX_PAGE_SIZE: u32 = 1000;
/// The API serves at most the first 10,000 matches of a query (scrolling beyond is not
/// supported here); narrow the query (e.g. by `created` ranges) to read more.
pub const MAX_RESULT_WINDOW: u64 = 10_000;

crate::operation_input! {
    /// Everything `create_smart_transaction` accepts. Start from [`CreateSmartTransaction::new`].
    pub struct CreateSmartTransaction {
        /// Sent as `basket_info` {sum in minor units, currency}. With a basket, it must equal its
        /// total; zero is allowed (a Smart Transaction created with minimal data and completed by
        /// an update, as the guides show).
        pub amount: Money,
        /// `sale` (default) or `order` (see `INTENTS`).
        pub intent: String = "sale",
        /// General Contract `GCR_...`; the client's default when not set.
        pub contract_id: Option<String> = null,
        /// Omit to let Smart Checkout ask the payer.
        pub customer: Option<Customer> = null,
        pub basket: Option<Vec<BasketItem>> = null,
        /// `COT_...` (application_context.checkout_template).
        pub checkout_template: Option<String> = null,
        /// Checkout language: two letters (`de`, `en`), optionally with a region as the guides
        /// write it (`de_DE`, `en-GB`).
        pub language: Option<String> = null,
        pub return_urls: Option<ReturnUrls> = null,
        /// Capture as soon as the payment is authorised (saves the `/start` call).
        pub auto_capture: Option<bool> = null,
        /// Your order number, shown in secuOffice. Set it: it is how a create whose answer was
        /// lost can be found again.
        pub merchant_ref: Option<String> = null,
        /// Purpose line on the payer's bank statement.
        pub transaction_ref: Option<String> = null,
        /// A demo payment: nothing is executed.
        pub is_demo: bool = false,
        /// More top-level fields, sent as given (objects are merged with ours; ours win).
        pub extra: Map<String, Value> = {},
    }
}

impl CreateSmartTransaction {
    pub fn new(amount: Money) -> CreateSmartTransaction {
        CreateSmartTransaction {
            amount,
            intent: "sale".into(),
            contract_id: None,
            customer: None,
            basket: None,
            checkout_template: None,
            language: None,
            return_urls: None,
            auto_capture: None,
            merchant_ref: None,
            transaction_ref: None,
            is_demo: false,
            extra: Map::new(),
        }
    }

    /// Validates every documented limit and builds the request body.
    pub(crate) fn to_wire(&self, default_contract: Option<&str>) -> Result<Value, Error> {
        validate::one_of("intent", &self.intent, INTENTS)?;
        let mut body = Map::new();
        if self.is_demo {
            body.insert("is_demo".into(), json!(true));
        }
        if let Some(contract) = self.contract_id.as_deref().or(default_contract) {
            validate::id("contract_id", contract, 1, 64)?;
            body.insert("contract".into(), json!({ "id": contract }));
        }
        if let Some(customer) = &self.customer {
            body.insert("customer".into(), customer.to_wire("customer")?);
        }
        body.insert("intent".into(), json!(self.intent));
        if let Some(basket) = &self.basket {
            body.insert("basket".into(), basket_to_wire(basket, &self.amount)?);
        }
        body.insert("basket_info".into(), basket_info(&self.amount));
        let mut context = Map::new();
        if let Some(template) = &self.checkout_template {
            validate::id("checkout_template", template, 1, 64)?;
            context.insert("checkout_template".into(), json!(template));
        }
        if let Some(language) = &self.language {
            context.insert("language".into(), json!(check_language(language)?));
        }
        if let Some(urls) = self.return_urls.as_ref().filter(|u| !u.is_empty()) {
            urls.check("return_urls")?;
            context.insert("return_urls".into(), to_value(urls)?);
        }
        if !context.is_empty() {
            body.insert("application_context".into(), Value::Object(context));
        }
        if let Some(auto_capture) = self.auto_capture {
            body.insert(
                "payment_context".into(),
                json!({ "auto_capture": auto_capture }),
            );
        }
        insert_refs(&mut body, &self.merchant_ref, &self.transaction_ref)?;
        merge_extra(&mut body, &self.extra);
        Ok(Value::Object(body))
    }
}

/// What `update_smart_transaction` changes. The API drops the basket unless it is resent, so
/// an update always sends `basket` and `basket_info`: what you pass, else the current ones
/// (read first). Possible only before payment starts; some data (application context)
/// cannot change after creation.
#[derive(Clone, Debug, Default)]
pub struct UpdateSmartTransaction {
    pub amount: Option<Money>,
    pub basket: Option<Vec<BasketItem>>,
    pub customer: Option<Customer>,
    pub merchant_ref: Option<String>,
    pub transaction_ref: Option<String>,
    pub auto_capture: Option<bool>,
    pub extra: Map<String, Value>,
}

impl UpdateSmartTransaction {
    pub fn new() -> UpdateSmartTransaction {
        UpdateSmartTransaction::default()
    }

    /// Builds the body from the update and the transaction's current amount and basket.
    pub(crate) fn to_wire(
        &self,
        current_amount: Option<Money>,
        current_basket: &[BasketItem],
    ) -> Result<Value, Error> {
        let amount = self.amount.or(current_amount).ok_or_else(|| {
            Error::validation(
                "amount",
                "is required (the transaction has no amount to keep)",
            )
        })?;
        let basket = self.basket.as_deref().unwrap_or(current_basket);
        let mut body = Map::new();
        // A transaction without a basket keeps having none; only basket_info goes out.
        if !basket.is_empty() {
            body.insert("basket".into(), basket_to_wire(basket, &amount)?);
        }
        body.insert("basket_info".into(), basket_info(&amount));
        if let Some(customer) = &self.customer {
            body.insert("customer".into(), customer.to_wire("customer")?);
        }
        if let Some(auto_capture) = self.auto_capture {
            body.insert(
                "payment_context".into(),
                json!({ "auto_capture": auto_capture }),
            );
        }
        insert_refs(&mut body, &self.merchant_ref, &self.transaction_ref)?;
        merge_extra(&mut body, &self.extra);
        Ok(Value::Object(body))
    }

    /// Checks every field that was given, before anything is sent (the current amount and
    /// basket, read later when not given, are the provider's and need no check).
    fn check_given(&self) -> Result<(), Error> {
        if let (Some(amount), Some(basket)) = (&self.amount, &self.basket) {
            basket_to_wire(basket, amount)?;
        }
        if let Some(customer) = &self.customer {
            customer.to_wire("customer")?;
        }
        insert_refs(&mut Map::new(), &self.merchant_ref, &self.transaction_ref)
    }

    fn needs_current(&self) -> bool {
        self.amount.is_none() || self.basket.is_none()
    }
}

/// What `/prepare/{method}` gets: an existing payment container, or a bank account for
/// `debit`; both optional (card and wallet methods redirect the payer instead).
#[derive(Clone, Debug, Default)]
pub struct PrepareSmartTransaction {
    /// An existing payment container `PCT_...`.
    pub container_id: Option<String>,
    /// An inline bank account (SEPA direct debit).
    pub bank_account: Option<BankAccount>,
    pub extra: Map<String, Value>,
}

impl PrepareSmartTransaction {
    pub fn new() -> PrepareSmartTransaction {
        PrepareSmartTransaction::default()
    }

    pub fn with_container(container_id: impl Into<String>) -> PrepareSmartTransaction {
        PrepareSmartTransaction {
            container_id: Some(container_id.into()),
            ..PrepareSmartTransaction::default()
        }
    }

    pub fn with_bank_account(account: BankAccount) -> PrepareSmartTransaction {
        PrepareSmartTransaction {
            bank_account: Some(account),
            ..PrepareSmartTransaction::default()
        }
    }

    pub(crate) fn to_wire(&self) -> Result<Value, Error> {
        let mut body = Map::new();
        match (&self.container_id, &self.bank_account) {
            (Some(_), Some(_)) => {
                return Err(Error::validation(
                    "container_id",
                    "give either a container id or a bank account, not both",
                ));
            }
            (Some(id), None) => {
                validate::id("container_id", id, 1, 64)?;
                body.insert("container".into(), json!({ "id": id }));
            }
            (None, Some(account)) => {
                body.insert("container".into(), account.to_wire("bank_account")?);
            }
            (None, None) => {}
        }
        merge_extra(&mut body, &self.extra);
        Ok(Value::Object(body))
    }
}

fn basket_info(amount: &Money) -> Value {
    json!({ "sum": amount.minor(), "currency": amount.currency().code() })
}

/// `de`, or a language with a region (`de_DE`, `de-DE`): the language lower-case, the
/// region upper-case, the separator as given.
fn check_language(language: &str) -> Result<String, Error> {
    let text = language.trim();
    let bad = || {
        Error::validation(
            "language",
            format!(
                "must be a two-letter language code such as \"de\", optionally with a region \
                 such as \"de_DE\" (got {language:?})"
            ),
        )
    };
    let (lang, region) = match text.find(['_', '-']) {
        Some(at) => (&text[..at], Some((&text[at..at + 1], &text[at + 1..]))),
        None => (text, None),
    };
    if lang.len() != 2 || !lang.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(bad());
    }
    let mut out = lang.to_ascii_lowercase();
    if let Some((separator, region)) = region {
        if region.len() != 2 || !region.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(bad());
        }
        out.push_str(separator);
        out.push_str(&region.to_ascii_uppercase());
    }
    Ok(out)
}

fn insert_refs(
    body: &mut Map<String, Value>,
    merchant_ref: &Option<String>,
    transaction_ref: &Option<String>,
) -> Result<(), Error> {
    // No limits are documented; these keep values within what a statement or back office
    // can show.
    if let Some(value) = merchant_ref {
        validate::length("merchant_ref", value, 1, MAX_TEXT)?;
        body.insert("merchantRef".into(), json!(value));
    }
    if let Some(value) = transaction_ref {
        validate::length("transaction_ref", value, 1, MAX_TEXT)?;
        body.insert("transactionRef".into(), json!(value));
    }
    Ok(())
}

fn to_value<T: serde::Serialize>(value: &T) -> Result<Value, Error> {
    let mut value =
        serde_json::to_value(value).map_err(|e| Error::internal(format!("encode: {e}")))?;
    strip_nulls(&mut value);
    Ok(value)
}

/// Merges caller-supplied extra fields: objects key by key, our (validated) values win.
fn merge_extra(body: &mut Map<String, Value>, extra: &Map<String, Value>) {
    for (key, value) in extra {
        match (body.get_mut(key), value) {
            (Some(Value::Object(ours)), Value::Object(theirs)) => {
                for (k, v) in theirs {
                    ours.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            (Some(_), _) => {}
            (None, value) => {
                body.insert(key.clone(), value.clone());
            }
        }
    }
}

fn basket_to_wire(items: &[BasketItem], amount: &Money) -> Result<Value, Error> {
    for (i, item) in items.iter().enumerate() {
        check_item(&format!("basket[{i}]"), item, true)?;
    }
    if let Some(total) = basket_total(items)?
        && total != amount.minor()
    {
        return Err(Error::validation(
            "basket",
            format!(
                "items add up to {total} minor units but amount is {} ({})",
                amount.minor(),
                amount.currency().code()
            ),
        ));
    }
    let products = to_value(&items)?;
    Ok(json!({ "products": products }))
}

fn check_item(prefix: &str, item: &BasketItem, top_level: bool) -> Result<(), Error> {
    let f = |name: &str| format!("{prefix}.{name}");
    if let Some(kind) = &item.item_type {
        validate::one_of(&f("item_type"), kind, ITEM_TYPES)?;
    }
    if let Some(desc) = &item.desc {
        validate::length(&f("desc"), desc, 1, MAX_TEXT)?;
    }
    for (name, value) in [
        ("article_number", &item.article_number),
        ("ean", &item.ean),
        ("reference_id", &item.reference_id),
    ] {
        if let Some(value) = value {
            validate::length(&f(name), value, 1, MAX_TEXT)?;
        }
    }
    if let Some(contract) = &item.contract_id {
        validate::id(&f("contract_id"), contract, 1, 64)?;
    }
    if item.quantity.is_some_and(|q| q < 1) {
        return Err(Error::validation(&f("quantity"), "must be at least 1"));
    }
    for (name, value) in [("price_one", item.price_one), ("sum", item.sum)] {
        if value.is_some_and(|v| v < 0) {
            return Err(Error::validation(
                &f(name),
                "must not be negative (minor units)",
            ));
        }
    }
    if let Some(tax) = &item.tax {
        let rate: Option<f64> = tax
            .trim()
            .parse::<serde_json::Number>()
            .ok()
            .and_then(|n| n.as_f64());
        if !rate.is_some_and(|r| (0.0..=100.0).contains(&r)) {
            return Err(Error::validation(
                &f("tax"),
                format!("must be a VAT rate in percent from 0 to 100 (got {tax:?})"),
            ));
        }
    }
    if !item.sub_basket.is_empty() {
        if !top_level {
            return Err(Error::validation(
                &f("sub_basket"),
                "sub-baskets nest one level only",
            ));
        }
        for (i, sub) in item.sub_basket.iter().enumerate() {
            check_item(&format!("{prefix}.sub_basket[{i}]"), sub, false)?;
        }
        if let (Some(sum), Some(total)) = (item.sum, basket_total(&item.sub_basket)?)
            && sum != total
        {
            return Err(Error::validation(
                &f("sum"),
                format!("is {sum} but the sub-basket adds up to {total}"),
            ));
        }
    }
    Ok(())
}

/// The basket total in minor units, when every line can be priced for sure: articles and
/// shipping (`priceOne × quantity`) and sub-transactions (`sum`); stakeholder shares are
/// part of their sub-transaction. `None` (no check) for coupons and other types, whose
/// effect on the total is not documented precisely enough to refuse a request over.
fn basket_total(items: &[BasketItem]) -> Result<Option<i64>, Error> {
    // No basket (none given, or the transaction has none): nothing to add up.
    if items.is_empty() {
        return Ok(None);
    }
    let overflow = || Error::validation("basket", "amounts overflow");
    let mut total: i64 = 0;
    for item in items {
        let line = match item.item_type.as_deref() {
            None | Some("article") | Some("shipping") => match (item.price_one, item.quantity) {
                (Some(price), Some(quantity)) => {
                    price.checked_mul(quantity).ok_or_else(overflow)?
                }
                _ => return Ok(None),
            },
            Some("sub_transaction") => match item.sum {
                Some(sum) => sum,
                None => return Ok(None),
            },
            Some("stakeholder_payment") => 0,
            Some(_) => return Ok(None),
        };
        total = total.checked_add(line).ok_or_else(overflow)?;
    }
    Ok(Some(total))
}

fn check_method(field: &str, method: &str, allowed: &[&str]) -> Result<(), Error> {
    validate::one_of(field, method, allowed)
}

/// A Smart Transaction as the API returns it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SmartTransaction {
    /// `STX_...`
    pub id: String,
    pub status: SmartTransactionStatus,
    /// `basket_info` (sum and currency), when present.
    pub amount: Option<Money>,
    pub intent: Option<String>,
    /// ISO 8601 with offset, as sent.
    pub created: Option<String>,
    pub updated: Option<String>,
    pub contract_id: Option<String>,
    pub merchant_id: Option<String>,
    pub customer: Option<Customer>,
    pub basket: Vec<BasketItem>,
    /// `default`, `mixed`, ...
    pub basket_type: Option<String>,
    pub merchant_ref: Option<String>,
    pub transaction_ref: Option<String>,
    pub is_demo: Option<bool>,
    pub payment_method: Option<String>,
    pub trans_id: Option<String>,
    /// The Payment Transactions behind it (refund and status checks go there).
    pub transactions: Vec<PaymentTransactionRef>,
    /// Smart Checkout URLs per payment method (`general`, `creditcard`, `debit`, ...).
    pub payment_links: BTreeMap<String, String>,
    /// Where to send the payer: `payment_links.general`, else `checkout_links.url_checkout`.
    pub payment_link: Option<String>,
    pub checkout_url: Option<String>,
    /// For external authorisation (3-D Secure, PayPal) in custom checkouts.
    pub iframe_url: Option<String>,
    /// Bank transfer data to show the payer (prepayment, invoice).
    pub payment_instructions: Option<PaymentInstructions>,
    pub container: Option<ContainerRef>,
    pub return_urls: Option<ReturnUrls>,
    pub auto_capture: Option<bool>,
    /// The provider's full answer.
    pub raw: Value,
}

#[derive(Deserialize)]
struct WireRef {
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    id: Option<String>,
}

#[derive(Deserialize)]
struct WireBasketInfo {
    #[serde(default, deserialize_with = "lenient::opt_i64_like")]
    sum: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    currency: Option<String>,
}

#[derive(Deserialize)]
struct WireBasket {
    #[serde(default, deserialize_with = "lenient::vec_or_empty")]
    products: Vec<BasketItem>,
    #[serde(
        default,
        rename = "type",
        deserialize_with = "lenient::opt_string_like"
    )]
    basket_type: Option<String>,
}

#[derive(Deserialize)]
struct WireApplicationContext {
    #[serde(default, deserialize_with = "lenient::opt_object")]
    return_urls: Option<ReturnUrls>,
}

#[derive(Deserialize)]
struct WirePaymentContext {
    #[serde(default, deserialize_with = "lenient::opt_bool_like")]
    auto_capture: Option<bool>,
}

#[derive(Deserialize)]
struct WireCheckoutLinks {
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    url_checkout: Option<String>,
}

#[derive(Deserialize)]
struct WireSmartTransaction {
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    created: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    updated: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    intent: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    contract: Option<WireRef>,
    // A string in the DTO, an object in responses.
    #[serde(default)]
    merchant: Option<Value>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    customer: Option<Customer>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    basket_info: Option<WireBasketInfo>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    basket: Option<WireBasket>,
    #[serde(
        default,
        rename = "merchantRef",
        deserialize_with = "lenient::opt_string_like"
    )]
    merchant_ref: Option<String>,
    #[serde(
        default,
        rename = "transactionRef",
        deserialize_with = "lenient::opt_string_like"
    )]
    transaction_ref: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool_like")]
    is_demo: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    payment_method: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    trans_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::vec_or_empty")]
    transactions: Vec<PaymentTransactionRef>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    payment_links: Option<BTreeMap<String, Value>>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    checkout_links: Option<WireCheckoutLinks>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    iframe_url: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    payment_instructions: Option<PaymentInstructions>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    container: Option<ContainerRef>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    application_context: Option<WireApplicationContext>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    payment_context: Option<WirePaymentContext>,
}

impl SmartTransaction {
    /// Reads an answer. `known_id` fills in the id when the answer omits it (cancel answers
    /// can be as short as `{"status": "cancelled"}`).
    pub fn from_wire(raw: Value, known_id: Option<&str>) -> Result<SmartTransaction, Error> {
        let wire = WireSmartTransaction::deserialize(&raw).map_err(|e| {
            Error::decode(
                Provider::Secuconnect,
                format!("unexpected Smart Transaction shape: {e}"),
            )
            .with_raw(crate::error::scrub_body(raw.to_string().as_bytes()))
        })?;
        let id = wire
            .id
            .filter(|id| !id.is_empty())
            .or_else(|| known_id.map(str::to_owned))
            .ok_or_else(|| {
                Error::decode(Provider::Secuconnect, "Smart Transaction without an id")
                    .with_raw(crate::error::scrub_body(raw.to_string().as_bytes()))
            })?;
        let amount = wire.basket_info.as_ref().and_then(|info| {
            let currency = Currency::from_code(info.currency.as_deref()?).ok()?;
            Money::new(info.sum?, currency).ok()
        });
        let payment_links: BTreeMap<String, String> = wire
            .payment_links
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| match v {
                Value::String(url) if !url.is_empty() => Some((k, url)),
                _ => None,
            })
            .collect();
        let checkout_url = wire.checkout_links.and_then(|c| c.url_checkout);
        let payment_link = payment_links
            .get("general")
            .cloned()
            .or_else(|| checkout_url.clone());
        let merchant_id = match wire.merchant {
            Some(Value::String(id)) => Some(id),
            Some(object @ Value::Object(_)) => lenient::text(object.get("id")),
            _ => None,
        };
        let (basket, basket_type) = match wire.basket {
            Some(basket) => (basket.products, basket.basket_type),
            None => (Vec::new(), None),
        };
        Ok(SmartTransaction {
            id,
            status: SmartTransactionStatus::from(wire.status.as_deref().unwrap_or("created")),
            amount,
            intent: wire.intent,
            created: wire.created,
            updated: wire.updated,
            contract_id: wire.contract.and_then(|c| c.id),
            merchant_id,
            customer: wire.customer,
            basket,
            basket_type,
            merchant_ref: wire.merchant_ref,
            transaction_ref: wire.transaction_ref,
            is_demo: wire.is_demo,
            payment_method: wire.payment_method,
            trans_id: wire.trans_id,
            transactions: wire.transactions,
            payment_links,
            payment_link,
            checkout_url,
            iframe_url: wire.iframe_url,
            payment_instructions: wire.payment_instructions,
            container: wire.container,
            return_urls: wire.application_context.and_then(|c| c.return_urls),
            auto_capture: wire.payment_context.and_then(|c| c.auto_capture),
            raw,
        })
    }
}

fn check_id(id: &str) -> Result<(), Error> {
    super::check_path_id("id", id)
}

/// The message added to errors whose outcome is unknown, naming how to find out.
fn create_settle(merchant_ref: Option<&str>, transaction_ref: Option<&str>) -> String {
    let lookup = match (merchant_ref, transaction_ref) {
        (Some(m), _) => format!("query \"merchantRef:{m}\""),
        (None, Some(t)) => format!("query \"transactionRef:{t}\""),
        (None, None) => "a query on the creation time and amount".to_owned(),
    };
    format!("smart_transactions({lookup})")
}

fn unknown_create_hint(merchant_ref: Option<&str>, transaction_ref: Option<&str>) -> String {
    format!(
        "the Smart Transaction may have been created; before creating it again, look it up \
         with {}",
        create_settle(merchant_ref, transaction_ref)
    )
}

fn unknown_action_hint(id: &str) -> String {
    format!(
        "the action may have been applied; read the transaction with \
         get_smart_transaction({id:?}) before repeating it"
    )
}

fn hint_if_unknown(error: Error, hint: impl FnOnce() -> String) -> Error {
    if error.outcome_unknown() {
        with_hint(error, &hint())
    } else {
        error
    }
}

impl Client {
    /// Creates a Smart Transaction; send the payer to its `payment_link`.
    pub async fn create_smart_transaction(
        &self,
        request: CreateSmartTransaction,
    ) -> Result<SmartTransaction, Error> {
        let body = request.to_wire(self.contract_id())?;
        let merchant_ref = request.merchant_ref.clone();
        let transaction_ref = request.transaction_ref.clone();
        self.spawn(move |client| async move {
            let result = client
                .api(ApiCall {
                    operation: "secuconnect.smart_transactions.create",
                    method: Method::POST,
                    path: "/Smart/Transactions".into(),
                    query: Vec::new(),
                    body: Some(body),
                    safety: Safety::Unkeyed,
                    settle: Some(create_settle(
                        merchant_ref.as_deref(),
                        transaction_ref.as_deref(),
                    )),
                })
                .await;
            let raw = result.map_err(|e| {
                hint_if_unknown(e, || {
                    unknown_create_hint(merchant_ref.as_deref(), transaction_ref.as_deref())
                })
            })?;
            SmartTransaction::from_wire(raw, None)
        })
        .await
    }

    /// Reads a Smart Transaction (status, links, payment transactions).
    pub async fn get_smart_transaction(&self, id: &str) -> Result<SmartTransaction, Error> {
        check_id(id)?;
        let id = id.to_owned();
        self.spawn(move |client| async move { client.read_smart_transaction(&id).await })
            .await
    }

    async fn read_smart_transaction(&self, id: &str) -> Result<SmartTransaction, Error> {
        let raw = self
            .api(ApiCall {
                operation: "secuconnect.smart_transactions.get",
                method: Method::GET,
                path: format!("/Smart/Transactions/{}", segment(id)),
                query: Vec::new(),
                body: None,
                safety: Safety::Read,
                settle: None,
            })
            .await?;
        SmartTransaction::from_wire(raw, Some(id))
    }

    /// Updates a Smart Transaction before payment starts. `basket` and `basket_info` are
    /// always sent (the API drops the basket otherwise): the ones given, else the current
    /// ones, read first.
    pub async fn update_smart_transaction(
        &self,
        id: &str,
        request: UpdateSmartTransaction,
    ) -> Result<SmartTransaction, Error> {
        check_id(id)?;
        // Validate before anything is sent, including the read of the current basket.
        request.check_given()?;
        if !request.needs_current() {
            request.to_wire(None, &[])?;
        }
        let id = id.to_owned();
        self.spawn(move |client| async move {
            let body = if request.needs_current() {
                let current = client.read_smart_transaction(&id).await?;
                request.to_wire(current.amount, &current.basket)?
            } else {
                request.to_wire(None, &[])?
            };
            let raw = client
                .api(ApiCall {
                    operation: "secuconnect.smart_transactions.update",
                    method: Method::PUT,
                    path: format!("/Smart/Transactions/{}", segment(&id)),
                    query: Vec::new(),
                    body: Some(body),
                    // PUT replaces: sending it twice leaves the same state.
                    safety: Safety::Idempotent,
                    settle: None,
                })
                .await?;
            SmartTransaction::from_wire(raw, Some(&id))
        })
        .await
    }

    /// Authorises the payment with `payment_method` (creates the Payment Transaction; with
    /// auto_capture also captures). Card and wallet methods answer with an `iframe_url` or
    /// payment link for the payer.
    pub async fn prepare_smart_transaction(
        &self,
        id: &str,
        payment_method: &str,
        request: PrepareSmartTransaction,
    ) -> Result<SmartTransaction, Error> {
        check_id(id)?;
        check_method("payment_method", payment_method, PREPARE_METHODS)?;
        let body = request.to_wire()?;
        let path = format!(
            "/Smart/Transactions/{}/prepare/{}",
            segment(id),
            payment_method
        );
        self.action(id, "secuconnect.smart_transactions.prepare", path, body)
            .await
    }

    /// Starts (captures) the Smart Transaction. After `prepare`, `payment_method` may be
    /// omitted.
    pub async fn start_smart_transaction(
        &self,
        id: &str,
        payment_method: Option<&str>,
    ) -> Result<SmartTransaction, Error> {
        check_id(id)?;
        if let Some(method) = payment_method {
            check_method("payment_method", method, START_METHODS)?;
        }
        // The SDKs send an empty method segment when following /prepare.
        let path = format!(
            "/Smart/Transactions/{}/start/{}",
            segment(id),
            payment_method.unwrap_or("")
        );
        self.action(id, "secuconnect.smart_transactions.start", path, json!({}))
            .await
    }

    /// Cancels the payment of a Smart Transaction.
    pub async fn cancel_smart_transaction(&self, id: &str) -> Result<SmartTransaction, Error> {
        check_id(id)?;
        let path = format!("/Smart/Transactions/{}/cancel", segment(id));
        self.action(id, "secuconnect.smart_transactions.cancel", path, json!({}))
            .await
    }

    /// Abandons a Smart Transaction that has not been started.
    pub async fn abort_smart_transaction(&self, id: &str) -> Result<SmartTransaction, Error> {
        check_id(id)?;
        let path = format!("/Smart/Transactions/{}/abort", segment(id));
        self.action(id, "secuconnect.smart_transactions.abort", path, json!({}))
            .await
    }

    /// Marks the goods shipped or collected (obligatory for invoice payments).
    pub async fn set_delivery(
        &self,
        id: &str,
        delivery: Delivery,
    ) -> Result<SmartTransaction, Error> {
        check_id(id)?;
        let body = delivery.to_wire()?;
        let path = format!("/Smart/Transactions/{}/setDelivery", segment(id));
        self.action(
            id,
            "secuconnect.smart_transactions.set_delivery",
            path,
            body,
        )
        .await
    }

    /// A POST with effects and no idempotency key: retried only if it never left.
    async fn action(
        &self,
        id: &str,
        operation: &'static str,
        path: String,
        body: Value,
    ) -> Result<SmartTransaction, Error> {
        let id = id.to_owned();
        self.spawn(move |client| async move {
            let raw = client
                .api(ApiCall {
                    operation,
                    method: Method::POST,
                    path,
                    query: Vec::new(),
                    body: Some(body),
                    safety: Safety::Unkeyed,
                    settle: Some(format!("get_smart_transaction({id:?})")),
                })
                .await
                .map_err(|e| hint_if_unknown(e, || unknown_action_hint(&id)))?;
            SmartTransaction::from_wire(raw, Some(&id))
        })
        .await
    }

    /// Lists Smart Transactions page by page (offset paging; see [`MAX_RESULT_WINDOW`]).
    pub fn smart_transactions(
        &self,
        query: SmartTransactionQuery,
    ) -> Result<SmartTransactionPager, Error> {
        query.check()?;
        Ok(SmartTransactionPager {
            client: self.clone(),
            query,
            offset: 0,
            total: None,
            done: false,
            buffer: VecDeque::new(),
        })
    }
}

crate::operation_input! {
    /// What to list.
    pub struct SmartTransactionQuery {
        /// Lucene-like filter: `status:ok`, `merchantRef:4711`, `created:[2026-01-01 TO *]`,
        /// with `AND`, `OR`, `NOT`.
        pub query: Option<String> = null,
        /// `field:asc|desc`, comma-separated. Sort on a stable field (e.g. `created:asc`):
        /// offset paging over a changing set can otherwise skip or repeat items.
        pub sort: Option<String> = null,
        /// 1 to [`MAX_PAGE_SIZE`] (default 100).
        pub page_size: u32 = 100,
    }
}

impl crate::operation::Pager for SmartTransactionPager {
    type Item = SmartTransaction;
    async fn next_batch(&mut self, max: usize) -> Result<Vec<SmartTransaction>, Error> {
        SmartTransactionPager::next_batch(self, max).await
    }
}

impl Default for SmartTransactionQuery {
    fn default() -> Self {
        SmartTransactionQuery {
            query: None,
            sort: None,
            page_size: 100,
        }
    }
}

impl SmartTransactionQuery {
    pub fn new() -> SmartTransactionQuery {
        SmartTransactionQuery::default()
    }

    fn check(&self) -> Result<(), Error> {
        if self.page_size == 0 || self.page_size > MAX_PAGE_SIZE {
            return Err(Error::validation(
                "page_size",
                format!("must be 1 to {MAX_PAGE_SIZE} (got {})", self.page_size),
            ));
        }
        if let Some(query) = &self.query {
            validate::length("query", query, 1, 2000)?;
        }
        if let Some(sort) = &self.sort {
            check_sort(sort)?;
        }
        Ok(())
    }
}

/// `field:asc|desc`, comma-separated.
pub(crate) fn check_sort(sort: &str) -> Result<(), Error> {
    validate::length("sort", sort, 1, 500)?;
    for part in sort.split(',') {
        let ok = match part.trim().split_once(':') {
            Some((field, direction)) => {
                !field.is_empty()
                    && field
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
                    && matches!(direction, "asc" | "desc")
            }
            None => false,
        };
        if !ok {
            return Err(Error::validation(
                "sort",
                format!("must be field:asc or field:desc, comma-separated (got {part:?})"),
            ));
        }
    }
    Ok(())
}

/// One page of a listing.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SmartTransactionPage {
    /// Zero-based position of the first item.
    pub offset: u64,
    /// Total number of matches (the API's `count`).
    pub total: u64,
    pub items: Vec<SmartTransaction>,
}

/// Walks a listing with `offset`/`count`. The API serves at most the first
/// [`MAX_RESULT_WINDOW`] matches: when a query matches more, the pager returns those and
/// then a validation error asking for a narrower query, rather than silently stopping.
pub struct SmartTransactionPager {
    client: Client,
    query: SmartTransactionQuery,
    offset: u64,
    total: Option<u64>,
    done: bool,
    buffer: VecDeque<SmartTransaction>,
}

impl SmartTransactionPager {
    /// Total matches reported by the provider after the first page.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// The offset the next page starts at; store it to resume later.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    pub fn is_done(&self) -> bool {
        self.done && self.buffer.is_empty()
    }

    /// Continues at `offset` with the same query.
    pub fn resume_at(mut self, offset: u64) -> SmartTransactionPager {
        self.offset = offset;
        self
    }

    /// Fetches the next page; `None` once the listing is exhausted.
    pub async fn next_page(&mut self) -> Result<Option<SmartTransactionPage>, Error> {
        if self.done {
            return Ok(None);
        }
        if self.offset >= MAX_RESULT_WINDOW {
            self.done = true;
            let total = self.total.unwrap_or(0);
            if total > self.offset {
                return Err(Error::validation(
                    "query",
                    format!(
                        "matches {total} Smart Transactions, but the API serves only the first \
                         {MAX_RESULT_WINDOW}; narrow the query (e.g. by creation date) to read the rest"
                    ),
                ));
            }
            return Ok(None);
        }
        let remaining_window = MAX_RESULT_WINDOW - self.offset;
        let count = u64::from(self.query.page_size).min(remaining_window);
        let offset = self.offset;
        let query = self.query.clone();
        let page = self
            .client
            .spawn(move |client| async move { fetch_page(client, query, offset, count).await })
            .await?;
        self.total = Some(page.total);
        let fetched = page.items.len() as u64;
        self.offset = offset + fetched;
        // The total decides, not a short page: the server may serve less than asked.
        if fetched == 0 || self.offset >= page.total {
            self.done = true;
        }
        if fetched == 0 {
            return Ok(None);
        }
        Ok(Some(page))
    }

    /// The next Smart Transaction, fetching pages as needed.
    pub async fn next_transaction(&mut self) -> Result<Option<SmartTransaction>, Error> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Ok(Some(item));
            }
            match self.next_page().await? {
                Some(page) => self.buffer.extend(page.items),
                None => return Ok(None),
            }
        }
    }

    /// Up to `max` items (fewer at the end; empty when done). Bindings use this to cross the
    /// language boundary in batches.
    pub async fn next_batch(&mut self, max: usize) -> Result<Vec<SmartTransaction>, Error> {
        if self.buffer.is_empty()
            && let Some(page) = self.next_page().await?
        {
            self.buffer.extend(page.items);
        }
        let take = max.max(1).min(self.buffer.len());
        Ok(self.buffer.drain(..take).collect())
    }

    /// The items as a stream.
    pub fn into_stream(
        self,
    ) -> impl Stream<Item = Result<SmartTransaction, Error>> + Send + 'static {
        futures_util::stream::unfold(Some(self), |state| async move {
            let mut pager = state?;
            match pager.next_transaction().await {
                Ok(Some(item)) => Some((Ok(item), Some(pager))),
                Ok(None) => None,
                Err(e) => Some((Err(e), None)),
            }
        })
    }
}

#[derive(Deserialize)]
struct WireList {
    #[serde(default, deserialize_with = "lenient::opt_i64_like")]
    count: Option<i64>,
    #[serde(default, deserialize_with = "lenient::vec_or_empty")]
    data: Vec<Value>,
}

async fn fetch_page(
    client: Client,
    query: SmartTransactionQuery,
    offset: u64,
    count: u64,
) -> Result<SmartTransactionPage, Error> {
    let mut params = vec![("count", count.to_string()), ("offset", offset.to_string())];
    if let Some(q) = &query.query {
        params.push(("q", q.clone()));
    }
    if let Some(sort) = &query.sort {
        params.push(("sort", sort.clone()));
    }
    let raw = client
        .api(ApiCall {
            operation: "secuconnect.smart_transactions.list",
            method: Method::GET,
            path: "/Smart/Transactions".into(),
            query: params,
            body: None,
            safety: Safety::Read,
            settle: None,
        })
        .await?;
    let wire = WireList::deserialize(&raw)
        .map_err(|e| Error::decode(Provider::Secuconnect, format!("unexpected list shape: {e}")))?;
    let items = wire
        .data
        .into_iter()
        .map(|item| SmartTransaction::from_wire(item, None))
        .collect::<Result<Vec<_>, _>>()?;
    let total = wire
        .count
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(offset + items.len() as u64);
    Ok(SmartTransactionPage {
        offset,
        total,
        items,
    })
}
