//! Where paywire used to differ from the spec (issue 15), one test each.

use serde_json::json;

use super::models::{Address, BillingAddressForm, Order, OrderItem, Payer};
use super::payment_page::InitializePaymentPage;
use crate::money::Money;

fn request() -> InitializePaymentPage {
    InitializePaymentPage::new(
        Money::from_minor(1000, "CHF").unwrap(),
        "order-1",
        "Two coffees",
        "https://shop.example/return",
    )
}

fn field(request: &InitializePaymentPage) -> Option<String> {
    request
        .to_wire("17654321")
        .err()
        .and_then(|e| e.field().map(str::to_owned))
}

/// `Order.Items[].TaxRate` is a string ("Valid values are 0-99999") in both order containers.
#[test]
fn tax_rate_goes_out_as_a_string() {
    let mut r = request();
    r.order = Some(Order {
        items: vec![OrderItem {
            name: Some("Coffee".into()),
            quantity: Some(2),
            tax_rate: Some(770),
            ..OrderItem::default()
        }],
    });
    let body = r.to_wire("17654321").unwrap();
    assert_eq!(body["Order"]["Items"][0]["TaxRate"], json!("770"));
}

/// The delivery address (`RequestAddress`) has no `VatNumber`, and the delivery address form's
/// `MandatoryFields` no `VATNUMBER`; the billing ones have both.
#[test]
fn vat_number_belongs_to_the_billing_address_only() {
    let vat = Address {
        company: Some("ACME AG".into()),
        vat_number: Some("CHE-123.456.789".into()),
        ..Address::default()
    };
    let mut r = request();
    r.payer = Some(Payer {
        billing_address: Some(vat.clone()),
        ..Payer::default()
    });
    assert_eq!(field(&r), None);
    r.payer = Some(Payer {
        delivery_address: Some(vat),
        ..Payer::default()
    });
    assert_eq!(
        field(&r).as_deref(),
        Some("payer.delivery_address.vat_number")
    );

    let form = BillingAddressForm {
        address_source: "SAFERPAY".into(),
        mandatory_fields: vec!["COMPANY".into(), "VATNUMBER".into()],
    };
    let mut r = request();
    r.billing_address_form = Some(form.clone());
    assert_eq!(field(&r), None);
    r.billing_address_form = None;
    r.delivery_address_form = Some(form);
    assert_eq!(
        field(&r).as_deref(),
        Some("delivery_address_form.mandatory_fields[1]")
    );
}

/// "If the submitted value has a valid format, but the language is unsupported, then the
/// default language is used": any well-formed code is accepted, a malformed one refused.
#[test]
fn any_well_formed_language_code_is_accepted() {
    for code in ["fr-CH", "it-CH", "en-GB", "de-CH", "de", "rm"] {
        let mut r = request();
        r.payer = Some(Payer {
            language_code: Some(code.into()),
            ..Payer::default()
        });
        let body = r.to_wire("17654321").unwrap();
        assert_eq!(body["Payer"]["LanguageCode"], code);
    }
    for code in ["fr_CH", "FR", "fr-ch", "french", "f"] {
        let mut r = request();
        r.payer = Some(Payer {
            language_code: Some(code.into()),
            ..Payer::default()
        });
        assert_eq!(field(&r).as_deref(), Some("payer.language_code"), "{code}");
    }
}

/// `spec_version` takes only the versions the spec's changelog lists (1.4 … 1.53).
#[test]
fn spec_version_accepts_only_listed_versions() {
    let build = |version: &str| {
        super::Client::builder()
            .customer_id("123456")
            .username("u")
            .password("p")
            .spec_version(version)
            .build()
    };
    for ok in ["1.4", "1.31", "1.48", super::DEFAULT_SPEC_VERSION] {
        assert!(build(ok).is_ok(), "{ok}");
    }
    for bad in ["1.3", "1.54", "2.0", "1.053", "1.", "1.x", "latest"] {
        let err = build(bad).unwrap_err();
        assert_eq!(err.field(), Some("spec_version"), "{bad}");
    }
}

/// `AllowPartialAuthorization` "is currently supported only in Transaction/Initialize and
/// Transaction/AuthorizeDirect": the payment page no longer takes it, those two do.
#[test]
fn allow_partial_authorization_only_where_it_works() {
    let base = json!({"amount": {"minor": 100, "currency": "CHF"}, "order_id": "o", "description": "d",
                      "return_url": "https://shop.example/r", "allow_partial_authorization": true});
    let err = crate::operation::decode_input::<InitializePaymentPage>(base.clone()).unwrap_err();
    assert_eq!(err.field(), Some("allow_partial_authorization"));
    let init: super::InitializeTransaction = crate::operation::decode_input(base).unwrap();
    let body = init.to_wire("17654321").unwrap();
    assert_eq!(
        body["Payment"]["Options"]["AllowPartialAuthorization"],
        true
    );
}

/// `NO_CREDITS_AVAILABLE` is the merchant's account out of transaction credits, not a
/// decline of the payer.
#[test]
fn no_credits_is_not_a_decline() {
    let kind = super::error::kind_for_error_name("NO_CREDITS_AVAILABLE", 402);
    assert_eq!(kind, crate::error::ErrorKind::Permission);
}

/// Capture and Refund carry `PendingNotification` (NotifyUrl, MerchantEmails).
#[tokio::test]
async fn capture_and_refund_carry_a_pending_notification() {
    use crate::http::scripted::{Scripted, Step};
    let script = Scripted::new(vec![
        Step::json(200, r#"{"CaptureId":"c1","Status":"PENDING","Date":"d"}"#),
        Step::json(
            200,
            r#"{"Transaction":{"Type":"REFUND","Status":"PENDING","Id":"R1","Amount":{"Value":"100","CurrencyCode":"CHF"}}}"#,
        ),
    ]);
    let client = super::json_api::tests::client(&script);
    let pending = json!({"notify_url": "https://shop.example/pending", "merchant_emails": ["a@shop.example"]});
    let out = Box::pin(super::operations::call_json(
        &client,
        "capture",
        json!({"transaction_id": "T1", "pending_notification": pending}),
    ))
    .await
    .unwrap();
    assert_eq!(out["status"], "PENDING");
    let body: serde_json::Value =
        serde_json::from_slice(script.requests()[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body["PendingNotification"],
        json!({"NotifyUrl": "https://shop.example/pending", "MerchantEmails": ["a@shop.example"]})
    );
    Box::pin(super::operations::call_json(
        &client,
        "refund",
        json!({"capture_id": "c1", "amount": {"minor": 100, "currency": "CHF"},
               "pending_notification": {"notify_url": "https://shop.example/pending"}}),
    ))
    .await
    .unwrap();
    let body: serde_json::Value =
        serde_json::from_slice(script.requests()[1].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body["PendingNotification"],
        json!({"NotifyUrl": "https://shop.example/pending"})
    );
    let err = Box::pin(super::operations::call_json(
        &client,
        "capture",
        json!({"transaction_id": "T1", "pending_notification": {"notify_url": "nope"}}),
    ))
    .await
    .unwrap_err();
    assert_eq!(err.field(), Some("pending_notification.notify_url"));
    let many: Vec<String> = (0..11).map(|i| format!("m{i}@shop.example")).collect();
    let err = Box::pin(super::operations::call_json(
        &client,
        "capture",
        json!({"transaction_id": "T1", "pending_notification": {"merchant_emails": many}}),
    ))
    .await
    .unwrap_err();
    assert_eq!(err.field(), Some("pending_notification.merchant_emails"));
    assert_eq!(script.requests().len(), 2);
}
