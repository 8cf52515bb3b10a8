//! After the sale: satisfaction surveys, complaints and visits.

use jiff::civil::date;

use super::super::emit::{Fields, Value};
use super::super::rng::Rng;
use super::super::{YEAR, random_date};
use super::card::{Facts, StageKind};

/// `satisfaction`, `complaints` and `visits`.
pub(crate) fn generate(rng: &mut Rng, facts: &Facts) -> Fields {
    let mut fields = Fields::new();
    if facts.is_customer && rng.chance(0.6) {
        fields.push(("satisfaction", surveys(rng, facts)));
    }
    if facts.is_customer && rng.chance(0.2) {
        fields.push(("complaints", complaints(rng, facts)));
    }
    if rng.chance(0.85) {
        fields.push(("visits", visits(rng, facts)));
    }
    fields
}

fn surveys(rng: &mut Rng, facts: &Facts) -> Value {
    let n = rng.range(1, 3);
    let mut rows = Vec::new();
    for k in 0..n {
        let year = (facts.churn_year - k as i16).max(facts.first_year);
        let day = date(year, (3 + 4 * k) as i8, rng.range(1, 28) as i8);
        let base = rng.range(2, 5);
        let mut score = || Value::token((base + rng.range(-1, 1)).clamp(1, 5));
        rows.push(Value::Map(vec![
            ("date", Value::token(day)),
            ("product", score()),
            ("service", score()),
            ("price", score()),
            ("image", score()),
        ]));
    }
    Value::List(rows)
}

fn complaints(rng: &mut Rng, facts: &Facts) -> Value {
    let mut rows = Vec::new();
    for _ in 0..rng.range(1, 2) {
        let opened = random_date(rng, facts.churn_year);
        let mut row: Fields = vec![("opened", Value::token(opened))];
        if rng.chance(0.75) {
            let closed = opened
                .checked_add(jiff::Span::new().days(rng.range(1, 40)))
                .unwrap_or(opened);
            row.push(("closed", Value::token(closed)));
        }
        let category = *rng.pick(&[
            "product", "service", "price", "delivery", "billing", "other",
        ]);
        let severity = *rng.pick(&["low", "medium", "high"]);
        let summary = *rng.pick(&[
            "到货时缺少检验报告",
            "发票抬头错误，重新开票",
            "交货比约定晚了一周",
            "售后工程师到场不及时",
            "部分批次包装破损",
        ]);
        row.push(("category", Value::token(category)));
        row.push(("severity", Value::token(severity)));
        row.push(("summary", Value::text(summary)));
        rows.push(Value::Map(row));
    }
    Value::List(rows)
}

fn visits(rng: &mut Rng, facts: &Facts) -> Value {
    let n = rng.range(1, 4);
    let year = if facts.stage == StageKind::Lost {
        facts.churn_year
    } else {
        YEAR
    };
    let mut rows = Vec::new();
    for k in 0..n {
        let month = (3 * k + rng.range(1, 3)).clamp(1, 12) as i8;
        let day = date(year, month, rng.range(1, 28) as i8);
        let kind = *rng.pick(&["visit", "call", "email", "event"]);
        let note = if facts.overseas {
            *rng.pick(&[
                "Quarterly review call",
                "Met at the trade fair",
                "Discussed next year's volumes",
            ])
        } else {
            *rng.pick(&[
                "沟通四季度备货计划",
                "确认年底回款安排",
                "年度合作回顾",
                "介绍新产品线",
                "陪同技术人员现场调试",
            ])
        };
        rows.push(Value::Map(vec![
            ("date", Value::token(day)),
            ("by", Value::text(&facts.owner)),
            ("kind", Value::token(kind)),
            ("note", Value::text(note)),
        ]));
    }
    Value::List(rows)
}
