//! LinkupAPI v1 error bodies → `ProviderError` kinds.
//!
//! v1 documents the bodies but not their HTTP codes (providers.md §3.1), so any body with
//! `"status": "error"` is a failure whatever the code, and the kind comes from the message text
//! (`message`, or `data` when it is a string). Texts beyond the documented three are matched by
//! the words they would plausibly contain. [inferred]

use serde::Deserialize;

use crate::error::ErrorKind;
use crate::providers::http::{Failure, Raw};
use crate::providers::lenient::string_or_integer;

#[derive(Debug, Default, Deserialize)]
struct StatusOnly {
    #[serde(default, deserialize_with = "string_or_integer")]
    status: Option<String>,
}

pub(crate) const LOGIN_TOKEN_REFUSED: &str =
    "LinkupAPI says the LinkedIn login token is invalid or expired. Get a new login token \
     through LinkupAPI's login, then replace it in Accounts.";

pub(crate) const API_KEY_REFUSED: &str =
    "LinkupAPI refused the API key. Check it on your LinkupAPI dashboard, or replace it in \
     Accounts.";

/// The LinkupAPI classifier for `http::Client`.
pub(crate) fn classify(raw: &Raw<'_>) -> Option<Failure> {
    let is_error = serde_json::from_str::<StatusOnly>(raw.body)
        .ok()
        .and_then(|b| b.status)
        .is_some_and(|s| s.eq_ignore_ascii_case("error"));
    if !is_error {
        // 2xx without `status: "error"` is success; other codes get the generic mapping.
        return None;
    }
    let said = raw.message().unwrap_or_default();
    let (kind, message, transient) = by_text(&said, raw.status.as_u16());
    Some(Failure {
        error: raw.error(kind, message),
        transient,
    })
}

