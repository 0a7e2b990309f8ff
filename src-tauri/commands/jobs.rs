//! Jobs: start a previewed plan, watch, cancel, resume, discard, retry the failures.
//! Progress goes out as `job-progress` events (see `desk::EmitJobEvents`).
//!
//! The commands that start a runner are async so they run inside the async runtime that the
//! job task is spawned on.

use tauri::State;

use super::blocking;
use crate::desk::Desk;
use crate::error::AppResult;
use crate::jobs::{JobItemView, JobSummary};

/// Runs exactly the previewed list; starting the same plan again returns the same job.
#[tauri::command]
pub async fn start_job(desk: State<'_, Desk>, plan_id: String) -> AppResult<JobSummary> {
    desk.jobs.start(&plan_id)
}

/// Running, paused and interrupted jobs first, then the newest.
#[tauri::command]
pub async fn list_jobs(desk: State<'_, Desk>) -> AppResult<Vec<JobSummary>> {
    let jobs = desk.jobs.clone();
    blocking(move || jobs.list()).await
}

#[tauri::command]
pub async fn job_items(desk: State<'_, Desk>, job_id: String) -> AppResult<Vec<JobItemView>> {
    let jobs = desk.jobs.clone();
    blocking(move || jobs.items(&job_id)).await
}

#[tauri::command]
pub async fn cancel_job(desk: State<'_, Desk>, job_id: String) -> AppResult<JobSummary> {
    desk.jobs.cancel(&job_id)
}

#[tauri::command]
pub async fn resume_job(desk: State<'_, Desk>, job_id: String) -> AppResult<JobSummary> {
    desk.jobs.resume(&job_id)
}

#[tauri::command]
pub async fn discard_job(desk: State<'_, Desk>, job_id: String) -> AppResult<JobSummary> {
    let jobs = desk.jobs.clone();
    blocking(move || jobs.discard(&job_id)).await
}

/// A new job over the failed items only.
#[tauri::command]
pub async fn retry_failed(desk: State<'_, Desk>, job_id: String) -> AppResult<JobSummary> {
    desk.jobs.retry_failed(&job_id)
}
