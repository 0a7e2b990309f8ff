//! What an autopilot rule is: the action (with its conditions), when it runs (`schedule`), and
//! the record of each run. Types the UI also uses are exported to TypeScript.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::schedule::{self, QuietHours, Schedule};
use crate::error::{AppError, AppResult};
use crate::jobs::JobAction;
use crate::model::{InvitationCategory, ProviderKind};

/// What a rule does on each run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export, export_to = "RuleAction.ts")]
pub enum RuleAction {
    /// Withdraw pending sent invitations at least this old (keep-list honoured), at most
    /// `max_per_day` a day by this rule.
    #[serde(rename_all = "camelCase")]
    Withdraw {
        older_than_days: u32,
        max_per_day: u32,
    },
    /// Accept connection invitations (never pages, newsletters or events) that meet every
    /// condition set.
    #[serde(rename_all = "camelCase")]
    Accept { conditions: AcceptConditions },
    /// Ignore invitations of these categories (where the provider offers Ignore).
    #[serde(rename_all = "camelCase")]
    Ignore { categories: Vec<InvitationCategory> },
}

impl RuleAction {
    pub const fn job_action(&self) -> JobAction {
        match self {
            RuleAction::Withdraw { .. } => JobAction::Withdraw,
            RuleAction::Accept { .. } => JobAction::Accept,
            RuleAction::Ignore { .. } => JobAction::Ignore,
        }
    }

    /// One line for lists, notifications and the command line.
    /// Why a run found nothing to act on, for the run history.
    pub fn nothing_to_do(&self) -> String {
        match self {
            RuleAction::Withdraw {
                older_than_days, ..
            } => format!(
                "No pending invitation older than {older_than_days} days that is not pinned or already done."
            ),
            RuleAction::Accept { .. } => {
                "No connection invitation meets the conditions, or they are already done.".into()
            }
            RuleAction::Ignore { .. } => {
                "No invitation of these kinds is waiting, or they are already done.".into()
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            RuleAction::Withdraw {
                older_than_days,
                max_per_day,
            } => format!(
                "Withdraw pending invitations older than {older_than_days} days (at most {max_per_day} a day)"
            ),
            RuleAction::Accept { conditions } => {
                let parts = conditions.describe();
                if parts.is_empty() {
                    "Accept connection invitations".to_string()
                } else {
                    format!("Accept connection invitations {}", parts.join(", "))
                }
            }
            RuleAction::Ignore { categories } => {
                let names: Vec<&str> = categories.iter().map(|c| c.label()).collect();
                format!("Ignore {} invitations", names.join(", ").to_lowercase())
            }
        }
    }
}

/// Conditions on an accepted invitation; all that are set must hold. A condition the provider
/// gives no data for does not hold (the invitation is left alone), and the UI says so.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "AcceptConditions.ts")]
pub struct AcceptConditions {
    /// Only invitations that came with a note.
    #[serde(default)]
    pub has_note: bool,
    /// At least this many mutual connections.
    #[serde(default)]
    pub min_mutual: Option<u32>,
    /// The headline contains this text (case-insensitive).
    #[serde(default)]
    pub headline_contains: Option<String>,
    /// The headline does not contain this text (case-insensitive).
    #[serde(default)]
    pub headline_excludes: Option<String>,
}

impl AcceptConditions {
    fn describe(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if self.has_note {
            parts.push("with a note".to_string());
        }
        if let Some(m) = self.min_mutual {
            parts.push(format!("with at least {m} mutual connections"));
        }
        if let Some(t) = non_blank(&self.headline_contains) {
            parts.push(format!("whose headline contains \"{t}\""));
        }
        if let Some(t) = non_blank(&self.headline_excludes) {
            parts.push(format!("whose headline does not contain \"{t}\""));
        }
        parts
    }
}

pub(crate) fn non_blank(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// A rule as the user edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "RuleDraft.ts")]
pub struct RuleDraft {
    pub account_id: String,
    pub action: RuleAction,
    pub schedule: Schedule,
    pub quiet_hours: Option<QuietHours>,
    /// IANA name (`Europe/Berlin`); `null`: the system's.
    pub time_zone: Option<String>,
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "AutopilotRule.ts", rename = "AutopilotRule")]
pub struct Rule {
    pub id: String,
    pub account_id: String,
    pub action: RuleAction,
    pub schedule: Schedule,
    pub quiet_hours: Option<QuietHours>,
    pub time_zone: String,
    pub paused: bool,
    /// RFC 3339: when the first preview was confirmed; the rule acts only after that.
    pub confirmed_at: Option<String>,
    pub created_at: String,
    /// RFC 3339: the last scheduled time this rule was handled for (run or skipped).
    pub last_slot: Option<String>,
}

/// Why a run did not act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "RunSkipReason.ts", rename = "RunSkipReason")]
pub enum SkipReason {
    /// Autopilot, or this rule, is paused.
    Paused,
    /// The first preview has not been confirmed in the window yet.
    NotConfirmed,
    QuietHours,
    /// A provider hold on the account and action.
    Hold,
    /// The rule's or the account's daily cap is used up.
    CapReached,
    NothingToDo,
    /// The same rule is running in another InviteDesk process right now.
    RunningElsewhere,
}

impl SkipReason {
    pub const fn as_str(self) -> &'static str {
        match self {
            SkipReason::Paused => "paused",
            SkipReason::NotConfirmed => "notConfirmed",
            SkipReason::QuietHours => "quietHours",
            SkipReason::Hold => "hold",
            SkipReason::CapReached => "capReached",
            SkipReason::NothingToDo => "nothingToDo",
            SkipReason::RunningElsewhere => "runningElsewhere",
        }
    }

