//! `make bench`: the Sent table with 10,000 rows in the real window, timed as a user waits.
//!
//! Twenty demo accounts get their sent invitations written straight into the app's cache
//! (`seed.rs`: listing 100,000 through a fake would take 10,000 requests), then the bench
//! times each action from the input event to the frame that shows its settled result: the
//! action is real input through WebDriver (a click, a key press), the clock starts at that
//! input event's timestamp (a capturing listener in the page), and stops two
//! `requestAnimationFrame`s after the last change to the screen's DOM, once it stayed quiet for
//! 250 ms. Each is repeated; the median, min and max are printed.
//!
//! The README once quoted 41 ms for the 10k sort, timed from a JavaScript `.click()` to two
//! frames after it. That span misses what a user waits for: the input pipeline before the
//! handler (hit test, pointer and mouse events), and the table's own follow-up frames (rows
//! rendered at an estimated height are measured by a ResizeObserver, their heights applied in
//! the next animation frame, which moves rows again). The old way is still printed, next to the
//! new one, so the two can be compared in one run.
//!
//! The table holds only the rows in view (issue 15): filter, sort and count run in SQLite and
//! each answer applied bumps the table's `data-window-seq`, so a keystroke that leaves the rows
//! as they were still marks the moment its answer was shown; the probe also waits for the
//! table's `aria-busy` to clear. "reply ms" is when the core's reply reached the page, "answer
//! ms" when the page had written it into the DOM: a slow input shows which side it is on. The
//! web process's memory (PSS) is printed before and after five rounds of sorting and filtering,
//! next to the figures from before the window (issue 15).
//!
//! `INVITEDESK_BENCH_ROWS` sets the row count (default 10,000). Ignored, and returns at once
//! unless `INVITEDESK_BENCH=1` (the Makefile sets it), so the normal e2e run does not pay for it.

use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::Value;

use invitedesk_lib::db::FILE_NAME;

use crate::flows::{attr, pss_kib, tid, wait_long, web_process_pids};
use crate::harness::{App, Desktop, TestResult};
use crate::seed::seed_sent;

const DEFAULT_ROWS: usize = 10_000;
const RUNS: usize = 9;
/// How long the bench leaves Sent's flags load after opening it, before timing a sort.
const FLAGS_SETTLE: Duration = Duration::from_secs(2);
/// An agency's workspace: the rows are spread over this many accounts.
const ACCOUNTS: usize = 20;

/// Page helpers for input-to-paint timing: `__probe.arm()` starts watching (the next input
/// event starts the clock; every DOM change under the screen restarts "two frames after");
/// `__probe.settled(done)` reports `{ ms, mutations }` once the DOM stayed quiet for 250 ms.
const PROBE: &str = r#"
window.__probe = {
  arm() {
    this.stop?.();
    const s = (this.s = { t0: null, last: null, end: null, mutations: 0, windows: 0, answered: null, replied: null });
    const onInput = (e) => {
      if (s.t0 !== null) return;
      const now = performance.now();
      // Event.timeStamp is on the performance clock in WebKit; fall back when it is not.
      s.t0 = e.timeStamp > 0 && e.timeStamp <= now ? e.timeStamp : now;
    };
    const types = ['pointerdown', 'mousedown', 'keydown'];
    for (const t of types) window.addEventListener(t, onInput, true);
    // When the core's reply reached the page (Tauri's IPC is a fetch here): what is left
    // after it, up to the answer applied, is the page's own work.
    if (!window.__replies) {
      window.__replies = true;
      const fetch = window.fetch;
      window.fetch = function (url, init) {
        const reply = fetch.call(this, url, init);
        if (String(url).includes('sent_window')) {
          reply.then(() => { const s = window.__probe.s; if (s?.t0 != null) s.replied = performance.now(); }, () => {});
        }
        return reply;
      };
    }
    const root = document.querySelector('.screen-host') ?? document.body;
    const obs = new MutationObserver((records) => {
      if (s.t0 === null) return;
      s.mutations++;
      // The table applied an answer of the core (`data-window-seq` moves once per window).
      if (records.some((r) => r.attributeName === 'data-window-seq')) {
        s.windows++;
        s.answered = performance.now();
      }
      const mark = (s.last = performance.now());
      requestAnimationFrame(() => requestAnimationFrame(() => {
        if (s.last === mark) s.end = performance.now();
      }));
    });
    obs.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
    this.stop = () => {
      for (const t of types) window.removeEventListener(t, onInput, true);
      obs.disconnect();
    };
    return true;
  },
  settled(done) {
    const s = this.s;
    const started = performance.now();
    const poll = () => {
      const now = performance.now();
      const busy = document.querySelector('[data-testid="sent-table"][aria-busy="true"]');
      if (s.t0 !== null && s.end !== null && s.end >= s.last && now - s.last >= 250 && !busy) {
        this.stop();
        done({ ms: s.end - s.t0, mutations: s.mutations, rows: window.__bench.rows(),
               windows: s.windows, answeredMs: s.answered === null ? null : s.answered - s.t0,
               repliedMs: s.replied === null ? null : s.replied - s.t0 });
      } else if (now - started > 30000) {
        this.stop();
        done({ error: s.t0 === null ? 'no input event reached the page' : 'the DOM did not settle' });
      } else {
        setTimeout(poll, 20);
      }
    };
    poll();
  },
};
return true;
"#;

