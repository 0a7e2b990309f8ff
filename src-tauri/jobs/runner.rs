//! Runs a job: one worker per account, all accounts in parallel, each item journaled before and
//! after its provider call.
//!
//! Per account: a random pause between calls; the daily withdrawal cap (reached: the account
//! waits until midnight); a rate limit pauses that account only, until the provider's
//! `retry_at` or a default backoff; bad credentials or billing problems end that account's
//! remaining items as failed with the reason. Cancel is checked between items and ends any
//! pause at once.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::SeedableRng;
use rusqlite::Connection;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::types::{ItemOutcome, JobAction, JobProgress, JobState, PlannedInvitation, PlannedItem};
use super::{item_view, pacing, summary_of, Inner};
use crate::db::cache::{self, Screen};
use crate::db::journal::{self, Claim, ItemRow, JobAccountRow};
use crate::db::{self as store, pins};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::history::{self, ActivityAction, NewActivity};
use crate::invitations::{off_thread, rules};
use crate::model::WriteOutcome;
use crate::providers::InvitationProvider;

/// What a provider error means for the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorClass {
    /// The invitation is no longer pending: nothing to do.
    Gone,
    /// Wait, then try the same item again.
    RateLimited,
    /// The account cannot go on (credentials, billing, credits, key).
    StopAccount,
    /// The call may have reached the provider: check before any retry.
    Ambiguous,
    /// This item failed; the next one may work.
    Failed,
}

pub(crate) fn classify(kind: ErrorKind) -> ErrorClass {
    match kind {
        ErrorKind::NoPendingInvitation | ErrorKind::AlreadyConnected => ErrorClass::Gone,
        ErrorKind::RateLimited => ErrorClass::RateLimited,
        ErrorKind::BadCredentials
        | ErrorKind::Billing
        | ErrorKind::InsufficientCredits
        | ErrorKind::KeyMissing
        | ErrorKind::KeyringUnavailable => ErrorClass::StopAccount,
        ErrorKind::Network
        | ErrorKind::ProviderUnavailable
        | ErrorKind::UnexpectedResponse
        | ErrorKind::Internal => ErrorClass::Ambiguous,
        _ => ErrorClass::Failed,
    }
}

/// Until when an account waits after a rate limit.
pub(crate) fn rate_limit_until(
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    default_backoff: Duration,
    min_backoff: Duration,
) -> DateTime<Utc> {
    let floor = now + chrono::Duration::from_std(min_backoff).unwrap_or_default();
    match retry_at {
        Some(at) => at.max(floor),
        None => now + chrono::Duration::from_std(default_backoff).unwrap_or_default(),
    }
}

pub(super) async fn run(inner: Arc<Inner>, job_id: String, cancel: watch::Receiver<bool>) {
    if let Err(e) = run_workers(&inner, &job_id, &cancel).await {
        log::error!("job {job_id} stopped: {e}");
    }
    let cancelled = *cancel.borrow();
    let now = Utc::now();
    let finalized = inner.db.write(|tx| {
        let left =
            journal::items_in_state(tx, &job_id, &[ItemOutcome::Pending, ItemOutcome::Running])?;
        let state = if left.is_empty() {
            JobState::Finished
        } else if cancelled {
            JobState::Cancelled
        } else {
            // A worker stopped on a storage error: the job can be resumed.
            JobState::Interrupted
        };
        journal::set_job_state(tx, &job_id, state.as_str(), Some(&store::ts(now)))
    });
    if let Err(e) = finalized {
        log::error!("job {job_id}: could not record its end: {e}");
    }
    inner
        .active
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&job_id);
    emit(&inner, &job_id, None);
}

