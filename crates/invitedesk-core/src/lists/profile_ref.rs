//! One line of a user's list → the person it names, or why it names no one.
//!
//! Every id form a user pastes: profile addresses (with or without scheme or `www`, `http`,
//! mobile and locale subdomains, locale path prefixes, trailing slashes, query strings,
//! percent-encoded unicode slugs), bare public ids, member URNs (`urn:li:member:123`,
//! `urn:li:fsd_profile:ACoAA…`) and bare member ids. Addresses go through `linkedin.rs`, the one
//! profile-address parser; this module adds the other forms and the reasons.

use crate::linkedin;
use crate::model::Person;

/// A person named by a list line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileRef {
    /// A vanity slug, percent-decoded, as written (`Jérôme-X`).
    PublicId(String),
    /// A member id: `ACoAA…` (from a `urn:li:fsd_profile:` URN or bare) or LinkedIn's number.
    MemberId(String),
}

impl ProfileRef {
    /// The person keys this reference matches (the keep-list's `in:` / `id:` form): a slug
    /// is compared decoded and case-folded, a member id as written. A slug that is itself a
    /// member id (`linkedin.com/in/ACoAA…`, as some providers link) matches both ways.
    pub fn keys(&self) -> Vec<String> {
        match self {
            ProfileRef::PublicId(slug) => {
                let mut keys = vec![format!("in:{}", slug.to_lowercase())];
                if looks_like_member_id(slug) {
                    keys.push(format!("id:{slug}"));
                }
                keys
            }
            ProfileRef::MemberId(id) => vec![format!("id:{id}")],
        }
    }

    /// The main key, for storing (the do-not-contact list).
    pub fn key(&self) -> String {
        self.keys().remove(0)
    }

    /// The canonical profile address, when the reference has one.
    pub fn profile_url(&self) -> Option<String> {
        match self {
            ProfileRef::PublicId(slug) => Some(linkedin::canonical_profile_url(slug)),
            ProfileRef::MemberId(_) => None,
        }
    }

    /// How to name the person in messages: the slug or the member id.
    pub fn shown(&self) -> &str {
        match self {
            ProfileRef::PublicId(s) | ProfileRef::MemberId(s) => s,
        }
    }
}

/// Every key an invitation's other side is known by: public id, profile address and member id
/// (a provider may give one account's invitation a slug and another's only a member id).
pub fn person_keys(person: &Person) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut add = |k: String| {
        if !keys.contains(&k) {
            keys.push(k);
        }
    };
    if let Some(slug) = person.public_id.as_deref().map(str::trim) {
        if !slug.is_empty() && !slug.contains(char::is_whitespace) {
            for k in ProfileRef::PublicId(linkedin::decode_slug(slug)).keys() {
                add(k);
            }
        }
    }
    if let Some(slug) = person
        .profile_url
        .as_deref()
        .and_then(linkedin::profile_slug)
    {
        for k in ProfileRef::PublicId(slug).keys() {
            add(k);
        }
    }
    if let Some(id) = person.member_id.as_deref().map(str::trim) {
        let bare = id.rsplit(':').next().unwrap_or(id);
        if !bare.is_empty() {
            add(format!("id:{bare}"));
        }
    }
    keys
}

/// `ACoAA…` / `AEMAA…` (LinkedIn's opaque member ids) or a long number.
fn looks_like_member_id(text: &str) -> bool {
    let opaque = (text.starts_with("ACo") || text.starts_with("AEM"))
        && text.len() >= 20
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let numeric = text.len() >= 5 && text.len() <= 20 && text.chars().all(|c| c.is_ascii_digit());
    opaque || numeric
}

