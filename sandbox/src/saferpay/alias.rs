//! Secure Card Data: Alias/Insert (with its register form), AssertInsert, InsertDirect, Update,
//! Inquire, Delete; RegisterAlias on the payment page and in authorizations; Batch/Close.
//! Built from the spec's `ChapterAliasStore.md` and `ChapterBatch.md`.

use super::{
    AliasRequest, AliasSession, CardData, Json, Rule, SpError, State, StoredAlias, V, terminal,
};
use crate::clock;
use crate::error::SandboxError;
use crate::notify::{self, Notification};
use crate::state::{App, lock};
use chrono::{DateTime, Datelike, Duration, Utc};
use serde_json::{Value, json};
use std::sync::Arc;

/// "If not filled, the default lifetime (1096 days) will be used."
pub const DEFAULT_LIFETIME_DAYS: i64 = 1096;
/// How long an Alias/Insert token and its form stay usable.
pub const INSERT_LIFETIME_MINUTES: i64 = 20;
/// "This function can be called up to 24 hours after the transaction was initialized."
pub const ASSERT_INSERT_HOURS: i64 = 24;

const ALIAS_TYPES: &[&str] = &["CARD", "BANK_ACCOUNT", "POSTFINANCEPAY", "TWINT", "PAYPAL"];
const INSERT_METHODS: &[&str] = &[
    "AMEX",
    "DINERS",
    "DIRECTDEBIT",
    "JCB",
    "MAESTRO",
    "MASTERCARD",
    "VISA",
];

/// Parse a `RegisterAlias` container (`Payment_Models_Data_RegisterAlias`).
pub fn parse_register_alias(
    v: &mut V,
    body: &Value,
    key: &str,
    required: bool,
) -> Option<AliasRequest> {
    let ra = Value::Object(v.obj(body, "", key, required)?.clone());
    let generator = v.string(
        &ra,
        key,
        "IdGenerator",
        true,
        Rule::Enum(&["MANUAL", "RANDOM", "RANDOM_UNIQUE"]),
    );
    let id = v.string(&ra, key, "Id", false, Rule::Id(1, 40));
    if generator == Some("MANUAL") && id.is_none() && ra.get("Id").is_none() {
        v.missing(key, "Id");
    }
    let lifetime = v.integer(&ra, key, "Lifetime", false);
    if let Some(l) = lifetime
        && !(1..=1600).contains(&l)
    {
        v.invalid(key, "Lifetime", "must be 1 to 1600 days");
    }
    Some(AliasRequest {
        generator: generator?.to_string(),
        id: id.map(str::to_ascii_lowercase),
        lifetime: lifetime.unwrap_or(DEFAULT_LIFETIME_DAYS),
    })
}

/// Store `card` as an alias as `req` asks. `ALIAS_INVALID` when a MANUAL id is taken.
pub fn register(
    st: &mut State,
    req: &AliasRequest,
    card: &CardData,
    now: DateTime<Utc>,
) -> Result<String, SpError> {
    if req.generator == "RANDOM_UNIQUE"
        && let Some(existing) = st
            .aliases
            .values()
            .find(|a| a.card.masked == card.masked && !a.expired(now))
    {
        return Ok(existing.id.clone());
    }
    let id = match (&req.generator[..], &req.id) {
        ("MANUAL", Some(id)) => {
            if st.aliases.contains_key(id) {
                return Err(SpError::business("ALIAS_INVALID", "Alias already used")
                    .detail(format!("RegisterAlias.Id: alias {id} already exists")));
            }
            id.clone()
        }
        _ => format!("alias{}", crate::ids::lower(18)),
    };
    st.aliases.insert(
        id.clone(),
        StoredAlias {
            id: id.clone(),
            card: card.clone(),
            lifetime: req.lifetime,
            created: now,
        },
    );
    Ok(id)
}

/// `RegistrationResult` for a registration that succeeded (`Ok`) or failed.
pub fn registration_result_json(st: &State, outcome: &Result<String, SpError>) -> Value {
    match outcome {
        Ok(id) => {
            let lifetime = st
                .aliases
                .get(id)
                .map_or(DEFAULT_LIFETIME_DAYS, |a| a.lifetime);
            json!({"Success": true, "Alias": {"Id": id, "Lifetime": lifetime}})
        }
        Err(e) => json!({
            "Success": false,
            "Error": {"ErrorName": e.name(), "ErrorMessage": e.message()},
        }),
    }
}

