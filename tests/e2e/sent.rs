//! The Sent screen end to end against the ConnectSafely fake: refresh, the "older than" filter,
//! the keep-list, the withdrawal preview and its CSV, the paced job, the Activity record; and a
//! job killed mid-run that is offered at the next start and resumes without repeating anything.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::flows::{
    add_connectsafely_account, app_pids, assert_fits_sideways, attr, attrs, days_of, js, kill_app,
    row_count, set_pacing, texts, tid, wait_long, wait_row_count, ConnectSafelyDesk,
};
use crate::harness::{App, TestResult};
use crate::support::connectsafely::{Sent, DEFAULT_KEY};
use crate::support::Fault;

/// Sent invitations in the fake: ages from "1 day ago" to "1 year ago".
const SEEDED: usize = 40;

/// `[data-testid=sent-row][data-key="<key>"] <inner>`
fn in_row(key: &str, inner: &str) -> String {
    format!("{}[data-key=\"{key}\"] {}", tid("sent-row"), tid(inner))
}

/// The fake's invitations at least `days` old, as the app reads their age.
fn older_than(pending: &[Sent], days: u32) -> Vec<Sent> {
    pending
        .iter()
        .filter(|s| days_of(&s.sent_at) >= days)
        .cloned()
        .collect()
}

fn row_key(account: &str, invitation: &Sent) -> String {
    format!("{account}/{}", invitation.id)
}

fn profile_url(invitation: &Sent) -> String {
    format!("https://www.linkedin.com/in/{}", invitation.public_id)
}

async fn rendered_keys(app: &App, row: &str) -> TestResult<Vec<String>> {
    Ok(attrs(app, &tid(row), "data-key")
        .await?
        .into_iter()
        .flatten()
        .collect())
}

async fn as_of(app: &App) -> TestResult<Option<DateTime<Utc>>> {
    let raw = attr(app, &tid("as-of"), "data-as-of").await?;
    Ok(DateTime::parse_from_rfc3339(&raw)
        .ok()
        .map(|t| t.with_timezone(&Utc)))
}

/// Opens Sent for the first time: with nothing cached the screen refreshes by itself.
async fn open_sent_and_wait_for_rows(app: &App, n: usize) -> TestResult {
    app.click(&tid("nav-sent")).await?;
    let filled = wait_long(
        app,
        Duration::from_secs(30),
        "the first refresh fills the table",
        || async {
            Ok(app.count(&tid("refresh-progress")).await? == 0
                && row_count(app, "sent-table").await? == n
                && as_of(app).await?.is_some())
        },
    )
    .await;
    if filled.is_err() {
        let _ = app.screenshot("sent-00-first-refresh-not-shown").await;
    }
    filled
}

