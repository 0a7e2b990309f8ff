//! A stateful fake of the ConnectSafely API (providers.md §1), served under `/linkedin`.
//!
//! - Auth: `Authorization: Bearer <key>`; anything else gets 401
//!   `{"error":"Unauthorized - Invalid credentials"}`. A "trial expired" switch answers 403.
//! - Accounts with sent and received invitations (19-digit string ids, realistic names),
//!   seeded by [`AccountSeed`]. `accountId` is optional everywhere (first account = default).
//! - Listings: 10 per page, `startIndex` is an item offset, `endOfList` on the last page
//!   (omitted in legacy mode, where only an empty page ends the list).
//! - Writes change state: a withdrawal removes the invitation from later pages, accept/ignore
//!   removes a received one (accept of a connection makes a connection), a connect adds a sent
//!   invitation and counts against the weekly limit (90, reset Monday 00:00 UTC); over the
//!   limit the account is put on hold 24 h and answers the documented 429 with `holdUntil`.
//! - `X-RateLimit-*` headers (action `CONNECT`) on every answer of the fake itself.
//! - Error bodies use the three documented shapes: `{"error": "..."}` for auth and account
//!   lookups, `{"success": false, "error": "..."}` (or a Zod object for missing fields) for
//!   actions, `{"success": false, "code", "message"}` for value validation.
//! - Profile slugs starting with `no-such-` do not exist (404); any other slug is a person.
//! - Switches for what the doc allows but the defaults do not send: `null` relationship flags,
//!   other "no pending invitation" wordings, float and negative quota numbers; faults for
//!   pages without `invitations` and empty pages before the end.

// Handlers return the ready-made error `Response` as `Err`: size does not matter in a fake.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use serde_json::{json, Value};

use super::people::{self, ascii_slug, capitalise};
use super::{serve, Controls, FakeServer, Fault};

pub const BASE_PATH: &str = "/linkedin";
pub const DEFAULT_KEY: &str = "cs_test_0f9e8d7c6b5a4f3e2d1c";
pub const WEEKLY_CONNECT_LIMIT: u32 = 90;
pub const LINKEDIN_WEEKLY_LIMIT: u32 = 100;
pub const PAGE_SIZE: usize = 10;

const UNAUTHORIZED: &str = "Unauthorized - Invalid credentials";
const TRIAL_EXPIRED: &str =
    "Your trial has expired. Please subscribe to continue using this feature.";

/// The 502 LinkedIn-returned-nothing answer of `/invitations/received` (retry it).
pub fn fault_invitations_unavailable() -> Fault {
    Fault::status(
        502,
        json!({"success": false, "code": "INVITATIONS_UNAVAILABLE",
               "message": "LinkedIn temporarily returned no invitations although the account has pending ones. Retry shortly."}),
    )
}

/// A 200 that is not a page: no `invitations` key, an error in its place.
pub fn fault_ok_without_invitations() -> Fault {
    Fault::status(
        200,
        json!({"error": "Something went wrong while fetching invitations"}),
    )
}

/// A 200 whose page sits inside a `data` object, a shape the doc does not have.
pub fn fault_wrapped_page() -> Fault {
    Fault::status(
        200,
        json!({"success": true, "data": {"invitations": [], "endOfList": true}}),
    )
}

/// An empty page that says the list goes on: LinkedIn briefly returned nothing (§1.3: never
/// stop on an empty array alone).
pub fn fault_empty_page_not_at_end() -> Fault {
    Fault::status(
        200,
        json!({"success": true, "endOfList": false, "invitations": [], "count": 10}),
    )
}

/// 401 exactly as the real API sends it for a bad key.
pub fn fault_bad_key() -> Fault {
    Fault::status(401, json!({"error": UNAUTHORIZED}))
}

/// 403 for an expired trial.
pub fn fault_trial_expired() -> Fault {
    Fault::status(403, json!({"success": false, "error": TRIAL_EXPIRED}))
}

/// A per-key 429 (C9: "60 requests/min") with `Retry-After` seconds.
pub fn fault_rate_limited(retry_after_secs: u64) -> Fault {
    Fault::status(
        429,
        json!({"success": false, "error": "Too many requests: 60 requests per minute per API key"}),
    )
    .with_header("Retry-After", &retry_after_secs.to_string())
}

/// How to seed one LinkedIn account.
#[derive(Debug, Clone)]
pub struct AccountSeed {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub public_id: String,
    pub status: String,
    pub sent: usize,
    pub received: usize,
    /// Slugs of people already connected.
    pub connections: Vec<String>,
    /// Connection requests already sent this week.
    pub connects_used: u32,
}

