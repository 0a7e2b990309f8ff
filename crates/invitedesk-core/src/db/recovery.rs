//! Opening the database at start-up so that damaged local state never stops the app.
//!
//! The file is checked with `PRAGMA quick_check` before use. A file that is not a database or
//! fails the check is moved aside with its `-wal` and `-shm` (`crate::damaged`) and a fresh one
//! is created; a database that is missing or empty while accounts exist is noticed. Anything
//! else that prevents opening (permissions, a newer schema) leaves the file alone and runs on a
//! temporary in-memory database. Every case ends with a notice for the user, never a panic.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::{Connection, ErrorCode};

use super::Db;
use crate::error::AppError;

/// The database to run with, and what the user must be told about it.
pub struct Opened {
    pub db: Arc<Db>,
    pub notices: Vec<String>,
}

/// What was at the path before opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Missing,
    Present,
}

/// Why the file could not be used.
enum Problem {
    /// Not a database, or SQLite found damage: move it aside and start afresh.
    Damaged(String),
    /// Anything else: the file may be fine (a permission, a newer version); leave it alone.
    Other(AppError),
}

/// What the check found before anything was repaired: the file as it was, and the checked
/// connection (with whether it holds no schema) or why it cannot be used.
type Checked = (Found, Result<(Connection, bool), Problem>);

/// Opens `path`, repairing what start-up can. `expect_history`: accounts exist, so an empty
/// database means their history, keep-list and jobs are gone, and the user must hear it.
pub fn open_or_recover(path: &Path, expect_history: bool) -> Opened {
    open_checked(path, look(path), expect_history)
}

/// The quick check of a database file, started on its own thread before the app's window is
/// built, so it runs beside the window's creation instead of before the page can be served
/// (the check reads the whole file: ~30 ms at 10,000 cached rows, more with more). It only
/// reads: repairs and migrations wait for [`open_after_check`], which runs once this process
/// is known to be the only app (a second launch hands over and exits before that).
pub struct EarlyCheck {
    path: PathBuf,
    running: Mutex<Option<JoinHandle<Checked>>>,
}

impl EarlyCheck {
    pub fn start(path: PathBuf) -> EarlyCheck {
        let checked = path.clone();
        let running = std::thread::Builder::new()
            .name("database check".into())
            .spawn(move || look(&checked))
            .ok();
        EarlyCheck {
            path,
            running: Mutex::new(running),
        }
    }

    /// The check's outcome if it was started for `path` and not taken yet.
    fn take_for(&self, path: &Path) -> Option<Checked> {
        if self.path != path {
            log::warn!(
                "the early database check looked at {}, the app opens {}; checking again",
                self.path.display(),
                path.display()
            );
            return None;
        }
        let handle = self.running.lock().ok()?.take()?;
        handle.join().ok()
    }
}

/// [`open_or_recover`], with the quick check taken from `early` when it checked this path
/// (else done now).
pub fn open_after_check(early: &EarlyCheck, path: &Path, expect_history: bool) -> Opened {
    let checked = early.take_for(path).unwrap_or_else(|| look(path));
    open_checked(path, checked, expect_history)
}

fn look(path: &Path) -> Checked {
    let found = if path.exists() {
        Found::Present
    } else {
        Found::Missing
    };
    (found, check(path))
}

fn open_checked(path: &Path, (found, checked): Checked, expect_history: bool) -> Opened {
    let (conn, blank) = match checked {
        Ok(checked) => checked,
        Err(Problem::Damaged(why)) => return rebuild(path, &why),
        Err(Problem::Other(e)) => return temporary(path, e),
    };
    match Db::from_file(conn) {
        Ok(db) => Opened {
            db,
            notices: (blank && expect_history)
                .then(|| lost_notice(path, found))
                .into_iter()
                .collect(),
        },
        Err(e) => temporary(path, e),
    }
}

/// The connection, once SQLite's quick check passed, and whether the file holds no schema
/// (new, 0 bytes, or emptied).
fn check(path: &Path) -> Result<(Connection, bool), Problem> {
    let conn = super::connect(path).map_err(Problem::Other)?;
    let mut stmt = conn.prepare("PRAGMA quick_check").map_err(classify)?;
    let findings: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect())
        .map_err(classify)?;
    drop(stmt);
    if findings != ["ok"] {
        let shown: Vec<&str> = findings.iter().take(3).map(String::as_str).collect();
        return Err(Problem::Damaged(shown.join("; ")));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(classify)?;
    let objects: i64 = conn
        .query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(classify)?;
    Ok((conn, version == 0 && objects == 0))
}

fn classify(e: rusqlite::Error) -> Problem {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            Problem::Damaged(e.to_string())
        }
        _ => Problem::Other(AppError::from(e)),
    }
}

