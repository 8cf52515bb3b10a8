//! Exports under `data/`: `metrics.json` (the analytics' export document), `customers.csv`
//! (one row per customer), `rankings.csv` (the four rankings in full, site-wide), and the
//! working lists staff open in a spreadsheet: `watchlist.csv`, `win-back.csv`,
//! `open-complaints.csv`, `overdue-visits.csv` and `visit-plan.csv`. An audience's site has a
//! list only when it sees the list's group, and no column of a group it hides.
//!
//! The CSV files follow RFC 4180 (comma separated, CRLF line ends, fields with a comma, quote
//! or line break in double quotes, quotes doubled) and are UTF-8 with a byte order mark, so
//! that Excel opens Chinese text correctly. Numbers are unrounded; absent values are empty.
//! Text cells are guarded against spreadsheet formulas by [`crate::csv`], as in
//! `dossier report --format csv`.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value, json};

use super::context::{Ctx, Entry};
use super::rankings::{RANKINGS, table};
use crate::analytics::{CustomerRow, Notch, customer_row, metrics_document, metrics_document_with};
use crate::audience::Group;
use crate::csv;
use crate::render::RenderError;
use crate::write::Files;

/// The columns of `customers.csv`, in order: keys of the export's customer objects, then the
/// page URL.
pub(crate) const CUSTOMER_COLUMNS: [&str; 33] = [
    "id",
    "name",
    "stage",
    "owner",
    "region",
    "city",
    "industry",
    "tags",
    "kind",
    "revenue",
    "target",
    "gross_profit",
    "achievement",
    "growth",
    "margin",
    "abc",
    "credit_points",
    "grade",
    "grade_nine",
    "credit_class",
    "payment_delay_days",
    "outstanding",
    "credit_limit",
    "limit_use",
    "clv",
    "csi",
    "csi_level",
    "man",
    "open_complaints",
    "visit_overdue",
    "last_visit",
    "next_visit_due",
    "playbooks",
];

pub(crate) const RANKING_COLUMNS: [&str; 8] = [
    "ranking", "rank", "id", "name", "owner", "region", "abc", "value",
];

/// RFC 4180 with CRLF line ends and a byte order mark (so that Excel reads Chinese text
/// correctly); lists joined by `;`.
const EXPORT_CSV: csv::Dialect = csv::Dialect {
    bom: true,
    line_end: "\r\n",
    list_separator: ";",
};

/// One row of an export, to be joined with the others under the header.
const ROW_CSV: csv::Dialect = csv::Dialect {
    bom: false,
    ..EXPORT_CSV
};

/// The customer columns `ctx`'s audience may see: an audience's file has no column of what it
/// may not see, not even an empty one.
fn customer_columns(ctx: &Ctx) -> Vec<&'static str> {
    CUSTOMER_COLUMNS
        .iter()
        .copied()
        .filter(|c| !ctx.hidden.hides_key(c))
        .collect()
}

/// What every customer's part of the exports is made with: the columns the audience may see,
/// the playbook titles, and whether `metrics.json` is assembled from the parts.
struct RowShapes<'c> {
    columns: Vec<&'static str>,
    labelled_columns: Vec<&'static str>,
    list_columns: Vec<&'static str>,
    titles: HashMap<&'c str, &'c str>,
    /// An audience's `metrics.json` is redacted whole instead ([`crate::audience`]).
    with_json: bool,
}

impl<'c> RowShapes<'c> {
    fn new(ctx: &'c Ctx) -> Self {
        let columns = customer_columns(ctx);
        let mut labelled_columns = columns.clone();
        labelled_columns.push("url");
        RowShapes {
            columns,
            labelled_columns,
            list_columns: super::lists::row_columns(ctx),
            titles: ctx
                .site
                .playbooks
                .iter()
                .map(|p| (p.source.slug.as_str(), p.title.as_str()))
                .collect(),
            with_json: ctx.r.audience().is_none(),
        }
    }
}

/// One customer's part of the customer exports, as the bytes each file holds: made once per
/// record, and kept by the preview for the next rebuild while the record and what its rows are
/// made of are unchanged ([`super::reuse::Reuse::export_rows`]).
#[derive(Debug)]
pub(crate) struct CustomerExport {
    /// Its row of `customers.csv` (codes) and of `customers.{lang}.csv` (labels).
    csv: String,
    labelled: String,
    /// Its object in `metrics.json`'s `customers` (not made for an audience's site).
    json: Option<String>,
    /// Its row of `customer-rows.json.gz`.
    list_row: String,
    /// A fingerprint of the values it was made of, in the preview ([`export_inputs`]).
    inputs: u64,
}

