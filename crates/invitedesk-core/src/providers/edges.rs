//! Edges (edges.run) client: identities are the LinkedIn accounts, and every invitation
//! operation is an action run live (`POST /actions/{slug}/run/live`) for exactly one identity in
//! `direct` mode (providers.md §2).
//!
//! Choices where the docs are silent (providers.md §6):
//! - `GET /identities` may be a bare array or wrapped; both decode. Pages (`page`, 1-based) are
//!   read until one is empty or brings no new identity, so a short list costs two requests. A
//!   page past the first answered 400, 404 (its documented errors) or `NO_RESULT` ends the list
//!   too: the page size is not documented, so that is how a server may say "past the end".
//! - Listings follow `X-Pagination-Next` (a full URL, re-POSTed with the same body) until it is
//!   absent, never building page URLs; an empty page ends it too. While the cursor moves on to
//!   new URLs with new invitations there is no page limit; a repeated URL, a page of repeats
//!   or `MAX_LISTING_ROWS` stops it part-way, keeping what it fetched, marked stopped
//!   (`list_*_partial`), for the refresh to show (so does a page failing after others).
//!   `NO_RESULT` on the first page means an empty list. Both `NO_RESULT` and `STATUS_404` are
//!   generic 424 labels (§2.5), not an end of list: on a later page they stop it part-way, as
//!   any failure does, since taking them as the end would have the refresh drop every
//!   invitation it did not reach.
//! - Outputs carry no invitation type: everything is shown as a connection invitation.
//! - Writes are sent once. An ambiguous failure (timeout, dropped connection, 502/504) is
//!   `Unconfirmed`; the caller checks the sent or received list once the write can no longer
//!   land (`http::Client::write`). A withdraw or accept answered `STATUS_404` / `NO_RESULT` is
//!   "already gone"; any other label (`LK_ERROR` may also mean "not pending any more", §2.5)
//!   stays an error, which a job settles by that same check rather than taking it as done.
//! - Withdraw needs a URN matching `urn:li:fsd_invitation:<digits>`; a listed URN of another
//!   form is replaced by one built from the numeric id. Accept sends the URN and the secret,
//!   or whichever of the two is known.
//! - A connection request whose output says `connected: true` (LinkedIn connects at once when
//!   the person had already invited this account) left no invitation pending: it is reported
//!   as "already connected", never recorded as a sent invitation.
//! - No quota endpoint shape is documented: `limits` reports the documented smart limit (25
//!   connection requests per rolling 24 h) and the `postponed_until` of the last
//!   `LIMIT_REACHED` this client saw.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::http::{self, Auth, Call, HttpConfig, Reply};
use super::listing::{Gathered, ListingKey, MAX_LISTING_ROWS};
use super::notes::note_problem;
use super::writes::{done_if_readable, gone_if_not_pending, profile_not_found_if_not_pending};
use super::{Listed, PageProgress, PageRef, PageRows, ProviderConfig, ProviderError};
use crate::error::ErrorKind;
use crate::model::{
    Capabilities, Limit, NewInvitation, ProviderKind, ReceivedInvitation, RemoteAccount, Response,
    SentInvitation, WriteOutcome,
};

mod errors;
mod validate;
mod wire;

use wire::{
    AcceptInput, ConnectInput, ConnectParameters, Identity, InvitationItem, ListPage, LiveRun,
    WithdrawInput,
};

pub use validate::{is_connectable_profile_url, is_invitation_urn};

/// The vendor recommends about 2 s between pages of a live listing (providers.md §2.4).
pub const DEFAULT_PAGE_DELAY: Duration = Duration::from_secs(2);
/// Connection-request note limit (`parameters.message`), in UTF-16 units
/// (`notes::note_counting` says why).
pub const MAX_NOTE_CHARS: usize = 300;
/// Edges' smart limit for connection requests per identity and rolling 24 h (30 with Sales
/// Navigator; the lower figure is shown since the account type is not known).
pub const SMART_CONNECT_LIMIT: u32 = 25;

const MAX_IDENTITY_PAGES: u32 = 100;

const SENT_ACTION: &str = "linkedin-extract-sent-invitations";
const RECEIVED_ACTION: &str = "linkedin-extract-received-invitations";
const WITHDRAW_ACTION: &str = "linkedin-withdraw-invitation";
const ACCEPT_ACTION: &str = "linkedin-accept-invitation";
const CONNECT_ACTION: &str = "linkedin-connect-profile";
const NEXT_PAGE_HEADER: &str = "x-pagination-next";

