//! The bundled example site, built and read back with a real HTML5 parser: every internal link
//! and fragment resolves, nothing is loaded from another host, and every page passes the checks
//! a validator would make. Each test lists every problem it finds in one failure message.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use dossier::site::{BuildOptions, Outcome, build};
use scraper::Html;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A site-relative file path (`customers/x/index.html`) to its bytes.
type Tree = BTreeMap<String, Vec<u8>>;

/// Builds the example site with `base_url` into a fresh folder and reads every file back.
fn build_example(base_url: Option<&str>) -> Tree {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("public");
    let options = BuildOptions {
        out: Some(out.clone()),
        base_url: base_url.map(str::to_string),
        ..BuildOptions::default()
    };
    match build(repo(), &options).expect("build") {
        Outcome::Built(_) => {}
        Outcome::Invalid(invalid) => panic!("invalid: {:?}", invalid.report.diagnostics()),
    }
    common::read_tree(&out)
}

/// The site's own `base_url` from site.yaml.
fn site_base_url() -> String {
    config_value("base_url").unwrap_or_else(|| "/".to_string())
}

/// A top-level scalar of the example's site.yaml (enough for `base_url` and `edit_url`).
fn config_value(key: &str) -> Option<String> {
    let text = fs::read_to_string(repo().join("site.yaml")).expect("site.yaml");
    text.lines().find_map(|line| {
        let value = line.strip_prefix(key)?.strip_prefix(':')?.trim();
        Some(value.trim_matches(|c| c == '"' || c == '\'').to_string())
    })
}

/// Every Markdown and YAML file of the example's content, concatenated: an external link in the
/// site is legitimate only if its URL is written here (a website field, a link in a note).
fn record_text() -> String {
    let mut text = String::new();
    for entry in walkdir::WalkDir::new(repo().join("content")).sort_by_file_name() {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            text.push_str(&fs::read_to_string(entry.path()).expect("read"));
            text.push('\n');
        }
    }
    text
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = bytes.get(i + 1..i + 3)
            && let Ok(hex) = std::str::from_utf8(hex)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where a URL in a page points.
#[derive(Debug, PartialEq)]
enum Target {
    /// A file of the site (site-relative, decoded, `dir/` made `dir/index.html`), and a fragment.
    Internal {
        path: String,
        fragment: Option<String>,
    },
    /// Another host.
    External(String),
    /// `mailto:`, `tel:`, `data:`: nothing to resolve.
    Other,
    /// Cannot be resolved: under the host but outside the base URL, `javascript:`, `..` above
    /// the root.
    Bad(String),
}

/// The scheme of an absolute URL (`https`, `mailto`), lower-case.
fn scheme(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .then(|| scheme.to_ascii_lowercase())
}

