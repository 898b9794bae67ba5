//! `paywire`: the command line for the paywire core (demo, sandbox, offers, transaction
//! export and snapshots, account queries).
//!
//! The CLI only parses arguments, resolves settings, calls the core, formats output and
//! handles files (checkpoints, atomic renames, locks). Provider behaviour — validation,
//! retries, serial paging — lives in the core.

mod args;
mod commands;
mod control;
mod demo;
mod exit;
mod export;
mod operations;
mod output;
mod settings;
mod snapshot;

use std::io::Write as _;
use std::process::ExitCode;

use clap::FromArgMatches as _;

fn main() -> ExitCode {
    let matches = match args::command().try_get_matches() {
        Ok(matches) => matches,
        Err(e) => return clap_exit(&e),
    };
    init_logging(matches.get_one::<String>("log_level").map(String::as_str));
    let json = matches.get_flag("json");
    let result = match matches.subcommand() {
        Some((provider, sub)) if operations::is_provider(provider) => {
            let config = matches.get_one::<std::path::PathBuf>("config").cloned();
            let profile = matches.get_one::<String>("profile").cloned();
            let sandbox = matches.get_one::<String>("sandbox_url").cloned();
            operations::run(provider, sub, json, |flags| {
                let mut all = operations::sandbox_flags(sandbox.as_deref());
                all.extend_from_slice(flags);
                settings::Settings::load(config.as_deref(), profile.as_deref(), &all)
            })
        }
        _ => match args::Cli::from_arg_matches(&matches) {
            Ok(cli) => commands::run(cli),
            Err(e) => return clap_exit(&e),
        },
    };
    let _ = std::io::stdout().flush();
    match result {
        Ok(()) => ExitCode::from(exit::OK),
        Err(error) => {
            error.report(json);
            ExitCode::from(error.exit_code())
        }
    }
}

fn clap_exit(e: &clap::Error) -> ExitCode {
    // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
    let _ = e.print();
    ExitCode::from(if e.use_stderr() {
        exit::USAGE
    } else {
        exit::OK
    })
}

/// `--log-level` (or `PAYWIRE_LOG`, which clap reads into it): the core's events on stderr.
/// The core's events never carry secrets (credentials are headers, bodies are not logged).
fn init_logging(filter: Option<&str>) {
    let Some(filter) = filter.map(str::trim).filter(|f| !f.is_empty()) else {
        return;
    };
    if !paywire::logging::init(filter) {
        eprintln!(
            "warning: --log-level/PAYWIRE_LOG {filter:?} is not a valid log filter; logging stays off"
        );
    }
}
