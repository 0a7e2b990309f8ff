//! The account registry: which LinkedIn accounts InviteDesk manages, through which provider, with
//! which settings, and the client to reach each one.
//!
//! Metadata and settings go through `AccountsStorage` (the app's implementation sits on
//! tauri-plugin-store, see `crate::store_adapter`); API keys and login tokens only ever go to the
//! `SecretStore` (the OS keyring). No Tauri type reaches this module.
//!
//! Public API used by other modules (all methods take `&self`; `Accounts` is shared as
//! `Arc<Accounts>` in `AppState`):
//! - [`Accounts::list`], [`Accounts::get`], [`Accounts::account`], [`Accounts::settings`]
//! - [`Accounts::provider`]: the client for an account (demo accounts get their shared
//!   simulated provider). Reads the keyring on first use, then reuses the client.
//! - [`Accounts::record_synced`], [`Accounts::record_ok`], [`Accounts::record_error`]: report
//!   the outcome of provider calls so the account list shows "needs attention" and "last synced".
//! - [`Accounts::remove`]: the registry entry and its keys (the database's part of removing an
//!   account is `Desk::remove_account`'s).
//!
//! Methods that touch the keyring may block (a locked keyring can show an unlock prompt): call
//! them off the UI thread (`spawn_blocking` in commands).

mod credentials;
mod naming;
mod orphans;
mod recent;
pub mod record;
mod salvage;
pub mod secrets;
pub mod storage;
pub mod view;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

pub use credentials::LINKUP_COUNTRIES;
pub use orphans::OrphanedKey;
pub use record::{Account, AccountSettings, AccountsFile, NewAccountInput};
pub use secrets::{KeyringStatus, KeyringStore, MemorySecretStore, SecretStore};
pub use storage::{AccountsStorage, JsonFileStorage, MemoryStorage};
pub use view::{AccountStatus, AccountView};

use crate::error::{AppError, AppResult, ErrorKind};
use crate::model::{Limit, ProviderKind, RemoteAccount};
use crate::providers::demo::{Demo, Latency};
use crate::providers::{self, InvitationProvider, ProviderConfig, ProviderError};

use credentials::{check_input, discovery_error, unusable_reason, Credentials};
use naming::{new_id, unique_label};
use recent::RecentTest;
use secrets::{api_key_entry, login_token_entry};
use view::KeyState;

/// Builds a client from a config (`providers::build` in the app; fakes in tests).
pub type ProviderFactory =
    Arc<dyn Fn(ProviderConfig) -> Result<Arc<dyn InvitationProvider>, ProviderError> + Send + Sync>;

/// The base URL in effect for a provider (`providers::base_url` in the app).
pub type BaseUrlFn = Arc<dyn Fn(ProviderKind) -> Result<String, String> + Send + Sync>;

#[derive(Clone)]
pub struct AccountsOptions {
    /// Simulated latency of demo accounts.
    pub demo_latency: Latency,
    pub provider_factory: ProviderFactory,
    pub base_url: BaseUrlFn,
}

impl Default for AccountsOptions {
    fn default() -> Self {
        Self {
            demo_latency: Latency::DEFAULT,
            provider_factory: Arc::new(providers::build),
            base_url: Arc::new(providers::base_url),
        }
    }
}

impl AccountsOptions {
    /// No simulated latency; real provider clients.
    pub fn for_tests() -> Self {
        Self {
            demo_latency: Latency::NONE,
            ..Self::default()
        }
    }
}

