//! People an account is known to be connected with, from what InviteDesk saw itself: an
//! invitation of ours that a provider confirmed accepted (Insights' relationship check), or an
//! invitation of theirs the user accepted here. A bulk send skips them before asking the
//! provider; anyone else already connected is caught by the provider's answer at send time.

use std::collections::HashMap;

use super::profile_ref::ProfileRef;
use crate::db::{fates, Db};
use crate::error::AppResult;
use crate::history::{self, ActivityAction, ActivityFilter};
use crate::invitations::rules::normalize_person_key;
use crate::linkedin;

/// Every key each known connection matches, with the reason a send to them is skipped.
pub fn known_connections(db: &Db, account_id: &str) -> AppResult<HashMap<String, String>> {
    let mut out: HashMap<String, String> = HashMap::new();
    let mut add = |profile_url: Option<&str>, person_key: Option<&str>, why: String| {
        let mut keys: Vec<String> = person_key
            .and_then(normalize_person_key)
            .into_iter()
            .collect();
        if let Some(slug) = profile_url.and_then(linkedin::profile_slug) {
            keys.extend(ProfileRef::PublicId(linkedin::decode_slug(&slug)).keys());
        }
        for key in keys {
            out.entry(key).or_insert_with(|| why.clone());
        }
    };
    for fate in db.read(|c| fates::all(c, Some(account_id)))? {
        if let Some(at) = fate.connected_at.as_deref() {
            add(
                fate.profile_url.as_deref(),
                fate.person_key.as_deref(),
                format!(
                    "Already a connection: accepted your invitation (known since {}).",
                    day(at)
                ),
            );
        }
    }
    let accepted = history::list(
        db,
        &ActivityFilter {
            account_id: Some(account_id.to_string()),
            action: Some(ActivityAction::Accepted),
            ..Default::default()
        },
    )?;
    for row in accepted {
        add(
            row.profile_url.as_deref(),
            None,
            format!(
                "Already a connection: you accepted their invitation on {}.",
                day(&row.at)
            ),
        );
    }
    Ok(out)
}

/// `YYYY-MM-DD` of a stored timestamp.
fn day(ts: &str) -> &str {
    ts.get(..10).unwrap_or(ts)
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::db::activity::NewActivity;
    use crate::db::fates::FateRow;
    use crate::model::InvitationCategory;

    fn fate(id: &str, url: &str, connected_at: Option<&str>) -> FateRow {
        FateRow {
            account_id: "a".into(),
            invitation_id: id.into(),
            person_key: None,
            name: id.into(),
            profile_url: Some(url.into()),
            sent_at: "2026-10-01T00:00:00Z".into(),
            sent_exact: true,
            first_seen_at: "2026-10-01T00:00:00Z".into(),
            last_seen_at: "2026-10-20T00:00:00Z".into(),
            gone: true,
            ended_at: Some("2026-10-21T00:00:00Z".into()),
            connected_at: connected_at.map(str::to_string),
            checked_at: Some("2026-10-22T00:00:00Z".into()),
        }
    }

    #[test]
    fn our_accepted_invitations_and_theirs_we_accepted_are_known_connections() {
        let db = Db::open_in_memory().unwrap();
        db.write(|tx| {
            fates::insert_gone(
                tx,
                &fate(
                    "1",
                    "https://www.linkedin.com/in/Ana-M/",
                    Some("2026-10-22T08:00:00Z"),
                ),
            )?;
            // Gone without a confirmed connection (declined, withdrawn elsewhere): not known.
            fates::insert_gone(tx, &fate("2", "https://www.linkedin.com/in/bo", None))?;
            history::record(
                tx,
                &NewActivity {
                    at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(),
                    action: ActivityAction::Accepted,
                    account_id: "a".into(),
                    account_label: "Work".into(),
                    invitation_id: Some("r1".into()),
                    name: "Cy".into(),
                    profile_url: Some("https://linkedin.com/in/cy%C3%A9".into()),
                    category: InvitationCategory::Connection,
                    sent_at: None,
                    sent_text: None,
                    days_pending: None,
                    job_id: None,
                },
            )?;
            Ok(())
        })
        .unwrap();

        let known = known_connections(&db, "a").unwrap();
        assert_eq!(
            known.get("in:ana-m").map(String::as_str),
            Some("Already a connection: accepted your invitation (known since 2026-10-22).")
        );
        assert!(!known.contains_key("in:bo"));
        assert_eq!(
            known.get("in:cyé").map(String::as_str),
            Some("Already a connection: you accepted their invitation on 2026-11-02.")
        );
        assert!(known_connections(&db, "other").unwrap().is_empty());
    }
}
