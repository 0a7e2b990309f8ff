//! The shared HTTP layer of the provider clients: one `reqwest::Client`, timeouts, a hand-written
//! retry loop that honours `Retry-After`, safe writes, and the mapping of failures to
//! `ProviderError` (toolchain.md §10).
//!
//! How a provider client uses it:
//!
//! ```ignore
//! let http = http::Client::new(ProviderKind::ConnectSafely, &config.base_url,
//!     http::Auth::Bearer(config.api_key.clone()), HttpConfig::default(), my_classifier)?;
//! // Reads: retried on 429/500/502/503/504, transport errors and (with `read_json`) an
//! // answer that does not decode; Retry-After honoured.
//! let (reply, accounts) = http.read_json::<Vec<WireAccount>>(Call::get("/accounts")).await?;
//! // A listing page: each repeat is announced to the progress sink.
//! let (reply, page) = http.read_page::<Page>(call, PageRef::one(6), progress).await?;
//! // Writes: never repeated once they may have reached the provider. An ambiguous failure
//! // (timeout, dropped connection, 502/504) is `ErrorKind::Unconfirmed`: the caller settles it
//! // later, once `settle_delay()` has passed, by reading the provider's lists.
//! let reply = http.write(Call::post("/invitations/withdraw", &body)).await?;
//! ```
//!
//! The per-provider hook is a [`Classifier`]: given a response, it returns `Some(Failure)` when
//! the response is a failure (with the provider's own wording and kinds), or `None` to let
//! [`default_failure`] decide (2xx = success). It runs on every response, so a provider that
//! reports errors inside a 200 (LinkupAPI `{"status":"error"}`) can say so.
//!
//! Rules kept here so no client re-invents them:
//! - A body "come back later" hint (ConnectSafely `holdUntil`, Edges `postponed_until` or
//!   `retry_after`) is put in `ProviderError::retry_at` by the classifier.
//! - A read waits out the server's own word on when to come back (a `Retry-After` header, or a
//!   rate limit's `retry_at`) up to `HttpConfig::max_server_wait`, announcing the wait to the
//!   listing's progress; a longer one fails at once, saying when, rather than blocking for hours.
//! - A write is repeated only after a short `Retry-After` (`max_backoff`), and never when the
//!   body names a later time: the provider said not to come back before it.
//! - An absolute or relative URL from the provider (Edges' `X-Pagination-Next`) is only ever
//!   called on the configured base's origin, and redirects to another origin are not followed:
//!   the key travels in every request.
//! - Keys are never logged; `Debug` of everything here redacts them; error excerpts are scrubbed
//!   of the client's secrets and of anything that looks like a token.
//! - Nothing is counted globally: tests count requests at the fake server.

use std::fmt;
use std::sync::{Arc, Once};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use rand::Rng;
use reqwest::header::{HeaderValue, AUTHORIZATION, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::listing::{ListingEvent, PageProgress, PageRef, RetryNotice};
use super::ProviderError;
use crate::error::ErrorKind;
use crate::model::ProviderKind;

pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode};

/// Longest body excerpt kept in an error.
pub const EXCERPT_CHARS: usize = 200;

/// The shortest settle delay against a real provider (see [`Client::settle_delay`]).
pub const MIN_SETTLE_DELAY: Duration = Duration::from_secs(60);

/// The longest server-named wait a read sits out (`HttpConfig::max_server_wait`). Per-minute
/// limits (ConnectSafely: 30 reads a minute per account; Edges' trial: 60 a minute) answer up
/// to a minute, so a long listing must ride one out; anything much longer is a hold or a spent
/// quota that waiting in-process would only hide from the user.
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(90);

/// Rounding between a `Retry-After` in whole seconds and a body time in whole seconds.
const HOLD_SLACK: Duration = Duration::from_secs(1);

/// The most of an answer's body that is read. A listing page is about 100 KB (100 invitations);
/// a server that streams without end (broken or hostile) must not take the app's memory with
/// it. The rest is not read, and the cut body fails to decode like any unreadable answer.
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Timeouts and retry policy. `Default` is for real APIs; [`HttpConfig::fast_test`] keeps
/// tests quick without changing behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// Whole request, from connect to the last body byte.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Extra attempts after the first one (reads; pre-send failures of writes).
    pub max_retries: u32,
    /// Longest single wait of our own choosing (backoff), and the longest `Retry-After` a write
    /// waits for before its one safe repeat (it bounds `Client::settle_delay`).
    pub max_backoff: Duration,
    /// Longest wait a read accepts when the server says how long (a `Retry-After` header, a
    /// rate limit's reset time in the body). Beyond it the read fails at once with `retry_at`.
    pub max_server_wait: Duration,
    /// First backoff step without `Retry-After`; doubles each attempt, jittered.
    pub base_delay: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_retries: 3,
            max_backoff: Duration::from_secs(30),
            max_server_wait: MAX_SERVER_WAIT,
            base_delay: Duration::from_millis(500),
        }
    }
}

impl HttpConfig {
    /// Short timeouts and millisecond backoff for tests against local fakes.
    pub fn fast_test() -> Self {
        HttpConfig {
            timeout: Duration::from_millis(1500),
            connect_timeout: Duration::from_millis(500),
            max_retries: 3,
            max_backoff: Duration::from_millis(200),
            max_server_wait: MAX_SERVER_WAIT,
            base_delay: Duration::from_millis(2),
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn with_max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    pub fn with_max_server_wait(mut self, d: Duration) -> Self {
        self.max_server_wait = d;
        self
    }

    /// Jittered exponential backoff for retry number `attempt` (0-based), capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let full = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.min(16)))
            .min(self.max_backoff);
        // "Equal jitter": between half and all of the step, so retries never bunch up.
        let half = full / 2;
        half + jitter(full - half)
    }
}

fn jitter(up_to: Duration) -> Duration {
    let ms = up_to.as_millis() as u64;
    if ms == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(rand::thread_rng().gen_range(0..=ms))
}

/// How the key travels. The value is a `SecretString`: never printed.
#[derive(Clone)]
pub enum Auth {
    /// `Authorization: Bearer <key>` (ConnectSafely).
    Bearer(SecretString),
    /// A named header, e.g. `X-API-Key` (Edges) or `x-api-key` (LinkupAPI).
    Header {
        name: &'static str,
        value: SecretString,
    },
}

impl Auth {
    fn secret(&self) -> &SecretString {
        match self {
            Auth::Bearer(s) | Auth::Header { value: s, .. } => s,
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Bearer(_) => f.write_str("Bearer [redacted]"),
            Auth::Header { name, .. } => write!(f, "{name}: [redacted]"),
        }
    }
}

/// One request, cheap to clone so it can be repeated. `target` is a path appended to the base
/// URL (`/invitations/sent`), or a link the provider gave (Edges' `X-Pagination-Next`), full or
/// relative, which is always called on the base's origin so the key never leaves for a stranger.
#[derive(Clone)]
pub struct Call {
    method: Method,
    target: String,
    query: Vec<(String, String)>,
    body: Option<serde_json::Value>,
    body_error: Option<String>,
    /// Read once, whatever `HttpConfig::max_retries` (see [`Call::tried_once`]).
    once: bool,
}

impl Call {
    pub fn new(method: Method, target: impl Into<String>) -> Self {
        Call {
            method,
            target: target.into(),
            query: Vec::new(),
            body: None,
            body_error: None,
            once: false,
        }
    }

    /// A read that is not repeated when it fails: for a call whose repeat would cost more than
    /// the caller's own fallback (LinkupAPI charges a credit per page of a multi-page range,
    /// and a range too slow for the timeout would time out again).
    pub fn tried_once(mut self) -> Self {
        self.once = true;
        self
    }

    pub fn get(target: impl Into<String>) -> Self {
        Call::new(Method::GET, target)
    }

    /// A POST with a JSON body.
    pub fn post(target: impl Into<String>, body: &impl Serialize) -> Self {
        Call::new(Method::POST, target).json(body)
    }

    pub fn json(mut self, body: &impl Serialize) -> Self {
        match serde_json::to_value(body) {
            Ok(v) => self.body = Some(v),
            Err(e) => self.body_error = Some(e.to_string()),
        }
        self
    }

    pub fn query(mut self, name: &str, value: impl ToString) -> Self {
        self.query.push((name.to_string(), value.to_string()));
        self
    }

