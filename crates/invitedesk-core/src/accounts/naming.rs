//! Local ids and the names (labels) accounts are shown under.

use crate::error::{AppError, AppResult};
use crate::model::ProviderKind;

pub(super) const MAX_LABEL_CHARS: usize = 60;

/// A label as typed by the user, trimmed; refused when empty, too long or multi-line.
pub(super) fn check_label(label: &str) -> AppResult<&str> {
    let label = label.trim();
    if label.is_empty() {
        return Err(AppError::invalid_input("Give the account a name."));
    }
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(AppError::invalid_input(format!(
            "Keep the name to {MAX_LABEL_CHARS} characters or fewer."
        )));
    }
    if label.chars().any(char::is_control) {
        return Err(AppError::invalid_input(
            "The name cannot contain line breaks or control characters.",
        ));
    }
    Ok(label)
}

/// `base`, or `base (Provider)`, or `base (Provider) 2`… whichever is free (case-insensitive).
pub(super) fn unique_label(base: &str, kind: ProviderKind, taken: &[String]) -> String {
    let base: String = base.trim().chars().take(MAX_LABEL_CHARS - 20).collect();
    let base = if base.is_empty() {
        format!("{} account", kind.label())
    } else {
        base
    };
    let free = |l: &str| !taken.iter().any(|t| t.to_lowercase() == l.to_lowercase());
    if free(&base) {
        return base;
    }
    let with_provider = format!("{base} ({})", kind.label());
    if free(&with_provider) {
        return with_provider;
    }
    (2..)
        .map(|n| format!("{with_provider} {n}"))
        .find(|l| free(l))
        .expect("an unused label exists")
}

/// A random, uuid-shaped (v4) local id.
pub(super) fn new_id() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
