//! Blocking facade: the same clients with synchronous methods, run on the shared runtime.
//! Calling them from inside an async runtime returns a configuration error instead of
//! deadlocking or panicking.

mod links;
mod saferpay;
mod secuconnect;
mod sekurepay;

pub use saferpay::SaferpayClient;
pub use secuconnect::{SecuconnectClient, SmartTransactionIter};
pub use sekurepay::SekurePayClient;
