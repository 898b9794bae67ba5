//! secuconnect (placeholder; filled in step 3).
use crate::reply::{ApiRequest, Reply};
use crate::routes::Route;
use crate::state::App;
use std::sync::Arc;
pub mod oauth {
    use crate::{error::SandboxError, state::App};
    pub fn approve(_a: &App, c: &str) -> Result<(), SandboxError> {
        Err(SandboxError::UnknownUserCode(c.into()))
    }
    pub fn expire_all(_a: &App) {}
}
pub mod smart_transactions {
    use crate::{error::SandboxError, state::App};
    use std::sync::Arc;
    pub fn complete(_a: &Arc<App>, id: &str, _o: &str) -> Result<serde_json::Value, SandboxError> {
        Err(SandboxError::UnknownSmartTransaction(id.into()))
    }
}
#[derive(Debug, Default)]
pub struct State;
pub fn handle(_a: &Arc<App>, _r: Route, _q: &ApiRequest) -> Reply {
    Reply::json(404, &serde_json::json!({}))
}
pub fn product_error(status: u16, error: &str, details: &str, code: i64) -> Reply {
    Reply::json(
        status,
        &serde_json::json!({"status":"error","error":error,"error_details":details,"code":code}),
    )
}
pub fn token_expired() -> Reply {
    product_error(
        403,
        "ProductNotAllowedException",
        "Valid auth token required",
        2003,
    )
}
