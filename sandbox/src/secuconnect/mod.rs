//! secuconnect: OAuth 2.0 (`/oauth/token`), Smart Transactions and Payment Transactions under
//! `/api/v2`, the hosted checkout page and push notifications.

pub mod checkout;
pub mod oauth;
pub mod payment_containers;
pub mod payment_transactions;
pub mod smart_transactions;

use crate::reply::{ApiRequest, Reply};
use crate::routes::Route;
use crate::state::{App, lock};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// An issued access token.
#[derive(Debug, Clone)]
pub struct Token {
    /// Expiry on the sandbox clock.
    pub expires_at: DateTime<Utc>,
    /// Revoked (a device session issued a newer one).
    pub revoked: bool,
}

/// A device registration (device flow).
#[derive(Debug, Clone)]
pub struct Device {
    /// Device uuid.
    pub uuid: String,
    /// device_code.
    pub device_code: String,
    /// user_code.
    pub user_code: String,
    /// Approved via approve_device / the verification page.
    pub approved: bool,
    /// The device code was exchanged for tokens.
    pub used: bool,
    /// Expiry of the device code.
    pub expires_at: DateTime<Utc>,
}

/// A refresh token's session (one valid access token at a time).
#[derive(Debug, Clone, Default)]
pub struct RefreshSession {
    /// The current access token of the session.
    pub current_access: Option<String>,
}

/// A smart transaction.
#[derive(Debug, Clone)]
pub struct Stx {
    /// STX_ id.
    pub id: String,
    /// The full object as returned by the API.
    pub obj: Value,
    /// Created.
    pub created: DateTime<Utc>,
    /// Payment transaction.
    pub ptx: Option<String>,
}

impl Stx {
    /// Current status.
    pub fn status(&self) -> &str {
        self.obj
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("created")
    }

    /// Set the status (and `updated`).
    pub fn set_status(&mut self, status: &str, now: DateTime<Utc>) {
        if let Value::Object(m) = &mut self.obj {
            m.insert("status".into(), status.into());
            m.insert("updated".into(), crate::clock::fmt_secu(now).into());
        }
    }

    /// String field at a dotted path.
    pub fn str_at(&self, path: &str) -> Option<String> {
        let mut v = &self.obj;
        for p in path.split('.') {
            v = v.get(p)?;
        }
        v.as_str().map(str::to_string)
    }

    /// basket_info.sum.
    pub fn amount(&self) -> i64 {
        self.obj
            .pointer("/basket_info/sum")
            .and_then(Value::as_i64)
            .unwrap_or(0)
    }

    /// basket_info.currency.
    pub fn currency(&self) -> String {
        self.str_at("basket_info.currency")
            .unwrap_or_else(|| "EUR".into())
    }

    /// intent.
    pub fn intent(&self) -> String {
        self.str_at("intent").unwrap_or_else(|| "sale".into())
    }

    /// The status after a successful capture.
    pub fn paid_status(&self) -> &'static str {
        if self.intent() == "order" {
            let collection = self.str_at("delivery_options.type").as_deref() == Some("collection");
            if collection { "collection" } else { "received" }
        } else {
            "ok"
        }
    }
}

/// A payment transaction (PCI_).
#[derive(Debug, Clone)]
pub struct Ptx {
    /// PCI_ id.
    pub id: String,
    /// trans_id.
    pub trans_id: u64,
    /// transaction_hash.
    pub hash: String,
    /// Smart transaction.
    pub stx_id: Option<String>,
    /// The transaction's amount (minor units; a refund child's is positive here and negative
    /// on the wire). Lowered only by a cancellation before the money moved; refunds leave it.
    pub amount: i64,
    /// Effective amount after reductions and refunds (what `checkStatus` reports).
    pub remaining: i64,
    /// Currency.
    pub currency: String,
    /// status_simple.
    pub status: u8,
    /// Payment method.
    pub payment_method: String,
    /// Created.
    pub created: DateTime<Utc>,
    /// Updated.
    pub updated: DateTime<Utc>,
    /// Refund children.
    pub children: Vec<String>,
    /// Parent (for refunds).
    pub parent: Option<String>,
    /// A partial reduction happened while authorised.
    pub reduced_once: bool,
    /// merchantRef.
    pub order_id: Option<String>,
    /// transactionRef (the model's `description`).
    pub purpose: Option<String>,
    /// `accrual`: the payment is flagged as an accrual (until revoked).
    pub accrual: bool,
    /// Captured through `/capture` (an invoice's delivery reported, an authorisation taken).
    pub captured: bool,
}

