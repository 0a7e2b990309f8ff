//! `make bench` / `cargo bench --bench list_sent [-- --quick]`: how long listing 1,000 sent
//! invitations takes against each fake provider with 20 ms of latency added to every request,
//! compared with the floor (fewest requests × latency) that sequential pagination cannot beat.
//!
//! A plain `main` (no criterion): a few runs per provider, the median wall time, the requests the
//! fake counted. `--quick` does fewer runs. Run without `--bench` (e.g. `cargo test --bench
//! list_sent`) it is quick too, so an all-targets test run stays short.
//!
//! Adding a provider: a `Target` variant, its `start` arm and its fewest possible requests.
//!
//! Edges runs without the 2 s pause between pages the vendor recommends (`Edges::new`'s
//! default): that pause is deliberate pacing, not client overhead.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

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

const INVITATIONS: usize = 1_000;
const LATENCY: Duration = Duration::from_millis(20);

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

    /// The fewest sequential requests that can list `INVITATIONS`.
    fn min_requests(self) -> usize {
        match self {
            // One page of 10 per request.
            Target::ConnectSafely => INVITATIONS.div_ceil(10),
            // Pages of 100, each a request.
            Target::Edges => INVITATIONS.div_ceil(100),
            // Page 1 alone (for the total), then ranges of `PAGES_PER_REQUEST` pages of 10.
            Target::Linkup => {
                let pages = INVITATIONS.div_ceil(linkup::PAGE_SIZE);
                1 + (pages - 1).div_ceil(linkup::PAGES_PER_REQUEST as usize)
            }
        }
    }

    /// A fresh fake with `INVITATIONS` sent invitations and a client pointed at it.
    async fn start(self) -> (FakeServer, Arc<dyn InvitationProvider>) {
        match self {
            Target::ConnectSafely => {
                let account = "60d21b4667d0d8992e610c85";
                let fake = ConnectSafelyFake::new(DEFAULT_KEY)
                    .with_account(AccountSeed::new(account).sent(INVITATIONS));
                let server = fake.start().await;
                let config = ProviderConfig {
                    kind: ProviderKind::ConnectSafely,
                    base_url: server.base_url.clone(),
                    api_key: SecretString::from(DEFAULT_KEY),
                    remote_account_id: Some(account.into()),
                    login_token: None,
                    country: None,
                };
                let client =
                    ConnectSafely::with_http_config(config, HttpConfig::default()).expect("client");
                (server, Arc::new(client))
            }
            Target::Edges => {
                let identity = "44444444-4444-4444-4444-444444444444";
                let key = support::edges::DEFAULT_KEY;
                let fake = EdgesFake::new(key)
                    .with_identity(IdentitySeed::new(identity, "Bench").sent(INVITATIONS));
                let server = fake.start().await;
                let config = ProviderConfig {
                    kind: ProviderKind::Edges,
                    base_url: server.base_url.clone(),
                    api_key: SecretString::from(key),
                    remote_account_id: Some(identity.into()),
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
                let fake = LinkupFake::new(key, token).with_sent(INVITATIONS);
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

struct Measured {
    requests: usize,
    median: Duration,
    floor: Duration,
}

async fn measure(target: Target, runs: usize) -> Measured {
    let (server, client) = target.start().await;
    server.faults.set_latency(LATENCY);
    let mut times = Vec::with_capacity(runs);
    let mut requests = 0;
    for _ in 0..runs {
        server.log.clear();
        let started = Instant::now();
        let list = client
            .list_sent(&|_| {})
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", target.name()));
        times.push(started.elapsed());
        assert_eq!(list.len(), INVITATIONS, "{}", target.name());
        requests = server.log.len();
    }
    times.sort();
    Measured {
        requests,
        median: times[times.len() / 2],
        floor: LATENCY * target.min_requests() as u32,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let benching = args.iter().any(|a| a == "--bench");
    let quick = args.iter().any(|a| a == "--quick") || !benching;
    let runs = if quick { 3 } else { 9 };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "list_sent: {INVITATIONS} sent invitations, {} ms per request, {runs} runs{}",
        LATENCY.as_millis(),
        if quick { " (quick)" } else { "" }
    );
    println!(
        "{:<14} {:>9} {:>12} {:>12} {:>7}",
        "provider", "requests", "median", "floor", "ratio"
    );
    for target in Target::ALL {
        let m = rt.block_on(measure(target, runs));
        println!(
            "{:<14} {:>9} {:>10.0}ms {:>10.0}ms {:>7.2}",
            target.name(),
            m.requests,
            m.median.as_secs_f64() * 1000.0,
            m.floor.as_secs_f64() * 1000.0,
            m.median.as_secs_f64() / m.floor.as_secs_f64()
        );
    }
}
