//! Limits at a glance, per account: what the provider reports (ConnectSafely's `/quota`, Edges'
//! smart limit as learned from `LIMIT_REACHED`, LinkupAPI's credits as far as its errors tell),
//! ConnectSafely's 90-a-week counted locally when its quota cannot be read, InviteDesk's own
//! daily caps per action with what is used and left today, the provider holds in effect, and
//! how long the current stale backlog takes to clear at the withdrawal cap.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::activity::{self, ActivityAction};
use crate::db::{holds, ts, Db};
use crate::error::AppResult;
use crate::history;
use crate::invitations::{limits, rules, RunSettings};
use crate::model::{Limit, ProviderKind, WriteKind};

/// ConnectSafely's own ceiling on connection requests (providers.md §1.5).
pub const CONNECTSAFELY_WEEKLY: u32 = 90;

/// One of InviteDesk's daily caps and how much of it today used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "CapUse.ts")]
pub struct CapUse {
    pub kind: WriteKind,
    pub used_today: u32,
    pub cap: u32,
    pub left: u32,
    /// RFC 3339: the next local midnight.
    pub resets_at: String,
}

/// A provider hold in effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "HoldView.ts")]
pub struct HoldView {
    pub kind: WriteKind,
    pub until: String,
    pub reason: String,
}

/// A weekly counter kept by InviteDesk (connection requests since Monday 00:00 UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "WeeklyCount.ts")]
pub struct WeeklyCount {
    pub used: u32,
    pub limit: u32,
    pub left: u32,
    pub resets_at: String,
}

/// How long the stale backlog (pending at least the threshold, not on the keep-list) takes to
/// withdraw at the daily cap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "BacklogEta.ts")]
pub struct BacklogEta {
    pub threshold_days: u32,
    pub stale: u32,
    pub per_day: u32,
    pub left_today: u32,
    /// Calendar days until the last one can go: 0 = today. `None` when the cap is 0.
    pub days: Option<u32>,
    /// RFC 3339: the start of the day the last one can go.
    pub clear_by: Option<String>,
}

/// Everything the Accounts panel and the header meter show for one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "AccountLimits.ts")]
pub struct AccountLimits {
    pub account_id: String,
    pub label: String,
    pub provider: ProviderKind,
    pub provider_limits: Vec<Limit>,
    /// Why the provider's figures could not be read, when they could not.
    pub provider_error: Option<String>,
    /// ConnectSafely (and the demo): connection requests this UTC week, counted here; only when
    /// the provider's own weekly figure could not be read.
    pub weekly_sends: Option<WeeklyCount>,
    pub caps: Vec<CapUse>,
    pub holds: Vec<HoldView>,
    pub backlog: BacklogEta,
}

/// Monday 00:00 UTC of `now`'s week, and the next one.
pub fn utc_week(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let day = now.date_naive() - Duration::days(i64::from(now.weekday().num_days_from_monday()));
    let start = Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default());
    (start, start + Duration::days(7))
}

/// Days to clear `stale` at `per_day`, with `left_today` still possible today and nothing
/// before `not_before` (a hold). 0 means today.
pub fn eta(
    stale: u32,
    per_day: u32,
    left_today: u32,
    now: DateTime<Utc>,
    not_before: Option<DateTime<Utc>>,
) -> (Option<u32>, Option<DateTime<Utc>>) {
    if stale == 0 {
        return (Some(0), Some(history::start_of_today(now)));
    }
    // A hold past today: today's allowance is lost and counting starts on the hold's day.
    let held_days = not_before
        .filter(|t| *t > history::next_local_midnight(now))
        .map(|t| u32::try_from((t - history::start_of_today(now)).num_days()).unwrap_or(0))
        .unwrap_or(0);
    let today = if held_days > 0 { 0 } else { left_today };
    if stale <= today {
        return (Some(0), Some(history::start_of_today(now)));
    }
    if per_day == 0 {
        return (None, None);
    }
    let rest = stale - today;
    let after = rest.div_ceil(per_day);
    let days = held_days.max(1) + after - 1;
    let clear_by = history::start_of_today(now) + Duration::days(i64::from(days));
    (Some(days), Some(clear_by))
}

