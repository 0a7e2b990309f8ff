//! InviteDesk's domain, shared by the desktop app and the command-line tool: provider clients,
//! accounts and their keys (OS keyring), the local database, invitation lists, jobs and
//! history. Nothing here knows about Tauri, WebKit or GTK; front-ends call in and receive
//! neutral types.
//!
//! Layers, lowest first: `error`, `model`, `age`, `linkedin` → `db` (the floor of the stored
//! state) → `providers` → `accounts` → `invitations` → `jobs` → `history`; `desk` opens them
//! all ([`desk::Desk::open`]).

pub mod accounts;
pub mod age;
pub mod blocking;
pub mod damaged;
pub mod db;
pub mod desk;
pub mod error;
pub mod history;
pub mod invitations;
pub mod jobs;
pub mod linkedin;
pub mod model;
pub mod providers;
