//! Nothing twice, end to end below the UI: the real account registry, job runner and send path
//! over the real provider clients, against each provider's stateful fake. The fake holds a
//! write past the client's timeout and applies it late (`Fault::ApplyLate`), or holds it and
//! never passes it on (`Fault::HoldThenFail`); either way the client only knows "unconfirmed".
//!
//! What must come out, for every provider and every write it supports:
//! - applied late: the invitation is acted on exactly once (one write request at the fake, and
//!   the fake's state changed once); the job item went through `checking` and ends settled by
//!   the check (no longer pending), not failed; a second connection request before the check
//!   time is refused as unconfirmed, and after it as already invited, without a request;
//! - never applied: after the check the write is sent again, exactly once, and succeeds.
//!
//! Timing: the client times out after [`TIMEOUT`]; on loopback the settle delay is twice that
//! plus the client's own retry window (`http::Client::settle_delay`),
//! and the held write is answered (or dropped) between the two, at [`HOLD`].

mod desk_support;
mod support;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use desk_support::Recorder;
use invitedesk_lib::accounts::{
    Accounts, AccountsOptions, MemorySecretStore, MemoryStorage, NewAccountInput,
};
use invitedesk_lib::db::cache::Screen;
use invitedesk_lib::db::Db;
use invitedesk_lib::error::ErrorKind;
use invitedesk_lib::history::{self, ActivityAction, ActivityFilter};
use invitedesk_lib::invitations::send::send_invitation;
use invitedesk_lib::invitations::InvitationService;
use invitedesk_lib::jobs::{
    ItemOutcome, JobConfig, JobItemView, JobService, JobState, JobSummary, WithdrawRequest,
};
use invitedesk_lib::linkedin::profile_slug;
use invitedesk_lib::model::{
    InvitationCategory, NewInvitation, Person, ProviderKind, Response, WriteOutcome,
};
use invitedesk_lib::providers::connectsafely::ConnectSafely;
use invitedesk_lib::providers::demo::Latency;
use invitedesk_lib::providers::edges::Edges;
use invitedesk_lib::providers::http::HttpConfig;
use invitedesk_lib::providers::linkup::Linkup;
use invitedesk_lib::providers::InvitationProvider;
use support::connectsafely::{self as cs, ConnectSafelyFake};
use support::edges::{self as ed, EdgesFake, IdentitySeed};
use support::linkup::{self as lk, LinkupFake};
use support::{FakeServer, Fault};

/// The clients' request timeout. The settle delay on loopback is twice this plus the retries.
const TIMEOUT: Duration = Duration::from_millis(500);
/// How long the fake holds a write: past the timeout, well before the check.
const HOLD_MS: u64 = 750;

const CS_ACCOUNT: &str = "60d21b4667d0d8992e610c85";
const EDGES_IDENTITY: &str = "44444444-4444-4444-4444-444444444444";
/// Discovered at run time (a fingerprint of the token); a placeholder until then.
const LINKUP_ACCOUNT: &str = "token";

const TEST_JOBS: JobConfig = JobConfig {
    default_backoff: Duration::from_millis(200),
    min_backoff: Duration::from_millis(10),
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    Withdraw,
    Accept,
    Connect,
}

/// One provider's fake, seen the same way for all three.
enum Fake {
    ConnectSafely(ConnectSafelyFake),
    Edges(EdgesFake),
    Linkup(LinkupFake),
}

impl Fake {
    fn new(kind: ProviderKind) -> Fake {
        match kind {
            ProviderKind::ConnectSafely => Fake::ConnectSafely(
                ConnectSafelyFake::new(cs::DEFAULT_KEY).with_account(
                    cs::AccountSeed::new(CS_ACCOUNT)
                        .named("Alice", "Martin", "alice-martin")
                        .sent(3)
                        .received(6),
                ),
            ),
            ProviderKind::Edges => Fake::Edges(
                EdgesFake::new(ed::DEFAULT_KEY).with_identity(
                    IdentitySeed::new(EDGES_IDENTITY, "Amelia Okafor")
                        .sent(3)
                        .received(3),
                ),
            ),
            ProviderKind::Linkup => Fake::Linkup(
                LinkupFake::new(lk::DEFAULT_KEY, lk::DEFAULT_LOGIN_TOKEN)
                    .with_sent(3)
                    .with_received("CONNECTION", 3),
            ),
            ProviderKind::Demo => unreachable!("no fake server for the demo"),
        }
    }

    async fn start(&self) -> FakeServer {
        match self {
            Fake::ConnectSafely(f) => f.start().await,
            Fake::Edges(f) => f.start().await,
            Fake::Linkup(f) => f.start().await,
        }
    }

    fn input(&self) -> (NewAccountInput, &'static str) {
        let input =
            |provider, key: &str, token: Option<&str>, country: Option<&str>| NewAccountInput {
                provider,
                api_key: key.to_string(),
                login_token: token.map(str::to_string),
                country: country.map(str::to_string),
            };
        match self {
            Fake::ConnectSafely(_) => (
                input(ProviderKind::ConnectSafely, cs::DEFAULT_KEY, None, None),
                CS_ACCOUNT,
            ),
            Fake::Edges(_) => (
                input(ProviderKind::Edges, ed::DEFAULT_KEY, None, None),
                EDGES_IDENTITY,
            ),
            Fake::Linkup(_) => (
                input(
                    ProviderKind::Linkup,
                    lk::DEFAULT_KEY,
                    Some(lk::DEFAULT_LOGIN_TOKEN),
                    Some("us"),
                ),
                LINKUP_ACCOUNT,
            ),
        }
    }

