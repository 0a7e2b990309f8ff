//! ConnectSafely client (providers.md §1): wire types, their mapping to `crate::model`, and the
//! provider's error wording.
//!
//! - Bearer auth; every call takes the optional `accountId` (the key's default account if unset).
//! - Listings page by item offset (`startIndex`, 10 per page) and stop on `endOfList: true`, or
//!   on an empty page when `endOfList` is absent (older API versions). A 502
//!   `INVITATIONS_UNAVAILABLE` is retried by the shared read loop.
//! - Withdrawal is keyed by the person (`profileId` = vanity slug). "No pending invitation" means
//!   someone already withdrew it or it was answered: `WriteOutcome::AlreadyGone`.
//! - Before sending a connection request the relationship is checked, so an existing connection or
//!   pending invitation is reported without a write.
//! - Writes whose answer is lost are checked (relationship, or the received list) before one
//!   more try: see `http::Client::write`.

use std::collections::HashSet;
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::http::{self, Call, Failure, HttpConfig, Raw, Reply};
use super::lenient::{self, non_empty};
use super::notes::note_problem;
use super::{
    InvitationProvider, ListingEvent, PageProgress, PageRef, ProviderConfig, ProviderError,
};
use crate::age::{parse_age, parse_timestamp};
use crate::error::ErrorKind;
use crate::linkedin::{canonical_profile_url, profile_slug};
use crate::model::{
    Capabilities, InvitationCategory, Limit, NewInvitation, Person, ProviderKind,
    ReceivedInvitation, RemoteAccount, Response, SentInvitation, WriteOutcome,
};

/// Longest note LinkedIn (and ConnectSafely) accept on a connection request, in UTF-16 units
/// (`notes::note_counting`).
pub const MAX_NOTE_CHARS: usize = 300;

/// A runaway guard: 10 items per page, so this is 50,000 invitations.
const MAX_PAGES: usize = 5_000;

pub struct ConnectSafely {
    http: http::Client,
    account_id: Option<String>,
    /// The last `X-RateLimit-*` headers seen, a fallback for `limits()`.
    last_rate_headers: Mutex<Option<Limit>>,
}

impl ConnectSafely {
    pub fn new(config: ProviderConfig) -> Result<Self, ProviderError> {
        Self::with_http_config(config, HttpConfig::default())
    }

    /// As `new`, with explicit timeouts and retry policy (tests use `HttpConfig::fast_test`).
    pub fn with_http_config(
        config: ProviderConfig,
        http_config: HttpConfig,
    ) -> Result<Self, ProviderError> {
        let http = http::Client::new(
            ProviderKind::ConnectSafely,
            &config.base_url,
            http::Auth::Bearer(config.api_key),
            http_config,
            classify,
        )?;
        Ok(ConnectSafely {
            http,
            account_id: config.remote_account_id.filter(|s| !s.trim().is_empty()),
            last_rate_headers: Mutex::new(None),
        })
    }

    fn get(&self, path: &str) -> Call {
        let call = Call::get(path);
        match &self.account_id {
            Some(id) => call.query("accountId", id),
            None => call,
        }
    }

    /// A read decoded inside the retry loop (see `http::Client::read_json`).
    async fn read_json<T: DeserializeOwned>(&self, call: Call) -> Result<T, ProviderError> {
        let (reply, value) = self.http.read_json(call).await?;
        self.note_rate_headers(&reply);
        Ok(value)
    }

    fn note_rate_headers(&self, reply: &Reply) {
        if let Some(limit) = limit_from_headers(reply) {
            if let Ok(mut last) = self.last_rate_headers.lock() {
                *last = Some(limit);
            }
        }
    }

