//! Helpers for running the real `paywire` binary against an in-process sandbox.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

use paywire_sandbox::{Sandbox, SandboxOptions, credentials};
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_paywire");

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("paywire-cli-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn sandbox(reporting_per_day: u32, reporting_days: u32) -> Sandbox {
    Sandbox::start_with(SandboxOptions {
        reporting_per_day,
        reporting_days,
        ..SandboxOptions::default()
    })
    .unwrap()
}

/// `paywire` with a clean environment: HOME points into `home` (so the developer's real
/// ~/.config is never read) and no provider variable leaks in from the caller.
pub fn paywire(home: &Path) -> Command {
    let mut command = Command::new(BIN);
    command.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command.env("HOME", home).current_dir(home);
    command
}

/// `paywire` configured for the sandbox through environment variables.
pub fn paywire_for(sandbox: &Sandbox, home: &Path) -> Command {
    let mut command = paywire(home);
    command
        .env("SAFERPAY_BASE_URL", sandbox.saferpay_base_url())
        .env("SAFERPAY_CUSTOMER_ID", credentials::SAFERPAY_CUSTOMER_ID)
        .env("SAFERPAY_TERMINAL_ID", credentials::SAFERPAY_TERMINAL_ID)
        .env("SAFERPAY_USERNAME", credentials::SAFERPAY_USERNAME)
        .env("SAFERPAY_PASSWORD", credentials::SAFERPAY_PASSWORD);
    command
}

pub fn run(command: &mut Command) -> Output {
    command.output().unwrap()
}

pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Requests the sandbox has seen on one route.
pub fn requests(sandbox: &Sandbox, route: &str) -> u64 {
    sandbox.stats()["routes"][route]["requests"]
        .as_u64()
        .unwrap_or(0)
}

pub const REPORT_ROUTE: &str = "saferpay.transactions.report";

/// `YYYY-MM-DD` of `days` days before today (UTC, as the core counts).
pub fn days_ago(days: u64) -> String {
    let today = chrono::Utc::now().date_naive();
    today
        .checked_sub_days(chrono::Days::new(days))
        .unwrap()
        .to_string()
}

/// Transaction ids in a JSONL export.
pub fn jsonl_ids(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| json(line)["id"].as_str().unwrap().to_owned())
        .collect()
}
