//! Containers shared by offers and payment pages: amounts, payer, addresses, order items.
//! Each `to_wire` validates against the documented limits and builds the provider's JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::{Error, Provider};
use crate::money::{Currency, Money};
use crate::validate;

/// Saferpay amount: `{"Value": "<minor units as string>", "CurrencyCode": "CHF"}`.
pub(crate) fn amount_to_wire(amount: &Money) -> Value {
    json!({"Value": amount.minor().to_string(), "CurrencyCode": amount.currency().code()})
}

/// Refuses zero where Saferpay wants `AmountWithoutZero`.
pub(crate) fn require_positive(field: &str, amount: &Money) -> Result<(), Error> {
    if amount.is_zero() {
        return Err(Error::validation(field, "must be greater than zero"));
    }
    Ok(())
}

/// Reads a JSON API amount (`Value` a string or number of minor units).
#[derive(Deserialize)]
pub(crate) struct WireAmount {
    #[serde(rename = "Value", deserialize_with = "crate::lenient::string_like")]
    value: String,
    #[serde(rename = "CurrencyCode")]
    currency_code: String,
}

impl WireAmount {
    pub(crate) fn to_money(&self) -> Result<Money, Error> {
        let minor: i64 = self.value.trim().parse().map_err(|_| {
            Error::decode(
                Provider::Saferpay,
                format!(
                    "amount value {:?} is not an integer of minor units",
                    self.value
                ),
            )
        })?;
        let currency = Currency::from_code(&self.currency_code)
            .map_err(|e| Error::decode(Provider::Saferpay, e.message().to_owned()))?;
        Money::new(minor, currency)
            .map_err(|e| Error::decode(Provider::Saferpay, e.message().to_owned()))
    }
}

pub(crate) fn opt_money(amount: Option<&WireAmount>) -> Result<Option<Money>, Error> {
    amount.map(WireAmount::to_money).transpose()
}

const GENDERS: &[&str] = &["MALE", "FEMALE", "DIVERSE", "COMPANY"];

/// A postal address (billing or delivery). Every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Address {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub gender: Option<String>,
    pub street: Option<String>,
    pub street2: Option<String>,
    pub zip: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub country_subdivision_code: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub date_of_birth: Option<String>,
    pub vat_number: Option<String>,
}

impl Address {
    /// `billing`: only the billing address (`RequestBillingAddress`) has a `VatNumber`.
    pub(crate) fn to_wire(&self, prefix: &str, billing: bool) -> Result<Value, Error> {
        let mut map = Map::new();
        let f = |name: &str| format!("{prefix}.{name}");
        for (name, key, value) in [
            ("first_name", "FirstName", &self.first_name),
            ("last_name", "LastName", &self.last_name),
            ("company", "Company", &self.company),
            ("street", "Street", &self.street),
            ("street2", "Street2", &self.street2),
            ("zip", "Zip", &self.zip),
            ("city", "City", &self.city),
            ("phone", "Phone", &self.phone),
        ] {
            if let Some(value) = value {
                validate::length(&f(name), value, 1, 100)?;
                map.insert(key.into(), json!(value));
            }
        }
        if let Some(gender) = &self.gender {
            validate::one_of(&f("gender"), gender, GENDERS)?;
            map.insert("Gender".into(), json!(gender));
        }
        if let Some(country) = &self.country_code {
            validate::country_code(&f("country_code"), country)?;
            map.insert("CountryCode".into(), json!(country));
        }
        if let Some(subdivision) = &self.country_subdivision_code {
            validate::length(&f("country_subdivision_code"), subdivision, 1, 6)?;
            map.insert("CountrySubdivisionCode".into(), json!(subdivision));
        }
        if let Some(email) = &self.email {
            validate::email(&f("email"), email)?;
            map.insert("Email".into(), json!(email));
        }
        if let Some(dob) = &self.date_of_birth {
            validate::date(&f("date_of_birth"), dob)?;
            map.insert("DateOfBirth".into(), json!(dob));
        }
        if let Some(vat) = &self.vat_number {
            if !billing {
                return Err(Error::validation(
                    &f("vat_number"),
                    "is not a field of the delivery address (only the billing address has one)",
                ));
            }
            validate::length(&f("vat_number"), vat, 1, 25)?;
            map.insert("VatNumber".into(), json!(vat));
        }
        Ok(Value::Object(map))
    }
}

/// The payer. Secure PayGate offers accept language, IP addresses and a billing address;
/// payment pages also take an id and a delivery address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Payer {
    pub id: Option<String>,
    pub language_code: Option<String>,
    pub ip_address: Option<String>,
    pub ipv6_address: Option<String>,
    pub billing_address: Option<Address>,
    pub delivery_address: Option<Address>,
}

