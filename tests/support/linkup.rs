//! A stateful fake of the LinkupAPI v1 (providers.md §3.1), served under `/v1`.
//!
//! - Every endpoint is a `POST` with a JSON body that carries `login_token` (required) and
//!   `country` (optional, checked against the documented list).
//! - Auth: `x-api-key`. The v1 HTTP codes of errors are not documented; the fake's choices are
//!   403 `{"status":"error","message":"Invalid API key"}` for the key, 401 "Invalid or expired
//!   LinkedIn cookie" for the login token, 402 "Insufficient credits available", 400 "Missing
//!   required parameter: …", 404 "Invitation not found". `/network/connect` answers errors in
//!   the `{"status":"error","data":"…"}` shape the n8n node handles.
//! - Listings: 10 per page, `start_page`..`end_page` inclusive and 1-based (or `total_results`),
//!   newest first, `total_available_results`, `invitation_type` filter (default CONNECTION).
//!   `invitation_id` is a 19-digit JSON number; `entity_urn` carries the same digits. Received
//!   items follow the newer doc version: no `invitation_type` field on the item.
//! - Credits: a listing costs one per page asked for, every action one; without enough the
//!   call fails with "Insufficient credits available" and costs nothing.
//! - Writes change state: withdraw removes a sent invitation (it needs `invitation_id` as a
//!   string, as documented: a number is a 400), accept removes a received one (both path
//!   spellings) and makes a connection, connect adds a sent invitation. Slugs starting with
//!   `no-such-` do not exist.
//! - `POST /network/invitation-status` tells the state with one person.
//! - [`Quirks`] (all off by default) switch on what the docs allow a server to do: fetch fewer
//!   pages than asked, ignore or refuse the received `invitation_type`, ignore the page range,
//!   answer the older received page, take seconds per page. Sent invitations may be listed in
//!   a state other than `PENDING`. Fault helpers below give the documented or plausible error
//!   and null bodies.

// Handlers return their refusal as the `Err` of a `Result`: an axum `Response` is large, but
// this is a test fake, not a hot path.
#![allow(clippy::result_large_err)]

use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use super::people::{self, Member};
use super::{invitation_urn, serve, Controls, FakeServer, Fault, INVITATION_URN_PREFIX};

pub const BASE_PATH: &str = "/v1";
pub const DEFAULT_KEY: &str = "lk_test_a9b8c7d6e5f4a3b2c1d0";
/// Looks like a LinkedIn `li_at` cookie.
pub const DEFAULT_LOGIN_TOKEN: &str = "AQEDATestFakeLiAtCookie0123456789abcdefXYZ";
pub const PAGE_SIZE: usize = 10;
pub const MAX_MESSAGE_CHARS: usize = 300;
pub const DEFAULT_CREDITS: u64 = 1_000_000;

pub const SENT_PATH: &str = "/network/sent-invitations";
pub const RECEIVED_PATH: &str = "/network/invitations";
pub const WITHDRAW_PATH: &str = "/network/withdraw-invitation";
pub const ACCEPT_PATH: &str = "/network/accept-invitation";
/// The spelling of the doc slug and the n8n node.
pub const ACCEPT_PATH_PLURAL: &str = "/network/accept-invitations";
pub const CONNECT_PATH: &str = "/network/connect";
pub const STATUS_PATH: &str = "/network/invitation-status";

pub const TYPES: [&str; 3] = ["CONNECTION", "ORGANIZATION", "CONTENT_SERIES"];
const COUNTRIES: [&str; 11] = [
    "US", "UK", "FR", "DE", "NL", "IT", "IL", "CA", "BR", "ES", "IN",
];
const FIRST_INVITATION_ID: u64 = 7_331_558_767_219_683_329;

pub const COOKIE_REFUSED: &str = "Invalid or expired LinkedIn cookie";
pub const NO_CREDITS: &str = "Insufficient credits available";
pub const RATE_LIMITED: &str = "Rate limit exceeded. Please try again later";

