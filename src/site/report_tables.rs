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

use serde_json::{Value, json};

use super::context::Ctx;
pub(super) use super::lists::LIST_PAGE;
use super::lists::{page_path, pager};
use crate::render::RenderError;
use crate::write::Files;

/// A long table of an analysis page, rendered by `tables/<key>.html` (the whole table, from
/// `table`) and `tables/<key>-rows.html` (its rows, from `table.rows`).
pub(super) struct LongTable<'t> {
    /// The analysis page: `credit`.
    pub page: &'t str,
    /// The table's anchor on its page (`watchlist`, the table itself is `watchlist-table`), and
    /// its templates' and numbered pages' name.
    pub key: &'t str,
    /// The heading of the numbered pages.
    pub title: &'t str,
    pub rows: Vec<Value>,
    /// Rows a page: [`LIST_PAGE`], fewer on a page of several long tables.
    pub per_page: usize,
}

impl LongTable<'_> {
    /// Renders the numbered pages 2… and the rows file into `files`, and returns the `table` of
    /// the first page, for the analysis page to include `tables/<key>.html` with.
    pub fn render(self, ctx: &Ctx, files: &mut Files) -> Result<Value, RenderError> {
        let total = self.rows.len();
        let rows_url = (total > self.per_page)
            .then(|| format!("{}{}", ctx.r.site().base_url, self.rows_file()));
        let chunks: Vec<&[Value]> = if self.rows.is_empty() {
            vec![&[]]
        } else {
            self.rows.chunks(self.per_page).collect()
        };
        // Each page's rows are rendered once: into its page and, joined, into the rows file.
        let template = format!("tables/{}-rows.html", self.key);
        let rows_html: Vec<String> = chunks
            .iter()
            .map(|rows| {
                if rows.is_empty() {
                    return Ok(String::new());
                }
                let context = json!({"table": {"key": self.key, "rows": rows}});
                ctx.r.render(&template, &context)
            })
            .collect::<Result<_, _>>()?;
        if rows_url.is_some() {
            let gzipped = crate::index::build::gzip(rows_html.concat().as_bytes());
            files.insert(self.rows_file(), gzipped);
        }
        let mut first = Value::Null;
        for (i, (rows, html)) in chunks.into_iter().zip(rows_html).enumerate() {
            let number = i + 1;
            let table = self.context(ctx, number, rows, html, total, &rows_url);
            if number == 1 {
                first = table;
            } else {
                self.numbered_page(ctx, files, number, &table)?;
            }
        }
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

    fn context(
        &self,
        ctx: &Ctx,
        number: usize,
        rows: &[Value],
        rows_html: String,
        total: usize,
        rows_url: &Option<String>,
    ) -> Value {
        let link = |n: usize| self.link(ctx, n);
        json!({
            "key": self.key,
            "rows": rows,
            "rows_html": rows_html,
            "list": {
                "pager": pager(number, total, self.per_page, &link),
                "rows_url": rows_url,
                "total": total,
                "number": number,
                "per_page": self.per_page,
                "first": (number - 1) * self.per_page + 1,
            },
        })
    }

    fn numbered_page(
        &self,
        ctx: &Ctx,
        files: &mut Files,
        number: usize,
        table: &Value,
    ) -> Result<(), RenderError> {
        let body = ctx.r.render(
            &format!("tables/{}.html", self.key),
            &json!({ "table": table }),
        )?;
        let number_label = ctx.t("page_number").replace("{n}", &number.to_string());
        let title = format!("{} · {number_label}", self.title);
        ctx.render_into(
            files,
            &self.page_path(number),
            "report_page.html",
            &json!({
                "page": ctx.page(&title, self.page),
                "heading": self.title,
                "number_label": number_label,
                "back": self.link(ctx, 1),
                "body": body,
            }),
        )
    }
}
