//! Where API keys and login tokens live: the OS keyring, behind a small trait.
//!
//! Commands and domain code only see `SecretStore`, so tests swap in `MemorySecretStore` and a
//! later move to `keyring-core` stays local to this file. There is deliberately no file-based
//! fallback: when the keyring is unreachable or locked the caller gets a
//! `KeyringUnavailable` error that tells the user how to fix it.
//!
//! Secret values never reach an error message, a log line or a `Debug` output: errors describe
//! the keyring, never the value, and `get` hands out a `SecretString`.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use secrecy::SecretString;
use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, AppResult, ErrorKind};

/// The Secret Service "service" attribute of every entry InviteDesk writes.
pub const SERVICE: &str = "invitedesk";

/// Entry name ("user" attribute) of an account's API key.
pub fn api_key_entry(account_id: &str) -> String {
    format!("account:{account_id}:api-key")
}

/// Entry name of an account's LinkedIn login token (LinkupAPI v1).
pub fn login_token_entry(account_id: &str) -> String {
    format!("account:{account_id}:login-token")
}

/// Entry written and removed again by `probe`.
const PROBE_ENTRY: &str = "probe:writable";

/// What an entry name says about itself: the account id and which credential it holds.
/// `None` for a name InviteDesk does not write (or the transient probe entry).
pub fn parse_entry(entry: &str) -> Option<(&str, EntryKind)> {
    let rest = entry.strip_prefix("account:")?;
    let (id, kind) = rest.rsplit_once(':')?;
    let kind = match kind {
        "api-key" => EntryKind::ApiKey,
        "login-token" => EntryKind::LoginToken,
        _ => return None,
    };
    (!id.is_empty()).then_some((id, kind))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "EntryKind.ts")]
pub enum EntryKind {
    ApiKey,
    /// LinkupAPI's LinkedIn login token.
    LoginToken,
}

pub trait SecretStore: Send + Sync {
    /// The secret, or `None` when no entry exists.
    fn get(&self, entry: &str) -> AppResult<Option<SecretString>>;

    /// Creates or overwrites the entry.
    fn set(&self, entry: &str, value: &str) -> AppResult<()>;

    /// Removes the entry; removing one that does not exist is not an error.
    fn delete(&self, entry: &str) -> AppResult<()>;

    /// The names of every entry stored under [`SERVICE`], sorted. Reads names only, never a
    /// value (so it never unlocks anything either).
    fn list_entries(&self) -> AppResult<Vec<String>>;

    /// Whether secrets can be stored right now, for the Settings screen. Writes and removes a
    /// throwaway entry: a read alone succeeds on a locked keyring when nothing is found.
    fn probe(&self) -> KeyringStatus {
        let outcome = self
            .set(PROBE_ENTRY, "probe")
            .and_then(|()| self.delete(PROBE_ENTRY));
        match outcome {
            Ok(()) => KeyringStatus {
                available: true,
                message: None,
            },
            Err(e) => KeyringStatus {
                available: false,
                message: Some(e.message),
            },
        }
    }
}

/// What the Settings screen shows about the keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "KeyringStatus.ts")]
pub struct KeyringStatus {
    pub available: bool,
    /// Why it is not available and what to do, when it is not.
    pub message: Option<String>,
}

/// The OS keyring (Secret Service on Linux: GNOME Keyring, KWallet, KeePassXC).
///
/// One entry per credential, service `invitedesk`. Every call opens a fresh `keyring::Entry`,
/// so a keyring started or unlocked while the app runs is picked up on the next call.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyringStore;

impl KeyringStore {
    pub fn new() -> Self {
        KeyringStore
    }

    /// The OS keyring, after checking that this build really has one. keyring 3 falls back
    /// to an in-memory mock on a target whose native store is not compiled in: keys "saved"
    /// there would be gone at the next start, so the app and the tool refuse to run instead.
    pub fn native() -> AppResult<Self> {
        refuse_unless_persistent(
            keyring::default::default_credential_builder().persistence(),
            std::env::consts::OS,
        )?;
        Ok(KeyringStore)
    }

