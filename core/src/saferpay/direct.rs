//! The Transaction interface: Initialize (card entry or 3-D Secure on a Saferpay page, then
//! Authorize), AuthorizeDirect (a stored alias, a Saferpay Fields token or card data, no payer
//! present), AuthorizeReferenced (a follow-up of an initial recurring or installment payment)
//! and RefundDirect (money back to a means of payment without a previous transaction).
//!
//! Exactly once (`docs/exactly-once.md`): the three money-moving calls carry the caller's
//! `OrderId` and are reconcilable by it (`Transaction/Inquire` with
//! `TransactionReference.OrderId`), like Refund. Initialize only opens a session, and Authorize
//! spends its token once ("TOKEN_INVALID: … or was already used"), so neither can double a
//! payment when sent again.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::Client;
use super::json_api::{JsonApiCall, order_reference, transaction_reference};
use super::management::typed;
use super::models::{Payer, PaymentFields, amount_to_wire, require_positive};
use super::payment_page::RegisterAlias;
use super::transaction::{Payment, PaymentMethod, TransactionType, payment_from_wire};
use crate::Secret;
use crate::error::{Error, ErrorKind, Provider};
use crate::http::{Lookup, Safety};
use crate::lenient;
use crate::money::Money;
use crate::validate;

const MAX_URL: usize = 2000;
const CONDITIONS: &[&str] = &[
    "NONE",
    "THREE_DS_AUTHENTICATION_SUCCESSFUL_OR_ATTEMPTED",
    "WITH_SUCCESSFUL_THREE_DS_CHALLENGE",
];
const INITIATORS: &[&str] = &["MERCHANT", "PAYER"];
/// `Transaction/Initialize` `PaymentMethods`: "Possible values: AMEX, BANCONTACT, DINERS,
/// DIRECTDEBIT, JCB, MAESTRO, MASTERCARD, VISA".
const INITIALIZE_METHODS: &[&str] = &[
    "AMEX",
    "BANCONTACT",
    "DINERS",
    "DIRECTDEBIT",
    "JCB",
    "MAESTRO",
    "MASTERCARD",
    "VISA",
];

/// Card data (`Payment_Models_Data_Card`). Only PCI-certified merchants may send it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardInput {
    /// Digits only, no separators; checked with the Luhn algorithm before sending.
    pub number: Secret,
    /// 1 to 12.
    pub exp_month: u32,
    /// 2000 to 9999.
    pub exp_year: u32,
    /// CVV/CVC, 3 or 4 digits.
    #[serde(default)]
    pub verification_code: Option<Secret>,
    /// 1 to 50 characters.
    #[serde(default)]
    pub holder_name: Option<String>,
}

/// The means of payment a Transaction interface call is made with: exactly one of a Saferpay
/// Fields token, a stored alias (with its CVC where the card needs one) or card data.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentMeansInput {
    /// The token Saferpay Fields returned for the card the payer entered (`Id[1..40]`).
    #[serde(default)]
    pub saferpay_fields_token: Option<Secret>,
    /// An alias from the Secure Card Data store (`Id[1..40]`).
    #[serde(default)]
    pub alias_id: Option<String>,
    /// The CVC for `alias_id`, 3 or 4 digits.
    #[serde(default)]
    pub verification_code: Option<Secret>,
    #[serde(default, deserialize_with = "crate::input::opt_map_only")]
    pub card: Option<CardInput>,
}

/// Which forms of payment means an endpoint accepts.
#[derive(Clone, Copy)]
pub(crate) struct Accepts {
    pub fields_token: bool,
    pub alias: bool,
    pub card: bool,
}

impl Accepts {
    pub(crate) const ALL: Accepts = Accepts {
        fields_token: true,
        alias: true,
        card: true,
    };
}

/// Whether `digits` passes the Luhn check (ISO/IEC 7812-1).
pub(crate) fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// A verification code: `Numeric[3..4]`. The message never shows the value.
fn verification_code(field: &str, code: &Secret) -> Result<(), Error> {
    let code = code.expose();
    if !(3..=4).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::validation(field, "must be 3 or 4 digits"));
    }
    Ok(())
}

