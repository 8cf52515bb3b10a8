//! Credit and the money owed: the 5C grade and limit, the invoices of the last sales year and
//! the balance sheet.

use jiff::civil::{Date, date};

use super::super::emit::{Fields, Value};
use super::super::rng::Rng;
use super::super::words::WARNINGS;
use super::super::{YEAR, random_date, round_to};
use super::card::{Facts, StageKind};

/// `credit`, `payments` and `financials`, and the date the customer was lost (lost customers).
pub(crate) fn generate(rng: &mut Rng, facts: &Facts, revenues: &[f64]) -> (Fields, Option<Date>) {
    let mut fields = Fields::new();
    let last_revenue = revenues.last().copied().unwrap_or(facts.scale);
    if facts.is_customer && rng.chance(0.85) {
        fields.push(("credit", credit(rng, last_revenue)));
    }
    // Payments in the last sales year (before churn for lost customers).
    let end = if facts.stage == StageKind::Lost {
        random_date(rng, facts.churn_year)
    } else {
        date(YEAR, 12, 31)
    };
    let churn_date = facts.since.map(|since| since.max(end));
    if facts.is_customer && rng.chance(0.9) {
        fields.push(("payments", payments(rng, facts, last_revenue)));
    }
    if rng.chance(0.25) {
        fields.push(("financials", financials(rng, facts.scale)));
    }
    (fields, churn_date)
}

fn credit(rng: &mut Rng, last_revenue: f64) -> Value {
    let base = rng.range(2, 5);
    let mut score = || Value::token((base + rng.range(-1, 1)).clamp(1, 5));
    let five_c: Fields = vec![
        ("character", score()),
        ("capacity", score()),
        ("capital", score()),
        ("collateral", score()),
        ("conditions", score()),
    ];
    let mut fields: Fields = vec![
        ("five_c", Value::Map(five_c)),
        (
            "limit",
            Value::token(format!("{:.0}", round_to(last_revenue * 0.2, 10_000.0))),
        ),
    ];
    if rng.chance(0.15) {
        let mut warnings = Vec::new();
        for _ in 0..rng.range(1, 3) {
            let warning = *rng.pick(WARNINGS);
            if !warnings.contains(&warning) {
                warnings.push(warning);
            }
        }
        let warnings = warnings.into_iter().map(Value::token).collect();
        fields.push(("warnings", Value::List(warnings)));
    }
    Value::Map(fields)
}

fn payments(rng: &mut Rng, facts: &Facts, last_revenue: f64) -> Value {
    let n = rng.range(2, 6);
    let mut rows = Vec::new();
    for k in 0..n {
        let month = (12 * (k + 1) / n).clamp(1, 12) as i8;
        let due = date(facts.churn_year, month, rng.range(1, 28) as i8);
        let amount =
            round_to(last_revenue / n as f64 * (0.8 + rng.unit() * 0.4), 1_000.0).max(1_000.0);
        let invoice = format!("INV-{}-{:06}-{}", facts.churn_year, facts.number, k + 1);
        let mut row: Fields = vec![
            ("invoice", Value::token(invoice)),
            ("due", Value::token(due)),
        ];
        let late = rng.unit();
        let unpaid = late < 0.08 && due > date(YEAR, 9, 30);
        if !unpaid {
            let days = if late < 0.7 {
                0
            } else if late < 0.93 {
                rng.range(1, 30)
            } else {
                rng.range(31, 120)
            };
            let paid = due.checked_add(jiff::Span::new().days(days)).unwrap_or(due);
            row.push(("paid", Value::token(paid)));
        }
        row.push(("amount", Value::token(format!("{amount:.0}"))));
        rows.push(Value::Map(row));
    }
    Value::List(rows)
}

fn financials(rng: &mut Rng, scale: f64) -> Value {
    let assets = (scale * rng.range(5, 40) as f64).round();
    let whole = |x: f64| Value::token(format!("{:.0}", x.round()));
    let current_liabilities = assets * (0.2 + rng.unit() * 0.3);
    let total_liabilities = assets * (0.3 + rng.unit() * 0.5);
    Value::Map(vec![
        ("as_of", Value::token(format!("{}-12-31", YEAR - 1))),
        ("current_assets", whole(assets * 0.5)),
        ("current_liabilities", whole(current_liabilities)),
        ("inventory", whole(assets * 0.1)),
        ("total_assets", whole(assets)),
        ("total_liabilities", whole(total_liabilities)),
    ])
}
