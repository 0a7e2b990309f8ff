//! Pacing: the random pause between two calls of one account, and time estimates.

use std::time::Duration;

use rand::Rng;

/// What one call to a real provider is assumed to take when estimating a job's duration. The
/// runner counts an account's pause from the start of its previous call, so a call overlaps the
/// pause that follows it: this only matters for the first call and when the pause is shorter.
pub const ASSUMED_CALL_SECS: f64 = 1.0;

/// What one call to a loopback test server or the demo is assumed to take (the job's own
/// overhead is about 1 ms a write, `make bench`; an HTTP round trip on loopback a few ms more).
pub const LOCAL_CALL_SECS: f64 = 0.05;

/// Seconds in a day: the daily caps start over every (local) midnight.
const DAY_SECS: f64 = 86_400.0;

/// The assumed duration of one call, by whether the account reaches LinkedIn.
pub fn call_secs(reaches_linkedin: bool) -> f64 {
    if reaches_linkedin {
        ASSUMED_CALL_SECS
    } else {
        LOCAL_CALL_SECS
    }
}

/// A random pause between `min_secs` and `max_secs` (inclusive, millisecond steps), so the
/// calls do not come at a machine-regular rhythm. Bounds given the wrong way round are
/// swapped; `0..0` means no pause (for tests and benchmarks).
pub fn random_pause(min_secs: u32, max_secs: u32, rng: &mut impl Rng) -> Duration {
    let (lo, hi) = if min_secs <= max_secs {
        (min_secs, max_secs)
    } else {
        (max_secs, min_secs)
    };
    let (lo, hi) = (u64::from(lo) * 1000, u64::from(hi) * 1000);
    Duration::from_millis(rng.gen_range(lo..=hi))
}

/// The mean of [`random_pause`].
pub fn mean_pause_secs(min_secs: u32, max_secs: u32) -> f64 {
    (f64::from(min_secs) + f64::from(max_secs)) / 2.0
}

/// How long `count` calls of one account take in one go: the first call, then one step per
/// further call. A step is the pause (counted from the previous call's start, as the runner
/// does) or the call itself when that is longer.
pub fn run_secs(count: u32, min_secs: u32, max_secs: u32, call_secs: f64) -> f64 {
    if count == 0 {
        return 0.0;
    }
    let step = mean_pause_secs(min_secs, max_secs).max(call_secs);
    call_secs + f64::from(count - 1) * step
}

/// The daily cap of the job's action on one account.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DailyCap {
    /// Actions still allowed today.
    pub left_today: u32,
    /// Actions allowed on each later day.
    pub per_day: u32,
    /// Seconds until the cap starts over (the next local midnight).
    pub resets_in_secs: f64,
}

/// One account's share of a job, as the runner will pace it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AccountWork {
    pub count: u32,
    /// The pause after the safety floors (`invitations::limits`), not the raw setting.
    pub pace_min_secs: u32,
    pub pace_max_secs: u32,
    /// See [`call_secs`].
    pub call_secs: f64,
    /// Seconds before the account may start (a provider hold), 0 when it may start now.
    pub starts_in_secs: f64,
    pub cap: Option<DailyCap>,
}

/// How long one account takes: it waits out its hold, does what today's cap allows, waits for
/// the cap to start over at midnight, and so on day by day.
pub fn account_secs(w: &AccountWork) -> f64 {
    let run = |n: u32| run_secs(n, w.pace_min_secs, w.pace_max_secs, w.call_secs);
    let Some(cap) = w.cap else {
        return w.starts_in_secs.max(0.0) + run(w.count);
    };
    // The settings refuse a cap of 0; should one get here, count it as 1 rather than never.
    let per_day = cap.per_day.max(1);
    let mut at = w.starts_in_secs.max(0.0);
    let mut left = w.count;
    let mut allowed = cap.left_today;
    let mut reset = cap.resets_in_secs.max(0.0);
    // A hold that lasts past midnight starts on a day with a fresh cap.
    while at >= reset {
        allowed = per_day;
        reset += DAY_SECS;
    }
    loop {
        let n = left.min(allowed);
        at += run(n);
        left -= n;
        if left == 0 {
            return at;
        }
        at = at.max(reset);
        reset += DAY_SECS;
        allowed = per_day;
    }
}

