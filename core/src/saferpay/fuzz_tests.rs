//! Fuzzing the Saferpay decoders: arbitrary JSON, mutated fixtures and arbitrary bytes must
//! give a value or a typed error, never a panic.

use proptest::prelude::*;
use serde_json::Value;

use crate::fuzz_support::{fixtures, json, mutate, response};

fn decode_all(value: Value) {
    let _ = super::offers::offer_from_wire(value.clone(), "12345678");
    let _ = super::account::license_from_wire(value.clone());
    let _ = super::account::terminal_from_wire(value.clone());
    let _ = super::account::terminals_from_wire(value.clone());
    let _ = super::account::configurations_from_wire(&value);
    let _ = super::transaction::payment_from_wire(value.clone());
    let _ = super::transaction::capture_from_wire(value.clone());
    let _ = super::transaction::cancellation_from_wire(value.clone());
    let _ = super::transaction::capture_status_from_wire(value.clone());
    let _ = super::transaction::refund_status_from_wire(value.clone());
    let _ = super::payment_page::session_from_wire(value.clone());
    let _ = super::reporting::ReportedTransaction::from_wire(value);
}

proptest! {
    #[test]
    fn decoders_never_panic_on_arbitrary_json(value in json()) {
        decode_all(value);
    }

    #[test]
    fn decoders_never_panic_on_mutated_fixtures(index in any::<usize>(), seed in any::<u64>(), replacement in json()) {
        let all = fixtures("saferpay");
        prop_assume!(!all.is_empty());
        let base = &all[index % all.len()];
        decode_all(mutate(base, seed, replacement));
    }

    #[test]
    fn error_mapping_never_panics(status in 100u16..600, is_json in any::<bool>(), body in prop::collection::vec(any::<u8>(), 0..300), value in json()) {
        let _ = super::error::error_from_response(&response(status, is_json, body));
        let _ = super::error::error_from_response(&response(status, true, value.to_string().into_bytes()));
    }
}