    pub fn method(&self) -> &Method {
        &self.method
    }

    pub fn target(&self) -> &str {
        &self.target
    }
}

/// Bodies may carry secrets (LinkupAPI's login token): only method and target are shown.
impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.target)
    }
}

/// A response as the classifier sees it.
pub struct Raw<'a> {
    pub provider: ProviderKind,
    pub status: StatusCode,
    pub headers: &'a HeaderMap,
    pub body: &'a str,
    pub now: DateTime<Utc>,
    scrubber: &'a Scrubber,
}

impl Raw<'_> {
    /// The body, scrubbed and cut to [`EXCERPT_CHARS`], for `ProviderError::excerpt`.
    pub fn excerpt(&self) -> Option<String> {
        self.scrubber.excerpt(self.body)
    }

    /// A short human message from the body (see [`body_message`]), scrubbed.
    pub fn message(&self) -> Option<String> {
        body_message(self.body).map(|m| truncate(&self.scrubber.scrub(&m), 150))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// An error of `kind` with the status and excerpt filled in.
    pub fn error(&self, kind: ErrorKind, message: impl Into<String>) -> ProviderError {
        ProviderError {
            kind,
            message: message.into(),
            status: Some(self.status.as_u16()),
            retry_at: None,
            excerpt: self.excerpt(),
            code: body_code(self.body),
        }
    }
}

/// At most `limit` bytes of the body, as text (JSON is UTF-8; a character cut at the limit
/// becomes U+FFFD, in a body that will not decode anyway).
async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<String, reqwest::Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit - bytes.len();
        if chunk.len() >= room {
            bytes.extend_from_slice(&chunk[..room]);
            break;
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The body's error code (`code`, or Edges' `error_label`), upper-cased, when it is a short
/// token such as `INVITATIONS_UNAVAILABLE`; free text is not a code and is not kept.
fn body_code(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let code = ["code", "error_label"]
        .iter()
        .find_map(|field| value.get(field)?.as_str())?
        .trim();
    let is_token = (1..=64).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    is_token.then(|| code.to_ascii_uppercase())
}

/// A failed response and whether it is worth repeating (reads only; see the module docs).
#[derive(Debug, Clone)]
pub struct Failure {
    pub error: ProviderError,
    pub transient: bool,
}

impl Failure {
    pub fn fatal(error: ProviderError) -> Self {
        Failure {
            error,
            transient: false,
        }
    }

    pub fn transient(error: ProviderError) -> Self {
        Failure {
            error,
            transient: true,
        }
    }
}

/// The per-provider hook. `None` = "nothing special": [`default_failure`] decides.
pub type Classifier = fn(&Raw<'_>) -> Option<Failure>;

/// The generic mapping: 2xx is success (`None`); otherwise a kind by status, with the body's
/// message when there is one. 408, 429, 500, 502–504 and 520–524 are transient.
pub fn default_failure(raw: &Raw<'_>) -> Option<Failure> {
    let status = raw.status;
    if status.is_success() {
        return None;
    }
    let p = raw.provider.label();
    let said = raw
        .message()
        .map(|m| format!(" {p} said: \"{m}\""))
        .unwrap_or_default();
    let (kind, message) = match status.as_u16() {
        401 => (
            ErrorKind::BadCredentials,
            format!("{p} refused the API key. Check it, or replace it in Accounts."),
        ),
        402 => (
            ErrorKind::Billing,
            format!("{p} asks for payment: check the plan or billing on your {p} account."),
        ),
        403 => (
            ErrorKind::BadCredentials,
            format!("{p} refused access with this key.{said} Check the key and its permissions."),
        ),
        404 => (
            ErrorKind::NotFound,
            format!("{p} could not find what was asked for.{said}"),
        ),
        408 => (
            ErrorKind::ProviderUnavailable,
            format!("{p} timed out before the request was complete. Try again in a few minutes."),
        ),
        429 => (
            ErrorKind::RateLimited,
            format!("{p} asks to slow down. Wait a little and try again."),
        ),
        500 => (
            ErrorKind::ProviderUnavailable,
            format!("{p} had an internal error. Try again in a few minutes."),
        ),
        // 520–524: a CDN in front of the provider (Cloudflare) could not get an answer from it.
        502..=504 | 520..=524 => (
            ErrorKind::ProviderUnavailable,
            format!("{p} is temporarily unavailable. Try again in a few minutes."),
        ),
        s => (
            ErrorKind::UnexpectedResponse,
            format!("{p} answered with an unexpected error (HTTP {s}).{said}"),
        ),
    };
    // Only reads look at `transient` (writes decide for themselves), and a read is safe to
    // repeat after a one-off internal error.
    let transient = matches!(status.as_u16(), 408 | 429 | 500 | 502..=504 | 520..=524);
    Some(Failure {
        error: raw.error(kind, message),
        transient,
    })
}

/// A successful response.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    provider: ProviderKind,
    scrubber: Arc<Scrubber>,
}

impl Reply {
    /// Decodes the body. Failure is `UnexpectedResponse` with a scrubbed excerpt.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ProviderError> {
        serde_json::from_str(&self.body).map_err(|e| {
            let p = self.provider.label();
            log::warn!("{p}: undecodable response ({e})");
            ProviderError {
                kind: ErrorKind::UnexpectedResponse,
                message: format!(
                    "{p} answered something InviteDesk does not understand. \
                     Try again; if it keeps happening, the API may have changed."
                ),
                status: Some(self.status.as_u16()),
                retry_at: None,
                excerpt: self.scrubber.excerpt(&self.body),
                code: None,
            }
        })
    }

    /// A header's value; one sent blank or as the literal `null` (a server serialising a missing
    /// value, e.g. an Edges `X-Pagination-Next` on the last page) counts as absent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty() && !v.eq_ignore_ascii_case("null"))
    }

    /// An `UnexpectedResponse` error about this reply (for shapes that decode but make no sense).
    pub fn unexpected(&self, what: &str) -> ProviderError {
        ProviderError {
            kind: ErrorKind::UnexpectedResponse,
            message: format!(
                "{} answered something unexpected: {what}.",
                self.provider.label()
            ),
            status: Some(self.status.as_u16()),
            retry_at: None,
            excerpt: self.scrubber.excerpt(&self.body),
            code: None,
        }
    }
}

impl Reply {
    /// A write's 2xx answer that could not be read: the provider may or may not have made the
    /// change, so it is [`ErrorKind::Unconfirmed`], never "done".
    pub fn unreadable_write(&self) -> ProviderError {
        let p = self.provider.label();
        log::warn!("{p}: a write was answered with an unreadable body");
        unconfirmed(ProviderError {
            kind: ErrorKind::UnexpectedResponse,
            message: format!("{p} answered the change with something InviteDesk cannot read."),
            status: Some(self.status.as_u16()),
            retry_at: None,
            excerpt: self.scrubber.excerpt(&self.body),
            code: None,
        })
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("body", &self.scrubber.excerpt(&self.body))
            .finish()
    }
}

/// The shared client. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    provider: ProviderKind,
    base: url::Url,
    auth: Auth,
    config: HttpConfig,
    classify: Classifier,
    scrubber: Arc<Scrubber>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("provider", &self.inner.provider)
            .field("base", &self.inner.base.as_str())
            .field("auth", &self.inner.auth)
            .field("config", &self.inner.config)
            .finish()
    }
}

static CRYPTO: Once = Once::new();

