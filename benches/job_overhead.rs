//! `make bench` / `cargo bench --bench job_overhead [-- --quick]`: what the withdrawal job adds
//! per withdrawal on top of the provider call, with pacing at zero.
//!
//! Three layers against the ConnectSafely fake (in-process, loopback), each on a fresh fake
//! with the same invitations, per withdrawal:
//! 1. the fake's own round trip: a bare `reqwest` POST `/invitations/withdraw`;
//! 2. the provider client: `ConnectSafely::withdraw` (request building, error mapping);
//! 3. the job: plan → `JobService::start` → done, i.e. the client call plus the journal (claim
//!    before, outcome after), the history record, the cache update and a progress event per
//!    step (serialized to JSON, as the app does before handing it to the webview).
//!
//! The job's own overhead is (3) − (2). A plain `main` (no criterion); run without `--bench`
//! (e.g. `cargo test --bench job_overhead`) it is quick, so an all-targets test run stays short.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use invitedesk_lib::db::cache::Screen;
use invitedesk_lib::db::Db;
use invitedesk_lib::error::AppResult;
use invitedesk_lib::invitations::{AccountRef, InvitationService, ProviderSource, RunSettings};
use invitedesk_lib::jobs::{
    JobConfig, JobEvents, JobProgress, JobService, JobState, WithdrawRequest,
};
use invitedesk_lib::model::ProviderKind;
use invitedesk_lib::providers::connectsafely::ConnectSafely;
use invitedesk_lib::providers::http::HttpConfig;
use invitedesk_lib::providers::{InvitationProvider, ProviderConfig};
use secrecy::SecretString;
use support::connectsafely::{AccountSeed, ConnectSafelyFake, DEFAULT_KEY};
use support::FakeServer;

const ACCOUNT: &str = "60d21b4667d0d8992e610c85";

/// One account on the fake, no pause between calls, no daily cap in the way.
struct BenchSource {
    client: Arc<dyn InvitationProvider>,
}

impl ProviderSource for BenchSource {
    fn accounts(&self) -> Vec<AccountRef> {
        vec![AccountRef {
            id: "bench".into(),
            label: "Bench".into(),
            provider: ProviderKind::ConnectSafely,
            can_ignore: true,
        }]
    }

    fn provider(&self, _account_id: &str) -> AppResult<Arc<dyn InvitationProvider>> {
        Ok(self.client.clone())
    }

    fn settings(&self, _account_id: &str) -> RunSettings {
        RunSettings {
            pace_min_secs: 0,
            pace_max_secs: 0,
            daily_withdraw_cap: u32::MAX,
            daily_accept_cap: u32::MAX,
            daily_ignore_cap: u32::MAX,
            daily_send_cap: u32::MAX,
        }
    }
}

/// Serializes every event, as `EmitJobEvents` does before the webview gets it.
struct SerializingEvents;

impl JobEvents for SerializingEvents {
    fn job_progress(&self, progress: &JobProgress) {
        std::hint::black_box(serde_json::to_string(progress).expect("event as JSON"));
    }
}

async fn fake_with(n: usize) -> (ConnectSafelyFake, FakeServer) {
    let fake = ConnectSafelyFake::new(DEFAULT_KEY).with_account(AccountSeed::new(ACCOUNT).sent(n));
    let server = fake.start().await;
    (fake, server)
}

fn client_for(server: &FakeServer) -> Arc<dyn InvitationProvider> {
    let config = ProviderConfig {
        kind: ProviderKind::ConnectSafely,
        base_url: server.base_url.clone(),
        api_key: SecretString::from(DEFAULT_KEY),
        remote_account_id: Some(ACCOUNT.into()),
        login_token: None,
        country: None,
    };
    Arc::new(ConnectSafely::with_http_config(config, HttpConfig::default()).expect("client"))
}