    pub fn parse(text: &str) -> Option<SkipReason> {
        [
            SkipReason::Paused,
            SkipReason::NotConfirmed,
            SkipReason::QuietHours,
            SkipReason::Hold,
            SkipReason::CapReached,
            SkipReason::NothingToDo,
            SkipReason::RunningElsewhere,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "RunOutcome.ts")]
pub enum RunOutcome {
    /// A job was started (its counts are the job's).
    Acted,
    Skipped,
    /// The list could not be refreshed or the plan built; `detail` says why.
    Failed,
    /// `--dry-run`: the plan was built, nothing was done or recorded.
    DryRun,
}

impl RunOutcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            RunOutcome::Acted => "acted",
            RunOutcome::Skipped => "skipped",
            RunOutcome::Failed => "failed",
            RunOutcome::DryRun => "dryRun",
        }
    }

    pub fn parse(text: &str) -> RunOutcome {
        match text {
            "acted" => RunOutcome::Acted,
            "skipped" => RunOutcome::Skipped,
            "dryRun" => RunOutcome::DryRun,
            _ => RunOutcome::Failed,
        }
    }
}

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "RunTrigger.ts")]
pub enum RunTrigger {
    Scheduled,
    /// "Run rules now" (tray, screen, `--now`).
    Manual,
    /// The confirmed first preview.
    Confirmed,
}

impl RunTrigger {
    pub const fn as_str(self) -> &'static str {
        match self {
            RunTrigger::Scheduled => "scheduled",
            RunTrigger::Manual => "manual",
            RunTrigger::Confirmed => "confirmed",
        }
    }

    pub fn parse(text: &str) -> RunTrigger {
        match text {
            "manual" => RunTrigger::Manual,
            "confirmed" => RunTrigger::Confirmed,
            _ => RunTrigger::Scheduled,
        }
    }
}

/// One run of a rule, as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "RuleRun.ts")]
pub struct RuleRun {
    pub rule_id: String,
    /// RFC 3339.
    pub at: String,
    pub trigger: RunTrigger,
    pub outcome: RunOutcome,
    pub skip_reason: Option<SkipReason>,
    /// A sentence for the user: the hold's end, the cap, the error.
    pub detail: Option<String>,
    pub job_id: Option<String>,
    /// Invitations the run's plan held.
    pub planned: u32,
    /// From the job: done so far (withdrawn, accepted, ignored, or already gone).
    pub succeeded: u32,
    pub failed: u32,
}

/// Checks a draft before it is stored: times, weekdays, numbers, categories, and what the
/// account's provider can do.
pub fn validate(draft: &RuleDraft, provider: ProviderKind, can_ignore: bool) -> AppResult<()> {
    schedule::parse_time(&draft.schedule.time)?;
    if draft.schedule.weekdays.is_empty() {
        return Err(AppError::invalid_input(
            "Choose at least one weekday for the rule to run on.",
        ));
    }
    if draft.schedule.weekdays.iter().any(|d| !(1..=7).contains(d)) {
        return Err(AppError::invalid_input(
            "Weekdays are numbered 1 (Monday) to 7 (Sunday).",
        ));
    }
    if let Some(q) = &draft.quiet_hours {
        schedule::parse_time(&q.start)?;
        schedule::parse_time(&q.end)?;
    }
    match &draft.action {
        RuleAction::Withdraw {
            older_than_days,
            max_per_day,
        } => {
            if *older_than_days == 0 {
                return Err(AppError::invalid_input(
                    "Withdraw invitations older than at least 1 day.",
                ));
            }
            if *max_per_day == 0 {
                return Err(AppError::invalid_input(
                    "Allow at least 1 withdrawal a day, or pause the rule.",
                ));
            }
        }
        RuleAction::Accept { .. } => {}
        RuleAction::Ignore { categories } => {
            if !can_ignore {
                return Err(AppError::invalid_input(format!(
                    "{} does not offer Ignore, so this rule could never act.",
                    provider.label()
                )));
            }
            if categories.is_empty() {
                return Err(AppError::invalid_input(
                    "Choose which invitations to ignore (newsletters, pages, events).",
                ));
            }
            if categories.contains(&InvitationCategory::Connection) {
                return Err(AppError::invalid_input(
                    "Autopilot ignores newsletters, pages and events only, never people's \
                     connection invitations.",
                ));
            }
        }
    }
    Ok(())
}
