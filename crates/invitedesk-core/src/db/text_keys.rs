//! The folded text the Sent table sorts and searches by, stored beside each cached row so
//! SQLite can do it with an index instead of the UI comparing 100,000 names through
//! `Intl.Collator` on every keystroke.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lower case without accents, as the UI's filter folds text (`ui/src/lib/filters.ts`): "José"
/// and "JOSE" both become "jose".
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// Digit runs shorter than this are zero-padded so "Person 2" sorts before "Person 10".
const NUMBER_WIDTH: usize = 12;

/// A name's sort key: folded (case and accents ignored, like the table's `Intl.Collator` with
/// `sensitivity: 'base'`) and with numbers compared by value (its `numeric: true`).
pub fn sort_key(name: &str) -> String {
    let folded = fold(name.trim());
    let mut key = String::with_capacity(folded.len() + 8);
    let mut digits = String::new();
    for c in folded.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            for _ in digits.len()..NUMBER_WIDTH {
                key.push('0');
            }
            key.push_str(&digits);
            digits.clear();
        }
        if c != '\0' {
            key.push(c);
        }
    }
    key
}

/// The text a row is searched in: name and headline, folded, one per line (a query word never
/// matches across the two).
pub fn search_text(name: &str, headline: Option<&str>) -> String {
    match headline.filter(|h| !h.is_empty()) {
        Some(h) => fold(&format!("{name}\n{h}")),
        None => fold(name),
    }
}

/// The words of a search query, folded; every one must occur in the row's search text.
pub fn query_words(query: &str) -> Vec<String> {
    fold(query).split_whitespace().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("José ÅNGSTRÖM"), "jose angstrom");
        assert_eq!(query_words("  Jo  ÉL "), vec!["jo", "el"]);
        assert_eq!(search_text("Zoë", Some("CTO at Ærø")), "zoe\ncto at ærø");
    }

    #[test]
    fn sort_keys_ignore_case_and_accents_and_compare_numbers_by_value() {
        let mut names = vec!["person 10", "Person 2", "émile", "Emile B", "adam"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            vec!["adam", "émile", "Emile B", "Person 2", "person 10"]
        );
        assert_eq!(sort_key("Élise"), sort_key("elise"));
    }
}
