//! Smart Transactions: create, get, update, list, prepare, start, cancel, abort, setDelivery,
//! and completing a checkout as the payer.

use super::{Ptx, Stx, bad_request, not_found, push};
use crate::clock::fmt_secu;
use crate::credentials::SECUCONNECT_CONTRACT_ID;
use crate::error::SandboxError;
use crate::reply::{ApiRequest, Reply};
use crate::routes::Route;
use crate::state::{App, lock};
use crate::stats::inc;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use std::cmp::Ordering;
use std::sync::Arc;

const PREPARE_METHODS: &[&str] = &[
    "creditcard",
    "debit",
    "easycredit",
    "invoice",
    "paypal",
    "prepaid",
    "eps",
    "giropay",
    "sofort",
];
const START_METHODS: &[&str] = &[
    "cash",
    "cashless",
    "debit",
    "invoice",
    "loyalty",
    "prepaid",
    "cashless_direct",
    "ccload",
];

/// Dispatch the Smart Transaction routes.
pub fn handle(app: &Arc<App>, route: Route, req: &ApiRequest) -> Reply {
    match route {
        Route::StxCreate => create(app, req),
        Route::StxList => list(app, req),
        Route::StxGet => {
            let st = lock(&app.secu);
            match st.stx.get(req.param(0)) {
                Some(s) => Reply::json(200, &s.obj),
                None => not_found(req.param(0)),
            }
        }
        Route::StxUpdate => update(app, req),
        Route::StxPrepare => prepare(app, req),
        Route::StxStart => start(app, req),
        Route::StxCancel => cancel(app, req),
        Route::StxAbort => abort(app, req),
        Route::StxSetDelivery => set_delivery(app, req),
        _ => not_found(req.param(0)),
    }
}

fn body_object(req: &ApiRequest, required: bool) -> Result<Map<String, Value>, Reply> {
    if req.body.iter().all(u8::is_ascii_whitespace) {
        if required {
            return Err(bad_request("request body is empty"));
        }
        return Ok(Map::new());
    }
    if !req.content_type_is_json() {
        return Err(super::product_error(
            415,
            "ProductUnsupportedMediaTypeException",
            "Content-Type must be application/json",
            1005,
        ));
    }
    match req.json() {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(bad_request("request body must be a JSON object")),
        Err(e) => Err(bad_request(&e)),
    }
}

fn int_field(v: &Value, path: &str, errs: &mut Vec<String>) -> Option<i64> {
    match v {
        Value::Number(n) if n.is_i64() => n.as_i64(),
        Value::Number(_) => {
            errs.push(format!("{path}: must be an integer (minor units)"));
            None
        }
        Value::String(s) if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) => {
            s.parse().ok()
        }
        _ => {
            errs.push(format!("{path}: must be an integer"));
            None
        }
    }
}

/// Sum of a basket as the checkout computes it.
fn basket_total(products: &[Value], errs: &mut Vec<String>) -> i64 {
    let mut total = 0i64;
    for (i, p) in products.iter().enumerate() {
        let path = format!("basket.products[{i}]");
        let kind = p
            .get("item_type")
            .and_then(Value::as_str)
            .unwrap_or("article");
        match kind {
            "article" | "shipping" | "subscription" | "coupon" => {
                let price = match p.get("priceOne") {
                    Some(v) => int_field(v, &format!("{path}.priceOne"), errs).unwrap_or(0),
                    None => {
                        errs.push(format!("{path}.priceOne: required"));
                        0
                    }
                };
                let qty = match p.get("quantity") {
                    Some(v) => int_field(v, &format!("{path}.quantity"), errs).unwrap_or(1),
                    None => {
                        errs.push(format!("{path}.quantity: required"));
                        1
                    }
                };
                if p.get("desc").is_none() && p.get("name").is_none() {
                    errs.push(format!("{path}.desc: required"));
                }
                let line = price.saturating_mul(qty);
                if kind == "coupon" {
                    total -= line.abs();
                } else {
                    total += line;
                }
            }
            "sub_transaction" => {
                total += p
                    .get("sum")
                    .and_then(|v| int_field(v, &format!("{path}.sum"), errs))
                    .unwrap_or(0);
            }
            "stakeholder_payment" => {}
            other => errs.push(format!("{path}.item_type: unknown item type {other:?}")),
        }
    }
    total
}

