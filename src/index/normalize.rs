//! The normalisations the index and the queries share: phone digits, id forms, legal-form
//! words of company names, pinyin typed by people, whole-value keys. The JS client implements
//! the same functions (`search-tokenize.js`) and both are tested against the same vectors
//! (`tests/fixtures/tokenizer-vectors.json`).

use super::tokenize::{TokenKind, fold, tokenize};

/// The first character of phone terms: phones are indexed as their digits reversed, so the
/// last digits of a number are a prefix (`#4321…`). The tokenizer never makes this character.
pub const PHONE_MARK: char = '#';
/// The first character of pinyin terms (`'huadongyiyao…`, `'hdyy…`).
pub const PINYIN_MARK: char = '\'';
/// The first character of id-number terms (`=2350` for `KH-002350`): a number typed alone or
/// after the id's letters is looked up there, a number among other words is not an id.
pub const ID_MARK: char = '=';
/// The last character of whole-value terms (`华东\u{1}`): they sort right after the term of
/// their first word or pair, in the same shard.
pub const WHOLE_MARK: char = '\u{1}';

/// Fewest digits a query needs to be read as (the end of) a phone number.
pub const PHONE_MIN_DIGITS: usize = 4;
/// Letters of pinyin kept in a term and read from a query (longer ones are cut).
pub const PINYIN_MAX: usize = 16;
/// Letters of initials kept in a term.
pub const INITIALS_MAX: usize = 6;

/// Legal-form words that people leave out of company names, longest first.
pub const LEGAL_WORDS: [&str; 7] = ["有限责任", "股份", "有限", "公司", "集团", "控股", "责任"];

/// The digits of a phone number as they are indexed: every digit, with a leading `+86`/`0086`
/// made the domestic form (`+86 571 8765 4321` → `057187654321`, `+86 138…` → `138…`) and a
/// leading `00` of another country dropped (`0049…` → `49…`). `None` when `text` has anything
/// but digits, spaces and `+-().` or fewer than [`PHONE_MIN_DIGITS`] digits.
pub fn phone_digits(text: &str) -> Option<String> {
    let mut digits = String::new();
    let mut plus = false;
    for c in text.chars().map(fold) {
        match c {
            '0'..='9' => digits.push(c),
            '+' if digits.is_empty() => plus = true,
            ' ' | '-' | '(' | ')' | '.' | '+' => {}
            _ => return None,
        }
    }
    if digits.len() < PHONE_MIN_DIGITS {
        return None;
    }
    let international = if plus {
        Some(digits.as_str())
    } else {
        digits.strip_prefix("00")
    };
    Some(match international {
        Some(rest) => match rest.strip_prefix("86") {
            Some(national) if national.starts_with('1') => national.to_string(),
            Some(national) => format!("0{national}"),
            None => rest.to_string(),
        },
        None => digits,
    })
}

/// Digits of a phone kept in its term: the last eight tell numbers apart (a local number
/// without its area code is eight digits, a mobile's last eight are as good as all eleven).
pub const PHONE_KEPT: usize = 8;

/// The phone term of `digits` ([`phone_digits`]): the mark and the last [`PHONE_KEPT`] digits
/// reversed, so that the end of a number is a prefix of its term.
pub fn phone_term(digits: &str) -> String {
    std::iter::once(PHONE_MARK)
        .chain(digits.chars().rev().take(PHONE_KEPT))
        .collect()
}

/// Letters and number of an id-like text (`KH-002350`, `kh 2350`): lower-cased letters and the
/// number without leading zeros.
fn id_parts(text: &str) -> Option<(String, String)> {
    let lower: String = text
        .trim()
        .chars()
        .map(fold)
        .flat_map(char::to_lowercase)
        .collect();
    let letters: String = lower.chars().take_while(char::is_ascii_lowercase).collect();
    let rest = lower[letters.len()..].trim_start_matches([' ', '-', '_']);
    if rest.is_empty() || !rest.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let number = rest.trim_start_matches('0');
    let number = if number.is_empty() { "0" } else { number };
    Some((letters, number.to_string()))
}

/// The extra term of an id: the mark and its number without leading zeros (`=2350` for
/// `KH-002350`; its words `kh` and `002350` are indexed as for any text).
pub fn id_number(id: &str) -> Option<String> {
    id_parts(id).map(|(_, number)| format!("{ID_MARK}{number}"))
}

