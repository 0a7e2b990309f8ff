//! Insights in the real window: the demo workspace's months of history drawn as charts under
//! the app's CSP, in the light and the dark theme, with numbers on hover and a CSV export.

use crate::flows::{row_count, tid};
use crate::harness::{App, Desktop, TestResult};

/// Opens the demo workspace, lets Sent record its pending list, then opens Insights.
async fn open_demo_insights(app: &App) -> TestResult {
    app.click("[data-testid=empty-try-demo]").await?;
    app.wait_for(&tid("screen-sent")).await?;
    app.wait_until("the demo's sent invitations show", || async {
        Ok(row_count(app, "sent-table").await? > 0)
    })
    .await?;
    app.click(&tid("nav-insights")).await?;
    app.wait_for(&tid("screen-insights")).await?;
    app.wait_for(&tid("insights-finding")).await?;
    Ok(())
}

/// The charts drew shapes (a CSP that refused them would leave the SVGs empty).
async fn bars_drawn(app: &App, chart: &str) -> TestResult<usize> {
    app.count(&format!("{} rect.seg", tid(chart))).await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn insights_draws_the_demo_history_in_the_light_theme() -> TestResult {
    let desktop = Desktop::start(&[])?;
    let app = desktop.launch().await?;
    open_demo_insights(&app).await?;

    let finding = app.text(&tid("insights-finding")).await?;
    assert!(
        finding.contains("of acceptances came within")
            && finding.contains("pending 30 days or more"),
        "the finding names the share and the threshold: {finding:?}"
    );
    assert!(bars_drawn(&app, "days-chart").await? > 5);
    assert!(bars_drawn(&app, "weeks-chart").await? > 5);
    assert!(bars_drawn(&app, "actions-chart").await? > 5);
    assert_eq!(app.count(&tid("days-chart-marker")).await?, 1);
    let accepted: u32 = app
        .text(&tid("total-accepted"))
        .await?
        .replace(',', "")
        .parse()?;
    assert!(accepted > 100, "months of acceptances: {accepted}");

    // Numbers on hover: point at the first week's bar.
    let bar = app
        .wait_for(&format!("{} g.bar", tid("weeks-chart")))
        .await?;
    app.client
        .execute(
            "arguments[0].dispatchEvent(new PointerEvent('pointerenter'));",
            vec![serde_json::to_value(&bar)?],
        )
        .await?;
    app.wait_for_text(&tid("weeks-chart-readout"), "sent")
        .await?;
    let readout = app.text(&tid("weeks-chart-readout")).await?;
    assert!(
        readout.starts_with("Week of") && readout.contains("accepted"),
        "{readout:?}"
    );
    app.screenshot("insights-1-light").await?;

    // A lower threshold moves the marker and the finding.
    app.fill(&tid("insights-threshold"), "12").await?;
    app.wait_for_text(&tid("insights-finding"), "pending 12 days or more")
        .await?;

    // Each series exports as CSV through the same path as Activity.
    app.click(&tid("chart-days-csv")).await?;
    let saved = app.text(&tid("insights-export-path")).await?;
    assert!(saved.contains("invitedesk-days-to-accept-"), "{saved:?}");
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn limits_show_on_accounts_and_as_a_meter_on_sent_and_send() -> TestResult {
    let desktop = Desktop::start(&[])?;
    let app = desktop.launch().await?;
    open_demo_insights(&app).await?;

    app.click(&tid("nav-sent")).await?;
    app.wait_for_text(&tid("limits-meter"), "withdrawals left today")
        .await?;
    let meter = app.text(&tid("limits-meter")).await?;
    assert!(
        meter.contains("backlog clears"),
        "the stale demo backlog has an ETA: {meter:?}"
    );
    app.screenshot("insights-3-sent-meter").await?;

    app.click(&tid("nav-send")).await?;
    app.wait_for_text(&tid("limits-meter"), "this week").await?;

    app.click(&tid("nav-accounts")).await?;
    // The demo reports its weekly figure like ConnectSafely's quota endpoint.
    app.wait_for_text(&tid("limits-card"), "Demo requests")
        .await?;
    let card = app.text(&tid("limits-card")).await?;
    assert!(card.contains("Withdrawals today"), "{card:?}");
    let eta = app.text(&tid("limits-eta")).await?;
    assert!(
        eta.starts_with("Stale backlog:") && eta.contains("a day"),
        "{eta:?}"
    );
    app.screenshot("insights-4-accounts-limits").await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn insights_is_readable_in_the_dark_theme() -> TestResult {
    let desktop = Desktop::start(&[("GTK_THEME", "Adwaita:dark".to_string())])?;
    let app = desktop.launch().await?;
    let dark = app
        .client
        .execute(
            "return window.matchMedia('(prefers-color-scheme: dark)').matches;",
            vec![],
        )
        .await?;
    assert_eq!(
        dark,
        serde_json::json!(true),
        "the window follows the dark GTK theme"
    );
    open_demo_insights(&app).await?;
    assert!(bars_drawn(&app, "days-chart").await? > 5);
    app.screenshot("insights-2-dark").await?;
    app.close().await
}
