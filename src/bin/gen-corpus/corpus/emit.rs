//! Writing a record's fields as YAML front matter, in one of the [`Style`]s.
//!
//! The sections of a record describe their data as a [`Value`] tree; only this module knows how
//! a style lays it out, so a new style is a change here and a new field a change in a section.
//! Every style writes the same data: a YAML 1.2 reader gets the same values from each.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use super::rng::Rng;

/// How the YAML of generated records is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Block collections everywhere (`sales:` then `- year: 2024` and `revenue: …` lines).
    Block,
    /// As most hand-written records and the README's example: rows and small mappings as flow
    /// collections (`- {year: 2024, revenue: …}`, `tags: [a, b]`, `credit: {five_c: {…}}`).
    Flow,
    /// Both, varied per record and per section, with what people also write: anchors and
    /// aliases, plain, single- and double-quoted strings, literal and folded block scalars,
    /// multi-line plain and flow collections, comments, blank lines, indentation of 2 to 4 and
    /// indentless sequences, null for an absent field, CRLF line endings and a BOM on some files.
    Mixed,
}

impl Style {
    pub const ALL: [Style; 3] = [Style::Block, Style::Flow, Style::Mixed];

    pub fn name(self) -> &'static str {
        match self {
            Style::Block => "block",
            Style::Flow => "flow",
            Style::Mixed => "mixed",
        }
    }
}

impl fmt::Display for Style {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Style {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Style::ALL
            .into_iter()
            .find(|style| style.name() == text)
            .ok_or_else(|| format!("unknown style `{text}` (block, flow or mixed)"))
    }
}

/// Data to write, the same in every style.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// Written as it is in every style: numbers, dates, booleans, ids and enumeration words.
    Token(String),
    /// Text: the style decides between plain, quoted and block forms.
    Text(String),
    /// Absent: written as a null in the mixed style (`website: ~`), left out otherwise.
    Absent,
    List(Vec<Value>),
    Map(Fields),
}

pub(crate) type Fields = Vec<(&'static str, Value)>;

impl Value {
    pub(crate) fn token(value: impl fmt::Display) -> Value {
        Value::Token(value.to_string())
    }

    pub(crate) fn text(value: impl Into<String>) -> Value {
        Value::Text(value.into())
    }

    fn is_scalar(&self) -> bool {
        matches!(self, Value::Token(_) | Value::Text(_) | Value::Absent)
    }
}

/// The front matter of `fields` (without the `---` lines) in `style`. `layout` decides the
/// mixed style's choices; the other styles draw nothing from it.
pub(crate) fn front_matter(fields: &Fields, style: Style, layout: &mut Rng) -> String {
    let mut writer = Writer {
        style,
        layout,
        out: String::with_capacity(4096),
        unit: 2,
        indentless: false,
        anchors: HashMap::new(),
        continuation: 1,
    };
    if style == Style::Mixed {
        writer.unit = *writer.layout.pick(&[2, 2, 2, 3, 4]);
        writer.indentless = writer.layout.chance(0.3);
        writer.plan_anchors(fields);
    }
    writer.block_map(fields, 0, false);
    writer.out
}

/// How a collection is laid out at a block position.
#[derive(Clone, Copy, PartialEq)]
enum Layout {
    Block,
    /// On one line: `[a, b]`, `{k: v}`.
    Flow,
    /// A flow collection over several lines, one item a line.
    FlowLines,
}

/// What an anchored value has become so far.
enum Anchor {
    /// Its first occurrence will carry `&name`.
    Planned(String),
    /// Written once; later occurrences are `*name`.
    Defined(String),
}

struct Writer<'r> {
    style: Style,
    layout: &'r mut Rng,
    out: String,
    /// Spaces per nesting level.
    unit: usize,
    /// Sequences under a key at the key's own indentation (`sales:` then `- …`).
    indentless: bool,
    /// Repeated values of the mixed style, by their debug rendering.
    anchors: HashMap<String, Anchor>,
    /// Where the second line of a multi-line plain scalar goes: past the current block
    /// collection's indentation.
    continuation: usize,
}

const COMMENTS: &[&str] = &[
    "# 核对过，2025 年底",
    "# source: CRM export",
    "# 以财务系统为准",
    "# TODO(王磊): 下次拜访时确认",
    "# reviewed with the account manager",
];
const TRAILING: &[&str] = &["# 已确认", "# per contract", "# 见附件", "# checked"];

