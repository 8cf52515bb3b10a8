//! Bounded fuzzing of the loader, the validator and the builder (issue 11).
//!
//! Each case is a small site on disk: customer and playbook records that are valid records
//! mutated, YAML generated in block and flow style, or random bytes, with Markdown bodies full
//! of repeated headings, links, raw HTML and control characters, and values from the edges
//! (huge, tiny and non-finite numbers, dates that do not exist, escape sequences, bidi
//! overrides). Each case must hold:
//!
//! - nothing panics or hangs (inputs are bounded; a case over [`CASE_LIMIT`] fails);
//! - `check` and the build agree: a site that checks without errors builds, and its report
//!   renders in every section and format;
//! - a rejection is a diagnostic at a line and column inside the file it names.
//!
//! `DOSSIER_FUZZ_CASES` sets the number of cases (default [`DEFAULT_CASES`], a few seconds for
//! the local loop; `.ci/run` asks for 5,000, about a minute); docs/fuzzing.md says how to run
//! it longer. A failure prints
//! the shrunk site; each crash found is kept as a regression test below.

use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use dossier::report::{ReportFormat, ReportRequest, Section};
use dossier::site::{self, BuildOptions};
use dossier::validate::check_site;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{TestCaseError, TestRunner};

/// Cases per run when `DOSSIER_FUZZ_CASES` is not set.
const DEFAULT_CASES: u32 = 300;
/// Far above what any bounded case takes; a case beyond it hangs.
const CASE_LIMIT: Duration = Duration::from_secs(60);

