//! The long tables of the analysis pages at a generated size (issue 13): no analysis page and
//! no numbered page of a table exceeds the size budget; the analysis page and the numbered
//! pages, linked one to the next, hold every row of a table exactly once, in the order of the
//! table's rows file (which `dossier.js` pages over); and the number of rows is what the
//! build's own exports count.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use scraper::{Html, Selector};

use super::cli::dossier;

const CUSTOMERS: usize = 1500;
/// Bytes of HTML an analysis page (or a numbered page of its tables) may have at any size.
const PAGE_BUDGET: usize = 200_000;

/// (analysis page, table key): the table is `<key>-table`, its pages `<page>/<key>/page/k/`.
const TABLES: [(&str, &str); 10] = [
    ("credit", "watchlist"),
    ("satisfaction", "low"),
    ("retention", "win-back"),
    ("retention", "lost"),
    ("service", "alerts"),
    ("service", "open-complaints"),
    ("service", "visits"),
    ("service", "visit-plan"),
    ("prospects", "verdicts"),
    ("rankings", "abc-list"),
];

struct Built {
    _dir: tempfile::TempDir,
    out: std::path::PathBuf,
}

fn built() -> &'static Built {
    static SITE: std::sync::OnceLock<Built> = std::sync::OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = dir.path().join("site");
        crate::corpus::write_site(&site, CUSTOMERS, 7, crate::corpus::Style::Block)
            .expect("corpus");
        let out = dir.path().join("out");
        let output = dossier()
            .args(["build", "--quiet", "--root"])
            .arg(&site)
            .arg("--out")
            .arg(&out)
            .output()
            .expect("runs");
        assert!(
            output.status.success(),
            "build: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Built { _dir: dir, out }
    })
}

fn read(out: &Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The rows of table `id` in `html`, as the parser serialises them.
fn rows(html: &str, id: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse(&format!("table#{id} > tbody > tr")).expect("selector");
    document.select(&selector).map(|r| r.html()).collect()
}

/// Every row of a table from its rows file (a gzipped fragment of `<tr>`s); none for a table
/// of one page.
fn rows_file(out: &Path, page: &str, key: &str) -> Option<Vec<String>> {
    let bytes = std::fs::read(out.join(format!("data/tables/{page}-{key}.html.gz"))).ok()?;
    let mut fragment = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut fragment)
        .expect("gzip");
    let table = format!("<table id=\"all\"><tbody>{fragment}</tbody></table>");
    Some(rows(&table, "all"))
}

/// The rows of a table on its analysis page and on each numbered page after it, following
/// the pager's "next" links; asserts every page's size on the way.
fn paged_rows(out: &Path, page: &str, key: &str) -> Vec<String> {
    let id = format!("{key}-table");
    let first = read(out, &format!("{page}/index.html"));
    let mut all = rows(&first, &id);
    let mut html = first;
    let mut number = 1;
    loop {
        let next = format!("/{page}/{key}/page/{}/", number + 1);
        if !html.contains(&format!("<a rel=\"next\" href=\"{next}\">")) {
            break;
        }
        number += 1;
        html = read(out, &format!("{}index.html", &next[1..]));
        assert!(html.len() < PAGE_BUDGET, "{next}: {} bytes", html.len());
        let page_rows = rows(&html, &id);
        assert!(
            !page_rows.is_empty() && page_rows.len() <= 100,
            "{next}: {} rows",
            page_rows.len()
        );
        all.extend(page_rows);
    }
    assert!(
        !out.join(format!("{page}/{key}/page/{}/index.html", number + 1))
            .exists(),
        "{page}/{key}: a page after the last one linked"
    );
    all
}

/// The number of records of a CSV export of the build (quoted fields may hold line breaks).
fn csv_records(out: &Path, name: &str, keep: impl Fn(&BTreeMap<&str, &str>) -> bool) -> usize {
    let text = read(out, &format!("data/{name}"));
    let mut records = split_csv(text.trim_start_matches('\u{feff}'));
    let header = records.remove(0);
    records
        .iter()
        .filter(|r| {
            let fields: BTreeMap<&str, &str> = header
                .iter()
                .map(String::as_str)
                .zip(r.iter().map(String::as_str))
                .collect();
            keep(&fields)
        })
        .count()
}

fn split_csv(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    records
}

#[test]
fn no_analysis_page_exceeds_the_budget() {
    let out = &built().out;
    for page in [
        "rankings",
        "credit",
        "retention",
        "satisfaction",
        "service",
        "prospects",
    ] {
        let size = read(out, &format!("{page}/index.html")).len();
        assert!(size < PAGE_BUDGET, "{page}: {size} bytes");
    }
}

#[test]
fn the_pages_of_a_table_hold_every_row_once_in_the_rows_file_order() {
    let out = &built().out;
    let mut paged_tables = 0;
    for (page, key) in TABLES {
        let paged = paged_rows(out, page, key);
        let html = read(out, &format!("{page}/index.html"));
        let Some(file) = rows_file(out, page, key) else {
            // One page: every row is on the analysis page, and the script sorts those.
            assert!(
                paged.len() <= 100,
                "{page}/{key}: {} rows, no rows file",
                paged.len()
            );
            assert!(!html.contains(&format!("/{page}/{key}/page/2/")));
            continue;
        };
        paged_tables += 1;
        let first_page = rows(&html, &format!("{key}-table")).len();
        assert!(
            first_page < paged.len(),
            "{page}/{key}: a rows file for one page"
        );
        assert_eq!(paged.len(), file.len(), "{page}/{key}: rows");
        assert!(
            paged == file,
            "{page}/{key}: the pages differ from the rows file"
        );
        assert!(
            html.contains(&format!("data-total=\"{}\"", file.len())),
            "{page}/{key}: the table states its number of rows"
        );
    }
    assert!(paged_tables >= 6, "most tables come in pages at this size");
}

