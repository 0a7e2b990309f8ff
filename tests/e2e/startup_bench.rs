//! `make bench`: InviteDesk's start-up time and memory, side by side with a Tauri 2 hello world
//! (benches/hello-world: one window, one static page with the same CSP, no plugins) built with
//! the same tauri version and the same release profile (both checked here), launched the same way in
//! the same kind of throwaway desktop (Xvfb, D-Bus, keyring, HOME and XDG dirs: the e2e harness).
//!
//! **Drawing**: on a machine without a GPU InviteDesk paints the page without compositing through
//! an emulated one (`rendering`); the hello world, which has no such choice of its own, is given
//! the same two WebKit variables, so the ratios compare like with like. There it also launches
//! once more per round as WebKit draws by default, what a plain Tauri app costs on that machine.
//!
//! Launches are interleaved (hello world, InviteDesk with no account, InviteDesk with 10,000
//! cached sent invitations, then again), so a change in machine load hits all alike. The
//! start is also given as a paired ratio: the median of each round's ratio to that round's hello
//! world, which a slow stretch of the run moves less than the ratio of the medians.
//!
//! **Start**: from the process spawn to the page loaded and painted. WebKitWebDriver starts a
//! two-line bash wrapper that writes `$EPOCHREALTIME` and its pid, then `exec`s the app (so the
//! pid is the app's). The end is read from the page afterwards, from WebKit's own records:
//! `performance.timeOrigin` plus the later of the navigation's `loadEventEnd` and the
//! `first-contentful-paint` entry (Paint Timing). Both are recorded by the engine as they happen,
//! so the WebDriver round trips after the session opened add nothing, and the marker is the same
//! for a static page and for a Svelte app (whose module script runs, and mounts the shell, before
//! `load`). It is the first paint of the page, not of its data: the time until the first screen
//! shows its content (the greeting, the empty state, Sent's 10,000 rows) is printed beside it,
//! polled in the page and stopped two frames after it is there (an upper bound by one poll).
//! Both are what the web process records; a main thread busy in the app process after that
//! (the tray icon is built once the page loaded) is not in them.
//!
//! **PSS**: the sum of `Pss` in `/proc/<pid>/smaps_rollup` over the app process and everything
//! below it (WebKitWebProcess, WebKitNetworkProcess, their sandbox helpers), read every 500 ms
//! once the page painted (for 10,000 rows: once Sent shows them) until eight readings in a row
//! (3.5 s) stay within 1 % (at most 20 s): long enough to span the app giving freed memory
//! back 1.5 s after its last work (`memory`), which four readings could settle before. PSS
//! splits shared pages between the processes mapping them, so the sum does not count the
//! shared WebKit libraries once per process.
//!
//! The last launch of each kind leaves every process's `/proc/<pid>/smaps` in
//! `target/startup-smaps/<kind>/`, to see mapping by mapping where the difference lies.
//!
//! The 10,000 rows are listed once through the UI from the ConnectSafely fake (as `bench.rs`
//! does); the later launches read them from the cache (less than 15 minutes old, so no launch
//! refreshes: checked on the fake's request log).
//!
//! The app binary is the one `cargo test --release` builds (same profile; dev-dependency features
//! are unified in, e.g. tauri's `test`, which only adds code nothing calls). The hello world must
//! be built first: `make bench-startup` does both. `INVITEDESK_BENCH_RUNS` sets the launches per
//! kind (default 7). A last, untimed launch with `RUST_LOG=debug` prints the app's own log of what
//! ran before the window could show (keyring probe to event loop, the desk's parts, the tray).
//! `INVITEDESK_BENCH_ROWS` sets the cached rows (default 10,000; e.g. 10, to tell what Sent
//! itself costs from what its rows cost), and `INVITEDESK_BENCH_APP_ENV` environment variables
//! for InviteDesk's launches only (`"JSC_useDFGJIT=false"`: an engine option tried without a
//! build); both are printed with the results.
//! Ignored, and returns at once unless `INVITEDESK_BENCH=1`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::bench::{list_every_sent_row, rows_wanted};
use crate::flows::{
    add_connectsafely_account, process_name, process_tree, pss_kib, ConnectSafelyDesk,
};
use crate::harness::{App, Desktop, TestResult};
use crate::support::connectsafely::DEFAULT_KEY;

