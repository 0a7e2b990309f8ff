//! What a listing tells its caller while it reads page after page: the count so far, and when a
//! page has to be asked for again, which page, which attempt and why (the refresh bar shows it).

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ProviderError;
use crate::error::ErrorKind;
use crate::model::{ReceivedInvitation, SentInvitation};

/// Where a listing reports. Called from the reading task; keep it quick.
pub type PageProgress<'a> = &'a (dyn Fn(ListingEvent) + Send + Sync);

/// One report of a listing in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListingEvent {
    /// A page arrived: invitations so far, and the total when the provider says.
    Page {
        fetched: usize,
        total: Option<usize>,
    },
    /// A page read failed in a way worth repeating; the next attempt follows after a pause.
    Retrying(RetryNotice),
}

impl ListingEvent {
    pub fn page(fetched: usize, total: Option<usize>) -> Self {
        ListingEvent::Page { fetched, total }
    }
}

/// A progress sink that ignores everything (one-off reads, jobs, tests).
pub fn ignore_progress(_: ListingEvent) {}

/// Where a listing hands each page's new invitations as they arrive, before it reports the
/// page (`ListingEvent::Page`): the refresh writes them to the cache there, so whoever the
/// event prompts to look finds them. An error stops the listing with that error.
pub type PageRows<'a, T> = &'a (dyn Fn(&[T]) -> Result<(), ProviderError> + Send + Sync);

/// A page sink that keeps nothing (the caller takes the whole list at the end).
pub fn ignore_rows<T>(_: &[T]) -> Result<(), ProviderError> {
    Ok(())
}

/// The most invitations one listing reads, a bound for a provider that never stops sending
/// new ones (pages that repeat or cursors that cycle stop at once, see `Gathered`). LinkedIn
/// lets an account send some 100–200 invitations a week, so even an agency account that never
/// withdrew holds tens of thousands: a million is 10–20 times the largest real list, yet keeps
/// one runaway listing to about a gigabyte of rows rather than all memory and disk.
pub const MAX_LISTING_ROWS: usize = 1_000_000;

/// What a listing is keyed by: each invitation once, the first copy kept (LinkedIn's list can
/// shift while it is read).
pub trait ListingKey {
    fn listing_key(&self) -> &str;
}

impl ListingKey for SentInvitation {
    fn listing_key(&self) -> &str {
        &self.id
    }
}

impl ListingKey for ReceivedInvitation {
    fn listing_key(&self) -> &str {
        &self.id
    }
}

/// Why a listing stopped before its end (see `Gathered`).
#[derive(Debug)]
pub enum Halt {
    /// A page failed after others arrived.
    Failed(ProviderError),
    /// The provider says there is more, but its last page brought nothing new.
    Stalled,
    /// `MAX_LISTING_ROWS` (or a test's bound) reached with more announced.
    Bounded,
}

/// A listing being read, page after page: what it fetched (each key once), and the rule that
/// ends it without a fixed page count. Reading goes on while pages bring keys not seen before;
/// a page that brings none (a repeat, a cycling cursor), or reaching the row bound, stops it
/// part-way, keeping what it fetched.
pub struct Gathered<T> {
    provider: &'static str,
    items: Vec<T>,
    seen: HashSet<String>,
    pages: u32,
    total: Option<usize>,
    max_rows: usize,
}

impl<T: ListingKey> Gathered<T> {
    pub fn new(provider: &'static str, max_rows: usize) -> Self {
        Gathered {
            provider,
            items: Vec::new(),
            seen: HashSet::new(),
            pages: 0,
            total: None,
            max_rows: max_rows.max(1),
        }
    }

    /// Takes one answer (`pages` pages of the provider): keeps the invitations not seen before,
    /// hands them to `rows`, then reports the count. Returns how many were new.
    pub fn take(
        &mut self,
        page: impl IntoIterator<Item = T>,
        pages: u32,
        rows: PageRows<'_, T>,
        progress: PageProgress<'_>,
    ) -> Result<usize, ProviderError> {
        let before = self.items.len();
        let seen = &mut self.seen;
        self.items.extend(
            page.into_iter()
                .filter(|item| seen.insert(item.listing_key().to_owned())),
        );
        self.pages += pages;
        rows(&self.items[before..])?;
        progress(ListingEvent::page(self.items.len(), self.total));
        Ok(self.items.len() - before)
    }

    /// The total the provider announces, for progress and the stop message.
    pub fn set_total(&mut self, total: Option<usize>) {
        if total.is_some() {
            self.total = total;
        }
    }

