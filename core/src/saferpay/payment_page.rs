//! Payment Page: Initialize (a hosted page for one payment) and Assert (its outcome).
//!
//! The flow: initialize, redirect the payer to `redirect_url` (it works once), then call
//! Assert when the payer comes back to `return_url` or a notify URL is called — never by
//! polling. [`Client::payment_outcome`](super::Client::payment_outcome) wraps Assert so both
//! triggers can call it safely.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::Client;
use super::json_api::JsonApiCall;
use super::management::typed;
use super::models::{BillingAddressForm, Order, Payer, PaymentFields};
use super::transaction::{Payment, PaymentMethod, Wallet, payment_from_wire};
use crate::error::Error;
use crate::http::Safety;
use crate::lenient;
use crate::money::Money;
use crate::validate;

/// The delivery address form has the same shape as the billing one.
pub type DeliveryAddressForm = BillingAddressForm;

const CONDITIONS: &[&str] = &[
    "NONE",
    "THREE_DS_AUTHENTICATION_SUCCESSFUL_OR_ATTEMPTED",
    "WITH_SUCCESSFUL_THREE_DS_CHALLENGE",
];
const ID_GENERATORS: &[&str] = &["MANUAL", "RANDOM", "RANDOM_UNIQUE"];
const EXEMPTIONS: &[&str] = &["LOW_VALUE", "TRANSACTION_RISK_ANALYSIS"];
const HOLDER_NAME_MODES: &[&str] = &["NONE", "MANDATORY"];
const MAX_MERCHANT_EMAILS: usize = 10;
const MAX_URL: usize = 2000;

/// Save the means of payment as an alias during the payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterAlias {
    /// `MANUAL` (then `id` is required), `RANDOM` or `RANDOM_UNIQUE`.
    pub id_generator: String,
    /// `Id[1..40]`, only with `MANUAL`.
    #[serde(default)]
    pub id: Option<String>,
    /// Days, 1 to 1600 (Saferpay's default is 1096).
    #[serde(default)]
    pub lifetime: Option<u32>,
}

impl RegisterAlias {
    /// An alias with an id Saferpay picks.
    pub fn random() -> RegisterAlias {
        RegisterAlias {
            id_generator: "RANDOM".into(),
            id: None,
            lifetime: None,
        }
    }

    pub(crate) fn to_wire(&self, prefix: &str) -> Result<Value, Error> {
        let f = |name: &str| format!("{prefix}.{name}");
        validate::one_of(&f("id_generator"), &self.id_generator, ID_GENERATORS)?;
        let mut map = Map::new();
        map.insert("IdGenerator".into(), json!(self.id_generator));
        match (&self.id, self.id_generator.as_str()) {
            (Some(id), "MANUAL") => {
                validate::id(&f("id"), id, 1, 40)?;
                map.insert("Id".into(), json!(id));
            }
            (None, "MANUAL") => {
                return Err(Error::validation(&f("id"), "is required with MANUAL"));
            }
            (Some(_), _) => {
                return Err(Error::validation(&f("id"), "is allowed only with MANUAL"));
            }
            (None, _) => {}
        }
        if let Some(lifetime) = self.lifetime {
            if !(1..=1600).contains(&lifetime) {
                return Err(Error::validation(
                    &f("lifetime"),
                    format!("must be 1 to 1600 days (got {lifetime})"),
                ));
            }
            map.insert("Lifetime".into(), json!(lifetime));
        }
        Ok(Value::Object(map))
    }
}