const DEFAULT_RUNS: usize = 7;
const SETTLE_WITHIN: Duration = Duration::from_secs(20);
/// Readings in a row that must agree for PSS to count as settled.
const STEADY_READINGS: usize = 8;

/// Resolves once the page's load event ended and WebKit recorded its first contentful paint,
/// with both on the epoch clock's origin.
const PAINTED: &str = r#"
const done = arguments[arguments.length - 1];
const t0 = performance.now();
const poll = () => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint');
  if (document.readyState === 'complete' && nav && nav.loadEventEnd > 0 && fcp) {
    done({ origin: performance.timeOrigin, load: nav.loadEventEnd, fcp: fcp.startTime,
           response: nav.responseEnd, interactive: nav.domInteractive,
           loaded: nav.domContentLoadedEventEnd });
  } else if (performance.now() - t0 > 30000) {
    done({ error: `not loaded and painted after 30 s (readyState ${document.readyState}, navigation entry ${!!nav}, first-contentful-paint ${!!fcp})` });
  } else {
    setTimeout(poll, 10);
  }
};
poll();
"#;

/// Resolves two frames after `ready` (a JS expression) first holds, on the epoch clock.
fn shown_script(ready: &str, what: &str) -> String {
    format!(
        r#"const done = arguments[arguments.length - 1];
        const t0 = performance.now();
        const tick = () => {{
          if ({ready}) {{
            requestAnimationFrame(() => requestAnimationFrame(() =>
              done({{ at: performance.timeOrigin + performance.now() }})));
          }} else if (performance.now() - t0 > 60000) {{
            done({{ error: 'no {what} within 60 s' }});
          }} else {{
            requestAnimationFrame(tick);
          }}
        }};
        tick();"#
    )
}

/// What the first screen shows when it is ready, per kind of launch.
fn ready_script(kind: Kind, rows: usize) -> String {
    match kind {
        Kind::HelloWorld | Kind::HelloWorldWebKitDefault => shown_script(
            "document.querySelector('[data-testid=\"hello\"]')",
            "greeting",
        ),
        Kind::Empty => shown_script(
            "document.querySelector('[data-testid=\"empty-state\"]')",
            "empty state",
        ),
        Kind::Cached => shown_script(
            &format!(
                "document.querySelector('[data-testid=\"sent-table\"]')?.dataset.rowCount === '{rows}' \
                 && document.querySelector('[data-testid=\"sent-row\"]')"
            ),
            "Sent with its rows",
        ),
    }
}

/// The kinds of launch compared.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Kind {
    /// Drawn the way InviteDesk draws on this machine (`rendering`): the yardstick.
    HelloWorld,
    /// On a machine without a GPU only: as WebKit draws by default, compositing through an
    /// emulated GPU (what any Tauri app gets unless it chooses otherwise).
    HelloWorldWebKitDefault,
    Empty,
    Cached,
}

impl Kind {
    fn label(self, rows: usize) -> String {
        match self {
            Kind::HelloWorld => "Tauri 2 hello world".into(),
            Kind::HelloWorldWebKitDefault => "hello world, WebKit's default drawing".into(),
            Kind::Empty => "InviteDesk, no account".into(),
            Kind::Cached => format!("InviteDesk, {rows} cached rows on Sent"),
        }
    }
}

#[derive(Default)]
struct Samples {
    start_ms: Vec<f64>,
    /// Per launch, from the spawn: the page's navigation started, its HTML arrived, its scripts
    /// ran (DOMContentLoaded ended), then the first contentful paint.
    phases: Vec<[f64; 4]>,
    ready_ms: Vec<f64>,
    pss_kib: Vec<u64>,
    unsettled: usize,
    last_breakdown: Vec<(String, u64)>,
}

/// A Desktop with a spawn-stamping wrapper around the binary it launches.
struct Launcher {
    desktop: Desktop,
    wrapper: PathBuf,
    stamp: PathBuf,
    /// Sourced by the wrapper: variables for one launch.
    env_file: PathBuf,
    /// What the env file holds for the timed launches (`export` lines).
    env: String,
}

