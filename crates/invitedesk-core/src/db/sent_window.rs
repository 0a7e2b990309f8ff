//! One window of the cached sent invitations, filtered and sorted in SQLite: what the Sent table
//! shows as the user scrolls, plus the counts it needs, without reading every row.
//!
//! The order and the filters match what the table did in the UI: text words (folded) must all
//! occur in name or headline, "older than N days" uses the age estimate's lower bound
//! (`rules::estimate_age`, reproduced here as arithmetic on stored columns), and ties keep the
//! cache's own order (account, first seen, invitation) in both directions.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use super::cache::{self, CachedRow, Screen};
use crate::error::AppResult;

const DAY_MS: i64 = 86_400_000;

/// What to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderBy {
    /// The folded name (`text_keys::sort_key`), ties in the same direction; a row without a name
    /// after every name.
    Name,
    /// The account's place in `WindowQuery::accounts`.
    Account,
    /// The age estimate in whole days, within a day by the latest the invitation can have been
    /// sent; unknown ages last.
    Age,
}

/// The rows in scope and the filters over them.
#[derive(Debug, Clone, Default)]
pub struct WindowQuery {
    /// The accounts in scope, in the order "sort by account" shows them. Rows of other
    /// accounts (removed ones) are never shown.
    pub accounts: Vec<String>,
    /// Folded words (`text_keys::query_words`); each must occur in the row's search text.
    pub words: Vec<String>,
    /// Only rows whose age is at least this many days (`rules::is_at_least`).
    pub older_than_days: Option<u32>,
    /// Only these row keys (`<account id>/<invitation id>`), e.g. the do-not-contact flags.
    pub only_keys: Option<Vec<String>>,
    /// "Now" for ages, in milliseconds since the epoch.
    pub now_ms: i64,
}

impl WindowQuery {
    /// No filter beyond the accounts in scope.
    pub fn is_unfiltered(&self) -> bool {
        self.words.is_empty() && self.older_than_days.is_none() && self.only_keys.is_none()
    }
}

/// The age estimate of `rules::estimate_age` in whole days, `NULL` when unknown: the whole days
/// since the latest the invitation can have been sent (`cache::Derived::sent_by_ms`); with no
/// provider age, less than a day since first seen is unknown rather than 0.
fn age_sql(now: &str) -> String {
    format!(
        "(CASE WHEN c.provider_days IS NOT NULL OR {now} - c.sent_by_ms >= {DAY_MS} \
               THEN ({now} - c.sent_by_ms) / {DAY_MS} END)"
    )
}

/// A statement under construction with its numbered parameters.
struct Sql {
    params: Vec<Value>,
}

impl Sql {
    fn bind(&mut self, value: impl Into<Value>) -> String {
        self.params.push(value.into());
        format!("?{}", self.params.len())
    }
}

/// The `WHERE` clause of the query; `now` is the bound parameter holding `now_ms`.
fn where_sql(q: &WindowQuery, sql: &mut Sql, now: &str) -> String {
    let accounts = serde_json::to_string(&q.accounts).unwrap_or_else(|_| "[]".into());
    let mut clauses = vec![
        "c.screen = 'sent'".to_string(),
        format!(
            "c.account_id IN (SELECT value FROM json_each({}))",
            sql.bind(accounts)
        ),
    ];
    for word in &q.words {
        clauses.push(format!(
            "instr(c.search_text, {}) > 0",
            sql.bind(word.clone())
        ));
    }
    if let Some(days) = q.older_than_days.filter(|d| *d > 0) {
        clauses.push(format!("{} >= {}", age_sql(now), sql.bind(i64::from(days))));
    }
    if let Some(keys) = &q.only_keys {
        let keys = serde_json::to_string(keys).unwrap_or_else(|_| "[]".into());
        clauses.push(format!(
            "(c.account_id || '/' || c.invitation_id) IN (SELECT value FROM json_each({}))",
            sql.bind(keys)
        ));
    }
    clauses.join(" AND ")
}

