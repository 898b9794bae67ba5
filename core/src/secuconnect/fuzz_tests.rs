//! Fuzzing the secuconnect and OAuth decoders: never a panic, always a value or typed error.

use proptest::prelude::*;
use serde_json::Value;

use crate::error::Provider;
use crate::fuzz_support::{fixtures, json, mutate, response};

fn decode_all(value: Value) {
    let _ = super::SmartTransaction::from_wire(value.clone(), None);
    let _ = super::SmartTransaction::from_wire(value.clone(), Some("STX_1"));
    let _ = super::PaymentTransaction::from_wire(value.clone(), None);
    let _ = super::PaymentStatus::from_wire(value.clone());
    let _ = super::parse_push(value.to_string().as_bytes());
    let _ = crate::oauth::fuzz_parse_token(
        Provider::Secuconnect,
        &response(200, true, value.to_string().into_bytes()),
    );
}

proptest! {
    #[test]
    fn decoders_never_panic_on_arbitrary_json(value in json()) {
        decode_all(value);
    }

    #[test]
    fn decoders_never_panic_on_mutated_fixtures(index in any::<usize>(), seed in any::<u64>(), replacement in json()) {
        let all = fixtures("secuconnect");
        prop_assume!(!all.is_empty());
        decode_all(mutate(&all[index % all.len()], seed, replacement));
    }

    #[test]
    fn error_mapping_and_pushes_never_panic(status in 100u16..600, is_json in any::<bool>(), body in prop::collection::vec(any::<u8>(), 0..300)) {
        let r = response(status, is_json, body.clone());
        let _ = super::error::classify_error(&r);
        let _ = crate::oauth::fuzz_oauth_error(Provider::Secuconnect, &r);
        let _ = super::parse_push(&body);
    }
}
