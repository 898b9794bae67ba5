//! Per-route and global counters: requests, exact in-flight gauges, faults, effects, duplicates.

use crate::routes::Route;
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};

macro_rules! counters {
    ($(#[$meta:meta])* $name:ident { $($field:ident),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Default)]
        pub struct $name {
            $(
                #[doc = stringify!($field)]
                pub $field: AtomicU64,
            )*
        }

        impl $name {
            /// Zero every counter.
            pub fn reset(&self) {
                $(self.$field.store(0, Relaxed);)*
            }

            /// Counters as a JSON object.
            pub fn to_json(&self) -> Value {
                let mut m = Map::new();
                $(m.insert(stringify!($field).to_string(), Value::from(self.$field.load(Relaxed)));)*
                Value::Object(m)
            }
        }
    };
}

counters! {
    /// Effects the sandbox executed, one count per execution (with RequestId replay on, a
    /// replayed answer does not execute again; with it off, every repeat executes).
    /// `authorizations`: payments authorized (payment pages and offers paid); `refunds`:
    /// Saferpay refunds; `smart_transaction_refunds`: secuconnect refund transactions (a
    /// cancel after payment, partial or full).
    Effects {
        offers_created, offers_deleted, offers_paid, offers_declined,
        payment_pages_initialized, payment_pages_paid, payment_pages_failed, asserts,
        authorizations, captures, multipart_captures, refunds, cancels, inquiries,
        fields_tokens_created, fields_tokens_deleted, reports, reports_refused,
        smart_transactions_created, smart_transactions_completed, smart_transactions_failed,
        payment_transaction_cancels, smart_transaction_refunds, orders_created,
        token_requests, tokens_issued, replays,
    }
}

counters! {
    /// Side effects executed a second time for the same logical operation: money or objects
    /// that exist twice. A capture or an order cannot execute twice (the state check or the
    /// 409 refuses it), so those stay 0 by construction; they are listed so every kind reads
    /// the same. Offers, payment authorizations: the same `OrderId` again; Saferpay refunds:
    /// another non-canceled refund of the same capture with the same amount and `OrderId`;
    /// smart transactions: the same `merchantRef`; secuconnect refunds: another refund
    /// transaction of the same amount on the same payment transaction.
    ExecutedDuplicates {
        captures, refunds, authorizations, offers, smart_transactions,
        smart_transaction_refunds, orders,
    }
}

counters! {
    /// Logical duplicates seen (the sandbox still answers as the provider would).
    Duplicates {
        offers, captures, refunds, orders, smart_transactions, payment_pages,
        request_id_reuse, retry_indicator_not_incremented,
    }
}

counters! {
    /// Outgoing notifications (Saferpay notify GETs, secuconnect pushes).
    Notifications { sent, delivered, failed, skipped }
}

/// Counters of one route.
#[derive(Debug, Default)]
pub struct RouteStats {
    requests: AtomicU64,
    in_flight: AtomicI64,
    max_in_flight: AtomicI64,
    faults_injected: AtomicU64,
    status_2xx: AtomicU64,
    status_4xx: AtomicU64,
    status_5xx: AtomicU64,
}

/// All sandbox statistics.
#[derive(Debug)]
pub struct Stats {
    routes: Vec<RouteStats>,
    in_flight: AtomicI64,
    max_in_flight: AtomicI64,
    requests: AtomicU64,
    /// Effects executed.
    pub effects: Effects,
    /// Logical duplicates.
    pub duplicates: Duplicates,
    /// Side effects executed twice.
    pub executed_duplicates: ExecutedDuplicates,
    /// Outgoing notifications.
    pub notifications: Notifications,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            routes: Route::ALL.iter().map(|_| RouteStats::default()).collect(),
            in_flight: AtomicI64::new(0),
            max_in_flight: AtomicI64::new(0),
            requests: AtomicU64::new(0),
            effects: Effects::default(),
            duplicates: Duplicates::default(),
            executed_duplicates: ExecutedDuplicates::default(),
            notifications: Notifications::default(),
        }
    }
}

