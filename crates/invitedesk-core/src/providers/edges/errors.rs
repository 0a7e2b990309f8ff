//! Edges error bodies (providers.md §2.5) → `ProviderError` kinds.
//!
//! Body: `{error_label, error_scope, error_ref, message, status_code, params}`. The label decides
//! the kind; the HTTP status only when there is no label. The classifier has no idea which action
//! was called, so labels that mean different things per action get one kind here and the client
//! reinterprets it: `STATUS_404` / `NO_RESULT` are `NoPendingInvitation`, which a withdraw or an
//! accept turns into "already gone" and a connection request into "profile not found". A listing
//! takes only `NO_RESULT` on its first page as "empty": both are generic 424 labels (§2.5), and a
//! list ends by its missing `X-Pagination-Next` or an empty page (§2.4).

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

use crate::error::ErrorKind;
use crate::providers::http::{Failure, Raw};
use crate::providers::ProviderError;

/// The fields of an error body the classifier reads, each taken on its own: one field of an
/// unexpected type (`"params": []`) must not hide the label, which decides the kind.
#[derive(Debug, Default)]
struct ErrorBody {
    error_label: Option<String>,
    params: Option<Map<String, Value>>,
    /// The skills mention a body `retry_after` on 429s (seconds).
    retry_after: Option<Value>,
}

impl ErrorBody {
    fn parse(body: &str) -> Self {
        let Ok(Value::Object(mut fields)) = serde_json::from_str::<Value>(body) else {
            return ErrorBody::default();
        };
        ErrorBody {
            error_label: fields.get("error_label").and_then(label_text),
            params: match fields.remove("params") {
                Some(Value::Object(params)) => Some(params),
                _ => None,
            },
            retry_after: fields.remove("retry_after").filter(|v| !v.is_null()),
        }
    }
}

/// A label sent as text (or, from a careless server, as a number); blank is no label.
fn label_text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// `NO_RESULT`'s message (`STATUS_404` has the same kind; only `NO_RESULT` on a listing's first
/// page means an empty list, told by the error's `code`).
const NO_RESULT_MESSAGE: &str = "LinkedIn found nothing (NO_RESULT): no such pending invitation \
                                 any more (it was withdrawn, accepted or expired).";

/// Whether `e` is a `NO_RESULT` answer as [`classify`] reports it.
pub(super) fn is_no_result(e: &ProviderError) -> bool {
    e.kind == ErrorKind::NoPendingInvitation && e.code.as_deref() == Some("NO_RESULT")
}

/// PROXY_ERROR: "retry after about 1 minute" (providers.md §2.5).
const PROXY_RETRY_SECS: i64 = 60;