crate::operation_input! {
    /// Everything `initialize_payment_page` accepts. Start from [`InitializePaymentPage::new`]
    /// and set what you need; `initialize_payment_page` checks every documented limit first.
    pub struct InitializePaymentPage {
        pub amount: Money,
        /// `Id[1..80]` (TWINT and iDEAL keep only the first 50 characters).
        pub order_id: String,
        /// Shown on the payment page; 1 to 1000 characters.
        pub description: String,
        /// Where the payer returns after success, failure or abort (one URL for all three).
        /// Your own query parameters survive; put nothing sensitive in them.
        pub return_url: String,
        /// Called server-to-server (GET, no body) on success; see `notifications::notify_url`.
        pub success_notify_url: Option<String> = null,
        /// Called server-to-server (GET, no body) on failure.
        pub fail_notify_url: Option<String> = null,
        /// Up to 10 addresses that get Saferpay's confirmation e-mail.
        pub merchant_emails: Vec<String> = [],
        pub payer_email: Option<String> = null,
        /// Only when `payer_email` is not set.
        pub payer_dcc_receipt_email: Option<String> = null,
        /// Restricts the page to these methods; one method skips the selection page.
        pub payment_methods: Vec<PaymentMethod> = [],
        pub wallets: Vec<Wallet> = [],
        pub payer: Option<Payer> = null,
        pub billing_address_form: Option<BillingAddressForm> = null,
        pub delivery_address_form: Option<DeliveryAddressForm> = null,
        pub register_alias: Option<RegisterAlias> = null,
        /// Order lines (mandatory for Klarna).
        pub order: Option<Order> = null,
        /// `NONE`, `THREE_DS_AUTHENTICATION_SUCCESSFUL_OR_ATTEMPTED` or
        /// `WITH_SUCCESSFUL_THREE_DS_CHALLENGE`.
        pub condition: Option<String> = null,
        /// A payment page configuration (`Id[1..20]`); see `payment_page_configurations`.
        pub config_set: Option<String> = null,
        /// Pre-authorization: a longer-lived reservation.
        pub pre_auth: bool = false,
        /// Text on the payer's statement; 1 to 50 characters (about 10–12 survive in practice).
        pub payer_note: Option<String> = null,
        /// German ELV only; `Id[1..35]`.
        pub mandate_id: Option<String> = null,
        /// First payment of a recurring series (excludes `installment_initial`).
        pub recurring_initial: bool = false,
        /// First payment of an installment plan (excludes `recurring_initial`).
        pub installment_initial: bool = false,
        /// `LOW_VALUE` or `TRANSACTION_RISK_ANALYSIS`.
        pub authentication_exemption: Option<String> = null,
        /// Force a 3-D Secure challenge.
        pub force_three_ds_challenge: bool = false,
        /// Card holder name field: `NONE` or `MANDATORY`.
        pub card_holder_name: Option<String> = null,
        /// Defaults to the client's terminal.
        pub terminal_id: Option<String> = null,
    }
}

impl InitializePaymentPage {
    pub fn new(
        amount: Money,
        order_id: impl Into<String>,
        description: impl Into<String>,
        return_url: impl Into<String>,
    ) -> InitializePaymentPage {
        InitializePaymentPage {
            amount,
            order_id: order_id.into(),
            description: description.into(),
            return_url: return_url.into(),
            success_notify_url: None,
            fail_notify_url: None,
            merchant_emails: Vec::new(),
            payer_email: None,
            payer_dcc_receipt_email: None,
            payment_methods: Vec::new(),
            wallets: Vec::new(),
            payer: None,
            billing_address_form: None,
            delivery_address_form: None,
            register_alias: None,
            order: None,
            condition: None,
            config_set: None,
            pre_auth: false,
            payer_note: None,
            mandate_id: None,
            recurring_initial: false,
            installment_initial: false,
            authentication_exemption: None,
            force_three_ds_challenge: false,
            card_holder_name: None,
            terminal_id: None,
        }
    }

