//! SekurePay: orders under `/sekurepay/api/v1`, HTTP Basic with the API key as user name.

pub mod orders;

use crate::credentials::SEKUREPAY_API_KEY;
use crate::reply::{ApiRequest, Reply};
use crate::routes::Route;
use crate::state::App;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// All SekurePay objects.
#[derive(Debug, Default)]
pub struct State {
    /// Orders by id (insertion order kept separately).
    pub orders: HashMap<String, Value>,
}

/// A SekurePay error: `{"error": code, "message": text}` (+ `details`).
pub fn error(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(status, &json!({"error": code, "message": message}))
}

/// Entry point for the SekurePay routes.
pub fn handle(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    match req.basic_auth() {
        Some((user, pass)) if user == SEKUREPAY_API_KEY && pass.is_empty() => {}
        Some((user, _)) if user == SEKUREPAY_API_KEY => {
            return error(
                401,
                "unauthorized",
                "Your API key is wrong: the password must be empty",
            );
        }
        _ => return error(401, "unauthorized", "Your API key is wrong"),
    }
    if !req.accepts_json() {
        return error(
            406,
            "not_acceptable",
            "You requested a format that isn't json",
        );
    }
    match route {
        Route::OrdersCreate => orders::create(app, req),
        _ => orders::get(app, req),
    }
}
