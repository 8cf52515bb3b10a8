//! Owner pages (each account manager's portfolio) and the taxonomy pages for region,
//! industry, tag, stage and grade: an index per taxonomy and a page per term.

use std::cell::OnceCell;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::{Value, json};

use super::context::{Ctx, Entry, IndexRow, Taxonomy, grade_order};
use crate::audience::Group;
use crate::model::Stage;
use crate::render::RenderError;
use crate::write::Files;

/// The context of `term.html`, serialised straight into tera's values when the page is
/// rendered: its rows and the values shared by every page of the term are not copied into a
/// JSON tree first.
#[derive(serde::Serialize)]
struct TermPage<'a> {
    page: Value,
    taxonomy: Value,
    term: &'a str,
    customers: Vec<IndexRow<'a>>,
    list: Value,
    /// On page 1 only; pages 2… link to it (`overview`).
    summary: Option<&'a Value>,
    overview: Option<String>,
    year: i32,
    rankings: &'a Option<Vec<Value>>,
    visits: &'a Option<Value>,
    ranking_share: &'a Option<Value>,
    workspace: bool,
}

/// `[{key, label, url}]`: the taxonomy indexes, for the customer index.
pub(super) fn taxonomy_links(ctx: &Ctx) -> Vec<Value> {
    ctx.taxonomies()
        .iter()
        .map(|t| json!({"key": t.key(), "label": ctx.t(taxonomy_key(*t)), "url": ctx.url(t.key())}))
        .collect()
}

fn taxonomy_key(t: Taxonomy) -> &'static str {
    match t {
        Taxonomy::Owner => "taxonomy_owners",
        Taxonomy::Region => "taxonomy_regions",
        Taxonomy::Industry => "taxonomy_industries",
        Taxonomy::Tag => "taxonomy_tags",
        Taxonomy::Stage => "taxonomy_stages",
        Taxonomy::Grade => "taxonomy_grades",
    }
}

/// One term: its name (display), the code used in the URL and its customers (id order).
struct Term<'c, 'a> {
    term: String,
    name: String,
    customers: Vec<&'c Entry<'a>>,
}

fn terms<'c, 'a>(ctx: &'c Ctx<'a>, t: Taxonomy) -> Vec<Term<'c, 'a>> {
    match t {
        Taxonomy::Stage => Stage::ALL
            .iter()
            .map(|s| Term {
                term: s.as_str().to_string(),
                name: ctx.label(*s),
                customers: ctx.customers.iter().filter(|e| e.m.stage == *s).collect(),
            })
            .collect(),
        Taxonomy::Grade => {
            let mut by: FxHashMap<&str, Vec<&Entry>> = FxHashMap::default();
            for e in &ctx.customers {
                by.entry(e.m.credit.display.as_str()).or_default().push(e);
            }
            grade_order(ctx.a)
                .into_iter()
                .map(|g| Term {
                    name: ctx.grade_label(&g),
                    customers: by.remove(g.as_str()).unwrap_or_default(),
                    term: g,
                })
                .collect()
        }
        _ => {
            // Grouped by hash, then sorted once: a few hundred terms, where an ordered map
            // compared strings for every record.
            let mut by: FxHashMap<&str, Vec<&Entry>> = FxHashMap::default();
            for e in &ctx.customers {
                let c = e.c;
                match t {
                    Taxonomy::Owner => by.entry(&c.owner).or_default().push(e),
                    Taxonomy::Region => {
                        if let Some(r) = &c.profile.region {
                            by.entry(r).or_default().push(e);
                        }
                    }
                    Taxonomy::Industry => {
                        if let Some(i) = &c.profile.industry {
                            by.entry(i).or_default().push(e);
                        }
                    }
                    _ => {
                        for tag in &c.tags {
                            let list = by.entry(tag).or_default();
                            // A tag written twice in one record lists the customer once.
                            if !list.last().is_some_and(|x| std::ptr::eq(*x, e)) {
                                list.push(e);
                            }
                        }
                    }
                }
            }
            let mut by: Vec<(&str, Vec<&Entry>)> = by.into_iter().collect();
            by.sort_unstable_by_key(|(term, _)| *term);
            by.into_iter()
                .map(|(term, customers)| Term {
                    term: term.to_string(),
                    name: term.to_string(),
                    customers,
                })
                .collect()
        }
    }
}

