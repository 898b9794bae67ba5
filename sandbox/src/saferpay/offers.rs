//! Secure PayGate offers (single-use payment links): create, get, delete, pay.

use super::{Mgmt, Offer, OfferState, Rule, Session, SessionState, SpError, V, amount_json};
use crate::clock;
use crate::error::SandboxError;
use crate::notify::{self, Notification};
use crate::reply::Reply;
use crate::state::{App, lock};
use crate::stats::inc;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use serde_json::{Value, json};
use std::sync::Arc;

const LANGS: &[&str] = &[
    "bg", "cs", "da", "de", "de-CH", "el", "en", "es", "et", "fi", "fr", "hr", "hu", "is", "it",
    "ja", "lt", "lv", "nl", "nn", "pl", "pt", "ro", "ru", "sk", "sl", "sv", "tr", "uk", "zh",
];

/// Check a LanguageCode: ISO 639-1, optionally `-` + ISO 3166-1 alpha-2.
pub fn language_ok(s: &str) -> bool {
    let (lang, region) = match s.split_once('-') {
        Some((l, r)) => (l, Some(r)),
        None => (s, None),
    };
    lang.len() == 2
        && lang.chars().all(|c| c.is_ascii_lowercase())
        && region.is_none_or(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_uppercase()))
}

/// Validate a Payer / SpgPayer object (all fields optional).
/// The `Order` container (`Payment_Models_Data_Order`, `RestApi_Models_Data_Order`), the
/// same wherever a request carries one.
pub fn validate_order(v: &mut V, body: &Value) {
    if let Some(order) = v.obj(body, "", "Order", false) {
        let order = Value::Object(order.clone());
        match order.get("Items") {
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let p = format!("Order.Items[{i}]");
                    v.string(
                        item,
                        &p,
                        "Type",
                        false,
                        Rule::Enum(&[
                            "DIGITAL",
                            "PHYSICAL",
                            "SERVICE",
                            "GIFTCARD",
                            "DISCOUNT",
                            "SHIPPINGFEE",
                            "SALESTAX",
                            "SURCHARGE",
                        ]),
                    );
                    for f in ["Id", "VariantId", "CategoryName"] {
                        v.string(item, &p, f, false, Rule::Utf8(1, 100));
                    }
                    for f in ["Name", "Description"] {
                        v.string(item, &p, f, false, Rule::Utf8(1, 200));
                    }
                    v.integer(item, &p, "Quantity", false);
                    for f in ["UnitPrice", "DiscountAmount", "TaxAmount"] {
                        v.string(item, &p, f, false, Rule::Numeric(1, 18));
                    }
                    // A string: "Valid values are 0-99999" (hundredths of a percent).
                    v.string(item, &p, "TaxRate", false, Rule::Numeric(1, 5));
                    for f in ["ProductUrl", "ImageUrl"] {
                        v.string(item, &p, f, false, Rule::Url(2000));
                    }
                }
            }
            None | Some(Value::Null) => v.missing("Order", "Items"),
            Some(_) => v.invalid("Order", "Items", "must be an array"),
        }
    }
}

