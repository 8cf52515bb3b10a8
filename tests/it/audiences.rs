//! Audience builds leak nothing: the canary site (tests/fixtures/audiences) holds a marker in
//! every hideable field; each audience hides one group. For each audience site, no file (every
//! page, export and search-index shard, decompressed) holds a marker of a hidden group, nor a
//! value derived from it (a grade page, a grade column, a ranking page), and every marker of
//! the groups it may see is there, so the test fails both ways.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use super::cli::dossier;
use super::common::read_tree;

/// The markers of each group: one fact per line, with the ways it can be written (raw, with
/// thousands separators, a label). A fact is absent when none of its forms is there, present
/// when one is. A fact listed under two groups (a visit's note is a visit and a note) must be
/// absent when either is hidden.
const MARKERS: &[(&str, &[&[&str]])] = &[
    (
        "sales",
        &[
            &["7373737", "7,373,737"],
            &["6262627", "6,262,627"],
            &["8383837", "8,383,837"],
            &["1717177", "1,717,177"],
            &["4545457", "4,545,457"],
            &["3434347", "3,434,347"],
            &["1010107", "1,010,107"],
        ],
    ),
    (
        "credit",
        &[
            &["3131317", "3,131,317"],
            &["late_payments", "Late payments"],
        ],
    ),
    (
        "payments",
        &[
            &["INV-CANARY-PAYMENT"],
            &["INV-CANARY-UNPAID"],
            &["5353537", "5,353,537"],
            &["2727277", "2,727,277"],
            &["2025-06-11"],
            &["2025-08-29"],
            &["2025-11-13"],
        ],
    ),
    (
        "financials",
        &[
            &["4242427", "4,242,427"],
            &["2121217", "2,121,217"],
            &["919197", "919,197"],
            &["9696967", "9,696,967"],
            &["3939397", "3,939,397"],
        ],
    ),
    ("satisfaction", &[&["2025-03-17"]]),
    ("complaints", &[&["Complaintmarker"], &["2025-04-19"]]),
    (
        "visits",
        &[
            &["Vera Visitmarker"],
            &["2025-05-23"],
            &["Visitnotemarker"],
            // Next visit due: 2025-05-23 + 30 days (class A).
            &["2025-06-22"],
        ],
    ),
    (
        "contacts",
        &[&["Conrad Contactperson"], &["Noteworthy Contactnote"]],
    ),
    ("contacts.phone", &[&["139-7313-7313", "13973137313"]]),
    ("contacts.email", &[&["canary.mailbox@example.org"]]),
    (
        "notes",
        &[
            &["Notesbodymarker"],
            &["Noteworthy Contactnote"],
            &["Visitnotemarker"],
            &["Churnnotemarker"],
        ],
    ),
    ("history", &[&["Hestia Historian"], &["2024-07-07"]]),
];

/// What an audience's site must not have when it hides a group, besides the group's values:
/// pages whose existence tells, and derived facts.
fn derived_leaks(group: &str, files: &BTreeMap<String, String>) -> Vec<String> {
    let mut leaks = Vec::new();
    let mut no_path = |prefix: &str| {
        for path in files.keys().filter(|p| p.starts_with(prefix)) {
            leaks.push(format!("page {path} exists"));
        }
    };
    match group {
        "sales" => no_path("rankings/"),
        "credit" => {
            no_path("grades/");
            no_path("credit/");
        }
        "satisfaction" => no_path("satisfaction/"),
        _ => {}
    }
    // Headings and columns of a hidden group would stand empty or show zeros: no page has
    // them (the English labels of the canary site).
    let labels: &[&str] = match group {
        "sales" => &["Revenue lost", "Customer equity", "Revenue 2025"],
        "credit" => &["Credit grade"],
        "payments" => &["Outstanding", "Unpaid invoices"],
        "financials" => &["Financial statements"],
        "satisfaction" => &["Customer satisfaction index"],
        "complaints" => &["Open complaints"],
        "visits" => &["Overdue visits"],
        "contacts" => &["Decision chain"],
        _ => &[],
    };
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        for label in labels {
            if text.contains(label) {
                leaks.push(format!("{path} shows {label:?}"));
            }
        }
    }
    let text_leaks: &[&str] = match group {
        "credit" => &[
            "grade-AA",
            "data-grade",
            "/grades/",
            "\"grade\"",
            ",grade,",
            "\"grade\":\"",
            "credit_points",
        ],
        "sales" => &["/rankings/", ",revenue,", "\"revenue\""],
        "satisfaction" => &["/satisfaction/"],
        _ => &[],
    };
    // The theme's static files are the same in every audience's site (checked apart): their
    // code names every feature, which tells nothing about any record.
    for (path, text) in files.iter().filter(|(p, _)| !p.starts_with("static/")) {
        if path == "data/metrics.json" {
            continue;
        }
        for needle in text_leaks {
            if text.contains(needle) {
                leaks.push(format!("{path} contains {needle:?}"));
            }
        }
    }
    leaks
}

