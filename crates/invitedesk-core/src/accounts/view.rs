//! What the UI (and other modules) see of an account: metadata, status, a key hint. Never a key.

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use ts_rs::TS;

use super::record::Account;
use crate::model::{Capabilities, ProviderKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "AccountStatus.ts")]
pub enum AccountStatus {
    Ok,
    /// The provider refused the key, said the LinkedIn account is unusable, or the keyring
    /// could not be read; `statusDetail` says which and what to do.
    NeedsAttention,
    /// The account is known but its key is not in the keyring any more.
    KeyMissing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "AccountView.ts")]
pub struct AccountView {
    pub id: String,
    pub label: String,
    pub provider: ProviderKind,
    pub remote_account_id: Option<String>,
    pub remote_name: Option<String>,
    pub profile_url: Option<String>,
    pub picture_url: Option<String>,
    pub status: AccountStatus,
    pub status_detail: Option<String>,
    pub is_default: bool,
    pub is_demo: bool,
    /// RFC 3339.
    pub last_synced_at: Option<String>,
    /// "…a1b2": the last 4 characters of the API key, when one is stored.
    pub key_hint: Option<String>,
    pub has_login_token: bool,
    pub country: Option<String>,
    pub capabilities: Capabilities,
}

/// What the keyring holds for one account, as last seen. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyState {
    Known {
        key_hint: Option<String>,
        has_api_key: bool,
        has_login_token: bool,
    },
    /// The keyring could not be read; the message says how to fix it.
    Unreadable(String),
}

impl KeyState {
    pub fn from_secrets(api_key: Option<&SecretString>, login_token: bool) -> Self {
        KeyState::Known {
            key_hint: api_key.and_then(|k| key_hint(k.expose_secret())),
            has_api_key: api_key.is_some(),
            has_login_token: login_token,
        }
    }
}

/// "…" and the last 4 characters, only for keys long enough that 4 characters give little away.
pub fn key_hint(key: &str) -> Option<String> {
    let chars: Vec<char> = key.trim().chars().collect();
    if chars.len() < 12 {
        return None;
    }
    Some(format!(
        "…{}",
        chars[chars.len() - 4..].iter().collect::<String>()
    ))
}

/// What each provider can do: `providers::capabilities_of`, the same table the clients use.
pub fn capabilities(kind: ProviderKind) -> Capabilities {
    crate::providers::capabilities_of(kind)
}

const KEY_MISSING: &str =
    "The key for this account is not in the keyring any more. Use \"Replace key\" to add it again.";
const TOKEN_MISSING: &str = "The LinkedIn login token for this account is not in the keyring any \
                             more. Use \"Replace key\" to add it again.";

/// Builds the view from the stored record and what the keyring holds.
pub fn account_view(account: &Account, keys: &KeyState) -> AccountView {
    let (status, status_detail, key_hint, has_login_token) = if account.is_demo() {
        (AccountStatus::Ok, None, None, false)
    } else {
        match keys {
            KeyState::Unreadable(why) => (
                AccountStatus::NeedsAttention,
                Some(why.clone()),
                None,
                false,
            ),
            KeyState::Known {
                key_hint,
                has_api_key,
                has_login_token,
            } => {
                let (status, detail) = if !has_api_key {
                    (AccountStatus::KeyMissing, Some(KEY_MISSING.to_string()))
                } else if account.needs_login_token() && !has_login_token {
                    (AccountStatus::KeyMissing, Some(TOKEN_MISSING.to_string()))
                } else if let Some(why) = &account.attention {
                    (AccountStatus::NeedsAttention, Some(why.clone()))
                } else {
                    (AccountStatus::Ok, None)
                };
                (status, detail, key_hint.clone(), *has_login_token)
            }
        }
    };
    AccountView {
        id: account.id.clone(),
        label: account.label.clone(),
        provider: account.provider,
        remote_account_id: account.remote_account_id.clone(),
        remote_name: account.remote_name.clone(),
        profile_url: account.profile_url.clone(),
        picture_url: account.picture_url.clone(),
        status,
        status_detail,
        is_default: account.is_default,
        is_demo: account.is_demo(),
        last_synced_at: account.last_synced_at.map(|t| t.to_rfc3339()),
        key_hint,
        has_login_token,
        country: account.country.clone(),
        capabilities: capabilities(account.provider),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::record::AccountSettings;
    use chrono::Utc;

    fn account(provider: ProviderKind) -> Account {
        Account {
            id: "a1".into(),
            label: "Work".into(),
            provider,
            remote_account_id: Some("r".into()),
            remote_name: None,
            picture_url: None,
            profile_url: None,
            country: None,
            is_default: true,
            created_at: Utc::now(),
            last_synced_at: None,
            settings: AccountSettings::default(),
            attention: None,
        }
    }

    #[test]
    fn hint_is_the_last_four_characters_of_long_keys_only() {
        assert_eq!(key_hint("sk_live_0123456789a1b2").as_deref(), Some("…a1b2"));
        assert_eq!(
            key_hint("  sk_live_0123456789a1b2\n").as_deref(),
            Some("…a1b2")
        );
        assert_eq!(key_hint("short"), None);
    }

    #[test]
    fn status_follows_keyring_then_attention() {
        let key = SecretString::from("sk_live_0123456789a1b2");
        let present = KeyState::from_secrets(Some(&key), false);
        let v = account_view(&account(ProviderKind::ConnectSafely), &present);
        assert_eq!(v.status, AccountStatus::Ok);
        assert_eq!(v.key_hint.as_deref(), Some("…a1b2"));

        let missing = KeyState::from_secrets(None, false);
        let v = account_view(&account(ProviderKind::ConnectSafely), &missing);
        assert_eq!(v.status, AccountStatus::KeyMissing);
        assert_eq!(v.key_hint, None);

        let v = account_view(&account(ProviderKind::Linkup), &present);
        assert_eq!(
            v.status,
            AccountStatus::KeyMissing,
            "LinkupAPI also needs the token"
        );

        let mut refused = account(ProviderKind::Edges);
        refused.attention = Some("Edges refused the key.".into());
        let v = account_view(&refused, &present);
        assert_eq!(v.status, AccountStatus::NeedsAttention);
        assert_eq!(v.status_detail.as_deref(), Some("Edges refused the key."));

        let locked = KeyState::Unreadable("Unlock your keyring".into());
        let v = account_view(&account(ProviderKind::Edges), &locked);
        assert_eq!(v.status, AccountStatus::NeedsAttention);

        let v = account_view(&account(ProviderKind::Demo), &missing);
        assert_eq!(v.status, AccountStatus::Ok, "demo accounts have no key");
        assert!(v.is_demo);
    }
}