    /// The slugs of the people with a pending invitation from the account, as the fake has it.
    fn sent_slugs(&self) -> Vec<String> {
        match self {
            Fake::ConnectSafely(f) => f
                .sent(CS_ACCOUNT)
                .into_iter()
                .map(|s| s.public_id)
                .collect(),
            Fake::Edges(f) => f
                .sent(EDGES_IDENTITY)
                .into_iter()
                .map(|s| s.member.slug)
                .collect(),
            Fake::Linkup(f) => f.sent().into_iter().map(|s| s.member.slug).collect(),
        }
    }

    /// The slugs of the people whose invitation to the account is pending.
    fn received_slugs(&self) -> Vec<String> {
        match self {
            Fake::ConnectSafely(f) => f
                .received(CS_ACCOUNT)
                .into_iter()
                .map(|r| r.public_id)
                .collect(),
            Fake::Edges(f) => f
                .received(EDGES_IDENTITY)
                .into_iter()
                .map(|r| r.member.slug)
                .collect(),
            Fake::Linkup(f) => f.received().into_iter().map(|r| r.member.slug).collect(),
        }
    }

    fn is_connected(&self, slug: &str) -> bool {
        match self {
            Fake::ConnectSafely(f) => f.is_connected(CS_ACCOUNT, slug),
            Fake::Edges(f) => f.is_connected(EDGES_IDENTITY, slug),
            Fake::Linkup(f) => f.is_connected(slug),
        }
    }

    /// The write's path at the fake (method POST for all three).
    fn write_path(&self, write: Write) -> String {
        match (self, write) {
            (Fake::ConnectSafely(_), Write::Withdraw) => "/invitations/withdraw".into(),
            (Fake::ConnectSafely(_), Write::Accept) => "/invitations/received/respond".into(),
            (Fake::ConnectSafely(_), Write::Connect) => "/connect".into(),
            (Fake::Edges(_), Write::Withdraw) => ed::action_path(ed::WITHDRAW_ACTION),
            (Fake::Edges(_), Write::Accept) => ed::action_path(ed::ACCEPT_ACTION),
            (Fake::Edges(_), Write::Connect) => ed::action_path(ed::CONNECT_ACTION),
            (Fake::Linkup(_), Write::Withdraw) => lk::WITHDRAW_PATH.into(),
            (Fake::Linkup(_), Write::Accept) => lk::ACCEPT_PATH.into(),
            (Fake::Linkup(_), Write::Connect) => lk::CONNECT_PATH.into(),
        }
    }

    /// The listing the runner checks with, as a logged "METHOD path" (no query).
    fn list_request(&self, screen: Screen) -> String {
        match (self, screen) {
            (Fake::ConnectSafely(_), Screen::Sent) => "GET /invitations/sent".into(),
            (Fake::ConnectSafely(_), Screen::Received) => "GET /invitations/received".into(),
            (Fake::Edges(_), Screen::Sent) => format!("POST {}", ed::action_path(ed::SENT_ACTION)),
            (Fake::Edges(_), Screen::Received) => {
                format!("POST {}", ed::action_path(ed::RECEIVED_ACTION))
            }
            (Fake::Linkup(_), Screen::Sent) => format!("POST {}", lk::SENT_PATH),
            (Fake::Linkup(_), Screen::Received) => format!("POST {}", lk::RECEIVED_PATH),
        }
    }
}

/// The clients' HTTP settings: short timeouts, millisecond backoff.
fn fast_http() -> HttpConfig {
    HttpConfig::fast_test().with_timeout(TIMEOUT)
}

/// The real clients with `http`, and no pause between Edges' pages.
fn options(base_url: String, http: HttpConfig) -> AccountsOptions {
    AccountsOptions {
        demo_latency: Latency::NONE,
        provider_factory: Arc::new(move |config| {
            let http = http.clone();
            Ok(match config.kind {
                ProviderKind::ConnectSafely => {
                    Arc::new(ConnectSafely::with_http_config(config, http)?)
                        as Arc<dyn InvitationProvider>
                }
                ProviderKind::Edges => {
                    Arc::new(Edges::with_http_config(config, http)?.with_page_delay(Duration::ZERO))
                }
                ProviderKind::Linkup => Arc::new(Linkup::with_http_config(config, http)?),
                ProviderKind::Demo => unreachable!("no demo account here"),
            })
        }),
        base_url: Arc::new(move |_| Ok(base_url.clone())),
    }
}

/// One account of one provider, added through the registry, over a fresh database.
struct World {
    _dir: tempfile::TempDir,
    db: Arc<Db>,
    accounts: Arc<Accounts>,
    invitations: InvitationService,
    jobs: JobService,
    events: Arc<Recorder>,
    fake: Fake,
    server: FakeServer,
    account_id: String,
}

async fn world(kind: ProviderKind) -> World {
    world_with(kind, fast_http()).await
}

