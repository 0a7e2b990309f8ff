//! What a listing tells its caller while it reads page after page: the count so far, and when a
//! page has to be asked for again, which page, which attempt and why (the refresh bar shows it).

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ProviderError;

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

    pub fn map<U>(self, f: impl FnMut(T) -> Option<U>) -> Listed<U> {
        Listed {
            items: self.items.into_iter().filter_map(f).collect(),
            stopped: self.stopped,
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
