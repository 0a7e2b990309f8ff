//! ConnectSafely error bodies (providers.md §1.4) → `ProviderError` kinds: three body shapes,
//! read through `http::body_message`; the kind by status and text.

use crate::age::parse_timestamp;
use crate::error::ErrorKind;
use crate::providers::http::{self, Failure, Raw, Reply};
use crate::providers::ProviderError;

/// ConnectSafely's wording and codes (providers.md §1.4): three body shapes, all read through
/// `http::body_message`; kinds by status and text.
pub(crate) fn classify(raw: &Raw<'_>) -> Option<Failure> {
    let status = raw.status.as_u16();
    if raw.status.is_success() {
        return None;
    }
    let said = raw.message().unwrap_or_default();
    let lower = said.to_lowercase();
    let body: serde_json::Value = serde_json::from_str(raw.body).unwrap_or_default();
    let code = body
        .get("code")
        .and_then(|c| c.as_str())
        .unwrap_or_default()
        .to_string();
    let fatal = |kind, message: String| Some(Failure::fatal(raw.error(kind, message)));
    match status {
        401 => fatal(
            ErrorKind::BadCredentials,
            "ConnectSafely refused the API key. Check it, or replace it in Accounts.".into(),
        ),
        402 | 403 => fatal(
            ErrorKind::Billing,
            "ConnectSafely refused the request: the trial has expired or there is no active \
             subscription. Subscribe on connectsafely.ai, then try again."
                .into(),
        ),
        429 => Some(rate_limited(raw, &body, &lower)),
        502 if code.ends_with("_UNAVAILABLE") => Some(Failure::transient(raw.error(
            ErrorKind::ProviderUnavailable,
            "LinkedIn did not return the invitations through ConnectSafely just now. Try again \
             in a few minutes.",
        ))),
        400 | 404 | 409 | 422 => {
            let (kind, message) = refusal(status, &said, &lower);
            fatal(kind, message)
        }
        _ => None,
    }
}

