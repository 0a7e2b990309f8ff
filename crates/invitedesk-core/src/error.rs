//! The one error shape the UI sees: `{ kind, message }`.
//!
//! `kind` is a stable camelCase tag the UI branches on (show a "Replace key" button for
//! `badCredentials`, a countdown for `rateLimited`, …); `message` is written for the user:
//! what happened and what to do next. Neither ever carries a secret or a raw upstream body.

use serde::{Deserialize, Serialize, Serializer};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ErrorKind.ts")]
pub enum ErrorKind {
    /// The API key or login token was refused.
    BadCredentials,
    /// Trial over, subscription missing or billing problem.
    Billing,
    /// The provider's credits are used up.
    InsufficientCredits,
    /// The provider or LinkedIn asks us to slow down; the message says until when if known.
    RateLimited,
    /// The thing asked for does not exist (profile, account, invitation).
    NotFound,
    /// The invitation is no longer pending (withdrawn, accepted or expired elsewhere).
    NoPendingInvitation,
    /// The person is already a connection.
    AlreadyConnected,
    /// An invitation to this person is already pending.
    AlreadyInvited,
    /// The provider is down or LinkedIn is temporarily not answering through it.
    ProviderUnavailable,
    /// The network could not reach the provider (offline, DNS, TLS, timeout).
    Network,
    /// The provider answered something we could not understand.
    UnexpectedResponse,
    /// The provider does not offer this operation.
    NotSupported,
    /// The input was rejected before anything was sent (empty key, note too long, …).
    InvalidInput,
    /// The OS keyring is missing, locked or refused access.
    KeyringUnavailable,
    /// The account exists but its key is not in the keyring any more.
    KeyMissing,
    /// Local storage (database, settings file) failed.
    Storage,
    /// The user cancelled.
    Cancelled,
    /// A bug: something that should not happen did.
    Internal,
    /// A write may or may not have reached the provider (timeout, dropped connection, an
    /// unreadable answer). It is checked, once it can no longer land, before anything is sent
    /// again.
    Unconfirmed,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    pub fn storage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Storage, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
}

/// Hand-written so the wire shape is exactly `{kind, message}` whatever the Rust struct grows.
impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("AppError", 2)?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("message", &self.message)?;
        s.end()
    }
}

/// The TypeScript shape of `AppError` as it crosses the IPC (`{ kind, message }`): `AppError`
/// serialises by hand, so the fields that carry one take their binding from this type
/// (`#[ts(as = "Option<AppErrorShape>")]`).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export, export_to = "AppError.ts", rename = "AppError")]
pub struct AppErrorShape {
    pub kind: ErrorKind,
    pub message: String,
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        AppError::storage(format!("The local database failed: {e}"))
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serializes_as_kind_and_message_only() {
        let e = AppError::new(
            ErrorKind::RateLimited,
            "ConnectSafely asks to wait until 15:42 UTC.",
        );
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({"kind": "rateLimited", "message": "ConnectSafely asks to wait until 15:42 UTC."})
        );
    }

    #[test]
    fn every_kind_is_camel_case_on_the_wire() {
        let pairs = [
            (ErrorKind::BadCredentials, "badCredentials"),
            (ErrorKind::Billing, "billing"),
            (ErrorKind::InsufficientCredits, "insufficientCredits"),
            (ErrorKind::NoPendingInvitation, "noPendingInvitation"),
            (ErrorKind::ProviderUnavailable, "providerUnavailable"),
            (ErrorKind::UnexpectedResponse, "unexpectedResponse"),
            (ErrorKind::KeyringUnavailable, "keyringUnavailable"),
            (ErrorKind::Unconfirmed, "unconfirmed"),
        ];
        for (kind, tag) in pairs {
            assert_eq!(serde_json::to_value(kind).unwrap(), json!(tag));
        }
    }
}
