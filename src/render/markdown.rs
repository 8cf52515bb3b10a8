//! Markdown bodies to HTML: the same extensions the validator uses, stable heading ids,
//! relative `.md` links rewritten to page URLs, and raw HTML escaped unless the site allows it.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::Serialize;
use unicode_width::UnicodeWidthChar;

use crate::validate::links::{markdown_options, relative_md_path, resolve};

use super::urls;

/// A rendered body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Html {
    /// The body as HTML, safe to insert unescaped.
    pub html: String,
    /// Headings in order, for a table of contents.
    pub headings: Vec<Heading>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// How to render bodies of one site.
#[derive(Clone, Debug)]
pub struct MarkdownSettings {
    /// The site's base URL, ending in `/`.
    pub base_url: String,
    /// Pass raw HTML and heading attributes through as written (site.yaml `markdown.allow_html`).
    pub allow_html: bool,
}

/// Renders `body`, the Markdown of the file at site-relative path `file`.
pub fn render(file: &str, body: &str, settings: &MarkdownSettings) -> Html {
    let mut events: Vec<Event> = Parser::new_ext(body, markdown_options()).collect();
    drop_line_breaks_between_wide_characters(&mut events);
    let mut out = Vec::with_capacity(events.len());
    let mut headings = Vec::new();
    let mut ids = HeadingIds::default();
    // Explicit ids are taken first, so generated ones never collide with them.
    for event in &events {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            ids.reserve(id);
        }
    }
    let mut events = events.into_iter();
    while let Some(event) = events.next() {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let mut inner = Vec::new();
                let mut text = String::new();
                for event in events.by_ref() {
                    if matches!(event, Event::End(TagEnd::Heading(_))) {
                        break;
                    }
                    if let Event::Text(t) | Event::Code(t) = &event {
                        text.push_str(t);
                    }
                    inner.push(event);
                }
                let id = match id {
                    Some(id) => id.to_string(),
                    None => ids.unique(&slug(&text)),
                };
                headings.push(Heading {
                    level: level_number(level),
                    id: id.clone(),
                    text: text.clone(),
                });
                let (classes, attrs) = if settings.allow_html {
                    (classes, attrs)
                } else {
                    (classes, Vec::new())
                };
                out.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes,
                    attrs,
                }));
                out.extend(inner.into_iter().map(|e| filter(file, e, settings)));
                out.push(Event::End(TagEnd::Heading(level)));
            }
            other => out.push(filter(file, other, settings)),
        }
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    Html { html, headings }
}

fn filter<'a>(file: &str, event: Event<'a>, settings: &MarkdownSettings) -> Event<'a> {
    match event {
        Event::Html(raw) | Event::InlineHtml(raw) if !settings.allow_html => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: rewrite(file, dest_url, settings),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !settings.allow_html && !is_safe_url(&dest_url) => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::from(""),
            title,
            id,
        }),
        other => other,
    }
}

/// A relative `.md` link becomes the URL of the page for that record, keeping its `#anchor`;
/// a URL with a scheme that can run script becomes `#` unless the site allows raw HTML.
fn rewrite<'a>(file: &str, dest: CowStr<'a>, settings: &MarkdownSettings) -> CowStr<'a> {
    if let Some(path) = relative_md_path(&dest) {
        let fragment = dest.find('#').map(|i| &dest[i..]).unwrap_or("");
        if let Some(url) =
            resolve(file, &path).and_then(|target| urls::record_url(&settings.base_url, &target))
        {
            return CowStr::from(format!("{url}{fragment}"));
        }
        return dest;
    }
    if !settings.allow_html && !is_safe_url(&dest) {
        return CowStr::from("#");
    }
    dest
}

/// Relative URLs and the schemes http, https, mailto and tel.
fn is_safe_url(dest: &str) -> bool {
    // Browsers drop ASCII tabs and newlines and leading spaces and controls before reading
    // the scheme, so `java\tscript:` is `javascript:`.
    let cleaned: String = dest
        .chars()
        .filter(|c| !c.is_ascii_control())
        .collect::<String>()
        .trim_start()
        .to_ascii_lowercase();
    let end = cleaned.find(['/', '?', '#']).unwrap_or(cleaned.len());
    match cleaned[..end].find(':') {
        None => true,
        Some(colon) => matches!(&cleaned[..colon], "http" | "https" | "mailto" | "tel"),
    }
}

