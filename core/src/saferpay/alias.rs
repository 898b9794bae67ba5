//! Secure Card Data (the alias store): Alias/Insert with its hosted register form and
//! AssertInsert, InsertDirect, Update, Inquire, Delete; and Batch/Close.
//!
//! Exactly once: an alias inserted directly gets an id the call chooses (`MANUAL`, generated
//! as `pw-al-…` when the caller gives no `register_alias`), so a lost answer is settled with
//! Alias/Inquire by that id. An alias whose id Saferpay generates (`RANDOM`, `RANDOM_UNIQUE`)
//! has no key: an attempt that may have arrived is not sent again (`outcome_unknown`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::Client;
use super::direct::{Accepts, PaymentMeansInput, WireRedirect};
use super::json_api::JsonApiCall;
use super::management::typed;
use super::payment_page::RegisterAlias;
use super::transaction::{PaymentMeans, PaymentMethod, payment_means_from_wire};
use crate::error::{Error, ErrorKind};
use crate::http::{Lookup, Safety};
use crate::lenient;
use crate::validate;

const MAX_URL: usize = 2000;
/// `Alias/Insert` `Type`.
const ALIAS_TYPES: &[&str] = &["CARD", "BANK_ACCOUNT", "POSTFINANCEPAY", "TWINT", "PAYPAL"];
/// `Alias/Insert` `PaymentMethods`: "AMEX, DINERS, DIRECTDEBIT, JCB, MAESTRO, MASTERCARD, VISA".
const INSERT_METHODS: &[&str] = &[
    "AMEX",
    "DINERS",
    "DIRECTDEBIT",
    "JCB",
    "MAESTRO",
    "MASTERCARD",
    "VISA",
];

crate::operation_input! {
    /// What `insert_alias` takes.
    pub struct InsertAlias {
        /// Where the payer returns from the register form (at most 2000 characters).
        pub return_url: String,
        /// How the alias id is made; Saferpay picks one (`RANDOM`) when not given.
        pub register_alias: Option<RegisterAlias> = null,
        /// `CARD`, `BANK_ACCOUNT`, `POSTFINANCEPAY`, `TWINT` or `PAYPAL` (the spec's `Type`).
        pub payment_means_type: String = "CARD",
        /// Restricts the form: AMEX, DINERS, DIRECTDEBIT, JCB, MAESTRO, MASTERCARD, VISA.
        pub payment_methods: Vec<PaymentMethod> = [],
        /// The form's language (`de`, `fr-CH` …).
        pub language_code: Option<String> = null,
        /// Called (GET) when the registration is done.
        pub notify_url: Option<String> = null,
    }
}

crate::operation_input! {
    /// What `assert_alias_insert` takes.
    pub struct AssertAliasInsert {
        /// The token `insert_alias` returned.
        pub token: String,
    }
}

crate::operation_input! {
    /// What `insert_alias_direct` takes.
    pub struct InsertAliasDirect {
        /// Card data (PCI-certified merchants only).
        #[serde(deserialize_with = "crate::input::map_only")]
        pub payment_means: PaymentMeansInput,
        /// Without it the alias id is generated here (`MANUAL`, `pw-al-…`), which lets a lost
        /// answer be settled; with `RANDOM` a lost answer ends `outcome_unknown`.
        pub register_alias: Option<RegisterAlias> = null,
    }
}

crate::operation_input! {
    /// What `update_alias` takes.
    pub struct UpdateAlias {
        pub alias_id: String,
        /// The card's new expiry month, 1 to 12.
        pub exp_month: u32,
        /// The card's new expiry year, 2000 to 9999.
        pub exp_year: u32,
        /// Days, 1 to 1600.
        pub lifetime: Option<u32> = null,
    }
}

crate::operation_input! {
    /// What `inquire_alias` takes.
    pub struct InquireAlias {
        pub alias_id: String,
    }
}

crate::operation_input! {
    /// What `delete_alias` takes.
    pub struct DeleteAlias {
        pub alias_id: String,
    }
}

crate::operation_input! {
    /// What `close_batch` takes.
    pub struct CloseBatch {
        /// Defaults to the client's terminal.
        pub terminal_id: Option<String> = null,
    }
}

