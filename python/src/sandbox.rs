//! `paywire.testing.Sandbox`: the paywire sandbox started in-process on 127.0.0.1.

use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

use paywire_sandbox::credentials;

use crate::saferpay::{AsyncSaferpayClient, SaferpayClient};
use crate::secuconnect::{self, AsyncSecuconnectClient, SecuconnectClient};
use crate::sekurepay::{self, AsyncSekurePayClient, SekurePayClient};
use crate::{bridge, convert, errors};

static SANDBOX_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn sandbox_error(py: Python<'_>, message: String) -> PyErr {
    match SANDBOX_ERROR.import(py, "paywire._errors", "SandboxError") {
        Ok(class) => PyErr::from_type(class.clone(), message),
        Err(e) => e,
    }
}

fn to_py(error: paywire_sandbox::SandboxError) -> PyErr {
    Python::attach(|py| sandbox_error(py, error.to_string()))
}

/// The paywire sandbox (Saferpay, secuconnect, SekurePay) running in this process.
///
/// Use it as a context manager; it stops on ``close()`` or at the end of the ``with`` block.
#[pyclass(frozen, module = "paywire._native", name = "Sandbox")]
pub struct Sandbox {
    inner: Mutex<Option<paywire_sandbox::Sandbox>>,
    url: String,
    /// The process that started it; a forked child must not touch the server thread.
    pid: u32,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // In a forked child the server thread lives in the parent: joining it would hang.
        if std::process::id() != self.pid
            && let Ok(mut guard) = self.inner.lock()
            && let Some(sandbox) = guard.take()
        {
            std::mem::forget(sandbox);
        }
    }
}

impl Sandbox {
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&paywire_sandbox::Sandbox) -> Result<T, paywire_sandbox::SandboxError> + Send,
    ) -> PyResult<T> {
        if std::process::id() != self.pid {
            return Err(sandbox_error(
                py,
                "this Sandbox runs in the parent process; a forked child can call it over HTTP \
                 through its clients, but cannot control it"
                    .into(),
            ));
        }
        bridge::guard(|| {
            py.detach(|| {
                let guard = self
                    .inner
                    .lock()
                    .map_err(|_| "the sandbox lock is poisoned".to_owned())?;
                match guard.as_ref() {
                    Some(sandbox) => f(sandbox).map_err(|e| e.to_string()),
                    None => Err("the sandbox is closed".to_owned()),
                }
            })
            .map_err(|message| sandbox_error(py, message))
        })
    }

    fn client_builder(
        &self,
        timeout: Option<f64>,
        max_retries: Option<u32>,
    ) -> PyResult<paywire::saferpay::ClientBuilder> {
        let mut builder = paywire::saferpay::Client::builder()
            .customer_id(credentials::SAFERPAY_CUSTOMER_ID)
            .username(credentials::SAFERPAY_USERNAME)
            .password(credentials::SAFERPAY_PASSWORD)
            .terminal_id(credentials::SAFERPAY_TERMINAL_ID)
            .base_url(format!("{}/api", self.url));
        if let Some(timeout) = convert::seconds("timeout", timeout)? {
            builder = builder.timeout(timeout);
        }
        if let Some(max_retries) = max_retries {
            builder = builder.max_retries(max_retries);
        }
        Ok(builder)
    }

    fn secuconnect(
        &self,
        timeout: Option<f64>,
        max_retries: Option<u32>,
    ) -> PyResult<paywire::secuconnect::Client> {
        secuconnect::build(
            credentials::SECUCONNECT_CLIENT_ID.to_owned(),
            credentials::SECUCONNECT_CLIENT_SECRET.to_owned(),
            "testing",
            Some(credentials::SECUCONNECT_CONTRACT_ID.to_owned()),
            Some(self.url.clone()),
            timeout,
            max_retries,
            &crate::convert::Connection::default(),
        )
    }

    fn sekurepay(
        &self,
        timeout: Option<f64>,
        max_retries: Option<u32>,
    ) -> PyResult<paywire::sekurepay::Client> {
        sekurepay::build(
            credentials::SEKUREPAY_API_KEY.to_owned(),
            Some(format!("{}/sekurepay/api/v1", self.url)),
            timeout,
            max_retries,
            &crate::convert::Connection::default(),
        )
    }

    fn saferpay(
        &self,
        timeout: Option<f64>,
        max_retries: Option<u32>,
    ) -> PyResult<paywire::saferpay::Client> {
        self.client_builder(timeout, max_retries)?
            .build()
            .map_err(errors::to_py)
    }
}