/// Waits until the job panel `css` shows the job ended (finished / cancelled).
async fn wait_job_finished(app: &App, css: &str, within: Duration) -> TestResult {
    wait_long(app, within, "the job finishes", || async {
        Ok(attr(app, css, "data-state").await? == "finished")
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn refresh_filter_pin_preview_export_withdraw_and_see_the_record() -> TestResult {
    const N: u32 = 60;
    let world = ConnectSafelyDesk::start(SEEDED)?;
    let app = world.desktop.launch().await?;
    let account = add_connectsafely_account(&app, DEFAULT_KEY).await?;
    set_pacing(&app, 0, 0).await?;
    open_sent_and_wait_for_rows(&app, SEEDED).await?;
    let first_as_of = as_of(&app).await?.expect("as of after the first refresh");

    // Refresh: a slower provider so the bar can be seen; then the rows, and a newer "as of".
    world
        .server
        .faults
        .inject(Some("GET"), "/invitations/sent", 4, Fault::delay(400));
    let pages_before = world.server.log.count("GET", "/invitations/sent");
    app.click(&tid("refresh-button")).await?;
    app.wait_for(&tid("refresh-progress")).await?;
    app.screenshot("sent-01-refreshing").await?;
    app.wait_until("the refresh ends", || async {
        Ok(app.count(&tid("refresh-progress")).await? == 0)
    })
    .await?;
    wait_row_count(&app, "sent-table", SEEDED).await?;
    let second_as_of = as_of(&app).await?.expect("as of after the refresh");
    assert!(
        second_as_of > first_as_of,
        "'as of' moves forward: {first_as_of} then {second_as_of}"
    );
    assert!(app.text(&tid("as-of")).await?.starts_with("As of"));
    assert_eq!(
        world.server.log.count("GET", "/invitations/sent") - pages_before,
        SEEDED.div_ceil(10),
        "one request per page of 10"
    );
    assert!(app
        .text(&tid("sent-status"))
        .await?
        .contains(&format!("{SEEDED} pending invitations")));

    // Older than N days: only old rows, exactly as many as the fake holds.
    let old = older_than(&world.pending(), N);
    assert!(
        old.len() > 5 && old.len() < SEEDED,
        "the seed has varied ages"
    );
    let old_keys: BTreeSet<String> = old.iter().map(|s| row_key(&account, s)).collect();
    app.fill(&tid("filter-older-than"), &N.to_string()).await?;
    wait_row_count(&app, "sent-table", old.len()).await?;
    let shown = rendered_keys(&app, "sent-row").await?;
    assert_eq!(
        shown.iter().cloned().collect::<BTreeSet<_>>(),
        old_keys,
        "every rendered row is an old invitation, and all of them fit in view"
    );
    assert!(old.iter().all(|s| s.id.len() == 19));
    let ages = texts(&app, &tid("age")).await?;
    assert!(
        ages.iter().all(|a| a.starts_with("about ")),
        "weeks, months and years are lower bounds: {ages:?}"
    );

    // Pin the oldest row (the table is sorted by age, oldest first).
    let pinned_key = shown[0].clone();
    let pinned = old
        .iter()
        .find(|s| row_key(&account, s) == pinned_key)
        .expect("the pinned row is one of the fake's")
        .clone();
    app.click(&in_row(&pinned_key, "pin-toggle")).await?;
    app.wait_until("the pin shows", || async {
        Ok(attr(&app, &in_row(&pinned_key, "pin-toggle"), "aria-pressed").await? == "true")
    })
    .await?;
    app.wait_for_text(&tid("sent-status"), "1 pinned").await?;
    assert!(
        app.wait_for(&in_row(&pinned_key, "row-withdraw"))
            .await?
            .attr("disabled")
            .await?
            .is_some(),
        "a pinned row cannot be withdrawn"
    );
    app.screenshot("sent-02-older-than-pinned").await?;

    // "Withdraw everything older than N days" → the preview.
    app.fill(&tid("withdraw-days"), &N.to_string()).await?;
    app.click(&tid("withdraw-older-than")).await?;
    app.wait_for(&tid("preview-dialog")).await?;
    let to_withdraw: Vec<&Sent> = old.iter().filter(|s| s.id != pinned.id).collect();
    assert_eq!(
        attr(&app, &tid("preview-count"), "data-count").await?,
        to_withdraw.len().to_string()
    );
    assert_eq!(
        attr(&app, &tid("preview-skipped-pinned"), "data-count").await?,
        "1"
    );
    let warnings = app.text(&tid("preview-warnings")).await?;
    assert!(warnings.contains("cannot be undone"), "{warnings}");
    assert!(warnings.contains("about three weeks"), "{warnings}");
    assert!(app
        .text(&tid("preview-per-account"))
        .await?
        .contains("0–0 s"));
    let listed = rendered_keys(&app, "preview-item").await?;
    assert!(!listed.is_empty() && !listed.contains(&pinned_key));
    assert!(listed.iter().all(|k| old_keys.contains(k)));
    app.screenshot("sent-03-preview").await?;

    // Export the exact list.
    app.click(&tid("preview-export-csv")).await?;
    let saved = app.text(&tid("preview-export-path")).await?;
    let path = std::path::PathBuf::from(
        saved
            .split_once("Saved to ")
            .map(|(_, p)| p.trim())
            .ok_or_else(|| format!("no path in {saved:?}"))?,
    );
    assert!(
        path.starts_with(world.desktop.dir("")),
        "the CSV goes to the user's own folders: {}",
        path.display()
    );
    let csv = std::fs::read_to_string(&path)?;
    let lines: Vec<&str> = csv.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines.len(),
        1 + to_withdraw.len(),
        "header + one line per row:\n{csv}"
    );
    assert!(lines[0].contains("Name") && lines[0].contains("Profile"));
    for s in &to_withdraw {
        assert!(
            csv.contains(&profile_url(s)),
            "{} missing:\n{csv}",
            s.public_id
        );
    }
    assert!(
        !csv.contains(&profile_url(&pinned)),
        "pinned row exported:\n{csv}"
    );

    // Confirm: the job runs to the end.
    app.click(&tid("confirm-button")).await?;
    app.wait_until("the preview closes", || async {
        Ok(app.count(&tid("preview-dialog")).await? == 0)
    })
    .await?;
    let panel = tid("job-progress");
    wait_job_finished(&app, &panel, Duration::from_secs(60)).await?;
    assert_eq!(
        attr(&app, &tid("job-done-count"), "data-count").await?,
        to_withdraw.len().to_string()
    );
    assert_eq!(
        app.text(&tid("job-succeeded-count")).await?,
        format!("{} withdrawn", to_withdraw.len())
    );
    assert_eq!(app.count(&tid("job-failed-count")).await?, 0);
    // Only the pinned row is left under the filter.
    wait_row_count(&app, "sent-table", 1).await?;
    assert_eq!(
        rendered_keys(&app, "sent-row").await?,
        vec![pinned_key.clone()]
    );
    app.screenshot("sent-04-job-finished").await?;

    // The provider: those invitations are gone, the pinned one is not, one request each.
    let pending: BTreeSet<String> = world.pending().into_iter().map(|s| s.id).collect();
    assert_eq!(pending.len(), SEEDED - to_withdraw.len());
    assert!(pending.contains(&pinned.id));
    assert!(to_withdraw.iter().all(|s| !pending.contains(&s.id)));
    let expected: BTreeMap<String, usize> = to_withdraw
        .iter()
        .map(|s| (s.public_id.clone(), 1))
        .collect();
    assert_eq!(
        world.withdraw_requests(),
        expected,
        "exactly one withdrawal each"
    );

    // N typed on Sent was for that withdrawal only: the account's default is unchanged.
    app.click(&tid("nav-settings")).await?;
    app.wait_for(&tid("settings-older-than")).await?;
    let default_days = js(
        &app,
        "return document.querySelector('[data-testid=settings-older-than]').value;",
    )
    .await?;
    assert_eq!(default_days.as_str(), Some("30"));

    // Activity: one record per withdrawal, re-invite after withdrawal + 21 days.
    app.click(&tid("nav-activity")).await?;
    wait_row_count(&app, "activity-table", to_withdraw.len()).await?;
    let badges = attrs(&app, &tid("activity-action-badge"), "data-action").await?;
    assert!(!badges.is_empty());
    assert!(badges.iter().all(|b| b.as_deref() == Some("withdrawn")));
    let names = texts(&app, &format!("{} .name", tid("activity-row"))).await?;
    let withdrawn_names: BTreeSet<String> = to_withdraw
        .iter()
        .map(|s| format!("{} {}", s.first_name, s.last_name))
        .collect();
    assert!(
        names.iter().all(|n| withdrawn_names.contains(n)),
        "{names:?}"
    );
    // The date 21 days from now, formatted as the table formats it.
    let in_21_days = js(
        &app,
        "const d = new Date(Date.now() + 21 * 86400000);\
         const opts = d.getFullYear() === new Date().getFullYear()\
           ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' };\
         return new Intl.DateTimeFormat(undefined, opts).format(d);",
    )
    .await?;
    let reinvite = texts(&app, &tid("reinvite-after")).await?;
    assert_eq!(reinvite.len(), names.len());
    assert!(
        reinvite
            .iter()
            .all(|r| Some(r.as_str()) == in_21_days.as_str()),
        "re-invite dates {reinvite:?}, expected {in_21_days}"
    );
    let reinvite_cells = texts(&app, &format!("{} .reinvite", tid("activity-row"))).await?;
    assert!(
        reinvite_cells.iter().all(|c| c.contains("in 21 days")),
        "{reinvite_cells:?}"
    );
    // At the default window size each record is one line: no column wraps its account or date
    // and nothing scrolls sideways.
    let layout = app
        .client
        .execute(
            "const table = document.querySelector('[data-testid=activity-table]'); \
             const scroller = table.firstElementChild; \
             const wrapped = []; \
             for (const cell of table.querySelectorAll('[data-testid=activity-row] [role=cell]')) { \
               const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT); \
               for (let t = walk.nextNode(); t; t = walk.nextNode()) { \
                 if (t.textContent.trim() === '') continue; \
                 const range = document.createRange(); range.selectNodeContents(t); \
                 const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top))); \
                 if (tops.size > 1) wrapped.push(t.textContent.trim()); \
               } \
             } \
             return { sideways: scroller.scrollWidth - scroller.clientWidth, wrapped };",
            vec![],
        )
        .await?;
    assert!(
        layout["sideways"].as_f64().unwrap_or(f64::NAN) <= 1.0,
        "Activity scrolls sideways: {layout}"
    );
    assert_eq!(layout["wrapped"], json!([]), "cells wrap: {layout}");
    app.screenshot("activity-01-withdrawals").await?;

    // At the window's minimum size (tauri.conf.json: 900 × 560) Activity and Sent still fit:
    // columns and header actions wrap, nothing scrolls sideways. Activity puts the time under
    // the date, the account under the person and the days pending under the day sent.
    app.client.set_window_size(900, 560).await?;
    app.wait_until("the window shrinks to its minimum", || async {
        Ok(js(&app, "return window.innerWidth;").await?.as_f64() <= Some(900.0))
    })
    .await?;
    app.screenshot("activity-02-minimum-window").await?;
    assert_fits_sideways(&app, "Activity").await?;
    let pending = texts(&app, &tid("activity-days-pending")).await?;
    assert_eq!(
        pending.len(),
        names.len(),
        "days pending under each day sent"
    );
    app.click(&tid("nav-sent")).await?;
    app.wait_for(&tid("sent-table")).await?;
    assert_fits_sideways(&app, "Sent").await?;
    app.screenshot("sent-08-minimum-window").await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn a_job_killed_mid_run_is_offered_at_start_and_resumes_without_repeating() -> TestResult {
    const N: u32 = 150;
    let world = ConnectSafelyDesk::start(SEEDED)?;
    let app = world.desktop.launch().await?;
    add_connectsafely_account(&app, DEFAULT_KEY).await?;
    // 2–3 s between withdrawals: time to kill the app between two of them.
    set_pacing(&app, 2, 3).await?;
    open_sent_and_wait_for_rows(&app, SEEDED).await?;

    let old = older_than(&world.pending(), N);
    let total = old.len();
    assert!(total >= 4, "enough items to stop in the middle: {total}");
    app.fill(&tid("withdraw-days"), &N.to_string()).await?;
    app.click(&tid("withdraw-older-than")).await?;
    assert_eq!(
        attr(&app, &tid("preview-count"), "data-count").await?,
        total.to_string()
    );
    app.click(&tid("confirm-button")).await?;
    let job_id = attr(&app, &tid("job-progress"), "data-job-id").await?;
    wait_long(
        &app,
        Duration::from_secs(30),
        "two withdrawals are done",
        || async {
            Ok(attr(&app, &tid("job-done-count"), "data-count")
                .await?
                .parse::<usize>()?
                >= 2)
        },
    )
    .await?;

    // Kill it hard in the pause before the next withdrawal.
    kill_app(&world.desktop)?;
    drop(app);
    let withdrawn_at_kill: usize = world.withdraw_requests().values().sum();
    assert!(
        (2..total).contains(&withdrawn_at_kill),
        "killed mid-job: {withdrawn_at_kill} of {total} withdrawn"
    );

    // The next start offers the interrupted job.
    let app = world.desktop.launch().await?;
    let offered = format!("{}[data-job-id=\"{job_id}\"]", tid("interrupted-job"));
    let text = app.text(&offered).await?;
    assert!(
        text.contains(&format!("{withdrawn_at_kill} of {total} done")),
        "says where it stopped: {text}"
    );
    app.screenshot("sent-05-interrupted-job").await?;
    app.click(&format!("{offered} {}", tid("job-resume")))
        .await?;
    app.wait_until("the offer goes away", || async {
        Ok(app.count(&tid("interrupted-job")).await? == 0)
    })
    .await?;
    let panel = format!("{}[data-job-id=\"{job_id}\"]", tid("job-progress"));
    wait_job_finished(&app, &panel, Duration::from_secs(60)).await?;
    assert_eq!(
        attr(
            &app,
            &format!("{panel} {}", tid("job-done-count")),
            "data-count"
        )
        .await?,
        total.to_string()
    );
    assert_eq!(
        app.count(&format!("{panel} {}", tid("job-failed-count")))
            .await?,
        0
    );
    app.screenshot("sent-06-resumed-job-finished").await?;

    // Every invitation withdrawn, none of them twice.
    let pending: BTreeSet<String> = world.pending().into_iter().map(|s| s.id).collect();
    assert!(old.iter().all(|s| !pending.contains(&s.id)));
    assert_eq!(pending.len(), SEEDED - total);
    let expected: BTreeMap<String, usize> = old.iter().map(|s| (s.public_id.clone(), 1)).collect();
    assert_eq!(
        world.withdraw_requests(),
        expected,
        "one withdraw request per invitation across the crash"
    );

    app.click(&tid("nav-activity")).await?;
    wait_row_count(&app, "activity-table", total).await?;
    app.screenshot("activity-02-after-resume").await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn a_second_launch_hands_over_to_the_running_app_and_its_job_goes_on() -> TestResult {
    const N: u32 = 150;
    let world = ConnectSafelyDesk::start(SEEDED)?;
    let app = world.desktop.launch().await?;
    add_connectsafely_account(&app, DEFAULT_KEY).await?;
    // 1 s between withdrawals: the job is still running when the second launch comes.
    set_pacing(&app, 1, 1).await?;
    open_sent_and_wait_for_rows(&app, SEEDED).await?;
    let old = older_than(&world.pending(), N);
    let total = old.len();
    assert!(total >= 4, "a job long enough to overlap: {total}");
    app.fill(&tid("withdraw-days"), &N.to_string()).await?;
    app.click(&tid("withdraw-older-than")).await?;
    app.click(&tid("confirm-button")).await?;
    let job_id = attr(&app, &tid("job-progress"), "data-job-id").await?;
    let panel = format!("{}[data-job-id=\"{job_id}\"]", tid("job-progress"));
    let first = app_pids(&world.desktop);
    assert_eq!(first.len(), 1);

    // The user starts InviteDesk again: the second process hands over and exits.
    let status = world.desktop.launch_again(Duration::from_secs(20))?;
    assert!(status.success(), "the second launch exited with {status}");
    assert_eq!(app_pids(&world.desktop), first, "still the one app");
    assert_eq!(
        attr(&app, &panel, "data-state").await?,
        "running",
        "the running job was not touched"
    );
    assert_eq!(app.count(&tid("interrupted-job")).await?, 0);

    wait_job_finished(&app, &panel, Duration::from_secs(60)).await?;
    let expected: BTreeMap<String, usize> = old.iter().map(|s| (s.public_id.clone(), 1)).collect();
    assert_eq!(world.withdraw_requests(), expected, "each withdrawn once");
    app.close().await
}

/// Holds the `nth` withdraw request in the fake until released, then applies it whether or not
/// the app is still there to hear the answer (as a provider that queued the call does), and
/// records what the fake's handler answered to every withdraw request that reached it.
struct WithdrawGate {
    hold_nth: usize,
    seen: AtomicUsize,
    release: tokio::sync::watch::Sender<bool>,
    held: Mutex<Option<String>>,
    /// The held request's status, once the fake applied it.
    settled: Mutex<Option<u16>>,
    answers: Mutex<Vec<(String, u16)>>,
}

impl WithdrawGate {
    fn holding(nth: usize) -> Arc<Self> {
        Arc::new(WithdrawGate {
            hold_nth: nth,
            seen: AtomicUsize::new(0),
            release: tokio::sync::watch::channel(false).0,
            held: Mutex::new(None),
            settled: Mutex::new(None),
            answers: Mutex::new(Vec::new()),
        })
    }

    fn layer(self: &Arc<Self>) -> impl FnOnce(axum::Router) -> axum::Router + Send + 'static {
        let gate = self.clone();
        move |router| {
            router.layer(axum::middleware::from_fn(
                move |request: axum::extract::Request, next: axum::middleware::Next| {
                    let gate = gate.clone();
                    async move { gate.handle(request, next).await }
                },
            ))
        }
    }

    async fn handle(
        self: Arc<Self>,
        request: axum::extract::Request,
        next: axum::middleware::Next,
    ) -> axum::response::Response {
        if !(request.method() == axum::http::Method::POST
            && request.uri().path().ends_with("/invitations/withdraw"))
        {
            return next.run(request).await;
        }
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 20)
            .await
            .unwrap_or_default();
        let profile = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v["profileId"].as_str().map(str::to_string))
            .unwrap_or_default();
        let held = self.seen.fetch_add(1, Ordering::SeqCst) + 1 == self.hold_nth;
        if held {
            *self.held.lock().unwrap() = Some(profile.clone());
        }
        let request = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
        // Detached from the connection: a client that hangs up does not cancel it.
        let gate = self.clone();
        let work = tokio::spawn(async move {
            if held {
                let mut released = gate.release.subscribe();
                let _ = released.wait_for(|r| *r).await;
            }
            let response = next.run(request).await;
            let status = response.status().as_u16();
            gate.answers.lock().unwrap().push((profile, status));
            if held {
                *gate.settled.lock().unwrap() = Some(status);
            }
            response
        });
        use axum::response::IntoResponse;
        work.await
            .unwrap_or_else(|_| axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }

    fn held(&self) -> Option<String> {
        self.held.lock().unwrap().clone()
    }

    fn settled(&self) -> Option<u16> {
        *self.settled.lock().unwrap()
    }

    fn answers(&self) -> Vec<(String, u16)> {
        self.answers.lock().unwrap().clone()
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn a_withdrawal_held_by_the_provider_across_a_kill_is_checked_only_once_it_cannot_land(
) -> TestResult {
    const N: u32 = 150;
    // The third withdrawal waits in the fake until the test lets it go, and is applied then
    // even though the app that sent it is dead: the provider had it queued.
    let gate = WithdrawGate::holding(3);
    let world = ConnectSafelyDesk::start_wrapped_with_env(
        SEEDED,
        gate.layer(),
        // A 20 s request timeout: the provider can apply a write until 40 s after it started.
        // The kill, a cold relaunch and the resume must all fit inside that window for the
        // check to still be waiting when the test looks (8 s was too tight on a fresh CI
        // machine, 15 s on a loaded one).
        &[("INVITEDESK_TEST_HTTP_TIMEOUT_MS", "20000".to_string())],
    )?;
    let app = world.desktop.launch().await?;
    let account = add_connectsafely_account(&app, DEFAULT_KEY).await?;
    set_pacing(&app, 0, 0).await?;
    open_sent_and_wait_for_rows(&app, SEEDED).await?;

    let old = older_than(&world.pending(), N);
    let total = old.len();
    app.fill(&tid("withdraw-days"), &N.to_string()).await?;
    app.click(&tid("withdraw-older-than")).await?;
    assert_eq!(
        attr(&app, &tid("preview-count"), "data-count").await?,
        total.to_string()
    );
    app.click(&tid("confirm-button")).await?;
    let job_id = attr(&app, &tid("job-progress"), "data-job-id").await?;
    wait_long(
        &app,
        Duration::from_secs(30),
        "the third withdrawal is in flight",
        || async { Ok(gate.held().is_some()) },
    )
    .await?;
    app.wait_until("two withdrawals show as done", || async {
        Ok(attr(&app, &tid("job-done-count"), "data-count").await? == "2")
    })
    .await?;

    // Kill the app while its call is in the provider's hands.
    kill_app(&world.desktop)?;
    drop(app);
    let in_flight = gate.held().expect("held");

    // The next start: the job stopped with one call in an unknown state.
    let app = world.desktop.launch().await?;
    let offered = format!("{}[data-job-id=\"{job_id}\"]", tid("interrupted-job"));
    let text = app.text(&offered).await?;
    assert!(text.contains(&format!("2 of {total} done")), "{text}");
    app.click(&format!("{offered} {}", tid("job-resume")))
        .await?;
    let panel = format!("{}[data-job-id=\"{job_id}\"]", tid("job-progress"));
    // The call in doubt waits for its check; the rest go on meanwhile.
    let checking = format!("{panel} {}", tid("job-checking-count"));
    if let Err(e) = wait_long(
        &app,
        Duration::from_secs(20),
        "the call in doubt shows as being checked",
        || async { Ok(app.count(&checking).await? == 1) },
    )
    .await
    {
        let shown = app.text(&panel).await.unwrap_or_default();
        let _ = app.screenshot("sent-07-not-checking").await;
        return Err(format!(
            "{e}; the panel shows {shown:?}; withdrawals of the held one so far: {:?}",
            world.withdraw_requests().get(&in_flight)
        )
        .into());
    }
    assert_eq!(
        world.withdraw_requests().get(&in_flight),
        Some(&1),
        "not sent again while it could still land"
    );
    app.screenshot("sent-07-checking-after-kill-in-call")
        .await?;
    // Now the provider applies the held call, after the resumed job is running: a check made
    // at once would have seen it pending and sent it a second time.
    let _ = gate.release.send(true);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while gate.settled().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the held request was not applied"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(gate.settled(), Some(200));

    wait_job_finished(&app, &panel, Duration::from_secs(60)).await?;
    assert_eq!(
        attr(
            &app,
            &format!("{panel} {}", tid("job-done-count")),
            "data-count"
        )
        .await?,
        total.to_string()
    );
    assert_eq!(
        app.count(&format!("{panel} {}", tid("job-failed-count")))
            .await?,
        0
    );

    // The interrupted item: checked once it could no longer land, found withdrawn, not sent
    // again.
    let held = old
        .iter()
        .find(|s| s.public_id == in_flight)
        .expect("the held request was for one of the job's invitations");
    app.click(&format!("{panel} {}", tid("job-items-toggle")))
        .await?;
    let outcome_css = format!(
        "{}[data-key=\"{}\"] {}",
        tid("job-item"),
        row_key(&account, held),
        tid("job-item-outcome")
    );
    let outcome = attr(&app, &outcome_css, "data-outcome").await?;
    assert_eq!(outcome, "alreadyGone", "the interrupted call {in_flight}");

    // At the fake: every invitation withdrawn exactly once, and no request ever reached it for
    // an invitation that was already withdrawn (that would answer 400).
    let pending: BTreeSet<String> = world.pending().into_iter().map(|s| s.id).collect();
    assert!(old.iter().all(|s| !pending.contains(&s.id)));
    let answers = gate.answers();
    assert!(
        answers.iter().all(|(_, status)| *status == 200),
        "a withdrawal was sent for an invitation already withdrawn: {answers:?}"
    );
    let mut per_profile: BTreeMap<String, usize> = BTreeMap::new();
    for (profile, _) in &answers {
        *per_profile.entry(profile.clone()).or_insert(0) += 1;
    }
    let expected: BTreeMap<String, usize> = old.iter().map(|s| (s.public_id.clone(), 1)).collect();
    assert_eq!(per_profile, expected, "each invitation withdrawn once");
    app.close().await
}
