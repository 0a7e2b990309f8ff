//! LinkupAPI v1 client (providers.md §3.1): every call is a `POST` with `x-api-key`, and every
//! body carries the LinkedIn `login_token` and the proxy `country`. One login token is one
//! LinkedIn account, so `list_accounts` returns a single synthetic account.
//!
//! Choices where the docs are silent (providers.md §6):
//! - Listings use page ranges only (`start_page`..`end_page`, 1-based, 10 per page). The first
//!   request reads page 1 alone to learn `total_available_results` (1 credit); the rest is read
//!   5 pages per request, exactly as many pages as the total needs, so no credit is spent on
//!   empty pages. Without a total (older answers), reading stops at a short page. No page
//!   count stops a listing while requests bring new invitations (`listing::Gathered`); one
//!   that brings only repeats, or the row bound, stops it part-way, keeping what it fetched.
//! - A server may fetch fewer pages than asked: reading goes on after the pages an answer
//!   covers, and a listing whose pages end clearly short of its total is partial, never
//!   complete (a complete one prunes what it did not see). A multi-page range is sent once;
//!   if it fails (LinkupAPI reads LinkedIn page by page, so a slow one outlasts the timeout),
//!   the rest is read one page at a time: the same credits, and a repeat costs one.
//! - Sent: `invitation_type: "CONNECTION"` only (the user's own connection requests). Received:
//!   one listing per type, `CONNECTION`, `ORGANIZATION` and `CONTENT_SERIES`, so page and
//!   newsletter invitations are listed too (at least 3 credits per refresh). Items are
//!   deduplicated by id. A type the server refuses as invalid, or ignores (the older received
//!   page takes no type, and its page 1 repeats the first type's), is left out.
//! - Items in a state other than `PENDING` (undocumented) are left out; they still count as
//!   new for the stall check.
//! - `list_accounts` verifies key and token with the cheapest call that needs both: page 1 of
//!   the sent list (1 credit). The error says which of the two was refused.
//! - Writes are sent once. An ambiguous failure is reported unconfirmed and settled by the
//!   caller from the listings (`write`); `POST /network/invitation-status` is not used.
//! - Credits: the v1 API reports no balance. `limits` shows the cost model, and "no credits
//!   left" once a call was refused for that.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use chrono::Utc;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use super::http::{self, Auth, Call, HttpConfig};
use super::listing::{Gathered, Halt, ListingKey, MAX_LISTING_ROWS};
use super::notes::note_problem;
use super::writes::{done_if_readable, gone_if_not_pending, profile_not_found_if_not_pending};
use super::{
    ignore_progress, Listed, PageProgress, PageRef, PageRows, ProviderConfig, ProviderError,
};
use crate::error::ErrorKind;
use crate::model::{
    Capabilities, Limit, NewInvitation, ProviderKind, ReceivedInvitation, RemoteAccount, Response,
    SentInvitation, WriteOutcome,
};
use crate::providers::lenient::urn_digits;

mod errors;
mod wire;

use wire::{
    AcceptBody, ConnectBody, Envelope, Item, ListAnswer, ListData, PageRange, WithdrawBody,
};

pub const SENT_PATH: &str = "/network/sent-invitations";
pub const RECEIVED_PATH: &str = "/network/invitations";
pub const WITHDRAW_PATH: &str = "/network/withdraw-invitation";
/// As displayed in the docs (the slug and the n8n node say `accept-invitations`).
pub const ACCEPT_PATH: &str = "/network/accept-invitation";
pub const CONNECT_PATH: &str = "/network/connect";

/// Received invitations are listed once per type so that every category shows.
pub const RECEIVED_TYPES: [&str; 3] = ["CONNECTION", "ORGANIZATION", "CONTENT_SERIES"];
/// The documented default of `invitation_type`.
const DEFAULT_TYPE: &str = "CONNECTION";
const SENT_TYPE: &str = DEFAULT_TYPE;

