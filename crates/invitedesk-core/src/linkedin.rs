//! LinkedIn profile addresses: the one place that parses, checks and builds them.

/// `linkedin.com` or any subdomain of it (case-insensitive). `linkedin.com.evil.io` is not.
pub fn is_linkedin_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == "linkedin.com" || host.ends_with(".linkedin.com")
}

/// Which schemes a profile address may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `https` only: addresses the user typed, or that are opened or sent on.
    HttpsOnly,
    /// `http` or `https`: addresses read from provider data.
    HttpOrHttps,
}

/// Whether anything may follow `/in/<slug>` in the path (`/in/jane/details/skills`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathTail {
    /// Only `/in/<slug>` (a trailing `/` is fine): what a new invitation may be sent to.
    Forbidden,
    /// Extra segments are ignored: provider data links to sub-pages too.
    Allowed,
}

/// The percent-decoded vanity slug of `http(s)://[*.]linkedin.com/in/<slug>[/…][?…][#…]`
/// (`https://fr.linkedin.com/in/j%C3%A9r%C3%B4me?trk=a` → `jérôme`). `None` for anything else.
pub fn profile_slug(url: &str) -> Option<String> {
    parse_profile_slug(url, Scheme::HttpOrHttps, PathTail::Allowed)
}

/// [`profile_slug`] with the scheme and path rules spelled out by the caller.
pub fn parse_profile_slug(url: &str, scheme: Scheme, tail: PathTail) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    let scheme_ok = match scheme {
        Scheme::HttpsOnly => parsed.scheme() == "https",
        Scheme::HttpOrHttps => matches!(parsed.scheme(), "https" | "http"),
    };
    if !scheme_ok || !parsed.host_str().is_some_and(is_linkedin_host) {
        return None;
    }
    let mut segments = parsed.path_segments()?.filter(|s| !s.is_empty());
    let mut first = segments.next()?;
    if first != "in" && is_path_prefix(first) {
        first = segments.next()?;
    }
    if first != "in" {
        return None;
    }
    let encoded = segments.next()?;
    if tail == PathTail::Forbidden && segments.next().is_some() {
        return None;
    }
    let slug = decode_slug(encoded);
    let ok = !slug.is_empty()
        && slug.len() <= 200
        && !slug.contains(['/', '?', '#'])
        && !slug.contains(char::is_whitespace);
    ok.then_some(slug)
}

/// A path segment LinkedIn puts before `/in/` on some shared links: a locale (`/fr/in/…`,
/// `/pt-br/in/…`, `/en_US/in/…`) or the lite mobile site (`/mwlite/in/…`).
fn is_path_prefix(segment: &str) -> bool {
    if segment.eq_ignore_ascii_case("mwlite") {
        return true;
    }
    let bytes = segment.as_bytes();
    let letters = |b: &[u8]| b.iter().all(u8::is_ascii_alphabetic);
    match bytes.len() {
        2 => letters(bytes),
        5 => letters(&bytes[..2]) && matches!(bytes[2], b'-' | b'_') && letters(&bytes[3..]),
        _ => false,
    }
}

/// Percent-decodes a slug; `+` stays a `+` (it is not a space in a path).
pub fn decode_slug(text: &str) -> String {
    url::form_urlencoded::parse(format!("s={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// `https://www.linkedin.com/in/<slug>`, the slug percent-encoded as a path segment.
pub fn canonical_profile_url(slug: &str) -> String {
    let mut url = url::Url::parse("https://www.linkedin.com/in").expect("a valid base address");
    url.path_segments_mut()
        .expect("an https address has path segments")
        .push(slug);
    url.into()
}

/// An address that is safe to open in the browser: `https` on a LinkedIn host, any path.
/// Provider data is untrusted, so a crafted link must not open other schemes or sites.
pub fn checked_profile_url(raw: &str) -> Option<url::Url> {
    let url = url::Url::parse(raw.trim()).ok()?;
    (url.scheme() == "https" && url.host_str().is_some_and(is_linkedin_host)).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert!(is_linkedin_host("linkedin.com"));
        assert!(is_linkedin_host("fr.linkedin.com"));
        assert!(is_linkedin_host("WWW.LinkedIn.com"));
        assert!(!is_linkedin_host("notlinkedin.com"));
        assert!(!is_linkedin_host("linkedin.com.evil.io"));
    }

    #[test]
    fn slugs_and_rules() {
        assert_eq!(
            profile_slug("http://www.linkedin.com/in/jane/details/skills").as_deref(),
            Some("jane")
        );
        assert_eq!(
            profile_slug("https://www.linkedin.com/in/a+b").as_deref(),
            Some("a+b")
        );
        assert_eq!(profile_slug("ftp://www.linkedin.com/in/jane"), None);
        for prefixed in [
            "https://www.linkedin.com/fr/in/jane",
            "https://www.linkedin.com/pt-br/in/jane/",
            "https://www.linkedin.com/en_US/in/jane",
            "https://www.linkedin.com/mwlite/in/jane",
        ] {
            assert_eq!(
                profile_slug(prefixed).as_deref(),
                Some("jane"),
                "{prefixed}"
            );
        }
        assert_eq!(
            profile_slug("https://www.linkedin.com/company/in/jane"),
            None
        );
        assert_eq!(
            profile_slug("https://www.linkedin.com/fr/company/acme"),
            None
        );
        assert_eq!(profile_slug("https://www.linkedin.com/in/a%20b"), None);
        let strict = |u| parse_profile_slug(u, Scheme::HttpsOnly, PathTail::Forbidden);
        assert_eq!(
            strict("https://linkedin.com/in/jane/").as_deref(),
            Some("jane")
        );
        assert_eq!(strict("http://linkedin.com/in/jane"), None);
        assert_eq!(strict("https://linkedin.com/in/jane/details"), None);
    }

    #[test]
    fn canonical_and_openable() {
        assert_eq!(
            canonical_profile_url("Jérôme-X"),
            "https://www.linkedin.com/in/J%C3%A9r%C3%B4me-X"
        );
        // A `/` in a slug is encoded, but such a slug is still refused when read back.
        assert_eq!(profile_slug(&canonical_profile_url("a/b")), None);
        assert!(checked_profile_url("https://www.linkedin.com/feed").is_some());
        assert!(checked_profile_url("http://www.linkedin.com/in/x").is_none());
        assert!(checked_profile_url("javascript:alert(1)").is_none());
    }
}
