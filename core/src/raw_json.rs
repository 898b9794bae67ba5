//! A provider record kept as its JSON text: decoding a report page keeps each transaction's
//! bytes instead of building a `serde_json::Value` tree per record; callers that want the
//! tree parse it on demand.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// Valid JSON text (checked when it was made), serialised verbatim.
#[derive(Clone)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// The JSON text as received.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// The JSON text, owned (no copy).
    pub fn into_string(self) -> String {
        let boxed: Box<str> = self.0.into();
        boxed.into()
    }

    /// Wraps text after checking that it is one JSON value.
    pub fn from_string(text: String) -> Result<RawJson, serde_json::Error> {
        RawValue::from_string(text).map(RawJson)
    }

    /// Encodes a parsed value.
    pub fn from_value(value: &Value) -> RawJson {
        // Encoding a `Value` cannot fail (its keys are strings); `null` is the safe fallback.
        serde_json::value::to_raw_value(value)
            .map(RawJson)
            .unwrap_or_else(|_| RawJson::null())
    }

    fn null() -> RawJson {
        RawJson(RawValue::NULL.to_owned())
    }

    /// Parses the text into a tree.
    pub fn to_value(&self) -> Value {
        // The text was validated when it was made, so parsing does not fail in practice.
        serde_json::from_str(self.get()).unwrap_or(Value::Null)
    }

    /// Parses the text into `T`.
    pub fn parse<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.get())
    }
}

impl From<Box<RawValue>> for RawJson {
    fn from(value: Box<RawValue>) -> RawJson {
        RawJson(value)
    }
}

impl Default for RawJson {
    fn default() -> RawJson {
        RawJson::null()
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &RawJson) -> bool {
        self.get() == other.get()
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawJson, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(RawJson)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_text_and_parses_on_demand() {
        let raw = RawJson::from_string(r#"{"A": 1,"B":[true]}"#.to_owned()).unwrap_or_default();
        assert_eq!(raw.get(), r#"{"A": 1,"B":[true]}"#);
        assert_eq!(raw.to_value()["B"][0], true);
        assert_eq!(
            serde_json::to_string(&raw).unwrap_or_default(),
            r#"{"A": 1,"B":[true]}"#
        );
        assert!(RawJson::from_string("{".to_owned()).is_err());
        assert_eq!(RawJson::from_value(&serde_json::json!([1])).get(), "[1]");
    }
}
