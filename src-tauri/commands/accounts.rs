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
use crate::error::AppResult;
use crate::model::{Limit, RemoteAccount};
use crate::state::AppState;

/// Runs a registry call that may touch the keyring off the async workers.
async fn with_accounts<T: Send + 'static>(
    accounts: &Arc<Accounts>,
    call: impl FnOnce(&Accounts) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let accounts = accounts.clone();
    blocking(move || call(&accounts)).await
}

#[tauri::command]
pub async fn list_accounts(state: State<'_, AppState>) -> AppResult<Vec<AccountView>> {
    with_accounts(&state.accounts, |a| Ok(a.list())).await
}

/// Tests the pasted key and lists the LinkedIn accounts it can use. Saves nothing.
#[tauri::command]
pub async fn discover_accounts(
    state: State<'_, AppState>,
    input: NewAccountInput,
) -> AppResult<Vec<RemoteAccount>> {
    state.accounts.discover(&input).await
}

#[tauri::command]
pub async fn add_accounts(
    state: State<'_, AppState>,
    input: NewAccountInput,
    remote_ids: Vec<String>,
) -> AppResult<Vec<AccountView>> {
    state.accounts.add(&input, &remote_ids).await
}

#[tauri::command]
pub async fn add_demo_account(state: State<'_, AppState>) -> AppResult<AccountView> {
    with_accounts(&state.accounts, |a| a.add_demo()).await
}

#[tauri::command]
pub async fn rename_account(
    state: State<'_, AppState>,
    id: String,
    label: String,
) -> AppResult<AccountView> {
    with_accounts(&state.accounts, move |a| a.rename(&id, &label)).await
}

#[tauri::command]
pub async fn set_default_account(state: State<'_, AppState>, id: String) -> AppResult<()> {
    with_accounts(&state.accounts, move |a| a.set_default(&id)).await
}

/// Tests the new key first; the account, its settings and its history stay.
#[tauri::command]
pub async fn replace_account_key(
    state: State<'_, AppState>,
    id: String,
    api_key: String,
    login_token: Option<String>,
) -> AppResult<AccountView> {
    state
        .accounts
        .replace_key(&id, &api_key, login_token.as_deref())
        .await
}

/// Removes the account and its keyring entries; its history too when `delete_history`.
#[tauri::command]
pub async fn remove_account(
    state: State<'_, AppState>,
    id: String,
    delete_history: bool,
) -> AppResult<()> {
    let eraser = state.history_eraser.clone();
    with_accounts(&state.accounts, move |a| {
        a.remove(&id, delete_history.then_some(eraser.as_ref()))?;
        if !delete_history {
            eraser.forget_account_cache(&id)?;
        }
        Ok(())
    })
    .await
}

#[tauri::command]
pub async fn get_account_settings(
    state: State<'_, AppState>,
    account_id: String,
) -> AppResult<AccountSettings> {
    with_accounts(&state.accounts, move |a| a.settings(&account_id)).await
}

#[tauri::command]
pub async fn save_account_settings(
    state: State<'_, AppState>,
    account_id: String,
    settings: AccountSettings,
) -> AppResult<AccountSettings> {
    with_accounts(&state.accounts, move |a| {
        a.save_settings(&account_id, settings)
    })
    .await
}

#[tauri::command]
pub async fn account_limits(
    state: State<'_, AppState>,
    account_id: String,
) -> AppResult<Vec<Limit>> {
    state.accounts.limits(&account_id).await
}

/// Keyring entries under InviteDesk's service that no account points at (names only).
#[tauri::command]
pub async fn list_orphaned_keys(state: State<'_, AppState>) -> AppResult<Vec<OrphanedKey>> {
    with_accounts(&state.accounts, |a| a.orphaned_keys()).await
}

/// Deletes leftover keyring entries the user chose; returns those still left.
#[tauri::command]
pub async fn delete_orphaned_keys(
    state: State<'_, AppState>,
    entries: Vec<String>,
) -> AppResult<Vec<OrphanedKey>> {
    with_accounts(&state.accounts, move |a| a.delete_orphaned_keys(&entries)).await
}
