//! Rendering: Markdown bodies, SVG charts and theme templates to HTML.

pub mod charts;
pub mod compact;
mod fingerprint;
pub mod format;
pub mod markdown;
pub mod memo;
pub mod urls;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

pub(crate) mod theme;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use tera::{Context, Kwargs, State, Tera};

use crate::config::{Language, SiteConfig};

pub use memo::PageMemo;
pub use theme::ThemeFiles;

/// Failures to set up the theme or to render a page.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("theme `{name}` not found: there is no folder {path}")]
    ThemeNotFound { name: String, path: String },
    #[error("cannot read theme file {path}: {source}")]
    ThemeIo {
        path: String,
        source: std::io::Error,
    },
    #[error("theme file {path}: {message}")]
    ThemeFile { path: String, message: String },
    #[error("template error: {0}")]
    Template(String),
    #[error("rendering {template}: {message}")]
    Render { template: String, message: String },
}

/// Where a theme problem is, for its diagnostic: a path relative to the theme folder
/// (`templates/partials/x.html`, `i18n/en.json`), or the theme folder itself (`""`).
#[derive(Debug, PartialEq, Eq)]
pub struct ThemeLocation {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl RenderError {
    /// The file, line and column of the problem. tera marks the template it was in with
    /// ` --> name.html:line:col` (the partial or base layout, not the page being rendered);
    /// serde_json ends its messages with `at line L column C`.
    pub fn location(&self) -> ThemeLocation {
        let at = |file: String, line: u32, column: u32| ThemeLocation { file, line, column };
        match self {
            RenderError::ThemeNotFound { .. } => at(String::new(), 1, 1),
            RenderError::ThemeIo { path, .. } => at(path.clone(), 1, 1),
            RenderError::ThemeFile { path, message } => {
                let (line, column) = json_position(message).unwrap_or((1, 1));
                at(path.clone(), line, column)
            }
            RenderError::Template(message) => tera_position(message)
                .map(|(name, line, column)| at(format!("templates/{name}"), line, column))
                .unwrap_or_else(|| at("templates".to_string(), 1, 1)),
            RenderError::Render { template, message } => tera_position(message)
                .map(|(name, line, column)| at(format!("templates/{name}"), line, column))
                .unwrap_or_else(|| at(format!("templates/{template}"), 1, 1)),
        }
    }
}

fn tera_position(message: &str) -> Option<(String, u32, u32)> {
    let re = regex_lite::Regex::new(r"--> ([^\s:]+):(\d+):(\d+)").ok()?;
    let c = re.captures(message)?;
    Some((c[1].to_string(), c[2].parse().ok()?, c[3].parse().ok()?))
}

fn json_position(message: &str) -> Option<(u32, u32)> {
    let re = regex_lite::Regex::new(r"at line (\d+) column (\d+)").ok()?;
    let c = re.captures(message)?;
    Some((c[1].parse().ok()?, c[2].parse().ok()?))
}

/// The sections of the main navigation, in order; each is a page path and an i18n key
/// `nav_<section>`.
pub const NAV: [&str; 9] = [
    "home",
    "customers",
    "rankings",
    "credit",
    "retention",
    "satisfaction",
    "service",
    "prospects",
    "playbooks",
];

#[derive(Serialize)]
struct NavItem {
    section: &'static str,
    url: String,
}

/// The site-wide values every template sees as `site`.
#[derive(Clone, Debug, Serialize)]
pub struct SiteInfo {
    pub title: String,
    /// Ends in `/`.
    pub base_url: String,
    /// `zh-CN` or `en`, for `<html lang>`.
    pub language: &'static str,
    /// `<base_url>static/`.
    pub static_url: String,
}

/// Templates parsed once, translations and static files of the theme, for one site.
pub struct Renderer {
    tera: Tera,
    site: SiteInfo,
    language: Language,
    translations: BTreeMap<String, String>,
    statics: BTreeMap<String, Vec<u8>>,
    /// Pages of the previous preview build, reused when their inputs are unchanged.
    memo: Option<Arc<PageMemo>>,
    /// What every page depends on besides its context: templates, translations, configuration
    /// and globals. Part of each page's memo key.
    inputs: u64,
    /// The audience whose site this renders (`--audience`), if any.
    audience: Option<crate::audience::Audience>,
}

impl Renderer {
    /// Loads the theme named in `config` (embedded default, with files under
    /// `<root>/themes/<name>/` taking precedence) and parses every template once.
    pub fn new(root: &Path, config: &SiteConfig) -> Result<Self, RenderError> {
        let files = theme::load(root, &config.theme)?;
        Self::from_files(files, config)
    }

