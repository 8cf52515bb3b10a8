//! Exports under `data/`: `metrics.json` (the analytics' export document), `customers.csv`
//! (one row per customer) and `rankings.csv` (the four rankings in full, site-wide).
//!
//! The CSV files follow RFC 4180 (comma separated, CRLF line ends, fields with a comma, quote
//! or line break in double quotes, quotes doubled) and are UTF-8 with a byte order mark, so
//! that Excel opens Chinese text correctly. Numbers are unrounded; absent values are empty.
//! A text field that starts with `=`, `+`, `-` or `@` gets a leading `'` so that a spreadsheet
//! does not run it as a formula.

use serde_json::Value;

use super::context::Ctx;
use super::rankings::{RANKINGS, table};
use crate::analytics::{MetricsDocument, document_json, metrics_document};
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

/// The UTF-8 byte order mark.
const BOM: &str = "\u{feff}";

/// One CSV field: formula-looking text neutralised, then quoted as `dossier report` does.
fn field(text: &str, is_text: bool) -> String {
    let guarded;
    let text = if is_text && text.starts_with(['=', '+', '-', '@']) {
        guarded = format!("'{text}");
        &guarded
    } else {
        text
    };
    crate::report::csv_field(text)
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => field(s, true),
        Value::Array(items) => field(
            &items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(";"),
            true,
        ),
        other => field(&other.to_string(), false),
    }
}

fn line(out: &mut String, cells: impl IntoIterator<Item = String>) {
    let cells: Vec<String> = cells.into_iter().collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

fn customers_csv(ctx: &Ctx, doc: &MetricsDocument) -> String {
    let mut out = String::from(BOM);
    line(
        &mut out,
        CUSTOMER_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .chain(["url".to_string()]),
    );
    for row in &doc.customers {
        let value = serde_json::to_value(row).unwrap_or(Value::Null);
        let url = ctx.entry(&row.id).map_or(String::new(), |e| e.url.clone());
        line(
            &mut out,
            CUSTOMER_COLUMNS
                .iter()
                .map(|c| cell(value.get(*c).unwrap_or(&Value::Null)))
                .chain([field(&url, true)]),
        );
    }
    out
}

fn rankings_csv(ctx: &Ctx) -> String {
    let mut out = String::from(BOM);
    line(&mut out, RANKING_COLUMNS.iter().map(|c| c.to_string()));
    for (key, _) in RANKINGS {
        for r in table(&ctx.a.rankings.site, key) {
            let e = ctx.entry(&r.id);
            let text = |s: Option<&str>| s.map_or(String::new(), |s| field(s, true));
            line(
                &mut out,
                [
                    key.to_string(),
                    r.rank.to_string(),
                    field(&r.id, true),
                    text(e.map(|e| e.c.name.as_str())),
                    text(e.map(|e| e.c.owner.as_str())),
                    text(e.and_then(|e| e.c.profile.region.as_deref())),
                    text(e.and_then(|e| e.m.abc.as_ref()).map(|a| a.class.as_str())),
                    cell(&serde_json::json!(r.value)),
                ],
            );
        }
    }
    out
}

pub(super) fn files(ctx: &Ctx) -> Result<Files, RenderError> {
    let mut files = Files::new();
    // One document for both: it copies every customer's metrics.
    let doc = metrics_document(ctx.a);
    files.insert("data/metrics.json".into(), document_json(&doc).into_bytes());
    files.insert(
        "data/customers.csv".into(),
        customers_csv(ctx, &doc).into_bytes(),
    );
    files.insert("data/rankings.csv".into(), rankings_csv(ctx).into_bytes());
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_per_rfc_4180() {
        assert_eq!(field("华东", true), "华东");
        assert_eq!(field("a,b", true), "\"a,b\"");
        assert_eq!(field("say \"hi\"", true), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines", true), "\"two\nlines\"");
        assert_eq!(field("=SUM(A1)", true), "'=SUM(A1)");
        assert_eq!(field("-1.5", false), "-1.5");
        assert_eq!(cell(&Value::Null), "");
        assert_eq!(cell(&serde_json::json!(["a", "b"])), "a;b");
        assert_eq!(cell(&serde_json::json!(0.25)), "0.25");
        assert_eq!(cell(&serde_json::json!(true)), "true");
    }
}
