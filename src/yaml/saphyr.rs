//! The general reader: serde-saphyr turns any YAML document into a [`Node`] tree, or words the
//! error. [`parse`](super::parse) hands it what the event reader does not take (errors, tags,
//! non-finite numbers, unusual keys), so messages and positions are serde-saphyr's.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{DuplicateKeyPolicy, Spanned};

use super::{Entry, Node, Pos, SyntaxError, Value};

/// The message for a merge key (`<<: *base`): YAML 1.2 has none, so a record means the same to
/// every reader.
pub const MERGE_KEY_MESSAGE: &str = "merge keys (`<<`) are not part of YAML 1.2";

/// The message for a line `--- …` inside the front matter, which YAML reads as the start of
/// a second document.
pub const SECOND_DOCUMENT_MESSAGE: &str =
    "a line starting with `---` inside the front matter starts a second YAML document";

/// Parses one document through serde-saphyr, with positions offset by `line_offset` lines.
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
    if rendered.contains("multiple YAML documents") {
        return SyntaxError {
            pos,
            message: SECOND_DOCUMENT_MESSAGE.to_string(),
        };
    }
    if rendered.contains("merge keys") {
        return SyntaxError {
            pos,
            message: MERGE_KEY_MESSAGE.to_string(),
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