/// The narrow indexes every filter and sort reads (migration 7), never the rows' JSON.
const BY_NAME: &str = "invitation_cache c INDEXED BY invitation_cache_window";
const BY_AGE: &str = "invitation_cache c INDEXED BY invitation_cache_by_age";
/// The narrowest: counting every row of the accounts reads this, a third of the time.
const BY_PERSON: &str = "invitation_cache c INDEXED BY invitation_cache_by_person";

const TIES: &str = "c.account_id, c.first_seen_at, c.invitation_id";

/// Rows whose age is unknown (`age_sql` is `NULL`): no provider age and first seen less than a
/// day ago. `?1` is "now".
const UNKNOWN_AGE: &str = "(c.provider_days IS NULL AND c.sent_by_ms > ?1 - 86400000)";
const KNOWN_AGE: &str = "NOT (c.provider_days IS NULL AND c.sent_by_ms > ?1 - 86400000)";

/// The rows `offset .. offset + limit` of the filtered, sorted list, and how many match in all.
///
/// By age, rows come in the order of the latest they can have been sent (the age in whole days
/// follows it; within a day the older estimate first), unknown ages last in the cache's order,
/// read from an index in order. By name likewise from the name index; by account sorted.
pub fn window(
    conn: &Connection,
    q: &WindowQuery,
    order: OrderBy,
    descending: bool,
    offset: u32,
    limit: u32,
) -> AppResult<(Vec<CachedRow>, u32)> {
    let dir = if descending { "DESC" } else { "ASC" };
    let matching = count(
        conn,
        q,
        if q.is_unfiltered() {
            BY_PERSON
        } else {
            BY_NAME
        },
        None,
    )?;
    let keys = match order {
        OrderBy::Name => page(
            conn,
            q,
            BY_NAME,
            None,
            &format!(
                "c.sort_name {dir}, c.account_id {dir}, c.first_seen_at {dir}, \
                 c.invitation_id {dir}"
            ),
            offset,
            limit,
        )?,
        OrderBy::Account => {
            let mut rank = String::from("CASE c.account_id");
            for (i, id) in q.accounts.iter().enumerate() {
                // Account ids are ours (never typed by a user), quoted all the same.
                rank.push_str(&format!(" WHEN '{}' THEN {i}", id.replace('\'', "''")));
            }
            rank.push_str(" END");
            page(
                conn,
                q,
                BY_NAME,
                None,
                &format!("{rank} {dir}, {TIES}"),
                offset,
                limit,
            )?
        }
        OrderBy::Age => {
            // Oldest first is the earliest "sent by" first.
            let by = if descending { "ASC" } else { "DESC" };
            let known = matching - count(conn, q, BY_AGE, Some(UNKNOWN_AGE))?;
            let mut keys = Vec::new();
            if offset < known {
                keys = page(
                    conn,
                    q,
                    BY_AGE,
                    Some(KNOWN_AGE),
                    &format!(
                        "c.sent_by_ms {by}, c.account_id {by}, c.first_seen_at {by}, \
                         c.invitation_id {by}"
                    ),
                    offset,
                    limit.min(known - offset),
                )?;
            }
            let rest = limit - keys.len() as u32;
            if rest > 0 {
                keys.extend(page(
                    conn,
                    q,
                    BY_AGE,
                    Some(UNKNOWN_AGE),
                    TIES,
                    offset.saturating_sub(known),
                    rest,
                )?);
            }
            keys
        }
    };
    Ok((rows(conn, &keys)?, matching))
}

/// The cached rows of these keys (account id, invitation id), in this order: the JSON of a
/// window's rows only.
pub fn rows(conn: &Connection, keys: &[(String, String)]) -> AppResult<Vec<CachedRow>> {
    let mut rows = Vec::with_capacity(keys.len());
    for (account_id, invitation_id) in keys {
        if let Some(row) = cache::get(conn, Screen::Sent, account_id, invitation_id)? {
            rows.push(row);
        }
    }
    Ok(rows)
}

