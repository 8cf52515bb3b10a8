//! The site: check → analyse → render → write.
//!
//! [`render`] checks the site, runs [`analytics::analyse`] once and renders every page into a
//! [`Files`] map in memory; [`build`] writes that map atomically. Pages are grouped by topic,
//! one module each; every group reads the one [`Analytics`] value through a shared [`Ctx`] and
//! recomputes no metric:
//!
//! - [`dashboard`]: home; [`customers`]: the customer index and one dossier per customer;
//! - [`rankings`], [`credit`], [`retention`], [`satisfaction`], [`service`], [`prospects`]:
//!   the analysis pages of the main navigation;
//! - [`taxonomy`]: owner pages and the region, industry, tag, stage and grade pages;
//! - [`playbooks`]: playbook index and pages; [`exports`]: `data/metrics.json` and the CSVs.
//!
//! Other parts of dossier add their files in [`extra_files`] (the search index and page).

mod changes;
mod context;
mod credit;
mod customers;
mod dashboard;
mod exports;
mod lists;
mod playbooks;
mod prospects;
mod rankings;
mod report_tables;
mod retention;
mod reuse;
mod satisfaction;
mod service;
mod taxonomy;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::analytics::{self, Analytics, AnalyticsError};
use crate::audience::{self, Audience, Hidden};
use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic, Report, Sources};
use crate::git::{self, History};
use crate::model::Site;
use crate::render::{PageMemo, RenderError, Renderer, format};
use crate::validate::{self, CheckError, Checked};
use crate::write::{Files, Protected, Staging, WriteError};
use crate::yaml::Pos;

pub(crate) use context::Ctx;

