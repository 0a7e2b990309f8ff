//! When a rule fires, in its own time zone: pure functions over instants, so the tests walk a
//! clock across DST changes without sleeping.
//!
//! A local time that does not exist (the hour skipped when clocks go forward) fires at the
//! first minute that does; a local time that happens twice (clocks go back) fires once, at the
//! first. A rule handles only the latest scheduled time that has passed: a machine that was off
//! for three days runs the rule once, not three times.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, AppResult};

/// When a rule fires: at `time` (local to the rule's time zone) on each chosen weekday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "RuleSchedule.ts", rename = "RuleSchedule")]
pub struct Schedule {
    /// `HH:MM`, 24-hour.
    pub time: String,
    /// ISO weekdays, 1 = Monday … 7 = Sunday; all seven for "daily".
    pub weekdays: Vec<u8>,
}

/// A window with no autopilot activity, local to the rule's time zone; it may span midnight
/// (`22:00`–`07:00`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "QuietHours.ts")]
pub struct QuietHours {
    /// `HH:MM`.
    pub start: String,
    /// `HH:MM`.
    pub end: String,
}

/// `HH:MM`, 24-hour.
pub fn parse_time(text: &str) -> AppResult<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| {
        AppError::invalid_input(format!(
            "\"{text}\" is not a time like 09:30 (24-hour, hours and minutes)."
        ))
    })
}

pub fn parse_zone(name: &str) -> AppResult<Tz> {
    name.parse::<Tz>().map_err(|_| {
        AppError::invalid_input(format!(
            "\"{name}\" is not a time zone InviteDesk knows (use a name like Europe/Berlin)."
        ))
    })
}

/// The system's time zone name, or UTC when it cannot be told.
pub fn system_zone() -> String {
    iana_time_zone::get_timezone()
        .ok()
        .filter(|name| name.parse::<Tz>().is_ok())
        .unwrap_or_else(|| "UTC".to_string())
}

/// The instant of `time` on `date` in `tz`: the first minute at or after it that exists, the
/// earlier of two when it happens twice.
pub fn instant_on(date: NaiveDate, time: NaiveTime, tz: Tz) -> DateTime<Utc> {
    let mut local = date.and_time(time);
    // A DST gap is at most a few hours anywhere; step through it minute by minute.
    for _ in 0..(4 * 60) {
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            LocalResult::None => local += Duration::minutes(1),
        }
    }
    Utc.from_utc_datetime(&date.and_time(time))
}

fn runs_on(schedule: &Schedule, date: NaiveDate) -> bool {
    let iso = date.weekday().number_from_monday() as u8;
    schedule.weekdays.contains(&iso)
}

/// The latest scheduled instant at or before `now`, within the last eight days.
pub fn latest_slot(schedule: &Schedule, tz: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let time = parse_time(&schedule.time).ok()?;
    let today = now.with_timezone(&tz).date_naive();
    (0..=8)
        .filter_map(|back| today.checked_sub_signed(Duration::days(back)))
        .filter(|d| runs_on(schedule, *d))
        .map(|d| instant_on(d, time, tz))
        .find(|at| *at <= now)
}

/// The first scheduled instant strictly after `after`.
pub fn next_slot(schedule: &Schedule, tz: Tz, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let time = parse_time(&schedule.time).ok()?;
    let today = after.with_timezone(&tz).date_naive();
    (-1..=8)
        .filter_map(|ahead| today.checked_add_signed(Duration::days(ahead)))
        .filter(|d| runs_on(schedule, *d))
        .map(|d| instant_on(d, time, tz))
        .find(|at| *at > after)
}

/// The slot a rule should handle now, if it has not handled it yet.
pub fn due_slot(
    schedule: &Schedule,
    tz: Tz,
    last_handled: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    latest_slot(schedule, tz, now).filter(|slot| last_handled.is_none_or(|last| *slot > last))
}

