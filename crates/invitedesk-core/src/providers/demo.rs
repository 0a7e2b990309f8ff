//! The demo workspace: a LinkedIn account simulated inside the app, so InviteDesk can be explored
//! without an API key. Everything it returns is invented and labelled as demo data.
//!
//! It implements `InvitationProvider` fully and keeps state in memory: a withdrawal, an accept or
//! a new invitation changes what the next listing shows, for as long as the app runs (the
//! registry keeps one `Demo` per demo account). Ages are produced the way real providers send
//! them, as LinkedIn's bucketed text ("Sent 2 weeks ago"), and turned into `Age` by the same
//! parser the real clients use. The data includes the awkward cases the UI must survive: a note
//! with accents and emoji, long notes, and names made of HTML.
//!
//! Every call waits a small, deterministic, configurable time (150–400 ms by default, zero in
//! tests) so progress indicators can be seen.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Datelike, Duration as Span, TimeZone, Utc};

use super::{InvitationProvider, Listed, ListingEvent, PageProgress, PageRows, ProviderError};
use crate::error::ErrorKind;
use crate::linkedin::{self, PathTail, Scheme};
use crate::model::{
    Capabilities, InvitationCategory, Limit, NewInvitation, Person, ProviderKind,
    ReceivedInvitation, RemoteAccount, Response, SentInvitation, WriteOutcome,
};
use data::{HEADLINES, PERSONAS, RECEIVED, SENT_NOTES, SENT_PEOPLE};

mod data;
pub mod history;

pub const CAPABILITIES: Capabilities = super::capabilities_of(ProviderKind::Demo);

/// The simulated weekly cap on connection requests (ConnectSafely's figure, reset Monday 00:00 UTC).
pub const WEEKLY_INVITATION_LIMIT: u32 = 90;

/// LinkedIn lets you invite someone again three weeks after withdrawing.
const REINVITE_AFTER_DAYS: i64 = 21;
const PAGE_SIZE: usize = 20;

/// Simulated time per call, in milliseconds; the actual value is picked deterministically in
/// `min_ms..=max_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latency {
    pub min_ms: u64,
    pub max_ms: u64,
}

impl Latency {
    pub const DEFAULT: Latency = Latency {
        min_ms: 150,
        max_ms: 400,
    };
    pub const NONE: Latency = Latency {
        min_ms: 0,
        max_ms: 0,
    };
}

impl Default for Latency {
    fn default() -> Self {
        Latency::DEFAULT
    }
}

pub struct Demo {
    remote_account_id: String,
    seed: u64,
    latency: Latency,
    calls: AtomicU64,
    world: Mutex<World>,
}

impl Demo {
    /// A fresh simulated account with the default latency. `remote_account_id` seeds the data,
    /// so two demo accounts show different people.
    pub fn new(remote_account_id: Option<String>) -> Self {
        Self::with_latency(remote_account_id, Latency::DEFAULT)
    }

    pub fn with_latency(remote_account_id: Option<String>, latency: Latency) -> Self {
        let remote_account_id = remote_account_id.unwrap_or_else(|| "demo".to_string());
        let seed = fnv1a(&remote_account_id);
        Self {
            world: Mutex::new(World::generate(seed, Utc::now())),
            remote_account_id,
            seed,
            latency,
            calls: AtomicU64::new(0),
        }
    }

    /// The simulated person whose account this is.
    pub fn persona_name(&self) -> &'static str {
        persona_name(&self.remote_account_id)
    }

    async fn simulate_latency(&self) {
        let Latency { min_ms, max_ms } = self.latency;
        if max_ms == 0 {
            return;
        }
        let call = self.calls.fetch_add(1, Ordering::Relaxed);
        let span = max_ms.saturating_sub(min_ms) + 1;
        let ms = min_ms + (call.wrapping_mul(7919).wrapping_add(self.seed)) % span;
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}

#[async_trait]
impl InvitationProvider for Demo {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Demo
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    async fn list_accounts(&self) -> Result<Vec<RemoteAccount>, ProviderError> {
        self.simulate_latency().await;
        let name = self.persona_name();
        Ok(vec![RemoteAccount {
            id: self.remote_account_id.clone(),
            name: format!("{name} (demo)"),
            status: "DEMO".to_string(),
            usable: true,
            picture_url: None,
            profile_url: Some(format!(
                "https://www.linkedin.com/in/{}-demo",
                slugify(name)
            )),
        }])
    }

