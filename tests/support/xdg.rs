//! Process-wide XDG dirs under a temp folder, for test binaries that build the app: Tauri
//! resolves its data, config and cache dirs from these (the store plugin even creates the data
//! dir), so without this a test run would leave folders in the real user's home.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Sets `XDG_DATA_HOME`, `XDG_CONFIG_HOME` and `XDG_CACHE_HOME` once per process, before any
/// app is built, and returns their common root. `user-dirs.dirs` declares a Downloads folder
/// the way `xdg-user-dirs` does, so exports have somewhere to go.
pub fn isolate() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let root = tempfile::tempdir().unwrap().keep();
        let config = root.join("config");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(
            config.join("user-dirs.dirs"),
            format!(
                "XDG_DOWNLOAD_DIR=\"{}\"\n",
                root.join("Downloads").display()
            ),
        )
        .unwrap();
        std::env::set_var("XDG_DATA_HOME", root.join("data"));
        std::env::set_var("XDG_CONFIG_HOME", &config);
        std::env::set_var("XDG_CACHE_HOME", root.join("cache"));
        root
    })
}
