//! Autopilot's run engine against in-memory providers that count every call, with a clock the
//! tests move: a rule never acts before its first preview is confirmed; scheduled runs fire at
//! the rule's local time and once per slot; its daily allowance, the account's holds and quiet
//! hours hold across runs; two processes never run one rule at once; and every run is in the
//! rule's history with the reason it was skipped.

mod desk_support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

use desk_support::{received, FakeLinkedIn, Recorder, TestSource, NO_PACING};
use invitedesk_lib::autopilot::clock::ManualClock;
use invitedesk_lib::autopilot::lock::RuleLocks;
use invitedesk_lib::autopilot::{
    AcceptConditions, AutopilotService, QuietHours, RuleAction, RuleDraft, RunOptions, RunOutcome,
    RunTrigger, Schedule, SkipReason,
};
use invitedesk_lib::db::{self, holds, Db};
use invitedesk_lib::invitations::InvitationService;
use invitedesk_lib::jobs::{JobConfig, JobService};
use invitedesk_lib::model::{InvitationCategory, ProviderKind, WriteKind};

const TEST_CONFIG: JobConfig = JobConfig {
    default_backoff: Duration::from_millis(200),
    min_backoff: Duration::from_millis(10),
};

struct World {
    dir: tempfile::TempDir,
    db: Arc<Db>,
    fake: Arc<FakeLinkedIn>,
    source: Arc<TestSource>,
    clock: Arc<ManualClock>,
    autopilot: AutopilotService,
}

fn world_at(now: DateTime<Utc>, fake: Arc<FakeLinkedIn>) -> World {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("invitedesk.sqlite3")).unwrap();
    let source = TestSource::new();
    source.add("acc", "Sales", fake.clone(), NO_PACING);
    let clock = Arc::new(ManualClock::at(now));
    let autopilot = service(&dir, &db, &source, &clock);
    World {
        dir,
        db,
        fake,
        source,
        clock,
        autopilot,
    }
}

/// A second process on the same data: its own services and rule locks.
fn service(
    dir: &tempfile::TempDir,
    db: &Arc<Db>,
    source: &Arc<TestSource>,
    clock: &Arc<ManualClock>,
) -> AutopilotService {
    let invitations = InvitationService::new(db.clone(), source.clone());
    let jobs = JobService::new(db.clone(), source.clone(), Recorder::new(), TEST_CONFIG);
    AutopilotService::new(
        db.clone(),
        invitations,
        jobs,
        Some(dir.path().to_path_buf()),
        clock.clone(),
    )
}

fn withdraw_rule(max_per_day: u32) -> RuleDraft {
    RuleDraft {
        account_id: "acc".into(),
        action: RuleAction::Withdraw {
            older_than_days: 30,
            max_per_day,
        },
        schedule: Schedule {
            time: "09:00".into(),
            weekdays: (1..=7).collect(),
        },
        quiet_hours: None,
        time_zone: Some("UTC".into()),
    }
}

fn acted_total(fake: &FakeLinkedIn, prefix: &str, n: usize) -> Vec<usize> {
    (1..=n)
        .map(|i| fake.acted_on(&format!("{prefix}{i}")))
        .collect()
}