/// A fingerprint of the values a customer's export rows are made of besides the renderer and
/// the playbook titles: its `metrics.json` row, its list row, its tags and page. A revenue
/// saved elsewhere changes every record's metrics (the ABC shares) but few of these.
fn export_inputs(ctx: &Ctx, e: &Entry, row: &CustomerRow) -> u64 {
    crate::render::memo::fingerprint(&(row, ctx.index_row(e), &e.c.tags, &e.url))
}

fn customer_export(
    ctx: &Ctx,
    shapes: &RowShapes,
    e: &Entry,
    row: CustomerRow,
    inputs: u64,
) -> CustomerExport {
    let mut value = serde_json::to_value(&row).unwrap_or(Value::Null);
    let mut w = csv::Writer::new(ROW_CSV);
    for &column in &shapes.columns {
        w.value(value.get(column).unwrap_or(&Value::Null));
    }
    w.text(&e.url);
    w.end_row();
    let csv = w.finish();
    label_codes(ctx, shapes, e, &mut value);
    let mut w = csv::Writer::new(ROW_CSV);
    for column in &shapes.labelled_columns {
        w.value(value.get(*column).unwrap_or(&Value::Null));
    }
    w.end_row();
    CustomerExport {
        csv,
        labelled: w.finish(),
        json: shapes
            .with_json
            .then(|| serde_json::to_string(&row).unwrap_or_default()),
        list_row: super::lists::row_json(ctx, &shapes.list_columns, e),
        inputs,
    }
}

/// A customer row for people: code values (stage, kind, satisfaction level, MAN verdict, grade
/// `unrated`, yes/no, playbook titles) in the site's language, and the page URL.
fn label_codes(ctx: &Ctx, shapes: &RowShapes, e: &Entry, value: &mut Value) {
    let m = e.m;
    let labels = [
        ("stage", Some(ctx.label(m.stage))),
        ("kind", Some(ctx.label(m.kind))),
        ("grade", Some(ctx.grade_label(&m.credit.display))),
        (
            "csi_level",
            m.satisfaction.as_ref().map(|c| ctx.label(c.level)),
        ),
        ("man", m.man.as_ref().map(|v| ctx.label(v.code))),
        (
            "visit_overdue",
            m.visits
                .as_ref()
                .map(|v| ctx.t(if v.overdue { "yes" } else { "no" }).to_string()),
        ),
    ];
    for (key, label) in labels {
        value[key] = label.map_or(Value::Null, Value::from);
    }
    value["playbooks"] = Value::from(
        m.playbooks
            .iter()
            .map(|s| {
                shapes
                    .titles
                    .get(s.as_str())
                    .copied()
                    .unwrap_or(s)
                    .to_string()
            })
            .collect::<Vec<_>>(),
    );
    value["url"] = Value::from(e.url.clone());
}

/// Every customer's part of the exports, in site order: the preview's last one where it is
/// still this rebuild's, made for the others.
fn customer_exports(ctx: &Ctx, shapes: &RowShapes) -> Vec<Arc<CustomerExport>> {
    let last = ctx.reuse.and_then(|r| Some((r, r.export_rows(ctx)?)));
    ctx.customers
        .par_iter()
        .enumerate()
        .map(|(i, e)| {
            if let Some((reuse, rows)) = last
                && reuse.export_row_same(i)
            {
                return rows[i].clone();
            }
            let row = customer_row(e.m);
            // Fingerprints only for a preview, which keeps the rows for the next rebuild.
            let inputs = ctx.export_rows.map_or(0, |_| export_inputs(ctx, e, &row));
            match last {
                Some((reuse, rows)) if reuse.rows_inputs_same() && rows[i].inputs == inputs => {
                    rows[i].clone()
                }
                _ => Arc::new(customer_export(ctx, shapes, e, row, inputs)),
            }
        })
        .collect()
}

/// `customers.csv`: a header of `columns` and the page URL, then the rows (codes for scripts).
fn customers_csv(columns: &[&str], rows: &[Arc<CustomerExport>]) -> String {
    let mut w = csv::Writer::new(EXPORT_CSV);
    w.text_row(columns.iter().copied().chain(["url"]));
    let mut text = w.finish();
    text.extend(rows.iter().map(|r| r.csv.as_str()));
    text
}

