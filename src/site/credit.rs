//! The credit page: the grade distribution and the watchlist of customers with credit warnings
//! or notched-down grades, each with its reasons (信用等级, 老客户信用变化的征兆).

use serde_json::{Value, json};

use super::context::{Ctx, Entry, Taxonomy};
use super::report_tables::{LIST_PAGE, LongTable, Rows};
use crate::analytics::Notch;
use crate::render::RenderError;
use crate::write::Files;

/// The reasons of a grade's notches, as `{kind, text}` with labels of the site's language.
pub(super) fn notch_reasons(ctx: &Ctx, notches: &[Notch]) -> Vec<Value> {
    notches
        .iter()
        .map(|n| match n {
            Notch::Warnings { category, warnings } => json!({
                "kind": "warnings",
                "text": format!(
                    "{}: {}",
                    ctx.label(*category),
                    warnings.iter().map(|w| ctx.label(*w)).collect::<Vec<_>>().join(", ")
                ),
            }),
            Notch::PaymentDelay {
                threshold_days,
                delay_days,
            } => json!({
                "kind": "payment_delay",
                "text": match delay_days {
                    Some(days) => format!(
                        "{} D = {} {} > {}",
                        ctx.t("payment_delay"),
                        ctx.number(*days, 1),
                        ctx.t("days"),
                        ctx.number(*threshold_days, 0)
                    ),
                    None => format!(
                        "{} D > {} {}",
                        ctx.t("payment_delay"),
                        ctx.number(*threshold_days, 0),
                        ctx.t("days"),
                    ),
                },
            }),
        })
        .collect()
}

/// The watch list: a warning, at least one notch, or an amount over the limit; most notches
/// first, then id.
pub(super) fn watched<'c, 'a>(ctx: &'c Ctx<'a>) -> Vec<&'c super::context::Entry<'a>> {
    let mut watch: Vec<&super::context::Entry> = ctx
        .customers
        .iter()
        .filter(|e| {
            let cm = &e.m.credit;
            !cm.warnings.is_empty()
                || cm.rating.as_ref().is_some_and(|r| !r.notches.is_empty())
                || cm.over_limit.is_some()
        })
        .collect();
    let notches =
        |e: &super::context::Entry| e.m.credit.rating.as_ref().map_or(0, |r| r.notches.len());
    watch.sort_by(|a, b| {
        notches(b)
            .cmp(&notches(a))
            .then_with(|| a.c.id.cmp(&b.c.id))
    });
    watch
}

pub(super) fn pages(ctx: &Ctx) -> Result<Files, RenderError> {
    let total = ctx.a.customers.len().max(1) as f64;
    let distribution: Vec<Value> = super::dashboard::grade_counts(ctx)
        .into_iter()
        .map(|(g, n)| {
            json!({
                "grade": g, "label": ctx.grade_label(&g), "count": n,
                "share": ctx.share(n as f64 / total),
                "url": ctx.term_url(Taxonomy::Grade, &g),
            })
        })
        .collect();

    let watched = watched(ctx);
    let watchlist = Rows::lazy(
        watched.len(),
        |i| watch_row_inputs(ctx, watched[i]),
        |i| watch_row(ctx, watched[i]),
    );

    let c = &ctx.config.credit;
    let mut files = Files::new();
    let watchlist = LongTable {
        page: "credit",
        key: "watchlist",
        title: ctx.t("watchlist"),
        rows: watchlist,
        per_page: LIST_PAGE,
    }
    .render(ctx, &mut files)?;
    ctx.render_into(
        &mut files,
        "credit",
        "credit.html",
        &json!({
            "page": ctx.page(ctx.t("nav_credit"), "credit"),
            "distribution": distribution,
            "chart": super::dashboard::grade_chart(ctx, "chart-grades"),
            "watchlist": watchlist,
            "scale": match c.scale { crate::config::CreditScale::Nine => "nine", crate::config::CreditScale::Three => "three" },
            "weights": c.weights.as_array().iter().zip([
                "five_c_character", "five_c_capacity", "five_c_capital", "five_c_collateral", "five_c_conditions",
            ]).map(|(w, k)| json!({"label": ctx.t(k), "weight": ctx.percent(f64::from(*w) / 10_000.0)})).collect::<Vec<_>>(),
            "delay_thresholds": c.delay_notches.iter().map(|t| ctx.number(*t, 0)).collect::<Vec<_>>(),
        }),
    )?;
    Ok(files)
}

/// What [`watch_row`] is made of: the customer's row in the lists (name, address, owner,
/// stage, grade among the rest) and the credit figures the row shows.
fn watch_row_inputs(ctx: &Ctx, e: &Entry) -> u64 {
    let cm = &e.m.credit;
    crate::render::memo::fingerprint(&(
        ctx.row_inputs(e),
        &cm.rating,
        &cm.warnings,
        cm.payment_delay.as_ref().map(|d| d.days),
        cm.outstanding,
        cm.limit_use,
        cm.over_limit,
    ))
}

/// A row of the watch list: a customer with notches, warnings or a limit overrun.
fn watch_row(ctx: &Ctx, e: &Entry) -> Value {
    let cm = &e.m.credit;
    let rating = cm.rating.as_ref();
    json!({
        "customer": {"id": e.c.id, "name": e.c.name, "url": format!("{}#credit", e.url)},
        "owner": e.c.owner,
        "stage": ctx.coded(e.m.stage),
        "base": rating.map(|r| r.base.as_str()),
        "points": rating.map(|r| ctx.number(r.points, 1)),
        "grade": ctx.grade_label(&cm.display),
        "notches": rating.map_or_else(Vec::new, |r| notch_reasons(ctx, &r.notches)),
        "warnings": cm.warnings.iter().map(|w| ctx.label(*w)).collect::<Vec<_>>(),
        "delay": cm.payment_delay.as_ref().map(|d| ctx.number(d.days, 1)),
        "outstanding": ctx.money(cm.outstanding),
        "outstanding_value": cm.outstanding,
        "limit_use": ctx.opt_percent(cm.limit_use),
        "limit_use_value": cm.limit_use,
        "over_limit": cm.limit_use.is_some_and(|u| u > 1.0),
        "over_by": ctx.opt_money(cm.over_limit),
    })
}
