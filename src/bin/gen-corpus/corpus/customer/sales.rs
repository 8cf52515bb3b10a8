//! The pipeline and the money in: the MAN qualification of prospects and the sales years of
//! customers.

use super::super::emit::{Fields, Value};
use super::super::rng::Rng;
use super::super::round_to;
use super::card::{Facts, StageKind};

/// `qualification` (prospects) and `sales` (customers, from the first year to the last), with
/// the revenue of each sales year.
pub(crate) fn generate(rng: &mut Rng, facts: &Facts) -> (Fields, Vec<f64>) {
    let mut fields = Fields::new();
    if matches!(facts.stage, StageKind::Prospect | StageKind::Qualified) {
        let mut man: Fields = Vec::new();
        for letter in ["money", "authority", "need"] {
            if rng.chance(0.85) {
                man.push((letter, Value::token(rng.chance(0.6))));
            }
        }
        if !man.is_empty() {
            fields.push(("qualification", Value::Map(man)));
        }
    }
    let mut revenues = Vec::new();
    if facts.is_customer {
        let mut rows = Vec::new();
        let mut revenue = facts.scale;
        for year in facts.first_year..=facts.churn_year {
            let rev = round_to(revenue, 10_000.0);
            let margin = if rng.chance(0.03) {
                -(0.02 + rng.unit() * 0.08)
            } else {
                0.04 + rng.unit() * 0.26
            };
            let gross_profit = (rev * margin / 1_000.0).round() * 1_000.0;
            let mut row: Fields = vec![
                ("year", Value::token(year)),
                ("revenue", Value::token(format!("{rev:.0}"))),
            ];
            if rng.chance(0.8) {
                let target = round_to(rev * (0.85 + rng.unit() * 0.3), 10_000.0);
                row.push(("target", Value::token(format!("{target:.0}"))));
            }
            if rng.chance(0.9) {
                row.push(("gross_profit", Value::token(format!("{gross_profit:.0}"))));
            }
            rows.push(Value::Map(row));
            revenues.push(rev);
            let growth = if facts.stage == StageKind::Lost && year + 1 == facts.churn_year {
                0.5 + rng.unit() * 0.4
            } else {
                0.9 + rng.unit() * 0.35
            };
            revenue *= growth;
        }
        fields.push(("sales", Value::List(rows)));
    }
    (fields, revenues)
}