/// Command-line choices that override site.yaml.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    pub config: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    pub as_of: Option<Date>,
    /// Warnings fail the build too.
    pub strict: bool,
    /// Build the site of this audience of site.yaml `audiences`.
    pub audience: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Check(#[from] CheckError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("`--all-audiences`: site.yaml defines no `audiences` (see docs/audiences.md)")]
    NoAudiences,
    #[error("no audience named `{name}`: {known}")]
    UnknownAudience { name: String, known: String },
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
    /// The folder written: `out`, or the folder it links to.
    pub written_to: PathBuf,
    /// `out` held an earlier build without the marker of today's builds, and was replaced.
    pub replaced_unmarked: bool,
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// A note about record history (no git, shallow clone), to print once.
    pub history_note: Option<String>,
    /// Time per phase, in order, for `--verbose`.
    pub phases: Vec<(&'static str, Duration)>,
    /// Time per page group within the render phase (they overlap: groups run in parallel).
    pub groups: Vec<(&'static str, Duration)>,
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
        if let Some(text) = crate::load::source_text(&root.join(&diagnostic.file)) {
            sources.insert(diagnostic.file.clone(), text);
        }
        Invalid {
            report: Report::new(vec![diagnostic]),
            sources,
            files_checked: 0,
        }
    }
}

impl Invalid {
    /// The analytics cannot run (no reporting year): a diagnostic of the configuration file.
    fn analytics(error: &AnalyticsError, root: &Path, options: &BuildOptions) -> Self {
        let file = options
            .config
            .clone()
            .unwrap_or_else(|| root.join("site.yaml"));
        let display = crate::diagnostics::display_path(root, &file);
        let mut sources = Sources::new();
        if let Some(text) = crate::load::source_text(&file) {
            sources.insert(display.clone(), text);
        }
        let diagnostic = Diagnostic::new(
            Code::NoReportingYear,
            display,
            Pos { line: 1, column: 1 },
            error.to_string(),
        )
        .help("add `year: 2025` to site.yaml, or build with `--as-of YYYY-MM-DD`");
        Invalid {
            report: Report::new(vec![diagnostic]),
            sources,
            files_checked: 0,
        }
    }
}

/// A theme problem as a diagnostic at the file, line and column it is in: the template (the
/// partial or layout, not only the page being rendered), the translation file, or the theme
/// folder.
fn template_diagnostic(error: &RenderError, theme: &str) -> Diagnostic {
    let location = error.location();
    let file = if location.file.is_empty() {
        format!("themes/{theme}")
    } else {
        format!("themes/{theme}/{}", location.file)
    };
    // tera's text carries its own snippet after the first line; the diagnostic shows ours.
    let message = error.to_string();
    let first_line = message.lines().next().unwrap_or_default().replacen(
        "template error: error: ",
        "template error: ",
        1,
    );
    let help = match error {
        RenderError::ThemeNotFound { .. } => {
            "create the theme folder, or set `theme: default` in site.yaml for the built-in theme"
        }
        RenderError::ThemeFile { path, .. } if path.starts_with("i18n/") => {
            "a translation file is one JSON object of strings; remove the override to use the built-in one"
        }
        _ => {
            "fix the template (or remove the override to use the built-in one); docs/themes.md lists the variables"
        }
    };
    let pos = Pos {
        line: location.line,
        column: location.column,
    };
    Diagnostic::new(Code::TemplateError, file, pos, first_line).help(help)
}

/// The site rendered in memory, before it is written.
#[derive(Debug)]
pub struct Rendered {
    /// Shared with the preview's page memo: a page reused from the last build is not copied.
    pub files: Shared,
    pub config: SiteConfig,
    pub history_note: Option<String>,
    pub phases: Vec<(&'static str, Duration)>,
    /// Time per page group within the render phase, for `--verbose`.
    pub groups: Vec<(&'static str, Duration)>,
    /// The preview's new search index, to build after publishing `files` (which carry the
    /// previous one); see [`render_cached`].
    pub pending: Option<PendingIndex>,
}

impl Rendered {
    pub fn pages(&self) -> usize {
        self.files.keys().filter(|p| p.ends_with(".html")).count()
    }
}

/// Checks, analyses and renders the site at `root` into memory; writes nothing. The preview
/// server uses this through [`render_cached`]; [`build`] writes each page as it is rendered.
pub fn render(
    root: &Path,
    options: &BuildOptions,
) -> Result<Result<Rendered, Box<Invalid>>, BuildError> {
    let mut phases = Vec::new();
    let start = Instant::now();
    let checked = validate::check_site(root, options.config.as_deref())?;
    phases.push(("check", start.elapsed()));
    render_to_memory(root, options, checked, None, phases)
}

/// What the preview keeps between builds: the checks of unchanged files and the rendered
/// pages whose inputs are unchanged.
#[derive(Default)]
pub struct PreviewCache {
    checks: validate::Cache,
    /// The last rebuild's analysis: the next one starts from it.
    analysis: Mutex<Option<LastAnalysis>>,
    pages: Arc<PageMemo>,
    /// What the last rebuild's pages were made of, and its aggregate pages and exports.
    kept: reuse::Kept,
    /// The last search index built (with its documents), and its files.
    search: Option<(crate::index::LiveIndex, Shared)>,
    /// The compressed pieces of the gzip files made in pieces.
    gzip: crate::gzip::PieceCache,
}

impl PreviewCache {
    /// Tells the next rebuild which sources changed since the last one (site-relative paths,
    /// as the preview's watcher reports them; `None`: any may have), so that its check stats
    /// only those (see [`validate::Cache::changed_since_last_check`]).
    pub fn changed_since_last_build(&mut self, root: &Path, changed: Option<&[String]>) {
        self.checks.changed_since_last_check(root, changed);
    }
}

/// A search index the preview builds after publishing the pages of a rebuild (which carry
/// the previous index until then), see [`render_cached`].
#[derive(Debug)]
pub struct PendingIndex {
    docs: Vec<Arc<crate::index::SearchDoc>>,
    stale: Vec<String>,
}

/// The files of a search index built after its pages: remove `remove`, then add `files`.
#[derive(Debug, Default)]
pub struct IndexUpdate {
    pub remove: Vec<String>,
    pub files: Shared,
    /// What the update made again (for `-v` and the benchmark).
    pub remade: crate::index::Updated,
}

impl PendingIndex {
    /// Builds the index, remembers it in `cache` and returns what replaces the previous one.
    /// The previous index is updated where the changed documents reach it (see
    /// [`crate::index::LiveIndex`]); the files it keeps share their bytes with it.
    pub fn build(self, cache: &mut PreviewCache) -> IndexUpdate {
        let (index, remade) = match cache.search.take() {
            Some((mut index, _)) => {
                let remade = index.update_shared(self.docs);
                (index, remade)
            }
            None => (
                crate::index::LiveIndex::new_shared(self.docs),
                crate::index::Updated::Whole,
            ),
        };
        let files = index.files();
        cache.search = Some((index, files.clone()));
        IndexUpdate {
            remove: self.stale,
            files,
            remade,
        }
    }
}

/// [`render`], reusing from `cache` what did not change since the last call.
///
/// The search index is reused when no search document changed. When one did, the files carry
/// the previous index and `Rendered::pending` the new one, to build with [`PendingIndex::build`]
/// once the pages are published (the first call builds it at once). A preview page reloads
/// without waiting for the index.
pub fn render_cached(
    root: &Path,
    options: &BuildOptions,
    cache: &mut PreviewCache,
) -> Result<Result<Rendered, Box<Invalid>>, BuildError> {
    render_cached_first(root, options, cache, &|_| {})
}

/// [`render_cached`], handing `first` the dossiers of the customer records that changed since
/// the last call as soon as they are rendered, before the rest of the site: the preview
/// publishes them at once, so the page an editor is working on reloads without waiting for
/// every list and aggregate. `first` is not called on the first build, when no record or
/// several changed, or when the site is invalid.
pub fn render_cached_first(
    root: &Path,
    options: &BuildOptions,
    cache: &mut PreviewCache,
    first: &(dyn Fn(Shared) + Sync),
) -> Result<Result<Rendered, Box<Invalid>>, BuildError> {
    let mut phases = Vec::new();
    let start = Instant::now();
    let checked = validate::check_site_cached(root, options.config.as_deref(), &mut cache.checks)?;
    phases.push(("check", start.elapsed()));
    let changed = cache
        .checks
        .changed_customers()
        .filter(|changed| (1..=FIRST_PAGES_AT_MOST).contains(&changed.len()))
        .unwrap_or_default();
    let docs = Mutex::new(None);
    let last_kept = std::mem::take(&mut cache.kept);
    let kept = Mutex::new(None);
    let preview = Preview {
        memo: cache.pages.clone(),
        analysis: &cache.analysis,
        search_docs: &docs,
        first: (changed, first),
        started: start,
        last_kept: &last_kept,
        last_docs: cache.search.as_ref().map(|(index, _)| index.docs()),
        since: reuse::SinceLast::default(),
        analytics: None,
        kept: &kept,
        gzip: &cache.gzip,
    };
    let rendered = render_to_memory(root, options, checked, Some(preview), phases);
    match kept.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(kept) => {
            cache.kept = kept;
            // The last analysis it holds is freed off the way to a consistent site.
            crate::memory::drop_later(last_kept);
        }
        None => cache.kept = last_kept,
    }
    let rendered = rendered?;
    let Ok(mut rendered) = rendered else {
        return Ok(rendered);
    };
    let docs = docs.into_inner().unwrap_or_else(|p| p.into_inner());
    if let Some(docs) = docs {
        match &cache.search {
            Some((previous, files)) if previous.indexes(&docs) => {
                rendered.files.extend(files.clone());
            }
            Some((_, files)) => {
                rendered.files.extend(files.clone());
                rendered.pending = Some(PendingIndex {
                    docs,
                    stale: files.keys().cloned().collect(),
                });
            }
            None => {
                let update = PendingIndex {
                    docs,
                    stale: Vec::new(),
                }
                .build(cache);
                rendered.files.extend(update.files);
            }
        }
    }
    Ok(Ok(rendered))
}

/// More changed records than this (a checkout, a bulk edit) are not worth a first publication.
const FIRST_PAGES_AT_MOST: usize = 8;

/// What a preview build uses besides the site: the page memo, where to leave the search
/// documents, and the changed records whose dossiers go first to `first`.
/// A site and the analysis made of it, kept by the preview between rebuilds (see
/// [`analytics::analyse_after`]).
#[derive(Debug)]
struct LastAnalysis {
    site: Site,
    config: SiteConfig,
    analytics: Arc<Analytics>,
    history: History,
}

struct Preview<'p> {
    memo: Arc<PageMemo>,
    /// Where the last analysis is taken from and this one's is left.
    analysis: &'p Mutex<Option<LastAnalysis>>,
    search_docs: &'p SearchDocs,
    first: (&'p [String], &'p (dyn Fn(Shared) + Sync)),
    started: Instant,
    /// What the last rebuild kept, and what it differs in from this one.
    last_kept: &'p reuse::Kept,
    last_docs: Option<&'p [Arc<crate::index::SearchDoc>]>,
    since: reuse::SinceLast,
    /// This rebuild's analysis, and where what it keeps is left.
    analytics: Option<Arc<Analytics>>,
    kept: &'p Mutex<Option<reuse::Kept>>,
    gzip: &'p crate::gzip::PieceCache,
}

fn render_to_memory(
    root: &Path,
    options: &BuildOptions,
    checked: Checked,
    preview: Option<Preview>,
    phases: Vec<(&'static str, Duration)>,
) -> Result<Result<Rendered, Box<Invalid>>, BuildError> {
    let open = |_: &SiteConfig| Ok(Memory::default());
    Ok(
        render_checked(root, options, checked, preview, phases, open)?.map(|(memory, done)| {
            Rendered {
                files: memory.0.into_inner().unwrap_or_else(|p| p.into_inner()),
                config: done.config,
                history_note: done.history_note,
                phases: done.phases,
                groups: done.groups,
                pending: None,
            }
        }),
    )
}

/// Where the search group leaves its documents when the index is built later.
pub(crate) type SearchDocs = Mutex<Option<Vec<Arc<crate::index::SearchDoc>>>>;

/// Where rendered files go as soon as each is ready: into memory for the preview, straight
/// into the new output tree for a build (so a large site is never held in memory whole).
pub(crate) trait Sink: Sync {
    fn put(&self, path: String, bytes: Vec<u8>);
    /// [`Sink::put`] for a page the preview's memo holds: kept as it is where that saves a copy.
    fn put_shared(&self, path: String, page: Arc<str>) {
        self.put(path, page.as_bytes().to_vec());
    }
    /// [`Sink::put`] for a file the preview keeps from one rebuild to the next.
    fn put_kept(&self, path: String, bytes: Arc<[u8]>) {
        self.put(path, bytes.to_vec());
    }
    /// About how many pages the site has, known once rendering starts.
    fn expect(&self, _pages: usize) {}
}

/// How far a build is, for a progress display on another thread: `total` is an estimate of
/// the pages (0 until the site is checked and analysed), `done` counts the pages written.
#[derive(Debug, Default)]
pub struct Progress {
    pub total: AtomicUsize,
    pub done: AtomicUsize,
}

/// Output files in memory, by path; the bytes may be shared with the page memo.
pub type Shared = crate::serve::Files;

/// `files` as [`Shared`] files.
pub fn shared(files: Files) -> Shared {
    files.into_iter().map(|(p, b)| (p, Arc::from(b))).collect()
}

/// The site in memory.
#[derive(Default)]
struct Memory(Mutex<Shared>);

impl Memory {
    fn insert(&self, path: String, bytes: Arc<[u8]>) {
        let mut files = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let previous = files.insert(path, bytes);
        debug_assert!(previous.is_none(), "two pages write the same file");
    }
}

impl Sink for Memory {
    fn put(&self, path: String, bytes: Vec<u8>) {
        self.insert(path, Arc::from(bytes));
    }

    fn put_shared(&self, path: String, page: Arc<str>) {
        self.insert(path, Arc::from(page));
    }

    fn put_kept(&self, path: String, bytes: Arc<[u8]>) {
        self.insert(path, bytes);
    }
}

/// The new output tree; the first write error is kept and ends the build after rendering.
struct Disk<'p> {
    staging: Staging,
    pages: &'p Progress,
    error: Mutex<Option<WriteError>>,
}

impl Sink for Disk<'_> {
    fn put(&self, path: String, bytes: Vec<u8>) {
        self.write(&path, &bytes);
    }

    fn put_shared(&self, path: String, page: Arc<str>) {
        self.write(&path, page.as_bytes());
    }

    fn expect(&self, pages: usize) {
        self.pages.total.store(pages, Ordering::Relaxed);
    }
}

