//! The keep-list: invitations and people that no withdrawal may touch.

use std::collections::HashSet;

use rusqlite::{params, Connection, Transaction};

use crate::error::AppResult;

/// What a pin holds on to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PinTarget {
    /// One invitation, by its id.
    Invitation(String),
    /// A person, by their normalised person key (see `invitations::person_key`).
    Person(String),
}

impl PinTarget {
    fn kind(&self) -> &'static str {
        match self {
            PinTarget::Invitation(_) => "invitation",
            PinTarget::Person(_) => "person",
        }
    }

    fn value(&self) -> &str {
        match self {
            PinTarget::Invitation(v) | PinTarget::Person(v) => v,
        }
    }
}

pub fn set(
    tx: &Transaction<'_>,
    account_id: &str,
    target: &PinTarget,
    pinned: bool,
    now: &str,
) -> AppResult<()> {
    if pinned {
        tx.execute(
            "INSERT OR IGNORE INTO pins (account_id, kind, target, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![account_id, target.kind(), target.value(), now],
        )?;
    } else {
        tx.execute(
            "DELETE FROM pins WHERE account_id = ?1 AND kind = ?2 AND target = ?3",
            params![account_id, target.kind(), target.value()],
        )?;
    }
    Ok(())
}

/// Every pin, as `(account_id, target)`, for matching many rows at once.
#[derive(Debug, Default, Clone)]
pub struct PinSet {
    pins: HashSet<(String, PinTarget)>,
}

impl PinSet {
    pub fn insert(&mut self, account_id: &str, target: PinTarget) {
        self.pins.insert((account_id.to_string(), target));
    }

    /// True when the invitation itself or its person is pinned on that account.
    pub fn covers(&self, account_id: &str, invitation_id: &str, person_key: Option<&str>) -> bool {
        let account = account_id.to_string();
        self.pins.contains(&(
            account.clone(),
            PinTarget::Invitation(invitation_id.to_string()),
        )) || person_key.is_some_and(|p| {
            self.pins
                .contains(&(account, PinTarget::Person(p.to_string())))
        })
    }
}

pub fn all(conn: &Connection) -> AppResult<PinSet> {
    let mut stmt = conn.prepare_cached("SELECT account_id, kind, target FROM pins")?;
    let mut set = PinSet::default();
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (account, kind, target) = row?;
        let target = if kind == "person" {
            PinTarget::Person(target)
        } else {
            PinTarget::Invitation(target)
        };
        set.insert(&account, target);
    }
    Ok(set)
}

/// Whether one invitation is covered by a pin, read inside the transaction that is about to act
/// on it, so a pin added after the preview still protects the row.
pub fn covers(
    conn: &Connection,
    account_id: &str,
    invitation_id: &str,
    person_key: Option<&str>,
) -> AppResult<bool> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM pins WHERE account_id = ?1
           AND ((kind = 'invitation' AND target = ?2) OR (kind = 'person' AND target = ?3))",
        params![account_id, invitation_id, person_key],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

pub fn delete_account(tx: &Transaction<'_>, account_id: &str) -> AppResult<()> {
    tx.execute("DELETE FROM pins WHERE account_id = ?1", [account_id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn pins_an_invitation_or_a_person_per_account_and_unpins() {
        let db = Db::open_in_memory().unwrap();
        db.write(|tx| set(tx, "a", &PinTarget::Invitation("i1".into()), true, "t"))
            .unwrap();
        db.write(|tx| set(tx, "a", &PinTarget::Person("jane".into()), true, "t"))
            .unwrap();
        // Pinning twice is harmless.
        db.write(|tx| set(tx, "a", &PinTarget::Person("jane".into()), true, "t"))
            .unwrap();
        let pins = db.read(all).unwrap();
        assert!(pins.covers("a", "i1", None));
        assert!(pins.covers("a", "other", Some("jane")));
        assert!(
            !pins.covers("b", "i1", Some("jane")),
            "pins are per account"
        );
        assert!(!pins.covers("a", "i2", Some("john")));
        assert!(db.read(|c| covers(c, "a", "x", Some("jane"))).unwrap());
        assert!(!db.read(|c| covers(c, "a", "x", None)).unwrap());

        db.write(|tx| set(tx, "a", &PinTarget::Person("jane".into()), false, "t"))
            .unwrap();
        assert!(!db.read(|c| covers(c, "a", "x", Some("jane"))).unwrap());
        assert!(db.read(|c| covers(c, "a", "i1", Some("jane"))).unwrap());
    }
}