impl AccountSeed {
    /// A 24-hex id, like ConnectSafely's MongoDB ids.
    pub fn new(id: &str) -> Self {
        AccountSeed {
            id: id.to_string(),
            first_name: "John".into(),
            last_name: "Doe".into(),
            public_id: "john-doe-123".into(),
            status: "AVAILABLE".into(),
            sent: 0,
            received: 0,
            connections: Vec::new(),
            connects_used: 0,
        }
    }

    pub fn named(mut self, first: &str, last: &str, public_id: &str) -> Self {
        self.first_name = first.into();
        self.last_name = last.into();
        self.public_id = public_id.into();
        self
    }

    pub fn status(mut self, status: &str) -> Self {
        self.status = status.into();
        self
    }

    pub fn sent(mut self, n: usize) -> Self {
        self.sent = n;
        self
    }

    pub fn received(mut self, n: usize) -> Self {
        self.received = n;
        self
    }

    pub fn connected_to(mut self, slug: &str) -> Self {
        self.connections.push(slug.into());
        self
    }

    pub fn connects_used(mut self, n: u32) -> Self {
        self.connects_used = n;
        self
    }
}

/// A sent invitation as the fake holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub id: String,
    pub member_id: String,
    pub first_name: String,
    pub last_name: String,
    pub headline: String,
    pub public_id: String,
    pub sent_at: String,
}

/// A received invitation as the fake holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub id: String,
    pub member_id: String,
    pub category: String,
    pub raw_type: String,
    pub token: String,
    pub received_at: String,
    pub first_name: String,
    pub last_name: String,
    pub public_id: String,
    pub company_name: Option<String>,
    pub newsletter_name: Option<String>,
    pub custom_message: Option<String>,
}

#[derive(Debug)]
struct Account {
    seed: AccountSeed,
    sent: Vec<Sent>,
    received: Vec<Received>,
    connections: BTreeSet<String>,
    connects: Vec<DateTime<Utc>>,
    hold_until: Option<DateTime<Utc>>,
    /// Invitations answered through the API, by id: "accepted" or "ignored". Answering one
    /// again gets the wording ConnectSafely was seen using (issue 10).
    answered: BTreeMap<String, &'static str>,
}

#[derive(Debug)]
struct FakeState {
    key: String,
    accounts: Vec<Account>,
    clock: Option<DateTime<Utc>>,
    trial_expired: bool,
    legacy_pagination: bool,
    /// A broken server: never `endOfList`, and offsets past the end wrap to the start.
    endless: bool,
    /// `/relationship` answers `connected` and `invitationSent` as `null`, only `status` tells.
    relationship_flags_null: bool,
    /// The 400 text of a withdraw or respond with no pending invitation (§6: unknown), when
    /// not the default.
    no_pending_wording: Option<String>,
    /// `/quota` sends its numbers as floats and negatives (`-1` for "no figure").
    odd_quota_numbers: bool,
    weekly_limit: u32,
    next_id: u64,
    people: BTreeMap<String, (String, String, String)>,
}

/// The fake. Clone it to keep a handle on its state while it serves.
#[derive(Debug, Clone)]
pub struct ConnectSafelyFake {
    state: Arc<Mutex<FakeState>>,
}

impl ConnectSafelyFake {
    pub fn new(key: &str) -> Self {
        ConnectSafelyFake {
            state: Arc::new(Mutex::new(FakeState {
                key: key.to_string(),
                accounts: Vec::new(),
                clock: None,
                trial_expired: false,
                legacy_pagination: false,
                endless: false,
                relationship_flags_null: false,
                no_pending_wording: None,
                odd_quota_numbers: false,
                weekly_limit: WEEKLY_CONNECT_LIMIT,
                next_id: 7_455_301_624_689_844_224,
                people: BTreeMap::new(),
            })),
        }
    }

    /// Adds an account with generated invitations. The first account added is the default.
    pub fn with_account(self, seed: AccountSeed) -> Self {
        {
            let mut s = self.lock();
            let account_index = s.accounts.len();
            let now = s.now();
            let mut sent = Vec::with_capacity(seed.sent);
            for i in 0..seed.sent {
                let person = generated_person(account_index, i, 0);
                s.people.insert(
                    person.slug.clone(),
                    (
                        person.first.clone(),
                        person.last.clone(),
                        person.member_id.clone(),
                    ),
                );
                let id = s.fresh_id();
                sent.push(Sent {
                    id,
                    member_id: person.member_id,
                    first_name: person.first,
                    last_name: person.last,
                    headline: person.headline,
                    public_id: person.slug,
                    sent_at: age_text(i, seed.sent).into(),
                });
            }
            let mut received = Vec::with_capacity(seed.received);
            for i in 0..seed.received {
                let person = generated_person(account_index, i, 1);
                s.people.insert(
                    person.slug.clone(),
                    (
                        person.first.clone(),
                        person.last.clone(),
                        person.member_id.clone(),
                    ),
                );
                let id = s.fresh_id();
                received.push(received_invitation(id, i, seed.received, person));
            }
            let connects = (0..seed.connects_used).map(|_| now).collect();
            let connections = seed.connections.iter().cloned().collect();
            s.accounts.push(Account {
                seed,
                sent,
                received,
                connections,
                connects,
                hold_until: None,
                answered: BTreeMap::new(),
            });
        }
        self
    }