/// `INVITEDESK_BENCH_ROWS` ("100000", "100_000" or "100,000"), else 10,000: also the start-up bench's.
pub(crate) fn rows_wanted() -> usize {
    std::env::var("INVITEDESK_BENCH_ROWS")
        .ok()
        .and_then(|v| v.replace(['_', ','], "").parse().ok())
        .unwrap_or(DEFAULT_ROWS)
}

/// Times `input` (real WebDriver input) from its input event to two frames after the DOM settled.
async fn input_to_paint<F, Fut>(app: &App, input: F) -> TestResult<Timed>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = TestResult>,
{
    app.client
        .execute("return window.__probe.arm();", vec![])
        .await?;
    input().await?;
    let v = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; window.__probe.settled(done);",
            vec![],
        )
        .await?;
    let (ms, rows) = measurement(&v)?;
    Ok(Timed {
        ms,
        rows,
        windows: v["windows"].as_f64().unwrap_or(f64::NAN),
        answered_ms: v["answeredMs"].as_f64().unwrap_or(f64::NAN),
        replied_ms: v["repliedMs"].as_f64().unwrap_or(f64::NAN),
    })
}

/// One input timed to its painted frame, with how many windows of rows the table applied,
/// when the core's last reply reached the page (input handling, the request, the key lists or
/// SQLite, IPC) and when the page had applied it to the DOM (the rest is style, layout, paint).
struct Timed {
    ms: f64,
    rows: i64,
    windows: f64,
    answered_ms: f64,
    replied_ms: f64,
}

/// Waits until the screen's DOM is quiet (after an untimed reset).
async fn quiet(app: &App) -> TestResult {
    app.client
        .execute("return window.__probe.arm();", vec![])
        .await?;
    app.client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             const p = window.__probe; p.s.t0 = performance.now(); p.s.last = p.s.t0; \
             requestAnimationFrame(() => requestAnimationFrame(() => { p.s.end = p.s.end ?? performance.now(); })); \
             p.settled(done);",
            vec![],
        )
        .await?;
    Ok(())
}

/// Page helpers: `__bench.frames()` resolves after two animation frames; `__bench.time(f)`
/// runs `f` and resolves to `{ ms, rows }` once the result is on screen.
const INSTALL: &str = r#"
window.__bench = {
  frames: () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
  table: () => document.querySelector('[data-testid="sent-table"]'),
  rows() { const t = this.table(); return t ? Number(t.dataset.rowCount) : -1; },
  async time(action) {
    const t0 = performance.now();
    action();
    await this.frames();
    return { ms: performance.now() - t0, rows: this.rows() };
  },
  setInput(testid, value) {
    const el = document.querySelector(`[data-testid="${testid}"]`);
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  },
};
return true;
"#;

/// One timed action in the page: `body` is the action (JS statements).
async fn timed(app: &App, body: &str) -> TestResult<(f64, i64)> {
    let script = format!(
        "const done = arguments[arguments.length - 1];\
         window.__bench.time(() => {{ {body} }}).then(done, (e) => done({{ error: String(e) }}));"
    );
    let v = app.client.execute_async(&script, vec![]).await?;
    measurement(&v)
}