fn error_body(message: &str) -> Value {
    json!({"status": "error", "message": message})
}

/// A `{"status":"error","message":…}` answer with this HTTP status.
pub fn fault_error(status: u16, message: &str) -> Fault {
    Fault::status(status, error_body(message))
}

/// A `{"status":"error","data":…}` answer with this HTTP status.
pub fn fault_data_error(status: u16, data: &str) -> Fault {
    Fault::status(status, json!({"status": "error", "data": data}))
}

pub fn fault_cookie_expired() -> Fault {
    fault_error(401, COOKIE_REFUSED)
}

pub fn fault_no_credits() -> Fault {
    fault_error(402, NO_CREDITS)
}

/// The documented rate-limit body, with a `Retry-After` header when given.
pub fn fault_rate_limited(retry_after: Option<&str>) -> Fault {
    let fault = fault_error(429, RATE_LIMITED);
    match retry_after {
        Some(r) => fault.with_header("Retry-After", r),
        None => fault,
    }
}

/// `"invitations": null` with the total still announced (an empty list said another way).
pub fn fault_null_invitations(total_available: usize) -> Fault {
    Fault::status(
        200,
        json!({"status": "success", "data": {
            "total_results": 0, "total_available_results": total_available,
            "invitations": null}}),
    )
}

/// `"data": null`: a success whose answer is missing.
pub fn fault_null_data() -> Fault {
    Fault::status(200, json!({"status": "success", "data": null}))
}

/// Accept: "no permission" (providers.md §3.1 lists it without a body).
pub fn fault_no_permission() -> Fault {
    fault_error(403, "You do not have permission to accept this invitation")
}

/// Withdraw: the LinkedIn session behind the login token is over.
pub fn fault_session_expired() -> Fault {
    fault_error(401, "LinkedIn session expired")
}

/// What the docs allow a LinkupAPI server to do beyond the fake's defaults (all off).
#[derive(Debug, Clone, Default)]
pub struct Quirks {
    /// Fetches at most this many pages per listing request, whatever the range asked for,
    /// and says so in `pagination` (charging only those).
    pub max_pages_per_request: Option<usize>,
    /// The received list ignores `invitation_type` and lists every type.
    pub ignores_received_type: bool,
    /// Received types refused with 400 "Invalid value for invitation_type".
    pub refused_received_types: Vec<String>,
    /// Listings ignore `start_page` / `end_page` and answer page 1.
    pub ignores_range: bool,
    /// The older received page: no type, no range (only `total_results`, default 10), and no
    /// total or `pagination` in the answer.
    pub old_received_page: bool,
    /// How long each page of a listing takes (LinkupAPI reads LinkedIn page by page). The
    /// pages are charged before the wait, so a client that gives up has paid for them.
    pub page_delay: Duration,
}

/// A sent invitation as the fake holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// Higher is newer.
    pub seq: u64,
    pub id: u64,
    pub member: Member,
    pub kind: String,
    pub sent_time: String,
    pub message: Option<String>,
    /// `PENDING` unless seeded otherwise ([`LinkupFake::with_sent_in_state`]).
    pub state: String,
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
    pub kind: String,
    pub sent_time: String,
    pub secret: String,
    pub mutual: String,
    pub message: Option<String>,
}

impl Received {
    pub fn urn(&self) -> String {
        invitation_urn(self.id)
    }
}

#[derive(Debug)]
struct FakeState {
    key: String,
    login_token: String,
    credits: u64,
    sent: Vec<Sent>,
    received: Vec<Received>,
    connections: BTreeSet<String>,
    next_seq: u64,
    next_id: u64,
    quirks: Quirks,
}

/// The fake. Clone it to keep a handle on its state while it serves.
#[derive(Debug, Clone)]
pub struct LinkupFake {
    state: Arc<Mutex<FakeState>>,
}

