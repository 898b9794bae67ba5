//! Shared secuconnect containers: customers, basket items, return URLs, statuses.
//!
//! The same types serve requests and responses, so an object read from the API can be sent
//! back (an update must resend the basket). Unknown fields are kept in `extra` and sent back
//! as they came; decoding is lenient where the API is (`[]` for empty objects, numbers as
//! strings, explicit nulls).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::lenient;
use crate::validate;

/// Longest free-text field we send; the API documents no limits for these.
pub(crate) const MAX_TEXT: usize = 255;

/// A postal address of a contact.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Address {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub street: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub street_number: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub postal_code: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. `DE`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub country: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub additional_address_data: Option<String>,
    /// Fields this version does not model, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A customer's contact data.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub salutation: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub title: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub forename: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub surname: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub companyname: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub email: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub phone: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub mobile: Option<String>,
    /// Date of birth: `1965-12-31` when sent; responses add a time and offset.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub dob: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_object"
    )]
    pub address: Option<Address>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A payment customer: inline contact data, or an existing customer by `id` (`PCU_...`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_object"
    )]
    pub contact: Option<Contact>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Basket item types the API documents.
pub(crate) const ITEM_TYPES: &[&str] = &[
    "article",
    "coupon",
    "sub_transaction",
    "stakeholder_payment",
    "shipping",
    "subscription",
];

/// One basket line. Amounts are integer minor units of the transaction currency.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BasketItem {
    /// Your line handle.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64_like"
    )]
    pub id: Option<i64>,
    /// `article` (default), `coupon`, `shipping`, `sub_transaction`, `stakeholder_payment`,
    /// `subscription`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub item_type: Option<String>,
    /// The line's name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub desc: Option<String>,
    #[serde(
        default,
        rename = "articleNumber",
        alias = "article_number",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub article_number: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub ean: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64_like"
    )]
    pub quantity: Option<i64>,
    /// Gross unit price in minor units.
    #[serde(
        default,
        rename = "priceOne",
        alias = "price_one",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64_like"
    )]
    pub price_one: Option<i64>,
    /// Total of a sub-transaction or stakeholder payment, in minor units.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64_like"
    )]
    pub sum: Option<i64>,
    /// VAT rate in percent as decimal text (`"19"`, `"7.7"`); sent as a JSON number.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "tax_as_number",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub tax: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub reference_id: Option<String>,
    /// Payee of a sub-transaction or stakeholder share (`GCR_...`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub contract_id: Option<String>,
    /// Lines of a `sub_transaction` (one level only).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "lenient::vec_or_empty"
    )]
    pub sub_basket: Vec<BasketItem>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn tax_as_number<S: Serializer>(tax: &Option<String>, serializer: S) -> Result<S::Ok, S::Error> {
    match tax {
        Some(text) => match text.trim().parse::<serde_json::Number>() {
            Ok(number) => number.serialize(serializer),
            // Validation refuses this before sending; keep the text for anything else.
            Err(_) => serializer.serialize_str(text),
        },
        None => serializer.serialize_none(),
    }
}

/// Where the payer is sent after checkout, and where pushes go. `url_failure` is the wire's
/// `url_error`; without `url_abort` the provider uses the failure URL for aborts too.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnUrls {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub url_success: Option<String>,
    #[serde(
        default,
        rename = "url_error",
        alias = "url_failure",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub url_failure: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub url_abort: Option<String>,
    /// Push notifications (`event.pushes`) for the payment transactions of this STX.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub url_push: Option<String>,
}

impl ReturnUrls {
    pub(crate) fn check(&self, prefix: &str) -> Result<(), Error> {
        for (name, value) in [
            ("url_success", &self.url_success),
            ("url_failure", &self.url_failure),
            ("url_abort", &self.url_abort),
            ("url_push", &self.url_push),
        ] {
            if let Some(url) = value {
                // Up to 2000 characters each (guide "Return URLs").
                validate::url(&format!("{prefix}.{name}"), url, false, 2000)?;
            }
        }
        Ok(())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.url_success.is_none()
            && self.url_failure.is_none()
            && self.url_abort.is_none()
            && self.url_push.is_none()
    }
}

