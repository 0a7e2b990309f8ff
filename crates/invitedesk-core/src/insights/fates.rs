//! How each sent invitation ended, inferred from the fates table (successive complete refreshes)
//! and InviteDesk's own record of what it withdrew.
//!
//! - **Withdrawn by InviteDesk**: the activity record has a withdrawal of it at or after the last
//!   listing that showed it (a withdrawal that did not take, so that a later listing still
//!   shows it, does not count).
//! - **Accepted**: it left the pending list and a provider said the person is now a
//!   connection. Only ConnectSafely (relationship check) and the demo can tell; with Edges and
//!   LinkupAPI an acceptance is indistinguishable from a decline and counts as "gone".
//! - **Gone for another reason**: declined, expired, withdrawn elsewhere, or accepted where the
//!   provider cannot tell.
//! - **Pending**: listed by the last complete refresh.
//!
//! Ages follow `age.rs`: a date known only as a bound ("2 weeks ago", or a departure noticed by
//! a refresh more than a day after the previous one) makes the days pending "about".

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::fates::{FateFacts, FateRow};
use crate::db::parse_ts;

/// How an invitation ended, or that it has not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "Fate.ts")]
pub enum Fate {
    Accepted,
    WithdrawnByApp,
    /// Declined, expired, withdrawn elsewhere, or accepted where the provider cannot tell.
    GoneOther,
    Pending,
}

impl Fate {
    pub const fn label(self) -> &'static str {
        match self {
            Fate::Accepted => "Accepted",
            Fate::WithdrawnByApp => "Withdrawn by InviteDesk",
            Fate::GoneOther => "Gone (declined, expired or withdrawn elsewhere)",
            Fate::Pending => "Pending",
        }
    }
}

/// One sent invitation and its fate, as Insights shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "InvitationFate.ts")]
pub struct InvitationFate {
    pub account_id: String,
    pub invitation_id: String,
    pub name: String,
    pub fate: Fate,
    /// RFC 3339: when it was sent (on or before, when not `sent_exact`).
    pub sent_at: String,
    pub sent_exact: bool,
    /// RFC 3339: when it left the pending list; `None` while pending.
    pub ended_at: Option<String>,
    /// Days from sending to the end, or to now while pending.
    pub days_pending: u32,
    /// False: "about" (a date above is only a bound).
    pub days_exact: bool,
}

/// InviteDesk's withdrawals, by account then invitation: when (the latest one). Nested so a
/// lookup borrows the row's ids instead of building a key (100,000 rows per Insights view).
pub type Withdrawals = HashMap<String, HashMap<String, String>>;

/// Builds [`Withdrawals`] from (account, invitation) → time pairs.
pub fn withdrawals_by_account(pairs: HashMap<(String, String), String>) -> Withdrawals {
    let mut out = Withdrawals::new();
    for ((account, invitation), at) in pairs {
        out.entry(account).or_default().insert(invitation, at);
    }
    out
}

/// A refresh more than this long after the previous one cannot date a departure to the day.
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Milliseconds since 1970 of a stored timestamp. The database's own format
/// (`2026-03-02T09:00:00.000Z`, `db::ts`) is read digit by digit, about ten times faster than
/// a general parser (it matters at 100,000 rows × 4 timestamps); anything else goes through
/// `db::parse_ts`.
pub fn ms(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let canonical = b.len() == 24
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b'Z';
    if !canonical {
        return parse_ts(text).map(|t| t.timestamp_millis());
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        b[from..to].iter().try_fold(0i64, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
        })
    };
    let (y, m, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hh, mm, ss, milli) = (num(11, 13)?, num(14, 16)?, num(17, 19)?, num(20, 23)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return parse_ts(text).map(|t| t.timestamp_millis());
    }
    // Days from civil (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + hh) * 60 + mm) * 60_000 + ss * 1000 + milli)
}

fn whole_days_ms(from: i64, to: i64) -> u32 {
    u32::try_from((to - from).max(0) / DAY_MS).unwrap_or(u32::MAX)
}

/// What the charts need of one invitation: its fate, when it was sent and ended (ms since
/// 1970) and its days pending. `Copy`, no text: built for 100,000 rows at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub fate: Fate,
    pub sent_ms: i64,
    pub end_ms: Option<i64>,
    pub days_pending: u32,
    pub days_exact: bool,
}

