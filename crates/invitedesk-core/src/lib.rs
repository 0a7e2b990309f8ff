//! InviteDesk's domain, shared by the desktop app and the command-line tool: provider clients,
//! accounts and their keys (OS keyring), the local database, invitation lists, jobs and
//! history. Nothing here knows about Tauri, WebKit or GTK; front-ends call in and receive
//! neutral types.
//!
//! Layers, lowest first; a module imports only from the layers below it:
//! - `error`, `model`, `age`, `linkedin`, `damaged`, `blocking`: the ground;
//! - `db` (the stored state; the types of its rows live with their tables) and `providers`
//!   (the HTTP clients), side by side, neither importing the other;
//! - `accounts` (on `providers`), `history` (on `db`);
//! - `invitations` (cache, refresh, keep-list, sending), then `jobs` (plan → run → outcome),
//!   then `lists` (withdraw by list, do-not-contact, duplicates: ending in a job's preview) and
//!   `autopilot` (scheduled rules that run as jobs); `insights` (fates, chart data, limits at a
//!   glance) reads beside them.
//! - `desk`: opens them all, the one entry point of every front-end ([`desk::Desk::open`]).

pub mod accounts;
pub mod age;
pub mod autopilot;
pub mod blocking;
pub mod damaged;
pub mod db;
pub mod desk;
pub mod error;
pub mod history;
pub mod insights;
pub mod invitations;
pub mod jobs;
pub mod linkedin;
pub mod lists;
pub mod memory;
pub mod model;
pub mod providers;
