//! Sending one connection request with an optional note (the Send screen).
//!
//! Everything that can be refused locally is refused before the provider is called, so a
//! mistake never costs one of the account's weekly invitations: the profile address, the note
//! (its length as the provider counts it, and no control characters: `providers::notes`), and LinkedIn's
//! re-invite block on a person this account withdrew less than three weeks ago (from the local
//! record of withdrawals). A sent request is recorded in the activity history.

use std::sync::Arc;

use chrono::{DateTime, Local, Utc};

use crate::accounts::{AccountView, Accounts};
use crate::db::Db;
use crate::error::{AppError, AppResult, ErrorKind};
use crate::history::{self, ActivityAction, ActivityFilter, ActivityRow, NewActivity};
use crate::invitations::rules::normalize_person_key;
use crate::linkedin::{self, PathTail, Scheme};
use crate::model::{InvitationCategory, NewInvitation, ProviderKind, WriteOutcome};
use crate::providers::{notes, ProviderError};

/// A request that passed the local checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedInvitation {
    /// What the provider is sent: the profile address without tracking parameters and the
    /// trimmed note (`None` when empty).
    pub request: NewInvitation,
    /// The vanity slug, percent-decoded (`jérôme-x`): how the person is named in messages.
    pub slug: String,
    /// `in:<slug>`, the key that matches the same person however the URL was spelled.
    pub person_key: String,
}

/// Checks the address and the note against what `provider` accepts.
pub fn check_request(
    request: &NewInvitation,
    provider: ProviderKind,
) -> AppResult<CheckedInvitation> {
    let (profile_url, slug) = profile_address(&request.profile_url)?;
    let note = request
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    if let Some(problem) = note
        .as_deref()
        .and_then(|n| notes::note_problem(provider, n))
    {
        return Err(AppError::invalid_input(problem));
    }
    let person_key = normalize_person_key(&profile_url)
        .ok_or_else(|| AppError::internal("A checked profile address has no person key."))?;
    Ok(CheckedInvitation {
        request: NewInvitation { profile_url, note },
        slug,
        person_key,
    })
}

/// An `https://…linkedin.com/in/<slug>` address → (the canonical address, the decoded slug).
fn profile_address(raw: &str) -> AppResult<(String, String)> {
    let refuse = || {
        let shown: String = raw.trim().chars().take(80).collect();
        AppError::invalid_input(format!(
            "\"{shown}\" is not a LinkedIn profile address. Use one like \
             https://www.linkedin.com/in/jane-doe."
        ))
    };
    // The strictest reading: a new invitation goes to a profile page itself, over https.
    let slug = linkedin::parse_profile_slug(raw, Scheme::HttpsOnly, PathTail::Forbidden)
        .ok_or_else(refuse)?;
    Ok((linkedin::canonical_profile_url(&slug), slug))
}

/// Refuses when this account withdrew an invitation to the person and LinkedIn's re-invite
/// block (21 days from the withdrawal) has not ended yet. `withdrawals` are the account's own.
pub fn check_cooldown(
    withdrawals: &[ActivityRow],
    invitation: &CheckedInvitation,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let blocked_until = withdrawals
        .iter()
        .filter(|r| r.action == ActivityAction::Withdrawn)
        .filter(|r| {
            r.profile_url.as_deref().and_then(normalize_person_key)
                == Some(invitation.person_key.clone())
        })
        .filter_map(|r| {
            let at = crate::db::parse_ts(&r.at)?;
            let until = r
                .reinvite_after
                .as_deref()
                .and_then(crate::db::parse_ts)
                .unwrap_or(at + chrono::Duration::days(history::REINVITE_BLOCK_DAYS));
            Some((at, until))
        })
        .filter(|(_, until)| *until > now)
        .max_by_key(|(_, until)| *until);
    match blocked_until {
        None => Ok(()),
        Some((at, until)) => Err(AppError::new(
            ErrorKind::AlreadyInvited,
            format!(
                "You withdrew an invitation to {} on {}; LinkedIn blocks a new one for {} days, \
                 until {}. Try again from then.",
                invitation.slug,
                local_day(at),
                history::REINVITE_BLOCK_DAYS,
                local_day(until),
            ),
        )),
    }
}

fn local_day(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%Y-%m-%d").to_string()
}