    /// Pages through a listing until its end.
    async fn paginate<T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        progress: PageProgress<'_>,
    ) -> Result<Vec<T>, ProviderError> {
        let mut items: Vec<T> = Vec::new();
        let mut start = 0usize;
        for page_number in 1..=MAX_PAGES {
            let call = self.get(path).query("startIndex", start);
            let (reply, page): (Reply, Page<T>) = self
                .http
                .read_page(call, PageRef::one(page_number as u32), progress)
                .await?;
            self.note_rate_headers(&reply);
            if page.success == Some(false) {
                return Err(reply.unexpected("a listing marked as failed"));
            }
            let got = page.invitations.len();
            items.extend(page.invitations);
            progress(ListingEvent::page(items.len(), None));
            match (page.end_of_list, got) {
                (Some(true), _) | (None, 0) => return Ok(items),
                (Some(false), 0) => {
                    // Asking again at the same offset would loop forever.
                    return Err(ProviderError::new(
                        ErrorKind::ProviderUnavailable,
                        "LinkedIn returned an empty page in the middle of the list through \
                         ConnectSafely. Try again in a few minutes.",
                    ));
                }
                _ => start += got,
            }
        }
        Err(ProviderError::new(
            ErrorKind::UnexpectedResponse,
            "ConnectSafely kept sending pages without an end. Try again later.",
        ))
    }

    /// Every invitation of a listing in the model's terms, each id once (the list can shift
    /// while it is read: the first copy is kept).
    async fn list<W: for<'de> Deserialize<'de>, T>(
        &self,
        path: &str,
        progress: PageProgress<'_>,
        into_model: fn(W, DateTime<Utc>) -> Option<T>,
        id: fn(&T) -> &String,
    ) -> Result<Vec<T>, ProviderError> {
        let wire: Vec<W> = self.paginate(path, progress).await?;
        let now = Utc::now();
        let mut seen = HashSet::new();
        Ok(wire
            .into_iter()
            .filter_map(|w| into_model(w, now))
            .filter(|i| seen.insert(id(i).clone()))
            .collect())
    }

    /// A write answered with a 2xx: the answer's rate headers are noted; it is done only when
    /// the body is ConnectSafely's JSON and does not say `"success": false`.
    fn finish_write(&self, reply: Reply) -> Result<WriteOutcome, ProviderError> {
        self.note_rate_headers(&reply);
        check_success(&reply)?;
        Ok(WriteOutcome::Done)
    }

    fn relationship_path(&self, slug: &str) -> String {
        let slug = encode_segment(slug);
        match &self.account_id {
            Some(id) => format!("/relationship/{}/{slug}", encode_segment(id)),
            None => format!("/relationship/{slug}"),
        }
    }

    async fn relationship(&self, slug: &str) -> Result<WireRelationship, ProviderError> {
        self.read_json(Call::get(self.relationship_path(slug)))
            .await
    }

    async fn default_account_id(&self) -> Result<String, ProviderError> {
        if let Some(id) = &self.account_id {
            return Ok(id.clone());
        }
        let status: WireAccount = self.read_json(Call::get("/account/status")).await?;
        Ok(status.id)
    }
}

#[async_trait]
impl InvitationProvider for ConnectSafely {
    fn kind(&self) -> ProviderKind {
        ProviderKind::ConnectSafely
    }

    fn capabilities(&self) -> Capabilities {
        super::capabilities_of(ProviderKind::ConnectSafely)
    }

    async fn list_accounts(&self) -> Result<Vec<RemoteAccount>, ProviderError> {
        let accounts: Vec<WireAccount> = self.read_json(Call::get("/accounts")).await?;
        Ok(accounts.into_iter().map(WireAccount::into_model).collect())
    }

    async fn list_sent(
        &self,
        progress: PageProgress<'_>,
    ) -> Result<Vec<SentInvitation>, ProviderError> {
        self.list("/invitations/sent", progress, WireSent::into_model, |i| {
            &i.id
        })
        .await
    }

