//! A small, cloneable response value (stored for RequestId replays) and request helpers.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::Value;

/// One incoming API request, already read.
#[derive(Debug)]
pub struct ApiRequest {
    /// HTTP method.
    pub method: Method,
    /// Path (no query).
    pub path: String,
    /// Decoded path parameters, in path order.
    pub params: Vec<String>,
    /// Raw query string.
    pub query: Option<String>,
    /// Request headers.
    pub headers: HeaderMap,
    /// Request body.
    pub body: Bytes,
}

impl ApiRequest {
    /// Path parameter `i` (empty if missing).
    pub fn param(&self, i: usize) -> &str {
        self.params.get(i).map(String::as_str).unwrap_or("")
    }

    /// Header value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Decoded query pairs.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .as_deref()
            .map(parse_urlencoded)
            .unwrap_or_default()
    }

    /// Body parsed as JSON.
    pub fn json(&self) -> Result<Value, String> {
        if self.body.is_empty() {
            return Err("request body is empty".into());
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| format!("request body is not valid JSON: {e}"))
    }

    /// Is the Content-Type JSON (or absent)?
    pub fn content_type_is_json(&self) -> bool {
        match self.header("content-type") {
            None => true,
            Some(ct) => {
                let ct = ct.to_ascii_lowercase();
                ct.starts_with("application/json") || ct.contains("+json")
            }
        }
    }

    /// Does the Accept header (if any) allow JSON?
    pub fn accepts_json(&self) -> bool {
        match self.header("accept") {
            None => true,
            Some(a) => {
                let a = a.to_ascii_lowercase();
                a.trim().is_empty()
                    || a.contains("application/json")
                    || a.contains("*/*")
                    || a.contains("application/*")
                    || a.contains("+json")
            }
        }
    }

    /// HTTP Basic credentials.
    pub fn basic_auth(&self) -> Option<(String, String)> {
        let v = self.header("authorization")?;
        let (scheme, rest) = v.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let raw = base64::engine::general_purpose::STANDARD
            .decode(rest.trim())
            .ok()?;
        let text = String::from_utf8(raw).ok()?;
        let (u, p) = text.split_once(':').unwrap_or((text.as_str(), ""));
        Some((u.to_string(), p.to_string()))
    }

    /// Bearer token, if the Authorization header carries one.
    pub fn bearer(&self) -> Option<String> {
        let v = self.header("authorization")?;
        let (scheme, rest) = v.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return None;
        }
        let t = rest.trim();
        (!t.is_empty()).then(|| t.to_string())
    }
}

/// Decode `application/x-www-form-urlencoded` text.
pub fn parse_urlencoded(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

fn form_decode(s: &str) -> String {
    crate::routes::percent_decode(&s.replace('+', " "))
}

/// Percent-encode a query/path component.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Escape text for HTML.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A response that can be stored and replayed.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status code.
    pub status: StatusCode,
    /// Content type (None: no body header).
    pub content_type: Option<&'static str>,
    /// Body bytes.
    pub body: Bytes,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// Non-canonical HTTP/1 reason phrase.
    pub reason: Option<&'static str>,
}

impl Reply {
    /// JSON answer from bytes already encoded.
    pub fn json_bytes(status: u16, body: Bytes) -> Reply {
        Reply {
            status: code(status),
            content_type: Some("application/json; charset=utf-8"),
            body,
            headers: Vec::new(),
            reason: None,
        }
    }

    /// JSON answer.
    pub fn json(status: u16, v: &Value) -> Reply {
        Reply {
            status: code(status),
            content_type: Some("application/json; charset=utf-8"),
            body: Bytes::from(serde_json::to_vec(v).unwrap_or_default()),
            headers: Vec::new(),
            reason: None,
        }
    }

    /// HTML answer.
    pub fn html(status: u16, html: String) -> Reply {
        Reply {
            status: code(status),
            content_type: Some("text/html; charset=utf-8"),
            body: Bytes::from(html),
            headers: Vec::new(),
            reason: None,
        }
    }

    /// Plain text answer.
    pub fn text(status: u16, text: &str) -> Reply {
        Reply {
            status: code(status),
            content_type: Some("text/plain; charset=utf-8"),
            body: Bytes::from(text.to_string()),
            headers: Vec::new(),
            reason: None,
        }
    }

    /// Empty answer.
    pub fn empty(status: u16) -> Reply {
        Reply {
            status: code(status),
            content_type: None,
            body: Bytes::new(),
            headers: Vec::new(),
            reason: None,
        }
    }

    /// 303 See Other to `location`.
    pub fn redirect(location: &str) -> Reply {
        Reply::empty(303).with_header("location", location.to_string())
    }

    /// Add a header.
    pub fn with_header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }

    /// Set a custom reason phrase.
    pub fn with_reason(mut self, reason: &'static str) -> Reply {
        self.reason = Some(reason);
        self
    }

    /// Is the body JSON?
    pub fn is_json(&self) -> bool {
        self.content_type
            .is_some_and(|c| c.starts_with("application/json"))
    }
}

fn code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut resp = Response::new(Body::from(self.body));
        *resp.status_mut() = self.status;
        let h = resp.headers_mut();
        if let Some(ct) = self.content_type {
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                h.append(name, v);
            }
        }
        if let Some(reason) = self.reason {
            resp.extensions_mut()
                .insert(hyper::ext::ReasonPhrase::from_static(reason.as_bytes()));
        }
        resp
    }
}

/// A response whose body fails on its first poll: hyper then closes the connection before the
/// response head is flushed, so the client sees the connection close without any answer.
pub fn drop_connection() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "sandbox fault: connection dropped",
        ))
    });
    let mut resp = Response::new(Body::from_stream(stream));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}