pub struct Accounts {
    storage: Box<dyn AccountsStorage>,
    secrets: Arc<dyn SecretStore>,
    options: AccountsOptions,
    /// The registry as last saved. Held while saving, so writes never interleave.
    file: Mutex<AccountsFile>,
    /// The storage's stamp when `file` was last read or written: another process (the
    /// command-line tool) may change the file while the app runs.
    seen: Mutex<Option<storage::Stamp>>,
    /// What the keyring holds per account, as last seen (no secrets).
    key_states: Mutex<HashMap<String, KeyState>>,
    /// Held while the keyring is read for a key state: a listing that comes while another
    /// read is under way waits for its answer instead of asking the keyring (and, when it is
    /// locked, its unlock prompt) a second time.
    key_reads: Mutex<()>,
    /// One client per account, built on first use; demo state lives in its client.
    clients: Mutex<HashMap<String, Arc<dyn InvitationProvider>>>,
    /// The key test the user just made, for the "Add" that follows it.
    recent_test: RecentTest,
    /// For the user: what loading found (a damaged file moved aside, …), at start or when the
    /// file was read again after another process changed it.
    notices: Mutex<Vec<String>>,
    /// Set when the stored file could not be read: saving would overwrite it, so we refuse.
    read_only: Option<String>,
}

impl Accounts {
    /// Loads the registry. A damaged file has already been moved aside by the storage (its
    /// notice is kept for `AppInfo`); an unreadable one leaves the registry empty and read-only
    /// with a notice, so the app still starts.
    pub fn open(
        storage: Box<dyn AccountsStorage>,
        secrets: Arc<dyn SecretStore>,
        options: AccountsOptions,
    ) -> Self {
        let (file, notices, read_only) = match storage.load() {
            Ok(loaded) => (loaded.file, loaded.notice.into_iter().collect(), None),
            Err(e) => {
                let msg = format!(
                    "{} Accounts cannot be changed until this is fixed and InviteDesk restarts.",
                    e.message
                );
                (AccountsFile::default(), vec![msg.clone()], Some(msg))
            }
        };
        // After the load: repairing a damaged file rewrites it.
        let seen = storage.stamp();
        Self {
            storage,
            secrets,
            options,
            seen: Mutex::new(seen),
            file: Mutex::new(file),
            key_states: Mutex::new(HashMap::new()),
            key_reads: Mutex::new(()),
            clients: Mutex::new(HashMap::new()),
            recent_test: RecentTest::default(),
            notices: Mutex::new(notices),
            read_only,
        }
    }

    /// Messages for the user from loading (damaged file moved aside, …), at start or since.
    /// Reads the file again first if another program changed it, so a file damaged meanwhile
    /// is told now rather than after the next account read.
    pub fn notices(&self) -> Vec<String> {
        self.read(|_| ());
        self.notices.lock().unwrap().clone()
    }

    fn notify(&self, notice: String) {
        log::warn!("{notice}");
        let mut notices = self.notices.lock().unwrap();
        if !notices.contains(&notice) {
            notices.push(notice);
        }
    }

    pub fn keyring_status(&self) -> KeyringStatus {
        self.secrets.probe()
    }

    /// Reads every account's key state from the keyring ahead of the first listing. Each read
    /// is a round trip to the keyring daemon (~10–25 ms with gnome-keyring); the app does this
    /// on a thread of its own at start-up, so the first screen's account list does not wait on
    /// them. A read that fails is not kept: the listing tries again.
    pub fn warm_key_states(&self) {
        // The listing reads (and keeps) every key state; its views are not needed yet.
        drop(self.list());
    }

    /// Every account, in the order they were added.
    pub fn list(&self) -> Vec<AccountView> {
        let accounts = self.read(|file| file.accounts.clone());
        accounts
            .iter()
            .map(|a| view::account_view(a, &self.key_state(a)))
            .collect()
    }

    pub fn get(&self, id: &str) -> AppResult<AccountView> {
        let account = self.account(id)?;
        Ok(view::account_view(&account, &self.key_state(&account)))
    }

    /// The stored record (metadata and settings; never a secret).
    pub fn account(&self, id: &str) -> AppResult<Account> {
        self.read(|file| file.find(id).cloned())
            .ok_or_else(|| not_found(id))
    }

    /// Whether the registry holds no account (start-up uses it to tell a first run from a
    /// database that vanished under existing accounts).
    pub fn is_empty(&self) -> bool {
        self.read(|file| file.accounts.is_empty())
    }

    pub fn default_account_id(&self) -> Option<String> {
        self.read(|file| {
            file.accounts
                .iter()
                .find(|a| a.is_default)
                .map(|a| a.id.clone())
        })
    }

