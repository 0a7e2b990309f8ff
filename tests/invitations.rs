//! The invitation cache across accounts: refresh fills it (first-seen kept, gone rows removed,
//! failures keep the old rows and say why), lists read it with ages that improve over time,
//! the keep-list, and removing an account's data.

mod desk_support;

use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};

use desk_support::{sent, FakeLinkedIn, TestSource, NO_PACING};
use invitedesk_lib::db::cache::Screen;
use invitedesk_lib::db::Db;
use invitedesk_lib::error::ErrorKind;
use invitedesk_lib::history::{self, ActivityAction, ActivityFilter, NewActivity};
use invitedesk_lib::invitations::{InvitationService, RefreshProgress, RefreshSink};
use invitedesk_lib::model::{Age, InvitationCategory, ProviderKind};
use invitedesk_lib::providers::ProviderError;

fn service(source: &Arc<TestSource>) -> (Arc<Db>, InvitationService) {
    let db = Db::open_in_memory().unwrap();
    (db.clone(), InvitationService::new(db, source.clone()))
}

fn collector() -> (Arc<Mutex<Vec<RefreshProgress>>>, RefreshSink) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    (seen, Arc::new(move |p| sink.lock().unwrap().push(p)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_keeps_first_seen_and_drops_invitations_no_longer_pending() {
    let source = TestSource::new();
    let a = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 3, 7);
    a.push_sent(sent("mystery", "mystery", Age::UNKNOWN));
    source.add("A", "Alice", a.clone(), NO_PACING);
    let (_db, inv) = service(&source);

    let before = inv.list_sent(None).unwrap();
    assert!(before.rows.is_empty());
    assert_eq!(before.as_of[0].at, None, "never refreshed");

    let (progress, sink) = collector();
    let summary = inv.refresh(Screen::Sent, None, sink).await.unwrap();
    assert_eq!(summary.accounts.len(), 1);
    assert!(summary.accounts[0].ok);
    assert_eq!(summary.accounts[0].count, 4);
    let events = progress.lock().unwrap().clone();
    assert!(events.len() >= 3, "start, pages, end: {events:?}");
    let last = events.last().unwrap();
    assert!(last.done && last.account_id == "A" && last.screen == Screen::Sent);
    assert_eq!(last.fetched, 4);
    assert_eq!(source.synced.lock().unwrap().as_slice(), ["A".to_string()]);

    let first = inv.list_sent(None).unwrap();
    assert!(first.as_of[0].at.is_some());
    let seen_a2 = first
        .rows
        .iter()
        .find(|r| r.key == "A/a2")
        .unwrap()
        .first_seen_at
        .clone();
    let mystery = first.rows.iter().find(|r| r.key == "A/mystery").unwrap();
    assert_eq!(
        mystery.age_days, None,
        "unknown and first seen today: unknown"
    );
    assert_eq!(mystery.person_key.as_deref(), Some("in:mystery"));

    a.drop_sent("a1");
    a.push_sent(sent("new", "new", Age::exact(1)));
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    inv.refresh(Screen::Sent, Some("A"), Arc::new(|_| {}))
        .await
        .unwrap();
    let second = inv.list_sent(None).unwrap();
    let mut keys: Vec<&str> = second.rows.iter().map(|r| r.key.as_str()).collect();
    keys.sort();
    assert_eq!(keys, vec!["A/a2", "A/a3", "A/mystery", "A/new"]);
    let a2 = second.rows.iter().find(|r| r.key == "A/a2").unwrap();
    assert_eq!(a2.first_seen_at, seen_a2, "first seen is kept");
    assert_ne!(second.as_of[0].at, first.as_of[0].at);

    // Ten days later (without refreshing), ages have grown: the provider's "1 week" (at least
    // 7) becomes at least 17; the unknown one is at least 10 days old, as first seen then.
    let later = Utc::now() + Duration::days(10);
    let aged = inv.list_sent_at(None, later).unwrap();
    let a2 = aged.rows.iter().find(|r| r.key == "A/a2").unwrap();
    assert_eq!((a2.age_days, a2.age_exact), (Some(17), false));
    let mystery = aged.rows.iter().find(|r| r.key == "A/mystery").unwrap();
    assert_eq!((mystery.age_days, mystery.age_exact), (Some(10), false));
    let new = aged.rows.iter().find(|r| r.key == "A/new").unwrap();
    assert_eq!((new.age_days, new.age_exact), (Some(11), true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_keeps_the_cached_rows_and_says_why_per_account() {
    let source = TestSource::new();
    let a = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 2, 7);
    let b = FakeLinkedIn::new(ProviderKind::Edges, false).with_sent("b", 3, 7);
    source.add("A", "Alice", a.clone(), NO_PACING);
    source.add("B", "Bob", b.clone(), NO_PACING);
    let (_db, inv) = service(&source);
    inv.refresh(Screen::Sent, None, Arc::new(|_| {}))
        .await
        .unwrap();
    let as_of_b = inv.list_sent(Some("B")).unwrap().as_of[0].at.clone();

    b.list_fault(ProviderError::new(
        ErrorKind::BadCredentials,
        "Edges refused the API key. Replace it in Accounts.",
    ));
    b.drop_sent("b1");
    let (progress, sink) = collector();
    let summary = inv.refresh(Screen::Sent, None, sink).await.unwrap();
    let by_id = |id: &str| {
        summary
            .accounts
            .iter()
            .find(|a| a.account_id == id)
            .unwrap()
    };
    assert!(by_id("A").ok);
    let failed = by_id("B");
    assert!(!failed.ok);
    assert_eq!(failed.label, "Bob");
    assert_eq!(failed.count, 3, "the cached rows are still there");
    assert_eq!(
        failed.error.as_ref().unwrap().kind,
        ErrorKind::BadCredentials
    );
    assert!(
        progress
            .lock()
            .unwrap()
            .iter()
            .any(|p| p.account_id == "B" && p.done),
        "the failed account's progress ends too"
    );

    let rows = inv.list_sent(Some("B")).unwrap();
    assert_eq!(
        rows.rows.len(),
        3,
        "b1 is still shown until a refresh succeeds"
    );
    assert_eq!(rows.as_of[0].at, as_of_b, "as-of stays at the last success");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_cover_known_accounts_only_and_unknown_ids_are_refused() {
    let source = TestSource::new();
    let a = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 2, 7);
    let b = FakeLinkedIn::new(ProviderKind::Edges, false).with_sent("b", 1, 7);
    source.add("A", "Alice", a, NO_PACING);
    source.add("B", "Bob", b, NO_PACING);
    let (_db, inv) = service(&source);
    inv.refresh(Screen::Sent, None, Arc::new(|_| {}))
        .await
        .unwrap();
    assert_eq!(inv.list_sent(None).unwrap().rows.len(), 3);
    let only_b = inv.list_sent(Some("B")).unwrap();
    assert_eq!(only_b.rows.len(), 1);
    assert_eq!(only_b.rows[0].account_label, "Bob");

    source.remove("B");
    assert_eq!(inv.list_sent(None).unwrap().rows.len(), 2);
    let err = inv.list_sent(Some("B")).unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
    let err = inv
        .refresh(Screen::Sent, Some("B"), Arc::new(|_| {}))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
}

#[test]
fn pins_need_one_target_and_a_real_account() {
    let source = TestSource::new();
    source.add(
        "A",
        "Alice",
        FakeLinkedIn::new(ProviderKind::ConnectSafely, true),
        NO_PACING,
    );
    let (_db, inv) = service(&source);
    let both = inv
        .set_pin("A", Some("i1"), Some("jane"), true)
        .unwrap_err();
    assert_eq!(both.kind, ErrorKind::InvalidInput);
    let neither = inv.set_pin("A", None, Some("  "), true).unwrap_err();
    assert_eq!(neither.kind, ErrorKind::InvalidInput);
    let not_linkedin = inv
        .set_pin("A", None, Some("https://example.com/jane"), true)
        .unwrap_err();
    assert_eq!(not_linkedin.kind, ErrorKind::InvalidInput);
    let gone = inv.set_pin("Z", Some("i1"), None, true).unwrap_err();
    assert_eq!(gone.kind, ErrorKind::NotFound);
    // Unpinning on a removed account is allowed, to clean up.
    inv.set_pin("Z", Some("i1"), None, false).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_an_account_forgets_its_cache_and_pins_and_its_history_on_request() {
    let source = TestSource::new();
    let a = FakeLinkedIn::new(ProviderKind::ConnectSafely, true).with_sent("a", 2, 7);
    source.add("A", "Alice", a, NO_PACING);
    let (db, inv) = service(&source);
    inv.refresh(Screen::Sent, None, Arc::new(|_| {}))
        .await
        .unwrap();
    inv.set_pin("A", Some("a1"), None, true).unwrap();
    history::record_invited(
        &db,
        &NewActivity {
            at: Utc::now(),
            action: ActivityAction::Withdrawn,
            account_id: "A".into(),
            account_label: "Alice".into(),
            invitation_id: Some("old".into()),
            name: "Someone".into(),
            profile_url: None,
            category: InvitationCategory::Connection,
            sent_at: None,
            sent_text: None,
            days_pending: Some(40),
            job_id: None,
        },
    )
    .unwrap();

    db.remove_account_data("A", false).unwrap();
    assert!(inv.list_sent(None).unwrap().rows.is_empty());
    assert_eq!(inv.list_sent(None).unwrap().as_of[0].at, None);
    assert_eq!(
        history::list(&db, &ActivityFilter::default())
            .unwrap()
            .len(),
        1,
        "history is kept unless asked"
    );
    // Pins are gone too: a new listing of a1 is not pinned.
    inv.refresh(Screen::Sent, None, Arc::new(|_| {}))
        .await
        .unwrap();
    assert!(inv.list_sent(None).unwrap().rows.iter().all(|r| !r.pinned));

    db.remove_account_data("A", true).unwrap();
    assert!(history::list(&db, &ActivityFilter::default())
        .unwrap()
        .is_empty());
}
