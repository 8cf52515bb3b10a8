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
    /// The content or a template is invalid; the previous files stay in service.
    Failed(Vec<Diagnostic>),
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

    /// Applies a build result and returns the new generation.
    pub fn apply(&self, rebuild: Rebuild) -> u64 {
        let mut guard = self
            .inner
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match rebuild {
            Rebuild::Built(files) => {
                guard.files = Arc::new(files);
                guard.problems = Arc::new(Vec::new());
            }
            Rebuild::Failed(problems) => guard.problems = Arc::new(problems),
        }
        guard.generation += 1;
        guard.generation
    }
}