fn lifetime(field: &str, days: u32) -> Result<(), Error> {
    if !(1..=1600).contains(&days) {
        return Err(Error::validation(
            field,
            format!("must be 1 to 1600 days (got {days})"),
        ));
    }
    Ok(())
}

/// A language code as the spec formats it: ISO 639-1, optionally `-` and ISO 3166-1 alpha-2.
/// An unsupported language falls back to the default at the provider, so any well-formed code
/// is accepted.
pub(crate) fn language_code(field: &str, code: &str) -> Result<(), Error> {
    let bytes = code.as_bytes();
    let well_formed = match bytes.len() {
        2 => bytes.iter().all(u8::is_ascii_lowercase),
        5 => {
            bytes[..2].iter().all(u8::is_ascii_lowercase)
                && bytes[2] == b'-'
                && bytes[3..].iter().all(u8::is_ascii_uppercase)
        }
        _ => false,
    };
    if !well_formed {
        return Err(Error::validation(
            field,
            "must be a language code like de or de-CH",
        ));
    }
    Ok(())
}

impl InsertAlias {
    pub(crate) fn to_wire(&self) -> Result<Map<String, Value>, Error> {
        let mut body = Map::new();
        let register = self
            .register_alias
            .clone()
            .unwrap_or_else(RegisterAlias::random);
        body.insert("RegisterAlias".into(), register.to_wire("register_alias")?);
        validate::one_of("payment_means_type", &self.payment_means_type, ALIAS_TYPES)?;
        body.insert("Type".into(), json!(self.payment_means_type));
        validate::url("return_url", &self.return_url, false, MAX_URL)?;
        body.insert("ReturnUrl".into(), json!({"Url": self.return_url}));
        if !self.payment_methods.is_empty() {
            let mut methods = Vec::with_capacity(self.payment_methods.len());
            for (i, method) in self.payment_methods.iter().enumerate() {
                validate::one_of(
                    &format!("payment_methods[{i}]"),
                    method.as_str(),
                    INSERT_METHODS,
                )?;
                methods.push(json!(method.as_str()));
            }
            body.insert("PaymentMethods".into(), Value::Array(methods));
        }
        if let Some(code) = &self.language_code {
            language_code("language_code", code)?;
            body.insert("LanguageCode".into(), json!(code));
        }
        if let Some(url) = &self.notify_url {
            validate::url("notify_url", url, false, MAX_URL)?;
            body.insert("Notification".into(), json!({"NotifyUrl": url}));
        }
        Ok(body)
    }
}

/// A fresh alias id (`Id[1..40]`) for a direct insert the caller left to us.
pub(crate) fn new_alias_id() -> String {
    format!("pw-al-{}", uuid::Uuid::new_v4().simple())
}

impl InsertAliasDirect {
    /// The body and the alias id the call reconciles by (`None` for a generated id).
    pub(crate) fn to_wire(&self) -> Result<(Map<String, Value>, Option<String>), Error> {
        let register = match &self.register_alias {
            Some(register) => register.clone(),
            None => RegisterAlias {
                id_generator: "MANUAL".into(),
                id: Some(new_alias_id()),
                lifetime: None,
            },
        };
        let wire = register.to_wire("register_alias")?;
        let key = (register.id_generator == "MANUAL")
            .then(|| register.id.clone())
            .flatten();
        let mut body = Map::new();
        body.insert(
            "PaymentMeans".into(),
            self.payment_means.to_wire(
                "payment_means",
                "Alias/InsertDirect",
                Accepts {
                    fields_token: false,
                    alias: false,
                    card: true,
                },
            )?,
        );
        body.insert("RegisterAlias".into(), wire);
        Ok((body, key))
    }
}

