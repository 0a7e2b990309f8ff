//! `cargo bench -p invitedesk-core --bench sent_window`: the Sent table's requests in the core
//! at 100,000 cached rows of 20 accounts (issue 15: a sort or keystroke ≤ 50 ms to the painted
//! frame, so the core's part must be a small slice of that).
//!
//! Timed, each as the UI asks it (`InvitationService::sent_window`, 100 rows): the first
//! request after opening the file (Sent's open), a sort once the rows settled, and the first
//! sort after a withdrawal once the rows settled again (the user reads the preview, confirms,
//! then sorts a moment later: 1.5 s here). `INVITEDESK_BENCH_ROWS` sets the row count.
//! A plain `main` (no criterion); `cargo test --benches` runs it once at 2,000 rows.

use std::sync::Arc;
use std::time::{Duration, Instant};

use invitedesk_core::db::cache::{self, NewRow, Screen};
use invitedesk_core::db::Db;
use invitedesk_core::error::{AppError, AppResult};
use invitedesk_core::invitations::{
    AccountRef, InvitationService, ProviderSource, RunSettings, SentFilter, SentSort,
    SentSortColumn, SentWindowRequest,
};
use invitedesk_core::model::{Age, InvitationCategory, Person, ProviderKind, SentInvitation};
use invitedesk_core::providers::InvitationProvider;

const ACCOUNTS: usize = 20;

struct Accounts;

impl ProviderSource for Accounts {
    fn accounts(&self) -> Vec<AccountRef> {
        (0..ACCOUNTS)
            .map(|n| AccountRef {
                id: format!("acc-{n:02}"),
                label: format!("Account {n:02}"),
                provider: ProviderKind::ConnectSafely,
                can_ignore: true,
            })
            .collect()
    }

    fn provider(&self, _account_id: &str) -> AppResult<Arc<dyn InvitationProvider>> {
        Err(AppError::internal("the bench never calls a provider"))
    }

    fn settings(&self, _account_id: &str) -> RunSettings {
        RunSettings::default()
    }
}

fn request(column: SentSortColumn, descending: bool) -> SentWindowRequest {
    SentWindowRequest {
        filter: SentFilter::default(),
        sort: SentSort { column, descending },
        offset: 0,
        limit: 100,
    }
}

fn timed(service: &InvitationService, column: SentSortColumn, descending: bool) -> Duration {
    let start = Instant::now();
    let window = service.sent_window(&request(column, descending)).unwrap();
    let took = start.elapsed();
    assert_eq!(window.rows.len(), 100.min(window.matching as usize));
    took
}

fn fill(path: &std::path::Path, rows: usize) {
    let db = Db::open(path).unwrap();
    for a in 0..ACCOUNTS {
        let batch: Vec<NewRow> = (a..rows)
            .step_by(ACCOUNTS)
            .map(|i| {
                let invitation = SentInvitation {
                    id: format!("inv-{i}"),
                    urn: None,
                    person: Person {
                        name: format!("Person {:05} Ünïcödé", (i * 7919) % rows),
                        headline: Some(format!("Head of things {i}")),
                        ..Default::default()
                    },
                    category: InvitationCategory::Connection,
                    sent_text: None,
                    age: Age::at_least((i % 90) as u32),
                    note: None,
                };
                NewRow {
                    invitation_id: invitation.id.clone(),
                    person_key: None,
                    data: serde_json::to_string(&invitation).unwrap(),
                }
            })
            .collect();
        db.write(|tx| {
            cache::replace_account(
                tx,
                Screen::Sent,
                &format!("acc-{a:02}"),
                &batch,
                "2026-01-01T00:00:00.000Z",
            )
        })
        .unwrap();
    }
}

fn main() {
    let quick = std::env::args()
        .any(|a| a == "--bench")
        .then_some(())
        .is_none();
    let rows: usize = std::env::var("INVITEDESK_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if quick { 2_000 } else { 100_000 });
    let rounds = if quick { 1 } else { 5 };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.sqlite3");
    fill(&path, rows);

    let (mut open, mut settled, mut changing, mut after_withdrawal) =
        (vec![], vec![], vec![], vec![]);
    let mut beside_flags = vec![];
    for round in 0..rounds {
        let db = Db::open(&path).unwrap();
        let service = InvitationService::new(db.clone(), Arc::new(Accounts));
        open.push(timed(&service, SentSortColumn::Age, true));
        std::thread::sleep(Duration::from_millis(1_500));
        settled.push(timed(&service, SentSortColumn::Person, false));
        // A withdrawal removes one row; the table asks again at once (SQL answers), and the
        // user sorts a moment later.
        let (account, id) = (
            format!("acc-{:02}", round % ACCOUNTS),
            format!("inv-{round}"),
        );
        db.write(|tx| cache::remove(tx, Screen::Sent, &account, &id))
            .unwrap();
        changing.push(timed(&service, SentSortColumn::Age, true));
        std::thread::sleep(Duration::from_millis(1_500));
        after_withdrawal.push(timed(&service, SentSortColumn::Person, false));
        // Sent's open also asks for its flags (do-not-contact, duplicates), which read every
        // cached row: a sort asked meanwhile.
        let flags = {
            let service = service.clone();
            std::thread::spawn(move || service.list_sent(None).unwrap().rows.len())
        };
        std::thread::sleep(Duration::from_millis(2));
        beside_flags.push(timed(&service, SentSortColumn::Person, true));
        assert!(flags.join().unwrap() > 0);
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    println!(
        "sent_window at {rows} rows, median of {rounds}: open {:?}, sort once settled {:?}, the table's request right after a withdrawal {:?}, first sort after a withdrawal {:?}, a sort while the flags read every row {:?}",
        median(&mut open),
        median(&mut settled),
        median(&mut changing),
        median(&mut after_withdrawal),
        median(&mut beside_flags)
    );
}
