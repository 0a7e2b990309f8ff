//! Runs the real `invitedesk-cli` binary against the ConnectSafely fake, each test in its own
//! world: fresh HOME and XDG dirs, a private D-Bus session bus with an unlocked throwaway
//! gnome-keyring on it (started here, so no wrapper script is needed), and a child environment
//! cleared of everything else, so the developer's own keyring and data are never reached.

// Shared by several test binaries, each using part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::connectsafely::{AccountSeed, ConnectSafelyFake, BASE_PATH, DEFAULT_KEY};
use crate::support::{serve_in_thread, Controls, FakeServer};

pub const BIN: &str = env!("CARGO_BIN_EXE_invitedesk-cli");

/// The tool under test: this crate's `invitedesk-cli` binary, or the program `INVITEDESK_CLI`
/// names, so the same suite checks the tool as the .deb runs it (`/usr/bin/invitedesk-cli`,
/// a script running `invitedesk cli …`): `INVITEDESK_CLI=<script running target/debug/invitedesk
/// cli "$@"> cargo test -p invitedesk-cli`.
pub fn program() -> std::ffi::OsString {
    std::env::var_os("INVITEDESK_CLI").unwrap_or_else(|| BIN.into())
}
/// The ConnectSafely account the fake holds.
pub const REMOTE: &str = "64b7f1e2a9c3d4e5f6a7b8c9";
pub const WITHDRAW: &str = "/invitations/withdraw";

pub struct World {
    pub dir: tempfile::TempDir,
    env: Vec<(String, String)>,
    daemons: Vec<Child>,
    pub fake: ConnectSafelyFake,
    pub server: FakeServer,
}

impl Drop for World {
    fn drop(&mut self) {
        for d in self.daemons.iter_mut().rev() {
            let _ = d.kill();
            let _ = d.wait();
        }
    }
}

