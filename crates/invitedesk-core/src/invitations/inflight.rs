//! One listing per account and screen at a time. A refresh asked for while the same one runs
//! (a screen opened again before its first refresh ended, Refresh clicked there, "all
//! accounts" while one account is being listed) waits for the running one and takes its
//! result instead of listing every page again: on LinkupAPI each page costs the user a credit.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;

use tokio::sync::watch;

use crate::db::cache::Screen;
use crate::error::{AppError, AppResult};

type Key = (Screen, String);
type Outcome<T> = Option<AppResult<T>>;
type Waiting<T> = HashMap<Key, watch::Receiver<Outcome<T>>>;

/// The refreshes running now; `T` is what one gives back.
pub(super) struct InFlight<T>(Mutex<Waiting<T>>);

impl<T> Default for InFlight<T> {
    fn default() -> Self {
        InFlight(Mutex::new(HashMap::new()))
    }
}

/// Removes the entry when the leading refresh ends, even if it is dropped half-way.
struct Leading<'a, T> {
    map: &'a InFlight<T>,
    key: Key,
}

impl<T> Drop for Leading<'_, T> {
    fn drop(&mut self) {
        self.map.lock().remove(&self.key);
    }
}

impl<T> InFlight<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Waiting<T>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<T: Clone> InFlight<T> {
    /// Runs `refresh` for this screen and account, or, when one is already running, waits for
    /// it and returns its result.
    pub async fn run<F>(&self, screen: Screen, account_id: &str, refresh: F) -> AppResult<T>
    where
        F: Future<Output = AppResult<T>>,
    {
        let key = (screen, account_id.to_string());
        let joined = {
            let mut map = self.lock();
            match map.get(&key) {
                Some(rx) => Err(rx.clone()),
                None => {
                    let (tx, rx) = watch::channel(None);
                    map.insert(key.clone(), rx);
                    Ok(tx)
                }
            }
        };
        match joined {
            Ok(tx) => {
                let _leading = Leading { map: self, key };
                let result = refresh.await;
                tx.send_replace(Some(result.clone()));
                result
            }
            Err(mut rx) => match rx.wait_for(Option::is_some).await {
                Ok(outcome) => outcome.clone().unwrap_or_else(|| Err(stopped())),
                // The leader was dropped before it ended (its caller went away).
                Err(_) => Err(stopped()),
            },
        }
    }
}

fn stopped() -> AppError {
    AppError::internal("The refresh this one waited for stopped unexpectedly. Try again.")
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_second_refresh_of_the_same_list_waits_for_the_first_instead_of_listing_again() {
        let inflight = Arc::new(InFlight::<u32>::default());
        let listings = AtomicU32::new(0);
        let list = |n: u32| {
            let listings = &listings;
            async move {
                listings.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(50)).await;
                Ok(n)
            }
        };
        let (a, b, other_screen, other_account) = tokio::join!(
            inflight.run(Screen::Sent, "A", list(7)),
            inflight.run(Screen::Sent, "A", list(99)),
            inflight.run(Screen::Received, "A", list(3)),
            inflight.run(Screen::Sent, "B", list(5)),
        );
        assert_eq!(
            (a.unwrap(), b.unwrap()),
            (7, 7),
            "the second took the first's result"
        );
        assert_eq!((other_screen.unwrap(), other_account.unwrap()), (3, 5));
        assert_eq!(listings.load(Ordering::SeqCst), 3);

        // Once it ended, a new refresh lists again.
        assert_eq!(inflight.run(Screen::Sent, "A", list(8)).await.unwrap(), 8);
        assert_eq!(listings.load(Ordering::SeqCst), 4);
    }
}
