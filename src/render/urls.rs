//! Page URLs and output paths: one place decides where every page lives.
//!
//! Every page is a folder with an `index.html`, so URLs end in `/` and need no extension.
//! URLs are the site's `base_url` followed by the page path, with ASCII characters other
//! than letters, digits, `-._~/` percent-encoded as UTF-8 (Chinese slugs too, as pulldown-cmark
//! does for links in bodies, so that one page has one spelling of its URL).

/// `base` with exactly one trailing `/`.
pub fn normalize_base(base: &str) -> String {
    format!("{}/", base.trim_end_matches('/'))
}

/// Percent-encodes a page path for use in an `href`.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    push_encoded(&mut out, path);
    out
}

/// [`encode_path`] onto `out` (every link of every page goes through here: no allocation per
/// escaped byte, as Chinese slugs escape three bytes a character).
fn push_encoded(out: &mut String, path: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for c in path.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '/') {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xF)]));
            }
        }
    }
}

/// The URL of the page at `page` (a folder path like `customers/east/acme`, or `` for home).
pub fn page_url(base: &str, page: &str) -> String {
    let base = base.trim_end_matches('/');
    let page = page.trim_matches('/');
    let mut out = String::with_capacity(base.len() + 3 * page.len() + 2);
    out.push_str(base);
    out.push('/');
    if !page.is_empty() {
        push_encoded(&mut out, page);
        out.push('/');
    }
    out
}

/// The output file of the page at `page`: `customers/east/acme/index.html`.
pub fn page_file(page: &str) -> String {
    let page = page.trim_matches('/');
    if page.is_empty() {
        "index.html".to_string()
    } else {
        format!("{page}/index.html")
    }
}

/// The page path of a customer: `customers/<slug>`.
pub fn customer_page(slug: &str) -> String {
    format!("customers/{slug}")
}

/// The page path of a playbook: `playbooks/<slug>`.
pub fn playbook_page(slug: &str) -> String {
    format!("playbooks/{slug}")
}

/// The page URL of the record at a site-relative source path (`content/customers/a.md`), or
/// `None` for a file that is not a record.
pub fn record_url(base: &str, source: &str) -> Option<String> {
    let rest = source.strip_prefix("content/")?;
    let stem = rest.get(..rest.len().checked_sub(3)?)?;
    if !rest[stem.len()..].eq_ignore_ascii_case(".md") {
        return None;
    }
    if let Some(slug) = stem.strip_prefix("customers/") {
        Some(page_url(base, &customer_page(slug)))
    } else {
        stem.strip_prefix("playbooks/")
            .map(|slug| page_url(base, &playbook_page(slug)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(page_url("/crm", ""), "/crm/");
        assert_eq!(
            page_url("/", "customers/华东/a b"),
            "/customers/%E5%8D%8E%E4%B8%9C/a%20b/"
        );
        assert_eq!(page_file(""), "index.html");
        assert_eq!(page_file("customers/x"), "customers/x/index.html");
        assert_eq!(
            record_url("https://x/crm/", "content/customers/east/acme.md").as_deref(),
            Some("https://x/crm/customers/east/acme/")
        );
        assert_eq!(
            record_url("/", "content/playbooks/p.MD").as_deref(),
            Some("/playbooks/p/")
        );
        assert_eq!(record_url("/", "content/notes/x.md"), None);
        assert_eq!(record_url("/", "content/customers/x.txt"), None);
        assert_eq!(encode_path("a?b#c%\"<"), "a%3Fb%23c%25%22%3C");
        assert_eq!(encode_path("owners/王磊"), "owners/%E7%8E%8B%E7%A3%8A");
        assert_eq!(
            page_url("/crm", "/owners/王磊/"),
            "/crm/owners/%E7%8E%8B%E7%A3%8A/"
        );
        assert_eq!(page_url("/crm/", ""), "/crm/");
    }
}
