//! A daily job (run it from cron shortly after midnight UTC): export yesterday's successful
//! Saferpay transactions into `DIR/saferpay-YYYY-MM-DD.jsonl`, one JSON object a line.
//!
//! The reporting API serves whole days only once they are over, page by page and one request
//! at a time; the pager does that. The file is written under a temporary name and renamed at
//! the end, so a crash never leaves half a day behind, and a day already exported is skipped.
//!
//! Usage: `cargo run -p paywire-examples --example daily_snapshot -- DIR`
//! Configuration comes from the environment, as `paywire sandbox` prints it:
//! `SAFERPAY_BASE_URL`, `SAFERPAY_CUSTOMER_ID`, `SAFERPAY_TERMINAL_ID`, `SAFERPAY_USERNAME`,
//! `SAFERPAY_PASSWORD`.

use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use chrono::{Days, Utc};
use paywire::saferpay::{self, ReportDate, TransactionQuery};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let yesterday = Utc::now()
        .date_naive()
        .checked_sub_days(Days::new(1))
        .ok_or("no yesterday")?;
    let target = dir.join(format!("saferpay-{yesterday}.jsonl"));
    if target.exists() {
        println!("{} exists already: nothing to do", target.display());
        return Ok(());
    }

    let client = saferpay::Client::from_env()?;
    let last_minute = yesterday.and_hms_opt(23, 59, 0).ok_or("no 23:59")?;
    let query = TransactionQuery::new(ReportDate::Day(yesterday), ReportDate::Minute(last_minute));
    let mut pager = client.transactions(query)?;

    std::fs::create_dir_all(&dir)?;
    let partial = dir.join(format!(".saferpay-{yesterday}.jsonl.partial"));
    let mut out = BufWriter::new(File::create(&partial)?);
    let (mut pages, mut count) = (0u32, 0u64);
    while let Some(page) = pager.next_page().await? {
        pages += 1;
        for transaction in page.transactions {
            serde_json::to_writer(&mut out, &transaction)?;
            out.write_all(b"\n")?;
            count += 1;
        }
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&partial, &target)?;
    println!(
        "{count} transactions of {yesterday} in {pages} pages written to {}",
        target.display()
    );
    Ok(())
}
