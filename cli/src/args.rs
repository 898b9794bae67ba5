//! Command-line arguments and their help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const LONG_ABOUT: &str = "\
paywire talks to Saferpay, secuconnect and SekurePay through one core.

New here? Run `paywire demo`: it starts an offline sandbox and walks through a whole payment
flow, printing every step. No account or credentials needed.

Credentials come from environment variables (SAFERPAY_CUSTOMER_ID, SAFERPAY_USERNAME,
SAFERPAY_PASSWORD, SAFERPAY_TERMINAL_ID, SAFERPAY_ENVIRONMENT, SAFERPAY_BASE_URL, ...) or
from a profile in ~/.config/paywire/config.toml. Precedence: explicit flags > environment >
profile. Secrets are never printed. `paywire config show` lists what is in effect.";

/// Payments from the command line: Saferpay, secuconnect, SekurePay.
#[derive(Debug, Parser)]
#[command(
    name = "paywire",
    version,
    about = "Payments from the command line: Saferpay, secuconnect, SekurePay (try `paywire demo`)",
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP,
    propagate_version = true
)]
pub struct Cli {
    /// Print results as JSON on stdout (errors as a JSON object on stderr).
    #[arg(long, global = true)]
    pub json: bool,

    /// Use this profile from the config file (default: the [default] profile, if any).
    #[arg(long, global = true, env = "PAYWIRE_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// Config file [default: $XDG_CONFIG_HOME/paywire/config.toml or ~/.config/paywire/config.toml].
    #[arg(long, global = true, env = "PAYWIRE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Talk to a running `paywire sandbox` at URL: its base URLs and fixed test credentials,
    /// as if given as flags.
    #[arg(long = "sandbox", global = true, value_name = "URL")]
    pub sandbox_url: Option<String>,