    /// Validates every documented limit and builds the body (without `RequestHeader`).
    pub(crate) fn to_wire(&self, terminal_id: &str) -> Result<Map<String, Value>, Error> {
        let payment = PaymentFields {
            amount: &self.amount,
            order_id: &self.order_id,
            description: &self.description,
            payer_note: self.payer_note.as_deref(),
            mandate_id: self.mandate_id.as_deref(),
            pre_auth: self.pre_auth,
            allow_partial_authorization: false,
            recurring: self.recurring_initial,
            installment: self.installment_initial,
            series_fields: ("recurring_initial", "installment_initial"),
        }
        .to_wire()?;
        let mut body = Map::new();
        body.insert("TerminalId".into(), json!(terminal_id));
        body.insert("Payment".into(), payment);

        if !self.payment_methods.is_empty() {
            let mut methods = Vec::with_capacity(self.payment_methods.len());
            for (i, method) in self.payment_methods.iter().enumerate() {
                validate::one_of(
                    &format!("payment_methods[{i}]"),
                    method.as_str(),
                    PaymentMethod::KNOWN,
                )?;
                methods.push(json!(method.as_str()));
            }
            body.insert("PaymentMethods".into(), Value::Array(methods));
        }
        if !self.wallets.is_empty() {
            let mut wallets = Vec::with_capacity(self.wallets.len());
            for (i, wallet) in self.wallets.iter().enumerate() {
                validate::one_of(&format!("wallets[{i}]"), wallet.as_str(), Wallet::KNOWN)?;
                wallets.push(json!(wallet.as_str()));
            }
            body.insert("Wallets".into(), Value::Array(wallets));
        }
        if let Some(payer) = &self.payer {
            body.insert("Payer".into(), payer.to_wire("payer", false)?);
        }
        validate::url("return_url", &self.return_url, false, MAX_URL)?;
        body.insert("ReturnUrl".into(), json!({"Url": self.return_url}));

        let mut notification = Map::new();
        if !self.merchant_emails.is_empty() {
            if self.merchant_emails.len() > MAX_MERCHANT_EMAILS {
                return Err(Error::validation(
                    "merchant_emails",
                    format!(
                        "must list at most {MAX_MERCHANT_EMAILS} addresses (got {})",
                        self.merchant_emails.len()
                    ),
                ));
            }
            for (i, email) in self.merchant_emails.iter().enumerate() {
                validate::email(&format!("merchant_emails[{i}]"), email)?;
            }
            notification.insert("MerchantEmails".into(), json!(self.merchant_emails));
        }
        if let Some(email) = &self.payer_email {
            validate::email("payer_email", email)?;
            notification.insert("PayerEmail".into(), json!(email));
        }
        if let Some(email) = &self.payer_dcc_receipt_email {
            if self.payer_email.is_some() {
                return Err(Error::validation(
                    "payer_dcc_receipt_email",
                    "is allowed only when payer_email is not set",
                ));
            }
            validate::email("payer_dcc_receipt_email", email)?;
            notification.insert("PayerDccReceiptEmail".into(), json!(email));
        }
        for (field, key, value) in [
            (
                "success_notify_url",
                "SuccessNotifyUrl",
                &self.success_notify_url,
            ),
            ("fail_notify_url", "FailNotifyUrl", &self.fail_notify_url),
        ] {
            if let Some(url) = value {
                validate::url(field, url, false, MAX_URL)?;
                notification.insert(key.into(), json!(url));
            }
        }
        if !notification.is_empty() {
            body.insert("Notification".into(), Value::Object(notification));
        }

        if let Some(condition) = &self.condition {
            validate::one_of("condition", condition, CONDITIONS)?;
            body.insert("Condition".into(), json!(condition));
        }
        let mut authentication = Map::new();
        if let Some(exemption) = &self.authentication_exemption {
            validate::one_of("authentication_exemption", exemption, EXEMPTIONS)?;
            authentication.insert("Exemption".into(), json!(exemption));
        }
        if self.force_three_ds_challenge {
            authentication.insert("ThreeDsChallenge".into(), json!("FORCE"));
        }
        if !authentication.is_empty() {
            body.insert("Authentication".into(), Value::Object(authentication));
        }
        if let Some(config_set) = &self.config_set {
            validate::id("config_set", config_set, 1, 20)?;
            body.insert("ConfigSet".into(), json!(config_set));
        }
        if let Some(form) = &self.billing_address_form {
            body.insert(
                "BillingAddressForm".into(),
                form.to_wire("billing_address_form", false)?,
            );
        }
        if let Some(form) = &self.delivery_address_form {
            body.insert(
                "DeliveryAddressForm".into(),
                form.to_wire("delivery_address_form", true)?,
            );
        }
        if let Some(mode) = &self.card_holder_name {
            validate::one_of("card_holder_name", mode, HOLDER_NAME_MODES)?;
            body.insert("CardForm".into(), json!({"HolderName": mode}));
        }
        if let Some(alias) = &self.register_alias {
            body.insert("RegisterAlias".into(), alias.to_wire("register_alias")?);
        }
        if let Some(order) = &self.order {
            body.insert(
                "Order".into(),
                order.to_wire("order", self.amount.currency())?,
            );
        }
        Ok(body)
    }
}