const SENT_AGES: [&str; 10] = [
    "Sent today",
    "Sent yesterday",
    "Sent 3 days ago",
    "Sent 5 days ago",
    "Sent 1 week ago",
    "Sent 2 weeks ago",
    "Sent 3 weeks ago",
    "Sent 1 month ago",
    "Sent 2 months ago",
    "Sent 5 months ago",
];
const RECEIVED_AGES: [&str; 8] = [
    "2 hours ago",
    "yesterday",
    "4 days ago",
    "1 week ago",
    "2 weeks ago",
    "3 weeks ago",
    "1 month ago",
    "3 months ago",
];

impl LinkupFake {
    pub fn new(key: &str, login_token: &str) -> Self {
        LinkupFake {
            state: Arc::new(Mutex::new(FakeState {
                key: key.to_string(),
                login_token: login_token.to_string(),
                credits: DEFAULT_CREDITS,
                sent: Vec::new(),
                received: Vec::new(),
                connections: BTreeSet::new(),
                next_seq: 1,
                next_id: FIRST_INVITATION_ID,
                quirks: Quirks::default(),
            })),
        }
    }

    /// Adds `n` pending connection requests, newest first, ages spread over months.
    pub fn with_sent(self, n: usize) -> Self {
        {
            let mut s = self.lock();
            let salt = 40 + s.sent.len();
            for i in (0..n).rev() {
                let (seq, id) = s.fresh();
                s.sent.push(Sent {
                    seq,
                    id,
                    member: people::member(i, salt),
                    kind: "CONNECTION".into(),
                    sent_time: SENT_AGES[i * SENT_AGES.len() / n.max(1)].into(),
                    message: (i % 5 == 2).then(|| "Would love to connect!".into()),
                    state: "PENDING".into(),
                });
            }
        }
        self
    }

    /// Adds `n` sent invitations that the list shows in `state` (e.g. `ACCEPTED`), newer than
    /// those already there.
    pub fn with_sent_in_state(self, n: usize, state: &str) -> Self {
        let first = self.lock().sent.len();
        let fake = self.with_sent(n);
        for x in &mut fake.lock().sent[first..] {
            x.state = state.to_string();
        }
        fake
    }

    pub fn with_quirks(self, quirks: Quirks) -> Self {
        self.set_quirks(quirks);
        self
    }

    pub fn set_quirks(&self, quirks: Quirks) {
        self.lock().quirks = quirks;
    }

    /// Adds `n` received invitations of `kind` (`CONNECTION`, `ORGANIZATION`, `CONTENT_SERIES`).
    pub fn with_received(self, kind: &str, n: usize) -> Self {
        {
            let mut s = self.lock();
            let salt = 60 + s.received.len();
            for i in (0..n).rev() {
                let (seq, id) = s.fresh();
                s.received.push(Received {
                    seq,
                    id,
                    member: people::member(i, salt),
                    kind: kind.to_string(),
                    sent_time: RECEIVED_AGES[i * RECEIVED_AGES.len() / n.max(1)].into(),
                    secret: people::token(id, "", 8),
                    mutual: format!("{} mutual connections", 1 + (i * 7) % 40),
                    message: (i % 3 == 0).then(|| "Hello, let's connect.".into()),
                });
            }
        }
        self
    }

    pub fn with_credits(self, credits: u64) -> Self {
        self.lock().credits = credits;
        self
    }

    pub fn connected_to(self, slug: &str) -> Self {
        self.lock().connections.insert(slug.to_string());
        self
    }

    /// Replace the valid login token (the old one then gets the cookie error).
    pub fn set_login_token(&self, token: &str) {
        self.lock().login_token = token.to_string();
    }

    pub fn set_key(&self, key: &str) {
        self.lock().key = key.to_string();
    }

    pub fn set_credits(&self, credits: u64) {
        self.lock().credits = credits;
    }

    pub fn credits_left(&self) -> u64 {
        self.lock().credits
    }

