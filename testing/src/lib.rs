//! Clients of the paywire core configured for the embedded sandbox (its URL and fixed
//! credentials), so users' own tests need one line. A crate of its own so the sandbox does not
//! depend on the client: the server side never uses the core's provider code, so a field the
//! client misreads is caught, not mirrored.
#![forbid(unsafe_code)]

use paywire::{saferpay, secuconnect, sekurepay};
use paywire_sandbox::{Sandbox, credentials};

/// The sandbox's clients: `use paywire_testing::SandboxClients;` then
/// `sandbox.saferpay_client()?`.
pub trait SandboxClients {
    fn saferpay_client(&self) -> Result<saferpay::Client, paywire::Error>;
    fn saferpay_client_builder(&self) -> saferpay::ClientBuilder;
    fn secuconnect_client(&self) -> Result<secuconnect::Client, paywire::Error>;
    fn secuconnect_client_builder(&self) -> secuconnect::ClientBuilder;
    fn sekurepay_client(&self) -> Result<sekurepay::Client, paywire::Error>;
    fn sekurepay_client_builder(&self) -> sekurepay::ClientBuilder;
}

impl SandboxClients for Sandbox {
    /// A Saferpay client for this sandbox (customer, terminal and JSON API user preset).
    fn saferpay_client(&self) -> Result<saferpay::Client, paywire::Error> {
        self.saferpay_client_builder().build()
    }

    /// The builder behind [`Sandbox::saferpay_client`], for callers that add options.
    fn saferpay_client_builder(&self) -> saferpay::ClientBuilder {
        saferpay::Client::builder()
            .customer_id(credentials::SAFERPAY_CUSTOMER_ID)
            .terminal_id(credentials::SAFERPAY_TERMINAL_ID)
            .username(credentials::SAFERPAY_USERNAME)
            .password(credentials::SAFERPAY_PASSWORD)
            .base_url(self.saferpay_base_url())
    }

    /// A secuconnect client for this sandbox (client credentials and contract preset).
    fn secuconnect_client(&self) -> Result<secuconnect::Client, paywire::Error> {
        self.secuconnect_client_builder().build()
    }

    fn secuconnect_client_builder(&self) -> secuconnect::ClientBuilder {
        secuconnect::Client::builder()
            .client_id(credentials::SECUCONNECT_CLIENT_ID)
            .client_secret(credentials::SECUCONNECT_CLIENT_SECRET)
            .contract_id(credentials::SECUCONNECT_CONTRACT_ID)
            .base_url(self.secuconnect_base_url())
    }

    /// A SekurePay client for this sandbox (API key preset).
    fn sekurepay_client(&self) -> Result<sekurepay::Client, paywire::Error> {
        self.sekurepay_client_builder().build()
    }

    fn sekurepay_client_builder(&self) -> sekurepay::ClientBuilder {
        sekurepay::Client::builder()
            .api_key(credentials::SEKUREPAY_API_KEY)
            .base_url(self.sekurepay_base_url())
    }
}
