//! Writes a demo account's invented past (`providers::demo::history`) into the fates table and
//! the activity record, once, so its Insights charts are worth looking at without a key.

use chrono::{DateTime, Duration, Utc};

use crate::db::activity::{self, ActivityAction, NewActivity};
use crate::db::fates::{self, FateRow};
use crate::db::{ts, Db};
use crate::error::AppResult;
use crate::model::InvitationCategory;
use crate::providers::demo::history::{past_invitations, PastOutcome};

/// Seeds the account's history unless it already has some; returns how many invitations were
/// written.
pub fn seed(db: &Db, account_id: &str, label: &str, now: DateTime<Utc>) -> AppResult<usize> {
    if db.read(|c| fates::any(c, account_id))? {
        return Ok(0);
    }
    let past = past_invitations(account_id, now);
    db.write(|tx| {
        for p in &past {
            let ended = ts(p.ended_at);
            // As a daily refresh would have seen it: last listed the day before it left.
            let last_seen = ts((p.ended_at - Duration::days(1)).max(p.sent_at));
            fates::insert_gone(
                tx,
                &FateRow {
                    account_id: account_id.to_string(),
                    invitation_id: p.id.clone(),
                    person_key: None,
                    name: p.name.clone(),
                    profile_url: None,
                    sent_at: ts(p.sent_at),
                    sent_exact: true,
                    first_seen_at: ts(p.sent_at),
                    last_seen_at: last_seen,
                    gone: true,
                    ended_at: Some(ended.clone()),
                    connected_at: (p.outcome == PastOutcome::Accepted).then(|| ended.clone()),
                    checked_at: Some(ended),
                },
            )?;
            let row = |at, action, days_pending| NewActivity {
                at,
                action,
                account_id: account_id.to_string(),
                account_label: label.to_string(),
                invitation_id: Some(p.id.clone()),
                name: p.name.clone(),
                profile_url: None,
                category: InvitationCategory::Connection,
                sent_at: Some(p.sent_at.format("%Y-%m-%d").to_string()),
                sent_text: None,
                days_pending,
                job_id: None,
            };
            activity::insert(tx, &row(p.sent_at, ActivityAction::Invited, None))?;
            if p.outcome == PastOutcome::WithdrawnByApp {
                let days = u32::try_from((p.ended_at - p.sent_at).num_days()).unwrap_or(0);
                activity::insert(tx, &row(p.ended_at, ActivityAction::Withdrawn, Some(days)))?;
            }
        }
        Ok(())
    })?;
    Ok(past.len())
}

/// `n` finished invitations of the account spread over the two years before `now`, with
/// outcomes in the demo's proportions: what the benches load ("Insights for 100,000 historical
/// invitations"). Written straight to the fates table, like [`seed`]; returns `n`.
pub fn seed_many(db: &Db, account_id: &str, n: usize, now: DateTime<Utc>) -> AppResult<usize> {
    db.write(|tx| {
        for i in 0..n {
            // A fixed scramble of i: the same history every run.
            let h = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 16;
            let sent =
                now - Duration::days(2 + (h % 728) as i64) - Duration::minutes((h % 1440) as i64);
            let (days, accepted) = match h % 100 {
                0..=35 => ((h / 100) % 12, true),
                36..=47 => (3 + (h / 100) % 40, false),
                _ => (30 + (h / 100) % 4, false),
            };
            let ended = (sent + Duration::days(days as i64) + Duration::hours(3)).min(now);
            let ended_text = ts(ended);
            fates::insert_gone(
                tx,
                &FateRow {
                    account_id: account_id.to_string(),
                    invitation_id: format!("bench-{i}"),
                    person_key: None,
                    name: format!("Person {i}"),
                    profile_url: None,
                    sent_at: ts(sent),
                    sent_exact: !h.is_multiple_of(7),
                    first_seen_at: ts(sent),
                    last_seen_at: ts((ended - Duration::days(1)).max(sent)),
                    gone: true,
                    ended_at: Some(ended_text.clone()),
                    connected_at: accepted.then(|| ended_text.clone()),
                    checked_at: Some(ended_text),
                },
            )?;
        }
        Ok(n)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::fates::{infer_all, Fate};

    #[test]
    fn a_demo_account_gets_months_of_history_once() {
        let db = Db::open_in_memory().unwrap();
        let now = Utc::now();
        let n = seed(&db, "demo-a", "Demo", now).unwrap();
        assert!(n > 500);
        assert_eq!(seed(&db, "demo-a", "Demo", now).unwrap(), 0, "only once");
        let rows = db.read(|c| fates::all(c, Some("demo-a"))).unwrap();
        let withdrawals = crate::insights::fates::withdrawals_by_account(
            db.read(|c| activity::withdrawals(c, None)).unwrap(),
        );
        let fates = infer_all(&rows, &withdrawals, now);
        for fate in [Fate::Accepted, Fate::WithdrawnByApp, Fate::GoneOther] {
            assert!(fates.iter().any(|f| f.fate == fate), "{fate:?} present");
        }
        assert!(fates.iter().all(|f| f.fate != Fate::Pending));
    }
}
