//! Bulk jobs, one runner for withdraw, accept and ignore: plan (the exact preview, stored) →
//! run (paced, capped, cancellable, resumable; see `runner`) → per-item outcome.
//!
//! Safety rules, and where they are enforced:
//! - a job runs exactly its plan's items: the plan is stored and copied into the journal;
//! - nothing twice: each item claims its invitation in the database before the provider call
//!   (`db::journal::claim`), so a second start of the same plan, or the same invitation in two
//!   jobs, finds the claim and does not call;
//! - nothing lost: the journal is written before and after each call; at startup `recover`
//!   marks jobs that were running as interrupted, and `resume` checks any item whose call may
//!   have happened before calling again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::db::holds;
use crate::db::journal::{self, ItemRow, JobAccountRow, JobRow, NewItem};
use crate::db::plans::{self, StoredPlan};
use crate::db::{self as store, Db};
use crate::error::{AppError, AppResult};
use crate::history;
use crate::invitations::{limits, InvitationService, ProviderSource, SentSelection};
use crate::model::Response;
use lease::Lease;

pub mod lease;
pub mod pacing;
pub mod plan;
mod runner;
pub mod send_checks;
pub mod types;

pub use types::{
    CategoryCount, ItemOutcome, JobAction, JobEvents, JobItemView, JobPlan, JobProgress, JobState,
    JobSummary, NoJobEvents, PausedAccount, PlanAccount, PlanItem, PlanWarning, PlannedItem,
    SkipCount, WithdrawRequest,
};

/// How long unstarted previews are kept.
const PLAN_RETENTION_DAYS: i64 = 7;
/// How many jobs `list` returns.
const LIST_LIMIT: u32 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobConfig {
    /// The pause when a provider rate-limits without saying until when.
    pub default_backoff: Duration,
    /// The shortest pause after a rate limit, so a "retry at" in the past cannot spin.
    pub min_backoff: Duration,
}

impl Default for JobConfig {
    fn default() -> Self {
        JobConfig {
            default_backoff: Duration::from_secs(15 * 60),
            min_backoff: Duration::from_secs(5),
        }
    }
}

/// A job being run by this process.
struct Active {
    cancel: watch::Sender<bool>,
    finished: watch::Receiver<bool>,
}

pub(crate) struct Inner {
    db: Arc<Db>,
    source: Arc<dyn ProviderSource>,
    invitations: InvitationService,
    events: Arc<dyn JobEvents>,
    config: JobConfig,
    active: Mutex<HashMap<String, Active>>,
    /// This process's lease: the jobs it runs carry its id.
    lease: Arc<Lease>,
}

impl Inner {
    fn is_active(&self, job_id: &str) -> bool {
        self.active
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(job_id)
    }

    /// Whether a job is being run right now, here or by another live process. A job of this
    /// process is live only while its task runs (a cancelled one is not).
    fn is_live(&self, job_id: &str, owner: Option<&str>, state: &str) -> bool {
        if owner == Some(self.lease.id()) || owner.is_none() {
            return self.is_active(job_id);
        }
        matches!(JobState::parse(state), JobState::Running | JobState::Paused)
            && self.lease.is_alive(owner)
    }

    /// Whether another live process runs this job.
    fn runs_elsewhere(&self, job: &JobRow) -> bool {
        job.owner.as_deref() != Some(self.lease.id())
            && matches!(
                JobState::parse(&job.state),
                JobState::Running | JobState::Paused
            )
            && self.lease.is_alive(job.owner.as_deref())
    }

    fn owner_alive(&self) -> impl Fn(Option<&str>) -> bool + '_ {
        move |owner| self.lease.is_alive(owner)
    }

    fn summary(&self, job_id: &str) -> AppResult<JobSummary> {
        let now = Utc::now();
        let (job, mut summary) = self.db.read(|c| {
            let job = journal::get_job(c, job_id)?.ok_or_else(job_not_found)?;
            let summary = summary_of(c, &job, now)?;
            Ok((job, summary))
        })?;
        summary.elsewhere = self.runs_elsewhere(&job);
        Ok(summary)
    }

    fn refuse_if_elsewhere(&self, job: &JobRow) -> AppResult<()> {
        if self.runs_elsewhere(job) {
            return Err(AppError::invalid_input(
                "This job is running in another InviteDesk process (the command-line tool or \
                 another window). Steer it from there, or wait until it ends.",
            ));
        }
        Ok(())
    }
}

