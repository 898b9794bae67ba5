//! The real `paywire` binary against an in-process sandbox on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;
use std::io::Write as _;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use paywire_sandbox::{FaultMode, FaultSpec, credentials};

// ---------------------------------------------------------------------------------------------
// Export: killed halfway, started again, every transaction exactly once.
// ---------------------------------------------------------------------------------------------

fn export_args(out: &str, start: &str, end: &str) -> Vec<String> {
    [
        "--json",
        "transactions",
        "export",
        "--start",
        start,
        "--end",
        end,
        "--page-size",
        "100",
        "--out",
        out,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

#[test]
fn export_killed_mid_flight_resumes_with_every_transaction_exactly_once() {
    let sandbox = sandbox(1000, 3);
    let home = TempDir::new("kill");
    let (start, end) = (days_ago(2), format!("{}T23:59", days_ago(1)));
    let out = home.path().join("report.jsonl");
    let partial = home.path().join("report.jsonl.partial");
    let checkpoint = home.path().join("report.jsonl.checkpoint.json");

    // Every page is slow, so the process is surely still busy when we kill it.
    sandbox
        .inject_fault_spec(FaultSpec {
            route: REPORT_ROUTE.into(),
            mode: FaultMode::Delay,
            count: 1000,
            delay_ms: Some(150),
        })
        .unwrap();
    let mut child = paywire_for(&sandbox, home.path())
        .args(export_args("report.jsonl", &start, &end))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let pages = std::fs::read(&checkpoint)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|c| c["pages_written"].as_u64())
            .unwrap_or(0);
        if pages >= 3 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the export ended before it was killed"
        );
        assert!(Instant::now() < deadline, "no progress within 60 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no cleanup, no last checkpoint
    child.wait().unwrap();
    assert!(!out.exists(), "the target must appear only when complete");
    assert!(partial.exists() && checkpoint.exists());

    // A kill between writing a page and checkpointing it leaves bytes the checkpoint does not
    // cover; the resume must drop them rather than duplicate them.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&partial)
        .unwrap()
        .write_all(b"{\"id\":\"half-written-by-the-killed-run\",")
        .unwrap();

    sandbox.clear_faults();
    let output =
        run(paywire_for(&sandbox, home.path()).args(export_args("report.jsonl", &start, &end)));
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let summary = json(&stdout(&output));
    assert!(
        summary["resumed_from_page"].as_u64().unwrap() >= 4,
        "{summary}"
    );
    let total = summary["total_transactions"].as_u64().unwrap();

    let ids = jsonl_ids(&out);
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a transaction was written twice");
    assert_eq!(
        ids.len() as u64,
        total,
        "count differs from TotalTransactions"
    );
    assert_eq!(summary["transactions"].as_u64(), Some(total));
    assert!(
        total > 500,
        "expected several pages of 100, got {total} transactions"
    );
    assert!(
        !partial.exists() && !checkpoint.exists(),
        "leftovers after success"
    );

    // The same total as an uninterrupted export of the range.
    let fresh =
        run(paywire_for(&sandbox, home.path()).args(export_args("fresh.jsonl", &start, &end)));
    assert_eq!(code(&fresh), 0, "{}", stderr(&fresh));
    let fresh_ids: HashSet<String> = jsonl_ids(&home.path().join("fresh.jsonl"))
        .into_iter()
        .collect();
    assert_eq!(fresh_ids, ids.into_iter().collect::<HashSet<_>>());
}

#[test]
fn csv_export_stopped_twice_resumes_with_one_header_and_no_duplicates() {
    let sandbox = sandbox(400, 3);
    let home = TempDir::new("stop");
    let (start, end) = (days_ago(2), format!("{}T23:59", days_ago(1)));
    let out = home.path().join("report.csv");
    let mut args = export_args("report.csv", &start, &end);
    args.extend(["--stop-after-pages".to_owned(), "2".to_owned()]);

    for round in 0..2 {
        let before = requests(&sandbox, REPORT_ROUTE);
        let output = run(paywire_for(&sandbox, home.path()).args(&args));
        assert_eq!(code(&output), 75, "round {round}: {}", stderr(&output));
        assert!(stderr(&output).contains("resume"), "{}", stderr(&output));
        assert_eq!(
            requests(&sandbox, REPORT_ROUTE) - before,
            2,
            "two pages per run"
        );
        assert!(!out.exists());
    }
    let checkpoint =
        json(&std::fs::read_to_string(home.path().join("report.csv.checkpoint.json")).unwrap());
    assert_eq!(checkpoint["next_page"], 5);

    // A different query must not continue this checkpoint.
    let other = run(paywire_for(&sandbox, home.path()).args(export_args(
        "report.csv",
        &start,
        &format!("{}T12:00", days_ago(1)),
    )));
    assert_eq!(code(&other), 2, "{}", stderr(&other));
    assert!(stderr(&other).contains("--restart"));

    let before = requests(&sandbox, REPORT_ROUTE);
    let output =
        run(paywire_for(&sandbox, home.path()).args(export_args("report.csv", &start, &end)));
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let summary = json(&stdout(&output));
    assert_eq!(summary["resumed_from_page"], 5);
    let total = summary["total_transactions"].as_u64().unwrap();
    let pages = total.div_ceil(100);
    assert_eq!(
        requests(&sandbox, REPORT_ROUTE) - before,
        pages - 4,
        "only the missing pages"
    );

    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("id,type,status,amount,currency")
    );
    let ids: Vec<&str> = lines.map(|l| l.split(',').next().unwrap()).collect();
    assert!(!ids.contains(&"id"), "header repeated");
    assert_eq!(ids.len() as u64, total);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
}