pub fn validate_payer(v: &mut V, body: &Value, key: &str) {
    let Some(payer) = v.obj(body, "", key, false) else {
        return;
    };
    let payer = Value::Object(payer.clone());
    if let Some(l) = v.string(&payer, key, "LanguageCode", false, Rule::Utf8(2, 5)) {
        if !language_ok(l) {
            v.invalid(
                key,
                "LanguageCode",
                "must be an ISO 639-1 code, optionally with -COUNTRY",
            );
        } else if !LANGS.contains(&l) {
            // Valid but unsupported codes fall back to the default language, as documented.
        }
    }
    if let Some(ip) = v.string(&payer, key, "IpAddress", false, Rule::Utf8(7, 15))
        && ip.parse::<std::net::Ipv4Addr>().is_err()
    {
        v.invalid(
            key,
            "IpAddress",
            "must be an IPv4 address in dotted notation",
        );
    }
    for addr_key in ["BillingAddress", "DeliveryAddress"] {
        let Some(addr) = v.obj(&payer, key, addr_key, false) else {
            continue;
        };
        let addr = Value::Object(addr.clone());
        let p = format!("{key}.{addr_key}");
        for f in [
            "FirstName",
            "LastName",
            "Company",
            "Street",
            "Street2",
            "Zip",
            "City",
            "Phone",
        ] {
            v.string(&addr, &p, f, false, Rule::Utf8(1, 100));
        }
        v.string(&addr, &p, "Email", false, Rule::Utf8(3, 254))
            .inspect(|e| {
                if !e.contains('@') {
                    v.errs.push(format!(
                        "{p}.Email: The field Email is invalid: not an e-mail address"
                    ));
                }
            });
        v.string(
            &addr,
            &p,
            "Gender",
            false,
            Rule::Enum(&["MALE", "FEMALE", "DIVERSE", "COMPANY"]),
        );
        if let Some(c) = v.string(&addr, &p, "CountryCode", false, Rule::Utf8(2, 2))
            && !c.chars().all(|ch| ch.is_ascii_uppercase())
        {
            v.invalid(&p, "CountryCode", "must be an ISO 3166-1 alpha-2 code");
        }
        v.string(&addr, &p, "CountrySubdivisionCode", false, Rule::Utf8(1, 6));
        if let Some(d) = v.string(&addr, &p, "DateOfBirth", false, Rule::Utf8(10, 10))
            && NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err()
        {
            v.invalid(&p, "DateOfBirth", "must be YYYY-MM-DD");
        }
        // Only the billing address (`RequestBillingAddress`) has a VatNumber.
        if addr_key == "BillingAddress" {
            v.string(&addr, &p, "VatNumber", false, Rule::Utf8(1, 25));
        } else if addr.get("VatNumber").is_some() {
            v.invalid(&p, "VatNumber", "is not a field of the delivery address");
        }
    }
}

/// A `BillingAddressForm` or `DeliveryAddressForm`; only the billing form's MandatoryFields
/// include VATNUMBER.
pub fn validate_address_form(v: &mut V, body: &Value, key: &str) {
    const BILLING: &[&str] = &[
        "CITY",
        "COMPANY",
        "VATNUMBER",
        "COUNTRY",
        "EMAIL",
        "FIRSTNAME",
        "LASTNAME",
        "PHONE",
        "SALUTATION",
        "STATE",
        "STREET",
        "ZIP",
    ];
    const DELIVERY: &[&str] = &[
        "CITY",
        "COMPANY",
        "COUNTRY",
        "EMAIL",
        "FIRSTNAME",
        "LASTNAME",
        "PHONE",
        "SALUTATION",
        "STATE",
        "STREET",
        "ZIP",
    ];
    let Some(f) = v.obj(body, "", key, false) else {
        return;
    };
    let f = Value::Object(f.clone());
    v.string(
        &f,
        key,
        "AddressSource",
        true,
        Rule::Enum(&["NONE", "SAFERPAY", "PREFER_PAYMENTMETHOD"]),
    );
    let fields = if key == "DeliveryAddressForm" {
        DELIVERY
    } else {
        BILLING
    };
    v.string_array(&f, key, "MandatoryFields", false, Rule::Enum(fields));
}

fn strict_offset_datetime(s: &str) -> Option<DateTime<FixedOffset>> {
    // yyyy-MM-ddTHH:mm:ssK — no fractions; K is Z or ±hh:mm.
    let b = s.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let shape = digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    let zone = &s[19..];
    let zone_ok = zone == "Z"
        || (zone.len() == 6
            && (zone.starts_with('+') || zone.starts_with('-'))
            && zone.as_bytes()[3] == b':'
            && zone[1..3].chars().all(|c| c.is_ascii_digit())
            && zone[4..6].chars().all(|c| c.is_ascii_digit()));
    if !shape || !zone_ok {
        return None;
    }
    DateTime::parse_from_rfc3339(s).ok()
}