/// The provider's refusal, in words about this person.
pub fn send_error(error: ProviderError, slug: &str) -> AppError {
    match error.kind {
        ErrorKind::AlreadyConnected => AppError::new(
            ErrorKind::AlreadyConnected,
            format!("You are already connected with {slug}: there is nothing to send."),
        ),
        ErrorKind::AlreadyInvited => AppError::new(
            ErrorKind::AlreadyInvited,
            format!(
                "An invitation to {slug} is already pending. It is on the Sent screen after the \
                 next refresh."
            ),
        ),
        // The rest (rate limits with their "until", credits, network, …) already say what
        // happened and what to do; `From` adds the retry time when the provider gave one.
        _ => AppError::from(error),
    }
}

/// The activity row for a request the provider accepted.
pub fn invited_activity(
    account: &AccountView,
    invitation: &CheckedInvitation,
    now: DateTime<Utc>,
) -> NewActivity {
    NewActivity {
        at: now,
        action: ActivityAction::Invited,
        account_id: account.id.clone(),
        account_label: account.label.clone(),
        invitation_id: None,
        name: invitation.slug.clone(),
        profile_url: Some(invitation.request.profile_url.clone()),
        category: InvitationCategory::Connection,
        sent_at: Some(local_day(now)),
        sent_text: None,
        days_pending: Some(0),
        job_id: None,
    }
}

/// The account's withdrawals from the local record.
fn withdrawals(db: &Db, account_id: &str) -> AppResult<Vec<ActivityRow>> {
    history::list(
        db,
        &ActivityFilter {
            account_id: Some(account_id.to_string()),
            action: Some(ActivityAction::Withdrawn),
            ..Default::default()
        },
    )
}

/// Runs blocking work (the database, a keyring lookup) off the async workers.
async fn off_thread<T: Send + 'static>(
    call: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(call)
        .await
        .map_err(|e| AppError::internal(format!("A background task failed: {e}")))?
}

