//! Edges wire format (providers.md §2) and its mapping to `crate::model`.
//!
//! Every field is optional and decoded leniently: the vendor's pages disagree on types (ids are
//! strings in extract-sent, integers in the bulk-accept example; the date is `sent_date` or
//! `sent_time`), and one odd field must never fail a whole listing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::model::{
    Age, InvitationCategory, Person, ReceivedInvitation, RemoteAccount, SentInvitation,
};
use crate::providers::lenient::{non_empty, string_or_integer, urn_digits};

/// One identity of `GET /identities?retrieve_accounts=true`.
#[derive(Debug, Deserialize)]
pub(crate) struct Identity {
    #[serde(default, deserialize_with = "string_or_integer")]
    pub uid: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub name: Option<String>,
    /// `None` when the answer does not say (absent or `null`); `Some(vec![])` when it says
    /// "none".
    #[serde(default, deserialize_with = "accounts_if_reported")]
    pub accounts: Option<Vec<IdentityAccount>>,
    /// The platforms the identity is set up for (`["linkedin"]`), as `GET /identities/{uid}`
    /// shows them (providers.md §2.2, E7).
    #[serde(default, deserialize_with = "platform_names")]
    pub integrations: Vec<String>,
}

/// A platform account connected to an identity (`type: "linkedin"`, `status: ...`).
#[derive(Debug, Deserialize)]
pub(crate) struct IdentityAccount {
    #[serde(default, rename = "type", deserialize_with = "string_or_integer")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub status: Option<String>,
}

/// `accounts[]` when it is an array (entries that are not accounts are skipped); `None` for
/// `null` or anything else, which says nothing about the identity's accounts.
fn accounts_if_reported<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<IdentityAccount>>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(entries) => Some(
            entries
                .into_iter()
                .filter_map(|entry| serde_json::from_value(entry).ok())
                .collect(),
        ),
        _ => None,
    })
}

/// The text entries of `integrations`; anything else is no integration.
fn platform_names<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(entries) => entries
            .into_iter()
            .filter_map(|entry| entry.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    })
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

/// `None` for an identity without a `uid`: no action could run for it.
pub(crate) fn remote_account(identity: Identity) -> Option<RemoteAccount> {
    let id = non_empty(identity.uid.clone())?;
    let (status, usable) = linkedin_status(&identity);
    let name = non_empty(identity.name).unwrap_or_else(|| format!("Identity {id}"));
    Some(RemoteAccount {
        id,
        name,
        status,
        usable,
        picture_url: None,
        profile_url: None,
    })
}

/// The status shown for the identity's LinkedIn account, and whether actions can run with it.
fn linkedin_status(identity: &Identity) -> (String, bool) {
    let is_linkedin = |kind: &str| kind.trim().eq_ignore_ascii_case("linkedin");
    let Some(accounts) = &identity.accounts else {
        // Without `accounts` only `integrations` tells; a LinkedIn set up there is taken as
        // usable, like an unknown status: a real problem surfaces as `AUTH_EXPIRED` at once.
        return if identity.integrations.iter().any(|i| is_linkedin(i)) {
            ("unknown".into(), true)
        } else {
            ("no LinkedIn account".into(), false)
        };
    };
    match accounts
        .iter()
        .find(|a| a.kind.as_deref().is_some_and(is_linkedin))
    {
        None => ("no LinkedIn account".into(), false),
        Some(account) => {
            let status = non_empty(account.status.clone()).unwrap_or_else(|| "unknown".into());
            let normalised = status.to_ascii_lowercase().replace([' ', '-'], "_");
            let usable = !UNUSABLE_STATUSES.contains(&normalised.as_str());
            (status, usable)
        }
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

/// The URN and/or the secret (providers.md §2.3): both when known, either one alone otherwise.
#[derive(Debug, Serialize)]
pub(crate) struct AcceptInput<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linkedin_invitation_urn: Option<&'a str>,
    /// Named `linkedin_invitation_secret` here although the listing calls it `invitation_secret`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linkedin_invitation_secret: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ConnectInput<'a> {
    pub linkedin_profile_url: &'a str,
}

#[derive(Debug, Serialize)]
pub(crate) struct ConnectParameters<'a> {
    pub message: &'a str,
}

