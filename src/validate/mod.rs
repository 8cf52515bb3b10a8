//! Validation: spanned YAML in, typed records and every diagnostic out.
//!
//! Parse, don't validate: each file is decoded on its own (in parallel) into a typed record,
//! collecting all of its problems; then the rules across files run (duplicate ids, links).

mod config;
mod customer;
pub(crate) mod decode;
pub mod links;
mod playbook;
mod walk;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic, Report, Sources};
use crate::load::{self, Collection, Document};
use crate::model::{Customer, Playbook, Site, Source};
use crate::yaml::{self, Pos};

pub use customer::{is_valid_email, is_valid_id};

/// The outcome of checking a site. `site` holds every record that decoded; it is only complete
/// and consistent when the report has no error.
#[derive(Debug)]
pub struct Checked {
    pub site: Site,
    pub config: SiteConfig,
    pub report: Report,
    /// Texts of the files that have diagnostics, for snippets.
    pub sources: Sources,
    pub files_checked: usize,
    /// Each record file's check, when the files were read from disk: a git version whose
    /// files are the same bytes takes them instead of decoding again (see
    /// [`FileSet::reusing`]).
    pub files: FileChecks,
}

/// The check of every record file read from the working tree.
#[derive(Clone, Default)]
pub struct FileChecks {
    root: PathBuf,
    results: Vec<Arc<FileResult>>,
}

impl std::fmt::Debug for FileChecks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileChecks")
            .field("root", &self.root)
            .field("files", &self.results.len())
            .finish()
    }
}

impl FileChecks {
    /// The checks by site-relative path (made when asked: a preview rebuild does not need it).
    pub fn by_path(&self) -> CheckIndex<'_> {
        CheckIndex {
            root: &self.root,
            by_path: self
                .results
                .iter()
                .map(|result| (result.display.as_str(), result))
                .collect(),
        }
    }
}

/// [`FileChecks`] by site-relative path.
pub struct CheckIndex<'a> {
    root: &'a Path,
    by_path: FxHashMap<&'a str, &'a Arc<FileResult>>,
}

impl CheckIndex<'_> {
    /// Whether a version's file at `path` (site-relative) can be taken from this check when
    /// its bytes are the working tree's: it is no record file, or one that was checked (the
    /// walk of content/ leaves out some names a git tree may hold).
    pub fn covers(&self, path: &str) -> bool {
        record_collection(path).is_none() || self.by_path.contains_key(path)
    }
}

/// Failures that stop a check before any content is read (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(
        "{0} is not a dossier site: it has no content/ folder (create one with `dossier init DIR`)"
    )]
    NoContent(PathBuf),
    #[error("cannot read the configuration {path}: {source}")]
    Config {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Loads and validates the site at `root`, with `site.yaml` or the given configuration file.
pub fn check_site(root: &Path, config_path: Option<&Path>) -> Result<Checked, CheckError> {
    check_site_cached(root, config_path, &mut Cache::disabled())
}

/// What checking one file gave: its record, the id it claims, its own diagnostics, its relative
/// `.md` links (their existence is checked across files) and its text when it has diagnostics.
struct FileResult {
    record: Option<Record>,
    /// A customer's id and where it is written, read even when the record has other errors:
    /// the duplicate-id rule runs on every record whose id could be read.
    customer_id: Option<(String, Pos)>,
    diagnostics: Vec<Diagnostic>,
    links: Vec<links::MdLink>,
    display: String,
    text: Option<String>,
}

/// Per-file results of earlier checks, reused while a file's size and modification time are
/// unchanged. The preview server keeps one across rebuilds, so saving one record re-reads one
/// file, not the whole site.
pub struct Cache {
    files: FxHashMap<PathBuf, (FileStamp, Arc<FileResult>)>,
    /// A one-off check keeps nothing.
    keep: bool,
    /// Paths (`Source::path`) of the customer records the last check read anew.
    reread: Vec<String>,
    /// Whether the last check started from an empty cache (the first check reads everything).
    cold: bool,
    /// The last check's walk of content/.
    walk: Option<walk::Walk>,
    /// What may have changed since the last check.
    since: Since,
    /// Whether the caller says what changed between checks ([`Cache::changed_since_last_check`]).
    told: bool,
}

/// What may have changed since the last check.
enum Since {
    Anything,
    /// Only the files at these paths.
    Only(Vec<PathBuf>),
}

impl Default for Cache {
    fn default() -> Self {
        Cache {
            files: FxHashMap::default(),
            keep: true,
            reread: Vec::new(),
            cold: true,
            walk: None,
            since: Since::Anything,
            told: false,
        }
    }
}

impl Cache {
    fn disabled() -> Self {
        Cache {
            keep: false,
            ..Cache::default()
        }
    }

    /// Tells the next check that only the files at `changed` (site-relative paths, as the
    /// preview's watcher reports them) may have changed since the last one, or, with `None`,
    /// that any may have. The next check then walks content/ and stats only what it must; a
    /// change left out of `changed` is not seen until a check told `None`. Once told, a cache
    /// expects to be told before every check (no call: nothing changed).
    pub fn changed_since_last_check(&mut self, root: &Path, changed: Option<&[String]>) {
        self.told = true;
        match (changed, &mut self.since) {
            (None, since) => *since = Since::Anything,
            // Added to what the last call named, if the check in between did not run.
            (Some(paths), Since::Only(pending)) => {
                pending.extend(paths.iter().map(|p| root.join(p)))
            }
            (Some(_), Since::Anything) => {}
        }
    }

    /// The customer records that the last check read anew because they are new or changed
    /// (`Source::path`, sorted), or `None` after a check that read every file.
    pub fn changed_customers(&self) -> Option<&[String]> {
        (!self.cold).then_some(&self.reread[..])
    }
}

type FileStamp = (u64, Option<SystemTime>);

fn stamp(path: &Path) -> Option<FileStamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()))
}