    /// Pending sent invitations, newest first.
    pub fn sent(&self) -> Vec<Sent> {
        let mut v: Vec<Sent> = self
            .lock()
            .sent
            .iter()
            .filter(|x| x.state == "PENDING")
            .cloned()
            .collect();
        v.sort_by_key(|x| Reverse(x.seq));
        v
    }

    /// Pending received invitations, newest first.
    pub fn received(&self) -> Vec<Received> {
        let mut v = self.lock().received.clone();
        v.sort_by_key(|x| Reverse(x.seq));
        v
    }

    pub fn is_connected(&self, slug: &str) -> bool {
        self.lock().connections.contains(slug)
    }

    /// The router, under `/v1`, with the key check (not yet instrumented).
    pub fn router(&self) -> Router {
        let api = Router::new()
            .route(SENT_PATH, post(list_sent))
            .route(RECEIVED_PATH, post(list_received))
            .route(WITHDRAW_PATH, post(withdraw))
            .route(ACCEPT_PATH, post(accept))
            .route(ACCEPT_PATH_PLURAL, post(accept))
            .route(CONNECT_PATH, post(connect))
            .route(STATUS_PATH, post(invitation_status))
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

impl FakeState {
    fn fresh(&mut self) -> (u64, u64) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.next_id += 7_919;
        (seq, self.next_id)
    }

    /// Takes `cost` credits, or answers the documented refusal (and takes none).
    fn charge(&mut self, cost: u64) -> Result<(), Response> {
        if self.credits < cost {
            return Err(error(402, NO_CREDITS));
        }
        self.credits -= cost;
        Ok(())
    }
}

fn error(status: u16, message: &str) -> Response {
    let code = StatusCode::from_u16(status).expect("status");
    (code, Json(error_body(message))).into_response()
}

fn data_error(status: u16, data: &str) -> Response {
    let code = StatusCode::from_u16(status).expect("status");
    (code, Json(json!({"status": "error", "data": data}))).into_response()
}

fn success(message: &str) -> Response {
    Json(json!({"status": "success", "message": message})).into_response()
}

async fn gate(State(fake): State<LinkupFake>, request: Request, next: Next) -> Response {
    let key = fake.lock().key.clone();
    let given = request
        .headers()
        .get("x-api-key")
        .and_then(|v| v.to_str().ok());
    if given != Some(key.as_str()) {
        return error(403, "Invalid API key");
    }
    next.run(request).await
}

async fn not_found() -> Response {
    error(404, "Endpoint not found")
}

/// The body as an object, with a valid `login_token` and `country`. `Err` is the answer.
fn checked_body(fake: &LinkupFake, raw: &Bytes) -> Result<Map<String, Value>, Response> {
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(raw) else {
        return Err(error(400, "Request body must be a JSON object"));
    };
    let Some(token) = body.get("login_token").and_then(Value::as_str) else {
        return Err(error(400, "Missing required parameter: login_token"));
    };
    if token != fake.lock().login_token {
        return Err(error(401, COOKIE_REFUSED));
    }
    if let Some(country) = body.get("country") {
        if !country.as_str().is_some_and(|c| COUNTRIES.contains(&c)) {
            return Err(error(400, "Invalid value for country"));
        }
    }
    Ok(body)
}

fn positive(body: &Map<String, Value>, name: &str) -> Result<Option<usize>, Response> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 => Ok(Some(n as usize)),
            _ => Err(error(400, &format!("Invalid value for {name}"))),
        },
    }
}

/// What a listing request asks for: items `skip..skip + take`, pages `start..=end`.
#[derive(Debug, Clone, Copy)]
struct Window {
    skip: usize,
    take: usize,
    start: usize,
    end: usize,
    pages: usize,
}

impl Window {
    fn pages(start: usize, pages: usize) -> Self {
        Window {
            skip: (start - 1) * PAGE_SIZE,
            take: pages * PAGE_SIZE,
            start,
            end: start + pages - 1,
            pages,
        }
    }

