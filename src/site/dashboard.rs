//! The home dashboard: the site's headline figures, each linking to the page that explains it.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::context::{Ctx, Taxonomy, grade_order};
use crate::audience::Group;
use crate::model::Stage;
use crate::render::{RenderError, charts};
use crate::write::Files;

/// A headline figure: `value` formatted; `url` the page or anchor that explains it.
fn stat(label: &str, value: String, url: Option<String>, note: Option<String>) -> Value {
    json!({"label": label, "value": value, "url": url, "note": note})
}

pub(super) fn pages(ctx: &Ctx) -> Result<Files, RenderError> {
    let a = ctx.a;
    let year = a.year();

    // Customers by stage (as of the date).
    let mut by_stage: BTreeMap<Stage, usize> = BTreeMap::new();
    for m in &a.customers {
        *by_stage.entry(m.stage).or_default() += 1;
    }
    let stages: Vec<Value> = Stage::ALL
        .iter()
        .map(|s| {
            stat(
                &ctx.label(*s),
                ctx.number(by_stage.get(s).copied().unwrap_or(0) as f64, 0),
                ctx.term_url(Taxonomy::Stage, s.as_str()),
                None,
            )
        })
        .collect();

    // Site revenue per year: Σ revenue of every sales row of that year (all records).
    let revenue_by_year = site_revenue_by_year(ctx);
    let revenue_y = revenue_by_year.get(&year).copied();
    let revenue_prev = revenue_by_year.get(&(year - 1)).copied();
    let growth = match (revenue_y, revenue_prev) {
        (Some(y), Some(p)) if p > 0.0 => Some((y - p) / p),
        _ => None,
    };

    let last = a.retention.years.last();
    let equity = a.clv.customer_equity;
    let sat = &a.satisfaction;
    let complaints = &a.complaints;
    let top20 = a.abc.top20.as_ref();

    let figures = vec![
        (
            Some(Group::Sales),
            stat(
                &format!("{} {year}", ctx.t("site_revenue")),
                revenue_y.map_or_else(|| "–".into(), |v| ctx.money(v)),
                Some(ctx.url("rankings")),
                growth.map(|g| format!("{} {}", ctx.t("growth"), signed_percent(ctx, g))),
            ),
        ),
        (
            None,
            stat(
                &format!("{} {year}", ctx.t("retention_rate")),
                last.and_then(|y| y.rate)
                    .map_or_else(|| "–".into(), |r| ctx.percent(r)),
                Some(ctx.url("retention") + "#rates"),
                last.and_then(|y| y.cohort_rate)
                    .map(|r| format!("{} {}", ctx.t("cohort_rate"), ctx.percent(r))),
            ),
        ),
        (
            None,
            stat(
                &format!("{} {year}", ctx.t("churned_customers")),
                ctx.number(last.map_or(0, |y| y.lost) as f64, 0),
                Some(ctx.url("retention") + "#churn"),
                last.and_then(|y| y.churn_rate)
                    .map(|r| format!("{} {}", ctx.t("churn_rate"), ctx.percent(r))),
            ),
        ),
        (
            Some(Group::Sales),
            stat(
                &format!("{} {year}", ctx.t("value_lost")),
                ctx.money(last.map_or(0.0, |y| y.value_lost)),
                Some(ctx.url("retention") + "#rates"),
                last.map(|y| format!("{} {}", ctx.t("revenue_lost"), ctx.money(y.revenue_lost))),
            ),
        ),
        (
            Some(Group::Sales),
            stat(
                ctx.t("customer_equity"),
                ctx.money(equity),
                Some(ctx.url("retention") + "#clv"),
                Some(format!(
                    "{} {}",
                    ctx.number(a.clv.customers as f64, 0),
                    ctx.t("customers_with_clv")
                )),
            ),
        ),
        (
            Some(Group::Satisfaction),
            stat(
                ctx.t("site_csi"),
                sat.csi.map_or_else(|| "–".into(), |c| ctx.number(c, 2)),
                Some(ctx.url("satisfaction")),
                sat.level.map(|l| ctx.label(l)),
            ),
        ),
        (
            Some(Group::Complaints),
            stat(
                ctx.t("open_complaints"),
                ctx.number(complaints.total.open as f64, 0),
                Some(ctx.url("service") + "#open-complaints"),
                Some(format!(
                    "{} {}",
                    ctx.t("alerts"),
                    ctx.number(complaints.alerts.len() as f64, 0)
                )),
            ),
        ),
        (
            Some(Group::Visits),
            stat(
                ctx.t("overdue_visits"),
                ctx.number(a.visits.overdue as f64, 0),
                Some(ctx.url("service") + "#visits"),
                Some(overdue_note(ctx)),
            ),
        ),
        (
            Some(Group::Visits),
            stat(
                ctx.t("visit_plan"),
                ctx.number(a.visits.due_soon.len() as f64, 0),
                Some(ctx.url("service") + "#visit-plan"),
                None,
            ),
        ),
    ];
    let mut figures: Vec<Value> = figures
        .into_iter()
        .filter(|(group, _)| group.is_none_or(|g| ctx.shows(g)))
        .map(|(_, figure)| figure)
        .collect();
    if let Some(top) = top20 {
        figures.push(stat(
            ctx.t("top20_revenue_share"),
            ctx.share(top.revenue_share),
            Some(ctx.url("rankings") + "#abc"),
            top.gross_profit_share
                .map(|s| format!("{} {}", ctx.t("top20_gross_profit_share"), ctx.share(s))),
        ));
    }

    let mut charts_list = Vec::new();
    if !revenue_by_year.is_empty() && ctx.shows(Group::Sales) {
        let shown = || revenue_by_year.iter().filter(|(y, _)| **y <= year);
        // The bars' labels side by side read alike: 230.0万 beside 398.5万.
        let decimals = crate::render::format::money_decimals(shown().map(|(_, v)| *v));
        let data: Vec<charts::Datum> = shown()
            .map(|(y, v)| charts::Datum::new(y.to_string(), *v, ctx.money_fixed(*v, decimals)))
            .collect();
        let tick = |v: f64| ctx.money_tick(v);
        charts_list.push(json!({
            "id": "revenue", "heading": ctx.t("site_revenue_by_year"), "note": ctx.t("site_revenue_note"),
            "url": ctx.url("rankings"),
            "svg": charts::bar_chart(
                &charts::Chart { id: "chart-revenue", title: ctx.t("site_revenue_by_year"), category: ctx.t("year"), ticks: &tick },
                ctx.t("revenue"), &data),
        }));
    }
    if let Some(svg) = super::retention::rates_chart(ctx, "chart-home-retention") {
        charts_list.push(json!({
            "id": "retention", "heading": ctx.t("retention_rates_over_years"),
            "note": ctx.t("retention_rates_note"),
            "url": ctx.url("retention") + "#rates", "svg": svg,
        }));
    }
    if ctx.shows(Group::Credit) {
        charts_list.push(json!({
            "id": "grades", "heading": ctx.t("grade_distribution"), "note": null,
            "url": ctx.url("credit") + "#distribution",
            "svg": grade_chart(ctx, "chart-home-grades"),
        }));
    }

    // Recently changed records.
    let titles: BTreeMap<&str, (&str, String)> = ctx
        .customers
        .iter()
        .map(|e| (e.c.source.path.as_str(), (e.c.name.as_str(), e.url.clone())))
        .chain(ctx.site.playbooks.iter().map(|p| {
            (
                p.source.path.as_str(),
                (
                    p.title.as_str(),
                    ctx.url(&crate::render::urls::playbook_page(&p.source.slug)),
                ),
            )
        }))
        .collect();
    let recent: Vec<Value> = ctx
        .history
        .recent(10, |p| titles.contains_key(p))
        .into_iter()
        .map(|(path, h)| {
            let (title, url) = &titles[path];
            json!({"title": title, "url": url, "date": h.last_changed.to_string(),
                "date_display": crate::render::format::date(h.last_changed, ctx.lang),
                "author": h.last_author})
        })
        .collect();

    let mut files = Files::new();
    ctx.render_into(
        &mut files,
        "",
        "index.html",
        &json!({
            "page": ctx.page(&ctx.config.title, "home"),
            "total": stat(ctx.t("customer_count"), ctx.number(a.customers.len() as f64, 0), Some(ctx.url("customers")), None),
            "stages": stages,
            "stats": figures,
            "charts": charts_list,
            "recent": recent,
            "overdue_by_owner": overdue_by_owner(ctx),
            "latest_change": ctx.history.recent.latest().map(|c| super::changes::commit(ctx, c)),
            "changes_url": super::changes::url(ctx),
        }),
    )?;
    Ok(files)
}

