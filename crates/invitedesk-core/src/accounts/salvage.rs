//! Reading the accounts out of a file that is no longer valid JSON (cut short by a crash or a
//! full disk, or with garbage written over part of it).
//!
//! A serde parse of the whole file fails at the first bad byte and gives nothing back, although
//! each account is a self-contained JSON object. So the salvage tries to parse an object at every
//! `{` and keeps those that decode as a whole `Account`; after a hit it goes on after the
//! account's end, so the `settings` object inside it is not looked at on its own. An account
//! cut in the middle does not parse and is skipped; the accounts before and after damage come
//! back. Nested objects (settings) are not accounts, so they are never mistaken for one.

use serde_json::Value;

use super::record::Account;

/// Every complete account object in `bytes`, in file order.
pub fn accounts(bytes: &[u8]) -> Vec<Account> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|b| *b == b'{') {
        let start = at + offset;
        match account_at(&bytes[start..]) {
            Some((account, len)) => {
                found.push(account);
                at = start + len;
            }
            None => at = start + 1,
        }
    }
    found
}

/// The account whose JSON object starts at the beginning of `bytes`, and its length in bytes.
fn account_at(bytes: &[u8]) -> Option<(Account, usize)> {
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<Value>();
    let value = match stream.next()? {
        Ok(v @ Value::Object(_)) => v,
        _ => return None,
    };
    let len = stream.byte_offset();
    // A whole file that happens to parse from here is not an account (no id, label, …).
    let account = serde_json::from_value::<Account>(value).ok()?;
    Some((account, len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::record::AccountsFile;
    use crate::accounts::storage::{decode, encode};
    use serde_json::json;

    fn file_with(ids: &[&str]) -> Vec<u8> {
        let accounts: Vec<Value> = ids
            .iter()
            .map(|id| {
                json!({
                    "id": id, "label": format!("Label {{{id}}}"), "provider": "connectsafely",
                    "remoteAccountId": format!("r-{id}"), "createdAt": "2025-01-02T03:04:05Z",
                    "isDefault": *id == "a",
                    "settings": {"withdrawOlderThanDays": 45, "paceMinSecs": 3, "paceMaxSecs": 9, "dailyWithdrawCap": 50},
                    "attention": null
                })
            })
            .collect();
        let file: AccountsFile =
            serde_json::from_value(json!({"version": 1, "accounts": accounts})).unwrap();
        encode(&file).unwrap()
    }

    /// Where each account's object ends in the encoded file (the byte after its `}`).
    fn ends(bytes: &[u8], n: usize) -> Vec<usize> {
        let text = std::str::from_utf8(bytes).unwrap();
        // Pretty-printed: an account closes with `}` at an indent of four spaces.
        let mut out: Vec<usize> = text
            .match_indices("\n    }")
            .map(|(i, m)| i + m.len())
            .collect();
        out.truncate(n);
        assert_eq!(out.len(), n, "{text}");
        out
    }

    #[test]
    fn a_file_cut_at_any_offset_gives_back_every_account_before_the_cut() {
        let bytes = file_with(&["a", "b", "c"]);
        let ends = ends(&bytes, 3);
        for cut in 0..bytes.len() {
            let decoded = decode(&bytes[..cut]);
            let ids: Vec<&str> = decoded
                .file
                .accounts
                .iter()
                .map(|a| a.id.as_str())
                .collect();
            let whole = ends.iter().filter(|end| **end <= cut).count();
            assert_eq!(
                ids,
                ["a", "b", "c"][..whole],
                "cut at {cut} of {}: the accounts complete before the cut come back",
                bytes.len()
            );
            assert!(decoded.damaged, "cut at {cut} is reported as damage");
        }
    }

    #[test]
    fn salvaged_accounts_keep_their_settings_and_a_single_default() {
        let bytes = file_with(&["a", "b", "c"]);
        let cut = (bytes.len() * 8) / 10;
        let decoded = decode(&bytes[..cut]);
        let a = &decoded.file.accounts[0];
        assert_eq!(
            a.label, "Label {a}",
            "a brace inside a string does not confuse it"
        );
        assert_eq!(a.settings.withdraw_older_than_days, 45);
        assert_eq!(a.remote_account_id.as_deref(), Some("r-a"));
        assert_eq!(
            decoded
                .file
                .accounts
                .iter()
                .filter(|a| a.is_default)
                .count(),
            1
        );
    }

    #[test]
    fn garbage_over_the_middle_keeps_the_accounts_on_both_sides() {
        let mut bytes = file_with(&["a", "b", "c"]);
        let ends = ends(&bytes, 3);
        // Overwrite the middle of account b (between the end of a and the end of b).
        let (from, to) = (ends[0] + 40, ends[1] - 40);
        for b in &mut bytes[from..to] {
            *b = 0xff;
        }
        let decoded = decode(&bytes);
        let ids: Vec<&str> = decoded
            .file
            .accounts
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        assert_eq!(ids, ["a", "c"]);
        assert!(decoded.damaged);
    }

    #[test]
    fn nothing_readable_gives_nothing() {
        assert!(accounts(b"").is_empty());
        assert!(accounts(b"\x00\x01garbage{{{").is_empty());
        assert!(
            accounts(br#"{"version":1,"accounts":[{"settings":{"paceMinSecs":1}}]}"#).is_empty()
        );
    }
}
