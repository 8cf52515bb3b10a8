//! Which folder a build may replace.
//!
//! A build replaces its output folder whole, so the folder it is pointed at is vetted first:
//!
//! - by place: never the site's folder or one that holds it, never inside (or holding) the
//!   site's `content/` or `themes/`, never inside a `.git` folder, never a folder holding the
//!   configuration file. Paths are compared canonicalised (absolute, `..` and symbolic links
//!   resolved, even below a part that does not exist yet), so `--out ..`, `--out ./x/../content`
//!   and a link to the site all name what they really are;
//! - by contents: only an absent or empty folder, one holding the [`MARKER`] that every build
//!   writes, or one recognisably written by a dossier from before the marker.
//!
//! A symbolic link as the output (`public -> /srv/www/site-a`) is followed: the build replaces
//! the folder it points to and leaves the link alone.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::WriteError;

/// The file every build leaves in its output folder: what allows the next build to replace it.
pub const MARKER: &str = ".dossier-build";

/// What the marker says to someone who finds it.
pub const MARKER_TEXT: &str = "\
This folder was written by `dossier build`, which replaces it whole at every build:
anything else put here is deleted by the next build. dossier replaces only a folder
that holds this file (or an empty or absent one), never any other.
";

/// The site a build belongs to: what its output must never replace.
#[derive(Clone, Copy, Debug)]
pub struct Protected<'a> {
    /// The site's folder (holding site.yaml and content/).
    pub root: &'a Path,
    /// The configuration file, when it is not the site's own site.yaml.
    pub config: Option<&'a Path>,
}

/// What the output folder holds before a build replaces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contents {
    Absent,
    Empty,
    /// A previous build, with its marker.
    Marked,
    /// A previous build of a dossier from before the marker.
    Earlier,
}

/// Resolves the output folder `out` and checks that a build may write there by place. Returns
/// the canonical folder to replace: through symbolic links, so a linked output is written at
/// its target. Touches nothing.
pub fn resolve(out: &Path, protected: &Protected) -> Result<PathBuf, WriteError> {
    let dir = canonical(out).map_err(|source| WriteError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    let refuse = |reason: String, help: &str| refused(out, &dir, reason, help);
    let own_folder = "choose a folder of its own for the output: `public` (the default), or another \
                      new folder, with site.yaml `output_dir` or `--out`";
    if dir.parent().is_none() {
        return Err(refuse(
            "it is the root of the file system".into(),
            own_folder,
        ));
    }
    let root = canonical(protected.root).map_err(|source| WriteError::Io {
        path: protected.root.to_path_buf(),
        source,
    })?;
    if root.starts_with(&dir) {
        let what = if root == dir {
            "it is the site's own folder"
        } else {
            "it holds the site's folder"
        };
        return Err(refuse(
            format!(
                "{what} ({}), and a build replaces its output whole",
                root.display()
            ),
            own_folder,
        ));
    }
    for name in ["content", "themes"] {
        // As written and, when it is a link, where it leads.
        let mut places = vec![root.join(name)];
        if let Ok(resolved) = canonical(&protected.root.join(name)) {
            places.push(resolved);
        }
        for place in places {
            if dir.starts_with(&place) {
                return Err(refuse(
                    format!("it is inside the site's {name}/ folder"),
                    own_folder,
                ));
            }
            if place.starts_with(&dir) {
                return Err(refuse(
                    format!("it holds the site's {name}/ folder ({})", place.display()),
                    own_folder,
                ));
            }
        }
    }
    if dir.components().any(|c| c.as_os_str() == ".git") {
        return Err(refuse(
            "it is inside a .git folder, a repository's own data".into(),
            own_folder,
        ));
    }
    if let Some(config) = protected.config
        && let Ok(config) = canonical(config)
        && config.starts_with(&dir)
    {
        return Err(refuse(
            format!("it holds the configuration file {}", config.display()),
            own_folder,
        ));
    }
    Ok(dir)
}

/// Checks that `dir` (canonical, from [`resolve`]) holds nothing but a previous build.
pub fn contents(out: &Path, dir: &Path) -> Result<Contents, WriteError> {
    let io_error = |source| WriteError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let meta = match fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Contents::Absent),
        Err(e) => return Err(io_error(e)),
    };
    if !meta.is_dir() {
        return Err(refused(
            out,
            dir,
            "it is a file, not a folder".into(),
            "remove the file, or choose another output folder with site.yaml `output_dir` or `--out`",
        ));
    }
    let names: Vec<String> = fs::read_dir(dir)
        .map_err(io_error)?
        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<io::Result<_>>()
        .map_err(io_error)?;
    if names.is_empty() {
        return Ok(Contents::Empty);
    }
    if fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file()) {
        return Ok(Contents::Marked);
    }
    if is_earlier_build(dir, &names) {
        return Ok(Contents::Earlier);
    }
    Err(refused(
        out,
        dir,
        format!(
            "it already holds files, and no {MARKER} file in it says that a dossier build wrote them"
        ),
        &format!(
            "choose a new or empty folder; if it only holds an earlier build of this site, delete it \
             once (`rm -r {}`) and build again: every build from now on marks its output",
            out.display()
        ),
    ))
}