    async fn withdraw(&self, invitation: &SentInvitation) -> Result<WriteOutcome, ProviderError> {
        let slug = invitation
            .person
            .public_id
            .clone()
            .filter(|s| !s.is_empty())
            .or_else(|| {
                invitation
                    .person
                    .profile_url
                    .as_deref()
                    .and_then(profile_slug)
            })
            .ok_or_else(|| {
                ProviderError::new(
                    ErrorKind::InvalidInput,
                    "This invitation has no LinkedIn profile address, which ConnectSafely needs \
                     to withdraw it. Refresh the list and try again.",
                )
            })?;
        let body = WithdrawBody {
            account_id: self.account_id.as_deref(),
            profile_id: &slug,
        };
        let call = Call::post("/invitations/withdraw", &body);
        match self.http.write(call).await {
            Ok(written) => self.finish_write(written),
            Err(e) if e.kind == ErrorKind::NoPendingInvitation => Ok(WriteOutcome::AlreadyGone),
            Err(e) => Err(e),
        }
    }

    async fn list_received(
        &self,
        progress: PageProgress<'_>,
    ) -> Result<Vec<ReceivedInvitation>, ProviderError> {
        self.list(
            "/invitations/received",
            progress,
            WireReceived::into_model,
            |i| &i.id,
        )
        .await
    }

    async fn respond(
        &self,
        invitation: &ReceivedInvitation,
        response: Response,
    ) -> Result<WriteOutcome, ProviderError> {
        let token = invitation
            .accept_token
            .as_deref()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ProviderError::new(
                    ErrorKind::InvalidInput,
                    "This invitation has no validation token, which ConnectSafely needs to \
                     answer it. Refresh the list and try again.",
                )
            })?;
        let raw_type = invitation
            .raw_type
            .clone()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| default_raw_type(invitation.category));
        let (first, last) = inviter_names(&invitation.person);
        let member_id = invitation
            .person
            .member_id
            .as_deref()
            .map(bare_member_id)
            .filter(|m| !m.is_empty());
        let body = RespondBody {
            account_id: self.account_id.as_deref(),
            action: match response {
                Response::Accept => "ACCEPT",
                Response::Ignore => "IGNORE",
            },
            invitation_id: &invitation.id,
            validation_token: token,
            linked_in_invitation_type: &raw_type,
            first_name: &first,
            last_name: &last,
            profile_id: member_id,
        };
        let call = Call::post("/invitations/received/respond", &body);
        match self.http.write(call).await {
            Ok(written) => self.finish_write(written),
            Err(e) if e.kind == ErrorKind::NoPendingInvitation => Ok(WriteOutcome::AlreadyGone),
            Err(e) => Err(e),
        }
    }

    async fn send_invitation(
        &self,
        request: &NewInvitation,
    ) -> Result<WriteOutcome, ProviderError> {
        let note = request
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if let Some(problem) = note.and_then(|n| note_problem(ProviderKind::ConnectSafely, n)) {
            return Err(ProviderError::new(ErrorKind::InvalidInput, problem));
        }
        let slug = profile_slug(&request.profile_url).ok_or_else(|| {
            ProviderError::new(
                ErrorKind::InvalidInput,
                format!(
                    "{:?} is not a LinkedIn profile address. Use one like \
                     https://www.linkedin.com/in/jane-doe.",
                    http::truncate(&request.profile_url, 80)
                ),
            )
        })?;
        let before = self.relationship(&slug).await?;
        if before.connected == Some(true) {
            return Err(ProviderError::new(
                ErrorKind::AlreadyConnected,
                "You are already connected with this person.",
            ));
        }
        if before.invitation_sent {
            return Err(ProviderError::new(
                ErrorKind::AlreadyInvited,
                "An invitation to this person is already pending.",
            ));
        }
        let body = ConnectBody {
            account_id: self.account_id.as_deref(),
            profile_id: &slug,
            custom_message: note,
        };
        let call = Call::post("/connect", &body);
        self.finish_write(self.http.write(call).await?)
    }

    fn settle_delay(&self) -> std::time::Duration {
        self.http.settle_delay()
    }

    fn reaches_linkedin(&self) -> bool {
        self.http.reaches_linkedin()
    }

    async fn limits(&self) -> Result<Vec<Limit>, ProviderError> {
        let id = self.default_account_id().await?;
        let quota = self
            .read_json::<WireQuota>(Call::get(format!("/account/{}/quota", encode_segment(&id))))
            .await;
        match quota {
            Ok(quota) => {
                let limits: Vec<Limit> = quota
                    .quotas
                    .into_iter()
                    .map(WireQuotaItem::into_model)
                    .collect();
                if !limits.is_empty() {
                    return Ok(limits);
                }
            }
            Err(e) if e.kind != ErrorKind::NotFound => return Err(e),
            Err(_) => {}
        }
        let last = self.last_rate_headers.lock().ok().and_then(|l| l.clone());
        Ok(last.into_iter().collect())
    }
}

