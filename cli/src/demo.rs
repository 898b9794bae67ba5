//! `paywire demo`: the real client against an embedded sandbox, one narrated step at a time.
//!
//! Everything runs on 127.0.0.1 inside this process, with the sandbox's fixed credentials.
//! The demo calls the same core methods an application would; the sandbox plays the payer.

use std::time::{Duration, Instant};

use chrono::{Days, Utc};
use paywire::Money;
use paywire::blocking::SaferpayClient;
use paywire::saferpay::{self, CreateOffer, ReportDate, TransactionQuery};
use paywire_sandbox::{Sandbox, SandboxOptions, credentials};
use serde_json::{Value, json};

use crate::args::DemoArgs;
use crate::exit::{CliError, CliResult};
use crate::output;

/// Collects and prints the narrated steps (text as they happen, or one JSON document).
struct Narrator {
    json: bool,
    verbose: bool,
    sections: Vec<Value>,
    steps: Vec<Value>,
    title: String,
    number: usize,
    started: Instant,
}

impl Narrator {
    fn new(json: bool, verbose: bool) -> Narrator {
        Narrator {
            json,
            verbose,
            sections: Vec::new(),
            steps: Vec::new(),
            title: String::new(),
            number: 0,
            started: Instant::now(),
        }
    }

    fn section(&mut self, title: &str, intro: &str) {
        self.close_section();
        self.title = title.to_owned();
        self.number = 0;
        if !self.json {
            println!("\n== {title} ==");
            for line in intro.lines() {
                println!("   {line}");
            }
        }
    }

    fn close_section(&mut self) {
        if !self.title.is_empty() {
            let steps = std::mem::take(&mut self.steps);
            self.sections
                .push(json!({"title": self.title, "steps": steps}));
            self.title.clear();
        }
    }

    /// One step: what happens, then the facts it produced.
    fn step(&mut self, what: &str, facts: &[(&str, String)]) {
        self.number += 1;
        if !self.json {
            println!("\n{:>2}. {what}", self.number);
            for (name, value) in facts {
                println!("      {:<15} {value}", format!("{name}:"));
            }
        }
        let facts: serde_json::Map<String, Value> = facts
            .iter()
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect();
        self.steps.push(json!({"step": what, "facts": facts}));
    }

    /// Background for a newcomer; text mode only.
    fn note(&self, text: &str) {
        if !self.json {
            for line in text.lines() {
                println!("      {line}");
            }
        }
    }

    fn finish(mut self, url: &str) -> CliResult<()> {
        self.close_section();
        let seconds = self.started.elapsed().as_secs_f64();
        if self.json {
            output::print_json(&json!({
                "sandbox_url": url,
                "sections": self.sections,
                "seconds": (seconds * 10.0).round() / 10.0,
                "ok": true,
            }))
        } else {
            println!(
                "\nDone in {seconds:.1} s. Every call above went through the paywire core to the sandbox on {url}."
            );
            println!(
                "Next: `paywire sandbox` serves it for your own code; `paywire --help` lists the commands."
            );
            Ok(())
        }
    }
}

pub fn run(args: &DemoArgs, json: bool) -> CliResult<()> {
    let mut n = Narrator::new(json, args.verbose);
    // Small reporting volume: the demo shows paging, not bulk.
    let sandbox = Sandbox::start_with(SandboxOptions {
        reporting_per_day: 25,
        reporting_days: 3,
        ..SandboxOptions::default()
    })
    .map_err(|e| CliError::Internal(format!("cannot start the embedded sandbox: {e}")))?;
    let url = sandbox.url().to_owned();
    if !json {
        println!("paywire demo: real client calls against a sandbox running inside this process");
        println!("Sandbox: {url} (127.0.0.1 only; no credentials of yours are used)");
    }

    let client = saferpay_client(&sandbox)?;
    saferpay_account(&mut n, &client)?;
    saferpay_offer(&mut n, &sandbox, &client)?;
    saferpay_report(&mut n, &client)?;
    n.finish(&url)
}

fn saferpay_client(sandbox: &Sandbox) -> CliResult<SaferpayClient> {
    let client = saferpay::Client::builder()
        .customer_id(credentials::SAFERPAY_CUSTOMER_ID)
        .terminal_id(credentials::SAFERPAY_TERMINAL_ID)
        .username(credentials::SAFERPAY_USERNAME)
        .password(credentials::SAFERPAY_PASSWORD)
        .base_url(sandbox.saferpay_base_url())
        .timeout(Duration::from_secs(10))
        .build()?;
    Ok(SaferpayClient::new(client))
}