    async fn list_sent_partial(
        &self,
        progress: PageProgress<'_>,
        page_rows: PageRows<'_, SentInvitation>,
    ) -> Result<Listed<SentInvitation>, ProviderError> {
        self.simulate_latency().await;
        let now = Utc::now();
        let rows: Vec<SentInvitation> = {
            let world = self.world.lock().unwrap();
            let mut sent: Vec<&DemoSent> = world.sent.iter().collect();
            sent.sort_by_key(|s| std::cmp::Reverse(s.sent_at));
            sent.into_iter().map(|s| s.view(now)).collect()
        };
        report_pages(rows.len(), progress);
        Listed::at_once(rows, page_rows)
    }

    async fn is_connected(&self, profile_url: &str) -> Result<Option<bool>, ProviderError> {
        self.simulate_latency().await;
        let Some(slug) = profile_slug(profile_url) else {
            return Ok(None);
        };
        Ok(Some(self.world.lock().unwrap().connections.contains(&slug)))
    }

    async fn withdraw(&self, invitation: &SentInvitation) -> Result<WriteOutcome, ProviderError> {
        self.simulate_latency().await;
        let mut world = self.world.lock().unwrap();
        let Some(at) = world.sent.iter().position(|s| s.id == invitation.id) else {
            return Ok(WriteOutcome::AlreadyGone);
        };
        let gone = world.sent.remove(at);
        let key = gone.person.public_id.clone().unwrap_or_default();
        if gone.accepted_meanwhile {
            // Accepted on LinkedIn before the withdrawal arrived: nothing left to withdraw.
            world.connections.insert(key);
            return Ok(WriteOutcome::AlreadyGone);
        }
        world.withdrawn.insert(key, Utc::now());
        Ok(WriteOutcome::Done)
    }

    async fn list_received_partial(
        &self,
        progress: PageProgress<'_>,
        page_rows: PageRows<'_, ReceivedInvitation>,
    ) -> Result<Listed<ReceivedInvitation>, ProviderError> {
        self.simulate_latency().await;
        let now = Utc::now();
        let rows: Vec<ReceivedInvitation> = {
            let world = self.world.lock().unwrap();
            let mut received: Vec<&DemoReceived> = world.received.iter().collect();
            received.sort_by_key(|r| std::cmp::Reverse(r.received_at));
            received.into_iter().map(|r| r.view(now)).collect()
        };
        report_pages(rows.len(), progress);
        Listed::at_once(rows, page_rows)
    }

    async fn respond(
        &self,
        invitation: &ReceivedInvitation,
        response: Response,
    ) -> Result<WriteOutcome, ProviderError> {
        self.simulate_latency().await;
        let mut world = self.world.lock().unwrap();
        let Some(at) = world.received.iter().position(|r| r.id == invitation.id) else {
            return Ok(WriteOutcome::AlreadyGone);
        };
        let answered = world.received.remove(at);
        if response == Response::Accept && answered.category == InvitationCategory::Connection {
            if let Some(id) = answered.person.public_id {
                world.connections.insert(id);
            }
        }
        Ok(WriteOutcome::Done)
    }

