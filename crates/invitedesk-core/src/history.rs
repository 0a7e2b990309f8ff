//! The record of what was done: withdrawals (with the date the person can be invited again),
//! acceptances, ignores and sent invitations; filtering and CSV export.
//!
//! Rows are written by the job runner in the same transaction as the job item's outcome, so
//! the record and the journal never disagree. The row types live with their table
//! (`db::activity`) and are re-exported here.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Local, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::activity::{self, ActivityQuery};
pub use crate::db::activity::{ActivityAction, ActivityRow, NewActivity, REINVITE_BLOCK_DAYS};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::model::WriteKind;

pub mod csv;

/// `list_activity`'s filter; every field is optional. Dates are local calendar days,
/// `YYYY-MM-DD`, both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, export_to = "ActivityFilter.ts")]
pub struct ActivityFilter {
    pub account_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub action: Option<ActivityAction>,
}

/// The day an invitation was sent, when its age is exact (`YYYY-MM-DD`, local calendar).
pub fn sent_on(age_days: Option<u32>, exact: bool, now: DateTime<Utc>) -> Option<String> {
    let days = age_days.filter(|_| exact)?;
    let day = now.with_timezone(&Local).date_naive() - Duration::days(i64::from(days));
    Some(day.format("%Y-%m-%d").to_string())
}

/// Records one row, inside the caller's transaction.
pub fn record(tx: &rusqlite::Transaction<'_>, row: &NewActivity) -> AppResult<i64> {
    activity::insert(tx, row)
}

/// Records a sent invitation (the Send screen), so it appears in the Activity list.
pub fn record_invited(db: &Db, row: &NewActivity) -> AppResult<i64> {
    db.write(|tx| activity::insert(tx, row))
}

/// The first instant of a local calendar day, in UTC.
fn local_midnight(day: NaiveDate) -> DateTime<Utc> {
    let naive = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    match Local.from_local_datetime(&naive).earliest() {
        Some(t) => t.with_timezone(&Utc),
        // A day that starts in a DST gap: fall back to UTC midnight.
        None => Utc.from_utc_datetime(&naive),
    }
}

/// Start of today (local time).
pub fn start_of_today(now: DateTime<Utc>) -> DateTime<Utc> {
    local_midnight(now.with_timezone(&Local).date_naive())
}

/// The next local midnight after `now`: when a daily cap starts over.
pub fn next_local_midnight(now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now.with_timezone(&Local).date_naive();
    local_midnight(today.succ_opt().unwrap_or(today))
}

/// How many times the account made this write today (local day), across all jobs, windows and
/// processes: what a daily cap counts.
pub fn done_today(
    conn: &rusqlite::Connection,
    account_id: &str,
    kind: WriteKind,
    now: DateTime<Utc>,
) -> AppResult<u32> {
    let action = match kind {
        WriteKind::Withdraw => ActivityAction::Withdrawn,
        WriteKind::Accept => ActivityAction::Accepted,
        WriteKind::Ignore => ActivityAction::Ignored,
        WriteKind::Send => ActivityAction::Invited,
    };
    activity::count_since(
        conn,
        account_id,
        action,
        &crate::db::ts(start_of_today(now)),
    )
}

fn parse_day(text: &str, which: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::invalid_input(format!(
            "The {which} date \"{text}\" is not a date like 2024-05-31."
        ))
    })
}

fn query_for(filter: &ActivityFilter) -> AppResult<ActivityQuery> {
    let from = filter
        .from
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|d| parse_day(d, "from"))
        .transpose()?;
    let to = filter
        .to
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|d| parse_day(d, "to"))
        .transpose()?;
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(AppError::invalid_input(
                "The \"from\" date is after the \"to\" date.",
            ));
        }
    }
    Ok(ActivityQuery {
        account_id: filter.account_id.clone().filter(|s| !s.is_empty()),
        from: from.map(|d| crate::db::ts(local_midnight(d))),
        // `to` is inclusive for the user: the query stops at the next day's start.
        to: to.map(|d| crate::db::ts(local_midnight(d.succ_opt().unwrap_or(d)))),
        action: filter.action,
    })
}

/// Newest first.
pub fn list(db: &Db, filter: &ActivityFilter) -> AppResult<Vec<ActivityRow>> {
    let query = query_for(filter)?;
    db.read(|c| activity::list(c, &query))
}

const CSV_HEADER: &[&str] = &[
    "Done at",
    "Action",
    "Account",
    "Name",
    "Profile",
    "Type",
    "Sent on",
    "Sent (as shown)",
    "Days pending",
    "Re-invite after",
    "Job",
    "Autopilot rule",
];

/// The action as the CSV names it.
const fn action_label(action: ActivityAction) -> &'static str {
    match action {
        ActivityAction::Withdrawn => "Withdrawn",
        ActivityAction::Accepted => "Accepted",
        ActivityAction::Ignored => "Ignored",
        ActivityAction::Invited => "Invited",
    }
}

