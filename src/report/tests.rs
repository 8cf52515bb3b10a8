//! Report rendering over a small hand-made site.

use unicode_width::UnicodeWidthStr;

use super::*;
use crate::analytics::testing::*;
use crate::analytics::{analyse, metrics_json};
use crate::config::Language;
use crate::model::{ChurnReason, ComplaintSeverity, Stage};

fn site() -> Site {
    Site::new(
        vec![
            customer("KH-9")
                .region("华东")
                .since("2021-03-01")
                .sales_row(2024, 4_000_000.0, None, Some(800_000.0))
                .sales_row(2025, 12_345_000.0, Some(10_000_000.0), Some(1_000_000.0))
                .five_c([5, 3, 4, 4, 5])
                .survey("2025-05-01", [5, 5, 4, 4])
                .visit("2025-12-15")
                .build(),
            customer("KH-10")
                .region("华南")
                .owner("李")
                .since("2022-01-01")
                .sales_row(2025, 3_000_000.0, Some(3_000_000.0), Some(-30_000.0))
                .complaint("2025-11-01", None, Some(ComplaintSeverity::High))
                .build(),
            customer("KH-11")
                .since("2020-05-01")
                .sales_row(2024, 200.0, None, Some(50.0))
                .churn("2025-04-01", ChurnReason::Price)
                .build(),
            customer("KH-12")
                .stage(Stage::Prospect)
                .man(Some(true), None, Some(true))
                .build(),
        ],
        vec![],
    )
}

fn report(section: Section, format: ReportFormat, language: Language) -> String {
    report_with(ReportRequest::new(section, format), language)
}

fn report_with(request: ReportRequest, language: Language) -> String {
    let site = site();
    let mut config = config_for(Some(2025));
    config.language = language;
    let analytics = analyse(&site, &config, None).unwrap();
    render(&site, &config, &analytics, &request)
}

/// The lines of the table titled `title`, up to the next blank line.
fn table_lines<'a>(text: &'a str, title: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| *l != title)
        .take_while(|l| !l.is_empty())
        .collect()
}

#[test]
fn revenue_table_aligns_chinese_text_and_uses_wan() {
    let text = report(Section::Rankings, ReportFormat::Table, Language::ZhCn);
    let lines = table_lines(&text, "销售额排行 (Top 10)");
    // KH-9 12,345,000 → 1234.5万; KH-10 3,000,000 → 300.0万. Achievement 12,345,000/10,000,000
    // = 123.5% (123.45 rounded); KH-10 3,000,000/3,000,000 = 100.0%.
    // Margins: 1,000,000/12,345,000 = 8.1%; −30,000/3,000,000 = −1.0%.
    assert_eq!(
        lines,
        [
            "销售额排行 (Top 10)",
            "名次  ID     客户名称      销售额  目标达成率  利润率",
            "----  -----  ----------  --------  ----------  ------",
            "   1  KH-9   KH-9 公司   1234.5万      123.5%    8.1%",
            "   2  KH-10  KH-10 公司   300.0万      100.0%   -1.0%",
        ]
    );
    // Every row is as wide as its rule, measured in display columns.
    let width = lines[2].width();
    assert!(lines[1..].iter().all(|l| l.width() <= width));
    assert_eq!(lines[3].width(), width);
}

#[test]
fn english_money_has_thousands_separators() {
    let text = report(Section::Rankings, ReportFormat::Table, Language::En);
    assert!(text.contains("12,345,000.00"), "{text}");
    assert!(text.contains("Year 2025 · as of 2025-12-31"));
}

#[test]
fn all_as_json_is_exactly_the_metrics_document() {
    let site = site();
    let config = config_for(Some(2025));
    let analytics = analyse(&site, &config, None).unwrap();
    let mut request = ReportRequest::new(Section::All, ReportFormat::Json);
    request.region = Some("华东".to_string());
    assert_eq!(
        render(&site, &config, &analytics, &request),
        metrics_json(&analytics)
    );
}

