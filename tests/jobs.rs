//! The job runner against in-memory providers that count every call: plans run exactly once,
//! pins are honoured, cancel is prompt, a rate limit pauses one account only, credentials
//! problems stop one account, a crash mid-call resumes without acting twice, and "retry
//! failed" reruns only the failures (checking first when the failure was ambiguous).

mod desk_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::Value;

use desk_support::{received, sent, FakeLinkedIn, Fault, Recorder, TestSource, NO_PACING};
use invitedesk_lib::db::cache::Screen;
use invitedesk_lib::db::Db;
use invitedesk_lib::error::ErrorKind;
use invitedesk_lib::history::{self, ActivityAction, ActivityFilter};
use invitedesk_lib::invitations::{InvitationService, RunSettings};
use invitedesk_lib::jobs::{
    CategoryCount, ItemOutcome, JobAction, JobConfig, JobService, JobState, JobSummary,
    PlanWarning, WithdrawRequest,
};
use invitedesk_lib::model::{Age, InvitationCategory, ProviderKind, Response};

const TEST_CONFIG: JobConfig = JobConfig {
    default_backoff: Duration::from_millis(200),
    min_backoff: Duration::from_millis(10),
};

struct World {
    _dir: tempfile::TempDir,
    db: Arc<Db>,
    source: Arc<TestSource>,
    events: Arc<Recorder>,
    invitations: InvitationService,
    jobs: JobService,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("invitedesk.sqlite3");
    let source = TestSource::new();
    let events = Recorder::new();
    let (db, invitations, jobs) = services(&path, &source, &events);
    World {
        _dir: dir,
        db,
        source,
        events,
        invitations,
        jobs,
    }
}

fn services(
    path: &std::path::Path,
    source: &Arc<TestSource>,
    events: &Arc<Recorder>,
) -> (Arc<Db>, InvitationService, JobService) {
    let db = Db::open(path).unwrap();
    let invitations = InvitationService::new(db.clone(), source.clone());
    let jobs = JobService::new(db.clone(), source.clone(), events.clone(), TEST_CONFIG);
    (db, invitations, jobs)
}

async fn refresh(invitations: &InvitationService, screen: Screen) {
    let summary = invitations
        .refresh(screen, None, Arc::new(|_| {}))
        .await
        .unwrap();
    assert!(
        summary.accounts.iter().all(|a| a.ok),
        "refresh failed: {summary:?}"
    );
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

fn item<'a>(
    items: &'a [invitedesk_lib::jobs::JobItemView],
    key: &str,
) -> &'a invitedesk_lib::jobs::JobItemView {
    items.iter().find(|i| i.key == key).unwrap()
}

