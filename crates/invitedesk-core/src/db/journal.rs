//! The job journal: jobs, their accounts and items, and the claims that keep any invitation
//! from being acted on twice.
//!
//! Protocol (see `jobs::runner`): before a provider call the item is claimed and marked
//! `running` with its attempt time, in one transaction; after the call its outcome and the
//! claim's outcome are written, in one transaction. A claim is one row per invitation
//! (primary key), so two jobs, or the same plan started twice, can never both act.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::cache::Screen;
use crate::db::{parse_ts, ts};
use crate::error::{AppError, AppResult, ErrorKind};

/// One item's state in the journal, and its outcome once finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ItemOutcome.ts")]
pub enum ItemOutcome {
    Pending,
    /// Journaled before the provider call; after a crash the call may or may not have happened.
    Running,
    /// The call may or may not have taken effect (timeout, dropped connection, the app died
    /// during it): checked at `check_at`, once it can no longer land, before anything is sent
    /// again.
    Checking,
    /// Withdrawn, accepted or ignored.
    Done,
    /// No longer pending when we came to it: nothing was changed.
    AlreadyGone,
    Failed,
    /// Not attempted: pinned, already handled by another job, or the job was discarded.
    Skipped,
}

impl ItemOutcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            ItemOutcome::Pending => "pending",
            ItemOutcome::Running => "running",
            ItemOutcome::Checking => "checking",
            ItemOutcome::Done => "done",
            ItemOutcome::AlreadyGone => "alreadyGone",
            ItemOutcome::Failed => "failed",
            ItemOutcome::Skipped => "skipped",
        }
    }

    pub fn parse(text: &str) -> ItemOutcome {
        match text {
            "pending" => ItemOutcome::Pending,
            "running" => ItemOutcome::Running,
            "checking" => ItemOutcome::Checking,
            "done" => ItemOutcome::Done,
            "alreadyGone" => ItemOutcome::AlreadyGone,
            "failed" => ItemOutcome::Failed,
            _ => ItemOutcome::Skipped,
        }
    }

    pub const fn is_final(self) -> bool {
        !matches!(
            self,
            ItemOutcome::Pending | ItemOutcome::Running | ItemOutcome::Checking
        )
    }

    /// The states a job still has work in.
    pub const UNFINISHED: [ItemOutcome; 3] = [
        ItemOutcome::Pending,
        ItemOutcome::Running,
        ItemOutcome::Checking,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRow {
    pub id: String,
    pub action: String,
    pub state: String,
    pub plan_id: Option<String>,
    pub retry_of: Option<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// The lease id of the process running it (`jobs::lease`).
    pub owner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobAccountRow {
    pub account_id: String,
    pub label: String,
    pub pace_min_secs: u32,
    pub pace_max_secs: u32,
    pub daily_cap: Option<u32>,
    pub paused_until: Option<String>,
    pub pause_reason: Option<String>,
}

/// An item to journal when a job is created.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub account_id: String,
    pub invitation_id: String,
    pub name: String,
    pub account_label: String,
    /// `jobs::types::PlannedItem` as JSON.
    pub payload: String,
    /// Set when an earlier attempt may have reached the provider (see [`Claim::Proceed`]).
    pub needs_check: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    pub job_id: String,
    pub seq: i64,
    pub account_id: String,
    pub invitation_id: String,
    pub name: String,
    pub account_label: String,
    pub payload: String,
    pub state: ItemOutcome,
    pub needs_check: bool,
    pub attempts: u32,
    pub attempt_at: Option<String>,
    pub finished_at: Option<String>,
    pub error: Option<AppError>,
    pub detail: Option<String>,
    /// For a `checking` item: when it is checked.
    pub check_at: Option<String>,
}

impl ItemRow {
    pub fn key(&self) -> String {
        format!("{}/{}", self.account_id, self.invitation_id)
    }
}

pub fn insert_job(
    tx: &Transaction<'_>,
    job: &JobRow,
    accounts: &[JobAccountRow],
    items: &[NewItem],
) -> AppResult<()> {
    tx.execute(
        "INSERT INTO jobs (id, action, state, plan_id, retry_of, started_at, finished_at, owner)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            job.id,
            job.action,
            job.state,
            job.plan_id,
            job.retry_of,
            job.started_at,
            job.finished_at,
            job.owner
        ],
    )?;
    let mut acc = tx.prepare_cached(
        "INSERT INTO job_accounts (job_id, account_id, label, pace_min_secs, pace_max_secs,
             daily_cap, paused_until, pause_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for a in accounts {
        acc.execute(params![
            job.id,
            a.account_id,
            a.label,
            a.pace_min_secs,
            a.pace_max_secs,
            a.daily_cap,
            a.paused_until,
            a.pause_reason
        ])?;
    }
    let mut item = tx.prepare_cached(
        "INSERT INTO job_items (job_id, seq, account_id, invitation_id, name, account_label,
             payload, state, needs_check)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8)",
    )?;
    for (seq, i) in items.iter().enumerate() {
        item.execute(params![
            job.id,
            seq as i64,
            i.account_id,
            i.invitation_id,
            i.name,
            i.account_label,
            i.payload,
            i.needs_check
        ])?;
    }
    Ok(())
}