/// The Edges classifier for `http::Client`. `None` for success and for bodies without a label.
pub(crate) fn classify(raw: &Raw<'_>) -> Option<Failure> {
    if raw.status.is_success() {
        return None;
    }
    let body = ErrorBody::parse(raw.body);
    // Without a label the generic status mapping is right (401, 5xx, HTML pages, ...).
    let label = body.error_label.as_deref()?.to_ascii_uppercase();
    let said = raw
        .message()
        .map(|m| format!(" Edges said: \"{m}\""))
        .unwrap_or_default();
    let fatal = |kind: ErrorKind, message: String| Some(Failure::fatal(raw.error(kind, message)));
    match label.as_str() {
        "NO_ACCESS" => fatal(
            ErrorKind::Billing,
            "Edges refused the action for billing reasons (NO_ACCESS). Check the plan and \
             credits of your Edges workspace."
                .into(),
        ),
        "SN_ACCOUNT_UPGRADE" => fatal(
            ErrorKind::Billing,
            "LinkedIn asks for a Sales Navigator upgrade for this action (Edges: \
             SN_ACCOUNT_UPGRADE)."
                .into(),
        ),
        "LIMIT_REACHED" => {
            let until = body
                .params
                .as_ref()
                .and_then(|p| p.get("postponed_until"))
                .and_then(instant);
            let mut error = raw.error(
                ErrorKind::RateLimited,
                match until {
                    Some(at) => format!(
                        "Edges' daily limit for this action is reached for this identity. Edges \
                         postpones it until {} UTC.",
                        at.format("%Y-%m-%d %H:%M")
                    ),
                    None => "Edges' daily limit for this action is reached for this identity. \
                             Try again tomorrow."
                        .into(),
                },
            );
            error.retry_at = until;
            Some(Failure::fatal(error))
        }
        "STATUS_429" => {
            let mut error = raw.error(
                ErrorKind::RateLimited,
                "Edges asks to slow down (too many requests). Wait a little and try again.",
            );
            // The header wins (the HTTP layer reads it); a body hint is used only without one.
            if raw.header("retry-after").is_none() {
                error.retry_at = body
                    .retry_after
                    .as_ref()
                    .or(body.params.as_ref().and_then(|p| p.get("retry_after")))
                    .and_then(|v| seconds_or_instant(v, raw.now));
            }
            Some(Failure::transient(error))
        }
        "ALREADY_CONNECTED" => fatal(
            ErrorKind::AlreadyConnected,
            "You are already connected with this person.".into(),
        ),
        "INVITATION_PENDING" => fatal(
            ErrorKind::AlreadyInvited,
            "An invitation to this person is already pending.".into(),
        ),
        "AUTH_EXPIRED" => fatal(
            ErrorKind::BadCredentials,
            "The LinkedIn session of this Edges identity has expired. Reconnect LinkedIn for \
             the identity in Edges, then try again."
                .into(),
        ),
        "NOT_CONNECTED" | "NO_VALID_ACCOUNT_CONFIGURED" => fatal(
            ErrorKind::BadCredentials,
            format!(
                "This Edges identity has no working LinkedIn connection ({label}). Connect \
                 LinkedIn for the identity in Edges, then try again."
            ),
        ),
        "LK_524" => Some(Failure::transient(raw.error(
            ErrorKind::ProviderUnavailable,
            "LinkedIn did not answer in time through Edges (LK_524). Try again in a few minutes.",
        ))),
        "PROXY_ERROR" => {
            let mut error = raw.error(
                ErrorKind::ProviderUnavailable,
                "Edges could not reach LinkedIn (PROXY_ERROR). Try again in a minute.",
            );
            error.retry_at = Some(raw.now + Duration::seconds(PROXY_RETRY_SECS));
            Some(Failure::transient(error))
        }
        "STATUS_404" => fatal(
            ErrorKind::NoPendingInvitation,
            "LinkedIn has no such pending invitation any more (it was withdrawn, accepted or \
             expired)."
                .into(),
        ),
        "NO_RESULT" => fatal(ErrorKind::NoPendingInvitation, NO_RESULT_MESSAGE.into()),
        "PROFILE_NOT_ACCESSIBLE" => fatal(
            ErrorKind::NotFound,
            "LinkedIn says this profile is not accessible from this account.".into(),
        ),
        "BAD_INPUT" | "BAD_PARAMETERS" | "MISSING_PARAMETER" => fatal(
            ErrorKind::InvalidInput,
            format!("Edges rejected the request ({label}).{said}"),
        ),
        // Unknown labels: the generic mapping for auth, missing routes, rate limits and server
        // errors; a 400 is a refused input; anything else (424, 422, 409) failed at LinkedIn.
        _ if matches!(raw.status.as_u16(), 401 | 402 | 404 | 429) => None,
        _ if raw.status.is_server_error() => None,
        _ if raw.status.as_u16() == 400 => fatal(
            ErrorKind::InvalidInput,
            format!("Edges rejected the request ({label}).{said}"),
        ),
        _ => fatal(
            ErrorKind::ProviderUnavailable,
            format!("The action failed on LinkedIn's side through Edges ({label}).{said}"),
        ),
    }
}

