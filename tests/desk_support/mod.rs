//! An in-memory LinkedIn behind `InvitationProvider`, and a `ProviderSource` over several of
//! them, for the invitation, job and command tests. Each fake counts the calls it receives, so
//! tests can assert "withdrawn exactly once" at the provider; faults are queued per call.
#![allow(dead_code)]

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use invitedesk_lib::error::{AppError, AppResult, ErrorKind};
use invitedesk_lib::invitations::{AccountRef, ProviderSource, RunSettings};
use invitedesk_lib::jobs::{JobEvents, JobProgress};
use invitedesk_lib::model::{
    Age, Capabilities, InvitationCategory, Limit, NewInvitation, Person, ProviderKind,
    ReceivedInvitation, RemoteAccount, Response, SentInvitation, WriteOutcome,
};
use invitedesk_lib::providers::{
    InvitationProvider, Listed, ListingEvent, PageProgress, PageRows, ProviderError,
};

/// What the next write call does instead of (or besides) its normal work.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Works normally (to aim a later fault at a later call).
    Pass,
    /// Refused: 429 with an optional "retry at".
    RateLimited(Option<DateTime<Utc>>),
    BadCredentials,
    /// The network failed before the provider acted (could not connect).
    NetworkBefore,
    /// The provider acted, then the answer was lost: unconfirmed.
    NetworkAfter,
    /// The provider held the call past the client's timeout (unconfirmed) and applies it this
    /// long after the call: a check before then still sees it pending.
    LandsLate(Duration),
    /// The answer was lost and the provider never acted: unconfirmed.
    LostUnapplied,
    /// The provider acts, then the call never returns (the app is killed meanwhile).
    HangAfter,
    /// The call never reaches the provider and never returns.
    HangBefore,
    /// Takes this long, then works.
    Slow(Duration),
}

/// One write the fake received, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub invitation_id: String,
    pub what: &'static str,
    pub at: Instant,
    /// False when the fake refused it (rate limit, bad key, network before).
    pub acted: bool,
}

pub struct FakeLinkedIn {
    pub kind: ProviderKind,
    pub can_ignore: bool,
    sent: Mutex<Vec<SentInvitation>>,
    received: Mutex<Vec<ReceivedInvitation>>,
    faults: Mutex<VecDeque<Fault>>,
    /// Faults for a listing call (refresh / check).
    list_faults: Mutex<VecDeque<ProviderError>>,
    calls: Mutex<Vec<Call>>,
    pub lists: AtomicU32,
    /// Signalled when a hanging call is reached.
    pub hung: Arc<tokio::sync::Notify>,
    /// Writes held by the provider: (when it applies them, invitation id).
    late: Mutex<Vec<(Instant, String)>>,
    /// `InvitationProvider::settle_delay`.
    pub settle: Duration,
    /// `InvitationProvider::reaches_linkedin`: false, like a loopback test server.
    pub real: bool,
    /// Profile URLs of people who accepted (`accept_sent`), for `is_connected`.
    connected: Mutex<HashSet<String>>,
}

pub fn sent(id: &str, slug: &str, age: Age) -> SentInvitation {
    SentInvitation {
        id: id.to_string(),
        urn: Some(format!("urn:li:invitation:{id}")),
        person: Person {
            name: format!("Person {id}"),
            headline: Some(format!("Headline {id}")),
            profile_url: Some(format!("https://www.linkedin.com/in/{slug}")),
            public_id: Some(slug.to_string()),
            ..Default::default()
        },
        category: InvitationCategory::Connection,
        sent_text: age.days.map(|d| format!("{d} days ago")),
        age,
        note: None,
    }
}

pub fn received(id: &str, category: InvitationCategory) -> ReceivedInvitation {
    ReceivedInvitation {
        id: id.to_string(),
        urn: Some(format!("urn:li:invitation:{id}")),
        person: Person {
            name: format!("Sender {id}"),
            profile_url: Some(format!("https://www.linkedin.com/in/sender-{id}")),
            public_id: Some(format!("sender-{id}")),
            ..Default::default()
        },
        category,
        entity_name: (category != InvitationCategory::Connection).then(|| format!("Page {id}")),
        note: Some("<img src=x onerror=alert(1)>".into()),
        mutual_connections: None,
        received_text: Some("2 days ago".into()),
        age: Age::exact(2),
        accept_token: Some(format!("token-{id}")),
        raw_type: None,
    }
}

