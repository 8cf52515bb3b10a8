//! The four output formats of `dossier check`, snapshot-tested on a site with a dozen typical
//! editor mistakes (tests/fixtures/mistakes), through the real binary.

use assert_cmd::Command;

fn check(format: &str) -> (String, String, i32) {
    let site = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mistakes");
    let output = Command::cargo_bin("dossier")
        .expect("binary")
        .args(["check", "--root", site, "--format", format])
        .env_remove("NO_COLOR")
        .output()
        .expect("runs");
    (
        String::from_utf8(output.stdout).expect("utf-8"),
        String::from_utf8(output.stderr).expect("utf-8"),
        output.status.code().expect("exit code"),
    )
}

#[test]
fn concise() {
    let (stdout, stderr, code) = check("concise");
    insta::assert_snapshot!(stdout);
    assert_eq!(stderr, "checked 4 files: 16 errors, 0 warnings\n");
    assert_eq!(code, 1);
    assert!(
        !stdout.contains('\u{1b}'),
        "no colour when not on a terminal"
    );
}

#[test]
fn full() {
    let (stdout, _, code) = check("full");
    insta::assert_snapshot!(stdout);
    assert_eq!(code, 1);
}

#[test]
fn json() {
    let (stdout, _, code) = check("json");
    let parsed: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    insta::assert_json_snapshot!(parsed);
    assert_eq!(code, 1);
}

#[test]
fn github() {
    let (stdout, _, code) = check("github");
    insta::assert_snapshot!(stdout);
    assert!(
        stdout
            .lines()
            .all(|l| l.starts_with("::error file=") || l.starts_with("::warning file="))
    );
    assert_eq!(code, 1);
}
