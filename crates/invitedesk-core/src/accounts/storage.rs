//! Loading and saving `accounts.json` without ever losing it.
//!
//! The registry sees only `AccountsStorage` (load / save a typed `AccountsFile`), so it stays
//! free of Tauri types. The app's implementation sits on tauri-plugin-store
//! (`crate::store_adapter`); `JsonFileStorage` and `MemoryStorage` serve tests. All of them
//! share the recovery and atomic-write helpers below:
//!
//! - a save writes a temp file in the same directory, syncs it and renames it over the old one,
//!   so a crash leaves either the old or the new file, never half of one;
//! - a file that cannot be read as a whole is renamed `accounts.json.damaged-<timestamp>` (kept
//!   for the user, never overwritten), every account that still decodes is kept, and the caller
//!   gets a notice to show.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use super::record::{Account, AccountsFile};
use crate::error::{AppError, AppResult};

pub const ACCOUNTS_FILE_NAME: &str = "accounts.json";

pub trait AccountsStorage: Send + Sync {
    /// What is stored (empty when nothing is), repaired if it was damaged.
    fn load(&self) -> AppResult<Loaded>;

    /// Replaces what is stored, atomically.
    fn save(&self, file: &AccountsFile) -> AppResult<()>;

    /// A cheap fingerprint of what is stored now. The app and `invitedesk-cli` share the file:
    /// when the stamp moves, another process wrote it and the registry reads it again before
    /// showing or changing anything. `None`: this storage has no other writer.
    fn stamp(&self) -> Option<Stamp> {
        None
    }

    /// Held across a read-modify-write, so two processes changing accounts at once do not drop
    /// each other's change. `None`: this storage has no other writer.
    fn lock(&self) -> AppResult<Option<WriteLock>> {
        Ok(None)
    }
}

/// What a file looked like when last read or written: a rename (every save is one) gives a new
/// inode, so even two saves within the clock's resolution differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    inode: u64,
}

/// The stamp of `path`; a missing file has the stamp of an empty one.
pub fn file_stamp(path: &Path) -> Option<Stamp> {
    match fs::metadata(path) {
        Ok(meta) => Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode: inode(&meta),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(Stamp {
            len: 0,
            modified: None,
            inode: 0,
        }),
        Err(_) => None,
    }
}

#[cfg(unix)]
fn inode(meta: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_: &fs::Metadata) -> u64 {
    0
}

/// An exclusive OS lock on `<file>.lock` beside the accounts file; released when dropped (or
/// when the process dies, however it dies).
#[derive(Debug)]
pub struct WriteLock {
    _file: fs::File,
}

/// Waits for the lock beside `path`. Other writers hold it for one small file write.
pub fn lock_beside(path: &Path) -> AppResult<WriteLock> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lock_path = path.with_file_name(format!(".{name}.lock"));
    let fail = |e: std::io::Error| {
        AppError::storage(format!(
            "Could not lock {} to change the accounts: {e}. Check the folder's permissions.",
            lock_path.display()
        ))
    };
    if let Some(dir) = lock_path.parent() {
        fs::create_dir_all(dir).map_err(fail)?;
    }
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(fail)?;
    file.lock().map_err(fail)?;
    Ok(WriteLock { _file: file })
}

#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub file: AccountsFile,
    /// For the user when the file was damaged: where the original went, what was recovered.
    pub notice: Option<String>,
}

/// The result of reading the bytes of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub file: AccountsFile,
    /// True when something in the bytes could not be used.
    pub damaged: bool,
}

