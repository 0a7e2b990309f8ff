//! A stateful fake of the Edges API (providers.md §2), served under `/v1`.
//!
//! - Auth: `X-API-Key`; a missing or wrong key gets 401 with an Edges error body (the label of
//!   that body is not documented; `UNAUTHORIZED` is used).
//! - `GET /identities` (bare array, 1-based `page`, 10 per page; `retrieve_accounts=true` fills
//!   `accounts[]`, without it every identity looks disconnected).
//! - `POST /actions/{slug}/run/live` for the invitation actions. The body is checked like the
//!   real schema: `inputs` (or any unknown key) is a 400 `"body must NOT have additional
//!   properties (inputs)"`, exactly one identity, `identity_mode` "direct" when given.
//! - Listings: pages of 100, newest first, as a bare array; more pages are announced by an
//!   `X-Pagination-Next` header holding the full URL with a `cursor`. The cursor remembers the
//!   last item served (keyset), so a withdrawal between pages never skips anyone. `page=N` is
//!   honoured too (manual pagination).
//! - Writes change state: withdraw removes a sent invitation (`STATUS_404` when it is not
//!   there), accept removes a received one and makes a connection (`LK_ERROR` on a wrong
//!   secret), connect adds a sent invitation and enforces the smart limit of 25 per rolling
//!   24 h (`LIMIT_REACHED`, 429, `params.postponed_until`), `ALREADY_CONNECTED`,
//!   `INVITATION_PENDING`, and `PROFILE_NOT_ACCESSIBLE` for slugs starting with `no-such-`.
//! - Identities can be made disconnected (`NOT_CONNECTED`) or expired (`AUTH_EXPIRED`).
//! - Modes for answers the doc allows and the defaults do not give (all off by default):
//!   `set_identities_past_end` (a page of `GET /identities` past the last answers 400, 404 or
//!   `NO_RESULT` instead of `[]`), `set_failing_listing_page` (one listing page answers a 424
//!   label, e.g. `STATUS_404`), `set_received_secrets(false)` (received items without
//!   `invitation_secret`), `set_legacy_urns(true)` (listed URNs as `urn:li:invitation:<id>`),
//!   `set_withdraw_gone_label` (what withdrawing a gone invitation answers: `LK_ERROR` is
//!   allowed, §2.5), `set_connect_accepts_theirs(true)` (connecting to someone whose invitation
//!   is pending connects at once: `connected: true`). `fault_error_with_params` gives error
//!   bodies with any `params` (`[]`, a string, …).
//! - Ids are 19-digit strings, or integers after `set_integer_ids(true)` (the bulk-accept
//!   example's form); `sent_date` is an RFC 3339 date-time.

// Handlers return their refusal as the `Err` of a `Result`: an axum `Response` is large, but
// this is a test fake, not a hot path.
#![allow(clippy::result_large_err)]

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header::HOST, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use super::people::{self, Member};
use super::{invitation_urn, serve, Controls, FakeServer, Fault, INVITATION_URN_PREFIX};

pub const BASE_PATH: &str = "/v1";
pub const DEFAULT_KEY: &str = "edges_test_5b1f0c9e8d7a6b4c3d2e1f00";
pub const PAGE_SIZE: usize = 100;
pub const IDENTITY_PAGE_SIZE: usize = 10;
pub const DAILY_CONNECT_LIMIT: usize = 25;
pub const MAX_MESSAGE_CHARS: usize = 300;

pub const SENT_ACTION: &str = "linkedin-extract-sent-invitations";
pub const RECEIVED_ACTION: &str = "linkedin-extract-received-invitations";
pub const WITHDRAW_ACTION: &str = "linkedin-withdraw-invitation";
pub const ACCEPT_ACTION: &str = "linkedin-accept-invitation";
pub const CONNECT_ACTION: &str = "linkedin-connect-profile";

const FIRST_INVITATION_ID: u64 = 7_329_176_687_475_109_888;
const TOP_LEVEL_KEYS: [&str; 4] = ["identity_ids", "identity_mode", "input", "parameters"];

/// The path of an action's live run, relative to the base (for fault rules and log counts).
pub fn action_path(slug: &str) -> String {
    format!("/actions/{slug}/run/live")
}

