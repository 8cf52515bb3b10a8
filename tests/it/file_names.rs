//! What `check` passes, `build` builds: values and file names that become file names in the
//! output. A tag, owner, region or industry of any length gets a page with a bounded,
//! hash-suffixed name; a record file named `..md` is a diagnostic of `check`, not a failure of
//! `build`.

use std::fs;

use crate::cli::{dossier, init_site};

#[test]
fn taxonomy_terms_longer_than_a_file_name_get_bounded_pages() {
    let site = init_site();
    let record = site.path().join("content/customers/hangzhou-mingda.md");
    let text = fs::read_to_string(&record).expect("record");
    // 300 bytes each, over the 255 a file name may have.
    let owner = "王".repeat(100);
    let region = "华东".repeat(50);
    let industry = "m".repeat(300);
    let tag = "重点客户".repeat(25);
    let text = text
        .replace("owner: 王磊", &format!("owner: {owner}"))
        .replace("region: 华东", &format!("region: {region}"))
        .replace("industry: 医药", &format!("industry: {industry}"))
        .replace("tags: [重点客户]", &format!("tags: [{tag}]"));
    fs::write(&record, text).expect("write");
    dossier()
        .args(["check", "--strict", "--root"])
        .arg(site.path())
        .assert()
        .code(0);
    dossier()
        .args(["build", "--root"])
        .arg(site.path())
        .assert()
        .code(0);
    let public = site.path().join("public");
    for (folder, term) in [
        ("owners", &owner),
        ("regions", &region),
        ("industries", &industry),
        ("tags", &tag),
    ] {
        let names: Vec<String> = fs::read_dir(public.join(folder))
            .expect("taxonomy folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n != "index.html")
            .collect();
        let long: Vec<&String> = names.iter().filter(|n| n.len() > 90).collect();
        assert_eq!(long.len(), 1, "{folder}: {names:?}");
        let name = long[0];
        assert!(name.len() <= 100, "{folder}: {} bytes", name.len());
        let (start, hash) = name.rsplit_once('-').expect("hash suffix");
        assert!(term.starts_with(start), "{folder}: {name}");
        assert_eq!(hash.len(), 16, "{folder}: {name}");
        let page = fs::read_to_string(public.join(folder).join(name).join("index.html"))
            .expect("term page");
        assert!(
            page.contains(term.as_str()),
            "{folder}: the page names the whole term"
        );
    }
}

#[test]
fn a_record_named_dot_dot_is_a_diagnostic_of_check_and_build() {
    let site = init_site();
    let customers = site.path().join("content/customers");
    let record = fs::read_to_string(customers.join("hangzhou-mingda.md")).expect("record");
    fs::write(customers.join("..md"), record.replace("KH-001", "KH-101")).expect("..md");
    fs::write(customers.join("...md"), record.replace("KH-001", "KH-102")).expect("...md");
    let expected = |name: &str| {
        format!("content/customers/{name}:1:1: error[E009] the file name gives no page address")
    };
    for command in ["check", "build"] {
        let output = dossier()
            .arg(command)
            .arg("--root")
            .arg(site.path())
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{command}: {stdout}");
        assert!(
            stdout.contains(&expected("..md")) && stdout.contains(&expected("...md")),
            "{command}: {stdout}"
        );
    }
    assert!(!site.path().join("public").exists(), "nothing was written");
}
