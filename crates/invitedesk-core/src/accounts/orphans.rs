//! Keyring entries that no account points at any more: left behind when a damaged accounts file
//! lost accounts, or when the app died between writing a key and saving the account. Settings
//! lists them by name (never by value) and lets the user delete them.

use serde::Serialize;
use ts_rs::TS;

use super::secrets::{parse_entry, EntryKind, SERVICE};
use super::Accounts;
use crate::error::{AppError, AppResult};

/// One leftover keyring entry, as Settings shows it. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "OrphanedKey.ts")]
pub struct OrphanedKey {
    /// The entry's name in the keyring (service `invitedesk`), e.g. `account:<id>:api-key`.
    pub entry: String,
    /// The id of the account it belonged to, when the name carries one.
    pub account_id: Option<String>,
    pub kind: Option<EntryKind>,
}

impl Accounts {
    /// Entries under our service whose account is not in the registry. Empty while the registry
    /// could not be read: then every key would look orphaned although its account may be fine.
    pub fn orphaned_keys(&self) -> AppResult<Vec<OrphanedKey>> {
        if self.read_only.is_some() {
            return Ok(Vec::new());
        }
        let names = self.secrets.list_entries()?;
        let file = self.file.lock().unwrap();
        Ok(names
            .into_iter()
            .filter(|name| !name.starts_with("probe:"))
            .filter_map(|entry| {
                let parsed = parse_entry(&entry);
                if let Some((id, _)) = parsed {
                    if file.find(id).is_some() {
                        return None;
                    }
                }
                Some(OrphanedKey {
                    account_id: parsed.map(|(id, _)| id.to_string()),
                    kind: parsed.map(|(_, kind)| kind),
                    entry,
                })
            })
            .collect())
    }

    /// Deletes the given entries, each only if it is still orphaned (a page cannot delete the
    /// key of an account in use), and returns the orphans left.
    pub fn delete_orphaned_keys(&self, entries: &[String]) -> AppResult<Vec<OrphanedKey>> {
        self.check_writable()?;
        let orphans = self.orphaned_keys()?;
        for entry in entries {
            if !orphans.iter().any(|o| &o.entry == entry) {
                return Err(AppError::invalid_input(format!(
                    "The keyring entry \"{entry}\" is not a leftover of InviteDesk (it belongs to \
                     an account, or is gone already). Nothing was deleted."
                )));
            }
        }
        for entry in entries {
            self.secrets.delete(entry)?;
            log::info!("keyring: deleted the leftover entry {entry:?} ({SERVICE})");
        }
        self.orphaned_keys()
    }
}
