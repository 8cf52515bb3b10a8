//! Snapshots of representative pages of a small site (tests/fixtures/site): six records whose
//! every number can be worked out by hand (the records' comments give the key ones). A change
//! in any page shows up in review (`cargo insta review`); each test also asserts the few
//! hand-computed figures its page exists to show, so a wrong number cannot be accepted by a
//! careless review of the snapshot alone.

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use dossier::site::{BuildOptions, Outcome, build};

/// Every file of the built fixture site, by site-relative path.
fn site() -> &'static BTreeMap<String, Vec<u8>> {
    static SITE: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    SITE.get_or_init(|| {
        // Built from a copy outside the repository: the record history from git (last change,
        // author) would otherwise change the dossiers with every commit.
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
        let dir = tempfile::tempdir().expect("temp");
        let root = dir.path().join("site");
        for entry in walkdir::WalkDir::new(&fixture) {
            let entry = entry.expect("walk");
            let to = root.join(entry.path().strip_prefix(&fixture).expect("under"));
            if entry.file_type().is_dir() {
                fs::create_dir_all(&to).expect("mkdir");
            } else {
                fs::copy(entry.path(), &to).expect("copy");
            }
        }
        let out = dir.path().join("public");
        // Strict: a warning in the fixture fails the build too.
        let options = BuildOptions {
            out: Some(out.clone()),
            strict: true,
            ..BuildOptions::default()
        };
        let summary = match build(&root, &options).expect("build") {
            Outcome::Built(summary) => summary,
            Outcome::Invalid(invalid) => panic!("invalid: {:?}", invalid.report.diagnostics()),
        };
        assert!(
            summary
                .history_note
                .as_deref()
                .is_some_and(|n| n.contains("not a git repository")),
            "the copy must have no git history, or the snapshots would depend on it: {:?}",
            summary.history_note
        );
        common::read_tree(&out)
    })
}

fn page(path: &str) -> &'static str {
    let bytes = site()
        .get(path)
        .unwrap_or_else(|| panic!("{path} was not written; files: {:?}", site().keys()));
    std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Asserts that `text` contains each of `needles`, naming the ones it lacks.
#[track_caller]
fn assert_shows(path: &str, needles: &[&str]) {
    let text = page(path);
    let missing: Vec<&&str> = needles.iter().filter(|n| !text.contains(**n)).collect();
    assert!(missing.is_empty(), "{path} lacks {missing:?}");
}

/// A CSV export: the UTF-8 byte order mark (for Excel) is checked, then left out of the
/// snapshot so that the snapshot reads as plain text.
fn csv(path: &str) -> &'static str {
    let text = page(path);
    text.strip_prefix('\u{feff}')
        .unwrap_or_else(|| panic!("{path} starts with a byte order mark"))
}

#[test]
fn home_page_shows_the_reporting_year_figures() {
    // 2025 revenue 1,200万 + 300万 + 100万; 2024 (with the lost customer's 180万) 1,430万.
    // Retention 2025: 4 at the start, 1 lost → 75%. Equity (150万 + 36万 + 15万) × 1.1 ÷ 0.35.
    // CSI (4.5 + 3.7) ÷ 2. Top 20% = 1 of 3 customers: 1,200 ÷ 1,600 of revenue.
    assert_shows(
        "index.html",
        &[
            ">1,600万</a> <small>销售成长率 +11.9%",
            ">75.0%</a> <small>期初客户留存率 75.0%",
            ">631.71万</a>",
            ">94.29万</a> <small>流失损失 180万",
            ">4.10</a> <small>满意",
            ">75.0%</a> <small>毛利占比 75.9%",
        ],
    );
    // Overdue visits as of 2025-12-31: Pacific Harbor (Emily Zhao, class A, last visit
    // 2025-05-01, 214 days over) and KH-103 (李娜, class B, never visited); KH-101 falls due
    // that day and is not overdue. One each, in name order; A 1, B 1.
    assert_shows(
        "index.html",
        &[
            "成交客户共 3 · A 1 · B 1 · C 0 · 未分类 0",
            "Emily Zhao</a></th><td class=\"num\">1</td><td class=\"num\">0</td></tr><tr><th scope=\"row\"><a href=\"/owners/%E6%9D%8E%E5%A8%9C/#owner-overdue\">李娜</a></th><td class=\"num\">1</td><td class=\"num\">1</td>",
        ],
    );
    // The home page's title is the site's title once, not "测试客户档案 · 测试客户档案".
    assert_shows("index.html", &["<title>测试客户档案</title>"]);
    insta::assert_snapshot!("home", page("index.html"));
}