/// Moves the damaged file (and its journal) aside and starts a fresh database.
fn rebuild(path: &Path, why: &str) -> Opened {
    log::warn!(
        "the local database {} is damaged ({why}); moving it aside",
        path.display()
    );
    let aside = match crate::damaged::move_aside(path, &["-wal", "-shm"]) {
        Ok(aside) => aside,
        Err(e) => {
            return temporary(
                path,
                AppError::storage(format!(
                    "The local database {} is damaged and could not be moved aside ({e}). Move \
                     or delete it yourself",
                    path.display()
                )),
            )
        }
    };
    match Db::open(path) {
        Ok(db) => Opened {
            db,
            notices: vec![damaged_notice(&aside)],
        },
        Err(e) => temporary(path, e),
    }
}

/// Runs on an in-memory database, leaving the file as it is.
fn temporary(path: &Path, e: AppError) -> Opened {
    log::error!(
        "running without the local database {}: {}",
        path.display(),
        e.message
    );
    let notice = format!(
        "{}. InviteDesk is running with a temporary database for now: pins, history and jobs \
         from this session are not kept after you quit. Fix the problem, then restart \
         InviteDesk.",
        e.message.trim_end_matches('.')
    );
    Opened {
        db: Db::open_in_memory().expect("an in-memory database always opens"),
        notices: vec![notice],
    }
}

fn damaged_notice(aside: &Path) -> String {
    format!(
        "The local database was damaged and has been replaced by a fresh one. The invitation \
         lists refill from the providers on the next refresh. The activity history, the \
         keep-list (pinned invitations and people) and the record of past and interrupted jobs \
         were in the damaged file, which was moved to {}.",
        aside.display()
    )
}

