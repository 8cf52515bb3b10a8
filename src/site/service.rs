//! The service page: complaint statistics, open complaints and alerts, and overdue visits by
//! owner (客户投诉, 巡视管理).

use serde_json::{Value, json};

use super::context::{Ctx, Taxonomy};
use super::report_tables::{LongTable, Rows};
use crate::analytics::service::UNSPECIFIED;
use crate::analytics::service::{ComplaintAlert, DueEntry, OverdueEntry};
use crate::analytics::{ComplaintGroup, OpenComplaint};
use crate::audience::Group;
use crate::model::{ComplaintCategory, ComplaintSeverity};
use crate::render::RenderError;
use crate::write::Files;

/// Rows a page of the service page's four long tables: four pages of 100 would be about 200 KB.
const SERVICE_PAGE: usize = 50;

fn group(ctx: &Ctx, g: &ComplaintGroup, label: String) -> Value {
    json!({
        "key": g.key, "label": label, "open": g.open, "closed_in_year": g.closed_in_year,
        "mean_days": g.mean_resolution_days.map(|d| ctx.number(d, 1)),
    })
}

pub(super) fn open_complaint(ctx: &Ctx, x: &OpenComplaint) -> Value {
    json!({
        "opened": ctx.date(x.opened), "days_open": x.days_open,
        "category": x.category.map(|v| ctx.coded(v)),
        "severity": x.severity.map(|v| ctx.coded(v)),
        "summary": x.summary,
    })
}

pub(super) fn pages(ctx: &Ctx) -> Result<Files, RenderError> {
    let s = &ctx.a.complaints;
    let unspecified = || ctx.t("unspecified").to_string();
    let by_category: Vec<Value> = s
        .by_category
        .iter()
        .map(|g| {
            let label = ComplaintCategory::parse(&g.key).map_or_else(unspecified, |c| ctx.label(c));
            group(ctx, g, label)
        })
        .collect();
    let by_severity: Vec<Value> = s
        .by_severity
        .iter()
        .map(|g| {
            let label = ComplaintSeverity::parse(&g.key).map_or_else(unspecified, |c| ctx.label(c));
            group(ctx, g, label)
        })
        .collect();
    debug_assert!(UNSPECIFIED == "unspecified");

    // Every open complaint, oldest first, then by customer id.
    let mut open: Vec<(&super::context::Entry, &OpenComplaint)> = ctx
        .customers
        .iter()
        .flat_map(|e| e.m.complaints.open_complaints.iter().map(move |x| (e, x)))
        .collect();
    open.sort_by(|a, b| {
        a.1.opened
            .cmp(&b.1.opened)
            .then_with(|| a.0.c.id.cmp(&b.0.c.id))
    });
    let open: Vec<Value> = open
        .into_iter()
        .map(|(e, x)| {
            let mut v = open_complaint(ctx, x);
            v["customer"] = json!({"id": e.c.id, "name": e.c.name, "url": format!("{}#complaints", e.url), "owner": e.c.owner});
            v
        })
        .collect();
    let alerts: Vec<Value> = s.alerts.iter().map(|a| alert_row(ctx, a)).collect();
    let v = &ctx.a.visits;
    // One table of every overdue customer, the owners in the analysis' order.
    let overdue: Vec<(&str, &OverdueEntry)> = v
        .by_owner
        .iter()
        .flat_map(|o| o.customers.iter().map(|c| (o.owner.as_str(), c)))
        .collect();
    let overdue = Rows::lazy(
        overdue.len(),
        |i| {
            let (owner, c) = overdue[i];
            visit_row_inputs(ctx, owner, &c.id, c)
        },
        |i| overdue_row(ctx, overdue[i].0, overdue[i].1),
    );
    let due_soon = &v.due_soon;
    let due_soon = Rows::lazy(
        due_soon.len(),
        |i| visit_row_inputs(ctx, &due_soon[i].owner, &due_soon[i].id, &due_soon[i]),
        |i| due_soon_row(ctx, &due_soon[i]),
    );
    let mut files = Files::new();
    let mut table = |key: &'static str, title: &'static str, rows: Rows| {
        LongTable {
            page: "service",
            key,
            title: ctx.t(title),
            rows,
            per_page: SERVICE_PAGE,
        }
        .render(ctx, &mut files)
    };
    // An audience that may not see a group has no rows of it (and no rows file) whatsoever.
    fn only<'r>(ctx: &Ctx, group: Group, rows: Rows<'r>) -> Rows<'r> {
        if ctx.shows(group) {
            rows
        } else {
            Vec::new().into()
        }
    }
    let alerts = table(
        "alerts",
        "alerts",
        only(ctx, Group::Complaints, alerts.into()),
    )?;
    let open = table(
        "open-complaints",
        "open_complaints",
        only(ctx, Group::Complaints, open.into()),
    )?;
    let overdue = table(
        "visits",
        "overdue_visits",
        only(ctx, Group::Visits, overdue),
    )?;
    let due_soon = table(
        "visit-plan",
        "visit_plan",
        only(ctx, Group::Visits, due_soon),
    )?;
    let by_class = &v.overdue_by_class;
    let iv = &ctx.config.visits.interval_days;
    ctx.render_into(
        &mut files,
        "service",
        "service.html",
        &json!({
            "page": ctx.page(ctx.t("nav_service"), "service"),
            "year": ctx.a.year(),
            "total": group(ctx, &s.total, ctx.t("total").to_string()),
            "by_category": by_category,
            "by_severity": by_severity,
            "open": open,
            "alerts": alerts,
            "visit_plan": due_soon,
            "visits": {"active": v.active, "overdue": v.overdue, "overdue_table": overdue,
                       "never_visited": v.never_visited,
                       "by_class": {"A": by_class.a, "B": by_class.b, "C": by_class.c, "unclassed": by_class.unclassed},
                       "plan_days": crate::analytics::service::PLAN_DAYS,
                       "intervals": {"A": iv.A, "B": iv.B, "C": iv.C}},
        }),
    )?;
    Ok(files)
}