#[test]
fn customer_index_lists_every_record_with_grade_and_class() {
    let text = page("customers/index.html");
    assert_eq!(text.matches("<tr data-stage=").count(), 6, "six records");
    insta::assert_snapshot!("customers_index", text);
}

#[test]
fn key_customer_dossier_shows_notches_payments_value_and_notes() {
    // 5C 4.2 → 80 points → AA; −1 payment warning, −1 for D = 33.75 days > 30 → BBB.
    // CLV: m = (120万 + 150万 + 180万) ÷ 3 = 150万; × 1.1 ÷ (1.1 − 0.75) = 471.43万.
    let path = "customers/hangzhou-xinghe/index.html";
    assert_shows(
        path,
        &[
            "得分 80.0 · 基础等级 AA · 降级 −2",
            "D = 33.8 天 &gt; 30",
            "<dt>未收款</dt><dd>300万</dd>",
            "<dt>额度使用率</dt><dd>60.0%",
            "CSI <strong>4.50</strong>",
            "客户终身价值: <strong>471.43万</strong>",
            "<td class=\"num\">41</td>",
            "访问按计划进行",
            "href=\"/playbooks/key-accounts/\"",
            "href=\"/playbooks/credit-watch/\"",
        ],
    );
    // Customers › 王磊 (the owner's page) › the customer; the way back to search results is
    // hidden until search.js finds the dossier was opened from them.
    assert_shows(
        path,
        &[
            "<ol><li><a href=\"/customers/\">客户</a></li><li><a href=\"/owners/%E7%8E%8B%E7%A3%8A/\">王磊</a></li><li aria-current=\"page\">杭州星河医疗器械有限公司</li></ol>",
            "data-back-to-results hidden>",
        ],
    );
    insta::assert_snapshot!("dossier_key_customer", page(path));
}

#[test]
fn lost_customer_dossier_shows_churn_and_win_back_value() {
    // BB −3 (purchasing, staff, D = 60 > 30) → CC; m = 30万 → 94.29万; lost 2024's 180万.
    let path = "customers/wuhan-changjiang/index.html";
    assert_shows(
        path,
        &[
            "基础等级 BB · 降级 −3",
            "<strong class=\"grade-CC\">CC</strong>",
            "价格流失 · 竞争对手报价低 8%，客户转单",
            "流失损失 180万 · 流失毛利 24万",
            "重生终身价值: <strong>94.29万</strong>",
        ],
    );
    insta::assert_snapshot!("dossier_lost_customer", page(path));
}

#[test]
fn rankings_page_orders_by_value_then_id_and_classes_abc() {
    let text = page("rankings/index.html");
    // Margins tie at 15%: KH-101 before KH-103 by id. ABC: 75% → A, 93.75% → A, then B.
    let margin = &text[text.find("id=\"margin\"").expect("margin table")..];
    let xinghe = margin.find("hangzhou-xinghe").expect("KH-101");
    let jinhua = margin.find("nanjing-jinhua").expect("KH-103");
    assert!(xinghe < jinhua, "ties by id");
    assert_shows(
        "rankings/index.html",
        &["<th scope=\"row\">A</th><td class=\"num\">2</td><td class=\"num\">93.8%</td>"],
    );
    insta::assert_snapshot!("rankings", text);
}

#[test]
fn credit_page_lists_grades_and_the_watchlist_with_reasons() {
    assert_shows(
        "credit/index.html",
        &[
            "信用观察名单 <small>(2)</small>",
            "−1 员工变化: 不断有人辞职",
            "<a href=\"/grades/unrated/\">未评级</a></th><td class=\"num\">3</td>",
        ],
    );
    insta::assert_snapshot!("credit", page("credit/index.html"));
}