    /// Page 1 whatever was asked (a server that ignores the range).
    fn first_page() -> Self {
        Window::pages(1, 1)
    }

    /// At most `max` pages of this one (a server that fetches fewer than asked).
    fn at_most(self, max: Option<usize>) -> Self {
        match max {
            Some(max) if self.pages > max => Window {
                take: max * PAGE_SIZE,
                end: self.start + max - 1,
                pages: max,
                ..self
            },
            _ => self,
        }
    }
}

/// The window of the page range, or of `total_results` without one.
fn window(body: &Map<String, Value>) -> Result<Window, Response> {
    let start = positive(body, "start_page")?;
    let end = positive(body, "end_page")?;
    match (start, end) {
        (None, None) => total_results_window(body),
        (start, end) => {
            let start = start.unwrap_or(1);
            let end = end.unwrap_or(start);
            if end < start {
                return Err(error(
                    400,
                    "end_page must be greater than or equal to start_page",
                ));
            }
            Ok(Window::pages(start, end - start + 1))
        }
    }
}

fn total_results_window(body: &Map<String, Value>) -> Result<Window, Response> {
    let total = positive(body, "total_results")?.unwrap_or(PAGE_SIZE);
    let pages = total.div_ceil(PAGE_SIZE);
    Ok(Window {
        take: total,
        ..Window::pages(1, pages)
    })
}

fn invitation_type(body: &Map<String, Value>) -> Result<String, Response> {
    match body.get("invitation_type") {
        None => Ok("CONNECTION".into()),
        Some(Value::String(t)) if TYPES.contains(&t.as_str()) => Ok(t.clone()),
        Some(_) => Err(error(400, "Invalid value for invitation_type")),
    }
}

fn listing(items: Vec<Value>, available: usize, w: Window) -> Response {
    Json(json!({
        "status": "success",
        "data": {
            "total_results": items.len(),
            "total_available_results": available,
            "invitations": items,
            "pagination": {"start_page": w.start, "end_page": w.end,
                           "results_per_page": PAGE_SIZE, "pages_fetched": w.pages},
        }
    }))
    .into_response()
}

/// The older received page's answer: no total, no pagination.
fn old_listing(items: Vec<Value>) -> Response {
    Json(json!({
        "status": "success",
        "data": {"total_results": items.len(), "invitations": items}
    }))
    .into_response()
}

/// Which list a request reads, for the quirks that touch only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Sent,
    Received,
}

async fn list_sent(State(fake): State<LinkupFake>, raw: Bytes) -> Response {
    let (answer, wait) = list(
        &fake,
        &raw,
        List::Sent,
        |s| &s.sent,
        |x| (x.seq, &x.kind),
        |x| {
            json!({
                "name": x.member.full_name(),
                "profile_url": x.member.profile_url(),
                "subtitle": x.member.headline,
                "sent_time": x.sent_time,
                "invitation_id": x.id,
                "invitation_state": x.state,
                "message": x.message,
                "entity_urn": x.urn(),
                "profile_picture": x.member.picture_url(),
                "invitation_type": x.kind,
            })
        },
    );
    tokio::time::sleep(wait).await;
    answer
}

async fn list_received(State(fake): State<LinkupFake>, raw: Bytes) -> Response {
    let (answer, wait) = list(
        &fake,
        &raw,
        List::Received,
        |s| &s.received,
        |x| (x.seq, &x.kind),
        |x| {
            json!({
                "name": x.member.full_name(),
                "profile_url": x.member.profile_url(),
                "subtitle": x.member.headline,
                "sent_time": x.sent_time,
                "message": x.message,
                "invitation_id": x.id,
                "shared_secret": x.secret,
                "shared_connections": x.mutual,
                "invitation_state": "PENDING",
                "entity_urn": x.urn(),
                "profile_picture": x.member.picture_url(),
            })
        },
    );
    tokio::time::sleep(wait).await;
    answer
}

