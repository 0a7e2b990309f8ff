//! Fires autopilot rules while the app runs (window open or in the tray): a tokio task that
//! sleeps until the next rule is due, not a poll every second. Editing a rule, pausing or
//! confirming wakes it to recompute; "Run rules now" (tray or screen) runs every rule at once.
//! After each run that acted, a desktop notification says what it did.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::Notify;

use crate::autopilot::{summary, AutopilotService, RunOptions, RunReport, RunTrigger};
use crate::error::AppResult;

/// The longest sleep: tokio's timers follow the monotonic clock, which stands still while the
/// machine is suspended, so a rule due during a suspend fires at most this late after resume.
const MAX_SLEEP: Duration = Duration::from_secs(10 * 60);

/// Managed state: the handles that steer the task.
#[derive(Default)]
pub struct Scheduler {
    wake: Arc<Notify>,
    run_now: Arc<Notify>,
    started: AtomicBool,
}

impl Scheduler {
    /// The rules or the pause changed: recompute the next wake-up.
    pub fn rules_changed(&self) {
        self.wake.notify_one();
    }

    /// Run every rule now, whatever its schedule.
    pub fn run_now(&self) {
        self.run_now.notify_one();
    }

    /// Starts the task once.
    pub fn start<R: Runtime>(&self, app: AppHandle<R>, autopilot: AutopilotService) {
        if self.started.swap(true, Ordering::SeqCst) {
            return;
        }
        let (wake, run_now) = (self.wake.clone(), self.run_now.clone());
        tauri::async_runtime::spawn(async move {
            loop {
                let sleep = match autopilot.next_due_at() {
                    Ok(Some(at)) => (at - Utc::now())
                        .to_std()
                        .unwrap_or(Duration::ZERO)
                        .min(MAX_SLEEP),
                    Ok(None) => MAX_SLEEP,
                    Err(e) => {
                        log::error!("autopilot: could not read the rules: {}", e.message);
                        MAX_SLEEP
                    }
                };
                tokio::select! {
                    _ = tokio::time::sleep(sleep) => {
                        let options = RunOptions::new(RunTrigger::Scheduled, false);
                        after_run(&app, autopilot.run_due(options).await);
                    }
                    _ = wake.notified() => {}
                    _ = run_now.notified() => {
                        let options = RunOptions::new(RunTrigger::Manual, false);
                        after_run(&app, autopilot.run_all(options).await);
                    }
                }
            }
        });
    }
}

/// Tells the window (`autopilot-ran`, so the screen reloads) and, when something was done, the
/// desktop.
fn after_run<R: Runtime>(app: &AppHandle<R>, result: AppResult<Vec<RunReport>>) {
    let reports = match result {
        Ok(reports) => reports,
        Err(e) => {
            log::error!("autopilot run failed: {}", e.message);
            return;
        }
    };
    if reports.is_empty() {
        return;
    }
    for r in &reports {
        log::info!(
            "autopilot: {} on {}: {} {:?} {}",
            r.description,
            r.account_label,
            r.outcome.as_str(),
            r.skip_reason,
            r.detail.as_deref().unwrap_or("")
        );
    }
    if let Err(e) = app.emit("autopilot-ran", &reports) {
        log::warn!("autopilot-ran not delivered: {e}");
    }
    if let Some(text) = summary::sentence(&reports) {
        notify(app, text);
    }
}

/// A desktop notification, off the async workers: with no notification daemon the D-Bus call
/// fails (or waits for its timeout), and that must neither fail nor hold up a run.
fn notify<R: Runtime>(app: &AppHandle<R>, text: String) {
    use tauri_plugin_notification::NotificationExt;
    if app
        .try_state::<tauri_plugin_notification::Notification<R>>()
        .is_none()
    {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let shown = app
            .notification()
            .builder()
            .title("InviteDesk autopilot")
            .body(&text)
            .show();
        if let Err(e) = shown {
            log::warn!("autopilot notification not shown ({e}): {text}");
        }
    });
}
