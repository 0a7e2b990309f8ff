//! Bulk send, the preview (issue 13): each line
//! of a list with the note it would carry (from the template or the line's own note column),
//! the note's length as the provider counts it, and why a line is skipped. Every check is the
//! one a single send makes (`invitations::send::check_request` for the address and the note,
//! `check_cooldown` for the 21-day re-invite block), plus what only a list can know: already
//! pending from any of the user's accounts, on the do-not-contact list, the same person twice.
//! `send_days` says over how many days the daily cap spreads the run.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::list_file::ListLine;
use super::matching::PersonIndex;
use super::profile_ref::ProfileRef;
use crate::history::ActivityRow;
use crate::invitations::send::{check_cooldown, check_request, CheckedInvitation};
use crate::invitations::{rules, AccountRef, SentRow};
use crate::jobs::send_checks::claim_key;
use crate::jobs::types::{PlannedInvitation, PlannedItem};
use crate::jobs::PlanItem;
use crate::model::{InvitationCategory, NewInvitation, ProviderKind};
use crate::providers::notes;

/// The template's placeholders and the CSV columns they read.
const PLACEHOLDERS: [(&str, &str); 3] = [
    ("{firstName}", "firstName"),
    ("{lastName}", "lastName"),
    ("{company}", "company"),
];

/// One line of a bulk send, as its preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "BulkSendLine.ts")]
pub struct BulkSendLine {
    pub line: u32,
    pub text: String,
    /// The address the request goes to.
    pub profile_url: Option<String>,
    /// The rendered note (`None`: no note).
    pub note: Option<String>,
    /// Its length as the account's provider counts it.
    pub note_length: Option<u32>,
    /// Why it is not sent; `None` when it is.
    pub skip: Option<String>,
}

/// What the sending account already has, for the checks.
pub struct SendContext<'a> {
    pub provider: ProviderKind,
    /// Pending sent invitations of every account of the user.
    pub pending: &'a [SentRow],
    /// The do-not-contact list's keys.
    pub do_not_contact: &'a HashSet<String>,
    /// The sending account's withdrawals (for the re-invite block).
    pub withdrawals: &'a [ActivityRow],
    pub now: DateTime<Utc>,
}

/// Fills `{firstName}`, `{lastName}`, `{company}` from the line's columns; `Err` names the first
/// placeholder the line has no value for (a note never goes out as "Hi ,").
pub fn render_note(
    template: &str,
    fields: &HashMap<&'static str, String>,
) -> Result<String, String> {
    let mut note = template.to_string();
    for (placeholder, column) in PLACEHOLDERS {
        if !note.contains(placeholder) {
            continue;
        }
        match fields
            .get(column)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        {
            Some(value) => note = note.replace(placeholder, value),
            None => {
                return Err(format!(
                    "The note uses {placeholder}, and this line has no {column} column value."
                ))
            }
        }
    }
    Ok(note)
}

/// Each line with its note and its skip reason, in list order.
pub fn plan_lines(
    lines: &[ListLine],
    template: Option<&str>,
    ctx: &SendContext,
) -> Vec<BulkSendLine> {
    let pending = PersonIndex::new(ctx.pending.iter().map(|r| &r.invitation.person));
    let mut first_line: HashMap<String, u32> = HashMap::new();
    lines
        .iter()
        .map(|line| {
            let mut out = BulkSendLine {
                line: line.line,
                text: line.text.clone(),
                profile_url: None,
                note: None,
                note_length: None,
                skip: None,
            };
            out.skip = check_line(line, template, ctx, &pending, &mut first_line, &mut out).err();
            out
        })
        .collect()
}

fn check_line(
    line: &ListLine,
    template: Option<&str>,
    ctx: &SendContext,
    pending: &PersonIndex,
    first_line: &mut HashMap<String, u32>,
    out: &mut BulkSendLine,
) -> Result<(), String> {
    let profile = line.profile.clone()?;
    let ProfileRef::PublicId(_) = &profile else {
        return Err(
            "A member id: a connection request needs the profile address (linkedin.com/in/…)."
                .into(),
        );
    };
    let url = profile.profile_url().unwrap_or_default();
    out.profile_url = Some(url.clone());
    let note = match (line.fields.get("note"), template) {
        (Some(own), _) => Some(own.clone()),
        (None, Some(t)) if !t.trim().is_empty() => Some(render_note(t, &line.fields)?),
        _ => None,
    };
    out.note = note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    out.note_length = out
        .note
        .as_deref()
        .map(|n| notes::note_length(ctx.provider, n) as u32);
    let key = profile.key();
    if let Some(first) = first_line.get(&key) {
        return Err(format!("The same person as line {first}: sent once."));
    }
    first_line.insert(key, line.line);
    if profile
        .keys()
        .iter()
        .any(|k| ctx.do_not_contact.contains(k))
    {
        return Err("On your do-not-contact list.".into());
    }
    if let Some(row) = pending.find(&profile).first().map(|i| &ctx.pending[*i]) {
        return Err(format!("Already pending from {}.", row.account_label));
    }
    let checked = check_request(
        &NewInvitation {
            profile_url: url,
            note: out.note.clone(),
        },
        ctx.provider,
    )
    .map_err(|e| e.message)?;
    check_cooldown(ctx.withdrawals, &checked, ctx.now).map_err(|e| e.message)?;
    Ok(())
}

