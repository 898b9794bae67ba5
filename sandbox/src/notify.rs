//! Outgoing notifications (Saferpay notify GETs, secuconnect pushes): fire-and-forget tasks on
//! the sandbox runtime, a tiny HTTP/1.1 client, up to 3 attempts, everything logged.

use crate::clock;
use crate::state::{App, lock};
use crate::stats::inc;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One notification to deliver.
#[derive(Debug, Clone)]
pub struct Notification {
    /// What it is (`saferpay.success_notify`, `secuconnect.push`, ...).
    pub kind: &'static str,
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Target URL.
    pub url: String,
    /// JSON body (POST).
    pub body: Option<Value>,
    /// Extra headers.
    pub headers: Vec<(&'static str, &'static str)>,
}

struct Target {
    host: String,
    port: u16,
    host_header: String,
    path: String,
}

fn parse_http_url(url: &str) -> Result<Target, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| "only http:// URLs can be called by the sandbox (no TLS)".to_string())?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let path = if path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_string()
    };
    let path = path.split('#').next().unwrap_or("/").to_string();
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or("bad IPv6 host")?;
        let port = after.strip_prefix(':').map(str::parse::<u16>).transpose();
        (h.to_string(), port.map_err(|_| "bad port")?.unwrap_or(80))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), p.parse::<u16>().map_err(|_| "bad port")?),
            None => (authority.to_string(), 80),
        }
    };
    if host.is_empty() {
        return Err("URL has no host".into());
    }
    Ok(Target {
        host,
        port,
        host_header: authority.to_string(),
        path,
    })
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

async fn deliver_once(t: &Target, n: &Notification) -> Result<u16, String> {
    let mut stream = tokio::net::TcpStream::connect((t.host.as_str(), t.port))
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let body = n
        .body
        .as_ref()
        .map(|b| serde_json::to_vec(b).unwrap_or_default())
        .unwrap_or_default();
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: paywire-sandbox\r\nAccept: */*\r\nConnection: close\r\n",
        n.method, t.path, t.host_header
    );
    for (k, v) in &n.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if n.body.is_some() {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(|e| format!("write: {e}"))?;
    if !body.is_empty() {
        stream
            .write_all(&body)
            .await
            .map_err(|e| format!("write: {e}"))?;
    }
    let mut buf = Vec::with_capacity(256);
    let mut chunk = [0u8; 512];
    loop {
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.windows(2).any(|w| w == b"\r\n") || buf.len() > 8192 {
            break;
        }
    }
    let text = String::from_utf8_lossy(&buf);
    let line = text.lines().next().unwrap_or("");
    line.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("no HTTP status line in answer: {line:?}"))
}

fn update(app: &App, id: &str, f: impl FnOnce(&mut serde_json::Map<String, Value>)) {
    let mut log = lock(&app.notifications);
    if let Some(Value::Object(m)) = log
        .iter_mut()
        .rev()
        .find(|v| v.get("id").and_then(Value::as_str) == Some(id))
    {
        f(m);
    }
}

/// Queue a notification; returns its log id.
pub fn send(app: &Arc<App>, n: Notification) -> String {
    let id = format!("ntf_{}", crate::ids::hex(16));
    let entry = json!({
        "id": id,
        "kind": n.kind,
        "method": n.method,
        "url": n.url,
        "body": n.body,
        "created": clock::fmt_saferpay(app.clock.now()),
        "attempts": 0,
        "status": Value::Null,
        "delivered": false,
        "error": Value::Null,
    });
    {
        let mut log = lock(&app.notifications);
        log.push_back(entry);
        while log.len() > 1000 {
            log.pop_front();
        }
    }
    let target = parse_http_url(&n.url);
    let target = match target {
        Ok(t) if !is_loopback(&t.host) && !app.config().allow_external_notifications => Err(
            "target is not a loopback address (set allow_external_notifications to allow it)"
                .to_string(),
        ),
        other => other,
    };
    let target = match target {
        Ok(t) => t,
        Err(e) => {
            inc(&app.stats.notifications.skipped);
            update(app, &id, |m| {
                m.insert("error".into(), Value::from(format!("skipped: {e}")));
            });
            return id;
        }
    };
    inc(&app.stats.notifications.sent);
    let app2 = Arc::clone(app);
    let id2 = id.clone();
    app.rt.spawn(async move {
        let mut last_err = String::new();
        for attempt in 1..=3u32 {
            let result = tokio::time::timeout(Duration::from_secs(5), deliver_once(&target, &n))
                .await
                .unwrap_or_else(|_| Err("timeout after 5 s".into()));
            let ok = matches!(result, Ok(200..=299));
            update(&app2, &id2, |m| {
                m.insert("attempts".into(), attempt.into());
                match &result {
                    Ok(s) => {
                        m.insert("status".into(), (*s).into());
                    }
                    Err(e) => {
                        m.insert("error".into(), Value::from(e.clone()));
                    }
                }
                if ok {
                    m.insert("delivered".into(), true.into());
                    m.insert("error".into(), Value::Null);
                }
            });
            if ok {
                inc(&app2.stats.notifications.delivered);
                return;
            }
            last_err = match result {
                Ok(s) => format!("HTTP {s}"),
                Err(e) => e,
            };
            tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt * attempt))).await;
        }
        let _ = last_err;
        inc(&app2.stats.notifications.failed);
    });
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        let t = parse_http_url("http://127.0.0.1:8080/a/b?x=1").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("127.0.0.1", 8080, "/a/b?x=1")
        );
        let t = parse_http_url("http://localhost?x").unwrap();
        assert_eq!((t.port, t.path.as_str()), (80, "/?x"));
        let t = parse_http_url("http://[::1]:99/").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 99));
        assert!(parse_http_url("https://x/").is_err());
        assert!(is_loopback("127.0.0.2") && !is_loopback("10.0.0.1"));
    }
}
