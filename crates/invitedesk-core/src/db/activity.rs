//! The activity table: one row per withdrawal, acceptance, ignore or sent invitation, and its row
//! types (the Activity screen's `ActivityRow`; `history` re-exports them and adds the filters,
//! the daily counts and the CSV export).

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::AppResult;
use crate::model::InvitationCategory;

/// LinkedIn blocks re-inviting a withdrawn person for about three weeks.
pub const REINVITE_BLOCK_DAYS: i64 = 21;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ActivityAction.ts")]
pub enum ActivityAction {
    Withdrawn,
    Accepted,
    Ignored,
    Invited,
}

impl ActivityAction {
    pub const fn as_str(self) -> &'static str {
        match self {
            ActivityAction::Withdrawn => "withdrawn",
            ActivityAction::Accepted => "accepted",
            ActivityAction::Ignored => "ignored",
            ActivityAction::Invited => "invited",
        }
    }

    pub fn parse(text: &str) -> ActivityAction {
        match text {
            "withdrawn" => ActivityAction::Withdrawn,
            "accepted" => ActivityAction::Accepted,
            "ignored" => ActivityAction::Ignored,
            _ => ActivityAction::Invited,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ActivityRow.ts")]
pub struct ActivityRow {
    #[ts(type = "number")]
    pub id: i64,
    /// RFC 3339: when it was done.
    pub at: String,
    pub action: ActivityAction,
    pub account_id: String,
    pub account_label: String,
    pub invitation_id: Option<String>,
    pub name: String,
    pub profile_url: Option<String>,
    pub category: InvitationCategory,
    /// `YYYY-MM-DD`, only when the provider gave an exact age.
    pub sent_at: Option<String>,
    /// The provider's own words for when it was sent ("3 weeks ago").
    pub sent_text: Option<String>,
    pub days_pending: Option<u32>,
    /// RFC 3339, withdrawals only: the person can be invited again from then on.
    pub reinvite_after: Option<String>,
    pub job_id: Option<String>,
    /// The autopilot rule whose run did this, as the rule read then; `null` for what the user
    /// did by hand or from the command line.
    pub rule: Option<String>,
}

/// A row to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActivity {
    pub at: DateTime<Utc>,
    pub action: ActivityAction,
    pub account_id: String,
    pub account_label: String,
    pub invitation_id: Option<String>,
    pub name: String,
    pub profile_url: Option<String>,
    pub category: InvitationCategory,
    pub sent_at: Option<String>,
    pub sent_text: Option<String>,
    pub days_pending: Option<u32>,
    pub job_id: Option<String>,
}

impl NewActivity {
    /// Withdrawal + 21 days; `None` for other actions.
    pub fn reinvite_after(&self) -> Option<DateTime<Utc>> {
        (self.action == ActivityAction::Withdrawn)
            .then(|| self.at + Duration::days(REINVITE_BLOCK_DAYS))
    }
}

/// Which rows to read. Times are stored timestamps ([`crate::db::ts`]); `to` is exclusive.
#[derive(Debug, Clone, Default)]
pub struct ActivityQuery {
    pub account_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub action: Option<ActivityAction>,
}

pub fn insert(tx: &Transaction<'_>, row: &NewActivity) -> AppResult<i64> {
    tx.execute(
        "INSERT INTO activity (at, action, account_id, account_label, invitation_id, name,
             profile_url, category, sent_at, sent_text, days_pending, reinvite_after, job_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            crate::db::ts(row.at),
            row.action.as_str(),
            row.account_id,
            row.account_label,
            row.invitation_id,
            row.name,
            row.profile_url,
            category_str(row.category),
            row.sent_at,
            row.sent_text,
            row.days_pending,
            row.reinvite_after().map(crate::db::ts),
            row.job_id,
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Newest first.
pub fn list(conn: &Connection, query: &ActivityQuery) -> AppResult<Vec<ActivityRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.at, a.action, a.account_id, a.account_label, a.invitation_id, a.name,
                a.profile_url, a.category, a.sent_at, a.sent_text, a.days_pending,
                a.reinvite_after, a.job_id, j.rule_label
         FROM activity a LEFT JOIN autopilot_jobs j ON j.job_id = a.job_id
         WHERE (?1 IS NULL OR a.account_id = ?1)
           AND (?2 IS NULL OR a.at >= ?2)
           AND (?3 IS NULL OR a.at < ?3)
           AND (?4 IS NULL OR a.action = ?4)
         ORDER BY a.at DESC, a.id DESC",
    )?;
    let rows = stmt
        .query_map(
            params![
                query.account_id,
                query.from,
                query.to,
                query.action.map(ActivityAction::as_str)
            ],
            |r| {
                Ok(ActivityRow {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    action: ActivityAction::parse(&r.get::<_, String>(2)?),
                    account_id: r.get(3)?,
                    account_label: r.get(4)?,
                    invitation_id: r.get(5)?,
                    name: r.get(6)?,
                    profile_url: r.get(7)?,
                    category: parse_category(&r.get::<_, String>(8)?),
                    sent_at: r.get(9)?,
                    sent_text: r.get(10)?,
                    days_pending: r.get(11)?,
                    reinvite_after: r.get(12)?,
                    job_id: r.get(13)?,
                    rule: r.get(14)?,
                })
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// How many times `action` was done by the account since `since` (a stored timestamp).
pub fn count_since(
    conn: &Connection,
    account_id: &str,
    action: ActivityAction,
    since: &str,
) -> AppResult<u32> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM activity WHERE account_id = ?1 AND action = ?2 AND at >= ?3",
        params![account_id, action.as_str(), since],
        |r| r.get(0),
    )?;
    Ok(n as u32)
}

/// When the account last did `action`, as stored.
pub fn last_at(
    conn: &Connection,
    account_id: &str,
    action: ActivityAction,
) -> AppResult<Option<String>> {
    Ok(conn.query_row(
        "SELECT MAX(at) FROM activity WHERE account_id = ?1 AND action = ?2",
        params![account_id, action.as_str()],
        |r| r.get(0),
    )?)
}

pub fn delete_account(tx: &Transaction<'_>, account_id: &str) -> AppResult<()> {
    tx.execute("DELETE FROM activity WHERE account_id = ?1", [account_id])?;
    Ok(())
}

pub(crate) fn category_str(category: InvitationCategory) -> &'static str {
    match category {
        InvitationCategory::Connection => "connection",
        InvitationCategory::Organization => "organization",
        InvitationCategory::Newsletter => "newsletter",
        InvitationCategory::Event => "event",
        InvitationCategory::MemberFollow => "memberFollow",
        InvitationCategory::Unknown => "unknown",
    }
}

pub(crate) fn parse_category(text: &str) -> InvitationCategory {
    match text {
        "connection" => InvitationCategory::Connection,
        "organization" => InvitationCategory::Organization,
        "newsletter" => InvitationCategory::Newsletter,
        "event" => InvitationCategory::Event,
        "memberFollow" => InvitationCategory::MemberFollow,
        _ => InvitationCategory::Unknown,
    }
}

/// InviteDesk's withdrawals by (account, invitation): the latest time of each (Insights tells
/// "withdrawn by InviteDesk" from "gone" with it).
pub fn withdrawals(
    conn: &Connection,
    account_id: Option<&str>,
) -> AppResult<std::collections::HashMap<(String, String), String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT account_id, invitation_id, MAX(at) FROM activity
         WHERE action = 'withdrawn' AND invitation_id IS NOT NULL
           AND (?1 IS NULL OR account_id = ?1)
         GROUP BY account_id, invitation_id",
    )?;
    let rows = stmt
        .query_map(params![account_id], |r| {
            Ok(((r.get(0)?, r.get(1)?), r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// (UTC day `YYYY-MM-DD`, action, count) for every day with activity, oldest first.
pub fn counts_by_day(
    conn: &Connection,
    account_id: Option<&str>,
) -> AppResult<Vec<(String, String, u32)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT substr(at, 1, 10) AS day, action, COUNT(*) FROM activity
         WHERE (?1 IS NULL OR account_id = ?1)
         GROUP BY day, action ORDER BY day",
    )?;
    let rows = stmt
        .query_map(params![account_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_names_match_the_wire_names() {
        for c in [
            InvitationCategory::Connection,
            InvitationCategory::Organization,
            InvitationCategory::Newsletter,
            InvitationCategory::Event,
            InvitationCategory::MemberFollow,
            InvitationCategory::Unknown,
        ] {
            assert_eq!(
                serde_json::to_value(c).unwrap(),
                serde_json::json!(category_str(c))
            );
            assert_eq!(parse_category(category_str(c)), c);
        }
    }
}
