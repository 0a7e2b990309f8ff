//! Which received invitations an Accept or Ignore rule picks, and which conditions a provider
//! cannot evaluate (per providers.md §4.1: only LinkupAPI gives mutual connections; ConnectSafely
//! documents no headline on received invitations). A condition without data does not hold: the
//! invitation is left for the user.

use super::rules::{non_blank, AcceptConditions};
use crate::invitations::ReceivedRow;
use crate::model::{InvitationCategory, ProviderKind};

/// The count in LinkupAPI's display text ("13 mutual connections", "1 mutual connection").
pub fn mutual_count(text: &str) -> Option<u32> {
    let digits: String = text
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(|c| *c != ',')
        .collect();
    digits.parse().ok()
}

fn contains(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

/// Whether an Accept rule takes this invitation: connection invitations only, every set
/// condition met with data the provider gave.
pub fn accepts(row: &ReceivedRow, conditions: &AcceptConditions) -> bool {
    let inv = &row.invitation;
    if inv.category != InvitationCategory::Connection {
        return false;
    }
    if conditions.has_note && inv.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return false;
    }
    if let Some(min) = conditions.min_mutual {
        match inv.mutual_connections.as_deref().and_then(mutual_count) {
            Some(n) if n >= min => {}
            _ => return false,
        }
    }
    let headline = inv
        .person
        .headline
        .as_deref()
        .filter(|h| !h.trim().is_empty());
    if let Some(wanted) = non_blank(&conditions.headline_contains) {
        if !headline.is_some_and(|h| contains(h, wanted)) {
            return false;
        }
    }
    if let Some(unwanted) = non_blank(&conditions.headline_excludes) {
        if headline.is_none_or(|h| contains(h, unwanted)) {
            return false;
        }
    }
    true
}

/// Sentences for the rule editor: the conditions this provider cannot evaluate.
pub fn unavailable(conditions: &AcceptConditions, provider: ProviderKind) -> Vec<String> {
    let mut notes = Vec::new();
    let name = provider.label();
    let gives_mutual = matches!(provider, ProviderKind::Linkup | ProviderKind::Demo);
    if conditions.min_mutual.is_some() && !gives_mutual {
        notes.push(format!(
            "{name} does not report mutual connections, so no invitation meets \"at least N \
             mutual connections\": this rule will accept nothing."
        ));
    }
    let headline_set = non_blank(&conditions.headline_contains).is_some()
        || non_blank(&conditions.headline_excludes).is_some();
    if headline_set && provider == ProviderKind::ConnectSafely {
        notes.push(format!(
            "{name} does not document a headline on received invitations: an invitation that \
             comes without one is left alone by the headline conditions."
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Age, Person, ReceivedInvitation};

    fn row(category: InvitationCategory) -> ReceivedRow {
        ReceivedRow {
            key: "a/1".into(),
            account_id: "a".into(),
            account_label: "A".into(),
            invitation: ReceivedInvitation {
                id: "1".into(),
                urn: None,
                person: Person {
                    name: "Ada".into(),
                    headline: Some("Founder at Acme".into()),
                    ..Default::default()
                },
                category,
                entity_name: None,
                note: Some("Hello".into()),
                mutual_connections: Some("13 mutual connections".into()),
                received_text: None,
                age: Age::exact(1),
                accept_token: None,
                raw_type: None,
            },
            first_seen_at: "2026-01-01T00:00:00.000Z".into(),
            age_days: Some(1),
            age_exact: true,
            can_ignore: true,
            ignore_disabled_reason: None,
        }
    }

    #[test]
    fn accept_takes_people_only_and_every_condition_must_hold() {
        let any = AcceptConditions::default();
        assert!(accepts(&row(InvitationCategory::Connection), &any));
        assert!(!accepts(&row(InvitationCategory::Newsletter), &any));
        let strict = AcceptConditions {
            has_note: true,
            min_mutual: Some(10),
            headline_contains: Some("founder".into()),
            headline_excludes: Some("recruiter".into()),
        };
        assert!(accepts(&row(InvitationCategory::Connection), &strict));
        let mut few = row(InvitationCategory::Connection);
        few.invitation.mutual_connections = Some("1 mutual connection".into());
        assert!(!accepts(&few, &strict));
        let mut unknown = row(InvitationCategory::Connection);
        unknown.invitation.mutual_connections = None;
        unknown.invitation.person.headline = None;
        assert!(
            !accepts(&unknown, &strict),
            "no data: the condition does not hold"
        );
        assert!(!accepts(
            &unknown,
            &AcceptConditions {
                headline_excludes: Some("recruiter".into()),
                ..Default::default()
            }
        ));
    }

    #[test]
    fn the_editor_says_which_conditions_a_provider_cannot_evaluate() {
        let c = AcceptConditions {
            min_mutual: Some(5),
            headline_contains: Some("CTO".into()),
            ..Default::default()
        };
        let cs = unavailable(&c, ProviderKind::ConnectSafely);
        assert_eq!(cs.len(), 2);
        assert!(cs[0].contains("ConnectSafely does not report mutual connections"));
        assert_eq!(unavailable(&c, ProviderKind::Edges).len(), 1);
        assert!(unavailable(&c, ProviderKind::Linkup).is_empty());
        assert_eq!(mutual_count("1,204 mutual connections"), Some(1204));
    }
}
