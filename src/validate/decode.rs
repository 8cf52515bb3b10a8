//! Decoding a spanned YAML tree into typed values while collecting every problem.
//!
//! Each getter returns `None` when the field is absent (or `null`) or invalid; an invalid value
//! also leaves a diagnostic that points at the value itself.

use jiff::civil::Date;

use crate::diagnostics::{Code, Diagnostic};
use crate::model::{MAX_AMOUNT, Vocabulary};
use crate::yaml::{Entry, Node, Pos, Value};

/// Collects the diagnostics of one file.
pub(crate) struct Ctx<'f> {
    pub file: &'f str,
    pub diagnostics: Vec<Diagnostic>,
}

/// A mapping being decoded: its field path and position, for messages about its fields.
pub(crate) struct Map<'n> {
    pub path: String,
    pub pos: Pos,
    entries: &'n [Entry],
}

impl<'n> Map<'n> {
    /// The value of `key`, or `None` when absent or `null`.
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| &e.value)
            .filter(|n| n.value != Value::Null)
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The position of `key`'s value, or of the mapping when the key is absent.
    pub fn pos_of(&self, key: &str) -> Pos {
        self.get(key).map_or(self.pos, |n| n.pos)
    }

    pub fn path_of(&self, key: &str) -> String {
        join(&self.path, key)
    }
}

pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

impl<'f> Ctx<'f> {
    pub fn new(file: &'f str) -> Self {
        Ctx {
            file,
            diagnostics: Vec::new(),
        }
    }

    pub fn report(
        &mut self,
        code: Code,
        pos: Pos,
        field: &str,
        message: String,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::new(code, self.file, pos, message);
        if !field.is_empty() {
            d = d.field(field);
        }
        if let Some(help) = help {
            d = d.help(help);
        }
        self.diagnostics.push(d);
    }

