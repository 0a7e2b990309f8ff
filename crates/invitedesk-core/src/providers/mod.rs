//! One trait over the three invitation APIs (and the in-app demo).
//!
//! A client is built for one credential set and one LinkedIn account (`ProviderConfig`), so the
//! trait methods take no account argument. Clients turn wire formats into `crate::model` types and
//! failures into `ProviderError`, whose `kind` the UI and the job runner branch on.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::error::{AppError, ErrorKind};
use crate::model::{
    Capabilities, Limit, NewInvitation, ProviderKind, ReceivedInvitation, RemoteAccount, Response,
    SentInvitation, WriteOutcome,
};

pub mod connectsafely;
pub mod demo;
pub mod edges;
pub mod http;
pub mod lenient;
pub mod linkup;
pub mod listing;
pub mod notes;
pub mod writes;

pub use listing::{
    ignore_progress, ignore_rows, Listed, ListingEvent, ListingStop, PageProgress, PageRef,
    PageRows, RetryNotice,
};

/// What each provider can do (providers.md §4): the one table, used by the clients'
/// `capabilities()` and by the account list (which needs neither a client nor a secret).
pub const fn capabilities_of(kind: ProviderKind) -> Capabilities {
    match kind {
        ProviderKind::ConnectSafely => Capabilities {
            ignore: true,
            max_note_chars: connectsafely::MAX_NOTE_CHARS as u32,
            note_counting: notes::note_counting(ProviderKind::ConnectSafely),
            lists_accounts: true,
        },
        ProviderKind::Edges => Capabilities {
            ignore: false,
            max_note_chars: edges::MAX_NOTE_CHARS as u32,
            note_counting: notes::note_counting(ProviderKind::Edges),
            lists_accounts: true,
        },
        ProviderKind::Linkup => Capabilities {
            ignore: false,
            max_note_chars: linkup::MAX_NOTE_CHARS as u32,
            note_counting: notes::note_counting(ProviderKind::Linkup),
            lists_accounts: false,
        },
        ProviderKind::Demo => Capabilities {
            ignore: true,
            max_note_chars: 300,
            note_counting: notes::note_counting(ProviderKind::Demo),
            lists_accounts: false,
        },
    }
}

#[async_trait]
pub trait InvitationProvider: Send + Sync {
    fn kind(&self) -> ProviderKind;

    fn capabilities(&self) -> Capabilities;

    /// LinkedIn accounts (or identities) visible to the credentials. LinkupAPI v1 has one
    /// account per login token and returns that one.
    async fn list_accounts(&self) -> Result<Vec<RemoteAccount>, ProviderError>;

    /// Every pending sent invitation, all pages; a listing stopped part-way is its error.
    async fn list_sent(
        &self,
        progress: PageProgress<'_>,
    ) -> Result<Vec<SentInvitation>, ProviderError> {
        self.list_sent_partial(progress, &ignore_rows)
            .await?
            .into_complete()
    }

    /// Withdraw one. A write: never blindly retried (see `http::Client::write`).
    async fn withdraw(&self, invitation: &SentInvitation) -> Result<WriteOutcome, ProviderError>;

    /// Every pending received invitation of every category, all pages; a listing stopped
    /// part-way is its error.
    async fn list_received(
        &self,
        progress: PageProgress<'_>,
    ) -> Result<Vec<ReceivedInvitation>, ProviderError> {
        self.list_received_partial(progress, &ignore_rows)
            .await?
            .into_complete()
    }

    /// Every pending sent invitation: each page's new invitations go to `rows` as they arrive
    /// (before the page's progress event), and a listing that stops part-way (pages that
    /// repeat, the row bound, a page that fails after others arrived) gives back what it
    /// fetched, marked stopped, for the refresh to keep. A provider that lists in one go hands
    /// everything over at the end (`Listed::at_once`).
    async fn list_sent_partial(
        &self,
        progress: PageProgress<'_>,
        rows: PageRows<'_, SentInvitation>,
    ) -> Result<Listed<SentInvitation>, ProviderError>;

    /// `list_sent_partial` for received invitations of every category.
    async fn list_received_partial(
        &self,
        progress: PageProgress<'_>,
        rows: PageRows<'_, ReceivedInvitation>,
    ) -> Result<Listed<ReceivedInvitation>, ProviderError>;

    /// Accept or ignore one. Providers without ignore answer `ErrorKind::NotSupported`.
    async fn respond(
        &self,
        invitation: &ReceivedInvitation,
        response: Response,
    ) -> Result<WriteOutcome, ProviderError>;

    async fn send_invitation(&self, request: &NewInvitation)
        -> Result<WriteOutcome, ProviderError>;

    /// Quotas the provider reports; empty when it reports none.
    async fn limits(&self) -> Result<Vec<Limit>, ProviderError>;

    /// Whether the person at `profile_url` is now a first-degree connection (Insights asks it
    /// of invitations that left the pending list), or `None` where the provider cannot tell
    /// at no cost. A read: retried like any listing.
    async fn is_connected(&self, _profile_url: &str) -> Result<Option<bool>, ProviderError> {
        Ok(None)
    }

