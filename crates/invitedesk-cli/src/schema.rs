//! The `--json` objects (docs/cli.md, "JSON schema"). Every line the tool prints with `--json`
//! is an object with one key that names what it holds: `accounts`, `settings`, `sent`,
//! `received`, `lines`, `send`, `plan`, `item`, `job`, `jobs`, `activity` or `error`. The JSON key test pins the
//! fields against the document.

use serde::Serialize;

use invitedesk_core::accounts::{AccountSettings, AccountStatus, AccountView};
use invitedesk_core::error::AppError;
use invitedesk_core::invitations::rules::parse_row_key;
use invitedesk_core::invitations::{ReceivedRow, SentRow};
use invitedesk_core::jobs::{JobItemView, JobSummary};
use invitedesk_core::model::{InvitationCategory, ProviderKind};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: String,
    pub label: String,
    pub provider: ProviderKind,
    pub remote_account_id: Option<String>,
    pub remote_name: Option<String>,
    pub profile_url: Option<String>,
    pub status: AccountStatus,
    pub status_detail: Option<String>,
    pub is_default: bool,
    pub last_synced_at: Option<String>,
    pub key_hint: Option<String>,
    pub has_login_token: bool,
    pub country: Option<String>,
    pub settings: Option<AccountSettings>,
}

impl Account {
    pub fn from_view(v: AccountView, settings: Option<AccountSettings>) -> Account {
        Account {
            id: v.id,
            label: v.label,
            provider: v.provider,
            remote_account_id: v.remote_account_id,
            remote_name: v.remote_name,
            profile_url: v.profile_url,
            status: v.status,
            status_detail: v.status_detail,
            is_default: v.is_default,
            last_synced_at: v.last_synced_at,
            key_hint: v.key_hint,
            has_login_token: v.has_login_token,
            country: v.country,
            settings,
        }
    }
}

/// A pending sent invitation.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sent {
    /// `<accountId>/<invitationId>`: what `--ids FILE` takes.
    pub key: String,
    pub account_id: String,
    pub account_label: String,
    pub invitation_id: String,
    pub name: String,
    pub headline: Option<String>,
    pub profile_url: Option<String>,
    pub category: InvitationCategory,
    pub age_days: Option<u32>,
    pub age_exact: bool,
    pub sent_text: Option<String>,
    pub first_seen_at: String,
    pub pinned: bool,
}

impl From<&SentRow> for Sent {
    fn from(r: &SentRow) -> Sent {
        let i = &r.invitation;
        Sent {
            key: r.key.clone(),
            account_id: r.account_id.clone(),
            account_label: r.account_label.clone(),
            invitation_id: i.id.clone(),
            name: i.person.name.clone(),
            headline: i.person.headline.clone(),
            profile_url: i.person.profile_url.clone(),
            category: i.category,
            age_days: r.age_days,
            age_exact: r.age_exact,
            sent_text: i.sent_text.clone(),
            first_seen_at: r.first_seen_at.clone(),
            pinned: r.pinned,
        }
    }
}

/// A pending received invitation.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Received {
    pub key: String,
    pub account_id: String,
    pub account_label: String,
    pub invitation_id: String,
    /// The person, or the page, newsletter or event.
    pub name: String,
    /// The person who invited (for a page, newsletter or event invitation too).
    pub from: String,
    pub headline: Option<String>,
    pub profile_url: Option<String>,
    pub category: InvitationCategory,
    pub age_days: Option<u32>,
    pub age_exact: bool,
    pub note: Option<String>,
    pub mutual_connections: Option<String>,
    pub can_ignore: bool,
}

impl From<&ReceivedRow> for Received {
    fn from(r: &ReceivedRow) -> Received {
        let i = &r.invitation;
        let name = match &i.entity_name {
            Some(e) if i.category != InvitationCategory::Connection && !e.trim().is_empty() => {
                e.clone()
            }
            _ => i.person.name.clone(),
        };
        Received {
            key: r.key.clone(),
            account_id: r.account_id.clone(),
            account_label: r.account_label.clone(),
            invitation_id: i.id.clone(),
            name,
            from: i.person.name.clone(),
            headline: i.person.headline.clone(),
            profile_url: i.person.profile_url.clone(),
            category: i.category,
            age_days: r.age_days,
            age_exact: r.age_exact,
            note: i.note.clone(),
            mutual_connections: i.mutual_connections.clone(),
            can_ignore: r.can_ignore,
        }
    }
}

