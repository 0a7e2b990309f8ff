//! Insights in the real window: the demo workspace's months of history drawn by Chart.js under
//! the app's CSP (no CSP violation while the charts draw and show their numbers), in the light and
//! the dark theme, with numbers on hover and a CSV export.

use serde_json::{json, Value};

use crate::flows::{js, row_count, tid};
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
    for chart in CHARTS {
        app.wait_for(&format!("{}[data-drawn]", tid(chart))).await?;
    }
    Ok(())
}

const CHARTS: [&str; 4] = [
    "days-chart",
    "weeks-chart",
    "backlog-chart",
    "actions-chart",
];

/// Records every CSP violation from now on in the page (`window.__cspViolations`).
async fn record_csp_violations(app: &App) -> TestResult {
    js(
        app,
        "window.__cspViolations = [];\
         document.addEventListener('securitypolicyviolation', (e) =>\
           window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));",
    )
    .await?;
    Ok(())
}

/// The violations recorded so far, once the events of the last frame were delivered.
async fn csp_violations(app: &App) -> TestResult<Vec<String>> {
    let script = "const done = arguments[arguments.length - 1];\
        requestAnimationFrame(() => setTimeout(() => done(window.__cspViolations), 200));";
    let v = app.client.execute_async(script, vec![]).await?;
    Ok(serde_json::from_value(v)?)
}

/// What a chart's canvas holds: how many pixels are painted at all, and how many have exactly
/// the colour of the app.css variable `css_var` in the current theme.
async fn canvas_pixels(app: &App, chart: &str, css_var: &str) -> TestResult<(u64, u64)> {
    let script = "const [chart, name] = arguments;\
        const canvas = document.querySelector(`[data-testid=\"${chart}\"] canvas`);\
        const hex = getComputedStyle(document.documentElement).getPropertyValue(name).trim();\
        const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));\
        const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;\
        let ink = 0, match = 0;\
        for (let i = 0; i < px.length; i += 4) {\
          if (px[i + 3] > 0) ink++;\
          if (px[i + 3] === 255 && px[i] === want[0] && px[i + 1] === want[1] && px[i + 2] === want[2]) match++;\
        }\
        return [ink, match, canvas.width * canvas.height];";
    let v: Value = app
        .client
        .execute(script, vec![json!(chart), json!(css_var)])
        .await?;
    let (ink, matching, all) = (
        v[0].as_u64().ok_or("no canvas")?,
        v[1].as_u64().unwrap_or(0),
        v[2].as_u64().unwrap_or(0),
    );
    assert!(all > 10_000, "{chart}'s canvas has a size: {all} pixels");
    Ok((ink, matching))
}

/// Moves the mouse over a chart, `at` of the way across its canvas, as Chart.js listens for it.
async fn hover(app: &App, chart: &str, at: f64) -> TestResult {
    js(
        app,
        &format!(
            "const c = document.querySelector('[data-testid=\"{chart}\"] canvas');\
             const r = c.getBoundingClientRect();\
             c.dispatchEvent(new MouseEvent('mousemove', {{ bubbles: true,\
               clientX: r.left + r.width * {at}, clientY: r.top + r.height / 2 }}));"
        ),
    )
    .await?;
    app.wait_for(&tid(&format!("{chart}-tooltip"))).await?;
    Ok(())
}