/// Whether a line break in a paragraph between `before` and `after` joins the two lines
/// without a space: Chinese and Japanese are wrapped in the source without spaces, and a
/// browser would show the break as one. The rule of CSS Text 3 for segment breaks: both
/// characters East Asian wide, fullwidth or halfwidth, and neither Hangul (Korean uses spaces).
pub fn joins_lines(before: char, after: char) -> bool {
    is_east_asian_wide(before) && is_east_asian_wide(after)
}

fn is_east_asian_wide(c: char) -> bool {
    let halfwidth_katakana = ('\u{FF61}'..='\u{FF9F}').contains(&c);
    !is_hangul(c) && (UnicodeWidthChar::width(c) == Some(2) || halfwidth_katakana)
}

fn is_hangul(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7FF | 0xFFA0..=0xFFDC)
}

/// Removes the soft breaks that [`joins_lines`] joins, looking through inline markup
/// (`**粗体**` at the end of a line still joins with the next one).
fn drop_line_breaks_between_wide_characters(events: &mut Vec<Event>) {
    let joined: Vec<usize> = (0..events.len())
        .filter(|&i| matches!(events[i], Event::SoftBreak))
        .filter(|&i| {
            let before = events[..i]
                .iter()
                .rev()
                .find_map(|e| inline_edge(e, Edge::Last));
            let after = events[i + 1..]
                .iter()
                .find_map(|e| inline_edge(e, Edge::First));
            matches!((before, after), (Some(Some(b)), Some(Some(a))) if joins_lines(b, a))
        })
        .collect();
    for i in joined.into_iter().rev() {
        events.remove(i);
    }
}

#[derive(Clone, Copy)]
enum Edge {
    First,
    Last,
}

/// Scanning away from a soft break: `None` to look further (inline markup without text),
/// `Some(char)` at text, `Some(None)` at anything that ends the search (another break, an
/// image, raw HTML, a block boundary).
fn inline_edge(event: &Event, edge: Edge) -> Option<Option<char>> {
    match event {
        Event::Text(t) | Event::Code(t) => Some(match edge {
            Edge::First => t.chars().next(),
            Edge::Last => t.chars().next_back(),
        }),
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
        | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link) => {
            None
        }
        _ => Some(None),
    }
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A heading's anchor: letters and digits of any script (Chinese kept) lower-cased, runs of
/// spaces, `-` and `_` as one `-`, other punctuation dropped; `section` when nothing is left.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' {
            dash = true;
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

/// The heading ids of one body, handed out so that none repeats.
#[derive(Default)]
struct HeadingIds {
    used: HashSet<String>,
    /// For each base, the suffix the search for a free id starts from: every lower one is
    /// taken (ids are never given back), so identical headings cost O(1) each, not O(n).
    next_suffix: HashMap<String, usize>,
}

impl HeadingIds {
    /// Reserves an id written by the author (`{#id}`).
    fn reserve(&mut self, id: &str) {
        self.used.insert(id.to_string());
    }

    /// `base`, or `base-1`, `base-2`, … whichever is free first.
    fn unique(&mut self, base: &str) -> String {
        let n = self.next_suffix.entry(base.to_string()).or_insert(0);
        let mut id = base.to_string();
        if *n > 0 || self.used.contains(&id) {
            loop {
                *n += 1;
                id = format!("{base}-{n}");
                if !self.used.contains(&id) {
                    break;
                }
            }
        }
        self.used.insert(id.clone());
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(allow_html: bool) -> MarkdownSettings {
        MarkdownSettings {
            base_url: "/crm/".to_string(),
            allow_html,
        }
    }

    fn html(body: &str) -> String {
        render("content/customers/east/acme.md", body, &settings(false)).html
    }

    #[test]
    fn extensions_are_on() {
        let out = html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n\nnote[^1]\n\n[^1]: the note\n",
        );
        assert!(out.contains("<table>"), "{out}");
        assert!(out.contains("<del>old</del>"), "{out}");
        assert!(out.contains("type=\"checkbox\""), "{out}");
        assert!(out.contains("footnote-definition"), "{out}");
    }