pub struct Edges {
    http: http::Client,
    /// The identity uid every action runs for; `None` until one is chosen.
    identity: Option<String>,
    page_delay: Duration,
    /// Invitations one listing reads at most (`MAX_LISTING_ROWS`; tests inject a small one).
    max_rows: usize,
    /// `postponed_until` of the last `LIMIT_REACHED` seen on a connection request.
    connect_blocked_until: Mutex<Option<DateTime<Utc>>>,
}

impl Edges {
    pub fn new(config: ProviderConfig) -> Result<Self, ProviderError> {
        Self::with_http_config(config, HttpConfig::default())
    }

    pub fn with_http_config(
        config: ProviderConfig,
        http_config: HttpConfig,
    ) -> Result<Self, ProviderError> {
        let http = http::Client::new(
            ProviderKind::Edges,
            &config.base_url,
            Auth::Header {
                name: "X-API-Key",
                value: config.api_key,
            },
            http_config,
            errors::classify,
        )?;
        Ok(Edges {
            http,
            identity: config.remote_account_id.filter(|s| !s.trim().is_empty()),
            page_delay: DEFAULT_PAGE_DELAY,
            max_rows: MAX_LISTING_ROWS,
            connect_blocked_until: Mutex::new(None),
        })
    }

    /// Pause between listing pages (tests and benchmarks use zero).
    pub fn with_page_delay(mut self, delay: Duration) -> Self {
        self.page_delay = delay;
        self
    }

    /// The most invitations one listing reads (tests use a small one).
    pub fn with_max_listing_rows(mut self, rows: usize) -> Self {
        self.max_rows = rows;
        self
    }

    fn identity(&self) -> Result<&str, ProviderError> {
        self.identity.as_deref().ok_or_else(|| {
            ProviderError::new(
                ErrorKind::InvalidInput,
                "No Edges identity is chosen for this account. Pick the LinkedIn identity in \
                 Accounts.",
            )
        })
    }

    /// Every invitation of a listing action in the model's terms, each id once, following
    /// `X-Pagination-Next` to the end. No page count stops it while the cursor moves on to new
    /// URLs and pages bring new invitations; a cursor already visited, a page of only repeats,
    /// the row bound, or a page failing after others arrived stops it part-way, keeping what
    /// it fetched.
    async fn extract<T: ListingKey>(
        &self,
        action: &str,
        progress: PageProgress<'_>,
        rows: PageRows<'_, T>,
        into_model: impl Fn(InvitationItem) -> Option<T>,
    ) -> Result<Listed<T>, ProviderError> {
        let body = LiveRun::<()>::new(self.identity()?, None);
        let mut target = action_path(action);
        let mut visited = HashSet::new();
        let mut gathered = Gathered::new("Edges", self.max_rows);
        loop {
            let call = Call::post(target.as_str(), &body);
            let page = PageRef::one(gathered.pages() + 1);
            let (reply, page) = match self
                .http
                .read_page::<ListPage<InvitationItem>>(call, page, progress)
                .await
            {
                Ok((reply, page)) => (reply, page.into_vec()),
                Err(e) if gathered.pages() == 0 && errors::is_no_result(&e) => {
                    return Ok(gathered.complete())
                }
                Err(e) if gathered.pages() == 0 => return Err(listing_error(e)),
                Err(e) => return Ok(gathered.stopped(listing_error(e))),
            };
            let page_was_empty = page.is_empty();
            let fresh =
                gathered.take(page.into_iter().filter_map(&into_model), 1, rows, progress)?;
            let Some(next) = reply.header(NEXT_PAGE_HEADER).map(str::to_owned) else {
                return Ok(gathered.complete());
            };
            // "Increase `page` until the response is an empty array" (providers.md §2.4).
            if page_was_empty {
                return Ok(gathered.complete());
            }
            if fresh == 0 || !visited.insert(next.clone()) {
                log::warn!(
                    "Edges: {action} page {} repeats; stopping",
                    gathered.pages()
                );
                return Ok(gathered.stalled());
            }
            if gathered.is_full() {
                return Ok(gathered.bounded());
            }
            target = next;
            if !self.page_delay.is_zero() {
                tokio::time::sleep(self.page_delay).await;
            }
        }
    }

    /// Runs a write action once. An ambiguous failure is unconfirmed: the caller checks the
    /// sent or received extract once the write can no longer land, never a blind repeat.
    async fn run_write<I: Serialize>(
        &self,
        action: &str,
        body: &LiveRun<'_, I>,
    ) -> Result<Reply, ProviderError> {
        self.http.write(Call::post(action_path(action), body)).await
    }