/// Card brand of a number, by its leading digits (Saferpay's test cards start with 9).
pub fn brand_of(number: &str) -> &'static str {
    match number.as_bytes() {
        [b'3', b'4' | b'7', ..] => "AMEX",
        [b'5' | b'2', ..] => "MASTERCARD",
        _ => "VISA",
    }
}

/// Luhn check.
pub fn luhn(number: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in number.bytes().rev().enumerate() {
        let mut d = u32::from(b.wrapping_sub(b'0'));
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// A card for a payer who entered one on a sandbox page.
pub fn test_card(now: DateTime<Utc>) -> CardData {
    let brand = if fastrand::bool() {
        "VISA"
    } else {
        "MASTERCARD"
    };
    CardData {
        brand,
        masked: format!(
            "{}xxxxxx{:04}",
            if brand == "VISA" { "912345" } else { "512345" },
            fastrand::u32(0..10000)
        ),
        exp_month: 9,
        exp_year: i64::from(now.year()) + 4,
        holder: Some("Max Mustermann".into()),
    }
}

/// Parse and check a `Card` container (`Payment_Models_Data_Card`). Declines a card that fails
/// the Luhn check or has expired with `PAYMENTMEANS_INVALID`.
pub fn parse_card(
    v: &mut V,
    card: &Value,
    path: &str,
    now: DateTime<Utc>,
) -> Option<Result<CardData, SpError>> {
    let number = match card.get("Number") {
        None | Some(Value::Null) => {
            v.missing(path, "Number");
            None
        }
        Some(Value::String(n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            Some(n.clone())
        }
        Some(_) => {
            // Never echo the number.
            v.invalid(
                path,
                "Number",
                "must be the card number's digits without separators",
            );
            None
        }
    };
    let month = v.integer(card, path, "ExpMonth", true);
    if let Some(m) = month
        && !(1..=12).contains(&m)
    {
        v.invalid(path, "ExpMonth", "must be between 1 and 12");
    }
    let year = v.integer(card, path, "ExpYear", true);
    if let Some(y) = year
        && !(2000..=9999).contains(&y)
    {
        v.invalid(path, "ExpYear", "must be between 2000 and 9999");
    }
    if card.get("VerificationCode").is_some_and(|c| {
        !c.as_str()
            .is_some_and(|c| (3..=4).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()))
    }) {
        v.invalid(path, "VerificationCode", "must be 3 or 4 digits");
    }
    let holder = v
        .string(card, path, "HolderName", false, Rule::Utf8(1, 50))
        .map(str::to_string);
    let (number, month, year) = (number?, month?, year?);
    if !v.ok() {
        return None;
    }
    if number.len() < 12 || number.len() > 19 || !luhn(&number) {
        return Some(Err(SpError::business(
            "PAYMENTMEANS_INVALID",
            "Invalid means of payment",
        )
        .detail(format!("{path}.Number: not a valid card number"))));
    }
    if (year, month) < (i64::from(now.year()), i64::from(now.month())) {
        return Some(Err(SpError::business(
            "PAYMENTMEANS_INVALID",
            "Invalid means of payment",
        )
        .detail(format!("{path}: the card has expired"))));
    }
    Some(Ok(CardData {
        brand: brand_of(&number),
        masked: format!("{}xxxxxx{}", &number[..6], &number[number.len() - 4..]),
        exp_month: month,
        exp_year: year,
        holder,
    }))
}

/// `PaymentMeans` JSON of a card (`Payment_Models_Data_PaymentMeansInfo`).
pub fn card_means_json(card: &CardData) -> Value {
    let last4 = &card.masked[card.masked.len().saturating_sub(4)..];
    let mut c = json!({
        "MaskedNumber": card.masked,
        "ExpYear": card.exp_year,
        "ExpMonth": card.exp_month,
        "HolderSegment": "CONSUMER",
        "CountryCode": "CH",
        "FundingSource": "CREDIT",
    });
    if let Some(h) = &card.holder {
        c["HolderName"] = json!(h);
    }
    json!({
        "Brand": {"PaymentMethod": card.brand, "Name": format!("{} Saferpay Test", card.brand)},
        "DisplayText": format!("xxxx xxxx xxxx {last4}"),
        "Card": c,
    })
}

fn alias_json(a: &StoredAlias) -> Value {
    json!({
        "Alias": {"Id": a.id, "Lifetime": a.lifetime},
        "PaymentMeans": card_means_json(&a.card),
    })
}

/// An alias that exists and has not expired, or `ALIAS_INVALID`.
pub fn live_alias<'a>(
    st: &'a State,
    id: &str,
    now: DateTime<Utc>,
) -> Result<&'a StoredAlias, SpError> {
    st.aliases
        .get(&id.to_ascii_lowercase())
        .filter(|a| !a.expired(now))
        .ok_or_else(|| {
            SpError::business("ALIAS_INVALID", "Alias invalid")
                .detail(format!("Alias {id} is unknown, deleted or expired"))
        })
}

