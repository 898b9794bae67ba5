//! Saferpay: Management API (`/api/rest/...`), JSON API (`/api/Payment/v1/...`) and payer pages.

pub mod account;
pub mod alias;
pub mod direct;
pub mod offers;
pub mod pages;
pub mod payment_page;
pub mod reporting;
pub mod transaction;

mod dispatch;
pub mod encoded_days;
mod errors;
mod rules;
mod state;
mod wire;

pub use dispatch::*;
pub use errors::*;
pub use rules::*;
pub use state::*;
pub use wire::*;
