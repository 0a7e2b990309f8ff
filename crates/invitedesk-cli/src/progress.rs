//! Job progress for the terminal: a progress bar (only when stdout is a terminal) and, with
//! `--json`, one line per item outcome as it happens. It also tells the waiting command when
//! the job pauses on every account, so the tool can stop waiting (exit code 4).

use std::collections::HashSet;
use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::watch;

use invitedesk_core::jobs::{ItemOutcome, JobEvents, JobProgress, JobState, JobSummary};

use crate::output::{self, clean};
use crate::schema;

pub struct CliEvents {
    json: bool,
    bar: ProgressBar,
    /// Item keys already printed, so an outcome is printed once.
    printed: Mutex<HashSet<String>>,
    paused: watch::Sender<Option<JobSummary>>,
}

impl CliEvents {
    pub fn new(json: bool) -> CliEvents {
        let target = if std::io::stdout().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let (paused, _) = watch::channel(None);
        CliEvents {
            json,
            bar,
            printed: Mutex::new(HashSet::new()),
            paused,
        }
    }

    /// Fires with the summary once the job is paused on every account with work left.
    pub fn paused(&self) -> watch::Receiver<Option<JobSummary>> {
        self.paused.subscribe()
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    /// Prints a line without tearing the bar.
    fn println(&self, line: String) {
        self.bar.suspend(|| println!("{line}"));
    }
}

fn message(job: &JobSummary) -> String {
    let noun = match job.action {
        invitedesk_core::jobs::JobAction::Withdraw => "withdrawn",
        invitedesk_core::jobs::JobAction::Accept => "accepted",
        invitedesk_core::jobs::JobAction::Ignore => "ignored",
        invitedesk_core::jobs::JobAction::Send => "sent",
    };
    let mut text = format!("{} {noun}", job.succeeded);
    if job.failed > 0 {
        text.push_str(&format!(", {} failed", job.failed));
    }
    if job.already_gone + job.skipped > 0 {
        text.push_str(&format!(", {} skipped", job.already_gone + job.skipped));
    }
    if let Some(p) = job.paused_accounts.first() {
        text.push_str(&format!(
            " · {} paused until {}",
            clean(&p.label),
            output::until(&p.until)
        ));
    } else if let Some(eta) = job.eta_secs.filter(|e| *e > 0) {
        text.push_str(&format!(" · about {} left", output::duration(eta)));
    }
    text
}

impl JobEvents for CliEvents {
    fn job_progress(&self, progress: &JobProgress) {
        let job = &progress.job;
        self.bar.set_length(u64::from(job.total));
        self.bar.set_position(u64::from(job.done));
        self.bar.set_message(message(job));
        if let Some(item) = progress.item.as_ref().filter(|i| i.outcome.is_final()) {
            let first = self
                .printed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(item.key.clone());
            if first && self.json {
                let line = schema::Item::new(&job.id, item);
                self.bar.suspend(|| output::json_line("item", &line));
            } else if first && item.outcome == ItemOutcome::Failed {
                let why = item.error.as_ref().map(|e| e.message.as_str());
                self.println(format!(
                    "failed: {} ({}): {}",
                    clean(&item.name),
                    clean(&item.account_label),
                    clean(why.unwrap_or("no reason given"))
                ));
            }
        }
        if job.state == JobState::Paused {
            self.paused.send_replace(Some(job.clone()));
        }
    }
}