impl Disk<'_> {
    fn write(&self, path: &str, bytes: &[u8]) {
        let mut error = self.error.lock().unwrap_or_else(|p| p.into_inner());
        if error.is_some() {
            return;
        }
        drop(error);
        match self.staging.put(path, bytes) {
            Ok(()) => {
                if path.ends_with(".html") {
                    self.pages.done.fetch_add(1, Ordering::Relaxed);
                }
            }
            Err(e) => {
                error = self.error.lock().unwrap_or_else(|p| p.into_inner());
                error.get_or_insert(e);
            }
        }
    }
}

/// What a successful render leaves besides its files.
struct Done {
    config: SiteConfig,
    history_note: Option<String>,
    phases: Vec<(&'static str, Duration)>,
    groups: Vec<(&'static str, Duration)>,
}

/// A checked site with its configuration (command-line choices applied), analytics and
/// history: what every audience's site is rendered from.
struct Analysed {
    config: SiteConfig,
    site: Site,
    analytics: Arc<Analytics>,
    history: History,
    /// The build date of handouts: see [`git::build_date`].
    built_on: Option<jiff::civil::Date>,
    phases: Vec<(&'static str, Duration)>,
}

/// Analyses a checked site once; `Err` when it is invalid (nothing to write).
fn analyse_checked(
    root: &Path,
    options: &BuildOptions,
    checked: Checked,
    mut phases: Vec<(&'static str, Duration)>,
    last: Option<&LastAnalysis>,
) -> Result<Analysed, Box<Invalid>> {
    if checked.report.fails(options.strict) {
        return Err(Box::new(Invalid::from(checked)));
    }
    let mut config = checked.config;
    if let Some(base) = &options.base_url {
        config.base_url = base.clone();
    }
    if let Some(as_of) = options.as_of {
        config.as_of = Some(as_of);
    }

    let start = Instant::now();
    let analysed = match last {
        Some(last) => {
            let previous = analytics::Previous {
                site: &last.site,
                config: &last.config,
                analytics: &last.analytics,
            };
            analytics::analyse_after(previous, &checked.site, &config, options.as_of)
        }
        None => analytics::analyse(&checked.site, &config, options.as_of),
    };
    let analytics = match analysed {
        Ok(analytics) => Arc::new(analytics),
        Err(error) => return Err(Box::new(Invalid::analytics(&error, root, options))),
    };
    phases.push(("analyse", start.elapsed()));

    let start = Instant::now();
    let head = git::head(root);
    let (mut history, built_on) = git::history_at(root, head.as_deref());
    phases.push(("history", start.elapsed()));
    let start = Instant::now();
    let working = crate::changes::history::WorkingTree {
        checks: &checked.files,
        site: &checked.site,
        config: &config,
        analytics: &analytics,
    };
    history.recent = crate::changes::history::recent_cached(
        root,
        head.as_deref(),
        "site.yaml",
        config.history.commits,
        options.as_of,
        Some(working),
    );
    phases.push(("changes", start.elapsed()));
    Ok(Analysed {
        config,
        site: checked.site,
        analytics,
        history,
        built_on,
        phases,
    })
}

/// The audience named by `--audience`, from site.yaml.
fn chosen_audience<'c>(
    config: &'c SiteConfig,
    options: &BuildOptions,
) -> Result<Option<&'c Audience>, BuildError> {
    let Some(name) = &options.audience else {
        return Ok(None);
    };
    config
        .audience(name)
        .map(Some)
        .ok_or_else(|| BuildError::UnknownAudience {
            name: name.clone(),
            known: known_audiences(config),
        })
}

pub(crate) fn known_audiences(config: &SiteConfig) -> String {
    if config.audiences.is_empty() {
        "site.yaml defines no `audiences`".to_string()
    } else {
        let names: Vec<&str> = config.audiences.iter().map(|a| a.name.as_str()).collect();
        format!("site.yaml defines: {}", names.join(", "))
    }
}

/// Analyses and renders a checked site into the sink that `open` makes once the site, its
/// analytics and its theme are known to be good (so an invalid site touches nothing).
fn render_checked<S: Sink>(
    root: &Path,
    options: &BuildOptions,
    checked: Checked,
    preview: Option<Preview>,
    phases: Vec<(&'static str, Duration)>,
    open: impl FnOnce(&SiteConfig) -> Result<S, BuildError>,
) -> Result<Result<(S, Done), Box<Invalid>>, BuildError> {
    let slot = preview.as_ref().map(|p| p.analysis);
    let last = slot.and_then(|slot| slot.lock().unwrap_or_else(|p| p.into_inner()).take());
    let analysed = match analyse_checked(root, options, checked, phases, last.as_ref()) {
        Ok(analysed) => analysed,
        Err(invalid) => return Ok(Err(invalid)),
    };
    let mut preview = preview;
    if let Some(preview) = preview.as_mut() {
        if let Some(last) = last
            .as_ref()
            .filter(|l| preview.last_kept.made_of(&l.analytics))
        {
            preview.since = reuse::SinceLast::new(last, &analysed);
        }
        preview.analytics = Some(Arc::clone(&analysed.analytics));
    }
    if let Some(last) = last {
        crate::memory::drop_later(last);
    }
    if let Some(slot) = slot {
        *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(LastAnalysis {
            site: analysed.site.clone(),
            config: analysed.config.clone(),
            analytics: Arc::clone(&analysed.analytics),
            history: analysed.history.clone(),
        });
    }
    let audience = chosen_audience(&analysed.config, options)?.cloned();
    let base_url = audience.as_ref().and_then(|a| a.base_url.clone());
    render_analysed(
        root,
        &analysed,
        audience.as_ref(),
        base_url.filter(|_| options.base_url.is_none()),
        preview,
        open,
    )
}

/// Renders one audience's site (`None`: the whole site) of an analysed site: redacts the
/// records, analytics and history once, then renders every page from the redacted values.
fn render_analysed<S: Sink>(
    root: &Path,
    analysed: &Analysed,
    audience: Option<&Audience>,
    base_url: Option<String>,
    preview: Option<Preview>,
    open: impl FnOnce(&SiteConfig) -> Result<S, BuildError>,
) -> Result<Result<(S, Done), Box<Invalid>>, BuildError> {
    let mut phases = analysed.phases.clone();
    let mut config = analysed.config.clone();
    if let Some(base_url) = base_url {
        config.base_url = base_url;
    }
    let start = Instant::now();
    let hidden = audience.map(|a| a.hidden.clone()).unwrap_or_default();
    let redacted;
    let (site, analytics, history) = if hidden.is_empty() {
        (&analysed.site, &*analysed.analytics, &analysed.history)
    } else {
        redacted = (
            audience::redact_site(&analysed.site, &hidden),
            audience::redact_analytics(&analysed.analytics, &analysed.site.playbooks, &hidden),
            audience::redact_history(&analysed.history, &hidden),
        );
        (&redacted.0, &redacted.1, &redacted.2)
    };
    if !hidden.is_empty() {
        phases.push(("redact", start.elapsed()));
    }

    let start = Instant::now();
    let renderer = match Renderer::new(root, &config) {
        Ok(renderer) => renderer,
        Err(error) => return Ok(Err(Box::new(Invalid::theme(&error, &config.theme, root)))),
    };
    let mut renderer = match &preview {
        Some(preview) => renderer.with_memo(preview.memo.clone()),
        None => renderer,
    };
    renderer.set_global(
        "build",
        &build_global(analytics, analysed.built_on, &renderer),
    );
    renderer.set_audience(audience);
    let sink = open(&config)?;
    let inputs = Inputs {
        renderer: &renderer,
        site,
        config: &config,
        history,
        analytics,
        hidden: &hidden,
    };
    let groups = match render_site_timed(&inputs, &sink, preview.as_ref()) {
        Ok(groups) => groups,
        Err(error) => return Ok(Err(Box::new(Invalid::theme(&error, &config.theme, root)))),
    };
    phases.push(("render", start.elapsed()));
    Ok(Ok((
        sink,
        Done {
            config,
            history_note: analysed.history.note.clone(),
            phases,
            groups,
        },
    )))
}

/// Builds the site at `root` and writes it atomically to the output folder, each page as soon
/// as it is rendered.
pub fn build(root: &Path, options: &BuildOptions) -> Result<Outcome, BuildError> {
    build_with_progress(root, options, &Progress::default())
}

/// [`build`], counting the pages written in `progress` as it goes.
pub fn build_with_progress(
    root: &Path,
    options: &BuildOptions,
    progress: &Progress,
) -> Result<Outcome, BuildError> {
    let mut phases = Vec::new();
    let start = Instant::now();
    let checked = validate::check_site(root, options.config.as_deref())?;
    phases.push(("check", start.elapsed()));
    let out_of = |config: &SiteConfig| {
        options
            .out
            .clone()
            .unwrap_or_else(|| root.join(&config.output_dir))
    };
    let site = Protected {
        root,
        config: options.config.as_deref(),
    };
    let open = |config: &SiteConfig| -> Result<Disk, BuildError> {
        Ok(Disk {
            staging: Staging::new(&out_of(config), &site)?,
            pages: progress,
            error: Mutex::new(None),
        })
    };
    let (disk, mut done) = match render_checked(root, options, checked, None, phases, open)? {
        Ok(rendered) => rendered,
        Err(invalid) => return Ok(Outcome::Invalid(invalid)),
    };
    if let Some(error) = disk.error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(error.into());
    }
    let start = Instant::now();
    let written = disk.staging.commit()?;
    done.phases.push(("swap", start.elapsed()));
    Ok(Outcome::Built(Summary {
        out: out_of(&done.config),
        written_to: written.dir,
        replaced_unmarked: written.replaced_unmarked,
        pages: progress.done.load(Ordering::Relaxed),
        files: written.files,
        bytes: written.bytes,
        history_note: done.history_note,
        phases: done.phases,
        groups: done.groups,
    }))
}

/// Builds the site of every audience of site.yaml into `<out>/<name>/`, checking and analysing
/// once. The output folder is one atomic tree: a failure in any audience leaves every previous
/// audience site as it was, and a whole-site build that `<out>` held before is replaced (never
/// left beside the audience folders, where it would show everything).
pub fn build_all_audiences(
    root: &Path,
    options: &BuildOptions,
    progress: &Progress,
) -> Result<Outcome, BuildError> {
    let start = Instant::now();
    let checked = validate::check_site(root, options.config.as_deref())?;
    let phases = vec![("check", start.elapsed())];
    let analysed = match analyse_checked(root, options, checked, phases, None) {
        Ok(analysed) => analysed,
        Err(invalid) => return Ok(Outcome::Invalid(invalid)),
    };
    if analysed.config.audiences.is_empty() {
        return Err(BuildError::NoAudiences);
    }
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| root.join(&analysed.config.output_dir));
    let site = Protected {
        root,
        config: options.config.as_deref(),
    };
    let disk = Disk {
        staging: Staging::new(&out, &site)?,
        pages: progress,
        error: Mutex::new(None),
    };
    // Check, analysis and history ran once; redaction and rendering once per audience, summed.
    let mut phases = analysed.phases.clone();
    let (mut redact, mut render) = (Duration::ZERO, Duration::ZERO);
    let mut groups = Vec::new();
    for audience in &analysed.config.audiences {
        // `config.base_url` holds `--base-url` already, which wins over an audience's own.
        let base_url = audience
            .base_url
            .clone()
            .filter(|_| options.base_url.is_none())
            .unwrap_or_else(|| {
                format!(
                    "{}{}/",
                    with_slash(&analysed.config.base_url),
                    audience.name
                )
            });
        let open = |_: &SiteConfig| -> Result<Prefixed, BuildError> {
            Ok(Prefixed {
                inner: &disk,
                prefix: format!("{}/", audience.name),
            })
        };
        match render_analysed(root, &analysed, Some(audience), Some(base_url), None, open)? {
            Ok((_, done)) => {
                for (phase, time) in &done.phases[analysed.phases.len()..] {
                    match *phase {
                        "redact" => redact += *time,
                        _ => render += *time,
                    }
                }
                groups.extend(done.groups);
            }
            Err(invalid) => return Ok(Outcome::Invalid(invalid)),
        }
    }
    phases.push(("redact", redact));
    phases.push(("render", render));
    if let Some(error) = disk.error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(error.into());
    }
    let start = Instant::now();
    let written = disk.staging.commit()?;
    phases.push(("swap", start.elapsed()));
    Ok(Outcome::Built(Summary {
        out,
        written_to: written.dir,
        replaced_unmarked: written.replaced_unmarked,
        pages: progress.done.load(Ordering::Relaxed),
        files: written.files,
        bytes: written.bytes,
        history_note: analysed.history.note.clone(),
        phases,
        groups,
    }))
}

