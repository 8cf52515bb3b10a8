//! Every line of YAML handling lives here.
//!
//! Front matter and `site.yaml` are parsed into a [`Node`] tree in which every key and value
//! keeps its line and column. The validator then decodes that tree into typed records and
//! reports *every* problem it finds, instead of stopping at the first type error as a derived
//! `Deserialize` of the final types would.
//!
//! One reader serves every ordinary document, whatever its style: [`events`] builds the tree
//! from the YAML parser's events (block and flow collections, every scalar style, anchors and
//! aliases, comments, CRLF). Errors and the rare forms it leaves (tags, `2024:` keys, documents
//! past its limits) go to serde-saphyr ([`saphyr`]), so every message and position is
//! serde-saphyr's. [`readers`] exposes both for the tests that hold them to the same answers.

mod events;
mod saphyr;
mod scalar;

pub use saphyr::{MERGE_KEY_MESSAGE, SECOND_DOCUMENT_MESSAGE};

use std::fmt;

/// A position in a source file, 1-based.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A YAML value with the position where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A mapping entry: the key keeps its own position so "unknown field" can point at it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

impl Value {
    /// The YAML type name as an editor would say it, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl fmt::Display for Value {
    /// A short rendering of a scalar for "found …" in messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Str(s) => write!(f, "\"{s}\""),
            Value::Seq(_) => f.write_str("a list"),
            Value::Map(_) => f.write_str("a mapping"),
        }
    }
}

/// A YAML syntax error, positioned in the parsed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// Parses one YAML document. `line_offset` is added to every line so that positions are those of
/// the whole file (front matter starts on line 2).
pub fn parse(text: &str, line_offset: u32) -> Result<Node, SyntaxError> {
    match events::parse(text, line_offset) {
        Some(node) => Ok(node),
        None => saphyr::parse(text, line_offset),
    }
}

/// The two readers behind [`parse`], for the tests that compare them.
#[doc(hidden)]
pub mod readers {
    use super::{Node, SyntaxError};

    /// The event reader: `None` when it leaves the document to serde-saphyr.
    pub fn events(text: &str, line_offset: u32) -> Option<Node> {
        super::events::parse(text, line_offset)
    }

