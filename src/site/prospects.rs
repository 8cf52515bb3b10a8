//! The prospects page: the MAN verdict and next action of every prospect and qualified record
//! (寻找潜在客户, MAN 法则).

use serde_json::{Value, json};

use super::context::Ctx;
use crate::analytics::ManCode;
use crate::model::Stage;
use crate::render::RenderError;
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
    let row = |e: &super::context::Entry| {
        json!({
            "customer": {"id": e.c.id, "name": e.c.name, "url": e.url},
            "owner": e.c.owner, "stage": ctx.coded(e.m.stage),
            "region": e.c.profile.region, "industry": e.c.profile.industry,
            "letters": e.m.man.as_ref().map(|v| v.letters.clone()),
        })
    };
    let groups: Vec<Value> = CODES
        .iter()
        .map(|code| {
            let rows: Vec<Value> = prospects
                .iter()
                .filter(|e| e.m.man.as_ref().is_some_and(|v| v.code == *code))
                .map(|e| row(e))
                .collect();
            json!({"code": code.as_str(), "label": ctx.label(*code), "customers": rows})
        })
        .collect();
    let unqualified: Vec<Value> = prospects
        .iter()
        .filter(|e| e.m.man.is_none())
        .map(|e| row(e))
        .collect();
    let mut files = Files::new();
    ctx.render_into(
        &mut files,
        "prospects",
        "prospects.html",
        &json!({
            "page": ctx.page(ctx.t("nav_prospects"), "prospects"),
            "count": prospects.len(),
            "groups": groups,
            "no_qualification": unqualified,
        }),
    )?;
    Ok(files)
}