fn read_job(r: &rusqlite::Row<'_>) -> rusqlite::Result<JobRow> {
    Ok(JobRow {
        id: r.get(0)?,
        action: r.get(1)?,
        state: r.get(2)?,
        plan_id: r.get(3)?,
        retry_of: r.get(4)?,
        started_at: r.get(5)?,
        finished_at: r.get(6)?,
        owner: r.get(7)?,
    })
}

const JOB_COLUMNS: &str = "id, action, state, plan_id, retry_of, started_at, finished_at, owner";

pub fn get_job(conn: &Connection, id: &str) -> AppResult<Option<JobRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"),
            [id],
            read_job,
        )
        .optional()?)
}

/// Unfinished jobs first (running, paused, interrupted), then the newest.
pub fn list_jobs(conn: &Connection, limit: u32) -> AppResult<Vec<JobRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {JOB_COLUMNS} FROM jobs
         ORDER BY CASE state WHEN 'running' THEN 0 WHEN 'paused' THEN 0
                             WHEN 'interrupted' THEN 1 ELSE 2 END,
                  started_at DESC, id DESC
         LIMIT ?1"
    ))?;
    let rows = stmt
        .query_map([limit], read_job)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn set_job_state(
    tx: &Transaction<'_>,
    id: &str,
    state: &str,
    finished_at: Option<&str>,
) -> AppResult<()> {
    tx.execute(
        "UPDATE jobs SET state = ?2, finished_at = ?3 WHERE id = ?1",
        params![id, state, finished_at],
    )?;
    Ok(())
}

