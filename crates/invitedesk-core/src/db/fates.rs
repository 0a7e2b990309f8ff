//! The fates table: every sent invitation ever listed, kept after it leaves the pending list,
//! so Insights can tell how long invitations stayed and how they ended.
//!
//! Only a *complete* listing of an account is recorded ([`record_listing`], called by the
//! refresh in the same transaction as the cache): a refresh that failed or stopped part-way never
//! reaches it, so it can never mark an invitation as gone. Which kind of "gone" (accepted,
//! withdrawn by InviteDesk, something else) is decided when reading (`insights::fates`), from
//! `connected_at` and the activity record.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, Transaction};

use crate::error::AppResult;
use crate::model::SentInvitation;

/// A sent invitation as one listing saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenSent {
    pub invitation_id: String,
    pub person_key: Option<String>,
    pub name: String,
    pub profile_url: Option<String>,
    /// When it was sent, as far as this listing tells: on or before this when not `sent_exact`.
    pub sent_at: DateTime<Utc>,
    pub sent_exact: bool,
}

impl SeenSent {
    /// What a listing fetched at `listed_at` says about the invitation.
    pub fn from_invitation(
        invitation: &SentInvitation,
        person_key: Option<String>,
        listed_at: DateTime<Utc>,
    ) -> SeenSent {
        let (sent_at, sent_exact) = match invitation.age.days {
            Some(days) => (
                listed_at - Duration::days(i64::from(days)),
                invitation.age.exact,
            ),
            // No age: it was sent on or before the listing that first shows it.
            None => (listed_at, false),
        };
        SeenSent {
            invitation_id: invitation.id.clone(),
            person_key,
            name: invitation.person.name.clone(),
            profile_url: invitation.person.profile_url.clone(),
            sent_at,
            sent_exact,
        }
    }
}

/// A stored fate row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FateRow {
    pub account_id: String,
    pub invitation_id: String,
    pub person_key: Option<String>,
    pub name: String,
    pub profile_url: Option<String>,
    pub sent_at: String,
    pub sent_exact: bool,
    pub first_seen_at: String,
    pub last_seen_at: String,
    /// `false`: still pending at the last complete refresh.
    pub gone: bool,
    /// The first complete refresh that no longer listed it.
    pub ended_at: Option<String>,
    /// A provider said the person is now a connection.
    pub connected_at: Option<String>,
    /// When a provider was last asked whether the person is a connection.
    pub checked_at: Option<String>,
}

impl FateRow {
    /// The row as the fate rule reads it (`insights::fates::facts`), borrowed.
    pub fn as_facts(&self) -> FateFacts<'_> {
        FateFacts {
            account_id: &self.account_id,
            invitation_id: &self.invitation_id,
            sent_at: &self.sent_at,
            sent_exact: self.sent_exact,
            first_seen_at: &self.first_seen_at,
            last_seen_at: &self.last_seen_at,
            gone: self.gone,
            ended_at: self.ended_at.as_deref(),
            connected: self.connected_at.is_some(),
        }
    }
}

/// Records one complete listing of an account's sent invitations, read back from the cache
/// it was just stored in (after `cache::finish_complete` the account's cached sent rows are
/// exactly that listing), one row at a time so a long listing is never held whole: listed ones
/// are pending (one that was gone and is listed again is pending again), pending ones not
/// listed are gone as of `now`.
pub fn record_listing(tx: &Transaction<'_>, account_id: &str, now: DateTime<Utc>) -> AppResult<()> {
    let mut stmt = tx.prepare_cached(
        "SELECT person_key, data FROM invitation_cache WHERE screen = 'sent' AND account_id = ?1",
    )?;
    let listed = stmt
        .query_map([account_id], |r| {
            Ok((r.get::<_, Option<String>>(0)?, r.get::<_, String>(1)?))
        })?
        .filter_map(|row| match row {
            Ok((person_key, data)) => serde_json::from_str::<SentInvitation>(&data)
                .ok()
                .map(|invitation| Ok(SeenSent::from_invitation(&invitation, person_key, now))),
            Err(e) => Some(Err(e)),
        });
    upsert_seen(tx, account_id, listed, now)?;
    tx.execute(
        "UPDATE invitation_fates SET state = 'gone', ended_at = ?2
         WHERE account_id = ?1 AND state = 'pending'
           AND invitation_id NOT IN (SELECT invitation_id FROM invitation_cache
                                     WHERE screen = 'sent' AND account_id = ?1)",
        params![account_id, crate::db::ts(now)],
    )?;
    Ok(())
}

