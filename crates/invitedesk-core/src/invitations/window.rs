//! The Sent table's rows one window at a time (issue 15, 100,000 rows): the UI sends its
//! filter, sort and the range it shows; SQLite filters, sorts and counts
//! (`db::sent_window`) and only the rows in that range are read back and built. A selection is a
//! rule ("these keys", or "all matching this filter except these") that the core expands, so
//! "select all" never ships 100,000 keys to the UI and back.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{labels, sent_row, AsOf, InvitationService, SentRow};
use crate::db::cache::Screen;
use crate::db::pins;
use crate::db::sent_window::{self, OrderBy, WindowQuery};
use crate::db::text_keys;
use crate::error::AppResult;

/// The most rows one window returns: a screenful or two with margin.
pub const MAX_WINDOW: u32 = 500;

/// Which sent invitations the table shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "SentFilter.ts")]
pub struct SentFilter {
    /// One account, or `null` for all.
    pub account_id: Option<String>,
    /// Words that must all occur in the name or headline (case and accents ignored).
    #[serde(default)]
    pub text: String,
    /// Only invitations at least this many days old (the age's lower bound); 0 or `null`: any.
    #[serde(default)]
    pub older_than_days: Option<u32>,
    /// Only these row keys (the do-not-contact or duplicates view); `null`: no such limit.
    #[serde(default)]
    pub only_keys: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "SentSortColumn.ts")]
pub enum SentSortColumn {
    Person,
    Account,
    Age,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "SentSort.ts")]
pub struct SentSort {
    pub column: SentSortColumn,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "SentWindowRequest.ts")]
pub struct SentWindowRequest {
    pub filter: SentFilter,
    pub sort: SentSort,
    /// The first row wanted, in the filtered and sorted list.
    pub offset: u32,
    /// How many rows from there (at most [`MAX_WINDOW`]).
    pub limit: u32,
}

/// Rows `offset ..` of the filtered, sorted list, and the counts the table and footer show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "SentWindow.ts")]
pub struct SentWindow {
    pub offset: u32,
    pub rows: Vec<SentRow>,
    /// How many rows match the filter in all.
    pub matching: u32,
    /// How many pending invitations the accounts in scope have, filter or not.
    pub total: u32,
    /// How many of those are on the keep-list.
    pub pinned: u32,
    /// When each account in scope was last refreshed (and whether that stopped part-way), so
    /// the screen shows "as of" and the partial banner without listing every row.
    pub as_of: Vec<AsOf>,
}

/// A selection on the Sent table, kept as a rule the core expands when a preview is built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export, export_to = "SentSelection.ts")]
pub enum SentSelection {
    /// Exactly these row keys.
    Keys { keys: Vec<String> },
    /// Every row matching the filter ("select all"), minus the ones unticked since.
    AllMatching {
        filter: SentFilter,
        except: Vec<String>,
    },
}

impl InvitationService {
    pub fn sent_window(&self, request: &SentWindowRequest) -> AppResult<SentWindow> {
        self.sent_window_at(request, Utc::now())
    }

    /// `sent_window` with ages measured at `now`.
    pub fn sent_window_at(
        &self,
        request: &SentWindowRequest,
        now: DateTime<Utc>,
    ) -> AppResult<SentWindow> {
        let accounts = self.scope(request.filter.account_id.as_deref())?;
        let query = self.window_query(&request.filter, now)?;
        let order = match request.sort.column {
            SentSortColumn::Person => OrderBy::Name,
            SentSortColumn::Account => OrderBy::Account,
            SentSortColumn::Age => OrderBy::Age,
        };
        let limit = request.limit.min(MAX_WINDOW);
        let (cached, matching, (total, pinned), pins) = self.db.read(|c| {
            let descending = request.sort.descending;
            let (rows, matching, total) = match self.sent_keys.current(&self.db, c)? {
                Some(lists) => {
                    let (keys, matching) =
                        lists.window(&query, order, descending, request.offset, limit);
                    let total = lists.total(&query.accounts);
                    (sent_window::rows(c, &keys)?, matching, Some(total))
                }
                // The rows are changing (a refresh streaming in): SQL answers meanwhile.
                None => {
                    let (rows, matching) =
                        sent_window::window(c, &query, order, descending, request.offset, limit)?;
                    // Unfiltered, "matching" is the total: one count over 100,000 rows fewer.
                    (rows, matching, query.is_unfiltered().then_some(matching))
                }
            };
            Ok((
                rows,
                matching,
                sent_window::totals(c, &query.accounts, total)?,
                pins::all(c)?,
            ))
        })?;
        let labels = labels(&accounts);
        let as_of = self.as_of(Screen::Sent, &accounts)?;
        Ok(SentWindow {
            offset: request.offset,
            rows: cached
                .iter()
                .filter_map(|r| sent_row(r, &labels, &pins, now))
                .collect(),
            matching,
            total,
            pinned,
            as_of,
        })
    }

