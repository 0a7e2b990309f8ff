use crate::harness::{Desktop, TestResult};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn starts_on_the_empty_state_and_navigates_every_screen() -> TestResult {
    let desktop = Desktop::start(&[])?;
    let app = desktop.launch().await?;

    assert_eq!(app.client.title().await?, "InviteDesk");
    let empty = app.text("[data-testid=empty-state]").await?;
    assert!(
        empty.contains("Add an account"),
        "the empty state should say what to do first, got: {empty}"
    );
    app.wait_for("[data-testid=empty-try-demo]").await?;
    app.screenshot("01-empty-state").await?;

    for (i, screen) in [
        "accounts",
        "sent",
        "received",
        "send",
        "activity",
        "insights",
        "autopilot",
        "settings",
    ]
    .iter()
    .enumerate()
    {
        app.click(&format!("[data-testid=nav-{screen}]")).await?;
        app.wait_for(&format!("[data-testid=screen-{screen}]"))
            .await?;
        app.screenshot(&format!("{:02}-{screen}", i + 2)).await?;
    }
    app.close().await
}