impl CardInput {
    pub(crate) fn to_wire(&self, prefix: &str) -> Result<Value, Error> {
        let f = |name: &str| format!("{prefix}.{name}");
        let number = self.number.expose();
        // The spec documents no length for `Card.Number`; ISO/IEC 7812 numbers have 12 to 19
        // digits. No message repeats the number.
        if !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::validation(
                &f("number"),
                "may contain only digits (no spaces or dashes)",
            ));
        }
        if !(12..=19).contains(&number.len()) {
            return Err(Error::validation(
                &f("number"),
                format!("must have 12 to 19 digits (got {})", number.len()),
            ));
        }
        if !luhn_valid(number) {
            return Err(Error::validation(
                &f("number"),
                "is not a valid card number (Luhn check failed)",
            ));
        }
        if !(1..=12).contains(&self.exp_month) {
            return Err(Error::validation(
                &f("exp_month"),
                format!("must be 1 to 12 (got {})", self.exp_month),
            ));
        }
        if !(2000..=9999).contains(&self.exp_year) {
            return Err(Error::validation(
                &f("exp_year"),
                format!("must be 2000 to 9999 (got {})", self.exp_year),
            ));
        }
        let mut card = Map::new();
        card.insert("Number".into(), json!(number));
        card.insert("ExpYear".into(), json!(self.exp_year));
        card.insert("ExpMonth".into(), json!(self.exp_month));
        if let Some(name) = &self.holder_name {
            validate::length(&f("holder_name"), name, 1, 50)?;
            card.insert("HolderName".into(), json!(name));
        }
        if let Some(code) = &self.verification_code {
            verification_code(&f("verification_code"), code)?;
            card.insert("VerificationCode".into(), json!(code.expose()));
        }
        Ok(Value::Object(card))
    }
}

impl PaymentMeansInput {
    /// A stored alias, e.g. for a merchant-initiated follow-up payment.
    pub fn alias(alias_id: impl Into<String>) -> PaymentMeansInput {
        PaymentMeansInput {
            alias_id: Some(alias_id.into()),
            ..PaymentMeansInput::default()
        }
    }

    /// A Saferpay Fields token.
    pub fn saferpay_fields(token: impl Into<Secret>) -> PaymentMeansInput {
        PaymentMeansInput {
            saferpay_fields_token: Some(token.into()),
            ..PaymentMeansInput::default()
        }
    }

    /// Card data (PCI-certified merchants only).
    pub fn card(card: CardInput) -> PaymentMeansInput {
        PaymentMeansInput {
            card: Some(card),
            ..PaymentMeansInput::default()
        }
    }

    /// Validates and builds the `PaymentMeans` container, refusing a form `accepts` excludes.
    pub(crate) fn to_wire(
        &self,
        prefix: &str,
        endpoint: &str,
        accepts: Accepts,
    ) -> Result<Value, Error> {
        let f = |name: &str| format!("{prefix}.{name}");
        let given = [
            self.saferpay_fields_token.is_some(),
            self.alias_id.is_some(),
            self.card.is_some(),
        ]
        .iter()
        .filter(|g| **g)
        .count();
        if given != 1 {
            return Err(Error::validation(
                prefix,
                "must hold exactly one of saferpay_fields_token, alias_id or card",
            ));
        }
        if self.verification_code.is_some() && self.alias_id.is_none() {
            return Err(Error::validation(
                &f("verification_code"),
                "goes with alias_id (a card's code goes into card.verification_code)",
            ));
        }
        let refuse = |name: &str| {
            Err(Error::validation(
                &f(name),
                format!("is not accepted by {endpoint}"),
            ))
        };
        let mut means = Map::new();
        if let Some(token) = &self.saferpay_fields_token {
            if !accepts.fields_token {
                return refuse("saferpay_fields_token");
            }
            validate::id(&f("saferpay_fields_token"), token.expose(), 1, 40)
                .map_err(|_| Error::validation(&f("saferpay_fields_token"), "must be Id[1..40]"))?;
            means.insert("SaferpayFields".into(), json!({"Token": token.expose()}));
        }
        if let Some(alias_id) = &self.alias_id {
            if !accepts.alias {
                return refuse("alias_id");
            }
            validate::id(&f("alias_id"), alias_id, 1, 40)?;
            let mut alias = Map::new();
            alias.insert("Id".into(), json!(alias_id));
            if let Some(code) = &self.verification_code {
                verification_code(&f("verification_code"), code)?;
                alias.insert("VerificationCode".into(), json!(code.expose()));
            }
            means.insert("Alias".into(), Value::Object(alias));
        }
        if let Some(card) = &self.card {
            if !accepts.card {
                return refuse("card");
            }
            means.insert("Card".into(), card.to_wire(&f("card"))?);
        }
        Ok(Value::Object(means))
    }
}

