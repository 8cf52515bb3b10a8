//! Traditional → simplified folding and pinyin, from two crates (`fast2s` for the
//! character table of OpenCC's t2s, `pinyin` for the readings of every CJK character). The
//! index is folded and its pinyin terms are made here; the same tables are written into the
//! index (`search/z/<block>.json.gz`, [`fallback_files`]) for the readers, which fetch a block
//! only for the characters of a query that found nothing — never a second, hand-kept table.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use pinyin::ToPinyinMulti;
use rayon::prelude::*;

use super::normalize::spellings_of;
use super::tokenize::is_han;

/// Readings of a character kept (the first ones the crate gives, without tones).
pub const READINGS: usize = 2;
/// Code points per fallback block file.
pub const BLOCK: u32 = 1024;

/// The code-point range of the tables: the CJK Unified Ideographs block (the extensions hold
/// rare characters; a query with one just finds nothing by sound).
const RANGES: [(u32, u32); 1] = [(0x4E00, 0x9FFF)];

/// Traditional → simplified, per character.
fn t2s() -> &'static BTreeMap<char, char> {
    static MAP: OnceLock<BTreeMap<char, char>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = BTreeMap::new();
        for (lo, hi) in RANGES {
            for c in (lo..=hi).filter_map(char::from_u32) {
                let mut buf = [0u8; 4];
                let folded = fast2s::convert(c.encode_utf8(&mut buf));
                let mut chars = folded.chars();
                if let (Some(s), None) = (chars.next(), chars.next())
                    && s != c
                {
                    map.insert(c, s);
                }
            }
        }
        map
    })
}

/// Makes the folding and reading tables now, side by side (they are made once per process;
/// otherwise the first document to need one makes it while the other threads wait).
pub fn prepare() {
    rayon::join(t2s, || readings('一'));
}

/// `c` in simplified form.
pub fn fold_char(c: char) -> char {
    if is_han(c) {
        t2s().get(&c).copied().unwrap_or(c)
    } else {
        c
    }
}

/// `text` with every traditional character made simplified (borrowed when it has none).
pub fn fold_text(text: &str) -> Cow<'_, str> {
    if text.chars().any(|c| fold_char(c) != c) {
        Cow::Owned(text.chars().map(fold_char).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// The readings of `c` without tones, ü written `v`, at most [`READINGS`].
pub fn readings(c: char) -> &'static [String] {
    static READ: OnceLock<HashMap<char, Vec<String>>> = OnceLock::new();
    let table = READ.get_or_init(|| {
        let mut table = HashMap::new();
        for (lo, hi) in RANGES {
            for c in (lo..=hi).filter_map(char::from_u32) {
                let rs = crate_readings(c);
                if !rs.is_empty() {
                    table.insert(c, rs);
                }
            }
        }
        table
    });
    table.get(&c).map_or(&[], Vec::as_slice)
}

fn crate_readings(c: char) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(multi) = c.to_pinyin_multi() {
        for p in multi {
            let r = p.plain().replace('ü', "v");
            if !out.contains(&r) {
                out.push(r);
            }
            if out.len() == READINGS {
                break;
            }
        }
    }
    out
}

/// The spellings of a Han text in full pinyin and in initials (`长沙` → `zhangsha`,
/// `changsha`, … and `zs`, `cs`): [`spellings_of`] its characters' readings.
pub fn spellings(text: &str) -> (Vec<String>, Vec<String>) {
    let readings: Vec<&[String]> = text.chars().filter(|c| is_han(*c)).map(readings).collect();
    spellings_of(&readings)
}

/// The tables for the readers, one JSON file per [`BLOCK`] code points that has data:
/// `{"t": "華华東东…", "p": {"华": "hua", "长": "zhang chang", …}}` (`t`: traditional and
/// simplified in pairs). Returns (block number, gzipped JSON), made once per process.
pub fn fallback_files() -> &'static [(u32, Vec<u8>)] {
    static FILES: OnceLock<Vec<(u32, Vec<u8>)>> = OnceLock::new();
    if let Some(files) = FILES.get() {
        return files;
    }
    // Made in parallel outside the lock: a rayon worker waiting inside `get_or_init` for its
    // own parallel jobs can steal another build's job that calls this function again, and
    // wait on the lock it holds itself (a deadlock seen in the test suite, where builds run
    // side by side). Two first callers may both make the tables; one copy is kept.
    let files: Vec<(u32, Vec<u8>)> = tables()
        .into_par_iter()
        .map(|(block, text)| (block, super::build::gzip(text.as_bytes())))
        .collect();
    FILES.get_or_init(|| files)
}

fn tables() -> Vec<(u32, String)> {
    let mut blocks: BTreeMap<u32, (String, BTreeMap<String, String>)> = BTreeMap::new();
    for (lo, hi) in RANGES {
        for c in (lo..=hi).filter_map(char::from_u32) {
            let folded = t2s().get(&c).copied();
            // Queries are folded before they are read: traditional characters need no reading.
            let rs: &[String] = if folded.is_some() { &[] } else { readings(c) };
            if rs.is_empty() && folded.is_none() {
                continue;
            }
            let entry = blocks.entry(c as u32 / BLOCK).or_default();
            if let Some(s) = folded {
                entry.0.push(c);
                entry.0.push(s);
            }
            if !rs.is_empty() {
                entry.1.insert(c.to_string(), rs.join(" "));
            }
        }
    }
    blocks
        .into_iter()
        .map(|(block, (t, p))| {
            let json = serde_json::json!({ "t": t, "p": p });
            (block, json.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_traditional_to_simplified() {
        assert_eq!(fold_text("華東醫藥 ABC"), "华东医药 ABC");
        assert_eq!(fold_text("华东"), "华东");
    }

    #[test]
    fn spells_every_reading_of_polyphones() {
        let (full, initials) = spellings("长沙安泰");
        assert!(full.contains(&"changshaantai".to_string()), "{full:?}");
        assert!(full.contains(&"zhangshaantai".to_string()), "{full:?}");
        assert!(initials.contains(&"csat".to_string()), "{initials:?}");
        assert_eq!(spellings("绿城").0[0], "lvcheng");
        assert!(spellings("ABC").0.is_empty());
    }
}