fn job_not_found() -> AppError {
    AppError::not_found("This job is not in the journal any more. Reload the job list.")
}

/// Previews, starts and steers jobs. Cheap to clone.
#[derive(Clone)]
pub struct JobService {
    inner: Arc<Inner>,
}

impl JobService {
    /// A service over a database no other process shares (tests, benchmarks).
    pub fn new(
        db: Arc<Db>,
        source: Arc<dyn ProviderSource>,
        events: Arc<dyn JobEvents>,
        config: JobConfig,
    ) -> Self {
        Self::with_lease(db, source, events, config, Arc::new(Lease::private()))
    }

    /// A service whose jobs carry `lease`, so other processes on the same data leave them be.
    pub fn with_lease(
        db: Arc<Db>,
        source: Arc<dyn ProviderSource>,
        events: Arc<dyn JobEvents>,
        config: JobConfig,
        lease: Arc<Lease>,
    ) -> Self {
        let invitations = InvitationService::new(db.clone(), source.clone());
        JobService {
            inner: Arc::new(Inner {
                db,
                source,
                invitations,
                events,
                config,
                active: Mutex::new(HashMap::new()),
                lease,
            }),
        }
    }

    /// At startup: jobs left running by a process that is gone become `interrupted` (offered
    /// to resume or discard); a job another live process runs is left alone. Old unstarted
    /// previews are forgotten. Returns the interrupted ids.
    pub fn recover(&self) -> AppResult<Vec<String>> {
        let before = store::ts(Utc::now() - chrono::Duration::days(PLAN_RETENTION_DAYS));
        let alive = self.inner.owner_alive();
        self.inner.db.write(|tx| {
            plans::prune_unstarted(tx, &before)?;
            journal::mark_orphans_interrupted(tx, &alive)
        })
    }

