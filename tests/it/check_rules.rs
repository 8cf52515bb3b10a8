//! One fixture per validation rule: the exact codes, lines and columns, as `dossier check`
//! prints them in its concise format. Fixtures live in tests/fixtures/{rules,config}; the
//! expected output is the snapshot beside this file (review it with `cargo insta review`).

use std::fs;
use std::path::{Path, PathBuf};

use dossier::diagnostics::{Code, Format, RenderOptions, render};
use dossier::validate::check_site;

const MINIMAL_CONFIG: &str = "title: T\nyear: 2025\n";

fn fixtures(folder: &str, extension: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(folder);
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    files
}

/// Checks a one-file site and renders its diagnostics the way `dossier check` does.
fn check_one(config: &str, record: Option<(&str, &[u8])>) -> String {
    let site = tempfile::tempdir().expect("temp dir");
    fs::write(site.path().join("site.yaml"), config).expect("site.yaml");
    fs::create_dir_all(site.path().join("content/customers")).expect("content");
    fs::create_dir_all(site.path().join("content/playbooks")).expect("content");
    if let Some((relative, bytes)) = record {
        fs::write(site.path().join(relative), bytes).expect("record");
    }
    let checked = check_site(site.path(), None).expect("check runs");
    let options = RenderOptions {
        format: Format::Concise,
        color: false,
    };
    render(&checked.report, &checked.sources, options)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .expect("utf-8 name")
        .to_string()
}

#[test]
fn every_record_rule_reports_its_code_line_and_column() {
    for path in fixtures("rules", "md") {
        let name = stem(&path);
        let folder = if name.starts_with("playbook-") {
            "playbooks"
        } else {
            "customers"
        };
        let relative = format!("content/{folder}/{name}.md");
        let bytes = fs::read(&path).expect("fixture");
        let output = check_one(MINIMAL_CONFIG, Some((&relative, &bytes)));
        insta::assert_snapshot!(name.clone(), output);
        // Each fixture is named after the codes it must produce.
        for code in name.split('-').filter(|p| is_code(p)) {
            assert!(
                output.contains(&format!("[{code}]")),
                "{name}: no {code} in\n{output}"
            );
        }
    }
}

#[test]
fn every_config_rule_reports_its_code_line_and_column() {
    for path in fixtures("config", "yaml") {
        let name = stem(&path);
        let config = fs::read_to_string(&path).expect("fixture");
        let record = "---\nid: KH-1\nname: N\nstage: prospect\nowner: O\n---\n";
        let output = check_one(&config, Some(("content/customers/a.md", record.as_bytes())));
        insta::assert_snapshot!(format!("config-{name}"), output);
        for code in name.split('-').filter(|p| is_code(p)) {
            assert!(
                output.contains(&format!("[{code}]")),
                "{name}: no {code} in\n{output}"
            );
        }
    }
}

fn is_code(part: &str) -> bool {
    part.len() == 4
        && (part.starts_with('E') || part.starts_with('W'))
        && part[1..].chars().all(|c| c.is_ascii_digit())
}

#[test]
fn invalid_utf8_is_positioned_at_the_first_bad_byte() {
    let bytes = b"---\nid: KH-1\nname: \xd6\xd0\xce\xc4\n---\n";
    let output = check_one(MINIMAL_CONFIG, Some(("content/customers/gbk.md", bytes)));
    assert_eq!(
        output,
        "content/customers/gbk.md:3:7: error[E001] the file is not valid UTF-8 (help: save the file as UTF-8 (not GBK or GB2312))\n"
    );
}

#[test]
fn utf16_is_named_as_such() {
    let text = "---\nid: KH-1\n---\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let output = check_one(MINIMAL_CONFIG, Some(("content/customers/u16.md", &bytes)));
    assert_eq!(
        output,
        "content/customers/u16.md:1:1: error[E001] the file is not valid UTF-8 (help: save the file as UTF-8 (it is UTF-16, which some editors call Unicode))\n"
    );
}

#[test]
fn oversized_file_is_refused_without_reading_it() {
    let big = vec![b'a'; 5 * 1024 * 1024 + 1];
    let output = check_one(MINIMAL_CONFIG, Some(("content/customers/big.md", &big)));
    assert!(
        output.starts_with("content/customers/big.md:1:1: error[E007] file is 5242881 bytes"),
        "{output}"
    );
}

#[test]
fn file_names_that_give_no_page_address() {
    let record = b"---\nid: KH-1\nname: N\nstage: prospect\nowner: O\n---\n";
    for name in ["..md", "...md", "east/..md"] {
        let site = tempfile::tempdir().expect("temp dir");
        fs::write(site.path().join("site.yaml"), MINIMAL_CONFIG).expect("site.yaml");
        let path = site.path().join("content/customers").join(name);
        fs::create_dir_all(path.parent().expect("folder")).expect("content");
        fs::write(&path, record).expect("record");
        let checked = check_site(site.path(), None).expect("check runs");
        let options = RenderOptions {
            format: Format::Concise,
            color: false,
        };
        assert_eq!(
            render(&checked.report, &checked.sources, options),
            format!(
                "content/customers/{name}:1:1: error[E009] the file name gives no page address: a \
                 record's page is named after its file, and `.` or `..` is no name (help: rename \
                 the file after the record, with letters or digits (`hangzhou-huadong.md`))\n"
            )
        );
    }
}

