//! What `dossier build` may replace: only a folder that a build wrote (it holds the marker), an
//! empty or absent one, or a recognisable earlier build. Pointed anywhere else (the records, a
//! repository, the site or a folder above it, someone's files) it refuses with exit status 2
//! and touches nothing: every test compares the whole temporary folder before and after.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::cli::dossier;

/// A site in `<temp>/work/site` made by `dossier init`, with a sentinel file in every place a
/// build must not replace, and an unrelated file beside the site.
struct Place {
    _temp: tempfile::TempDir,
    /// `<temp>/work`, canonical.
    work: PathBuf,
    site: PathBuf,
}

fn place() -> Place {
    let temp = tempfile::tempdir().expect("temp");
    let work = temp.path().canonicalize().expect("canonical").join("work");
    let site = work.join("site");
    fs::create_dir_all(&work).expect("work");
    dossier().arg("init").arg(&site).arg("-q").assert().code(0);
    fs::write(site.join("content/sentinel.txt"), "records").expect("sentinel");
    fs::create_dir_all(site.join("themes/mine")).expect("themes");
    fs::write(site.join("themes/mine/sentinel.txt"), "theme").expect("sentinel");
    fs::write(work.join("beside.txt"), "unrelated").expect("beside");
    Place {
        _temp: temp,
        work,
        site,
    }
}

/// Every file and folder under `dir` (links not followed), with the contents of the files.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .map(|e| {
            let bytes = e
                .file_type()
                .is_file()
                .then(|| fs::read(e.path()).expect("read"));
            (e.path().to_path_buf(), bytes)
        })
        .collect()
}

/// Runs `dossier build` in `cwd` with `args`; asserts exit status 2, that nothing under
/// `place.work` changed, and returns standard error.
fn refused(place: &Place, cwd: &Path, args: &[&str]) -> String {
    let before = snapshot(&place.work);
    let stderr = build_in(cwd, args, 2);
    assert!(
        snapshot(&place.work) == before,
        "build {args:?} changed files; stderr: {stderr}"
    );
    assert_eq!(
        fs::read_to_string(place.site.join("content/sentinel.txt")).expect("sentinel"),
        "records"
    );
    stderr
}

#[test]
fn out_content_is_refused_and_every_record_survives() {
    let place = place();
    let stderr = refused(&place, &place.site, &["--out", "content"]);
    assert_eq!(
        stderr,
        format!(
            "error: refusing to write the site into content ({}): it is inside the site's content/ \
             folder\nhelp: choose a folder of its own for the output: `public` (the default), or \
             another new folder, with site.yaml `output_dir` or `--out`\n",
            place.site.join("content").display()
        )
    );
    // Through `..`, from another folder, and a folder below.
    let down = format!("{}/content/../content/customers", place.site.display());
    refused(&place, &place.work, &["--root", "site", "--out", &down]);
    refused(&place, &place.site, &["--out", "themes/mine"]);
}

#[test]
fn output_dir_content_in_site_yaml_is_refused() {
    let place = place();
    let config = place.site.join("site.yaml");
    let text = fs::read_to_string(&config).expect("site.yaml");
    assert!(text.contains("\noutput_dir: public\n"), "{text}");
    let text = text.replace("\noutput_dir: public\n", "\noutput_dir: content\n");
    fs::write(&config, text).expect("write");
    let stderr = refused(&place, &place.work, &["--root", "site"]);
    assert!(
        stderr.contains("it is inside the site's content/ folder"),
        "{stderr}"
    );
}

#[test]
fn out_git_with_uncommitted_work_is_refused() {
    let place = place();
    let git = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(&place.site)
        .status();
    if !git.is_ok_and(|s| s.success()) {
        // No git here: a repository's folder made by hand is the same to dossier.
        fs::create_dir_all(place.site.join(".git/objects")).expect(".git");
        fs::write(place.site.join(".git/HEAD"), "ref: refs/heads/main\n").expect("HEAD");
    }
    fs::write(place.site.join("content/draft.md"), "uncommitted work").expect("draft");
    let stderr = refused(&place, &place.site, &["--out", ".git"]);
    assert!(stderr.contains("it is inside a .git folder"), "{stderr}");
    refused(&place, &place.site, &["--out", ".git/refs"]);
    assert!(place.site.join(".git/HEAD").is_file());
}

#[test]
fn the_site_and_the_folders_above_it_are_refused() {
    let place = place();
    let stderr = refused(&place, &place.site, &["--out", ".."]);
    assert!(
        stderr.starts_with(&format!(
            "error: refusing to write the site into .. ({}): it holds the site's folder",
            place.work.display()
        )),
        "{stderr}"
    );
    refused(&place, &place.site, &["--out", "."]);
    refused(&place, &place.site, &["--out", "public/../.."]);
    let ancestor = place.work.parent().expect("parent").to_path_buf();
    refused(
        &place,
        &place.site,
        &["--out", &ancestor.display().to_string()],
    );
    refused(&place, &place.site, &["--out", "/"]);
    assert_eq!(
        fs::read_to_string(place.work.join("beside.txt")).expect("beside"),
        "unrelated"
    );
}