    fn entry(&self, entry: &str) -> AppResult<keyring::Entry> {
        keyring::Entry::new(SERVICE, entry).map_err(|e| keyring_error("open", entry, e))
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, entry: &str) -> AppResult<Option<SecretString>> {
        match self.entry(entry)?.get_password() {
            Ok(value) => Ok(Some(SecretString::from(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error("read", entry, e)),
        }
    }

    fn set(&self, entry: &str, value: &str) -> AppResult<()> {
        self.entry(entry)?
            .set_password(value)
            .map_err(|e| keyring_error("write", entry, e))
    }

    fn delete(&self, entry: &str) -> AppResult<()> {
        match self.entry(entry)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error("remove", entry, e)),
        }
    }

    fn list_entries(&self) -> AppResult<Vec<String>> {
        search_entry_names()
    }
}

/// Only a store that keeps credentials until they are deleted will do (not the mock, which
/// keeps them in the entry, nor one that forgets them at reboot).
fn refuse_unless_persistent(
    persistence: keyring::credential::CredentialPersistence,
    os: &str,
) -> AppResult<()> {
    use keyring::credential::CredentialPersistence;
    if matches!(persistence, CredentialPersistence::UntilDelete) {
        return Ok(());
    }
    Err(AppError::new(
        ErrorKind::KeyringUnavailable,
        format!(
            "This build of InviteDesk has no system keyring for {os}: API keys would only be \
             kept in memory and lost when it closes, so it does not start. Install a build \
             made for {os} (macOS Keychain, Windows Credential Manager or the Secret Service \
             on Linux)."
        ),
    ))
}

/// Searches the Secret Service by our service attribute: keyring 3 can only look up one entry
/// by its full name, and after a lost accounts file the names are what we do not know.
#[cfg(target_os = "linux")]
fn search_entry_names() -> AppResult<Vec<String>> {
    use dbus_secret_service::{EncryptionType, SecretService};
    use keyring::secret_service::decode_error;

    let fail = |e| keyring_error("list", SERVICE, decode_error(e));
    let ss = SecretService::connect(EncryptionType::Dh).map_err(fail)?;
    let found = ss
        .search_items(HashMap::from([("service", SERVICE)]))
        .map_err(fail)?;
    if !found.locked.is_empty() {
        // Unlocking would prompt; attributes of a locked item may not be readable.
        return Err(AppError::new(
            ErrorKind::KeyringUnavailable,
            "The system keyring is locked, so InviteDesk cannot list the keys it holds. Unlock \
             your keyring (GNOME Keyring, KWallet) and open Settings again.",
        ));
    }
    let mut names = Vec::new();
    for item in &found.unlocked {
        match item.get_attributes() {
            Ok(mut attributes) => names.extend(attributes.remove("username")),
            // Deleted between the search and the read (the keyring probe's entry does this).
            Err(e) => log::info!("keyring: skipped an entry that could not be read: {e}"),
        }
    }
    names.sort();
    names.dedup();
    Ok(names)
}

#[cfg(not(target_os = "linux"))]
fn search_entry_names() -> AppResult<Vec<String>> {
    Ok(Vec::new())
}