/// Validate basket_info (+ basket); returns the normalised basket_info.
fn check_basket(
    m: &Map<String, Value>,
    default_currency: &str,
    errs: &mut Vec<String>,
) -> Option<Value> {
    let Some(info) = m.get("basket_info") else {
        errs.push("basket_info: required".into());
        return None;
    };
    let Value::Object(info) = info else {
        errs.push("basket_info: must be an object".into());
        return None;
    };
    let sum = match info.get("sum") {
        Some(Value::Number(n)) if n.is_i64() && n.as_i64().is_some_and(|x| x >= 0) => n.as_i64(),
        Some(_) => {
            errs.push("basket_info.sum: must be a non-negative integer in minor units".into());
            None
        }
        None => {
            errs.push("basket_info.sum: required".into());
            None
        }
    };
    let currency = match info.get("currency") {
        None | Some(Value::Null) => default_currency.to_string(),
        Some(Value::String(c)) if crate::currency::find(c).is_some() => c.clone(),
        Some(_) => {
            errs.push("basket_info.currency: unknown ISO 4217 currency".into());
            default_currency.to_string()
        }
    };
    if let Some(basket) = m.get("basket") {
        match basket.get("products") {
            Some(Value::Array(products)) => {
                let total = basket_total(products, errs);
                if let Some(s) = sum
                    && s != total
                {
                    errs.push(format!(
                        "basket_info.sum: {s} does not match the basket total {total}"
                    ));
                }
            }
            None => {}
            Some(_) => errs.push("basket.products: must be an array".into()),
        }
    }
    let mut out = info.clone();
    out.insert("sum".into(), sum.unwrap_or(0).into());
    out.insert("currency".into(), currency.into());
    Some(Value::Object(out))
}

fn check_urls(m: &Map<String, Value>, errs: &mut Vec<String>) {
    if let Some(Value::Object(urls)) = m
        .get("application_context")
        .and_then(|a| a.get("return_urls"))
    {
        for (k, v) in urls {
            match v.as_str() {
                Some(u) if u.len() <= 2000 && (u.starts_with("http://") || u.starts_with("https://")) => {}
                _ => errs.push(format!("application_context.return_urls.{k}: must be an http(s) URL of at most 2000 characters")),
            }
        }
    }
}

/// What the sandbox contract offers (`GET /Payment/Contracts/{id}/paymentMethods`), and so
/// the methods `payment_links` has a link for.
pub const CONTRACT_PAYMENT_METHODS: &[&str] = &[
    "creditcard",
    "debit",
    "invoice",
    "prepaid",
    "paypal",
    "sofort",
];

/// `payment_links` (the SDK's `SmartTransactionsPaymentLinks`): `general` and one per method
/// of the contract.
fn links(app: &App, id: &str) -> Value {
    let base = format!("{}/checkout/{id}", app.base_url);
    let mut links = Map::new();
    for method in CONTRACT_PAYMENT_METHODS {
        links.insert(
            (*method).into(),
            format!("{base}?payment-method={method}").into(),
        );
    }
    links.insert("general".into(), base.into());
    Value::Object(links)
}

fn create(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let m = match body_object(req, true) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let mut errs = Vec::new();
    let contract = match m.get("contract") {
        None | Some(Value::Null) => SECUCONNECT_CONTRACT_ID.to_string(),
        Some(c) => match c.get("id").and_then(Value::as_str) {
            Some(id) => id.to_string(),
            None => {
                errs.push("contract.id: required".into());
                String::new()
            }
        },
    };
    if errs.is_empty() && contract != SECUCONNECT_CONTRACT_ID {
        return super::product_error(
            403,
            "ProductForbiddenException",
            &format!("contract {contract} is not available for this API user"),
            2004,
        );
    }
    let intent = match m.get("intent") {
        None | Some(Value::Null) => "sale".to_string(),
        Some(Value::String(s)) if s == "sale" || s == "order" => s.clone(),
        Some(_) => {
            errs.push("intent: must be \"sale\" or \"order\"".into());
            "sale".into()
        }
    };
    let basket_info = check_basket(&m, "EUR", &mut errs);
    check_urls(&m, &mut errs);
    for key in ["merchantRef", "transactionRef"] {
        if let Some(v) = m.get(key)
            && !v.is_string()
        {
            errs.push(format!("{key}: must be a string"));
        }
    }
    if let Some(ac) = m.get("payment_context").and_then(|p| p.get("auto_capture"))
        && !ac.is_boolean()
    {
        errs.push("payment_context.auto_capture: must be a boolean".into());
    }
    if let Some(c) = m.get("customer")
        && !c.is_object()
    {
        errs.push("customer: must be an object".into());
    }
    if !errs.is_empty() {
        return bad_request(&errs.join("; "));
    }
    let now = app.clock.now();
    let id = crate::ids::secu_id("STX");
    let mut obj = m.clone();
    obj.insert("created".into(), fmt_secu(now).into());
    obj.insert("status".into(), "created".into());
    obj.insert(
        "merchant".into(),
        json!({"object": "general.merchants", "id": super::MERCHANT_ID, "companyname": "paywire Sandbox Shop"}),
    );
    obj.insert(
        "contract".into(),
        json!({"object": "general.contracts", "id": contract}),
    );
    if let Some(Value::Object(c)) = obj.get_mut("customer") {
        c.insert("object".into(), "payment.customers".into());
        c.entry("id")
            .or_insert_with(|| crate::ids::secu_id("PCU").into());
    }
    if let Some(bi) = basket_info {
        obj.insert("basket_info".into(), bi);
    }
    if let Some(Value::Object(b)) = obj.get_mut("basket") {
        b.entry("type").or_insert_with(|| "default".into());
    }
    obj.insert(
        "is_demo".into(),
        m.get("is_demo").cloned().unwrap_or(Value::Bool(false)),
    );
    obj.insert("intent".into(), intent.into());
    obj.insert("payment_links".into(), links(app, &id));
    // The model lists the payments; a Smart Transaction without one has an empty list.
    obj.insert("transactions".into(), json!([]));
    obj.insert(
        "checkout_links".into(),
        json!({"url_checkout": format!("{}/checkout/{id}", app.base_url)}),
    );
    obj.insert("object".into(), "smart.transactions".into());
    obj.insert("id".into(), id.clone().into());
    let stx = Stx {
        id: id.clone(),
        obj: Value::Object(obj),
        created: now,
        ptx: None,
    };
    let out = stx.obj.clone();
    let mut st = lock(&app.secu);
    if let Some(Value::String(r)) = m.get("merchantRef") {
        let c = st.merchant_refs.entry(r.clone()).or_insert(0);
        *c += 1;
        if *c > 1 {
            inc(&app.stats.duplicates.smart_transactions);
            inc(&app.stats.executed_duplicates.smart_transactions);
        }
    }
    st.stx.insert(id.clone(), stx);
    st.stx_order.push(id);
    inc(&app.stats.effects.smart_transactions_created);
    Reply::json(200, &out)
}

