//! Dispatch: each command parses its arguments into core types, calls the core and prints.

use std::io::Write as _;

use chrono::{DateTime, Duration, FixedOffset, Utc};
use paywire::Money;
use paywire::blocking::SaferpayClient;
use paywire::saferpay::{CreateOffer, TransactionQuery};
use serde_json::{Value, json};

use crate::args::{
    Cli, Command, ConfigCommand, ExportArgs, Format, OfferCreateArgs, OfferIdArgs, OffersCommand,
    SandboxArgs, TerminalsArgs, TransactionsCommand,
};
use crate::exit::{CliError, CliResult};
use crate::export::{self, ExportOptions};
use crate::output;
use crate::settings::Settings;
use crate::{control, demo, snapshot};

pub fn run(cli: Cli) -> CliResult<()> {
    let json = cli.json;
    let load = |flags: &[(&'static str, Option<String>)]| {
        // A command's own flags (a terminal id) win over --sandbox's.
        let mut all = crate::operations::sandbox_flags(cli.sandbox_url.as_deref());
        all.extend_from_slice(flags);
        Settings::load(cli.config.as_deref(), cli.profile.as_deref(), &all)
    };
    match &cli.command {
        Command::Demo(args) => demo::run(args, json),
        Command::Sandbox(SandboxArgs {
            control: Some(control),
            ..
        }) => control::sandbox_control(control, cli.sandbox_url.as_deref()),
        Command::Sandbox(args) => sandbox(args, json),
        Command::Listen(args) => control::listen(args, cli.sandbox_url.as_deref(), json),
        Command::Offers(command) => offers(command, json, load),
        Command::Transactions(TransactionsCommand::Export(args)) => {
            let settings = load(&[("SAFERPAY_TERMINAL_ID", None)])?;
            export(&settings, args, json)
        }
        Command::Transactions(TransactionsCommand::Snapshot(args)) => {
            let settings = load(&[])?;
            snapshot::run(&settings, args, json)
        }
        Command::Terminals(args) => terminals(&load(&[])?, args, json),
        Command::License => {
            let license = blocking(&load(&[])?)?.license()?;
            if json {
                output::print_json(&output::license(&license))
            } else {
                println!("{}", output::license_text(&license));
                Ok(())
            }
        }
        Command::Config(command) => config(&load(&[])?, command, json),
        Command::Completions { shell } => {
            let mut command = crate::args::command();
            let mut stdout = std::io::stdout();
            clap_complete::generate(*shell, &mut command, "paywire", &mut stdout);
            stdout
                .flush()
                .map_err(|e| CliError::io("cannot write to stdout", &e))
        }
    }
}

fn blocking(settings: &Settings) -> CliResult<SaferpayClient> {
    Ok(SaferpayClient::new(settings.saferpay_client()?))
}

fn offers(
    command: &OffersCommand,
    json: bool,
    load: impl Fn(&[(&'static str, Option<String>)]) -> CliResult<Settings>,
) -> CliResult<()> {
    match command {
        OffersCommand::Create(args) => {
            // Parse local input first: a typo should not need credentials to be reported.
            let request = create_request(args)?;
            let settings = load(&[("SAFERPAY_TERMINAL_ID", args.terminal_id.clone())])?;
            let offer = blocking(&settings)?.create_offer(request)?;
            if json {
                output::print_json(&output::offer(&offer))
            } else {
                println!("Offer created. Send the payment link to the payer:\n");
                println!("{}", output::offer_text(&offer));
                Ok(())
            }
        }
        OffersCommand::Get(OfferIdArgs {
            offer_id,
            terminal_id,
        }) => {
            let settings = load(&[("SAFERPAY_TERMINAL_ID", terminal_id.clone())])?;
            let offer = blocking(&settings)?.get_offer(offer_id, None)?;
            if json {
                output::print_json(&output::offer(&offer))
            } else {
                println!("{}", output::offer_text(&offer));
                Ok(())
            }
        }
        OffersCommand::Delete(OfferIdArgs {
            offer_id,
            terminal_id,
        }) => {
            let settings = load(&[("SAFERPAY_TERMINAL_ID", terminal_id.clone())])?;
            blocking(&settings)?.delete_offer(offer_id, None)?;
            if json {
                output::print_json(&json!({"offer_id": offer_id, "deleted": true}))
            } else {
                println!("Offer {offer_id} deleted.");
                Ok(())
            }
        }
    }
}

fn create_request(args: &OfferCreateArgs) -> CliResult<CreateOffer> {
    let amount = Money::parse(&args.amount, &args.currency)?;
    let expires_at = parse_when(&args.expires_at, Utc::now())?;
    let mut request = CreateOffer::new(amount, &args.order_id, &args.description, expires_at);
    request.pre_auth = args.pre_auth;
    request.config_set = args.config_set.clone();
    Ok(request)
}

/// RFC 3339, or `+N` followed by `m`, `h` or `d` relative to now.
pub fn parse_when(value: &str, now: DateTime<Utc>) -> CliResult<DateTime<FixedOffset>> {
    let value = value.trim();
    if let Some(relative) = value.strip_prefix('+') {
        let split = relative.len().saturating_sub(1);
        let (number, unit) = (relative.get(..split), relative.get(split..));
        let amount = number.and_then(|n| n.parse::<i64>().ok());
        let delta = match (amount, unit) {
            (Some(n), Some("m")) => Duration::try_minutes(n),
            (Some(n), Some("h")) => Duration::try_hours(n),
            (Some(n), Some("d")) => Duration::try_days(n),
            _ => None,
        };
        return delta
            .and_then(|d| now.checked_add_signed(d))
            .map(|t| t.fixed_offset())
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "--expires-at: {value:?} is not a relative time like +12h or +7d"
                ))
            });
    }
    DateTime::parse_from_rfc3339(value).map_err(|_| {
        CliError::Usage(format!(
            "--expires-at: {value:?} is not RFC 3339 (e.g. 2026-12-24T00:00:00+01:00) or relative (+12h, +7d)"
        ))
    })
}

