//! Damaged local state between two runs: the database (garbage, cut to half, a corrupt page in
//! the middle of a file with data) and the accounts file (cut at 80 %). Each time the app opens,
//! says what happened where the user looks first, and keeps what it can. Also: the window
//! cannot be navigated away from the app.
//!
//! The "first run" of the database cases is written directly (a demo account in the registry,
//! a database with 400 keep-list entries through the app's own `Db`), so each case costs one
//! launch; the accounts case adds its accounts through the window, as a user would.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;

use crate::accounts::keyring_entries;
use crate::flows::{add_account, connectsafely_desktop_for, js, kill_app, row_count, tid};
use crate::harness::{App, Desktop, TestResult};
use crate::support::connectsafely::{AccountSeed, ConnectSafelyFake, BASE_PATH};
use crate::support::{serve_in_thread, Controls};

use invitedesk_lib::db::{Db, FILE_NAME};

const APP_DIR: &str = "app.invitedesk.desktop";
const PAGE: usize = 4096;

fn data_dir(desktop: &Desktop) -> PathBuf {
    desktop.dir("data").join(APP_DIR)
}

fn accounts_file(desktop: &Desktop) -> PathBuf {
    desktop.dir("config").join(APP_DIR).join("accounts.json")
}

/// The registry of a user with one demo account, and a database holding its keep-list.
fn first_run_state(desktop: &Desktop) -> TestResult<Vec<u8>> {
    let _ = std::fs::remove_dir_all(data_dir(desktop));
    let registry = json!({"version": 1, "accounts": [{
        "id": "0b7c6f1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e", "label": "Demo account",
        "provider": "demo", "remoteAccountId": "demo-1", "remoteName": "Demo (demo)",
        "isDefault": true, "createdAt": "2025-01-02T03:04:05Z"
    }]});
    std::fs::create_dir_all(accounts_file(desktop).parent().unwrap())?;
    std::fs::write(
        accounts_file(desktop),
        serde_json::to_vec_pretty(&registry)?,
    )?;

    let path = data_dir(desktop).join(FILE_NAME);
    let db = Db::open(&path)?;
    db.write(|tx| {
        for i in 0..400 {
            tx.execute(
                "INSERT INTO pins (account_id, kind, target, created_at) \
                 VALUES ('0b7c6f1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e', 'person', ?1, \
                 '2025-01-01T00:00:00.000Z')",
                [format!("https://www.linkedin.com/in/kept-person-{i:04}")],
            )?;
        }
        Ok(())
    })?;
    // Everything into the main file, so damaging it damages the data (not a WAL copy).
    db.read(|c| Ok(c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?))?;
    drop(db);
    Ok(std::fs::read(&path)?)
}