crate::output_record! {
    /// An initialized payment page: send the payer to `redirect_url`, keep `token` for Assert.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct PaymentPageSession {
        /// Keep it with your order: Assert needs it, and neither the return nor the notify call
        /// carries it.
        pub token: String,
        /// After this (ISO 8601) the redirect URL no longer works.
        pub expiration: Option<String>,
        /// Send the payer here (or embed it in an iframe). It works once.
        pub redirect_url: String,
        /// The provider's full answer.
        pub raw: Value,
    }
}

#[derive(Deserialize)]
struct WireSession {
    #[serde(rename = "Token", deserialize_with = "lenient::string_like")]
    token: String,
    #[serde(
        rename = "Expiration",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    expiration: Option<String>,
    #[serde(rename = "RedirectUrl")]
    redirect_url: String,
}

pub(crate) fn session_from_wire(raw: Value) -> Result<PaymentPageSession, Error> {
    let wire: WireSession = typed(&raw)?;
    Ok(PaymentPageSession {
        token: wire.token,
        expiration: wire.expiration,
        redirect_url: wire.redirect_url,
        raw,
    })
}

pub(crate) fn assert_body(token: &str) -> Result<Map<String, Value>, Error> {
    validate::id("token", token, 1, 50)?;
    let mut body = Map::new();
    body.insert("Token".into(), json!(token));
    Ok(body)
}

impl Client {
    /// Starts a hosted payment page. Retried safely under one RequestId.
    pub async fn initialize_payment_page(
        &self,
        request: InitializePaymentPage,
    ) -> Result<PaymentPageSession, Error> {
        let terminal_id = self.resolve_terminal(request.terminal_id.as_deref())?;
        let body = request.to_wire(&terminal_id)?;
        self.spawn(move |client| async move {
            client
                .json_api(
                    // Harmless to repeat: a session whose answer was lost is known to nobody
                    // (its token and redirect URL were only in that answer), so no payer can
                    // reach it and it expires unpaid. Sending again only opens a fresh session.
                    JsonApiCall::new(
                        "saferpay.payment_page.initialize",
                        "/Payment/v1/PaymentPage/Initialize",
                        Safety::Idempotent,
                        body,
                    ),
                    session_from_wire,
                )
                .await
        })
        .await
    }

    /// The outcome of a payment page: the transaction (`AUTHORIZED`, `CAPTURED`, or `PENDING`
    /// for some methods) or an error (`declined` for declines, aborts and failed 3-D Secure;
    /// `conflict` `TRANSACTION_IN_WRONG_STATE` while the payer is still busy). Call it when the
    /// payer returns or a notification arrives, never to poll; it works for 24 hours (120 for
    /// pending payments). For a handler that may run twice, use `payment_outcome`.
    pub async fn assert_payment_page(&self, token: &str) -> Result<Payment, Error> {
        let body = assert_body(token)?;
        self.spawn(move |client| async move { client.assert_token(body).await })
            .await
    }

    /// The Assert call itself, on the current task.
    pub(crate) async fn assert_token(&self, body: Map<String, Value>) -> Result<Payment, Error> {
        self.assert_token_raw(body).await.0
    }