/// Where Saferpay calls you (GET) when the payer finished or failed the redirect steps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedirectNotifyUrls {
    pub success: String,
    pub fail: String,
}

crate::operation_input! {
    /// What `initialize_transaction` takes.
    pub struct InitializeTransaction {
        pub amount: Money,
        /// `Id[1..80]`; also the key Inquire finds the payment by.
        pub order_id: String,
        /// 1 to 1000 characters.
        pub description: String,
        /// Where the payer returns after 3-D Secure or card entry (at most 2000 characters).
        pub return_url: String,
        /// A Fields token, an alias or card data; without it the payer enters the card on
        /// Saferpay's page (`redirect_url`).
        #[serde(deserialize_with = "crate::input::opt_map_only")]
        pub payment_means: Option<PaymentMeansInput> = null,
        pub payer: Option<Payer> = null,
        /// Pre-authorization instead of a final authorization.
        pub pre_auth: bool = false,
        /// Accept an authorization of less than `amount` (prevents DCC).
        pub allow_partial_authorization: bool = false,
        /// First payment of a recurring series: later `authorize_referenced` calls refer to it.
        pub recurring: bool = false,
        /// First payment of an installment plan (excludes `recurring`).
        pub installment: bool = false,
        /// Called (GET) when the payer completed or failed the redirect steps.
        pub redirect_notify_urls: Option<RedirectNotifyUrls> = null,
        /// Restricts the card entry form: AMEX, BANCONTACT, DINERS, DIRECTDEBIT, JCB, MAESTRO,
        /// MASTERCARD, VISA.
        pub payment_methods: Vec<PaymentMethod> = [],
        /// A payment page configuration (`Id[1..20]`).
        pub config_set: Option<String> = null,
        /// Your stylesheet for Saferpay's pages (https, at most 2000 characters).
        pub css_url: Option<String> = null,
        pub terminal_id: Option<String> = null,
    }
}

crate::operation_input! {
    /// What `authorize_transaction` takes.
    pub struct AuthorizeTransaction {
        /// The token `initialize_transaction` returned (`Id[1..50]`).
        pub token: String,
        /// `NONE`, `THREE_DS_AUTHENTICATION_SUCCESSFUL_OR_ATTEMPTED` or
        /// `WITH_SUCCESSFUL_THREE_DS_CHALLENGE`.
        pub condition: Option<String> = null,
        /// Save the card as an alias; the answer's `registration_result` has its id.
        pub register_alias: Option<RegisterAlias> = null,
    }
}

crate::operation_input! {
    /// What `authorize_direct` takes.
    pub struct AuthorizeDirect {
        pub amount: Money,
        /// `Id[1..80]`, unique per authorization: a lost answer is settled by it.
        pub order_id: String,
        /// 1 to 1000 characters.
        pub description: String,
        /// A stored alias, a Fields token or card data.
        #[serde(deserialize_with = "crate::input::map_only")]
        pub payment_means: PaymentMeansInput,
        /// `MERCHANT` (a merchant-initiated payment, the default) or `PAYER`.
        pub initiator: String = "MERCHANT",
        /// Save the card as an alias (`registration_result`).
        pub register_alias: Option<RegisterAlias> = null,
        pub pre_auth: bool = false,
        /// Accept an authorization of less than `amount`.
        pub allow_partial_authorization: bool = false,
        /// First payment of a recurring series.
        pub recurring: bool = false,
        /// First payment of an installment plan (excludes `recurring`).
        pub installment: bool = false,
        /// Text on the payer's statement; 1 to 50 characters.
        pub payer_note: Option<String> = null,
        pub terminal_id: Option<String> = null,
    }
}