fn cases() -> u32 {
    std::env::var("DOSSIER_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

const CONFIG: &str = "title: Fuzz\nlanguage: en\nyear: 2025\nas_of: 2025-12-31\n";

/// A customer using every field, valid as it stands: the seed of the mutations.
const CUSTOMER: &str = "---
id: KH-001
name: 杭州华东医药
stage: active
owner: 王磊
since: 2020-03-01
kind: distributor
region: 华东
city: 杭州
industry: 医药
address: 杭州市滨江区
phone: \"0571-88886601\"
website: https://example.com
legal_rep: 陈明
size: large
organization: limited
style: steady
trend: growing
position: leader
employees: 1200
capital: 50000000
tags: [重点客户, 战略合作]
contacts:
  - {name: 陈明, title: 总经理, role: approver, email: chen@example.com}
  - name: 周丽
    role: decision_maker
    phone: \"138-0571-6602\"
sales:
  - {year: 2024, revenue: 32000000, target: 30000000, gross_profit: 6400000}
  - {year: 2025, revenue: 36500000, target: 35000000, gross_profit: 7300000}
credit:
  five_c: {character: 5, capacity: 4, capital: 4, collateral: 3, conditions: 4}
  limit: 8000000
  warnings: [late_payments]
payments:
  - {invoice: INV-1, due: 2025-06-30, paid: 2025-07-20, amount: 900000}
  - {invoice: INV-2, due: 2025-12-31, amount: 450000}
financials: {as_of: 2024-12-31, current_assets: 9000000, current_liabilities: 5000000, inventory: 2000000, total_assets: 30000000, total_liabilities: 12000000}
satisfaction:
  - {date: 2025-06-01, product: 5, service: 4, price: 4, image: 5}
complaints:
  - {opened: 2025-11-02, closed: 2025-11-20, category: delivery, severity: high, summary: 两批货延迟交付}
  - {opened: 2025-12-01, severity: low}
visits:
  - {date: 2025-12-10, by: 王磊, kind: visit, note: 年度回顾}
---
## 概况

年度回顾，见 [本页](a.md#概况)。
";

/// A lost customer: churn, win-back value, retention.
const LOST: &str = "---
id: KH-002
name: Lost Ltd
stage: lost
owner: Emily
since: 2019-01-01
sales:
  - {year: 2023, revenue: 100, gross_profit: -20}
  - {year: 2024, revenue: 80, gross_profit: 10}
churn: {date: 2025-03-01, reason: price, note: cheaper rival}
---
";

const PLAYBOOK: &str = "---
title: 投诉处理六步法
summary: 六步
order: 10
applies_to:
  stages: [active, lost]
  grades: [AAA, AA, unrated]
  credit_class: [A]
  abc: [A, B]
  tags: [重点客户]
  warnings: true
  open_complaints: false
  visit_overdue: false
---
## 步骤

1. 倾听
";

/// Scalars from the edges of every type the records use.
fn scalar() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "0",
        "-0",
        "1e-323",
        "5e-324",
        "-1e-323",
        "1e15",
        "-1e15",
        "1000000000000000.5",
        "1e16",
        "1e35",
        "1.7976931348623157e308",
        "-1.7976931348623157e308",
        "1e309",
        ".nan",
        ".inf",
        "-.inf",
        "9223372036854775807",
        "-9223372036854775808",
        "99999999999999999999999",
        "0x1F",
        "0o17",
        "2024.0",
        "1_000",
        "+12",
        "null",
        "~",
        "true",
        "false",
        "yes",
        "NO",
        "2025-02-29",
        "2024-02-29",
        "0000-01-01",
        "9999-12-31",
        "2025-13-01",
        "2025-1-1",
        "'2025-01-01'",
        "\"\"",
        "''",
        "[]",
        "{}",
        "[a, [b, {c: d}]]",
        "{x: 1, y: [2]}",
        "&anchor 5",
        "*anchor",
        "!!str 12",
        "!!binary aGk=",
        "|\n  multi\n  line",
        ">-\n  folded",
        "\"\\e[2J\\e]52;c;ZXZpbA==\\a\"",
        "\"\\x9b31m\\u202eexe\\x7f\"",
        "\"a\\nb\\r\\tc\\0\"",
        "=HYPERLINK(\"http://x\")",
        "\"-2+3\"",
        "\"@SUM(A1)\"",
        "\"a;=1\"",
        "../../etc/passwd",
        "con",
        "\"KH 1\"",
        "KH-001",
        "KH-002",
        "\u{202e}abc",
        "😀",
        "华东",
        "\"\\t\"",
        "'#'",
        "a # comment",
        "\"\\u0000\"",
        "[重点客户, 重点客户]",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        4 => fixed,
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|x| format!("{x:e}")),
        1 => "[a-zA-Z0-9 _.:/#-]{0,40}",
        1 => "\\PC{0,30}".prop_map(|s| format!("{s:?}")),
    ]
}

/// One edit of a record's text.
#[derive(Clone, Debug)]
enum Mutation {
    /// The value of one `key: value` entry of a line (block or flow) replaced by any scalar.
    Value(Index, Index, String),
    /// The same with a value that is valid for that key but extreme (see [`valid_values`]).
    ValidValue(Index, Index, Index),
    /// Every entry of the keys that share the chosen key's values (every amount, every date)
    /// set to one extreme value: charts and sums see a whole record at the edge.
    EveryValue(&'static str, Index),
    /// A line's text inserted before another line.
    Line(Index, String),
    DeleteLine(Index),
    DuplicateLine(Index, Index),
    /// Bytes inserted at a byte position (on a char boundary).
    Bytes(Index, Vec<u8>),
    Truncate(Index),
    /// The indentation of a line changed.
    Indent(Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let line = prop_oneof![
        scalar().prop_map(|v| format!("tags: {v}")),
        (
            prop::sample::select(vec![
                "id",
                "name",
                "stage",
                "owner",
                "since",
                "sales",
                "payments",
                "credit",
                "churn",
                "title",
                "order",
                "applies_to",
                "unknown",
                "- year",
                "  - due",
                "five_c",
                "? complex",
                "<<",
            ]),
            scalar()
        )
            .prop_map(|(k, v)| format!("{k}: {v}")),
        Just("---".to_string()),
        Just("...".to_string()),
        "[ \t]{0,4}[-:{}\\[\\],#&*!|>'\"%@`a-z0-9]{0,20}",
    ];
    prop_oneof![
        4 => (any::<Index>(), any::<Index>(), scalar()).prop_map(|(l, e, v)| Mutation::Value(l, e, v)),
        2 => (any::<Index>(), any::<Index>(), any::<Index>())
            .prop_map(|(l, e, v)| Mutation::ValidValue(l, e, v)),
        2 => (any::<Index>(), line).prop_map(|(i, l)| Mutation::Line(i, l)),
        1 => any::<Index>().prop_map(Mutation::DeleteLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::DuplicateLine(a, b)),
        1 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Mutation::Bytes(i, b)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), 0usize..6).prop_map(|(i, n)| Mutation::Indent(i, n)),
    ]
}

