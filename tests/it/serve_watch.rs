//! The preview's watcher: it rebuilds on save when started the way README says (from the site
//! folder, with the default `--root .`, or any relative root), and it survives a rebuild that
//! panics, showing the overlay and rebuilding on the next save.

use std::fs;
use std::path::Path;

use dossier::serve::{FirstPages, Preview, Rebuild, ServeOptions};

use crate::serve_e2e::{eventually, get, start_in};

const RECORD: &str = "content/customers/hangzhou-mingda.md";
const PAGE: &str = "/customers/hangzhou-mingda/";

/// A site made by `dossier init` in `<temp>/site`.
fn site_in_folder() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp");
    let site = dir.path().join("site");
    crate::cli::dossier()
        .arg("init")
        .arg(&site)
        .arg("-q")
        .assert()
        .code(0);
    (dir, site)
}

/// Saves the record under a new name and waits for its page to show it.
fn save_and_see_it(site: &Path, address: &str, name: &str) {
    let record = site.join(RECORD);
    let text = fs::read_to_string(&record).expect("record");
    let text = text.replacen("name: ", &format!("name: {name}"), 1);
    fs::write(&record, text).expect("save");
    eventually(address, PAGE, |page| page.contains(name));
}

#[test]
fn serve_from_the_site_folder_rebuilds_on_save() {
    let (_dir, site) = site_in_folder();
    // README: `dossier serve` in the site folder; --root is `.`.
    let server = start_in(&site, &[]);
    assert_eq!(get(&server.address, PAGE).0, 200);
    save_and_see_it(&site, &server.address, "第一次保存");
    save_and_see_it(&site, &server.address, "第二次保存");
}

#[test]
fn serve_with_a_relative_root_rebuilds_on_save() {
    let (dir, site) = site_in_folder();
    let server = start_in(dir.path(), &["--root", "site"]);
    save_and_see_it(&site, &server.address, "相对路径");
    let server = start_in(&site.join("content"), &["--root", ".."]);
    save_and_see_it(&site, &server.address, "上一级");
}

/// A stand-in build that panics while `content/page.txt` says PANIC, as a bug of dossier on
/// some input would.
fn build_or_panic(root: &Path) -> Rebuild {
    let text = fs::read_to_string(root.join("content/page.txt")).unwrap_or_default();
    if text.contains("PANIC") {
        panic!("injected failure for the test");
    }
    let mut files = dossier::serve::Files::new();
    files.insert(
        "index.html".into(),
        format!("<html><body><p>{text}</p></body></html>")
            .into_bytes()
            .into(),
    );
    Rebuild::Built(files)
}

fn preview_of(site: &Path) -> Preview {
    let root = site.to_path_buf();
    let options = ServeOptions {
        root: site.to_path_buf(),
        bind: "127.0.0.1".parse().expect("ip"),
        port: 0,
        poll: false,
        allowed_hosts: Vec::new(),
        limits: Default::default(),
    };
    Preview::start(&options, move |_: Option<&[String]>, _: &FirstPages| {
        build_or_panic(&root)
    })
    .expect("starts")
}

#[test]
fn a_rebuild_that_panics_shows_the_overlay_and_the_watcher_keeps_watching() {
    let site = tempfile::tempdir().expect("temp");
    fs::create_dir_all(site.path().join("content")).expect("content");
    let page = site.path().join("content/page.txt");
    fs::write(&page, "first").expect("page");
    let preview = preview_of(site.path());
    let address = preview.address.to_string();
    eventually(&address, "/", |p| p.contains("<p>first</p>"));

    fs::write(&page, "PANIC").expect("break");
    let broken = eventually(&address, "/", |p| p.contains("dossier-overlay"));
    assert!(
        broken.contains("<code>content/page.txt:1:1</code> <strong>error[E099]</strong> dossier failed while rebuilding after this change: injected failure for the test"),
        "{broken}"
    );
    assert!(broken.contains("<p>first</p>"), "the last good build stays");

    // The watcher is alive: the next saves rebuild.
    for text in ["second", "third"] {
        fs::write(&page, text).expect("fix");
        let fixed = eventually(&address, "/", |p| p.contains(&format!("<p>{text}</p>")));
        assert!(!fixed.contains("dossier-overlay"), "{fixed}");
    }
}

#[test]
fn a_first_build_that_panics_still_serves_the_overlay() {
    let site = tempfile::tempdir().expect("temp");
    fs::create_dir_all(site.path().join("content")).expect("content");
    let page = site.path().join("content/page.txt");
    fs::write(&page, "PANIC").expect("page");
    let preview = preview_of(site.path());
    let address = preview.address.to_string();
    let broken = eventually(&address, "/", |p| p.contains("dossier-overlay"));
    assert!(broken.contains("error[E099]"), "{broken}");
    fs::write(&page, "fixed").expect("fix");
    eventually(&address, "/", |p| {
        p.contains("<p>fixed</p>") && !p.contains("dossier-overlay")
    });
}