    /// The row keys a selection stands for, in the cache's order; keys of rows no longer
    /// cached are kept (the preview reports them as gone).
    pub fn expand_selection(&self, selection: &SentSelection) -> AppResult<Vec<String>> {
        self.expand_selection_at(selection, Utc::now())
    }

    pub fn expand_selection_at(
        &self,
        selection: &SentSelection,
        now: DateTime<Utc>,
    ) -> AppResult<Vec<String>> {
        match selection {
            SentSelection::Keys { keys } => {
                let mut seen = HashSet::new();
                Ok(keys.iter().filter(|k| seen.insert(*k)).cloned().collect())
            }
            SentSelection::AllMatching { filter, except } => {
                let query = self.window_query(filter, now)?;
                let except: HashSet<&String> = except.iter().collect();
                let keys = self.db.read(|c| sent_window::matching_keys(c, &query))?;
                Ok(keys.into_iter().filter(|k| !except.contains(k)).collect())
            }
        }
    }

    fn window_query(&self, filter: &SentFilter, now: DateTime<Utc>) -> AppResult<WindowQuery> {
        let mut accounts = self.scope(filter.account_id.as_deref())?;
        // "Sort by account" follows the labels as the table shows them, case and accents aside.
        accounts.sort_by_cached_key(|a| (text_keys::sort_key(&a.label), a.id.clone()));
        Ok(WindowQuery {
            accounts: accounts.into_iter().map(|a| a.id).collect(),
            words: text_keys::query_words(&filter.text),
            older_than_days: filter.older_than_days.filter(|d| *d > 0),
            only_keys: filter.only_keys.clone(),
            now_ms: now.timestamp_millis(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;
    use std::collections::HashMap;
    use std::sync::Arc;

    use chrono::{Duration, TimeZone};
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;
    use crate::db::cache::{self, NewRow, Screen};
    use crate::db::pins::PinTarget;
    use crate::db::sent_keys::SentKeysCache;
    use crate::db::{self as store, Db};
    use crate::error::AppError;
    use crate::invitations::{rules, AccountRef, ProviderSource, RunSettings};
    use crate::model::{Age, InvitationCategory, Person, ProviderKind, SentInvitation};
    use crate::providers::InvitationProvider;

    struct Accounts(Vec<AccountRef>);

    impl ProviderSource for Accounts {
        fn accounts(&self) -> Vec<AccountRef> {
            self.0.clone()
        }
        fn provider(&self, _: &str) -> AppResult<Arc<dyn InvitationProvider>> {
            Err(AppError::not_found("no providers in this test"))
        }
        fn settings(&self, _: &str) -> RunSettings {
            RunSettings::default()
        }
    }

    fn account(id: &str, label: &str) -> AccountRef {
        AccountRef {
            id: id.into(),
            label: label.into(),
            provider: ProviderKind::Edges,
            can_ignore: false,
        }
    }

    const NAMES: &[&str] = &[
        "José Álvarez",
        "jose alvarez",
        "Émile Zola",
        "emile",
        "Zoë",
        "zoe",
        "Person 2",
        "Person 10",
        "person 1",
        "Ana",
        "ana",
        "",
        "Bob",
        "ÅSA",
        "Åsa Lind",
        "李雷",
    ];
    const HEADLINES: &[&str] = &["CTO at Ærø", "Engineer", "Recruiter, José & co", ""];

    fn invitation(rng: &mut StdRng, n: usize) -> SentInvitation {
        let name = NAMES[rng.gen_range(0..NAMES.len())].to_string();
        let headline = HEADLINES[rng.gen_range(0..HEADLINES.len())];
        SentInvitation {
            id: format!("inv-{n}"),
            urn: None,
            person: Person {
                name,
                headline: (!headline.is_empty()).then(|| headline.to_string()),
                public_id: Some(format!("p{}", rng.gen_range(0..40))),
                ..Person::default()
            },
            category: InvitationCategory::Connection,
            sent_text: None,
            age: if rng.gen_bool(0.25) {
                Age::UNKNOWN
            } else {
                Age {
                    days: Some(rng.gen_range(0..60)),
                    exact: rng.gen_bool(0.5),
                }
            },
            note: None,
        }
    }

    /// A cache filled by several listings at different times, some rows pinned.
    fn random_service(seed: u64) -> (InvitationService, DateTime<Utc>) {
        let mut rng = StdRng::seed_from_u64(seed);
        let db = Db::open_in_memory().unwrap();
        let accounts = vec![
            account("a1", "Zed"),
            account("a2", "ágata"),
            account("a3", "Bob"),
        ];
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut n = 0;
        for a in &accounts {
            let mut listed: Vec<SentInvitation> = Vec::new();
            for _ in 0..rng.gen_range(1..4) {
                // Some listings within the last day before `now`: ages of 0 whole days.
                let at =
                    start + Duration::milliseconds(rng.gen_range(30 * 86_400_000..42 * 86_400_000));
                listed.retain(|_| rng.gen_bool(0.7));
                for _ in 0..rng.gen_range(0..40) {
                    n += 1;
                    listed.push(invitation(&mut rng, n));
                }
                let rows: Vec<NewRow> = listed
                    .iter()
                    .map(|i| NewRow {
                        invitation_id: i.id.clone(),
                        person_key: rules::person_key(&i.person),
                        data: serde_json::to_string(i).unwrap(),
                    })
                    .collect();
                let at = store::ts(at);
                db.write(|tx| cache::replace_account(tx, Screen::Sent, &a.id, &rows, &at))
                    .unwrap();
            }
            let pinned: Vec<&SentInvitation> =
                listed.iter().filter(|_| rng.gen_bool(0.1)).collect();
            for i in pinned {
                let target = if rng.gen_bool(0.5) {
                    PinTarget::Invitation(i.id.clone())
                } else {
                    PinTarget::Person(rules::person_key(&i.person).unwrap())
                };
                db.write(|tx| pins::set(tx, &a.id, &target, true, "T"))
                    .unwrap();
            }
        }
        // Rows of an account that was removed are never shown.
        db.write(|tx| {
            cache::replace_account(
                tx,
                Screen::Sent,
                "gone",
                &[NewRow {
                    invitation_id: "x".into(),
                    person_key: None,
                    data: serde_json::to_string(&invitation(&mut rng, 0)).unwrap(),
                }],
                "2026-01-01T00:00:00.000Z",
            )
        })
        .unwrap();
        let now = start + Duration::milliseconds(rng.gen_range(42 * 86_400_000..43 * 86_400_000));
        (service(db, accounts), now)
    }

    /// The lists read again right after every change, so these tests check them (with the
    /// default pause, SQL would answer right after the cache was written).
    fn service(db: Arc<Db>, accounts: Vec<AccountRef>) -> InvitationService {
        let mut service = InvitationService::new(db, Arc::new(Accounts(accounts)));
        service.sent_keys = Arc::new(SentKeysCache::settling_for(std::time::Duration::ZERO));
        service
    }

    /// What the table did in the UI before: every row, filtered and stably sorted in memory.
    fn reference(
        service: &InvitationService,
        filter: &SentFilter,
        sort: SentSort,
        now: DateTime<Utc>,
    ) -> Vec<SentRow> {
        let words = text_keys::query_words(&filter.text);
        let mut rows: Vec<SentRow> = service
            .list_sent_at(filter.account_id.as_deref(), now)
            .unwrap()
            .rows
            .into_iter()
            .filter(|r| {
                let hay = text_keys::fold(
                    &[
                        Some(r.invitation.person.name.as_str()),
                        r.invitation.person.headline.as_deref(),
                    ]
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n"),
                );
                words.iter().all(|w| hay.contains(w.as_str()))
                    && filter.older_than_days.is_none_or(|d| {
                        d == 0
                            || rules::is_at_least(
                                Age {
                                    days: r.age_days,
                                    exact: r.age_exact,
                                },
                                d,
                            )
                    })
                    && filter.only_keys.as_ref().is_none_or(|k| k.contains(&r.key))
            })
            .collect();
        if sort.column == SentSortColumn::Person {
            // The name index's order, forwards or backwards: ties follow the direction too, and
            // a row without a name comes after every name.
            let key = |r: &SentRow| {
                Some(text_keys::sort_key(&r.invitation.person.name))
                    .filter(|k| !k.is_empty())
                    .unwrap_or_else(|| "\u{10FFFF}".into())
            };
            rows.sort_by_cached_key(key);
            if sort.descending {
                rows.reverse();
            }
            return rows;
        }
        if sort.column == SentSortColumn::Age {
            // By age in whole days, and within a day by the latest the invitation can have
            // been sent (the provider's days counted back from the listing, or first seen when
            // earlier), ties in the cache's order: all in the direction asked. Unknown ages last,
            // in the cache's order.
            let cached: HashMap<String, (i64, i64)> = service
                .db
                .read(|c| cache::rows(c, Screen::Sent, None))
                .unwrap()
                .into_iter()
                .map(|c| {
                    let ms = |t: &str| store::parse_ts(t).unwrap().timestamp_millis();
                    (
                        rules::row_key(&c.account_id, &c.invitation_id),
                        (ms(&c.first_seen_at), ms(&c.last_seen_at)),
                    )
                })
                .collect();
            let sent_by = |r: &SentRow| {
                let (first, listed) = cached[&r.key];
                match r.invitation.age.days {
                    Some(d) => (listed - i64::from(d) * 86_400_000).min(first),
                    None => first,
                }
            };
            let (mut known, unknown): (Vec<SentRow>, Vec<SentRow>) =
                rows.into_iter().partition(|r| r.age_days.is_some());
            // A stable sort: equal keys keep the cache's order; reversed for "newest first".
            known.sort_by_cached_key(|r| (std::cmp::Reverse(r.age_days), sent_by(r)));
            if !sort.descending {
                known.reverse();
            }
            known.extend(unknown);
            return known;
        }
        // Nulls last in both directions; ties keep the cache's order.
        let value = |r: &SentRow| -> Option<String> {
            match sort.column {
                SentSortColumn::Person => {
                    Some(text_keys::sort_key(&r.invitation.person.name)).filter(|k| !k.is_empty())
                }
                SentSortColumn::Account => Some(text_keys::sort_key(&r.account_label)),
                SentSortColumn::Age => r.age_days.map(|d| format!("{d:010}")),
            }
        };
        rows.sort_by(|a, b| match (value(a), value(b)) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) if sort.descending => y.cmp(&x),
            (Some(x), Some(y)) => x.cmp(&y),
        });
        rows
    }

    #[test]
    fn windows_match_filtering_and_sorting_every_row_in_memory() {
        for seed in 0..12 {
            let (service, now) = random_service(seed);
            // Every order in full, then random filters and windows.
            for column in [
                SentSortColumn::Person,
                SentSortColumn::Account,
                SentSortColumn::Age,
            ] {
                for descending in [false, true] {
                    let sort = SentSort { column, descending };
                    let filter = SentFilter::default();
                    let expected = reference(&service, &filter, sort, now);
                    let request = SentWindowRequest {
                        filter,
                        sort,
                        offset: 0,
                        limit: MAX_WINDOW,
                    };
                    let window = service.sent_window_at(&request, now).unwrap();
                    assert_eq!(window.rows, expected, "seed {seed}, {sort:?}");
                }
            }
            let mut rng = StdRng::seed_from_u64(seed + 1000);
            for _ in 0..25 {
                let filter = SentFilter {
                    account_id: [None, Some("a1"), Some("a3")][rng.gen_range(0..3)]
                        .map(String::from),
                    text: [
                        "", "jose", "JOSÉ al", "emile", "ærø", "person 1", "ana e", "zz",
                    ][rng.gen_range(0..8)]
                    .to_string(),
                    older_than_days: [None, Some(0), Some(1), Some(30), Some(45)]
                        [rng.gen_range(0..5)],
                    only_keys: rng.gen_bool(0.2).then(|| {
                        (0..30)
                            .map(|_| {
                                format!("a{}/inv-{}", rng.gen_range(1..4), rng.gen_range(0..200))
                            })
                            .collect()
                    }),
                };
                let sort = SentSort {
                    column: [
                        SentSortColumn::Person,
                        SentSortColumn::Account,
                        SentSortColumn::Age,
                    ][rng.gen_range(0..3)],
                    descending: rng.gen_bool(0.5),
                };
                let expected = reference(&service, &filter, sort, now);
                let offset = rng.gen_range(0..=expected.len() as u32);
                let limit = rng.gen_range(1..60);
                let request = SentWindowRequest {
                    filter: filter.clone(),
                    sort,
                    offset,
                    limit,
                };
                let window = service.sent_window_at(&request, now).unwrap();
                let keys =
                    |rows: &[SentRow]| rows.iter().map(|r| r.key.clone()).collect::<Vec<_>>();
                let end = (offset + limit).min(expected.len() as u32) as usize;
                assert_eq!(
                    keys(&window.rows),
                    keys(&expected[offset as usize..end]),
                    "seed {seed}, {request:?}"
                );
                assert_eq!(window.rows, expected[offset as usize..end].to_vec());
                assert_eq!(window.matching as usize, expected.len(), "{request:?}");

                // The in-memory key lists answer as the SQL over the indexes does.
                let query = service.window_query(&filter, now).unwrap();
                let order = match sort.column {
                    SentSortColumn::Person => OrderBy::Name,
                    SentSortColumn::Account => OrderBy::Account,
                    SentSortColumn::Age => OrderBy::Age,
                };
                let (sql_rows, sql_matching) = service
                    .db
                    .read(|c| sent_window::window(c, &query, order, sort.descending, offset, limit))
                    .unwrap();
                assert_eq!(sql_matching, window.matching, "{request:?}");
                assert_eq!(
                    sql_rows
                        .iter()
                        .map(|r| rules::row_key(&r.account_id, &r.invitation_id))
                        .collect::<Vec<_>>(),
                    keys(&window.rows),
                    "{request:?}"
                );

                let all = service
                    .list_sent_at(filter.account_id.as_deref(), now)
                    .unwrap()
                    .rows;
                assert_eq!(window.total as usize, all.len());
                assert_eq!(
                    window.pinned as usize,
                    all.iter().filter(|r| r.pinned).count()
                );

                let except: Vec<String> =
                    expected.iter().step_by(3).map(|r| r.key.clone()).collect();
                let mut selected = service
                    .expand_selection_at(
                        &SentSelection::AllMatching {
                            filter,
                            except: except.clone(),
                        },
                        now,
                    )
                    .unwrap();
                let mut wanted: Vec<String> = expected
                    .iter()
                    .map(|r| r.key.clone())
                    .filter(|k| !except.contains(k))
                    .collect();
                selected.sort();
                wanted.sort();
                assert_eq!(selected, wanted);
            }
        }
    }

    fn by_name(offset: u32) -> SentWindowRequest {
        SentWindowRequest {
            filter: SentFilter::default(),
            sort: SentSort {
                column: SentSortColumn::Person,
                descending: false,
            },
            offset,
            limit: MAX_WINDOW,
        }
    }

    fn shown_keys(service: &InvitationService, now: DateTime<Utc>) -> (Vec<String>, u32) {
        let w = service.sent_window_at(&by_name(0), now).unwrap();
        (w.rows.into_iter().map(|r| r.key).collect(), w.matching)
    }

    #[test]
    fn a_withdrawal_or_a_refresh_page_shows_in_the_next_window_after_sorting() {
        let (service, now) = random_service(5);
        let (before, matching) = shown_keys(&service, now);
        // Sorting again answers from the kept key lists.
        service
            .sent_window_at(
                &SentWindowRequest {
                    sort: SentSort {
                        column: SentSortColumn::Age,
                        descending: true,
                    },
                    ..by_name(0)
                },
                now,
            )
            .unwrap();

        // A withdrawal removes one row: it is gone and the count follows.
        let gone = before[0].clone();
        let (account, invitation_id) = gone.split_once('/').unwrap();
        service
            .db
            .write(|tx| cache::remove(tx, Screen::Sent, account, invitation_id))
            .unwrap();
        let (after, after_matching) = shown_keys(&service, now);
        assert_eq!(after_matching, matching - 1);
        assert!(!after.contains(&gone));
        assert_eq!(after[0], before[1]);

        // A refresh page lands with a new invitation whose name sorts first.
        let mut rng = StdRng::seed_from_u64(9);
        let mut new = invitation(&mut rng, 9999);
        new.person.name = "Aaron Aardvark".into();
        let mut listed: Vec<NewRow> = service
            .db
            .read(|c| cache::rows(c, Screen::Sent, Some("a2")))
            .unwrap()
            .into_iter()
            .map(|r| NewRow {
                invitation_id: r.invitation_id,
                person_key: None,
                data: r.data,
            })
            .collect();
        listed.push(NewRow {
            invitation_id: new.id.clone(),
            person_key: None,
            data: serde_json::to_string(&new).unwrap(),
        });
        service
            .db
            .write(|tx| cache::replace_account(tx, Screen::Sent, "a2", &listed, &store::ts(now)))
            .unwrap();
        let (refreshed, refreshed_matching) = shown_keys(&service, now);
        assert_eq!(refreshed_matching, after_matching + 1);
        assert_eq!(refreshed[0], format!("a2/{}", new.id));
    }

    #[test]
    fn a_row_another_process_removed_is_not_shown() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        let db = Db::open(&path).unwrap();
        let mut rng = StdRng::seed_from_u64(1);
        let rows: Vec<NewRow> = (0..5)
            .map(|n| {
                let i = invitation(&mut rng, n);
                NewRow {
                    invitation_id: i.id.clone(),
                    person_key: None,
                    data: serde_json::to_string(&i).unwrap(),
                }
            })
            .collect();
        let now = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
        db.write(|tx| cache::replace_account(tx, Screen::Sent, "a1", &rows, &store::ts(now)))
            .unwrap();
        let service = service(db, vec![account("a1", "A")]);
        assert_eq!(shown_keys(&service, now).1, 5);

        // The command-line tool withdrew one through its own connection.
        let other = Db::open(&path).unwrap();
        other
            .write(|tx| cache::remove(tx, Screen::Sent, "a1", "inv-2"))
            .unwrap();
        let (shown, matching) = shown_keys(&service, now);
        assert_eq!(matching, 4);
        assert!(!shown.contains(&"a1/inv-2".to_string()));
    }

    #[test]
    fn a_window_is_at_most_max_window_rows_and_keys_are_kept_once() {
        let (service, now) = random_service(3);
        let request = SentWindowRequest {
            filter: SentFilter::default(),
            sort: SentSort {
                column: SentSortColumn::Age,
                descending: true,
            },
            offset: 0,
            limit: 100_000,
        };
        let window = service.sent_window_at(&request, now).unwrap();
        assert!(window.rows.len() as u32 <= MAX_WINDOW);
        let keys = SentSelection::Keys {
            keys: vec!["a1/x".into(), "a2/y".into(), "a1/x".into()],
        };
        assert_eq!(
            service.expand_selection_at(&keys, now).unwrap(),
            vec!["a1/x", "a2/y"]
        );
    }

    #[test]
    fn rows_cached_before_the_sort_columns_existed_are_filled_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        {
            let db = Db::open(&path).unwrap();
            let data = r#"{"id":"1","urn":null,"person":{"name":"Émile","firstName":null,"lastName":null,"headline":"CTO","profileUrl":null,"publicId":null,"memberId":null,"pictureUrl":null},"category":"connection","sentText":null,"age":{"days":3,"exact":true},"note":null}"#;
            let row = NewRow {
                invitation_id: "1".into(),
                person_key: None,
                data: data.into(),
            };
            db.write(|tx| {
                cache::replace_account(tx, Screen::Sent, "a1", &[row], "2026-01-01T00:00:00.000Z")
            })
            .unwrap();
            // As an older version left it.
            db.write(|tx| {
                tx.execute("UPDATE invitation_cache SET sort_name = NULL, search_text = NULL, provider_days = NULL, first_seen_ms = NULL, sent_by_ms = NULL", [])?;
                Ok(())
            })
            .unwrap();
        }
        let db = Db::open(&path).unwrap();
        let service = service(db, vec![account("a1", "A")]);
        let now = Utc.with_ymd_and_hms(2026, 1, 11, 0, 0, 0).unwrap();
        let request = SentWindowRequest {
            filter: SentFilter {
                text: "emile cto".into(),
                older_than_days: Some(13),
                ..SentFilter::default()
            },
            sort: SentSort {
                column: SentSortColumn::Person,
                descending: false,
            },
            offset: 0,
            limit: 10,
        };
        let window = service.sent_window_at(&request, now).unwrap();
        assert_eq!(window.matching, 1);
        assert_eq!(window.rows[0].age_days, Some(13));
    }
}

