use serde::Serialize;
use tauri::State;
use tauri_plugin_opener::OpenerExt;
use ts_rs::TS;

use crate::accounts::KeyringStatus;
use crate::desk::Desk;
use crate::error::{AppError, AppResult};
use crate::model::ProviderKind;
use crate::providers;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "AppInfo.ts")]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub provider_overrides: Vec<ProviderOverride>,
    /// Whether keys can be stored right now, and how to fix it when not.
    pub keyring: KeyringStatus,
    /// Start-up messages for the user (e.g. a damaged file moved aside).
    pub notices: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ProviderOverride.ts")]
pub struct ProviderOverride {
    pub provider: ProviderKind,
    /// The URL in effect, or why the variable was refused.
    pub url: String,
    pub refused: bool,
}

fn provider_overrides() -> Vec<ProviderOverride> {
    [
        ProviderKind::ConnectSafely,
        ProviderKind::Edges,
        ProviderKind::Linkup,
    ]
    .into_iter()
    .filter_map(|kind| {
        Some(match providers::override_status(kind)? {
            Ok(url) => ProviderOverride {
                provider: kind,
                url,
                refused: false,
            },
            Err(why) => ProviderOverride {
                provider: kind,
                url: why,
                refused: true,
            },
        })
    })
    .collect()
}

/// Async with the keyring probe on a blocking thread: a locked keyring may wait on an unlock
/// prompt, which must not freeze the window.
#[tauri::command]
pub async fn app_info(desk: State<'_, Desk>) -> AppResult<AppInfo> {
    let accounts = desk.accounts.clone();
    let keyring = super::blocking(move || Ok(accounts.keyring_status())).await?;
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        data_dir: desk.paths.data_dir.display().to_string(),
        provider_overrides: provider_overrides(),
        keyring,
        notices: desk.notices(),
    })
}

/// The notices alone, for the window to re-ask on focus: no keyring probe (a locked keyring
/// may answer with an unlock prompt, which must not come with every focus).
#[tauri::command]
pub fn app_notices(desk: State<'_, Desk>) -> Vec<String> {
    desk.notices()
}

/// Only LinkedIn profile pages over https: provider data is untrusted, so a crafted
/// `profileUrl` must not open arbitrary schemes or sites.
pub fn checked_profile_url(raw: &str) -> AppResult<url::Url> {
    if url::Url::parse(raw.trim()).is_err() {
        return Err(AppError::invalid_input(
            "This profile link is not a valid address.",
        ));
    }
    crate::linkedin::checked_profile_url(raw).ok_or_else(|| {
        AppError::invalid_input("Only https://linkedin.com profile links are opened.")
    })
}

#[tauri::command]
pub fn open_profile<R: tauri::Runtime>(app: tauri::AppHandle<R>, url: String) -> AppResult<()> {
    let url = checked_profile_url(&url)?;
    app.opener()
        .open_url(url.as_str(), None::<&str>)
        .map_err(|e| AppError::internal(format!("Could not open the browser: {e}")))
}

/// Opens the folder holding the app's log files in the system's file manager.
#[tauri::command]
pub fn open_log_folder<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> AppResult<()> {
    use tauri::Manager;
    let dir = app
        .path()
        .app_log_dir()
        .map_err(|e| AppError::internal(format!("The log folder is unknown: {e}")))?;
    std::fs::create_dir_all(&dir).map_err(|e| {
        AppError::storage(format!(
            "Could not create the log folder {}: {e}",
            dir.display()
        ))
    })?;
    app.opener()
        .open_path(dir.display().to_string(), None::<&str>)
        .map_err(|e| AppError::internal(format!("Could not open {}: {e}", dir.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_linkedin_https_profiles_open() {
        assert!(checked_profile_url("https://www.linkedin.com/in/jane-doe").is_ok());
        assert!(checked_profile_url("https://linkedin.com/in/x").is_ok());
        assert!(checked_profile_url("http://www.linkedin.com/in/x").is_err());
        assert!(checked_profile_url("https://linkedin.com.evil.io/in/x").is_err());
        assert!(checked_profile_url("javascript:alert(1)").is_err());
        assert!(checked_profile_url("file:///etc/passwd").is_err());
    }
}