/// Resolves `url` as written in the page `page` (a site-relative file path) of a site served
/// at `base` (`/`, `/crm/` or `https://host/crm/`).
fn resolve(url: &str, page: &str, base: &str) -> Target {
    let url = url.trim();
    let base = format!("{}/", base.trim_end_matches('/'));
    // The path part of the base: what a site-absolute link must start with.
    let (base_origin, base_path) = match scheme(&base) {
        Some(_) => {
            let after = base.split_once("://").map_or("", |(_, rest)| rest);
            let host_end = after.find('/').unwrap_or(after.len());
            (
                Some(base[..base.len() - after.len() + host_end].to_string()),
                after[host_end..].to_string(),
            )
        }
        None => (None, base.clone()),
    };
    let mut rest = url.to_string();
    if let Some(origin) = &base_origin
        && let Some(path) = url.strip_prefix(origin.as_str())
        && (path.is_empty() || path.starts_with('/'))
    {
        rest = path.to_string();
    } else if url.starts_with("//") {
        return Target::External(url.to_string());
    } else if let Some(s) = scheme(url) {
        return match s.as_str() {
            "http" | "https" => Target::External(url.to_string()),
            "mailto" | "tel" | "data" => Target::Other,
            _ => Target::Bad(format!("unexpected scheme in `{url}`")),
        };
    }
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r.to_string(), Some(percent_decode(f))),
        None => (rest, None),
    };
    let rest = rest.split('?').next().unwrap_or_default().to_string();
    let page_dir = page.rsplit_once('/').map_or("", |(dir, _)| dir);
    let joined = if rest.is_empty() {
        // `#x` or `?q=`: this page.
        return Target::Internal {
            path: page.to_string(),
            fragment,
        };
    } else if let Some(abs) = rest.strip_prefix('/') {
        match format!("/{abs}").strip_prefix(base_path.as_str()) {
            Some(inside) => inside.to_string(),
            None if format!("/{abs}/") == base_path => String::new(),
            None => return Target::Bad(format!("`{url}` is outside the base URL {base}")),
        }
    } else if page_dir.is_empty() {
        rest.clone()
    } else {
        format!("{page_dir}/{rest}")
    };
    let decoded = percent_decode(&joined);
    let mut parts: Vec<&str> = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Target::Bad(format!("`{url}` climbs above the site root"));
                }
            }
            p => parts.push(p),
        }
    }
    let mut path = parts.join("/");
    if decoded.is_empty() || decoded.ends_with('/') {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Target::Internal { path, fragment }
}

/// One attribute value that names a resource, with what kind of use it is.
struct Reference {
    element: String,
    attribute: &'static str,
    url: String,
    /// True when the browser fetches it to show the page (`src`, stylesheets, preloads…);
    /// false for navigation (`<a href>`, `<form action>`).
    loads: bool,
}

