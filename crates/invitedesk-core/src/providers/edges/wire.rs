//! Edges wire format (providers.md §2) and its mapping to `crate::model`.
//!
//! Every field is optional and decoded leniently: the vendor's pages disagree on types (ids are
//! strings in extract-sent, integers in the bulk-accept example; the date is `sent_date` or
//! `sent_time`), and one odd field must never fail a whole listing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{
    Age, InvitationCategory, Person, ReceivedInvitation, RemoteAccount, SentInvitation,
};
use crate::providers::lenient::{non_empty, string_or_integer, urn_digits};

/// One identity of `GET /identities?retrieve_accounts=true`.
#[derive(Debug, Deserialize)]
pub(crate) struct Identity {
    pub uid: String,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub name: Option<String>,
    #[serde(default)]
    pub accounts: Vec<IdentityAccount>,
}

/// A platform account connected to an identity (`type: "linkedin"`, `status: ...`).
#[derive(Debug, Deserialize)]
pub(crate) struct IdentityAccount {
    #[serde(default, rename = "type", deserialize_with = "string_or_integer")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub status: Option<String>,
}

/// A list answer: a bare array (what Edges documents for actions) or an object wrapping it
/// (`GET /identities` may be either: providers.md §6), so both are accepted.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum ListPage<T> {
    Bare(Vec<T>),
    Wrapped {
        #[serde(alias = "identities", alias = "items", alias = "results")]
        data: Vec<T>,
    },
}

impl<T> ListPage<T> {
    pub fn into_vec(self) -> Vec<T> {
        match self {
            ListPage::Bare(v) | ListPage::Wrapped { data: v } => v,
        }
    }
}

/// Status words that mean calls through the identity's LinkedIn account will fail. The list of
/// values is not documented; anything else (e.g. "connected") counts as usable, and a real
/// failure still surfaces as `AUTH_EXPIRED` on the first call.
const UNUSABLE_STATUSES: &[&str] = &[
    "disconnected",
    "not_connected",
    "expired",
    "auth_expired",
    "error",
    "invalid",
    "logged_out",
    "revoked",
    "inactive",
    "disabled",
    "paused",
];

pub(crate) fn remote_account(identity: Identity) -> RemoteAccount {
    let linkedin = identity.accounts.iter().find(|a| {
        a.kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case("linkedin"))
    });
    let (status, usable) = match linkedin {
        None => ("no LinkedIn account".to_string(), false),
        Some(account) => {
            let status = non_empty(account.status.clone()).unwrap_or_else(|| "unknown".into());
            let normalised = status.to_ascii_lowercase().replace([' ', '-'], "_");
            let usable = !UNUSABLE_STATUSES.contains(&normalised.as_str());
            (status, usable)
        }
    };
    let name = non_empty(identity.name).unwrap_or_else(|| format!("Identity {}", identity.uid));
    RemoteAccount {
        id: identity.uid,
        name,
        status,
        usable,
        picture_url: None,
        profile_url: None,
    }
}

/// One item of `linkedin-extract-sent-invitations` or `linkedin-extract-received-invitations`
/// (the bulk-accept output has the same shape). Sent items use `job_title`, received ones
/// `title`, `message` and `invitation_secret`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct InvitationItem {
    #[serde(default, deserialize_with = "string_or_integer")]
    pub linkedin_invitation_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub linkedin_invitation_urn: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub sent_date: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub sent_time: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub linkedin_profile_url: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub linkedin_profile_handle: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub linkedin_profile_image_url: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub job_title: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub invitation_secret: Option<String>,
}

impl InvitationItem {
    /// The invitation id, or the digits of its URN when the id is missing or was not exact.
    fn id(&self) -> Option<String> {
        non_empty(self.linkedin_invitation_id.clone())
            .or_else(|| self.linkedin_invitation_urn.as_deref().and_then(urn_digits))
    }

    /// The raw date text and the age it gives. `sent_date` (extract actions) wins over
    /// `sent_time` (bulk accept). A bare integer is taken as a Unix time (s or ms).
    fn when(&self, now: DateTime<Utc>) -> (Option<String>, Age) {
        let Some(text) = non_empty(self.sent_date.clone()).or(non_empty(self.sent_time.clone()))
        else {
            return (None, Age::UNKNOWN);
        };
        let age = match unix_time(&text) {
            Some(at) => crate::age::age_since(at, now),
            None => crate::age::parse_age(&text, now),
        };
        (Some(text), age)
    }