pub const PAGE_SIZE: usize = 10;
/// Pages per listing request after the first: LinkupAPI reads LinkedIn page by page, so a
/// long range could outlast the request timeout.
pub const PAGES_PER_REQUEST: u32 = 5;
/// v1 does not state a note limit; v2 and Pipedream say 300. Counted in UTF-16 units
/// (`notes::note_counting` says why).
pub const MAX_NOTE_CHARS: usize = 300;
/// The documented default proxy country.
pub const DEFAULT_COUNTRY: &str = "FR";

/// The id and name `list_accounts` gives the one account behind a login token: a short
/// fingerprint of the token (never the token itself), so two tokens are two accounts that can
/// be told apart, and the same token added twice is recognised.
fn token_account(token: &SecretString) -> (String, String) {
    let digest = ring::digest::digest(
        &ring::digest::SHA256,
        token.expose_secret().trim().as_bytes(),
    );
    let print: String = digest.as_ref()[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    (
        format!("token-{print}"),
        format!("LinkedIn account (token {print})"),
    )
}

pub struct Linkup {
    http: http::Client,
    login_token: Option<SecretString>,
    country: String,
    /// Set once a call was refused for lack of credits, for `limits`.
    out_of_credits: AtomicBool,
    /// Invitations one listing reads at most (`MAX_LISTING_ROWS`; tests inject a small one).
    max_rows: usize,
}

/// One listing in progress (one invitation type of one endpoint).
struct Listing {
    path: &'static str,
    kind: &'static str,
    total: Option<usize>,
    pages_read: u32,
    /// Invitations the server sent for this listing, repeats and left-out ones included: what
    /// its total is held against once the pages run out.
    items_sent: usize,
    /// Drops to 1 once a range failed: a slow server is read page by page (the same credits).
    pages_per_request: u32,
    done: bool,
    /// The server refused this type, or ignored it and sent another type's invitations.
    skipped: bool,
}

impl Listing {
    fn new(path: &'static str, kind: &'static str) -> Self {
        Listing {
            path,
            kind,
            total: None,
            pages_read: 0,
            items_sent: 0,
            pages_per_request: PAGES_PER_REQUEST,
            done: false,
            skipped: false,
        }
    }

    /// The last page of the next request, which starts at `start`; `None` when the total needs
    /// no more pages.
    fn next_range_end(&self, start: u32) -> Option<u32> {
        let end = start + self.pages_per_request - 1;
        match self.total.map(|t| t.div_ceil(PAGE_SIZE) as u32) {
            Some(needed) if start > needed => None,
            Some(needed) => Some(end.min(needed)),
            None => Some(end),
        }
    }

    /// Partial when clearly fewer invitations arrived than the total announced: pages that
    /// came back short (or empty) must not pass for the end of the list, or the refresh would
    /// take every invitation it never saw as gone. LinkedIn's count may drift by a few while a
    /// long list is read, hence the 1% slack.
    fn shortfall(&self) -> Option<Halt> {
        let total = self.total?;
        let slack = total / 100;
        (self.items_sent + slack < total).then(|| self.cut_short(total))
    }

    /// An empty answer while the total says more are to come. No slack here: LinkedIn briefly
    /// returning nothing near the end of a long list would otherwise pass for its end, losing
    /// the oldest invitations, the ones most often withdrawn.
    fn ended_before_total(&self, got: usize) -> Option<Halt> {
        let total = self.total?;
        (got == 0 && self.items_sent < total).then(|| self.cut_short(total))
    }

    fn cut_short(&self, total: usize) -> Halt {
        Halt::Failed(ProviderError::new(
            ErrorKind::UnexpectedResponse,
            format!(
                "LinkupAPI announced {total} invitations but its pages ended after {}, so the \
                 ones not seen were kept as they were. Try again later",
                self.items_sent
            ),
        ))
    }
}

/// One listing call's invitations so far, across the invitation types it reads.
struct Reading<'a, T> {
    gathered: Gathered<T>,
    max_rows: usize,
    /// Ids of invitations listed in a state other than pending. They are left out, but the
    /// first sight of one counts as progress: a page of them is not a page of repeats.
    left_out: HashSet<String>,
    rows: PageRows<'a, T>,
    progress: PageProgress<'a>,
}

