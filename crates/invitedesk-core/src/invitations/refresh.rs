//! Refresh: list every page of each account's invitations into its cached list, page by page
//! as they arrive; a complete listing then removes what it no longer lists.

use std::sync::{Arc, Mutex};

use chrono::Utc;
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use ts_rs::TS;

use super::inflight::InFlight;
use super::rules;
use super::source::{off_thread, AccountRef, ProviderSource};
use crate::db::cache::{self, NewRow, Screen};
use crate::db::fates;
use crate::db::{self as store, Db};
use crate::error::{AppError, AppErrorShape, AppResult};
use crate::model::{Person, ReceivedInvitation, SentInvitation};
use crate::providers::listing::Stopped;
use crate::providers::{ListingEvent, ListingStop, PageProgress, ProviderError};

/// Accounts fetched at the same time. Each provider rate-limits per key; a few in parallel keeps
/// "refresh all" quick without bursting.
const PARALLEL_ACCOUNTS: usize = 3;

/// The `refresh-progress` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "RefreshProgress.ts")]
pub struct RefreshProgress {
    pub account_id: String,
    pub screen: Screen,
    pub fetched: u32,
    pub total: Option<u32>,
    pub done: bool,
    /// What is going on besides counting, for the refresh bar: "ConnectSafely did not answer
    /// in time; retrying page 6 (attempt 2 of 4)…". `None` once a page arrives.
    pub notice: Option<String>,
}

// Serialize-only: `AppError` has a hand-written `Serialize` and no `Deserialize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "RefreshAccount.ts")]
pub struct RefreshAccount {
    pub account_id: String,
    pub label: String,
    pub ok: bool,
    /// Rows now cached for the account (the previous count when the refresh failed).
    pub count: u32,
    #[ts(as = "Option<AppErrorShape>")]
    pub error: Option<AppError>,
    /// Every page was read: the cache now holds exactly what is pending.
    pub complete: bool,
    /// The listing stopped part-way (`ok`, not `complete`): what it fetched is kept, nothing
    /// it did not reach is taken as gone.
    #[ts(optional = nullable)]
    pub partial: Option<ListingStop>,
}

/// What one account's refresh gave: rows now cached, and where it stopped if part-way.
#[derive(Debug, Clone)]
pub(super) struct Refreshed {
    count: u32,
    partial: Option<ListingStop>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "RefreshSummary.ts")]
pub struct RefreshSummary {
    pub accounts: Vec<RefreshAccount>,
}

/// Where refresh progress goes; the command layer forwards it as `refresh-progress`.
pub type RefreshSink = Arc<dyn Fn(RefreshProgress) + Send + Sync>;

type Progress = RefreshSink;

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(super) async fn refresh_accounts(
    db: Arc<Db>,
    source: Arc<dyn ProviderSource>,
    screen: Screen,
    accounts: Vec<AccountRef>,
    progress: Progress,
    inflight: Arc<InFlight<Refreshed>>,
) -> RefreshSummary {
    let gate = Arc::new(Semaphore::new(PARALLEL_ACCOUNTS));
    let mut tasks = JoinSet::new();
    for (index, account) in accounts.iter().cloned().enumerate() {
        let (db, source, progress, gate, inflight) = (
            db.clone(),
            source.clone(),
            progress.clone(),
            gate.clone(),
            inflight.clone(),
        );
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await;
            // The same list already being fetched: take its result rather than pay twice.
            let refresh = refresh_one(&db, &source, screen, &account, &progress);
            let result = inflight.run(screen, &account.id, refresh).await;
            (index, result)
        });
    }
    let mut results: Vec<Option<AppResult<Refreshed>>> = vec![None; accounts.len()];
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, result)) => results[index] = Some(result),
            Err(e) => log::error!("a refresh task ended abnormally: {e}"),
        }
    }
    let accounts = accounts
        .into_iter()
        .zip(results)
        .map(|(account, result)| {
            let result = result.unwrap_or_else(|| {
                Err(AppError::internal(
                    "The refresh of this account stopped unexpectedly. Try again.",
                ))
            });
            match result {
                Ok(Refreshed { count, partial }) => RefreshAccount {
                    account_id: account.id,
                    label: account.label,
                    ok: true,
                    count,
                    error: None,
                    complete: partial.is_none(),
                    partial,
                },
                Err(error) => RefreshAccount {
                    count: cached_count(&db, screen, &account.id),
                    account_id: account.id,
                    label: account.label,
                    ok: false,
                    error: Some(error),
                    complete: false,
                    partial: None,
                },
            }
        })
        .collect();
    RefreshSummary { accounts }
}

fn cached_count(db: &Db, screen: Screen, account_id: &str) -> u32 {
    db.read(|c| cache::rows(c, screen, Some(account_id)))
        .map(|rows| to_u32(rows.len()))
        .unwrap_or(0)
}