/// [`check_site`], reusing the unchanged files of `cache` and updating it.
pub fn check_site_cached(
    root: &Path,
    config_path: Option<&Path>,
    cache: &mut Cache,
) -> Result<Checked, CheckError> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(CheckError::NoContent(root.to_path_buf()));
    }
    let config_file = config_path.map_or_else(|| root.join("site.yaml"), Path::to_path_buf);
    let config_bytes = std::fs::read(&config_file).map_err(|source| CheckError::Config {
        path: config_file.clone(),
        source,
    })?;
    let config_display = crate::diagnostics::display_path(root, &config_file);
    // A configuration saved as GBK is a diagnostic like a record's, not a failure to run.
    let (config_text, (config, mut diagnostics)) =
        config_from_bytes(&config_display, config_bytes, Some(root));

    let mut previous = std::mem::take(&mut cache.files);
    cache.cold = previous.is_empty();
    // From here on, what changes is what the caller tells of (when it tells).
    let after = if cache.told {
        Since::Only(Vec::new())
    } else {
        Since::Anything
    };
    let changed = match std::mem::replace(&mut cache.since, after) {
        Since::Only(paths) if !cache.cold => Some(paths),
        _ => None,
    };
    let last_walk = cache.walk.take();
    let (walk, changed) = match (last_walk, changed) {
        (Some(last), Some(changed)) => match last.updated(root, &content, &changed) {
            Some(walk) => (walk, Some(changed.into_iter().collect::<HashSet<_>>())),
            None => (walk::Walk::new(root, &content), None),
        },
        _ => (walk::Walk::new(root, &content), None),
    };
    diagnostics.extend(walk.problems.iter().cloned());
    let records: Vec<(&PathBuf, Collection)> = walk
        .candidates
        .iter()
        .filter_map(|(path, collection)| collection.map(|c| (path, c)))
        .collect();
    // Told what changed, a file it does not name keeps its last result without a stat.
    let unchanged = |path: &PathBuf| changed.as_ref().is_some_and(|c| !c.contains(path));
    let results: Vec<(PathBuf, Option<FileStamp>, Arc<FileResult>, bool)> = records
        .par_iter()
        .map(|(path, collection)| {
            if unchanged(path)
                && let Some((then, result)) = previous.get(*path)
            {
                return ((*path).clone(), Some(*then), result.clone(), false);
            }
            let now = stamp(path);
            let (result, reread) = match previous.get(*path) {
                Some((then, result)) if now.is_some() && Some(*then) == now => {
                    (result.clone(), false)
                }
                _ => (Arc::new(check_file(root, path, *collection)), true),
            };
            ((*path).clone(), now, result, reread)
        })
        .collect();
    let markdown_files = walk.markdown_files.clone();
    let files_checked = records.len() + 1;
    drop(records);
    cache.reread = results
        .iter()
        .filter(|(.., reread)| *reread)
        .filter_map(|(_, _, result, _)| match &result.record {
            Some(Record::Customer(c)) => Some(c.source.path.clone()),
            _ => None,
        })
        .collect();
    cache.reread.sort();

    if cache.keep {
        // The last check's table, emptied: filling a new one grew it by rehashing into fresh
        // memory on every save of the preview.
        previous.clear();
        for (path, file_stamp, result, _) in &results {
            if let Some(file_stamp) = file_stamp {
                previous.insert(path.clone(), (*file_stamp, result.clone()));
            }
        }
        cache.files = previous;
        cache.walk = Some(walk);
    }
    let parts = Parts {
        config,
        config_display,
        config_text,
        diagnostics,
        markdown_files,
        files_checked,
    };
    let files = FileChecks {
        root: root.to_path_buf(),
        results: results
            .iter()
            .map(|(_, _, result, _)| result.clone())
            .collect(),
    };
    let results = results.iter().map(|(_, _, result, _)| result.as_ref());
    let mut checked = assemble(parts, results, |file| load::source_text(&root.join(file)));
    checked.files = files;
    Ok(checked)
}

