//! The sandbox over TLS for the Python and Node transport option tests: makes a CA and a
//! server certificate for 127.0.0.1, serves `UPSTREAM` (the sandbox's `host:port`) over TLS
//! on a free port, prints `{"port": …, "ca_pem": "…"}` on one line and runs until its stdin
//! closes (so it ends with the test that started it).
//!
//! `paywire-tls-front 127.0.0.1:PORT`

use std::io::{Read, Write};
use std::net::SocketAddr;

use paywire_tests::net::{TestCa, tls_front};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let upstream: Option<SocketAddr> = std::env::args().nth(1).and_then(|a| a.parse().ok());
    let Some(upstream) = upstream else {
        eprintln!("usage: paywire-tls-front 127.0.0.1:PORT");
        std::process::exit(2);
    };
    if !upstream.ip().is_loopback() {
        eprintln!("paywire-tls-front only fronts 127.0.0.1");
        std::process::exit(2);
    }
    let ca = match TestCa::generate() {
        Ok(ca) => ca,
        Err(e) => {
            eprintln!("cannot make a certificate: {e}");
            std::process::exit(1);
        }
    };
    let port = match tls_front(&ca, upstream).await {
        Ok(port) => port,
        Err(e) => {
            eprintln!("cannot listen: {e}");
            std::process::exit(1);
        }
    };
    let line = serde_json::json!({ "port": port, "ca_pem": ca.ca_pem });
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "{line}");
    let _ = stdout.flush();
    let _ = tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
    })
    .await;
}