#[test]
fn export_starts_over_when_the_report_changed_under_its_checkpoint() {
    let sandbox = sandbox(300, 2);
    let home = TempDir::new("changed");
    let (start, end) = (days_ago(2), format!("{}T23:59", days_ago(1)));
    let mut args = export_args("report.jsonl", &start, &end);
    args.extend(["--stop-after-pages".to_owned(), "2".to_owned()]);
    let output = run(paywire_for(&sandbox, home.path()).args(&args));
    assert_eq!(code(&output), 75, "{}", stderr(&output));

    // Page boundaries move when the provider's data changes.
    sandbox
        .set_config(paywire_sandbox::SandboxConfig {
            reporting_per_day: Some(250),
            ..Default::default()
        })
        .unwrap();
    let output =
        run(paywire_for(&sandbox, home.path()).args(export_args("report.jsonl", &start, &end)));
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("starting over"),
        "{}",
        stderr(&output)
    );
    let summary = json(&stdout(&output));
    assert!(summary["resumed_from_page"].is_null());
    let ids = jsonl_ids(&home.path().join("report.jsonl"));
    assert_eq!(
        ids.len() as u64,
        summary["total_transactions"].as_u64().unwrap()
    );
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
}

#[test]
fn export_to_stdout_streams_jsonl() {
    let sandbox = sandbox(200, 2);
    let home = TempDir::new("stdout");
    let day = days_ago(1);
    let output = run(paywire_for(&sandbox, home.path()).args([
        "transactions",
        "export",
        "--start",
        &day,
        "--end",
        &format!("{day}T23:59"),
        "--state",
        "FAILED",
    ]));
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let lines: Vec<serde_json::Value> = stdout(&output).lines().map(json).collect();
    assert!(!lines.is_empty());
    assert!(
        lines
            .iter()
            .all(|t| t["status"] == "FAILED" && t["raw"].is_object())
    );
}

/// (id, amount in minor units, currency) of every row of a Parquet export, in file order, and
/// its number of row groups.
#[cfg(feature = "parquet")]
type Row = (String, Option<i64>, Option<String>);

