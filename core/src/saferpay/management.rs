//! The Management API request path: REST verbs under `/rest/customers/{customerId}`, headers
//! `Saferpay-ApiVersion` and `Saferpay-RequestId` (reused on retry, as the spec asks: "If a
//! request is retried due to an error, use the same request id"), no body envelope. The spec
//! calls the id "for debugging purposes": whether a call is sent again is its [`Safety`].

use ::http::{HeaderMap, HeaderValue, Method};
use bytes::Bytes;
use serde_json::Value;

use super::{Client, error::error_from_response, version_at_least};
use crate::config;
use crate::error::{Error, Provider};
use crate::http::{self, Call, HttpRequest, Lookup, Safety};

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
    /// GET is a read and DELETE idempotent; a POST says what it is.
    pub safety: Safety,
    /// The call that settles an unknown outcome, named in the error.
    pub settle: Option<String>,
    /// For `Idempotent` calls: answers meaning an earlier attempt already did it.
    pub already_done: Option<fn(&Error) -> bool>,
}

impl ManagementCall {
    /// A call with the safety its method implies (GET: read, DELETE: idempotent, POST: no
    /// mechanism, so never sent again once it may have arrived).
    pub(crate) fn new(
        operation: &'static str,
        method: Method,
        path: String,
        since: &'static str,
    ) -> ManagementCall {
        let safety = match method {
            Method::GET => Safety::Read,
            Method::DELETE => Safety::Idempotent,
            _ => Safety::Unkeyed,
        };
        ManagementCall {
            operation,
            method,
            path,
            query: Vec::new(),
            body: None,
            since,
            safety,
            settle: None,
            already_done: None,
        }
    }
}

impl Client {
    /// Sends a Management API call and returns the JSON body (`Null` for an empty one).
    pub(crate) async fn management(&self, call: ManagementCall) -> Result<Value, Error> {
        self.management_with(call, None::<fn() -> std::future::Ready<Lookup<Value>>>)
            .await
    }

    /// [`Client::management`] with the call's lookup (see [`Safety`]).
    pub(crate) async fn management_with<L, F>(
        &self,
        call: ManagementCall,
        lookup: Option<L>,
    ) -> Result<Value, Error>
    where
        L: Fn() -> F,
        F: std::future::Future<Output = Lookup<Value>>,
    {
        self.management_decoded(call, lookup, |response| {
            if response.body.iter().all(u8::is_ascii_whitespace) {
                return Ok(Value::Null);
            }
            http::decode_json::<Value>(Provider::Saferpay, response)
        })
        .await
    }

    /// The body of a successful Management call, undecoded (the report pager decodes it
    /// straight into typed records).
    pub(crate) async fn management_body(&self, call: ManagementCall) -> Result<Bytes, Error> {
        self.management_decoded(
            call,
            None::<fn() -> std::future::Ready<Lookup<Bytes>>>,
            |response| Ok(response.body.clone()),
        )
        .await
    }

    async fn management_decoded<T, L, F>(
        &self,
        call: ManagementCall,
        lookup: Option<L>,
        decode: impl Fn(&http::HttpResponse) -> Result<T, Error>,
    ) -> Result<T, Error>
    where
        L: Fn() -> F,
        F: std::future::Future<Output = Lookup<T>>,
    {
        let inner = self.inner();
        let options = self.request_options();
        let request_id = match &options.request_id {
            Some(id) => id.clone(),
            None => http::new_request_id(),
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
        let mut engine_call = Call::new(call.operation, call.safety, &request_id, options);
        engine_call.settle = call.settle.clone();
        engine_call.already_done = call.already_done;
        inner
            .engine
            .send_with(
                engine_call,
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
                    decode(&response)
                },
                lookup,
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
