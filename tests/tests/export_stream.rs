//! Exporting 100,000 sandbox transactions (50 pages of 2000) streams with flat memory and
//! yields each transaction exactly once.

use paywire_testing::SandboxClients;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use chrono::{Duration, Utc};
use paywire::saferpay::{ReportDate, TransactionQuery};
use paywire_sandbox::{Sandbox, SandboxOptions};

/// Resident set size of this process in KiB (Linux).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_thousand_transactions_stream_with_flat_memory_exactly_once() {
    let sandbox = Sandbox::start_with(SandboxOptions {
        reporting_per_day: 10_000,
        reporting_days: 12,
        ..SandboxOptions::default()
    })
    .unwrap();
    let client = sandbox.saferpay_client().unwrap();
    // Ten whole days ending yesterday: 10 × 10,000 seeded transactions of every state; the
    // SUCCESSFUL ones are what the export yields, so ask for all three states in turn.
    let today = Utc::now().date_naive();
    let start = ReportDate::Day(today - Duration::days(10));
    let end = ReportDate::Minute((today - Duration::days(1)).and_hms_opt(23, 59, 0).unwrap());
    let mut seen: Vec<u64> = Vec::with_capacity(100_000);
    let mut pages = 0u32;
    let mut rss_after_warmup = 0u64;
    let mut rss_peak = 0u64;
    let mut total_reported = 0u64;
    for state in ["SUCCESSFUL", "FAILED", "PENDING"] {
        let mut query = TransactionQuery::new(start, end);
        query.state = state.to_owned();
        query.page_size = 2000;
        let mut pager = client.transactions(query).unwrap();
        while let Some(page) = pager.next_page().await.unwrap() {
            pages += 1;
            for tx in &page.transactions {
                let mut h = DefaultHasher::new();
                tx.id.hash(&mut h);
                seen.push(h.finish());
            }
            if pages == 5 {
                rss_after_warmup = rss_kib();
            }
            rss_peak = rss_peak.max(rss_kib());
        }
        total_reported += pager.total_transactions().unwrap_or(0);
    }
    let count = seen.len();
    seen.sort_unstable();
    seen.dedup();
    let growth_mib = rss_peak.saturating_sub(rss_after_warmup) as f64 / 1024.0;
    println!(
        "export: {count} transactions in {pages} pages, {} unique, provider total {total_reported}; RSS after 5 pages {:.1} MiB, peak {:.1} MiB (growth {growth_mib:.1} MiB)",
        seen.len(),
        rss_after_warmup as f64 / 1024.0,
        rss_peak as f64 / 1024.0
    );
    assert_eq!(
        count as u64, total_reported,
        "every reported transaction yielded"
    );
    assert_eq!(seen.len(), count, "no transaction twice");
    assert!(
        count >= 100_000,
        "at least 100,000 transactions exported, got {count}"
    );
    assert!(pages >= 50, "at least 50 pages, got {pages}");
    // The ids collected for the uniqueness check grow by 8 bytes each (< 1 MiB); anything
    // more than a few MiB would mean pages are being retained.
    assert!(
        growth_mib < 24.0,
        "memory grew by {growth_mib:.1} MiB while streaming"
    );
}
