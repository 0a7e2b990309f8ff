//! `#[tauri::command]` wrappers, one module per screen. Thin: validate, call the domain, map errors.

pub mod accounts;
pub mod activity;
pub mod app;
pub mod autopilot;
pub mod desk;
pub mod insights;
pub mod jobs;
pub mod lists;
pub mod received;
pub mod send;
pub mod sent;

/// Blocking work (database, keyring) runs on a blocking thread, never on the UI thread or an
/// async worker.
pub(crate) use invitedesk_core::blocking::off_thread as blocking;