async fn run_workers(
    inner: &Arc<Inner>,
    job_id: &str,
    cancel: &watch::Receiver<bool>,
) -> AppResult<()> {
    let (job, accounts, items) = inner.db.read(|c| {
        let job = journal::get_job(c, job_id)?
            .ok_or_else(|| AppError::not_found("job vanished from the journal"))?;
        let accounts = journal::job_accounts(c, job_id)?;
        let items =
            journal::items_in_state(c, job_id, &[ItemOutcome::Pending, ItemOutcome::Running])?;
        Ok((job, accounts, items))
    })?;
    let action = JobAction::parse(&job.action)
        .ok_or_else(|| AppError::internal("This job has an unknown action."))?;
    emit(inner, job_id, None);

    let mut workers = JoinSet::new();
    for account in accounts {
        let mine: Vec<ItemRow> = items
            .iter()
            .filter(|i| i.account_id == account.account_id)
            .cloned()
            .collect();
        if mine.is_empty() {
            continue;
        }
        let worker = Worker {
            inner: inner.clone(),
            job_id: job_id.to_string(),
            action,
            account,
            cancel: cancel.clone(),
            provider: None,
            still_pending: None,
            last_call: None,
            rng: StdRng::from_entropy(),
        };
        workers.spawn(worker.run(mine));
    }
    while let Some(done) = workers.join_next().await {
        match done {
            Ok(Ok(())) => {}
            Ok(Err(e)) => log::error!("job {job_id}: an account stopped: {e}"),
            Err(e) => log::error!("job {job_id}: an account worker ended abnormally: {e}"),
        }
    }
    Ok(())
}

/// Sends the job's summary (and an item, when one changed) to whoever listens.
fn emit(inner: &Inner, job_id: &str, item: Option<&ItemRow>) {
    let progress = inner.db.read(|c| progress(c, job_id, item));
    send(inner, job_id, progress);
}

/// The job's summary as the journal has it now, with `item` when one changed.
fn progress(c: &Connection, job_id: &str, item: Option<&ItemRow>) -> AppResult<JobProgress> {
    let job = journal::get_job(c, job_id)?.ok_or_else(|| AppError::not_found("job"))?;
    Ok(JobProgress {
        job: summary_of(c, &job, Utc::now())?,
        item: item.map(item_view),
    })
}

fn send(inner: &Inner, job_id: &str, progress: AppResult<JobProgress>) {
    match progress {
        Ok(progress) => inner.events.job_progress(&progress),
        Err(e) => log::warn!("job {job_id}: no progress event: {e}"),
    }
}

/// Inside the transaction that changed `item`: the item as journalled now (else `item`) and
/// the progress event to send once committed, so an item step costs no second database visit.
fn reread(
    c: &Connection,
    job_id: &str,
    item: &ItemRow,
) -> AppResult<(ItemRow, AppResult<JobProgress>)> {
    let now = journal::get_item(c, &item.job_id, item.seq)?.unwrap_or_else(|| item.clone());
    let progress = progress(c, job_id, Some(&now));
    Ok((now, progress))
}

/// What processing one item led to.
enum Step {
    /// The provider was called (pace before the next call).
    Called,
    /// Settled without a provider write (skipped, already gone).
    Settled,
    /// Rate limited: wait, then the same item again.
    Wait {
        until: DateTime<Utc>,
        reason: String,
    },
    /// The account cannot go on.
    StopAccount(AppError),
    Cancelled,
}

/// How an item ended (after its claim).
enum Ending<'a> {
    /// The provider made the change; it goes in the history.
    Done,
    /// No longer pending. `recorded` when this job's earlier attempt most likely made the
    /// change, which then goes in the history.
    Gone { detail: &'a str, recorded: bool },
    /// The item failed. `needs_check` when the call may have reached the provider anyway: the
    /// item is then checked before any retry.
    Failed {
        error: &'a AppError,
        needs_check: bool,
    },
}

impl<'a> Ending<'a> {
    fn failed(error: &'a AppError) -> Self {
        Ending::Failed {
            error,
            needs_check: false,
        }
    }

    fn failed_needing_check(error: &'a AppError) -> Self {
        Ending::Failed {
            error,
            needs_check: true,
        }
    }
}