/// An Edges error body.
pub fn error_body(status: u16, label: &str, scope: &str, message: &str, params: Value) -> Value {
    json!({
        "error_label": label,
        "error_scope": scope,
        "error_ref": format!("ERR-{}", 10_000 + status as u32 * 7 + label.len() as u32),
        "message": message,
        "status_code": status,
        "params": params,
    })
}

/// An answer with an Edges error body.
pub fn fault_error(status: u16, label: &str, message: &str) -> Fault {
    fault_error_with_params(status, label, message, json!({}))
}

/// An answer with an Edges error body whose `params` is `params`, whatever its type.
pub fn fault_error_with_params(status: u16, label: &str, message: &str, params: Value) -> Fault {
    Fault::status(status, error_body(status, label, "action", message, params))
}

/// How `GET /identities` answers a page past the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PastLastPage {
    /// `[]` (the default).
    EmptyArray,
    /// 404 `NOT_FOUND` (a documented error of the route).
    NotFound,
    /// 400 `BAD_PARAMETERS` (the other documented error).
    BadRequest,
    /// 424 `NO_RESULT`.
    NoResult,
}

/// 401 as the fake answers a wrong key (an expired or revoked key looks the same).
pub fn fault_bad_key() -> Fault {
    Fault::status(
        401,
        error_body(
            401,
            "UNAUTHORIZED",
            "auth",
            "Invalid or missing API key",
            json!({}),
        ),
    )
}

pub fn fault_no_access() -> Fault {
    fault_error(
        402,
        "NO_ACCESS",
        "Your workspace has no access to this action",
    )
}

/// `STATUS_429` with a `Retry-After` header.
pub fn fault_status_429(retry_after: &str) -> Fault {
    fault_error(429, "STATUS_429", "Too many requests").with_header("Retry-After", retry_after)
}

pub fn fault_lk_524() -> Fault {
    fault_error(424, "LK_524", "LinkedIn timed out")
}

pub fn fault_proxy_error() -> Fault {
    fault_error(424, "PROXY_ERROR", "The proxy could not reach LinkedIn")
}

pub fn fault_auth_expired() -> Fault {
    fault_error(
        424,
        "AUTH_EXPIRED",
        "The LinkedIn session of this identity expired",
    )
}

/// How to seed one identity.
#[derive(Debug, Clone)]
pub struct IdentitySeed {
    pub uid: String,
    pub name: String,
    /// `standard` or `engagement`.
    pub kind: String,
    /// Status of the connected LinkedIn account; `None` = no LinkedIn account.
    pub linkedin_status: Option<String>,
    pub sent: usize,
    pub received: usize,
    /// Slugs of people already connected.
    pub connections: Vec<String>,
    /// Connection requests already sent in the last 24 h.
    pub connects_used: usize,
}

impl IdentitySeed {
    pub fn new(uid: &str, name: &str) -> Self {
        IdentitySeed {
            uid: uid.to_string(),
            name: name.to_string(),
            kind: "standard".into(),
            linkedin_status: Some("connected".into()),
            sent: 0,
            received: 0,
            connections: Vec::new(),
            connects_used: 0,
        }
    }

    pub fn sent(mut self, n: usize) -> Self {
        self.sent = n;
        self
    }

    pub fn received(mut self, n: usize) -> Self {
        self.received = n;
        self
    }

    pub fn linkedin_status(mut self, status: Option<&str>) -> Self {
        self.linkedin_status = status.map(str::to_string);
        self
    }

    pub fn connected_to(mut self, slug: &str) -> Self {
        self.connections.push(slug.to_string());
        self
    }

    pub fn connects_used(mut self, n: usize) -> Self {
        self.connects_used = n;
        self
    }
}

/// A sent invitation as the fake holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// Position in the list: higher is newer.
    pub seq: u64,
    pub id: u64,
    pub member: Member,
    pub sent_at: DateTime<Utc>,
}

impl Sent {
    pub fn urn(&self) -> String {
        invitation_urn(self.id)
    }
}

/// A received invitation as the fake holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub seq: u64,
    pub id: u64,
    pub member: Member,
    pub sent_at: DateTime<Utc>,
    pub secret: String,
    pub message: Option<String>,
}

impl Received {
    pub fn urn(&self) -> String {
        invitation_urn(self.id)
    }
}