/// `customers.csv` for people: headers and code values in the site's language, the same
/// columns and unrounded numbers.
fn customers_labelled_csv(ctx: &Ctx, columns: &[&str], rows: &[Arc<CustomerExport>]) -> String {
    let mut w = csv::Writer::new(EXPORT_CSV);
    let headers: Vec<String> = columns
        .iter()
        .map(|c| {
            ctx.r
                .t_opt(&format!("csv_{c}"))
                .map_or_else(|| (*c).to_string(), str::to_string)
        })
        .collect();
    w.text_row(headers.iter().map(String::as_str));
    let mut text = w.finish();
    text.extend(rows.iter().map(|r| r.labelled.as_str()));
    text
}

/// `metrics.json`: the analytics' export document, its customers from `rows` (or, for an
/// audience's site, the whole document made and redacted).
fn metrics_json(ctx: &Ctx, rows: &[Arc<CustomerExport>]) -> String {
    let audience = ctx.r.audience();
    let parts: Option<Vec<&str>> = rows.iter().map(|r| r.json.as_deref()).collect();
    // An audience's document is redacted whole, even one without customers.
    match parts.filter(|_| audience.is_none()) {
        Some(parts) => {
            let head = serde_json::to_string(&metrics_document_with(ctx.a, Vec::new()))
                .unwrap_or_default();
            let mut text = splice_list(&head, "\"customers\":[]", parts.into_iter());
            text.push('\n');
            text
        }
        None => crate::audience::site_metrics_json(&metrics_document(ctx.a), audience),
    }
}

/// `text` with the JSON list `items` (each item JSON text) written into the first empty list
/// that `placeholder` (`"key":[]`) ends with.
fn splice_list<'i>(
    text: &str,
    placeholder: &str,
    items: impl ExactSizeIterator<Item = &'i str>,
) -> String {
    let Some(at) = text.find(placeholder) else {
        return text.to_string();
    };
    let at = at + placeholder.len() - 1;
    let mut out = String::with_capacity(text.len() + items.len() * 512);
    out.push_str(&text[..at]);
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push_str(&text[at..]);
    out
}

fn rankings_csv(ctx: &Ctx) -> String {
    let mut w = csv::Writer::new(EXPORT_CSV);
    w.text_row(RANKING_COLUMNS);
    for (key, _) in RANKINGS {
        for r in table(&ctx.a.rankings.site, key) {
            let e = ctx.entry(&r.id);
            w.text(key);
            w.integer(i64::try_from(r.rank).unwrap_or(i64::MAX));
            w.text(&r.id);
            for text in [
                e.map(|e| e.c.name.as_str()),
                e.map(|e| e.c.owner.as_str()),
                e.and_then(|e| e.c.profile.region.as_deref()),
                e.and_then(|e| e.m.abc.as_ref()).map(|a| a.class.as_str()),
            ] {
                w.text(text.unwrap_or_default());
            }
            w.value(&Value::from(r.value));
            w.end_row();
        }
    }
    w.finish()
}

/// A list as CSV: a header of `columns`, then each row's values under those keys (numbers
/// unrounded, absent values empty, lists joined by `;`).
fn list_csv(columns: &[&str], rows: &[Value]) -> String {
    let mut w = csv::Writer::new(EXPORT_CSV);
    w.text_row(columns.iter().copied());
    for row in rows {
        for column in columns {
            w.value(row.get(*column).unwrap_or(&Value::Null));
        }
        w.end_row();
    }
    w.finish()
}

/// The columns of a list that `ctx`'s audience may see: those of `groups` it hides go.
fn visible<'c>(ctx: &Ctx, columns: &[(&'c str, Option<Group>)]) -> Vec<&'c str> {
    columns
        .iter()
        .filter(|(_, group)| group.is_none_or(|g| ctx.shows(g)))
        .map(|(c, _)| *c)
        .collect()
}

