//! Deterministic, realistic-looking LinkedIn members for the Edges and LinkupAPI fakes' seeds:
//! varied names (accents, particles, apostrophes), headlines, vanity slugs and ids. The
//! ConnectSafely fake builds its own people from the same lists and helpers.

pub const FIRST: [&str; 24] = [
    "Amelia", "Noah", "Priya", "Lucas", "Sofía", "Mateo", "Hannah", "Kenji", "Fatima", "Oliver",
    "Chloé", "Arjun", "Ingrid", "Diego", "Zoë", "Mohammed", "Elena", "Tomasz", "Aisha", "Liam",
    "Sandrine", "Michelle", "Björn", "Mei",
];
pub const LAST: [&str; 19] = [
    "Okafor",
    "Lindqvist",
    "Ramírez",
    "Nakamura",
    "Dubois",
    "Kowalski",
    "Haddad",
    "O'Brien",
    "van der Berg",
    "Fischer",
    "Sharma",
    "Costa",
    "Nguyen",
    "MacLeod",
    "Rossi",
    "Jensen",
    "Petrova",
    "Heppler",
    "Brunet",
];
pub const HEADLINES: [&str; 8] = [
    "CEO | Entrepreneur | Tech Founder",
    "Senior Software Engineer at Northwind",
    "Head of Talent Acquisition · Hiring in Berlin & Lisbon",
    "Product Designer — accessibility, design systems",
    "VP Sales EMEA at ExampleCo",
    "PhD candidate, computational biology 🧬",
    "Co-Founder & CCO at Unique AI | Financial Services Agentic AI | 🌍 New York",
    "Cost and Time killer, Lean & Six Sigma",
];

/// One generated member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub first: String,
    pub last: String,
    pub slug: String,
    pub headline: String,
    /// Sales Navigator id (`ACwAA…`).
    pub sales_navigator_id: String,
    /// LinkedIn's numeric member id.
    pub numeric_id: u64,
}

impl Member {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }

    pub fn profile_url(&self) -> String {
        format!("https://www.linkedin.com/in/{}", self.slug)
    }

    pub fn picture_url(&self) -> String {
        format!(
            "https://media.licdn.com/dms/image/v2/D4E03AQ{:x}/profile-displayphoto-shrink_100_100/0/",
            self.numeric_id
        )
    }
}

/// Member number `i` of a list; `salt` keeps different lists (sent, received, identities) apart.
pub fn member(i: usize, salt: usize) -> Member {
    let n = i * 7 + salt * 13;
    let first = FIRST[n % FIRST.len()].to_string();
    let last = LAST[(n / FIRST.len() + i) % LAST.len()].to_string();
    let slug = format!(
        "{}-{}-{:x}{}",
        ascii_slug(&first),
        ascii_slug(&last),
        0x1a2b + i * 17,
        salt
    );
    let numeric_id = 100_000_000 + (i as u64) * 7_919 + (salt as u64) * 1_000_003;
    Member {
        headline: HEADLINES[n % HEADLINES.len()].to_string(),
        sales_navigator_id: token(numeric_id, "ACwAA", 34),
        numeric_id,
        first,
        last,
        slug,
    }
}

/// A person for a slug someone typed (connect requests): names guessed from the slug.
pub fn member_for_slug(slug: &str) -> Member {
    let mut words = slug
        .split('-')
        .filter(|w| !w.is_empty() && w.chars().all(char::is_alphabetic));
    let first = capitalise(words.next().unwrap_or("Pat"));
    let last = capitalise(words.next().unwrap_or("Lee"));
    let numeric_id = 900_000_000 + slug.bytes().map(u64::from).sum::<u64>() * 31;
    Member {
        first,
        last,
        slug: slug.to_string(),
        headline: HEADLINES[slug.len() % HEADLINES.len()].to_string(),
        sales_navigator_id: token(numeric_id, "ACwAA", 34),
        numeric_id,
    }
}

/// The slug of `https://<sub>.linkedin.com/in/<slug>[/...]`.
pub fn slug_of(url: &str) -> Option<String> {
    let after = url.split_once("/in/")?.1;
    let slug = after.split(['/', '?', '#']).next()?;
    (!slug.is_empty()).then(|| slug.to_string())
}

/// A deterministic token of `len` characters after `prefix` (secrets, member ids).
pub fn token(seed: u64, prefix: &str, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    let mut out = String::from(prefix);
    for _ in 0..len {
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        out.push(ALPHABET[(x % ALPHABET.len() as u64) as usize] as char);
    }
    out
}

pub fn capitalise(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `Sofía` → `sofia`, `van der Berg` → `van-der-berg`: a name as a vanity-slug part.
pub fn ascii_slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'á' | 'à' | 'ä' => Some('a'),
            'é' | 'è' | 'ë' => Some('e'),
            'í' => Some('i'),
            'ó' | 'ö' => Some('o'),
            'ú' | 'ü' => Some('u'),
            ' ' => Some('-'),
            c if c.is_ascii_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}
