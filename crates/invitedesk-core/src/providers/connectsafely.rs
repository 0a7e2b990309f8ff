//! ConnectSafely client (providers.md §1); its wire types and their mapping to `crate::model` are
//! in `wire`, its error wording in `errors`.
//!
//! - Bearer auth; every call takes the optional `accountId` (the key's default account if unset).
//! - Listings page by item offset (`startIndex`, 10 per page) and stop on `endOfList: true`, or
//!   on an empty page when `endOfList` is absent (older API versions). A page without
//!   `invitations` is unreadable, never an empty list. A 502 `INVITATIONS_UNAVAILABLE` or an
//!   empty page with `endOfList: false` is asked for again over some seconds (LinkedIn briefly
//!   returns nothing), then stops the listing part-way. No page count cuts a listing off while
//!   pages bring new invitations (`listing::Gathered`).
//! - Withdrawal is keyed by the person (`profileId` = vanity slug). "No pending invitation" means
//!   someone already withdrew it or it was answered: `WriteOutcome::AlreadyGone`.
//! - Before sending a connection request the relationship is checked, so an existing connection or
//!   pending invitation is reported without a write.
//! - Writes whose answer is lost are checked (relationship, or the received list) before one
//!   more try: see `http::Client::write`.

use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::http::{self, Call, HttpConfig, Reply};
use super::listing::{Gathered, ListingKey, MAX_LISTING_ROWS};
use super::notes::note_problem;
use super::{
    InvitationProvider, Listed, ListingEvent, PageProgress, PageRef, PageRows, ProviderConfig,
    ProviderError, RetryNotice,
};
use crate::error::ErrorKind;
use crate::linkedin::profile_slug;
use crate::model::{
    Capabilities, Limit, NewInvitation, ProviderKind, ReceivedInvitation, RemoteAccount, Response,
    SentInvitation, WriteOutcome,
};

mod errors;
mod wire;

use errors::{check_success, classify, is_invitations_unavailable};
use wire::{
    bare_member_id, default_raw_type, inviter_names, limit_from_headers, ConnectBody, Page,
    RespondBody, WireAccount, WireQuota, WireQuotaItem, WireReceived, WireRelationship, WireSent,
    WithdrawBody,
};

/// Longest note LinkedIn (and ConnectSafely) accept on a connection request, in UTF-16 units
/// (`notes::note_counting`).
pub const MAX_NOTE_CHARS: usize = 300;