// ---------------------------------------------------------------------------------------------
// Errors

/// ConnectSafely's wording and codes (providers.md §1.4): three body shapes, all read through
/// `http::body_message`; kinds by status and text.
fn classify(raw: &Raw<'_>) -> Option<Failure> {
    let status = raw.status.as_u16();
    if raw.status.is_success() {
        return None;
    }
    let said = raw.message().unwrap_or_default();
    let lower = said.to_lowercase();
    let body: serde_json::Value = serde_json::from_str(raw.body).unwrap_or_default();
    let code = body
        .get("code")
        .and_then(|c| c.as_str())
        .unwrap_or_default()
        .to_string();
    let fatal = |kind, message: String| Some(Failure::fatal(raw.error(kind, message)));
    match status {
        401 => fatal(
            ErrorKind::BadCredentials,
            "ConnectSafely refused the API key. Check it, or replace it in Accounts.".into(),
        ),
        402 | 403 => fatal(
            ErrorKind::Billing,
            "ConnectSafely refused the request: the trial has expired or there is no active \
             subscription. Subscribe on connectsafely.ai, then try again."
                .into(),
        ),
        429 => Some(rate_limited(raw, &body, &lower)),
        502 if code.ends_with("_UNAVAILABLE") => Some(Failure::transient(raw.error(
            ErrorKind::ProviderUnavailable,
            "LinkedIn did not return the invitations through ConnectSafely just now. Try again \
             in a few minutes.",
        ))),
        400 | 404 | 409 | 422 => {
            let (kind, message) = refusal(status, &said, &lower);
            fatal(kind, message)
        }
        _ => None,
    }
}

