//! CSV files the user exports (previews, activity): RFC 4180, opened safely by spreadsheets.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, Utc};

use crate::error::{AppError, AppResult};

/// One CSV field. Text from providers comes from strangers: a cell starting with `=`, `+`, `-`,
/// `@` (or a tab or carriage return) would run as a formula in a spreadsheet, so it gets a
/// leading `'` (OWASP "CSV injection"). Fields with a comma, quote or line break are quoted,
/// with quotes doubled (RFC 4180).
pub fn cell(value: &str) -> String {
    let guarded = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// The whole file as text: a header line, then one line per row, CRLF line ends.
pub fn to_csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    let line = |cells: &mut dyn Iterator<Item = String>| {
        let mut l = cells.collect::<Vec<_>>().join(",");
        l.push_str("\r\n");
        l
    };
    out.push_str(&line(&mut header.iter().map(|h| cell(h))));
    for row in rows {
        out.push_str(&line(&mut row.iter().map(|c| cell(c))));
    }
    out
}

/// A new file name in `dir` that does not overwrite anything:
/// `<stem>-2024-05-01-1530.csv`, then `…-2.csv`, `…-3.csv`.
pub fn unused_path(dir: &Path, stem: &str, now: DateTime<Utc>) -> PathBuf {
    let stamp = now.with_timezone(&Local).format("%Y-%m-%d-%H%M");
    let first = dir.join(format!("{stem}-{stamp}.csv"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| dir.join(format!("{stem}-{stamp}-{n}.csv")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Writes the file (creating `dir` if needed) and returns its path.
pub fn write_new(
    dir: &Path,
    stem: &str,
    now: DateTime<Utc>,
    header: &[&str],
    rows: &[Vec<String>],
) -> AppResult<PathBuf> {
    let fail = |e: std::io::Error| {
        AppError::storage(format!(
            "Could not write the CSV file in {}: {e}. Check that the folder is writable.",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let path = unused_path(dir, stem, now);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(fail)?;
    file.write_all(to_csv(header, rows).as_bytes())
        .map_err(fail)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_per_rfc_4180() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn neutralises_formulas() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("a=b"), "a=b", "only a leading sign is dangerous");
    }

    #[test]
    fn writes_a_new_file_each_time() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let rows = vec![vec!["Jane, Dr.".to_string(), "=cmd".to_string()]];
        let a = write_new(dir.path(), "x", now, &["name", "note"], &rows).unwrap();
        let b = write_new(dir.path(), "x", now, &["name", "note"], &rows).unwrap();
        assert_ne!(a, b);
        assert_eq!(
            std::fs::read_to_string(&a).unwrap(),
            "name,note\r\n\"Jane, Dr.\",'=cmd\r\n"
        );
    }
}