/// Create an offer.
pub fn create(app: &Arc<App>, ctx: &Mgmt) -> Reply {
    let tid = ctx.req.param(1);
    match super::terminal(tid) {
        None => {
            return SpError::new(
                403,
                "DO_NOT_RETRY",
                "PERMISSION_DENIED",
                "Permission denied",
            )
            .detail(format!("Terminal {tid} does not belong to customer"))
            .reply(None);
        }
        Some(t) if t.kind == "MPO" => {
            return SpError::new(
                403,
                "DO_NOT_RETRY",
                "PERMISSION_DENIED",
                "Permission denied",
            )
            .detail(format!("Terminal {tid} is not a Secure PayGate terminal"))
            .reply(None);
        }
        Some(_) => {}
    }
    if !ctx.req.content_type_is_json() {
        return SpError::new(
            415,
            "DO_NOT_RETRY",
            "VALIDATION_FAILED",
            "Unsupported media type",
        )
        .reply(None);
    }
    let body = match ctx.req.json() {
        Ok(b @ Value::Object(_)) => b,
        Ok(_) => {
            return SpError::validation(vec!["The request body must be a JSON object.".into()])
                .reply(None);
        }
        Err(e) => return SpError::validation(vec![e]).reply(None),
    };
    let mut v = V::default();
    let payment = v
        .obj(&body, "", "Payment", true)
        .map(|m| Value::Object(m.clone()));
    let mut amount = None;
    let mut order_id = None;
    let mut description = None;
    let mut pre_auth = false;
    if let Some(p) = &payment {
        amount = v.amount(p, "Payment", "Amount", true, false);
        order_id = v
            .string(p, "Payment", "OrderId", true, Rule::Id(1, 80))
            .map(str::to_string);
        description = v
            .string(p, "Payment", "Description", true, Rule::Utf8(1, 100))
            .map(str::to_string);
        if let Some(opts) = v.obj(p, "Payment", "Options", false) {
            let opts = Value::Object(opts.clone());
            pre_auth = v
                .boolean(&opts, "Payment.Options", "PreAuth")
                .unwrap_or(false);
            v.boolean(&opts, "Payment.Options", "AllowPartialAuthorization");
        }
    }
    // ExpirationDate: yyyy-MM-ddTHH:mm:ssK since 1.35, a plain date before.
    let expires = match v.string(&body, "", "ExpirationDate", true, Rule::Utf8(10, 25)) {
        None => None,
        Some(s) if ctx.version >= (1, 35) => {
            match strict_offset_datetime(s) {
                Some(dt) => Some(dt),
                None => {
                    v.invalid("", "ExpirationDate", "must have the format yyyy-MM-ddTHH:mm:ssK (e.g. 2025-10-20T00:00:00+02:00)");
                    None
                }
            }
        }
        Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|_| s.len() == 10)
        {
            Some(d) => d.and_hms_opt(0, 0, 0).map(|dt| dt.and_utc().fixed_offset()),
            None => {
                v.invalid(
                    "",
                    "ExpirationDate",
                    "must have the format YYYY-MM-DD before API version 1.35",
                );
                None
            }
        },
    };
    if let Some(e) = expires {
        let e = e.with_timezone(&Utc);
        if e < ctx.now + Duration::hours(1) {
            v.invalid(
                "",
                "ExpirationDate",
                "must be at least 1 hour in the future",
            );
        } else if e > ctx.now + Duration::days(180) {
            v.invalid("", "ExpirationDate", "must be within the next 180 days");
        }
    }
    if v.obj(&body, "", "Payer", true).is_some() {
        validate_payer(&mut v, &body, "Payer");
    }
    v.string(&body, "", "ConfigSet", false, Rule::Id(1, 20));
    v.string(
        &body,
        "",
        "Condition",
        false,
        Rule::Enum(&[
            "NONE",
            "THREE_DS_AUTHENTICATION_SUCCESSFUL_OR_ATTEMPTED",
            "WITH_SUCCESSFUL_THREE_DS_CHALLENGE",
        ]),
    );
    let max_attempts = match v.integer(&body, "", "MaxPaymentAttempts", false) {
        Some(n) if [0, 1, 3, 5, 10].contains(&n) => Some(n as u32),
        Some(_) => {
            v.invalid("", "MaxPaymentAttempts", "must be one of 0, 1, 3, 5, 10");
            None
        }
        None => None,
    };
    validate_address_form(&mut v, &body, "BillingAddressForm");
    if let Some(ra) = v.obj(&body, "", "RegisterAlias", false) {
        let ra = Value::Object(ra.clone());
        v.string(
            &ra,
            "RegisterAlias",
            "IdGenerator",
            true,
            Rule::Enum(&["RANDOM"]),
        );
    }
    validate_order(&mut v, &body);
    if !v.ok() {
        return v.into_error().reply(None);
    }
    let (Some((amount, currency)), Some(order_id), Some(description), Some(expires)) =
        (amount, order_id, description, expires)
    else {
        return SpError::validation(vec!["Request validation failed".into()]).reply(None);
    };
    let id = crate::ids::uuid();
    let link = payment_link(app, tid, &id);
    let mut st = lock(&app.saferpay);
    let count = st.offer_order_ids.entry(order_id.clone()).or_insert(0);
    *count += 1;
    if *count > 1 {
        inc(&app.stats.duplicates.offers);
        inc(&app.stats.executed_duplicates.offers);
    }
    st.offers.insert(
        id.clone(),
        Offer {
            id: id.clone(),
            terminal_id: tid.to_string(),
            amount,
            currency,
            order_id,
            description,
            created: ctx.now,
            expires,
            state: OfferState::Open,
            transaction_id: None,
            token: None,
            attempts: 0,
            max_attempts,
            pre_auth,
        },
    );
    inc(&app.stats.effects.offers_created);
    Reply::json(200, &json!({"OfferId": id, "PaymentLink": link}))
}

