//! Rules shared by the provider clients for turning a write's result into a `WriteOutcome`.
//!
//! A write is never checked or repeated here: an ambiguous one comes back as
//! `ErrorKind::Unconfirmed` (see `http::Client::write`) and is settled by the caller once it can
//! no longer land.

use super::http::Reply;
use super::ProviderError;
use crate::error::ErrorKind;
use crate::model::WriteOutcome;

/// A 2xx answer to a write: done when its body is JSON (the output itself is not needed), else
/// unconfirmed: a 2xx that is not the provider's JSON may come from a proxy that never passed
/// the request on, or from the provider cut off mid-answer.
pub fn done_if_readable(reply: &Reply) -> Result<WriteOutcome, ProviderError> {
    match reply.json::<serde::de::IgnoredAny>() {
        Ok(_) => Ok(WriteOutcome::Done),
        Err(_) => Err(reply.unreadable_write()),
    }
}

/// For a withdraw or an answer: "no pending invitation" means it was already withdrawn or
/// answered, so there is nothing left to do.
pub fn gone_if_not_pending(
    result: Result<WriteOutcome, ProviderError>,
) -> Result<WriteOutcome, ProviderError> {
    match result {
        Err(e) if e.kind == ErrorKind::NoPendingInvitation => Ok(WriteOutcome::AlreadyGone),
        other => other,
    }
}

/// For a connection request: "nothing found" (Edges `NO_RESULT` / `STATUS_404`, LinkupAPI's
/// equivalent) is about the person, whose profile LinkedIn does not know.
pub fn profile_not_found_if_not_pending(e: ProviderError) -> ProviderError {
    if e.kind == ErrorKind::NoPendingInvitation {
        ProviderError {
            kind: ErrorKind::NotFound,
            message: "LinkedIn could not find this profile.".into(),
            ..e
        }
    } else {
        e
    }
}