    /// A withdraw or an accept: done, or already gone when LinkedIn has no such pending
    /// invitation.
    async fn run_on_invitation<I: Serialize>(
        &self,
        action: &str,
        body: &LiveRun<'_, I>,
    ) -> Result<WriteOutcome, ProviderError> {
        let result = self.run_write(action, body).await;
        gone_if_not_pending(result.and_then(|reply| done_if_readable(&reply)))
    }

    /// The identities of one page of `GET /identities`.
    async fn identities_page(&self, page: u32) -> Result<Vec<Identity>, ProviderError> {
        // Without `retrieve_accounts=true` every identity looks disconnected.
        let call = Call::get("/identities")
            .query("retrieve_accounts", "true")
            .query("page", page);
        let (_, identities) = self.http.read_json::<ListPage<Identity>>(call).await?;
        Ok(identities.into_vec())
    }
}

/// The URN to act on, checked against the documented pattern before anything is sent: the
/// listed one when it matches, else `urn:li:fsd_invitation:<id>` for a numeric id (a listed
/// URN of another form, such as `urn:li:invitation:<id>`, names the same invitation).
fn invitation_urn(listed: Option<&str>, id: &str) -> Option<String> {
    listed
        .map(str::trim)
        .filter(|urn| is_invitation_urn(urn))
        .map(str::to_string)
        .or_else(|| Some(format!("urn:li:fsd_invitation:{}", id.trim())))
        .filter(|urn| is_invitation_urn(urn))
}

fn no_valid_urn() -> ProviderError {
    ProviderError::new(
        ErrorKind::InvalidInput,
        "This invitation has no valid LinkedIn invitation URN, so Edges cannot act on it. \
         Refresh the list and try again.",
    )
}

/// `NO_RESULT` or `STATUS_404`, as the classifier reports both (see `errors`).
fn is_not_found_label(e: &ProviderError) -> bool {
    e.kind == ErrorKind::NoPendingInvitation
}

/// A listing page's failure in listing terms: `STATUS_404` / `NO_RESULT` are about "no such
/// invitation" only for a withdraw or an accept; to a listing they are a failure at LinkedIn.
fn listing_error(e: ProviderError) -> ProviderError {
    if !is_not_found_label(&e) {
        return e;
    }
    ProviderError {
        kind: ErrorKind::ProviderUnavailable,
        message: "Edges could not read this page of the list from LinkedIn (it answered \
                  \"not found\"). Try again in a few minutes."
            .into(),
        ..e
    }
}

/// An answer to a page of `GET /identities` past the first that means "no such page": its
/// documented errors (400, 404) or `NO_RESULT` / `STATUS_404`.
fn is_past_last_identity_page(e: &ProviderError) -> bool {
    is_not_found_label(e) || matches!(e.status, Some(400 | 404))
}

/// What the connection request's answer says happened (see the module docs).
fn connect_outcome(reply: &Reply) -> Result<WriteOutcome, ProviderError> {
    let output = reply
        .json::<serde_json::Value>()
        .map_err(|_| reply.unreadable_write())?;
    if wire::connected_at_once(&output) {
        return Err(ProviderError::new(
            ErrorKind::AlreadyConnected,
            "LinkedIn connected you with this person straight away (they had already invited \
             you), so no invitation is pending.",
        ));
    }
    Ok(WriteOutcome::Done)
}

fn action_path(action: &str) -> String {
    format!("/actions/{action}/run/live")
}