/// [`record_listing`] on already decoded rows: `seen` is the whole listing.
pub fn record_seen(
    tx: &Transaction<'_>,
    account_id: &str,
    seen: &[SeenSent],
    now: DateTime<Utc>,
) -> AppResult<()> {
    upsert_seen(tx, account_id, seen.iter().cloned().map(Ok), now)?;
    let ids: Vec<&str> = seen.iter().map(|s| s.invitation_id.as_str()).collect();
    let ids = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
    tx.execute(
        "UPDATE invitation_fates SET state = 'gone', ended_at = ?2
         WHERE account_id = ?1 AND state = 'pending'
           AND invitation_id NOT IN (SELECT value FROM json_each(?3))",
        params![account_id, crate::db::ts(now), ids],
    )?;
    Ok(())
}

/// Each listed invitation is pending as of `now`, its estimates merged with what was known.
fn upsert_seen(
    tx: &Transaction<'_>,
    account_id: &str,
    seen: impl Iterator<Item = rusqlite::Result<SeenSent>>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let at = crate::db::ts(now);
    // Estimates only get better: an exact date wins, otherwise the earliest bound (each listing
    // says "on or before"), never later than the first sighting.
    let mut upsert = tx.prepare_cached(
        "INSERT INTO invitation_fates
             (account_id, invitation_id, person_key, name, profile_url, sent_at, sent_exact,
              first_seen_at, last_seen_at, state)
         VALUES (?1, ?2, ?3, ?4, ?5, MIN(?6, ?8), ?7, ?8, ?8, 'pending')
         ON CONFLICT (account_id, invitation_id) DO UPDATE SET
             person_key = excluded.person_key,
             name = excluded.name,
             profile_url = excluded.profile_url,
             sent_at = CASE
                 WHEN excluded.sent_exact = 1 THEN excluded.sent_at
                 WHEN invitation_fates.sent_exact = 1 THEN invitation_fates.sent_at
                 ELSE MIN(invitation_fates.sent_at, excluded.sent_at) END,
             sent_exact = MAX(invitation_fates.sent_exact, excluded.sent_exact),
             last_seen_at = excluded.last_seen_at,
             state = 'pending',
             ended_at = NULL,
             connected_at = CASE WHEN invitation_fates.state = 'gone' THEN NULL
                                 ELSE invitation_fates.connected_at END,
             checked_at = CASE WHEN invitation_fates.state = 'gone' THEN NULL
                               ELSE invitation_fates.checked_at END",
    )?;
    for s in seen {
        let s = s?;
        upsert.execute(params![
            account_id,
            s.invitation_id,
            s.person_key,
            s.name,
            s.profile_url,
            crate::db::ts(s.sent_at),
            s.sent_exact,
            at,
        ])?;
    }
    Ok(())
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FateRow> {
    Ok(FateRow {
        account_id: r.get(0)?,
        invitation_id: r.get(1)?,
        person_key: r.get(2)?,
        name: r.get(3)?,
        profile_url: r.get(4)?,
        sent_at: r.get(5)?,
        sent_exact: r.get(6)?,
        first_seen_at: r.get(7)?,
        last_seen_at: r.get(8)?,
        gone: r.get::<_, String>(9)? == "gone",
        ended_at: r.get(10)?,
        connected_at: r.get(11)?,
        checked_at: r.get(12)?,
    })
}

const COLUMNS: &str = "account_id, invitation_id, person_key, name, profile_url, sent_at, \
     sent_exact, first_seen_at, last_seen_at, state, ended_at, connected_at, checked_at";

/// Every fate of one account or of all, oldest sent first.
pub fn all(conn: &Connection, account_id: Option<&str>) -> AppResult<Vec<FateRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM invitation_fates
         WHERE (?1 IS NULL OR account_id = ?1) ORDER BY sent_at, invitation_id"
    ))?;
    let rows = stmt
        .query_map(params![account_id], read_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One row as Insights' charts need it, borrowed from SQLite's row (no copies: 100,000 rows
/// per view).
pub struct FateFacts<'a> {
    pub account_id: &'a str,
    pub invitation_id: &'a str,
    pub sent_at: &'a str,
    pub sent_exact: bool,
    pub first_seen_at: &'a str,
    pub last_seen_at: &'a str,
    pub gone: bool,
    pub ended_at: Option<&'a str>,
    pub connected: bool,
}

/// Calls `each` with every fate of one account or of all, in no particular order.
pub fn for_each_facts(
    conn: &Connection,
    account_id: Option<&str>,
    mut each: impl FnMut(&FateFacts<'_>),
) -> AppResult<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT account_id, invitation_id, sent_at, sent_exact, first_seen_at, last_seen_at,
                state = 'gone', ended_at, connected_at IS NOT NULL
         FROM invitation_fates WHERE (?1 IS NULL OR account_id = ?1)",
    )?;
    let mut rows = stmt.query(params![account_id])?;
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> rusqlite::Result<&str> {
            r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)
        };
        let ended_at = match r.get_ref(7)? {
            rusqlite::types::ValueRef::Null => None,
            v => Some(v.as_str().map_err(rusqlite::Error::from)?),
        };
        each(&FateFacts {
            account_id: text(0)?,
            invitation_id: text(1)?,
            sent_at: text(2)?,
            sent_exact: r.get(3)?,
            first_seen_at: text(4)?,
            last_seen_at: text(5)?,
            gone: r.get(6)?,
            ended_at,
            connected: r.get(8)?,
        });
    }
    Ok(())
}

