//! What a listing tells its caller while it reads page after page: the count so far, and when a
//! page has to be asked for again, which page, which attempt and why (the refresh bar shows it).

use std::fmt;

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