/// The Alias/Insert register form.
pub fn redirect_url(app: &App, token: &str) -> String {
    format!(
        "{}/vt2/api/Alias/{}/{token}",
        app.base_url,
        crate::credentials::SAFERPAY_CUSTOMER_ID
    )
}

/// Dispatch the alias and batch routes.
pub fn handle(app: &Arc<App>, route: crate::routes::Route, ctx: &Json) -> Result<Value, SpError> {
    use crate::routes::Route;
    match route {
        Route::AliasInsert => insert(app, ctx),
        Route::AliasAssertInsert => assert_insert(app, ctx),
        Route::AliasInsertDirect => insert_direct(app, ctx),
        Route::AliasUpdate => update(app, ctx),
        Route::AliasInquire => inquire(app, ctx),
        Route::AliasDelete => delete(app, ctx),
        Route::BatchClose => batch_close(ctx),
        _ => Err(SpError::business(
            "ACTION_NOT_SUPPORTED",
            "Action not supported",
        )),
    }
}

fn insert(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let body = ctx.body;
    let mut v = V::default();
    let request = parse_register_alias(&mut v, body, "RegisterAlias", true);
    v.string(body, "", "Type", true, Rule::Enum(ALIAS_TYPES));
    let return_url = match v.obj(body, "", "ReturnUrl", true) {
        Some(r) => v
            .string(
                &Value::Object(r.clone()),
                "ReturnUrl",
                "Url",
                true,
                Rule::Url(2000),
            )
            .map(str::to_string),
        None => None,
    };
    v.string_array(
        body,
        "",
        "PaymentMethods",
        false,
        Rule::Enum(INSERT_METHODS),
    );
    if let Some(l) = v.string(body, "", "LanguageCode", false, Rule::Utf8(2, 5))
        && !super::offers::language_ok(l)
    {
        v.invalid(
            "",
            "LanguageCode",
            "must be an ISO 639-1 code, optionally with -COUNTRY",
        );
    }
    let notify_url = match v.obj(body, "", "Notification", false) {
        Some(n) => v
            .string(
                &Value::Object(n.clone()),
                "Notification",
                "NotifyUrl",
                false,
                Rule::Url(2000),
            )
            .map(str::to_string),
        None => None,
    };
    if !v.ok() {
        return Err(v.into_error());
    }
    let (Some(request), Some(return_url)) = (request, return_url) else {
        return Err(SpError::validation(vec![
            "Request validation failed".into(),
        ]));
    };
    let token = crate::ids::token();
    let expires = ctx.now + Duration::minutes(INSERT_LIFETIME_MINUTES);
    lock(&app.saferpay).alias_sessions.insert(
        token.clone(),
        AliasSession {
            token: token.clone(),
            return_url,
            notify_url,
            request,
            created: ctx.now,
            expires,
            outcome: None,
        },
    );
    Ok(json!({
        "Token": token,
        "Expiration": clock::fmt_saferpay(expires),
        "RedirectRequired": true,
        "Redirect": {"RedirectUrl": redirect_url(app, &token), "PaymentMeansRequired": true},
    }))
}

