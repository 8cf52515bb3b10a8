//! `dossier report` on the example site: the whole report is snapshot-tested, so any change in
//! any number shows up in review.

use assert_cmd::Command;

fn report(args: &[&str]) -> String {
    let output = Command::cargo_bin("dossier")
        .expect("binary")
        .args(["report", "--root", env!("CARGO_MANIFEST_DIR")])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

#[test]
fn report_all_table() {
    insta::assert_snapshot!(report(&["all"]));
}

#[test]
fn report_all_json_is_the_metrics_document() {
    let text = report(&["all", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(value["year"], 2025);
    assert_eq!(value["as_of"], "2025-12-31");
    insta::assert_json_snapshot!(value);
}

#[test]
fn filters_and_as_of() {
    let east = report(&[
        "rankings", "--region", "华东", "--top", "3", "--format", "csv",
    ]);
    insta::assert_snapshot!(east);
    let earlier = report(&[
        "retention",
        "--as-of",
        "2024-12-31",
        "--year",
        "2024",
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&earlier).expect("JSON");
    let years = value["sections"]["retention"]["retention"]
        .as_array()
        .expect("years");
    let last = years.last().expect("a year");
    // 2024 in the example: 25 customers at the start, 4 new, 3 lost, one of them (KH-028) new
    // and lost within the year. Material's rate (26 − 4) / 25 = 0.88; cohort (25 − 2) / 25 = 0.92.
    assert_eq!(last["year"], 2024, "the report ends at the reporting year");
    assert_eq!(
        (&last["start"], &last["new"], &last["lost"], &last["end"]),
        (&25.into(), &4.into(), &3.into(), &26.into())
    );
    assert_eq!(last["rate"], 0.88);
    assert_eq!(last["cohort_rate"], 0.92);
}

#[test]
fn invalid_content_is_refused() {
    let dir = tempfile::tempdir().expect("temp");
    Command::cargo_bin("dossier")
        .expect("binary")
        .arg("init")
        .arg(dir.path())
        .assert()
        .code(0);
    std::fs::write(
        dir.path().join("content/customers/x.md"),
        "---\nid: KH-9\n---\n",
    )
    .expect("bad");
    Command::cargo_bin("dossier")
        .expect("binary")
        .args(["report", "--root"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicates::str::contains("report refused"));
}
