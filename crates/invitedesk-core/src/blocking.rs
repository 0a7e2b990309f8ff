//! Blocking work (the database, a keyring lookup that may prompt) run off the async workers, so
//! a slow disk or a keyring dialog never stalls a job, a refresh or the window.

use crate::error::{AppError, AppResult};

/// Runs `call` on tokio's blocking pool and returns its result.
pub async fn off_thread<T: Send + 'static>(
    call: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(|| {
        let result = call();
        crate::memory::work_ended();
        result
    })
    .await
    .map_err(|e| AppError::internal(format!("A background task failed: {e}")))?
}