#[derive(Debug)]
struct Identity {
    seed: IdentitySeed,
    auth_expired: bool,
    sent: Vec<Sent>,
    received: Vec<Received>,
    connections: BTreeSet<String>,
    connects: Vec<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
struct Cursor {
    uid: String,
    action: String,
    /// The `seq` of the last item served: the next page starts below it.
    after_seq: u64,
}

#[derive(Debug)]
struct FakeState {
    key: String,
    identities: Vec<Identity>,
    cursors: HashMap<String, Cursor>,
    next_seq: u64,
    next_id: u64,
    next_cursor: u64,
    clock: Option<DateTime<Utc>>,
    integer_ids: bool,
    identities_past_end: PastLastPage,
    /// A listing page (1-based) that answers 424 with this label, every time it is asked.
    failing_listing_page: Option<(usize, String)>,
    received_secrets: bool,
    legacy_urns: bool,
    withdraw_gone_label: String,
    connect_accepts_theirs: bool,
}

/// The fake. Clone it to keep a handle on its state while it serves.
#[derive(Debug, Clone)]
pub struct EdgesFake {
    state: Arc<Mutex<FakeState>>,
}

impl EdgesFake {
    pub fn new(key: &str) -> Self {
        EdgesFake {
            state: Arc::new(Mutex::new(FakeState {
                key: key.to_string(),
                identities: Vec::new(),
                cursors: HashMap::new(),
                next_seq: 1,
                next_id: FIRST_INVITATION_ID,
                next_cursor: 0x5eed,
                clock: None,
                integer_ids: false,
                identities_past_end: PastLastPage::EmptyArray,
                failing_listing_page: None,
                received_secrets: true,
                legacy_urns: false,
                withdraw_gone_label: "STATUS_404".into(),
                connect_accepts_theirs: false,
            })),
        }
    }

    /// Adds an identity with generated invitations (newest first, ages spread over ~6 months).
    pub fn with_identity(self, seed: IdentitySeed) -> Self {
        {
            let mut s = self.lock();
            let salt = s.identities.len() * 2;
            let now = s.now();
            let mut sent = Vec::with_capacity(seed.sent);
            // Oldest first, so the newest gets the highest `seq`.
            for i in (0..seed.sent).rev() {
                let (seq, id) = s.fresh();
                sent.push(Sent {
                    seq,
                    id,
                    member: people::member(i, salt),
                    sent_at: now - age(i, seed.sent),
                });
            }
            let mut received = Vec::with_capacity(seed.received);
            for i in (0..seed.received).rev() {
                let (seq, id) = s.fresh();
                received.push(Received {
                    seq,
                    id,
                    member: people::member(i, salt + 1),
                    sent_at: now - age(i, seed.received),
                    secret: people::token(id, "", 8),
                    message: (i % 4 == 1)
                        .then(|| "Hi! We met at the Lisbon meetup, would love to connect.".into()),
                });
            }
            let connects = (0..seed.connects_used).map(|_| now).collect();
            let connections = seed.connections.iter().cloned().collect();
            s.identities.push(Identity {
                seed,
                auth_expired: false,
                sent,
                received,
                connections,
                connects,
            });
        }
        self
    }

    /// Fixes the fake's clock (the smart limit's 24 h window).
    pub fn set_now(&self, now: DateTime<Utc>) {
        self.lock().clock = Some(now);
    }

    /// Send `linkedin_invitation_id` as a JSON integer instead of a string.
    pub fn set_integer_ids(&self, on: bool) {
        self.lock().integer_ids = on;
    }

    pub fn set_identities_past_end(&self, answer: PastLastPage) {
        self.lock().identities_past_end = answer;
    }

    /// Listing page `page` (1-based, sent or received) answers 424 `label` until cleared.
    pub fn set_failing_listing_page(&self, page: Option<(usize, &str)>) {
        self.lock().failing_listing_page = page.map(|(n, label)| (n, label.to_string()));
    }

    /// Off: received items come without `invitation_secret`.
    pub fn set_received_secrets(&self, on: bool) {
        self.lock().received_secrets = on;
    }

    /// On: listed URNs read `urn:li:invitation:<id>` (withdraw and accept still need the
    /// `urn:li:fsd_invitation:` form).
    pub fn set_legacy_urns(&self, on: bool) {
        self.lock().legacy_urns = on;
    }

    /// The 424 label withdrawing an invitation that is not pending answers (`STATUS_404`).
    pub fn set_withdraw_gone_label(&self, label: &str) {
        self.lock().withdraw_gone_label = label.to_string();
    }