    pub fn settings(&self, id: &str) -> AppResult<AccountSettings> {
        Ok(self.account(id)?.settings)
    }

    pub fn save_settings(&self, id: &str, settings: AccountSettings) -> AppResult<AccountSettings> {
        settings.validate()?;
        self.mutate(|file| {
            file.find_mut(id).ok_or_else(|| not_found(id))?.settings = settings;
            Ok(settings)
        })
    }

    /// The client for an account. Built on first use from the keyring's secrets and
    /// `providers::base_url`, then reused (so a demo account keeps its state while the app runs).
    pub fn provider(&self, id: &str) -> AppResult<Arc<dyn InvitationProvider>> {
        if let Some(client) = self.clients.lock().unwrap().get(id) {
            return Ok(client.clone());
        }
        let account = self.account(id)?;
        let client: Arc<dyn InvitationProvider> = if account.is_demo() {
            Arc::new(Demo::with_latency(
                account.remote_account_id.clone(),
                self.options.demo_latency,
            ))
        } else {
            let creds = self.stored_credentials(&account)?;
            self.build_client(&creds, remote_id_for_config(&account))?
        };
        Ok(self
            .clients
            .lock()
            .unwrap()
            .entry(id.to_string())
            .or_insert(client)
            .clone())
    }

    /// Quotas the account's provider reports.
    pub async fn limits(&self, id: &str) -> AppResult<Vec<Limit>> {
        let client = self.provider(id)?;
        match client.limits().await {
            Ok(limits) => Ok(limits),
            Err(e) => {
                let e = AppError::from(e);
                self.record_error(id, &e);
                Err(e)
            }
        }
    }

    /// A listing succeeded: remember when, and clear any "needs attention".
    pub fn record_synced(&self, id: &str, at: DateTime<Utc>) {
        self.update_quietly(id, |a| {
            let changed = a.last_synced_at != Some(at) || a.attention.is_some();
            a.last_synced_at = Some(at);
            a.attention = None;
            changed
        });
    }

    /// A provider call succeeded: clear any "needs attention".
    pub fn record_ok(&self, id: &str) {
        self.update_quietly(id, |a| a.attention.take().is_some());
    }

    /// A provider call failed. Refused credentials and billing problems mark the account as
    /// needing attention (with the error's message); passing failures change nothing.
    pub fn record_error(&self, id: &str, error: &AppError) {
        match error.kind {
            ErrorKind::BadCredentials | ErrorKind::Billing => {
                let message = error.message.clone();
                self.update_quietly(id, |a| {
                    let changed = a.attention.as_deref() != Some(message.as_str());
                    a.attention = Some(message);
                    changed
                });
                // A refused key may be replaced from outside; build the client afresh next time.
                self.clients.lock().unwrap().remove(id);
            }
            ErrorKind::KeyMissing => {
                self.key_states.lock().unwrap().remove(id);
                self.clients.lock().unwrap().remove(id);
            }
            _ => {}
        }
    }

    /// Tests a pasted key: the LinkedIn accounts (identities) it gives access to. Saves nothing.
    pub async fn discover(&self, input: &NewAccountInput) -> AppResult<Vec<RemoteAccount>> {
        let creds = check_input(input)?;
        let found = self.discover_with(&creds, None).await?;
        self.recent_test.remember(creds.fingerprint(), &found);
        Ok(found)
    }

    async fn discover_with(
        &self,
        creds: &Credentials,
        remote_id: Option<String>,
    ) -> AppResult<Vec<RemoteAccount>> {
        let client = self.build_client(creds, remote_id)?;
        let found = client
            .list_accounts()
            .await
            .map_err(|e| discovery_error(creds.provider, e))?;
        if found.is_empty() {
            let p = creds.provider.label();
            return Err(AppError::not_found(format!(
                "The key works, but no LinkedIn account is connected to it in {p}. Connect one \
                 in your {p} dashboard, then try again."
            )));
        }
        Ok(found)
    }

