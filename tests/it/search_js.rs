//! The browser client (themes/default/static/search.js) against the Rust reader: on an index
//! of a generated corpus, for text queries, filters and sorts, the client must give the same
//! hits in the same order, the same scores, facet counts and cards, and fetch the same bytes.
//! Runs the client in Node (`node`, no packages); skipped with a note when Node is absent.

use std::collections::BTreeMap;
use std::process::Command;

use dossier::index::query::Sort;
use dossier::index::{
    CustomerFacts, FieldClass, PAGE, Query, Reader, build_index, customer_doc, playbook_doc,
};
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
    crate::corpus::write_site(&site, 1500, 3, crate::corpus::Style::Block).unwrap();
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
    // The kinds of issue 15, from the records: phones, ids, emails, pinyin, shortened names.
    let field = |class: FieldClass| name.texts(class).next().unwrap_or_default().to_string();
    let phone = field(FieldClass::Phone);
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let last4 = digits[digits.len() - 4..].to_string();
    let email = field(FieldClass::Email);
    let core = dossier::index::normalize::without_legal_suffix(&name.name).to_string();
    let shortened = format!("{core}公司");
    let (full, initials) = dossier::index::chinese::spellings(&core);
    let english = docs
        .iter()
        .find(|d| d.name.is_ascii() && d.name.contains(' '))
        .unwrap();
    let typo = english.name.replacen("a", "aa", 1);
    let person = name
        .texts(FieldClass::Person)
        .last()
        .unwrap_or_default()
        .to_string();
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
        &phone,
        &digits,
        &last4,
        &email,
        "KH000123",
        "kh 123",
        "123",
        &shortened,
        &full[0],
        &initials[0],
        "huadong yiyao",
        "Huádōng",
        "華東醫藥",
        "杭州華東",
        "长沙安太",
        "华东医要",
        &typo,
        "Atlas Pharmx",
        "重点客户 华东",
        &person,
        "中山路1号",
        "人民路",
        "采购总",
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
                    "classes": hits.iter().map(|h| h.class).collect::<Vec<_>>(),
                    "fallback": hits.iter().map(|h| h.fallback).collect::<Vec<_>>(),
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
    // The new kinds are not vacuous: phones, pinyin, traditional and sound find something,
    // and the sound of 长沙安太 or 华东医要 gives fallback hits.
    for text in [
        phone.as_str(),
        &last4,
        "KH000123",
        &full[0],
        "華東醫藥",
        &typo,
    ] {
        assert!(
            cases
                .iter()
                .any(|c| c["q"] == text && !c["docs"].as_array().unwrap().is_empty()),
            "{text:?} finds nothing"
        );
    }
    assert!(
        cases
            .iter()
            .any(|c| c["fallback"].as_array().unwrap().iter().any(|f| f == true)),
        "no query fell back to its sound"
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

/// Result cards (search.js `money`) write money as the pages do (src/render/format.rs).
#[test]
fn card_money_is_written_like_the_pages() {
    use dossier::config::Language;
    use dossier::render::format::money;
    if !node_available() {
        eprintln!("note: node is not installed; the JS money check is skipped");
        return;
    }
    let values = [
        0.0,
        1.0,
        999.0,
        1_234.0,
        9_999.0,
        10_000.0,
        12_345.0,
        26_750.0,
        99_995.0,
        2_300_000.0,
        3_985_000.0,
        48_600_000.0,
        99_999_999.0,
        100_000_000.0,
        250_000_000.0,
        1_234_567_890.0,
        -50_000.0,
        -1_234.5,
        0.4,
        1_499.5,
    ];
    let expected: Vec<Value> = values
        .iter()
        .map(|v| json!([v, money(*v, Language::ZhCn), money(*v, Language::En)]))
        .collect();
    let module = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/default/static/search.js"
    );
    let script = format!(
        "import {{ money }} from {module:?};\n\
         const cases = {cases};\n\
         const wrong = cases.filter(([v, zh, en]) => money(v, true) !== zh || money(v, false) !== en)\n\
           .map(([v, zh, en]) => `${{v}}: ${{money(v, true)}} ≠ ${{zh}} or ${{money(v, false)}} ≠ ${{en}}`);\n\
         console.log(wrong.join('\\n'));\n\
         process.exit(wrong.length ? 1 : 0);",
        cases = serde_json::to_string(&expected).unwrap(),
    );
    let output = Command::new("node")
        .args(["--input-type=module", "-e", &script])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "search.js writes money unlike the pages:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