    fn person(&self, headline: Option<String>) -> Person {
        let first_name = non_empty(self.first_name.clone());
        let last_name = non_empty(self.last_name.clone());
        let profile_url = non_empty(self.linkedin_profile_url.clone());
        let public_id = non_empty(self.linkedin_profile_handle.clone()).or_else(|| {
            profile_url
                .as_deref()
                .and_then(crate::linkedin::profile_slug)
        });
        let joined = [first_name.as_deref(), last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let name = non_empty(self.full_name.clone())
            .or(non_empty(Some(joined)))
            .or(public_id.clone())
            .unwrap_or_else(|| "Unknown LinkedIn member".into());
        Person {
            name,
            first_name,
            last_name,
            headline,
            profile_url,
            public_id,
            member_id: None,
            picture_url: non_empty(self.linkedin_profile_image_url.clone()),
        }
    }
}

/// Seconds or milliseconds since 1970, when `text` is only digits.
fn unix_time(text: &str) -> Option<DateTime<Utc>> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = text.parse().ok()?;
    // 100 billion seconds is year 5138: anything larger is milliseconds.
    if n >= 100_000_000_000 {
        DateTime::from_timestamp_millis(n)
    } else {
        DateTime::from_timestamp(n, 0)
    }
}

/// Edges outputs carry no invitation type (providers.md §2.3). Every item describes a person
/// (profile URL, names), and the action is LinkedIn's "people" invitations list, so they are
/// shown as connection invitations. [inferred]
const EDGES_CATEGORY: InvitationCategory = InvitationCategory::Connection;

/// `None` when the item has neither an id nor a URN: nothing could be done with it.
pub(crate) fn sent_invitation(item: InvitationItem, now: DateTime<Utc>) -> Option<SentInvitation> {
    let id = item.id()?;
    let (sent_text, age) = item.when(now);
    let headline = non_empty(item.job_title.clone()).or(non_empty(item.title.clone()));
    Some(SentInvitation {
        person: item.person(headline),
        urn: non_empty(item.linkedin_invitation_urn),
        id,
        category: EDGES_CATEGORY,
        sent_text,
        age,
        note: non_empty(item.message),
    })
}

pub(crate) fn received_invitation(
    item: InvitationItem,
    now: DateTime<Utc>,
) -> Option<ReceivedInvitation> {
    let id = item.id()?;
    let (received_text, age) = item.when(now);
    let headline = non_empty(item.title.clone()).or(non_empty(item.job_title.clone()));
    Some(ReceivedInvitation {
        person: item.person(headline),
        urn: non_empty(item.linkedin_invitation_urn),
        id,
        category: EDGES_CATEGORY,
        entity_name: None,
        note: non_empty(item.message),
        mutual_connections: None,
        received_text,
        age,
        accept_token: non_empty(item.invitation_secret),
        raw_type: None,
    })
}

/// The live-run body: `input` is a single object (never `inputs`, which live endpoints reject
/// with a 400) and invitation actions need exactly one identity in `direct` mode.
#[derive(Debug, Serialize)]
pub(crate) struct LiveRun<'a, I: Serialize> {
    pub identity_ids: [&'a str; 1],
    pub identity_mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<I>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<ConnectParameters<'a>>,
}

impl<'a, I: Serialize> LiveRun<'a, I> {
    pub fn new(identity: &'a str, input: Option<I>) -> Self {
        LiveRun {
            identity_ids: [identity],
            identity_mode: "direct",
            input,
            parameters: None,
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct WithdrawInput<'a> {
    pub linkedin_invitation_urn: &'a str,
    /// Optional; third-party code sends "CONNECTION" (providers.md §2.3).
    pub linkedin_invitation_type: &'static str,
}

#[derive(Debug, Serialize)]
pub(crate) struct AcceptInput<'a> {
    pub linkedin_invitation_urn: &'a str,
    /// Named `linkedin_invitation_secret` here although the listing calls it `invitation_secret`.
    pub linkedin_invitation_secret: &'a str,
}

#[derive(Debug, Serialize)]
pub(crate) struct ConnectInput<'a> {
    pub linkedin_profile_url: &'a str,
}

