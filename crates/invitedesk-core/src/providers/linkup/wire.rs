//! LinkupAPI v1 wire format (providers.md §3.1) and its mapping to `crate::model`.
//!
//! `invitation_id` is a 19-digit JSON number in the listings (a string in one old page): it is
//! decoded straight to `String` by `string_or_integer`, never through `f64`. The URN carries the
//! same digits as a string, which no float can have rounded, so it wins when the two disagree.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use super::PAGE_SIZE;
use crate::model::{InvitationCategory, Person, ReceivedInvitation, SentInvitation};
use crate::providers::lenient::{non_empty, string_or_integer, urn_digits};

/// Every v1 body carries the LinkedIn login token and the proxy country.
#[derive(Serialize)]
pub(crate) struct Envelope<'a, T: Serialize> {
    pub login_token: &'a str,
    pub country: &'a str,
    #[serde(flatten)]
    pub fields: T,
}

/// One page range of a listing. Only the page mode is used (`total_results` is never sent with
/// it: their precedence is undocumented).
#[derive(Debug, Serialize)]
pub(crate) struct PageRange<'a> {
    pub invitation_type: &'a str,
    pub start_page: u32,
    pub end_page: u32,
}

#[derive(Debug, Serialize)]
pub(crate) struct WithdrawBody<'a> {
    /// A string on the wire, although listings send a number.
    pub invitation_id: &'a str,
}

#[derive(Debug, Serialize)]
pub(crate) struct AcceptBody<'a> {
    pub shared_secret: &'a str,
    pub entity_urn: &'a str,
}

#[derive(Debug, Serialize)]
pub(crate) struct ConnectBody<'a> {
    pub linkedin_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
}

/// A listing answer (`{"status": "success", "data": {...}}`). An answer without `data`, or with
/// `"data": null`, does not decode, so it is read again: taken as an empty list, it would end
/// the listing complete and the refresh would drop every cached invitation as gone.
#[derive(Debug, Deserialize)]
pub(crate) struct ListAnswer {
    pub data: ListData,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListData {
    #[serde(default, deserialize_with = "string_or_integer")]
    pub total_available_results: Option<String>,
    /// Required: an answer without it says nothing about the list (taken as empty, it would end
    /// the listing complete and the refresh would drop every cached invitation); `null` is an
    /// empty list.
    #[serde(deserialize_with = "null_as_default")]
    pub invitations: Vec<Item>,
    /// Absent from the older received-list answer; anything but an object counts as absent.
    #[serde(default, deserialize_with = "object_or_none")]
    pub pagination: Option<Pagination>,
}

impl ListData {
    pub fn total_available(&self) -> Option<usize> {
        self.total_available_results.as_deref()?.parse().ok()
    }

    /// How many pages of a range of `asked` this answer covers: the pages its invitations fill
    /// (10 a page), at least one so reading moves on, at most those asked. Not the server's
    /// `pages_fetched`: a server saying it fetched more pages than its invitations fill may have
    /// skipped some, and reading a page again costs a credit where skipping it loses
    /// invitations.
    pub fn pages_covered(&self, asked: u32) -> u32 {
        let filled = self.invitations.len().div_ceil(PAGE_SIZE);
        u32::try_from(filled)
            .unwrap_or(u32::MAX)
            .clamp(1, asked.max(1))
    }

    /// The first page the server says it answered, when it says.
    pub fn answered_from(&self) -> Option<u32> {
        self.pagination.as_ref()?.start_page()
    }
}

/// `data.pagination` (`{start_page, end_page, results_per_page, pages_fetched}`): only where
/// the answer starts is read.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Pagination {
    #[serde(default, deserialize_with = "string_or_integer")]
    start_page: Option<String>,
}

impl Pagination {
    fn start_page(&self) -> Option<u32> {
        page_number(&self.start_page)
    }
}

fn page_number(field: &Option<String>) -> Option<u32> {
    field.as_deref()?.trim().parse().ok()
}

/// `null` reads as the empty value; a missing field still fails (no `default`).
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// An object of type `T`, else `None`, so an odd `pagination` never fails a listing.
fn object_or_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = Option::<serde_json::Value>::deserialize(d)?;
    Ok(value.and_then(|v| serde_json::from_value(v).ok()))
}

/// One invitation of `/network/sent-invitations` or `/network/invitations`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Item {
    #[serde(default, deserialize_with = "string_or_integer")]
    pub invitation_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub entity_urn: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub profile_url: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub subtitle: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub sent_time: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub shared_secret: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub shared_connections: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub invitation_state: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub invitation_type: Option<String>,
    #[serde(default, deserialize_with = "string_or_integer")]
    pub profile_picture: Option<String>,
}

