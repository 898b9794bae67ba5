//! Shared sandbox state: configuration, clock, stats, faults and each provider's objects.

use crate::clock::{self, Clock};
use crate::error::SandboxError;
use crate::faults::Faults;
use crate::stats::Stats;
use crate::{SandboxOptions, saferpay, secuconnect, sekurepay};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard};

/// Lock a mutex, recovering from poisoning (a panicking handler must not wedge the sandbox).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Effective runtime configuration (GET /_sandbox/config).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Config {
    /// Secure PayGate server-to-server success notification URL (Backoffice setting), with
    /// `{{{PAYMENTPAGETOKEN}}}` replaced by the payment page token of the paid offer.
    pub spg_success_notify_url: Option<String>,
    /// Secure PayGate fail notification URL (same placeholder), called after a declined attempt.
    pub spg_fail_notify_url: Option<String>,
    /// Where the offer page sends the browser after paying (same placeholder).
    pub spg_success_url: Option<String>,
    /// Where the offer page sends the browser after a decline.
    pub spg_fail_url: Option<String>,
    /// Where the offer page sends the browser after an abort.
    pub spg_abort_url: Option<String>,
    /// Seeded reporting transactions per day.
    pub reporting_per_day: u32,
    /// Days of seeded reporting history (before the day the sandbox started).
    pub reporting_days: u32,
    /// Extra latency of every reporting call (makes parallel calls easy to provoke).
    pub report_latency_ms: u64,
    /// Lifetime of new secuconnect access tokens, in sandbox seconds.
    pub token_lifetime_secs: u64,
    /// Device flow polling interval announced to clients.
    pub device_interval_secs: u64,
    /// Send notifications to non-loopback hosts too (off: the sandbox is offline).
    pub allow_external_notifications: bool,
    /// Replay the first stored answer for a repeated Saferpay RequestId (off: execute again).
    pub request_id_replay: bool,
    /// Run a request to its end even after its client gave up waiting (a timeout shorter than
    /// a `delay` fault), as a provider that keeps working would (off: it ends with its
    /// connection).
    pub finish_abandoned_requests: bool,
}

impl Config {
    /// Defaults from the start options.
    pub fn from_options(o: &SandboxOptions) -> Config {
        Config {
            spg_success_notify_url: None,
            spg_fail_notify_url: None,
            spg_success_url: None,
            spg_fail_url: None,
            spg_abort_url: None,
            reporting_per_day: o.reporting_per_day,
            reporting_days: o.reporting_days,
            report_latency_ms: 0,
            token_lifetime_secs: o.token_lifetime_secs,
            device_interval_secs: 5,
            allow_external_notifications: false,
            request_id_replay: o.request_id_replay,
            finish_abandoned_requests: o.finish_abandoned_requests,
        }
    }
}

/// A partial configuration update (`POST /_sandbox/config`, `Sandbox::set_config`). Absent fields
/// stay as they are; an empty string clears a URL.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SandboxConfig {
    /// See [`Config::spg_success_notify_url`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spg_success_notify_url: Option<String>,
    /// See [`Config::spg_fail_notify_url`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spg_fail_notify_url: Option<String>,
    /// See [`Config::spg_success_url`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spg_success_url: Option<String>,
    /// See [`Config::spg_fail_url`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spg_fail_url: Option<String>,
    /// See [`Config::spg_abort_url`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spg_abort_url: Option<String>,
    /// See [`Config::reporting_per_day`] (max 1,000,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporting_per_day: Option<u32>,
    /// See [`Config::reporting_days`] (max 3660).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporting_days: Option<u32>,
    /// See [`Config::report_latency_ms`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_latency_ms: Option<u64>,
    /// See [`Config::token_lifetime_secs`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_lifetime_secs: Option<u64>,
    /// See [`Config::device_interval_secs`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_interval_secs: Option<u64>,
    /// See [`Config::allow_external_notifications`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_external_notifications: Option<bool>,
    /// See [`Config::request_id_replay`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id_replay: Option<bool>,
    /// See [`Config::finish_abandoned_requests`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_abandoned_requests: Option<bool>,
}

fn url_opt(v: &Option<String>, target: &mut Option<String>) {
    if let Some(s) = v {
        *target = if s.is_empty() { None } else { Some(s.clone()) };
    }
}