fn saferpay_account(n: &mut Narrator, client: &SaferpayClient) -> CliResult<()> {
    n.section(
        "Saferpay: account (Management API)",
        "The Management API is REST with HTTP Basic auth and a Saferpay-ApiVersion header.",
    );
    let license = client.license()?;
    let features: Vec<&str> = license.features.iter().map(|f| f.id.as_str()).collect();
    n.step(
        "Read the license: which APIs this account may use",
        &[
            ("package", license.package_name.clone()),
            ("features", features.join(", ")),
        ],
    );
    let terminals = client.terminals()?;
    let list: Vec<String> = terminals
        .iter()
        .map(|t| format!("{} ({})", t.terminal_id, t.terminal_type))
        .collect();
    n.step("List the terminals", &[("terminals", list.join(", "))]);
    Ok(())
}

fn saferpay_offer(n: &mut Narrator, sandbox: &Sandbox, client: &SaferpayClient) -> CliResult<()> {
    n.section(
        "Saferpay: Secure PayGate offer (a single-use payment link)",
        "You create an offer, send its link to the payer, and read it back when they have paid.",
    );
    let amount = Money::parse("4.04", "CHF")?;
    let order_id = format!("demo-{}", Utc::now().timestamp());
    let expires_at = (Utc::now() + chrono::Duration::days(7)).fixed_offset();
    let offer = client.create_offer(CreateOffer::new(
        amount,
        &order_id,
        "paywire demo: 1 coffee",
        expires_at,
    ))?;
    n.step(
        "Create the offer: CHF 4.04, expires in 7 days",
        &[
            ("offer id", offer.offer_id.clone()),
            ("payment link", offer.payment_link.clone()),
            ("order id", order_id.clone()),
        ],
    );
    n.note("Amounts travel as integer minor units (\"404\" + \"CHF\"); paywire checks the currency's decimals.");

    let open = client.get_offer(&offer.offer_id, None)?;
    n.step(
        "Read it back before payment",
        &[("status", open.status.to_string())],
    );

    let paid_page = sandbox
        .pay_offer(&offer.offer_id, "success")
        .map_err(|e| CliError::Internal(format!("the sandbox payer page failed: {e}")))?;
    let mut facts = vec![("outcome", "success (card accepted)".to_owned())];
    if n.verbose {
        facts.push(("sandbox answer", paid_page.to_string()));
    }
    n.step(
        "The payer opens the link and clicks Pay (the sandbox plays the payer)",
        &facts,
    );

    let paid = client.get_offer(&offer.offer_id, None)?;
    n.step(
        "Read it again: paid, with the transaction to capture or refund later",
        &[
            ("status", paid.status.to_string()),
            (
                "transaction id",
                paid.transaction_id.clone().unwrap_or_else(|| "-".into()),
            ),
        ],
    );
    if paid.status != saferpay::OfferStatus::Paid {
        return Err(CliError::Internal(format!(
            "the offer should be PAID after payment, but is {}",
            paid.status
        )));
    }
    Ok(())
}

fn saferpay_report(n: &mut Narrator, client: &SaferpayClient) -> CliResult<()> {
    n.section(
        "Saferpay: transaction reporting",
        "Reports are read page by page, strictly one request at a time, and only for days before today.",
    );
    let today = Utc::now().date_naive();
    let yesterday = today
        .checked_sub_days(Days::new(1))
        .ok_or_else(|| CliError::Internal("no yesterday".into()))?;
    let mut query = TransactionQuery::new(
        ReportDate::Day(yesterday),
        ReportDate::Minute(yesterday.and_hms_opt(23, 59, 0).unwrap_or_default()),
    );
    query.page_size = 10;
    let mut pager = client.async_client().transactions(query)?;
    let mut pages = 0u32;
    let mut count = 0u64;
    let mut first = None;
    loop {
        let (next, page) = paywire::rt::block_on(async move {
            let page = pager.next_page().await;
            Ok((pager, page))
        })?;
        pager = next;
        let Some(page) = page? else { break };
        pages += 1;
        count += page.transactions.len() as u64;
        if first.is_none() {
            first = page.transactions.first().cloned();
        }
    }
    let mut facts = vec![
        ("day", format!("{yesterday} 00:00 to 23:59")),
        ("transactions", count.to_string()),
        ("pages of 10", pages.to_string()),
    ];
    if let Some(t) = first {
        facts.push((
            "first",
            format!(
                "{} {} {}",
                t.id,
                t.status,
                t.amount.map(|m| m.to_string()).unwrap_or_default()
            ),
        ));
    }
    n.step("Export yesterday, serially, page after page", &facts);
    n.note("`paywire transactions export` does this to a file, resumable; `snapshot` keeps one file per day.");
    Ok(())
}