/// What a line names, or a sentence saying why it names no one.
pub fn parse_profile_ref(raw: &str) -> Result<ProfileRef, String> {
    let text = raw
        .trim()
        .trim_matches(|c| matches!(c, '"' | '\'' | '<' | '>'))
        .trim();
    if text.is_empty() {
        return Err("Empty.".into());
    }
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("urn:") {
        return member_urn(text);
    }
    if lower.contains("://") || lower.contains("linkedin.com") || lower.starts_with("www.") {
        return address(text);
    }
    if text.contains('@') {
        return Err(
            "An email address: LinkedIn profiles cannot be looked up by email. Use the profile \
             address."
                .into(),
        );
    }
    if text.contains(char::is_whitespace) {
        return Err(
            "Contains spaces, so it is not an id (a name?). Use the profile address, e.g. \
             https://www.linkedin.com/in/jane-doe."
                .into(),
        );
    }
    if looks_like_member_id(text) {
        return Ok(ProfileRef::MemberId(text.to_string()));
    }
    let slug = linkedin::decode_slug(text);
    let valid = (3..=100).contains(&slug.chars().count())
        && slug
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(ProfileRef::PublicId(slug))
    } else {
        Err(
            "Not a profile address, public id or member id (public ids are 3 to 100 letters, \
             digits and hyphens)."
                .into(),
        )
    }
}

fn member_urn(text: &str) -> Result<ProfileRef, String> {
    let mut parts = text.splitn(4, ':');
    let (_, li, kind, id) = (parts.next(), parts.next(), parts.next(), parts.next());
    let kind = kind.unwrap_or_default().to_ascii_lowercase();
    let id = id.unwrap_or_default().trim();
    let person_kind = matches!(
        kind.as_str(),
        "member" | "fsd_profile" | "fs_miniprofile" | "fs_profile" | "person"
    );
    if !li.is_some_and(|l| l.eq_ignore_ascii_case("li")) || !person_kind {
        return Err(format!(
            "A URN of another kind (urn:li:{kind}:…): only member URNs name a person \
             (urn:li:member:… or urn:li:fsd_profile:…)."
        ));
    }
    if id.is_empty() || id.contains([':', '/', ' ', ',']) {
        return Err("A member URN without a usable id after its last colon.".into());
    }
    Ok(ProfileRef::MemberId(id.to_string()))
}

