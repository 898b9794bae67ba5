//! `paywire-sandbox [--port N] [--seed N] [--reporting-per-day N] [--reporting-days N]`

use paywire_sandbox::{SandboxOptions, run_forever};

fn usage() -> ! {
    eprintln!(
        "usage: paywire-sandbox [--port N] [--seed N] [--reporting-per-day N] [--reporting-days N] [--token-lifetime-secs N]\n\
         Serves the Saferpay, secuconnect and SekurePay sandbox on 127.0.0.1 until Ctrl-C."
    );
    std::process::exit(2)
}

fn value<T: std::str::FromStr>(args: &mut impl Iterator<Item = String>, flag: &str) -> T {
    match args.next().map(|v| v.parse::<T>()) {
        Some(Ok(v)) => v,
        _ => {
            eprintln!("{flag} needs a numeric value");
            usage()
        }
    }
}

fn main() {
    let mut options = SandboxOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        let mut it: Box<dyn Iterator<Item = String>> = match inline {
            Some(v) => Box::new(std::iter::once(v)),
            None => Box::new(&mut args),
        };
        match flag.as_str() {
            "--port" | "-p" => options.port = value(&mut it, &flag),
            "--seed" => options.seed = value(&mut it, &flag),
            "--reporting-per-day" => options.reporting_per_day = value(&mut it, &flag),
            "--reporting-days" => options.reporting_days = value(&mut it, &flag),
            "--token-lifetime-secs" => options.token_lifetime_secs = value(&mut it, &flag),
            "--help" | "-h" => usage(),
            other => {
                eprintln!("unknown argument {other}");
                usage()
            }
        }
    }
    if let Err(e) = run_forever(options) {
        eprintln!("paywire-sandbox: {e}");
        std::process::exit(1);
    }
}
