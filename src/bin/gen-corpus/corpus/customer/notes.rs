//! The end of a record: churn, the Markdown notes, and the longer texts some people write
//! (multi-paragraph notes in the body and in a visit).

use std::fmt::Write as _;

use super::super::YEAR;
use super::super::emit::{Fields, Value};
use super::super::rng::Rng;
use super::super::words::*;
use super::card::{Facts, StageKind};

/// `churn` of a lost customer, and the reason's text for the notes.
pub(crate) fn churn(
    rng: &mut Rng,
    facts: &Facts,
    date: Option<jiff::civil::Date>,
) -> (Fields, &'static str) {
    if facts.stage != StageKind::Lost {
        return (Fields::new(), "");
    }
    let (reason, text) = *rng.pick(CHURN_REASONS);
    let date = date.map_or(Value::Absent, Value::token);
    let churn = vec![
        ("date", date),
        ("reason", Value::token(reason)),
        ("note", Value::text(text)),
    ];
    (vec![("churn", Value::Map(churn))], text)
}

/// The Markdown body: a few sentences in the voice of the example records, and a link to the
/// playbook that applies.
pub(crate) fn body(
    rng: &mut Rng,
    facts: &Facts,
    revenues: &[f64],
    contacts: &[(String, String)],
    churn_text: &str,
) -> String {
    let mut body = String::with_capacity(512);
    let last_revenue = revenues.last().copied().unwrap_or(0.0);
    if facts.overseas {
        let _ = write!(
            body,
            "{} is a {} {} company in {}. ",
            facts.name,
            facts.size,
            facts.industry.english.to_lowercase(),
            facts.city
        );
        let _ = match facts.stage {
            StageKind::Active => write!(
                body,
                "Customer since {}; revenue in {YEAR} was about {:.0}k. ",
                facts.first_year,
                last_revenue / 1000.0
            ),
            StageKind::Lost => write!(body, "We lost them in {}. ", facts.churn_year),
            _ => write!(
                body,
                "Met through {} and not yet a customer. ",
                rng.pick(&["a trade fair", "a referral", "our website"])
            ),
        };
        if let Some((contact, title)) = contacts.first() {
            let _ = write!(body, "{contact} ({title}) signs off on new suppliers. ");
        }
        body.push_str(rng.pick::<&str>(EN_REMARKS));
        body.push('\n');
    } else {
        let kind = if facts.kind == "distributor" {
            "经销商"
        } else {
            "终端客户"
        };
        let size = match facts.size {
            "small" => "小型",
            "medium" => "中型",
            _ => "大型",
        };
        let _ = write!(
            body,
            "{}{}行业的{size}{kind}，",
            facts.city, facts.industry.name
        );
        let _ = match facts.stage {
            StageKind::Active => writeln!(
                body,
                "{} 年起与我司合作。{YEAR} 年销售额 {:.0} 万元。",
                facts.first_year,
                last_revenue / 10_000.0
            ),
            StageKind::Lost => writeln!(body, "{} 年流失：{churn_text}。", facts.churn_year),
            _ => writeln!(body, "经{}结识，尚未成交。", rng.pick(LEAD_SOURCES)),
        };
        body.push('\n');
        match contacts {
            [first, second, ..] => {
                let _ = write!(
                    body,
                    "决策链：{}{}签批，{}{}负责日常对接。",
                    first.1, first.0, second.1, second.0
                );
            }
            [(contact, title)] => {
                let _ = write!(body, "主要联系人是{title}{contact}。");
            }
            [] => {}
        }
        body.push_str(rng.pick::<&str>(REMARKS));
        if rng.chance(0.5) {
            body.push_str(rng.pick::<&str>(REMARKS));
        }
        body.push('\n');
    }
    let playbook = match facts.stage {
        StageKind::Active if rng.chance(0.3) => Some(("key-account-care", "大客户关怀")),
        StageKind::Lost => Some(("win-back", "赢返流失客户")),
        StageKind::Prospect | StageKind::Qualified if rng.chance(0.5) => {
            Some(("man-prospecting", "MAN 法则"))
        }
        _ => None,
    };
    if let Some((slug, title)) = playbook {
        let _ = write!(
            body,
            "\n下一步按 [{title}](../../playbooks/{slug}.md) 执行。\n"
        );
    }
    body
}

/// Long notes after the body of about one record in seven: meeting minutes in several
/// sections with lists and a table, 1–4 KB.
pub(crate) fn long_notes(extra: &mut Rng, facts: &Facts, revenues: &[f64]) -> Option<String> {
    if !extra.chance(0.15) {
        return None;
    }
    let remarks = if facts.overseas { EN_REMARKS } else { REMARKS };
    let mut notes = String::with_capacity(4096);
    let meetings = extra.range(2, 5);
    notes.push_str(if facts.overseas {
        "\n## Meeting notes\n"
    } else {
        "\n## 拜访纪要\n"
    });
    for k in 0..meetings {
        let month = 1 + (k * 3) % 12;
        let _ = write!(
            notes,
            "\n### {YEAR}-{month:02}-{:02} {}\n\n",
            extra.range(1, 28),
            extra.pick(&["电话", "登门拜访", "视频会议", "展会"])
        );
        for _ in 0..extra.range(1, 3) {
            let sentences: Vec<&str> = (0..extra.range(2, 4))
                .map(|_| *extra.pick(remarks))
                .collect();
            notes.push_str(&sentences.join(if facts.overseas { " " } else { "" }));
            notes.push_str("\n\n");
        }
        if extra.chance(0.6) {
            for _ in 0..extra.range(2, 5) {
                let _ = writeln!(notes, "- {}", extra.pick(remarks));
            }
            notes.push('\n');
        }
    }
    if !revenues.is_empty() && extra.chance(0.5) {
        notes.push_str("| 年份 | 销售额（万元） |\n|---|---:|\n");
        for (year, revenue) in (facts.first_year..).zip(revenues) {
            let _ = writeln!(notes, "| {year} | {:.0} |", revenue / 10_000.0);
        }
    }
    Some(notes)
}

/// A longer note for the last visit of about one record in five: one long line, or
/// paragraphs.
pub(crate) fn visit_note(extra: &mut Rng, facts: &Facts) -> Option<String> {
    let remarks = if facts.overseas { EN_REMARKS } else { REMARKS };
    let separator = if facts.overseas { " " } else { "" };
    let sentences = |extra: &mut Rng, n: i64| -> String {
        (0..n)
            .map(|_| *extra.pick(remarks))
            .collect::<Vec<_>>()
            .join(separator)
    };
    match extra.below(10) {
        0 => Some(sentences(extra, 3)),
        1 => {
            let paragraphs = extra.range(2, 3);
            let text: Vec<String> = (0..paragraphs).map(|_| sentences(extra, 2)).collect();
            Some(text.join("\n\n"))
        }
        _ => None,
    }
}