    async fn send_invitation(
        &self,
        request: &NewInvitation,
    ) -> Result<WriteOutcome, ProviderError> {
        self.simulate_latency().await;
        let slug = profile_slug(&request.profile_url).ok_or_else(|| {
            ProviderError::new(
                ErrorKind::InvalidInput,
                "This is not a LinkedIn profile address (https://www.linkedin.com/in/…).",
            )
        })?;
        let note = request
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if let Some(n) = note {
            let len = n.chars().count();
            if len > CAPABILITIES.max_note_chars as usize {
                return Err(ProviderError::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "The note has {len} characters; LinkedIn allows at most {}.",
                        CAPABILITIES.max_note_chars
                    ),
                ));
            }
        }
        let now = Utc::now();
        let mut world = self.world.lock().unwrap();
        if world.connections.contains(&slug) {
            return Err(ProviderError::new(
                ErrorKind::AlreadyConnected,
                "You are already connected with this person.",
            ));
        }
        if world
            .sent
            .iter()
            .any(|s| s.person.public_id.as_deref() == Some(slug.as_str()))
        {
            return Err(ProviderError::new(
                ErrorKind::AlreadyInvited,
                "An invitation to this person is already pending.",
            ));
        }
        if let Some(withdrawn_at) = world.withdrawn.get(&slug) {
            let allowed_from = *withdrawn_at + Span::days(REINVITE_AFTER_DAYS);
            if allowed_from > now {
                let mut e = ProviderError::new(
                    ErrorKind::RateLimited,
                    format!(
                        "LinkedIn allows a new invitation to this person 3 weeks after a \
                         withdrawal, from {}.",
                        allowed_from.format("%Y-%m-%d")
                    ),
                );
                e.retry_at = Some(allowed_from);
                return Err(e);
            }
        }
        if world.invites_this_week >= WEEKLY_INVITATION_LIMIT {
            let mut e = ProviderError::new(
                ErrorKind::RateLimited,
                format!(
                    "The weekly limit of {WEEKLY_INVITATION_LIMIT} invitations is reached \
                     (simulated). It resets on Monday at 00:00 UTC."
                ),
            );
            e.retry_at = Some(next_monday(now));
            return Err(e);
        }
        world.invites_this_week += 1;
        let name = name_from_slug(&slug);
        let n = world.next_number;
        world.next_number += 1;
        world.sent.push(DemoSent {
            id: invitation_id(self.seed, n),
            person: person(&name, "", None, &slug, self.seed, n),
            sent_at: now,
            note: note.map(str::to_string),
            accepted_meanwhile: false,
        });
        Ok(WriteOutcome::Done)
    }

    /// The demo's writes never go anywhere: nothing can land late.
    fn settle_delay(&self) -> std::time::Duration {
        std::time::Duration::from_secs(1)
    }

    fn reaches_linkedin(&self) -> bool {
        false
    }

    async fn limits(&self) -> Result<Vec<Limit>, ProviderError> {
        self.simulate_latency().await;
        let used = self.world.lock().unwrap().invites_this_week;
        Ok(vec![Limit {
            action: "CONNECT".to_string(),
            used: Some(used),
            limit: Some(WEEKLY_INVITATION_LIMIT),
            remaining: Some(WEEKLY_INVITATION_LIMIT.saturating_sub(used)),
            resets_at: Some(next_monday(Utc::now()).to_rfc3339()),
            source: "Demo weekly invitation limit (simulated)".to_string(),
        }])
    }
}

/// The simulated person behind the demo account `remote_account_id`.
pub fn persona_name(remote_account_id: &str) -> &'static str {
    PERSONAS[(fnv1a(remote_account_id) % PERSONAS.len() as u64) as usize]
}

fn report_pages(total: usize, progress: PageProgress<'_>) {
    let mut done = 0;
    while done < total {
        done = (done + PAGE_SIZE).min(total);
        progress(ListingEvent::page(done, Some(total)));
    }
    if total == 0 {
        progress(ListingEvent::page(0, Some(0)));
    }
}

struct World {
    sent: Vec<DemoSent>,
    received: Vec<DemoReceived>,
    /// Public ids of people already connected (accepted invitations).
    connections: HashSet<String>,
    /// Public id → when the invitation to them was withdrawn.
    withdrawn: HashMap<String, DateTime<Utc>>,
    invites_this_week: u32,
    next_number: u64,
}

struct DemoSent {
    id: String,
    person: Person,
    sent_at: DateTime<Utc>,
    note: Option<String>,
    /// Withdrawing it finds it already accepted (the "already gone" path).
    accepted_meanwhile: bool,
}

impl DemoSent {
    fn view(&self, now: DateTime<Utc>) -> SentInvitation {
        let text = format!("Sent {}", relative_text(self.sent_at, now));
        SentInvitation {
            id: self.id.clone(),
            urn: Some(format!("urn:li:fsd_invitation:{}", self.id)),
            person: self.person.clone(),
            category: InvitationCategory::Connection,
            age: crate::age::parse_age(&text, now),
            sent_text: Some(text),
            note: self.note.clone(),
        }
    }
}

