//! Moving a damaged file out of the way without ever overwriting anything.
//!
//! Shared by the accounts file and the database: the original is kept for the user (and for
//! anyone trying to rescue more of it), renamed `<name>.damaged-<UTC time>` next to where it
//! was. Companion files (SQLite's `-wal` and `-shm`) move with it under the same new name plus
//! their suffix, so the moved database still opens together with its journal.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::Utc;

/// Renames `path` (and each existing `<path><suffix>` for `suffixes`) to
/// `<name>.damaged-<UTC time>` (`-2`, `-3`, … when that name, or one of its companions, is
/// taken) and returns the new path of the main file.
pub fn move_aside(path: &Path, suffixes: &[&str]) -> io::Result<PathBuf> {
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"))?;
    let taken = |candidate: &Path| {
        candidate.exists() || suffixes.iter().any(|s| with_suffix(candidate, s).exists())
    };
    let mut aside = path.with_file_name(format!("{name}.damaged-{stamp}"));
    let mut n = 2;
    while taken(&aside) {
        aside = path.with_file_name(format!("{name}.damaged-{stamp}-{n}"));
        n += 1;
    }
    // Companions first: if the main file cannot move, nothing of it is left half-moved for
    // SQLite to pair with a fresh file (a stray `-wal` beside a new database would be replayed
    // into it).
    for suffix in suffixes {
        let companion = with_suffix(path, suffix);
        if companion.exists() {
            fs::rename(&companion, with_suffix(&aside, suffix))?;
        }
    }
    fs::rename(path, &aside)?;
    Ok(aside)
}

/// `path` with `suffix` appended to its file name (`x.sqlite3` + `-wal`).
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn moves_the_file_and_its_companions_under_one_new_name_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.sqlite3");
        fs::write(&db, b"one").unwrap();
        fs::write(with_suffix(&db, "-wal"), b"wal").unwrap();
        let first = move_aside(&db, &["-wal", "-shm"]).unwrap();
        assert!(!db.exists());
        assert_eq!(fs::read(&first).unwrap(), b"one");
        assert_eq!(fs::read(with_suffix(&first, "-wal")).unwrap(), b"wal");

        fs::write(&db, b"two").unwrap();
        let second = move_aside(&db, &["-wal", "-shm"]).unwrap();
        assert_ne!(
            first, second,
            "a second damage in the same second gets its own name"
        );
        assert_eq!(
            fs::read(&first).unwrap(),
            b"one",
            "the first one is untouched"
        );
        assert_eq!(fs::read(&second).unwrap(), b"two");
        let listed = names(dir.path());
        assert_eq!(listed.len(), 3, "{listed:?}");
        assert!(listed.iter().all(|n| n.starts_with("x.sqlite3.damaged-")));
    }
}