/// Whether `now` falls in the quiet hours (start inclusive, end exclusive; a window whose start
/// is after its end spans midnight; equal start and end is no window).
pub fn in_quiet_hours(quiet: &QuietHours, tz: Tz, now: DateTime<Utc>) -> bool {
    let (Ok(start), Ok(end)) = (parse_time(&quiet.start), parse_time(&quiet.end)) else {
        return false;
    };
    let t = now.with_timezone(&tz).time();
    if start <= end {
        start <= t && t < end
    } else {
        t >= start || t < end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn daily(time: &str) -> Schedule {
        Schedule {
            time: time.into(),
            weekdays: (1..=7).collect(),
        }
    }

    /// Walks a clock in 5-minute steps and records every instant the rule fires.
    fn fires(schedule: &Schedule, tz: Tz, from: &str, to: &str) -> Vec<DateTime<Utc>> {
        let (mut now, end) = (utc(from), utc(to));
        let mut last = latest_slot(schedule, tz, now);
        let mut fired = Vec::new();
        while now <= end {
            if let Some(slot) = due_slot(schedule, tz, last, now) {
                fired.push(now);
                last = Some(slot);
            }
            now += Duration::minutes(5);
        }
        fired
    }

    #[test]
    fn nine_in_berlin_stays_nine_across_the_spring_change() {
        // Europe/Berlin moves from UTC+1 to UTC+2 at 02:00 on Sunday 29 March 2026.
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let got = fires(
            &daily("09:00"),
            tz,
            "2026-03-27T12:00:00Z",
            "2026-03-30T12:00:00Z",
        );
        assert_eq!(
            got,
            vec![
                utc("2026-03-28T08:00:00Z"),
                utc("2026-03-29T07:00:00Z"),
                utc("2026-03-30T07:00:00Z"),
            ]
        );
    }

    #[test]
    fn a_time_in_the_skipped_hour_fires_once_when_clocks_resume_and_a_doubled_one_fires_once() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        // 02:30 does not exist on 29 March: it fires at 03:00 CEST (01:00 UTC).
        let spring = fires(
            &daily("02:30"),
            tz,
            "2026-03-28T12:00:00Z",
            "2026-03-30T12:00:00Z",
        );
        assert_eq!(
            spring,
            vec![utc("2026-03-29T01:00:00Z"), utc("2026-03-30T00:30:00Z")]
        );
        // 02:30 happens twice on 25 October (CEST, then CET): it fires at the first only.
        let autumn = fires(
            &daily("02:30"),
            tz,
            "2026-10-24T12:00:00Z",
            "2026-10-26T12:00:00Z",
        );
        assert_eq!(
            autumn,
            vec![utc("2026-10-25T00:30:00Z"), utc("2026-10-26T01:30:00Z")]
        );
    }

    #[test]
    fn new_york_keeps_its_local_time_across_its_own_change() {
        // America/New_York moves to UTC-4 at 02:00 on Sunday 8 March 2026.
        let tz: Tz = "America/New_York".parse().unwrap();
        let got = fires(
            &daily("07:15"),
            tz,
            "2026-03-07T00:00:00Z",
            "2026-03-09T23:00:00Z",
        );
        assert_eq!(
            got,
            vec![
                utc("2026-03-07T12:15:00Z"),
                utc("2026-03-08T11:15:00Z"),
                utc("2026-03-09T11:15:00Z"),
            ]
        );
    }

    #[test]
    fn fires_on_the_chosen_weekdays_only() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let mon_wed = Schedule {
            time: "08:00".into(),
            weekdays: vec![1, 3],
        };
        // Monday 2 to Sunday 15 November 2026.
        let got = fires(&mon_wed, tz, "2026-11-02T00:00:00Z", "2026-11-15T23:00:00Z");
        let days: Vec<String> = got
            .iter()
            .map(|t| t.with_timezone(&tz).format("%a %d %H:%M").to_string())
            .collect();
        assert_eq!(
            days,
            [
                "Mon 02 08:00",
                "Wed 04 08:00",
                "Mon 09 08:00",
                "Wed 11 08:00"
            ]
        );
    }

    #[test]
    fn a_machine_off_for_days_runs_the_rule_once_when_it_wakes() {
        let tz: Tz = "UTC".parse().unwrap();
        let schedule = daily("06:00");
        let last = Some(utc("2026-05-01T06:00:00Z"));
        let now = utc("2026-05-04T10:00:00Z");
        assert_eq!(
            due_slot(&schedule, tz, last, now),
            Some(utc("2026-05-04T06:00:00Z"))
        );
        assert_eq!(
            due_slot(&schedule, tz, Some(utc("2026-05-04T06:00:00Z")), now),
            None
        );
        assert_eq!(
            next_slot(&schedule, tz, now),
            Some(utc("2026-05-05T06:00:00Z"))
        );
    }

    #[test]
    fn quiet_hours_may_span_midnight() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let night = QuietHours {
            start: "22:00".into(),
            end: "07:00".into(),
        };
        // Berlin is UTC+1 in January.
        assert!(in_quiet_hours(&night, tz, utc("2026-01-10T21:30:00Z")));
        assert!(in_quiet_hours(&night, tz, utc("2026-01-10T05:59:00Z")));
        assert!(!in_quiet_hours(&night, tz, utc("2026-01-10T06:00:00Z")));
        let lunch = QuietHours {
            start: "12:00".into(),
            end: "13:00".into(),
        };
        assert!(in_quiet_hours(&lunch, tz, utc("2026-01-10T11:30:00Z")));
        assert!(!in_quiet_hours(&lunch, tz, utc("2026-01-10T12:00:00Z")));
    }

    #[test]
    fn bad_times_and_zones_are_refused_with_the_input_named() {
        assert!(parse_time("9:5x").unwrap_err().message.contains("9:5x"));
        assert!(parse_time("25:00").is_err());
        assert!(parse_zone("Mars/Olympus")
            .unwrap_err()
            .message
            .contains("Mars"));
        assert!(parse_zone(&system_zone()).is_ok());
    }
}
