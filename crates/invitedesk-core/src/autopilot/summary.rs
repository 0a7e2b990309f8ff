//! The one sentence that says what a run did, for the desktop notification and the command
//! line: "Withdrew 18 stale invitations on 2 accounts; 1 failed". `None` when nothing acted.

use std::collections::BTreeSet;

use super::{RunOutcome, RunReport};
use crate::jobs::JobAction;

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn sentence(reports: &[RunReport]) -> Option<String> {
    let mut parts = Vec::new();
    let mut failed = 0;
    for action in [JobAction::Withdraw, JobAction::Accept, JobAction::Ignore] {
        let acted: Vec<&RunReport> = reports
            .iter()
            .filter(|r| r.action == action && r.outcome == RunOutcome::Acted)
            .collect();
        if acted.is_empty() {
            continue;
        }
        let done: u32 = acted
            .iter()
            .filter_map(|r| r.job.as_ref())
            .map(|j| j.succeeded + j.already_gone)
            .sum();
        failed += acted
            .iter()
            .filter_map(|r| r.job.as_ref())
            .map(|j| j.failed)
            .sum::<u32>();
        let accounts: BTreeSet<&str> = acted.iter().map(|r| r.account_id.as_str()).collect();
        let (verb, one, many) = match action {
            JobAction::Withdraw => ("Withdrew", "stale invitation", "stale invitations"),
            JobAction::Accept => ("Accepted", "invitation", "invitations"),
            JobAction::Ignore => ("Ignored", "invitation", "invitations"),
            // No rule sends (bulk send is always started by hand); worded for completeness.
            JobAction::Send => ("Sent", "connection request", "connection requests"),
        };
        parts.push(format!(
            "{verb} {} on {}",
            plural(done, one, many),
            plural(accounts.len() as u32, "account", "accounts")
        ));
    }
    if parts.is_empty() {
        return None;
    }
    // Later verbs lower-case after the first: "Withdrew …, accepted …".
    let mut text = parts.remove(0);
    for p in parts {
        let mut chars = p.chars();
        let first = chars
            .next()
            .map(|c| c.to_lowercase().to_string())
            .unwrap_or_default();
        text.push_str(&format!(", {first}{}", chars.as_str()));
    }
    if failed > 0 {
        text.push_str(&format!("; {failed} failed"));
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::{JobState, JobSummary};

    fn acted(account: &str, action: JobAction, done: u32, failed: u32) -> RunReport {
        RunReport {
            rule_id: "r".into(),
            description: String::new(),
            account_id: account.into(),
            account_label: account.into(),
            action,
            outcome: RunOutcome::Acted,
            skip_reason: None,
            detail: None,
            job: Some(JobSummary {
                id: "j".into(),
                action,
                state: JobState::Finished,
                total: done + failed,
                done: done + failed,
                succeeded: done,
                already_gone: 0,
                failed,
                skipped: 0,
                pending: 0,
                checking: 0,
                elsewhere: false,
                started_at: String::new(),
                finished_at: None,
                eta_secs: None,
                paused_accounts: vec![],
                retry_of: None,
            }),
            planned: done + failed,
            items: vec![],
        }
    }

    #[test]
    fn says_what_was_done_on_how_many_accounts_and_what_failed() {
        let reports = [
            acted("a", JobAction::Withdraw, 10, 1),
            acted("b", JobAction::Withdraw, 8, 0),
        ];
        assert_eq!(
            sentence(&reports).unwrap(),
            "Withdrew 18 stale invitations on 2 accounts; 1 failed"
        );
        let mixed = [
            acted("a", JobAction::Withdraw, 1, 0),
            acted("a", JobAction::Accept, 3, 0),
        ];
        assert_eq!(
            sentence(&mixed).unwrap(),
            "Withdrew 1 stale invitation on 1 account, accepted 3 invitations on 1 account"
        );
        let mut skipped = acted("a", JobAction::Withdraw, 0, 0);
        skipped.outcome = RunOutcome::Skipped;
        assert_eq!(sentence(&[skipped]), None);
    }
}
