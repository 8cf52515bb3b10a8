//! Hostile and extreme record values end to end through the binary: tiny and huge numbers,
//! repeated headings, terminal escape sequences and spreadsheet formulas (issue 11).

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn dossier() -> Command {
    let mut cmd = Command::cargo_bin("dossier").expect("binary");
    cmd.env("NO_COLOR", "1");
    cmd.timeout(std::time::Duration::from_secs(300));
    cmd
}

/// A site with `site.yaml` and the given customer records (`name.md` → text).
fn site(records: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("site.yaml"),
        "title: T\nlanguage: en\nyear: 2025\n",
    )
    .expect("site.yaml");
    let customers = dir.path().join("content/customers");
    fs::create_dir_all(&customers).expect("customers");
    fs::create_dir_all(dir.path().join("content/playbooks")).expect("playbooks");
    for (name, text) in records {
        fs::write(customers.join(name), text).expect("record");
    }
    dir
}

fn active(id: &str, extra: &str) -> String {
    format!("---\nid: {id}\nname: N {id}\nstage: active\nowner: O\nsince: 2020-01-01\n{extra}---\n")
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(root: &Path, args: &[&str]) -> Run {
    let output = dossier()
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
    }
}

#[test]
fn a_subnormal_revenue_builds() {
    // 1e-323 is valid (≥ 0) and once made the chart ticks panic with "capacity overflow".
    let text = active("KH-1", "sales:\n  - {year: 2025, revenue: 1e-323}\n");
    let dir = site(&[("tiny.md", &text)]);
    let check = run(dir.path(), &["check"]);
    assert_eq!(check.code, Some(0), "{}", check.stderr);
    let build = run(dir.path(), &["build"]);
    assert_eq!(build.code, Some(0), "{}", build.stderr);
    let dashboard = fs::read_to_string(dir.path().join("public/index.html")).expect("dashboard");
    assert!(
        dashboard.contains("chart-bar"),
        "the revenue chart is drawn"
    );
}

#[test]
fn amounts_up_to_the_maximum_pass_and_beyond_it_are_refused() {
    let at = active(
        "KH-1",
        "sales:\n  - {year: 2025, revenue: 1000000000000000, gross_profit: -1000000000000000}\n",
    );
    let dir = site(&[("at.md", &at)]);
    let check = run(dir.path(), &["check"]);
    assert_eq!(check.code, Some(0), "{}{}", check.stdout, check.stderr);
    let build = run(dir.path(), &["build"]);
    assert_eq!(build.code, Some(0), "{}", build.stderr);

    let over = active(
        "KH-2",
        "sales:\n  - {year: 2025, revenue: 1000000000000000.5, gross_profit: 1e34}\n\
         payments:\n  - {due: 2025-01-31, amount: 1e35}\n",
    );
    let dir = site(&[("at.md", &at), ("over.md", &over)]);
    let check = run(dir.path(), &["check"]);
    assert_eq!(check.code, Some(1));
    let help = "(help: amounts are limited to ±1,000,000,000,000,000 (10^15) in the currency \
                unit: check for extra digits or a wrong exponent)";
    assert_eq!(
        check.stdout,
        [
            "content/customers/over.md:8:27: error[E029] sales[0].revenue must be at most 10^15 in absolute value, found 1000000000000000.5",
            "content/customers/over.md:8:61: error[E029] sales[0].gross_profit must be at most 10^15 in absolute value, found 1e34",
            "content/customers/over.md:10:31: error[E029] payments[0].amount must be at most 10^15 in absolute value, found 1e35",
        ]
        .map(|line| format!("{line} {help}\n"))
        .concat()
    );
    let build = run(dir.path(), &["build"]);
    assert_eq!(build.code, Some(1));
    assert!(!dir.path().join("public").exists());
}

#[test]
fn twenty_thousand_identical_headings_build_with_unique_ids() {
    // Each repeated heading once searched for its id from `same-1` up: quadratic, 101 s here.
    let body = "## same\n\n".repeat(20_000);
    let text = active("KH-1", "") + &body;
    let dir = site(&[("headings.md", &text)]);
    let build = run(dir.path(), &["build"]);
    assert_eq!(build.code, Some(0), "{}", build.stderr);
    let page = fs::read_to_string(dir.path().join("public/customers/headings/index.html"))
        .expect("dossier page");
    let ids: std::collections::BTreeSet<&str> = page
        .match_indices("<h2 id=\"")
        .map(|(i, m)| {
            let rest = &page[i + m.len()..];
            &rest[..rest.find('"').expect("closing quote")]
        })
        .filter(|id| id.starts_with("same"))
        .collect();
    assert_eq!(ids.len(), 20_000);
    assert!(ids.contains("same") && ids.contains("same-19999"));
}