impl Payer {
    /// `for_offer` limits the fields to Secure PayGate's `SpgPayer`.
    pub(crate) fn to_wire(&self, prefix: &str, for_offer: bool) -> Result<Value, Error> {
        let f = |name: &str| format!("{prefix}.{name}");
        let mut map = Map::new();
        if let Some(id) = &self.id {
            if for_offer {
                return Err(Error::validation(
                    &f("id"),
                    "is not supported for Secure PayGate offers",
                ));
            }
            validate::length(&f("id"), id, 1, 256)?;
            if let Some(bad) = id
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || ".:!#$%&'*+-/=?^_`{|}~@".contains(*c)))
            {
                return Err(Error::validation(
                    &f("id"),
                    format!("contains {bad:?}, which a payer id may not"),
                ));
            }
            map.insert("Id".into(), json!(id));
        }
        if let Some(language) = &self.language_code {
            // "If the submitted value has a valid format, but the language is unsupported,
            // then the default language is used": any well-formed code is accepted.
            super::alias::language_code(&f("language_code"), language)?;
            map.insert("LanguageCode".into(), json!(language));
        }
        if let Some(ip) = &self.ip_address {
            ip.parse::<std::net::Ipv4Addr>()
                .map_err(|_| Error::validation(&f("ip_address"), "must be an IPv4 address"))?;
            map.insert("IpAddress".into(), json!(ip));
        }
        if let Some(ip) = &self.ipv6_address {
            ip.parse::<std::net::Ipv6Addr>()
                .map_err(|_| Error::validation(&f("ipv6_address"), "must be an IPv6 address"))?;
            map.insert("Ipv6Address".into(), json!(ip));
        }
        if let Some(address) = &self.billing_address {
            map.insert(
                "BillingAddress".into(),
                address.to_wire(&f("billing_address"), true)?,
            );
        }
        if let Some(address) = &self.delivery_address {
            if for_offer {
                return Err(Error::validation(
                    &f("delivery_address"),
                    "is not supported for Secure PayGate offers",
                ));
            }
            map.insert(
                "DeliveryAddress".into(),
                address.to_wire(&f("delivery_address"), false)?,
            );
        }
        Ok(Value::Object(map))
    }
}

const ADDRESS_SOURCES: &[&str] = &["NONE", "SAFERPAY", "PREFER_PAYMENTMETHOD"];
const MANDATORY_FIELDS: &[&str] = &[
    "CITY",
    "COMPANY",
    "VATNUMBER",
    "COUNTRY",
    "EMAIL",
    "FIRSTNAME",
    "LASTNAME",
    "PHONE",
    "SALUTATION",
    "STATE",
    "STREET",
    "ZIP",
];

/// Whether (and which) address fields the payment page asks the payer for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BillingAddressForm {
    /// `NONE`, `SAFERPAY` or `PREFER_PAYMENTMETHOD`.
    pub address_source: String,
    /// Any of `CITY, COMPANY, VATNUMBER, COUNTRY, EMAIL, FIRSTNAME, LASTNAME, PHONE, SALUTATION,
    /// STATE, STREET, ZIP`; empty means Saferpay's default set.
    #[serde(default)]
    pub mandatory_fields: Vec<String>,
}

impl BillingAddressForm {
    /// `delivery`: the delivery form's `MandatoryFields` have no `VATNUMBER`.
    pub(crate) fn to_wire(&self, prefix: &str, delivery: bool) -> Result<Value, Error> {
        validate::one_of(
            &format!("{prefix}.address_source"),
            &self.address_source,
            ADDRESS_SOURCES,
        )?;
        let mut map = Map::new();
        map.insert("AddressSource".into(), json!(self.address_source));
        if !self.mandatory_fields.is_empty() {
            for (i, field) in self.mandatory_fields.iter().enumerate() {
                let name = format!("{prefix}.mandatory_fields[{i}]");
                validate::one_of(&name, field, MANDATORY_FIELDS)?;
                if delivery && field == "VATNUMBER" {
                    return Err(Error::validation(
                        &name,
                        "VATNUMBER is a billing address field, not a delivery address one",
                    ));
                }
            }
            map.insert("MandatoryFields".into(), json!(self.mandatory_fields));
        }
        Ok(Value::Object(map))
    }
}

const ITEM_TYPES: &[&str] = &[
    "DIGITAL",
    "PHYSICAL",
    "SERVICE",
    "GIFTCARD",
    "DISCOUNT",
    "SHIPPINGFEE",
    "SALESTAX",
    "SURCHARGE",
];

/// Order details (mandatory for Klarna).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Order {
    pub items: Vec<OrderItem>,
}

/// One order line. Money fields go out as minor units.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrderItem {
    pub item_type: Option<String>,
    pub id: Option<String>,
    pub variant_id: Option<String>,
    pub name: Option<String>,
    pub category_name: Option<String>,
    pub description: Option<String>,
    pub quantity: Option<i64>,
    pub unit_price: Option<Money>,
    pub is_pre_order: Option<bool>,
    /// Hundredths of a percent (7.7 % = 770).
    pub tax_rate: Option<i64>,
    pub tax_amount: Option<Money>,
    pub discount_amount: Option<Money>,
    pub product_url: Option<String>,
    pub image_url: Option<String>,
}