/// What a build of a dossier from before the marker has at its top level, and nothing else.
const EARLIER_BUILD_NAMES: &[&str] = &[
    "404.html",
    "index.html",
    "credit",
    "customers",
    "data",
    "grades",
    "industries",
    "owners",
    "playbooks",
    "prospects",
    "rankings",
    "regions",
    "retention",
    "satisfaction",
    "search",
    "service",
    "stages",
    "static",
    "tags",
];

/// Whether a folder without the marker is an earlier dossier build: only names such a build
/// writes at its top level, its export `data/metrics.json`, and a home page that says dossier
/// generated it. Anything else (a file of the user's beside them) and it is not replaced.
fn is_earlier_build(dir: &Path, names: &[String]) -> bool {
    let generator = "<meta name=\"generator\" content=\"dossier\">";
    names
        .iter()
        .all(|name| EARLIER_BUILD_NAMES.contains(&name.as_str()))
        && fs::symlink_metadata(dir.join("data/metrics.json")).is_ok_and(|m| m.is_file())
        && fs::symlink_metadata(dir.join("index.html")).is_ok_and(|m| m.is_file())
        && read_start(&dir.join("index.html"), 4096).is_ok_and(|head| head.contains(generator))
}

/// The first `limit` bytes of a file, as text.
fn read_start(path: &Path, limit: u64) -> io::Result<String> {
    use std::io::Read;
    let mut head = Vec::new();
    fs::File::open(path)?.take(limit).read_to_end(&mut head)?;
    Ok(String::from_utf8_lossy(&head).into_owned())
}

fn refused(out: &Path, dir: &Path, reason: String, help: &str) -> WriteError {
    let shown = if out == dir {
        out.display().to_string()
    } else {
        format!("{} ({})", out.display(), dir.display())
    };
    WriteError::Refused {
        folder: shown,
        reason,
        help: help.to_string(),
    }
}

/// Symbolic links followed in one path before giving up, as the kernel does.
const MAX_LINKS: usize = 40;

/// The absolute path that `path` names, with `.`, `..` and every symbolic link resolved, like
/// `realpath`, but also for a path whose last parts do not exist yet (they are appended as
/// written, a `..` among them removing the part before it) and through a dangling link.
pub fn canonical(path: &Path) -> io::Result<PathBuf> {
    let mut links = 0;
    canonical_within(path, &mut links)
}

