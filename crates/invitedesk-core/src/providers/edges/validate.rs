//! Input checks Edges documents as regular expressions, done before anything is sent so a bad
//! value costs no request (the crate has no regex dependency; these are small hand matchers).

/// `^urn:li:fsd_invitation:\d+$` (withdraw and accept inputs).
pub fn is_invitation_urn(urn: &str) -> bool {
    urn.strip_prefix("urn:li:fsd_invitation:")
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// `^https://(?:(www|[a-z]{2})\.)?linkedin\.com/(?:in|pub|sales/people|sales/lead)/[^\s/]+`
/// (connect input `linkedin_profile_url`). Like the pattern, only the start is anchored.
pub fn is_connectable_profile_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let rest = match rest.split_once('.') {
        Some((sub, after))
            if sub == "www" || (sub.len() == 2 && sub.bytes().all(|b| b.is_ascii_lowercase())) =>
        {
            // `www.linkedin.com`, `fr.linkedin.com`; but `linkedin.com` itself also splits here.
            if after.starts_with("linkedin.com/") {
                after
            } else {
                rest
            }
        }
        _ => rest,
    };
    let Some(path) = rest.strip_prefix("linkedin.com/") else {
        return false;
    };
    ["in/", "pub/", "sales/people/", "sales/lead/"]
        .iter()
        .filter_map(|p| path.strip_prefix(p))
        .any(|slug| {
            slug.chars()
                .next()
                .is_some_and(|c| !c.is_whitespace() && c != '/')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_urns() {
        assert!(is_invitation_urn("urn:li:fsd_invitation:1234567890"));
        assert!(is_invitation_urn(
            "urn:li:fsd_invitation:7329176687475109888"
        ));
        assert!(!is_invitation_urn("urn:li:fsd_invitation:"));
        assert!(!is_invitation_urn("urn:li:invitation:1234567890"));
        assert!(!is_invitation_urn("urn:li:fsd_invitation:12a4"));
        assert!(!is_invitation_urn("urn:li:fsd_invitation:12 "));
        assert!(!is_invitation_urn(" urn:li:fsd_invitation:12"));
        assert!(!is_invitation_urn("<string>"));
    }

    #[test]
    fn profile_urls_follow_the_documented_pattern() {
        for ok in [
            "https://www.linkedin.com/in/jane-doe",
            "https://linkedin.com/in/jane-doe/",
            "https://fr.linkedin.com/in/jean",
            "https://www.linkedin.com/pub/old-style/1/2/3",
            "https://www.linkedin.com/sales/people/ACwAAA,NAME",
            "https://www.linkedin.com/sales/lead/ACwAAA",
            "https://www.linkedin.com/in/jane?utm=x",
        ] {
            assert!(is_connectable_profile_url(ok), "{ok}");
        }
        for bad in [
            "http://www.linkedin.com/in/jane",
            "https://www.linkedin.com/in/",
            "https://www.linkedin.com/in//x",
            "https://www.linkedin.com/in/ jane",
            "https://www.linkedin.com/company/acme",
            "https://evil.com/linkedin.com/in/jane",
            "https://www.linkedin.com.evil.com/in/jane",
            "https://abc.linkedin.com/in/jane",
            "https://FR.linkedin.com/in/jane",
            "https://www.linkedin.co/in/jane",
            "www.linkedin.com/in/jane",
            "",
        ] {
            assert!(!is_connectable_profile_url(bad), "{bad}");
        }
    }
}