fn apply(text: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for m in mutations {
        let current = String::from_utf8_lossy(&bytes).into_owned();
        let mut lines: Vec<String> = current.split('\n').map(str::to_string).collect();
        match m {
            Mutation::Value(line, entry, value) => {
                let at = line.index(lines.len());
                lines[at] = replace_entry(&lines[at], *entry, |_| Some(value.clone()));
            }
            Mutation::ValidValue(line, entry, choice) => {
                let at = line.index(lines.len());
                lines[at] = replace_entry(&lines[at], *entry, |key| {
                    let pool = valid_values(key);
                    (!pool.is_empty()).then(|| pool[choice.index(pool.len())].to_string())
                });
            }
            Mutation::Line(i, l) => lines.insert(i.index(lines.len() + 1), l.clone()),
            Mutation::DeleteLine(i) => {
                lines.remove(i.index(lines.len()));
            }
            Mutation::DuplicateLine(from, to) => {
                let line = lines[from.index(lines.len())].clone();
                lines.insert(to.index(lines.len() + 1), line);
            }
            Mutation::Indent(i, n) => {
                let at = i.index(lines.len());
                let line = &mut lines[at];
                *line = format!("{}{}", " ".repeat(*n), line.trim_start());
            }
            Mutation::EveryValue(like, choice) => {
                let pool = valid_values(like);
                let value = pool[choice.index(pool.len())];
                for line in &mut lines {
                    for entry in 0..8 {
                        *line = replace_entry_at(line, entry, |key| {
                            (valid_values(key) == pool).then(|| value.to_string())
                        });
                    }
                }
            }
            Mutation::Bytes(..) | Mutation::Truncate(_) => {}
        }
        bytes = lines.join("\n").into_bytes();
        match m {
            Mutation::Bytes(i, inserted) => {
                let at = i.index(bytes.len() + 1);
                bytes.splice(at..at, inserted.iter().copied());
            }
            Mutation::Truncate(i) => bytes.truncate(i.index(bytes.len() + 1)),
            _ => {}
        }
    }
    bytes
}

/// `line` with the value of one of its `key: value` entries (chosen by `entry`) replaced by
/// what `value` gives for that key, if anything.
fn replace_entry(line: &str, entry: Index, value: impl Fn(&str) -> Option<String>) -> String {
    let count = ENTRY.captures_iter(line).count();
    if count == 0 {
        return line.to_string();
    }
    replace_entry_at(line, entry.index(count), value)
}

/// `key: value` in block and flow style; a flow list is one value.
static ENTRY: std::sync::LazyLock<regex_lite::Regex> = std::sync::LazyLock::new(|| {
    regex_lite::Regex::new(r"([A-Za-z_]+): (\[[^\]]*\]|[^,}\]]*)").expect("regex")
});

/// [`replace_entry`] of the entry at `entry` (counted from 0), if the line has it.
fn replace_entry_at(line: &str, entry: usize, value: impl Fn(&str) -> Option<String>) -> String {
    let Some(chosen) = ENTRY.captures_iter(line).nth(entry) else {
        return line.to_string();
    };
    let (key, old) = (&chosen[1], chosen.get(2).expect("a value"));
    match value(key) {
        Some(new) => format!("{}{new}{}", &line[..old.start()], &line[old.end()..]),
        None => line.to_string(),
    }
}

