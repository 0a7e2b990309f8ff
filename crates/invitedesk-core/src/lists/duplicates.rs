//! The same person invited from two or more of the user's accounts ("double invites"): which
//! invitation to keep (the newest) and which are the older ones to withdraw.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::matching::PersonIndex;
use super::profile_ref::person_keys;
use crate::invitations::SentRow;

/// One person with pending invitations from several accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "DuplicateGroup.ts")]
pub struct DuplicateGroup {
    pub name: String,
    /// The newest invitation's row key: the one "withdraw the older ones" keeps.
    pub keep: String,
    /// The other rows, newest first.
    pub older: Vec<String>,
}

impl DuplicateGroup {
    pub fn all_keys(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.keep).chain(&self.older)
    }
}

fn find_root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// People invited from two or more accounts, in the order their first row appears.
///
/// Rows name the same person when they share any key (public id, profile address or member id).
/// The newest is the youngest by age; an unknown age means InviteDesk first saw it today with no
/// date from the provider, so it counts as newest; a tie goes to the later "first seen".
pub fn find_duplicates(rows: &[SentRow]) -> Vec<DuplicateGroup> {
    let index = PersonIndex::new(rows.iter().map(|r| &r.invitation.person));
    let mut parent: Vec<usize> = (0..rows.len()).collect();
    for (i, row) in rows.iter().enumerate() {
        for key in person_keys(&row.invitation.person) {
            for j in index.find_key(&key) {
                let (a, b) = (find_root(&mut parent, i), find_root(&mut parent, *j));
                if a != b {
                    parent[b.max(a)] = a.min(b);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..rows.len() {
        let root = find_root(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    groups
        .into_values()
        .filter(|members| {
            let accounts: HashMap<&str, ()> = members
                .iter()
                .map(|i| (rows[*i].account_id.as_str(), ()))
                .collect();
            accounts.len() >= 2
        })
        .map(|mut members| {
            members.sort_by(|a, b| {
                let (ra, rb) = (&rows[*a], &rows[*b]);
                ra.age_days
                    .unwrap_or(0)
                    .cmp(&rb.age_days.unwrap_or(0))
                    .then_with(|| rb.first_seen_at.cmp(&ra.first_seen_at))
                    .then_with(|| a.cmp(b))
            });
            DuplicateGroup {
                name: rows[members[0]].invitation.person.name.clone(),
                keep: rows[members[0]].key.clone(),
                older: members[1..].iter().map(|i| rows[*i].key.clone()).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::matching::tests::row;
    use crate::model::Person;

    fn jane(url: Option<&str>, member: Option<&str>) -> Person {
        Person {
            name: "Jane".into(),
            profile_url: url.map(str::to_string),
            member_id: member.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn the_newest_invitation_is_kept_and_the_older_ones_listed() {
        let url = Some("https://www.linkedin.com/in/jane");
        let mut a = row("a", "1", jane(url, None));
        a.age_days = Some(20);
        let mut b = row(
            "b",
            "2",
            jane(Some("https://fr.linkedin.com/in/JANE/"), Some("ACoAAJ")),
        );
        b.age_days = Some(3);
        // Known to the third account only by member id: the same person through `b`.
        let mut c = row("c", "3", jane(None, Some("urn:li:fsd_profile:ACoAAJ")));
        c.age_days = Some(9);
        let other = row(
            "a",
            "4",
            jane(Some("https://www.linkedin.com/in/john"), None),
        );
        let groups = find_duplicates(&[a, b, c, other]);
        assert_eq!(
            groups,
            vec![DuplicateGroup {
                name: "Jane".into(),
                keep: "b/2".into(),
                older: vec!["c/3".into(), "a/1".into()],
            }]
        );
    }

    #[test]
    fn one_account_alone_is_no_duplicate_and_an_unknown_age_counts_as_newest() {
        let url = Some("https://www.linkedin.com/in/jane");
        assert!(find_duplicates(&[row("a", "1", jane(url, None))]).is_empty());
        let mut old = row("a", "1", jane(url, None));
        old.age_days = Some(5);
        let mut new = row("b", "2", jane(url, None));
        new.age_days = None;
        let groups = find_duplicates(&[old, new]);
        assert_eq!(groups[0].keep, "b/2");
        assert_eq!(groups[0].older, vec!["a/1"]);
    }
}