    fn from_files(files: ThemeFiles, config: &SiteConfig) -> Result<Self, RenderError> {
        let base_url = urls::normalize_base(&config.base_url);
        let language = config.language;
        let site = SiteInfo {
            title: config.title.clone(),
            base_url: base_url.clone(),
            language: language.as_str(),
            static_url: format!("{base_url}static/"),
        };
        let translations = files.translations(language.as_str())?;

        let mut tera = Tera::new();
        // Filters and functions first: tera checks that templates use known ones.
        register(&mut tera, language, &base_url);
        let templates: Vec<(String, String)> = files.templates()?;
        tera.add_raw_templates(templates.iter().map(|(n, c)| (n.as_str(), c.as_str())))
            .map_err(|e| RenderError::Template(error_text(&e)))?;
        let nav: Vec<NavItem> = NAV
            .iter()
            .map(|&section| NavItem {
                section,
                url: urls::page_url(&base_url, if section == "home" { "" } else { section }),
            })
            .collect();
        let globals = tera.global_context();
        globals.insert("site", &site);
        globals.insert("t", &translations);
        globals.insert("nav", &nav);
        globals.insert("build", &BTreeMap::<String, String>::new());
        globals.insert(
            "audience",
            &crate::audience::Audience::template_global(None),
        );
        let inputs = memo::fingerprint(&(&templates, &translations, config));
        Ok(Renderer {
            tera,
            site,
            language,
            translations,
            statics: files.statics(),
            memo: None,
            inputs,
            audience: None,
        })
    }

    /// Sets the `audience` global (its name and what it hides) and leaves the pages it does
    /// not have out of the navigation.
    pub fn set_audience(&mut self, audience: Option<&crate::audience::Audience>) {
        self.audience = audience.cloned();
        self.set_global(
            "audience",
            &crate::audience::Audience::template_global(audience),
        );
        let hidden = audience.map(|a| a.hidden.clone()).unwrap_or_default();
        let base_url = self.site.base_url.clone();
        let nav: Vec<NavItem> = NAV
            .iter()
            .filter(|section| crate::audience::shows_section(&hidden, section))
            .map(|&section| NavItem {
                section,
                url: urls::page_url(&base_url, if section == "home" { "" } else { section }),
            })
            .collect();
        self.set_global("nav", &nav);
    }

    /// The audience whose site this renders, if any.
    pub fn audience(&self) -> Option<&crate::audience::Audience> {
        self.audience.as_ref()
    }

    /// The fingerprint of the theme, configuration and globals every page is rendered with.
    pub fn inputs(&self) -> u64 {
        self.inputs
    }

    /// Sets a value every template sees, e.g. `build` (as-of date, reporting year).
    pub fn set_global(&mut self, key: &'static str, value: &impl Serialize) {
        self.inputs = memo::fingerprint(&(self.inputs, key, value));
        self.tera.global_context().insert(key, value);
    }

    pub fn site(&self) -> &SiteInfo {
        &self.site
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// The UI string for `key` in the site's language (the key itself when missing).
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.translations.get(key).map_or(key, String::as_str)
    }

    /// The UI string for `key`, when the theme's translations have it.
    pub fn t_opt(&self, key: &str) -> Option<&str> {
        self.translations.get(key).map(String::as_str)
    }

    /// Theme static files by output path (`static/style.css`), to copy into the site.
    pub fn static_files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.statics
    }

    /// Renders `template` with the top-level keys of `context` (a struct or map) next to
    /// the globals `site`, `t`, `nav` and `build`.
    pub fn render(&self, template: &str, context: &impl Serialize) -> Result<String, RenderError> {
        match &self.memo {
            Some(memo) => memo
                .page(memo::key(template, &(self.inputs, context)), || {
                    self.render_now(template, context)
                })
                .map(|page| page.to_string()),
            None => self.render_now(template, context),
        }
    }

