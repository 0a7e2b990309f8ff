//! Small UI steps several e2e modules share: add an account through the dialog, set an
//! account's pacing, read attributes of many elements at once, wait longer than the harness
//! default, and kill the app process hard (crash tests).
//!
//! Add new functions here; do not change existing ones (other modules rely on them).
// Each module uses part of this toolbox.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{App, Desktop, TestResult};
use crate::support::FakeServer;

/// `[data-testid=<id>]`
pub fn tid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// Adds every account a ConnectSafely key reaches through the Add account dialog (from the
/// empty state), then returns the local id of the first account row on the Accounts screen.
pub async fn add_connectsafely_account(app: &App, api_key: &str) -> TestResult<String> {
    app.click(&tid("empty-add-account")).await?;
    app.wait_for(&tid("add-account-dialog")).await?;
    app.fill(&tid("api-key-input"), api_key).await?;
    app.click(&tid("test-and-save")).await?;
    app.wait_for(&tid("discovered-account")).await?;
    app.click(&tid("add-selected")).await?;
    app.wait_for(&tid("account-added")).await?;
    let row = app.wait_for(&tid("account-row")).await?;
    row.attr("data-account-id")
        .await?
        .ok_or_else(|| "the account row has no data-account-id".into())
}

/// Sets the pause between actions of the account shown in Settings and saves.
pub async fn set_pacing(app: &App, min_secs: u32, max_secs: u32) -> TestResult {
    app.click(&tid("nav-settings")).await?;
    app.wait_for(&tid("settings-pace-min")).await?;
    // The form checks min <= max only when saving, so the order of the fields does not matter.
    app.fill(&tid("settings-pace-min"), &min_secs.to_string())
        .await?;
    app.fill(&tid("settings-pace-max"), &max_secs.to_string())
        .await?;
    app.click(&tid("settings-save")).await?;
    app.wait_for(&tid("settings-saved")).await?;
    Ok(())
}

/// Runs a script in the page and returns its value.
pub async fn js(app: &App, script: &str) -> TestResult<Value> {
    Ok(app.client.execute(script, vec![]).await?)
}

/// An attribute of every element matching `css`, in document order (`null` when absent).
pub async fn attrs(app: &App, css: &str, attr: &str) -> TestResult<Vec<Option<String>>> {
    let script = format!(
        "return Array.from(document.querySelectorAll({css:?})).map(e => e.getAttribute({attr:?}));"
    );
    let value = js(app, &script).await?;
    Ok(value
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default())
}

/// The text of every element matching `css`, in document order.
pub async fn texts(app: &App, css: &str) -> TestResult<Vec<String>> {
    let script = format!(
        "return Array.from(document.querySelectorAll({css:?})).map(e => e.textContent.trim());"
    );
    let value = js(app, &script).await?;
    Ok(value
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default())
}

/// One attribute of the first element matching `css` (waits for the element).
pub async fn attr(app: &App, css: &str, name: &str) -> TestResult<String> {
    Ok(app
        .wait_for(css)
        .await?
        .attr(name)
        .await?
        .unwrap_or_default())
}

/// One attribute of the first element matching `css` (waits for the element); `None` when the
/// element does not have it.
pub async fn attr_opt(app: &App, css: &str, name: &str) -> TestResult<Option<String>> {
    Ok(app.wait_for(css).await?.attr(name).await?)
}

/// One DOM property (`value`, ...) of the first element matching `css` (waits for the element).
pub async fn prop(app: &App, css: &str, name: &str) -> TestResult<Option<String>> {
    Ok(app.wait_for(css).await?.prop(name).await?)
}

/// Waits until exactly `n` elements match `css`.
pub async fn wait_count(app: &App, css: &str, n: usize) -> TestResult {
    app.wait_until(&format!("{n} × {css}"), || async {
        Ok(app.count(css).await? == n)
    })
    .await
}

/// Waits until no element matches `css`.
pub async fn wait_gone(app: &App, css: &str) -> TestResult {
    wait_count(app, css, 0).await
}

