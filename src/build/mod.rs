//! The build pipeline: check → (analyse) → render → write.
//!
//! This first cut renders the pages that need no analytics (home with counts and recent
//! changes, customer index and dossiers, playbooks, 404) and writes them atomically. The
//! analytics pages plug in at [`render_site`] once `analytics::analyse` has landed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;

use crate::config::{Language, SiteConfig};
use crate::diagnostics::{Code, Diagnostic, Report, Sources};
use crate::git::{self, History};
use crate::model::{Customer, Site, Stage};
use crate::render::markdown::{self, MarkdownSettings};
use crate::render::{PageMemo, RenderError, Renderer, charts, format, urls};
use crate::validate::{self, CheckError, Checked};
use crate::write::{self, Files, WriteError};
use crate::yaml::Pos;

/// Command-line choices that override site.yaml.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    pub config: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    pub as_of: Option<Date>,
    /// Warnings fail the build too.
    pub strict: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Check(#[from] CheckError),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// What a build did.
#[derive(Debug)]
pub enum Outcome {
    /// The content or the theme has errors: nothing was written. The caller prints them.
    Invalid(Box<Invalid>),
    Built(Summary),
}

#[derive(Debug)]
pub struct Summary {
    pub out: PathBuf,
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// A note about record history (no git, shallow clone), to print once.
    pub history_note: Option<String>,
    /// Time per phase, in order, for `--verbose`.
    pub phases: Vec<(&'static str, Duration)>,
}

/// Why a site could not be built, as diagnostics (content, configuration or templates).
#[derive(Debug)]
pub struct Invalid {
    pub report: Report,
    pub sources: Sources,
    pub files_checked: usize,
}

impl From<Checked> for Invalid {
    fn from(checked: Checked) -> Self {
        Invalid {
            report: checked.report,
            sources: checked.sources,
            files_checked: checked.files_checked,
        }
    }
}

impl Invalid {
    fn theme(error: &RenderError, theme: &str, root: &Path) -> Self {
        let diagnostic = template_diagnostic(error, theme);
        let mut sources = Sources::new();
        if let Ok(text) = std::fs::read_to_string(root.join(&diagnostic.file)) {
            sources.insert(diagnostic.file.clone(), text);
        }
        Invalid {
            report: Report::new(vec![diagnostic]),
            sources,
            files_checked: 0,
        }
    }
}

/// A theme problem as a diagnostic that names the template file and, when tera gives it, the
/// line and column.
fn template_diagnostic(error: &RenderError, theme: &str) -> Diagnostic {
    let message = error.to_string();
    let located = regex_lite::Regex::new(r"([\w./-]+\.(?:html|json|css|js))(?::(\d+)(?::(\d+))?)?")
        .ok()
        .and_then(|re| {
            re.captures(&message).map(|c| {
                (
                    c[1].to_string(),
                    c.get(2).map(|m| m.as_str().to_string()),
                    c.get(3).map(|m| m.as_str().to_string()),
                )
            })
        });
    let (file, line, column) = match located {
        Some((file, line, column)) => (
            format!(
                "themes/{theme}/templates/{}",
                file.trim_start_matches("templates/")
            ),
            line.and_then(|l| l.parse().ok()).unwrap_or(1),
            column.and_then(|c| c.parse().ok()).unwrap_or(1),
        ),
        None => (format!("themes/{theme}"), 1, 1),
    };
    // tera's text carries its own snippet after the first line; the diagnostic shows ours.
    let first_line = message.lines().next().unwrap_or_default().replacen(
        "template error: error: ",
        "template error: ",
        1,
    );
    Diagnostic::new(Code::TemplateError, file, Pos { line, column }, first_line)
        .help("fix the template (or remove the override to use the built-in one); docs/themes.md lists the variables")
}

/// The site rendered in memory, before it is written.
#[derive(Debug)]
pub struct Rendered {
    pub files: Files,
    pub config: SiteConfig,
    pub history_note: Option<String>,
    pub phases: Vec<(&'static str, Duration)>,
}

impl Rendered {
    pub fn pages(&self) -> usize {
        self.files.keys().filter(|p| p.ends_with(".html")).count()
    }
}

/// Checks, analyses and renders the site at `root` into memory; writes nothing. The preview
/// server uses this directly; [`build`] adds the atomic write.
pub fn render(
    root: &Path,
    options: &BuildOptions,
) -> Result<Result<Rendered, Box<Invalid>>, BuildError> {
    let mut phases = Vec::new();
    let start = Instant::now();
    let checked = validate::check_site(root, options.config.as_deref())?;
    phases.push(("check", start.elapsed()));
    render_checked(root, options, checked, None, phases)
}

/// What the preview keeps between builds: the checks of unchanged files and the rendered
/// pages whose inputs are unchanged.
#[derive(Default)]
pub struct PreviewCache {
    checks: validate::Cache,
    pages: Arc<PageMemo>,
}

/// [`render`], reusing from `cache` what did not change since the last call.
pub fn render_cached(
    root: &Path,
    options: &BuildOptions,
    cache: &mut PreviewCache,
) -> Result<Result<Rendered, Box<Invalid>>, BuildError> {
    let mut phases = Vec::new();
    let start = Instant::now();
    let checked = validate::check_site_cached(root, options.config.as_deref(), &mut cache.checks)?;
    phases.push(("check", start.elapsed()));
    render_checked(root, options, checked, Some(cache.pages.clone()), phases)
}

fn render_checked(
    root: &Path,
    options: &BuildOptions,
    checked: Checked,
    memo: Option<Arc<PageMemo>>,
    mut phases: Vec<(&'static str, Duration)>,
) -> Result<Result<Rendered, Box<Invalid>>, BuildError> {
    if checked.report.fails(options.strict) {
        return Ok(Err(Box::new(Invalid::from(checked))));
    }
    let mut config = checked.config;
    if let Some(base) = &options.base_url {
        config.base_url = base.clone();
    }
    if let Some(as_of) = options.as_of {
        config.as_of = Some(as_of);
    }

    let start = Instant::now();
    let history = git::history(root);
    phases.push(("history", start.elapsed()));

    let start = Instant::now();
    let files = match Renderer::new(root, &config)
        .map(|renderer| match memo {
            Some(memo) => renderer.with_memo(memo),
            None => renderer,
        })
        .and_then(|renderer| render_site(&renderer, &checked.site, &config, &history))
    {
        Ok(files) => files,
        Err(error) => return Ok(Err(Box::new(Invalid::theme(&error, &config.theme, root)))),
    };
    phases.push(("render", start.elapsed()));
    Ok(Ok(Rendered {
        files,
        config,
        history_note: history.note,
        phases,
    }))
}

/// Builds the site at `root` and writes it atomically to the output folder.
pub fn build(root: &Path, options: &BuildOptions) -> Result<Outcome, BuildError> {
    let mut rendered = match render(root, options)? {
        Ok(rendered) => rendered,
        Err(invalid) => return Ok(Outcome::Invalid(invalid)),
    };
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| root.join(&rendered.config.output_dir));
    let pages = rendered.pages();
    let start = Instant::now();
    let written = write::write_site(&out, &rendered.files)?;
    rendered.phases.push(("write", start.elapsed()));
    Ok(Outcome::Built(Summary {
        out,
        pages,
        files: written.files,
        bytes: written.bytes,
        history_note: rendered.history_note,
        phases: rendered.phases,
    }))
}

fn stage_label(stage: Stage, language: Language) -> &'static str {
    match language {
        Language::ZhCn => stage.label_zh(),
        Language::En => stage.label_en(),
    }
}

fn page(title: &str, section: &str) -> serde_json::Value {
    json!({ "title": title, "section": section })
}

/// Every output file of the site, by path.
pub fn render_site(
    renderer: &Renderer,
    site: &Site,
    config: &SiteConfig,
    history: &History,
) -> Result<Files, RenderError> {
    let base = renderer.site().base_url.clone();
    let language = renderer.language();
    let md = MarkdownSettings {
        base_url: base.clone(),
        allow_html: config.markdown.allow_html,
    };
    let mut files: Files = renderer.static_files().clone();
    let mut add = |path: String, html: String| {
        files.insert(path, html.into_bytes());
    };

    // Home: counts by stage and recently changed records.
    let titles: BTreeMap<&str, (&str, String)> = site
        .customers
        .iter()
        .map(|c| {
            (
                c.source.path.as_str(),
                (
                    c.name.as_str(),
                    urls::record_url(&base, &c.source.path).unwrap_or_default(),
                ),
            )
        })
        .chain(site.playbooks.iter().map(|p| {
            (
                p.source.path.as_str(),
                (
                    p.title.as_str(),
                    urls::record_url(&base, &p.source.path).unwrap_or_default(),
                ),
            )
        }))
        .collect();
    let mut stats = vec![json!({
        "label": renderer.t("customer_count"), "value": format::number(site.customers.len() as f64, 0),
        "url": urls::page_url(&base, "customers"), "note": null
    })];
    for stage in Stage::ALL {
        let n = site.customers.iter().filter(|c| c.stage == *stage).count();
        stats.push(json!({"label": stage_label(*stage, language),
            "value": format::number(n as f64, 0), "url": null, "note": null}));
    }
    let recent: Vec<_> = history
        .recent(10, |p| titles.contains_key(p))
        .into_iter()
        .map(|(path, h)| {
            let (title, url) = &titles[path];
            json!({"title": title, "url": url, "date": h.last_changed.to_string(),
                "date_display": format::date(h.last_changed, language), "author": h.last_author})
        })
        .collect();
    add(
        "index.html".into(),
        renderer.render(
            "index.html",
            &json!({"page": page(&config.title, "home"), "stats": stats, "charts": [], "recent": recent}),
        )?,
    );

    // Customer index.
    let rows: Vec<_> = site
        .customers
        .iter()
        .map(|c| {
            json!({"id": c.id, "name": c.name, "url": urls::record_url(&base, &c.source.path),
                "stage": c.stage.as_str(), "owner": c.owner, "region": c.profile.region,
                "industry": c.profile.industry, "grade": null, "abc": null,
                "revenue": null, "revenue_display": null})
        })
        .collect();
    add(
        urls::page_file("customers"),
        renderer.render(
            "customers.html",
            &json!({"page": page(renderer.t("customers"), "customers"), "customers": rows}),
        )?,
    );

    // One dossier per customer, in parallel.
    let dossiers: Vec<(String, String)> = site
        .customers
        .par_iter()
        .map(|c| {
            let html = renderer.render(
                "customer.html",
                &customer_context(renderer, c, config, history, &md),
            )?;
            Ok((urls::page_file(&urls::customer_page(&c.source.slug)), html))
        })
        .collect::<Result<_, RenderError>>()?;
    for (path, html) in dossiers {
        add(path, html);
    }

    // Playbooks. Selector matching needs the analytics (grades, ABC…); until then no list.
    let list: Vec<_> = site
        .playbooks
        .iter()
        .map(|p| {
            json!({"title": p.title, "url": urls::record_url(&base, &p.source.path),
            "summary": p.summary, "customers": []})
        })
        .collect();
    add(
        urls::page_file("playbooks"),
        renderer.render(
            "playbooks.html",
            &json!({"page": page(renderer.t("playbooks"), "playbooks"), "playbooks": list}),
        )?,
    );
    for p in &site.playbooks {
        let body = markdown::render(&p.source.path, &p.body, &md).html;
        add(
            urls::page_file(&urls::playbook_page(&p.source.slug)),
            renderer.render(
                "playbook.html",
                &json!({"page": page(&p.title, "playbooks"),
                    "playbook": {"title": p.title, "summary": p.summary},
                    "body": body, "customers": []}),
            )?,
        );
    }

    add(
        "404.html".into(),
        renderer.render(
            "404.html",
            &json!({"page": page(renderer.t("not_found_title"), "")}),
        )?,
    );
    Ok(files)
}

#[derive(Serialize)]
struct Fact {
    label: String,
    value: String,
}

fn customer_context(
    renderer: &Renderer,
    c: &Customer,
    config: &SiteConfig,
    history: &History,
    md: &MarkdownSettings,
) -> serde_json::Value {
    let language = renderer.language();
    let p = &c.profile;
    let facts: Vec<Fact> = [
        ("region", p.region.clone()),
        ("city", p.city.clone()),
        ("industry", p.industry.clone()),
    ]
    .into_iter()
    .filter_map(|(key, value)| {
        value.map(|value| Fact {
            label: renderer.t(key).to_string(),
            value,
        })
    })
    .collect();
    let money = |v: Option<f64>| v.map(|v| format::money(v, language)).unwrap_or_default();
    let sales: Vec<_> = c
        .sales
        .iter()
        .map(|s| {
            json!({"year": s.year, "revenue": money(Some(s.revenue)),
            "target": money(s.target), "gross_profit": money(s.gross_profit)})
        })
        .collect();
    let data: Vec<charts::Datum> = c
        .sales
        .iter()
        .map(|s| charts::Datum::new(s.year.to_string(), s.revenue, money(Some(s.revenue))))
        .collect();
    let tick = |v: f64| format::money(v, language);
    let title = format!("{} · {}", c.name, renderer.t("sales"));
    let sales_chart = (!data.is_empty()).then(|| {
        charts::bar_chart(
            &charts::Chart {
                id: "chart-sales",
                title: &title,
                category: renderer.t("year"),
                ticks: &tick,
            },
            renderer.t("revenue"),
            &data,
        )
    });
    let history = history.get(&c.source.path).map(|h| {
        json!({"last_changed": h.last_changed.to_string(),
            "last_changed_display": format::date(h.last_changed, language),
            "last_author": h.last_author, "changes": h.changes})
    });
    let edit_url = config
        .edit_url
        .as_ref()
        .map(|u| u.replace("{path}", &c.source.path));
    json!({
        "page": page(&c.name, "customers"),
        "customer": c,
        "profile": facts,
        "since_display": c.since.map(|d| format::date(d, language)),
        "sales": sales,
        "charts": {"sales": sales_chart},
        "body": markdown::render(&c.source.path, &c.body, md).html,
        "playbooks": [],
        "history": history,
        "edit_url": edit_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// A site made of the `dossier init` sample records.
    fn sample_site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let scaffold = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli/scaffold");
        fs::copy(scaffold.join("site.yaml"), dir.path().join("site.yaml")).unwrap();
        for collection in ["customers", "playbooks"] {
            let to = dir.path().join("content").join(collection);
            fs::create_dir_all(&to).unwrap();
            for entry in fs::read_dir(scaffold.join(collection)).unwrap() {
                let entry = entry.unwrap();
                fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
            }
        }
        dir
    }

    fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (rel, fs::read(e.path()).unwrap())
            })
            .collect()
    }

    fn built(outcome: Outcome) -> Summary {
        match outcome {
            Outcome::Built(s) => s,
            Outcome::Invalid(c) => panic!("invalid: {:?}", c.report.diagnostics()),
        }
    }

    #[test]
    fn builds_deterministically_and_atomically() {
        let site = sample_site();
        let out = site.path().join("public");
        let summary = built(build(site.path(), &BuildOptions::default()).unwrap());
        assert!(summary.pages >= 7, "{summary:?}");
        let first = tree(&out);
        assert!(first.contains_key("index.html"));
        assert!(first.contains_key("customers/index.html"));
        assert!(first.contains_key("customers/hangzhou-mingda/index.html"));
        assert!(first.contains_key("404.html"));
        assert!(first.contains_key("static/style.css"));
        let dossier =
            String::from_utf8(first["customers/hangzhou-mingda/index.html"].clone()).unwrap();
        assert!(dossier.contains("杭州明达医疗器械有限公司"));
        assert!(dossier.contains("chart-sales"));

        // Two builds of the same inputs are byte-identical.
        built(build(site.path(), &BuildOptions::default()).unwrap());
        assert_eq!(tree(&out), first);

        // A build with an invalid record writes nothing and leaves the output as it was.
        fs::write(
            site.path().join("content/customers/broken.md"),
            "---\nid: KH-X\nname: x\nstage: nonsense\nowner: o\n---\n",
        )
        .unwrap();
        assert!(matches!(
            build(site.path(), &BuildOptions::default()).unwrap(),
            Outcome::Invalid(_)
        ));
        assert_eq!(tree(&out), first);
    }

    #[test]
    fn hostile_names_render_inert() {
        let site = sample_site();
        let path = site.path().join("content/customers/hangzhou-mingda.md");
        let text = fs::read_to_string(&path).unwrap().replacen(
            "name: 杭州明达医疗器械有限公司",
            "name: \"<script>alert(1)</script>\"",
            1,
        ) + "\n<img src=x onerror=alert(1)>\n";
        fs::write(&path, text).unwrap();
        built(build(site.path(), &BuildOptions::default()).unwrap());
        for (name, bytes) in tree(&site.path().join("public")) {
            if name.ends_with(".html") {
                let html = String::from_utf8(bytes).unwrap();
                assert!(!html.contains("<script>alert"), "{name}");
                assert!(!html.contains("<img src=x"), "{name}");
            }
        }
    }
}