/// reqwest is built with `rustls-no-provider`: install ring once per process. Another part of
/// the process may have installed one already; that is fine.
pub fn install_crypto_provider() {
    CRYPTO.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// What one attempt came to.
enum Attempt {
    Ok(Reply),
    Failed {
        failure: Failure,
        retry_after: Option<Duration>,
        /// The classifier's own `retry_at` (from the body), as a wait from the answer.
        hold: Option<Duration>,
    },
    Transport(reqwest::Error),
}

/// Why a read is being repeated, in words for the retry notice and the final error.
#[derive(Debug, Clone, Copy)]
enum Hiccup {
    TimedOut,
    Unreachable,
    BrokeOff,
    /// A 2xx whose body could not be decoded.
    Unreadable,
    /// A transient status (429, 5xx, or a provider's "come back shortly" label).
    Status(u16),
}

impl Hiccup {
    fn of(e: &reqwest::Error) -> Self {
        if e.is_timeout() {
            Hiccup::TimedOut
        } else if e.is_connect() {
            Hiccup::Unreachable
        } else {
            Hiccup::BrokeOff
        }
    }

    /// "ConnectSafely did not answer in time".
    fn what_happened(self, p: &str) -> String {
        match self {
            Hiccup::TimedOut => format!("{p} did not answer in time"),
            Hiccup::Unreachable => format!("Could not reach {p}"),
            Hiccup::BrokeOff => format!("The connection to {p} broke off"),
            Hiccup::Unreadable => format!("{p} sent an answer that could not be read"),
            Hiccup::Status(429) => format!("{p} asked to slow down"),
            Hiccup::Status(500) => format!("{p} had an internal error"),
            Hiccup::Status(408 | 522 | 524) => format!("{p} timed out"),
            Hiccup::Status(_) => format!("{p} was temporarily unavailable"),
        }
    }

    /// The retry notice's reason. A wait the server asked for can be a minute, so it is named:
    /// the refresh bar must not look stuck meanwhile.
    fn reason(self, p: &str, asked: Option<Duration>) -> String {
        match (self, asked) {
            (Hiccup::Status(429), Some(d)) if d >= Duration::from_secs(1) => {
                format!("{p} asked to slow down for {}", human_wait(d))
            }
            (_, Some(d)) if d >= Duration::from_secs(1) => {
                format!(
                    "{} and asked to wait {}",
                    self.what_happened(p),
                    human_wait(d)
                )
            }
            _ => self.what_happened(p),
        }
    }

    /// Follows the provider's name: "ConnectSafely kept timing out".
    fn kept_doing(self) -> &'static str {
        match self {
            Hiccup::TimedOut => "kept timing out",
            Hiccup::Unreachable => "could not be reached",
            Hiccup::BrokeOff => "kept breaking off the connection",
            Hiccup::Unreadable => "kept sending answers that could not be read",
            Hiccup::Status(429) => "kept asking to slow down",
            Hiccup::Status(500) => "kept failing with an internal error",
            Hiccup::Status(408 | 522 | 524) => "kept timing out",
            Hiccup::Status(_) => "stayed unavailable",
        }
    }

    fn advice(self) -> &'static str {
        match self {
            Hiccup::Unreachable => "Check the internet connection, then refresh again.",
            Hiccup::Unreadable => {
                "Refresh again in a few minutes; if it keeps happening, the API may have changed."
            }
            _ => "Refresh again in a few minutes.",
        }
    }
}

