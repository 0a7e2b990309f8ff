//! Sent and received invitations across accounts: the local cache the screens open from, the
//! refresh that fills it, the keep-list, and the rows with their best age estimate.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::cache::{self, CachedRow, Screen};
use crate::db::pins::{self, PinSet, PinTarget};
use crate::db::{self as store, Db};
use crate::error::{AppError, AppResult};
use crate::model::{ReceivedInvitation, SentInvitation};
use crate::providers::ListingStop;

mod inflight;
pub mod limits;
mod refresh;
pub mod rules;
pub mod send;
pub mod source;
pub mod window;

pub use refresh::{RefreshAccount, RefreshProgress, RefreshSink, RefreshSummary};
pub use source::{off_thread, AccountRef, ProviderSource, RunSettings};
pub use window::{
    SentFilter, SentSelection, SentSort, SentSortColumn, SentWindow, SentWindowRequest,
};

/// A pending sent invitation as the Sent screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "SentRow.ts")]
pub struct SentRow {
    /// `"<accountId>/<invitationId>"`.
    pub key: String,
    pub account_id: String,
    pub account_label: String,
    pub invitation: SentInvitation,
    /// RFC 3339: the first refresh that listed it.
    pub first_seen_at: String,
    /// Best estimate: the larger of the provider's age and the days since first seen.
    pub age_days: Option<u32>,
    pub age_exact: bool,
    /// The row or its person is on the keep-list.
    pub pinned: bool,
    /// What `set_pin` takes to pin the person rather than this invitation.
    pub person_key: Option<String>,
}

/// A pending received invitation as the Received screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ReceivedRow.ts")]
pub struct ReceivedRow {
    pub key: String,
    pub account_id: String,
    pub account_label: String,
    pub invitation: ReceivedInvitation,
    pub first_seen_at: String,
    pub age_days: Option<u32>,
    pub age_exact: bool,
    pub can_ignore: bool,
    /// Why Ignore is disabled, when it is.
    pub ignore_disabled_reason: Option<String>,
}

/// When an account's list was last fetched successfully; `null` when never.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "AsOf.ts")]
pub struct AsOf {
    pub account_id: String,
    pub at: Option<String>,
    /// The last refresh stopped part-way: where and why. Its rows are shown, and rows it did
    /// not reach are kept from before, never taken as gone.
    #[ts(optional = nullable)]
    pub partial: Option<ListingStop>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "SentSnapshot.ts")]
pub struct SentSnapshot {
    pub rows: Vec<SentRow>,
    pub as_of: Vec<AsOf>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ReceivedSnapshot.ts")]
pub struct ReceivedSnapshot {
    pub rows: Vec<ReceivedRow>,
    pub as_of: Vec<AsOf>,
}

/// The reason shown on a disabled Ignore button.
pub fn ignore_disabled_reason(account: &AccountRef) -> Option<String> {
    (!account.can_ignore).then(|| {
        format!(
            "{} does not offer Ignore: leave the invitation, or ignore it on LinkedIn.",
            account.provider.label()
        )
    })
}

/// The lists, their refresh and the keep-list. Cheap to clone.
#[derive(Clone)]
pub struct InvitationService {
    db: Arc<Db>,
    source: Arc<dyn ProviderSource>,
    /// The refreshes running now, so the same list is never fetched twice at once.
    inflight: Arc<inflight::InFlight<refresh::Refreshed>>,
    /// The Sent table's orders in memory, rebuilt after the database changed.
    sent_keys: Arc<crate::db::sent_keys::SentKeysCache>,
}

impl InvitationService {
    pub fn new(db: Arc<Db>, source: Arc<dyn ProviderSource>) -> Self {
        Self {
            db,
            source,
            inflight: Arc::default(),
            sent_keys: Arc::default(),
        }
    }

    pub fn source(&self) -> &Arc<dyn ProviderSource> {
        &self.source
    }

    /// The accounts in scope: one (which must exist) or all.
    fn scope(&self, account_id: Option<&str>) -> AppResult<Vec<AccountRef>> {
        match account_id {
            Some(id) => Ok(vec![self.source.account(id)?]),
            None => Ok(self.source.accounts()),
        }
    }

    fn as_of(&self, screen: Screen, accounts: &[AccountRef]) -> AppResult<Vec<AsOf>> {
        self.db.read(|c| {
            accounts
                .iter()
                .map(|a| {
                    Ok(AsOf {
                        account_id: a.id.clone(),
                        at: cache::synced_at(c, screen, &a.id)?,
                        partial: cache::partial(c, screen, &a.id)?
                            .and_then(|json| serde_json::from_str(&json).ok()),
                    })
                })
                .collect()
        })
    }

    /// Reads the cache; rows of accounts that no longer exist are left out.
    fn cached(
        &self,
        screen: Screen,
        account_id: Option<&str>,
    ) -> AppResult<(Vec<AccountRef>, Vec<CachedRow>, PinSet)> {
        let accounts = self.scope(account_id)?;
        // Every cached row: apart from the lock, so a window asked meanwhile is not kept waiting.
        let (rows, pins) = self
            .db
            .read_apart(|c| Ok((cache::rows(c, screen, account_id)?, pins::all(c)?)))?;
        let known: std::collections::HashSet<&str> =
            accounts.iter().map(|a| a.id.as_str()).collect();
        let rows = rows
            .into_iter()
            .filter(|r| known.contains(r.account_id.as_str()))
            .collect();
        Ok((accounts, rows, pins))
    }

    pub fn list_sent(&self, account_id: Option<&str>) -> AppResult<SentSnapshot> {
        self.list_sent_at(account_id, Utc::now())
    }