    /// Adds a hand-made received invitation to an account.
    pub fn push_received(&self, account_id: &str, invitation: Received) {
        let mut s = self.lock();
        if let Some(a) = s.account_mut(account_id) {
            a.received.push(invitation);
        }
    }

    /// Adds a hand-made pending sent invitation to an account (the same person invited from
    /// two accounts); its id is the fake's next. Returns the stored invitation.
    pub fn push_sent(&self, account_id: &str, mut invitation: Sent) -> Sent {
        let mut s = self.lock();
        invitation.id = s.fresh_id();
        if let Some(a) = s.account_mut(account_id) {
            a.sent.push(invitation.clone());
        }
        invitation
    }

    /// Fixes the fake's clock (weekly limit, hold, `X-RateLimit-Reset`).
    pub fn set_now(&self, now: DateTime<Utc>) {
        self.lock().clock = Some(now);
    }

    pub fn set_trial_expired(&self, expired: bool) {
        self.lock().trial_expired = expired;
    }

    /// Old vendor pages: no `endOfList`, only an empty page ends a list.
    pub fn set_legacy_pagination(&self, legacy: bool) {
        self.lock().legacy_pagination = legacy;
    }

    /// A broken server whose lists never end: `endOfList` is always false and an offset past
    /// the end wraps round to the start, so pages keep coming with invitations already sent.
    pub fn set_endless(&self, endless: bool) {
        self.lock().endless = endless;
    }

    /// `connected` and `invitationSent` answered `null`; `status` still says how things stand.
    pub fn set_relationship_flags_null(&self, null: bool) {
        self.lock().relationship_flags_null = null;
    }

    /// Another wording for "no pending invitation" on withdraw and respond (`None`: the
    /// default ones).
    pub fn set_no_pending_wording(&self, wording: Option<&str>) {
        self.lock().no_pending_wording = wording.map(str::to_string);
    }

    /// Quota numbers as floats (`12.0`), with `-1` for `remaining` and `linkedinLimit`.
    pub fn set_odd_quota_numbers(&self, odd: bool) {
        self.lock().odd_quota_numbers = odd;
    }

    pub fn sent(&self, account_id: &str) -> Vec<Sent> {
        let s = self.lock();
        s.account(account_id)
            .map(|a| a.sent.clone())
            .unwrap_or_default()
    }

    pub fn received(&self, account_id: &str) -> Vec<Received> {
        let s = self.lock();
        s.account(account_id)
            .map(|a| a.received.clone())
            .unwrap_or_default()
    }

    pub fn is_connected(&self, account_id: &str, slug: &str) -> bool {
        let s = self.lock();
        s.account(account_id)
            .is_some_and(|a| a.connections.contains(slug))
    }

    /// Connection requests counted in the current week.
    pub fn connects_used(&self, account_id: &str) -> u32 {
        let s = self.lock();
        let now = s.now();
        s.account(account_id)
            .map_or(0, |a| used_this_week(&a.connects, now))
    }

    pub fn hold_until(&self, account_id: &str) -> Option<DateTime<Utc>> {
        self.lock().account(account_id).and_then(|a| a.hold_until)
    }