/// The `data-row-count` of the table `[data-testid=<table>]` (all rows matching the filters,
/// not only those rendered).
pub async fn row_count(app: &App, table: &str) -> TestResult<usize> {
    Ok(attr(app, &tid(table), "data-row-count").await?.parse()?)
}

/// Waits until the table `[data-testid=<table>]` holds `n` rows.
pub async fn wait_row_count(app: &App, table: &str, n: usize) -> TestResult {
    app.wait_until(&format!("{table} has {n} rows"), || async {
        Ok(row_count(app, table).await? == n)
    })
    .await
}

/// Adds accounts through the Add account dialog (from the empty state or the Accounts screen):
/// `provider` is the select's value; `keep` names the discovered accounts (remote ids) to add,
/// all others are unticked. Waits until the dialog has closed.
pub async fn add_account(app: &App, provider: &str, key: &str, keep: &[&str]) -> TestResult {
    let open = if app.count(&tid("add-account")).await? > 0 {
        tid("add-account")
    } else {
        tid("empty-add-account")
    };
    app.click(&open).await?;
    app.wait_for(&tid("add-account-dialog")).await?;
    app.wait_for(&tid("provider-select"))
        .await?
        .select_by_value(provider)
        .await?;
    app.fill(&tid("api-key-input"), key).await?;
    app.click(&tid("test-and-save")).await?;
    app.wait_for(&tid("discovered-account")).await?;

    let found = js(
        app,
        "return [...document.querySelectorAll('[data-testid=discovered-account]')].map(li => \
         [li.dataset.remoteId, li.querySelector('[data-testid=discovered-account-checkbox]').checked]);",
    )
    .await?;
    let found = found.as_array().cloned().unwrap_or_default();
    for wanted in keep {
        assert!(
            found.iter().any(|f| f[0] == *wanted),
            "the dialog should list {wanted}, it listed {found:?}"
        );
    }
    for f in &found {
        let id = f[0].as_str().unwrap_or_default();
        let checked = f[1].as_bool().unwrap_or(false);
        if checked != keep.contains(&id) {
            app.click(&format!(
                "{}[data-remote-id=\"{id}\"] {}",
                tid("discovered-account"),
                tid("discovered-account-checkbox")
            ))
            .await?;
        }
    }
    app.click(&tid("add-selected")).await?;
    app.wait_for(&tid("account-added")).await?;
    wait_gone(app, &tid("add-account-dialog")).await
}

/// A fresh Desktop whose app talks to the ConnectSafely fake served by `server`.
pub fn connectsafely_desktop_for(server: &FakeServer) -> TestResult<Desktop> {
    connectsafely_desktop_with(server, &[])
}

/// Like `connectsafely_desktop_for`, with more variables for the app.
pub fn connectsafely_desktop_with(
    server: &FakeServer,
    env: &[(&str, String)],
) -> TestResult<Desktop> {
    let mut vars = vec![("INVITEDESK_CONNECTSAFELY_URL", server.base_url.clone())];
    vars.extend(env.iter().cloned());
    Desktop::start(&vars)
}

/// Like `App::wait_until`, with a deadline of its own (refreshing 10,000 rows, paced jobs).
pub async fn wait_long<F, Fut>(app: &App, within: Duration, what: &str, mut check: F) -> TestResult
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = TestResult<bool>>,
{
    let _ = app;
    let deadline = Instant::now() + within;
    loop {
        if check().await.unwrap_or(false) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("timed out after {within:?} waiting until {what}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The pid of this Desktop's app process: the `invitedesk` binary whose environment has this
/// Desktop's `XDG_DATA_HOME` (several Desktops may run the same binary).
pub fn app_pid(desktop: &Desktop) -> Option<u32> {
    app_pids(desktop).into_iter().next()
}

/// Every live (not zombie) app process of this Desktop.
pub fn app_pids(desktop: &Desktop) -> Vec<u32> {
    let binary = Path::new(env!("CARGO_BIN_EXE_invitedesk"));
    let marker = format!(
        "XDG_DATA_HOME={}",
        desktop.env("XDG_DATA_HOME").unwrap_or_default()
    );
    let mut pids = Vec::new();
    let Ok(proc_dir) = std::fs::read_dir("/proc") else {
        return pids;
    };
    for entry in proc_dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(exe) = std::fs::read_link(entry.path().join("exe")) else {
            continue;
        };
        // A rebuilt binary shows as "<path> (deleted)".
        if !exe
            .to_string_lossy()
            .starts_with(&*binary.to_string_lossy())
        {
            continue;
        }
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if environ
            .split(|b| *b == 0)
            .any(|var| var == marker.as_bytes())
            && !is_zombie(pid)
        {
            pids.push(pid);
        }
    }
    pids
}

fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit(')')
            .next()
            .is_some_and(|s| s.trim_start().starts_with('Z'))
    })
}

