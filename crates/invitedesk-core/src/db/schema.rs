//! Schema migrations, numbered by SQLite's `user_version`.
//!
//! Each entry of [`MIGRATIONS`] moves the schema from version `i` to `i + 1` and runs in its own
//! transaction together with the version bump, so a crash mid-migration leaves the previous
//! version intact. Append new migrations; never edit a released one.

use rusqlite::Connection;

use crate::error::{AppError, AppResult};

const MIGRATIONS: &[&str] = &[
    // 1: everything InviteDesk keeps locally.
    r#"
    -- Pending invitations as last listed. `data` is the provider-neutral invitation as JSON;
    -- `first_seen_at` is set once and kept, so ages get more precise on later refreshes.
    CREATE TABLE invitation_cache (
        screen        TEXT NOT NULL CHECK (screen IN ('sent', 'received')),
        account_id    TEXT NOT NULL,
        invitation_id TEXT NOT NULL,
        person_key    TEXT,
        data          TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at  TEXT NOT NULL,
        PRIMARY KEY (screen, account_id, invitation_id)
    ) WITHOUT ROWID;

    -- When each account's list was last fetched successfully ("as of").
    CREATE TABLE sync_state (
        screen     TEXT NOT NULL,
        account_id TEXT NOT NULL,
        synced_at  TEXT NOT NULL,
        PRIMARY KEY (screen, account_id)
    ) WITHOUT ROWID;

    -- The keep-list: invitations or people no withdrawal may touch.
    CREATE TABLE pins (
        account_id TEXT NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('invitation', 'person')),
        target     TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (account_id, kind, target)
    ) WITHOUT ROWID;

    -- Previews, stored so a job runs exactly the list the user saw. `job_id` is set once, by
    -- the first start: starting the same plan twice finds the job already there.
    CREATE TABLE plans (
        id         TEXT PRIMARY KEY,
        action     TEXT NOT NULL,
        created_at TEXT NOT NULL,
        plan       TEXT NOT NULL,
        items      TEXT NOT NULL,
        job_id     TEXT
    );

    CREATE TABLE jobs (
        id          TEXT PRIMARY KEY,
        action      TEXT NOT NULL,
        state       TEXT NOT NULL,
        plan_id     TEXT,
        retry_of    TEXT,
        started_at  TEXT NOT NULL,
        finished_at TEXT
    );

    -- Per account of a job: the pacing it runs at and a pause in effect (rate limit, cap).
    CREATE TABLE job_accounts (
        job_id        TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        account_id    TEXT NOT NULL,
        label         TEXT NOT NULL,
        pace_min_secs INTEGER NOT NULL,
        pace_max_secs INTEGER NOT NULL,
        daily_cap     INTEGER,
        paused_until  TEXT,
        pause_reason  TEXT,
        PRIMARY KEY (job_id, account_id)
    ) WITHOUT ROWID;

    -- The journal: one row per invitation of a job, written before the provider call
    -- (`running`, with the attempt time) and after it (the outcome).
    CREATE TABLE job_items (
        job_id        TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        seq           INTEGER NOT NULL,
        account_id    TEXT NOT NULL,
        invitation_id TEXT NOT NULL,
        name          TEXT NOT NULL,
        account_label TEXT NOT NULL,
        payload       TEXT NOT NULL,
        state         TEXT NOT NULL,
        needs_check   INTEGER NOT NULL DEFAULT 0,
        attempts      INTEGER NOT NULL DEFAULT 0,
        attempt_at    TEXT,
        finished_at   TEXT,
        error_kind    TEXT,
        error_message TEXT,
        detail        TEXT,
        PRIMARY KEY (job_id, seq)
    ) WITHOUT ROWID;
    CREATE INDEX job_items_by_state ON job_items (job_id, state);

    -- At most one job item acts on an invitation: the database itself refuses a second
    -- claim, whatever jobs or plans the same invitation appears in.
    CREATE TABLE claims (
        target        TEXT NOT NULL CHECK (target IN ('sent', 'received')),
        account_id    TEXT NOT NULL,
        invitation_id TEXT NOT NULL,
        job_id        TEXT NOT NULL,
        seq           INTEGER NOT NULL,
        state         TEXT NOT NULL,
        at            TEXT NOT NULL,
        PRIMARY KEY (target, account_id, invitation_id)
    ) WITHOUT ROWID;

    -- What was done: withdrawals (with the re-invite date), acceptances, ignores, invitations.
    CREATE TABLE activity (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        at             TEXT NOT NULL,
        action         TEXT NOT NULL,
        account_id     TEXT NOT NULL,
        account_label  TEXT NOT NULL,
        invitation_id  TEXT,
        name           TEXT NOT NULL,
        profile_url    TEXT,
        category       TEXT NOT NULL,
        sent_at        TEXT,
        sent_text      TEXT,
        days_pending   INTEGER,
        reinvite_after TEXT,
        job_id         TEXT
    );
    CREATE INDEX activity_by_time ON activity (at);
    CREATE INDEX activity_by_account ON activity (account_id, action, at);
    "#,
    // 2: nothing twice across processes and time.
    r#"
    -- The process running a job: its lease id (`jobs::lease`). A job whose owner is alive is
    -- never taken over, resumed or marked interrupted by another process.
    ALTER TABLE jobs ADD COLUMN owner TEXT;

    -- An item whose write may or may not have landed is `checking` until this time, when the
    -- provider can no longer apply it; then it is checked before anything is sent again.
    ALTER TABLE job_items ADD COLUMN check_at TEXT;

    -- A provider's "not before" (rate limit, weekly limit, hold), per account and action,
    -- kept until its time whatever job or window asked: cancelling does not lift it.
    CREATE TABLE holds (
        account_id TEXT NOT NULL,
        action     TEXT NOT NULL,
        until      TEXT NOT NULL,
        reason     TEXT NOT NULL,
        set_at     TEXT NOT NULL,
        PRIMARY KEY (account_id, action)
    ) WITHOUT ROWID;

    -- Connection requests whose outcome is not known (the provider did not answer in time):
    -- no request to the same person goes out before `check_at` and a check.
    CREATE TABLE unconfirmed_sends (
        account_id  TEXT NOT NULL,
        person_key  TEXT NOT NULL,
        profile_url TEXT NOT NULL,
        attempt_at  TEXT NOT NULL,
        check_at    TEXT NOT NULL,
        PRIMARY KEY (account_id, person_key)
    ) WITHOUT ROWID;
    "#,
    // 3: partial refreshes (issue 15): a listing that stopped part-way keeps what it fetched; where
    // and why it stopped (JSON, `providers::ListingStop`), NULL after a complete one.
    r#"
    ALTER TABLE sync_state ADD COLUMN partial TEXT;
    "#,
    // 4: insights (issue 14): every sent invitation's fate, from successive complete refreshes.
    r#"
    -- One row per sent invitation ever listed. `state` is what the listings say: `pending`
    -- while listed, `gone` once a complete refresh no longer lists it (`ended_at` is that
    -- refresh; it left after `last_seen_at`). Whether "gone" was an acceptance or a withdrawal by
    -- InviteDesk is read beside it: `connected_at` (a provider said the person is a connection)
    -- and the activity record. `sent_at` is the best estimate of when it was sent; `sent_exact`
    -- is 0 when it only bounds it (LinkedIn's "2 weeks ago").
    CREATE TABLE invitation_fates (
        account_id    TEXT NOT NULL,
        invitation_id TEXT NOT NULL,
        person_key    TEXT,
        name          TEXT NOT NULL,
        profile_url   TEXT,
        sent_at       TEXT NOT NULL,
        sent_exact    INTEGER NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at  TEXT NOT NULL,
        state         TEXT NOT NULL CHECK (state IN ('pending', 'gone')),
        ended_at      TEXT,
        connected_at  TEXT,
        checked_at    TEXT,
        PRIMARY KEY (account_id, invitation_id)
    ) WITHOUT ROWID;
    CREATE INDEX invitation_fates_by_state ON invitation_fates (account_id, state, checked_at);
    "#,
    // 5: lists (issue 13): the do-not-contact list, for every account. `person_key` is the
    // key the user named them by (`in:<slug>` / `id:<member id>`); `also_keys` the other keys
    // the same person was known by when added from a row (space-separated), so an invitation
    // that carries only those still matches.
    r#"
    CREATE TABLE do_not_contact (
        person_key  TEXT PRIMARY KEY,
        also_keys   TEXT NOT NULL DEFAULT '',
        name        TEXT,
        profile_url TEXT,
        added_at    TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 6: autopilot (issue 12): rules that run on a schedule, the confirmation of each rule's
    // first preview, the history of its runs, and the global pause.
    r#"
    -- `action`, `schedule` and `quiet_hours` are JSON (autopilot::rules); `last_slot` is the
    -- last scheduled time the rule was handled for, so a slot never runs twice.
    CREATE TABLE autopilot_rules (
        id          TEXT PRIMARY KEY,
        account_id  TEXT NOT NULL,
        action      TEXT NOT NULL,
        schedule    TEXT NOT NULL,
        quiet_hours TEXT,
        time_zone   TEXT NOT NULL,
        paused      INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        last_slot   TEXT
    );

    -- A rule acts only once its first preview was confirmed in the window.
    CREATE TABLE autopilot_confirmations (
        rule_id      TEXT PRIMARY KEY REFERENCES autopilot_rules (id) ON DELETE CASCADE,
        plan_id      TEXT NOT NULL,
        confirmed_at TEXT NOT NULL
    );

    -- Every run: acted (with its job, whose journal has the counts), skipped (with the
    -- reason) or failed (with the error).
    CREATE TABLE autopilot_runs (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        rule_id  TEXT NOT NULL REFERENCES autopilot_rules (id) ON DELETE CASCADE,
        at       TEXT NOT NULL,
        trigger  TEXT NOT NULL,
        outcome  TEXT NOT NULL,
        reason   TEXT,
        detail   TEXT,
        job_id   TEXT,
        planned  INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX autopilot_runs_by_rule ON autopilot_runs (rule_id, id);
    CREATE INDEX autopilot_runs_by_job ON autopilot_runs (job_id);

    -- Which rule's run started a job, and the rule as it read then: Activity tags each action
    -- with it. Not tied to the rule: deleting a rule keeps its tags (Activity stays).
    CREATE TABLE autopilot_jobs (
        job_id     TEXT PRIMARY KEY,
        rule_id    TEXT NOT NULL,
        rule_label TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE autopilot_settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 7: Sent with 100,000 rows (issue 15): the table sorts, filters and pages in SQLite. Each
    // cached row keeps what that needs beside its JSON (`cache::Derived`, filled for older rows
    // by `cache::backfill_derived` on open): the folded name to sort by (case, accents and
    // number width ignored), the folded name and headline to search, the provider's age in
    // days, when it was first seen and the latest it can have been sent (milliseconds), so the
    // age estimate is arithmetic.
    r#"
    ALTER TABLE invitation_cache ADD COLUMN sort_name TEXT;
    ALTER TABLE invitation_cache ADD COLUMN search_text TEXT;
    ALTER TABLE invitation_cache ADD COLUMN provider_days INTEGER;
    ALTER TABLE invitation_cache ADD COLUMN first_seen_ms INTEGER;
    ALTER TABLE invitation_cache ADD COLUMN sent_by_ms INTEGER;
    -- Everything the table filters and sorts by, in name order: a name-sorted window reads it
    -- in order and stops; other orders and the counts scan it without touching the JSON.
    CREATE INDEX invitation_cache_window ON invitation_cache (
        screen, sort_name, account_id, first_seen_at, invitation_id,
        search_text, provider_days, first_seen_ms, sent_by_ms
    );
    -- The same by the latest each can have been sent: sorting by age reads it in order.
    CREATE INDEX invitation_cache_by_age ON invitation_cache (
        screen, sent_by_ms, account_id, first_seen_at, invitation_id,
        sort_name, search_text, provider_days
    );
    -- The keep-list's person pins, counted from the pins side.
    CREATE INDEX invitation_cache_by_person ON invitation_cache (screen, account_id, person_key);
    "#,
];

/// The schema version this build writes.
pub const VERSION: usize = MIGRATIONS.len();

pub fn migrate(conn: &mut Connection) -> AppResult<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let current = usize::try_from(current).unwrap_or(usize::MAX);
    if current > VERSION {
        return Err(AppError::storage(format!(
            "The local database was written by a newer InviteDesk (schema {current}, this version \
             knows {VERSION}). Update InviteDesk to open it."
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_a_new_database_to_the_latest_version_once() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, VERSION);
    }

    #[test]
    fn refuses_a_database_from_a_newer_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert_eq!(err.kind, crate::error::ErrorKind::Storage);
        assert!(err.message.contains("newer InviteDesk"));
    }
}
