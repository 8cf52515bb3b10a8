//! What the preview server serves: the files of the last good build, and the diagnostics of the
//! latest one when it failed.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use crate::diagnostics::Diagnostic;

/// Output files by site-relative path (`customers/kh-001/index.html`).
pub type Files = BTreeMap<String, Vec<u8>>;

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
}

impl Snapshot {
    /// The key (see [`page_key`]) and version of the page a request for `path` is answered
    /// with.
    pub fn page(&self, path: &str) -> (String, u64) {
        let key = page_key(&self.files, path);
        let version = self.version(&key);
        (key, version)
    }

    /// The version of the page at `key` (see [`page_key`]): the generation of the last change
    /// it shows. The live script reloads a tab when this is not the version it was served.
    pub fn version(&self, key: &str) -> u64 {
        let own = self.changed_in.get(key).copied().unwrap_or(0);
        own.max(self.everything_changed_in)
    }
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
#[derive(Debug)]
pub struct Published {
    pub generation: u64,
    pub changed: Changed,
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
    let index = format!("{path}/index.html");
    let last = path.rsplit('/').next().unwrap_or(path);
    if files.contains_key(&index) || !last.contains('.') {
        index
    } else {
        path.to_string()
    }
}

/// Shared between the request threads and the rebuild thread.
#[derive(Clone, Default)]
pub struct SiteState {
    inner: Arc<RwLock<Snapshot>>,
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
                    generation: guard.generation,
                    changed: Changed::Everything,
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

    /// Publishes some pages of a build ahead of the rest (see `build::render_cached_first`)
    /// over the current files.
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
        let had_problems = !guard.problems.is_empty();
        Arc::make_mut(&mut guard.files).extend(pages);
        guard.problems = Arc::new(Vec::new());
        self.record(&mut guard, differ, had_problems)
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
        let changed = if everything {
            Changed::Everything
        } else {
            Changed::Pages(differ)
        };
        Published {
            generation,
            changed,
        }
    }

    /// Publishes files made after a build's pages, in the same generation and without
    /// reloading anything (the search index: no page shows it until it is queried). The files
    /// are copied only if a request still holds the current ones.
    pub fn update(&self, update: Update) {
        let mut guard = self.write();
        let files = Arc::make_mut(&mut guard.files);
        for path in &update.remove {
            files.remove(path);
        }
        files.extend(update.files);
    }
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

    #[test]
    fn follow_up_files_replace_the_stale_ones_in_the_same_generation() {
        let state = SiteState::default();
        let files = |list: &[(&str, &str)]| -> Files {
            list.iter()
                .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
                .collect()
        };
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
        assert_eq!(now.generation, published.generation);
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

    fn files(list: &[(&str, &str)]) -> Files {
        list.iter()
            .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn a_page_keeps_its_version_until_it_changes() {
        let state = SiteState::default();
        let site = [
            ("index.html", "home"),
            ("customers/a/index.html", "a"),
            ("static/style.css", "css"),
        ];
        state.apply(Rebuild::Built(files(&site)));
        let (key, first) = state.snapshot().page("customers/a");
        assert_eq!((key.as_str(), first), ("customers/a/index.html", 1));

        // The edited dossier goes first; the full build then finds it already published.
        let published = state.publish_first(files(&[("customers/a/index.html", "a2")]));
        assert_eq!(
            published.changed,
            Changed::Pages(vec!["customers/a/index.html".into()])
        );
        assert_eq!(state.snapshot().page("customers/a").1, 2);
        assert_eq!(
            state.snapshot().page("").1,
            1,
            "the home page did not change"
        );
        let (published, _) = state.apply(Rebuild::Built(files(&[
            ("index.html", "home2"),
            ("customers/a/index.html", "a2"),
            ("customers/b/index.html", "b"),
            ("static/style.css", "css"),
        ])));
        assert_eq!(
            published.changed,
            Changed::Pages(vec!["customers/b/index.html".into(), "index.html".into()])
        );
        let shot = state.snapshot();
        assert_eq!(shot.page("customers/a").1, 2);
        assert_eq!(shot.page("").1, 3);
        assert_eq!(shot.page("customers/b").1, 3, "a page that appeared");
        assert_eq!(shot.page("customers/c").0, "customers/c/index.html");

        // A failed build, and the theme's static files, change every page.
        let (failed, _) = state.apply(Rebuild::Failed(Vec::new()));
        assert_eq!(failed.changed, Changed::Everything);
        assert_eq!(state.snapshot().page("customers/a").1, 4);
        let (css, _) = state.apply(Rebuild::Built(files(&[
            ("index.html", "home2"),
            ("static/style.css", "css2"),
        ])));
        assert_eq!(css.changed, Changed::Everything);
        assert_eq!(state.snapshot().page("").1, 5);
    }
}