#[test]
fn section_json_has_unrounded_values() {
    let text = report(Section::Credit, ReportFormat::Json, Language::ZhCn);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rows = &json["sections"]["credit"]["credit"];
    // KH-9: default weights, scores 5,3,4,4,5 → 80 points exactly → AA.
    let kh9 = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "KH-9")
        .unwrap();
    assert_eq!(kh9["points"], 80.0);
    assert_eq!(kh9["grade"], "AA");
    assert_eq!(json["year"], 2025);
    let text = report(Section::Rankings, ReportFormat::Json, Language::ZhCn);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        json["sections"]["rankings"]["achievement"][0]["value"],
        1.2345
    );
}

#[test]
fn csv_quotes_fields_and_marks_blocks() {
    let mut s = site();
    let kh9 = s.customers.iter_mut().find(|c| c.id == "KH-9").unwrap();
    std::sync::Arc::make_mut(kh9).name = "Acme, \"East\" Ltd".to_string();
    let config = config_for(Some(2025));
    let analytics = analyse(&s, &config, None).unwrap();
    let request = ReportRequest::new(Section::Credit, ReportFormat::Csv);
    let csv = render(&s, &config, &analytics, &request);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "id,name,points,base,notches,grade,payment_delay_days,outstanding,limit,limit_use,current_ratio,quick_ratio,debt_ratio"
        )
    );
    // KH-10 sorts before KH-9; KH-10 has no credit data, so KH-9 (renamed) is the only row.
    assert_eq!(
        lines.next(),
        Some("KH-9,\"Acme, \"\"East\"\" Ltd\",80.0,AA,,AA,,0.0,,,,,")
    );
    assert_eq!(lines.next(), None);
    // Several tables: each block is introduced by its name.
    let csv = render(
        &s,
        &config,
        &analytics,
        &ReportRequest::new(Section::Retention, ReportFormat::Csv),
    );
    assert!(csv.starts_with("# retention.retention\nyear,start,new,lost,end,"));
    assert!(csv.contains("\n\n# retention.churn_reasons\nreason,count,"));
}

#[test]
fn filters_and_top() {
    let mut request = ReportRequest::new(Section::Rankings, ReportFormat::Json);
    request.owner = Some("李".to_string());
    let json: serde_json::Value =
        serde_json::from_str(&report_with(request.clone(), Language::ZhCn)).unwrap();
    let revenue = json["sections"]["rankings"]["revenue"].as_array().unwrap();
    assert_eq!(revenue.len(), 1);
    assert_eq!(
        (revenue[0]["id"].as_str(), revenue[0]["rank"].as_u64()),
        (Some("KH-10"), Some(1))
    );
    request.owner = None;
    request.region = Some("华东".to_string());
    request.top = Some(1);
    let json: serde_json::Value =
        serde_json::from_str(&report_with(request.clone(), Language::ZhCn)).unwrap();
    assert_eq!(json["sections"]["rankings"]["revenue"][0]["id"], "KH-9");
    assert_eq!(json["filters"]["top"], 1);
    request.region = None;
    let json: serde_json::Value =
        serde_json::from_str(&report_with(request, Language::ZhCn)).unwrap();
    assert_eq!(
        json["sections"]["rankings"]["revenue"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn every_section_renders_in_every_format() {
    for section in Section::EACH.into_iter().chain([Section::All]) {
        for language in [Language::ZhCn, Language::En] {
            let text = report(section, ReportFormat::Table, language);
            assert!(text.ends_with('\n'));
            let json = report(section, ReportFormat::Json, language);
            serde_json::from_str::<serde_json::Value>(&json).expect("valid JSON");
            let csv = report(section, ReportFormat::Csv, language);
            assert!(!csv.is_empty());
        }
    }
}

#[test]
fn explanations_show_in_tables() {
    let text = report(Section::Prospects, ReportFormat::Table, Language::ZhCn);
    assert!(text.contains("M+?+N"), "{text}");
    assert!(text.contains("尚未完成资格认定"));
    assert!(text.contains("authority"));
    let text = report(Section::Visits, ReportFormat::Table, Language::ZhCn);
    // KH-10 (class A by revenue share? 12,345,000 + 3,000,000: KH-10 c1 = 0.80… → B, 90 days)
    // was never visited.
    assert!(text.contains("从未访问"), "{text}");
    let text = report(Section::Complaints, ReportFormat::Table, Language::En);
    assert!(text.contains("Alerts (open high-severity complaints)"));
    assert!(text.contains("KH-10"));
}