/// Reads as much as possible: the whole file when it is sound, else each account that still
/// decodes on its own (from the parsed JSON, or, when the bytes are no longer JSON at all, by
/// the salvage in `super::salvage`). Accounts with a duplicate id keep their first occurrence.
pub fn decode(bytes: &[u8]) -> Decoded {
    let (version, candidates, mut damaged) = match serde_json::from_slice(bytes) {
        Ok(serde_json::Value::Object(mut top)) => {
            let mut damaged = false;
            let version = match top.remove("version") {
                None => super::record::FILE_VERSION,
                Some(v) => match v.as_u64().and_then(|v| u32::try_from(v).ok()) {
                    Some(v) => v,
                    None => {
                        damaged = true;
                        super::record::FILE_VERSION
                    }
                },
            };
            let candidates: Vec<Option<Account>> = match top.remove("accounts") {
                None => Vec::new(),
                Some(serde_json::Value::Array(items)) => items
                    .into_iter()
                    .map(|raw| serde_json::from_value::<Account>(raw).ok())
                    .collect(),
                Some(_) => {
                    damaged = true;
                    Vec::new()
                }
            };
            (version, candidates, damaged)
        }
        // Valid JSON of the wrong shape, cut short or garbled: pick out the whole accounts.
        _ => (
            super::record::FILE_VERSION,
            super::salvage::accounts(bytes)
                .into_iter()
                .map(Some)
                .collect(),
            true,
        ),
    };
    let mut accounts: Vec<Account> = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        match candidate {
            Some(a) if !accounts.iter().any(|b| b.id == a.id) => accounts.push(a),
            _ => damaged = true,
        }
    }
    let mut file = AccountsFile { version, accounts };
    file.normalize_default();
    Decoded { file, damaged }
}

pub fn encode(file: &AccountsFile) -> AppResult<Vec<u8>> {
    serde_json::to_vec_pretty(file)
        .map_err(|e| AppError::internal(format!("Could not encode the accounts list: {e}")))
}

/// Loads `path`, moving a damaged file aside and writing back what was recovered.
pub fn recover_file(path: &Path) -> AppResult<Loaded> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Loaded {
                file: AccountsFile::default(),
                notice: None,
            })
        }
        Err(e) => {
            return Err(AppError::storage(format!(
                "Could not read the accounts file {}: {e}. Check that your user can read it.",
                path.display()
            )))
        }
    };
    let decoded = decode(&bytes);
    if !decoded.damaged {
        return Ok(Loaded {
            file: decoded.file,
            notice: None,
        });
    }
    let aside = move_aside(path)?;
    write_atomic(path, &encode(&decoded.file)?)?;
    let recovered = decoded.file.accounts.len();
    let what = match recovered {
        0 => "No account could be recovered: add your accounts again.".to_string(),
        1 => "1 account was recovered; add any missing account again.".to_string(),
        n => format!("{n} accounts were recovered; add any missing account again."),
    };
    // The keys of accounts that were lost stay in the keyring until the user deletes them.
    let what = format!(
        "{what} Keys of lost accounts left in the keyring are listed in Settings, where you can \
         delete them."
    );
    let notice = format!(
        "The accounts file was damaged. {what} The damaged file was moved aside to {}.",
        aside.display()
    );
    log::warn!("{notice}");
    Ok(Loaded {
        file: decoded.file,
        notice: Some(notice),
    })
}

/// Moves the damaged file aside (never overwriting an earlier one).
fn move_aside(path: &Path) -> AppResult<PathBuf> {
    crate::damaged::move_aside(path, &[]).map_err(|e| {
        AppError::storage(format!(
            "The accounts file {} is damaged and could not be moved aside: {e}.",
            path.display()
        ))
    })
}

/// Writes `bytes` to `path` so that readers (and a crash) see either the old or the new
/// content: temp file in the same directory, fsync, rename, fsync of the directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> AppResult<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let fail = |e: std::io::Error| {
        AppError::storage(format!(
            "Could not save {}: {e}. Check the free disk space and the folder's permissions.",
            path.display()
        ))
    };
    let dir = path
        .parent()
        .ok_or_else(|| AppError::internal("The accounts file path has no folder."))?;
    fs::create_dir_all(dir).map_err(fail)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(fail(e));
    }
    // Makes the rename itself durable; not every filesystem supports syncing a directory.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// `accounts.json` at a path of the caller's choosing (tests use a temp dir).
#[derive(Debug, Clone)]
pub struct JsonFileStorage {
    path: PathBuf,
}

impl JsonFileStorage {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl AccountsStorage for JsonFileStorage {
    fn load(&self) -> AppResult<Loaded> {
        recover_file(&self.path)
    }

    fn save(&self, file: &AccountsFile) -> AppResult<()> {
        write_atomic(&self.path, &encode(file)?)
    }

    fn stamp(&self) -> Option<Stamp> {
        file_stamp(&self.path)
    }

    fn lock(&self) -> AppResult<Option<WriteLock>> {
        lock_beside(&self.path).map(Some)
    }
}

/// Keeps the encoded file in memory; `fail_saves(true)` makes every save fail like a full disk.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    bytes: Mutex<Option<Vec<u8>>>,
    fail_saves: AtomicBool,
}

