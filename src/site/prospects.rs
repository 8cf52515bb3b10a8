//! The prospects page: the MAN verdict and next action of every prospect and qualified record
//! (寻找潜在客户, MAN 法则).

use serde_json::{Value, json};

use super::context::Ctx;
use super::report_tables::{LIST_PAGE, LongTable, Rows};
use crate::analytics::ManCode;
use crate::model::Stage;
use crate::render::RenderError;
use crate::render::memo::fingerprint;
use crate::write::Files;

const CODES: [ManCode; 7] = [
    ManCode::Ideal,
    ManCode::SkilledSelling,
    ManCode::FindAuthority,
    ManCode::CheckCredit,
    ManCode::Nurture,
    ManCode::Stop,
    ManCode::NotYetQualified,
];

pub(super) fn pages(ctx: &Ctx) -> Result<Files, RenderError> {
    let prospects: Vec<&super::context::Entry> = ctx
        .customers
        .iter()
        .filter(|e| matches!(e.m.stage, Stage::Prospect | Stage::Qualified))
        .collect();
    let verdict = |e: &super::context::Entry| {
        e.m.man
            .as_ref()
            .and_then(|v| CODES.iter().position(|c| *c == v.code))
            .unwrap_or(CODES.len())
    };
    let row = |e: &super::context::Entry| {
        let man = e.m.man.as_ref();
        json!({
            "customer": {"id": e.c.id, "name": e.c.name, "url": e.url},
            "owner": e.c.owner, "stage": ctx.coded(e.m.stage),
            "region": e.c.profile.region, "industry": e.c.profile.industry,
            "letters": man.map(|v| v.letters.clone()),
            "verdict": man.map_or_else(|| ctx.t("no_qualification").to_string(), |v| ctx.label(v.code)),
            "verdict_order": verdict(e),
        })
    };
    let groups: Vec<Value> = CODES
        .iter()
        .map(|code| {
            let count = prospects
                .iter()
                .filter(|e| e.m.man.as_ref().is_some_and(|v| v.code == *code))
                .count();
            let label = ctx.label(*code);
            json!({"code": code.as_str(), "url": verdict_view(&label), "label": label, "count": count})
        })
        .collect();
    let unqualified = prospects.iter().filter(|e| e.m.man.is_none()).count();
    // One table, by verdict in the order of the MAN rule, then by id.
    let mut ordered = prospects.clone();
    ordered.sort_by_key(|e| verdict(e));
    let mut files = Files::new();
    let table = LongTable {
        page: "prospects",
        key: "verdicts",
        title: ctx.t("nav_prospects"),
        // A row is its customer's list row (name, address, owner, stage, region, industry)
        // and its MAN verdict.
        rows: Rows::lazy(
            ordered.len(),
            |i| fingerprint(&(ctx.row_inputs(ordered[i]), &ordered[i].m.man)),
            |i| row(ordered[i]),
        ),
        per_page: LIST_PAGE,
    }
    .render(ctx, &mut files)?;
    ctx.render_into(
        &mut files,
        "prospects",
        "prospects.html",
        &json!({
            "page": ctx.page(ctx.t("nav_prospects"), "prospects"),
            "count": prospects.len(),
            "groups": groups,
            "no_qualification": {"label": ctx.t("no_qualification"), "url": verdict_view(ctx.t("no_qualification")), "count": unqualified},
            "table": table,
        }),
    )?;
    Ok(files)
}

/// The prospect table filtered to one verdict (by `dossier.js`; without it, the whole table).
fn verdict_view(label: &str) -> String {
    format!(
        "?verdict={}#verdicts",
        crate::render::urls::encode_path(label)
    )
}