impl Launcher {
    fn new(desktop: Desktop, binary: &Path, env: &[(String, String)]) -> TestResult<Launcher> {
        let wrapper = desktop.dir("launch.sh");
        let stamp = desktop.dir("launch.stamp");
        let env_file = desktop.dir("launch.env");
        let env: String = env
            .iter()
            .map(|(k, v)| format!("export {k}='{}'\n", v.replace('\'', "'\\''")))
            .collect();
        std::fs::write(&env_file, &env)?;
        let script = format!(
            "#!/bin/bash\nprintf '%s %s\\n' \"$EPOCHREALTIME\" \"$$\" > '{}'\n. '{}'\nexec '{}' \"$@\"\n",
            stamp.display(),
            env_file.display(),
            binary.display()
        );
        std::fs::write(&wrapper, script)?;
        std::fs::set_permissions(
            &wrapper,
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )?;
        Ok(Launcher {
            desktop,
            wrapper,
            stamp,
            env_file,
            env,
        })
    }

    /// Launches once; returns the session, the app's pid and the spawn → painted time.
    async fn launch(&self) -> TestResult<(App, u32, f64, [f64; 4])> {
        let _ = std::fs::remove_file(&self.stamp);
        let app = self.desktop.launch_binary(&self.wrapper).await?;
        let painted = app.client.execute_async(PAINTED, vec![]).await?;
        if let Some(e) = painted.get("error") {
            return Err(format!("in the page: {e}").into());
        }
        let f = |k: &str| painted[k].as_f64().ok_or(format!("no {k} in {painted}"));
        let painted_at = f("origin")? + f("load")?.max(f("fcp")?);
        let (spawned_at, pid) = read_stamp(&self.stamp)?;
        let ms = painted_at - spawned_at;
        if !(0.0..60_000.0).contains(&ms) {
            return Err(format!("implausible start time {ms:.0} ms ({painted})").into());
        }
        let phases = [
            f("origin")? - spawned_at,
            f("origin")? + f("response")? - spawned_at,
            f("origin")? + f("loaded")? - spawned_at,
            f("origin")? + f("fcp")? - spawned_at,
        ];
        Ok((app, pid, ms, phases))
    }
}

/// One more, untimed launch with `RUST_LOG=debug`: the app's own start-up log lines (what runs
/// before the window can show, see `run()` and `Desk::open_with`).
async fn startup_log(launcher: &Launcher) -> TestResult<Vec<String>> {
    std::fs::write(
        &launcher.env_file,
        format!("{}export RUST_LOG=debug\n", launcher.env),
    )?;
    let before = launcher.desktop.driver_log().len();
    let (app, pid, _, _) = launcher.launch().await?;
    stop(app, pid).await?;
    std::fs::write(&launcher.env_file, &launcher.env)?;
    let log = launcher.desktop.driver_log();
    Ok(log
        .get(before..)
        .unwrap_or_default()
        .lines()
        .filter(|l| {
            [
                "start-up until",
                "desk opened in",
                "tray icon built",
                "the page is drawn",
            ]
            .iter()
            .any(|m| l.contains(m))
        })
        .map(|l| l.trim().to_string())
        .collect())
}

/// `$EPOCHREALTIME $$` → (epoch ms, pid).
fn read_stamp(path: &Path) -> TestResult<(f64, u32)> {
    let text = std::fs::read_to_string(path)?;
    let mut words = text.split_whitespace();
    let at: f64 = words.next().ok_or("empty stamp")?.parse()?;
    let pid: u32 = words.next().ok_or("no pid in the stamp")?.parse()?;
    Ok((at * 1000.0, pid))
}

/// Ends a launch: the session closes the window; a process still there after 5 s is killed.
async fn stop(app: App, pid: u32) -> TestResult {
    let _ = app.close().await;
    for signal in ["-TERM", "-KILL"] {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if gone(pid) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = std::process::Command::new("kill")
            .args([signal, &pid.to_string()])
            .status();
    }
    if gone(pid) {
        Ok(())
    } else {
        Err(format!("the app (pid {pid}) did not exit").into())
    }
}

/// No such process, or a zombie its parent has not reaped yet.
fn gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|s| s.trim_start().starts_with('Z')),
    }
}