/// A reference to a Payment Transaction (`PCI_...`) created by a Smart Transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct PaymentTransactionRef {
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    pub trans_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    pub transaction_hash: Option<String>,
    /// Set on the transactions of marketplace sub-baskets.
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    pub reference_id: Option<String>,
}

/// A payment container (`PCT_...`): bank account, card, wallet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct ContainerRef {
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    pub id: Option<String>,
    /// `bank_account`, `credit_card`, `paypal`, ...
    #[serde(
        default,
        rename = "type",
        deserialize_with = "lenient::opt_string_like"
    )]
    pub container_type: Option<String>,
}

/// Bank transfer data for prepayment and invoice; must be shown to the payer.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct PaymentInstructions {
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    pub owner: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    pub iban: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    pub bic: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    pub bankname: Option<String>,
    /// The transfer's purpose line; the payer must use it.
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    pub purpose: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_like")]
    pub girocode_url: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A bank account for `prepare/debit` (SEPA direct debit).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankAccount {
    pub owner: String,
    pub iban: String,
    #[serde(default)]
    pub bic: Option<String>,
}

impl fmt::Debug for BankAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only the last digits: enough to tell accounts apart in logs.
        let tail: String = self
            .iban
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        f.debug_struct("BankAccount")
            .field("owner", &self.owner)
            .field("iban", &format!("****{tail}"))
            .field("bic", &self.bic)
            .finish()
    }
}

impl BankAccount {
    pub fn new(owner: impl Into<String>, iban: impl Into<String>) -> BankAccount {
        BankAccount {
            owner: owner.into(),
            iban: iban.into(),
            bic: None,
        }
    }

    /// Validates and builds the inline container `{type: bank_account, private: {...}}`.
    pub(crate) fn to_wire(&self, prefix: &str) -> Result<Value, Error> {
        validate::length(&format!("{prefix}.owner"), &self.owner, 1, MAX_TEXT)?;
        let iban = normalize_iban(&format!("{prefix}.iban"), &self.iban)?;
        let mut private = Map::new();
        private.insert("owner".into(), Value::String(self.owner.clone()));
        private.insert("iban".into(), Value::String(iban));
        if let Some(bic) = &self.bic {
            let field = format!("{prefix}.bic");
            let bic = bic.trim().to_ascii_uppercase();
            if !(bic.len() == 8 || bic.len() == 11)
                || !bic.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                return Err(Error::validation(
                    &field,
                    "must be an 8 or 11 character BIC",
                ));
            }
            private.insert("bic".into(), Value::String(bic));
        }
        let mut container = Map::new();
        container.insert("type".into(), Value::String("bank_account".into()));
        container.insert("private".into(), Value::Object(private));
        Ok(Value::Object(container))
    }
}

/// Removes spaces, upper-cases and checks length, characters and the ISO 13616 checksum.
pub(crate) fn normalize_iban(field: &str, raw: &str) -> Result<String, Error> {
    let iban: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let shaped = (15..=34).contains(&iban.len())
        && iban.bytes().all(|b| b.is_ascii_alphanumeric())
        && iban.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && iban.as_bytes().get(1).is_some_and(u8::is_ascii_alphabetic)
        && iban.as_bytes().get(2).is_some_and(u8::is_ascii_digit)
        && iban.as_bytes().get(3).is_some_and(u8::is_ascii_digit);
    if !shaped {
        return Err(Error::validation(field, "is not an IBAN"));
    }
    let (head, tail) = iban.split_at(4);
    let mut remainder: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let value = c.to_digit(36).unwrap_or(0);
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    if remainder != 1 {
        return Err(Error::validation(
            field,
            "has a wrong check digit (not a valid IBAN)",
        ));
    }
    Ok(iban)
}

