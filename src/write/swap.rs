//! Putting a new output tree in place of the old one, so that a complete site is there at every
//! instant, and repairing what killed builds left.
//!
//! The new tree is written beside the output as `.<name>.tmp-<pid>`. On Linux the two trees are
//! then exchanged in one `renameat2(RENAME_EXCHANGE)`: the output is the old site, then the new
//! one, never missing. Where the file system cannot exchange, the swap takes two renames (the
//! old output to `.<name>.old-<pid>`, the new tree in): a build killed between them leaves no
//! output, and the next dossier command, `check` included, renames the old one back.
//!
//! Every build holds an exclusive lock on the output's parent folder while it writes, swaps and
//! repairs, so what it finds beside the output belongs to no running build: a killed build's
//! lock is released by the kernel with its last file descriptor, zombie or not. Where the file
//! system has no locks, a leftover whose process is gone (or a zombie) is taken as dead.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{WriteError, io_err};

/// The temporary folder names used beside the output.
pub(super) struct Names {
    pub parent: PathBuf,
    /// `.<name>.tmp-`
    tmp_prefix: String,
    /// `.<name>.old-`
    old_prefix: String,
}

impl Names {
    pub fn new(out: &Path) -> Result<Self, WriteError> {
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

    pub fn tmp(&self, pid: u32) -> PathBuf {
        self.parent.join(format!("{}{pid}", self.tmp_prefix))
    }

    pub fn old(&self, pid: u32) -> PathBuf {
        self.parent.join(format!("{}{pid}", self.old_prefix))
    }
}

/// The lock a build holds on the output's parent folder.
pub(super) enum Lock {
    Held(#[allow(dead_code)] fs::File),
    /// The file system has no locks (some network file systems): liveness by process id.
    Unavailable,
}

impl Lock {
    /// Takes the lock, waiting for another build that holds it.
    pub fn wait(parent: &Path, out: &Path) -> Result<Lock, WriteError> {
        let Some(folder) = open_folder(parent) else {
            return Ok(Lock::Unavailable);
        };
        match folder.try_lock() {
            Ok(()) => Ok(Lock::Held(folder)),
            Err(fs::TryLockError::WouldBlock) => {
                eprintln!(
                    "note: another dossier build is writing {}; waiting for it to finish",
                    out.display()
                );
                folder.lock().map_err(io_err(parent))?;
                Ok(Lock::Held(folder))
            }
            Err(fs::TryLockError::Error(_)) => Ok(Lock::Unavailable),
        }
    }

    /// Takes the lock if no build holds it.
    fn try_now(parent: &Path) -> Option<Lock> {
        let Some(folder) = open_folder(parent) else {
            return Some(Lock::Unavailable);
        };
        match folder.try_lock() {
            Ok(()) => Some(Lock::Held(folder)),
            Err(fs::TryLockError::WouldBlock) => None,
            Err(fs::TryLockError::Error(_)) => Some(Lock::Unavailable),
        }
    }

    /// Whether what the build of process `pid` left can be repaired now.
    fn is_dead(&self, pid: u32) -> bool {
        match self {
            Lock::Held(_) => true,
            Lock::Unavailable => pid == std::process::id() || !is_running(pid),
        }
    }
}

/// A folder opened to lock it; `None` where folders cannot be opened as files (Windows).
fn open_folder(path: &Path) -> Option<fs::File> {
    if cfg!(unix) {
        fs::File::open(path).ok()
    } else {
        None
    }
}

/// Whether a process with this id is running (a zombie is not); where that cannot be told, it
/// is taken as gone.
fn is_running(pid: u32) -> bool {
    if !cfg!(target_os = "linux") {
        return false;
    }
    // `/proc/<pid>/stat` is `pid (name) S ...`: the state follows the last parenthesis.
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start());
    !state.is_some_and(|s| s.starts_with('Z') || s.starts_with('X'))
}

/// Puts `tmp` in place of `out`; the previous output, if any, is removed.
pub(super) fn swap(out: &Path, tmp: &Path, old: &Path) -> Result<(), WriteError> {
    swap_with(out, tmp, old, exchange)
}

fn swap_with(
    out: &Path,
    tmp: &Path,
    old: &Path,
    exchange: fn(&Path, &Path) -> io::Result<()>,
) -> Result<(), WriteError> {
    match fs::symlink_metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return fs::rename(tmp, out).map_err(io_err(out));
        }
        Err(e) => return Err(io_err(out)(e)),
        Ok(_) => {}
    }
    match exchange(tmp, out) {
        Ok(()) => {
            // `tmp` now holds the previous site; a leftover is removed by the next build.
            let _ = remove_tree(tmp);
            Ok(())
        }
        Err(e) if cannot_exchange(&e) => two_renames(out, tmp, old),
        Err(e) => Err(io_err(out)(e)),
    }
}

/// The swap where trees cannot be exchanged: `out` is missing between the two renames.
fn two_renames(out: &Path, tmp: &Path, old: &Path) -> Result<(), WriteError> {
    if fs::symlink_metadata(old).is_ok() {
        remove_any(old).map_err(io_err(old))?;
    }
    fs::rename(out, old).map_err(io_err(out))?;
    if let Err(e) = fs::rename(tmp, out) {
        // Put the previous site back; the caller removes tmp.
        let _ = fs::rename(old, out);
        return Err(io_err(out)(e));
    }
    // The new site is in place; a leftover old tree is harmless and cleaned next time.
    let _ = remove_tree(old);
    Ok(())
}

