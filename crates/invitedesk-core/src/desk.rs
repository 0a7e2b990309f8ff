//! The one entry point every front-end opens: the window, the command-line tool, a timer. It
//! opens the account registry, the local database (checked, and repaired if damaged), this
//! process's lease on the data folder, and the invitation and job services over them, so the
//! guarantees (preview before acting, pacing, caps, holds, nothing twice) are the same whoever
//! asks.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crate::accounts::storage::{AccountsStorage, ACCOUNTS_FILE_NAME};
use crate::accounts::{AccountView, Accounts, AccountsOptions, SecretStore};
use crate::autopilot::clock::{Clock, SystemClock};
use crate::autopilot::AutopilotService;
use crate::db::{recovery, Db, FILE_NAME};
use crate::error::{AppError, AppResult};
use crate::insights::InsightsService;
use crate::invitations::{InvitationService, ProviderSource};
use crate::jobs::lease::Lease;
use crate::jobs::{JobConfig, JobEvents, JobService};

/// Where InviteDesk keeps its files: the platform's data, config and cache dirs for the app
/// (XDG on Linux), shared by the window and the command-line tool; temp dirs in tests.
#[derive(Debug, Clone)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
    pub cache_dir: PathBuf,
}

impl Paths {
    /// Where the app with this `identifier` keeps its files, found the way Tauri finds them, so
    /// the command-line tool and the window share one registry, database and journal.
    ///
    /// Tauri 2 resolves `app_data_dir` as `dirs::data_dir()/<identifier>` (likewise config and
    /// cache) unless `app > appDirectoriesOverride` is set, which InviteDesk does not do. On
    /// Linux that is `$XDG_DATA_HOME/<identifier>` (else `~/.local/share/…`),
    /// `$XDG_CONFIG_HOME/…` (else `~/.config/…`) and `$XDG_CACHE_HOME/…` (else `~/.cache/…`); on
    /// macOS `~/Library/Application Support/…` and `~/Library/Caches/…`; on Windows
    /// `%APPDATA%\…` and `%LOCALAPPDATA%\…`: the `dirs` crate's conventions, as Tauri uses them.
    pub fn of_app(identifier: &str) -> AppResult<Paths> {
        let under = |dir: Option<PathBuf>, what: &str| {
            dir.map(|d| d.join(identifier)).ok_or_else(|| {
                AppError::storage(format!(
                    "The system's {what} folder is unknown (is HOME set?), so InviteDesk's data \
                     cannot be found."
                ))
            })
        };
        Ok(Paths {
            data_dir: under(dirs::data_dir(), "data")?,
            config_dir: under(dirs::config_dir(), "config")?,
            cache_dir: under(dirs::cache_dir(), "cache")?,
        })
    }

    /// The account registry (metadata and settings; never a secret).
    pub fn accounts_file(&self) -> PathBuf {
        self.config_dir.join(ACCOUNTS_FILE_NAME)
    }

    /// The local database: cache, keep-list, journal, holds and history.
    pub fn database_file(&self) -> PathBuf {
        self.data_dir.join(FILE_NAME)
    }

    /// Where CSV exports go when the system has no Downloads folder.
    pub fn exports_dir(&self) -> PathBuf {
        self.data_dir.join("exports")
    }
}

/// What a front-end may tune; `Default` is what the app and the tool run with.
#[derive(Clone, Default)]
pub struct DeskOptions {
    pub accounts: AccountsOptions,
    pub jobs: JobConfig,
    /// The accounts the lists and jobs reach: the registry itself when `None`. Tests put
    /// in-memory providers here.
    pub source: Option<Arc<dyn ProviderSource>>,
    /// The time autopilot decides by: the system's when `None`.
    pub clock: Option<Arc<dyn Clock>>,
    /// The database's quick check, when the front-end started it early (the app does, before
    /// its window is built); done while opening when `None`.
    pub early_check: Option<Arc<recovery::EarlyCheck>>,
}