fn update(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let m = match body_object(req, true) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let now = app.clock.now();
    let mut st = lock(&app.secu);
    let Some(stx) = st.stx.get_mut(req.param(0)) else {
        return not_found(req.param(0));
    };
    // Changes are possible until the payment is started: after create and after prepare.
    if !["created", "approved"].contains(&stx.status()) {
        return bad_request(&format!(
            "smart transaction is {}; it can only be updated before the payment starts",
            stx.status()
        ));
    }
    let mut errs = Vec::new();
    let currency = stx.currency();
    // basket and basket_info must always be resent; otherwise the basket is dropped and
    // basket_info reset (documented behaviour).
    let basket_info = if m.contains_key("basket_info") {
        check_basket(&m, &currency, &mut errs)
    } else {
        Some(json!({"sum": 0, "currency": currency}))
    };
    if m.get("intent")
        .is_some_and(|i| i.as_str() != Some("sale") && i.as_str() != Some("order"))
    {
        errs.push("intent: must be \"sale\" or \"order\"".into());
    }
    if !errs.is_empty() {
        return bad_request(&errs.join("; "));
    }
    if let Value::Object(obj) = &mut stx.obj {
        for (k, v) in &m {
            if [
                "id",
                "object",
                "status",
                "created",
                "updated",
                "contract",
                "merchant",
                "application_context",
                "payment_links",
                "checkout_links",
                "basket_info",
                "basket",
            ]
            .contains(&k.as_str())
            {
                continue;
            }
            obj.insert(k.clone(), v.clone());
        }
        if let Some(bi) = basket_info {
            obj.insert("basket_info".into(), bi);
        }
        match m.get("basket") {
            Some(b) => {
                let mut b = b.clone();
                if let Value::Object(bm) = &mut b {
                    bm.entry("type").or_insert_with(|| "default".into());
                }
                obj.insert("basket".into(), b);
            }
            None => {
                obj.remove("basket");
            }
        }
        obj.insert("updated".into(), fmt_secu(now).into());
    }
    Reply::json(200, &stx.obj)
}

fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti, mut star, mut mark) = (0usize, 0usize, None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for part in path.split('.') {
        cur = cur.get(part)?;
    }
    Some(cur)
}

fn value_text(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Number(n) => vec![n.to_string()],
        Value::Bool(b) => vec![b.to_string()],
        Value::Array(a) => a.iter().flat_map(value_text).collect(),
        _ => Vec::new(),
    }
}

/// What a term matches: a glob, or a range `[a TO b]` (inclusive) / `{a TO b}` (exclusive),
/// `*` for an open end, as in the guides' `created:[2026-01-01 TO *]`.
#[derive(Debug, Clone, PartialEq)]
enum Pattern {
    Glob(String),
    Range {
        low: Option<String>,
        high: Option<String>,
        inclusive: bool,
    },
}

type Term = (bool, String, Pattern);

fn parse_pattern(value: &str) -> Result<Pattern, String> {
    let value = value.trim();
    let inclusive = value.starts_with('[');
    if !(inclusive || value.starts_with('{')) {
        if value.contains(['[', ']', '{', '}']) {
            return Err(format!("q: {value:?} is not a value or a range [a TO b]"));
        }
        return Ok(Pattern::Glob(value.trim_matches('"').to_string()));
    }
    let close = if inclusive { ']' } else { '}' };
    let inner = value
        .strip_prefix(['[', '{'])
        .and_then(|v| v.strip_suffix(close))
        .ok_or_else(|| format!("q: range {value:?} must end with {close}"))?;
    let (low, high) = inner
        .split_once(" TO ")
        .ok_or_else(|| format!("q: range {value:?} must be [low TO high]"))?;
    let end = |v: &str| {
        let v = v.trim().trim_matches('"');
        (v != "*").then(|| v.to_string())
    };
    Ok(Pattern::Range {
        low: end(low),
        high: end(high),
        inclusive,
    })
}

