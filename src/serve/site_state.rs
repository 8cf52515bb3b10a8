//! What the preview server serves: the files of the last good build, and the diagnostics of the
//! latest one when it failed.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use crate::diagnostics::Diagnostic;
use crate::index::{MANIFEST, manifest_id};

/// Output files by site-relative path (`customers/kh-001/index.html`).
pub type Files = BTreeMap<String, Arc<[u8]>>;

/// The result of one build for the preview.
pub enum Rebuild {
    Built(Files),
    /// Files to publish at once, and files to publish over them once `then` has made them
    /// (the search index): open tabs reload without waiting for it.
    BuiltThen(Files, FollowUp),
    /// The content or a template is invalid; the previous files stay in service.
    Failed(Vec<Diagnostic>),
}

/// Makes the files published after a build's pages.
pub type FollowUp = Box<dyn FnOnce() -> Update + Send>;

/// Files published after a build's pages: `remove` goes, `files` are added or replaced.
#[derive(Debug, Default)]
pub struct Update {
    pub remove: Vec<String>,
    pub files: Files,
}

#[derive(Clone, Default)]
pub struct Snapshot {
    pub files: Arc<Files>,
    /// Diagnostics of the latest build when it failed; empty when it succeeded.
    pub problems: Arc<Vec<Diagnostic>>,
    /// Increases with every build, good or bad.
    pub generation: u64,
    /// The generation in which each file last changed (appeared, changed or went).
    changed_in: Arc<HashMap<String, u64>>,
    /// The generation of the last change every page shows: the problems overlay or the
    /// theme's static files.
    everything_changed_in: u64,
    /// Tells this server's versions from those of an earlier run, so a tab left open across a
    /// restart reloads.
    session: u64,
    /// The id of the search index in `files` (from its manifest), which search tabs compare
    /// with the one they loaded.
    pub index: Option<Arc<str>>,
}

/// The page every request outside the site gets.
pub const NOT_FOUND: &str = "404.html";

impl Snapshot {
    /// The key (see [`page_key`]) and version of the page a request for `path` is answered
    /// with.
    pub fn page(&self, path: &str) -> (String, String) {
        let key = page_key(&self.files, path);
        let version = self.version(&key);
        (key, version)
    }

    /// The version of the page at `key` (see [`page_key`]): the session and the generation of
    /// the last change it shows (its own file, or the 404 page while it is missing). The live
    /// script reloads a tab when this is not the version it was served.
    pub fn version(&self, key: &str) -> String {
        let changed = |k: &str| self.changed_in.get(k).copied().unwrap_or(0);
        let folder = folder_index(key);
        let mut last = changed(key).max(changed(&folder));
        if !self.files.contains_key(key) && !self.files.contains_key(&folder) {
            last = last.max(changed(NOT_FOUND));
        }
        version(self.session, last.max(self.everything_changed_in))
    }
}

fn version(session: u64, generation: u64) -> String {
    format!("{session:x}.{generation}")
}

/// `key/index.html`: a missing page whose last segment has a dot may appear as a folder.
fn folder_index(key: &str) -> String {
    format!("{key}/index.html")
}

/// Which open pages a publication changed.
#[derive(Debug, PartialEq, Eq)]
pub enum Changed {
    Everything,
    /// Keys of the files that appeared, changed or went, sorted.
    Pages(Vec<String>),
}

impl Changed {
    pub fn includes(&self, key: &str) -> bool {
        match self {
            Changed::Everything => true,
            Changed::Pages(keys) => keys.binary_search_by(|k| k.as_str().cmp(key)).is_ok(),
        }
    }
}

/// What [`SiteState`] tells the open tabs after publishing.
pub struct Published {
    pub changed: Changed,
    /// The id of the new search index, when this publication changed it.
    pub index: Option<Arc<str>>,
    /// The files as published, and their versions.
    now: Snapshot,
}

impl Published {
    /// The new version of the page at `key` when this publication changed it, or `None`.
    pub fn reaches(&self, key: &str) -> Option<String> {
        let folder = folder_index(key);
        let missing = !self.now.files.contains_key(key) && !self.now.files.contains_key(&folder);
        let changed = self.changed.includes(key)
            || self.changed.includes(&folder)
            || (missing && self.changed.includes(NOT_FOUND));
        changed.then(|| self.now.version(key))
    }
}

/// The file a request for `path` (as [`super::path::site_path`] gives it) is answered with
/// or would be once it exists: the file itself, or the `index.html` of a folder.
pub fn page_key(files: &Files, path: &str) -> String {
    if path.is_empty() {
        return "index.html".to_string();
    }
    if files.contains_key(path) {
        return path.to_string();
    }
    let index = folder_index(path);
    let last = path.rsplit('/').next().unwrap_or(path);
    if files.contains_key(&index) || !last.contains('.') {
        index
    } else {
        path.to_string()
    }
}

