//! What the preview server serves: the files of the last good build, and the diagnostics of the
//! latest one when it failed.

use std::collections::BTreeMap;
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

#[derive(Default)]
pub struct Snapshot {
    pub files: Arc<Files>,
    /// Diagnostics of the latest build when it failed; empty when it succeeded.
    pub problems: Arc<Vec<Diagnostic>>,
    /// Increases with every build, good or bad: the live script compares it.
    pub generation: u64,
}

/// Shared between the request threads and the rebuild thread.
#[derive(Clone, Default)]
pub struct SiteState {
    inner: Arc<RwLock<Snapshot>>,
}

impl SiteState {
    pub fn snapshot(&self) -> (Arc<Files>, Arc<Vec<Diagnostic>>, u64) {
        let guard = self
            .inner
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (
            guard.files.clone(),
            guard.problems.clone(),
            guard.generation,
        )
    }

    /// Applies a build result and returns the new generation, and what to publish next.
    pub fn apply(&self, rebuild: Rebuild) -> (u64, Option<FollowUp>) {
        let mut guard = self
            .inner
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut next = None;
        match rebuild {
            Rebuild::Built(files) => {
                guard.files = Arc::new(files);
                guard.problems = Arc::new(Vec::new());
            }
            Rebuild::BuiltThen(files, then) => {
                guard.files = Arc::new(files);
                guard.problems = Arc::new(Vec::new());
                next = Some(then);
            }
            Rebuild::Failed(problems) => guard.problems = Arc::new(problems),
        }
        guard.generation += 1;
        (guard.generation, next)
    }

    /// Publishes files made after a build's pages, in the same generation (the pages did not
    /// change, so open tabs do not reload). The files are copied only if a request still holds
    /// the current ones.
    pub fn update(&self, update: Update) {
        let mut guard = self
            .inner
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let files = Arc::make_mut(&mut guard.files);
        for path in &update.remove {
            files.remove(path);
        }
        files.extend(update.files);
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
        let (generation, next) = state.apply(Rebuild::BuiltThen(pages, then));
        let held = state.snapshot().0;
        state.update(next.expect("a follow-up")());
        let (now, problems, same) = state.snapshot();
        assert_eq!(same, generation);
        assert!(problems.is_empty());
        let listed: Vec<(&str, &[u8])> = now.iter().map(|(p, b)| (p.as_str(), &b[..])).collect();
        assert_eq!(
            listed,
            [("index.html", &b"new"[..]), ("search/a.gz", b"new")]
        );
        assert_eq!(held.len(), 3, "a request holding the pages keeps them");
    }
}
