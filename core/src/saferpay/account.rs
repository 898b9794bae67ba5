//! Account queries: license, terminals, payment page configurations.

use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Client;
use super::management::{ManagementCall, segment, typed};
use crate::error::Error;
use crate::lenient;
use crate::validate;

/// The customer's license package and features.
#[derive(Clone, Debug, Serialize)]
pub struct License {
    pub package_id: String,
    pub package_name: String,
    pub features: Vec<Feature>,
    pub raw: Value,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Feature {
    pub id: String,
    pub name: String,
}

#[derive(Deserialize)]
struct WireLicense {
    #[serde(rename = "Package")]
    package: WireNamed,
    #[serde(
        rename = "Features",
        default,
        deserialize_with = "lenient::vec_or_empty"
    )]
    features: Vec<WireNamed>,
}

#[derive(Deserialize)]
struct WireNamed {
    #[serde(rename = "Id", deserialize_with = "lenient::string_like")]
    id: String,
    #[serde(rename = "DisplayName", default)]
    display_name: String,
}

pub(crate) fn license_from_wire(raw: Value) -> Result<License, Error> {
    let wire: WireLicense = typed(&raw)?;
    Ok(License {
        package_id: wire.package.id,
        package_name: wire.package.display_name,
        features: wire
            .features
            .into_iter()
            .map(|f| Feature {
                id: f.id,
                name: f.display_name,
            })
            .collect(),
        raw,
    })
}

/// A terminal. The list call fills only id, type and description.
#[derive(Clone, Debug, Serialize)]
pub struct Terminal {
    pub terminal_id: String,
    /// `ECOM`, `SPG`, `MPO` (or a newer value).
    #[serde(rename = "type")]
    pub terminal_type: String,
    pub description: Option<String>,
    pub payment_methods: Vec<PaymentMethodInfo>,
    pub wallets: Vec<WalletInfo>,
    pub raw: Value,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PaymentMethodInfo {
    pub payment_method: String,
    pub currencies: Vec<String>,
    pub logo_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WalletInfo {
    pub wallet_name: String,
    pub logo_url: Option<String>,
}

#[derive(Deserialize)]
struct WireTerminal {
    #[serde(
        rename = "TerminalId",
        default,
        deserialize_with = "lenient::opt_string_like"
    )]
    terminal_id: Option<String>,
    #[serde(rename = "Type", default)]
    terminal_type: Option<String>,
    #[serde(rename = "Description", default)]
    description: Option<String>,
    #[serde(
        rename = "PaymentMethods",
        default,
        deserialize_with = "lenient::vec_or_empty"
    )]
    payment_methods: Vec<WirePaymentMethod>,
    #[serde(
        rename = "Wallets",
        default,
        deserialize_with = "lenient::vec_or_empty"
    )]
    wallets: Vec<WireWallet>,
}

#[derive(Deserialize)]
struct WirePaymentMethod {
    #[serde(rename = "PaymentMethod", default)]
    payment_method: String,
    #[serde(
        rename = "Currencies",
        default,
        deserialize_with = "lenient::vec_or_empty"
    )]
    currencies: Vec<String>,
    #[serde(rename = "LogoUrl", default)]
    logo_url: Option<String>,
}

#[derive(Deserialize)]
struct WireWallet {
    #[serde(rename = "WalletName", default)]
    wallet_name: String,
    #[serde(rename = "LogoUrl", default)]
    logo_url: Option<String>,
}

pub(crate) fn terminal_from_wire(raw: Value) -> Result<Terminal, Error> {
    let wire: WireTerminal = typed(&raw)?;
    Ok(Terminal {
        terminal_id: wire.terminal_id.unwrap_or_default(),
        terminal_type: wire.terminal_type.unwrap_or_default(),
        description: wire.description,
        payment_methods: wire
            .payment_methods
            .into_iter()
            .map(|m| PaymentMethodInfo {
                payment_method: m.payment_method,
                currencies: m.currencies,
                logo_url: m.logo_url,
            })
            .collect(),
        wallets: wire
            .wallets
            .into_iter()
            .map(|w| WalletInfo {
                wallet_name: w.wallet_name,
                logo_url: w.logo_url,
            })
            .collect(),
        raw,
    })
}

pub(crate) fn terminals_from_wire(raw: Value) -> Result<Vec<Terminal>, Error> {
    let items = lenient::get_ci(&raw, "Terminals")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    items.into_iter().map(terminal_from_wire).collect()
}

/// A payment page configuration (`ConfigSet` name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PaymentPageConfiguration {
    pub name: String,
    pub is_default: bool,
    pub description: Option<String>,
}

/// The provider's example uses lowercase keys here, so keys are matched case-insensitively.
pub(crate) fn configurations_from_wire(raw: &Value) -> Vec<PaymentPageConfiguration> {
    lenient::get_ci(raw, "Configurations")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|item| PaymentPageConfiguration {
                    name: lenient::text(lenient::get_ci(item, "Name")).unwrap_or_default(),
                    is_default: lenient::get_ci(item, "IsDefault")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    description: lenient::text(lenient::get_ci(item, "Description")),
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Client {
    async fn get(
        &self,
        operation: &'static str,
        path: String,
        since: &'static str,
    ) -> Result<Value, Error> {
        self.spawn(move |client| async move {
            client
                .management(ManagementCall::new(operation, Method::GET, path, since))
                .await
        })
        .await
    }

    /// The license package and its features.
    pub async fn license(&self) -> Result<License, Error> {
        license_from_wire(
            self.get("saferpay.license", "/license".into(), "1.35")
                .await?,
        )
    }

    /// The deprecated `/license-configuration` endpoint (same answer as [`Client::license`]).
    pub async fn license_configuration(&self) -> Result<License, Error> {
        license_from_wire(
            self.get(
                "saferpay.license_configuration",
                "/license-configuration".into(),
                "1.31",
            )
            .await?,
        )
    }

    /// All terminals of the customer (id, type, description).
    pub async fn terminals(&self) -> Result<Vec<Terminal>, Error> {
        terminals_from_wire(
            self.get("saferpay.terminals", "/terminals".into(), "1.32")
                .await?,
        )
    }

    /// One terminal with its payment methods and wallets.
    pub async fn terminal(&self, terminal_id: &str) -> Result<Terminal, Error> {
        validate::numeric("terminal_id", terminal_id, 1, 8)?;
        terminal_from_wire(
            self.get(
                "saferpay.terminal",
                format!("/terminals/{}", segment(terminal_id)),
                "1.32",
            )
            .await?,
        )
    }

    /// The payment page configurations (valid `config_set` names).
    pub async fn payment_page_configurations(
        &self,
    ) -> Result<Vec<PaymentPageConfiguration>, Error> {
        let raw = self
            .get(
                "saferpay.payment_page.configurations",
                "/payment-page/configurations".into(),
                "1.52",
            )
            .await?;
        Ok(configurations_from_wire(&raw))
    }
}