impl Writer<'_> {
    fn mixed(&self) -> bool {
        self.style == Style::Mixed
    }

    fn chance(&mut self, p: f64) -> bool {
        self.mixed() && self.layout.chance(p)
    }

    fn spaces(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
    }

    /// Mixed style: values that occur twice or more get an anchor at their first occurrence
    /// and aliases after it (most of them: some repeats stay written out).
    fn plan_anchors(&mut self, fields: &Fields) {
        let mut seen: Vec<(String, &'static str, usize)> = Vec::new();
        fn visit(key: &'static str, value: &Value, seen: &mut Vec<(String, &'static str, usize)>) {
            match value {
                Value::Text(text) if text.contains('\n') => {}
                Value::Text(_) | Value::Map(_) => {
                    let id = format!("{value:?}");
                    match seen.iter_mut().find(|(seen_id, _, _)| *seen_id == id) {
                        Some(entry) => entry.2 += 1,
                        None => seen.push((id, key, 1)),
                    }
                }
                _ => {}
            }
            match value {
                Value::List(items) => items.iter().for_each(|item| visit(key, item, seen)),
                Value::Map(fields) => fields.iter().for_each(|(k, v)| visit(k, v, seen)),
                _ => {}
            }
        }
        for (key, value) in fields {
            visit(key, value, &mut seen);
        }
        let mut names: Vec<String> = Vec::new();
        for (id, key, count) in seen {
            if count < 2 || !self.layout.chance(0.75) {
                continue;
            }
            let mut name = key.to_string();
            let mut n = 1;
            while names.contains(&name) {
                n += 1;
                name = format!("{key}{n}");
            }
            names.push(name.clone());
            self.anchors.insert(id, Anchor::Planned(name));
        }
    }

    /// `&name ` before the first occurrence of an anchored value; `Some(*name)` instead of a
    /// later one.
    fn anchor(&mut self, value: &Value) -> Option<String> {
        if self.anchors.is_empty() {
            return None;
        }
        let id = format!("{value:?}");
        match self.anchors.get_mut(&id)? {
            Anchor::Defined(name) => Some(format!("*{name}")),
            Anchor::Planned(name) => {
                let name = std::mem::take(name);
                self.out.push('&');
                self.out.push_str(&name);
                self.out.push(' ');
                self.anchors.insert(id, Anchor::Defined(name));
                None
            }
        }
    }

    fn key(&mut self, key: &str) {
        if self.chance(0.03) {
            let quote = if self.layout.chance(0.5) { '"' } else { '\'' };
            self.out.push(quote);
            self.out.push_str(key);
            self.out.push(quote);
        } else {
            self.out.push_str(key);
        }
    }

    fn comment_line(&mut self, indent: usize) {
        if self.chance(0.08) {
            self.out.push('\n');
        }
        if self.chance(0.12) {
            self.spaces(indent);
            let comment = *self.layout.pick(COMMENTS);
            self.out.push_str(comment);
            self.out.push('\n');
        }
    }

    fn end_line(&mut self) {
        if self.chance(0.06) {
            self.out.push_str("  ");
            let comment = *self.layout.pick(TRAILING);
            self.out.push_str(comment);
        }
        self.out.push('\n');
    }

    /// The entries of a block mapping at column `indent`; with `inline_first`, the first key
    /// follows a `- ` already written.
    fn block_map(&mut self, fields: &Fields, indent: usize, inline_first: bool) {
        let mut first = inline_first;
        for (key, value) in fields {
            if *value == Value::Absent && !self.chance(0.3) {
                continue;
            }
            if !first {
                if indent == 0 {
                    self.comment_line(0);
                }
                self.spaces(indent);
            }
            first = false;
            self.key(key);
            self.out.push(':');
            self.continuation = indent + 1;
            self.block_value(value, indent);
        }
    }

    /// A mapping value after `key:`, the key at column `indent`.
    fn block_value(&mut self, value: &Value, indent: usize) {
        if let Value::Text(text) = value
            && text.contains('\n')
        {
            self.out.push(' ');
            return self.multiline_text(text, indent + self.unit);
        }
        if value.is_scalar() {
            self.out.push(' ');
            self.scalar(value, false);
            return self.end_line();
        }
        match self.layout_of(value) {
            Layout::Flow => {
                self.out.push(' ');
                self.flow(value);
                self.end_line();
            }
            Layout::FlowLines => {
                self.out.push(' ');
                self.flow_lines(value, indent + self.unit);
            }
            Layout::Block => match value {
                Value::List(items) => {
                    self.out.push('\n');
                    let child = if self.indentless {
                        indent
                    } else {
                        indent + self.unit
                    };
                    self.block_seq(items, child);
                }
                Value::Map(fields) => {
                    self.out.push('\n');
                    self.block_map(fields, indent + self.unit, false);
                }
                _ => unreachable!("scalars are written above"),
            },
        }
    }

    fn layout_of(&mut self, value: &Value) -> Layout {
        let empty = match value {
            Value::List(items) => items.is_empty(),
            Value::Map(fields) => fields.is_empty(),
            _ => true,
        };
        if empty || self.anchors.contains_key(&format!("{value:?}")) {
            return Layout::Flow;
        }
        let rows = matches!(value, Value::List(items) if items.iter().any(|i| !i.is_scalar()));
        match self.style {
            Style::Block => Layout::Block,
            Style::Flow if rows => Layout::Block,
            Style::Flow => Layout::Flow,
            Style::Mixed => match self.layout.below(10) {
                0..=4 => Layout::Block,
                5..=8 => Layout::Flow,
                _ => Layout::FlowLines,
            },
        }
    }

    /// A block sequence at column `indent`.
    fn block_seq(&mut self, items: &[Value], indent: usize) {
        // The items of one list share a layout, as people write them.
        let rows_in_flow = match self.style {
            Style::Block => false,
            Style::Flow => true,
            Style::Mixed => self.layout.chance(0.5),
        };
        for item in items {
            self.spaces(indent);
            self.out.push_str("- ");
            self.continuation = indent + 1;
            match item {
                Value::Map(fields)
                    if !rows_in_flow
                        && !fields.is_empty()
                        && !self.anchors.contains_key(&format!("{item:?}")) =>
                {
                    self.block_map(fields, indent + 2, true);
                }
                Value::Text(text) if text.contains('\n') => self.multiline_text(text, indent + 2),
                _ if item.is_scalar() => {
                    self.scalar(item, false);
                    self.end_line();
                }
                _ => {
                    self.flow(item);
                    self.end_line();
                }
            }
        }
    }

    /// A flow collection over several lines: the items at column `indent`, the closing
    /// bracket before them.
    fn flow_lines(&mut self, value: &Value, indent: usize) {
        let (open, close) = match value {
            Value::List(_) => ('[', ']'),
            _ => ('{', '}'),
        };
        self.out.push(open);
        self.out.push('\n');
        let trailing_comma = self.layout.chance(0.5);
        let count = match value {
            Value::List(items) => items.len(),
            Value::Map(fields) => fields.len(),
            _ => 0,
        };
        for i in 0..count {
            self.spaces(indent);
            match value {
                Value::List(items) => self.flow(&items[i]),
                Value::Map(fields) => {
                    self.key(fields[i].0);
                    self.out.push_str(": ");
                    self.flow(&fields[i].1);
                }
                _ => {}
            }
            if i + 1 < count || trailing_comma {
                self.out.push(',');
            }
            self.out.push('\n');
        }
        self.spaces(indent.saturating_sub(self.unit).max(1));
        self.out.push(close);
        self.out.push('\n');
    }

    /// A value inside a flow collection.
    fn flow(&mut self, value: &Value) {
        if let Some(alias) = self.anchor(value) {
            return self.out.push_str(&alias);
        }
        match value {
            Value::List(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.flow(item);
                }
                self.out.push(']');
            }
            Value::Map(fields) => {
                self.out.push('{');
                let mut first = true;
                for (key, value) in fields {
                    if *value == Value::Absent {
                        continue;
                    }
                    if !first {
                        self.out.push_str(", ");
                    }
                    first = false;
                    self.key(key);
                    self.out.push_str(": ");
                    self.flow(value);
                }
                self.out.push('}');
            }
            _ => self.scalar_text(value, true),
        }
    }

    /// A single-line scalar, in a flow collection or not.
    fn scalar(&mut self, value: &Value, in_flow: bool) {
        match self.anchor(value) {
            Some(alias) => self.out.push_str(&alias),
            None => self.scalar_text(value, in_flow),
        }
    }

    /// A scalar without its anchor.
    fn scalar_text(&mut self, value: &Value, in_flow: bool) {
        match value {
            Value::Token(token) => self.out.push_str(token),
            Value::Absent => {
                let nulls: &[&str] = if in_flow {
                    &["~", "null"]
                } else {
                    &["~", "null", ""]
                };
                let null = *self.layout.pick(nulls);
                self.out.push_str(null);
            }
            Value::Text(text) if text.contains('\n') => double_quoted(&mut self.out, text),
            Value::Text(text) => {
                let plain = is_plain_safe(text, in_flow);
                let choice = if self.mixed() {
                    self.layout.below(20)
                } else {
                    0
                };
                match choice {
                    0..=10 if plain => self.out.push_str(text),
                    11..=14 if plain && !in_flow && text.len() > 24 => self.multiline_plain(text),
                    15..=17 if text.chars().all(is_printable) => single_quoted(&mut self.out, text),
                    _ => double_quoted(&mut self.out, text),
                }
            }
            Value::List(_) | Value::Map(_) => self.flow(value),
        }
    }

    /// A plain scalar folded over two lines at a space (a reader joins them with one space).
    fn multiline_plain(&mut self, text: &str) {
        let split = text
            .char_indices()
            .find(|&(i, c)| c == ' ' && i >= text.len() / 2)
            .map(|(i, _)| i)
            .filter(|&i| {
                let rest = &text[i + 1..];
                rest.starts_with(|c: char| c.is_alphanumeric()) && !text[..i].ends_with(' ')
            });
        match split {
            Some(i) => {
                self.out.push_str(&text[..i]);
                self.out.push('\n');
                self.spaces(self.continuation + 2);
                self.out.push_str(&text[i + 1..]);
            }
            None => self.out.push_str(text),
        }
    }

    /// Text with line breaks after `key: ` or `- `: a literal or folded block scalar whose
    /// lines are at column `indent`, or a double-quoted scalar with `\n` escapes.
    fn multiline_text(&mut self, text: &str, indent: usize) {
        let block_ok = text
            .lines()
            .all(|line| !line.starts_with([' ', '\t']) && !line.ends_with([' ', '\t']))
            && text.chars().all(|c| c == '\n' || is_printable(c))
            && !text.ends_with('\n');
        let form = match self.style {
            Style::Block => 0,
            Style::Flow => 2,
            Style::Mixed => self.layout.below(3),
        };
        match form {
            0 if block_ok => {
                self.out.push_str("|-\n");
                for line in text.split('\n') {
                    if !line.is_empty() {
                        self.spaces(indent);
                        self.out.push_str(line);
                    }
                    self.out.push('\n');
                }
            }
            1 if block_ok && !text.starts_with('\n') => {
                // Folded: one more line break than the text has at each break.
                self.out.push_str(">-\n");
                let mut lines = text.split('\n').peekable();
                while let Some(line) = lines.next() {
                    if !line.is_empty() {
                        self.spaces(indent);
                        self.out.push_str(line);
                        self.out.push('\n');
                        if lines.peek().is_some() {
                            self.out.push('\n');
                        }
                    } else {
                        self.out.push('\n');
                    }
                }
            }
            _ => {
                double_quoted(&mut self.out, text);
                self.out.push('\n');
            }
        }
    }
}