#[cfg(unix)]
#[test]
fn a_link_to_the_site_is_judged_by_where_it_leads() {
    let place = place();
    std::os::unix::fs::symlink(&place.site, place.work.join("link-to-site")).expect("link");
    let stderr = refused(&place, &place.site, &["--out", "../link-to-site"]);
    assert!(stderr.contains("it is the site's own folder"), "{stderr}");
    std::os::unix::fs::symlink("site/content", place.work.join("records")).expect("link");
    refused(&place, &place.site, &["--out", "../records"]);
}

#[test]
fn a_folder_of_someone_elses_files_is_refused() {
    let place = place();
    let mine = place.work.join("mine");
    fs::create_dir(&mine).expect("mine");
    fs::write(mine.join("notes.txt"), "keep me").expect("notes");
    let stderr = refused(&place, &place.site, &["--out", "../mine"]);
    assert!(
        stderr.contains("it already holds files, and no .dossier-build file in it says that a dossier build wrote them"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: choose a new or empty folder"),
        "{stderr}"
    );
    // A file is not a folder either.
    let stderr = refused(&place, &place.site, &["--out", "site.yaml"]);
    assert!(stderr.contains("it is a file, not a folder"), "{stderr}");
}

fn build(site: &Path, args: &[&str]) -> String {
    build_in(site, args, 0)
}

/// Runs `dossier build` in `cwd`; asserts its exit status and returns standard error.
fn build_in(cwd: &Path, args: &[&str], status: i32) -> String {
    let output = dossier()
        .current_dir(cwd)
        .arg("build")
        .args(args)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(status),
        "build {args:?}: {stderr}"
    );
    stderr
}

#[test]
fn a_marked_or_empty_folder_is_replaced_and_every_build_marks_its_output() {
    let place = place();
    build(&place.site, &[]);
    let marker = place.site.join("public/.dossier-build");
    let text = fs::read_to_string(&marker).expect("the marker");
    assert!(
        text.starts_with("This folder was written by `dossier build`"),
        "{text}"
    );
    fs::write(
        place.site.join("public/stale.html"),
        "from an earlier build",
    )
    .expect("stale");
    build(&place.site, &[]);
    assert!(marker.is_file());
    assert!(
        !place.site.join("public/stale.html").exists(),
        "a build replaces its output whole"
    );

    fs::create_dir(place.work.join("empty")).expect("empty");
    build(&place.site, &["--out", "../empty"]);
    assert!(place.work.join("empty/index.html").is_file());
}

#[test]
fn an_earlier_build_without_the_marker_is_replaced_with_a_note() {
    let place = place();
    build(&place.site, &[]);
    fs::remove_file(place.site.join("public/.dossier-build")).expect("unmark");
    let stderr = build(&place.site, &[]);
    assert!(
        stderr.contains("note: public held an earlier dossier build without a .dossier-build marker and was replaced"),
        "{stderr}"
    );
    assert!(place.site.join("public/.dossier-build").is_file());
    // With a file of the user's in it, it is not recognisable any more.
    fs::remove_file(place.site.join("public/.dossier-build")).expect("unmark");
    fs::write(place.site.join("public/CNAME"), "crm.example.com").expect("CNAME");
    let stderr = refused(&place, &place.site, &[]);
    assert!(stderr.contains("no .dossier-build file"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_linked_output_is_written_through_and_stays_a_link() {
    let place = place();
    let www = place.work.join("www");
    fs::create_dir(&www).expect("www");
    fs::write(www.join("other-site.txt"), "another site").expect("other");
    let link = place.site.join("public");
    std::os::unix::fs::symlink("../www/site-a", &link).expect("link");
    for round in 0..2 {
        let stderr = build(&place.site, &[]);
        assert!(
            stderr.contains(&format!("into public -> {}", www.join("site-a").display())),
            "round {round}: {stderr}"
        );
        assert!(
            fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink(),
            "round {round}: the link is still a link"
        );
        assert_eq!(
            fs::read_link(&link).expect("target"),
            Path::new("../www/site-a")
        );
        assert!(www.join("site-a/index.html").is_file());
        assert!(www.join("site-a/.dossier-build").is_file());
    }
    let mut beside: Vec<String> = fs::read_dir(&www)
        .expect("www")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert_eq!(
        beside,
        ["other-site.txt", "site-a"],
        "nothing left beside the target"
    );
}
