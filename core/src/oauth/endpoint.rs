//! The token endpoint: grant bodies (JSON, as the official guides send them) and the parsing
//! of token, device-code and error answers.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::error::oauth_error;
use crate::config::RequestOptions;
use crate::error::{Error, Provider};
use crate::http::{self as engine, Call, Engine, HttpRequest, HttpResponse, Safety};
use crate::secret::Secret;

/// The client's own credentials, sent in every grant body.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) client_id: String,
    pub(crate) client_secret: Secret,
}

/// What a token request asks for.
#[derive(Clone, Copy)]
pub(crate) enum Grant<'a> {
    ClientCredentials,
    RefreshToken(&'a Secret),
    /// Device flow step 1: register the device, get a user code.
    DeviceCode {
        uuid: &'a str,
    },
    /// Device flow step 2: poll with the device code until the user approved.
    DeviceToken {
        device_code: &'a Secret,
    },
}

impl Grant<'_> {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Grant::ClientCredentials => "client_credentials",
            Grant::RefreshToken(_) => "refresh_token",
            Grant::DeviceCode { .. } | Grant::DeviceToken { .. } => "device",
        }
    }

    fn operation(&self) -> &'static str {
        match self {
            Grant::ClientCredentials => "oauth.token.client_credentials",
            Grant::RefreshToken(_) => "oauth.token.refresh_token",
            Grant::DeviceCode { .. } => "oauth.token.device_code",
            Grant::DeviceToken { .. } => "oauth.token.device",
        }
    }

    /// The JSON body. It holds the client secret: callers keep it inside a [`Secret`].
    pub(crate) fn body(&self, credentials: &Credentials) -> Value {
        let mut body = Map::new();
        body.insert("grant_type".into(), json!(self.name()));
        body.insert("client_id".into(), json!(credentials.client_id));
        body.insert(
            "client_secret".into(),
            json!(credentials.client_secret.expose()),
        );
        match self {
            Grant::ClientCredentials => {}
            Grant::RefreshToken(token) => {
                body.insert("refresh_token".into(), json!(token.expose()));
            }
            Grant::DeviceCode { uuid } => {
                body.insert("uuid".into(), json!(uuid));
            }
            Grant::DeviceToken { device_code } => {
                body.insert("code".into(), json!(device_code.expose()));
            }
        }
        Value::Object(body)
    }
}

/// A successful token answer. Holds secrets; its Debug shows none.
#[derive(Clone)]
pub(crate) struct TokenResponse {
    pub(crate) access_token: Secret,
    pub(crate) refresh_token: Option<Secret>,
    pub(crate) expires_in: Option<i64>,
    pub(crate) token_type: Option<String>,
    pub(crate) scope: Option<String>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"***")
            .field("has_refresh_token", &self.refresh_token.is_some())
            .field("expires_in", &self.expires_in)
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .finish()
    }
}

#[derive(Deserialize)]
struct WireToken {
    access_token: String,
    #[serde(default, deserialize_with = "crate::lenient::opt_string_like")]
    refresh_token: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::opt_i64_like")]
    expires_in: Option<i64>,
    #[serde(default, deserialize_with = "crate::lenient::opt_string_like")]
    token_type: Option<String>,
    // A string for client credentials, null for device sessions.
    #[serde(default, deserialize_with = "crate::lenient::opt_string_like")]
    scope: Option<String>,
}

pub(crate) fn parse_token(
    provider: Provider,
    response: &HttpResponse,
) -> Result<TokenResponse, Error> {
    // Never put serde's message in the error: it can quote the token.
    let wire: WireToken = serde_json::from_slice(&response.body).map_err(|_| {
        engine::decode_error(
            provider,
            response,
            &"token response without an access_token",
        )
    })?;
    if wire.access_token.is_empty() {
        return Err(engine::decode_error(
            provider,
            response,
            &"empty access_token",
        ));
    }
    if let Some(kind) = &wire.token_type
        && !kind.eq_ignore_ascii_case("bearer")
    {
        return Err(engine::decode_error(
            provider,
            response,
            &format!("unsupported token_type {kind:?} (expected bearer)"),
        ));
    }
    Ok(TokenResponse {
        access_token: Secret::new(wire.access_token),
        refresh_token: wire
            .refresh_token
            .filter(|t| !t.is_empty())
            .map(Secret::new),
        expires_in: wire.expires_in,
        token_type: wire.token_type,
        scope: wire.scope,
    })
}