/// Whether `text` reads back as the same string when written without quotes, at a block
/// position or inside a flow collection. Conservative: anything doubtful is quoted.
fn is_plain_safe(text: &str, in_flow: bool) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let starts_well = first.is_ascii_alphabetic() || (!first.is_ascii() && first.is_alphabetic());
    let troublesome = text.ends_with([' ', ':'])
        || text.contains(": ")
        || text.contains(" #")
        || text.contains('\t')
        || !text.chars().all(is_printable)
        || (in_flow && text.contains([',', '[', ']', '{', '}', ':', '#']));
    const WORDS: [&str; 14] = [
        "null", "true", "false", "y", "n", "yes", "no", "on", "off", "nan", "inf", "infinity", "~",
        "",
    ];
    starts_well && !troublesome && !WORDS.iter().any(|w| text.eq_ignore_ascii_case(w))
}

fn double_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if !is_printable(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn single_quoted(out: &mut String, text: &str) {
    out.push('\'');
    out.push_str(&text.replace('\'', "''"));
    out.push('\'');
}

/// A character that YAML shows as itself in any scalar: printable, not a line break of any
/// YAML version, not a byte order mark.
fn is_printable(c: char) -> bool {
    match c {
        ' '..='~' => true,
        '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'.. => {
            !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
        }
        _ => false,
    }
}