/// Every file of a site as text, gzip members decompressed; other compressed formats fail the
/// test (it could not read them).
fn texts(out: &Path) -> BTreeMap<String, String> {
    read_tree(out)
        .into_iter()
        .map(|(path, bytes)| {
            assert!(
                !path.ends_with(".br") && !path.ends_with(".zst"),
                "{path}: the canary test cannot read this compression"
            );
            let bytes = if path.ends_with(".gz") {
                let mut plain = Vec::new();
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_end(&mut plain)
                    .expect("gzip");
                plain
            } else {
                bytes
            };
            (path, String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}

fn git(site: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(args)
        .current_dir(site)
        .env("GIT_AUTHOR_NAME", "Hestia Historian")
        .env("GIT_AUTHOR_EMAIL", "hestia@example.org")
        .env("GIT_COMMITTER_NAME", "Hestia Historian")
        .env("GIT_COMMITTER_EMAIL", "hestia@example.org")
        .env("GIT_AUTHOR_DATE", "2024-07-07T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-07-07T10:00:00Z")
        .status()
        .is_ok_and(|s| s.success())
}

/// The canary site in a git repository of its own (for the history markers).
fn canary_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audiences");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.expect("walk");
        let to = dir
            .path()
            .join(entry.path().strip_prefix(&from).expect("under"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&to).expect("mkdir");
        } else {
            fs::copy(entry.path(), &to).expect("copy");
        }
    }
    assert!(
        git(dir.path(), &["init", "-q"])
            && git(dir.path(), &["add", "."])
            && git(dir.path(), &["commit", "-q", "-m", "canary"]),
        "git is needed for the history markers"
    );
    dir
}

fn hidden_groups(name: &str) -> BTreeSet<&'static str> {
    let group = name.strip_prefix("no-").map(|g| match g {
        "phone" => "contacts.phone",
        "email" => "contacts.email",
        other => MARKERS
            .iter()
            .map(|(g, _)| *g)
            .find(|g| *g == other)
            .expect("a group"),
    });
    let mut hidden: BTreeSet<&str> = group.into_iter().collect();
    if hidden.contains("contacts") {
        hidden.extend(["contacts.phone", "contacts.email"]);
    }
    hidden
}

/// The export is valid against the published schema, names its audience, and has null for
/// every key of a hidden group.
fn metrics_problems(text: &str, hidden: &BTreeSet<&str>) -> Vec<String> {
    let schema_text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/metrics.schema.json"))
            .expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("schema compiles");
    let doc: serde_json::Value = serde_json::from_str(text).expect("metrics JSON");
    let mut problems: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    let groups: Vec<dossier::audience::Group> = hidden
        .iter()
        .filter_map(|g| dossier::audience::Group::parse(g))
        .collect();
    let listed: BTreeSet<&str> = doc["audience"]["hidden"]
        .as_array()
        .map(|a| a.iter().filter_map(|g| g.as_str()).collect())
        .unwrap_or_default();
    if listed != *hidden {
        problems.push(format!("audience.hidden is {listed:?}"));
    }
    for (group, keys) in dossier::audience::CUSTOMER_KEYS {
        if !groups.contains(group) {
            continue;
        }
        for customer in doc["customers"].as_array().into_iter().flatten() {
            for key in *keys {
                if !customer[*key].is_null() {
                    problems.push(format!("{key} of {} is {}", customer["id"], customer[*key]));
                }
            }
        }
    }
    problems
}

