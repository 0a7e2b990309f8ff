//! Pure rules: row keys, person keys for the keep-list, and the age estimate.

use chrono::{DateTime, Utc};

use crate::linkedin;
use crate::model::{Age, Person};

/// The key of a row in the lists and plans: `"<accountId>/<invitationId>"`.
pub fn row_key(account_id: &str, invitation_id: &str) -> String {
    format!("{account_id}/{invitation_id}")
}

/// Splits a row key (`<account id>/<invitation id>`); account ids never contain `/`,
/// invitation ids may.
pub fn parse_row_key(key: &str) -> Option<(&str, &str)> {
    key.split_once('/')
        .filter(|(a, i)| !a.is_empty() && !i.is_empty())
}

/// A stable key for a person, from a public id, a profile URL or a member id, so that pinning
/// "this person" matches every invitation to them however the provider spelled it:
/// `in:<slug>` for vanity slugs (case-insensitive on LinkedIn), `id:<member id>` for member ids
/// (case-sensitive).
pub fn normalize_person_key(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    // Already a key: keep it as it is (lowercase for slugs).
    if let Some(id) = raw.strip_prefix("id:").filter(|r| !r.is_empty()) {
        return Some(format!("id:{id}"));
    }
    if let Some(slug) = raw.strip_prefix("in:").filter(|r| !r.is_empty()) {
        return Some(format!("in:{}", slug.to_lowercase()));
    }
    if raw.contains("linkedin.com/in/") {
        // A profile address, with or without its scheme (`linkedin.com/in/jane-doe#about`).
        let address = if raw.contains("://") {
            raw.to_string()
        } else {
            format!("https://{raw}")
        };
        return linkedin::profile_slug(&address).map(|slug| format!("in:{}", slug.to_lowercase()));
    }
    if raw.starts_with("urn:li:") {
        let id = raw.rsplit(':').next().unwrap_or("");
        return (!id.is_empty()).then(|| format!("id:{id}"));
    }
    if raw.contains('/') || raw.contains(' ') {
        return None;
    }
    // Member ids look like `ACoAAB…`; everything else is a vanity slug.
    if raw.starts_with("ACo") || raw.starts_with("AEM") {
        Some(format!("id:{raw}"))
    } else {
        Some(format!("in:{}", linkedin::decode_slug(raw).to_lowercase()))
    }
}

/// The person key of an invitation's other side: public id first, then profile URL, then
/// member id.
pub fn person_key(person: &Person) -> Option<String> {
    [
        person.public_id.as_deref(),
        person.profile_url.as_deref(),
        person.member_id.as_deref(),
    ]
    .into_iter()
    .flatten()
    .find_map(normalize_person_key)
}

fn whole_days(from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
    u32::try_from((to - from).num_days().max(0)).unwrap_or(u32::MAX)
}

