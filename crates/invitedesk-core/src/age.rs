//! Turns the providers' age text into `model::Age`.
//!
//! Providers send LinkedIn's relative, bucketed wording ("2 days ago", "Sent yesterday",
//! "1 week ago", "5d"), sometimes a real timestamp ("2023-11-07T05:31:56Z") and, for
//! connections, a date ("Connected on Feb 15, 2024"). Everything is measured against a `now`
//! the caller passes in, so results are reproducible in tests.
//!
//! Rules (providers.md §4.4): day-level values are exact; weeks (7), months (30) and years (365)
//! are lower bounds (`exact: false`), so an age rule can never think an invitation older than it
//! is. Anything not understood is `Age::UNKNOWN`; this module never panics and never fails a
//! listing. The raw text is kept by the caller (`sent_text` / `received_text`).
//!
//! Public API:
//! - [`parse_age`]: text → `Age`.
//! - [`parse_timestamp`]: lenient date-time parser (RFC 3339, `"2026-09-01 00:00:00+00:00"`,
//!   naive date-times taken as UTC, bare dates at midnight UTC). Also used for quota reset
//!   times and "retry after" hints.
//! - [`age_since`]: exact age of a known instant.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::model::Age;

const DAY: u32 = 1;
const WEEK: u32 = 7;
const MONTH: u32 = 30;
const YEAR: u32 = 365;

/// The age that `text` describes, relative to `now`. Unknown wording gives `Age::UNKNOWN`.
pub fn parse_age(text: &str, now: DateTime<Utc>) -> Age {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.len() > 100 {
        return Age::UNKNOWN;
    }
    if let Some(at) = parse_timestamp(trimmed) {
        return age_since(at, now);
    }
    let lower = normalise(trimmed);
    let body = strip_prefixes(&lower);
    if let Some(at) = parse_calendar_date(body) {
        return age_since(at, now);
    }
    parse_relative(body).unwrap_or(Age::UNKNOWN)
}

/// The exact age in whole days of something that happened at `at`. A time in the future (clock
/// skew) counts as today.
pub fn age_since(at: DateTime<Utc>, now: DateTime<Utc>) -> Age {
    let days = now.signed_duration_since(at).num_days().max(0);
    u32::try_from(days).map_or(Age::UNKNOWN, Age::exact)
}

/// Lenient date-time parsing: RFC 3339 (`T` or space separator, any offset, optional
/// fractional seconds), a naive date-time (taken as UTC), or a bare `YYYY-MM-DD` (midnight UTC).
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    // Cheap guard: every accepted form starts with a 4-digit year.
    if t.len() < 10 || !t.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.with_timezone(&Utc));
    }
    let with_t = t.replacen(' ', "T", 1);
    if let Ok(dt) = DateTime::parse_from_rfc3339(&with_t) {
        return Some(dt.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M%#z"] {
        if let Ok(dt) = DateTime::parse_from_str(&with_t, fmt) {
            return Some(dt.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(&with_t, fmt) {
            return Some(Utc.from_utc_datetime(&naive));
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|naive| Utc.from_utc_datetime(&naive))
}

/// Lowercase, single spaces, no trailing full stop.
fn normalise(text: &str) -> String {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    words.join(" ").trim_end_matches('.').to_string()
}

/// "Sent 2 days ago", "Received today", "Connected on Feb 15, 2024" → the part after the verb.
fn strip_prefixes(text: &str) -> &str {
    let mut rest = text;
    for prefix in ["sent ", "received ", "invited ", "connected ", "on "] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r;
        }
    }
    rest
}

/// "Feb 15, 2024", "February 15 2024", "15 Feb 2024", "15 February, 2024" (already lowercase).
fn parse_calendar_date(text: &str) -> Option<DateTime<Utc>> {
    if !text.chars().any(|c| c.is_ascii_digit()) || !text.chars().any(char::is_alphabetic) {
        return None;
    }
    let cleaned = text.replace(',', " ");
    let parts: Vec<&str> = cleaned.split_whitespace().collect();
    let (month, day, year) = match parts.as_slice() {
        [m, d, y] if month_number(m).is_some() => (month_number(m)?, d.parse().ok()?, y),
        [d, m, y] if month_number(m).is_some() => (month_number(m)?, d.parse().ok()?, y),
        _ => return None,
    };
    let year: i32 = year.parse().ok()?;
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    Some(Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?))
}

fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let w = word.trim_end_matches('.');
    if w.len() < 3 {
        return None;
    }
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let index = MONTHS
        .iter()
        .position(|m| *m == w)
        .or_else(|| full.iter().position(|m| *m == w))
        .or_else(|| (w == "sept").then_some(8))?;
    Some(index as u32 + 1)
}

/// Relative wording, already lowercase and without "sent ".
fn parse_relative(text: &str) -> Option<Age> {
    match text {
        "today" | "just now" | "now" | "moments ago" | "a moment ago" => {
            return Some(Age::exact(0))
        }
        "yesterday" => return Some(Age::exact(1)),
        "last week" => return Some(Age::at_least(WEEK)),
        "last month" => return Some(Age::at_least(MONTH)),
        "last year" => return Some(Age::at_least(YEAR)),
        _ => {}
    }
    let without_ago = text.strip_suffix(" ago").unwrap_or(text).trim();
    if let Some(age) = parse_compact(without_ago) {
        return Some(age);
    }
    let mut words = without_ago.split(' ');
    let (count, unit) = (words.next()?, words.next()?);
    if words.next().is_some() {
        return None;
    }
    let n = match count {
        "a" | "an" | "one" => 1,
        digits => parse_count(digits)?,
    };
    scale(n, unit)
}

/// "5d", "2w", "3mo", "1y", "4h", "10m", "30s", also "5 d" split the other way by the caller.
fn parse_compact(text: &str) -> Option<Age> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    if split == 0 {
        return None;
    }
    let (digits, unit) = text.split_at(split);
    if unit.contains(' ') {
        return None;
    }
    let n = parse_count(digits)?;
    let unit = match unit {
        "d" => "day",
        "w" | "wk" => "week",
        "mo" | "mth" => "month",
        "y" | "yr" => "year",
        "h" | "hr" => "hour",
        "m" | "min" => "minute",
        "s" | "sec" => "second",
        _ => return None,
    };
    scale(n, unit)
}

