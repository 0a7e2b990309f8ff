//! `#[tauri::command]` wrappers, one module per screen. Thin: validate, call the domain, map errors.

pub mod accounts;
pub mod activity;
pub mod app;
pub mod desk;
pub mod jobs;
pub mod received;
pub mod send;
pub mod sent;