fn measurement(v: &Value) -> TestResult<(f64, i64)> {
    if let Some(e) = v.get("error") {
        return Err(format!("in the page: {e}").into());
    }
    let ms = v["ms"].as_f64().ok_or("no time measured")?;
    Ok((ms, v["rows"].as_i64().unwrap_or(-1)))
}

/// Opening Sent from another screen: until the table shows the cached rows.
async fn time_open_sent(app: &App, rows: usize) -> TestResult<(f64, i64)> {
    app.click(&tid("nav-activity")).await?;
    app.wait_for(&tid("screen-activity")).await?;
    let script = format!(
        r#"const done = arguments[arguments.length - 1];
        const b = window.__bench;
        const t0 = performance.now();
        document.querySelector('[data-testid="nav-sent"]').click();
        const tick = () => {{
          if (b.rows() === {rows} && document.querySelector('[data-testid="sent-row"]')) {{
            b.frames().then(() => done({{ ms: performance.now() - t0, rows: b.rows() }}));
          }} else if (performance.now() - t0 > 60000) {{
            done({{ error: 'Sent did not show the rows within 60 s' }});
          }} else {{
            requestAnimationFrame(tick);
          }}
        }};
        requestAnimationFrame(tick);"#
    );
    measurement(&app.client.execute_async(&script, vec![]).await?)
}

struct Stats {
    name: &'static str,
    ms: Vec<f64>,
    /// Windows applied per input, input to the last reply, and to the last answer applied
    /// (real input only).
    windows: Vec<f64>,
    replied_ms: Vec<f64>,
    answered_ms: Vec<f64>,
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

impl Stats {
    fn new(name: &'static str) -> Self {
        Stats {
            name,
            ms: Vec::new(),
            windows: Vec::new(),
            replied_ms: Vec::new(),
            answered_ms: Vec::new(),
        }
    }

    /// Keeps one timed input; returns the rows the table counted after it.
    fn add(&mut self, t: Timed) -> i64 {
        self.ms.push(t.ms);
        self.windows.push(t.windows);
        self.replied_ms.push(t.replied_ms);
        self.answered_ms.push(t.answered_ms);
        t.rows
    }

