//! The note of a connection request: how long it is as each provider measures it, and which
//! characters are never sent.
//!
//! The Send screen's counter counts with the same rule: it reads `NoteCounting` from the
//! account's generated `Capabilities`, and `ui/src/lib/note-length.vectors.json` pins the UI's
//! count and [`note_length`] to the same answers.

use super::capabilities_of;
pub use crate::model::NoteCounting;
use crate::model::ProviderKind;

/// How `kind` counts a note.
pub const fn note_counting(kind: ProviderKind) -> NoteCounting {
    match kind {
        // Observed (issue 10): ConnectSafely refuses a 300-character note holding an emoji; its
        // server measures the note as JavaScript does.
        ProviderKind::ConnectSafely => NoteCounting::Utf16CodeUnits,
        // providers.md gives "max 300 characters" for Edges' `parameters.message` and nothing
        // for LinkupAPI v1, without saying what a character is. Both hand the note to LinkedIn,
        // whose own note box (an HTML `maxlength`) counts UTF-16 units [inferred]. The UTF-16
        // count is never smaller than the code-point count, so a note that fits it fits either
        // rule: at worst an emoji-heavy note is cut a little shorter than needed.
        ProviderKind::Edges | ProviderKind::Linkup => NoteCounting::Utf16CodeUnits,
        // The demo behaves like ConnectSafely.
        ProviderKind::Demo => NoteCounting::Utf16CodeUnits,
    }
}

/// The note's length as `kind` counts it. The caller trims first (what is sent is trimmed).
pub fn note_length(kind: ProviderKind, note: &str) -> usize {
    match note_counting(kind) {
        NoteCounting::Utf16CodeUnits => note.encode_utf16().count(),
        NoteCounting::CodePoints => note.chars().count(),
    }
}

/// A character InviteDesk never sends in a note: control characters other than newline and
/// tab (NUL, ESC, carriage return, DEL, C1 controls) and the bidirectional embeddings,
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can make a note read
/// differently from what was typed.
pub fn is_refused_in_note(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Why the (trimmed) note cannot be sent through `kind`, in words for the user; `None` when
/// it can. Refused characters are reported, not silently removed, so what is sent is exactly
/// what the user saw.
pub fn note_problem(kind: ProviderKind, note: &str) -> Option<String> {
    if let Some(c) = note.chars().find(|c| is_refused_in_note(*c)) {
        return Some(format!(
            "The note contains an invisible control character (U+{:04X}), often brought in by \
             pasted text. InviteDesk refuses notes with such characters rather than send them: \
             remove it (retyping the part you pasted is the surest way) and send again.",
            c as u32
        ));
    }
    let max = capabilities_of(kind).max_note_chars as usize;
    let len = note_length(kind, note);
    if len <= max {
        return None;
    }
    let p = kind.label();
    let unit = match note_counting(kind) {
        NoteCounting::Utf16CodeUnits => " (an emoji counts as 2)",
        NoteCounting::CodePoints => "",
    };
    Some(format!(
        "The note is {len} characters as {p} counts them{unit}; {p} allows {max}. Shorten it \
         and send again."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    /// The vectors the UI's counter is tested with too.
    const VECTORS: &str = include_str!("../../../../ui/src/lib/note-length.vectors.json");

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Vector {
        text: String,
        utf16_code_units: usize,
        code_points: usize,
    }

    #[test]
    fn lengths_match_the_vectors_shared_with_the_ui() {
        let vectors: Vec<Vector> = serde_json::from_str(VECTORS).unwrap();
        assert!(vectors.len() >= 5);
        for v in vectors {
            assert_eq!(
                v.text.encode_utf16().count(),
                v.utf16_code_units,
                "{:?}",
                v.text
            );
            assert_eq!(v.text.chars().count(), v.code_points, "{:?}", v.text);
            assert_eq!(
                note_length(ProviderKind::ConnectSafely, &v.text),
                v.utf16_code_units,
                "{:?}",
                v.text
            );
        }
    }

    #[test]
    fn an_emoji_counts_two_for_connectsafely_so_300_visible_characters_can_be_too_long() {
        let note = format!("{}👋", "a".repeat(299));
        assert_eq!(note.chars().count(), 300);
        let problem = note_problem(ProviderKind::ConnectSafely, &note).unwrap();
        assert!(
            problem.contains("301 characters as ConnectSafely counts them"),
            "{problem}"
        );
        assert!(problem.contains("an emoji counts as 2"), "{problem}");
        assert_eq!(
            note_problem(
                ProviderKind::ConnectSafely,
                &format!("{}👋", "a".repeat(298))
            ),
            None
        );
        // Accented letters are one unit each.
        assert_eq!(note_problem(ProviderKind::Edges, &"é".repeat(300)), None);
    }

    #[test]
    fn control_characters_are_refused_but_newlines_and_tabs_are_kept() {
        for c in [
            '\0', '\u{1b}', '\r', '\u{7f}', '\u{85}', '\u{202E}', '\u{2066}', '\u{2069}',
        ] {
            let note = format!("Hello{c} there");
            let problem = note_problem(ProviderKind::Linkup, &note)
                .unwrap_or_else(|| panic!("{:?} was accepted", c));
            assert!(
                problem.contains(&format!("U+{:04X}", c as u32)),
                "{problem}"
            );
            assert!(problem.contains("refuses"), "{problem}");
        }
        assert_eq!(
            note_problem(ProviderKind::Edges, "Hi Jane,\n\tlet's connect. مرحبا 你好"),
            None
        );
    }
}
