//! Acting on lists, not only on age (issue 13): withdraw everyone a pasted or imported list
//! names, the do-not-contact list, the same person invited from several accounts.
//!
//! Every action here ends in the ordinary withdrawal preview (`JobService::preview_withdraw`
//! with the matched rows): the same plan, keep-list, confirmation and paced job as any other
//! withdrawal.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::do_not_contact::{self as table, DoNotContactEntry};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::invitations::InvitationService;
use crate::jobs::{JobPlan, JobService, WithdrawRequest};
use crate::model::Person;

pub mod bulk_send;
pub mod do_not_contact;
pub mod duplicates;
pub mod list_file;
pub mod matching;
pub mod profile_ref;

pub use bulk_send::BulkSendLine;
pub use do_not_contact::DoNotContactImport;
pub use duplicates::DuplicateGroup;
pub use matching::{LineMatch, LineStatus};

/// The preview of "withdraw by list": every line with what became of it, and the ordinary
/// withdrawal plan for the matched invitations (`null` when nothing matched).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ListWithdrawPreview.ts")]
pub struct ListWithdrawPreview {
    pub lines: Vec<LineMatch>,
    pub matched: u32,
    pub not_pending: u32,
    pub not_recognised: u32,
    pub plan: Option<JobPlan>,
}

/// The preview of a bulk send: every line with its rendered note, its length as the account's
/// provider counts it and why it is skipped, the counts, over how many days the daily cap
/// spreads the run, and the ordinary job plan for the requests that go out (`null` when none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "BulkSendPreview.ts")]
pub struct BulkSendPreview {
    pub account_id: String,
    pub account_label: String,
    pub lines: Vec<BulkSendLine>,
    pub to_send: u32,
    pub skipped: u32,
    /// The longest note the account's provider takes.
    pub max_note_chars: u32,
    /// The account's daily cap on connection requests (after the safety floors).
    pub daily_cap: u32,
    /// Requests the cap still allows today.
    pub cap_left_today: u32,
    /// Over how many days the requests go out (1: all today).
    pub days: u32,
    pub plan: Option<JobPlan>,
}

/// What Sent flags: invitations to people on the do-not-contact list, and people invited from
/// two or more accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "SentFlags.ts")]
pub struct SentFlags {
    /// Row keys of pending invitations to people on the do-not-contact list.
    pub do_not_contact: Vec<String>,
    pub duplicates: Vec<DuplicateGroup>,
}

/// Lists over the cached invitations and the job service. Cheap to clone.
#[derive(Clone)]
pub struct ListService {
    db: Arc<Db>,
    invitations: InvitationService,
    jobs: JobService,
}

impl ListService {
    pub fn new(db: Arc<Db>, invitations: InvitationService, jobs: JobService) -> Self {
        ListService {
            db,
            invitations,
            jobs,
        }
    }

    /// Matches a list against the pending sent invitations of one account (or all) and
    /// previews withdrawing the matched ones. Changes nothing.
    pub fn preview_withdraw_list(
        &self,
        text: &str,
        account_id: Option<&str>,
    ) -> AppResult<ListWithdrawPreview> {
        let lines = list_file::parse_list(text).map_err(AppError::invalid_input)?;
        if lines.is_empty() {
            return Err(AppError::invalid_input(
                "The list is empty: paste profile addresses, public ids or member ids, one a line, \
                 or import a CSV or text file.",
            ));
        }
        let rows = self.invitations.list_sent(account_id)?.rows;
        let lines = matching::match_sent_lines(&lines, &rows);
        let count = |s: LineStatus| lines.iter().filter(|l| l.status == s).count() as u32;
        let selected: Vec<String> = unique(lines.iter().flat_map(|l| l.row_keys.iter().cloned()));
        let plan = self.plan_for(selected)?;
        Ok(ListWithdrawPreview {
            matched: count(LineStatus::Matched),
            not_pending: count(LineStatus::NotPending),
            not_recognised: count(LineStatus::NotRecognised),
            lines,
            plan,
        })
    }

    fn plan_for(&self, selected: Vec<String>) -> AppResult<Option<JobPlan>> {
        if selected.is_empty() {
            return Ok(None);
        }
        self.jobs
            .preview_withdraw(&WithdrawRequest::Selected { selected })
            .map(Some)
    }

    /// Flags over every account's pending sent invitations.
    pub fn sent_flags(&self) -> AppResult<SentFlags> {
        let rows = self.invitations.list_sent(None)?.rows;
        let keys = self.db.read(table::key_set)?;
        Ok(SentFlags {
            do_not_contact: rows
                .iter()
                .filter(|r| do_not_contact::is_listed(&keys, &r.invitation.person))
                .map(|r| r.key.clone())
                .collect(),
            duplicates: duplicates::find_duplicates(&rows),
        })
    }