crate::operation_input! {
    /// What `authorize_referenced` takes.
    pub struct AuthorizeReferenced {
        /// The initial recurring or installment payment.
        pub transaction_id: String,
        pub amount: Money,
        /// `Id[1..80]`, unique per authorization: a lost answer is settled by it.
        pub order_id: String,
        /// 1 to 1000 characters.
        pub description: String,
        /// Text on the payer's statement; 1 to 50 characters.
        pub payer_note: Option<String> = null,
        pub terminal_id: Option<String> = null,
    }
}

crate::operation_input! {
    /// What `refund_direct` takes.
    pub struct RefundDirect {
        pub amount: Money,
        /// `Id[1..80]`, unique per refund: a lost answer is settled by it.
        pub order_id: String,
        /// An alias or card data (Fields tokens are not accepted by RefundDirect).
        #[serde(deserialize_with = "crate::input::map_only")]
        pub payment_means: PaymentMeansInput,
        /// 1 to 1000 characters.
        pub description: Option<String> = null,
        /// Text on the payer's statement; 1 to 50 characters.
        pub payer_note: Option<String> = null,
        pub terminal_id: Option<String> = null,
    }
}

impl InitializeTransaction {
    pub(crate) fn to_wire(&self, terminal_id: &str) -> Result<Map<String, Value>, Error> {
        let payment = PaymentFields {
            amount: &self.amount,
            order_id: &self.order_id,
            description: &self.description,
            payer_note: None,
            pre_auth: self.pre_auth,
            allow_partial_authorization: self.allow_partial_authorization,
            recurring: self.recurring,
            installment: self.installment,
            mandate_id: None,
            series_fields: ("recurring", "installment"),
        }
        .to_wire()?;
        let mut body = Map::new();
        body.insert("TerminalId".into(), json!(terminal_id));
        body.insert("Payment".into(), payment);
        if let Some(means) = &self.payment_means {
            body.insert(
                "PaymentMeans".into(),
                means.to_wire("payment_means", "Transaction/Initialize", Accepts::ALL)?,
            );
        }
        if let Some(payer) = &self.payer {
            body.insert("Payer".into(), payer.to_wire("payer", false)?);
        }
        validate::url("return_url", &self.return_url, false, MAX_URL)?;
        body.insert("ReturnUrl".into(), json!({"Url": self.return_url}));
        if let Some(urls) = &self.redirect_notify_urls {
            validate::url(
                "redirect_notify_urls.success",
                &urls.success,
                false,
                MAX_URL,
            )?;
            validate::url("redirect_notify_urls.fail", &urls.fail, false, MAX_URL)?;
            body.insert(
                "RedirectNotifyUrls".into(),
                json!({"Success": urls.success, "Fail": urls.fail}),
            );
        }
        if !self.payment_methods.is_empty() {
            let mut methods = Vec::with_capacity(self.payment_methods.len());
            for (i, method) in self.payment_methods.iter().enumerate() {
                validate::one_of(
                    &format!("payment_methods[{i}]"),
                    method.as_str(),
                    INITIALIZE_METHODS,
                )?;
                methods.push(json!(method.as_str()));
            }
            body.insert("PaymentMethods".into(), Value::Array(methods));
        }
        if let Some(config_set) = &self.config_set {
            validate::id("config_set", config_set, 1, 20)?;
            body.insert("ConfigSet".into(), json!(config_set));
        }
        if let Some(css_url) = &self.css_url {
            validate::url("css_url", css_url, true, MAX_URL)?;
            body.insert("Styling".into(), json!({"CssUrl": css_url}));
        }
        Ok(body)
    }
}

impl AuthorizeTransaction {
    pub(crate) fn to_wire(&self) -> Result<Map<String, Value>, Error> {
        validate::id("token", &self.token, 1, 50)?;
        let mut body = Map::new();
        body.insert("Token".into(), json!(self.token));
        if let Some(condition) = &self.condition {
            validate::one_of("condition", condition, CONDITIONS)?;
            body.insert("Condition".into(), json!(condition));
        }
        if let Some(alias) = &self.register_alias {
            body.insert("RegisterAlias".into(), alias.to_wire("register_alias")?);
        }
        Ok(body)
    }
}

