//! What is kept about each account in `accounts.json`: metadata and settings, never a secret.
//!
//! Every field a later version might add has `#[serde(default)]`, so an older file still loads.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, AppResult};
use crate::model::{ProviderKind, WriteKind};

pub const FILE_VERSION: u32 = 1;

/// The whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountsFile {
    #[serde(default = "current_version")]
    pub version: u32,
    #[serde(default)]
    pub accounts: Vec<Account>,
}

fn current_version() -> u32 {
    FILE_VERSION
}

impl Default for AccountsFile {
    fn default() -> Self {
        Self {
            version: FILE_VERSION,
            accounts: Vec::new(),
        }
    }
}

impl AccountsFile {
    /// Exactly one default account whenever there is any: the first one flagged, else the
    /// oldest. Files edited by hand or recovered after damage may break this.
    pub fn normalize_default(&mut self) {
        let keep =
            self.accounts
                .iter()
                .position(|a| a.is_default)
                .or(if self.accounts.is_empty() {
                    None
                } else {
                    Some(0)
                });
        for (i, a) in self.accounts.iter_mut().enumerate() {
            a.is_default = Some(i) == keep;
        }
    }

    pub fn find(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    pub fn find_mut(&mut self, id: &str) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| a.id == id)
    }
}

/// One LinkedIn account reached through one provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// Local id (random, uuid-shaped); also names the keyring entries.
    pub id: String,
    /// What the user calls it; unique (case-insensitively).
    pub label: String,
    pub provider: ProviderKind,
    /// ConnectSafely `accountId`, Edges identity uid, LinkupAPI account key, demo seed.
    #[serde(default)]
    pub remote_account_id: Option<String>,
    #[serde(default)]
    pub remote_name: Option<String>,
    #[serde(default)]
    pub picture_url: Option<String>,
    #[serde(default)]
    pub profile_url: Option<String>,
    /// LinkupAPI proxy country.
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub last_synced_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub settings: AccountSettings,
    /// Why the account needs attention (the provider refused the key, said the LinkedIn
    /// account is not usable, …); cleared by the next successful call.
    #[serde(default)]
    pub attention: Option<String>,
}

impl Account {
    pub fn is_demo(&self) -> bool {
        self.provider == ProviderKind::Demo
    }

    /// LinkupAPI v1 needs a login token beside the key.
    pub fn needs_login_token(&self) -> bool {
        self.provider == ProviderKind::Linkup
    }
}

/// Per-account rules for bulk work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, export_to = "AccountSettings.ts")]
pub struct AccountSettings {
    /// "Withdraw older than" preset, in days.
    pub withdraw_older_than_days: u32,
    /// Random pause between two writes, in seconds.
    pub pace_min_secs: u32,
    pub pace_max_secs: u32,
    /// Most withdrawals per day on this account.
    pub daily_withdraw_cap: u32,
    /// Most acceptances per day.
    pub daily_accept_cap: u32,
    /// Most ignores per day.
    pub daily_ignore_cap: u32,
    /// Most connection requests per day.
    pub daily_send_cap: u32,
}

impl Default for AccountSettings {
    fn default() -> Self {
        Self {
            withdraw_older_than_days: 30,
            pace_min_secs: 2,
            pace_max_secs: 6,
            daily_withdraw_cap: 100,
            daily_accept_cap: 50,
            daily_ignore_cap: 50,
            // Enginy's default; under LinkedNav's 30 and Edges' 25 a day.
            daily_send_cap: 20,
        }
    }
}

impl AccountSettings {
    pub const MAX_PACE_SECS: u32 = 600;
    pub const MAX_DAYS: u32 = 3650;

    pub const fn daily_cap(&self, kind: WriteKind) -> u32 {
        match kind {
            WriteKind::Withdraw => self.daily_withdraw_cap,
            WriteKind::Accept => self.daily_accept_cap,
            WriteKind::Ignore => self.daily_ignore_cap,
            WriteKind::Send => self.daily_send_cap,
        }
    }