fn withdrawals(db: &Db) -> Vec<history::ActivityRow> {
    history::list(
        db,
        &ActivityFilter {
            action: Some(ActivityAction::Withdrawn),
            ..Default::default()
        },
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_runs_once_and_no_invitation_is_withdrawn_twice() {
    let w = world();
    let a = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 3, 40);
    a.push_sent(sent("young", "young", Age::exact(3)));
    let b = FakeLinkedIn::new(ProviderKind::Edges, false).with_sent("b", 2, 40);
    w.source.add("A", "Alice", a.clone(), NO_PACING);
    w.source.add("B", "Bob", b.clone(), NO_PACING);
    refresh(&w.invitations, Screen::Sent).await;

    let plan = w.jobs.preview_withdraw(&older_than(30)).unwrap();
    let per_account: Vec<(&str, u32)> = plan
        .per_account
        .iter()
        .map(|p| (p.account_id.as_str(), p.count))
        .collect();
    assert_eq!(per_account, vec![("A", 3), ("B", 2)]);
    assert!(!plan.items.iter().any(|i| i.invitation_id == "young"));
    // A second preview over two of the same rows, made before anything ran.
    let overlapping = w
        .jobs
        .preview_withdraw(&WithdrawRequest::Selected {
            selected: vec!["A/a1".into(), "A/a2".into()],
        })
        .unwrap();

    let first = w.jobs.start(&plan.plan_id).unwrap();
    let again = w.jobs.start(&plan.plan_id).unwrap();
    assert_eq!(
        first.id, again.id,
        "starting a plan twice gives the same job"
    );
    let done = finish(&w.jobs, &first.id).await;
    assert_eq!(done.state, JobState::Finished);
    assert_eq!((done.succeeded, done.failed, done.pending), (5, 0, 0));

    let second = w.jobs.start(&overlapping.plan_id).unwrap();
    let second = finish(&w.jobs, &second.id).await;
    assert_eq!((second.succeeded, second.skipped), (0, 2));
    let items = w.jobs.items(&second.id).unwrap();
    assert!(item(&items, "A/a1")
        .detail
        .as_deref()
        .unwrap()
        .contains("Already handled"));

    for id in ["a1", "a2", "a3"] {
        assert_eq!(a.attempts_on(id), 1, "{id} reached the provider once");
    }
    for id in ["b1", "b2"] {
        assert_eq!(b.attempts_on(id), 1, "{id} reached the provider once");
    }
    assert_eq!(a.pending_sent(), vec!["young".to_string()]);

    // The cache follows: only the young invitation is left.
    let rows = w.invitations.list_sent(None).unwrap().rows;
    assert_eq!(
        rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        vec!["A/young"]
    );
    // And the record has every withdrawal with its re-invite date.
    let history = withdrawals(&w.db);
    assert_eq!(history.len(), 5);
    for row in &history {
        let at = invitedesk_lib::db::parse_ts(&row.at).unwrap();
        let after = invitedesk_lib::db::parse_ts(row.reinvite_after.as_deref().unwrap()).unwrap();
        assert_eq!((after - at).num_days(), 21);
        assert_eq!(row.days_pending, Some(40));
        assert_eq!(row.sent_text.as_deref(), Some("40 days ago"));
        assert_eq!(row.job_id.as_deref(), Some(first.id.as_str()));
    }
    // Progress went out with per-item outcomes.
    let events = w.events.all();
    assert!(events
        .iter()
        .any(|e| e["item"]["outcome"] == "done" && e["job"]["id"] == first.id.as_str()));
    assert!(events.iter().any(|e| e["item"]["outcome"] == "running"));
}

/// Issue 15: the preview said 47 s for a job that took 2.8 s, counting a second per item
/// whatever the pause. It now counts the pause the runner keeps.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_estimate_follows_the_pause_the_job_keeps() {
    let w = world();
    let local = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 47, 40);
    let real = FakeLinkedIn::new(ProviderKind::ConnectSafely, true)
        .with_sent("r", 47, 40)
        .as_real_account();
    w.source.add("A", "Alice", local.clone(), NO_PACING);
    w.source.add("R", "Rita", real, NO_PACING);
    refresh(&w.invitations, Screen::Sent).await;
    let only = |account: &str| WithdrawRequest::OlderThan {
        older_than_days: 30,
        account_id: Some(account.into()),
    };

    // A real account is paced at least 1 s apart whatever the settings: the preview shows
    // that pause and counts it.
    let plan = w.jobs.preview_withdraw(&only("R")).unwrap();
    let r = &plan.per_account[0];
    assert_eq!((r.pace_min_secs, r.pace_max_secs), (1, 1));
    assert_eq!(plan.estimated_secs, 47);

    // A test server with no pause: a few seconds at most, and the job keeps to it.
    let plan = w.jobs.preview_withdraw(&only("A")).unwrap();
    assert!(plan.estimated_secs <= 3, "{} s", plan.estimated_secs);
    let started = Instant::now();
    let job = w.jobs.start(&plan.plan_id).unwrap();
    let done = finish(&w.jobs, &job.id).await;
    assert_eq!(done.succeeded, 47);
    assert!(
        started.elapsed().as_secs_f64() <= f64::from(plan.estimated_secs) + 1.0,
        "took {:?}, estimated {} s",
        started.elapsed(),
        plan.estimated_secs
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pinned_rows_are_never_withdrawn_even_when_pinned_after_the_preview() {
    let w = world();
    let a = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 3, 40);
    w.source.add("A", "Alice", a.clone(), NO_PACING);
    refresh(&w.invitations, Screen::Sent).await;

    // Pin a person by profile link.
    w.invitations
        .set_pin(
            "A",
            None,
            Some("https://www.linkedin.com/in/Slug-A1/"),
            true,
        )
        .unwrap();
    let plan = w.jobs.preview_withdraw(&older_than(30)).unwrap();
    assert_eq!(plan.items.len(), 2);
    assert_eq!(plan.skipped_pinned, 1);

    // Pin an invitation after the preview: the job must still keep it.
    w.invitations.set_pin("A", Some("a2"), None, true).unwrap();
    let job = w.jobs.start(&plan.plan_id).unwrap();
    let job = finish(&w.jobs, &job.id).await;
    assert_eq!((job.succeeded, job.skipped), (1, 1));
    let items = w.jobs.items(&job.id).unwrap();
    assert_eq!(item(&items, "A/a2").outcome, ItemOutcome::Skipped);
    assert!(item(&items, "A/a2")
        .detail
        .as_deref()
        .unwrap()
        .starts_with("Pinned"));
    // The progress event tells the UI the row was skipped, not that it is still waiting.
    assert!(
        w.events
            .all()
            .iter()
            .any(|e| e["item"]["key"] == "A/a2" && e["item"]["outcome"] == "skipped"),
        "no progress event shows the pinned item as skipped"
    );
    assert_eq!(a.attempts_on("a1"), 0);
    assert_eq!(a.attempts_on("a2"), 0);
    assert_eq!(a.acted_on("a3"), 1);

    let rows = w.invitations.list_sent(Some("A")).unwrap().rows;
    assert!(rows.iter().all(|r| r.pinned));
    w.invitations.set_pin("A", Some("a2"), None, false).unwrap();
    let rows = w.invitations.list_sent(Some("A")).unwrap().rows;
    let pinned: Vec<(&str, bool)> = rows
        .iter()
        .map(|r| (r.invitation.id.as_str(), r.pinned))
        .collect();
    assert_eq!(pinned, vec![("a1", true), ("a2", false)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_is_prompt_even_in_the_middle_of_a_pause() {
    let w = world();
    let a = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 3, 40);
    let slow = RunSettings {
        pace_min_secs: 30,
        pace_max_secs: 30,
        ..NO_PACING
    };
    w.source.add("A", "Alice", a.clone(), slow);
    refresh(&w.invitations, Screen::Sent).await;
    let plan = w.jobs.preview_withdraw(&older_than(30)).unwrap();
    assert!(
        plan.estimated_secs >= 60,
        "two 30 s pauses are in the estimate"
    );
    let job = w.jobs.start(&plan.plan_id).unwrap();

    let deadline = Instant::now() + Duration::from_secs(5);
    while a.calls().is_empty() {
        assert!(Instant::now() < deadline, "the first withdrawal happens");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await; // now inside the 30 s pause
    let running = w.jobs.summary(&job.id).unwrap();
    assert!(running.eta_secs.unwrap() >= 30, "{running:?}");

    let asked = Instant::now();
    let cancelled = w.jobs.cancel(&job.id).unwrap();
    assert_eq!(cancelled.state, JobState::Cancelled);
    tokio::time::timeout(Duration::from_secs(2), w.jobs.wait(&job.id))
        .await
        .expect("the runner stops at once");
    assert!(asked.elapsed() < Duration::from_secs(1));
    let after = w.jobs.summary(&job.id).unwrap();
    assert_eq!(after.state, JobState::Cancelled);
    assert_eq!((after.succeeded, after.pending), (1, 2));
    assert_eq!(a.calls().len(), 1, "nothing was called after the cancel");
    assert!(after.finished_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_pauses_that_account_while_the_other_goes_on() {
    let w = world();
    let a = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 2, 40);
    let b = FakeLinkedIn::new(ProviderKind::Edges, false).with_sent("b", 3, 40);
    w.source.add("A", "Alice", a.clone(), NO_PACING);
    w.source.add("B", "Bob", b.clone(), NO_PACING);
    refresh(&w.invitations, Screen::Sent).await;
    let plan = w.jobs.preview_withdraw(&older_than(30)).unwrap();
    // The provider's time, on its clock and on this test's: set just before the job starts, so
    // a slow machine's refresh and preview do not eat into the wait being checked.
    let hold = Duration::from_millis(400);
    let retry_at = Utc::now() + chrono::Duration::from_std(hold).unwrap();
    let retry_instant = Instant::now() + hold;
    a.fault(Fault::RateLimited(Some(retry_at)));
    let job = w.jobs.start(&plan.plan_id).unwrap();
    let job = finish(&w.jobs, &job.id).await;

    assert_eq!(job.state, JobState::Finished);
    assert_eq!((job.succeeded, job.failed), (5, 0));
    let a_calls = a.calls();
    assert_eq!(
        a_calls.len(),
        3,
        "a1 refused once, then a1 and a2: {a_calls:?}"
    );
    assert!(!a_calls[0].acted && a_calls[1].acted);
    let a_resumed = a_calls[1].at;
    assert!(
        b.calls().iter().all(|c| c.acted && c.at < a_resumed),
        "Bob's account went on while Alice's waited"
    );
    // Not before the provider's time (the two clocks are read a few microseconds apart, and
    // the hold is kept to the millisecond).
    assert!(
        a_resumed + Duration::from_millis(5) >= retry_instant,
        "Alice waited until the provider's time: resumed {:?} before it",
        retry_instant.saturating_duration_since(a_resumed)
    );
    // The pause was reported, with the reason, while it lasted.
    let paused: Vec<Value> = w
        .events
        .all()
        .into_iter()
        .filter(|e| {
            e["job"]["pausedAccounts"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p["accountId"] == "A"))
        })
        .collect();
    assert!(!paused.is_empty());
    let reason = paused[0]["job"]["pausedAccounts"][0]["reason"]
        .as_str()
        .unwrap();
    assert!(reason.starts_with("Rate limited"), "{reason}");
    assert!(
        job.paused_accounts.is_empty(),
        "no pause is left at the end"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_stop_that_account_only() {
    let w = world();
    let a = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 3, 40);
    a.fault(Fault::BadCredentials);
    let b = FakeLinkedIn::new(ProviderKind::Edges, false).with_sent("b", 2, 40);
    w.source.add("A", "Alice", a.clone(), NO_PACING);
    w.source.add("B", "Bob", b.clone(), NO_PACING);
    refresh(&w.invitations, Screen::Sent).await;
    let plan = w.jobs.preview_withdraw(&older_than(30)).unwrap();
    let job = w.jobs.start(&plan.plan_id).unwrap();
    let job = finish(&w.jobs, &job.id).await;

    assert_eq!((job.succeeded, job.failed), (2, 3));
    assert_eq!(a.calls().len(), 1, "no more calls once the key was refused");
    let items = w.jobs.items(&job.id).unwrap();
    for key in ["A/a1", "A/a2", "A/a3"] {
        let it = item(&items, key);
        assert_eq!(it.outcome, ItemOutcome::Failed);
        assert_eq!(it.error.as_ref().unwrap().kind, ErrorKind::BadCredentials);
    }
    assert_eq!(b.acted_on("b1") + b.acted_on("b2"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_failed_reruns_only_the_failures_and_a_lost_answer_is_checked_not_resent() {
    let w = world();
    let a = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 4, 40);
    a.fault(Fault::Pass); // a1 works
    a.fault(Fault::NetworkBefore); // a2: could not connect, nothing happened
    a.fault(Fault::NetworkAfter); // a3: withdrawn, the answer was lost
    a.fault(Fault::Pass); // a4 works
    w.source.add("A", "Alice", a.clone(), NO_PACING);
    refresh(&w.invitations, Screen::Sent).await;
    let plan = w.jobs.preview_withdraw(&older_than(30)).unwrap();
    let job = w.jobs.start(&plan.plan_id).unwrap();
    let job = finish(&w.jobs, &job.id).await;
    // a3 was checked once its answer could no longer arrive: gone, so it went through.
    assert_eq!((job.succeeded, job.already_gone, job.failed), (2, 1, 1));
    let items = w.jobs.items(&job.id).unwrap();
    assert!(item(&items, "A/a3")
        .detail
        .as_deref()
        .unwrap()
        .contains("went through"));
    assert_eq!(
        a.attempts_on("a3"),
        1,
        "a3 was found gone and not sent again"
    );
    assert_eq!(withdrawals(&w.db).len(), 3, "a3 is in the record");

    let retry = w.jobs.retry_failed(&job.id).unwrap();
    assert_eq!(retry.retry_of.as_deref(), Some(job.id.as_str()));
    assert_eq!(retry.total, 1, "only the failure");
    let retry = finish(&w.jobs, &retry.id).await;
    assert_eq!((retry.succeeded, retry.failed), (1, 0));
    let items = w.jobs.items(&retry.id).unwrap();
    assert_eq!(item(&items, "A/a2").outcome, ItemOutcome::Done);
    assert_eq!(a.acted_on("a2"), 1);
    assert_eq!(a.acted_on("a1") + a.acted_on("a4"), 2);

    let none_left = w.jobs.retry_failed(&retry.id).unwrap_err();
    assert_eq!(none_left.kind, ErrorKind::InvalidInput);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_cap_holds_the_rest_until_tomorrow() {
    let w = world();
    let a = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 3, 40);
    let capped = RunSettings {
        daily_withdraw_cap: 2,
        ..NO_PACING
    };
    w.source.add("A", "Alice", a.clone(), capped);
    refresh(&w.invitations, Screen::Sent).await;
    let plan = w.jobs.preview_withdraw(&older_than(30)).unwrap();
    assert_eq!(plan.per_account[0].cap_left_today, Some(2));
    assert!(plan.warnings.iter().any(|w| matches!(
        w,
        PlanWarning::DailyCapExceeded {
            count: 3,
            left: 2,
            cap: 2,
            ..
        }
    )));
    let job = w.jobs.start(&plan.plan_id).unwrap();

    let deadline = Instant::now() + Duration::from_secs(5);
    let paused = loop {
        let s = w.jobs.summary(&job.id).unwrap();
        if s.state == JobState::Paused {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "the job pauses at the cap: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert_eq!((paused.succeeded, paused.pending), (2, 1));
    let pause = &paused.paused_accounts[0];
    assert!(pause.reason.contains("Daily cap of 2"), "{}", pause.reason);
    let until = invitedesk_lib::db::parse_ts(&pause.until).unwrap();
    assert_eq!(until, history::next_local_midnight(Utc::now()));
    assert_eq!(a.calls().len(), 2);

    let again = w.jobs.preview_withdraw(&older_than(30)).unwrap();
    assert_eq!(again.per_account[0].cap_left_today, Some(0));

    w.jobs.cancel(&job.id).unwrap();
    let done = finish(&w.jobs, &job.id).await;
    assert_eq!(done.state, JobState::Cancelled);
    assert_eq!(a.calls().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_and_ignore_run_through_the_same_runner_and_are_recorded() {
    let w = world();
    let a = FakeLinkedIn::new(ProviderKind::ConnectSafely, true);
    a.push_received(received("r1", InvitationCategory::Connection));
    a.push_received(received("r2", InvitationCategory::Newsletter));
    a.push_received(received("r3", InvitationCategory::Connection));
    let b = FakeLinkedIn::new(ProviderKind::Edges, false);
    b.push_received(received("r4", InvitationCategory::Connection));
    w.source.add("A", "Alice", a.clone(), NO_PACING);
    w.source.add("B", "Bob", b.clone(), NO_PACING);
    refresh(&w.invitations, Screen::Received).await;

    let rows = w.invitations.list_received(None).unwrap().rows;
    let r4 = rows.iter().find(|r| r.key == "B/r4").unwrap();
    assert!(!r4.can_ignore);
    assert!(r4
        .ignore_disabled_reason
        .as_deref()
        .unwrap()
        .starts_with("Edges does not offer Ignore"));

    let keys = |ks: &[&str]| ks.iter().map(|k| k.to_string()).collect::<Vec<_>>();
    let ignore_plan = w
        .jobs
        .preview_respond(&keys(&["A/r3", "B/r4"]), Response::Ignore)
        .unwrap();
    assert_eq!(ignore_plan.items.len(), 1);
    assert!(ignore_plan.skipped_other[0].reason.starts_with("Edges"));

    let accept_plan = w
        .jobs
        .preview_respond(&keys(&["A/r1", "A/r2", "B/r4"]), Response::Accept)
        .unwrap();
    assert!(accept_plan
        .warnings
        .contains(&PlanWarning::SpecialCategories {
            action: JobAction::Accept,
            counts: vec![CategoryCount {
                category: InvitationCategory::Newsletter,
                count: 1
            }],
        }));
    assert_eq!(accept_plan.items[1].name, "Page r2");

    let accepted = w.jobs.start(&accept_plan.plan_id).unwrap();
    let accepted = finish(&w.jobs, &accepted.id).await;
    assert_eq!(accepted.succeeded, 3);
    let ignored = w.jobs.start(&ignore_plan.plan_id).unwrap();
    let ignored = finish(&w.jobs, &ignored.id).await;
    assert_eq!(ignored.succeeded, 1);

    let what: Vec<(String, &str)> = a
        .calls()
        .iter()
        .map(|c| (c.invitation_id.clone(), c.what))
        .collect();
    assert_eq!(
        what,
        vec![
            ("r1".to_string(), "accept"),
            ("r2".to_string(), "accept"),
            ("r3".to_string(), "ignore")
        ]
    );
    assert_eq!(b.acted_on("r4"), 1);
    assert!(w.invitations.list_received(None).unwrap().rows.is_empty());

    let all = history::list(&w.db, &ActivityFilter::default()).unwrap();
    let count = |a: ActivityAction| all.iter().filter(|r| r.action == a).count();
    assert_eq!(count(ActivityAction::Accepted), 3);
    assert_eq!(count(ActivityAction::Ignored), 1);
    let newsletter = all.iter().find(|r| r.name == "Page r2").unwrap();
    assert_eq!(newsletter.category, InvitationCategory::Newsletter);
    assert_eq!(newsletter.reinvite_after, None);
}

/// Runs the first half of a crash test: a job whose calls hang, then the runtime is dropped
/// mid-call, as when the app is killed. Returns the job id.
fn crash_mid_job(
    path: &std::path::Path,
    source: &Arc<TestSource>,
    hung: &[&FakeLinkedIn],
) -> String {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let job_id = rt.block_on(async {
        let (_db, invitations, jobs) = services(path, source, &Recorder::new());
        refresh(&invitations, Screen::Sent).await;
        let plan = jobs.preview_withdraw(&older_than(30)).unwrap();
        let job = jobs.start(&plan.plan_id).unwrap();
        for fake in hung {
            tokio::time::timeout(Duration::from_secs(5), fake.hung.notified())
                .await
                .expect("the call is in flight");
        }
        job.id
    });
    rt.shutdown_background();
    job_id
}

#[test]
fn a_job_killed_mid_call_resumes_without_withdrawing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("invitedesk.sqlite3");
    let source = TestSource::new();
    let a = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 3, 40);
    a.fault(Fault::HangAfter); // a1 is withdrawn, then the app dies before the answer
    let b = FakeLinkedIn::new(ProviderKind::Edges, false).with_sent("b", 2, 40);
    b.fault(Fault::HangBefore); // b1: the app dies before the call reaches the provider
    source.add("A", "Alice", a.clone(), NO_PACING);
    source.add("B", "Bob", b.clone(), NO_PACING);

    let job_id = crash_mid_job(&path, &source, &[&a, &b]);

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let events = Recorder::new();
        let (db, _invitations, jobs) = services(&path, &source, &events);
        assert_eq!(jobs.recover().unwrap(), vec![job_id.clone()]);
        let listed = jobs.list().unwrap();
        assert_eq!(listed[0].id, job_id);
        assert_eq!(listed[0].state, JobState::Interrupted);
        let items = jobs.items(&job_id).unwrap();
        assert_eq!(item(&items, "A/a1").outcome, ItemOutcome::Running);
        assert_eq!(item(&items, "B/b1").outcome, ItemOutcome::Running);

        jobs.resume(&job_id).unwrap();
        let done = finish(&jobs, &job_id).await;
        assert_eq!(done.state, JobState::Finished);
        assert_eq!((done.succeeded, done.already_gone, done.failed), (4, 1, 0));
        let items = jobs.items(&job_id).unwrap();
        let a1 = item(&items, "A/a1");
        assert_eq!(a1.outcome, ItemOutcome::AlreadyGone);
        assert!(a1.detail.as_deref().unwrap().contains("went through"));
        assert_eq!(item(&items, "B/b1").outcome, ItemOutcome::Done);

        assert_eq!(
            a.attempts_on("a1"),
            1,
            "a1 was checked, not withdrawn again"
        );
        assert_eq!(
            b.acted_on("b1"),
            1,
            "b1 was still pending and withdrawn once"
        );
        for (fake, ids) in [(&a, vec!["a2", "a3"]), (&b, vec!["b2"])] {
            for id in ids {
                assert_eq!(fake.acted_on(id), 1);
            }
        }
        assert!(a.pending_sent().is_empty() && b.pending_sent().is_empty());
        // a1 is in the record: its withdrawal most likely happened, so its re-invite date counts.
        assert_eq!(withdrawals(&db).len(), 5);
    });
}

#[test]
fn a_discarded_interrupted_job_leaves_the_uncertain_item_to_a_checked_retry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("invitedesk.sqlite3");
    let source = TestSource::new();
    let a = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 3, 40);
    a.fault(Fault::HangAfter);
    source.add("A", "Alice", a.clone(), NO_PACING);

    let job_id = crash_mid_job(&path, &source, &[&a]);

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (_db, _invitations, jobs) = services(&path, &source, &Recorder::new());
        jobs.recover().unwrap();
        let discarded = jobs.discard(&job_id).unwrap();
        assert_eq!(discarded.state, JobState::Cancelled);
        assert_eq!((discarded.failed, discarded.skipped), (1, 2));
        let items = jobs.items(&job_id).unwrap();
        assert!(item(&items, "A/a1")
            .error
            .as_ref()
            .unwrap()
            .message
            .contains("not known whether"));

        let retry = jobs.retry_failed(&job_id).unwrap();
        let retry = finish(&jobs, &retry.id).await;
        assert_eq!(retry.already_gone, 1);
        assert_eq!(a.attempts_on("a1"), 1, "checked, not sent again");
        assert_eq!(
            a.pending_sent().len(),
            2,
            "the discarded items were left alone"
        );

        // The discarded job can be resumed no more than a finished one.
        let err = jobs.resume(&job_id).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
    });
}
