//! The preview's walk of content/, kept between checks: the Markdown files a check reads, and
//! what the watcher says changed since, so that a save does not walk and stat every file of the
//! site again.

use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, display_path};
use crate::load::{self, Candidate};

/// The Markdown files under content/ in walk order, as [`load::discover`] finds them.
pub(super) struct Walk {
    pub candidates: Vec<Candidate>,
    pub problems: Vec<Diagnostic>,
    /// The site-relative paths of `candidates`.
    pub markdown_files: BTreeSet<String>,
    met_links: bool,
}

impl Walk {
    pub fn new(root: &Path, content: &Path) -> Walk {
        let walked = load::walk(root, content);
        let markdown_files = walked
            .files
            .iter()
            .map(|(path, _)| display_path(root, path))
            .collect();
        Walk {
            candidates: walked.files,
            problems: walked.problems,
            markdown_files,
            met_links: walked.met_links,
        }
    }

    /// This walk with the files at `changed` (paths that may have changed since it was made)
    /// added or removed, or `None` when only a new walk can tell: a folder or a link changed,
    /// a path is gone that may have been a folder, or the walk met links or problems.
    pub fn updated(mut self, root: &Path, content: &Path, changed: &[PathBuf]) -> Option<Walk> {
        if self.met_links || !self.problems.is_empty() {
            return None;
        }
        for path in changed.iter().filter(|p| p.starts_with(content)) {
            let markdown = load::is_markdown(path);
            match std::fs::symlink_metadata(path) {
                Ok(meta) if meta.is_file() => {
                    if markdown {
                        self.insert(root, content, path);
                    }
                }
                Err(e) if e.kind() == ErrorKind::NotFound && markdown => self.remove(root, path),
                _ => return None,
            }
        }
        Some(self)
    }

    /// Walk order sorts names within each folder, folders before what they hold: the order of
    /// `Path`'s comparison, component by component.
    fn insert(&mut self, root: &Path, content: &Path, path: &Path) {
        if let Err(at) = self
            .candidates
            .binary_search_by(|(p, _)| p.as_path().cmp(path))
        {
            let collection = load::collection_of(content, path);
            self.candidates.insert(at, (path.to_path_buf(), collection));
            self.markdown_files.insert(display_path(root, path));
        }
    }

    fn remove(&mut self, root: &Path, path: &Path) {
        if let Ok(at) = self
            .candidates
            .binary_search_by(|(p, _)| p.as_path().cmp(path))
        {
            self.candidates.remove(at);
            self.markdown_files.remove(&display_path(root, path));
        }
    }
}
