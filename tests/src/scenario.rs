//! Runs one shared scenario file against an embedded sandbox (see `tests/scenarios/README.md`).

use std::collections::HashMap;
use std::path::Path;

use paywire::links::CreatePaymentLink;
use paywire::{Error, Money, saferpay, secuconnect, sekurepay};
use paywire_sandbox::Sandbox;
use serde_json::{Value, json};

use crate::values::{lookup, matches, substitute};

/// When set, every result (with its `raw` body) and every error (Display and Debug) is
/// appended here, so a test can search what users would see for leaked secrets.
static TRANSCRIPT: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Starts recording results and errors.
pub fn start_transcript() {
    if let Ok(mut t) = TRANSCRIPT.lock() {
        *t = Some(String::new());
    }
}

/// Stops recording and returns what was recorded.
pub fn take_transcript() -> String {
    TRANSCRIPT
        .lock()
        .ok()
        .and_then(|mut t| t.take())
        .unwrap_or_default()
}

fn record(text: impl FnOnce() -> String) {
    if let Ok(mut guard) = TRANSCRIPT.lock()
        && let Some(t) = guard.as_mut()
    {
        t.push_str(&text());
        t.push('\n');
    }
}

/// The sandbox's pre-configured clients, one per provider.
pub struct Clients {
    pub saferpay: saferpay::Client,
    pub secuconnect: secuconnect::Client,
    pub sekurepay: sekurepay::Client,
}

impl Clients {
    pub fn for_sandbox(sandbox: &Sandbox) -> Result<Clients, Error> {
        let saferpay = sandbox.saferpay_client_builder().max_retries(2).build()?;
        let secuconnect = sandbox
            .secuconnect_client_builder()
            .max_retries(2)
            .build()?;
        let sekurepay = sandbox.sekurepay_client_builder().max_retries(2).build()?;
        Ok(Clients {
            saferpay,
            secuconnect,
            sekurepay,
        })
    }
}

/// Runs every step of `scenario`; the error names the step and what differed.
pub async fn run(sandbox: &Sandbox, clients: &Clients, scenario: &Value) -> Result<(), String> {
    // A matrix runs the scenario once per value: {"provider": ["saferpay", "secuconnect"]}.
    let matrix: Vec<(String, Value)> = scenario
        .get("matrix")
        .and_then(Value::as_object)
        .and_then(|m| m.iter().next())
        .map(|(name, values)| {
            values
                .as_array()
                .map(|v| v.iter().map(|x| (name.clone(), x.clone())).collect())
                .unwrap_or_default()
        })
        .unwrap_or_default();
    if matrix.is_empty() {
        return run_once(sandbox, clients, scenario, HashMap::new()).await;
    }
    for (name, value) in matrix {
        let label = value.as_str().unwrap_or_default().to_owned();
        let saved = HashMap::from([(name.clone(), value)]);
        run_once(sandbox, clients, scenario, saved)
            .await
            .map_err(|e| format!("[{name}={label}] {e}"))?;
    }
    Ok(())
}

async fn run_once(
    sandbox: &Sandbox,
    clients: &Clients,
    scenario: &Value,
    mut saved: HashMap<String, Value>,
) -> Result<(), String> {
    sandbox.reset();
    let steps = scenario["steps"]
        .as_array()
        .ok_or("scenario has no steps")?;
    for (index, step) in steps.iter().enumerate() {
        let label = step
            .get("call")
            .or_else(|| step.get("sandbox"))
            .and_then(Value::as_str)
            .unwrap_or("?");
        run_step(sandbox, clients, step, &mut saved)
            .await
            .map_err(|e| format!("step {} ({label}): {e}", index + 1))?;
    }
    Ok(())
}

