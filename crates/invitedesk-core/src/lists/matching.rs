//! Matching list lines against pending sent invitations: which lines name someone invited,
//! which name someone not pending from the chosen accounts, which name no one (and why).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::list_file::ListLine;
use super::profile_ref::{person_keys, ProfileRef};
use crate::invitations::SentRow;
use crate::model::Person;

/// What became of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "LineStatus.ts")]
pub enum LineStatus {
    /// Someone with a pending invitation from one of the chosen accounts.
    Matched,
    /// A valid profile, but no pending invitation to them from the chosen accounts.
    NotPending,
    /// Not a profile address, public id or member id.
    NotRecognised,
}

/// One line of a list, as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "LineMatch.ts")]
pub struct LineMatch {
    pub line: u32,
    pub text: String,
    pub status: LineStatus,
    /// A sentence for the user: where it is pending, or why it matched nothing.
    pub reason: String,
    /// The rows it matched (`"<accountId>/<invitationId>"`).
    pub row_keys: Vec<String>,
}

/// People by every key they are known by, for matching many lines at once.
pub struct PersonIndex {
    by_key: HashMap<String, Vec<usize>>,
}

impl PersonIndex {
    pub fn new<'a>(people: impl IntoIterator<Item = &'a Person>) -> Self {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, person) in people.into_iter().enumerate() {
            for key in person_keys(person) {
                let slot = by_key.entry(key).or_default();
                if slot.last() != Some(&i) {
                    slot.push(i);
                }
            }
        }
        PersonIndex { by_key }
    }

    /// The indexes of the people known by one key.
    pub fn find_key(&self, key: &str) -> &[usize] {
        self.by_key.get(key).map(Vec::as_slice).unwrap_or_default()
    }

    /// The indexes of the people a reference names, in index order, each once.
    pub fn find(&self, profile: &ProfileRef) -> Vec<usize> {
        let mut found: Vec<usize> = profile
            .keys()
            .iter()
            .filter_map(|k| self.by_key.get(k))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// Each line against the pending sent invitations in `rows` (the chosen accounts' rows).
pub fn match_sent_lines(lines: &[ListLine], rows: &[SentRow]) -> Vec<LineMatch> {
    let index = PersonIndex::new(rows.iter().map(|r| &r.invitation.person));
    // The first line that named each row, to point repeats at it.
    let mut first_line: HashMap<usize, u32> = HashMap::new();
    lines
        .iter()
        .map(|line| {
            let (status, reason, found) = match &line.profile {
                Err(why) => (LineStatus::NotRecognised, why.clone(), Vec::new()),
                Ok(profile) => {
                    let found = index.find(profile);
                    if found.is_empty() {
                        (
                            LineStatus::NotPending,
                            format!(
                                "No pending invitation to {} from the chosen accounts (as of the \
                                 last refresh).",
                                profile.shown()
                            ),
                            found,
                        )
                    } else {
                        let reason = matched_reason(&found, rows, &first_line);
                        (LineStatus::Matched, reason, found)
                    }
                }
            };
            for i in &found {
                first_line.entry(*i).or_insert(line.line);
            }
            LineMatch {
                line: line.line,
                text: line.text.clone(),
                status,
                reason,
                row_keys: found.iter().map(|i| rows[*i].key.clone()).collect(),
            }
        })
        .collect()
}

fn matched_reason(found: &[usize], rows: &[SentRow], first_line: &HashMap<usize, u32>) -> String {
    let mut labels: Vec<&str> = found
        .iter()
        .map(|i| rows[*i].account_label.as_str())
        .collect();
    labels.dedup();
    let name = &rows[found[0]].invitation.person.name;
    let mut reason = format!("{name}: pending from {}", labels.join(", "));
    if found.iter().any(|i| rows[*i].pinned) {
        reason.push_str("; pinned, so it is kept");
    }
    if let Some(line) = found.iter().find_map(|i| first_line.get(i)) {
        reason.push_str(&format!("; also on line {line}"));
    }
    reason.push('.');
    reason
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::lists::list_file::parse_list;
    use crate::model::{Age, InvitationCategory, SentInvitation};

    pub(crate) fn row(account: &str, id: &str, person: Person) -> SentRow {
        SentRow {
            key: format!("{account}/{id}"),
            account_id: account.into(),
            account_label: format!("L-{account}"),
            invitation: SentInvitation {
                id: id.into(),
                urn: None,
                person,
                category: InvitationCategory::Connection,
                sent_text: None,
                age: Age::UNKNOWN,
                note: None,
            },
            first_seen_at: "2024-01-01T00:00:00.000Z".into(),
            age_days: Some(10),
            age_exact: true,
            pinned: false,
            person_key: None,
        }
    }

    fn person(name: &str, url: Option<&str>, member: Option<&str>) -> Person {
        Person {
            name: name.into(),
            profile_url: url.map(str::to_string),
            member_id: member.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn lines_match_by_any_id_form_and_say_why_when_they_do_not() {
        let rows = vec![
            row(
                "a",
                "1",
                person(
                    "Jérôme",
                    Some("https://www.linkedin.com/in/j%C3%A9r%C3%B4me"),
                    None,
                ),
            ),
            row(
                "b",
                "2",
                person(
                    "Jérôme",
                    None,
                    Some("urn:li:fsd_profile:ACoAAJeromeXXXXXXXXXXXX"),
                ),
            ),
            row(
                "a",
                "3",
                person("Ann", Some("https://www.linkedin.com/in/ann-lee/"), None),
            ),
        ];
        let lines = parse_list(
            "https://fr.linkedin.com/in/J%C3%89R%C3%94ME/\n\
             urn:li:fsd_profile:ACoAAJeromeXXXXXXXXXXXX\n\
             www.linkedin.com/in/bob\n\
             bob@example.com\n\
             ANN-LEE\n",
        )
        .unwrap();
        let m = match_sent_lines(&lines, &rows);
        let status: Vec<LineStatus> = m.iter().map(|l| l.status).collect();
        assert_eq!(
            status,
            vec![
                LineStatus::Matched,
                LineStatus::Matched,
                LineStatus::NotPending,
                LineStatus::NotRecognised,
                LineStatus::Matched
            ]
        );
        assert_eq!(m[0].row_keys, vec!["a/1"]);
        assert_eq!(m[0].reason, "Jérôme: pending from L-a.");
        assert_eq!(m[1].row_keys, vec!["b/2"]);
        assert!(
            m[2].reason.contains("No pending invitation to bob"),
            "{}",
            m[2].reason
        );
        assert!(m[3].reason.contains("email"));
        assert_eq!(m[4].row_keys, vec!["a/3"]);
    }

    #[test]
    fn a_repeated_line_points_at_the_first_and_a_pinned_row_is_said_to_be_kept() {
        let mut pinned = row(
            "a",
            "1",
            person("Jane", Some("https://www.linkedin.com/in/jane"), None),
        );
        pinned.pinned = true;
        let lines = parse_list("jane\nhttps://www.linkedin.com/in/jane/\n").unwrap();
        let m = match_sent_lines(&lines, &[pinned]);
        assert_eq!(
            m[0].reason,
            "Jane: pending from L-a; pinned, so it is kept."
        );
        assert!(m[1].reason.ends_with("also on line 1."), "{}", m[1].reason);
    }
}