/// Kind, user message and whether a read may be repeated, from the error text.
fn by_text(said: &str, status: u16) -> (ErrorKind, String, bool) {
    let text = said.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    // Order matters: "Invalid or expired LinkedIn cookie" also contains "expired". Any text
    // about the token or the LinkedIn session it opens (even "Missing required parameter:
    // login_token") means it must be replaced, so it comes first.
    if has(&[
        "cookie",
        "login token",
        "login_token",
        "li_at",
        "session",
        "logged out",
        "not logged in",
    ]) {
        return (ErrorKind::BadCredentials, LOGIN_TOKEN_REFUSED.into(), false);
    }
    if has(&["credit"]) {
        return (
            ErrorKind::InsufficientCredits,
            "Your LinkupAPI credits are used up. Add credits on LinkupAPI, then try again.".into(),
            false,
        );
    }
    if has(&["rate limit", "too many requests"]) {
        return (
            ErrorKind::RateLimited,
            "LinkupAPI asks to slow down (rate limit exceeded). Wait a little and try again."
                .into(),
            true,
        );
    }
    if has(&["api key", "api-key", "apikey", "x-api-key", "unauthorized"]) {
        return (ErrorKind::BadCredentials, API_KEY_REFUSED.into(), false);
    }
    // A wrong address is InviteDesk's (or an API change), never "the invitation is gone":
    // read as "not found", it would report a withdrawal that was not made as done.
    if has(&["endpoint", "route"]) {
        return (
            ErrorKind::UnexpectedResponse,
            format!(
                "LinkupAPI does not know the address InviteDesk called (\"{said}\"). The API may \
                 have changed; check for an InviteDesk update."
            ),
            false,
        );
    }
    // Accept: "no permission" (providers.md §3.1) is about this one invitation (not the
    // account's to answer, or not answerable through the API); the key and token still
    // work, so a job goes on with the next one.
    if has(&["permission", "not allowed"]) {
        return (
            ErrorKind::InvalidInput,
            "LinkedIn did not allow this account to answer this invitation through LinkupAPI \
             (no permission). Refresh the list, or answer it on LinkedIn."
                .into(),
            false,
        );
    }
    if has(&["already connected"]) {
        return (
            ErrorKind::AlreadyConnected,
            "You are already connected with this person.".into(),
            false,
        );
    }
    if has(&[
        "already sent",
        "already invited",
        "already pending",
        "invitation pending",
    ]) {
        return (
            ErrorKind::AlreadyInvited,
            "An invitation to this person is already pending.".into(),
            false,
        );
    }
    if has(&["invalid linkedin profile url"]) {
        return (
            ErrorKind::InvalidInput,
            "LinkupAPI does not accept this profile link. Use one like \
             https://www.linkedin.com/in/name."
                .into(),
            false,
        );
    }
    if has(&["profile not found"]) {
        return (
            ErrorKind::NotFound,
            "LinkedIn could not find this profile. Check the profile link.".into(),
            false,
        );
    }
    // Accept: "invalid secret or URN" (providers.md §3.1). Both come from the listing, so a
    // fresh listing has the current ones.
    if has(&[
        "shared_secret",
        "shared secret",
        "entity_urn",
        "invalid urn",
        "invalid secret",
    ]) {
        return (
            ErrorKind::InvalidInput,
            "LinkupAPI refused this invitation's secret or URN; they may have changed. Refresh \
             the Received list and try again."
                .into(),
            false,
        );
    }
    if has(&["300 characters", "message must", "message is too long"]) {
        return (
            ErrorKind::InvalidInput,
            format!("LinkupAPI rejected the note: \"{said}\""),
            false,
        );
    }
    if is_about_a_gone_invitation(&text) {
        return (
            ErrorKind::NoPendingInvitation,
            "LinkedIn has no such pending invitation any more (it was withdrawn, accepted or \
             expired)."
                .into(),
            false,
        );
    }
    if has(&[
        "missing required parameter",
        "invalid parameter",
        "invalid value",
    ]) {
        return (
            ErrorKind::InvalidInput,
            format!("LinkupAPI rejected the request: \"{said}\""),
            false,
        );
    }
    let quoted = if said.is_empty() {
        String::new()
    } else {
        format!(" LinkupAPI said: \"{said}\"")
    };
    match status {
        401 | 403 => (ErrorKind::BadCredentials, API_KEY_REFUSED.into(), false),
        502..=504 => (
            ErrorKind::ProviderUnavailable,
            format!("LinkupAPI is temporarily unavailable.{quoted} Try again in a few minutes."),
            true,
        ),
        // A read is safe to repeat after a one-off internal error (writes decide themselves).
        500..=599 => (
            ErrorKind::ProviderUnavailable,
            format!("LinkupAPI had an internal error.{quoted} Try again in a few minutes."),
            status == 500,
        ),
        _ => (
            ErrorKind::UnexpectedResponse,
            format!("LinkupAPI reported an error.{quoted}"),
            false,
        ),
    }
}

