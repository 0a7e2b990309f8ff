//! Autopilot's tables: the rules, the confirmation of each rule's first preview, the run
//! history (with the reason a run was skipped) and the global pause. The rule types live with
//! the autopilot module; here they are stored as JSON columns, so the shape can grow without a
//! migration.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::error::AppResult;

/// A rule row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRow {
    pub id: String,
    pub account_id: String,
    /// JSON `RuleAction`.
    pub action: String,
    /// JSON `Schedule`.
    pub schedule: String,
    /// JSON `QuietHours`.
    pub quiet_hours: Option<String>,
    pub time_zone: String,
    pub paused: bool,
    pub created_at: String,
    pub last_slot: Option<String>,
    /// From the confirmations table.
    pub confirmed_at: Option<String>,
}

/// A run row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    pub rule_id: String,
    pub at: String,
    pub trigger: String,
    pub outcome: String,
    pub reason: Option<String>,
    pub detail: Option<String>,
    pub job_id: Option<String>,
    pub planned: u32,
}

const SELECT_RULE: &str =
    "SELECT r.id, r.account_id, r.action, r.schedule, r.quiet_hours, r.time_zone,
        r.paused, r.created_at, r.last_slot, c.confirmed_at
     FROM autopilot_rules r LEFT JOIN autopilot_confirmations c ON c.rule_id = r.id";

fn rule_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RuleRow> {
    Ok(RuleRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        action: r.get(2)?,
        schedule: r.get(3)?,
        quiet_hours: r.get(4)?,
        time_zone: r.get(5)?,
        paused: r.get(6)?,
        created_at: r.get(7)?,
        last_slot: r.get(8)?,
        confirmed_at: r.get(9)?,
    })
}

