//! Exports under `data/`: `metrics.json` (the analytics' export document), `customers.csv`
//! (one row per customer) and `rankings.csv` (the four rankings in full, site-wide).
//!
//! The CSV files follow RFC 4180 (comma separated, CRLF line ends, fields with a comma, quote
//! or line break in double quotes, quotes doubled) and are UTF-8 with a byte order mark, so
//! that Excel opens Chinese text correctly. Numbers are unrounded; absent values are empty.
//! Text cells are guarded against spreadsheet formulas by [`crate::csv`], as in
//! `dossier report --format csv`.

use serde_json::Value;

use super::context::Ctx;
use super::rankings::{RANKINGS, table};
use crate::analytics::{MetricsDocument, document_json, metrics_document};
use crate::csv;
use crate::render::RenderError;
use crate::write::Files;

/// The columns of `customers.csv`, in order: keys of the export's customer objects, then the
/// page URL.
pub(crate) const CUSTOMER_COLUMNS: [&str; 27] = [
    "id",
    "name",
    "stage",
    "owner",
    "region",
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
    "limit_use",
    "clv",
    "csi",
    "csi_level",
    "man",
    "open_complaints",
    "visit_overdue",
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

fn customers_csv(ctx: &Ctx, doc: &MetricsDocument) -> String {
    // An audience's file has no column of what it may not see, not even an empty one.
    let columns: Vec<&str> = CUSTOMER_COLUMNS
        .iter()
        .copied()
        .filter(|c| !ctx.hidden.hides_key(c))
        .collect();
    let mut w = csv::Writer::new(EXPORT_CSV);
    w.text_row(columns.iter().copied().chain(["url"]));
    for row in &doc.customers {
        let value = serde_json::to_value(row).unwrap_or(Value::Null);
        for &column in &columns {
            w.value(value.get(column).unwrap_or(&Value::Null));
        }
        w.text(&ctx.entry(&row.id).map_or(String::new(), |e| e.url.clone()));
        w.end_row();
    }
    w.finish()
}

fn rankings_csv(ctx: &Ctx) -> String {
    let mut w = csv::Writer::new(EXPORT_CSV);
    w.text_row(RANKING_COLUMNS);
    for (key, _) in RANKINGS {
        for r in table(&ctx.a.rankings.site, key) {
            let e = ctx.entry(&r.id);
            w.text(key);
            w.literal(&r.rank.to_string());
            w.text(&r.id);
            for text in [
                e.map(|e| e.c.name.as_str()),
                e.map(|e| e.c.owner.as_str()),
                e.and_then(|e| e.c.profile.region.as_deref()),
                e.and_then(|e| e.m.abc.as_ref()).map(|a| a.class.as_str()),
            ] {
                w.text(text.unwrap_or_default());
            }
            w.value(&serde_json::json!(r.value));
            w.end_row();
        }
    }
    w.finish()
}

pub(super) fn files(ctx: &Ctx) -> Result<Files, RenderError> {
    let mut files = Files::new();
    // One document for both: it copies every customer's metrics.
    let doc = metrics_document(ctx.a);
    let json = match ctx.r.audience() {
        Some(audience) => {
            let mut value = serde_json::to_value(&doc).unwrap_or(Value::Null);
            crate::audience::redact_metrics(&mut value, audience);
            let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
            text.push('\n');
            text
        }
        None => document_json(&doc),
    };
    files.insert("data/metrics.json".into(), json.into_bytes());
    files.insert(
        "data/customers.csv".into(),
        customers_csv(ctx, &doc).into_bytes(),
    );
    if ctx.shows(crate::audience::Group::Sales) {
        files.insert("data/rankings.csv".into(), rankings_csv(ctx).into_bytes());
    }
    Ok(files)
}