/// The one rule both views follow: (fate, end, whether the end is known to the day).
#[allow(clippy::too_many_arguments)]
fn classify(
    gone: bool,
    connected: bool,
    withdrawn_ms: Option<i64>,
    ended_ms: Option<i64>,
    last_seen_ms: i64,
) -> (Fate, Option<i64>, bool) {
    match (withdrawn_ms, gone, ended_ms) {
        // The app's own record dates it exactly, even before a refresh notices.
        (Some(at), _, _) => (Fate::WithdrawnByApp, Some(at), true),
        (None, true, Some(at)) => {
            let fate = if connected {
                Fate::Accepted
            } else {
                Fate::GoneOther
            };
            (fate, Some(at), at - last_seen_ms <= DAY_MS)
        }
        _ => (Fate::Pending, None, true),
    }
}

/// InviteDesk's withdrawal of this invitation that no later listing contradicts.
fn withdrawal<'w>(
    withdrawals: &'w Withdrawals,
    account_id: &str,
    invitation_id: &str,
    last_seen_at: &str,
) -> Option<&'w String> {
    withdrawals
        .get(account_id)
        .and_then(|by_id| by_id.get(invitation_id))
        .filter(|at| at.as_str() >= last_seen_at)
}

/// The facts of one row as `db::fates::for_each_facts` hands it.
pub fn facts(row: &FateFacts<'_>, withdrawals: &Withdrawals, now_ms: i64) -> Facts {
    let sent = ms(row.sent_at).unwrap_or(now_ms);
    let last_seen = ms(row.last_seen_at).unwrap_or(sent);
    let withdrawn = withdrawal(
        withdrawals,
        row.account_id,
        row.invitation_id,
        row.last_seen_at,
    )
    .and_then(|at| ms(at));
    let ended = row.ended_at.and_then(ms);
    let (fate, end, end_exact) = classify(row.gone, row.connected, withdrawn, ended, last_seen);
    Facts {
        fate,
        sent_ms: sent,
        end_ms: end,
        days_pending: whole_days_ms(sent, end.unwrap_or(now_ms)),
        days_exact: row.sent_exact && end_exact,
    }
}

/// The fate of one stored row at `now`, with its names and dates (the CSV export).
pub fn infer(row: &FateRow, withdrawals: &Withdrawals, now: DateTime<Utc>) -> InvitationFate {
    let facts = facts(&row.as_facts(), withdrawals, now.timestamp_millis());
    let ended_at = match facts.fate {
        Fate::WithdrawnByApp => withdrawal(
            withdrawals,
            &row.account_id,
            &row.invitation_id,
            &row.last_seen_at,
        )
        .cloned(),
        Fate::Pending => None,
        _ => row.ended_at.clone(),
    };
    InvitationFate {
        account_id: row.account_id.clone(),
        invitation_id: row.invitation_id.clone(),
        name: row.name.clone(),
        fate: facts.fate,
        sent_at: row.sent_at.clone(),
        sent_exact: row.sent_exact,
        ended_at,
        days_pending: facts.days_pending,
        days_exact: facts.days_exact,
    }
}