#[async_trait]
impl super::InvitationProvider for Edges {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Edges
    }

    fn capabilities(&self) -> Capabilities {
        super::capabilities_of(ProviderKind::Edges)
    }

    async fn list_accounts(&self) -> Result<Vec<RemoteAccount>, ProviderError> {
        let mut seen = HashSet::new();
        let mut accounts = Vec::new();
        for page in 1..=MAX_IDENTITY_PAGES {
            let identities = match self.identities_page(page).await {
                Ok(identities) => identities,
                Err(e) if page > 1 && is_past_last_identity_page(&e) => break,
                Err(e) => return Err(e),
            };
            let fresh: Vec<RemoteAccount> = identities
                .into_iter()
                .filter_map(wire::remote_account)
                .filter(|a| seen.insert(a.id.clone()))
                .collect();
            if fresh.is_empty() {
                break;
            }
            accounts.extend(fresh);
        }
        Ok(accounts)
    }

    async fn list_sent_partial(
        &self,
        progress: PageProgress<'_>,
        rows: PageRows<'_, SentInvitation>,
    ) -> Result<Listed<SentInvitation>, ProviderError> {
        let now = Utc::now();
        self.extract(SENT_ACTION, progress, rows, |item| {
            wire::sent_invitation(item, now)
        })
        .await
    }

    async fn withdraw(&self, invitation: &SentInvitation) -> Result<WriteOutcome, ProviderError> {
        let urn =
            invitation_urn(invitation.urn.as_deref(), &invitation.id).ok_or_else(no_valid_urn)?;
        let body = LiveRun::new(
            self.identity()?,
            Some(WithdrawInput {
                linkedin_invitation_urn: &urn,
                linkedin_invitation_type: "CONNECTION",
            }),
        );
        self.run_on_invitation(WITHDRAW_ACTION, &body).await
    }

    async fn list_received_partial(
        &self,
        progress: PageProgress<'_>,
        rows: PageRows<'_, ReceivedInvitation>,
    ) -> Result<Listed<ReceivedInvitation>, ProviderError> {
        let now = Utc::now();
        self.extract(RECEIVED_ACTION, progress, rows, |item| {
            wire::received_invitation(item, now)
        })
        .await
    }

    async fn respond(
        &self,
        invitation: &ReceivedInvitation,
        response: Response,
    ) -> Result<WriteOutcome, ProviderError> {
        if response == Response::Ignore {
            return Err(ProviderError::not_supported(
                "Edges has no action to ignore an invitation. Ignore it on LinkedIn, or leave \
                 it pending.",
            ));
        }
        let urn = invitation_urn(invitation.urn.as_deref(), &invitation.id);
        let secret = invitation
            .accept_token
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if urn.is_none() && secret.is_none() {
            return Err(ProviderError::new(
                ErrorKind::InvalidInput,
                "This invitation came with neither a valid LinkedIn invitation URN nor the \
                 secret Edges needs to accept it. Refresh the received list and try again.",
            ));
        }
        let body = LiveRun::new(
            self.identity()?,
            Some(AcceptInput {
                linkedin_invitation_urn: urn.as_deref(),
                linkedin_invitation_secret: secret,
            }),
        );
        self.run_on_invitation(ACCEPT_ACTION, &body).await
    }

    async fn send_invitation(
        &self,
        request: &NewInvitation,
    ) -> Result<WriteOutcome, ProviderError> {
        let url = request.profile_url.trim();
        if !is_connectable_profile_url(url) {
            return Err(ProviderError::new(
                ErrorKind::InvalidInput,
                "Edges needs a LinkedIn profile link such as https://www.linkedin.com/in/name.",
            ));
        }
        let note = request.note.as_deref().map(str::trim).unwrap_or("");
        if let Some(problem) = note_problem(ProviderKind::Edges, note) {
            return Err(ProviderError::new(ErrorKind::InvalidInput, problem));
        }
        let mut body = LiveRun::new(
            self.identity()?,
            Some(ConnectInput {
                linkedin_profile_url: url,
            }),
        );
        if !note.is_empty() {
            body.parameters = Some(ConnectParameters { message: note });
        }
        let result = self
            .run_write(CONNECT_ACTION, &body)
            .await
            .map_err(profile_not_found_if_not_pending)
            .and_then(|reply| connect_outcome(&reply));
        match result {
            Err(e) if e.kind == ErrorKind::RateLimited && e.retry_at.is_some() => {
                // LIMIT_REACHED's `postponed_until` (or a long Retry-After): no connection
                // request goes through before then, so `limits` shows it.
                if let Ok(mut blocked) = self.connect_blocked_until.lock() {
                    *blocked = e.retry_at;
                }
                Err(e)
            }
            other => other,
        }
    }

    fn settle_delay(&self) -> std::time::Duration {
        self.http.settle_delay()
    }

    fn reaches_linkedin(&self) -> bool {
        self.http.reaches_linkedin()
    }

    async fn limits(&self) -> Result<Vec<Limit>, ProviderError> {
        let blocked = self
            .connect_blocked_until
            .lock()
            .ok()
            .and_then(|b| *b)
            .filter(|at| *at > Utc::now());
        Ok(vec![Limit {
            action: "CONNECT".into(),
            used: None,
            limit: Some(SMART_CONNECT_LIMIT),
            remaining: blocked.map(|_| 0),
            resets_at: blocked.map(|at| at.to_rfc3339()),
            source: "Edges smart limit: 25 connection requests per identity per rolling 24 h \
                     (30 with Sales Navigator)"
                .into(),
        }])
    }
}