#[test]
fn no_audience_site_holds_a_byte_of_what_it_hides() {
    let site = canary_site();
    let out = site.path().join("public");
    dossier()
        .args(["build", "--all-audiences", "--root"])
        .arg(site.path())
        .assert()
        .code(0);
    let audiences: Vec<String> = fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().into_string().expect("name"))
        .collect();
    assert_eq!(audiences.len(), 13, "{audiences:?}");
    let mut failures = Vec::new();
    for audience in &audiences {
        let files = texts(&out.join(audience));
        let hidden = hidden_groups(audience);
        let absent: BTreeSet<&[&str]> = MARKERS
            .iter()
            .filter(|(g, _)| hidden.contains(g))
            .flat_map(|(_, facts)| facts.iter().copied())
            .collect();
        for marker in absent.iter().flat_map(|forms| forms.iter()) {
            for (path, text) in &files {
                if text.contains(marker) {
                    failures.push(format!("{audience}: {path} holds {marker:?}"));
                }
            }
        }
        for group in &hidden {
            failures.extend(
                derived_leaks(group, &files)
                    .into_iter()
                    .map(|l| format!("{audience}: {l}")),
            );
        }
        let present = MARKERS
            .iter()
            .filter(|(g, _)| !hidden.contains(g))
            .flat_map(|(_, facts)| facts.iter().copied())
            .filter(|forms| !absent.contains(forms));
        for forms in present {
            let found = files
                .values()
                .any(|text| forms.iter().any(|form| text.contains(form)));
            if !found {
                failures.push(format!("{audience}: {forms:?} is missing, yet visible"));
            }
        }
        failures.extend(
            metrics_problems(&files["data/metrics.json"], &hidden)
                .into_iter()
                .map(|p| format!("{audience}: data/metrics.json: {p}")),
        );
        // A playbook that selects by grade lists no customer where credit is hidden.
        let by_grade = &files["playbooks/by-grade/index.html"];
        if hidden.contains("credit") == by_grade.contains("Canary Holdings") {
            failures.push(format!("{audience}: the grade playbook's list is wrong"));
        }
        for (path, text) in files.iter().filter(|(p, _)| p.starts_with("static/")) {
            let everyone = fs::read_to_string(out.join("everyone").join(path)).unwrap_or_default();
            if *text != everyone {
                failures.push(format!("{audience}: {path} differs from the full site's"));
            }
        }
        let footer = format!("{audience}</");
        if !files["index.html"].contains(&footer) {
            failures.push(format!("{audience}: the footer does not name the audience"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The canary site with `audiences:` replaced by `audiences` (YAML text after the key).
fn canary_with(audiences: &str) -> tempfile::TempDir {
    let site = canary_site();
    let path = site.path().join("site.yaml");
    let text = fs::read_to_string(&path).expect("site.yaml");
    let head = &text[..text.find("audiences:").expect("audiences")];
    fs::write(&path, format!("{head}audiences:{audiences}")).expect("write");
    site
}

fn run(site: &Path, args: &[&str]) -> (i32, String, String) {
    let output = dossier()
        .arg("--root")
        .arg(site)
        .args(args)
        .output()
        .expect("run");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn audience_settings_are_checked_at_their_line() {
    let site = canary_with(
        "\n  staff: {hide: [credti, contacts.fax]}\n  ../x: {hide: []}\n  sales: {hide: [sales], color: red}\n",
    );
    let (code, stdout, _) = run(site.path(), &["check"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "site.yaml:9:18: error[E014] unknown group \"credti\" in audiences.staff.hide[0] (help: did you mean `credit`?)\n\
         site.yaml:9:26: error[E014] unknown group \"contacts.fax\" in audiences.staff.hide[1] (help: hideable groups: sales, credit, payments, financials, satisfaction, complaints, visits, contacts, contacts.phone, contacts.email, notes, history)\n\
         site.yaml:10:3: error[E014] audience name \"../x\" cannot be a folder name of the output (help: use a plain name such as `staff` or `credit-team` (no `/`, `\\`, `:`, leading `.`))\n\
         site.yaml:11:26: error[E010] unknown field `audiences.sales.color` (help: known fields here: hide, base_url, withhold_lists)\n"
    );
}

#[test]
fn a_playbook_list_an_audience_cannot_see_is_warned_until_accepted() {
    let site = canary_with("\n  no-credit: {hide: [payments, credit]}\n");
    let (code, stdout, _) = run(site.path(), &["check", "--strict"]);
    assert_eq!(code, 1, "--strict refuses it");
    assert_eq!(
        stdout,
        "site.yaml:9:32: warning[W034] audience `no-credit` hides `credit`, which content/playbooks/by-grade.md selects its customers by (`applies_to.grades`): that audience's page of the playbook shows no customer list (help: select by what `no-credit` may see (stages, tags), or accept pages without their list: add `withhold_lists: true` to audiences.no-credit)\n"
    );
    let site = canary_with("\n  no-credit: {hide: [payments, credit], withhold_lists: true}\n");
    let (code, stdout, _) = run(site.path(), &["check", "--strict"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn unknown_audiences_and_hidden_report_sections_are_usage_errors() {
    let site = canary_site();
    let (code, _, stderr) = run(site.path(), &["build", "--audience", "nobody"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no audience named `nobody`: site.yaml defines: everyone, no-complaints"),
        "{stderr}"
    );
    assert!(!site.path().join("public").exists(), "nothing written");
    let (code, _, stderr) = run(
        site.path(),
        &["serve", "--audience", "nobody", "--port", "0"],
    );
    assert_eq!(code, 2, "the preview does not start: {stderr}");
    assert!(stderr.contains("no audience named `nobody`"), "{stderr}");
    let (code, _, stderr) = run(
        site.path(),
        &["report", "credit", "--audience", "no-credit"],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("audience `no-credit` hides `credit`: its report has no credit section"),
        "{stderr}"
    );
    let (code, stdout, _) = run(
        site.path(),
        &["report", "--audience", "no-credit", "--format", "json"],
    );
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(doc["audience"]["name"], "no-credit");
    assert!(doc["customers"][0]["grade"].is_null());
    assert_eq!(doc["customers"][0]["revenue"], 7373737.0);
    let (code, stdout, _) = run(site.path(), &["report", "--audience", "no-sales"]);
    assert_eq!(code, 0);
    assert!(
        !stdout.contains("7,373,737") && !stdout.contains("7373737"),
        "{stdout}"
    );
    assert!(stdout.contains("3,131,317"), "credit is there: {stdout}");

    let plain = canary_with("\n");
    fs::write(
        plain.path().join("site.yaml"),
        "title: Canary\nlanguage: en\nyear: 2025\n",
    )
    .expect("write");
    let (code, _, stderr) = run(plain.path(), &["build", "--all-audiences"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("site.yaml defines no `audiences`"),
        "{stderr}"
    );
}

#[test]
fn all_audiences_replace_a_whole_site_build_atomically() {
    let site = canary_site();
    let out = site.path().join("public");
    let (code, ..) = run(site.path(), &["build"]);
    assert_eq!(code, 0);
    assert!(out.join("customers/canary/index.html").is_file());
    let (code, ..) = run(site.path(), &["build", "--all-audiences"]);
    assert_eq!(code, 0);
    assert!(
        !out.join("customers").exists(),
        "the whole site is not left beside the audience folders"
    );
    assert!(out.join("no-credit/customers/canary/index.html").is_file());
    // A later failure leaves every audience site as it was.
    let before = read_tree(&out);
    fs::write(
        site.path().join("content/customers/broken.md"),
        "---\nid: X\n---\n",
    )
    .expect("write");
    let (code, ..) = run(site.path(), &["build", "--all-audiences"]);
    assert_eq!(code, 1);
    assert_eq!(read_tree(&out), before);
}

#[test]
fn serve_previews_one_audience() {
    let site = canary_site();
    let server = super::serve_e2e::start_in(site.path(), &["--audience", "no-credit"]);
    let home = super::serve_e2e::eventually(&server.address, "/", |page| {
        page.contains(r#"<strong class="audience">no-credit</strong>"#)
    });
    assert!(!home.contains("/grades/"), "no grade links");
    let (status, _) = super::serve_e2e::get(&server.address, "/grades/");
    assert_eq!(status, 404);
    let (status, dossier) = super::serve_e2e::get(&server.address, "/customers/canary/");
    assert_eq!(status, 200);
    assert!(!dossier.contains("3,131,317") && dossier.contains("7,373,737"));
}

/// The search index numbers its documents by address and ranks them by revenue in a column of
/// its own: a site without sales has no such column, and nothing else in its index follows
/// the revenue ranking.
#[test]
fn the_search_index_order_tells_no_hidden_revenue() {
    let site = canary_site();
    let (code, ..) = run(site.path(), &["build", "--all-audiences"]);
    assert_eq!(code, 0);
    let index = |audience: &str| texts(&site.path().join("public").join(audience));
    let card_order = |files: &BTreeMap<String, String>| -> Vec<&'static str> {
        let cards = files
            .iter()
            .find(|(path, text)| path.starts_with("search/") && text.contains("Plain Sparrow"))
            .map(|(_, text)| text.clone())
            .expect("a file with the cards");
        let mut names = ["Canary Holdings", "Lost Finch", "Plain Sparrow"];
        names.sort_by_key(|n| cards.find(n));
        names.to_vec()
    };
    let revenue_column = |files: &BTreeMap<String, String>| -> Option<String> {
        files
            .iter()
            .find(|(path, _)| path.starts_with("search/") && path.contains("/s/revenue-"))
            .map(|(_, text)| text.clone())
    };
    let everyone = index("everyone");
    let by_address = ["Canary Holdings", "Lost Finch", "Plain Sparrow"];
    assert_eq!(card_order(&everyone), by_address);
    // Canary first, then Plain Sparrow, then Lost Finch, then the two playbooks (numbered by
    // kind and address).
    assert_eq!(revenue_column(&everyone).as_deref(), Some("[0,2,1,3,4]"));
    let no_sales = index("no-sales");
    assert_eq!(card_order(&no_sales), by_address);
    assert_eq!(revenue_column(&no_sales), None);
}