/// The letters (maybe none) and the number term of an id a query may be (`KH002350`,
/// `kh-2350` → `kh`, `=2350`; `002350` → ``, `=2350`).
pub fn id_query(text: &str) -> Option<(String, String)> {
    id_parts(text).map(|(letters, number)| (letters, format!("{ID_MARK}{number}")))
}

/// The pieces of a Han run between legal-form words (`福州安泰光伏公司` → `福州安泰光伏`), when
/// it has any such word and something else.
pub fn legal_pieces(run: &str) -> Option<Vec<String>> {
    let chars: Vec<char> = run.chars().collect();
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut removed = false;
    let mut i = 0;
    'scan: while i < chars.len() {
        for word in LEGAL_WORDS {
            let w: Vec<char> = word.chars().collect();
            if chars[i..].starts_with(&w) {
                removed = true;
                if !current.is_empty() {
                    pieces.push(std::mem::take(&mut current));
                }
                i += w.len();
                continue 'scan;
            }
        }
        current.push(chars[i]);
        i += 1;
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    (removed && !pieces.is_empty()).then_some(pieces)
}

/// A name without its trailing legal-form words (`杭州华东医药商业有限公司` → `杭州华东医药商业`).
pub fn without_legal_suffix(name: &str) -> &str {
    let mut rest = name;
    loop {
        match LEGAL_WORDS.iter().find_map(|w| rest.strip_suffix(w)) {
            Some(shorter) if !shorter.is_empty() => rest = shorter,
            _ => return rest,
        }
    }
}

/// A tone-marked pinyin vowel without its mark (`ǚ` → `v`, as pinyin input methods type ü).
fn toneless(c: char) -> Option<char> {
    Some(match c {
        'a'..='z' => c,
        'ā' | 'á' | 'ǎ' | 'à' => 'a',
        'ē' | 'é' | 'ě' | 'è' => 'e',
        'ī' | 'í' | 'ǐ' | 'ì' => 'i',
        'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
        'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
        'ü' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' => 'v',
        _ => return None,
    })
}

/// The letters of a query typed in pinyin (`Huádōng yiyao`, `hua2dong1`, `hdyy` →
/// `huadongyiyao`, `huadong`, `hdyy`): every token a word of pinyin letters, tone marks
/// removed, tone numbers 1–5 after a letter dropped, joined, cut at [`PINYIN_MAX`] letters.
/// `None` for anything else or fewer than two letters.
pub fn pinyin_query(text: &str) -> Option<String> {
    let tokens = tokenize(text);
    if tokens.is_empty() {
        return None;
    }
    let mut out = String::new();
    for token in &tokens {
        if token.kind != TokenKind::Word {
            return None;
        }
        let mut after_letter = false;
        for c in token.text.chars() {
            if let Some(letter) = toneless(c) {
                out.push(letter);
                after_letter = true;
            } else if after_letter && matches!(c, '1'..='5') {
                after_letter = false;
            } else {
                return None;
            }
        }
    }
    if out.len() < 2 {
        return None;
    }
    Some(out.chars().take(PINYIN_MAX).collect())
}

/// The whole-value term of a text: its tokens joined by one space, and the mark (`Fatima
/// Schmidt` → `fatima schmidt\u{1}`). `None` when it has no token.
pub fn whole_term(text: &str) -> Option<String> {
    let tokens = tokenize(text);
    if tokens.is_empty() {
        return None;
    }
    let mut out = tokens
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    out.push(WHOLE_MARK);
    Some(out)
}

/// Spellings of one text kept when its characters have several readings.
pub const SPELLINGS: usize = 4;

/// The spellings of a text in full pinyin and in initials from the readings of its
/// characters (characters without a reading skipped): every combination of readings, all
/// with the first reading of a character before those with its second, at most
/// [`SPELLINGS`] of each; full spellings cut at [`PINYIN_MAX`] letters, initials at
/// [`INITIALS_MAX`]; fewer than two letters dropped.
pub fn spellings_of(readings: &[impl AsRef<[String]>]) -> (Vec<String>, Vec<String>) {
    // Most texts have one reading per character: one spelling of each kind.
    if readings.iter().all(|rs| rs.as_ref().len() <= 1) {
        let mut full = String::new();
        let mut initials = String::new();
        for r in readings.iter().filter_map(|rs| rs.as_ref().first()) {
            full.push_str(r);
            initials.push_str(&r[..1]);
        }
        return (
            cut(vec![full], PINYIN_MAX),
            cut(vec![initials], INITIALS_MAX),
        );
    }
    let mut full: Vec<String> = vec![String::new()];
    let mut initials: Vec<String> = vec![String::new()];
    for rs in readings
        .iter()
        .map(AsRef::as_ref)
        .filter(|rs| !rs.is_empty())
    {
        full = extend(&full, rs, |r| r);
        initials = extend(&initials, rs, |r| &r[..1]);
    }
    (cut(full, PINYIN_MAX), cut(initials, INITIALS_MAX))
}