/// Digits only (no sign), at most what a `u32` holds.
fn parse_count(digits: &str) -> Option<u32> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn scale(n: u32, unit: &str) -> Option<Age> {
    let unit = unit.strip_suffix('s').unwrap_or(unit);
    let (per, exact) = match unit {
        "second" | "sec" | "minute" | "min" | "hour" | "hr" => return Some(Age::exact(0)),
        "day" => (DAY, true),
        "week" | "wk" => (WEEK, false),
        "month" | "mo" => (MONTH, false),
        "year" | "yr" => (YEAR, false),
        _ => return None,
    };
    let days = n.checked_mul(per)?;
    Some(if exact {
        Age::exact(days)
    } else {
        Age::at_least(days)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, 27, 15, 0, 0).unwrap()
    }

    fn age(text: &str) -> Age {
        parse_age(text, now())
    }

    #[test]
    fn day_level_text_is_exact() {
        assert_eq!(age("2 days ago"), Age::exact(2));
        assert_eq!(age("1 day ago"), Age::exact(1));
        assert_eq!(age("Sent 3 days ago"), Age::exact(3));
        assert_eq!(age("Sent yesterday"), Age::exact(1));
        assert_eq!(age("yesterday"), Age::exact(1));
        assert_eq!(age("today"), Age::exact(0));
        assert_eq!(age("Sent today"), Age::exact(0));
        assert_eq!(age("5d"), Age::exact(5));
        assert_eq!(age("a day ago"), Age::exact(1));
    }

    #[test]
    fn hours_minutes_and_seconds_are_today() {
        for text in [
            "3 hours ago",
            "1 hour ago",
            "an hour ago",
            "45 minutes ago",
            "Sent 10 minutes ago",
            "30 seconds ago",
            "4h",
            "10m",
            "just now",
        ] {
            assert_eq!(age(text), Age::exact(0), "{text}");
        }
    }

    #[test]
    fn buckets_are_lower_bounds() {
        assert_eq!(age("1 week ago"), Age::at_least(7));
        assert_eq!(age("2 weeks ago"), Age::at_least(14));
        assert_eq!(age("1 month ago"), Age::at_least(30));
        assert_eq!(age("3 months ago"), Age::at_least(90));
        assert_eq!(age("1 year ago"), Age::at_least(365));
        assert_eq!(age("2 years ago"), Age::at_least(730));
        assert_eq!(age("Sent 1 week ago"), Age::at_least(7));
        assert_eq!(age("2w"), Age::at_least(14));
        assert_eq!(age("3mo"), Age::at_least(90));
        assert_eq!(age("1y"), Age::at_least(365));
        assert_eq!(age("last week"), Age::at_least(7));
    }

    #[test]
    fn wording_is_forgiving_about_case_and_spacing() {
        assert_eq!(age("  SENT   2 Days Ago. "), Age::exact(2));
        assert_eq!(age("1 Week Ago"), Age::at_least(7));
        assert_eq!(age("Received 2 weeks ago"), Age::at_least(14));
    }

    #[test]
    fn timestamps_give_exact_ages() {
        assert_eq!(age("2026-04-20T15:00:00Z"), Age::exact(7));
        // 6 days 23 hours: still 6 whole days.
        assert_eq!(age("2026-04-20T16:00:00Z"), Age::exact(6));
        assert_eq!(age("2026-04-20T16:00:00.123+02:00"), Age::exact(7));
        assert_eq!(age("2026-04-25 10:00:00+00:00"), Age::exact(2));
        assert_eq!(age("2026-04-25T10:00:00"), Age::exact(2));
        assert_eq!(age("2026-04-17"), Age::exact(10));
        assert_eq!(
            parse_age("2023-11-07T05:31:56Z", now()).days,
            Some((now() - parse_timestamp("2023-11-07T05:31:56Z").unwrap()).num_days() as u32)
        );
    }

    #[test]
    fn future_timestamps_count_as_today() {
        assert_eq!(age("2026-05-01T00:00:00Z"), Age::exact(0));
    }

    #[test]
    fn connection_dates_are_exact() {
        let expected =
            (now().date_naive() - NaiveDate::from_ymd_opt(2024, 2, 15).unwrap()).num_days() as u32;
        assert_eq!(age("Connected on Feb 15, 2024"), Age::exact(expected));
        assert_eq!(age("Feb 15, 2024"), Age::exact(expected));
        assert_eq!(age("February 15 2024"), Age::exact(expected));
        assert_eq!(age("15 Feb 2024"), Age::exact(expected));
        assert_eq!(age("Connected on Apr 26, 2026"), Age::exact(1));
    }

    #[test]
    fn garbage_is_unknown() {
        for text in [
            "",
            "   ",
            "ago",
            "days ago",
            "2",
            "2 fortnights ago",
            "-2 days ago",
            "+2 days ago",
            "2.5 days ago",
            "two days ago",
            "🎉 2 days ago",
            "2 days ago 🎉",
            "il y a 2 jours",
            "vor 2 Tagen",
            "99999999999999999999 days ago",
            "4294967295 weeks ago",
            "Feb 30, 2024",
            "Connected on Smarch 3, 2024",
            "2026-13-45",
            "2026-04-27T25:00:00Z",
            "null",
            "d",
            "5x",
        ] {
            assert_eq!(age(text), Age::UNKNOWN, "{text:?}");
        }
        assert_eq!(age(&"9".repeat(10_000)), Age::UNKNOWN);
        assert_eq!(age(&"é".repeat(200)), Age::UNKNOWN);
    }

    #[test]
    fn largest_counts_that_fit_are_kept() {
        assert_eq!(age("4294967295 days ago"), Age::exact(u32::MAX));
        assert_eq!(age("613566756 weeks ago"), Age::at_least(613_566_756 * 7));
    }

    #[test]
    fn lenient_timestamps() {
        let reset = parse_timestamp("2026-09-01 00:00:00+00:00").unwrap();
        assert_eq!(reset, Utc.with_ymd_and_hms(2026, 9, 1, 0, 0, 0).unwrap());
        assert_eq!(
            parse_timestamp("2026-04-28T00:00:00Z").unwrap().timestamp(),
            1_777_334_400
        );
        assert!(parse_timestamp("tomorrow").is_none());
        assert!(parse_timestamp("").is_none());
        assert!(parse_timestamp("12345678901234").is_none());
    }
}
