//! Transport options against the sandbox served over TLS with a certificate this test makes:
//! an unknown CA is refused, `ca_certificates` makes it trusted; `proxy` tunnels through a
//! CONNECT proxy on 127.0.0.1 (counted); `HTTPS_PROXY` from the environment is honoured and
//! `proxy="none"` ignores it; bad option values are validation errors naming the field.

use std::net::SocketAddr;
use std::process::{Command, Stdio};

use paywire::{ErrorKind, Money, saferpay};
use paywire_sandbox::Sandbox;
use paywire_testing::SandboxClients;
use paywire_tests::net::{ConnectProxy, TestCa, tls_front};

fn page(order: &str) -> saferpay::InitializePaymentPage {
    saferpay::InitializePaymentPage::new(
        Money::from_minor(100, "CHF").unwrap(),
        order,
        "transport options",
        "https://shop.example/return",
    )
}

fn upstream(sandbox: &Sandbox) -> SocketAddr {
    let port: u16 = sandbox.url().rsplit(':').next().unwrap().parse().unwrap();
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// The sandbox's Saferpay API base, moved to the TLS front's port.
fn https_base(sandbox: &Sandbox, tls_port: u16) -> String {
    let path = sandbox
        .saferpay_base_url()
        .strip_prefix(sandbox.url())
        .unwrap()
        .to_owned();
    format!("https://127.0.0.1:{tls_port}{path}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_ca_and_connect_proxy() {
    let sandbox = Sandbox::start().unwrap();
    let ca = TestCa::generate().unwrap();
    let tls_port = tls_front(&ca, upstream(&sandbox)).await.unwrap();
    let base = https_base(&sandbox, tls_port);

    // Unknown CA: refused before anything is sent.
    let untrusted = sandbox
        .saferpay_client_builder()
        .base_url(&base)
        .max_retries(0)
        .proxy("none")
        .build()
        .unwrap();
    let refused = untrusted
        .initialize_payment_page(page("tls-1"))
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Transport, "{refused:?}");
    let message = refused.message().to_lowercase();
    assert!(
        message.contains("certificate") || message.contains("issuer"),
        "{message}"
    );

    // The test CA added: accepted.
    let trusted = sandbox
        .saferpay_client_builder()
        .base_url(&base)
        .ca_certificates(ca.ca_pem.clone())
        .proxy("none")
        .build()
        .unwrap();
    trusted
        .initialize_payment_page(page("tls-2"))
        .await
        .unwrap();

    // Through the CONNECT proxy: every call tunnelled (one pooled tunnel for several calls).
    let proxy = ConnectProxy::start().await.unwrap();
    let proxied = sandbox
        .saferpay_client_builder()
        .base_url(&base)
        .ca_certificates(ca.ca_pem.clone())
        .proxy(proxy.url())
        .build()
        .unwrap();
    for n in 0..3 {
        proxied
            .initialize_payment_page(page(&format!("proxy-{n}")))
            .await
            .unwrap();
    }
    let tunnels = proxy.tunnels();
    println!(
        "TLS sandbox with a generated CA: unknown CA refused ({}), added CA accepted; 3 calls through the CONNECT proxy: {tunnels} tunnel(s)",
        refused.message()
    );
    assert!(tunnels >= 1, "the proxy saw no tunnel");
    let before = proxy.tunnels();
    trusted
        .initialize_payment_page(page("tls-3"))
        .await
        .unwrap();
    assert_eq!(proxy.tunnels(), before, "proxy=none goes direct");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_proxy_from_the_environment() {
    let sandbox = Sandbox::start().unwrap();
    let ca = TestCa::generate().unwrap();
    let tls_port = tls_front(&ca, upstream(&sandbox)).await.unwrap();
    let proxy = ConnectProxy::start().await.unwrap();
    let dir = std::env::temp_dir().join(format!("paywire-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, &ca.ca_pem).unwrap();
    // A child process, so the variables are set before the client reads them.
    let run = |proxy_option: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_paywire-shared-worker"))
            .args([
                "saferpay-page",
                &https_base(&sandbox, tls_port),
                ca_file.to_str().unwrap(),
                proxy_option,
                "env-proxy",
            ])
            .env("HTTPS_PROXY", proxy.url())
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .stderr(Stdio::inherit())
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    };
    let line = run("");
    let via_env = proxy.tunnels();
    let direct = run("none");
    let after_none = proxy.tunnels();
    println!(
        "HTTPS_PROXY from the environment: {line:?}, {via_env} tunnel(s); with proxy=none: {direct:?}, {} more",
        after_none - via_env
    );
    assert!(line.starts_with("ok "), "{line}");
    assert!(direct.starts_with("ok "), "{direct}");
    assert!(via_env >= 1);
    assert_eq!(after_none, via_env);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_env_reads_the_transport_and_store_variables() {
    let sandbox = Sandbox::start().unwrap();
    let ca = TestCa::generate().unwrap();
    let tls_port = tls_front(&ca, upstream(&sandbox)).await.unwrap();
    let proxy = ConnectProxy::start().await.unwrap();
    let dir = std::env::temp_dir().join(format!("paywire-from-env-{}", std::process::id()));
    let tokens = dir.join("tokens");
    std::fs::create_dir_all(&dir).unwrap();
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, &ca.ca_pem).unwrap();
    let base = https_base(&sandbox, tls_port);
    let secuconnect_base = format!("https://127.0.0.1:{tls_port}");
    // A child process per case, so the variables are read by `from_env` at start.
    let run = |mode: &str, vars: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_paywire-shared-worker"));
        command
            .args([mode, "-", "-", "-", "from-env"])
            .env(
                "SAFERPAY_CUSTOMER_ID",
                paywire_sandbox::credentials::SAFERPAY_CUSTOMER_ID,
            )
            .env(
                "SAFERPAY_TERMINAL_ID",
                paywire_sandbox::credentials::SAFERPAY_TERMINAL_ID,
            )
            .env(
                "SAFERPAY_USERNAME",
                paywire_sandbox::credentials::SAFERPAY_USERNAME,
            )
            .env(
                "SAFERPAY_PASSWORD",
                paywire_sandbox::credentials::SAFERPAY_PASSWORD,
            )
            .env("SAFERPAY_BASE_URL", &base)
            .env(
                "SECUCONNECT_CLIENT_ID",
                paywire_sandbox::credentials::SECUCONNECT_CLIENT_ID,
            )
            .env(
                "SECUCONNECT_CLIENT_SECRET",
                paywire_sandbox::credentials::SECUCONNECT_CLIENT_SECRET,
            )
            .env("SECUCONNECT_BASE_URL", &secuconnect_base)
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .env_remove("PAYWIRE_PROXY")
            .env_remove("PAYWIRE_CA_CERTIFICATES")
            .env_remove("PAYWIRE_TOKEN_STORE")
            .stderr(Stdio::inherit());
        for (name, value) in vars {
            command.env(name, value);
        }
        let output = command.output().unwrap();
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    };
    let ca_path = ca_file.to_str().unwrap();
    let untrusted = run("saferpay-page-from-env", &[]);
    assert!(untrusted.starts_with("error transport"), "{untrusted}");
    let trusted = run(
        "saferpay-page-from-env",
        &[
            ("PAYWIRE_CA_CERTIFICATES", ca_path),
            ("PAYWIRE_PROXY", &proxy.url()),
        ],
    );
    assert_eq!(trusted, "ok true");
    assert!(proxy.tunnels() >= 1, "PAYWIRE_PROXY was not used");
    let missing = run(
        "saferpay-page-from-env",
        &[("PAYWIRE_CA_CERTIFICATES", "/nonexistent/ca.pem")],
    );
    assert!(
        missing.starts_with("error build configuration PAYWIRE_CA_CERTIFICATES"),
        "{missing}"
    );
    let store_url = format!("file://{}", tokens.display());
    let stored = run(
        "secuconnect-token-from-env",
        &[
            ("PAYWIRE_CA_CERTIFICATES", ca_path),
            ("PAYWIRE_TOKEN_STORE", &store_url),
        ],
    );
    assert_eq!(stored, "ok true");
    let files = std::fs::read_dir(&tokens).map(|d| d.count()).unwrap_or(0);
    assert_eq!(
        files,
        1,
        "PAYWIRE_TOKEN_STORE: one token file in {}",
        tokens.display()
    );
    println!(
        "from_env: PAYWIRE_CA_CERTIFICATES trusted the test CA, PAYWIRE_PROXY tunnelled {} time(s), a missing CA file is a configuration error naming the variable, PAYWIRE_TOKEN_STORE kept {files} token file",
        proxy.tunnels()
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_transport_options_name_their_field() {
    let sandbox = Sandbox::start().unwrap();
    let err = sandbox
        .saferpay_client_builder()
        .ca_certificates("not a certificate")
        .build()
        .unwrap_err();
    assert_eq!(err.field(), Some("ca_certificates"));
    let err = sandbox
        .secuconnect_client_builder()
        .proxy("ftp://user:hunter2@127.0.0.1:21")
        .build()
        .unwrap_err();
    assert_eq!(err.field(), Some("proxy"));
    assert!(!err.message().contains("hunter2"));
}
