//! Accounts end to end: adding ConnectSafely accounts through the real window against the fake
//! server, switching, renaming, the default, removal (and its keyring entry), a refused key, the
//! demo workspace, keys surviving a restart in the real gnome-keyring, and a key that never
//! reaches a file, a log or the page.

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::json;

use crate::flows::{
    attr_opt, connectsafely_desktop_for, prop, row_count, wait_count, wait_gone, wait_row_count,
};
use crate::harness::{App, Desktop, TestResult};
use crate::support::connectsafely::{AccountSeed, ConnectSafelyFake, BASE_PATH};
use crate::support::{serve_in_thread, Controls, FakeServer};

const AMELIA: &str = "60d21b4667d0d8992e610c85";
const JANE: &str = "60d21b4667d0d8992e610c86";
const RAVI: &str = "60d21b4667d0d8992e610c87";
const AMELIA_SENT: usize = 14;
const JANE_SENT: usize = 6;

/// Three LinkedIn accounts under one key: two usable, one the provider reports as broken.
fn start_fake(key: &str) -> FakeServer {
    let fake = ConnectSafelyFake::new(key)
        .with_account(
            AccountSeed::new(AMELIA)
                .named("Amelia", "Okafor", "amelia-okafor")
                .sent(AMELIA_SENT)
                .received(3),
        )
        .with_account(
            AccountSeed::new(JANE)
                .named("Jane", "Smith", "jane-smith")
                .status("WARMUP")
                .sent(JANE_SENT)
                .received(2),
        )
        .with_account(
            AccountSeed::new(RAVI)
                .named("Ravi", "Kumar", "ravi-kumar")
                .status("ERROR"),
        );
    serve_in_thread(move || fake.router(), Controls::new(BASE_PATH))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn adds_switches_renames_and_removes_connectsafely_accounts() -> TestResult {
    let key = "cs_live_e2e_accounts_Q4rT8w";
    let server = start_fake(key);
    let desktop = connectsafely_desktop_for(&server)?;
    let app = desktop.launch().await?;

    // From the empty state to the discovered accounts.
    app.wait_for("[data-testid=empty-state]").await?;
    app.screenshot("accounts-01-empty").await?;
    app.click("[data-testid=empty-add-account]").await?;
    app.wait_for("[data-testid=add-account-dialog]").await?;
    app.wait_for("[data-testid=provider-select]")
        .await?
        .select_by_value("connectsafely")
        .await?;
    app.fill("[data-testid=api-key-input]", key).await?;
    app.screenshot("accounts-02-add-form").await?;
    app.click("[data-testid=test-and-save]").await?;
    wait_count(&app, "[data-testid=discovered-account]", 3).await?;
    let found = discovered(&app).await?;
    assert_eq!(
        found,
        vec![
            (AMELIA.to_string(), true, true),
            (JANE.to_string(), true, true),
            (RAVI.to_string(), true, false),
        ],
        "every account under the key is listed; the usable ones are ticked, the broken one not"
    );
    for (remote, name, status) in [
        (AMELIA, "Amelia Okafor", "AVAILABLE"),
        (JANE, "Jane Smith", "WARMUP"),
        (RAVI, "Ravi Kumar", "ERROR"),
    ] {
        let text = app.text(&discovered_css(remote)).await?;
        assert!(
            text.contains(name) && text.contains(status),
            "discovered {remote} should show {name} and {status}, got: {text}"
        );
    }
    assert!(app
        .text(&discovered_css(RAVI))
        .await?
        .contains("can’t be used right now"));
    assert_eq!(
        app.text("[data-testid=add-selected]").await?,
        "Add 2 accounts"
    );
    app.screenshot("accounts-03-discovered").await?;
    app.click("[data-testid=add-selected]").await?;

    // The list: two accounts, provider, status ok, only the last 4 characters of the key.
    wait_gone(&app, "[data-testid=add-account-dialog]").await?;
    app.wait_for_text("[data-testid=account-added]", "Added 2 accounts")
        .await?;
    wait_count(&app, "[data-testid=account-row]", 2).await?;
    let amelia = account_id_by_label(&app, "Amelia Okafor").await?;
    let jane = account_id_by_label(&app, "Jane Smith").await?;
    for id in [&amelia, &jane] {
        let row = row_css(id);
        let text = app.text(&row).await?;
        assert!(text.contains("ConnectSafely"), "provider in {text:?}");
        assert_eq!(
            attr_opt(
                &app,
                &format!("{row} [data-testid=account-status]"),
                "data-status"
            )
            .await?,
            Some("ok".into())
        );
        assert_eq!(
            app.text(&format!("{row} [data-testid=account-key-hint]"))
                .await?,
            format!("…{}", &key[key.len() - 4..])
        );
        assert!(
            !text.contains(&key[key.len() - 5..]),
            "no more than 4 characters of the key show: {text:?}"
        );
    }
    assert_eq!(
        app.count(&format!(
            "{} [data-testid=account-default]",
            row_css(&amelia)
        ))
        .await?,
        1,
        "the first account added is the default"
    );
    assert_eq!(
        keyring_entries(&desktop)?,
        sorted(vec![api_key_entry(&amelia), api_key_entry(&jane)]),
        "one keyring entry per account, service invitedesk"
    );
    app.screenshot("accounts-04-list").await?;

    // The header switcher: picking an account marks it on Accounts and changes what Sent shows.
    select(&app, "[data-testid=account-switcher]", &jane).await?;
    app.wait_for(&format!("{}.current", row_css(&jane))).await?;
    app.click("[data-testid=nav-sent]").await?;
    wait_row_count(&app, "sent-table", JANE_SENT).await?;
    assert_eq!(switcher_value(&app).await?, jane);
    select(&app, "[data-testid=account-switcher]", &amelia).await?;
    wait_row_count(&app, "sent-table", AMELIA_SENT).await?;
    select(&app, "[data-testid=account-switcher]", "").await?;
    wait_row_count(&app, "sent-table", AMELIA_SENT + JANE_SENT).await?;
    app.screenshot("accounts-05-sent-all-accounts").await?;

    // Rename one, make it the default.
    app.click("[data-testid=nav-accounts]").await?;
    let jane_row = row_css(&jane);
    app.click(&format!("{jane_row} [data-testid=account-rename]"))
        .await?;
    app.fill("[data-testid=account-rename-input]", "Sales pipeline")
        .await?;
    app.click("[data-testid=account-rename-save]").await?;
    app.wait_for_text(
        &format!("{jane_row} [data-testid=account-label]"),
        "Sales pipeline",
    )
    .await?;
    app.click(&format!("{jane_row} [data-testid=account-set-default]"))
        .await?;
    app.wait_for(&format!("{jane_row} [data-testid=account-default]"))
        .await?;
    wait_count(
        &app,
        &format!("{} [data-testid=account-default]", row_css(&amelia)),
        0,
    )
    .await?;
    let options = app.text("[data-testid=account-switcher]").await?;
    assert!(
        options.contains("Sales pipeline · ConnectSafely"),
        "the switcher shows the new name: {options:?}"
    );
    app.screenshot("accounts-06-renamed-default").await?;

    // Remove the other one, with confirmation; its keyring entry goes with it.
    app.click(&format!(
        "{} [data-testid=account-remove]",
        row_css(&amelia)
    ))
    .await?;
    let dialog = app.text("[data-testid=remove-dialog]").await?;
    assert!(
        dialog.contains("Remove “Amelia Okafor”?") && dialog.contains("keyring"),
        "the confirmation names the account and the keyring: {dialog:?}"
    );
    assert_eq!(
        app.count("[data-testid=account-row]").await?,
        2,
        "nothing is removed before confirming"
    );
    app.screenshot("accounts-07-remove-confirm").await?;
    app.click("[data-testid=confirm-button]").await?;
    app.wait_for_text("[data-testid=accounts-notice]", "was removed")
        .await?;
    wait_count(&app, "[data-testid=account-row]", 1).await?;
    assert_eq!(app.count(&row_css(&amelia)).await?, 0);
    let amelia_calls = sent_calls(&server, AMELIA).len();
    assert_eq!(
        keyring_entries(&desktop)?,
        vec![api_key_entry(&jane)],
        "the removed account's key left the keyring"
    );
    app.screenshot("accounts-08-after-remove").await?;

    // Adding again asks for the key, and offers the removed account again.
    app.click("[data-testid=add-account]").await?;
    assert_eq!(
        prop(&app, "[data-testid=api-key-input]", "value").await?,
        Some(String::new()),
        "the form asks for the key again"
    );
    app.fill("[data-testid=api-key-input]", key).await?;
    app.click("[data-testid=test-and-save]").await?;
    wait_count(&app, "[data-testid=discovered-account]", 3).await?;
    let found = discovered(&app).await?;
    assert_eq!(
        found[..2],
        [
            (AMELIA.to_string(), true, true),
            (JANE.to_string(), false, false)
        ],
        "the removed account can be added again; the kept one is marked as already added"
    );
    assert!(app
        .text(&discovered_css(JANE))
        .await?
        .contains("Already added"));
    app.click("[data-testid=add-account-dialog] button[aria-label=Close]")
        .await?;
    wait_gone(&app, "[data-testid=add-account-dialog]").await?;
    close_and_wait(app, &desktop).await?;

    // Restart: the account is still there with status ok, and its key comes back from the
    // keyring (the new process has no other place to find it) for a refresh.
    let app = desktop.launch().await?;
    app.wait_for("[data-testid=screen-sent]").await?;
    app.click("[data-testid=nav-accounts]").await?;
    wait_count(&app, "[data-testid=account-row]", 1).await?;
    let row = row_css(&jane);
    assert!(app.text(&row).await?.contains("Sales pipeline"));
    app.wait_for(&format!("{row} [data-testid=account-default]"))
        .await?;
    assert_eq!(
        attr_opt(
            &app,
            &format!("{row} [data-testid=account-status]"),
            "data-status"
        )
        .await?,
        Some("ok".into())
    );
    assert_eq!(
        app.text(&format!("{row} [data-testid=account-key-hint]"))
            .await?,
        format!("…{}", &key[key.len() - 4..])
    );
    let before = sent_calls(&server, JANE);
    app.click("[data-testid=nav-sent]").await?;
    wait_row_count(&app, "sent-table", JANE_SENT).await?;
    app.wait_until("the Refresh button is enabled", || async {
        Ok(app
            .wait_for("[data-testid=refresh-button]")
            .await?
            .is_enabled()
            .await?)
    })
    .await?;
    app.click("[data-testid=refresh-button]").await?;
    app.wait_until("the refresh reached the provider", || async {
        Ok(sent_calls(&server, JANE).len() > before.len())
    })
    .await?;
    app.wait_until("the refresh finished", || async {
        Ok(app.count("[data-testid=refresh-progress]").await? == 0
            && app
                .wait_for("[data-testid=refresh-button]")
                .await?
                .is_enabled()
                .await?)
    })
    .await?;
    wait_row_count(&app, "sent-table", JANE_SENT).await?;
    assert_eq!(app.count("[data-testid=error-banner]").await?, 0);
    let after = sent_calls(&server, JANE);
    assert!(
        after
            .iter()
            .all(|auth| auth.as_deref() == Some(format!("Bearer {key}").as_str())),
        "every refresh call carried the key read back from the keyring"
    );
    assert_eq!(
        sent_calls(&server, AMELIA).len(),
        amelia_calls,
        "the removed account is never called again"
    );
    app.screenshot("accounts-09-after-restart-refresh").await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn a_refused_key_gets_a_clear_message_and_saves_nothing() -> TestResult {
    let server = start_fake("cs_live_the_right_key_0042");
    let desktop = connectsafely_desktop_for(&server)?;
    let app = desktop.launch().await?;

    let wrong = "cs_live_not_the_right_one_9Z";
    app.click("[data-testid=empty-add-account]").await?;
    app.wait_for("[data-testid=provider-select]")
        .await?
        .select_by_value("connectsafely")
        .await?;
    app.fill("[data-testid=api-key-input]", wrong).await?;
    app.click("[data-testid=test-and-save]").await?;

    let banner = "[data-testid=add-account-dialog] [data-testid=error-banner]";
    app.wait_for(banner).await?;
    assert_eq!(
        attr_opt(&app, banner, "data-kind").await?,
        Some("badCredentials".into())
    );
    let text = app.text(banner).await?;
    assert!(
        text.contains("ConnectSafely refused this API key")
            && text.contains("Check that you copied the whole key")
            && text.contains("Nothing was saved"),
        "the message says what happened and what to do: {text:?}"
    );
    assert_eq!(
        prop(&app, "[data-testid=api-key-input]", "value").await?,
        Some(wrong.into()),
        "the form keeps the key to correct it"
    );
    assert_eq!(
        prop(&app, "[data-testid=provider-select]", "value").await?,
        Some("connectsafely".into())
    );
    assert_eq!(app.count("[data-testid=discovered-account]").await?, 0);
    app.screenshot("accounts-10-wrong-key").await?;
    assert_eq!(
        server.requests(),
        vec!["GET /accounts".to_string()],
        "only the key test reached the provider"
    );

    app.click("[data-testid=add-account-dialog] button[aria-label=Close]")
        .await?;
    wait_gone(&app, "[data-testid=add-account-dialog]").await?;
    app.wait_for("[data-testid=empty-state]").await?;
    assert_eq!(app.count("[data-testid=account-row]").await?, 0);
    assert_eq!(keyring_entries(&desktop)?, Vec::<String>::new());
    close_and_wait(app, &desktop).await?;

    let app = desktop.launch().await?;
    app.wait_for("[data-testid=empty-state]").await?;
    assert_eq!(
        app.count("[data-testid=account-row]").await?,
        0,
        "nothing was saved"
    );
    assert_eq!(keyring_entries(&desktop)?, Vec::<String>::new());
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn the_demo_workspace_is_labelled_shows_invitations_and_can_be_removed() -> TestResult {
    let desktop = Desktop::start(&[])?;
    let app = desktop.launch().await?;

    app.click("[data-testid=empty-try-demo]").await?;
    app.wait_for("[data-testid=screen-sent]").await?;
    app.wait_until("the demo's sent invitations show", || async {
        Ok(row_count(&app, "sent-table").await? > 0)
    })
    .await?;
    let names = app.text("[data-testid=sent-table]").await?;
    assert!(
        app.count("[data-testid=person-name]").await? > 0,
        "rows name people: {names:?}"
    );
    let switcher = app.text("[data-testid=account-switcher]").await?;
    assert!(
        switcher.contains("Demo account"),
        "the switcher names the demo account: {switcher:?}"
    );
    assert_eq!(app.count("[data-testid=error-banner]").await?, 0);
    app.screenshot("accounts-11-demo-sent").await?;

    // The demo sends too, and its note counter knows the provider's limit.
    app.click("[data-testid=nav-send]").await?;
    app.fill(
        "[data-testid=send-profile-url]",
        "https://www.linkedin.com/in/ada-example",
    )
    .await?;
    app.fill("[data-testid=send-note]", "Héllo Ada, loved your talk!")
        .await?;
    app.wait_for_text("[data-testid=send-note-count]", "27")
        .await?;
    app.click("[data-testid=send-submit]").await?;
    app.wait_for("[data-testid=send-result]").await?;
    app.screenshot("accounts-11b-demo-send").await?;
    assert_eq!(
        app.count("[data-testid=send-result] [data-testid=error-banner]")
            .await?,
        0,
        "the demo accepts the request: {}",
        app.text("[data-testid=send-result]").await?
    );

    app.click("[data-testid=nav-accounts]").await?;
    wait_count(&app, "[data-testid=account-row]", 1).await?;
    let row = app.text("[data-testid=account-row]").await?;
    assert!(
        row.contains("(demo)") && row.contains("No key"),
        "the demo account is clearly labelled and has no key: {row:?}"
    );
    let label = app.text("[data-testid=account-label]").await?;
    assert!(
        label.starts_with("Demo account") && label.ends_with("Demo"),
        "named and badged as the demo: {label:?}"
    );
    assert_eq!(app.count("[data-testid=account-replace-key]").await?, 0);
    assert_eq!(
        keyring_entries(&desktop)?,
        Vec::<String>::new(),
        "the demo needs no keyring entry"
    );
    app.screenshot("accounts-12-demo-account").await?;

    app.click("[data-testid=account-remove]").await?;
    app.wait_for("[data-testid=remove-dialog]").await?;
    app.click("[data-testid=confirm-button]").await?;
    app.wait_for_text("[data-testid=accounts-notice]", "was removed")
        .await?;
    app.wait_for("[data-testid=empty-state]").await?;
    assert_eq!(app.count("[data-testid=account-row]").await?, 0);
    app.click("[data-testid=nav-sent]").await?;
    app.wait_for("[data-testid=screen-sent] [data-testid=empty-state]")
        .await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn the_key_never_reaches_a_file_a_log_or_the_page() -> TestResult {
    // Any part of the key that is more than the 4-character hint the page shows on purpose.
    const MARKERS: [&str; 2] = ["LEAKCHECK", "7f3a9c2e"];
    let key = "cs_live_LEAKCHECK_7f3a9c2e";
    let server = start_fake(key);
    // Everything the app can log, so the log scan below covers the most talkative setting.
    let desktop = Desktop::start(&[
        ("INVITEDESK_CONNECTSAFELY_URL", server.base_url.clone()),
        ("RUST_LOG", "trace".to_string()),
    ])?;
    let app = desktop.launch().await?;

    // Add both usable accounts.
    app.click("[data-testid=empty-add-account]").await?;
    app.fill("[data-testid=api-key-input]", key).await?;
    app.click("[data-testid=test-and-save]").await?;
    wait_count(&app, "[data-testid=discovered-account]", 3).await?;
    app.click("[data-testid=add-selected]").await?;
    wait_gone(&app, "[data-testid=add-account-dialog]").await?;
    wait_count(&app, "[data-testid=account-row]", 2).await?;
    assert_not_in_page(&app, &MARKERS, "after adding").await?;
    assert!(
        page_html(&app).await?.contains("…9c2e"),
        "the page does show the key's last four characters"
    );

    // Replace one key (the same key: the fake knows one), then use the accounts.
    let jane = account_id_by_label(&app, "Jane Smith").await?;
    app.click(&format!(
        "{} [data-testid=account-replace-key]",
        row_css(&jane)
    ))
    .await?;
    app.fill("[data-testid=replace-key-input]", key).await?;
    app.click("[data-testid=replace-key-dialog] [data-testid=confirm-button]")
        .await?;
    wait_gone(&app, "[data-testid=replace-key-dialog]").await?;
    app.wait_for_text("[data-testid=accounts-notice]", "was replaced")
        .await?;
    assert_not_in_page(&app, &MARKERS, "after replacing a key").await?;

    app.click("[data-testid=nav-sent]").await?;
    wait_row_count(&app, "sent-table", AMELIA_SENT + JANE_SENT).await?;
    assert_not_in_page(&app, &MARKERS, "on Sent").await?;
    app.click("[data-testid=nav-received]").await?;
    app.wait_for("[data-testid=received-table]").await?;
    app.click("[data-testid=nav-settings]").await?;
    app.wait_for("[data-testid=keyring-status]").await?;
    assert_not_in_page(&app, &MARKERS, "on Settings").await?;
    close_and_wait(app, &desktop).await?;

    // Restart: the key is read back from the keyring and used, still never shown.
    let app = desktop.launch().await?;
    app.wait_for("[data-testid=screen-sent]").await?;
    wait_row_count(&app, "sent-table", AMELIA_SENT + JANE_SENT).await?;
    let before = server.log.count("GET", "/invitations/sent");
    app.wait_until("the Refresh button is enabled", || async {
        Ok(app
            .wait_for("[data-testid=refresh-button]")
            .await?
            .is_enabled()
            .await?)
    })
    .await?;
    app.click("[data-testid=refresh-button]").await?;
    app.wait_until("the refresh reached the provider", || async {
        Ok(server.log.count("GET", "/invitations/sent") > before)
    })
    .await?;
    app.click("[data-testid=nav-accounts]").await?;
    wait_count(&app, "[data-testid=account-row]", 2).await?;
    assert_not_in_page(&app, &MARKERS, "after a restart").await?;
    close_and_wait(app, &desktop).await?;

    // Every file under HOME and the XDG data, config and cache dirs, the keyring's own
    // (encrypted) file included, and the log of the driver and the app.
    let files = desktop.app_files();
    let mut leaks = Vec::new();
    let mut holds_metadata = false;
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_default();
        if MARKERS.iter().any(|m| contains(&bytes, m.as_bytes())) {
            leaks.push(file.display().to_string());
        }
        holds_metadata |= contains(&bytes, JANE.as_bytes());
    }
    assert!(leaks.is_empty(), "the key's text is in {leaks:#?}");
    assert!(
        holds_metadata,
        "the scan covers where the app keeps its accounts (no file names {JANE})"
    );
    assert!(
        files
            .iter()
            .any(|f| f.starts_with(desktop.dir("data").join("keyrings"))),
        "the scan covers the gnome-keyring file: {files:#?}"
    );
    let log = desktop.driver_log();
    assert!(
        !MARKERS.iter().any(|m| log.contains(m)),
        "the key's text is in the driver/app log"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn row_css(account_id: &str) -> String {
    format!("[data-testid=account-row][data-account-id=\"{account_id}\"]")
}

fn discovered_css(remote_id: &str) -> String {
    format!("[data-testid=discovered-account][data-remote-id=\"{remote_id}\"]")
}

fn api_key_entry(account_id: &str) -> String {
    format!("account:{account_id}:api-key")
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn select(app: &App, css: &str, value: &str) -> TestResult {
    app.wait_for(css).await?.select_by_value(value).await?;
    Ok(())
}

async fn switcher_value(app: &App) -> TestResult<String> {
    Ok(prop(app, "[data-testid=account-switcher]", "value")
        .await?
        .unwrap_or_default())
}

/// (remote id, checkbox enabled, checkbox ticked) of each discovered account, in order.
async fn discovered(app: &App) -> TestResult<Vec<(String, bool, bool)>> {
    let mut out = Vec::new();
    for item in app
        .client
        .find_all(Locator::Css("[data-testid=discovered-account]"))
        .await?
    {
        let id = item.attr("data-remote-id").await?.unwrap_or_default();
        let checkbox = item
            .find(Locator::Css("[data-testid=discovered-account-checkbox]"))
            .await?;
        out.push((
            id,
            checkbox.is_enabled().await?,
            checkbox.is_selected().await?,
        ));
    }
    Ok(out)
}

/// The local id of the account row whose label starts with `label`.
async fn account_id_by_label(app: &App, label: &str) -> TestResult<String> {
    for row in app
        .client
        .find_all(Locator::Css("[data-testid=account-row]"))
        .await?
    {
        let shown = row
            .find(Locator::Css("[data-testid=account-label]"))
            .await?
            .text()
            .await?;
        if shown.starts_with(label) {
            return Ok(row.attr("data-account-id").await?.unwrap_or_default());
        }
    }
    Err(format!("no account row labelled {label:?}").into())
}

/// The `Authorization` header of each sent-invitations call made for a remote account.
fn sent_calls(server: &FakeServer, remote_id: &str) -> Vec<Option<String>> {
    server
        .log
        .matching("GET", "/invitations/sent")
        .iter()
        .filter(|r| r.query_param("accountId").as_deref() == Some(remote_id))
        .map(|r| r.header("authorization").map(str::to_string))
        .collect()
}

async fn page_html(app: &App) -> TestResult<String> {
    let html = app
        .client
        .execute("return document.documentElement.outerHTML;", vec![])
        .await?;
    Ok(html.as_str().unwrap_or_default().to_string())
}

/// Fails when a marker is in the page's markup, a field's value, web storage, cookies or the
/// address. Only the markers go to the page, never the whole key.
async fn assert_not_in_page(app: &App, markers: &[&str], when: &str) -> TestResult {
    let places = app
        .client
        .execute(
            r#"const has = (text) => arguments[0].some((m) => String(text ?? '').includes(m));
               const found = [];
               if (has(document.documentElement.outerHTML)) found.push('markup');
               for (const el of document.querySelectorAll('input, textarea, select')) {
                 if (has(el.value)) found.push('value of ' + (el.dataset.testid || el.tagName));
               }
               const dump = (s) => { try { return JSON.stringify(Object.entries(s)); } catch { return ''; } };
               if (has(dump(window.localStorage))) found.push('localStorage');
               if (has(dump(window.sessionStorage))) found.push('sessionStorage');
               if (has(document.cookie)) found.push('cookie');
               if (has(location.href) || has(document.title)) found.push('address or title');
               return found;"#,
            vec![json!(markers)],
        )
        .await?;
    let places: Vec<String> = serde_json::from_value(places)?;
    assert!(
        places.is_empty(),
        "{when}: the key is in the page's {places:?}"
    );
    Ok(())
}

/// The app's processes in this desktop (found by its HOME), so a restart or a file scan waits
/// until the previous app has written everything and gone.
fn app_pids(desktop: &Desktop) -> Vec<u32> {
    let binary = env!("CARGO_BIN_EXE_invitedesk");
    let home = desktop.dir("home").display().to_string();
    processes_with_home(&home)
        .into_iter()
        .filter(|(pid, _)| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            cmdline.split(|b| *b == 0).next() == Some(binary.as_bytes())
        })
        .map(|(pid, _)| pid)
        .collect()
}

/// Closes the window and waits until the app process has gone, so a restart never overlaps the
/// old app and a file scan sees everything it wrote.
async fn close_and_wait(app: App, desktop: &Desktop) -> TestResult {
    assert!(
        !app_pids(desktop).is_empty(),
        "the running app should be found by its binary and HOME"
    );
    app.close().await?;
    let deadline = Instant::now() + Duration::from_secs(15);
    while !app_pids(desktop).is_empty() {
        if Instant::now() > deadline {
            return Err("the app did not exit after its window was closed".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// (pid, environment) of every process whose HOME is `home`.
fn processes_with_home(home: &str) -> Vec<(u32, Vec<(String, String)>)> {
    let wanted = format!("HOME={home}");
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(environ) = std::fs::read(Path::new("/proc").join(pid.to_string()).join("environ"))
        else {
            continue;
        };
        let vars: Vec<String> = environ
            .split(|b| *b == 0)
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect();
        if vars.contains(&wanted) {
            let pairs = vars
                .iter()
                .filter_map(|v| v.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            out.push((pid, pairs));
        }
    }
    out
}

/// The address of this desktop's D-Bus session (where its gnome-keyring serves), read from its
/// WebDriver server, which runs inside that session (the test process may have a session of its
/// own, inherited by the outer processes of the desktop: never ask that one).
fn session_bus(desktop: &Desktop) -> TestResult<String> {
    let home = desktop.dir("home").display().to_string();
    processes_with_home(&home)
        .into_iter()
        .filter(|(pid, _)| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            cmdline
                .split(|b| *b == 0)
                .next()
                .is_some_and(|arg0| arg0.ends_with(b"WebKitWebDriver"))
        })
        .find_map(|(_, env)| {
            env.into_iter()
                .find(|(k, _)| k == "DBUS_SESSION_BUS_ADDRESS")
                .map(|(_, v)| v)
        })
        .ok_or_else(|| "the desktop's WebDriver server has no D-Bus session address".into())
}

fn gdbus(bus: &str, args: &[&str]) -> TestResult<String> {
    let out = std::process::Command::new("gdbus")
        .arg("call")
        .arg("--session")
        .args(["--dest", "org.freedesktop.secrets"])
        .args(args)
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .output()?;
    if !out.status.success() {
        return Err(format!("gdbus {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// The entry names ("user" attribute) of the credentials InviteDesk keeps in the desktop's
/// gnome-keyring (service `invitedesk`), read over D-Bus (attributes only: no secret is read).
/// The keyring check's throwaway `probe:` entry, written and removed at start-up, is not a
/// credential and is left out (it may also vanish between the search and the read).
pub(crate) fn keyring_entries(desktop: &Desktop) -> TestResult<Vec<String>> {
    let bus = session_bus(desktop)?;
    let found = gdbus(
        &bus,
        &[
            "--object-path",
            "/org/freedesktop/secrets",
            "--method",
            "org.freedesktop.Secret.Service.SearchItems",
            "{'service': 'invitedesk'}",
        ],
    )?;
    let mut names = Vec::new();
    for path in quoted(&found).into_iter().filter(|p| p.starts_with('/')) {
        let attributes = match gdbus(
            &bus,
            &[
                "--object-path",
                &path,
                "--method",
                "org.freedesktop.DBus.Properties.Get",
                "org.freedesktop.Secret.Item",
                "Attributes",
            ],
        ) {
            Ok(a) => a,
            Err(e) if item_vanished(&e.to_string()) => continue,
            Err(e) => return Err(e),
        };
        let words = quoted(&attributes);
        let user = words
            .iter()
            .position(|w| w == "username")
            .and_then(|i| words.get(i + 1))
            .ok_or_else(|| format!("no username attribute in {attributes}"))?;
        if !user.starts_with("probe:") {
            names.push(user.clone());
        }
    }
    names.sort();
    Ok(names)
}

/// gnome-keyring's answer for an item deleted after the search found it.
fn item_vanished(error: &str) -> bool {
    error.contains("No such interface")
        || error.contains("UnknownObject")
        || error.contains("Object does not exist")
}

/// The single-quoted strings of a gdbus answer, in order.
fn quoted(text: &str) -> Vec<String> {
    text.split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}
