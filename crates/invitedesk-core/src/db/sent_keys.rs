//! The Sent table's sort and filter columns of every cached sent row, held in memory in each
//! order the table sorts by (issue 15, 100,000 rows in ≤ 50 ms a sort or keystroke).
//!
//! Filtering, counting and paging in SQLite cost a scan of 100,000 index rows per request
//! (COUNT, `instr` on each row's search text, OFFSET walking skipped rows), twice when sorting
//! by age. Here a request marks the matching rows in one pass (the text words searched for
//! in all search texts at once), then walks a list already in the order asked for, counting
//! the marks and keeping the window's keys: a sort change reads no SQL at all.
//!
//! The lists are read from the narrow name index (migration 7) and read again once the
//! cached sent rows changed: a refresh page landed, a withdrawal removed a row (triggers on
//! this connection count those), or another process wrote to the file (`PRAGMA
//! data_version`). Other writes (a pin, the activity log) keep them.
//!
//! Reading them takes ~100 ms at 100,000 rows, so it never happens in a request: once the rows
//! have been unchanged for a second, a thread reads them through a read-only connection of its
//! own (WAL: a snapshot, beside the app's connection) and the lists carry the version of the
//! cache they were read from. A request whose version differs gets SQL's answer meanwhile,
//! never lists older than the last change.
//!
//! The orders and filters are `db::sent_window`'s exactly, same columns and same byte order
//! (SQLite's BINARY collation); the tests in `invitations::window` check both against every
//! row sorted in memory.

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use memchr::memmem;
use rusqlite::Connection;

use super::sent_window::{OrderBy, WindowQuery};
use super::Db;
use crate::error::{AppError, AppResult};

const DAY_MS: i64 = 86_400_000;

/// Counts the changes to cached sent rows made through this connection, and when the last
/// was made (seconds since the epoch). TEMP: per connection, never written to the file.
pub(super) const COUNT_CHANGES: &str = "
    CREATE TEMP TABLE sent_changes (n INTEGER NOT NULL, at REAL NOT NULL);
    INSERT INTO sent_changes VALUES (0, 0);
    CREATE TEMP TRIGGER sent_changes_insert AFTER INSERT ON main.invitation_cache
        WHEN NEW.screen = 'sent'
        BEGIN UPDATE sent_changes SET n = n + 1, at = unixepoch('subsec'); END;
    CREATE TEMP TRIGGER sent_changes_update AFTER UPDATE ON main.invitation_cache
        WHEN NEW.screen = 'sent' OR OLD.screen = 'sent'
        BEGIN UPDATE sent_changes SET n = n + 1, at = unixepoch('subsec'); END;
    CREATE TEMP TRIGGER sent_changes_delete AFTER DELETE ON main.invitation_cache
        WHEN OLD.screen = 'sent'
        BEGIN UPDATE sent_changes SET n = n + 1, at = unixepoch('subsec'); END;
";

/// Every cached sent row in each order the table shows, as of one state of the cache. Rows
/// are numbered in name order; the columns are kept apart so a pass reads only what it tests.
pub struct SentKeys {
    /// The cache this was read from: (changes through this connection, `data_version`).
    version: (i64, i64),
    /// The distinct account ids, sorted.
    accounts: Vec<String>,
    /// Per row: index into `accounts`.
    account: Vec<u32>,
    invitation_id: PackedStrs,
    /// Per row: the provider gave an age.
    has_provider_days: Vec<bool>,
    /// Per row: the latest it can have been sent (ms); `None` only before the backfill.
    sent_by_ms: Vec<Option<i64>>,
    /// Every row's search text, each followed by a newline (never inside a query word, so no
    /// match spans two rows); a row without one has an empty text.
    texts: Vec<u8>,
    /// Per row: where its text ends in `texts` (the newline's position).
    text_ends: Vec<u32>,
    /// Rows by the latest each can have been sent, then the ties.
    by_sent: Vec<u32>,
    /// Rows in the cache's own order (account id, first seen, invitation id).
    by_ties: Vec<u32>,
}

/// Many short strings in one buffer, by index. 100,000 ids as two allocations instead of
/// 100,000: a third of the memory, and none left scattered between the read's freed
/// temporaries (glibc gives back only whole free pages, so each such crumb kept a page).
#[derive(Default)]
struct PackedStrs {
    bytes: String,
    /// Per string: where it ends in `bytes`.
    ends: Vec<u32>,
}

