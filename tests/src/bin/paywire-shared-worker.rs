//! One worker process of the shared token store tests (`tests/tests/shared_store.rs`): it
//! builds a client on the sandbox with `token_store=redis://…`, waits for the common start
//! instant so the workers race, makes one call and prints one line: `ok …` or `error …`.
//!
//! `paywire-shared-worker secuconnect <host root> <redis url> <start unix ms> <smart transaction id>`
//! `paywire-shared-worker saferpay <api base> <redis url> <start unix ms> <payment page token>`

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use paywire::{saferpay, secuconnect};
use paywire_sandbox::credentials;

fn wait_until(start_ms: u64) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    if start_ms > now {
        std::thread::sleep(Duration::from_millis(start_ms - now));
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, provider, base, store, start, id] = args.as_slice() else {
        eprintln!("usage: paywire-shared-worker secuconnect|saferpay BASE REDIS_URL START_MS ID");
        std::process::exit(2);
    };
    let line = match provider.as_str() {
        "secuconnect" => {
            let client = secuconnect::Client::builder()
                .client_id(credentials::SECUCONNECT_CLIENT_ID)
                .client_secret(credentials::SECUCONNECT_CLIENT_SECRET)
                .contract_id(credentials::SECUCONNECT_CONTRACT_ID)
                .base_url(base.as_str())
                .token_store_url(store.as_str())
                .build();
            match client {
                Err(e) => format!("error build {}", e.kind()),
                Ok(client) => {
                    wait_until(start.parse().unwrap_or(0));
                    match client.get_smart_transaction(id).await {
                        Ok(stx) => format!("ok {}", stx.id),
                        Err(e) => format!("error {} {}", e.kind(), e.code().unwrap_or("")),
                    }
                }
            }
        }
        "saferpay" => {
            let client = saferpay::Client::builder()
                .customer_id(credentials::SAFERPAY_CUSTOMER_ID)
                .terminal_id(credentials::SAFERPAY_TERMINAL_ID)
                .username(credentials::SAFERPAY_USERNAME)
                .password(credentials::SAFERPAY_PASSWORD)
                .base_url(base.as_str())
                .token_store_url(store.as_str())
                .build();
            match client {
                Err(e) => format!("error build {}", e.kind()),
                Ok(client) => {
                    wait_until(start.parse().unwrap_or(0));
                    match client.payment_outcome(id).await {
                        Ok(payment) => format!(
                            "ok {} {:?}",
                            payment.transaction.id, payment.transaction.status
                        ),
                        Err(e) => format!("error {} {}", e.kind(), e.code().unwrap_or("")),
                    }
                }
            }
        }
        // `saferpay-page <api base> <ca pem file> <proxy option or ""> <order id>`: one
        // payment page over TLS (the transport option tests; the proxy may come from the
        // environment).
        "saferpay-page" => {
            let mut builder = saferpay::Client::builder()
                .customer_id(credentials::SAFERPAY_CUSTOMER_ID)
                .terminal_id(credentials::SAFERPAY_TERMINAL_ID)
                .username(credentials::SAFERPAY_USERNAME)
                .password(credentials::SAFERPAY_PASSWORD)
                .base_url(base.as_str())
                .ca_certificates(std::fs::read_to_string(store).unwrap_or_default());
            if !start.is_empty() {
                builder = builder.proxy(start.as_str());
            }
            match builder.build() {
                Err(e) => format!("error build {}", e.kind()),
                Ok(client) => {
                    let page = saferpay::InitializePaymentPage::new(
                        paywire::Money::from_minor(100, "CHF").unwrap_or_else(|_| unreachable!()),
                        id.as_str(),
                        "transport options",
                        "https://shop.example/return",
                    );
                    match client.initialize_payment_page(page).await {
                        Ok(page) => format!("ok {}", !page.token.is_empty()),
                        Err(e) => format!("error {} {}", e.kind(), e.message()),
                    }
                }
            }
        }
        // `saferpay-page-from-env - - - <order id>` and `secuconnect-token-from-env - - - -`: the
        // client from `builder_from_env`, so the transport and store variables are what count.
        "saferpay-page-from-env" => match saferpay::Client::from_env() {
            Err(e) => format!("error build {} {}", e.kind(), e.message()),
            Ok(client) => {
                let page = saferpay::InitializePaymentPage::new(
                    paywire::Money::from_minor(100, "CHF").unwrap_or_else(|_| unreachable!()),
                    id.as_str(),
                    "transport options from the environment",
                    "https://shop.example/return",
                );
                match client.initialize_payment_page(page).await {
                    Ok(page) => format!("ok {}", !page.token.is_empty()),
                    Err(e) => format!("error {} {}", e.kind(), e.message()),
                }
            }
        },
        "secuconnect-token-from-env" => match secuconnect::Client::from_env() {
            Err(e) => format!("error build {} {}", e.kind(), e.message()),
            Ok(client) => match client.access_token().await {
                Ok(token) => format!("ok {}", !token.expose().is_empty()),
                Err(e) => format!("error {} {}", e.kind(), e.message()),
            },
        },
        other => format!("error unknown provider {other}"),
    };
    println!("{line}");
}
