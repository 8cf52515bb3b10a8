//! The digests of the site's recent commits, for the `/changes/` page and the dossiers'
//! timelines. One `git log --raw` names each commit's changed files and their blobs; the site
//! at `HEAD` is read and checked once, then walked back commit by commit, re-checking only the
//! files each commit changed and analysing each version from the next one's analysis (only
//! what the changed records reach is computed again).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};

use jiff::civil::Date;
use serde::Serialize;

use super::digest::{Change, CustomerChanges, Digest, State, Status, compare};
use super::revision::Repository;
use crate::analytics::{self, Analytics};
use crate::audience::Hidden;
use crate::config::SiteConfig;
use crate::git::git;
use crate::model::Site;
use crate::validate::{Checked, FileChecks, FileSet};

/// One commit that touched the records or site.yaml, with what it did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CommitChanges {
    pub commit: String,
    pub short: String,
    pub author: String,
    /// The author date, in the author's time zone.
    pub date: Date,
    /// The author date and time as git printed it (strict ISO 8601).
    pub at: String,
    /// The first line of the message.
    pub message: String,
    /// `None` when the commit's parent is not in a shallow clone.
    pub digest: Option<Digest>,
}

/// The newest commits first, and why the list is missing or short, to print once.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RecentChanges {
    pub commits: Vec<CommitChanges>,
    pub note: Option<String>,
    /// Each customer's entries: (commit, customer) indices into `commits` and its digest,
    /// newest first; CLV moves that only follow r are left out.
    #[serde(skip)]
    by_customer: HashMap<String, Vec<(usize, usize)>>,
}

impl RecentChanges {
    fn new(commits: Vec<CommitChanges>, note: Option<String>) -> Self {
        let mut by_customer: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (i, commit) in commits.iter().enumerate() {
            let Some(digest) = &commit.digest else {
                continue;
            };
            for (j, customer) in digest.customers.iter().enumerate() {
                let only_clv = customer.status == Status::Moved
                    && customer
                        .changes
                        .iter()
                        .all(|c| matches!(c, Change::Clv { .. }));
                if !only_clv {
                    by_customer
                        .entry(customer.id.clone())
                        .or_default()
                        .push((i, j));
                }
            }
        }
        RecentChanges {
            commits,
            note,
            by_customer,
        }
    }

