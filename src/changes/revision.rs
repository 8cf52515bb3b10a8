//! Reading a site as a git revision holds it, from git itself: one `git ls-tree` for the file
//! list and one `git cat-file --batch` stream for their contents. Nothing is checked out and
//! nothing in the user's tree is touched.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::git::git;
use crate::validate::Snapshot;

/// Why revisions cannot be read (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum RevisionError {
    #[error("git is not installed: `dossier changes` reads the records of each revision from git")]
    NoGit,
    #[error("{0} is not inside a git repository: `dossier changes` compares git revisions")]
    NotARepository(PathBuf),
    #[error("{0}")]
    Unknown(String),
    #[error("git {command} failed: {message}")]
    Git { command: String, message: String },
    #[error("cannot run git: {0}")]
    Io(#[from] std::io::Error),
}

/// The repository that holds a site, and where the site sits in it.
#[derive(Debug)]
pub struct Repository {
    root: PathBuf,
    /// The site's folder inside the repository (`sites/crm/`, empty at the top).
    prefix: String,
    shallow: bool,
}

/// One side of a comparison: a commit, or the files on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Revision {
    WorkingTree,
    /// What the user wrote (`HEAD~1`, `main`) and the commit it names.
    Commit {
        spec: String,
        id: String,
    },
    /// A repository without commits: a site with no records.
    Empty {
        spec: String,
    },
}

impl Revision {
    /// How the side is named to people: the spec, or "working tree".
    pub fn label(&self) -> &str {
        match self {
            Revision::WorkingTree => "working tree",
            Revision::Commit { spec, .. } | Revision::Empty { spec } => spec,
        }
    }

    pub fn commit(&self) -> Option<&str> {
        match self {
            Revision::Commit { id, .. } => Some(id),
            _ => None,
        }
    }
}

