//! Lenient decoding shared by the provider wire types.
//!
//! Vendor docs disagree on field types between versions (providers.md §4.3, §5.1): an id is a
//! string on one page and a 19-digit JSON number on another. Ids must survive exactly, so they
//! are decoded by a visitor that takes a string or an integer straight to `String`: serde_json
//! hands integers that fit `u64`/`i64` to `visit_u64`/`visit_i64` without going through `f64`.
//! A float (an integer too large for 64 bits, or a fraction) could already be inexact, so it is
//! dropped (`None`) and callers fall back to another source (the URN's digits).

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// `Option<String>` from a string or an integer; `None` for null, a float, a boolean, an array
/// or an object. Never fails, so an unexpected type in one field never fails a listing.
pub fn string_or_integer<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(StringOrInteger)
}

struct StringOrInteger;

impl<'de> Visitor<'de> for StringOrInteger {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or an integer")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// `None` for absent, empty or blank text (ConnectSafely sends `""` for "no value").
pub fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|s| !s.trim().is_empty())
}

/// The trailing digits of `urn:li:fsd_invitation:<digits>` or `urn:li:invitation:<digits>`.
pub fn urn_digits(urn: &str) -> Option<String> {
    let digits = urn.trim().rsplit(':').next()?;
    (urn.starts_with("urn:li:") && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.to_string())
}

/// `jane-doe` from `https://www.linkedin.com/in/jane-doe/?x=1` (percent-decoding left as is).
pub fn public_id_from_profile_url(url: &str) -> Option<String> {
    let after = url.split_once("/in/")?.1;
    let slug = after
        .split(['/', '?', '#'])
        .next()
        .filter(|s| !s.is_empty())?;
    Some(slug.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
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
            public_id_from_profile_url("https://www.linkedin.com/in/jane-doe/?x=1").as_deref(),
            Some("jane-doe")
        );
        assert_eq!(
            public_id_from_profile_url("https://linkedin.com/in/x").as_deref(),
            Some("x")
        );
        assert_eq!(
            public_id_from_profile_url("https://linkedin.com/company/x"),
            None
        );
        assert_eq!(public_id_from_profile_url("https://linkedin.com/in/"), None);
        assert_eq!(non_empty(Some("  ".into())), None);
    }
}
