//! What the invitation, job and activity commands share: running domain calls off the async
//! workers, the progress adapters to `app.emit`, and where exported files go.

use std::path::PathBuf;
use std::sync::Arc;

use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::{AppError, AppResult};
use crate::invitations::{RefreshProgress, RefreshSink};
use crate::jobs::{JobEvents, JobProgress};
use crate::state::Desk;

/// Runs database work on a blocking thread, never on the UI thread or an async worker.
pub(crate) async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tauri::async_runtime::spawn_blocking(call)
        .await
        .map_err(|e| AppError::internal(format!("A background task failed: {e}")))?
}

/// Forwards refresh progress to the window as `refresh-progress`.
pub(crate) fn refresh_progress_emitter<R: Runtime>(app: AppHandle<R>) -> RefreshSink {
    Arc::new(move |progress: RefreshProgress| {
        if let Err(e) = app.emit("refresh-progress", &progress) {
            log::warn!("refresh-progress not delivered: {e}");
        }
    })
}

/// Forwards job progress to the window as `job-progress`.
pub struct EmitJobEvents<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> JobEvents for EmitJobEvents<R> {
    fn job_progress(&self, progress: &JobProgress) {
        if let Err(e) = self.0.emit("job-progress", progress) {
            log::warn!("job-progress not delivered: {e}");
        }
    }
}

/// Where CSV exports go: the user's Downloads folder, else `~/Downloads` when it exists, else
/// the app's own exports folder.
pub(crate) fn exports_dir<R: Runtime>(app: &AppHandle<R>, desk: &Desk) -> PathBuf {
    let path = app.path();
    path.download_dir()
        .ok()
        .or_else(|| {
            path.home_dir()
                .ok()
                .map(|h| h.join("Downloads"))
                .filter(|d| d.is_dir())
        })
        .unwrap_or_else(|| desk.exports_dir.clone())
}
