//! Insights (issue 14): how sent invitations ended and how long they took, from the fates the
//! refreshes record (`db::fates`) and the activity record; chart data and its CSV export.
//!
//! - `fates`: accepted / withdrawn by InviteDesk / gone otherwise / pending, with days pending.
//! - `series`: acceptance by week sent, days to accept against the withdraw threshold, backlog
//!   over time, actions per day.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::{activity, fates as table, Db};
use crate::error::{AppError, AppResult};
use crate::history::csv;
use crate::invitations::{off_thread, ProviderSource};
use crate::model::ProviderKind;

pub mod demo;
pub mod fates;
pub mod limits_view;
pub mod series;

pub use fates::{Fate, InvitationFate};
pub use series::{ActionDay, BacklogPoint, DayCount, DaysToAccept, WeekOutcome};

/// The withdraw threshold when none is given: the account settings' default.
pub const DEFAULT_THRESHOLD_DAYS: u32 = 30;

/// How many sent invitations ended each way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "FateTotals.ts")]
pub struct FateTotals {
    pub tracked: u32,
    pub accepted: u32,
    pub withdrawn: u32,
    pub gone_other: u32,
    pub pending: u32,
}

/// Everything the Insights screen draws, for one account or all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "Insights.ts")]
pub struct Insights {
    pub account_id: Option<String>,
    /// RFC 3339: the first complete refresh that recorded fates; `None` when none has.
    pub tracking_since: Option<String>,
    pub totals: FateTotals,
    pub weeks: Vec<WeekOutcome>,
    pub days_to_accept: DaysToAccept,
    pub backlog: Vec<BacklogPoint>,
    pub actions: Vec<ActionDay>,
    /// Per provider in scope, what it can tell about acceptances ("ConnectSafely: …").
    pub acceptance_notes: Vec<String>,
}

/// What one acceptance check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "AcceptanceCheck.ts")]
pub struct AcceptanceCheck {
    /// Invitations a provider was asked about.
    pub checked: u32,
    /// Of those, people who are now connections.
    pub accepted: u32,
}

/// Invitations asked about per account and check: ConnectSafely allows about 30 reads a
/// minute per account (providers.md §1.5), and a check must leave room for the lists.
pub const CHECKS_PER_ACCOUNT: u32 = 20;

/// The series a CSV export can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "InsightsSeries.ts")]
pub enum InsightsSeries {
    Weeks,
    DaysToAccept,
    Backlog,
    Actions,
    /// One row per invitation with its fate.
    Fates,
}

impl InsightsSeries {
    const fn file_stem(self) -> &'static str {
        match self {
            InsightsSeries::Weeks => "invitedesk-acceptance-by-week",
            InsightsSeries::DaysToAccept => "invitedesk-days-to-accept",
            InsightsSeries::Backlog => "invitedesk-backlog",
            InsightsSeries::Actions => "invitedesk-actions-per-day",
            InsightsSeries::Fates => "invitedesk-invitation-fates",
        }
    }
}

/// What a provider can tell about acceptances, for the screen.
pub const fn acceptance_note(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::ConnectSafely => {
            "ConnectSafely: an invitation that left the list is checked with its relationship \
             lookup, so acceptances are counted."
        }
        ProviderKind::Edges => {
            "Edges does not say whether someone accepted: its invitations that left the list \
             count as gone (declined, expired, withdrawn elsewhere or accepted)."
        }
        ProviderKind::Linkup => {
            "LinkupAPI's invitation-status check costs a credit per person, so InviteDesk does \
             not run it: its invitations that left the list count as gone."
        }
        ProviderKind::Demo => "Demo: acceptances are simulated.",
    }
}

/// Reads fates and activity; cheap to clone.
#[derive(Clone)]
pub struct InsightsService {
    db: Arc<Db>,
    source: Arc<dyn ProviderSource>,
}

/// The facts of one account's or all accounts' invitations, and when tracking began.
struct Loaded {
    facts: Vec<fates::Facts>,
    tracking_since: Option<DateTime<Utc>>,
}