/// Cheap to clone: every part is shared.
#[derive(Clone)]
pub struct Desk {
    pub paths: Paths,
    pub accounts: Arc<Accounts>,
    pub db: Arc<Db>,
    pub invitations: InvitationService,
    pub jobs: JobService,
    pub insights: InsightsService,
    pub autopilot: AutopilotService,
    /// What start-up had to repair or could not do, for the user (besides the registry's own).
    notices: Vec<String>,
}

impl Desk {
    /// Opens everything with the defaults. Never fails: what went wrong is in [`Desk::notices`]
    /// (a damaged database is set aside and a fresh one used, a data folder that cannot be
    /// locked gives a lease no other process sees).
    pub fn open(
        paths: Paths,
        secrets: Arc<dyn SecretStore>,
        registry: Box<dyn AccountsStorage>,
        events: Arc<dyn JobEvents>,
    ) -> Desk {
        Self::open_with(paths, secrets, registry, events, DeskOptions::default())
    }

    pub fn open_with(
        paths: Paths,
        secrets: Arc<dyn SecretStore>,
        registry: Box<dyn AccountsStorage>,
        events: Arc<dyn JobEvents>,
        options: DeskOptions,
    ) -> Desk {
        // Start-up cost, in the log at debug level (`RUST_LOG=debug`): the window waits on it.
        let started = Instant::now();
        let accounts = Arc::new(Accounts::open(registry, secrets, options.accounts));
        let accounts_read = started.elapsed();
        // With accounts on record, an empty database means the history was lost: say so.
        let opened = match &options.early_check {
            Some(early) => {
                recovery::open_after_check(early, &paths.database_file(), !accounts.is_empty())
            }
            None => recovery::open_or_recover(&paths.database_file(), !accounts.is_empty()),
        };
        let db_opened = started.elapsed();
        let mut notices = opened.notices;
        let lease = Lease::acquire(&paths.data_dir).unwrap_or_else(|e| {
            notices.push(format!(
                "InviteDesk could not mark the data folder as in use ({}). Do not run the \
                 command-line tool while the app runs jobs.",
                e.message
            ));
            Lease::private()
        });
        let source: Arc<dyn ProviderSource> = options.source.unwrap_or_else(|| accounts.clone());
        let db = opened.db;
        let invitations = InvitationService::new(db.clone(), source.clone());
        let jobs = JobService::with_lease(
            db.clone(),
            source.clone(),
            events,
            options.jobs,
            Arc::new(lease),
        );
        let clock = options.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let desk = Desk {
            autopilot: AutopilotService::new(
                db.clone(),
                invitations.clone(),
                jobs.clone(),
                Some(paths.data_dir.clone()),
                clock,
            ),
            insights: InsightsService::new(db.clone(), source.clone()),
            invitations,
            jobs,
            paths,
            accounts,
            db,
            notices,
        };
        let services = started.elapsed();
        let desk = desk.recover_jobs();
        log::debug!(
            "desk opened in {:.1} ms: accounts file {:.1}, database (quick_check, migrations) \
             {:.1}, lease and services {:.1}, interrupted jobs {:.1}",
            ms(started.elapsed()),
            ms(accounts_read),
            ms(db_opened - accounts_read),
            ms(services - db_opened),
            ms(started.elapsed() - services)
        );
        desk
    }

    /// Jobs left running by a process that is gone become interrupted (offered to resume or
    /// discard); jobs another live process runs are left alone.
    fn recover_jobs(mut self) -> Desk {
        match self.jobs.recover() {
            Ok(interrupted) if !interrupted.is_empty() => {
                log::info!("jobs interrupted by the last exit: {interrupted:?}");
            }
            Ok(_) => {}
            Err(e) => {
                log::error!("could not mark interrupted jobs: {}", e.message);
                self.notices.push(format!(
                    "Jobs left running by the last exit could not be marked as interrupted: {}",
                    e.message
                ));
            }
        }
        self
    }

    /// Withdraw by list, the do-not-contact list and duplicates across accounts.
    pub fn lists(&self) -> crate::lists::ListService {
        crate::lists::ListService::new(self.db.clone(), self.invitations.clone(), self.jobs.clone())
    }