/// Keeps `/proc/<pid>/smaps` of every process of the last launch of a kind in
/// `target/startup-smaps/<kind>/<name>.<pid>.smaps`: where each process's PSS lies, mapping by
/// mapping, for comparing InviteDesk with the hello world afterwards.
fn keep_smaps(kind: Kind, root: u32) -> TestResult {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/startup-smaps")
        .join(format!("{kind:?}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    for pid in process_tree(root) {
        let Ok(smaps) = std::fs::read_to_string(format!("/proc/{pid}/smaps")) else {
            continue;
        };
        std::fs::write(
            dir.join(format!("{}.{pid}.smaps", process_name(pid))),
            smaps,
        )?;
    }
    Ok(())
}

/// The PSS (KiB) of `root` and its descendants, in total and per process name.
fn tree_pss(root: u32) -> (u64, Vec<(String, u64)>) {
    let mut parts = Vec::new();
    for pid in process_tree(root) {
        // A process that ended meanwhile counts for nothing.
        let Some(pss) = pss_kib(pid) else { continue };
        parts.push((process_name(pid), pss));
    }
    (parts.iter().map(|(_, k)| k).sum(), parts)
}

/// PSS once [`STEADY_READINGS`] readings 500 ms apart stay within 1 % (`.2` false when they
/// never did).
async fn settled_pss(pid: u32) -> (u64, Vec<(String, u64)>, bool) {
    let deadline = Instant::now() + SETTLE_WITHIN;
    let mut recent: Vec<u64> = Vec::new();
    loop {
        let (total, parts) = tree_pss(pid);
        recent.push(total);
        if recent.len() > STEADY_READINGS {
            recent.remove(0);
        }
        let (lo, hi) = (
            *recent.iter().min().unwrap_or(&0),
            *recent.iter().max().unwrap_or(&0),
        );
        let steady = recent.len() == STEADY_READINGS && (hi - lo) * 100 <= hi;
        if steady || Instant::now() > deadline {
            return (total, parts, steady);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The median of each round's ratio to the hello world's launch of the same round (the three
/// kinds launch one after another in every round): a change of machine load between rounds,
/// which moves the hello world's own median by up to a third from run to run, cancels out.
fn paired_ratio(v: &[f64], base: &[f64]) -> f64 {
    median(&v.iter().zip(base).map(|(a, b)| a / b).collect::<Vec<_>>())
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    if s.is_empty() {
        return f64::NAN;
    }
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

/// The non-comment lines of a manifest's `[profile.release]` section.
fn release_profile(manifest: &Path) -> TestResult<Vec<String>> {
    let text = std::fs::read_to_string(manifest)?;
    let mut lines = Vec::new();
    let mut inside = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == "[profile.release]";
            continue;
        }
        if inside && !line.is_empty() && !line.starts_with('#') {
            lines.push(line.replace(' ', ""));
        }
    }
    if lines.is_empty() {
        return Err(format!("no [profile.release] in {}", manifest.display()).into());
    }
    Ok(lines)
}

/// The version of the `tauri` crate a lock file pins.
fn locked_tauri(lock: &Path) -> TestResult<String> {
    let text = std::fs::read_to_string(lock)?;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"tauri\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = ")) {
                return Ok(v.trim_matches('"').to_string());
            }
        }
    }
    Err(format!("no tauri in {}", lock.display()).into())
}

fn hello_world_binary() -> TestResult<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ours = release_profile(&root.join("Cargo.toml"))?;
    let theirs = release_profile(&root.join("benches/hello-world/Cargo.toml"))?;
    if ours != theirs {
        return Err(format!(
            "benches/hello-world/Cargo.toml's [profile.release] differs from InviteDesk's \
             ({theirs:?} vs {ours:?}): make them the same, or the comparison is not fair"
        )
        .into());
    }
    let (ours, theirs) = (
        locked_tauri(&root.join("Cargo.lock"))?,
        locked_tauri(&root.join("benches/hello-world/Cargo.lock"))?,
    );
    if ours != theirs {
        return Err(format!(
            "the hello world locks tauri {theirs}, InviteDesk {ours}: copy Cargo.lock to \
             benches/hello-world/ and build it again"
        )
        .into());
    }
    let binary = std::env::var_os("INVITEDESK_HELLO_WORLD")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/release/hello-world"));
    if !binary.exists() {
        return Err(format!(
            "{} is missing: `make bench-startup` builds it (cargo build --release \
             --manifest-path benches/hello-world/Cargo.toml, CARGO_TARGET_DIR=target)",
            binary.display()
        )
        .into());
    }
    Ok(binary)
}