fn parse_query(q: &str) -> Result<Vec<Vec<Term>>, String> {
    if q.contains('(') || q.contains(')') {
        return Err("q: grouping is not supported by the sandbox".into());
    }
    let mut groups = Vec::new();
    for group in q.split(" OR ") {
        let mut terms = Vec::new();
        for raw in group.split(" AND ") {
            let mut t = raw.trim();
            if t.is_empty() {
                continue;
            }
            let mut negate = false;
            if let Some(rest) = t.strip_prefix("NOT ") {
                negate = true;
                t = rest.trim();
            }
            let Some((field, value)) = t.split_once(':') else {
                return Err(format!("q: term {t:?} is not field:value"));
            };
            terms.push((negate, field.trim().to_string(), parse_pattern(value)?));
        }
        if !terms.is_empty() {
            groups.push(terms);
        }
    }
    Ok(groups)
}

/// Orders two values of a field: as numbers when both are, else as text (ISO dates and
/// times order correctly as text; a date bound compares with a timestamp by its prefix).
fn order_values(a: &str, b: &str) -> Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => {
            let n = a.len().min(b.len());
            match a[..floor_char(a, n)].cmp(&b[..floor_char(b, n)]) {
                Ordering::Equal => Ordering::Equal,
                other => other,
            }
        }
    }
}

fn floor_char(s: &str, mut n: usize) -> usize {
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    n
}

fn pattern_hit(pattern: &Pattern, text: &str) -> bool {
    match pattern {
        Pattern::Glob(g) => glob(g, text),
        Pattern::Range {
            low,
            high,
            inclusive,
        } => {
            let above = low.as_deref().is_none_or(|l| match order_values(text, l) {
                Ordering::Greater => true,
                Ordering::Equal => *inclusive,
                Ordering::Less => false,
            });
            let below = high.as_deref().is_none_or(|h| match order_values(text, h) {
                Ordering::Less => true,
                Ordering::Equal => *inclusive,
                Ordering::Greater => false,
            });
            above && below
        }
    }
}

fn matches(obj: &Value, groups: &[Vec<Term>]) -> bool {
    groups.is_empty()
        || groups.iter().any(|terms| {
            terms.iter().all(|(neg, field, pattern)| {
                let hit = lookup(obj, field)
                    .map(value_text)
                    .unwrap_or_default()
                    .iter()
                    .any(|t| pattern_hit(pattern, t));
                hit != *neg
            })
        })
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(x), Some(y)) => value_text(x).join(",").cmp(&value_text(y).join(",")),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn list(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let st = lock(&app.secu);
    let items: Vec<Value> = st
        .stx_order
        .iter()
        .filter_map(|id| st.stx.get(id))
        .map(|s| s.obj.clone())
        .collect();
    drop(st);
    list_reply(req, items)
}