/// An RFC 3339 / lenient timestamp, or a Unix time in seconds or milliseconds.
fn instant(v: &serde_json::Value) -> Option<DateTime<Utc>> {
    match v {
        serde_json::Value::String(s) => crate::age::parse_timestamp(s),
        serde_json::Value::Number(n) => {
            let n = n.as_i64()?;
            if n >= 100_000_000_000 {
                DateTime::from_timestamp_millis(n)
            } else {
                DateTime::from_timestamp(n, 0)
            }
        }
        _ => None,
    }
}

/// A small number is seconds from now; anything else goes through [`instant`].
fn seconds_or_instant(v: &serde_json::Value, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let as_secs = match v {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    match as_secs {
        Some(s) if (0..=86_400 * 7).contains(&s) => Some(now + Duration::seconds(s)),
        _ => instant(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row per `error_label` of providers.md §2.5 (and the 400 a live run with `inputs`
    /// gets), with its documented status.
    #[test]
    fn every_documented_label_maps_to_its_kind() {
        use ErrorKind::*;
        let cases = [
            (
                400,
                "BAD_INPUT",
                "body must NOT have additional properties (inputs)",
                InvalidInput,
            ),
            (400, "BAD_PARAMETERS", "unknown identity uid", InvalidInput),
            (
                424,
                "MISSING_PARAMETER",
                "linkedin_invitation_urn is required",
                InvalidInput,
            ),
            (402, "NO_ACCESS", "No access", Billing),
            (
                424,
                "STATUS_403",
                "LinkedIn answered 403",
                ProviderUnavailable,
            ),
            (
                424,
                "STATUS_404",
                "Invitation not found",
                NoPendingInvitation,
            ),
            (424, "NO_RESULT", "No result", NoPendingInvitation),
            (429, "LIMIT_REACHED", "Limit reached", RateLimited),
            (409, "LIMIT_REACHED", "Limit reached", RateLimited),
            (424, "LIMIT_REACHED", "Limit reached", RateLimited),
            (429, "STATUS_429", "Too many requests", RateLimited),
            (424, "LK_ERROR", "LinkedIn error", ProviderUnavailable),
            (424, "LK_524", "LinkedIn timed out", ProviderUnavailable),
            (
                424,
                "LK_MISSING_DATA",
                "LinkedIn sent incomplete data",
                ProviderUnavailable,
            ),
            (
                424,
                "NOT_CONNECTED",
                "Identity not connected",
                BadCredentials,
            ),
            (
                424,
                "NO_VALID_ACCOUNT_CONFIGURED",
                "No valid account",
                BadCredentials,
            ),
            (
                424,
                "INTEGRATION_ERROR",
                "Integration error",
                ProviderUnavailable,
            ),
            (
                424,
                "PROXY_ERROR",
                "The proxy could not reach LinkedIn",
                ProviderUnavailable,
            ),
            (
                424,
                "GENERIC_ERROR",
                "Something failed",
                ProviderUnavailable,
            ),
            (424, "NO_DATA_LOADED", "No data loaded", ProviderUnavailable),
            (424, "UNKNOWN_ERROR", "Unknown error", ProviderUnavailable),
            (
                422,
                "ACTION_ABORTED",
                "The run was aborted",
                ProviderUnavailable,
            ),
            (
                424,
                "API_MAX_RETRY",
                "Too many retries",
                ProviderUnavailable,
            ),
            (424, "API_TIMEOUT_ERROR", "Timed out", ProviderUnavailable),
            (
                424,
                "ALREADY_CONNECTED",
                "Already connected",
                AlreadyConnected,
            ),
            (
                424,
                "INVITATION_PENDING",
                "Invitation pending",
                AlreadyInvited,
            ),
            (
                424,
                "PROFILE_NOT_ACCESSIBLE",
                "The LinkedIn profile is not accessible",
                NotFound,
            ),
            (
                424,
                "AUTH_EXPIRED",
                "Authentication expired",
                BadCredentials,
            ),
            (424, "SN_ACCOUNT_UPGRADE", "Sales Navigator needed", Billing),
            // Not in the table: the key itself, and a label from a newer API.
            (
                401,
                "UNAUTHORIZED",
                "Invalid or missing API key",
                BadCredentials,
            ),
            (424, "SOMETHING_NEW", "New failure", ProviderUnavailable),
        ];
        for (status, label, message, want) in cases {
            let body = serde_json::json!({
                "error_label": label, "error_scope": "linkedin", "error_ref": "ERR-1",
                "message": message, "status_code": status, "params": {}
            });
            let failure = crate::providers::http::classify_sample(
                crate::model::ProviderKind::Edges,
                classify,
                status,
                &body.to_string(),
            )
            .expect("a failure");
            assert_eq!(
                failure.error.kind, want,
                "{status} {label}: {}",
                failure.error.message
            );
        }
    }

    fn kind_of(status: u16, body: &serde_json::Value) -> ErrorKind {
        crate::providers::http::classify_sample(
            crate::model::ProviderKind::Edges,
            classify,
            status,
            &body.to_string(),
        )
        .expect("a failure")
        .error
        .kind
    }

    /// Audit 4: `params` that is not an object (or any other odd field) failed the whole
    /// decode, and the label was lost: `STATUS_404` became a generic 424.
    #[test]
    fn the_label_survives_odd_fields_beside_it() {
        use serde_json::json;
        for params in [json!([]), json!("none"), json!(7), json!(null)] {
            let body = json!({
                "error_label": "STATUS_404", "error_scope": ["linkedin"], "error_ref": 12,
                "message": {"text": "Invitation not found"}, "status_code": "424",
                "params": params, "retry_after": []
            });
            assert_eq!(
                kind_of(424, &body),
                ErrorKind::NoPendingInvitation,
                "{body}"
            );
        }
        let limit = json!({"error_label": "LIMIT_REACHED", "params": []});
        assert_eq!(kind_of(429, &limit), ErrorKind::RateLimited);
        let blank = json!({"error_label": "  ", "params": {}});
        assert_eq!(kind_of(424, &blank), ErrorKind::UnexpectedResponse);
    }

    #[test]
    fn no_result_is_told_from_status_404() {
        let error = |label: &str| {
            let body = serde_json::json!({"error_label": label, "params": {}});
            crate::providers::http::classify_sample(
                crate::model::ProviderKind::Edges,
                classify,
                424,
                &body.to_string(),
            )
            .unwrap()
            .error
        };
        assert!(is_no_result(&error("NO_RESULT")));
        assert!(is_no_result(&error("no_result")));
        assert!(!is_no_result(&error("STATUS_404")));
        assert!(!is_no_result(&error("LK_ERROR")));
    }

    #[test]
    fn postponed_until_is_still_read_when_other_fields_are_odd() {
        let body = serde_json::json!({
            "error_label": "LIMIT_REACHED", "message": 5,
            "params": {"postponed_until": "2026-04-28T08:00:00Z"}
        });
        let failure = crate::providers::http::classify_sample(
            crate::model::ProviderKind::Edges,
            classify,
            429,
            &body.to_string(),
        )
        .unwrap();
        assert_eq!(
            failure.error.retry_at,
            crate::age::parse_timestamp("2026-04-28T08:00:00Z")
        );
    }

    #[test]
    fn timestamps_in_params_are_read_in_every_form() {
        let at = crate::age::parse_timestamp("2026-04-28T08:00:00Z").unwrap();
        assert_eq!(
            instant(&serde_json::json!("2026-04-28T08:00:00Z")),
            Some(at)
        );
        assert_eq!(instant(&serde_json::json!(at.timestamp())), Some(at));
        assert_eq!(instant(&serde_json::json!(at.timestamp_millis())), Some(at));
        assert_eq!(instant(&serde_json::json!("soon")), None);
        let now = at - Duration::seconds(30);
        assert_eq!(seconds_or_instant(&serde_json::json!(30), now), Some(at));
        assert_eq!(seconds_or_instant(&serde_json::json!("30"), now), Some(at));
    }
}
