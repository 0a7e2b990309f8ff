//! Activity screen: what was done, filtered, and its CSV export.

use tauri::{AppHandle, Runtime, State};

use super::blocking;
use super::desk::exports_dir;
use crate::desk::Desk;
use crate::error::AppResult;
use crate::history::{self, ActivityFilter, ActivityRow};

#[tauri::command]
pub async fn list_activity(
    desk: State<'_, Desk>,
    filter: ActivityFilter,
) -> AppResult<Vec<ActivityRow>> {
    let db = desk.db.clone();
    blocking(move || history::list(&db, &filter)).await
}

/// Writes the filtered activity as CSV to the Downloads folder; returns the file's path.
#[tauri::command]
pub async fn export_activity_csv<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    filter: ActivityFilter,
) -> AppResult<String> {
    let db = desk.db.clone();
    let dir = exports_dir(&app, &desk);
    let path =
        blocking(move || history::export_csv(&db, &filter, &dir, chrono::Utc::now())).await?;
    Ok(path.display().to_string())
}
