//! `paywire demo`: the real clients against an embedded sandbox, one narrated step at a time.
//!
//! Everything runs on 127.0.0.1 inside this process, with the sandbox's fixed credentials.
//! The demo calls the same core methods an application would; the sandbox plays the payer.

use std::future::Future;
use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{Days, Utc};
use paywire::blocking::{SaferpayClient, SekurePayClient};
use paywire::links::{CreatePaymentLink, LinkStatus, PaymentLink};
use paywire::saferpay::{
    self, CreateOffer, InitializePaymentPage, Refund, ReportDate, TransactionQuery,
};
use paywire::secuconnect::{self, CancelPayment, CreateSmartTransaction, ReturnUrls};
use paywire::sekurepay::{self, CreateOrder};
use paywire::{Currency, Money};
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
                println!("      {:<18} {value}", format!("{name}:"));
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

    fn raw(&self, label: &str, value: &Value) {
        if self.verbose && !self.json {
            println!("      {label}: {value}");
        }
    }

    fn finish(mut self, url: &str) -> CliResult<()> {
        self.close_section();
        let seconds = self.started.elapsed().as_secs_f64();
        if self.json {
            output::print_json(&json!({
                "sandbox_url": url,
                "sections": self.sections,
                "seconds": (seconds * 1000.0).round() / 1000.0,
                "ok": true,
            }))
        } else {
            println!(
                "\nDone in {} ms. Every call above went through the paywire core to the sandbox on {url}.",
                (seconds * 1000.0).round()
            );
            println!(
                "Next: `paywire sandbox` serves it for your own code; `paywire --help` lists the commands."
            );
            Ok(())
        }
    }
}

/// Runs an async core call on the core's runtime.
fn wait<T, F>(future: F) -> CliResult<T>
where
    F: Future<Output = Result<T, paywire::Error>> + Send + 'static,
    T: Send + 'static,
{
    Ok(paywire::rt::block_on(future)?)
}

fn sandbox_error(what: &str) -> impl FnOnce(paywire_sandbox::SandboxError) -> CliError + '_ {
    move |e| CliError::Internal(format!("the sandbox could not {what}: {e}"))
}

/// A demo step did not end as the provider documents: a bug somewhere, say so loudly.
fn expect(ok: bool, what: impl FnOnce() -> String) -> CliResult<()> {
    if ok {
        Ok(())
    } else {
        Err(CliError::Internal(format!("demo check failed: {}", what())))
    }
}

fn money(amount: &str, currency: &str) -> CliResult<Money> {
    Ok(Money::parse(amount, currency)?)
}

fn show(m: Option<&Money>) -> String {
    m.map_or_else(|| "-".to_owned(), ToString::to_string)
}

pub fn run(args: &DemoArgs, json: bool) -> CliResult<()> {
    let mut n = Narrator::new(json, args.verbose);
    // Small reporting volume: the demo shows paging, not bulk.
    let sandbox = Sandbox::start_with(SandboxOptions {
        reporting_per_day: 12,
        reporting_days: 2,
        ..SandboxOptions::default()
    })
    .map_err(sandbox_error("start"))?;
    let url = sandbox.url().to_owned();
    if !json {
        println!("paywire demo: real client calls against a sandbox running inside this process");
        println!("Sandbox: {url} (127.0.0.1 only; no credentials of yours are used)");
    }
    let order = format!("demo-{}", Utc::now().format("%H%M%S"));

    let saferpay = saferpay_client(&sandbox)?;
    saferpay_account(&mut n, &saferpay)?;
    // The reporting API only serves days before today. To show today's payments in a report,
    // the sandbox clock runs a day behind while we pay, then catches up: as if you exported
    // the next morning.
    sandbox.advance_clock(-86_400);
    let offer_tx = saferpay_offer(&mut n, &sandbox, &saferpay, &order)?;
    let lifecycle = saferpay_lifecycle(&mut n, &sandbox, &saferpay, &order)?;
    sandbox.advance_clock(86_400);
    saferpay_report(&mut n, &saferpay, &offer_tx, &lifecycle)?;

    let secuconnect = secuconnect_client(&sandbox)?;
    secuconnect_flow(&mut n, &sandbox, &secuconnect, &order)?;
    sekurepay_flow(&mut n, &sandbox, &order)?;
    payment_links(&mut n, &sandbox, &saferpay, &secuconnect, &order)?;
    n.finish(&url)
}

