use crate::flows::{app_pid, process_tree};
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

/// Mappings both writable and executable in the app's web processes: the memory a JavaScript
/// JIT writes its machine code to (`rwxp` in `/proc/<pid>/maps`).
fn writable_executable_mappings(desktop: &Desktop) -> TestResult<usize> {
    let app = app_pid(desktop).ok_or("the app is not running")?;
    let mut found = 0;
    let mut web_processes = 0;
    for pid in process_tree(app) {
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if !comm.starts_with("WebKitWebProces") {
            continue;
        }
        web_processes += 1;
        let maps = std::fs::read_to_string(format!("/proc/{pid}/maps"))?;
        found += maps
            .lines()
            .filter(|l| l.split_whitespace().nth(1) == Some("rwxp"))
            .count();
    }
    if web_processes == 0 {
        return Err("no web process under the app".into());
    }
    Ok(found)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "end-to-end: needs Xvfb and WebKitWebDriver (make test-e2e)"]
async fn the_page_runs_without_a_jit_unless_the_environment_asks_for_one() -> TestResult {
    // The page's scripts run in the web process without compiled code: less memory, and none
    // of it writable and executable at once (`script_engine`).
    let desktop = Desktop::start(&[])?;
    let app = desktop.launch().await?;
    app.wait_for("[data-testid=empty-state]").await?;
    app.click("[data-testid=nav-insights]").await?;
    app.wait_for("[data-testid=screen-insights]").await?;
    assert_eq!(
        writable_executable_mappings(&desktop)?,
        0,
        "the web process holds JIT memory: the page's engine still compiles scripts"
    );
    app.close().await?;

    // Someone who wants the JIT back sets the engine's own variable; the app leaves it alone.
    let desktop = Desktop::start(&[("JSC_useJIT", "true".into())])?;
    let app = desktop.launch().await?;
    app.wait_for("[data-testid=empty-state]").await?;
    assert!(
        writable_executable_mappings(&desktop)? > 0,
        "JSC_useJIT=true was set, yet the web process has no JIT memory"
    );
    app.close().await
}
