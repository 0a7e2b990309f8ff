//! LinkupAPI end to end: every page costs the user a credit, so each action must list exactly
//! the pages it needs. Adding an account costs page 1 once (the key test); opening Sent costs
//! one listing, even when the user leaves and comes back while it runs.

use std::time::Duration;

use crate::flows::{row_count, tid, wait_long};
use crate::harness::{App, Desktop, TestResult};
use crate::support::linkup::{LinkupFake, BASE_PATH, DEFAULT_CREDITS, SENT_PATH};
use crate::support::{serve_in_thread, Controls, FakeServer};

const KEY: &str = "lk_e2e_credits_7Hq2";
const TOKEN: &str = "AQEDAT-e2e-login-token-credits";
/// 7 pages of 10.
const SENT: usize = 65;

fn credits_spent(fake: &LinkupFake) -> u64 {
    DEFAULT_CREDITS - fake.credits_left()
}

async fn add_linkup_account(app: &App) -> TestResult {
    app.click(&tid("empty-add-account")).await?;
    app.wait_for(&tid("add-account-dialog")).await?;
    app.wait_for(&tid("provider-select"))
        .await?
        .select_by_value("linkup")
        .await?;
    app.fill(&tid("api-key-input"), KEY).await?;
    app.fill(&tid("login-token-input"), TOKEN).await?;
    app.fill(&tid("country-input"), "FR").await?;
    app.click(&tid("test-and-save")).await?;
    app.wait_for(&tid("discovered-account")).await?;
    app.click(&tid("add-selected")).await?;
    app.wait_for(&tid("account-added")).await?;
    Ok(())
}

/// The page ranges asked of the sent list so far, for failure messages.
fn listing_pages(server: &FakeServer) -> Vec<String> {
    server
        .log
        .matching("POST", SENT_PATH)
        .iter()
        .map(|r| {
            let body = r.json();
            format!("{}-{}", body["start_page"], body["end_page"])
        })
        .collect()
}

/// Waits until the refresh ended with every row shown, then a little more, so a stray second
/// listing would have time to show in the counts.
async fn wait_for_listing(app: &App) -> TestResult {
    wait_long(
        app,
        Duration::from_secs(30),
        "the refresh fills the table",
        || async {
            Ok(app.count(&tid("refresh-progress")).await? == 0
                && row_count(app, "sent-table").await? == SENT)
        },
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn each_action_costs_exactly_the_pages_it_needs() -> TestResult {
    let fake = LinkupFake::new(KEY, TOKEN).with_sent(SENT);
    let server = {
        let fake = fake.clone();
        serve_in_thread(move || fake.router(), Controls::new(BASE_PATH))
    };
    // Slow enough that the user can move around while a listing runs, as with the real API.
    server.faults.set_latency(Duration::from_millis(400));
    let desktop = Desktop::start(&[("INVITEDESK_LINKUP_URL", server.base_url.clone())])?;
    let app = desktop.launch().await?;

    app.wait_for(&tid("empty-state")).await?;
    add_linkup_account(&app).await?;
    assert_eq!(
        credits_spent(&fake),
        1,
        "testing and adding the key reads page 1 once: {:?}",
        server.requests()
    );

    // First visit to Sent: it refreshes by itself, once.
    app.click(&tid("nav-sent")).await?;
    wait_for_listing(&app).await?;
    assert_eq!(
        credits_spent(&fake),
        1 + 7,
        "one look at Sent lists the 7 pages once: {:?}",
        listing_pages(&server)
    );

    // Refresh, look elsewhere, come back while it runs and press Refresh again: still one
    // listing, which the screen shows running.
    app.click(&tid("refresh-button")).await?;
    app.wait_for(&tid("refresh-progress")).await?;
    app.click(&tid("nav-accounts")).await?;
    app.click(&tid("nav-sent")).await?;
    app.click(&tid("refresh-button")).await?;
    app.wait_for(&tid("refresh-progress")).await?;
    wait_for_listing(&app).await?;
    assert_eq!(
        credits_spent(&fake),
        1 + 7 + 7,
        "two presses of Refresh during one listing cost one listing: {:?}",
        listing_pages(&server)
    );
    app.screenshot("linkup-01-sent-after-one-listing").await?;
    app.close().await
}