// ---------------------------------------------------------------------------------------------
// Saferpay
// ---------------------------------------------------------------------------------------------

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

/// Returns the transaction id of the paid offer.
fn saferpay_offer(
    n: &mut Narrator,
    sandbox: &Sandbox,
    client: &SaferpayClient,
    order: &str,
) -> CliResult<String> {
    n.section(
        "Saferpay: Secure PayGate offer (a single-use payment link)",
        "You create an offer, send its link to the payer, and read it back when they have paid.",
    );
    let order_id = format!("{order}-offer");
    let expires_at = (Utc::now() + chrono::Duration::days(7)).fixed_offset();
    let offer = client.create_offer(CreateOffer::new(
        money("4.04", "CHF")?,
        &order_id,
        "paywire demo: 1 coffee",
        expires_at,
    ))?;
    n.step(
        "Create the offer: CHF 4.04, expires in 7 days",
        &[
            ("offer id", offer.offer_id.clone()),
            ("payment link", offer.payment_link.clone()),
            ("order id", order_id),
        ],
    );
    n.note("Amounts travel as integer minor units (\"404\" + \"CHF\"); paywire checks each currency's decimals.");

    let open = client.get_offer(&offer.offer_id, None)?;
    n.step(
        "Read it back before payment",
        &[("status", open.status.to_string())],
    );

    let page = sandbox
        .pay_offer(&offer.offer_id, "success")
        .map_err(sandbox_error("pay the offer"))?;
    n.step(
        "The payer opens the link and clicks Pay (the sandbox's payer page plays the payer)",
        &[("outcome", "success (card accepted)".into())],
    );
    n.raw("payer page answer", &page);

    let paid = client.get_offer(&offer.offer_id, None)?;
    let transaction_id = paid
        .transaction_id
        .clone()
        .ok_or_else(|| CliError::Internal("a paid offer should name its transaction".into()))?;
    n.step(
        "Read it again: paid, and the id of the payment behind it",
        &[
            ("status", paid.status.to_string()),
            ("transaction id", transaction_id.clone()),
        ],
    );
    expect(paid.status == saferpay::OfferStatus::Paid, || {
        format!("the offer should be PAID, but is {}", paid.status)
    })?;
    let capture = client.capture(&transaction_id, None)?;
    n.step(
        "Capture it through the JSON API: API offers are not captured automatically",
        &[("status", capture.status.to_string())],
    );
    Ok(transaction_id)
}

/// Ids the report should show: the payment and its refund.
struct Lifecycle {
    payment_id: String,
    refund_id: String,
}

