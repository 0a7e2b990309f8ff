//! Insights screen: fates, chart series and their CSV export.

use tauri::{AppHandle, Runtime, State};

use super::desk::exports_dir;
use crate::desk::Desk;
use crate::error::AppResult;
use crate::insights::limits_view::AccountLimits;
use crate::insights::{
    off_thread_insights, AcceptanceCheck, Insights, InsightsSeries, DEFAULT_THRESHOLD_DAYS,
};

#[tauri::command]
pub async fn get_insights(
    desk: State<'_, Desk>,
    account_id: Option<String>,
    threshold_days: Option<u32>,
) -> AppResult<Insights> {
    off_thread_insights(&desk.insights, move |s| {
        s.insights(account_id.as_deref(), threshold_days)
    })
    .await
}

/// Writes one series as CSV to the Downloads folder; returns the file's path.
#[tauri::command]
pub async fn export_insights_csv<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    account_id: Option<String>,
    series: InsightsSeries,
    threshold_days: Option<u32>,
) -> AppResult<String> {
    let dir = exports_dir(&app, &desk);
    let path = off_thread_insights(&desk.insights, move |s| {
        s.export_csv(
            account_id.as_deref(),
            series,
            threshold_days,
            &dir,
            chrono::Utc::now(),
        )
    })
    .await?;
    Ok(path.display().to_string())
}

/// Asks ConnectSafely (and the demo) whether people behind invitations that left the list are
/// now connections; a few per account per call.
#[tauri::command]
pub async fn check_acceptances(
    desk: State<'_, Desk>,
    account_id: Option<String>,
) -> AppResult<AcceptanceCheck> {
    desk.insights.check_acceptances(account_id.as_deref()).await
}

/// Limits at a glance for one account: provider figures, caps used today, holds and the
/// stale-backlog ETA at the account's withdraw threshold.
#[tauri::command]
pub async fn limits_at_a_glance(
    desk: State<'_, Desk>,
    account_id: String,
) -> AppResult<AccountLimits> {
    let threshold = desk
        .accounts
        .settings(&account_id)
        .map_or(DEFAULT_THRESHOLD_DAYS, |s| s.withdraw_older_than_days);
    desk.insights
        .account_limits(&account_id, threshold, chrono::Utc::now())
        .await
}
