//! The long tables of the analysis pages (watch list, low satisfaction, win-back, customers
//! lost, complaint alerts, open complaints, overdue visits, visit plan, prospects, the revenue
//! ranking) in pages of [`LIST_PAGE`] rows (fewer where a page has several), like the customer
//! lists: page 1 on the analysis page itself (`credit/#watchlist`), page k at
//! `credit/watchlist/page/k/`, each with numbered links, so that no analysis page grows with the
//! site and the whole table reads without JavaScript.
//!
//! A table of several pages also has every row in one gzipped HTML fragment,
//! `data/tables/<page>-<table>.html.gz`, made by the same row template as the pages; over it
//! `dossier.js` sorts, filters, pages and downloads. A table of one page has no such file: the
//! script works on the rows of the page.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

use super::context::Ctx;
pub(super) use super::lists::LIST_PAGE;
use super::lists::{page_path, pager};
use crate::render::RenderError;
use crate::render::memo::fingerprint;
use crate::render::urls::page_file;
use crate::write::Files;

/// Pages of rows per compressed piece of a table's rows file (about 1,000 rows): a preview
/// save compresses again only the pieces whose rows changed.
const PAGES_PER_PIECE: usize = 10;

/// A long table of an analysis page, rendered by `tables/<key>.html` (the whole table, from
/// `table`) and `tables/<key>-rows.html` (its rows, from `table.rows`).
pub(super) struct LongTable<'t, R = Value> {
    /// The analysis page: `credit`.
    pub page: &'t str,
    /// The table's anchor on its page (`watchlist`, the table itself is `watchlist-table`), and
    /// its templates' and numbered pages' name.
    pub key: &'t str,
    /// The heading of the numbered pages.
    pub title: &'t str,
    pub rows: Rows<'t, R>,
    /// Rows a page: [`LIST_PAGE`], fewer on a page of several long tables.
    pub per_page: usize,
}

/// The rows of a long table, as the values its row template reads: JSON values, or a row type
/// of the table's own that serialises straight into the template's values.
pub(super) enum Rows<'t, R = Value> {
    /// Every row made at once.
    Made(Vec<R>),
    /// Rows made only for the pages rendered: in the preview, a page whose rows' keys are as
    /// last time is not rendered, so its rows need not be made (a table of every customer
    /// would otherwise make thousands of values per save to find the one page that changed).
    Lazy {
        len: usize,
        /// A fingerprint of everything row `i` is made of (called in the preview only).
        key: Box<dyn Fn(usize) -> u64 + Sync + 't>,
        make: Box<dyn Fn(usize) -> R + Sync + 't>,
    },
}

impl<'t, R: Serialize + Clone> Rows<'t, R> {
    /// Rows `0..len`, row `i` keyed by `key(i)` and made by `make(i)` (see [`Rows::Lazy`]).
    pub fn lazy(
        len: usize,
        key: impl Fn(usize) -> u64 + Sync + 't,
        make: impl Fn(usize) -> R + Sync + 't,
    ) -> Self {
        Rows::Lazy {
            len,
            key: Box::new(key),
            make: Box::new(make),
        }
    }

    fn len(&self) -> usize {
        match self {
            Rows::Made(rows) => rows.len(),
            Rows::Lazy { len, .. } => *len,
        }
    }

    /// The preview's key of the rows `range` of table `table`.
    fn key(&self, table: &str, range: Range<usize>) -> u64 {
        match self {
            Rows::Made(rows) => fingerprint(&(table, &rows[range])),
            Rows::Lazy { key, .. } => fingerprint(&(table, range.map(key).collect::<Vec<u64>>())),
        }
    }

    fn values(&self, range: Range<usize>) -> Cow<'_, [R]> {
        match self {
            Rows::Made(rows) => Cow::Borrowed(&rows[range]),
            Rows::Lazy { make, .. } => Cow::Owned(range.map(make).collect()),
        }
    }
}

impl<R> From<Vec<R>> for Rows<'_, R> {
    fn from(rows: Vec<R>) -> Self {
        Rows::Made(rows)
    }
}