    /// Opens `node` as a mapping with the given known keys; reports unknown keys (with a
    /// suggestion at this nesting level) and a value that is not a mapping.
    pub fn map<'n>(&mut self, node: &'n Node, path: &str, known: &[&str]) -> Option<Map<'n>> {
        let Value::Map(entries) = &node.value else {
            self.wrong_type(node, path, "a mapping of fields");
            return None;
        };
        for entry in entries {
            if !known.contains(&entry.key.as_str()) {
                self.unknown_field(entry, path, known);
            }
        }
        Some(Map {
            path: path.to_string(),
            pos: node.pos,
            entries,
        })
    }

    fn unknown_field(&mut self, entry: &Entry, parent: &str, known: &[&str]) {
        let field = join(parent, &entry.key);
        let help = match suggest(&entry.key, known) {
            Some(near) => format!("did you mean `{near}`?"),
            None if let Some(field) = field_of_label(&entry.key, known) => {
                format!("field names are English: write `{field}` for {}", entry.key)
            }
            None if known.is_empty() => "remove this field".to_string(),
            None => format!("known fields here: {}", known.join(", ")),
        };
        self.report(
            Code::UnknownField,
            entry.key_pos,
            &field,
            format!("unknown field `{field}`"),
            Some(help),
        );
    }

    pub fn wrong_type(&mut self, node: &Node, path: &str, expected: &str) {
        let help = match (&node.value, expected) {
            (Value::Int(_) | Value::Float(_) | Value::Bool(_), "text") => Some(
                "put the value in quotes, exactly as meant (a number loses leading zeros)".into(),
            ),
            (Value::Str(text), "a number" | "a whole number") => number_help(text),
            _ => None,
        };
        self.report(
            Code::WrongType,
            node.pos,
            path,
            format!("{path} must be {expected}, found {}", node.value.kind()),
            help,
        );
    }

    /// Reports that `key` is required in `map`.
    pub fn missing(&mut self, map: &Map<'_>, key: &str, help: Option<String>) {
        let field = map.path_of(key);
        let message = if map.path.is_empty() {
            format!("missing required field `{key}`")
        } else {
            format!("{} is missing required field `{key}`", map.path)
        };
        self.report(Code::MissingField, map.pos, &field, message, help);
    }

    pub fn required<'n>(&mut self, map: &Map<'n>, key: &str) -> Option<&'n Node> {
        let node = map.get(key);
        if node.is_none() {
            self.missing(map, key, None);
        }
        node
    }

    /// A text field. Numbers and booleans are not silently turned into text: `phone: 0571` would
    /// lose its zero, so the editor is told to quote it.
    pub fn text(&mut self, map: &Map<'_>, key: &str) -> Option<String> {
        let node = map.get(key)?;
        // The valid case first: the field's path is written out for a diagnostic only.
        if let Value::Str(text) = &node.value {
            return Some(text.clone());
        }
        self.text_node(node, &map.path_of(key))
    }

    pub fn text_node(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.value {
            Value::Str(s) => Some(s.clone()),
            _ => {
                self.wrong_type(node, path, "text");
                None
            }
        }
    }

    /// A required, non-empty text field.
    pub fn required_text(&mut self, map: &Map<'_>, key: &str) -> Option<String> {
        let node = self.required(map, key)?;
        if let Value::Str(text) = &node.value
            && !text.trim().is_empty()
        {
            return Some(text.clone());
        }
        let path = map.path_of(key);
        let text = self.text_node(node, &path)?;
        if text.trim().is_empty() {
            self.report(
                Code::EmptyText,
                node.pos,
                &path,
                format!("{path} must not be empty"),
                None,
            );
            return None;
        }
        Some(text)
    }

    pub fn date(&mut self, map: &Map<'_>, key: &str) -> Option<Date> {
        let node = map.get(key)?;
        valid_date(node).or_else(|| self.date_node(node, &map.path_of(key)))
    }

    pub fn required_date(&mut self, map: &Map<'_>, key: &str) -> Option<Date> {
        let node = self.required(map, key)?;
        valid_date(node).or_else(|| self.date_node(node, &map.path_of(key)))
    }

    pub fn date_node(&mut self, node: &Node, path: &str) -> Option<Date> {
        let Value::Str(text) = &node.value else {
            self.report(
                Code::InvalidDate,
                node.pos,
                path,
                format!(
                    "{path} must be a date YYYY-MM-DD, found {}",
                    node.value.kind()
                ),
                Some("write the date as YYYY-MM-DD, e.g. 2025-03-31".into()),
            );
            return None;
        };
        match parse_date(text) {
            Ok(date) => Some(date),
            Err(reason) => {
                self.report(
                    Code::InvalidDate,
                    node.pos,
                    path,
                    format!("{path} {reason}, found \"{text}\""),
                    Some(match date_meant(text) {
                        Some(date) => format!("write the date as YYYY-MM-DD: {date}"),
                        None => "write the date as YYYY-MM-DD, e.g. 2025-03-31".into(),
                    }),
                );
                None
            }
        }
    }

    /// An integer within `range`; `2024.0` is refused because integers must be written as such.
    pub fn int(&mut self, map: &Map<'_>, key: &str, min: i64, max: i64) -> Option<i64> {
        let node = map.get(key)?;
        if let Value::Int(value) = node.value
            && (min..=max).contains(&value)
        {
            return Some(value);
        }
        self.int_node(node, &map.path_of(key), min, max)
    }

    pub fn int_node(&mut self, node: &Node, path: &str, min: i64, max: i64) -> Option<i64> {
        let value = match node.value {
            Value::Int(i) => i,
            Value::Float(x) if x.fract() == 0.0 && x.is_finite() => {
                self.report(
                    Code::NotAnInteger,
                    node.pos,
                    path,
                    format!(
                        "{path} must be a whole number written without a fraction, found {x:?}"
                    ),
                    Some(format!("write {}", x as i64)),
                );
                return None;
            }
            _ => {
                self.wrong_type(node, path, "a whole number");
                return None;
            }
        };
        if value < min || value > max {
            self.out_of_range(node, path, &range_text(min, max));
            return None;
        }
        Some(value)
    }

    fn out_of_range(&mut self, node: &Node, path: &str, allowed: &str) {
        self.report(
            Code::OutOfRange,
            node.pos,
            path,
            format!("{path} must be {allowed}, found {}", node.value),
            None,
        );
    }

    /// A number ≥ `min` (or > `min` when `exclusive`).
    pub fn number(&mut self, map: &Map<'_>, key: &str, min: f64, exclusive: bool) -> Option<f64> {
        let node = map.get(key)?;
        let value = match node.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(x) if x.is_finite() => Some(x),
            _ => None,
        };
        if let Some(value) = value
            && (if exclusive { value > min } else { value >= min })
        {
            return Some(value);
        }
        self.number_node(node, &map.path_of(key), min, exclusive)
    }

    pub fn number_node(
        &mut self,
        node: &Node,
        path: &str,
        min: f64,
        exclusive: bool,
    ) -> Option<f64> {
        let value = match node.value {
            Value::Int(i) => i as f64,
            Value::Float(x) if x.is_finite() => x,
            _ => {
                self.wrong_type(node, path, "a number");
                return None;
            }
        };
        let ok = if exclusive { value > min } else { value >= min };
        if !ok {
            let op = if exclusive { ">" } else { "≥" };
            self.out_of_range(node, path, &format!("{op} {}", plain_number(min)));
            return None;
        }
        Some(value)
    }

    /// An amount of money: a number ≥ `min` (> `min` when `exclusive`) and at most
    /// [`MAX_AMOUNT`] in absolute value (gross profit has no minimum: it may be negative).
    pub fn amount(&mut self, map: &Map<'_>, key: &str, min: f64, exclusive: bool) -> Option<f64> {
        let node = map.get(key)?;
        self.amount_node(node, &map.path_of(key), min, exclusive)
    }

    pub fn amount_node(
        &mut self,
        node: &Node,
        path: &str,
        min: f64,
        exclusive: bool,
    ) -> Option<f64> {
        let value = self.number_node(node, path, min, exclusive)?;
        if value.abs() > MAX_AMOUNT {
            self.report(
                Code::AmountTooLarge,
                node.pos,
                path,
                format!(
                    "{path} must be at most 10^15 in absolute value, found {}",
                    large_number(value)
                ),
                Some(
                    "amounts are limited to ±1,000,000,000,000,000 (10^15) in the currency \
                     unit: check for extra digits or a wrong exponent"
                        .into(),
                ),
            );
            return None;
        }
        Some(value)
    }

    pub fn boolean(&mut self, map: &Map<'_>, key: &str) -> Option<bool> {
        let node = map.get(key)?;
        match node.value {
            Value::Bool(b) => Some(b),
            Value::Str(ref text)
                if matches!(
                    text.to_lowercase().as_str(),
                    "yes" | "no" | "on" | "off" | "y" | "n"
                ) =>
            {
                let path = map.path_of(key);
                self.report(
                    Code::WrongType,
                    node.pos,
                    &path,
                    format!("{path} must be true or false, found \"{text}\""),
                    Some("write true or false: YAML 1.2 reads `yes` and `no` as text".into()),
                );
                None
            }
            _ => {
                let path = map.path_of(key);
                self.wrong_type(node, &path, "true or false");
                None
            }
        }
    }

    pub fn choice<T: Vocabulary>(&mut self, map: &Map<'_>, key: &str) -> Option<T> {
        let node = map.get(key)?;
        if let Value::Str(text) = &node.value
            && let Some(value) = T::parse(text)
        {
            return Some(value);
        }
        self.choice_node(node, &map.path_of(key))
    }

    pub fn choice_node<T: Vocabulary>(&mut self, node: &Node, path: &str) -> Option<T> {
        let Value::Str(text) = &node.value else {
            self.report(
                Code::NotAllowed,
                node.pos,
                path,
                format!(
                    "{path} must be one of: {}, found {}",
                    T::choices(),
                    node.value
                ),
                None,
            );
            return None;
        };
        if let Some(value) = T::parse(text) {
            return Some(value);
        }
        let choices = T::choices();
        let options: Vec<&str> = choices.split(", ").collect();
        let help = match T::spelling_of_label(text) {
            Some(spelling) => Some(format!("write `{spelling}`, the code of {text}")),
            None => suggest(text, &options).map(|near| format!("did you mean `{near}`?")),
        };
        self.report(
            Code::NotAllowed,
            node.pos,
            path,
            format!("{path} must be one of: {choices}, found \"{text}\""),
            help,
        );
        None
    }

    /// The items of a list field with their paths (`contacts[0]`); a non-list is reported.
    pub fn list<'n>(&mut self, map: &Map<'n>, key: &str) -> Vec<(String, &'n Node)> {
        let Some(node) = map.get(key) else {
            return Vec::new();
        };
        let path = map.path_of(key);
        match &node.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (format!("{path}[{i}]"), item))
                .collect(),
            _ => {
                self.wrong_type(node, &path, "a list");
                Vec::new()
            }
        }
    }

    /// A list given at all (even empty), as opposed to absent: selectors need the difference.
    pub fn optional_list<'n>(
        &mut self,
        map: &Map<'n>,
        key: &str,
    ) -> Option<Vec<(String, &'n Node)>> {
        map.get(key)?;
        Some(self.list(map, key))
    }
}