/// Every row's fate at `now`.
pub fn infer_all(
    rows: &[FateRow],
    withdrawals: &Withdrawals,
    now: DateTime<Utc>,
) -> Vec<InvitationFate> {
    rows.iter().map(|r| infer(r, withdrawals, now)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::fates::{self, SeenSent};
    use crate::db::{ts, Db};
    use chrono::Duration;

    fn t(day: i64) -> DateTime<Utc> {
        "2026-03-02T09:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::days(day)
    }

    fn seen(id: &str, sent_day: i64) -> SeenSent {
        SeenSent {
            invitation_id: id.into(),
            person_key: None,
            name: format!("Person {id}"),
            profile_url: None,
            sent_at: t(sent_day),
            sent_exact: true,
        }
    }

    /// Daily refreshes of account "a" from day 1 to `days`, each listing what `listed(day)` says.
    fn history(db: &Db, days: i64, listed: impl Fn(i64) -> Vec<SeenSent>) {
        for day in 1..=days {
            let rows = listed(day);
            db.write(|tx| fates::record_seen(tx, "a", &rows, t(day)))
                .unwrap();
        }
    }

    fn fate_of(db: &Db, withdrawals: &Withdrawals, id: &str, now: DateTime<Utc>) -> InvitationFate {
        let rows = db.read(|c| fates::all(c, Some("a"))).unwrap();
        let row = rows.iter().find(|r| r.invitation_id == id).unwrap();
        infer(row, withdrawals, now)
    }

    #[test]
    fn accepted_declined_and_withdrawn_elsewhere_are_told_apart() {
        let db = Db::open_in_memory().unwrap();
        // "acc" leaves on day 5 and the provider says connected; "dec" leaves on day 8 and the
        // provider says not connected (declined or withdrawn on LinkedIn); "app" is withdrawn by
        // InviteDesk on day 6 (after the day-6 listing); "open" stays.
        history(&db, 10, |day| {
            let mut v = vec![seen("open", 0)];
            if day < 5 {
                v.push(seen("acc", 0));
            }
            if day < 8 {
                v.push(seen("dec", 0));
            }
            if day <= 6 {
                v.push(seen("app", 0));
            }
            v
        });
        db.write(|tx| fates::set_checked(tx, "a", "acc", true, t(10)))
            .unwrap();
        db.write(|tx| fates::set_checked(tx, "a", "dec", false, t(10)))
            .unwrap();
        let withdrawn_at = ts(t(6) + Duration::hours(2));
        let w = withdrawals_by_account([(("a".into(), "app".into()), withdrawn_at.clone())].into());
        let now = t(10) + Duration::hours(1);

        let acc = fate_of(&db, &w, "acc", now);
        assert_eq!(acc.fate, Fate::Accepted);
        assert_eq!(acc.ended_at.as_deref(), Some(ts(t(5)).as_str()));
        assert_eq!((acc.days_pending, acc.days_exact), (5, true));

        let dec = fate_of(&db, &w, "dec", now);
        assert_eq!(dec.fate, Fate::GoneOther);
        assert_eq!(dec.days_pending, 8);

        let app = fate_of(&db, &w, "app", now);
        assert_eq!(app.fate, Fate::WithdrawnByApp);
        assert_eq!(app.ended_at.as_deref(), Some(withdrawn_at.as_str()));
        assert_eq!((app.days_pending, app.days_exact), (6, true));

        let open = fate_of(&db, &w, "open", now);
        assert_eq!(open.fate, Fate::Pending);
        assert_eq!((open.ended_at, open.days_pending), (None, 10));
    }

    #[test]
    fn an_invitation_that_reappears_is_pending_and_an_old_withdrawal_does_not_count() {
        let db = Db::open_in_memory().unwrap();
        // Missing from the day-3 listing (a provider hiccup), listed again from day 4.
        history(
            &db,
            6,
            |day| {
                if day == 3 {
                    vec![]
                } else {
                    vec![seen("x", 0)]
                }
            },
        );
        // A withdrawal on day 2 that did not take: later listings still show it.
        let w = withdrawals_by_account(
            [(("a".into(), "x".into()), ts(t(2) + Duration::hours(3)))].into(),
        );
        let x = fate_of(&db, &w, "x", t(6));
        assert_eq!(x.fate, Fate::Pending);
        assert_eq!(x.ended_at, None);
        assert_eq!(x.days_pending, 6);
    }

    #[test]
    fn a_bucketed_sent_date_or_a_late_refresh_makes_the_days_about() {
        let db = Db::open_in_memory().unwrap();
        let mut bucketed = seen("b", 0);
        bucketed.sent_exact = false;
        db.write(|tx| fates::record_seen(tx, "a", &[bucketed, seen("late", 0)], t(1)))
            .unwrap();
        // Next refresh only on day 9: "late" left some time in between.
        db.write(|tx| fates::record_seen(tx, "a", &[], t(9)))
            .unwrap();
        let w = Withdrawals::new();
        let b = fate_of(&db, &w, "b", t(9));
        assert!(!b.days_exact);
        let late = fate_of(&db, &w, "late", t(9));
        assert_eq!(late.fate, Fate::GoneOther);
        assert_eq!((late.days_pending, late.days_exact), (9, false));
    }

    #[test]
    fn the_fast_timestamp_reader_agrees_with_chrono() {
        for text in [
            "2026-03-02T09:00:00.000Z",
            "1999-12-31T23:59:59.999Z",
            "2024-02-29T00:00:00.001Z",
            "2000-01-01T12:34:56.789Z",
        ] {
            let want = crate::db::parse_ts(text).unwrap().timestamp_millis();
            assert_eq!(ms(text), Some(want), "{text}");
        }
        assert_eq!(
            ms("2026-03-02T09:00:00+01:00"),
            Some(
                "2026-03-02T08:00:00Z"
                    .parse::<DateTime<Utc>>()
                    .unwrap()
                    .timestamp_millis()
            ),
            "other forms go through the general parser"
        );
        assert_eq!(ms("garbage"), None);
    }
}