#[test]
fn retention_page_shows_yearly_rates_churn_reasons_and_win_back() {
    // 2025: S 4, N 0, L 1, E 3; both rates 75%; revenue lost 180万, gross profit 24万.
    assert_shows(
        "retention/index.html",
        &[
            "<tr><th scope=\"row\">2025</th><td class=\"num\">4</td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">3</td><td class=\"num\">75.0%</td><td class=\"num\">75.0%</td><td class=\"num\">25.0%</td><td class=\"num\">180万</td><td class=\"num\">24万</td><td class=\"num\">94.29万</td></tr>",
            "客户资产: 631.71万",
        ],
    );
    // Both rates are 100% in 2021–2024 and 75% in 2025: the axis spans 70–100 % (75% padded
    // by 2.5 points, steps of 10), every point is ringed, and the last one says 两率相等 once.
    // The one churned customer left for price: one bar of 1 on whole-number ticks.
    assert_shows(
        "retention/index.html",
        &[
            "<g class=\"chart-ticks\"><text x=\"58\" y=\"248.6\">70%</text>",
            "anchor-end\" x=\"577.3\" y=\"198\">75.0% · 两率相等</text>",
            "<text class=\"chart-legend-text\" x=\"350\" y=\"286\">两率相等</text>",
            "<figure class=\"chart chart-bar\" id=\"chart-churn-reasons\">",
            "<caption>各流失原因的流失客户数</caption><thead><tr><th scope=\"col\">原因</th><th scope=\"col\">客户数</th></tr></thead><tbody><tr><th scope=\"row\">价格流失</th><td>1</td></tr>",
        ],
    );
    let retention = page("retention/index.html");
    assert_eq!(
        retention.matches("chart-point chart-point-equal").count(),
        5
    );
    assert!(
        !retention.contains("L^S"),
        "no formula in plain text beside L<sup>S</sup>"
    );
    insta::assert_snapshot!("retention", page("retention/index.html"));
}

#[test]
fn satisfaction_page_weights_segments_by_customer_count() {
    assert_shows(
        "satisfaction/index.html",
        &[
            "<strong>4.10</strong> · 满意",
            "华东</a></th><td class=\"num\">1</td><td class=\"num\">50.0%</td><td class=\"num\">4.50</td>",
        ],
    );
    insta::assert_snapshot!("satisfaction", page("satisfaction/index.html"));
}

#[test]
fn service_page_shows_open_complaints_resolution_days_and_overdue_visits() {
    // Closed in 2025: 10 and 66 days → mean 38. Pacific Harbor: 244 days since May 1, 214 over
    // its 30-day interval; KH-101 visited exactly 30 days ago is not overdue.
    assert_shows(
        "service/index.html",
        &[
            "<th scope=\"row\">合计</th><td class=\"num\">1</td><td class=\"num\">2</td><td class=\"num\">38.0</td>",
            "逾期未访问 <small>2 / 3</small>",
            "<td class=\"num\" data-value=\"214\">214</td>",
            "从未访问",
        ],
    );
    // KH-101, visited exactly 30 days ago, is not overdue: it falls due today, in the plan.
    let text = page("service/index.html");
    let plan_at = text.find("id=\"visit-plan\"").expect("the visit plan");
    let (overdue, plan) = text.split_at(plan_at);
    assert!(
        !overdue.contains("hangzhou-xinghe/#visits"),
        "a visit exactly one interval ago is not overdue"
    );
    assert!(
        plan.contains("hangzhou-xinghe/#visits")
            && plan.contains("<time datetime=\"2025-12-31\">")
            && plan.contains("<td class=\"num\">0</td>"),
        "it is due today: {plan}"
    );
    insta::assert_snapshot!("service", page("service/index.html"));
}

#[test]
fn prospects_page_groups_by_the_man_rule() {
    assert_shows(
        "prospects/index.html",
        &["<code>M+a+N</code>", "<code>M+?+?</code>"],
    );
    insta::assert_snapshot!("prospects", page("prospects/index.html"));
}

