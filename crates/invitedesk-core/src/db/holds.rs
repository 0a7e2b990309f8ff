//! Provider holds: "no more of this action on this account before <time>", kept in the database
//! so that cancelling a job, starting a new one, a single action or a restart all honour them.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::error::AppResult;
use crate::model::WriteKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub account_id: String,
    pub action: WriteKind,
    /// Stored timestamp (`db::ts`).
    pub until: String,
    pub reason: String,
}

/// Records a hold; a later one replaces an earlier one, never the other way round.
pub fn set(tx: &Transaction<'_>, hold: &Hold, now: &str) -> AppResult<()> {
    tx.execute(
        "INSERT INTO holds (account_id, action, until, reason, set_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (account_id, action) DO UPDATE SET
             until = excluded.until, reason = excluded.reason, set_at = excluded.set_at
         WHERE excluded.until > holds.until",
        params![
            hold.account_id,
            hold.action.as_str(),
            hold.until,
            hold.reason,
            now
        ],
    )?;
    Ok(())
}

/// The hold in effect at `now` (a stored timestamp) for this account and action.
pub fn active(
    conn: &Connection,
    account_id: &str,
    action: WriteKind,
    now: &str,
) -> AppResult<Option<Hold>> {
    Ok(conn
        .query_row(
            "SELECT until, reason FROM holds
             WHERE account_id = ?1 AND action = ?2 AND until > ?3",
            params![account_id, action.as_str(), now],
            |r| {
                Ok(Hold {
                    account_id: account_id.to_string(),
                    action,
                    until: r.get(0)?,
                    reason: r.get(1)?,
                })
            },
        )
        .optional()?)
}

pub fn delete_account(tx: &Transaction<'_>, account_id: &str) -> AppResult<()> {
    tx.execute("DELETE FROM holds WHERE account_id = ?1", [account_id])?;
    tx.execute(
        "DELETE FROM unconfirmed_sends WHERE account_id = ?1",
        [account_id],
    )?;
    Ok(())
}

/// A connection request whose outcome is not known yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnconfirmedSend {
    pub account_id: String,
    pub person_key: String,
    pub profile_url: String,
    pub attempt_at: String,
    pub check_at: String,
}

pub fn set_unconfirmed_send(tx: &Transaction<'_>, send: &UnconfirmedSend) -> AppResult<()> {
    tx.execute(
        "INSERT INTO unconfirmed_sends (account_id, person_key, profile_url, attempt_at, check_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (account_id, person_key) DO UPDATE SET
             profile_url = excluded.profile_url, attempt_at = excluded.attempt_at,
             check_at = excluded.check_at",
        params![
            send.account_id,
            send.person_key,
            send.profile_url,
            send.attempt_at,
            send.check_at
        ],
    )?;
    Ok(())
}

pub fn unconfirmed_send(
    conn: &Connection,
    account_id: &str,
    person_key: &str,
) -> AppResult<Option<UnconfirmedSend>> {
    Ok(conn
        .query_row(
            "SELECT profile_url, attempt_at, check_at FROM unconfirmed_sends
             WHERE account_id = ?1 AND person_key = ?2",
            params![account_id, person_key],
            |r| {
                Ok(UnconfirmedSend {
                    account_id: account_id.to_string(),
                    person_key: person_key.to_string(),
                    profile_url: r.get(0)?,
                    attempt_at: r.get(1)?,
                    check_at: r.get(2)?,
                })
            },
        )
        .optional()?)
}

pub fn clear_unconfirmed_send(
    tx: &Transaction<'_>,
    account_id: &str,
    person_key: &str,
) -> AppResult<()> {
    tx.execute(
        "DELETE FROM unconfirmed_sends WHERE account_id = ?1 AND person_key = ?2",
        params![account_id, person_key],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn hold(until: &str) -> Hold {
        Hold {
            account_id: "a".into(),
            action: WriteKind::Send,
            until: until.into(),
            reason: "Weekly limit".into(),
        }
    }

    #[test]
    fn a_hold_lasts_until_its_time_and_only_for_its_action() {
        let db = Db::open_in_memory().unwrap();
        db.write(|tx| {
            set(
                tx,
                &hold("2030-01-01T10:00:00.000Z"),
                "2030-01-01T09:00:00.000Z",
            )
        })
        .unwrap();
        let at = |now: &str, action| db.read(|c| active(c, "a", action, now)).unwrap();
        assert!(at("2030-01-01T09:59:59.000Z", WriteKind::Send).is_some());
        assert!(at("2030-01-01T09:59:59.000Z", WriteKind::Withdraw).is_none());
        assert!(at("2030-01-01T10:00:00.000Z", WriteKind::Send).is_none());
    }

    #[test]
    fn an_earlier_hold_never_shortens_a_later_one() {
        let db = Db::open_in_memory().unwrap();
        let now = "2030-01-01T09:00:00.000Z";
        db.write(|tx| set(tx, &hold("2030-01-02T00:00:00.000Z"), now))
            .unwrap();
        db.write(|tx| set(tx, &hold("2030-01-01T09:30:00.000Z"), now))
            .unwrap();
        let h = db
            .read(|c| active(c, "a", WriteKind::Send, now))
            .unwrap()
            .unwrap();
        assert_eq!(h.until, "2030-01-02T00:00:00.000Z");
    }
}