/// Turns a keyring failure into a message that says how to fix it. The entry name (never the
/// value) goes to the log; `BadEncoding` carries the stored bytes, so it is never formatted.
fn keyring_error(op: &str, entry: &str, e: keyring::Error) -> AppError {
    let (detail, message) = match &e {
        keyring::Error::NoStorageAccess(inner) => (
            inner.to_string(),
            "The system keyring is locked or refused access. Unlock your keyring (GNOME Keyring, \
             KWallet) and try again."
                .to_string(),
        ),
        keyring::Error::PlatformFailure(inner) => (
            inner.to_string(),
            "InviteDesk cannot reach the system keyring: no Secret Service is running. Start and \
             unlock your keyring (GNOME Keyring, KWallet), then try again. Keys are never kept \
             in a file instead."
                .to_string(),
        ),
        keyring::Error::BadEncoding(_) => (
            "stored value is not UTF-8".to_string(),
            "The key stored in the keyring is damaged. Replace the account's key.".to_string(),
        ),
        keyring::Error::Ambiguous(items) => (
            format!("{} matching entries", items.len()),
            format!(
                "The keyring holds several \"{SERVICE}\" entries for the same account. Remove the \
                 duplicates in your keyring app (for example Seahorse), then replace the key."
            ),
        ),
        keyring::Error::TooLong(..) | keyring::Error::Invalid(..) => (
            e.to_string(),
            "The system keyring refused to store this key. Try again, or check your keyring \
             app."
                .to_string(),
        ),
        keyring::Error::NoEntry => (
            "no entry".to_string(),
            "The key is not in the keyring.".to_string(),
        ),
        // keyring::Error is non_exhaustive.
        _ => (
            "unrecognised keyring error".to_string(),
            "The system keyring failed. Unlock your keyring (GNOME Keyring, KWallet) and try \
             again."
                .to_string(),
        ),
    };
    log::warn!("keyring: could not {op} entry {entry:?}: {detail}");
    AppError::new(ErrorKind::KeyringUnavailable, message)
}

/// A keyring in memory, for unit and IPC tests. `set_unavailable(true)` makes every call fail
/// the way a locked keyring does.
#[derive(Default)]
pub struct MemorySecretStore {
    entries: Mutex<HashMap<String, String>>,
    unavailable: Mutex<bool>,
}

impl MemorySecretStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set_unavailable(&self, unavailable: bool) {
        *self.unavailable.lock().unwrap() = unavailable;
    }

    /// Entry names currently stored (never the values).
    pub fn entry_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.entries.lock().unwrap().keys().cloned().collect();
        names.sort();
        names
    }

    fn check_available(&self) -> AppResult<()> {
        if *self.unavailable.lock().unwrap() {
            return Err(AppError::new(
                ErrorKind::KeyringUnavailable,
                "The system keyring is locked or refused access. Unlock your keyring (GNOME \
                 Keyring, KWallet) and try again.",
            ));
        }
        Ok(())
    }
}

impl fmt::Debug for MemorySecretStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemorySecretStore")
            .field("entries", &self.entry_names())
            .finish_non_exhaustive()
    }
}

impl SecretStore for MemorySecretStore {
    fn get(&self, entry: &str) -> AppResult<Option<SecretString>> {
        self.check_available()?;
        Ok(self
            .entries
            .lock()
            .unwrap()
            .get(entry)
            .map(|v| SecretString::from(v.as_str())))
    }

    fn set(&self, entry: &str, value: &str) -> AppResult<()> {
        self.check_available()?;
        self.entries
            .lock()
            .unwrap()
            .insert(entry.to_string(), value.to_string());
        Ok(())
    }

    fn delete(&self, entry: &str) -> AppResult<()> {
        self.check_available()?;
        self.entries.lock().unwrap().remove(entry);
        Ok(())
    }