struct Worker {
    inner: Arc<Inner>,
    job_id: String,
    action: JobAction,
    account: JobAccountRow,
    cancel: watch::Receiver<bool>,
    provider: Option<Arc<dyn InvitationProvider>>,
    /// The account's pending invitation ids, listed once when an item needs checking.
    still_pending: Option<HashSet<String>>,
    last_call: Option<tokio::time::Instant>,
    rng: StdRng,
}

impl Worker {
    fn screen(&self) -> Screen {
        self.action.screen()
    }

    fn cancelled(&self) -> bool {
        *self.cancel.borrow()
    }

    /// Sleeps, or returns early on cancel. True when not cancelled.
    async fn sleep(&mut self, duration: Duration) -> bool {
        if !duration.is_zero() && !self.cancelled() {
            let cancel = &mut self.cancel;
            tokio::select! {
                _ = tokio::time::sleep(duration) => {}
                _ = cancel.wait_for(|c| *c) => {}
            }
        }
        !self.cancelled()
    }

    async fn sleep_until(&mut self, until: DateTime<Utc>) -> bool {
        let wait = (until - Utc::now()).to_std().unwrap_or_default();
        self.sleep(wait).await
    }

    /// Records a pause of this account, waits it out (or until cancel), clears it.
    async fn pause(&mut self, until: DateTime<Utc>, reason: &str) -> AppResult<bool> {
        let (job, account) = (self.job_id.clone(), self.account.account_id.clone());
        self.inner.db.write(|tx| {
            journal::set_pause(tx, &job, &account, Some(&store::ts(until)), Some(reason))
        })?;
        emit(&self.inner, &self.job_id, None);
        if !self.sleep_until(until).await {
            // Keep the pause on record: a resumed job still honours it.
            return Ok(false);
        }
        self.inner
            .db
            .write(|tx| journal::set_pause(tx, &job, &account, None, None))?;
        emit(&self.inner, &self.job_id, None);
        Ok(true)
    }

    async fn run(mut self, items: Vec<ItemRow>) -> AppResult<()> {
        let id = self.account.account_id.clone();
        match off_thread(&self.inner.source, move |s| s.provider(&id)).await {
            Ok(p) => self.provider = Some(p),
            Err(e) => return self.stop_account(&e),
        }
        if let Some(until) = self
            .account
            .paused_until
            .as_deref()
            .and_then(store::parse_ts)
        {
            let reason = self.account.pause_reason.clone().unwrap_or_default();
            if until > Utc::now() && !self.pause(until, &reason).await? {
                return Ok(());
            }
        }
        let mut index = 0;
        while index < items.len() {
            if self.cancelled() {
                return Ok(());
            }
            if let Some(until) = self.cap_reached()? {
                let reason = format!(
                    "Daily cap of {} withdrawals reached; continues after midnight.",
                    self.account.daily_cap.unwrap_or_default()
                );
                if !self.pause(until, &reason).await? {
                    return Ok(());
                }
                continue;
            }
            match self.process(&items[index]).await? {
                Step::Called | Step::Settled => index += 1,
                Step::Wait { until, reason } => {
                    if !self.pause(until, &reason).await? {
                        return Ok(());
                    }
                }
                Step::StopAccount(error) => return self.stop_account(&error),
                Step::Cancelled => return Ok(()),
            }
        }
        Ok(())
    }

    /// When the account has used its daily withdrawal cap: until when it must wait.
    fn cap_reached(&self) -> AppResult<Option<DateTime<Utc>>> {
        let Some(cap) = self
            .account
            .daily_cap
            .filter(|_| self.action == JobAction::Withdraw)
        else {
            return Ok(None);
        };
        let now = Utc::now();
        let done = self
            .inner
            .db
            .read(|c| history::withdrawals_today(c, &self.account.account_id, now))?;
        Ok((done >= cap).then(|| history::next_local_midnight(now)))
    }

