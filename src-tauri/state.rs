//! What the app holds while it runs: registered once in `setup` with `app.manage`.

use std::path::PathBuf;

/// Where the app keeps its files. Filled from the platform dirs in `setup` (XDG on Linux) and
/// from temp dirs in tests.
#[derive(Debug, Clone)]
pub struct AppPaths {
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
    pub cache_dir: PathBuf,
}

pub struct AppState {
    pub paths: AppPaths,
}

impl AppState {
    pub fn new(paths: AppPaths) -> Self {
        Self { paths }
    }
}
