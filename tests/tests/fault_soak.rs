//! Fault soak: thousands of money-moving operations while ~20 % of calls are hit by sandbox
//! faults (delay past the timeout, 500, 503 with HTML, connection dropped before and after
//! the effect was committed, malformed JSON, non-JSON 200, 429, expired tokens).
//!
//! Afterwards, per operation, against the sandbox's own records: a success happened exactly
//! once; a failure whose `outcome_unknown` is false did not happen at all; a failure whose
//! `outcome_unknown` is true happened at most once. Sandbox stats show no duplicate offers,
//! captures, refunds, smart transactions or orders. The counts are printed.
//!
//! `PAYWIRE_SOAK_OPS` sets the number of operations (default 2000).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use paywire::{Error, ErrorKind, Money, saferpay, secuconnect, sekurepay};
use paywire_sandbox::{FaultSpec, Sandbox, SandboxOptions};
use serde_json::Value;

const TIMEOUT: Duration = Duration::from_millis(600);
const DELAY_PAST_TIMEOUT_MS: u64 = 900;
const WORKERS: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Op {
    Offer,
    Capture,
    Refund,
    SmartTransaction,
    Order,
    TokenExpiredRead,
}

impl Op {
    fn route(&self) -> &'static str {
        match self {
            Op::Offer => "saferpay.offers.create",
            Op::Capture => "saferpay.transaction.capture",
            Op::Refund => "saferpay.transaction.refund",
            Op::SmartTransaction => "secuconnect.smart_transactions.create",
            Op::Order => "sekurepay.orders.create",
            Op::TokenExpiredRead => "secuconnect.smart_transactions.get",
        }
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

#[derive(Default)]
struct Tally {
    by_op: BTreeMap<String, [u64; 3]>, // ok, failed (outcome known), failed (outcome unknown)
    faults_injected: u64,
    errors_by_kind: BTreeMap<String, u64>,
    violations: Vec<String>,
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
    }
}