    /// On: a connection request to someone whose invitation to this identity is pending
    /// accepts it, as LinkedIn does, and answers `connected: true, pending: false`.
    pub fn set_connect_accepts_theirs(&self, on: bool) {
        self.lock().connect_accepts_theirs = on;
    }

    /// Replace the valid key (the old one then gets 401, like an expired or revoked key).
    pub fn set_key(&self, key: &str) {
        self.lock().key = key.to_string();
    }

    pub fn set_auth_expired(&self, uid: &str, expired: bool) {
        if let Some(i) = self.lock().identity_mut(uid) {
            i.auth_expired = expired;
        }
    }

    pub fn set_linkedin_status(&self, uid: &str, status: Option<&str>) {
        if let Some(i) = self.lock().identity_mut(uid) {
            i.seed.linkedin_status = status.map(str::to_string);
        }
    }

    /// Removes a sent invitation as if it had been withdrawn on LinkedIn directly.
    pub fn remove_sent(&self, uid: &str, id: u64) -> bool {
        let mut s = self.lock();
        let Some(identity) = s.identity_mut(uid) else {
            return false;
        };
        let before = identity.sent.len();
        identity.sent.retain(|x| x.id != id);
        identity.sent.len() < before
    }

    /// Pending sent invitations, newest first.
    pub fn sent(&self, uid: &str) -> Vec<Sent> {
        let s = self.lock();
        let mut v = s.identity(uid).map(|i| i.sent.clone()).unwrap_or_default();
        v.sort_by_key(|x| Reverse(x.seq));
        v
    }

    /// Pending received invitations, newest first.
    pub fn received(&self, uid: &str) -> Vec<Received> {
        let s = self.lock();
        let mut v = s
            .identity(uid)
            .map(|i| i.received.clone())
            .unwrap_or_default();
        v.sort_by_key(|x| Reverse(x.seq));
        v
    }

    pub fn is_connected(&self, uid: &str, slug: &str) -> bool {
        self.lock()
            .identity(uid)
            .is_some_and(|i| i.connections.contains(slug))
    }

    /// Connection requests counted in the current rolling 24 h.
    pub fn connects_in_window(&self, uid: &str) -> usize {
        let s = self.lock();
        let now = s.now();
        s.identity(uid).map_or(0, |i| {
            i.connects
                .iter()
                .filter(|t| **t > now - Duration::hours(24))
                .count()
        })
    }

    /// The router, under `/v1`, with the key check (not yet instrumented).
    pub fn router(&self) -> Router {
        let api = Router::new()
            .route("/identities", get(identities))
            .route("/actions/{slug}/run/live", post(run_live))
            .fallback(not_found)
            .layer(axum::middleware::from_fn_with_state(self.clone(), gate))
            .with_state(self.clone());
        Router::new().nest(BASE_PATH, api)
    }

    /// Starts it on a loopback port in the current runtime.
    pub async fn start(&self) -> FakeServer {
        serve(self.router(), Controls::new(BASE_PATH)).await
    }

    fn lock(&self) -> MutexGuard<'_, FakeState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Age of the `i`-th newest of `n` invitations: from hours to about six months.
fn age(i: usize, n: usize) -> Duration {
    let days = (i * 180 / n.max(1)) as i64;
    Duration::days(days) + Duration::hours(3 + (i % 7) as i64)
}

impl FakeState {
    fn now(&self) -> DateTime<Utc> {
        self.clock.unwrap_or_else(Utc::now)
    }

    fn fresh(&mut self) -> (u64, u64) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.next_id += 7_919;
        (seq, self.next_id)
    }

    fn identity(&self, uid: &str) -> Option<&Identity> {
        self.identities.iter().find(|i| i.seed.uid == uid)
    }

    fn identity_mut(&mut self, uid: &str) -> Option<&mut Identity> {
        self.identities.iter_mut().find(|i| i.seed.uid == uid)
    }

    fn listed_urn(&self, id: u64) -> String {
        if self.legacy_urns {
            format!("urn:li:invitation:{id}")
        } else {
            invitation_urn(id)
        }
    }