    /// For previews: whether the job holding a claim runs right now, anywhere.
    fn is_active_fn(&self) -> impl Fn(&str) -> bool + '_ {
        move |job_id: &str| {
            if self.inner.is_active(job_id) {
                return true;
            }
            match self.inner.db.read(|c| journal::get_job(c, job_id)) {
                Ok(Some(job)) => self.inner.runs_elsewhere(&job),
                _ => false,
            }
        }
    }

    /// The withdrawal plan for selected rows or an age rule, stored for `start`.
    pub fn preview_withdraw(&self, request: &WithdrawRequest) -> AppResult<JobPlan> {
        let scope = match request {
            WithdrawRequest::Selected { selected } if selected.is_empty() => {
                return Err(AppError::invalid_input(
                    "Select at least one invitation to withdraw.",
                ))
            }
            WithdrawRequest::Selected { .. } => None,
            WithdrawRequest::OlderThan { account_id, .. } => account_id.as_deref(),
        };
        let rows = self.inner.invitations.list_sent(scope)?.rows;
        let claims = self
            .inner
            .db
            .read(|c| journal::claim_states(c, crate::db::cache::Screen::Sent))?;
        let selection = plan::select_withdraw(&rows, request, &claims, &self.is_active_fn());
        self.store_plan(JobAction::Withdraw, selection)
    }

    /// The withdrawal preview of a Sent table selection kept as a rule ("these rows", or "every
    /// row matching this filter but these"): the core expands it, so "select all" over 100,000
    /// rows never travels to the UI and back. The plan is the ordinary selected-rows plan.
    pub fn preview_withdraw_selection(&self, selection: &SentSelection) -> AppResult<JobPlan> {
        let selected = self.inner.invitations.expand_selection(selection)?;
        if selected.is_empty() && matches!(selection, SentSelection::AllMatching { .. }) {
            return Err(AppError::invalid_input(
                "No invitation matches these filters any more: refresh or change the filters.",
            ));
        }
        self.preview_withdraw(&WithdrawRequest::Selected { selected })
    }

    /// The accept or ignore plan for selected received rows, stored for `start`.
    pub fn preview_respond(&self, keys: &[String], response: Response) -> AppResult<JobPlan> {
        if keys.is_empty() {
            return Err(AppError::invalid_input(
                "Select at least one invitation first.",
            ));
        }
        let action = match response {
            Response::Accept => JobAction::Accept,
            Response::Ignore => JobAction::Ignore,
        };
        let rows = self.inner.invitations.list_received(None)?.rows;
        let claims = self
            .inner
            .db
            .read(|c| journal::claim_states(c, crate::db::cache::Screen::Received))?;
        let selection = plan::select_respond(&rows, keys, action, &claims, &self.is_active_fn());
        self.store_plan(action, selection)
    }

    /// The account a bulk send goes from: its label and provider.
    pub fn send_account(&self, account_id: &str) -> AppResult<crate::invitations::AccountRef> {
        self.inner.source.account(account_id)
    }

    /// Why earlier jobs keep people out of a new bulk send from this account, by claim key
    /// (`send_checks::claim_key`): sent already, or being sent by a job running now.
    pub fn send_claim_reasons(&self, account_id: &str) -> AppResult<HashMap<String, String>> {
        let claims = self
            .inner
            .db
            .read(|c| journal::claim_states(c, crate::db::cache::Screen::Sent))?;
        let is_active = self.is_active_fn();
        Ok(claims
            .into_iter()
            .filter(|((account, key), _)| account == account_id && key.starts_with("send:"))
            .filter_map(|((_, key), (state, job))| {
                let reason = match state {
                    ItemOutcome::Done => send_checks::SKIP_ALREADY_SENT,
                    ItemOutcome::AlreadyGone => send_checks::SKIP_ALREADY_PENDING_THEN,
                    ItemOutcome::Running | ItemOutcome::Checking if is_active(&job) => {
                        plan::SKIP_IN_RUNNING_JOB
                    }
                    _ => return None,
                };
                Some((key, reason.to_string()))
            })
            .collect())
    }

    /// An account's daily cap on connection requests (after the safety floors) and how many
    /// it still allows today.
    pub fn send_cap(&self, account_id: &str, now: DateTime<Utc>) -> AppResult<(u32, u32)> {
        let settings = self.inner.source.settings(account_id);
        let reaches_linkedin = self
            .inner
            .source
            .provider(account_id)
            .map_or(true, |p| p.reaches_linkedin());
        let cap =
            limits::effective(&settings, crate::model::WriteKind::Send, reaches_linkedin).daily_cap;
        let done = self
            .inner
            .db
            .read(|c| history::done_today(c, account_id, crate::model::WriteKind::Send, now))?;
        Ok((cap, cap.saturating_sub(done)))
    }

    /// The bulk-send plan for the requests a list preview kept (`lists::bulk_send`), stored
    /// for `start` like any other plan.
    pub fn preview_send(&self, items: Vec<PlannedItem>) -> AppResult<JobPlan> {
        let selection = plan::Selection {
            items,
            ..Default::default()
        };
        self.store_plan(JobAction::Send, selection)
    }

    fn store_plan(&self, action: JobAction, selection: plan::Selection) -> AppResult<JobPlan> {
        let now = Utc::now();
        let mut inputs = HashMap::new();
        for item in &selection.items {
            let account = &item.item.account_id;
            if inputs.contains_key(account) {
                continue;
            }
            let settings = self.inner.source.settings(account);
            let kind = action.write_kind();
            // Whether the safety floors apply; an account whose client cannot be built now
            // (no key, …) is taken as real: the estimate then errs on the long side.
            let reaches_linkedin = self
                .inner
                .source
                .provider(account)
                .map_or(true, |p| p.reaches_linkedin());
            let cap = limits::effective(&settings, kind, reaches_linkedin).daily_cap;
            let done = self
                .inner
                .db
                .read(|c| history::done_today(c, account, kind, now))?;
            let cap_left_today = Some(cap.saturating_sub(done));
            let hold = self
                .inner
                .db
                .read(|c| holds::active(c, account, kind, &store::ts(now)))?
                .map(|h| (h.until, h.reason));
            inputs.insert(
                account.clone(),
                plan::AccountPlanInput {
                    settings,
                    reaches_linkedin,
                    cap_left_today,
                    hold,
                },
            );
        }
        let items = store::to_json(&selection.items)?;
        let job_plan = plan::build_plan(new_id("plan", now), action, selection, &inputs, now);
        let stored = StoredPlan {
            id: job_plan.plan_id.clone(),
            action: action.as_str().to_string(),
            created_at: store::ts(now),
            plan: store::to_json(&job_plan)?,
            items,
            job_id: None,
        };
        self.inner.db.write(|tx| plans::insert(tx, &stored))?;
        Ok(job_plan)
    }

    fn stored_plan(&self, plan_id: &str) -> AppResult<StoredPlan> {
        self.inner
            .db
            .read(|c| plans::get(c, plan_id))?
            .ok_or_else(|| {
                AppError::not_found("This preview is no longer available. Preview again.")
            })
    }

    /// Writes a stored plan's list to a new CSV file in `dir`; returns its path.
    pub fn export_plan_csv(&self, plan_id: &str, dir: &Path) -> AppResult<PathBuf> {
        let stored = self.stored_plan(plan_id)?;
        let plan: JobPlan = store::from_json(&stored.plan)?;
        let header = [
            "Action",
            "Account",
            "Name",
            "Headline",
            "Profile",
            "Type",
            "Age (days)",
            "Age is exact",
        ];
        let rows: Vec<Vec<String>> = plan
            .items
            .iter()
            .map(|i| {
                vec![
                    plan.action.as_str().to_string(),
                    i.account_label.clone(),
                    i.name.clone(),
                    i.headline.clone().unwrap_or_default(),
                    i.profile_url.clone().unwrap_or_default(),
                    i.category.label().to_string(),
                    i.age_days.map(|d| d.to_string()).unwrap_or_default(),
                    if i.age_exact { "yes" } else { "at least" }.to_string(),
                ]
            })
            .collect();
        history::csv::write_new(
            dir,
            &format!("invitedesk-preview-{}", plan.action.as_str()),
            Utc::now(),
            &header,
            &rows,
        )
    }

    /// Starts the job for a plan, or returns the job already started from it. Must be called
    /// from within a tokio runtime (the job runs as a task).
    pub fn start(&self, plan_id: &str) -> AppResult<JobSummary> {
        let stored = self.stored_plan(plan_id)?;
        if let Some(job_id) = &stored.job_id {
            return self.inner.summary(job_id);
        }
        let action = JobAction::parse(&stored.action)
            .ok_or_else(|| AppError::internal("This preview has an unknown action."))?;
        let plan: JobPlan = store::from_json(&stored.plan)?;
        let items: Vec<PlannedItem> = store::from_json(&stored.items)?;
        if items.is_empty() {
            return Err(AppError::invalid_input(
                "Nothing to do: the preview has no invitations.",
            ));
        }
        let accounts: Vec<JobAccountRow> = plan
            .per_account
            .iter()
            .map(|a| JobAccountRow {
                account_id: a.account_id.clone(),
                label: a.label.clone(),
                pace_min_secs: a.pace_min_secs,
                pace_max_secs: a.pace_max_secs,
                daily_cap: Some(
                    self.inner
                        .source
                        .settings(&a.account_id)
                        .daily_cap(action.write_kind()),
                ),
                paused_until: None,
                pause_reason: None,
            })
            .collect();
        let new_items = items
            .iter()
            .map(|i| {
                Ok(NewItem {
                    account_id: i.item.account_id.clone(),
                    invitation_id: i.item.invitation_id.clone(),
                    name: i.item.name.clone(),
                    account_label: i.item.account_label.clone(),
                    payload: store::to_json(i)?,
                    needs_check: false,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let runtime = runtime()?;
        let now = Utc::now();
        let job = JobRow {
            id: new_id("job", now),
            action: action.as_str().to_string(),
            state: JobState::Running.as_str().to_string(),
            plan_id: Some(plan_id.to_string()),
            retry_of: None,
            started_at: store::ts(now),
            finished_at: None,
            owner: Some(self.inner.lease.id().to_string()),
        };
        let started = self.inner.db.write(|tx| {
            if !plans::mark_started(tx, plan_id, &job.id)? {
                return Ok(false);
            }
            journal::insert_job(tx, &job, &accounts, &new_items)?;
            Ok(true)
        })?;
        if !started {
            // Someone started this plan between our read and our write: that job it is.
            let job_id = self
                .stored_plan(plan_id)?
                .job_id
                .ok_or_else(job_not_found)?;
            return self.inner.summary(&job_id);
        }
        self.spawn(&runtime, &job.id);
        self.inner.summary(&job.id)
    }

    /// Registers the job as active and runs it as a task. False when it already runs.
    fn spawn(&self, runtime: &tokio::runtime::Handle, job_id: &str) -> bool {
        let (cancel_tx, cancel_rx) = watch::channel(false);
        let (finished_tx, finished_rx) = watch::channel(false);
        {
            let mut active = self.inner.active.lock().unwrap_or_else(|p| p.into_inner());
            if active.contains_key(job_id) {
                return false;
            }
            active.insert(
                job_id.to_string(),
                Active {
                    cancel: cancel_tx,
                    finished: finished_rx,
                },
            );
        }
        let inner = self.inner.clone();
        let job_id = job_id.to_string();
        runtime.spawn(async move {
            runner::run(inner, job_id, cancel_rx).await;
            let _ = finished_tx.send(true);
        });
        true
    }

    pub fn summary(&self, job_id: &str) -> AppResult<JobSummary> {
        self.inner.summary(job_id)
    }

    /// Unfinished jobs first, then the newest.
    pub fn list(&self) -> AppResult<Vec<JobSummary>> {
        let now = Utc::now();
        let jobs = self.inner.db.read(|c| {
            journal::list_jobs(c, LIST_LIMIT)?
                .into_iter()
                .map(|job| Ok((summary_of(c, &job, now)?, job)))
                .collect::<AppResult<Vec<_>>>()
        })?;
        Ok(jobs
            .into_iter()
            .map(|(mut summary, job)| {
                summary.elsewhere = self.inner.runs_elsewhere(&job);
                summary
            })
            .collect())
    }

    pub fn items(&self, job_id: &str) -> AppResult<Vec<JobItemView>> {
        self.inner.db.read(|c| {
            journal::get_job(c, job_id)?.ok_or_else(job_not_found)?;
            Ok(journal::items(c, job_id)?.iter().map(item_view).collect())
        })
    }

    /// Stops a job: a pause in progress ends at once; a call in flight finishes and is
    /// journaled. Items not reached stay pending (the job can be resumed).
    pub fn cancel(&self, job_id: &str) -> AppResult<JobSummary> {
        let job = self
            .inner
            .db
            .read(|c| journal::get_job(c, job_id))?
            .ok_or_else(job_not_found)?;
        let state = JobState::parse(&job.state);
        if matches!(state, JobState::Finished | JobState::Cancelled) {
            return self.inner.summary(job_id);
        }
        self.inner.refuse_if_elsewhere(&job)?;
        let now = store::ts(Utc::now());
        self.inner.db.write(|tx| {
            journal::set_job_state(tx, job_id, JobState::Cancelled.as_str(), Some(&now))
        })?;
        if let Some(active) = self
            .inner
            .active
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(job_id)
        {
            let _ = active.cancel.send(true);
        }
        self.inner.summary(job_id)
    }

    /// Stops a running job between items and leaves it `interrupted`, as if its process had
    /// stopped: offered to resume (here, in the app or the tool) with its pauses on record. For a
    /// front-end that stops waiting on a long pause rather than blocking for hours.
    pub async fn suspend(&self, job_id: &str) -> AppResult<JobSummary> {
        self.cancel(job_id)?;
        self.wait(job_id).await;
        self.inner.db.write(|tx| {
            let job = journal::get_job(tx, job_id)?.ok_or_else(job_not_found)?;
            if JobState::parse(&job.state) == JobState::Cancelled {
                journal::set_job_state(tx, job_id, JobState::Interrupted.as_str(), None)?;
            }
            Ok(())
        })?;
        self.inner.summary(job_id)
    }

    /// Runs an interrupted or cancelled job's remaining items. Items whose call may have
    /// happened before the stop are checked against the provider's list first.
    pub fn resume(&self, job_id: &str) -> AppResult<JobSummary> {
        if self.inner.is_active(job_id) {
            return self.inner.summary(job_id);
        }
        let job = self
            .inner
            .db
            .read(|c| journal::get_job(c, job_id))?
            .ok_or_else(job_not_found)?;
        self.inner.refuse_if_elsewhere(&job)?;
        let unfinished = self
            .inner
            .db
            .read(|c| Ok(journal::items_in_state(c, job_id, &ItemOutcome::UNFINISHED)?.len()))?;
        match JobState::parse(&job.state) {
            JobState::Finished => {
                return Err(AppError::invalid_input(
                    "This job has finished: there is nothing left to resume.",
                ))
            }
            JobState::Cancelled if unfinished == 0 => {
                return Err(AppError::invalid_input(
                    "This job has nothing left to resume.",
                ))
            }
            // The app stopped after the last item was journaled: only the end was not recorded.
            _ if unfinished == 0 => {
                let now = store::ts(Utc::now());
                self.inner.db.write(|tx| {
                    journal::set_job_state(tx, job_id, JobState::Finished.as_str(), Some(&now))
                })?;
                return self.inner.summary(job_id);
            }
            _ => {}
        }
        let runtime = runtime()?;
        let owner = self.inner.lease.id().to_string();
        let alive = self.inner.owner_alive();
        let taken = self
            .inner
            .db
            .write(|tx| journal::take_job(tx, job_id, &owner, &alive))?;
        if !taken {
            // Another process took it between our read and our write.
            return Err(AppError::invalid_input(
                "This job was just resumed by another InviteDesk process.",
            ));
        }
        self.spawn(&runtime, job_id);
        self.inner.summary(job_id)
    }

    /// Gives up an interrupted or cancelled job: items not reached are `skipped`; an item whose
    /// call may have happened is `failed` with a note, so "Retry failed" checks it first.
    pub fn discard(&self, job_id: &str) -> AppResult<JobSummary> {
        if self.inner.is_active(job_id) {
            return Err(AppError::invalid_input(
                "This job is running: cancel it before discarding it.",
            ));
        }
        let job = self
            .inner
            .db
            .read(|c| journal::get_job(c, job_id))?
            .ok_or_else(job_not_found)?;
        self.inner.refuse_if_elsewhere(&job)?;
        let action = JobAction::parse(&job.action)
            .ok_or_else(|| AppError::internal("This job has an unknown action."))?;
        let screen = action.screen();
        let now = store::ts(Utc::now());
        let uncertain = AppError::new(
            crate::error::ErrorKind::Cancelled,
            "It is not known whether this call went through (the app stopped during it, or the \
             provider did not answer). \"Retry failed\" checks before acting again.",
        );
        self.inner.db.write(|tx| {
            let in_doubt = [ItemOutcome::Running, ItemOutcome::Checking];
            for item in journal::items_in_state(tx, job_id, &in_doubt)? {
                journal::finish_item(
                    tx,
                    screen,
                    &item,
                    ItemOutcome::Failed,
                    Some(&uncertain),
                    None,
                    true,
                    &now,
                )?;
            }
            journal::finish_remaining(
                tx,
                screen,
                job_id,
                None,
                ItemOutcome::Skipped,
                None,
                Some("Discarded before it was reached."),
                &now,
            )?;
            let state = match JobState::parse(&job.state) {
                JobState::Finished => JobState::Finished,
                _ => JobState::Cancelled,
            };
            journal::set_job_state(tx, job_id, state.as_str(), Some(&now))
        })?;
        self.inner.summary(job_id)
    }

    /// A new job over the failed items of `job_id` only, started at once.
    pub fn retry_failed(&self, job_id: &str) -> AppResult<JobSummary> {
        let (job, failed) = self.inner.db.read(|c| {
            let job = journal::get_job(c, job_id)?.ok_or_else(job_not_found)?;
            let failed = journal::items_in_state(c, job_id, &[ItemOutcome::Failed])?;
            Ok((job, failed))
        })?;
        if failed.is_empty() {
            return Err(AppError::invalid_input(
                "This job has no failed items to retry.",
            ));
        }
        let action = JobAction::parse(&job.action)
            .ok_or_else(|| AppError::internal("This job has an unknown action."))?;
        let runtime = runtime()?;
        let mut accounts: Vec<JobAccountRow> = Vec::new();
        for item in &failed {
            if accounts.iter().any(|a| a.account_id == item.account_id) {
                continue;
            }
            let settings = self.inner.source.settings(&item.account_id);
            accounts.push(JobAccountRow {
                account_id: item.account_id.clone(),
                label: item.account_label.clone(),
                pace_min_secs: settings.pace_min_secs,
                pace_max_secs: settings.pace_max_secs,
                daily_cap: Some(settings.daily_cap(action.write_kind())),
                paused_until: None,
                pause_reason: None,
            });
        }
        let items: Vec<NewItem> = failed
            .iter()
            .map(|i| NewItem {
                account_id: i.account_id.clone(),
                invitation_id: i.invitation_id.clone(),
                name: i.name.clone(),
                account_label: i.account_label.clone(),
                payload: i.payload.clone(),
                needs_check: i.needs_check,
            })
            .collect();
        let now = Utc::now();
        let new_job = JobRow {
            id: new_id("job", now),
            action: job.action.clone(),
            state: JobState::Running.as_str().to_string(),
            plan_id: None,
            retry_of: Some(job_id.to_string()),
            started_at: store::ts(now),
            finished_at: None,
            owner: Some(self.inner.lease.id().to_string()),
        };
        self.inner
            .db
            .write(|tx| journal::insert_job(tx, &new_job, &accounts, &items))?;
        self.spawn(&runtime, &new_job.id);
        self.inner.summary(&new_job.id)
    }

    /// Waits until this process stops running the job (finished, cancelled or failed).
    /// Returns at once when it is not running.
    pub async fn wait(&self, job_id: &str) {
        let finished = self
            .inner
            .active
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(job_id)
            .map(|a| a.finished.clone());
        if let Some(mut finished) = finished {
            let _ = finished.wait_for(|done| *done).await;
        }
    }
}

fn runtime() -> AppResult<tokio::runtime::Handle> {
    tokio::runtime::Handle::try_current()
        .map_err(|_| AppError::internal("Jobs can only start inside the app's async runtime."))
}

/// `plan-…` / `job-…`: time-ordered, with a random tail so two in the same second differ.
fn new_id(prefix: &str, now: DateTime<Utc>) -> String {
    format!(
        "{prefix}-{}-{:08x}",
        now.format("%Y%m%d%H%M%S"),
        rand::random::<u32>()
    )
}

/// The provider hold in effect now on this account and action. Holds are provider facts that
/// end at a real instant, so this reads them on the real clock, the runner's: the runner and
/// the autopilot's check before a run both ask here, and cannot disagree on whether a hold has
/// ended (a rule that saw it ended would start a job the runner then parks for hours).
pub fn hold_in_effect(
    db: &Db,
    account_id: &str,
    kind: crate::model::WriteKind,
) -> AppResult<Option<holds::Hold>> {
    let now = store::ts(Utc::now());
    db.read(|c| holds::active(c, account_id, kind, &now))
}

pub(crate) fn item_view(item: &ItemRow) -> JobItemView {
    JobItemView {
        key: item.key(),
        name: item.name.clone(),
        account_label: item.account_label.clone(),
        outcome: item.state,
        error: item.error.clone(),
        detail: item.detail.clone(),
        at: item.finished_at.clone().or_else(|| item.attempt_at.clone()),
        check_at: (item.state == ItemOutcome::Checking)
            .then(|| item.check_at.clone())
            .flatten(),
    }
}

/// A job's counts, pauses and ETA, from the journal.
pub(crate) fn summary_of(
    conn: &rusqlite::Connection,
    job: &JobRow,
    now: DateTime<Utc>,
) -> AppResult<JobSummary> {
    let journal::Tally {
        by_state: counts,
        remaining_by_account: remaining,
    } = journal::tally(conn, &job.id)?;
    let n = |s: ItemOutcome| counts.get(&s).copied().unwrap_or(0);
    let accounts = journal::job_accounts(conn, &job.id)?;
    let mut state = JobState::parse(&job.state);
    let live = matches!(state, JobState::Running);

    // A cancelled job keeps its pauses in the journal so a retry still honours them, but it no
    // longer waits on them: saying "paused until" there would read as if it were still going.
    let ended = matches!(state, JobState::Cancelled | JobState::Finished);
    let paused_accounts: Vec<PausedAccount> = accounts
        .iter()
        .filter(|_| !ended)
        .filter_map(|a| {
            let until = store::parse_ts(a.paused_until.as_deref()?)?;
            (until > now && remaining.get(&a.account_id).copied().unwrap_or(0) > 0).then(|| {
                PausedAccount {
                    account_id: a.account_id.clone(),
                    label: a.label.clone(),
                    until: store::ts(until),
                    reason: a.pause_reason.clone().unwrap_or_default(),
                }
            })
        })
        .collect();
    let waiting_accounts = remaining.values().filter(|n| **n > 0).count();
    if live && !paused_accounts.is_empty() && paused_accounts.len() == waiting_accounts {
        state = JobState::Paused;
    }
    let last_check = if n(ItemOutcome::Checking) > 0 {
        journal::last_check_at(conn, &job.id)?
            .as_deref()
            .and_then(store::parse_ts)
    } else {
        None
    };
    let action = JobAction::parse(&job.action);
    let eta_secs = live.then(|| {
        accounts
            .iter()
            .map(|a| {
                let left = remaining.get(&a.account_id).copied().unwrap_or(0);
                let pause = a
                    .paused_until
                    .as_deref()
                    .and_then(store::parse_ts)
                    .map(|u| (u - now).num_seconds().max(0) as f64)
                    .unwrap_or(0.0);
                // Below the 1 s floor only a test server or the demo runs (`limits`).
                let real = a.pace_min_secs >= limits::MIN_PACE_SECS;
                let call = pacing::call_secs(real);
                // More left than the daily cap allows today: the rest waits for the cap to
                // start over, day by day (a bulk send of a week's list says "in 4 days").
                let cap = action.and_then(|action| {
                    let kind = action.write_kind();
                    let per_day = limits::floored(
                        limits::Effective {
                            pace_min_secs: a.pace_min_secs,
                            pace_max_secs: a.pace_max_secs,
                            daily_cap: a.daily_cap?,
                        },
                        kind,
                        real,
                    )
                    .daily_cap;
                    let done = history::done_today(conn, &a.account_id, kind, now).ok()?;
                    (left > per_day.saturating_sub(done)).then(|| pacing::DailyCap {
                        left_today: per_day.saturating_sub(done),
                        per_day,
                        resets_in_secs: (history::next_local_midnight(now) - now)
                            .num_seconds()
                            .max(0) as f64,
                    })
                });
                pacing::account_secs(&pacing::AccountWork {
                    count: left,
                    pace_min_secs: a.pace_min_secs,
                    pace_max_secs: a.pace_max_secs,
                    call_secs: call,
                    starts_in_secs: pause,
                    cap,
                })
            })
            .fold(0.0, f64::max)
            // A write being checked holds the job until its check time.
            .max(
                last_check
                    .map(|at| (at - now).num_seconds().max(0) as f64)
                    .unwrap_or(0.0),
            )
            .ceil() as u32
    });
    let total: u32 = counts.values().sum();
    let pending = n(ItemOutcome::Pending) + n(ItemOutcome::Running) + n(ItemOutcome::Checking);
    Ok(JobSummary {
        id: job.id.clone(),
        action: JobAction::parse(&job.action).unwrap_or(JobAction::Withdraw),
        state,
        total,
        done: total - pending,
        succeeded: n(ItemOutcome::Done),
        already_gone: n(ItemOutcome::AlreadyGone),
        failed: n(ItemOutcome::Failed),
        skipped: n(ItemOutcome::Skipped),
        pending,
        checking: n(ItemOutcome::Checking),
        elsewhere: false,
        started_at: job.started_at.clone(),
        finished_at: job.finished_at.clone(),
        eta_secs,
        paused_accounts,
        retry_of: job.retry_of.clone(),
    })
}