/// The filter over the rows file that gives a term's customers (`owner=王磊`, `tags=VIP`).
fn list_filter(t: Taxonomy, term: &str) -> String {
    let column = match t {
        Taxonomy::Owner => "owner",
        Taxonomy::Region => "region",
        Taxonomy::Industry => "industry",
        Taxonomy::Tag => "tags",
        Taxonomy::Stage => "stage",
        Taxonomy::Grade => "grade",
    };
    format!("{column}={term}")
}

/// How many of the site's top N in each ranking are these customers.
fn ranking_share(ctx: &Ctx, customers: &[&Entry]) -> Value {
    let top = ctx.a.rankings.top;
    let mut counts = [0usize; 4];
    for e in customers {
        for (count, rank) in counts.iter_mut().zip(ctx.ranks(&e.c.id)) {
            *count += usize::from(rank.is_some_and(|r| r <= top));
        }
    }
    let labels = ["revenue", "achievement", "growth", "margin"];
    json!({
        "top": top,
        "counts": labels.iter().zip(counts).map(|(key, count)| json!({
            "key": key, "label": ctx.t(key), "count": count,
        })).collect::<Vec<_>>(),
    })
}

/// An account manager's visits: who is overdue now (never visited first) and whose next visit
/// falls due within the plan's days; `None` in a site without visits.
fn owner_visits(ctx: &Ctx, owner: &str) -> Option<Value> {
    if !ctx.shows(crate::audience::Group::Visits) {
        return None;
    }
    let row = |id: &str, status: &crate::analytics::VisitStatus| {
        json!({
            "customer": ctx.link(id),
            "class": status.class.map(|x| x.as_str()),
            "last_visit": status.last_visit.as_ref().map(|l| ctx.date(l.date)),
            "next_due": ctx.opt_date(status.next_due),
            "days_overdue": status.days_overdue,
            "days_until_due": status.days_until_due,
        })
    };
    let (own, due) = owner_visit_inputs(ctx, owner);
    let overdue: Vec<Value> = own
        .iter()
        .flat_map(|o| o.customers.iter().map(|c| row(&c.id, &c.status)))
        .collect();
    let within_14 = due
        .iter()
        .filter(|d| d.status.days_until_due.is_some_and(|n| n <= 14))
        .count();
    let due_soon: Vec<Value> = due.iter().map(|d| row(&d.id, &d.status)).collect();
    let never = own.map_or(0, |o| o.never_visited());
    Some(json!({
        "overdue": overdue, "due_soon": due_soon, "within_14": within_14, "never_visited": never,
        "plan_days": crate::analytics::service::PLAN_DAYS,
    }))
}

/// What an owner's visit plan ([`owner_visits`]) is made of besides the owner's customers'
/// rows: the visits analysis of the owner's customers.
fn owner_visit_inputs<'a>(
    ctx: &'a Ctx,
    owner: &str,
) -> (
    Option<&'a crate::analytics::service::OwnerOverdue>,
    Vec<&'a crate::analytics::service::DueEntry>,
) {
    let v = &ctx.a.visits;
    let own = v.by_owner.iter().find(|o| o.owner == owner);
    let due = v.due_soon.iter().filter(|d| d.owner == owner).collect();
    (own, due)
}

/// Headline figures of a group of customers: counts by stage, revenue of Y, open complaints,
/// overdue visits.
fn summary(ctx: &Ctx, customers: &[&Entry]) -> Value {
    let mut stages = [0usize; Stage::ALL.len()];
    let mut revenue: i128 = 0;
    let (mut open, mut overdue) = (0, 0);
    for e in customers {
        if let Some(k) = Stage::ALL.iter().position(|s| *s == e.m.stage) {
            stages[k] += 1;
        }
        if let Some(s) = &e.m.sales {
            revenue = revenue.saturating_add(crate::analytics::exact::money(s.revenue));
        }
        open += e.m.complaints.open;
        overdue += usize::from(e.m.visits.as_ref().is_some_and(|v| v.overdue));
    }
    json!({
        "stages": Stage::ALL.iter().zip(stages).map(|(s, count)| json!({
            "code": s.as_str(), "label": ctx.label(*s), "count": count,
        })).collect::<Vec<_>>(),
        "revenue": ctx.money(crate::analytics::exact::value(revenue)),
        "open_complaints": open,
        "overdue_visits": overdue,
    })
}

