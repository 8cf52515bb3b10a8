//! A report table: display text for the terminal and the raw (unrounded) value for the
//! machine formats, written as aligned text, CSV or JSON.

use std::borrow::Cow;

use serde_json::{Map, Value};
use unicode_width::UnicodeWidthStr;

use crate::csv;
use crate::terminal::escape;

/// What a missing value shows in a terminal table.
pub const ABSENT: &str = "—";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Clone, Debug)]
pub struct Column {
    /// The key in CSV headers and JSON objects.
    pub key: &'static str,
    /// The header in terminal tables.
    pub header: String,
    pub align: Align,
}

/// One value: how the terminal shows it, and what the machine formats carry.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub raw: Value,
}

impl Cell {
    pub fn new(text: impl Into<String>, raw: impl Into<Value>) -> Cell {
        Cell {
            text: text.into(),
            raw: raw.into(),
        }
    }

    pub fn text(text: impl Into<String>) -> Cell {
        let text = text.into();
        Cell {
            raw: Value::String(text.clone()),
            text,
        }
    }

    pub fn absent() -> Cell {
        Cell::new(ABSENT, Value::Null)
    }

    /// A value shown with `show`, or the absent mark.
    pub fn opt<T: Copy + Into<Value>>(value: Option<T>, show: impl Fn(T) -> String) -> Cell {
        value.map_or_else(Cell::absent, |v| Cell::new(show(v), v))
    }

    pub fn opt_text(value: Option<&str>) -> Cell {
        value.map_or_else(Cell::absent, Cell::text)
    }

    pub fn int(n: impl Into<i64>) -> Cell {
        let n = n.into();
        Cell::new(n.to_string(), n)
    }

    pub fn count(n: usize) -> Cell {
        Cell::new(n.to_string(), n)
    }

    /// A list, shown joined by `; ` and carried as an array.
    pub fn list(items: Vec<String>) -> Cell {
        if items.is_empty() {
            return Cell::new(ABSENT, Value::Array(Vec::new()));
        }
        Cell::new(
            items.join("; "),
            Value::Array(items.into_iter().map(Value::String).collect()),
        )
    }
}

#[derive(Clone, Debug)]
pub struct Table {
    /// A stable name for the machine formats.
    pub key: &'static str,
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(key: &'static str, title: impl Into<String>) -> Table {
        Table {
            key,
            title: title.into(),
            columns: Vec::new(),
            rows: Vec::new(),
        }
    }

    pub fn left(mut self, key: &'static str, header: impl Into<String>) -> Table {
        self.columns.push(Column {
            key,
            header: header.into(),
            align: Align::Left,
        });
        self
    }

    pub fn right(mut self, key: &'static str, header: impl Into<String>) -> Table {
        self.columns.push(Column {
            key,
            header: header.into(),
            align: Align::Right,
        });
        self
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "{}", self.key);
        self.rows.push(row);
    }
}

fn pad(text: &str, width: usize, align: Align) -> String {
    let fill = " ".repeat(width.saturating_sub(text.width()));
    match align {
        Align::Left => format!("{text}{fill}"),
        Align::Right => format!("{fill}{text}"),
    }
}

/// Columns aligned by display width (a CJK character takes two columns), two spaces apart;
/// a title line above, a rule under the headers, `(none)` for an empty table. Control
/// characters of the values are escaped ([`crate::terminal`]) before measuring.
pub fn to_text(table: &Table, empty: &str) -> String {
    let mut out = format!("{}\n", escape(&table.title));
    if table.rows.is_empty() {
        out.push_str(&format!("  {empty}\n"));
        return out;
    }
    let header: Vec<Cow<str>> = table.columns.iter().map(|c| escape(&c.header)).collect();
    let rows: Vec<Vec<Cow<str>>> = table
        .rows
        .iter()
        .map(|row| row.iter().map(|cell| escape(&cell.text)).collect())
        .collect();
    let widths: Vec<usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rows.iter()
                .map(|r| r[i].width())
                .chain([h.width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let aligns: Vec<Align> = table.columns.iter().map(|c| c.align).collect();
    let line = |cells: &[Cow<str>]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .zip(&aligns)
            .map(|((text, w), align)| pad(text, *w, *align))
            .collect();
        format!("{}\n", parts.join("  ").trim_end())
    };
    out.push_str(&line(&header));
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&format!("{}\n", rule.join("  ")));
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}

/// The CSV of `dossier report`: LF line ends, no byte order mark, lists joined by `; `.
const REPORT_CSV: csv::Dialect = csv::Dialect {
    bom: false,
    line_end: "\n",
    list_separator: "; ",
};

/// The table as CSV: a header of column keys, then the raw values (text cells guarded against
/// formulas, numbers unrounded, null empty).
pub fn to_csv(table: &Table) -> String {
    let mut w = csv::Writer::new(REPORT_CSV);
    w.text_row(table.columns.iter().map(|c| c.key));
    for row in &table.rows {
        for cell in row {
            w.value(&cell.raw);
        }
        w.end_row();
    }
    w.finish()
}

/// The rows as JSON objects keyed by column key.
pub fn to_json(table: &Table) -> Value {
    Value::Array(
        table
            .rows
            .iter()
            .map(|row| {
                let object: Map<String, Value> = table
                    .columns
                    .iter()
                    .zip(row)
                    .map(|(c, cell)| (c.key.to_string(), cell.raw.clone()))
                    .collect();
                Value::Object(object)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new("t", "标题")
            .left("name", "名称")
            .right("value", "金额");
        t.push(vec![Cell::text("华东电子"), Cell::new("1.0万", 10000.0)]);
        t.push(vec![Cell::text("Acme, \"Ltd\""), Cell::absent()]);
        t
    }

    #[test]
    fn text_aligns_by_display_width() {
        let text = to_text(&sample(), "(none)");
        let lines: Vec<&str> = text.lines().collect();
        // "华东电子" is 8 columns wide; "Acme, \"Ltd\"" 11 → the name column is 11 wide.
        assert_eq!(lines[0], "标题");
        assert_eq!(lines[1], "名称          金额");
        assert_eq!(lines[2], "-----------  -----");
        assert_eq!(lines[3], "华东电子     1.0万");
        assert_eq!(lines[4], "Acme, \"Ltd\"      —");
        for line in &lines[1..] {
            assert_eq!(line.width(), 18, "{line:?}");
        }
        let empty = Table::new("e", "空").left("a", "A");
        assert_eq!(to_text(&empty, "(none)"), "空\n  (none)\n");
    }

    #[test]
    fn csv_quotes_and_raw_values() {
        assert_eq!(
            to_csv(&sample()),
            "name,value\n华东电子,10000.0\n\"Acme, \"\"Ltd\"\"\",\n"
        );
    }

    #[test]
    fn json_rows_are_objects() {
        let json = to_json(&sample());
        assert_eq!(json[0]["value"], 10000.0);
        assert!(json[1]["value"].is_null());
    }
}