fn assert_insert(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let mut v = V::default();
    let token = v.string(ctx.body, "", "Token", true, Rule::Id(1, 50));
    if !v.ok() {
        return Err(v.into_error());
    }
    let token = token.unwrap_or_default();
    let st = lock(&app.saferpay);
    let Some(s) = st.alias_sessions.get(token) else {
        return Err(SpError::business("TOKEN_INVALID", "Invalid token")
            .detail(format!("Token {token} is unknown")));
    };
    if ctx.now > s.created + Duration::hours(ASSERT_INSERT_HOURS) {
        return Err(SpError::business("TOKEN_EXPIRED", "The token has expired"));
    }
    match &s.outcome {
        None if ctx.now >= s.expires => Err(SpError::business(
            "TRANSACTION_ABORTED",
            "Transaction aborted",
        )
        .detail("The payer did not complete the form in time")),
        None => Err(SpError::new(
            402,
            "RETRY_LATER",
            "TRANSACTION_NOT_STARTED",
            "Transaction not started",
        )
        .detail("The payer has not registered a card yet")),
        Some(None) => Err(
            SpError::business("TRANSACTION_ABORTED", "Transaction aborted")
                .detail("The payer aborted the registration"),
        ),
        Some(Some(id)) => st
            .aliases
            .get(id)
            .map(alias_json)
            .ok_or_else(|| SpError::business("ALIAS_INVALID", "Alias invalid")),
    }
}

/// Complete the register form as the payer: `success` stores a test card, anything else aborts.
pub fn pay(app: &Arc<App>, token: &str, outcome: &str) -> Result<Value, SandboxError> {
    let now = app.clock.now();
    let mut st = lock(&app.saferpay);
    let s = st
        .alias_sessions
        .get(token)
        .cloned()
        .ok_or_else(|| SandboxError::UnknownToken(token.to_string()))?;
    if s.outcome.is_some() {
        return Err(SandboxError::InvalidState(format!(
            "alias registration {token} is already completed"
        )));
    }
    if now >= s.expires {
        return Err(SandboxError::InvalidState(format!(
            "alias registration {token} has expired"
        )));
    }
    let alias = if outcome == "success" {
        register(&mut st, &s.request, &test_card(now), now).ok()
    } else {
        None
    };
    if let Some(sess) = st.alias_sessions.get_mut(token) {
        sess.outcome = Some(alias.clone());
    }
    drop(st);
    if let Some(url) = s.notify_url.clone() {
        notify::send(
            app,
            Notification {
                kind: "saferpay.alias_notify",
                method: "GET",
                url,
                body: None,
                headers: Vec::new(),
            },
        );
    }
    Ok(json!({"token": token, "outcome": outcome, "alias_id": alias, "return_url": s.return_url}))
}

fn insert_direct(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let body = ctx.body;
    let mut v = V::default();
    let request = parse_register_alias(&mut v, body, "RegisterAlias", true);
    let card = match v.obj(body, "", "PaymentMeans", true) {
        Some(pm) => {
            let pm = Value::Object(pm.clone());
            for key in ["Alias", "SaferpayFields", "SchemeToken"] {
                if pm.get(key).is_some() {
                    v.invalid(
                        "PaymentMeans",
                        key,
                        "is not supported by Alias/InsertDirect",
                    );
                }
            }
            match v.obj(&pm, "PaymentMeans", "Card", false) {
                Some(c) => parse_card(
                    &mut v,
                    &Value::Object(c.clone()),
                    "PaymentMeans.Card",
                    ctx.now,
                ),
                None => {
                    if v.ok() {
                        return Err(SpError::business(
                            "PAYMENTMEANS_NOT_SUPPORTED",
                            "Unsupported means of payment",
                        )
                        .detail("The sandbox stores cards only"));
                    }
                    None
                }
            }
        }
        None => None,
    };
    if !v.ok() {
        return Err(v.into_error());
    }
    let (Some(request), Some(card)) = (request, card) else {
        return Err(SpError::validation(vec![
            "Request validation failed".into(),
        ]));
    };
    let card = card?;
    let mut st = lock(&app.saferpay);
    let id = register(&mut st, &request, &card, ctx.now)?;
    st.aliases
        .get(&id)
        .map(alias_json)
        .ok_or_else(|| SpError::business("ALIAS_INVALID", "Alias invalid"))
}

