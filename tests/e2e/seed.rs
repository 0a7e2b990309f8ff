//! Sent's cache written straight into the app's database, for the table bench at 100,000
//! rows: listing them through a fake would take 10,000 requests at ConnectSafely's 10 a page.
//! Rows go through invitedesk-core's own cache API (`cache::replace_account`), as a refresh
//! writes them, with the listing time "now" so opening Sent does not refresh them away.

use std::path::Path;

use chrono::{DateTime, Utc};

use invitedesk_lib::db::cache::{self, NewRow, Screen};
use invitedesk_lib::db::{self, Db};
use invitedesk_lib::invitations::rules::person_key;
use invitedesk_lib::model::{Age, InvitationCategory, Person, SentInvitation};

use crate::harness::TestResult;

const FIRST: &[&str] = &[
    "Sofia",
    "Liam",
    "Yuki",
    "Olivia",
    "Mateo",
    "Amara",
    "Noah",
    "Élodie",
    "Jonas",
    "Priya",
    "Ola",
    "Chen",
    "Fatima",
    "Lucas",
    "Ingrid",
    "Kwame",
    "Zoë",
    "Aleksander",
    "Marta",
    "Ravi",
];
const LAST: &[&str] = &[
    "Nakamura",
    "García",
    "Olsen",
    "Berg",
    "Okafor",
    "Rossi",
    "Kowalski",
    "Dubois",
    "Silva",
    "Haddad",
    "Lindqvist",
    "Müller",
    "Tanaka",
    "O'Brien",
    "Novak",
    "Mensah",
    "Costa",
    "Ibáñez",
];
const HEADLINES: &[&str] = &[
    "Software Engineer at Northwind",
    "Founder & CEO, Fabrikam (Berlin)",
    "VP of Sales · Contoso",
    "Product Design Lead",
    "PhD candidate in machine learning",
    "Recruiter at Tailspin, Lisbon",
    "Staff Engineer, payments",
    "Head of Growth at Litware",
    "",
];

/// The `n`th invitation of an account: varied names, headlines and ages (some unknown, some
/// "about"), ids unique per account.
fn invitation(account: usize, n: usize) -> SentInvitation {
    let k = account * 7919 + n * 31;
    let headline = HEADLINES[(k / 3) % HEADLINES.len()];
    let first = FIRST[k % FIRST.len()];
    let last = LAST[(k / FIRST.len()) % LAST.len()];
    let slug = format!(
        "{}-{}-{account}-{n}",
        first.to_lowercase(),
        last.to_lowercase()
    );
    SentInvitation {
        id: format!("seed-{account}-{n}"),
        urn: None,
        person: Person {
            name: format!("{first} {last}"),
            headline: (!headline.is_empty()).then(|| headline.to_string()),
            profile_url: Some(format!("https://www.linkedin.com/in/{slug}")),
            public_id: Some(slug),
            ..Person::default()
        },
        category: InvitationCategory::Connection,
        sent_text: None,
        age: if k.is_multiple_of(11) {
            Age::UNKNOWN
        } else {
            Age {
                days: Some(((k * 13) % 120) as u32),
                exact: !k.is_multiple_of(3),
            }
        },
        note: None,
    }
}

/// Writes `per_account` pending sent invitations for each account into the database at `path`
/// (the running app's own file: WAL lets both write). Returns how many rows were written.
pub fn seed_sent(
    path: &Path,
    accounts: &[String],
    per_account: usize,
    now: DateTime<Utc>,
) -> TestResult<usize> {
    let db = Db::open(path)?;
    let at = db::ts(now);
    for (a, account) in accounts.iter().enumerate() {
        let rows: Vec<NewRow> = (0..per_account)
            .map(|n| {
                let i = invitation(a, n);
                Ok(NewRow {
                    invitation_id: i.id.clone(),
                    person_key: person_key(&i.person),
                    data: serde_json::to_string(&i)?,
                })
            })
            .collect::<TestResult<_>>()?;
        db.write(|tx| cache::replace_account(tx, Screen::Sent, account, &rows, &at))?;
    }
    Ok(accounts.len() * per_account)
}
