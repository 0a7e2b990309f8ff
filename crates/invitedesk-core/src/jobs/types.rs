//! The job and plan types the UI sees (exported to TypeScript) and the stored plan items.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::cache::Screen;
use crate::error::{AppError, AppErrorShape};
use crate::model::{
    InvitationCategory, NewInvitation, ReceivedInvitation, Response, SentInvitation, WriteKind,
};

/// Stored with the journal, which owns the item states.
pub use crate::db::journal::ItemOutcome;

/// What a job does to each of its invitations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "JobAction.ts")]
pub enum JobAction {
    Withdraw,
    Accept,
    Ignore,
    /// Connection requests to a list of people (bulk send, issue 13).
    Send,
}

impl JobAction {
    pub const fn as_str(self) -> &'static str {
        match self {
            JobAction::Withdraw => "withdraw",
            JobAction::Accept => "accept",
            JobAction::Ignore => "ignore",
            JobAction::Send => "send",
        }
    }

    pub fn parse(text: &str) -> Option<JobAction> {
        match text {
            "withdraw" => Some(JobAction::Withdraw),
            "accept" => Some(JobAction::Accept),
            "ignore" => Some(JobAction::Ignore),
            "send" => Some(JobAction::Send),
            _ => None,
        }
    }

    /// The list the invitations come from (for a send: the list they go to).
    pub const fn screen(self) -> Screen {
        match self {
            JobAction::Withdraw | JobAction::Send => Screen::Sent,
            JobAction::Accept | JobAction::Ignore => Screen::Received,
        }
    }

    pub const fn response(self) -> Option<Response> {
        match self {
            JobAction::Withdraw | JobAction::Send => None,
            JobAction::Accept => Some(Response::Accept),
            JobAction::Ignore => Some(Response::Ignore),
        }
    }

    /// "withdrawals", "acceptances", "ignores": for messages.
    pub const fn noun_plural(self) -> &'static str {
        self.write_kind().noun_plural()
    }

    /// The write each item makes: its pause, daily cap and holds.
    pub const fn write_kind(self) -> WriteKind {
        match self {
            JobAction::Withdraw => WriteKind::Withdraw,
            JobAction::Accept => WriteKind::Accept,
            JobAction::Ignore => WriteKind::Ignore,
            JobAction::Send => WriteKind::Send,
        }
    }
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "JobState.ts")]
pub enum JobState {
    Running,
    /// Running, but every account with work left is waiting (rate limit or daily cap).
    Paused,
    /// The app stopped while the job ran; it can be resumed or discarded.
    Interrupted,
    Cancelled,
    Finished,
}

impl JobState {
    pub const fn as_str(self) -> &'static str {
        match self {
            JobState::Running => "running",
            JobState::Paused => "paused",
            JobState::Interrupted => "interrupted",
            JobState::Cancelled => "cancelled",
            JobState::Finished => "finished",
        }
    }

    pub fn parse(text: &str) -> JobState {
        match text {
            "running" => JobState::Running,
            "paused" => JobState::Paused,
            "interrupted" => JobState::Interrupted,
            "cancelled" => JobState::Cancelled,
            _ => JobState::Finished,
        }
    }
}

/// `preview_withdraw`'s request: the rows the user selected, or an age rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export, export_to = "WithdrawRequest.ts")]
pub enum WithdrawRequest {
    Selected {
        /// Row keys, `"<accountId>/<invitationId>"`.
        selected: Vec<String>,
    },
    OlderThan {
        /// Invitations at least this many days old (by the lower bound of their age).
        #[serde(rename = "olderThanDays")]
        older_than_days: u32,
        /// `null`: every account.
        #[serde(rename = "accountId")]
        account_id: Option<String>,
    },
}

/// One invitation in a plan, as shown in the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "PlanItem.ts")]
pub struct PlanItem {
    pub key: String,
    pub account_id: String,
    pub account_label: String,
    pub invitation_id: String,
    /// The person's name, or the page, newsletter or event name.
    pub name: String,
    pub headline: Option<String>,
    pub profile_url: Option<String>,
    pub category: InvitationCategory,
    pub age_days: Option<u32>,
    pub age_exact: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "PlanAccount.ts")]