    /// Checks the ranges; the message names the field the way the Settings form does.
    pub fn validate(&self) -> AppResult<()> {
        if self.pace_min_secs > Self::MAX_PACE_SECS || self.pace_max_secs > Self::MAX_PACE_SECS {
            return Err(AppError::invalid_input(format!(
                "The pause between actions must be between 0 and {} seconds.",
                Self::MAX_PACE_SECS
            )));
        }
        if self.pace_min_secs > self.pace_max_secs {
            return Err(AppError::invalid_input(
                "The shortest pause must not be longer than the longest pause.",
            ));
        }
        for kind in WriteKind::ALL {
            let ceiling = kind.daily_ceiling();
            if !(1..=ceiling).contains(&self.daily_cap(kind)) {
                return Err(AppError::invalid_input(format!(
                    "The daily limit of {} must be between 1 and {ceiling}: InviteDesk never \
                     makes more in a day on a LinkedIn account.",
                    kind.noun_plural()
                )));
            }
        }
        if !(1..=Self::MAX_DAYS).contains(&self.withdraw_older_than_days) {
            return Err(AppError::invalid_input(format!(
                "\"Older than\" must be between 1 and {} days.",
                Self::MAX_DAYS
            )));
        }
        Ok(())
    }
}

/// What the user pastes to add an account. `Debug` is hand-written: the key and token never
/// show up in a log or a panic message.
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "NewAccountInput.ts")]
pub struct NewAccountInput {
    pub provider: ProviderKind,
    pub api_key: String,
    #[serde(default)]
    pub login_token: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
}

impl fmt::Debug for NewAccountInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewAccountInput")
            .field("provider", &self.provider)
            .field("api_key", &"[redacted]")
            .field(
                "login_token",
                &self.login_token.as_ref().map(|_| "[redacted]"),
            )
            .field("country", &self.country)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str, is_default: bool) -> Account {
        Account {
            id: id.into(),
            label: id.into(),
            provider: ProviderKind::Demo,
            remote_account_id: None,
            remote_name: None,
            picture_url: None,
            profile_url: None,
            country: None,
            is_default,
            created_at: Utc::now(),
            last_synced_at: None,
            settings: AccountSettings::default(),
            attention: None,
        }
    }

    #[test]
    fn exactly_one_default_after_normalizing() {
        let mut f = AccountsFile {
            version: 1,
            accounts: vec![account("a", false), account("b", true), account("c", true)],
        };
        f.normalize_default();
        let defaults: Vec<_> = f
            .accounts
            .iter()
            .filter(|a| a.is_default)
            .map(|a| a.id.as_str())
            .collect();
        assert_eq!(defaults, ["b"]);

        let mut none = AccountsFile {
            version: 1,
            accounts: vec![account("a", false), account("b", false)],
        };
        none.normalize_default();
        assert!(none.accounts[0].is_default && !none.accounts[1].is_default);
    }

    #[test]
    fn settings_ranges_are_enforced() {
        let ok = AccountSettings::default();
        assert!(ok.validate().is_ok());
        let edge = AccountSettings {
            withdraw_older_than_days: 3650,
            pace_min_secs: 0,
            pace_max_secs: 600,
            daily_withdraw_cap: 100,
            daily_accept_cap: 100,
            daily_ignore_cap: 1,
            daily_send_cap: 30,
        };
        assert!(edge.validate().is_ok());
        for bad in [
            AccountSettings {
                pace_min_secs: 7,
                pace_max_secs: 6,
                ..ok
            },
            AccountSettings {
                pace_max_secs: 601,
                ..ok
            },
            AccountSettings {
                daily_withdraw_cap: 0,
                ..ok
            },
            AccountSettings {
                daily_withdraw_cap: 101,
                ..ok
            },
            AccountSettings {
                daily_send_cap: 31,
                ..ok
            },
            AccountSettings {
                daily_accept_cap: 0,
                ..ok
            },
            AccountSettings {
                withdraw_older_than_days: 0,
                ..ok
            },
            AccountSettings {
                withdraw_older_than_days: 3651,
                ..ok
            },
        ] {
            let e = bad.validate().unwrap_err();
            assert_eq!(e.kind, crate::error::ErrorKind::InvalidInput, "{bad:?}");
        }
    }

    #[test]
    fn settings_missing_fields_take_defaults() {
        let s: AccountSettings = serde_json::from_str(r#"{"paceMaxSecs": 9}"#).unwrap();
        assert_eq!(s.pace_max_secs, 9);
        assert_eq!(s.daily_withdraw_cap, 100);
    }

    #[test]
    fn new_account_input_debug_redacts() {
        let i: NewAccountInput = serde_json::from_str(
            r#"{"provider":"linkup","apiKey":"sk_TOPSECRET","loginToken":"AQEDcookie","country":"FR"}"#,
        )
        .unwrap();
        let shown = format!("{i:?}");
        assert!(
            !shown.contains("TOPSECRET") && !shown.contains("AQED"),
            "{shown}"
        );
    }
}