    /// Log the core's events to stderr at this level (error, warn, info, debug, trace, or a
    /// tracing filter such as `paywire=debug`); secrets are never logged.
    #[arg(long, global = true, env = "PAYWIRE_LOG", value_name = "LEVEL")]
    pub log_level: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

/// The whole command line: the hand-written commands plus one command per row of every
/// provider's operation table (see `operations`).
pub fn command() -> clap::Command {
    use clap::CommandFactory as _;
    Cli::command().subcommands(crate::operations::provider_commands())
}

/// Examples first, then the exit codes scripts rely on.
const AFTER_HELP: &str = concat!(
    "Examples:\n",
    "  paywire demo                                  # the whole flow, offline, no credentials\n",
    "  paywire sandbox --port 8080                   # serve the sandbox for your own app\n",
    "  export SAFERPAY_BASE_URL=http://127.0.0.1:8080/api   # point paywire at it\n",
    "  paywire offers create --amount 4.04 --currency CHF --order-id 4711 \\\n",
    "      --description 'Invoice 4711' --expires-at +7d\n",
    "  paywire --json offers get 503a3d7b-072b-400f-9e7e-8ec15191c737\n",
    "  paywire transactions export --start 2026-11-01 --end 2026-11-20T23:59 --out nov.csv\n",
    "  paywire transactions snapshot --dir reports/ --days 7   # safe to run from cron hourly\n",
    "  paywire --profile live terminals\n",
    "  paywire saferpay capture --transaction-id T --amount 5.00 --currency CHF   # any operation\n",
    "  paywire saferpay --help                       # the operations of one provider\n",
    "  paywire sandbox pay STX_... --sandbox http://127.0.0.1:8080   # act as the payer\n",
    "  paywire listen --sandbox http://127.0.0.1:8080 --forward-to http://127.0.0.1:3000/hooks\n",
    "  paywire completions bash > ~/.local/share/bash-completion/completions/paywire\n",
    "\n",
    "Exit codes:\n",
    "   0  success\n",
    "   2  usage or validation error (nothing was sent)\n",
    "   3  authentication or permission refused by the provider\n",
    "   4  provider error (api, declined, conflict, not_found, rate_limited)\n",
    "   5  transport or decode error (no answer, timeout, unreadable answer)\n",
    "   6  configuration error (missing/invalid credentials, config file, profile)\n",
    "   7  outcome unknown: the provider may have done it; settle with the call the error names\n",
    "  70  internal error (a bug in paywire)\n",
    "  74  local I/O error (output, checkpoint or lock file)\n",
    "  75  try again later (another run holds the lock, or an export stopped early)\n",
);

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Walk through every provider's flow against an embedded sandbox (offline, no credentials).
    #[command(
        long_about = "Starts a sandbox inside this process and runs the real client against it, \
printing each step: a Saferpay offer from creation through the payer page to PAID, and every \
other flow the core supports. Nothing leaves this machine; no credentials are needed.",
        after_help = "Examples:\n  paywire demo\n  paywire demo --json > demo.json"
    )]
    Demo(DemoArgs),

    /// Serve the offline sandbox on 127.0.0.1 until Ctrl-C.
    #[command(
        long_about = "Serves the paywire sandbox (an offline, stateful emulator of Saferpay, \
secuconnect and SekurePay) on 127.0.0.1 and prints its URLs. Point a client at it with \
SAFERPAY_BASE_URL=<url>/api; the sandbox credentials are printed at start.",
        after_help = "Examples:\n  paywire sandbox\n  paywire sandbox --port 8080 --reporting-per-day 200\n  paywire sandbox pay STX_... --sandbox http://127.0.0.1:8080\n  paywire sandbox clock --advance 1d --sandbox http://127.0.0.1:8080",
        args_conflicts_with_subcommands = true
    )]
    Sandbox(SandboxArgs),

    /// Forward the sandbox's Saferpay notifications and secuconnect pushes to a local URL.
    #[command(
        long_about = "Watches a running `paywire sandbox` (--sandbox URL) and forwards every \
Saferpay notification and secuconnect push it sends from now on to --forward-to (the same \
method and body; a notification's query string is kept), printing one line per event: time, \
provider, kind, original target, forwarded status. With --json, one JSON line per event. When \
the sandbox has no Secure PayGate notify URLs configured, listen sets them to an endpoint of \
its own, so paid offers produce events too.",
        after_help = "Examples:\n  paywire listen --sandbox http://127.0.0.1:8080 --forward-to http://127.0.0.1:3000/webhooks\n  paywire --json listen --sandbox http://127.0.0.1:8080 --forward-to http://127.0.0.1:3000/webhooks | jq .kind"
    )]
    Listen(ListenArgs),

    /// Saferpay Secure PayGate offers (single-use payment links).
    #[command(subcommand)]
    Offers(OffersCommand),

    /// Saferpay transaction reporting: resumable export and daily snapshots.
    #[command(subcommand)]
    Transactions(TransactionsCommand),

    /// List the Saferpay terminals, or show one with its payment methods.
    #[command(
        after_help = "Examples:\n  paywire terminals\n  paywire terminals 17757531\n  paywire --json terminals"
    )]
    Terminals(TerminalsArgs),

    /// Show the Saferpay license package and its features.
    License,

    /// Inspect settings (values from flags, environment and the config profile).
    #[command(subcommand)]
    Config(ConfigCommand),

    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  paywire completions bash > ~/.local/share/bash-completion/completions/paywire\n  paywire completions zsh > ~/.zfunc/_paywire\n  paywire completions fish > ~/.config/fish/completions/paywire.fish"
    )]
    Completions {
        /// The shell to generate completions for.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Show every request's details (offer ids, links, raw statuses).
    #[arg(long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Where each event goes (http://, e.g. your app's webhook route).
    #[arg(long, value_name = "URL")]
    pub forward_to: String,
    /// How often to look for new events, in milliseconds.
    #[arg(long, default_value_t = 200, value_name = "MS")]
    pub poll_ms: u64,
    /// Testing aid: exit after forwarding this many events.
    #[arg(long, hide = true, value_name = "N")]
    pub exit_after: Option<u32>,
}

/// How the sandbox's payer finishes a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Outcome {
    Success,
    /// Declined (offers, payment pages) or failed (Smart Transactions).
    Fail,
    /// The payer gives up (offers, payment pages).
    Abort,
}