#[pymethods]
impl Sandbox {
    #[new]
    #[pyo3(signature = (*, port=0, seed=None, reporting_per_day=None, reporting_days=None, token_lifetime_secs=None, request_id_replay=true))]
    fn new(
        py: Python<'_>,
        port: u16,
        seed: Option<u64>,
        reporting_per_day: Option<u32>,
        reporting_days: Option<u32>,
        token_lifetime_secs: Option<u64>,
        request_id_replay: bool,
    ) -> PyResult<Self> {
        bridge::guard(|| {
            let mut options = paywire_sandbox::SandboxOptions {
                port,
                ..Default::default()
            };
            if let Some(seed) = seed {
                options.seed = seed;
            }
            if let Some(n) = reporting_per_day {
                options.reporting_per_day = n;
            }
            if let Some(n) = reporting_days {
                options.reporting_days = n;
            }
            if let Some(n) = token_lifetime_secs {
                options.token_lifetime_secs = n;
            }
            options.request_id_replay = request_id_replay;
            let sandbox = py
                .detach(|| paywire_sandbox::Sandbox::start_with(options))
                .map_err(to_py)?;
            Ok(Sandbox {
                url: sandbox.url().to_owned(),
                inner: Mutex::new(Some(sandbox)),
                pid: std::process::id(),
            })
        })
    }

    /// ``http://127.0.0.1:PORT``
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// Saferpay base URL (``url + "/api"``).
    #[getter]
    fn saferpay_base_url(&self) -> String {
        format!("{}/api", self.url)
    }

    /// secuconnect base URL.
    #[getter]
    fn secuconnect_base_url(&self) -> String {
        self.url.clone()
    }

    /// SekurePay base URL.
    #[getter]
    fn sekurepay_base_url(&self) -> String {
        format!("{}/sekurepay/api/v1", self.url)
    }

    /// A sync Saferpay client configured for this sandbox.
    #[pyo3(signature = (*, timeout=None, max_retries=None))]
    fn saferpay_client(
        &self,
        timeout: Option<f64>,
        max_retries: Option<u32>,
    ) -> PyResult<SaferpayClient> {
        bridge::guard(|| {
            self.saferpay(timeout, max_retries)
                .map(SaferpayClient::wrap)
        })
    }

    /// An async Saferpay client configured for this sandbox.
    #[pyo3(signature = (*, timeout=None, max_retries=None))]
    fn async_saferpay_client(
        &self,
        timeout: Option<f64>,
        max_retries: Option<u32>,
    ) -> PyResult<AsyncSaferpayClient> {
        bridge::guard(|| {
            self.saferpay(timeout, max_retries)
                .map(AsyncSaferpayClient::wrap)
        })
    }

    /// A sync secuconnect client configured for this sandbox.
    #[pyo3(signature = (*, timeout=None, max_retries=None))]
    fn secuconnect_client(
        &self,
        timeout: Option<f64>,
        max_retries: Option<u32>,
    ) -> PyResult<SecuconnectClient> {
        bridge::guard(|| {
            self.secuconnect(timeout, max_retries)
                .map(SecuconnectClient::wrap)
        })
    }

    /// An async secuconnect client configured for this sandbox.
    #[pyo3(signature = (*, timeout=None, max_retries=None))]
    fn async_secuconnect_client(
        &self,
        timeout: Option<f64>,
        max_retries: Option<u32>,
    ) -> PyResult<AsyncSecuconnectClient> {
        bridge::guard(|| {
            self.secuconnect(timeout, max_retries)
                .map(AsyncSecuconnectClient::wrap)
        })
    }