/// The best age estimate for a cached invitation.
///
/// The provider's age was true when the list was fetched (`listed_at`), so it is moved forward
/// by the days since; the time since we first saw the invitation is a lower bound of its own.
/// The larger of the two wins. An age that comes only from "first seen" is a lower bound
/// (`exact: false`), and "first seen today" with no provider age stays unknown: a zero would
/// claim knowledge we do not have.
pub fn estimate_age(
    provider: Age,
    listed_at: DateTime<Utc>,
    first_seen_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Age {
    let provider_now = provider
        .days
        .map(|d| d.saturating_add(whole_days(listed_at, now)));
    let seen = whole_days(first_seen_at, now);
    match provider_now {
        Some(p) if seen > p => Age::at_least(seen),
        Some(p) => Age {
            days: Some(p),
            exact: provider.exact,
        },
        None if seen > 0 => Age::at_least(seen),
        None => Age::UNKNOWN,
    }
}

/// Whether an invitation matches "older than N days". Only the lower bound counts, so an
/// inexact age can never make an invitation look older than it is, and an unknown age never
/// matches. "Older than 30 days" includes invitations exactly 30 days old: LinkedIn's
/// "1 month ago" is read as at least 30 days and belongs in a 30-day clean-up.
pub fn is_at_least(age: Age, days: u32) -> bool {
    age.days.is_some_and(|d| d >= days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn row_keys_join_account_and_invitation() {
        assert_eq!(
            row_key("acc", "urn:li:invitation:1"),
            "acc/urn:li:invitation:1"
        );
    }

    #[test]
    fn person_keys_agree_across_spellings() {
        let k = Some("in:jane-doe".to_string());
        assert_eq!(normalize_person_key("jane-doe"), k);
        assert_eq!(normalize_person_key("Jane-Doe"), k);
        assert_eq!(
            normalize_person_key("https://www.linkedin.com/in/Jane-Doe/?trk=x"),
            k
        );
        assert_eq!(normalize_person_key("linkedin.com/in/jane-doe#about"), k);
        assert_eq!(normalize_person_key("in:jane-doe"), k);
        assert_eq!(
            normalize_person_key("https://www.linkedin.com/in/j%C3%A9r%C3%B4me"),
            Some("in:jérôme".into())
        );
        assert_eq!(
            normalize_person_key("urn:li:fsd_profile:ACoAABcdEF"),
            Some("id:ACoAABcdEF".into())
        );
        assert_eq!(
            normalize_person_key("ACoAABcdEF"),
            Some("id:ACoAABcdEF".into())
        );
        assert_eq!(
            normalize_person_key("id:ACoAABcdEF"),
            Some("id:ACoAABcdEF".into())
        );
        assert_eq!(normalize_person_key("  "), None);
        assert_eq!(normalize_person_key("https://example.com/x"), None);
    }

    #[test]
    fn person_key_prefers_public_id_then_url_then_member_id() {
        let mut p = Person {
            name: "Jane".into(),
            member_id: Some("ACoAAX".into()),
            ..Default::default()
        };
        assert_eq!(person_key(&p).as_deref(), Some("id:ACoAAX"));
        p.profile_url = Some("https://www.linkedin.com/in/jane-d".into());
        assert_eq!(person_key(&p).as_deref(), Some("in:jane-d"));
        p.public_id = Some("Jane-D".into());
        assert_eq!(person_key(&p).as_deref(), Some("in:jane-d"));
        assert_eq!(person_key(&Person::default()), None);
    }

    #[test]
    fn age_is_the_larger_of_provider_age_and_time_since_first_seen() {
        let now = Utc::now();
        let days = |n: i64| now - Duration::days(n);
        // Listed today as exactly 5 days: 5, exact.
        assert_eq!(estimate_age(Age::exact(5), now, now, now), Age::exact(5));
        // Listed 3 days ago as exactly 5 days: 8 now, still exact.
        assert_eq!(
            estimate_age(Age::exact(5), days(3), days(3), now),
            Age::exact(8)
        );
        // "1 week ago" (at least 7), first seen 20 days ago: at least 20.
        assert_eq!(
            estimate_age(Age::at_least(7), now, days(20), now),
            Age::at_least(20)
        );
        // Provider says more than first seen: keep the provider's bound.
        assert_eq!(
            estimate_age(Age::at_least(30), now, days(2), now),
            Age::at_least(30)
        );
        // Unknown age, first seen 4 days ago: at least 4.
        assert_eq!(
            estimate_age(Age::UNKNOWN, now, days(4), now),
            Age::at_least(4)
        );
        // Unknown age, first seen today: unknown, not zero.
        assert_eq!(estimate_age(Age::UNKNOWN, now, now, now), Age::UNKNOWN);
    }

    #[test]
    fn only_the_lower_bound_counts_and_unknown_never_matches() {
        assert!(is_at_least(Age::at_least(30), 30));
        assert!(is_at_least(Age::exact(31), 30));
        assert!(!is_at_least(Age::at_least(29), 30));
        assert!(!is_at_least(Age::UNKNOWN, 0));
    }
}
