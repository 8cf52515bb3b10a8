//! Atomic output: a build writes every file into a temporary sibling of the output folder and
//! swaps it in at the end, so a failed, interrupted or killed build leaves the previous site
//! exactly as it was.
//!
//! The swap is two renames on the same filesystem: the old output is renamed away to
//! `.<name>.old-<pid>`, the new tree `.<name>.tmp-<pid>` is renamed in, and the old one is
//! removed. A build killed between the two renames leaves the old tree under its `.old-` name;
//! the next run puts it back before doing anything else, and removes the temporary folders of
//! builds that are no longer running.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;

/// The files of a site: site-relative paths with `/` separators (`customers/acme/index.html`),
/// sorted, to their bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

/// What a successful write did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub files: usize,
    pub bytes: u64,
    /// Temporary folders of earlier, killed builds that were removed or restored.
    pub cleaned: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "invalid output path `{0}`: paths are relative, with `/` separators and no `.` or `..` parts"
    )]
    InvalidPath(String),
    #[error(
        "refusing to replace {0}: it holds a site.yaml or content/ folder, so it is a site, not a build output; choose another output folder"
    )]
    NotAnOutput(PathBuf),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The temporary folder names used beside `out`.
struct Names {
    parent: PathBuf,
    /// `.<name>.tmp-`
    tmp_prefix: String,
    /// `.<name>.old-`
    old_prefix: String,
}

impl Names {
    fn new(out: &Path) -> Result<Self, WriteError> {
        let name = out
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| WriteError::InvalidPath(out.display().to_string()))?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok(Names {
            parent,
            tmp_prefix: format!(".{name}.tmp-"),
            old_prefix: format!(".{name}.old-"),
        })
    }

    fn tmp(&self, pid: u32) -> PathBuf {
        self.parent.join(format!("{}{pid}", self.tmp_prefix))
    }

    fn old(&self, pid: u32) -> PathBuf {
        self.parent.join(format!("{}{pid}", self.old_prefix))
    }
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
pub fn write_site(out: &Path, files: &Files) -> Result<Written, WriteError> {
    write_site_with(out, files, &|_| Ok(()))
}

/// [`write_site`] with a hook called before each file is written, so tests can fail a build
/// part-way.
fn write_site_with(
    out: &Path,
    files: &Files,
    before_file: &(dyn Fn(&str) -> io::Result<()> + Sync),
) -> Result<Written, WriteError> {
    if let Some(bad) = files.keys().find(|p| !is_valid_path(p)) {
        return Err(WriteError::InvalidPath(bad.clone()));
    }
    let staging = Staging::new(out)?;
    let entries: Vec<(&String, &Vec<u8>)> = files.iter().collect();
    entries.par_iter().try_for_each(|(rel, bytes)| {
        before_file(rel).map_err(io_err(&staging.tmp.join(rel.as_str())))?;
        staging.put(rel, bytes)
    })?;
    staging.commit()
}

/// A new output tree being written beside `out`, file by file and from any thread, so a build
/// can write each page as soon as it is rendered instead of holding the whole site in memory.
/// [`Staging::commit`] swaps it in atomically; dropped without a commit (an error, a panic), it
/// is removed and `out` is untouched.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    cleaned: Vec<PathBuf>,
    /// Folders already created under `tmp`.
    dirs: Mutex<HashSet<PathBuf>>,
    files: AtomicUsize,
    bytes: AtomicU64,
    committed: bool,
}

