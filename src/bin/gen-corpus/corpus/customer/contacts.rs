//! The contacts: a decision chain, the first one usually the legal representative.

use super::super::chinese_name;
use super::super::emit::{Fields, Value};
use super::super::rng::Rng;
use super::super::words::*;
use super::card::{Facts, phone};

const ROLES: [&str; 5] = [
    "approver",
    "decision_maker",
    "supporter",
    "influencer",
    "user",
];

/// The `contacts` list, and each contact's (name, title) for the notes.
pub(crate) fn generate(rng: &mut Rng, facts: &Facts) -> (Value, Vec<(String, String)>) {
    let count = rng.range(1, 4) as usize;
    let mut rows = Vec::with_capacity(count);
    let mut people = Vec::with_capacity(count);
    for j in 0..count {
        let name = if j == 0 && rng.chance(0.6) {
            facts.legal_rep.clone()
        } else if facts.overseas {
            format!("{} {}", rng.pick(EN_FIRST), rng.pick(EN_LAST))
        } else {
            chinese_name(rng)
        };
        let title = if facts.overseas {
            rng.pick(EN_TITLES).to_string()
        } else if rng.chance(0.3) {
            rng.pick(facts.industry.titles).to_string()
        } else {
            rng.pick(COMMON_TITLES).to_string()
        };
        let mut row: Fields = vec![
            ("name", Value::text(&name)),
            ("title", Value::text(&title)),
            ("role", Value::token(ROLES[j.min(ROLES.len() - 1)])),
            ("phone", Value::Text(phone(rng, facts.overseas))),
            (
                "email",
                Value::text(format!(
                    "c{}.{}@{}",
                    j + 1,
                    facts.id.to_ascii_lowercase(),
                    facts.domain
                )),
            ),
        ];
        if rng.chance(0.15) {
            row.push(("note", Value::text("技术选型时的关键支持者")));
        }
        rows.push(Value::Map(row));
        people.push((name, title));
    }
    (Value::List(rows), people)
}