/// Every rule, oldest first. Rules made in the same millisecond (or under a test's stopped
/// clock) keep the order they were made in: the tie goes to the insertion order (`rowid`), not
/// to the id, whose tail is random, so the screen, the runs and the notification's sentence
/// never shuffle.
pub fn rules(conn: &Connection) -> AppResult<Vec<RuleRow>> {
    let mut stmt = conn.prepare(&format!("{SELECT_RULE} ORDER BY r.created_at, r.rowid"))?;
    let rows = stmt.query_map([], rule_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn rule(conn: &Connection, id: &str) -> AppResult<Option<RuleRow>> {
    Ok(conn
        .query_row(&format!("{SELECT_RULE} WHERE r.id = ?1"), [id], rule_row)
        .optional()?)
}

pub fn insert_rule(tx: &Transaction<'_>, row: &RuleRow) -> AppResult<()> {
    tx.execute(
        "INSERT INTO autopilot_rules (id, account_id, action, schedule, quiet_hours, time_zone,
             paused, created_at, updated_at, last_slot)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
        params![
            row.id,
            row.account_id,
            row.action,
            row.schedule,
            row.quiet_hours,
            row.time_zone,
            row.paused,
            row.created_at,
            row.last_slot
        ],
    )?;
    Ok(())
}

/// Rewrites a rule's definition. A changed action acts on a different list, so its
/// confirmation goes: the next preview must be confirmed again.
pub fn update_rule(tx: &Transaction<'_>, row: &RuleRow, now: &str) -> AppResult<bool> {
    let old_action: Option<String> = tx
        .query_row(
            "SELECT action FROM autopilot_rules WHERE id = ?1",
            [&row.id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(old_action) = old_action else {
        return Ok(false);
    };
    tx.execute(
        "UPDATE autopilot_rules SET action = ?2, schedule = ?3, quiet_hours = ?4, time_zone = ?5,
             updated_at = ?6
         WHERE id = ?1",
        params![
            row.id,
            row.action,
            row.schedule,
            row.quiet_hours,
            row.time_zone,
            now
        ],
    )?;
    if old_action != row.action {
        tx.execute(
            "DELETE FROM autopilot_confirmations WHERE rule_id = ?1",
            [&row.id],
        )?;
    }
    Ok(true)
}

pub fn delete_rule(tx: &Transaction<'_>, id: &str) -> AppResult<bool> {
    Ok(tx.execute("DELETE FROM autopilot_rules WHERE id = ?1", [id])? > 0)
}

pub fn set_rule_paused(tx: &Transaction<'_>, id: &str, paused: bool) -> AppResult<bool> {
    Ok(tx.execute(
        "UPDATE autopilot_rules SET paused = ?2 WHERE id = ?1",
        params![id, paused],
    )? > 0)
}

pub fn set_last_slot(tx: &Transaction<'_>, id: &str, slot: &str) -> AppResult<()> {
    tx.execute(
        "UPDATE autopilot_rules SET last_slot = ?2 WHERE id = ?1",
        params![id, slot],
    )?;
    Ok(())
}

pub fn confirm(tx: &Transaction<'_>, rule_id: &str, plan_id: &str, at: &str) -> AppResult<()> {
    tx.execute(
        "INSERT INTO autopilot_confirmations (rule_id, plan_id, confirmed_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (rule_id) DO NOTHING",
        params![rule_id, plan_id, at],
    )?;
    Ok(())
}

pub fn insert_run(tx: &Transaction<'_>, run: &RunRow) -> AppResult<()> {
    tx.execute(
        "INSERT INTO autopilot_runs (rule_id, at, trigger, outcome, reason, detail, job_id, planned)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            run.rule_id,
            run.at,
            run.trigger,
            run.outcome,
            run.reason,
            run.detail,
            run.job_id,
            run.planned
        ],
    )?;
    Ok(())
}

/// A rule's runs, newest first.
pub fn runs(conn: &Connection, rule_id: &str, limit: u32) -> AppResult<Vec<RunRow>> {
    let mut stmt = conn.prepare(
        "SELECT rule_id, at, trigger, outcome, reason, detail, job_id, planned
         FROM autopilot_runs WHERE rule_id = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![rule_id, limit], |r| {
        Ok(RunRow {
            rule_id: r.get(0)?,
            at: r.get(1)?,
            trigger: r.get(2)?,
            outcome: r.get(3)?,
            reason: r.get(4)?,
            detail: r.get(5)?,
            job_id: r.get(6)?,
            planned: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Tags a job with the rule whose run started it (`label`: the rule as it reads now), for
/// Activity.
pub fn tag_job(tx: &Transaction<'_>, job_id: &str, rule_id: &str, label: &str) -> AppResult<()> {
    tx.execute(
        "INSERT OR REPLACE INTO autopilot_jobs (job_id, rule_id, rule_label) VALUES (?1, ?2, ?3)",
        params![job_id, rule_id, label],
    )?;
    Ok(())
}

/// The rule whose run started a job, for the Activity screen's tag.
pub fn rule_of_job(conn: &Connection, job_id: &str) -> AppResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT rule_id FROM autopilot_jobs WHERE job_id = ?1",
            [job_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// What this rule's jobs did with `action` (an activity action) since `since`: its own daily
/// allowance counts only its own work.
pub fn rule_done_since(
    conn: &Connection,
    rule_id: &str,
    action: &str,
    since: &str,
) -> AppResult<u32> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM activity
         WHERE action = ?2 AND at >= ?3
           AND job_id IN (SELECT job_id FROM autopilot_runs WHERE rule_id = ?1 AND job_id IS NOT NULL)",
        params![rule_id, action, since],
        |r| r.get(0),
    )?)
}

/// Autopilot is paused everywhere (the app, the tray, the tool, the timer).
pub const PAUSED: &str = "paused";
/// Closing the window keeps the app in the tray so rules fire on time.
pub const CLOSE_TO_TRAY: &str = "closeToTray";

pub fn flag(conn: &Connection, key: &str) -> AppResult<bool> {
    Ok(conn
        .query_row(
            "SELECT value FROM autopilot_settings WHERE key = ?1",
            [key],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .is_some_and(|v| v == "1"))
}

pub fn set_flag(tx: &Transaction<'_>, key: &str, on: bool) -> AppResult<()> {
    tx.execute(
        "INSERT INTO autopilot_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, if on { "1" } else { "0" }],
    )?;
    Ok(())
}

/// The account is gone: so are its rules (and, by cascade, their confirmations and runs).
pub fn delete_account(tx: &Transaction<'_>, account_id: &str) -> AppResult<()> {
    tx.execute(
        "DELETE FROM autopilot_rules WHERE account_id = ?1",
        [account_id],
    )?;
    Ok(())
}