/// Values a field accepts that sit at the edges: the smallest and largest numbers and dates,
/// and texts that are hostile to terminals, spreadsheets, HTML and file names.
fn valid_values(key: &str) -> &'static [&'static str] {
    const TEXT: &[&str] = &[
        "\"\\e[2J\\e]52;c;ZXZpbA==\\a\\x9b31m\\u202eexe\\x7f\"",
        "\"=HYPERLINK(\\\"http://x\\\",\\\"y\\\")\"",
        "\"-2+3\"",
        "\"@SUM(A1)\"",
        "\"a;=1\\n-2\\r+3\\t\"",
        "'<script>alert(1)</script>'",
        "\"\\\"><img src=x onerror=alert(1)>\"",
        "\"../../etc\"",
        "\"a/b\\\\c\"",
        "\"?q=1&x=%2e%2e#f\"",
        "\"{{ x }}{% raw %}\"",
        "\" spaced \"",
        "华东 华东",
        "😀",
        "x",
    ];
    const AMOUNT: &[&str] = &[
        "0",
        "1e-323",
        "5e-324",
        "1e-300",
        "0.0001",
        "1e15",
        "999999999999999.9",
        "12345.678",
    ];
    const DATE: &[&str] = &[
        "1900-01-01",
        "2024-02-29",
        "2025-01-01",
        "2025-12-31",
        "2100-12-31",
        "9999-12-31",
    ];
    match key {
        "name" | "owner" | "region" | "city" | "industry" | "address" | "phone" | "legal_rep"
        | "title" | "note" | "summary" | "by" => TEXT,
        "website" => &[
            "javascript:alert(1)",
            "https://example.com/?a=<b>",
            "\"//evil\"",
        ],
        // Not `capital`: five_c has a score of that name.
        "revenue"
        | "target"
        | "limit"
        | "amount"
        | "current_assets"
        | "current_liabilities"
        | "inventory"
        | "total_assets"
        | "total_liabilities" => AMOUNT,
        "gross_profit" => &["-1e15", "1e15", "-1e-323", "0", "-0.0001", "-0"],
        "since" | "due" | "paid" | "date" | "opened" | "closed" | "as_of" => DATE,
        "year" => &["1900", "2024", "2025", "2100"],
        "employees" => &["0", "9223372036854775807"],
        "character" | "capacity" | "collateral" | "conditions" | "product" | "service"
        | "price" | "image" => &["1", "3", "5"],
        "order" => &["-9223372036854775808", "0", "9223372036854775807"],
        "tags" => &[
            "[\"\\e[2J\", \"=1+1\", \"a;=b\"]",
            "[同, 同, 同]",
            "[\"a/b\", \"?#\", \"%20\"]",
            "[]",
            "[\"<b>\", \"&amp;\"]",
        ],
        "stage" => &["prospect", "qualified", "active", "lost"],
        _ => &[],
    }
}

/// YAML values built as a tree, written in block or flow style.
#[derive(Clone, Debug)]
enum Yaml {
    Scalar(String),
    List(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "id", "name", "stage", "owner", "since", "kind", "region", "tags", "contacts",
            "qualification", "sales", "year", "revenue", "target", "gross_profit", "credit",
            "five_c", "character", "capacity", "capital", "collateral", "conditions", "limit",
            "warnings", "payments", "due", "paid", "amount", "invoice", "financials",
            "satisfaction", "date", "product", "service", "price", "image", "complaints",
            "opened", "closed", "severity", "category", "summary", "visits", "by", "churn",
            "reason", "title", "order", "applies_to", "stages", "grades", "abc",
        ])
        .prop_map(str::to_string),
        1 => "[a-z_]{1,8}",
    ]
}

