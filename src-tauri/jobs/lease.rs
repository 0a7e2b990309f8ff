//! Which process runs a job.
//!
//! Every process that can run jobs (the app, the command-line tool) holds an exclusive OS lock
//! on its own owner file, `<data dir>/owners/<id>.lock`, for as long as it lives; the jobs it
//! runs carry that id (`jobs.owner`). Another process asks whether an owner is alive by trying
//! to lock the same file: the kernel releases the lock when the owner exits, however it exits
//! (kill -9 included), so there is no heartbeat to tune and no pid to be reused. A job whose
//! owner is alive is never marked interrupted, resumed or taken over elsewhere, and the
//! invitations it claimed are never claimed by another process.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::error::{AppError, AppResult};

/// The folder under the data dir that holds the owner files.
pub const OWNERS_DIR: &str = "owners";

#[derive(Debug)]
pub struct Lease {
    id: String,
    /// `None`: a private lease (tests on an in-memory database): no other process can share
    /// the data, so every other owner is gone.
    dir: Option<PathBuf>,
    /// Held open, and locked, for the life of the process.
    _file: Option<File>,
}

impl Lease {
    /// Takes a new lease for this process in `data_dir`.
    pub fn acquire(data_dir: &Path) -> AppResult<Lease> {
        let dir = data_dir.join(OWNERS_DIR);
        fs::create_dir_all(&dir)
            .map_err(|e| AppError::storage(format!("Could not create {}: {e}", dir.display())))?;
        let id = new_owner_id();
        // Locked under a temporary name, then renamed: no other process can ever see the
        // owner file unlocked and sweep it away.
        let staging = dir.join(format!("{id}.new"));
        let path = owner_file(&dir, &id);
        let storage_error = |what: &Path, e: std::io::Error| {
            AppError::storage(format!("Could not create {}: {e}", what.display()))
        };
        let file = OpenOptions::new()
            .create_new(true)
            .write(true)
            .open(&staging)
            .map_err(|e| storage_error(&staging, e))?;
        file.lock().map_err(|e| storage_error(&staging, e))?;
        fs::rename(&staging, &path).map_err(|e| storage_error(&path, e))?;
        sweep_dead_owners(&dir, &id);
        Ok(Lease {
            id,
            dir: Some(dir),
            _file: Some(file),
        })
    }

    /// A lease no other process can see, for a database no other process can open.
    pub fn private() -> Lease {
        Lease {
            id: new_owner_id(),
            dir: None,
            _file: None,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether the process behind `owner` still runs. A job with no owner (written before
    /// leases existed) has none alive.
    pub fn is_alive(&self, owner: Option<&str>) -> bool {
        let Some(owner) = owner else { return false };
        if owner == self.id {
            return true;
        }
        match &self.dir {
            Some(dir) if is_owner_id(owner) => lock_is_held(&owner_file(dir, owner)),
            _ => false,
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = fs::remove_file(owner_file(dir, &self.id));
        }
    }
}

fn new_owner_id() -> String {
    format!("{}-{:016x}", std::process::id(), rand::random::<u64>())
}

/// Owner ids come from the database: only our own shape may name a file.
fn is_owner_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn owner_file(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.lock"))
}

/// True while some process holds the lock. A missing file, or one we can lock, has no owner.
fn lock_is_held(path: &Path) -> bool {
    let Ok(file) = OpenOptions::new().write(true).open(path) else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => false,
        Err(TryLockError::WouldBlock) => true,
        // A file system without locks: assume alive, the safe answer (nothing is taken over).
        Err(TryLockError::Error(e)) => {
            log::warn!("could not test the lock {}: {e}", path.display());
            true
        }
    }
}

/// Removes the files of owners that are gone, so the folder does not grow.
fn sweep_dead_owners(dir: &Path, own: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(id) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".lock"))
        else {
            continue;
        };
        if id != own && is_owner_id(id) && !lock_is_held(&path) {
            let _ = fs::remove_file(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owner_is_alive_while_its_lease_is_held_and_gone_after() {
        let dir = tempfile::tempdir().unwrap();
        let app = Lease::acquire(dir.path()).unwrap();
        let cli = Lease::acquire(dir.path()).unwrap();
        assert_ne!(app.id(), cli.id());
        assert!(cli.is_alive(Some(app.id())), "another live lease");
        assert!(app.is_alive(Some(app.id())), "itself");
        let gone = app.id().to_string();
        drop(app);
        assert!(!cli.is_alive(Some(&gone)));
        assert!(!cli.is_alive(None));
        assert!(!cli.is_alive(Some("../../etc/passwd")));
    }

    #[test]
    fn a_private_lease_sees_every_other_owner_as_gone() {
        let lease = Lease::private();
        assert!(lease.is_alive(Some(lease.id())));
        assert!(!lease.is_alive(Some("123-abc")));
    }
}