/// The local part of an account's limits (everything but the provider's own figures).
#[allow(clippy::too_many_arguments)]
pub fn local(
    db: &Db,
    account_id: &str,
    label: &str,
    provider: ProviderKind,
    settings: &RunSettings,
    reaches_linkedin: bool,
    stale: u32,
    threshold_days: u32,
    now: DateTime<Utc>,
) -> AppResult<AccountLimits> {
    let at = ts(now);
    let resets = ts(history::next_local_midnight(now));
    let (caps, hold_list, weekly) = db.read(|c| {
        let mut caps = Vec::new();
        let mut found = Vec::new();
        for kind in WriteKind::ALL {
            let cap = limits::effective(settings, kind, reaches_linkedin).daily_cap;
            let used = history::done_today(c, account_id, kind, now)?;
            caps.push(CapUse {
                kind,
                used_today: used,
                cap,
                left: cap.saturating_sub(used),
                resets_at: resets.clone(),
            });
            if let Some(h) = holds::active(c, account_id, kind, &at)? {
                found.push(HoldView {
                    kind,
                    until: h.until,
                    reason: h.reason,
                });
            }
        }
        let weekly = if matches!(provider, ProviderKind::ConnectSafely | ProviderKind::Demo) {
            let (start, next) = utc_week(now);
            let used = activity::count_since(c, account_id, ActivityAction::Invited, &ts(start))?;
            Some(WeeklyCount {
                used,
                limit: CONNECTSAFELY_WEEKLY,
                left: CONNECTSAFELY_WEEKLY.saturating_sub(used),
                resets_at: ts(next),
            })
        } else {
            None
        };
        Ok((caps, found, weekly))
    })?;
    let withdraw = caps.iter().find(|c| c.kind == WriteKind::Withdraw).cloned();
    let (per_day, left_today) = withdraw.map_or((0, 0), |w| (w.cap, w.left));
    let hold = hold_list
        .iter()
        .find(|h| h.kind == WriteKind::Withdraw)
        .and_then(|h| crate::db::parse_ts(&h.until));
    let (days, clear_by) = eta(stale, per_day, left_today, now, hold);
    Ok(AccountLimits {
        account_id: account_id.to_string(),
        label: label.to_string(),
        provider,
        provider_limits: Vec::new(),
        provider_error: None,
        weekly_sends: weekly,
        caps,
        holds: hold_list,
        backlog: BacklogEta {
            threshold_days,
            stale,
            per_day,
            left_today,
            days,
            clear_by: clear_by.map(ts),
        },
    })
}

/// Stale: pending at least `threshold_days` (by the lower bound of its age) and not pinned.
pub fn is_stale(age_days: Option<u32>, pinned: bool, threshold_days: u32) -> bool {
    !pinned
        && rules::is_at_least(
            crate::model::Age {
                days: age_days,
                exact: false,
            },
            threshold_days,
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::activity::NewActivity;
    use crate::model::InvitationCategory;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn the_utc_week_starts_on_monday() {
        let (start, next) = utc_week(at("2026-03-05T23:00:00Z")); // a Thursday
        assert_eq!(start, at("2026-03-02T00:00:00Z"));
        assert_eq!(next, at("2026-03-09T00:00:00Z"));
        assert_eq!(
            utc_week(at("2026-03-09T00:00:00Z")).0,
            at("2026-03-09T00:00:00Z")
        );
    }

    #[test]
    fn the_backlog_eta_counts_what_is_left_today_then_whole_days() {
        let now = Utc::now();
        assert_eq!(eta(0, 100, 0, now, None).0, Some(0));
        assert_eq!(eta(40, 100, 60, now, None).0, Some(0), "fits in today's 60");
        // 250 stale, 60 left today, 100 a day: 190 more → 2 more days.
        assert_eq!(eta(250, 100, 60, now, None).0, Some(2));
        // Nothing left today: 250 at 100 a day → days 1, 2, 3.
        assert_eq!(eta(250, 100, 0, now, None).0, Some(3));
        assert_eq!(
            eta(5, 0, 0, now, None),
            (None, None),
            "a zero cap never clears it"
        );
        // A hold for three days: today's allowance is lost; 150 at 100 a day from the hold's day.
        let held = eta(150, 100, 100, now, Some(now + Duration::days(3)));
        assert_eq!(held.0, Some(4), "days 3 and 4");
    }

    #[test]
    fn caps_count_todays_actions_and_connectsafely_counts_its_week() {
        let db = Db::open_in_memory().unwrap();
        let now = Utc::now();
        let row = |action| NewActivity {
            at: now,
            action,
            account_id: "a".into(),
            account_label: "A".into(),
            invitation_id: None,
            name: "x".into(),
            profile_url: None,
            category: InvitationCategory::Connection,
            sent_at: None,
            sent_text: None,
            days_pending: None,
            job_id: None,
        };
        db.write(|tx| {
            for _ in 0..3 {
                activity::insert(tx, &row(ActivityAction::Withdrawn))?;
            }
            activity::insert(tx, &row(ActivityAction::Invited))?;
            Ok(())
        })
        .unwrap();
        let settings = RunSettings::default();
        let v = local(
            &db,
            "a",
            "A",
            ProviderKind::ConnectSafely,
            &settings,
            true,
            10,
            30,
            now,
        )
        .unwrap();
        let w = v
            .caps
            .iter()
            .find(|c| c.kind == WriteKind::Withdraw)
            .unwrap();
        assert_eq!(w.used_today, 3);
        assert_eq!(w.left, w.cap - 3);
        let weekly = v.weekly_sends.unwrap();
        assert_eq!((weekly.used, weekly.left), (1, 89));
        assert_eq!(v.backlog.stale, 10);
        assert_eq!(v.backlog.days, Some(0));
        let edges = local(
            &db,
            "a",
            "A",
            ProviderKind::Edges,
            &settings,
            true,
            0,
            30,
            now,
        )
        .unwrap();
        assert_eq!(edges.weekly_sends, None);
    }
}