fn canonical_within(path: &Path, links: &mut usize) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut resolved = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component.as_os_str()),
            Component::CurDir => {}
            // `resolved` never holds a link, so its parent is the real one.
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                let next = resolved.join(name);
                match fs::symlink_metadata(&next) {
                    Ok(meta) if meta.file_type().is_symlink() => {
                        *links += 1;
                        if *links > MAX_LINKS {
                            return Err(io::Error::other(format!(
                                "too many levels of symbolic links at {}",
                                next.display()
                            )));
                        }
                        let target = fs::read_link(&next)?;
                        // A relative target is relative to the link's folder.
                        resolved = canonical_within(&resolved.join(target), links)?;
                    }
                    Ok(_) => resolved = next,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => resolved = next,
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_resolves_dots_links_and_missing_parts() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        fs::create_dir_all(base.join("site/content")).unwrap();
        assert_eq!(
            canonical(&base.join("site/x/../content/.")).unwrap(),
            base.join("site/content")
        );
        assert_eq!(
            canonical(&base.join("site/missing/deeper/../y")).unwrap(),
            base.join("site/missing/y")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::symlink;
            symlink("site/content", base.join("records")).unwrap();
            assert_eq!(
                canonical(&base.join("records")).unwrap(),
                base.join("site/content")
            );
            // `..` after a link leaves the link's target, not the link's folder.
            symlink(base.join("site/content"), base.join("deep")).unwrap();
            assert_eq!(canonical(&base.join("deep/..")).unwrap(), base.join("site"));
            // A dangling link resolves to where it points.
            symlink("/nonexistent-dossier-target/www", base.join("dangling")).unwrap();
            assert_eq!(
                canonical(&base.join("dangling")).unwrap(),
                Path::new("/nonexistent-dossier-target/www")
            );
            symlink("loop", base.join("loop")).unwrap();
            assert!(canonical(&base.join("loop")).is_err());
        }
    }

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap().join("site");
        fs::create_dir_all(root.join("content/customers")).unwrap();
        fs::create_dir_all(root.join("themes/x")).unwrap();
        fs::create_dir_all(root.join(".git/objects")).unwrap();
        fs::write(root.join("site.yaml"), "title: t\n").unwrap();
        (dir, root)
    }

    fn refusal(out: &Path, root: &Path, config: Option<&Path>) -> String {
        let protected = Protected { root, config };
        match resolve(out, &protected) {
            Err(WriteError::Refused { reason, .. }) => reason,
            other => panic!("{} was not refused: {other:?}", out.display()),
        }
    }

    #[test]
    fn places_of_the_site_are_refused() {
        let (_dir, root) = site();
        let cases = [
            (root.clone(), "it is the site's own folder"),
            (root.join(".."), "it holds the site's folder"),
            (
                root.join("content"),
                "it is inside the site's content/ folder",
            ),
            (
                root.join("content/customers/../customers/x"),
                "it is inside the site's content/ folder",
            ),
            (
                root.join("themes"),
                "it is inside the site's themes/ folder",
            ),
            (root.join(".git"), "it is inside a .git folder"),
            (root.join(".git/objects/new"), "it is inside a .git folder"),
            (PathBuf::from("/"), "it is the root of the file system"),
        ];
        for (out, expected) in cases {
            let reason = refusal(&out, &root, None);
            assert!(reason.starts_with(expected), "{}: {reason}", out.display());
        }
        let config = root.join("../configs/site.yaml");
        let reason = refusal(&root.join("../configs"), &root, Some(&config));
        assert!(
            reason.starts_with("it holds the configuration file"),
            "{reason}"
        );
        // Where a build may go.
        let protected = Protected {
            root: &root,
            config: None,
        };
        for out in [
            root.join("public"),
            root.join("../www/site"),
            root.join("docs/out"),
        ] {
            assert!(resolve(&out, &protected).is_ok(), "{}", out.display());
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_are_judged_by_where_they_lead() {
        use std::os::unix::fs::symlink;
        let (dir, root) = site();
        let base = dir.path().canonicalize().unwrap();
        symlink(root.join("content"), base.join("to-content")).unwrap();
        let reason = refusal(&base.join("to-content"), &root, None);
        assert!(
            reason.starts_with("it is inside the site's content/ folder"),
            "{reason}"
        );
        // content/ itself a link elsewhere: its target and what holds it are protected too.
        let (other, other_root) = site();
        let records = other.path().canonicalize().unwrap().join("records/all");
        fs::create_dir_all(&records).unwrap();
        fs::remove_dir_all(other_root.join("content")).unwrap();
        symlink(&records, other_root.join("content")).unwrap();
        let reason = refusal(records.parent().unwrap(), &other_root, None);
        assert!(
            reason.starts_with("it holds the site's content/ folder"),
            "{reason}"
        );
        // A deployment link: the build goes to its target.
        let www = base.join("www/site-a");
        symlink(&www, root.join("public")).unwrap();
        let protected = Protected {
            root: &root,
            config: None,
        };
        assert_eq!(resolve(&root.join("public"), &protected).unwrap(), www);
    }

    #[test]
    fn contents_that_a_build_may_replace() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().canonicalize().unwrap().join("public");
        assert_eq!(contents(&out, &out).unwrap(), Contents::Absent);
        fs::create_dir(&out).unwrap();
        assert_eq!(contents(&out, &out).unwrap(), Contents::Empty);
        fs::write(out.join("notes.txt"), "mine").unwrap();
        let Err(WriteError::Refused { reason, help, .. }) = contents(&out, &out) else {
            panic!("a folder of someone else's files is refused");
        };
        assert!(reason.contains("no .dossier-build file"), "{reason}");
        assert!(help.contains("rm -r"), "{help}");
        fs::write(out.join(MARKER), MARKER_TEXT).unwrap();
        assert_eq!(contents(&out, &out).unwrap(), Contents::Marked);
        fs::remove_dir_all(&out).unwrap();
        fs::write(&out, "a file").unwrap();
        assert!(matches!(
            contents(&out, &out),
            Err(WriteError::Refused { .. })
        ));
    }

    #[test]
    fn an_earlier_build_without_the_marker_is_recognised_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().canonicalize().unwrap().join("public");
        fs::create_dir_all(out.join("data")).unwrap();
        fs::create_dir_all(out.join("customers/a")).unwrap();
        fs::write(out.join("data/metrics.json"), "{}").unwrap();
        fs::write(
            out.join("index.html"),
            "<!doctype html><head><meta name=\"generator\" content=\"dossier\">",
        )
        .unwrap();
        assert_eq!(contents(&out, &out).unwrap(), Contents::Earlier);
        // A file the build does not write, beside it: the folder is someone's.
        fs::write(out.join("CNAME"), "crm.example.com").unwrap();
        assert!(contents(&out, &out).is_err());
        fs::remove_file(out.join("CNAME")).unwrap();
        // Another generator's home page.
        fs::write(
            out.join("index.html"),
            "<meta name=\"generator\" content=\"Hugo\">",
        )
        .unwrap();
        assert!(contents(&out, &out).is_err());
    }
}