    /// Every unfinished item of this account fails with the account's error.
    fn stop_account(&self, error: &AppError) -> AppResult<()> {
        self.inner.source.failed(&self.account.account_id, error);
        let now = store::ts(Utc::now());
        self.inner.db.write(|tx| {
            journal::finish_remaining(
                tx,
                self.screen(),
                &self.job_id,
                Some(&self.account.account_id),
                ItemOutcome::Failed,
                Some(error),
                Some("Not attempted: this account cannot go on until the problem is fixed."),
                &now,
            )
        })?;
        emit(&self.inner, &self.job_id, None);
        Ok(())
    }

    /// Waits the random pause since the last call (or returns false on cancel).
    async fn pace(&mut self) -> bool {
        let Some(last) = self.last_call else {
            return !self.cancelled();
        };
        let pause = pacing::random_pause(
            self.account.pace_min_secs,
            self.account.pace_max_secs,
            &mut self.rng,
        );
        let wait = (last + pause).saturating_duration_since(tokio::time::Instant::now());
        self.sleep(wait).await
    }

    async fn process(&mut self, item: &ItemRow) -> AppResult<Step> {
        if !self.pace().await {
            return Ok(Step::Cancelled);
        }
        let planned: PlannedItem = store::from_json(&item.payload)?;
        let screen = self.screen();
        let now = Utc::now();
        let inner = self.inner.clone();
        let is_active = |job: &str| inner.is_active(job);

        // Before the call, in one transaction: re-read the item, honour a pin added since the
        // preview, claim the invitation and journal the attempt.
        let decision = self.inner.db.write(|tx| {
            let Some(fresh) = journal::get_item(tx, &item.job_id, item.seq)? else {
                return Ok(None);
            };
            if fresh.state.is_final() {
                return Ok(None);
            }
            let ts = store::ts(now);
            if self.action == JobAction::Withdraw
                && pins::covers(
                    tx,
                    &fresh.account_id,
                    &fresh.invitation_id,
                    planned.person_key.as_deref(),
                )?
            {
                let reason = "Pinned: on the keep-list, so it was not withdrawn.";
                journal::skip_item(tx, screen, &fresh, reason, &ts)?;
                let (skipped, progress) = reread(tx, &self.job_id, &fresh)?;
                return Ok(Some((skipped, None, progress)));
            }
            let claim = journal::claim(tx, screen, &fresh, &ts, &is_active)?;
            let detail = match &claim {
                Claim::Proceed { .. } => {
                    let (running, progress) = reread(tx, &self.job_id, &fresh)?;
                    return Ok(Some((running, Some(claim), progress)));
                }
                Claim::Finished { job_id, .. } => {
                    format!("Already handled by another job ({job_id}): not sent again.")
                }
                Claim::Busy { job_id } => {
                    format!("Being handled by another job that is running ({job_id}).")
                }
            };
            journal::skip_item(tx, screen, &fresh, &detail, &ts)?;
            // The event carries the item as skipped, not as it was before.
            let (skipped, progress) = reread(tx, &self.job_id, &fresh)?;
            Ok(Some((skipped, None, progress)))
        })?;
        let Some((fresh, claim, progress)) = decision else {
            return Ok(Step::Settled);
        };
        let Some(Claim::Proceed { verify }) = claim else {
            send(&self.inner, &self.job_id, progress);
            return Ok(Step::Settled);
        };
        let running = fresh;
        send(&self.inner, &self.job_id, progress);

        if verify {
            match self.is_still_pending(&running.invitation_id).await {
                Ok(true) => {}
                Ok(false) => {
                    // The earlier attempt most likely went through before the app stopped.
                    let ending = Ending::Gone {
                        detail: "No longer pending when checked after the interruption: the \
                                 earlier attempt most likely went through, so it was not sent \
                                 again.",
                        recorded: true,
                    };
                    self.finish(&running, &planned, ending)?;
                    return Ok(Step::Settled);
                }
                Err(error) => {
                    if classify(error.kind) == ErrorClass::StopAccount {
                        self.finish(&running, &planned, Ending::failed_needing_check(&error))?;
                        return Ok(Step::StopAccount(error));
                    }
                    let error = AppError::new(
                        error.kind,
                        format!(
                            "Could not check whether it is still pending, so it was not sent \
                             again: {}",
                            error.message
                        ),
                    );
                    self.finish(&running, &planned, Ending::failed_needing_check(&error))?;
                    return Ok(Step::Settled);
                }
            }
        }

        let result = self.call(&planned).await;
        self.last_call = Some(tokio::time::Instant::now());
        match result {
            Ok(WriteOutcome::Done) => {
                self.finish(&running, &planned, Ending::Done)?;
                Ok(Step::Called)
            }
            Ok(WriteOutcome::AlreadyGone) => {
                let ending = Ending::Gone {
                    detail: "No longer pending: withdrawn, accepted or expired elsewhere.",
                    recorded: false,
                };
                self.finish(&running, &planned, ending)?;
                Ok(Step::Called)
            }
            Err(provider_error) => {
                let retry_at = provider_error.retry_at;
                let error = AppError::from(provider_error);
                match classify(error.kind) {
                    ErrorClass::Gone => {
                        let ending = Ending::Gone {
                            detail: &error.message,
                            recorded: false,
                        };
                        self.finish(&running, &planned, ending)?;
                        Ok(Step::Called)
                    }
                    ErrorClass::RateLimited => {
                        let (_, progress) = self.inner.db.write(|tx| {
                            journal::return_to_pending(tx, screen, &running)?;
                            reread(tx, &self.job_id, &running)
                        })?;
                        send(&self.inner, &self.job_id, progress);
                        let config = self.inner.config;
                        let until = rate_limit_until(
                            retry_at,
                            Utc::now(),
                            config.default_backoff,
                            config.min_backoff,
                        );
                        Ok(Step::Wait {
                            until,
                            reason: format!("Rate limited: {}", error.message),
                        })
                    }
                    ErrorClass::StopAccount => {
                        self.finish(&running, &planned, Ending::failed(&error))?;
                        Ok(Step::StopAccount(error))
                    }
                    ErrorClass::Ambiguous => {
                        self.finish(&running, &planned, Ending::failed_needing_check(&error))?;
                        Ok(Step::Called)
                    }
                    ErrorClass::Failed => {
                        self.finish(&running, &planned, Ending::failed(&error))?;
                        Ok(Step::Called)
                    }
                }
            }
        }
    }