fn export(settings: &Settings, args: &ExportArgs, json: bool) -> CliResult<()> {
    let mut query = TransactionQuery::parse(&args.start, &args.end)?;
    query.state = args.filter.state.clone();
    query.terminal_id = args.filter.terminal_id.clone();
    query.page_size = args.filter.page_size;
    let format = args.format.unwrap_or_else(|| {
        let extension = args.out.as_ref().and_then(|p| p.extension());
        let is = |name: &str| extension.is_some_and(|e| e.eq_ignore_ascii_case(name));
        if is("csv") {
            Format::Csv
        } else if is("parquet") {
            Format::Parquet
        } else {
            Format::Jsonl
        }
    });
    if args.restart && args.out.is_none() {
        return Err(CliError::Usage(
            "--restart only makes sense with --out".into(),
        ));
    }
    let options = ExportOptions {
        progress: !args.filter.no_progress,
        restart: args.restart,
        stop_after_pages: args.stop_after_pages,
        label: "exporting".into(),
    };
    let client = settings.saferpay_client()?;
    match &args.out {
        None => {
            export::export_to_stdout(&client, query, format, &options)?;
            Ok(())
        }
        Some(out) => {
            let summary = export::export_to_file(&client, query, format, out, &options)?;
            if json {
                output::print_json(&serde_json::to_value(&summary).map_err(|e| {
                    CliError::Internal(format!("cannot serialise the summary: {e}"))
                })?)
            } else {
                let resumed = summary
                    .resumed_from_page
                    .map(|p| format!(" (resumed at page {p})"))
                    .unwrap_or_default();
                println!(
                    "Exported {} transactions to {}{resumed}.",
                    summary.transactions,
                    out.display()
                );
                Ok(())
            }
        }
    }
}

fn terminals(settings: &Settings, args: &TerminalsArgs, json: bool) -> CliResult<()> {
    let client = blocking(settings)?;
    match &args.terminal_id {
        Some(id) => {
            let terminal = client.terminal(id)?;
            if json {
                output::print_json(&output::terminal(&terminal))
            } else {
                println!("{}", output::terminal_text(&terminal));
                Ok(())
            }
        }
        None => {
            let terminals = client.terminals()?;
            if json {
                output::print_json(&Value::Array(
                    terminals.iter().map(output::terminal).collect(),
                ))
            } else {
                println!("{}", output::terminals_text(&terminals));
                Ok(())
            }
        }
    }
}

fn config(settings: &Settings, command: &ConfigCommand, json: bool) -> CliResult<()> {
    let path = settings
        .config_path
        .as_ref()
        .map(|p| p.display().to_string());
    match command {
        ConfigCommand::Path => {
            if json {
                output::print_json(&json!({"config_path": path, "exists": settings.config_found}))
            } else {
                println!(
                    "{}",
                    path.unwrap_or_else(|| "(no location: HOME is not set)".into())
                );
                Ok(())
            }
        }
        ConfigCommand::Show => {
            let rows = settings.describe();
            if json {
                let mut map = serde_json::Map::new();
                for (key, shown, source) in rows {
                    // Secrets: only whether they are set.
                    let value = if key.secret {
                        Value::Null
                    } else {
                        json!(shown)
                    };
                    map.insert(
                        key.env.to_owned(),
                        json!({"value": value, "set": shown.is_some(), "secret": key.secret, "source": source.map(|s| s.to_string())}),
                    );
                }
                output::print_json(&json!({
                    "config_path": path,
                    "config_found": settings.config_found,
                    "profile": settings.profile,
                    "settings": map,
                }))
            } else {
                println!(
                    "config file: {} ({})",
                    path.unwrap_or_else(|| "none".into()),
                    if settings.config_found {
                        "found"
                    } else {
                        "not found"
                    }
                );
                println!(
                    "profile:     {}",
                    settings.profile.as_deref().unwrap_or("(none)")
                );
                println!("precedence:  flags > environment > profile\n");
                for (key, shown, source) in rows {
                    let source = source.map(|s| format!("[{s}]")).unwrap_or_default();
                    println!(
                        "{:<26} {:<36} {:<10} {}",
                        key.env,
                        shown.unwrap_or_else(|| "-".into()),
                        source,
                        key.help
                    );
                }
                Ok(())
            }
        }
    }
}