impl AuthorizeDirect {
    pub(crate) fn to_wire(&self, terminal_id: &str) -> Result<Map<String, Value>, Error> {
        let payment = PaymentFields {
            amount: &self.amount,
            order_id: &self.order_id,
            description: &self.description,
            payer_note: self.payer_note.as_deref(),
            pre_auth: self.pre_auth,
            allow_partial_authorization: self.allow_partial_authorization,
            recurring: self.recurring,
            installment: self.installment,
            mandate_id: None,
            series_fields: ("recurring", "installment"),
        }
        .to_wire()?;
        let mut body = Map::new();
        body.insert("TerminalId".into(), json!(terminal_id));
        body.insert("Payment".into(), payment);
        body.insert(
            "PaymentMeans".into(),
            self.payment_means.to_wire(
                "payment_means",
                "Transaction/AuthorizeDirect",
                Accepts::ALL,
            )?,
        );
        validate::one_of("initiator", &self.initiator, INITIATORS)?;
        body.insert("Initiator".into(), json!(self.initiator));
        if let Some(alias) = &self.register_alias {
            body.insert("RegisterAlias".into(), alias.to_wire("register_alias")?);
        }
        Ok(body)
    }
}

impl AuthorizeReferenced {
    pub(crate) fn to_wire(&self, terminal_id: &str) -> Result<Map<String, Value>, Error> {
        let payment = PaymentFields {
            amount: &self.amount,
            order_id: &self.order_id,
            description: &self.description,
            payer_note: self.payer_note.as_deref(),
            pre_auth: false,
            allow_partial_authorization: false,
            recurring: false,
            installment: false,
            mandate_id: None,
            series_fields: ("recurring", "installment"),
        }
        .to_wire()?;
        let mut body = Map::new();
        body.insert("TerminalId".into(), json!(terminal_id));
        body.insert("Payment".into(), payment);
        body.insert(
            "TransactionReference".into(),
            transaction_reference("transaction_id", &self.transaction_id)?,
        );
        Ok(body)
    }
}

impl RefundDirect {
    pub(crate) fn to_wire(&self, terminal_id: &str) -> Result<Map<String, Value>, Error> {
        require_positive("amount", &self.amount)?;
        validate::id("order_id", &self.order_id, 1, 80)?;
        let mut refund = Map::new();
        refund.insert("Amount".into(), amount_to_wire(&self.amount));
        refund.insert("OrderId".into(), json!(self.order_id));
        if let Some(description) = &self.description {
            validate::length("description", description, 1, 1000)?;
            refund.insert("Description".into(), json!(description));
        }
        if let Some(note) = &self.payer_note {
            validate::length("payer_note", note, 1, 50)?;
            refund.insert("PayerNote".into(), json!(note));
        }
        let mut body = Map::new();
        body.insert("TerminalId".into(), json!(terminal_id));
        body.insert("Refund".into(), Value::Object(refund));
        body.insert(
            "PaymentMeans".into(),
            self.payment_means.to_wire(
                "payment_means",
                "Transaction/RefundDirect",
                Accepts {
                    fields_token: false,
                    alias: true,
                    card: true,
                },
            )?,
        );
        Ok(body)
    }
}

crate::output_record! {
    /// An initialized transaction: when `redirect_required`, send the payer to `redirect_url`
    /// (card entry or 3-D Secure), then call `authorize_transaction` with `token`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct TransactionSession {
        /// Keep it: `authorize_transaction` needs it.
        pub token: String,
        /// After this (ISO 8601) the token is refused.
        pub expiration: Option<String>,
        /// Whether the payer must be sent to `redirect_url` before authorizing.
        pub redirect_required: bool,
        /// The page for the payer (present when `redirect_required`).
        pub redirect_url: Option<String>,
        /// Whether the payer enters the means of payment on that page.
        pub payment_means_required: Option<bool>,
        /// Whether a liability shift is possible (only when `payment_means` was given).
        pub liability_shift: Option<bool>,
        /// The provider's full answer.
        pub raw: Value,
    }
}

