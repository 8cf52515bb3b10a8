//! Atomic output: a build writes every file into a temporary sibling of the output folder and
//! swaps it in at the end, so a failed, interrupted or killed build leaves the previous site
//! exactly as it was.
//!
//! The swap is two renames on the same filesystem: the old output is renamed away to
//! `.<name>.old-<pid>`, the new tree `.<name>.tmp-<pid>` is renamed in, and the old one is
//! removed. A build killed between the two renames leaves the old tree under its `.old-` name;
//! the next run puts it back before doing anything else, and removes the temporary folders of
//! builds that are no longer running.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

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
    let result = fill(&tmp, files, before_file).and_then(|bytes| {
        swap(out, &tmp, &names.old(pid))?;
        Ok(bytes)
    });
    match result {
        Ok(bytes) => Ok(Written {
            files: files.len(),
            bytes,
            cleaned,
        }),
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

/// Writes every file under `tmp`: folders first (sorted), then the files in parallel.
fn fill(
    tmp: &Path,
    files: &Files,
    before_file: &(dyn Fn(&str) -> io::Result<()> + Sync),
) -> Result<u64, WriteError> {
    fs::create_dir(tmp).map_err(io_err(tmp))?;
    let dirs: BTreeSet<&str> = files
        .keys()
        .filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir))
        .collect();
    for dir in dirs {
        let path = tmp.join(dir);
        fs::create_dir_all(&path).map_err(io_err(&path))?;
    }
    let entries: Vec<(&String, &Vec<u8>)> = files.iter().collect();
    entries
        .par_iter()
        .map(|(rel, bytes)| {
            let path = tmp.join(rel.as_str());
            before_file(rel)
                .and_then(|()| fs::write(&path, bytes))
                .map_err(io_err(&path))?;
            Ok(bytes.len() as u64)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))
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
        let _ = remove_any(old);
    }
    Ok(())
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
