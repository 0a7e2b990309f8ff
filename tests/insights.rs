//! Insights over real refreshes: fates follow complete listings only, and what the screen
//! reports after a history of refreshes, withdrawals and a failed refresh.

mod desk_support;

use std::sync::Arc;

use chrono::{Duration, Utc};

use desk_support::{sent, FakeLinkedIn, TestSource, NO_PACING};
use invitedesk_lib::db::cache::Screen;
use invitedesk_lib::db::Db;
use invitedesk_lib::error::ErrorKind;
use invitedesk_lib::history::{self, ActivityAction, NewActivity};
use invitedesk_lib::insights::{Fate, InsightsSeries, InsightsService};
use invitedesk_lib::invitations::InvitationService;
use invitedesk_lib::model::{Age, InvitationCategory, ProviderKind};
use invitedesk_lib::providers::ProviderError;

fn services(source: &Arc<TestSource>) -> (Arc<Db>, InvitationService, InsightsService) {
    let db = Db::open_in_memory().unwrap();
    (
        db.clone(),
        InvitationService::new(db.clone(), source.clone()),
        InsightsService::new(db, source.clone()),
    )
}

async fn refresh(inv: &InvitationService) -> bool {
    let summary = inv
        .refresh(Screen::Sent, None, Arc::new(|_| {}))
        .await
        .unwrap();
    summary.accounts.iter().all(|a| a.ok)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_marks_nothing_gone_and_the_next_complete_one_does() {
    let source = TestSource::new();
    let a = FakeLinkedIn::new(ProviderKind::Edges, false).with_sent("a", 3, 7);
    source.add("A", "Alice", a.clone(), NO_PACING);
    let (_db, inv, insights) = services(&source);
    assert!(refresh(&inv).await);
    let first = insights.insights(None, None).unwrap();
    assert_eq!((first.totals.tracked, first.totals.pending), (3, 3));

    // a1 leaves LinkedIn's list, but the next listing fails: nothing is gone.
    a.drop_sent("a1");
    a.list_fault(ProviderError::new(
        ErrorKind::Network,
        "Edges did not answer in time.",
    ));
    assert!(!refresh(&inv).await);
    let after_failure = insights.insights(None, None).unwrap();
    assert_eq!(
        after_failure.totals.pending, 3,
        "a failed refresh marks nothing gone"
    );

    assert!(refresh(&inv).await);
    let after = insights.insights(None, None).unwrap();
    assert_eq!(after.totals.pending, 2);
    assert_eq!(
        after.totals.gone_other, 1,
        "Edges cannot tell an acceptance from a decline"
    );
    assert!(after.acceptance_notes[0].starts_with("Edges does not say"));
    assert_eq!(after.weeks.iter().map(|w| w.sent).sum::<u32>(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawal_by_the_app_is_told_apart_from_one_made_elsewhere_and_exported() {
    let source = TestSource::new();
    let a = FakeLinkedIn::new(ProviderKind::ConnectSafely, true);
    a.push_sent(sent("mine", "mine", Age::exact(40)));
    a.push_sent(sent("theirs", "theirs", Age::exact(35)));
    a.push_sent(sent("open", "open", Age::exact(2)));
    source.add("A", "Alice", a.clone(), NO_PACING);
    let (db, inv, insights) = services(&source);
    assert!(refresh(&inv).await);

    // InviteDesk withdraws "mine" (as the job runner records it); "theirs" is withdrawn on
    // LinkedIn's site. Both leave the list.
    history::record_invited(
        &db,
        &NewActivity {
            at: Utc::now(),
            action: ActivityAction::Withdrawn,
            account_id: "A".into(),
            account_label: "Alice".into(),
            invitation_id: Some("mine".into()),
            name: "Mine".into(),
            profile_url: None,
            category: InvitationCategory::Connection,
            sent_at: None,
            sent_text: None,
            days_pending: Some(40),
            job_id: Some("job-1".into()),
        },
    )
    .unwrap();
    a.drop_sent("mine");
    a.drop_sent("theirs");
    assert!(refresh(&inv).await);

    let now = Utc::now();
    let i = insights.insights_at(Some("A"), Some(30), now).unwrap();
    assert_eq!(i.totals.withdrawn, 1);
    assert_eq!(i.totals.gone_other, 1);
    assert_eq!(i.totals.pending, 1);
    // Two of three stayed 30 days or more; none of them was accepted.
    assert_eq!(i.days_to_accept.reached_threshold, 2);
    assert_eq!(
        i.days_to_accept.reached_threshold_accepted_percent,
        Some(0.0)
    );
    assert_eq!(i.actions.last().unwrap().withdrawn, 1);
    assert_eq!(i.backlog.last().unwrap().pending, 1);

    let dir = tempfile::tempdir().unwrap();
    let path = insights
        .export_csv(Some("A"), InsightsSeries::Fates, None, dir.path(), now)
        .unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.starts_with("Account,Invitation,Name,Fate,"));
    assert!(text.contains("A,mine,"));
    assert!(text.contains(Fate::WithdrawnByApp.label()));
    let weeks = insights
        .export_csv(
            None,
            InsightsSeries::Weeks,
            None,
            dir.path(),
            now + Duration::minutes(1),
        )
        .unwrap();
    assert!(std::fs::read_to_string(weeks)
        .unwrap()
        .starts_with("Week (Monday),Sent,Accepted"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connectsafely_tells_an_acceptance_from_a_decline_and_edges_cannot() {
    let source = TestSource::new();
    let cs = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("c", 3, 1);
    let edges = FakeLinkedIn::new(ProviderKind::Edges, false).with_sent("e", 2, 1);
    source.add("C", "Carol", cs.clone(), NO_PACING);
    source.add("E", "Eve", edges.clone(), NO_PACING);
    let (_db, inv, insights) = services(&source);
    assert!(refresh(&inv).await);

    cs.accept_sent("c1"); // accepted
    cs.drop_sent("c2"); // declined or withdrawn on LinkedIn
    edges.accept_sent("e1"); // accepted, but Edges cannot say so
    assert!(refresh(&inv).await);

    let found = insights.check_acceptances(None).await.unwrap();
    assert_eq!(
        (found.checked, found.accepted),
        (2, 1),
        "only ConnectSafely is asked"
    );
    let again = insights.check_acceptances(None).await.unwrap();
    assert_eq!(again.checked, 0, "each invitation is asked about once");

    let c = insights.insights(Some("C"), None).unwrap().totals;
    assert_eq!((c.accepted, c.gone_other, c.pending), (1, 1, 1));
    let e = insights.insights(Some("E"), None).unwrap().totals;
    assert_eq!((e.accepted, e.gone_other, e.pending), (0, 1, 1));
    let all = insights.insights(None, None).unwrap();
    assert_eq!(all.days_to_accept.accepted, 1);
    assert_eq!(all.acceptance_notes.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_during_a_check_leaves_the_rest_for_the_next_one() {
    let source = TestSource::new();
    let cs = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("c", 2, 1);
    source.add("C", "Carol", cs.clone(), NO_PACING);
    let (_db, inv, insights) = services(&source);
    assert!(refresh(&inv).await);
    cs.accept_sent("c1");
    cs.accept_sent("c2");
    assert!(refresh(&inv).await);
    cs.list_fault(ProviderError::new(ErrorKind::RateLimited, "Slow down."));
    let first = insights.check_acceptances(Some("C")).await.unwrap();
    assert_eq!(first.checked, 0);
    let second = insights.check_acceptances(Some("C")).await.unwrap();
    assert_eq!((second.checked, second.accepted), (2, 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_at_a_glance_count_the_stale_backlog_without_pinned_ones() {
    let source = TestSource::new();
    let cs = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("old", 3, 45);
    cs.push_sent(sent("new", "new", Age::exact(2)));
    source.add("C", "Carol", cs.clone(), NO_PACING);
    let (_db, inv, insights) = services(&source);
    assert!(refresh(&inv).await);
    inv.set_pin("C", Some("old1"), None, true).unwrap();

    let limits = insights.account_limits("C", 30, Utc::now()).await.unwrap();
    assert_eq!(
        limits.backlog.stale, 2,
        "two of three old ones; the pinned one stays"
    );
    assert_eq!(limits.backlog.days, Some(0));
    assert_eq!(limits.caps.len(), 4);
    let weekly = limits
        .weekly_sends
        .expect("counted here: the fake reports no quota");
    assert_eq!((weekly.used, weekly.limit), (0, 90));
    assert!(limits.holds.is_empty());
    assert_eq!(limits.provider_error, None);
}