/// Every chart drew, with bars or the line in the theme's colours from app.css.
async fn assert_charts_drawn(app: &App) -> TestResult {
    for chart in CHARTS {
        let (ink, _) = canvas_pixels(app, chart, "--success").await?;
        assert!(
            ink > 2_000,
            "{chart} drew on its canvas: {ink} painted pixels"
        );
    }
    let (_, green) = canvas_pixels(app, "weeks-chart", "--success").await?;
    assert!(
        green > 500,
        "the accepted share is drawn in --success: {green} pixels"
    );
    let (_, blue) = canvas_pixels(app, "backlog-chart", "--accent").await?;
    assert!(
        blue > 50,
        "the backlog line is drawn in --accent: {blue} pixels"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn insights_draws_the_demo_history_in_the_light_theme() -> TestResult {
    let desktop = Desktop::start(&[])?;
    let app = desktop.launch().await?;
    record_csp_violations(&app).await?;
    open_demo_insights(&app).await?;

    let finding = app.text(&tid("insights-finding")).await?;
    assert!(
        finding.contains("of acceptances came within")
            && finding.contains("pending 30 days or more"),
        "the finding names the share and the threshold: {finding:?}"
    );
    assert_charts_drawn(&app).await?;
    let accepted: u32 = app
        .text(&tid("total-accepted"))
        .await?
        .replace(',', "")
        .parse()?;
    assert!(accepted > 100, "months of acceptances: {accepted}");

    // Numbers on hover: point at the first weeks of the acceptance chart.
    hover(&app, "weeks-chart", 0.12).await?;
    let tip = app.text(&tid("weeks-chart-tooltip")).await?;
    assert!(
        tip.starts_with("Week of") && tip.contains(" sent") && tip.contains("Accepted"),
        "{tip:?}"
    );
    app.screenshot("insights-1-light").await?;

    // A lower threshold moves the marker and the finding.
    app.fill(&tid("insights-threshold"), "12").await?;
    app.wait_for_text(&tid("insights-finding"), "pending 12 days or more")
        .await?;
    // The numbers behind the chart, as a table opened on demand.
    app.click(&format!("{} summary", tid("days-chart-numbers")))
        .await?;
    app.wait_for(&tid("days-chart-table")).await?;
    js(
        &app,
        "document.querySelector('[data-testid=\"days-chart-table\"]').scrollIntoView({ block: 'center' });",
    )
    .await?;
    app.screenshot("insights-1c-numbers-table").await?;
    let caption = js(
        &app,
        "return document.querySelector('[data-testid=\"days-chart-table\"] caption').textContent;",
    )
    .await?;
    assert!(
        caption
            .as_str()
            .unwrap_or("")
            .contains("Withdraw after 12 d"),
        "{caption}"
    );

    // Each series exports as CSV through the same path as Activity.
    app.click(&tid("chart-days-csv")).await?;
    let saved = app.text(&tid("insights-export-path")).await?;
    assert!(saved.contains("invitedesk-days-to-accept-"), "{saved:?}");

    // The charts follow the window's width (narrower: one column of wider charts).
    let width =
        "return document.querySelector('[data-testid=\"weeks-chart\"] canvas').clientWidth;";
    let wide = js(&app, width).await?.as_u64().ok_or("no canvas")?;
    app.client.set_window_size(960, 720).await?;
    app.wait_until("the weeks chart resizes with the window", || async {
        Ok(js(&app, width)
            .await?
            .as_u64()
            .unwrap_or(wide)
            .abs_diff(wide)
            > 50)
    })
    .await?;
    assert_charts_drawn(&app).await?;
    app.screenshot("insights-1b-narrow").await?;

    let violations = csp_violations(&app).await?;
    assert!(
        violations.is_empty(),
        "the charts drew and showed their numbers within the CSP: {violations:?}"
    );
    // The listener does hear the CSP: a style attribute set on purpose is refused and reported.
    js(
        &app,
        "const probe = document.createElement('div'); document.body.append(probe);\
         probe.setAttribute('style', 'outline: 1px solid red'); probe.remove();",
    )
    .await?;
    let violations = csp_violations(&app).await?;
    assert!(
        violations.len() == 1 && violations[0].starts_with("style-src"),
        "an inline style is reported: {violations:?}"
    );
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
    // The meter loads after the rows; Refresh and the switcher are where they were without it
    // (before, its arrival wrapped the header and moved Refresh 250 px under the pointer).
    let with_meter = main_action_boxes(&app).await?;
    app.client
        .execute(
            "document.querySelector('[data-testid=limits-meter]').style.display = 'none';",
            vec![],
        )
        .await?;
    let without_meter = main_action_boxes(&app).await?;
    assert_eq!(
        with_meter, without_meter,
        "Refresh and the account switcher keep their place whether the meter shows or not"
    );

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
    record_csp_violations(&app).await?;
    open_demo_insights(&app).await?;
    // Drawn in the dark theme's colours (app.css gives --success another value there).
    assert_charts_drawn(&app).await?;
    hover(&app, "days-chart", 0.1).await?;
    let tip = app.text(&tid("days-chart-tooltip")).await?;
    assert!(
        tip.contains(" pending") && tip.contains("Acceptances"),
        "{tip:?}"
    );
    app.screenshot("insights-2-dark").await?;
    let violations = csp_violations(&app).await?;
    assert!(violations.is_empty(), "{violations:?}");
    app.close().await
}

/// Where Refresh and the account switcher are on screen (x, y of each), two frames after now.
async fn main_action_boxes(app: &App) -> TestResult<serde_json::Value> {
    Ok(app
        .client
        .execute_async(
            "const done = arguments[0];
             requestAnimationFrame(() => requestAnimationFrame(() => done(
               ['refresh-button', 'account-switcher'].map((id) => {
                 const r = document.querySelector(`[data-testid=${id}]`).getBoundingClientRect();
                 return [Math.round(r.x), Math.round(r.y)];
               }))));",
            vec![],
        )
        .await?)
}
