//! Atomic output: a build writes every file into a temporary sibling of the output folder and
//! swaps it in at the end, so a failed, interrupted or killed build leaves the previous site
//! exactly as it was, and a complete site is in place at every instant.
//!
//! - [`target`]: which folder a build may replace at all (never one it did not write);
//! - [`swap`]: the swap, the lock held while a build writes, and the repair of what killed
//!   builds left.

mod swap;
mod target;

pub use target::{MARKER, MARKER_TEXT, Protected, canonical};

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;

use swap::{Lock, Names};
use target::Contents;

/// The files of a site: site-relative paths with `/` separators (`customers/acme/index.html`),
/// sorted, to their bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

/// What a successful write did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Where the site went: the output folder, or the folder it links to.
    pub dir: PathBuf,
    pub files: usize,
    pub bytes: u64,
    /// Temporary folders of earlier, killed builds that were removed or restored.
    pub cleaned: Vec<PathBuf>,
    /// The output replaced was written by a dossier from before the marker.
    pub replaced_unmarked: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "invalid output path `{0}`: paths are relative, with `/` separators and no `.` or `..` parts"
    )]
    InvalidPath(String),
    /// The output folder is one a build must not replace. `folder` is as given (with where it
    /// leads, when that differs).
    #[error("refusing to write the site into {folder}: {reason}\nhelp: {help}")]
    Refused {
        folder: String,
        reason: String,
        help: String,
    },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `.gitignore` patterns, relative to the output's parent, for the output folder `name` and
/// the temporary folders a build makes beside it (see `swap.rs`).
pub fn ignore_patterns(name: &str) -> [String; 3] {
    [
        format!("/{name}/"),
        format!("/.{name}.tmp-*"),
        format!("/.{name}.old-*"),
    ]
}

