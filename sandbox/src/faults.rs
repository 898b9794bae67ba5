//! Fault injection: per route name (or `prefix.*` / `*`), for the next `count` calls.

use crate::error::SandboxError;
use crate::routes::{self, Route};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a fault does to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FaultMode {
    /// Sleep `delay_ms` (default 500), then handle normally.
    #[serde(rename = "delay")]
    Delay,
    /// 500 with a plain-text (non-JSON) body, before executing.
    #[serde(rename = "error_500")]
    Error500,
    /// 503 with an HTML body, before executing.
    #[serde(rename = "error_503_html")]
    Error503Html,
    /// 429 with a provider-shaped error body and `Retry-After: 1`, before executing.
    #[serde(rename = "error_429")]
    Error429,
    /// Execute, then answer 200 with an HTML body.
    #[serde(rename = "non_json")]
    NonJson,
    /// Execute, then answer 200 with truncated JSON.
    #[serde(rename = "malformed_json")]
    MalformedJson,
    /// Close the connection without answering and without executing.
    #[serde(rename = "drop_before_commit")]
    DropBeforeCommit,
    /// Execute and store the replayable response, then close the connection without answering.
    #[serde(rename = "drop_after_commit")]
    DropAfterCommit,
    /// Answer as if the credentials/token had expired (secuconnect 403/2003; Saferpay and
    /// SekurePay 401), before executing.
    #[serde(rename = "expired_token")]
    ExpiredToken,
}

impl FaultMode {
    /// All modes with their names.
    pub const ALL: &'static [(&'static str, FaultMode)] = &[
        ("delay", FaultMode::Delay),
        ("error_500", FaultMode::Error500),
        ("error_503_html", FaultMode::Error503Html),
        ("error_429", FaultMode::Error429),
        ("non_json", FaultMode::NonJson),
        ("malformed_json", FaultMode::MalformedJson),
        ("drop_before_commit", FaultMode::DropBeforeCommit),
        ("drop_after_commit", FaultMode::DropAfterCommit),
        ("expired_token", FaultMode::ExpiredToken),
    ];

    /// The mode's name.
    pub fn name(self) -> &'static str {
        FaultMode::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map(|(n, _)| *n)
            .unwrap_or("delay")
    }
}

impl FromStr for FaultMode {
    type Err = SandboxError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FaultMode::ALL
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, m)| *m)
            .ok_or_else(|| SandboxError::UnknownFaultMode(s.to_string()))
    }
}

fn one() -> u32 {
    1
}

/// A fault to inject: `{"route": "saferpay.offers.get", "mode": "delay", "count": 8, "delay_ms": 300}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultSpec {
    /// Route name, `prefix.*` or `*`.
    pub route: String,
    /// What to do.
    pub mode: FaultMode,
    /// For how many of the next matching calls (default 1).
    #[serde(default = "one")]
    pub count: u32,
    /// Sleep this long first (any mode; `delay` defaults to 500 ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
}

impl FaultSpec {
    /// A spec from its parts.
    pub fn new(route: &str, mode: FaultMode, count: u32) -> FaultSpec {
        FaultSpec {
            route: route.to_string(),
            mode,
            count,
            delay_ms: None,
        }
    }

    /// The sleep before the fault acts, if any.
    pub fn effective_delay_ms(&self) -> Option<u64> {
        match (self.delay_ms, self.mode) {
            (Some(ms), _) => Some(ms),
            (None, FaultMode::Delay) => Some(500),
            _ => None,
        }
    }
}

#[derive(Debug)]
struct Active {
    spec: FaultSpec,
    remaining: u32,
}

/// The active faults.
#[derive(Debug, Default)]
pub struct Faults {
    list: Mutex<Vec<Active>>,
    len: AtomicUsize,
}

impl Faults {
    /// Add a fault (checked: known route pattern, count ≥ 1).
    pub fn inject(&self, spec: FaultSpec) -> Result<(), SandboxError> {
        if !routes::pattern_valid(&spec.route) {
            return Err(SandboxError::UnknownRoute(spec.route));
        }
        if spec.count == 0 {
            return Err(SandboxError::Invalid(
                "fault count must be at least 1".into(),
            ));
        }
        let mut list = crate::state::lock(&self.list);
        let remaining = spec.count;
        list.push(Active { spec, remaining });
        self.len.store(list.len(), Ordering::Release);
        Ok(())
    }

    /// Take one use of the most specific fault matching this route, if any.
    pub fn take(&self, route: Route) -> Option<FaultSpec> {
        if self.len.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut list = crate::state::lock(&self.list);
        let rank = |p: &str| {
            if p == route.name() {
                0
            } else if p == "*" {
                2
            } else {
                1
            }
        };
        let idx = list
            .iter()
            .enumerate()
            .filter(|(_, a)| routes::pattern_matches(&a.spec.route, route))
            .min_by_key(|(i, a)| (rank(&a.spec.route), *i))
            .map(|(i, _)| i)?;
        let spec = list[idx].spec.clone();
        list[idx].remaining -= 1;
        if list[idx].remaining == 0 {
            list.remove(idx);
        }
        self.len.store(list.len(), Ordering::Release);
        Some(spec)
    }

    /// Active faults with their remaining counts.
    pub fn list(&self) -> Vec<FaultSpec> {
        crate::state::lock(&self.list)
            .iter()
            .map(|a| FaultSpec {
                count: a.remaining,
                ..a.spec.clone()
            })
            .collect()
    }

    /// Remove the faults injected for exactly this route pattern.
    pub fn clear_route(&self, route: &str) {
        let mut list = crate::state::lock(&self.list);
        list.retain(|a| a.spec.route != route);
        self.len.store(list.len(), Ordering::Release);
    }

    /// Remove all faults.
    pub fn clear(&self) {
        let mut list = crate::state::lock(&self.list);
        list.clear();
        self.len.store(0, Ordering::Release);
    }
}