    /// Saves the chosen accounts: metadata to the store, the key (and login token) to the
    /// keyring, one entry per account. All or nothing. The key is tested again unless the user
    /// just tested these very credentials (`discover`, within `recent::REUSE_FOR`): a test can
    /// cost a credit (LinkupAPI reads a page), so "Test" then "Add" pays for one.
    pub async fn add(
        &self,
        input: &NewAccountInput,
        remote_ids: &[String],
    ) -> AppResult<Vec<AccountView>> {
        let creds = check_input(input)?;
        let mut wanted: Vec<&str> = Vec::new();
        for id in remote_ids.iter().map(|s| s.trim()) {
            if !id.is_empty() && !wanted.contains(&id) {
                wanted.push(id);
            }
        }
        if wanted.is_empty() {
            return Err(AppError::invalid_input(
                "Choose at least one LinkedIn account to add.",
            ));
        }
        self.check_writable()?;
        let found = match self.recent_test.found(&creds.fingerprint()) {
            Some(found) => found,
            None => self.discover_with(&creds, None).await?,
        };
        let p = creds.provider.label();
        let chosen: Vec<&RemoteAccount> = wanted
            .iter()
            .map(|id| {
                found.iter().find(|r| r.id == *id).ok_or_else(|| {
                    AppError::not_found(format!(
                        "{p} no longer lists the account {id} under this key. Test the key \
                         again and pick from the new list."
                    ))
                })
            })
            .collect::<AppResult<_>>()?;

        let now = Utc::now();
        let new_accounts: Vec<Account> = {
            let file = self.file.lock().unwrap();
            let mut labels: Vec<String> = file.accounts.iter().map(|a| a.label.clone()).collect();
            let mut out = Vec::new();
            for remote in &chosen {
                if let Some(existing) = file.accounts.iter().find(|a| {
                    a.provider == creds.provider
                        && a.remote_account_id.as_deref() == Some(remote.id.as_str())
                }) {
                    return Err(AppError::invalid_input(format!(
                        "{} is already in InviteDesk as \"{}\". To use a new key for it, choose \
                         \"Replace key\" on that account.",
                        remote.name, existing.label
                    )));
                }
                let label = unique_label(&remote.name, creds.provider, &labels);
                labels.push(label.clone());
                out.push(Account {
                    id: new_id(),
                    label,
                    provider: creds.provider,
                    remote_account_id: Some(remote.id.clone()),
                    remote_name: Some(remote.name.clone()),
                    picture_url: remote.picture_url.clone(),
                    profile_url: remote.profile_url.clone(),
                    country: creds.country.clone(),
                    is_default: false,
                    created_at: now,
                    last_synced_at: None,
                    settings: AccountSettings::default(),
                    attention: unusable_reason(creds.provider, remote),
                });
            }
            out
        };

        let mut written: Vec<String> = Vec::new();
        let stored = (|| {
            for a in &new_accounts {
                self.write_credentials(&a.id, &creds.api_key, creds.login_token.as_ref())?;
                written.push(a.id.clone());
            }
            self.mutate(|file| {
                file.accounts.extend(new_accounts.iter().cloned());
                Ok(())
            })
        })();
        if let Err(e) = stored {
            for id in &written {
                let _ = self.delete_credentials(id);
            }
            return Err(e);
        }
        self.recent_test.forget();
        for a in &new_accounts {
            self.remember_key_state(&a.id, &creds);
        }
        new_accounts.iter().map(|a| self.get(&a.id)).collect()
    }

    /// Adds a simulated account (no key needed). Each demo account has its own people.
    pub fn add_demo(&self) -> AppResult<AccountView> {
        let id = new_id();
        self.mutate(|file| {
            let taken = |rid: &str| {
                file.accounts
                    .iter()
                    .any(|a| a.remote_account_id.as_deref() == Some(rid))
            };
            let n = (1..).find(|n| !taken(&format!("demo-{n}"))).unwrap_or(1);
            let remote_id = format!("demo-{n}");
            let labels: Vec<String> = file.accounts.iter().map(|a| a.label.clone()).collect();
            let base = if n == 1 {
                "Demo account".to_string()
            } else {
                format!("Demo account {n}")
            };
            let persona = crate::providers::demo::persona_name(&remote_id);
            file.accounts.push(Account {
                id: id.clone(),
                label: unique_label(&base, ProviderKind::Demo, &labels),
                provider: ProviderKind::Demo,
                remote_account_id: Some(remote_id),
                remote_name: Some(format!("{persona} (demo)")),
                picture_url: None,
                profile_url: None,
                country: None,
                is_default: false,
                created_at: Utc::now(),
                last_synced_at: None,
                settings: AccountSettings::default(),
                attention: None,
            });
            Ok(())
        })?;
        self.get(&id)
    }