    /// The router, under `/linkedin`, with auth and rate-limit headers (not yet instrumented).
    pub fn router(&self) -> Router {
        let api = Router::new()
            .route("/accounts", get(accounts))
            .route("/account/status", get(account_status))
            .route("/account/{account_id}/status", get(account_status_by_id))
            .route("/account/{account_id}/quota", get(quota))
            .route("/invitations/sent", get(list_sent))
            .route("/invitations/received", get(list_received))
            .route("/invitations/withdraw", post(withdraw))
            .route("/invitations/received/respond", post(respond))
            .route("/connect", post(connect))
            .route("/relationship/{profile_id}", get(relationship_default))
            .route("/relationship/{account_id}/{profile_id}", get(relationship))
            .fallback(not_found)
            // Outermost last: rate-limit headers go on every answer, 401s included.
            .layer(axum::middleware::from_fn_with_state(self.clone(), gate))
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                rate_limit_headers,
            ))
            .with_state(self.clone());
        Router::new()
            .nest(BASE_PATH, api)
            .route("/health", get(|| async { Json(json!({"status": "ok"})) }))
    }

    /// Starts it on a loopback port in the current runtime.
    pub async fn start(&self) -> FakeServer {
        serve(self.router(), Controls::new(BASE_PATH)).await
    }

    fn lock(&self) -> MutexGuard<'_, FakeState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl FakeState {
    fn now(&self) -> DateTime<Utc> {
        self.clock.unwrap_or_else(Utc::now)
    }

    fn fresh_id(&mut self) -> String {
        self.next_id += 7_919;
        self.next_id.to_string()
    }

    fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.seed.id == id)
    }

    fn account_mut(&mut self, id: &str) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| a.seed.id == id)
    }

    /// The account a request names, or the default one. `Err` is the 404 to send.
    fn select(&mut self, account_id: Option<&str>) -> Result<usize, Response> {
        let index = match account_id.filter(|s| !s.is_empty()) {
            Some(id) => self.accounts.iter().position(|a| a.seed.id == id),
            None => (!self.accounts.is_empty()).then_some(0),
        };
        index.ok_or_else(|| error_plain(404, "No active LinkedIn account found"))
    }

    /// A person by slug, created on demand; `None` for `no-such-*`.
    fn person(&mut self, slug: &str) -> Option<(String, String, String)> {
        if slug.starts_with("no-such-") || slug.is_empty() {
            return None;
        }
        let entry = self.people.entry(slug.to_string()).or_insert_with(|| {
            let mut words = slug
                .split('-')
                .filter(|w| w.chars().all(char::is_alphabetic));
            let first = capitalise(words.next().unwrap_or("Pat"));
            let last = capitalise(words.next().unwrap_or("Lee"));
            (
                first,
                last,
                member_id_for(slug.len() as u64 * 31 + slug.bytes().map(u64::from).sum::<u64>()),
            )
        });
        Some(entry.clone())
    }
}

fn used_this_week(connects: &[DateTime<Utc>], now: DateTime<Utc>) -> u32 {
    let start = week_start(now);
    connects.iter().filter(|t| **t >= start).count() as u32
}

/// Monday 00:00 UTC of `now`'s week.
pub fn week_start(now: DateTime<Utc>) -> DateTime<Utc> {
    let date = now.date_naive() - Duration::days(now.weekday().num_days_from_monday() as i64);
    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight"))
}

pub fn next_reset(now: DateTime<Utc>) -> DateTime<Utc> {
    week_start(now) + Duration::days(7)
}

// ---------------------------------------------------------------------------------------------
// Seed data

// The leading part of the shared name lists, so the seeded people (which tests and screenshots
// show) stay what they were before the lists grew for the other fakes.
const FIRST: &[&str] = people::FIRST.split_at(20).0;
const LAST: &[&str] = people::LAST.split_at(17).0;
const HEADLINES: &[&str] = people::HEADLINES.split_at(6).0;
const AGES: [&str; 12] = [
    "1 day ago",
    "2 days ago",
    "3 days ago",
    "5 days ago",
    "1 week ago",
    "2 weeks ago",
    "3 weeks ago",
    "1 month ago",
    "2 months ago",
    "3 months ago",
    "5 months ago",
    "1 year ago",
];

struct GeneratedPerson {
    first: String,
    last: String,
    slug: String,
    member_id: String,
    headline: String,
}

fn generated_person(account: usize, i: usize, side: usize) -> GeneratedPerson {
    let n = i * 7 + account * 13 + side * 5;
    let first = FIRST[n % FIRST.len()].to_string();
    let last = LAST[(n / FIRST.len() + i) % LAST.len()].to_string();
    let slug = format!(
        "{}-{}-{:x}{}{}",
        ascii_slug(&first),
        ascii_slug(&last),
        0x1a2b + i * 17,
        account,
        side
    );
    GeneratedPerson {
        member_id: member_id_for((account * 1_000_003 + side * 500_009 + i) as u64),
        headline: HEADLINES[n % HEADLINES.len()].to_string(),
        first,
        last,
        slug,
    }
}

/// A plausible `ACoAA…` member id (39 characters), deterministic in `n`.
fn member_id_for(n: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x = n
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    let mut id = String::from("ACoAA");
    for _ in 0..34 {
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        id.push(ALPHABET[(x % 64) as usize] as char);
    }
    id
}

/// Newest first: ages grow with the position in the list.
fn age_text(i: usize, total: usize) -> &'static str {
    AGES[(i * AGES.len()) / total.max(1)]
}