    fn id_value(&self, id: u64) -> Value {
        if self.integer_ids {
            json!(id)
        } else {
            json!(id.to_string())
        }
    }
}

fn error(status: u16, label: &str, scope: &str, message: &str) -> Response {
    error_with(status, label, scope, message, json!({}))
}

fn error_with(status: u16, label: &str, scope: &str, message: &str, params: Value) -> Response {
    let code = StatusCode::from_u16(status).expect("status");
    (
        code,
        Json(error_body(status, label, scope, message, params)),
    )
        .into_response()
}

async fn gate(State(fake): State<EdgesFake>, request: Request, next: Next) -> Response {
    let key = fake.lock().key.clone();
    let given = request
        .headers()
        .get("x-api-key")
        .and_then(|v| v.to_str().ok());
    if given != Some(key.as_str()) {
        return error(401, "UNAUTHORIZED", "auth", "Invalid or missing API key");
    }
    next.run(request).await
}

async fn not_found() -> Response {
    error(404, "NOT_FOUND", "route", "Route not found")
}

async fn identities(
    State(fake): State<EdgesFake>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let s = fake.lock();
    let page = match q.get("page").map(|p| p.parse::<usize>()) {
        None => 1,
        Some(Ok(p)) if p >= 1 => p,
        Some(_) => {
            return error(
                400,
                "BAD_PARAMETERS",
                "query",
                "page must be an integer >= 1",
            )
        }
    };
    let with_accounts = q.get("retrieve_accounts").is_some_and(|v| v == "true");
    let search = q.get("query").map(|s| s.to_lowercase());
    let items: Vec<Value> = s
        .identities
        .iter()
        .filter(|i| {
            search
                .as_ref()
                .is_none_or(|q| i.seed.name.to_lowercase().contains(q))
        })
        .skip((page - 1) * IDENTITY_PAGE_SIZE)
        .take(IDENTITY_PAGE_SIZE)
        .map(|i| {
            let accounts = match (&i.seed.linkedin_status, with_accounts) {
                (Some(status), true) => json!([{"type": "linkedin", "status": status}]),
                _ => json!([]),
            };
            json!({
                "uid": i.seed.uid,
                "created_at": "2023-10-01T12:00:00Z",
                "workspace_uid": "5678e456-e89b-12d3-a456-426614174001",
                "name": i.seed.name,
                "type": i.seed.kind,
                "timezone": "Europe/Paris",
                "integrations": ["linkedin"],
                "accounts": accounts,
            })
        })
        .collect();
    if items.is_empty() && page > 1 {
        match s.identities_past_end {
            PastLastPage::EmptyArray => {}
            PastLastPage::NotFound => return error(404, "NOT_FOUND", "query", "Page not found"),
            PastLastPage::BadRequest => {
                return error(400, "BAD_PARAMETERS", "query", "page is out of range")
            }
            PastLastPage::NoResult => return error(424, "NO_RESULT", "linkedin", "No result"),
        }
    }
    Json(Value::Array(items)).into_response()
}

async fn run_live(
    State(fake): State<EdgesFake>,
    Path(slug): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&body) else {
        return error(400, "BAD_INPUT", "body", "body must be a JSON object");
    };
    if let Some(extra) = body.keys().find(|k| !TOP_LEVEL_KEYS.contains(&k.as_str())) {
        return error(
            400,
            "BAD_INPUT",
            "body",
            &format!("body must NOT have additional properties ({extra})"),
        );
    }
    let uid = match body.get("identity_ids").and_then(Value::as_array) {
        Some(ids) if ids.len() == 1 && ids[0].is_string() => ids[0].as_str().unwrap_or_default(),
        _ => {
            return error(
                400,
                "BAD_PARAMETERS",
                "body",
                "identity_ids must hold exactly one identity uid for this action",
            )
        }
    };
    if let Some(mode) = body.get("identity_mode") {
        if mode != "direct" {
            return error(
                400,
                "BAD_PARAMETERS",
                "body",
                "invitation actions need identity_mode \"direct\"",
            );
        }
    }
    let mut s = fake.lock();
    let Some(identity) = s.identity(uid) else {
        return error(400, "BAD_PARAMETERS", "body", "unknown identity uid");
    };
    if identity.auth_expired {
        return error(
            424,
            "AUTH_EXPIRED",
            "identity",
            "The LinkedIn session of this identity expired",
        );
    }
    if identity.seed.linkedin_status.as_deref() != Some("connected") {
        return error(
            424,
            "NOT_CONNECTED",
            "identity",
            "This identity has no connected LinkedIn account",
        );
    }
    let uid = uid.to_string();
    let input = body.get("input");
    match slug.as_str() {
        SENT_ACTION | RECEIVED_ACTION => {
            if input.is_some_and(|i| i.as_object().is_none_or(|o| !o.is_empty())) {
                return error(400, "BAD_INPUT", "input", "this action takes no input");
            }
            let host = headers
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("127.0.0.1");
            list(&mut s, &uid, &slug, &q, host)
        }
        WITHDRAW_ACTION => withdraw(&mut s, &uid, input),
        ACCEPT_ACTION => accept(&mut s, &uid, input),
        CONNECT_ACTION => connect(&mut s, &uid, input, body.get("parameters")),
        _ => error(404, "NOT_FOUND", "action", "Unknown action"),
    }
}

