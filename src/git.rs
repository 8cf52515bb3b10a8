//! Record history from git: one `git log` pass over `content/` gives every file's last change
//! date, author and number of changes, following renames.
//!
//! Git is optional: outside a repository, without git, or in a shallow clone, [`history`]
//! returns what it can and a [`History::note`] to print once, never an error.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use jiff::civil::Date;
use serde::Serialize;

/// The history of one file, under its current site-relative path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileHistory {
    /// Author date of the newest commit that changed the file, in the author's time zone.
    pub last_changed: Date,
    /// That date and time as git printed it (strict ISO 8601).
    pub last_changed_at: String,
    pub last_author: String,
    pub last_commit: String,
    /// Commits that changed the file, under this or an earlier name.
    pub changes: u32,
}

/// Histories of the files under `content/`, by site-relative path (`content/customers/a.md`),
/// and the digests of the recent commits.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct History {
    /// Shared: the preview keeps one history while `HEAD` stays (see [`history_at`]).
    pub files: Arc<BTreeMap<String, FileHistory>>,
    /// What the last commits did (`/changes/`, the dossiers' timelines).
    pub recent: crate::changes::history::RecentChanges,
    /// Paths in the order of their newest change, newest first (ties in path order).
    order: Arc<Vec<String>>,
    /// Why history is missing or partial, to print once; `None` when it is complete.
    pub note: Option<String>,
}

impl History {
    pub fn get(&self, path: &str) -> Option<&FileHistory> {
        self.files.get(path)
    }

    /// The `n` most recently changed files among those `keep` accepts (e.g. the records that
    /// exist now), newest first.
    pub fn recent(&self, n: usize, keep: impl Fn(&str) -> bool) -> Vec<(&str, &FileHistory)> {
        self.order
            .iter()
            .filter(|p| keep(p))
            .take(n)
            .filter_map(|p| self.files.get(p).map(|h| (p.as_str(), h)))
            .collect()
    }

    /// The same history without any file's authors and dates (its note kept).
    pub fn without_files(&self) -> Self {
        History {
            note: self.note.clone(),
            ..History::default()
        }
    }

    fn unavailable(note: impl Into<String>) -> Self {
        History {
            note: Some(note.into()),
            ..History::default()
        }
    }
}

/// The commit `HEAD` names in the repository holding `root`, with one `git rev-parse` (none
/// when no repository can hold `root`, see [`may_be_in_repository`]). `None` outside a
/// repository, without git and before the first commit.
pub fn head(root: &Path) -> Option<String> {
    if !may_be_in_repository(root) {
        return None;
    }
    let id = stdout_of(root, &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])?
        .trim()
        .to_string();
    (!id.is_empty()).then_some(id)
}

/// Whether git could find a repository for `root`: `GIT_DIR` is set, or `root` or a folder
/// above it (symbolic links resolved, as git resolves them) holds a `.git`. When not, the
/// preview need not start git on every save to learn that there is no history.
pub fn may_be_in_repository(root: &Path) -> bool {
    if std::env::var_os("GIT_DIR").is_some() {
        return true;
    }
    let Ok(folder) = std::fs::canonicalize(root) else {
        return true;
    };
    folder.ancestors().any(|dir| dir.join(".git").exists())
}

const NOT_A_REPOSITORY: &str = "not a git repository: record history is not shown";

/// [`history`] and [`build_date`] of `root` at commit `head` (from [`head`]), kept while
/// `HEAD` stays that commit: the preview rebuilds on every save, and a `git log` over a
/// 10,000-record history cost 50–70 ms of each. Without a commit, asked again each time.
pub fn history_at(root: &Path, head: Option<&str>) -> (History, Option<Date>) {
    // By site root, each with the commit its history was read at: a process serves one site,
    // tests run several side by side.
    type Kept = (String, History, Option<Date>);
    static CACHE: Mutex<BTreeMap<PathBuf, Kept>> = Mutex::new(BTreeMap::new());
    let Some(head) = head else {
        if !may_be_in_repository(root) {
            let date = epoch_date().flatten();
            return (History::unavailable(NOT_A_REPOSITORY), date);
        }
        return (history(root), build_date(root));
    };
    let root_key = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    let (history, head_date) = match cache.get(&root_key) {
        Some((at, history, date)) if at == head => (history.clone(), *date),
        _ => {
            let fresh = (history(root), head_date(root));
            cache.insert(root_key, (head.to_string(), fresh.0.clone(), fresh.1));
            fresh
        }
    };
    (history, epoch_date().unwrap_or(head_date))
}