impl<R: Serialize + Clone + Send + Sync> LongTable<'_, R> {
    /// Renders the numbered pages 2… and the rows file into `files`, and returns the `table` of
    /// the first page, for the analysis page to include `tables/<key>.html` with.
    pub fn render(self, ctx: &Ctx, files: &mut Files) -> Result<Value, RenderError> {
        let total = self.rows.len();
        let rows_url = (total > self.per_page)
            .then(|| format!("{}{}", ctx.r.site().base_url, self.rows_file()));
        let chunks: Vec<Range<usize>> = if total == 0 {
            std::iter::once(0..0).collect()
        } else {
            (0..total)
                .step_by(self.per_page.max(1))
                .map(|lo| lo..(lo + self.per_page.max(1)).min(total))
                .collect()
        };
        // Each page's rows are rendered once: into its page and, joined, into the rows file.
        // In the preview, a page's rows are keyed by one hash of them, which also keys the
        // numbered page: a save renders again only the pages whose rows changed.
        let memoised = ctx.r.memoised();
        let keys: Vec<u64> = chunks
            .iter()
            .map(|range| {
                if memoised {
                    self.rows.key(self.key, range.clone())
                } else {
                    0
                }
            })
            .collect();
        // A page's rows are made at most once, when its rows or its page are rendered.
        // Pages are rendered in parallel: a save that moves every row (a revenue changes every
        // cumulative share of the ABC list) has this one group left to finish.
        let made: Vec<OnceLock<Cow<[R]>>> = chunks.iter().map(|_| OnceLock::new()).collect();
        let values = |i: usize| {
            made[i]
                .get_or_init(|| self.rows.values(chunks[i].clone()))
                .as_ref()
        };
        let template = format!("tables/{}-rows.html", self.key);
        let rows_html: Vec<Arc<str>> = (0..chunks.len())
            .into_par_iter()
            .map(|i| {
                if chunks[i].is_empty() {
                    return Ok(Arc::from(""));
                }
                ctx.r
                    .render_shared_with_inputs(&template, keys[i], || RowsContext {
                        table: RowsOnly {
                            key: self.key,
                            rows: values(i),
                        },
                    })
            })
            .collect::<Result<_, _>>()?;
        if rows_url.is_some() {
            let pieces: Vec<String> = rows_html
                .chunks(PAGES_PER_PIECE)
                .map(|pages| pages.concat())
                .collect();
            let pieces: Vec<&[u8]> = pieces.iter().map(String::as_bytes).collect();
            let file = self.rows_file();
            files.insert(file.clone(), ctx.gzip_in_pieces(&file, &pieces));
        }
        let first =
            serde_json::to_value(self.context(ctx, 1, values(0), &rows_html[0], total, &rows_url))
                .map_err(|e| RenderError::Render {
                    template: format!("tables/{}.html", self.key),
                    message: e.to_string(),
                })?;
        let pages: Vec<(String, Vec<u8>)> = (1..rows_html.len())
            .into_par_iter()
            .map(|i| {
                let number = i + 1;
                let table = (self.page, self.key, self.title, self.per_page);
                let key = if memoised {
                    fingerprint(&(table, number, total, keys[i], &rows_url))
                } else {
                    0
                };
                let html = &rows_html[i];
                let table = || self.context(ctx, number, values(i), html, total, &rows_url);
                self.numbered_page(ctx, number, key, table)
            })
            .collect::<Result<_, _>>()?;
        files.extend(pages);
        Ok(first)
    }

    fn rows_file(&self) -> String {
        format!("data/tables/{}-{}.html.gz", self.page, self.key)
    }

    /// Page 1 is the table on its analysis page; page k has a page of its own.
    fn link(&self, ctx: &Ctx, number: usize) -> String {
        if number == 1 {
            format!("{}#{}", ctx.url(self.page), self.key)
        } else {
            ctx.url(&self.page_path(number))
        }
    }

    fn page_path(&self, number: usize) -> String {
        page_path(&format!("{}/{}", self.page, self.key), number)
    }

    /// The `table` of page `number`, borrowing its rows: serialised straight into the
    /// template's values, without a JSON copy of every row first.
    fn context<'a>(
        &'a self,
        ctx: &Ctx,
        number: usize,
        rows: &'a [R],
        rows_html: &'a str,
        total: usize,
        rows_url: &'a Option<String>,
    ) -> TableContext<'a, R> {
        let link = |n: usize| self.link(ctx, n);
        TableContext {
            key: self.key,
            rows,
            rows_html,
            list: ListContext {
                pager: pager(number, total, self.per_page, &link),
                rows_url,
                total,
                number,
                per_page: self.per_page,
                first: (number - 1) * self.per_page + 1,
            },
        }
    }

    /// Page `number` of the table, keyed by `key` (what `table` is made of) in the preview.
    fn numbered_page<'a>(
        &'a self,
        ctx: &Ctx,
        number: usize,
        key: u64,
        table: impl FnOnce() -> TableContext<'a, R>,
    ) -> Result<(String, Vec<u8>), RenderError> {
        let body =
            ctx.r
                .render_shared_with_inputs(&format!("tables/{}.html", self.key), key, || {
                    PageTable { table: table() }
                })?;
        let number_label = ctx.t("page_number").replace("{n}", &number.to_string());
        let title = format!("{} · {number_label}", self.title);
        let page = ctx
            .r
            .render_shared_with_inputs("report_page.html", key, || {
                json!({
                    "page": ctx.page(&title, self.page),
                    "heading": self.title,
                    "number_label": number_label,
                    "back": self.link(ctx, 1),
                    "body": body,
                })
            })?;
        Ok((page_file(&self.page_path(number)), page.as_bytes().to_vec()))
    }
}

/// The context of a table's row template: `table.key`, `table.rows`.
#[derive(Serialize)]
struct RowsContext<'a, R> {
    table: RowsOnly<'a, R>,
}

#[derive(Serialize)]
struct RowsOnly<'a, R> {
    key: &'a str,
    rows: &'a [R],
}

/// The context of a table's template on a numbered page: `table`.
#[derive(Serialize)]
struct PageTable<'a, R> {
    table: TableContext<'a, R>,
}

/// A page of a long table: `{key, rows, rows_html, list}` (what `tables/<key>.html` reads).
#[derive(Serialize)]
pub(super) struct TableContext<'a, R> {
    key: &'a str,
    rows: &'a [R],
    rows_html: &'a str,
    list: ListContext<'a>,
}

#[derive(Serialize)]
struct ListContext<'a> {
    pager: Value,
    rows_url: &'a Option<String>,
    total: usize,
    number: usize,
    per_page: usize,
    first: usize,
}