fn csv_row(row: &ActivityRow) -> Vec<String> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        row.at.clone(),
        action_label(row.action).to_string(),
        row.account_label.clone(),
        row.name.clone(),
        opt(&row.profile_url),
        row.category.label().to_string(),
        opt(&row.sent_at),
        opt(&row.sent_text),
        row.days_pending.map(|d| d.to_string()).unwrap_or_default(),
        opt(&row.reinvite_after),
        opt(&row.job_id),
        opt(&row.rule),
    ]
}

/// Writes the filtered activity to a new CSV file in `dir`; returns its path.
pub fn export_csv(
    db: &Db,
    filter: &ActivityFilter,
    dir: &Path,
    now: DateTime<Utc>,
) -> AppResult<PathBuf> {
    let rows: Vec<Vec<String>> = list(db, filter)?.iter().map(csv_row).collect();
    csv::write_new(dir, "invitedesk-activity", now, CSV_HEADER, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::InvitationCategory;

    fn withdrawal(account: &str, at: DateTime<Utc>) -> NewActivity {
        NewActivity {
            at,
            action: ActivityAction::Withdrawn,
            account_id: account.into(),
            account_label: format!("Label {account}"),
            invitation_id: Some("i1".into()),
            name: "=Jane Doe".into(),
            profile_url: Some("https://www.linkedin.com/in/jane".into()),
            category: InvitationCategory::Connection,
            sent_at: None,
            sent_text: Some("1 month ago".into()),
            days_pending: Some(30),
            job_id: Some("job-1".into()),
        }
    }

    #[test]
    fn a_withdrawal_can_be_reinvited_after_21_days_and_filters_apply() {
        let db = Db::open_in_memory().unwrap();
        let now = Utc::now();
        let old = now - Duration::days(10);
        db.write(|tx| record(tx, &withdrawal("a", now))).unwrap();
        db.write(|tx| record(tx, &withdrawal("b", old))).unwrap();
        let mut accepted = withdrawal("a", now);
        accepted.action = ActivityAction::Accepted;
        db.write(|tx| record(tx, &accepted)).unwrap();

        let all = list(&db, &ActivityFilter::default()).unwrap();
        assert_eq!(all.len(), 3);
        let w = all
            .iter()
            .find(|r| r.action == ActivityAction::Withdrawn && r.account_id == "a")
            .unwrap();
        let after = crate::db::parse_ts(w.reinvite_after.as_deref().unwrap()).unwrap();
        assert_eq!((after - crate::db::parse_ts(&w.at).unwrap()).num_days(), 21);
        let acc = all
            .iter()
            .find(|r| r.action == ActivityAction::Accepted)
            .unwrap();
        assert_eq!(acc.reinvite_after, None);

        let only_a = list(
            &db,
            &ActivityFilter {
                account_id: Some("a".into()),
                action: Some(ActivityAction::Withdrawn),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(only_a.len(), 1);

        let today = now.with_timezone(&Local).format("%Y-%m-%d").to_string();
        let recent = list(
            &db,
            &ActivityFilter {
                from: Some(today.clone()),
                to: Some(today),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            recent.len(),
            2,
            "the row from ten days ago is outside the range"
        );
        let today = |account| {
            db.read(|c| done_today(c, account, WriteKind::Withdraw, now))
                .unwrap()
        };
        assert_eq!(today("a"), 1);
        assert_eq!(today("b"), 0);
    }

    #[test]
    fn rejects_bad_dates_with_a_readable_message() {
        let db = Db::open_in_memory().unwrap();
        let err = list(
            &db,
            &ActivityFilter {
                from: Some("31/12/2024".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.kind, crate::error::ErrorKind::InvalidInput);
        let err = list(
            &db,
            &ActivityFilter {
                from: Some("2024-02-01".into()),
                to: Some("2024-01-01".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(err.message.contains("after"));
    }

    #[test]
    fn exports_a_guarded_csv() {
        let db = Db::open_in_memory().unwrap();
        db.write(|tx| record(tx, &withdrawal("a", Utc::now())))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = export_csv(&db, &ActivityFilter::default(), dir.path(), Utc::now()).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines();
        assert!(lines
            .next()
            .unwrap()
            .starts_with("Done at,Action,Account,Name"));
        let line = lines.next().unwrap();
        assert!(line.contains(",Withdrawn,Label a,'=Jane Doe,"));
        assert!(line.contains(",1 month ago,30,"));
    }

    #[test]
    fn sent_on_only_for_exact_ages() {
        let now = Utc::now();
        assert_eq!(sent_on(Some(3), false, now), None);
        assert_eq!(sent_on(None, true, now), None);
        let expected = (now.with_timezone(&Local).date_naive() - Duration::days(3))
            .format("%Y-%m-%d")
            .to_string();
        assert_eq!(sent_on(Some(3), true, now), Some(expected));
    }

    #[test]
    fn the_cap_day_ends_at_the_next_local_midnight() {
        let now = Utc::now();
        let next = next_local_midnight(now);
        assert!(next > now);
        assert!(next - now <= Duration::hours(25));
        assert!(start_of_today(now) <= now);
    }
}
