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
//! - Sent: `invitation_type: "CONNECTION"` only (the user's own connection requests). Received:
//!   one listing per type, `CONNECTION`, `ORGANIZATION` and `CONTENT_SERIES`, so page and
//!   newsletter invitations are listed too (at least 3 credits per refresh). Items are
//!   deduplicated by id in case a server ignores the type.
//! - `list_accounts` verifies key and token with the cheapest call that needs both: page 1 of
//!   the sent list (1 credit). The error says which of the two was refused.
//! - Writes after an ambiguous failure ask `POST /network/invitation-status` (1 credit) for the
//!   person whether the write took effect; without a profile URL the write is repeated once,
//!   and a repeat that finds the work done counts as done.
//! - Credits: the v1 API reports no balance. `limits` shows the cost model, and "no credits
//!   left" once a call was refused for that.

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
const SENT_TYPE: &str = "CONNECTION";

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
    done: bool,
}

impl Listing {
    fn new(path: &'static str, kind: &'static str) -> Self {
        Listing {
            path,
            kind,
            total: None,
            pages_read: 0,
            done: false,
        }
    }
}

impl Linkup {
    pub fn new(config: ProviderConfig) -> Result<Self, ProviderError> {
        Self::with_http_config(config, HttpConfig::default())
    }

    pub fn with_http_config(
        config: ProviderConfig,
        http_config: HttpConfig,
    ) -> Result<Self, ProviderError> {
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
        let login_token = config
            .login_token
            .filter(|t| !t.expose_secret().trim().is_empty());
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
    /// so it is asked for again like any unreadable answer.
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
        let call = self.call(path, range)?;
        let pages = PageRef::range(start_page, end_page);
        let (_, answer) = self
            .http
            .read_page::<ListAnswer>(call, pages, progress)
            .await
            .map_err(|e| self.noted(e))?;
        Ok(answer.data)
    }

    /// Page 1 of `listing` alone (for its total), its invitations into `gathered`; `whole`
    /// when this listing's total is the whole listing's (the sent list, not one received
    /// type of three), for progress. `Some` when it stopped there.
    async fn first_page<T: ListingKey>(
        &self,
        listing: &mut Listing,
        whole: bool,
        gathered: &mut Gathered<T>,
        into_model: impl Fn(Item) -> Option<T>,
        rows: PageRows<'_, T>,
        progress: PageProgress<'_>,
    ) -> Result<Option<Halt>, ProviderError> {
        let data = match self.fetch(listing.path, listing.kind, 1, 1, progress).await {
            Ok(data) => data,
            Err(e) if gathered.pages() == 0 => return Err(e),
            Err(e) => return Ok(Some(Halt::Failed(e))),
        };
        let got = data.invitations.len();
        let total = data.total_available();
        if whole {
            gathered.set_total(total);
        }
        let wire = data.invitations.into_iter();
        let fresh = gathered.take(wire.filter_map(into_model), 1, rows, progress)?;
        listing.total = total;
        listing.pages_read = 1;
        listing.done = got == 0
            || total.map_or(got < PAGE_SIZE, |t| t <= PAGE_SIZE)
            || total.is_some_and(|t| t <= got);
        Ok((!listing.done && fresh == 0).then_some(Halt::Stalled))
    }

    /// Reads the remaining pages of `listing` into `gathered`, exactly as many as its total
    /// needs (a credit each); `Some` when it stopped part-way.
    async fn read_rest<T: ListingKey>(
        &self,
        listing: &mut Listing,
        gathered: &mut Gathered<T>,
        into_model: impl Fn(Item) -> Option<T>,
        rows: PageRows<'_, T>,
        progress: PageProgress<'_>,
    ) -> Result<Option<Halt>, ProviderError> {
        while !listing.done {
            let start = listing.pages_read + 1;
            let pages_needed = listing.total.map(|t| t.div_ceil(PAGE_SIZE) as u32);
            if pages_needed.is_some_and(|n| start > n) {
                break;
            }
            if gathered.is_full() {
                return Ok(Some(Halt::Bounded));
            }
            let mut end = start + PAGES_PER_REQUEST - 1;
            if let Some(n) = pages_needed {
                end = end.min(n);
            }
            let data = match self
                .fetch(listing.path, listing.kind, start, end, progress)
                .await
            {
                Ok(data) => data,
                Err(e) => return Ok(Some(Halt::Failed(e))),
            };
            let got = data.invitations.len();
            if let Some(t) = data.total_available() {
                listing.total = Some(t);
            }
            listing.pages_read = end;
            let wire = data.invitations.into_iter();
            let fresh = gathered.take(
                wire.filter_map(&into_model),
                end - start + 1,
                rows,
                progress,
            )?;
            let asked = (end - start + 1) as usize * PAGE_SIZE;
            listing.done = got == 0 || (listing.total.is_none() && got < asked);
            if !listing.done && fresh == 0 {
                return Ok(Some(Halt::Stalled));
            }
        }
        Ok(None)
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
        let mut gathered = Gathered::new("LinkupAPI", self.max_rows);
        let mut listing = Listing::new(SENT_PATH, SENT_TYPE);
        let mut halt = self
            .first_page(
                &mut listing,
                true,
                &mut gathered,
                into_model,
                rows,
                progress,
            )
            .await?;
        if halt.is_none() {
            halt = self
                .read_rest(&mut listing, &mut gathered, into_model, rows, progress)
                .await?;
        }
        Ok(gathered.end(halt))
    }

    async fn withdraw(&self, invitation: &SentInvitation) -> Result<WriteOutcome, ProviderError> {
        let id = invitation_digits(&invitation.id, invitation.urn.as_deref())?;
        let call = self.call(WITHDRAW_PATH, WithdrawBody { invitation_id: &id })?;
        gone_if_not_pending(self.write(call).await)
    }

    /// Page 1 of each type first (for the grand total), then the rest of each.
    async fn list_received_partial(
        &self,
        progress: PageProgress<'_>,
        rows: PageRows<'_, ReceivedInvitation>,
    ) -> Result<Listed<ReceivedInvitation>, ProviderError> {
        let now = Utc::now();
        let into_model =
            |kind: &'static str| move |item| wire::received_invitation(item, kind, now);
        let mut gathered = Gathered::new("LinkupAPI", self.max_rows);
        let mut listings = Vec::with_capacity(RECEIVED_TYPES.len());
        for kind in RECEIVED_TYPES {
            let mut listing = Listing::new(RECEIVED_PATH, kind);
            let halt = self
                .first_page(
                    &mut listing,
                    false,
                    &mut gathered,
                    into_model(kind),
                    rows,
                    progress,
                )
                .await?;
            if halt.is_some() {
                return Ok(gathered.end(halt));
            }
            listings.push(listing);
        }
        gathered.set_total(listings.iter().map(|l| l.total).sum::<Option<usize>>());
        for listing in &mut listings {
            let kind = listing.kind;
            let halt = self
                .read_rest(listing, &mut gathered, into_model(kind), rows, progress)
                .await?;
            if halt.is_some() {
                return Ok(gathered.end(halt));
            }
        }
        Ok(gathered.end(None))
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