/// (1) Bare round trips, one withdrawal each, on a keep-alive connection.
async fn fake_round_trip(n: usize) -> Duration {
    let (fake, server) = fake_with(n).await;
    let http = reqwest::Client::new();
    let url = format!("{}/invitations/withdraw", server.base_url);
    let slugs: Vec<String> = fake
        .sent(ACCOUNT)
        .into_iter()
        .map(|s| s.public_id)
        .collect();
    let started = Instant::now();
    for slug in &slugs {
        let reply = http
            .post(&url)
            .bearer_auth(DEFAULT_KEY)
            .json(&serde_json::json!({"accountId": ACCOUNT, "profileId": slug}))
            .send()
            .await
            .expect("the fake answers");
        assert!(reply.status().is_success(), "{}", reply.status());
        std::hint::black_box(reply.bytes().await.expect("body"));
    }
    let elapsed = started.elapsed();
    assert!(fake.sent(ACCOUNT).is_empty());
    elapsed / n as u32
}

/// (2) The provider client's `withdraw`, one after the other.
async fn client_calls(n: usize) -> Duration {
    let (fake, server) = fake_with(n).await;
    let client = client_for(&server);
    let invitations = client.list_sent(&|_| {}).await.expect("list");
    assert_eq!(invitations.len(), n);
    let started = Instant::now();
    for invitation in &invitations {
        client.withdraw(invitation).await.expect("withdrawn");
    }
    let elapsed = started.elapsed();
    assert!(fake.sent(ACCOUNT).is_empty());
    elapsed / n as u32
}

/// (3) The whole job: from `start` to the last item journaled.
async fn job(n: usize) -> Duration {
    let (fake, server) = fake_with(n).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Db::open(&dir.path().join("invitedesk.sqlite3")).expect("database");
    let source: Arc<dyn ProviderSource> = Arc::new(BenchSource {
        client: client_for(&server),
    });
    let invitations = InvitationService::new(db.clone(), source.clone());
    let summary = invitations
        .refresh(Screen::Sent, None, Arc::new(|_| {}))
        .await
        .expect("refresh");
    assert!(summary.accounts.iter().all(|a| a.ok));
    let jobs = JobService::new(
        db,
        source,
        Arc::new(SerializingEvents),
        JobConfig::default(),
    );
    let plan = jobs
        .preview_withdraw(&WithdrawRequest::OlderThan {
            older_than_days: 1,
            account_id: None,
        })
        .expect("preview");
    assert_eq!(plan.items.len(), n);
    let started = Instant::now();
    let job = jobs.start(&plan.plan_id).expect("start");
    jobs.wait(&job.id).await;
    let elapsed = started.elapsed();
    let done = jobs.summary(&job.id).expect("summary");
    assert_eq!(
        (done.state, done.succeeded as usize),
        (JobState::Finished, n),
        "{done:?}"
    );
    assert!(fake.sent(ACCOUNT).is_empty());
    elapsed / n as u32
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn stats(mut v: Vec<Duration>) -> (Duration, Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let benching = args.iter().any(|a| a == "--bench");
    let quick = args.iter().any(|a| a == "--quick") || !benching;
    let (runs, n) = if quick { (3, 50) } else { (7, 300) };
    // The app's clients pick ring themselves; the bare client of (1) needs it installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (mut trips, mut calls, mut jobs, mut overhead) = (vec![], vec![], vec![], vec![]);
    for _ in 0..runs {
        let trip = rt.block_on(fake_round_trip(n));
        let call = rt.block_on(client_calls(n));
        let whole = rt.block_on(job(n));
        trips.push(trip);
        calls.push(call);
        jobs.push(whole);
        overhead.push(whole.saturating_sub(call));
    }
    println!(
        "job_overhead: {n} withdrawals per run against the ConnectSafely fake, pacing 0, {runs} runs{}",
        if quick { " (quick)" } else { "" }
    );
    println!(
        "{:<46} {:>9} {:>9} {:>9}",
        "per withdrawal (ms)", "median", "min", "max"
    );
    for (name, v) in [
        ("fake round trip (bare reqwest POST)", trips),
        ("provider client withdraw()", calls),
        ("job, start to finish", jobs),
        ("job's own overhead (job - client)", overhead),
    ] {
        let (median, min, max) = stats(v);
        println!(
            "{name:<46} {:>9.3} {:>9.3} {:>9.3}",
            ms(median),
            ms(min),
            ms(max)
        );
    }
}