    fn list_entries(&self) -> AppResult<Vec<String>> {
        self.check_available()?;
        Ok(self.entry_names())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn memory_store_round_trips_and_deleting_a_missing_entry_is_fine() {
        let s = MemorySecretStore::new();
        assert!(s.get("a").unwrap().is_none());
        s.set("a", "sk_one").unwrap();
        s.set("a", "sk_two").unwrap();
        assert_eq!(s.get("a").unwrap().unwrap().expose_secret(), "sk_two");
        s.delete("a").unwrap();
        s.delete("a").unwrap();
        assert!(s.get("a").unwrap().is_none());
    }

    #[test]
    fn memory_store_debug_shows_names_not_values() {
        let s = MemorySecretStore::new();
        s.set(&api_key_entry("acc1"), "sk_live_TOPSECRET").unwrap();
        let shown = format!("{s:?}");
        assert!(shown.contains("account:acc1:api-key"), "{shown}");
        assert!(!shown.contains("TOPSECRET"), "{shown}");
    }

    #[test]
    fn probe_reports_a_locked_store_with_the_fix() {
        let s = MemorySecretStore::new();
        assert_eq!(
            s.probe(),
            KeyringStatus {
                available: true,
                message: None
            }
        );
        assert!(
            s.entry_names().is_empty(),
            "the probe entry is removed again"
        );
        s.set_unavailable(true);
        let status = s.probe();
        assert!(!status.available);
        assert!(status.message.unwrap().contains("Unlock your keyring"));
    }

    #[test]
    fn keyring_errors_say_how_to_fix_and_never_show_the_value() {
        let locked = keyring_error(
            "read",
            "account:x:api-key",
            keyring::Error::NoStorageAccess("IsLocked".into()),
        );
        assert_eq!(locked.kind, ErrorKind::KeyringUnavailable);
        assert!(locked.message.contains("Unlock your keyring"));

        let no_bus = keyring_error(
            "read",
            "account:x:api-key",
            keyring::Error::PlatformFailure("Unable to autolaunch a dbus-daemon".into()),
        );
        assert_eq!(no_bus.kind, ErrorKind::KeyringUnavailable);
        assert!(no_bus.message.contains("no Secret Service is running"));

        let damaged = keyring_error(
            "read",
            "account:x:api-key",
            keyring::Error::BadEncoding(b"sk_live_\xffSECRETBYTES".to_vec()),
        );
        assert!(!damaged.message.contains("SECRETBYTES"));
        assert!(damaged.message.contains("Replace"));
    }

    #[test]
    fn entry_names_are_one_per_credential_and_read_back() {
        assert_eq!(api_key_entry("7f3a"), "account:7f3a:api-key");
        assert_eq!(login_token_entry("7f3a"), "account:7f3a:login-token");
        assert_eq!(
            parse_entry(&api_key_entry("7f3a")),
            Some(("7f3a", EntryKind::ApiKey))
        );
        assert_eq!(
            parse_entry(&login_token_entry("7f3a")),
            Some(("7f3a", EntryKind::LoginToken))
        );
        assert_eq!(parse_entry(PROBE_ENTRY), None);
        assert_eq!(parse_entry("account::api-key"), None);
        assert_eq!(parse_entry("account:x:password"), None);
    }

    /// Issue 15: with only the Secret Service feature, keyring 3 uses its in-memory mock on
    /// any other target. This build (Linux) must store keys in the Secret Service.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_linux_build_keeps_keys_in_the_secret_service_not_the_mock() {
        let builder = keyring::default::default_credential_builder();
        assert!(
            builder
                .as_any()
                .is::<keyring::secret_service::SsCredentialBuilder>(),
            "the default keyring backend is the Secret Service"
        );
        assert!(!builder
            .as_any()
            .is::<keyring::mock::MockCredentialBuilder>());
        assert!(KeyringStore::native().is_ok());
    }

    #[test]
    fn a_store_that_forgets_keys_is_refused_with_a_clear_error() {
        use keyring::credential::CredentialPersistence;
        let mock = keyring::mock::default_credential_builder().persistence();
        let e = refuse_unless_persistent(mock, "freebsd").unwrap_err();
        assert_eq!(e.kind, ErrorKind::KeyringUnavailable);
        assert!(
            e.message.contains("no system keyring for freebsd"),
            "{}",
            e.message
        );
        assert!(e.message.contains("does not start"));
        assert!(refuse_unless_persistent(CredentialPersistence::UntilReboot, "linux").is_err());
        assert!(refuse_unless_persistent(CredentialPersistence::UntilDelete, "macos").is_ok());
    }
}