fn with_slash(base: &str) -> String {
    if base.ends_with('/') {
        base.to_string()
    } else {
        format!("{base}/")
    }
}

/// A sink that puts every file under a folder of another sink (one audience's site).
struct Prefixed<'a> {
    inner: &'a dyn Sink,
    prefix: String,
}

impl Sink for Prefixed<'_> {
    fn put(&self, path: String, bytes: Vec<u8>) {
        self.inner.put(format!("{}{path}", self.prefix), bytes);
    }

    fn put_shared(&self, path: String, page: Arc<str>) {
        self.inner
            .put_shared(format!("{}{path}", self.prefix), page);
    }
}

/// The `build` global of every template: the as-of date and the reporting year.
fn build_global(
    analytics: &Analytics,
    built_on: Option<jiff::civil::Date>,
    renderer: &Renderer,
) -> serde_json::Value {
    let as_of = analytics.as_of();
    serde_json::json!({
        "as_of": as_of.to_string(),
        "as_of_display": format::date(as_of, renderer.language()),
        "year": analytics.year(),
        "built_on": built_on.map(|d| d.to_string()),
        "built_on_display": built_on.map(|d| format::date(d, renderer.language())),
    })
}

/// A group of pages: renders into its own list of files.
type Group = fn(&Ctx) -> Result<Files, RenderError>;