/// Jobs left running by a process that is gone (`is_owner_alive` says no) become interrupted.
/// Returns their ids. A job another live process runs is left alone.
pub fn mark_orphans_interrupted(
    tx: &Transaction<'_>,
    is_owner_alive: &dyn Fn(Option<&str>) -> bool,
) -> AppResult<Vec<String>> {
    let jobs = {
        let mut stmt = tx.prepare(
            "SELECT id, owner FROM jobs WHERE state IN ('running', 'paused') ORDER BY id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows
    };
    let mut ids = Vec::new();
    for (id, owner) in jobs {
        if !is_owner_alive(owner.as_deref()) {
            tx.execute("UPDATE jobs SET state = 'interrupted' WHERE id = ?1", [&id])?;
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Makes `owner` the process running the job, unless another live process does: the one
/// check-and-set that keeps two processes from running one job. True when taken.
pub fn take_job(
    tx: &Transaction<'_>,
    job_id: &str,
    owner: &str,
    is_owner_alive: &dyn Fn(Option<&str>) -> bool,
) -> AppResult<bool> {
    let current: Option<Option<String>> = tx
        .query_row("SELECT owner FROM jobs WHERE id = ?1", [job_id], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(current) = current else {
        return Ok(false);
    };
    if current.as_deref() != Some(owner) && is_owner_alive(current.as_deref()) {
        return Ok(false);
    }
    tx.execute(
        "UPDATE jobs SET owner = ?2, state = 'running', finished_at = NULL WHERE id = ?1",
        params![job_id, owner],
    )?;
    Ok(true)
}

pub fn job_accounts(conn: &Connection, job_id: &str) -> AppResult<Vec<JobAccountRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT account_id, label, pace_min_secs, pace_max_secs, daily_cap, paused_until,
                pause_reason
         FROM job_accounts WHERE job_id = ?1 ORDER BY label, account_id",
    )?;
    let rows = stmt
        .query_map([job_id], |r| {
            Ok(JobAccountRow {
                account_id: r.get(0)?,
                label: r.get(1)?,
                pace_min_secs: r.get(2)?,
                pace_max_secs: r.get(3)?,
                daily_cap: r.get(4)?,
                paused_until: r.get(5)?,
                pause_reason: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Records (or with `None`, clears) a pause of one account of a job.
pub fn set_pause(
    tx: &Transaction<'_>,
    job_id: &str,
    account_id: &str,
    until: Option<&str>,
    reason: Option<&str>,
) -> AppResult<()> {
    tx.execute(
        "UPDATE job_accounts SET paused_until = ?3, pause_reason = ?4
         WHERE job_id = ?1 AND account_id = ?2",
        params![job_id, account_id, until, reason],
    )?;
    Ok(())
}

const ITEM_COLUMNS: &str = "job_id, seq, account_id, invitation_id, name, account_label, payload,
     state, needs_check, attempts, attempt_at, finished_at, error_kind, error_message, detail,
     check_at";

fn read_item(r: &rusqlite::Row<'_>) -> rusqlite::Result<ItemRow> {
    let kind: Option<String> = r.get(12)?;
    let message: Option<String> = r.get(13)?;
    let error = kind.map(|k| {
        let kind = serde_json::from_value::<ErrorKind>(serde_json::Value::String(k))
            .unwrap_or(ErrorKind::Internal);
        AppError::new(kind, message.unwrap_or_default())
    });
    Ok(ItemRow {
        job_id: r.get(0)?,
        seq: r.get(1)?,
        account_id: r.get(2)?,
        invitation_id: r.get(3)?,
        name: r.get(4)?,
        account_label: r.get(5)?,
        payload: r.get(6)?,
        state: ItemOutcome::parse(&r.get::<_, String>(7)?),
        needs_check: r.get(8)?,
        attempts: r.get(9)?,
        attempt_at: r.get(10)?,
        finished_at: r.get(11)?,
        error,
        detail: r.get(14)?,
        check_at: r.get(15)?,
    })
}

/// Every item of a job, in plan order.
pub fn items(conn: &Connection, job_id: &str) -> AppResult<Vec<ItemRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} FROM job_items WHERE job_id = ?1 ORDER BY seq"
    ))?;
    let rows = stmt
        .query_map([job_id], read_item)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The items of a job in one state, in plan order.
pub fn items_in_state(
    conn: &Connection,
    job_id: &str,
    states: &[ItemOutcome],
) -> AppResult<Vec<ItemRow>> {
    let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    let states = serde_json::to_string(&states).unwrap_or_else(|_| "[]".into());
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} FROM job_items
         WHERE job_id = ?1 AND state IN (SELECT value FROM json_each(?2)) ORDER BY seq"
    ))?;
    let rows = stmt
        .query_map(params![job_id, states], read_item)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn get_item(conn: &Connection, job_id: &str, seq: i64) -> AppResult<Option<ItemRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {ITEM_COLUMNS} FROM job_items WHERE job_id = ?1 AND seq = ?2"),
            params![job_id, seq],
            read_item,
        )
        .optional()?)
}

