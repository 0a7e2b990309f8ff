//! Pacing: the random pause between two calls of one account, and time estimates.

use std::time::Duration;

use rand::Rng;

/// What one provider call is assumed to take when estimating a job's duration.
pub const ASSUMED_CALL_SECS: f64 = 1.0;

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

/// How long one account takes for `count` calls: a pause between each two, plus the calls.
pub fn account_secs(count: u32, min_secs: u32, max_secs: u32) -> f64 {
    if count == 0 {
        return 0.0;
    }
    f64::from(count - 1) * mean_pause_secs(min_secs, max_secs)
        + f64::from(count) * ASSUMED_CALL_SECS
}

/// Accounts run in parallel, so a job takes as long as its slowest account.
/// `accounts`: `(count, pace_min_secs, pace_max_secs)` per account.
pub fn job_secs(accounts: impl IntoIterator<Item = (u32, u32, u32)>) -> u32 {
    accounts
        .into_iter()
        .map(|(n, lo, hi)| account_secs(n, lo, hi))
        .fold(0.0, f64::max)
        .ceil() as u32
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

    #[test]
    fn estimates_follow_the_slowest_account() {
        // 10 withdrawals at 2–6 s: 9 pauses of 4 s on average + 10 calls of 1 s.
        assert_eq!(job_secs([(10, 2, 6)]), 46);
        // Parallel accounts: the longer one decides.
        assert_eq!(job_secs([(10, 2, 6), (3, 2, 6)]), 46);
        assert_eq!(job_secs([(1, 2, 6)]), 1);
        assert_eq!(job_secs([]), 0);
        assert_eq!(job_secs([(0, 2, 6)]), 0);
    }
}