    /// Pages (answers, for providers that read ranges: their pages) read so far.
    pub fn pages(&self) -> u32 {
        self.pages
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The row bound is reached: another page is not read.
    pub fn is_full(&self) -> bool {
        self.items.len() >= self.max_rows
    }

    pub fn complete(self) -> Listed<T> {
        Listed::complete(self.items)
    }

    /// Complete, or stopped part-way for `halt`.
    pub fn end(self, halt: Option<Halt>) -> Listed<T> {
        match halt {
            None => self.complete(),
            Some(Halt::Failed(error)) => self.stopped(error),
            Some(Halt::Stalled) => self.stalled(),
            Some(Halt::Bounded) => self.bounded(),
        }
    }

    /// Stopped part-way by `error` (a page that failed after others arrived).
    pub fn stopped(self, error: ProviderError) -> Listed<T> {
        let total = self.total.map(|t| u32::try_from(t).unwrap_or(u32::MAX));
        Listed::stopped(self.items, self.pages, total, error)
    }

    /// Stopped because the provider says there is more, but its last page brought nothing new
    /// (it repeats itself, or its cursor came back to one already read).
    pub fn stalled(self) -> Listed<T> {
        let error = ProviderError::new(
            ErrorKind::UnexpectedResponse,
            format!(
                "{} sent pages it had already sent after {} invitations, so the refresh \
                 stopped there (LinkedIn may be changing the list while it is read). Try \
                 again later",
                self.provider,
                self.items.len()
            ),
        );
        self.stopped(error)
    }

    /// Stopped at the row bound with more announced.
    pub fn bounded(self) -> Listed<T> {
        let error = ProviderError::new(
            ErrorKind::UnexpectedResponse,
            format!(
                "{} still had more after {} invitations, the most one refresh reads",
                self.provider,
                self.items.len()
            ),
        );
        self.stopped(error)
    }
}

/// Which page (or, for providers that read ranges, which pages) a request asks for. 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRef {
    pub first: u32,
    pub last: u32,
}

impl PageRef {
    pub fn one(page: u32) -> Self {
        PageRef {
            first: page,
            last: page,
        }
    }

    pub fn range(first: u32, last: u32) -> Self {
        PageRef {
            first,
            last: last.max(first),
        }
    }
}

impl fmt::Display for PageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "page {}", self.first)
        } else {
            write!(f, "pages {}–{}", self.first, self.last)
        }
    }
}

/// "ConnectSafely did not answer in time; retrying page 6 (attempt 2 of 4)…"
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryNotice {
    pub page: PageRef,
    /// The attempt about to be made (2 for the first repeat).
    pub attempt: u32,
    /// Attempts allowed in all.
    pub attempts: u32,
    /// What went wrong with the previous attempt, for the user ("ConnectSafely had an
    /// internal error").
    pub reason: String,
}

impl fmt::Display for RetryNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}; retrying {} (attempt {} of {})…",
            self.reason, self.page, self.attempt, self.attempts
        )
    }
}

/// Where a listing stopped before its end, and why: what the user reads under the list
/// ("showing 31,200 of ~52,000: the refresh stopped at page 312: …").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ListingStop.ts")]
pub struct ListingStop {
    /// The last page read.
    pub pages: u32,
    /// Invitations fetched before the stop.
    pub fetched: u32,
    /// How many the provider said there are, when it says.
    pub expected_total: Option<u32>,
    /// Why it stopped, for the user.
    pub reason: String,
}

/// A listing, whole or stopped part-way. A stopped one keeps what it fetched: the refresh
/// shows it marked partial and takes nothing it did not reach as gone; a caller that needs the
/// whole list (a job's check of its writes) turns the stop back into its error.
#[derive(Debug)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub stopped: Option<Stopped>,
}

/// The stop of a partial listing and the error behind it.
#[derive(Debug)]
pub struct Stopped {
    pub stop: ListingStop,
    pub error: ProviderError,
}

impl<T> Listed<T> {
    pub fn complete(items: Vec<T>) -> Self {
        Listed {
            items,
            stopped: None,
        }
    }

    /// A listing read in one go (the demo, test providers): every row handed to `rows` at once.
    pub fn at_once(items: Vec<T>, rows: PageRows<'_, T>) -> Result<Self, ProviderError> {
        rows(&items)?;
        Ok(Listed::complete(items))
    }

    /// What was fetched before `error` on the page after `pages`.
    pub fn stopped(
        items: Vec<T>,
        pages: u32,
        expected_total: Option<u32>,
        error: ProviderError,
    ) -> Self {
        let stop = ListingStop {
            pages,
            fetched: u32::try_from(items.len()).unwrap_or(u32::MAX),
            expected_total,
            reason: error.message.clone(),
        };
        Listed {
            items,
            stopped: Some(Stopped { stop, error }),
        }
    }

    pub fn is_complete(&self) -> bool {
        self.stopped.is_none()
    }

    /// The whole list, or the error that stopped it.
    pub fn into_complete(self) -> Result<Vec<T>, ProviderError> {
        match self.stopped {
            None => Ok(self.items),
            Some(s) => Err(s.error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_name_the_page_and_the_attempt() {
        let notice = RetryNotice {
            page: PageRef::one(6),
            attempt: 2,
            attempts: 4,
            reason: "ConnectSafely did not answer in time".into(),
        };
        assert_eq!(
            notice.to_string(),
            "ConnectSafely did not answer in time; retrying page 6 (attempt 2 of 4)…"
        );
        assert_eq!(PageRef::range(6, 10).to_string(), "pages 6–10");
        assert_eq!(PageRef::range(3, 1).to_string(), "page 3");
    }
}