    #[test]
    fn headings_get_stable_unique_ids() {
        let r = render(
            "content/playbooks/p.md",
            "# 客户 概况\n\n## Sales & Growth 2024\n\n## Sales & Growth 2024\n\n## Own {#own}\n\n## own\n\n## !!!\n",
            &settings(false),
        );
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "客户-概况",
                "sales-growth-2024",
                "sales-growth-2024-1",
                "own",
                "own-1",
                "section"
            ]
        );
        assert!(
            r.html.contains("<h1 id=\"客户-概况\">客户 概况</h1>"),
            "{}",
            r.html
        );
        assert_eq!(r.headings[1].text, "Sales & Growth 2024");
        assert_eq!(r.headings[1].level, 2);
    }

    #[test]
    fn repeated_headings_count_up_around_taken_ids() {
        let body = "## same\n\n## same-2\n\n## same\n\n## same\n\n## same\n\n\
                    ## Other {#same-4}\n\n## same\n\n## same-1\n";
        let r = render("content/playbooks/p.md", body, &settings(false));
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "same", "same-2", "same-1", "same-3", "same-5", "same-4", "same-6", "same-1-1"
            ]
        );
    }

    #[test]
    fn wrapped_chinese_and_japanese_lines_join_without_a_space() {
        let out = html(
            "投诉已圆满解决；\n对内复盘流程。\n**重点**\n[客户](b.md)跟进\nかな\nカナ。\n\
             English words\nkeep a space, 中文\nand English too.\n한국어\n문장\n",
        );
        assert_eq!(
            out,
            "<p>投诉已圆满解决；对内复盘流程。<strong>重点</strong>\
             <a href=\"/crm/customers/east/b/\">客户</a>跟进かなカナ。\n\
             English words\nkeep a space, 中文\nand English too.\n한국어\n문장</p>\n"
        );
        assert!(joins_lines('；', '对') && joins_lines('ｶ', '。'));
        assert!(!joins_lines('文', 'a') && !joins_lines('어', '문'));
    }

    #[test]
    fn relative_md_links_become_page_urls() {
        let out = html(
            "[b](b.md) [w](../west/华.md#联系人) [p](../../playbooks/complaints.md) [ref][r] \
             [web](https://example.com/x.md) [here](#top) [abs](/x/y.md)\n\n[r]: ../../playbooks/a%20b.md\n",
        );
        assert!(out.contains("href=\"/crm/customers/east/b/\""), "{out}");
        assert!(
            out.contains("href=\"/crm/customers/west/%E5%8D%8E/#%E8%81%94%E7%B3%BB%E4%BA%BA\""),
            "{out}"
        );
        assert!(out.contains("href=\"/crm/playbooks/complaints/\""), "{out}");
        assert!(out.contains("href=\"/crm/playbooks/a%20b/\""), "{out}");
        assert!(out.contains("href=\"https://example.com/x.md\""), "{out}");
        assert!(out.contains("href=\"#top\""), "{out}");
        assert!(out.contains("href=\"/x/y.md\""), "{out}");
    }

    #[test]
    fn raw_html_is_inert_by_default() {
        let body = "Hi <img src=x onerror=alert(1)> there\n\n<script>alert(1)</script>\n\n\
                    [x](javascript:alert(1)) [y](JaVa\tScRiPt:alert(1)) ![i](javascript:alert(1))\n\n\
                    ## T {onclick=alert(1)}\n";
        let out = html(body);
        assert!(!out.contains("<img src=x"), "{out}");
        assert!(!out.contains("<script"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
        assert!(out.contains("&lt;img src=x onerror=alert(1)&gt;"), "{out}");
        assert!(!out.to_ascii_lowercase().contains("javascript:"), "{out}");
        assert!(!out.contains("onclick"), "{out}");
    }

    #[test]
    fn raw_html_passes_when_allowed() {
        let out = render(
            "content/customers/a.md",
            "<div class=\"note\">x</div>\n\nand <b>bold</b>\n",
            &settings(true),
        )
        .html;
        assert!(out.contains("<div class=\"note\">x</div>"), "{out}");
        assert!(out.contains("<b>bold</b>"), "{out}");
    }

    #[test]
    fn safe_urls() {
        for ok in [
            "a.html",
            "/x",
            "https://x",
            "mailto:a@b.c",
            "tel:+86",
            "x/y:z",
            "#a:b",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:x",
            " JAVASCRIPT:x",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert!(!is_safe_url(bad), "{bad}");
        }
    }
}
