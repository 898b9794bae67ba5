//! Daily snapshots: one file per past day, each day requested once, cron-safe.
//!
//! The provider asks merchants to keep daily snapshots instead of requesting the same data
//! again and again. A day whose file exists is never requested again; a run with nothing to do
//! sends no request at all (the client is not even built). A lock file in the directory keeps
//! two runs (say, cron firing while a long backfill is still going) from overlapping. Each day
//! goes through the resumable export, so an interrupted day continues where it stopped.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate, NaiveTime, Utc};
use paywire::saferpay::{ReportDate, TransactionQuery};
use serde_json::json;

use crate::args::SnapshotArgs;
use crate::exit::{CliError, CliResult};
use crate::export::{self, ExportOptions};
use crate::output;
use crate::settings::Settings;

pub const LOCK_FILE: &str = ".paywire-snapshot.lock";

/// The file for one day: `2026-11-20.jsonl` for successful transactions,
/// `2026-11-20.failed.jsonl` for another state.
pub fn day_file(dir: &Path, day: NaiveDate, state: &str, extension: &str) -> PathBuf {
    let state = state.to_ascii_lowercase();
    if state == "successful" {
        dir.join(format!("{day}.{extension}"))
    } else {
        dir.join(format!("{day}.{state}.{extension}"))
    }
}

/// The last `days` days before `today`, oldest first.
pub fn days_before(today: NaiveDate, days: u32) -> Vec<NaiveDate> {
    (1..=u64::from(days))
        .rev()
        .filter_map(|back| today.checked_sub_days(Days::new(back)))
        .collect()
}

fn lock(dir: &Path) -> CliResult<File> {
    let path = dir.join(LOCK_FILE);
    // The lock file stays: deleting it would let a third run lock a different inode.
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| CliError::io(format!("cannot open {}", path.display()), &e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(CliError::TryAgain(format!(
            "another snapshot run holds {}; nothing done",
            path.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(CliError::io(format!("cannot lock {}", path.display()), &e))
        }
    }
}

pub fn run(settings: &Settings, args: &SnapshotArgs, json: bool) -> CliResult<()> {
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| CliError::io(format!("cannot create {}", args.dir.display()), &e))?;
    let _lock = lock(&args.dir)?;

    // The provider's "today" is the core's: reports must end before today 00:00 UTC.
    let today = Utc::now().date_naive();
    let extension = args.format.extension();
    let mut report = Vec::new();
    let mut missing = Vec::new();
    for day in days_before(today, args.days) {
        let file = day_file(&args.dir, day, &args.filter.state, extension);
        if file.exists() {
            report.push(json!({"date": day.to_string(), "file": file, "status": "present"}));
        } else {
            missing.push((day, file));
        }
    }

    let mut requests = 0u32;
    if !missing.is_empty() {
        let client = settings.saferpay_client()?;
        for (day, file) in missing {
            let mut query = TransactionQuery::new(
                ReportDate::Day(day),
                ReportDate::Minute(day.and_time(end_of_day())),
            );
            query.state = args.filter.state.clone();
            query.terminal_id = args.filter.terminal_id.clone();
            query.page_size = args.filter.page_size;
            let options = ExportOptions {
                progress: !args.filter.no_progress,
                restart: false,
                stop_after_pages: None,
                label: day.to_string(),
            };
            let summary = export::export_to_file(&client, query, args.format, &file, &options)?;
            requests += summary.requests;
            if !json {
                println!(
                    "{day}: {} transactions -> {}",
                    summary.transactions,
                    file.display()
                );
            }
            report.push(json!({
                "date": day.to_string(),
                "file": file,
                "status": "written",
                "transactions": summary.transactions,
                "resumed_from_page": summary.resumed_from_page,
            }));
        }
    } else if !json {
        println!(
            "nothing to do: the last {} day(s) are already in {}",
            args.days,
            args.dir.display()
        );
    }

    if json {
        output::print_json(&json!({
            "dir": args.dir,
            "days": report,
            "requests": requests,
        }))?;
    }
    Ok(())
}

fn end_of_day() -> NaiveTime {
    NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(NaiveTime::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_the_past_ones_oldest_first() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
        let days: Vec<String> = days_before(today, 3)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(days, ["2026-11-19", "2026-11-20", "2026-11-21"]);
    }

    #[test]
    fn file_names_carry_the_state_unless_successful() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
        let dir = Path::new("d");
        assert_eq!(
            day_file(dir, day, "SUCCESSFUL", "jsonl"),
            Path::new("d/2026-11-20.jsonl")
        );
        assert_eq!(
            day_file(dir, day, "FAILED", "csv"),
            Path::new("d/2026-11-20.failed.csv")
        );
    }
}
