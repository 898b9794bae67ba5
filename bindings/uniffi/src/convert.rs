//! Argument conversions shared by every client: seconds to durations, Kotlin `Int`s to the
//! core's unsigned counts. Each failure is a validation error naming the argument; every other
//! rule is the core's (timestamps go through `paywire::input::parse_timestamp`).

use std::time::Duration;

use crate::error::{Result, invalid};

pub(crate) fn seconds(field: &str, value: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        invalid(
            field,
            format!("must be a non-negative number of seconds (got {value})"),
        )
    })
}

pub(crate) fn count(field: &str, value: i32) -> Result<u32> {
    u32::try_from(value).map_err(|_| invalid(field, format!("must not be negative (got {value})")))
}

pub(crate) fn opt_count(field: &str, value: Option<i32>) -> Result<Option<u32>> {
    value.map(|v| count(field, v)).transpose()
}

/// Client options from the common constructor arguments (`timeout` in seconds).
pub(crate) fn client_options(
    timeout: Option<f64>,
    max_retries: Option<i32>,
) -> Result<paywire::ClientOptions> {
    let mut options = paywire::ClientOptions::default();
    if let Some(timeout) = timeout {
        options.timeout = seconds("timeout", timeout)?;
    }
    if let Some(max_retries) = max_retries {
        options.max_retries = count("max_retries", max_retries)?;
    }
    Ok(options)
}

/// The constructors' connection arguments, passed on as they are (the core validates them).
#[derive(Default)]
pub(crate) struct Connection {
    pub(crate) proxy: Option<String>,
    pub(crate) ca_certificates: Option<String>,
    pub(crate) token_store: Option<String>,
    pub(crate) custom_token_store: Option<std::sync::Arc<dyn crate::token_store::TokenStore>>,
}

/// Client options with the connection arguments applied.
pub(crate) fn client_options_with(
    timeout: Option<f64>,
    max_retries: Option<i32>,
    connection: &Connection,
) -> Result<paywire::ClientOptions> {
    let mut options = client_options(timeout, max_retries)?;
    options.proxy = connection.proxy.clone().map(paywire::Secret::new);
    options.ca_certificates = connection.ca_certificates.clone();
    Ok(options)
}

/// Per-call overrides (`withOptions`).
pub(crate) fn request_options(
    timeout: Option<f64>,
    max_retries: Option<i32>,
    request_id: Option<String>,
    retry_indicator: Option<i32>,
) -> Result<paywire::RequestOptions> {
    Ok(paywire::RequestOptions {
        timeout: timeout.map(|t| seconds("timeout", t)).transpose()?,
        max_retries: opt_count("max_retries", max_retries)?,
        request_id,
        retry_indicator: opt_count("retry_indicator", retry_indicator)?,
    })
}

/// An input record from snake_case JSON text, decoded by the core so a wrong key or type is a
/// validation error naming its path, as in every language.
pub(crate) fn from_json_text<T: serde::de::DeserializeOwned>(json: &str, field: &str) -> Result<T> {
    Ok(paywire::input::from_json_str(field, json)?)
}
