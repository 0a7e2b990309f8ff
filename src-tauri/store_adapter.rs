//! tauri-plugin-store as the storage of the account registry (`accounts::AccountsStorage`).
//!
//! The plugin keeps the registry's JSON map in memory (and emits `store://change`), but two
//! things in its 2.5.0 source rule out using it as-is for data the user cannot afford to lose:
//!
//! - `Store::save` is `fs::write(path, bytes)`: the file is truncated, then written. A crash or a
//!   full disk in between leaves a truncated `accounts.json`. The plugin also calls `save()` for
//!   every store it still knows about on `RunEvent::Exit`.
//! - Loading ignores errors (`let _ = store_inner.load()`): a damaged file silently becomes an
//!   empty store, and the next save overwrites it.
//!
//! So this adapter repairs the file before the plugin reads it (`storage::recover_file`: damaged
//! file moved aside, what still decodes kept), writes with `storage::write_atomic` (temp file,
//! fsync, rename) instead of `Store::save`, and detaches the store from the plugin's registry
//! (`close_resource`) so the exit hook never rewrites the file non-atomically. Auto-save is off.
//! The webview has no `store:*` permission: it reaches the registry only through typed commands.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::{Store, StoreExt};

use crate::accounts::storage::{self, AccountsStorage, Loaded, Stamp, WriteLock};
use crate::accounts::AccountsFile;
use crate::error::{AppError, AppResult};

pub struct PluginAccountsStorage<R: Runtime> {
    store: Arc<Store<R>>,
    path: PathBuf,
}

impl<R: Runtime> PluginAccountsStorage<R> {
    /// `path` should be absolute (a relative one is resolved against the app data dir by the
    /// plugin, and differently by our own reads).
    pub fn open(app: &AppHandle<R>, path: impl Into<PathBuf>) -> AppResult<Self> {
        let path = path.into();
        let store = app
            .store_builder(&path)
            .disable_auto_save()
            .build()
            .map_err(|e| {
                AppError::storage(format!(
                    "Could not open the accounts file {}: {e}",
                    path.display()
                ))
            })?;
        // Out of the plugin's registry: its exit hook saves with a plain, non-atomic write.
        store.close_resource();
        Ok(Self { store, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes the plugin's in-memory map equal to `file`.
    fn fill_cache(&self, file: &AccountsFile) -> AppResult<serde_json::Map<String, Value>> {
        let Value::Object(map) = serde_json::to_value(file)
            .map_err(|e| AppError::internal(format!("Could not encode the accounts: {e}")))?
        else {
            return Err(AppError::internal(
                "The accounts did not encode as an object.",
            ));
        };
        for key in self.store.keys() {
            if !map.contains_key(&key) {
                self.store.delete(&key);
            }
        }
        for (key, value) in &map {
            if self.store.get(key).as_ref() != Some(value) {
                self.store.set(key.clone(), value.clone());
            }
        }
        Ok(map)
    }
}

impl<R: Runtime> AccountsStorage for PluginAccountsStorage<R> {
    fn load(&self) -> AppResult<Loaded> {
        let loaded = storage::recover_file(&self.path)?;
        self.fill_cache(&loaded.file)?;
        Ok(loaded)
    }

    fn save(&self, file: &AccountsFile) -> AppResult<()> {
        let map = self.fill_cache(file)?;
        let bytes = serde_json::to_vec_pretty(&map)
            .map_err(|e| AppError::internal(format!("Could not encode the accounts: {e}")))?;
        storage::write_atomic(&self.path, &bytes)
    }

    fn stamp(&self) -> Option<Stamp> {
        storage::file_stamp(&self.path)
    }

    fn lock(&self) -> AppResult<Option<WriteLock>> {
        storage::lock_beside(&self.path).map(Some)
    }
}
