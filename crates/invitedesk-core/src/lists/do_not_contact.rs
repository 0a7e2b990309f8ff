//! The do-not-contact list as the user handles it: import a list, add a person from a row,
//! remove, export; which pending invitations it flags. (Send's refusal: `invitations::send`.)

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::list_file::parse_list;
use super::matching::{LineMatch, LineStatus};
use super::profile_ref::{person_keys, ProfileRef};
use crate::db::do_not_contact::{self as table, DoNotContactEntry};
use crate::db::{ts, Db};
use crate::error::{AppError, AppResult};
use crate::history;
use crate::model::Person;

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "DoNotContactImport.ts")]
pub struct DoNotContactImport {
    pub added: u32,
    /// Lines naming someone already on the list.
    pub already_listed: u32,
    /// Lines that name no one, each with its reason.
    pub not_recognised: Vec<LineMatch>,
}

/// Adds every person a pasted or imported list names.
pub fn import(db: &Db, text: &str, now: DateTime<Utc>) -> AppResult<DoNotContactImport> {
    let lines = parse_list(text).map_err(AppError::invalid_input)?;
    if lines.is_empty() {
        return Err(AppError::invalid_input(
            "The list is empty: paste profile addresses, public ids or member ids, one a line.",
        ));
    }
    let mut out = DoNotContactImport {
        added: 0,
        already_listed: 0,
        not_recognised: Vec::new(),
    };
    let entries: Vec<DoNotContactEntry> = lines
        .iter()
        .filter_map(|line| match &line.profile {
            Ok(profile) => Some(entry_for(profile, line.fields.get("firstName"), now)),
            Err(why) => {
                out.not_recognised.push(LineMatch {
                    line: line.line,
                    text: line.text.clone(),
                    status: LineStatus::NotRecognised,
                    reason: why.clone(),
                    row_keys: Vec::new(),
                });
                None
            }
        })
        .collect();
    db.write(|tx| {
        for entry in &entries {
            if table::add(tx, entry)? {
                out.added += 1;
            } else {
                out.already_listed += 1;
            }
        }
        Ok(())
    })?;
    Ok(out)
}

fn entry_for(profile: &ProfileRef, name: Option<&String>, now: DateTime<Utc>) -> DoNotContactEntry {
    let mut keys = profile.keys();
    DoNotContactEntry {
        person_key: keys.remove(0),
        also_keys: keys,
        name: name.cloned(),
        profile_url: profile.profile_url(),
        added_at: ts(now),
    }
}

/// Adds the other side of an invitation (a Sent or Received row), by every key they are known by.
pub fn add_person(db: &Db, person: &Person, now: DateTime<Utc>) -> AppResult<DoNotContactEntry> {
    let mut keys = person_keys(person);
    if keys.is_empty() {
        return Err(AppError::invalid_input(format!(
            "The provider gave no profile address or id for {}, so InviteDesk cannot recognise \
             them later. Add their profile address on the Lists screen instead.",
            person.name
        )));
    }
    let entry = DoNotContactEntry {
        person_key: keys.remove(0),
        also_keys: keys,
        name: Some(person.name.clone()).filter(|n| !n.trim().is_empty()),
        profile_url: person.profile_url.clone(),
        added_at: ts(now),
    };
    db.write(|tx| table::add(tx, &entry))?;
    Ok(entry)
}

pub fn remove(db: &Db, person_key: &str) -> AppResult<()> {
    if !db.write(|tx| table::remove(tx, person_key))? {
        return Err(AppError::not_found(
            "This person is not on the do-not-contact list any more. Reload the list.",
        ));
    }
    Ok(())
}

/// Whether a person is on the list, by any of their keys.
pub fn is_listed(keys: &HashSet<String>, person: &Person) -> bool {
    person_keys(person).iter().any(|k| keys.contains(k))
}

/// Writes the list as CSV in `dir`; returns its path.
pub fn export_csv(db: &Db, dir: &Path, now: DateTime<Utc>) -> AppResult<PathBuf> {
    let entries = db.read(table::all)?;
    let rows: Vec<Vec<String>> = entries
        .into_iter()
        .map(|e| {
            vec![
                e.profile_url.unwrap_or_default(),
                e.person_key,
                e.name.unwrap_or_default(),
                e.added_at,
            ]
        })
        .collect();
    history::csv::write_new(
        dir,
        "invitedesk-do-not-contact",
        now,
        &["Profile URL", "Person key", "Name", "Added"],
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn an_import_adds_each_person_once_and_lists_what_it_could_not_read() {
        let db = Db::open_in_memory().unwrap();
        let now = Utc::now();
        let text = "https://www.linkedin.com/in/jane\njane\nurn:li:member:12345\nJohn Roe\n";
        let out = import(&db, text, now).unwrap();
        assert_eq!((out.added, out.already_listed), (2, 1));
        assert_eq!(out.not_recognised.len(), 1);
        assert_eq!(out.not_recognised[0].line, 4);
        let again = import(&db, "JANE", now).unwrap();
        assert_eq!((again.added, again.already_listed), (0, 1));
        let listed = |key: &str| db.read(|c| table::find(c, &[key.to_string()])).unwrap();
        assert!(listed("in:jane").is_some());
        assert!(listed("id:12345").is_some());
        assert!(listed("in:john").is_none());
    }

    #[test]
    fn a_person_added_from_a_row_is_recognised_by_any_of_their_keys() {
        let db = Db::open_in_memory().unwrap();
        let person = Person {
            name: "Jane Doe".into(),
            profile_url: Some("https://www.linkedin.com/in/jane".into()),
            member_id: Some("ACoAAJ".into()),
            ..Default::default()
        };
        add_person(&db, &person, Utc::now()).unwrap();
        let keys = db.read(table::key_set).unwrap();
        let by_member_only = Person {
            name: "J".into(),
            member_id: Some("urn:li:fsd_profile:ACoAAJ".into()),
            ..Default::default()
        };
        assert!(is_listed(&keys, &by_member_only));
        assert!(db
            .read(|c| table::find(c, &["id:ACoAAJ".into()]))
            .unwrap()
            .is_some());
        let nobody = Person {
            name: "Anon".into(),
            ..Default::default()
        };
        assert!(add_person(&db, &nobody, Utc::now())
            .unwrap_err()
            .message
            .contains("no profile address"));
        remove(&db, "in:jane").unwrap();
        assert_eq!(
            remove(&db, "in:jane").unwrap_err().kind,
            ErrorKind::NotFound
        );
    }
}