fn list(
    s: &mut FakeState,
    uid: &str,
    slug: &str,
    q: &HashMap<String, String>,
    host: &str,
) -> Response {
    let sent = slug == SENT_ACTION;
    let identity = s.identity(uid).expect("checked");
    // (seq, index), newest first: a page is then found without a scan per item (a listing of
    // 100,000 reads 1,000 pages; the benchmark times the client, not this fake).
    let mut seqs: Vec<(u64, usize)> = if sent {
        identity
            .sent
            .iter()
            .enumerate()
            .map(|(i, x)| (x.seq, i))
            .collect()
    } else {
        identity
            .received
            .iter()
            .enumerate()
            .map(|(i, x)| (x.seq, i))
            .collect()
    };
    seqs.sort_unstable_by_key(|(seq, _)| Reverse(*seq));
    let start = match q.get("cursor") {
        Some(token) => match s.cursors.get(token) {
            Some(c) if c.uid == uid && c.action == slug => seqs
                .iter()
                .position(|(seq, _)| *seq < c.after_seq)
                .unwrap_or(seqs.len()),
            _ => return error(400, "BAD_PARAMETERS", "query", "invalid or expired cursor"),
        },
        None => match q.get("page").map(|p| p.parse::<usize>()) {
            None => 0,
            Some(Ok(p)) if p >= 1 => (p - 1) * PAGE_SIZE,
            Some(_) => {
                return error(
                    400,
                    "BAD_PARAMETERS",
                    "query",
                    "page must be an integer >= 1",
                )
            }
        },
    };
    let start = start.min(seqs.len());
    if let Some((_, label)) = s
        .failing_listing_page
        .as_ref()
        .filter(|(n, _)| *n == start / PAGE_SIZE + 1)
    {
        return error(424, label, "linkedin", "The page could not be loaded");
    }
    let page: Vec<(u64, usize)> = seqs[start..].iter().take(PAGE_SIZE).copied().collect();
    let items: Vec<Value> = page
        .iter()
        .map(|(_, i)| {
            if sent {
                sent_json(s, &identity.sent[*i])
            } else {
                received_json(s, &identity.received[*i])
            }
        })
        .collect();
    let mut response = Json(Value::Array(items)).into_response();
    if let Some((last, _)) = page.last().filter(|_| start + page.len() < seqs.len()) {
        s.next_cursor += 1;
        let token = format!("c{:x}{}", s.next_cursor * 2_654_435_761, uid.len());
        s.cursors.insert(
            token.clone(),
            Cursor {
                uid: uid.to_string(),
                action: slug.to_string(),
                after_seq: *last,
            },
        );
        let next = format!("http://{host}{BASE_PATH}/actions/{slug}/run/live?cursor={token}");
        response.headers_mut().insert(
            "X-Pagination-Next",
            HeaderValue::from_str(&next).expect("header"),
        );
    }
    response
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn sent_json(s: &FakeState, x: &Sent) -> Value {
    json!({
        "linkedin_invitation_id": s.id_value(x.id),
        "linkedin_invitation_urn": s.listed_urn(x.id),
        "sent_date": timestamp(x.sent_at),
        "linkedin_profile_url": x.member.profile_url(),
        "job_title": x.member.headline,
        "full_name": x.member.full_name(),
        "first_name": x.member.first,
        "last_name": x.member.last,
        "sales_navigator_profile_id": x.member.sales_navigator_id,
        "linkedin_profile_id": x.member.numeric_id,
    })
}

fn received_json(s: &FakeState, x: &Received) -> Value {
    let mut item = json!({
        "linkedin_invitation_id": s.id_value(x.id),
        "linkedin_invitation_urn": s.listed_urn(x.id),
        "message": x.message,
        "sent_date": timestamp(x.sent_at),
        "invitation_secret": x.secret,
        "linkedin_profile_handle": x.member.slug,
        "linkedin_profile_url": x.member.profile_url(),
        "first_name": x.member.first,
        "last_name": x.member.last,
        "full_name": x.member.full_name(),
        "title": x.member.headline,
        "sales_navigator_profile_id": x.member.sales_navigator_id,
        "linkedin_profile_id": x.member.numeric_id,
        "linkedin_profile_image_url": x.member.picture_url(),
    });
    if !s.received_secrets {
        item.as_object_mut()
            .expect("an object")
            .remove("invitation_secret");
    }
    item
}

/// The `input` object, with only `allowed` keys. `Err` is the 400 to send.
fn input_object<'a>(
    input: Option<&'a Value>,
    allowed: &[&str],
) -> Result<&'a Map<String, Value>, Response> {
    let Some(obj) = input.and_then(Value::as_object) else {
        return Err(error(400, "BAD_INPUT", "input", "input must be an object"));
    };
    if let Some(extra) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(error(
            400,
            "BAD_INPUT",
            "input",
            &format!("input must NOT have additional properties ({extra})"),
        ));
    }
    Ok(obj)
}