    /// A sync SekurePay client configured for this sandbox.
    #[pyo3(signature = (*, timeout=None, max_retries=None))]
    fn sekurepay_client(
        &self,
        timeout: Option<f64>,
        max_retries: Option<u32>,
    ) -> PyResult<SekurePayClient> {
        bridge::guard(|| {
            self.sekurepay(timeout, max_retries)
                .map(SekurePayClient::wrap)
        })
    }

    /// An async SekurePay client configured for this sandbox.
    #[pyo3(signature = (*, timeout=None, max_retries=None))]
    fn async_sekurepay_client(
        &self,
        timeout: Option<f64>,
        max_retries: Option<u32>,
    ) -> PyResult<AsyncSekurePayClient> {
        bridge::guard(|| {
            self.sekurepay(timeout, max_retries)
                .map(AsyncSekurePayClient::wrap)
        })
    }

    /// Acts as the payer on a payment link of either provider (`saferpay`: the offer page,
    /// `secuconnect`: the checkout page): ``success`` or a failure outcome.
    #[pyo3(signature = (provider, id, outcome="success"))]
    fn pay_payment_link<'py>(
        &self,
        py: Python<'py>,
        provider: &str,
        id: String,
        outcome: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let value = match provider {
            "saferpay" => self.with(py, |s| s.pay_offer(&id, outcome))?,
            "secuconnect" => self.with(py, |s| s.complete_smart_transaction(&id, outcome))?,
            other => {
                return Err(sandbox_error(
                    py,
                    format!("no payment links on provider {other:?} (saferpay or secuconnect)"),
                ));
            }
        };
        convert::json_to_py(py, &value)
    }

    /// Acts as the payer on a Secure PayGate offer: ``success``, ``decline`` or ``abort``.
    #[pyo3(signature = (offer_id, outcome="success"))]
    fn pay_offer<'py>(
        &self,
        py: Python<'py>,
        offer_id: String,
        outcome: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let value = self.with(py, |s| s.pay_offer(&offer_id, outcome))?;
        convert::json_to_py(py, &value)
    }

    /// Acts as the payer on a payment page: ``success``, ``decline`` or ``abort``.
    #[pyo3(signature = (token, outcome="success"))]
    fn pay_payment_page<'py>(
        &self,
        py: Python<'py>,
        token: String,
        outcome: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let value = self.with(py, |s| s.pay_payment_page(&token, outcome))?;
        convert::json_to_py(py, &value)
    }

    /// Acts as the payer on a smart transaction checkout: ``success`` or ``failure``.
    #[pyo3(signature = (id, outcome="success"))]
    fn complete_smart_transaction<'py>(
        &self,
        py: Python<'py>,
        id: String,
        outcome: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let value = self.with(py, |s| s.complete_smart_transaction(&id, outcome))?;
        convert::json_to_py(py, &value)
    }

    /// Approves a secuconnect device authorization by its user code.
    fn approve_device(&self, py: Python<'_>, user_code: String) -> PyResult<()> {
        self.with(py, |s| s.approve_device(&user_code))
    }

    /// Injects a fault for the next ``count`` calls of a route (``saferpay.offers.get``,
    /// ``saferpay.*`` or ``*``). Modes: ``delay``, ``error_500``, ``error_503_html``,
    /// ``error_429``, ``non_json``, ``malformed_json``, ``drop_before_commit``,
    /// ``drop_after_commit``, ``expired_token``.
    #[pyo3(signature = (route, mode, count=1, *, delay_ms=None))]
    fn inject_fault(
        &self,
        py: Python<'_>,
        route: String,
        mode: String,
        count: u32,
        delay_ms: Option<u64>,
    ) -> PyResult<()> {
        self.with(py, |s| {
            let mode: paywire_sandbox::FaultMode = mode.parse()?;
            let mut spec = paywire_sandbox::FaultSpec::new(&route, mode, count);
            spec.delay_ms = delay_ms;
            s.inject_fault_spec(spec)
        })
    }

    /// Turns RequestId replay on (the default) or off. Off, a repeated Saferpay request is
    /// executed again, as a provider that does not deduplicate would.
    fn set_request_id_replay(&self, py: Python<'_>, enabled: bool) -> PyResult<()> {
        self.with(py, |s| {
            s.set_request_id_replay(enabled);
            Ok(())
        })
    }

    /// Whether the sandbox replays the first answer for a repeated Saferpay RequestId.
    #[getter]
    fn request_id_replay(&self, py: Python<'_>) -> PyResult<bool> {
        self.with(py, |s| Ok(s.request_id_replay()))
    }

    /// Removes every active fault.
    fn clear_faults(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |s| {
            s.clear_faults();
            Ok(())
        })
    }

    /// Moves the sandbox clock (seconds, may be negative).
    fn advance_clock(&self, py: Python<'_>, seconds: i64) -> PyResult<()> {
        self.with(py, |s| {
            s.advance_clock(seconds);
            Ok(())
        })
    }

    /// Expires every secuconnect access token now.
    fn expire_tokens(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |s| {
            s.expire_tokens();
            Ok(())
        })
    }

    /// Per-route and global counters (requests, in-flight gauges, effects, duplicates).
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = self.with(py, |s| Ok(s.stats()))?;
        convert::json_to_py(py, &value)
    }

    /// Outgoing notifications the sandbox sent (Saferpay notify calls, secuconnect pushes).
    fn notifications<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = self.with(py, |s| Ok(s.notifications()))?;
        convert::json_to_py(py, &value)
    }

    /// Every secuconnect access and refresh token the sandbox issued since the last
    /// ``reset()``. Test-only: for leak scans (none of them may show up in logs, errors or
    /// results).
    fn issued_tokens(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        self.with(py, |s| Ok(s.issued_tokens()))
    }

    /// The sandbox's public test credentials (the ones its clients use), by name:
    /// ``saferpay_customer_id``, ``saferpay_terminal_id``, ``saferpay_username``,
    /// ``saferpay_password``, ``secuconnect_client_id``, ``secuconnect_client_secret``,
    /// ``secuconnect_contract_id``, ``sekurepay_api_key``. Test-only: they open nothing but
    /// the sandbox, and are published so tests can build clients and scan for leaks.
    #[staticmethod]
    fn credentials(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
        let dict = PyDict::new(py);
        for (name, value) in [
            ("saferpay_customer_id", credentials::SAFERPAY_CUSTOMER_ID),
            ("saferpay_terminal_id", credentials::SAFERPAY_TERMINAL_ID),
            ("saferpay_username", credentials::SAFERPAY_USERNAME),
            ("saferpay_password", credentials::SAFERPAY_PASSWORD),
            ("secuconnect_client_id", credentials::SECUCONNECT_CLIENT_ID),
            (
                "secuconnect_client_secret",
                credentials::SECUCONNECT_CLIENT_SECRET,
            ),
            (
                "secuconnect_contract_id",
                credentials::SECUCONNECT_CONTRACT_ID,
            ),
            ("sekurepay_api_key", credentials::SEKUREPAY_API_KEY),
        ] {
            dict.set_item(name, value)?;
        }
        Ok(dict)
    }

    /// Clears all state, stats, faults, notifications and the clock offset.
    fn reset(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |s| {
            s.reset();
            Ok(())
        })
    }

    /// Stops the server (idempotent).
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        bridge::guard(|| {
            let taken = self
                .inner
                .lock()
                .map_err(|_| errors::internal("the sandbox lock is poisoned"))?
                .take();
            if let Some(sandbox) = taken {
                if std::process::id() == self.pid {
                    py.detach(move || drop(sandbox));
                } else {
                    std::mem::forget(sandbox);
                }
            }
            Ok(())
        })
    }

    /// True once closed.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.lock().map(|g| g.is_none()).unwrap_or(true)
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, py: Python<'_>, _args: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    fn __repr__(&self) -> String {
        format!("Sandbox(url={})", convert::repr_str(&self.url))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Sandbox>()?;
    Ok(())
}
