//! The Sent table's sort and filter columns of every cached sent row, held in memory in each
//! order the table sorts by (issue 15, 100,000 rows in ≤ 50 ms a sort or keystroke).
//!
//! Filtering, counting and paging in SQLite cost a scan of 100,000 index rows per request
//! (COUNT, `instr` on each row's search text, OFFSET walking skipped rows), twice when sorting
//! by age. Here one pass over a list already in order tests each row and both counts the
//! matches and picks the window: a sort change reads no SQL at all, a keystroke is one
//! substring test per row. The lists are built once from the narrow index (migration 7) and
//! rebuilt when the database changed since (`Db::generation`: a refresh page landed, a
//! withdrawal removed a row, another process wrote), so a window never shows stale rows.
//!
//! The orders are `db::sent_window`'s exactly, same columns and same byte order (SQLite's
//! BINARY collation); the tests in `invitations::window` pin them against every row sorted
//! in memory, and a test here against the SQL.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use super::sent_window::{OrderBy, WindowQuery};
use crate::error::AppResult;

const DAY_MS: i64 = 86_400_000;

/// One cached sent row's columns that the table sorts and filters by.
struct Entry {
    /// Index into `SentKeys::accounts`.
    account: u32,
    invitation_id: Box<str>,
    first_seen_at: Box<str>,
    search_text: Option<Box<str>>,
    provider_days: Option<i64>,
    sent_by_ms: Option<i64>,
}

/// Every cached sent row in each order the table shows, as of one state of the database.
pub struct SentKeys {
    /// The data this was read from: `(Db::generation, PRAGMA data_version)`.
    version: (u64, i64),
    /// The distinct account ids, sorted (so `Entry::account` order is account id order).
    accounts: Vec<String>,
    /// In name order (`sort_name, account_id, first_seen_at, invitation_id`, as read from the
    /// name index), so the name sort is this list forwards or backwards.
    entries: Vec<Entry>,
    /// Indexes into `entries` by the latest each can have been sent, then the ties.
    by_sent: Vec<u32>,
    /// Indexes into `entries` in the cache's own order (`account_id, first_seen_at,
    /// invitation_id`).
    by_ties: Vec<u32>,
}

/// The cache's own order: account, first seen, invitation.
fn ties(e: &Entry) -> (u32, &str, &str) {
    (e.account, &e.first_seen_at, &e.invitation_id)
}

/// The latest `SentKeys`, shared by clones of the service; rebuilt on the first request after
/// the database changed.
#[derive(Default)]
pub struct SentKeysCache {
    latest: Mutex<Option<Arc<SentKeys>>>,
}

impl SentKeysCache {
    /// The key lists for the database as `conn` sees it now; `generation` is `Db::generation`
    /// read under the same lock.
    pub fn current(&self, conn: &Connection, generation: u64) -> AppResult<Arc<SentKeys>> {
        let data_version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let version = (generation, data_version);
        let mut latest = self.latest.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(keys) = latest.as_ref().filter(|k| k.version == version) {
            return Ok(keys.clone());
        }
        // Drop the old lists before reading the new ones: never two copies of 100,000 rows.
        *latest = None;
        let keys = Arc::new(SentKeys::read(conn, version)?);
        *latest = Some(keys.clone());
        Ok(keys)
    }
}

impl SentKeys {
    fn read(conn: &Connection, version: (u64, i64)) -> AppResult<SentKeys> {
        let mut stmt = conn.prepare(
            "SELECT c.account_id, c.invitation_id, c.first_seen_at, c.search_text,
                    c.provider_days, c.sent_by_ms
             FROM invitation_cache c INDEXED BY invitation_cache_window
             WHERE c.screen = 'sent'
             ORDER BY c.sort_name, c.account_id, c.first_seen_at, c.invitation_id",
        )?;
        let mut account_ids: Vec<String> = Vec::new();
        let mut entries = Vec::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let account_id: String = r.get(0)?;
            // Accounts are few: a linear search beats hashing 100,000 ids.
            let account = match account_ids.iter().position(|a| *a == account_id) {
                Some(i) => i,
                None => {
                    account_ids.push(account_id);
                    account_ids.len() - 1
                }
            };
            let text = |i: usize| -> rusqlite::Result<Option<Box<str>>> {
                Ok(r.get::<_, Option<String>>(i)?.map(String::into_boxed_str))
            };
            entries.push(Entry {
                account: account as u32,
                invitation_id: r.get::<_, String>(1)?.into_boxed_str(),
                first_seen_at: r.get::<_, String>(2)?.into_boxed_str(),
                search_text: text(3)?,
                provider_days: r.get(4)?,
                sent_by_ms: r.get(5)?,
            });
        }
        // Renumber accounts in id order, so comparing numbers compares ids.
        let mut order: Vec<usize> = (0..account_ids.len()).collect();
        order.sort_by(|a, b| account_ids[*a].cmp(&account_ids[*b]));
        let mut renumber = vec![0u32; account_ids.len()];
        for (new, old) in order.iter().enumerate() {
            renumber[*old] = new as u32;
        }
        for e in &mut entries {
            e.account = renumber[e.account as usize];
        }
        account_ids.sort();

