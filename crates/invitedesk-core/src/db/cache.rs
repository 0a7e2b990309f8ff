//! The invitation cache: the last listing of each account, sent and received.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{parse_ts, text_keys};
use crate::error::AppResult;

/// Which list: invitations the account sent, or received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "Screen.ts")]
pub enum Screen {
    Sent,
    Received,
}

impl Screen {
    pub const fn as_str(self) -> &'static str {
        match self {
            Screen::Sent => "sent",
            Screen::Received => "received",
        }
    }
}

/// One row to store: the invitation as JSON plus the keys it is found by.
#[derive(Debug, Clone)]
pub struct NewRow {
    pub invitation_id: String,
    pub person_key: Option<String>,
    pub data: String,
}

/// A cached invitation as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedRow {
    pub account_id: String,
    pub invitation_id: String,
    pub data: String,
    pub first_seen_at: String,
    /// When the listing that last contained it was fetched.
    pub last_seen_at: String,
}

/// Replaces an account's list with a fresh listing: new rows get `first_seen_at = now`, rows
/// seen before keep theirs, rows missing from the listing (no longer pending) are removed.
/// Returns how many rows the account now has.
pub fn replace_account(
    tx: &Transaction<'_>,
    screen: Screen,
    account_id: &str,
    rows: &[NewRow],
    now: &str,
) -> AppResult<usize> {
    store_page(tx, screen, account_id, rows, now)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.invitation_id.as_str()).collect();
    finish_complete(tx, screen, account_id, &ids, now)
}

/// Ends a complete listing whose pages were stored (`store_page`): the rows it did not list
/// (`listed` holds the ids it did) are no longer pending and are removed, and the account is
/// marked synced at `now`. Returns how many rows the account now has.
pub fn finish_complete(
    tx: &Transaction<'_>,
    screen: Screen,
    account_id: &str,
    listed: &[&str],
    now: &str,
) -> AppResult<usize> {
    let ids = serde_json::to_string(listed).unwrap_or_else(|_| "[]".into());
    tx.execute(
        "DELETE FROM invitation_cache
         WHERE screen = ?1 AND account_id = ?2
           AND invitation_id NOT IN (SELECT value FROM json_each(?3))",
        params![screen.as_str(), account_id, ids],
    )?;
    record_sync(tx, screen, account_id, now, None)?;
    count(tx, screen, account_id)
}

/// Ends a listing that stopped part-way and whose pages were stored (`store_page`): nothing is
/// removed (an invitation it did not reach may still be pending, so it stays as last seen), and
/// `partial` (where and why it stopped, JSON) is kept until a complete listing. Returns how many
/// rows the account now has.
pub fn finish_partial(
    tx: &Transaction<'_>,
    screen: Screen,
    account_id: &str,
    now: &str,
    partial: &str,
) -> AppResult<usize> {
    record_sync(tx, screen, account_id, now, Some(partial))?;
    count(tx, screen, account_id)
}