/// Confirms the rule's first preview and waits for the job it starts.
async fn confirm(w: &World, rule_id: &str) -> u32 {
    let preview = w.autopilot.preview(rule_id).await.unwrap();
    let plan = preview.plan.expect("a plan");
    let job = w
        .autopilot
        .confirm(rule_id, Some(&plan.plan_id))
        .unwrap()
        .expect("a job");
    let jobs = JobService::new(w.db.clone(), w.source.clone(), Recorder::new(), TEST_CONFIG);
    // The job runs in the service's own job service; its journal says when it is done.
    for _ in 0..200 {
        let s = jobs.summary(&job.id).unwrap();
        if s.pending == 0 {
            return s.succeeded;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the confirmed job did not finish");
}

#[tokio::test]
async fn a_rule_never_acts_before_its_first_preview_is_confirmed() {
    let fake = FakeLinkedIn::new(ProviderKind::Demo, true).with_sent("s", 4, 45);
    // 08:00 UTC: the 09:00 rule is created before its first slot.
    let w = world_at(Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap(), fake);
    let rule = w.autopilot.create(&withdraw_rule(10)).unwrap();
    assert!(
        w.autopilot
            .run_due(RunOptions::new(RunTrigger::Scheduled, false))
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );

    w.clock
        .advance(chrono::Duration::hours(1) + chrono::Duration::minutes(2));
    let reports = w
        .autopilot
        .run_due(RunOptions::new(RunTrigger::Scheduled, false))
        .await
        .unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].skip_reason, Some(SkipReason::NotConfirmed));
    let manual = w
        .autopilot
        .run_all(RunOptions::new(RunTrigger::Manual, false))
        .await
        .unwrap();
    assert_eq!(manual[0].skip_reason, Some(SkipReason::NotConfirmed));
    assert!(w.fake.calls().is_empty(), "nothing reached the provider");

    // The preview is the exact list; confirming acts on exactly it, as a job of the rule.
    let preview = w.autopilot.preview(&rule.id).await.unwrap();
    let keys: Vec<String> = preview
        .plan
        .as_ref()
        .unwrap()
        .items
        .iter()
        .map(|i| i.key.clone())
        .collect();
    assert_eq!(keys.len(), 4);
    assert!(w.fake.calls().is_empty(), "a preview acts on nothing");
    let other = w.autopilot.create(&withdraw_rule(10)).unwrap();
    let wrong = w
        .autopilot
        .confirm(&other.id, Some(&preview.plan.as_ref().unwrap().plan_id))
        .unwrap_err();
    assert!(wrong.message.contains("not made for this rule"));
    assert_eq!(confirm(&w, &rule.id).await, 4);
    assert_eq!(acted_total(&w.fake, "s", 4), [1, 1, 1, 1]);

    let history = w.autopilot.history(&rule.id, 10).unwrap();
    let outcomes: Vec<(RunTrigger, RunOutcome, Option<SkipReason>)> = history
        .iter()
        .map(|r| (r.trigger, r.outcome, r.skip_reason))
        .collect();
    assert_eq!(
        outcomes,
        [
            (RunTrigger::Confirmed, RunOutcome::Acted, None),
            (
                RunTrigger::Manual,
                RunOutcome::Skipped,
                Some(SkipReason::NotConfirmed)
            ),
            (
                RunTrigger::Scheduled,
                RunOutcome::Skipped,
                Some(SkipReason::NotConfirmed)
            ),
        ]
    );
    assert_eq!(history[0].succeeded, 4);
    // The Activity screen's tag: the job's rule, on each of its four withdrawals, and it
    // stays when the rule is deleted.
    let job_id = history[0].job_id.clone().unwrap();
    assert_eq!(
        w.db.read(|c| db::autopilot::rule_of_job(c, &job_id))
            .unwrap(),
        Some(rule.id.clone())
    );
    let tags = || -> Vec<Option<String>> {
        invitedesk_lib::history::list(&w.db, &Default::default())
            .unwrap()
            .into_iter()
            .map(|r| r.rule)
            .collect()
    };
    let label = "Withdraw pending invitations older than 30 days (at most 10 a day)";
    assert_eq!(tags(), vec![Some(label.to_string()); 4]);
    w.autopilot.delete(&rule.id).unwrap();
    assert_eq!(tags(), vec![Some(label.to_string()); 4], "Activity stays");
}

