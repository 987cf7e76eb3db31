//! JSON read strictly: an object that names the same key twice is refused, at any depth
//! (serde_json's own `Value` keeps the last one). Every JSON text brigade reads (a run
//! file, wherever it is read, and a `--config` file) goes through these.

use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// The message of a repeated key (the reader adds where it was).
pub(crate) fn duplicate(key: &str) -> String {
    format!("duplicate key {:?}", super::clip(key, 40))
}

/// Whether a serde error's message says a key was repeated.
pub(crate) fn is_duplicate(message: &str) -> bool {
    message.starts_with("duplicate key ") || message.starts_with("duplicate field ")
}

/// A whole JSON text as a value, refusing repeated keys.
///
/// ```
/// use brigade::run_file::strict;
/// assert_eq!(strict::parse(r#"{"a": [1, {"b": 2}]}"#).unwrap()["a"][1]["b"], 2);
/// assert!(strict::parse(r#"{"a": {"b": 1, "b": 2}}"#).unwrap_err().contains("duplicate key \"b\""));
/// ```
pub fn parse(text: &str) -> Result<Value, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = StrictValue.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    value.map_err(|e| super::plain_serde_error(&e))
}

/// Reads a JSON value as `serde_json::Value` does, refusing repeated keys.
#[derive(Clone, Copy)]
pub(crate) struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(A::Error::custom(duplicate(&key)));
            }
            let value = map.next_value_seed(StrictValue)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// Reads past a JSON value, building nothing but each object's keys, refusing repeated
/// keys.
#[derive(Clone, Copy)]
pub(crate) struct StrictIgnore;

impl<'de> DeserializeSeed<'de> for StrictIgnore {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictIgnore {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(StrictIgnore)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys: HashSet<String> = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if keys.contains(&key) {
                return Err(A::Error::custom(duplicate(&key)));
            }
            map.next_value_seed(StrictIgnore)?;
            keys.insert(key);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_values_equal_serde_json_values_and_refuse_repeated_keys() {
        for text in [
            r#"{"a":1,"b":[1,2.5,-3,"x",null,true,{"c":{}}],"d":1e300,"e":18446744073709551615}"#,
            "[]",
            "\"é\\u00e9\"",
            "0.1",
        ] {
            assert_eq!(parse(text).unwrap(), serde_json::from_str::<Value>(text).unwrap(), "{text}");
            let mut de = serde_json::Deserializer::from_str(text);
            StrictIgnore.deserialize(&mut de).unwrap();
        }
        for text in [r#"{"a":1,"a":1}"#, r#"[{"x":{"y":1,"z":2,"y":3}}]"#, r#"{"a":{},"b":[],"a":null}"#] {
            assert!(parse(text).unwrap_err().starts_with("duplicate key"), "{text}");
            let mut de = serde_json::Deserializer::from_str(text);
            let e = StrictIgnore.deserialize(&mut de).unwrap_err();
            assert!(is_duplicate(&e.to_string()), "{text}: {e}");
        }
        // the key is shown escaped and cut
        let long = format!(r#"{{"{0}\u001b":1,"{0}\u001b":2}}"#, "k".repeat(100));
        let e = parse(&long).unwrap_err();
        assert!(e.len() < 80 && !e.contains('\u{1b}'), "{e}");
    }
}