fn totals(facts: &[fates::Facts]) -> FateTotals {
    let mut t = FateTotals {
        tracked: u32::try_from(facts.len()).unwrap_or(u32::MAX),
        ..FateTotals::default()
    };
    for f in facts {
        match f.fate {
            Fate::Accepted => t.accepted += 1,
            Fate::WithdrawnByApp => t.withdrawn += 1,
            Fate::GoneOther => t.gone_other += 1,
            Fate::Pending => t.pending += 1,
        }
    }
    t
}

impl InsightsService {
    pub fn new(db: Arc<Db>, source: Arc<dyn ProviderSource>) -> Self {
        Self { db, source }
    }

    fn check_scope(&self, account_id: Option<&str>) -> AppResult<Vec<ProviderKind>> {
        match account_id {
            Some(id) => Ok(vec![self.source.account(id)?.provider]),
            None => Ok(self.source.accounts().iter().map(|a| a.provider).collect()),
        }
    }

    fn known_accounts(&self) -> std::collections::HashSet<String> {
        self.source.accounts().into_iter().map(|a| a.id).collect()
    }

    fn withdrawals(&self, account_id: Option<&str>) -> AppResult<fates::Withdrawals> {
        let pairs = self.db.read(|c| activity::withdrawals(c, account_id))?;
        Ok(fates::withdrawals_by_account(pairs))
    }

    /// The charts' view of every invitation: one pass over the table, nothing copied.
    fn load(&self, account_id: Option<&str>, now: DateTime<Utc>) -> AppResult<Loaded> {
        let known = self.known_accounts();
        let withdrawals = self.withdrawals(account_id)?;
        let now_ms = now.timestamp_millis();
        let mut facts = Vec::new();
        let mut since: Option<i64> = None;
        self.db.read(|c| {
            table::for_each_facts(c, account_id, |row| {
                if !known.contains(row.account_id) {
                    return;
                }
                if let Some(first) = fates::ms(row.first_seen_at) {
                    since = Some(since.map_or(first, |s| s.min(first)));
                }
                facts.push(fates::facts(row, &withdrawals, now_ms));
            })
        })?;
        Ok(Loaded {
            facts,
            tracking_since: since.and_then(DateTime::<Utc>::from_timestamp_millis),
        })
    }

    /// Every invitation with its names and dates, oldest sent first (the CSV export).
    fn load_fates(
        &self,
        account_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> AppResult<Vec<InvitationFate>> {
        let known = self.known_accounts();
        let withdrawals = self.withdrawals(account_id)?;
        let rows = self.db.read(|c| table::all(c, account_id))?;
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|r| known.contains(&r.account_id))
            .collect();
        Ok(fates::infer_all(&rows, &withdrawals, now))
    }