/// The account managers with overdue visits, most first (ties by name): `{owner, url, count,
/// never}`; empty in a site without visits.
fn overdue_by_owner(ctx: &Ctx) -> Vec<Value> {
    let mut owners: Vec<(&str, usize, usize)> = ctx
        .a
        .visits
        .by_owner
        .iter()
        .map(|o| (o.owner.as_str(), o.customers.len(), o.never_visited()))
        .collect();
    owners.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    owners
        .into_iter()
        .map(|(owner, count, never)| {
            json!({
                "owner": owner, "count": count, "never": never,
                "url": ctx.term_url(Taxonomy::Owner, owner).map(|u| u + "#owner-overdue"),
            })
        })
        .collect()
}

/// Σ revenue per sales year over every record's rows.
pub(super) fn site_revenue_by_year(ctx: &Ctx) -> BTreeMap<i32, f64> {
    let mut by_year: BTreeMap<i32, i128> = BTreeMap::new();
    for e in &ctx.customers {
        for s in &e.c.sales {
            let total = by_year.entry(s.year).or_default();
            *total = total.saturating_add(crate::analytics::exact::money(s.revenue));
        }
    }
    by_year
        .into_iter()
        .map(|(y, v)| (y, crate::analytics::exact::value(v)))
        .collect()
}