    /// Renders `template` with the context `context` builds, building it only when the memo
    /// has no page for `inputs`, a fingerprint of everything the context is built from besides
    /// the theme, configuration and globals (which the renderer adds itself). For pages whose
    /// context costs much more than a hash of its inputs, like a dossier with its Markdown body
    /// and charts. Without a memo it builds and renders.
    pub fn render_with_inputs<C: Serialize>(
        &self,
        template: &str,
        inputs: u64,
        context: impl FnOnce() -> C,
    ) -> Result<String, RenderError> {
        self.render_built_with_inputs(template, inputs, || tera_context(template, &context()))
    }

    /// [`Renderer::render_with_inputs`] for a context built as tera's own values, which are
    /// not converted again (a dossier's: converting them cost 5 % of a build's CPU).
    pub fn render_built_with_inputs(
        &self,
        template: &str,
        inputs: u64,
        context: impl FnOnce() -> Result<Context, RenderError>,
    ) -> Result<String, RenderError> {
        match &self.memo {
            Some(_) => self
                .render_shared_built_with_inputs(template, inputs, context)
                .map(|page| page.to_string()),
            None => self.render_context(template, &context()?),
        }
    }

    /// [`Renderer::render_with_inputs`], giving the page as the memo holds it: the preview
    /// publishes that very allocation, so a reused page is neither copied nor held twice.
    pub fn render_shared_with_inputs<C: Serialize>(
        &self,
        template: &str,
        inputs: u64,
        context: impl FnOnce() -> C,
    ) -> Result<Arc<str>, RenderError> {
        self.render_shared_built_with_inputs(template, inputs, || {
            tera_context(template, &context())
        })
    }

    /// [`Renderer::render_shared_with_inputs`] for a context built as tera's own values.
    pub fn render_shared_built_with_inputs(
        &self,
        template: &str,
        inputs: u64,
        context: impl FnOnce() -> Result<Context, RenderError>,
    ) -> Result<Arc<str>, RenderError> {
        match &self.memo {
            Some(memo) => memo.page(
                memo::key(template, &(self.inputs, "inputs", inputs)),
                || self.render_context(template, &context()?),
            ),
            None => self.render_context(template, &context()?).map(Arc::from),
        }
    }

    /// Remembers pages across builds in `memo` (the preview server keeps one).
    pub fn with_memo(mut self, memo: Arc<PageMemo>) -> Self {
        memo.begin();
        self.memo = Some(memo);
        self
    }

    /// Whether pages are remembered across builds (the preview), so memo keys are worth
    /// computing.
    pub fn memoised(&self) -> bool {
        self.memo.is_some()
    }

    fn render_now(&self, template: &str, context: &impl Serialize) -> Result<String, RenderError> {
        self.render_context(template, &tera_context(template, context)?)
    }

    fn render_context(&self, template: &str, context: &Context) -> Result<String, RenderError> {
        let failed = |message: String| RenderError::Render {
            template: template.to_string(),
            message,
        };
        // Rendered as bytes and checked as UTF-8 here, by SIMD: `Tera::render` checks with std's
        // `from_utf8`, which is slow on Chinese text.
        let mut html = Vec::with_capacity(32 * 1024);
        self.tera
            .render_to(template, context, &mut html)
            .map_err(|e| failed(error_text(&e)))?;
        let html = simdutf8::basic::from_utf8(&html)
            .map_err(|_| failed("the page is not valid UTF-8".to_string()))?;
        Ok(compact::collapse_whitespace(html))
    }
}

/// The tera context of a serialisable struct or map: its top-level keys.
fn tera_context(template: &str, context: &impl Serialize) -> Result<Context, RenderError> {
    Context::from_serialize(context).map_err(|e| RenderError::Render {
        template: template.to_string(),
        message: error_text(&e),
    })
}

