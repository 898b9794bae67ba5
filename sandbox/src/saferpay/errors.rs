//! Saferpay error answers, shaped as the spec's ErrorResponse.

use crate::reply::{ApiRequest, Reply};
use serde_json::{Map, Value, json};

/// A Saferpay error answer under construction (boxed: it travels in `Result`s).
#[derive(Debug, Clone)]
pub struct SpError(Box<SpErrorInner>);

#[derive(Debug, Clone)]
pub(super) struct SpErrorInner {
    status: u16,
    behavior: &'static str,
    name: &'static str,
    message: String,
    details: Vec<String>,
    transaction_id: Option<String>,
    order_id: Option<String>,
}

impl SpError {
    /// New error.
    pub fn new(
        status: u16,
        behavior: &'static str,
        name: &'static str,
        message: impl Into<String>,
    ) -> SpError {
        SpError(Box::new(SpErrorInner {
            status,
            behavior,
            name,
            message: message.into(),
            details: Vec::new(),
            transaction_id: None,
            order_id: None,
        }))
    }

    /// 400 VALIDATION_FAILED with details.
    pub fn validation(details: Vec<String>) -> SpError {
        let mut e = SpError::new(
            400,
            "DO_NOT_RETRY",
            "VALIDATION_FAILED",
            "Request validation failed",
        );
        e.0.details = details;
        e
    }

    /// 401 AUTHENTICATION_FAILED.
    pub fn auth(detail: &str) -> SpError {
        SpError::new(
            401,
            "DO_NOT_RETRY",
            "AUTHENTICATION_FAILED",
            "Unable to authenticate request",
        )
        .detail(detail)
    }

    /// 402 business failure, DO_NOT_RETRY.
    pub fn business(name: &'static str, message: impl Into<String>) -> SpError {
        SpError::new(402, "DO_NOT_RETRY", name, message)
    }

    /// 402 TRANSACTION_NOT_FOUND.
    pub fn not_found() -> SpError {
        SpError::business("TRANSACTION_NOT_FOUND", "Transaction not found")
    }

    /// 402 TRANSACTION_IN_WRONG_STATE.
    pub fn wrong_state(detail: impl Into<String>) -> SpError {
        SpError::business("TRANSACTION_IN_WRONG_STATE", "Invalid action").detail(detail)
    }

    /// The error name (`ErrorName`).
    pub fn name(&self) -> &'static str {
        self.0.name
    }

    /// The message (`ErrorMessage`).
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// Add a detail line.
    pub fn detail(mut self, d: impl Into<String>) -> SpError {
        self.0.details.push(d.into());
        self
    }

    /// Set TransactionId.
    pub fn tx(mut self, id: &str) -> SpError {
        self.0.transaction_id = Some(id.to_string());
        self
    }

    /// Set OrderId.
    pub fn order(mut self, id: Option<&str>) -> SpError {
        self.0.order_id = id.map(str::to_string);
        self
    }

    /// Render (with the ResponseHeader for JSON API calls).
    pub fn reply(self, rh: Option<&Value>) -> Reply {
        let e = *self.0;
        let mut m = Map::new();
        if let Some(rh) = rh {
            m.insert("ResponseHeader".into(), rh.clone());
        }
        m.insert("Behavior".into(), e.behavior.into());
        m.insert("ErrorName".into(), e.name.into());
        m.insert("ErrorMessage".into(), e.message.into());
        if !e.details.is_empty() {
            m.insert("ErrorDetail".into(), json!(e.details));
        }
        if let Some(t) = e.transaction_id {
            m.insert("TransactionId".into(), t.into());
        }
        if let Some(o) = e.order_id {
            m.insert("OrderId".into(), o.into());
        }
        Reply::json(e.status, &Value::Object(m))
    }
}

/// A complete Saferpay error answer.
pub fn error_reply(
    status: u16,
    rh: Option<&Value>,
    behavior: &'static str,
    name: &'static str,
    message: &str,
    details: &[&str],
) -> Reply {
    let mut e = SpError::new(status, behavior, name, message);
    for d in details {
        e = e.detail(*d);
    }
    e.reply(rh)
}

/// The ResponseHeader a JSON API request would get (None for Management API requests or
/// unparsable bodies).
pub fn response_header_of(req: &ApiRequest) -> Option<Value> {
    if !req.path.starts_with("/api/Payment/") {
        return None;
    }
    let body: Value = serde_json::from_slice(&req.body).ok()?;
    let h = body.get("RequestHeader")?;
    Some(json!({
        "SpecVersion": h.get("SpecVersion").and_then(Value::as_str).unwrap_or("1.53"),
        "RequestId": h.get("RequestId").and_then(Value::as_str).unwrap_or(""),
    }))
}