/// How many items of the job are in each state, and how many are unfinished per account
/// (accounts with none left are absent), in one pass over the job's items.
pub fn tally(conn: &Connection, job_id: &str) -> AppResult<Tally> {
    let mut stmt = conn.prepare_cached(
        "SELECT account_id, state, COUNT(*) FROM job_items WHERE job_id = ?1
         GROUP BY account_id, state",
    )?;
    let mut rows = stmt.query([job_id])?;
    let mut tally = Tally::default();
    while let Some(r) = rows.next()? {
        let state = ItemOutcome::parse(&r.get::<_, String>(1)?);
        let n: u32 = r.get(2)?;
        *tally.by_state.entry(state).or_insert(0) += n;
        if !state.is_final() {
            *tally.remaining_by_account.entry(r.get(0)?).or_insert(0) += n;
        }
    }
    Ok(tally)
}

/// When the last of a job's `checking` items is checked.
pub fn last_check_at(conn: &Connection, job_id: &str) -> AppResult<Option<String>> {
    Ok(conn.query_row(
        "SELECT MAX(check_at) FROM job_items WHERE job_id = ?1 AND state = 'checking'",
        [job_id],
        |r| r.get(0),
    )?)
}

/// A job's item counts, see [`tally`].
#[derive(Debug, Default)]
pub struct Tally {
    pub by_state: HashMap<ItemOutcome, u32>,
    pub remaining_by_account: HashMap<String, u32>,
}

/// What the claim check decided for an item about to be acted on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The item is now `running` and holds the claim: make the call.
    Proceed,
    /// An earlier attempt on this invitation may have reached the provider. The item holds the
    /// claim as `checking` and must be checked at `at` (a stored timestamp), when that attempt
    /// can no longer land, before anything is sent.
    Check { at: String },
    /// Another job item already finished this invitation (`done` or `alreadyGone`).
    Finished { job_id: String, state: ItemOutcome },
    /// A job running right now (in this process or another live one) is acting on it.
    Busy { job_id: String },
}

/// Whether a job is being run right now: `(job id, its owner, its state)`.
pub type IsLive<'a> = &'a dyn Fn(&str, Option<&str>, &str) -> bool;

