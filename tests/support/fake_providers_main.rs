//! `cargo run --example fake-providers -- [options]`: every fake provider as one standalone
//! process on loopback ports, for running the app by hand or from the e2e harness.
//!
//! Prints one `INVITEDESK_<PROVIDER>_URL=<base url>` line per fake (ready to export), one
//! `FAKE_<PROVIDER>_KEY=<key>` line with the key the fake accepts (a test value, not a secret),
//! then `FAKE_PROVIDERS_READY`, and serves until killed.
//!
//! Options (flags win over environment variables):
//!
//! | Flag | Env | Default |
//! |---|---|---|
//! | `--connectsafely-port N` | `FAKE_CONNECTSAFELY_PORT` | 0 (any free port) |
//! | `--connectsafely-key K` | `FAKE_CONNECTSAFELY_KEY` | `support::connectsafely::DEFAULT_KEY` |
//! | `--sent N` | `FAKE_SENT` | 120 (per account) |
//! | `--received N` | `FAKE_RECEIVED` | 40 (per account) |
//! | `--latency-ms N` | `FAKE_LATENCY_MS` | 0 (added to every request) |
//! | `--edges-port N` | `FAKE_EDGES_PORT` | 0 |
//! | `--edges-key K` | `FAKE_EDGES_KEY` | `support::edges::DEFAULT_KEY` |
//! | `--linkup-port N` | `FAKE_LINKUP_PORT` | 0 |
//! | `--linkup-key K` | `FAKE_LINKUP_KEY` | `support::linkup::DEFAULT_KEY` |
//! | `--linkup-token T` | `FAKE_LINKUP_TOKEN` | `support::linkup::DEFAULT_LOGIN_TOKEN` |
//!
//! Edges serves two identities (`FAKE_EDGES_IDENTITY` is the first one's uid); LinkupAPI serves
//! the one account of its login token (`FAKE_LINKUP_TOKEN`), with received invitations of
//! every category.

#[path = "mod.rs"]
mod support;

use std::collections::HashMap;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use support::connectsafely::{AccountSeed, ConnectSafelyFake};
use support::edges::{EdgesFake, IdentitySeed};
use support::linkup::LinkupFake;
use support::{serve_on, Controls, FakeServer};

/// Parsed options; see the module docs.
struct Options {
    values: HashMap<String, String>,
}

impl Options {
    fn parse() -> Result<Options, String> {
        let mut values = HashMap::new();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            if arg == "--help" || arg == "-h" {
                return Err(String::new());
            }
            let Some(name) = arg.strip_prefix("--") else {
                return Err(format!("unexpected argument {arg:?}"));
            };
            let (name, value) = match name.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None => (
                    name.to_string(),
                    args.next().ok_or(format!("--{name} needs a value"))?,
                ),
            };
            values.insert(name, value);
        }
        Ok(Options { values })
    }

    /// Flag `--name`, else env `FAKE_<NAME>`, else `default`.
    fn get(&self, name: &str, default: &str) -> String {
        self.values.get(name).cloned().unwrap_or_else(|| {
            let env = format!("FAKE_{}", name.to_uppercase().replace('-', "_"));
            std::env::var(env).unwrap_or_else(|_| default.to_string())
        })
    }

    fn number<T>(&self, name: &str, default: T) -> Result<T, String>
    where
        T: std::str::FromStr + ToString,
    {
        let raw = self.get(name, &default.to_string());
        raw.parse()
            .map_err(|_| format!("--{name}: {raw:?} is not a number"))
    }
}

