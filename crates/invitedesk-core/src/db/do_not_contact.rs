//! The do-not-contact list: people no invitation goes to and whose pending invitations are
//! flagged for withdrawal. One list for every account (a person asked the user, not an account).

use std::collections::HashSet;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::AppResult;

/// One person on the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "DoNotContactEntry.ts")]
pub struct DoNotContactEntry {
    /// `in:<slug>` or `id:<member id>`: what `remove` takes.
    pub person_key: String,
    /// Other keys the same person is known by.
    pub also_keys: Vec<String>,
    pub name: Option<String>,
    pub profile_url: Option<String>,
    /// RFC 3339.
    pub added_at: String,
}

/// Adds a person; returns false when their key was already on the list (kept as it was).
pub fn add(tx: &Transaction<'_>, entry: &DoNotContactEntry) -> AppResult<bool> {
    let n = tx.execute(
        "INSERT OR IGNORE INTO do_not_contact (person_key, also_keys, name, profile_url, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            entry.person_key,
            entry.also_keys.join(" "),
            entry.name,
            entry.profile_url,
            entry.added_at
        ],
    )?;
    Ok(n == 1)
}

/// Removes a person; returns false when they were not on the list.
pub fn remove(tx: &Transaction<'_>, person_key: &str) -> AppResult<bool> {
    Ok(tx.execute(
        "DELETE FROM do_not_contact WHERE person_key = ?1",
        params![person_key],
    )? == 1)
}

/// The whole list, most recently added first.
pub fn all(conn: &Connection) -> AppResult<Vec<DoNotContactEntry>> {
    let mut stmt = conn.prepare(
        "SELECT person_key, also_keys, name, profile_url, added_at FROM do_not_contact
         ORDER BY added_at DESC, person_key",
    )?;
    let rows = stmt.query_map([], |r| {
        let also: String = r.get(1)?;
        Ok(DoNotContactEntry {
            person_key: r.get(0)?,
            also_keys: also.split_whitespace().map(str::to_string).collect(),
            name: r.get(2)?,
            profile_url: r.get(3)?,
            added_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every key on the list (main and other keys), for matching many people at once.
pub fn key_set(conn: &Connection) -> AppResult<HashSet<String>> {
    Ok(all(conn)?
        .into_iter()
        .flat_map(|e| std::iter::once(e.person_key).chain(e.also_keys))
        .collect())
}

/// The entry whose main or other key is one of `keys`, if any.
pub fn find(conn: &Connection, keys: &[String]) -> AppResult<Option<DoNotContactEntry>> {
    for key in keys {
        let direct = conn
            .query_row(
                "SELECT person_key FROM do_not_contact WHERE person_key = ?1
                 OR instr(' ' || also_keys || ' ', ' ' || ?1 || ' ') > 0",
                params![key],
                |r| r.get::<_, String>(0),
            )
            .optional()?;
        if let Some(found) = direct {
            return Ok(all(conn)?.into_iter().find(|e| e.person_key == found));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn entry(key: &str, also: &[&str]) -> DoNotContactEntry {
        DoNotContactEntry {
            person_key: key.into(),
            also_keys: also.iter().map(|s| s.to_string()).collect(),
            name: Some("Jane".into()),
            profile_url: None,
            added_at: "2024-01-01T00:00:00.000Z".into(),
        }
    }

    #[test]
    fn entries_are_found_by_any_of_their_keys_and_added_once() {
        let db = Db::open_in_memory().unwrap();
        assert!(db
            .write(|tx| add(tx, &entry("in:jane", &["id:ACoAAX"])))
            .unwrap());
        assert!(!db.write(|tx| add(tx, &entry("in:jane", &[]))).unwrap());
        let found = db.read(|c| find(c, &["id:ACoAAX".into()])).unwrap();
        assert_eq!(found.unwrap().person_key, "in:jane");
        assert!(db
            .read(|c| find(c, &["id:ACoAA".into()]))
            .unwrap()
            .is_none());
        assert_eq!(db.read(key_set).unwrap().len(), 2);
        assert!(db.write(|tx| remove(tx, "in:jane")).unwrap());
        assert!(db.read(all).unwrap().is_empty());
    }
}