#[tokio::test]
async fn the_daily_allowance_and_holds_hold_across_runs() {
    let fake = FakeLinkedIn::new(ProviderKind::Demo, true).with_sent("s", 8, 45);
    // The allowance is counted from the activity the jobs record at the real time.
    let w = world_at(Utc::now(), fake);
    let rule = w.autopilot.create(&withdraw_rule(3)).unwrap();
    assert_eq!(
        confirm(&w, &rule.id).await,
        3,
        "the first preview is cut to 3"
    );

    let again = w
        .autopilot
        .run_all(RunOptions::new(RunTrigger::Manual, false))
        .await
        .unwrap();
    assert_eq!(again[0].skip_reason, Some(SkipReason::CapReached));
    assert!(again[0]
        .detail
        .as_deref()
        .unwrap()
        .contains("3 withdrawals for today"));
    assert_eq!(w.fake.calls().len(), 3);

    // The rule's next day: a provider hold on withdrawals first, then it ends. A hold is the
    // provider's, in real time (the runner's clock), whatever the rule's clock says.
    w.clock.advance(chrono::Duration::days(1));
    let real_now = Utc::now();
    w.db.write(|tx| {
        holds::set(
            tx,
            &holds::Hold {
                account_id: "acc".into(),
                action: WriteKind::Withdraw,
                until: db::ts(real_now + chrono::Duration::hours(1)),
                reason: "Weekly limit".into(),
            },
            &db::ts(real_now),
        )
    })
    .unwrap();
    let held = w
        .autopilot
        .run_all(RunOptions::new(RunTrigger::Manual, false))
        .await
        .unwrap();
    assert_eq!(held[0].skip_reason, Some(SkipReason::Hold));
    assert!(held[0].detail.as_deref().unwrap().contains("Weekly limit"));
    assert_eq!(w.fake.calls().len(), 3, "a hold reaches no provider");

    // Moving the rule's clock past the hold does not end it: the runner would still wait.
    w.clock.advance(chrono::Duration::hours(2));
    let still = w
        .autopilot
        .run_all(RunOptions::new(RunTrigger::Manual, false))
        .await
        .unwrap();
    assert_eq!(still[0].skip_reason, Some(SkipReason::Hold));
    // The hour passes as the runner sees it: the hold now ends in the (real) past.
    w.db.write(|tx| {
        tx.execute(
            "UPDATE holds SET until = ?1",
            [db::ts(Utc::now() - chrono::Duration::seconds(1))],
        )?;
        Ok(())
    })
    .unwrap();
    let acted = w
        .autopilot
        .run_all(RunOptions::new(RunTrigger::Manual, false))
        .await
        .unwrap();
    assert_eq!(acted[0].outcome, RunOutcome::Acted);
    assert_eq!(acted[0].job.as_ref().unwrap().succeeded, 3);
    w.clock.advance(chrono::Duration::days(1));
    let last = w
        .autopilot
        .run_all(RunOptions::new(RunTrigger::Manual, false))
        .await
        .unwrap();
    assert_eq!(last[0].job.as_ref().unwrap().succeeded, 2, "the last two");
    let nothing = w
        .autopilot
        .run_all(RunOptions::new(RunTrigger::Manual, false))
        .await
        .unwrap();
    assert_eq!(nothing[0].skip_reason, Some(SkipReason::NothingToDo));
    assert!(nothing[0]
        .detail
        .as_deref()
        .unwrap()
        .contains("No pending invitation older than 30 days"));
    assert_eq!(
        acted_total(&w.fake, "s", 8),
        [1; 8],
        "each invitation withdrawn exactly once"
    );
}

#[tokio::test]
async fn scheduled_runs_fire_at_the_rules_local_time_once_and_respect_quiet_hours_and_pause() {
    let fake = FakeLinkedIn::new(ProviderKind::Demo, true).with_sent("s", 2, 45);
    // Berlin is UTC+2 in June: 09:00 local is 07:00 UTC.
    let w = world_at(Utc.with_ymd_and_hms(2026, 6, 1, 6, 0, 0).unwrap(), fake);
    let mut draft = withdraw_rule(10);
    draft.time_zone = Some("Europe/Berlin".into());
    let rule = w.autopilot.create(&draft).unwrap();
    w.db.write(|tx| db::autopilot::confirm(tx, &rule.id, "plan-x", "2026-06-01T06:00:00.000Z"))
        .unwrap();
    assert_eq!(
        w.autopilot.next_due_at().unwrap(),
        Some(Utc.with_ymd_and_hms(2026, 6, 1, 7, 0, 0).unwrap())
    );
    w.clock.advance(chrono::Duration::minutes(59));
    assert!(w
        .autopilot
        .run_due(RunOptions::new(RunTrigger::Scheduled, false))
        .await
        .unwrap()
        .is_empty());
    w.clock.advance(chrono::Duration::minutes(2));
    let fired = w
        .autopilot
        .run_due(RunOptions::new(RunTrigger::Scheduled, false))
        .await
        .unwrap();
    assert_eq!(fired[0].outcome, RunOutcome::Acted);
    assert!(
        w.autopilot
            .run_due(RunOptions::new(RunTrigger::Scheduled, false))
            .await
            .unwrap()
            .is_empty(),
        "once per slot"
    );

    // Quiet hours over the next slot: skipped, and said why.
    let mut quiet = draft.clone();
    quiet.quiet_hours = Some(QuietHours {
        start: "08:30".into(),
        end: "10:00".into(),
    });
    w.autopilot.update(&rule.id, &quiet).unwrap();
    w.fake.push_sent(desk_support::sent(
        "late",
        "slug-late",
        invitedesk_lib::model::Age::at_least(40),
    ));
    w.clock.advance(chrono::Duration::days(1));
    let skipped = w
        .autopilot
        .run_due(RunOptions::new(RunTrigger::Scheduled, false))
        .await
        .unwrap();
    assert_eq!(skipped[0].skip_reason, Some(SkipReason::QuietHours));

    // Paused: the next day's slot is recorded as paused; no provider call.
    w.autopilot.set_paused(true).unwrap();
    assert_eq!(w.autopilot.next_due_at().unwrap(), None);
    w.clock.advance(chrono::Duration::days(1));
    let paused = w
        .autopilot
        .run_due(RunOptions::new(RunTrigger::Scheduled, false))
        .await
        .unwrap();
    assert_eq!(paused[0].skip_reason, Some(SkipReason::Paused));
    assert_eq!(w.fake.acted_on("late"), 0);
}

