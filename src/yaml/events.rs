//! The reader of every ordinary front matter: the [`Node`] tree built straight from the YAML
//! parser's events, without serde.
//!
//! It takes block and flow collections, plain, quoted, literal and folded scalars, multi-line
//! scalars, comments, CRLF, and anchors with their aliases, with the parser options and the
//! positions of the serde-saphyr reader ([`super::saphyr`]); an alias gets the anchored value
//! with every position at the alias, as serde-saphyr reports it. What it leaves (`None`) goes
//! to serde-saphyr, which decides: every error (syntax, duplicate key, merge key `<<`, unknown
//! anchor, non-finite number), tags, a root that is not a mapping, keys that are not plain
//! text (`2024:`), and documents past the size limits below, where serde-saphyr's budget
//! applies. Tests hold the two readers to the same answers (`tests/it/yaml_roads.rs`).

use serde_saphyr::granit_parser::{Event, Options, Parser, ScalarStyle, Span, StrInput};

use super::{Entry, Node, Pos, Value, scalar};

/// Larger texts (and deeper trees, more aliases) go to serde-saphyr, whose budget applies.
const MAX_BYTES: usize = 256 * 1024;
const MAX_DEPTH: usize = 32;
const MAX_ENTRIES: usize = 256;
const MAX_ALIASES: usize = 64;
/// Nodes copied for aliases, in all.
const MAX_ALIASED_NODES: usize = 10_000;

pub(super) fn parse(text: &str, line_offset: u32) -> Option<Node> {
    if text.len() > MAX_BYTES {
        return None;
    }
    let mut builder = Builder {
        parser: Parser::with_options(StrInput::new(text), options()),
        line_offset,
        depth: 0,
        anchors: Vec::new(),
        aliases: 0,
        aliased_nodes: 0,
    };
    let Event::StreamStart = builder.next()?.0 else {
        return None;
    };
    let Event::DocumentStart(false, None) = builder.next()?.0 else {
        return None;
    };
    let (Event::MappingStart(_, anchor, None), span) = builder.next()? else {
        return None;
    };
    let root = builder.map(&span, anchor)?;
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
    /// Anchored nodes by the parser's anchor id, once complete.
    anchors: Vec<Option<Node>>,
    aliases: usize,
    aliased_nodes: usize,
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

    /// The node that starts with `event`.
    fn node(&mut self, event: Event<'t>, span: &Span) -> Option<Node> {
        match event {
            Event::Scalar(text, style, anchor, None) => {
                let value = match style {
                    ScalarStyle::Plain => scalar::plain(&text)?,
                    _ => Value::Str(text.into_owned()),
                };
                let node = Node {
                    pos: self.pos(span),
                    value,
                };
                self.anchored(anchor, node)
            }
            Event::MappingStart(_, anchor, None) => self.map(span, anchor),
            Event::SequenceStart(_, anchor, None) => self.seq(span, anchor),
            Event::Alias(anchor) => self.alias(anchor, span),
            _ => None,
        }
    }

    /// Keeps a copy of an anchored node for its aliases.
    fn anchored(&mut self, anchor: usize, node: Node) -> Option<Node> {
        if anchor != 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize(anchor + 1, None);
            }
            self.anchors[anchor] = Some(node.clone());
        }
        Some(node)
    }

    /// The anchored node again, every position at the alias. An alias inside its own anchor's
    /// node (recursion) is left to serde-saphyr.
    fn alias(&mut self, anchor: usize, span: &Span) -> Option<Node> {
        self.aliases += 1;
        if self.aliases > MAX_ALIASES {
            return None;
        }
        let pos = self.pos(span);
        let target = self.anchors.get(anchor)?.as_ref()?;
        let mut copies = 0;
        let node = relocated(target, pos, &mut copies);
        self.aliased_nodes += copies;
        (self.aliased_nodes <= MAX_ALIASED_NODES).then_some(node)
    }

    fn map(&mut self, span: &Span, anchor: usize) -> Option<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let mut entries: Vec<Entry> = Vec::new();
        loop {
            let (event, key_span) = self.next()?;
            let key = match event {
                Event::MappingEnd => break,
                Event::Scalar(text, style, _, None) => {
                    let quoted =
                        matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
                    if !quoted && style != ScalarStyle::Plain {
                        return None;
                    }
                    scalar::key(&text, quoted)?.to_owned()
                }
                _ => return None,
            };
            if entries.len() >= MAX_ENTRIES || entries.iter().any(|e| e.key == key) {
                return None;
            }
            let key_pos = self.pos(&key_span);
            let (event, value_span) = self.next()?;
            let value = self.node(event, &value_span)?;
            entries.push(Entry {
                key,
                key_pos,
                value,
            });
        }
        self.depth -= 1;
        let node = Node {
            pos: self.pos(span),
            value: Value::Map(entries),
        };
        self.anchored(anchor, node)
    }

    fn seq(&mut self, span: &Span, anchor: usize) -> Option<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let mut items = Vec::new();
        loop {
            let (event, item_span) = self.next()?;
            if let Event::SequenceEnd = event {
                break;
            }
            items.push(self.node(event, &item_span)?);
        }
        self.depth -= 1;
        let node = Node {
            pos: self.pos(span),
            value: Value::Seq(items),
        };
        self.anchored(anchor, node)
    }
}

/// A copy of `node` with every position (of values and of keys) at `pos`; counts the nodes.
fn relocated(node: &Node, pos: Pos, copies: &mut usize) -> Node {
    *copies += 1;
    let value = match &node.value {
        Value::Seq(items) => Value::Seq(items.iter().map(|n| relocated(n, pos, copies)).collect()),
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|e| Entry {
                    key: e.key.clone(),
                    key_pos: pos,
                    value: relocated(&e.value, pos, copies),
                })
                .collect(),
        ),
        scalar => scalar.clone(),
    };
    Node { pos, value }
}
