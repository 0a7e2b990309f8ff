//! `make bench` / `cargo bench --bench list_preview`: "a 5,000-line list previews in under a
//! second" (issue 13).
//!
//! Two accounts with 5,000 cached pending invitations between them (the same people spelt as
//! each provider would: profile address, public id, member id); a pasted list of 5,000 lines in
//! every id form (addresses with locale subdomains and query strings, bare public ids, member
//! URNs, lines that name no one). Timed: `ListService::preview_withdraw_list`, all of it —
//! parsing, matching, reading the cache and storing the withdrawal plan, as the window's
//! "Match" button runs it. Also timed: the flags Sent asks for (do-not-contact and duplicates).
//! Also timed: the bulk-send preview of the same 5,000 lines from account a, with a note
//! (every check of each line, the claims of earlier jobs, the send plan stored).
//! A plain `main` (no criterion); run through `cargo test --benches` it does one quick round.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use invitedesk_lib::db::cache::{self, NewRow, Screen};
use invitedesk_lib::db::{ts, Db};
use invitedesk_lib::error::{AppError, AppResult};
use invitedesk_lib::invitations::{
    rules, AccountRef, InvitationService, ProviderSource, RunSettings,
};
use invitedesk_lib::jobs::{JobConfig, JobService, NoJobEvents};
use invitedesk_lib::lists::ListService;
use invitedesk_lib::model::{Age, InvitationCategory, Person, ProviderKind, SentInvitation};
use invitedesk_lib::providers::InvitationProvider;

const ROWS: usize = 5_000;
const LINES: usize = 5_000;
const BUDGET: Duration = Duration::from_secs(1);

struct TwoAccounts;

impl ProviderSource for TwoAccounts {
    fn accounts(&self) -> Vec<AccountRef> {
        ["a", "b"]
            .into_iter()
            .map(|id| AccountRef {
                id: id.into(),
                label: format!("Account {id}"),
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

fn slug(i: usize) -> String {
    format!("person-{i:05}-ünïcödé")
}

fn member(i: usize) -> String {
    format!("ACoAAB{i:020}")
}

fn invitation(i: usize) -> SentInvitation {
    // Account a's rows carry a profile address, b's a public id and a member id.
    let person = if i.is_multiple_of(2) {
        Person {
            name: format!("Person {i}"),
            profile_url: Some(format!("https://www.linkedin.com/in/{}", slug(i))),
            ..Default::default()
        }
    } else {
        Person {
            name: format!("Person {i}"),
            public_id: Some(slug(i)),
            member_id: Some(member(i)),
            ..Default::default()
        }
    };
    SentInvitation {
        id: format!("{}", 7_000_000_000_000_000_000u64 + i as u64),
        urn: None,
        person,
        category: InvitationCategory::Connection,
        sent_text: Some("3 weeks ago".into()),
        age: Age::at_least(21),
        note: None,
    }
}

fn seed(db: &Db) {
    let now = ts(Utc::now());
    for (account, parity) in [("a", 0), ("b", 1)] {
        let rows: Vec<NewRow> = (0..ROWS)
            .filter(|i| i % 2 == parity)
            .map(|i| {
                let inv = invitation(i);
                NewRow {
                    invitation_id: inv.id.clone(),
                    person_key: rules::person_key(&inv.person),
                    data: serde_json::to_string(&inv).expect("json"),
                }
            })
            .collect();
        db.write(|tx| cache::replace_account(tx, Screen::Sent, account, &rows, &now))
            .expect("seed the cache");
    }
}

/// 5,000 lines: 4 in 5 name a pending person (in one of four spellings), the rest a person not
/// pending or nobody at all.
fn list() -> String {
    (0..LINES)
        .map(|i| match i % 10 {
            0 | 1 => format!("https://fr.linkedin.com/in/{}/?trk=public_profile", slug(i)),
            2 | 3 => slug(i).to_uppercase(),
            4 | 5 => format!("https://www.linkedin.com/in/{}", url_encode(&slug(i))),
            6 | 7 if i % 2 == 1 => format!("urn:li:fsd_profile:{}", member(i)),
            6 | 7 => format!("www.linkedin.com/in/{}", slug(i)),
            8 => format!("someone-not-pending-{i}"),
            _ => format!("name{i}@example.com"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let rounds = if quick { 1 } else { 7 };
    let db = Db::open_in_memory().expect("db");
    seed(&db);
    let source: Arc<dyn ProviderSource> = Arc::new(TwoAccounts);
    let invitations = InvitationService::new(db.clone(), source.clone());
    let jobs = JobService::new(
        db.clone(),
        source,
        Arc::new(NoJobEvents),
        JobConfig::default(),
    );
    let lists = ListService::new(db.clone(), invitations, jobs);
    let text = list();

    let mut previews = Vec::new();
    let mut flags = Vec::new();
    let mut sends = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        let preview = lists.preview_withdraw_list(&text, None).expect("preview");
        previews.push(start.elapsed());
        assert_eq!(preview.lines.len(), LINES);
        assert_eq!(
            preview.matched as usize,
            LINES * 8 / 10,
            "4 lines in 5 match"
        );
        assert_eq!(
            preview.plan.as_ref().map(|p| p.items.len()),
            Some(LINES * 8 / 10)
        );
        let start = Instant::now();
        let f = lists.sent_flags().expect("flags");
        flags.push(start.elapsed());
        assert!(f.duplicates.is_empty());
        let start = Instant::now();
        let send = lists
            .preview_bulk_send("a", &text, Some("Hello, glad to connect."))
            .expect("bulk send preview");
        sends.push(start.elapsed());
        assert_eq!(send.lines.len(), LINES);
        // Only the people pending nowhere go out: one line in ten.
        assert_eq!(send.to_send as usize, LINES / 10, "{:?}", &send.lines[..10]);
    }
    let preview = median(previews);
    println!(
        "withdraw by list: {LINES} lines against {ROWS} cached invitations (2 accounts), parse + \
         match + plan stored: median {:.0} ms over {rounds} runs (budget {} ms)",
        preview.as_secs_f64() * 1000.0,
        BUDGET.as_millis()
    );
    println!(
        "Sent's flags (do-not-contact, duplicates) over {ROWS} rows: median {:.0} ms",
        median(flags).as_secs_f64() * 1000.0
    );
    let send = median(sends);
    println!(
        "bulk send: {LINES} lines checked against {ROWS} cached invitations, plan stored: median \
         {:.0} ms over {rounds} runs (budget {} ms)",
        send.as_secs_f64() * 1000.0,
        BUDGET.as_millis()
    );
    assert!(
        quick || send < BUDGET,
        "a {LINES}-line bulk send must preview in under a second"
    );
    assert!(
        quick || preview < BUDGET,
        "a {LINES}-line list must preview in under a second"
    );
}
