//! Long customer lists (the customer index, taxonomy term pages, playbook pages) in pages of
//! [`LIST_PAGE`] rows: page 1 at the list's address, page k at `<list>/page/k/`, each with
//! numbered links, so that the list reads and crawls without JavaScript and no page grows with
//! the site. With JavaScript, `dossier.js` sorts, filters and pages over every row of the list
//! from one compact file shared by all lists, `data/customer-rows.json.gz` ([`rows_file`]).

use serde_json::{Value, json};

use super::context::{Ctx, Entry};

/// Rows per page of a list.
pub(crate) const LIST_PAGE: usize = 100;

/// The compact rows file, under the site's base URL.
pub(crate) const ROWS_FILE: &str = "data/customer-rows.json.gz";

/// One page of a list: its number (from 1), its page path and its rows.
pub(crate) struct ListPage<'l, 'a> {
    pub number: usize,
    pub path: String,
    pub rows: &'l [&'l Entry<'a>],
}

/// The pages of a list at page path `base` (`customers`, `owners/王磊`); one page when empty.
pub(crate) fn pages<'l, 'a>(base: &str, entries: &'l [&'l Entry<'a>]) -> Vec<ListPage<'l, 'a>> {
    let chunks: Vec<&[&Entry]> = if entries.is_empty() {
        vec![entries]
    } else {
        entries.chunks(LIST_PAGE).collect()
    };
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, rows)| ListPage {
            number: i + 1,
            path: page_path(base, i + 1),
            rows,
        })
        .collect()
}

/// The numbered links of page `current` of a list of `total` rows, `per_page` a page, page `n`
/// at `link(n)`; null for a single page.
pub(crate) fn pager(
    current: usize,
    total: usize,
    per_page: usize,
    link: &dyn Fn(usize) -> String,
) -> Value {
    let count = total.div_ceil(per_page).max(1);
    if count == 1 {
        return Value::Null;
    }
    json!({
        "current": current,
        "pages": (1..=count).map(|n| json!({"number": n, "url": link(n), "current": n == current})).collect::<Vec<_>>(),
        "prev": (current > 1).then(|| link(current - 1)),
        "next": (current < count).then(|| link(current + 1)),
    })
}

pub(crate) fn page_path(base: &str, number: usize) -> String {
    if number == 1 {
        base.to_string()
    } else {
        format!("{base}/page/{number}")
    }
}

/// What a list's template needs besides its rows: the pager (null for a single page) and, for
/// `dossier.js`, the rows file, the list's filter over it (`owner=王磊`; empty: every customer)
/// and the number of rows.
pub(crate) fn list_context(
    ctx: &Ctx,
    base: &str,
    page: &ListPage,
    total: usize,
    filter: &str,
) -> Value {
    let link = |n: usize| ctx.url(&page_path(base, n));
    let pager = pager(page.number, total, LIST_PAGE, &link);
    json!({
        "pager": pager,
        "rows_url": format!("{}{ROWS_FILE}", ctx.r.site().base_url),
        "filter": filter,
        "total": total,
        "first": (page.number - 1) * LIST_PAGE + 1,
    })
}

/// Every customer's row for `dossier.js`, in id order: the columns of the lists that the
/// audience may see (no column at all of a hidden group), the values the list filters select
/// by (tags, playbooks) and the labels of the codes.
pub(crate) fn rows_file(ctx: &Ctx) -> Vec<u8> {
    use crate::audience::Group;
    let columns: Vec<(&str, Option<Group>)> = vec![
        ("id", None),
        ("name", None),
        ("url", None),
        ("stage", None),
        ("owner", None),
        ("owner_url", None),
        ("region", None),
        ("industry", None),
        ("grade", Some(Group::Credit)),
        ("abc", Some(Group::Sales)),
        ("revenue", Some(Group::Sales)),
        ("revenue_display", Some(Group::Sales)),
        ("tags", None),
        ("playbooks", None),
        ("last_visit", Some(Group::Visits)),
        ("next_due", Some(Group::Visits)),
        ("days_until_due", Some(Group::Visits)),
        ("open_complaints", Some(Group::Complaints)),
        ("warnings", Some(Group::Credit)),
    ];
    let columns: Vec<&str> = columns
        .into_iter()
        .filter(|(_, group)| group.is_none_or(|g| ctx.shows(g)))
        .map(|(c, _)| c)
        .collect();
    let rows: Vec<Value> = ctx
        .customers
        .iter()
        .map(|e| {
            let r = ctx.index_row(e);
            let mut all = serde_json::to_value(&r).unwrap_or(Value::Null);
            all["tags"] = json!(e.c.tags);
            all["playbooks"] = json!(e.m.playbooks);
            Value::Array(columns.iter().map(|c| all[*c].take()).collect())
        })
        .collect();
    let stages: serde_json::Map<String, Value> = crate::model::Stage::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), Value::from(ctx.label(*s))))
        .collect();
    let document = json!({
        "columns": columns,
        "labels": {"stage": stages, "unrated": ctx.t("grade_unrated")},
        "rows": rows,
    });
    crate::index::build::gzip(document.to_string().as_bytes())
}