/// The payer link of an offer.
pub fn payment_link(app: &App, tid: &str, offer_id: &str) -> String {
    format!(
        "{}/SecurePayGate/Payment/{}/{tid}/{offer_id}",
        app.base_url,
        crate::credentials::SAFERPAY_CUSTOMER_ID
    )
}

/// Offer JSON (GET shape).
pub fn offer_json(app: &App, o: &Offer, now: DateTime<Utc>) -> Value {
    let mut v = json!({
        "OfferId": o.id,
        "PaymentLink": payment_link(app, &o.terminal_id, &o.id),
        "Status": o.status(now),
        "Payment": {
            "Amount": amount_json(o.amount, o.currency),
            "OrderId": o.order_id,
            "Description": o.description,
        },
        "CreationDate": clock::fmt_saferpay(o.created),
        "ExpirationDate": o.expires.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
    });
    if let (Some(t), Value::Object(m)) = (&o.transaction_id, &mut v) {
        m.insert("TransactionId".into(), t.clone().into());
    }
    v
}

fn not_found(what: &str) -> Reply {
    SpError::new(404, "DO_NOT_RETRY", "NOT_FOUND", "Resource not found")
        .detail(what.to_string())
        .reply(None)
}

/// GET an offer.
pub fn get(app: &Arc<App>, ctx: &Mgmt) -> Reply {
    let (tid, oid) = (ctx.req.param(1), ctx.req.param(2));
    let st = lock(&app.saferpay);
    match st.offers.get(oid) {
        Some(o) if o.terminal_id == tid => Reply::json(200, &offer_json(app, o, ctx.now)),
        _ => not_found(&format!("Offer {oid} not found on terminal {tid}")),
    }
}

/// DELETE an offer (→ DISABLED; 200 with an empty body).
pub fn delete(app: &Arc<App>, ctx: &Mgmt) -> Reply {
    let (tid, oid) = (ctx.req.param(1), ctx.req.param(2));
    let mut st = lock(&app.saferpay);
    match st.offers.get_mut(oid) {
        Some(o) if o.terminal_id == tid => {
            if o.state == OfferState::Paid {
                return SpError::business("TRANSACTION_IN_WRONG_STATE", "Invalid action")
                    .detail(format!("Offer {oid} is already paid and cannot be deleted"))
                    .reply(None);
            }
            if o.state != OfferState::Disabled {
                inc(&app.stats.effects.offers_deleted);
            }
            o.state = OfferState::Disabled;
            Reply::empty(200)
        }
        _ => not_found(&format!("Offer {oid} not found on terminal {tid}")),
    }
}