#[test]
fn duplicate_ids_across_files_name_the_first_file() {
    let site = tempfile::tempdir().expect("temp dir");
    fs::write(site.path().join("site.yaml"), MINIMAL_CONFIG).expect("config");
    let dir = site.path().join("content/customers");
    fs::create_dir_all(dir.join("east")).expect("dir");
    let record = "---\nid: KH-7\nname: N\nstage: prospect\nowner: O\n---\n";
    fs::write(dir.join("b.md"), record).expect("b");
    fs::write(dir.join("east/a.md"), record).expect("a");
    fs::write(dir.join("c.md"), record.replace("KH-7", "kh-7")).expect("c: ids are case-sensitive");
    let checked = check_site(site.path(), None).expect("check runs");
    let found: Vec<String> = checked
        .report
        .diagnostics()
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {} {}",
                d.file, d.line, d.column, d.code, d.message
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "content/customers/east/a.md:2:5 E020 id \"KH-7\" is already used by content/customers/b.md"
        ]
    );
}

#[test]
fn duplicate_ids_are_found_in_records_that_have_other_errors() {
    // "Every problem in one run": a record whose stage or name is wrong still claims its id.
    let site = tempfile::tempdir().expect("temp dir");
    fs::write(site.path().join("site.yaml"), MINIMAL_CONFIG).expect("config");
    let dir = site.path().join("content/customers");
    fs::create_dir_all(&dir).expect("dir");
    let record = "---\nid: KH-7\nname: N\nstage: prospect\nowner: O\n---\n";
    fs::write(dir.join("a.md"), record.replace("prospect", "prospekt")).expect("a");
    fs::write(dir.join("b.md"), record).expect("b");
    fs::write(dir.join("c.md"), record.replace("name: N\n", "")).expect("c");
    let checked = check_site(site.path(), None).expect("check runs");
    let options = RenderOptions {
        format: Format::Concise,
        color: false,
    };
    let output = render(&checked.report, &checked.sources, options);
    let found: Vec<&str> = output
        .lines()
        .map(|line| line.split(" (help").next().unwrap_or(line))
        .collect();
    assert_eq!(
        found,
        [
            "content/customers/a.md:4:8: error[E014] stage must be one of: prospect, qualified, active, lost, found \"prospekt\"",
            "content/customers/b.md:2:5: error[E020] id \"KH-7\" is already used by content/customers/a.md",
            "content/customers/c.md:2:1: error[E011] missing required field `name`",
            "content/customers/c.md:2:5: error[E020] id \"KH-7\" is already used by content/customers/a.md",
        ]
    );
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_and_loops_are_diagnostics() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("outside");
    fs::write(outside.path().join("secret.md"), "---\nid: X\n---\n").expect("secret");
    let site = tempfile::tempdir().expect("site");
    fs::write(site.path().join("site.yaml"), MINIMAL_CONFIG).expect("config");
    let customers = site.path().join("content/customers");
    fs::create_dir_all(&customers).expect("dir");
    symlink(outside.path().join("secret.md"), customers.join("leak.md")).expect("link");
    symlink(&customers, customers.join("loop")).expect("loop");
    let checked = check_site(site.path(), None).expect("check runs");
    let codes: Vec<(String, Code)> = checked
        .report
        .diagnostics()
        .iter()
        .map(|d| (d.file.clone(), d.code))
        .collect();
    assert_eq!(
        codes,
        [
            ("content/customers/leak.md".to_string(), Code::Unreadable),
            ("content/customers/loop".to_string(), Code::Unreadable),
        ]
    );
}

#[test]
fn every_code_has_a_test() {
    let mut covered: Vec<String> = fixtures("rules", "md")
        .iter()
        .chain(fixtures("config", "yaml").iter())
        .flat_map(|p| {
            stem(p)
                .split('-')
                .filter(|s| is_code(s))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    // Covered by the dedicated tests above.
    // E099, a panic in a preview rebuild: tests/it/serve_watch.rs; W034: tests/it/audiences.rs.
    covered.extend(
        [
            "E001", "E007", "E008", "E009", "E020", "E070", "E099", "W034",
        ]
        .map(String::from),
    );
    for code in Code::ALL {
        assert!(
            covered.iter().any(|c| c == code.as_str()),
            "no test for {code}"
        );
    }
}

#[test]
fn every_code_is_documented() {
    let docs = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
        .expect("docs/errors.md");
    for code in Code::ALL {
        assert!(
            docs.contains(&format!("\n## {code}\n")),
            "docs/errors.md lacks {code}"
        );
        assert!(
            docs.contains(code.summary()),
            "docs/errors.md lacks the summary of {code}"
        );
    }
}
