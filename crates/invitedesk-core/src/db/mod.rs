//! The local SQLite database: invitation cache, keep-list, plans, the job journal and history.
//!
//! One connection behind a `std::sync::Mutex`: every statement is short, nothing holds the lock
//! across an `.await`, and a single writer makes "check, then claim" sequences atomic without
//! any retry logic (see `journal::claim`). WAL mode keeps readers from other processes (a
//! backup tool, `sqlite3` in a terminal) from blocking us. Writes go through [`Db::write`],
//! which runs the closure in one `IMMEDIATE` transaction: all or nothing.
//!
//! Timestamps are stored as RFC 3339 UTC text with milliseconds and a `Z` (see [`ts`]), so text
//! comparison is time order.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{AppError, AppResult};

pub mod activity;
pub mod autopilot;
pub mod cache;
pub mod do_not_contact;
pub mod fates;
pub mod holds;
pub mod journal;
pub mod pins;
pub mod plans;
pub mod recovery;
mod schema;
pub mod sent_keys;
pub mod sent_window;
pub mod text_keys;

/// The file name under the app's data dir.
pub const FILE_NAME: &str = "invitedesk.sqlite3";

pub struct Db {
    conn: Mutex<Connection>,
    /// The file, for connections that read beside `conn` (`reader`); `None` in memory.
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Db")
    }
}

impl Db {
    /// Opens (creating if needed) the database file and brings its schema up to date. Start-up
    /// goes through [`recovery::open_or_recover`] instead, which also checks the file.
    pub fn open(path: &Path) -> AppResult<Arc<Db>> {
        Self::from_file(connect(path)?)
    }

    /// Finishes opening a file connection: WAL, durable commits, schema.
    pub(super) fn from_file(conn: Connection) -> AppResult<Arc<Db>> {
        // WAL is a property of the file; `journal_mode` answers with the mode in effect.
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        // FULL: each commit is on disk before the provider call it precedes, even if the
        // machine loses power (NORMAL would only survive an app crash).
        conn.pragma_update(None, "synchronous", "FULL")?;
        Self::finish_open(conn)
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> AppResult<Arc<Db>> {
        Self::finish_open(Connection::open_in_memory()?)
    }

    fn finish_open(mut conn: Connection) -> AppResult<Arc<Db>> {
        let path = conn.path().filter(|p| !p.is_empty()).map(PathBuf::from);
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        schema::migrate(&mut conn)?;
        cache::backfill_derived(&mut conn)?;
        conn.execute_batch(sent_keys::COUNT_CHANGES)?;
        Ok(Arc::new(Db {
            conn: Mutex::new(conn),
            path,
        }))
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves no half-written data (an open transaction is
        // rolled back when dropped), so a poisoned lock is still safe to use.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs read-only queries.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> AppResult<T>) -> AppResult<T> {
        let conn = self.lock();
        f(&conn)
    }

    /// A read-only connection of its own to the file, for long reads that must not hold the
    /// lock every request waits on (WAL: it reads a snapshot while `conn` goes on writing).
    /// `None` for an in-memory database, which no second connection can see.
    pub(crate) fn reader(&self) -> AppResult<Option<Connection>> {
        let Some(path) = &self.path else {
            return Ok(None);
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        Ok(Some(conn))
    }

    /// Runs read-only queries that read many rows (every cached invitation) on a connection of
    /// their own when the database is a file: they see one snapshot (WAL) and do not hold up
    /// the short requests waiting on the lock, such as the Sent table's next window. In
    /// memory, as [`Db::read`].
    pub fn read_apart<T>(&self, f: impl FnOnce(&Connection) -> AppResult<T>) -> AppResult<T> {
        match self.reader()? {
            Some(conn) => f(&conn),
            None => self.read(f),
        }
    }

    /// Runs `f` in one immediate transaction, committed only when `f` succeeds.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> AppResult<T>) -> AppResult<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Forgets everything stored for an account: cached invitations, sync times, pins and,
    /// when `delete_history` is set, its activity rows, job journal and invitation fates.
    /// Called when the user removes the account.
    pub fn remove_account_data(&self, account_id: &str, delete_history: bool) -> AppResult<()> {
        self.write(|tx| {
            cache::delete_account(tx, account_id)?;
            pins::delete_account(tx, account_id)?;
            holds::delete_account(tx, account_id)?;
            autopilot::delete_account(tx, account_id)?;
            if delete_history {
                activity::delete_account(tx, account_id)?;
                journal::delete_account(tx, account_id)?;
                fates::delete_account(tx, account_id)?;
            }
            Ok(())
        })
    }
}

/// Opens the file's connection, creating its folder first. SQLite reads nothing yet: a damaged
/// file fails on the first statement.
pub(super) fn connect(path: &Path) -> AppResult<Connection> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            AppError::storage(format!(
                "Could not create the data folder {}: {e}",
                dir.display()
            ))
        })?;
    }
    Connection::open(path).map_err(|e| {
        AppError::storage(format!(
            "Could not open the local database {}: {e}",
            path.display()
        ))
    })
}