    async fn call(
        &self,
        planned: &PlannedItem,
    ) -> Result<WriteOutcome, crate::providers::ProviderError> {
        let provider = self
            .provider
            .as_ref()
            .expect("the provider is set before any item runs");
        match (&planned.invitation, self.action.response()) {
            (PlannedInvitation::Sent(invitation), None) => provider.withdraw(invitation).await,
            (PlannedInvitation::Received(invitation), Some(response)) => {
                provider.respond(invitation, response).await
            }
            _ => Err(crate::providers::ProviderError::new(
                ErrorKind::Internal,
                "This item does not match its job's action.",
            )),
        }
    }

    async fn is_still_pending(&mut self, invitation_id: &str) -> AppResult<bool> {
        if self.still_pending.is_none() {
            let provider = self
                .provider
                .clone()
                .expect("the provider is set before any item runs");
            let ignore = crate::providers::ignore_progress;
            let ids: HashSet<String> = match self.screen() {
                Screen::Sent => provider
                    .list_sent(&ignore)
                    .await?
                    .into_iter()
                    .map(|i| i.id)
                    .collect(),
                Screen::Received => provider
                    .list_received(&ignore)
                    .await?
                    .into_iter()
                    .map(|i| i.id)
                    .collect(),
            };
            self.still_pending = Some(ids);
        }
        Ok(self
            .still_pending
            .as_ref()
            .is_some_and(|ids| ids.contains(invitation_id)))
    }