/// How long the window queries take at 100,000 rows (20 accounts): `cargo test --release -p
/// invitedesk-core --lib window_timings -- --ignored --nocapture`.
#[cfg(test)]
mod timings {
    use std::sync::Arc;
    use std::time::Instant;

    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::db::cache::{self, NewRow, Screen};
    use crate::db::{self as store, Db};
    use crate::invitations::{AccountRef, ProviderSource, RunSettings};
    use crate::model::ProviderKind;
    use crate::providers::InvitationProvider;

    struct Twenty;

    impl ProviderSource for Twenty {
        fn accounts(&self) -> Vec<AccountRef> {
            (0..20)
                .map(|i| AccountRef {
                    id: format!("acc-{i:02}"),
                    label: format!("Account {i}"),
                    provider: ProviderKind::Edges,
                    can_ignore: false,
                })
                .collect()
        }
        fn provider(&self, _: &str) -> AppResult<Arc<dyn InvitationProvider>> {
            Err(crate::error::AppError::not_found("none"))
        }
        fn settings(&self, _: &str) -> RunSettings {
            RunSettings::default()
        }
    }

    fn median(mut f: impl FnMut()) -> f64 {
        let mut times: Vec<f64> = (0..7)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(|a, b| a.total_cmp(b));
        times[3]
    }