fn saferpay_lifecycle(
    n: &mut Narrator,
    sandbox: &Sandbox,
    client: &SaferpayClient,
    order: &str,
) -> CliResult<Lifecycle> {
    n.section(
        "Saferpay: payment page and the transaction lifecycle (JSON API)",
        "Every JSON API call carries a RequestHeader with a RequestId that stays the same on\n\
         retries, as the spec asks; paywire does not count on Saferpay recognising it: a call is\n\
         sent again only when that cannot do its effect twice (docs/exactly-once.md).",
    );
    let order_id = format!("{order}-pp");
    let session = client.initialize_payment_page(InitializePaymentPage::new(
        money("25.00", "EUR")?,
        &order_id,
        "paywire demo: concert ticket",
        "http://127.0.0.1/return",
    ))?;
    n.step(
        "Initialize a payment page for EUR 25.00",
        &[
            ("token", session.token.clone()),
            ("payer goes to", session.redirect_url.clone()),
        ],
    );
    sandbox
        .pay_payment_page(&session.token, "success")
        .map_err(sandbox_error("pay the payment page"))?;
    n.step(
        "The payer enters a card on the page and pays (played by the sandbox)",
        &[("outcome", "success".into())],
    );

    let payment = client.assert_payment_page(&session.token)?;
    let tx = &payment.transaction;
    n.step(
        "Assert the page: the payment is authorized, not yet money in the bank",
        &[
            ("transaction id", tx.id.clone()),
            ("status", tx.status.to_string()),
            ("amount", tx.amount.to_string()),
            (
                "payment means",
                payment
                    .payment_means
                    .display_text
                    .clone()
                    .unwrap_or_default(),
            ),
        ],
    );
    n.raw("assert answer", &payment.raw);

    let capture = client.capture(&tx.id, None)?;
    let capture_id = capture
        .capture_id
        .clone()
        .ok_or_else(|| CliError::Internal("a capture should have a capture id".into()))?;
    n.step(
        "Capture it: now the money moves",
        &[
            ("status", capture.status.to_string()),
            ("capture id", capture_id.clone()),
        ],
    );

    let refund = client.refund(Refund::new(&capture_id, money("5.00", "EUR")?))?;
    let refund_tx = refund.transaction.clone();
    n.step(
        "Refund EUR 5.00 of it: a new REFUND transaction, authorized",
        &[
            ("refund id", refund_tx.id.clone()),
            ("type", refund_tx.transaction_type.to_string()),
            ("status", refund_tx.status.to_string()),
        ],
    );
    n.note("A refund is itself a transaction; like a payment, it moves money only once captured.");

    let refund_capture = client.capture(&refund_tx.id, None)?;
    n.step(
        "Capture the refund",
        &[("status", refund_capture.status.to_string())],
    );
    Ok(Lifecycle {
        payment_id: tx.id.clone(),
        refund_id: refund_tx.id,
    })
}

fn saferpay_report(
    n: &mut Narrator,
    client: &SaferpayClient,
    offer_tx: &str,
    lifecycle: &Lifecycle,
) -> CliResult<()> {
    n.section(
        "Saferpay: transaction reporting",
        "Reports are read page by page, strictly one request at a time, and only for days\n\
         before today. The sandbox clock now moves to the next morning.",
    );
    let yesterday = Utc::now()
        .date_naive()
        .checked_sub_days(Days::new(1))
        .ok_or_else(|| CliError::Internal("no yesterday".into()))?;
    let mut query = TransactionQuery::new(
        ReportDate::Day(yesterday),
        ReportDate::Minute(yesterday.and_hms_opt(23, 59, 0).unwrap_or_default()),
    );
    query.page_size = 5;
    let mut pager = client.async_client().transactions(query)?;
    let (mut pages, mut count) = (0u32, 0u64);
    let mut ours = Vec::new();
    loop {
        let (next, page) = wait(async move {
            let page = pager.next_page().await;
            Ok((pager, page))
        })?;
        pager = next;
        let Some(page) = page? else { break };
        pages += 1;
        count += page.transactions.len() as u64;
        for t in page.transactions {
            if [offer_tx, &lifecycle.payment_id, &lifecycle.refund_id].contains(&t.id.as_str()) {
                ours.push(t);
            }
        }
    }
    let mut facts = vec![
        ("day", format!("{yesterday} 00:00 to 23:59")),
        ("transactions", count.to_string()),
        ("pages of 5", pages.to_string()),
    ];
    let lines: Vec<String> = ours
        .iter()
        .map(|t| {
            format!(
                "{} {} {} {}",
                t.id,
                t.transaction_type.as_deref().unwrap_or("-"),
                t.status,
                show(t.amount.as_ref())
            )
        })
        .collect();
    for line in &lines {
        facts.push(("ours", line.clone()));
    }
    n.step(
        "Export yesterday serially; our payments are in it next to the seeded ones",
        &facts,
    );
    n.note("`paywire transactions export` does this into a file, resumably; `snapshot` keeps one file per day.");
    expect(ours.len() == 3, || {
        format!(
            "the report should list the offer payment, the payment and the refund; found {lines:?}"
        )
    })
}