impl FakeLinkedIn {
    pub fn new(kind: ProviderKind, can_ignore: bool) -> Arc<Self> {
        Arc::new(FakeLinkedIn {
            kind,
            can_ignore,
            sent: Mutex::new(Vec::new()),
            received: Mutex::new(Vec::new()),
            faults: Mutex::new(VecDeque::new()),
            list_faults: Mutex::new(VecDeque::new()),
            calls: Mutex::new(Vec::new()),
            lists: AtomicU32::new(0),
            hung: Arc::new(tokio::sync::Notify::new()),
            late: Mutex::new(Vec::new()),
            connected: Mutex::new(HashSet::new()),
            settle: Duration::from_millis(150),
            real: false,
        })
    }

    /// A fake that stands for a real account: the safety floors apply.
    pub fn as_real_account(self: Arc<Self>) -> Arc<Self> {
        let mut this = Arc::try_unwrap(self).unwrap_or_else(|_| panic!("configure before sharing"));
        this.real = true;
        Arc::new(this)
    }

    /// Applies the held writes whose time has come.
    fn apply_late(&self) {
        let now = Instant::now();
        let due: Vec<String> = {
            let mut late = self.late.lock().unwrap();
            let (due, keep): (Vec<_>, Vec<_>) = late.drain(..).partition(|(at, _)| *at <= now);
            *late = keep;
            due.into_iter().map(|(_, id)| id).collect()
        };
        for id in due {
            self.sent.lock().unwrap().retain(|i| i.id != id);
            self.received.lock().unwrap().retain(|i| i.id != id);
        }
    }

    /// `n` sent invitations `<prefix>1..n`, each `age_days` old (a lower bound).
    pub fn with_sent(self: Arc<Self>, prefix: &str, n: usize, age_days: u32) -> Arc<Self> {
        {
            let mut sent_list = self.sent.lock().unwrap();
            for i in 1..=n {
                let id = format!("{prefix}{i}");
                sent_list.push(sent(&id, &format!("slug-{id}"), Age::at_least(age_days)));
            }
        }
        self
    }

    pub fn push_sent(&self, invitation: SentInvitation) {
        self.sent.lock().unwrap().push(invitation);
    }

    /// The invitation leaves LinkedIn's pending list (accepted, withdrawn elsewhere, expired).
    pub fn drop_sent(&self, invitation_id: &str) {
        self.sent.lock().unwrap().retain(|s| s.id != invitation_id);
    }

    /// The person accepts: the invitation leaves the list and they are a connection.
    pub fn accept_sent(&self, invitation_id: &str) {
        let mut sent = self.sent.lock().unwrap();
        if let Some(i) = sent.iter().position(|s| s.id == invitation_id) {
            let gone = sent.remove(i);
            if let Some(url) = gone.person.profile_url {
                self.connected.lock().unwrap().insert(url);
            }
        }
    }

    pub fn push_received(&self, invitation: ReceivedInvitation) {
        self.received.lock().unwrap().push(invitation);
    }

    pub fn fault(&self, fault: Fault) {
        self.faults.lock().unwrap().push_back(fault);
    }

    pub fn list_fault(&self, error: ProviderError) {
        self.list_faults.lock().unwrap().push_back(error);
    }

    pub fn pending_sent(&self) -> Vec<String> {
        self.sent
            .lock()
            .unwrap()
            .iter()
            .map(|s| s.id.clone())
            .collect()
    }

    pub fn pending_received(&self) -> Vec<String> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .map(|s| s.id.clone())
            .collect()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// How many times the provider actually acted on this invitation.
    pub fn acted_on(&self, invitation_id: &str) -> usize {
        self.calls()
            .iter()
            .filter(|c| c.invitation_id == invitation_id && c.acted)
            .count()
    }

    pub fn attempts_on(&self, invitation_id: &str) -> usize {
        self.calls()
            .iter()
            .filter(|c| c.invitation_id == invitation_id)
            .count()
    }

    fn record(&self, invitation_id: &str, what: &'static str, acted: bool) {
        self.calls.lock().unwrap().push(Call {
            invitation_id: invitation_id.to_string(),
            what,
            at: Instant::now(),
            acted,
        });
    }

