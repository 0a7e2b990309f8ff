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
        }
    }

    pub fn with_history_eraser(mut self, eraser: Arc<dyn HistoryEraser>) -> Self {
        self.history_eraser = eraser;
        self
    }

    /// Messages for the user from start-up (damaged files moved aside, …), shown in Settings.
    pub fn notices(&self) -> Vec<String> {
        self.accounts.notices().to_vec()
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
        }
    }

    /// Opens `<data_dir>/invitedesk.sqlite3`, takes this process's lease on the data dir, and
    /// marks jobs left running by a process that is gone as interrupted, so the Jobs list
    /// offers to resume or discard them. Jobs another live process runs are left alone.
    pub fn open(
        data_dir: &std::path::Path,
        source: Arc<dyn crate::invitations::ProviderSource>,
        events: Arc<dyn crate::jobs::JobEvents>,
    ) -> AppResult<Self> {
        let db = crate::db::Db::open(&data_dir.join(crate::db::FILE_NAME))?;
        let lease = Arc::new(crate::jobs::lease::Lease::acquire(data_dir)?);
        let desk = Self::with_lease(
            db,
            source,
            events,
            crate::jobs::JobConfig::default(),
            data_dir.join("exports"),
            lease,
        );
        let interrupted = desk.jobs.recover()?;
        if !interrupted.is_empty() {
            log::info!("jobs interrupted by the last exit: {interrupted:?}");
        }
        Ok(desk)
    }
}