fn received_invitation(id: String, i: usize, total: usize, p: GeneratedPerson) -> Received {
    let token: String = member_id_for(i as u64 + 77)[5..13].to_string();
    let received_at = age_text(i, total).to_string();
    let base = Received {
        id,
        member_id: p.member_id,
        category: "CONNECTION".into(),
        raw_type: "GenericInvitationType_CONNECTION".into(),
        token,
        received_at,
        first_name: p.first,
        last_name: p.last,
        public_id: p.slug,
        company_name: None,
        newsletter_name: None,
        custom_message: (i % 4 == 1)
            .then(|| "Hi! We met at the Lisbon meetup, would love to connect.".to_string()),
    };
    match i % 10 {
        3 => Received {
            member_id: String::new(),
            category: "ORGANIZATION".into(),
            raw_type: "GenericInvitationType_ORGANIZATION".into(),
            company_name: Some("ZenX8Studio".into()),
            custom_message: None,
            ..base
        },
        6 => Received {
            member_id: String::new(),
            category: "NEWSLETTER".into(),
            // The doc's NEWSLETTER example carries the ORGANIZATION raw type.
            raw_type: "GenericInvitationType_ORGANIZATION".into(),
            company_name: Some("Northwind Labs".into()),
            newsletter_name: Some("The Weekly Build".into()),
            custom_message: None,
            ..base
        },
        8 => Received {
            category: "EVENT".into(),
            raw_type: "GenericInvitationType_EVENT".into(),
            custom_message: None,
            ..base
        },
        9 => Received {
            category: "MEMBER_FOLLOW".into(),
            raw_type: "GenericInvitationType_MEMBER_FOLLOW".into(),
            custom_message: None,
            ..base
        },
        _ => base,
    }
}

// ---------------------------------------------------------------------------------------------
// Middleware

fn error_plain(status: u16, message: &str) -> Response {
    (code(status), Json(json!({"error": message}))).into_response()
}

fn error_action(status: u16, message: &str) -> Response {
    (
        code(status),
        Json(json!({"success": false, "error": message})),
    )
        .into_response()
}

fn error_validation(message: &str) -> Response {
    (
        code(400),
        Json(json!({"success": false, "code": "validation_error", "message": message})),
    )
        .into_response()
}

fn error_zod_required(field: &str) -> Response {
    (
        code(400),
        Json(
            json!({"success": false, "error": {"name": "ZodError", "issues": [
            {"code": "invalid_type", "expected": "string", "received": "undefined",
             "path": [field], "message": "Required"}]}}),
        ),
    )
        .into_response()
}

fn code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).expect("status")
}

/// Bearer auth, then the trial switch.
async fn gate(State(fake): State<ConnectSafelyFake>, request: Request, next: Next) -> Response {
    let (key, expired) = {
        let s = fake.lock();
        (s.key.clone(), s.trial_expired)
    };
    let expected = format!("Bearer {key}");
    let sent = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    if sent != Some(expected.as_str()) {
        return error_plain(401, UNAUTHORIZED);
    }
    if expired {
        return error_action(403, TRIAL_EXPIRED);
    }
    next.run(request).await
}

/// `X-RateLimit-*` for CONNECT on every answer (account from `accountId` in the query).
async fn rate_limit_headers(
    State(fake): State<ConnectSafelyFake>,
    request: Request,
    next: Next,
) -> Response {
    let account_id = request.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "accountId")
            .map(|(_, v)| v.into_owned())
    });
    let mut response = next.run(request).await;
    let s = fake.lock();
    let now = s.now();
    let account = match account_id {
        Some(id) => s.account(&id),
        None => s.accounts.first(),
    };
    let used = account.map_or(0, |a| used_this_week(&a.connects, now));
    let h = response.headers_mut();
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    set("X-RateLimit-Action", "CONNECT".into());
    set("X-RateLimit-Limit", s.weekly_limit.to_string());
    set("X-RateLimit-Used", used.to_string());
    set(
        "X-RateLimit-Remaining",
        s.weekly_limit.saturating_sub(used).to_string(),
    );
    set(
        "X-RateLimit-Reset",
        next_reset(now).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    );
    response
}

async fn not_found(request: Request) -> Response {
    error_plain(
        404,
        &format!("Cannot {} {}", request.method(), request.uri().path()),
    )
}

// ---------------------------------------------------------------------------------------------
// Handlers

type Params = Query<BTreeMap<String, String>>;

fn account_json(a: &Account) -> Value {
    json!({
        "id": a.seed.id,
        "firstName": a.seed.first_name,
        "lastName": a.seed.last_name,
        "publicId": a.seed.public_id,
        "picture": null,
        "status": a.seed.status,
        "enabled": true,
        "apiSeatAllocated": true,
        "extraFieldFromTheFuture": {"ignored": true}
    })
}

async fn accounts(State(fake): State<ConnectSafelyFake>, Query(q): Params) -> Response {
    let s = fake.lock();
    let needle = q.get("q").map(|s| s.to_lowercase());
    let list: Vec<Value> = s
        .accounts
        .iter()
        .filter(|a| match &needle {
            None => true,
            Some(n) => {
                a.seed.id == *n
                    || a.seed.first_name.to_lowercase().contains(n)
                    || a.seed.last_name.to_lowercase().contains(n)
                    || a.seed.public_id.to_lowercase().contains(n)
            }
        })
        .map(account_json)
        .collect();
    Json(Value::Array(list)).into_response()
}

