//! `paywire.Money`: integer minor units and an ISO 4217 currency (the core's `Money`).

use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyInt, PyString, PyTuple};

use crate::{bridge, convert, errors};

/// An amount of money: integer minor units plus an ISO 4217 currency code.
///
/// ``Money(404, "CHF")`` and ``Money.parse("4.04", "CHF")`` are the same amount;
/// ``str(m) == "4.04 CHF"``. Unknown currencies, too many decimals, negative or overflowing
/// amounts raise ``ValidationError``.
#[pyclass(frozen, eq, hash, module = "paywire._native", name = "Money")]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money(pub paywire::Money);

impl Money {
    pub fn inner(&self) -> &paywire::Money {
        &self.0
    }
}

impl From<paywire::Money> for Money {
    fn from(value: paywire::Money) -> Self {
        Money(value)
    }
}

/// `Money(404, 'CHF')`
pub fn repr(money: &paywire::Money) -> String {
    format!("Money({}, '{}')", money.minor(), money.currency().code())
}

#[pymethods]
impl Money {
    #[new]
    fn new(minor: &Bound<'_, PyAny>, currency: &str) -> PyResult<Self> {
        bridge::guard(|| {
            if !minor.is_instance_of::<PyInt>() || minor.is_instance_of::<pyo3::types::PyBool>() {
                return Err(errors::validation(
                    "amount",
                    "minor units must be an int (use Money.parse for decimal text)",
                ));
            }
            let minor: i64 = minor
                .extract()
                .map_err(|_| errors::validation("amount", "amount overflows"))?;
            paywire::Money::from_minor(minor, currency)
                .map(Money)
                .map_err(errors::to_py)
        })
    }

    /// Parses a decimal amount in major units (``"4.04"`` or ``Decimal("4.04")``).
    #[staticmethod]
    fn parse(amount: &Bound<'_, PyAny>, currency: &str) -> PyResult<Self> {
        bridge::guard(|| {
            let text = if let Ok(s) = amount.cast::<PyString>() {
                s.to_cow()?.into_owned()
            } else if convert::is_decimal(amount)? {
                convert::decimal_text(amount)?
            } else if amount.is_instance_of::<PyInt>()
                && !amount.is_instance_of::<pyo3::types::PyBool>()
            {
                amount.str()?.to_cow()?.into_owned()
            } else if amount.is_instance_of::<PyFloat>() {
                return Err(errors::validation(
                    "amount",
                    "floats are imprecise; pass a str or a decimal.Decimal",
                ));
            } else {
                return Err(errors::validation(
                    "amount",
                    "must be a str, int or decimal.Decimal",
                ));
            };
            paywire::Money::parse(&text, currency)
                .map(Money)
                .map_err(errors::to_py)
        })
    }

    /// Integer minor units (404 for 4.04 CHF).
    #[getter]
    fn minor(&self) -> i64 {
        self.0.minor()
    }

    /// ISO 4217 code, upper case.
    #[getter]
    fn currency(&self) -> String {
        self.0.currency().code().to_owned()
    }

    /// Number of minor-unit digits of the currency (2 for CHF, 0 for JPY, 3 for KWD).
    #[getter]
    fn exponent(&self) -> u8 {
        self.0.currency().exponent()
    }

    /// The amount in major units as a ``decimal.Decimal``.
    #[pyo3(name = "to_decimal")]
    fn as_decimal<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("decimal")?
            .getattr("Decimal")?
            .call1((self.0.to_decimal_string(),))
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        repr(&self.0)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let money = slf.get().0;
        PyTuple::new(
            py,
            [
                slf.get_type().into_any(),
                PyTuple::new(
                    py,
                    [
                        money.minor().into_pyobject(py)?.into_any(),
                        PyString::new(py, money.currency().code()).into_any(),
                    ],
                )?
                .into_any(),
            ],
        )
    }
}

/// Extracts a `Money` argument.
pub fn extract(field: &str, value: &Bound<'_, PyAny>) -> PyResult<paywire::Money> {
    match value.cast::<Money>() {
        Ok(m) => Ok(m.get().0),
        Err(_) => Err(errors::validation(
            field,
            "must be a paywire.Money (e.g. Money(404, \"CHF\") or Money.parse(\"4.04\", \"CHF\"))",
        )),
    }
}