/// `^urn:li:fsd_invitation:\d+$`
fn valid_urn(urn: &str) -> bool {
    urn.strip_prefix(INVITATION_URN_PREFIX)
        .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
}

/// The urn in `input`, checked against the documented pattern.
fn input_urn(obj: &Map<String, Value>) -> Result<Option<String>, Response> {
    match obj.get("linkedin_invitation_urn") {
        None => Ok(None),
        Some(Value::String(urn)) if valid_urn(urn) => Ok(Some(urn.clone())),
        Some(_) => Err(error(
            400,
            "BAD_INPUT",
            "input",
            "input.linkedin_invitation_urn must match pattern \"^urn:li:fsd_invitation:\\d+$\"",
        )),
    }
}

/// The documented withdraw / accept output, in its one-element array.
fn done(id: u64, urn: String) -> Response {
    Json(json!([{"linkedin_invitation_id": id.to_string(), "linkedin_invitation_urn": urn}]))
        .into_response()
}

fn withdraw(s: &mut FakeState, uid: &str, input: Option<&Value>) -> Response {
    let obj = match input_object(
        input,
        &[
            "linkedin_invitation_urn",
            "linkedin_invitation_type",
            "custom_data",
        ],
    ) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let urn = match input_urn(obj) {
        Ok(Some(urn)) => urn,
        Ok(None) => {
            return error(
                400,
                "BAD_INPUT",
                "input",
                "input.linkedin_invitation_urn is required",
            )
        }
        Err(r) => return r,
    };
    let gone_label = s.withdraw_gone_label.clone();
    let identity = s.identity_mut(uid).expect("checked");
    let Some(pos) = identity.sent.iter().position(|x| x.urn() == urn) else {
        return error(424, &gone_label, "linkedin", "Invitation not found");
    };
    let gone = identity.sent.remove(pos);
    done(gone.id, urn)
}

fn accept(s: &mut FakeState, uid: &str, input: Option<&Value>) -> Response {
    let obj = match input_object(
        input,
        &[
            "linkedin_invitation_urn",
            "linkedin_invitation_secret",
            "custom_data",
        ],
    ) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let urn = match input_urn(obj) {
        Ok(urn) => urn,
        Err(r) => return r,
    };
    let secret = obj
        .get("linkedin_invitation_secret")
        .and_then(Value::as_str)
        .map(str::to_string);
    if urn.is_none() && secret.is_none() {
        return error(
            400,
            "BAD_INPUT",
            "input",
            "input needs linkedin_invitation_urn or linkedin_invitation_secret",
        );
    }
    let identity = s.identity_mut(uid).expect("checked");
    let found = identity.received.iter().position(|x| match &urn {
        Some(u) => x.urn() == *u,
        None => Some(&x.secret) == secret.as_ref(),
    });
    let Some(pos) = found else {
        return error(424, "STATUS_404", "linkedin", "Invitation not found");
    };
    if secret
        .as_ref()
        .is_some_and(|given| *given != identity.received[pos].secret)
    {
        return error(
            424,
            "LK_ERROR",
            "linkedin",
            "LinkedIn refused the invitation secret",
        );
    }
    let accepted = identity.received.remove(pos);
    identity.connections.insert(accepted.member.slug.clone());
    done(accepted.id, accepted.urn())
}

