//! The Autopilot screen: rules, their first-preview confirmation, history, the pause switch,
//! close-to-tray and the systemd user timer. Thin wrappers over `autopilot::AutopilotService`.

use tauri::{AppHandle, Manager, Runtime, State};

use super::blocking;
use crate::autopilot::systemd::{self, TimerStatus, UserSystemctl};
use crate::autopilot::{AutopilotOverview, Rule, RuleDraft, RulePreview, RuleRun};
use crate::autopilot_scheduler::Scheduler;
use crate::desk::Desk;
use crate::error::{AppError, AppResult};
use crate::jobs::JobSummary;
use crate::tray::Tray;

fn timer_status() -> TimerStatus {
    match systemd::default_unit_dir() {
        Ok(dir) => systemd::status(&dir),
        Err(_) => TimerStatus {
            installed: false,
            unit_dir: String::new(),
        },
    }
}

#[tauri::command]
pub async fn autopilot_overview(desk: State<'_, Desk>) -> AppResult<AutopilotOverview> {
    let autopilot = desk.autopilot.clone();
    blocking(move || autopilot.overview(timer_status())).await
}

#[tauri::command]
pub async fn create_autopilot_rule(
    desk: State<'_, Desk>,
    scheduler: State<'_, Scheduler>,
    draft: RuleDraft,
) -> AppResult<Rule> {
    let rule = desk.autopilot.create(&draft)?;
    scheduler.rules_changed();
    Ok(rule)
}

#[tauri::command]
pub async fn update_autopilot_rule(
    desk: State<'_, Desk>,
    scheduler: State<'_, Scheduler>,
    rule_id: String,
    draft: RuleDraft,
) -> AppResult<Rule> {
    let rule = desk.autopilot.update(&rule_id, &draft)?;
    scheduler.rules_changed();
    Ok(rule)
}

#[tauri::command]
pub async fn delete_autopilot_rule(
    desk: State<'_, Desk>,
    scheduler: State<'_, Scheduler>,
    rule_id: String,
) -> AppResult<()> {
    desk.autopilot.delete(&rule_id)?;
    scheduler.rules_changed();
    Ok(())
}

#[tauri::command]
pub async fn set_autopilot_rule_paused(
    desk: State<'_, Desk>,
    scheduler: State<'_, Scheduler>,
    rule_id: String,
    paused: bool,
) -> AppResult<Rule> {
    let rule = desk.autopilot.set_rule_paused(&rule_id, paused)?;
    scheduler.rules_changed();
    Ok(rule)
}

/// The global pause switch (also in the tray menu).
#[tauri::command]
pub async fn set_autopilot_paused<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    scheduler: State<'_, Scheduler>,
    paused: bool,
) -> AppResult<()> {
    desk.autopilot.set_paused(paused)?;
    if let Some(tray) = app.try_state::<Tray<R>>() {
        tray.show_paused(paused);
    }
    scheduler.rules_changed();
    Ok(())
}

/// The exact list the rule would act on now (refreshes the account's list first).
#[tauri::command]
pub async fn preview_autopilot_rule(
    desk: State<'_, Desk>,
    rule_id: String,
) -> AppResult<RulePreview> {
    desk.autopilot.preview(&rule_id).await
}

/// Confirms the rule's first preview and starts its job (progress as `job-progress`).
#[tauri::command]
pub async fn confirm_autopilot_rule(
    desk: State<'_, Desk>,
    scheduler: State<'_, Scheduler>,
    rule_id: String,
    plan_id: Option<String>,
) -> AppResult<Option<JobSummary>> {
    let job = desk.autopilot.confirm(&rule_id, plan_id.as_deref())?;
    scheduler.rules_changed();
    Ok(job)
}

#[tauri::command]
pub async fn autopilot_history(desk: State<'_, Desk>, rule_id: String) -> AppResult<Vec<RuleRun>> {
    let autopilot = desk.autopilot.clone();
    blocking(move || autopilot.history(&rule_id, 50)).await
}

/// "Run rules now": the scheduler runs every rule in the background and notifies when done.
#[tauri::command]
pub async fn run_autopilot_now(scheduler: State<'_, Scheduler>) -> AppResult<()> {
    scheduler.run_now();
    Ok(())
}

#[tauri::command]
pub async fn set_close_to_tray(desk: State<'_, Desk>, on: bool) -> AppResult<()> {
    desk.autopilot.set_close_to_tray(on)
}

/// The tool beside this app's binary (the package installs both in the same folder).
fn cli_path() -> AppResult<std::path::PathBuf> {
    let exe = std::env::current_exe()
        .map_err(|e| AppError::internal(format!("Could not find the app's own path: {e}")))?;
    Ok(exe.with_file_name("invitedesk-cli"))
}

#[tauri::command]
pub async fn install_autopilot_timer() -> AppResult<TimerStatus> {
    blocking(|| {
        let dir = systemd::default_unit_dir()?;
        systemd::install(&dir, &cli_path()?, &UserSystemctl)
    })
    .await
}

#[tauri::command]
pub async fn remove_autopilot_timer() -> AppResult<TimerStatus> {
    blocking(|| systemd::remove(&systemd::default_unit_dir()?, &UserSystemctl)).await
}
