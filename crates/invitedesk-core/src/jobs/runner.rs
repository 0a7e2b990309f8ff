//! Runs a job: one worker per account, all accounts in parallel, each item journaled before and
//! after its provider call.
//!
//! Per account: a random pause between calls (at least 1 s on a real account); the daily cap of
//! the job's action (reached: the account waits until midnight); a provider hold (rate limit,
//! weekly limit) is stored for the account and action and waited out, by this job and every
//! later one; bad credentials or billing problems end that account's remaining items as failed
//! with the reason. Cancel is checked between items and ends any pause at once.
//!
//! Nothing twice: a write whose outcome is unknown (timeout, dropped connection, an unreadable
//! answer, the app killed during the call) makes its item `checking`. The worker goes on with
//! the other items and comes back once the provider can no longer apply that write (the
//! provider's settle delay after the attempt started): it lists the account's pending
//! invitations, and only if the invitation is still there is the write sent again.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::SeedableRng;
use rusqlite::Connection;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::types::{ItemOutcome, JobAction, JobProgress, JobState, PlannedInvitation, PlannedItem};
use super::{item_view, pacing, send_checks, summary_of, Inner};
use crate::db::cache::{self, Screen};
use crate::db::holds::{self, Hold};
use crate::db::journal::{self, Claim, ItemRow, JobAccountRow};
use crate::db::{self as store, pins};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::history::{self, ActivityAction, NewActivity};
use crate::invitations::limits::{self, Effective};
use crate::invitations::{off_thread, rules};
use crate::model::{WriteKind, WriteOutcome};
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
    /// The call may have reached the provider: check, once it can no longer land, before any
    /// retry.
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
        ErrorKind::Unconfirmed
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

/// How many calls an item gets whose outcome stayed unknown before it is left failed (to be
/// checked by "Retry failed") rather than sent once more.
const MAX_UNCONFIRMED_ATTEMPTS: u32 = 3;
/// How many times a check that could not list the account is tried again before the item is
/// left failed.
const MAX_CHECK_TRIES: u32 = 3;

