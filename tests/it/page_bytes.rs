//! The byte budget of a dossier page, on records like the 10k benchmark's (`gen-corpus`): a
//! 10k site is mostly its dossiers, so a page that grows back by a kilobyte adds 10 MB to every
//! publish. Asserted on bytes, which are deterministic for a seed; never on time.

use dossier::site::{BuildOptions, Outcome, build};

use crate::corpus::{self, Style};

/// Mean and largest dossier page of 300 generated customers (seed 1): 18,588 and 27,412 bytes
/// before indentation, duplicate chart tables, SVG attributes and per-cell `class="num"` were
/// taken out; 15,587 and 23,172 after; 14,462 and 21,421 after the per-cell table attributes,
/// per-text chart classes, playbook summaries and generic notes left the dossier (2026-12-04).
/// (docs/performance.md, "Output size").
const MEAN_BUDGET: usize = 15_000;
const LARGEST_BUDGET: usize = 22_200;

#[test]
fn dossier_pages_of_generated_records_stay_within_their_byte_budget() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    corpus::write_site(&root, 300, 1, Style::Block).unwrap();
    let out = dir.path().join("out");
    let options = BuildOptions {
        out: Some(out.clone()),
        ..BuildOptions::default()
    };
    match build(&root, &options).expect("build") {
        Outcome::Built(_) => {}
        Outcome::Invalid(invalid) => panic!("invalid: {:?}", invalid.report.diagnostics()),
    }
    // customers/<region>/<slug>/index.html; the list's own pages are customers/page/<n>/.
    let sizes: Vec<usize> = walkdir::WalkDir::new(out.join("customers"))
        .min_depth(3)
        .max_depth(3)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .filter(|e| !e.path().components().any(|c| c.as_os_str() == "page"))
        .map(|e| e.metadata().unwrap().len() as usize)
        .collect();
    assert_eq!(sizes.len(), 300, "one dossier per customer");
    let mean = sizes.iter().sum::<usize>() / sizes.len();
    let largest = sizes.iter().copied().max().unwrap_or(0);
    assert!(
        mean <= MEAN_BUDGET,
        "mean dossier page {mean} bytes > {MEAN_BUDGET}"
    );
    assert!(
        largest <= LARGEST_BUDGET,
        "largest dossier page {largest} bytes > {LARGEST_BUDGET}"
    );
}