impl SandboxConfig {
    /// Apply to a configuration (validated first).
    pub fn apply(&self, c: &mut Config) -> Result<(), SandboxError> {
        if self.reporting_per_day.is_some_and(|n| n > 1_000_000) {
            return Err(SandboxError::Invalid(
                "reporting_per_day must be at most 1000000".into(),
            ));
        }
        if self.reporting_days.is_some_and(|n| n > 3660) {
            return Err(SandboxError::Invalid(
                "reporting_days must be at most 3660".into(),
            ));
        }
        for u in [
            &self.spg_success_notify_url,
            &self.spg_fail_notify_url,
            &self.spg_success_url,
            &self.spg_fail_url,
            &self.spg_abort_url,
        ]
        .into_iter()
        .flatten()
        {
            if !(u.is_empty() || u.starts_with("http://") || u.starts_with("https://")) {
                return Err(SandboxError::Invalid(format!("not an http(s) URL: {u}")));
            }
        }
        url_opt(&self.spg_success_notify_url, &mut c.spg_success_notify_url);
        url_opt(&self.spg_fail_notify_url, &mut c.spg_fail_notify_url);
        url_opt(&self.spg_success_url, &mut c.spg_success_url);
        url_opt(&self.spg_fail_url, &mut c.spg_fail_url);
        url_opt(&self.spg_abort_url, &mut c.spg_abort_url);
        if let Some(v) = self.reporting_per_day {
            c.reporting_per_day = v;
        }
        if let Some(v) = self.reporting_days {
            c.reporting_days = v;
        }
        if let Some(v) = self.report_latency_ms {
            c.report_latency_ms = v;
        }
        if let Some(v) = self.token_lifetime_secs {
            c.token_lifetime_secs = v;
        }
        if let Some(v) = self.device_interval_secs {
            c.device_interval_secs = v;
        }
        if let Some(v) = self.allow_external_notifications {
            c.allow_external_notifications = v;
        }
        if let Some(v) = self.request_id_replay {
            c.request_id_replay = v;
        }
        if let Some(v) = self.finish_abandoned_requests {
            c.finish_abandoned_requests = v;
        }
        Ok(())
    }
}

/// Everything the server shares between requests.
pub struct App {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// Start options.
    pub options: SandboxOptions,
    /// Sandbox clock.
    pub clock: Clock,
    /// Counters.
    pub stats: Stats,
    /// Active faults.
    pub faults: Faults,
    config: RwLock<Config>,
    /// Saferpay objects (offers, sessions, transactions ...).
    pub saferpay: Mutex<saferpay::State>,
    /// Saferpay RequestId replay store.
    pub idem: Mutex<HashMap<String, saferpay::Stored>>,
    /// Customers with a reporting call in flight.
    pub report_busy: Mutex<HashSet<String>>,
    /// Seeded report rows already encoded (served as bytes on every later page).
    pub report_days: Mutex<saferpay::encoded_days::EncodedDays>,
    /// secuconnect objects.
    pub secu: Mutex<secuconnect::State>,
    /// SekurePay objects.
    pub sekure: Mutex<sekurepay::State>,
    /// Log of outgoing notifications (newest last, at most 1000).
    pub notifications: Mutex<VecDeque<Value>>,
    /// Runtime that runs notification tasks.
    pub rt: tokio::runtime::Handle,
    /// Day (since the epoch) the seeded reporting history ends before.
    pub anchor_day: i64,
}

impl App {
    /// New state for a server at `base_url`.
    pub fn new(base_url: String, options: SandboxOptions, rt: tokio::runtime::Handle) -> App {
        let clock = Clock::default();
        let anchor_day = clock::day_of(clock.now());
        App {
            base_url,
            config: RwLock::new(Config::from_options(&options)),
            options,
            clock,
            stats: Stats::default(),
            faults: Faults::default(),
            saferpay: Mutex::new(saferpay::State::default()),
            idem: Mutex::new(HashMap::new()),
            report_busy: Mutex::new(HashSet::new()),
            report_days: Mutex::new(Default::default()),
            secu: Mutex::new(secuconnect::State::default()),
            sekure: Mutex::new(sekurepay::State::default()),
            notifications: Mutex::new(VecDeque::new()),
            rt,
            anchor_day,
        }
    }

    /// Current configuration.
    pub fn config(&self) -> RwLockReadGuard<'_, Config> {
        self.config.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Apply a configuration patch.
    pub fn set_config(&self, patch: &SandboxConfig) -> Result<(), SandboxError> {
        let mut c = self.config.write().unwrap_or_else(|e| e.into_inner());
        let mut next = c.clone();
        patch.apply(&mut next)?;
        *c = next;
        Ok(())
    }

    /// Turn RequestId replay on or off (stored answers are kept for when it is on again).
    pub fn set_request_id_replay(&self, enabled: bool) {
        self.config
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .request_id_replay = enabled;
    }

    /// Forget everything: objects, replays, stats, faults, notifications, config and clock.
    pub fn reset(&self) {
        *lock(&self.saferpay) = saferpay::State::default();
        lock(&self.idem).clear();
        *lock(&self.secu) = secuconnect::State::default();
        *lock(&self.sekure) = sekurepay::State::default();
        lock(&self.notifications).clear();
        self.faults.clear();
        self.stats.reset();
        self.clock.reset();
        *self.config.write().unwrap_or_else(|e| e.into_inner()) =
            Config::from_options(&self.options);
    }
}