fn lost_notice(path: &Path, found: Found) -> String {
    let what = match found {
        Found::Missing => "was missing",
        Found::Present => "was empty",
    };
    format!(
        "The local database {what} and has been replaced by a fresh one, although you have \
         accounts. The invitation lists refill from the providers on the next refresh, but the \
         activity history, the keep-list (pinned invitations and people) and the record of past \
         jobs are gone. If you have a backup of {}, quit InviteDesk and put it back.",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// A database with a pin, checkpointed into the main file (no `-wal` left), 4 KiB pages.
    fn database_with_data(path: &Path) {
        let db = Db::open(path).unwrap();
        db.write(|tx| {
            for i in 0..400 {
                tx.execute(
                    "INSERT INTO pins (account_id, kind, target, created_at) \
                     VALUES ('a', 'person', ?1, '2025-01-01T00:00:00.000Z')",
                    [format!("person-with-a-fairly-long-key-{i:04}")],
                )?;
            }
            Ok(())
        })
        .unwrap();
        db.read(|c| Ok(c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?))
            .unwrap();
        drop(db);
    }

    /// 20,000 bytes that are no database.
    fn garbage() -> Vec<u8> {
        (0..20_000u32).map(|i| (i * 7 + 3) as u8).collect()
    }

    fn pins(db: &Db) -> i64 {
        db.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM pins", [], |r| r.get(0))?))
            .unwrap()
    }

    fn aside_files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".damaged-"))
            .collect();
        v.sort();
        v
    }

    fn assert_rebuilt(dir: &Path, opened: &Opened, original: &[u8]) {
        assert_eq!(pins(&opened.db), 0, "a fresh, working database");
        let aside = aside_files(dir);
        assert_eq!(aside.len(), 1, "{aside:?}");
        assert!(aside[0].starts_with("invitedesk.sqlite3.damaged-"));
        assert_eq!(
            fs::read(dir.join(&aside[0])).unwrap(),
            original,
            "the damaged file is kept byte for byte"
        );
        assert_eq!(opened.notices.len(), 1);
        let notice = &opened.notices[0];
        assert!(notice.contains("damaged"), "{notice}");
        assert!(notice.contains("refill from the providers"), "{notice}");
        assert!(notice.contains("keep-list"), "{notice}");
        assert!(notice.contains(&aside[0]), "says where it went: {notice}");
    }

    #[test]
    fn garbage_is_moved_aside_and_a_fresh_database_opens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(super::super::FILE_NAME);
        let garbage = garbage();
        fs::write(&path, &garbage).unwrap();
        let opened = open_or_recover(&path, true);
        assert_rebuilt(dir.path(), &opened, &garbage);
    }

    #[test]
    fn a_file_truncated_to_half_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(super::super::FILE_NAME);
        database_with_data(&path);
        let whole = fs::read(&path).unwrap();
        let half = &whole[..whole.len() / 2];
        fs::write(&path, half).unwrap();
        let opened = open_or_recover(&path, true);
        assert_rebuilt(dir.path(), &opened, half);
    }

    #[test]
    fn a_corrupt_page_in_the_middle_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(super::super::FILE_NAME);
        database_with_data(&path);
        let mut bytes = fs::read(&path).unwrap();
        let pages = bytes.len() / 4096;
        assert!(pages >= 4, "enough pages to damage one in the middle");
        let middle = (pages / 2) * 4096;
        bytes[middle..middle + 4096].fill(0x5a);
        fs::write(&path, &bytes).unwrap();
        let opened = open_or_recover(&path, true);
        assert_rebuilt(dir.path(), &opened, &bytes);
    }

    #[test]
    fn a_sound_database_keeps_its_data_and_says_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(super::super::FILE_NAME);
        database_with_data(&path);
        let opened = open_or_recover(&path, true);
        assert_eq!(pins(&opened.db), 400);
        assert!(opened.notices.is_empty(), "{:?}", opened.notices);
        assert!(aside_files(dir.path()).is_empty());
    }

    #[test]
    fn a_first_run_is_silent_but_a_vanished_or_emptied_database_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(super::super::FILE_NAME);
        assert!(
            open_or_recover(&path, false).notices.is_empty(),
            "first run"
        );

        let other = dir.path().join("vanished").join(super::super::FILE_NAME);
        let opened = open_or_recover(&other, true);
        assert_eq!(opened.notices.len(), 1);
        assert!(
            opened.notices[0].contains("was missing"),
            "{:?}",
            opened.notices
        );
        assert!(opened.notices[0].contains("keep-list"));

        let empty = dir.path().join("empty").join(super::super::FILE_NAME);
        fs::create_dir_all(empty.parent().unwrap()).unwrap();
        fs::write(&empty, b"").unwrap();
        let opened = open_or_recover(&empty, true);
        assert!(
            opened.notices[0].contains("was empty"),
            "{:?}",
            opened.notices
        );
        assert_eq!(pins(&opened.db), 0, "and it works");
        drop(opened);
        assert!(
            open_or_recover(&empty, true).notices.is_empty(),
            "said once: the next start finds the schema"
        );
    }

    #[test]
    fn a_database_from_a_newer_version_is_left_alone_and_the_app_runs_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(super::super::FILE_NAME);
        database_with_data(&path);
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", 999).unwrap();
        }
        let opened = open_or_recover(&path, true);
        assert!(
            opened.notices[0].contains("newer InviteDesk"),
            "{:?}",
            opened.notices
        );
        assert!(opened.notices[0].contains("temporary database"));
        assert_eq!(pins(&opened.db), 0, "a working temporary database");
        assert!(
            aside_files(dir.path()).is_empty(),
            "the file is not touched"
        );
        assert_eq!(pins(&Db::open_in_memory().unwrap()), 0);
    }

    #[test]
    fn an_early_check_repairs_nothing_until_the_app_opens_and_then_does_what_start_up_does() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(super::super::FILE_NAME);
        database_with_data(&path);
        let mut bytes = fs::read(&path).unwrap();
        let middle = (bytes.len() / 4096 / 2) * 4096;
        bytes[middle..middle + 4096].fill(0x5a);
        fs::write(&path, &bytes).unwrap();

        let early = EarlyCheck::start(path.clone());
        // A second launch checks too, then hands over to the running app: its check alone
        // must leave the file where it is.
        let handle = early.running.lock().unwrap().take().unwrap();
        let checked = handle.join().unwrap();
        assert!(matches!(checked.1, Err(Problem::Damaged(_))));
        assert!(
            aside_files(dir.path()).is_empty(),
            "nothing moved by the check"
        );
        assert_eq!(fs::read(&path).unwrap(), bytes, "the file is untouched");

        *early.running.lock().unwrap() = Some(std::thread::spawn(move || checked));
        let opened = open_after_check(&early, &path, true);
        assert_rebuilt(dir.path(), &opened, &bytes);
    }

    #[test]
    fn an_early_check_of_another_path_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let sound = dir.path().join("sound.sqlite3");
        database_with_data(&sound);
        let damaged = dir.path().join(super::super::FILE_NAME);
        let garbage = garbage();
        fs::write(&damaged, &garbage).unwrap();

        let early = EarlyCheck::start(sound);
        let opened = open_after_check(&early, &damaged, true);
        assert_rebuilt(dir.path(), &opened, &garbage);
    }

    #[test]
    fn a_sound_database_checked_early_opens_with_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(super::super::FILE_NAME);
        database_with_data(&path);
        let early = EarlyCheck::start(path.clone());
        let opened = open_after_check(&early, &path, true);
        assert_eq!(pins(&opened.db), 400);
        assert!(opened.notices.is_empty(), "{:?}", opened.notices);
        assert!(
            early.running.lock().unwrap().is_none(),
            "the early outcome was used, not checked again"
        );
    }
}