pub struct PlanAccount {
    pub account_id: String,
    pub label: String,
    pub count: u32,
    pub pace_min_secs: u32,
    pub pace_max_secs: u32,
    /// How many more actions of this kind the daily cap allows today.
    pub cap_left_today: Option<u32>,
    /// RFC 3339: a provider hold on this account and action; the job waits until then.
    pub held_until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "SkipCount.ts")]
pub struct SkipCount {
    pub reason: String,
    pub count: u32,
}

/// The exact list a job would act on, with everything the user needs to decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "JobPlan.ts")]
pub struct JobPlan {
    pub plan_id: String,
    pub action: JobAction,
    pub items: Vec<PlanItem>,
    pub per_account: Vec<PlanAccount>,
    pub skipped_pinned: u32,
    pub skipped_other: Vec<SkipCount>,
    pub estimated_secs: u32,
    pub warnings: Vec<PlanWarning>,
}

/// What the user must know before confirming a plan, as data: the UI words it
/// (`ui/src/lib/plan.ts`), so the wording lives in one place and the UI can place each kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export, export_to = "PlanWarning.ts")]
pub enum PlanWarning {
    /// The action cannot be undone (every plan says so).
    #[serde(rename_all = "camelCase")]
    CannotBeUndone { action: JobAction },
    /// A withdrawn person cannot be invited again for this many days.
    #[serde(rename_all = "camelCase")]
    ReinviteBlock { days: u32 },
    /// A provider hold on this account and action: the job waits until it ends.
    #[serde(rename_all = "camelCase")]
    ProviderHold {
        account_id: String,
        /// The account's label.
        account: String,
        /// RFC 3339.
        until: String,
        /// The provider's reason, as recorded with the hold.
        reason: String,
    },
    /// More to do on this account than its daily cap still allows today: the rest waits until
    /// the cap starts over after midnight.
    #[serde(rename_all = "camelCase")]
    DailyCapExceeded {
        account_id: String,
        /// The account's label.
        account: String,
        /// Items of this plan on the account.
        count: u32,
        /// Actions the cap still allows today.
        left: u32,
        cap: u32,
        action: JobAction,
    },
    /// Invitations that are not from people (newsletters, company pages, events, follows):
    /// accepting one subscribes or follows. One count per category present, in a fixed order.
    #[serde(rename_all = "camelCase")]
    SpecialCategories {
        action: JobAction,
        counts: Vec<CategoryCount>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "CategoryCount.ts")]
pub struct CategoryCount {
    pub category: InvitationCategory,
    pub count: u32,
}

/// The invitation itself, as it was when previewed: what the provider call needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PlannedInvitation {
    Sent(SentInvitation),
    Received(ReceivedInvitation),
    /// A connection request to send (bulk send): the checked address and the rendered note.
    Request(NewInvitation),
}

/// A plan item with what the runner and the history need beyond the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedItem {
    pub item: PlanItem,
    pub first_seen_at: String,
    pub person_key: Option<String>,
    pub invitation: PlannedInvitation,
}

