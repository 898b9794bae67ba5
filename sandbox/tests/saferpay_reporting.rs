//! Transaction reporting: seeded paging exactly-once, limits, serial calls, real transactions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use paywire_sandbox::{FaultMode, FaultSpec, SandboxConfig, SandboxOptions};
use reqwest::Method;
use serde_json::Value;
use std::collections::HashSet;

fn day(sb: &paywire_sandbox::Sandbox, days_ago: i64) -> String {
    (sb.now() - chrono::Duration::days(days_ago))
        .format("%Y-%m-%d")
        .to_string()
}

async fn page(c: &reqwest::Client, sb: &paywire_sandbox::Sandbox, query: &str) -> (u16, Value) {
    let r = mgmt(c, Method::GET, sb, &format!("/transactions?{query}"))
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap())
}

#[tokio::test]
async fn three_pages_exactly_once() {
    let sb = start_with(SandboxOptions {
        reporting_per_day: 40,
        reporting_days: 10,
        ..Default::default()
    });
    let c = client();
    let (start, end) = (day(&sb, 3), day(&sb, 2));
    let (s, first) = page(
        &c,
        &sb,
        &format!("StartDate={start}&EndDate={end}&PageSize=30&PageNumber=1"),
    )
    .await;
    assert_eq!(s, 200, "{first}");
    let total = first["TotalTransactions"].as_u64().unwrap();
    assert!(total > 60 && total <= 80, "total {total}");
    assert_eq!(first["PageNumber"], 0);
    assert_eq!(first["PageSize"], 30);
    let mut ids = Vec::new();
    let mut last_date = String::new();
    for n in 1..=3 {
        let (_, p) = page(
            &c,
            &sb,
            &format!("StartDate={start}&EndDate={end}&PageSize=30&PageNumber={n}"),
        )
        .await;
        assert_eq!(p["PageNumber"], n - 1);
        for t in p["Transactions"].as_array().unwrap() {
            ids.push(t["TransactionId"].as_str().unwrap().to_string());
            let d = t["AuthorizationDetails"]["AuthorizationDate"]
                .as_str()
                .unwrap()
                .to_string();
            assert!(d >= last_date, "not sorted: {d} < {last_date}");
            assert!(
                !d.ends_with('Z') && !d.contains('+'),
                "reporting dates have no offset: {d}"
            );
            last_date = d;
            assert!(
                t["MerchantAmount"].as_str().unwrap().contains('.')
                    || t["MerchantCurrency"] == "JPY"
            );
            assert!(t["TerminalId"].is_u64() && t["CustomerId"].is_u64());
        }
    }
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(ids.len() as u64, total);
    assert_eq!(unique.len(), ids.len());
    let (_, p4) = page(
        &c,
        &sb,
        &format!("StartDate={start}&EndDate={end}&PageSize=30&PageNumber=4"),
    )
    .await;
    assert!(p4["Transactions"].as_array().unwrap().is_empty());
    // Deterministic: the same query gives the same rows.
    let (_, again) = page(
        &c,
        &sb,
        &format!("StartDate={start}&EndDate={end}&PageSize=30&PageNumber=1"),
    )
    .await;
    assert_eq!(again, first);
    // Filters: FAILED and terminal.
    let (_, failed) = page(
        &c,
        &sb,
        &format!("StartDate={start}&EndDate={end}&TransactionState=FAILED"),
    )
    .await;
    for t in failed["Transactions"].as_array().unwrap() {
        assert!(t["FailedDetails"]["FailedDate"].is_string());
    }
    let (_, spg) = page(
        &c,
        &sb,
        &format!("StartDate={start}&EndDate={end}&TerminalId=17757532"),
    )
    .await;
    assert!(
        spg["Transactions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["TerminalId"] == 17757532)
    );
}

#[tokio::test]
async fn limits_and_end_date_rule() {
    let sb = start_with(SandboxOptions {
        reporting_per_day: 10_000,
        ..Default::default()
    });
    let c = client();
    let (s, v) = page(
        &c,
        &sb,
        &format!(
            "StartDate={}&EndDate={}&PageSize=5000",
            day(&sb, 1),
            day(&sb, 1)
        ),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(v["PageSize"], 2000);
    assert_eq!(v["Transactions"].as_array().unwrap().len(), 2000);
    assert!(v["TotalTransactions"].as_u64().unwrap() > 5000);
    let (s, v) = page(
        &c,
        &sb,
        &format!("StartDate={}&EndDate={}", day(&sb, 1), day(&sb, 0)),
    )
    .await;
    assert_eq!(s, 400);
    assert!(v["ErrorDetail"][0].as_str().unwrap().starts_with("EndDate"));
    let (s, _) = page(
        &c,
        &sb,
        &format!(
            "StartDate={}T10:00&EndDate={}T23:59",
            day(&sb, 2),
            day(&sb, 1)
        ),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = page(&c, &sb, "StartDate=2024-13-01&EndDate=2024-12-01").await;
    assert_eq!(s, 400);
    let (s, _) = page(&c, &sb, &format!("EndDate={}", day(&sb, 1))).await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn parallel_report_calls_are_refused() {
    let sb = start();
    let c = client();
    sb.inject_fault_spec(FaultSpec {
        route: "saferpay.transactions.report".into(),
        mode: FaultMode::Delay,
        count: 1,
        delay_ms: Some(600),
    })
    .unwrap();
    let q = format!(
        "StartDate={}&EndDate={}&PageSize=10",
        day(&sb, 2),
        day(&sb, 1)
    );
    let slow = {
        let c = c.clone();
        let url = format!(
            "{}/rest/customers/123456/transactions?{q}",
            sb.saferpay_base_url()
        );
        tokio::spawn(async move {
            c.get(url)
                .basic_auth(
                    paywire_sandbox::credentials::SAFERPAY_USERNAME,
                    Some(paywire_sandbox::credentials::SAFERPAY_PASSWORD),
                )
                .header("Saferpay-ApiVersion", "1.53")
                .header("Saferpay-RequestId", "slow-1")
                .send()
                .await
                .unwrap()
                .status()
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (s, v) = page(&c, &sb, &q).await;
    assert_eq!(s, 429, "{v}");
    assert_eq!(v["ErrorName"], "TOO_MANY_REQUESTS");
    assert_eq!(v["Behavior"], "RETRY_LATER");
    assert_eq!(slow.await.unwrap(), 200);
    let (s, _) = page(&c, &sb, &q).await;
    assert_eq!(s, 200);
    assert_eq!(sb.stats()["effects"]["reports_refused"], 1);
}

#[tokio::test]
async fn sandbox_transactions_appear_in_the_report() {
    let sb = start_with(SandboxOptions {
        reporting_per_day: 0,
        ..Default::default()
    });
    let c = client();
    let tx = authorized_tx(&c, &sb, "rep-1", "505").await;
    let (s, _) = json_api(
        &c,
        &sb,
        "Transaction/Capture",
        serde_json::json!({"TransactionReference": {"TransactionId": tx}}),
    )
    .await;
    assert_eq!(s, 200);
    let init = initialize(&c, &sb, "rep-2", "100", None).await;
    sb.pay_payment_page(init["Token"].as_str().unwrap(), "decline")
        .unwrap();
    sb.advance_clock(86_400);
    let (_, v) = page(
        &c,
        &sb,
        &format!("StartDate={}&EndDate={}", day(&sb, 1), day(&sb, 1)),
    )
    .await;
    assert_eq!(v["TotalTransactions"], 1, "{v}");
    let t = &v["Transactions"][0];
    assert_eq!(t["TransactionId"], tx.as_str());
    assert_eq!(t["MerchantAmount"], "5.05");
    assert_eq!(t["MerchantCurrency"], "CHF");
    assert_eq!(t["AuthorizationDetails"]["State"], "CAPTURED");
    assert_eq!(t["AuthorizationDetails"]["IsCaptured"], true);
    let (_, v) = page(
        &c,
        &sb,
        &format!(
            "StartDate={}&EndDate={}&TransactionState=FAILED",
            day(&sb, 1),
            day(&sb, 1)
        ),
    )
    .await;
    assert_eq!(v["TotalTransactions"], 1);
    assert_eq!(v["Transactions"][0]["OrderId"], "rep-2");
    // Volume is configurable at run time.
    sb.set_config(SandboxConfig {
        reporting_per_day: Some(100),
        ..Default::default()
    })
    .unwrap();
    let (_, v) = page(
        &c,
        &sb,
        &format!(
            "StartDate={}&EndDate={}&PageSize=2000",
            day(&sb, 5),
            day(&sb, 2)
        ),
    )
    .await;
    assert!(v["TotalTransactions"].as_u64().unwrap() > 200);
}

#[tokio::test]
async fn pages_from_encoded_days_equal_pages_encoded_on_demand() {
    let options = SandboxOptions {
        reporting_per_day: 300,
        reporting_days: 5,
        ..Default::default()
    };
    let plain = start_with(options.clone());
    let cached = start_with(SandboxOptions {
        report_cache_bytes: 16 << 20,
        ..options
    });
    let c = client();
    let (start, end) = (day(&plain, 4), day(&plain, 1));
    for query in [
        format!("StartDate={start}&EndDate={end}&PageSize=250&PageNumber=2"),
        format!("StartDate={start}&EndDate={end}&TransactionState=FAILED&PageSize=40"),
        format!("StartDate={start}&EndDate={end}&TerminalId=17757532&PageNumber=3&PageSize=50"),
        format!("StartDate={start}T06:30&EndDate={end}T12:15&TransactionState=PENDING"),
    ] {
        let (_, expected) = page(&c, &plain, &query).await;
        // Twice: the first encodes the days, the second serves them as bytes.
        for _ in 0..2 {
            let (status, got) = page(&c, &cached, &query).await;
            assert_eq!(status, 200, "{got}");
            assert_eq!(got, expected, "{query}");
        }
        assert!(
            !expected["Transactions"].as_array().unwrap().is_empty(),
            "{query}"
        );
    }
}