fn update(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let body = ctx.body;
    let mut v = V::default();
    let mut id = None;
    let mut lifetime = None;
    if let Some(u) = v.obj(body, "", "UpdateAlias", true) {
        let u = Value::Object(u.clone());
        id = v
            .string(&u, "UpdateAlias", "Id", true, Rule::Id(1, 40))
            .map(str::to_string);
        lifetime = v.integer(&u, "UpdateAlias", "Lifetime", false);
        if let Some(l) = lifetime
            && !(1..=1600).contains(&l)
        {
            v.invalid("UpdateAlias", "Lifetime", "must be 1 to 1600 days");
        }
    }
    let mut exp = None;
    if let Some(pm) = v.obj(body, "", "UpdatePaymentMeans", true) {
        let pm = Value::Object(pm.clone());
        if let Some(c) = v.obj(&pm, "UpdatePaymentMeans", "Card", true) {
            let c = Value::Object(c.clone());
            let m = v.integer(&c, "UpdatePaymentMeans.Card", "ExpMonth", true);
            let y = v.integer(&c, "UpdatePaymentMeans.Card", "ExpYear", true);
            if m.is_some_and(|m| !(1..=12).contains(&m)) {
                v.invalid(
                    "UpdatePaymentMeans.Card",
                    "ExpMonth",
                    "must be between 1 and 12",
                );
            }
            if y.is_some_and(|y| !(2000..=9999).contains(&y)) {
                v.invalid(
                    "UpdatePaymentMeans.Card",
                    "ExpYear",
                    "must be between 2000 and 9999",
                );
            }
            exp = m.zip(y);
        }
    }
    if !v.ok() {
        return Err(v.into_error());
    }
    let (Some(id), Some((month, year))) = (id, exp) else {
        return Err(SpError::validation(vec![
            "Request validation failed".into(),
        ]));
    };
    let mut st = lock(&app.saferpay);
    let key = live_alias(&st, &id, ctx.now)?.id.clone();
    let Some(a) = st.aliases.get_mut(&key) else {
        return Err(SpError::business("ALIAS_INVALID", "Alias invalid"));
    };
    a.card.exp_month = month;
    a.card.exp_year = year;
    if let Some(l) = lifetime {
        // The new lifetime counts from now.
        a.lifetime = l;
        a.created = ctx.now;
    }
    Ok(alias_json(a))
}

fn alias_id(v: &mut V, body: &Value) -> Option<String> {
    v.string(body, "", "AliasId", true, Rule::Id(1, 40))
        .map(str::to_string)
}

fn inquire(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let mut v = V::default();
    let id = alias_id(&mut v, ctx.body);
    if !v.ok() {
        return Err(v.into_error());
    }
    let st = lock(&app.saferpay);
    live_alias(&st, &id.unwrap_or_default(), ctx.now).map(alias_json)
}

fn delete(app: &Arc<App>, ctx: &Json) -> Result<Value, SpError> {
    let mut v = V::default();
    let id = alias_id(&mut v, ctx.body);
    if !v.ok() {
        return Err(v.into_error());
    }
    let id = id.unwrap_or_default();
    let mut st = lock(&app.saferpay);
    let key = live_alias(&st, &id, ctx.now)?.id.clone();
    st.aliases.remove(&key);
    Ok(json!({}))
}

fn batch_close(ctx: &Json) -> Result<Value, SpError> {
    let mut v = V::default();
    let tid = v.string(ctx.body, "", "TerminalId", true, Rule::Numeric(8, 8));
    if !v.ok() {
        return Err(v.into_error());
    }
    let tid = tid.unwrap_or_default();
    if terminal(tid).is_none() {
        return Err(SpError::new(
            403,
            "DO_NOT_RETRY",
            "PERMISSION_DENIED",
            "Permission denied",
        )
        .detail(format!("Terminal {tid} does not belong to customer")));
    }
    Ok(json!({}))
}