/// A date field that is valid.
fn valid_date(node: &Node) -> Option<Date> {
    match &node.value {
        Value::Str(text) => parse_date(text).ok(),
        _ => None,
    }
}

fn range_text(min: i64, max: i64) -> String {
    match (min, max) {
        (i64::MIN, i64::MAX) => "a whole number".to_string(),
        (min, i64::MAX) => format!("≥ {min}"),
        (min, max) => format!("{min}..{max}"),
    }
}

/// A number beyond an amount's range as a person reads it: `1e35`, not 36 digits.
fn large_number(x: f64) -> String {
    if x.abs() >= 1e16 {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The day a date in another common form means, as YYYY-MM-DD: `2025年3月1日`, `2025/3/1`,
/// `2025.03.01`, `2025-3-1` → `2025-03-01`; nothing when it is not a day that exists.
fn date_meant(text: &str) -> Option<String> {
    let text = text.trim();
    let text = text
        .strip_suffix('日')
        .or_else(|| text.strip_suffix('号'))
        .unwrap_or(text);
    let parts: Vec<&str> = text
        .split(['年', '月', '/', '.', '-'])
        .map(str::trim)
        .collect();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let digits = |s: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(year, 4..=4) && digits(month, 1..=2) && digits(day, 1..=2)) {
        return None;
    }
    let date = format!("{year}-{month:0>2}-{day:0>2}");
    parse_date(&date).is_ok().then_some(date)
}

/// The help for a number written as text: the number it most likely means, written the way
/// YAML reads a number (`"2025"` → `2025`, `1,000,000` → `1000000`, `¥2,500` → `2500`,
/// `120万` → `1200000`), or nothing when the text does not look like a number.
fn number_help(text: &str) -> Option<String> {
    let trimmed = text.trim();
    let mut rest = trimmed;
    for prefix in ["¥", "￥", "$", "€", "RMB", "CNY"] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest).trim_start();
    }
    for suffix in ["元", "RMB", "CNY"] {
        rest = rest.strip_suffix(suffix).unwrap_or(rest).trim_end();
    }
    if let Some(percent) = rest.strip_suffix(['%', '％']) {
        let fraction = shifted_decimal(percent.trim(), -2)?;
        return Some(format!("write rates as fractions: {trimmed} is {fraction}"));
    }
    let (rest, shift) = if let Some(r) = rest.strip_suffix('万') {
        (r, 4)
    } else if let Some(r) = rest.strip_suffix('亿') {
        (r, 8)
    } else {
        (rest, 0)
    };
    let digits: String = rest
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | '_' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let number = shifted_decimal(&digits, shift)?;
    Some(if digits == trimmed {
        format!("write the number without quotes: {number}")
    } else if shift > 0 {
        format!("write amounts in full, in the currency unit: {trimmed} is {number}")
    } else {
        format!("write the number alone, without separators or currency: {number}")
    })
}