async fn world_with(kind: ProviderKind, http: HttpConfig) -> World {
    let fake = Fake::new(kind);
    let server = fake.start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("invitedesk.sqlite3")).unwrap();
    let accounts = Arc::new(Accounts::open(
        Box::new(MemoryStorage::new()),
        Arc::new(MemorySecretStore::new()),
        options(server.base_url.clone(), http),
    ));
    let (input, remote_id) = fake.input();
    // LinkupAPI names the account behind a login token by a fingerprint of the token: ask.
    let remote_id = match kind {
        ProviderKind::Linkup => accounts.discover(&input).await.unwrap()[0].id.clone(),
        _ => remote_id.to_string(),
    };
    let added = accounts
        .add(&input, &[remote_id])
        .await
        .expect("the account is added");
    let account_id = added[0].id.clone();
    // No pause between writes: allowed against a loopback server only.
    let mut settings = accounts.settings(&account_id).unwrap();
    settings.pace_min_secs = 0;
    settings.pace_max_secs = 0;
    accounts.save_settings(&account_id, settings).unwrap();
    let events = Recorder::new();
    let invitations = InvitationService::new(db.clone(), accounts.clone());
    let jobs = JobService::new(db.clone(), accounts.clone(), events.clone(), TEST_JOBS);
    World {
        _dir: dir,
        db,
        accounts,
        invitations,
        jobs,
        events,
        fake,
        server,
        account_id,
    }
}

fn slug_of(person: &Person) -> String {
    person
        .public_id
        .clone()
        .or_else(|| person.profile_url.as_deref().and_then(profile_slug))
        .expect("the listed person has a slug")
}

impl World {
    fn provider(&self) -> Arc<dyn InvitationProvider> {
        self.accounts.provider(&self.account_id).unwrap()
    }

    async fn refresh(&self, screen: Screen) {
        let summary = self
            .invitations
            .refresh(screen, None, Arc::new(|_| {}))
            .await
            .unwrap();
        assert!(summary.accounts.iter().all(|a| a.ok), "{summary:?}");
    }

    /// A pending invitation for `write`: its job key and the person's slug.
    async fn target(&self, write: Write) -> (String, String) {
        let ignore = invitedesk_lib::providers::ignore_progress;
        let (id, slug) = match write {
            Write::Withdraw => {
                let inv = self.provider().list_sent(&ignore).await.unwrap().remove(0);
                (inv.id.clone(), slug_of(&inv.person))
            }
            Write::Accept => {
                let inv = self
                    .provider()
                    .list_received(&ignore)
                    .await
                    .unwrap()
                    .into_iter()
                    .find(|i| i.category == InvitationCategory::Connection)
                    .expect("a connection request to accept");
                (inv.id.clone(), slug_of(&inv.person))
            }
            Write::Connect => unreachable!("a connection request is not a job"),
        };
        (format!("{}/{id}", self.account_id), slug)
    }

    /// Previews and runs a job over the one invitation; waits for its end.
    async fn run_job(&self, write: Write, key: &str) -> (JobSummary, JobItemView) {
        let plan = match write {
            Write::Withdraw => self.jobs.preview_withdraw(&WithdrawRequest::Selected {
                selected: vec![key.to_string()],
            }),
            Write::Accept => self
                .jobs
                .preview_respond(&[key.to_string()], Response::Accept),
            Write::Connect => unreachable!("a connection request is not a job"),
        }
        .unwrap();
        assert_eq!(plan.items.len(), 1, "{plan:?}");
        let job = self.jobs.start(&plan.plan_id).unwrap();
        tokio::time::timeout(Duration::from_secs(10), self.jobs.wait(&job.id))
            .await
            .expect("the job ends in time");
        let summary = self.jobs.summary(&job.id).unwrap();
        let item = self
            .jobs
            .items(&job.id)
            .unwrap()
            .into_iter()
            .find(|i| i.key == key)
            .unwrap();
        (summary, item)
    }

    fn inject(&self, write: Write, fault: Fault) {
        let path = self.fake.write_path(write);
        self.server.faults.inject(Some("POST"), &path, 1, fault);
    }

    fn writes(&self, write: Write) -> usize {
        self.server.log.count("POST", &self.fake.write_path(write))
    }

    /// The fake's requests as "METHOD path", without queries.
    fn requests(&self) -> Vec<String> {
        self.server
            .log
            .all()
            .into_iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }

    /// Whether a progress event showed the item as `checking`, with the time of its check.
    fn was_checking(&self, key: &str) -> bool {
        self.events.all().iter().any(|e: &Value| {
            e["item"]["key"] == key
                && e["item"]["outcome"] == "checking"
                && e["item"]["checkAt"].is_string()
        })
    }

    fn activity(&self, action: ActivityAction) -> Vec<history::ActivityRow> {
        history::list(
            &self.db,
            &ActivityFilter {
                account_id: Some(self.account_id.clone()),
                action: Some(action),
                ..Default::default()
            },
        )
        .unwrap()
    }

    async fn send(&self, slug: &str) -> Result<WriteOutcome, invitedesk_lib::error::AppError> {
        send_invitation(
            self.accounts.clone(),
            self.db.clone(),
            self.account_id.clone(),
            NewInvitation {
                profile_url: format!("https://www.linkedin.com/in/{slug}"),
                note: None,
            },
        )
        .await
    }
}

fn screen_of(write: Write) -> Screen {
    match write {
        Write::Withdraw | Write::Connect => Screen::Sent,
        Write::Accept => Screen::Received,
    }
}

/// The pending slugs on the list `write` acts on.
fn pending(w: &World, write: Write) -> Vec<String> {
    match write {
        Write::Withdraw | Write::Connect => w.fake.sent_slugs(),
        Write::Accept => w.fake.received_slugs(),
    }
}