impl Client {
    /// `base_url` without a trailing slash, e.g. `https://api.connectsafely.ai/linkedin`.
    pub fn new(
        provider: ProviderKind,
        base_url: &str,
        auth: Auth,
        config: HttpConfig,
        classify: Classifier,
    ) -> Result<Self, ProviderError> {
        install_crypto_provider();
        let base = url::Url::parse(base_url.trim_end_matches('/')).map_err(|e| {
            ProviderError::new(
                ErrorKind::InvalidInput,
                format!(
                    "The {} address {base_url:?} is not a URL: {e}",
                    provider.label()
                ),
            )
        })?;
        // reqwest drops `Authorization` on a cross-host redirect but not a named key header
        // (`X-API-Key`): a redirect off the base's origin would hand the key to that host.
        let origin = base.origin();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.url().origin() != origin {
                attempt.stop()
            } else if attempt.previous().len() > 5 {
                attempt.error("too many redirects")
            } else {
                attempt.follow()
            }
        });
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(redirects)
            .user_agent(concat!("InviteDesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                ProviderError::new(
                    ErrorKind::Internal,
                    format!("Could not set up the HTTP client: {e}"),
                )
            })?;
        let scrubber = Arc::new(Scrubber {
            secrets: vec![auth.secret().clone()],
        });
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                provider,
                base,
                auth,
                config,
                classify,
                scrubber,
            }),
        })
    }

    /// Another value to scrub from excerpts (e.g. LinkupAPI's login token). Call before cloning.
    pub fn with_secret(mut self, secret: SecretString) -> Self {
        let mut secrets = self.inner.scrubber.secrets.clone();
        secrets.push(secret);
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.scrubber = Arc::new(Scrubber { secrets });
        }
        self
    }

    pub fn provider(&self) -> ProviderKind {
        self.inner.provider
    }

    pub fn config(&self) -> &HttpConfig {
        &self.inner.config
    }

    /// An idempotent call: repeated on 429/500/502/503/504 and on transport failures, honouring
    /// `Retry-After`, at most `max_retries` more times.
    pub async fn read(&self, call: Call) -> Result<Reply, ProviderError> {
        self.read_decoded(&call, |_| Ok(()), None)
            .await
            .map(|(reply, ())| reply)
    }

    /// [`Client::read`], with the body decoded inside the retry loop: an answer that cannot be
    /// read is asked for again like a 500 (reads are safe to repeat).
    pub async fn read_json<T: DeserializeOwned>(
        &self,
        call: Call,
    ) -> Result<(Reply, T), ProviderError> {
        self.read_decoded(&call, Reply::json, None).await
    }

    /// [`Client::read_json`] for one page of a listing: each repeat is announced to `progress`,
    /// and a page that keeps failing ends with which page and how many attempts were made.
    pub async fn read_page<T: DeserializeOwned>(
        &self,
        call: Call,
        page: PageRef,
        progress: PageProgress<'_>,
    ) -> Result<(Reply, T), ProviderError> {
        self.read_decoded(&call, Reply::json, Some((page, progress)))
            .await
    }

    async fn read_decoded<T>(
        &self,
        call: &Call,
        decode: impl Fn(&Reply) -> Result<T, ProviderError>,
        page: Option<(PageRef, PageProgress<'_>)>,
    ) -> Result<(Reply, T), ProviderError> {
        let cfg = &self.inner.config;
        let attempts = if call.once { 1 } else { cfg.max_retries + 1 };
        let mut attempt = 1;
        loop {
            let (error, hiccup, asked) = match self.attempt(call).await {
                Attempt::Ok(reply) => match decode(&reply) {
                    Ok(value) => return Ok((reply, value)),
                    Err(e) => (e, Hiccup::Unreadable, None),
                },
                Attempt::Failed {
                    failure,
                    retry_after,
                    hold,
                } => {
                    // On a rate limit a time in the body (Edges `retry_after`, a ConnectSafely
                    // reset or hold) is the server's word like the header, and the later of the
                    // two wins: a hold hours away behind a short Retry-After is not to be broken.
                    // The classifier's own estimates on other errors (PROXY_ERROR's minute) are
                    // not.
                    let rate_limited = failure.error.kind == ErrorKind::RateLimited;
                    let asked = if rate_limited {
                        retry_after.max(hold)
                    } else {
                        retry_after
                    };
                    // A hold or a spent quota is repeated only when it ends soon; when far, it
                    // keeps the classifier's own words.
                    let ends_soon = rate_limited && asked.is_some_and(|d| d <= cfg.max_server_wait);
                    if !(failure.transient || ends_soon) {
                        return Err(failure.error);
                    }
                    let hiccup = Hiccup::Status(failure.error.status.unwrap_or(0));
                    (failure.error, hiccup, asked)
                }
                Attempt::Transport(e) => (self.transport_error(&e), Hiccup::of(&e), None),
            };
            if let Some(asked) = asked.filter(|d| *d > cfg.max_server_wait) {
                return Err(self.wait_too_long(error, hiccup, asked));
            }
            if attempt >= attempts {
                return Err(self.gave_up(error, hiccup, attempts, page.map(|(p, _)| p)));
            }
            let wait = match asked {
                Some(asked) => asked + jitter(cfg.base_delay),
                // The classifier's estimate without the server's word (PROXY_ERROR): for the
                // caller to schedule, not for this call to sit out.
                None if error.retry_at.is_some() => return Err(error),
                None => cfg.backoff(attempt - 1),
            };
            log::debug!(
                "{}: {call:?} failed ({}), retrying in {wait:?}",
                self.inner.provider.label(),
                error.message
            );
            attempt += 1;
            if let Some((page, progress)) = page {
                progress(ListingEvent::Retrying(RetryNotice {
                    page,
                    attempt,
                    attempts,
                    reason: hiccup.reason(self.inner.provider.label(), asked),
                }));
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// A read the server asked to hold off for longer than [`HttpConfig::max_server_wait`]:
    /// handed back at once, saying when to try again.
    fn wait_too_long(
        &self,
        mut error: ProviderError,
        hiccup: Hiccup,
        asked: Duration,
    ) -> ProviderError {
        let p = self.inner.provider.label();
        let at = error
            .retry_at
            .unwrap_or_else(|| later_by(Utc::now(), asked));
        error.retry_at = Some(at);
        let when = format!(
            "until {} UTC (about {} from now)",
            at.format("%Y-%m-%d %H:%M"),
            human_wait(asked)
        );
        error.message = match hiccup {
            Hiccup::Status(429) => format!("{p} asks to slow down {when}. Try again after that."),
            _ => format!(
                "{}; it asks to wait {when}. Try again after that.",
                hiccup.what_happened(p)
            ),
        };
        error
    }

    /// The last error of a read that was repeated to the limit, saying so: "ConnectSafely kept
    /// timing out on page 6 after 4 attempts."
    fn gave_up(
        &self,
        mut error: ProviderError,
        hiccup: Hiccup,
        attempts: u32,
        page: Option<PageRef>,
    ) -> ProviderError {
        if attempts < 2 {
            return error;
        }
        let p = self.inner.provider.label();
        let on = page.map(|p| format!(" on {p}")).unwrap_or_default();
        error.message = format!(
            "{p} {}{on} after {attempts} attempts. {}",
            hiccup.kept_doing(),
            hiccup.advice()
        );
        error
    }

    /// A call that changes something. Repeated only when it certainly did not reach the
    /// provider (connection refused) or the provider refused it with a short `Retry-After`
    /// (429/503) and no later time in the body. Every ambiguous failure (timeout, dropped
    /// connection, 408, 502/504, 520–524, an answer cut off) is [`ErrorKind::Unconfirmed`]: the
    /// provider may still apply the write after we gave up on it, so neither this layer nor
    /// the client checks or repeats it. Only the caller may, once [`Client::settle_delay`] has
    /// passed since it started the call (see `jobs::runner`, `invitations::send`).
    pub async fn write(&self, call: Call) -> Result<Reply, ProviderError> {
        let cfg = &self.inner.config;
        let mut safe_retries = 0;
        loop {
            let ambiguous = match self.attempt(&call).await {
                Attempt::Ok(reply) => return Ok(reply),
                Attempt::Failed {
                    failure,
                    retry_after,
                    hold,
                } => {
                    let status = failure.error.status.unwrap_or(0);
                    // A hold in the body (ConnectSafely `holdUntil`: "Do not retry before it";
                    // Edges `postponed_until`) beyond the header's short wait: repeating after
                    // the header would break the hold, and it may count against the account.
                    let held =
                        hold.is_some_and(|h| retry_after.is_some_and(|a| h > a + HOLD_SLACK));
                    match (status, retry_after) {
                        (429 | 503, Some(asked))
                            if !held
                                && asked <= cfg.max_backoff
                                && safe_retries < cfg.max_retries =>
                        {
                            safe_retries += 1;
                            tokio::time::sleep(
                                (asked + jitter(cfg.base_delay)).min(cfg.max_backoff),
                            )
                            .await;
                            continue;
                        }
                        // Gateways that may have passed the request on before giving up.
                        (408 | 502 | 504 | 520..=524, _) => failure.error,
                        _ => return Err(failure.error),
                    }
                }
                Attempt::Transport(e) if e.is_connect() && safe_retries < cfg.max_retries => {
                    tokio::time::sleep(cfg.backoff(safe_retries)).await;
                    safe_retries += 1;
                    continue;
                }
                Attempt::Transport(e) if e.is_connect() => return Err(self.transport_error(&e)),
                Attempt::Transport(e) => self.transport_error(&e),
            };
            log::info!(
                "{}: {call:?} may or may not have taken effect ({})",
                self.inner.provider.label(),
                ambiguous.message
            );
            return Err(unconfirmed(ambiguous));
        }
    }

    /// How long after a write call starts the provider can no longer apply it: the call's own
    /// safe repeats (a 429/503 with a short `Retry-After`, a refused connection) can start the
    /// last attempt up to `max_retries × max_backoff` later; that attempt ends within the
    /// request timeout (our side gave up by then), plus as long again for the provider's own
    /// queue. Never under a minute against a real provider. A check made earlier can see
    /// "still pending" although the write is about to land.
    pub fn settle_delay(&self) -> Duration {
        let cfg = &self.inner.config;
        let delay = cfg.timeout.saturating_mul(2) + cfg.max_backoff.saturating_mul(cfg.max_retries);
        if is_loopback(&self.inner.base) {
            delay
        } else {
            delay.max(MIN_SETTLE_DELAY)
        }
    }

    /// False for a loopback test server: the only place where the safety floors (pause between
    /// writes, daily caps) may be lifted.
    pub fn reaches_linkedin(&self) -> bool {
        !is_loopback(&self.inner.base)
    }

    /// The URL of a call's target. The clients' own targets are paths under the base
    /// (`/invitations/sent`); anything else is a link the provider gave (Edges'
    /// `X-Pagination-Next`): a full URL, or a relative one resolved against the base.
    fn url(&self, target: &str) -> Result<url::Url, ProviderError> {
        let base = &self.inner.base;
        let base_path = base.path().trim_end_matches('/');
        let own_path = target.starts_with('/')
            && !target.starts_with("//")
            && !(base_path.is_empty() || is_under(target, base_path));
        let resolved = if own_path {
            url::Url::parse(&format!("{}{target}", base.as_str().trim_end_matches('/')))
        } else {
            // The base as a folder, so `actions/x?cursor=…` stays under `/v1/`.
            let mut folder = base.clone();
            folder.set_path(&format!("{base_path}/"));
            folder.join(target)
        }
        .map_err(|_| self.bad_target(target))?;
        if !matches!(resolved.scheme(), "http" | "https") {
            return Err(self.bad_target(target));
        }
        if resolved.origin() == base.origin() {
            return Ok(resolved);
        }
        // Another host (a proxy's public name, `localhost` for `127.0.0.1`, or a stranger):
        // the key goes with every request, so it is only ever sent to the configured host. The
        // link's path and query are kept; they carry the page's cursor.
        let mut rebuilt = base.clone();
        rebuilt.set_path(resolved.path());
        rebuilt.set_query(resolved.query());
        log::debug!(
            "{}: a link to another host was followed on the configured one",
            self.inner.provider.label()
        );
        Ok(rebuilt)
    }

    fn bad_target(&self, target: &str) -> ProviderError {
        ProviderError::new(
            ErrorKind::UnexpectedResponse,
            format!(
                "{} pointed to an address InviteDesk will not call: {}",
                self.inner.provider.label(),
                truncate(target, 120)
            ),
        )
    }

    async fn attempt(&self, call: &Call) -> Attempt {
        let inner = &self.inner;
        let url = match self.url(&call.target) {
            Ok(u) => u,
            Err(e) => {
                return Attempt::Failed {
                    failure: Failure::fatal(e),
                    retry_after: None,
                    hold: None,
                }
            }
        };
        if let Some(e) = &call.body_error {
            return Attempt::Failed {
                failure: Failure::fatal(ProviderError::new(
                    ErrorKind::Internal,
                    format!("Could not encode the request: {e}"),
                )),
                retry_after: None,
                hold: None,
            };
        }
        let mut req = inner.http.request(call.method.clone(), url);
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        if let Some(body) = &call.body {
            req = req.json(body);
        }
        req = match &inner.auth {
            Auth::Bearer(key) => match bearer(key) {
                Some(v) => req.header(AUTHORIZATION, v),
                None => {
                    return Attempt::Failed {
                        failure: Failure::fatal(self.unusable_key()),
                        retry_after: None,
                        hold: None,
                    }
                }
            },
            Auth::Header { name, value } => match sensitive(value.expose_secret()) {
                Some(v) => req.header(*name, v),
                None => {
                    return Attempt::Failed {
                        failure: Failure::fatal(self.unusable_key()),
                        retry_after: None,
                        hold: None,
                    }
                }
            },
        };
        let response = match req.send().await {
            Ok(r) => r,
            Err(e) => return Attempt::Transport(e),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = match read_body(response, MAX_BODY_BYTES).await {
            Ok(b) => b,
            Err(e) => return Attempt::Transport(e),
        };
        let now = Utc::now();
        let raw = Raw {
            provider: inner.provider,
            status,
            headers: &headers,
            body: &body,
            now,
            scrubber: &inner.scrubber,
        };
        let failure = (inner.classify)(&raw).or_else(|| default_failure(&raw));
        match failure {
            None => Attempt::Ok(Reply {
                status,
                headers,
                body,
                provider: inner.provider,
                scrubber: inner.scrubber.clone(),
            }),
            Some(mut failure) => {
                let retry_after = retry_after(&headers, SystemTime::now());
                let hold = failure
                    .error
                    .retry_at
                    .map(|at| (at - now).to_std().unwrap_or(Duration::ZERO));
                if failure.error.retry_at.is_none() {
                    failure.error.retry_at = retry_after.map(|d| later_by(now, d));
                }
                Attempt::Failed {
                    failure,
                    retry_after,
                    hold,
                }
            }
        }
    }

    /// The key could not even be put in a request header (a control character, a line break,
    /// non-ASCII): nothing was sent, so the provider did not refuse it. `InvalidInput` ("refused
    /// before anything was sent"), so no caller words it as the provider's refusal.
    fn unusable_key(&self) -> ProviderError {
        ProviderError::new(
            ErrorKind::InvalidInput,
            format!(
                "The {} API key saved for this account is malformed (it contains a control \
                 character, a line break or a non-ASCII character), so nothing was sent. Paste \
                 the key again in Accounts.",
                self.inner.provider.label()
            ),
        )
    }

    /// A transport failure in words for the user. reqwest's own text may contain the URL but
    /// never the headers, so it is safe to log.
    fn transport_error(&self, e: &reqwest::Error) -> ProviderError {
        let p = self.inner.provider.label();
        log::debug!("{p}: transport error: {e}");
        let message = if e.is_timeout() {
            format!(
                "{p} did not answer within {} s. Check the connection and try again.",
                self.inner.config.timeout.as_secs_f32()
            )
        } else if e.is_connect() {
            format!("Could not reach {p}. Check the internet connection and try again.")
        } else {
            format!("The connection to {p} broke off before the answer arrived. Try again.")
        };
        ProviderError::new(ErrorKind::Network, message)
    }
}

fn bearer(key: &SecretString) -> Option<HeaderValue> {
    sensitive(&format!("Bearer {}", key.expose_secret()))
}

fn sensitive(value: &str) -> Option<HeaderValue> {
    let mut v = HeaderValue::from_str(value).ok()?;
    v.set_sensitive(true);
    Some(v)
}

/// An ambiguous failure of a write, as the caller must treat it: it may still take effect.
pub fn unconfirmed(error: ProviderError) -> ProviderError {
    let message = format!(
        "{} It is not known yet whether the change was made; InviteDesk checks before \
         trying again.",
        error.message.trim_end()
    );
    ProviderError {
        kind: ErrorKind::Unconfirmed,
        message,
        ..error
    }
}

/// A base URL on this machine (a test server), where no real account can be reached.
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// `target` is `base_path` itself or below it (`/v1/actions/…` under `/v1`).
fn is_under(target: &str, base_path: &str) -> bool {
    target
        .strip_prefix(base_path)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
}

/// `now + wait`, saturating: a hostile `Retry-After: 99999999999999` must not panic.
fn later_by(now: DateTime<Utc>, wait: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(wait)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// "45 s", "3 min", "5 h".
fn human_wait(d: Duration) -> String {
    let secs = d.as_secs_f64().ceil() as u64;
    match secs {
        0..=119 => format!("{secs} s"),
        120..=7199 => format!("{} min", secs.div_ceil(60)),
        _ => format!("{} h", secs.div_ceil(3600)),
    }
}

/// `Retry-After` as a wait from `now`: integer seconds or an HTTP date (a past date is 0).
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let raw = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = raw.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(raw).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The human message in an error body, whatever its shape: `message`; `error` when it is a
/// string; `error.message`; `error.issues[0].message` (Zod); `data` when it is a string. The
/// plain body when it is short text and not HTML.
pub fn body_message(body: &str) -> Option<String> {
    let trimmed = body.trim();
    let Ok(v) = serde_json::from_str::<serde_json::Value>(trimmed) else {
        let looks_like_text = !trimmed.is_empty()
            && !trimmed.starts_with('<')
            && !trimmed.starts_with('{')
            && trimmed.chars().count() <= 150;
        return looks_like_text.then(|| trimmed.to_string());
    };
    let text = |v: Option<&serde_json::Value>| {
        v.and_then(|s| s.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    text(v.get("message"))
        .or_else(|| text(v.get("error")))
        .or_else(|| text(v.get("error").and_then(|e| e.get("message"))))
        .or_else(|| {
            let issue = v.get("error")?.get("issues")?.get(0)?;
            let message = text(issue.get("message"))?;
            let path = issue
                .get("path")
                .and_then(|p| p.as_array())
                .map(|p| {
                    p.iter()
                        .map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .filter(|p| !p.is_empty());
            Some(match path {
                Some(p) => format!("{p}: {message}"),
                None => message,
            })
        })
        .or_else(|| text(v.get("data")))
}

/// What `classify` (then the generic mapping) makes of an answer with this status and body, as
/// the client would see it: for the classifiers' tests.
#[cfg(test)]
pub(crate) fn classify_sample(
    provider: ProviderKind,
    classify: Classifier,
    status: u16,
    body: &str,
) -> Option<Failure> {
    let headers = HeaderMap::new();
    let scrubber = Scrubber { secrets: vec![] };
    let raw = Raw {
        provider,
        status: StatusCode::from_u16(status).expect("a valid status"),
        headers: &headers,
        body,
        now: Utc::now(),
        scrubber: &scrubber,
    };
    classify(&raw).or_else(|| default_failure(&raw))
}

/// Cuts `text` to `max` characters (not bytes), adding "…" when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Removes the client's secrets and token-looking values from text before it is kept.
struct Scrubber {
    secrets: Vec<SecretString>,
}

/// JSON field names whose string values are replaced wholesale.
const SECRET_FIELDS: [&str; 8] = [
    "token",
    "secret",
    "key",
    "password",
    "cookie",
    "authorization",
    "li_at",
    "session",
];

impl Scrubber {
    fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            let s = s.expose_secret();
            if s.len() >= 4 {
                out = out.replace(s, "[redacted]");
            }
        }
        scrub_bearer(&scrub_json_fields(&out))
    }

    /// One line, at most [`EXCERPT_CHARS`], scrubbed. `None` for an empty body.
    fn excerpt(&self, body: &str) -> Option<String> {
        let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
        if flat.is_empty() {
            return None;
        }
        Some(truncate(&self.scrub(&flat), EXCERPT_CHARS))
    }
}

/// Scrubs `text` with no client secrets known: token-looking JSON fields and bearer tokens.
pub fn scrub(text: &str) -> String {
    Scrubber { secrets: vec![] }.scrub(text)
}

/// `"...token...": "value"` → `"...token...": "[redacted]"`.
fn scrub_json_fields(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        let (before, from_quote) = rest.split_at(start);
        out.push_str(before);
        let Some(end) = from_quote[1..].find('"') else {
            out.push_str(from_quote);
            return out;
        };
        let name = &from_quote[1..=end];
        let after_name = &from_quote[end + 2..];
        out.push_str(&from_quote[..end + 2]);
        rest = after_name;
        let lower = name.to_ascii_lowercase();
        if !SECRET_FIELDS.iter().any(|f| lower.contains(f)) {
            continue;
        }
        let colon = after_name.trim_start();
        let Some(value) = colon.strip_prefix(':').map(str::trim_start) else {
            continue;
        };
        let Some(value) = value.strip_prefix('"') else {
            continue;
        };
        let mut escaped = false;
        let mut value_end = None;
        for (i, c) in value.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    value_end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        out.push_str(":\"[redacted]\"");
        rest = match value_end {
            Some(i) => &value[i + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// `Bearer abc.def` → `Bearer [redacted]`.
fn scrub_bearer(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.to_ascii_lowercase().find("bearer ") {
        out.push_str(&rest[..i + 7]);
        let token = &rest[i + 7..];
        let end = token
            .find(|c: char| c.is_whitespace() || c == '"' || c == ',')
            .unwrap_or(token.len());
        if end > 0 {
            out.push_str("[redacted]");
        }
        rest = &token[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A classifier that adds nothing to the defaults.
    fn no_special_errors(_: &Raw<'_>) -> Option<Failure> {
        None
    }

    #[test]
    fn an_error_code_is_a_short_token_from_code_or_error_label() {
        let code = |body: &str| body_code(body);
        assert_eq!(
            code(r#"{"success": false, "code": "INVITATIONS_UNAVAILABLE"}"#).as_deref(),
            Some("INVITATIONS_UNAVAILABLE")
        );
        assert_eq!(
            code(r#"{"error_label": " no_result ", "params": []}"#).as_deref(),
            Some("NO_RESULT")
        );
        // Free text, numbers and HTML are not codes.
        assert_eq!(code(r#"{"code": "Invitation not found"}"#), None);
        assert_eq!(code(r#"{"code": 502}"#), None);
        assert_eq!(code("<html>Bad gateway</html>"), None);
    }

    #[test]
    fn body_message_reads_every_error_shape() {
        assert_eq!(
            body_message(r#"{"error":"Unauthorized - Invalid credentials"}"#).unwrap(),
            "Unauthorized - Invalid credentials"
        );
        assert_eq!(
            body_message(r#"{"success":false,"error":"human-readable message"}"#).unwrap(),
            "human-readable message"
        );
        let zod = r#"{"success": false, "error": {"name": "ZodError", "issues": [{"code": "invalid_type",
            "expected": "string", "received": "undefined", "path": ["profileId"], "message": "Required"}]}}"#;
        assert_eq!(body_message(zod).unwrap(), "profileId: Required");
        assert_eq!(
            body_message(r#"{"success":false,"code":"validation_error","message":"Bad"}"#).unwrap(),
            "Bad"
        );
        assert_eq!(
            body_message(r#"{"status":"error","data":"Invalid or expired LinkedIn cookie"}"#)
                .unwrap(),
            "Invalid or expired LinkedIn cookie"
        );
        assert_eq!(body_message("<html><body>502</body></html>"), None);
        assert_eq!(body_message(""), None);
        assert_eq!(body_message("Bad Gateway").unwrap(), "Bad Gateway");
    }

    #[test]
    fn scrubbing_removes_secrets_and_tokens() {
        let s = Scrubber {
            secrets: vec![SecretString::from("sk_live_ABCDEF")],
        };
        let text = r#"{"msg":"key sk_live_ABCDEF bad","login_token":"AQEDA\"x","validationToken":"jy","ok":"Bearer abc.def"}"#;
        let out = s.scrub(text);
        assert!(!out.contains("ABCDEF"), "{out}");
        assert!(!out.contains("AQEDA"), "{out}");
        assert!(!out.contains("\"jy\""), "{out}");
        assert!(!out.contains("abc.def"), "{out}");
        assert!(out.contains(r#""ok":"Bearer [redacted]""#), "{out}");
        assert!(out.contains("[redacted] bad"), "{out}");
    }

    #[test]
    fn excerpts_are_short_single_line_and_char_safe() {
        let s = Scrubber { secrets: vec![] };
        let body = format!("<html>\n  <body>{}</body>\n</html>", "é".repeat(500));
        let e = s.excerpt(&body).unwrap();
        assert_eq!(e.chars().count(), EXCERPT_CHARS);
        assert!(!e.contains('\n'));
        assert!(s.excerpt("  \n ").is_none());
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_777_300_000);
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        h.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(90)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(90));
        h.insert(RETRY_AFTER, HeaderValue::from_str(&past).unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn backoff_grows_and_stays_capped() {
        let cfg = HttpConfig::default();
        for attempt in 0..40 {
            let d = cfg.backoff(attempt);
            assert!(d <= cfg.max_backoff, "{attempt}: {d:?}");
        }
        assert!(cfg.backoff(0) >= cfg.base_delay / 2);
        assert!(cfg.backoff(3) >= cfg.base_delay * 4);
    }

    #[test]
    fn debug_never_shows_the_key() {
        let c = Client::new(
            ProviderKind::ConnectSafely,
            "https://api.example.com/linkedin",
            Auth::Bearer(SecretString::from("sk_TOPSECRET")),
            HttpConfig::default(),
            no_special_errors,
        )
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("TOPSECRET"), "{shown}");
        assert!(shown.contains("[redacted]"));
        let call = Call::post("/x", &serde_json::json!({"login_token": "AQEDsecret"}));
        assert!(!format!("{call:?}").contains("AQED"));
    }

    #[test]
    fn links_from_the_provider_are_only_ever_called_on_the_base_origin() {
        let c = Client::new(
            ProviderKind::Edges,
            "http://127.0.0.1:9/v1",
            Auth::Header {
                name: "X-API-Key",
                value: SecretString::from("k"),
            },
            HttpConfig::fast_test(),
            no_special_errors,
        )
        .unwrap();
        let url = |t: &str| c.url(t).map(|u| u.to_string());
        let next = "http://127.0.0.1:9/v1/next?cursor=a";
        assert_eq!(url(next).unwrap(), next);
        // Another port, another host, `localhost` for `127.0.0.1`, a protocol-relative link:
        // the path and query are kept, the host is the configured one.
        assert_eq!(
            url("http://127.0.0.1:10/v1/next").unwrap(),
            "http://127.0.0.1:9/v1/next"
        );
        assert_eq!(
            url("https://evil.example.com/v1/next?cursor=b#x").unwrap(),
            "http://127.0.0.1:9/v1/next?cursor=b"
        );
        assert_eq!(
            url("http://localhost:9/v1/next?cursor=c").unwrap(),
            "http://127.0.0.1:9/v1/next?cursor=c"
        );
        assert_eq!(
            url("//evil.example.com/v1/next?cursor=d").unwrap(),
            "http://127.0.0.1:9/v1/next?cursor=d"
        );
        // Relative links resolve against the base.
        assert_eq!(
            url("/v1/actions/x/run/live?cursor=e").unwrap(),
            "http://127.0.0.1:9/v1/actions/x/run/live?cursor=e"
        );
        assert_eq!(
            url("actions/x/run/live?cursor=f").unwrap(),
            "http://127.0.0.1:9/v1/actions/x/run/live?cursor=f"
        );
        assert!(url("ftp://127.0.0.1:9/v1/x").is_err());
        // The clients' own targets are paths under the base.
        assert_eq!(
            url("/actions/x/run/live").unwrap(),
            "http://127.0.0.1:9/v1/actions/x/run/live"
        );
        let rootless = Client::new(
            ProviderKind::Edges,
            "http://127.0.0.1:9",
            Auth::Bearer(SecretString::from("k")),
            HttpConfig::fast_test(),
            no_special_errors,
        )
        .unwrap();
        assert_eq!(
            rootless.url("/actions/x").unwrap().as_str(),
            "http://127.0.0.1:9/actions/x"
        );
        assert_eq!(
            rootless.url("//evil.example.com/x").unwrap().as_str(),
            "http://127.0.0.1:9/x"
        );
    }

    #[test]
    fn a_blank_or_null_header_is_absent() {
        let reply = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert("x-pagination-next", HeaderValue::from_static(value));
            Reply {
                status: StatusCode::OK,
                headers,
                body: "[]".into(),
                provider: ProviderKind::Edges,
                scrubber: Arc::new(Scrubber { secrets: vec![] }),
            }
        };
        assert_eq!(reply("").header("x-pagination-next"), None);
        assert_eq!(reply("   ").header("x-pagination-next"), None);
        assert_eq!(reply("null").header("X-Pagination-Next"), None);
        assert_eq!(reply("NULL").header("x-pagination-next"), None);
        assert_eq!(
            reply(" http://h/v1/x?cursor=1 ").header("x-pagination-next"),
            Some("http://h/v1/x?cursor=1")
        );
    }

    #[test]
    fn request_timeouts_and_cdn_errors_are_transient() {
        for status in [408, 520, 521, 522, 523, 524] {
            let f = classify_sample(ProviderKind::Edges, no_special_errors, status, "").unwrap();
            assert!(f.transient, "{status}");
            assert_eq!(f.error.kind, ErrorKind::ProviderUnavailable, "{status}");
        }
        let f = classify_sample(ProviderKind::Edges, no_special_errors, 418, "").unwrap();
        assert!(!f.transient);
    }

    #[test]
    fn waits_are_worded_for_people() {
        assert_eq!(human_wait(Duration::from_millis(400)), "1 s");
        assert_eq!(human_wait(Duration::from_secs(60)), "60 s");
        assert_eq!(human_wait(Duration::from_secs(600)), "10 min");
        assert_eq!(human_wait(Duration::from_secs(3 * 3600)), "3 h");
        let huge = later_by(Utc::now(), Duration::from_secs(u64::MAX));
        assert_eq!(huge, DateTime::<Utc>::MAX_UTC);
    }

    // -----------------------------------------------------------------------------------------
    // Against a local server: what the provider actually receives.

    use std::io::{Read, Write};
    use std::sync::Mutex;
    use std::time::Instant;

    /// One request as the server read it.
    #[derive(Debug, Clone)]
    struct Seen {
        method: String,
        /// Path and query.
        target: String,
        /// Lower-cased names.
        headers: Vec<(String, String)>,
    }

    impl Seen {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        }
    }

    type Respond = dyn Fn(&Seen, usize) -> String + Send + Sync;

    /// A bare HTTP/1.1 server on 127.0.0.1: answers the n-th request (0-based) with
    /// `respond(request, n)`, one request per connection, and keeps what it was sent.
    struct Server {
        port: u16,
        seen: Arc<Mutex<Vec<Seen>>>,
    }

    impl Server {
        fn start(respond: impl Fn(&Seen, usize) -> String + Send + Sync + 'static) -> Self {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            let seen = Arc::new(Mutex::new(Vec::new()));
            let respond: Arc<Respond> = Arc::new(respond);
            let log = seen.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    let Ok(mut stream) = stream else { return };
                    let (log, respond) = (log.clone(), respond.clone());
                    std::thread::spawn(move || {
                        let Some(request) = read_request(&mut stream) else {
                            return;
                        };
                        let n = {
                            let mut log = log.lock().unwrap();
                            log.push(request.clone());
                            log.len() - 1
                        };
                        let _ = stream.write_all(respond(&request, n).as_bytes());
                    });
                }
            });
            Server { port, seen }
        }

        fn base(&self, path: &str) -> String {
            format!("http://127.0.0.1:{}{path}", self.port)
        }

        fn seen(&self) -> Vec<Seen> {
            self.seen.lock().unwrap().clone()
        }
    }

    fn read_request(stream: &mut std::net::TcpStream) -> Option<Seen> {
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            let n = stream.read(&mut chunk).ok().filter(|n| *n > 0)?;
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let mut lines = head.split("\r\n");
        let mut first = lines.next()?.split(' ');
        let (method, target) = (first.next()?.to_string(), first.next()?.to_string());
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let length = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        while buf.len() < head_end + 4 + length {
            let n = stream.read(&mut chunk).ok().filter(|n| *n > 0)?;
            buf.extend_from_slice(&chunk[..n]);
        }
        Some(Seen {
            method,
            target,
            headers,
        })
    }

    fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> String {
        let mut out = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
             connection: close\r\n",
            body.len()
        );
        for (name, value) in headers {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        out.push_str("\r\n");
        out.push_str(body);
        out
    }

    const KEY: &str = "sk_test_KEY123";

    fn client_for(base: &str, config: HttpConfig, classify: Classifier) -> Client {
        Client::new(
            ProviderKind::Edges,
            base,
            Auth::Header {
                name: "X-API-Key",
                value: SecretString::from(KEY),
            },
            config,
            classify,
        )
        .unwrap()
    }

    /// The test timeout override's policy (`providers::http_config_for`): waits of our own
    /// choosing are a quarter of the timeout, far under any real `Retry-After`.
    fn overridden() -> HttpConfig {
        HttpConfig::fast_test()
            .with_timeout(Duration::from_millis(400))
            .with_max_backoff(Duration::from_millis(100))
    }

    /// Like Edges `STATUS_429` with `retry_after` in the body: a rate limit whose time the
    /// classifier puts in `retry_at`, worth repeating.
    fn body_retry_after(raw: &Raw<'_>) -> Option<Failure> {
        let body: serde_json::Value = serde_json::from_str(raw.body).ok()?;
        let secs = body.get("retry_after")?.as_i64()?;
        let mut error = raw.error(ErrorKind::RateLimited, "Edges asks to slow down.");
        error.retry_at = Some(raw.now + chrono::Duration::seconds(secs));
        Some(Failure::transient(error))
    }

    /// Like ConnectSafely's `holdUntil` or Edges' `postponed_until`: a hold, not repeatable.
    fn body_hold(raw: &Raw<'_>) -> Option<Failure> {
        let body: serde_json::Value = serde_json::from_str(raw.body).ok()?;
        let at = body
            .get("holdUntil")?
            .as_str()?
            .parse::<DateTime<Utc>>()
            .ok()?;
        let mut error = raw.error(ErrorKind::RateLimited, "On hold.");
        error.retry_at = Some(at);
        Some(Failure::fatal(error))
    }

    /// Like Edges' PROXY_ERROR: the classifier's own "about a minute", not the server's word.
    fn guessed_minute(raw: &Raw<'_>) -> Option<Failure> {
        if raw.status.as_u16() != 424 {
            return None;
        }
        let mut error = raw.error(ErrorKind::ProviderUnavailable, "Proxy error.");
        error.retry_at = Some(raw.now + chrono::Duration::seconds(60));
        Some(Failure::transient(error))
    }

    async fn listing_page(
        client: &Client,
        call: Call,
    ) -> (Result<Vec<serde_json::Value>, ProviderError>, Vec<String>) {
        let notices = Mutex::new(Vec::new());
        let progress = |e: ListingEvent| {
            if let ListingEvent::Retrying(n) = e {
                notices.lock().unwrap().push(n.to_string());
            }
        };
        let result = client
            .read_page::<Vec<serde_json::Value>>(call, PageRef::one(3), &progress)
            .await
            .map(|(_, v)| v);
        (result, notices.into_inner().unwrap())
    }

    /// A server streaming an endless answer: what is read stops at `MAX_BODY_BYTES`, and the cut
    /// answer is an unreadable one (asked again, then an error), not a page that fills memory.
    #[tokio::test]
    async fn an_answer_larger_than_the_body_limit_is_unreadable() {
        let huge = format!("[\"{}\"]", "a".repeat(MAX_BODY_BYTES + 1024));
        let server = Server::start(move |_, _| answer(200, &[], &huge));
        let client = client_for(
            &server.base("/v1"),
            HttpConfig::fast_test(),
            no_special_errors,
        );
        let (result, _) = listing_page(&client, Call::get("/list")).await;
        let error = result.unwrap_err();
        assert_eq!(error.kind, ErrorKind::UnexpectedResponse, "{error:?}");
        assert!(error.message.contains("could not be read"), "{error:?}");
        assert_eq!(server.seen().len(), 4);
    }

    #[tokio::test]
    async fn a_read_waits_out_a_retry_after_longer_than_its_own_backoff() {
        let server = Server::start(|_, n| match n {
            0 => answer(
                429,
                &[("Retry-After", "1")],
                r#"{"error":"Too many requests"}"#,
            ),
            _ => answer(200, &[], "[1]"),
        });
        let client = client_for(&server.base("/v1"), overridden(), no_special_errors);
        let started = Instant::now();
        let (result, notices) = listing_page(&client, Call::get("/list")).await;
        assert_eq!(result.unwrap().len(), 1);
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(server.seen().len(), 2);
        assert_eq!(
            notices,
            ["Edges asked to slow down for 1 s; retrying page 3 (attempt 2 of 4)…"]
        );
    }

    #[tokio::test]
    async fn a_read_waits_out_a_rate_limit_time_given_in_the_body() {
        let server = Server::start(|_, n| match n {
            0 => answer(429, &[], r#"{"error_label":"STATUS_429","retry_after":1}"#),
            _ => answer(200, &[], "[1,2]"),
        });
        let client = client_for(&server.base("/v1"), overridden(), body_retry_after);
        let started = Instant::now();
        let (result, notices) = listing_page(&client, Call::post("/list", &1)).await;
        assert_eq!(result.unwrap().len(), 2);
        // The body says one second from the answer; the jitter may round it a little short.
        assert!(started.elapsed() >= Duration::from_millis(900));
        assert_eq!(server.seen().len(), 2);
        assert_eq!(notices.len(), 1, "{notices:?}");
    }

    #[tokio::test]
    async fn a_read_asked_to_wait_too_long_fails_at_once_saying_when() {
        let server = Server::start(|_, _| {
            answer(
                429,
                &[("Retry-After", "120")],
                r#"{"error":"Too many requests"}"#,
            )
        });
        let client = client_for(&server.base("/v1"), overridden(), no_special_errors);
        let before = Utc::now();
        let (result, notices) = listing_page(&client, Call::get("/list")).await;
        let e = result.unwrap_err();
        assert_eq!(e.kind, ErrorKind::RateLimited);
        let at = e.retry_at.unwrap();
        assert!(at >= before + chrono::Duration::seconds(119), "{at}");
        assert!(
            e.message.contains("until") && e.message.contains("UTC"),
            "{}",
            e.message
        );
        assert!(e.message.contains("about 2 min"), "{}", e.message);
        assert_eq!(server.seen().len(), 1);
        assert!(notices.is_empty());

        // The same for a body time beyond the bound.
        let server = Server::start(|_, _| answer(429, &[], r#"{"retry_after":3600}"#));
        let client = client_for(&server.base("/v1"), overridden(), body_retry_after);
        let e = client.read(Call::get("/list")).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert!(e.message.contains("about 60 min"), "{}", e.message);
        assert_eq!(server.seen().len(), 1);
    }

    #[tokio::test]
    async fn a_read_keeps_a_far_hold_behind_a_short_retry_after_and_waits_out_a_near_one() {
        let until = (Utc::now() + chrono::Duration::hours(3)).to_rfc3339();
        let body = format!(r#"{{"error":"On hold","holdUntil":"{until}"}}"#);
        let server = Server::start(move |_, _| answer(429, &[("Retry-After", "0")], &body));
        let client = client_for(&server.base("/v1"), overridden(), body_hold);
        let e = client.read(Call::get("/list")).await.unwrap_err();
        assert_eq!(
            (e.kind, e.message.as_str()),
            (ErrorKind::RateLimited, "On hold.")
        );
        assert!(e.retry_at.unwrap() > Utc::now() + chrono::Duration::hours(2));
        assert_eq!(server.seen().len(), 1, "read again before the hold");

        let server = Server::start(|_, n| match n {
            0 => {
                let until = (Utc::now() + chrono::Duration::seconds(1)).to_rfc3339();
                answer(429, &[], &format!(r#"{{"holdUntil":"{until}"}}"#))
            }
            _ => answer(200, &[], "[]"),
        });
        let client = client_for(&server.base("/v1"), overridden(), body_hold);
        let started = Instant::now();
        client.read(Call::get("/list")).await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(900));
        assert_eq!(server.seen().len(), 2);
    }

    #[tokio::test]
    async fn the_server_wait_bound_is_configurable() {
        let server = Server::start(|_, _| answer(503, &[("Retry-After", "2")], ""));
        let config = overridden().with_max_server_wait(Duration::from_secs(1));
        let client = client_for(&server.base("/v1"), config, no_special_errors);
        let started = Instant::now();
        let e = client.read(Call::get("/list")).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(e.kind, ErrorKind::ProviderUnavailable);
        assert!(e.retry_at.is_some());
        assert_eq!(server.seen().len(), 1);
    }

    #[tokio::test]
    async fn a_classifier_estimate_is_not_slept_on() {
        let server = Server::start(|_, _| answer(424, &[], r#"{"error_label":"PROXY_ERROR"}"#));
        let client = client_for(&server.base("/v1"), overridden(), guessed_minute);
        let e = client.read(Call::get("/list")).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::ProviderUnavailable);
        assert!(e.retry_at.is_some());
        assert_eq!(server.seen().len(), 1);
    }

    #[tokio::test]
    async fn a_write_is_not_repeated_before_the_hold_in_the_body() {
        let until = (Utc::now() + chrono::Duration::hours(3)).to_rfc3339();
        let body = format!(r#"{{"success":false,"error":"On hold","holdUntil":"{until}"}}"#);
        let server = Server::start(move |_, _| answer(429, &[("Retry-After", "0")], &body));
        let client = client_for(&server.base("/v1"), overridden(), body_hold);
        let e = client
            .write(Call::post(
                "/connect",
                &serde_json::json!({"profileId": "x"}),
            ))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert!(e.retry_at.unwrap() > Utc::now() + chrono::Duration::hours(2));
        assert_eq!(server.seen().len(), 1, "sent again before the hold");

        // Without a hold, a short Retry-After still gets its one safe repeat.
        let server = Server::start(|_, n| match n {
            0 => answer(429, &[("Retry-After", "0")], r#"{"error":"slow down"}"#),
            _ => answer(200, &[], r#"{"success":true}"#),
        });
        let client = client_for(&server.base("/v1"), overridden(), body_hold);
        client.write(Call::post("/connect", &1)).await.unwrap();
        assert_eq!(server.seen().len(), 2);
    }

    #[tokio::test]
    async fn request_timeouts_and_cdn_errors_are_repeated_on_reads_and_unconfirmed_on_writes() {
        for status in [408, 520, 524] {
            let server = Server::start(move |_, n| match n {
                0 => answer(status, &[], "<html>error</html>"),
                _ => answer(200, &[], "[]"),
            });
            let client = client_for(&server.base("/v1"), overridden(), no_special_errors);
            let (result, notices) = listing_page(&client, Call::get("/list")).await;
            assert!(result.is_ok(), "{status}: {result:?}");
            assert_eq!(notices.len(), 1, "{status}");
            assert_eq!(server.seen().len(), 2, "{status}");

            let server = Server::start(move |_, _| answer(status, &[], ""));
            let client = client_for(&server.base("/v1"), overridden(), no_special_errors);
            let e = client.write(Call::post("/connect", &1)).await.unwrap_err();
            assert_eq!(e.kind, ErrorKind::Unconfirmed, "{status}");
            assert_eq!(server.seen().len(), 1, "{status}");
        }
    }

    #[tokio::test]
    async fn a_next_page_on_another_host_is_fetched_from_the_base_host_without_leaking_the_key() {
        let foreign = Server::start(|_, _| answer(200, &[], "[]"));
        let server = Server::start(|_, _| answer(200, &[], "[]"));
        let client = client_for(&server.base("/v1"), overridden(), no_special_errors);
        let links = [
            foreign.base("/v1/actions/x/run/live?cursor=2"),
            format!(
                "http://localhost:{}/v1/actions/x/run/live?cursor=3",
                server.port
            ),
            "/v1/actions/x/run/live?cursor=4".to_string(),
        ];
        for link in &links {
            client.read(Call::post(link.as_str(), &1)).await.unwrap();
        }
        assert!(foreign.seen().is_empty(), "{:?}", foreign.seen());
        let seen = server.seen();
        let targets: Vec<&str> = seen.iter().map(|s| s.target.as_str()).collect();
        assert_eq!(
            targets,
            [
                "/v1/actions/x/run/live?cursor=2",
                "/v1/actions/x/run/live?cursor=3",
                "/v1/actions/x/run/live?cursor=4"
            ]
        );
        for s in &seen {
            assert_eq!(s.method, "POST");
            assert_eq!(
                s.header("host"),
                Some(format!("127.0.0.1:{}", server.port).as_str())
            );
            assert_eq!(s.header("x-api-key"), Some(KEY));
        }
    }

    #[tokio::test]
    async fn a_redirect_to_another_host_is_not_followed() {
        let foreign = Server::start(|_, _| answer(200, &[], "[]"));
        let location = foreign.base("/steal");
        let server = Server::start(move |_, _| answer(302, &[("Location", &location)], ""));
        let client = client_for(&server.base("/v1"), overridden(), no_special_errors);
        assert!(client.read(Call::get("/list")).await.is_err());
        assert!(
            foreign.seen().is_empty(),
            "the key went to {:?}",
            foreign.seen()
        );

        // On the same origin a redirect is still followed.
        let server = Server::start(|s, _| match s.target.as_str() {
            "/v1/old" => answer(301, &[("Location", "/v1/new")], ""),
            _ => answer(200, &[], "[]"),
        });
        let client = client_for(&server.base("/v1"), overridden(), no_special_errors);
        client.read(Call::get("/old")).await.unwrap();
        assert_eq!(server.seen()[1].header("x-api-key"), Some(KEY));
    }
}
