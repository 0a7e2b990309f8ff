//! Keyboard shortcuts in the real window: real key input through WebDriver's actions, so the
//! keys go where the user's would (the focused element, else the page).

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;

use crate::flows::{
    add_connectsafely_account, js, tid, wait_gone, wait_row_count, ConnectSafelyDesk,
};
use crate::harness::{App, TestResult};
use crate::support::connectsafely::DEFAULT_KEY;

const SENT: usize = 12;

/// Presses `keys` together (modifiers first) and lets go, as one chord.
async fn chord(app: &App, keys: &[char]) -> TestResult {
    let mut actions = KeyActions::new("keyboard".into());
    for k in keys {
        actions = actions.then(KeyAction::Down { value: *k });
    }
    for k in keys.iter().rev() {
        actions = actions.then(KeyAction::Up { value: *k });
    }
    app.client.perform_actions(actions).await?;
    app.client.release_actions().await?;
    Ok(())
}

async fn focused_testid(app: &App) -> TestResult<String> {
    Ok(
        js(app, "return document.activeElement?.dataset?.testid ?? '';")
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn shortcuts_move_search_select_and_open_the_preview_never_acting_without_it() -> TestResult {
    let desk = ConnectSafelyDesk::start(SENT)?;
    let app = desk.desktop.launch().await?;
    add_connectsafely_account(&app, DEFAULT_KEY).await?;

    // Ctrl+2: Sent, which lists the account by itself.
    chord(&app, &[Key::Control.into(), '2']).await?;
    app.wait_for(&tid("screen-sent")).await?;
    wait_row_count(&app, "sent-table", SENT).await?;
    wait_gone(&app, &tid("refresh-progress")).await?;

    // "/" goes to the search; there, letters are text, not shortcuts.
    chord(&app, &['/']).await?;
    assert_eq!(focused_testid(&app).await?, "filter-text");
    chord(&app, &['w']).await?;
    chord(&app, &['?']).await?;
    let typed = js(&app, "return document.activeElement.value;").await?;
    assert_eq!(typed, "w?", "the keys went into the field");
    assert_eq!(app.count(&tid("preview-dialog")).await?, 0);
    assert_eq!(app.count(&tid("shortcut-help")).await?, 0);
    // Escape leaves the field, keeping what it filters by.
    chord(&app, &[Key::Escape.into()]).await?;
    assert_ne!(focused_testid(&app).await?, "filter-text");
    assert_eq!(
        js(
            &app,
            "return document.querySelector('[data-testid=filter-text]').value;"
        )
        .await?,
        "w?"
    );
    app.wait_for(&tid("filter-text"))
        .await?
        .send_keys("\u{E009}a\u{E000}\u{E003}")
        .await?;
    chord(&app, &[Key::Escape.into()]).await?;
    wait_row_count(&app, "sent-table", SENT).await?;

    // Ctrl+A selects every row shown; W opens the withdrawal preview, nothing more.
    chord(&app, &[Key::Control.into(), 'a']).await?;
    app.wait_for_text(&tid("withdraw-selected"), &format!("({SENT})"))
        .await?;
    chord(&app, &['w']).await?;
    app.wait_for(&tid("preview-dialog")).await?;
    assert_eq!(
        app.wait_for(&tid("preview-count"))
            .await?
            .attr("data-count")
            .await?,
        Some(SENT.to_string())
    );
    // A dialog has the keyboard: Ctrl+1 does not leave the screen under it.
    chord(&app, &[Key::Control.into(), '1']).await?;
    assert_eq!(app.count(&tid("screen-sent")).await?, 1);
    chord(&app, &[Key::Escape.into()]).await?;
    wait_gone(&app, &tid("preview-dialog")).await?;
    assert_eq!(desk.pending().len(), SENT, "nothing was withdrawn");

    // ? shows the help; so does the sidebar's button.
    chord(&app, &['?']).await?;
    app.wait_for(&tid("shortcut-help")).await?;
    app.screenshot("shortcuts-01-help").await?;
    chord(&app, &[Key::Escape.into()]).await?;
    wait_gone(&app, &tid("shortcut-help")).await?;
    app.click(&tid("nav-shortcuts")).await?;
    app.wait_for(&tid("shortcut-help")).await?;
    app.close().await
}