impl UpdateAlias {
    pub(crate) fn to_wire(&self) -> Result<Map<String, Value>, Error> {
        validate::id("alias_id", &self.alias_id, 1, 40)?;
        if !(1..=12).contains(&self.exp_month) {
            return Err(Error::validation(
                "exp_month",
                format!("must be 1 to 12 (got {})", self.exp_month),
            ));
        }
        if !(2000..=9999).contains(&self.exp_year) {
            return Err(Error::validation(
                "exp_year",
                format!("must be 2000 to 9999 (got {})", self.exp_year),
            ));
        }
        let mut update = Map::new();
        update.insert("Id".into(), json!(self.alias_id));
        if let Some(days) = self.lifetime {
            lifetime("lifetime", days)?;
            update.insert("Lifetime".into(), json!(days));
        }
        let mut body = Map::new();
        // The spec's table and container name it `UpdateAlias`; its example says
        // `AliasUpdate`. The table is normative.
        body.insert("UpdateAlias".into(), Value::Object(update));
        body.insert(
            "UpdatePaymentMeans".into(),
            json!({"Card": {"ExpYear": self.exp_year, "ExpMonth": self.exp_month}}),
        );
        Ok(body)
    }
}

fn alias_id_body(alias_id: &str) -> Result<Map<String, Value>, Error> {
    validate::id("alias_id", alias_id, 1, 40)?;
    let mut body = Map::new();
    body.insert("AliasId".into(), json!(alias_id));
    Ok(body)
}

crate::output_record! {
    /// An opened alias registration: send the payer to `redirect_url`, then call
    /// `assert_alias_insert` with `token`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct AliasSession {
        pub token: String,
        /// After this (ISO 8601) the token is refused.
        pub expiration: Option<String>,
        pub redirect_required: bool,
        /// The register form for the payer.
        pub redirect_url: Option<String>,
        /// The provider's full answer.
        pub raw: Value,
    }
}

crate::output_record! {
    /// A stored means of payment (Secure Card Data).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct Alias {
        /// Use it as `payment_means={"alias_id": …}`.
        pub id: String,
        /// Days it is stored (1 to 1600).
        pub lifetime: Option<i64>,
        /// The card or account behind it (masked).
        pub payment_means: PaymentMeans,
        /// The provider's full answer.
        pub raw: Value,
    }
}

#[derive(Deserialize)]
struct WireAliasSession {
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
}

pub(crate) fn alias_session_from_wire(raw: Value) -> Result<AliasSession, Error> {
    let wire: WireAliasSession = typed(&raw)?;
    let redirect_url = wire.redirect.and_then(|r| r.redirect_url);
    Ok(AliasSession {
        token: wire.token,
        expiration: wire.expiration,
        redirect_required: wire.redirect_required.unwrap_or(redirect_url.is_some()),
        redirect_url,
        raw,
    })
}

#[derive(Deserialize)]
struct WireAliasInfo {
    #[serde(rename = "Id", deserialize_with = "lenient::string_like")]
    id: String,
    #[serde(
        rename = "Lifetime",
        default,
        deserialize_with = "lenient::opt_i64_like"
    )]
    lifetime: Option<i64>,
}

#[derive(Deserialize)]
struct WireAliasAnswer {
    #[serde(rename = "Alias")]
    alias: WireAliasInfo,
}

pub(crate) fn alias_from_wire(raw: Value) -> Result<Alias, Error> {
    let wire: WireAliasAnswer = typed(&raw)?;
    let payment_means = payment_means_from_wire(raw.get("PaymentMeans"))?;
    Ok(Alias {
        id: wire.alias.id,
        lifetime: wire.alias.lifetime,
        payment_means,
        raw,
    })
}

/// Alias/Delete and Alias/Inquire answer `ALIAS_INVALID` for an unknown alias.
fn alias_unknown(error: &Error) -> bool {
    error.code() == Some("ALIAS_INVALID") || error.kind() == ErrorKind::NotFound
}

impl Client {
    /// Opens the hosted register form (Alias/Insert); harmless to repeat, like a payment page.
    pub async fn insert_alias(&self, request: InsertAlias) -> Result<AliasSession, Error> {
        let body = request.to_wire()?;
        self.spawn(move |client| async move {
            client
                .json_api(
                    JsonApiCall::new(
                        "saferpay.alias.insert",
                        "/Payment/v1/Alias/Insert",
                        Safety::Idempotent,
                        body,
                    ),
                    alias_session_from_wire,
                )
                .await
        })
        .await
    }

