//! Saferpay error bodies (`Behavior`, `ErrorName`, …) mapped to paywire error kinds.
//! The same body shape serves the JSON API and the Management API; `ResponseHeader` is
//! optional because trimmed or gateway-made bodies omit it.

use serde::Deserialize;

use crate::error::{Error, ErrorKind, Provider, Retryable};
use crate::http::{self, HttpResponse};

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "ResponseHeader")]
    response_header: Option<ResponseHeader>,
    #[serde(rename = "Behavior")]
    behavior: Option<String>,
    #[serde(rename = "ErrorName")]
    error_name: Option<String>,
    #[serde(rename = "ErrorMessage")]
    error_message: Option<String>,
    #[serde(
        rename = "ErrorDetail",
        default,
        deserialize_with = "crate::lenient::vec_or_empty"
    )]
    error_detail: Vec<String>,
    #[serde(rename = "TransactionId")]
    transaction_id: Option<String>,
    #[serde(rename = "OrderId")]
    order_id: Option<String>,
    #[serde(rename = "PayerMessage")]
    payer_message: Option<String>,
    #[serde(rename = "ProcessorName")]
    processor_name: Option<String>,
    #[serde(rename = "ProcessorResult")]
    processor_result: Option<String>,
    #[serde(rename = "ProcessorMessage")]
    processor_message: Option<String>,
}

#[derive(Deserialize)]
struct ResponseHeader {
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
}

/// The error kind for a Saferpay `ErrorName`.
pub(crate) fn kind_for_error_name(name: &str, status: u16) -> ErrorKind {
    match name {
        "AUTHENTICATION_FAILED" => ErrorKind::Authentication,
        // "No more credits available for this account. Solution: Buy more transaction
        // credits": the merchant's account, not the payer's card.
        "PERMISSION_DENIED" | "NO_CREDITS_AVAILABLE" => ErrorKind::Permission,
        "TRANSACTION_NOT_FOUND" | "TOKEN_INVALID" => ErrorKind::NotFound,
        "TRANSACTION_ALREADY_CAPTURED"
        | "TRANSACTION_IN_WRONG_STATE"
        | "TRANSACTION_NOT_STARTED"
        | "TOKEN_EXPIRED"
        | "ACTION_NOT_SUPPORTED" => ErrorKind::Conflict,
        "TRANSACTION_DECLINED"
        | "TRANSACTION_ABORTED"
        | "GENERAL_DECLINED"
        | "3DS_AUTHENTICATION_FAILED"
        | "BLOCKED_BY_RISK_MANAGEMENT"
        | "CARD_CHECK_FAILED"
        | "CARD_CVC_INVALID"
        | "CARD_CVC_REQUIRED"
        | "CONDITION_NOT_SATISFIED"
        | "PAYER_AUTHENTICATION_REQUIRED"
        | "PAYMENTMEANS_INVALID"
        | "PAYMENTMEANS_NOT_SUPPORTED"
        | "UPDATE_CARD_INFORMATION"
        | "ALIAS_INVALID" => ErrorKind::Declined,
        // No acquiring contract for this brand and currency: the payer must pay another way.
        "NO_CONTRACT" => ErrorKind::Declined,
        "TOO_MANY_REQUESTS" => ErrorKind::RateLimited,
        // Caller bugs (capture above the authorization, wrong currency) and provider or
        // acquirer trouble: never a decline, whatever the status says.
        "VALIDATION_FAILED"
        | "AMOUNT_INVALID"
        | "CURRENCY_INVALID"
        | "COMMUNICATION_FAILED"
        | "COMMUNICATION_TIMEOUT"
        | "INTERNAL_ERROR"
        | "UNEXPECTED_ERROR_BY_ACQUIRER" => ErrorKind::Api,
        // VALIDATION_FAILED, AMOUNT_INVALID, CURRENCY_INVALID, NO_CONTRACT, COMMUNICATION_*,
        // INTERNAL_ERROR, UNEXPECTED_ERROR_BY_ACQUIRER and names added later.
        _ => match http::kind_for_status(status) {
            // A 402 with an unknown name is still a business failure.
            ErrorKind::Declined => ErrorKind::Declined,
            ErrorKind::Api if status == 400 => ErrorKind::Api,
            other => other,
        },
    }
}

fn retryable_for_behavior(behavior: Option<&str>, status: u16) -> Retryable {
    match behavior {
        Some("RETRY") => Retryable::Yes,
        Some("RETRY_LATER") => Retryable::Later,
        Some("DO_NOT_RETRY") | Some("ABORT") | Some("OTHER_MEANS") => Retryable::No,
        _ => http::status_retryable(status),
    }
}

