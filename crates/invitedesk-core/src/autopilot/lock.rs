//! One run of a rule at a time, across processes: the app's scheduler, "Run rules now" and the
//! command-line tool (a systemd timer) each take the rule's lock before running it.
//!
//! The same mechanism as the job lease (`jobs::lease`): an exclusive OS file lock, released by
//! the kernel however the holder exits. The files live beside the owner files in
//! `<data>/owners/`, under a suffix the lease's sweep never touches (it only removes `.lock`
//! files), so a lock file is never deleted while another process is about to lock it.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::error::{AppError, AppResult};
use crate::jobs::lease::OWNERS_DIR;

/// Hands out rule locks. Also keeps the rules this process runs, so two tasks of one process
/// (and tests without a data folder) exclude each other too.
pub struct RuleLocks {
    dir: Option<PathBuf>,
    held: Arc<Mutex<HashSet<String>>>,
}

/// Held while the rule runs; dropping it releases the rule.
pub struct RuleLock {
    rule_id: String,
    held: Arc<Mutex<HashSet<String>>>,
    _file: Option<File>,
}

impl Drop for RuleLock {
    fn drop(&mut self) {
        self.held
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.rule_id);
    }
}

impl RuleLocks {
    /// Locks under `<data_dir>/owners/`; `None`: this process only.
    pub fn new(data_dir: Option<PathBuf>) -> Self {
        RuleLocks {
            dir: data_dir.map(|d| d.join(OWNERS_DIR)),
            held: Arc::new(Mutex::new(HashSet::new())),
        }
    }

    /// The rule's lock, or `None` when another task or process runs the rule now.
    pub fn try_lock(&self, rule_id: &str) -> AppResult<Option<RuleLock>> {
        if !rule_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(AppError::internal("A rule id has an unexpected shape."));
        }
        if !self
            .held
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(rule_id.to_string())
        {
            return Ok(None);
        }
        let mut lock = RuleLock {
            rule_id: rule_id.to_string(),
            held: self.held.clone(),
            _file: None,
        };
        let Some(dir) = &self.dir else {
            return Ok(Some(lock));
        };
        let path = dir.join(format!("autopilot-{rule_id}.rulelock"));
        let storage = |e: std::io::Error| {
            AppError::storage(format!("Could not lock {}: {e}", path.display()))
        };
        fs::create_dir_all(dir).map_err(storage)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(storage)?;
        match file.try_lock() {
            Ok(()) => {
                lock._file = Some(file);
                Ok(Some(lock))
            }
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(storage(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_runs_in_one_place_at_a_time_and_is_free_again_after() {
        let dir = tempfile::tempdir().unwrap();
        let app = RuleLocks::new(Some(dir.path().to_path_buf()));
        let cli = RuleLocks::new(Some(dir.path().to_path_buf()));
        let held = app.try_lock("rule-1").unwrap().expect("free");
        assert!(cli.try_lock("rule-1").unwrap().is_none(), "other process");
        assert!(app.try_lock("rule-1").unwrap().is_none(), "same process");
        assert!(cli.try_lock("rule-2").unwrap().is_some(), "other rule");
        drop(held);
        assert!(cli.try_lock("rule-1").unwrap().is_some());
        assert!(app.try_lock("../x").is_err());
    }
}