impl Repository {
    /// The repository holding `root`.
    pub fn open(root: &Path) -> Result<Repository, RevisionError> {
        let out = git(root)
            .args(["rev-parse", "--is-shallow-repository", "--show-prefix"])
            .output()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => RevisionError::NoGit,
                _ => RevisionError::Io(e),
            })?;
        if !out.status.success() {
            return Err(RevisionError::NotARepository(root.to_path_buf()));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let shallow = lines.next() == Some("true");
        let prefix = lines.next().unwrap_or("").to_string();
        Ok(Repository {
            root: root.to_path_buf(),
            prefix,
            shallow,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn is_shallow(&self) -> bool {
        self.shallow
    }

    /// The site's folder inside the repository, with a trailing `/` unless at the top.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Whether the repository has a commit yet.
    pub fn has_commits(&self) -> bool {
        self.rev_parse("HEAD").is_some()
    }

    /// The commit `spec` names; `HEAD` of a repository without commits is the empty site.
    pub fn resolve(&self, spec: &str) -> Result<Revision, RevisionError> {
        match self.rev_parse(spec) {
            Some(id) => Ok(Revision::Commit {
                spec: spec.to_string(),
                id,
            }),
            None if spec == "HEAD" && !self.has_commits() => Ok(Revision::Empty {
                spec: spec.to_string(),
            }),
            None => Err(self.unknown(spec)),
        }
    }

    /// The best common ancestor of `a` and `b` (`A...B`, as `git diff` reads it).
    pub fn merge_base(&self, a: &str, b: &str) -> Result<Revision, RevisionError> {
        let a_id = self.rev_parse(a).ok_or_else(|| self.unknown(a))?;
        let b_id = self.rev_parse(b).ok_or_else(|| self.unknown(b))?;
        let out = git(&self.root)
            .args(["merge-base", &a_id, &b_id])
            .output()?;
        if !out.status.success() {
            let shallow = if self.shallow {
                " (the clone is shallow: fetch the whole history, e.g. `git fetch --unshallow` or actions/checkout with `fetch-depth: 0`)"
            } else {
                ""
            };
            return Err(RevisionError::Unknown(format!(
                "{a} and {b} have no common ancestor{shallow}"
            )));
        }
        Ok(Revision::Commit {
            spec: format!("merge base of {a} and {b}"),
            id: String::from_utf8_lossy(&out.stdout).trim().to_string(),
        })
    }

    /// The newest commit of HEAD's first-parent line made before `date` (`--since`).
    pub fn before(&self, date: jiff::civil::Date) -> Result<Revision, RevisionError> {
        let out = git(&self.root)
            .args([
                "rev-list",
                "-1",
                "--first-parent",
                &format!("--before={date}T00:00:00"),
                "HEAD",
            ])
            .output()?;
        let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !out.status.success() || id.is_empty() {
            let shallow = if self.shallow {
                " (the clone is shallow: older commits were not fetched)"
            } else {
                ""
            };
            return Err(RevisionError::Unknown(format!(
                "no commit before {date} on the current branch{shallow}"
            )));
        }
        Ok(Revision::Commit {
            spec: format!("before {date}"),
            id,
        })
    }

    /// The site's files at `revision` (not the working tree): `config` (site-relative, usually
    /// `site.yaml`) and everything under `content/`.
    pub fn snapshot(&self, revision: &Revision, config: &str) -> Result<Snapshot, RevisionError> {
        let id = match revision {
            Revision::Commit { id, .. } => id,
            Revision::Empty { .. } => return Ok(Snapshot::default()),
            // The files on disk are checked where they are (`validate::check_site`).
            Revision::WorkingTree => {
                return Err(RevisionError::Unknown(
                    "the working tree is read from disk, not from git".to_string(),
                ));
            }
        };
        let blobs = self.tree_blobs(id, config)?;
        self.read_blobs(blobs, config)
    }

    /// The files `blobs` (path, blob id) read into a snapshot, `config` as its configuration.
    fn read_blobs(
        &self,
        blobs: Vec<(String, String)>,
        config: &str,
    ) -> Result<Snapshot, RevisionError> {
        let contents = self.blob_contents(blobs.iter().map(|(_, oid)| oid.as_str()))?;
        let mut snapshot = Snapshot::default();
        for (path, oid) in blobs {
            // Identical files share a blob: each path gets its own copy.
            let Some(bytes) = contents.get(&oid).cloned() else {
                continue;
            };
            if path == config {
                snapshot.config = Some(bytes);
            } else {
                snapshot.files.insert(path, bytes);
            }
        }
        Ok(snapshot)
    }

    /// The site's files at `HEAD` like [`Repository::snapshot`], except those that `same`
    /// accepts among the files the working tree holds unchanged since `HEAD`: those are not
    /// read from git but named in the returned set, for the caller to take from the working
    /// tree. The configuration is always read from git.
    pub fn head_beside_working_tree(
        &self,
        config: &str,
        same: impl Fn(&str) -> bool,
    ) -> Result<(Snapshot, BTreeSet<String>), RevisionError> {
        let head = self.resolve("HEAD")?;
        let Revision::Commit { id, .. } = &head else {
            return Ok((self.snapshot(&head, config)?, BTreeSet::new()));
        };
        let differ = self.working_tree_changes(config)?;
        let (kept, read): (Vec<_>, Vec<_>) = self
            .tree_blobs(id, config)?
            .into_iter()
            .partition(|(path, _)| path != config && !differ.contains(path) && same(path));
        let snapshot = self.read_blobs(read, config)?;
        Ok((snapshot, kept.into_iter().map(|(path, _)| path).collect()))
    }

    /// Site-relative paths under content/ (and `config`) whose working-tree file differs from
    /// `HEAD`'s (changed, staged, deleted, added) or that git does not track (ignored ones too).
    fn working_tree_changes(&self, config: &str) -> Result<BTreeSet<String>, RevisionError> {
        let content = format!("{}content", self.prefix);
        let config_path = format!("{}{config}", self.prefix);
        let mut found = BTreeSet::new();
        let commands: [&[&str]; 2] = [
            &["diff", "--no-renames", "--name-only", "-z", "HEAD", "--"],
            &["ls-files", "-z", "--others", "--full-name", "--"],
        ];
        for args in commands {
            let out = git(&self.root)
                .args(args)
                .arg(&content)
                .arg(&config_path)
                .output()?;
            if !out.status.success() {
                return Err(RevisionError::Git {
                    command: args[0].to_string(),
                    message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
                });
            }
            let listing = String::from_utf8_lossy(&out.stdout);
            found.extend(
                listing
                    .split('\0')
                    .filter_map(|path| path.strip_prefix(&self.prefix))
                    .filter(|path| !path.is_empty())
                    .map(str::to_string),
            );
        }
        Ok(found)
    }

    /// `(site-relative path, blob id)` of the configuration and every regular file under
    /// content/ at commit `id`. Symbolic links are left out: they point into the working tree.
    fn tree_blobs(&self, id: &str, config: &str) -> Result<Vec<(String, String)>, RevisionError> {
        let content = format!("{}content", self.prefix);
        let config_path = format!("{}{config}", self.prefix);
        let out = git(&self.root)
            .args(["ls-tree", "-r", "-z", "--full-tree", id, "--"])
            .arg(&content)
            .arg(&config_path)
            .output()?;
        if !out.status.success() {
            return Err(RevisionError::Git {
                command: "ls-tree".to_string(),
                message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        let listing = String::from_utf8_lossy(&out.stdout);
        let mut blobs = Vec::new();
        for entry in listing.split('\0').filter(|e| !e.is_empty()) {
            let Some((meta, path)) = entry.split_once('\t') else {
                continue;
            };
            let mut meta = meta.split(' ');
            let (Some(mode), Some(kind), Some(oid)) = (meta.next(), meta.next(), meta.next())
            else {
                continue;
            };
            if kind != "blob" || mode == "120000" {
                continue;
            }
            if let Some(relative) = path.strip_prefix(&self.prefix) {
                blobs.push((relative.to_string(), oid.to_string()));
            }
        }
        Ok(blobs)
    }

    /// The contents of the given blobs by id, read in one `git cat-file --batch` stream.
    pub(crate) fn blob_contents<'a>(
        &self,
        ids: impl Iterator<Item = &'a str>,
    ) -> Result<BTreeMap<String, Vec<u8>>, RevisionError> {
        let mut wanted: Vec<&str> = ids.collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut child = git(&self.root)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut stdin = child.stdin.take().ok_or_else(pipe_missing)?;
        let requests: String = wanted.iter().map(|id| format!("{id}\n")).collect();
        // Written from another thread: git answers while it reads, and a full pipe both ways
        // would block both.
        let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
        let stdout = child.stdout.take().ok_or_else(pipe_missing)?;
        let mut reader = BufReader::new(stdout);
        let mut contents = BTreeMap::new();
        for id in &wanted {
            let mut header = String::new();
            reader.read_line(&mut header)?;
            let mut fields = header.split_whitespace();
            let (Some(_), Some("blob"), Some(size)) = (fields.next(), fields.next(), fields.next())
            else {
                return Err(RevisionError::Git {
                    command: "cat-file".to_string(),
                    message: format!("unexpected answer for {id}: {}", header.trim()),
                });
            };
            let size: usize = size.parse().map_err(|_| RevisionError::Git {
                command: "cat-file".to_string(),
                message: format!("unexpected size for {id}: {size}"),
            })?;
            let mut bytes = vec![0; size];
            reader.read_exact(&mut bytes)?;
            let mut newline = [0u8; 1];
            reader.read_exact(&mut newline)?;
            contents.insert((*id).to_string(), bytes);
        }
        writer.join().map_err(|_| pipe_missing())??;
        let status = child.wait()?;
        if !status.success() {
            return Err(RevisionError::Git {
                command: "cat-file".to_string(),
                message: format!("exited with {status}"),
            });
        }
        Ok(contents)
    }

    /// The commit id `spec` names, if it names one.
    fn rev_parse(&self, spec: &str) -> Option<String> {
        let out = git(&self.root)
            .args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
            .arg(format!("{spec}^{{commit}}"))
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// Why `spec` names no commit here, and what to do.
    fn unknown(&self, spec: &str) -> RevisionError {
        RevisionError::Unknown(if self.shallow {
            format!(
                "{spec} is not in this repository: the clone is shallow, so older commits were not fetched (fetch them with `git fetch --unshallow`, or actions/checkout with `fetch-depth: 0`)"
            )
        } else if !self.has_commits() {
            format!("{spec} does not exist: the repository has no commits yet")
        } else {
            format!(
                "{spec} is not a commit of this repository (try a branch, a tag, HEAD~1 or a commit id)"
            )
        })
    }
}

fn pipe_missing() -> RevisionError {
    RevisionError::Io(std::io::Error::other("git's pipe is missing"))
}
