//! The generator of benchmark sites (`gen-corpus`, included as `crate::corpus`): every style
//! passes `dossier check` clean, gives the same customers, is deterministic, and the mixed
//! style really carries the forms it promises.

use std::path::Path;

use dossier::model::{Customer, Playbook};
use dossier::validate::check_site;

use crate::corpus::{self, Generator, Style};

const COUNT: usize = 300;

fn generated(style: Style) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    corpus::write_site(dir.path(), COUNT, 1, style).unwrap();
    dir
}

/// A customer as its data: without where the file lives, the line its body starts on (comments
/// and blank lines move it) and the body's line endings (CRLF files).
fn data_of_customer(customer: &Customer) -> Customer {
    let mut customer = customer.clone();
    customer.source.absolute = Default::default();
    customer.body = customer.body.replace("\r\n", "\n");
    customer.body_line = 0;
    customer
}

fn data_of_playbook(playbook: &Playbook) -> Playbook {
    let mut playbook = playbook.clone();
    playbook.source.absolute = Default::default();
    playbook.body_line = 0;
    playbook
}

#[test]
fn every_style_checks_clean_and_gives_the_same_customers() {
    let mut first: Option<(Vec<Customer>, Vec<Playbook>)> = None;
    for style in Style::ALL {
        let dir = generated(style);
        let checked = check_site(dir.path(), None).unwrap();
        let diagnostics = checked.report.diagnostics();
        assert!(
            diagnostics.is_empty(),
            "{style}: {} diagnostics, first: {:?}",
            diagnostics.len(),
            &diagnostics[..diagnostics.len().min(3)]
        );
        let customers: Vec<Customer> = checked
            .site
            .customers
            .iter()
            .map(|c| data_of_customer(c))
            .collect();
        let playbooks: Vec<Playbook> = checked
            .site
            .playbooks
            .iter()
            .map(data_of_playbook)
            .collect();
        assert_eq!(customers.len(), COUNT);
        assert_eq!(playbooks.len(), 8);
        let stages: std::collections::BTreeSet<_> = customers.iter().map(|c| c.stage).collect();
        assert_eq!(stages.len(), 4, "{style}: every stage occurs");
        assert!(
            customers.iter().any(|c| c.name.is_ascii()),
            "some English names"
        );
        assert!(
            customers.iter().any(|c| c
                .visits
                .iter()
                .any(|v| v.note.as_deref().is_some_and(|n| n.contains("\n\n")))),
            "some visit notes have paragraphs"
        );
        assert!(
            customers.iter().any(|c| c.body.contains("\n### ")),
            "some long notes"
        );
        match &first {
            None => first = Some((customers, playbooks)),
            Some((block_customers, block_playbooks)) => {
                for (a, b) in block_customers.iter().zip(&customers) {
                    assert_eq!(a, b, "{style}: {}", b.source.path);
                }
                assert_eq!(block_playbooks, &playbooks, "{style}");
            }
        }
    }
}