/// The window a request gets and the type filter it gets (`None`: every type), under the
/// quirks switched on.
fn read_request(
    body: &Map<String, Value>,
    which: List,
    quirks: &Quirks,
) -> Result<(Window, Option<String>), Response> {
    let received = which == List::Received;
    if received && quirks.old_received_page {
        return Ok((total_results_window(body)?, None));
    }
    let kind = invitation_type(body)?;
    if received && quirks.refused_received_types.contains(&kind) {
        return Err(error(400, "Invalid value for invitation_type"));
    }
    let asked = window(body)?;
    let window = if quirks.ignores_range {
        Window::first_page()
    } else {
        asked.at_most(quirks.max_pages_per_request)
    };
    let ignores_type = received && quirks.ignores_received_type;
    Ok((window, (!ignores_type).then_some(kind)))
}

/// One page range of a listing, newest first: the request checked, its pages charged, the
/// items of the requested `invitation_type` (`key`: sequence number and type of an item)
/// shown by `item`; with how long the server takes to answer.
fn list<T>(
    fake: &LinkupFake,
    raw: &Bytes,
    which: List,
    pick: fn(&FakeState) -> &[T],
    key: fn(&T) -> (u64, &str),
    item: fn(&T) -> Value,
) -> (Response, Duration) {
    let result = (|| {
        let body = checked_body(fake, raw)?;
        let mut s = fake.lock();
        let (w, kind) = read_request(&body, which, &s.quirks)?;
        s.charge(w.pages as u64)?;
        let wait = s.quirks.page_delay * w.pages as u32;
        let mut all: Vec<&T> = pick(&s)
            .iter()
            .filter(|x| kind.as_deref().is_none_or(|k| key(x).1 == k))
            .collect();
        // Stored oldest first as a rule: newest first is then the reverse, with no sort per
        // request (a listing of 100,000 makes 2,001; the benchmark times the client).
        if all.is_sorted_by_key(|x| key(x).0) {
            all.reverse();
        } else {
            all.sort_by_key(|x| Reverse(key(x).0));
        }
        let items = all
            .iter()
            .skip(w.skip)
            .take(w.take)
            .map(|x| item(x))
            .collect();
        let answer = if which == List::Received && s.quirks.old_received_page {
            old_listing(items)
        } else {
            listing(items, all.len(), w)
        };
        Ok::<_, Response>((answer, wait))
    })();
    result.unwrap_or_else(|r| (r, Duration::ZERO))
}

fn required_str<'a>(body: &'a Map<String, Value>, name: &str) -> Result<&'a str, Response> {
    match body.get(name) {
        None | Some(Value::Null) => Err(error(400, &format!("Missing required parameter: {name}"))),
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(Value::String(_)) => Err(error(400, &format!("Missing required parameter: {name}"))),
        Some(_) => Err(error(400, &format!("{name} must be a string"))),
    }
}

async fn withdraw(State(fake): State<LinkupFake>, raw: Bytes) -> Response {
    let result = (|| {
        let body = checked_body(&fake, &raw)?;
        let id = required_str(&body, "invitation_id")?;
        let mut s = fake.lock();
        let Some(pos) = s.sent.iter().position(|x| x.id.to_string() == id) else {
            return Err(error(404, "Invitation not found"));
        };
        s.charge(1)?;
        s.sent.remove(pos);
        Ok(success("Connection invitation withdrawn successfully"))
    })();
    result.unwrap_or_else(|r| r)
}

