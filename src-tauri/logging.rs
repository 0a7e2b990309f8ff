//! Where the app's log goes: stderr (for a terminal and the test harness) and a rotating file
//! in the platform's log folder (Settings opens it), through `tauri-plugin-log`. What is logged
//! is the same everywhere, and never carries a key or token (clients log only method and path,
//! errors only scrubbed excerpts).

use log::LevelFilter;
use tauri_plugin_log::{RotationStrategy, Target, TargetKind};

/// Largest log file before it is rotated.
const MAX_FILE_BYTES: u128 = 2 * 1024 * 1024;
/// Rotated files kept besides the current one.
const KEEP_FILES: usize = 4;

/// The plugin, with the levels from `RUST_LOG` (a plain level such as `debug`, applied to
/// InviteDesk's own crates and, for `trace`, to everything) or the defaults: InviteDesk at info,
/// everything else at warn.
pub fn plugin<R: tauri::Runtime>() -> tauri::plugin::TauriPlugin<R> {
    let ours = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| v.trim().parse::<LevelFilter>().ok());
    let (ours, others) = match ours {
        Some(LevelFilter::Trace) => (LevelFilter::Trace, LevelFilter::Trace),
        Some(level) => (level, LevelFilter::Warn),
        None => (LevelFilter::Info, LevelFilter::Warn),
    };
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .targets([
            Target::new(TargetKind::Stderr),
            Target::new(TargetKind::LogDir {
                file_name: Some("invitedesk".into()),
            }),
        ])
        .max_file_size(MAX_FILE_BYTES)
        .rotation_strategy(RotationStrategy::KeepSome(KEEP_FILES))
        .level(others)
        .level_for("invitedesk_lib", ours)
        .level_for("invitedesk_core", ours)
        .level_for("invitedesk", ours)
        .build()
}
