//! `make bench` / `cargo bench --bench list_sent [-- --quick]`: how long listing 10,000 and
//! 100,000 sent invitations takes against each fake provider with 20 ms of latency added to every
//! request, compared with the floor (fewest requests × latency) that sequential pagination cannot
//! beat; and the whole refresh path into the cache (list + one write per page, streamed) on an
//! Edges account, so the cost of the per-page writes shows.
//!
//! A plain `main` (no criterion): a few runs per provider, the median wall time, the requests the
//! fake counted, the time the fake's own handlers took in that run ("in fake") and what is left
//! per request for the client and the loopback network ("client"). 100,000 rows are 10,000 requests at 10 a page (≈ 200 s a run at 20 ms), so they
//! run once each and only with `INVITEDESK_BENCH_LISTING_100K=1` (`make bench` sets it). `--quick`
//! (and a run without `--bench`, e.g. `cargo test --bench list_sent`, so an all-targets test run
//! stays short) lists 1,000 once. Provider names after the flags run those alone
//! (`cargo bench --bench list_sent -- Edges`).
//!
//! Adding a provider: a `Target` variant, its `start` arm and its fewest possible requests.
//!
//! Edges runs without the 2 s pause between pages the vendor recommends (`Edges::new`'s
//! default): that pause is deliberate pacing, not client overhead.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use invitedesk_lib::db::cache::Screen;
use invitedesk_lib::db::Db;
use invitedesk_lib::error::AppResult;
use invitedesk_lib::invitations::{AccountRef, InvitationService, ProviderSource, RunSettings};
use invitedesk_lib::model::ProviderKind;
use invitedesk_lib::providers::connectsafely::ConnectSafely;
use invitedesk_lib::providers::edges::Edges;
use invitedesk_lib::providers::http::HttpConfig;
use invitedesk_lib::providers::linkup::{self, Linkup};
use invitedesk_lib::providers::{InvitationProvider, ProviderConfig};
use secrecy::SecretString;
use support::connectsafely::{AccountSeed, ConnectSafelyFake, DEFAULT_KEY};
use support::edges::{EdgesFake, IdentitySeed};
use support::linkup::LinkupFake;
use support::FakeServer;

const LATENCY: Duration = Duration::from_millis(20);
const ACCOUNT: &str = "60d21b4667d0d8992e610c85";
const IDENTITY: &str = "44444444-4444-4444-4444-444444444444";

#[derive(Debug, Clone, Copy)]
enum Target {
    ConnectSafely,
    Edges,
    Linkup,
}

impl Target {
    const ALL: [Target; 3] = [Target::ConnectSafely, Target::Edges, Target::Linkup];

    fn name(self) -> &'static str {
        match self {
            Target::ConnectSafely => "ConnectSafely",
            Target::Edges => "Edges",
            Target::Linkup => "LinkupAPI",
        }
    }

    fn kind(self) -> ProviderKind {
        match self {
            Target::ConnectSafely => ProviderKind::ConnectSafely,
            Target::Edges => ProviderKind::Edges,
            Target::Linkup => ProviderKind::Linkup,
        }
    }

    /// The fewest sequential requests that can list `n` invitations.
    fn min_requests(self, n: usize) -> usize {
        match self {
            // One page of 10 per request.
            Target::ConnectSafely => n.div_ceil(10).max(1),
            // Pages of 100, each a request.
            Target::Edges => n.div_ceil(100).max(1),
            // Page 1 alone (for the total), then ranges of `PAGES_PER_REQUEST` pages of 10.
            Target::Linkup => {
                let pages = n.div_ceil(linkup::PAGE_SIZE).max(1);
                1 + (pages - 1).div_ceil(linkup::PAGES_PER_REQUEST as usize)
            }
        }
    }

    /// A fresh fake with `n` sent invitations and a client pointed at it.
    async fn start(self, n: usize) -> (FakeServer, Arc<dyn InvitationProvider>) {
        match self {
            Target::ConnectSafely => {
                let fake = ConnectSafelyFake::new(DEFAULT_KEY)
                    .with_account(AccountSeed::new(ACCOUNT).sent(n));
                let server = fake.start().await;
                let config = ProviderConfig {
                    kind: ProviderKind::ConnectSafely,
                    base_url: server.base_url.clone(),
                    api_key: SecretString::from(DEFAULT_KEY),
                    remote_account_id: Some(ACCOUNT.into()),
                    login_token: None,
                    country: None,
                };
                let client =
                    ConnectSafely::with_http_config(config, HttpConfig::default()).expect("client");
                (server, Arc::new(client))
            }
            Target::Edges => {
                let key = support::edges::DEFAULT_KEY;
                let fake =
                    EdgesFake::new(key).with_identity(IdentitySeed::new(IDENTITY, "Bench").sent(n));
                let server = fake.start().await;
                let config = ProviderConfig {
                    kind: ProviderKind::Edges,
                    base_url: server.base_url.clone(),
                    api_key: SecretString::from(key),
                    remote_account_id: Some(IDENTITY.into()),
                    login_token: None,
                    country: None,
                };
                let client = Edges::with_http_config(config, HttpConfig::default())
                    .expect("client")
                    .with_page_delay(Duration::ZERO);
                (server, Arc::new(client))
            }
            Target::Linkup => {
                let key = support::linkup::DEFAULT_KEY;
                let token = support::linkup::DEFAULT_LOGIN_TOKEN;
                let fake = LinkupFake::new(key, token).with_sent(n);
                let server = fake.start().await;
                let config = ProviderConfig {
                    kind: ProviderKind::Linkup,
                    base_url: server.base_url.clone(),
                    api_key: SecretString::from(key),
                    remote_account_id: None,
                    login_token: Some(SecretString::from(token)),
                    country: Some("FR".into()),
                };
                let client =
                    Linkup::with_http_config(config, HttpConfig::default()).expect("client");
                (server, Arc::new(client))
            }
        }
    }
}

