//! `paywire sandbox pay|fault|clock|stats` and `paywire listen` against a sandbox served on
//! 127.0.0.1 (in this process), run as the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use serde_json::{Value, json};

fn cli(sandbox: &paywire_sandbox::Sandbox, home: &TempDir, args: &[&str]) -> (i32, String, String) {
    let out = run(paywire(home.path())
        .arg("--json")
        .arg("--sandbox")
        .arg(sandbox.url())
        .args(args));
    (code(&out), stdout(&out), stderr(&out))
}

fn ok(sandbox: &paywire_sandbox::Sandbox, home: &TempDir, args: &[&str]) -> Value {
    let (code, out, err) = cli(sandbox, home, args);
    assert_eq!(code, 0, "paywire {args:?}: {out}{err}");
    json(&out)
}

fn offer(sandbox: &paywire_sandbox::Sandbox, home: &TempDir, order: &str) -> String {
    let offer = ok(
        sandbox,
        home,
        &[
            "saferpay",
            "create-offer",
            "--amount",
            "4.04",
            "--currency",
            "CHF",
            "--order-id",
            order,
            "--description",
            "listen test",
            "--expires-at",
            "+2d",
        ],
    );
    offer["offer_id"].as_str().unwrap().to_owned()
}

#[test]
fn sandbox_pay_fault_clock_and_stats_drive_a_running_sandbox() {
    let sandbox = sandbox(5, 1);
    let home = TempDir::new("control");

    // pay: an offer (UUID), a payment page token, a Smart Transaction.
    let offer_id = offer(&sandbox, &home, "ctl-1");
    let paid = ok(&sandbox, &home, &["sandbox", "pay", &offer_id]);
    assert_eq!(paid["outcome"], json!("success"), "{paid}");
    let offer = ok(
        &sandbox,
        &home,
        &["saferpay", "get-offer", "--offer-id", &offer_id],
    );
    assert_eq!(offer["status"], json!("PAID"), "{offer}");

    let page = ok(
        &sandbox,
        &home,
        &[
            "saferpay",
            "initialize-payment-page",
            "--amount",
            "5.00",
            "--currency",
            "CHF",
            "--order-id",
            "ctl-2",
            "--description",
            "d",
            "--return-url",
            "https://shop.example/r",
        ],
    );
    let token = page["token"].as_str().unwrap();
    let declined = ok(
        &sandbox,
        &home,
        &["sandbox", "pay", token, "--outcome", "fail"],
    );
    assert_eq!(declined["outcome"], json!("decline"), "{declined}");

    let stx = ok(
        &sandbox,
        &home,
        &[
            "secuconnect",
            "create-smart-transaction",
            "--amount",
            "5.00",
            "--currency",
            "EUR",
        ],
    );
    let stx_id = stx["id"].as_str().unwrap();
    let completed = ok(&sandbox, &home, &["sandbox", "pay", stx_id]);
    assert!(completed.to_string().contains("PCI_"), "{completed}");
    let (status, _, err) = cli(
        &sandbox,
        &home,
        &["sandbox", "pay", stx_id, "--outcome", "abort"],
    );
    assert_eq!(status, 2, "{err}");

    // An unknown id: the sandbox refuses, exit 2 with a JSON error.
    let (status, _, err) = cli(&sandbox, &home, &["sandbox", "pay", "no-such-token"]);
    assert_eq!(status, 2, "{err}");
    assert_eq!(json(&err)["error"]["kind"], json!("validation"));

    // fault: listed by the sandbox, and the next call of the route meets it.
    let injected = ok(
        &sandbox,
        &home,
        &[
            "sandbox",
            "fault",
            "--route",
            "saferpay.terminals",
            "--mode",
            "error_500",
            "--count",
            "1",
        ],
    );
    assert_eq!(
        injected["faults"][0]["route"],
        json!("saferpay.terminals"),
        "{injected}"
    );
    let before = requests(&sandbox, "saferpay.terminals");
    // A read: the core retries past the 500 and succeeds.
    ok(&sandbox, &home, &["saferpay", "terminals"]);
    assert!(requests(&sandbox, "saferpay.terminals") - before >= 2);
    let (status, _, err) = cli(
        &sandbox,
        &home,
        &[
            "sandbox",
            "fault",
            "--route",
            "saferpay.terminals",
            "--mode",
            "no_such_mode",
        ],
    );
    assert_eq!(status, 2, "{err}");

    // clock: read, then a day later.
    let before = ok(&sandbox, &home, &["sandbox", "clock"]);
    let after = ok(&sandbox, &home, &["sandbox", "clock", "--advance", "1d"]);
    assert_eq!(
        after["offset_seconds"].as_i64().unwrap() - before["offset_seconds"].as_i64().unwrap(),
        86_400
    );
    let (status, _, _) = cli(&sandbox, &home, &["sandbox", "clock", "--advance", "1w"]);
    assert_eq!(status, 2);

    // stats: the sandbox's own counters.
    let stats = ok(&sandbox, &home, &["sandbox", "stats"]);
    assert_eq!(stats, sandbox.stats());

    // Without --sandbox there is nothing to talk to; a dead port is a transport error.
    let out = run(paywire(home.path()).args(["sandbox", "stats"]));
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let dead = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let out = run(paywire(home.path()).args(["sandbox", "stats", "--sandbox", &url]));
    assert_eq!(code(&out), 5, "{}", stderr(&out));
}