pub(super) fn pages(ctx: &Ctx) -> Result<Files, RenderError> {
    let year = ctx.a.year();
    let per_taxonomy: Vec<Files> = ctx
        .taxonomies()
        .par_iter()
        .map(|&t| {
            let list = terms(ctx, t);
            let title = ctx.t(taxonomy_key(t));
            let mut files = Files::new();
            let index: Vec<Value> = list
                .iter()
                .map(|term| {
                    json!({
                        "name": term.name, "count": term.customers.len(),
                        "url": ctx.term_url(t, &term.term),
                    })
                })
                .collect();
            ctx.render_into(
                &mut files,
                t.key(),
                "taxonomy.html",
                &json!({
                    "page": ctx.page(title, "customers"),
                    "taxonomy": {"key": t.key(), "label": title},
                    "terms": index,
                    "taxonomies": taxonomy_links(ctx),
                }),
            )?;
            list.par_iter()
                .filter_map(|term| ctx.terms.page(t, &term.term).map(|p| (term, p)))
                .map(|(term, page)| {
                    let owner = t == Taxonomy::Owner;
                    let owner_tables = owner
                        .then(|| {
                            ctx.a
                                .rankings
                                .by_owner
                                .iter()
                                .find(|g| g.key.as_deref() == Some(&term.term))
                        })
                        .flatten();
                    // An owner's rankings and visit plan are made only for a page not memoised:
                    // keyed by the analysis they are made of and the rows of the owner's
                    // customers (whose names and links they show).
                    let owner_rankings = OnceCell::new();
                    let owner_rankings = || {
                        owner_rankings
                            .get_or_init(|| owner_tables.map(|g| super::rankings::top_tables(ctx, &g.tables)))
                    };
                    let visit_plan = OnceCell::new();
                    let visit_plan = || {
                        visit_plan.get_or_init(|| owner.then(|| owner_visits(ctx, &term.term)).flatten())
                    };
                    let owner_inputs = (owner && ctx.r.memoised()).then(|| {
                        crate::render::memo::fingerprint(&(
                            owner_tables.map(|g| &g.tables),
                            owner_visit_inputs(ctx, &term.term),
                            term.customers.iter().map(|e| ctx.row_inputs(e)).collect::<Vec<u64>>(),
                        ))
                    });
                    let ranking_share = (owner && ctx.shows(Group::Sales))
                        .then(|| ranking_share(ctx, &term.customers));
                    let filter = list_filter(t, &term.term);
                    // The same on every page of the term: computed once, not per page.
                    let term_summary = summary(ctx, &term.customers);
                    // Keyed before its rows are built: what every page of the term shows,
                    // then each page's own rows (a save re-renders the saved record's page).
                    // The summary and an owner's panels are on page 1 only: a save that moves
                    // a term's totals renders that page again, not every page of the term.
                    let term_inputs = |first: bool| {
                        crate::render::memo::fingerprint(&(
                            t.key(),
                            &term.term,
                            &term.name,
                            &page,
                            year,
                            term.customers.len(),
                            first.then_some((&term_summary, owner_inputs, &ranking_share)),
                        ))
                    };
                    let (first_inputs, rest_inputs) = (term_inputs(true), term_inputs(false));
                    let (no_rankings, no_visits) = (None, None);
                    for list_page in super::lists::pages(&page, &term.customers) {
                        let first = list_page.number == 1;
                        let inputs = super::lists::page_inputs(
                            ctx,
                            if first { first_inputs } else { rest_inputs },
                            &list_page,
                        );
                        let html = ctx.r.render_shared_with_inputs("term.html", inputs, || {
                            let rows: Vec<IndexRow> =
                                list_page.rows.iter().map(|e| ctx.index_row(e)).collect();
                            TermPage {
                                page: ctx.page(&term.name, "customers"),
                                taxonomy: json!({"key": t.key(), "label": title, "url": ctx.url(t.key())}),
                                term: &term.name,
                                customers: rows,
                                list: super::lists::list_context(ctx, &page, &list_page, term.customers.len(), &filter),
                                summary: first.then_some(&term_summary),
                                overview: (!first).then(|| ctx.url(&page)),
                                year,
                                rankings: if first { owner_rankings() } else { &no_rankings },
                                visits: if first { visit_plan() } else { &no_visits },
                                ranking_share: if first { &ranking_share } else { &None },
                                workspace: t == Taxonomy::Owner,
                            }
                        })?;
                        ctx.emit(&list_page.path, html);
                    }
                    Ok(())
                })
                .collect::<Result<(), RenderError>>()?;
            Ok(files)
        })
        .collect::<Result<_, RenderError>>()?;
    Ok(per_taxonomy.into_iter().flatten().collect())
}