/// Gone invitations of an account nobody has asked a provider about yet, newest first: what
/// an acceptance check looks at.
pub fn unchecked_gone(conn: &Connection, account_id: &str, limit: u32) -> AppResult<Vec<FateRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM invitation_fates
         WHERE account_id = ?1 AND state = 'gone' AND checked_at IS NULL
         ORDER BY ended_at DESC LIMIT ?2"
    ))?;
    let rows = stmt
        .query_map(params![account_id, limit], read_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Records a provider's answer to "is this person a connection now?".
pub fn set_checked(
    tx: &Transaction<'_>,
    account_id: &str,
    invitation_id: &str,
    connected: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let at = crate::db::ts(now);
    tx.execute(
        "UPDATE invitation_fates SET checked_at = ?3,
             connected_at = CASE WHEN ?4 THEN COALESCE(connected_at, ?3) ELSE NULL END
         WHERE account_id = ?1 AND invitation_id = ?2 AND state = 'gone'",
        params![account_id, invitation_id, at, connected],
    )?;
    Ok(())
}

/// Whether the account has any fate recorded.
pub fn any(conn: &Connection, account_id: &str) -> AppResult<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM invitation_fates WHERE account_id = ?1)",
        [account_id],
        |r| r.get(0),
    )?)
}

/// Stores a finished invitation as it would have been recorded (the demo's invented past).
pub fn insert_gone(tx: &Transaction<'_>, row: &FateRow) -> AppResult<()> {
    tx.execute(
        "INSERT OR IGNORE INTO invitation_fates
             (account_id, invitation_id, person_key, name, profile_url, sent_at, sent_exact,
              first_seen_at, last_seen_at, state, ended_at, connected_at, checked_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'gone', ?10, ?11, ?12)",
        params![
            row.account_id,
            row.invitation_id,
            row.person_key,
            row.name,
            row.profile_url,
            row.sent_at,
            row.sent_exact,
            row.first_seen_at,
            row.last_seen_at,
            row.ended_at,
            row.connected_at,
            row.checked_at,
        ],
    )?;
    Ok(())
}