#[derive(Deserialize)]
pub(crate) struct WireRedirect {
    #[serde(rename = "RedirectUrl", default)]
    pub redirect_url: Option<String>,
    #[serde(
        rename = "PaymentMeansRequired",
        default,
        deserialize_with = "lenient::opt_bool_like"
    )]
    pub payment_means_required: Option<bool>,
}

#[derive(Deserialize)]
struct WireTransactionSession {
    #[serde(rename = "Token", deserialize_with = "lenient::string_like")]
    token: String,
    #[serde(
        rename = "Expiration",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    expiration: Option<String>,
    #[serde(
        rename = "RedirectRequired",
        default,
        deserialize_with = "lenient::opt_bool_like"
    )]
    redirect_required: Option<bool>,
    #[serde(rename = "Redirect", default)]
    redirect: Option<WireRedirect>,
    #[serde(
        rename = "LiabilityShift",
        default,
        deserialize_with = "lenient::opt_bool_like"
    )]
    liability_shift: Option<bool>,
}

pub(crate) fn transaction_session_from_wire(raw: Value) -> Result<TransactionSession, Error> {
    let wire: WireTransactionSession = typed(&raw)?;
    let redirect = wire.redirect;
    Ok(TransactionSession {
        token: wire.token,
        expiration: wire.expiration,
        redirect_required: wire.redirect_required.unwrap_or(false),
        redirect_url: redirect.as_ref().and_then(|r| r.redirect_url.clone()),
        payment_means_required: redirect.and_then(|r| r.payment_means_required),
        liability_shift: wire.liability_shift,
        raw,
    })
}

fn token_used(error: &Error) -> bool {
    error.code() == Some("TOKEN_INVALID")
}

impl Client {
    /// Starts a Transaction interface payment (Transaction/Initialize): 3-D Secure and, without
    /// `payment_means`, the card entry form run on Saferpay's page at `redirect_url`. Nothing is
    /// authorized yet: call [`authorize_transaction`](Client::authorize_transaction) once the
    /// payer is back. Harmless to repeat (a session whose answer was lost is known to nobody).
    pub async fn initialize_transaction(
        &self,
        request: InitializeTransaction,
    ) -> Result<TransactionSession, Error> {
        let terminal_id = self.resolve_terminal(request.terminal_id.as_deref())?;
        let body = request.to_wire(&terminal_id)?;
        self.spawn(move |client| async move {
            client
                .json_api(
                    JsonApiCall::new(
                        "saferpay.transaction.initialize",
                        "/Payment/v1/Transaction/Initialize",
                        Safety::Idempotent,
                        body,
                    ),
                    transaction_session_from_wire,
                )
                .await
        })
        .await
    }

    /// Authorizes an initialized transaction (Transaction/Authorize). Before the payer
    /// finished the redirect the provider refuses it.
    ///
    /// A token authorizes once ("TOKEN_INVALID … or was already used"), so an attempt that may
    /// have gone through is sent again; a repeat answered `TOKEN_INVALID` cannot tell the
    /// earlier result (nothing reads a transaction by its token), so the call then fails with
    /// `outcome_unknown`, to be settled with `inquire_by_order_id` and the order id given to
    /// `initialize_transaction`.
    pub async fn authorize_transaction(
        &self,
        request: AuthorizeTransaction,
    ) -> Result<Payment, Error> {
        let body = request.to_wire()?;
        self.spawn(move |client| async move {
            let call = JsonApiCall::new(
                "saferpay.transaction.authorize",
                "/Payment/v1/Transaction/Authorize",
                Safety::Idempotent,
                body,
            )
            .settle("inquire_by_order_id(the order id given to initialize_transaction)")
            .already_done(token_used);
            client.json_api(call, payment_from_wire).await
        })
        .await
    }

