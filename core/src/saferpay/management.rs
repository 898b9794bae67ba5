//! The Management API request path: REST verbs under `/rest/customers/{customerId}`, headers
//! `Saferpay-ApiVersion` and `Saferpay-RequestId` (reused on retry), no body envelope.

use ::http::{HeaderMap, HeaderValue, Method};
use bytes::Bytes;
use serde_json::Value;

use super::{Client, error::error_from_response, version_at_least};
use crate::config;
use crate::error::{Error, Provider};
use crate::http::{self, Call, HttpRequest, Safety};

/// One Management API call.
pub(crate) struct ManagementCall {
    pub operation: &'static str,
    pub method: Method,
    /// Path below `/rest/customers/{customerId}`, starting with `/` (or empty).
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Value>,
    /// The spec version that introduced the endpoint; the header never goes below it.
    pub since: &'static str,
}

impl Client {
    /// Sends a Management API call and returns the JSON body (`Null` for an empty one).
    pub(crate) async fn management(&self, call: ManagementCall) -> Result<Value, Error> {
        let inner = self.inner();
        let options = self.request_options();
        let request_id = match &options.request_id {
            Some(id) => id.clone(),
            None => http::new_request_id(),
        };
        let safety = match call.method {
            Method::GET => Safety::Read,
            // DELETE is idempotent; POST carries the request id Saferpay recognises.
            _ => Safety::Keyed,
        };
        let api_version = if version_at_least(&inner.spec_version, call.since) {
            inner.spec_version.clone()
        } else {
            call.since.to_owned()
        };
        let mut url = config::join(
            &inner.base_url,
            &format!("/rest/customers/{}{}", inner.customer_id, call.path),
        )?;
        if !call.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(call.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let body = match &call.body {
            Some(body) => Some(Bytes::from(
                serde_json::to_vec(body).map_err(|e| Error::internal(format!("encode: {e}")))?,
            )),
            None => None,
        };
        let headers = base_headers(
            inner.authorization().expose(),
            &api_version,
            &request_id,
            body.is_some(),
        )?;
        inner
            .engine
            .send(
                Call {
                    operation: call.operation,
                    safety,
                    request_id: &request_id,
                    options,
                },
                |_, timeout| {
                    Ok(HttpRequest {
                        method: call.method.clone(),
                        url: url.clone(),
                        headers: headers.clone(),
                        body: body.clone(),
                        timeout,
                    })
                },
                |response| {
                    if !(200..300).contains(&response.status) {
                        return Err(error_from_response(&response));
                    }
                    if response.body.iter().all(u8::is_ascii_whitespace) {
                        return Ok(Value::Null);
                    }
                    http::decode_json::<Value>(Provider::Saferpay, &response)
                },
            )
            .await
    }
}

/// Authorization, JSON content negotiation and the two Management headers.
fn base_headers(
    authorization: &str,
    api_version: &str,
    request_id: &str,
    has_body: bool,
) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    let mut auth = HeaderValue::from_str(authorization).map_err(|_| {
        Error::validation("password", "contains characters not allowed in a header")
    })?;
    auth.set_sensitive(true);
    headers.insert(::http::header::AUTHORIZATION, auth);
    headers.insert(
        ::http::header::ACCEPT,
        HeaderValue::from_static("application/json"),
    );
    if has_body {
        headers.insert(
            ::http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
    }
    headers.insert(
        "Saferpay-ApiVersion",
        HeaderValue::from_str(api_version)
            .map_err(|_| Error::validation("spec_version", "invalid"))?,
    );
    headers.insert(
        "Saferpay-RequestId",
        HeaderValue::from_str(request_id)
            .map_err(|_| Error::validation("request_id", "invalid"))?,
    );
    Ok(headers)
}

/// Percent-encodes one path segment (ids come from callers).
pub(crate) fn segment(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// Decodes a typed view of a JSON body, as a decode error when the shape is wrong.
pub(crate) fn typed<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, Error> {
    T::deserialize(value).map_err(|e| {
        Error::decode(
            Provider::Saferpay,
            format!("unexpected response shape: {e}"),
        )
        .with_raw(crate::error::scrub_body(value.to_string().as_bytes()))
    })
}
