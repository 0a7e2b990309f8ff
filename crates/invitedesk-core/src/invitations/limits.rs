//! Safety floors for real accounts (the ceilings live on `WriteKind::daily_ceiling`): the least pause between two writes and the most writes of
//! each kind per day, whatever the settings say. They hold wherever a real LinkedIn account can
//! be reached; only a loopback test server or the demo may go below them (zero pacing keeps the
//! tests fast).
//!
//! The figures, and where they come from (none is LinkedIn policy; LinkedIn publishes none):
//! - 1 s between writes: DialogBrain paces withdrawals 1–4 s apart; our default is 2–6 s.
//! - 100 withdrawals a day: the allowance LinkedNav / HeyReagent give `withdraw_invitation`.
//! - 100 acceptances and 100 ignores a day: no vendor publishes one; the same as withdrawals,
//!   since each is one write on the account's session.
//! - 30 connection requests a day: LinkedNav's cap for paid accounts (20 for free ones), above
//!   Edges' own 25 a day; ConnectSafely's 90 a week applies on top, enforced by the provider.

use crate::model::WriteKind;

use super::source::RunSettings;

/// The shortest pause between two writes on a real account, in seconds.
pub const MIN_PACE_SECS: u32 = 1;

/// Pause and cap for one kind of write, after the floors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effective {
    pub pace_min_secs: u32,
    pub pace_max_secs: u32,
    pub daily_cap: u32,
}

/// What a job or a single action runs with: the settings, raised or lowered to the floors when
/// the account `reaches_linkedin`.
pub fn effective(settings: &RunSettings, kind: WriteKind, reaches_linkedin: bool) -> Effective {
    floored(
        Effective {
            pace_min_secs: settings.pace_min_secs,
            pace_max_secs: settings.pace_max_secs,
            daily_cap: settings.daily_cap(kind),
        },
        kind,
        reaches_linkedin,
    )
}

/// `wanted`, within the floors when the account `reaches_linkedin`.
pub fn floored(wanted: Effective, kind: WriteKind, reaches_linkedin: bool) -> Effective {
    if !reaches_linkedin {
        return wanted;
    }
    let pace_min_secs = wanted.pace_min_secs.max(MIN_PACE_SECS);
    Effective {
        pace_min_secs,
        pace_max_secs: wanted.pace_max_secs.max(pace_min_secs),
        daily_cap: wanted.daily_cap.min(kind.daily_ceiling()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reckless() -> RunSettings {
        RunSettings {
            pace_min_secs: 0,
            pace_max_secs: 0,
            daily_withdraw_cap: 5000,
            daily_accept_cap: 5000,
            daily_ignore_cap: 5000,
            daily_send_cap: 5000,
        }
    }

    #[test]
    fn a_real_account_never_goes_below_the_floors() {
        for kind in WriteKind::ALL {
            let e = effective(&reckless(), kind, true);
            assert_eq!(e.pace_min_secs, 1, "{kind:?}");
            assert!(e.pace_max_secs >= 1);
            assert_eq!(e.daily_cap, kind.daily_ceiling());
        }
        assert_eq!(effective(&reckless(), WriteKind::Send, true).daily_cap, 30);
    }

    #[test]
    fn a_test_server_keeps_zero_pacing_and_settings_within_the_floors_are_kept() {
        let e = effective(&reckless(), WriteKind::Withdraw, false);
        assert_eq!((e.pace_min_secs, e.daily_cap), (0, 5000));
        let calm = RunSettings::default();
        let e = effective(&calm, WriteKind::Accept, true);
        assert_eq!(e.pace_min_secs, calm.pace_min_secs);
        assert_eq!(e.daily_cap, calm.daily_accept_cap);
    }
}