fn yaml_tree() -> impl Strategy<Value = Yaml> {
    scalar()
        .prop_map(Yaml::Scalar)
        .prop_recursive(3, 24, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Yaml::List),
                prop::collection::vec((key(), inner), 0..6).prop_map(Yaml::Map),
            ]
        })
}

/// Flow style on one line; multi-line scalars become quoted strings there.
fn flow(value: &Yaml) -> String {
    match value {
        Yaml::Scalar(s) if s.contains('\n') => format!("{s:?}"),
        Yaml::Scalar(s) => s.clone(),
        Yaml::List(items) => format!(
            "[{}]",
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        Yaml::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn block(value: &Yaml, indent: usize, out: &mut String, flow_below: usize) {
    let pad = " ".repeat(indent);
    match value {
        Yaml::Map(entries) if !entries.is_empty() && indent < flow_below => {
            for (k, v) in entries {
                match v {
                    Yaml::Scalar(s) => {
                        out.push_str(&format!("{pad}{k}: {}\n", scalar_at(s, indent)))
                    }
                    _ => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        block(v, indent + 2, out, flow_below);
                    }
                }
            }
        }
        Yaml::List(items) if !items.is_empty() && indent < flow_below => {
            for item in items {
                out.push_str(&format!("{pad}- {}\n", flow(item)));
            }
        }
        other => out.push_str(&format!("{pad}{}\n", flow(other))),
    }
}

/// A multi-line scalar (`|` block) indented under its key.
fn scalar_at(s: &str, indent: usize) -> String {
    s.replace('\n', &format!("\n{}", " ".repeat(indent + 2)))
}

/// Markdown bodies: repeated headings, links of every kind, raw HTML, control characters.
fn body() -> impl Strategy<Value = String> {
    let valid_anywhere = prop::sample::select(vec![
        "## same\n\n",
        "## same-1\n\n",
        "# 概况 {#same}\n\n",
        "### !!!\n\n",
        "[a](../customers/a.md#x) ",
        "[web](https://example.com/x.md) ",
        "[js](javascript:alert(1)) ",
        "![i](javascript:x) ",
        "<script>alert(1)</script>\n\n",
        "<img src=x onerror=alert(1)>",
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n",
        "note[^1]\n\n[^1]: n\n\n",
        "\n\n```\n[x](fence.md)\n```\n\n",
        "\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}",
        "\u{202e}\u{9b}\u{7f}",
        "---\n",
        "- [x] done\n",
        "~~old~~ ",
        "**bold** _it_ ",
        "\\\n",
        "&amp; &#0; &#x110000;",
        "[ref][r]\n\n[r]: ../customers/a.md\n\n",
        "<!-- c -->",
        "\t\tcode\n",
        "> quote\n",
    ]);
    // Links that resolve only when the site has that file, or never.
    let valid_sometimes = prop::sample::select(vec![
        "[p](../playbooks/p.md#步骤) ",
        "[b](b.md) ",
        "[missing](nope.md) ",
        "[up](../../x.md) ",
    ]);
    let piece = prop_oneof![12 => valid_anywhere, 1 => valid_sometimes];
    prop::collection::vec(piece, 0..12).prop_map(|p| p.concat())
}

/// A record that stays valid but holds values from the edges: most of these sites build.
fn extreme_record(seed: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let valid_value = prop_oneof![
        2 => (any::<Index>(), any::<Index>(), any::<Index>())
            .prop_map(|(l, e, v)| Mutation::ValidValue(l, e, v)),
        1 => (prop::sample::select(vec!["revenue", "gross_profit", "date", "name"]), any::<Index>())
            .prop_map(|(like, v)| Mutation::EveryValue(like, v)),
    ];
    (prop::collection::vec(valid_value, 0..6), body())
        .prop_map(move |(m, b)| apply(&format!("{seed}{b}"), &m))
}

/// One record file's bytes.
fn record(seed: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let mutated = (prop::collection::vec(mutation(), 0..3), body())
        .prop_map(move |(m, b)| apply(&format!("{seed}{b}"), &m));
    let generated =
        (yaml_tree(), any::<bool>(), 0usize..4, body()).prop_map(|(tree, flow_style, depth, b)| {
            let front = if flow_style {
                format!("{}\n", flow(&tree))
            } else {
                let mut out = String::new();
                block(&tree, 0, &mut out, depth);
                out
            };
            format!("---\n{front}---\n{b}").into_bytes()
        });
    let bytes = prop::collection::vec(any::<u8>(), 0..600).prop_map(|mut b| {
        b.splice(0..0, b"---\n".iter().copied());
        b
    });
    prop_oneof![12 => mutated, 1 => generated, 1 => bytes]
}

/// A site: a customer, maybe a second customer (a lost one) and a playbook, each possibly
/// mutated; the config fixed or mutated.
#[derive(Clone, Debug)]
struct FuzzSite {
    config: Vec<u8>,
    customers: Vec<Vec<u8>>,
    playbooks: Vec<Vec<u8>>,
}

fn fuzz_site() -> impl Strategy<Value = FuzzSite> {
    let config = prop_oneof![
        9 => Just(CONFIG.as_bytes().to_vec()),
        1 => prop::collection::vec(mutation(), 1..3).prop_map(|m| apply(CONFIG, &m)),
    ];
    let broken = (
        config,
        record(CUSTOMER),
        prop::option::of(record(LOST)),
        prop::option::of(record(PLAYBOOK)),
    );
    let extreme = (
        Just(CONFIG.as_bytes().to_vec()),
        extreme_record(CUSTOMER),
        prop::option::of(extreme_record(LOST)),
        prop::option::of(extreme_record(PLAYBOOK)),
    );
    prop_oneof![broken, extreme].prop_map(|(config, first, second, playbook)| FuzzSite {
        config,
        customers: std::iter::once(first).chain(second).collect(),
        playbooks: playbook.into_iter().collect(),
    })
}

/// The site's files, by site-relative path.
fn files(site: &FuzzSite) -> Vec<(String, Vec<u8>)> {
    let names = ["a.md", "b.md"];
    let mut files = vec![("site.yaml".to_string(), site.config.clone())];
    for (name, bytes) in names.iter().zip(&site.customers) {
        files.push((format!("content/customers/{name}"), bytes.clone()));
    }
    for bytes in &site.playbooks {
        files.push(("content/playbooks/p.md".to_string(), bytes.clone()));
    }
    files
}

/// What a case that held did.
#[derive(Debug)]
enum Outcome {
    /// `check` found errors, each at a place inside its file.
    Rejected,
    /// `check` found no error, and the site built and reported.
    Built,
}

/// Checks and builds one site; `Err` says what broke.
fn run_case(files: &[(String, Vec<u8>)]) -> Result<Outcome, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    for sub in ["content/customers", "content/playbooks"] {
        fs::create_dir_all(dir.path().join(sub)).map_err(|e| e.to_string())?;
    }
    for (path, bytes) in files {
        fs::write(dir.path().join(path), bytes).map_err(|e| e.to_string())?;
    }
    let checked = check_site(dir.path(), None).map_err(|e| format!("check failed: {e}"))?;
    for d in checked.report.diagnostics() {
        let Some((_, bytes)) = files.iter().find(|(path, _)| *path == d.file) else {
            return Err(format!("a diagnostic of a file that does not exist: {d:?}"));
        };
        position_inside(bytes, d.line, d.column).map_err(|why| format!("{why}: {d:?}"))?;
    }
    if checked.report.errors() > 0 {
        return Ok(Outcome::Rejected);
    }
    let rendered = site::render(dir.path(), &BuildOptions::default())
        .map_err(|e| format!("the build failed: {e}"))?;
    let rendered = rendered.map_err(|invalid| {
        format!(
            "check passed but the build refused: {:?}",
            invalid.report.diagnostics()
        )
    })?;
    if rendered.pages() == 0 {
        return Err("the build made no page".into());
    }
    report_everything(dir.path())?;
    Ok(Outcome::Built)
}

/// Every report section in every format, from the same site.
fn report_everything(root: &Path) -> Result<(), String> {
    let checked = check_site(root, None).map_err(|e| e.to_string())?;
    let analytics = dossier::analytics::analyse(&checked.site, &checked.config, None)
        .map_err(|e| format!("analytics failed after a clean check: {e}"))?;
    for section in Section::EACH.iter().chain([&Section::All]) {
        for format in [ReportFormat::Table, ReportFormat::Json, ReportFormat::Csv] {
            let request = ReportRequest::new(*section, format);
            let text =
                dossier::report::render(&checked.site, &checked.config, &analytics, &request);
            if format == ReportFormat::Json {
                serde_json::from_str::<serde_json::Value>(&text)
                    .map_err(|e| format!("report {section:?} JSON does not parse: {e}"))?;
            }
        }
    }
    Ok(())
}

/// Line and column (1-based, the column in characters) name a place in the file: a line that
/// exists (or the one just past the end), a column at most one past the line's end.
fn position_inside(bytes: &[u8], line: u32, column: u32) -> Result<(), String> {
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    let Some(text) = (line as usize).checked_sub(1).and_then(|i| lines.get(i)) else {
        return Err(format!("line {line} of a file of {} lines", lines.len()));
    };
    if column == 0 || column as usize > text.len() + 1 {
        return Err(format!("column {column} of a line of {} bytes", text.len()));
    }
    Ok(())
}

/// [`run_case`] on its own thread: a case that does not finish within [`CASE_LIMIT`] hangs.
fn run_bounded(files: Vec<(String, Vec<u8>)>) -> Result<Outcome, String> {
    let (done, result) = mpsc::channel();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(|| run_case(&files))
            .unwrap_or_else(|panic| Err(format!("panicked: {}", panic_text(&panic))));
        let _ = done.send(outcome);
    });
    result
        .recv_timeout(CASE_LIMIT)
        .unwrap_or_else(|_| Err(format!("no result within {CASE_LIMIT:?}: a hang")))
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic".into())
}

