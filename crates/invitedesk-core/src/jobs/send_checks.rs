//! Bulk send, at send time: the preview's skip reasons checked again just before each request
//! goes out, since the list may have changed in between (someone added to do-not-contact,
//! invited from another account or window, withdrawn by this account). A line skipped here is
//! journaled with the reason and never sent.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::types::{PlannedInvitation, PlannedItem};
use crate::db::activity::{self, ActivityQuery};
use crate::db::do_not_contact;
use crate::error::AppResult;
use crate::history::ActivityAction;
use crate::invitations::rules::normalize_person_key;
use crate::invitations::send::{check_cooldown, CheckedInvitation};

pub const SKIP_ALREADY_SENT: &str = "Already sent by a previous job: not sent twice.";
pub const SKIP_ALREADY_PENDING_THEN: &str =
    "Already pending when a previous job came to it: not sent.";

/// The claim key of a request to a person: there is no invitation id before the send, so the
/// journal and its claims name the person (`send:in:<slug>`).
pub fn claim_key(person_key: &str) -> String {
    format!("send:{person_key}")
}

/// Why this request must not go out now, if it must not.
pub(super) fn skip_reason(
    c: &Connection,
    planned: &PlannedItem,
    account_id: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<String>> {
    let (Some(key), PlannedInvitation::Request(request)) =
        (planned.person_key.as_deref(), &planned.invitation)
    else {
        return Ok(None);
    };
    if do_not_contact::find(c, &[key.to_string()])?.is_some() {
        return Ok(Some(
            "On your do-not-contact list (added after the preview): not sent.".into(),
        ));
    }
    let pending_from: Option<String> = c
        .query_row(
            "SELECT account_id FROM invitation_cache
             WHERE screen = 'sent' AND person_key = ?1
             ORDER BY account_id = ?2 DESC LIMIT 1",
            params![key, account_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(from) = pending_from {
        let whose = if from == account_id {
            "this account"
        } else {
            "another of your accounts"
        };
        return Ok(Some(format!("Already pending from {whose}: not sent.")));
    }
    // A request from any account (a single send, another job, another process) since the
    // preview, which the cached list does not show until the next refresh.
    let invited = activity::list(
        c,
        &ActivityQuery {
            from: Some(planned.first_seen_at.clone()),
            action: Some(ActivityAction::Invited),
            ..Default::default()
        },
    )?;
    if let Some(row) = invited.iter().find(|r| {
        r.profile_url
            .as_deref()
            .and_then(normalize_person_key)
            .as_deref()
            == Some(key)
    }) {
        return Ok(Some(format!(
            "Already sent from {} since the preview: not sent again.",
            row.account_label
        )));
    }
    let withdrawals = activity::list(
        c,
        &ActivityQuery {
            account_id: Some(account_id.to_string()),
            action: Some(ActivityAction::Withdrawn),
            ..Default::default()
        },
    )?;
    let checked = CheckedInvitation {
        request: request.clone(),
        slug: key.strip_prefix("in:").unwrap_or(key).to_string(),
        person_key: key.to_string(),
    };
    Ok(check_cooldown(&withdrawals, &checked, now)
        .err()
        .map(|e| e.message))
}
