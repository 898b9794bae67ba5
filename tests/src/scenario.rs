//! Runs one shared scenario file against an embedded sandbox (see `tests/scenarios/README.md`).

use paywire_testing::SandboxClients;
use std::collections::HashMap;
use std::path::Path;

use paywire::links::CreatePaymentLink;
use paywire::operation::{Operation, Pager, decode_input};
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
    let args = args.clone();
    Ok(match (client, call) {
        ("saferpay", "create_payment_link" | "get_payment_link" | "cancel_payment_link") => {
            dispatch_links(&clients.saferpay, call, &args).await
        }
        ("secuconnect", "create_payment_link" | "get_payment_link" | "cancel_payment_link") => {
            dispatch_links(&clients.secuconnect, call, &args).await
        }
        // Not a client call: parsing a push body the scenario gives as JSON.
        ("secuconnect", "parse_push") => {
            let body = args.get("body").map(Value::to_string).unwrap_or_default();
            to_value(secuconnect::parse_push(body.as_bytes()))
        }
        // Paged rows: the runner counts what an iterator yields, or reads the first page.
        ("saferpay", "transactions") => match decode_input::<saferpay::TransactionQuery>(args) {
            Err(e) => Outcome::Error(e),
            Ok(query) => match query.invoke(&clients.saferpay).await {
                Err(e) => Outcome::Error(e),
                Ok(mut pager) if collect => {
                    let ids = match drain(&mut pager, |t| t.id).await {
                        Ok(ids) => ids,
                        Err(e) => return Ok(Outcome::Error(e)),
                    };
                    Outcome::Items(ids.len() as u64, ids, pager.total_transactions())
                }
                Ok(mut pager) => to_value(pager.next_page().await),
            },
        },
        ("secuconnect", "smart_transactions") => {
            match decode_input::<secuconnect::SmartTransactionQuery>(args) {
                Err(e) => Outcome::Error(e),
                Ok(query) => match query.invoke(&clients.secuconnect).await {
                    Err(e) => Outcome::Error(e),
                    Ok(mut pager) if collect => {
                        let ids = match drain(&mut pager, |t| t.id).await {
                            Ok(ids) => ids,
                            Err(e) => return Ok(Outcome::Error(e)),
                        };
                        Outcome::Items(ids.len() as u64, ids, pager.total())
                    }
                    Ok(mut pager) => to_value(pager.next_page().await),
                },
            }
        }
        // Every other call goes through its provider's operation table.
        ("saferpay", _) => {
            json_outcome(saferpay::operations::call_json(&clients.saferpay, call, args).await)
        }
        ("secuconnect", _) => {
            json_outcome(secuconnect::operations::call_json(&clients.secuconnect, call, args).await)
        }
        ("sekurepay", _) => {
            json_outcome(sekurepay::operations::call_json(&clients.sekurepay, call, args).await)
        }
        (other, _) => return Err(format!("unknown client {other:?}")),
    })
}

fn json_outcome(result: Result<Value, Error>) -> Outcome {
    match result {
        Ok(value) => Outcome::Value(value),
        Err(e) => Outcome::Error(e),
    }
}

async fn drain<P: Pager>(
    pager: &mut P,
    id: impl Fn(P::Item) -> String,
) -> Result<Vec<String>, Error> {
    let mut ids = Vec::new();
    loop {
        let batch = pager.next_batch(500).await?;
        if batch.is_empty() {
            return Ok(ids);
        }
        ids.extend(batch.into_iter().map(&id));
    }
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