    /// Runs one write: the queued fault (if any) around `act`, which removes the invitation
    /// and says whether it was still pending.
    async fn write(
        &self,
        invitation_id: &str,
        what: &'static str,
        act: impl Fn() -> bool,
    ) -> Result<WriteOutcome, ProviderError> {
        self.apply_late();
        let fault = self.faults.lock().unwrap().pop_front();
        let act_now = |this: &Self| {
            let was_pending = act();
            this.record(invitation_id, what, was_pending);
            if was_pending {
                Ok(WriteOutcome::Done)
            } else {
                Err(ProviderError::new(
                    ErrorKind::NoPendingInvitation,
                    "There is no pending invitation to this person any more.",
                ))
            }
        };
        match fault {
            None | Some(Fault::Pass) => act_now(self),
            Some(Fault::Slow(d)) => {
                tokio::time::sleep(d).await;
                act_now(self)
            }
            Some(Fault::RateLimited(retry_at)) => {
                self.record(invitation_id, what, false);
                let mut e =
                    ProviderError::new(ErrorKind::RateLimited, "The provider asks to slow down.");
                e.retry_at = retry_at;
                Err(e)
            }
            Some(Fault::BadCredentials) => {
                self.record(invitation_id, what, false);
                Err(ProviderError::new(
                    ErrorKind::BadCredentials,
                    "The API key was refused. Replace it in Accounts.",
                ))
            }
            Some(Fault::NetworkBefore) => {
                self.record(invitation_id, what, false);
                Err(ProviderError::new(
                    ErrorKind::Network,
                    "The network failed.",
                ))
            }
            Some(Fault::NetworkAfter) => {
                let _ = act_now(self);
                Err(unconfirmed())
            }
            Some(Fault::LandsLate(after)) => {
                self.record(invitation_id, what, true);
                self.late
                    .lock()
                    .unwrap()
                    .push((Instant::now() + after, invitation_id.to_string()));
                Err(unconfirmed())
            }
            Some(Fault::LostUnapplied) => {
                self.record(invitation_id, what, false);
                Err(unconfirmed())
            }
            Some(Fault::HangAfter) => {
                let _ = act_now(self);
                self.hung.notify_one();
                std::future::pending().await
            }
            Some(Fault::HangBefore) => {
                self.hung.notify_one();
                std::future::pending().await
            }
        }
    }
}

#[async_trait]
impl InvitationProvider for FakeLinkedIn {
    fn kind(&self) -> ProviderKind {
        self.kind
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            ignore: self.can_ignore,
            max_note_chars: 300,
            note_counting: invitedesk_lib::providers::notes::NoteCounting::Utf16CodeUnits,
            lists_accounts: false,
        }
    }

    async fn list_accounts(&self) -> Result<Vec<RemoteAccount>, ProviderError> {
        Ok(Vec::new())
    }

    async fn list_sent_partial(
        &self,
        progress: PageProgress<'_>,
        rows: PageRows<'_, SentInvitation>,
    ) -> Result<Listed<SentInvitation>, ProviderError> {
        self.apply_late();
        self.lists.fetch_add(1, Ordering::SeqCst);
        if let Some(e) = self.list_faults.lock().unwrap().pop_front() {
            return Err(e);
        }
        let all = self.sent.lock().unwrap().clone();
        // Two "pages", so progress is reported more than once.
        let half = all.len() / 2;
        progress(ListingEvent::page(half, Some(all.len())));
        progress(ListingEvent::page(all.len(), Some(all.len())));
        Listed::at_once(all, rows)
    }

    async fn withdraw(&self, invitation: &SentInvitation) -> Result<WriteOutcome, ProviderError> {
        let id = invitation.id.clone();
        self.write(&invitation.id, "withdraw", || {
            let mut sent = self.sent.lock().unwrap();
            let before = sent.len();
            sent.retain(|s| s.id != id);
            sent.len() < before
        })
        .await
    }

    async fn list_received_partial(
        &self,
        progress: PageProgress<'_>,
        rows: PageRows<'_, ReceivedInvitation>,
    ) -> Result<Listed<ReceivedInvitation>, ProviderError> {
        self.apply_late();
        self.lists.fetch_add(1, Ordering::SeqCst);
        if let Some(e) = self.list_faults.lock().unwrap().pop_front() {
            return Err(e);
        }
        let all = self.received.lock().unwrap().clone();
        progress(ListingEvent::page(all.len(), Some(all.len())));
        Listed::at_once(all, rows)
    }

    async fn respond(
        &self,
        invitation: &ReceivedInvitation,
        response: Response,
    ) -> Result<WriteOutcome, ProviderError> {
        if response == Response::Ignore && !self.can_ignore {
            return Err(ProviderError::not_supported("Ignore is not offered."));
        }
        let id = invitation.id.clone();
        let what = match response {
            Response::Accept => "accept",
            Response::Ignore => "ignore",
        };
        self.write(&invitation.id, what, || {
            let mut received = self.received.lock().unwrap();
            let before = received.len();
            received.retain(|s| s.id != id);
            received.len() < before
        })
        .await
    }

    async fn send_invitation(
        &self,
        _request: &NewInvitation,
    ) -> Result<WriteOutcome, ProviderError> {
        Err(ProviderError::not_supported("not in this fake"))
    }

    async fn limits(&self) -> Result<Vec<Limit>, ProviderError> {
        Ok(Vec::new())
    }

    async fn is_connected(&self, profile_url: &str) -> Result<Option<bool>, ProviderError> {
        if let Some(e) = self.list_faults.lock().unwrap().pop_front() {
            return Err(e);
        }
        Ok(Some(self.connected.lock().unwrap().contains(profile_url)))
    }

    fn settle_delay(&self) -> Duration {
        self.settle
    }

    fn reaches_linkedin(&self) -> bool {
        self.real
    }
}