/// Shared between the request threads and the rebuild thread.
#[derive(Clone)]
pub struct SiteState {
    inner: Arc<RwLock<Snapshot>>,
}

impl Default for SiteState {
    fn default() -> Self {
        // The clock tells runs apart; the count, states within one process (tests).
        static STATES: AtomicU64 = AtomicU64::new(0);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let session = now.wrapping_add(STATES.fetch_add(1, Ordering::Relaxed))
            ^ u64::from(std::process::id());
        let snapshot = Snapshot {
            session,
            ..Snapshot::default()
        };
        SiteState {
            inner: Arc::new(RwLock::new(snapshot)),
        }
    }
}

impl SiteState {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Snapshot> {
        self.inner
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Snapshot> {
        self.inner
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The current files, problems and versions, for one request.
    pub fn snapshot(&self) -> Snapshot {
        self.read().clone()
    }

    /// Applies a build result: what it changed, and what to publish next.
    pub fn apply(&self, rebuild: Rebuild) -> (Published, Option<FollowUp>) {
        match rebuild {
            Rebuild::Built(files) => (self.publish(files), None),
            Rebuild::BuiltThen(files, then) => (self.publish(files), Some(then)),
            Rebuild::Failed(problems) => {
                let mut guard = self.write();
                guard.generation += 1;
                guard.everything_changed_in = guard.generation;
                guard.problems = Arc::new(problems);
                let published = Published {
                    changed: Changed::Everything,
                    index: None,
                    now: guard.clone(),
                };
                (published, None)
            }
        }
    }

    /// Replaces every file with those of a good build.
    fn publish(&self, files: Files) -> Published {
        let (previous, had_problems) = {
            let guard = self.read();
            (guard.files.clone(), !guard.problems.is_empty())
        };
        // Only this (rebuild) thread writes, so the files compared are still the current ones.
        let differ = changed_paths(&previous, &files);
        drop(previous);
        let mut guard = self.write();
        guard.files = Arc::new(files);
        guard.problems = Arc::new(Vec::new());
        self.record(&mut guard, differ, had_problems)
    }

    /// Publishes some pages of a build ahead of the rest (see `site::render_cached_first`)
    /// over the current files. The problems of a failed build stay until the whole build is
    /// published: the rest of it may still fail.
    pub fn publish_first(&self, pages: Files) -> Published {
        let differ: Vec<String> = {
            let guard = self.read();
            pages
                .iter()
                .filter(|(path, bytes)| guard.files.get(*path) != Some(*bytes))
                .map(|(path, _)| path.clone())
                .collect()
        };
        let mut guard = self.write();
        Arc::make_mut(&mut guard.files).extend(pages);
        self.record(&mut guard, differ, false)
    }

    /// Starts a generation in which the files at `differ` changed.
    fn record(&self, guard: &mut Snapshot, differ: Vec<String>, had_problems: bool) -> Published {
        guard.generation += 1;
        let generation = guard.generation;
        let everything = had_problems || differ.iter().any(|p| p.starts_with("static/"));
        if everything {
            guard.everything_changed_in = generation;
        }
        let changed_in = Arc::make_mut(&mut guard.changed_in);
        for path in &differ {
            changed_in.insert(path.clone(), generation);
        }
        let index = new_index(guard, differ.iter().any(|p| p == MANIFEST));
        let changed = if everything {
            Changed::Everything
        } else {
            Changed::Pages(differ)
        };
        Published {
            changed,
            index,
            now: guard.clone(),
        }
    }

    /// Publishes files made after a build's pages, in the same generation and without
    /// reloading any page (the search index: search tabs are told its new id instead). The
    /// files are copied only if a request still holds the current ones.
    pub fn update(&self, update: Update) -> Published {
        let mut guard = self.write();
        let manifest =
            update.remove.iter().any(|p| p == MANIFEST) || update.files.contains_key(MANIFEST);
        let files = Arc::make_mut(&mut guard.files);
        for path in &update.remove {
            files.remove(path);
        }
        files.extend(update.files);
        let index = new_index(&mut guard, manifest);
        Published {
            changed: Changed::Pages(Vec::new()),
            index,
            now: guard.clone(),
        }
    }
}

/// Records the id of the search index after a publication that touched its manifest, and
/// returns it when it changed.
fn new_index(snapshot: &mut Snapshot, manifest_touched: bool) -> Option<Arc<str>> {
    if !manifest_touched {
        return None;
    }
    let id: Option<Arc<str>> = snapshot
        .files
        .get(MANIFEST)
        .and_then(|m| manifest_id(m))
        .map(Arc::from);
    if id == snapshot.index {
        return None;
    }
    snapshot.index = id.clone();
    id
}

/// The paths of the files that appeared, changed or went between `old` and `new`, sorted.
fn changed_paths(old: &Files, new: &Files) -> Vec<String> {
    let mut old = old.iter().peekable();
    let mut new = new.iter().peekable();
    let mut changed = Vec::new();
    loop {
        match (old.peek(), new.peek()) {
            (None, None) => return changed,
            (Some((path, _)), None) => {
                changed.push((*path).clone());
                old.next();
            }
            (None, Some((path, _))) => {
                changed.push((*path).clone());
                new.next();
            }
            (Some((a, x)), Some((b, y))) => match a.cmp(b) {
                std::cmp::Ordering::Less => {
                    changed.push((*a).clone());
                    old.next();
                }
                std::cmp::Ordering::Greater => {
                    changed.push((*b).clone());
                    new.next();
                }
                std::cmp::Ordering::Equal => {
                    if x != y {
                        changed.push((*a).clone());
                    }
                    old.next();
                    new.next();
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Files {
        list.iter()
            .map(|(p, b)| (p.to_string(), Arc::from(b.as_bytes())))
            .collect()
    }

    #[test]
    fn follow_up_files_replace_the_stale_ones_in_the_same_generation() {
        let state = SiteState::default();
        let pages = files(&[
            ("index.html", "new"),
            ("search/a.gz", "old"),
            ("search/b.gz", "old"),
        ]);
        let then: FollowUp = Box::new(move || Update {
            remove: vec!["search/a.gz".into(), "search/b.gz".into()],
            files: files(&[("search/a.gz", "new")]),
        });
        let (published, next) = state.apply(Rebuild::BuiltThen(pages, then));
        let held = state.snapshot().files;
        state.update(next.expect("a follow-up")());
        let now = state.snapshot();
        assert_eq!(now.generation, published.now.generation);
        assert!(now.problems.is_empty());
        let listed: Vec<(&str, &[u8])> = now
            .files
            .iter()
            .map(|(p, b)| (p.as_str(), &b[..]))
            .collect();
        assert_eq!(
            listed,
            [("index.html", &b"new"[..]), ("search/a.gz", b"new")]
        );
        assert_eq!(held.len(), 3, "a request holding the pages keeps them");
    }

    /// The generation part of the version of the page at `path`.
    fn generation(state: &SiteState, path: &str) -> u64 {
        let version = state.snapshot().page(path).1;
        let (_, generation) = version.split_once('.').expect("session.generation");
        generation.parse().expect("a number")
    }

    #[test]
    fn a_page_keeps_its_version_until_it_changes() {
        let state = SiteState::default();
        let site = [
            ("index.html", "home"),
            ("customers/a/index.html", "a"),
            ("static/style.css", "css"),
            ("404.html", "missing"),
        ];
        state.apply(Rebuild::Built(files(&site)));
        assert_eq!(
            state.snapshot().page("customers/a").0,
            "customers/a/index.html"
        );
        assert_eq!(generation(&state, "customers/a"), 1);

        // The edited dossier goes first; the full build then finds it already published.
        let first = state.publish_first(files(&[("customers/a/index.html", "a2")]));
        assert_eq!(
            first.changed,
            Changed::Pages(vec!["customers/a/index.html".into()])
        );
        assert_eq!(
            first.reaches("customers/a/index.html"),
            Some(state.snapshot().page("customers/a").1)
        );
        assert_eq!(first.reaches("index.html"), None);
        assert_eq!(generation(&state, "customers/a"), 2);
        assert_eq!(generation(&state, ""), 1, "the home page did not change");
        let (published, _) = state.apply(Rebuild::Built(files(&[
            ("index.html", "home2"),
            ("customers/a/index.html", "a2"),
            ("customers/b/index.html", "b"),
            ("static/style.css", "css"),
            ("404.html", "missing"),
        ])));
        assert_eq!(
            published.changed,
            Changed::Pages(vec!["customers/b/index.html".into(), "index.html".into()])
        );
        assert_eq!(generation(&state, "customers/a"), 2);
        assert_eq!(generation(&state, ""), 3);
        assert_eq!(generation(&state, "customers/b"), 3, "a page that appeared");
        assert_eq!(
            state.snapshot().page("customers/c").0,
            "customers/c/index.html"
        );
        // A missing page whose name has a dot shows up as a folder.
        assert_eq!(
            state.snapshot().page("customers/a.inc").0,
            "customers/a.inc"
        );
        let (dotted, _) = state.apply(Rebuild::Built(files(&[
            ("index.html", "home2"),
            ("customers/a/index.html", "a2"),
            ("customers/b/index.html", "b"),
            ("customers/a.inc/index.html", "inc"),
            ("static/style.css", "css"),
            ("404.html", "missing"),
        ])));
        assert!(dotted.reaches("customers/a.inc").is_some());
        assert_eq!(dotted.reaches("customers/b/index.html"), None);

        // A missing page shows the 404 page, and follows it.
        let missing = generation(&state, "customers/c");
        let (not_found, _) = state.apply(Rebuild::Built(files(&[
            ("index.html", "home2"),
            ("static/style.css", "css"),
            ("404.html", "gone"),
        ])));
        assert!(not_found.reaches("customers/c/index.html").is_some());
        assert!(generation(&state, "customers/c") > missing);

        // A failed build, and the theme's static files, change every page.
        let (failed, _) = state.apply(Rebuild::Failed(Vec::new()));
        assert_eq!(failed.changed, Changed::Everything);
        assert_eq!(generation(&state, ""), 6);
        // The first pages of the next build leave the problems until the build is whole.
        state.apply(Rebuild::Failed(vec![crate::diagnostics::Diagnostic::new(
            crate::diagnostics::Code::OutOfRange,
            "content/customers/a.md",
            crate::yaml::Pos { line: 1, column: 1 },
            "broken",
        )]));
        state.publish_first(files(&[("customers/a/index.html", "a3")]));
        assert_eq!(state.snapshot().problems.len(), 1);
        let (css, _) = state.apply(Rebuild::Built(files(&[
            ("index.html", "home2"),
            ("static/style.css", "css2"),
        ])));
        assert_eq!(css.changed, Changed::Everything);
        assert!(state.snapshot().problems.is_empty());
    }

    #[test]
    fn the_index_that_follows_the_pages_is_added_in_place() {
        let state = SiteState::default();
        let pages = files(&[("index.html", "home")]);
        let then: FollowUp = Box::new(|| Update {
            remove: Vec::new(),
            files: files(&[("search/a.gz", "index")]),
        });
        let (published, next) = state.apply(Rebuild::BuiltThen(pages, then));
        drop(published);
        let before = Arc::as_ptr(&state.snapshot().files) as usize;
        state.update(next.expect("a follow-up")());
        let after = Arc::as_ptr(&state.snapshot().files) as usize;
        assert_eq!(before, after, "the pages were copied to add the index");
    }

    #[test]
    fn a_new_search_index_is_announced_once_by_its_id() {
        let state = SiteState::default();
        fn manifest(id: &str) -> String {
            format!("{{\"version\":2,\"id\":\"{id}\"}}")
        }
        let site = |id: &str| {
            files(&[
                ("index.html", "home"),
                (MANIFEST, &manifest(id)),
                (&format!("search/{id}/t/0.bin.gz"), "shard"),
            ])
        };
        let (first, _) = state.apply(Rebuild::Built(site("aaaa")));
        assert_eq!(first.index.as_deref(), Some("aaaa"));
        assert_eq!(state.snapshot().index.as_deref(), Some("aaaa"));
        let (same, _) = state.apply(Rebuild::Built(site("aaaa")));
        assert_eq!(same.index, None);
        // The pages first, with the previous index; then the new one replaces it.
        let then: FollowUp = Box::new(|| Update {
            remove: vec![MANIFEST.into(), "search/aaaa/t/0.bin.gz".into()],
            files: files(&[
                (MANIFEST, &manifest("bbbb")),
                ("search/bbbb/t/0.bin.gz", "x"),
            ]),
        });
        let (pages, next) = state.apply(Rebuild::BuiltThen(site("aaaa"), then));
        assert_eq!(pages.index, None);
        let index = state.update(next.expect("a follow-up")());
        assert_eq!(index.index.as_deref(), Some("bbbb"));
        assert_eq!(index.changed, Changed::Pages(Vec::new()), "no page reloads");
        assert_eq!(state.snapshot().index.as_deref(), Some("bbbb"));
    }

    #[test]
    fn versions_differ_between_server_runs() {
        let (one, two) = (SiteState::default(), SiteState::default());
        one.apply(Rebuild::Built(files(&[("index.html", "a")])));
        two.apply(Rebuild::Built(files(&[("index.html", "a")])));
        assert_ne!(one.snapshot().page("").1, two.snapshot().page("").1);
    }
}