pub(super) async fn run(inner: Arc<Inner>, job_id: String, cancel: watch::Receiver<bool>) {
    if let Err(e) = run_workers(&inner, &job_id, &cancel).await {
        log::error!("job {job_id} stopped: {e}");
    }
    let cancelled = *cancel.borrow();
    let now = Utc::now();
    let finalized = inner.db.write(|tx| {
        let left = journal::items_in_state(tx, &job_id, &ItemOutcome::UNFINISHED)?;
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
        let items = journal::items_in_state(c, job_id, &ItemOutcome::UNFINISHED)?;
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
            limits: Effective {
                pace_min_secs: account.pace_min_secs,
                pace_max_secs: account.pace_max_secs,
                daily_cap: account.daily_cap.unwrap_or(u32::MAX),
            },
            account,
            cancel: cancel.clone(),
            provider: None,
            settle: chrono::Duration::zero(),
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
    /// The outcome of a write is not known: the item is `checking` until this time.
    Check(DateTime<Utc>, Box<ItemRow>),
    /// Rate limited: wait, then the same item again.
    Wait {
        until: DateTime<Utc>,
        reason: String,
    },
    /// The account cannot go on.
    StopAccount(AppError),
    Cancelled,
}

/// An item to process: fresh from the plan, or one a check found still pending, to be sent
/// again without another claim.
struct Work {
    item: ItemRow,
    checked: bool,
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
    /// A request whose answer was lost turned out to have gone out; it goes in the history.
    Landed { detail: &'a str },
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
    /// Pause and daily cap, within the safety floors once the provider is known.
    limits: Effective,
    cancel: watch::Receiver<bool>,
    provider: Option<Arc<dyn InvitationProvider>>,
    /// How long after an attempt's start the provider can no longer apply it.
    settle: chrono::Duration,
    last_call: Option<tokio::time::Instant>,
    rng: StdRng,
}

impl Worker {
    fn screen(&self) -> Screen {
        self.action.screen()
    }

    fn kind(&self) -> WriteKind {
        self.action.write_kind()
    }

    fn cancelled(&self) -> bool {
        *self.cancel.borrow()
    }

    fn provider(&self) -> Arc<dyn InvitationProvider> {
        self.provider
            .clone()
            .expect("the provider is set before any item runs")
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
            Ok(p) => {
                self.settle = chrono::Duration::from_std(p.settle_delay())
                    .unwrap_or_else(|_| chrono::Duration::minutes(1));
                self.limits = limits::floored(self.limits, self.kind(), p.reaches_linkedin());
                self.provider = Some(p);
            }
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
        let mut queue: VecDeque<Work> = items
            .into_iter()
            .map(|item| Work {
                item,
                checked: false,
            })
            .collect();
        let mut checks: Vec<(DateTime<Utc>, ItemRow)> = Vec::new();
        let mut check_tries: HashMap<i64, u32> = HashMap::new();
        loop {
            if self.cancelled() {
                return Ok(());
            }
            let now = Utc::now();
            if checks.iter().any(|(at, _)| *at <= now) {
                if let Some(error) = self
                    .settle_due(&mut checks, &mut queue, &mut check_tries)
                    .await?
                {
                    return self.stop_account(&error);
                }
                continue;
            }
            let Some(work) = queue.front() else {
                let Some(next) = checks.iter().map(|(at, _)| *at).min() else {
                    return Ok(());
                };
                if !self.sleep_until(next).await {
                    return Ok(());
                }
                continue;
            };
            if let Some(hold) = self.held()? {
                let until = store::parse_ts(&hold.until).unwrap_or(now);
                if !self.pause(until, &hold.reason).await? {
                    return Ok(());
                }
                continue;
            }
            if let Some(until) = self.cap_reached()? {
                let reason = format!(
                    "Daily cap of {} {} reached; continues after midnight.",
                    self.limits.daily_cap,
                    self.kind().noun_plural()
                );
                if !self.pause(until, &reason).await? {
                    return Ok(());
                }
                continue;
            }
            let (item, checked) = (work.item.clone(), work.checked);
            match self.process(&item, checked).await? {
                Step::Called | Step::Settled => {
                    queue.pop_front();
                }
                Step::Check(at, item) => {
                    queue.pop_front();
                    checks.push((at, *item));
                }
                Step::Wait { until, reason } => {
                    if !self.pause(until, &reason).await? {
                        return Ok(());
                    }
                }
                Step::StopAccount(error) => return self.stop_account(&error),
                Step::Cancelled => return Ok(()),
            }
        }
    }

    /// A provider hold on this account and action, stored by any job or window.
    fn held(&self) -> AppResult<Option<Hold>> {
        super::hold_in_effect(&self.inner.db, &self.account.account_id, self.kind())
    }

    /// When the account has used its daily cap for this action: until when it must wait.
    fn cap_reached(&self) -> AppResult<Option<DateTime<Utc>>> {
        let now = Utc::now();
        let done = self
            .inner
            .db
            .read(|c| history::done_today(c, &self.account.account_id, self.kind(), now))?;
        Ok((done >= self.limits.daily_cap).then(|| history::next_local_midnight(now)))
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
            self.limits.pace_min_secs,
            self.limits.pace_max_secs,
            &mut self.rng,
        );
        let wait = (last + pause).saturating_duration_since(tokio::time::Instant::now());
        self.sleep(wait).await
    }

    /// Checks the items whose check time has come, with one listing of the account: those no
    /// longer pending went through; those still pending are sent again (first in the queue).
    /// Returns the error when the account cannot go on.
    async fn settle_due(
        &mut self,
        checks: &mut Vec<(DateTime<Utc>, ItemRow)>,
        queue: &mut VecDeque<Work>,
        tries: &mut HashMap<i64, u32>,
    ) -> AppResult<Option<AppError>> {
        let now = Utc::now();
        let (due, later): (Vec<_>, Vec<_>) = checks.drain(..).partition(|(at, _)| *at <= now);
        *checks = later;
        let listed = self.pending_ids().await;
        let pending = match listed {
            Ok(ids) => ids,
            Err(error) if classify(error.kind) == ErrorClass::StopAccount => {
                for (_, item) in &due {
                    let error = could_not_check(&error);
                    self.finish(item, None, Ending::failed_needing_check(&error))?;
                }
                return Ok(Some(error));
            }
            Err(error) => {
                for (_, item) in due {
                    let n = tries.entry(item.seq).or_insert(0);
                    *n += 1;
                    if *n >= MAX_CHECK_TRIES {
                        let error = could_not_check(&error);
                        self.finish(&item, None, Ending::failed_needing_check(&error))?;
                    } else {
                        let again = Utc::now() + self.settle.max(chrono::Duration::seconds(5));
                        let item = self.recheck_at(&item, again)?;
                        checks.push((again, item));
                    }
                }
                return Ok(None);
            }
        };
        for (_, item) in due.into_iter().rev() {
            // A withdrawal or answer went through when the invitation left the list; a request
            // went through when it is on the list.
            let landed = pending.contains(&item.invitation_id) == (self.action == JobAction::Send);
            if landed && self.action == JobAction::Send {
                let ending = Ending::Landed {
                    detail: "Pending when checked after its answer was lost: that request went                              out, so it was not sent again.",
                };
                self.finish(&item, None, ending)?;
            } else if landed {
                let ending = Ending::Gone {
                    detail: "No longer pending when checked after its answer was lost: that \
                             attempt went through, so it was not sent again.",
                    recorded: true,
                };
                self.finish(&item, None, ending)?;
            } else if item.attempts >= MAX_UNCONFIRMED_ATTEMPTS {
                let error = AppError::new(
                    ErrorKind::Unconfirmed,
                    format!(
                        "Still pending after {} attempts whose answers were lost; not sent \
                         again. \"Retry failed\" checks once more before acting.",
                        item.attempts
                    ),
                );
                self.finish(&item, None, Ending::failed_needing_check(&error))?;
            } else {
                queue.push_front(Work {
                    item,
                    checked: true,
                });
            }
        }
        Ok(None)
    }

    /// The ids of the account's pending invitations on this job's list, as the provider has
    /// them now.
    async fn pending_ids(&self) -> AppResult<HashSet<String>> {
        let provider = self.provider();
        let ignore = crate::providers::ignore_progress;
        Ok(match self.screen() {
            // A send is known by its person (see `send_checks::claim_key`).
            Screen::Sent if self.action == JobAction::Send => provider
                .list_sent(&ignore)
                .await?
                .iter()
                .filter_map(|i| rules::person_key(&i.person))
                .map(|k| send_checks::claim_key(&k))
                .collect(),
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
        })
    }

    /// Moves a `checking` item's check to `at`.
    fn recheck_at(&self, item: &ItemRow, at: DateTime<Utc>) -> AppResult<ItemRow> {
        let screen = self.screen();
        let attempt = item
            .attempt_at
            .clone()
            .unwrap_or_else(|| store::ts(Utc::now()));
        let (fresh, progress) = self.inner.db.write(|tx| {
            journal::set_checking(tx, screen, item, &attempt, &store::ts(at))?;
            reread(tx, &self.job_id, item)
        })?;
        send(&self.inner, &self.job_id, progress);
        Ok(fresh)
    }

    async fn process(&mut self, item: &ItemRow, checked: bool) -> AppResult<Step> {
        if !self.pace().await {
            return Ok(Step::Cancelled);
        }
        let planned: PlannedItem = store::from_json(&item.payload)?;
        let screen = self.screen();
        let now = Utc::now();
        let inner = self.inner.clone();
        let is_live =
            |job: &str, owner: Option<&str>, state: &str| inner.is_live(job, owner, state);

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
            // A request still in doubt is settled by its check, not by these reasons.
            let in_doubt = checked
                || fresh.needs_check
                || matches!(fresh.state, ItemOutcome::Running | ItemOutcome::Checking);
            if self.action == JobAction::Send && !in_doubt {
                if let Some(reason) =
                    send_checks::skip_reason(tx, &planned, &fresh.account_id, now)?
                {
                    journal::skip_item(tx, screen, &fresh, &reason, &ts)?;
                    let (skipped, progress) = reread(tx, &self.job_id, &fresh)?;
                    return Ok(Some((skipped, None, progress)));
                }
            }
            let claim = if checked {
                // A check just found it still pending: this item already holds the claim.
                journal::start_attempt(tx, screen, &fresh, now)?;
                Claim::Proceed
            } else {
                journal::claim(tx, screen, &fresh, now, self.settle, &is_live)?
            };
            let detail = match &claim {
                Claim::Proceed | Claim::Check { .. } => {
                    let (current, progress) = reread(tx, &self.job_id, &fresh)?;
                    return Ok(Some((current, Some(claim), progress)));
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
        let Some((current, claim, progress)) = decision else {
            return Ok(Step::Settled);
        };
        send(&self.inner, &self.job_id, progress);
        let running = match claim {
            Some(Claim::Proceed) => current,
            Some(Claim::Check { at }) => {
                let at = store::parse_ts(&at).unwrap_or(now);
                return Ok(Step::Check(at, Box::new(current)));
            }
            _ => return Ok(Step::Settled),
        };

        let result = self.call(&planned).await;
        self.last_call = Some(tokio::time::Instant::now());
        match result {
            Ok(WriteOutcome::Done) => {
                self.finish(&running, Some(&planned), Ending::Done)?;
                Ok(Step::Called)
            }
            Ok(WriteOutcome::AlreadyGone) => {
                let ending = Ending::Gone {
                    detail: "No longer pending: withdrawn, accepted or expired elsewhere.",
                    recorded: false,
                };
                self.finish(&running, Some(&planned), ending)?;
                Ok(Step::Called)
            }
            Err(provider_error) => {
                let retry_at = provider_error.retry_at;
                let error = AppError::from(provider_error);
                let class = match (self.action, error.kind) {
                    (JobAction::Send, ErrorKind::AlreadyInvited) => ErrorClass::Gone,
                    (_, kind) => classify(kind),
                };
                match class {
                    ErrorClass::Gone => {
                        let ending = Ending::Gone {
                            detail: &error.message,
                            recorded: false,
                        };
                        self.finish(&running, Some(&planned), ending)?;
                        Ok(Step::Called)
                    }
                    ErrorClass::RateLimited => {
                        let config = self.inner.config;
                        let until = rate_limit_until(
                            retry_at,
                            Utc::now(),
                            config.default_backoff,
                            config.min_backoff,
                        );
                        let reason = format!("Rate limited: {}", error.message);
                        let hold = Hold {
                            account_id: running.account_id.clone(),
                            action: self.kind(),
                            until: store::ts(until),
                            reason: reason.clone(),
                        };
                        let (_, progress) = self.inner.db.write(|tx| {
                            journal::return_to_pending(tx, screen, &running)?;
                            // Kept beyond this job: a new job or a restart waits for it too.
                            holds::set(tx, &hold, &store::ts(Utc::now()))?;
                            reread(tx, &self.job_id, &running)
                        })?;
                        send(&self.inner, &self.job_id, progress);
                        Ok(Step::Wait { until, reason })
                    }
                    ErrorClass::StopAccount => {
                        self.finish(&running, Some(&planned), Ending::failed(&error))?;
                        Ok(Step::StopAccount(error))
                    }
                    ErrorClass::Ambiguous => {
                        let started = running
                            .attempt_at
                            .as_deref()
                            .and_then(store::parse_ts)
                            .unwrap_or(now);
                        // From the call's end, not the journaled start: the client may have
                        // waited out a rate limit and sent it again inside the call, and that
                        // last attempt began at most a request timeout before it failed.
                        let at = Utc::now() + self.settle;
                        let (checking, progress) = self.inner.db.write(|tx| {
                            journal::set_checking(
                                tx,
                                screen,
                                &running,
                                &store::ts(started),
                                &store::ts(at),
                            )?;
                            reread(tx, &self.job_id, &running)
                        })?;
                        send(&self.inner, &self.job_id, progress);
                        log::info!(
                            "job {}: {} unconfirmed ({}), checking at {at}",
                            self.job_id,
                            running.key(),
                            error.message
                        );
                        Ok(Step::Check(at, Box::new(checking)))
                    }
                    ErrorClass::Failed => {
                        self.finish(&running, Some(&planned), Ending::failed(&error))?;
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
        let provider = self.provider();
        match (&planned.invitation, self.action.response()) {
            (PlannedInvitation::Sent(invitation), None) => provider.withdraw(invitation).await,
            (PlannedInvitation::Request(request), None) => provider.send_invitation(request).await,
            (PlannedInvitation::Received(invitation), Some(response)) => {
                provider.respond(invitation, response).await
            }
            _ => Err(crate::providers::ProviderError::new(
                ErrorKind::Internal,
                "This item does not match its job's action.",
            )),
        }
    }

    /// Journals how an item ended; for a change on LinkedIn, the history row goes in the same
    /// transaction. Invitations no longer pending leave the cache. `planned` is read from the
    /// item when not given.
    fn finish(
        &self,
        item: &ItemRow,
        planned: Option<&PlannedItem>,
        ending: Ending<'_>,
    ) -> AppResult<()> {
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
            Ending::Landed { detail } => (ItemOutcome::Done, None, Some(detail), false, true),
        };
        let activity = match (record, planned) {
            (false, _) => None,
            (true, Some(p)) => Some(self.activity(item, p, Utc::now())),
            (true, None) => {
                Some(self.activity(item, &store::from_json(&item.payload)?, Utc::now()))
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
            if let Some(activity) = &activity {
                history::record(tx, activity)?;
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
            _ if self.action == JobAction::Send => Some(0),
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        NewActivity {
            at: now,
            action: match self.action {
                JobAction::Withdraw => ActivityAction::Withdrawn,
                JobAction::Accept => ActivityAction::Accepted,
                JobAction::Ignore => ActivityAction::Ignored,
                JobAction::Send => ActivityAction::Invited,
            },
            account_id: item.account_id.clone(),
            account_label: item.account_label.clone(),
            // A request has no invitation id yet (the journal names it by the person).
            invitation_id: (self.action != JobAction::Send).then(|| item.invitation_id.clone()),
            name: p.name.clone(),
            profile_url: p.profile_url.clone(),
            category: p.category,
            sent_at: match self.action {
                JobAction::Send => history::sent_on(Some(0), true, now),
                _ => history::sent_on(p.age_days, p.age_exact, now),
            },
            sent_text: planned.sent_text().map(str::to_string),
            days_pending,
            job_id: Some(item.job_id.clone()),
        }
    }
}

/// The error left on an item whose check could not run.
fn could_not_check(error: &AppError) -> AppError {
    AppError::new(
        error.kind,
        format!(
            "Its answer was lost and the check of whether it went through failed, so it was not \
             sent again: {}",
            error.message
        ),
    )
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
        assert_eq!(classify(ErrorKind::Unconfirmed), ErrorClass::Ambiguous);
        // Could not connect: the request never left, so it is an ordinary failure.
        assert_eq!(classify(ErrorKind::Network), ErrorClass::Failed);
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
