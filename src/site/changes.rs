//! The change history: `/changes/` lists the last commits that touched the records or
//! site.yaml, newest first, each with its digest (see `src/changes/`); each dossier shows its
//! own timeline, with its credit points and revenue across those commits.

use serde_json::{Value, json};

use super::context::{Ctx, Entry};
use crate::changes::digest::{Change, CustomerChanges, Digest};
use crate::changes::format::{self, DigestView};
use crate::changes::history::CommitChanges;
use crate::render::{RenderError, charts};
use crate::write::Files;

pub(super) fn pages(ctx: &Ctx) -> Result<Files, RenderError> {
    let recent = &ctx.history.recent;
    let mut files = Files::new();
    if recent.commits.is_empty() {
        return Ok(files);
    }
    let commits: Vec<Value> = recent.commits.iter().map(|c| commit(ctx, c)).collect();
    ctx.render_into(
        &mut files,
        "changes",
        "changes.html",
        &json!({
            "page": ctx.page(ctx.t("changes_title"), "changes"),
            "commits": commits,
            "note": recent.note,
        }),
    )?;
    Ok(files)
}

/// The URL of the change history, when the site has one.
pub(super) fn url(ctx: &Ctx) -> Option<String> {
    (!ctx.history.recent.commits.is_empty()).then(|| ctx.url("changes"))
}

/// A commit with its digest's phrases, for `changes.html` and the dashboard.
pub(super) fn commit(ctx: &Ctx, c: &CommitChanges) -> Value {
    json!({
        "commit": c.commit,
        "short": c.short,
        "author": c.author,
        "date": ctx.date(c.date),
        "message": c.message,
        "anchor": format!("c-{}", c.short),
        "digest": c.digest.as_ref().map(|d| digest(ctx, d)),
    })
}

fn digest(ctx: &Ctx, d: &Digest) -> Value {
    let DigestView {
        summary,
        customers,
        more_customers,
        moved_heading,
        moved,
        playbooks,
        site,
        notes,
    } = format::view(d, ctx.lang);
    let customers: Vec<Value> = customers
        .into_iter()
        .map(|c| {
            json!({
                "id": c.id, "name": c.name, "status": c.status,
                "url": ctx.entry(&c.id).map(|e| e.url.clone()),
                "lines": c.lines,
            })
        })
        .collect();
    json!({
        "summary": summary, "customers": customers, "more_customers": more_customers,
        "moved_heading": moved_heading, "moved": moved, "playbooks": playbooks,
        "site": site, "notes": notes,
    })
}

/// A dossier's timeline: the commits that changed the customer, newest first, and charts of
/// its credit points and revenue across them; `None` when no recent commit did.
pub(super) fn timeline(ctx: &Ctx, e: &Entry) -> Option<Value> {
    let entries = ctx.history.recent.timeline(&e.c.id);
    if entries.is_empty() {
        return None;
    }
    let items: Vec<Value> = entries
        .iter()
        .filter_map(|(commit, customer)| {
            let digest = commit.digest.as_ref()?;
            Some(json!({
                "date": ctx.date(commit.date),
                "author": commit.author,
                "message": commit.message,
                "anchor": format!("c-{}", commit.short),
                "lines": format::customer_view(customer, digest, ctx.lang),
            }))
        })
        .collect();
    Some(json!({
        "entries": items,
        "url": ctx.url("changes"),
        "points_chart": across_commits(ctx, e, &entries, Figure::Points),
        "revenue_chart": across_commits(ctx, e, &entries, Figure::Revenue),
    }))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Figure {
    Points,
    Revenue,
}

impl Figure {
    /// The value before and after a change, if the change is of this figure.
    fn of(self, change: &Change) -> Option<(Option<f64>, Option<f64>)> {
        match (self, change) {
            (
                Figure::Points,
                Change::Grade {
                    points_before,
                    points_after,
                    ..
                },
            ) => Some((*points_before, *points_after)),
            (Figure::Points, Change::CreditPoints { before, after }) => Some((*before, *after)),
            (Figure::Revenue, Change::Revenue { before, after }) => Some((*before, *after)),
            _ => None,
        }
    }
}

/// A line of the figure's value before the oldest commit of the timeline and after each one,
/// when some commit moved it.
fn across_commits(
    ctx: &Ctx,
    e: &Entry,
    newest_first: &[(&CommitChanges, &CustomerChanges)],
    figure: Figure,
) -> Option<String> {
    let oldest_first: Vec<_> = newest_first.iter().rev().collect();
    let moves: Vec<Option<(Option<f64>, Option<f64>)>> = oldest_first
        .iter()
        .map(|(_, customer)| customer.changes.iter().find_map(|c| figure.of(c)))
        .collect();
    let first = moves.iter().flatten().next()?;
    let mut value = first.0;
    let mut labels = vec![ctx.t("changes_before").to_string()];
    let mut points = vec![value];
    for ((commit, _), change) in oldest_first.iter().zip(&moves) {
        if let Some((_, after)) = change {
            value = *after;
        }
        labels.push(crate::render::format::date(commit.date, ctx.lang));
        points.push(value);
    }
    let show = |v: f64| match figure {
        Figure::Points => ctx.number(v, 1),
        Figure::Revenue => ctx.money(v),
    };
    let (id, title_key) = match figure {
        Figure::Points => ("chart-points-history", "credit_points"),
        Figure::Revenue => ("chart-revenue-history", "revenue"),
    };
    let series = charts::Series {
        name: ctx.t(title_key).to_string(),
        points: points.iter().map(|v| v.map(|v| (v, show(v)))).collect(),
    };
    let tick = |v: f64| match figure {
        Figure::Points => ctx.number(v, 0),
        Figure::Revenue => ctx.money_tick(v),
    };
    let title = format!(
        "{} · {} · {}",
        e.c.name,
        ctx.t(title_key),
        ctx.t("timeline")
    );
    Some(charts::line_chart(
        &charts::Chart {
            id,
            title: &title,
            category: ctx.t("changes_commit"),
            ticks: &tick,
        },
        &labels,
        &[series],
        &charts::LineOptions::FROM_ZERO,
    ))
}