/// Control a running `paywire sandbox` (name it with --sandbox URL).
#[derive(Debug, Subcommand)]
pub enum SandboxControl {
    /// Act as the payer: an offer id, a payment page token or a Smart Transaction id (STX_...).
    Pay {
        /// Offer id (a UUID), payment page token or STX_... id.
        id: String,
        #[arg(long, value_enum, default_value_t = Outcome::Success)]
        outcome: Outcome,
    },
    /// Inject a fault for the next calls of a route (`*` and `prefix.*` allowed).
    #[command(
        after_help = "Example:\n  paywire sandbox fault --route saferpay.capture --mode http_500 --count 2 --sandbox http://127.0.0.1:8080\n\nThe routes and modes: GET <sandbox>/_sandbox/info."
    )]
    Fault {
        #[arg(long, value_name = "ROUTE")]
        route: String,
        #[arg(long, value_name = "MODE")]
        mode: String,
        #[arg(long, default_value_t = 1, value_name = "N")]
        count: u32,
        /// For the delay mode.
        #[arg(long, value_name = "MS")]
        delay_ms: Option<u64>,
    },
    /// Show the sandbox's clock, or move it forward (--advance 1d, 2h, 15m, 30s).
    Clock {
        #[arg(long, value_name = "DURATION")]
        advance: Option<String>,
    },
    /// Requests, effects and notifications the sandbox has counted.
    Stats,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    #[command(subcommand)]
    pub control: Option<SandboxControl>,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, short, default_value_t = 0)]
    pub port: u16,
    /// Seeded reporting transactions per day.
    #[arg(long, value_name = "N")]
    pub reporting_per_day: Option<u32>,
    /// Days of seeded reporting history.
    #[arg(long, value_name = "N")]
    pub reporting_days: Option<u32>,
    /// Seed of the generated reporting data.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// MiB of seeded report rows kept encoded between report calls (0: encode every page).
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    pub report_cache_mib: usize,
}

#[derive(Debug, Subcommand)]
pub enum OffersCommand {
    /// Create an offer; prints its id and payment link.
    #[command(
        after_help = "Examples:\n  paywire offers create --amount 4.04 --currency CHF --order-id 4711 \\\n      --description 'Invoice 4711' --expires-at 2026-12-24T00:00:00+01:00\n  paywire offers create --amount 25 --currency EUR --order-id A-17 --description Ticket --expires-at +2d"
    )]
    Create(OfferCreateArgs),
    /// Show an offer (status, and the transaction id once paid).
    Get(OfferIdArgs),
    /// Delete (disable) an open offer.
    Delete(OfferIdArgs),
}

#[derive(Debug, Args)]
pub struct OfferCreateArgs {
    /// Amount in major units, e.g. 4.04 (CHF 4.04).
    #[arg(long)]
    pub amount: String,
    /// ISO 4217 currency code.
    #[arg(long)]
    pub currency: String,
    /// Your order reference (max 80 characters).
    #[arg(long, value_name = "ID")]
    pub order_id: String,
    /// Shown to the payer on the payment page (max 100 characters).
    #[arg(long, value_name = "TEXT")]
    pub description: String,
    /// When the link expires: RFC 3339 (2026-12-24T00:00:00+01:00) or relative (+12h, +7d); 1 hour to 180 days ahead.
    #[arg(long, value_name = "WHEN")]
    pub expires_at: String,
    /// Pre-authorize only (capture later).
    #[arg(long)]
    pub pre_auth: bool,
    /// Payment page configuration name.
    #[arg(long, value_name = "NAME")]
    pub config_set: Option<String>,
    /// Terminal (overrides SAFERPAY_TERMINAL_ID).
    #[arg(long, value_name = "ID")]
    pub terminal_id: Option<String>,
}