pub fn delete_account(tx: &Transaction<'_>, account_id: &str) -> AppResult<()> {
    tx.execute(
        "DELETE FROM invitation_fates WHERE account_id = ?1",
        [account_id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn t(day: i64) -> DateTime<Utc> {
        "2026-01-01T12:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::days(day)
    }

    fn seen(id: &str, sent_day: i64, exact: bool) -> SeenSent {
        SeenSent {
            invitation_id: id.into(),
            person_key: Some(format!("p-{id}")),
            name: format!("Person {id}"),
            profile_url: None,
            sent_at: t(sent_day),
            sent_exact: exact,
        }
    }

    fn fates(db: &Db) -> Vec<FateRow> {
        db.read(|c| all(c, Some("a"))).unwrap()
    }

    #[test]
    fn a_listing_keeps_the_best_sent_estimate_and_marks_the_unlisted_gone() {
        let db = Db::open_in_memory().unwrap();
        // Day 10: "1 week ago" (on or before day 3) and an exact one.
        db.write(|tx| record_seen(tx, "a", &[seen("1", 3, false), seen("2", 9, true)], t(10)))
            .unwrap();
        // Day 20: "2 weeks ago" for 1 (on or before day 6: the day-3 bound is better).
        db.write(|tx| record_seen(tx, "a", &[seen("1", 6, false)], t(20)))
            .unwrap();
        let rows = fates(&db);
        assert_eq!(rows[0].invitation_id, "1");
        assert_eq!(rows[0].sent_at, crate::db::ts(t(3)));
        assert!(!rows[0].sent_exact && !rows[0].gone);
        assert_eq!(rows[0].last_seen_at, crate::db::ts(t(20)));
        assert_eq!(rows[1].invitation_id, "2");
        assert!(rows[1].gone);
        assert_eq!(
            rows[1].ended_at.as_deref(),
            Some(crate::db::ts(t(20)).as_str())
        );
        assert_eq!(rows[1].last_seen_at, crate::db::ts(t(10)));
    }

    #[test]
    fn an_invitation_listed_again_is_pending_again_and_forgets_its_check() {
        let db = Db::open_in_memory().unwrap();
        db.write(|tx| record_seen(tx, "a", &[seen("1", 0, true)], t(1)))
            .unwrap();
        db.write(|tx| record_seen(tx, "a", &[], t(2))).unwrap();
        db.write(|tx| set_checked(tx, "a", "1", true, t(2)))
            .unwrap();
        assert!(fates(&db)[0].connected_at.is_some());
        db.write(|tx| record_seen(tx, "a", &[seen("1", 0, true)], t(3)))
            .unwrap();
        let row = &fates(&db)[0];
        assert!(!row.gone);
        assert_eq!(row.ended_at, None);
        assert_eq!(row.connected_at, None);
        assert_eq!(row.checked_at, None);
    }

    #[test]
    fn accounts_do_not_mix_and_unchecked_gone_lists_only_gone_rows() {
        let db = Db::open_in_memory().unwrap();
        db.write(|tx| record_seen(tx, "a", &[seen("1", 0, true), seen("2", 0, true)], t(1)))
            .unwrap();
        db.write(|tx| record_seen(tx, "b", &[seen("1", 0, true)], t(1)))
            .unwrap();
        db.write(|tx| record_seen(tx, "a", &[seen("2", 0, true)], t(2)))
            .unwrap();
        let todo = db.read(|c| unchecked_gone(c, "a", 10)).unwrap();
        assert_eq!(todo.len(), 1);
        assert_eq!(todo[0].invitation_id, "1");
        assert!(db.read(|c| unchecked_gone(c, "b", 10)).unwrap().is_empty());
        db.write(|tx| set_checked(tx, "a", "1", false, t(2)))
            .unwrap();
        assert!(db.read(|c| unchecked_gone(c, "a", 10)).unwrap().is_empty());
        db.write(|tx| delete_account(tx, "a")).unwrap();
        assert!(fates(&db).is_empty());
        assert_eq!(db.read(|c| all(c, None)).unwrap().len(), 1);
    }
}
