//! What the user pastes (key, login token, country), checked before anything is sent, and how
//! testing a key can fail, worded for the user.

use secrecy::{ExposeSecret, SecretString};

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

impl Credentials {
    /// A SHA-256 digest of everything a key test depends on, to recognise the same
    /// credentials again without keeping them.
    pub fn fingerprint(&self) -> [u8; 32] {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        let parts = [
            self.provider.label(),
            self.api_key.expose_secret(),
            self.login_token.as_ref().map_or("", |t| t.expose_secret()),
            self.country.as_deref().unwrap_or(""),
        ];
        for part in parts {
            // Length-prefixed, so no two different inputs join into the same bytes.
            ctx.update(&(part.len() as u64).to_le_bytes());
            ctx.update(part.as_bytes());
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.finish().as_ref());
        out
    }
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
    if let Some(problem) = secret_problem(api_key) {
        return Err(AppError::invalid_input(format!(
            "The API key {problem}. Copy it again from your {p} dashboard and paste it without \
             anything around it."
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
        if let Some(problem) = secret_problem(token) {
            return Err(AppError::invalid_input(format!(
                "The LinkedIn login token {problem}. Copy it again and paste it without \
                 anything around it."
            )));
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

/// What is wrong with a pasted key or login token itself (already trimmed), worded to follow
/// "The API key …"; `None` when it can be sent. Keys and LinkedIn cookies are printable ASCII
/// without spaces, and only such a value fits in a request header: anything else would fail
/// before reaching the provider, and should not be blamed on it.
fn secret_problem(secret: &str) -> Option<&'static str> {
    if secret.chars().any(char::is_control) {
        Some("contains a control character (an invisible one, such as a line break, often copied along with it)")
    } else if secret.chars().any(char::is_whitespace) {
        Some("contains a space")
    } else if !secret.is_ascii() {
        Some("contains a character that is not plain ASCII (an accented letter, a typographic quote or an invisible space)")
    } else if secret.len() > MAX_SECRET_CHARS {
        Some("is far too long to be a key")
    } else {
        None
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn linkup(key: &str, token: &str) -> NewAccountInput {
        NewAccountInput {
            provider: ProviderKind::Linkup,
            api_key: key.into(),
            login_token: Some(token.into()),
            country: Some("FR".into()),
        }
    }

    fn refused(input: &NewAccountInput) -> String {
        match check_input(input) {
            Err(e) => {
                assert_eq!(e.kind, ErrorKind::InvalidInput);
                e.message
            }
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn a_login_token_is_checked_like_a_key_and_says_which_one_is_wrong() {
        let token = refused(&linkup("lk_live_abc", "AQEDAT\u{0}xyz"));
        assert!(
            token.starts_with("The LinkedIn login token contains a control character"),
            "{token}"
        );
        let token = refused(&linkup("lk_live_abc", "AQEDAT xyz"));
        assert!(token.contains("contains a space"), "{token}");
        let key = refused(&linkup("lk_live_ébc", "AQEDATxyz"));
        assert!(
            key.starts_with("The API key contains a character that is not plain ASCII"),
            "{key}"
        );
        assert!(
            check_input(&linkup("  lk_live_abc\n", " AQEDATxyz ")).is_ok(),
            "surrounding space is trimmed"
        );
    }

    #[test]
    fn bidi_and_zero_width_characters_in_a_key_are_refused() {
        for bad in ["abc\u{202E}def", "abc\u{200B}def", "abc\u{FEFF}"] {
            let input = NewAccountInput {
                provider: ProviderKind::Edges,
                api_key: bad.into(),
                login_token: None,
                country: None,
            };
            let message = refused(&input);
            assert!(message.starts_with("The API key contains"), "{message}");
        }
    }
}