/// A site's files as a git revision holds them: `site.yaml` and every file under `content/`,
/// by site-relative path (`content/customers/a.md`).
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// The bytes of site.yaml; `None` when the revision has none (the defaults apply).
    pub config: Option<Vec<u8>>,
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Validates a site held in memory, with the same rules as [`check_site`], never touching the
/// file system (a theme folder named by site.yaml is not looked for).
pub fn check_snapshot(snapshot: Snapshot) -> Checked {
    FileSet::new(snapshot).checked()
}

/// A site held in memory with each record file's check kept, so that a version that differs in
/// a few files is checked by decoding only those (the history of `dossier changes` walks back
/// commit by commit this way).
pub struct FileSet {
    snapshot: Snapshot,
    results: BTreeMap<String, Arc<FileResult>>,
    /// Paths whose bytes are those of the working tree under this root: their results were
    /// taken from its check and their bytes left out of `snapshot` (read from disk when a
    /// diagnostic needs the text).
    on_disk: Option<(PathBuf, BTreeSet<String>)>,
}

impl FileSet {
    /// Checks every record file of `snapshot`, in parallel.
    pub fn new(snapshot: Snapshot) -> FileSet {
        let results = snapshot
            .files
            .par_iter()
            .filter_map(|(path, bytes)| {
                let collection = record_collection(path)?;
                let result = check_bytes(path, collection, bytes.clone());
                Some((path.clone(), Arc::new(result)))
            })
            .collect();
        FileSet {
            snapshot,
            results,
            on_disk: None,
        }
    }

    /// [`FileSet::new`] for a version whose files at the paths `same` hold the same bytes as
    /// the working tree checked into `checks`: those take the working tree's results (and
    /// stay out of `snapshot`, whose other files are the version's own). Every path in `same`
    /// must be a file of the version; a record file among them that `checks` lacks is an error
    /// of the caller, and is left out.
    pub fn reusing(snapshot: Snapshot, checks: &CheckIndex, same: BTreeSet<String>) -> FileSet {
        let mut fresh = FileSet::new(snapshot);
        for path in &same {
            if let Some(result) = checks.by_path.get(path.as_str()) {
                fresh.results.insert(path.clone(), Arc::clone(result));
            }
            fresh.snapshot.files.insert(path.clone(), Vec::new());
        }
        fresh.on_disk = Some((checks.root.to_path_buf(), same));
        fresh
    }

    /// Replaces site.yaml (`None`: the version has none).
    pub fn set_config(&mut self, bytes: Option<Vec<u8>>) {
        self.snapshot.config = bytes;
    }

    /// Replaces, adds (`Some`) or removes (`None`) one file under content/, checking it anew.
    pub fn set_file(&mut self, path: &str, bytes: Option<Vec<u8>>) {
        if let Some((_, same)) = &mut self.on_disk {
            same.remove(path);
        }
        match bytes {
            Some(bytes) => {
                if let Some(collection) = record_collection(path) {
                    let result = check_bytes(path, collection, bytes.clone());
                    self.results.insert(path.to_string(), Arc::new(result));
                }
                self.snapshot.files.insert(path.to_string(), bytes);
            }
            None => {
                self.results.remove(path);
                self.snapshot.files.remove(path);
            }
        }
    }