/// `digits` (an optional `-`, digits, an optional fraction) times 10^`shift` (a negative shift
/// divides), written without exponent, leading or trailing zeros, exactly (no floating point):
/// `("1.25", 4)` → `12500`, `("12.5", -2)` → `0.125`.
fn shifted_decimal(digits: &str, shift: isize) -> Option<String> {
    let (sign, unsigned) = match digits.strip_prefix('-') {
        Some(u) => ("-", u),
        None => ("", digits),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    // All the digits, padded with zeros on both sides far enough for the point to move.
    let pad = shift.unsigned_abs();
    let digits = format!("{}{whole}{fraction}{}", "0".repeat(pad), "0".repeat(pad));
    let point = (pad + whole.len()).checked_add_signed(shift)?;
    let (whole, fraction) = digits.split_at(point);
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let fraction = fraction.trim_end_matches('0');
    Some(if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    })
}

fn plain_number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Parses `YYYY-MM-DD` strictly: four-digit year, two-digit month and day, a day that exists.
pub(crate) fn parse_date(text: &str) -> Result<Date, &'static str> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return Err("must be a date YYYY-MM-DD");
    }
    let year: i16 = text[0..4]
        .parse()
        .map_err(|_| "must be a date YYYY-MM-DD")?;
    let month: i8 = text[5..7]
        .parse()
        .map_err(|_| "must be a date YYYY-MM-DD")?;
    let day: i8 = text[8..10]
        .parse()
        .map_err(|_| "must be a date YYYY-MM-DD")?;
    Date::new(year, month, day).map_err(|_| "is not a date that exists")
}

/// The known name within edit distance 2 of `word`, closest first, if any.
pub(crate) fn suggest<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (strsim::levenshtein(word, k), *k))
        .filter(|(distance, k)| {
            *distance <= 2 && *distance < word.chars().count().min(k.chars().count())
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k)
}