fn count(conn: &Connection, q: &WindowQuery, from: &str, and: Option<&str>) -> AppResult<u32> {
    let mut sql = Sql { params: Vec::new() };
    let now = sql.bind(q.now_ms);
    let mut filter = where_sql(q, &mut sql, &now);
    if let Some(and) = and {
        filter = format!("{filter} AND {and}");
    }
    let n: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM {from} WHERE {filter}"),
        params_from_iter(sql.params.iter()),
        |r| r.get(0),
    )?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The keys of rows `offset .. offset + limit` in `order`.
fn page(
    conn: &Connection,
    q: &WindowQuery,
    from: &str,
    and: Option<&str>,
    order: &str,
    offset: u32,
    limit: u32,
) -> AppResult<Vec<(String, String)>> {
    let mut sql = Sql { params: Vec::new() };
    let now = sql.bind(q.now_ms);
    let mut filter = where_sql(q, &mut sql, &now);
    if let Some(and) = and {
        filter = format!("{filter} AND {and}");
    }
    let limit = sql.bind(i64::from(limit));
    let offset = sql.bind(i64::from(offset));
    let mut stmt = conn.prepare(&format!(
        "SELECT c.account_id, c.invitation_id FROM {from} WHERE {filter}
         ORDER BY {order} LIMIT {limit} OFFSET {offset}"
    ))?;
    let keys = stmt
        .query_map(params_from_iter(sql.params.iter()), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(keys)
}

/// Every matching row key, in the cache's order: what "select all matching" stands for.
pub fn matching_keys(conn: &Connection, q: &WindowQuery) -> AppResult<Vec<String>> {
    let mut sql = Sql { params: Vec::new() };
    let now = sql.bind(q.now_ms);
    let filter = where_sql(q, &mut sql, &now);
    let mut stmt = conn.prepare(&format!(
        "SELECT c.account_id || '/' || c.invitation_id FROM {BY_NAME}
         WHERE {filter} ORDER BY {TIES}"
    ))?;
    let keys = stmt
        .query_map(params_from_iter(sql.params.iter()), |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(keys)
}

/// How many rows the accounts have in all, and how many of them are on the keep-list (the
/// invitation or its person pinned on that account).
/// `total` when the caller knows it already (an unfiltered window's count).
pub fn totals(conn: &Connection, accounts: &[String], total: Option<u32>) -> AppResult<(u32, u32)> {
    let accounts = serde_json::to_string(accounts).unwrap_or_else(|_| "[]".into());
    let total: i64 = match total {
        Some(n) => i64::from(n),
        None => conn.query_row(
            &format!(
                "SELECT COUNT(*) FROM {BY_PERSON}
                 WHERE c.screen = 'sent' AND c.account_id IN (SELECT value FROM json_each(?1))"
            ),
            [&accounts],
            |r| r.get(0),
        )?,
    };
    // From the keep-list side (CROSS JOIN keeps that order): it is short, the cache is long.
    let pinned: i64 = conn.query_row(
        "SELECT COUNT(*) FROM (
             SELECT c.account_id, c.invitation_id FROM pins p
             CROSS JOIN invitation_cache c ON c.screen = 'sent' AND c.account_id = p.account_id
                  AND c.invitation_id = p.target
             WHERE p.kind = 'invitation' AND p.account_id IN (SELECT value FROM json_each(?1))
             UNION
             SELECT c.account_id, c.invitation_id FROM pins p
             CROSS JOIN invitation_cache c ON c.screen = 'sent' AND c.account_id = p.account_id
                  AND c.person_key = p.target
             WHERE p.kind = 'person' AND p.account_id IN (SELECT value FROM json_each(?1))
         )",
        [&accounts],
        |r| r.get(0),
    )?;
    Ok((
        u32::try_from(total).unwrap_or(u32::MAX),
        u32::try_from(pinned).unwrap_or(u32::MAX),
    ))
}
