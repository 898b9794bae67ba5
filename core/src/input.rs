//! Input containers from plain JSON (snake_case keys), for bindings that receive dicts or
//! objects: a wrong key or type becomes a validation error naming the exact field path.

use serde::Deserialize as _;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;

thread_local! {
    /// The core error behind the last failed `Deserialize` of a core type (e.g. `Money`), so
    /// [`crate::operation::decode_input`] can report its own field (`currency`) and message
    /// rather than serde's text. Decoding is synchronous, so the same thread reads it back.
    static NESTED_ERROR: std::cell::RefCell<Option<Error>> = const { std::cell::RefCell::new(None) };
}

/// Turns a core error inside a `Deserialize` impl into serde's error, keeping the original.
pub(crate) fn de_error<E: serde::de::Error>(error: Error) -> E {
    let text = error.message_text().to_owned();
    NESTED_ERROR.with(|slot| *slot.borrow_mut() = Some(error));
    E::custom(text)
}

/// Takes the error kept by [`de_error`], if any (and clears it).
pub(crate) fn take_nested_error() -> Option<Error> {
    NESTED_ERROR.with(|slot| slot.borrow_mut().take())
}

/// serde `deserialize_with` for containers that must arrive as objects: serde would also fill
/// a struct from a list, by position (`["tok"]` as the first field), which for a means of
/// payment would send a value the caller never named.
pub(crate) fn map_only<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct Objects<T>(std::marker::PhantomData<T>);
    impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Objects<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    deserializer.deserialize_map(Objects(std::marker::PhantomData))
}

/// [`map_only`] for an optional container (`null` is `None`).
pub(crate) fn opt_map_only<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct Object<T>(T);
    impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Object<T> {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            map_only(deserializer).map(Object)
        }
    }
    Option::<Object<T>>::deserialize(deserializer).map(|o| o.map(|Object(value)| value))
}

/// Decodes `value` as a `T` (e.g. a `Payer` from a Python dict), naming `field` and the path
/// inside it on failure: `payer.billing_address.email: invalid type …`.
pub fn from_json<T: DeserializeOwned>(field: &str, value: Value) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let full = if path.is_empty() || path == "." {
            field.to_owned()
        } else if path.starts_with('[') {
            format!("{field}{path}")
        } else {
            format!("{field}.{path}")
        };
        Error::validation(&full, e.inner().to_string())
    })
}

/// Like [`from_json`], from JSON text (bindings whose inputs arrive as strings, e.g. UniFFI).
pub fn from_json_str<T: DeserializeOwned>(field: &str, text: &str) -> Result<T, Error> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Error::validation(field, format!("is not valid JSON ({e})")))?;
    from_json(field, value)
}

/// serde `deserialize_with` for timestamps in operation inputs: [`parse_timestamp`]'s rules
/// (the field's name is added by the caller's path).
pub fn deserialize_timestamp<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<chrono::DateTime<chrono::FixedOffset>, D::Error> {
    let text = <String as serde::Deserialize>::deserialize(deserializer)?;
    parse_timestamp("", &text).map_err(de_error)
}

/// Parses a timestamp the way every binding accepts it: RFC 3339 (`2026-12-24T12:00:00+01:00`,
/// `…Z`, fractions allowed) or the same without seconds (`2026-12-24T12:00+01:00`, what Java's
/// `OffsetDateTime.toString()` prints when the seconds are zero). An offset is required, so a
/// deadline never silently shifts by the machine's time zone.
pub fn parse_timestamp(
    field: &str,
    text: &str,
) -> Result<chrono::DateTime<chrono::FixedOffset>, Error> {
    let text = text.trim();
    chrono::DateTime::parse_from_rfc3339(text)
        .or_else(|_| chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M%:z"))
        .or_else(|_| {
            // `Z` without seconds.
            text.strip_suffix('Z')
                .ok_or(())
                .and_then(|t| {
                    chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").map_err(|_| ())
                })
                .map(|naive| naive.and_utc().fixed_offset())
                .map_err(|_| Error::validation(field, ""))
        })
        .map_err(|_| {
            Error::validation(
                field,
                format!(
                    "must be an RFC 3339 timestamp with an offset, e.g. 2026-12-24T12:00:00+01:00 (got {:?})",
                    crate::money::truncate(text, 40)
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saferpay::Payer;

    #[test]
    fn timestamps_with_offsets_in_every_common_spelling() {
        for ok in [
            "2026-12-24T12:00:00+01:00",
            "2026-12-24T11:00:00.000Z",
            "2026-12-24T12:00+01:00",
            "2026-12-24T11:00Z",
        ] {
            let at = parse_timestamp("expires_at", ok).unwrap();
            assert_eq!(at.timestamp(), 1_798_110_000, "{ok}");
        }
        for bad in ["2026-12-24T12:00:00", "2026-12-24", "tomorrow", ""] {
            assert_eq!(
                parse_timestamp("expires_at", bad).unwrap_err().field(),
                Some("expires_at")
            );
        }
    }

    #[test]
    fn names_the_nested_field() {
        let err = from_json::<Payer>(
            "payer",
            serde_json::json!({"billing_address": {"email": 5}}),
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("payer.billing_address.email"));
        let err = from_json::<Payer>("payer", serde_json::json!({"nickname": "x"})).unwrap_err();
        assert_eq!(err.field(), Some("payer.nickname"));
        assert!(err.message().contains("nickname"), "{}", err.message());
        let payer: Payer = from_json("payer", serde_json::json!({"language_code": "de"})).unwrap();
        assert_eq!(payer.language_code.as_deref(), Some("de"));
        let err = from_json_str::<Payer>("payer", "{nope").unwrap_err();
        assert_eq!(err.field(), Some("payer"));
        let err = from_json::<Vec<Payer>>("payers", serde_json::json!([{}, {"nickname": 1}]))
            .unwrap_err();
        assert_eq!(err.field(), Some("payers[1].nickname"));
    }
}