/// Device flow step 1 answer: show `user_code` and `verification_url` to the user, then poll.
#[derive(Clone)]
pub struct DeviceAuthorization {
    /// The device uuid this authorization is for.
    pub uuid: String,
    /// Polled with; a credential, so never printed.
    pub device_code: Secret,
    /// The code the user enters at `verification_url`.
    pub user_code: String,
    pub verification_url: String,
    /// Seconds until the device code expires (1200 in the documentation).
    pub expires_in: u64,
    /// Seconds to wait between polls (5 in the documentation).
    pub interval: u64,
}

impl fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceAuthorization")
            .field("uuid", &self.uuid)
            .field("device_code", &"***")
            .field("user_code", &self.user_code)
            .field("verification_url", &self.verification_url)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish()
    }
}

#[derive(Deserialize)]
struct WireDeviceCode {
    device_code: String,
    #[serde(deserialize_with = "crate::lenient::string_like")]
    user_code: String,
    verification_url: String,
    #[serde(default, deserialize_with = "crate::lenient::opt_i64_like")]
    expires_in: Option<i64>,
    #[serde(default, deserialize_with = "crate::lenient::opt_i64_like")]
    interval: Option<i64>,
}

/// Defaults when the answer omits them (the documented values).
const DEFAULT_DEVICE_EXPIRES_IN: u64 = 1200;
const DEFAULT_DEVICE_INTERVAL: u64 = 5;

pub(crate) fn parse_device_code(
    provider: Provider,
    response: &HttpResponse,
    uuid: &str,
) -> Result<DeviceAuthorization, Error> {
    let wire: WireDeviceCode = serde_json::from_slice(&response.body).map_err(|_| {
        engine::decode_error(
            provider,
            response,
            &"device answer without device_code, user_code and verification_url",
        )
    })?;
    let positive = |v: Option<i64>, default: u64| {
        v.and_then(|n| u64::try_from(n).ok())
            .filter(|n| *n > 0)
            .unwrap_or(default)
    };
    Ok(DeviceAuthorization {
        uuid: uuid.to_owned(),
        device_code: Secret::new(wire.device_code),
        user_code: wire.user_code,
        verification_url: wire.verification_url,
        expires_in: positive(wire.expires_in, DEFAULT_DEVICE_EXPIRES_IN),
        interval: positive(wire.interval, DEFAULT_DEVICE_INTERVAL),
    })
}

/// Posts grants to `{base}/oauth/token` through the shared request engine.
pub(crate) struct TokenEndpoint {
    pub(crate) engine: Arc<Engine>,
    pub(crate) url: url::Url,
    pub(crate) provider: Provider,
    pub(crate) credentials: Credentials,
}

impl TokenEndpoint {
    /// Sends `grant` and parses the answer with `parse`. Token requests count as reads for
    /// retrying: issuing a token has no business effect, so a lost answer is simply asked
    /// again (the caller's per-call timeout and retry limit still apply).
    pub(crate) async fn request<T>(
        &self,
        grant: Grant<'_>,
        options: &RequestOptions,
        parse: impl Fn(&HttpResponse) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let body = Secret::new(grant.body(&self.credentials).to_string());
        let request_id = engine::new_request_id();
        // The caller's request id belongs to its API call, not to this token request.
        let options = RequestOptions {
            request_id: None,
            ..options.clone()
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(
            http::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        let provider = self.provider;
        self.engine
            .send(
                Call::new(grant.operation(), Safety::Read, &request_id, &options),
                |_, timeout| {
                    Ok(HttpRequest {
                        method: Method::POST,
                        url: self.url.clone(),
                        headers: headers.clone(),
                        body: Some(Bytes::copy_from_slice(body.expose().as_bytes())),
                        timeout,
                    })
                },
                |response| {
                    if (200..300).contains(&response.status) {
                        parse(&response)
                    } else {
                        Err(oauth_error(provider, &response))
                    }
                },
            )
            .await
    }

    pub(crate) async fn token(
        &self,
        grant: Grant<'_>,
        options: &RequestOptions,
    ) -> Result<TokenResponse, Error> {
        let provider = self.provider;
        self.request(grant, options, |r| parse_token(provider, r))
            .await
    }

    pub(crate) async fn device_code(
        &self,
        uuid: &str,
        options: &RequestOptions,
    ) -> Result<DeviceAuthorization, Error> {
        let provider = self.provider;
        self.request(Grant::DeviceCode { uuid }, options, |r| {
            parse_device_code(provider, r, uuid)
        })
        .await
    }
}