    /// The commits that changed customer `id`, newest first, with its entry of each digest.
    pub fn timeline(&self, id: &str) -> Vec<(&CommitChanges, &CustomerChanges)> {
        self.by_customer
            .get(id)
            .map(|entries| {
                entries
                    .iter()
                    .filter_map(|&(i, j)| {
                        let commit = &self.commits[i];
                        let customer = commit.digest.as_ref()?.customers.get(j)?;
                        Some((commit, customer))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The newest commit with a digest.
    pub fn latest(&self) -> Option<&CommitChanges> {
        self.commits.iter().find(|c| c.digest.is_some())
    }

    /// The history as an audience may read it (see [`Digest::redacted`]).
    pub fn redacted(&self, hidden: &Hidden) -> RecentChanges {
        let commits = self
            .commits
            .iter()
            .map(|c| CommitChanges {
                digest: c.digest.as_ref().map(|d| d.redacted(hidden)),
                ..c.clone()
            })
            .collect();
        RecentChanges::new(commits, self.note.clone())
    }
}

/// One file a commit changed: its site-relative path and its blob before the commit (`None`:
/// the commit added it).
struct FileChange {
    path: String,
    before: Option<String>,
}

struct LoggedCommit {
    id: String,
    has_parent: bool,
    author: String,
    at: String,
    message: String,
    files: Vec<FileChange>,
}

/// The site on disk as the build checked and analysed it. `HEAD`'s files that hold the same
/// bytes are taken from its check instead of being read from git and decoded again, and
/// `HEAD`'s analysis starts from its analysis: on a clean checkout (CI) that is every file.
#[derive(Clone, Copy)]
pub struct WorkingTree<'a> {
    pub checks: &'a FileChecks,
    pub site: &'a Site,
    pub config: &'a SiteConfig,
    pub analytics: &'a Analytics,
}

/// The digests of the last `n` commits of `HEAD`'s first-parent line that touched content/ or
/// the configuration (`config`, site-relative), each version read as of `as_of` when given.
/// Never an error: without git, a repository or commits, the list is empty with a note.
/// `working` changes how the work is done, never the result.
pub fn recent(
    root: &Path,
    config: &str,
    n: usize,
    as_of: Option<Date>,
    working: Option<WorkingTree<'_>>,
) -> RecentChanges {
    if n == 0 {
        return RecentChanges::default();
    }
    let unavailable = |note: &str| RecentChanges::new(Vec::new(), Some(note.to_string()));
    let Ok(repository) = Repository::open(root) else {
        return unavailable(NOT_A_REPOSITORY);
    };
    if !repository.has_commits() {
        return unavailable("the git repository has no commits yet: the change history is empty");
    }
    match walk(&repository, config, n, as_of, working) {
        Ok(mut recent) => {
            if repository.is_shallow() {
                recent.note = Some(
                    "shallow git clone: the change history covers the fetched commits only"
                        .to_string(),
                );
            }
            recent
        }
        Err(error) => unavailable(&format!("the change history is not shown: {error}")),
    }
}

/// [`recent`], kept for as long as `HEAD` (the commit `head`, from [`crate::git::head`]) and
/// the arguments stay the same: the preview rebuilds on every save, and commits do not change
/// while one edits. Outside any repository, git is not started at all.
pub fn recent_cached(
    root: &Path,
    head: Option<&str>,
    config: &str,
    n: usize,
    as_of: Option<Date>,
    working: Option<WorkingTree<'_>>,
) -> RecentChanges {
    type Key = (std::path::PathBuf, String, String, usize, Option<Date>);
    static CACHE: Mutex<Option<(Key, RecentChanges)>> = Mutex::new(None);
    let Some(head) = head else {
        if n > 0 && !crate::git::may_be_in_repository(root) {
            return RecentChanges::new(Vec::new(), Some(NOT_A_REPOSITORY.to_string()));
        }
        return recent(root, config, n, as_of, working);
    };
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let key: Key = (root.clone(), head.to_string(), config.to_string(), n, as_of);
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((cached_key, cached)) = cache.as_ref()
        && *cached_key == key
    {
        return cached.clone();
    }
    let fresh = recent(&root, config, n, as_of, working);
    *cache = Some((key, fresh.clone()));
    fresh
}

const NOT_A_REPOSITORY: &str =
    "not a git repository (or git is missing): the change history is not shown";

fn walk(
    repository: &Repository,
    config: &str,
    n: usize,
    as_of: Option<Date>,
    working: Option<WorkingTree<'_>>,
) -> Result<RecentChanges, super::RevisionError> {
    let commits = log(repository, config, n)?;
    let files = match working {
        Some(working) => {
            let checks = working.checks.by_path();
            let (snapshot, same) =
                repository.head_beside_working_tree(config, |path| checks.covers(path))?;
            FileSet::reusing(snapshot, &checks, same)
        }
        None => FileSet::new(repository.snapshot(&repository.resolve("HEAD")?, config)?),
    };
    let old_blobs: BTreeSet<&str> = commits
        .iter()
        .flat_map(|c| c.files.iter().filter_map(|f| f.before.as_deref()))
        .collect();
    let contents = repository.blob_contents(old_blobs.into_iter())?;

    let checked = files.checked();
    let analytics = match working {
        Some(working) => {
            let previous = analytics::Previous {
                site: working.site,
                config: working.config,
                analytics: working.analytics,
            };
            analytics::analyse_after(previous, &checked.site, &checked.config, as_of).ok()
        }
        None => super::analyse_alone(&checked, as_of),
    };
    let head = Arc::new(Version { checked, analytics });
    let older = OlderVersions {
        files,
        commits: &commits,
        contents: &contents,
        config,
        as_of,
    };
    let shallow = repository.is_shallow();
    // The older versions are made on one thread and compared on another, a few versions
    // apart. A rayon worker must not wait for a thread whose analyses need the pool it
    // belongs to: there, each part runs in turn (the channel holds every version).
    let found = if rayon::current_thread_index().is_some() {
        let (sender, versions) = mpsc::sync_channel(commits.len());
        older.send_to(Arc::clone(&head), sender);
        digests(&commits, head, versions, shallow, as_of)
    } else {
        std::thread::scope(|scope| {
            let (sender, versions) = mpsc::sync_channel(2);
            let newest = Arc::clone(&head);
            scope.spawn(move || older.send_to(newest, sender));
            digests(&commits, head, versions, shallow, as_of)
        })
    };
    Ok(RecentChanges::new(found, None))
}

/// One version of the site, checked and analysed (`None`: it cannot be).
struct Version {
    checked: Checked,
    analytics: Option<Analytics>,
}

/// What makes the version before each commit, newest first, from the one after it.
struct OlderVersions<'a> {
    files: FileSet,
    commits: &'a [LoggedCommit],
    contents: &'a BTreeMap<String, Vec<u8>>,
    config: &'a str,
    as_of: Option<Date>,
}

impl OlderVersions<'_> {
    /// Sends each commit's parent version, in turn: the newer version with the commit's
    /// changed files put back (only those are decoded again), analysed from the newer one's
    /// analysis. Stops early when no one receives.
    fn send_to(mut self, mut newer: Arc<Version>, versions: mpsc::SyncSender<Arc<Version>>) {
        for commit in self.commits {
            for change in &commit.files {
                let bytes = change
                    .before
                    .as_ref()
                    .and_then(|id| self.contents.get(id).cloned());
                if change.path == self.config {
                    self.files.set_config(bytes);
                } else {
                    self.files.set_file(&change.path, bytes);
                }
            }
            let checked = self.files.checked();
            let analytics = match &newer.analytics {
                Some(a) => super::analyse_next(&newer.checked, a, &checked, self.as_of),
                None => super::analyse_alone(&checked, self.as_of),
            };
            let version = Arc::new(Version { checked, analytics });
            if versions.send(Arc::clone(&version)).is_err() {
                return;
            }
            newer = version;
        }
    }
}

/// Each commit's digest, comparing the versions `older` sends with the one after each.
fn digests(
    commits: &[LoggedCommit],
    head: Arc<Version>,
    older: mpsc::Receiver<Arc<Version>>,
    shallow: bool,
    as_of: Option<Date>,
) -> Vec<CommitChanges> {
    let mut found = Vec::with_capacity(commits.len());
    let mut after = head;
    for commit in commits {
        let Ok(before) = older.recv() else {
            break;
        };
        let shallow_edge = !commit.has_parent && shallow;
        let digest = if shallow_edge {
            None
        } else {
            let (b, a) = (&before.checked, &after.checked);
            match (&before.analytics, &after.analytics) {
                (Some(ba), Some(aa)) => Some(digest_of(commit, b, ba, a, aa)),
                _ => super::analyse_pair(b, a, as_of)
                    .ok()
                    .map(|(ba, aa)| digest_of(commit, b, &ba, a, &aa)),
            }
        };
        found.push(CommitChanges {
            short: commit.id[..commit.id.len().min(7)].to_string(),
            date: day_of(&commit.at),
            commit: commit.id.clone(),
            author: commit.author.clone(),
            at: commit.at.clone(),
            message: commit.message.clone(),
            digest,
        });
        after = before;
    }
    found
}

fn digest_of(
    commit: &LoggedCommit,
    before: &Checked,
    before_analytics: &Analytics,
    after: &Checked,
    after_analytics: &Analytics,
) -> Digest {
    let short = &commit.id[..commit.id.len().min(7)];
    let parent = format!("{short}^");
    compare(
        &State {
            label: &parent,
            commit: None,
            site: &before.site,
            config: &before.config,
            report: &before.report,
            analytics: before_analytics,
        },
        &State {
            label: short,
            commit: Some(&commit.id),
            site: &after.site,
            config: &after.config,
            report: &after.report,
            analytics: after_analytics,
        },
    )
}

fn day_of(at: &str) -> Date {
    at.get(..10)
        .and_then(|d| d.parse::<Date>().ok())
        .unwrap_or_default()
}

/// The last `n` commits of HEAD's first-parent line that touched content/ or the
/// configuration, newest first, with their changed files (merges: against the first parent).
fn log(
    repository: &Repository,
    config: &str,
    n: usize,
) -> Result<Vec<LoggedCommit>, super::RevisionError> {
    let prefix = repository.prefix();
    let out = git(repository.root())
        .args([
            "log",
            "--first-parent",
            "--diff-merges=first-parent",
            "--no-renames",
            "--raw",
            "--no-abbrev",
            "-z",
            &format!("-n{n}"),
            "--format=%x01%H%x00%P%x00%an%x00%aI%x00%s",
            "HEAD",
            "--",
        ])
        .arg(format!("{prefix}content"))
        .arg(format!("{prefix}{config}"))
        .output()?;
    if !out.status.success() {
        return Err(super::RevisionError::Git {
            command: "log".to_string(),
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(parse_log(&String::from_utf8_lossy(&out.stdout), prefix))
}

/// Parses `git log -z --raw --format=%x01%H%x00%P%x00%an%x00%aI%x00%s`.
fn parse_log(text: &str, prefix: &str) -> Vec<LoggedCommit> {
    let mut commits = Vec::new();
    for chunk in text.split('\u{1}').filter(|c| !c.is_empty()) {
        let mut fields = chunk.split('\0');
        let (Some(id), Some(parents), Some(author), Some(at), Some(message)) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            continue;
        };
        let mut files = Vec::new();
        while let Some(meta) = fields.next() {
            let meta = meta.trim_start_matches('\n');
            if meta.is_empty() {
                continue;
            }
            let Some(path) = fields.next() else { break };
            // `:old_mode new_mode old_blob new_blob status`
            let parts: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
            let (Some(old_mode), Some(old_blob), Some(status)) =
                (parts.first(), parts.get(2), parts.get(4))
            else {
                continue;
            };
            let Some(path) = path.strip_prefix(prefix) else {
                continue;
            };
            // A symbolic link is no file of a revision (see `Repository::snapshot`).
            let added = status.starts_with('A')
                || *old_mode == "120000"
                || old_blob.bytes().all(|b| b == b'0');
            files.push(FileChange {
                path: path.to_string(),
                before: (!added).then(|| (*old_blob).to_string()),
            });
        }
        commits.push(LoggedCommit {
            id: id.trim().to_string(),
            has_parent: !parents.trim().is_empty(),
            author: author.to_string(),
            at: at.to_string(),
            message: message.to_string(),
            files,
        });
    }
    commits
}