/// How goods reach the customer, for `setDelivery` (obligatory for invoice payments). As
/// input: `{"type": "shipping", "tracking_code": …}` or `{"type": "collection", …}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Delivery {
    Shipping {
        /// ISO 8601 date-time.
        shipped_at: Option<String>,
        /// Carrier, e.g. `DHL`.
        shipped_by: Option<String>,
        tracking_code: Option<String>,
        invoice_number: Option<String>,
    },
    Collection {
        /// When the goods can be collected (`SmartTransactionsTimeSlot`).
        scheduled_slot: Option<TimeSlot>,
        store_id: Option<String>,
        delivered_at: Option<String>,
        code: Option<String>,
    },
}

/// A collection time slot, `{start_date, end_date}` (the SDK's `SmartTransactionsTimeSlot`);
/// ISO 8601 date-times.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeSlot {
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

impl TimeSlot {
    fn to_wire(&self) -> Result<Value, Error> {
        let mut slot = Map::new();
        for (name, value) in [
            ("start_date", &self.start_date),
            ("end_date", &self.end_date),
        ] {
            if let Some(value) = value {
                validate::length(&format!("delivery.scheduled_slot.{name}"), value, 1, 64)?;
                slot.insert(name.into(), Value::String(value.clone()));
            }
        }
        if slot.is_empty() {
            return Err(Error::validation(
                "delivery.scheduled_slot",
                "needs start_date or end_date",
            ));
        }
        Ok(Value::Object(slot))
    }
}

impl Delivery {
    pub(crate) fn to_wire(&self) -> Result<Value, Error> {
        let mut options = Map::new();
        let (kind, fields) = match self {
            Delivery::Shipping {
                shipped_at,
                shipped_by,
                tracking_code,
                invoice_number,
            } => (
                "shipping",
                vec![
                    ("shipped_at", shipped_at),
                    ("shipped_by", shipped_by),
                    ("tracking_code", tracking_code),
                    ("invoice_number", invoice_number),
                ],
            ),
            Delivery::Collection {
                scheduled_slot,
                store_id,
                delivered_at,
                code,
            } => {
                if let Some(slot) = scheduled_slot {
                    options.insert("scheduled_slot".into(), slot.to_wire()?);
                }
                (
                    "collection",
                    vec![
                        ("store_id", store_id),
                        ("delivered_at", delivered_at),
                        ("code", code),
                    ],
                )
            }
        };
        options.insert("type".into(), Value::String(kind.into()));
        for (name, value) in fields {
            if let Some(value) = value {
                validate::length(&format!("delivery.{name}"), value, 1, MAX_TEXT)?;
                options.insert(name.into(), Value::String(value.clone()));
            }
        }
        let mut body = Map::new();
        body.insert("delivery_options".into(), Value::Object(options));
        Ok(Value::Object(body))
    }
}

/// Smart Transaction status (guide "Status Flow of a Smart Transaction"); statuses may be
/// skipped. `canceled` is read as [`SmartTransactionStatus::Cancelled`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SmartTransactionStatus {
    /// New; may still be changed. Nothing paid.
    Created,
    /// Loyalty only: part paid by card balance, the rest still open.
    Processing,
    /// Pre-authorised; capture possible (skipped with auto_capture).
    Approved,
    /// Capture requested, not yet confirmed (always for prepayment).
    Pending,
    /// Paid (intent `sale`): deliver.
    Ok,
    /// Paid (intent `order` with shipping): ship, then `setDelivery`.
    Received,
    Shipped,
    /// Paid (intent `order` with collection): prepare for pickup.
    Collection,
    Collected,
    Failed,
    Cancelled,
    /// A value this version of paywire does not know yet, kept as sent.
    Unknown(String),
}