impl PlannedItem {
    pub fn sent_text(&self) -> Option<&str> {
        match &self.invitation {
            PlannedInvitation::Sent(s) => s.sent_text.as_deref(),
            PlannedInvitation::Received(r) => r.received_text.as_deref(),
            PlannedInvitation::Request(r) => r.note.as_deref(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "PausedAccount.ts")]
pub struct PausedAccount {
    pub account_id: String,
    pub label: String,
    /// RFC 3339.
    pub until: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "JobSummary.ts")]
pub struct JobSummary {
    pub id: String,
    pub action: JobAction,
    pub state: JobState,
    pub total: u32,
    /// Items with a final outcome (succeeded + alreadyGone + failed + skipped).
    pub done: u32,
    /// Withdrawn, accepted or ignored.
    pub succeeded: u32,
    pub already_gone: u32,
    pub failed: u32,
    pub skipped: u32,
    /// Not finished yet (waiting, in flight or being checked).
    pub pending: u32,
    /// Of `pending`: writes whose outcome is not known yet, checked once they can no longer
    /// land.
    pub checking: u32,
    /// The job runs in another InviteDesk process (the command-line tool, another window): it
    /// cannot be cancelled or resumed from here.
    pub elsewhere: bool,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub eta_secs: Option<u32>,
    pub paused_accounts: Vec<PausedAccount>,
    /// The job this one retries, for "Retry failed" jobs.
    pub retry_of: Option<String>,
}

// Serialize-only: `AppError` has a hand-written `Serialize` and no `Deserialize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "JobItemView.ts")]
pub struct JobItemView {
    pub key: String,
    pub name: String,
    pub account_label: String,
    pub outcome: ItemOutcome,
    #[ts(as = "Option<AppErrorShape>")]
    pub error: Option<AppError>,
    /// A sentence on how the outcome came about when it is not obvious ("Pinned: kept").
    pub detail: Option<String>,
    /// RFC 3339: when it finished, or when the attempt started.
    pub at: Option<String>,
    /// RFC 3339, for a `checking` item: when it will be checked.
    pub check_at: Option<String>,
}

/// The `job-progress` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "JobProgress.ts")]
pub struct JobProgress {
    pub job: JobSummary,
    pub item: Option<JobItemView>,
}

/// Where job progress goes; the command layer forwards it to the window as `job-progress`.
pub trait JobEvents: Send + Sync {
    fn job_progress(&self, progress: &JobProgress);
}

/// For callers that do not watch progress.
pub struct NoJobEvents;

impl JobEvents for NoJobEvents {
    fn job_progress(&self, _progress: &JobProgress) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn withdraw_request_accepts_both_shapes_from_the_ui() {
        let a: WithdrawRequest = serde_json::from_value(json!({"selected": ["a/1"]})).unwrap();
        assert_eq!(
            a,
            WithdrawRequest::Selected {
                selected: vec!["a/1".into()]
            }
        );
        let b: WithdrawRequest =
            serde_json::from_value(json!({"olderThanDays": 30, "accountId": null})).unwrap();
        assert_eq!(
            b,
            WithdrawRequest::OlderThan {
                older_than_days: 30,
                account_id: None
            }
        );
    }

    #[test]
    fn plan_warnings_cross_the_ipc_tagged_by_kind_with_camel_case_fields() {
        let cap = PlanWarning::DailyCapExceeded {
            account_id: "a".into(),
            account: "Sales".into(),
            count: 10,
            left: 5,
            cap: 80,
            action: JobAction::Withdraw,
        };
        assert_eq!(
            serde_json::to_value(&cap).unwrap(),
            json!({"kind": "dailyCapExceeded", "accountId": "a", "account": "Sales",
                   "count": 10, "left": 5, "cap": 80, "action": "withdraw"})
        );
        let categories = PlanWarning::SpecialCategories {
            action: JobAction::Accept,
            counts: vec![CategoryCount {
                category: InvitationCategory::Newsletter,
                count: 2,
            }],
        };
        assert_eq!(
            serde_json::to_value(&categories).unwrap(),
            json!({"kind": "specialCategories", "action": "accept",
                   "counts": [{"category": "newsletter", "count": 2}]})
        );
        assert_eq!(
            serde_json::to_value(PlanWarning::ReinviteBlock { days: 21 }).unwrap(),
            json!({"kind": "reinviteBlock", "days": 21})
        );
    }

    #[test]
    fn states_round_trip_through_their_stored_names() {
        for s in [
            ItemOutcome::Pending,
            ItemOutcome::Running,
            ItemOutcome::Checking,
            ItemOutcome::Done,
            ItemOutcome::AlreadyGone,
            ItemOutcome::Failed,
            ItemOutcome::Skipped,
        ] {
            assert_eq!(ItemOutcome::parse(s.as_str()), s);
            assert_eq!(serde_json::to_value(s).unwrap(), json!(s.as_str()));
        }
        for s in [
            JobState::Running,
            JobState::Paused,
            JobState::Interrupted,
            JobState::Cancelled,
            JobState::Finished,
        ] {
            assert_eq!(JobState::parse(s.as_str()), s);
        }
        for a in [
            JobAction::Withdraw,
            JobAction::Accept,
            JobAction::Ignore,
            JobAction::Send,
        ] {
            assert_eq!(JobAction::parse(a.as_str()), Some(a));
        }
    }
}