// ---------------------------------------------------------------------------------------------
// secuconnect
// ---------------------------------------------------------------------------------------------

fn secuconnect_client(sandbox: &Sandbox) -> CliResult<secuconnect::Client> {
    Ok(secuconnect::Client::builder()
        .client_id(credentials::SECUCONNECT_CLIENT_ID)
        .client_secret(credentials::SECUCONNECT_CLIENT_SECRET)
        .contract_id(credentials::SECUCONNECT_CONTRACT_ID)
        .base_url(sandbox.secuconnect_base_url())
        .timeout(Duration::from_secs(10))
        .build()?)
}

/// A one-shot HTTP endpoint on 127.0.0.1 that receives push notifications, as a shop's
/// webhook would.
struct PushReceiver {
    url: String,
    bodies: mpsc::Receiver<Vec<u8>>,
}

fn push_receiver() -> CliResult<PushReceiver> {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| CliError::io("cannot listen for push notifications", &e))?;
    let address = listener
        .local_addr()
        .map_err(|e| CliError::io("cannot read the push listener address", &e))?;
    let (tx, bodies) = mpsc::channel();
    // Detached: it ends with the process; a handful of deliveries is all the demo expects.
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let body = read_http_body(&mut stream);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            if let Some(body) = body
                && tx.send(body).is_err()
            {
                break;
            }
        }
    });
    Ok(PushReceiver {
        url: format!("http://{address}/paywire-demo/push"),
        bodies,
    })
}

fn read_http_body(stream: &mut std::net::TcpStream) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    let header_end = loop {
        let read = stream.read(&mut buffer).ok()?;
        if read == 0 {
            return None;
        }
        data.extend_from_slice(buffer.get(..read)?);
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if data.len() > 64 * 1024 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(data.get(..header_end)?).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while data.len() < header_end + length {
        let read = stream.read(&mut buffer).ok()?;
        if read == 0 {
            break;
        }
        data.extend_from_slice(buffer.get(..read)?);
    }
    data.get(header_end..).map(<[u8]>::to_vec)
}