/// The field among `known` that `label` names in the default theme's UI strings, Chinese or
/// English (`地区` → `region`, `名称` → `name` whose label is `客户名称`): editors who write the
/// words the site shows them get the field name in the help. An exact label first, then a
/// label that holds the text or is held by it (two characters at least); only when one field
/// answers.
fn field_of_label<'k>(label: &str, known: &[&'k str]) -> Option<&'k str> {
    let text = label.trim();
    let labels = crate::render::theme::default_ui_strings();
    let label_of = |key: &'k str| labels.iter().filter_map(move |strings| strings.get(key));
    let only = |fields: Vec<&'k str>| (fields.len() == 1).then(|| fields[0]);
    let exact: Vec<&'k str> = known
        .iter()
        .copied()
        .filter(|k| label_of(k).any(|l| l.eq_ignore_ascii_case(text)))
        .collect();
    if !exact.is_empty() {
        return only(exact);
    }
    if text.chars().count() < 2 {
        return None;
    }
    only(
        known
            .iter()
            .copied()
            .filter(|k| label_of(k).any(|l| l.contains(text) || text.contains(l.as_str())))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_their_fields() {
        let known = [
            "id", "name", "region", "industry", "sales", "revenue", "target",
        ];
        for (label, field) in [
            ("地区", Some("region")),
            ("行业", Some("industry")),
            ("客户名称", Some("name")),
            ("名称", Some("name")),
            ("销售额", Some("revenue")),
            ("Region", Some("region")),
            ("销", None),
            ("颜色", None),
        ] {
            assert_eq!(field_of_label(label, &known), field, "{label}");
        }
    }

    #[test]
    fn dates_in_other_forms_get_the_day_they_mean() {
        for (text, meant) in [
            ("2025年3月1日", "2025-03-01"),
            ("2025年12月31号", "2025-12-31"),
            ("2025/3/1", "2025-03-01"),
            ("2025.03.01", "2025-03-01"),
            ("2025-3-1", "2025-03-01"),
            (" 2024年2月29日 ", "2024-02-29"),
        ] {
            assert_eq!(date_meant(text).as_deref(), Some(meant), "{text}");
        }
        for not_a_day in [
            "2025年2月29日",
            "25/3/1",
            "2025-13-01",
            "2025年3月",
            "March 1",
            "2025/03/01/02",
        ] {
            assert_eq!(date_meant(not_a_day), None, "{not_a_day}");
        }
    }

    #[test]
    fn numbers_written_as_text_get_the_number_they_mean() {
        let help = |text: &str| number_help(text);
        assert_eq!(
            help("2025").as_deref(),
            Some("write the number without quotes: 2025")
        );
        let plain = "write the number alone, without separators or currency: ";
        assert_eq!(help("1,000,000"), Some(format!("{plain}1000000")));
        assert_eq!(help("¥2,500,000.50"), Some(format!("{plain}2500000.5")));
        assert_eq!(help("1 200 元"), Some(format!("{plain}1200")));
        assert_eq!(help("-3_000"), Some(format!("{plain}-3000")));
        assert_eq!(
            help("120万").as_deref(),
            Some("write amounts in full, in the currency unit: 120万 is 1200000")
        );
        assert_eq!(
            help("1.25亿").as_deref(),
            Some("write amounts in full, in the currency unit: 1.25亿 is 125000000")
        );
        assert_eq!(
            help("0.00005万").as_deref(),
            Some("write amounts in full, in the currency unit: 0.00005万 is 0.5")
        );
        let rate = |text: &str, fraction: &str| {
            assert_eq!(
                help(text),
                Some(format!("write rates as fractions: {text} is {fraction}"))
            );
        };
        rate("80%", "0.8");
        rate("12.5%", "0.125");
        rate("150％", "1.5");
        rate("5%", "0.05");
        rate("100%", "1");
        for not_a_number in [
            "lots", "TBD", "", "万", "1.2.3", ".5", "1e6x", "--1", "%", "a%",
        ] {
            assert_eq!(help(not_a_number), None, "{not_a_number:?}");
        }
    }

    #[test]
    fn dates_must_exist_and_be_padded() {
        assert!(parse_date("2024-02-29").is_ok());
        assert_eq!(parse_date("2025-02-29"), Err("is not a date that exists"));
        assert_eq!(parse_date("2025-2-1"), Err("must be a date YYYY-MM-DD"));
        assert_eq!(parse_date("2025/02/01"), Err("must be a date YYYY-MM-DD"));
        assert_eq!(
            parse_date("２０２５-02-01"),
            Err("must be a date YYYY-MM-DD")
        );
    }

    #[test]
    fn suggestions_within_two_edits() {
        assert_eq!(suggest("D", &["A", "B", "C"]), None);
        let known = ["revenue", "target", "gross_profit", "year"];
        assert_eq!(suggest("revenu", &known), Some("revenue"));
        assert_eq!(suggest("yaer", &known), Some("year"));
        assert_eq!(suggest("profit", &known), None);
    }
}
