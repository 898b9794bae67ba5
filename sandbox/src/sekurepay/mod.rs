//! SekurePay (placeholder; filled in step 4).
use crate::reply::{ApiRequest, Reply};
use crate::routes::Route;
use crate::state::App;
use std::sync::Arc;
#[derive(Debug, Default)]
pub struct State;
pub fn handle(_a: &Arc<App>, _r: Route, _q: &ApiRequest) -> Reply {
    Reply::json(404, &serde_json::json!({}))
}
pub fn error(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(
        status,
        &serde_json::json!({"error": code, "message": message}),
    )
}
