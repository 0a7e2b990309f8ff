//! Autopilot end to end: a withdraw rule on a ConnectSafely account refuses to act before its
//! first preview is confirmed, acts on exactly the previewed list once confirmed, never twice,
//! and Activity names the rule; with close-to-tray on, closing the window keeps the app running
//! and a second launch brings the window back.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::flows::{
    add_connectsafely_account, app_pids, attr, attrs, days_of, set_pacing, texts, tid, wait_long,
    ConnectSafelyDesk,
};
use crate::harness::{App, Desktop, TestResult};
use crate::support::connectsafely::{Sent, DEFAULT_KEY};
use crate::x11::Display;

/// Few enough that the preview shows every row without scrolling.
const SEEDED: usize = 8;
const OLDER_THAN: u32 = 30;

fn run_row(outcome: &str, skip: &str) -> String {
    format!("[data-testid=\"rule-run\"][data-outcome=\"{outcome}\"][data-skip=\"{skip}\"]")
}

async fn wait_run(app: &App, outcome: &str, skip: &str) -> TestResult {
    let css = run_row(outcome, skip);
    wait_long(
        app,
        Duration::from_secs(30),
        &format!("a run {outcome} {skip} in the history"),
        || async { Ok(app.count(&css).await? == 1) },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn a_withdraw_rule_acts_only_on_its_confirmed_preview_and_each_invitation_once() -> TestResult
{
    let world = ConnectSafelyDesk::start(SEEDED)?;
    let app = world.desktop.launch().await?;
    let account = add_connectsafely_account(&app, DEFAULT_KEY).await?;
    set_pacing(&app, 0, 0).await?;
    let old: Vec<Sent> = world
        .pending()
        .into_iter()
        .filter(|s| days_of(&s.sent_at) >= OLDER_THAN)
        .collect();
    assert!(
        !old.is_empty() && old.len() < SEEDED,
        "the fake has old and recent invitations"
    );

    // A new rule: withdraw pending invitations older than 30 days, at most 50 a day.
    app.click(&tid("nav-autopilot")).await?;
    app.wait_for(&tid("autopilot-empty")).await?;
    app.click(&tid("autopilot-new-rule")).await?;
    app.wait_for(&tid("rule-editor")).await?;
    app.fill(&tid("rule-older-than"), &OLDER_THAN.to_string())
        .await?;
    app.fill(&tid("rule-max-per-day"), "50").await?;
    app.screenshot("autopilot-01-rule-editor").await?;
    app.click(&tid("rule-save")).await?;
    app.wait_for(&tid("rule-card")).await?;
    assert_eq!(
        attr(&app, &tid("rule-card"), "data-confirmed").await?,
        "false"
    );
    assert_eq!(app.text(&tid("rule-state")).await?, "Needs first preview");

    // Before its first preview is confirmed, "Run rules now" does nothing, and says why.
    app.click(&tid("autopilot-run-now")).await?;
    app.click(&tid("rule-history-toggle")).await?;
    wait_run(&app, "skipped", "notConfirmed").await?;
    assert!(
        world.withdraw_requests().is_empty(),
        "nothing reached the provider"
    );
    app.screenshot("autopilot-02-not-confirmed").await?;

    // The first preview lists exactly the invitations it would withdraw.
    app.click(&tid("rule-preview")).await?;
    app.wait_for(&tid("preview-dialog")).await?;
    assert_eq!(
        attr(&app, &tid("preview-count"), "data-count").await?,
        old.len().to_string()
    );
    let listed: BTreeSet<String> = attrs(&app, &tid("preview-item"), "data-key")
        .await?
        .into_iter()
        .flatten()
        .collect();
    let expected: BTreeSet<String> = old.iter().map(|s| format!("{account}/{}", s.id)).collect();
    assert_eq!(listed, expected, "the preview is the exact list");
    assert!(
        world.withdraw_requests().is_empty(),
        "a preview acts on nothing"
    );
    app.screenshot("autopilot-03-first-preview").await?;

    // Confirming acts on exactly that list, as a job of the rule.
    app.click(&tid("confirm-button")).await?;
    wait_run(&app, "acted", "").await?;
    let once: BTreeMap<String, usize> = old.iter().map(|s| (s.public_id.clone(), 1)).collect();
    wait_long(
        &app,
        Duration::from_secs(30),
        "the confirmed job withdraws the list",
        || async { Ok(world.withdraw_requests() == once) },
    )
    .await?;
    app.wait_until("the rule is on", || async {
        Ok(attr(&app, &tid("rule-card"), "data-confirmed").await? == "true")
    })
    .await?;

    // "Run rules now" again: nothing is left to do, and nothing is sent twice.
    app.click(&tid("autopilot-run-now")).await?;
    wait_run(&app, "skipped", "nothingToDo").await?;
    assert_eq!(
        world.withdraw_requests(),
        once,
        "each withdrawn exactly once"
    );
    let pending: BTreeSet<String> = world.pending().into_iter().map(|s| s.id).collect();
    assert!(old.iter().all(|s| !pending.contains(&s.id)));
    assert_eq!(pending.len(), SEEDED - old.len());
    app.screenshot("autopilot-04-history").await?;

    // Activity names the rule beside each withdrawal.
    app.click(&tid("nav-activity")).await?;
    app.wait_until("every withdrawal is tagged", || async {
        Ok(app.count(&tid("activity-rule")).await? == old.len())
    })
    .await?;
    let tags = texts(&app, &tid("activity-rule")).await?;
    assert!(
        tags.iter().all(|t| t
            == "Autopilot: Withdraw pending invitations older than 30 days (at most 50 a day)"),
        "{tags:?}"
    );
    app.screenshot("autopilot-05-activity").await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn with_close_to_tray_closing_the_window_keeps_the_app_and_a_second_launch_shows_it(
) -> TestResult {
    let desktop = Desktop::start(&[])?;
    let app = desktop.launch().await?;
    let x = Display::of(&desktop)?;
    assert!(x.is_shown("InviteDesk"));
    app.click(&tid("nav-autopilot")).await?;
    app.click(&tid("close-to-tray")).await?;
    app.wait_until("the setting is saved", || async {
        Ok(crate::flows::prop(&app, &tid("close-to-tray"), "checked")
            .await?
            .as_deref()
            == Some("true"))
    })
    .await?;
    let pids = app_pids(&desktop);
    assert_eq!(pids.len(), 1);

    // Closed as a title bar's close button would: the window goes, the app stays.
    x.request_close("InviteDesk")?;
    app.wait_until("the window is hidden", || async {
        Ok(!x.is_shown("InviteDesk"))
    })
    .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app_pids(&desktop),
        pids,
        "the app keeps running in the tray"
    );

    // Starting InviteDesk again hands over to it: the same app shows its window.
    let status = desktop.launch_again(Duration::from_secs(30))?;
    assert!(status.success(), "the second launch exited with {status}");
    app.wait_until("the window is back", || async {
        Ok(x.is_shown("InviteDesk"))
    })
    .await?;
    assert_eq!(app_pids(&desktop), pids, "still the one app");
    app.wait_for(&tid("screen-autopilot")).await?;
    app.close().await
}