/// Turns a non-success Saferpay response into a typed error.
pub(crate) fn error_from_response(response: &HttpResponse) -> Error {
    let body: Option<ErrorBody> = serde_json::from_slice(&response.body).ok();
    let Some(body) = body.filter(|b| b.error_name.is_some()) else {
        return http::unstructured_error(Provider::Saferpay, response);
    };
    let name = body.error_name.clone().unwrap_or_default();
    let status = response.status;
    let mut details = body.error_detail.clone();
    for (label, value) in [
        ("TransactionId", &body.transaction_id),
        ("OrderId", &body.order_id),
        ("PayerMessage", &body.payer_message),
        ("ProcessorName", &body.processor_name),
        ("ProcessorResult", &body.processor_result),
        ("ProcessorMessage", &body.processor_message),
    ] {
        if let Some(value) = value {
            details.push(format!("{label}: {value}"));
        }
    }
    let message = body
        .error_message
        .clone()
        .unwrap_or_else(|| name.replace('_', " ").to_lowercase());
    // The acquirer may have authorised although Saferpay timed out waiting for it.
    let outcome_unknown = name == "COMMUNICATION_TIMEOUT";
    let mut error = Error::new(kind_for_error_name(&name, status), message)
        .with_provider(Provider::Saferpay)
        .with_http_status(status)
        .with_code(name)
        .with_details(details)
        .with_retryable(retryable_for_behavior(body.behavior.as_deref(), status))
        .with_outcome_unknown(outcome_unknown)
        .with_raw(crate::error::scrub_body(&response.body));
    if let Some(request_id) = body.response_header.and_then(|h| h.request_id) {
        error = error.with_request_id(request_id);
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::http::HeaderMap;
    use bytes::Bytes;

    fn response(status: u16, body: &str) -> HttpResponse {
        let mut headers = HeaderMap::new();
        headers.insert(
            ::http::header::CONTENT_TYPE,
            ::http::HeaderValue::from_static("application/json"),
        );
        HttpResponse {
            status,
            headers,
            body: Bytes::from(body.to_owned()),
        }
    }

    fn fixture(name: &str) -> String {
        let path = format!("{}{name}", fixtures_dir!("saferpay/"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn maps_every_error_fixture() {
        let cases = [
            (
                "error_response.json",
                400,
                ErrorKind::Api,
                "VALIDATION_FAILED",
            ),
            (
                "error_response_abort_legacy.json",
                400,
                ErrorKind::Api,
                "VALIDATION_FAILED",
            ),
            (
                "error_response_authentication_failed.json",
                401,
                ErrorKind::Authentication,
                "AUTHENTICATION_FAILED",
            ),
            (
                "error_response_permission_denied.json",
                403,
                ErrorKind::Permission,
                "PERMISSION_DENIED",
            ),
            (
                "error_response_transaction_in_wrong_state.json",
                402,
                ErrorKind::Conflict,
                "TRANSACTION_IN_WRONG_STATE",
            ),
            (
                "error_response_transaction_not_found_sandbox.json",
                402,
                ErrorKind::NotFound,
                "TRANSACTION_NOT_FOUND",
            ),
            (
                "error_response_no_contract.json",
                402,
                ErrorKind::Declined,
                "NO_CONTRACT",
            ),
        ];
        for (file, status, kind, code) in cases {
            let err = error_from_response(&response(status, &fixture(file)));
            assert_eq!(err.kind(), kind, "{file}");
            assert_eq!(err.code(), Some(code), "{file}");
            assert_eq!(err.http_status(), Some(status));
        }
        let legacy =
            error_from_response(&response(400, &fixture("error_response_abort_legacy.json")));
        assert_eq!(
            legacy.retryable(),
            Retryable::No,
            "ABORT is the old DO_NOT_RETRY"
        );
    }

    #[test]
    fn already_captured_is_a_conflict_and_3ds_a_decline() {
        let err = error_from_response(&response(
            402,
            r#"{"Behavior":"DO_NOT_RETRY","ErrorName":"TRANSACTION_ALREADY_CAPTURED","ErrorMessage":"Transaction already captured"}"#,
        ));
        assert_eq!(err.kind(), ErrorKind::Conflict);
        let err = error_from_response(&response(
            402,
            r#"{"Behavior":"OTHER_MEANS","ErrorName":"3DS_AUTHENTICATION_FAILED","ErrorMessage":"3D-Secure authentication failed"}"#,
        ));
        assert_eq!(err.kind(), ErrorKind::Declined);
        let err = error_from_response(&response(
            500,
            r#"{"Behavior":"RETRY","ErrorName":"SOMETHING_NEW","ErrorMessage":"new"}"#,
        ));
        assert_eq!(err.kind(), ErrorKind::Api);
        assert_eq!(err.code(), Some("SOMETHING_NEW"));
        assert_eq!(err.retryable(), Retryable::Yes);
    }

    /// Every `ErrorName` of the reference (§3.3) maps to the same kind whatever the status.
    #[test]
    fn every_documented_error_name_has_a_kind() {
        use ErrorKind::*;
        let table = [
            ("ACTION_NOT_SUPPORTED", Conflict),
            ("ALIAS_INVALID", Declined),
            ("AMOUNT_INVALID", Api),
            ("AUTHENTICATION_FAILED", Authentication),
            ("BLOCKED_BY_RISK_MANAGEMENT", Declined),
            ("CARD_CHECK_FAILED", Declined),
            ("CARD_CVC_INVALID", Declined),
            ("CARD_CVC_REQUIRED", Declined),
            ("COMMUNICATION_FAILED", Api),
            ("COMMUNICATION_TIMEOUT", Api),
            ("CONDITION_NOT_SATISFIED", Declined),
            ("CURRENCY_INVALID", Api),
            ("GENERAL_DECLINED", Declined),
            ("INTERNAL_ERROR", Api),
            ("NO_CONTRACT", Declined),
            ("NO_CREDITS_AVAILABLE", Permission),
            ("PAYER_AUTHENTICATION_REQUIRED", Declined),
            ("PAYMENTMEANS_INVALID", Declined),
            ("PAYMENTMEANS_NOT_SUPPORTED", Declined),
            ("PERMISSION_DENIED", Permission),
            ("3DS_AUTHENTICATION_FAILED", Declined),
            ("TOKEN_EXPIRED", Conflict),
            ("TOKEN_INVALID", NotFound),
            ("TRANSACTION_ABORTED", Declined),
            ("TRANSACTION_ALREADY_CAPTURED", Conflict),
            ("TRANSACTION_DECLINED", Declined),
            ("TRANSACTION_IN_WRONG_STATE", Conflict),
            ("TRANSACTION_NOT_FOUND", NotFound),
            ("TRANSACTION_NOT_STARTED", Conflict),
            ("UNEXPECTED_ERROR_BY_ACQUIRER", Api),
            ("UPDATE_CARD_INFORMATION", Declined),
            ("VALIDATION_FAILED", Api),
        ];
        for (name, kind) in table {
            for status in [400, 402, 403, 500] {
                let body = format!(
                    r#"{{"Behavior":"DO_NOT_RETRY","ErrorName":"{name}","ErrorMessage":"m"}}"#
                );
                let err = error_from_response(&response(status, &body));
                assert_eq!(err.kind(), kind, "{name} at {status}");
                assert_eq!(err.code(), Some(name));
            }
        }
        // A name added after this release falls back to the status.
        for (status, kind) in [
            (402, Declined),
            (400, Api),
            (401, Authentication),
            (404, NotFound),
        ] {
            let err = error_from_response(&response(
                status,
                r#"{"Behavior":"DO_NOT_RETRY","ErrorName":"BRAND_NEW_NAME","ErrorMessage":"m"}"#,
            ));
            assert_eq!(err.kind(), kind, "{status}");
            assert_eq!(err.code(), Some("BRAND_NEW_NAME"));
        }
    }

    #[test]
    fn behavior_decides_retryable() {
        for (behavior, status, retryable) in [
            ("RETRY", 402, Retryable::Yes),
            ("RETRY_LATER", 402, Retryable::Later),
            ("DO_NOT_RETRY", 500, Retryable::No),
            ("ABORT", 500, Retryable::No),
            ("OTHER_MEANS", 402, Retryable::No),
            ("SOMETHING_NEW", 500, Retryable::Yes),
            ("SOMETHING_NEW", 402, Retryable::No),
        ] {
            let body = format!(
                r#"{{"Behavior":"{behavior}","ErrorName":"GENERAL_DECLINED","ErrorMessage":"m"}}"#
            );
            let err = error_from_response(&response(status, &body));
            assert_eq!(err.retryable(), retryable, "{behavior} at {status}");
        }
        let no_behavior = error_from_response(&response(
            503,
            r#"{"ErrorName":"INTERNAL_ERROR","ErrorMessage":"m"}"#,
        ));
        assert_eq!(no_behavior.retryable(), Retryable::Yes);
    }

    #[test]
    fn non_json_bodies_keep_status_and_snippet() {
        let mut r = response(403, "<html><body>Request blocked by firewall</body></html>");
        r.headers.insert(
            ::http::header::CONTENT_TYPE,
            ::http::HeaderValue::from_static("text/html"),
        );
        let err = error_from_response(&r);
        assert_eq!(err.kind(), ErrorKind::Permission);
        assert_eq!(err.http_status(), Some(403));
        assert!(
            err.message().contains("Request blocked by firewall"),
            "{}",
            err.message()
        );
    }
}