    /// Journals how an item ended; for a change on LinkedIn, the history row goes in the same
    /// transaction. Invitations no longer pending leave the cache.
    fn finish(&self, item: &ItemRow, planned: &PlannedItem, ending: Ending<'_>) -> AppResult<()> {
        let (outcome, error, detail, needs_check, record) = match ending {
            Ending::Done => (ItemOutcome::Done, None, None, false, true),
            Ending::Gone { detail, recorded } => (
                ItemOutcome::AlreadyGone,
                None,
                Some(detail),
                false,
                recorded,
            ),
            Ending::Failed { error, needs_check } => {
                (ItemOutcome::Failed, Some(error), None, needs_check, false)
            }
        };
        let now = Utc::now();
        let screen = self.screen();
        let (_, progress) = self.inner.db.write(|tx| {
            journal::finish_item(
                tx,
                screen,
                item,
                outcome,
                error,
                detail,
                needs_check,
                &store::ts(now),
            )?;
            if matches!(outcome, ItemOutcome::Done | ItemOutcome::AlreadyGone) {
                cache::remove(tx, screen, &item.account_id, &item.invitation_id)?;
            }
            if record {
                history::record(tx, &self.activity(item, planned, now))?;
            }
            reread(tx, &self.job_id, item)
        })?;
        send(&self.inner, &self.job_id, progress);
        Ok(())
    }

    fn activity(&self, item: &ItemRow, planned: &PlannedItem, now: DateTime<Utc>) -> NewActivity {
        let p = &planned.item;
        let since_seen = store::parse_ts(&planned.first_seen_at)
            .map(|t| rules::estimate_age(crate::model::Age::UNKNOWN, t, t, now))
            .and_then(|a| a.days);
        let days_pending = match (p.age_days, since_seen) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        NewActivity {
            at: now,
            action: match self.action {
                JobAction::Withdraw => ActivityAction::Withdrawn,
                JobAction::Accept => ActivityAction::Accepted,
                JobAction::Ignore => ActivityAction::Ignored,
            },
            account_id: item.account_id.clone(),
            account_label: item.account_label.clone(),
            invitation_id: Some(item.invitation_id.clone()),
            name: p.name.clone(),
            profile_url: p.profile_url.clone(),
            category: p.category,
            sent_at: history::sent_on(p.age_days, p.age_exact, now),
            sent_text: planned.sent_text().map(str::to_string),
            days_pending,
            job_id: Some(item.job_id.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_sort_into_what_the_job_does_next() {
        assert_eq!(classify(ErrorKind::NoPendingInvitation), ErrorClass::Gone);
        assert_eq!(classify(ErrorKind::RateLimited), ErrorClass::RateLimited);
        assert_eq!(classify(ErrorKind::BadCredentials), ErrorClass::StopAccount);
        assert_eq!(classify(ErrorKind::Billing), ErrorClass::StopAccount);
        assert_eq!(classify(ErrorKind::Network), ErrorClass::Ambiguous);
        assert_eq!(classify(ErrorKind::NotSupported), ErrorClass::Failed);
        assert_eq!(classify(ErrorKind::NotFound), ErrorClass::Failed);
    }

    #[test]
    fn a_rate_limit_waits_until_the_given_time_or_a_default() {
        let now = Utc::now();
        let later = now + chrono::Duration::minutes(42);
        let d15 = Duration::from_secs(900);
        let d5 = Duration::from_secs(5);
        assert_eq!(rate_limit_until(Some(later), now, d15, d5), later);
        assert_eq!(
            rate_limit_until(None, now, d15, d5),
            now + chrono::Duration::minutes(15)
        );
        // A retry time already past still waits the minimum, so the loop cannot spin.
        assert_eq!(
            rate_limit_until(Some(now - chrono::Duration::minutes(1)), now, d15, d5),
            now + chrono::Duration::seconds(5)
        );
    }
}
