//! Where the app keeps its files: the tool opens the same registry, database and journal as the
//! window (`Paths::of_app`, found the way Tauri finds them).

use invitedesk_core::desk::Paths;
use invitedesk_core::error::AppResult;

/// `identifier` in tauri.conf.json (a test checks they agree).
pub const APP_IDENTIFIER: &str = "app.invitedesk.desktop";

pub fn app_paths() -> AppResult<Paths> {
    Paths::of_app(APP_IDENTIFIER)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn the_identifier_is_the_apps_and_no_directory_is_overridden() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../../../tauri.conf.json")).unwrap();
        assert_eq!(conf["identifier"], APP_IDENTIFIER);
        assert!(
            conf["app"].get("appDirectoriesOverride").is_none(),
            "the app's folders are overridden: the tool must follow"
        );
    }

    #[test]
    fn the_deb_installs_the_tool_as_the_apps_binary() {
        // The app's binary runs this crate's `run` for `invitedesk cli …` (tests/cli_in_app.rs
        // runs the script and the binary).
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../../../tauri.conf.json")).unwrap();
        assert_eq!(
            conf["bundle"]["linux"]["deb"]["files"]["/usr/bin/invitedesk-cli"],
            "packaging/invitedesk-cli"
        );
        assert!(include_str!("../../../packaging/invitedesk-cli")
            .contains("exec /usr/bin/invitedesk cli \"$@\""));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_follows_xdg_like_tauri() {
        // The only test in this binary that touches the environment.
        std::env::set_var("XDG_DATA_HOME", "/tmp/x-data");
        std::env::set_var("XDG_CONFIG_HOME", "/tmp/x-config");
        std::env::set_var("XDG_CACHE_HOME", "/tmp/x-cache");
        let p = app_paths().unwrap();
        assert_eq!(
            p.data_dir,
            PathBuf::from("/tmp/x-data/app.invitedesk.desktop")
        );
        assert_eq!(
            p.config_dir,
            PathBuf::from("/tmp/x-config/app.invitedesk.desktop")
        );
        assert_eq!(
            p.cache_dir,
            PathBuf::from("/tmp/x-cache/app.invitedesk.desktop")
        );
        assert_eq!(
            p.accounts_file(),
            PathBuf::from("/tmp/x-config/app.invitedesk.desktop/accounts.json")
        );
    }
}