/// Where and why the account's last refresh stopped part-way (JSON); `None` when it was complete.
pub fn partial(conn: &Connection, screen: Screen, account_id: &str) -> AppResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT partial FROM sync_state WHERE screen = ?1 AND account_id = ?2",
            params![screen.as_str(), account_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

fn record_sync(
    tx: &Transaction<'_>,
    screen: Screen,
    account_id: &str,
    now: &str,
    partial: Option<&str>,
) -> AppResult<()> {
    tx.execute(
        "INSERT INTO sync_state (screen, account_id, synced_at, partial) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (screen, account_id) DO UPDATE
             SET synced_at = excluded.synced_at, partial = excluded.partial",
        params![screen.as_str(), account_id, now, partial],
    )?;
    Ok(())
}

fn count(tx: &Transaction<'_>, screen: Screen, account_id: &str) -> AppResult<usize> {
    let count: i64 = tx.query_row(
        "SELECT COUNT(*) FROM invitation_cache WHERE screen = ?1 AND account_id = ?2",
        params![screen.as_str(), account_id],
        |r| r.get(0),
    )?;
    Ok(count as usize)
}

/// One page of a listing in progress, stored as it arrives (a refresh streams its pages so the
/// screens show them before it ends): new rows get `first_seen_at = now`, rows seen before keep
/// theirs, nothing is removed (a row not re-seen yet was pending at the last refresh and may be
/// on a later page).
pub fn store_page(
    tx: &Transaction<'_>,
    screen: Screen,
    account_id: &str,
    rows: &[NewRow],
    now: &str,
) -> AppResult<()> {
    let mut upsert = tx.prepare_cached(
        "INSERT INTO invitation_cache
             (screen, account_id, invitation_id, person_key, data, first_seen_at, last_seen_at,
              sort_name, search_text, provider_days, first_seen_ms, sent_by_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (screen, account_id, invitation_id) DO UPDATE SET
             person_key = excluded.person_key,
             data = excluded.data,
             last_seen_at = excluded.last_seen_at,
             sort_name = excluded.sort_name,
             search_text = excluded.search_text,
             provider_days = excluded.provider_days,
             sent_by_ms = CASE WHEN excluded.provider_days IS NULL
                 THEN invitation_cache.first_seen_ms
                 ELSE MIN(excluded.sent_by_ms, invitation_cache.first_seen_ms) END",
    )?;
    let now_ms = millis(now);
    for row in rows {
        let derived = Derived::of(&row.data);
        upsert.execute(params![
            screen.as_str(),
            account_id,
            row.invitation_id,
            row.person_key,
            row.data,
            now,
            derived.sort_name,
            derived.search_text,
            derived.provider_days,
            now_ms,
            derived.sent_by_ms(now_ms, now_ms),
        ])?;
    }
    Ok(())
}

/// What the Sent table sorts and filters by in SQL, read from a row's JSON (sent and received
/// invitations both have `person.name`, `person.headline` and `age.days`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    pub sort_name: String,
    pub search_text: String,
    pub provider_days: Option<u32>,
}

impl Derived {
    pub fn of(data: &str) -> Derived {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Probe {
            person: ProbePerson,
            age: ProbeAge,
        }
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct ProbePerson {
            name: String,
            headline: Option<String>,
        }
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct ProbeAge {
            days: Option<u32>,
        }
        // A row whose JSON cannot be read is left out of the screens anyway (`sent_row`).
        let probe: Probe = serde_json::from_str(data).unwrap_or_default();
        Derived {
            // A row without a name sorts after every name (ascending).
            sort_name: Some(text_keys::sort_key(&probe.person.name))
                .filter(|k| !k.is_empty())
                .unwrap_or_else(|| NO_NAME.to_string()),
            search_text: text_keys::search_text(
                &probe.person.name,
                probe.person.headline.as_deref(),
            ),
            provider_days: probe.age.days,
        }
    }

    /// The latest the invitation can have been sent, listed at `listed_ms` and first seen at
    /// `first_seen_ms`: its age in whole days at any later time is the whole days since this
    /// (`rules::estimate_age`: the provider's days plus the days since the listing, or the days
    /// since first seen when more).
    pub fn sent_by_ms(&self, listed_ms: i64, first_seen_ms: i64) -> i64 {
        match self.provider_days {
            Some(days) => (listed_ms - i64::from(days) * DAY_MS).min(first_seen_ms),
            None => first_seen_ms,
        }
    }
}

const DAY_MS: i64 = 86_400_000;

/// The sort key of a row without a name: after every name.
const NO_NAME: &str = "\u{10FFFF}";

/// A stored timestamp in milliseconds since the epoch; a damaged one reads as 0 (the epoch).
fn millis(ts: &str) -> i64 {
    parse_ts(ts).map_or(0, |t| t.timestamp_millis())
}

/// Fills the derived columns of rows cached before they existed (migration 7). Runs on every
/// open; with nothing to fill it is one index lookup.
pub fn backfill_derived(conn: &mut Connection) -> AppResult<()> {
    let todo: Vec<(String, String, String, String, String, String)> = {
        let mut stmt = conn.prepare(
            "SELECT screen, account_id, invitation_id, data, first_seen_at, last_seen_at
             FROM invitation_cache WHERE screen IN ('sent', 'received') AND sort_name IS NULL",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if todo.is_empty() {
        return Ok(());
    }
    let tx = conn.transaction()?;
    {
        let mut update = tx.prepare(
            "UPDATE invitation_cache SET sort_name = ?4, search_text = ?5, provider_days = ?6,
                 first_seen_ms = ?7, sent_by_ms = ?8
             WHERE screen = ?1 AND account_id = ?2 AND invitation_id = ?3",
        )?;
        for (screen, account, invitation, data, first, last) in &todo {
            let d = Derived::of(data);
            update.execute(params![
                screen,
                account,
                invitation,
                d.sort_name,
                d.search_text,
                d.provider_days,
                millis(first),
                d.sent_by_ms(millis(last), millis(first)),
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// When the account's list was last fetched successfully.
pub fn synced_at(conn: &Connection, screen: Screen, account_id: &str) -> AppResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT synced_at FROM sync_state WHERE screen = ?1 AND account_id = ?2",
            params![screen.as_str(), account_id],
            |r| r.get(0),
        )
        .optional()?)
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CachedRow> {
    Ok(CachedRow {
        account_id: r.get(0)?,
        invitation_id: r.get(1)?,
        data: r.get(2)?,
        first_seen_at: r.get(3)?,
        last_seen_at: r.get(4)?,
    })
}

/// The cached rows of one account, or of every account.
pub fn rows(
    conn: &Connection,
    screen: Screen,
    account_id: Option<&str>,
) -> AppResult<Vec<CachedRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT account_id, invitation_id, data, first_seen_at, last_seen_at FROM invitation_cache
         WHERE screen = ?1 AND (?2 IS NULL OR account_id = ?2)
         ORDER BY account_id, first_seen_at, invitation_id",
    )?;
    let rows = stmt
        .query_map(params![screen.as_str(), account_id], read_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn get(
    conn: &Connection,
    screen: Screen,
    account_id: &str,
    invitation_id: &str,
) -> AppResult<Option<CachedRow>> {
    // Cached: a window reads up to 500 rows one by one.
    Ok(conn
        .prepare_cached(
            "SELECT account_id, invitation_id, data, first_seen_at, last_seen_at FROM invitation_cache
             WHERE screen = ?1 AND account_id = ?2 AND invitation_id = ?3",
        )?
        .query_row(
            params![screen.as_str(), account_id, invitation_id],
            read_row,
        )
        .optional()?)
}

/// Drops one invitation that is no longer pending (withdrawn, accepted, ignored, gone).
pub fn remove(
    tx: &Transaction<'_>,
    screen: Screen,
    account_id: &str,
    invitation_id: &str,
) -> AppResult<()> {
    tx.execute(
        "DELETE FROM invitation_cache WHERE screen = ?1 AND account_id = ?2 AND invitation_id = ?3",
        params![screen.as_str(), account_id, invitation_id],
    )?;
    Ok(())
}

pub fn delete_account(tx: &Transaction<'_>, account_id: &str) -> AppResult<()> {
    tx.execute(
        "DELETE FROM invitation_cache WHERE account_id = ?1",
        [account_id],
    )?;
    tx.execute("DELETE FROM sync_state WHERE account_id = ?1", [account_id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn row(id: &str) -> NewRow {
        NewRow {
            invitation_id: id.into(),
            person_key: Some(format!("p-{id}")),
            data: format!("{{\"id\":\"{id}\"}}"),
        }
    }

    #[test]
    fn keeps_first_seen_and_drops_rows_no_longer_listed() {
        let db = Db::open_in_memory().unwrap();
        db.write(|tx| replace_account(tx, Screen::Sent, "a", &[row("1"), row("2")], "T1"))
            .unwrap();
        let n = db
            .write(|tx| replace_account(tx, Screen::Sent, "a", &[row("2"), row("3")], "T2"))
            .unwrap();
        assert_eq!(n, 2);
        let rows = db.read(|c| rows(c, Screen::Sent, Some("a"))).unwrap();
        let seen: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.invitation_id.as_str(), r.first_seen_at.as_str()))
            .collect();
        assert_eq!(seen, vec![("2", "T1"), ("3", "T2")]);
        assert_eq!(
            db.read(|c| synced_at(c, Screen::Sent, "a"))
                .unwrap()
                .as_deref(),
            Some("T2")
        );
    }

    #[test]
    fn pages_stored_one_by_one_remove_nothing_until_the_listing_completes() {
        let db = Db::open_in_memory().unwrap();
        db.write(|tx| replace_account(tx, Screen::Sent, "a", &[row("1"), row("2")], "T1"))
            .unwrap();
        let ids = |db: &Db| -> Vec<String> {
            let rows = db.read(|c| rows(c, Screen::Sent, Some("a"))).unwrap();
            rows.into_iter().map(|r| r.invitation_id).collect()
        };
        // A page with "2" and a new "3": "1" is not re-seen yet and stays.
        db.write(|tx| store_page(tx, Screen::Sent, "a", &[row("2"), row("3")], "T2"))
            .unwrap();
        assert_eq!(ids(&db), ["1", "2", "3"]);
        // Stopped part-way: still nothing removed, the stop noted.
        let n = db
            .write(|tx| finish_partial(tx, Screen::Sent, "a", "T2", "{}"))
            .unwrap();
        assert_eq!(n, 3);
        assert_eq!(
            db.read(|c| partial(c, Screen::Sent, "a"))
                .unwrap()
                .as_deref(),
            Some("{}")
        );
        // Complete: what it did not list goes, and the stop mark with it.
        let listed = ["2", "3"];
        let n = db
            .write(|tx| finish_complete(tx, Screen::Sent, "a", &listed, "T3"))
            .unwrap();
        assert_eq!(n, 2);
        assert_eq!(ids(&db), ["2", "3"]);
        assert_eq!(db.read(|c| partial(c, Screen::Sent, "a")).unwrap(), None);
    }

    #[test]
    fn accounts_and_screens_do_not_mix() {
        let db = Db::open_in_memory().unwrap();
        db.write(|tx| replace_account(tx, Screen::Sent, "a", &[row("1")], "T1"))
            .unwrap();
        db.write(|tx| replace_account(tx, Screen::Received, "a", &[row("1")], "T1"))
            .unwrap();
        db.write(|tx| replace_account(tx, Screen::Sent, "b", &[], "T1"))
            .unwrap();
        assert_eq!(db.read(|c| rows(c, Screen::Sent, None)).unwrap().len(), 1);
        assert_eq!(
            db.read(|c| rows(c, Screen::Received, None)).unwrap().len(),
            1
        );
        db.write(|tx| delete_account(tx, "a")).unwrap();
        assert!(db.read(|c| rows(c, Screen::Sent, None)).unwrap().is_empty());
        assert_eq!(db.read(|c| synced_at(c, Screen::Sent, "a")).unwrap(), None);
        assert!(db
            .read(|c| synced_at(c, Screen::Sent, "b"))
            .unwrap()
            .is_some());
    }
}
