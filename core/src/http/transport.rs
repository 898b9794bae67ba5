//! The transport seam: one small trait, reqwest behind it in production, scripted in tests.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use http::{HeaderMap, Method};

use crate::error::Error;

/// A fully built request, ready to send.
#[derive(Clone, Debug)]
pub struct HttpRequest {
    pub method: Method,
    pub url: url::Url,
    pub headers: HeaderMap,
    pub body: Option<Bytes>,
    pub timeout: Duration,
}

#[derive(Clone, Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Where a transport failure happened, which decides whether a retry can double an effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureStage {
    /// The connection was never established: the server cannot have seen the request.
    NotSent,
    /// The request may have reached the server (reset, EOF, timeout after sending).
    MaybeSent,
}

#[derive(Clone, Debug)]
pub struct TransportFailure {
    pub stage: FailureStage,
    pub timed_out: bool,
    pub message: String,
    /// The transport's own error, kept as the paywire error's `source()`.
    pub source: Option<std::sync::Arc<dyn std::error::Error + Send + Sync>>,
}

/// Sends one HTTP request. Implementations must not retry on their own.
pub trait Transport: Send + Sync + 'static {
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'static, Result<HttpResponse, TransportFailure>>;
}

/// reqwest over rustls (ring, webpki roots: no OpenSSL, and no platform verifier that would
/// need JNI set-up on Android). The client is rebuilt when the shared runtime is rebuilt
/// (after fork), because its pool belongs to the runtime that created it.
pub(crate) struct ReqwestTransport {
    client: Mutex<(u64, reqwest::Client)>,
    config: TransportConfig,
}

/// Where connections go and whom they trust, checked once when the client is built.
#[derive(Clone)]
pub(crate) struct TransportConfig {
    proxy: ProxyChoice,
    extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
}

#[derive(Clone)]
enum ProxyChoice {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` (read when the client is built).
    Environment,
    Direct,
    Explicit(Box<reqwest::Proxy>),
}

impl TransportConfig {
    pub(crate) fn from_options(options: &crate::config::ClientOptions) -> Result<Self, Error> {
        let proxy = match &options.proxy {
            None => ProxyChoice::Environment,
            Some(p) if p.expose().trim().is_empty() || p.expose().trim() == "none" => {
                ProxyChoice::Direct
            }
            Some(p) => {
                // The URL's own error would quote it, password included: name the field only.
                let url = url::Url::parse(p.expose().trim())
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                    .ok_or_else(|| {
                        Error::validation("proxy", "must be an http://host:port URL or \"none\"")
                    })?;
                let proxy = reqwest::Proxy::all(url.as_str())
                    .map_err(|_| {
                        Error::validation("proxy", "must be an http://host:port URL or \"none\"")
                    })?
                    .no_proxy(reqwest::NoProxy::from_env());
                ProxyChoice::Explicit(Box::new(proxy))
            }
        };
        let extra_roots = match &options.ca_certificates {
            None => Vec::new(),
            Some(pem) => parse_roots(pem)?,
        };
        Ok(TransportConfig { proxy, extra_roots })
    }
}

fn parse_roots(pem: &str) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, Error> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = Vec::new();
    for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        let cert = cert.map_err(|_| {
            Error::validation("ca_certificates", "holds a PEM block that does not parse")
        })?;
        // Checked here so a bad certificate fails the build, not every request.
        let mut store = rustls::RootCertStore::empty();
        store.add(cert.clone()).map_err(|_| {
            Error::validation(
                "ca_certificates",
                "holds a certificate that is not a usable root",
            )
        })?;
        roots.push(cert);
    }
    if roots.is_empty() {
        return Err(Error::validation(
            "ca_certificates",
            "must hold at least one -----BEGIN CERTIFICATE----- block",
        ));
    }
    Ok(roots)
}

impl ReqwestTransport {
    pub(crate) fn new(config: TransportConfig) -> Result<ReqwestTransport, Error> {
        let (_, generation) = crate::rt::runtime_with_generation()?;
        Ok(ReqwestTransport {
            client: Mutex::new((generation, build_client(&config)?)),
            config,
        })
    }

    fn client(&self) -> Result<reqwest::Client, Error> {
        let (_, generation) = crate::rt::runtime_with_generation()?;
        let mut guard = self
            .client
            .lock()
            .map_err(|_| Error::internal("http client lock poisoned"))?;
        if guard.0 != generation {
            // A forked child: the old client's pooled sockets are registered with the parent's
            // event loop (an epoll set the child shares). Dropping them here could deregister
            // the parent's connections, so the old client is leaked, never dropped.
            let old = std::mem::replace(&mut *guard, (generation, build_client(&self.config)?));
            std::mem::forget(old);
        }
        Ok(guard.1.clone())
    }
}

fn build_client(config: &TransportConfig) -> Result<reqwest::Client, Error> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for cert in &config.extra_roots {
        roots
            .add(cert.clone())
            .map_err(|_| Error::validation("ca_certificates", "is not a usable root"))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::internal(format!("TLS set-up failed: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let builder = match &config.proxy {
        ProxyChoice::Environment => reqwest::Client::builder(),
        ProxyChoice::Direct => reqwest::Client::builder().no_proxy(),
        ProxyChoice::Explicit(proxy) => reqwest::Client::builder().proxy((**proxy).clone()),
    };
    builder
        .tls_backend_preconfigured(tls)
        .user_agent(concat!("paywire/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(50))
        .tcp_nodelay(true)
        .build()
        .map_err(|e| Error::internal(format!("HTTP client set-up failed: {e}")))
}

impl Transport for ReqwestTransport {
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'static, Result<HttpResponse, TransportFailure>> {
        let client = self.client();
        Box::pin(async move {
            let client = client.map_err(|e| TransportFailure {
                stage: FailureStage::NotSent,
                timed_out: false,
                message: e.message().to_owned(),
                source: Some(std::sync::Arc::new(e)),
            })?;
            let mut builder = client
                .request(request.method, request.url)
                .headers(request.headers)
                .timeout(request.timeout);
            if let Some(body) = request.body {
                builder = builder.body(body);
            }
            let mut response = builder.send().await.map_err(failure)?;
            let status = response.status().as_u16();
            // Moved out, not cloned: reading the body needs only the response's stream.
            let headers = std::mem::take(response.headers_mut());
            let body = response.bytes().await.map_err(failure)?;
            Ok(HttpResponse {
                status,
                headers,
                body,
            })
        })
    }
}

fn failure(error: reqwest::Error) -> TransportFailure {
    let stage = if error.is_connect() {
        FailureStage::NotSent
    } else {
        FailureStage::MaybeSent
    };
    // Without the URL: paths can carry ids that are tokens (Fields access tokens), and the
    // operation name in the error's context already says which call failed.
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    TransportFailure {
        stage,
        timed_out: error.is_timeout(),
        message,
        source: Some(std::sync::Arc::new(error)),
    }
}