    /// `list_sent` with ages measured at `now`.
    pub fn list_sent_at(
        &self,
        account_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> AppResult<SentSnapshot> {
        let (accounts, rows, pins) = self.cached(Screen::Sent, account_id)?;
        let labels = labels(&accounts);
        let rows = rows
            .into_iter()
            .filter_map(|r| sent_row(&r, &labels, &pins, now))
            .collect();
        Ok(SentSnapshot {
            rows,
            as_of: self.as_of(Screen::Sent, &accounts)?,
        })
    }

    pub fn list_received(&self, account_id: Option<&str>) -> AppResult<ReceivedSnapshot> {
        self.list_received_at(account_id, Utc::now())
    }

    pub fn list_received_at(
        &self,
        account_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> AppResult<ReceivedSnapshot> {
        let (accounts, rows, _) = self.cached(Screen::Received, account_id)?;
        let by_id: HashMap<&str, &AccountRef> =
            accounts.iter().map(|a| (a.id.as_str(), a)).collect();
        let rows = rows
            .into_iter()
            .filter_map(|r| received_row(&r, &by_id, now))
            .collect();
        Ok(ReceivedSnapshot {
            rows,
            as_of: self.as_of(Screen::Received, &accounts)?,
        })
    }

    /// Fetches every page of one account's list or all accounts' lists (a few at a time) and
    /// stores each account's in one transaction. An account that fails keeps its cached rows
    /// and reports its error in the summary; the others go on.
    pub async fn refresh(
        &self,
        screen: Screen,
        account_id: Option<&str>,
        progress: RefreshSink,
    ) -> AppResult<RefreshSummary> {
        let this = self.clone();
        let account_id = account_id.map(str::to_string);
        let accounts = off_thread(&self.source, move |_| this.scope(account_id.as_deref())).await?;
        Ok(refresh::refresh_accounts(
            self.db.clone(),
            self.source.clone(),
            screen,
            accounts,
            progress,
            self.inflight.clone(),
        )
        .await)
    }

    /// Pins or unpins one invitation (`invitation_id`) or a person (`person_key`: a public id,
    /// a profile URL or a member id) on an account's keep-list.
    pub fn set_pin(
        &self,
        account_id: &str,
        invitation_id: Option<&str>,
        person_key: Option<&str>,
        pinned: bool,
    ) -> AppResult<()> {
        let target = match (
            invitation_id.map(str::trim).filter(|s| !s.is_empty()),
            person_key.map(str::trim).filter(|s| !s.is_empty()),
        ) {
            (Some(id), None) => PinTarget::Invitation(id.to_string()),
            (None, Some(person)) => {
                PinTarget::Person(rules::normalize_person_key(person).ok_or_else(|| {
                    AppError::invalid_input(
                        "This person cannot be pinned: give a LinkedIn profile link or public id.",
                    )
                })?)
            }
            _ => {
                return Err(AppError::invalid_input(
                    "Pin either one invitation or one person.",
                ))
            }
        };
        // Only unpinning is allowed for an account that is gone, so stale pins can be cleared.
        if pinned {
            self.source.account(account_id)?;
        }
        let now = store::ts(Utc::now());
        self.db
            .write(|tx| pins::set(tx, account_id, &target, pinned, &now))
    }
}

fn labels(accounts: &[AccountRef]) -> HashMap<&str, &str> {
    accounts
        .iter()
        .map(|a| (a.id.as_str(), a.label.as_str()))
        .collect()
}

fn row_times(row: &CachedRow, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let first = store::parse_ts(&row.first_seen_at).unwrap_or(now);
    let listed = store::parse_ts(&row.last_seen_at).unwrap_or(first);
    (listed, first)
}

/// A cached sent row as the screen shows it; `None` when the stored JSON cannot be read (the
/// next refresh rewrites it).
pub(crate) fn sent_row(
    row: &CachedRow,
    labels: &HashMap<&str, &str>,
    pins: &PinSet,
    now: DateTime<Utc>,
) -> Option<SentRow> {
    let invitation: SentInvitation = store::from_json(&row.data).ok()?;
    let (listed, first) = row_times(row, now);
    let age = rules::estimate_age(invitation.age, listed, first, now);
    let person_key = rules::person_key(&invitation.person);
    Some(SentRow {
        key: rules::row_key(&row.account_id, &row.invitation_id),
        account_id: row.account_id.clone(),
        account_label: labels
            .get(row.account_id.as_str())
            .map(|s| s.to_string())
            .unwrap_or_default(),
        pinned: pins.covers(&row.account_id, &row.invitation_id, person_key.as_deref()),
        invitation,
        first_seen_at: row.first_seen_at.clone(),
        age_days: age.days,
        age_exact: age.exact,
        person_key,
    })
}

pub(crate) fn received_row(
    row: &CachedRow,
    accounts: &HashMap<&str, &AccountRef>,
    now: DateTime<Utc>,
) -> Option<ReceivedRow> {
    let invitation: ReceivedInvitation = store::from_json(&row.data).ok()?;
    let account = accounts.get(row.account_id.as_str())?;
    let (listed, first) = row_times(row, now);
    let age = rules::estimate_age(invitation.age, listed, first, now);
    Some(ReceivedRow {
        key: rules::row_key(&row.account_id, &row.invitation_id),
        account_id: row.account_id.clone(),
        account_label: account.label.clone(),
        invitation,
        first_seen_at: row.first_seen_at.clone(),
        age_days: age.days,
        age_exact: age.exact,
        can_ignore: account.can_ignore,
        ignore_disabled_reason: ignore_disabled_reason(account),
    })
}