/// A value that clears the screen and homes the cursor, fakes a clean check, writes the
/// clipboard (OSC 52), starts a CSI with the C1 byte, deletes, and reverses the line.
const HOSTILE: &str =
    "A\\e[2J\\e[Hchecked 1 file: no problems\\e]52;c;ZXZpbA==\\a\\x9b31m\\x7f\\u202eexe";
/// The same as dossier writes it on a terminal.
const HOSTILE_SHOWN: &str = "A\\u{1b}[2J\\u{1b}[Hchecked 1 file: no problems\\u{1b}]52;c;ZXZpbA==\\u{7}\\u{9b}31m\\u{7f}\\u{202e}exe";
/// The value itself.
const HOSTILE_VALUE: &str = "A\u{1b}[2J\u{1b}[Hchecked 1 file: no problems\u{1b}]52;c;ZXZpbA==\u{7}\u{9b}31m\u{7f}\u{202e}exe";

/// The characters a terminal would obey, other than line breaks.
fn obeyed(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| *c != '\n')
        .filter(|c| {
            c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

#[test]
fn check_shows_escape_sequences_of_values_and_file_names_in_every_format() {
    let text =
        format!("---\nid: KH-1\nname: N\nstage: \"{HOSTILE}\"\nowner: O\nsince: 2020-01-01\n---\n");
    let dir = site(&[("bad\u{1b}[2J.md", &text)]);
    let file_shown = "content/customers/bad\\u{1b}[2J.md";
    let message_shown = format!(
        "stage must be one of: prospect, qualified, active, lost, found \"{HOSTILE_SHOWN}\""
    );
    for format in ["concise", "full", "github", "json"] {
        let check = run(dir.path(), &["check", "--format", format]);
        assert_eq!(check.code, Some(1), "{format}");
        assert_eq!(
            obeyed(&check.stdout),
            Vec::<char>::new(),
            "{format}:\n{}",
            check.stdout
        );
        assert_eq!(
            obeyed(&check.stderr),
            Vec::<char>::new(),
            "{format}:\n{}",
            check.stderr
        );
        match format {
            "concise" => assert_eq!(
                check.stdout,
                format!("{file_shown}:4:8: error[E014] {message_shown}\n")
            ),
            "full" => {
                assert!(
                    check.stdout.contains(&format!("--> {file_shown}:4:8")),
                    "{}",
                    check.stdout
                );
                assert!(
                    check
                        .stdout
                        .contains(&format!("error[E014]: {message_shown}"))
                );
                // The source line shows the YAML escapes as written.
                assert!(check.stdout.contains(&format!("4 | stage: \"{HOSTILE}\"")));
            }
            "github" => assert_eq!(
                check.stdout,
                format!("::error file={file_shown},line=4,col=8,title=E014::{message_shown}\n")
            ),
            _ => {
                let json: serde_json::Value = serde_json::from_str(&check.stdout).expect("JSON");
                assert_eq!(json[0]["file"], "content/customers/bad\u{1b}[2J.md");
                assert_eq!(
                    json[0]["message"],
                    format!(
                        "stage must be one of: prospect, qualified, active, lost, found \"{HOSTILE_VALUE}\""
                    )
                );
            }
        }
    }
}

/// A valid record whose texts are hostile: terminal escapes, and spreadsheet formulas at the
/// start of a text and after a `;`, a tab and a CR.
fn hostile_site() -> tempfile::TempDir {
    let text = format!(
        "---\nid: KH-1\nname: \"{HOSTILE}\"\nstage: active\nowner: \"\\tO;=1+1\\r-2\"\n\
         since: 2020-01-01\nregion: \"=HYPERLINK(\\\"http://evil.example/\\\",\\\"x\\\")\"\n\
         sales:\n  - {{year: 2025, revenue: 100, target: 50, gross_profit: -12.5}}\n\
         complaints:\n  - {{opened: 2025-01-01, summary: \"@SUM(A1)\\e[2J\", severity: high}}\n---\n"
    );
    site(&[("hostile.md", &text)])
}

/// The owner as a guarded CSV field: a `'` before the tab, after the `;` and after the CR.
const OWNER_CSV: &str = "\"'\tO;'=1+1\r'-2\"";

#[test]
fn report_shows_escape_sequences_on_the_terminal_and_keeps_them_as_data() {
    let dir = hostile_site();
    let table = run(dir.path(), &["report", "all"]);
    assert_eq!(table.code, Some(0), "{}", table.stderr);
    assert_eq!(obeyed(&table.stdout), Vec::<char>::new());
    assert!(table.stdout.contains(HOSTILE_SHOWN), "{}", table.stdout);
    assert!(table.stdout.contains("@SUM(A1)\\u{1b}[2J"));

    // JSON writes what it would leave raw (DEL, C1, bidi) as \u escapes: the same document.
    for (section, name) in [
        ("all", "/customers/0/name"),
        ("complaints", "/sections/complaints/complaint_alerts/0/name"),
    ] {
        let json = run(dir.path(), &["report", section, "--format", "json"]);
        assert_eq!(obeyed(&json.stdout), Vec::<char>::new(), "{section}");
        assert!(json.stdout.contains("\\u001b[2J\\u001b[H"), "{section}");
        assert!(
            json.stdout.contains("\\u009b31m\\u007f\\u202eexe"),
            "{section}"
        );
        let value: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
        assert_eq!(
            value.pointer(name).and_then(|v| v.as_str()),
            Some(HOSTILE_VALUE)
        );
    }

    // Piped (not a terminal), CSV is data: the values as they are, formulas guarded.
    let csv = run(dir.path(), &["report", "complaints", "--format", "csv"]);
    assert!(
        csv.stdout.contains(&format!(
            "KH-1,{HOSTILE_VALUE},{OWNER_CSV},2025-01-01,unspecified,364,'@SUM(A1)\u{1b}[2J\n"
        )),
        "{:?}",
        csv.stdout
    );
}

#[test]
fn csv_text_cells_are_guarded_against_formulas_and_numbers_are_not() {
    let dir = hostile_site();
    let report = run(dir.path(), &["report", "rankings", "--format", "csv"]);
    assert_eq!(report.code, Some(0), "{}", report.stderr);
    // The margin −12.5 / 100 stays a number; no text cell starts a formula.
    assert!(
        report.stdout.contains(&format!(
            "rank,id,name,value,revenue,gross_profit\n1,KH-1,{HOSTILE_VALUE},-0.125,100.0,-12.5\n"
        )),
        "{}",
        report.stdout
    );
    let build = run(dir.path(), &["build"]);
    assert_eq!(build.code, Some(0), "{}", build.stderr);
    let customers = fs::read_to_string(dir.path().join("public/data/customers.csv")).expect("csv");
    let row = customers.lines().nth(1).expect("a row");
    assert!(
        row.starts_with(&format!("KH-1,{HOSTILE_VALUE},active,{OWNER_CSV},\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\",,,,end_customer,100.0,50.0,-12.5,2.0,,-0.125,")),
        "{row}"
    );
    let rankings = fs::read_to_string(dir.path().join("public/data/rankings.csv")).expect("csv");
    assert!(
        rankings.contains(&format!(
            "\r\nmargin,1,KH-1,{HOSTILE_VALUE},{OWNER_CSV},\"'=HYPERLINK("
        )),
        "{rankings}"
    );
    assert!(rankings.contains(",A,-0.125\r\n"), "{rankings}");
}

#[test]
fn the_preview_log_shows_escape_sequences() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let parent = tempfile::tempdir().expect("temp dir");
    let root = parent.path().join("site\u{1b}[2J");
    let invalid = format!("---\nid: KH-1\nname: N\nstage: \"{HOSTILE}\"\nowner: O\n---\n");
    let dir = site(&[("bad\u{1b}]52;c;eA==\u{7}.md", &invalid)]);
    fs::rename(dir.path(), &root).expect("move the site");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dossier"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().expect("stderr");
    // The log is read on a thread, so that a preview that never logs fails the test, not hangs it.
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let done = line.contains("still serving the last good build");
            let _ = lines.send(line);
            if done {
                break;
            }
        }
    });
    let mut log = Vec::new();
    while let Ok(line) = received.recv_timeout(std::time::Duration::from_secs(60)) {
        let done = line.contains("still serving the last good build");
        log.push(line);
        if done {
            break;
        }
    }
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("first line");
    let _ = child.kill();
    let _ = child.wait();
    let log = log.join("\n");
    assert_eq!(obeyed(&first), Vec::<char>::new(), "{first:?}");
    assert!(first.contains("site\\u{1b}[2J at http://"), "{first}");
    assert_eq!(obeyed(&log), Vec::<char>::new(), "{log:?}");
    assert!(
        log.contains(&format!(
            "content/customers/bad\\u{{1b}}]52;c;eA==\\u{{7}}.md:4:8: error[E014] stage must be one of: \
             prospect, qualified, active, lost, found \"{HOSTILE_SHOWN}\""
        )),
        "{log}"
    );
}

#[test]
fn a_site_yaml_that_is_not_utf8_is_a_diagnostic_at_its_first_bad_byte() {
    // Found by the fuzz target (tests/it/fuzz.rs): a config saved as GBK stopped `check` with
    // a bare I/O error and no place, unlike a record saved the same way.
    let dir = site(&[("a.md", &active("KH-1", ""))]);
    let mut config = b"title: T\nlanguage: en\nyear: 2025\nsubtitle: ".to_vec();
    config.extend_from_slice(&[0xBB, 0xAA, 0xB6, 0xAB, b'\n']); // 华东 in GBK
    fs::write(dir.path().join("site.yaml"), config).expect("site.yaml");
    let check = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(check.code, Some(1), "{}{}", check.stdout, check.stderr);
    assert!(
        check
            .stdout
            .contains("site.yaml:4:11: error[E001] the file is not valid UTF-8"),
        "{}",
        check.stdout
    );
}