/// Claims the invitation for this item, or says why not.
///
/// `settle` is how long after an attempt's start the provider can no longer apply it. A claim
/// left `running` or `checking` by a job that no longer runs (the app died, the job was
/// cancelled) is taken over, but only to check it first, at the earliest `settle` after that
/// attempt.
pub fn claim(
    tx: &Transaction<'_>,
    screen: Screen,
    item: &ItemRow,
    now: DateTime<Utc>,
    settle: chrono::Duration,
    is_live: IsLive<'_>,
) -> AppResult<Claim> {
    let existing: Option<(String, i64, String, String)> = tx
        .query_row(
            "SELECT job_id, seq, state, at FROM claims
             WHERE target = ?1 AND account_id = ?2 AND invitation_id = ?3",
            params![screen.as_str(), item.account_id, item.invitation_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    // The start of the earliest attempt that may still be in doubt.
    let mut doubt: Option<DateTime<Utc>> = None;
    let mut doubt_from = |at: Option<&str>| {
        let at = at.and_then(parse_ts).unwrap_or(now);
        doubt = Some(doubt.map_or(at, |d: DateTime<Utc>| d.max(at)));
    };
    if item.needs_check || matches!(item.state, ItemOutcome::Running | ItemOutcome::Checking) {
        doubt_from(item.attempt_at.as_deref());
    }
    match existing {
        None => {}
        Some((job_id, seq, state, at)) if job_id == item.job_id && seq == item.seq => {
            if matches!(
                ItemOutcome::parse(&state),
                ItemOutcome::Running | ItemOutcome::Checking
            ) {
                doubt_from(Some(&at));
            }
        }
        Some((job_id, seq, state, at)) => match ItemOutcome::parse(&state) {
            s @ (ItemOutcome::Done | ItemOutcome::AlreadyGone) => {
                return Ok(Claim::Finished { job_id, state: s })
            }
            ItemOutcome::Running | ItemOutcome::Checking => {
                let (owner, job_state): (Option<String>, String) = tx
                    .query_row(
                        "SELECT owner, state FROM jobs WHERE id = ?1",
                        [&job_id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?
                    .unwrap_or((None, String::new()));
                if is_live(&job_id, owner.as_deref(), &job_state) {
                    return Ok(Claim::Busy { job_id });
                }
                doubt_from(Some(&at));
            }
            _ => {
                // A failure: retrying is fine, after a check if that failure was ambiguous.
                let uncertain: Option<bool> = tx
                    .query_row(
                        "SELECT needs_check FROM job_items WHERE job_id = ?1 AND seq = ?2",
                        params![job_id, seq],
                        |r| r.get(0),
                    )
                    .optional()?;
                if uncertain.unwrap_or(true) {
                    doubt_from(Some(&at));
                }
            }
        },
    }
    let Some(doubt) = doubt else {
        start_attempt(tx, screen, item, now)?;
        return Ok(Claim::Proceed);
    };
    let own_check = item.check_at.as_deref().and_then(parse_ts);
    let check_at = (doubt + settle).max(now).max(own_check.unwrap_or(now));
    set_checking(tx, screen, item, &ts(doubt), &ts(check_at))?;
    Ok(Claim::Check { at: ts(check_at) })
}

/// Makes `item` the holder of its invitation's claim, in `state` since `at`.
fn hold_claim(
    tx: &Transaction<'_>,
    screen: Screen,
    item: &ItemRow,
    state: ItemOutcome,
    at: &str,
) -> AppResult<()> {
    tx.execute(
        "INSERT INTO claims (target, account_id, invitation_id, job_id, seq, state, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (target, account_id, invitation_id) DO UPDATE SET
             job_id = excluded.job_id, seq = excluded.seq, state = excluded.state,
             at = excluded.at",
        params![
            screen.as_str(),
            item.account_id,
            item.invitation_id,
            item.job_id,
            item.seq,
            state.as_str(),
            at
        ],
    )?;
    Ok(())
}

/// Journals a call about to be made: the item is `running` since `now` and holds the claim.
pub fn start_attempt(
    tx: &Transaction<'_>,
    screen: Screen,
    item: &ItemRow,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let now = ts(now);
    hold_claim(tx, screen, item, ItemOutcome::Running, &now)?;
    tx.execute(
        "UPDATE job_items SET state = 'running', attempts = attempts + 1, attempt_at = ?3,
             check_at = NULL
         WHERE job_id = ?1 AND seq = ?2",
        params![item.job_id, item.seq, now],
    )?;
    Ok(())
}

/// The item's last write may or may not have landed: it holds the claim as `checking` (the
/// claim keeps `attempt_at`, the start of the attempt in doubt) until `check_at`.
pub fn set_checking(
    tx: &Transaction<'_>,
    screen: Screen,
    item: &ItemRow,
    attempt_at: &str,
    check_at: &str,
) -> AppResult<()> {
    hold_claim(tx, screen, item, ItemOutcome::Checking, attempt_at)?;
    tx.execute(
        "UPDATE job_items SET state = 'checking', needs_check = 1, check_at = ?3, error_kind = NULL,
             error_message = NULL, detail = NULL
         WHERE job_id = ?1 AND seq = ?2",
        params![item.job_id, item.seq, check_at],
    )?;
    Ok(())
}

/// Journals an item's final outcome and, for `done` / `alreadyGone` / `failed`, the claim's.
#[allow(clippy::too_many_arguments)]
pub fn finish_item(
    tx: &Transaction<'_>,
    screen: Screen,
    item: &ItemRow,
    outcome: ItemOutcome,
    error: Option<&AppError>,
    detail: Option<&str>,
    needs_check: bool,
    now: &str,
) -> AppResult<()> {
    debug_assert!(outcome.is_final());
    let kind = error.map(|e| {
        serde_json::to_value(e.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "internal".into())
    });
    tx.execute(
        "UPDATE job_items SET state = ?3, finished_at = ?4, error_kind = ?5, error_message = ?6,
             detail = ?7, needs_check = ?8
         WHERE job_id = ?1 AND seq = ?2",
        params![
            item.job_id,
            item.seq,
            outcome.as_str(),
            now,
            kind,
            error.map(|e| e.message.as_str()),
            detail,
            needs_check
        ],
    )?;
    if matches!(
        outcome,
        ItemOutcome::Done | ItemOutcome::AlreadyGone | ItemOutcome::Failed
    ) {
        tx.execute(
            "UPDATE claims SET state = ?6, at = ?7
             WHERE target = ?1 AND account_id = ?2 AND invitation_id = ?3
               AND job_id = ?4 AND seq = ?5",
            params![
                screen.as_str(),
                item.account_id,
                item.invitation_id,
                item.job_id,
                item.seq,
                outcome.as_str(),
                now
            ],
        )?;
    }
    Ok(())
}

/// Journals an item as skipped (not acted on), with the reason.
pub fn skip_item(
    tx: &Transaction<'_>,
    screen: Screen,
    item: &ItemRow,
    reason: &str,
    now: &str,
) -> AppResult<()> {
    finish_item(
        tx,
        screen,
        item,
        ItemOutcome::Skipped,
        None,
        Some(reason),
        false,
        now,
    )
}

/// The provider refused the call without acting (rate limit): the item waits again and gives
/// its claim back.
pub fn return_to_pending(tx: &Transaction<'_>, screen: Screen, item: &ItemRow) -> AppResult<()> {
    tx.execute(
        "UPDATE job_items SET state = 'pending', needs_check = 0 WHERE job_id = ?1 AND seq = ?2",
        params![item.job_id, item.seq],
    )?;
    tx.execute(
        "DELETE FROM claims WHERE target = ?1 AND account_id = ?2 AND invitation_id = ?3
           AND job_id = ?4 AND seq = ?5",
        params![
            screen.as_str(),
            item.account_id,
            item.invitation_id,
            item.job_id,
            item.seq
        ],
    )?;
    Ok(())
}

/// Gives every unfinished item of a job (or of one account of it) the same final outcome: an
/// account that cannot go on, or a discarded job. An item left `running` keeps `needs_check`,
/// since its call may have gone through. Returns how many changed.
#[allow(clippy::too_many_arguments)]
pub fn finish_remaining(
    tx: &Transaction<'_>,
    screen: Screen,
    job_id: &str,
    account_id: Option<&str>,
    outcome: ItemOutcome,
    error: Option<&AppError>,
    detail: Option<&str>,
    now: &str,
) -> AppResult<usize> {
    let rows: Vec<ItemRow> = items_in_state(tx, job_id, &ItemOutcome::UNFINISHED)?
        .into_iter()
        .filter(|i| account_id.is_none_or(|a| a == i.account_id))
        .collect();
    for item in &rows {
        let uncertain =
            item.needs_check || matches!(item.state, ItemOutcome::Running | ItemOutcome::Checking);
        finish_item(tx, screen, item, outcome, error, detail, uncertain, now)?;
    }
    Ok(rows.len())
}

/// Where each of these invitations stands in any job: `(state, job_id)` of its claim.
pub fn claim_states(
    conn: &Connection,
    screen: Screen,
) -> AppResult<HashMap<(String, String), (ItemOutcome, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT account_id, invitation_id, state, job_id FROM claims WHERE target = ?1",
    )?;
    let mut out = HashMap::new();
    for row in stmt.query_map([screen.as_str()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })? {
        let (account, invitation, state, job) = row?;
        out.insert((account, invitation), (ItemOutcome::parse(&state), job));
    }
    Ok(out)
}

/// Forgets an account's jobs: its items, claims and per-job settings; jobs left empty go too.
pub fn delete_account(tx: &Transaction<'_>, account_id: &str) -> AppResult<()> {
    tx.execute("DELETE FROM job_items WHERE account_id = ?1", [account_id])?;
    tx.execute(
        "DELETE FROM job_accounts WHERE account_id = ?1",
        [account_id],
    )?;
    tx.execute("DELETE FROM claims WHERE account_id = ?1", [account_id])?;
    tx.execute(
        "DELETE FROM jobs WHERE NOT EXISTS (SELECT 1 FROM job_items WHERE job_id = jobs.id)",
        [],
    )?;
    Ok(())
}
