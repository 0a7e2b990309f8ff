use crate::flows::web_process_pids;
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

/// The thread names of the app's web processes (`/proc/<pid>/task/*/comm`; WebKit shortens a
/// long thread name to its last 15 bytes: "ThreadedCompositor" reads "eadedCompositor").
fn web_process_threads(desktop: &Desktop) -> TestResult<Vec<String>> {
    let pids = web_process_pids(desktop);
    if pids.is_empty() {
        return Err("no web process under the app".into());
    }
    let mut names = Vec::new();
    for pid in pids {
        for task in std::fs::read_dir(format!("/proc/{pid}/task"))?.flatten() {
            let name = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            names.push(name.trim().to_string());
        }
    }
    Ok(names)
}

/// Whether the web process composites its layers (WebKit's compositor thread, and Mesa's
/// llvmpipe threads when the GPU is emulated).
fn composites(threads: &[String]) -> bool {
    threads
        .iter()
        .any(|t| t.ends_with("Compositor") || t.starts_with("llvmpipe"))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn without_a_gpu_the_page_is_painted_without_an_emulated_one() -> TestResult {
    // Launched as a user would, with none of WebKit's variables set: on a machine without a GPU
    // the app turns compositing off itself (`rendering`); with one it keeps WebKit's default.
    let gpu = invitedesk_lib::rendering::has_gpu();
    let desktop = Desktop::start(&[])?;
    let app = desktop.launch().await?;
    app.wait_for("[data-testid=empty-state]").await?;
    let threads = web_process_threads(&desktop)?;
    assert_eq!(
        composites(&threads),
        gpu,
        "GPU here: {gpu}; the web process's threads: {threads:?}"
    );
    app.screenshot("rendering-1-own-choice").await?;
    app.close().await?;

    // A user who sets WebKit's own variable has chosen: `0` keeps compositing on.
    let desktop = Desktop::start(&[(invitedesk_lib::rendering::COMPOSITING_VARIABLE, "0".into())])?;
    let app = desktop.launch().await?;
    app.wait_for("[data-testid=empty-state]").await?;
    let threads = web_process_threads(&desktop)?;
    assert!(
        composites(&threads),
        "WEBKIT_DISABLE_COMPOSITING_MODE=0 was set, yet the web process does not composite: {threads:?}"
    );
    app.close().await
}
