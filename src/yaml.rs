//! Every line of YAML handling lives here.
//!
//! Front matter and `site.yaml` are parsed with serde-saphyr into a [`Node`] tree in which every
//! key and value keeps its line and column. The validator then decodes that tree into typed
//! records and reports *every* problem it finds, instead of stopping at the first type error as a
//! derived `Deserialize` of the final types would.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{DuplicateKeyPolicy, Spanned};

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
    if let Some(node) = fast::parse(text, line_offset) {
        return Ok(node);
    }
    parse_with_serde(text, line_offset)
}

/// [`parse`] through serde-saphyr, for every document the fast path does not take.
fn parse_with_serde(text: &str, line_offset: u32) -> Result<Node, SyntaxError> {
    let options = serde_saphyr::options! {
        duplicate_keys: DuplicateKeyPolicy::Error,
        strict_booleans: true,
        merge_keys: serde_saphyr::MergeKeyPolicy::Error,
        with_snippet: false,
    };
    match serde_saphyr::from_str_with_options::<Option<RawNode>>(text, options) {
        Ok(Some(raw)) => Ok(raw.into_node(line_offset)),
        Ok(None) => Ok(Node {
            pos: Pos {
                line: 1 + line_offset,
                column: 1,
            },
            value: Value::Null,
        }),
        Err(err) => Err(syntax_error(&err, line_offset)),
    }
}

fn syntax_error(err: &serde_saphyr::Error, line_offset: u32) -> SyntaxError {
    let pos = err
        .location()
        .filter(|loc| loc.line() > 0)
        .map(|loc| Pos {
            line: loc.line() as u32 + line_offset,
            column: loc.column().max(1) as u32,
        })
        .unwrap_or(Pos {
            line: 1 + line_offset,
            column: 1,
        });
    let rendered = err.without_snippet().to_string();
    if let Some(rest) = rendered.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return SyntaxError {
            pos,
            message: format!("field `{key}` appears twice in the same mapping"),
        };
    }
    // The rendered text may end with " at line X column Y"; positions are reported separately.
    let message = rendered
        .lines()
        .next()
        .unwrap_or("invalid YAML")
        .split(" at line ")
        .next()
        .unwrap_or("invalid YAML")
        .trim()
        .to_string();
    SyntaxError { pos, message }
}

/// The tree as serde-saphyr hands it over: every node wrapped in `Spanned`.
struct RawNode(Spanned<RawValue>);

enum RawValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<RawNode>),
    Map(Vec<(Spanned<String>, RawNode)>),
}

