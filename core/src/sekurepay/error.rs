//! SekurePay error responses mapped to paywire error kinds.
//!
//! SekurePay documents no error body (its error page is unedited template text), so the mapping
//! goes by HTTP status and reads whatever common JSON shapes arrive: `{"error": "…"}`,
//! `{"error": {"code", "message"}}`, `{"message": "…"}`, Rails-style
//! `{"errors": {"id": ["has already been taken"]}}` or `{"errors": ["…"]}`. Anything else keeps
//! the status and a scrubbed snippet.

use serde_json::Value;

use crate::error::{Error, ErrorKind, Provider};
use crate::http::{self, HttpResponse};
use crate::lenient;

/// Phrases a validation answer uses for a merchant order id that is already in use. SekurePay
/// may answer a duplicate id with 400/422 instead of 409; either way it is a conflict.
const DUPLICATE_PHRASES: &[&str] = &[
    "already been taken",
    "already taken",
    "already exists",
    "already exist",
    "already in use",
    "already used",
    "duplicate",
    "not unique",
];

#[derive(Default)]
struct Parsed {
    message: Option<String>,
    code: Option<String>,
    details: Vec<String>,
}

/// Turns a non-success SekurePay response into a typed error.
pub(crate) fn error_from_response(response: &HttpResponse) -> Error {
    let status = response.status;
    let parsed = serde_json::from_slice::<Value>(&response.body)
        .ok()
        .and_then(|body| parse(&body))
        .filter(|p| p.message.is_some() || !p.details.is_empty());
    let Some(parsed) = parsed else {
        return with_hints(
            http::unstructured_error(Provider::SekurePay, response),
            status,
        );
    };
    let mut kind = http::kind_for_status(status);
    if matches!(status, 400 | 422) && mentions_duplicate(&parsed) {
        kind = ErrorKind::Conflict;
    }
    let message = parsed
        .message
        .clone()
        .or_else(|| parsed.details.first().cloned())
        .unwrap_or_else(|| format!("HTTP {status}"));
    let error = Error::new(kind, message)
        .with_provider(Provider::SekurePay)
        .with_http_status(status)
        .with_code(parsed.code.unwrap_or_else(|| format!("HTTP_{status}")))
        .with_details(parsed.details)
        .with_retryable(http::status_retryable(status))
        .with_raw(crate::error::scrub_body(&response.body));
    with_hints(error, status)
}

fn parse(body: &Value) -> Option<Parsed> {
    let mut parsed = Parsed::default();
    match body {
        Value::Object(_) => {
            match lenient::get_ci(body, "error") {
                Some(Value::String(text)) => parsed.message = Some(text.clone()),
                Some(inner @ Value::Object(_)) => {
                    parsed.message = lenient::text(lenient::get_ci(inner, "message"));
                    parsed.code = lenient::text(lenient::get_ci(inner, "code"));
                    collect_errors(lenient::get_ci(inner, "errors"), &mut parsed.details);
                }
                _ => {}
            }
            if parsed.message.is_none() {
                parsed.message = lenient::text(lenient::get_ci(body, "message"))
                    .or_else(|| lenient::text(lenient::get_ci(body, "error_description")));
            }
            if parsed.code.is_none() {
                parsed.code = lenient::text(lenient::get_ci(body, "code"));
            }
            collect_errors(lenient::get_ci(body, "errors"), &mut parsed.details);
        }
        Value::Array(_) => collect_errors(Some(body), &mut parsed.details),
        Value::String(text) => parsed.message = Some(text.clone()),
        _ => return None,
    }
    parsed.message = parsed.message.filter(|m| !m.trim().is_empty());
    parsed.code = parsed.code.filter(|c| !c.trim().is_empty());
    Some(parsed)
}

/// `["msg", …]`, `{"field": ["msg", …]}`, `{"field": "msg"}` or `[{"field", "message"}, …]`,
/// each flattened to "field msg" lines like Rails' full messages.
fn collect_errors(value: Option<&Value>, details: &mut Vec<String>) {
    match value {
        Some(Value::Array(items)) => {
            for item in items {
                match item {
                    Value::Object(_) => {
                        let field = lenient::text(lenient::get_ci(item, "field"))
                            .or_else(|| lenient::text(lenient::get_ci(item, "param")));
                        let message = lenient::text(lenient::get_ci(item, "message"))
                            .unwrap_or_else(|| item.to_string());
                        details.push(match field {
                            Some(field) => format!("{field} {message}"),
                            None => message,
                        });
                    }
                    other => details.extend(lenient::text(Some(other))),
                }
            }
        }
        Some(Value::Object(map)) => {
            for (field, messages) in map {
                match messages {
                    Value::Array(list) => details.extend(
                        list.iter()
                            .filter_map(|m| lenient::text(Some(m)))
                            .map(|m| format!("{field} {m}")),
                    ),
                    other => {
                        details.extend(lenient::text(Some(other)).map(|m| format!("{field} {m}")))
                    }
                }
            }
        }
        Some(other) => details.extend(lenient::text(Some(other))),
        None => {}
    }
}

