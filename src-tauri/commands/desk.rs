//! What the invitation, job and activity commands share: running domain calls off the async
//! workers, the progress adapters to `app.emit`, and where exported files go.

use std::path::PathBuf;
use std::sync::Arc;

use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::db::cache::Screen;
use crate::desk::Desk;
use crate::error::AppResult;
use crate::invitations::{RefreshProgress, RefreshSink, RefreshSummary};
use crate::jobs::{JobEvents, JobProgress};

/// Refreshes one screen's cache for one account (or all), emitting `refresh-progress`.
pub(crate) async fn refresh_screen<R: Runtime>(
    app: AppHandle<R>,
    desk: &Desk,
    screen: Screen,
    account_id: Option<String>,
) -> AppResult<RefreshSummary> {
    desk.invitations
        .refresh(screen, account_id.as_deref(), refresh_progress_emitter(app))
        .await
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
        .unwrap_or_else(|| desk.paths.exports_dir())
}
