//! What the user pastes (key, login token, country), checked before anything is sent, and how
//! testing a key can fail, worded for the user.

use secrecy::SecretString;

use super::record::NewAccountInput;
use crate::error::{AppError, AppResult, ErrorKind};
use crate::model::{ProviderKind, RemoteAccount};
use crate::providers::ProviderError;

/// LinkupAPI v1 proxy countries (providers.md §3.1).
pub const LINKUP_COUNTRIES: &[&str] = &[
    "US", "UK", "FR", "DE", "NL", "IT", "IL", "CA", "BR", "ES", "IN",
];

/// Far beyond any real key or cookie; stops pasting a whole document into the keyring.
const MAX_SECRET_CHARS: usize = 8192;

/// Checked secrets and options of a `NewAccountInput`.
pub(super) struct Credentials {
    pub provider: ProviderKind,
    pub api_key: SecretString,
    pub login_token: Option<SecretString>,
    pub country: Option<String>,
}

pub(super) fn check_input(input: &NewAccountInput) -> AppResult<Credentials> {
    if input.provider == ProviderKind::Demo {
        return Err(AppError::invalid_input(
            "The demo account needs no key: use \"Try the demo\".",
        ));
    }
    let p = input.provider.label();
    let api_key = input.api_key.trim();
    if api_key.is_empty() {
        return Err(AppError::invalid_input(format!(
            "Paste your {p} API key first."
        )));
    }
    if api_key.chars().count() > MAX_SECRET_CHARS || api_key.chars().any(char::is_whitespace) {
        return Err(AppError::invalid_input(format!(
            "This does not look like a {p} API key (it contains spaces or is far too long). \
             Copy it again from your {p} dashboard."
        )));
    }
    let (login_token, country) = if input.provider == ProviderKind::Linkup {
        let token = input
            .login_token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                AppError::invalid_input(
                    "LinkupAPI also needs the LinkedIn login token of the account. Paste it too.",
                )
            })?;
        if token.chars().count() > MAX_SECRET_CHARS {
            return Err(AppError::invalid_input(
                "This login token is far too long. Copy it again.",
            ));
        }
        let country = input
            .country
            .as_deref()
            .map(|c| c.trim().to_uppercase())
            .filter(|c| LINKUP_COUNTRIES.contains(&c.as_str()))
            .ok_or_else(|| {
                AppError::invalid_input(format!(
                    "Choose the proxy country LinkupAPI should use (one of {}).",
                    LINKUP_COUNTRIES.join(", ")
                ))
            })?;
        (Some(SecretString::from(token)), Some(country))
    } else {
        (None, None)
    };
    Ok(Credentials {
        provider: input.provider,
        api_key: SecretString::from(api_key),
        login_token,
        country,
    })
}

/// A clear message for each way testing a key can fail.
pub(super) fn discovery_error(kind: ProviderKind, e: ProviderError) -> AppError {
    let p = kind.label();
    let message = match e.kind {
        ErrorKind::BadCredentials if kind == ProviderKind::Linkup => {
            "LinkupAPI refused this API key or LinkedIn login token. Check that you copied both \
             completely; a login token expires when you log out of LinkedIn."
                .to_string()
        }
        ErrorKind::BadCredentials => format!(
            "{p} refused this API key. Check that you copied the whole key from your {p} \
             dashboard."
        ),
        ErrorKind::Billing => format!(
            "{p} accepted the key but says the trial or subscription has ended. Renew it in your \
             {p} account, then try again."
        ),
        ErrorKind::InsufficientCredits => format!(
            "{p} says the credits on this key are used up. Add credits in your {p} account, then \
             try again."
        ),
        ErrorKind::Network => format!(
            "InviteDesk could not reach {p}. Check your internet connection (and any proxy or \
             firewall), then try again."
        ),
        ErrorKind::ProviderUnavailable => {
            format!("{p} is not answering right now. Try again in a few minutes.")
        }
        _ => return AppError::from(e),
    };
    AppError::new(e.kind, message)
}

pub(super) fn unusable_reason(kind: ProviderKind, remote: &RemoteAccount) -> Option<String> {
    (!remote.usable).then(|| {
        let p = kind.label();
        format!(
            "{p} says this LinkedIn account cannot be used right now (status: {}). Reconnect it \
             in your {p} dashboard.",
            remote.status
        )
    })
}
