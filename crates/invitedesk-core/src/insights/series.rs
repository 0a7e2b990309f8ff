//! Chart data for Insights, computed from the inferred fates and the activity record. Pure
//! functions of their inputs (and `now`), so each figure can be checked by hand.
//!
//! Days and weeks are UTC calendar days (weeks start on Monday, like ConnectSafely's weekly
//! limit), so the same history gives the same charts on every machine.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::fates::{Facts, Fate};

/// Acceptance by the week invitations were sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "WeekOutcome.ts")]
pub struct WeekOutcome {
    /// `YYYY-MM-DD`, the Monday the week starts on.
    pub week: String,
    pub sent: u32,
    pub accepted: u32,
    pub withdrawn: u32,
    pub gone_other: u32,
    pub pending: u32,
    /// Accepted out of sent, in percent (one decimal); `None` for an empty week.
    pub acceptance_percent: Option<f64>,
}

/// How many acceptances came after this many days pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "DayCount.ts")]
pub struct DayCount {
    /// Days pending; the last bucket holds this many days *or more*.
    pub days: u32,
    pub count: u32,
}

/// The distribution of days to accept and what it says about a withdraw threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "DaysToAccept.ts")]
pub struct DaysToAccept {
    /// Day 0 to [`LAST_BUCKET`], the last one open-ended.
    pub buckets: Vec<DayCount>,
    pub accepted: u32,
    /// How many of those came with a date known only as a bound ("about").
    pub accepted_about: u32,
    /// The fewest days within which at least 90 % of acceptances came, and the exact share.
    pub most_within_days: Option<u32>,
    pub most_within_percent: Option<f64>,
    /// The withdraw threshold drawn on the chart.
    pub threshold_days: u32,
    /// Acceptances that came within the threshold, in percent of all acceptances.
    pub within_threshold_percent: Option<f64>,
    /// Invitations that stayed pending at least the threshold, and how many of them were
    /// accepted in the end.
    pub reached_threshold: u32,
    pub reached_threshold_accepted: u32,
    pub reached_threshold_accepted_percent: Option<f64>,
}

/// Pending sent invitations at the end of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "BacklogPoint.ts")]
pub struct BacklogPoint {
    pub day: String,
    pub pending: u32,
}

/// What InviteDesk did on a day.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ActionDay.ts")]
pub struct ActionDay {
    pub day: String,
    pub withdrawn: u32,
    pub accepted: u32,
    pub ignored: u32,
    pub invited: u32,
}

/// The longest bar of the days-to-accept chart: 60 days or more.
pub const LAST_BUCKET: u32 = 60;
/// At most this many days of backlog and actions (about a year and a half).
pub const MAX_DAYS: i64 = 540;
/// The share of acceptances "most" means in "most came within N days".
const MOST: f64 = 0.9;

