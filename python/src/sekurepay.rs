//! `SekurePayClient` / `AsyncSekurePayClient` and the `SekurePayOrder` result.

use pyo3::prelude::*;
use pyo3::types::PyType;

use paywire::sekurepay as core;

use crate::bridge;
use crate::client::{dual_client, request_options};
use crate::convert;
use crate::errors;
use crate::money::Money;
use crate::record::record;

record! {
    /// A SekurePay order as the provider answers it (totals computed and checked by paywire).
    pub struct SekurePayOrder("SekurePayOrder") wraps core::Order;
    fields {
        id: String = |v| v.id.clone();
        status: Option<String> = |v| v.status.clone();
        currency: Option<String> = |v| v.currency.map(|c| c.code().to_owned());
        sub_total: Option<Money> = |v| v.sub_total.map(Money);
        shipping: Option<Money> = |v| v.shipping.map(Money);
        taxes_total: Option<Money> = |v| v.taxes_total.map(Money);
        total: Option<Money> = |v| v.total.map(Money);
        created_at: Option<String> = |v| v.created_at.clone();
    }
    raw = |v| &v.raw;
    repr [id, status, total];
}

/// SekurePay client with blocking methods (the GIL is released while a call is in flight).
#[pyclass(frozen, module = "paywire._native", name = "SekurePayClient")]
pub struct SekurePayClient {
    inner: core::Client,
}

/// SekurePay client whose methods return coroutines.
#[pyclass(frozen, module = "paywire._native", name = "AsyncSekurePayClient")]
pub struct AsyncSekurePayClient {
    inner: core::Client,
}

impl SekurePayClient {
    pub fn wrap(inner: core::Client) -> Self {
        SekurePayClient { inner }
    }
}

impl AsyncSekurePayClient {
    pub fn wrap(inner: core::Client) -> Self {
        AsyncSekurePayClient { inner }
    }
}

fn apply_options(
    mut builder: core::ClientBuilder,
    timeout: Option<f64>,
    max_retries: Option<u32>,
) -> PyResult<core::ClientBuilder> {
    if let Some(timeout) = convert::seconds("timeout", timeout)? {
        builder = builder.timeout(timeout);
    }
    if let Some(max_retries) = max_retries {
        builder = builder.max_retries(max_retries);
    }
    Ok(builder)
}

fn apply_connection(
    mut builder: core::ClientBuilder,
    connection: &convert::Connection,
) -> core::ClientBuilder {
    if let Some(proxy) = &connection.proxy {
        builder = builder.proxy(proxy.as_str());
    }
    if let Some(pem) = &connection.ca_certificates {
        builder = builder.ca_certificates(pem.clone());
    }
    builder
}

/// Builds a client from a key and an optional base URL (also used by the sandbox).
pub fn build(
    api_key: String,
    base_url: Option<String>,
    timeout: Option<f64>,
    max_retries: Option<u32>,
    connection: &convert::Connection,
) -> PyResult<core::Client> {
    let mut builder = core::Client::builder().api_key(api_key);
    if let Some(base_url) = base_url {
        builder = builder.base_url(base_url);
    }
    let builder = apply_options(builder, timeout, max_retries)?;
    apply_connection(builder, connection)
        .build()
        .map_err(errors::to_py)
}

crate::operations::sekurepay_operations!(dual_client! {
    sync SekurePayClient;
    async AsyncSekurePayClient;
    common {
        #[new]
        #[pyo3(signature = (api_key, *, base_url=None, timeout=None, max_retries=None, proxy=None, ca_certificates=None))]
        fn new(api_key: String, base_url: Option<String>, timeout: Option<f64>, max_retries: Option<u32>, proxy: Option<String>, ca_certificates: Option<String>) -> PyResult<Self> {
            bridge::guard(|| {
                let connection = convert::Connection::new(proxy, ca_certificates, None)?;
                build(api_key, base_url, timeout, max_retries, &connection).map(|inner| Self { inner })
            })
        }

        /// Reads `SEKUREPAY_API_KEY` and `SEKUREPAY_BASE_URL`.
        #[classmethod]
        #[pyo3(signature = (*, timeout=None, max_retries=None))]
        fn from_env(_cls: &Bound<'_, PyType>, timeout: Option<f64>, max_retries: Option<u32>) -> PyResult<Self> {
            bridge::guard(|| {
                let builder = core::Client::builder_from_env().map_err(errors::to_py)?;
                apply_options(builder, timeout, max_retries)?
                    .build()
                    .map(|inner| Self { inner })
                    .map_err(errors::to_py)
            })
        }

        /// A view of this client whose calls use these options (same connection pool).
        #[pyo3(signature = (*, timeout=None, max_retries=None, request_id=None))]
        fn with_options(&self, timeout: Option<f64>, max_retries: Option<u32>, request_id: Option<String>) -> PyResult<Self> {
            bridge::guard(|| {
                let options = request_options(timeout, max_retries, request_id)?;
                Ok(Self { inner: self.inner.with_options(options) })
            })
        }

        #[getter]
        fn base_url(&self) -> &str {
            self.inner.base_url()
        }

        fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
            Ok(format!(
                "{}(base_url={})",
                slf.get_type().name()?,
                convert::repr_str(slf.get().inner.base_url())
            ))
        }
    }
    sync_extra {
        /// The async client sharing this client's connection pool and settings.
        fn async_client(&self) -> AsyncSekurePayClient {
            AsyncSekurePayClient::wrap(self.inner.clone())
        }
    }
    async_extra {
        /// The sync client sharing this client's connection pool and settings.
        fn sync_client(&self) -> SekurePayClient {
            SekurePayClient::wrap(self.inner.clone())
        }
    }
    methods {
    }
});

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<SekurePayClient>()?;
    m.add_class::<AsyncSekurePayClient>()?;
    m.add_class::<SekurePayOrder>()?;
    Ok(())
}