/// `^https://(?:(www|[a-z]{2})\.)?linkedin\.com/(?:in|pub|sales/people|sales/lead)/[^\s/]+`,
/// giving the profile segment.
fn connectable_slug(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let rest = match rest.split_once('.') {
        Some((sub, after))
            if (sub == "www"
                || (sub.len() == 2 && sub.chars().all(|c| c.is_ascii_lowercase())))
                && after.starts_with("linkedin.com/") =>
        {
            after
        }
        _ => rest,
    };
    let path = rest.strip_prefix("linkedin.com/")?;
    let segment = ["in/", "pub/", "sales/people/", "sales/lead/"]
        .iter()
        .find_map(|p| path.strip_prefix(p))?;
    let slug: String = segment
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '/' && *c != '?' && *c != '#')
        .collect();
    (!slug.is_empty() && !segment.starts_with(char::is_whitespace)).then_some(slug)
}

fn connect(
    s: &mut FakeState,
    uid: &str,
    input: Option<&Value>,
    parameters: Option<&Value>,
) -> Response {
    let obj = match input_object(
        input,
        &[
            "linkedin_profile_url",
            "sales_navigator_profile_id",
            "custom_data",
        ],
    ) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let Some(slug) = obj
        .get("linkedin_profile_url")
        .and_then(Value::as_str)
        .and_then(connectable_slug)
    else {
        return error(
            400,
            "BAD_INPUT",
            "input",
            "input.linkedin_profile_url must be a LinkedIn profile URL",
        );
    };
    let message = match parameters {
        None => "",
        Some(Value::Object(p)) => {
            if let Some(extra) = p.keys().find(|k| k.as_str() != "message") {
                return error(
                    400,
                    "BAD_PARAMETERS",
                    "parameters",
                    &format!("parameters must NOT have additional properties ({extra})"),
                );
            }
            p.get("message").and_then(Value::as_str).unwrap_or("")
        }
        Some(_) => {
            return error(
                400,
                "BAD_PARAMETERS",
                "parameters",
                "parameters must be an object",
            )
        }
    };
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return error(
            400,
            "BAD_PARAMETERS",
            "parameters",
            "parameters.message must NOT have more than 300 characters",
        );
    }
    if slug.starts_with("no-such-") {
        return error(
            424,
            "PROFILE_NOT_ACCESSIBLE",
            "input",
            "The LinkedIn profile is not accessible",
        );
    }
    let now = s.now();
    let (seq, id) = s.fresh();
    let accepts_theirs = s.connect_accepts_theirs;
    let identity = s.identity_mut(uid).expect("checked");
    if identity.connections.contains(&slug) {
        return error(
            424,
            "ALREADY_CONNECTED",
            "linkedin",
            "You are already connected to this profile",
        );
    }
    if identity.sent.iter().any(|x| x.member.slug == slug) {
        return error(
            424,
            "INVITATION_PENDING",
            "linkedin",
            "An invitation is already pending for this profile",
        );
    }
    let window_start = now - Duration::hours(24);
    identity.connects.retain(|t| *t > window_start);
    if identity.connects.len() >= DAILY_CONNECT_LIMIT {
        let oldest = identity.connects.iter().min().copied().unwrap_or(now);
        return error_with(
            429,
            "LIMIT_REACHED",
            "identity",
            "Daily limit reached for this action",
            json!({"postponed_until": timestamp(oldest + Duration::hours(24))}),
        );
    }
    identity.connects.push(now);
    if accepts_theirs {
        if let Some(pos) = identity.received.iter().position(|x| x.member.slug == slug) {
            let theirs = identity.received.remove(pos);
            identity.connections.insert(slug);
            return Json(json!([{
                "connected": true,
                "pending": false,
                "message": message,
                "connection_sent_date": timestamp(now),
                "sales_navigator_profile_id": theirs.member.sales_navigator_id,
                "linkedin_profile_id": theirs.member.numeric_id,
            }]))
            .into_response();
        }
    }
    let member = people::member_for_slug(&slug);
    let answer = json!([{
        "connected": false,
        "pending": true,
        "message": message,
        "connection_sent_date": timestamp(now),
        "sales_navigator_profile_id": member.sales_navigator_id,
        "linkedin_profile_id": member.numeric_id,
    }]);
    identity.sent.push(Sent {
        seq,
        id,
        member,
        sent_at: now,
    });
    Json(answer).into_response()
}
