//! Relative `.md` links in Markdown bodies must point at a file under `content/`.

use std::collections::BTreeSet;

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::diagnostics::{Code, Diagnostic};
use crate::yaml::Pos;

/// A relative link to a Markdown file, as found in a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MdLink {
    /// The destination as written.
    pub target: String,
    /// The site-relative path it resolves to (`content/...md`), if it stays inside the site.
    pub resolved: Option<String>,
    pub pos: Pos,
    /// Characters of the target as written in the file (1 when it could not be found there).
    pub length: u32,
}

/// The Markdown extensions dossier enables everywhere, so that checking and rendering agree.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Relative `.md` links of `body`; `file` is the site-relative path of the file that holds it.
pub fn md_links(file: &str, body: &str, body_line: u32) -> Vec<MdLink> {
    let mut links = Vec::new();
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        let Event::Start(Tag::Link { dest_url, .. }) = event else {
            continue;
        };
        let Some(path) = relative_md_path(&dest_url) else {
            continue;
        };
        let found = body[range.clone()].find(dest_url.as_ref());
        let offset = found.map_or(range.start, |i| range.start + i);
        let length = found.map_or(1, |_| dest_url.chars().count() as u32);
        links.push(MdLink {
            target: dest_url.to_string(),
            resolved: resolve(file, &path),
            pos: position(body, offset, body_line),
            length,
        });
    }
    links
}

/// The path part of a destination that is a relative link to a `.md` file, percent-decoded.
pub fn relative_md_path(dest: &str) -> Option<String> {
    if dest.is_empty() || dest.starts_with('/') || dest.starts_with('#') || has_scheme(dest) {
        return None;
    }
    let path = dest.split(['#', '?']).next().unwrap_or(dest);
    let path = percent_decode(path);
    path.to_ascii_lowercase().ends_with(".md").then_some(path)
}

fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(colon) => {
            let scheme = &dest[..colon];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (hex(bytes.get(i + 1)), hex(bytes.get(i + 2)))
        {
            out.push(hi * 16 + lo);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

fn hex(byte: Option<&u8>) -> Option<u8> {
    (*byte? as char).to_digit(16).map(|d| d as u8)
}

/// Joins `target` to the folder of `file` and normalises `.` and `..`; `None` when it climbs
/// out of `content/`.
pub fn resolve(file: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = file.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    (parts.first() == Some(&"content") && parts.len() > 1).then(|| parts.join("/"))
}

fn position(body: &str, offset: usize, body_line: u32) -> Pos {
    let before = &body[..offset];
    let line = body_line + before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Pos {
        line,
        column: body[line_start..offset].chars().count() as u32 + 1,
    }
}

/// Diagnostics for the links of one body that do not resolve to an existing `.md` file.
pub fn check(
    file: &str,
    body: &str,
    body_line: u32,
    existing: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    broken(file, &md_links(file, body, body_line), existing)
}

/// Diagnostics for the links (found earlier by [`md_links`]) whose target does not exist.
pub fn broken(file: &str, links: &[MdLink], existing: &BTreeSet<String>) -> Vec<Diagnostic> {
    links
        .iter()
        .filter(|link| !link.resolved.as_ref().is_some_and(|p| existing.contains(p)))
        .map(|link| {
            let help = match &link.resolved {
                Some(path) => format!(
                    "no file {path}; check the spelling and the folder (`../` climbs one level)"
                ),
                None => {
                    "the link leaves content/; link to another record with a relative path".into()
                }
            };
            Diagnostic::new(
                Code::BrokenLink,
                file,
                link.pos,
                format!("broken link to `{}`", link.target),
            )
            .length(link.length)
            .help(help)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution() {
        let f = "content/customers/east/a.md";
        assert_eq!(
            resolve(f, "b.md").as_deref(),
            Some("content/customers/east/b.md")
        );
        assert_eq!(
            resolve(f, "../../playbooks/x.md").as_deref(),
            Some("content/playbooks/x.md")
        );
        assert_eq!(resolve(f, "../../../README.md"), None);
        assert_eq!(resolve(f, "../../../../etc/passwd.md"), None);
    }

    #[test]
    fn only_relative_md_destinations() {
        assert_eq!(relative_md_path("a.md#top").as_deref(), Some("a.md"));
        assert_eq!(relative_md_path("%E5%8D%8E.md").as_deref(), Some("华.md"));
        assert_eq!(relative_md_path("https://x.com/a.md"), None);
        assert_eq!(relative_md_path("/content/a.md"), None);
        assert_eq!(relative_md_path("mailto:a@b.md"), None);
        assert_eq!(relative_md_path("#a.md"), None);
        assert_eq!(relative_md_path("%E华.md").as_deref(), Some("%E华.md"));
        assert_eq!(relative_md_path("a.html"), None);
    }

    #[test]
    fn positions_inline_and_reference_and_skips_code() {
        let body = "intro\n\nsee [x](missing.md) and `[y](code.md)`\n\n```\n[z](fence.md)\n```\n[r][ref]\n\n[ref]: ../playbooks/none.md\n";
        let links = md_links("content/customers/a.md", body, 5);
        let found: Vec<(&str, u32, u32)> = links
            .iter()
            .map(|l| (l.target.as_str(), l.pos.line, l.pos.column))
            .collect();
        assert_eq!(found[0], ("missing.md", 7, 9));
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[1].0, "../playbooks/none.md");
        assert_eq!(found[1].1, 12);
    }

    #[test]
    fn check_reports_only_missing() {
        let existing = BTreeSet::from(["content/playbooks/a.md".to_string()]);
        let body = "[ok](../playbooks/a.md) [bad](../playbooks/b.md)";
        let d = check("content/customers/x.md", body, 4, &existing);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].line, d[0].column), (4, 31));
        assert_eq!(d[0].message, "broken link to `../playbooks/b.md`");
    }
}