impl Order {
    pub(crate) fn to_wire(&self, prefix: &str, currency: Currency) -> Result<Value, Error> {
        if self.items.is_empty() {
            return Err(Error::validation(
                &format!("{prefix}.items"),
                "must list at least one item",
            ));
        }
        let items = self
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| item.to_wire(&format!("{prefix}.items[{i}]"), currency))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(json!({ "Items": items }))
    }
}

impl OrderItem {
    fn to_wire(&self, prefix: &str, currency: Currency) -> Result<Value, Error> {
        let f = |name: &str| format!("{prefix}.{name}");
        let mut map = Map::new();
        if let Some(kind) = &self.item_type {
            validate::one_of(&f("item_type"), kind, ITEM_TYPES)?;
            map.insert("Type".into(), json!(kind));
        }
        for (name, key, value, max) in [
            ("id", "Id", &self.id, 100),
            ("variant_id", "VariantId", &self.variant_id, 100),
            ("category_name", "CategoryName", &self.category_name, 100),
            ("name", "Name", &self.name, 200),
            ("description", "Description", &self.description, 200),
        ] {
            if let Some(value) = value {
                validate::length(&f(name), value, 1, max)?;
                map.insert(key.into(), json!(value));
            }
        }
        if let Some(quantity) = self.quantity {
            if quantity < 0 {
                return Err(Error::validation(&f("quantity"), "must not be negative"));
            }
            map.insert("Quantity".into(), json!(quantity));
        }
        for (name, key, value) in [
            ("unit_price", "UnitPrice", &self.unit_price),
            ("tax_amount", "TaxAmount", &self.tax_amount),
            ("discount_amount", "DiscountAmount", &self.discount_amount),
        ] {
            if let Some(money) = value {
                if money.currency() != currency {
                    return Err(Error::validation(
                        &f(name),
                        format!("must be in the payment currency {currency}"),
                    ));
                }
                map.insert(key.into(), json!(money.minor().to_string()));
            }
        }
        if let Some(pre_order) = self.is_pre_order {
            map.insert("IsPreOrder".into(), json!(pre_order));
        }
        if let Some(rate) = self.tax_rate {
            if !(0..=99_999).contains(&rate) {
                return Err(Error::validation(
                    &f("tax_rate"),
                    "must be 0 to 99999 (hundredths of a percent)",
                ));
            }
            // The spec types it a string ("Valid values are 0-99999").
            map.insert("TaxRate".into(), json!(rate.to_string()));
        }
        for (name, key, value) in [
            ("product_url", "ProductUrl", &self.product_url),
            ("image_url", "ImageUrl", &self.image_url),
        ] {
            if let Some(url) = value {
                validate::url(&f(name), url, false, 2000)?;
                map.insert(key.into(), json!(url));
            }
        }
        Ok(Value::Object(map))
    }
}

/// The `Payment` container every payment request sends (payment page, Transaction/Initialize,
/// AuthorizeDirect, RefundDirect …): amount, order id, description, options, the initial
/// payment of a series. Validated here once for all of them.
pub(crate) struct PaymentFields<'a> {
    pub(crate) amount: &'a Money,
    pub(crate) order_id: &'a str,
    pub(crate) description: &'a str,
    pub(crate) payer_note: Option<&'a str>,
    pub(crate) mandate_id: Option<&'a str>,
    pub(crate) pre_auth: bool,
    pub(crate) allow_partial_authorization: bool,
    pub(crate) recurring: bool,
    pub(crate) installment: bool,
    /// The caller's names of `recurring` and `installment`, for the error when both are set.
    pub(crate) series_fields: (&'static str, &'static str),
}

impl PaymentFields<'_> {
    pub(crate) fn to_wire(&self) -> Result<Value, Error> {
        require_positive("amount", self.amount)?;
        validate::id("order_id", self.order_id, 1, 80)?;
        validate::length("description", self.description, 1, 1000)?;
        let mut payment = Map::new();
        payment.insert("Amount".into(), amount_to_wire(self.amount));
        payment.insert("OrderId".into(), json!(self.order_id));
        payment.insert("Description".into(), json!(self.description));
        if let Some(note) = self.payer_note {
            validate::length("payer_note", note, 1, 50)?;
            payment.insert("PayerNote".into(), json!(note));
        }
        if let Some(mandate) = self.mandate_id {
            validate::id("mandate_id", mandate, 1, 35)?;
            payment.insert("MandateId".into(), json!(mandate));
        }
        let mut options = Map::new();
        if self.pre_auth {
            options.insert("PreAuth".into(), json!(true));
        }
        if self.allow_partial_authorization {
            options.insert("AllowPartialAuthorization".into(), json!(true));
        }
        if !options.is_empty() {
            payment.insert("Options".into(), Value::Object(options));
        }
        let (recurring_field, installment_field) = self.series_fields;
        match (self.recurring, self.installment) {
            (true, true) => {
                return Err(Error::validation(
                    installment_field,
                    format!("cannot be combined with {recurring_field}"),
                ));
            }
            (true, false) => {
                payment.insert("Recurring".into(), json!({"Initial": true}));
            }
            (false, true) => {
                payment.insert("Installment".into(), json!({"Initial": true}));
            }
            (false, false) => {}
        }
        Ok(Value::Object(payment))
    }
}
