//! Stored previews. A job is started from a plan id and runs exactly the plan's items.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::error::AppResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPlan {
    pub id: String,
    pub action: String,
    pub created_at: String,
    /// The plan as the user saw it (JSON).
    pub plan: String,
    /// The invitations to act on, as they were when previewed (JSON).
    pub items: String,
    /// The job started from this plan, once started.
    pub job_id: Option<String>,
}

pub fn insert(tx: &Transaction<'_>, plan: &StoredPlan) -> AppResult<()> {
    tx.execute(
        "INSERT INTO plans (id, action, created_at, plan, items, job_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            plan.id,
            plan.action,
            plan.created_at,
            plan.plan,
            plan.items,
            plan.job_id
        ],
    )?;
    Ok(())
}

pub fn get(conn: &Connection, id: &str) -> AppResult<Option<StoredPlan>> {
    Ok(conn
        .query_row(
            "SELECT id, action, created_at, plan, items, job_id FROM plans WHERE id = ?1",
            [id],
            |r| {
                Ok(StoredPlan {
                    id: r.get(0)?,
                    action: r.get(1)?,
                    created_at: r.get(2)?,
                    plan: r.get(3)?,
                    items: r.get(4)?,
                    job_id: r.get(5)?,
                })
            },
        )
        .optional()?)
}

/// Marks the plan as started by `job_id`. False when another job already started it, which is
/// how starting the same plan twice ends up with one job.
pub fn mark_started(tx: &Transaction<'_>, plan_id: &str, job_id: &str) -> AppResult<bool> {
    let changed = tx.execute(
        "UPDATE plans SET job_id = ?2 WHERE id = ?1 AND job_id IS NULL",
        params![plan_id, job_id],
    )?;
    Ok(changed == 1)
}

/// Forgets previews that were never started and are older than `before`.
pub fn prune_unstarted(tx: &Transaction<'_>, before: &str) -> AppResult<usize> {
    Ok(tx.execute(
        "DELETE FROM plans WHERE job_id IS NULL AND created_at < ?1",
        [before],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn a_plan_is_started_once() {
        let db = Db::open_in_memory().unwrap();
        let plan = StoredPlan {
            id: "p1".into(),
            action: "withdraw".into(),
            created_at: "2024-01-01T00:00:00.000Z".into(),
            plan: "{}".into(),
            items: "[]".into(),
            job_id: None,
        };
        db.write(|tx| insert(tx, &plan)).unwrap();
        assert!(db.write(|tx| mark_started(tx, "p1", "j1")).unwrap());
        assert!(!db.write(|tx| mark_started(tx, "p1", "j2")).unwrap());
        assert_eq!(
            db.read(|c| get(c, "p1"))
                .unwrap()
                .unwrap()
                .job_id
                .as_deref(),
            Some("j1")
        );
        assert_eq!(
            db.write(|tx| prune_unstarted(tx, "2030-01-01")).unwrap(),
            0,
            "a started plan is kept"
        );
    }
}