/// `INVITEDESK_BENCH_APP_ENV`: `NAME=value` pairs, separated by spaces.
fn app_env_wanted() -> TestResult<Vec<(String, String)>> {
    let Ok(spec) = std::env::var("INVITEDESK_BENCH_APP_ENV") else {
        return Ok(vec![]);
    };
    spec.split_whitespace()
        .map(|pair| match pair.split_once('=') {
            Some((k, v))
                if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                Ok((k.to_string(), v.to_string()))
            }
            _ => Err(format!("INVITEDESK_BENCH_APP_ENV: {pair:?} is not NAME=value").into()),
        })
        .collect()
}

fn runs_wanted() -> usize {
    std::env::var("INVITEDESK_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_RUNS)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run by make bench (INVITEDESK_BENCH=1)"]
async fn startup_and_memory_vs_hello_world() -> TestResult {
    if std::env::var("INVITEDESK_BENCH").as_deref() != Ok("1") {
        eprintln!(
            "startup_bench::startup_and_memory_vs_hello_world skipped: set INVITEDESK_BENCH=1 (make bench)"
        );
        return Ok(());
    }
    let runs = runs_wanted();
    let rows = rows_wanted();
    let app_env = app_env_wanted()?;
    let hello_binary = hello_world_binary()?;
    let app_binary = Path::new(env!("CARGO_BIN_EXE_invitedesk"));

    // The hello world drawn as InviteDesk chooses to draw here (it has no such choice of its
    // own), and, where that differs from WebKit's default, once more as WebKit would.
    let software_only = !invitedesk_lib::rendering::has_gpu();
    let same_drawing: Vec<(&str, String)> = if software_only {
        vec![
            (invitedesk_lib::rendering::COMPOSITING_VARIABLE, "1".into()),
            (invitedesk_lib::rendering::DMABUF_VARIABLE, "1".into()),
        ]
    } else {
        vec![]
    };
    let hello = Launcher::new(Desktop::start(&same_drawing)?, &hello_binary, &[])?;
    let hello_default = if software_only {
        Some(Launcher::new(Desktop::start(&[])?, &hello_binary, &[])?)
    } else {
        None
    };
    let empty = Launcher::new(Desktop::start(&[])?, app_binary, &app_env)?;
    let world = ConnectSafelyDesk::start(rows)?;

    // The rows, listed once through the UI into this desktop's cache.
    let seed = world.desktop.launch().await?;
    add_connectsafely_account(&seed, DEFAULT_KEY).await?;
    let listed_in = list_every_sent_row(&seed, rows).await?;
    let seed_pid = crate::flows::app_pid(&world.desktop).ok_or("the seeding app is not running")?;
    stop(seed, seed_pid).await?;
    let requests_after_seed = world.server.log.count("GET", "/invitations/sent");
    let ConnectSafelyDesk {
        desktop: cached_desktop,
        fake: _fake,
        server,
    } = world;
    let cached = Launcher::new(cached_desktop, app_binary, &app_env)?;

    let mut samples: HashMap<Kind, Samples> = HashMap::new();
    for _ in 0..runs {
        let launchers = [
            (Kind::HelloWorld, Some(&hello)),
            (Kind::HelloWorldWebKitDefault, hello_default.as_ref()),
            (Kind::Empty, Some(&empty)),
            (Kind::Cached, Some(&cached)),
        ];
        for (kind, launcher) in launchers {
            let Some(launcher) = launcher else { continue };
            let (app, pid, start_ms, phases) = launcher.launch().await?;
            let s = samples.entry(kind).or_default();
            s.start_ms.push(start_ms);
            s.phases.push(phases);
            let v = app
                .client
                .execute_async(&ready_script(kind, rows), vec![])
                .await?;
            if let Some(e) = v.get("error") {
                return Err(format!("in the page: {e}").into());
            }
            let (spawned_at, _) = read_stamp(&launcher.stamp)?;
            s.ready_ms
                .push(v["at"].as_f64().ok_or("no time measured")? - spawned_at);
            let (pss, parts, steady) = settled_pss(pid).await;
            s.pss_kib.push(pss);
            s.unsettled += usize::from(!steady);
            s.last_breakdown = parts;
            if s.pss_kib.len() == runs {
                keep_smaps(kind, pid)?;
            }
            if kind == Kind::Cached && s.pss_kib.len() == 1 {
                app.screenshot("startup-bench-10k-sent").await?;
            }
            stop(app, pid).await?;
        }
    }
    let refreshed = server.log.count("GET", "/invitations/sent") - requests_after_seed;
    let startup_lines = startup_log(&cached).await?;

    let kinds: Vec<Kind> = [
        Kind::HelloWorld,
        Kind::HelloWorldWebKitDefault,
        Kind::Empty,
        Kind::Cached,
    ]
    .into_iter()
    .filter(|k| samples.contains_key(k))
    .collect();
    let base = &samples[&Kind::HelloWorld];
    let (base_start, base_pss) = (
        median(&base.start_ms),
        median(&base.pss_kib.iter().map(|k| *k as f64).collect::<Vec<_>>()),
    );
    println!();
    println!(
        "start-up and memory against a Tauri 2 hello world (release, same profile, Xvfb), \
         {runs} interleaved launches each, medians{}",
        if app_env.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = app_env.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("; InviteDesk launched with {}", names.join(" "))
        }
    );
    println!(
        "{:<40} {:>9} {:>6} {:>7} {:>9} {:>6}   start min..max",
        "", "start ms", "ratio", "paired", "PSS MiB", "ratio"
    );
    for kind in kinds.iter().copied() {
        let s = &samples[&kind];
        let start = median(&s.start_ms);
        let pss = median(&s.pss_kib.iter().map(|k| *k as f64).collect::<Vec<_>>());
        let (lo, hi) = s
            .start_ms
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
        println!(
            "{:<40} {:>9.0} {:>6.2} {:>7.2} {:>9.1} {:>6.2}   {lo:.0}..{hi:.0}{}",
            kind.label(rows),
            start,
            start / base_start,
            paired_ratio(&s.start_ms, &base.start_ms),
            pss / 1024.0,
            pss / base_pss,
            if s.unsettled > 0 {
                format!("  ({} PSS readings never settled within 1 %)", s.unsettled)
            } else {
                String::new()
            }
        );
    }
    println!(
        "where the start goes, ms from the spawn (medians): navigation starts / HTML received / \
         scripts ran (DOMContentLoaded) / first contentful paint"
    );
    for kind in kinds.iter().copied() {
        let phases = &samples[&kind].phases;
        let at = |i: usize| median(&phases.iter().map(|p| p[i]).collect::<Vec<_>>());
        println!(
            "{:<40} {:>6.0} {:>6.0} {:>6.0} {:>6.0}",
            kind.label(rows),
            at(0),
            at(1),
            at(2),
            at(3)
        );
    }
    println!("spawn to two frames after the first screen showed its content (greeting, empty state, Sent's rows):");
    for kind in kinds.iter().copied() {
        let ready = median(&samples[&kind].ready_ms);
        println!(
            "{:<40} {:>9.0} {:>6.2}",
            kind.label(rows),
            ready,
            ready / median(&base.ready_ms)
        );
    }
    for kind in kinds.iter().copied().filter(|k| *k != Kind::Empty) {
        let parts: Vec<String> = samples[&kind]
            .last_breakdown
            .iter()
            .map(|(name, kib)| format!("{name} {:.1}", *kib as f64 / 1024.0))
            .collect();
        println!(
            "PSS by process, {} (MiB): {}",
            kind.label(rows),
            parts.join(", ")
        );
    }
    println!("InviteDesk's own log, one more launch with {rows} cached rows (RUST_LOG=debug):");
    for line in &startup_lines {
        println!("  {line}");
    }
    println!(
        "{rows} rows first listed through the UI in {:.1} s; list requests during the timed \
         launches: {refreshed}",
        listed_in.as_secs_f64()
    );
    assert_eq!(
        refreshed, 0,
        "a timed launch refreshed Sent: the cached case measured a refresh, not the cache"
    );
    Ok(())
}
