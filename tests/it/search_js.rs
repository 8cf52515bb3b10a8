//! The browser client (themes/default/static/search.js) against the Rust reader: on an index
//! of a generated corpus, for text queries, filters and sorts, the client must give the same
//! hits in the same order, the same scores, facet counts and cards, and fetch the same bytes.
//! Runs the client in Node (`node`, no packages); skipped with a note when Node is absent.

use std::collections::BTreeMap;
use std::process::Command;

use dossier::index::query::Sort;
use dossier::index::{CustomerFacts, PAGE, Query, Reader, build_index, customer_doc, playbook_doc};
use serde_json::{Value, json};

fn node_available() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_browser_client_answers_like_the_rust_reader() {
    if !node_available() {
        eprintln!("note: node is not installed; the JS client check is skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    dossier::corpus::write_site(&site, 1500, 3).unwrap();
    let checked = dossier::validate::check_site(&site, None).unwrap();
    let mut docs: Vec<_> = checked
        .site
        .customers
        .iter()
        .map(|c| {
            let url = format!("/customers/{}/", c.source.slug);
            customer_doc(c, CustomerFacts::from_record(c, url))
        })
        .collect();
    docs.extend(
        checked
            .site
            .playbooks
            .iter()
            .map(|p| playbook_doc(p, format!("/playbooks/{}/", p.source.slug))),
    );
    let files = build_index(&docs);
    for (path, bytes) in &files {
        let target = dir.path().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }

    let name = docs.iter().find(|d| d.name.contains("有限公司")).unwrap();
    let owner = name.card.owner.clone().unwrap();
    let texts = [
        "华东",
        "医药",
        "东医",
        "州华",
        "杭",
        &name.name,
        &owner,
        "pharma",
        "pha",
        "distrib",
        "华东 医药",
        "atlas pharma",
        "有限公司",
        "采购总监",
        "年度合作回顾",
        "KH-000123",
        "2025",
        "a",
        "ＰＨＡＲＭＡ",
        "量子引力",
        "zzzz",
        "",
    ];
    let filter_sets: Vec<BTreeMap<String, Vec<String>>> = vec![
        BTreeMap::new(),
        BTreeMap::from([("region".into(), vec!["华东".into()])]),
        BTreeMap::from([
            ("region".into(), vec!["华东".into(), "华北".into()]),
            ("stage".into(), vec!["active".into()]),
        ]),
        BTreeMap::from([("tag".into(), vec!["经销商".into()])]),
    ];
    let mut cases = Vec::new();
    for text in texts {
        for (f, filters) in filter_sets.iter().enumerate() {
            for sort in ["relevance", "revenue", "grade", "name"] {
                // Every text with every sort unfiltered; filters with relevance and revenue.
                if f > 0 && !matches!(sort, "relevance" | "revenue") {
                    continue;
                }
                let query = Query {
                    text: text.to_string(),
                    filters: filters.clone(),
                    sort: Sort::parse(sort).unwrap(),
                };
                let reader = Reader::open(&files).unwrap();
                let hits = reader.search(&query).unwrap();
                let urls: Vec<Value> = hits
                    .iter()
                    .take(PAGE)
                    .map(|h| reader.card(h.doc).unwrap()["u"].clone())
                    .collect();
                let bytes = reader.fetched_bytes();
                let mut counts = serde_json::Map::new();
                if sort == "relevance" {
                    for field in ["region", "stage", "tag"] {
                        let c = reader.counts(&query, field).unwrap();
                        counts.insert(field.into(), json!(c));
                    }
                }
                cases.push(json!({
                    "q": text,
                    "filters": filters,
                    "sort": sort,
                    "docs": hits.iter().map(|h| h.doc).collect::<Vec<_>>(),
                    "scores": hits.iter().map(|h| h.score).collect::<Vec<_>>(),
                    "urls": urls,
                    "counts": counts,
                    "bytes": bytes,
                }));
            }
        }
    }
    assert!(
        cases
            .iter()
            .any(|c| c["docs"].as_array().unwrap().len() > 100)
    );
    std::fs::write(
        dir.path().join("expected.json"),
        serde_json::to_vec(&cases).unwrap(),
    )
    .unwrap();
    let output = Command::new("node")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/js/engine-check.mjs"
        ))
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the JS client differs from the Rust reader:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("0 failures"), "{stdout}");
}