    /// The site as it stands: every record, every diagnostic, the rules across files.
    pub fn checked(&self) -> Checked {
        let config_display = "site.yaml".to_string();
        let (config_text, (config, diagnostics)) = match &self.snapshot.config {
            None => (String::new(), (SiteConfig::default(), Vec::new())),
            Some(bytes) => config_from_bytes(&config_display, bytes.clone(), None),
        };
        let markdown_files: BTreeSet<String> = self
            .snapshot
            .files
            .keys()
            .filter(|path| load::is_markdown_path(path))
            .cloned()
            .collect();
        let parts = Parts {
            config,
            config_display,
            config_text,
            diagnostics,
            markdown_files,
            files_checked: self.results.len() + 1,
        };
        assemble(parts, self.results.values().map(Arc::as_ref), |file| {
            if let Some((root, same)) = &self.on_disk
                && same.contains(file)
            {
                return load::source_text(&root.join(file));
            }
            let bytes = self.snapshot.files.get(file)?;
            String::from_utf8(bytes.clone()).ok()
        })
    }
}

/// The collection of a record file (`content/customers/….md`); `None` for any other file.
fn record_collection(path: &str) -> Option<Collection> {
    load::is_markdown_path(path)
        .then(|| load::collection_of_path(path))
        .flatten()
}

/// What a check knows before it gathers the records' results.
struct Parts {
    config: SiteConfig,
    config_display: String,
    config_text: String,
    diagnostics: Vec<Diagnostic>,
    markdown_files: BTreeSet<String>,
    files_checked: usize,
}

/// The records and diagnostics of every file, with the rules across files (links, duplicate
/// ids, the reporting year) and the texts the diagnostics need (`text_of` a record file).
fn assemble<'a>(
    parts: Parts,
    results: impl ExactSizeIterator<Item = &'a FileResult>,
    text_of: impl Fn(&str) -> Option<String>,
) -> Checked {
    let Parts {
        config,
        config_display,
        config_text,
        mut diagnostics,
        markdown_files,
        files_checked,
    } = parts;
    // Records are large: growing the vectors would copy every one of them again.
    let mut customers = Vec::with_capacity(results.len());
    let mut playbooks = Vec::new();
    let mut sources = Sources::new();
    let mut customer_ids = Vec::with_capacity(results.len());
    for result in results {
        diagnostics.extend(result.diagnostics.iter().cloned());
        diagnostics.extend(links::broken(
            &result.display,
            &result.links,
            &markdown_files,
        ));
        if let Some(text) = &result.text {
            sources.insert(result.display.clone(), text.clone());
        }
        if let Some((id, pos)) = &result.customer_id {
            customer_ids.push((id.as_str(), result.display.as_str(), *pos));
        }
        match result.record.clone() {
            Some(Record::Customer(c)) => customers.push(c),
            Some(Record::Playbook(p)) => playbooks.push((*p).clone()),
            None => {}
        }
    }
    diagnostics.extend(duplicate_ids(customer_ids));
    diagnostics.extend(withheld_lists(&config, &playbooks, &config_display));
    if let Some(d) = reporting_year_problem(&config, &customers, &config_display) {
        diagnostics.push(d);
    }
    let report = Report::new(diagnostics);
    // Broken links and duplicate ids are found across files: keep the texts they need too, of
    // the files the loader accepted only (never a link out of content/, nor a file it refused).
    for d in report.diagnostics() {
        if sources.contains_key(&d.file) {
            continue;
        }
        let text = if d.file == config_display {
            Some(config_text.clone())
        } else if markdown_files.contains(&d.file) {
            text_of(&d.file)
        } else {
            None
        };
        if let Some(text) = text {
            sources.insert(d.file.clone(), text);
        }
    }
    Checked {
        site: Site::shared(customers, playbooks),
        config,
        report,
        sources,
        files_checked,
        files: FileChecks::default(),
    }
}