fn address(text: &str) -> Result<ProfileRef, String> {
    let full = if text.contains("://") {
        text.to_string()
    } else {
        format!("https://{text}")
    };
    let Ok(url) = url::Url::parse(&full) else {
        return Err("Not a valid web address.".into());
    };
    let host = url.host_str().unwrap_or_default();
    if !linkedin::is_linkedin_host(host) {
        return Err(format!("Not a LinkedIn address ({host})."));
    }
    if let Some(slug) = linkedin::profile_slug(&full) {
        return Ok(ProfileRef::PublicId(slug));
    }
    let path = url.path().to_ascii_lowercase();
    let reason = if path.starts_with("/company/") || path.starts_with("/school/") {
        "A company or school page, not a person's profile."
    } else if path.starts_with("/sales/") {
        "A Sales Navigator link: open the profile on LinkedIn and copy its linkedin.com/in/ address."
    } else if path.starts_with("/pub/") {
        "An old /pub/ address: open it on LinkedIn and copy the linkedin.com/in/ address it leads to."
    } else if !matches!(url.scheme(), "http" | "https") {
        "Not a web address LinkedIn uses (http or https)."
    } else {
        "A LinkedIn address, but not a profile (profiles are linkedin.com/in/<id>)."
    };
    Err(reason.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(line: &str) -> String {
        parse_profile_ref(line)
            .unwrap_or_else(|e| panic!("{line}: {e}"))
            .key()
    }

    fn reason(line: &str) -> String {
        parse_profile_ref(line).expect_err(line)
    }

    #[test]
    fn every_spelling_of_a_profile_address_names_the_same_person() {
        for line in [
            "https://www.linkedin.com/in/jane-doe",
            "https://linkedin.com/in/jane-doe",
            "http://www.linkedin.com/in/jane-doe",
            "http://linkedin.com/in/jane-doe/",
            "https://www.linkedin.com/in/jane-doe/",
            "https://www.linkedin.com/in/jane-doe?trk=public_profile&originalSubdomain=fr",
            "https://www.linkedin.com/in/jane-doe/?utm_source=share#experience",
            "https://fr.linkedin.com/in/jane-doe",
            "https://m.linkedin.com/in/jane-doe",
            "https://de.linkedin.com/in/Jane-Doe/",
            "https://www.linkedin.com/fr/in/jane-doe",
            "https://www.linkedin.com/pt-br/in/jane-doe/",
            "https://www.linkedin.com/mwlite/in/jane-doe",
            "https://www.linkedin.com/in/jane-doe/en",
            "https://www.linkedin.com/in/jane-doe/details/experience/",
            "www.linkedin.com/in/jane-doe",
            "linkedin.com/in/JANE-DOE",
            "  <https://www.linkedin.com/in/jane-doe>  ",
            "\"https://www.linkedin.com/in/jane-doe\"",
            "HTTPS://WWW.LINKEDIN.COM/in/jane-doe",
            "jane-doe",
            "Jane-Doe",
        ] {
            assert_eq!(key(line), "in:jane-doe", "{line}");
        }
    }

    #[test]
    fn percent_encoded_unicode_slugs_are_compared_decoded_and_case_folded() {
        let encoded = key("https://www.linkedin.com/in/J%C3%A9r%C3%B4me-Martin-%C3%89");
        assert_eq!(encoded, "in:jérôme-martin-é");
        assert_eq!(key("jérôme-martin-É"), encoded);
        assert_eq!(key("J%C3%A9R%C3%94ME-martin-%C3%A9"), encoded);
        assert_eq!(key("https://fr.linkedin.com/in/jérôme-martin-é/"), encoded);
        assert_eq!(
            key("https://www.linkedin.com/in/%E5%BC%A0%E4%BC%9F-ab"),
            "in:张伟-ab"
        );
    }

    #[test]
    fn member_urns_and_member_ids() {
        assert_eq!(key("urn:li:member:123456789"), "id:123456789");
        assert_eq!(key("123456789"), "id:123456789");
        let fsd = "ACoAAA24A-MBVEvT49xpVF2gnWrhvmUIPDJshSM";
        assert_eq!(
            key(&format!("urn:li:fsd_profile:{fsd}")),
            format!("id:{fsd}")
        );
        assert_eq!(
            key(&format!("urn:li:fs_miniProfile:{fsd}")),
            format!("id:{fsd}")
        );
        assert_eq!(key(fsd), format!("id:{fsd}"));
        // Member ids are case-sensitive; slugs are not.
        assert_ne!(key(fsd), key(&fsd.to_lowercase()));
        // A profile address with a member id in it matches the member id too.
        let keys = parse_profile_ref(&format!("https://www.linkedin.com/in/{fsd}"))
            .unwrap()
            .keys();
        assert!(keys.contains(&format!("id:{fsd}")), "{keys:?}");
    }

    #[test]
    fn a_line_that_names_no_one_says_why() {
        assert!(reason("jane@example.com").contains("email address"));
        assert!(reason("Jane Doe").contains("Contains spaces"));
        assert!(
            reason("https://example.com/in/jane").contains("Not a LinkedIn address (example.com)")
        );
        assert!(reason("https://linkedin.com.evil.io/in/jane").contains("Not a LinkedIn address"));
        assert!(reason("https://www.linkedin.com/company/acme").contains("company or school page"));
        assert!(
            reason("https://www.linkedin.com/sales/lead/ACwAAB,NAME").contains("Sales Navigator")
        );
        assert!(reason("https://www.linkedin.com/pub/jane-doe/1/2/3").contains("/pub/"));
        assert!(reason("https://www.linkedin.com/feed/").contains("not a profile"));
        assert!(reason("https://www.linkedin.com/in/").contains("not a profile"));
        assert!(reason("urn:li:company:1234").contains("another kind"));
        assert!(reason("urn:li:member:").contains("without a usable id"));
        assert!(reason("ab").contains("3 to 100"));
        assert!(reason("jane/doe").contains("Not a profile address"));
        assert!(reason("   ").contains("Empty"));
    }

    #[test]
    fn a_person_is_known_by_all_their_keys() {
        let person = Person {
            name: "Jane".into(),
            public_id: Some("Jane-Doe".into()),
            profile_url: Some("https://www.linkedin.com/in/jane-doe-2".into()),
            member_id: Some("urn:li:fsd_profile:ACoAAX".into()),
            ..Default::default()
        };
        assert_eq!(
            person_keys(&person),
            vec!["in:jane-doe", "in:jane-doe-2", "id:ACoAAX"]
        );
    }
}