#[derive(Debug, Serialize)]
pub(crate) struct ConnectParameters<'a> {
    pub message: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, 27, 12, 0, 0).unwrap()
    }

    #[test]
    fn documented_sent_placeholder_decodes() {
        // providers.md §2.3, extract-sent 200 body (vendor placeholders).
        let body = json!([{
            "linkedin_invitation_id": "<string>",
            "linkedin_invitation_urn": "<string>",
            "sent_date": "<string>",
            "linkedin_profile_url": "<string>",
            "job_title": "<string>",
            "full_name": "<string>",
            "first_name": "<string>",
            "last_name": "<string>",
            "sales_navigator_profile_id": "<string>",
            "linkedin_profile_id": 123
        }]);
        let items: Vec<InvitationItem> = serde_json::from_value(body).unwrap();
        let sent = sent_invitation(items.into_iter().next().unwrap(), now()).unwrap();
        assert_eq!(sent.id, "<string>");
        assert_eq!(
            sent.age,
            Age::UNKNOWN,
            "an unknown date format is not an error"
        );
        assert_eq!(sent.sent_text.as_deref(), Some("<string>"));
    }

    #[test]
    fn realistic_sent_item_maps_every_field() {
        let item: InvitationItem = serde_json::from_value(json!({
            "linkedin_invitation_id": "7329176687475109888",
            "linkedin_invitation_urn": "urn:li:fsd_invitation:7329176687475109888",
            "sent_date": "2026-04-20T09:00:00Z",
            "linkedin_profile_url": "https://www.linkedin.com/in/michelle-heppler",
            "job_title": "Co-Founder & CCO",
            "full_name": "Michelle Heppler",
            "first_name": "Michelle",
            "last_name": "Heppler",
            "sales_navigator_profile_id": "ACwAAA",
            "linkedin_profile_id": 987654321
        }))
        .unwrap();
        let sent = sent_invitation(item, now()).unwrap();
        assert_eq!(sent.id, "7329176687475109888");
        assert_eq!(
            sent.urn.as_deref(),
            Some("urn:li:fsd_invitation:7329176687475109888")
        );
        assert_eq!(sent.age, Age::exact(7));
        assert_eq!(sent.person.name, "Michelle Heppler");
        assert_eq!(sent.person.headline.as_deref(), Some("Co-Founder & CCO"));
        assert_eq!(sent.person.public_id.as_deref(), Some("michelle-heppler"));
        assert_eq!(sent.category, InvitationCategory::Connection);
    }

    #[test]
    fn integer_ids_keep_all_nineteen_digits() {
        // The bulk-accept example sends the id as an integer and the date as `sent_time`.
        let body = r#"[{"linkedin_invitation_id": 7331558767219683329,
                        "linkedin_invitation_urn": "urn:li:fsd_invitation:7331558767219683329",
                        "message": "Hello!", "sent_time": "2023-11-07T05:31:56Z",
                        "invitation_secret": "9gAd0GPh", "linkedin_profile_handle": "sandrine",
                        "title": "Cost killer", "full_name": "Sandrine Brunet",
                        "linkedin_profile_id": 123}]"#;
        let items: Vec<InvitationItem> = serde_json::from_str(body).unwrap();
        let got = received_invitation(items.into_iter().next().unwrap(), now()).unwrap();
        assert_eq!(got.id, "7331558767219683329");
        assert_eq!(got.accept_token.as_deref(), Some("9gAd0GPh"));
        assert_eq!(got.note.as_deref(), Some("Hello!"));
        assert_eq!(got.person.headline.as_deref(), Some("Cost killer"));
        assert_eq!(got.person.public_id.as_deref(), Some("sandrine"));
        assert_eq!(got.received_text.as_deref(), Some("2023-11-07T05:31:56Z"));
        assert!(got.age.exact && got.age.days.unwrap() > 900);
    }

    #[test]
    fn missing_id_falls_back_to_urn_digits_and_no_key_at_all_is_skipped() {
        let item: InvitationItem = serde_json::from_value(json!({
            "linkedin_invitation_id": null,
            "linkedin_invitation_urn": "urn:li:fsd_invitation:7000000000000000001",
            "full_name": "A B"
        }))
        .unwrap();
        assert_eq!(
            sent_invitation(item, now()).unwrap().id,
            "7000000000000000001"
        );
        let nothing: InvitationItem = serde_json::from_value(json!({"full_name": "A B"})).unwrap();
        assert!(sent_invitation(nothing, now()).is_none());
    }

    #[test]
    fn unix_times_and_relative_text_give_ages() {
        let at = now() - chrono::Duration::days(3);
        for raw in [
            at.timestamp().to_string(),
            at.timestamp_millis().to_string(),
        ] {
            let item: InvitationItem = serde_json::from_value(json!({
                "linkedin_invitation_id": "1", "sent_date": raw.parse::<u64>().unwrap()
            }))
            .unwrap();
            assert_eq!(sent_invitation(item, now()).unwrap().age, Age::exact(3));
        }
        let item: InvitationItem = serde_json::from_value(json!({
            "linkedin_invitation_id": "1", "sent_date": "2 weeks ago"
        }))
        .unwrap();
        assert_eq!(sent_invitation(item, now()).unwrap().age, Age::at_least(14));
    }

    #[test]
    fn odd_field_types_do_not_fail_the_listing() {
        let body = r#"[{"linkedin_invitation_id": "5", "full_name": {"weird": true},
                        "sent_date": 1.5, "job_title": ["x"], "first_name": "Ann",
                        "last_name": "Lee"}]"#;
        let items: Vec<InvitationItem> = serde_json::from_str(body).unwrap();
        let sent = sent_invitation(items.into_iter().next().unwrap(), now()).unwrap();
        assert_eq!(sent.person.name, "Ann Lee");
        assert_eq!(sent.age, Age::UNKNOWN);
    }

    #[test]
    fn identities_bare_or_wrapped() {
        let bare = json!([{
            "uid": "123e4567-e89b-12d3-a456-426614174000",
            "name": "John Doe",
            "accounts": [{"type": "linkedin", "status": "connected"}]
        }]);
        let page: ListPage<Identity> = serde_json::from_value(bare).unwrap();
        let accounts: Vec<_> = page.into_vec().into_iter().map(remote_account).collect();
        assert_eq!(accounts[0].id, "123e4567-e89b-12d3-a456-426614174000");
        assert_eq!(accounts[0].name, "John Doe");
        assert_eq!(accounts[0].status, "connected");
        assert!(accounts[0].usable);

        let wrapped = json!({"data": [
            {"uid": "u1", "name": "A", "accounts": [{"type": "LinkedIn", "status": "DISCONNECTED"}]},
            {"uid": "u2", "name": null, "accounts": []}
        ], "total": 2});
        let page: ListPage<Identity> = serde_json::from_value(wrapped).unwrap();
        let accounts: Vec<_> = page.into_vec().into_iter().map(remote_account).collect();
        assert!(!accounts[0].usable);
        assert_eq!(accounts[0].status, "DISCONNECTED");
        assert!(!accounts[1].usable);
        assert_eq!(accounts[1].status, "no LinkedIn account");
        assert_eq!(accounts[1].name, "Identity u2");
    }

    #[test]
    fn live_body_has_input_object_and_one_direct_identity() {
        let body = LiveRun::new(
            "44444444-4444-4444-4444-444444444444",
            Some(WithdrawInput {
                linkedin_invitation_urn: "urn:li:fsd_invitation:1",
                linkedin_invitation_type: "CONNECTION",
            }),
        );
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({
                "identity_ids": ["44444444-4444-4444-4444-444444444444"],
                "identity_mode": "direct",
                "input": {"linkedin_invitation_urn": "urn:li:fsd_invitation:1",
                          "linkedin_invitation_type": "CONNECTION"}
            })
        );
        let list = LiveRun::<()>::new("u", None);
        assert_eq!(
            serde_json::to_value(&list).unwrap(),
            json!({"identity_ids": ["u"], "identity_mode": "direct"})
        );
    }
}