impl SmartTransactionStatus {
    pub const KNOWN: &'static [&'static str] = &[
        "created",
        "processing",
        "approved",
        "pending",
        "ok",
        "received",
        "shipped",
        "collection",
        "collected",
        "failed",
        "cancelled",
    ];

    pub fn as_str(&self) -> &str {
        match self {
            SmartTransactionStatus::Created => "created",
            SmartTransactionStatus::Processing => "processing",
            SmartTransactionStatus::Approved => "approved",
            SmartTransactionStatus::Pending => "pending",
            SmartTransactionStatus::Ok => "ok",
            SmartTransactionStatus::Received => "received",
            SmartTransactionStatus::Shipped => "shipped",
            SmartTransactionStatus::Collection => "collection",
            SmartTransactionStatus::Collected => "collected",
            SmartTransactionStatus::Failed => "failed",
            SmartTransactionStatus::Cancelled => "cancelled",
            SmartTransactionStatus::Unknown(other) => other,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, SmartTransactionStatus::Unknown(_))
    }

    /// The capture was approved: deliver, ship or hand over.
    pub fn is_paid(&self) -> bool {
        matches!(
            self,
            SmartTransactionStatus::Ok
                | SmartTransactionStatus::Received
                | SmartTransactionStatus::Shipped
                | SmartTransactionStatus::Collection
                | SmartTransactionStatus::Collected
        )
    }

    /// Nothing more will happen to this payment by itself.
    pub fn is_final(&self) -> bool {
        self.is_paid()
            || matches!(
                self,
                SmartTransactionStatus::Failed | SmartTransactionStatus::Cancelled
            )
    }
}

impl From<&str> for SmartTransactionStatus {
    fn from(value: &str) -> Self {
        let lower = value.trim().to_ascii_lowercase();
        match lower.as_str() {
            "created" => SmartTransactionStatus::Created,
            "processing" => SmartTransactionStatus::Processing,
            "approved" => SmartTransactionStatus::Approved,
            "pending" => SmartTransactionStatus::Pending,
            "ok" => SmartTransactionStatus::Ok,
            "received" => SmartTransactionStatus::Received,
            "shipped" => SmartTransactionStatus::Shipped,
            "collection" => SmartTransactionStatus::Collection,
            "collected" => SmartTransactionStatus::Collected,
            "failed" => SmartTransactionStatus::Failed,
            "cancelled" | "canceled" => SmartTransactionStatus::Cancelled,
            _ => SmartTransactionStatus::Unknown(value.to_owned()),
        }
    }
}

impl fmt::Display for SmartTransactionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SmartTransactionStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SmartTransactionStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = lenient::string_like(deserializer)?;
        Ok(SmartTransactionStatus::from(text.as_str()))
    }
}

/// Removes explicit nulls from kept unknown fields before they are sent back: responses
/// list unset basket fields as `null`, which a request need not repeat.
pub(crate) fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

impl Customer {
    /// Validates what we can check and serialises.
    pub(crate) fn to_wire(&self, prefix: &str) -> Result<Value, Error> {
        if let Some(id) = &self.id {
            validate::id(&format!("{prefix}.id"), id, 1, 64)?;
        }
        if let Some(contact) = &self.contact {
            contact.check(&format!("{prefix}.contact"))?;
        }
        let mut value = serde_json::to_value(self)
            .map_err(|e| Error::internal(format!("encode customer: {e}")))?;
        strip_nulls(&mut value);
        Ok(value)
    }
}

impl Contact {
    fn check(&self, prefix: &str) -> Result<(), Error> {
        let f = |name: &str| format!("{prefix}.{name}");
        for (name, value, max) in [
            ("salutation", &self.salutation, 50),
            ("title", &self.title, 50),
            ("forename", &self.forename, MAX_TEXT),
            ("surname", &self.surname, MAX_TEXT),
            ("companyname", &self.companyname, MAX_TEXT),
            ("phone", &self.phone, 50),
            ("mobile", &self.mobile, 50),
            ("dob", &self.dob, 32),
        ] {
            if let Some(value) = value {
                validate::length(&f(name), value, 1, max)?;
            }
        }
        if let Some(email) = &self.email {
            validate::email(&f("email"), email)?;
        }
        if let Some(address) = &self.address {
            let a = |name: &str| format!("{prefix}.address.{name}");
            for (name, value) in [
                ("street", &address.street),
                ("street_number", &address.street_number),
                ("postal_code", &address.postal_code),
                ("city", &address.city),
                ("additional_address_data", &address.additional_address_data),
            ] {
                if let Some(value) = value {
                    validate::length(&a(name), value, 1, MAX_TEXT)?;
                }
            }
            if let Some(country) = &address.country {
                validate::country_code(&a("country"), country)?;
            }
        }
        Ok(())
    }
}