fn mentions_duplicate(parsed: &Parsed) -> bool {
    parsed
        .message
        .iter()
        .chain(parsed.code.iter())
        .chain(parsed.details.iter())
        .any(|text| {
            let lower = text.to_ascii_lowercase();
            DUPLICATE_PHRASES
                .iter()
                .any(|phrase| lower.contains(phrase))
        })
}

/// Adds what the caller can do about the statuses that have one obvious cause.
fn with_hints(error: Error, status: u16) -> Error {
    let hint = match (status, error.kind()) {
        (401, _) => {
            "SekurePay takes the API key as the HTTP Basic user name with an empty password; check SEKUREPAY_API_KEY and that the key was not rolled"
        }
        (_, ErrorKind::Conflict) => {
            "an order with this id already exists; read it with get_order instead of creating it again"
        }
        _ => return error,
    };
    let mut details = error.details().to_vec();
    details.push(hint.to_owned());
    error.with_details(details)
}

#[cfg(test)]
// Tests fail loudly on purpose; the crate-wide deny is for library code.
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use ::http::HeaderMap;
    use bytes::Bytes;

    fn response(status: u16, body: &str, content_type: &'static str) -> HttpResponse {
        let mut headers = HeaderMap::new();
        headers.insert(
            ::http::header::CONTENT_TYPE,
            ::http::HeaderValue::from_static(content_type),
        );
        HttpResponse {
            status,
            headers,
            body: Bytes::from(body.to_owned()),
        }
    }

    fn json(status: u16, body: &str) -> HttpResponse {
        response(status, body, "application/json")
    }

    #[test]
    fn maps_statuses_json_or_not() {
        let cases = [
            (400, ErrorKind::Api),
            (401, ErrorKind::Authentication),
            (403, ErrorKind::Permission),
            (404, ErrorKind::NotFound),
            (409, ErrorKind::Conflict),
            (422, ErrorKind::Api),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::Api),
            (503, ErrorKind::Api),
        ];
        for (status, kind) in cases {
            let from_json = error_from_response(&json(status, r#"{"error":"nope"}"#));
            assert_eq!(from_json.kind(), kind, "json {status}");
            assert_eq!(from_json.http_status(), Some(status));
            assert_eq!(from_json.provider(), Some(Provider::SekurePay));
            assert_eq!(from_json.message(), "nope");
            let from_html =
                error_from_response(&response(status, "<html>busy</html>", "text/html"));
            assert_eq!(from_html.kind(), kind, "html {status}");
            assert_eq!(from_html.code(), Some(format!("HTTP_{status}").as_str()));
            assert!(
                from_html.message().contains("busy"),
                "{}",
                from_html.message()
            );
        }
        let unavailable = error_from_response(&json(503, r#"{"message":"maintenance"}"#));
        assert_eq!(unavailable.retryable(), crate::error::Retryable::Yes);
    }

    #[test]
    fn rails_validation_errors_become_details() {
        let err = error_from_response(&json(
            422,
            r#"{"errors":{"total_cents":["must equal sub_total + shipping + taxes"],"currency":"is not supported"}}"#,
        ));
        assert_eq!(err.kind(), ErrorKind::Api);
        assert_eq!(err.code(), Some("HTTP_422"));
        assert!(
            err.details()
                .contains(&"total_cents must equal sub_total + shipping + taxes".to_owned())
        );
        assert!(
            err.details()
                .contains(&"currency is not supported".to_owned())
        );
        let err = error_from_response(&json(
            400,
            r#"{"error":{"code":"invalid_request","message":"bad body","errors":["items is empty"]}}"#,
        ));
        assert_eq!(err.code(), Some("invalid_request"));
        assert_eq!(err.message(), "bad body");
        assert_eq!(err.details(), ["items is empty"]);
        let err = error_from_response(&json(400, r#"[{"field":"id","message":"is too long"}]"#));
        assert_eq!(err.details(), ["id is too long"]);
    }

    #[test]
    fn duplicate_ids_are_conflicts_whatever_the_status() {
        let err = error_from_response(&json(
            422,
            r#"{"errors":{"id":["has already been taken"]}}"#,
        ));
        assert_eq!(err.kind(), ErrorKind::Conflict);
        assert!(err.details().iter().any(|d| d.contains("get_order")));
        let err = error_from_response(&json(409, r#"{"message":"Order exists"}"#));
        assert_eq!(err.kind(), ErrorKind::Conflict);
        let err = error_from_response(&response(409, "", "text/plain"));
        assert_eq!(err.kind(), ErrorKind::Conflict);
    }

    #[test]
    fn authentication_errors_say_how_the_key_is_sent_without_leaking_it() {
        let err = error_from_response(&json(
            401,
            r#"{"error":"Your API key is wrong","api_key":"k-123"}"#,
        ));
        assert_eq!(err.kind(), ErrorKind::Authentication);
        assert!(err.details().iter().any(|d| d.contains("user name")));
        assert!(!err.raw().unwrap_or_default().contains("k-123"));
        assert!(!err.to_string().contains("k-123"));
    }
}
