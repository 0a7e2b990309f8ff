//! Declares every app command so Tauri generates an `allow-<command>` permission for each; from
//! then on a command runs only where a capability grants it (see `capabilities/default.json`).

include!("command_names.rs");

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