/// The job item for a line that goes out: the checked request, named by the line's first and
/// last name where given, else by the profile's public id.
pub fn planned_request(
    account: &AccountRef,
    line: &ListLine,
    checked: CheckedInvitation,
    now: DateTime<Utc>,
) -> PlannedItem {
    let given: Vec<&str> = ["firstName", "lastName"]
        .iter()
        .filter_map(|c| line.fields.get(c).map(|v| v.trim()))
        .filter(|v| !v.is_empty())
        .collect();
    let name = if given.is_empty() {
        checked.slug.clone()
    } else {
        given.join(" ")
    };
    let invitation_id = claim_key(&checked.person_key);
    PlannedItem {
        item: PlanItem {
            key: rules::row_key(&account.id, &invitation_id),
            account_id: account.id.clone(),
            account_label: account.label.clone(),
            invitation_id,
            name,
            headline: line
                .fields
                .get("company")
                .cloned()
                .filter(|c| !c.trim().is_empty()),
            profile_url: Some(checked.request.profile_url.clone()),
            category: InvitationCategory::Connection,
            age_days: None,
            age_exact: false,
        },
        // When it was planned: the send-time checks look for requests made since.
        first_seen_at: crate::db::ts(now),
        person_key: Some(checked.person_key),
        invitation: PlannedInvitation::Request(checked.request),
    }
}

/// Over how many days `count` requests go out when `left_today` more are allowed today and
/// `daily_cap` each later day (1 when everything fits today).
pub fn send_days(count: u32, left_today: u32, daily_cap: u32) -> u32 {
    if count <= left_today {
        return 1;
    }
    let rest = count - left_today;
    1 + rest.div_ceil(daily_cap.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::ActivityAction;
    use crate::lists::list_file::parse_list;
    use crate::lists::matching::tests::row;
    use crate::model::{InvitationCategory, Person};

    fn withdrawal(slug: &str, days_ago: i64, now: DateTime<Utc>) -> ActivityRow {
        let at = now - chrono::Duration::days(days_ago);
        ActivityRow {
            id: 1,
            at: crate::db::ts(at),
            action: ActivityAction::Withdrawn,
            account_id: "a".into(),
            account_label: "Work".into(),
            invitation_id: Some("i".into()),
            name: slug.into(),
            profile_url: Some(format!("https://www.linkedin.com/in/{slug}")),
            category: InvitationCategory::Connection,
            sent_at: None,
            sent_text: None,
            days_pending: None,
            reinvite_after: None,
            job_id: None,
            rule: None,
        }
    }

    #[test]
    fn each_kind_of_line_is_skipped_with_its_reason_and_the_rest_rendered() {
        let now = Utc::now();
        let pending = vec![row(
            "b",
            "1",
            Person {
                name: "Pat".into(),
                profile_url: Some("https://www.linkedin.com/in/pat".into()),
                ..Default::default()
            },
        )];
        let dnc: HashSet<String> = ["in:dora".to_string()].into();
        let withdrawals = vec![withdrawal("wes", 3, now)];
        let ctx = SendContext {
            provider: ProviderKind::ConnectSafely,
            pending: &pending,
            do_not_contact: &dnc,
            withdrawals: &withdrawals,
            now,
        };
        let long = "x".repeat(301);
        let csv = format!(
            "profile,firstName,company,note\n\
             ann,Ann,Acme,\n\
             pat,Pat,Acme,\n\
             dora,Dora,Acme,\n\
             wes,Wes,Acme,\n\
             ANN,Ann,Acme,\n\
             long-note,Lou,Acme,{long}\n\
             no-company,Nia,,\n\
             urn:li:member:12345,Max,Acme,\n\
             own-note,Oli,,\"Hello Oli, own words\"\n"
        );
        let lines = parse_list(&csv).unwrap();
        let out = plan_lines(&lines, Some("Hi {firstName}, fellow {company} fan?"), &ctx);
        let skip = |i: usize| out[i].skip.clone().unwrap_or_default();
        assert_eq!(out[0].skip, None);
        assert_eq!(out[0].note.as_deref(), Some("Hi Ann, fellow Acme fan?"));
        assert_eq!(out[0].note_length, Some(24));
        assert_eq!(
            out[0].profile_url.as_deref(),
            Some("https://www.linkedin.com/in/ann")
        );
        assert_eq!(skip(1), "Already pending from L-b.");
        assert_eq!(skip(2), "On your do-not-contact list.");
        assert!(
            skip(3).contains("LinkedIn blocks a new one for 21 days"),
            "{}",
            skip(3)
        );
        assert_eq!(skip(4), "The same person as line 2: sent once.");
        assert!(skip(5).contains("301 characters"), "{}", skip(5));
        assert_eq!(out[5].note_length, Some(301));
        assert!(skip(6).contains("{company}"), "{}", skip(6));
        assert!(skip(7).contains("member id"), "{}", skip(7));
        assert_eq!(out[8].skip, None);
        assert_eq!(
            out[8].note.as_deref(),
            Some("Hello Oli, own words"),
            "the line's own note wins"
        );
        assert_eq!(out.iter().filter(|l| l.skip.is_none()).count(), 2);
    }

    #[test]
    fn a_run_beyond_the_daily_cap_is_spread_over_days() {
        assert_eq!(send_days(10, 30, 30), 1);
        assert_eq!(send_days(30, 30, 30), 1);
        assert_eq!(send_days(31, 30, 30), 2);
        assert_eq!(send_days(70, 10, 30), 3);
        assert_eq!(
            send_days(5, 0, 0),
            6,
            "a zero cap counts as one a day, never divides by zero"
        );
    }
}