/// The stored form of a timestamp.
pub fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads a stored timestamp back; a damaged value reads as `None` rather than failing a list.
pub fn parse_ts(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Serialises a value kept as JSON text in a column.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value)
        .map_err(|e| AppError::internal(format!("Could not encode a record: {e}")))
}

/// Reads JSON text from a column.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> AppResult<T> {
    serde_json::from_str(text).map_err(|e| {
        AppError::storage(format!(
            "A record in the local database could not be read ({e}). Refresh to rebuild it."
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin_one(tx: &Transaction<'_>) -> AppResult<()> {
        tx.execute(
            "INSERT INTO pins (account_id, kind, target, created_at) VALUES ('a', 'person', 'x', 't')",
            [],
        )?;
        Ok(())
    }

    #[test]
    fn opens_a_file_in_wal_mode_and_reopens_it_without_migrating_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join(FILE_NAME);
        let db = Db::open(&path).unwrap();
        let mode: String = db
            .read(|c| Ok(c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(mode, "wal");
        db.write(pin_one).unwrap();
        drop(db);
        let again = Db::open(&path).unwrap();
        let n: i64 = again
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM pins", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(n, 1, "data survives a reopen");
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let db = Db::open_in_memory().unwrap();
        let result: AppResult<()> = db.write(|tx| {
            pin_one(tx)?;
            Err(AppError::internal("boom"))
        });
        assert!(result.is_err());
        let n: i64 = db
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM pins", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn a_long_read_apart_does_not_wait_for_the_lock_and_sees_every_commit() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join(FILE_NAME)).unwrap();
        db.write(pin_one).unwrap();
        let (held, release) = std::sync::mpsc::channel::<()>();
        let holder = {
            let db = db.clone();
            std::thread::spawn(move || {
                db.read(|_| {
                    held.send(()).unwrap();
                    std::thread::sleep(Duration::from_millis(600));
                    Ok(())
                })
            })
        };
        release.recv().unwrap();
        let start = std::time::Instant::now();
        let n: i64 = db
            .read_apart(|c| Ok(c.query_row("SELECT COUNT(*) FROM pins", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(n, 1);
        assert!(
            start.elapsed() < Duration::from_millis(300),
            "waited for the lock: {:?}",
            start.elapsed()
        );
        holder.join().unwrap().unwrap();
    }

    #[test]
    fn timestamps_sort_as_text() {
        let a = ts("2024-01-02T03:04:05Z".parse().unwrap());
        let b = ts("2024-01-02T03:04:05.5Z".parse().unwrap());
        assert!(a < b);
        assert_eq!(
            parse_ts(&a).unwrap(),
            "2024-01-02T03:04:05Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(parse_ts("garbage"), None);
    }
}
