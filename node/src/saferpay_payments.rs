//! `SaferpayClient`: payment pages, the transaction lifecycle (JSON API) and payment links.
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

/// Optional arguments of `initializePaymentPage`.
#[napi(object)]
#[derive(Default)]
pub struct InitializePaymentPageOptions {
    /// Called server-to-server (GET) on success.
    pub success_notify_url: Option<String>,
    /// Called server-to-server (GET) on failure.
    pub fail_notify_url: Option<String>,
    /// Restricts the page to these methods (`VISA`, `TWINT`, …).
    pub payment_methods: Option<Vec<String>>,
    /// Wallets to offer (`APPLEPAY`, `GOOGLEPAY`, …).
    pub wallets: Option<Vec<String>>,
    #[napi(ts_type = "Payer")]
    pub payer: Option<Value>,
    pub pre_auth: Option<bool>,
    pub terminal_id: Option<String>,
    pub config_set: Option<String>,
    #[napi(ts_type = "BillingAddressForm")]
    pub billing_address_form: Option<Value>,
    #[napi(ts_type = "Order")]
    pub order: Option<Value>,
    pub condition: Option<String>,
    pub payer_note: Option<String>,
    pub payer_email: Option<String>,
    pub merchant_emails: Option<Vec<String>>,
    pub allow_partial_authorization: Option<bool>,
}

/// Optional arguments of `capture`.
#[napi(object)]
#[derive(Default)]
pub struct CaptureOptions {
    /// A partial amount (default: the whole authorization).
    pub amount: Option<Money>,
}

/// Optional arguments of `refund`.
#[napi(object)]
#[derive(Default)]
pub struct RefundOptions {
    pub order_id: Option<String>,
    pub description: Option<String>,
    /// Shown on the payer's statement where supported.
    pub payer_note: Option<String>,
    /// Refuse refunds beyond the captured amount.
    pub restrict_refund_amount_to_captured_amount: Option<bool>,
}

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
    fn view(&self, o: Option<RequestOverrides>) -> Result<core::Client> {
        Ok(match overrides(o)? {
            Some(options) => self.inner.with_options(options),
            None => self.inner.clone(),
        })
    }
}

#[napi]
impl SaferpayClient {
    #[napi(ts_return_type = "Promise<PaymentPageSession>")]
    #[allow(clippy::too_many_arguments)] // API.md's required arguments + options + overrides + cancel
    pub async fn initialize_payment_page(
        &self,
        amount: Money,
        order_id: String,
        description: String,
        return_url: String,
        options: Option<InitializePaymentPageOptions>,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        let prepared = (|| -> Result<(core::Client, core::InitializePaymentPage)> {
            let o = options.unwrap_or_default();
            let mut request = core::InitializePaymentPage::new(
                amount.to_core()?,
                order_id,
                description,
                return_url,
            );
            request.success_notify_url = o.success_notify_url;
            request.fail_notify_url = o.fail_notify_url;
            request.payment_methods = o
                .payment_methods
                .unwrap_or_default()
                .iter()
                .map(|m| core::PaymentMethod::from(m.as_str()))
                .collect();
            request.wallets = o
                .wallets
                .unwrap_or_default()
                .iter()
                .map(|w| core::Wallet::from(w.as_str()))
                .collect();
            request.payer = convert::input("payer", o.payer)?;
            request.pre_auth = o.pre_auth.unwrap_or(false);
            request.terminal_id = o.terminal_id;
            request.config_set = o.config_set;
            request.billing_address_form =
                convert::input("billing_address_form", o.billing_address_form)?;
            request.order = convert::input("order", o.order)?;
            request.condition = o.condition;
            request.payer_note = o.payer_note;
            request.payer_email = o.payer_email;
            request.merchant_emails = o.merchant_emails.unwrap_or_default();
            request.allow_partial_authorization = o.allow_partial_authorization.unwrap_or(false);
            Ok((self.view(overrides)?, request))
        })();
        guarded(cancel, async move {
            let (client, request) = prepared?;
            to_js(&client.initialize_payment_page(request).await?)
        })
        .await
    }

    #[napi(ts_return_type = "Promise<Payment>")]
    pub async fn assert_payment_page(
        &self,
        token: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.assert_payment_page(&token).await?)
        })
        .await
    }

    /// The outcome of a payment page by its token (single-flight; for notify handlers).
    #[napi(ts_return_type = "Promise<Payment>")]
    pub async fn payment_outcome(
        &self,
        token: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.payment_outcome(&token).await?)
        })
        .await
    }

    #[napi(ts_return_type = "Promise<Capture>")]
    pub async fn capture(
        &self,
        transaction_id: String,
        options: Option<CaptureOptions>,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        let amount = options.and_then(|o| o.amount);
        guarded(cancel, async move {
            let amount = amount.map(|a| a.to_core()).transpose()?;
            to_js(
                &self
                    .view(overrides)?
                    .capture(&transaction_id, amount)
                    .await?,
            )
        })
        .await
    }

    #[napi(ts_return_type = "Promise<Cancellation>")]
    pub async fn cancel(
        &self,
        transaction_id: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.cancel(&transaction_id).await?)
        })
        .await
    }

    /// Refunds a capture; the result is a `REFUND` transaction (capture it to move money).
    #[napi(ts_return_type = "Promise<Payment>")]
    pub async fn refund(
        &self,
        capture_id: String,
        amount: Money,
        options: Option<RefundOptions>,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        let o = options.unwrap_or_default();
        guarded(cancel, async move {
            let mut request = core::Refund::new(capture_id, amount.to_core()?);
            request.order_id = o.order_id;
            request.description = o.description;
            request.payer_note = o.payer_note;
            request.restrict_refund_amount_to_captured_amount =
                o.restrict_refund_amount_to_captured_amount.unwrap_or(false);
            to_js(&self.view(overrides)?.refund(request).await?)
        })
        .await
    }

    #[napi(ts_return_type = "Promise<Payment>")]
    pub async fn inquire(
        &self,
        transaction_id: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.inquire(&transaction_id).await?)
        })
        .await
    }

    #[napi(ts_return_type = "Promise<Payment>")]
    pub async fn inquire_by_order_id(
        &self,
        order_id: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.inquire_by_order_id(&order_id).await?)
        })
        .await
    }

    #[napi(ts_return_type = "Promise<CaptureStatus>")]
    pub async fn assert_capture(
        &self,
        capture_id: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.assert_capture(&capture_id).await?)
        })
        .await
    }

    #[napi(ts_return_type = "Promise<RefundStatus>")]
    pub async fn assert_refund(
        &self,
        transaction_id: String,
        overrides: Option<RequestOverrides>,
        cancel: &CancelToken,
    ) -> napi::Result<Value> {
        guarded(cancel, async move {
            to_js(&self.view(overrides)?.assert_refund(&transaction_id).await?)
        })
        .await
    }

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