/// Decrements the in-flight gauges when dropped (also when the client disconnects mid-request).
pub struct InFlight<'a> {
    stats: &'a Stats,
    route: usize,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if let Some(r) = self.stats.routes.get(self.route) {
            r.in_flight.fetch_sub(1, Relaxed);
        }
        self.stats.in_flight.fetch_sub(1, Relaxed);
    }
}

impl Stats {
    /// Count a request and raise the in-flight gauges until the guard drops.
    pub fn begin(&self, route: Route) -> InFlight<'_> {
        let idx = route.index();
        self.requests.fetch_add(1, Relaxed);
        if let Some(r) = self.routes.get(idx) {
            r.requests.fetch_add(1, Relaxed);
            let now = r.in_flight.fetch_add(1, Relaxed) + 1;
            r.max_in_flight.fetch_max(now, Relaxed);
        }
        let now = self.in_flight.fetch_add(1, Relaxed) + 1;
        self.max_in_flight.fetch_max(now, Relaxed);
        InFlight {
            stats: self,
            route: idx,
        }
    }

    /// Count an injected fault.
    pub fn fault(&self, route: Route) {
        if let Some(r) = self.routes.get(route.index()) {
            r.faults_injected.fetch_add(1, Relaxed);
        }
    }

    /// Count the status class of an answer.
    pub fn status(&self, route: Route, status: u16) {
        if let Some(r) = self.routes.get(route.index()) {
            let c = match status {
                200..=399 => &r.status_2xx,
                400..=499 => &r.status_4xx,
                _ => &r.status_5xx,
            };
            c.fetch_add(1, Relaxed);
        }
    }

    /// Zero everything except the live in-flight gauges (max_in_flight restarts from them).
    pub fn reset(&self) {
        for r in &self.routes {
            r.requests.store(0, Relaxed);
            r.faults_injected.store(0, Relaxed);
            r.status_2xx.store(0, Relaxed);
            r.status_4xx.store(0, Relaxed);
            r.status_5xx.store(0, Relaxed);
            r.max_in_flight
                .store(r.in_flight.load(Relaxed).max(0), Relaxed);
        }
        self.requests.store(0, Relaxed);
        self.max_in_flight
            .store(self.in_flight.load(Relaxed).max(0), Relaxed);
        self.effects.reset();
        self.duplicates.reset();
        self.executed_duplicates.reset();
        self.notifications.reset();
    }

    /// The stats JSON document (see README).
    pub fn to_json(&self) -> Value {
        let mut routes = Map::new();
        for route in Route::ALL {
            if let Some(r) = self.routes.get(route.index()) {
                let mut m = Map::new();
                m.insert("requests".into(), r.requests.load(Relaxed).into());
                m.insert("in_flight".into(), r.in_flight.load(Relaxed).into());
                m.insert("max_in_flight".into(), r.max_in_flight.load(Relaxed).into());
                m.insert(
                    "faults_injected".into(),
                    r.faults_injected.load(Relaxed).into(),
                );
                m.insert("status_2xx".into(), r.status_2xx.load(Relaxed).into());
                m.insert("status_4xx".into(), r.status_4xx.load(Relaxed).into());
                m.insert("status_5xx".into(), r.status_5xx.load(Relaxed).into());
                routes.insert(route.name().to_string(), Value::Object(m));
            }
        }
        let mut top = Map::new();
        top.insert("routes".into(), Value::Object(routes));
        top.insert("requests".into(), self.requests.load(Relaxed).into());
        top.insert("in_flight".into(), self.in_flight.load(Relaxed).into());
        top.insert(
            "max_in_flight".into(),
            self.max_in_flight.load(Relaxed).into(),
        );
        top.insert("effects".into(), self.effects.to_json());
        top.insert("duplicates".into(), self.duplicates.to_json());
        top.insert(
            "executed_duplicates".into(),
            self.executed_duplicates.to_json(),
        );
        top.insert("notifications".into(), self.notifications.to_json());
        Value::Object(top)
    }
}

/// Increment a counter by one.
pub fn inc(c: &AtomicU64) {
    c.fetch_add(1, Relaxed);
}
