//! Lenient decoding shared by the provider wire types.
//!
//! Vendor docs disagree on field types between versions (providers.md §4.3, §5.1): an id is a
//! string on one page and a 19-digit JSON number on another. Ids must survive exactly, so they
//! are decoded by one visitor that takes a string or an integer straight to `String`: serde_json
//! hands integers that fit `u64`/`i64` to `visit_u64`/`visit_i64` without going through `f64`.
//! A float (an integer too large for 64 bits, or a fraction) could already be inexact, so it is
//! never turned into an id.
//!
//! Two policies sit on that visitor:
//! - [`string_or_integer`] never fails: anything that is not a string or an integer is `None`,
//!   and callers fall back to another source (the URN's digits). Edges and LinkupAPI use it.
//! - [`required_id`] / [`optional_id`] refuse a value that cannot be an id (the answer is then
//!   reported as not understood) and treat blank text as no id. ConnectSafely uses them.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor};

/// `Option<String>` from a string (as sent) or an integer; `None` for null, a float, a
/// boolean, an array or an object. Never fails, so an unexpected type in one field never fails
/// a listing.
pub fn string_or_integer<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match d.deserialize_any(WireIdVisitor)? {
        WireId::Text(text) => Some(text),
        WireId::Null | WireId::NotAnId(_) => None,
    })
}

/// An id from a string (trimmed) or an integer: `#[serde(default, deserialize_with =
/// "lenient::optional_id")]`. Null and blank text are `None`; a float, a boolean, an array or
/// an object fail the decoding.
pub fn optional_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match d.deserialize_any(WireIdVisitor)? {
        WireId::Text(text) => {
            let text = text.trim();
            Ok((!text.is_empty()).then(|| text.to_string()))
        }
        WireId::Null => Ok(None),
        WireId::NotAnId(found) => Err(de::Error::invalid_type(
            found,
            &"an id as a string or an integer",
        )),
    }
}

/// As [`optional_id`], for a field that must hold an id: null or blank text fails too.
pub fn required_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    optional_id(d)?.ok_or_else(|| de::Error::custom("empty id"))
}

/// What an id field held on the wire.
enum WireId {
    /// A string as sent, or the exact digits of an integer.
    Text(String),
    /// `null`.
    Null,
    /// A float, a boolean, an array or an object (already read to its end).
    NotAnId(Unexpected<'static>),
}

struct WireIdVisitor;

impl<'de> Visitor<'de> for WireIdVisitor {
    type Value = WireId;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or an integer")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(WireId::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(WireId::Text(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(WireId::Text(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(WireId::Text(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(WireId::Text(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(WireId::Text(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(WireId::NotAnId(Unexpected::Float(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(WireId::NotAnId(Unexpected::Bool(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(WireId::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(WireId::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(WireId::NotAnId(Unexpected::Seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(WireId::NotAnId(Unexpected::Map))
    }
}

/// The trimmed text; `None` for absent, empty or blank text (ConnectSafely sends `""` for
/// "no value").
pub fn non_empty(value: Option<String>) -> Option<String> {
    value
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The trailing digits of `urn:li:fsd_invitation:<digits>` or `urn:li:invitation:<digits>`.
pub fn urn_digits(urn: &str) -> Option<String> {
    let digits = urn.trim().rsplit(':').next()?;
    (urn.starts_with("urn:li:") && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linkedin::profile_slug;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "string_or_integer")]
        id: Option<String>,
    }

    fn id(json: &str) -> Option<String> {
        serde_json::from_str::<Probe>(json).unwrap().id
    }

    #[test]
    fn nineteen_digit_numbers_stay_exact() {
        assert_eq!(
            id(r#"{"id": 7329176687475109888}"#).as_deref(),
            Some("7329176687475109888")
        );
        // Larger than i64::MAX, still a u64.
        assert_eq!(
            id(r#"{"id": 18446744073709551615}"#).as_deref(),
            Some("18446744073709551615")
        );
        assert_eq!(id(r#"{"id": -42}"#).as_deref(), Some("-42"));
        assert_eq!(id(r#"{"id": "2906418534"}"#).as_deref(), Some("2906418534"));
    }

    #[test]
    fn inexact_or_odd_values_become_none_without_failing() {
        // Too large for u64: serde_json would only offer an f64.
        assert_eq!(id(r#"{"id": 98765432109876543210}"#), None);
        assert_eq!(id(r#"{"id": 1.5}"#), None);
        assert_eq!(id(r#"{"id": null}"#), None);
        assert_eq!(id(r#"{"id": true}"#), None);
        assert_eq!(id(r#"{"id": [1, 2]}"#), None);
        assert_eq!(id(r#"{"id": {"a": [1]}}"#), None);
        assert_eq!(id(r#"{}"#), None);
    }

    #[test]
    fn strict_ids_decode_from_strings_and_big_integers_only() {
        #[derive(Deserialize)]
        struct W {
            #[serde(deserialize_with = "required_id")]
            a: String,
            #[serde(default, deserialize_with = "optional_id")]
            b: Option<String>,
        }
        let w: W =
            serde_json::from_str(r#"{"a": 7329176687475109888, "b": "7455301624689844224"}"#)
                .unwrap();
        assert_eq!(w.a, "7329176687475109888");
        assert_eq!(w.b.as_deref(), Some("7455301624689844224"));
        let w: W = serde_json::from_str(r#"{"a": " x1 ", "b": null}"#).unwrap();
        assert_eq!((w.a.as_str(), w.b), ("x1", None));
        let w: W = serde_json::from_str(r#"{"a": -5, "b": ""}"#).unwrap();
        assert_eq!((w.a.as_str(), w.b), ("-5", None));
        let float = serde_json::from_str::<W>(r#"{"a": 7.3e18}"#).err().unwrap();
        assert!(
            float
                .to_string()
                .contains("floating point `7.3e+18`, expected an id as a string or an integer"),
            "{float}"
        );
        assert!(serde_json::from_str::<W>(r#"{"a": ""}"#).is_err());
        assert!(serde_json::from_str::<W>(r#"{"a": "1", "b": [1]}"#).is_err());
        assert!(serde_json::from_str::<W>(r#"{"a": true}"#).is_err());
    }

    #[test]
    fn urn_and_url_helpers() {
        assert_eq!(
            urn_digits("urn:li:fsd_invitation:7329176687475109888").as_deref(),
            Some("7329176687475109888")
        );
        assert_eq!(
            urn_digits("urn:li:invitation:2906418534").as_deref(),
            Some("2906418534")
        );
        assert_eq!(urn_digits("urn:li:fsd_invitation:"), None);
        assert_eq!(urn_digits("urn:li:fsd_invitation:12a"), None);
        assert_eq!(urn_digits("1234"), None);
        assert_eq!(
            profile_slug("https://www.linkedin.com/in/jane-doe/?x=1").as_deref(),
            Some("jane-doe")
        );
        assert_eq!(
            profile_slug("https://linkedin.com/in/x").as_deref(),
            Some("x")
        );
        assert_eq!(profile_slug("https://linkedin.com/company/x"), None);
        assert_eq!(profile_slug("https://linkedin.com/in/"), None);
        assert_eq!(non_empty(Some("  ".into())), None);
    }
}
