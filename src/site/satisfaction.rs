//! The satisfaction page: site CSI, its segments by region and kind with their shares, the
//! levels, and the customers who score low (客户满意度).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::context::{Ctx, Entry, Taxonomy};
use super::report_tables::{LIST_PAGE, LongTable, Rows};
use crate::analytics::{Level, Segment};
use crate::model::{Kind, Stage};
use crate::render::memo::fingerprint;
use crate::render::{RenderError, charts};
use crate::write::Files;

fn segments(ctx: &Ctx, list: &[Segment], region: bool) -> Vec<Value> {
    list.iter()
        .map(|s| {
            let name = match (&s.key, region) {
                (None, _) => ctx.t("no_region").to_string(),
                (Some(k), true) => k.clone(),
                (Some(k), false) => Kind::parse(k).map_or_else(|| k.clone(), |k| ctx.label(k)),
            };
            json!({
                "name": name,
                "url": s.key.as_ref().filter(|_| region).and_then(|k| ctx.term_url(Taxonomy::Region, k)),
                "customers": s.customers, "share": ctx.share(s.share),
                "csi": ctx.number(s.csi, 2), "level": ctx.coded(s.level),
            })
        })
        .collect()
}

pub(super) fn pages(ctx: &Ctx) -> Result<Files, RenderError> {
    let s = &ctx.a.satisfaction;
    // Active customers with a CSI, by level; and those below 满意 (CSI < 3.5), lowest first.
    let rated: Vec<&super::context::Entry> = ctx
        .customers
        .iter()
        .filter(|e| e.m.stage == Stage::Active && e.m.satisfaction.is_some())
        .collect();
    let mut by_level: BTreeMap<Level, usize> = BTreeMap::new();
    for e in &rated {
        if let Some(csi) = &e.m.satisfaction {
            *by_level.entry(csi.level).or_default() += 1;
        }
    }
    let levels: Vec<(Level, usize)> = [
        Level::VerySatisfied,
        Level::Satisfied,
        Level::FairlySatisfied,
        Level::Dissatisfied,
        Level::VeryDissatisfied,
    ]
    .into_iter()
    .map(|l| (l, by_level.get(&l).copied().unwrap_or(0)))
    .collect();
    let mut low: Vec<&super::context::Entry> = rated
        .iter()
        .copied()
        .filter(|e| {
            e.m.satisfaction
                .as_ref()
                .is_some_and(|c| c.level > Level::Satisfied)
        })
        .collect();
    low.sort_by(|a, b| {
        let (x, y) = (
            a.m.satisfaction.as_ref().map_or(0.0, |c| c.score),
            b.m.satisfaction.as_ref().map_or(0.0, |c| c.score),
        );
        x.total_cmp(&y).then_with(|| a.c.id.cmp(&b.c.id))
    });
    // Every customer in `low` has a survey (the filter above).
    let low_row = |e: &Entry| {
        let c = e.m.satisfaction.as_ref();
        json!({
            "customer": {"id": e.c.id, "name": e.c.name, "url": format!("{}#satisfaction", e.url)},
            "owner": e.c.owner, "region": e.c.profile.region,
            "csi": c.map(|c| ctx.number(c.score, 2)), "level": c.map(|c| ctx.coded(c.level)),
            "date": c.map(|c| ctx.date(c.date)),
            "trend": c.and_then(|c| c.trend).map(|t| format!("{}{}", if t > 0.0 { "+" } else { "" }, ctx.number(t, 2))),
            "open_complaints": e.m.complaints.open,
        })
    };
    // A row is its customer's list row (name, address, owner, region, open complaints) and
    // its survey.
    let low = Rows::lazy(
        low.len(),
        |i| fingerprint(&(ctx.row_inputs(low[i]), &low[i].m.satisfaction)),
        |i| low_row(low[i]),
    );
    let data: Vec<charts::Datum> = levels
        .iter()
        .map(|(l, n)| charts::Datum::new(ctx.label(*l), *n as f64, n.to_string()))
        .collect();
    let tick = |v: f64| ctx.number(v, 0);
    let chart = (!rated.is_empty()).then(|| {
        charts::count_chart(
            &charts::Chart {
                id: "chart-levels",
                title: ctx.t("level_distribution"),
                category: ctx.t("level"),
                ticks: &tick,
            },
            ctx.t("customer_count"),
            &data,
        )
    });
    let weights = &ctx.config.satisfaction.weights;
    let w = |x: u32| ctx.percent(f64::from(x) / 10_000.0);
    let mut files = Files::new();
    let low = LongTable {
        page: "satisfaction",
        key: "low",
        title: ctx.t("low_scorers"),
        rows: low,
        per_page: LIST_PAGE,
    }
    .render(ctx, &mut files)?;
    ctx.render_into(
        &mut files,
        "satisfaction",
        "satisfaction.html",
        &json!({
            "page": ctx.page(ctx.t("nav_satisfaction"), "satisfaction"),
            "overall": {
                "csi": s.csi.map(|c| ctx.number(c, 2)),
                "level": s.level.map(|l| ctx.coded(l)),
                "customers": s.customers,
            },
            "weights": {"product": w(weights.product), "service": w(weights.service),
                        "price": w(weights.price), "image": w(weights.image)},
            "by_region": segments(ctx, &s.by_region, true),
            "by_kind": segments(ctx, &s.by_kind, false),
            "levels": levels.iter().map(|(l, n)| json!({"level": ctx.coded(*l), "count": n})).collect::<Vec<_>>(),
            "chart": chart,
            "low": low,
        }),
    )?;
    Ok(files)
}