#[derive(Debug, Args)]
pub struct OfferIdArgs {
    /// The offer id printed by `offers create`.
    pub offer_id: String,
    /// Terminal (overrides SAFERPAY_TERMINAL_ID).
    #[arg(long, value_name = "ID")]
    pub terminal_id: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TransactionsCommand {
    /// Export a date range, page by page (serial, resumable), to a file or stdout.
    #[command(
        long_about = "Exports transactions from the Saferpay reporting API, one page at a time \
(the provider forbids parallel report calls). With --out, data goes to FILE.partial with a \
checkpoint (FILE.checkpoint.json) after every page; an interrupted export started again with \
the same arguments resumes where it stopped, without losing or repeating a transaction, and \
FILE appears (atomic rename) only when the export is complete.\n\n\
The end must be before today 00:00 (to include yesterday, pass yesterday's date with T23:59).",
        after_help = "Examples:\n  paywire transactions export --start 2026-11-01 --end 2026-11-20T23:59 --out nov.jsonl\n  paywire transactions export --start 2026-11-19 --end 2026-11-19T23:59 --format csv --out day.csv\n  paywire transactions export --start 2026-11-19 --end 2026-11-20 --state FAILED | jq .id"
    )]
    Export(ExportArgs),

    /// Write one file per past day into DIR, each requested exactly once (cron-safe).
    #[command(
        long_about = "Takes daily snapshots, as the provider asks: one file per business day \
(DIR/2026-11-20.jsonl covers 2026-11-20 00:00 to 23:59), for the last N days before today. \
A day already on disk is never requested again, so a run with nothing to do sends no request. \
Files appear atomically; an interrupted day resumes. A lock file in DIR keeps two runs from \
overlapping (a second run exits with code 75).",
        after_help = "Examples:\n  paywire transactions snapshot --dir /var/lib/paywire/reports\n  paywire transactions snapshot --dir reports --days 30 --format csv\n\ncrontab (hourly):\n  17 * * * *  paywire --profile live transactions snapshot --dir /var/lib/paywire/reports"
    )]
    Snapshot(SnapshotArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON object per line (normalised fields plus the provider's raw record).
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// Apache Parquet: typed columns (amounts in minor units plus currency, dates as
    /// timestamps), a row group per page. Not resumable: an interrupted export starts over.
    Parquet,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }
}

#[derive(Debug, Args)]
pub struct ReportFilter {
    /// SUCCESSFUL, FAILED or PENDING.
    #[arg(long, default_value = "SUCCESSFUL", value_name = "STATE")]
    pub state: String,
    /// Only this terminal (default: all terminals).
    #[arg(long, value_name = "ID")]
    pub terminal_id: Option<String>,
    /// Page size (1 to 2000; the provider may serve fewer).
    #[arg(long, default_value_t = paywire::saferpay::MAX_PAGE_SIZE, value_name = "N")]
    pub page_size: u32,
    /// Never draw a progress bar (it is drawn only when stderr is a terminal anyway).
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// First day or minute: YYYY-MM-DD or YYYY-MM-DDTHH:MM.
    #[arg(long, value_name = "DATE[THH:MM]")]
    pub start: String,
    /// Last day or minute, before today 00:00: YYYY-MM-DD or YYYY-MM-DDTHH:MM.
    #[arg(long, value_name = "DATE[THH:MM]")]
    pub end: String,
    /// Output format [default: from the --out extension, else jsonl].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Output file (resumable; written atomically). Without it, rows go to stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Discard an existing checkpoint for --out and start from the first page.
    #[arg(long)]
    pub restart: bool,
    #[command(flatten)]
    pub filter: ReportFilter,
    /// Testing aid: stop (exit 75) after writing this many pages, as if interrupted.
    #[arg(long, hide = true, value_name = "N")]
    pub stop_after_pages: Option<u32>,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Directory for the daily files (created if missing).
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// How many days before today to keep on disk.
    #[arg(long, default_value_t = 7, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=365))]
    pub days: u32,
    /// File format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
    #[command(flatten)]
    pub filter: ReportFilter,
}

#[derive(Debug, Args)]
pub struct TerminalsArgs {
    /// Show this terminal with its payment methods and wallets.
    pub terminal_id: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show every setting, where it comes from (flag, env, profile), secrets hidden.
    Show,
    /// Print the config file path in use.
    Path,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
    }

    #[test]
    fn after_help_matches_the_exit_code_table() {
        use crate::exit::*;
        for code in [
            OK,
            USAGE,
            AUTH,
            PROVIDER,
            TRANSPORT,
            CONFIG,
            OUTCOME_UNKNOWN,
            INTERNAL,
            IO,
            TEMPFAIL,
        ] {
            assert!(
                AFTER_HELP.contains(&format!("\n{code:>4}  ")),
                "exit code {code} undocumented"
            );
        }
    }
}
