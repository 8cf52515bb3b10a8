//! The two YAML readers give the same answers (src/yaml): the event reader must take every
//! front matter the generator writes, in every style, and give what serde-saphyr gives, values
//! and positions; on random records and on random data written in every style as well.

use dossier::frontmatter;
use dossier::yaml::{Node, Value, readers};
use proptest::prelude::*;

use crate::corpus::emit::{self, Fields, Value as Data};
use crate::corpus::rng::Rng;
use crate::corpus::{self, Style};

/// The front matter of a generated file, as `dossier` reads it.
fn front_matter(text: &str) -> &str {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    frontmatter::split(text)
        .expect("generated files have front matter")
        .yaml
}

/// The event reader takes `yaml` and agrees with serde-saphyr.
fn assert_one_road(yaml: &str, what: &str) -> Node {
    let events = readers::events(yaml, 1);
    let saphyr = readers::saphyr(yaml, 1);
    let Some(events) = events else {
        panic!("{what}: left to serde-saphyr ({saphyr:?}):\n{yaml}");
    };
    assert_eq!(Ok(&events), saphyr.as_ref(), "{what}:\n{yaml}");
    events
}

#[test]
fn every_generated_file_takes_the_event_reader_in_every_style() {
    for style in Style::ALL {
        let dir = tempfile::tempdir().unwrap();
        corpus::write_site(dir.path(), 400, 7, style).unwrap();
        let mut files = 0;
        for entry in walkdir::WalkDir::new(dir.path().join("content")) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                let what = format!("{style}: {}", entry.path().display());
                assert_one_road(front_matter(&text), &what);
                files += 1;
            }
        }
        assert_eq!(files, 408, "{style}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random records of random sites, in every style.
    #[test]
    fn random_records_take_the_event_reader(seed in any::<u64>(), index in 0..100_000usize) {
        for style in Style::ALL {
            let record = corpus::customer_record(index, 100_000, seed, style);
            assert_one_road(front_matter(&record.text), &format!("{style} {seed} {index}"));
        }
    }

    /// Random data, with any text, written in every style (and with CRLF line endings): the
    /// event reader takes it, agrees with serde-saphyr, and reads back the data.
    #[test]
    fn random_data_reads_back_in_every_style(
        fields in fields(3),
        layout in any::<u64>(),
        crlf in any::<bool>(),
    ) {
        let data: Fields = fields.iter().map(|(k, v)| (*k, v.to_data())).collect();
        for style in Style::ALL {
            let mut yaml = emit::front_matter(&data, style, &mut Rng::new(layout));
            if crlf {
                yaml = yaml.replace('\n', "\r\n");
            }
            let node = assert_one_road(&yaml, &format!("{style}"));
            prop_assert!(map_matches(&node, &fields), "{}:\n{}\n{:?}", style, yaml, node);
        }
    }
}

/// Random data and what it reads back as.
#[derive(Clone, Debug)]
enum Random {
    Int(i64),
    Bool(bool),
    Date(u16, u8, u8),
    Text(String),
    /// A mapping value left out, or written as null.
    Absent,
    List(Vec<Random>),
    Map(Vec<(&'static str, Random)>),
}

const KEYS: [&str; 10] = [
    "id", "name", "note", "sales", "a", "b_c", "数据", "year", "x1", "title",
];

impl Random {
    fn to_data(&self) -> Data {
        match self {
            Random::Int(i) => Data::token(i),
            Random::Bool(b) => Data::token(b),
            Random::Date(y, m, d) => Data::token(format!("{y:04}-{m:02}-{d:02}")),
            Random::Text(t) => Data::text(t.clone()),
            Random::Absent => Data::Absent,
            Random::List(items) => Data::List(items.iter().map(Random::to_data).collect()),
            Random::Map(fields) => {
                Data::Map(fields.iter().map(|(k, v)| (*k, v.to_data())).collect())
            }
        }
    }
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        // Words as records have them, with spaces and punctuation YAML cares about.
        "[a-zA-Z\u{4e00}-\u{4e20}][a-zA-Z0-9 \u{4e00}-\u{4e20}.,:#'\"\\-]{0,30}",
        // Anything printable or not, including line breaks, quotes and leading spaces.
        "\\PC{0,20}",
        any::<String>(),
        // Paragraphs.
        "[a-z\u{4e00}-\u{4e20}]{1,12}(\n\n?[a-z \u{4e00}-\u{4e20}]{1,12}){1,3}",
        // Number-like and word-like text, which must stay text.
        "[-+.0-9eExo_]{1,8}|null|true|False|~|yes|no",
    ]
}

fn scalar() -> impl Strategy<Value = Random> {
    prop_oneof![
        1 => any::<i64>().prop_map(Random::Int),
        1 => any::<bool>().prop_map(Random::Bool),
        1 => (1900u16..2100, 1u8..13, 1u8..29).prop_map(|(y, m, d)| Random::Date(y, m, d)),
        4 => text().prop_map(Random::Text),
    ]
}

fn fields(depth: u32) -> impl Strategy<Value = Vec<(&'static str, Random)>> {
    let value = scalar().prop_recursive(depth, 24, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Random::List),
            proptest::collection::vec((proptest::sample::select(&KEYS[..]), inner), 0..5)
                .prop_map(|entries| Random::Map(unique(entries))),
        ]
    });
    let entry = prop_oneof![
        6 => value,
        1 => Just(Random::Absent),
    ];
    proptest::collection::vec((proptest::sample::select(&KEYS[..]), entry), 1..8)
        .prop_map(unique)
        .prop_filter("a value to write", |fields| {
            fields.iter().any(|(_, v)| !matches!(v, Random::Absent))
        })
}

/// The entries with the first of each key.
fn unique(entries: Vec<(&'static str, Random)>) -> Vec<(&'static str, Random)> {
    let mut seen = Vec::new();
    entries
        .into_iter()
        .filter(|(k, _)| {
            let new = !seen.contains(k);
            seen.push(*k);
            new
        })
        .collect()
}

fn matches(node: &Node, data: &Random) -> bool {
    match (data, &node.value) {
        (Random::Int(i), Value::Int(n)) => i == n,
        (Random::Bool(b), Value::Bool(n)) => b == n,
        (Random::Date(y, m, d), Value::Str(s)) => *s == format!("{y:04}-{m:02}-{d:02}"),
        (Random::Text(t), Value::Str(s)) => t == s,
        (Random::Absent, Value::Null) => true,
        (Random::List(items), Value::Seq(nodes)) => {
            items.len() == nodes.len() && items.iter().zip(nodes).all(|(d, n)| matches(n, d))
        }
        (Random::Map(fields), _) => map_matches(node, fields),
        _ => false,
    }
}

/// The entries in order; an absent value is left out or null.
fn map_matches(node: &Node, fields: &[(&'static str, Random)]) -> bool {
    let Value::Map(entries) = &node.value else {
        return false;
    };
    let mut entries = entries.iter().peekable();
    for (key, data) in fields {
        let next = entries.peek().filter(|e| e.key == *key);
        match (data, next) {
            (Random::Absent, None) => continue,
            (_, Some(entry)) if matches(&entry.value, data) => {
                entries.next();
            }
            _ => return false,
        }
    }
    entries.next().is_none()
}