fn extend(list: &[String], readings: &[String], part: impl Fn(&str) -> &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in readings {
        for prefix in list {
            let s = format!("{prefix}{}", part(r));
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out.truncate(SPELLINGS);
    out
}

fn cut(list: Vec<String>, max: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in list {
        let s: String = s.chars().take(max).collect();
        if s.len() >= 2 && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Levenshtein distance with adjacent transpositions (optimal string alignment) of `a` and `b`
/// is at most one: one letter replaced, added, removed, or two neighbours swapped.
pub fn within_one_edit(a: &[char], b: &[char]) -> bool {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if prefix == la && prefix == lb {
        return false;
    }
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match la.cmp(&lb) {
        std::cmp::Ordering::Equal => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Less => ra == &rb[1..],
        std::cmp::Ordering::Greater => &ra[1..] == rb,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_their_digits_in_domestic_form() {
        assert_eq!(
            phone_digits("0571-8765 4321").as_deref(),
            Some("057187654321")
        );
        assert_eq!(
            phone_digits("+86 571 8765 4321").as_deref(),
            Some("057187654321")
        );
        assert_eq!(
            phone_digits("0086 138 1234 5678").as_deref(),
            Some("13812345678")
        );
        assert_eq!(phone_digits("+49 40 123456").as_deref(), Some("4940123456"));
        assert_eq!(
            phone_digits("(021) 5555.1234").as_deref(),
            Some("02155551234")
        );
        assert_eq!(phone_digits("123"), None);
        assert_eq!(phone_digits("KH-1234"), None);
        assert_eq!(phone_term("0571"), "#1750");
        assert_eq!(phone_term("057187654321"), "#12345678");
    }

    #[test]
    fn ids_with_and_without_separators_and_zeros() {
        assert_eq!(id_number("KH-002350").as_deref(), Some("=2350"));
        assert_eq!(id_number("000").as_deref(), Some("=0"));
        assert_eq!(id_number("acme-co"), None);
        let q = |s: &str| id_query(s).map(|(l, n)| format!("{l}|{n}"));
        assert_eq!(q("KH002350").as_deref(), Some("kh|=2350"));
        assert_eq!(q("kh 2350").as_deref(), Some("kh|=2350"));
        assert_eq!(q("002350").as_deref(), Some("|=2350"));
    }

    #[test]
    fn legal_form_words_split_a_run() {
        assert_eq!(legal_pieces("福州安泰光伏公司").unwrap(), ["福州安泰光伏"]);
        assert_eq!(legal_pieces("安泰股份有限光伏").unwrap(), ["安泰", "光伏"]);
        assert_eq!(legal_pieces("有限公司"), None);
        assert_eq!(legal_pieces("华东医药"), None);
        assert_eq!(
            without_legal_suffix("杭州华东医药股份有限公司"),
            "杭州华东医药"
        );
    }

    #[test]
    fn pinyin_as_people_type_it() {
        assert_eq!(
            pinyin_query("Huádōng yiyao").as_deref(),
            Some("huadongyiyao")
        );
        assert_eq!(pinyin_query("hua2 dong1").as_deref(), Some("huadong"));
        assert_eq!(pinyin_query("lǜcheng").as_deref(), Some("lvcheng"));
        assert_eq!(pinyin_query("华东"), None);
        assert_eq!(pinyin_query("2025"), None);
        assert_eq!(pinyin_query("a"), None);
    }

    #[test]
    fn one_edit_away() {
        let w = |s: &str| s.chars().collect::<Vec<_>>();
        assert!(within_one_edit(&w("chemcials"), &w("chemicals")));
        assert!(within_one_edit(&w("chemicls"), &w("chemicals")));
        assert!(within_one_edit(&w("chemiicals"), &w("chemicals")));
        assert!(within_one_edit(&w("chemixals"), &w("chemicals")));
        assert!(!within_one_edit(&w("chemicals"), &w("chemicals")));
        assert!(!within_one_edit(&w("chmeicasl"), &w("chemicals")));
    }
}
