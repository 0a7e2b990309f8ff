//! A pasted or imported list → its lines, each with the person it names (or why not) and, from
//! a CSV with a header, the columns bulk send uses (first name, last name, company, note).
//!
//! Plain text: one profile per line; blank lines and lines starting with `#` are left out.
//! CSV (comma, semicolon or tab): a header row that names a profile column (`profile_url`,
//! `LinkedIn`, `public id`, `member id`, …) picks that column; without one, each row's first
//! cell that names a person is used.

use std::collections::HashMap;

use super::profile_ref::{parse_profile_ref, ProfileRef};

/// The most lines one list may have: a paste of a whole CRM export is fine, a runaway file is
/// refused before anything is matched.
pub const MAX_LINES: usize = 20_000;

/// One line of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListLine {
    /// 1-based, as an editor numbers the file (a CSV header is line 1).
    pub line: u32,
    /// The profile cell (or the whole line), trimmed and shortened for display.
    pub text: String,
    pub profile: Result<ProfileRef, String>,
    /// Known columns by their canonical name: `firstName`, `lastName`, `company`, `note`.
    pub fields: HashMap<&'static str, String>,
}

/// Header names (lowercase, without spaces, `_` or `-`) → the column they mean.
fn column_of(header: &str) -> Option<&'static str> {
    let h: String = header
        .trim()
        .trim_matches('"')
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
        .collect();
    Some(match h.as_str() {
        "profile" | "profileurl" | "profilelink" | "url" | "linkedin" | "linkedinurl"
        | "linkedinprofile" | "linkedinprofileurl" | "publicid" | "publicidentifier"
        | "vanityname" | "memberid" | "memberurn" | "profileid" | "id" => "profile",
        "firstname" | "first" | "givenname" => "firstName",
        "lastname" | "last" | "surname" | "familyname" => "lastName",
        "company" | "companyname" | "organization" | "organisation" => "company",
        "note" | "message" | "notes" | "invitationnote" | "custommessage" => "note",
        _ => return None,
    })
}

fn shorten(text: &str) -> String {
    let t = text.trim();
    if t.chars().count() <= 160 {
        t.to_string()
    } else {
        format!("{}…", t.chars().take(159).collect::<String>())
    }
}

/// Splits one CSV record, honouring double quotes (`"a, b"`, `""` for a quote).
fn split_record(line: &str, delimiter: char) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => cells.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    cells.push(cell);
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

/// Records of the text: lines, except that a quoted cell may span lines (a note with a line
/// break). Returns (1-based first line number, record).
fn records(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0u32;
    for (i, line) in text.lines().enumerate() {
        if current.is_empty() {
            start = i as u32 + 1;
        } else {
            current.push('\n');
        }
        current.push_str(line.trim_end_matches('\r'));
        if current.matches('"').count().is_multiple_of(2) {
            out.push((start, std::mem::take(&mut current)));
        }
    }
    if !current.is_empty() {
        out.push((start, current));
    }
    out
}

/// The delimiter of a CSV, judged by its first record; `None` for a plain list.
fn delimiter(first: &str) -> Option<char> {
    [',', ';', '\t']
        .into_iter()
        .map(|d| (d, split_record(first, d).len()))
        .filter(|(_, n)| *n > 1)
        .max_by_key(|(_, n)| *n)
        .map(|(d, _)| d)
}

