//! The retention page: both rates per year, churn by reason, what churn cost, customer equity
//! and the win-back list (客户维系, 客户终身价值, 赢返流失客户).

use serde_json::{Value, json};

use super::context::Ctx;
use super::report_tables::{LIST_PAGE, LongTable, Rows};
use crate::analytics::{RateSource, ReasonCount};
use crate::audience::Group;
use crate::render::{RenderError, charts};
use crate::write::Files;

/// Both retention rates over the years, labelled: the material's 客户维系率 and the cohort
/// retention. `None` when no year has a rate.
pub(super) fn rates_chart(ctx: &Ctx, id: &str) -> Option<String> {
    let years = &ctx.a.retention.years;
    if years.iter().all(|y| y.rate.is_none()) {
        return None;
    }
    let labels: Vec<String> = years.iter().map(|y| y.year.to_string()).collect();
    let series =
        |name: &str, f: &dyn Fn(&crate::analytics::RetentionYear) -> Option<f64>| charts::Series {
            name: name.to_string(),
            points: years
                .iter()
                .map(|y| f(y).map(|v| (v, ctx.percent(v))))
                .collect(),
        };
    let tick = |v: f64| crate::render::format::percent(v, 0);
    Some(charts::line_chart(
        &charts::Chart {
            id,
            title: ctx.t("retention_rates_over_years"),
            category: ctx.t("year"),
            ticks: &tick,
        },
        &labels,
        &[
            series(ctx.t("retention_rate"), &|y| y.rate),
            series(ctx.t("cohort_rate"), &|y| y.cohort_rate),
        ],
        &charts::LineOptions {
            axis: charts::Axis::Fitted {
                bounds: (0.0, 1.0),
                min_step: 0.01,
            },
            equal: Some(ctx.t("rates_equal")),
        },
    ))
}

/// Churned customers of all years counted by churn reason, most frequent first (ties in the
/// order of the reasons' definition); `None` when no customer churned.
fn churn_reasons_chart(ctx: &Ctx) -> Option<String> {
    let mut totals: Vec<&ReasonCount> = ctx.a.retention.churn_reasons.total.iter().collect();
    if totals.iter().all(|r| r.count == 0) {
        return None;
    }
    totals.sort_by_key(|r| std::cmp::Reverse(r.count));
    let data: Vec<charts::Datum> = totals
        .iter()
        .map(|r| charts::Datum::new(ctx.label(r.reason), r.count as f64, r.count.to_string()))
        .collect();
    let tick = |v: f64| ctx.number(v, 0);
    Some(charts::count_chart(
        &charts::Chart {
            id: "chart-churn-reasons",
            title: ctx.t("churn_by_reason_chart"),
            category: ctx.t("reason"),
            ticks: &tick,
        },
        ctx.t("customer_count"),
        &data,
    ))
}

fn reasons(ctx: &Ctx, list: &[ReasonCount]) -> Vec<Value> {
    list.iter()
        .map(|r| {
            json!({
                "reason": ctx.coded(r.reason), "count": r.count,
                "revenue_lost": ctx.money(r.revenue_lost),
                "gross_profit_lost": ctx.money(r.gross_profit_lost),
            })
        })
        .collect()
}