async fn run_step(
    sandbox: &Sandbox,
    clients: &Clients,
    step: &Value,
    saved: &mut HashMap<String, Value>,
) -> Result<(), String> {
    let args = substitute(step.get("args").unwrap_or(&json!({})), saved, sandbox.url())?;
    let outcome = if let Some(action) = step.get("sandbox").and_then(Value::as_str) {
        sandbox_action(sandbox, action, &args).map(Outcome::Value)
    } else {
        let client = substitute(&step["client"], saved, sandbox.url())?;
        let client = client
            .as_str()
            .ok_or("step has neither client nor sandbox")?;
        let call = step["call"].as_str().ok_or("step has no call")?;
        let collect = step.get("expect_count").is_some() || step.get("expect_unique").is_some();
        Ok(dispatch(clients, client, call, &args, collect).await?)
    };
    let outcome = outcome?;
    match &outcome {
        Outcome::Value(v) => record(|| v.to_string()),
        Outcome::Error(e) => record(|| format!("{e}\n{e:?}\n{}", e.raw().unwrap_or(""))),
        Outcome::Items(..) => {}
    }
    match (step.get("expect_error"), outcome) {
        (Some(want), Outcome::Error(error)) => check_error(want, &error)?,
        (Some(want), Outcome::Value(v)) => return Err(format!("expected error {want}, got {v}")),
        (Some(want), Outcome::Items(n, _, _)) => {
            return Err(format!("expected error {want}, got {n} items"));
        }
        (None, Outcome::Error(error)) => return Err(format!("unexpected error: {error}")),
        (None, Outcome::Value(result)) => {
            if let Some(want) = step.get("expect") {
                matches(&substitute(want, saved, sandbox.url())?, &result, "result")?;
            }
            if let Some(names) = step.get("save").and_then(Value::as_object) {
                for (name, path) in names {
                    let path = path.as_str().ok_or("save paths are strings")?;
                    let value =
                        lookup(&result, path).ok_or_else(|| format!("result has no {path}"))?;
                    saved.insert(name.clone(), value.clone());
                }
            }
        }
        (None, Outcome::Items(count, ids, total)) => {
            let want = match step.get("expect_count") {
                Some(Value::String(s)) if s == "total" => {
                    Some(total.ok_or("the provider reported no total")?)
                }
                Some(other) => other.as_u64(),
                None => None,
            };
            if let Some(want) = want.filter(|w| *w != count) {
                return Err(format!("expected {want} items, got {count}"));
            }
            if step.get("expect_unique").and_then(Value::as_bool) == Some(true) {
                let mut sorted = ids.clone();
                sorted.sort();
                sorted.dedup();
                if sorted.len() != ids.len() {
                    return Err(format!("{} duplicate ids", ids.len() - sorted.len()));
                }
            }
        }
    }
    if let Some(want) = step.get("expect_stats") {
        matches(want, &sandbox.stats(), "stats")?;
    }
    Ok(())
}

enum Outcome {
    Value(Value),
    Error(Error),
    /// An iterator call: how many items, their ids, and the provider's reported total.
    Items(u64, Vec<String>, Option<u64>),
}

fn check_error(want: &Value, error: &Error) -> Result<(), String> {
    let actual = json!({
        "kind": error.kind().as_str(),
        "code": error.code(),
        "field": error.field(),
        "provider": error.provider().map(|p| p.as_str()),
        "http_status": error.http_status(),
        "outcome_unknown": error.outcome_unknown(),
    });
    matches(want, &actual, "error").map_err(|e| format!("{e} (error was: {error})"))
}

fn sandbox_action(sandbox: &Sandbox, action: &str, args: &Value) -> Result<Value, String> {
    let text = |key: &str| {
        args.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let outcome = || {
        args.get("outcome")
            .and_then(Value::as_str)
            .unwrap_or("success")
            .to_owned()
    };
    let result = match action {
        "pay_offer" => sandbox.pay_offer(&text("offer_id"), &outcome()),
        "pay_payment_page" => sandbox.pay_payment_page(&text("token"), &outcome()),
        "complete_smart_transaction" => sandbox.complete_smart_transaction(&text("id"), &outcome()),
        // A payment link is paid on its provider's payer page.
        "pay_payment_link" => match text("provider").as_str() {
            "saferpay" => sandbox.pay_offer(&text("id"), &outcome()),
            "secuconnect" => sandbox.complete_smart_transaction(&text("id"), &outcome()),
            other => return Err(format!("no payment links on {other:?}")),
        },
        "inject_fault" => sandbox
            .inject_fault(
                &text("route"),
                &text("mode"),
                args.get("count").and_then(Value::as_u64).unwrap_or(1) as u32,
            )
            .map(|()| Value::Null),
        "advance_clock" => {
            sandbox.advance_clock(args.get("seconds").and_then(Value::as_i64).unwrap_or(0));
            Ok(Value::Null)
        }
        "expire_tokens" => {
            sandbox.expire_tokens();
            Ok(Value::Null)
        }
        "reset" => {
            sandbox.reset();
            Ok(Value::Null)
        }
        other => return Err(format!("unknown sandbox action {other:?}")),
    };
    result.map_err(|e| e.to_string())
}

fn to_value<T: serde::Serialize>(result: Result<T, Error>) -> Outcome {
    match result {
        Ok(v) => match serde_json::to_value(v) {
            Ok(value) => Outcome::Value(value),
            Err(e) => Outcome::Error(Error::internal(e.to_string())),
        },
        Err(e) => Outcome::Error(e),
    }
}

fn str_arg(args: &Value, key: &str) -> Result<String, String> {
    args.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("argument {key:?} missing or not a string"))
}