    /// How long after the start of an unconfirmed write the provider can no longer apply it;
    /// the write is checked (and maybe sent again) only after that. See
    /// `http::Client::settle_delay`.
    fn settle_delay(&self) -> Duration {
        http::MIN_SETTLE_DELAY
    }

    /// False only where no real LinkedIn account can be reached (a loopback test server, the
    /// demo): there alone may the pause between writes and the daily caps go below the safety
    /// floors (`jobs::limits`).
    fn reaches_linkedin(&self) -> bool {
        true
    }
}

/// Everything needed to build a client. Secrets stay `SecretString` so `Debug` never shows them.
#[derive(Clone)]
pub struct ProviderConfig {
    pub kind: ProviderKind,
    /// Base URL without a trailing slash, e.g. `https://api.edges.run/v1`.
    pub base_url: String,
    pub api_key: SecretString,
    /// ConnectSafely `accountId`, Edges identity uid; `None` for "the key's default" / LinkupAPI.
    pub remote_account_id: Option<String>,
    /// LinkupAPI v1 only: the LinkedIn login token (a cookie) and proxy country.
    pub login_token: Option<SecretString>,
    pub country: Option<String>,
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("kind", &self.kind)
            .field("base_url", &self.base_url)
            .field("api_key", &"[redacted]")
            .field("remote_account_id", &self.remote_account_id)
            .field(
                "login_token",
                &self.login_token.as_ref().map(|_| "[redacted]"),
            )
            .field("country", &self.country)
            .finish()
    }
}

/// The production base URL of each provider, overridable for tests and gateways through
/// `INVITEDESK_<PROVIDER>_URL` (only `https://` or loopback `http://` is accepted).
pub fn default_base_url(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::ConnectSafely => "https://api.connectsafely.ai/linkedin",
        ProviderKind::Edges => "https://api.edges.run/v1",
        ProviderKind::Linkup => "https://api.linkupapi.com/v1",
        ProviderKind::Demo => "demo:",
    }
}

pub fn override_var(kind: ProviderKind) -> Option<&'static str> {
    match kind {
        ProviderKind::ConnectSafely => Some("INVITEDESK_CONNECTSAFELY_URL"),
        ProviderKind::Edges => Some("INVITEDESK_EDGES_URL"),
        ProviderKind::Linkup => Some("INVITEDESK_LINKUP_URL"),
        ProviderKind::Demo => None,
    }
}

/// Checks a base-URL override. A release build accepts a loopback address only (`http` or
/// `https`): an environment variable must never be able to send a key to another machine. A
/// debug build also accepts `https://` anywhere, for gateways under test.
pub fn validate_base_url(raw: &str) -> Result<String, String> {
    validate_base_url_for(raw, cfg!(debug_assertions))
}

/// [`validate_base_url`] with the build's rule explicit: `remote_https` allows `https://` to any
/// host (debug builds).
pub fn validate_base_url_for(raw: &str, remote_https: bool) -> Result<String, String> {
    let url = url::Url::parse(raw).map_err(|e| format!("\"{raw}\" is not a URL ({e})"))?;
    let loopback = http::is_loopback(&url);
    let web = matches!(url.scheme(), "http" | "https");
    if !web || !(loopback || (remote_https && url.scheme() == "https")) {
        let allowed = if remote_https {
            "https:// to any host, or http:// to this computer (localhost, 127.0.0.1, [::1])"
        } else {
            "only an address on this computer (localhost, 127.0.0.1, [::1]), over http or https"
        };
        return Err(format!(
            "\"{raw}\" is not allowed: this build accepts {allowed}"
        ));
    }
    Ok(raw.trim_end_matches('/').to_string())
}

/// The override set for a provider, if any: the URL in effect, or why it is refused.
pub fn override_status(kind: ProviderKind) -> Option<Result<String, String>> {
    let raw = std::env::var(override_var(kind)?).ok()?;
    let raw = raw.trim();
    (!raw.is_empty()).then(|| validate_base_url(raw))
}

/// The base URL in effect for a provider: the override when set and valid, else the default.
/// A refused override is an error, never a silent fall-back to the real provider.
pub fn base_url(kind: ProviderKind) -> Result<String, String> {
    override_status(kind).unwrap_or_else(|| Ok(default_base_url(kind).to_string()))
}

/// One start-up notice per refused override, so the user learns it before a refresh fails.
pub fn refused_override_notices() -> Vec<String> {
    [
        ProviderKind::ConnectSafely,
        ProviderKind::Edges,
        ProviderKind::Linkup,
    ]
    .into_iter()
    .filter_map(|kind| {
        let why = override_status(kind)?.err()?;
        let var = override_var(kind)?;
        let p = kind.label();
        Some(format!(
            "The address in {var} was refused: {why}. {p} accounts cannot be reached until \
                 the variable is removed or corrected; no key was sent anywhere."
        ))
    })
    .collect()
}

