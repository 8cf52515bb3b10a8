//! The key-customer page: the four top-N tables site-wide, per region and per owner, and the
//! ABC analysis with its Pareto chart and the measured top-20% shares (重点客户排行, 二八法则).

use serde::Serialize;
use serde_json::{Value, json};

use super::context::{Ctx, Link, Taxonomy};
use super::report_tables::{LIST_PAGE, LongTable, Rows};
use crate::analytics::{AbcEntry, GroupRankings, RankEntry, RankingTables};
use crate::model::Class;
use crate::render::{RenderError, charts};
use crate::write::Files;

/// The four rankings in page order: key (anchor and i18n key) and whether values are money.
pub(super) const RANKINGS: [(&str, bool); 4] = [
    ("revenue", true),
    ("achievement", false),
    ("growth", false),
    ("margin", false),
];

pub(super) fn table<'t>(tables: &'t RankingTables, key: &str) -> &'t [RankEntry] {
    match key {
        "revenue" => &tables.revenue,
        "achievement" => &tables.achievement,
        "growth" => &tables.growth,
        _ => &tables.margin,
    }
}

/// The top N rows of each of the four tables: `[{key, label, rows: [{rank, customer, value}]}]`.
pub(super) fn top_tables(ctx: &Ctx, tables: &RankingTables) -> Vec<Value> {
    let top = ctx.a.rankings.top;
    RANKINGS
        .iter()
        .map(|(key, money)| {
            let entries = table(tables, key);
            let rows: Vec<Value> = entries
                .iter()
                .take(top)
                .map(|r| {
                    let value = if *money {
                        ctx.money(r.value)
                    } else {
                        ctx.percent(r.value)
                    };
                    json!({"rank": r.rank, "customer": ctx.link(&r.id), "value": value})
                })
                .collect();
            json!({"key": key, "label": ctx.t(key), "rows": rows, "ranked": entries.len()})
        })
        .collect()
}

/// Bars of the Pareto chart: one per customer up to this many, else groups of customers.
const PARETO_BARS: usize = 40;

fn pareto_chart(ctx: &Ctx) -> Option<String> {
    let entries = &ctx.a.abc.customers;
    if entries.is_empty() {
        return None;
    }
    let name = |id: &str| ctx.entry(id).map_or(id, |e| e.c.name.as_str()).to_string();
    let data: Vec<charts::Datum> = if entries.len() <= PARETO_BARS {
        entries
            .iter()
            .map(|e| charts::Datum::new(name(&e.id), e.revenue, ctx.money(e.revenue)))
            .collect()
    } else {
        // Twenty groups of consecutive customers in revenue order, labelled by rank range.
        let n = entries.len();
        (0..20)
            .filter_map(|g| {
                let (lo, hi) = (g * n / 20, (g + 1) * n / 20);
                (hi > lo).then(|| {
                    let sum = crate::analytics::exact::value(crate::analytics::exact::sum(
                        entries[lo..hi]
                            .iter()
                            .map(|e| crate::analytics::exact::money(e.revenue)),
                    ));
                    charts::Datum::new(format!("{}–{}", lo + 1, hi), sum, ctx.money(sum))
                })
            })
            .collect()
    };
    let tick = |v: f64| ctx.money_tick(v);
    let pct = |v: f64| ctx.share(v);
    Some(charts::pareto(
        &charts::Chart {
            id: "chart-pareto",
            title: ctx.t("pareto_title"),
            category: if entries.len() <= PARETO_BARS {
                ctx.t("customer")
            } else {
                ctx.t("revenue_rank")
            },
            ticks: &tick,
        },
        ctx.t("revenue"),
        ctx.t("cumulative_share"),
        &pct,
        &data,
    ))
}

/// Per class: count and share of revenue (from the cumulative shares of the analysis).
fn class_summary(ctx: &Ctx) -> Vec<Value> {
    let abc = &ctx.a.abc;
    let mut before = 0.0;
    Class::ALL
        .iter()
        .map(|class| {
            let last = abc.customers.iter().rev().find(|e| e.class == *class);
            let upto = last.map_or(before, |e| e.cumulative_share);
            let share = upto - before;
            before = upto;
            let count = match class {
                Class::A => abc.counts.a,
                Class::B => abc.counts.b,
                Class::C => abc.counts.c,
            };
            json!({"class": class.as_str(), "count": count, "share": ctx.share(share)})
        })
        .collect()
}

