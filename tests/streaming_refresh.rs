//! A refresh streams (issue 15): each page's rows are in the cache before the page's
//! `refresh-progress` event, so the Sent screen, which re-reads its window on that event, shows
//! them while the refresh goes on; rows not re-seen yet stay until a complete refresh ends, and
//! a refresh that stops half-way takes nothing as gone.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use invitedesk_lib::db::cache::Screen;
use invitedesk_lib::db::Db;
use invitedesk_lib::error::AppResult;
use invitedesk_lib::invitations::{
    AccountRef, InvitationService, ProviderSource, RefreshProgress, RunSettings, SentFilter,
    SentSort, SentSortColumn, SentWindowRequest,
};
use invitedesk_lib::model::ProviderKind;
use invitedesk_lib::providers::connectsafely::ConnectSafely;
use invitedesk_lib::providers::edges::Edges;
use invitedesk_lib::providers::http::HttpConfig;
use invitedesk_lib::providers::{InvitationProvider, ProviderConfig};
use secrecy::SecretString;
use support::connectsafely::{AccountSeed, ConnectSafelyFake};
use support::edges::{EdgesFake, IdentitySeed};
use support::{FakeServer, Fault};

const UID: &str = "44444444-4444-4444-4444-444444444444";
const ACC: &str = "60d21b4667d0d8992e610c85";

/// One account "A" of `kind`, listed through `provider`.
struct OneAccount(ProviderKind, Arc<dyn InvitationProvider>);

impl ProviderSource for OneAccount {
    fn accounts(&self) -> Vec<AccountRef> {
        vec![AccountRef {
            id: "A".into(),
            label: "Agency".into(),
            provider: self.0,
            can_ignore: false,
        }]
    }
    fn provider(&self, _: &str) -> AppResult<Arc<dyn InvitationProvider>> {
        Ok(self.1.clone())
    }
    fn settings(&self, _: &str) -> RunSettings {
        Default::default()
    }
}

fn config(kind: ProviderKind, server: &FakeServer, key: &str, remote: &str) -> ProviderConfig {
    ProviderConfig {
        kind,
        base_url: server.base_url.clone(),
        api_key: SecretString::from(key.to_string()),
        remote_account_id: Some(remote.into()),
        login_token: None,
        country: None,
    }
}

fn edges(server: &FakeServer) -> Arc<dyn InvitationProvider> {
    let config = config(
        ProviderKind::Edges,
        server,
        support::edges::DEFAULT_KEY,
        UID,
    );
    // Patient enough for the page a test holds back.
    let http = HttpConfig::fast_test().with_timeout(Duration::from_secs(5));
    let client = Edges::with_http_config(config, http)
        .unwrap()
        .with_page_delay(Duration::ZERO);
    Arc::new(client)
}

fn connectsafely(server: &FakeServer) -> Arc<dyn InvitationProvider> {
    let key = support::connectsafely::DEFAULT_KEY;
    let config = config(ProviderKind::ConnectSafely, server, key, ACC);
    Arc::new(ConnectSafely::with_http_config(config, HttpConfig::fast_test()).unwrap())
}

/// What the Sent screen asks for on each `refresh-progress` event: the first rows by name.
fn window() -> SentWindowRequest {
    SentWindowRequest {
        filter: SentFilter::default(),
        sort: SentSort {
            column: SentSortColumn::Person,
            descending: false,
        },
        offset: 0,
        limit: 50,
    }
}

/// `(fetched, rows the Sent window counts)` at each page event of a refresh.
type Seen = Arc<Mutex<Vec<(u32, u32)>>>;

/// A progress sink that, like the Sent screen, re-queries the window on every page event.
fn watching(inv: &InvitationService) -> (Seen, Arc<dyn Fn(RefreshProgress) + Send + Sync>) {
    let seen: Seen = Arc::default();
    let (inv, log) = (inv.clone(), seen.clone());
    let sink = move |p: RefreshProgress| {
        if !p.done && p.notice.is_none() {
            let total = inv.sent_window(&window()).unwrap().total;
            log.lock().unwrap().push((p.fetched, total));
        }
    };
    (seen, Arc::new(sink))
}

