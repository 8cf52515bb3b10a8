//! Build tests on the `dossier init` sample site: determinism, atomicity, hostile input.

use super::*;
use std::collections::BTreeMap;
use std::fs;

/// A site made of the `dossier init` sample records.
fn sample_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let scaffold = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli/scaffold");
    fs::copy(scaffold.join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    for collection in ["customers", "playbooks"] {
        let to = dir.path().join("content").join(collection);
        fs::create_dir_all(&to).unwrap();
        for entry in fs::read_dir(scaffold.join(collection)).unwrap() {
            let entry = entry.unwrap();
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
    dir
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

fn built(outcome: Outcome) -> Summary {
    match outcome {
        Outcome::Built(s) => s,
        Outcome::Invalid(c) => panic!("invalid: {:?}", c.report.diagnostics()),
    }
}

#[test]
fn builds_deterministically_and_atomically() {
    let site = sample_site();
    let out = site.path().join("public");
    let summary = built(build(site.path(), &BuildOptions::default()).unwrap());
    assert!(summary.pages >= 7, "{summary:?}");
    let first = tree(&out);
    assert!(first.contains_key("index.html"));
    assert!(first.contains_key("customers/index.html"));
    assert!(first.contains_key("customers/hangzhou-mingda/index.html"));
    assert!(first.contains_key("404.html"));
    assert!(first.contains_key("static/style.css"));
    let dossier = String::from_utf8(first["customers/hangzhou-mingda/index.html"].clone()).unwrap();
    assert!(dossier.contains("杭州明达医疗器械有限公司"));
    assert!(dossier.contains("chart-sales"));

    // Two builds of the same inputs are byte-identical.
    built(build(site.path(), &BuildOptions::default()).unwrap());
    assert_eq!(tree(&out), first);

    // A build with an invalid record writes nothing and leaves the output as it was.
    fs::write(
        site.path().join("content/customers/broken.md"),
        "---\nid: KH-X\nname: x\nstage: nonsense\nowner: o\n---\n",
    )
    .unwrap();
    assert!(matches!(
        build(site.path(), &BuildOptions::default()).unwrap(),
        Outcome::Invalid(_)
    ));
    assert_eq!(tree(&out), first);
}

#[test]
fn hostile_names_render_inert() {
    let site = sample_site();
    let path = site.path().join("content/customers/hangzhou-mingda.md");
    let text = fs::read_to_string(&path).unwrap().replacen(
        "name: 杭州明达医疗器械有限公司",
        "name: \"<script>alert(1)</script>\"",
        1,
    ) + "\n<img src=x onerror=alert(1)>\n";
    fs::write(&path, text).unwrap();
    built(build(site.path(), &BuildOptions::default()).unwrap());
    for (name, bytes) in tree(&site.path().join("public")) {
        if name.ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            assert!(!html.contains("<script>alert"), "{name}");
            assert!(!html.contains("<img src=x"), "{name}");
        }
    }
}

#[test]
fn every_page_renders_in_english_too() {
    let site = sample_site();
    let config = site.path().join("site.yaml");
    let text = fs::read_to_string(&config)
        .unwrap()
        .replacen("language: zh-CN", "language: en", 1);
    fs::write(&config, text).unwrap();
    built(build(site.path(), &BuildOptions::default()).unwrap());
    let home = String::from_utf8(fs::read(site.path().join("public/index.html")).unwrap()).unwrap();
    assert!(home.contains("<html lang=\"en\">"), "{home}");
    assert!(home.contains(">Customers</a>"), "{home}");
}