    /// The alias the payer registered on the form (Alias/AssertInsert).
    pub async fn assert_alias_insert(&self, token: &str) -> Result<Alias, Error> {
        validate::id("token", token, 1, 50)?;
        let mut body = Map::new();
        body.insert("Token".into(), json!(token));
        self.spawn(move |client| async move {
            client
                .json_api(
                    JsonApiCall::new(
                        "saferpay.alias.assert_insert",
                        "/Payment/v1/Alias/AssertInsert",
                        Safety::Read,
                        body,
                    ),
                    alias_from_wire,
                )
                .await
        })
        .await
    }

    /// Stores card data as an alias (Alias/InsertDirect). With an id chosen here (the
    /// default) a lost answer is settled with Alias/Inquire; with `RANDOM` it is not sent again.
    pub async fn insert_alias_direct(&self, request: InsertAliasDirect) -> Result<Alias, Error> {
        let (body, key) = request.to_wire()?;
        self.spawn(move |client| async move {
            let settle = match &key {
                Some(id) => format!("inquire_alias({id:?})"),
                None => "the Saferpay Backoffice (an alias with a generated id has no key to \
                         look it up by)"
                    .to_owned(),
            };
            let call = JsonApiCall::new(
                "saferpay.alias.insert_direct",
                "/Payment/v1/Alias/InsertDirect",
                Safety::Reconcilable,
                body,
            )
            .settle(settle);
            match key {
                Some(id) => {
                    let lookup = || client.existing_alias(&id);
                    client
                        .json_api_with(call, alias_from_wire, Some(lookup))
                        .await
                }
                None => client.json_api(call, alias_from_wire).await,
            }
        })
        .await
    }

    async fn existing_alias(&self, alias_id: &str) -> Lookup<Alias> {
        match self.inquire_alias_body(alias_id_body(alias_id)?).await {
            Ok(alias) => Ok(Some(alias)),
            Err(e) if alias_unknown(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Changes an alias' card expiry and lifetime (Alias/Update); setting values, so repeating
    /// it is harmless.
    pub async fn update_alias(&self, request: UpdateAlias) -> Result<Alias, Error> {
        let body = request.to_wire()?;
        self.spawn(move |client| async move {
            client
                .json_api(
                    JsonApiCall::new(
                        "saferpay.alias.update",
                        "/Payment/v1/Alias/Update",
                        Safety::Idempotent,
                        body,
                    ),
                    alias_from_wire,
                )
                .await
        })
        .await
    }

    /// The alias' current details (Alias/Inquire).
    pub async fn inquire_alias(&self, alias_id: &str) -> Result<Alias, Error> {
        let body = alias_id_body(alias_id)?;
        self.spawn(move |client| async move { client.inquire_alias_body(body).await })
            .await
    }

    async fn inquire_alias_body(&self, body: Map<String, Value>) -> Result<Alias, Error> {
        self.json_api(
            JsonApiCall::new(
                "saferpay.alias.inquire",
                "/Payment/v1/Alias/Inquire",
                Safety::Read,
                body,
            ),
            alias_from_wire,
        )
        .await
    }

    /// Deletes an alias (Alias/Delete). After an attempt that may have deleted it, "unknown
    /// alias" means done.
    pub async fn delete_alias(&self, alias_id: &str) -> Result<(), Error> {
        let body = alias_id_body(alias_id)?;
        self.spawn(move |client| async move {
            let call = JsonApiCall::new(
                "saferpay.alias.delete",
                "/Payment/v1/Alias/Delete",
                Safety::Idempotent,
                body,
            )
            .already_done(alias_unknown);
            let lookup = || async { Ok(Some(())) };
            client.json_api_with(call, |_| Ok(()), Some(lookup)).await
        })
        .await
    }

    /// Closes the terminal's batch (Batch/Close), for terminals whose automatic closure is off.
    /// A closed batch stays closed, so repeating it is harmless.
    pub async fn close_batch(&self, terminal_id: Option<&str>) -> Result<(), Error> {
        let terminal_id = self.resolve_terminal(terminal_id)?;
        let mut body = Map::new();
        body.insert("TerminalId".into(), json!(terminal_id));
        self.spawn(move |client| async move {
            client
                .json_api(
                    JsonApiCall::new(
                        "saferpay.batch.close",
                        "/Payment/v1/Batch/Close",
                        Safety::Idempotent,
                        body,
                    ),
                    |_| Ok(()),
                )
                .await
        })
        .await
    }
}
