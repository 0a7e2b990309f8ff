//! The key test the user just made, kept for a few minutes so that "Add" right after "Test"
//! does not ask the provider again: on LinkupAPI each test reads a page, and each page costs the
//! user a credit. Only a digest of the credentials is kept, never the secrets.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::model::RemoteAccount;

/// How long a key test stands for the "Add" that follows it. Long enough to tick the accounts
/// to add; short enough that an account removed at the provider meanwhile is rarely missed
/// (and adding one that is gone only fails later, at its first refresh, with a clear error).
pub(super) const REUSE_FOR: Duration = Duration::from_secs(10 * 60);

struct Tested {
    fingerprint: [u8; 32],
    at: Instant,
    found: Vec<RemoteAccount>,
}

#[derive(Default)]
pub(super) struct RecentTest(Mutex<Option<Tested>>);

impl RecentTest {
    pub fn remember(&self, fingerprint: [u8; 32], found: &[RemoteAccount]) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(Tested {
            fingerprint,
            at: Instant::now(),
            found: found.to_vec(),
        });
    }

    /// What the test of these very credentials found, if it was made within [`REUSE_FOR`].
    pub fn found(&self, fingerprint: &[u8; 32]) -> Option<Vec<RemoteAccount>> {
        self.found_at(fingerprint, Instant::now())
    }

    fn found_at(&self, fingerprint: &[u8; 32], now: Instant) -> Option<Vec<RemoteAccount>> {
        let guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let tested = guard.as_ref()?;
        (tested.fingerprint == *fingerprint && now.duration_since(tested.at) <= REUSE_FOR)
            .then(|| tested.found.clone())
    }

    pub fn forget(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str) -> RemoteAccount {
        RemoteAccount {
            id: id.into(),
            name: id.into(),
            status: "ok".into(),
            usable: true,
            picture_url: None,
            profile_url: None,
        }
    }

    #[test]
    fn a_test_stands_for_the_same_credentials_for_a_while_only() {
        let recent = RecentTest::default();
        recent.remember([1; 32], &[account("a")]);
        assert_eq!(recent.found(&[1; 32]), Some(vec![account("a")]));
        assert_eq!(recent.found(&[2; 32]), None, "other credentials test again");
        let later = Instant::now() + REUSE_FOR + Duration::from_secs(1);
        assert_eq!(
            recent.found_at(&[1; 32], later),
            None,
            "an old test is not reused"
        );
        recent.forget();
        assert_eq!(recent.found(&[1; 32]), None);
    }
}
