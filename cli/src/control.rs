//! Driving a running `paywire sandbox` from the shell (`paywire sandbox pay|fault|clock|stats`)
//! and `paywire listen`, which forwards the sandbox's Saferpay notifications and secuconnect
//! pushes to a local endpoint. Both talk to the sandbox's admin API (`/_sandbox/...`) over
//! plain HTTP on the loopback interface: a few lines of std networking, no HTTP stack.

use std::collections::HashSet;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use serde_json::{Value, json};

use crate::args::{ListenArgs, Outcome, SandboxControl};
use crate::exit::{CliError, CliResult};
use crate::output;

/// An `http://host:port/path?query` URL, split.
struct Url {
    authority: String,
    path: String,
}

fn parse_url(url: &str) -> CliResult<Url> {
    let rest = url.trim().strip_prefix("http://").ok_or_else(|| {
        CliError::Usage(format!(
            "{url:?}: only http:// URLs (the sandbox and local endpoints speak plain HTTP)"
        ))
    })?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty() {
        return Err(CliError::Usage(format!("{url:?} has no host")));
    }
    let path = if path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_owned()
    };
    Ok(Url {
        authority: authority.to_owned(),
        path,
    })
}

/// One HTTP/1.0 exchange (so the answer is never chunked): (status, body).
fn http(
    method: &str,
    url: &str,
    body: Option<&Value>,
    headers: &[(&str, &str)],
) -> CliResult<(u16, String)> {
    let target = parse_url(url)?;
    let unreachable = |e: std::io::Error| CliError::Transport(format!("{method} {url}: {e}"));
    let mut stream = TcpStream::connect(target.authority.as_str()).map_err(unreachable)?;
    let timeout = Some(Duration::from_secs(10));
    stream.set_read_timeout(timeout).map_err(unreachable)?;
    stream.set_write_timeout(timeout).map_err(unreachable)?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut request = format!(
        "{method} {} HTTP/1.0\r\nHost: {}\r\nAccept: application/json\r\nConnection: close\r\n",
        target.path, target.authority
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if method != "GET" {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(&body);
    stream.write_all(request.as_bytes()).map_err(unreachable)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(unreachable)?;
    let answer = String::from_utf8_lossy(&answer);
    let status = answer
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| CliError::Transport(format!("{method} {url}: no HTTP answer")))?;
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// The sandbox's admin API at `base` (the URL `paywire sandbox` prints).
struct Admin {
    base: String,
}

impl Admin {
    fn new(sandbox: Option<&str>) -> CliResult<Admin> {
        let base = sandbox.ok_or_else(|| {
            CliError::Usage(
                "name the running sandbox: --sandbox URL (the URL `paywire sandbox` prints)".into(),
            )
        })?;
        Ok(Admin {
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> CliResult<Value> {
        let url = format!("{}/_sandbox/{path}", self.base);
        let (status, text) = http(method, &url, body.as_ref(), &[])?;
        let value: Value = serde_json::from_str(&text).map_err(|_| {
            CliError::Transport(format!(
                "{url} answered HTTP {status} without JSON: is a paywire sandbox listening there?"
            ))
        })?;
        if (200..300).contains(&status) {
            return Ok(value);
        }
        let message = value
            .get("error")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| value.to_string());
        // The sandbox refused what was asked of it (unknown id, bad route or mode).
        Err(CliError::Usage(format!("the sandbox refused: {message}")))
    }
}

/// `30s`, `15m`, `2h`, `1d` (or plain seconds) as seconds.
fn parse_duration(text: &str) -> CliResult<i64> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit() && c != '-') {
        Some(i) => (&text[..i], &text[i..]),
        None => (text, "s"),
    };
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => 0,
    };
    number
        .parse::<i64>()
        .ok()
        .filter(|_| scale > 0)
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| {
            CliError::Usage(format!(
                "--advance: {text:?} is not a duration like 30s, 15m, 2h or 1d"
            ))
        })
}

/// Runs one control command; the sandbox's answer is printed as JSON (with or without
/// `--json`: it is what the sandbox says, nothing to summarise).
pub fn sandbox_control(control: &SandboxControl, sandbox: Option<&str>) -> CliResult<()> {
    let admin = Admin::new(sandbox)?;
    let result = match control {
        SandboxControl::Pay { id, outcome } => {
            // The id says what it is: a Smart Transaction, an offer (a UUID) or a payment
            // page token.
            if id.starts_with("STX_") {
                let outcome = match outcome {
                    Outcome::Success => "success",
                    Outcome::Fail => "failure",
                    Outcome::Abort => {
                        return Err(CliError::Usage(
                            "a Smart Transaction completes with success or fail; abort it with `paywire secuconnect abort-smart-transaction`".into(),
                        ));
                    }
                };
                admin.call(
                    "POST",
                    &format!("smart-transactions/{id}/complete"),
                    Some(json!({"outcome": outcome})),
                )?
            } else {
                let outcome = match outcome {
                    Outcome::Success => "success",
                    Outcome::Fail => "decline",
                    Outcome::Abort => "abort",
                };
                let kind = if id.len() == 36 && id.matches('-').count() == 4 {
                    "offers"
                } else {
                    "payment-pages"
                };
                admin.call(
                    "POST",
                    &format!("{kind}/{id}/pay"),
                    Some(json!({"outcome": outcome})),
                )?
            }
        }
        SandboxControl::Fault {
            route,
            mode,
            count,
            delay_ms,
        } => {
            let mut spec = json!({"route": route, "mode": mode, "count": count});
            if let (Some(ms), Value::Object(map)) = (delay_ms, &mut spec) {
                map.insert("delay_ms".into(), json!(ms));
            }
            admin.call("POST", "faults", Some(spec))?
        }
        SandboxControl::Clock { advance } => match advance {
            Some(text) => admin.call(
                "POST",
                "clock/advance",
                Some(json!({"seconds": parse_duration(text)?})),
            )?,
            None => admin.call("GET", "clock", None)?,
        },
        SandboxControl::Stats => admin.call("GET", "stats", None)?,
    };
    output::print_json(&result)
}

