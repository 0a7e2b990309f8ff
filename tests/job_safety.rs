//! The job runner's "nothing twice" guarantees across processes and across time, against
//! in-memory providers that count every call: a write whose answer was lost is checked only
//! once it can no longer land, and re-sent only when the check says it did not happen; a job
//! another live process runs is never interrupted, resumed or taken over; a provider hold
//! outlives cancel, a new job and a restart; real accounts keep the safety floors.

mod desk_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;

use desk_support::{received, FakeLinkedIn, Fault, Recorder, TestSource, NO_PACING};
use invitedesk_lib::db::cache::Screen;
use invitedesk_lib::db::Db;
use invitedesk_lib::error::ErrorKind;
use invitedesk_lib::invitations::{InvitationService, RunSettings};
use invitedesk_lib::jobs::lease::Lease;
use invitedesk_lib::jobs::{
    ItemOutcome, JobConfig, JobItemView, JobService, JobState, JobSummary, WithdrawRequest,
};
use invitedesk_lib::model::{InvitationCategory, ProviderKind, Response};

const TEST_CONFIG: JobConfig = JobConfig {
    default_backoff: Duration::from_millis(200),
    min_backoff: Duration::from_millis(10),
};

/// One process's view of the shared data dir: its own database connection and lease.
struct Process {
    invitations: InvitationService,
    jobs: JobService,
    events: Arc<Recorder>,
}

fn process(dir: &std::path::Path, source: &Arc<TestSource>) -> Process {
    let db = Db::open(&dir.join("invitedesk.sqlite3")).unwrap();
    let lease = Arc::new(Lease::acquire(dir).unwrap());
    let events = Recorder::new();
    Process {
        invitations: InvitationService::new(db.clone(), source.clone()),
        jobs: JobService::with_lease(db, source.clone(), events.clone(), TEST_CONFIG, lease),
        events,
    }
}

async fn refresh(invitations: &InvitationService, screen: Screen) {
    let summary = invitations
        .refresh(screen, None, Arc::new(|_| {}))
        .await
        .unwrap();
    assert!(summary.accounts.iter().all(|a| a.ok), "{summary:?}");
}

async fn finish(jobs: &JobService, job_id: &str) -> JobSummary {
    tokio::time::timeout(Duration::from_secs(10), jobs.wait(job_id))
        .await
        .expect("the job ends in time");
    jobs.summary(job_id).unwrap()
}

fn older_than(days: u32) -> WithdrawRequest {
    WithdrawRequest::OlderThan {
        older_than_days: days,
        account_id: None,
    }
}