    /// The Insights screen's data at `now`, with `threshold_days` drawn on days to accept.
    pub fn insights_at(
        &self,
        account_id: Option<&str>,
        threshold_days: Option<u32>,
        now: DateTime<Utc>,
    ) -> AppResult<Insights> {
        let kinds = self.check_scope(account_id)?;
        let threshold = threshold_days.unwrap_or(DEFAULT_THRESHOLD_DAYS);
        if threshold == 0 {
            return Err(AppError::invalid_input(
                "The withdraw threshold must be at least 1 day.",
            ));
        }
        let loaded = self.load(account_id, now)?;
        let counts = self.db.read(|c| activity::counts_by_day(c, account_id))?;
        let mut notes: Vec<String> = Vec::new();
        for kind in kinds {
            let note = acceptance_note(kind).to_string();
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
        Ok(Insights {
            account_id: account_id.map(str::to_string),
            tracking_since: loaded.tracking_since.map(crate::db::ts),
            totals: totals(&loaded.facts),
            weeks: series::by_week_sent(&loaded.facts),
            days_to_accept: series::days_to_accept(&loaded.facts, threshold),
            backlog: series::backlog(&loaded.facts, loaded.tracking_since, now),
            actions: series::actions_per_day(&counts, now),
            acceptance_notes: notes,
        })
    }

    pub fn insights(
        &self,
        account_id: Option<&str>,
        threshold_days: Option<u32>,
    ) -> AppResult<Insights> {
        self.insights_at(account_id, threshold_days, Utc::now())
    }

    /// Writes one series as CSV to a new file in `dir`; returns its path.
    pub fn export_csv(
        &self,
        account_id: Option<&str>,
        which: InsightsSeries,
        threshold_days: Option<u32>,
        dir: &Path,
        now: DateTime<Utc>,
    ) -> AppResult<PathBuf> {
        let (header, rows) = if which == InsightsSeries::Fates {
            fates_csv(&self.load_fates(account_id, now)?)
        } else {
            series_csv(&self.insights_at(account_id, threshold_days, now)?, which)
        };
        csv::write_new(dir, which.file_stem(), now, &header, &rows)
    }

    /// Asks each account's provider, where it can tell (ConnectSafely, the demo), whether the
    /// people behind invitations that left the list are now connections: a few per account
    /// (newest first), each asked once. A provider error stops that account's check (the rest
    /// wait for the next one); it is logged, not shown: Insights works without it.
    pub async fn check_acceptances(&self, account_id: Option<&str>) -> AppResult<AcceptanceCheck> {
        let this = self.clone();
        let scope = account_id.map(str::to_string);
        let accounts = off_thread(&self.source, move |source| match scope {
            Some(id) => Ok(vec![source.account(&id)?]),
            None => Ok(source.accounts()),
        })
        .await?;
        let mut found = AcceptanceCheck::default();
        for account in accounts {
            if !matches!(
                account.provider,
                ProviderKind::ConnectSafely | ProviderKind::Demo
            ) {
                continue;
            }
            let id = account.id.clone();
            let (todo, withdrawals) = {
                let db = this.db.clone();
                crate::blocking::off_thread(move || {
                    db.read(|c| {
                        Ok((
                            table::unchecked_gone(c, &id, CHECKS_PER_ACCOUNT)?,
                            fates::withdrawals_by_account(activity::withdrawals(c, Some(&id))?),
                        ))
                    })
                })
                .await?
            };
            if todo.is_empty() {
                continue;
            }
            let id = account.id.clone();
            let provider = off_thread(&self.source, move |s| s.provider(&id)).await?;
            for row in todo {
                // Withdrawn by InviteDesk (by the same rule the charts follow: a withdrawal a
                // later listing contradicts does not count), or no profile to ask about:
                // nothing to learn.
                let withdrawn =
                    fates::facts(&row.as_facts(), &withdrawals, 0).fate == Fate::WithdrawnByApp;
                let connected = match (&row.profile_url, withdrawn) {
                    (Some(url), false) => match provider.is_connected(url).await {
                        Ok(answer) => answer.unwrap_or(false),
                        Err(e) => {
                            log::warn!(
                                "acceptance check stopped for account {}: {}",
                                account.id,
                                e.message
                            );
                            break;
                        }
                    },
                    _ => false,
                };
                let db = this.db.clone();
                crate::blocking::off_thread(move || {
                    db.write(|tx| {
                        table::set_checked(
                            tx,
                            &row.account_id,
                            &row.invitation_id,
                            connected,
                            Utc::now(),
                        )
                    })
                })
                .await?;
                found.checked += 1;
                found.accepted += u32::from(connected);
            }
        }
        Ok(found)
    }

    /// Limits at a glance for one account at `now`: the provider's figures (asked now; a
    /// failure is said, not fatal), InviteDesk's caps used today, holds, and the ETA to clear
    /// the invitations pending at least `threshold_days`.
    pub async fn account_limits(
        &self,
        account_id: &str,
        threshold_days: u32,
        now: DateTime<Utc>,
    ) -> AppResult<limits_view::AccountLimits> {
        let id = account_id.to_string();
        let (account, settings, provider) = off_thread(&self.source, move |s| {
            Ok((s.account(&id)?, s.settings(&id), s.provider(&id)))
        })
        .await?;
        let (provider_limits, provider_error, reaches) = match provider {
            Ok(p) => match p.limits().await {
                Ok(l) => (l, None, p.reaches_linkedin()),
                Err(e) => (Vec::new(), Some(e.message.clone()), p.reaches_linkedin()),
            },
            Err(e) => (Vec::new(), Some(e.message), true),
        };
        let invitations =
            crate::invitations::InvitationService::new(self.db.clone(), self.source.clone());
        let db = self.db.clone();
        let mut view = crate::blocking::off_thread(move || {
            let rows = invitations.list_sent_at(Some(&account.id), now)?.rows;
            let stale = rows
                .iter()
                .filter(|r| limits_view::is_stale(r.age_days, r.pinned, threshold_days))
                .count();
            limits_view::local(
                &db,
                &account.id,
                &account.label,
                account.provider,
                &settings,
                reaches,
                u32::try_from(stale).unwrap_or(u32::MAX),
                threshold_days,
                now,
            )
        })
        .await?;
        // The provider's own weekly count, when it gives one, is better than ours.
        if provider_limits
            .iter()
            .any(|l| l.action == "CONNECT" && l.used.is_some() && l.limit.is_some())
        {
            view.weekly_sends = None;
        }
        view.provider_limits = provider_limits;
        view.provider_error = provider_error;
        Ok(view)
    }

    /// Gives a demo account its invented months of history (once); other accounts are left
    /// alone.
    pub fn seed_demo_history(&self, account_id: &str, now: DateTime<Utc>) -> AppResult<usize> {
        let account = self.source.account(account_id)?;
        if account.provider != ProviderKind::Demo {
            return Ok(0);
        }
        demo::seed(&self.db, account_id, &account.label, now)
    }

    pub fn source(&self) -> &Arc<dyn ProviderSource> {
        &self.source
    }
}

fn opt_percent(p: Option<f64>) -> String {
    p.map(|v| format!("{v:.1}")).unwrap_or_default()
}

fn series_csv(i: &Insights, which: InsightsSeries) -> (Vec<&'static str>, Vec<Vec<String>>) {
    match which {
        InsightsSeries::Weeks => (
            vec![
                "Week (Monday)",
                "Sent",
                "Accepted",
                "Withdrawn by InviteDesk",
                "Gone otherwise",
                "Pending",
                "Acceptance %",
            ],
            i.weeks
                .iter()
                .map(|w| {
                    vec![
                        w.week.clone(),
                        w.sent.to_string(),
                        w.accepted.to_string(),
                        w.withdrawn.to_string(),
                        w.gone_other.to_string(),
                        w.pending.to_string(),
                        opt_percent(w.acceptance_percent),
                    ]
                })
                .collect(),
        ),
        InsightsSeries::DaysToAccept => (
            vec!["Days pending", "Acceptances"],
            i.days_to_accept
                .buckets
                .iter()
                .map(|b| {
                    let days = if b.days == series::LAST_BUCKET {
                        format!("{} or more", b.days)
                    } else {
                        b.days.to_string()
                    };
                    vec![days, b.count.to_string()]
                })
                .collect(),
        ),
        InsightsSeries::Backlog => (
            vec!["Day (UTC)", "Pending at end of day"],
            i.backlog
                .iter()
                .map(|p| vec![p.day.clone(), p.pending.to_string()])
                .collect(),
        ),
        InsightsSeries::Actions | InsightsSeries::Fates => (
            vec!["Day (UTC)", "Withdrawn", "Accepted", "Ignored", "Invited"],
            i.actions
                .iter()
                .map(|d| {
                    vec![
                        d.day.clone(),
                        d.withdrawn.to_string(),
                        d.accepted.to_string(),
                        d.ignored.to_string(),
                        d.invited.to_string(),
                    ]
                })
                .collect(),
        ),
    }
}

fn fates_csv(fates: &[InvitationFate]) -> (Vec<&'static str>, Vec<Vec<String>>) {
    (
        vec![
            "Account",
            "Invitation",
            "Name",
            "Fate",
            "Sent",
            "Sent date exact",
            "Ended",
            "Days pending",
            "Days exact",
        ],
        fates
            .iter()
            .map(|f| {
                vec![
                    f.account_id.clone(),
                    f.invitation_id.clone(),
                    f.name.clone(),
                    f.fate.label().to_string(),
                    f.sent_at.clone(),
                    if f.sent_exact { "yes" } else { "about" }.to_string(),
                    f.ended_at.clone().unwrap_or_default(),
                    f.days_pending.to_string(),
                    if f.days_exact { "yes" } else { "about" }.to_string(),
                ]
            })
            .collect(),
    )
}

/// Runs a blocking Insights call off the async workers.
pub async fn off_thread_insights<T: Send + 'static>(
    service: &InsightsService,
    call: impl FnOnce(&InsightsService) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let this = service.clone();
    off_thread(&service.source, move |_| call(&this)).await
}