/// All secuconnect objects.
#[derive(Debug, Default)]
pub struct State {
    /// Access tokens.
    pub tokens: HashMap<String, Token>,
    /// Device registrations by device_code.
    pub devices: HashMap<String, Device>,
    /// Refresh tokens.
    pub refresh: HashMap<String, RefreshSession>,
    /// Smart transactions.
    pub stx: HashMap<String, Stx>,
    /// Smart transaction ids in creation order.
    pub stx_order: Vec<String>,
    /// Payment transactions.
    pub ptx: HashMap<String, Ptx>,
    /// Smart transactions per merchantRef.
    pub merchant_refs: HashMap<String, u32>,
    /// Last trans_id.
    pub next_trans_id: u64,
    /// Payment containers (PCT_) as the API returns them.
    pub containers: HashMap<String, Value>,
    /// Container ids in creation order.
    pub container_order: Vec<String>,
}

/// The sandbox merchant (`general.merchants`).
pub const MERCHANT_ID: &str = "MRC_SANDBOX00000000000000000000001";

/// A secuconnect product error `{status, error, error_details, error_user, code, supportId}`.
pub fn product_error(status: u16, error: &str, details: &str, code: i64) -> Reply {
    Reply::json(
        status,
        &json!({
            "status": "error",
            "error": error,
            "error_details": details,
            "error_user": format!("Es ist ein unbekannter Fehler aufgetreten (Code {code})"),
            "code": code,
            "supportId": crate::ids::hex(32),
        }),
    )
}

/// 400 ProductBadRequestException.
pub fn bad_request(details: &str) -> Reply {
    product_error(400, "ProductBadRequestException", details, 1002)
}

/// 404 ProductNotFoundException.
pub fn not_found(id: &str) -> Reply {
    product_error(
        404,
        "ProductNotFoundException",
        &format!("Unknown id {id}"),
        2002,
    )
}

/// The documented expired/invalid token answer: `HTTP/1.1 403 ProductNotAllowedException`, code 2003.
pub fn token_expired() -> Reply {
    product_error(
        403,
        "ProductNotAllowedException",
        "Valid auth token required",
        2003,
    )
    .with_reason("ProductNotAllowedException")
}

fn authorize(app: &App, req: &ApiRequest) -> Result<(), Reply> {
    let Some(token) = req.bearer() else {
        return Err(product_error(
            401,
            "ProductUnauthorizedException",
            "Authorization: Bearer <access token> required",
            2001,
        ));
    };
    let now = app.clock.now();
    let st = lock(&app.secu);
    match st.tokens.get(&token) {
        Some(t) if !t.revoked && now < t.expires_at => Ok(()),
        _ => Err(token_expired()),
    }
}

/// Entry point for all secuconnect routes.
pub fn handle(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    match route {
        Route::OauthToken => oauth::token(app, req),
        Route::DevicePage | Route::DeviceSubmit => oauth::device_page(app, route, req),
        Route::CheckoutPage | Route::CheckoutSubmit => checkout::handle(app, route, req),
        _ => {
            if let Err(r) = authorize(app, req) {
                return r;
            }
            if !req.accepts_json() {
                return product_error(
                    406,
                    "ProductNotAcceptableException",
                    "Accept: the API answers application/json",
                    1006,
                );
            }
            match route {
                Route::PtxGet
                | Route::PtxCheckStatus
                | Route::PtxCancel
                | Route::PtxList
                | Route::PtxCapture
                | Route::PtxRevokeAccrual
                | Route::PtxOldFormat => payment_transactions::handle(app, route, req),
                Route::PctCreate
                | Route::PctGet
                | Route::PctList
                | Route::PctDelete
                | Route::ContractPaymentMethods => payment_containers::handle(app, route, req),
                _ => smart_transactions::handle(app, route, req),
            }
        }
    }
}

/// Send an `event.pushes` notification for a payment transaction to the STX's url_push.
pub fn push(app: &Arc<App>, url: Option<String>, ptx_id: &str, kind: &str) {
    let Some(url) = url else {
        return;
    };
    let body = json!({
        "object": "event.pushes",
        "id": format!("evt_{}", crate::ids::hex(32)),
        "created": crate::clock::fmt_secu(app.clock.now()),
        "target": "payment.transactions",
        "type": kind,
        "data": [{"object": "payment.transactions", "id": ptx_id}],
    });
    crate::notify::send(
        app,
        crate::notify::Notification {
            kind: "secuconnect.push",
            method: "POST",
            url,
            body: Some(body),
            headers: vec![("Referer", "https://connect.secucard.com")],
        },
    );
}