fn sandbox(args: &SandboxArgs, json: bool) -> CliResult<()> {
    let mut options = paywire_sandbox::SandboxOptions {
        port: args.port,
        report_cache_bytes: args.report_cache_mib.saturating_mul(1 << 20),
        ..paywire_sandbox::SandboxOptions::default()
    };
    if let Some(n) = args.reporting_per_day {
        options.reporting_per_day = n;
    }
    if let Some(n) = args.reporting_days {
        options.reporting_days = n;
    }
    if let Some(n) = args.seed {
        options.seed = n;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("paywire-sandbox")
        .build()
        .map_err(|e| CliError::Internal(format!("cannot start a runtime: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port))
            .await
            .map_err(|e| {
                CliError::io(format!("cannot listen on 127.0.0.1:{}", options.port), &e)
            })?;
        let address = listener
            .local_addr()
            .map_err(|e| CliError::io("cannot read the listening address", &e))?;
        let url = format!("http://{address}");
        print_sandbox_banner(&url, json)?;
        paywire_sandbox::serve_with_shutdown(listener, options, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| CliError::Io(format!("the sandbox stopped: {e}")))
    })
}

/// The URLs and the sandbox's fixed (public, test-only) credentials, ready to paste.
fn print_sandbox_banner(url: &str, json: bool) -> CliResult<()> {
    use paywire_sandbox::credentials as c;
    let env = [
        ("SAFERPAY_BASE_URL", format!("{url}/api")),
        ("SAFERPAY_CUSTOMER_ID", c::SAFERPAY_CUSTOMER_ID.to_owned()),
        ("SAFERPAY_TERMINAL_ID", c::SAFERPAY_TERMINAL_ID.to_owned()),
        ("SAFERPAY_USERNAME", c::SAFERPAY_USERNAME.to_owned()),
        ("SAFERPAY_PASSWORD", c::SAFERPAY_PASSWORD.to_owned()),
        ("SECUCONNECT_BASE_URL", url.to_owned()),
        ("SECUCONNECT_CLIENT_ID", c::SECUCONNECT_CLIENT_ID.to_owned()),
        (
            "SECUCONNECT_CLIENT_SECRET",
            c::SECUCONNECT_CLIENT_SECRET.to_owned(),
        ),
        (
            "SECUCONNECT_CONTRACT_ID",
            c::SECUCONNECT_CONTRACT_ID.to_owned(),
        ),
        ("SEKUREPAY_BASE_URL", format!("{url}/sekurepay/api/v1")),
        ("SEKUREPAY_API_KEY", c::SEKUREPAY_API_KEY.to_owned()),
    ];
    if json {
        let env: serde_json::Map<String, Value> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect();
        // One line, so a script can read it as soon as the sandbox listens.
        println!(
            "{}",
            json!({"url": url, "stats_url": format!("{url}/_sandbox/stats"), "env": env})
        );
    } else {
        println!("paywire sandbox listening on {url}");
        println!("  Saferpay:    {url}/api");
        println!("  secuconnect: {url}");
        println!("  SekurePay:   {url}/sekurepay/api/v1");
        println!("  admin:       {url}/_sandbox/stats");
        println!("\nSandbox credentials (fixed, test-only) for another shell:");
        for (k, v) in &env {
            println!("  export {k}={v}");
        }
        println!("\nPress Ctrl-C to stop.");
    }
    std::io::stdout()
        .flush()
        .map_err(|e| CliError::io("cannot write to stdout", &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_and_absolute_expiry() {
        let now = DateTime::parse_from_rfc3339("2026-11-22T00:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let later = parse_when("+2h", now).map(|t| t.to_rfc3339()).ok();
        assert_eq!(later.as_deref(), Some("2026-11-22T02:00:00+00:00"));
        let days = parse_when("+7d", now).map(|t| t.to_rfc3339()).ok();
        assert_eq!(days.as_deref(), Some("2026-11-29T00:00:00+00:00"));
        assert!(parse_when("2026-12-24T00:00:00+01:00", now).is_ok());
        assert!(matches!(
            parse_when("tomorrow", now),
            Err(CliError::Usage(_))
        ));
        assert!(matches!(parse_when("+7w", now), Err(CliError::Usage(_))));
    }
}