/// A 429: a hold (`holdUntil`), a spent weekly quota ("… Resets at <time>"), the 24-hour block
/// of connection requests, or a plain "slow down" that a read may wait out.
fn rate_limited(raw: &Raw<'_>, body: &serde_json::Value, lower: &str) -> Failure {
    let said = raw
        .message()
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .map(|m| format!(" ({})", http::truncate(&m, 160)))
        .unwrap_or_default();
    let hold = body
        .get("holdUntil")
        .and_then(|h| h.as_str())
        .and_then(parse_timestamp);
    let resets = lower
        .split_once("resets at ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .map(|t| t.trim_end_matches(['.', ',', ')']))
        .and_then(parse_timestamp);
    let blocked_a_day = lower.contains("blocked for 24 hours");
    let (message, retry_at) = if let Some(at) = hold {
        // The hold may be on connection requests (the weekly limit) or on other actions; the
        // provider's own words say which.
        (
            format!(
                "ConnectSafely has put this LinkedIn account on hold until {} UTC{said}.",
                at.format("%Y-%m-%d %H:%M")
            ),
            Some(at),
        )
    } else if let Some(at) = resets {
        (
            format!(
                "This LinkedIn account's ConnectSafely limit is used up until {} UTC{said}.",
                at.format("%Y-%m-%d %H:%M")
            ),
            Some(at),
        )
    } else if blocked_a_day {
        (
            "ConnectSafely has blocked connection requests from this LinkedIn account for 24 \
             hours; other actions still work."
                .to_string(),
            Some(raw.now + chrono::Duration::hours(24)),
        )
    } else {
        (
            "ConnectSafely asks to slow down. Wait a little and try again.".to_string(),
            None,
        )
    };
    let mut error = raw.error(ErrorKind::RateLimited, message);
    error.retry_at = retry_at;
    // Not transient: a hold or a spent quota is usually hours away. A read still waits out one
    // that ends within `HttpConfig::max_server_wait` (a per-minute limit's reset).
    Failure {
        transient: retry_at.is_none(),
        error,
    }
}

/// A 400/404/409/422, by its text (providers.md §1.3–1.4 and what ConnectSafely was seen
/// answering). "No longer pending (already accepted)" says the invitation is gone, so the
/// "gone" wordings are matched before "already …".
fn refusal(status: u16, said: &str, lower: &str) -> (ErrorKind, String) {
    if no_pending(lower) {
        (
            ErrorKind::NoPendingInvitation,
            "This invitation is no longer pending (it was withdrawn, accepted or ignored \
             already)."
                .into(),
        )
    } else if lower.contains("already connected") {
        (
            ErrorKind::AlreadyConnected,
            "You are already connected with this person.".into(),
        )
    } else if lower.contains("already pending")
        || lower.contains("already sent")
        || lower.contains("already invited")
    {
        (
            ErrorKind::AlreadyInvited,
            "An invitation to this person is already pending.".into(),
        )
    } else if lower.contains("account") && (status == 404 || lower.contains("not found")) {
        (
            ErrorKind::NotFound,
            "ConnectSafely does not know this LinkedIn account any more (or it is not active). \
             Check it on connectsafely.ai."
                .into(),
        )
    } else if status == 404 && lower.contains("profile") {
        (
            ErrorKind::NotFound,
            "ConnectSafely could not find this LinkedIn profile.".into(),
        )
    } else if status == 404 {
        (
            ErrorKind::NotFound,
            format!("ConnectSafely could not find what was asked for: {said}"),
        )
    } else if lower.contains("custommessage") || lower.contains("300 characters") {
        (
            ErrorKind::InvalidInput,
            format!("ConnectSafely rejected the note: {said}"),
        )
    } else if lower.contains("validation token") {
        (
            ErrorKind::InvalidInput,
            "ConnectSafely refused this invitation's validation token; it may have changed. \
             Refresh the Received list and try again."
                .into(),
        )
    } else {
        (
            ErrorKind::UnexpectedResponse,
            format!(
                "ConnectSafely rejected the request ({}). If it keeps happening, the API may \
                 have changed.",
                if said.is_empty() {
                    format!("HTTP {status}")
                } else {
                    said.to_string()
                }
            ),
        )
    }
}

/// The invitation is gone: "No pending invitation found", "Invitation not found or no longer
/// pending", "Invitation is no longer pending (already accepted)", "No invitation found for this
/// profile", …. The exact wording is unknown (providers.md §6), so only phrases about the
/// invitation count, and never a message about the session, the key or the account: taking
/// one of those for "gone" would mark a withdrawal done that never happened.
fn no_pending(lower: &str) -> bool {
    const GONE: [&str; 23] = [
        "no pending",
        "not pending",
        "no longer pending",
        "invitation not found",
        "invitation was not found",
        "invitation could not be found",
        "invitation does not exist",
        "invitation doesn't exist",
        "invitation no longer exists",
        "no invitation found",
        "no invitation was found",
        "no invitation exists",
        "no invitation to withdraw",
        "no such invitation",
        "no matching invitation",
        "no sent invitation",
        "could not find the invitation",
        "could not find a pending invitation",
        "already accepted",
        "already withdrawn",
        "already ignored",
        "already declined",
        "already responded",
    ];
    GONE.iter().any(|w| lower.contains(w)) && !about_access(lower)
}

/// A message about the LinkedIn session, the API key or the account, whatever else it says.
fn about_access(lower: &str) -> bool {
    const ACCESS: [&str; 13] = [
        "session",
        "auth",
        "account",
        "login",
        "log in",
        "logged",
        "cookie",
        "credential",
        "api key",
        "token",
        "subscri",
        "trial",
        "permission",
    ];
    ACCESS.iter().any(|w| lower.contains(w))
}

/// A listing page's 502 `INVITATIONS_UNAVAILABLE` (providers.md §1.3), told from any other 502
/// by the body's code.
pub(crate) fn is_invitations_unavailable(error: &ProviderError) -> bool {
    error.status == Some(502)
        && error.kind == ErrorKind::ProviderUnavailable
        && error.code.as_deref() == Some("INVITATIONS_UNAVAILABLE")
}

/// A 2xx with `"success": false` is a failure the status did not show.
pub(crate) fn check_success(reply: &Reply) -> Result<(), ProviderError> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&reply.body) else {
        return Err(reply.unreadable_write());
    };
    if v.get("success").and_then(|s| s.as_bool()) == Some(false) {
        let said = http::body_message(&reply.body).unwrap_or_default();
        let lower = said.to_lowercase();
        let kind = if no_pending(&lower) {
            ErrorKind::NoPendingInvitation
        } else {
            ErrorKind::UnexpectedResponse
        };
        let mut e = reply.unexpected("the request was answered as failed");
        e.kind = kind;
        return Err(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProviderKind;

    #[test]
    fn no_pending_wording_is_recognised() {
        for text in [
            "No pending invitation found for this profile",
            "Invitation not found or no longer pending",
            "invitation is not pending",
            "Invitation is no longer pending (already accepted)",
        ] {
            assert!(no_pending(&text.to_lowercase()), "{text}");
        }
        assert!(!no_pending(
            "an invitation to this profile is already pending"
        ));
    }

    #[test]
    fn other_wordings_about_the_invitation_are_recognised() {
        for text in [
            "No invitation found for this profile",
            "Invitation does not exist",
            "No sent invitation to this person",
            "Could not find a pending invitation to withdraw",
            "Invitation could not be found",
        ] {
            assert!(no_pending(&text.to_lowercase()), "{text}");
        }
    }

    #[test]
    fn session_key_or_account_messages_are_never_gone() {
        for text in [
            "LinkedIn session expired: no pending invitation could be checked",
            "No invitation found: the LinkedIn account needs to log in again",
            "Invitation not found (cookie invalid)",
            "Unauthorized: no pending invitation",
            "Profile not found",
        ] {
            assert!(!no_pending(&text.to_lowercase()), "{text}");
        }
    }

    #[test]
    fn only_invitations_unavailable_is_told_apart_from_other_502s() {
        let failure = |body: &str| {
            http::classify_sample(ProviderKind::ConnectSafely, classify, 502, body)
                .expect("a failure")
                .error
        };
        let unavailable = failure(
            &serde_json::json!({"success": false, "code": "INVITATIONS_UNAVAILABLE", "message": "LinkedIn temporarily returned no invitations"}).to_string(),
        );
        assert!(is_invitations_unavailable(&unavailable));
        let connections = failure(
            &serde_json::json!({"success": false, "code": "CONNECTIONS_UNAVAILABLE", "message": "…"}).to_string(),
        );
        assert!(!is_invitations_unavailable(&connections));
        assert!(!is_invitations_unavailable(&failure(
            "<html>Bad gateway</html>"
        )));
    }

    fn kind_of(status: u16, body: serde_json::Value) -> (ErrorKind, bool, String) {
        let failure = http::classify_sample(
            ProviderKind::ConnectSafely,
            classify,
            status,
            &body.to_string(),
        )
        .expect("a failure");
        (failure.error.kind, failure.transient, failure.error.message)
    }

    /// One row per documented (providers.md §1) or observed ConnectSafely error text, in the
    /// body shape it comes in.
    #[test]
    fn every_known_error_text_maps_to_its_kind() {
        use serde_json::json;
        use ErrorKind::*;
        let cases = [
            // §1.4 shape 1, 401.
            (
                401,
                json!({"error": "Unauthorized - Invalid credentials"}),
                BadCredentials,
            ),
            // §1.1: after the trial.
            (
                403,
                json!({"success": false, "error": "Your trial has expired. Please subscribe to continue using this feature."}),
                Billing,
            ),
            // §1.3 sent/received: no account.
            (
                404,
                json!({"error": "No active LinkedIn account found"}),
                NotFound,
            ),
            (
                404,
                json!({"error": "LinkedIn account not found or not accessible"}),
                NotFound,
            ),
            // §1.3 withdraw and connect.
            (
                404,
                json!({"success": false, "error": "Profile not found"}),
                NotFound,
            ),
            (
                400,
                json!({"success": false, "error": "No pending invitation found for this profile"}),
                NoPendingInvitation,
            ),
            (
                400,
                json!({"success": false, "error": "Invitation not found or no longer pending"}),
                NoPendingInvitation,
            ),
            // Observed on a respond: the invitation is gone, not "already pending".
            (
                400,
                json!({"success": false, "error": "Invitation is no longer pending (already accepted)"}),
                NoPendingInvitation,
            ),
            (
                400,
                json!({"success": false, "code": "NO_PENDING_INVITATION", "message": "No pending invitation found"}),
                NoPendingInvitation,
            ),
            // §1.3 connect: 400 "already connected".
            (
                400,
                json!({"success": false, "error": "Already connected to this profile"}),
                AlreadyConnected,
            ),
            (
                400,
                json!({"success": false, "error": "An invitation to this profile is already pending"}),
                AlreadyInvited,
            ),
            (
                400,
                json!({"success": false, "code": "validation_error", "message": "customMessage must be at most 300 characters"}),
                InvalidInput,
            ),
            (
                400,
                json!({"success": false, "error": "Invalid validation token"}),
                InvalidInput,
            ),
            // §1.4 shape 2 (Zod): a field InviteDesk did not send.
            (
                400,
                json!({"success": false, "error": {"name": "ZodError", "issues": [{"code": "invalid_type", "expected": "string", "received": "undefined", "path": ["profileId"], "message": "Required"}]}}),
                UnexpectedResponse,
            ),
            // §1.3 connect 429 and §1.5.
            (
                429,
                json!({"success": false, "error": "Connection requests blocked for 24 hours (other activities remain unaffected)"}),
                RateLimited,
            ),
            (
                429,
                json!({"success": false, "error": "Rate limit exceeded for CONNECT: 90/90 used. Resets at 2026-04-28T00:00:00Z", "holdUntil": "2026-04-27T15:42:11Z"}),
                RateLimited,
            ),
            (
                429,
                json!({"success": false, "error": "Rate limit exceeded for CONNECT: 90/90 used. Resets at 2026-04-28T00:00:00Z"}),
                RateLimited,
            ),
            (
                500,
                json!({"error": "Internal server error"}),
                ProviderUnavailable,
            ),
            (
                502,
                json!({"success": false, "code": "INVITATIONS_UNAVAILABLE", "message": "LinkedIn temporarily returned no invitations"}),
                ProviderUnavailable,
            ),
            (
                502,
                json!({"success": false, "code": "CONNECTIONS_UNAVAILABLE", "message": "LinkedIn temporarily returned no connections"}),
                ProviderUnavailable,
            ),
        ];
        for (status, body, want) in cases {
            let (kind, _, message) = kind_of(status, body.clone());
            assert_eq!(kind, want, "{status} {body}: {message}");
        }
    }

    #[test]
    fn no_longer_pending_is_never_reported_as_already_pending() {
        let (kind, _, message) = kind_of(
            400,
            serde_json::json!({"success": false, "error": "Invitation is no longer pending (already accepted)"}),
        );
        assert_eq!(kind, ErrorKind::NoPendingInvitation);
        assert!(!message.contains("already pending"), "{message}");
    }

    #[test]
    fn a_spent_quota_or_a_day_long_block_says_until_when_and_is_not_waited_for() {
        let (_, transient, message) = kind_of(
            429,
            serde_json::json!({"success": false, "error": "Rate limit exceeded for CONNECT: 90/90 used. Resets at 2026-04-28T00:00:00Z"}),
        );
        assert!(!transient);
        assert!(message.contains("2026-04-28 00:00 UTC"), "{message}");
        let (_, transient, message) = kind_of(
            429,
            serde_json::json!({"success": false, "error": "Connection requests blocked for 24 hours (other activities remain unaffected)"}),
        );
        assert!(!transient);
        assert!(message.contains("24 hours"), "{message}");
        let (_, transient, _) = kind_of(429, serde_json::json!({"error": "Too many requests"}));
        assert!(transient, "a plain 429 is waited out by reads");
        let (_, transient, _) = kind_of(500, serde_json::json!({"error": "Internal server error"}));
        assert!(transient, "a read repeats a one-off 500");
    }
}