impl Staging {
    /// Repairs what killed builds left beside `out` and creates the empty temporary tree.
    pub fn new(out: &Path) -> Result<Self, WriteError> {
        if out.join("site.yaml").exists() || out.join("content").is_dir() {
            return Err(WriteError::NotAnOutput(out.to_path_buf()));
        }
        let names = Names::new(out)?;
        fs::create_dir_all(&names.parent).map_err(io_err(&names.parent))?;
        let cleaned = recover(out, &names)?;
        let pid = std::process::id();
        let tmp = names.tmp(pid);
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
        }
        fs::create_dir(&tmp).map_err(io_err(&tmp))?;
        Ok(Staging {
            out: out.to_path_buf(),
            old: names.old(pid),
            tmp,
            cleaned,
            dirs: Mutex::new(HashSet::new()),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            committed: false,
        })
    }

    /// Writes one file at the site-relative path `rel`. A path written twice is an error.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        if !is_valid_path(rel) {
            return Err(WriteError::InvalidPath(rel.to_string()));
        }
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
        io::Write::write_all(&mut file, bytes).map_err(io_err(&path))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Swaps the new tree in as `out` and removes the previous one.
    pub fn commit(mut self) -> Result<Written, WriteError> {
        swap(&self.out, &self.tmp, &self.old)?;
        self.committed = true;
        Ok(Written {
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            cleaned: std::mem::take(&mut self.cleaned),
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

/// Moves `tmp` in as `out`; the previous `out`, if any, goes to `old` and is then removed.
fn swap(out: &Path, tmp: &Path, old: &Path) -> Result<(), WriteError> {
    let had_old = match fs::symlink_metadata(out) {
        Ok(_) => {
            if old.exists() {
                fs::remove_dir_all(old).map_err(io_err(old))?;
            }
            fs::rename(out, old).map_err(io_err(out))?;
            true
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(io_err(out)(e)),
    };
    if let Err(e) = fs::rename(tmp, out) {
        if had_old {
            // Put the previous site back; the caller removes tmp.
            let _ = fs::rename(old, out);
        }
        return Err(io_err(out)(e));
    }
    if had_old {
        // The new site is in place; a leftover old tree is harmless and cleaned next time.
        let _ = remove_tree(old);
    }
    Ok(())
}

/// Removes a file or a whole tree, many entries at once: on a busy or networked disk each
/// removal mostly waits, so more threads than cores pay off (10k dossier folders took about a
/// minute one by one on the project machine).
fn remove_tree(path: &Path) -> io::Result<()> {
    fn remove(path: &Path) -> io::Result<()> {
        if !fs::symlink_metadata(path)?.is_dir() {
            return fs::remove_file(path);
        }
        let children: Vec<PathBuf> = fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<io::Result<_>>()?;
        children.par_iter().try_for_each(|child| remove(child))?;
        fs::remove_dir(path)
    }
    match rayon::ThreadPoolBuilder::new().num_threads(8).build() {
        Ok(pool) => pool.install(|| remove(path)),
        Err(_) => remove_any(path),
    }
}

fn remove_any(path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// Repairs what killed builds left beside `out`: an old tree whose swap did not finish is put
/// back when `out` is missing, and the temporary folders of builds no longer running are removed.
fn recover(out: &Path, names: &Names) -> Result<Vec<PathBuf>, WriteError> {
    let mut leftovers: Vec<(PathBuf, u32, bool)> = Vec::new();
    let entries = fs::read_dir(&names.parent).map_err(io_err(&names.parent))?;
    for entry in entries {
        let entry = entry.map_err(io_err(&names.parent))?;
        let file_name = entry.file_name();
        let Some(name) = file_name.to_str() else {
            continue;
        };
        let (pid, is_old) = if let Some(pid) = name.strip_prefix(&names.tmp_prefix) {
            (pid, false)
        } else if let Some(pid) = name.strip_prefix(&names.old_prefix) {
            (pid, true)
        } else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && is_running(pid) {
            continue;
        }
        leftovers.push((entry.path(), pid, is_old));
    }
    leftovers.sort();
    let mut cleaned = Vec::new();
    let mut out_exists = fs::symlink_metadata(out).is_ok();
    for (path, _, is_old) in leftovers {
        if is_old && !out_exists {
            fs::rename(&path, out).map_err(io_err(&path))?;
            out_exists = true;
        } else {
            remove_any(&path).map_err(io_err(&path))?;
        }
        cleaned.push(path);
    }
    Ok(cleaned)
}

/// Whether a process with this id is running; where that cannot be told, it is taken as gone.
fn is_running(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        false
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

    /// Every file under `dir`, relative, with contents.
    fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap();
                let rel = rel.to_str().unwrap().replace('\\', "/");
                (rel, fs::read(e.path()).unwrap())
            })
            .collect()
    }

    fn siblings(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_then_replaces_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = files(&[("index.html", "one"), ("customers/甲/index.html", "a")]);
        let written = write_site(&out, &first).unwrap();
        assert_eq!(written.files, 2);
        assert_eq!(written.bytes, 4);
        assert_eq!(tree(&out), first);

        let second = files(&[("index.html", "two"), ("data/metrics.json", "{}")]);
        write_site(&out, &second).unwrap();
        assert_eq!(
            tree(&out),
            second,
            "stale files of the first build are gone"
        );
        assert_eq!(siblings(dir.path()), ["public"], "no temporary folder left");
    }

    #[test]
    fn failure_midway_leaves_the_old_tree() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let old = files(&[("index.html", "old"), ("a/b.html", "old b")]);
        write_site(&out, &old).unwrap();

        let new = files(&[
            ("index.html", "new"),
            ("a/b.html", "new b"),
            ("z/last.html", "z"),
        ]);
        let err = write_site_with(&out, &new, &|p| {
            if p == "z/last.html" {
                Err(io::Error::other("disk full"))
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        assert_eq!(tree(&out), old);
        assert_eq!(siblings(dir.path()), ["public"]);
    }

    #[test]
    fn a_staging_dropped_without_commit_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let old = files(&[("index.html", "old")]);
        write_site(&out, &old).unwrap();
        {
            let staging = Staging::new(&out).unwrap();
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
        }
        assert_eq!(tree(&out), old);
        assert_eq!(siblings(dir.path()), ["public"]);

        let staging = Staging::new(&out).unwrap();
        staging.put("customers/a/index.html", b"a").unwrap();
        let written = staging.commit().unwrap();
        assert_eq!((written.files, written.bytes), (1, 1));
        assert_eq!(tree(&out), files(&[("customers/a/index.html", "a")]));
        assert_eq!(siblings(dir.path()), ["public"]);
    }

    #[test]
    fn conflicting_paths_fail_without_damage() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let old = files(&[("index.html", "old")]);
        write_site(&out, &old).unwrap();
        // `a` cannot be both a file and a folder.
        let bad = files(&[("a", "file"), ("a/b", "x")]);
        assert!(write_site(&out, &bad).is_err());
        assert_eq!(tree(&out), old);
    }

    #[test]
    fn rejects_paths_that_escape() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        for bad in ["../x", "/etc/x", "a//b", "a/./b", "", "a\\b"] {
            let err = write_site(&out, &files(&[(bad, "x")])).unwrap_err();
            assert!(matches!(err, WriteError::InvalidPath(_)), "{bad}");
        }
        assert!(!out.exists());
    }

    #[test]
    fn refuses_to_replace_a_site() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("site.yaml"), "title: x\n").unwrap();
        let err = write_site(dir.path(), &files(&[("index.html", "x")])).unwrap_err();
        assert!(matches!(err, WriteError::NotAnOutput(_)));
        assert!(dir.path().join("site.yaml").exists());
    }

    #[test]
    fn cleans_and_recovers_after_killed_builds() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let names = Names::new(&out).unwrap();
        // A dead build's half-written temporary tree.
        let dead = u32::MAX - 1;
        fs::create_dir_all(names.tmp(dead).join("customers")).unwrap();
        fs::write(names.tmp(dead).join("index.html"), "half").unwrap();
        // A build killed between the two renames: the old site is under its `.old-` name.
        fs::create_dir_all(names.old(dead)).unwrap();
        fs::write(names.old(dead).join("index.html"), "previous").unwrap();

        // Recovery alone restores the previous site byte for byte.
        let cleaned = recover(&out, &names).unwrap();
        assert_eq!(cleaned.len(), 2);
        assert_eq!(tree(&out), files(&[("index.html", "previous")]));
        assert_eq!(siblings(dir.path()), ["public"]);

        // And a new build then replaces it as usual.
        fs::create_dir_all(names.tmp(dead)).unwrap();
        let written = write_site(&out, &files(&[("index.html", "new")])).unwrap();
        assert_eq!(written.cleaned, vec![names.tmp(dead)]);
        assert_eq!(tree(&out), files(&[("index.html", "new")]));
        assert_eq!(siblings(dir.path()), ["public"]);
    }

    #[test]
    fn output_in_the_current_folder_and_missing_parent() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("deep/er/site");
        write_site(&out, &files(&[("x.txt", "x")])).unwrap();
        assert_eq!(fs::read(out.join("x.txt")).unwrap(), b"x");
        assert!(Names::new(Path::new("public")).unwrap().parent == Path::new("."));
    }
}