fn item<'a>(items: &'a [JobItemView], key: &str) -> &'a JobItemView {
    items.iter().find(|i| i.key == key).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_that_lands_late_is_checked_once_it_cannot_land_and_never_sent_twice() {
    let dir = tempfile::tempdir().unwrap();
    let source = TestSource::new();
    let mut fake = FakeLinkedIn::new(ProviderKind::Edges, false).with_sent("a", 3, 40);
    // The provider holds a1 past the client's timeout and applies it 300 ms later; it can
    // no longer land 500 ms after the attempt started.
    Arc::get_mut(&mut fake).unwrap().settle = Duration::from_millis(500);
    fake.fault(Fault::LandsLate(Duration::from_millis(300)));
    source.add("A", "Alice", fake.clone(), NO_PACING);
    let p = process(dir.path(), &source);
    refresh(&p.invitations, Screen::Sent).await;
    let plan = p.jobs.preview_withdraw(&older_than(30)).unwrap();
    let started = Instant::now();
    let job = p.jobs.start(&plan.plan_id).unwrap();
    let job = finish(&p.jobs, &job.id).await;

    assert!(started.elapsed() >= Duration::from_millis(500), "it waited");
    assert_eq!(
        (job.succeeded, job.already_gone, job.failed, job.checking),
        (2, 1, 0, 0)
    );
    assert_eq!(fake.attempts_on("a1"), 1, "a1 was never sent again");
    assert!(fake.pending_sent().is_empty());
    let items = p.jobs.items(&job.id).unwrap();
    assert!(item(&items, "A/a1")
        .detail
        .as_deref()
        .unwrap()
        .contains("went through"));
    // The others went on meanwhile: a2 and a3 were withdrawn before a1 was checked.
    let calls = fake.calls();
    assert_eq!(calls.len(), 3, "{calls:?}");
    // While it waited, the window was told: a1 checking, with the time of the check.
    let checking: Vec<_> = p
        .events
        .all()
        .into_iter()
        .filter(|e| e["item"]["outcome"] == "checking")
        .collect();
    assert!(!checking.is_empty());
    assert_eq!(checking[0]["item"]["key"], "A/a1");
    assert!(checking[0]["item"]["checkAt"].is_string());
    assert!(checking[0]["job"]["checking"].as_u64().unwrap() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_write_that_did_not_happen_is_sent_once_more_after_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let source = TestSource::new();
    let fake = FakeLinkedIn::new(ProviderKind::ConnectSafely, true);
    fake.push_received(received("r1", InvitationCategory::Connection));
    fake.fault(Fault::LostUnapplied);
    source.add("A", "Alice", fake.clone(), NO_PACING);
    let p = process(dir.path(), &source);
    refresh(&p.invitations, Screen::Received).await;
    let plan = p
        .jobs
        .preview_respond(&["A/r1".to_string()], Response::Accept)
        .unwrap();
    let job = p.jobs.start(&plan.plan_id).unwrap();
    let job = finish(&p.jobs, &job.id).await;

    assert_eq!((job.succeeded, job.failed), (1, 0));
    assert_eq!(
        fake.attempts_on("r1"),
        2,
        "checked, found pending, sent once more"
    );
    assert_eq!(fake.acted_on("r1"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_another_live_process_runs_is_never_interrupted_resumed_or_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let source = TestSource::new();
    let fake = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 4, 40);
    for _ in 0..4 {
        fake.fault(Fault::Slow(Duration::from_millis(150)));
    }
    source.add("A", "Alice", fake.clone(), NO_PACING);
    let app = process(dir.path(), &source);
    refresh(&app.invitations, Screen::Sent).await;
    let plan = app.jobs.preview_withdraw(&older_than(30)).unwrap();
    let job = app.jobs.start(&plan.plan_id).unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;

    // A second process starts on the same data while the first one's job runs.
    let second = process(dir.path(), &source);
    assert!(
        second.jobs.recover().unwrap().is_empty(),
        "nothing interrupted"
    );
    let seen = second.jobs.summary(&job.id).unwrap();
    assert_eq!(seen.state, JobState::Running);
    assert!(seen.elsewhere);
    let resumed = second.jobs.resume(&job.id).unwrap_err();
    assert_eq!(resumed.kind, ErrorKind::InvalidInput);
    assert!(resumed.message.contains("another InviteDesk process"));
    assert!(second.jobs.cancel(&job.id).is_err());

    // Its own job over the same invitations acts on none of them twice.
    refresh(&second.invitations, Screen::Sent).await;
    let rival = second
        .jobs
        .preview_withdraw(&WithdrawRequest::Selected {
            selected: (1..=4).map(|i| format!("A/a{i}")).collect(),
        })
        .unwrap();
    if !rival.items.is_empty() {
        let rival = second.jobs.start(&rival.plan_id).unwrap();
        finish(&second.jobs, &rival.id).await;
    }
    let done = finish(&app.jobs, &job.id).await;
    assert_eq!(done.state, JobState::Finished);
    for i in 1..=4 {
        assert_eq!(fake.acted_on(&format!("a{i}")), 1, "a{i}");
    }
    assert!(!app.jobs.summary(&job.id).unwrap().elsewhere);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_hold_outlives_cancel_a_new_job_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let source = TestSource::new();
    let fake = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 3, 40);
    let hold_until = Utc::now() + chrono::Duration::hours(1);
    fake.fault(Fault::RateLimited(Some(hold_until)));
    source.add("A", "Alice", fake.clone(), NO_PACING);

    let wait_paused = |jobs: JobService, id: String| async move {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let s = jobs.summary(&id).unwrap();
            if s.state == JobState::Paused {
                return s;
            }
            assert!(Instant::now() < deadline, "pauses for the hold: {s:?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    {
        let p = process(dir.path(), &source);
        refresh(&p.invitations, Screen::Sent).await;
        let plan = p.jobs.preview_withdraw(&older_than(30)).unwrap();
        let job = p.jobs.start(&plan.plan_id).unwrap();
        let paused = wait_paused(p.jobs.clone(), job.id.clone()).await;
        let until = invitedesk_lib::db::parse_ts(&paused.paused_accounts[0].until).unwrap();
        assert!((until - hold_until).num_seconds().abs() <= 1);
        p.jobs.cancel(&job.id).unwrap();
        finish(&p.jobs, &job.id).await;

        // A new job on the same account waits for the hold instead of sending at once.
        let plan = p.jobs.preview_withdraw(&older_than(30)).unwrap();
        let again = p.jobs.start(&plan.plan_id).unwrap();
        let paused = wait_paused(p.jobs.clone(), again.id.clone()).await;
        assert!(paused.paused_accounts[0].reason.contains("Rate limited"));
        p.jobs.cancel(&again.id).unwrap();
        finish(&p.jobs, &again.id).await;
    }
    // After a restart too.
    let p = process(dir.path(), &source);
    let plan = p.jobs.preview_withdraw(&older_than(30)).unwrap();
    let third = p.jobs.start(&plan.plan_id).unwrap();
    wait_paused(p.jobs.clone(), third.id.clone()).await;
    p.jobs.cancel(&third.id).unwrap();
    assert_eq!(
        fake.calls().len(),
        1,
        "only the refused call reached the provider"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_account_is_paced_at_least_a_second_whatever_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let source = TestSource::new();
    let fake = FakeLinkedIn::new(ProviderKind::ConnectSafely, true)
        .as_real_account()
        .with_sent("a", 2, 40);
    source.add("A", "Alice", fake.clone(), NO_PACING);
    let p = process(dir.path(), &source);
    refresh(&p.invitations, Screen::Sent).await;
    let plan = p.jobs.preview_withdraw(&older_than(30)).unwrap();
    let job = p.jobs.start(&plan.plan_id).unwrap();
    finish(&p.jobs, &job.id).await;
    let calls = fake.calls();
    assert_eq!(calls.len(), 2);
    assert!(calls[1].at.duration_since(calls[0].at) >= Duration::from_secs(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acceptances_have_their_own_daily_cap() {
    let dir = tempfile::tempdir().unwrap();
    let source = TestSource::new();
    let fake = FakeLinkedIn::new(ProviderKind::ConnectSafely, true);
    for id in ["r1", "r2", "r3"] {
        fake.push_received(received(id, InvitationCategory::Connection));
    }
    let capped = RunSettings {
        daily_accept_cap: 2,
        ..NO_PACING
    };
    source.add("A", "Alice", fake.clone(), capped);
    let p = process(dir.path(), &source);
    refresh(&p.invitations, Screen::Received).await;
    let keys: Vec<String> = ["A/r1", "A/r2", "A/r3"].map(String::from).to_vec();
    let plan = p.jobs.preview_respond(&keys, Response::Accept).unwrap();
    assert_eq!(plan.per_account[0].cap_left_today, Some(2));
    let job = p.jobs.start(&plan.plan_id).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    let paused = loop {
        let s = p.jobs.summary(&job.id).unwrap();
        if s.state == JobState::Paused {
            break s;
        }
        assert!(Instant::now() < deadline, "pauses at the cap: {s:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!((paused.succeeded, paused.pending), (2, 1));
    assert!(paused.paused_accounts[0]
        .reason
        .contains("Daily cap of 2 acceptances"));
    p.jobs.cancel(&job.id).unwrap();
    let items = p.jobs.items(&job.id).unwrap();
    assert_eq!(item(&items, "A/r3").outcome, ItemOutcome::Pending);
}