#[tokio::test]
async fn two_processes_never_run_one_rule_at_once() {
    let fake = FakeLinkedIn::new(ProviderKind::Demo, true).with_sent("s", 2, 45);
    let w = world_at(Utc::now(), fake);
    let rule = w.autopilot.create(&withdraw_rule(10)).unwrap();
    w.db.write(|tx| db::autopilot::confirm(tx, &rule.id, "plan-x", "2026-06-01T06:00:00.000Z"))
        .unwrap();
    // The other process (the app) holds the rule.
    let app_locks = RuleLocks::new(Some(w.dir.path().to_path_buf()));
    let held = app_locks.try_lock(&rule.id).unwrap().unwrap();
    let cli = service(&w.dir, &w.db, &w.source, &w.clock);
    let report = cli
        .run_all(RunOptions::new(RunTrigger::Manual, false))
        .await
        .unwrap();
    assert_eq!(report[0].skip_reason, Some(SkipReason::RunningElsewhere));
    assert!(w.fake.calls().is_empty());
    drop(held);
    let report = cli
        .run_all(RunOptions::new(RunTrigger::Manual, false))
        .await
        .unwrap();
    assert_eq!(report[0].outcome, RunOutcome::Acted);
}

#[tokio::test]
async fn accept_and_ignore_rules_pick_only_their_invitations_and_dry_runs_act_on_nothing() {
    let fake = FakeLinkedIn::new(ProviderKind::Demo, true);
    let mut with_note = received("r1", InvitationCategory::Connection);
    with_note.person.headline = Some("Founder".into());
    let mut recruiter = received("r2", InvitationCategory::Connection);
    recruiter.person.headline = Some("Recruiter".into());
    fake.push_received(with_note);
    fake.push_received(recruiter);
    fake.push_received(received("n1", InvitationCategory::Newsletter));
    fake.push_received(received("e1", InvitationCategory::Event));
    let w = world_at(Utc::now(), fake);
    let accept = RuleDraft {
        action: RuleAction::Accept {
            conditions: AcceptConditions {
                headline_excludes: Some("recruit".into()),
                ..Default::default()
            },
        },
        ..withdraw_rule(1)
    };
    let ignore = RuleDraft {
        action: RuleAction::Ignore {
            categories: vec![InvitationCategory::Newsletter],
        },
        ..withdraw_rule(1)
    };
    let a = w.autopilot.create(&accept).unwrap();
    let i = w.autopilot.create(&ignore).unwrap();
    for id in [&a.id, &i.id] {
        w.db.write(|tx| db::autopilot::confirm(tx, id, "plan-x", "2026-06-01T06:00:00.000Z"))
            .unwrap();
    }
    let dry = w
        .autopilot
        .run_all(RunOptions::new(RunTrigger::Manual, true))
        .await
        .unwrap();
    let names: Vec<Vec<String>> = dry
        .iter()
        .map(|r| r.items.iter().map(|i| i.invitation_id.clone()).collect())
        .collect();
    assert_eq!(names, [vec!["r1".to_string()], vec!["n1".to_string()]]);
    assert!(w.fake.calls().is_empty(), "a dry run acts on nothing");
    assert!(
        w.autopilot.history(&a.id, 10).unwrap().is_empty(),
        "nor records"
    );

    let done = w
        .autopilot
        .run_all(RunOptions::new(RunTrigger::Manual, false))
        .await
        .unwrap();
    assert!(done.iter().all(|r| r.outcome == RunOutcome::Acted));
    assert_eq!(
        (
            w.fake.acted_on("r1"),
            w.fake.acted_on("r2"),
            w.fake.acted_on("n1"),
            w.fake.acted_on("e1")
        ),
        (1, 0, 1, 0)
    );
    assert_eq!(
        invitedesk_lib::autopilot::summary::sentence(&done).unwrap(),
        "Accepted 1 invitation on 1 account, ignored 1 invitation on 1 account"
    );

    // A provider without Ignore cannot have an ignore rule.
    w.source.add(
        "edges",
        "Edges",
        FakeLinkedIn::new(ProviderKind::Edges, false),
        NO_PACING,
    );
    let refused = w
        .autopilot
        .create(&RuleDraft {
            account_id: "edges".into(),
            ..ignore
        })
        .unwrap_err();
    assert!(refused.message.contains("Edges does not offer Ignore"));
}
