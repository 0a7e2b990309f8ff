//! ConnectSafely wire format (providers.md §1) and its mapping to `crate::model`: unknown fields
//! ignored, open strings for statuses and categories.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::age::{parse_age, parse_timestamp};
use crate::linkedin::{canonical_profile_url, profile_slug};
use crate::model::{
    InvitationCategory, Limit, Person, ReceivedInvitation, RemoteAccount, SentInvitation,
};
use crate::providers::http::Reply;
use crate::providers::lenient::{self, non_empty};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Page<T> {
    #[serde(default)]
    pub success: Option<bool>,
    /// Required: every documented page has it (providers.md §1.3, old versions too). A 200
    /// without it (an error body, a wrapped `data` object) must not pass for an empty list, or
    /// a refresh would take every cached invitation as gone.
    pub invitations: Vec<T>,
    #[serde(default)]
    pub end_of_list: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireAccount {
    #[serde(deserialize_with = "lenient::required_id")]
    pub id: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub public_id: Option<String>,
    #[serde(default)]
    pub picture: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub api_seat_allocated: Option<bool>,
}

impl WireAccount {
    pub fn into_model(self) -> RemoteAccount {
        let status = self.status.unwrap_or_else(|| "UNKNOWN".into());
        let usable = self.enabled != Some(false)
            && self.api_seat_allocated != Some(false)
            && !status.eq_ignore_ascii_case("ERROR");
        let name = full_name(self.first_name.as_deref(), self.last_name.as_deref())
            .or_else(|| self.public_id.clone())
            .unwrap_or_else(|| self.id.clone());
        RemoteAccount {
            name,
            status,
            usable,
            picture_url: non_empty(self.picture),
            profile_url: non_empty(self.public_id).map(|p| canonical_profile_url(&p)),
            id: self.id,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireProfile {
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub headline: Option<String>,
    #[serde(default)]
    pub profile_url: Option<String>,
    #[serde(default)]
    pub public_identifier: Option<String>,
    #[serde(default)]
    pub profile_picture: Option<String>,
}

impl WireProfile {
    pub fn into_person(self, member_id: Option<String>, member_urn: Option<String>) -> Person {
        let profile_url = non_empty(self.profile_url);
        let public_id = non_empty(self.public_identifier)
            .or_else(|| profile_url.as_deref().and_then(profile_slug));
        let first_name = non_empty(self.first_name);
        let last_name = non_empty(self.last_name);
        let name = full_name(first_name.as_deref(), last_name.as_deref())
            .or_else(|| public_id.clone())
            .unwrap_or_default();
        Person {
            name,
            first_name,
            last_name,
            headline: non_empty(self.headline),
            profile_url,
            public_id,
            member_id: non_empty(member_id)
                .or_else(|| non_empty(member_urn).map(|u| bare_member_id(&u).to_string())),
            picture_url: non_empty(self.profile_picture),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireSent {
    #[serde(default, deserialize_with = "lenient::optional_id")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::optional_id")]
    pub invitation_id: Option<String>,
    #[serde(default)]
    pub invitation_urn: Option<String>,
    #[serde(default)]
    pub member_id: Option<String>,
    #[serde(default)]
    pub member_urn: Option<String>,
    #[serde(default)]
    pub sent_at: Option<String>,
    #[serde(default)]
    pub custom_message: Option<String>,
    #[serde(default)]
    pub profile: Option<WireProfile>,
}

impl WireSent {
    pub fn into_model(self, now: DateTime<Utc>) -> Option<SentInvitation> {
        let id = invitation_id(self.invitation_id, self.id, self.invitation_urn.as_deref());
        let Some(id) = id else {
            log::warn!("ConnectSafely: a sent invitation without an id was skipped");
            return None;
        };
        let sent_text = non_empty(self.sent_at);
        Some(SentInvitation {
            id,
            urn: non_empty(self.invitation_urn),
            person: self
                .profile
                .unwrap_or_default()
                .into_person(self.member_id, self.member_urn),
            category: InvitationCategory::Connection,
            age: sent_text
                .as_deref()
                .map_or(crate::model::Age::UNKNOWN, |t| parse_age(t, now)),
            sent_text,
            note: non_empty(self.custom_message),
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireReceived {
    #[serde(default, deserialize_with = "lenient::optional_id")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::optional_id")]
    pub invitation_id: Option<String>,
    #[serde(default)]
    pub invitation_urn: Option<String>,
    #[serde(default)]
    pub member_id: Option<String>,
    #[serde(default)]
    pub member_urn: Option<String>,
    #[serde(default)]
    pub invitation_category: Option<String>,
    #[serde(default)]
    pub linked_in_invitation_type: Option<String>,
    #[serde(default)]
    pub validation_token: Option<String>,
    #[serde(default)]
    pub received_at: Option<String>,
    #[serde(default)]
    pub custom_message: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub newsletter_name: Option<String>,
    #[serde(default)]
    pub event_name: Option<String>,
    #[serde(default)]
    pub profile: Option<WireProfile>,
}

impl WireReceived {
    pub fn into_model(self, now: DateTime<Utc>) -> Option<ReceivedInvitation> {
        let id = invitation_id(self.invitation_id, self.id, self.invitation_urn.as_deref());
        let Some(id) = id else {
            log::warn!("ConnectSafely: a received invitation without an id was skipped");
            return None;
        };
        let category = category(self.invitation_category.as_deref());
        let company = non_empty(self.company_name);
        let entity_name = match category {
            InvitationCategory::Newsletter => non_empty(self.newsletter_name).or(company),
            InvitationCategory::Organization => company,
            InvitationCategory::Event => non_empty(self.event_name).or(company),
            _ => None,
        };
        let received_text = non_empty(self.received_at);
        Some(ReceivedInvitation {
            id,
            urn: non_empty(self.invitation_urn),
            person: self
                .profile
                .unwrap_or_default()
                .into_person(self.member_id, self.member_urn),
            category,
            entity_name,
            note: non_empty(self.custom_message),
            mutual_connections: None,
            age: received_text
                .as_deref()
                .map_or(crate::model::Age::UNKNOWN, |t| parse_age(t, now)),
            received_text,
            accept_token: non_empty(self.validation_token),
            raw_type: non_empty(self.linked_in_invitation_type),
        })
    }
}

/// `GET /relationship/…` (providers.md §1.3), decoded so that an odd value in one field (a
/// `null`, a string) never fails the lookup that every send starts with.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireRelationship {
    #[serde(default, deserialize_with = "lenient_bool")]
    pub connected: Option<bool>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub invitation_sent: Option<bool>,
    /// Only `NOT_CONNECTED` is documented; other values are unknown (§6).
    #[serde(default)]
    pub status: Option<String>,
}

/// What `status` clearly says; anything else says nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RelationshipStatus {
    Connected,
    NotConnected,
    InvitationSent,
    Unknown,
}

impl WireRelationship {
    /// `connected`, else what `status` clearly says; `None` when neither tells.
    pub fn is_connected(&self) -> Option<bool> {
        self.connected.or(match self.relationship_status() {
            RelationshipStatus::Connected => Some(true),
            RelationshipStatus::NotConnected | RelationshipStatus::InvitationSent => Some(false),
            RelationshipStatus::Unknown => None,
        })
    }

    /// `invitationSent`, else `Some(true)` only when `status` names a sent invitation. Not
    /// knowing is `None`: the send then goes ahead and `/connect` itself refuses a duplicate.
    pub fn has_pending_invitation(&self) -> Option<bool> {
        self.invitation_sent.or(match self.relationship_status() {
            RelationshipStatus::InvitationSent => Some(true),
            _ => None,
        })
    }

    fn relationship_status(&self) -> RelationshipStatus {
        let normalised: String = self
            .status
            .as_deref()
            .unwrap_or_default()
            .trim()
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                c => c.to_ascii_uppercase(),
            })
            .collect();
        // Exact names only: "NOT_CONNECTED" contains "CONNECTED", and a bare "PENDING" does
        // not say which side invited.
        match normalised.as_str() {
            "CONNECTED" | "ALREADY_CONNECTED" => RelationshipStatus::Connected,
            "NOT_CONNECTED" => RelationshipStatus::NotConnected,
            "INVITATION_SENT" | "INVITE_SENT" | "SENT_INVITATION" | "PENDING_SENT" => {
                RelationshipStatus::InvitationSent
            }
            _ => RelationshipStatus::Unknown,
        }
    }
}

/// A boolean, or `"true"` / `"false"` as text; anything else (null included) is `None`.
fn lenient_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Bool(b) => Some(b),
        serde_json::Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

/// A count from a number or numeric text: a fraction is rounded; a negative, a non-number or
/// an absurd size is `None` (unknown), never zero, since `-1` often means "no limit".
fn lenient_count<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let number = match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    Ok(number
        .filter(|n| n.is_finite() && *n >= 0.0 && *n <= f64::from(u32::MAX))
        .map(|n| n.round() as u32))
}

#[derive(Deserialize)]
pub(crate) struct WireQuota {
    #[serde(default)]
    pub quotas: Vec<WireQuotaItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireQuotaItem {
    #[serde(default)]
    pub feature: Option<String>,
    #[serde(default)]
    pub window: Option<String>,
    #[serde(default, deserialize_with = "lenient_count")]
    pub used: Option<u32>,
    #[serde(default, deserialize_with = "lenient_count")]
    pub limit: Option<u32>,
    #[serde(default, deserialize_with = "lenient_count")]
    pub linkedin_limit: Option<u32>,
    #[serde(default, deserialize_with = "lenient_count")]
    pub remaining: Option<u32>,
    #[serde(default)]
    pub reset_at: Option<String>,
}

impl WireQuotaItem {
    pub fn into_model(self) -> Limit {
        let window = self.window.unwrap_or_default();
        let mut source = match window.as_str() {
            "" => "ConnectSafely limit".to_string(),
            w => format!("ConnectSafely {w} limit"),
        };
        if let Some(l) = self.linkedin_limit {
            source.push_str(&format!(" (LinkedIn allows {l})"));
        }
        Limit {
            action: self.feature.unwrap_or_else(|| "UNKNOWN".into()),
            remaining: self
                .remaining
                .or_else(|| Some(self.limit?.saturating_sub(self.used?))),
            used: self.used,
            limit: self.limit,
            resets_at: self
                .reset_at
                .as_deref()
                .and_then(parse_timestamp)
                .map(|t| t.to_rfc3339()),
            source,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WithdrawBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<&'a str>,
    pub profile_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RespondBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<&'a str>,
    pub action: &'a str,
    pub invitation_id: &'a str,
    pub validation_token: &'a str,
    #[serde(rename = "linkedInInvitationType")]
    pub linked_in_invitation_type: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConnectBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<&'a str>,
    pub profile_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_message: Option<&'a str>,
}

fn full_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let name = [first.unwrap_or(""), last.unwrap_or("")]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!name.is_empty()).then_some(name)
}

/// `invitationId`, else `id`, else the digits of the URN.
fn invitation_id(
    invitation_id: Option<String>,
    id: Option<String>,
    urn: Option<&str>,
) -> Option<String> {
    invitation_id.or(id).or_else(|| {
        let digits = urn?.rsplit(':').next()?;
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.to_string())
    })
}

fn category(raw: Option<&str>) -> InvitationCategory {
    match raw.map(str::to_ascii_uppercase).as_deref() {
        Some("CONNECTION") => InvitationCategory::Connection,
        Some("ORGANIZATION") => InvitationCategory::Organization,
        Some("NEWSLETTER") => InvitationCategory::Newsletter,
        Some("EVENT") => InvitationCategory::Event,
        Some("MEMBER_FOLLOW") => InvitationCategory::MemberFollow,
        None => InvitationCategory::Connection,
        Some(_) => InvitationCategory::Unknown,
    }
}

pub(crate) fn default_raw_type(category: InvitationCategory) -> String {
    let suffix = match category {
        InvitationCategory::Organization | InvitationCategory::Newsletter => "ORGANIZATION",
        InvitationCategory::Event => "EVENT",
        InvitationCategory::MemberFollow => "MEMBER_FOLLOW",
        InvitationCategory::Connection | InvitationCategory::Unknown => "CONNECTION",
    };
    format!("GenericInvitationType_{suffix}")
}

/// First and last name as ConnectSafely wants them; split the display name if needed.
pub(crate) fn inviter_names(person: &Person) -> (String, String) {
    match (&person.first_name, &person.last_name) {
        (Some(f), Some(l)) => (f.clone(), l.clone()),
        (Some(f), None) => (f.clone(), String::new()),
        _ => {
            let mut parts = person.name.splitn(2, ' ');
            let first = parts.next().unwrap_or_default().to_string();
            let last = parts.next().unwrap_or_default().to_string();
            (first, last)
        }
    }
}

/// `urn:li:fsd_profile:ACoAA…` → `ACoAA…`.
pub(crate) fn bare_member_id(member: &str) -> &str {
    member.rsplit(':').next().unwrap_or(member)
}

/// The `X-RateLimit-*` headers as a `Limit`, when present.
pub(crate) fn limit_from_headers(reply: &Reply) -> Option<Limit> {
    let num = |name: &str| {
        reply
            .header(name)
            .and_then(|v| v.trim().parse::<u32>().ok())
    };
    let limit = num("x-ratelimit-limit");
    let used = num("x-ratelimit-used");
    let remaining = num("x-ratelimit-remaining");
    if limit.is_none() && used.is_none() && remaining.is_none() {
        return None;
    }
    Some(Limit {
        action: reply
            .header("x-ratelimit-action")
            .map(str::to_string)
            .unwrap_or_else(|| "UNKNOWN".into()),
        used,
        limit,
        remaining,
        resets_at: reply
            .header("x-ratelimit-reset")
            .and_then(parse_timestamp)
            .map(|t| t.to_rfc3339()),
        source: "ConnectSafely rate-limit headers".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_are_open() {
        assert_eq!(category(Some("NEWSLETTER")), InvitationCategory::Newsletter);
        assert_eq!(
            category(Some("member_follow")),
            InvitationCategory::MemberFollow
        );
        assert_eq!(category(Some("SOMETHING_NEW")), InvitationCategory::Unknown);
        assert_eq!(category(None), InvitationCategory::Connection);
    }

    fn relationship(body: &str) -> WireRelationship {
        serde_json::from_str(body).expect("a relationship")
    }

    #[test]
    fn relationship_flags_win_and_status_fills_in_only_what_it_clearly_says() {
        let documented = relationship(
            r#"{"connected": false, "invitationSent": false, "status": "NOT_CONNECTED"}"#,
        );
        assert_eq!(documented.is_connected(), Some(false));
        assert_eq!(documented.has_pending_invitation(), Some(false));

        let pending = relationship(
            r#"{"connected": null, "invitationSent": null, "status": "invitation sent"}"#,
        );
        assert_eq!(pending.is_connected(), Some(false));
        assert_eq!(pending.has_pending_invitation(), Some(true));

        let connected = relationship(r#"{"invitationSent": null, "status": "CONNECTED"}"#);
        assert_eq!(connected.is_connected(), Some(true));

        for status in ["PENDING", "SOMETHING_NEW", ""] {
            let unknown = relationship(&format!(
                r#"{{"connected": null, "invitationSent": null, "status": "{status}"}}"#
            ));
            assert_eq!(unknown.is_connected(), None, "{status}");
            assert_eq!(unknown.has_pending_invitation(), None, "{status}");
        }
        let text = relationship(r#"{"connected": "true", "invitationSent": 1}"#);
        assert_eq!(text.is_connected(), Some(true));
        assert_eq!(text.has_pending_invitation(), None);
    }

    #[test]
    fn quota_numbers_are_read_leniently() {
        let item: WireQuotaItem = serde_json::from_str(
            r#"{"used": 12.6, "limit": "90", "linkedinLimit": -1, "remaining": -3.5}"#,
        )
        .expect("a quota item");
        assert_eq!(
            (item.used, item.limit, item.linkedin_limit, item.remaining),
            (Some(13), Some(90), None, None)
        );
        let limit = item.into_model();
        assert_eq!(limit.remaining, Some(77));
        let huge: WireQuotaItem =
            serde_json::from_str(r#"{"used": 1e30, "limit": null, "remaining": true}"#)
                .expect("a quota item");
        assert_eq!((huge.used, huge.limit, huge.remaining), (None, None, None));
    }

    #[test]
    fn a_page_needs_its_invitations() {
        let page = |body: &str| serde_json::from_str::<Page<WireSent>>(body);
        assert!(page(r#"{"error": "Something went wrong"}"#).is_err());
        assert!(page(r#"{"success": true, "data": {"invitations": []}}"#).is_err());
        assert!(page(r#"{"success": true, "invitations": null}"#).is_err());
        let empty = page(r#"{"success": true, "invitations": [], "endOfList": true}"#).unwrap();
        assert!(empty.invitations.is_empty());
    }

    #[test]
    fn ids_fall_back_to_urn_digits() {
        assert_eq!(
            invitation_id(None, None, Some("urn:li:invitation:7455301624689844224")).as_deref(),
            Some("7455301624689844224")
        );
        assert_eq!(
            invitation_id(None, None, Some("urn:li:invitation:abc")),
            None
        );
    }
}