/// What one page says about itself.
#[derive(Default)]
struct PageFacts {
    ids: BTreeSet<String>,
    references: Vec<(String, &'static str, String, bool)>,
    problems: Vec<String>,
}

/// Candidates of a `srcset`: the URLs without their width or density descriptors.
fn srcset_urls(value: &str) -> Vec<String> {
    value
        .split(',')
        .filter_map(|candidate| candidate.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// `url(...)` values in a piece of CSS.
fn css_urls(css: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut rest = css;
    while let Some(at) = rest.find("url(") {
        rest = &rest[at + 4..];
        let end = rest.find(')').unwrap_or(rest.len());
        let url = rest[..end].trim().trim_matches(|c| c == '"' || c == '\'');
        urls.push(url.to_string());
        rest = &rest[end..];
    }
    // `@import "x.css"` without url().
    for line in css.lines() {
        if let Some(after) = line.trim().strip_prefix("@import")
            && let Some(quoted) = after.trim().strip_prefix(['"', '\''])
        {
            urls.push(
                quoted
                    .split(['"', '\''])
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
    }
    urls
}

/// Parses one page and collects its ids, the URLs it references and its validity problems.
fn read_page(text: &str) -> PageFacts {
    let html = Html::parse_document(text);
    let mut facts = PageFacts::default();
    for error in &html.errors {
        facts.problems.push(format!("HTML parse error: {error}"));
    }
    let mut seen_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut mains = 0;
    let mut h1s = 0;
    let mut titles = Vec::new();
    // ids referenced by `for`, `aria-labelledby`, `aria-describedby`, `aria-controls`, `list`.
    let mut id_refs: Vec<(String, String)> = Vec::new();
    for node in html.tree.nodes() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        let html_ns = &*element.name.ns == "http://www.w3.org/1999/xhtml";
        let name = element.name().to_string();
        if let Some(id) = element.id() {
            *seen_ids.entry(id.to_string()).or_default() += 1;
        }
        let mut refer = |attribute: &'static str, url: &str, loads: bool| {
            facts
                .references
                .push((name.clone(), attribute, url.to_string(), loads));
        };
        match name.as_str() {
            // SVG has its own `title` and `a`: only HTML elements count here.
            _ if !html_ns => {}
            "main" => mains += 1,
            "h1" => h1s += 1,
            "title" => {
                let text: String = scraper::ElementRef::wrap(node)
                    .map(|e| e.text().collect())
                    .unwrap_or_default();
                titles.push(text);
            }
            "img" if element.attr("alt").is_none() => facts.problems.push(format!(
                "<img src=\"{}\"> has no alt attribute",
                element.attr("src").unwrap_or_default()
            )),
            "table" => {
                let table = scraper::ElementRef::wrap(node).expect("element");
                let has_th = table
                    .descendants()
                    .filter_map(|d| d.value().as_element())
                    .any(|e| e.name() == "th");
                if !has_th {
                    facts.problems.push(format!(
                        "<table{}> has no <th> header cell",
                        element
                            .id()
                            .map(|id| format!(" id=\"{id}\""))
                            .unwrap_or_default()
                    ));
                }
            }
            "style" => {
                let css: String = scraper::ElementRef::wrap(node)
                    .map(|e| e.text().collect())
                    .unwrap_or_default();
                for url in css_urls(&css) {
                    refer("style", &url, true);
                }
            }
            _ => {}
        }
        for (attribute, value) in element.attrs() {
            match attribute {
                "href" => {
                    let loads = name == "link";
                    refer("href", value, loads);
                }
                "src" => refer("src", value, true),
                "poster" => refer("poster", value, true),
                "data" if name == "object" => refer("data", value, true),
                "action" if name == "form" => refer("action", value, false),
                "srcset" | "imagesrcset" => {
                    for url in srcset_urls(value) {
                        refer("srcset", &url, true);
                    }
                }
                "style" => {
                    for url in css_urls(value) {
                        refer("style", &url, true);
                    }
                }
                "for" | "list" => id_refs.push((format!("{name} {attribute}"), value.to_string())),
                "aria-labelledby" | "aria-describedby" | "aria-controls" => {
                    for id in value.split_whitespace() {
                        id_refs.push((format!("{name} {attribute}"), id.to_string()));
                    }
                }
                _ => {}
            }
        }
    }
    for (id, count) in &seen_ids {
        if *count > 1 {
            facts
                .problems
                .push(format!("id \"{id}\" is used {count} times"));
        }
    }
    for (what, id) in id_refs {
        if !seen_ids.contains_key(&id) {
            facts
                .problems
                .push(format!("<{what}=\"{id}\"> names no element of the page"));
        }
    }
    if mains != 1 {
        facts
            .problems
            .push(format!("{mains} <main> elements, expected exactly one"));
    }
    if h1s != 1 {
        facts
            .problems
            .push(format!("{h1s} <h1> elements, expected exactly one"));
    }
    if titles.len() != 1 || titles[0].trim().is_empty() {
        facts
            .problems
            .push(format!("expected one non-empty <title>, found {titles:?}"));
    }
    facts.ids = seen_ids.into_keys().collect();
    facts
}

/// What [`check_site`] looked at and found.
#[derive(Debug, Default)]
struct Checked {
    /// `file: problem`, in file order.
    problems: Vec<String>,
    pages: usize,
    /// Internal references resolved, and how many of them carried a fragment.
    internal: usize,
    fragments: usize,
    /// Links to other hosts that were allowed (they come from records or the edit URL).
    external: usize,
}

/// Checks the site built with `base`: broken links and fragments, loads from other hosts,
/// external links that no record contains, and validity problems, each as `file: problem`.
fn check_site(tree: &Tree, base: &str) -> Checked {
    let mut checked = Checked::default();
    let records = record_text();
    let edit_prefix = config_value("edit_url")
        .map(|u| u.split("{path}").next().unwrap_or_default().to_string())
        .filter(|p| !p.is_empty());
    let mut problems = Vec::new();
    let mut pages: BTreeMap<&str, PageFacts> = BTreeMap::new();
    for (path, bytes) in tree {
        if path.ends_with(".html") {
            let text = std::str::from_utf8(bytes).expect("UTF-8 page");
            pages.insert(path, read_page(text));
        }
    }
    // Static CSS: every url() is a file of the site, never another host.
    let mut references: Vec<(&str, Reference)> = Vec::new();
    for (path, bytes) in tree.iter().filter(|(p, _)| p.ends_with(".css")) {
        for url in css_urls(&String::from_utf8_lossy(bytes)) {
            references.push((
                path,
                Reference {
                    element: "css".into(),
                    attribute: "url()",
                    url,
                    loads: true,
                },
            ));
        }
    }
    for (page, facts) in &mut pages {
        for problem in facts.problems.drain(..) {
            problems.push(format!("{page}: {problem}"));
        }
        for (element, attribute, url, loads) in facts.references.drain(..) {
            references.push((
                page,
                Reference {
                    element,
                    attribute,
                    url,
                    loads,
                },
            ));
        }
    }
    for (page, r) in &references {
        let shown = format!("<{} {}=\"{}\">", r.element, r.attribute, r.url);
        match resolve(&r.url, page, base) {
            Target::Internal { path, fragment } => {
                checked.internal += 1;
                checked.fragments += usize::from(fragment.as_ref().is_some_and(|f| !f.is_empty()));
                if !tree.contains_key(&path) {
                    let hint = if tree.contains_key(&format!("{path}/index.html")) {
                        " (a folder: the link lacks its trailing /)"
                    } else {
                        ""
                    };
                    problems.push(format!("{page}: {shown} -> {path} was not written{hint}"));
                } else if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                    match pages.get(path.as_str()) {
                        Some(target) if target.ids.contains(&fragment) => {}
                        Some(_) => problems.push(format!(
                            "{page}: {shown} -> {path} has no element with id \"{fragment}\""
                        )),
                        None => problems.push(format!(
                            "{page}: {shown} -> a fragment into {path}, which is not a page"
                        )),
                    }
                }
            }
            Target::External(url) => {
                if r.loads {
                    problems.push(format!("{page}: {shown} loads from another host"));
                } else {
                    let from_records = records.contains(url.as_str())
                        || records.contains(percent_decode(&url).as_str());
                    let edit_link = edit_prefix.as_ref().is_some_and(|p| url.starts_with(p));
                    if r.element != "a" || !(from_records || edit_link) {
                        problems.push(format!(
                            "{page}: {shown} points to another host and comes from no record"
                        ));
                    } else {
                        checked.external += 1;
                    }
                }
            }
            Target::Other => {}
            Target::Bad(why) => problems.push(format!("{page}: {shown}: {why}")),
        }
    }
    checked.pages = pages.len();
    checked.problems = problems;
    checked
}

/// Fails with every problem listed; also fails when the check saw too little to mean anything.
fn assert_clean(checked: Checked, what: &str) {
    let problems = &checked.problems;
    assert!(
        problems.is_empty(),
        "{} problems in {what}:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The example has ~40 customers, each linked from several pages, with in-page tables of
    // contents and edit links: a check that found far fewer links than that read nothing.
    assert!(
        checked.pages > 50 && checked.internal > 2000 && checked.fragments > 100,
        "too little was checked in {what}: {checked:?}"
    );
    assert!(
        checked.external > 40,
        "record websites and edit links are external links: {checked:?}"
    );
}

#[test]
fn every_link_fragment_and_page_of_the_example_site_is_valid() {
    let base = site_base_url();
    let tree = build_example(None);
    let checked = check_site(&tree, &base);
    eprintln!("{checked:?}");
    assert_clean(checked, &format!("the example site at {base}"));
}

#[test]
fn every_link_resolves_under_a_base_url_with_a_path() {
    // Served from a sub-folder of another host, every internal link must carry the prefix:
    // a link written as `/static/...` would point outside the site.
    for base in ["/intranet/crm/", "https://intranet.example.com/crm/"] {
        let tree = build_example(Some(base));
        assert_clean(
            check_site(&tree, base),
            &format!("the example site at {base}"),
        );
    }
}

// The checker itself: each kind of problem is found, so a clean site means something.

#[test]
fn resolve_follows_base_url_query_fragment_and_folders() {
    let page = "customers/acme/index.html";
    let internal = |path: &str, fragment: Option<&str>| Target::Internal {
        path: path.into(),
        fragment: fragment.map(str::to_string),
    };
    assert_eq!(
        resolve("/crm/tags/%E9%87%8D%E7%82%B9/?x=1#top", page, "/crm/"),
        internal("tags/重点/index.html", Some("top"))
    );
    assert_eq!(
        resolve("https://h.example/crm/", page, "https://h.example/crm"),
        internal("index.html", None)
    );
    assert_eq!(
        resolve("#credit", page, "/"),
        internal(page, Some("credit"))
    );
    assert_eq!(
        resolve("../../static/style.css", page, "/"),
        internal("static/style.css", None)
    );
    assert_eq!(resolve("/crm", page, "/crm/"), internal("index.html", None));
    assert!(matches!(
        resolve("/static/x.css", page, "/crm/"),
        Target::Bad(_)
    ));
    assert!(matches!(resolve("../../../x", page, "/"), Target::Bad(_)));
    assert!(matches!(
        resolve("javascript:alert(1)", page, "/"),
        Target::Bad(_)
    ));
    assert_eq!(
        resolve("//cdn.example/x.js", page, "/"),
        Target::External("//cdn.example/x.js".into())
    );
    assert_eq!(resolve("mailto:a@b.example", page, "/"), Target::Other);
}

#[test]
fn the_checker_reports_each_kind_of_problem() {
    let page = |body: &str| {
        format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>t</title>\
             </head><body>{body}</body></html>"
        )
    };
    let mut tree = Tree::new();
    tree.insert(
        "index.html".into(),
        page(
            "<main><h1>Home</h1><p id=\"a\">x</p><p id=\"a\">y</p>\
             <a href=\"/missing/\">m</a> <a href=\"/other/#nope\">f</a> <a href=\"#a\">ok</a>\
             <img src=\"/static/logo.png\"><table><tr><td>1</td></tr></table>\
             <script src=\"https://cdn.example/x.js\"></script>\
             <a href=\"https://tracker.example/\">t</a>\
             <label for=\"ghost\">g</label></main>",
        )
        .into_bytes(),
    );
    tree.insert(
        "other/index.html".into(),
        page("<main><h1>A</h1><h1>B</h1></main><main></main><div></span></div>").into_bytes(),
    );
    tree.insert("static/logo.png".into(), Vec::new());
    tree.insert(
        "static/style.css".into(),
        b"body { background: url(https://fonts.example/bg.png) } .x { background: url(/static/none.png) }"
            .to_vec(),
    );
    let problems = check_site(&tree, "/").problems.join("\n");
    for expected in [
        "index.html: id \"a\" is used 2 times",
        "index.html: <a href=\"/missing/\"> -> missing/index.html was not written",
        "index.html: <a href=\"/other/#nope\"> -> other/index.html has no element with id \"nope\"",
        "index.html: <img src=\"/static/logo.png\"> has no alt attribute",
        "index.html: <table> has no <th> header cell",
        "index.html: <script src=\"https://cdn.example/x.js\"> loads from another host",
        "index.html: <a href=\"https://tracker.example/\"> points to another host and comes from no record",
        "index.html: <label for=\"ghost\"> names no element of the page",
        "other/index.html: 2 <h1> elements, expected exactly one",
        "other/index.html: 2 <main> elements, expected exactly one",
        "other/index.html: HTML parse error:",
        "static/style.css: <css url()=\"https://fonts.example/bg.png\"> loads from another host",
        "static/style.css: <css url()=\"/static/none.png\"> -> static/none.png was not written",
    ] {
        assert!(
            problems.contains(expected),
            "missing `{expected}` in:\n{problems}"
        );
    }
    assert!(
        !problems.contains("href=\"#a\""),
        "a valid fragment is no problem:\n{problems}"
    );
}