fn status_json(a: &Account) -> Value {
    json!({
        "id": a.seed.id,
        "firstName": a.seed.first_name,
        "lastName": a.seed.last_name,
        "publicId": a.seed.public_id,
        "platform": "ConnectSafely",
        "status": a.seed.status,
        "enabled": true,
        "lastUsed": "2026-02-24T04:53:13.750Z",
        "hasTokens": true,
        "linkedinPlan": {"premiumType": "NON_PREMIUM", "isPremium": false}
    })
}

async fn account_status(State(fake): State<ConnectSafelyFake>, Query(q): Params) -> Response {
    let mut s = fake.lock();
    match s.select(q.get("accountId").map(String::as_str)) {
        Ok(i) => Json(status_json(&s.accounts[i])).into_response(),
        Err(r) => r,
    }
}

fn valid_account_id(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn account_status_by_id(
    State(fake): State<ConnectSafelyFake>,
    Path(account_id): Path<String>,
) -> Response {
    if !valid_account_id(&account_id) {
        return error_plain(400, "Invalid account ID format");
    }
    let s = fake.lock();
    match s.account(&account_id) {
        Some(a) => Json(status_json(a)).into_response(),
        None => error_plain(404, "LinkedIn account not found or not accessible"),
    }
}

async fn quota(State(fake): State<ConnectSafelyFake>, Path(account_id): Path<String>) -> Response {
    if !valid_account_id(&account_id) {
        return error_plain(400, "Invalid account ID format");
    }
    let s = fake.lock();
    let now = s.now();
    let Some(a) = s.account(&account_id) else {
        return error_plain(404, "LinkedIn account not found or not accessible");
    };
    let used = used_this_week(&a.connects, now);
    let reached = used >= s.weekly_limit;
    let (used_json, limit_json, linkedin_limit, remaining) = if s.odd_quota_numbers {
        (
            json!(f64::from(used) + 0.4),
            json!(f64::from(s.weekly_limit)),
            json!(-1),
            json!(-1),
        )
    } else {
        (
            json!(used),
            json!(s.weekly_limit),
            json!(LINKEDIN_WEEKLY_LIMIT),
            json!(s.weekly_limit.saturating_sub(used)),
        )
    };
    Json(json!({
        "accountId": account_id,
        "quotas": [{
            "feature": "CONNECT",
            "window": "weekly",
            "used": used_json,
            "limit": limit_json,
            "linkedinLimit": linkedin_limit,
            "remaining": remaining,
            "limitReached": reached,
            "limitReachedAt": if reached { json!(now.to_rfc3339()) } else { Value::Null },
            "resetAt": next_reset(now).format("%Y-%m-%d %H:%M:%S+00:00").to_string()
        }]
    }))
    .into_response()
}

fn start_index(q: &BTreeMap<String, String>) -> Result<usize, Response> {
    match q.get("startIndex") {
        None => Ok(0),
        Some(v) => v
            .parse()
            .map_err(|_| error_validation("startIndex must be a non-negative number")),
    }
}

fn profile_json(first: &str, last: &str, slug: &str, headline: Option<&str>) -> Value {
    let url = if slug.is_empty() {
        String::new()
    } else {
        format!("https://www.linkedin.com/in/{slug}")
    };
    let mut p = json!({
        "firstName": first,
        "lastName": last,
        "profileUrl": url,
        "publicIdentifier": slug,
    });
    if let Some(h) = headline {
        p["headline"] = json!(h);
    }
    p
}

fn page_json<T>(
    items: &[T],
    start: usize,
    account_id: &str,
    (legacy, endless): (bool, bool),
    render: impl Fn(&T) -> Value,
) -> Value {
    let start = match endless {
        true => start % items.len().max(1),
        false => start,
    };
    let page: Vec<Value> = items
        .iter()
        .skip(start)
        .take(PAGE_SIZE)
        .map(render)
        .collect();
    let mut body = json!({
        "success": true,
        "invitations": page,
        // Doc artefact: `count` is not the number of items.
        "count": PAGE_SIZE,
        "startIndex": start,
        "accountId": account_id,
    });
    if !legacy {
        body["endOfList"] = json!(!endless && start + PAGE_SIZE >= items.len());
    }
    body
}

async fn list_sent(State(fake): State<ConnectSafelyFake>, Query(q): Params) -> Response {
    let start = match start_index(&q) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut s = fake.lock();
    let i = match s.select(q.get("accountId").map(String::as_str)) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let legacy = (s.legacy_pagination, s.endless);
    let a = &s.accounts[i];
    Json(page_json(&a.sent, start, &a.seed.id, legacy, |inv| {
        json!({
            "id": inv.id,
            "invitationId": inv.id,
            "invitationUrn": format!("urn:li:invitation:{}", inv.id),
            "memberId": inv.member_id,
            "memberUrn": format!("urn:li:fsd_profile:{}", inv.member_id),
            "invitationType": "SENT",
            "sentAt": inv.sent_at,
            "profile": profile_json(&inv.first_name, &inv.last_name, &inv.public_id, Some(&inv.headline)),
        })
    }))
    .into_response()
}

async fn list_received(State(fake): State<ConnectSafelyFake>, Query(q): Params) -> Response {
    let start = match start_index(&q) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut s = fake.lock();
    let i = match s.select(q.get("accountId").map(String::as_str)) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let legacy = (s.legacy_pagination, s.endless);
    let a = &s.accounts[i];
    Json(page_json(&a.received, start, &a.seed.id, legacy, |inv| {
        let member_urn = if inv.member_id.is_empty() {
            String::new()
        } else {
            format!("urn:li:fsd_profile:{}", inv.member_id)
        };
        let mut item = json!({
            "id": inv.id,
            "invitationId": inv.id,
            "invitationUrn": format!("urn:li:invitation:{}", inv.id),
            "memberId": inv.member_id,
            "memberUrn": member_urn,
            "invitationType": "RECEIVED",
            "invitationCategory": inv.category,
            "linkedInInvitationType": inv.raw_type,
            "validationToken": inv.token,
            "receivedAt": inv.received_at,
            "profile": profile_json(&inv.first_name, &inv.last_name, &inv.public_id, None),
        });
        if let Some(c) = &inv.company_name {
            item["companyName"] = json!(c);
        }
        if let Some(n) = &inv.newsletter_name {
            item["newsletterName"] = json!(n);
        }
        if let Some(m) = &inv.custom_message {
            item["customMessage"] = json!(m);
        }
        item
    }))
    .into_response()
}

/// Parses a JSON object body; `Err` is the 400 to send.
fn json_body(body: &str) -> Result<serde_json::Map<String, Value>, Response> {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(error_action(400, "Request body must be a JSON object")),
    }
}