fn secuconnect_flow(
    n: &mut Narrator,
    sandbox: &Sandbox,
    client: &secuconnect::Client,
    order: &str,
) -> CliResult<()> {
    n.section(
        "secuconnect: Smart Transaction with a push notification",
        "OAuth 2.0 client credentials; the token is fetched once, cached and refreshed by paywire.",
    );
    let c = client.clone();
    wait(async move { c.access_token().await })?;
    let info = client.token_info();
    n.step(
        "Get an access token (never printed; paywire keeps it in a Secret)",
        &[
            (
                "token type",
                info.as_ref()
                    .map(|i| i.token_type.clone())
                    .unwrap_or_default(),
            ),
            (
                "valid for",
                info.as_ref()
                    .map(|i| format!("{} s", i.expires_in))
                    .unwrap_or_default(),
            ),
        ],
    );

    let receiver = push_receiver()?;
    let mut request = CreateSmartTransaction::new(money("19.90", "EUR")?);
    request.merchant_ref = Some(format!("{order}-stx"));
    request.transaction_ref = Some("paywire demo: book".into());
    request.auto_capture = Some(true);
    request.return_urls = Some(ReturnUrls {
        url_push: Some(receiver.url.clone()),
        ..ReturnUrls::default()
    });
    let c = client.clone();
    let stx = wait(async move { c.create_smart_transaction(request).await })?;
    n.step(
        "Create a Smart Transaction for EUR 19.90, pushes to our webhook",
        &[
            ("id", stx.id.clone()),
            ("status", stx.status.as_str().to_owned()),
            (
                "checkout link",
                stx.payment_link.clone().unwrap_or_default(),
            ),
            ("push URL", receiver.url.clone()),
        ],
    );

    sandbox
        .complete_smart_transaction(&stx.id, "success")
        .map_err(sandbox_error("complete the smart transaction"))?;
    n.step(
        "The payer pays on the checkout page (played by the sandbox)",
        &[("outcome", "success".into())],
    );

    let body = receiver
        .bodies
        .recv_timeout(Duration::from_secs(10))
        .map_err(|_| CliError::Internal("no push notification arrived within 10 s".into()))?;
    let push = secuconnect::parse_push(&body)?;
    n.step(
        "Our webhook receives the push and parses it",
        &[
            ("event", push.id.clone()),
            ("type", format!("{} {}", push.target, push.push_type)),
            ("objects", push.object_ids.join(", ")),
        ],
    );
    n.note("A push only says \"look here\": the trustworthy status is read back through the API.");

    let c = client.clone();
    let pushed = push.clone();
    let payments = wait(async move { c.fetch_push_payment_transactions(&pushed).await })?;
    let id = stx.id.clone();
    let c = client.clone();
    let paid = wait(async move { c.get_smart_transaction(&id).await })?;
    let payment = payments.first().cloned();
    let payment_id = payment
        .as_ref()
        .map(|p| p.id.clone())
        .or_else(|| paid.transactions.iter().find_map(|t| t.id.clone()))
        .unwrap_or_default();
    n.step(
        "Read the status back",
        &[
            ("smart tx status", paid.status.as_str().to_owned()),
            ("payment", payment_id.clone()),
            (
                "payment status",
                payment
                    .as_ref()
                    .and_then(|p| p.status_text.clone().or(p.status.clone()))
                    .unwrap_or_default(),
            ),
        ],
    );
    expect(paid.status.is_paid(), || {
        format!(
            "the smart transaction should be paid, but is {}",
            paid.status.as_str()
        )
    })?;

    let reduce = money("4.90", "EUR")?;
    let c = client.clone();
    let id = payment_id.clone();
    wait(async move {
        c.cancel_payment_transaction(&id, CancelPayment::partial(reduce))
            .await
    })?;
    let c = client.clone();
    let id = payment_id.clone();
    let status = wait(async move { c.check_payment_status(&id).await })?;
    n.step(
        "Refund EUR 4.90 of it (a partial refund)",
        &[
            (
                "status",
                status
                    .status_text
                    .clone()
                    .or(status.status.clone())
                    .unwrap_or_default(),
            ),
            ("remaining", show(status.amount.as_ref())),
        ],
    );
    expect(
        status.amount.as_ref().is_some_and(|a| a.minor() == 1500),
        || {
            format!(
                "EUR 15.00 should remain, not {}",
                show(status.amount.as_ref())
            )
        },
    )
}

// ---------------------------------------------------------------------------------------------
// SekurePay
// ---------------------------------------------------------------------------------------------