impl Item {
    /// The URN's digits (a string, so never rounded) or else the numeric id.
    pub fn id(&self) -> Option<String> {
        let from_urn = self.entity_urn.as_deref().and_then(urn_digits);
        let given = non_empty(self.invitation_id.clone());
        if let (Some(u), Some(g)) = (&from_urn, &given) {
            if u != g {
                log::warn!("LinkupAPI: invitation_id and entity_urn disagree; using the URN");
            }
        }
        from_urn.or(given)
    }

    /// Listed invitations are pending; anything explicitly in another state is left out.
    pub fn is_pending(&self) -> bool {
        self.state_other_than_pending().is_none()
    }

    /// The state when it is given and is not `PENDING` (the other values are undocumented).
    pub fn state_other_than_pending(&self) -> Option<&str> {
        self.invitation_state
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("PENDING"))
    }

    fn person(&self) -> Person {
        let profile_url = non_empty(self.profile_url.clone());
        let public_id = profile_url
            .as_deref()
            .and_then(crate::linkedin::profile_slug);
        Person {
            name: non_empty(self.name.clone())
                .or(public_id.clone())
                .unwrap_or_else(|| "Unknown LinkedIn member".into()),
            first_name: None,
            last_name: None,
            headline: non_empty(self.subtitle.clone()),
            profile_url,
            public_id,
            member_id: None,
            picture_url: non_empty(self.profile_picture.clone()),
        }
    }

    /// The item's own type when it has one, else the type the page was asked for.
    fn raw_type(&self, requested: &str) -> String {
        non_empty(self.invitation_type.clone()).unwrap_or_else(|| requested.to_string())
    }
}

/// `CONNECTION` (people), `ORGANIZATION` (pages), `CONTENT_SERIES` (newsletters).
pub(crate) fn category(raw_type: &str) -> InvitationCategory {
    match raw_type.trim().to_ascii_uppercase().as_str() {
        "CONNECTION" => InvitationCategory::Connection,
        "ORGANIZATION" => InvitationCategory::Organization,
        "CONTENT_SERIES" | "NEWSLETTER" => InvitationCategory::Newsletter,
        "EVENT" => InvitationCategory::Event,
        _ => InvitationCategory::Unknown,
    }
}

/// `None` when the item has no id (nothing could be done with it) or is not pending.
pub(crate) fn sent_invitation(
    item: Item,
    requested_type: &str,
    now: DateTime<Utc>,
) -> Option<SentInvitation> {
    if !item.is_pending() {
        return None;
    }
    let id = item.id()?;
    let sent_text = non_empty(item.sent_time.clone());
    Some(SentInvitation {
        person: item.person(),
        category: category(&item.raw_type(requested_type)),
        age: sent_text
            .as_deref()
            .map_or(crate::model::Age::UNKNOWN, |t| {
                crate::age::parse_age(t, now)
            }),
        sent_text,
        urn: non_empty(item.entity_urn),
        note: non_empty(item.message),
        id,
    })
}

