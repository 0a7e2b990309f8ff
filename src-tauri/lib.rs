//! InviteDesk: manage the LinkedIn invitations of several accounts.
//!
//! Layers (see README, "Architecture"): `commands` (thin Tauri wrappers) → domain modules
//! (`accounts`, `providers`, …; no Tauri types) → `providers::*` HTTP clients.

pub mod age;
pub mod command_names;
pub mod commands;
pub mod error;
pub mod model;
pub mod providers;
pub mod state;

use tauri::Manager;

/// Plugins and commands, shared by the app and the IPC tests so both see exactly the same
/// surface. Call `.invoke_handler` only here: a second call would replace this list.
pub fn builder<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::open_profile,
        ])
}

/// The platform dirs for this app (`$XDG_DATA_HOME/app.invitedesk.desktop`, …).
pub fn app_paths<R: tauri::Runtime>(app: &tauri::App<R>) -> Result<state::AppPaths, tauri::Error> {
    let p = app.path();
    Ok(state::AppPaths {
        data_dir: p.app_data_dir()?,
        config_dir: p.app_config_dir()?,
        cache_dir: p.app_cache_dir()?,
    })
}

pub fn run() {
    builder(tauri::Builder::default())
        .setup(|app| {
            let paths = app_paths(app)?;
            app.manage(state::AppState::new(paths));
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running InviteDesk");
}