    fn row(&self) -> String {
        let min = self.ms.iter().copied().fold(f64::INFINITY, f64::min);
        let max = self.ms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let answer = if self.windows.is_empty() {
            format!("{:>9} {:>9} {:>9}", "-", "-", "-")
        } else {
            format!(
                "{:>9.1} {:>9.1} {:>9.1}",
                median(&self.windows),
                median(&self.replied_ms),
                median(&self.answered_ms)
            )
        };
        format!(
            "{:<34} {:>9.0} {:>9.0} {:>9.0} {answer}",
            self.name,
            median(&self.ms),
            min,
            max
        )
    }
}

/// Adds `n` demo accounts through the app's own command; returns their ids.
async fn add_demo_accounts(app: &App, n: usize) -> TestResult<Vec<String>> {
    let script = format!(
        r#"const done = arguments[arguments.length - 1];
        (async () => {{
          const ids = [];
          for (let i = 0; i < {n}; i++) ids.push((await window.__TAURI_INTERNALS__.invoke('add_demo_account')).id);
          return ids;
        }})().then(done, (e) => done({{ error: String(e?.message ?? e) }}));"#
    );
    let v = app.client.execute_async(&script, vec![]).await?;
    if let Some(e) = v.get("error") {
        return Err(format!("adding demo accounts: {e}").into());
    }
    Ok(serde_json::from_value(v)?)
}

/// The web process's proportional set size in MB.
fn web_process_pss_mb(desktop: &Desktop) -> Option<f64> {
    let pid = *web_process_pids(desktop).first()?;
    Some(pss_kib(pid)? as f64 / 1024.0)
}

/// Five rounds of sorting (name, age) and filtering (a word typed, then cleared), untimed.
async fn sort_and_filter_rounds(app: &App) -> TestResult {
    for word in ["engineer", "sofia", "berlin", "founder", "nakamura"] {
        app.click(&tid("sort-person")).await?;
        quiet(app).await?;
        app.click(&tid("sort-age")).await?;
        quiet(app).await?;
        let filter = app.wait_for(&tid("filter-text")).await?;
        filter.click().await?;
        filter.send_keys(word).await?;
        quiet(app).await?;
        filter.send_keys("\u{E009}a\u{E000}\u{E003}").await?;
        quiet(app).await?;
    }
    Ok(())
}

/// Issue 15's figures from before the window (every row in the page, filtered and sorted in
/// JavaScript), same bench and machine: medians in ms, `None` where none was taken.
fn before_window(rows: usize, name: &str) -> Option<f64> {
    let (open, sort, key, older, select) = match rows {
        10_000 => (None, Some(143.0), Some(43.0), Some(80.0), Some(36.0)),
        100_000 => (
            Some(4400.0),
            Some(910.0),
            Some(174.0),
            Some(744.0),
            Some(258.0),
        ),
        _ => return None,
    };
    match name {
        n if n.starts_with("open Sent") => open,
        n if n.starts_with("sort click (by name)") => sort,
        n if n.starts_with("text filter") => key,
        n if n.starts_with("older-than") => older,
        n if n.starts_with("select all") => select,
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run by make bench (INVITEDESK_BENCH=1)"]
async fn table_render_10k() -> TestResult {
    if std::env::var("INVITEDESK_BENCH").as_deref() != Ok("1") {
        eprintln!("bench::table_render_10k skipped: set INVITEDESK_BENCH=1 (make bench)");
        return Ok(());
    }
    let rows = rows_wanted().div_ceil(ACCOUNTS) * ACCOUNTS;
    let desktop = Desktop::start(&[])?;
    let app = desktop.launch().await?;
    let accounts = add_demo_accounts(&app, ACCOUNTS).await?;

    // The cache as 20 complete refreshes just left it; the page reloads to see the accounts.
    let started = Instant::now();
    let path = desktop
        .dir("data")
        .join("app.invitedesk.desktop")
        .join(FILE_NAME);
    let written = seed_sent(&path, &accounts, rows / ACCOUNTS, Utc::now())?;
    let seeded = started.elapsed();
    app.client.refresh().await?;
    app.wait_for(&tid("nav-sent")).await?;
    app.click(&tid("nav-sent")).await?;
    wait_long(
        &app,
        Duration::from_secs(300),
        "every row is counted",
        || async {
            Ok(app.count(&tid("refresh-progress")).await? == 0
                && attr(&app, &tid("sent-table"), "data-row-count").await? == rows.to_string())
        },
    )
    .await?;
    app.client.execute(INSTALL, vec![]).await?;
    app.client.execute(PROBE, vec![]).await?;
    let all = rows as i64;

    let mut floor = Stats::new("nothing (two frames: the floor)");
    let mut open = Stats::new("open Sent (JS click, rows shown)");
    let mut sort = Stats::new("sort click (by name)");
    let mut sort_old = Stats::new("  the old way: JS click + 2 frames");
    let mut sort_age = Stats::new("sort click (by age)");
    let mut key = Stats::new("text filter, one keystroke");
    let mut older = Stats::new("older-than filter (one digit)");
    let mut select = Stats::new("select all (header checkbox)");
    let words = [
        "engineer", "sofia", "berlin", "founder", "nakamura", "design", "vp", "phd", "ol",
    ];
    let days = ['7', '9', '3', '5', '8', '4', '6', '2', '9'];

    for run in 0..RUNS {
        let (ms, _) = timed(&app, "").await?;
        floor.ms.push(ms);

        let (ms, shown) = time_open_sent(&app, rows).await?;
        assert_eq!(shown, all);
        open.ms.push(ms);
        quiet(&app).await?;
        // Opening Sent also loads its flags (do-not-contact, duplicates: every cached row read
        // and parsed, issue 13), which holds the database and a core for a while at 100,000
        // rows; a sort clicked meanwhile waits behind it. Timed here: the sort's own cost.
        tokio::time::sleep(FLAGS_SETTLE).await;

        // Sort: a real click on the column header, alternating the direction.
        let header = app.wait_for(&tid("sort-person")).await?;
        let shown = sort.add(
            input_to_paint(&app, || async {
                header.click().await?;
                Ok(())
            })
            .await?,
        );
        assert_eq!(shown, all, "sorting keeps every row");

        let (ms, _) = timed(
            &app,
            "document.querySelector('[data-testid=\"sort-person\"]').click();",
        )
        .await?;
        sort_old.ms.push(ms);
        quiet(&app).await?;
        let header = app.wait_for(&tid("sort-age")).await?;
        let shown = sort_age.add(
            input_to_paint(&app, || async {
                header.click().await?;
                Ok(())
            })
            .await?,
        );
        assert_eq!(shown, all, "sorting keeps every row");

        quiet(&app).await?;

        // One keystroke in the text filter: the last letter of a word (the rest typed first,
        // untimed), as someone typing it waits for each key.
        let filter = app.wait_for(&tid("filter-text")).await?;
        filter.click().await?;
        let word = words[run % words.len()];
        let (head, last) = word.split_at(word.len() - 1);
        if !head.is_empty() {
            filter.send_keys(head).await?;
        }
        quiet(&app).await?;
        let shown = key.add(
            input_to_paint(&app, || async {
                filter.send_keys(last).await?;
                Ok(())
            })
            .await?,
        );
        assert!(shown < all, "{word:?} narrows the list ({shown})");

        filter.send_keys("\u{E009}a\u{E000}\u{E003}").await?;
        quiet(&app).await?;

        // The older-than filter: one digit typed.
        let field = app.wait_for(&tid("filter-older-than")).await?;
        field.click().await?;
        quiet(&app).await?;
        let d = days[run % days.len()];
        let shown = older.add(
            input_to_paint(&app, || async {
                field.send_keys(&d.to_string()).await?;
                Ok(())
            })
            .await?,
        );
        assert!(shown < all, "older than {d} narrows the list ({shown})");

        field.send_keys("\u{E009}a\u{E000}\u{E003}").await?;
        quiet(&app).await?;

        // Select all, then clear it again (untimed).
        let check = app.wait_for(&tid("select-all")).await?;
        select.add(
            input_to_paint(&app, || async {
                check.click().await?;
                Ok(())
            })
            .await?,
        );
        app.wait_for_text(
            &tid("withdraw-selected"),
            &format!("({})", fmt_thousands(rows)),
        )
        .await?;
        check.click().await?;
        quiet(&app).await?;
    }
    app.screenshot("bench-sent-table").await?;

    let pss_before = web_process_pss_mb(&desktop);
    sort_and_filter_rounds(&app).await?;
    let pss_after = web_process_pss_mb(&desktop);

    println!();
    println!(
        "table_render: {rows} sent invitations in the real window (WebKitGTK, Xvfb), {RUNS} runs each"
    );
    println!(
        "seeded into the cache: {written} rows over {ACCOUNTS} accounts in {:.1} s",
        seeded.as_secs_f64()
    );
    println!(
        "{:<34} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>12}",
        "input to painted frame, ms",
        "median",
        "min",
        "max",
        "windows",
        "reply ms",
        "answer ms",
        "before (#15)"
    );
    for s in [
        &floor, &open, &sort, &sort_old, &sort_age, &key, &older, &select,
    ] {
        let before = before_window(rows, s.name)
            .map(|ms| format!("{ms:>12.0}"))
            .unwrap_or_else(|| format!("{:>12}", "-"));
        println!("{}{before}", s.row());
    }
    let mb = |v: Option<f64>| v.map_or("?".to_string(), |m| format!("{m:.0} MB"));
    println!(
        "web process PSS: {} before, {} after five rounds of sort + filter \
         (before the window, issue 15: 264 -> 526 MB at 100,000)",
        mb(pss_before),
        mb(pss_after)
    );
    app.close().await
}

/// Opens Sent, whose first visit refreshes (pages of 10 from the ConnectSafely fake), and
/// waits until the refresh ended with all `rows` listed; returns how long that took.
pub async fn list_every_sent_row(app: &App, rows: usize) -> TestResult<Duration> {
    let started = Instant::now();
    app.click(&tid("nav-sent")).await?;
    wait_long(
        app,
        Duration::from_secs(1800),
        "every row is listed",
        || async {
            Ok(app.count(&tid("refresh-progress")).await? == 0
                && attr(app, &tid("sent-table"), "data-row-count").await? == rows.to_string())
        },
    )
    .await?;
    Ok(started.elapsed())
}

/// 10000 → "10,000", as the UI writes counts.
fn fmt_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