        let mut by_ties: Vec<u32> = (0..entries.len() as u32).collect();
        by_ties
            .sort_unstable_by(|a, b| ties(&entries[*a as usize]).cmp(&ties(&entries[*b as usize])));
        let mut by_sent = by_ties.clone();
        // Stable on the ties order: equal "sent by" keeps it.
        by_sent.sort_by_key(|i| entries[*i as usize].sent_by_ms);
        Ok(SentKeys {
            version,
            accounts: account_ids,
            entries,
            by_sent,
            by_ties,
        })
    }

    /// How many rows match `q`, and the keys (`account id`, `invitation id`) of rows
    /// `offset .. offset + limit` of them in `order`: `db::sent_window::window`'s answer.
    pub fn window(
        &self,
        q: &WindowQuery,
        order: OrderBy,
        descending: bool,
        offset: u32,
        limit: u32,
    ) -> (Vec<(String, String)>, u32) {
        let filter = Filter::new(self, q);
        let mut page = Page {
            keys: self,
            from: offset as usize,
            to: offset as usize + limit as usize,
            seen: 0,
            out: Vec::new(),
        };
        match order {
            OrderBy::Name => {
                let all = 0..self.entries.len() as u32;
                if descending {
                    page.take(all.rev().filter(|i| filter.matches(self.entry(*i))));
                } else {
                    page.take(all.filter(|i| filter.matches(self.entry(*i))));
                }
            }
            OrderBy::Age => {
                // Oldest first is the earliest "sent by" first; unknown ages last, in the
                // cache's order either way.
                let known = |i: &u32| {
                    let e = self.entry(*i);
                    !filter.unknown_age(e) && filter.matches(e)
                };
                if descending {
                    page.take(self.by_sent.iter().copied().filter(known));
                } else {
                    page.take(self.by_sent.iter().rev().copied().filter(known));
                }
                page.take(self.by_ties.iter().copied().filter(|i| {
                    let e = self.entry(*i);
                    filter.unknown_age(e) && filter.matches(e)
                }));
            }
            OrderBy::Account => {
                let mut ranked: Vec<u32> = q
                    .accounts
                    .iter()
                    .filter_map(|id| self.accounts.binary_search(id).ok())
                    .map(|i| i as u32)
                    .collect();
                if descending {
                    ranked.reverse();
                }
                let mut seen_account = HashSet::new();
                for account in ranked {
                    // An account listed twice ranks where SQL's CASE puts it: first match.
                    if !seen_account.insert(account) {
                        continue;
                    }
                    let start = self
                        .by_ties
                        .partition_point(|i| self.entry(*i).account < account);
                    let end = self
                        .by_ties
                        .partition_point(|i| self.entry(*i).account <= account);
                    page.take(
                        self.by_ties[start..end]
                            .iter()
                            .copied()
                            .filter(|i| filter.matches(self.entry(*i))),
                    );
                }
            }
        }
        (page.out, u32::try_from(page.seen).unwrap_or(u32::MAX))
    }

    fn entry(&self, i: u32) -> &Entry {
        &self.entries[i as usize]
    }
}

/// Counts the rows passed in order and keeps the keys of those in `from .. to`.
struct Page<'a> {
    keys: &'a SentKeys,
    from: usize,
    to: usize,
    seen: usize,
    out: Vec<(String, String)>,
}

impl Page<'_> {
    fn take(&mut self, rows: impl Iterator<Item = u32>) {
        for i in rows {
            if self.seen >= self.from && self.seen < self.to {
                let e = self.keys.entry(i);
                self.out.push((
                    self.keys.accounts[e.account as usize].clone(),
                    e.invitation_id.to_string(),
                ));
            }
            self.seen += 1;
        }
    }
}

/// `db::sent_window`'s `WHERE` clause over an entry.
struct Filter<'a> {
    /// Per `SentKeys::accounts` index: in scope.
    in_scope: Vec<bool>,
    accounts: &'a [String],
    words: &'a [String],
    older_than_days: Option<i64>,
    only_keys: Option<HashSet<&'a str>>,
    now_ms: i64,
}

impl<'a> Filter<'a> {
    fn new(keys: &'a SentKeys, q: &'a WindowQuery) -> Self {
        let wanted: HashSet<&str> = q.accounts.iter().map(String::as_str).collect();
        Filter {
            in_scope: keys
                .accounts
                .iter()
                .map(|a| wanted.contains(a.as_str()))
                .collect(),
            accounts: &keys.accounts,
            words: &q.words,
            older_than_days: q.older_than_days.filter(|d| *d > 0).map(i64::from),
            only_keys: q
                .only_keys
                .as_ref()
                .map(|keys| keys.iter().map(String::as_str).collect()),
            now_ms: q.now_ms,
        }
    }

    fn matches(&self, e: &Entry) -> bool {
        if !self.in_scope[e.account as usize] {
            return false;
        }
        if !self.words.is_empty() {
            let Some(text) = e.search_text.as_deref() else {
                return false;
            };
            if !self.words.iter().all(|w| text.contains(w.as_str())) {
                return false;
            }
        }
        if let Some(days) = self.older_than_days {
            if !self.age_days(e).is_some_and(|age| age >= days) {
                return false;
            }
        }
        if let Some(keys) = &self.only_keys {
            let key = format!("{}/{}", self.accounts[e.account as usize], e.invitation_id);
            if !keys.contains(key.as_str()) {
                return false;
            }
        }
        true
    }

    /// `sent_window::age_sql`: whole days since the latest it can have been sent; unknown with
    /// no provider age and less than a day since.
    fn age_days(&self, e: &Entry) -> Option<i64> {
        let sent_by = e.sent_by_ms?;
        let since = self.now_ms - sent_by;
        (e.provider_days.is_some() || since >= DAY_MS).then_some(since / DAY_MS)
    }

    /// `sent_window::UNKNOWN_AGE`.
    fn unknown_age(&self, e: &Entry) -> bool {
        e.provider_days.is_none() && e.sent_by_ms.is_some_and(|s| s > self.now_ms - DAY_MS)
    }
}
