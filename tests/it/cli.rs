//! The binary end to end: exit statuses, `new` and `init`.

use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;

pub(crate) fn dossier() -> Command {
    let mut cmd = Command::cargo_bin("dossier").expect("binary");
    cmd.env("NO_COLOR", "1");
    cmd
}

fn repo() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

#[test]
fn the_example_site_checks_clean() {
    dossier()
        .args(["check", "--root", repo(), "--strict"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::is_match(r"^checked \d+ files: no problems\n$").expect("regex"));
}

#[test]
fn a_folder_that_is_not_a_site_is_a_usage_failure() {
    let empty = tempfile::tempdir().expect("temp");
    dossier()
        .args(["check", "--root"])
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no content/ folder"));
    dossier().args(["check", "--bogus"]).assert().code(2);
}

#[test]
fn a_missing_config_file_is_a_usage_failure() {
    let site = init_site();
    dossier()
        .args(["check", "--config", "nope.yaml", "--root"])
        .arg(site.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read the configuration"));
}

#[test]
fn warnings_fail_only_under_strict() {
    let site = init_site();
    let record = site.path().join("content/customers/hangzhou-mingda.md");
    let text = fs::read_to_string(&record).expect("record");
    let text = text.replace("gross_profit: 730000", "gross_profit: 9999999");
    fs::write(&record, text).expect("write");
    dossier()
        .args(["check", "--root"])
        .arg(site.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("warning[W032]"));
    dossier()
        .args(["check", "--strict", "--root"])
        .arg(site.path())
        .assert()
        .code(1);
}

pub(crate) fn init_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp");
    dossier().arg("init").arg(dir.path()).assert().code(0);
    dir
}

#[test]
fn init_makes_a_site_that_checks_clean_and_refuses_a_non_empty_folder() {
    let dir = init_site();
    dossier()
        .args(["check", "--strict", "--root"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout("");
    dossier()
        .arg("init")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not empty; use --force"));
    dossier()
        .arg("init")
        .arg(dir.path())
        .arg("--force")
        .assert()
        .code(0);
}

#[test]
fn new_customer_takes_the_next_id_and_never_overwrites() {
    let dir = init_site();
    dossier()
        .args([
            "new",
            "customer",
            "宁波港城化工有限公司",
            "--owner",
            "李娜",
            "--root",
        ])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout("created content/customers/kh-004.md\n");
    let path = dir.path().join("content/customers/kh-004.md");
    let text = fs::read_to_string(&path).expect("created");
    assert!(
        text.contains(
            "id: \"KH-004\"\nname: \"宁波港城化工有限公司\"\nstage: prospect\nowner: \"李娜\"\n"
        ),
        "{text}"
    );
    dossier()
        .args(["check", "--strict", "--root"])
        .arg(dir.path())
        .assert()
        .code(0);

    fs::write(&path, "edited by hand").expect("edit");
    dossier()
        .args([
            "new",
            "customer",
            "另一家",
            "--id",
            "KH-009",
            "--slug",
            "kh-004",
            "--root",
        ])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(fs::read_to_string(&path).expect("kept"), "edited by hand");
}

#[test]
fn new_customer_refuses_a_taken_or_invalid_id() {
    let dir = init_site();
    let run = |id: &str| {
        dossier()
            .args(["new", "customer", "X", "--id", id, "--root"])
            .arg(dir.path())
            .assert()
            .code(2)
    };
    run("KH-001").stderr(predicate::str::contains("already used"));
    run("KH 9").stderr(predicate::str::contains("not a valid id"));
}

#[test]
fn new_customer_refuses_a_name_that_exists_unless_forced() {
    let dir = init_site();
    // The same company written with a full-width space and parentheses is the same name.
    for name in ["杭州明达医疗器械有限公司", "杭州明达　医疗器械有限公司 "]
    {
        dossier()
            .args(["new", "customer", name, "--root"])
            .arg(dir.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "a customer named \"杭州明达医疗器械有限公司\" already exists: \
                 content/customers/hangzhou-mingda.md (id KH-001)",
            ));
    }
    assert_eq!(
        fs::read_dir(dir.path().join("content/customers"))
            .expect("customers")
            .count(),
        3,
        "nothing was created"
    );
    dossier()
        .args([
            "new",
            "customer",
            "杭州明达医疗器械有限公司",
            "--force",
            "--root",
        ])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout("created content/customers/kh-004.md\n");
}

#[test]
fn init_ignores_the_output_folder_in_git_and_keeps_an_existing_gitignore() {
    let dir = init_site();
    let ignore = fs::read_to_string(dir.path().join(".gitignore")).expect(".gitignore");
    for line in ["/public/", "/.public.tmp-*", "/.public.old-*"] {
        assert!(ignore.lines().any(|l| l == line), "{line} in:\n{ignore}");
    }

    let existing = tempfile::tempdir().expect("temp");
    fs::write(existing.path().join(".gitignore"), "*.log\n/public/\n").expect("write");
    dossier()
        .arg("init")
        .arg(existing.path())
        .arg("--force")
        .assert()
        .code(0);
    let ignore = fs::read_to_string(existing.path().join(".gitignore")).expect(".gitignore");
    assert!(ignore.starts_with("*.log\n/public/\n"), "kept:\n{ignore}");
    assert_eq!(ignore.matches("/public/\n").count(), 1, "{ignore}");
    assert!(ignore.contains("/.public.tmp-*\n"), "{ignore}");
}

#[test]
fn new_playbook_with_english_and_chinese_titles() {
    let dir = init_site();
    let new = |title: &str, expected: &str| {
        dossier()
            .args(["new", "playbook", title, "--root"])
            .arg(dir.path())
            .assert()
            .code(0)
            .stdout(format!("created {expected}\n"));
        assert!(dir.path().join(expected).is_file());
    };
    new("Annual Screening", "content/playbooks/annual-screening.md");
    new("年度 客户筛选", "content/playbooks/年度-客户筛选.md");
    dossier()
        .args(["check", "--strict", "--root"])
        .arg(dir.path())
        .assert()
        .code(0);
}

#[test]
fn a_broken_theme_override_fails_the_build_with_the_template_named() {
    let dir = init_site();
    dossier()
        .args(["build", "--root"])
        .arg(dir.path())
        .assert()
        .code(0);
    let before = fs::read(dir.path().join("public/index.html")).expect("built");
    let templates = dir.path().join("themes/default/templates");
    fs::create_dir_all(&templates).expect("dir");
    fs::write(
        templates.join("index.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n{% if %}\n{% endblock %}\n",
    )
    .expect("override");
    dossier()
        .args(["build", "--root"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "themes/default/templates/index.html:3:7: error[E070] template error: ",
        ))
        .stderr(predicate::str::contains("nothing was written"));
    assert_eq!(
        fs::read(dir.path().join("public/index.html")).expect("kept"),
        before
    );
}

#[test]
fn theme_errors_point_at_the_partial_or_translation_file_that_is_wrong() {
    let dir = init_site();
    let theme = dir.path().join("themes/default");
    fs::create_dir_all(theme.join("templates/partials")).expect("dir");
    fs::write(
        theme.join("templates/partials/customer_table.html"),
        "<table>\n  {{ no_such_value }}\n</table>\n",
    )
    .expect("override");
    dossier()
        .args(["build", "--root"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "themes/default/templates/partials/customer_table.html:2:6: error[E070] ",
        ));

    fs::remove_dir_all(theme.join("templates")).expect("rm");
    fs::create_dir_all(theme.join("i18n")).expect("dir");
    fs::write(theme.join("i18n/zh-CN.json"), "{\n  \"search\": 1\n}\n").expect("override");
    dossier()
        .args(["build", "--root"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "themes/default/i18n/zh-CN.json:2:13: error[E070] ",
        ))
        .stdout(predicate::str::contains("JSON object of strings"));
}

#[test]
fn build_refuses_invalid_content_and_keeps_the_previous_site() {
    let dir = init_site();
    dossier()
        .args(["build", "--root"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("built "));
    let before = fs::read(dir.path().join("public/index.html")).expect("built");
    fs::write(
        dir.path().join("content/customers/bad.md"),
        "---\nid: KH-9\nname: x\nstage: activ\nowner: o\n---\n",
    )
    .expect("bad");
    dossier()
        .args(["build", "--format", "github", "--root"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "::error file=content/customers/bad.md,line=4,col=8,title=E014::",
        ));
    assert_eq!(
        fs::read(dir.path().join("public/index.html")).expect("kept"),
        before
    );
}

/// site.yaml `theme:` names a folder of the site's themes/ folder; a path, or a link out of
/// themes/, would publish another folder's static/ (a private key, say).
#[test]
fn a_theme_outside_the_sites_themes_folder_is_refused() {
    let outside = tempfile::tempdir().expect("outside");
    let stolen = outside.path().join("stolen");
    fs::create_dir_all(stolen.join("static")).expect("static");
    fs::write(stolen.join("static/id_rsa"), "PRIVATE KEY").expect("key");
    let dir = init_site();
    let config = dir.path().join("site.yaml");
    let text = fs::read_to_string(&config).expect("site.yaml");
    let line = text
        .lines()
        .position(|l| l.starts_with("theme:"))
        .expect("a theme line")
        + 1;
    let with_theme = |theme: &str| {
        let replaced: Vec<String> = text
            .lines()
            .map(|l| {
                if l.starts_with("theme:") {
                    format!("theme: {theme}")
                } else {
                    l.to_string()
                }
            })
            .collect();
        fs::write(&config, replaced.join("\n") + "\n").expect("write");
    };
    let absolute = stolen.display().to_string();
    let relative = format!(
        "../{}/stolen",
        outside.path().file_name().expect("name").to_string_lossy()
    );
    for theme in [absolute.as_str(), relative.as_str()] {
        with_theme(theme);
        for command in ["check", "build"] {
            dossier()
                .arg(command)
                .arg("--root")
                .arg(dir.path())
                .assert()
                .code(1)
                .stdout(predicate::str::contains(format!(
                    "site.yaml:{line}:8: error[E014] theme must be the name of a folder in themes/, \
                     not a path, found \"{theme}\" (help: a theme is a folder in the site's themes/ folder"
                )));
        }
    }
    // A theme folder that is a link out of themes/.
    #[cfg(unix)]
    {
        fs::create_dir_all(dir.path().join("themes")).expect("themes");
        std::os::unix::fs::symlink(&stolen, dir.path().join("themes/linked")).expect("link");
        with_theme("linked");
        dossier()
            .args(["build", "--root"])
            .arg(dir.path())
            .assert()
            .code(1)
            .stdout(predicate::str::contains(format!(
                "site.yaml:{line}:8: error[E014] theme \"linked\" leads out of the site's themes/ \
                 folder, to {} (help: copy the theme into themes/linked/ instead of linking to it)",
                stolen.canonicalize().expect("canonical").display()
            )));
        assert!(!dir.path().join("public").exists(), "nothing was published");
        // A link inside a theme folder is not followed.
        let mine = dir.path().join("themes/mine/static");
        fs::create_dir_all(&mine).expect("theme");
        std::os::unix::fs::symlink(stolen.join("static/id_rsa"), mine.join("key")).expect("link");
        with_theme("mine");
        dossier()
            .args(["build", "--root"])
            .arg(dir.path())
            .assert()
            .code(0);
        assert!(dir.path().join("public/index.html").is_file());
        assert!(!dir.path().join("public/static/key").exists());
    }
}