pub(crate) fn received_invitation(
    item: Item,
    requested_type: &str,
    now: DateTime<Utc>,
) -> Option<ReceivedInvitation> {
    if !item.is_pending() {
        return None;
    }
    let id = item.id()?;
    let received_text = non_empty(item.sent_time.clone());
    let raw_type = item.raw_type(requested_type);
    Some(ReceivedInvitation {
        person: item.person(),
        category: category(&raw_type),
        entity_name: None,
        mutual_connections: non_empty(item.shared_connections),
        age: received_text
            .as_deref()
            .map_or(crate::model::Age::UNKNOWN, |t| {
                crate::age::parse_age(t, now)
            }),
        received_text,
        accept_token: non_empty(item.shared_secret),
        raw_type: Some(raw_type),
        urn: non_empty(item.entity_urn),
        note: non_empty(item.message),
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Age;
    use chrono::TimeZone;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, 27, 12, 0, 0).unwrap()
    }

    /// providers.md §3.1, `POST /network/sent-invitations` 200, verbatim but for the picture.
    const SENT_EXAMPLE: &str = r#"{
      "status": "success",
      "data": {
        "total_results": 10,
        "total_available_results": 138,
        "invitations": [
          {
            "name": "Michelle Heppler",
            "profile_url": "https://www.linkedin.com/in/michelle-heppler",
            "subtitle": "Co-Founder & CCO at Unique AI | Financial Services Agentic AI | 🌍 New York",
            "sent_time": "Sent yesterday",
            "invitation_id": 7329176687475109888,
            "invitation_state": "PENDING",
            "message": null,
            "entity_urn": "urn:li:fsd_invitation:7329176687475109888",
            "profile_picture": "https://media.licdn.com/dms/image/v2/x",
            "invitation_type": "CONNECTION"
          }
        ],
        "pagination": {"start_page": 1, "end_page": 1, "results_per_page": 10, "pages_fetched": 1}
      }
    }"#;

    /// providers.md §3.1, newer `POST /network/invitations` 200.
    const RECEIVED_EXAMPLE: &str = r#"{
      "status": "success",
      "data": {
        "total_results": 20,
        "total_available_results": 36,
        "invitations": [
          {
            "name": "Sandrine BRUNET",
            "profile_url": "https://www.linkedin.com/in/sandrine-brunet-6a910b94",
            "subtitle": "Cost and Time killer",
            "sent_time": "1 week ago",
            "message": null,
            "invitation_id": 7331558767219683329,
            "shared_secret": "9gAd0GPh",
            "shared_connections": "13 mutual connections",
            "invitation_state": "PENDING",
            "entity_urn": "urn:li:fsd_invitation:7331558767219683329",
            "profile_picture": "https://media.licdn.com/dms/image/v2/y"
          }
        ],
        "pagination": {"start_page": 1, "end_page": 2, "results_per_page": 10, "pages_fetched": 2}
      }
    }"#;

    #[test]
    fn documented_sent_example_maps_exactly() {
        let answer: ListAnswer = serde_json::from_str(SENT_EXAMPLE).unwrap();
        let data = answer.data;
        assert_eq!(data.total_available(), Some(138));
        let item = data.invitations.into_iter().next().unwrap();
        let sent = sent_invitation(item, "CONNECTION", now()).unwrap();
        assert_eq!(sent.id, "7329176687475109888");
        assert_eq!(
            sent.urn.as_deref(),
            Some("urn:li:fsd_invitation:7329176687475109888")
        );
        assert_eq!(sent.person.name, "Michelle Heppler");
        assert_eq!(sent.person.public_id.as_deref(), Some("michelle-heppler"));
        assert!(sent.person.headline.unwrap().starts_with("Co-Founder"));
        assert_eq!(sent.sent_text.as_deref(), Some("Sent yesterday"));
        assert_eq!(sent.age, Age::exact(1));
        assert_eq!(sent.category, InvitationCategory::Connection);
        assert_eq!(sent.note, None);
    }

    #[test]
    fn documented_received_example_maps_exactly() {
        let answer: ListAnswer = serde_json::from_str(RECEIVED_EXAMPLE).unwrap();
        let item = answer.data.invitations.into_iter().next().unwrap();
        let got = received_invitation(item, "ORGANIZATION", now()).unwrap();
        assert_eq!(got.id, "7331558767219683329");
        assert_eq!(got.accept_token.as_deref(), Some("9gAd0GPh"));
        assert_eq!(
            got.mutual_connections.as_deref(),
            Some("13 mutual connections")
        );
        assert_eq!(got.age, Age::at_least(7));
        // No type on the item: the page's requested type decides.
        assert_eq!(got.category, InvitationCategory::Organization);
        assert_eq!(got.raw_type.as_deref(), Some("ORGANIZATION"));
    }

    #[test]
    fn old_version_with_string_id_and_old_urn_prefix() {
        let item: Item = serde_json::from_value(json!({
            "name": "Old Format", "invitation_id": "2906418534",
            "entity_urn": "urn:li:invitation:2906418534", "sent_time": "2 days ago",
            "shared_secret": "abc"
        }))
        .unwrap();
        let got = received_invitation(item, "CONNECTION", now()).unwrap();
        assert_eq!(got.id, "2906418534");
        assert_eq!(got.age, Age::exact(2));
    }

    #[test]
    fn the_urn_wins_over_a_rounded_number_and_fills_a_missing_id() {
        // What a float-based server would print for 7329176687475109888.
        let rounded = r#"{"invitation_id": 7329176687475110000,
                          "entity_urn": "urn:li:fsd_invitation:7329176687475109888"}"#;
        let item: Item = serde_json::from_str(rounded).unwrap();
        assert_eq!(item.id().as_deref(), Some("7329176687475109888"));
        let no_id: Item =
            serde_json::from_str(r#"{"entity_urn": "urn:li:fsd_invitation:42"}"#).unwrap();
        assert_eq!(no_id.id().as_deref(), Some("42"));
        let nothing: Item = serde_json::from_str(r#"{"name": "x"}"#).unwrap();
        assert!(sent_invitation(nothing, "CONNECTION", now()).is_none());
    }

    #[test]
    fn non_pending_items_are_left_out() {
        let item: Item = serde_json::from_value(json!({
            "invitation_id": 1u64, "invitation_state": "ACCEPTED"
        }))
        .unwrap();
        assert!(sent_invitation(item, "CONNECTION", now()).is_none());
    }

    #[test]
    fn a_null_list_is_empty_but_a_missing_or_null_data_is_unreadable() {
        let empty = |text: &str| serde_json::from_str::<ListAnswer>(text).unwrap().data;
        assert!(
            serde_json::from_str::<ListAnswer>(r#"{"status": "success", "data": null}"#).is_err()
        );
        let data = empty(r#"{"data": {"total_available_results": 3, "invitations": null}}"#);
        assert_eq!(
            (data.invitations.len(), data.total_available()),
            (0, Some(3))
        );
        assert!(serde_json::from_str::<ListAnswer>(r#"{"status": "success"}"#).is_err());
        // `data` without `invitations` (or not an object) lists nothing knowable either.
        assert!(serde_json::from_str::<ListAnswer>(r#"{"data": {}}"#).is_err());
        assert!(serde_json::from_str::<ListAnswer>(r#"{"data": []}"#).is_err());
    }

    #[test]
    fn an_answer_covers_the_pages_its_invitations_fill() {
        let data = |pagination: serde_json::Value, items: usize| ListData {
            invitations: (0..items).map(|_| Item::default()).collect(),
            pagination: serde_json::from_value(pagination).ok(),
            ..ListData::default()
        };
        // providers.md §3.1's example: 10 items for pages 2–6 is one page fetched.
        let one = json!({"start_page": 2, "end_page": 2, "pages_fetched": 1});
        assert_eq!(data(one, 10).pages_covered(5), 1);
        assert_eq!(data(json!(null), 25).pages_covered(5), 3);
        // A server claiming more pages than its invitations fill is not believed: the pages
        // after them are read again rather than skipped.
        assert_eq!(data(json!({"pages_fetched": 5}), 30).pages_covered(5), 3);
        // Never more than asked, never none.
        assert_eq!(data(json!(null), 70).pages_covered(5), 5);
        assert_eq!(data(json!({"pages_fetched": 0}), 0).pages_covered(5), 1);
        let odd: ListAnswer =
            serde_json::from_str(r#"{"data": {"invitations": [], "pagination": "n/a"}}"#).unwrap();
        assert_eq!(odd.data.answered_from(), None);
    }

    #[test]
    fn only_a_given_state_other_than_pending_leaves_an_item_out() {
        let state = |s: serde_json::Value| {
            serde_json::from_value::<Item>(json!({"invitation_state": s})).unwrap()
        };
        assert_eq!(
            state(json!("WITHDRAWN")).state_other_than_pending(),
            Some("WITHDRAWN")
        );
        for pending in [json!("pending"), json!(""), json!(null)] {
            assert!(state(pending).is_pending());
        }
    }

    #[test]
    fn categories() {
        assert_eq!(category("CONNECTION"), InvitationCategory::Connection);
        assert_eq!(category("ORGANIZATION"), InvitationCategory::Organization);
        assert_eq!(category("CONTENT_SERIES"), InvitationCategory::Newsletter);
        assert_eq!(category("something"), InvitationCategory::Unknown);
    }

    #[test]
    fn bodies_carry_token_country_and_string_ids() {
        let body = Envelope {
            login_token: "tok",
            country: "FR",
            fields: WithdrawBody {
                invitation_id: "7329176687475109888",
            },
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"login_token": "tok", "country": "FR",
                   "invitation_id": "7329176687475109888"})
        );
        let list = Envelope {
            login_token: "tok",
            country: "US",
            fields: PageRange {
                invitation_type: "CONTENT_SERIES",
                start_page: 2,
                end_page: 6,
            },
        };
        assert_eq!(
            serde_json::to_value(&list).unwrap(),
            json!({"login_token": "tok", "country": "US", "invitation_type": "CONTENT_SERIES",
                   "start_page": 2, "end_page": 6})
        );
    }
}