/// A playbook whose selector reads a group an audience hides would reveal it through its
/// customer list: that audience's page of the playbook shows the text without the list.
/// A warning at the audience's `hide` entry, so `--strict` can refuse it, until the audience
/// says `withhold_lists: true`.
fn withheld_lists(config: &SiteConfig, playbooks: &[Playbook], file: &str) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for audience in config.audiences.iter().filter(|a| !a.withhold_lists) {
        for playbook in playbooks {
            let Some((key, group)) = audience.hidden.withholds(playbook) else {
                continue;
            };
            let pos = audience
                .positions
                .iter()
                .find(|(g, _)| {
                    *g == group
                        || (*g == crate::audience::Group::Contacts
                            && group.as_str().starts_with("contacts"))
                })
                .map_or(Pos { line: 1, column: 1 }, |(_, pos)| *pos);
            found.push(
                Diagnostic::new(
                    Code::AudienceWithholdsList,
                    file,
                    pos,
                    format!(
                        "audience `{}` hides `{}`, which {} selects its customers by (`applies_to.{key}`): that audience's page of the playbook shows no customer list",
                        audience.name,
                        group.as_str(),
                        playbook.source.path
                    ),
                )
                .field(format!("audiences.{}.hide", audience.name))
                .help(format!(
                    "select by what `{0}` may see (stages, tags), or accept pages without their list: add `withhold_lists: true` to audiences.{0}",
                    audience.name
                )),
            );
        }
    }
    found
}

/// The site's configuration alone, with the defaults in place of what is invalid; `None` when
/// it cannot be read.
pub fn read_config(root: &Path, config_path: Option<&Path>) -> Option<SiteConfig> {
    let file = config_path.map_or_else(|| root.join("site.yaml"), Path::to_path_buf);
    let text = std::fs::read_to_string(&file).ok()?;
    Some(decode_config("site.yaml", &text, None).0)
}

/// Reads, parses and decodes one record file.
fn check_file(root: &Path, path: &Path, collection: Collection) -> FileResult {
    let (display, text, parsed) = load::read_document(root, path, collection);
    decode_file(display, text, parsed)
}

/// Parses and decodes one record file's bytes, read from elsewhere than the file system.
fn check_bytes(display: &str, collection: Collection, bytes: Vec<u8>) -> FileResult {
    let (text, parsed) = load::document_from_bytes(display, Path::new(display), collection, bytes);
    decode_file(display.to_string(), text, parsed)
}

fn decode_file(
    display: String,
    text: Option<String>,
    parsed: Result<Document, Diagnostic>,
) -> FileResult {
    let (decoded, links) = match parsed {
        Ok(document) => {
            let decoded = decode_document(&document);
            let links = links::md_links(&document.path, &document.body, document.body_line);
            (decoded, links)
        }
        Err(diagnostic) => (DecodedFile::failed(diagnostic), Vec::new()),
    };
    let DecodedFile {
        record,
        customer_id,
        diagnostics,
    } = decoded;
    let text = if diagnostics.is_empty() { None } else { text };
    FileResult {
        record,
        customer_id,
        diagnostics,
        links,
        display,
        text,
    }
}

/// site.yaml's text and its decoding from its bytes; bytes that are not UTF-8 are a diagnostic
/// (a configuration saved as GBK), with the defaults in place.
fn config_from_bytes(
    display: &str,
    bytes: Vec<u8>,
    root: Option<&Path>,
) -> (String, (SiteConfig, Vec<Diagnostic>)) {
    match String::from_utf8(bytes) {
        Ok(text) => {
            let decoded = decode_config(display, &text, root);
            (text, decoded)
        }
        Err(err) => {
            let problem = load::not_utf8(display, &err);
            (String::new(), (SiteConfig::default(), vec![problem]))
        }
    }
}

/// Decodes site.yaml; with the site's `root`, also checks where its theme folder leads.
fn decode_config(display: &str, text: &str, root: Option<&Path>) -> (SiteConfig, Vec<Diagnostic>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match yaml::parse(text, 0) {
        Ok(node) => {
            let mut ctx = decode::Ctx::new(display);
            let config = config::decode(&mut ctx, &node);
            if let Some(root) = root {
                config::check_theme_folder(&mut ctx, &node, root, &config.theme);
            }
            (config, ctx.diagnostics)
        }
        Err(e) => (
            SiteConfig::default(),
            vec![load::yaml_error(display, text, 0, e)],
        ),
    }
}