pub(super) fn pages(ctx: &Ctx) -> Result<Files, RenderError> {
    let a = ctx.a;
    let opt_pct = |v: Option<f64>| ctx.opt_percent(v);
    let years: Vec<Value> = a
        .retention
        .years
        .iter()
        .map(|y| {
            json!({
                "year": y.year, "start": y.start, "new": y.new, "lost": y.lost, "end": y.end,
                "lost_from_start": y.lost_from_start,
                "rate": opt_pct(y.rate), "cohort_rate": opt_pct(y.cohort_rate),
                "churn_rate": opt_pct(y.churn_rate),
                "revenue_lost": ctx.money(y.revenue_lost),
                "gross_profit_lost": ctx.money(y.gross_profit_lost),
                "value_lost": ctx.money(y.value_lost),
            })
        })
        .collect();
    let by_year: Vec<Value> = a
        .retention
        .churn_reasons
        .by_year
        .iter()
        .filter(|y| y.reasons.iter().any(|r| r.count > 0))
        .map(|y| json!({"year": y.year, "reasons": reasons(ctx, &y.reasons)}))
        .collect();
    let rate = &a.clv.rate;
    let win_back: Vec<Value> = a
        .clv
        .win_back
        .iter()
        .map(|w| {
            json!({
                "rank": w.rank, "customer": ctx.link(&w.id),
                "churn_date": ctx.date(w.churn_date), "reason": ctx.coded(w.reason),
                "clv": ctx.money(w.clv), "clv_value": w.clv,
            })
        })
        .collect();
    let mut files = Files::new();
    let lost = lost_customers(ctx);
    let lost = LongTable {
        page: "retention",
        key: "lost",
        title: ctx.t("lost_customers"),
        rows: Rows::lazy(
            lost.len(),
            |i| lost_row_inputs(ctx, lost[i]),
            |i| lost_row(ctx, lost[i]),
        ),
        per_page: LIST_PAGE,
    }
    .render(ctx, &mut files)?;
    let win_back = LongTable {
        page: "retention",
        key: "win-back",
        title: ctx.t("win_back_list"),
        rows: if ctx.shows(Group::Sales) {
            win_back.into()
        } else {
            Vec::new().into()
        },
        per_page: LIST_PAGE,
    }
    .render(ctx, &mut files)?;
    ctx.render_into(
        &mut files,
        "retention",
        "retention.html",
        &json!({
            "page": ctx.page(ctx.t("nav_retention"), "retention"),
            "years": years,
            "chart": rates_chart(ctx, "chart-retention"),
            "reasons_total": reasons(ctx, &a.retention.churn_reasons.total),
            "churn_chart": churn_reasons_chart(ctx),
            "reasons_by_year": by_year,
            "clv": {
                "r": ctx.percent(rate.r),
                "r_unclamped": ctx.percent(rate.unclamped),
                "clamped": rate.r != rate.unclamped,
                "r_year": match rate.source { RateSource::CohortRetention { year } => Some(year), RateSource::Default => None },
                "d": ctx.percent(a.clv.discount_rate),
                "customer_equity": ctx.money(a.clv.customer_equity),
                "customers": a.clv.customers,
            },
            "win_back": win_back,
            "lost": lost,
        }),
    )?;
    Ok(files)
}

/// Every customer lost: (year lost, id), by year lost (the years of the retention table), then
/// as the analysis lists them.
fn lost_customers<'a>(ctx: &Ctx<'a>) -> Vec<(i32, &'a str)> {
    ctx.a
        .retention
        .years
        .iter()
        .flat_map(|y| y.lost_ids.iter().map(move |id| (y.year, id.as_str())))
        .collect()
}

/// What [`lost_row`] is made of: its year, its customer's row in the lists (name, address,
/// owner, region among the rest) and the record's churn.
fn lost_row_inputs(ctx: &Ctx, (year, id): (i32, &str)) -> u64 {
    let e = ctx.entry(id);
    crate::render::memo::fingerprint(&(
        year,
        id,
        e.map(|e| ctx.row_inputs(e)),
        e.and_then(|e| e.c.churn.as_ref()),
    ))
}

/// A row of the customers lost.
fn lost_row(ctx: &Ctx, (year, id): (i32, &str)) -> Value {
    let churn = ctx.entry(id).and_then(|e| e.c.churn.as_ref());
    json!({
        "year": year,
        "customer": ctx.link(id),
        "region": ctx.entry(id).and_then(|e| e.c.profile.region.as_deref()),
        "churn_date": churn.map(|c| ctx.date(c.date)),
        "reason": churn.map(|c| ctx.coded(c.reason)),
    })
}