/// The page groups, named for `--verbose`.
const GROUPS: [(&str, Group); 14] = [
    ("dashboard", dashboard::pages),
    ("changes", changes::pages),
    ("index", customers::index),
    ("dossiers", customers::dossiers),
    ("rankings", rankings::pages),
    ("credit", credit::pages),
    ("retention", retention::pages),
    ("satisfaction", satisfaction::pages),
    ("service", service::pages),
    ("prospects", prospects::pages),
    ("taxonomy", taxonomy::pages),
    ("playbooks", playbooks::pages),
    ("exports", exports::files),
    ("search", extra_files),
];

/// Everything a site's pages are rendered from.
struct Inputs<'s> {
    renderer: &'s Renderer,
    site: &'s Site,
    config: &'s SiteConfig,
    history: &'s History,
    analytics: &'s Analytics,
    /// What the audience being built may not see (already removed from the values above).
    hidden: &'s Hidden,
}

/// Every output file of the site, by path: the theme's static files, every page group and the
/// exports, rendered in parallel (dossiers and term pages in parallel within their group too).
pub fn render_site(
    renderer: &Renderer,
    site: &Site,
    config: &SiteConfig,
    history: &History,
    analytics: &Analytics,
) -> Result<Files, RenderError> {
    let memory = Memory::default();
    let inputs = Inputs {
        renderer,
        site,
        config,
        history,
        analytics,
        hidden: &Hidden::default(),
    };
    render_site_timed(&inputs, &memory, None)?;
    let files = memory.0.into_inner().unwrap_or_else(|p| p.into_inner());
    Ok(files.into_iter().map(|(p, b)| (p, b.to_vec())).collect())
}