/// A row of the complaint alerts: the customer, its owner and region, its open complaints and
/// the oldest of them.
fn alert_row(ctx: &Ctx, a: &ComplaintAlert) -> Value {
    let oldest = a.complaints.iter().min_by_key(|x| x.opened);
    json!({
        "customer": ctx.link(&a.id), "owner": a.owner,
        "region": ctx.entry(&a.id).and_then(|e| e.c.profile.region.as_deref()),
        "count": a.complaints.len(),
        "oldest": oldest.map(|x| ctx.date(x.opened)),
        "days_open": oldest.map(|x| x.days_open),
        "complaints": a.complaints.iter().map(|x| open_complaint(ctx, x)).collect::<Vec<_>>(),
    })
}

/// What a row of the visit tables is made of: the visit status (`status`), the owner and its
/// page, and the customer's row in the lists (name, address, region among the rest).
fn visit_row_inputs(ctx: &Ctx, owner: &str, id: &str, status: &impl serde::Serialize) -> u64 {
    let customer = ctx.entry(id).map(|e| ctx.row_inputs(e));
    let owner_url = ctx.term_url(Taxonomy::Owner, owner);
    crate::render::memo::fingerprint(&(status, owner, owner_url, customer))
}

/// A row of the visit plan: a customer whose next visit falls due soon.
fn due_soon_row(ctx: &Ctx, d: &DueEntry) -> Value {
    json!({
        "customer": ctx.link(&d.id),
        "owner": d.owner,
        "owner_url": ctx.term_url(Taxonomy::Owner, &d.owner),
        "class": d.status.class.map(|x| x.as_str()),
        "last_visit": d.status.last_visit.as_ref().map(|l| ctx.date(l.date)),
        "next_due": ctx.opt_date(d.status.next_due),
        "days_until_due": d.status.days_until_due,
    })
}

/// A row of the overdue visits: the customer, its owner and region, and its visit status.
fn overdue_row(ctx: &Ctx, owner: &str, c: &OverdueEntry) -> Value {
    json!({
        "customer": ctx.link(&c.id),
        "owner": owner,
        "owner_url": ctx.term_url(Taxonomy::Owner, owner),
        "region": ctx.entry(&c.id).and_then(|e| e.c.profile.region.as_deref()),
        "class": c.status.class.map(|x| x.as_str()),
        "interval_days": c.status.interval_days,
        "last_visit": c.status.last_visit.as_ref().map(|l| ctx.date(l.date)),
        "days_since": c.status.days_since,
        "days_overdue": c.status.days_overdue,
    })
}
