//! `#[tauri::command]` wrappers, one module per screen. Thin: validate, call the domain, map errors.

pub mod app;
