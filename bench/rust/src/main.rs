//! `paywire-bench`: per-call latency and throughput of paywire's Saferpay `get_offer` and
//! `create_offer` against the floor, a minimal hand-written reqwest call that sends the same
//! HTTP request (Basic auth, `Saferpay-ApiVersion`, a fresh `Saferpay-RequestId`, the same
//! JSON body) and decodes the JSON answer.
//!
//! Settings come from the `SAFERPAY_*` variables `paywire sandbox --json` prints, and:
//! `BENCH_RUST_ITERS` (timed sequential calls per implementation and operation, default 2000),
//! `BENCH_RUST_CONCURRENT_ITERS` (calls for the concurrent throughput, default 4000),
//! `BENCH_CONCURRENCY` (calls in flight, default 64), `BENCH_ROUNDS` (the timed calls are split
//! into rounds that alternate which implementation goes first, default 10). For profiling,
//! `BENCH_OPS=get_offer` or `BENCH_IMPLS=paywire` narrow the run.
//!
//! Prints one JSON object per measurement on stdout.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use chrono::{DateTime, FixedOffset};
use paywire::Money;
use paywire::saferpay::{Client, CreateOffer};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde_json::{Value, json};

type BenchResult<T> = Result<T, String>;

/// The API version paywire sends for offers (its default spec version).
const API_VERSION: &str = paywire::saferpay::DEFAULT_SPEC_VERSION;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Imp {
    Floor,
    Paywire,
}

impl Imp {
    fn name(self) -> &'static str {
        match self {
            Imp::Floor => "reqwest",
            Imp::Paywire => "paywire",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    GetOffer,
    CreateOffer,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::GetOffer => "get_offer",
            Op::CreateOffer => "create_offer",
        }
    }
}

/// The hand-written floor: what a careful user would write with reqwest alone.
struct Floor {
    http: reqwest::Client,
    authorization: HeaderValue,
    offers_url: String,
}

impl Floor {
    fn new(
        base_url: &str,
        customer: &str,
        terminal: &str,
        user: &str,
        password: &str,
    ) -> BenchResult<Floor> {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let mut authorization =
            HeaderValue::from_str(&format!("Basic {token}")).map_err(|e| e.to_string())?;
        authorization.set_sensitive(true);
        // Plain HTTP to the sandbox, but reqwest still wants a TLS provider at build time.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .tcp_nodelay(true)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Floor {
            http,
            authorization,
            offers_url: format!(
                "{}/rest/customers/{customer}/terminals/{terminal}/spg-offers",
                base_url.trim_end_matches('/')
            ),
        })
    }

    async fn finish(response: reqwest::Response) -> BenchResult<Value> {
        let status = response.status();
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&body)));
        }
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    }

    async fn get_offer(&self, offer_id: &str) -> BenchResult<Value> {
        let response = self
            .http
            .get(format!("{}/{offer_id}", self.offers_url))
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, "application/json")
            .header("Saferpay-ApiVersion", API_VERSION)
            .header("Saferpay-RequestId", uuid::Uuid::new_v4().to_string())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        Floor::finish(response).await
    }

    async fn create_offer(
        &self,
        order_id: &str,
        expires: DateTime<FixedOffset>,
    ) -> BenchResult<Value> {
        let body = json!({
            "Payment": {
                "Amount": {"Value": "404", "CurrencyCode": "CHF"},
                "OrderId": order_id,
                "Description": "Benchmark offer",
            },
            "ExpirationDate": expires.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            "Payer": {},
        });
        let body = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
        let response = self
            .http
            .post(&self.offers_url)
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/json; charset=utf-8")
            .header("Saferpay-ApiVersion", API_VERSION)
            .header("Saferpay-RequestId", uuid::Uuid::new_v4().to_string())
            .body(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        Floor::finish(response).await
    }
}

struct Bench {
    floor: Floor,
    paywire: Client,
    offer_id: String,
    expires: DateTime<FixedOffset>,
    amount: Money,
    run_id: String,
    counter: AtomicUsize,
}

impl Bench {
    async fn call(&self, imp: Imp, op: Op) -> BenchResult<()> {
        match (imp, op) {
            (Imp::Floor, Op::GetOffer) => {
                let offer = self.floor.get_offer(&self.offer_id).await?;
                check(offer.get("OfferId").is_some(), "get_offer: no OfferId")
            }
            (Imp::Paywire, Op::GetOffer) => {
                let offer = self
                    .paywire
                    .get_offer(&self.offer_id, None)
                    .await
                    .map_err(|e| e.to_string())?;
                check(!offer.offer_id.is_empty(), "get_offer: no OfferId")
            }
            (Imp::Floor, Op::CreateOffer) => {
                let offer = self
                    .floor
                    .create_offer(&self.order_id(), self.expires)
                    .await?;
                check(offer.get("PaymentLink").is_some(), "create_offer: no link")
            }
            (Imp::Paywire, Op::CreateOffer) => {
                let request = CreateOffer::new(
                    self.amount,
                    self.order_id(),
                    "Benchmark offer",
                    self.expires,
                );
                let offer = self
                    .paywire
                    .create_offer(request)
                    .await
                    .map_err(|e| e.to_string())?;
                check(!offer.payment_link.is_empty(), "create_offer: no link")
            }
        }
    }

    /// A unique order id per created offer (the sandbox counts repeats as duplicates).
    fn order_id(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        format!("bench-{}-{n}", self.run_id)
    }
}

fn check(ok: bool, what: &str) -> BenchResult<()> {
    if ok { Ok(()) } else { Err(what.to_owned()) }
}