/// Renders every file of the site into `out`, and returns the time each page group took
/// (groups run in parallel, so these overlap and add up to more than the render phase). Large
/// groups put each page into `out` as it is rendered; the others hand over their files when
/// done. A preview build first hands the dossiers of the changed records to `preview.first`.
fn render_site_timed(
    s: &Inputs,
    out: &dyn Sink,
    preview: Option<&Preview>,
) -> Result<Vec<(&'static str, Duration)>, RenderError> {
    let renderer = s.renderer;
    let recorder = reuse::Recorder::new(out);
    let export_rows = reuse::ExportRows::default();
    let out: &dyn Sink = if preview.is_some() { &recorder } else { out };
    let mut ctx = Ctx::new(renderer, s.site, s.config, s.history, s.analytics, out);
    ctx.hidden = s.hidden.clone();
    let mut times = Vec::new();
    let reuse = preview.map(|p| reuse::Reuse {
        since: &p.since,
        last: p.last_kept,
        last_docs: p.last_docs,
    });
    ctx.reuse = reuse.as_ref();
    if let Some(preview) = preview {
        ctx.search_docs = Some(preview.search_docs);
        ctx.export_rows = Some(&export_rows);
        ctx.gzip_cache = Some(preview.gzip);
        let (changed, first) = preview.first;
        if !changed.is_empty() {
            first(shared(customers::dossiers_of(&ctx, changed)?));
            times.push(("first pages", preview.started.elapsed()));
        }
    }
    // Without fingerprints, every memoised dossier would have the same key.
    let mut prints = Vec::new();
    if renderer.memoised() {
        let start = Instant::now();
        prints = reuse::fingerprints(&ctx, ctx.reuse);
        ctx.set_fingerprints(prints.iter().map(|p| (p.dossier, p.row)).collect());
        times.push(("fingerprints", start.elapsed()));
    }
    out.expect(ctx.expected_pages());
    for (path, bytes) in renderer.static_files() {
        out.put(path.clone(), bytes.clone());
    }
    let kept_groups = Mutex::new(std::collections::HashMap::new());
    let any_taken_whole = std::sync::atomic::AtomicBool::new(false);
    let groups: Vec<(&'static str, Duration)> = GROUPS
        .par_iter()
        .filter(|(name, _)| audience::shows_section(&ctx.hidden, name))
        .map(|(name, group)| {
            let start = Instant::now();
            let keep = preview.is_some() && reuse::KEPT_GROUPS.contains(name);
            if let Some(files) = ctx.reuse.and_then(|r| r.group(&ctx, name)) {
                any_taken_whole.store(true, Ordering::Relaxed);
                put_kept(out, files);
                let mut kept = kept_groups.lock().unwrap_or_else(|p| p.into_inner());
                kept.insert(*name, files.clone());
            } else if keep {
                let files = render_kept_group(&ctx, name, *group, &recorder)?;
                let mut kept = kept_groups.lock().unwrap_or_else(|p| p.into_inner());
                kept.insert(*name, files);
            } else {
                for (path, bytes) in group(&ctx)? {
                    out.put(path, bytes);
                }
            }
            Ok((*name, start.elapsed()))
        })
        .collect::<Result<_, RenderError>>()?;
    times.extend(groups);
    if let Some(preview) = preview {
        let groups = kept_groups.into_inner().unwrap_or_else(|p| p.into_inner());
        let fingerprints = std::mem::take(&mut prints);
        let export_rows = export_rows.lock().unwrap_or_else(|p| p.into_inner()).take();
        let export_rows = export_rows.unwrap_or_else(|| reuse::kept_export_rows(&ctx));
        let kept = reuse::Kept::new(
            &ctx,
            fingerprints,
            groups,
            export_rows,
            preview.analytics.clone(),
        );
        *preview.kept.lock().unwrap_or_else(|p| p.into_inner()) = Some(kept);
    }
    out.put(
        "404.html".into(),
        renderer
            .render(
                "404.html",
                &serde_json::json!({"page": ctx.page(renderer.t("not_found_title"), "")}),
            )?
            .into_bytes(),
    );
    if let Some(preview) = preview.filter(|_| any_taken_whole.into_inner()) {
        preview.memo.keep_unasked();
    }
    Ok(times)
}

fn put_kept(out: &dyn Sink, files: &reuse::KeptFiles) {
    for (path, bytes) in files {
        out.put_kept(path.clone(), bytes.clone());
    }
}

/// Renders a group into `recorder` and returns its files as the preview keeps them: those it
/// returns and, for the taxonomy, the term pages it handed over one by one.
fn render_kept_group(
    ctx: &Ctx,
    name: &str,
    group: Group,
    recorder: &reuse::Recorder,
) -> Result<reuse::KeptFiles, RenderError> {
    let mut files: reuse::KeptFiles = group(ctx)?
        .into_iter()
        .map(|(path, bytes)| (path, Arc::from(bytes)))
        .collect();
    put_kept(recorder, &files);
    if name == "taxonomy" {
        files.extend(recorder.take_term_pages());
    }
    Ok(files)
}

/// Files that other parts of dossier add to the site, with the same [`Ctx`] as every page
/// (site, analytics, renderer, base URL). The search index and its page go here; the preview
/// takes the search documents to index them itself (see [`render_cached`]).
fn extra_files(ctx: &Ctx) -> Result<Files, RenderError> {
    let docs = reuse::search_docs(ctx, ctx.reuse);
    let mut files: Files = match ctx.search_docs {
        Some(slot) => {
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(docs);
            Files::new()
        }
        None => crate::index::build_index(&docs).into_iter().collect(),
    };
    let page = ctx.page(ctx.t("search"), "search");
    files.insert(
        "search/index.html".into(),
        ctx.r
            .render("search.html", &serde_json::json!({ "page": page }))?
            .into_bytes(),
    );
    Ok(files)
}
