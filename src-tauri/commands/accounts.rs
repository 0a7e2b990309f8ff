//! Accounts screen: add (test the key first), list, rename, default, replace key, remove,
//! per-account settings and limits. Thin wrappers over `crate::accounts::Accounts`.
//!
//! Every command is async: registry calls can wait on the OS keyring (a locked keyring may show
//! an unlock prompt), so the blocking ones run on a blocking thread, never on the UI thread.
//! Commands accept secrets and never return one.

use std::sync::Arc;

use tauri::State;

use super::blocking;

use crate::accounts::{AccountSettings, AccountView, Accounts, NewAccountInput, OrphanedKey};
use crate::desk::Desk;
use crate::error::AppResult;
use crate::model::{Limit, RemoteAccount};

/// Runs a registry call that may touch the keyring off the async workers.
async fn with_accounts<T: Send + 'static>(
    accounts: &Arc<Accounts>,
    call: impl FnOnce(&Accounts) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let accounts = accounts.clone();
    blocking(move || call(&accounts)).await
}

#[tauri::command]
pub async fn list_accounts(desk: State<'_, Desk>) -> AppResult<Vec<AccountView>> {
    with_accounts(&desk.accounts, |a| Ok(a.list())).await
}

/// Tests the pasted key and lists the LinkedIn accounts it can use. Saves nothing.
#[tauri::command]
pub async fn discover_accounts(
    desk: State<'_, Desk>,
    input: NewAccountInput,
) -> AppResult<Vec<RemoteAccount>> {
    desk.accounts.discover(&input).await
}

#[tauri::command]
pub async fn add_accounts(
    desk: State<'_, Desk>,
    input: NewAccountInput,
    remote_ids: Vec<String>,
) -> AppResult<Vec<AccountView>> {
    desk.accounts.add(&input, &remote_ids).await
}

#[tauri::command]
pub async fn add_demo_account(desk: State<'_, Desk>) -> AppResult<AccountView> {
    let desk = desk.inner().clone();
    blocking(move || desk.add_demo_account()).await
}

#[tauri::command]
pub async fn rename_account(
    desk: State<'_, Desk>,
    id: String,
    label: String,
) -> AppResult<AccountView> {
    with_accounts(&desk.accounts, move |a| a.rename(&id, &label)).await
}

#[tauri::command]
pub async fn set_default_account(desk: State<'_, Desk>, id: String) -> AppResult<()> {
    with_accounts(&desk.accounts, move |a| a.set_default(&id)).await
}

/// Tests the new key first; the account, its settings and its history stay.
#[tauri::command]
pub async fn replace_account_key(
    desk: State<'_, Desk>,
    id: String,
    api_key: String,
    login_token: Option<String>,
) -> AppResult<AccountView> {
    desk.accounts
        .replace_key(&id, &api_key, login_token.as_deref())
        .await
}

/// Removes the account, its cached invitations and its keyring entries; its history too when
/// `delete_history`.
#[tauri::command]
pub async fn remove_account(
    desk: State<'_, Desk>,
    id: String,
    delete_history: bool,
) -> AppResult<()> {
    let desk = desk.inner().clone();
    blocking(move || desk.remove_account(&id, delete_history)).await
}

#[tauri::command]
pub async fn get_account_settings(
    desk: State<'_, Desk>,
    account_id: String,
) -> AppResult<AccountSettings> {
    with_accounts(&desk.accounts, move |a| a.settings(&account_id)).await
}

#[tauri::command]
pub async fn save_account_settings(
    desk: State<'_, Desk>,
    account_id: String,
    settings: AccountSettings,
) -> AppResult<AccountSettings> {
    with_accounts(&desk.accounts, move |a| {
        a.save_settings(&account_id, settings)
    })
    .await
}

#[tauri::command]
pub async fn account_limits(desk: State<'_, Desk>, account_id: String) -> AppResult<Vec<Limit>> {
    desk.accounts.limits(&account_id).await
}

/// Keyring entries under InviteDesk's service that no account points at (names only).
#[tauri::command]
pub async fn list_orphaned_keys(desk: State<'_, Desk>) -> AppResult<Vec<OrphanedKey>> {
    with_accounts(&desk.accounts, |a| a.orphaned_keys()).await
}

/// Deletes leftover keyring entries the user chose; returns those still left.
#[tauri::command]
pub async fn delete_orphaned_keys(
    desk: State<'_, Desk>,
    entries: Vec<String>,
) -> AppResult<Vec<OrphanedKey>> {
    with_accounts(&desk.accounts, move |a| a.delete_orphaned_keys(&entries)).await
}