    /// Messages for the user from start-up (damaged files set aside, a refused provider
    /// address, …): banners over the first screen and Settings in the app, warnings in the tool.
    pub fn notices(&self) -> Vec<String> {
        let mut all = self.accounts.notices();
        all.extend(self.notices.iter().cloned());
        all.extend(crate::providers::refused_override_notices());
        all
    }

    /// Removes an account: first what the database holds about it (cached invitations,
    /// keep-list, holds; its history and job journal too when `delete_history`), then its keys
    /// and its registry entry. In that order, so a failure leaves the account in place to try
    /// again rather than data nobody can reach.
    pub fn remove_account(&self, account_id: &str, delete_history: bool) -> AppResult<()> {
        self.accounts.get(account_id)?;
        self.db.remove_account_data(account_id, delete_history)?;
        self.accounts.remove(account_id)
    }

    /// Adds the demo account with months of invented history, so Insights has something to
    /// show without a key. Blocking (file and database writes): call it off the async runtime.
    pub fn add_demo_account(&self) -> AppResult<AccountView> {
        let view = self.accounts.add_demo()?;
        self.insights
            .seed_demo_history(&view.id, chrono::Utc::now())?;
        Ok(view)
    }
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::storage::JsonFileStorage;
    use crate::accounts::MemorySecretStore;
    use crate::db::cache::Screen;
    use crate::jobs::NoJobEvents;

    fn open(root: &std::path::Path) -> Desk {
        let paths = Paths {
            data_dir: root.join("data"),
            config_dir: root.join("config"),
            cache_dir: root.join("cache"),
        };
        let registry = Box::new(JsonFileStorage::new(paths.accounts_file()));
        Desk::open_with(
            paths,
            Arc::new(MemorySecretStore::new()),
            registry,
            Arc::new(NoJobEvents),
            DeskOptions {
                accounts: AccountsOptions::for_tests(),
                ..DeskOptions::default()
            },
        )
    }

    fn count(desk: &Desk, sql: &str, account: &str) -> i64 {
        desk.db
            .read(|c| Ok(c.query_row(sql, [account], |r| r.get(0))?))
            .unwrap()
    }

    #[tokio::test]
    async fn removing_an_account_drops_its_cache_and_keeps_or_erases_its_history() {
        let dir = tempfile::tempdir().unwrap();
        let desk = open(dir.path());
        let kept = desk.accounts.add_demo().unwrap().id;
        let erased = desk.accounts.add_demo().unwrap().id;
        for id in [&kept, &erased] {
            desk.invitations
                .refresh(Screen::Sent, Some(id), Arc::new(|_| {}))
                .await
                .unwrap();
            desk.db
                .write(|tx| {
                    tx.execute(
                        "INSERT INTO activity (at, action, account_id, account_label, name, category)
                         VALUES ('2026-01-01T00:00:00.000Z', 'withdrawn', ?1, 'Demo', 'Jane', 'connection')",
                        [id],
                    )?;
                    Ok(())
                })
                .unwrap();
        }
        let cached = "SELECT COUNT(*) FROM invitation_cache WHERE account_id = ?1";
        let history = "SELECT COUNT(*) FROM activity WHERE account_id = ?1";
        assert!(count(&desk, cached, &kept) > 0);

        desk.remove_account(&kept, false).unwrap();
        assert_eq!(count(&desk, cached, &kept), 0, "its cache went with it");
        assert_eq!(count(&desk, history, &kept), 1, "its history stays");
        desk.remove_account(&erased, true).unwrap();
        assert_eq!(count(&desk, cached, &erased), 0);
        assert_eq!(count(&desk, history, &erased), 0, "history erased as asked");
        assert!(desk.accounts.list().is_empty());
        assert_eq!(
            desk.remove_account(&kept, false).unwrap_err().kind,
            crate::error::ErrorKind::NotFound
        );
    }

    #[test]
    fn a_second_process_on_the_same_folder_opens_the_same_data() {
        let dir = tempfile::tempdir().unwrap();
        let first = open(dir.path());
        let id = first.accounts.add_demo().unwrap().id;
        let second = open(dir.path());
        assert_eq!(second.accounts.list()[0].id, id);
        assert!(second.notices().is_empty(), "{:?}", second.notices());
    }
}