// ---------------------------------------------------------------------------------------------
// Jobs: withdraw and accept

/// The fake applies the job's write after the client gave up: one request, one change, and
/// the item settled by the check (no longer pending), not failed and not sent again.
async fn job_write_applied_late_is_done_once(kind: ProviderKind, write: Write) {
    let w = world(kind).await;
    let screen = screen_of(write);
    w.refresh(screen).await;
    let (key, slug) = w.target(write).await;
    let before = pending(&w, write);
    assert!(before.contains(&slug));
    w.server.log.clear();
    w.inject(write, Fault::apply_late(HOLD_MS));

    let (summary, item) = w.run_job(write, &key).await;

    // Exactly once at the provider: one write request, and the fake changed once.
    assert_eq!(w.writes(write), 1, "{:?}", w.requests());
    assert_eq!(w.server.faults.applied_late(), 1);
    let after = pending(&w, write);
    assert_eq!(after.len(), before.len() - 1, "{after:?}");
    assert!(!after.contains(&slug));
    if write == Write::Accept {
        assert!(w.fake.is_connected(&slug));
    }
    // Settled by a listing made after the write, not by a second write.
    let requests = w.requests();
    let write_at = requests
        .iter()
        .position(|r| *r == format!("POST {}", w.fake.write_path(write)))
        .unwrap();
    assert!(
        requests[write_at + 1..].contains(&w.fake.list_request(screen)),
        "no check after the write: {requests:?}"
    );
    // Shown as checking meanwhile, then settled: not failed.
    assert!(w.was_checking(&key), "{:?}", w.events.all());
    assert_eq!(summary.state, JobState::Finished, "{summary:?}");
    assert_eq!(
        (summary.failed, summary.checking, summary.pending),
        (0, 0, 0),
        "{summary:?}"
    );
    assert_eq!(item.outcome, ItemOutcome::AlreadyGone, "{item:?}");
    assert!(item.error.is_none(), "{item:?}");
    assert!(
        item.detail
            .as_deref()
            .is_some_and(|d| d.contains("checked")),
        "{item:?}"
    );
    // The change went through, so it is in the history, once.
    let action = match write {
        Write::Withdraw => ActivityAction::Withdrawn,
        _ => ActivityAction::Accepted,
    };
    assert_eq!(w.activity(action).len(), 1);
}