fn unconfirmed() -> ProviderError {
    ProviderError::new(
        ErrorKind::Unconfirmed,
        "The provider did not answer in time; it is not known whether the change was made.",
    )
}

/// Accounts backed by fakes, with settings per account.
#[derive(Default)]
pub struct TestSource {
    accounts: Mutex<Vec<(AccountRef, Arc<FakeLinkedIn>, RunSettings)>>,
    pub synced: Mutex<Vec<String>>,
}

/// No pause between calls: tests stay fast.
pub const NO_PACING: RunSettings = RunSettings {
    pace_min_secs: 0,
    pace_max_secs: 0,
    daily_withdraw_cap: 100,
    daily_accept_cap: 100,
    daily_ignore_cap: 100,
    daily_send_cap: 30,
};

impl TestSource {
    pub fn new() -> Arc<Self> {
        Arc::new(TestSource::default())
    }

    pub fn add(&self, id: &str, label: &str, fake: Arc<FakeLinkedIn>, settings: RunSettings) {
        let account = AccountRef {
            id: id.to_string(),
            label: label.to_string(),
            provider: fake.kind,
            can_ignore: fake.can_ignore,
        };
        self.accounts
            .lock()
            .unwrap()
            .push((account, fake, settings));
    }

    pub fn remove(&self, id: &str) {
        self.accounts.lock().unwrap().retain(|(a, _, _)| a.id != id);
    }
}

impl ProviderSource for TestSource {
    fn accounts(&self) -> Vec<AccountRef> {
        self.accounts
            .lock()
            .unwrap()
            .iter()
            .map(|(a, _, _)| a.clone())
            .collect()
    }

    fn provider(&self, account_id: &str) -> AppResult<Arc<dyn InvitationProvider>> {
        self.accounts
            .lock()
            .unwrap()
            .iter()
            .find(|(a, _, _)| a.id == account_id)
            .map(|(_, p, _)| p.clone() as Arc<dyn InvitationProvider>)
            .ok_or_else(|| AppError::not_found("no such account"))
    }

    fn settings(&self, account_id: &str) -> RunSettings {
        self.accounts
            .lock()
            .unwrap()
            .iter()
            .find(|(a, _, _)| a.id == account_id)
            .map(|(_, _, s)| *s)
            .unwrap_or_default()
    }

    fn synced(&self, account_id: &str, _at: DateTime<Utc>) {
        self.synced.lock().unwrap().push(account_id.to_string());
    }
}

/// Collects job progress events.
#[derive(Default)]
pub struct Recorder {
    pub events: Mutex<Vec<serde_json::Value>>,
}

impl Recorder {
    pub fn new() -> Arc<Self> {
        Arc::new(Recorder::default())
    }

    pub fn all(&self) -> Vec<serde_json::Value> {
        self.events.lock().unwrap().clone()
    }
}

impl JobEvents for Recorder {
    fn job_progress(&self, progress: &JobProgress) {
        self.events
            .lock()
            .unwrap()
            .push(serde_json::to_value(progress).unwrap());
    }
}