#[derive(Clone)]
enum Record {
    /// Shared with the sites built from it: the preview's cache keeps it across builds.
    Customer(Arc<Customer>),
    Playbook(Box<Playbook>),
}

/// One file decoded: its record if it is usable, a customer's id if it could be read, and the
/// file's own diagnostics.
struct DecodedFile {
    record: Option<Record>,
    customer_id: Option<(String, Pos)>,
    diagnostics: Vec<Diagnostic>,
}

impl DecodedFile {
    fn failed(diagnostic: Diagnostic) -> Self {
        DecodedFile {
            record: None,
            customer_id: None,
            diagnostics: vec![diagnostic],
        }
    }
}

fn decode_document(document: &Document) -> DecodedFile {
    let mut ctx = decode::Ctx::new(&document.path);
    let source = Source {
        path: document.path.clone(),
        slug: document.slug.clone(),
        absolute: document.absolute.clone(),
    };
    let (record, customer_id) = match document.collection {
        Collection::Customers => {
            let decoded = customer::decode(
                &mut ctx,
                &document.front,
                source,
                &document.body,
                document.body_line,
            );
            (
                decoded.customer.map(|c| Record::Customer(Arc::new(c))),
                decoded.id,
            )
        }
        Collection::Playbooks => {
            let playbook = playbook::decode(
                &mut ctx,
                &document.front,
                source,
                &document.body,
                document.body_line,
            );
            (playbook.map(|p| Record::Playbook(Box::new(p))), None)
        }
    };
    DecodedFile {
        record,
        customer_id,
        diagnostics: ctx.diagnostics,
    }
}

/// Every record after the first (in path order) that reuses an id, given each customer file's
/// id, path and the id's position.
fn duplicate_ids(mut ids: Vec<(&str, &str, Pos)>) -> Vec<Diagnostic> {
    // Sorted by id, then path: each run of one id is its holders, the first path first.
    ids.sort_unstable();
    let mut diagnostics = Vec::new();
    for holders in ids.chunk_by(|a, b| a.0 == b.0) {
        let (id, first, _) = holders[0];
        for &(_, path, pos) in &holders[1..] {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    path,
                    pos,
                    format!("id \"{id}\" is already used by {first}"),
                )
                .field("id")
                .help("ids are unique across all customers; give this record a new id (`dossier new customer` picks the next free one)"),
            );
        }
    }
    diagnostics
}