impl MemoryStorage {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            bytes: Mutex::new(Some(bytes.into())),
            fail_saves: AtomicBool::new(false),
        }
    }

    pub fn fail_saves(&self, fail: bool) {
        self.fail_saves.store(fail, Ordering::SeqCst);
    }

    pub fn bytes(&self) -> Option<Vec<u8>> {
        self.bytes.lock().unwrap().clone()
    }
}

impl AccountsStorage for MemoryStorage {
    fn load(&self) -> AppResult<Loaded> {
        let Some(bytes) = self.bytes() else {
            return Ok(Loaded {
                file: AccountsFile::default(),
                notice: None,
            });
        };
        let decoded = decode(&bytes);
        Ok(Loaded {
            notice: decoded
                .damaged
                .then(|| "The accounts data was damaged; what could be read was kept.".into()),
            file: decoded.file,
        })
    }

    fn save(&self, file: &AccountsFile) -> AppResult<()> {
        if self.fail_saves.load(Ordering::SeqCst) {
            return Err(AppError::storage(
                "Could not save the accounts (disk full).",
            ));
        }
        *self.bytes.lock().unwrap() = Some(encode(file)?);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn account_json(id: &str) -> serde_json::Value {
        json!({
            "id": id, "label": format!("Label {id}"), "provider": "connectsafely",
            "remoteAccountId": "r1", "createdAt": "2025-01-02T03:04:05Z", "isDefault": false
        })
    }

    #[test]
    fn a_sound_file_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let store = JsonFileStorage::new(dir.path().join(ACCOUNTS_FILE_NAME));
        assert_eq!(store.load().unwrap().file, AccountsFile::default());
        let file = decode(
            &serde_json::to_vec(&json!({"version": 1, "accounts": [account_json("a")]})).unwrap(),
        )
        .file;
        store.save(&file).unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded.file, file);
        assert!(loaded.notice.is_none());
        assert!(loaded.file.accounts[0].is_default, "normalized on decode");
    }

    #[test]
    fn truncated_file_is_moved_aside_with_a_notice_and_the_app_starts_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(ACCOUNTS_FILE_NAME);
        fs::write(&path, br#"{"version":1,"accounts":[{"id":"a","lab"#).unwrap();
        let loaded = JsonFileStorage::new(&path).load().unwrap();
        assert!(loaded.file.accounts.is_empty());
        let notice = loaded.notice.expect("a notice");
        assert!(notice.contains("moved aside"), "{notice}");
        assert!(notice.contains("No account could be recovered"), "{notice}");

        let aside: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("accounts.json.damaged-"))
            .collect();
        assert_eq!(aside.len(), 1, "{aside:?}");
        assert!(notice.contains(&aside[0]));
        assert_eq!(
            fs::read(dir.path().join(&aside[0])).unwrap(),
            br#"{"version":1,"accounts":[{"id":"a","lab"#,
            "the damaged original is kept byte for byte"
        );
        // What was recovered is written back, so the next start is clean.
        let again = JsonFileStorage::new(&path).load().unwrap();
        assert!(again.notice.is_none());
    }

    #[test]
    fn the_accounts_that_still_decode_are_recovered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(ACCOUNTS_FILE_NAME);
        let mut broken = account_json("b");
        broken["provider"] = json!("myspace");
        let content = json!({"version": 1, "accounts": [account_json("a"), broken, account_json("c"), account_json("a")]});
        fs::write(&path, serde_json::to_vec(&content).unwrap()).unwrap();
        let loaded = JsonFileStorage::new(&path).load().unwrap();
        let ids: Vec<_> = loaded.file.accounts.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert!(loaded.notice.unwrap().contains("2 accounts were recovered"));
        let persisted = JsonFileStorage::new(&path).load().unwrap();
        assert_eq!(persisted.file.accounts.len(), 2);
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join(ACCOUNTS_FILE_NAME);
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from(ACCOUNTS_FILE_NAME)]);
    }

    #[test]
    fn an_unreadable_path_is_a_storage_error_not_a_silent_reset() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should be: reading fails with something other than NotFound.
        let path = dir.path().join(ACCOUNTS_FILE_NAME);
        fs::create_dir(&path).unwrap();
        let e = JsonFileStorage::new(&path).load().unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Storage);
    }
}