    pub fn rename(&self, id: &str, label: &str) -> AppResult<AccountView> {
        let label = naming::check_label(label)?;
        self.mutate(|file| {
            if file
                .accounts
                .iter()
                .any(|a| a.id != id && a.label.to_lowercase() == label.to_lowercase())
            {
                return Err(AppError::invalid_input(format!(
                    "Another account is already called \"{label}\". Choose a different name."
                )));
            }
            file.find_mut(id).ok_or_else(|| not_found(id))?.label = label.to_string();
            Ok(())
        })?;
        self.get(id)
    }

    pub fn set_default(&self, id: &str) -> AppResult<()> {
        self.mutate(|file| {
            file.find(id).ok_or_else(|| not_found(id))?;
            for a in &mut file.accounts {
                a.is_default = a.id == id;
            }
            Ok(())
        })
    }

    /// Tests the new key against the account's LinkedIn account, then stores it. The account,
    /// its settings and its history stay. For LinkupAPI, `login_token: None` keeps the old one.
    pub async fn replace_key(
        &self,
        id: &str,
        api_key: &str,
        login_token: Option<&str>,
    ) -> AppResult<AccountView> {
        let account = self.account(id)?;
        if account.is_demo() {
            return Err(AppError::invalid_input(
                "The demo account has no key to replace.",
            ));
        }
        let login_token = match login_token.map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => Some(SecretString::from(t)),
            None if account.needs_login_token() => {
                Some(self.secrets.get(&login_token_entry(id))?.ok_or_else(|| {
                    AppError::invalid_input("Paste the LinkedIn login token as well.")
                })?)
            }
            None => None,
        };
        let creds = check_input(&NewAccountInput {
            provider: account.provider,
            api_key: api_key.to_string(),
            login_token: login_token.map(|t| t.expose_secret().to_string()),
            country: account.country.clone(),
        })?;
        let found = self
            .discover_with(&creds, remote_id_for_config(&account))
            .await?;
        let p = account.provider.label();
        let attention = if view::capabilities(account.provider).lists_accounts {
            let remote_id = account.remote_account_id.as_deref().unwrap_or_default();
            let Some(remote) = found.iter().find(|r| r.id == remote_id) else {
                return Err(AppError::not_found(format!(
                    "This key works, but it does not give access to {} ({p} account {remote_id}). \
                     Use the key of the {p} workspace this account belongs to. The old key was \
                     kept.",
                    account.remote_name.as_deref().unwrap_or(&account.label)
                )));
            };
            unusable_reason(account.provider, remote)
        } else {
            None
        };
        self.check_writable()?;
        self.write_credentials(id, &creds.api_key, creds.login_token.as_ref())?;
        self.clients.lock().unwrap().remove(id);
        self.remember_key_state(id, &creds);
        self.mutate(|file| {
            file.find_mut(id).ok_or_else(|| not_found(id))?.attention = attention;
            Ok(())
        })?;
        self.get(id)
    }

    /// Removes the account and its keyring entries. What the database holds about it goes
    /// first, through `Desk::remove_account`.
    pub fn remove(&self, id: &str) -> AppResult<()> {
        let account = self.account(id)?;
        self.check_writable()?;
        if !account.is_demo() {
            self.delete_credentials(id)?;
        }
        self.mutate(|file| {
            file.accounts.retain(|a| a.id != id);
            Ok(())
        })?;
        self.clients.lock().unwrap().remove(id);
        self.key_states.lock().unwrap().remove(id);
        Ok(())
    }

    // ----- internals -----

    fn check_writable(&self) -> AppResult<()> {
        match &self.read_only {
            Some(why) => Err(AppError::storage(why.clone())),
            None => Ok(()),
        }
    }

    /// Applies `change` to a copy, saves it, and only then makes it current: a failed save
    /// leaves the registry as it was.
    fn mutate<T>(&self, change: impl FnOnce(&mut AccountsFile) -> AppResult<T>) -> AppResult<T> {
        self.check_writable()?;
        let _other_writers = self.storage.lock()?;
        let mut current = self.file.lock().unwrap();
        self.catch_up(&mut current);
        let mut next = current.clone();
        let out = change(&mut next)?;
        next.normalize_default();
        self.storage.save(&next)?;
        *current = next;
        *self.seen.lock().unwrap() = self.storage.stamp();
        Ok(out)
    }

    /// Reads the registry as stored now (read again if another process changed the file),
    /// copying only what `f` takes: `account` runs for every provider call.
    fn read<T>(&self, f: impl FnOnce(&AccountsFile) -> T) -> T {
        let mut current = self.file.lock().unwrap();
        self.catch_up(&mut current);
        f(&current)
    }

    /// Reads the file again when its stamp moved since we last read or wrote it: the
    /// command-line tool added, renamed or removed an account while the app ran. Without this
    /// the app would not show the change, and its next save (after any refresh) would undo it.
    fn catch_up(&self, current: &mut AccountsFile) {
        if self.read_only.is_some() {
            return;
        }
        let Some(now) = self.storage.stamp() else {
            return;
        };
        let mut seen = self.seen.lock().unwrap();
        if *seen == Some(now) {
            return;
        }
        match self.storage.load() {
            Ok(loaded) => {
                if let Some(notice) = loaded.notice {
                    self.notify(notice);
                }
                self.forget_clients_of_changed(current, &loaded.file);
                *current = loaded.file;
                // After the load: repairing a damaged file rewrites it.
                *seen = self.storage.stamp();
            }
            Err(e) => self.notify(format!(
                "The accounts file changed but could not be read again ({}); InviteDesk goes on \
                 with the accounts it had.",
                e.message.trim_end_matches('.')
            )),
        }
    }

    /// Another process changed accounts: a client or key state built from an old record (a
    /// removed account, a replaced key that cleared "needs attention", another remote account)
    /// must not be reused. A demo account keeps its client (its state lives there) unless it is
    /// gone.
    fn forget_clients_of_changed(&self, before: &AccountsFile, after: &AccountsFile) {
        let mut clients = self.clients.lock().unwrap();
        let mut key_states = self.key_states.lock().unwrap();
        for old in &before.accounts {
            let stale = match after.find(&old.id) {
                None => true,
                Some(_) if old.is_demo() => false,
                Some(new) => {
                    new.provider != old.provider
                        || new.remote_account_id != old.remote_account_id
                        || new.country != old.country
                        || new.attention != old.attention
                }
            };
            if stale {
                clients.remove(&old.id);
                key_states.remove(&old.id);
            }
        }
    }

    /// For bookkeeping after provider calls: a vanished account or a failed save is logged,
    /// not returned, so it never turns a successful call into an error.
    fn update_quietly(&self, id: &str, change: impl FnOnce(&mut Account) -> bool) {
        if self.read_only.is_some() {
            return;
        }
        let _other_writers = match self.storage.lock() {
            Ok(lock) => lock,
            Err(e) => {
                log::warn!("could not record the state of account {id}: {}", e.message);
                return;
            }
        };
        let mut current = self.file.lock().unwrap();
        self.catch_up(&mut current);
        let mut next = current.clone();
        let Some(account) = next.find_mut(id) else {
            return;
        };
        if !change(account) {
            return;
        }
        match self.storage.save(&next) {
            Ok(()) => {
                *current = next;
                *self.seen.lock().unwrap() = self.storage.stamp();
            }
            Err(e) => log::warn!("could not record the state of account {id}: {}", e.message),
        }
    }

    fn key_state(&self, account: &Account) -> KeyState {
        if account.is_demo() {
            return KeyState::from_secrets(None, false);
        }
        let known = || self.key_states.lock().unwrap().get(&account.id).cloned();
        if let Some(known) = known() {
            return known;
        }
        let _reading = self.key_reads.lock().unwrap_or_else(|e| e.into_inner());
        // Another read may have answered while this one waited.
        if let Some(known) = known() {
            return known;
        }
        let read = || -> AppResult<KeyState> {
            let key = self.secrets.get(&api_key_entry(&account.id))?;
            let token = if account.needs_login_token() {
                self.secrets.get(&login_token_entry(&account.id))?.is_some()
            } else {
                false
            };
            Ok(KeyState::from_secrets(key.as_ref(), token))
        };
        match read() {
            Ok(state) => {
                self.key_states
                    .lock()
                    .unwrap()
                    .insert(account.id.clone(), state.clone());
                state
            }
            // Not cached: the next listing tries again (the user may unlock meanwhile).
            Err(e) => KeyState::Unreadable(e.message),
        }
    }

    fn remember_key_state(&self, id: &str, creds: &Credentials) {
        self.key_states.lock().unwrap().insert(
            id.to_string(),
            KeyState::from_secrets(Some(&creds.api_key), creds.login_token.is_some()),
        );
    }

    fn stored_credentials(&self, account: &Account) -> AppResult<Credentials> {
        let missing = |what: &str| {
            self.key_states.lock().unwrap().remove(&account.id);
            AppError::new(
                ErrorKind::KeyMissing,
                format!(
                    "The {what} of \"{}\" is not in the keyring any more. Use \"Replace key\" on \
                     the Accounts screen to add it again.",
                    account.label
                ),
            )
        };
        let api_key = self
            .secrets
            .get(&api_key_entry(&account.id))?
            .ok_or_else(|| missing("API key"))?;
        let login_token = if account.needs_login_token() {
            Some(
                self.secrets
                    .get(&login_token_entry(&account.id))?
                    .ok_or_else(|| missing("LinkedIn login token"))?,
            )
        } else {
            None
        };
        Ok(Credentials {
            provider: account.provider,
            api_key,
            login_token,
            country: account.country.clone(),
        })
    }

    fn build_client(
        &self,
        creds: &Credentials,
        remote_account_id: Option<String>,
    ) -> AppResult<Arc<dyn InvitationProvider>> {
        let base_url = (self.options.base_url)(creds.provider).map_err(|why| {
            AppError::invalid_input(format!(
                "The address set for {} is refused: {why}. Fix or remove the \
                 INVITEDESK_*_URL variable.",
                creds.provider.label()
            ))
        })?;
        let config = ProviderConfig {
            kind: creds.provider,
            base_url,
            api_key: creds.api_key.clone(),
            remote_account_id,
            login_token: creds.login_token.clone(),
            country: creds.country.clone(),
        };
        (self.options.provider_factory)(config).map_err(AppError::from)
    }

    fn write_credentials(
        &self,
        id: &str,
        api_key: &SecretString,
        login_token: Option<&SecretString>,
    ) -> AppResult<()> {
        self.secrets
            .set(&api_key_entry(id), api_key.expose_secret())?;
        if let Some(token) = login_token {
            self.secrets
                .set(&login_token_entry(id), token.expose_secret())?;
        }
        Ok(())
    }

    fn delete_credentials(&self, id: &str) -> AppResult<()> {
        self.secrets.delete(&api_key_entry(id))?;
        self.secrets.delete(&login_token_entry(id))
    }
}

fn not_found(id: &str) -> AppError {
    AppError::not_found(format!(
        "This account (id {id}) is not in InviteDesk any more. Reload the account list."
    ))
}

/// LinkupAPI v1 has no account id in its calls; the others address the chosen account.
fn remote_id_for_config(account: &Account) -> Option<String> {
    match account.provider {
        ProviderKind::Linkup => None,
        _ => account.remote_account_id.clone(),
    }
}

#[cfg(test)]
mod tests;