pub(super) fn pages(ctx: &Ctx) -> Result<Files, RenderError> {
    let a = ctx.a;
    let group = |key: &Option<String>, tables: &RankingTables, t: Taxonomy| {
        json!({
            "name": key.clone().unwrap_or_else(|| ctx.t("no_region").to_string()),
            "url": key.as_ref().and_then(|k| ctx.term_url(t, k)),
            "slug": key.as_ref().and_then(|k| ctx.terms.slug(t, k)).unwrap_or("~none"),
            "tables": top_tables(ctx, tables),
        })
    };
    let regions: Vec<Value> = a
        .rankings
        .by_region
        .iter()
        .map(|g| group(&g.key, &g.tables, Taxonomy::Region))
        .collect();
    let mut files = Files::new();
    let owners: Vec<Value> = a
        .rankings
        .by_owner
        .iter()
        .map(|g| owner_rankings(ctx, g))
        .collect();
    let abc = &a.abc.customers;
    let abc_table = LongTable {
        page: "rankings",
        key: "abc-list",
        title: ctx.t("abc_list"),
        rows: Rows::lazy(
            abc.len(),
            |i| abc_row_inputs(ctx, &abc[i]),
            |i| abc_row(ctx, &abc[i]),
        ),
        per_page: LIST_PAGE,
    }
    .render(ctx, &mut files)?;
    let top20 = a.abc.top20.as_ref().map(|t| {
        json!({
            "customers": t.customers, "top": t.top,
            "revenue_share": ctx.share(t.revenue_share),
            "gross_profit_share": ctx.opt_share(t.gross_profit_share),
        })
    });
    ctx.render_into(
        &mut files,
        "rankings",
        "rankings.html",
        &json!({
            "page": ctx.page(ctx.t("nav_rankings"), "rankings"),
            "top": a.rankings.top,
            "year": a.year(),
            "site_wide": top_tables(ctx, &a.rankings.site),
            "regions": regions,
            "owners": owners,
            "abc": {
                "total_revenue": ctx.money(a.abc.total_revenue),
                "classes": class_summary(ctx),
                "table": abc_table,
                "top20": top20,
                "chart": pareto_chart(ctx),
            },
        }),
    )?;
    Ok(files)
}

/// What [`abc_row`] is made of: the ABC entry and the customer's row in the lists (its name,
/// address, owner and region among the rest).
fn abc_row_inputs(ctx: &Ctx, e: &AbcEntry) -> u64 {
    let customer = ctx.entry(&e.id).map(|c| ctx.row_inputs(c));
    crate::render::memo::fingerprint(&(e, customer))
}

/// A row of the ABC list, every customer with revenue in revenue order: the revenue ranking.
/// A row type of its own, serialised straight into the template's values: at 10k the list has
/// as many rows as customers, and a saved revenue moves every cumulative share.
#[derive(Clone, Serialize)]
struct AbcRow<'a> {
    rank: usize,
    customer: Link<'a>,
    region: Option<&'a str>,
    revenue: String,
    revenue_value: f64,
    share: String,
    share_value: f64,
    cumulative_before: String,
    cumulative_before_value: f64,
    cumulative: String,
    cumulative_value: f64,
    class: &'static str,
}

fn abc_row<'s>(ctx: &'s Ctx, e: &'s AbcEntry) -> AbcRow<'s> {
    let customer = ctx.entry(&e.id);
    let share = e.cumulative_share - e.cumulative_share_before;
    AbcRow {
        rank: e.rank,
        customer: ctx.link_to(&e.id),
        region: customer.and_then(|c| c.c.profile.region.as_deref()),
        revenue: ctx.money(e.revenue),
        revenue_value: e.revenue,
        share: ctx.share(share),
        share_value: share,
        cumulative_before: ctx.share(e.cumulative_share_before),
        cumulative_before_value: e.cumulative_share_before,
        cumulative: ctx.share(e.cumulative_share),
        cumulative_value: e.cumulative_share,
        class: e.class.as_str(),
    }
}

/// An owner's entry of the rankings page: the owner's four top-N tables are on the owner's
/// page (`owners/<slug>/#rankings`); all of them here would make this page grow with the sales
/// team.
fn owner_rankings(ctx: &Ctx, g: &GroupRankings) -> Value {
    let name = g.key.clone().unwrap_or_default();
    let url = ctx.term_url(Taxonomy::Owner, &name);
    json!({
        "name": name,
        "rankings_url": url.as_ref().map(|u| format!("{u}#rankings")),
        "url": url,
        "ranked": g.tables.revenue.len(),
    })
}