fn unique(prefix: &str, n: usize) -> String {
    format!(
        "{prefix}-{n}-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

/// An authorized payment, made without faults, to capture or refund under faults.
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

fn check(tally: &Mutex<Tally>, op: Op, n: usize, result: &Result<(), Error>, happened: u64) {
    let mut t = tally.lock().unwrap();
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
    }
    let ok = match slot {
        0 => happened == 1,
        1 => happened == 0,
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
        Op::Capture => authorized_payment(sandbox, &clients.saferpay, n)
            .await
            .map(|tx| Some((tx, None))),
        Op::Refund => match authorized_payment(sandbox, &clients.saferpay, n).await {
            Ok(tx) => clients
                .saferpay
                .capture(&tx, None)
                .await
                .map(|c| Some((tx, c.capture_id))),
            Err(e) => Err(e),
        },
        Op::TokenExpiredRead => clients
            .secuconnect
            .create_smart_transaction(secuconnect::CreateSmartTransaction::new(
                Money::from_minor(100, "EUR").unwrap(),
            ))
            .await
            .map(|s| Some((s.id, None))),
        _ => Ok(None),
    }
}

async fn run_op(
    sandbox: &Sandbox,
    clients: &Clients,
    tally: &Mutex<Tally>,
    op: Op,
    n: usize,
    prepared: Prepared,
    fault: Option<(&'static str, u32)>,
) {
    if let Some((mode, count)) = fault {
        let spec = FaultSpec {
            route: op.route().to_owned(),
            mode: mode.parse().unwrap(),
            count,
            delay_ms: (mode == "delay").then_some(DELAY_PAST_TIMEOUT_MS),
        };
        sandbox.inject_fault_spec(spec).unwrap();
        tally.lock().unwrap().faults_injected += u64::from(count);
    }
    match op {
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
            let happened = sandbox.objects_for_reference(&order_id)["offers"]
                .as_u64()
                .unwrap_or(99);
            check(tally, op, n, &result, happened);
        }
        Op::Capture => {
            let (tx, _) = prepared.unwrap_or_default();
            let result = clients.saferpay.capture(&tx, None).await.map(|_| ());
            let state = sandbox.saferpay_transaction(&tx).unwrap_or(Value::Null);
            let happened = u64::from(state["status"] == "CAPTURED");
            check(tally, op, n, &result, happened);
        }
        Op::Refund => {
            let (tx, capture_id) = prepared.unwrap_or_default();
            let refund = saferpay::Refund::new(
                capture_id.unwrap_or_default(),
                Money::from_minor(500, "CHF").unwrap(),
            );
            let result = clients.saferpay.refund(refund).await.map(|_| ());
            let state = sandbox.saferpay_transaction(&tx).unwrap_or(Value::Null);
            let happened = state["refunds"].as_array().map_or(99, |r| r.len() as u64);
            check(tally, op, n, &result, happened);
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
            let happened = sandbox.objects_for_reference(&merchant_ref)["smart_transactions"]
                .as_u64()
                .unwrap_or(99);
            check(tally, op, n, &result, happened);
        }
        Op::Order => {
            let order_id = unique("order", n);
            let currency = paywire::Currency::from_code("USD").unwrap();
            let request = sekurepay::CreateOrder::new(order_id.clone(), currency)
                .with_item("widget", Money::from_minor(2500, "USD").unwrap(), 2)
                .with_tax("tax", Money::from_minor(400, "USD").unwrap());
            let result = clients.sekurepay.create_order(request).await.map(|_| ());
            let happened = sandbox.objects_for_reference(&order_id)["orders"]
                .as_u64()
                .unwrap_or(99);
            check(tally, op, n, &result, happened);
        }
        Op::TokenExpiredRead => {
            // Reads have no effect to count; they must succeed through a token refresh or
            // fail with a typed, retryable error.
            let (id, _) = prepared.unwrap_or_default();
            let result = clients
                .secuconnect
                .get_smart_transaction(&id)
                .await
                .map(|_| ());
            let mut t = tally.lock().unwrap();
            t.by_op.entry(format!("{op:?}")).or_default()[usize::from(result.is_err())] += 1;
            if let Err(e) = result {
                *t.errors_by_kind
                    .entry(e.kind().as_str().to_owned())
                    .or_default() += 1;
                if e.outcome_unknown() || e.kind() == ErrorKind::Internal {
                    t.violations.push(format!("read #{n}: {e}"));
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousands_of_operations_under_faults_never_double_and_never_lose() {
    let ops: usize = std::env::var("PAYWIRE_SOAK_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let sandbox = Arc::new(
        Sandbox::start_with(SandboxOptions {
            reporting_days: 1,
            reporting_per_day: 10,
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
    let tally = Arc::new(Mutex::new(Tally::default()));
    // Plan every operation (deterministic), then make what they work on without faults.
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    let plan: Vec<(Op, Option<(&'static str, u32)>)> = (0..ops)
        .map(|_| {
            let op = match rng.u32(0..100) {
                0..=24 => Op::Offer,
                25..=44 => Op::Capture,
                45..=59 => Op::Refund,
                60..=79 => Op::SmartTransaction,
                80..=94 => Op::Order,
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
    println!(
        "prepared {ops} operations in {:.1}s",
        prepare_started.elapsed().as_secs_f64()
    );
    let work: Arc<Mutex<Vec<Work>>> = Arc::new(Mutex::new(
        plan.into_iter()
            .zip(prepared)
            .enumerate()
            .map(|(n, ((op, fault), p))| (n, op, fault, p))
            .rev()
            .collect(),
    ));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let (sandbox, clients, tally, work) = (
            sandbox.clone(),
            clients.clone(),
            tally.clone(),
            work.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let next = work.lock().unwrap().pop();
                let Some((n, op, fault, prepared)) = next else {
                    break;
                };
                run_op(&sandbox, &clients, &tally, op, n, prepared, fault).await;
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    sandbox.clear_faults();
    let elapsed = started.elapsed();
    let stats = sandbox.stats();
    let t = tally.lock().unwrap();
    println!(
        "fault soak: {ops} operations in {:.1}s, {} faults injected",
        elapsed.as_secs_f64(),
        t.faults_injected
    );
    println!(
        "{:<18} {:>6} {:>14} {:>16}",
        "operation", "ok", "failed(known)", "failed(unknown)"
    );
    for (op, [ok, known, unknown]) in &t.by_op {
        println!("{op:<18} {ok:>6} {known:>14} {unknown:>16}");
    }
    println!("errors by kind: {:?}", t.errors_by_kind);
    println!("sandbox duplicates: {}", stats["duplicates"]);
    println!("sandbox replays: {}", stats["effects"]["replays"]);
    for key in [
        "offers",
        "captures",
        "refunds",
        "smart_transactions",
        "orders",
    ] {
        assert_eq!(
            stats["duplicates"][key], 0,
            "duplicate {key}: {}",
            stats["duplicates"]
        );
    }
    assert!(
        t.violations.is_empty(),
        "{} violations:\n{}",
        t.violations.len(),
        t.violations
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    let total: u64 = t.by_op.values().map(|v| v.iter().sum::<u64>()).sum();
    assert_eq!(total as usize, ops);
}