    /// Authorizes a payment without the payer (Transaction/AuthorizeDirect): a stored alias
    /// (a merchant-initiated payment), a Saferpay Fields token or card data. No 3-D Secure.
    ///
    /// Exactly once by `order_id`: after an attempt that may have gone through, Inquire by the
    /// order id decides (a `PAYMENT` of the same amount is the answer; none, and nothing can
    /// still be running, it is sent again; otherwise `outcome_unknown`).
    pub async fn authorize_direct(&self, request: AuthorizeDirect) -> Result<Payment, Error> {
        let terminal_id = self.resolve_terminal(request.terminal_id.as_deref())?;
        let body = request.to_wire(&terminal_id)?;
        self.reconciled_payment(
            "saferpay.transaction.authorize_direct",
            "/Payment/v1/Transaction/AuthorizeDirect",
            body,
            request.order_id,
            request.amount,
            TransactionType::Payment,
        )
        .await
    }

    /// A follow-up authorization of an initial recurring or installment payment
    /// (Transaction/AuthorizeReferenced); exactly once by `order_id`, like `authorize_direct`.
    pub async fn authorize_referenced(
        &self,
        request: AuthorizeReferenced,
    ) -> Result<Payment, Error> {
        let terminal_id = self.resolve_terminal(request.terminal_id.as_deref())?;
        let body = request.to_wire(&terminal_id)?;
        self.reconciled_payment(
            "saferpay.transaction.authorize_referenced",
            "/Payment/v1/Transaction/AuthorizeReferenced",
            body,
            request.order_id,
            request.amount,
            TransactionType::Payment,
        )
        .await
    }

    /// Refunds to a means of payment without a previous transaction (Transaction/RefundDirect).
    /// Like `refund`, the answer is a `REFUND` transaction to capture. Exactly once by
    /// `order_id`.
    pub async fn refund_direct(&self, request: RefundDirect) -> Result<Payment, Error> {
        let terminal_id = self.resolve_terminal(request.terminal_id.as_deref())?;
        let body = request.to_wire(&terminal_id)?;
        self.reconciled_payment(
            "saferpay.transaction.refund_direct",
            "/Payment/v1/Transaction/RefundDirect",
            body,
            request.order_id,
            request.amount,
            TransactionType::Refund,
        )
        .await
    }

    async fn reconciled_payment(
        &self,
        operation: &'static str,
        path: &'static str,
        body: Map<String, Value>,
        order_id: String,
        amount: Money,
        kind: TransactionType,
    ) -> Result<Payment, Error> {
        self.spawn(move |client| async move {
            let call = JsonApiCall::new(operation, path, Safety::Reconcilable, body)
                .settle(format!("inquire_by_order_id({order_id:?})"));
            let lookup = || client.existing_by_order_id(&order_id, &amount, kind.clone());
            client
                .json_api_with(call, payment_from_wire, Some(lookup))
                .await
        })
        .await
    }

    /// The transaction an earlier attempt made, found by its order id.
    async fn existing_by_order_id(
        &self,
        order_id: &str,
        amount: &Money,
        kind: TransactionType,
    ) -> Lookup<Payment> {
        let mut body = Map::new();
        body.insert(
            "TransactionReference".into(),
            order_reference("order_id", order_id)?,
        );
        let call = JsonApiCall::new(
            "saferpay.transaction.inquire",
            "/Payment/v1/Transaction/Inquire",
            Safety::Read,
            body,
        );
        match self.json_api(call, payment_from_wire).await {
            Ok(payment) => {
                let t = &payment.transaction;
                if t.transaction_type == kind && t.amount == *amount {
                    Ok(Some(payment))
                } else {
                    Err(Error::new(
                        ErrorKind::Conflict,
                        format!(
                            "order id {order_id:?} belongs to a {} of {} (transaction {}), not to \
                             this {} of {amount}: give every authorization and refund its own \
                             order id",
                            t.transaction_type.as_str(),
                            t.amount,
                            t.id,
                            kind.as_str(),
                        ),
                    )
                    .with_provider(Provider::Saferpay))
                }
            }
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl Payment {
    /// Whether the liability for this payment shifted to the card issuer (3-D Secure): decide
    /// on it before capturing. `false` when the answer carries no liability information.
    pub fn liability_shifted(&self) -> bool {
        self.liability.as_ref().is_some_and(|l| l.liability_shift)
    }
}