impl PackedStrs {
    fn push(&mut self, s: &str) {
        self.bytes.push_str(s);
        self.ends.push(self.bytes.len() as u32);
    }

    fn get(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p] as usize);
        &self.bytes[start..self.ends[i] as usize]
    }
}

/// The latest `SentKeys`, shared by clones of the service, and the thread that reads them again.
pub struct SentKeysCache {
    state: Mutex<Built>,
    /// Another process's writes (`data_version`) carry no time: when this process first saw the
    /// version now in force, so they settle like its own.
    others: Mutex<Option<(i64, Instant)>>,
    /// How long the rows must stay unchanged before the lists are read again; until then SQL
    /// answers.
    settle: Duration,
}

#[derive(Default)]
struct Built {
    latest: Option<Arc<SentKeys>>,
    /// A thread is waiting for the rows to settle or reading them (`read_when_settled`).
    reading: bool,
}

/// The cache's state as the `Db`'s connection sees it now.
struct Probe {
    /// Lists built for another version are stale and never served.
    version: (i64, i64),
    /// How long the rows have been unchanged, by this process or another.
    quiet: Duration,
}

impl Default for SentKeysCache {
    fn default() -> Self {
        Self::settling_for(Duration::from_secs(1))
    }
}

impl SentKeysCache {
    pub fn settling_for(settle: Duration) -> Self {
        SentKeysCache {
            state: Mutex::default(),
            others: Mutex::default(),
            settle,
        }
    }

    fn built(&self) -> std::sync::MutexGuard<'_, Built> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The key lists for the cache as `conn` (`db`'s own connection) sees it now, or `None`
    /// while they are not at hand: SQL answers then (`sent_window::window`). Reading 100,000
    /// rows takes ~100 ms, so a file database reads them on a thread of its own, with its own
    /// connection, once the rows stopped changing (not again for every page a refresh
    /// streams in): the request that finds them stale never waits for them.
    pub fn current(
        self: &Arc<Self>,
        db: &Arc<Db>,
        conn: &Connection,
    ) -> AppResult<Option<Arc<SentKeys>>> {
        let now = self.probe(conn)?;
        let mut built = self.built();
        if let Some(keys) = built.latest.as_ref().filter(|k| k.version == now.version) {
            return Ok(Some(keys.clone()));
        }
        // Stale: never served, and dropped before the new ones are read (never two copies of
        // 100,000 rows).
        built.latest = None;
        if db.path.is_none() {
            // In memory (tests): no second connection sees the rows, so they are read here.
            if now.quiet < self.settle {
                return Ok(None);
            }
            let keys = Arc::new(SentKeys::read(conn, now.version)?);
            built.latest = Some(keys.clone());
            return Ok(Some(keys));
        }
        if !built.reading {
            built.reading = true;
            let (cache, db) = (self.clone(), Arc::downgrade(db));
            std::thread::Builder::new()
                .name("sent-keys".into())
                .spawn(move || cache.read_when_settled(&db))
                .map_err(|e| AppError::internal(format!("Could not start a thread: {e}")))?;
        }
        Ok(None)
    }

    /// The background side of `current`: waits until the rows have been unchanged for
    /// `settle`, reads them through a connection of its own, and keeps the lists only if
    /// nothing changed while reading.
    fn read_when_settled(&self, db: &Weak<Db>) {
        let read = (|| -> AppResult<Option<SentKeys>> {
            loop {
                // The app closing drops the `Db`: nothing left to read for.
                let Some(db) = db.upgrade() else {
                    return Ok(None);
                };
                let before = db.read(|c| self.probe(c))?;
                if before.quiet < self.settle {
                    drop(db);
                    std::thread::sleep(self.settle - before.quiet);
                    continue;
                }
                let Some(reader) = db.reader()? else {
                    return Ok(None);
                };
                // Its snapshot starts after `before`: it holds at least that version's rows.
                let keys = SentKeys::read(&reader, before.version)?;
                drop(reader);
                // A write since `before` may or may not be in the snapshot: read again.
                if db.read(|c| self.probe(c))?.version == before.version {
                    return Ok(Some(keys));
                }
            }
        })();
        let mut built = self.built();
        match read {
            Ok(keys) => built.latest = keys.map(Arc::new),
            // SQL keeps answering; the next request that finds no lists tries again.
            Err(e) => log::warn!("Could not read the Sent table's sort lists: {e}"),
        }
        built.reading = false;
        drop(built);
        // Reading every row freed as much as the lists keep, and more.
        crate::memory::work_ended();
    }

    fn probe(&self, conn: &Connection) -> AppResult<Probe> {
        let (changes, quiet_ms): (i64, f64) = conn.query_row(
            "SELECT n, (unixepoch('subsec') - at) * 1000 FROM temp.sent_changes",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let data_version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        // A paced job in `invitedesk-cli` writes every few seconds: like this process's own
        // writes, its changes are answered by SQL until they stop, not read whole each time.
        let others_quiet = {
            let mut others = self.others.lock().unwrap_or_else(|p| p.into_inner());
            match *others {
                Some((seen, since)) if seen == data_version => since.elapsed(),
                _ => {
                    let first = others.is_none();
                    *others = Some((data_version, Instant::now()));
                    // The first look (at start) is no change.
                    if first {
                        Duration::MAX
                    } else {
                        Duration::ZERO
                    }
                }
            }
        };
        let own_quiet = Duration::from_secs_f64(quiet_ms.max(0.0) / 1000.0);
        Ok(Probe {
            version: (changes, data_version),
            quiet: own_quiet.min(others_quiet),
        })
    }
}