struct DemoReceived {
    id: String,
    person: Person,
    category: InvitationCategory,
    entity_name: Option<String>,
    note: Option<String>,
    mutual: Option<u32>,
    received_at: DateTime<Utc>,
}

impl DemoReceived {
    fn view(&self, now: DateTime<Utc>) -> ReceivedInvitation {
        let text = relative_text(self.received_at, now);
        let raw_type = match self.category {
            InvitationCategory::Connection => "CONNECTION",
            InvitationCategory::Organization => "ORGANIZATION",
            InvitationCategory::Newsletter => "CONTENT_SERIES",
            InvitationCategory::Event => "EVENT",
            InvitationCategory::MemberFollow => "MEMBER_FOLLOW",
            InvitationCategory::Unknown => "UNKNOWN",
        };
        ReceivedInvitation {
            id: self.id.clone(),
            urn: Some(format!("urn:li:fsd_invitation:{}", self.id)),
            person: self.person.clone(),
            category: self.category,
            entity_name: self.entity_name.clone(),
            note: self.note.clone(),
            mutual_connections: self.mutual.map(|n| match n {
                1 => "1 mutual connection".to_string(),
                n => format!("{n} mutual connections"),
            }),
            age: crate::age::parse_age(&text, now),
            received_text: Some(text),
            accept_token: Some(format!("demo-accept-{}", self.id)),
            raw_type: Some(raw_type.to_string()),
        }
    }
}

impl World {
    fn generate(seed: u64, now: DateTime<Utc>) -> World {
        let names = SENT_PEOPLE.len();
        let shift = (seed % names as u64) as usize;
        let sent = (0..names)
            .map(|i| {
                let (first, last) = SENT_PEOPLE[(i + shift) % names];
                let name = format!("{first} {last}");
                let n = i as u64;
                DemoSent {
                    id: invitation_id(seed, n),
                    person: person(
                        &name,
                        HEADLINES[(i * 7 + shift) % HEADLINES.len()],
                        Some((first, last)),
                        &format!("{}-{:04x}", slugify(&name), (seed ^ (n * 0x9e37)) & 0xffff),
                        seed,
                        n,
                    ),
                    sent_at: now - sent_age(i, names),
                    note: SENT_NOTES[i % SENT_NOTES.len()].map(|n| n.replace("{first}", first)),
                    accepted_meanwhile: i == 7,
                }
            })
            .collect();

        let received = RECEIVED
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let n = 1000 + i as u64;
                let name = format!("{} {}", r.first, r.last);
                DemoReceived {
                    id: invitation_id(seed, n),
                    person: person(
                        &name,
                        r.headline,
                        Some((r.first, r.last)),
                        &format!("{}-{:04x}", slugify(&name), (seed ^ (n * 0x9e37)) & 0xffff),
                        seed,
                        n,
                    ),
                    category: r.category,
                    entity_name: r.entity.map(str::to_string),
                    note: r.note.map(str::to_string),
                    mutual: (r.category == InvitationCategory::Connection)
                        .then_some(((i * 5 + 1) % 37) as u32),
                    received_at: now - Span::hours(r.hours_ago),
                }
            })
            .collect();

        World {
            sent,
            received,
            connections: HashSet::new(),
            withdrawn: HashMap::new(),
            invites_this_week: 37,
            next_number: 5000,
        }
    }
}

/// Ages from a couple of hours to about nine months, denser for recent ones, with a few hours
/// of jitter so no two invitations share a timestamp.
fn sent_age(i: usize, total: usize) -> Span {
    let x = i as f64 / (total.max(2) - 1) as f64;
    let days = 270.0 * x.powf(1.9);
    let hours = (days * 24.0).round() as i64 + ((i * 7) % 11) as i64;
    Span::hours(hours.max(2))
}

/// LinkedIn's wording for how long ago something happened.
fn relative_text(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let elapsed = now.signed_duration_since(at).max(Span::zero());
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    let minutes = elapsed.num_minutes();
    let hours = elapsed.num_hours();
    let days = elapsed.num_days();
    if minutes < 1 {
        "just now".to_string()
    } else if hours < 1 {
        plural(minutes, "minute")
    } else if days < 1 {
        plural(hours, "hour")
    } else if days == 1 {
        "yesterday".to_string()
    } else if days < 7 {
        plural(days, "day")
    } else if days < 30 {
        plural(days / 7, "week")
    } else if days < 365 {
        plural(days / 30, "month")
    } else {
        plural(days / 365, "year")
    }
}