/// A tera error with its chain of causes, which carry the template file and line.
fn error_text(error: &tera::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Filters `money`, `number`, `percent`, `date` (formatted for the site's language) and the
/// function `url(path=…)`.
fn register(tera: &mut Tera, language: Language, base_url: &str) {
    tera.register_filter("money", move |x: f64, _: Kwargs, _: &State| {
        format::money(x, language)
    });
    tera.register_filter("number", |x: f64, kwargs: Kwargs, _: &State| {
        let decimals: usize = kwargs.get("decimals")?.unwrap_or(0);
        Ok::<_, tera::Error>(format::number(x, decimals))
    });
    tera.register_filter("percent", |x: f64, kwargs: Kwargs, _: &State| {
        let decimals: usize = kwargs.get("decimals")?.unwrap_or(1);
        Ok::<_, tera::Error>(format::percent(x, decimals))
    });
    tera.register_filter("date", move |x: &str, _: Kwargs, _: &State| {
        x.parse::<jiff::civil::Date>()
            .map(|d| format::date(d, language))
            .map_err(|e| tera::Error::message(format!("`{x}` is not a date: {e}")))
    });
    let base = base_url.to_string();
    tera.register_function("url", move |kwargs: Kwargs, _: &State| {
        let path: String = kwargs.must_get("path")?;
        Ok::<_, tera::Error>(urls::page_url(&base, &path))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(language: Language) -> SiteConfig {
        SiteConfig {
            title: "客户档案 <内部>".to_string(),
            base_url: "/crm".to_string(),
            language,
            ..SiteConfig::default()
        }
    }

    fn renderer(language: Language) -> Renderer {
        let dir = tempfile::tempdir().unwrap();
        Renderer::new(dir.path(), &config(language)).unwrap()
    }

    /// A page template that extends the theme's base, the way every page does.
    fn with_page_template(language: Language) -> Renderer {
        let mut files = theme::load(Path::new("/nonexistent"), "default").unwrap();
        files.insert(
            "templates/probe.html",
            "{% extends \"base.html\" %}{% block main %}<h1>{{ name }}</h1>\
             <ul>{% for tag in tags %}<li>{{ tag }}</li>{% endfor %}</ul>{{ body | safe }}\
             {% endblock main %}",
        );
        Renderer::from_files(files, &config(language)).unwrap()
    }

    #[test]
    fn every_template_value_is_escaped() {
        let r = with_page_template(Language::ZhCn);
        let html = r
            .render(
                "probe.html",
                &json!({"page": {"title": "<script>alert(1)</script>", "section": "customers"},
                        "name": "<script>alert(1)</script>", "tags": ["<b>vip</b>"],
                        "body": "<p>notes</p>"}),
            )
            .unwrap();
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(
            html.contains("<h1>&lt;script&gt;alert(1)&lt;&#x2F;script&gt;</h1>")
                || html.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"),
            "{html}"
        );
        assert!(!html.contains("<b>vip</b>"));
        assert!(html.contains("客户档案 &lt;内部&gt;"));
        // Values the caller marks safe (rendered Markdown, SVG) pass through.
        assert!(html.contains("<p>notes</p>"));
        assert!(html.contains("<html lang=\"zh-CN\">"));
        assert!(html.contains("href=\"/crm/static/style.css\""));
        assert!(html.contains("action=\"/crm/search/\""));
        assert!(html.contains("name=\"q\""));
        assert!(html.contains("<main id=\"main\""));
        assert!(html.contains("aria-current=\"page\">客户</a>"), "{html}");
    }

    #[test]
    fn the_base_layout_renders_in_both_languages() {
        for (language, nav) in [
            (Language::ZhCn, ">客户</a>"),
            (Language::En, ">Customers</a>"),
        ] {
            let mut r = with_page_template(language);
            r.set_global(
                "build",
                &json!({"as_of": "2024-12-31", "as_of_display": "x", "year": 2024}),
            );
            let html = r
                .render(
                    "probe.html",
                    &json!({"page": {"title": "T", "section": "home"}, "name": "n",
                            "tags": [], "body": ""}),
                )
                .unwrap();
            assert!(html.contains(nav), "{html}");
            assert!(
                html.contains("<time datetime=\"2024-12-31\">x</time>"),
                "{html}"
            );
            r.render(
                "404.html",
                &json!({"page": {"title": "404", "section": ""}}),
            )
            .unwrap();
        }
    }

    #[test]
    fn translations_follow_the_language() {
        assert_eq!(renderer(Language::En).t("nav_customers"), "Customers");
        assert_eq!(renderer(Language::ZhCn).t("nav_customers"), "客户");
        assert_eq!(renderer(Language::ZhCn).t("no_such_key"), "no_such_key");
        let r = renderer(Language::En);
        assert!(r.static_files().contains_key("static/style.css"));
        assert!(r.static_files().contains_key("static/dossier.js"));
    }

    #[test]
    fn filters_and_url_function() {
        let mut files = theme::load(Path::new("/nonexistent"), "default").unwrap();
        files.insert(
            "templates/t.html",
            "{{ 1280000 | money }}|{{ 0.1234 | percent }}|{{ 1234.5 | number(decimals=1) }}|{{ \"2024-03-05\" | date }}|{{ url(path=\"customers/华东\") }}",
        );
        let r = Renderer::from_files(files, &config(Language::ZhCn)).unwrap();
        assert_eq!(
            r.render("t.html", &json!({})).unwrap(),
            "128万|12.3%|1,234.5|2024年3月5日|/crm/customers/%E5%8D%8E%E4%B8%9C/"
        );
    }

    #[test]
    fn a_site_overrides_single_theme_files() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("themes/default/templates");
        std::fs::create_dir_all(&t).unwrap();
        std::fs::write(t.join("404.html"), "custom {{ site.title }}").unwrap();
        let r = Renderer::new(dir.path(), &config(Language::En)).unwrap();
        assert_eq!(
            r.render("404.html", &json!({})).unwrap(),
            "custom 客户档案 &lt;内部&gt;"
        );
        // The other files still come from the embedded theme.
        assert!(
            r.render(
                "search.html",
                &json!({"page": {"title": "S", "section": "search"}})
            )
            .unwrap()
            .contains("id=\"search-results\"")
        );

        let mut other = config(Language::En);
        other.theme = "corporate".to_string();
        assert!(matches!(
            Renderer::new(dir.path(), &other),
            Err(RenderError::ThemeNotFound { .. })
        ));
    }

    #[test]
    fn theme_errors_locate_the_file_that_is_wrong() {
        // An undefined variable in a partial is located in the partial, not the page.
        let mut files = theme::load(Path::new("/nonexistent"), "default").unwrap();
        files.insert("templates/partials/p.html", "ok\n  {{ nosuch.x }}");
        files.insert(
            "templates/page.html",
            "{% extends \"base.html\" %}{% block main %}{% include \"partials/p.html\" %}{% endblock main %}",
        );
        let r = Renderer::from_files(files, &config(Language::En)).unwrap();
        let err = r
            .render(
                "page.html",
                &json!({"page": {"title": "t", "section": "x"}}),
            )
            .unwrap_err();
        assert_eq!(
            err.location(),
            ThemeLocation {
                file: "templates/partials/p.html".into(),
                line: 2,
                column: 6
            },
            "{err}"
        );

        // A syntax error, where tera parses the templates.
        let mut files = ThemeFiles::default();
        files.insert("templates/bad.html", "line one\n{% if %}");
        let err = Renderer::from_files(files, &config(Language::En))
            .err()
            .unwrap();
        assert_eq!(err.location().file, "templates/bad.html");
        assert_eq!(err.location().line, 2, "{err}");

        // A translation file that is not JSON: its own path, line and column.
        let mut files = theme::load(Path::new("/nonexistent"), "default").unwrap();
        files.insert("i18n/en.json", "{\n  \"a\": 1\n}");
        let err = Renderer::from_files(files, &config(Language::En))
            .err()
            .unwrap();
        assert_eq!(
            err.location(),
            ThemeLocation {
                file: "i18n/en.json".into(),
                line: 2,
                column: 8
            },
            "{err}"
        );
    }

    #[test]
    fn template_errors_name_the_template() {
        let r = renderer(Language::En);
        let err = r
            .render(
                "customer.html",
                &json!({"page": {"title": "x", "section": "x"}}),
            )
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("customer.html"), "{text}");

        let mut files = ThemeFiles::default();
        files.insert("templates/bad.html", "line one\n{% if %}");
        let err = Renderer::from_files(files, &config(Language::En))
            .err()
            .unwrap();
        let text = err.to_string();
        assert!(text.contains("bad.html"), "{text}");
    }
}