/// "of N active", and the overdue per ABC class where the audience sees classes.
fn overdue_note(ctx: &Ctx) -> String {
    let v = &ctx.a.visits;
    let active = format!("{} {}", ctx.t("of_active"), ctx.number(v.active as f64, 0));
    if !ctx.shows(Group::Sales) {
        return active;
    }
    let c = &v.overdue_by_class;
    format!(
        "{active} · A {} · B {} · C {} · {} {}",
        c.a,
        c.b,
        c.c,
        ctx.t("unclassed"),
        c.unclassed
    )
}

fn signed_percent(ctx: &Ctx, share: f64) -> String {
    let text = ctx.percent(share);
    if share > 0.0 {
        format!("+{text}")
    } else {
        text
    }
}

/// Customers per displayed grade (all records), best first, `unrated` last.
pub(super) fn grade_counts(ctx: &Ctx) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &ctx.a.customers {
        *counts.entry(m.credit.display.as_str()).or_default() += 1;
    }
    grade_order(ctx.a)
        .into_iter()
        .map(|g| {
            let n = counts.get(g.as_str()).copied().unwrap_or(0);
            (g, n)
        })
        .collect()
}

pub(super) fn grade_chart(ctx: &Ctx, id: &str) -> String {
    let data: Vec<charts::Datum> = grade_counts(ctx)
        .into_iter()
        .map(|(g, n)| charts::Datum::new(ctx.grade_label(&g), n as f64, n.to_string()))
        .collect();
    let tick = |v: f64| ctx.number(v, 0);
    charts::count_chart(
        &charts::Chart {
            id,
            title: ctx.t("grade_distribution"),
            category: ctx.t("grade"),
            ticks: &tick,
        },
        ctx.t("customer_count"),
        &data,
    )
}