fn next_monday(now: DateTime<Utc>) -> DateTime<Utc> {
    let days_ahead = 7 - i64::from(now.weekday().num_days_from_monday());
    let date = (now + Span::days(days_ahead)).date_naive();
    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight exists"))
}

/// 19-digit ids, like LinkedIn's.
fn invitation_id(seed: u64, n: u64) -> String {
    (7_190_000_000_000_000_000u64 + (seed % 1_000_000_000_000) * 1000 + n).to_string()
}

fn person(
    name: &str,
    headline: &str,
    parts: Option<(&str, &str)>,
    slug: &str,
    seed: u64,
    n: u64,
) -> Person {
    Person {
        name: name.to_string(),
        first_name: parts.map(|(f, _)| f.to_string()),
        last_name: parts.map(|(_, l)| l.to_string()),
        headline: (!headline.is_empty()).then(|| headline.to_string()),
        profile_url: Some(linkedin::canonical_profile_url(slug)),
        public_id: Some(slug.to_string()),
        member_id: Some(format!(
            "ACoAAD{:012X}",
            fnv1a(slug) ^ seed.rotate_left(17) ^ n
        )),
        picture_url: None,
    }
}

/// The `/in/<slug>` part of an https LinkedIn profile URL, lowercased (the demo's person key).
fn profile_slug(url: &str) -> Option<String> {
    linkedin::parse_profile_slug(url, Scheme::HttpsOnly, PathTail::Allowed)
        .map(|slug| slug.to_lowercase())
}

