//! Watching the site's sources: content/, themes/ and site.yaml, debounced, ignoring editor swap
//! and temporary files, the output folder and `.git`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache, new_debouncer_opt};

const DEBOUNCE: Duration = Duration::from_millis(50);

/// Keeps the watch alive while held.
///
/// Without a file-id cache: the debouncer's `FileIdMap` stats every file under the watched
/// folders at start and walks them again on rescans, to pair the two halves of a rename. We
/// only need "something changed", and on a 10k-record site that walk kept a core busy.
pub enum Watcher {
    Native(Debouncer<RecommendedWatcher, NoCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

/// Watches the sources of the site at `root` and calls `on_change` with the site-relative paths
/// (`/`-separated, sorted) of the sources that changed, once per debounced batch; with `None`
/// when the watcher may have missed changes since the last call (it lost events and asks for a
/// rescan, or reported an error), so that the rebuild looks at every file.
pub fn watch<F>(root: &Path, poll: bool, on_change: F) -> anyhow::Result<Watcher>
where
    F: Fn(Option<&[String]>) + Send + 'static,
{
    // Event paths are absolute: compared with a relative root such as the default `.`, none of
    // them would be a source and no save would rebuild.
    let root = root
        .canonicalize()
        .with_context(|| format!("watching {}", root.display()))?;
    let watched_root = root.clone();
    let missed = AtomicBool::new(false);
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else {
            missed.store(true, Ordering::Relaxed);
            return;
        };
        if events.iter().any(|e| e.need_rescan()) {
            missed.store(true, Ordering::Relaxed);
        }
        // Reading a file is an event too (inotify's open and close): a build reads every source,
        // so only changes count, or each build would trigger the next.
        let mut changed: Vec<String> = events
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Access(_) | EventKind::Other))
            .flat_map(|e| e.paths.iter())
            .filter(|p| is_source(&watched_root, p))
            .map(|p| crate::diagnostics::display_path(&watched_root, p))
            .collect();
        changed.sort();
        changed.dedup();
        if !changed.is_empty() {
            let missed = missed.swap(false, Ordering::Relaxed);
            on_change((!missed).then_some(&changed[..]));
        }
    };
    let config = notify::Config::default().with_poll_interval(Duration::from_millis(300));
    let mut watcher = if poll {
        Watcher::Poll(new_debouncer_opt(DEBOUNCE, None, handler, NoCache, config)?)
    } else {
        Watcher::Native(new_debouncer_opt(DEBOUNCE, None, handler, NoCache, config)?)
    };
    for target in targets(&root) {
        let mode = if target.is_dir() {
            RecursiveMode::Recursive
        } else {
            RecursiveMode::NonRecursive
        };
        let result = match &mut watcher {
            Watcher::Native(d) => d.watch(&target, mode),
            Watcher::Poll(d) => d.watch(&target, mode),
        };
        result.with_context(|| format!("watching {}", target.display()))?;
    }
    Ok(watcher)
}

/// The root itself is watched non-recursively (for site.yaml appearing or being replaced by an
/// editor's rename), plus content/ and themes/ recursively when they exist.
fn targets(root: &Path) -> Vec<PathBuf> {
    let mut targets = vec![root.to_path_buf()];
    for folder in ["content", "themes"] {
        let path = root.join(folder);
        if path.is_dir() {
            targets.push(path);
        }
    }
    targets
}

/// Whether a changed path is a source of the site (and not an editor's scratch file).
pub fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let Some(name) = relative.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let scratch = name.starts_with(".#")
        || name.starts_with('~')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name == ".DS_Store";
    let first = relative
        .components()
        .next()
        .and_then(|c| c.as_os_str().to_str());
    !scratch && (matches!(first, Some("content" | "themes")) || relative == Path::new("site.yaml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_scratch_files() {
        let root = Path::new("/site");
        let yes = [
            "content/customers/a.md",
            "themes/default/templates/base.html",
            "site.yaml",
            "content/customers/new",
        ];
        for p in yes {
            assert!(is_source(root, &root.join(p)), "{p}");
        }
        let no = [
            "content/customers/.a.md.swp",
            "content/customers/a.md~",
            "content/customers/4913",
            "content/customers/.#a.md",
            "content/customers/#a.md#",
            "public/index.html",
            ".git/index",
            "site.yaml.tmp",
        ];
        for p in no {
            assert!(!is_source(root, &root.join(p)), "{p}");
        }
        assert!(!is_source(root, Path::new("/elsewhere/site.yaml")));
    }
}