fn files(root: &Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let path = e.path().strip_prefix(root).unwrap().display().to_string();
            (path, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn same_seed_same_bytes() {
    for style in Style::ALL {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        corpus::write_site(a.path(), 30, 9, style).unwrap();
        corpus::write_site(b.path(), 30, 9, style).unwrap();
        assert_eq!(files(a.path()), files(b.path()), "{style}");
        let other = tempfile::tempdir().unwrap();
        corpus::write_site(other.path(), 30, 10, style).unwrap();
        assert_ne!(files(a.path()), files(other.path()), "{style}");
    }
}

/// The mixed style writes every form it promises, in some of its files.
#[test]
fn the_mixed_style_carries_every_form() {
    let texts: Vec<String> = (0..COUNT)
        .map(|i| corpus::customer_record(i, COUNT, 1, Style::Mixed).text)
        .collect();
    let count = |test: &dyn Fn(&str) -> bool| texts.iter().filter(|t| test(t)).count();
    type Test<'f> = &'f dyn Fn(&str) -> bool;
    let forms: [(&str, Test); 16] = [
        ("BOM", &|t| t.starts_with('\u{feff}')),
        ("CRLF", &|t| t.contains("\r\n")),
        ("LF only", &|t| !t.contains('\r')),
        ("anchor", &|t| t.contains(": &")),
        ("alias", &|t| t.contains(": *")),
        ("comment line", &|t| t.lines().any(|l| l.starts_with("# "))),
        ("trailing comment", &|t| t.contains("  # ")),
        ("single-quoted", &|t| t.contains(": '")),
        ("double-quoted", &|t| t.contains(": \"")),
        ("literal block", &|t| t.contains(": |-")),
        ("folded block", &|t| t.contains(": >-")),
        ("flow over lines", &|t| {
            t.contains(": [\n") || t.contains(": [\r\n")
        }),
        ("flow row", &|t| t.contains("- {")),
        ("block row", &|t| {
            t.contains("- date:") || t.contains("- year:")
        }),
        ("indentless sequence", &|t| {
            t.contains(":\n- ") || t.contains(":\r\n- ")
        }),
        ("null field", &|t| t.contains(": ~") || t.contains(": null")),
    ];
    for (form, test) in forms {
        assert!(count(test) > 0, "no file of the mixed style has: {form}");
    }
    let multi_line_plain = texts.iter().any(|t| {
        t.lines().zip(t.lines().skip(1)).any(|(a, b)| {
            a.ends_with(|c: char| c.is_alphabetic())
                && b.starts_with("   ")
                && !b.trim_start().starts_with(['-', '#'])
                && !b.contains(':')
        })
    });
    assert!(multi_line_plain, "no multi-line plain scalar");
}

/// What the styles look like (and a guard against a silent change of the random streams,
/// which would change every benchmark corpus).
#[test]
fn a_record_in_each_style() {
    for style in Style::ALL {
        let record = corpus::customer_record(3, 50, 1, style);
        let shown = record.text.replace('\r', "␍").replace('\u{feff}', "<BOM>");
        insta::assert_snapshot!(
            format!("record_3_{style}"),
            format!("{}\n{shown}", record.path)
        );
    }
}

/// A YAML tree without its positions.
fn without_positions(node: &dossier::yaml::Node) -> String {
    use dossier::yaml::Value;
    match &node.value {
        Value::Seq(items) => {
            let items: Vec<String> = items.iter().map(without_positions).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Map(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|e| format!("{}: {}", e.key, without_positions(&e.value)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        scalar => format!("{scalar:?}"),
    }
}

fn front_matter_of(path: &Path) -> dossier::yaml::Node {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let split = dossier::frontmatter::split(text).unwrap();
    dossier::yaml::parse(split.yaml, 1).unwrap()
}

/// The Zola and Hugo sites of `scripts/bench-compare` carry each record's front matter whole,
/// under `extra` and `customer`, with its title and taxonomies.
#[test]
fn zola_and_hugo_sites_carry_the_same_records() {
    for style in Style::ALL {
        let sites: Vec<tempfile::TempDir> = [Generator::Dossier, Generator::Zola, Generator::Hugo]
            .into_iter()
            .map(|generator| {
                let dir = tempfile::tempdir().unwrap();
                corpus::write_site_for(generator, dir.path(), 40, 1, style).unwrap();
                dir
            })
            .collect();
        let records = walkdir::WalkDir::new(sites[0].path().join("content"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file());
        let mut count = 0;
        for record in records {
            let relative = record.path().strip_prefix(sites[0].path()).unwrap();
            let expected = without_positions(&front_matter_of(record.path()));
            for (site, key) in [(&sites[1], "extra"), (&sites[2], "customer")] {
                let node = front_matter_of(&site.path().join(relative));
                let dossier::yaml::Value::Map(entries) = &node.value else {
                    panic!("{style}: {}", relative.display());
                };
                let data = entries.iter().find(|e| e.key == key).expect(key);
                assert_eq!(
                    without_positions(&data.value),
                    expected,
                    "{style} {key}: {}",
                    relative.display()
                );
                assert!(entries.iter().any(|e| e.key == "title"));
            }
            count += 1;
        }
        assert_eq!(count, 48, "{style}");
        let zola = std::fs::read_to_string(sites[1].path().join("config.toml")).unwrap();
        assert!(zola.contains("name = \"region\""), "{zola}");
        assert!(
            sites[2]
                .path()
                .join("layouts/_default/single.html")
                .is_file()
        );
    }
}