/// A started fake and the variable the app reads its URL from.
struct Started {
    env_var: &'static str,
    key_var: &'static str,
    key: String,
    server: FakeServer,
    /// More `NAME=value` lines to print (test values, not secrets).
    extra: Vec<(&'static str, String)>,
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

async fn start_connectsafely(opts: &Options) -> Result<Started, String> {
    let key = opts.get("connectsafely-key", support::connectsafely::DEFAULT_KEY);
    let sent = opts.number("sent", 120usize)?;
    let received = opts.number("received", 40usize)?;
    let fake = ConnectSafelyFake::new(&key)
        .with_account(
            AccountSeed::new("60d21b4667d0d8992e610c85")
                .sent(sent)
                .received(received),
        )
        .with_account(
            AccountSeed::new("60d21b4667d0d8992e610c86")
                .named("Jane", "Smith", "jane-smith")
                .status("WARMUP")
                .sent(sent / 4)
                .received(received / 4),
        );
    let port = opts.number("connectsafely-port", 0u16)?;
    let controls = Controls::new(support::connectsafely::BASE_PATH);
    let server = serve_on(loopback(port), fake.router(), controls)
        .await
        .map_err(|e| format!("ConnectSafely fake: cannot listen on port {port}: {e}"))?;
    Ok(Started {
        env_var: "INVITEDESK_CONNECTSAFELY_URL",
        key_var: "FAKE_CONNECTSAFELY_KEY",
        key,
        server,
        extra: Vec::new(),
    })
}

const EDGES_IDENTITY: &str = "44444444-4444-4444-4444-444444444444";

async fn start_edges(opts: &Options) -> Result<Started, String> {
    let key = opts.get("edges-key", support::edges::DEFAULT_KEY);
    let sent = opts.number("sent", 120usize)?;
    let received = opts.number("received", 40usize)?;
    let fake = EdgesFake::new(&key)
        .with_identity(
            IdentitySeed::new(EDGES_IDENTITY, "Amelia Okafor")
                .sent(sent)
                .received(received),
        )
        .with_identity(
            IdentitySeed::new("55555555-5555-4555-8555-555555555555", "Sales team")
                .sent(sent / 4)
                .received(received / 4),
        );
    let port = opts.number("edges-port", 0u16)?;
    let controls = Controls::new(support::edges::BASE_PATH);
    let server = serve_on(loopback(port), fake.router(), controls)
        .await
        .map_err(|e| format!("Edges fake: cannot listen on port {port}: {e}"))?;
    Ok(Started {
        env_var: "INVITEDESK_EDGES_URL",
        key_var: "FAKE_EDGES_KEY",
        key,
        server,
        extra: vec![("FAKE_EDGES_IDENTITY", EDGES_IDENTITY.to_string())],
    })
}

async fn start_linkup(opts: &Options) -> Result<Started, String> {
    let key = opts.get("linkup-key", support::linkup::DEFAULT_KEY);
    let token = opts.get("linkup-token", support::linkup::DEFAULT_LOGIN_TOKEN);
    let sent = opts.number("sent", 120usize)?;
    let received = opts.number("received", 40usize)?;
    let fake = LinkupFake::new(&key, &token)
        .with_sent(sent)
        .with_received("CONNECTION", received)
        .with_received("ORGANIZATION", received / 8)
        .with_received("CONTENT_SERIES", received / 8);
    let port = opts.number("linkup-port", 0u16)?;
    let controls = Controls::new(support::linkup::BASE_PATH);
    let server = serve_on(loopback(port), fake.router(), controls)
        .await
        .map_err(|e| format!("LinkupAPI fake: cannot listen on port {port}: {e}"))?;
    Ok(Started {
        env_var: "INVITEDESK_LINKUP_URL",
        key_var: "FAKE_LINKUP_KEY",
        key,
        server,
        extra: vec![("FAKE_LINKUP_TOKEN", token)],
    })
}

#[tokio::main]
async fn main() {
    let opts = match Options::parse() {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("fake-providers: {e}");
            }
            eprintln!("usage: fake-providers [--connectsafely-port N] [--connectsafely-key K] [--edges-port N] [--edges-key K] [--linkup-port N] [--linkup-key K] [--linkup-token T] [--sent N] [--received N] [--latency-ms N]");
            std::process::exit(2);
        }
    };
    let run = async {
        let latency = Duration::from_millis(opts.number("latency-ms", 0u64)?);
        let started = vec![
            start_connectsafely(&opts).await?,
            start_edges(&opts).await?,
            start_linkup(&opts).await?,
        ];
        Ok::<_, String>((started, latency))
    };
    let (started, latency) = match run.await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fake-providers: {e}");
            std::process::exit(1);
        }
    };
    let mut out = std::io::stdout().lock();
    for s in &started {
        s.server.faults.set_latency(latency);
        let _ = writeln!(out, "{}={}", s.env_var, s.server.base_url);
        let _ = writeln!(out, "{}={}", s.key_var, s.key);
        for (name, value) in &s.extra {
            let _ = writeln!(out, "{name}={value}");
        }
    }
    let _ = writeln!(out, "FAKE_PROVIDERS_READY");
    let _ = out.flush();
    drop(out);
    // Serve until killed; the servers stop with the process.
    std::future::pending::<()>().await;
}