    #[test]
    #[ignore = "timing at 100,000 rows; run by hand"]
    fn window_timings() {
        // `WINDOW_TIMINGS_DB=<file>` keeps the database to look at its query plans.
        let db = match std::env::var("WINDOW_TIMINGS_DB") {
            Ok(path) => Db::open(std::path::Path::new(&path)).unwrap(),
            Err(_) => Db::open_in_memory().unwrap(),
        };
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        for a in 0..20 {
            let rows: Vec<NewRow> = (0..5000)
                .map(|i| {
                    let n = a * 5000 + i;
                    let data = format!(
                        r#"{{"id":"inv-{n}","urn":null,"person":{{"name":"Person {h} Lastname","firstName":null,"lastName":null,"headline":"Headline {k} at Company","profileUrl":"https://www.linkedin.com/in/p{n}","publicId":"p{n}","memberId":null,"pictureUrl":null}},"category":"connection","sentText":"{d} days ago","age":{{"days":{d},"exact":true}},"note":null}}"#,
                        h = (n * 7919) % 100_000,
                        k = n % 97,
                        d = n % 120,
                    );
                    NewRow { invitation_id: format!("inv-{n}"), person_key: Some(format!("in:p{n}")), data }
                })
                .collect();
            let at = store::ts(start);
            db.write(|tx| {
                cache::replace_account(tx, Screen::Sent, &format!("acc-{a:02}"), &rows, &at)
            })
            .unwrap();
        }
        let service = InvitationService::new(db, Arc::new(Twenty));
        let now = start + Duration::days(3);
        let request =
            |column, descending, text: &str, older: Option<u32>, offset| SentWindowRequest {
                filter: SentFilter {
                    text: text.into(),
                    older_than_days: older,
                    ..SentFilter::default()
                },
                sort: SentSort { column, descending },
                offset,
                limit: 60,
            };
        use SentSortColumn::*;
        for (what, r) in [
            ("open (age desc)", request(Age, true, "", None, 0)),
            ("name asc", request(Person, false, "", None, 0)),
            ("name desc", request(Person, true, "", None, 0)),
            (
                "name asc, row 50,000",
                request(Person, false, "", None, 50_000),
            ),
            ("account asc", request(Account, false, "", None, 0)),
            ("text 'person 1'", request(Age, true, "person 1", None, 0)),
            ("text 'z' (none)", request(Person, false, "zzz", None, 0)),
            ("older than 30", request(Age, true, "", Some(30), 0)),
        ] {
            let ms = median(|| {
                service.sent_window_at(&r, now).unwrap();
            });
            // The same window from SQL alone (filter, count and page over the indexes).
            let query = service.window_query(&r.filter, now).unwrap();
            let order = match r.sort.column {
                Person => OrderBy::Name,
                Account => OrderBy::Account,
                Age => OrderBy::Age,
            };
            let sql = median(|| {
                service
                    .db
                    .read(|c| {
                        sent_window::window(c, &query, order, r.sort.descending, r.offset, r.limit)
                    })
                    .unwrap();
            });
            println!("{what:>24}: {ms:7.1} ms (SQL alone {sql:7.1} ms)");
        }
        // A changed row (a refresh page, a withdrawal): within a second SQL answers, after
        // that the next window reads the lists again.
        let change = || {
            service
                .db
                .write(|tx| {
                    tx.execute(
                        "UPDATE invitation_cache SET last_seen_at = last_seen_at
                         WHERE screen = 'sent' AND account_id = 'acc-00' AND invitation_id = 'inv-0'",
                        [],
                    )?;
                    Ok(())
                })
                .unwrap();
        };
        let open = request(Age, true, "", None, 0);
        let ms = median(|| {
            change();
            service.sent_window_at(&open, now).unwrap();
        });
        println!("{:>24}: {ms:7.1} ms", "changing (SQL answers)");
        let lists = Arc::new(crate::db::sent_keys::SentKeysCache::settling_for(
            std::time::Duration::ZERO,
        ));
        // In a file (`WINDOW_TIMINGS_DB`) a thread reads them: until they are there.
        let ms = median(|| {
            change();
            while service
                .db
                .read(|c| lists.current(&service.db, c))
                .unwrap()
                .is_none()
            {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        });
        println!("{:>24}: {ms:7.1} ms", "reading the lists again");
        let all = SentSelection::AllMatching {
            filter: SentFilter::default(),
            except: vec![],
        };
        let ms = median(|| {
            assert_eq!(
                service.expand_selection_at(&all, now).unwrap().len(),
                100_000
            );
        });
        println!("{:>24}: {ms:7.1} ms", "select all (expand)");
    }
}