/// One item's outcome, printed as it happens while a job runs.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub job_id: String,
    pub key: String,
    pub account_id: String,
    pub invitation_id: String,
    pub account_label: String,
    pub name: String,
    /// `done`, `alreadyGone`, `failed` or `skipped`.
    pub outcome: invitedesk_core::jobs::ItemOutcome,
    pub error: Option<AppError>,
    pub detail: Option<String>,
    pub at: Option<String>,
}

impl Item {
    pub fn new(job_id: &str, v: &JobItemView) -> Item {
        let (account, invitation) = parse_row_key(&v.key).unwrap_or(("", ""));
        Item {
            job_id: job_id.to_string(),
            key: v.key.clone(),
            account_id: account.to_string(),
            invitation_id: invitation.to_string(),
            account_label: v.account_label.clone(),
            name: v.name.clone(),
            outcome: v.outcome,
            error: v.error.clone(),
            detail: v.detail.clone(),
            at: v.at.clone(),
        }
    }
}

/// A job's summary (the app's `JobSummary`) and, when paused, until when.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    #[serde(flatten)]
    pub summary: JobSummary,
    /// RFC 3339: the earliest time a paused account can go on (the job is resumable then);
    /// `null` when no account is paused.
    pub paused_until: Option<String>,
}

impl From<JobSummary> for Job {
    fn from(summary: JobSummary) -> Job {
        let paused_until = summary
            .paused_accounts
            .iter()
            .map(|p| p.until.clone())
            .min();
        Job {
            summary,
            paused_until,
        }
    }
}

/// An autopilot rule (`autopilot list`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AutopilotRule {
    pub id: String,
    pub account_id: String,
    pub account_label: String,
    pub action: invitedesk_core::jobs::JobAction,
    pub description: String,
    pub time: String,
    pub weekdays: Vec<u8>,
    pub time_zone: String,
    pub quiet_hours: Option<String>,
    pub paused: bool,
    pub confirmed_at: Option<String>,
    pub next_run_at: Option<String>,
    pub last_run_at: Option<String>,
    pub last_outcome: Option<invitedesk_core::autopilot::RunOutcome>,
    pub last_skip_reason: Option<invitedesk_core::autopilot::SkipReason>,
}

impl From<invitedesk_core::autopilot::RuleView> for AutopilotRule {
    fn from(v: invitedesk_core::autopilot::RuleView) -> AutopilotRule {
        let r = v.rule;
        AutopilotRule {
            id: r.id,
            account_id: r.account_id,
            account_label: v.account_label,
            action: r.action.job_action(),
            description: v.description,
            time: r.schedule.time,
            weekdays: r.schedule.weekdays,
            time_zone: r.time_zone,
            quiet_hours: r.quiet_hours.map(|q| format!("{}-{}", q.start, q.end)),
            paused: r.paused,
            confirmed_at: r.confirmed_at,
            next_run_at: v.next_run_at,
            last_run_at: v.last_run.as_ref().map(|l| l.at.clone()),
            last_outcome: v.last_run.as_ref().map(|l| l.outcome),
            last_skip_reason: v.last_run.as_ref().and_then(|l| l.skip_reason),
        }
    }
}

/// One rule's run (`autopilot run`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AutopilotRun {
    pub rule_id: String,
    pub account_id: String,
    pub account_label: String,
    pub action: invitedesk_core::jobs::JobAction,
    pub description: String,
    pub outcome: invitedesk_core::autopilot::RunOutcome,
    pub skip_reason: Option<invitedesk_core::autopilot::SkipReason>,
    pub detail: Option<String>,
    pub planned: u32,
    pub job: Option<Job>,
    /// `--dry-run`: the invitations it would act on, as `sent list` keys.
    pub keys: Vec<String>,
}

impl From<invitedesk_core::autopilot::RunReport> for AutopilotRun {
    fn from(r: invitedesk_core::autopilot::RunReport) -> AutopilotRun {
        AutopilotRun {
            rule_id: r.rule_id,
            account_id: r.account_id,
            account_label: r.account_label,
            action: r.action,
            description: r.description,
            outcome: r.outcome,
            skip_reason: r.skip_reason,
            detail: r.detail,
            planned: r.planned,
            job: r.job.map(Job::from),
            keys: r.items.into_iter().map(|i| i.key).collect(),
        }
    }
}
