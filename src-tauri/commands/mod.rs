//! `#[tauri::command]` wrappers, one module per screen. Thin: validate, call the domain, map errors.

pub mod accounts;
pub mod activity;
pub mod app;
pub mod desk;
pub mod jobs;
pub mod received;
pub mod send;
pub mod sent;

use crate::error::{AppError, AppResult};

/// Runs blocking work (database, keyring) on a blocking thread, never on the UI thread or an
/// async worker.
pub(crate) async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tauri::async_runtime::spawn_blocking(call)
        .await
        .map_err(|e| AppError::internal(format!("A background task failed: {e}")))?
}