fn cannot_exchange(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Unsupported
        || matches!(
            e.raw_os_error(),
            Some(code) if cfg!(unix) && [libc::EINVAL, libc::ENOSYS, libc::EOPNOTSUPP].contains(&code)
        )
}

/// Exchanges two paths atomically: each then names what the other named.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call, which reads
    // them and nothing else. The raw syscall, because glibc's wrapper is missing on musl.
    let result = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Removes a file or a whole tree, many entries at once: on a busy or networked disk each
/// removal mostly waits, so more threads than cores pay off (10k dossier folders took about a
/// minute one by one on the project machine).
pub(super) fn remove_tree(path: &Path) -> io::Result<()> {
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

pub(super) fn remove_any(path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// What dead builds left beside `out`: (path, whether it is a previous site renamed away).
fn leftovers(names: &Names, lock: &Lock) -> Result<Vec<(PathBuf, bool)>, WriteError> {
    let mut found = Vec::new();
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
        if lock.is_dead(pid) {
            found.push((entry.path(), is_old));
        }
    }
    found.sort();
    Ok(found)
}

/// Repairs what killed builds left beside `out`, under `lock`: a previous site renamed away by
/// an unfinished swap is put back when `out` is missing, and every other leftover is removed.
pub(super) fn recover(out: &Path, names: &Names, lock: &Lock) -> Result<Vec<PathBuf>, WriteError> {
    let mut cleaned = Vec::new();
    let mut out_exists = fs::symlink_metadata(out).is_ok();
    for (path, is_old) in leftovers(names, lock)? {
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

/// Puts back the previous site when a build was killed between the two renames of its swap
/// and `out` is missing; removes nothing. Returns the folder it was restored from. Does nothing
/// while a build is running (it finishes its own swap).
pub(super) fn restore(out: &Path) -> Result<Option<PathBuf>, WriteError> {
    if fs::symlink_metadata(out).is_ok() {
        return Ok(None);
    }
    let names = Names::new(out)?;
    if !names.parent.is_dir() {
        return Ok(None);
    }
    let Some(lock) = Lock::try_now(&names.parent) else {
        return Ok(None);
    };
    let Some((old, _)) = leftovers(&names, &lock)?
        .into_iter()
        .find(|(_, is_old)| *is_old)
    else {
        return Ok(None);
    };
    fs::rename(&old, out).map_err(io_err(&old))?;
    Ok(Some(old))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::tests::siblings;

    fn tree_of(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                (rel, fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    fn site(dir: &Path, text: &str) {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join("index.html"), text).unwrap();
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_exchange_swaps_two_trees_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        site(&a, "A");
        site(&b, "B");
        exchange(&a, &b).unwrap();
        assert_eq!(tree_of(&a), [("index.html".to_string(), "B".to_string())]);
        assert_eq!(tree_of(&b), [("index.html".to_string(), "A".to_string())]);
    }

    #[test]
    fn without_an_exchange_the_swap_takes_two_renames() {
        let dir = tempfile::tempdir().unwrap();
        let names = Names::new(&dir.path().join("public")).unwrap();
        let out = dir.path().join("public");
        site(&out, "old");
        site(&names.tmp(1), "new");
        let unsupported = |_: &Path, _: &Path| Err(io::Error::from_raw_os_error(libc::EINVAL));
        swap_with(&out, &names.tmp(1), &names.old(1), unsupported).unwrap();
        assert_eq!(
            tree_of(&out),
            [("index.html".to_string(), "new".to_string())]
        );
        assert_eq!(siblings(dir.path()), ["public"]);
    }

    #[test]
    fn a_swap_killed_between_its_renames_is_put_back_by_restore() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let names = Names::new(&out).unwrap();
        // The state a kill between the two renames leaves: the previous site renamed away and
        // the new tree beside it.
        let dead = u32::MAX - 1;
        site(&names.old(dead), "previous");
        site(&names.tmp(dead), "half");
        assert_eq!(restore(&out).unwrap(), Some(names.old(dead)));
        assert_eq!(
            tree_of(&out),
            [("index.html".to_string(), "previous".to_string())]
        );
        // Restore only puts back; the next build removes the rest.
        assert!(names.tmp(dead).exists());
        assert_eq!(restore(&out).unwrap(), None, "nothing more to do");
    }

    #[cfg(unix)]
    #[test]
    fn restore_waits_for_a_running_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let names = Names::new(&out).unwrap();
        site(&names.old(7), "previous");
        // A running build holds the lock, between its own two renames.
        let held = Lock::wait(&names.parent, &out).unwrap();
        assert!(matches!(held, Lock::Held(_)));
        assert_eq!(restore(&out).unwrap(), None);
        assert!(!out.exists(), "the running build's swap is left to finish");
        drop(held);
        assert_eq!(restore(&out).unwrap(), Some(names.old(7)));
    }

    #[test]
    fn without_locks_liveness_is_by_process() {
        let lock = Lock::Unavailable;
        assert!(lock.is_dead(u32::MAX - 1), "no such process");
        assert!(
            lock.is_dead(std::process::id()),
            "this build's own leftovers"
        );
        if cfg!(target_os = "linux") {
            assert!(!lock.is_dead(1), "init is running");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_zombie_is_not_running() {
        let mut child = std::process::Command::new("sleep")
            .arg("60")
            .spawn()
            .unwrap();
        let pid = child.id();
        assert!(is_running(pid));
        // SAFETY: kill(2) with a child's id and a signal number.
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
        // Not reaped: a zombie until `wait` below.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while is_running(pid) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(
            !is_running(pid),
            "a killed, unreaped child is a zombie, not running"
        );
        child.wait().unwrap();
    }
}