/// Sequential calls; returns each call's latency.
async fn sequential(bench: &Bench, imp: Imp, op: Op, n: usize) -> BenchResult<Vec<Duration>> {
    let mut latencies = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        bench.call(imp, op).await?;
        latencies.push(started.elapsed());
    }
    Ok(latencies)
}

/// `n` calls with `concurrency` in flight (tasks on the caller's runtime); returns the wall time.
async fn concurrent(
    bench: &Arc<Bench>,
    imp: Imp,
    op: Op,
    n: usize,
    concurrency: usize,
) -> BenchResult<Duration> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let bench = Arc::clone(bench);
        let next = Arc::clone(&next);
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < n {
                bench.call(imp, op).await?;
            }
            Ok::<(), String>(())
        }));
    }
    for task in tasks {
        task.await.map_err(|e| e.to_string())??;
    }
    Ok(started.elapsed())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1e6
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

fn env_required(name: &str) -> BenchResult<String> {
    std::env::var(name)
        .map_err(|_| format!("{name} is not set (start `paywire sandbox --json` first)"))
}

async fn run() -> BenchResult<()> {
    let iters = env_usize("BENCH_RUST_ITERS", 2000);
    let concurrent_iters = env_usize("BENCH_RUST_CONCURRENT_ITERS", 4000);
    let concurrency = env_usize("BENCH_CONCURRENCY", 64);
    let rounds = env_usize("BENCH_ROUNDS", 10);
    let warmup = env_usize("BENCH_WARMUP", 200);

    let base_url = env_required("SAFERPAY_BASE_URL")?;
    let customer = env_required("SAFERPAY_CUSTOMER_ID")?;
    let terminal = env_required("SAFERPAY_TERMINAL_ID")?;
    let user = env_required("SAFERPAY_USERNAME")?;
    let password = env_required("SAFERPAY_PASSWORD")?;

    let floor = Floor::new(&base_url, &customer, &terminal, &user, &password)?;
    let paywire = Client::from_env().map_err(|e| e.to_string())?;
    let expires = (chrono::Utc::now() + chrono::Duration::days(7)).fixed_offset();
    let amount = Money::parse("4.04", "CHF").map_err(|e| e.to_string())?;
    let seed = paywire
        .create_offer(CreateOffer::new(
            amount,
            format!("bench-seed-{}", std::process::id()),
            "Benchmark offer",
            expires,
        ))
        .await
        .map_err(|e| e.to_string())?;
    let bench = Arc::new(Bench {
        floor,
        paywire,
        offer_id: seed.offer_id,
        expires,
        amount,
        run_id: format!(
            "{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_millis()
        ),
        counter: AtomicUsize::new(0),
    });

    let wanted = |var: &str, name: &str| {
        std::env::var(var).map_or(true, |v| v.split(',').any(|w| w.trim() == name))
    };
    let imps: Vec<Imp> = [Imp::Floor, Imp::Paywire]
        .into_iter()
        .filter(|imp| wanted("BENCH_IMPLS", imp.name()))
        .collect();
    for op in [Op::GetOffer, Op::CreateOffer] {
        if !wanted("BENCH_OPS", op.name()) {
            continue;
        }
        // Warm-up: connections (up to `concurrency` of them), allocator, caches.
        for &imp in &imps {
            sequential(&bench, imp, op, warmup).await?;
            concurrent(&bench, imp, op, concurrency * 2, concurrency).await?;
        }
        let per_round = iters.div_ceil(rounds);
        let per_round_concurrent = concurrent_iters.div_ceil(rounds);
        let mut latencies = [Vec::new(), Vec::new()];
        let mut concurrent_wall = [Duration::ZERO; 2];
        let mut concurrent_calls = [0usize; 2];
        for round in 0..rounds {
            let mut order = imps.clone();
            if round % 2 == 1 {
                order.reverse();
            }
            for imp in order {
                let slot = imp as usize;
                latencies[slot].extend(sequential(&bench, imp, op, per_round).await?);
                concurrent_wall[slot] +=
                    concurrent(&bench, imp, op, per_round_concurrent, concurrency).await?;
                concurrent_calls[slot] += per_round_concurrent;
            }
        }
        for &imp in &imps {
            let slot = imp as usize;
            let sorted = {
                let mut l = latencies[slot].clone();
                l.sort_unstable();
                l
            };
            let total: Duration = sorted.iter().sum();
            let row = json!({
                "part": "rust",
                "op": op.name(),
                "impl": imp.name(),
                "calls": sorted.len(),
                "p50_us": percentile(&sorted, 50.0),
                "p99_us": percentile(&sorted, 99.0),
                "seq_per_s": sorted.len() as f64 / total.as_secs_f64(),
                "concurrency": concurrency,
                "concurrent_calls": concurrent_calls[slot],
                "concurrent_per_s": concurrent_calls[slot] as f64 / concurrent_wall[slot].as_secs_f64(),
            });
            println!("{row}");
            eprintln!(
                "rust {:<12} {:<8} p50 {:>7.1} µs  p99 {:>7.1} µs  seq {:>6.0}/s  x{} {:>6.0}/s",
                op.name(),
                imp.name(),
                row["p50_us"].as_f64().unwrap_or_default(),
                row["p99_us"].as_f64().unwrap_or_default(),
                row["seq_per_s"].as_f64().unwrap_or_default(),
                concurrency,
                row["concurrent_per_s"].as_f64().unwrap_or_default(),
            );
        }
    }
    Ok(())
}

fn main() {
    // The caller's runtime, as a user's `#[tokio::main]` would make it: two workers, like
    // paywire's own shared runtime on this machine. Both the floor and paywire run here
    // (paywire awaits in place on a caller's multi-thread runtime).
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("paywire-bench: cannot start a runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(run()) {
        eprintln!("paywire-bench: {e}");
        std::process::exit(1);
    }
}