/// Whether a `linkedin-connect-profile` output says LinkedIn connected the two at once (it does
/// when the person had already invited this account) rather than leaving an invitation
/// pending. The output is read in its one-element array or bare; a flag of another type than a
/// boolean (or `"true"`) does not count.
pub(crate) fn connected_at_once(output: &Value) -> bool {
    let result = match output {
        Value::Array(items) => items.first(),
        other => Some(other),
    };
    let flag = |name: &str| {
        result.and_then(|r| r.get(name)).is_some_and(|v| {
            v.as_bool() == Some(true) || v.as_str().is_some_and(|s| s.trim() == "true")
        })
    };
    flag("connected") && !flag("pending")
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
        let accounts = accounts_of(page);
        assert_eq!(accounts[0].id, "123e4567-e89b-12d3-a456-426614174000");
        assert_eq!(accounts[0].name, "John Doe");
        assert_eq!(accounts[0].status, "connected");
        assert!(accounts[0].usable);

        let wrapped = json!({"data": [
            {"uid": "u1", "name": "A", "accounts": [{"type": "LinkedIn", "status": "DISCONNECTED"}]},
            {"uid": "u2", "name": null, "accounts": []}
        ], "total": 2});
        let page: ListPage<Identity> = serde_json::from_value(wrapped).unwrap();
        let accounts = accounts_of(page);
        assert!(!accounts[0].usable);
        assert_eq!(accounts[0].status, "DISCONNECTED");
        assert!(!accounts[1].usable);
        assert_eq!(accounts[1].status, "no LinkedIn account");
        assert_eq!(accounts[1].name, "Identity u2");
    }

    fn accounts_of(page: ListPage<Identity>) -> Vec<RemoteAccount> {
        page.into_vec()
            .into_iter()
            .filter_map(remote_account)
            .collect()
    }

    /// Audit 5: `"accounts": null` failed the whole page, so no identity could be added.
    #[test]
    fn null_or_odd_accounts_do_not_fail_the_identities() {
        let page: ListPage<Identity> = serde_json::from_value(json!([
            {"uid": "u1", "name": "Null accounts", "accounts": null},
            {"uid": "u2", "name": "Odd entries",
             "accounts": ["linkedin", null, {"type": "linkedin", "status": "connected"}]},
            {"uid": "u3", "name": "Object accounts", "accounts": {"linkedin": "connected"}},
            {"name": "No uid", "accounts": []},
        ]))
        .unwrap();
        let summary: Vec<_> = accounts_of(page)
            .into_iter()
            .map(|a| (a.id, a.status, a.usable))
            .collect();
        assert_eq!(
            summary,
            [
                ("u1".into(), "no LinkedIn account".into(), false),
                ("u2".into(), "connected".into(), true),
                ("u3".into(), "no LinkedIn account".into(), false),
            ]
        );
    }

    /// The identity object of `GET /identities/{uid}` (E7) has `integrations`, no `accounts`:
    /// LinkedIn set up there is offered, with its status unknown. An explicit `accounts: []`
    /// still means none is connected.
    #[test]
    fn integrations_stand_in_for_missing_accounts() {
        let page: ListPage<Identity> = serde_json::from_value(json!([
            {"uid": "123e4567-e89b-12d3-a456-426614174000", "created_at": "2023-10-01T12:00:00Z",
             "workspace_uid": "5678e456-e89b-12d3-a456-426614174001", "name": "John Doe",
             "type": "standard", "timezone": "Europe/Paris", "integrations": ["linkedin"]},
            {"uid": "u2", "name": "Reported none", "integrations": ["linkedin"], "accounts": []},
            {"uid": "u3", "name": "Other platform", "integrations": ["gmail", 3]},
        ]))
        .unwrap();
        let summary: Vec<_> = accounts_of(page)
            .into_iter()
            .map(|a| (a.name, a.status, a.usable))
            .collect();
        assert_eq!(
            summary,
            [
                ("John Doe".into(), "unknown".into(), true),
                ("Reported none".into(), "no LinkedIn account".into(), false),
                ("Other platform".into(), "no LinkedIn account".into(), false),
            ]
        );
    }

    #[test]
    fn connect_outputs_tell_a_pending_invitation_from_an_immediate_connection() {
        let output = |connected: Value, pending: Value| {
            json!([{"connected": connected, "pending": pending, "message": "",
                    "connection_sent_date": "2026-04-27T12:00:00Z"}])
        };
        assert!(!connected_at_once(&output(json!(false), json!(true))));
        assert!(connected_at_once(&output(json!(true), json!(false))));
        assert!(connected_at_once(&output(json!("true"), json!(null))));
        assert!(!connected_at_once(&output(json!(true), json!(true))));
        assert!(!connected_at_once(&output(json!(1), json!(false))));
        assert!(connected_at_once(&json!({"connected": true})));
        assert!(!connected_at_once(&json!([])));
        assert!(!connected_at_once(&json!({"ok": true})));
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