#[test]
fn check_and_build_agree_on_any_input() {
    let cases = cases();
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_time: 120_000,
        ..ProptestConfig::default()
    };
    let built = AtomicU32::new(0);
    let result = TestRunner::new(config).run(&fuzz_site(), |site| {
        let files = files(&site);
        match run_bounded(files.clone()) {
            Ok(Outcome::Built) => {
                built.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Ok(Outcome::Rejected) => Ok(()),
            Err(why) => {
                let shown: Vec<(String, String)> = files
                    .iter()
                    .map(|(p, b)| (p.clone(), String::from_utf8_lossy(b).into_owned()))
                    .collect();
                Err(TestCaseError::fail(format!("{why}\n{shown:#?}")))
            }
        }
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    // Many sites must stay valid, or the builder is hardly fuzzed.
    let built = built.load(Ordering::Relaxed);
    assert!(built * 4 >= cases, "only {built} of {cases} cases built");
}

#[test]
fn the_seeds_are_valid_and_build() {
    let site = FuzzSite {
        config: CONFIG.as_bytes().to_vec(),
        customers: vec![CUSTOMER.as_bytes().to_vec(), LOST.as_bytes().to_vec()],
        playbooks: vec![PLAYBOOK.as_bytes().to_vec()],
    };
    let files = files(&site);
    let dir = tempfile::tempdir().expect("temp dir");
    for sub in ["content/customers", "content/playbooks"] {
        fs::create_dir_all(dir.path().join(sub)).expect("dirs");
    }
    for (path, bytes) in &files {
        fs::write(dir.path().join(path), bytes).expect("write");
    }
    let checked = check_site(dir.path(), None).expect("check");
    assert_eq!(checked.report.diagnostics(), [], "the seeds must be valid");
    run_case(&files).expect("the seeds build");
}