/// Accounts run in parallel, so a job takes as long as its slowest account.
pub fn job_secs(accounts: impl IntoIterator<Item = AccountWork>) -> u32 {
    accounts
        .into_iter()
        .map(|w| account_secs(&w))
        .fold(0.0, f64::max)
        .ceil()
        .min(f64::from(u32::MAX)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn pauses_stay_within_bounds_and_vary() {
        let mut rng = StdRng::seed_from_u64(7);
        let pauses: Vec<Duration> = (0..500).map(|_| random_pause(2, 6, &mut rng)).collect();
        assert!(pauses
            .iter()
            .all(|p| *p >= Duration::from_secs(2) && *p <= Duration::from_secs(6)));
        let distinct: std::collections::HashSet<_> = pauses.iter().collect();
        assert!(
            distinct.len() > 100,
            "pauses are random, not a fixed rhythm"
        );
        assert!(pauses.iter().any(|p| *p < Duration::from_secs(3)));
        assert!(pauses.iter().any(|p| *p > Duration::from_secs(5)));
    }

    #[test]
    fn zero_pacing_means_no_pause_and_reversed_bounds_are_swapped() {
        let mut rng = StdRng::seed_from_u64(1);
        assert_eq!(random_pause(0, 0, &mut rng), Duration::ZERO);
        for _ in 0..50 {
            let p = random_pause(6, 2, &mut rng);
            assert!(p >= Duration::from_secs(2) && p <= Duration::from_secs(6));
        }
    }

    fn work(count: u32, pace: (u32, u32), call_secs: f64) -> AccountWork {
        AccountWork {
            count,
            pace_min_secs: pace.0,
            pace_max_secs: pace.1,
            call_secs,
            starts_in_secs: 0.0,
            cap: None,
        }
    }

    #[test]
    fn estimates_count_the_pause_not_a_second_per_item() {
        // 10 withdrawals at 2–6 s: the first call, then 9 pauses of 4 s on average (each
        // pause covers the call it follows).
        assert_eq!(job_secs([work(10, (2, 6), ASSUMED_CALL_SECS)]), 37);
        // Parallel accounts: the longer one decides.
        assert_eq!(
            job_secs([
                work(10, (2, 6), ASSUMED_CALL_SECS),
                work(3, (2, 6), ASSUMED_CALL_SECS)
            ]),
            37
        );
        assert_eq!(job_secs([work(1, (2, 6), ASSUMED_CALL_SECS)]), 1);
        assert_eq!(job_secs([]), 0);
        assert_eq!(job_secs([work(0, (2, 6), ASSUMED_CALL_SECS)]), 0);
        // The case: 47 items with no pause on a test server took 2.8 s, the old
        // estimate said 47 s. Now a few seconds.
        let local = job_secs([work(47, (0, 0), call_secs(false))]);
        assert!(local <= 3, "{local} s");
        // A pause shorter than the call: the call decides.
        assert_eq!(job_secs([work(5, (0, 0), ASSUMED_CALL_SECS)]), 5);
    }

    #[test]
    fn a_hold_delays_the_start() {
        let held = AccountWork {
            starts_in_secs: 3600.0,
            ..work(3, (2, 2), ASSUMED_CALL_SECS)
        };
        assert_eq!(job_secs([held]), 3600 + 1 + 2 * 2);
    }

    #[test]
    fn a_daily_cap_pushes_the_rest_to_the_next_days() {
        let capped = |count, left_today| AccountWork {
            cap: Some(DailyCap {
                left_today,
                per_day: 10,
                resets_in_secs: 1000.0,
            }),
            ..work(count, (2, 2), ASSUMED_CALL_SECS)
        };
        // Within today's cap: no wait.
        assert_eq!(job_secs([capped(5, 5)]), 1 + 4 * 2);
        // 25 with 5 left today: 5 now, 10 after midnight, 10 the day after.
        assert_eq!(job_secs([capped(25, 5)]), 1000 + 86_400 + 1 + 9 * 2);
        // Nothing left today: everything waits for midnight.
        assert_eq!(job_secs([capped(3, 0)]), 1000 + 1 + 2 * 2);
        // A hold past midnight starts with a fresh cap.
        let held = AccountWork {
            starts_in_secs: 5000.0,
            ..capped(10, 0)
        };
        assert_eq!(job_secs([held]), 5000 + 1 + 9 * 2);
    }
}