/// A local endpoint that answers 200 to anything: where `listen` asks the sandbox to send
/// Secure PayGate notifications when none are configured, so paid offers produce events.
fn start_sink() -> CliResult<String> {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| CliError::io("cannot listen on 127.0.0.1", &e))?;
    let address = listener
        .local_addr()
        .map_err(|e| CliError::io("cannot read the listening address", &e))?;
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let _ = stream
                .write_all(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    Ok(format!("http://{address}"))
}

/// The forward target for one event: `--forward-to`, with the original query string when
/// the target has none (Saferpay's notify URLs carry the token or order id there).
fn forward_url(forward_to: &str, original: &str) -> String {
    match original.split_once('?') {
        Some((_, query)) if !forward_to.contains('?') => format!("{forward_to}?{query}"),
        _ => forward_to.to_owned(),
    }
}

pub fn listen(args: &ListenArgs, sandbox: Option<&str>, json: bool) -> CliResult<()> {
    let admin = Admin::new(sandbox)?;
    parse_url(&args.forward_to)?;
    // Offers notify only the URLs configured in the sandbox: make sure there are some.
    let config = admin.call("GET", "config", None)?;
    let sink = start_sink()?;
    let mut patch = serde_json::Map::new();
    for (key, path) in [
        ("spg_success_notify_url", "success"),
        ("spg_fail_notify_url", "fail"),
    ] {
        if config.get(key).is_none_or(Value::is_null) {
            patch.insert(
                key.into(),
                json!(format!(
                    "{sink}/saferpay/{path}?token={{{{{{PAYMENTPAGETOKEN}}}}}}"
                )),
            );
        }
    }
    if !patch.is_empty() {
        admin.call("POST", "config", Some(Value::Object(patch)))?;
    }
    // Only events from now on, as `stripe listen` does.
    let mut seen: HashSet<String> = HashSet::new();
    for event in events(&admin)? {
        if let Some(id) = event.get("id").and_then(Value::as_str) {
            seen.insert(id.to_owned());
        }
    }
    // On stderr in both modes: stdout carries only the events.
    eprintln!(
        "Ready: forwarding the sandbox's notifications and pushes to {} (Ctrl-C to stop)",
        args.forward_to
    );
    let mut forwarded = 0u32;
    loop {
        for event in events(&admin)? {
            let Some(id) = event.get("id").and_then(Value::as_str) else {
                continue;
            };
            if !seen.insert(id.to_owned()) {
                continue;
            }
            forward(args, &event, json)?;
            forwarded += 1;
            if args.exit_after.is_some_and(|n| forwarded >= n) {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(args.poll_ms));
    }
}

fn events(admin: &Admin) -> CliResult<Vec<Value>> {
    match admin.call("GET", "notifications", None)? {
        Value::Array(list) => Ok(list),
        other => Err(CliError::Transport(format!(
            "the sandbox's notification log is not a list: {other}"
        ))),
    }
}

fn forward(args: &ListenArgs, event: &Value, json: bool) -> CliResult<()> {
    let text = |key: &str| event.get(key).and_then(Value::as_str).unwrap_or("");
    let full_kind = text("kind");
    let (provider, kind) = full_kind.split_once('.').unwrap_or(("", full_kind));
    let target = text("url");
    let method = if text("method") == "POST" {
        "POST"
    } else {
        "GET"
    };
    let url = forward_url(&args.forward_to, target);
    let body = event.get("body").filter(|b| !b.is_null());
    let answer = http(
        method,
        &url,
        body,
        &[("X-Paywire-Event", full_kind), ("X-Paywire-Target", target)],
    );
    let (status, error) = match &answer {
        Ok((status, _)) => (Some(*status), None),
        Err(e) => (None, Some(e.message())),
    };
    let time = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    if json {
        println!(
            "{}",
            json!({
                "time": time,
                "provider": provider,
                "kind": kind,
                "target": target,
                "forwarded_to": url,
                "status": status,
                "error": error,
            })
        );
    } else {
        let outcome = match (status, &error) {
            (Some(s), _) => format!("[{s}]"),
            (None, Some(e)) => format!("[failed: {e}]"),
            (None, None) => String::new(),
        };
        println!("{time}  {provider:<11}  {kind:<20}  {target}  --> {url} {outcome}");
    }
    std::io::stdout()
        .flush()
        .map_err(|e| CliError::io("cannot write to stdout", &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1d").ok(), Some(86_400));
        assert_eq!(parse_duration("90").ok(), Some(90));
        assert_eq!(parse_duration("15m").ok(), Some(900));
        assert!(parse_duration("1w").is_err());
        assert!(parse_duration("d").is_err());
    }

    #[test]
    fn forward_keeps_the_query() {
        assert_eq!(
            forward_url("http://127.0.0.1:3000/hook", "http://shop/notify?token=abc"),
            "http://127.0.0.1:3000/hook?token=abc"
        );
        assert_eq!(
            forward_url(
                "http://127.0.0.1:3000/hook?x=1",
                "http://shop/notify?token=abc"
            ),
            "http://127.0.0.1:3000/hook?x=1"
        );
    }
}