impl<'a, T: ListingKey> Reading<'a, T> {
    fn new(max_rows: usize, rows: PageRows<'a, T>, progress: PageProgress<'a>) -> Self {
        Reading {
            gathered: Gathered::new("LinkupAPI", max_rows),
            max_rows,
            left_out: HashSet::new(),
            rows,
            progress,
        }
    }

    /// Takes one answer covering `pages` pages; returns how many invitations were new,
    /// left-out ones included.
    fn take(
        &mut self,
        items: Vec<Item>,
        pages: u32,
        into_model: impl Fn(Item) -> Option<T>,
    ) -> Result<usize, ProviderError> {
        let (pending, not_pending): (Vec<Item>, Vec<Item>) =
            items.into_iter().partition(Item::is_pending);
        let newly_left_out = not_pending
            .iter()
            .filter_map(|item| {
                log_left_out(item);
                item.id()
            })
            .filter(|id| self.left_out.insert(id.clone()))
            .count();
        let fresh = self.gathered.take(
            pending.into_iter().filter_map(into_model),
            pages,
            self.rows,
            self.progress,
        )?;
        Ok(fresh + newly_left_out)
    }

    /// The row bound counts left-out invitations too: a server listing endless non-pending
    /// ones must stop like one listing endless pending ones.
    fn is_full(&self) -> bool {
        self.gathered.is_full() || self.gathered.len() + self.left_out.len() >= self.max_rows
    }

    fn has_seen_any(&self) -> bool {
        !self.gathered.is_empty() || !self.left_out.is_empty()
    }

    fn end(self, halt: Option<Halt>) -> Listed<T> {
        self.gathered.end(halt)
    }
}

/// Only the state: the item's other fields are personal data.
fn log_left_out(item: &Item) {
    if let Some(state) = item.state_other_than_pending() {
        log::debug!(
            "LinkupAPI listed an invitation in state {:?}; left out as not pending",
            http::truncate(state, 40)
        );
    }
}

/// A failed multi-page range worth reading again page by page: the failures a read repeats.
/// The range itself is not repeated, as each repeat costs a credit per page, and a range the
/// server cannot fetch within the timeout would time out again.
fn worth_reading_page_by_page(e: &ProviderError) -> bool {
    matches!(
        e.kind,
        ErrorKind::Network
            | ErrorKind::ProviderUnavailable
            | ErrorKind::RateLimited
            | ErrorKind::UnexpectedResponse
    )
}

/// A received type other than the documented default that the server refuses as invalid: an
/// older server may take no `invitation_type` but `CONNECTION`. Only a refusal that names the
/// type: skipping a type on any other refusal ("not allowed right now") would end the listing
/// complete without it, and the refresh would drop that type's cached invitations.
fn type_refused(e: &ProviderError, kind: &str) -> bool {
    kind != DEFAULT_TYPE
        && e.kind == ErrorKind::InvalidInput
        && e.message.to_ascii_lowercase().contains("type")
}

impl Linkup {
    pub fn new(config: ProviderConfig) -> Result<Self, ProviderError> {
        Self::with_http_config(config, HttpConfig::default())
    }