/// A local endpoint that records (method, path with query, body) of each request.
fn endpoint() -> (String, mpsc::Receiver<(String, String, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut data = Vec::new();
            let mut buf = [0u8; 4096];
            // Read the head, then as much body as Content-Length says.
            loop {
                let n = stream.read(&mut buf).unwrap_or(0);
                if n == 0 {
                    break;
                }
                data.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&data).into_owned();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let length = head
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if body.len() >= length {
                        break;
                    }
                }
            }
            let text = String::from_utf8_lossy(&data).into_owned();
            let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
            let mut first = head.lines().next().unwrap_or("").split_whitespace();
            let method = first.next().unwrap_or("").to_owned();
            let path = first.next().unwrap_or("").to_owned();
            let _ = stream.write_all(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
            let _ = tx.send((method, path, body.to_owned()));
        }
    });
    (url, rx)
}

#[test]
fn listen_forwards_an_offer_notification_and_a_push_to_a_local_endpoint() {
    let sandbox = sandbox(5, 1);
    let home = TempDir::new("listen");
    let (hook, received) = endpoint();
    let mut child = paywire(home.path())
        .args([
            "--json",
            "listen",
            "--sandbox",
            sandbox.url(),
            "--forward-to",
            &hook,
        ])
        .args(["--poll-ms", "50", "--exit-after", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until listen has taken note of the events so far.
    let mut stderr_lines = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr_lines.read_line(&mut line).unwrap();
    assert!(line.starts_with("Ready"), "{line}");

    // An offer paid, and a Smart Transaction whose push goes to the shop (not to us).
    let offer_id = offer(&sandbox, &home, "listen-1");
    ok(&sandbox, &home, &["sandbox", "pay", &offer_id]);
    let stx = ok(
        &sandbox,
        &home,
        &[
            "secuconnect",
            "create-smart-transaction",
            "--amount",
            "5.00",
            "--currency",
            "EUR",
            "--return-urls",
            r#"{"url_push": "http://127.0.0.1:9/shop/push"}"#,
        ],
    );
    ok(
        &sandbox,
        &home,
        &["sandbox", "pay", stx["id"].as_str().unwrap()],
    );

    let mut got = Vec::new();
    for _ in 0..2 {
        got.push(
            received
                .recv_timeout(Duration::from_secs(20))
                .expect("an event forwarded"),
        );
    }
    let status = child.wait().unwrap();
    assert!(status.success());
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let lines: Vec<Value> = out.lines().map(json).collect();
    assert_eq!(lines.len(), 2, "{out}");
    let providers: Vec<&str> = lines
        .iter()
        .map(|l| l["provider"].as_str().unwrap())
        .collect();
    assert!(
        providers.contains(&"saferpay") && providers.contains(&"secuconnect"),
        "{out}"
    );
    for l in &lines {
        assert_eq!(l["status"], json!(200), "{l}");
        assert!(
            l["time"].as_str().is_some() && l["kind"].as_str().is_some(),
            "{l}"
        );
    }
    let push = lines
        .iter()
        .find(|l| l["provider"] == "secuconnect")
        .unwrap();
    assert_eq!(push["target"], json!("http://127.0.0.1:9/shop/push"));

    // What arrived: the Saferpay notify GET with its token, the push POST with its body.
    let notify = got.iter().find(|(m, _, _)| m == "GET").expect("a GET");
    assert!(notify.1.starts_with("/hooks?token="), "{notify:?}");
    let posted = got.iter().find(|(m, _, _)| m == "POST").expect("a POST");
    let body = json(&posted.2);
    assert_eq!(body["object"], json!("event.pushes"));
    assert!(body["data"][0]["id"].as_str().unwrap().starts_with("PCI_"));
}