    /// serde-saphyr, which reads every document.
    pub fn saphyr(text: &str, line_offset: u32) -> Result<Node, SyntaxError> {
        super::saphyr::parse(text, line_offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }

    #[test]
    fn positions_are_of_values_and_keys_with_offset() {
        let text = "id: KH-1\ncredit:\n  five_c:\n    capital: 7\nlist:\n  - 8.1e6\n  - yes\n";
        let node = parse(text, 1).unwrap();
        let Value::Map(entries) = &node.value else {
            panic!("not a map")
        };
        assert_eq!(entries[0].key, "id");
        assert_eq!(entries[0].key_pos, at(2, 1));
        assert_eq!(entries[0].value.pos, at(2, 5));
        let Value::Map(credit) = &entries[1].value.value else {
            panic!()
        };
        let Value::Map(five) = &credit[0].value.value else {
            panic!()
        };
        assert_eq!(five[0].value.value, Value::Int(7));
        assert_eq!(five[0].value.pos, at(5, 14));
        let Value::Seq(list) = &entries[2].value.value else {
            panic!()
        };
        assert_eq!(list[0].value, Value::Float(8.1e6));
        // YAML 1.2 core schema: `yes` is a string.
        assert_eq!(list[1].value, Value::Str("yes".into()));
    }

    #[test]
    fn dates_and_integers_stay_distinct() {
        let node = parse("a: 2024-01-05\nb: 2024\nc: 2024.0\nd: '0571'\ne: ~\n", 0).unwrap();
        let Value::Map(e) = node.value else { panic!() };
        assert_eq!(e[0].value.value, Value::Str("2024-01-05".into()));
        assert_eq!(e[1].value.value, Value::Int(2024));
        assert_eq!(e[2].value.value, Value::Float(2024.0));
        assert_eq!(e[3].value.value, Value::Str("0571".into()));
        assert_eq!(e[4].value.value, Value::Null);
    }

    #[test]
    fn syntax_errors_and_duplicates_are_positioned() {
        let err = parse("a: 1\nb: [1, 2\n", 1).unwrap_err();
        assert!(err.pos.line >= 2, "{err:?}");
        let err = parse("a: 1\na: 2\n", 1).unwrap_err();
        assert_eq!(err.pos.line, 3, "{err:?}");
        assert_eq!(err.message, "field `a` appears twice in the same mapping");
    }

    /// Ordinary documents in every style: the event reader takes them and gives what
    /// serde-saphyr gives, values and positions.
    #[test]
    fn event_reader_takes_ordinary_documents_as_serde_saphyr_reads_them() {
        let texts = [
            "id: KH-1\nname: \"A\"\ntags: [a, 新客户]\nq: {money: true, authority: false}\n",
            "list:\n  - date: 2025-03-23\n    n: 12\n    x: -4.50\n  - {a: 0, b: -7, c: ''}\n",
            "a: 0571\nb: 1_000\nc: 1e5\nd: .5\ne: +3\nf: 0x1F\nh: nan\ni: 12345678901234567890\n",
            "a: yes\nb: No\nc: ~\nd:\ne: Null\nf: TRUE\ng: 2024-1-5\nh: 1.\ni: '007'\n",
            "a: &x 1\nb: *x\n",
            "owner: &o 王磊\nvisits:\n  - {by: *o, kind: call}\n  - by: *o\n",
            "base: &b {x: 1, y: [2, {z: 3}]}\ncopy: *b\nlist: &l [a, b]\nagain: [*l, *b]\n",
            "a: &x 1\nb: &x 2\nc: *x\n",
            "'a': 1\nb: 2\n\"c d\": 3\nyes: 4\n",
            "a: |\n  text\n  more\nb: >\n  folded\n  line\n\n  next\nc: |-\n  kept\n\n  lines\n",
            "a: plain text\n  over two lines\nb: \"double\n  folded\"\nc: 'single\n\n  paragraph'\n",
            "a:\n- b\n-   c: 1\n    d: 2\n",
            "  a: 1\n  b:\n    - x\n",
            "a: 'it''s'\nb: \"tab\\there \\u00e9\"\n",
            "a: 1 # comment\n# between\nb: 2\n",
            "a: x\n...\n",
            "a: x\r\nb: |\r\n  one\r\n  two\r\nc: [1,\r\n  2]\r\n",
            "a: 9007199254740993\nb: 123456789012345678\nc: 0.1\nd: 3.14159265358979\n",
            "a: _x\n_b: 1\nc: a-\nd: -a\ne: --1\nf: -0\ng: -0.0\nh: -0571\n",
            "a:\n  b:\n    c:\n      d: [[1], {e: f}]\n",
            "sales: [\n    {year: 2024, revenue: 1},\n    {year: 2025, revenue: 2},\n  ]\n",
            "a: 0x\nb: 0o\nc: 1__0\nd: _1\ne: 0b102\nf: +-1\ng: 1e5_0\n",
        ];
        for text in texts {
            for offset in [0, 1] {
                let expected = saphyr::parse(text, offset);
                let events = events::parse(text, offset);
                assert!(events.is_some(), "not taken: {text:?}");
                assert_eq!(Ok(events.unwrap()), expected, "{text:?}");
                assert_eq!(parse(text, offset), expected, "{text:?}");
            }
        }
    }

    /// Errors and rare forms are left to serde-saphyr, whose answer [`parse`] gives.
    #[test]
    fn event_reader_leaves_errors_and_rare_forms() {
        let texts = [
            "g: .inf\n",
            "n: -.NaN\n",
            "x: 1e999\n",
            "a: !!str 1\nb: !t x\n",
            "<<: {a: 1}\nb: 2\n",
            "a: 1\na: 2\n",
            "'a': 1\na: 2\n",
            "2024: x\ntrue: y\n",
            "a: [1, 2\n",
            "a: b: c\n",
            "c: -\n",
            "a: *nowhere\n",
            "a: &r [1, *r]\n",
            "- a\n- b\n",
            "plain\n",
            "",
            "# only a comment\n",
        ];
        for text in texts {
            for offset in [0, 1] {
                assert_eq!(events::parse(text, offset), None, "{text:?}");
                assert_eq!(parse(text, offset), saphyr::parse(text, offset), "{text:?}");
            }
        }
    }

    #[test]
    fn empty_document_is_null() {
        assert_eq!(parse("", 1).unwrap().value, Value::Null);
        assert_eq!(parse("# only a comment\n", 1).unwrap().value, Value::Null);
    }
}