    pub fn with_http_config(
        config: ProviderConfig,
        http_config: HttpConfig,
    ) -> Result<Self, ProviderError> {
        let login_token = config
            .login_token
            .filter(|t| !t.expose_secret().trim().is_empty());
        let mut http = http::Client::new(
            ProviderKind::Linkup,
            &config.base_url,
            Auth::Header {
                name: "x-api-key",
                value: config.api_key,
            },
            http_config,
            errors::classify,
        )?;
        if let Some(token) = &login_token {
            // Error excerpts never show the token, even if an answer echoes it.
            http = http.with_secret(token.clone());
        }
        let country = config
            .country
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| DEFAULT_COUNTRY.to_string());
        Ok(Linkup {
            http,
            login_token,
            country,
            out_of_credits: AtomicBool::new(false),
            max_rows: MAX_LISTING_ROWS,
        })
    }

    /// The most invitations one listing reads (tests use a small one).
    pub fn with_max_listing_rows(mut self, rows: usize) -> Self {
        self.max_rows = rows;
        self
    }

    fn call<T: Serialize>(&self, path: &str, fields: T) -> Result<Call, ProviderError> {
        let token = self.login_token.as_ref().ok_or_else(|| {
            ProviderError::new(
                ErrorKind::InvalidInput,
                "LinkupAPI needs the LinkedIn login token of this account. Add it in Accounts.",
            )
        })?;
        let envelope = Envelope {
            login_token: token.expose_secret(),
            country: &self.country,
            fields,
        };
        Ok(Call::post(path, &envelope))
    }

    /// Remembers a credits refusal for `limits`, and passes the error on.
    fn noted(&self, e: ProviderError) -> ProviderError {
        if e.kind == ErrorKind::InsufficientCredits {
            self.out_of_credits.store(true, Ordering::Relaxed);
        }
        e
    }

    /// Pages `start_page..=end_page` of a listing. An answer without `data` does not decode,
    /// so it is asked for again like any unreadable answer; a multi-page range is tried once
    /// (its fallback is reading page by page: `worth_reading_page_by_page`).
    async fn fetch(
        &self,
        path: &str,
        kind: &str,
        start_page: u32,
        end_page: u32,
        progress: PageProgress<'_>,
    ) -> Result<ListData, ProviderError> {
        let range = PageRange {
            invitation_type: kind,
            start_page,
            end_page,
        };
        let mut call = self.call(path, range)?;
        if end_page > start_page {
            call = call.tried_once();
        }
        let pages = PageRef::range(start_page, end_page);
        let (_, answer) = self
            .http
            .read_page::<ListAnswer>(call, pages, progress)
            .await
            .map_err(|e| self.noted(e))?;
        Ok(answer.data)
    }

    /// Page 1 of `listing` alone (for its total), its invitations into `reading`; `whole`
    /// when this listing's total is the whole listing's (the sent list, not one received
    /// type of three), for progress. `Some` when it stopped there.
    async fn first_page<T: ListingKey>(
        &self,
        listing: &mut Listing,
        whole: bool,
        reading: &mut Reading<'_, T>,
        into_model: impl Fn(Item) -> Option<T>,
    ) -> Result<Option<Halt>, ProviderError> {
        let data = match self
            .fetch(listing.path, listing.kind, 1, 1, reading.progress)
            .await
        {
            Ok(data) => data,
            Err(e) if type_refused(&e, listing.kind) => {
                log::warn!(
                    "LinkupAPI refused invitation_type {}, so those invitations are not \
                     listed: {}",
                    listing.kind,
                    e.message
                );
                listing.skipped = true;
                return Ok(None);
            }
            Err(e) if reading.gathered.pages() == 0 => return Err(e),
            Err(e) => return Ok(Some(Halt::Failed(e))),
        };
        let got = data.invitations.len();
        let total = data.total_available();
        if whole {
            reading.gathered.set_total(total);
        }
        let seen_before = reading.has_seen_any();
        let fresh = reading.take(data.invitations, 1, into_model)?;
        if seen_before && got > 0 && fresh == 0 {
            // Only invitations another type already brought: the server ignores the type.
            log::info!(
                "LinkupAPI ignored invitation_type {}; its page repeated another type's",
                listing.kind
            );
            listing.skipped = true;
            return Ok(None);
        }
        listing.total = total;
        listing.pages_read = 1;
        listing.items_sent = got;
        listing.done = got == 0
            || total.map_or(got < PAGE_SIZE, |t| t <= PAGE_SIZE)
            || total.is_some_and(|t| t <= got);
        Ok((!listing.done && fresh == 0).then_some(Halt::Stalled))
    }

    /// Reads the remaining pages of `listing` into `reading`, as many as its total needs (a
    /// credit each), advancing by the pages each answer covers; `Some` when it stopped
    /// part-way.
    async fn read_rest<T: ListingKey>(
        &self,
        listing: &mut Listing,
        reading: &mut Reading<'_, T>,
        into_model: impl Fn(Item) -> Option<T>,
    ) -> Result<Option<Halt>, ProviderError> {
        while !listing.done {
            let start = listing.pages_read + 1;
            let Some(end) = listing.next_range_end(start) else {
                break;
            };
            if reading.is_full() {
                return Ok(Some(Halt::Bounded));
            }
            let data = match self
                .fetch(listing.path, listing.kind, start, end, reading.progress)
                .await
            {
                Ok(data) => data,
                Err(e) if end > start && worth_reading_page_by_page(&e) => {
                    log::debug!(
                        "LinkupAPI: {} failed; reading them page by page",
                        PageRef::range(start, end)
                    );
                    listing.pages_per_request = 1;
                    continue;
                }
                Err(e) => return Ok(Some(Halt::Failed(e))),
            };
            if let Some(halt) = take_range(listing, start, end, data, reading, &into_model)? {
                return Ok(Some(halt));
            }
        }
        Ok(listing.shortfall())
    }

    /// A write, sent once. An ambiguous failure is unconfirmed: the caller checks the lists
    /// once the write can no longer land (LinkupAPI's `invitation-status` cannot tell an
    /// invitation we sent from one we received, so it is not used as proof).
    async fn write(&self, call: Call) -> Result<WriteOutcome, ProviderError> {
        match self.http.write(call).await {
            Ok(reply) => done_if_readable(&reply),
            Err(e) => Err(self.noted(e)),
        }
    }
}