async fn accept(State(fake): State<LinkupFake>, raw: Bytes) -> Response {
    let result = (|| {
        let body = checked_body(&fake, &raw)?;
        let secret = required_str(&body, "shared_secret")?;
        let urn = required_str(&body, "entity_urn")?;
        let digits = urn
            .strip_prefix(INVITATION_URN_PREFIX)
            .or_else(|| urn.strip_prefix("urn:li:invitation:"))
            .ok_or_else(|| error(400, "Invalid entity_urn"))?;
        let mut s = fake.lock();
        let Some(pos) = s.received.iter().position(|x| x.id.to_string() == digits) else {
            return Err(error(404, "Invitation not found"));
        };
        if s.received[pos].secret != secret {
            return Err(error(400, "Invalid shared_secret for this invitation"));
        }
        s.charge(1)?;
        let accepted = s.received.remove(pos);
        if accepted.kind == "CONNECTION" {
            s.connections.insert(accepted.member.slug);
        }
        Ok(success("Invitation accepted successfully"))
    })();
    result.unwrap_or_else(|r| r)
}

async fn connect(State(fake): State<LinkupFake>, raw: Bytes) -> Response {
    let result = (|| {
        let body = checked_body(&fake, &raw)?;
        let Some(url) = body.get("linkedin_url").and_then(Value::as_str) else {
            return Err(data_error(400, "Missing required parameter: linkedin_url"));
        };
        let slug = people::slug_of(url)
            .filter(|_| url.starts_with("https://") && url.contains("linkedin.com/in/"))
            .ok_or_else(|| data_error(400, "Invalid LinkedIn profile URL"))?;
        let message = match body.get("message") {
            None | Some(Value::Null) => None,
            Some(Value::String(m)) => Some(m.clone()),
            Some(_) => return Err(data_error(400, "message must be a string")),
        };
        if message
            .as_ref()
            .is_some_and(|m| m.chars().count() > MAX_MESSAGE_CHARS)
        {
            return Err(data_error(400, "Message must be 300 characters or fewer"));
        }
        if slug.starts_with("no-such-") {
            return Err(data_error(404, "Profile not found"));
        }
        let mut s = fake.lock();
        if s.connections.contains(&slug) {
            return Err(data_error(400, "Already connected with this profile"));
        }
        if s.sent.iter().any(|x| x.member.slug == slug) {
            return Err(data_error(400, "Invitation already sent to this profile"));
        }
        s.charge(1)?;
        let (seq, id) = s.fresh();
        s.sent.push(Sent {
            seq,
            id,
            member: people::member_for_slug(&slug),
            kind: "CONNECTION".into(),
            sent_time: "Sent today".into(),
            message,
            state: "PENDING".into(),
        });
        Ok(success("Invitation sent successfully"))
    })();
    result.unwrap_or_else(|r| r)
}

async fn invitation_status(State(fake): State<LinkupFake>, raw: Bytes) -> Response {
    let result = (|| {
        let body = checked_body(&fake, &raw)?;
        let url = required_str(&body, "linkedin_url")?;
        let slug =
            people::slug_of(url).ok_or_else(|| error(400, "Invalid LinkedIn profile URL"))?;
        let mut s = fake.lock();
        s.charge(1)?;
        let data = if s.connections.contains(&slug) {
            json!({"invitation_state": "ACCEPTED", "invitation_type": "CONNECTED",
                   "invitation_id": null, "member_distance": 1,
                   "message": "You are connected with this person"})
        } else if let Some(x) = s.sent.iter().find(|x| x.member.slug == slug) {
            json!({"invitation_state": "PENDING", "invitation_type": "SENT",
                   "invitation_id": x.id, "member_distance": 2,
                   "message": "Your invitation is pending"})
        } else if let Some(x) = s.received.iter().find(|x| x.member.slug == slug) {
            json!({"invitation_state": "PENDING", "invitation_type": "RECEIVED",
                   "invitation_id": x.id, "member_distance": 2,
                   "message": "This person invited you"})
        } else {
            json!({"invitation_state": "NONE", "invitation_type": null,
                   "invitation_id": null, "member_distance": 2,
                   "message": "No invitation with this person"})
        };
        Ok::<_, Response>(Json(json!({"status": "success", "data": data})).into_response())
    })();
    result.unwrap_or_else(|r| r)
}