/// The files moved aside in `dir` (name, content).
fn set_aside(dir: &Path, prefix: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(prefix) && !n.ends_with("-wal") && !n.ends_with("-shm"))
                .map(|n| {
                    let bytes = std::fs::read(dir.join(&n)).unwrap_or_default();
                    (n, bytes)
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The start-up banner over the first screen.
async fn banner(app: &App) -> TestResult<String> {
    app.wait_for(&tid("app-notice")).await?;
    app.text(&tid("app-notice")).await
}

/// Opens the app on the damaged database and checks the banner, the moved file and that the
/// app works on a fresh database.
async fn opens_after(desktop: &Desktop, damaged: &[u8], case: &str) -> TestResult<App> {
    let app = desktop.launch().await?;
    let text = banner(&app).await?;
    assert!(
        text.contains("The local database was damaged and has been replaced by a fresh one.")
            && text.contains("refill from the providers on the next refresh")
            && text.contains("activity history, the keep-list"),
        "{case}: the banner says what was lost and what is rebuilt: {text:?}"
    );
    let aside = set_aside(&data_dir(desktop), &format!("{FILE_NAME}.damaged-"));
    assert_eq!(aside.len(), 1, "{case}: one file moved aside");
    assert!(
        text.contains(&aside[0].0),
        "{case}: the banner says where the damaged file went: {text:?}"
    );
    assert!(
        aside[0].1 == damaged,
        "{case}: the damaged file is kept byte for byte"
    );
    // With an account, the app opens on Sent, whose keep-list is now empty: a working database.
    app.wait_for(&tid("screen-sent")).await?;
    Ok(app)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn a_damaged_database_is_set_aside_and_the_app_opens_with_a_notice_each_time() -> TestResult {
    let desktop = Desktop::start(&[])?;

    // 1. Garbage over the whole file.
    let whole = first_run_state(&desktop)?;
    let garbage: Vec<u8> = (0..whole.len()).map(|i| (i * 31 + 7) as u8).collect();
    std::fs::write(data_dir(&desktop).join(FILE_NAME), &garbage)?;
    let app = opens_after(&desktop, &garbage, "garbage").await?;
    app.screenshot("recovery-01-damaged-database").await?;
    // Rebuilt: a refresh fills the invitation list again.
    app.click(&tid("refresh-button")).await?;
    app.wait_until("the refresh refilled Sent", || async {
        Ok(row_count(&app, "sent-table").await? > 0)
    })
    .await?;
    // Dismissed from the first screen, still listed in Settings.
    app.click(&format!("{} button[aria-label=Dismiss]", tid("app-notice")))
        .await?;
    assert_eq!(app.count(&tid("app-notice")).await?, 0);
    app.click(&tid("nav-settings")).await?;
    assert!(app.text(&tid("app-notice")).await?.contains("damaged"));

    // The window stays on the app: a script sending it elsewhere is refused.
    js(
        &app,
        "setTimeout(() => { window.location.href = 'https://example.com/'; }, 0); return true;",
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let href = js(&app, "return window.location.href;").await?;
    assert!(
        href.as_str()
            .unwrap_or_default()
            .starts_with("tauri://localhost"),
        "the window left the app: {href}"
    );
    assert_eq!(app.count(&tid("screen-settings")).await?, 1);
    kill_app(&desktop)?;
    drop(app); // ends the WebDriver session, so the next launch can open one

    // 2. Cut to half its size.
    let whole = first_run_state(&desktop)?;
    let half = whole[..whole.len() / 2].to_vec();
    std::fs::write(data_dir(&desktop).join(FILE_NAME), &half)?;
    let app = opens_after(&desktop, &half, "half").await?;
    kill_app(&desktop)?;
    drop(app);

    // 3. One corrupt page in the middle of an otherwise sound file with data.
    let mut paged = first_run_state(&desktop)?;
    let pages = paged.len() / PAGE;
    assert!(pages >= 6, "a file of {pages} pages");
    let middle = (pages / 2) * PAGE;
    assert!(
        [2u8, 5, 10, 13].contains(&paged[middle]),
        "the middle page holds data (a b-tree page)"
    );
    paged[middle..middle + PAGE].fill(0x5a);
    std::fs::write(data_dir(&desktop).join(FILE_NAME), &paged)?;
    let app = opens_after(&desktop, &paged, "corrupt page").await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn an_accounts_file_cut_at_80_percent_keeps_the_whole_account_and_lists_the_lost_key(
) -> TestResult {
    const FIRST: &str = "60d21b4667d0d8992e610c91";
    const SECOND: &str = "60d21b4667d0d8992e610c92";
    let key = "cs_live_e2e_recovery_7Hq2";
    let fake = ConnectSafelyFake::new(key)
        .with_account(
            AccountSeed::new(FIRST)
                .named("Amelia", "Okafor", "amelia-okafor")
                .sent(3),
        )
        .with_account(
            AccountSeed::new(SECOND)
                .named("Jane", "Smith", "jane-smith")
                .sent(2),
        );
    let server = serve_in_thread(move || fake.router(), Controls::new(BASE_PATH));
    let desktop = connectsafely_desktop_for(&server)?;

    // First run: two accounts, one key entry each.
    let app = desktop.launch().await?;
    add_account(&app, "connectsafely", key, &[FIRST, SECOND]).await?;
    app.wait_until("both accounts are listed", || async {
        Ok(app.count(&tid("account-row")).await? == 2)
    })
    .await?;
    kill_app(&desktop)?;
    drop(app);

    // Cut at 80 %: inside the second account, after the first one's closing brace.
    let path = accounts_file(&desktop);
    let text = std::fs::read_to_string(&path)?;
    let file: serde_json::Value = serde_json::from_str(&text)?;
    let ids: Vec<String> = file["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 2);
    let cut = text.len() * 8 / 10;
    let closes: Vec<usize> = text.match_indices("\n    }").map(|(i, _)| i).collect();
    assert!(
        closes[0] < cut && cut < closes[1],
        "the cut ({cut}) falls after the first account ({}) and inside the second ({})",
        closes[0],
        closes[1]
    );
    let damaged = text.as_bytes()[..cut].to_vec();
    std::fs::write(&path, &damaged)?;

    // Second run: the first account is kept, the notice says so, the lost one's key is listed.
    let app = desktop.launch().await?;
    let notice = banner(&app).await?;
    assert!(
        notice.contains("accounts file was damaged") && notice.contains("1 account was recovered"),
        "{notice:?}"
    );
    let aside = set_aside(path.parent().unwrap(), "accounts.json.damaged-");
    assert_eq!(aside.len(), 1);
    assert_eq!(
        aside[0].1, damaged,
        "the damaged file is kept byte for byte"
    );
    assert!(
        notice.contains(&aside[0].0),
        "says where it went: {notice:?}"
    );
    app.screenshot("recovery-02-damaged-accounts-file").await?;

    app.click(&tid("nav-accounts")).await?;
    app.wait_until("one account is listed", || async {
        Ok(app.count(&tid("account-row")).await? == 1)
    })
    .await?;
    assert_eq!(
        app.count(&format!(
            "{}[data-account-id=\"{}\"]",
            tid("account-row"),
            ids[0]
        ))
        .await?,
        1,
        "the account written whole before the cut is the one kept"
    );

    app.click(&tid("nav-settings")).await?;
    let lost_entry = format!("account:{}:api-key", ids[1]);
    let listed = app.text(&tid("leftover-keys")).await?;
    assert!(listed.contains(&lost_entry), "{listed:?}");
    assert!(!listed.contains(key), "names only, never the key");
    assert_eq!(app.count(&tid("leftover-key")).await?, 1);
    js(
        &app,
        "document.querySelector('[data-testid=leftover-keys]').scrollIntoView({block: 'center'}); return true;",
    )
    .await?;
    app.screenshot("recovery-03-leftover-keys").await?;
    app.click(&tid("leftover-keys-delete")).await?;
    app.click(&tid("leftover-keys-confirm")).await?;
    app.wait_for_text(&tid("leftover-keys-deleted"), "1 leftover key was deleted")
        .await?;
    assert_eq!(
        keyring_entries(&desktop)?,
        vec![format!("account:{}:api-key", ids[0])],
        "the lost account's key left the keyring; the kept account's key stays"
    );
    app.close().await
}
