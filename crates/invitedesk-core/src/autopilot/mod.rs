//! Autopilot: hygiene rules per account that run on a schedule, with or without the window.
//!
//! A run goes through the same path as a user's bulk action, so nothing can be skipped: the
//! rule's list is refreshed, its plan is built by `jobs::plan` (keep-list, earlier jobs,
//! claims), and it runs as a normal journaled job (pacing, caps, holds, nothing twice). Before
//! that, in this order, a run is skipped and the reason recorded: paused, not yet confirmed,
//! quiet hours, another process running the rule, a provider hold, the daily cap, nothing to
//! do. A rule acts only once its first preview (the exact list it would act on) was confirmed.
//!
//! Time comes from an injected [`clock::Clock`], schedules from [`schedule`] in the rule's own
//! time zone, so tests walk across DST changes without sleeping.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::db::autopilot::{self as table, RuleRow, RunRow};
use crate::db::{self as store, Db};
use crate::error::{AppError, AppResult};
use crate::history;
use crate::invitations::{InvitationService, ProviderSource};
use crate::jobs::{JobAction, JobPlan, JobService, JobSummary, PlanItem, WithdrawRequest};
use crate::model::{ProviderKind, Response};

pub mod clock;
pub mod conditions;
pub mod lock;
pub mod rules;
pub mod schedule;
pub mod summary;
pub mod systemd;

use clock::Clock;
use lock::RuleLocks;
pub use rules::{
    AcceptConditions, Rule, RuleAction, RuleDraft, RuleRun, RunOutcome, RunTrigger, SkipReason,
};
pub use schedule::{QuietHours, Schedule};

/// How many runs a rule's history shows.
const HISTORY_LIMIT: u32 = 50;

/// A rule as the Autopilot screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "RuleView.ts")]
pub struct RuleView {
    pub rule: Rule,
    pub description: String,
    pub account_label: String,
    pub provider: Option<ProviderKind>,
    /// RFC 3339: the next scheduled time, `null` when paused or unschedulable.
    pub next_run_at: Option<String>,
    /// Conditions the account's provider cannot evaluate, as sentences.
    pub condition_notes: Vec<String>,
    pub last_run: Option<RuleRun>,
}

/// The Autopilot screen: the rules, the pause switch and how rules run without the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "AutopilotOverview.ts")]
pub struct AutopilotOverview {
    pub rules: Vec<RuleView>,
    pub paused: bool,
    pub close_to_tray: bool,
    pub timer: systemd::TimerStatus,
    /// The default for a new rule.
    pub system_time_zone: String,
}

/// The list a rule would act on now, for the first-preview confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "RulePreview.ts")]
pub struct RulePreview {
    pub rule_id: String,
    /// `null` when the rule would not act now (see `skipReason`).
    pub plan: Option<JobPlan>,
    pub skip_reason: Option<SkipReason>,
    pub detail: Option<String>,
}

/// One rule's part of a run, for the tray's notification and the command line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "RunReport.ts")]
pub struct RunReport {
    pub rule_id: String,
    pub description: String,
    pub account_id: String,
    pub account_label: String,
    pub action: JobAction,
    pub outcome: RunOutcome,
    pub skip_reason: Option<SkipReason>,
    pub detail: Option<String>,
    /// The job as it ended (acted) .
    pub job: Option<JobSummary>,
    /// What the plan held (acted or dry run).
    pub planned: u32,
    /// Dry run only: the exact list.
    pub items: Vec<PlanItem>,
}

/// What a run is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    pub trigger: RunTrigger,
    /// Build the plans, act on nothing, record nothing.
    pub dry_run: bool,
    /// When every account of a job waits on a hold longer than a minute, stop waiting and leave
    /// the job resumable (`interrupted`), as the command-line tool does; the app lets it wait.
    pub stop_on_long_pause: bool,
}

impl RunOptions {
    pub const fn new(trigger: RunTrigger, dry_run: bool) -> Self {
        RunOptions {
            trigger,
            dry_run,
            stop_on_long_pause: false,
        }
    }
}

enum Planned {
    Skip(SkipReason, Option<String>),
    Plan(JobPlan),
}

/// The rules and their runs. Cheap to clone.
#[derive(Clone)]
pub struct AutopilotService {
    inner: Arc<Inner>,
}