/// A list answer `{count, data}` over `items` (in creation order), with the API's `count`,
/// `offset`, `q` and `sort` parameters.
pub(crate) fn list_reply(req: &ApiRequest, items: Vec<Value>) -> Reply {
    let q = req.query_pairs();
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let count = match get("count") {
        None => 20usize,
        Some(c) => match c.parse::<usize>() {
            Ok(n) => n.min(1000),
            Err(_) => return bad_request("count: must be a non-negative integer"),
        },
    };
    let offset = match get("offset") {
        None => 0usize,
        Some(o) => match o.parse::<usize>() {
            Ok(n) => n,
            Err(_) => return bad_request("offset: must be a non-negative integer"),
        },
    };
    let groups = match get("q").map(|s| parse_query(&s)).transpose() {
        Ok(g) => g.unwrap_or_default(),
        Err(e) => return bad_request(&e),
    };
    let mut sort = Vec::new();
    if let Some(s) = get("sort") {
        for part in s.split(',').filter(|p| !p.trim().is_empty()) {
            let (field, dir) = part.split_once(':').unwrap_or((part, "asc"));
            let desc = match dir.trim() {
                "asc" => false,
                "desc" => true,
                _ => {
                    return bad_request(&format!(
                        "sort: direction of {field:?} must be asc or desc"
                    ));
                }
            };
            sort.push((field.trim().to_string(), desc));
        }
    }
    let mut items: Vec<&Value> = items.iter().filter(|o| matches(o, &groups)).collect();
    if !sort.is_empty() {
        items.sort_by(|a, b| {
            for (field, desc) in &sort {
                let o = compare(lookup(a, field), lookup(b, field));
                let o = if *desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
    }
    let total = items.len();
    let data: Vec<Value> = items
        .into_iter()
        .skip(offset)
        .take(count)
        .cloned()
        .collect();
    Reply::json(200, &json!({"count": total, "data": data}))
}

/// Create a payment transaction for a smart transaction.
fn new_ptx(st: &mut super::State, stx: &Stx, method: &str, status: u8, now: DateTime<Utc>) -> Ptx {
    st.next_trans_id += 1;
    let trans_id = 40_000_000 + st.next_trans_id;
    Ptx {
        id: crate::ids::secu_id("PCI"),
        trans_id,
        hash: format!("{}{}", crate::ids::letters(12), trans_id % 10_000_000),
        stx_id: Some(stx.id.clone()),
        amount: stx.amount(),
        remaining: stx.amount(),
        currency: stx.currency(),
        status,
        payment_method: method.to_string(),
        created: now,
        updated: now,
        children: Vec::new(),
        parent: None,
        reduced_once: false,
        order_id: stx.str_at("merchantRef"),
        purpose: stx.str_at("transactionRef"),
        // Invoice payments are receivables until paid (`accrual`; see revokeAccrual).
        accrual: method == "invoice",
        captured: false,
    }
}

fn attach(stx: &mut Stx, ptx: &Ptx, container: Option<Value>) {
    stx.ptx = Some(ptx.id.clone());
    if let Value::Object(m) = &mut stx.obj {
        m.insert("payment_method".into(), ptx.payment_method.clone().into());
        m.insert("trans_id".into(), ptx.trans_id.into());
        m.insert(
            "transactions".into(),
            json!([{"object": "payment.transactions", "id": ptx.id, "trans_id": ptx.trans_id, "transaction_hash": ptx.hash}]),
        );
        if let Some(c) = container {
            m.insert("container".into(), c);
        }
        if ["prepaid", "invoice"].contains(&ptx.payment_method.as_str()) {
            m.insert(
                "payment_instructions".into(),
                json!({
                    "owner": "paywire Sandbox AG",
                    "iban": "DE81850400611005523759",
                    "bic": "COBADEFFXXX",
                    "bankname": "Sandbox Bank",
                    "purpose": format!("TA {}", ptx.trans_id),
                }),
            );
        }
    }
}

fn container_for(method: &str, body: &Map<String, Value>) -> Result<Option<Value>, String> {
    let c = body.get("container");
    match (method, c) {
        ("debit", None) => Err(
            "container: a bank_account container (inline or by id) is required for debit".into(),
        ),
        (_, None) => Ok(match method {
            "creditcard" => Some(
                json!({"type": "credit_card", "object": "payment.containers", "id": crate::ids::secu_id("PCT")}),
            ),
            _ => None,
        }),
        (_, Some(c)) => {
            if let Some(id) = c.get("id").and_then(Value::as_str) {
                if !id.starts_with("PCT_") {
                    return Err("container.id: must be a PCT_ id".into());
                }
                return Ok(Some(
                    json!({"type": "bank_account", "object": "payment.containers", "id": id}),
                ));
            }
            let kind = c.get("type").and_then(Value::as_str).unwrap_or("");
            if method == "debit" && kind != "bank_account" {
                return Err("container.type: must be bank_account for debit".into());
            }
            if kind == "bank_account" {
                let iban = c
                    .pointer("/private/iban")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let clean: String = iban.chars().filter(|ch| !ch.is_whitespace()).collect();
                let ok = clean.len() >= 15
                    && clean.len() <= 34
                    && clean.chars().take(2).all(|ch| ch.is_ascii_uppercase())
                    && clean.chars().all(|ch| ch.is_ascii_alphanumeric());
                if !ok {
                    return Err("container.private.iban: not a valid IBAN".into());
                }
            }
            Ok(Some(
                json!({"type": if kind.is_empty() { "bank_account" } else { kind }, "object": "payment.containers", "id": crate::ids::secu_id("PCT")}),
            ))
        }
    }
}

/// Resolves the container of a prepare or start against the stored ones: an existing
/// container by id must exist and fit the method; an inline one (and the card container a
/// card payment creates) is stored, so `GET /Payment/Containers/{id}` finds it.
fn resolve_container(
    st: &mut super::State,
    method: &str,
    body: &Map<String, Value>,
    container: Option<Value>,
    now: DateTime<Utc>,
) -> Result<Option<Value>, Reply> {
    let Some(mut c) = container else {
        return Ok(None);
    };
    let id = c
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let by_id = body
        .get("container")
        .and_then(|c| c.get("id"))
        .and_then(Value::as_str)
        .is_some();
    if by_id {
        let Some(stored) = st.containers.get(&id) else {
            return Err(not_found(&id));
        };
        let kind = stored.get("type").and_then(Value::as_str).unwrap_or("");
        let fits = match method {
            "debit" => kind == "bank_account",
            "creditcard" => kind == "credit_card",
            _ => true,
        };
        if !fits {
            return Err(bad_request(&format!(
                "container.id: a {kind} container cannot pay by {method}"
            )));
        }
        c["type"] = kind.into();
    } else {
        let kind = c
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let private = body
            .get("container")
            .and_then(|c| c.get("private"))
            .and_then(Value::as_object);
        let customer = body
            .get("customer")
            .and_then(|c| c.get("id"))
            .and_then(Value::as_str);
        let obj = super::payment_containers::container_json(&id, &kind, private, customer, now);
        super::payment_containers::store(st, obj);
    }
    Ok(Some(c))
}

fn push_url(stx: &Stx) -> Option<String> {
    stx.str_at("application_context.return_urls.url_push")
}

fn prepare(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let body = match body_object(req, false) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let (id, method) = (req.param(0), req.param(1));
    if !PREPARE_METHODS.contains(&method) {
        return bad_request(&format!(
            "payment method {method:?} is not supported by /prepare (use one of {})",
            PREPARE_METHODS.join(", ")
        ));
    }
    let container = match container_for(method, &body) {
        Ok(c) => c,
        Err(e) => return bad_request(&e),
    };
    let now = app.clock.now();
    let mut st = lock(&app.secu);
    let Some(stx) = st.stx.get(id).cloned() else {
        return not_found(id);
    };
    if stx.status() != "created" {
        return bad_request(&format!(
            "smart transaction is {}; /prepare needs status created",
            stx.status()
        ));
    }
    let container = match resolve_container(&mut st, method, &body, container, now) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let auto = stx
        .obj
        .pointer("/payment_context/auto_capture")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    // PayPal needs the payer: the payment waits (status 0, the Smart Transaction stays
    // `created`) until they finish the external step at `iframe_url`; `start` before that is
    // refused. Card payments are authorised at once (as with a stored card).
    let external = method == "paypal";
    let (ptx_status, stx_status) = if external {
        (0, "created")
    } else if method == "prepaid" {
        (10, "pending")
    } else if auto {
        (1, stx.paid_status())
    } else {
        (2, "approved")
    };
    let ptx = new_ptx(&mut st, &stx, method, ptx_status, now);
    let ptx_id = ptx.id.clone();
    let mut stx = stx;
    attach(&mut stx, &ptx, container);
    stx.set_status(stx_status, now);
    if external && let Value::Object(m) = &mut stx.obj {
        m.insert(
            "iframe_url".into(),
            format!(
                "{}/checkout/{}?payment-method={method}",
                app.base_url, stx.id
            )
            .into(),
        );
    }
    let out = stx.obj.clone();
    let url = push_url(&stx);
    st.ptx.insert(ptx_id.clone(), ptx);
    st.stx.insert(stx.id.clone(), stx);
    drop(st);
    push(app, url, &ptx_id, "changed");
    Reply::json(200, &out)
}

fn start(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let body = match body_object(req, false) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let (id, method) = (req.param(0), req.param(1));
    let now = app.clock.now();
    let mut st = lock(&app.secu);
    let Some(mut stx) = st.stx.get(id).cloned() else {
        return not_found(id);
    };
    let status = stx.status().to_string();
    let ptx_id = match status.as_str() {
        "approved" => {
            let prepared = stx.str_at("payment_method").unwrap_or_default();
            if !method.is_empty() && method != prepared {
                return bad_request(&format!(
                    "payment method {method:?} differs from the prepared method {prepared:?}"
                ));
            }
            let Some(pid) = stx.ptx.clone() else {
                return bad_request("smart transaction has no prepared payment");
            };
            if let Some(p) = st.ptx.get_mut(&pid) {
                p.status = 1;
                p.updated = now;
            }
            stx.set_status(stx.paid_status(), now);
            pid
        }
        "created" => {
            if let Some(pid) = &stx.ptx
                && st.ptx.get(pid).is_some_and(|p| p.status == 0)
            {
                return bad_request(
                    "the payer has not finished the external authorisation yet (iframe_url)",
                );
            }
            if method.is_empty() {
                return bad_request("payment method required: /start/{payment_method}");
            }
            if !START_METHODS.contains(&method) && !PREPARE_METHODS.contains(&method) {
                return bad_request(&format!(
                    "payment method {method:?} is not supported by /start"
                ));
            }
            let container = match container_for(method, &body) {
                Ok(c) => c,
                Err(e) => return bad_request(&e),
            };
            let container = match resolve_container(&mut st, method, &body, container, now) {
                Ok(c) => c,
                Err(r) => return r,
            };
            let (ps, ss) = if method == "prepaid" {
                (10, "pending")
            } else {
                (1, stx.paid_status())
            };
            let ptx = new_ptx(&mut st, &stx, method, ps, now);
            attach(&mut stx, &ptx, container);
            stx.set_status(ss, now);
            let pid = ptx.id.clone();
            st.ptx.insert(pid.clone(), ptx);
            pid
        }
        other => {
            return bad_request(&format!(
                "smart transaction is {other}; /start needs status created or approved"
            ));
        }
    };
    let out = stx.obj.clone();
    let url = push_url(&stx);
    st.stx.insert(stx.id.clone(), stx);
    drop(st);
    push(app, url, &ptx_id, "changed");
    Reply::json(200, &out)
}

/// Cancel a payment transaction fully (void or refund); returns the ids pushed.
pub fn cancel_ptx_full(
    app: &App,
    st: &mut super::State,
    ptx_id: &str,
    now: DateTime<Utc>,
) -> Option<String> {
    let p = st.ptx.get(ptx_id)?.clone();
    match p.status {
        2 | 10 => {
            if let Some(x) = st.ptx.get_mut(ptx_id) {
                x.status = 5;
                x.remaining = 0;
                x.updated = now;
            }
            Some(ptx_id.to_string())
        }
        1 if p.remaining > 0 => {
            super::payment_transactions::count_refund(app, st, &p, p.remaining);
            let child = super::payment_transactions::refund_child(st, &p, p.remaining, now);
            if let Some(x) = st.ptx.get_mut(ptx_id) {
                x.remaining = 0;
                x.status = 7;
                x.updated = now;
                x.children.push(child);
            }
            Some(ptx_id.to_string())
        }
        _ => None,
    }
}

fn cancel(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let id = req.param(0);
    let now = app.clock.now();
    let mut st = lock(&app.secu);
    let Some(mut stx) = st.stx.get(id).cloned() else {
        return not_found(id);
    };
    let status = stx.status().to_string();
    if ["cancelled", "failed"].contains(&status.as_str()) {
        return bad_request(&format!("smart transaction is already {status}"));
    }
    let pushed = stx
        .ptx
        .clone()
        .and_then(|p| cancel_ptx_full(app, &mut st, &p, now));
    stx.set_status("cancelled", now);
    let out = stx.obj.clone();
    let url = push_url(&stx);
    st.stx.insert(stx.id.clone(), stx);
    drop(st);
    inc(&app.stats.effects.cancels);
    if let Some(p) = pushed {
        push(app, url, &p, "changed");
    }
    Reply::json(200, &out)
}

fn abort(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let id = req.param(0);
    let now = app.clock.now();
    let mut st = lock(&app.secu);
    let Some(mut stx) = st.stx.get(id).cloned() else {
        return not_found(id);
    };
    let status = stx.status().to_string();
    if status != "created" && status != "approved" {
        return bad_request(&format!(
            "smart transaction is {status}; only a transaction that has not been started can be aborted"
        ));
    }
    let pushed = stx
        .ptx
        .clone()
        .and_then(|p| cancel_ptx_full(app, &mut st, &p, now));
    stx.set_status("cancelled", now);
    let out = stx.obj.clone();
    let url = push_url(&stx);
    st.stx.insert(stx.id.clone(), stx);
    drop(st);
    if let Some(p) = pushed {
        push(app, url, &p, "changed");
    }
    Reply::json(200, &out)
}

fn set_delivery(app: &Arc<App>, req: &ApiRequest) -> Reply {
    let body = match body_object(req, false) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let id = req.param(0);
    let now = app.clock.now();
    let mut st = lock(&app.secu);
    let Some(stx) = st.stx.get_mut(id) else {
        return not_found(id);
    };
    let status = stx.status().to_string();
    if !["ok", "received", "collection", "shipped"].contains(&status.as_str()) {
        return bad_request(&format!(
            "smart transaction is {status}; setDelivery needs a captured transaction"
        ));
    }
    let options = body
        .get("delivery_options")
        .cloned()
        .unwrap_or_else(|| json!({"type": "shipping"}));
    let kind = options
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("shipping");
    let next = match kind {
        "shipping" => "shipped",
        "collection" => "collected",
        other => return bad_request(&format!("delivery_options.type: unknown type {other:?}")),
    };
    if let Value::Object(m) = &mut stx.obj {
        m.insert("delivery_options".into(), options);
    }
    stx.set_status(next, now);
    Reply::json(200, &stx.obj)
}

/// Complete a checkout as the payer: `success` or `failure`.
pub fn complete(app: &Arc<App>, id: &str, outcome: &str) -> Result<Value, SandboxError> {
    complete_with(app, id, outcome, None)
}

/// Complete a checkout as the payer with the payment method the page was opened for (the
/// `payment_links` entry; `None`: the prepared one, else credit card). Prepayment leaves the
/// payment pending with the bank data to transfer to (`payment_instructions`) until the
/// transfer arrives (a second `success`); the other methods are paid at once.
pub fn complete_with(
    app: &Arc<App>,
    id: &str,
    outcome: &str,
    method: Option<&str>,
) -> Result<Value, SandboxError> {
    let now = app.clock.now();
    let mut st = lock(&app.secu);
    let mut stx = st
        .stx
        .get(id)
        .cloned()
        .ok_or_else(|| SandboxError::UnknownSmartTransaction(id.to_string()))?;
    let status = stx.status().to_string();
    if !["created", "approved", "pending"].contains(&status.as_str()) {
        return Err(SandboxError::InvalidState(format!(
            "smart transaction {id} is {status}"
        )));
    }
    if let Some(m) = method
        && !CONTRACT_PAYMENT_METHODS.contains(&m)
    {
        return Err(SandboxError::InvalidState(format!(
            "payment method {m:?} is not offered by the contract"
        )));
    }
    let (ptx_id, fresh) = match stx.ptx.clone() {
        Some(p) => (p, false),
        None => {
            let method = method
                .map(str::to_string)
                .or_else(|| stx.str_at("payment_method"))
                .unwrap_or_else(|| "creditcard".into());
            let ptx = new_ptx(&mut st, &stx, &method, 2, now);
            let container = match method.as_str() {
                "creditcard" => container_for("creditcard", &Map::new()).ok().flatten(),
                "debit" => Some(
                    json!({"type": "bank_account", "object": "payment.containers", "id": crate::ids::secu_id("PCT")}),
                ),
                _ => None,
            };
            if let Some(c) = &container {
                let kind = c.get("type").and_then(Value::as_str).unwrap_or("");
                let cid = c.get("id").and_then(Value::as_str).unwrap_or("");
                let obj = super::payment_containers::container_json(cid, kind, None, None, now);
                super::payment_containers::store(&mut st, obj);
            }
            attach(&mut stx, &ptx, container);
            let pid = ptx.id.clone();
            st.ptx.insert(pid.clone(), ptx);
            (pid, true)
        }
    };
    let prepaid = st
        .ptx
        .get(&ptx_id)
        .is_some_and(|p| p.payment_method == "prepaid");
    // A prepared payment waiting for the payer's external step (PayPal).
    let external = st.ptx.get(&ptx_id).is_some_and(|p| p.status == 0);
    let auto = stx
        .obj
        .pointer("/payment_context/auto_capture")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if outcome == "success" && external && !auto {
        // Authorised by the payer; the merchant's `start` captures.
        if let Some(p) = st.ptx.get_mut(&ptx_id) {
            p.status = 2;
            p.updated = now;
        }
        stx.set_status("approved", now);
    } else if outcome == "success" && prepaid && fresh {
        // The payer chose prepayment: nothing is paid until the transfer arrives.
        if let Some(p) = st.ptx.get_mut(&ptx_id) {
            p.status = 10;
            p.updated = now;
        }
        stx.set_status("pending", now);
    } else if outcome == "success" {
        if let Some(p) = st.ptx.get_mut(&ptx_id) {
            p.status = 1;
            p.updated = now;
        }
        stx.set_status(stx.paid_status(), now);
        inc(&app.stats.effects.smart_transactions_completed);
    } else {
        if let Some(p) = st.ptx.get_mut(&ptx_id) {
            p.status = 3;
            p.updated = now;
        }
        stx.set_status("failed", now);
        inc(&app.stats.effects.smart_transactions_failed);
    }
    let out = stx.obj.clone();
    let url = push_url(&stx);
    st.stx.insert(stx.id.clone(), stx);
    drop(st);
    push(app, url, &ptx_id, "changed");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_and_query() {
        assert!(glob("abc*", "ABCdef") && glob("a?c", "abc") && !glob("a?c", "abbc"));
        let g = parse_query("status:ok AND merchantRef:order-*").unwrap();
        let obj = json!({"status": "ok", "merchantRef": "order-7"});
        assert!(matches(&obj, &g));
        let g = parse_query("status:created OR NOT merchantRef:x*").unwrap();
        assert!(matches(&obj, &g));
        assert!(parse_query("(a:b)").is_err());
        let g = parse_query("created:[2026-01-01 TO *]").unwrap();
        assert!(matches(
            &json!({"created": "2026-01-02T10:00:00+01:00"}),
            &g
        ));
        assert!(matches(
            &json!({"created": "2026-01-01T00:00:00+01:00"}),
            &g
        ));
        assert!(!matches(
            &json!({"created": "2025-12-31T23:59:59+01:00"}),
            &g
        ));
        let g = parse_query("basket_info.sum:{100 TO 500}").unwrap();
        assert!(matches(&json!({"basket_info": {"sum": 300}}), &g));
        assert!(!matches(&json!({"basket_info": {"sum": 500}}), &g));
        assert!(parse_query("created:[2026-01-01 TO").is_err());
    }

    #[test]
    fn basket_rules() {
        let mut errs = Vec::new();
        let products = json!([
            {"id": 0, "desc": "pen", "priceOne": 1595, "tax": 19, "quantity": 2},
            {"id": 1, "desc": "case", "priceOne": 1795, "tax": "19", "quantity": 1},
            {"item_type": "coupon", "desc": "c", "priceOne": 100, "quantity": 1}
        ]);
        assert_eq!(basket_total(products.as_array().unwrap(), &mut errs), 4885);
        assert!(errs.is_empty());
    }
}