/// One answer to pages `start..=end` of `listing`, taken into `reading`; `Some` when reading
/// stops there. A server may fetch fewer pages than asked, so reading goes on after the
/// pages the answer covers, not after `end`.
fn take_range<T: ListingKey>(
    listing: &mut Listing,
    start: u32,
    end: u32,
    data: ListData,
    reading: &mut Reading<'_, T>,
    into_model: impl Fn(Item) -> Option<T>,
) -> Result<Option<Halt>, ProviderError> {
    if let Some(answered) = data.answered_from().filter(|&page| page != start) {
        return Ok(Some(Halt::Failed(range_not_followed(start, answered))));
    }
    let covered = data.pages_covered(end - start + 1);
    let got = data.invitations.len();
    if let Some(t) = data.total_available() {
        listing.total = Some(t);
    }
    if let Some(halt) = listing.ended_before_total(got) {
        return Ok(Some(halt));
    }
    listing.items_sent += got;
    listing.pages_read = start - 1 + covered;
    let fresh = reading.take(data.invitations, covered, into_model)?;
    listing.done = got == 0 || (listing.total.is_none() && got < covered as usize * PAGE_SIZE);
    Ok((!listing.done && fresh == 0).then_some(Halt::Stalled))
}

/// The server answered other pages than asked for (it ignores the range, or numbers pages
/// from another base, providers.md §6): what follows cannot be placed, so reading stops there.
fn range_not_followed(asked: u32, answered: u32) -> ProviderError {
    ProviderError::new(
        ErrorKind::UnexpectedResponse,
        format!(
            "LinkupAPI answered from page {answered} when asked from page {asked}, so the \
             refresh stopped there and kept the invitations it did not reach"
        ),
    )
}

/// The digits LinkupAPI wants as `invitation_id`: the id, or the URN's digits.
fn invitation_digits(id: &str, urn: Option<&str>) -> Result<String, ProviderError> {
    let id = id.trim();
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(id.to_string());
    }
    urn.and_then(urn_digits).ok_or_else(|| {
        ProviderError::new(
            ErrorKind::InvalidInput,
            "This invitation has no usable LinkupAPI invitation id. Refresh the list and try \
             again.",
        )
    })
}