/// The credit watch list (as on the credit page).
fn watchlist_csv(ctx: &Ctx) -> String {
    let columns = visible(
        ctx,
        &[
            ("id", None),
            ("name", None),
            ("owner", None),
            ("stage", None),
            ("base_grade", None),
            ("credit_points", None),
            ("grade", None),
            ("notches", None),
            ("warnings", None),
            ("payment_delay_days", Some(Group::Payments)),
            ("outstanding", Some(Group::Payments)),
            ("credit_limit", None),
            ("limit_use", Some(Group::Payments)),
            ("over_limit", Some(Group::Payments)),
            ("url", None),
        ],
    );
    let rows: Vec<Value> = super::credit::watched(ctx)
        .into_iter()
        .map(|e| {
            let cm = &e.m.credit;
            let rating = cm.rating.as_ref();
            let notches: Vec<String> = rating
                .map(|r| {
                    r.notches
                        .iter()
                        .map(|n| match n {
                            Notch::Warnings { category, .. } => format!("warnings:{category}"),
                            Notch::PaymentDelay { threshold_days, .. } => {
                                format!("payment_delay:{threshold_days}")
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            json!({
                "id": e.c.id, "name": e.c.name, "owner": e.c.owner, "stage": e.m.stage.as_str(),
                "base_grade": rating.map(|r| r.base.as_str()),
                "credit_points": rating.map(|r| r.points),
                "grade": cm.display,
                "notches": notches,
                "warnings": cm.warnings.iter().map(|w| w.as_str()).collect::<Vec<_>>(),
                "payment_delay_days": cm.payment_delay.as_ref().map(|d| d.days),
                "outstanding": cm.outstanding,
                "credit_limit": cm.limit,
                "limit_use": cm.limit_use,
                "over_limit": cm.over_limit,
                "url": e.url,
            })
        })
        .collect();
    list_csv(&columns, &rows)
}

/// Lost customers by win-back CLV, as on the retention page.
fn win_back_csv(ctx: &Ctx) -> String {
    let rows: Vec<Value> = ctx
        .a
        .clv
        .win_back
        .iter()
        .map(|w| {
            let e = ctx.entry(&w.id);
            json!({
                "rank": w.rank, "id": w.id, "name": e.map(|e| e.c.name.as_str()),
                "owner": e.map(|e| e.c.owner.as_str()), "churn_date": w.churn_date.to_string(),
                "reason": w.reason.as_str(), "clv": w.clv, "url": e.map(|e| e.url.as_str()),
            })
        })
        .collect();
    list_csv(
        &[
            "rank",
            "id",
            "name",
            "owner",
            "churn_date",
            "reason",
            "clv",
            "url",
        ],
        &rows,
    )
}

/// Every open complaint, oldest first, then by customer id.
fn open_complaints_csv(ctx: &Ctx) -> String {
    let mut open: Vec<(&Entry, &crate::analytics::OpenComplaint)> = ctx
        .customers
        .iter()
        .flat_map(|e| e.m.complaints.open_complaints.iter().map(move |x| (e, x)))
        .collect();
    open.sort_by(|a, b| (a.1.opened, &a.0.c.id).cmp(&(b.1.opened, &b.0.c.id)));
    let rows: Vec<Value> = open
        .into_iter()
        .map(|(e, x)| {
            json!({
                "id": e.c.id, "name": e.c.name, "owner": e.c.owner,
                "opened": x.opened.to_string(), "days_open": x.days_open,
                "category": x.category.map(|c| c.as_str()),
                "severity": x.severity.map(|c| c.as_str()),
                "summary": x.summary, "url": e.url,
            })
        })
        .collect();
    list_csv(
        &[
            "id",
            "name",
            "owner",
            "opened",
            "days_open",
            "category",
            "severity",
            "summary",
            "url",
        ],
        &rows,
    )
}

/// One row of a visit list: a customer's visit status and its account manager.
struct VisitLine<'l, 'a> {
    id: &'l str,
    entry: Option<&'l Entry<'a>>,
    owner: &'l str,
    status: &'l crate::analytics::VisitStatus,
}

/// A column of a visit list: its name, the group that hides it and how it writes its cell.
type VisitColumn = (
    &'static str,
    Option<Group>,
    fn(&mut csv::Writer, &VisitLine),
);

fn opt_text(w: &mut csv::Writer, text: Option<&str>) {
    match text {
        Some(text) => w.text(text),
        None => w.empty(),
    }
}

fn opt_integer(w: &mut csv::Writer, n: Option<i64>) {
    match n {
        Some(n) => w.integer(n),
        None => w.empty(),
    }
}

/// The columns both visit lists start with.
const VISIT_HEAD: [VisitColumn; 6] = [
    ("id", None, |w, l| w.text(l.id)),
    ("name", None, |w, l| {
        opt_text(w, l.entry.map(|e| e.c.name.as_str()))
    }),
    ("owner", None, |w, l| w.text(l.owner)),
    ("class", Some(Group::Sales), |w, l| {
        opt_text(w, l.status.class.map(|c| c.as_str()))
    }),
    ("interval_days", None, |w, l| {
        w.integer(l.status.interval_days)
    }),
    ("last_visit", None, |w, l| {
        let date = l.status.last_visit.as_ref().map(|v| v.date.to_string());
        opt_text(w, date.as_deref())
    }),
];

const OVERDUE_TAIL: [VisitColumn; 3] = [
    ("days_since", None, |w, l| {
        opt_integer(w, l.status.days_since)
    }),
    ("days_overdue", None, |w, l| {
        opt_integer(w, l.status.days_overdue)
    }),
    ("url", None, |w, l| {
        opt_text(w, l.entry.map(|e| e.url.as_str()))
    }),
];

const PLAN_TAIL: [VisitColumn; 3] = [
    ("next_visit_due", None, |w, l| {
        let date = l.status.next_due.map(|d| d.to_string());
        opt_text(w, date.as_deref())
    }),
    ("days_until_due", None, |w, l| {
        opt_integer(w, l.status.days_until_due)
    }),
    ("url", None, |w, l| {
        opt_text(w, l.entry.map(|e| e.url.as_str()))
    }),
];

/// A visit list as CSV, cell by cell (thousands of rows at every save: no JSON rows between).
fn visit_csv<'l, 'a: 'l>(
    ctx: &Ctx,
    tail: &[VisitColumn],
    lines: impl Iterator<Item = VisitLine<'l, 'a>>,
) -> String {
    let columns: Vec<&VisitColumn> = VISIT_HEAD
        .iter()
        .chain(tail)
        .filter(|(_, group, _)| group.is_none_or(|g| ctx.shows(g)))
        .collect();
    let mut w = csv::Writer::new(EXPORT_CSV);
    w.text_row(columns.iter().map(|(name, _, _)| *name));
    for line in lines {
        for (_, _, cell) in &columns {
            cell(&mut w, &line);
        }
        w.end_row();
    }
    w.finish()
}

/// Overdue visits by owner (never visited first, then most days overdue) and the visit plan.
fn visit_csvs(ctx: &Ctx) -> (String, String) {
    let v = &ctx.a.visits;
    let overdue = v.by_owner.iter().flat_map(|o| {
        o.customers.iter().map(|c| VisitLine {
            id: &c.id,
            entry: ctx.entry(&c.id),
            owner: &o.owner,
            status: &c.status,
        })
    });
    let plan = v.due_soon.iter().map(|d| VisitLine {
        id: &d.id,
        entry: ctx.entry(&d.id),
        owner: &d.owner,
        status: &d.status,
    });
    (
        visit_csv(ctx, &OVERDUE_TAIL, overdue),
        visit_csv(ctx, &PLAN_TAIL, plan),
    )
}

pub(super) fn files(ctx: &Ctx) -> Result<Files, RenderError> {
    let shapes = RowShapes::new(ctx);
    let rows = customer_exports(ctx, &shapes);
    let list_rows: Vec<&str> = rows.iter().map(|r| r.list_row.as_str()).collect();
    // The files are independent of each other: made in parallel.
    let (((json, rows_file), (csv, labelled)), mut files) = rayon::join(
        || {
            rayon::join(
                || {
                    rayon::join(
                        || metrics_json(ctx, &rows),
                        || super::lists::rows_file(ctx, &shapes.list_columns, &list_rows),
                    )
                },
                || {
                    rayon::join(
                        || customers_csv(&shapes.columns, &rows),
                        || customers_labelled_csv(ctx, &shapes.labelled_columns, &rows),
                    )
                },
            )
        },
        || working_lists(ctx),
    );
    if let Some(out) = ctx.export_rows {
        *out.lock().unwrap_or_else(|p| p.into_inner()) = Some(rows.clone());
    }
    files.insert("data/metrics.json".into(), json.into_bytes());
    files.insert("data/customers.csv".into(), csv.into_bytes());
    files.insert(super::lists::ROWS_FILE.into(), rows_file);
    files.insert(
        format!("data/customers.{}.csv", ctx.lang.as_str()),
        labelled.into_bytes(),
    );
    Ok(files)
}

/// The rankings and the working lists that the audience may see, in parallel.
fn working_lists(ctx: &Ctx) -> Files {
    type List = fn(&Ctx) -> Vec<(&'static str, String)>;
    let lists: [(Group, List); 5] = [
        (Group::Sales, |ctx| {
            vec![("data/rankings.csv", rankings_csv(ctx))]
        }),
        (Group::Sales, |ctx| {
            vec![("data/win-back.csv", win_back_csv(ctx))]
        }),
        (Group::Credit, |ctx| {
            vec![("data/watchlist.csv", watchlist_csv(ctx))]
        }),
        (Group::Complaints, |ctx| {
            vec![("data/open-complaints.csv", open_complaints_csv(ctx))]
        }),
        (Group::Visits, |ctx| {
            let (overdue, plan) = visit_csvs(ctx);
            vec![
                ("data/overdue-visits.csv", overdue),
                ("data/visit-plan.csv", plan),
            ]
        }),
    ];
    lists
        .par_iter()
        .filter(|(group, _)| ctx.shows(*group))
        .flat_map_iter(|(_, list)| list(ctx))
        .map(|(path, text)| (path.to_string(), text.into_bytes()))
        .collect()
}