pub struct ConnectSafely {
    http: http::Client,
    account_id: Option<String>,
    /// The last `X-RateLimit-*` headers seen, a fallback for `limits()`.
    last_rate_headers: Mutex<Option<Limit>>,
    /// Invitations one listing reads at most (`MAX_LISTING_ROWS`; tests inject a small one).
    max_rows: usize,
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
            max_rows: MAX_LISTING_ROWS,
        })
    }

    /// The most invitations one listing reads (tests use a small one).
    pub fn with_max_listing_rows(mut self, rows: usize) -> Self {
        self.max_rows = rows;
        self
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

    /// Every invitation of a listing in the model's terms, each id once, page by page from
    /// `startIndex` 0 until `endOfList` (or, from older API versions, an empty page). No page
    /// count stops it while pages bring new invitations; a page of only repeats, the row bound
    /// or a failing page after others arrived stops it part-way, keeping what it fetched.
    async fn list<W: for<'de> Deserialize<'de>, T: ListingKey>(
        &self,
        path: &str,
        progress: PageProgress<'_>,
        rows: PageRows<'_, T>,
        into_model: fn(W, DateTime<Utc>) -> Option<T>,
    ) -> Result<Listed<T>, ProviderError> {
        let mut gathered = Gathered::new("ConnectSafely", self.max_rows);
        let mut start = 0usize;
        loop {
            let page_ref = PageRef::one(gathered.pages() + 1);
            let page = match self
                .read_listing_page::<W>(path, start, page_ref, progress)
                .await
            {
                Ok(page) => page,
                Err(e) if gathered.pages() == 0 => return Err(e),
                Err(e) => return Ok(gathered.stopped(e)),
            };
            let got = page.invitations.len();
            let now = Utc::now();
            let wire = page.invitations.into_iter();
            let fresh =
                gathered.take(wire.filter_map(|w| into_model(w, now)), 1, rows, progress)?;
            match (page.end_of_list, got) {
                (Some(true), _) | (None, 0) => return Ok(gathered.complete()),
                _ if fresh == 0 => return Ok(gathered.stalled()),
                _ if gathered.is_full() => return Ok(gathered.bounded()),
                _ => start += got,
            }
        }
    }

    /// One page at `start`, asked for again (with longer pauses than the shared read loop's)
    /// while LinkedIn briefly has nothing to give: a 502 `INVITATIONS_UNAVAILABLE`, or an empty
    /// page that says the list goes on (providers.md §1.3: never stop on an empty array alone).
    /// A page it returns is either not empty or ends the list.
    async fn read_listing_page<W: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        start: usize,
        page_ref: PageRef,
        progress: PageProgress<'_>,
    ) -> Result<Page<W>, ProviderError> {
        let mut unavailable_repeats = 0;
        let mut empty_repeats = 0;
        loop {
            let (setback, repeats) = match self
                .read_page_once::<W>(path, start, page_ref, progress)
                .await
            {
                Ok(page) if !page.invitations.is_empty() || page.end_of_list != Some(false) => {
                    return Ok(page)
                }
                Ok(_) => (Setback::EmptyPage, &mut empty_repeats),
                // Not after a long wait the server named: the read has sat it out already (up
                // to 90 s an attempt) or found it too long; more rounds would multiply it.
                Err(e) if is_invitations_unavailable(&e) && !names_a_long_wait(&e) => {
                    (Setback::Unavailable(e), &mut unavailable_repeats)
                }
                Err(e) => return Err(e),
            };
            let pause = self.pause_before_repeat(setback, repeats, page_ref, progress)?;
            tokio::time::sleep(pause).await;
        }
    }

    async fn read_page_once<W: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        start: usize,
        page_ref: PageRef,
        progress: PageProgress<'_>,
    ) -> Result<Page<W>, ProviderError> {
        let call = self.get(path).query("startIndex", start);
        let (reply, page) = self
            .http
            .read_page::<Page<W>>(call, page_ref, progress)
            .await?;
        self.note_rate_headers(&reply);
        if page.success == Some(false) {
            return Err(reply.unexpected("a listing marked as failed"));
        }
        Ok(page)
    }

    /// The pause before asking for the page again, announced to `progress`; the setback's
    /// error once it has lasted through every repeat it is allowed.
    fn pause_before_repeat(
        &self,
        setback: Setback,
        repeats: &mut usize,
        page: PageRef,
        progress: PageProgress<'_>,
    ) -> Result<Duration, ProviderError> {
        let steps = setback.backoff_steps();
        let Some(&step) = steps.get(*repeats) else {
            return Err(setback.into_error());
        };
        *repeats += 1;
        progress(ListingEvent::Retrying(RetryNotice {
            page,
            attempt: *repeats as u32 + 1,
            attempts: steps.len() as u32 + 1,
            reason: setback.reason().into(),
        }));
        let cfg = self.http.config();
        Ok(cfg.base_delay.saturating_mul(step).min(cfg.max_backoff))
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

/// Why a listing page is asked for again after the shared read loop has done its part:
/// LinkedIn, behind ConnectSafely, briefly had nothing to give.
enum Setback {
    /// A 502 `INVITATIONS_UNAVAILABLE` that outlasted the read loop's quick repeats.
    Unavailable(ProviderError),
    /// An empty page with `endOfList: false`.
    EmptyPage,
}

impl Setback {
    /// Pauses before each repeat, in steps of the client's `base_delay` (500 ms for real APIs,
    /// a couple of milliseconds in tests).
    fn backoff_steps(&self) -> &'static [u32] {
        match self {
            // 3 s, 6 s, 9 s: with the read loop's own repeats, 25–30 s and at most 16 requests,
            // about half of an account's 30 reads a minute (providers.md §1.5).
            Setback::Unavailable(_) => &[6, 12, 18],
            // 1 s, 2 s, 4 s.
            Setback::EmptyPage => &[2, 4, 8],
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Setback::Unavailable(_) => {
                "LinkedIn returned no invitations through ConnectSafely for now"
            }
            Setback::EmptyPage => "LinkedIn returned an empty page in the middle of the list",
        }
    }

    fn into_error(self) -> ProviderError {
        match self {
            Setback::Unavailable(error) => error,
            Setback::EmptyPage => ProviderError::new(
                ErrorKind::ProviderUnavailable,
                "LinkedIn kept returning an empty page in the middle of the list through \
                 ConnectSafely. Try again in a few minutes.",
            ),
        }
    }
}

/// A failure whose server-named time to come back is more than half a minute away.
fn names_a_long_wait(e: &ProviderError) -> bool {
    e.retry_at
        .is_some_and(|at| at > Utc::now() + chrono::Duration::seconds(30))
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

    async fn list_sent_partial(
        &self,
        progress: PageProgress<'_>,
        rows: PageRows<'_, SentInvitation>,
    ) -> Result<Listed<SentInvitation>, ProviderError> {
        self.list("/invitations/sent", progress, rows, WireSent::into_model)
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

    async fn list_received_partial(
        &self,
        progress: PageProgress<'_>,
        rows: PageRows<'_, ReceivedInvitation>,
    ) -> Result<Listed<ReceivedInvitation>, ProviderError> {
        self.list(
            "/invitations/received",
            progress,
            rows,
            WireReceived::into_model,
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
        if before.is_connected() == Some(true) {
            return Err(ProviderError::new(
                ErrorKind::AlreadyConnected,
                "You are already connected with this person.",
            ));
        }
        if before.has_pending_invitation() == Some(true) {
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

    /// `GET /relationship/{profileId}`: `connected`, else `status`, says it (providers.md §1.3).
    async fn is_connected(&self, profile_url: &str) -> Result<Option<bool>, ProviderError> {
        let Some(slug) = profile_slug(profile_url) else {
            return Ok(None);
        };
        Ok(self.relationship(&slug).await?.is_connected())
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
    fn path_segments_are_encoded() {
        assert_eq!(encode_segment("jé r/ô"), "j%C3%A9%20r%2F%C3%B4");
        assert_eq!(encode_segment("john-doe_1.x~"), "john-doe_1.x~");
    }
}