/// Substitute `{{{PAYMENTPAGETOKEN}}}`.
pub fn substitute(template: &str, token: &str) -> String {
    template.replace("{{{PAYMENTPAGETOKEN}}}", token)
}

/// Pay an offer as the payer would: `success`, `decline` or `abort`.
pub fn pay(app: &Arc<App>, offer_id: &str, outcome: &str) -> Result<Value, SandboxError> {
    let now = app.clock.now();
    let mut st = lock(&app.saferpay);
    let offer = st
        .offers
        .get(offer_id)
        .cloned()
        .ok_or_else(|| SandboxError::UnknownOffer(offer_id.to_string()))?;
    let status = offer.status(now);
    if status != "OPEN" {
        return Err(SandboxError::InvalidState(format!(
            "offer {offer_id} is {status}"
        )));
    }
    let token = crate::ids::token();
    let mut session = Session {
        token: token.clone(),
        terminal_id: offer.terminal_id.clone(),
        amount: offer.amount,
        currency: offer.currency,
        order_id: Some(offer.order_id.clone()),
        description: offer.description.clone(),
        return_url: None,
        success_notify: None,
        fail_notify: None,
        created: now,
        expires: now + Duration::hours(1),
        state: SessionState::Open,
        visited: true,
        tx_id: None,
        offer_id: Some(offer_id.to_string()),
        pre_auth: offer.pre_auth,
        register_alias: None,
        registered_alias: None,
    };
    let config = app.config().clone();
    let mut notify_url = None;
    let result = match outcome {
        "success" => {
            let tx = st.new_payment(
                offer.amount,
                offer.currency,
                Some(offer.order_id.clone()),
                Some(offer.description.clone()),
                &offer.terminal_id,
                "Saferpay Payment Page",
                offer.pre_auth,
                now,
            );
            super::count_authorization(app, &st, &tx);
            session.state = SessionState::Paid;
            session.tx_id = Some(tx.clone());
            if let Some(o) = st.offers.get_mut(offer_id) {
                o.state = OfferState::Paid;
                o.transaction_id = Some(tx.clone());
                o.token = Some(token.clone());
            }
            inc(&app.stats.effects.offers_paid);
            notify_url = config
                .spg_success_notify_url
                .as_deref()
                .map(|t| substitute(t, &token));
            json!({"offer_id": offer_id, "outcome": outcome, "status": "PAID", "transaction_id": tx, "payment_page_token": token})
        }
        "decline" => {
            session.state = SessionState::Declined;
            st.failed.push(super::Failed {
                id: crate::ids::saferpay_id(),
                amount: offer.amount,
                currency: offer.currency,
                order_id: Some(offer.order_id.clone()),
                description: offer.description.clone(),
                terminal_id: offer.terminal_id.clone(),
                date: now,
            });
            let mut status = "OPEN";
            if let Some(o) = st.offers.get_mut(offer_id) {
                o.attempts += 1;
                if o.max_attempts.is_some_and(|m| m > 0 && o.attempts >= m) {
                    o.state = OfferState::Disabled;
                    status = "DISABLED";
                }
            }
            inc(&app.stats.effects.offers_declined);
            notify_url = config
                .spg_fail_notify_url
                .as_deref()
                .map(|t| substitute(t, &token));
            json!({"offer_id": offer_id, "outcome": outcome, "status": status, "payment_page_token": token})
        }
        _ => {
            session.state = SessionState::Aborted;
            json!({"offer_id": offer_id, "outcome": outcome, "status": "OPEN", "payment_page_token": token})
        }
    };
    st.sessions.insert(token, session);
    drop(st);
    if let Some(url) = notify_url {
        notify::send(
            app,
            Notification {
                kind: if outcome == "success" {
                    "saferpay.spg_success_notify"
                } else {
                    "saferpay.spg_fail_notify"
                },
                method: "GET",
                url,
                body: None,
                headers: Vec::new(),
            },
        );
    }
    Ok(result)
}