    /// Previews withdrawing every pending invitation (of one account, or all) to someone on the
    /// do-not-contact list.
    pub fn preview_withdraw_do_not_contact(&self, account_id: Option<&str>) -> AppResult<JobPlan> {
        let rows = self.invitations.list_sent(account_id)?.rows;
        let keys = self.db.read(table::key_set)?;
        let selected: Vec<String> = rows
            .iter()
            .filter(|r| do_not_contact::is_listed(&keys, &r.invitation.person))
            .map(|r| r.key.clone())
            .collect();
        self.plan_for(selected)?.ok_or_else(|| {
            AppError::invalid_input(
                "No pending invitation goes to anyone on the do-not-contact list.",
            )
        })
    }

    /// Previews withdrawing the older invitations of every person invited from two or more
    /// accounts, keeping the newest one each.
    pub fn preview_withdraw_duplicates(&self) -> AppResult<JobPlan> {
        let rows = self.invitations.list_sent(None)?.rows;
        let selected: Vec<String> = duplicates::find_duplicates(&rows)
            .into_iter()
            .flat_map(|g| g.older)
            .collect();
        self.plan_for(selected)?.ok_or_else(|| {
            AppError::invalid_input("No one has pending invitations from more than one account.")
        })
    }

    /// Previews sending a connection request from `account_id` to everyone a list names, with
    /// the note `template` (or each line's own note column). Changes nothing; the plan is
    /// started with `JobService::start` like any other.
    pub fn preview_bulk_send(
        &self,
        account_id: &str,
        text: &str,
        template: Option<&str>,
    ) -> AppResult<BulkSendPreview> {
        let lines = list_file::parse_list(text).map_err(AppError::invalid_input)?;
        if lines.is_empty() {
            return Err(AppError::invalid_input(
                "The list is empty: paste profile addresses (linkedin.com/in/…) or public ids,                  one a line, or import a CSV with a profile column.",
            ));
        }
        let account = self.jobs.send_account(account_id)?;
        let now = Utc::now();
        let pending = self.invitations.list_sent(None)?.rows;
        let do_not_contact = self.db.read(table::key_set)?;
        let withdrawals = crate::history::list(
            &self.db,
            &crate::history::ActivityFilter {
                account_id: Some(account_id.to_string()),
                action: Some(crate::history::ActivityAction::Withdrawn),
                ..Default::default()
            },
        )?;
        let ctx = bulk_send::SendContext {
            provider: account.provider,
            pending: &pending,
            do_not_contact: &do_not_contact,
            withdrawals: &withdrawals,
            now,
        };
        let mut out = bulk_send::plan_lines(&lines, template, &ctx);
        let earlier = self.jobs.send_claim_reasons(account_id)?;
        let mut items = Vec::new();
        for (line, shown) in lines.iter().zip(out.iter_mut()) {
            if shown.skip.is_some() {
                continue;
            }
            let request = crate::model::NewInvitation {
                profile_url: shown.profile_url.clone().unwrap_or_default(),
                note: shown.note.clone(),
            };
            let checked = crate::invitations::send::check_request(&request, account.provider)?;
            if let Some(reason) =
                earlier.get(&crate::jobs::send_checks::claim_key(&checked.person_key))
            {
                shown.skip = Some(reason.clone());
                continue;
            }
            items.push(bulk_send::planned_request(&account, line, checked, now));
        }
        let to_send = items.len() as u32;
        let plan = if items.is_empty() {
            None
        } else {
            Some(self.jobs.preview_send(items)?)
        };
        let (daily_cap, cap_left_today) = self.jobs.send_cap(account_id, now)?;
        Ok(BulkSendPreview {
            account_id: account.id.clone(),
            account_label: account.label.clone(),
            skipped: out.len() as u32 - to_send,
            lines: out,
            to_send,
            max_note_chars: crate::providers::capabilities_of(account.provider).max_note_chars,
            daily_cap,
            cap_left_today,
            days: bulk_send::send_days(to_send, cap_left_today, daily_cap),
            plan,
        })
    }

    pub fn do_not_contact(&self) -> AppResult<Vec<DoNotContactEntry>> {
        self.db.read(table::all)
    }

    pub fn import_do_not_contact(&self, text: &str) -> AppResult<DoNotContactImport> {
        do_not_contact::import(&self.db, text, Utc::now())
    }

    pub fn add_do_not_contact(&self, person: &Person) -> AppResult<DoNotContactEntry> {
        do_not_contact::add_person(&self.db, person, Utc::now())
    }

    pub fn remove_do_not_contact(&self, person_key: &str) -> AppResult<()> {
        do_not_contact::remove(&self.db, person_key)
    }

    pub fn export_do_not_contact_csv(&self, dir: &Path) -> AppResult<PathBuf> {
        do_not_contact::export_csv(&self.db, dir, Utc::now())
    }
}

/// Unique values, in the order first given.
fn unique(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    values.filter(|v| seen.insert(v.clone())).collect()
}