struct Inner {
    db: Arc<Db>,
    invitations: InvitationService,
    jobs: JobService,
    source: Arc<dyn ProviderSource>,
    locks: RuleLocks,
    clock: Arc<dyn Clock>,
    /// Previews shown for confirmation: plan id → rule id, so a confirmation names a plan
    /// built for that very rule.
    previews: Mutex<HashMap<String, String>>,
}

fn rule_not_found() -> AppError {
    AppError::not_found("This autopilot rule no longer exists. Reload the rule list.")
}

fn new_rule_id(now: DateTime<Utc>) -> String {
    format!(
        "rule-{}-{:08x}",
        now.format("%Y%m%d%H%M%S"),
        rand::random::<u32>()
    )
}

fn to_rule(row: RuleRow) -> AppResult<Rule> {
    Ok(Rule {
        id: row.id,
        account_id: row.account_id,
        action: store::from_json(&row.action)?,
        schedule: store::from_json(&row.schedule)?,
        quiet_hours: row
            .quiet_hours
            .as_deref()
            .map(store::from_json)
            .transpose()?,
        time_zone: row.time_zone,
        paused: row.paused,
        confirmed_at: row.confirmed_at,
        created_at: row.created_at,
        last_slot: row.last_slot,
    })
}

fn to_run(row: RunRow, job: Option<&JobSummary>) -> RuleRun {
    RuleRun {
        rule_id: row.rule_id,
        at: row.at,
        trigger: RunTrigger::parse(&row.trigger),
        outcome: RunOutcome::parse(&row.outcome),
        skip_reason: row.reason.as_deref().and_then(SkipReason::parse),
        detail: row.detail,
        job_id: row.job_id,
        planned: row.planned,
        succeeded: job.map(|j| j.succeeded + j.already_gone).unwrap_or(0),
        failed: job.map(|j| j.failed).unwrap_or(0),
    }
}

