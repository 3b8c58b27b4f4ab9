//! Where a form or sign-in may send the browser next (`next`, `back`): a
//! path on this site, parsed the way a browser would read it, or nothing.
//! Every redirect target that comes from a request goes through here.

use url::Url;

/// The site itself, as a base to read a relative target against; the host
/// is one no real site has.
const HERE: &str = "http://this-site.invalid/";

/// `raw` as a path (with query and fragment) on this site, or `None` when
/// a browser could take it anywhere else: another host (`//evil`,
/// `/\evil`, tabs or newlines that browsers strip), a scheme
/// (`javascript:`, `https:`), or anything with a control character.
pub fn local_path(raw: &str) -> Option<String> {
    if !raw.starts_with('/') || raw.contains('\\') || raw.chars().any(char::is_control) {
        return None;
    }
    let base = Url::parse(HERE).ok()?;
    let url = base.join(raw).ok()?;
    if url.origin() != base.origin() {
        return None;
    }
    // A browser reads "/." and "/.." segments away; so does the parser.
    let mut out = url.path().to_string();
    if out.starts_with("//") {
        return None;
    }
    if let Some(q) = url.query() {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = url.fragment() {
        out.push('#');
        out.push_str(f);
    }
    Some(out)
}

/// `raw` if it is a path on this site, else `fallback`.
pub fn local_or(raw: Option<&str>, fallback: &str) -> String {
    raw.and_then(local_path)
        .unwrap_or_else(|| fallback.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_on_this_site_are_kept() {
        assert_eq!(local_path("/").as_deref(), Some("/"));
        assert_eq!(
            local_path("/ansokningar/ny?x=1#f").as_deref(),
            Some("/ansokningar/ny?x=1#f")
        );
        assert_eq!(local_path("/a/../b").as_deref(), Some("/b"));
        // Encoded slashes are a path here: browsers do not decode them.
        assert_eq!(
            local_path("/%2F%2Fevil.example").as_deref(),
            Some("/%2F%2Fevil.example")
        );
    }

    #[test]
    fn the_known_ways_off_site_are_refused() {
        for bad in [
            "",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            " //evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/.//evil.example",
            "/x\0",
            "/\u{7f}",
            "/x\r\nSet-Cookie: a=b",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
        assert_eq!(local_or(Some("//evil.example"), "/"), "/");
        assert_eq!(local_or(None, "/utrustning"), "/utrustning");
    }
}