#[cfg(feature = "parquet")]
fn parquet_rows(path: &std::path::Path) -> (Vec<Row>, usize) {
    use arrow_array::{Array, Int64Array, StringArray};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let file = std::fs::File::open(path).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let groups = builder.metadata().num_row_groups();
    let mut rows = Vec::new();
    for batch in builder.build().unwrap() {
        let batch = batch.unwrap();
        let column = |name: &str| batch.column_by_name(name).unwrap().clone();
        let ids = column("id");
        let ids = ids.as_any().downcast_ref::<StringArray>().unwrap();
        let amounts = column("amount_minor");
        let amounts = amounts.as_any().downcast_ref::<Int64Array>().unwrap();
        let currencies = column("currency");
        let currencies = currencies.as_any().downcast_ref::<StringArray>().unwrap();
        for i in 0..batch.num_rows() {
            rows.push((
                ids.value(i).to_owned(),
                (!amounts.is_null(i)).then(|| amounts.value(i)),
                (!currencies.is_null(i)).then(|| currencies.value(i).to_owned()),
            ));
        }
    }
    (rows, groups)
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_export_reads_back_with_the_ids_and_amounts_of_the_jsonl_export() {
    let sandbox = sandbox(700, 3);
    let home = TempDir::new("parquet");
    let (start, end) = (days_ago(2), format!("{}T23:59", days_ago(1)));
    let output =
        run(paywire_for(&sandbox, home.path()).args(export_args("report.jsonl", &start, &end)));
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let mut args = export_args("report.parquet", &start, &end);
    args.extend(["--format".to_owned(), "parquet".to_owned()]);
    let output = run(paywire_for(&sandbox, home.path()).args(&args));
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(!home.path().join("report.parquet.partial").exists());

    let expected: Vec<Row> = std::fs::read_to_string(home.path().join("report.jsonl"))
        .unwrap()
        .lines()
        .map(json)
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_owned(),
                t["amount"]["minor"].as_i64(),
                t["amount"]["currency"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert!(expected.len() > 1000, "{} transactions", expected.len());
    let (rows, groups) = parquet_rows(&home.path().join("report.parquet"));
    assert_eq!(rows, expected);
    // Page size 100: one row group per page, written as the pages arrived.
    assert_eq!(groups, expected.len().div_ceil(100));

    // Snapshot writes the same format, one file per day.
    let output = run(paywire_for(&sandbox, home.path()).args([
        "transactions",
        "snapshot",
        "--dir",
        "reports",
        "--days",
        "2",
        "--format",
        "parquet",
    ]));
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let days: usize = (1..=2)
        .map(|back| {
            let file = home
                .path()
                .join("reports")
                .join(format!("{}.parquet", days_ago(back)));
            parquet_rows(&file).0.len()
        })
        .sum();
    assert_eq!(days, expected.len());
}

// ---------------------------------------------------------------------------------------------
// Snapshot: one file per day, never requested twice, lock.
// ---------------------------------------------------------------------------------------------

#[test]
fn snapshot_writes_one_file_per_day_and_a_second_run_makes_no_request() {
    let sandbox = sandbox(150, 5);
    let home = TempDir::new("snap");
    let snapshot = |days: &str| {
        run(paywire_for(&sandbox, home.path()).args([
            "--json",
            "transactions",
            "snapshot",
            "--dir",
            "reports",
            "--days",
            days,
            "--page-size",
            "50",
        ]))
    };

    let output = snapshot("3");
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let first = requests(&sandbox, REPORT_ROUTE);
    assert!(first >= 3);
    let summary = json(&stdout(&output));
    assert_eq!(summary["requests"].as_u64(), Some(first));
    for back in 1..=3 {
        let day = days_ago(back);
        let file = home.path().join("reports").join(format!("{day}.jsonl"));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.is_empty());
        for line in text.lines() {
            let date = json(line)["date"].as_str().unwrap().to_owned();
            assert!(date.starts_with(&day), "{date} in the file of {day}");
        }
    }
    let mut names: Vec<String> = std::fs::read_dir(home.path().join("reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [3, 2, 1].map(|b| format!("{}.jsonl", days_ago(b))),
        "only the day files"
    );

    // Cron again: every day is on disk, so not a single request.
    let output = snapshot("3");
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(
        requests(&sandbox, REPORT_ROUTE),
        first,
        "a second run must make zero requests"
    );
    assert_eq!(
        sandbox.stats()["routes"][REPORT_ROUTE]["max_in_flight"],
        1,
        "report calls must be serial"
    );
    let summary = json(&stdout(&output));
    assert_eq!(summary["requests"], 0);
    assert!(
        summary["days"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == "present")
    );

    // A wider window fetches only the day that is missing.
    let output = snapshot("4");
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let summary = json(&stdout(&output));
    let written: Vec<&serde_json::Value> = summary["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["status"] == "written")
        .collect();
    assert_eq!(written.len(), 1);
    assert_eq!(written[0]["date"], days_ago(4));
}

#[test]
fn snapshot_refuses_to_overlap_a_running_one() {
    let sandbox = sandbox(50, 2);
    let home = TempDir::new("lock");
    let dir = home.path().join("reports");
    std::fs::create_dir_all(&dir).unwrap();
    let held = std::fs::File::create(dir.join(".paywire-snapshot.lock")).unwrap();
    held.lock().unwrap();
    let output = run(paywire_for(&sandbox, home.path()).args([
        "transactions",
        "snapshot",
        "--dir",
        "reports",
        "--days",
        "2",
    ]));
    assert_eq!(code(&output), 75, "{}", stderr(&output));
    assert_eq!(requests(&sandbox, REPORT_ROUTE), 0);
    held.unlock().unwrap();
    let output = run(paywire_for(&sandbox, home.path()).args([
        "transactions",
        "snapshot",
        "--dir",
        "reports",
        "--days",
        "2",
    ]));
    assert_eq!(code(&output), 0, "{}", stderr(&output));
}

// ---------------------------------------------------------------------------------------------
// Exit codes, --json, secrets.
// ---------------------------------------------------------------------------------------------

#[test]
fn validation_errors_exit_2_and_send_nothing() {
    let sandbox = sandbox(10, 1);
    let home = TempDir::new("validation");
    let today = days_ago(0);
    let output = run(paywire_for(&sandbox, home.path()).args([
        "transactions",
        "export",
        "--start",
        &days_ago(1),
        "--end",
        &today,
        "--out",
        "x.jsonl",
    ]));
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(stderr(&output).contains("end"), "{}", stderr(&output));
    assert!(
        !home.path().join("x.jsonl.partial").exists(),
        "no file before validation passes"
    );

    let output = run(paywire_for(&sandbox, home.path()).args([
        "--json",
        "offers",
        "create",
        "--amount",
        "4.045",
        "--currency",
        "CHF",
        "--order-id",
        "o-1",
        "--description",
        "d",
        "--expires-at",
        "+1d",
    ]));
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let error = json(&stderr(&output));
    assert_eq!(error["error"]["kind"], "validation");
    assert_eq!(error["error"]["exit_code"], 2);

    // clap's own usage errors use the same code.
    let output = run(paywire_for(&sandbox, home.path()).args(["offers", "create", "--amount"]));
    assert_eq!(code(&output), 2);
    assert_eq!(
        sandbox.stats()["requests"],
        0,
        "nothing may reach the provider"
    );
}

#[test]
fn authentication_failure_exits_3_without_echoing_the_password() {
    let sandbox = sandbox(10, 1);
    let home = TempDir::new("auth");
    let wrong = "wrong-password-do-not-print-me";
    let output = run(paywire_for(&sandbox, home.path())
        .env("SAFERPAY_PASSWORD", wrong)
        .args(["--json", "terminals"]));
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    let error = json(&stderr(&output));
    assert_eq!(error["error"]["kind"], "authentication");
    assert_eq!(error["error"]["http_status"], 401);
    let text = run(paywire_for(&sandbox, home.path())
        .env("SAFERPAY_PASSWORD", wrong)
        .arg("license"));
    assert_eq!(code(&text), 3);
    for out in [&output, &text] {
        assert!(!stdout(out).contains(wrong) && !stderr(out).contains(wrong));
    }
}

#[test]
fn missing_credentials_exit_6_and_unknown_offer_exits_4() {
    let sandbox = sandbox(10, 1);
    let home = TempDir::new("config");
    let output = run(paywire(home.path()).arg("terminals"));
    assert_eq!(code(&output), 6, "{}", stderr(&output));
    assert!(stderr(&output).contains("SAFERPAY_CUSTOMER_ID"));

    let output = run(paywire_for(&sandbox, home.path()).args([
        "offers",
        "get",
        "00000000-0000-0000-0000-000000000000",
    ]));
    assert_eq!(code(&output), 4, "{}", stderr(&output));
}

#[test]
fn json_output_parses() {
    let sandbox = sandbox(10, 1);
    let home = TempDir::new("json");
    let terminals = run(paywire_for(&sandbox, home.path()).args(["--json", "terminals"]));
    assert_eq!(code(&terminals), 0, "{}", stderr(&terminals));
    let list = json(&stdout(&terminals));
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|t| t["terminal_id"] == credentials::SAFERPAY_TERMINAL_ID)
    );

    let one = run(paywire_for(&sandbox, home.path()).args([
        "--json",
        "terminals",
        credentials::SAFERPAY_TERMINAL_ID,
    ]));
    assert_eq!(code(&one), 0, "{}", stderr(&one));
    assert!(
        !json(&stdout(&one))["payment_methods"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let license = run(paywire_for(&sandbox, home.path()).args(["--json", "license"]));
    assert_eq!(code(&license), 0, "{}", stderr(&license));
    assert!(json(&stdout(&license))["package_id"].is_string());

    let config = run(paywire_for(&sandbox, home.path()).args(["--json", "config", "show"]));
    assert_eq!(code(&config), 0);
    let shown = json(&stdout(&config));
    assert_eq!(shown["settings"]["SAFERPAY_PASSWORD"]["set"], true);
    assert!(shown["settings"]["SAFERPAY_PASSWORD"]["value"].is_null());
    assert!(!stdout(&config).contains(credentials::SAFERPAY_PASSWORD));
}

#[test]
fn offers_create_get_delete() {
    let sandbox = sandbox(10, 1);
    let home = TempDir::new("offers");
    let created = run(paywire_for(&sandbox, home.path()).args([
        "--json",
        "offers",
        "create",
        "--amount",
        "4.04",
        "--currency",
        "CHF",
        "--order-id",
        "cli-4711",
        "--description",
        "Invoice 4711",
        "--expires-at",
        "+2d",
    ]));
    assert_eq!(code(&created), 0, "{}", stderr(&created));
    let offer = json(&stdout(&created));
    let id = offer["offer_id"].as_str().unwrap().to_owned();
    assert!(
        offer["payment_link"]
            .as_str()
            .unwrap()
            .starts_with(sandbox.url())
    );
    assert_eq!(offer["amount"]["minor"], 404);
    assert_eq!(offer["amount"]["currency"], "CHF");

    let got = run(paywire_for(&sandbox, home.path()).args(["--json", "offers", "get", &id]));
    assert_eq!(code(&got), 0, "{}", stderr(&got));
    let got = json(&stdout(&got));
    assert_eq!(got["status"], "OPEN");
    assert_eq!(got["order_id"], "cli-4711");

    // Text output for people.
    let text = run(paywire_for(&sandbox, home.path()).args(["offers", "get", &id]));
    assert!(
        stdout(&text).contains("status:         OPEN"),
        "{}",
        stdout(&text)
    );

    let deleted = run(paywire_for(&sandbox, home.path()).args(["offers", "delete", &id]));
    assert_eq!(code(&deleted), 0, "{}", stderr(&deleted));
    let after = run(paywire_for(&sandbox, home.path()).args(["--json", "offers", "get", &id]));
    let status = if code(&after) == 0 {
        json(&stdout(&after))["status"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    } else {
        "gone".into()
    };
    assert_ne!(status, "OPEN", "a deleted offer must not stay open");
}

// ---------------------------------------------------------------------------------------------
// Profiles and precedence.
// ---------------------------------------------------------------------------------------------

#[test]
fn profile_supplies_settings_and_env_and_flags_override_it() {
    let sandbox = sandbox(10, 1);
    let home = TempDir::new("profile");
    let dir = home.path().join(".config").join("paywire");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[default]\nsaferpay_customer_id = \"999\"\n\n[sandbox]\nsaferpay_base_url = \"{}\"\nsaferpay_customer_id = {}\nsaferpay_username = \"{}\"\nsaferpay_password = \"{}\"\nsaferpay_terminal_id = \"{}\"\n",
            sandbox.saferpay_base_url(),
            credentials::SAFERPAY_CUSTOMER_ID,
            credentials::SAFERPAY_USERNAME,
            credentials::SAFERPAY_PASSWORD,
            credentials::SAFERPAY_TERMINAL_ID,
        ),
    )
    .unwrap();

    // The profile alone is enough to talk to the sandbox.
    let output = run(paywire(home.path()).args(["--profile", "sandbox", "--json", "license"]));
    assert_eq!(code(&output), 0, "{}", stderr(&output));

    // env beats profile; --terminal-id beats env.
    let shown = run(paywire(home.path())
        .env("PAYWIRE_PROFILE", "sandbox")
        .env("SAFERPAY_TERMINAL_ID", "11111111")
        .args(["--json", "config", "show"]));
    let shown = json(&stdout(&shown));
    assert_eq!(shown["profile"], "sandbox");
    assert_eq!(
        shown["settings"]["SAFERPAY_TERMINAL_ID"]["value"],
        "11111111"
    );
    assert_eq!(shown["settings"]["SAFERPAY_TERMINAL_ID"]["source"], "env");
    assert_eq!(
        shown["settings"]["SAFERPAY_CUSTOMER_ID"]["source"],
        "profile"
    );

    let created = run(paywire(home.path())
        .env("SAFERPAY_TERMINAL_ID", "11111111")
        .args([
            "--profile",
            "sandbox",
            "--json",
            "offers",
            "create",
            "--amount",
            "1",
            "--currency",
            "EUR",
            "--order-id",
            "p-1",
            "--description",
            "d",
            "--expires-at",
            "+3h",
            "--terminal-id",
            credentials::SAFERPAY_TERMINAL_ID,
        ]));
    assert_eq!(code(&created), 0, "{}", stderr(&created));
    assert_eq!(
        json(&stdout(&created))["terminal_id"],
        credentials::SAFERPAY_TERMINAL_ID
    );

    // An unknown profile is a configuration error.
    let missing = run(paywire(home.path()).args(["--profile", "nope", "license"]));
    assert_eq!(code(&missing), 6);
    assert!(
        stderr(&missing).contains("sandbox"),
        "lists the known profiles"
    );
}

#[test]
fn help_and_completions_are_usable_and_leak_no_secret() {
    let home = TempDir::new("help");
    let output = run(paywire(home.path())
        .env("SAFERPAY_PASSWORD", "secret-in-env-9876")
        .arg("--help"));
    assert_eq!(code(&output), 0);
    let help = stdout(&output);
    assert!(help.contains("paywire demo") && help.contains("Exit codes"));
    assert!(!help.contains("secret-in-env-9876"));
    for sub in [
        vec!["transactions", "export", "--help"],
        vec!["offers", "create", "--help"],
        vec!["transactions", "snapshot", "--help"],
    ] {
        let output = run(paywire(home.path())
            .env("SAFERPAY_PASSWORD", "secret-in-env-9876")
            .args(&sub));
        assert_eq!(code(&output), 0);
        assert!(stdout(&output).contains("Examples"), "{sub:?}");
        assert!(!stdout(&output).contains("secret-in-env-9876"));
    }
    for shell in ["bash", "zsh", "fish"] {
        let output = run(paywire(home.path()).args(["completions", shell]));
        assert_eq!(code(&output), 0);
        assert!(stdout(&output).contains("snapshot"), "{shell}");
    }
}

// ---------------------------------------------------------------------------------------------
// Demo.
// ---------------------------------------------------------------------------------------------

#[test]
fn demo_completes_offline_in_under_a_minute() {
    let home = TempDir::new("demo");
    let started = Instant::now();
    let output = run(paywire(home.path()).arg("demo"));
    assert_eq!(code(&output), 0, "{}\n{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("PAID"), "{}", stdout(&output));

    let output = run(paywire(home.path()).args(["--json", "demo"]));
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = json(&stdout(&output));
    assert_eq!(report["ok"], true);
    let titles: Vec<&str> = report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    for part in [
        "Secure PayGate",
        "JSON API",
        "reporting",
        "secuconnect",
        "SekurePay",
        "Payment links",
    ] {
        assert!(
            titles.iter().any(|t| t.contains(part)),
            "{part} missing from {titles:?}"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(60));
}

// ---------------------------------------------------------------------------------------------
// `paywire sandbox` serves until stopped.
// ---------------------------------------------------------------------------------------------

#[test]
fn sandbox_command_serves_and_prints_ready_to_use_settings() {
    use std::io::BufRead as _;
    let home = TempDir::new("serve");
    let mut child = paywire(home.path())
        .args([
            "--json",
            "sandbox",
            "--port",
            "0",
            "--reporting-per-day",
            "5",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let banner = json(&line);
    assert!(
        banner["url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    let mut command = paywire(home.path());
    for (key, value) in banner["env"].as_object().unwrap() {
        command.env(key, value.as_str().unwrap());
    }
    let output = run(command.args(["--json", "license"]));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(json(&stdout(&output))["features"].is_array());
}
