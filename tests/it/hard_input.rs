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
