//! Months of invented history for a demo account, so Insights has something to show without a
//! key: invitations sent on working days from about four months to five weeks ago, each with an
//! outcome drawn from a fixed-seed generator (no two demo accounts alike, the same account
//! always alike). Acceptances mostly come within days and rarely after a month, as vendor data
//! says (product.md §4: 63 % within a day, 88 % within a week, 99 % within 30 days); what is not
//! accepted is mostly withdrawn at 30 days, some declined or withdrawn elsewhere.
//!
//! Everything ends at least a day before `now`: the invitations still pending are the demo's own
//! sent list, which its refreshes record like any provider's.

use chrono::{DateTime, Datelike, Duration, Utc, Weekday};

use super::data::SENT_PEOPLE;

/// How an invented invitation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PastOutcome {
    Accepted,
    WithdrawnByApp,
    GoneOther,
}

/// One invented invitation of the past.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastInvitation {
    pub id: String,
    pub name: String,
    pub sent_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub outcome: PastOutcome,
}

const FIRST_DAY_AGO: i64 = 120;
const LAST_DAY_AGO: i64 = 35;
const WITHDRAW_AFTER_DAYS: i64 = 30;

/// xorshift64*: small, fixed, good enough for invented data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Days until an acceptance: mostly the same day or the next, a tail to about six weeks.
fn accept_days(rng: &mut Rng) -> i64 {
    let u = rng.unit();
    if u < 0.6 {
        (rng.unit() * 2.0) as i64
    } else if u < 0.88 {
        2 + (rng.unit() * 6.0) as i64
    } else if u < 0.985 {
        8 + (rng.unit() * 22.0) as i64
    } else {
        30 + (rng.unit() * 15.0) as i64
    }
}

/// The demo account's past invitations, oldest first.
pub fn past_invitations(remote_account_id: &str, now: DateTime<Utc>) -> Vec<PastInvitation> {
    let seed = super::fnv1a(remote_account_id) | 1;
    let mut rng = Rng(seed);
    let mut out = Vec::new();
    let today = now.date_naive();
    for ago in (LAST_DAY_AGO..=FIRST_DAY_AGO).rev() {
        let day = today - Duration::days(ago);
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            continue;
        }
        let count = 6 + rng.next() % 9;
        for k in 0..count {
            let minutes = 8 * 60 + (rng.next() % (9 * 60)) as i64;
            let sent_at =
                day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() + Duration::minutes(minutes);
            let u = rng.unit();
            let (outcome, after) = if u < 0.36 {
                (PastOutcome::Accepted, Duration::days(accept_days(&mut rng)))
            } else if u < 0.48 {
                let days = 3 + (rng.next() % 40) as i64;
                (PastOutcome::GoneOther, Duration::days(days))
            } else {
                (
                    PastOutcome::WithdrawnByApp,
                    Duration::days(WITHDRAW_AFTER_DAYS + (rng.next() % 4) as i64),
                )
            };
            let ended_at = (sent_at + after + Duration::minutes((rng.next() % 600) as i64))
                .min(now - Duration::days(1));
            let (first, last) = SENT_PEOPLE[(rng.next() as usize) % SENT_PEOPLE.len()];
            out.push(PastInvitation {
                id: format!("demo-past-{:08x}-{ago}-{k}", seed as u32),
                name: format!("{first} {last}"),
                sent_at,
                ended_at,
                outcome,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_of_history_that_ends_before_now_and_is_the_same_each_time() {
        let now: DateTime<Utc> = "2026-06-15T10:00:00Z".parse().unwrap();
        let a = past_invitations("demo-1", now);
        assert_eq!(a, past_invitations("demo-1", now));
        assert_ne!(a, past_invitations("demo-2", now));
        assert!(
            a.len() > 500,
            "about four months of working days: {}",
            a.len()
        );
        assert!(a.iter().all(|p| p.ended_at < now && p.sent_at < p.ended_at));
        let accepted = a
            .iter()
            .filter(|p| p.outcome == PastOutcome::Accepted)
            .count();
        let share = accepted as f64 / a.len() as f64;
        assert!((0.28..0.45).contains(&share), "acceptance share {share}");
    }
}