    /// [`Client::assert_token`] and the answer as Saferpay sent it (when it decoded), so
    /// other processes can decode the same answer themselves.
    pub(crate) async fn assert_token_raw(
        &self,
        body: Map<String, Value>,
    ) -> (Result<Payment, Error>, Option<Value>) {
        let raw = std::sync::Mutex::new(None);
        let result = self
            .json_api(
                JsonApiCall::new(
                    "saferpay.payment_page.assert",
                    "/Payment/v1/PaymentPage/Assert",
                    Safety::Read,
                    body,
                ),
                |value: Value| {
                    if let Ok(mut slot) = raw.lock() {
                        *slot = Some(value.clone());
                    }
                    payment_from_wire(value)
                },
            )
            .await;
        let raw = raw.into_inner().ok().flatten();
        (result, raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::http::scripted::{Scripted, Step};
    use crate::saferpay::json_api::tests::client;
    use crate::saferpay::models::{Address, OrderItem};
    use crate::saferpay::transaction::{LiableEntity, TransactionStatus};

    fn chf(minor: i64) -> Money {
        Money::from_minor(minor, "CHF").unwrap()
    }

    fn request() -> InitializePaymentPage {
        InitializePaymentPage::new(
            chf(100),
            "order-1",
            "Two coffees",
            "https://shop.example/return?o=1",
        )
    }

    fn field_of(request: &InitializePaymentPage) -> Option<String> {
        request
            .to_wire("17654321")
            .err()
            .and_then(|e| e.field().map(str::to_owned))
    }

    #[test]
    fn every_limit_names_its_field() {
        type Mutate = Box<dyn Fn(&mut InitializePaymentPage)>;
        let cases: Vec<(&str, Mutate)> = vec![
            ("amount", Box::new(|r| r.amount = chf(0))),
            ("order_id", Box::new(|r| r.order_id = "a b".into())),
            ("order_id", Box::new(|r| r.order_id = "a".repeat(81))),
            ("description", Box::new(|r| r.description = String::new())),
            (
                "description",
                Box::new(|r| r.description = "x".repeat(1001)),
            ),
            (
                "return_url",
                Box::new(|r| r.return_url = "/relative".into()),
            ),
            (
                "return_url",
                Box::new(|r| r.return_url = format!("https://a.example/{}", "x".repeat(2000))),
            ),
            (
                "success_notify_url",
                Box::new(|r| r.success_notify_url = Some("ftp://a.example/".into())),
            ),
            (
                "fail_notify_url",
                Box::new(|r| r.fail_notify_url = Some("nope".into())),
            ),
            (
                "merchant_emails",
                Box::new(|r| r.merchant_emails = vec!["a@b.ch".into(); 11]),
            ),
            (
                "merchant_emails[1]",
                Box::new(|r| r.merchant_emails = vec!["a@b.ch".into(), "nope".into()]),
            ),
            (
                "payer_email",
                Box::new(|r| r.payer_email = Some("x".into())),
            ),
            (
                "payer_dcc_receipt_email",
                Box::new(|r| {
                    r.payer_email = Some("a@b.ch".into());
                    r.payer_dcc_receipt_email = Some("c@d.ch".into());
                }),
            ),
            (
                "payment_methods[1]",
                Box::new(|r| {
                    r.payment_methods = vec![PaymentMethod::Visa, PaymentMethod::from("BITCOIN")]
                }),
            ),
            (
                "wallets[0]",
                Box::new(|r| r.wallets = vec![Wallet::from("SAMSUNGPAY")]),
            ),
            (
                "payer.language_code",
                Box::new(|r| {
                    r.payer = Some(Payer {
                        language_code: Some("fr_CH".into()),
                        ..Payer::default()
                    })
                }),
            ),
            (
                "payer.delivery_address.country_code",
                Box::new(|r| {
                    r.payer = Some(Payer {
                        delivery_address: Some(Address {
                            country_code: Some("che".into()),
                            ..Address::default()
                        }),
                        ..Payer::default()
                    })
                }),
            ),
            (
                "billing_address_form.address_source",
                Box::new(|r| {
                    r.billing_address_form = Some(BillingAddressForm {
                        address_source: "X".into(),
                        mandatory_fields: vec![],
                    })
                }),
            ),
            (
                "delivery_address_form.mandatory_fields[0]",
                Box::new(|r| {
                    r.delivery_address_form = Some(BillingAddressForm {
                        address_source: "SAFERPAY".into(),
                        mandatory_fields: vec!["SHOE_SIZE".into()],
                    })
                }),
            ),
            (
                "register_alias.id",
                Box::new(|r| {
                    r.register_alias = Some(RegisterAlias {
                        id_generator: "MANUAL".into(),
                        id: None,
                        lifetime: None,
                    })
                }),
            ),
            (
                "register_alias.id",
                Box::new(|r| {
                    r.register_alias = Some(RegisterAlias {
                        id_generator: "MANUAL".into(),
                        id: Some("a".repeat(41)),
                        lifetime: None,
                    })
                }),
            ),
            (
                "register_alias.id",
                Box::new(|r| {
                    r.register_alias = Some(RegisterAlias {
                        id_generator: "RANDOM".into(),
                        id: Some("a".into()),
                        lifetime: None,
                    })
                }),
            ),
            (
                "register_alias.lifetime",
                Box::new(|r| {
                    r.register_alias = Some(RegisterAlias {
                        lifetime: Some(1601),
                        ..RegisterAlias::random()
                    })
                }),
            ),
            (
                "register_alias.id_generator",
                Box::new(|r| {
                    r.register_alias = Some(RegisterAlias {
                        id_generator: "SEQUENTIAL".into(),
                        ..RegisterAlias::random()
                    })
                }),
            ),
            (
                "order.items",
                Box::new(|r| r.order = Some(Order::default())),
            ),
            (
                "order.items[0].unit_price",
                Box::new(|r| {
                    r.order = Some(Order {
                        items: vec![OrderItem {
                            unit_price: Some(Money::from_minor(1, "EUR").unwrap()),
                            ..OrderItem::default()
                        }],
                    })
                }),
            ),
            (
                "condition",
                Box::new(|r| r.condition = Some("ALWAYS".into())),
            ),
            (
                "config_set",
                Box::new(|r| r.config_set = Some("a".repeat(21))),
            ),
            (
                "payer_note",
                Box::new(|r| r.payer_note = Some("x".repeat(51))),
            ),
            (
                "mandate_id",
                Box::new(|r| r.mandate_id = Some("a".repeat(36))),
            ),
            (
                "installment_initial",
                Box::new(|r| {
                    r.recurring_initial = true;
                    r.installment_initial = true;
                }),
            ),
            (
                "authentication_exemption",
                Box::new(|r| r.authentication_exemption = Some("HIGH_VALUE".into())),
            ),
            (
                "card_holder_name",
                Box::new(|r| r.card_holder_name = Some("OPTIONAL".into())),
            ),
        ];
        for (field, mutate) in cases {
            let mut r = request();
            mutate(&mut r);
            assert_eq!(field_of(&r).as_deref(), Some(field), "{field}");
        }
        assert_eq!(field_of(&request()), None);
    }

    #[test]
    fn builds_every_container() {
        let mut r = request();
        r.success_notify_url = Some("https://shop.example/notify?ref=1".into());
        r.fail_notify_url = Some("http://shop.example/fail?ref=1".into());
        r.merchant_emails = vec!["shop@shop.example".into()];
        r.payer_email = Some("payer@example.com".into());
        r.payment_methods = vec![PaymentMethod::Visa, PaymentMethod::Twint];
        r.wallets = vec![Wallet::ApplePay];
        r.payer = Some(Payer {
            id: Some("customer-7".into()),
            language_code: Some("de-CH".into()),
            ..Payer::default()
        });
        r.billing_address_form = Some(BillingAddressForm {
            address_source: "SAFERPAY".into(),
            mandatory_fields: vec!["CITY".into()],
        });
        r.delivery_address_form = Some(BillingAddressForm {
            address_source: "NONE".into(),
            mandatory_fields: vec![],
        });
        r.register_alias = Some(RegisterAlias {
            lifetime: Some(365),
            ..RegisterAlias::random()
        });
        r.condition = Some("WITH_SUCCESSFUL_THREE_DS_CHALLENGE".into());
        r.config_set = Some("event".into());
        r.pre_auth = true;
        r.payer_note = Some("Coffee".into());
        r.recurring_initial = true;
        r.authentication_exemption = Some("LOW_VALUE".into());
        r.card_holder_name = Some("MANDATORY".into());
        let body = Value::Object(r.to_wire("17654321").unwrap());
        assert_eq!(
            body,
            json!({
                "TerminalId": "17654321",
                "Payment": {
                    "Amount": {"Value": "100", "CurrencyCode": "CHF"},
                    "OrderId": "order-1",
                    "Description": "Two coffees",
                    "PayerNote": "Coffee",
                    "Options": {"PreAuth": true},
                    "Recurring": {"Initial": true}
                },
                "PaymentMethods": ["VISA", "TWINT"],
                "Wallets": ["APPLEPAY"],
                "Payer": {"Id": "customer-7", "LanguageCode": "de-CH"},
                "ReturnUrl": {"Url": "https://shop.example/return?o=1"},
                "Notification": {
                    "MerchantEmails": ["shop@shop.example"],
                    "PayerEmail": "payer@example.com",
                    "SuccessNotifyUrl": "https://shop.example/notify?ref=1",
                    "FailNotifyUrl": "http://shop.example/fail?ref=1"
                },
                "Condition": "WITH_SUCCESSFUL_THREE_DS_CHALLENGE",
                "Authentication": {"Exemption": "LOW_VALUE"},
                "ConfigSet": "event",
                "BillingAddressForm": {"AddressSource": "SAFERPAY", "MandatoryFields": ["CITY"]},
                "DeliveryAddressForm": {"AddressSource": "NONE"},
                "CardForm": {"HolderName": "MANDATORY"},
                "RegisterAlias": {"IdGenerator": "RANDOM", "Lifetime": 365}
            })
        );
    }

    #[tokio::test]
    async fn initialize_uses_the_default_terminal_and_returns_the_session() {
        let script = Scripted::new(vec![Step::json(
            200,
            r#"{"ResponseHeader":{"SpecVersion":"1.53","RequestId":"r"},"Token":"234uhfh78234hlasdfh8234e1234","Expiration":"2015-01-30T12:45:22.258+01:00","RedirectUrl":"https://pay.example/vt2/api/PaymentPage/1/2/3"}"#,
        )]);
        let client = client(&script);
        let session = client.initialize_payment_page(request()).await.unwrap();
        assert_eq!(session.token, "234uhfh78234hlasdfh8234e1234");
        assert_eq!(
            session.redirect_url,
            "https://pay.example/vt2/api/PaymentPage/1/2/3"
        );
        assert_eq!(
            session.expiration.as_deref(),
            Some("2015-01-30T12:45:22.258+01:00")
        );
        let request = &script.requests()[0];
        assert_eq!(request.url.path(), "/api/Payment/v1/PaymentPage/Initialize");
        let body: Value = serde_json::from_slice(request.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["TerminalId"], "17654321");
        let mut other = super::tests::request();
        other.terminal_id = Some("1234".into());
        assert_eq!(
            client
                .initialize_payment_page(other)
                .await
                .unwrap_err()
                .field(),
            Some("terminal_id")
        );
    }

    #[tokio::test]
    async fn assert_maps_payment_and_failures() {
        let script = Scripted::new(vec![
            Step::json(
                200,
                r#"{"Transaction":{"Type":"PAYMENT","Status":"AUTHORIZED","Id":"t1","Amount":{"Value":"100","CurrencyCode":"CHF"}},"PaymentMeans":{"Brand":{"PaymentMethod":"VISA"},"DisplayText":"xxxx 1234"},"Liability":{"LiabilityShift":true,"LiableEntity":"THREEDS","InPsd2Scope":"YES"},"RegistrationResult":{"Success":true,"Alias":{"Id":"alias-1","Lifetime":1000}}}"#,
            ),
            Step::json(
                402,
                r#"{"Behavior":"OTHER_MEANS","ErrorName":"TRANSACTION_ABORTED","ErrorMessage":"aborted","TransactionId":"t2","OrderId":"order-1"}"#,
            ),
        ]);
        let client = client(&script);
        let payment = client.assert_payment_page("tok-1").await.unwrap();
        assert_eq!(payment.transaction.status, TransactionStatus::Authorized);
        let liability = payment.liability.unwrap();
        assert_eq!(liability.liable_entity, LiableEntity::ThreeDs);
        assert_eq!(liability.in_psd2_scope.as_deref(), Some("YES"));
        let registration = payment.registration_result.unwrap();
        assert!(registration.success);
        assert_eq!(registration.alias_id.as_deref(), Some("alias-1"));
        let err = client.assert_payment_page("tok-2").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Declined);
        assert!(err.details().iter().any(|d| d == "TransactionId: t2"));
        assert_eq!(
            client
                .assert_payment_page("tok 3")
                .await
                .unwrap_err()
                .field(),
            Some("token")
        );
        assert_eq!(script.requests().len(), 2);
    }
}
