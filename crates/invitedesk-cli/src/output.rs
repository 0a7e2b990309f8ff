//! What people and scripts see: aligned tables and short sentences, or one JSON object per
//! line (`--json`, schema in docs/cli.md), or CSV. Text from providers comes from strangers, so
//! control characters (terminal escapes) never reach the terminal.

use std::io::Write;

use chrono::{DateTime, Local, Utc};
use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use invitedesk_core::error::AppError;

/// Prints `{"<kind>": value}` on one line of stdout.
pub fn json_line<T: Serialize>(kind: &str, value: &T) {
    let mut map = serde_json::Map::new();
    map.insert(
        kind.to_string(),
        serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
    );
    let line = serde_json::Value::Object(map).to_string();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// `error: <message>` on stderr, or `{"error":{"kind","message"}}` on stdout with `--json`.
pub fn print_error(error: &AppError, json: bool) {
    if json {
        json_line("error", error);
    } else {
        eprintln!("error: {}", clean(&error.message));
    }
}

pub fn warn(message: &str) {
    eprintln!("warning: {}", clean(message));
}

/// The text with control characters replaced, on one line.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// At most `max` columns wide, with an ellipsis when cut.
pub fn cut(text: &str, max: usize) -> String {
    let text = clean(text);
    if text.width() <= max {
        return text;
    }
    let mut out = String::new();
    let mut width = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if width + w + 1 > max {
            break;
        }
        width += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// "today", "1 day", "12 days"; "12+ days" when the provider only gave a lower bound.
pub fn age(days: Option<u32>, exact: bool) -> String {
    let Some(d) = days else {
        return "?".into();
    };
    let plus = if exact { "" } else { "+" };
    match d {
        0 if exact => "today".into(),
        1 => format!("1{plus} day"),
        _ => format!("{d}{plus} days"),
    }
}

/// "45 s", "3 min 20 s", "2 h 5 min".
pub fn duration(secs: u32) -> String {
    match secs {
        0..=59 => format!("{secs} s"),
        60..=3599 if secs.is_multiple_of(60) => format!("{} min", secs / 60),
        60..=3599 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, (secs % 3600) / 60),
    }
}

/// An RFC 3339 time in the local zone, "2026-05-01 14:05"; the text itself when unreadable.
pub fn local_time(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// "2026-05-01 14:05 (in 3 h 2 min)" for a time ahead.
pub fn until(rfc3339: &str) -> String {
    let ahead = DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| (t.with_timezone(&Utc) - Utc::now()).num_seconds());
    match ahead {
        Some(s) if s > 0 => format!("{} (in {})", local_time(rfc3339), duration(s as u32)),
        _ => local_time(rfc3339),
    }
}

pub fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Columns aligned to the widest cell; the last column is not padded.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows
            .push(cells.into_iter().map(|c| clean(&c)).collect());
    }

    pub fn render(&self) -> String {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(cell.width());
            }
        }
        let line = |cells: &[String]| {
            let mut out = String::new();
            for (i, cell) in cells.iter().enumerate().take(columns) {
                out.push_str(cell);
                if i + 1 < columns {
                    out.push_str(&" ".repeat(widths[i] - cell.width() + 2));
                }
            }
            out.trim_end().to_string()
        };
        let mut out = line(&self.header);
        out.push('\n');
        for row in &self.rows {
            out.push_str(&line(row));
            out.push('\n');
        }
        out
    }

    pub fn print(&self) {
        print!("{}", self.render());
    }
}

/// A plan warning in words for the terminal (the window words the same warnings in
/// `ui/src/lib/plan.ts`).
pub fn plan_warning(w: &invitedesk_core::jobs::PlanWarning) -> String {
    use invitedesk_core::jobs::{JobAction, PlanWarning};
    match w {
        PlanWarning::CannotBeUndone { action } => match action {
            JobAction::Withdraw => "A withdrawal cannot be undone.".into(),
            JobAction::Accept => "Accepting cannot be undone from InviteDesk.".into(),
            JobAction::Ignore => "Ignoring cannot be undone: the invitations disappear.".into(),
            JobAction::Send => {
                "A sent request can only be taken back by withdrawing it, and LinkedIn then \
                 blocks a new one for three weeks."
                    .into()
            }
        },
        PlanWarning::ReinviteBlock { days } => format!(
            "LinkedIn does not let you invite a withdrawn person again for about three weeks \
             ({days} days)."
        ),
        PlanWarning::ProviderHold {
            account,
            until,
            reason,
            ..
        } => format!(
            "{account}: on hold until {} UTC ({}); the job waits until then.",
            until.get(..16).unwrap_or(until).replace('T', " "),
            reason.trim_end_matches('.')
        ),
        PlanWarning::DailyCapExceeded {
            account,
            count,
            left,
            cap,
            action,
            ..
        } => format!(
            "{account}: {count} to do but only {left} left today under the daily cap of {cap} \
             {}; the rest wait until the cap starts over after midnight.",
            action.noun_plural()
        ),
        PlanWarning::SpecialCategories { counts, .. } => {
            let parts: Vec<String> = counts
                .iter()
                .map(|c| format!("{} {}", c.count, c.category.label().to_lowercase()))
                .collect();
            format!(
                "This includes invitations that are not from people ({}): accepting one \
                 subscribes or follows.",
                parts.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_and_strip_escapes() {
        let mut t = Table::new(&["NAME", "AGE"]);
        t.row(vec!["Zoë\u{1b}[31m".into(), age(Some(12), false)]);
        t.row(vec!["Li".into(), age(Some(0), true)]);
        assert_eq!(
            t.render(),
            "NAME      AGE\nZoë [31m  12+ days\nLi        today\n"
        );
    }

    #[test]
    fn durations_and_cuts() {
        assert_eq!(duration(42), "42 s");
        assert_eq!(duration(120), "2 min");
        assert_eq!(duration(130), "2 min 10 s");
        assert_eq!(duration(7500), "2 h 5 min");
        assert_eq!(cut("abcdefgh", 5), "abcd…");
        assert_eq!(cut("abc", 5), "abc");
    }
}
