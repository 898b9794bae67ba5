//! Fault soak: thousands of operations with side effects while ~20 % of calls are hit by
//! sandbox faults (delay past the timeout, 500, 503 with HTML, connection dropped before and
//! after the effect was committed, malformed JSON, non-JSON 200, 429, expired tokens), run
//! twice: once with the sandbox replaying answers for a repeated RequestId, once with replay
//! off, as a provider that does not deduplicate would behave. paywire must not depend on it.
//!
//! After each run, once every delayed request has landed, per operation and against the
//! sandbox's own records: a success happened exactly once; a failure whose `outcome_unknown`
//! is false did not happen at all; a failure whose `outcome_unknown` is true happened at most
//! once, and — where a lookup settles the operation (captures, cancels, refunds, Smart
//! Transaction refunds, orders) — only because the effect was still on its way, so it did
//! happen. No operation without an injected fault ends with `outcome_unknown`. The sandbox
//! counts no side effect executed twice, of any kind. A report call refused as parallel (429
//! with Retry-After, another process's report still running) is waited out, never surfaced.
//! Both runs print their counts: per operation, and reconciled / retried / outcome-unknown.
//!
//! `PAYWIRE_SOAK_OPS` sets the number of operations per run (default 2000).

use paywire_testing::SandboxClients;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use paywire::saferpay::{ReportDate, TransactionQuery};
use paywire::{EngineStats, Error, ErrorKind, Money, saferpay, secuconnect, sekurepay};
use paywire_sandbox::{FaultSpec, Sandbox, SandboxConfig, SandboxOptions};
use serde_json::Value;

const TIMEOUT: Duration = Duration::from_millis(600);
const DELAY_PAST_TIMEOUT_MS: u64 = 900;
const WORKERS: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Op {
    Offer,
    Capture,
    MultipartCapture,
    Cancel,
    Refund,
    SmartTransaction,
    SmartTransactionRefund,
    Order,
    TokenExpiredRead,
}

impl Op {
    fn route(&self) -> &'static str {
        match self {
            Op::Offer => "saferpay.offers.create",
            Op::Capture => "saferpay.transaction.capture",
            Op::MultipartCapture => "saferpay.transaction.multipart_capture",
            Op::Cancel => "saferpay.transaction.cancel",
            Op::Refund => "saferpay.transaction.refund",
            Op::SmartTransaction => "secuconnect.smart_transactions.create",
            Op::SmartTransactionRefund => "secuconnect.payment_transactions.cancel",
            Op::Order => "sekurepay.orders.create",
            Op::TokenExpiredRead => "secuconnect.smart_transactions.get",
        }
    }

    /// Settled by a lookup of the provider's state: an unknown outcome only while the effect
    /// may still be on its way.
    fn settled_by_lookup(&self) -> bool {
        matches!(
            self,
            Op::Capture | Op::Cancel | Op::Refund | Op::SmartTransactionRefund | Op::Order
        )
    }
}

const FAULTS: &[&str] = &[
    "delay",
    "error_500",
    "error_503_html",
    "error_429",
    "non_json",
    "malformed_json",
    "drop_before_commit",
    "drop_after_commit",
];

/// What an operation worked on, to read the sandbox's record of it afterwards.
#[derive(Clone, Debug)]
enum Key {
    /// Offers, smart transactions and orders by their reference.
    Reference(String),
    /// A Saferpay transaction (capture, cancel, refund).
    Transaction(String),
    /// A multipart capture part: transaction and OrderPartId.
    Part(String, String),
    /// A secuconnect payment transaction (its refunds).
    PaymentTransaction(String),
    /// A read: no effect.
    None,
}

/// One finished operation.
struct Done {
    op: Op,
    n: usize,
    faulted: bool,
    result: Result<(), Error>,
    key: Key,
}

struct Clients {
    saferpay: saferpay::Client,
    secuconnect: secuconnect::Client,
    sekurepay: sekurepay::Client,
}

fn options() -> paywire::ClientOptions {
    paywire::ClientOptions {
        timeout: TIMEOUT,
        max_retries: 2,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(40),
        ..paywire::ClientOptions::default()
    }
}