fn name_from_slug(slug: &str) -> String {
    slug.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lowercase ASCII words joined by '-' (accents folded, anything else dropped).
fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'ç' | 'č' | 'ć' => 'c',
            'é' | 'è' | 'ê' | 'ë' | 'ě' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ı' => 'i',
            'ñ' | 'ń' => 'n',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'ů' => 'u',
            'ř' => 'r',
            'š' | 'ś' | 'ş' => 's',
            'ž' | 'ź' | 'ż' => 'z',
            'ł' => 'l',
            'ğ' => 'g',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if folded != '-' || !out.ends_with('-') {
            out.push(folded);
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "member".to_string()
    } else {
        out
    }
}

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Age;
    use InvitationCategory::{Connection, Event, MemberFollow, Newsletter, Organization};

    fn demo() -> Demo {
        Demo::with_latency(Some("demo-test".into()), Latency::NONE)
    }

    fn no_progress() -> impl Fn(ListingEvent) + Send + Sync {
        crate::providers::ignore_progress
    }

    #[tokio::test]
    async fn lists_about_sixty_sent_with_ages_from_hours_to_months() {
        let d = demo();
        let sent = d.list_sent(&no_progress()).await.unwrap();
        assert_eq!(sent.len(), 60);
        let texts: Vec<&str> = sent.iter().filter_map(|s| s.sent_text.as_deref()).collect();
        assert!(texts.iter().any(|t| t.ends_with("hours ago")), "{texts:?}");
        assert!(texts.iter().any(|t| t.contains("week")), "{texts:?}");
        assert!(texts.iter().any(|t| t.contains("month")), "{texts:?}");
        for s in &sent {
            assert_ne!(s.age, Age::UNKNOWN, "unparsed age text {:?}", s.sent_text);
        }
        let days: Vec<u32> = sent.iter().filter_map(|s| s.age.days).collect();
        assert!(days.windows(2).all(|w| w[0] <= w[1]), "newest first");
        assert!(*days.last().unwrap() >= 180);
        let older_than_30 = days.iter().filter(|d| **d >= 30).count();
        assert!((20..=50).contains(&older_than_30), "{older_than_30}");
    }

    #[tokio::test]
    async fn data_includes_the_awkward_cases() {
        let d = demo();
        let sent = d.list_sent(&no_progress()).await.unwrap();
        let received = d.list_received(&no_progress()).await.unwrap();
        assert!(sent
            .iter()
            .any(|s| s.person.name.contains("<img src=x onerror=alert(1)>")));
        assert!(received.iter().any(|r| r.person.name.contains("<script>")));
        assert!(sent
            .iter()
            .filter_map(|s| s.note.as_deref())
            .any(|n| n.contains('é') && n.contains('🚀')));
        assert!(sent
            .iter()
            .filter_map(|s| s.note.as_deref())
            .any(|n| n.chars().count() > 250));
        for cat in [Connection, Organization, Newsletter, Event, MemberFollow] {
            assert!(received.iter().any(|r| r.category == cat), "{cat:?}");
        }
        assert_eq!(received.len(), 25);
        for r in &received {
            assert_ne!(r.age, Age::UNKNOWN, "{:?}", r.received_text);
        }
        // Profile links are clean LinkedIn addresses even for the HTML names.
        for p in sent.iter().map(|s| &s.person) {
            let url = p.profile_url.as_deref().unwrap();
            assert!(url.starts_with("https://www.linkedin.com/in/"), "{url}");
            assert!(url.chars().all(|c| c.is_ascii_graphic()), "{url}");
            assert!(!url.contains('<'), "{url}");
        }
    }

    #[tokio::test]
    async fn withdraw_changes_state_and_a_second_withdraw_is_already_gone() {
        let d = demo();
        let sent = d.list_sent(&no_progress()).await.unwrap();
        let target = sent[0].clone();
        assert_eq!(d.withdraw(&target).await.unwrap(), WriteOutcome::Done);
        assert_eq!(
            d.withdraw(&target).await.unwrap(),
            WriteOutcome::AlreadyGone
        );
        let after = d.list_sent(&no_progress()).await.unwrap();
        assert!(after.iter().all(|s| s.id != target.id));

        // LinkedIn's three-week rule on re-inviting.
        let again = NewInvitation {
            profile_url: target.person.profile_url.clone().unwrap(),
            note: None,
        };
        let e = d.send_invitation(&again).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert!(e.retry_at.is_some());
    }

    #[tokio::test]
    async fn one_invitation_turns_out_accepted_meanwhile() {
        let d = demo();
        let sent = d.list_sent(&no_progress()).await.unwrap();
        let mut gone = 0;
        for s in &sent {
            if d.withdraw(s).await.unwrap() == WriteOutcome::AlreadyGone {
                gone += 1;
            }
        }
        assert_eq!(gone, 1);
        assert!(d.list_sent(&no_progress()).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn accept_and_ignore_remove_the_invitation() {
        let d = demo();
        let received = d.list_received(&no_progress()).await.unwrap();
        let (a, b) = (&received[0], &received[1]);
        assert_eq!(
            d.respond(a, Response::Accept).await.unwrap(),
            WriteOutcome::Done
        );
        assert_eq!(
            d.respond(b, Response::Ignore).await.unwrap(),
            WriteOutcome::Done
        );
        assert_eq!(
            d.respond(a, Response::Ignore).await.unwrap(),
            WriteOutcome::AlreadyGone
        );
        let left = d.list_received(&no_progress()).await.unwrap();
        assert_eq!(left.len(), received.len() - 2);
        if a.category == Connection {
            let e = d
                .send_invitation(&NewInvitation {
                    profile_url: a.person.profile_url.clone().unwrap(),
                    note: None,
                })
                .await
                .unwrap_err();
            assert_eq!(e.kind, ErrorKind::AlreadyConnected);
        }
    }

    #[tokio::test]
    async fn connect_adds_a_pending_invitation_and_counts_against_the_weekly_limit() {
        let d = demo();
        let before = d.limits().await.unwrap()[0].clone();
        assert_eq!(before.limit, Some(WEEKLY_INVITATION_LIMIT));
        let req = NewInvitation {
            profile_url: "https://www.linkedin.com/in/grace-hopper".into(),
            note: Some("Hello Grace 👋".into()),
        };
        assert_eq!(d.send_invitation(&req).await.unwrap(), WriteOutcome::Done);
        let sent = d.list_sent(&no_progress()).await.unwrap();
        let new = &sent[0];
        assert_eq!(new.person.name, "Grace Hopper");
        assert_eq!(new.age, Age::exact(0));
        assert_eq!(new.note.as_deref(), Some("Hello Grace 👋"));
        let after = d.limits().await.unwrap()[0].clone();
        assert_eq!(after.used, before.used.map(|u| u + 1));
        assert_eq!(
            d.send_invitation(&req).await.unwrap_err().kind,
            ErrorKind::AlreadyInvited
        );

        let long = NewInvitation {
            profile_url: "https://www.linkedin.com/in/someone-else".into(),
            note: Some("x".repeat(301)),
        };
        assert_eq!(
            d.send_invitation(&long).await.unwrap_err().kind,
            ErrorKind::InvalidInput
        );
        let not_linkedin = NewInvitation {
            profile_url: "https://example.com/in/x".into(),
            note: None,
        };
        assert_eq!(
            d.send_invitation(&not_linkedin).await.unwrap_err().kind,
            ErrorKind::InvalidInput
        );
    }

    #[tokio::test]
    async fn weekly_limit_stops_connects_until_monday() {
        let d = demo();
        let used = d.limits().await.unwrap()[0].used.unwrap();
        for i in used..WEEKLY_INVITATION_LIMIT {
            let req = NewInvitation {
                profile_url: format!("https://www.linkedin.com/in/person-{i}"),
                note: None,
            };
            d.send_invitation(&req).await.unwrap();
        }
        let e = d
            .send_invitation(&NewInvitation {
                profile_url: "https://www.linkedin.com/in/one-too-many".into(),
                note: None,
            })
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::RateLimited);
        let at = e.retry_at.unwrap();
        assert_eq!(at.weekday(), chrono::Weekday::Mon);
        assert!(at > Utc::now());
    }

    #[tokio::test]
    async fn progress_is_reported_per_page() {
        let d = demo();
        let seen = Mutex::new(Vec::new());
        let record = |e: ListingEvent| {
            if let ListingEvent::Page { fetched, total } = e {
                seen.lock().unwrap().push((fetched, total))
            }
        };
        d.list_sent(&record).await.unwrap();
        assert_eq!(
            *seen.lock().unwrap(),
            [(20, Some(60)), (40, Some(60)), (60, Some(60))]
        );
    }

    #[tokio::test]
    async fn two_demo_accounts_show_different_people_and_keep_separate_state() {
        let a = Demo::with_latency(Some("demo-a".into()), Latency::NONE);
        let b = Demo::with_latency(Some("demo-b".into()), Latency::NONE);
        let sa = a.list_sent(&no_progress()).await.unwrap();
        let sb = b.list_sent(&no_progress()).await.unwrap();
        assert_ne!(sa[0].person.name, sb[0].person.name);
        a.withdraw(&sa[0]).await.unwrap();
        assert_eq!(b.list_sent(&no_progress()).await.unwrap().len(), 60);
        let accounts = a.list_accounts().await.unwrap();
        assert_eq!(accounts[0].id, "demo-a");
        assert!(accounts[0].name.contains("(demo)"));
    }

    #[test]
    fn relative_text_reads_like_linkedin() {
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap();
        let ago = |h: i64| relative_text(now - Span::hours(h), now);
        assert_eq!(ago(3), "3 hours ago");
        assert_eq!(ago(1), "1 hour ago");
        assert_eq!(ago(30), "yesterday");
        assert_eq!(ago(24 * 15), "2 weeks ago");
        assert_eq!(ago(24 * 95), "3 months ago");
        assert_eq!(ago(24 * 400), "1 year ago");
        assert_eq!(
            crate::age::parse_age("Sent 2 weeks ago", now),
            Age::at_least(14)
        );
    }

    #[tokio::test]
    async fn every_call_takes_the_configured_latency() {
        let slow = Demo::with_latency(
            Some("x".into()),
            Latency {
                min_ms: 20,
                max_ms: 20,
            },
        );
        let started = std::time::Instant::now();
        slow.limits().await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn slugs_are_plain_ascii() {
        assert_eq!(slugify("Amélie Durand"), "amelie-durand");
        assert_eq!(
            slugify("Eve <img src=x onerror=alert(1)>"),
            "eve-img-src-x-onerror-alert-1"
        );
        assert_eq!(slugify("Jakub Dvořák"), "jakub-dvorak");
        assert_eq!(name_from_slug("grace-hopper"), "Grace Hopper");
    }
}