fn sekurepay_flow(n: &mut Narrator, sandbox: &Sandbox, order: &str) -> CliResult<()> {
    n.section(
        "SekurePay: an order",
        "paywire computes the totals from the lines, so what you send always adds up.",
    );
    let client = SekurePayClient::new(
        sekurepay::Client::builder()
            .api_key(credentials::SEKUREPAY_API_KEY)
            .base_url(sandbox.sekurepay_base_url())
            .timeout(Duration::from_secs(10))
            .build()?,
    );
    let chf = Currency::from_code("CHF")?;
    let request = CreateOrder::new(format!("{order}-sp"), chf)
        .with_item("Coffee beans 500 g", money("12.50", "CHF")?, 2)
        .with_item("Grinder cleaning tablets", money("7.90", "CHF")?, 1)
        .with_tax("VAT 8.1%", money("2.67", "CHF")?)
        .with_shipping(money("6.00", "CHF")?);
    let created = client.create_order(request)?;
    n.step(
        "Create an order: 2 x 12.50 + 7.90, VAT 2.67, shipping 6.00",
        &[
            ("order id", created.id.clone()),
            ("status", created.status.clone().unwrap_or_default()),
            ("sub total", show(created.sub_total.as_ref())),
            ("total", show(created.total.as_ref())),
        ],
    );
    let read = client.get_order(&created.id)?;
    n.step(
        "Read it back",
        &[
            ("status", read.status.clone().unwrap_or_default()),
            ("total", show(read.total.as_ref())),
        ],
    );
    expect(
        read.total.as_ref().is_some_and(|t| t.minor() == 4157),
        || {
            format!(
                "the total should be CHF 41.57, not {}",
                show(read.total.as_ref())
            )
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Payment links, provider-neutral
// ---------------------------------------------------------------------------------------------

/// What an application needs from a payment-link provider. Both clients have exactly these
/// methods; the trait only lets the demo run one function over both.
trait Links {
    fn create(&self, request: CreatePaymentLink) -> CliResult<PaymentLink>;
    fn get(&self, id: &str) -> CliResult<PaymentLink>;
    fn cancel(&self, id: &str) -> CliResult<PaymentLink>;
}

macro_rules! links_for {
    ($client:ty) => {
        impl Links for $client {
            fn create(&self, request: CreatePaymentLink) -> CliResult<PaymentLink> {
                let c = self.clone();
                wait(async move { c.create_payment_link(request).await })
            }
            fn get(&self, id: &str) -> CliResult<PaymentLink> {
                let (c, id) = (self.clone(), id.to_owned());
                wait(async move { c.get_payment_link(&id).await })
            }
            fn cancel(&self, id: &str) -> CliResult<PaymentLink> {
                let (c, id) = (self.clone(), id.to_owned());
                wait(async move { c.cancel_payment_link(&id).await })
            }
        }
    };
}

links_for!(saferpay::Client);
links_for!(secuconnect::Client);

/// The application code: identical for both providers. `pay` is the payer (the sandbox).
fn link_round(
    n: &mut Narrator,
    name: &str,
    links: &dyn Links,
    pay: &dyn Fn(&str) -> CliResult<()>,
    order: &str,
) -> CliResult<()> {
    let link = links.create(CreatePaymentLink::new(
        money("9.50", "CHF")?,
        format!("{order}-link-{name}"),
        "paywire demo: payment link",
    ))?;
    pay(&link.id)?;
    let paid = links.get(&link.id)?;
    let spare = links.create(CreatePaymentLink::new(
        money("3.00", "CHF")?,
        format!("{order}-link2-{name}"),
        "paywire demo: withdrawn link",
    ))?;
    let canceled = links.cancel(&spare.id)?;
    n.step(
        &format!("{name}: create a link, the payer pays it, withdraw a second one"),
        &[
            ("link", link.url.clone()),
            ("first", format!("{} -> {}", link.status, paid.status)),
            ("second", format!("{} -> {}", spare.status, canceled.status)),
            (
                "provider status",
                format!("{} / {}", paid.provider_status, canceled.provider_status),
            ),
        ],
    );
    expect(
        link.status == LinkStatus::Open
            && paid.status == LinkStatus::Paid
            && canceled.status == LinkStatus::Canceled,
        || format!("{name}: expected open -> paid and canceled"),
    )
}

fn payment_links(
    n: &mut Narrator,
    sandbox: &Sandbox,
    saferpay: &SaferpayClient,
    secuconnect: &secuconnect::Client,
    order: &str,
) -> CliResult<()> {
    n.section(
        "Payment links: one piece of code, either provider",
        "create_payment_link / get_payment_link / cancel_payment_link answer a PaymentLink with\n\
         the same statuses (open, paid, expired, canceled, failed) on Saferpay and secuconnect.",
    );
    let pay_offer = |id: &str| {
        sandbox
            .pay_offer(id, "success")
            .map(|_| ())
            .map_err(sandbox_error("pay the link"))
    };
    let pay_checkout = |id: &str| {
        sandbox
            .complete_smart_transaction(id, "success")
            .map(|_| ())
            .map_err(sandbox_error("pay the link"))
    };
    link_round(n, "saferpay", saferpay.async_client(), &pay_offer, order)?;
    link_round(n, "secuconnect", secuconnect, &pay_checkout, order)?;
    n.note("Application code written against PaymentLink runs on either provider unchanged.");
    Ok(())
}