/// Per row of one request: matches the filter, and whether its age is unknown.
const MATCHES: u8 = 1;
const UNKNOWN_AGE: u8 = 2;

impl SentKeys {
    fn read(conn: &Connection, version: (i64, i64)) -> AppResult<SentKeys> {
        let mut stmt = conn.prepare(
            "SELECT c.account_id, c.invitation_id, c.first_seen_at, c.search_text,
                    c.provider_days IS NOT NULL, c.sent_by_ms
             FROM invitation_cache c INDEXED BY invitation_cache_window
             WHERE c.screen = 'sent'
             ORDER BY c.sort_name, c.account_id, c.first_seen_at, c.invitation_id",
        )?;
        let mut keys = SentKeys {
            version,
            accounts: Vec::new(),
            account: Vec::new(),
            invitation_id: PackedStrs::default(),
            has_provider_days: Vec::new(),
            sent_by_ms: Vec::new(),
            texts: Vec::new(),
            text_ends: Vec::new(),
            by_sent: Vec::new(),
            by_ties: Vec::new(),
        };
        let mut first_seen = PackedStrs::default();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let account_id = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            // Accounts are few: a linear search beats hashing 100,000 ids.
            let account = match keys.accounts.iter().position(|a| a == account_id) {
                Some(i) => i,
                None => {
                    keys.accounts.push(account_id.to_string());
                    keys.accounts.len() - 1
                }
            };
            keys.account.push(account as u32);
            let text = |column| -> AppResult<&str> {
                Ok(r.get_ref(column)?.as_str().map_err(rusqlite::Error::from)?)
            };
            keys.invitation_id.push(text(1)?);
            first_seen.push(text(2)?);
            if let Some(text) = r
                .get_ref(3)?
                .as_str_or_null()
                .map_err(rusqlite::Error::from)?
            {
                keys.texts.extend_from_slice(text.as_bytes());
            }
            keys.text_ends.push(keys.texts.len() as u32);
            keys.texts.push(b'\n');
            keys.has_provider_days.push(r.get(4)?);
            keys.sent_by_ms.push(r.get(5)?);
        }
        // Number the accounts in id order, so comparing numbers compares ids.
        let mut sorted = keys.accounts.clone();
        sorted.sort();
        let renumber: Vec<u32> = keys
            .accounts
            .iter()
            .map(|a| sorted.binary_search(a).unwrap_or(0) as u32)
            .collect();
        for a in &mut keys.account {
            *a = renumber[*a as usize];
        }
        keys.accounts = sorted;

