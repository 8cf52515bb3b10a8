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
/// at `link(n)`; null for a single page. Long lists link the first and last pages and two
/// either side of the current one, with a gap (`{gap: true}`) for the pages skipped: a pager
/// of every page would grow with the list on each of its pages (1,000 links on each of the
/// 1,000 pages of a 100k customer index).
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
    let pages: Vec<Value> = shown_pages(current, count)
        .into_iter()
        .map(|shown| match shown {
            Some(n) => json!({"number": n, "url": link(n), "current": n == current, "gap": false}),
            None => json!({"number": null, "url": null, "current": false, "gap": true}),
        })
        .collect();
    json!({
        "current": current,
        "pages": pages,
        "prev": (current > 1).then(|| link(current - 1)),
        "next": (current < count).then(|| link(current + 1)),
    })
}

/// The page numbers a pager of `count` pages shows on page `current`: the first, the last and
/// two either side of the current one, in order, with `None` where pages are skipped. A gap
/// never stands for a single page: that page is shown instead.
pub(crate) fn shown_pages(current: usize, count: usize) -> Vec<Option<usize>> {
    let near = current.saturating_sub(2).max(1)..=(current + 2).min(count);
    let mut numbers: Vec<usize> = std::iter::once(1)
        .chain(near)
        .chain(std::iter::once(count))
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    let mut shown = Vec::with_capacity(numbers.len() + 2);
    let mut previous = 0;
    for n in numbers {
        match n - previous {
            1 => {}
            2 => shown.push(Some(previous + 1)),
            _ => shown.push(None),
        }
        shown.push(Some(n));
        previous = n;
    }
    shown
}

/// The memo key of one page of a list: `list_inputs` (what every page of the list shows) with
/// the page's number and the fingerprints of its rows.
pub(crate) fn page_inputs(ctx: &Ctx, list_inputs: u64, page: &ListPage) -> u64 {
    let rows: Vec<u64> = page.rows.iter().map(|e| ctx.row_inputs(e)).collect();
    crate::render::memo::fingerprint(&(list_inputs, page.number, rows))
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

/// The columns of `dossier.js`'s rows that the audience may see (no column at all of a hidden
/// group), in order.
pub(crate) fn row_columns(ctx: &Ctx) -> Vec<&'static str> {
    use crate::audience::Group;
    let columns: [(&str, Option<Group>); 19] = [
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
    columns
        .into_iter()
        .filter(|(_, group)| group.is_none_or(|g| ctx.shows(g)))
        .map(|(c, _)| c)
        .collect()
}

/// One customer's row of the rows file, as JSON: its values under `columns`, the values the
/// list filters select by (tags, playbooks) included.
pub(crate) fn row_json(ctx: &Ctx, columns: &[&str], e: &Entry) -> String {
    let r = ctx.index_row(e);
    let mut all = serde_json::to_value(&r).unwrap_or(Value::Null);
    all["tags"] = json!(e.c.tags);
    all["playbooks"] = json!(e.m.playbooks);
    Value::Array(columns.iter().map(|c| all[*c].take()).collect()).to_string()
}

/// Rows per compressed piece of the rows file: a save compresses one piece again (~350 KB at
/// 10k records; smaller pieces compress worse, see [`crate::gzip`]).
const ROWS_PER_PIECE: usize = 1024;

/// Every customer's row for `dossier.js`, in id order (the [`row_json`] of each, in `rows`),
/// with the columns and the labels of the codes, gzipped in pieces of [`ROWS_PER_PIECE`] rows.
pub(crate) fn rows_file(ctx: &Ctx, columns: &[&str], rows: &[&str]) -> Vec<u8> {
    let stages: serde_json::Map<String, Value> = crate::model::Stage::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), Value::from(ctx.label(*s))))
        .collect();
    // The keys are written in order, "rows" last: its empty list is where the rows go.
    let head = json!({
        "columns": columns,
        "labels": {"stage": stages, "unrated": ctx.t("grade_unrated")},
        "rows": [],
    })
    .to_string();
    let at = head
        .find("\"rows\":[]")
        .map_or(head.len(), |at| at + "\"rows\":[".len());
    let mut texts = vec![head[..at].to_string()];
    texts.extend(rows.chunks(ROWS_PER_PIECE).enumerate().map(|(k, chunk)| {
        let separator = if k == 0 { "" } else { "," };
        format!("{separator}{}", chunk.join(","))
    }));
    texts.push(head[at..].to_string());
    let texts: Vec<&[u8]> = texts.iter().map(String::as_bytes).collect();
    ctx.gzip_in_pieces(ROWS_FILE, &texts)
}

#[cfg(test)]
mod pager_tests {
    use super::shown_pages;

    fn written(current: usize, count: usize) -> String {
        shown_pages(current, count)
            .iter()
            .map(|p| p.map_or("…".to_string(), |n| n.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn short_lists_show_every_page() {
        assert_eq!(written(1, 2), "1 2");
        assert_eq!(written(4, 7), "1 2 3 4 5 6 7");
        // Page 1 of 7: 1 2 3, then a gap of 4 5 6 before 7.
        assert_eq!(written(1, 7), "1 2 3 … 7");
    }

    #[test]
    fn long_lists_show_the_ends_and_the_neighbourhood() {
        assert_eq!(written(1, 1000), "1 2 3 … 1000");
        assert_eq!(written(500, 1000), "1 … 498 499 500 501 502 … 1000");
        assert_eq!(written(1000, 1000), "1 … 998 999 1000");
        // A gap of one page shows the page: 1 2 3 4 5 6, not 1 … 3 4 5 6.
        assert_eq!(written(4, 100), "1 2 3 4 5 6 … 100");
        assert_eq!(written(97, 100), "1 … 95 96 97 98 99 100");
    }

    #[test]
    fn every_page_reaches_its_neighbours_and_the_ends() {
        for count in 1..40 {
            for current in 1..=count {
                let shown: Vec<usize> = shown_pages(current, count).into_iter().flatten().collect();
                assert!(
                    shown.windows(2).all(|w| w[0] < w[1]),
                    "{current}/{count}: {shown:?}"
                );
                for must in [
                    1,
                    count,
                    current,
                    current.saturating_sub(1).max(1),
                    (current + 1).min(count),
                ] {
                    assert!(
                        shown.contains(&must),
                        "{current}/{count} lacks {must}: {shown:?}"
                    );
                }
                assert!(shown.len() <= 9, "{current}/{count}: {shown:?}");
            }
        }
    }
}