async fn refresh_one(
    db: &Db,
    source: &Arc<dyn ProviderSource>,
    screen: Screen,
    account: &AccountRef,
    progress: &Progress,
) -> AppResult<Refreshed> {
    let report = |fetched: usize, total: Option<usize>, done: bool, notice: Option<String>| {
        progress(RefreshProgress {
            account_id: account.id.clone(),
            screen,
            fetched: to_u32(fetched),
            total: total.map(to_u32),
            done,
            notice,
        })
    };
    report(0, None, false, None);
    // A retry notice keeps the counts of the last page, so the bar does not jump back.
    let so_far = Mutex::new((0usize, None));
    let on_page = |event: ListingEvent| match event {
        ListingEvent::Page { fetched, total } => {
            *so_far.lock().unwrap_or_else(|e| e.into_inner()) = (fetched, total);
            report(fetched, total, false, None);
        }
        ListingEvent::Retrying(notice) => {
            let (fetched, total) = *so_far.lock().unwrap_or_else(|e| e.into_inner());
            report(fetched, total, false, Some(notice.to_string()));
        }
    };
    // Each page is committed (one transaction) before its progress event goes out, so a
    // screen that re-reads the cache on the event shows it. Rows not re-seen yet stay: they
    // were pending at the last refresh. `listed` holds the ids this refresh saw, for the end
    // (ids only: the rows themselves are in the cache once their page is stored).
    let listed = Mutex::new(Vec::<String>::new());
    let store_page = |rows: Vec<NewRow>| -> AppResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let at = store::ts(Utc::now());
        db.write(|tx| cache::store_page(tx, screen, &account.id, &rows, &at))?;
        listed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(rows.into_iter().map(|r| r.invitation_id));
        Ok(())
    };
    let result = fetch_pages(source, screen, &account.id, &on_page, &store_page).await;
    let listed = listed.into_inner().unwrap_or_else(|e| e.into_inner());
    let listed: Vec<&str> = listed.iter().map(String::as_str).collect();
    let result = match result {
        // Complete: what it did not list is no longer pending.
        Ok(None) => {
            let now = Utc::now();
            let at = store::ts(now);
            let stored = db.write(|tx| {
                let count = cache::finish_complete(tx, screen, &account.id, &listed, &at)?;
                // Only a complete listing gets here: Insights' fates never see a partial one.
                if screen == Screen::Sent {
                    fates::record_listing(tx, &account.id, now)?;
                }
                Ok(count)
            });
            if stored.is_ok() {
                source.synced(&account.id, now);
            }
            stored.map(|n| Refreshed {
                count: to_u32(n),
                partial: None,
            })
        }
        // Stopped part-way: keep what arrived, take nothing it did not reach as gone.
        Ok(Some(stopped)) => {
            source.failed(&account.id, &AppError::from(stopped.error));
            let at = store::ts(Utc::now());
            let json = store::to_json(&stopped.stop)?;
            db.write(|tx| cache::finish_partial(tx, screen, &account.id, &at, &json))
                .map(|n| Refreshed {
                    count: to_u32(n),
                    partial: Some(stopped.stop),
                })
        }
        // Failed: the pages stored so far stay (added or updated), nothing is removed.
        Err(e) => {
            source.failed(&account.id, &e);
            Err(e)
        }
    };
    let fetched = result.as_ref().map(|r| r.count as usize).unwrap_or(0);
    report(
        fetched,
        result.as_ref().ok().map(|r| r.count as usize),
        true,
        None,
    );
    result
}

/// All pages of one account's list, each handed to `store` as rows as it arrives; where it
/// stopped if part-way.
async fn fetch_pages(
    source: &Arc<dyn ProviderSource>,
    screen: Screen,
    account_id: &str,
    on_page: PageProgress<'_>,
    store: &(dyn Fn(Vec<NewRow>) -> AppResult<()> + Send + Sync),
) -> AppResult<Option<Stopped>> {
    let id = account_id.to_string();
    let provider = off_thread(source, move |s| s.provider(&id)).await?;
    let stopped = match screen {
        Screen::Sent => {
            let rows = |page: &[SentInvitation]| {
                stored(store, page.iter().map(|i| new_row(&i.id, &i.person, i)))
            };
            provider.list_sent_partial(on_page, &rows).await?.stopped
        }
        Screen::Received => {
            let rows = |page: &[ReceivedInvitation]| {
                stored(store, page.iter().map(|i| new_row(&i.id, &i.person, i)))
            };
            provider
                .list_received_partial(on_page, &rows)
                .await?
                .stopped
        }
    };
    Ok(stopped)
}

fn new_row(id: &str, person: &Person, invitation: &impl Serialize) -> AppResult<NewRow> {
    Ok(NewRow {
        invitation_id: id.to_string(),
        person_key: rules::person_key(person),
        data: store::to_json(invitation)?,
    })
}

/// Stores one page's rows; a failure stops the listing (no credits spent on pages that
/// could not be kept).
fn stored(
    store: &(dyn Fn(Vec<NewRow>) -> AppResult<()> + Send + Sync),
    rows: impl Iterator<Item = AppResult<NewRow>>,
) -> Result<(), ProviderError> {
    rows.collect::<AppResult<Vec<_>>>()
        .and_then(store)
        .map_err(|e| ProviderError::new(e.kind, e.message))
}
