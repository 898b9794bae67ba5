//! `SekurePayClient`: orders (totals computed and checked by the core).

use napi_derive::napi;
use paywire::sekurepay as core;
use serde_json::Value;

use crate::cancel::{CancelToken, guarded};
use crate::convert;
use crate::errors::{self, Result};
use crate::saferpay::{ClientEnvOptions, RequestOverrides};
use crate::saferpay_payments::overrides;
use crate::{operations, results};

/// Constructor options of `SekurePayClient`.
#[napi(object)]
#[derive(Default)]
pub struct SekurePayClientOptions {
    pub api_key: Option<String>,
    /// E.g. the sandbox's `http://127.0.0.1:PORT/sekurepay/api/v1`.
    pub base_url: Option<String>,
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<f64>,
    /// An HTTP proxy for every request (`http://[user:password@]host:port`, HTTPS tunnelled
    /// with CONNECT), except the hosts `NO_PROXY` names; `"none"` connects directly. Unset,
    /// the standard `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` variables apply.
    pub proxy: Option<String>,
    /// Extra trusted root certificates, PEM, added to the public roots.
    pub ca_certificates: Option<String>,
}

/// One order line: integer cents, quantity (default 1).
#[napi(object)]
#[allow(dead_code)] // declared for the generated TypeScript; lines cross as JSON
pub struct SekurePayOrderItem {
    pub description: String,
    pub amount_cents: f64,
    pub quantity: Option<f64>,
}

/// One tax line in integer cents.
#[napi(object)]
#[allow(dead_code)] // declared for the generated TypeScript; lines cross as JSON
pub struct SekurePayTax {
    pub description: String,
    pub amount_cents: f64,
}

/// Async SekurePay client (native part; use the `SekurePayClient` exported by `paywire`).
#[napi]
pub struct SekurePayClient {
    pub(crate) inner: core::Client,
}

impl SekurePayClient {
    pub(crate) fn from_builder(
        builder: core::ClientBuilder,
        timeout_ms: Option<f64>,
        max_retries: Option<f64>,
    ) -> Result<SekurePayClient> {
        let mut builder = builder;
        if let Some(ms) = timeout_ms {
            builder = builder.timeout(convert::millis("timeout_ms", ms)?);
        }
        if let Some(n) = max_retries {
            builder = builder.max_retries(convert::uint("max_retries", n)?);
        }
        Ok(SekurePayClient {
            inner: builder.build()?,
        })
    }

    fn view(&self, o: Option<RequestOverrides>) -> Result<core::Client> {
        Ok(match overrides(o)? {
            Some(options) => self.inner.with_options(options),
            None => self.inner.clone(),
        })
    }
}

#[napi]
impl SekurePayClient {
    #[napi(constructor)]
    pub fn new(options: Option<SekurePayClientOptions>) -> napi::Result<SekurePayClient> {
        let o = options.unwrap_or_default();
        let mut builder = core::Client::builder();
        if let Some(v) = o.api_key {
            builder = builder.api_key(v);
        }
        if let Some(v) = o.base_url {
            builder = builder.base_url(v);
        }
        if let Some(v) = o.proxy {
            builder = builder.proxy(v);
        }
        if let Some(v) = o.ca_certificates {
            builder = builder.ca_certificates(v);
        }
        errors::napi_result(SekurePayClient::from_builder(
            builder,
            o.timeout_ms,
            o.max_retries,
        ))
    }

    /// Reads `SEKUREPAY_API_KEY` and `SEKUREPAY_BASE_URL`.
    #[napi(factory)]
    pub fn from_env(options: Option<ClientEnvOptions>) -> napi::Result<SekurePayClient> {
        let o = options.unwrap_or_default();
        errors::napi_result(
            core::Client::builder_from_env()
                .and_then(|b| SekurePayClient::from_builder(b, o.timeout_ms, o.max_retries)),
        )
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// Runs the table row `name` (`create_order`, …) with its parameters as one object; the
    /// JS methods generated from the table call this.
    #[napi(ts_return_type = "Promise<unknown>")]
    pub async fn call(
        &self,
        name: String,
        input: Option<Value>,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            let row = operations::row("sekurepay", &name)?;
            let input = operations::input_json(row, input.unwrap_or(Value::Null));
            let client = self.view(overrides)?;
            core::operations::call_json(&client, &name, input)
                .await
                .map(results::camel_keys)
        })
        .await
    }
}