/// A 429: a hold (`holdUntil`), a spent weekly quota ("… Resets at <time>"), the 24-hour block
/// of connection requests, or a plain "slow down" that a read may wait out.
fn rate_limited(raw: &Raw<'_>, body: &serde_json::Value, lower: &str) -> Failure {
    let said = raw
        .message()
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .map(|m| format!(" ({})", http::truncate(&m, 160)))
        .unwrap_or_default();
    let hold = body
        .get("holdUntil")
        .and_then(|h| h.as_str())
        .and_then(parse_timestamp);
    let resets = lower
        .split_once("resets at ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .map(|t| t.trim_end_matches(['.', ',', ')']))
        .and_then(parse_timestamp);
    let blocked_a_day = lower.contains("blocked for 24 hours");
    let (message, retry_at) = if let Some(at) = hold {
        // The hold may be on connection requests (the weekly limit) or on other actions; the
        // provider's own words say which.
        (
            format!(
                "ConnectSafely has put this LinkedIn account on hold until {} UTC{said}.",
                at.format("%Y-%m-%d %H:%M")
            ),
            Some(at),
        )
    } else if let Some(at) = resets {
        (
            format!(
                "This LinkedIn account's ConnectSafely limit is used up until {} UTC{said}.",
                at.format("%Y-%m-%d %H:%M")
            ),
            Some(at),
        )
    } else if blocked_a_day {
        (
            "ConnectSafely has blocked connection requests from this LinkedIn account for 24 \
             hours; other actions still work."
                .to_string(),
            Some(raw.now + chrono::Duration::hours(24)),
        )
    } else {
        (
            "ConnectSafely asks to slow down. Wait a little and try again.".to_string(),
            None,
        )
    };
    let mut error = raw.error(ErrorKind::RateLimited, message);
    error.retry_at = retry_at;
    // A hold or a spent quota is hours away: never waited for in-process.
    Failure {
        transient: retry_at.is_none(),
        error,
    }
}

/// A 400/404/409/422, by its text (providers.md §1.3–1.4 and what ConnectSafely was seen
/// answering). "No longer pending (already accepted)" says the invitation is gone, so the
/// "gone" wordings are matched before "already …".
fn refusal(status: u16, said: &str, lower: &str) -> (ErrorKind, String) {
    if no_pending(lower) {
        (
            ErrorKind::NoPendingInvitation,
            "This invitation is no longer pending (it was withdrawn, accepted or ignored \
             already)."
                .into(),
        )
    } else if lower.contains("already connected") {
        (
            ErrorKind::AlreadyConnected,
            "You are already connected with this person.".into(),
        )
    } else if lower.contains("already pending")
        || lower.contains("already sent")
        || lower.contains("already invited")
    {
        (
            ErrorKind::AlreadyInvited,
            "An invitation to this person is already pending.".into(),
        )
    } else if lower.contains("account") && (status == 404 || lower.contains("not found")) {
        (
            ErrorKind::NotFound,
            "ConnectSafely does not know this LinkedIn account any more (or it is not active). \
             Check it on connectsafely.ai."
                .into(),
        )
    } else if status == 404 && lower.contains("profile") {
        (
            ErrorKind::NotFound,
            "ConnectSafely could not find this LinkedIn profile.".into(),
        )
    } else if status == 404 {
        (
            ErrorKind::NotFound,
            format!("ConnectSafely could not find what was asked for: {said}"),
        )
    } else if lower.contains("custommessage") || lower.contains("300 characters") {
        (
            ErrorKind::InvalidInput,
            format!("ConnectSafely rejected the note: {said}"),
        )
    } else if lower.contains("validation token") {
        (
            ErrorKind::InvalidInput,
            "ConnectSafely refused this invitation's validation token; it may have changed. \
             Refresh the Received list and try again."
                .into(),
        )
    } else {
        (
            ErrorKind::UnexpectedResponse,
            format!(
                "ConnectSafely rejected the request ({}). If it keeps happening, the API may \
                 have changed.",
                if said.is_empty() {
                    format!("HTTP {status}")
                } else {
                    said.to_string()
                }
            ),
        )
    }
}

/// The invitation is gone: "No pending invitation found", "Invitation not found or no longer
/// pending", "Invitation is no longer pending (already accepted)", "already withdrawn", ….
fn no_pending(lower: &str) -> bool {
    const GONE: [&str; 9] = [
        "no pending",
        "not pending",
        "no longer pending",
        "invitation not found",
        "already accepted",
        "already withdrawn",
        "already ignored",
        "already declined",
        "already responded",
    ];
    GONE.iter().any(|w| lower.contains(w))
}

/// A 2xx with `"success": false` is a failure the status did not show.
fn check_success(reply: &Reply) -> Result<(), ProviderError> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&reply.body) else {
        return Err(reply.unreadable_write());
    };
    if v.get("success").and_then(|s| s.as_bool()) == Some(false) {
        let said = http::body_message(&reply.body).unwrap_or_default();
        let lower = said.to_lowercase();
        let kind = if no_pending(&lower) {
            ErrorKind::NoPendingInvitation
        } else {
            ErrorKind::UnexpectedResponse
        };
        let mut e = reply.unexpected("the request was answered as failed");
        e.kind = kind;
        return Err(e);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Wire types (unknown fields ignored; open strings for statuses and categories)

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page<T> {
    #[serde(default)]
    success: Option<bool>,
    #[serde(default = "Vec::new")]
    invitations: Vec<T>,
    #[serde(default)]
    end_of_list: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireAccount {
    #[serde(deserialize_with = "lenient::required_id")]
    id: String,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    public_id: Option<String>,
    #[serde(default)]
    picture: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    api_seat_allocated: Option<bool>,
}

impl WireAccount {
    fn into_model(self) -> RemoteAccount {
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
struct WireProfile {
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    headline: Option<String>,
    #[serde(default)]
    profile_url: Option<String>,
    #[serde(default)]
    public_identifier: Option<String>,
    #[serde(default)]
    profile_picture: Option<String>,
}

impl WireProfile {
    fn into_person(self, member_id: Option<String>, member_urn: Option<String>) -> Person {
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
struct WireSent {
    #[serde(default, deserialize_with = "lenient::optional_id")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient::optional_id")]
    invitation_id: Option<String>,
    #[serde(default)]
    invitation_urn: Option<String>,
    #[serde(default)]
    member_id: Option<String>,
    #[serde(default)]
    member_urn: Option<String>,
    #[serde(default)]
    sent_at: Option<String>,
    #[serde(default)]
    custom_message: Option<String>,
    #[serde(default)]
    profile: Option<WireProfile>,
}

impl WireSent {
    fn into_model(self, now: DateTime<Utc>) -> Option<SentInvitation> {
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
struct WireReceived {
    #[serde(default, deserialize_with = "lenient::optional_id")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient::optional_id")]
    invitation_id: Option<String>,
    #[serde(default)]
    invitation_urn: Option<String>,
    #[serde(default)]
    member_id: Option<String>,
    #[serde(default)]
    member_urn: Option<String>,
    #[serde(default)]
    invitation_category: Option<String>,
    #[serde(default)]
    linked_in_invitation_type: Option<String>,
    #[serde(default)]
    validation_token: Option<String>,
    #[serde(default)]
    received_at: Option<String>,
    #[serde(default)]
    custom_message: Option<String>,
    #[serde(default)]
    company_name: Option<String>,
    #[serde(default)]
    newsletter_name: Option<String>,
    #[serde(default)]
    event_name: Option<String>,
    #[serde(default)]
    profile: Option<WireProfile>,
}

impl WireReceived {
    fn into_model(self, now: DateTime<Utc>) -> Option<ReceivedInvitation> {
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireRelationship {
    #[serde(default)]
    connected: Option<bool>,
    #[serde(default)]
    invitation_sent: bool,
}

#[derive(Deserialize)]
struct WireQuota {
    #[serde(default)]
    quotas: Vec<WireQuotaItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireQuotaItem {
    #[serde(default)]
    feature: Option<String>,
    #[serde(default)]
    window: Option<String>,
    #[serde(default)]
    used: Option<u32>,
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    linkedin_limit: Option<u32>,
    #[serde(default)]
    remaining: Option<u32>,
    #[serde(default)]
    reset_at: Option<String>,
}

impl WireQuotaItem {
    fn into_model(self) -> Limit {
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
struct WithdrawBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a str>,
    profile_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RespondBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a str>,
    action: &'a str,
    invitation_id: &'a str,
    validation_token: &'a str,
    #[serde(rename = "linkedInInvitationType")]
    linked_in_invitation_type: &'a str,
    first_name: &'a str,
    last_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile_id: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConnectBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a str>,
    profile_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom_message: Option<&'a str>,
}

// ---------------------------------------------------------------------------------------------
// Helpers

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

fn default_raw_type(category: InvitationCategory) -> String {
    let suffix = match category {
        InvitationCategory::Organization | InvitationCategory::Newsletter => "ORGANIZATION",
        InvitationCategory::Event => "EVENT",
        InvitationCategory::MemberFollow => "MEMBER_FOLLOW",
        InvitationCategory::Connection | InvitationCategory::Unknown => "CONNECTION",
    };
    format!("GenericInvitationType_{suffix}")
}

/// First and last name as ConnectSafely wants them; split the display name if needed.
fn inviter_names(person: &Person) -> (String, String) {
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
fn bare_member_id(member: &str) -> &str {
    member.rsplit(':').next().unwrap_or(member)
}

/// A path segment with everything but unreserved characters percent-encoded.
fn encode_segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `X-RateLimit-*` headers as a `Limit`, when present.
fn limit_from_headers(reply: &Reply) -> Option<Limit> {
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
    fn profile_slugs_come_from_linkedin_profile_urls_only() {
        assert_eq!(
            profile_slug("https://www.linkedin.com/in/deepika-khare/").as_deref(),
            Some("deepika-khare")
        );
        assert_eq!(
            profile_slug("https://fr.linkedin.com/in/j%C3%A9r%C3%B4me-x?trk=a").as_deref(),
            Some("jérôme-x")
        );
        assert_eq!(
            profile_slug("https://linkedin.com/in/johndoe").as_deref(),
            Some("johndoe")
        );
        assert_eq!(profile_slug("https://www.linkedin.com/company/acme"), None);
        assert_eq!(profile_slug("https://evil.com/in/johndoe"), None);
        assert_eq!(profile_slug("https://notlinkedin.com/in/johndoe"), None);
        assert_eq!(profile_slug("johndoe"), None);
        assert_eq!(profile_slug("https://www.linkedin.com/in/"), None);
    }

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

    #[test]
    fn no_pending_wording_is_recognised() {
        for text in [
            "No pending invitation found for this profile",
            "Invitation not found or no longer pending",
            "invitation is not pending",
            "Invitation is no longer pending (already accepted)",
        ] {
            assert!(no_pending(&text.to_lowercase()), "{text}");
        }
        assert!(!no_pending(
            "an invitation to this profile is already pending"
        ));
    }

    fn kind_of(status: u16, body: serde_json::Value) -> (ErrorKind, bool, String) {
        let failure = http::classify_sample(
            ProviderKind::ConnectSafely,
            classify,
            status,
            &body.to_string(),
        )
        .expect("a failure");
        (failure.error.kind, failure.transient, failure.error.message)
    }

    /// One row per documented (providers.md §1) or observed ConnectSafely error text, in the
    /// body shape it comes in.
    #[test]
    fn every_known_error_text_maps_to_its_kind() {
        use serde_json::json;
        use ErrorKind::*;
        let cases = [
            // §1.4 shape 1, 401.
            (
                401,
                json!({"error": "Unauthorized - Invalid credentials"}),
                BadCredentials,
            ),
            // §1.1: after the trial.
            (
                403,
                json!({"success": false, "error": "Your trial has expired. Please subscribe to continue using this feature."}),
                Billing,
            ),
            // §1.3 sent/received: no account.
            (
                404,
                json!({"error": "No active LinkedIn account found"}),
                NotFound,
            ),
            (
                404,
                json!({"error": "LinkedIn account not found or not accessible"}),
                NotFound,
            ),
            // §1.3 withdraw and connect.
            (
                404,
                json!({"success": false, "error": "Profile not found"}),
                NotFound,
            ),
            (
                400,
                json!({"success": false, "error": "No pending invitation found for this profile"}),
                NoPendingInvitation,
            ),
            (
                400,
                json!({"success": false, "error": "Invitation not found or no longer pending"}),
                NoPendingInvitation,
            ),
            // Observed on a respond: the invitation is gone, not "already pending".
            (
                400,
                json!({"success": false, "error": "Invitation is no longer pending (already accepted)"}),
                NoPendingInvitation,
            ),
            (
                400,
                json!({"success": false, "code": "NO_PENDING_INVITATION", "message": "No pending invitation found"}),
                NoPendingInvitation,
            ),
            // §1.3 connect: 400 "already connected".
            (
                400,
                json!({"success": false, "error": "Already connected to this profile"}),
                AlreadyConnected,
            ),
            (
                400,
                json!({"success": false, "error": "An invitation to this profile is already pending"}),
                AlreadyInvited,
            ),
            (
                400,
                json!({"success": false, "code": "validation_error", "message": "customMessage must be at most 300 characters"}),
                InvalidInput,
            ),
            (
                400,
                json!({"success": false, "error": "Invalid validation token"}),
                InvalidInput,
            ),
            // §1.4 shape 2 (Zod): a field InviteDesk did not send.
            (
                400,
                json!({"success": false, "error": {"name": "ZodError", "issues": [{"code": "invalid_type", "expected": "string", "received": "undefined", "path": ["profileId"], "message": "Required"}]}}),
                UnexpectedResponse,
            ),
            // §1.3 connect 429 and §1.5.
            (
                429,
                json!({"success": false, "error": "Connection requests blocked for 24 hours (other activities remain unaffected)"}),
                RateLimited,
            ),
            (
                429,
                json!({"success": false, "error": "Rate limit exceeded for CONNECT: 90/90 used. Resets at 2026-04-28T00:00:00Z", "holdUntil": "2026-04-27T15:42:11Z"}),
                RateLimited,
            ),
            (
                429,
                json!({"success": false, "error": "Rate limit exceeded for CONNECT: 90/90 used. Resets at 2026-04-28T00:00:00Z"}),
                RateLimited,
            ),
            (
                500,
                json!({"error": "Internal server error"}),
                ProviderUnavailable,
            ),
            (
                502,
                json!({"success": false, "code": "INVITATIONS_UNAVAILABLE", "message": "LinkedIn temporarily returned no invitations"}),
                ProviderUnavailable,
            ),
            (
                502,
                json!({"success": false, "code": "CONNECTIONS_UNAVAILABLE", "message": "LinkedIn temporarily returned no connections"}),
                ProviderUnavailable,
            ),
        ];
        for (status, body, want) in cases {
            let (kind, _, message) = kind_of(status, body.clone());
            assert_eq!(kind, want, "{status} {body}: {message}");
        }
    }

    #[test]
    fn no_longer_pending_is_never_reported_as_already_pending() {
        let (kind, _, message) = kind_of(
            400,
            serde_json::json!({"success": false, "error": "Invitation is no longer pending (already accepted)"}),
        );
        assert_eq!(kind, ErrorKind::NoPendingInvitation);
        assert!(!message.contains("already pending"), "{message}");
    }

    #[test]
    fn a_spent_quota_or_a_day_long_block_says_until_when_and_is_not_waited_for() {
        let (_, transient, message) = kind_of(
            429,
            serde_json::json!({"success": false, "error": "Rate limit exceeded for CONNECT: 90/90 used. Resets at 2026-04-28T00:00:00Z"}),
        );
        assert!(!transient);
        assert!(message.contains("2026-04-28 00:00 UTC"), "{message}");
        let (_, transient, message) = kind_of(
            429,
            serde_json::json!({"success": false, "error": "Connection requests blocked for 24 hours (other activities remain unaffected)"}),
        );
        assert!(!transient);
        assert!(message.contains("24 hours"), "{message}");
        let (_, transient, _) = kind_of(429, serde_json::json!({"error": "Too many requests"}));
        assert!(transient, "a plain 429 is waited out by reads");
        let (_, transient, _) = kind_of(500, serde_json::json!({"error": "Internal server error"}));
        assert!(transient, "a read repeats a one-off 500");
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(encode_segment("jé r/ô"), "j%C3%A9%20r%2F%C3%B4");
        assert_eq!(encode_segment("john-doe_1.x~"), "john-doe_1.x~");
    }
}