/// Checks, sends through the account's provider, and records a sent request.
pub async fn send_invitation(
    accounts: Arc<Accounts>,
    db: Arc<Db>,
    account_id: String,
    request: NewInvitation,
) -> AppResult<WriteOutcome> {
    let (account, checked, provider) = {
        let (accounts, db, account_id) = (accounts.clone(), db.clone(), account_id.clone());
        off_thread(move || {
            let account = accounts.get(&account_id)?;
            let checked = check_request(&request, account.provider)?;
            check_cooldown(&withdrawals(&db, &account_id)?, &checked, Utc::now())?;
            let provider = accounts.provider(&account_id)?;
            Ok((account, checked, provider))
        })
        .await?
    };
    let outcome = match provider.send_invitation(&checked.request).await {
        Ok(outcome) => outcome,
        Err(e) => {
            let e = send_error(e, &checked.slug);
            accounts.record_error(&account_id, &e);
            return Err(e);
        }
    };
    accounts.record_ok(&account_id);
    if outcome == WriteOutcome::Done {
        let row = invited_activity(&account, &checked, Utc::now());
        off_thread(move || history::record_invited(&db, &row)).await?;
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn request(url: &str, note: Option<&str>) -> NewInvitation {
        NewInvitation {
            profile_url: url.into(),
            note: note.map(str::to_string),
        }
    }

    fn check(url: &str, note: Option<&str>) -> AppResult<CheckedInvitation> {
        check_request(&request(url, note), ProviderKind::ConnectSafely)
    }

    fn withdrawal(profile_url: &str, at: DateTime<Utc>) -> ActivityRow {
        ActivityRow {
            id: 1,
            at: crate::db::ts(at),
            action: ActivityAction::Withdrawn,
            account_id: "a".into(),
            account_label: "Work".into(),
            invitation_id: Some("i1".into()),
            name: "Jane Doe".into(),
            profile_url: Some(profile_url.into()),
            category: InvitationCategory::Connection,
            sent_at: None,
            sent_text: None,
            days_pending: Some(30),
            reinvite_after: Some(crate::db::ts(
                at + Duration::days(history::REINVITE_BLOCK_DAYS),
            )),
            job_id: None,
        }
    }

    #[test]
    fn a_note_over_the_limit_is_refused_with_its_length_and_the_limit() {
        let err = check("https://www.linkedin.com/in/jane", Some(&"x".repeat(312))).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(
            err.message
                .contains("312 characters as ConnectSafely counts them"),
            "{}",
            err.message
        );
        // Characters, not bytes: 300 accented letters fit.
        let ok = check("https://www.linkedin.com/in/jane", Some(&"é".repeat(300))).unwrap();
        assert_eq!(ok.request.note.unwrap().chars().count(), 300);
    }

    #[test]
    fn a_note_is_counted_as_connectsafely_counts_it_an_emoji_being_two() {
        // 300 characters on screen, 301 UTF-16 units: ConnectSafely would refuse it.
        let note = format!("{}🙂", "a".repeat(299));
        let err = check("https://www.linkedin.com/in/jane", Some(&note)).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(err.message.contains("301 characters"), "{}", err.message);
        let fits = format!("{}🙂", "a".repeat(298));
        assert!(check("https://www.linkedin.com/in/jane", Some(&fits)).is_ok());
    }

    #[test]
    fn a_note_with_a_control_character_is_refused_not_sent() {
        for note in ["Hi\u{0}Jane", "Hi \u{1b}[31mJane", "Hi \u{202E}enaJ"] {
            let err = check("https://www.linkedin.com/in/jane", Some(note)).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput);
            assert!(err.message.contains("control character"), "{}", err.message);
        }
        let ok = check(
            "https://www.linkedin.com/in/jane",
            Some("Hi Jane,\n\tthanks"),
        )
        .unwrap();
        assert_eq!(ok.request.note.as_deref(), Some("Hi Jane,\n\tthanks"));
    }

    #[test]
    fn the_note_is_trimmed_and_an_empty_one_is_no_note() {
        let padded = format!("  {}  \n", "y".repeat(300));
        let ok = check("https://www.linkedin.com/in/jane", Some(&padded)).unwrap();
        assert_eq!(ok.request.note.as_deref(), Some("y".repeat(300).as_str()));
        let blank = check("https://www.linkedin.com/in/jane", Some("   ")).unwrap();
        assert_eq!(blank.request.note, None);
    }

    #[test]
    fn only_https_linkedin_profile_addresses_are_accepted() {
        let ok = check(
            "  https://fr.linkedin.com/in/J%C3%A9r%C3%B4me-X/?trk=abc ",
            None,
        )
        .unwrap();
        assert_eq!(ok.slug, "Jérôme-X");
        assert_eq!(
            ok.request.profile_url,
            "https://www.linkedin.com/in/J%C3%A9r%C3%B4me-X"
        );
        assert_eq!(ok.person_key, "in:jérôme-x");
        assert!(check("https://linkedin.com/in/johndoe", None).is_ok());
        for bad in [
            "http://www.linkedin.com/in/jane",
            "https://www.linkedin.com/company/acme",
            "https://www.linkedin.com/in/",
            "https://www.linkedin.com/in/jane/details/skills",
            "https://evil.com/in/jane",
            "https://notlinkedin.com/in/jane",
            "https://linkedin.com.evil.com/in/jane",
            "jane",
            "",
        ] {
            let err = check(bad, None).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad}");
            assert!(
                err.message.contains("not a LinkedIn profile address"),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_person_withdrawn_less_than_21_days_ago_is_refused_with_the_dates() {
        let now = Utc::now();
        let jane = check("https://www.linkedin.com/in/Jane-Doe?trk=x", None).unwrap();
        let recent = withdrawal(
            "https://fr.linkedin.com/in/jane-doe/",
            now - Duration::days(5),
        );
        let err = check_cooldown(&[recent], &jane, now).unwrap_err();
        assert_eq!(err.kind, ErrorKind::AlreadyInvited);
        assert!(
            err.message.contains(&local_day(now - Duration::days(5))),
            "{}",
            err.message
        );
        assert!(err.message.contains(&local_day(now + Duration::days(16))));

        // Older than the block, or someone else: nothing stands in the way.
        let old = withdrawal(
            "https://www.linkedin.com/in/jane-doe",
            now - Duration::days(22),
        );
        assert!(check_cooldown(&[old], &jane, now).is_ok());
        let other = withdrawal(
            "https://www.linkedin.com/in/john-doe",
            now - Duration::days(1),
        );
        assert!(check_cooldown(&[other], &jane, now).is_ok());
    }

    #[test]
    fn provider_refusals_name_the_person_and_keep_their_kind() {
        let e = send_error(
            ProviderError::new(ErrorKind::AlreadyConnected, "connected"),
            "jane",
        );
        assert_eq!(e.kind, ErrorKind::AlreadyConnected);
        assert!(e.message.contains("jane"));
        let mut limited = ProviderError::new(ErrorKind::RateLimited, "Weekly limit reached.");
        limited.retry_at = Some(Utc::now() + Duration::hours(3));
        let e = send_error(limited, "jane");
        assert_eq!(e.kind, ErrorKind::RateLimited);
        assert!(e.message.contains("Try again after"), "{}", e.message);
    }
}
