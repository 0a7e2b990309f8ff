//! Received screen: the cached list, refresh, and the accept / ignore preview.

use tauri::{AppHandle, Runtime, State};

use super::blocking;
use super::desk::refresh_screen;
use crate::db::cache::Screen;
use crate::desk::Desk;
use crate::error::AppResult;
use crate::invitations::{ReceivedSnapshot, RefreshSummary};
use crate::jobs::JobPlan;
use crate::model::Response;

#[tauri::command]
pub async fn list_received(
    desk: State<'_, Desk>,
    account_id: Option<String>,
) -> AppResult<ReceivedSnapshot> {
    let invitations = desk.invitations.clone();
    blocking(move || invitations.list_received(account_id.as_deref())).await
}

#[tauri::command]
pub async fn refresh_received<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    account_id: Option<String>,
) -> AppResult<RefreshSummary> {
    refresh_screen(app, &desk, Screen::Received, account_id).await
}

/// The exact list an accept or ignore job would act on, stored for `start_job`.
#[tauri::command]
pub async fn preview_respond(
    desk: State<'_, Desk>,
    keys: Vec<String>,
    response: Response,
) -> AppResult<JobPlan> {
    let jobs = desk.jobs.clone();
    blocking(move || jobs.preview_respond(&keys, response)).await
}