/// Every line of a list, in order. Errors only when the list is too long.
pub fn parse_list(text: &str) -> Result<Vec<ListLine>, String> {
    let records: Vec<(u32, String)> = records(text)
        .into_iter()
        .filter(|(_, r)| !r.trim().is_empty() && !r.trim_start().starts_with('#'))
        .collect();
    if records.len() > MAX_LINES {
        return Err(format!(
            "The list has {} lines; InviteDesk takes at most {MAX_LINES} at a time. Split it.",
            records.len()
        ));
    }
    let Some(delim) = records.first().and_then(|(_, r)| delimiter(r)) else {
        // A one-column export still has its header ("profile_url"): not a person.
        let header = records
            .first()
            .is_some_and(|(_, r)| column_of(r) == Some("profile"));
        return Ok(records
            .into_iter()
            .skip(usize::from(header))
            .map(|(line, r)| ListLine {
                line,
                text: shorten(&r),
                profile: parse_profile_ref(&r),
                fields: HashMap::new(),
            })
            .collect());
    };
    let header: Vec<Option<&'static str>> = split_record(&records[0].1, delim)
        .iter()
        .map(|h| column_of(h))
        .collect();
    let has_header = header.contains(&Some("profile"));
    let body = if has_header {
        &records[1..]
    } else {
        &records[..]
    };
    Ok(body
        .iter()
        .map(|(line, r)| {
            let cells = split_record(r, delim);
            let mut fields = HashMap::new();
            let profile = if has_header {
                for (cell, column) in cells.iter().zip(&header) {
                    if let Some(column) = column.filter(|c| *c != "profile") {
                        if !cell.is_empty() {
                            fields.insert(column, cell.clone());
                        }
                    }
                }
                let cell = header
                    .iter()
                    .position(|c| *c == Some("profile"))
                    .and_then(|i| cells.get(i))
                    .cloned()
                    .unwrap_or_default();
                (cell.clone(), parse_profile_ref(&cell))
            } else {
                // The first address or URN that names someone, then the first bare id (a
                // name cell such as "John" reads as a public id too); else the first cell's
                // reason.
                let named = |strong: bool| {
                    cells.iter().find_map(|c| {
                        let lower = c.to_ascii_lowercase();
                        let is_strong = lower.contains("linkedin.com") || lower.starts_with("urn:");
                        (is_strong == strong)
                            .then(|| parse_profile_ref(c).ok().map(|p| (c.clone(), Ok(p))))
                            .flatten()
                    })
                };
                named(true).or_else(|| named(false)).unwrap_or_else(|| {
                    let first = cells.iter().find(|c| !c.is_empty()).cloned();
                    let first = first.unwrap_or_default();
                    (first.clone(), parse_profile_ref(&first))
                })
            };
            let (cell, profile) = profile;
            ListLine {
                line: *line,
                text: shorten(if cell.is_empty() { r } else { &cell }),
                profile,
                fields,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(lines: &[ListLine]) -> Vec<Result<String, String>> {
        lines
            .iter()
            .map(|l| l.profile.as_ref().map(|p| p.key()).map_err(|e| e.clone()))
            .collect()
    }

    #[test]
    fn a_plain_list_has_one_profile_per_line_and_skips_blanks_and_comments() {
        let lines = parse_list(
            "# customers, from the CRM\nhttps://www.linkedin.com/in/jane\n\n  john-roe  \r\nJane Doe\n",
        )
        .unwrap();
        assert_eq!(
            lines.iter().map(|l| l.line).collect::<Vec<_>>(),
            vec![2, 4, 5],
            "numbered as in the file"
        );
        let k = keys(&lines);
        assert_eq!(k[0], Ok("in:jane".into()));
        assert_eq!(k[1], Ok("in:john-roe".into()));
        assert!(k[2].as_ref().unwrap_err().contains("spaces"));
        let one_column = parse_list("Profile URL\njane-doe\n").unwrap();
        assert_eq!(keys(&one_column), vec![Ok("in:jane-doe".into())]);
    }

    #[test]
    fn a_csv_with_a_header_uses_its_profile_column_and_keeps_the_others() {
        let lines = parse_list(
            "First Name,Last Name,Company,LinkedIn URL,Note\n\
             Jane,Doe,Acme,https://www.linkedin.com/in/jane,\"Hi Jane, \"\"great\"\" talk\"\n\
             John,Roe,,not a profile,\n",
        )
        .unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].line, 2);
        assert_eq!(keys(&lines)[0], Ok("in:jane".into()));
        assert_eq!(lines[0].fields["firstName"], "Jane");
        assert_eq!(lines[0].fields["company"], "Acme");
        assert_eq!(lines[0].fields["note"], "Hi Jane, \"great\" talk");
        assert!(
            !lines[1].fields.contains_key("company"),
            "empty cells are absent"
        );
        assert!(keys(&lines)[1].is_err());
        assert_eq!(lines[1].text, "not a profile");
    }

    #[test]
    fn a_csv_without_a_header_takes_the_first_cell_that_names_someone() {
        let lines =
            parse_list("Jane Doe;https://fr.linkedin.com/in/jane/\nJohn;urn:li:member:12345\n")
                .unwrap();
        assert_eq!(
            keys(&lines),
            vec![Ok("in:jane".into()), Ok("id:12345".into())]
        );
    }

    #[test]
    fn a_quoted_note_may_span_lines() {
        let lines = parse_list("profile,note\njane,\"Hi,\nJane\"\njohn,\n").unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].fields["note"], "Hi,\nJane");
        assert_eq!(lines[1].line, 4);
    }

    #[test]
    fn a_huge_list_is_refused_with_the_limit() {
        let text = "jane-doe\n".repeat(MAX_LINES + 1);
        assert!(parse_list(&text).unwrap_err().contains("at most 20000"));
    }
}