/// Reads the history of `<root>/content/` with one `git rev-parse` and one `git log`.
pub fn history(root: &Path) -> History {
    let probe = git(root)
        .args(["rev-parse", "--is-shallow-repository", "--show-prefix"])
        .output();
    let probe = match probe {
        Ok(out) if out.status.success() => out,
        Ok(_) => return History::unavailable(NOT_A_REPOSITORY),
        Err(_) => return History::unavailable("git is not installed: record history is not shown"),
    };
    let probe = String::from_utf8_lossy(&probe.stdout);
    let mut lines = probe.lines();
    let shallow = lines.next() == Some("true");
    // The site root's path inside the repository, e.g. `sites/crm/` (empty at the top).
    let prefix = lines.next().unwrap_or("").to_string();

    let log = git(root)
        .args([
            "log",
            "-z",
            "--name-status",
            "-M",
            "--format=%x01%H%x00%an%x00%aI",
            "--",
            "content",
        ])
        .output();
    let log = match log {
        Ok(out) if out.status.success() => out.stdout,
        Ok(out) => {
            let err = String::from_utf8_lossy(&out.stderr);
            let note = if err.contains("does not have any commits") {
                "the git repository has no commits yet: record history is not shown".to_string()
            } else {
                format!(
                    "git log failed: record history is not shown ({})",
                    err.trim()
                )
            };
            return History::unavailable(note);
        }
        Err(e) => return History::unavailable(format!("cannot run git log: {e}")),
    };
    let mut history = parse_log(&String::from_utf8_lossy(&log), &prefix);
    if shallow {
        history.note = Some(
            "shallow git clone: change counts and dates only cover the fetched history".to_string(),
        );
    }
    history
}

/// The build date that handouts print, the same for every build of the same content: the day
/// of `SOURCE_DATE_EPOCH` when set (the reproducible-builds convention, UTC), else the commit
/// date of `HEAD` (in its committer's time zone); `None` outside git.
pub fn build_date(root: &Path) -> Option<Date> {
    epoch_date().unwrap_or_else(|| head_date(root))
}

/// The day of `SOURCE_DATE_EPOCH` (UTC) when the variable is set; `Some(None)` when it is set
/// but not a number of seconds.
fn epoch_date() -> Option<Option<Date>> {
    let epoch = std::env::var_os("SOURCE_DATE_EPOCH")?;
    let date = (|| {
        let seconds: i64 = epoch.to_str()?.trim().parse().ok()?;
        let at = jiff::Timestamp::from_second(seconds).ok()?;
        Some(at.to_zoned(jiff::tz::TimeZone::UTC).date())
    })();
    Some(date)
}

/// The commit date of `HEAD`, in its committer's time zone.
fn head_date(root: &Path) -> Option<Date> {
    let text = stdout_of(root, &["log", "-1", "--format=%cI", "HEAD"])?;
    text.get(..10)?.parse().ok()
}

