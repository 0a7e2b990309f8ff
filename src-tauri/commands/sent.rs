//! Sent screen: the cached list, refresh, the keep-list, the withdrawal preview and its CSV.

use tauri::{AppHandle, Runtime, State};

use super::blocking;
use super::desk::{exports_dir, refresh_screen};
use crate::db::cache::Screen;
use crate::desk::Desk;
use crate::error::AppResult;
use crate::invitations::{
    RefreshSummary, SentSelection, SentSnapshot, SentWindow, SentWindowRequest,
};
use crate::jobs::{JobPlan, WithdrawRequest};

/// The cached list, instantly; `asOf` says how fresh each account's part is.
#[tauri::command]
pub async fn list_sent(
    desk: State<'_, Desk>,
    account_id: Option<String>,
) -> AppResult<SentSnapshot> {
    let invitations = desk.invitations.clone();
    blocking(move || invitations.list_sent(account_id.as_deref())).await
}

/// One window of the cached list, filtered and sorted in SQLite, with the table's counts.
#[tauri::command]
pub async fn sent_window(
    desk: State<'_, Desk>,
    request: SentWindowRequest,
) -> AppResult<SentWindow> {
    let invitations = desk.invitations.clone();
    blocking(move || invitations.sent_window(&request)).await
}

/// Lists every page from the provider(s) and updates the cache; emits `refresh-progress`.
#[tauri::command]
pub async fn refresh_sent<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    account_id: Option<String>,
) -> AppResult<RefreshSummary> {
    refresh_screen(app, &desk, Screen::Sent, account_id).await
}

/// Pins (or unpins) an invitation, or a person by profile link / public id.
#[tauri::command]
pub async fn set_pin(
    desk: State<'_, Desk>,
    account_id: String,
    invitation_id: Option<String>,
    person_key: Option<String>,
    pinned: bool,
) -> AppResult<()> {
    let invitations = desk.invitations.clone();
    blocking(move || {
        invitations.set_pin(
            &account_id,
            invitation_id.as_deref(),
            person_key.as_deref(),
            pinned,
        )
    })
    .await
}

/// The exact list a withdrawal would act on, stored for `start_job`. Changes nothing.
#[tauri::command]
pub async fn preview_withdraw(
    desk: State<'_, Desk>,
    request: WithdrawRequest,
) -> AppResult<JobPlan> {
    let jobs = desk.jobs.clone();
    blocking(move || jobs.preview_withdraw(&request)).await
}

/// Writes a preview's list as CSV to the Downloads folder; returns the file's path.
#[tauri::command]
pub async fn export_plan_csv<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    plan_id: String,
) -> AppResult<String> {
    let jobs = desk.jobs.clone();
    let dir = exports_dir(&app, &desk);
    let path = blocking(move || jobs.export_plan_csv(&plan_id, &dir)).await?;
    Ok(path.display().to_string())
}

/// `preview_withdraw` for a selection kept as a rule (`select all` is "all matching but these").
#[tauri::command]
pub async fn preview_withdraw_selection(
    desk: State<'_, Desk>,
    selection: SentSelection,
) -> AppResult<JobPlan> {
    let jobs = desk.jobs.clone();
    blocking(move || jobs.preview_withdraw_selection(&selection)).await
}