fn percent(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0)
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Days since 1970-01-01 (UTC) of an instant in ms.
fn day_number(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

fn date_of(day: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + Duration::days(day)
}

/// The Monday (a day number) of a day's week: 1970-01-01 was a Thursday.
fn monday_number(day: i64) -> i64 {
    day - (day + 3).rem_euclid(7)
}

/// Acceptance rate by the week invitations were sent, oldest first, weeks without any left out.
pub fn by_week_sent(fates: &[Facts]) -> Vec<WeekOutcome> {
    let mut weeks: BTreeMap<i64, [u32; 5]> = BTreeMap::new();
    for f in fates {
        let w = weeks
            .entry(monday_number(day_number(f.sent_ms)))
            .or_default();
        w[0] += 1;
        let slot = match f.fate {
            Fate::Accepted => 1,
            Fate::WithdrawnByApp => 2,
            Fate::GoneOther => 3,
            Fate::Pending => 4,
        };
        w[slot] += 1;
    }
    weeks
        .into_iter()
        .map(
            |(week, [sent, accepted, withdrawn, gone_other, pending])| WeekOutcome {
                week: date_of(week).format("%Y-%m-%d").to_string(),
                sent,
                accepted,
                withdrawn,
                gone_other,
                pending,
                acceptance_percent: percent(accepted, sent),
            },
        )
        .collect()
}

/// The days-to-accept distribution, with what it says about `threshold_days`.
pub fn days_to_accept(fates: &[Facts], threshold_days: u32) -> DaysToAccept {
    let mut counts = vec![0u32; LAST_BUCKET as usize + 1];
    let (mut accepted, mut about, mut within) = (0u32, 0u32, 0u32);
    let (mut reached, mut reached_accepted) = (0u32, 0u32);
    for f in fates {
        if f.days_pending >= threshold_days {
            reached += 1;
        }
        if f.fate != Fate::Accepted {
            continue;
        }
        accepted += 1;
        about += u32::from(!f.days_exact);
        counts[f.days_pending.min(LAST_BUCKET) as usize] += 1;
        if f.days_pending < threshold_days {
            within += 1;
        } else {
            reached_accepted += 1;
        }
    }
    let mut most = None;
    let mut running = 0u32;
    for (days, count) in counts.iter().enumerate() {
        running += count;
        if accepted > 0 && f64::from(running) >= MOST * f64::from(accepted) {
            most = Some((days as u32, running));
            break;
        }
    }
    DaysToAccept {
        buckets: counts
            .iter()
            .enumerate()
            .map(|(days, &count)| DayCount {
                days: days as u32,
                count,
            })
            .collect(),
        accepted,
        accepted_about: about,
        most_within_days: most.map(|(d, _)| d),
        most_within_percent: most.and_then(|(_, n)| percent(n, accepted)),
        threshold_days,
        within_threshold_percent: percent(within, accepted),
        reached_threshold: reached,
        reached_threshold_accepted: reached_accepted,
        reached_threshold_accepted_percent: percent(reached_accepted, reached),
    }
}

/// The first day charted: the earliest of `since`, never more than [`MAX_DAYS`] back.
fn first_day(since: NaiveDate, today: NaiveDate) -> NaiveDate {
    since.max(today - Duration::days(MAX_DAYS - 1)).min(today)
}

/// Pending invitations at the end of each day from `tracking_since` (the first refresh:
/// before it nothing was listed) to today.
pub fn backlog(
    fates: &[Facts],
    tracking_since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<BacklogPoint> {
    let Some(since) = tracking_since else {
        return Vec::new();
    };
    let today = now.date_naive();
    let start = first_day(since.date_naive(), today);
    let start_n = (start - date_of(0)).num_days();
    let today_n = (today - date_of(0)).num_days();
    let len = (today_n - start_n) as usize + 1;
    // +1 on the day sent (or the first day charted), −1 on the day it ended.
    let mut delta = vec![0i64; len + 1];
    let index = |d: i64| -> usize { (d - start_n).clamp(0, len as i64) as usize };
    for f in fates {
        let sent = day_number(f.sent_ms);
        let end = f.end_ms.map(day_number);
        if end.is_some_and(|e| e < start_n) || sent > today_n {
            continue;
        }
        delta[index(sent)] += 1;
        if let Some(e) = end {
            delta[index(e)] -= 1;
        }
    }
    let mut pending = 0i64;
    (0..len)
        .map(|i| {
            pending += delta[i];
            BacklogPoint {
                day: (start + Duration::days(i as i64))
                    .format("%Y-%m-%d")
                    .to_string(),
                pending: u32::try_from(pending.max(0)).unwrap_or(u32::MAX),
            }
        })
        .collect()
}

/// Every day from the first with an action (at most [`MAX_DAYS`] back) to today, with zeros
/// for quiet days. `counts` is (`YYYY-MM-DD`, action, count) as the activity table groups it.
pub fn actions_per_day(counts: &[(String, String, u32)], now: DateTime<Utc>) -> Vec<ActionDay> {
    let today = now.date_naive();
    let parsed: Vec<(NaiveDate, &str, u32)> = counts
        .iter()
        .filter_map(|(d, a, n)| {
            Some((
                NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?,
                a.as_str(),
                *n,
            ))
        })
        .collect();
    let Some(since) = parsed.iter().map(|(d, _, _)| *d).min() else {
        return Vec::new();
    };
    let start = first_day(since, today);
    let len = (today - start).num_days() as usize + 1;
    let mut days: Vec<ActionDay> = (0..len)
        .map(|i| ActionDay {
            day: (start + Duration::days(i as i64))
                .format("%Y-%m-%d")
                .to_string(),
            ..ActionDay::default()
        })
        .collect();
    for (d, action, n) in parsed {
        if d < start || d > today {
            continue;
        }
        let day = &mut days[(d - start).num_days() as usize];
        match action {
            "withdrawn" => day.withdrawn += n,
            "accepted" => day.accepted += n,
            "ignored" => day.ignored += n,
            "invited" => day.invited += n,
            _ => {}
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fate(sent: &str, fate: Fate, days: u32, ended: Option<&str>) -> Facts {
        let at = |day: &str| super::super::fates::ms(&format!("{day}T10:00:00.000Z")).unwrap();
        Facts {
            fate,
            sent_ms: at(sent),
            end_ms: ended.map(at),
            days_pending: days,
            days_exact: true,
        }
    }

    #[test]
    fn acceptance_by_week_sent_matches_a_hand_count() {
        // Week of Mon 2026-03-02: 4 sent (2 accepted, 1 withdrawn, 1 pending) → 50 %.
        // Week of Mon 2026-03-09: 3 sent on Sunday 15th and Monday 9th (1 accepted, 2 gone) → 33.3 %.
        let fates = vec![
            fate("2026-03-02", Fate::Accepted, 1, Some("2026-03-03")),
            fate("2026-03-04", Fate::Accepted, 3, Some("2026-03-07")),
            fate("2026-03-08", Fate::WithdrawnByApp, 30, Some("2026-04-07")),
            fate("2026-03-08", Fate::Pending, 40, None),
            fate("2026-03-09", Fate::Accepted, 2, Some("2026-03-11")),
            fate("2026-03-15", Fate::GoneOther, 5, Some("2026-03-20")),
            fate("2026-03-15", Fate::GoneOther, 6, Some("2026-03-21")),
        ];
        let weeks = by_week_sent(&fates);
        assert_eq!(weeks.len(), 2);
        assert_eq!(
            weeks[0],
            WeekOutcome {
                week: "2026-03-02".into(),
                sent: 4,
                accepted: 2,
                withdrawn: 1,
                gone_other: 0,
                pending: 1,
                acceptance_percent: Some(50.0),
            }
        );
        assert_eq!(weeks[1].week, "2026-03-09");
        assert_eq!((weeks[1].sent, weeks[1].gone_other), (3, 2));
        assert_eq!(weeks[1].acceptance_percent, Some(33.3));
    }

    #[test]
    fn days_to_accept_and_the_threshold_match_a_hand_count() {
        // Ten acceptances after 0,1,1,2,2,3,5,8,12,45 days; threshold 30.
        // 90 % (9 of 10) came within 12 days; 9 of 10 within the threshold.
        // Reached 30 days pending: the 45-day acceptance, a 31-day withdrawal, a 60-day pending
        // and a 30-day gone → 4, of which 1 accepted = 25 %.
        let mut fates: Vec<Facts> = [0, 1, 1, 2, 2, 3, 5, 8, 12, 45]
            .iter()
            .map(|&d| fate("2026-01-05", Fate::Accepted, d, Some("2026-02-01")))
            .collect();
        fates.push(fate(
            "2026-01-05",
            Fate::WithdrawnByApp,
            31,
            Some("2026-02-05"),
        ));
        fates.push(fate("2026-01-05", Fate::Pending, 60, None));
        fates.push(fate("2026-01-05", Fate::GoneOther, 30, Some("2026-02-04")));
        fates.push(fate("2026-01-05", Fate::GoneOther, 4, Some("2026-01-09")));
        let mut about = fate("2026-01-05", Fate::Accepted, 90, Some("2026-04-05"));
        about.days_exact = false;
        fates.push(about);

        let d = days_to_accept(&fates, 30);
        assert_eq!(d.accepted, 11);
        assert_eq!(d.accepted_about, 1);
        assert_eq!(d.buckets.len(), LAST_BUCKET as usize + 1);
        assert_eq!(d.buckets[1].count, 2);
        assert_eq!(
            d.buckets[LAST_BUCKET as usize].count, 1,
            "90 days lands in 60+"
        );
        // 11 acceptances: 90 % is 9.9, reached at 45 days (10 of 11 = 90.9 %).
        assert_eq!(d.most_within_days, Some(45));
        assert_eq!(d.most_within_percent, Some(90.9));
        assert_eq!(d.within_threshold_percent, Some(81.8));
        assert_eq!(d.reached_threshold, 5);
        assert_eq!(d.reached_threshold_accepted, 2);
        assert_eq!(d.reached_threshold_accepted_percent, Some(40.0));

        let fewer = days_to_accept(&fates[..10], 30);
        assert_eq!(fewer.most_within_days, Some(12));
        assert_eq!(fewer.most_within_percent, Some(90.0));
        assert_eq!(days_to_accept(&[], 30).most_within_days, None);
    }

    #[test]
    fn backlog_counts_pending_at_the_end_of_each_day_from_the_first_refresh() {
        let now: DateTime<Utc> = "2026-03-05T18:00:00Z".parse().unwrap();
        let since: DateTime<Utc> = "2026-03-02T09:00:00Z".parse().unwrap();
        let fates = vec![
            // Sent before tracking, still pending: counts from the first day.
            fate("2026-02-20", Fate::Pending, 13, None),
            // Sent on the 2nd, accepted on the 4th: pending on the 2nd and 3rd.
            fate("2026-03-02", Fate::Accepted, 2, Some("2026-03-04")),
            // Sent on the 3rd, withdrawn on the 3rd: never pending at a day's end.
            fate("2026-03-03", Fate::WithdrawnByApp, 0, Some("2026-03-03")),
            // Sent on the 5th.
            fate("2026-03-05", Fate::Pending, 0, None),
            // Ended before tracking began: not charted.
            fate("2026-02-01", Fate::GoneOther, 3, Some("2026-02-04")),
        ];
        let points = backlog(&fates, Some(since), now);
        let got: Vec<(&str, u32)> = points.iter().map(|p| (p.day.as_str(), p.pending)).collect();
        assert_eq!(
            got,
            vec![
                ("2026-03-02", 2),
                ("2026-03-03", 2),
                ("2026-03-04", 1),
                ("2026-03-05", 2)
            ]
        );
        assert!(backlog(&fates, None, now).is_empty());
    }

    #[test]
    fn actions_per_day_fill_quiet_days_with_zeros() {
        let now: DateTime<Utc> = "2026-03-04T08:00:00Z".parse().unwrap();
        let counts = vec![
            ("2026-03-01".to_string(), "withdrawn".to_string(), 12),
            ("2026-03-01".to_string(), "invited".to_string(), 3),
            ("2026-03-03".to_string(), "accepted".to_string(), 5),
        ];
        let days = actions_per_day(&counts, now);
        assert_eq!(days.len(), 4);
        assert_eq!((days[0].withdrawn, days[0].invited), (12, 3));
        assert_eq!(
            days[1],
            ActionDay {
                day: "2026-03-02".into(),
                ..ActionDay::default()
            }
        );
        assert_eq!(days[2].accepted, 5);
        assert_eq!(days[3].day, "2026-03-04");
        assert!(actions_per_day(&[], now).is_empty());
    }
}
