//! Comparing a JSON value with an expected one while reading it, without building it.

use super::strict::{duplicate, StrictValue};
use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;

/// Compares a JSON value, as it is read, with `expected`, building nothing while they
/// agree: `None` when the value read equals `expected` (as `serde_json::Value`s compare),
/// otherwise the value read (rebuilt from `expected` up to where they part). An object
/// that names a key twice is refused, as everywhere in a run file.
pub(super) struct Same<'e>(pub(super) &'e serde_json::Value);

type Json = serde_json::Value;

impl Same<'_> {
    fn scalar(&self, given: Json) -> Option<Json> {
        (*self.0 != given).then_some(given)
    }
}

impl<'de> DeserializeSeed<'de> for Same<'_> {
    type Value = Option<Json>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Json>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'e> Visitor<'de> for Same<'e> {
    type Value = Option<Json>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Option<Json>, E> {
        Ok(self.scalar(Json::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Option<Json>, E> {
        Ok(self.scalar(Json::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Option<Json>, E> {
        Ok(self.scalar(Json::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Option<Json>, E> {
        Ok(self.scalar(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Option<Json>, E> {
        Ok((self.0.as_str() != Some(v)).then(|| Json::String(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Option<Json>, E> {
        Ok((self.0.as_str() != Some(v.as_str())).then_some(Json::String(v)))
    }

    fn visit_unit<E>(self) -> Result<Option<Json>, E> {
        Ok(self.scalar(Json::Null))
    }

    fn visit_none<E>(self) -> Result<Option<Json>, E> {
        Ok(self.scalar(Json::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<Json>, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Json>, A::Error> {
        let (items, is_array) = match self.0.as_array() {
            Some(items) => (items.as_slice(), true),
            None => (&[][..], false),
        };
        let mut read = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match seq.next_element_seed(Same(item))? {
                Some(None) => {}
                Some(Some(given)) => {
                    read = items[..i].to_vec();
                    read.push(given);
                    break;
                }
                // shorter than expected
                None => return Ok(Some(Json::Array(items[..i].to_vec()))),
            }
        }
        if read.is_empty() {
            match seq.next_element_seed(StrictValue)? {
                None if is_array => return Ok(None),
                None => return Ok(Some(Json::Array(read))),
                Some(extra) => {
                    read = items.to_vec();
                    read.push(extra);
                }
            }
        }
        while let Some(item) = seq.next_element_seed(StrictValue)? {
            read.push(item);
        }
        Ok(Some(Json::Array(read)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Json>, A::Error> {
        let empty = serde_json::Map::new();
        let object = self.0.as_object();
        // the keys found equal so far (the expected objects are small)
        let mut seen: [&str; 32] = [""; 32];
        let mut n = 0;
        let mut parted: Option<(String, Json)> = None;
        if let Some(object) = object {
            while let Some(key) = map.next_key_seed(KeyIn(object))? {
                match key {
                    Err(other) => {
                        parted = Some((other, map.next_value_seed(StrictValue)?));
                        break;
                    }
                    Ok((k, expected)) => {
                        if seen[..n].iter().any(|s| std::ptr::eq(*s, k.as_str())) {
                            return Err(A::Error::custom(duplicate(k)));
                        }
                        if n == seen.len() {
                            parted = Some((k.clone(), map.next_value_seed(StrictValue)?));
                            break;
                        }
                        match map.next_value_seed(Same(expected))? {
                            None => {
                                seen[n] = k.as_str();
                                n += 1;
                            }
                            Some(given) => {
                                parted = Some((k.clone(), given));
                                break;
                            }
                        }
                    }
                }
            }
            if parted.is_none() && n == object.len() {
                return Ok(None);
            }
        }
        // the rest of the object is still to read
        let parted_or_other = parted.is_some() || object.is_none();
        // they part: the value read, from what agreed, where they parted and the rest
        let object = object.unwrap_or(&empty);
        let mut read = serde_json::Map::new();
        for k in &seen[..n] {
            read.insert((*k).to_owned(), object[*k].clone());
        }
        if let Some((k, v)) = parted {
            read.insert(k, v);
        }
        if parted_or_other {
            while let Some(k) = map.next_key::<String>()? {
                if read.contains_key(&k) {
                    return Err(A::Error::custom(duplicate(&k)));
                }
                let v = map.next_value_seed(StrictValue)?;
                read.insert(k, v);
            }
        }
        Ok(Some(Json::Object(read)))
    }
}

/// A key of an object read against the expected object: the expected key and value, or
/// the key read when the expected object has no such key.
struct KeyIn<'e>(&'e serde_json::Map<String, Json>);

impl<'de, 'e> DeserializeSeed<'de> for KeyIn<'e> {
    type Value = Result<(&'e String, &'e Json), String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, 'e> Visitor<'de> for KeyIn<'e> {
    type Value = Result<(&'e String, &'e Json), String>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.get_key_value(key).ok_or_else(|| key.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What [`Same`] makes of `text` against `expected`.
    fn same(expected: &Json, text: &str) -> Option<Json> {
        let mut de = serde_json::Deserializer::from_str(text);
        let read = Same(expected).deserialize(&mut de).unwrap();
        de.end().unwrap();
        read
    }

    #[test]
    fn same_agrees_with_json_equality_and_returns_what_it_read() {
        let expected = json!({"a": 1, "b": [1, {"c": "x"}, null], "d": {"e": true, "f": -2.5}});
        let texts = [
            r#"{"a":1,"b":[1,{"c":"x"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"d":{"f":-2.5,"e":true},"b":[1,{"c":"x"},null],"a":1}"#,
            r#"{"a":1,"a":1,"b":[1,{"c":"x"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":2,"a":1,"b":[1,{"c":"x"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1,"a":2,"b":[1,{"c":"x"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1.0,"b":[1,{"c":"x"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1,"b":[1,{"c":"x"}],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1,"b":[1,{"c":"x"},null,4],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1,"b":[1,{"c":"y"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1,"b":[1,{"c":"x","g":0},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1,"b":[1,{"c":"x"},null],"d":{"e":true}}"#,
            r#"{"a":1,"b":[1,{"c":"x"},null],"d":{"e":true,"f":-2.5},"z":[{"q":1}]}"#,
            r#"{"a":1,"b":[1,{"c":"x"},null],"d":[true, -2.5]}"#,
            r#"{"a":1,"b":{"0":1},"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":"\u0031","b":[1,{"c":"\u0078"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{"a":1,"b":[1,{"c":"\u0078"},null],"d":{"e":true,"f":-2.5}}"#,
            r#"{}"#,
            r#"[]"#,
            r#"[1,{"a":1}]"#,
            r#""text""#,
            r#"-3"#,
            r#"null"#,
        ];
        for text in texts {
            let whole: Json = serde_json::from_str(text).unwrap();
            if text.matches(r#""a":"#).count() > 1 {
                // a key named twice is refused, whatever the values
                let mut de = serde_json::Deserializer::from_str(text);
                let e = Same(&expected).deserialize(&mut de).unwrap_err();
                assert!(e.to_string().starts_with("duplicate key \"a\""), "{text}: {e}");
                continue;
            }
            match same(&expected, text) {
                None => assert_eq!(whole, expected, "{text}"),
                Some(read) => {
                    assert_eq!(read, whole, "{text}");
                    assert!(read != expected, "{text}");
                }
            }
        }
        for (expected, text) in [(json!([]), "[]"), (json!(null), "null"), (json!("é"), r#""\u00e9""#), (json!(7), "7")]
        {
            assert_eq!(same(&expected, text), None, "{text}");
        }
        assert_eq!(same(&json!([1]), "[]"), Some(json!([])));
        assert_eq!(same(&json!({}), r#"{"a":[1]}"#), Some(json!({"a": [1]})));
        assert_eq!(same(&json!(5), r#"{"a":[1]}"#), Some(json!({"a": [1]})));
        assert_eq!(same(&json!(5), "[1,[2]]"), Some(json!([1, [2]])));
    }
}
