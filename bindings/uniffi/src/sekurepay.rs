//! `SekurePayClient` (async) and `BlockingSekurePayClient`: orders whose totals the core
//! computes and checks. The API key goes in through the constructor only. The operations of
//! SekurePay's table are generated into `crate::operations`.

use std::sync::Arc;

use paywire::sekurepay as core;

use crate::convert;
use crate::error::{Result, guard};
use crate::money::{Money, opt_money};

fn one() -> i64 {
    1
}

/// One order line: `amount_cents` per unit (minor units of the order currency).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct SekurePayOrderItem {
    pub description: String,
    pub amount_cents: i64,
    #[uniffi(default = 1)]
    #[serde(default = "one")]
    pub quantity: i64,
}

/// One tax line.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, uniffi::Record)]
#[serde(deny_unknown_fields)]
pub struct SekurePayTax {
    pub description: String,
    pub amount_cents: i64,
}

/// Order lines from snake_case JSON (`[{"description": "Widget", "amount_cents": 500, "quantity": 2}]`),
/// decoded by the core so a wrong key names its path (`items[0].price`).
#[uniffi::export(default(field = "items"))]
pub fn sekurepay_items_from_json(json: String, field: String) -> Result<Vec<SekurePayOrderItem>> {
    guard(|| crate::convert::from_json_text(&json, &field))
}

/// Tax lines from snake_case JSON.
#[uniffi::export(default(field = "taxes"))]
pub fn sekurepay_taxes_from_json(json: String, field: String) -> Result<Vec<SekurePayTax>> {
    guard(|| crate::convert::from_json_text(&json, &field))
}

/// A SekurePay order as read back.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SekurePayOrder {
    /// The merchant order id (the key for `getOrder`).
    pub id: String,
    pub status: Option<String>,
    pub currency: Option<String>,
    pub sub_total: Option<Money>,
    pub shipping: Option<Money>,
    pub taxes_total: Option<Money>,
    pub total: Option<Money>,
    pub created_at: Option<String>,
    pub raw: String,
}

impl From<core::Order> for SekurePayOrder {
    fn from(o: core::Order) -> Self {
        SekurePayOrder {
            id: o.id,
            status: o.status,
            currency: o.currency.map(|c| c.code().to_owned()),
            sub_total: opt_money(o.sub_total),
            shipping: opt_money(o.shipping),
            taxes_total: opt_money(o.taxes_total),
            total: opt_money(o.total),
            created_at: o.created_at,
            raw: o.raw.to_string(),
        }
    }
}

pub(crate) fn build_client(
    api_key: String,
    base_url: Option<String>,
    timeout: Option<f64>,
    max_retries: Option<i32>,
    connection: convert::Connection,
) -> Result<core::Client> {
    crate::init_logging();
    let mut builder =
        core::Client::builder()
            .api_key(api_key)
            .options(convert::client_options_with(
                timeout,
                max_retries,
                &connection,
            )?);
    if let Some(base_url) = base_url {
        builder = builder.base_url(base_url);
    }
    Ok(builder.build()?)
}

/// SekurePay orders.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct SekurePayClient {
    pub(crate) client: core::Client,
}

impl std::fmt::Debug for SekurePayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.client.fmt(f)
    }
}

impl SekurePayClient {
    pub(crate) fn wrap(client: core::Client) -> Arc<SekurePayClient> {
        Arc::new(SekurePayClient { client })
    }
}

#[uniffi::export]
impl SekurePayClient {
    /// `proxy` (`http://host:port`, or `"none"` to ignore `HTTPS_PROXY`) and `ca_certificates`
    /// (extra PEM roots) as on the other clients.
    #[uniffi::constructor(default(
        base_url = None,
        timeout = None,
        max_retries = None,
        proxy = None,
        ca_certificates = None
    ))]
    pub fn new(
        api_key: String,
        base_url: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<i32>,
        proxy: Option<String>,
        ca_certificates: Option<String>,
    ) -> Result<Arc<Self>> {
        guard(|| {
            Ok(SekurePayClient::wrap(build_client(
                api_key,
                base_url,
                timeout,
                max_retries,
                convert::Connection {
                    proxy,
                    ca_certificates,
                    ..convert::Connection::default()
                },
            )?))
        })
    }

    /// Reads `SEKUREPAY_API_KEY` and `SEKUREPAY_BASE_URL`.
    #[uniffi::constructor]
    pub fn from_env() -> Result<Arc<Self>> {
        guard(|| {
            crate::init_logging();
            Ok(SekurePayClient::wrap(core::Client::from_env()?))
        })
    }

    #[uniffi::method(default(timeout = None, max_retries = None))]
    pub fn with_options(
        &self,
        timeout: Option<f64>,
        max_retries: Option<i32>,
    ) -> Result<Arc<SekurePayClient>> {
        guard(|| {
            let options = convert::request_options(timeout, max_retries, None, None)?;
            Ok(SekurePayClient::wrap(self.client.with_options(options)))
        })
    }

    pub fn blocking(&self) -> Arc<BlockingSekurePayClient> {
        Arc::new(BlockingSekurePayClient {
            client: paywire::blocking::SekurePayClient::new(self.client.clone()),
        })
    }

    pub fn base_url(&self) -> String {
        self.client.base_url().to_owned()
    }
}

/// SekurePay with blocking methods.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct BlockingSekurePayClient {
    pub(crate) client: paywire::blocking::SekurePayClient,
}

impl std::fmt::Debug for BlockingSekurePayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.client.async_client().fmt(f)
    }
}

#[uniffi::export]
impl BlockingSekurePayClient {
    /// `proxy` (`http://host:port`, or `"none"` to ignore `HTTPS_PROXY`) and `ca_certificates`
    /// (extra PEM roots) as on the other clients.
    #[uniffi::constructor(default(
        base_url = None,
        timeout = None,
        max_retries = None,
        proxy = None,
        ca_certificates = None
    ))]
    pub fn new(
        api_key: String,
        base_url: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<i32>,
        proxy: Option<String>,
        ca_certificates: Option<String>,
    ) -> Result<Arc<Self>> {
        guard(|| {
            Ok(Arc::new(BlockingSekurePayClient {
                client: paywire::blocking::SekurePayClient::new(build_client(
                    api_key,
                    base_url,
                    timeout,
                    max_retries,
                    convert::Connection {
                        proxy,
                        ca_certificates,
                        ..convert::Connection::default()
                    },
                )?),
            }))
        })
    }

    #[uniffi::constructor]
    pub fn from_env() -> Result<Arc<Self>> {
        guard(|| {
            crate::init_logging();
            Ok(Arc::new(BlockingSekurePayClient {
                client: paywire::blocking::SekurePayClient::from_env()?,
            }))
        })
    }

    pub fn async_client(&self) -> Arc<SekurePayClient> {
        SekurePayClient::wrap(self.client.async_client().clone())
    }
}
