//! Rules shared by the provider clients for turning a write's result into a `WriteOutcome`.

use std::sync::atomic::{AtomicBool, Ordering};

use super::http::Written;
use super::ProviderError;
use crate::error::ErrorKind;
use crate::model::WriteOutcome;

/// The "did it take effect?" check of a write that cannot be checked by reading (Edges; a
/// LinkupAPI write without a profile URL): the repeat is the check. LinkedIn cannot withdraw,
/// accept or invite twice, so a repeat refused as already done means the first attempt did it.
#[derive(Default)]
pub struct RepeatOnce {
    repeated: AtomicBool,
}

impl RepeatOnce {
    /// The answer for `http::Client::write`'s check. First ambiguity: "not known yet, try once
    /// more". A second one: the outcome is unknown, which the HTTP layer reports as such (its
    /// text replaces this error's).
    pub fn check(&self) -> Result<bool, ProviderError> {
        if self.repeated.swap(true, Ordering::SeqCst) {
            Err(ProviderError::new(
                ErrorKind::Network,
                "The outcome of the repeated write is unknown.",
            ))
        } else {
            Ok(false)
        }
    }

    /// What the write came to. `already` is the refusal that means the work is done (e.g.
    /// `NoPendingInvitation` for a withdraw); it counts as done only on the repeat.
    pub fn outcome(
        &self,
        result: Result<Written, ProviderError>,
        already: ErrorKind,
    ) -> Result<WriteOutcome, ProviderError> {
        match result {
            Ok(Written::Reply(reply)) => {
                // The output is not needed, but a 2xx that is not JSON is not the provider.
                reply.json::<serde::de::IgnoredAny>().map_err(|mut e| {
                    e.message.push_str(
                        " It is not known whether the change was made: refresh before trying \
                         again.",
                    );
                    e
                })?;
                Ok(WriteOutcome::Done)
            }
            Ok(Written::Confirmed) => Ok(WriteOutcome::Done),
            Err(e) if e.kind == already && self.repeated.load(Ordering::SeqCst) => {
                Ok(WriteOutcome::Done)
            }
            Err(e) => Err(e),
        }
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