#[test]
fn owner_page_lists_the_owners_customers_and_rankings() {
    let path = "owners/王磊/index.html";
    assert_shows(
        path,
        &["<h1>王磊 <small>(2)</small></h1>", "KH-101", "KH-104"],
    );
    // Of 王磊's customers, KH-101 has revenue, target, growth and margin in 2025 and the site
    // has three ranked customers, so it is in every top 10; KH-104 was lost in March with no
    // 2025 sales row and is in none.
    assert_shows(
        path,
        &["<p>进入全站前 10: 销售额 1 · 目标达成率 1 · 销售成长率 1 · 利润率 1</p>"],
    );
    insta::assert_snapshot!("owner", page(path));
}

#[test]
fn region_page_lists_the_customers_of_the_term() {
    let path = "regions/华东/index.html";
    assert_shows(
        path,
        &[
            "<h1>华东 <small>(3)</small></h1>",
            "KH-101",
            "KH-103",
            "KH-105",
        ],
    );
    assert!(!page(path).contains("KH-102"), "an overseas customer");
    insta::assert_snapshot!("term_region", page(path));
}

#[test]
fn playbook_page_renders_its_body_and_the_customers_it_applies_to() {
    // `warnings: true` selects the active KH-101 and the lost KH-104, nobody else.
    let path = "playbooks/credit-watch/index.html";
    let text = page(path);
    // A list without filter selects leaves the rows' data-* out: count the linked names.
    assert_eq!(
        text.matches("<th scope=\"row\"><a href=\"/customers/")
            .count(),
        2,
        "{text}"
    );
    assert_shows(
        path,
        &[
            "适用客户 <small>(2)</small>",
            "href=\"/playbooks/key-accounts/\"",
        ],
    );
    insta::assert_snapshot!("playbook", text);
}

#[test]
fn customers_csv_exports_unrounded_metrics() {
    let text = csv("data/customers.csv");
    assert!(
        text.contains(",33.75,3000000.0,5000000.0,0.6,4714285.714285714,4.5,very_satisfied,"),
        "{text}"
    );
    insta::assert_snapshot!("customers_csv", text);
}

#[test]
fn rankings_csv_exports_every_ranking_in_order() {
    let text = csv("data/rankings.csv");
    assert_eq!(
        text.lines().count(),
        1 + 4 * 3,
        "a header and four rankings of three"
    );
    insta::assert_snapshot!("rankings_csv", text);
}

#[test]
fn working_lists_export_as_csv_with_unrounded_numbers() {
    // Hand-worked from the fixture, as of 2025-12-31: KH-101 (A, 30 days) last visited
    // 2025-12-01 falls due 2025-12-31, in 0 days; Pacific Harbor (A) last visited 2025-05-01
    // is 244 − 30 = 214 days overdue.
    let plan = csv("data/visit-plan.csv");
    assert!(
        plan.contains("KH-101,杭州星河医疗器械有限公司,王磊,A,30,2025-12-01,2025-12-31,0,"),
        "{plan}"
    );
    let overdue = csv("data/overdue-visits.csv");
    assert!(overdue.contains(",A,30,2025-05-01,244,214,"), "{overdue}");
    insta::assert_snapshot!("visit_plan_csv", plan);
    insta::assert_snapshot!("overdue_visits_csv", overdue);
    insta::assert_snapshot!("watchlist_csv", csv("data/watchlist.csv"));
    insta::assert_snapshot!("win_back_csv", csv("data/win-back.csv"));
    insta::assert_snapshot!("open_complaints_csv", csv("data/open-complaints.csv"));
}

#[test]
fn customers_csv_for_people_has_headers_and_labels_in_the_site_language() {
    let text = csv("data/customers.zh-CN.csv");
    let header = text.lines().next().expect("header");
    assert!(
        header.starts_with("编号,客户名称,阶段,客户经理,地区,"),
        "{header}"
    );
    // The same numbers, unrounded; codes as labels; playbooks by title.
    assert!(
        text.contains("KH-101,杭州星河医疗器械有限公司,成交客户,王磊,华东,"),
        "{text}"
    );
    assert!(text.contains(",33.75,3000000.0,5000000.0,0.6,"), "{text}");
    insta::assert_snapshot!("customers_labelled_csv", text);
}
