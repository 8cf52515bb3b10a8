//! A build killed at any moment (SIGKILL: no destructor, no cleanup) leaves the output folder
//! exactly as it was or exactly as the new build makes it, never a mix and never missing; and
//! what it leaves beside the output does not stop the next command, which repairs it.
//!
//! Two generated sites (`crate::corpus`) that differ on every page (another title) and in
//! their file list (one record renamed) are built in turn into one output folder; each build is
//! killed after a delay, from very early to the last moments of its write phase.

use crate::common;
use crate::corpus::{self, Style};

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Big enough that a debug build takes a second or two, with a long write phase.
const CUSTOMERS: usize = 300;

type Tree = BTreeMap<String, Vec<u8>>;

/// The files under `dir`, or `None` when it does not exist.
fn tree(dir: &Path) -> Option<Tree> {
    dir.exists().then(|| common::read_tree(dir))
}

/// Names in the output's parent folder other than the output itself: what killed builds left.
fn leftovers(out: &Path) -> Vec<String> {
    let name = out
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let mut names: Vec<String> = fs::read_dir(out.parent().expect("parent"))
        .expect("read parent")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| *n != name)
        .collect();
    names.sort();
    names
}

fn build_command(site: &Path, out: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.arg("build")
        .arg("--quiet")
        .arg("--root")
        .arg(site)
        .arg("--out")
        .arg(out)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Builds `site` into `out` to the end; returns how long it took.
fn build_fully(site: &Path, out: &Path) -> Duration {
    let start = Instant::now();
    let output = build_command(site, out).output().expect("runs");
    assert!(
        output.status.success(),
        "build of {} failed: {}",
        site.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    start.elapsed()
}

/// Two sites that differ on every page and in their file list.
fn two_sites(dir: &Path) -> (PathBuf, PathBuf) {
    let a = dir.join("site-a");
    let b = dir.join("site-b");
    for site in [&a, &b] {
        corpus::write_site(site, CUSTOMERS, 1, Style::Block).expect("corpus");
    }
    let config = b.join("site.yaml");
    let text = fs::read_to_string(&config).expect("site.yaml");
    let title = text
        .lines()
        .find(|l| l.starts_with("title:"))
        .expect("title");
    fs::write(&config, text.replacen(title, "title: 客户档案（改版）", 1)).expect("write");
    // A record renamed: a dossier folder that only the first site has, one only the second has.
    let record = corpus::customer_record(0, CUSTOMERS, 1, Style::Block);
    let from = b.join("content/customers").join(&record.path);
    let to = from.with_file_name("renamed-record.md");
    fs::rename(&from, &to).expect("rename");
    (a, b)
}

/// What a kill left.
#[derive(Debug, PartialEq)]
enum After {
    /// The build was killed before it touched the output folder or anything beside it.
    Untouched,
    /// The build was killed while writing its temporary tree: the output is the previous
    /// site, with the leftovers beside it.
    Interrupted(Vec<String>),
    /// The new site is in place (with, if killed while removing the previous one, what is left
    /// of that beside it).
    Replaced(Vec<String>),
}

/// When to kill a build.
#[derive(Clone, Copy, Debug)]
enum Kill {
    AfterStart(Duration),
    /// After its temporary tree appears beside the output.
    AfterWriteStarts(Duration),
    /// As soon as the new tree is complete and marked, the instant before the swap.
    WhenSwapping,
}

/// Polls until `seen` or until the build ends by itself (bounded: a minute).
fn wait_for(child: &mut std::process::Child, seen: impl Fn() -> bool) {
    let start = Instant::now();
    while !seen() && start.elapsed() < Duration::from_secs(60) {
        if child.try_wait().expect("status").is_some() {
            return;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

fn describe_mix(found: &Tree, previous: &Tree, next: &Tree) -> String {
    let from = |t: &Tree| found.iter().filter(|(p, b)| t.get(*p) == Some(*b)).count();
    format!(
        "{} files: {} as in the previous site ({} files), {} as in the new one ({} files)",
        found.len(),
        from(previous),
        previous.len(),
        from(next),
        next.len()
    )
}

#[test]
fn a_killed_build_leaves_the_previous_or_the_complete_new_site_never_a_mix() {
    let dir = tempfile::tempdir().expect("temp");
    let (site_a, site_b) = two_sites(dir.path());

    // The first site goes to the output folder, the complete tree of the second elsewhere.
    let out_parent = dir.path().join("served");
    fs::create_dir(&out_parent).expect("mkdir");
    let out = out_parent.join("public");
    build_fully(&site_a, &out);
    let took = build_fully(&site_b, &dir.path().join("reference"));
    let tree_a = tree(&out).expect("a");
    let tree_b = tree(&dir.path().join("reference")).expect("b");
    let changed = tree_a
        .iter()
        .filter(|(p, bytes)| tree_b.get(*p) != Some(*bytes))
        .count();
    assert!(
        changed * 10 > tree_a.len() * 9,
        "the two sites differ on most files ({changed} of {})",
        tree_a.len()
    );
    assert!(
        tree_a.keys().any(|p| !tree_b.contains_key(p))
            && tree_b.keys().any(|p| !tree_a.contains_key(p)),
        "each site has files the other lacks"
    );

    // Fixed delays from the start, points spread over the whole build, and kills timed from
    // the moment the build starts writing its temporary tree beside the output (polled), so
    // that some surely land mid-write whatever the speed of this machine.
    let mut kills: Vec<Kill> = [50, 200, 600]
        .map(|ms| Kill::AfterStart(Duration::from_millis(ms)))
        .to_vec();
    for fraction in [0.5, 0.9] {
        kills.push(Kill::AfterStart(took.mul_f64(fraction)));
    }
    for ms in [0, 20, 100, 300] {
        kills.push(Kill::AfterWriteStarts(Duration::from_millis(ms)));
    }
    kills.push(Kill::WhenSwapping);
    let mut current_is_a = true;
    let mut log = Vec::new();
    for kill in kills {
        let (previous, next, site) = if current_is_a {
            (&tree_a, &tree_b, &site_b)
        } else {
            (&tree_b, &tree_a, &site_a)
        };
        let mut child = build_command(site, &out).spawn().expect("spawn");
        let pid = child.id();
        let tmp = out_parent.join(format!(".public.tmp-{pid}"));
        match kill {
            Kill::AfterStart(delay) => std::thread::sleep(delay),
            Kill::AfterWriteStarts(delay) => {
                wait_for(&mut child, || tmp.exists());
                std::thread::sleep(delay);
            }
            Kill::WhenSwapping => wait_for(&mut child, || tmp.join(".dossier-build").exists()),
        }
        // SIGKILL; the build may already have finished, which is fine.
        let _ = child.kill();
        child.wait().expect("reaped");

        let left = leftovers(&out);
        // Leftovers of earlier rounds may still be there if this build died before its cleanup.
        let own: Vec<String> = left
            .iter()
            .filter(|n| n.ends_with(&format!("-{pid}")))
            .cloned()
            .collect();
        let after = match tree(&out) {
            Some(found) if &found == previous => {
                if own.is_empty() {
                    After::Untouched
                } else {
                    After::Interrupted(own)
                }
            }
            Some(found) if &found == next => {
                current_is_a = !current_is_a;
                After::Replaced(own)
            }
            Some(found) => panic!(
                "killed {kill:?}, the output is a mix: {}; beside it: {left:?}",
                describe_mix(&found, previous, next)
            ),
            None => panic!("killed {kill:?}, the output folder is missing; beside it: {left:?}"),
        };
        log.push(format!("{kill:?}: {after:?}"));
    }
    eprintln!("a build of {took:?}, killed: {log:#?}");
    assert!(
        log.iter().any(|l| l.contains("Interrupted")),
        "no kill landed while a build was writing; rounds: {log:#?}"
    );

    // The next build runs over whatever the kills left, succeeds, is complete, and cleans up.
    let (site, expected) = if current_is_a {
        (&site_b, &tree_b)
    } else {
        (&site_a, &tree_a)
    };
    build_fully(site, &out);
    assert!(
        tree(&out).as_ref() == Some(expected),
        "the build after the kills is complete; rounds: {log:#?}"
    );
    assert_eq!(
        leftovers(&out),
        Vec::<String>::new(),
        "no temporary folder is left beside the output; rounds: {log:#?}"
    );
}

/// The state a build killed between the two renames of its swap leaves where the file system
/// cannot exchange two folders in one step (the swap then takes two renames): no output folder,
/// the previous site whole under its `.old-` name, the new tree beside it. Its process is a
/// zombie here (killed, not yet reaped), which must not stop the repair. The next command,
/// even a `check`, puts the site back before anything else; the next build cleans up.
#[cfg(target_os = "linux")]
#[test]
fn a_swap_killed_between_its_renames_is_restored_by_the_next_command() {
    let dir = tempfile::tempdir().expect("temp");
    let site = dir.path().join("site");
    crate::corpus::write_site(&site, 20, 1, crate::corpus::Style::Block).expect("corpus");
    let out = site.join("public");
    build_fully(&site, &dir.path().join("reference"));
    build_fully(&site, &out);
    let published = tree(&out).expect("built");

    let mut zombie = Command::new("sleep").arg("600").spawn().expect("sleep");
    let pid = zombie.id();
    zombie.kill().expect("killed");
    // Not reaped until the end: its id stays taken, as a killed build's does until its parent
    // waits for it.
    let old = site.join(format!(".public.old-{pid}"));
    let tmp = site.join(format!(".public.tmp-{pid}"));
    fs::rename(&out, &old).expect("the first rename");
    fs::create_dir_all(tmp.join("customers")).expect("the new tree");
    fs::write(tmp.join("index.html"), "half").expect("half");

    let check = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["check", "--root"])
        .arg(&site)
        .env("NO_COLOR", "1")
        .output()
        .expect("check runs");
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "note: restored {} from {}",
            out.display(),
            old.display()
        )),
        "{stderr}"
    );
    assert!(
        tree(&out).as_ref() == Some(&published),
        "the previous site is back, byte for byte"
    );
    assert!(tmp.exists(), "check only puts back; it removes nothing");

    build_fully(&site, &out);
    assert!(tree(&out) == tree(&dir.path().join("reference")));
    let left: Vec<String> = leftovers(&out)
        .into_iter()
        .filter(|n| n.starts_with(".public."))
        .collect();
    assert_eq!(left, Vec::<String>::new(), "the build cleaned up");
    zombie.wait().expect("reaped");
}