fn text_field<'a>(body: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a str> {
    body.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

async fn withdraw(State(fake): State<ConnectSafelyFake>, body: String) -> Response {
    let body = match json_body(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(profile_id) = text_field(&body, "profileId") else {
        return error_zod_required("profileId");
    };
    let mut s = fake.lock();
    let i = match s.select(text_field(&body, "accountId")) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if s.person(profile_id).is_none() {
        return error_action(404, "Profile not found");
    }
    let no_pending = s.no_pending_wording.clone();
    let account = &mut s.accounts[i];
    let Some(pos) = account
        .sent
        .iter()
        .position(|inv| inv.public_id == profile_id)
    else {
        let wording = no_pending.as_deref();
        return error_action(
            400,
            wording.unwrap_or("No pending invitation found for this profile"),
        );
    };
    let inv = account.sent.remove(pos);
    Json(json!({
        "success": true,
        "message": format!("Successfully withdrew invitation to {} {}", inv.first_name, inv.last_name),
        "accountId": account.seed.id,
    }))
    .into_response()
}

async fn respond(State(fake): State<ConnectSafelyFake>, body: String) -> Response {
    let body = match json_body(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    for field in [
        "action",
        "invitationId",
        "validationToken",
        "linkedInInvitationType",
        "firstName",
        "lastName",
    ] {
        if text_field(&body, field).is_none() {
            return error_zod_required(field);
        }
    }
    let action = text_field(&body, "action").unwrap_or_default();
    if action != "ACCEPT" && action != "IGNORE" {
        return error_validation("action must be one of: ACCEPT, IGNORE");
    }
    let field = |name| text_field(&body, name).unwrap_or_default().to_string();
    let mut s = fake.lock();
    let i = match s.select(text_field(&body, "accountId")) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let no_pending = s.no_pending_wording.clone();
    let account = &mut s.accounts[i];
    let Some(pos) = account
        .received
        .iter()
        .position(|inv| inv.id == field("invitationId"))
    else {
        if let Some(wording) = no_pending {
            return error_action(400, &wording);
        }
        if let Some(how) = account.answered.get(&field("invitationId")) {
            return error_action(
                400,
                &format!("Invitation is no longer pending (already {how})"),
            );
        }
        return error_action(400, "Invitation not found or no longer pending");
    };
    let inv = &account.received[pos];
    if inv.token != field("validationToken") {
        return error_action(400, "Invalid validation token");
    }
    if inv.raw_type != field("linkedInInvitationType") {
        return error_action(400, "linkedInInvitationType does not match the invitation");
    }
    if inv.first_name != field("firstName") || inv.last_name != field("lastName") {
        return error_action(400, "firstName/lastName do not match the inviter");
    }
    let profile_id = field("profileId");
    if inv.category == "CONNECTION" && profile_id.is_empty() {
        return error_action(400, "profileId is required for connection invitations");
    }
    if !profile_id.is_empty() && profile_id != inv.member_id {
        return error_action(400, "profileId does not match the invitation");
    }
    let inv = account.received.remove(pos);
    account.answered.insert(
        inv.id.clone(),
        if action == "ACCEPT" {
            "accepted"
        } else {
            "ignored"
        },
    );
    if action == "ACCEPT" && inv.category == "CONNECTION" {
        account.connections.insert(inv.public_id.clone());
    }
    let verb = if action == "ACCEPT" {
        "accepted"
    } else {
        "ignored"
    };
    Json(json!({
        "success": true,
        "message": format!("Invitation from {} {} {verb}", inv.first_name, inv.last_name),
        "accountId": account.seed.id,
    }))
    .into_response()
}

async fn connect(State(fake): State<ConnectSafelyFake>, body: String) -> Response {
    let body = match json_body(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let slug = match (
        text_field(&body, "profileId"),
        text_field(&body, "profileUrn"),
    ) {
        (Some(slug), _) => slug.to_string(),
        (None, Some(_)) => {
            return error_validation("profileUrn lookups are not supported by this fake")
        }
        (None, None) => return error_zod_required("profileId"),
    };
    if let Some(m) = body.get("customMessage").and_then(Value::as_str) {
        if m.chars().count() > 300 {
            return error_validation("customMessage must be at most 300 characters");
        }
    }
    let mut s = fake.lock();
    let now = s.now();
    let limit = s.weekly_limit;
    let i = match s.select(text_field(&body, "accountId")) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let Some((first, last, member_id)) = s.person(&slug) else {
        return error_action(404, "Profile not found");
    };
    let id = s.fresh_id();
    let account = &mut s.accounts[i];
    if let Some(until) = account.hold_until.filter(|u| *u > now) {
        return hold_response(until, now, used_this_week(&account.connects, now), limit);
    }
    if account.connections.contains(&slug) {
        return error_action(400, "Already connected to this profile");
    }
    if account.sent.iter().any(|inv| inv.public_id == slug) {
        return error_action(400, "An invitation to this profile is already pending");
    }
    let used = used_this_week(&account.connects, now);
    if used >= limit {
        let until = now + Duration::hours(24);
        account.hold_until = Some(until);
        return hold_response(until, now, used, limit);
    }
    account.connects.push(now);
    account.sent.insert(
        0,
        Sent {
            id,
            member_id: member_id.clone(),
            first_name: first,
            last_name: last,
            headline: String::new(),
            public_id: slug,
            sent_at: "today".into(),
        },
    );
    Json(json!({
        "success": true,
        "message": "Connection request sent successfully",
        "profileUrn": format!("urn:li:fsd_profile:{member_id}"),
    }))
    .into_response()
}

fn hold_response(until: DateTime<Utc>, now: DateTime<Utc>, used: u32, limit: u32) -> Response {
    let reset = next_reset(now).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut headers = HeaderMap::new();
    let secs = (until - now).num_seconds().max(0);
    headers.insert(
        "Retry-After",
        HeaderValue::from_str(&secs.to_string()).expect("digits"),
    );
    (
        code(429),
        headers,
        Json(json!({
            "success": false,
            "error": format!("Rate limit exceeded for CONNECT: {used}/{limit} used. Resets at {reset}"),
            "holdUntil": until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })),
    )
        .into_response()
}

async fn relationship_default(
    State(fake): State<ConnectSafelyFake>,
    Path(profile_id): Path<String>,
) -> Response {
    relationship_for(&fake, None, &profile_id)
}

async fn relationship(
    State(fake): State<ConnectSafelyFake>,
    Path((account_id, profile_id)): Path<(String, String)>,
) -> Response {
    relationship_for(&fake, Some(&account_id), &profile_id)
}

fn relationship_for(fake: &ConnectSafelyFake, account_id: Option<&str>, slug: &str) -> Response {
    let mut s = fake.lock();
    let i = match s.select(account_id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let Some((_, _, member_id)) = s.person(slug) else {
        return error_action(404, "Profile not found");
    };
    let a = &s.accounts[i];
    let connected = a.connections.contains(slug);
    let sent = a.sent.iter().any(|inv| inv.public_id == slug);
    let received = a.received.iter().any(|inv| inv.public_id == slug);
    let status = match (connected, sent, received) {
        (true, _, _) => "CONNECTED",
        (_, true, _) => "INVITATION_SENT",
        (_, _, true) => "INVITATION_RECEIVED",
        _ => "NOT_CONNECTED",
    };
    let (connected, sent) = match s.relationship_flags_null {
        true => (Value::Null, Value::Null),
        false => (json!(connected), json!(sent)),
    };
    Json(json!({
        "connected": connected,
        "invitationSent": sent,
        "invitationReceived": received,
        "status": status,
        "profileUrn": format!("urn:li:fsd_profile:{member_id}"),
        "accountId": a.seed.id,
    }))
    .into_response()
}
