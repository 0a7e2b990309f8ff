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
use crate::blocking::off_thread;
use crate::db::holds::{self, Hold, UnconfirmedSend};
use crate::db::{parse_ts, ts, Db};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::history::{self, ActivityAction, ActivityFilter, ActivityRow, NewActivity};
use crate::invitations::rules::{self, normalize_person_key};
use crate::invitations::{limits, RunSettings};
use crate::linkedin::{self, PathTail, Scheme};
use crate::model::{InvitationCategory, NewInvitation, ProviderKind, WriteKind, WriteOutcome};
use crate::providers::{notes, InvitationProvider, ProviderError};

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

/// Refuses a person on the do-not-contact list (the Lists screen), saying since when.
pub fn check_do_not_contact(db: &Db, invitation: &CheckedInvitation) -> AppResult<()> {
    let keys = [invitation.person_key.clone()];
    let Some(entry) = db.read(|c| crate::db::do_not_contact::find(c, &keys))? else {
        return Ok(());
    };
    let since = parse_ts(&entry.added_at).map(local_day).unwrap_or_default();
    Err(AppError::new(
        ErrorKind::InvalidInput,
        format!(
            "{} is on your do-not-contact list (since {since}), so nothing was sent. Remove them \
             from the list on the Lists screen if this is a mistake.",
            invitation.slug
        ),
    ))
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

/// What stands between a checked request and the provider, read in one go.
struct Gate {
    hold: Option<Hold>,
    done_today: u32,
    unconfirmed: Option<UnconfirmedSend>,
    last_sent_at: Option<DateTime<Utc>>,
}

fn read_gate(db: &Db, account_id: &str, person_key: &str, now: DateTime<Utc>) -> AppResult<Gate> {
    db.read(|c| {
        Ok(Gate {
            hold: holds::active(c, account_id, WriteKind::Send, &ts(now))?,
            done_today: history::done_today(c, account_id, WriteKind::Send, now)?,
            unconfirmed: holds::unconfirmed_send(c, account_id, person_key)?,
            last_sent_at: crate::db::activity::last_at(c, account_id, ActivityAction::Invited)?
                .as_deref()
                .and_then(parse_ts),
        })
    })
}

/// Refuses a send while the provider holds the account's requests or today's cap is used.
fn check_limits(gate: &Gate, daily_cap: u32, now: DateTime<Utc>) -> AppResult<()> {
    if let Some(hold) = &gate.hold {
        let until = parse_ts(&hold.until).unwrap_or(now);
        return Err(AppError::new(
            ErrorKind::RateLimited,
            format!(
                "Connection requests on this account are on hold until {}: {} Nothing was sent.",
                local_time(until),
                hold.reason.trim_end_matches('.'),
            ),
        ));
    }
    if gate.done_today >= daily_cap {
        return Err(AppError::new(
            ErrorKind::RateLimited,
            format!(
                "This account has sent its {daily_cap} connection requests for today (the daily \
                 cap in Settings). Sending resumes after midnight ({}).",
                local_time(history::next_local_midnight(now))
            ),
        ));
    }
    Ok(())
}

fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Whether an invitation from this account to the person is pending now, from the provider's
/// sent list: the check after a request whose answer was lost. (A request the person sent us
/// is on the received list and never counts.)
async fn is_pending_to(provider: &dyn InvitationProvider, person_key: &str) -> AppResult<bool> {
    let sent = provider
        .list_sent(&crate::providers::ignore_progress)
        .await?;
    Ok(sent
        .iter()
        .any(|i| rules::person_key(&i.person).as_deref() == Some(person_key)))
}

/// Checks, sends through the account's provider, and records a sent request.
///
/// Nothing twice: a request whose answer was lost (timeout, dropped connection) is remembered;
/// until the provider can no longer apply it, another request to the same person is refused,
/// and after that it is sent only if the sent list does not show the first one.
pub async fn send_invitation(
    accounts: Arc<Accounts>,
    db: Arc<Db>,
    account_id: String,
    request: NewInvitation,
) -> AppResult<WriteOutcome> {
    let (account, checked, provider, settings) = {
        let (accounts, db, account_id) = (accounts.clone(), db.clone(), account_id.clone());
        off_thread(move || {
            let account = accounts.get(&account_id)?;
            let checked = check_request(&request, account.provider)?;
            // Someone who asked not to be contacted is refused before anything else.
            check_do_not_contact(&db, &checked)?;
            check_cooldown(&withdrawals(&db, &account_id)?, &checked, Utc::now())?;
            let provider = accounts.provider(&account_id)?;
            let settings = RunSettings::from(accounts.settings(&account_id)?);
            Ok((account, checked, provider, settings))
        })
        .await?
    };
    let limits = limits::effective(&settings, WriteKind::Send, provider.reaches_linkedin());
    let gate = {
        let (db, id, key) = (db.clone(), account_id.clone(), checked.person_key.clone());
        off_thread(move || read_gate(&db, &id, &key, Utc::now())).await?
    };
    check_limits(&gate, limits.daily_cap, Utc::now())?;
    if let Some(earlier) = &gate.unconfirmed {
        settle_earlier_send(&db, &account, &checked, provider.as_ref(), earlier).await?;
    }
    // The pause between two requests of this account, as between two writes of a job.
    if let Some(last) = gate.last_sent_at {
        let next = last + chrono::Duration::seconds(i64::from(limits.pace_min_secs));
        if let Ok(wait) = (next - Utc::now()).to_std() {
            tokio::time::sleep(wait).await;
        }
    }
    let started = Utc::now();
    let outcome = match provider.send_invitation(&checked.request).await {
        Ok(outcome) => outcome,
        Err(e) => {
            let e = match e.kind {
                ErrorKind::Unconfirmed => {
                    remember_unconfirmed(&db, &account_id, &checked, provider.as_ref(), started)
                        .await?
                }
                ErrorKind::RateLimited => {
                    hold_sends(&db, &account_id, &e).await?;
                    send_error(e, &checked.slug)
                }
                _ => send_error(e, &checked.slug),
            };
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

/// A request to the same person whose answer was lost: refused until it can no longer land,
/// then checked. Ok when it did not go out (the new request may be sent).
async fn settle_earlier_send(
    db: &Arc<Db>,
    account: &AccountView,
    checked: &CheckedInvitation,
    provider: &dyn InvitationProvider,
    earlier: &UnconfirmedSend,
) -> AppResult<()> {
    let now = Utc::now();
    let attempt = parse_ts(&earlier.attempt_at).unwrap_or(now);
    let check_at = parse_ts(&earlier.check_at).unwrap_or(now);
    if now < check_at {
        return Err(AppError::new(
            ErrorKind::Unconfirmed,
            format!(
                "The request to {} sent at {} got no answer and may still go out. InviteDesk \
                 checks at {} whether it did; send again after that.",
                checked.slug,
                local_time(attempt),
                local_time(check_at)
            ),
        ));
    }
    let went_out = is_pending_to(provider, &checked.person_key)
        .await
        .map_err(|e| {
            AppError::new(
                e.kind,
                format!(
                    "Could not check whether the earlier request to {} went out, so nothing \
                     was sent: {}",
                    checked.slug, e.message
                ),
            )
        })?;
    let (db, id, key) = (db.clone(), account.id.clone(), checked.person_key.clone());
    let row = went_out.then(|| invited_activity(account, checked, attempt));
    off_thread(move || {
        db.write(|tx| {
            holds::clear_unconfirmed_send(tx, &id, &key)?;
            if let Some(row) = &row {
                crate::db::activity::insert(tx, row)?;
            }
            Ok(())
        })
    })
    .await?;
    if went_out {
        return Err(AppError::new(
            ErrorKind::AlreadyInvited,
            format!(
                "The request to {} sent at {} did go out: it is pending, so it was not sent \
                 again.",
                checked.slug,
                local_time(attempt)
            ),
        ));
    }
    Ok(())
}

/// Records a request whose answer was lost and says when it will be checked.
async fn remember_unconfirmed(
    db: &Arc<Db>,
    account_id: &str,
    checked: &CheckedInvitation,
    provider: &dyn InvitationProvider,
    started: DateTime<Utc>,
) -> AppResult<AppError> {
    let settle =
        chrono::Duration::from_std(provider.settle_delay()).unwrap_or(chrono::Duration::minutes(1));
    // From now, not `started`: the write itself began later (after a relationship check, or
    // a rate limit the client waited out), at most a request timeout before it failed.
    let check_at = Utc::now() + settle;
    let record = UnconfirmedSend {
        account_id: account_id.to_string(),
        person_key: checked.person_key.clone(),
        profile_url: checked.request.profile_url.clone(),
        attempt_at: ts(started),
        check_at: ts(check_at),
    };
    let db = db.clone();
    off_thread(move || db.write(|tx| holds::set_unconfirmed_send(tx, &record))).await?;
    Ok(AppError::new(
        ErrorKind::Unconfirmed,
        format!(
            "{} did not confirm the request to {}; it may still go out. InviteDesk checks at {} \
             before anything is sent to {} again.",
            provider.kind().label(),
            checked.slug,
            local_time(check_at),
            checked.slug
        ),
    ))
}

/// Keeps a provider's "no more requests before …" for every later send on the account.
async fn hold_sends(db: &Arc<Db>, account_id: &str, error: &ProviderError) -> AppResult<()> {
    let now = Utc::now();
    let until = error
        .retry_at
        .unwrap_or(now + chrono::Duration::minutes(15))
        .max(now);
    let hold = Hold {
        account_id: account_id.to_string(),
        action: WriteKind::Send,
        until: ts(until),
        reason: error.message.clone(),
    };
    let db = db.clone();
    off_thread(move || db.write(|tx| holds::set(tx, &hold, &ts(now)))).await
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
            rule: None,
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
    fn a_person_on_the_do_not_contact_list_is_refused_with_the_reason() {
        let db = Db::open_in_memory().unwrap();
        let jane = check("https://fr.linkedin.com/in/Jane-Doe/", None).unwrap();
        assert!(check_do_not_contact(&db, &jane).is_ok());
        crate::lists::do_not_contact::import(&db, "linkedin.com/in/jane-doe", Utc::now()).unwrap();
        let err = check_do_not_contact(&db, &jane).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(
            err.message
                .starts_with("Jane-Doe is on your do-not-contact list (since "),
            "{}",
            err.message
        );
        assert!(err.message.contains("nothing was sent"));
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