fn reporting_year_problem(
    config: &SiteConfig,
    customers: &[Arc<Customer>],
    config_display: &str,
) -> Option<Diagnostic> {
    let has_sales = customers.iter().any(|c| !c.sales.is_empty());
    if config.year.is_some() || config.as_of.is_some() || has_sales || customers.is_empty() {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::NoReportingYear,
            config_display,
            Pos { line: 1, column: 1 },
            "no reporting year: site.yaml has no `year` or `as_of` and no record has sales",
        )
        .help("add `year: 2025` to site.yaml"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_text(collection: Collection, text: &str) -> Vec<Diagnostic> {
        let path = format!("content/{}/x.md", collection.folder());
        match load::parse_document(&path, Path::new("x.md"), collection, text) {
            Ok(document) => {
                let diagnostics = decode_document(&document).diagnostics;
                let links = links::check(
                    &path,
                    &document.body,
                    document.body_line,
                    &Default::default(),
                );
                diagnostics.into_iter().chain(links).collect()
            }
            Err(diagnostic) => vec![diagnostic],
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let text = String::from_utf8_lossy(&bytes);
            for collection in [Collection::Customers, Collection::Playbooks] {
                let _ = check_text(collection, &text);
            }
        }

        #[test]
        fn yaml_like_front_matter_never_panics(body in "[a-z_:{}\\[\\], \\-\\n0-9.\"'#|>&*!%@`华东]{0,300}") {
            for collection in [Collection::Customers, Collection::Playbooks] {
                let text = format!("---\n{body}\n---\n[x]({body}.md)\n");
                let diagnostics = check_text(collection, &text);
                for d in diagnostics {
                    prop_assert!(d.line >= 1 && d.column >= 1, "{d:?}");
                }
            }
        }
    }
}

#[cfg(test)]
mod cache_tests {
    use super::*;

    fn concise(checked: &Checked) -> Vec<String> {
        checked
            .report
            .diagnostics()
            .iter()
            .map(|d| format!("{}:{}:{} {}", d.file, d.line, d.column, d.code))
            .collect()
    }

    #[test]
    fn cached_checks_see_edits_and_equal_fresh_checks() {
        let site = tempfile::tempdir().unwrap();
        std::fs::write(site.path().join("site.yaml"), "title: T\nyear: 2025\n").unwrap();
        let dir = site.path().join("content/customers");
        std::fs::create_dir_all(&dir).unwrap();
        let record = |id: &str| {
            format!("---\nid: {id}\nname: N\nstage: prospect\nowner: O\n---\n[x](b.md)\n")
        };
        std::fs::write(dir.join("a.md"), record("KH-1")).unwrap();
        std::fs::write(dir.join("c.md"), record("KH-3")).unwrap();
        let mut cache = Cache::default();
        assert!(cache.keep);

        let first = check_site_cached(site.path(), None, &mut cache).unwrap();
        assert_eq!(
            concise(&first),
            [
                "content/customers/a.md:7:5 E040",
                "content/customers/c.md:7:5 E040"
            ]
        );
        assert_eq!(cache.files.len(), 2);

        // A new file fixes both links without touching a.md or c.md; an edit breaks c.md.
        std::fs::write(dir.join("b.md"), record("KH-2")).unwrap();
        std::fs::write(dir.join("c.md"), record("KH-1 x")).unwrap();
        let second = check_site_cached(site.path(), None, &mut cache).unwrap();
        let fresh = check_site(site.path(), None).unwrap();
        assert_eq!(concise(&second), ["content/customers/c.md:2:5 E016"]);
        assert_eq!(concise(&second), concise(&fresh));
        assert_eq!(second.site, fresh.site);

        std::fs::remove_file(dir.join("b.md")).unwrap();
        let third = check_site_cached(site.path(), None, &mut cache).unwrap();
        assert_eq!(
            concise(&third),
            concise(&check_site(site.path(), None).unwrap())
        );
        assert_eq!(cache.files.len(), 2, "deleted files leave the cache");
    }

    #[test]
    fn told_checks_look_only_at_the_named_files_and_equal_fresh_checks() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        std::fs::write(root.join("site.yaml"), "title: T\nyear: 2025\n").unwrap();
        let dir = root.join("content/customers");
        std::fs::create_dir_all(dir.join("north")).unwrap();
        let record = |id: &str| {
            format!("---\nid: {id}\nname: N\nstage: prospect\nowner: O\n---\n[x](b.md)\n")
        };
        let write = |name: &str, id: &str| std::fs::write(dir.join(name), record(id)).unwrap();
        write("a.md", "KH-1");
        write("north/z.md", "KH-9");
        let mut cache = Cache::default();
        let mut check = |changed: Option<&[&str]>| {
            let named: Option<Vec<String>> =
                changed.map(|c| c.iter().map(|p| format!("content/customers/{p}")).collect());
            cache.changed_since_last_check(root, named.as_deref());
            let told = check_site_cached(root, None, &mut cache).unwrap();
            (concise(&told), told.site)
        };
        let fresh = || {
            let checked = check_site(root, None).unwrap();
            (concise(&checked), checked.site)
        };
        assert_eq!(check(None), fresh(), "the first check reads everything");

        // New (sorting between the others), edited, removed, and a file that is no record.
        write("b.md", "KH-2");
        write("north/z.md", "KH-9 x");
        std::fs::write(dir.join("notes.txt"), "x").unwrap();
        assert_eq!(check(Some(&["b.md", "north/z.md", "notes.txt"])), fresh());
        std::fs::remove_file(dir.join("a.md")).unwrap();
        assert_eq!(check(Some(&["a.md"])), fresh());

        // A change nobody named is not looked at (no stat, no walk) ...
        write("north/z.md", "KH-9");
        write("c.md", "KH-3");
        let (missed, _) = check(Some(&[]));
        assert_ne!(missed, fresh().0, "an unnamed change is not seen");
        // ... until a check told that anything may have changed.
        assert_eq!(check(None), fresh());

        // A folder that changed needs a walk.
        std::fs::create_dir_all(dir.join("south")).unwrap();
        write("south/s.md", "KH-5");
        assert_eq!(check(Some(&["south"])), fresh());
    }
}