/// What `git <args>` printed, when it succeeded.
fn stdout_of(root: &Path, args: &[&str]) -> Option<String> {
    let out = git(root).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub(crate) fn git(root: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(root)
        .args(["-c", "core.quotepath=off", "-c", "log.showSignature=false"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_PAGER");
    cmd
}

/// Parses `git log -z --name-status --format=%x01%H%x00%an%x00%aI`, newest commit first.
/// Paths are repository-relative; `prefix` (the site root inside the repository) is stripped.
fn parse_log(log: &str, prefix: &str) -> History {
    let mut files: BTreeMap<String, FileHistory> = BTreeMap::new();
    let mut order = Vec::new();
    // An older name → the file's current name, learned from renames seen in newer commits.
    let mut renamed: HashMap<String, String> = HashMap::new();
    let current = |renamed: &HashMap<String, String>, path: &str| -> String {
        renamed
            .get(path)
            .cloned()
            .unwrap_or_else(|| path.to_string())
    };
    for commit in log.split('\u{1}').filter(|c| !c.is_empty()) {
        let mut fields = commit.split('\0').map(|f| f.trim_start_matches('\n'));
        let (Some(hash), Some(author), Some(date)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Some(day) = date.get(..10).and_then(|d| d.parse::<Date>().ok()) else {
            continue;
        };
        let mut touched = Vec::new();
        while let Some(status) = fields.next() {
            if status.is_empty() {
                continue;
            }
            let Some(path) = fields.next() else { break };
            if status.starts_with('R') || status.starts_with('C') {
                let Some(new) = fields.next() else { break };
                let now = current(&renamed, new);
                if status.starts_with('R') {
                    renamed.insert(path.to_string(), now.clone());
                }
                touched.push(now);
            } else {
                touched.push(current(&renamed, path));
            }
        }
        touched.sort();
        touched.dedup();
        for path in touched {
            let Some(path) = path.strip_prefix(prefix) else {
                continue;
            };
            match files.get_mut(path) {
                Some(h) => h.changes += 1,
                None => {
                    order.push(path.to_string());
                    files.insert(
                        path.to_string(),
                        FileHistory {
                            last_changed: day,
                            last_changed_at: date.to_string(),
                            last_author: author.to_string(),
                            last_commit: hash.to_string(),
                            changes: 1,
                        },
                    );
                }
            }
        }
    }
    History {
        files: Arc::new(files),
        order: Arc::new(order),
        ..History::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn run(dir: &Path, args: &[&str], author: Option<(&str, &str)>) {
        let mut cmd = Command::new("git");
        cmd.current_dir(dir)
            .args([
                "-c",
                "user.name=Committer",
                "-c",
                "user.email=c@example.com",
            ])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null");
        if let Some((name, date)) = author {
            cmd.env("GIT_AUTHOR_NAME", name)
                .env("GIT_AUTHOR_EMAIL", format!("{name}@example.com"))
                .env("GIT_AUTHOR_DATE", date)
                .env("GIT_COMMITTER_DATE", date);
        }
        let out = cmd.output().expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn write(dir: &Path, path: &str, text: &str) {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn two_authors_and_a_rename() {
        let repo = tempfile::tempdir().unwrap();
        // The site lives in a sub-folder of the repository.
        let root = repo.path().join("site");
        run(repo.path(), &["init", "-q"], None);
        write(&root, "content/customers/华东/甲.md", "a\n");
        write(&root, "content/customers/old.md", "b\n");
        write(&root, "content/playbooks/p.md", "p\n");
        write(repo.path(), "README.md", "outside content\n");
        run(repo.path(), &["add", "."], None);
        run(
            repo.path(),
            &["commit", "-q", "-m", "one"],
            Some(("Ann", "2024-01-02T10:00:00+08:00")),
        );
        fs::rename(
            root.join("content/customers/old.md"),
            root.join("content/customers/new.md"),
        )
        .unwrap();
        write(&root, "content/customers/华东/甲.md", "a\nmore\n");
        run(repo.path(), &["add", "-A", "."], None);
        run(
            repo.path(),
            &["commit", "-q", "-m", "two"],
            Some(("Bo", "2024-03-05T23:30:00-05:00")),
        );

        let h = history(&root);
        assert_eq!(h.note, None);
        let keys: Vec<&str> = h.files.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "content/customers/new.md",
                "content/customers/华东/甲.md",
                "content/playbooks/p.md"
            ]
        );
        let a = h.get("content/customers/华东/甲.md").unwrap();
        assert_eq!(
            (a.last_author.as_str(), a.changes),
            ("Bo", 2),
            "Chinese path kept"
        );
        assert_eq!(
            a.last_changed,
            jiff::civil::date(2024, 3, 5),
            "author's own date"
        );
        let renamed = h.get("content/customers/new.md").unwrap();
        assert_eq!(renamed.changes, 2, "the change under the old name counts");
        assert_eq!(renamed.last_author, "Bo");
        let p = h.get("content/playbooks/p.md").unwrap();
        assert_eq!((p.last_author.as_str(), p.changes), ("Ann", 1));
        assert_eq!(p.last_changed, jiff::civil::date(2024, 1, 2));

        let recent: Vec<&str> = h.recent(2, |_| true).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            recent,
            ["content/customers/new.md", "content/customers/华东/甲.md"]
        );
        let recent: Vec<&str> = h
            .recent(5, |p| p.contains("playbooks"))
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(recent, ["content/playbooks/p.md"]);

        // A shallow clone gives what it has, and says so.
        let clone = repo.path().join("clone");
        let url = format!("file://{}", repo.path().display());
        run(
            repo.path(),
            &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
            None,
        );
        let h = history(&clone.join("site"));
        assert!(h.note.as_deref().unwrap().contains("shallow"));
        assert_eq!(h.files.len(), 3);
        assert_eq!(h.get("content/customers/华东/甲.md").unwrap().changes, 1);
    }

    #[test]
    fn outside_a_repository_is_a_note() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("content")).unwrap();
        // GIT_CEILING_DIRECTORIES is not set for the child; a temp dir is not inside a repo
        // on any sane machine, but guard against it rather than fail.
        let h = history(dir.path());
        if h.files.is_empty() {
            assert!(h.note.is_some());
        }
    }

    #[test]
    fn empty_repository_is_a_note() {
        let dir = tempfile::tempdir().unwrap();
        run(dir.path(), &["init", "-q"], None);
        let h = history(dir.path());
        assert!(h.files.is_empty());
        assert!(h.note.unwrap().contains("git"));
    }

    #[test]
    fn history_is_kept_while_head_stays_and_read_again_after_a_commit() {
        let repo = tempfile::tempdir().unwrap();
        run(repo.path(), &["init", "-q"], None);
        assert!(may_be_in_repository(repo.path()));
        assert_eq!(head(repo.path()), None, "no commit yet");
        write(repo.path(), "content/a.md", "a\n");
        run(repo.path(), &["add", "."], None);
        run(
            repo.path(),
            &["commit", "-q", "-m", "one"],
            Some(("Ann", "2024-01-02T10:00:00+08:00")),
        );
        let first = head(repo.path()).expect("a commit");
        let (h, date) = history_at(repo.path(), Some(&first));
        assert_eq!(h.get("content/a.md").map(|f| f.changes), Some(1));
        assert_eq!(date, Some(jiff::civil::date(2024, 1, 2)));

        write(repo.path(), "content/a.md", "a\nb\n");
        run(
            repo.path(),
            &["commit", "-q", "-am", "two"],
            Some(("Bo", "2024-02-03T10:00:00+08:00")),
        );
        let second = head(repo.path()).expect("a commit");
        assert_ne!(first, second);
        let (h, date) = history_at(repo.path(), Some(&second));
        assert_eq!(
            h.get("content/a.md").map(|f| f.changes),
            Some(2),
            "read again"
        );
        assert_eq!(date, Some(jiff::civil::date(2024, 2, 3)));

        // Kept, not read again, while the caller names the same commit: a third commit is
        // not seen until its id is asked for.
        write(repo.path(), "content/a.md", "a\nb\nc\n");
        run(
            repo.path(),
            &["commit", "-q", "-am", "three"],
            Some(("Cy", "2024-03-04T10:00:00+08:00")),
        );
        let (kept, _) = history_at(repo.path(), Some(&second));
        assert_eq!(kept, h, "kept for the same commit");
        let third = head(repo.path()).expect("a commit");
        let (h, _) = history_at(repo.path(), Some(&third));
        assert_eq!(h.get("content/a.md").map(|f| f.changes), Some(3));
    }

    #[test]
    fn outside_any_repository_git_is_not_asked() {
        let dir = tempfile::tempdir().unwrap();
        // A temporary folder inside a repository would make this test meaningless, not wrong.
        if may_be_in_repository(dir.path()) {
            return;
        }
        assert_eq!(head(dir.path()), None);
        let (h, _) = history_at(dir.path(), None);
        assert_eq!(h.note.as_deref(), Some(NOT_A_REPOSITORY));
        assert!(h.files.is_empty());
    }

    #[test]
    fn parses_renames_chained_over_commits() {
        // Newest first: b→c, then a→b, then a created.
        let log = "\u{1}h3\0X\x002024-03-01T00:00:00Z\0\nR100\0content/b.md\0content/c.md\0\
                   \u{1}h2\0Y\x002024-02-01T00:00:00Z\0\nR090\0content/a.md\0content/b.md\0\
                   \u{1}h1\0Z\x002024-01-01T00:00:00Z\0\nA\0content/a.md\0";
        let h = parse_log(log, "");
        assert_eq!(h.files.len(), 1);
        let c = &h.files["content/c.md"];
        assert_eq!((c.changes, c.last_author.as_str()), (3, "X"));
    }
}