/// Checks that `path` is a plain relative path: no empty, `.` or `..` parts, no backslash,
/// no leading `/`.
pub fn is_valid_path(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && !path.contains('\0')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Writes `files` as the new content of `out`, atomically replacing what was there.
///
/// On any error the temporary tree is removed and `out` is left untouched.
pub fn write_site(out: &Path, site: &Protected, files: &Files) -> Result<Written, WriteError> {
    write_site_with(out, site, files, &|_| Ok(()))
}

/// [`write_site`] with a hook called before each file is written, so tests can fail a build
/// part-way.
fn write_site_with(
    out: &Path,
    site: &Protected,
    files: &Files,
    before_file: &(dyn Fn(&str) -> io::Result<()> + Sync),
) -> Result<Written, WriteError> {
    if let Some(bad) = files.keys().find(|p| !is_valid_path(p)) {
        return Err(WriteError::InvalidPath(bad.clone()));
    }
    let staging = Staging::new(out, site)?;
    let entries: Vec<(&String, &Vec<u8>)> = files.iter().collect();
    entries.par_iter().try_for_each(|(rel, bytes)| {
        before_file(rel).map_err(io_err(&staging.tmp.join(rel.as_str())))?;
        staging.put(rel, bytes)
    })?;
    staging.commit()
}

/// Puts back the site in `out` (or where it links to) when a build was killed in the middle of
/// its swap and left no output, as every command does before its work. Returns the leftover it
/// was restored from; does nothing while a build is running.
pub fn restore_interrupted(out: &Path) -> Result<Option<PathBuf>, WriteError> {
    let dir = canonical(out).map_err(io_err(out))?;
    if dir.parent().is_none() {
        return Ok(None);
    }
    swap::restore(&dir)
}

/// A new output tree being written beside `out`, file by file and from any thread, so a build
/// can write each page as soon as it is rendered instead of holding the whole site in memory.
/// [`Staging::commit`] swaps it in atomically; dropped without a commit (an error, a panic), it
/// is removed and `out` is untouched.
pub struct Staging {
    /// The folder replaced: the output, or the folder it links to.
    dir: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    cleaned: Vec<PathBuf>,
    replaced_unmarked: bool,
    /// Folders already created under `tmp`.
    dirs: Mutex<HashSet<PathBuf>>,
    files: AtomicUsize,
    bytes: AtomicU64,
    committed: bool,
    /// Held until the swap is done: no other build writes or repairs beside `dir` meanwhile.
    _lock: Lock,
}

impl Staging {
    /// Checks that a build may replace `out` (see [`target`]), repairs what killed builds left
    /// beside it and creates the empty temporary tree. Refuses before it creates anything.
    pub fn new(out: &Path, site: &Protected) -> Result<Self, WriteError> {
        let dir = target::resolve(out, site)?;
        let names = Names::new(&dir)?;
        fs::create_dir_all(&names.parent).map_err(io_err(&names.parent))?;
        let lock = Lock::wait(&names.parent, out)?;
        let cleaned = swap::recover(&dir, &names, &lock)?;
        let replaced_unmarked = target::contents(out, &dir)? == Contents::Earlier;
        let pid = std::process::id();
        let tmp = names.tmp(pid);
        fs::create_dir(&tmp).map_err(io_err(&tmp))?;
        Ok(Staging {
            dir,
            old: names.old(pid),
            tmp,
            cleaned,
            replaced_unmarked,
            dirs: Mutex::new(HashSet::new()),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            committed: false,
            _lock: lock,
        })
    }

    /// Writes one file at the site-relative path `rel`. A path written twice is an error.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        if !is_valid_path(rel) || rel == MARKER {
            return Err(WriteError::InvalidPath(rel.to_string()));
        }
        self.create(rel, bytes)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    fn create(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.tmp.join(rel);
        if let Some(dir) = path.parent() {
            let known = self
                .dirs
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains(dir);
            if !known {
                fs::create_dir_all(dir).map_err(io_err(dir))?;
                self.dirs
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(dir.to_path_buf());
            }
        }
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io_err(&path))?;
        io::Write::write_all(&mut file, bytes).map_err(io_err(&path))
    }

    /// Marks the new tree as a build's output, swaps it in and removes the previous one.
    pub fn commit(mut self) -> Result<Written, WriteError> {
        self.create(MARKER, MARKER_TEXT.as_bytes())?;
        swap::swap(&self.dir, &self.tmp, &self.old)?;
        self.committed = true;
        Ok(Written {
            dir: self.dir.clone(),
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            cleaned: std::mem::take(&mut self.cleaned),
            replaced_unmarked: self.replaced_unmarked,
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> Files {
        pairs
            .iter()
            .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
            .collect()
    }

    /// Every file under `dir`, relative, with contents; the marker is checked and left out.
    fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut found: BTreeMap<String, Vec<u8>> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap();
                let rel = rel.to_str().unwrap().replace('\\', "/");
                (rel, fs::read(e.path()).unwrap())
            })
            .collect();
        assert_eq!(
            found.remove(MARKER).as_deref(),
            Some(MARKER_TEXT.as_bytes()),
            "every output holds the marker"
        );
        found
    }

    /// The names in `dir`, sorted.
    pub(crate) fn siblings(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A temporary folder with a site in `site/` (which outputs must not replace), and the
    /// canonical path of the folder.
    fn place() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        fs::create_dir_all(base.join("site/content")).unwrap();
        (dir, base)
    }

    fn write(base: &Path, out: &Path, files: &Files) -> Result<Written, WriteError> {
        let root = base.join("site");
        let site = Protected {
            root: &root,
            config: None,
        };
        write_site(out, &site, files)
    }

    #[test]
    fn writes_then_replaces_atomically() {
        let (_dir, base) = place();
        let out = base.join("public");
        let first = files(&[("index.html", "one"), ("customers/甲/index.html", "a")]);
        let written = write(&base, &out, &first).unwrap();
        assert_eq!(written.files, 2);
        assert_eq!(written.bytes, 4);
        assert_eq!(written.dir, out);
        assert_eq!(tree(&out), first);

        let second = files(&[("index.html", "two"), ("data/metrics.json", "{}")]);
        write(&base, &out, &second).unwrap();
        assert_eq!(
            tree(&out),
            second,
            "stale files of the first build are gone"
        );
        assert_eq!(
            siblings(&base),
            ["public", "site"],
            "no temporary folder left"
        );
    }

    #[test]
    fn failure_midway_leaves_the_old_tree() {
        let (_dir, base) = place();
        let out = base.join("public");
        let old = files(&[("index.html", "old"), ("a/b.html", "old b")]);
        write(&base, &out, &old).unwrap();

        let new = files(&[
            ("index.html", "new"),
            ("a/b.html", "new b"),
            ("z/last.html", "z"),
        ]);
        let root = base.join("site");
        let site = Protected {
            root: &root,
            config: None,
        };
        let err = write_site_with(&out, &site, &new, &|p| {
            if p == "z/last.html" {
                Err(io::Error::other("disk full"))
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        assert_eq!(tree(&out), old);
        assert_eq!(siblings(&base), ["public", "site"]);
    }

    #[test]
    fn a_staging_dropped_without_commit_changes_nothing() {
        let (_dir, base) = place();
        let root = base.join("site");
        let site = Protected {
            root: &root,
            config: None,
        };
        let out = base.join("public");
        let old = files(&[("index.html", "old")]);
        write(&base, &out, &old).unwrap();
        {
            let staging = Staging::new(&out, &site).unwrap();
            staging.put("index.html", b"new").unwrap();
            staging.put("customers/a/index.html", b"a").unwrap();
            assert!(
                staging.put("index.html", b"again").is_err(),
                "one path, one file"
            );
            assert!(matches!(
                staging.put("../x", b"x"),
                Err(WriteError::InvalidPath(_))
            ));
            assert!(
                staging.put(MARKER, b"x").is_err(),
                "the marker is the build's own"
            );
        }
        assert_eq!(tree(&out), old);
        assert_eq!(siblings(&base), ["public", "site"]);

        let staging = Staging::new(&out, &site).unwrap();
        staging.put("customers/a/index.html", b"a").unwrap();
        let written = staging.commit().unwrap();
        assert_eq!((written.files, written.bytes), (1, 1));
        assert_eq!(tree(&out), files(&[("customers/a/index.html", "a")]));
        assert_eq!(siblings(&base), ["public", "site"]);
    }

    #[test]
    fn conflicting_paths_fail_without_damage() {
        let (_dir, base) = place();
        let out = base.join("public");
        let old = files(&[("index.html", "old")]);
        write(&base, &out, &old).unwrap();
        // `a` cannot be both a file and a folder.
        let bad = files(&[("a", "file"), ("a/b", "x")]);
        assert!(write(&base, &out, &bad).is_err());
        assert_eq!(tree(&out), old);
    }

    #[test]
    fn rejects_paths_that_escape() {
        let (_dir, base) = place();
        let out = base.join("public");
        for bad in ["../x", "/etc/x", "a//b", "a/./b", "", "a\\b"] {
            let err = write(&base, &out, &files(&[(bad, "x")])).unwrap_err();
            assert!(matches!(err, WriteError::InvalidPath(_)), "{bad}");
        }
        assert!(!out.exists());
    }

    #[test]
    fn refuses_to_replace_the_site_or_a_folder_it_did_not_write() {
        let (_dir, base) = place();
        let site = base.join("site");
        fs::write(site.join("site.yaml"), "title: x\n").unwrap();
        let page = files(&[("index.html", "x")]);
        for out in [site.clone(), site.join("content"), base.clone()] {
            let err = write(&base, &out, &page).unwrap_err();
            assert!(matches!(err, WriteError::Refused { .. }), "{err}");
        }
        let mine = base.join("mine");
        fs::create_dir(&mine).unwrap();
        fs::write(mine.join("notes.txt"), "keep").unwrap();
        let err = write(&base, &mine, &page).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "refusing to write the site into {}: it already holds files",
                mine.display()
            )),
            "{err}"
        );
        assert!(
            err.contains("\nhelp: choose a new or empty folder"),
            "{err}"
        );
        assert_eq!(fs::read_to_string(mine.join("notes.txt")).unwrap(), "keep");
        assert!(site.join("site.yaml").exists());
        assert_eq!(siblings(&base), ["mine", "site"], "nothing was created");
    }

    #[test]
    fn an_empty_folder_is_replaced_and_an_earlier_unmarked_build_too() {
        let (_dir, base) = place();
        let out = base.join("public");
        fs::create_dir(&out).unwrap();
        let written = write(&base, &out, &files(&[("index.html", "x")])).unwrap();
        assert!(!written.replaced_unmarked);

        fs::remove_file(out.join(MARKER)).unwrap();
        fs::create_dir(out.join("data")).unwrap();
        fs::write(out.join("data/metrics.json"), "{}").unwrap();
        fs::write(
            out.join("index.html"),
            "<meta name=\"generator\" content=\"dossier\">",
        )
        .unwrap();
        let written = write(&base, &out, &files(&[("index.html", "y")])).unwrap();
        assert!(written.replaced_unmarked);
        assert_eq!(tree(&out), files(&[("index.html", "y")]));
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_output_is_written_at_its_target_and_stays_a_link() {
        let (_dir, base) = place();
        let target = base.join("www/site-a");
        let link = base.join("site/public");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for text in ["one", "two"] {
            let written = write(&base, &link, &files(&[("index.html", text)])).unwrap();
            assert_eq!(written.dir, target);
            assert!(
                fs::symlink_metadata(&link)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            assert_eq!(fs::read_link(&link).unwrap(), target);
            assert_eq!(tree(&target), files(&[("index.html", text)]));
        }
        assert_eq!(siblings(&base.join("www")), ["site-a"]);
    }

    #[test]
    fn cleans_and_recovers_after_killed_builds() {
        let (_dir, base) = place();
        let out = base.join("public");
        let names = Names::new(&out).unwrap();
        // A dead build's half-written temporary tree.
        let dead = u32::MAX - 1;
        fs::create_dir_all(names.tmp(dead).join("customers")).unwrap();
        fs::write(names.tmp(dead).join("index.html"), "half").unwrap();
        // A build killed between the two renames: the old site is under its `.old-` name.
        fs::create_dir_all(names.old(dead)).unwrap();
        fs::write(names.old(dead).join(MARKER), MARKER_TEXT).unwrap();
        fs::write(names.old(dead).join("index.html"), "previous").unwrap();

        // Recovery alone restores the previous site byte for byte.
        let lock = Lock::wait(&names.parent, &out).unwrap();
        let cleaned = swap::recover(&out, &names, &lock).unwrap();
        drop(lock);
        assert_eq!(cleaned.len(), 2);
        assert_eq!(tree(&out), files(&[("index.html", "previous")]));
        assert_eq!(siblings(&base), ["public", "site"]);

        // And a new build then replaces it as usual.
        fs::create_dir_all(names.tmp(dead)).unwrap();
        let written = write(&base, &out, &files(&[("index.html", "new")])).unwrap();
        assert_eq!(written.cleaned, vec![names.tmp(dead)]);
        assert_eq!(tree(&out), files(&[("index.html", "new")]));
        assert_eq!(siblings(&base), ["public", "site"]);
    }

    #[test]
    fn output_in_a_missing_folder() {
        let (_dir, base) = place();
        let out = base.join("deep/er/site");
        write(&base, &out, &files(&[("x.txt", "x")])).unwrap();
        assert_eq!(fs::read(out.join("x.txt")).unwrap(), b"x");
        assert!(Names::new(Path::new("public")).unwrap().parent == Path::new("."));
    }
}
