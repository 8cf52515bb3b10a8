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

    #[test]
    fn empty_document_is_null() {
        assert_eq!(parse("", 1).unwrap().value, Value::Null);
        assert_eq!(parse("# only a comment\n", 1).unwrap().value, Value::Null);
    }
}