fn wait_until(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) {
    let end = Instant::now() + timeout;
    while !ok() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl World {
    /// A ConnectSafely fake with one account holding `sent` and `received` invitations.
    pub fn start(sent: usize, received: usize) -> World {
        let fake = ConnectSafelyFake::new(DEFAULT_KEY).with_account(
            AccountSeed::new(REMOTE)
                .named("Ada", "Lovelace", "ada-lovelace")
                .sent(sent)
                .received(received),
        );
        let router = fake.clone();
        let server = serve_in_thread(move || router.router(), Controls::new(BASE_PATH));

        let dir = tempfile::tempdir().expect("temp dir");
        let p = |name: &str| -> String {
            let path = dir.path().join(name);
            std::fs::create_dir_all(&path).unwrap();
            path.to_string_lossy().into_owned()
        };
        let runtime = p("runtime");
        std::fs::set_permissions(
            &runtime,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
        let bus = dir.path().join("bus");
        let mut env: Vec<(String, String)> = vec![
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            ("HOME".into(), p("home")),
            ("XDG_DATA_HOME".into(), p("data")),
            ("XDG_CONFIG_HOME".into(), p("config")),
            ("XDG_CACHE_HOME".into(), p("cache")),
            ("XDG_RUNTIME_DIR".into(), runtime),
            (
                "DBUS_SESSION_BUS_ADDRESS".into(),
                format!("unix:path={}", bus.display()),
            ),
            ("NO_AT_BRIDGE".into(), "1".into()),
        ];
        let mut daemons = Vec::new();
        let dbus = Command::new("dbus-daemon")
            .args([
                "--session",
                "--nofork",
                "--nopidfile",
                &format!("--address=unix:path={}", bus.display()),
            ])
            .env_clear()
            .envs(env.iter().cloned())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (package dbus-daemon / dbus-bin) must be installed");
        daemons.push(dbus);
        wait_until("the D-Bus socket", Duration::from_secs(10), || bus.exists());
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--foreground"])
            .env_clear()
            .envs(env.iter().cloned())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (package gnome-keyring) must be installed");
        {
            let mut stdin = keyring.stdin.take().unwrap();
            stdin.write_all(b"throwaway").unwrap();
        }
        daemons.push(keyring);
        let owned = || {
            Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .env_clear()
                .envs(env.iter().cloned())
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
                .unwrap_or(false)
        };
        wait_until("the throwaway keyring", Duration::from_secs(20), owned);

        env.push((
            "INVITEDESK_CONNECTSAFELY_URL".into(),
            server.base_url.clone(),
        ));
        // Loopback only: nothing reaches a real provider even if a test adds another account.
        env.push(("INVITEDESK_EDGES_URL".into(), "http://127.0.0.1:9/".into()));
        env.push(("INVITEDESK_LINKUP_URL".into(), "http://127.0.0.1:9/".into()));
        // Short timeouts: a write whose answer was lost is checked 4 s after it started.
        env.push(("INVITEDESK_TEST_HTTP_TIMEOUT_MS".into(), "2000".into()));
        World {
            dir,
            env,
            daemons,
            fake,
            server,
        }
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(program());
        cmd.args(args).env_clear().envs(self.env.iter().cloned());
        cmd
    }

    /// Runs the tool with `stdin` as its standard input.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run invitedesk-cli");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, "")
    }

    /// Runs and expects `code`; returns the stdout lines parsed as JSON.
    pub fn json(&self, args: &[&str], code: i32) -> Vec<Value> {
        let out = self.run(args);
        expect_code(&out, code, args);
        json_lines(&out)
    }

    pub fn spawn(&self, args: &[&str]) -> (Child, BufReader<ChildStdout>) {
        let mut child = self
            .command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn invitedesk-cli");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        (child, stdout)
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config/app.invitedesk.desktop")
    }

    /// Adds the fake's account from stdin and sets its pause; returns the local id.
    pub fn add_account(&self, pace_secs: u32) -> String {
        let args = [
            "accounts",
            "add",
            "--provider",
            "connectsafely",
            "--key-stdin",
            "--json",
        ];
        let out = self.run_with_stdin(&args, &format!("{DEFAULT_KEY}\n"));
        expect_code(&out, 0, &args);
        let lines = json_lines(&out);
        let id = lines[0]["accounts"][0]["id"].as_str().unwrap().to_string();
        let pace = pace_secs.to_string();
        let args = [
            "accounts",
            "settings",
            &id,
            "--pace-min",
            &pace,
            "--pace-max",
            &pace,
        ];
        expect_code(&self.run(&args), 0, &args);
        id
    }

    pub fn withdrawals(&self) -> Vec<String> {
        self.server
            .log
            .matching("POST", WITHDRAW)
            .iter()
            .map(|r| r.json()["profileId"].as_str().unwrap_or("").to_string())
            .collect()
    }
}

pub fn expect_code(out: &Output, code: i32, args: &[&str]) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "invitedesk-cli {}\nstdout:\n{}\nstderr:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Reads JSON lines from a running child until `stop` says so; returns them.
pub fn read_lines_until(
    stdout: &mut BufReader<ChildStdout>,
    mut stop: impl FnMut(&[Value]) -> bool,
) -> Vec<Value> {
    let mut lines = Vec::new();
    let mut line = String::new();
    while !stop(&lines) {
        line.clear();
        let n = stdout.read_line(&mut line).unwrap();
        assert!(n > 0, "the tool ended early; lines so far: {lines:?}");
        lines.push(serde_json::from_str(line.trim()).unwrap());
    }
    lines
}

/// Every key path in `value`: `plan.items[].key`, … (objects in arrays merged).
pub fn key_paths(value: &Value, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(path.clone());
                key_paths(v, &path, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                key_paths(v, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// What the app's Autopilot screen does, from the test process: a second `Desk` on the same
/// data (it holds its own lease, like the open app), used to make and confirm rules.
pub struct App {
    pub desk: invitedesk_core::desk::Desk,
}

impl World {
    pub fn open_app(&self) -> App {
        use invitedesk_core::accounts::{AccountsOptions, JsonFileStorage, MemorySecretStore};
        use invitedesk_core::desk::{Desk, DeskOptions, Paths};
        let paths = Paths {
            data_dir: self.dir.path().join("data/app.invitedesk.desktop"),
            config_dir: self.config_dir(),
            cache_dir: self.dir.path().join("cache/app.invitedesk.desktop"),
        };
        let registry = Box::new(JsonFileStorage::new(paths.accounts_file()));
        let desk = Desk::open_with(
            paths,
            std::sync::Arc::new(MemorySecretStore::new()),
            registry,
            std::sync::Arc::new(invitedesk_core::jobs::NoJobEvents),
            DeskOptions {
                accounts: AccountsOptions::for_tests(),
                ..DeskOptions::default()
            },
        );
        App { desk }
    }
}

impl App {
    /// A rule withdrawing invitations at least `days` old, at most `per_day` a day, its first
    /// preview confirmed (the window's confirmation, recorded as the window records it).
    pub fn withdraw_rule(
        &self,
        account_id: &str,
        days: u32,
        per_day: u32,
        confirmed: bool,
    ) -> String {
        use invitedesk_core::autopilot::{RuleAction, RuleDraft, Schedule};
        let rule = self
            .desk
            .autopilot
            .create(&RuleDraft {
                account_id: account_id.to_string(),
                action: RuleAction::Withdraw {
                    older_than_days: days,
                    max_per_day: per_day,
                },
                schedule: Schedule {
                    time: "00:00".into(),
                    weekdays: (1..=7).collect(),
                },
                quiet_hours: None,
                time_zone: Some("UTC".into()),
            })
            .expect("rule");
        if confirmed {
            self.confirm(&rule.id);
        }
        rule.id
    }

    pub fn confirm(&self, rule_id: &str) {
        let at = invitedesk_core::db::ts(chrono::Utc::now());
        self.desk
            .db
            .write(|tx| invitedesk_core::db::autopilot::confirm(tx, rule_id, "plan-confirmed", &at))
            .unwrap();
    }
}
