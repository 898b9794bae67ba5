//! `paywire`: the command line for the paywire core (demo, sandbox, offers, transaction
//! export and snapshots, account queries).
//!
//! The CLI only parses arguments, resolves settings, calls the core, formats output and
//! handles files (checkpoints, atomic renames, locks). Provider behaviour — validation,
//! retries, serial paging — lives in the core.

mod args;
mod commands;
mod demo;
mod exit;
mod export;
mod output;
mod settings;
mod snapshot;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let json = cli.json;
    match commands::run(cli) {
        Ok(()) => {
            let _ = std::io::stdout().flush();
            ExitCode::from(exit::OK)
        }
        Err(error) => {
            let _ = std::io::stdout().flush();
            error.report(json);
            ExitCode::from(error.exit_code())
        }
    }
}
