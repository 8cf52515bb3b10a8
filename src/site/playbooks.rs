//! The playbook index (with how many customers each applies to) and one page per playbook
//! listing the customers its `applies_to` selector matches.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::context::{Ctx, Entry, IndexRow};
use crate::model::Selector;
use crate::render::{RenderError, markdown, urls};
use crate::write::Files;

/// The selector in words: `[{label, value}]`, one per key given.
fn selector(ctx: &Ctx, s: &Selector) -> Vec<Value> {
    let list = |items: Vec<String>| items.join(", ");
    let yes_no = |b: bool| ctx.t(if b { "yes" } else { "no" }).to_string();
    let mut out = Vec::new();
    let mut add = |key: &str, value: String| {
        out.push(json!({"label": ctx.t(key), "value": value}));
    };
    if let Some(v) = &s.stages {
        add("stage", list(v.iter().map(|x| ctx.label(*x)).collect()));
    }
    if let Some(v) = &s.grades {
        add(
            "grade",
            list(
                v.iter()
                    .map(|g| match g {
                        crate::model::GradeFilter::Grade(g) => g.as_str().to_string(),
                        crate::model::GradeFilter::Unrated => ctx.t("grade_unrated").to_string(),
                    })
                    .collect(),
            ),
        );
    }
    if let Some(v) = &s.credit_class {
        add(
            "credit_class",
            list(v.iter().map(|c| c.as_str().to_string()).collect()),
        );
    }
    if let Some(v) = &s.abc {
        add(
            "abc",
            list(v.iter().map(|c| c.as_str().to_string()).collect()),
        );
    }
    if let Some(v) = &s.tags {
        add("tags", list(v.clone()));
    }
    if let Some(v) = s.warnings {
        add("credit_warnings", yes_no(v));
    }
    if let Some(v) = s.open_complaints {
        add("open_complaints", yes_no(v));
    }
    if let Some(v) = s.visit_overdue {
        add("visit_overdue", yes_no(v));
    }
    out
}

pub(super) fn pages(ctx: &Ctx) -> Result<Files, RenderError> {
    let matches: HashMap<&str, &Vec<String>> = ctx
        .a
        .playbooks
        .iter()
        .map(|p| (p.slug.as_str(), &p.customers))
        .collect();
    let none = Vec::new();
    let mut files = Files::new();
    let list: Vec<Value> = ctx
        .site
        .playbooks
        .iter()
        .map(|p| {
            json!({"title": p.title, "url": ctx.url(&urls::playbook_page(&p.source.slug)),
                "summary": p.summary,
                "count": matches.get(p.source.slug.as_str()).map_or(0, |c| c.len()),
                "has_selector": p.applies_to.is_some()})
        })
        .collect();
    ctx.render_into(
        &mut files,
        "playbooks",
        "playbooks.html",
        &json!({"page": ctx.page(ctx.t("playbooks"), "playbooks"), "playbooks": list}),
    )?;
    for p in &ctx.site.playbooks {
        let ids = matches
            .get(p.source.slug.as_str())
            .copied()
            .unwrap_or(&none);
        let entries: Vec<&Entry> = ids.iter().filter_map(|id| ctx.entry(id)).collect();
        let history = ctx.history.get(&p.source.path);
        // Keyed before its rows and body are built: the playbook, its history and the length
        // of its list, then each page's own rows (their fingerprints cover them).
        let list_inputs = crate::render::memo::fingerprint(&(p, history, entries.len()));
        let page = urls::playbook_page(&p.source.slug);
        let filter = format!("playbooks={}", p.source.slug);
        for list_page in super::lists::pages(&page, &entries) {
            let inputs = super::lists::page_inputs(ctx, list_inputs, &list_page);
            let html = ctx.r.render_with_inputs("playbook.html", inputs, || {
            let rows: Vec<IndexRow> = list_page.rows.iter().map(|e| ctx.index_row(e)).collect();
            json!({
                "page": ctx.page(&p.title, "playbooks"),
                "playbook": {"title": p.title, "summary": p.summary,
                    "selector": p.applies_to.as_ref().map(|s| selector(ctx, s)),
                    // Its list would tell what this audience may not see (docs/audiences.md).
                    "withheld": ctx.hidden.withholds(p).is_some()},
                "body": markdown::render(&p.source.path, &p.body, &ctx.md).html,
                "customers": rows,
                "list": super::lists::list_context(ctx, &page, &list_page, entries.len(), &filter),
                "history": history.map(|h| json!({
                    "last_changed": h.last_changed.to_string(),
                    "last_changed_display": crate::render::format::date(h.last_changed, ctx.lang),
                    "last_author": h.last_author, "changes": h.changes,
                })),
                "edit_url": ctx.config.edit_url.as_ref().map(|u| u.replace("{path}", &p.source.path)),
            })
        })?;
            files.insert(urls::page_file(&list_page.path), html.into_bytes());
        }
    }
    Ok(files)
}
