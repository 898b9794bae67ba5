//! Fuzzing the SekurePay decoders: never a panic.

use proptest::prelude::*;

use crate::fuzz_support::{fixtures, json, mutate, response};

proptest! {
    #[test]
    fn decoders_never_panic(value in json(), status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = super::orders::order_from_json("o-1", value.clone(), None);
        let _ = super::CreateOrder::from_wire_json(&value);
        let _ = super::error::error_from_response(&response(status, true, value.to_string().into_bytes()));
        let _ = super::error::error_from_response(&response(status, false, body));
    }

    #[test]
    fn request_reader_never_panics_on_mutated_fixtures(index in any::<usize>(), seed in any::<u64>(), replacement in json()) {
        let all = fixtures("sekurepay");
        prop_assume!(!all.is_empty());
        let _ = super::CreateOrder::from_wire_json(&mutate(&all[index % all.len()], seed, replacement));
    }
}