#[test]
fn a_customer_is_in_a_customer_table_once() {
    let out = &built().out;
    let link = regex_lite::Regex::new(r##"<th scope="row"><a href="([^"#]+)"##).expect("regex");
    for (page, key) in TABLES {
        if key == "open-complaints" {
            continue; // a row per complaint
        }
        let rows = paged_rows(out, page, key);
        let customers: BTreeSet<&str> = rows
            .iter()
            .filter_map(|r| link.captures(r).and_then(|c| c.get(1)).map(|m| m.as_str()))
            .collect();
        assert_eq!(customers.len(), rows.len(), "{page}/{key}");
    }
}

#[test]
fn a_table_has_as_many_rows_as_the_export_counts() {
    let out = &built().out;
    let count = |page, key| paged_rows(out, page, key).len();
    let all = |_: &BTreeMap<&str, &str>| true;
    assert_eq!(
        count("credit", "watchlist"),
        csv_records(out, "watchlist.csv", all)
    );
    assert_eq!(
        count("retention", "win-back"),
        csv_records(out, "win-back.csv", all)
    );
    assert_eq!(
        count("service", "open-complaints"),
        csv_records(out, "open-complaints.csv", all)
    );
    assert_eq!(
        count("service", "visits"),
        csv_records(out, "overdue-visits.csv", all)
    );
    assert_eq!(
        count("service", "visit-plan"),
        csv_records(out, "visit-plan.csv", all)
    );
    assert_eq!(
        count("prospects", "verdicts"),
        csv_records(out, "customers.csv", |c| {
            matches!(c["stage"], "prospect" | "qualified")
        })
    );
    assert_eq!(
        count("rankings", "abc-list"),
        csv_records(out, "customers.csv", |c| !c["abc"].is_empty())
    );
    assert_eq!(
        count("satisfaction", "low"),
        csv_records(out, "customers.csv", |c| {
            c["stage"] == "active"
                && matches!(
                    c["csi_level"],
                    "fairly_satisfied" | "dissatisfied" | "very_dissatisfied"
                )
        })
    );
}

/// An audience's edition of the generated site: the rows files of the groups it hides are not
/// written at all, and every row of the others has exactly the columns its table shows.
#[test]
fn an_audience_gets_no_rows_file_of_a_hidden_group_and_no_hidden_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    crate::corpus::write_site(&site, CUSTOMERS, 7, crate::corpus::Style::Block).expect("corpus");
    let config = site.join("field.yaml");
    let yaml = std::fs::read_to_string(site.join("site.yaml")).expect("site.yaml");
    std::fs::write(
        &config,
        format!("{yaml}\naudiences:\n  field: {{hide: [payments, complaints, sales]}}\n"),
    )
    .expect("config");
    let out = dir.path().join("out");
    let output = dossier()
        .args(["build", "--quiet", "--audience", "field", "--root"])
        .arg(&site)
        .arg("--config")
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "build: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let files: BTreeSet<String> = std::fs::read_dir(out.join("data/tables"))
        .expect("rows files")
        .map(|e| e.expect("entry").file_name().into_string().expect("name"))
        .collect();
    for hidden in [
        "rankings-abc-list.html.gz",
        "retention-win-back.html.gz",
        "service-alerts.html.gz",
        "service-open-complaints.html.gz",
    ] {
        assert!(!files.contains(hidden), "{hidden} in {files:?}");
    }
    assert!(files.contains("credit-watchlist.html.gz"), "{files:?}");
    let cells = Selector::parse("th, td").expect("selector");
    let heads = Selector::parse("table#watchlist-table > thead th").expect("selector");
    let credit = Html::parse_document(&read(&out, "credit/index.html"));
    let columns = credit.select(&heads).count();
    assert_eq!(columns, 5, "the watch list without its payment columns");
    for row in rows_file(&out, "credit", "watchlist").expect("rows") {
        let row = Html::parse_fragment(&format!("<table><tbody>{row}</tbody></table>"));
        let count = row.select(&cells).count();
        assert_eq!(count, columns, "a row's cells");
    }
}

/// A term's summary (and an owner's panels) are on its first page; pages 2… list their
/// customers and link back to it, so a save that moves a term's totals renders one page again.
#[test]
fn a_term_summary_is_on_its_first_page_and_the_others_link_to_it() {
    let out = &built().out;
    let first = read(out, "stages/active/index.html");
    assert!(first.contains(r#"<dl class="stat-grid compact">"#));
    let second = read(out, "stages/active/page/2/index.html");
    assert!(!second.contains("stat-grid"), "no summary on page 2");
    let document = Html::parse_document(&second);
    let link = Selector::parse("p.browse a").expect("selector");
    let overview: Vec<(String, String)> = document
        .select(&link)
        .map(|a| {
            (
                a.value().attr("href").unwrap_or_default().to_string(),
                a.text().collect(),
            )
        })
        .collect();
    assert_eq!(
        overview,
        [(
            "/stages/active/".to_string(),
            "汇总与概览见第 1 页".to_string()
        )]
    );
    assert_eq!(
        rows(&second, "term-table").len(),
        100,
        "a full page of rows"
    );
}
