//! What the app holds while it runs: registered once in `setup` with `app.manage`.

use std::path::PathBuf;
use std::sync::Arc;

use tauri::{AppHandle, Runtime};

use crate::accounts::storage::{JsonFileStorage, ACCOUNTS_FILE_NAME};
use crate::accounts::{Accounts, AccountsOptions, HistoryEraser, SecretStore};
use crate::error::AppResult;
use crate::store_adapter::PluginAccountsStorage;

/// Where the app keeps its files. Filled from the platform dirs in `setup` (XDG on Linux) and
/// from temp dirs in tests.
#[derive(Debug, Clone)]
pub struct AppPaths {
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
    pub cache_dir: PathBuf,
}

impl AppPaths {
    /// The account registry (metadata and settings; never a secret).
    pub fn accounts_file(&self) -> PathBuf {
        self.config_dir.join(ACCOUNTS_FILE_NAME)
    }
}

pub struct AppState {
    pub paths: AppPaths,
    pub accounts: Arc<Accounts>,
    /// Erases an account's local history when the user removes it with "also delete its
    /// history". The database layer installs its own with `with_history_eraser`.
    pub history_eraser: Arc<dyn HistoryEraser>,
    /// Start-up messages from outside the registry (the database), see `with_notices`.
    notices: Vec<String>,
}

impl AppState {
    /// The state the app runs with: the registry on tauri-plugin-store in the config dir,
    /// secrets in `secrets` (the OS keyring in the app, `MemorySecretStore` in IPC tests).
    pub fn open<R: Runtime>(
        app: &AppHandle<R>,
        paths: AppPaths,
        secrets: Arc<dyn SecretStore>,
        options: AccountsOptions,
    ) -> AppResult<Self> {
        let storage = PluginAccountsStorage::open(app, paths.accounts_file())?;
        let accounts = Accounts::open(Box::new(storage), secrets, options);
        Ok(Self::new(paths, Arc::new(accounts)))
    }

    /// State without the store plugin (plain JSON file in `paths.config_dir`), no simulated
    /// latency: for IPC tests that only need the commands.
    pub fn for_tests(paths: AppPaths, secrets: Arc<dyn SecretStore>) -> Self {
        let storage = JsonFileStorage::new(paths.accounts_file());
        let accounts = Accounts::open(Box::new(storage), secrets, AccountsOptions::for_tests());
        Self::new(paths, Arc::new(accounts))
    }

    pub fn new(paths: AppPaths, accounts: Arc<Accounts>) -> Self {
        Self {
            paths,
            accounts,
            history_eraser: Arc::new(NothingToErase),
            notices: Vec::new(),
        }
    }

    pub fn with_history_eraser(mut self, eraser: Arc<dyn HistoryEraser>) -> Self {
        self.history_eraser = eraser;
        self
    }

    /// Adds start-up messages for the user (the database's, from `Desk::open`).
    pub fn with_notices(mut self, notices: Vec<String>) -> Self {
        self.notices.extend(notices);
        self
    }

    /// Messages for the user from start-up (damaged files moved aside, a refused provider
    /// address, …), shown as banners over the first screen and in Settings.
    pub fn notices(&self) -> Vec<String> {
        let mut all = self.accounts.notices().to_vec();
        all.extend(self.notices.iter().cloned());
        all.extend(crate::providers::refused_override_notices());
        all
    }
}

/// Until the database layer installs its eraser there is no local history to erase.
struct NothingToErase;

impl HistoryEraser for NothingToErase {
    fn erase_account_history(&self, account_id: &str) -> AppResult<()> {
        log::info!("no local history to erase for account {account_id}");
        Ok(())
    }
}

/// The invitation lists, jobs and history, over the local database. Managed next to
/// `AppState`; the commands in `commands::{sent, received, jobs, activity}` use it.
pub struct Desk {
    pub db: Arc<crate::db::Db>,
    pub invitations: crate::invitations::InvitationService,
    pub jobs: crate::jobs::JobService,
    /// Where CSV exports go when the system has no Downloads folder.
    pub exports_dir: PathBuf,
    /// What start-up had to repair in the database, for the user.
    pub notices: Vec<String>,
}

impl Desk {
    /// A desk over a database no other process shares (IPC tests).
    pub fn new(
        db: Arc<crate::db::Db>,
        source: Arc<dyn crate::invitations::ProviderSource>,
        events: Arc<dyn crate::jobs::JobEvents>,
        config: crate::jobs::JobConfig,
        exports_dir: PathBuf,
    ) -> Self {
        let lease = Arc::new(crate::jobs::lease::Lease::private());
        Self::with_lease(db, source, events, config, exports_dir, lease)
    }

    pub fn with_lease(
        db: Arc<crate::db::Db>,
        source: Arc<dyn crate::invitations::ProviderSource>,
        events: Arc<dyn crate::jobs::JobEvents>,
        config: crate::jobs::JobConfig,
        exports_dir: PathBuf,
        lease: Arc<crate::jobs::lease::Lease>,
    ) -> Self {
        Self {
            invitations: crate::invitations::InvitationService::new(db.clone(), source.clone()),
            jobs: crate::jobs::JobService::with_lease(db.clone(), source, events, config, lease),
            db,
            exports_dir,
            notices: Vec::new(),
        }
    }

    /// Opens `<data_dir>/invitedesk.sqlite3` (checked, and repaired if damaged: see
    /// `db::recovery`), takes this process's lease on the data dir, and marks jobs left running
    /// by a process that is gone as interrupted, so the Jobs list offers to resume or discard
    /// them; jobs another live process runs are left alone. Never fails: what went wrong is in
    /// `notices`. `expect_history`: accounts exist, so an empty database is news for the user.
    pub fn open(
        data_dir: &std::path::Path,
        expect_history: bool,
        source: Arc<dyn crate::invitations::ProviderSource>,
        events: Arc<dyn crate::jobs::JobEvents>,
    ) -> Self {
        let opened = crate::db::recovery::open_or_recover(
            &data_dir.join(crate::db::FILE_NAME),
            expect_history,
        );
        let mut notices = opened.notices;
        let lease = match crate::jobs::lease::Lease::acquire(data_dir) {
            Ok(lease) => lease,
            Err(e) => {
                notices.push(format!(
                    "InviteDesk could not mark the data folder as in use ({}). Do not run the \
                     command-line tool while the app runs jobs.",
                    e.message
                ));
                crate::jobs::lease::Lease::private()
            }
        };
        let mut desk = Self::with_lease(
            opened.db,
            source,
            events,
            crate::jobs::JobConfig::default(),
            data_dir.join("exports"),
            Arc::new(lease),
        );
        desk.notices = notices;
        match desk.jobs.recover() {
            Ok(interrupted) if !interrupted.is_empty() => {
                log::info!("jobs interrupted by the last exit: {interrupted:?}");
            }
            Ok(_) => {}
            Err(e) => {
                log::error!("could not mark interrupted jobs: {}", e.message);
                desk.notices.push(format!(
                    "Jobs left running by the last exit could not be marked as interrupted: {}",
                    e.message
                ));
            }
        }
        desk
    }
}
