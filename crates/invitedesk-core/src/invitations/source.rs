//! How the invitation and job code reaches accounts: a small trait, so the domain is tested with
//! in-memory providers and plugged into the account registry in the app.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::error::{AppError, AppResult};
use crate::model::{ProviderKind, WriteKind};
use crate::providers::InvitationProvider;

/// What the lists and jobs need to know about an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRef {
    pub id: String,
    pub label: String,
    pub provider: ProviderKind,
    /// The provider can ignore received invitations.
    pub can_ignore: bool,
}

/// The per-account settings a job or a single action runs with (before the safety floors of
/// [`super::limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunSettings {
    pub pace_min_secs: u32,
    pub pace_max_secs: u32,
    pub daily_withdraw_cap: u32,
    pub daily_accept_cap: u32,
    pub daily_ignore_cap: u32,
    pub daily_send_cap: u32,
}

impl RunSettings {
    pub const fn daily_cap(&self, kind: WriteKind) -> u32 {
        match kind {
            WriteKind::Withdraw => self.daily_withdraw_cap,
            WriteKind::Accept => self.daily_accept_cap,
            WriteKind::Ignore => self.daily_ignore_cap,
            WriteKind::Send => self.daily_send_cap,
        }
    }
}

impl Default for RunSettings {
    /// The account settings' defaults.
    fn default() -> Self {
        crate::accounts::AccountSettings::default().into()
    }
}

impl From<crate::accounts::AccountSettings> for RunSettings {
    fn from(s: crate::accounts::AccountSettings) -> Self {
        RunSettings {
            pace_min_secs: s.pace_min_secs,
            pace_max_secs: s.pace_max_secs,
            daily_withdraw_cap: s.daily_withdraw_cap,
            daily_accept_cap: s.daily_accept_cap,
            daily_ignore_cap: s.daily_ignore_cap,
            daily_send_cap: s.daily_send_cap,
        }
    }
}

/// Implementations may block (the registry can wait on the OS keyring): async callers reach
/// them through [`off_thread`].
pub trait ProviderSource: Send + Sync {
    /// Every account, in display order.
    fn accounts(&self) -> Vec<AccountRef>;

    /// The client for one account; fails with `keyMissing`, `notFound`, … when it cannot be built.
    fn provider(&self, account_id: &str) -> AppResult<Arc<dyn InvitationProvider>>;

    fn settings(&self, account_id: &str) -> RunSettings;

    /// Told after a successful refresh, so the registry can show "last synced".
    fn synced(&self, _account_id: &str, _at: DateTime<Utc>) {}

    /// Told when a provider call for the account failed, so the registry can flag refused
    /// credentials or billing problems.
    fn failed(&self, _account_id: &str, _error: &AppError) {}

    fn account(&self, account_id: &str) -> AppResult<AccountRef> {
        self.accounts()
            .into_iter()
            .find(|a| a.id == account_id)
            .ok_or_else(|| {
                AppError::not_found("This account no longer exists. Reload the account list.")
            })
    }
}

/// Runs a source call on a blocking thread, so a keyring prompt never stalls async workers.
pub async fn off_thread<T: Send + 'static>(
    source: &Arc<dyn ProviderSource>,
    call: impl FnOnce(&dyn ProviderSource) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let source = source.clone();
    crate::blocking::off_thread(move || call(source.as_ref())).await
}

/// The app's account registry is the source: its accounts, clients and settings.
impl ProviderSource for crate::accounts::Accounts {
    fn accounts(&self) -> Vec<AccountRef> {
        self.list()
            .into_iter()
            .map(|a| AccountRef {
                id: a.id,
                label: a.label,
                provider: a.provider,
                can_ignore: a.capabilities.ignore,
            })
            .collect()
    }

    fn provider(&self, account_id: &str) -> AppResult<Arc<dyn InvitationProvider>> {
        crate::accounts::Accounts::provider(self, account_id)
    }

    fn settings(&self, account_id: &str) -> RunSettings {
        crate::accounts::Accounts::settings(self, account_id)
            .map(RunSettings::from)
            .unwrap_or_default()
    }

    fn synced(&self, account_id: &str, at: DateTime<Utc>) {
        self.record_synced(account_id, at);
    }

    fn failed(&self, account_id: &str, error: &AppError) {
        self.record_error(account_id, error);
    }

    fn account(&self, account_id: &str) -> AppResult<AccountRef> {
        let a = self.get(account_id)?;
        Ok(AccountRef {
            id: a.id,
            label: a.label,
            provider: a.provider,
            can_ignore: a.capabilities.ignore,
        })
    }
}