/// The invitation itself is withdrawn, answered or expired: a withdrawal or an acceptance
/// then reports the work as already done, so the text must be about the invitation. "Account
/// not found" or "Request expired" are not.
fn is_about_a_gone_invitation(text: &str) -> bool {
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    let names_the_invitation = has(&["invitation", "invite"]);
    has(&[
        "no pending",
        "not pending",
        "already withdrawn",
        "already accepted",
        "already ignored",
    ]) || (names_the_invitation && has(&["not found", "expired", "no longer", "does not exist"]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row per documented (providers.md §3.1) or observed LinkupAPI v1 error text, with the
    /// status the fake sends it with; v1 documents no status, so each is also read under 200.
    #[test]
    fn every_known_error_text_maps_to_its_kind() {
        use ErrorKind::*;
        let cases = [
            (
                400,
                "Missing required parameter: invitation_id",
                InvalidInput,
            ),
            (
                400,
                "Missing required parameter: login_token",
                BadCredentials,
            ),
            (401, "Invalid or expired LinkedIn cookie", BadCredentials),
            (402, "Insufficient credits available", InsufficientCredits),
            (
                429,
                "Rate limit exceeded. Please try again later",
                RateLimited,
            ),
            (403, "Invalid API key", BadCredentials),
            (404, "Endpoint not found", UnexpectedResponse),
            (404, "Invitation not found", NoPendingInvitation),
            (400, "Invitation already accepted", NoPendingInvitation),
            (400, "Invitation has expired", NoPendingInvitation),
            (
                400,
                "Invalid shared_secret for this invitation",
                InvalidInput,
            ),
            (400, "Invalid entity_urn", InvalidInput),
            (
                403,
                "You do not have permission to accept this invitation",
                InvalidInput,
            ),
            (400, "No permission", InvalidInput),
            (401, "LinkedIn session expired", BadCredentials),
            (400, "Your LinkedIn session has expired", BadCredentials),
            (404, "Account not found", UnexpectedResponse),
            (400, "Request expired", UnexpectedResponse),
            (400, "This link is no longer valid", UnexpectedResponse),
            (400, "Invitation is no longer pending", NoPendingInvitation),
            (404, "Invitation does not exist", NoPendingInvitation),
            (400, "Already withdrawn", NoPendingInvitation),
            (400, "Invalid value for country", InvalidInput),
            (400, "Invalid LinkedIn profile URL", InvalidInput),
            (404, "Profile not found", NotFound),
            (400, "Message must be 300 characters or fewer", InvalidInput),
            (400, "Already connected with this profile", AlreadyConnected),
            (
                400,
                "Invitation already sent to this profile",
                AlreadyInvited,
            ),
            (500, "Internal error", ProviderUnavailable),
        ];
        for (status, text, want) in cases {
            for body in [
                serde_json::json!({"status": "error", "message": text}),
                serde_json::json!({"status": "error", "data": text}),
            ] {
                // Only a text that names nothing falls back on the status.
                let statuses = if want == ProviderUnavailable {
                    vec![status]
                } else {
                    vec![status, 200]
                };
                for status in statuses {
                    let failure = crate::providers::http::classify_sample(
                        crate::model::ProviderKind::Linkup,
                        classify,
                        status,
                        &body.to_string(),
                    )
                    .expect("a failure");
                    assert_eq!(failure.error.kind, want, "{status} {body}");
                }
            }
        }
    }

    #[test]
    fn documented_messages_map_to_kinds() {
        let kind = |text: &str| by_text(text, 200).0;
        assert_eq!(
            kind("Invalid or expired LinkedIn cookie"),
            ErrorKind::BadCredentials
        );
        assert!(by_text("Invalid or expired LinkedIn cookie", 200)
            .1
            .contains("login token"));
        assert_eq!(
            kind("Insufficient credits available"),
            ErrorKind::InsufficientCredits
        );
        assert_eq!(
            kind("Rate limit exceeded. Please try again later"),
            ErrorKind::RateLimited
        );
        assert!(by_text("Rate limit exceeded. Please try again later", 200).2);
        assert_eq!(
            kind("Missing required parameter: invitation_id"),
            ErrorKind::InvalidInput
        );
        assert_eq!(kind("Invalid API key"), ErrorKind::BadCredentials);
        assert!(by_text("Invalid API key", 403).1.contains("API key"));
        assert_eq!(kind("Invitation not found"), ErrorKind::NoPendingInvitation);
        assert!(by_text("LinkedIn session expired", 200)
            .1
            .contains("login token"));
        assert_eq!(kind("Already connected"), ErrorKind::AlreadyConnected);
        assert_eq!(kind("Invitation already sent"), ErrorKind::AlreadyInvited);
        assert_eq!(kind("Something odd"), ErrorKind::UnexpectedResponse);
        assert_eq!(by_text("Boom", 503).0, ErrorKind::ProviderUnavailable);
        assert!(by_text("Boom", 503).2);
        assert_eq!(by_text("", 401).0, ErrorKind::BadCredentials);
    }
}