/// `https://[*.]linkedin.com/in/<slug>`: the profile links LinkupAPI's connect takes.
pub fn is_profile_url(raw: &str) -> bool {
    use crate::linkedin::{parse_profile_slug, PathTail, Scheme};
    parse_profile_slug(raw, Scheme::HttpsOnly, PathTail::Allowed).is_some()
}

#[async_trait]
impl super::InvitationProvider for Linkup {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Linkup
    }

    fn capabilities(&self) -> Capabilities {
        super::capabilities_of(ProviderKind::Linkup)
    }

    async fn list_accounts(&self) -> Result<Vec<RemoteAccount>, ProviderError> {
        // The cheapest call that needs both the key and the token (1 credit).
        self.fetch(SENT_PATH, SENT_TYPE, 1, 1, &ignore_progress)
            .await?;
        let (id, name) = self
            .login_token
            .as_ref()
            .map(token_account)
            .unwrap_or_else(|| ("token".into(), "LinkedIn account".into()));
        Ok(vec![RemoteAccount {
            id,
            name,
            status: "login token accepted".into(),
            usable: true,
            picture_url: None,
            profile_url: None,
        }])
    }

    async fn list_sent_partial(
        &self,
        progress: PageProgress<'_>,
        rows: PageRows<'_, SentInvitation>,
    ) -> Result<Listed<SentInvitation>, ProviderError> {
        let now = Utc::now();
        let into_model = |item| wire::sent_invitation(item, SENT_TYPE, now);
        let mut reading = Reading::new(self.max_rows, rows, progress);
        let mut listing = Listing::new(SENT_PATH, SENT_TYPE);
        let mut halt = self
            .first_page(&mut listing, true, &mut reading, into_model)
            .await?;
        if halt.is_none() {
            halt = self
                .read_rest(&mut listing, &mut reading, into_model)
                .await?;
        }
        Ok(reading.end(halt))
    }

    async fn withdraw(&self, invitation: &SentInvitation) -> Result<WriteOutcome, ProviderError> {
        let id = invitation_digits(&invitation.id, invitation.urn.as_deref())?;
        let call = self.call(WITHDRAW_PATH, WithdrawBody { invitation_id: &id })?;
        gone_if_not_pending(self.write(call).await)
    }

    /// Page 1 of each type first (for the grand total), then the rest of each. A type the
    /// server refuses or ignores is left out (see `first_page`).
    async fn list_received_partial(
        &self,
        progress: PageProgress<'_>,
        rows: PageRows<'_, ReceivedInvitation>,
    ) -> Result<Listed<ReceivedInvitation>, ProviderError> {
        let now = Utc::now();
        let into_model =
            |kind: &'static str| move |item| wire::received_invitation(item, kind, now);
        let mut reading = Reading::new(self.max_rows, rows, progress);
        let mut listings = Vec::with_capacity(RECEIVED_TYPES.len());
        for kind in RECEIVED_TYPES {
            let mut listing = Listing::new(RECEIVED_PATH, kind);
            let halt = self
                .first_page(&mut listing, false, &mut reading, into_model(kind))
                .await?;
            if halt.is_some() {
                return Ok(reading.end(halt));
            }
            if !listing.skipped {
                listings.push(listing);
            }
        }
        let total = listings.iter().map(|l| l.total).sum::<Option<usize>>();
        reading.gathered.set_total(total);
        let mut pages_per_request = PAGES_PER_REQUEST;
        for listing in &mut listings {
            // A server too slow for ranges in one type is as slow in the next.
            listing.pages_per_request = pages_per_request;
            let kind = listing.kind;
            let halt = self
                .read_rest(listing, &mut reading, into_model(kind))
                .await?;
            if halt.is_some() {
                return Ok(reading.end(halt));
            }
            pages_per_request = listing.pages_per_request;
        }
        Ok(reading.end(None))
    }

    async fn respond(
        &self,
        invitation: &ReceivedInvitation,
        response: Response,
    ) -> Result<WriteOutcome, ProviderError> {
        if response == Response::Ignore {
            return Err(ProviderError::not_supported(
                "LinkupAPI has no call to ignore an invitation. Ignore it on LinkedIn, or leave \
                 it pending.",
            ));
        }
        let secret = invitation
            .accept_token
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| {
                ProviderError::new(
                    ErrorKind::InvalidInput,
                    "This invitation came without the secret LinkupAPI needs to accept it. \
                     Refresh the received list and try again.",
                )
            })?;
        let urn = match invitation
            .urn
            .as_deref()
            .filter(|u| urn_digits(u).is_some())
        {
            Some(u) => u.to_string(),
            None => format!(
                "urn:li:fsd_invitation:{}",
                invitation_digits(&invitation.id, None)?
            ),
        };
        let call = self.call(
            ACCEPT_PATH,
            AcceptBody {
                shared_secret: secret,
                entity_urn: &urn,
            },
        )?;
        gone_if_not_pending(self.write(call).await)
    }

    async fn send_invitation(
        &self,
        request: &NewInvitation,
    ) -> Result<WriteOutcome, ProviderError> {
        let url = request.profile_url.trim();
        if !is_profile_url(url) {
            return Err(ProviderError::new(
                ErrorKind::InvalidInput,
                "LinkupAPI needs a LinkedIn profile link such as \
                 https://www.linkedin.com/in/name.",
            ));
        }
        let note = request
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if let Some(problem) = note.and_then(|n| note_problem(ProviderKind::Linkup, n)) {
            return Err(ProviderError::new(ErrorKind::InvalidInput, problem));
        }
        let call = self.call(
            CONNECT_PATH,
            ConnectBody {
                linkedin_url: url,
                message: note,
            },
        )?;
        self.write(call)
            .await
            .map_err(profile_not_found_if_not_pending)
    }

    fn settle_delay(&self) -> std::time::Duration {
        self.http.settle_delay()
    }

    fn reaches_linkedin(&self) -> bool {
        self.http.reaches_linkedin()
    }

    async fn limits(&self) -> Result<Vec<Limit>, ProviderError> {
        let exhausted = self.out_of_credits.load(Ordering::Relaxed);
        Ok(vec![Limit {
            action: "credits".into(),
            used: None,
            limit: None,
            remaining: exhausted.then_some(0),
            resets_at: None,
            source: "LinkupAPI credits: 1 per page of 10 invitations listed and 1 per action; \
                     API v1 does not report the balance"
                .into(),
        }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_login_token_is_its_own_account_named_without_the_token() {
        let a = SecretString::from("AQEDATtokenA-secret");
        let b = SecretString::from("AQEDATtokenB-secret");
        let (id_a, name_a) = token_account(&a);
        let (id_b, _) = token_account(&b);
        assert_ne!(id_a, id_b, "two tokens, two accounts");
        assert_eq!(
            token_account(&a).0,
            id_a,
            "the same token, the same account"
        );
        assert_eq!(
            token_account(&SecretString::from(" AQEDATtokenA-secret\n")).0,
            id_a
        );
        assert!(!name_a.contains("AQEDAT") && !id_a.contains("secret"));
        assert!(name_a.len() < 40, "fits on one line: {name_a}");
    }

    #[test]
    fn invitation_ids_are_digits_from_the_id_or_the_urn() {
        assert_eq!(
            invitation_digits("7329176687475109888", None).unwrap(),
            "7329176687475109888"
        );
        assert_eq!(
            invitation_digits("", Some("urn:li:fsd_invitation:42")).unwrap(),
            "42"
        );
        assert!(invitation_digits("abc", None).is_err());
    }

    #[test]
    fn profile_urls() {
        assert!(is_profile_url("https://www.linkedin.com/in/jane-doe"));
        assert!(is_profile_url("https://linkedin.com/in/jane/"));
        assert!(!is_profile_url("https://www.linkedin.com/in/"));
        assert!(!is_profile_url("http://www.linkedin.com/in/jane"));
        assert!(!is_profile_url("https://evil.com/in/jane"));
        assert!(!is_profile_url("https://notlinkedin.com/in/jane"));
        assert!(!is_profile_url("https://www.linkedin.com/company/acme"));
    }
}