        let ties = |i: &u32| {
            let i = *i as usize;
            (
                keys.account[i],
                first_seen.get(i),
                keys.invitation_id.get(i),
            )
        };
        let mut by_ties: Vec<u32> = (0..keys.account.len() as u32).collect();
        by_ties.sort_unstable_by(|a, b| ties(a).cmp(&ties(b)));
        let mut by_sent = by_ties.clone();
        // Stable on the ties order: equal "sent by" keeps it.
        by_sent.sort_by_key(|i| keys.sent_by_ms[*i as usize]);
        keys.by_ties = by_ties;
        keys.by_sent = by_sent;
        Ok(keys)
    }

    /// How many rows match `q`, and the keys (account id, invitation id) of rows
    /// `offset .. offset + limit` of them in `order`: `db::sent_window::window`'s answer.
    pub fn window(
        &self,
        q: &WindowQuery,
        order: OrderBy,
        descending: bool,
        offset: u32,
        limit: u32,
    ) -> (Vec<(String, String)>, u32) {
        let marks = self.marks(q);
        let matches = |i: &u32| marks[*i as usize] & MATCHES != 0;
        let mut page = Page {
            keys: self,
            from: offset as usize,
            to: offset as usize + limit as usize,
            seen: 0,
            out: Vec::new(),
        };
        match order {
            OrderBy::Name => {
                let all = 0..self.account.len() as u32;
                if descending {
                    page.take(all.rev().filter(matches));
                } else {
                    page.take(all.filter(matches));
                }
            }
            OrderBy::Age => {
                // Oldest first is the earliest "sent by" first; unknown ages last, in the
                // cache's order either way.
                let known = |i: &u32| marks[*i as usize] == MATCHES;
                if descending {
                    page.take(self.by_sent.iter().copied().filter(known));
                } else {
                    page.take(self.by_sent.iter().rev().copied().filter(known));
                }
                let unknown = |i: &u32| marks[*i as usize] == MATCHES | UNKNOWN_AGE;
                page.take(self.by_ties.iter().copied().filter(unknown));
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
                for (n, account) in ranked.iter().enumerate() {
                    // An account listed twice ranks where SQL's CASE puts it: first match.
                    if ranked[..n].contains(account) {
                        continue;
                    }
                    let account_of = |i: &u32| self.account[*i as usize];
                    let start = self.by_ties.partition_point(|i| account_of(i) < *account);
                    let end = self.by_ties.partition_point(|i| account_of(i) <= *account);
                    page.take(self.by_ties[start..end].iter().copied().filter(matches));
                }
            }
        }
        (page.out, u32::try_from(page.seen).unwrap_or(u32::MAX))
    }

    /// How many rows the accounts have in all.
    pub fn total(&self, accounts: &[String]) -> u32 {
        let in_scope = self.in_scope(accounts);
        let n = self
            .account
            .iter()
            .filter(|a| in_scope[**a as usize])
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    fn in_scope(&self, accounts: &[String]) -> Vec<bool> {
        self.accounts.iter().map(|a| accounts.contains(a)).collect()
    }

    /// `MATCHES` and `UNKNOWN_AGE` of every row: `db::sent_window`'s `WHERE` clause, and its
    /// `UNKNOWN_AGE`.
    fn marks(&self, q: &WindowQuery) -> Vec<u8> {
        let in_scope = self.in_scope(&q.accounts);
        let mut marks: Vec<u8> = self
            .account
            .iter()
            .map(|a| if in_scope[*a as usize] { MATCHES } else { 0 })
            .collect();
        for word in &q.words {
            self.keep_containing(word, &mut marks);
        }
        let older_than = q.older_than_days.filter(|d| *d > 0).map(i64::from);
        let now = q.now_ms;
        for (i, mark) in marks.iter_mut().enumerate() {
            let sent_by = self.sent_by_ms[i];
            let has_days = self.has_provider_days[i];
            if !has_days && sent_by.is_some_and(|s| s > now - DAY_MS) {
                *mark |= UNKNOWN_AGE;
            }
            if let Some(days) = older_than {
                // `sent_window::age_sql`: whole days since "sent by"; unknown with no
                // provider age and less than a day since.
                let age = sent_by
                    .map(|s| now - s)
                    .filter(|since| has_days || *since >= DAY_MS)
                    .map(|since| since / DAY_MS);
                if age.is_none_or(|a| a < days) {
                    *mark &= !MATCHES;
                }
            }
        }
        if let Some(only) = &q.only_keys {
            let only: std::collections::HashSet<&str> = only.iter().map(String::as_str).collect();
            let mut key = String::new();
            for (i, mark) in marks.iter_mut().enumerate() {
                if *mark & MATCHES == 0 {
                    continue;
                }
                key.clear();
                key.push_str(&self.accounts[self.account[i] as usize]);
                key.push('/');
                key.push_str(self.invitation_id.get(i));
                if !only.contains(key.as_str()) {
                    *mark &= !MATCHES;
                }
            }
        }
        marks
    }

    /// Clears `MATCHES` of rows whose search text does not contain `word`: one search through
    /// all texts (`instr(search_text, word) > 0` on each row).
    fn keep_containing(&self, word: &str, marks: &mut [u8]) {
        let mut found = vec![false; marks.len()];
        let mut row = 0;
        for at in memmem::find_iter(&self.texts, word.as_bytes()) {
            // Matches come in order and never span a newline: move to the row holding `at`.
            while self.text_ends[row] < at as u32 {
                row += 1;
            }
            found[row] = true;
        }
        for (mark, found) in marks.iter_mut().zip(found) {
            if !found {
                *mark &= !MATCHES;
            }
        }
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
                let i = i as usize;
                self.out.push((
                    self.keys.accounts[self.keys.account[i] as usize].clone(),
                    self.keys.invitation_id.get(i).to_string(),
                ));
            }
            self.seen += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::cache::{self, NewRow, Screen};
    use crate::db::pins::{self, PinTarget};
    use crate::db::Db;

    fn rows(names: &[&str]) -> Vec<NewRow> {
        names
            .iter()
            .enumerate()
            .map(|(n, name)| NewRow {
                invitation_id: format!("inv-{n}"),
                person_key: None,
                data: format!(
                    r#"{{"id":"inv-{n}","person":{{"name":"{name}"}},"age":{{"days":3}}}}"#
                ),
            })
            .collect()
    }

    const AT: &str = "2026-01-01T00:00:00.000Z";

    #[test]
    fn the_lists_are_read_again_only_when_cached_sent_rows_change() {
        let db = Db::open_in_memory().unwrap();
        db.write(|tx| cache::replace_account(tx, Screen::Sent, "a1", &rows(&["Bo", "Al"]), AT))
            .unwrap();
        let cache = Arc::new(SentKeysCache::settling_for(Duration::ZERO));
        let current = || db.read(|c| cache.current(&db, c)).unwrap().unwrap();
        let first = current();
        assert!(Arc::ptr_eq(&first, &current()), "nothing changed");

        // A pin and a received invitation leave the sent rows as they were.
        db.write(|tx| pins::set(tx, "a1", &PinTarget::Invitation("inv-0".into()), true, AT))
            .unwrap();
        db.write(|tx| cache::replace_account(tx, Screen::Received, "a1", &rows(&["Cy"]), AT))
            .unwrap();
        assert!(Arc::ptr_eq(&first, &current()));

        // A withdrawal removes a sent row: the lists no longer hold it.
        db.write(|tx| cache::remove(tx, Screen::Sent, "a1", "inv-1"))
            .unwrap();
        let after = current();
        assert!(!Arc::ptr_eq(&first, &after));
        let q = WindowQuery {
            accounts: vec!["a1".into()],
            ..WindowQuery::default()
        };
        let (keys, matching) = after.window(&q, OrderBy::Name, false, 0, 10);
        assert_eq!(matching, 1);
        assert_eq!(keys, vec![("a1".to_string(), "inv-0".to_string())]);
    }

    #[test]
    fn while_rows_keep_changing_sql_answers_until_they_settle() {
        let db = Db::open_in_memory().unwrap();
        let write = |names: &[&str]| {
            db.write(|tx| cache::replace_account(tx, Screen::Sent, "a1", &rows(names), AT))
                .unwrap()
        };
        let cache = Arc::new(SentKeysCache::settling_for(Duration::from_millis(300)));
        let current = || db.read(|c| cache.current(&db, c)).unwrap();
        write(&["Bo"]);
        assert!(current().is_none(), "changed just now: SQL answers");
        std::thread::sleep(Duration::from_millis(350));
        assert!(current().is_some(), "unchanged since: the lists are read");
        write(&["Bo", "Al"]);
        assert!(current().is_none());
        std::thread::sleep(Duration::from_millis(350));
        let lists = current().expect("settled: read again");
        assert_eq!(lists.total(&["a1".to_string()]), 2);
    }

    /// The lists once the thread that reads them is done (a file database), within 5 s.
    fn lists_once_read(cache: &Arc<SentKeysCache>, db: &Arc<Db>) -> Arc<SentKeys> {
        let start = Instant::now();
        loop {
            if let Some(lists) = db.read(|c| cache.current(db, c)).unwrap() {
                return lists;
            }
            assert!(start.elapsed() < Duration::from_secs(5), "never read");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn file_db() -> (tempfile::TempDir, std::path::PathBuf, Arc<Db>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        let db = Db::open(&path).unwrap();
        (dir, path, db)
    }

    #[test]
    fn another_process_writing_is_answered_by_sql_until_it_stops() {
        let (_dir, path, db) = file_db();
        db.write(|tx| cache::replace_account(tx, Screen::Sent, "a1", &rows(&["Bo", "Al"]), AT))
            .unwrap();
        let cache = Arc::new(SentKeysCache::settling_for(Duration::from_millis(300)));
        let current = || db.read(|c| cache.current(&db, c)).unwrap();
        assert_eq!(lists_once_read(&cache, &db).total(&["a1".to_string()]), 2);

        // A paced job in the command-line tool withdraws through its own connection.
        let cli = Db::open(&path).unwrap();
        cli.write(|tx| cache::remove(tx, Screen::Sent, "a1", "inv-1"))
            .unwrap();
        assert!(current().is_none(), "changed just now: SQL answers");
        std::thread::sleep(Duration::from_millis(350));
        let lists = lists_once_read(&cache, &db);
        assert_eq!(lists.total(&["a1".to_string()]), 1);
    }

    #[test]
    fn a_file_database_reads_the_lists_in_the_background_once_rows_settle() {
        let (_dir, _path, db) = file_db();
        db.write(|tx| cache::replace_account(tx, Screen::Sent, "a1", &rows(&["Bo", "Al"]), AT))
            .unwrap();
        let cache = Arc::new(SentKeysCache::settling_for(Duration::from_millis(200)));
        let current = || db.read(|c| cache.current(&db, c)).unwrap();
        lists_once_read(&cache, &db);

        // A withdrawal: the request right after it finds the lists stale and does not read them
        // itself (SQL answers); nor do they come back while the rows are settling.
        db.write(|tx| cache::remove(tx, Screen::Sent, "a1", "inv-1"))
            .unwrap();
        assert!(current().is_none());
        std::thread::sleep(Duration::from_millis(100));
        assert!(current().is_none(), "not settled yet");
        // Once settled, the thread has read them without another request asking.
        std::thread::sleep(Duration::from_millis(400));
        let built = cache
            .built()
            .latest
            .clone()
            .expect("read in the background");
        let lists = current().expect("fresh lists");
        assert!(Arc::ptr_eq(&built, &lists));
        assert_eq!(lists.total(&["a1".to_string()]), 1);
    }

    #[test]
    fn lists_read_before_the_last_change_are_never_served() {
        let (_dir, _path, db) = file_db();
        db.write(|tx| {
            cache::replace_account(tx, Screen::Sent, "a1", &rows(&["Bo", "Al", "Cy"]), AT)
        })
        .unwrap();
        let cache = Arc::new(SentKeysCache::settling_for(Duration::from_millis(50)));
        let a1 = ["a1".to_string()];
        let q = WindowQuery {
            accounts: a1.to_vec(),
            ..WindowQuery::default()
        };
        lists_once_read(&cache, &db);
        // Withdrawals one after another, each asked about at once and while the thread reads:
        // every answer that comes from the lists holds exactly the rows left.
        for (left, id) in [(2, "inv-0"), (1, "inv-2"), (0, "inv-1")] {
            db.write(|tx| cache::remove(tx, Screen::Sent, "a1", id))
                .unwrap();
            let start = Instant::now();
            while start.elapsed() < Duration::from_millis(150) {
                if let Some(lists) = db.read(|c| cache.current(&db, c)).unwrap() {
                    assert_eq!(lists.total(&a1), left, "after removing {id}");
                    assert_eq!(lists.window(&q, OrderBy::Name, false, 0, 10).1, left);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            assert_eq!(lists_once_read(&cache, &db).total(&a1), left);
        }
    }
}