fn opt_str(args: &Value, key: &str) -> Option<String> {
    args.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Money from `{"minor": …, "currency": …}`, built like every binding builds it (so an
/// unknown currency names `currency`, a negative amount names `amount`).
pub fn money_arg(args: &Value, key: &str) -> Result<Money, Error> {
    let value = args.get(key).cloned().unwrap_or(Value::Null);
    let minor = value
        .get("minor")
        .and_then(Value::as_i64)
        .ok_or_else(|| Error::validation(key, "must be {minor, currency}"))?;
    let currency = value
        .get("currency")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Money::from_minor(minor, currency)
}

async fn dispatch(
    clients: &Clients,
    client: &str,
    call: &str,
    args: &Value,
    collect: bool,
) -> Result<Outcome, String> {
    match client {
        "saferpay" => match call {
            "create_payment_link" | "get_payment_link" | "cancel_payment_link" => {
                Ok(dispatch_links(&clients.saferpay, call, args).await)
            }
            _ => dispatch_saferpay(&clients.saferpay, call, args, collect).await,
        },
        "secuconnect" => match call {
            "create_payment_link" | "get_payment_link" | "cancel_payment_link" => {
                Ok(dispatch_links(&clients.secuconnect, call, args).await)
            }
            _ => dispatch_secuconnect(&clients.secuconnect, call, args, collect).await,
        },
        "sekurepay" => dispatch_sekurepay(&clients.sekurepay, call, args).await,
        other => Err(format!("unknown client {other:?}")),
    }
}

async fn dispatch_saferpay(
    c: &saferpay::Client,
    call: &str,
    args: &Value,
    collect: bool,
) -> Result<Outcome, String> {
    let terminal = opt_str(args, "terminal_id");
    Ok(match call {
        "create_offer" => to_value(create_offer(c, args).await),
        "get_offer" => to_value(
            c.get_offer(&str_arg(args, "offer_id")?, terminal.as_deref())
                .await,
        ),
        "delete_offer" => to_value(
            c.delete_offer(&str_arg(args, "offer_id")?, terminal.as_deref())
                .await,
        ),
        "license" => to_value(c.license().await),
        "terminals" => to_value(c.terminals().await),
        "terminal" => to_value(c.terminal(&str_arg(args, "terminal_id")?).await),
        "payment_page_configurations" => to_value(c.payment_page_configurations().await),
        "create_fields_access_token" => {
            let urls: Vec<String> = args
                .get("source_urls")
                .and_then(Value::as_array)
                .map(|v| {
                    v.iter()
                        .filter_map(|u| u.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            to_value(
                c.create_fields_access_token(
                    &str_arg(args, "description")?,
                    &urls,
                    terminal.as_deref(),
                )
                .await,
            )
        }
        "delete_fields_access_token" => to_value(
            c.delete_fields_access_token(&str_arg(args, "access_token")?, terminal.as_deref())
                .await,
        ),
        "transactions" => {
            let query = (|| {
                let mut query = saferpay::TransactionQuery::parse(
                    args.get("start")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                    args.get("end").and_then(Value::as_str).unwrap_or_default(),
                )?;
                if let Some(state) = opt_str(args, "state") {
                    query.state = state;
                }
                if let Some(size) = args.get("page_size").and_then(Value::as_u64) {
                    query.page_size = u32::try_from(size).unwrap_or(u32::MAX);
                }
                query.terminal_id = terminal.clone();
                c.transactions(query)
            })();
            match query {
                Err(e) => Outcome::Error(e),
                Ok(mut pager) if collect => {
                    let mut ids = Vec::new();
                    loop {
                        match pager.next_batch(500).await {
                            Ok(batch) if batch.is_empty() => break,
                            Ok(batch) => ids.extend(batch.into_iter().map(|t| t.id)),
                            Err(e) => return Ok(Outcome::Error(e)),
                        }
                    }
                    Outcome::Items(ids.len() as u64, ids, pager.total_transactions())
                }
                Ok(mut pager) => to_value(pager.next_page().await),
            }
        }
        "initialize_payment_page" => match payment_page_request(args) {
            Ok(request) => to_value(c.initialize_payment_page(request).await),
            Err(e) => Outcome::Error(e),
        },
        "assert_payment_page" => to_value(c.assert_payment_page(&str_arg(args, "token")?).await),
        "payment_outcome" => to_value(c.payment_outcome(&str_arg(args, "token")?).await),
        "capture" => {
            let amount = match args.get("amount") {
                Some(v) if !v.is_null() => match money_arg(args, "amount") {
                    Ok(m) => Some(m),
                    Err(e) => return Ok(Outcome::Error(e)),
                },
                _ => None,
            };
            to_value(c.capture(&str_arg(args, "transaction_id")?, amount).await)
        }
        "cancel" => to_value(c.cancel(&str_arg(args, "transaction_id")?).await),
        "inquire" => to_value(c.inquire(&str_arg(args, "transaction_id")?).await),
        "refund" => {
            let request = (|| {
                let mut refund = saferpay::Refund::new(
                    opt_str(args, "capture_id").unwrap_or_default(),
                    money_arg(args, "amount")?,
                );
                refund.order_id = opt_str(args, "order_id");
                refund.description = opt_str(args, "description");
                Ok::<_, Error>(refund)
            })();
            match request {
                Ok(refund) => to_value(c.refund(refund).await),
                Err(e) => Outcome::Error(e),
            }
        }
        "assert_capture" => to_value(c.assert_capture(&str_arg(args, "capture_id")?).await),
        "assert_refund" => to_value(c.assert_refund(&str_arg(args, "transaction_id")?).await),
        other => return Err(format!("the Rust runner does not know saferpay.{other}")),
    })
}

fn payment_page_request(args: &Value) -> Result<saferpay::InitializePaymentPage, Error> {
    let mut request = saferpay::InitializePaymentPage::new(
        money_arg(args, "amount")?,
        opt_str(args, "order_id").unwrap_or_default(),
        opt_str(args, "description").unwrap_or_default(),
        opt_str(args, "return_url").unwrap_or_default(),
    );
    request.success_notify_url = opt_str(args, "success_notify_url");
    request.fail_notify_url = opt_str(args, "fail_notify_url");
    request.payer = json_arg(args, "payer")?;
    request.pre_auth = args
        .get("pre_auth")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    request.terminal_id = opt_str(args, "terminal_id");
    request.config_set = opt_str(args, "config_set");
    request.condition = opt_str(args, "condition");
    request.payer_note = opt_str(args, "payer_note");
    request.payer_email = opt_str(args, "payer_email");
    if let Some(emails) = args.get("merchant_emails").and_then(Value::as_array) {
        request.merchant_emails = emails
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
    }
    if let Some(wallets) = args.get("wallets").and_then(Value::as_array) {
        request.wallets = wallets
            .iter()
            .filter_map(Value::as_str)
            .map(saferpay::Wallet::from)
            .collect();
    }
    if let Some(methods) = args.get("payment_methods").and_then(Value::as_array) {
        request.payment_methods = methods
            .iter()
            .filter_map(Value::as_str)
            .map(saferpay::PaymentMethod::from)
            .collect();
    }
    Ok(request)
}

async fn create_offer(c: &saferpay::Client, args: &Value) -> Result<saferpay::Offer, Error> {
    let expires = args
        .get("expires_at")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let expires_at = chrono::DateTime::parse_from_rfc3339(expires)
        .map_err(|e| Error::validation("expires_at", e.to_string()))?;
    let mut request = saferpay::CreateOffer::new(
        money_arg(args, "amount")?,
        args.get("order_id")
            .and_then(Value::as_str)
            .unwrap_or_default(),
        args.get("description")
            .and_then(Value::as_str)
            .unwrap_or_default(),
        expires_at,
    );
    request.pre_auth = args
        .get("pre_auth")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    request.register_alias = args
        .get("register_alias")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    request.config_set = opt_str(args, "config_set");
    request.condition = opt_str(args, "condition");
    request.terminal_id = opt_str(args, "terminal_id");
    request.max_payment_attempts = args
        .get("max_payment_attempts")
        .and_then(Value::as_u64)
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    for (key, slot) in [("payer", 0), ("billing_address_form", 1), ("order", 2)] {
        if let Some(value) = args.get(key).filter(|v| !v.is_null()) {
            match slot {
                0 => request.payer = Some(paywire::input::from_json(key, value.clone())?),
                1 => {
                    request.billing_address_form =
                        Some(paywire::input::from_json(key, value.clone())?)
                }
                _ => request.order = Some(paywire::input::from_json(key, value.clone())?),
            }
        }
    }
    c.create_offer(request).await
}

/// The three payment-link methods, which both link providers share.
trait LinkProvider {
    async fn create(
        &self,
        request: CreatePaymentLink,
    ) -> Result<paywire::links::PaymentLink, Error>;
    async fn get(&self, id: &str) -> Result<paywire::links::PaymentLink, Error>;
    async fn cancel(&self, id: &str) -> Result<paywire::links::PaymentLink, Error>;
}

impl LinkProvider for saferpay::Client {
    async fn create(&self, r: CreatePaymentLink) -> Result<paywire::links::PaymentLink, Error> {
        self.create_payment_link(r).await
    }
    async fn get(&self, id: &str) -> Result<paywire::links::PaymentLink, Error> {
        self.get_payment_link(id).await
    }
    async fn cancel(&self, id: &str) -> Result<paywire::links::PaymentLink, Error> {
        self.cancel_payment_link(id).await
    }
}

impl LinkProvider for secuconnect::Client {
    async fn create(&self, r: CreatePaymentLink) -> Result<paywire::links::PaymentLink, Error> {
        self.create_payment_link(r).await
    }
    async fn get(&self, id: &str) -> Result<paywire::links::PaymentLink, Error> {
        self.get_payment_link(id).await
    }
    async fn cancel(&self, id: &str) -> Result<paywire::links::PaymentLink, Error> {
        self.cancel_payment_link(id).await
    }
}

async fn dispatch_links(c: &impl LinkProvider, call: &str, args: &Value) -> Outcome {
    let id = opt_str(args, "id").unwrap_or_default();
    match call {
        "create_payment_link" => {
            let request = (|| {
                let mut request = CreatePaymentLink::new(
                    money_arg(args, "amount")?,
                    opt_str(args, "order_id").unwrap_or_default(),
                    opt_str(args, "description").unwrap_or_default(),
                );
                if let Some(at) = opt_str(args, "expires_at") {
                    request.expires_at = Some(
                        chrono::DateTime::parse_from_rfc3339(&at)
                            .map_err(|e| Error::validation("expires_at", e.to_string()))?,
                    );
                }
                Ok::<_, Error>(request)
            })();
            match request {
                Ok(request) => to_value(c.create(request).await),
                Err(e) => Outcome::Error(e),
            }
        }
        "get_payment_link" => to_value(c.get(&id).await),
        _ => to_value(c.cancel(&id).await),
    }
}

fn json_arg<T: serde::de::DeserializeOwned>(args: &Value, key: &str) -> Result<Option<T>, Error> {
    match args.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => paywire::input::from_json(key, value.clone()).map(Some),
    }
}

fn smart_transaction_request(args: &Value) -> Result<secuconnect::CreateSmartTransaction, Error> {
    let mut request = secuconnect::CreateSmartTransaction::new(money_arg(args, "amount")?);
    if let Some(intent) = opt_str(args, "intent") {
        request.intent = intent;
    }
    request.contract_id = opt_str(args, "contract_id");
    request.customer = json_arg(args, "customer")?;
    request.basket = json_arg(args, "basket")?;
    request.checkout_template = opt_str(args, "checkout_template");
    request.language = opt_str(args, "language");
    request.return_urls = json_arg(args, "return_urls")?;
    request.auto_capture = args.get("auto_capture").and_then(Value::as_bool);
    request.merchant_ref = opt_str(args, "merchant_ref");
    request.transaction_ref = opt_str(args, "transaction_ref");
    request.is_demo = args
        .get("is_demo")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(request)
}

async fn dispatch_secuconnect(
    c: &secuconnect::Client,
    call: &str,
    args: &Value,
    collect: bool,
) -> Result<Outcome, String> {
    let id = opt_str(args, "id").unwrap_or_default();
    Ok(match call {
        "create_smart_transaction" => match smart_transaction_request(args) {
            Ok(request) => to_value(c.create_smart_transaction(request).await),
            Err(e) => Outcome::Error(e),
        },
        "get_smart_transaction" => to_value(c.get_smart_transaction(&id).await),
        "update_smart_transaction" => {
            let request = (|| {
                let mut update = secuconnect::UpdateSmartTransaction::new();
                if args.get("amount").is_some() {
                    update.amount = Some(money_arg(args, "amount")?);
                }
                update.basket = json_arg(args, "basket")?;
                update.customer = json_arg(args, "customer")?;
                update.merchant_ref = opt_str(args, "merchant_ref");
                update.transaction_ref = opt_str(args, "transaction_ref");
                Ok::<_, Error>(update)
            })();
            match request {
                Ok(update) => to_value(c.update_smart_transaction(&id, update).await),
                Err(e) => Outcome::Error(e),
            }
        }
        "prepare_smart_transaction" => {
            let mut prepare = secuconnect::PrepareSmartTransaction::new();
            prepare.container_id = opt_str(args, "container_id");
            let method = opt_str(args, "payment_method").unwrap_or_default();
            to_value(c.prepare_smart_transaction(&id, &method, prepare).await)
        }
        "start_smart_transaction" => to_value(
            c.start_smart_transaction(&id, opt_str(args, "payment_method").as_deref())
                .await,
        ),
        "cancel_smart_transaction" => to_value(c.cancel_smart_transaction(&id).await),
        "abort_smart_transaction" => to_value(c.abort_smart_transaction(&id).await),
        "get_payment_transaction" => to_value(c.get_payment_transaction(&id).await),
        "cancel_payment_transaction" => {
            let request = match args.get("reduce_amount_by") {
                Some(v) if !v.is_null() => match money_arg(args, "reduce_amount_by") {
                    Ok(amount) => secuconnect::CancelPayment::partial(amount),
                    Err(e) => return Ok(Outcome::Error(e)),
                },
                _ => secuconnect::CancelPayment::full(),
            };
            to_value(c.cancel_payment_transaction(&id, request).await)
        }
        "parse_push" => {
            let body = args.get("body").map(Value::to_string).unwrap_or_default();
            to_value(secuconnect::parse_push(body.as_bytes()))
        }
        "smart_transactions" => {
            let mut query = secuconnect::SmartTransactionQuery::new();
            query.query = opt_str(args, "query");
            query.sort = opt_str(args, "sort");
            if let Some(size) = args.get("page_size").and_then(Value::as_u64) {
                query.page_size = u32::try_from(size).unwrap_or(u32::MAX);
            }
            match c.smart_transactions(query) {
                Err(e) => Outcome::Error(e),
                Ok(mut pager) if collect => {
                    let mut ids = Vec::new();
                    loop {
                        match pager.next_batch(200).await {
                            Ok(batch) if batch.is_empty() => break,
                            Ok(batch) => ids.extend(batch.into_iter().map(|t| t.id)),
                            Err(e) => return Ok(Outcome::Error(e)),
                        }
                    }
                    Outcome::Items(ids.len() as u64, ids, pager.total())
                }
                Ok(mut pager) => to_value(pager.next_page().await),
            }
        }
        other => return Err(format!("the Rust runner does not know secuconnect.{other}")),
    })
}

async fn dispatch_sekurepay(
    c: &sekurepay::Client,
    call: &str,
    args: &Value,
) -> Result<Outcome, String> {
    Ok(match call {
        "create_order" => {
            let request = sekurepay::CreateOrder::from_args(
                &opt_str(args, "order_id").unwrap_or_default(),
                &opt_str(args, "currency").unwrap_or_default(),
                args.get("items").cloned().unwrap_or(Value::Null),
                args.get("taxes").cloned().unwrap_or(Value::Null),
                args.get("shipping_amount_cents")
                    .and_then(Value::as_i64)
                    .unwrap_or(0),
            );
            match request {
                Ok(request) => to_value(c.create_order(request).await),
                Err(e) => Outcome::Error(e),
            }
        }
        "get_order" => to_value(
            c.get_order(&opt_str(args, "order_id").unwrap_or_default())
                .await,
        ),
        other => return Err(format!("the Rust runner does not know sekurepay.{other}")),
    })
}

/// Loads every scenario file of a directory, sorted by name.
pub fn load_all(dir: &Path) -> Vec<(String, Value)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            let value = serde_json::from_str(&text)
                .unwrap_or_else(|e| json!({"parse_error": e.to_string()}));
            (name, value)
        })
        .collect()
}
