//! `SaferpayClient`: payment links (not table rows: one API over Saferpay and secuconnect) and
//! the per-call overrides every client shares.
//!
//! Methods here take their optional arguments and the per-call overrides from the same JS
//! object: the JS layer passes it twice (`options`, `overrides`), napi reads the fields each
//! struct knows.

use chrono::{DateTime, Utc};
use napi::Either;
use napi_derive::napi;
use paywire::saferpay as core;
use serde_json::Value;

use crate::cancel::{CancelToken, guarded};
use crate::convert;
use crate::errors::Result;
use crate::money::Money;
use crate::results::to_js;
use crate::saferpay::{RequestOverrides, SaferpayClient};

/// Optional arguments of `createPaymentLink`.
#[napi(object)]
#[derive(Default)]
pub struct PaymentLinkOptions {
    /// Saferpay: 1 hour to 180 days ahead (default 7 days); secuconnect links do not expire.
    #[napi(ts_type = "string | Date")]
    pub expires_at: Option<Either<String, DateTime<Utc>>>,
}

pub(crate) fn overrides(o: Option<RequestOverrides>) -> Result<Option<paywire::RequestOptions>> {
    let o = o.unwrap_or_default();
    convert::request_options(o.request_id, o.timeout_ms, o.max_retries)
}

/// The shared request of `createPaymentLink`.
pub(crate) fn payment_link_request(
    amount: Money,
    order_id: String,
    description: String,
    options: Option<PaymentLinkOptions>,
) -> Result<paywire::links::CreatePaymentLink> {
    let mut request =
        paywire::links::CreatePaymentLink::new(amount.to_core()?, order_id, description);
    if let Some(at) = options.and_then(|o| o.expires_at) {
        request.expires_at = Some(convert::timestamp("expires_at", at)?);
    }
    Ok(request)
}

impl SaferpayClient {
    pub(crate) fn view(&self, o: Option<RequestOverrides>) -> Result<core::Client> {
        Ok(match overrides(o)? {
            Some(options) => self.inner.with_options(options),
            None => self.inner.clone(),
        })
    }
}

#[napi]
impl SaferpayClient {
    #[napi(ts_return_type = "Promise<PaymentLink>")]
    pub async fn create_payment_link(
        &self,
        amount: Money,
        order_id: String,
        description: String,
        options: Option<PaymentLinkOptions>,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        let request = payment_link_request(amount, order_id, description, options);
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.create_payment_link(request?).await?)
        })
        .await
    }

    #[napi(ts_return_type = "Promise<PaymentLink>")]
    pub async fn get_payment_link(
        &self,
        id: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.get_payment_link(&id).await?)
        })
        .await
    }

    #[napi(ts_return_type = "Promise<PaymentLink>")]
    pub async fn cancel_payment_link(
        &self,
        id: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.cancel_payment_link(&id).await?)
        })
        .await
    }
}