impl AutopilotService {
    /// `data_dir`: where the cross-process rule locks live (`None`: this process only).
    pub fn new(
        db: Arc<Db>,
        invitations: InvitationService,
        jobs: JobService,
        data_dir: Option<PathBuf>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let source = invitations.source().clone();
        AutopilotService {
            inner: Arc::new(Inner {
                db,
                invitations,
                jobs,
                source,
                locks: RuleLocks::new(data_dir),
                clock,
                previews: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    pub fn rules(&self) -> AppResult<Vec<Rule>> {
        self.inner
            .db
            .read(table::rules)?
            .into_iter()
            .map(to_rule)
            .collect()
    }

    pub fn rule(&self, id: &str) -> AppResult<Rule> {
        to_rule(
            self.inner
                .db
                .read(|c| table::rule(c, id))?
                .ok_or_else(rule_not_found)?,
        )
    }

    /// Every rule with what the screen shows beside it.
    pub fn views(&self) -> AppResult<Vec<RuleView>> {
        let paused = self.paused()?;
        let now = self.now();
        self.rules()?
            .into_iter()
            .map(|rule| {
                let account = self.inner.source.account(&rule.account_id).ok();
                let next_run_at = (!paused && !rule.paused)
                    .then(|| schedule::parse_zone(&rule.time_zone).ok())
                    .flatten()
                    .and_then(|tz| schedule::next_slot(&rule.schedule, tz, now))
                    .map(store::ts);
                let condition_notes = match (&rule.action, &account) {
                    (RuleAction::Accept { conditions }, Some(a)) => {
                        conditions::unavailable(conditions, a.provider)
                    }
                    _ => Vec::new(),
                };
                Ok(RuleView {
                    description: rule.action.describe(),
                    account_label: account
                        .as_ref()
                        .map(|a| a.label.clone())
                        .unwrap_or_default(),
                    provider: account.as_ref().map(|a| a.provider),
                    next_run_at,
                    condition_notes,
                    last_run: self.history(&rule.id, 1)?.into_iter().next(),
                    rule,
                })
            })
            .collect()
    }

    fn validated(&self, draft: &RuleDraft) -> AppResult<(RuleRow, chrono_tz::Tz)> {
        let account = self.inner.source.account(&draft.account_id)?;
        rules::validate(draft, account.provider, account.can_ignore)?;
        let zone = draft
            .time_zone
            .clone()
            .filter(|z| !z.trim().is_empty())
            .unwrap_or_else(schedule::system_zone);
        let tz = schedule::parse_zone(&zone)?;
        let row = RuleRow {
            id: String::new(),
            account_id: draft.account_id.clone(),
            action: store::to_json(&draft.action)?,
            schedule: store::to_json(&draft.schedule)?,
            quiet_hours: draft.quiet_hours.as_ref().map(store::to_json).transpose()?,
            time_zone: zone,
            paused: false,
            created_at: String::new(),
            last_slot: None,
            confirmed_at: None,
        };
        Ok((row, tz))
    }

    /// Stores a new rule. It first fires at its next scheduled time, and acts only once its
    /// first preview is confirmed.
    pub fn create(&self, draft: &RuleDraft) -> AppResult<Rule> {
        let (mut row, tz) = self.validated(draft)?;
        let now = self.now();
        row.id = new_rule_id(now);
        row.created_at = store::ts(now);
        // The slots before the rule existed are not its to run.
        row.last_slot = schedule::latest_slot(&draft.schedule, tz, now).map(store::ts);
        self.inner.db.write(|tx| table::insert_rule(tx, &row))?;
        self.rule(&row.id)
    }

    /// Changes a rule; a changed action must have its preview confirmed again.
    pub fn update(&self, id: &str, draft: &RuleDraft) -> AppResult<Rule> {
        let (mut row, _) = self.validated(draft)?;
        row.id = id.to_string();
        let now = store::ts(self.now());
        if !self
            .inner
            .db
            .write(|tx| table::update_rule(tx, &row, &now))?
        {
            return Err(rule_not_found());
        }
        self.rule(id)
    }

    pub fn delete(&self, id: &str) -> AppResult<()> {
        if !self.inner.db.write(|tx| table::delete_rule(tx, id))? {
            return Err(rule_not_found());
        }
        Ok(())
    }

    pub fn set_rule_paused(&self, id: &str, paused: bool) -> AppResult<Rule> {
        if !self
            .inner
            .db
            .write(|tx| table::set_rule_paused(tx, id, paused))?
        {
            return Err(rule_not_found());
        }
        self.rule(id)
    }

    /// The global pause, shared by the app and the tool (it is in the database).
    pub fn paused(&self) -> AppResult<bool> {
        self.inner.db.read(|c| table::flag(c, table::PAUSED))
    }

    pub fn set_paused(&self, paused: bool) -> AppResult<()> {
        self.inner
            .db
            .write(|tx| table::set_flag(tx, table::PAUSED, paused))
    }

    /// Whether closing the window keeps the app in the tray (off until the user turns it on).
    pub fn close_to_tray(&self) -> AppResult<bool> {
        self.inner.db.read(|c| table::flag(c, table::CLOSE_TO_TRAY))
    }

    pub fn set_close_to_tray(&self, on: bool) -> AppResult<()> {
        self.inner
            .db
            .write(|tx| table::set_flag(tx, table::CLOSE_TO_TRAY, on))
    }

    /// Everything the Autopilot screen shows.
    pub fn overview(&self, timer: systemd::TimerStatus) -> AppResult<AutopilotOverview> {
        Ok(AutopilotOverview {
            rules: self.views()?,
            paused: self.paused()?,
            close_to_tray: self.close_to_tray()?,
            timer,
            system_time_zone: schedule::system_zone(),
        })
    }

    /// A rule's runs, newest first, with the counts of the jobs they started.
    pub fn history(&self, rule_id: &str, limit: u32) -> AppResult<Vec<RuleRun>> {
        let rows = self
            .inner
            .db
            .read(|c| table::runs(c, rule_id, limit.min(HISTORY_LIMIT)))?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let job = row
                    .job_id
                    .as_deref()
                    .and_then(|id| self.inner.jobs.summary(id).ok());
                to_run(row, job.as_ref())
            })
            .collect())
    }

    /// The next time any rule is due (for the app's scheduler to sleep until).
    pub fn next_due_at(&self) -> AppResult<Option<DateTime<Utc>>> {
        if self.paused()? {
            return Ok(None);
        }
        let now = self.now();
        Ok(self
            .rules()?
            .iter()
            .filter(|r| !r.paused)
            .filter_map(|r| {
                let tz = schedule::parse_zone(&r.time_zone).ok()?;
                let last = r.last_slot.as_deref().and_then(store::parse_ts);
                // A slot already due and not handled: now.
                if schedule::due_slot(&r.schedule, tz, last, now).is_some() {
                    return Some(now);
                }
                schedule::next_slot(&r.schedule, tz, now)
            })
            .min())
    }

    /// The exact list the rule would act on now, stored for [`AutopilotService::confirm`].
    pub async fn preview(&self, rule_id: &str) -> AppResult<RulePreview> {
        let rule = self.rule(rule_id)?;
        let planned = self.plan(&rule).await?;
        let preview = match planned {
            Planned::Skip(reason, detail) => {
                // Confirming an empty list confirms the rule: later runs act on what appears.
                if reason == SkipReason::NothingToDo {
                    self.inner
                        .previews
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(empty_preview_key(&rule.id), rule.id.clone());
                }
                RulePreview {
                    rule_id: rule.id.clone(),
                    plan: None,
                    skip_reason: Some(reason),
                    detail,
                }
            }
            Planned::Plan(plan) => {
                self.inner
                    .previews
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(plan.plan_id.clone(), rule.id.clone());
                RulePreview {
                    rule_id: rule.id.clone(),
                    skip_reason: plan.items.is_empty().then_some(SkipReason::NothingToDo),
                    plan: Some(plan),
                    detail: None,
                }
            }
        };
        Ok(preview)
    }

    /// The user confirmed the rule's first preview: from now on the rule acts on schedule. The
    /// previewed list is acted on at once, as a job tagged with the rule. Must be called inside
    /// a tokio runtime.
    /// `plan_id`: `None` to confirm a preview that found nothing to do.
    pub fn confirm(&self, rule_id: &str, plan_id: Option<&str>) -> AppResult<Option<JobSummary>> {
        let rule = self.rule(rule_id)?;
        let empty_key = empty_preview_key(rule_id);
        let plan_id = plan_id.unwrap_or(&empty_key);
        let for_rule = self
            .inner
            .previews
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(plan_id)
            .cloned();
        if for_rule.as_deref() != Some(rule_id) {
            return Err(AppError::invalid_input(
                "This preview was not made for this rule. Preview the rule again.",
            ));
        }
        let now = self.now();
        let tz = schedule::parse_zone(&rule.time_zone)?;
        let slot = schedule::latest_slot(&rule.schedule, tz, now);
        let at = store::ts(now);
        self.inner.db.write(|tx| {
            table::confirm(tx, rule_id, plan_id, &at)?;
            if let Some(slot) = slot {
                table::set_last_slot(tx, rule_id, &store::ts(slot))?;
            }
            Ok(())
        })?;
        let lock = self.inner.locks.try_lock(rule_id)?;
        let job = match lock {
            None => None,
            Some(_lock) if plan_id == empty_key => {
                self.record(&skipped(
                    rule_id,
                    &at,
                    RunTrigger::Confirmed,
                    SkipReason::NothingToDo,
                    None,
                ))?;
                None
            }
            Some(_lock) => match self.inner.jobs.start(plan_id) {
                Ok(job) => {
                    self.record_acted(
                        &RunRow {
                            rule_id: rule_id.to_string(),
                            at: at.clone(),
                            trigger: RunTrigger::Confirmed.as_str().into(),
                            outcome: RunOutcome::Acted.as_str().into(),
                            reason: None,
                            detail: None,
                            job_id: Some(job.id.clone()),
                            planned: job.total,
                        },
                        &rule,
                        &job.id,
                    )?;
                    Some(job)
                }
                // An empty preview confirms the rule; there is nothing to start.
                Err(e) if e.kind == crate::error::ErrorKind::InvalidInput => {
                    self.record(&skipped(
                        rule_id,
                        &at,
                        RunTrigger::Confirmed,
                        SkipReason::NothingToDo,
                        None,
                    ))?;
                    None
                }
                Err(e) => return Err(e),
            },
        };
        self.inner
            .previews
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(plan_id);
        Ok(job)
    }

    fn record(&self, run: &RunRow) -> AppResult<()> {
        self.inner.db.write(|tx| table::insert_run(tx, run))
    }

    /// Records a run that started a job, and tags the job with the rule as it reads now, so
    /// Activity names the rule beside each action (even after the rule is changed or deleted).
    fn record_acted(&self, run: &RunRow, rule: &Rule, job_id: &str) -> AppResult<()> {
        let label = rule.action.describe();
        self.inner.db.write(|tx| {
            table::insert_run(tx, run)?;
            table::tag_job(tx, job_id, &rule.id, &label)
        })
    }

    /// Runs the rules whose scheduled time has come and not been handled yet, each once.
    pub async fn run_due(&self, options: RunOptions) -> AppResult<Vec<RunReport>> {
        let now = self.now();
        let mut reports = Vec::new();
        for rule in self.rules()? {
            let Ok(tz) = schedule::parse_zone(&rule.time_zone) else {
                continue;
            };
            let last = rule.last_slot.as_deref().and_then(store::parse_ts);
            let Some(slot) = schedule::due_slot(&rule.schedule, tz, last, now) else {
                continue;
            };
            let options = RunOptions {
                trigger: RunTrigger::Scheduled,
                ..options
            };
            if let Some(report) = self.run_rule(&rule, options, Some(slot)).await? {
                reports.push(report);
            }
        }
        Ok(reports)
    }

    /// Runs every rule now, whatever its schedule ("Run rules now", `--now`).
    pub async fn run_all(&self, options: RunOptions) -> AppResult<Vec<RunReport>> {
        let mut reports = Vec::new();
        for rule in self.rules()? {
            let options = RunOptions {
                trigger: RunTrigger::Manual,
                ..options
            };
            if let Some(report) = self.run_rule(&rule, options, None).await? {
                reports.push(report);
            }
        }
        Ok(reports)
    }

    /// One run of one rule. `slot`: the scheduled time it handles (claimed under the lock, so
    /// two processes never both run the same slot). `None` when another process already
    /// handled the slot.
    pub async fn run_rule(
        &self,
        rule: &Rule,
        options: RunOptions,
        slot: Option<DateTime<Utc>>,
    ) -> AppResult<Option<RunReport>> {
        let now = self.now();
        let at = store::ts(now);
        let account = self.inner.source.account(&rule.account_id).ok();
        let mut report = RunReport {
            rule_id: rule.id.clone(),
            description: rule.action.describe(),
            account_id: rule.account_id.clone(),
            account_label: account
                .as_ref()
                .map(|a| a.label.clone())
                .unwrap_or_default(),
            action: rule.action.job_action(),
            outcome: RunOutcome::Skipped,
            skip_reason: None,
            detail: None,
            job: None,
            planned: 0,
            items: Vec::new(),
        };
        let skip = |report: &mut RunReport, reason: SkipReason, detail: Option<String>| {
            report.outcome = RunOutcome::Skipped;
            report.skip_reason = Some(reason);
            report.detail = detail;
        };

        let lock = self.inner.locks.try_lock(&rule.id)?;
        if lock.is_none() {
            skip(
                &mut report,
                SkipReason::RunningElsewhere,
                Some("Another InviteDesk process was running this rule.".into()),
            );
            return self.finish(report, options, &at).map(Some);
        }
        if let Some(slot) = slot.filter(|_| !options.dry_run) {
            let claimed = self.inner.db.write(|tx| {
                let fresh = table::rule(tx, &rule.id)?.ok_or_else(rule_not_found)?;
                let handled = fresh.last_slot.as_deref().and_then(store::parse_ts);
                if handled.is_some_and(|h| h >= slot) {
                    return Ok(false);
                }
                table::set_last_slot(tx, &rule.id, &store::ts(slot))?;
                Ok(true)
            })?;
            if !claimed {
                return Ok(None);
            }
        }

        let tz = schedule::parse_zone(&rule.time_zone)?;
        if self.paused()? || rule.paused {
            skip(&mut report, SkipReason::Paused, None);
        } else if rule.confirmed_at.is_none() {
            skip(
                &mut report,
                SkipReason::NotConfirmed,
                Some("Preview the rule and confirm its list in the window first.".into()),
            );
        } else if let Some(q) = rule
            .quiet_hours
            .as_ref()
            .filter(|q| schedule::in_quiet_hours(q, tz, now))
        {
            skip(
                &mut report,
                SkipReason::QuietHours,
                Some(format!("Quiet hours {}–{}.", q.start, q.end)),
            );
        } else {
            match self.plan(rule).await {
                Err(e) => {
                    report.outcome = RunOutcome::Failed;
                    report.detail = Some(e.message);
                }
                Ok(Planned::Skip(reason, detail)) => skip(&mut report, reason, detail),
                Ok(Planned::Plan(plan)) if plan.items.is_empty() => skip(
                    &mut report,
                    SkipReason::NothingToDo,
                    Some(rule.action.nothing_to_do()),
                ),
                Ok(Planned::Plan(plan)) if options.dry_run => {
                    report.outcome = RunOutcome::DryRun;
                    report.planned = plan.items.len() as u32;
                    report.items = plan.items;
                }
                Ok(Planned::Plan(plan)) => {
                    report.planned = plan.items.len() as u32;
                    match self.inner.jobs.start(&plan.plan_id) {
                        Err(e) => {
                            report.outcome = RunOutcome::Failed;
                            report.detail = Some(e.message);
                        }
                        Ok(job) => {
                            report.outcome = RunOutcome::Acted;
                            // Recorded before waiting: the Activity tag and the history see
                            // the job while it runs.
                            self.record_acted(
                                &RunRow {
                                    rule_id: rule.id.clone(),
                                    at: at.clone(),
                                    trigger: options.trigger.as_str().into(),
                                    outcome: RunOutcome::Acted.as_str().into(),
                                    reason: None,
                                    detail: None,
                                    job_id: Some(job.id.clone()),
                                    planned: report.planned,
                                },
                                rule,
                                &job.id,
                            )?;
                            report.job = Some(self.wait(&job.id, options).await?);
                            drop(lock);
                            return Ok(Some(report));
                        }
                    }
                }
            }
        }
        drop(lock);
        self.finish(report, options, &at).map(Some)
    }

    /// Waits for a job to end, or (`stop_on_long_pause`) to wait on a long hold.
    async fn wait(&self, job_id: &str, options: RunOptions) -> AppResult<JobSummary> {
        let jobs = &self.inner.jobs;
        if !options.stop_on_long_pause {
            jobs.wait(job_id).await;
            return jobs.summary(job_id);
        }
        loop {
            let tick = std::time::Duration::from_millis(500);
            if tokio::time::timeout(tick, jobs.wait(job_id)).await.is_ok() {
                return jobs.summary(job_id);
            }
            let summary = jobs.summary(job_id)?;
            let long = summary
                .paused_accounts
                .iter()
                .filter_map(|p| store::parse_ts(&p.until))
                .min()
                .is_some_and(|until| until - Utc::now() > chrono::Duration::minutes(1));
            if summary.state == crate::jobs::JobState::Paused && long {
                return jobs.suspend(job_id).await;
            }
        }
    }

    /// Records a run that started no job (unless a dry run) and hands the report back.
    fn finish(&self, report: RunReport, options: RunOptions, at: &str) -> AppResult<RunReport> {
        if !options.dry_run {
            self.record(&RunRow {
                rule_id: report.rule_id.clone(),
                at: at.to_string(),
                trigger: options.trigger.as_str().into(),
                outcome: report.outcome.as_str().into(),
                reason: report.skip_reason.map(|r| r.as_str().to_string()),
                detail: report.detail.clone(),
                job_id: None,
                planned: report.planned,
            })?;
        }
        Ok(report)
    }

    /// Holds, caps, then the refreshed list through the plan code.
    async fn plan(&self, rule: &Rule) -> AppResult<Planned> {
        let now = self.now();
        let account = &rule.account_id;
        let action = rule.action.job_action();
        let kind = action.write_kind();
        let tz = schedule::parse_zone(&rule.time_zone)?;

        // Holds and the account's daily cap are the job engine's, on its clock (the real one):
        // checked here exactly as the runner will check them. The rule's clock decides only
        // when it fires and the rule's own day (its allowance, in its time zone).
        if let Some(hold) = crate::jobs::hold_in_effect(&self.inner.db, account, kind)? {
            return Ok(Planned::Skip(
                SkipReason::Hold,
                Some(format!(
                    "The provider holds {} on this account until {}: {}",
                    kind.noun_plural(),
                    hold.until,
                    hold.reason
                )),
            ));
        }
        let settings = self.inner.source.settings(account);
        // The cap the runner enforces: the account's, within the floors for real LinkedIn.
        let reaches_linkedin = self
            .inner
            .source
            .provider(account)
            .map_or(true, |p| p.reaches_linkedin());
        let cap =
            crate::invitations::limits::effective(&settings, kind, reaches_linkedin).daily_cap;
        let engine_now = Utc::now();
        let done = self
            .inner
            .db
            .read(|c| history::done_today(c, account, kind, engine_now))?;
        let mut left = cap.saturating_sub(done);
        let mut cap_text = format!(
            "The account's daily cap of {cap} {} is used up for today.",
            kind.noun_plural()
        );
        if let RuleAction::Withdraw { max_per_day, .. } = &rule.action {
            let local_midnight = schedule::instant_on(
                now.with_timezone(&tz).date_naive(),
                chrono::NaiveTime::MIN,
                tz,
            );
            let by_rule = self.inner.db.read(|c| {
                table::rule_done_since(c, &rule.id, "withdrawn", &store::ts(local_midnight))
            })?;
            let rule_left = max_per_day.saturating_sub(by_rule);
            if rule_left < left {
                left = rule_left;
                cap_text = format!("This rule's {max_per_day} withdrawals for today are done.");
            }
        }
        if left == 0 {
            return Ok(Planned::Skip(SkipReason::CapReached, Some(cap_text)));
        }

        let screen = action.screen();
        let refreshed = self
            .inner
            .invitations
            .refresh(screen, Some(account), Arc::new(|_| {}))
            .await?;
        if let Some(error) = refreshed
            .accounts
            .into_iter()
            .find(|a| !a.ok)
            .and_then(|a| a.error)
        {
            return Err(error);
        }
        let jobs = &self.inner.jobs;
        let take = left as usize;
        let plan = match &rule.action {
            RuleAction::Withdraw {
                older_than_days, ..
            } => {
                let all = jobs.preview_withdraw(&WithdrawRequest::OlderThan {
                    older_than_days: *older_than_days,
                    account_id: Some(account.clone()),
                })?;
                if all.items.is_empty() {
                    None
                } else if all.items.len() <= take {
                    Some(all)
                } else {
                    // The oldest first, up to what today allows.
                    let mut items = all.items;
                    items.sort_by_key(|i| std::cmp::Reverse(i.age_days));
                    let selected = items.into_iter().take(take).map(|i| i.key).collect();
                    Some(jobs.preview_withdraw(&WithdrawRequest::Selected { selected })?)
                }
            }
            RuleAction::Accept { conditions: c } => {
                let rows = self.inner.invitations.list_received(Some(account))?.rows;
                let keys: Vec<String> = rows
                    .iter()
                    .filter(|r| conditions::accepts(r, c))
                    .map(|r| r.key.clone())
                    .collect();
                self.respond_plan(keys, Response::Accept, take)?
            }
            RuleAction::Ignore { categories } => {
                let rows = self.inner.invitations.list_received(Some(account))?.rows;
                let keys: Vec<String> = rows
                    .iter()
                    .filter(|r| r.can_ignore && categories.contains(&r.invitation.category))
                    .map(|r| r.key.clone())
                    .collect();
                self.respond_plan(keys, Response::Ignore, take)?
            }
        };
        Ok(match plan {
            Some(plan) => Planned::Plan(plan),
            None => Planned::Skip(SkipReason::NothingToDo, Some(rule.action.nothing_to_do())),
        })
    }

    /// The accept or ignore plan over `keys`, cut to what today allows (after the plan code
    /// has left out what earlier jobs already did).
    fn respond_plan(
        &self,
        keys: Vec<String>,
        response: Response,
        take: usize,
    ) -> AppResult<Option<JobPlan>> {
        if keys.is_empty() {
            return Ok(None);
        }
        let jobs = &self.inner.jobs;
        let all = jobs.preview_respond(&keys, response)?;
        if all.items.len() <= take {
            return Ok(Some(all));
        }
        let selected: Vec<String> = all.items.into_iter().take(take).map(|i| i.key).collect();
        jobs.preview_respond(&selected, response).map(Some)
    }
}

fn empty_preview_key(rule_id: &str) -> String {
    format!("empty:{rule_id}")
}

fn skipped(
    rule_id: &str,
    at: &str,
    trigger: RunTrigger,
    reason: SkipReason,
    detail: Option<String>,
) -> RunRow {
    RunRow {
        rule_id: rule_id.to_string(),
        at: at.to_string(),
        trigger: trigger.as_str().into(),
        outcome: RunOutcome::Skipped.as_str().into(),
        reason: Some(reason.as_str().into()),
        detail,
        job_id: None,
        planned: 0,
    }
}