fn cached_ids(inv: &InvitationService) -> Vec<String> {
    let mut ids: Vec<String> = inv
        .list_sent(None)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.invitation.id)
        .collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_page_is_in_the_sent_window_before_its_event_and_the_end_matches_the_provider() {
    let fake = EdgesFake::new(support::edges::DEFAULT_KEY)
        .with_identity(IdentitySeed::new(UID, "Agency").sent(350));
    let server = fake.start().await;
    let db = Db::open_in_memory().unwrap();
    let source = Arc::new(OneAccount(ProviderKind::Edges, edges(&server)));
    let inv = InvitationService::new(db, source);

    // An empty cache: the window grows page by page, each page there by its event.
    let (seen, sink) = watching(&inv);
    let summary = inv.refresh(Screen::Sent, None, sink).await.unwrap();
    assert!(summary.accounts[0].complete, "{:?}", summary.accounts[0]);
    assert_eq!(
        *seen.lock().unwrap(),
        [(0, 0), (100, 100), (200, 200), (300, 300), (350, 350)]
    );
    let mut expected: Vec<String> = fake.sent(UID).iter().map(|s| s.id.to_string()).collect();
    expected.sort();
    assert_eq!(
        cached_ids(&inv),
        expected,
        "the cache is the provider's list"
    );

    // 10 withdrawn on LinkedIn (the newest, on page 1): they stay while the refresh runs
    // (they were pending at the last one) and go when it completes.
    for s in fake.sent(UID).iter().take(10) {
        assert!(fake.remove_sent(UID, s.id));
    }
    let (seen, sink) = watching(&inv);
    let summary = inv.refresh(Screen::Sent, None, sink).await.unwrap();
    assert!(summary.accounts[0].complete);
    assert_eq!(summary.accounts[0].count, 340);
    assert_eq!(
        *seen.lock().unwrap(),
        [(0, 350), (100, 350), (200, 350), (300, 350), (340, 350)]
    );
    let mut expected: Vec<String> = fake.sent(UID).iter().map(|s| s.id.to_string()).collect();
    expected.sort();
    assert_eq!(cached_ids(&inv), expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_that_stops_half_way_keeps_every_cached_row() {
    let key = support::connectsafely::DEFAULT_KEY;
    let fake = ConnectSafelyFake::new(key).with_account(AccountSeed::new(ACC).sent(35));
    let server = fake.start().await;
    let client = connectsafely(&server);
    let db = Db::open_in_memory().unwrap();
    let source = Arc::new(OneAccount(ProviderKind::ConnectSafely, client.clone()));
    let inv = InvitationService::new(db, source);
    let summary = inv
        .refresh(Screen::Sent, None, Arc::new(|_| {}))
        .await
        .unwrap();
    assert!(summary.accounts[0].complete);
    let before = cached_ids(&inv);
    assert_eq!(before.len(), 35);

    // 5 are withdrawn; the next refresh fails for good after its second page.
    let sent = client.list_sent(&|_| {}).await.unwrap();
    for invitation in &sent[..5] {
        client.withdraw(invitation).await.unwrap();
    }
    let faults = server.faults.clone();
    let fail_after_two = move |p: RefreshProgress| {
        if p.fetched == 20 && !p.done {
            faults.inject(Some("GET"), "/invitations/sent", 20, Fault::server_error());
        }
    };
    let summary = inv
        .refresh(Screen::Sent, None, Arc::new(fail_after_two))
        .await
        .unwrap();
    let account = &summary.accounts[0];
    assert!(account.ok && !account.complete, "{account:?}");
    let stop = account.partial.as_ref().expect("marked partial");
    assert_eq!(stop.fetched, 20);
    // Nothing taken as gone: the 5 withdrawn stay until a complete refresh says so.
    assert_eq!(cached_ids(&inv), before);
    assert_eq!(account.count, 35);

    // Failing on the first page: an error, and the cache as it was.
    server.faults.clear();
    server
        .faults
        .inject(Some("GET"), "/invitations/sent", 20, Fault::server_error());
    let summary = inv
        .refresh(Screen::Sent, None, Arc::new(|_| {}))
        .await
        .unwrap();
    assert!(!summary.accounts[0].ok);
    assert_eq!(cached_ids(&inv), before);

    // A complete refresh then drops the 5.
    server.faults.clear();
    let summary = inv
        .refresh(Screen::Sent, None, Arc::new(|_| {}))
        .await
        .unwrap();
    assert!(summary.accounts[0].complete);
    assert_eq!(cached_ids(&inv).len(), 30);
}

/// The fake holds page 3 back: meanwhile anyone reading the cache (another screen, another
/// window) sees pages 1 and 2, and the refresh is still going.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_are_queryable_while_a_later_page_is_held_back() {
    let fake = EdgesFake::new(support::edges::DEFAULT_KEY)
        .with_identity(IdentitySeed::new(UID, "Agency").sent(350));
    let server = fake.start().await;
    let path = support::edges::action_path(support::edges::SENT_ACTION);
    server
        .faults
        .inject_after(Some("POST"), &path, 2, 1, Fault::delay(2_000));
    let db = Db::open_in_memory().unwrap();
    let source = Arc::new(OneAccount(ProviderKind::Edges, edges(&server)));
    let inv = InvitationService::new(db, source);

    let refreshing = {
        let inv = inv.clone();
        tokio::spawn(async move { inv.refresh(Screen::Sent, None, Arc::new(|_| {})).await })
    };
    let started = std::time::Instant::now();
    let mut shown = 0;
    while shown < 200 && started.elapsed() < Duration::from_millis(1_800) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        shown = inv.sent_window(&window()).unwrap().total;
    }
    assert_eq!(shown, 200, "pages 1 and 2 show while page 3 is held back");
    assert!(!refreshing.is_finished(), "the refresh is still going");

    let summary = refreshing.await.unwrap().unwrap();
    assert!(summary.accounts[0].complete);
    assert_eq!(inv.sent_window(&window()).unwrap().total, 350);
}