/// A test hook: the request timeout in milliseconds, honoured only for a loopback base URL
/// (a test server), so end-to-end tests see ambiguous writes settle in seconds.
pub const TIMEOUT_OVERRIDE_VAR: &str = "INVITEDESK_TEST_HTTP_TIMEOUT_MS";

/// The HTTP policy for a base URL: the defaults, with the test timeout on loopback only.
pub fn http_config_for(base_url: &str) -> http::HttpConfig {
    let config = http::HttpConfig::default();
    let loopback = url::Url::parse(base_url).is_ok_and(|u| http::is_loopback(&u));
    let asked = std::env::var(TIMEOUT_OVERRIDE_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|ms| *ms > 0);
    match asked {
        // Our own waits scale with the timeout, so an end-to-end test settles in seconds (a
        // wait the server names is bounded by `max_server_wait` instead).
        Some(ms) if loopback => config
            .with_timeout(Duration::from_millis(ms))
            .with_max_backoff(Duration::from_millis(ms / 4)),
        _ => config,
    }
}

/// Builds the client for a config.
pub fn build(config: ProviderConfig) -> Result<Arc<dyn InvitationProvider>, ProviderError> {
    let http = http_config_for(&config.base_url);
    Ok(match config.kind {
        ProviderKind::ConnectSafely => Arc::new(connectsafely::ConnectSafely::with_http_config(
            config, http,
        )?),
        ProviderKind::Edges => Arc::new(edges::Edges::with_http_config(config, http)?),
        ProviderKind::Linkup => Arc::new(linkup::Linkup::with_http_config(config, http)?),
        ProviderKind::Demo => Arc::new(demo::Demo::new(config.remote_account_id)),
    })
}

/// A provider call that failed, with what the UI and the job runner need to react.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderError {
    pub kind: ErrorKind,
    /// For the user; never contains the key or a long upstream body.
    pub message: String,
    pub status: Option<u16>,
    /// When the provider says we may try again (Retry-After, `holdUntil`, `postponed_until`).
    pub retry_at: Option<DateTime<Utc>>,
    /// At most a couple of hundred characters of the body, secrets scrubbed.
    pub excerpt: Option<String>,
    /// The provider's own name for the failure when its body gives one (ConnectSafely `code`,
    /// Edges `error_label`): what clients tell cases apart by; the user reads `message`.
    pub code: Option<String>,
}

impl ProviderError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            status: None,
            retry_at: None,
            excerpt: None,
            code: None,
        }
    }

    pub fn not_supported(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotSupported, message)
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProviderError {}

impl From<ProviderError> for AppError {
    fn from(e: ProviderError) -> Self {
        let mut message = e.message;
        if let Some(at) = e.retry_at {
            if !message.contains("until") {
                message.push_str(&format!(
                    " Try again after {} UTC.",
                    at.format("%Y-%m-%d %H:%M")
                ));
            }
        }
        AppError::new(e.kind, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_override_accepts_loopback_only_in_release_builds() {
        let release = |raw: &str| validate_base_url_for(raw, false);
        assert_eq!(
            release("http://127.0.0.1:8080/cs/").unwrap(),
            "http://127.0.0.1:8080/cs"
        );
        assert!(release("https://localhost:8443").is_ok());
        assert!(release("http://LOCALHOST:1").is_ok());
        assert!(release("http://[::1]:9").is_ok());
        assert!(release("https://127.0.0.2").is_ok());
        let refused = release("https://gw.example.com/cs").unwrap_err();
        assert!(
            refused.contains("gw.example.com")
                && refused.contains("only an address on this computer"),
            "{refused}"
        );
        assert!(release("http://10.0.0.1:8080").is_err());
        assert!(release("https://localhost.evil.example").is_err());
        assert!(release("ftp://127.0.0.1").is_err());
        assert!(release("not a url").is_err());
    }

    #[test]
    fn base_url_override_also_accepts_remote_https_in_debug_builds() {
        let debug = |raw: &str| validate_base_url_for(raw, true);
        assert_eq!(
            debug("https://gw.example.com/cs/").unwrap(),
            "https://gw.example.com/cs"
        );
        assert!(debug("http://127.0.0.1:8080").is_ok());
        assert!(debug("http://evil.example.com").is_err());
        assert!(debug("http://10.0.0.1:8080").is_err());
        assert!(debug("file:///etc/passwd").is_err());
        assert_eq!(
            validate_base_url("https://gw.example.com").is_ok(),
            cfg!(debug_assertions),
            "the build's own rule"
        );
    }

    #[test]
    fn debug_redacts_secrets() {
        let c = ProviderConfig {
            kind: ProviderKind::Linkup,
            base_url: "https://x".into(),
            api_key: SecretString::from("sk_live_SUPERSECRET"),
            remote_account_id: None,
            login_token: Some(SecretString::from("AQEDAT-cookie")),
            country: Some("FR".into()),
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("SUPERSECRET"));
        assert!(!shown.contains("AQEDAT"));
        assert!(shown.contains("[redacted]"));
    }
}