fn unique(prefix: &str, n: usize) -> String {
    format!(
        "{prefix}-{n}-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

/// An authorized payment, made without faults, to capture, cancel or refund under faults.
async fn authorized_payment(
    sandbox: &Sandbox,
    c: &saferpay::Client,
    n: usize,
) -> Result<String, Error> {
    let page = c
        .initialize_payment_page(saferpay::InitializePaymentPage::new(
            Money::from_minor(1000 + n as i64, "CHF")?,
            unique("pp", n),
            "soak payment",
            "https://shop.example/return",
        ))
        .await?;
    sandbox
        .pay_payment_page(&page.token, "success")
        .map_err(|e| Error::internal(e.to_string()))?;
    Ok(c.assert_payment_page(&page.token).await?.transaction.id)
}

/// A paid smart transaction's payment transaction, to refund under faults.
async fn paid_payment_transaction(
    sandbox: &Sandbox,
    c: &secuconnect::Client,
) -> Result<String, Error> {
    let stx = c
        .create_smart_transaction(secuconnect::CreateSmartTransaction::new(Money::from_minor(
            1000, "EUR",
        )?))
        .await?;
    sandbox
        .complete_smart_transaction(&stx.id, "success")
        .map_err(|e| Error::internal(e.to_string()))?;
    sandbox
        .payment_transaction_of(&stx.id)
        .ok_or_else(|| Error::internal("no payment transaction after checkout"))
}

/// What an operation works on, made in a fault-free phase before the soak.
type Prepared = Option<(String, Option<String>)>;
/// A planned operation: its number, kind, fault (mode, count) and what it works on.
type Work = (usize, Op, Option<(&'static str, u32)>, Prepared);

async fn prepare(
    sandbox: &Sandbox,
    clients: &Clients,
    op: Op,
    n: usize,
) -> Result<Prepared, Error> {
    match op {
        Op::Capture | Op::MultipartCapture | Op::Cancel => {
            authorized_payment(sandbox, &clients.saferpay, n)
                .await
                .map(|tx| Some((tx, None)))
        }
        Op::Refund => {
            let tx = authorized_payment(sandbox, &clients.saferpay, n).await?;
            let capture = clients.saferpay.capture(&tx, None).await?;
            Ok(Some((tx, capture.capture_id)))
        }
        Op::SmartTransactionRefund => paid_payment_transaction(sandbox, &clients.secuconnect)
            .await
            .map(|ptx| Some((ptx, None))),
        Op::TokenExpiredRead => clients
            .secuconnect
            .create_smart_transaction(secuconnect::CreateSmartTransaction::new(Money::from_minor(
                100, "EUR",
            )?))
            .await
            .map(|s| Some((s.id, None))),
        Op::Offer | Op::SmartTransaction | Op::Order => Ok(None),
    }
}

/// One lock per route: an operation's faults are injected, used and cleared while it holds
/// its route, so no other operation consumes them (faults are per route, not per call).
#[derive(Default)]
struct RouteLocks(Mutex<BTreeMap<&'static str, Arc<tokio::sync::Mutex<()>>>>);

impl RouteLocks {
    fn get(&self, route: &'static str) -> Arc<tokio::sync::Mutex<()>> {
        self.0.lock().unwrap().entry(route).or_default().clone()
    }
}

async fn run_op(
    sandbox: &Sandbox,
    clients: &Clients,
    routes: &RouteLocks,
    op: Op,
    n: usize,
    prepared: Prepared,
    fault: Option<(&'static str, u32)>,
) -> Done {
    let lock = routes.get(op.route());
    let _route = lock.lock().await;
    let done = run_op_alone(sandbox, clients, op, n, prepared, fault).await;
    // Faults the operation did not use (it stopped early) must not hit the next one.
    sandbox.clear_faults_for(op.route());
    done
}

async fn run_op_alone(
    sandbox: &Sandbox,
    clients: &Clients,
    op: Op,
    n: usize,
    prepared: Prepared,
    fault: Option<(&'static str, u32)>,
) -> Done {
    if let Some((mode, count)) = fault {
        let spec = FaultSpec {
            route: op.route().to_owned(),
            mode: mode.parse().unwrap(),
            count,
            delay_ms: (mode == "delay").then_some(DELAY_PAST_TIMEOUT_MS),
        };
        sandbox.inject_fault_spec(spec).unwrap();
    }
    let (id, capture_id) = prepared.unwrap_or_default();
    let (result, key) = match op {
        Op::Offer => {
            let order_id = unique("offer", n);
            let expires = (Utc::now() + chrono::Duration::days(2)).fixed_offset();
            let request = saferpay::CreateOffer::new(
                Money::from_minor(404, "CHF").unwrap(),
                order_id.clone(),
                "soak offer",
                expires,
            );
            let result = clients.saferpay.create_offer(request).await.map(|_| ());
            (result, Key::Reference(order_id))
        }
        Op::Capture => {
            let result = clients.saferpay.capture(&id, None).await.map(|_| ());
            (result, Key::Transaction(id))
        }
        Op::MultipartCapture => {
            let part = unique("part", n);
            let request = saferpay::MultipartCapture::new(
                id.clone(),
                Money::from_minor(300, "CHF").unwrap(),
                saferpay::MultipartCaptureType::Partial,
                part.clone(),
            );
            let result = clients
                .saferpay
                .multipart_capture(request)
                .await
                .map(|_| ());
            (result, Key::Part(id, part))
        }
        Op::Cancel => {
            let result = clients.saferpay.cancel(&id).await.map(|_| ());
            (result, Key::Transaction(id))
        }
        Op::Refund => {
            let refund = saferpay::Refund::new(
                capture_id.unwrap_or_default(),
                Money::from_minor(500, "CHF").unwrap(),
            );
            let result = clients.saferpay.refund(refund).await.map(|_| ());
            (result, Key::Transaction(id))
        }
        Op::SmartTransaction => {
            let merchant_ref = unique("stx", n);
            let mut request =
                secuconnect::CreateSmartTransaction::new(Money::from_minor(700, "EUR").unwrap());
            request.merchant_ref = Some(merchant_ref.clone());
            let result = clients
                .secuconnect
                .create_smart_transaction(request)
                .await
                .map(|_| ());
            (result, Key::Reference(merchant_ref))
        }
        Op::SmartTransactionRefund => {
            let partial =
                secuconnect::CancelPayment::partial(Money::from_minor(300, "EUR").unwrap());
            let result = clients
                .secuconnect
                .cancel_payment_transaction(&id, partial)
                .await
                .map(|_| ());
            (result, Key::PaymentTransaction(id))
        }
        Op::Order => {
            let order_id = unique("order", n);
            let currency = paywire::Currency::from_code("USD").unwrap();
            let request = sekurepay::CreateOrder::new(order_id.clone(), currency)
                .with_item("widget", Money::from_minor(2500, "USD").unwrap(), 2)
                .with_tax("tax", Money::from_minor(400, "USD").unwrap());
            let result = clients.sekurepay.create_order(request).await.map(|_| ());
            (result, Key::Reference(order_id))
        }
        Op::TokenExpiredRead => {
            // Reads have no effect to count; they must succeed through a token refresh or
            // fail with a typed, retryable error.
            let result = clients
                .secuconnect
                .get_smart_transaction(&id)
                .await
                .map(|_| ());
            (result, Key::None)
        }
    };
    Done {
        op,
        n,
        faulted: fault.is_some(),
        result,
        key,
    }
}

/// How often the sandbox executed the operation's effect.
fn happened(sandbox: &Sandbox, op: Op, key: &Key) -> u64 {
    let count = |v: &Value| v.as_u64().unwrap_or(99);
    match key {
        Key::Reference(reference) => {
            let objects = sandbox.objects_for_reference(reference);
            count(match op {
                Op::Offer => &objects["offers"],
                Op::SmartTransaction => &objects["smart_transactions"],
                _ => &objects["orders"],
            })
        }
        Key::Transaction(tx) => {
            let state = sandbox.saferpay_transaction(tx).unwrap_or(Value::Null);
            match op {
                Op::Capture => u64::from(state["status"] == "CAPTURED"),
                Op::Cancel => u64::from(state["status"] == "CANCELED"),
                _ => state["refunds"].as_array().map_or(99, |r| r.len() as u64),
            }
        }
        Key::Part(tx, part) => {
            let state = sandbox.saferpay_transaction(tx).unwrap_or(Value::Null);
            state["parts"].as_array().map_or(99, |parts| {
                parts
                    .iter()
                    .filter(|p| p["order_part_id"] == part.as_str())
                    .count() as u64
            })
        }
        Key::PaymentTransaction(ptx) => sandbox
            .secuconnect_payment_transaction(ptx)
            .and_then(|p| p["refunds"].as_array().map(|r| r.len() as u64))
            .unwrap_or(99),
        Key::None => 0,
    }
}

#[derive(Default)]
struct Tally {
    by_op: BTreeMap<String, [u64; 3]>, // ok, failed (outcome known), failed (outcome unknown)
    errors_by_kind: BTreeMap<String, u64>,
    violations: Vec<String>,
}

fn check(t: &mut Tally, sandbox: &Sandbox, done: &Done) {
    let Done {
        op,
        n,
        faulted,
        result,
        key,
    } = done;
    let slot = match result {
        Ok(()) => 0,
        Err(e) if !e.outcome_unknown() => 1,
        Err(_) => 2,
    };
    t.by_op.entry(format!("{op:?}")).or_default()[slot] += 1;
    if let Err(e) = result {
        *t.errors_by_kind
            .entry(e.kind().as_str().to_owned())
            .or_default() += 1;
        if e.kind() == ErrorKind::Internal || e.kind() == ErrorKind::Validation {
            t.violations
                .push(format!("{op:?} #{n}: untyped or unexpected error: {e}"));
        }
        if e.outcome_unknown() != (e.kind() == ErrorKind::OutcomeUnknown) {
            t.violations.push(format!(
                "{op:?} #{n}: outcome_unknown without its kind: {e}"
            ));
        }
        if e.outcome_unknown() && e.settle_with().is_none() {
            t.violations.push(format!(
                "{op:?} #{n}: outcome_unknown names no call to settle it: {e}"
            ));
        }
        if e.outcome_unknown() && !faulted {
            t.violations.push(format!(
                "{op:?} #{n}: outcome_unknown without any fault: {e}"
            ));
        }
    }
    if *op == Op::TokenExpiredRead {
        if let Err(e) = result
            && (e.outcome_unknown() || e.kind() == ErrorKind::Internal)
        {
            t.violations.push(format!("read #{n}: {e}"));
        }
        return;
    }
    let happened = happened(sandbox, *op, key);
    let ok = match slot {
        0 => happened == 1,
        1 => happened == 0,
        _ if op.settled_by_lookup() => happened == 1,
        _ => happened <= 1,
    };
    if !ok {
        t.violations.push(format!(
            "{op:?} #{n}: {} but the sandbox executed it {happened} time(s)",
            match result {
                Ok(()) => "succeeded".to_owned(),
                Err(e) => format!("failed (outcome_unknown={}): {e}", e.outcome_unknown()),
            }
        ));
    }
}

/// Two "processes" (clients with their own report lock) export at once while each report
/// call takes a while: the later one is refused as parallel (429, Retry-After) and must wait
/// it out and succeed.
async fn parallel_reports(sandbox: &Sandbox) -> (u64, u64, Vec<String>) {
    sandbox
        .set_config(SandboxConfig {
            report_latency_ms: Some(400),
            ..SandboxConfig::default()
        })
        .unwrap();
    let today = Utc::now().date_naive();
    let query = || {
        TransactionQuery::new(
            ReportDate::Day(today - chrono::Duration::days(1)),
            ReportDate::Minute(
                (today - chrono::Duration::days(1))
                    .and_hms_opt(23, 59, 0)
                    .unwrap(),
            ),
        )
    };
    let processes: Vec<saferpay::Client> = (0..3)
        .map(|_| {
            sandbox
                .saferpay_client_builder()
                .options(paywire::ClientOptions {
                    max_retries: 0,
                    ..options()
                })
                .build()
                .unwrap()
        })
        .collect();
    let runs = processes.iter().map(|client| {
        let query = query();
        async move {
            let mut pager = client.transactions(query)?;
            let mut seen = 0u64;
            while let Some(page) = pager.next_page().await? {
                seen += page.transactions.len() as u64;
            }
            Ok::<u64, Error>(seen)
        }
    });
    let results = futures_util::future::join_all(runs).await;
    let mut failures = Vec::new();
    let mut waits = 0;
    for (result, client) in results.iter().zip(&processes) {
        waits += client.engine_stats().rate_limit_waits;
        if let Err(e) = result {
            failures.push(format!("a report read failed: {e}"));
        }
    }
    sandbox
        .set_config(SandboxConfig {
            report_latency_ms: Some(0),
            ..SandboxConfig::default()
        })
        .unwrap();
    let refused = sandbox.stats()["effects"]["reports_refused"]
        .as_u64()
        .unwrap_or(0);
    (refused, waits, failures)
}

fn add(total: &mut EngineStats, s: EngineStats) {
    total.calls += s.calls;
    total.retried += s.retried;
    total.reconciled += s.reconciled;
    total.outcome_unknown += s.outcome_unknown;
    total.rate_limit_waits += s.rate_limit_waits;
}

/// One soak run; returns its violations (empty when every promise held).
async fn soak(replay: bool, ops: usize) -> Vec<String> {
    let mode = if replay { "replay on" } else { "replay off" };
    let sandbox = Arc::new(
        Sandbox::start_with(SandboxOptions {
            reporting_days: 1,
            reporting_per_day: 10,
            request_id_replay: replay,
            // A request that timed out on the client still lands, as at a real provider.
            finish_abandoned_requests: true,
            ..SandboxOptions::default()
        })
        .unwrap(),
    );
    let clients = Arc::new(Clients {
        saferpay: sandbox
            .saferpay_client_builder()
            .options(options())
            .build()
            .unwrap(),
        secuconnect: sandbox
            .secuconnect_client_builder()
            .options(options())
            .build()
            .unwrap(),
        sekurepay: sandbox
            .sekurepay_client_builder()
            .options(options())
            .build()
            .unwrap(),
    });
    // Plan every operation (deterministic), then make what they work on without faults.
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    let plan: Vec<(Op, Option<(&'static str, u32)>)> = (0..ops)
        .map(|_| {
            let op = match rng.u32(0..100) {
                0..=14 => Op::Offer,
                15..=29 => Op::Capture,
                30..=34 => Op::MultipartCapture,
                35..=41 => Op::Cancel,
                42..=56 => Op::Refund,
                57..=69 => Op::SmartTransaction,
                70..=81 => Op::SmartTransactionRefund,
                82..=94 => Op::Order,
                _ => Op::TokenExpiredRead,
            };
            let fault = if op == Op::TokenExpiredRead {
                Some(("expired_token", 1))
            } else if rng.u32(0..100) < 20 {
                Some((FAULTS[rng.usize(0..FAULTS.len())], rng.u32(1..=3)))
            } else {
                None
            };
            (op, fault)
        })
        .collect();
    let prepare_started = Instant::now();
    let mut prepared: Vec<Prepared> = Vec::with_capacity(ops);
    for chunk in plan.iter().enumerate().collect::<Vec<_>>().chunks(32) {
        let results = futures_util::future::join_all(
            chunk
                .iter()
                .map(|(n, (op, _))| prepare(&sandbox, &clients, *op, *n)),
        )
        .await;
        for result in results {
            prepared.push(result.expect("set-up without faults succeeds"));
        }
    }
    let faults_injected: u64 = plan
        .iter()
        .filter_map(|(_, fault)| fault.map(|(_, count)| u64::from(count)))
        .sum();
    // Only the soak's own calls count: the set-up went through the same clients.
    let mut before = EngineStats::default();
    for s in [
        clients.saferpay.engine_stats(),
        clients.secuconnect.engine_stats(),
        clients.sekurepay.engine_stats(),
    ] {
        add(&mut before, s);
    }
    let effects_before = sandbox.stats()["effects"].clone();
    let work: Arc<Mutex<Vec<Work>>> = Arc::new(Mutex::new(
        plan.into_iter()
            .zip(prepared)
            .enumerate()
            .map(|(n, ((op, fault), p))| (n, op, fault, p))
            .rev()
            .collect(),
    ));
    let finished: Arc<Mutex<Vec<Done>>> = Arc::new(Mutex::new(Vec::with_capacity(ops)));
    let routes = Arc::new(RouteLocks::default());
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let (sandbox, clients, work, finished, routes) = (
            sandbox.clone(),
            clients.clone(),
            work.clone(),
            finished.clone(),
            routes.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let next = work.lock().unwrap().pop();
                let Some((n, op, fault, prepared)) = next else {
                    break;
                };
                let done = run_op(&sandbox, &clients, &routes, op, n, prepared, fault).await;
                finished.lock().unwrap().push(done);
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let elapsed = started.elapsed();
    sandbox.clear_faults();
    // Let every request still sleeping in a `delay` fault land before reading the records.
    tokio::time::sleep(Duration::from_millis(DELAY_PAST_TIMEOUT_MS + 600)).await;
    let mut t = Tally::default();
    for done in finished.lock().unwrap().iter() {
        check(&mut t, &sandbox, done);
    }
    let mut engine = EngineStats::default();
    for s in [
        clients.saferpay.engine_stats(),
        clients.secuconnect.engine_stats(),
        clients.sekurepay.engine_stats(),
    ] {
        add(&mut engine, s);
    }
    let stats = sandbox.stats();
    println!(
        "\n== fault soak, {mode}: {ops} operations in {:.1}s (set-up {:.1}s), {faults_injected} faults injected",
        elapsed.as_secs_f64(),
        prepare_started.elapsed().as_secs_f64() - elapsed.as_secs_f64(),
    );
    println!(
        "{:<24} {:>6} {:>14} {:>16}",
        "operation", "ok", "failed(known)", "failed(unknown)"
    );
    for (op, [ok, known, unknown]) in &t.by_op {
        println!("{op:<24} {ok:>6} {known:>14} {unknown:>16}");
    }
    println!(
        "calls {}, retried {}, reconciled {}, outcome unknown {}, 429 waited out {}",
        engine.calls - before.calls,
        engine.retried - before.retried,
        engine.reconciled - before.reconciled,
        engine.outcome_unknown - before.outcome_unknown,
        engine.rate_limit_waits - before.rate_limit_waits,
    );
    println!("errors by kind: {:?}", t.errors_by_kind);
    let effect = |key: &str| {
        stats["effects"][key].as_u64().unwrap_or(0) - effects_before[key].as_u64().unwrap_or(0)
    };
    println!(
        "side effects executed during the soak: offers {}, captures {}, refunds {}, smart \
         transaction refunds {}, smart transactions {}, orders {}, cancels {}; \
         authorizations {} (set-up)",
        effect("offers_created"),
        effect("captures"),
        effect("refunds"),
        effect("smart_transaction_refunds"),
        effect("smart_transactions_created"),
        effect("orders_created"),
        effect("cancels"),
        stats["effects"]["authorizations"],
    );
    println!("executed twice: {}", stats["executed_duplicates"]);
    println!(
        "repeated requests seen: {}, answers replayed: {}",
        stats["duplicates"], stats["effects"]["replays"]
    );
    if !replay {
        assert_eq!(stats["effects"]["replays"], 0, "replay is off");
    }
    let mut violations = std::mem::take(&mut t.violations);
    for key in [
        "captures",
        "refunds",
        "authorizations",
        "offers",
        "smart_transactions",
        "smart_transaction_refunds",
        "orders",
    ] {
        if stats["executed_duplicates"][key] != 0 {
            violations.push(format!(
                "{mode}: {key} executed twice: {}",
                stats["executed_duplicates"]
            ));
        }
    }
    let total: u64 = t.by_op.values().map(|v| v.iter().sum::<u64>()).sum();
    if total as usize != ops {
        violations.push(format!("{mode}: {total} of {ops} operations finished"));
    }
    let (refused, waits, failures) = parallel_reports(&sandbox).await;
    println!(
        "parallel report reads: {refused} refused as parallel (429), {waits} waited out, {} failed",
        failures.len()
    );
    violations.extend(failures);
    if refused == 0 || waits == 0 {
        violations.push(format!(
            "{mode}: no report call was refused as parallel ({refused}) or waited out ({waits})"
        ));
    }
    violations
        .into_iter()
        .map(|v| format!("[{mode}] {v}"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousands_of_operations_under_faults_never_double_and_never_lose_replay_on_or_off() {
    let ops: usize = std::env::var("PAYWIRE_SOAK_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let mut violations = soak(true, ops).await;
    violations.extend(soak(false, ops).await);
    assert!(
        violations.is_empty(),
        "{} violations:\n{}",
        violations.len(),
        violations
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