impl RawNode {
    fn into_node(self, line_offset: u32) -> Node {
        let spanned = self.0;
        let pos = Pos {
            line: spanned.referenced.line() as u32 + line_offset,
            column: spanned.referenced.column() as u32,
        };
        let value = match spanned.value {
            RawValue::Null => Value::Null,
            RawValue::Bool(b) => Value::Bool(b),
            RawValue::Int(i) => Value::Int(i),
            RawValue::Float(x) => Value::Float(x),
            RawValue::Str(s) => Value::Str(s),
            RawValue::Seq(items) => Value::Seq(
                items
                    .into_iter()
                    .map(|n| n.into_node(line_offset))
                    .collect(),
            ),
            RawValue::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(key, value)| Entry {
                        key_pos: Pos {
                            line: key.referenced.line() as u32 + line_offset,
                            column: key.referenced.column() as u32,
                        },
                        key: key.value,
                        value: value.into_node(line_offset),
                    })
                    .collect(),
            ),
        };
        Node { pos, value }
    }
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Spanned::<RawValue>::deserialize(deserializer).map(RawNode)
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_none<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawValue, D::Error> {
        RawValue::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<RawValue, E> {
        Ok(i64::try_from(v).map_or(RawValue::Float(v as f64), RawValue::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<RawValue, E> {
        Ok(i64::try_from(v).map_or(RawValue::Float(v as f64), RawValue::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<RawValue, E> {
        Ok(i64::try_from(v).map_or(RawValue::Float(v as f64), RawValue::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<RawNode>()? {
            items.push(item);
        }
        Ok(RawValue::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<KeyText>>()? {
            let value = map.next_value::<RawNode>()?;
            let key = Spanned::new(key.value.0, key.referenced, key.defined);
            entries.push((key, value));
        }
        Ok(RawValue::Map(entries))
    }
}

/// A mapping key read as text whatever its scalar type (`2024:` is the key "2024").
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar mapping key")
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<KeyText, E> {
                Ok(KeyText(v))
            }
            fn visit_bool<E>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<KeyText, E> {
                Ok(KeyText("null".to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<KeyText, A::Error> {
                Err(de::Error::custom(
                    "a mapping key must be a plain scalar, not a list",
                ))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<KeyText, A::Error> {
                Err(de::Error::custom(
                    "a mapping key must be a plain scalar, not a mapping",
                ))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}

/// The common case without serde: a front matter that is a mapping of plain keys, quoted
/// strings and unambiguous plain scalars, with no anchors, aliases, tags, merge keys or
/// duplicate keys. Built straight from the parser's events, with the same parser options and the
/// same positions as [`parse`]'s serde-saphyr path. Anything else (including every error) gives
/// `None`, and the serde-saphyr path decides, so values and messages stay the same.
mod fast {
    use serde_saphyr::granit_parser::{Event, Options, Parser, ScalarStyle, Span, StrInput};

    use super::{Entry, Node, Pos, Value};

    /// Larger texts (and deeper trees) go to serde-saphyr, whose budget limits apply.
    const MAX_BYTES: usize = 256 * 1024;
    const MAX_DEPTH: usize = 32;
    const MAX_ENTRIES: usize = 256;

    pub(super) fn parse(text: &str, line_offset: u32) -> Option<Node> {
        if text.len() > MAX_BYTES {
            return None;
        }
        let mut builder = Builder {
            parser: Parser::with_options(StrInput::new(text), options()),
            line_offset,
            depth: 0,
        };
        let Event::StreamStart = builder.next()?.0 else {
            return None;
        };
        let Event::DocumentStart(false, None) = builder.next()?.0 else {
            return None;
        };
        let (Event::MappingStart(_, 0, None), span) = builder.next()? else {
            return None;
        };
        let root = builder.map(&span)?;
        let Event::DocumentEnd = builder.next()?.0 else {
            return None;
        };
        let Event::StreamEnd = builder.next()?.0 else {
            return None;
        };
        builder.parser.next().is_none().then_some(root)
    }

    /// The parser options serde-saphyr derives from its default budget.
    fn options() -> Options {
        let budget = serde_saphyr::Budget::default();
        let mut options = Options::default();
        options.simple_key_max_lookahead = budget.simple_key_max_lookahead;
        options.flow_nesting_limit = budget.flow_nesting_limit;
        options.block_nesting_limit = options
            .block_nesting_limit
            .max(budget.max_depth.saturating_add(1));
        options
    }

    struct Builder<'t> {
        parser: Parser<'t, StrInput<'t>>,
        line_offset: u32,
        depth: usize,
    }

    impl<'t> Builder<'t> {
        fn next(&mut self) -> Option<(Event<'t>, Span)> {
            self.parser.next()?.ok()
        }

        fn pos(&self, span: &Span) -> Pos {
            Pos {
                line: span.start.line() as u32 + self.line_offset,
                column: span.start.col() as u32 + 1,
            }
        }

        fn node(&mut self) -> Option<Node> {
            let (event, span) = self.next()?;
            match event {
                Event::Scalar(text, style, 0, None) => Some(Node {
                    pos: self.pos(&span),
                    value: scalar(&text, style)?,
                }),
                Event::MappingStart(_, 0, None) => self.map(&span),
                Event::SequenceStart(_, 0, None) => self.seq(&span),
                _ => None,
            }
        }

        fn map(&mut self, span: &Span) -> Option<Node> {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return None;
            }
            let mut entries: Vec<Entry> = Vec::new();
            loop {
                let (event, key_span) = self.next()?;
                let key = match event {
                    Event::MappingEnd => break,
                    Event::Scalar(text, style, 0, None) => key(&text, style)?,
                    _ => return None,
                };
                if entries.len() >= MAX_ENTRIES || entries.iter().any(|e| e.key == key) {
                    return None;
                }
                let key_pos = self.pos(&key_span);
                let value = self.node()?;
                entries.push(Entry {
                    key,
                    key_pos,
                    value,
                });
            }
            self.depth -= 1;
            Some(Node {
                pos: self.pos(span),
                value: Value::Map(entries),
            })
        }

        fn seq(&mut self, span: &Span) -> Option<Node> {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return None;
            }
            let mut items = Vec::new();
            loop {
                let (event, item_span) = self.next()?;
                let item = match event {
                    Event::SequenceEnd => break,
                    Event::Scalar(text, style, 0, None) => Node {
                        pos: self.pos(&item_span),
                        value: scalar(&text, style)?,
                    },
                    Event::MappingStart(_, 0, None) => self.map(&item_span)?,
                    Event::SequenceStart(_, 0, None) => self.seq(&item_span)?,
                    _ => return None,
                };
                items.push(item);
            }
            self.depth -= 1;
            Some(Node {
                pos: self.pos(span),
                value: Value::Seq(items),
            })
        }
    }

    /// Plain words that YAML or Rust's float parser might read as something else than a string.
    fn is_special_word(text: &str) -> bool {
        const WORDS: [&str; 12] = [
            "null", "true", "false", "inf", "infinity", "nan", "y", "n", "yes", "no", "on", "off",
        ];
        text.len() <= 8 && WORDS.iter().any(|word| text.eq_ignore_ascii_case(word))
    }

    /// A key whose text is the same whatever the scalar rules: quoted and non-empty, or plain and
    /// starting with a letter or a non-ASCII character, and not a special word.
    fn key(text: &str, style: ScalarStyle) -> Option<String> {
        let first = *text.as_bytes().first()?;
        let plain_text = first.is_ascii_alphabetic() || first >= 0x80 || first == b'_';
        let ok = match style {
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => text != "<<",
            ScalarStyle::Plain => plain_text && !is_special_word(text),
            _ => false,
        };
        ok.then(|| text.to_owned())
    }

    /// The value of an untagged scalar, or `None` when it is not one of the shapes decided here.
    fn scalar(text: &str, style: ScalarStyle) -> Option<Value> {
        match style {
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                return Some(Value::Str(text.to_owned()));
            }
            ScalarStyle::Plain => {}
            _ => return None,
        }
        match text {
            "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
            "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
            "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
            _ => {}
        }
        let bytes = text.as_bytes();
        let first = bytes[0];
        if first.is_ascii_alphabetic() || first >= 0x80 {
            return (!is_special_word(text)).then(|| Value::Str(text.to_owned()));
        }
        if is_date(bytes) {
            return Some(Value::Str(text.to_owned()));
        }
        let unsigned = bytes.strip_prefix(b"-").unwrap_or(bytes);
        let (int_part, fraction) = match unsigned.iter().position(|&b| b == b'.') {
            Some(dot) => (&unsigned[..dot], Some(&unsigned[dot + 1..])),
            None => (unsigned, None),
        };
        let decimal = |digits: &[u8]| !digits.is_empty() && digits.iter().all(u8::is_ascii_digit);
        if !decimal(int_part) || (int_part.len() > 1 && int_part[0] == b'0') {
            return None;
        }
        match fraction {
            None if int_part.len() <= 18 => text.parse().ok().map(Value::Int),
            Some(fraction) if decimal(fraction) && int_part.len() + fraction.len() <= 15 => {
                text.parse().ok().map(Value::Float)
            }
            _ => None,
        }
    }

    /// `2025-03-23`: neither an integer nor a float, so a string.
    fn is_date(b: &[u8]) -> bool {
        b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            })
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

    /// The fast path gives what serde-saphyr gives, or leaves the document to it.
    #[test]
    fn fast_path_agrees_with_serde() {
        let texts = [
            "id: KH-1\nname: \"A\"\ntags: [a, 新客户]\nq: {money: true, authority: false}\n",
            "list:\n  - date: 2025-03-23\n    n: 12\n    x: -4.50\n  - {a: 0, b: -7, c: ''}\n",
            "a: 0571\nb: 1_000\nc: 1e5\nd: .5\ne: +3\nf: 0x1F\ng: .inf\nh: nan\ni: 12345678901234567890\n",
            "a: yes\nb: No\nc: ~\nd:\ne: Null\nf: TRUE\ng: 2024-1-5\nh: 1.\ni: '007'\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\nb: !t x\n",
            "<<: {a: 1}\nb: 2\n",
            "a: 1\na: 2\n",
            "'a': 1\na: 2\n",
            "2024: x\ntrue: y\n",
            "a: |\n  text\n  more\nb: >\n  folded\n",
            "a: [1, 2\n",
            "a:\n- b\n-   c: 1\n    d: 2\n",
            "  a: 1\n  b:\n    - x\n",
            "a: b: c\n",
            "a: 'it''s'\nb: \"tab\\there\"\n",
            "- a\n- b\n",
            "plain\n",
            "",
            "# only a comment\n",
            "a: 1 # comment\n# between\nb: 2\n",
            "a: x\n...\n",
            "a: x\r\nb: 1\r\n",
            "a: 9007199254740993\nb: 123456789012345678\nc: 0.1\nd: 3.14159265358979\n",
            "a: _x\n_b: 1\nc: -\nd: -a\ne: --1\nf: -0\ng: -0.0\n",
            "a:\n  b:\n    c:\n      d: [[1], {e: f}]\n",
        ];
        for text in texts {
            for offset in [0, 1] {
                let slow = parse_with_serde(text, offset);
                if let Some(fast) = fast::parse(text, offset) {
                    assert_eq!(Ok(fast), slow, "{text:?}");
                }
                assert_eq!(parse(text, offset), slow, "{text:?}");
            }
        }
    }

    #[test]
    fn empty_document_is_null() {
        assert_eq!(parse("", 1).unwrap().value, Value::Null);
        assert_eq!(parse("# only a comment\n", 1).unwrap().value, Value::Null);
    }
}