/// SIGKILLs this Desktop's app (no chance to write anything) and waits until it is gone.
pub fn kill_app(desktop: &Desktop) -> TestResult<u32> {
    let pid = app_pid(desktop).ok_or("the app process of this desktop was not found")?;
    let status = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()?;
    if !status.success() {
        return Err(format!("kill -KILL {pid} failed").into());
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    // A zombie keeps its /proc entry until WebKitWebDriver reaps it; "Z" counts as gone.
    while Instant::now() < deadline {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return Ok(pid),
            Ok(stat)
                if stat
                    .rsplit(')')
                    .next()
                    .is_some_and(|s| s.trim_start().starts_with('Z')) =>
            {
                return Ok(pid)
            }
            Ok(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    Err(format!("the app (pid {pid}) did not die after SIGKILL").into())
}

/// A ConnectSafely fake with one account holding `sent` pending invitations (varied ages,
/// 19-digit ids), served on its own thread, and a Desktop whose app talks to it.
pub struct ConnectSafelyDesk {
    // Dropped first: the app goes before the server it talks to.
    pub desktop: Desktop,
    pub fake: crate::support::connectsafely::ConnectSafelyFake,
    pub server: FakeServer,
}

/// The LinkedIn account the ConnectSafely fake of [`ConnectSafelyDesk`] holds.
pub const CS_REMOTE_ACCOUNT: &str = "60d21b4667d0d8992e610c85";

impl ConnectSafelyDesk {
    pub fn start(sent: usize) -> TestResult<ConnectSafelyDesk> {
        Self::start_wrapped(sent, |router| router)
    }

    /// Like `start`, with the fake's router passed through `wrap` first (a test's own layer
    /// sits inside the shared request log and fault queue).
    pub fn start_wrapped(
        sent: usize,
        wrap: impl FnOnce(axum::Router) -> axum::Router + Send + 'static,
    ) -> TestResult<ConnectSafelyDesk> {
        Self::start_wrapped_with_env(sent, wrap, &[])
    }

    /// Like `start_wrapped`, with more variables for the app.
    pub fn start_wrapped_with_env(
        sent: usize,
        wrap: impl FnOnce(axum::Router) -> axum::Router + Send + 'static,
        env: &[(&str, String)],
    ) -> TestResult<ConnectSafelyDesk> {
        use crate::support::connectsafely::{
            AccountSeed, ConnectSafelyFake, BASE_PATH, DEFAULT_KEY,
        };
        let fake = ConnectSafelyFake::new(DEFAULT_KEY).with_account(
            AccountSeed::new(CS_REMOTE_ACCOUNT)
                .named("Maya", "Lindgren", "maya-lindgren-42")
                .sent(sent),
        );
        let router = fake.clone();
        let server = crate::support::serve_in_thread(
            move || wrap(router.router()),
            crate::support::Controls::new(BASE_PATH),
        );
        let desktop = connectsafely_desktop_with(&server, env)?;
        Ok(ConnectSafelyDesk {
            desktop,
            fake,
            server,
        })
    }

    /// The invitations the fake still holds as pending.
    pub fn pending(&self) -> Vec<crate::support::connectsafely::Sent> {
        self.fake.sent(CS_REMOTE_ACCOUNT)
    }

    /// How many withdraw requests the fake received, per `profileId`.
    pub fn withdraw_requests(&self) -> std::collections::BTreeMap<String, usize> {
        let mut per_profile = std::collections::BTreeMap::new();
        for r in self.server.log.matching("POST", "/invitations/withdraw") {
            let profile = r.json()["profileId"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            *per_profile.entry(profile).or_insert(0) += 1;
        }
        per_profile
    }
}

/// The lower bound in days of the fake's "3 weeks ago"-style text, as the app reads it
/// (weeks 7, months 30, years 365 days).
pub fn days_of(sent_text: &str) -> u32 {
    let mut words = sent_text.split_whitespace();
    let n: u32 = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
    let unit = match words.next().unwrap_or("").trim_end_matches('s') {
        "day" => 1,
        "week" => 7,
        "month" => 30,
        "year" => 365,
        other => panic!("unexpected age text in the fake: {other:?} ({sent_text:?})"),
    };
    n * unit
}

/// How far the page and each table on it scroll sideways (0 when everything fits), to check a
/// screen at the window's minimum size.
pub async fn sideways_overflow(app: &App) -> TestResult<Value> {
    js(
        app,
        "const tables = [...document.querySelectorAll('.dt')].map(t => \
           ({ table: t.dataset.testid ?? '', by: t.firstElementChild.scrollWidth - t.firstElementChild.clientWidth })); \
         const main = document.querySelector('main'); \
         return { page: document.documentElement.scrollWidth - window.innerWidth, \
                  main: main ? main.scrollWidth - main.clientWidth : 0, tables };",
    )
    .await
}

/// Asserts that nothing on the current screen scrolls sideways.
pub async fn assert_fits_sideways(app: &App, screen: &str) -> TestResult {
    let o = sideways_overflow(app).await?;
    let over = |v: &Value| v.as_f64().unwrap_or(f64::NAN) > 1.0;
    let tables = o["tables"].as_array().cloned().unwrap_or_default();
    assert!(
        !over(&o["page"]) && !over(&o["main"]) && !tables.iter().any(|t| over(&t["by"])),
        "{screen} scrolls sideways: {o}"
    );
    // Fitting also means nothing in the header runs over its title (a meter that cannot
    // shrink does not scroll the page, it overlaps).
    let overlaps = app
        .client
        .execute(
            "const titles = document.querySelector('header h1')?.parentElement;
             if (!titles) return [];
             const t = titles.getBoundingClientRect();
             return [...titles.parentElement.querySelectorAll('*')]
               .filter((e) => !titles.contains(e))
               .filter((e) => { const r = e.getBoundingClientRect();
                 return r.width > 0 && r.left < t.right - 1 && r.right > t.left + 1
                   && r.top < t.bottom - 1 && r.bottom > t.top + 1; })
               .map((e) => e.getAttribute('data-testid') || e.tagName);",
            vec![],
        )
        .await?;
    assert_eq!(
        overlaps,
        serde_json::json!([]),
        "{screen}: header items run over the title"
    );
    Ok(())
}

/// Every process's parent, from `/proc/<pid>/stat`.
fn parents() -> HashMap<u32, u32> {
    let mut out = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in dir.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse().ok());
        if let Some(ppid) = ppid {
            out.insert(pid, ppid);
        }
    }
    out
}

/// `root` and its descendants.
pub fn process_tree(root: u32) -> Vec<u32> {
    let parents = parents();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(parents.iter().filter(|(_, pp)| **pp == p).map(|(c, _)| *c));
        i += 1;
    }
    tree
}

/// A process's name (`/proc/<pid>/comm`: the first 15 bytes, "WebKitWebProces").
pub fn process_name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The web processes (WebKitWebProcess) under this desktop's running app.
pub fn web_process_pids(desktop: &Desktop) -> Vec<u32> {
    let Some(app) = app_pid(desktop) else {
        return Vec::new();
    };
    process_tree(app)
        .into_iter()
        .filter(|pid| process_name(*pid).starts_with("WebKitWebProces"))
        .collect()
}

/// A process's proportional set size in KiB (`Pss` of `/proc/<pid>/smaps_rollup`).
pub fn pss_kib(pid: u32) -> Option<u64> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    rollup
        .lines()
        .find_map(|l| l.strip_prefix("Pss:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