/// The write was lost and never applied: after the check it is sent once more, and done.
async fn job_write_lost_is_sent_again_once(kind: ProviderKind, write: Write) {
    let w = world(kind).await;
    w.refresh(screen_of(write)).await;
    let (key, slug) = w.target(write).await;
    let before = pending(&w, write);
    w.server.log.clear();
    w.inject(write, Fault::hold_then_fail(HOLD_MS));

    let (summary, item) = w.run_job(write, &key).await;

    assert_eq!(w.writes(write), 2, "{:?}", w.requests());
    assert_eq!(w.server.faults.applied_late(), 0);
    let after = pending(&w, write);
    assert_eq!(after.len(), before.len() - 1, "{after:?}");
    assert!(!after.contains(&slug));
    // The second write came only after a check found the invitation still pending.
    let requests = w.requests();
    let path = format!("POST {}", w.fake.write_path(write));
    let first = requests.iter().position(|r| *r == path).unwrap();
    let second = requests.iter().rposition(|r| *r == path).unwrap();
    assert!(
        requests[first + 1..second].contains(&w.fake.list_request(screen_of(write))),
        "sent again without a check: {requests:?}"
    );
    assert!(w.was_checking(&key));
    assert_eq!(summary.state, JobState::Finished, "{summary:?}");
    assert_eq!((summary.succeeded, summary.failed), (1, 0), "{summary:?}");
    assert_eq!(item.outcome, ItemOutcome::Done, "{item:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connectsafely_withdraw_applied_late_is_done_once() {
    job_write_applied_late_is_done_once(ProviderKind::ConnectSafely, Write::Withdraw).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connectsafely_accept_applied_late_is_done_once() {
    job_write_applied_late_is_done_once(ProviderKind::ConnectSafely, Write::Accept).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edges_withdraw_applied_late_is_done_once() {
    job_write_applied_late_is_done_once(ProviderKind::Edges, Write::Withdraw).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edges_accept_applied_late_is_done_once() {
    job_write_applied_late_is_done_once(ProviderKind::Edges, Write::Accept).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linkup_withdraw_applied_late_is_done_once() {
    job_write_applied_late_is_done_once(ProviderKind::Linkup, Write::Withdraw).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linkup_accept_applied_late_is_done_once() {
    job_write_applied_late_is_done_once(ProviderKind::Linkup, Write::Accept).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connectsafely_withdraw_lost_is_sent_again_once_after_the_check() {
    job_write_lost_is_sent_again_once(ProviderKind::ConnectSafely, Write::Withdraw).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connectsafely_accept_lost_is_sent_again_once_after_the_check() {
    job_write_lost_is_sent_again_once(ProviderKind::ConnectSafely, Write::Accept).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edges_withdraw_lost_is_sent_again_once_after_the_check() {
    job_write_lost_is_sent_again_once(ProviderKind::Edges, Write::Withdraw).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edges_accept_lost_is_sent_again_once_after_the_check() {
    job_write_lost_is_sent_again_once(ProviderKind::Edges, Write::Accept).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linkup_withdraw_lost_is_sent_again_once_after_the_check() {
    job_write_lost_is_sent_again_once(ProviderKind::Linkup, Write::Withdraw).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linkup_accept_lost_is_sent_again_once_after_the_check() {
    job_write_lost_is_sent_again_once(ProviderKind::Linkup, Write::Accept).await;
}

/// A write refused with "retry after 1 s" is repeated safely by the client, and that repeat is
/// the one held past the timeout: the check must wait for the repeat, not for the first try.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_safe_retry_inside_the_call_does_not_bring_the_check_forward() {
    // Long enough a backoff for the client to honour a one-second Retry-After.
    let http = fast_http().with_max_backoff(Duration::from_millis(1200));
    let w = world_with(ProviderKind::ConnectSafely, http).await;
    let write = Write::Withdraw;
    w.refresh(Screen::Sent).await;
    let (key, slug) = w.target(write).await;
    w.server.log.clear();
    // Refused at ~0 s; repeated at ~1 s, held, and applied at ~1.75 s: within the repeat's own
    // settle delay (until ~2 s), but after "first try + settle delay" (~1 s).
    w.inject(write, Fault::unavailable("1"));
    w.inject(write, Fault::apply_late(HOLD_MS));

    let (summary, item) = w.run_job(write, &key).await;

    assert_eq!(w.writes(write), 2, "{:?}", w.requests());
    assert_eq!(w.server.faults.applied_late(), 1);
    assert!(!w.fake.sent_slugs().contains(&slug));
    assert_eq!(
        (summary.state, summary.failed),
        (JobState::Finished, 0),
        "{summary:?}"
    );
    assert_eq!(item.outcome, ItemOutcome::AlreadyGone, "{item:?}");
    assert!(w.was_checking(&key));
}

// ---------------------------------------------------------------------------------------------
// Send: a connection request

/// Sleeps until the check time the unconfirmed send was given has passed: the client's settle
/// delay after the failure came back.
async fn past_the_check_time(w: &World) {
    tokio::time::sleep(w.provider().settle_delay() + Duration::from_millis(150)).await;
}

/// The request goes out late: a second one before the check time is refused as unconfirmed
/// and one after it as already invited (the check saw it pending); one request in all.
async fn connect_applied_late_goes_out_once(kind: ProviderKind) {
    let w = world(kind).await;
    let slug = "slow-answer-person";
    w.server.log.clear();
    w.inject(Write::Connect, Fault::apply_late(HOLD_MS));

    let first = w.send(slug).await.unwrap_err();
    assert_eq!(first.kind, ErrorKind::Unconfirmed, "{first:?}");
    assert!(
        first.message.contains("may still go out"),
        "{}",
        first.message
    );

    // Before the check time: refused, nothing asked of the provider.
    let mark = w.server.log.len();
    let early = w.send(slug).await.unwrap_err();
    assert_eq!(early.kind, ErrorKind::Unconfirmed, "{early:?}");
    assert!(early.message.contains("checks at"), "{}", early.message);
    assert_eq!(w.server.log.len(), mark, "{:?}", w.requests());

    w.server.faults.wait_unheld(Duration::from_secs(5)).await;
    assert_eq!(w.server.faults.applied_late(), 1);
    past_the_check_time(&w).await;

    // After it: the sent list shows the first one, so nothing more is sent.
    let late = w.send(slug).await.unwrap_err();
    assert_eq!(late.kind, ErrorKind::AlreadyInvited, "{late:?}");
    assert!(late.message.contains("did go out"), "{}", late.message);

    assert_eq!(w.writes(Write::Connect), 1, "{:?}", w.requests());
    let invited: Vec<_> = w
        .fake
        .sent_slugs()
        .into_iter()
        .filter(|s| s == slug)
        .collect();
    assert_eq!(invited.len(), 1);
    // Recorded once, when the check found it.
    assert_eq!(w.activity(ActivityAction::Invited).len(), 1);
    // From now on the ordinary path: the provider refuses (ConnectSafely before the write, by
    // its relationship check; Edges and LinkupAPI by answering the write "already pending").
    let again = w.send(slug).await.unwrap_err();
    assert_eq!(again.kind, ErrorKind::AlreadyInvited, "{again:?}");
    assert_eq!(w.fake.sent_slugs().iter().filter(|s| *s == slug).count(), 1);
}

/// The request was lost before LinkedIn saw it: after the check time it is sent once more.
async fn connect_lost_is_sent_again_once_after_the_check(kind: ProviderKind) {
    let w = world(kind).await;
    let slug = "lost-request-person";
    w.server.log.clear();
    w.inject(Write::Connect, Fault::hold_then_fail(HOLD_MS));

    let first = w.send(slug).await.unwrap_err();
    assert_eq!(first.kind, ErrorKind::Unconfirmed, "{first:?}");
    let early = w.send(slug).await.unwrap_err();
    assert_eq!(early.kind, ErrorKind::Unconfirmed, "{early:?}");
    assert_eq!(w.writes(Write::Connect), 1);

    w.server.faults.wait_unheld(Duration::from_secs(5)).await;
    past_the_check_time(&w).await;
    assert_eq!(w.send(slug).await.unwrap(), WriteOutcome::Done);

    assert_eq!(w.writes(Write::Connect), 2, "{:?}", w.requests());
    let requests = w.requests();
    let path = format!("POST {}", w.fake.write_path(Write::Connect));
    let second = requests.iter().rposition(|r| *r == path).unwrap();
    assert!(
        requests[..second].contains(&w.fake.list_request(Screen::Sent)),
        "sent again without checking the sent list: {requests:?}"
    );
    let invited: Vec<_> = w
        .fake
        .sent_slugs()
        .into_iter()
        .filter(|s| s == slug)
        .collect();
    assert_eq!(invited.len(), 1);
    assert_eq!(w.activity(ActivityAction::Invited).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connectsafely_connect_applied_late_goes_out_once() {
    connect_applied_late_goes_out_once(ProviderKind::ConnectSafely).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edges_connect_applied_late_goes_out_once() {
    connect_applied_late_goes_out_once(ProviderKind::Edges).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linkup_connect_applied_late_goes_out_once() {
    connect_applied_late_goes_out_once(ProviderKind::Linkup).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connectsafely_connect_lost_is_sent_again_once_after_the_check() {
    connect_lost_is_sent_again_once_after_the_check(ProviderKind::ConnectSafely).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edges_connect_lost_is_sent_again_once_after_the_check() {
    connect_lost_is_sent_again_once_after_the_check(ProviderKind::Edges).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linkup_connect_lost_is_sent_again_once_after_the_check() {
    connect_lost_is_sent_again_once_after_the_check(ProviderKind::Linkup).await;
}

/// ConnectSafely reads the relationship before it connects: when that read is slow, the write
/// starts later than the send did, and may land correspondingly later. The check must wait
/// for the write, not for the send's start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_check_before_the_connect_does_not_bring_its_settle_time_forward() {
    let w = world(ProviderKind::ConnectSafely).await;
    let slug = "slow-relationship-person";
    w.server.log.clear();
    let relationship = format!("/relationship/{CS_ACCOUNT}/{slug}");
    // The read answers within the timeout, but late; the write then lands just inside its own
    // settle delay (started at ~400 ms, may land until ~1400 ms; lands at ~1350 ms).
    w.server
        .faults
        .inject(Some("GET"), &relationship, 1, Fault::delay(400));
    w.inject(Write::Connect, Fault::apply_late(950));

    let started = tokio::time::Instant::now();
    let first = w.send(slug).await.unwrap_err();
    assert_eq!(first.kind, ErrorKind::Unconfirmed, "{first:?}");

    // Past the send's start + the settle delay, before the held write landed: still refused.
    tokio::time::sleep_until(started + TIMEOUT * 2 + Duration::from_millis(100)).await;
    assert_eq!(
        w.server.faults.applied_late(),
        0,
        "the write landed too soon to test this"
    );
    let early = w.send(slug).await;
    assert!(
        matches!(&early, Err(e) if e.kind == ErrorKind::Unconfirmed),
        "{early:?}"
    );

    w.server.faults.wait_unheld(Duration::from_secs(5)).await;
    // The write timed out ~400 ms + TIMEOUT after the start; its check is a settle delay later.
    let settle = w.provider().settle_delay();
    let margin = Duration::from_millis(300);
    tokio::time::sleep_until(started + Duration::from_millis(400) + TIMEOUT + settle + margin)
        .await;
    let late = w.send(slug).await.unwrap_err();
    assert_eq!(late.kind, ErrorKind::AlreadyInvited, "{late:?}");
    assert_eq!(w.writes(Write::Connect), 1, "{:?}", w.requests());
    assert_eq!(w.fake.sent_slugs().iter().filter(|s| *s == slug).count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Bulk send (issue 13): a list of connection requests as a job

impl World {
    fn lists(&self) -> invitedesk_lib::lists::ListService {
        invitedesk_lib::lists::ListService::new(
            self.db.clone(),
            self.invitations.clone(),
            self.jobs.clone(),
        )
    }

    /// Previews a bulk send of `slugs` (one a line), starts it and waits for its end.
    async fn run_bulk_send(&self, slugs: &[&str]) -> (JobSummary, Vec<JobItemView>) {
        let preview = self
            .lists()
            .preview_bulk_send(&self.account_id, &slugs.join("\n"), None)
            .unwrap();
        let plan = preview.plan.expect("something to send");
        assert_eq!(plan.items.len(), slugs.len(), "{:?}", preview.lines);
        let job = self.jobs.start(&plan.plan_id).unwrap();
        tokio::time::timeout(Duration::from_secs(15), self.jobs.wait(&job.id))
            .await
            .expect("the job ends in time");
        (
            self.jobs.summary(&job.id).unwrap(),
            self.jobs.items(&job.id).unwrap(),
        )
    }

    fn sent_to(&self, slug: &str) -> usize {
        self.fake.sent_slugs().iter().filter(|s| *s == slug).count()
    }
}

/// The request of a bulk send goes out late: the item is checked once it can no longer land,
/// found pending, and settled as sent; never sent a second time.
async fn bulk_send_applied_late_goes_out_once(kind: ProviderKind) {
    let w = world(kind).await;
    w.server.log.clear();
    w.inject(Write::Connect, Fault::apply_late(HOLD_MS));

    let (summary, items) = w
        .run_bulk_send(&["late-answer-ann", "quick-answer-bob"])
        .await;

    assert_eq!(w.writes(Write::Connect), 2, "{:?}", w.requests());
    assert_eq!(w.server.faults.applied_late(), 1);
    assert_eq!(
        (w.sent_to("late-answer-ann"), w.sent_to("quick-answer-bob")),
        (1, 1)
    );
    assert_eq!(summary.state, JobState::Finished, "{summary:?}");
    assert_eq!((summary.succeeded, summary.failed), (2, 0), "{summary:?}");
    let late = &items[0];
    assert!(w.was_checking(&late.key), "{:?}", w.events.all());
    assert_eq!(late.outcome, ItemOutcome::Done, "{late:?}");
    assert!(
        late.detail
            .as_deref()
            .is_some_and(|d| d.contains("checked")),
        "{late:?}"
    );
    // Each sent request is in the history once, like a single send.
    assert_eq!(w.activity(ActivityAction::Invited).len(), 2);
}

/// The request was lost before LinkedIn saw it: after the check it is sent once more.
async fn bulk_send_lost_is_sent_again_once(kind: ProviderKind) {
    let w = world(kind).await;
    w.server.log.clear();
    w.inject(Write::Connect, Fault::hold_then_fail(HOLD_MS));

    let (summary, items) = w.run_bulk_send(&["lost-request-cleo"]).await;

    assert_eq!(w.writes(Write::Connect), 2, "{:?}", w.requests());
    let requests = w.requests();
    let path = format!("POST {}", w.fake.write_path(Write::Connect));
    let first = requests.iter().position(|r| *r == path).unwrap();
    let second = requests.iter().rposition(|r| *r == path).unwrap();
    assert!(
        requests[first + 1..second].contains(&w.fake.list_request(Screen::Sent)),
        "sent again without a check: {requests:?}"
    );
    assert_eq!(w.sent_to("lost-request-cleo"), 1);
    assert_eq!((summary.succeeded, summary.failed), (1, 0), "{summary:?}");
    assert_eq!(items[0].outcome, ItemOutcome::Done, "{:?}", items[0]);
    assert_eq!(w.activity(ActivityAction::Invited).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connectsafely_bulk_send_applied_late_goes_out_once() {
    bulk_send_applied_late_goes_out_once(ProviderKind::ConnectSafely).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edges_bulk_send_applied_late_goes_out_once() {
    bulk_send_applied_late_goes_out_once(ProviderKind::Edges).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connectsafely_bulk_send_lost_is_sent_again_once() {
    bulk_send_lost_is_sent_again_once(ProviderKind::ConnectSafely).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linkup_bulk_send_lost_is_sent_again_once() {
    bulk_send_lost_is_sent_again_once(ProviderKind::Linkup).await;
}

/// ConnectSafely's weekly limit (a 429 with `holdUntil`): the bulk send waits as a hold kept
/// for the account's requests, shows why, and goes on by itself once the hold ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_send_waits_out_the_weekly_limit_hold_and_resumes() {
    let w = world(ProviderKind::ConnectSafely).await;
    let until = chrono::Utc::now() + chrono::Duration::seconds(2);
    w.inject(
        Write::Connect,
        Fault::status(
            429,
            serde_json::json!({
                "success": false,
                "error": "Rate limit exceeded for CONNECT: 90/90 used.",
                "holdUntil": until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            }),
        ),
    );

    let (summary, _) = w.run_bulk_send(&["held-hana", "held-ivo"]).await;

    // Refused once, then both sent after the hold: three requests, two invitations.
    assert_eq!(w.writes(Write::Connect), 3, "{:?}", w.requests());
    assert_eq!((w.sent_to("held-hana"), w.sent_to("held-ivo")), (1, 1));
    assert_eq!((summary.succeeded, summary.failed), (2, 0), "{summary:?}");
    let paused = w.events.all().into_iter().any(|e| {
        e["job"]["state"] == "paused"
            && e["job"]["pausedAccounts"][0]["reason"]
                .as_str()
                .is_some_and(|r| r.contains("on hold"))
    });
    assert!(paused, "no paused event with the hold's reason");
}

/// Two InviteDesk processes (two job services with their own leases on one database) each
/// preview and run a bulk send to the same people: each person gets one request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_bulk_sending_the_same_list_send_each_request_once() {
    use invitedesk_lib::jobs::lease::Lease;
    let w = world(ProviderKind::Edges).await;
    // One process's view of the shared data dir: its own connection and lease.
    let process = || {
        let db = Db::open(&w._dir.path().join("invitedesk.sqlite3")).unwrap();
        let lease = Arc::new(Lease::acquire(w._dir.path()).unwrap());
        let jobs = JobService::with_lease(
            db.clone(),
            w.accounts.clone(),
            Recorder::new(),
            TEST_JOBS,
            lease,
        );
        let lists = invitedesk_lib::lists::ListService::new(
            db.clone(),
            InvitationService::new(db, w.accounts.clone()),
            jobs.clone(),
        );
        (jobs, lists)
    };
    let (one, one_lists) = process();
    let (other, other_lists) = process();
    let list = "twice-tara\ntwice-uma\ntwice-vic";
    // Both previews before either job runs: each plan holds all three.
    let mine = one_lists
        .preview_bulk_send(&w.account_id, list, None)
        .unwrap();
    let theirs = other_lists
        .preview_bulk_send(&w.account_id, list, None)
        .unwrap();
    assert_eq!(mine.to_send, 3);
    assert_eq!(theirs.to_send, 3);
    let a = one.start(&mine.plan.unwrap().plan_id).unwrap();
    let b = other.start(&theirs.plan.unwrap().plan_id).unwrap();
    tokio::time::timeout(Duration::from_secs(15), async {
        one.wait(&a.id).await;
        other.wait(&b.id).await;
    })
    .await
    .expect("both jobs end in time");

    assert_eq!(w.writes(Write::Connect), 3, "{:?}", w.requests());
    for slug in ["twice-tara", "twice-uma", "twice-vic"] {
        assert_eq!(w.sent_to(slug), 1, "{slug}");
    }
    let (a, b) = (one.summary(&a.id).unwrap(), other.summary(&b.id).unwrap());
    assert_eq!(a.succeeded + b.succeeded, 3, "{a:?} {b:?}");
    assert_eq!(a.skipped + b.skipped, 3, "{a:?} {b:?}");
    assert_eq!(w.activity(ActivityAction::Invited).len(), 3);
    // A third preview knows they were sent.
    let again = one_lists
        .preview_bulk_send(&w.account_id, list, None)
        .unwrap();
    assert_eq!(again.to_send, 0, "{:?}", again.lines);
}

/// What changed between the preview and the send is checked again at send time: someone put
/// on the do-not-contact list, or invited meanwhile by a single send, is skipped with the
/// reason, never sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_send_rechecks_each_line_at_send_time() {
    let w = world(ProviderKind::ConnectSafely).await;
    let lists = w.lists();
    let preview = lists
        .preview_bulk_send(
            &w.account_id,
            "later-dnc-dan\nsent-meanwhile-eve\nstill-fine-fay",
            None,
        )
        .unwrap();
    assert_eq!(preview.to_send, 3, "{:?}", preview.lines);
    lists.import_do_not_contact("later-dnc-dan").unwrap();
    w.send("sent-meanwhile-eve").await.unwrap();
    w.server.log.clear();

    let job = w.jobs.start(&preview.plan.unwrap().plan_id).unwrap();
    tokio::time::timeout(Duration::from_secs(15), w.jobs.wait(&job.id))
        .await
        .expect("the job ends in time");
    let items = w.jobs.items(&job.id).unwrap();

    assert_eq!(w.writes(Write::Connect), 1, "{:?}", w.requests());
    assert_eq!(w.sent_to("later-dnc-dan"), 0);
    assert_eq!(w.sent_to("sent-meanwhile-eve"), 1);
    assert_eq!(w.sent_to("still-fine-fay"), 1);
    let outcome = |i: usize| {
        (
            items[i].outcome,
            items[i].detail.clone().unwrap_or_default(),
        )
    };
    assert_eq!(outcome(0).0, ItemOutcome::Skipped);
    assert!(outcome(0).1.contains("do-not-contact"), "{:?}", items[0]);
    assert_eq!(outcome(1).0, ItemOutcome::Skipped);
    assert!(outcome(1).1.contains("Already sent from"), "{:?}", items[1]);
    assert_eq!(outcome(2).0, ItemOutcome::Done);
}

/// A list longer than the daily cap allows today: the preview says over how many days, the job
/// sends what the cap allows, then waits for midnight with an ETA that counts the days; it
/// never sends past the cap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_send_beyond_the_daily_cap_is_spread_over_days() {
    let w = world(ProviderKind::ConnectSafely).await;
    let mut settings = w.accounts.settings(&w.account_id).unwrap();
    settings.daily_send_cap = 2;
    w.accounts.save_settings(&w.account_id, settings).unwrap();
    let list = "day-one-a\nday-one-b\nday-two-a\nday-two-b\nday-three-a";

    let preview = w
        .lists()
        .preview_bulk_send(&w.account_id, list, None)
        .unwrap();
    assert_eq!((preview.to_send, preview.days), (5, 3), "{preview:?}");
    assert_eq!((preview.daily_cap, preview.cap_left_today), (2, 2));
    let plan = preview.plan.unwrap();
    let to_midnight =
        (history::next_local_midnight(chrono::Utc::now()) - chrono::Utc::now()).num_seconds();
    assert!(
        i64::from(plan.estimated_secs) >= to_midnight + 86_400 - 60,
        "{} s, midnight in {to_midnight} s",
        plan.estimated_secs
    );
    assert!(plan.warnings.iter().any(|w| matches!(
        w,
        invitedesk_lib::jobs::PlanWarning::DailyCapExceeded {
            count: 5,
            left: 2,
            cap: 2,
            ..
        }
    )));

    let job = w.jobs.start(&plan.plan_id).unwrap();
    let mut summary = w.jobs.summary(&job.id).unwrap();
    for _ in 0..200 {
        if summary.state == JobState::Paused {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        summary = w.jobs.summary(&job.id).unwrap();
    }
    assert_eq!(summary.state, JobState::Paused, "{summary:?}");
    assert_eq!((summary.succeeded, summary.pending), (2, 3), "{summary:?}");
    assert!(
        summary.paused_accounts[0].reason.contains("Daily cap of 2"),
        "{summary:?}"
    );
    // Waits for midnight, sends two, waits for the next one, sends the last.
    let eta = i64::from(summary.eta_secs.unwrap());
    assert!(eta >= to_midnight + 86_400 - 60, "ETA {eta} s");
    assert_eq!(w.writes(Write::Connect), 2, "{:?}", w.requests());
    w.jobs.cancel(&job.id).unwrap();
}