/// The bench's one account, of `target`'s provider.
struct OneAccount(Target, Arc<dyn InvitationProvider>);

impl ProviderSource for OneAccount {
    fn accounts(&self) -> Vec<AccountRef> {
        vec![AccountRef {
            id: "bench".into(),
            label: "Bench".into(),
            provider: self.0.kind(),
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    /// The client's listing alone.
    List,
    /// `refresh` into an on-disk cache (WAL, synchronous FULL, as the app opens it): the
    /// listing, one transaction per page, then the complete listing's end.
    Refresh,
}

struct Measured {
    requests: usize,
    median: Duration,
    /// Time the fake's own handlers took in the median run (not the client's).
    fake: Duration,
    floor: Duration,
}

async fn measure(target: Target, path: Path, n: usize, runs: usize) -> Measured {
    let (server, client) = target.start(n).await;
    server.faults.set_latency(LATENCY);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut times = Vec::with_capacity(runs);
    let mut requests = 0;
    for run in 0..runs {
        server.log.clear();
        server.faults.clear_served();
        let started = Instant::now();
        match path {
            Path::List => {
                let list = client
                    .list_sent(&|_| {})
                    .await
                    .unwrap_or_else(|e| panic!("{}: {e}", target.name()));
                assert_eq!(list.len(), n, "{}", target.name());
            }
            Path::Refresh => {
                // A fresh cache each run: every row is written, as on a first refresh.
                let db = Db::open(&dir.path().join(format!("cache-{run}.sqlite3"))).expect("db");
                let source = Arc::new(OneAccount(target, client.clone()));
                let inv = InvitationService::new(db, source);
                let summary = inv
                    .refresh(Screen::Sent, None, Arc::new(|_| {}))
                    .await
                    .expect("refresh");
                let account = &summary.accounts[0];
                assert!(account.complete, "{}: {account:?}", target.name());
                assert_eq!(account.count as usize, n, "{}", target.name());
            }
        }
        times.push((started.elapsed(), server.faults.served()));
        requests = server.log.len();
    }
    times.sort();
    let (median, fake) = times[times.len() / 2];
    Measured {
        requests,
        median,
        fake,
        floor: LATENCY * target.min_requests(n) as u32,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let benching = args.iter().any(|a| a == "--bench");
    let quick = args.iter().any(|a| a == "--quick") || !benching;
    let big = !quick && std::env::var_os("INVITEDESK_BENCH_LISTING_100K").is_some();
    // Provider names to run alone (`-- --bench Edges`); none: all.
    let only: Vec<&String> = args[1..].iter().filter(|a| !a.starts_with("--")).collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    // (invitations, runs)
    let sizes: Vec<(usize, usize)> = match (quick, big) {
        (true, _) => vec![(1_000, 1)],
        (false, false) => vec![(10_000, 3)],
        (false, true) => vec![(10_000, 3), (100_000, 1)],
    };
    println!(
        "list_sent: {} ms per request{}",
        LATENCY.as_millis(),
        if quick { " (quick)" } else { "" }
    );
    println!(
        "{:<14} {:<8} {:>8} {:>5} {:>9} {:>11} {:>11} {:>7} {:>11} {:>9}",
        "provider",
        "path",
        "rows",
        "runs",
        "requests",
        "median",
        "floor",
        "ratio",
        "in fake",
        "client"
    );
    let whole = Instant::now();
    for (n, runs) in sizes {
        let cases = Target::ALL
            .iter()
            .map(|t| (*t, Path::List))
            .chain([(Target::Edges, Path::Refresh)])
            .filter(|(t, _)| {
                only.is_empty() || only.iter().any(|o| t.name().eq_ignore_ascii_case(o))
            });
        for (target, path) in cases {
            let m = rt.block_on(measure(target, path, n, runs));
            // What is left for the client (and the loopback network) per request, once the
            // injected latency and the fake's own work are taken away.
            let client = m.median.saturating_sub(m.floor).saturating_sub(m.fake);
            println!(
                "{:<14} {:<8} {:>8} {:>5} {:>9} {:>9.2} s {:>9.2} s {:>7.2} {:>9.2} s {:>6.2} ms",
                target.name(),
                format!("{path:?}").to_lowercase(),
                n,
                runs,
                m.requests,
                m.median.as_secs_f64(),
                m.floor.as_secs_f64(),
                m.median.as_secs_f64() / m.floor.as_secs_f64(),
                m.fake.as_secs_f64(),
                client.as_secs_f64() * 1000.0 / m.requests.max(1) as f64
            );
        }
    }
    println!(
        "listing benchmark took {:.0} s",
        whole.elapsed().as_secs_f64()
    );
}
