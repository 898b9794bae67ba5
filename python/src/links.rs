//! Provider-neutral payment links (`PaymentLink`), offered by the Saferpay and secuconnect
//! clients.

use pyo3::prelude::*;

use crate::convert;
use crate::money::{self, Money};
use crate::record::record;

record! {
    /// A payment link on any provider.
    pub struct PaymentLink("PaymentLink") wraps paywire::links::PaymentLink;
    fields {
        /// `saferpay` or `secuconnect`.
        provider: String = |v| v.provider.as_str().to_owned();
        id: String = |v| v.id.clone();
        url: String = |v| v.url.clone();
        /// `open`, `paid`, `expired`, `canceled` or `failed`.
        status: String = |v| v.status.as_str().to_owned();
        /// The provider's own status (`OPEN`, `PAID` … / `created`, `ok` …).
        provider_status: String = |v| v.provider_status.clone();
        amount: Option<Money> = |v| v.amount.map(Money);
        order_id: Option<String> = |v| v.order_id.clone();
        transaction_id: Option<String> = |v| v.transaction_id.clone();
    }
    raw = |v| &v.raw;
    repr [provider, id, status, amount, order_id];
}

/// The core request from Python arguments.
pub fn create_request(
    amount: &Bound<'_, PyAny>,
    order_id: String,
    description: String,
    expires_at: Option<&Bound<'_, PyAny>>,
) -> PyResult<paywire::links::CreatePaymentLink> {
    let mut request = paywire::links::CreatePaymentLink::new(
        money::extract("amount", amount)?,
        order_id,
        description,
    );
    request.expires_at = match expires_at {
        Some(v) if !v.is_none() => Some(convert::timestamp("expires_at", v)?),
        _ => None,
    };
    Ok(request)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PaymentLink>()?;
    Ok(())
}
