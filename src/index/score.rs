//! What a query matches and how well (docs/search.md, "Query semantics" and "Scoring"). The
//! JS client (`themes/default/static/search.js`) implements the same steps in the same order,
//! fetching the same files; `tests/it/search_js.rs` compares both.
//!
//! 1. Every token of the query must match (AND). A token's score is its best match in a
//!    document: the weight of the field class it matched in ([`FieldClass::weight`]), more for
//!    an exact word (+2) or the field's whole value ([`FieldClass::whole_bonus`]), less for a
//!    word one typo away (half) or a name matched with its legal-form words left out.
//! 2. Documents add the scores of the tokens, and bonuses when there are several: all tokens
//!    whole values (`重点客户 华东`), the query a field's whole value (`Fatima Schmidt`), all
//!    tokens in the same single field (`华东 医药` in one name).
//! 3. Alternatives of the whole query, united with the tokens' matches (best score wins): a
//!    phone number or its last digits, a compact id (`KH002350`), pinyin (`huadong yiyao`).
//! 4. When fewer than [`FEW`] documents matched and none outside text: the query folded to simplified characters is
//!    searched instead (same scores), then, if it is Chinese, the names and people that sound
//!    the same (`长沙安太` → 长沙安泰), marked as fallback hits and ranked after the others.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::build::{CLASS_BITS, FLAG_END, FLAG_START, OFFSET_SHIFT, POSITIONAL};
use super::fields::FieldClass;
use super::normalize::{
    PINYIN_MARK, WHOLE_MARK, id_query, legal_pieces, phone_digits, phone_term, pinyin_query,
    spellings_of, whole_term, within_one_edit,
};
use super::query::{Hit, ReadError, Reader};
use super::tokenize::{Token, TokenKind, is_han, tokenize};

/// Extra points of an exact word (not a prefix).
pub const EXACT_WORD: u32 = 2;
/// Points taken from a name matched with its legal-form words left out.
pub const LEGAL_PENALTY: u32 = 12;
/// Query bonuses (two or more tokens).
pub const ALL_VALUES: u32 = 40;
pub const JOINED_VALUE: u32 = 30;
pub const SAME_FIELD: u32 = 15;
/// Points of a fallback hit for each pair of the query its name has.
pub const SHARED_PAIR: u32 = 2;
/// Fewest letters of a word matched with one typo.
pub const TYPO_MIN: usize = 5;
/// Fewer hits than this are "few": a word then also matches words one typo away, and a
/// query without hits outside text tries its simplified form and its sound.
pub const FEW: usize = 10;

/// A document's best match of one token: score, class, whether it was a whole value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    pub score: u32,
    pub class: u8,
    pub whole: bool,
}

type Matches = HashMap<u32, Match>;

/// Keeps the better of two matches: higher score, then lower class, then whole.
fn keep(map: &mut Matches, doc: u32, m: Match) {
    match map.get_mut(&doc) {
        Some(old) => {
            if (m.score, std::cmp::Reverse(m.class)) > (old.score, std::cmp::Reverse(old.class)) {
                old.score = m.score;
                old.class = m.class;
            }
            old.whole |= m.whole;
        }
        None => {
            map.insert(doc, m);
        }
    }
}

/// The best class of a mask with `points` per class: (points, class).
fn best(mask: u16, points: impl Fn(FieldClass) -> u32) -> Option<(u32, u8)> {
    FieldClass::ALL
        .iter()
        .filter(|c| mask & c.bit() != 0)
        .map(|c| (points(*c), *c as u8))
        .max_by_key(|(p, c)| (*p, std::cmp::Reverse(*c)))
}

fn add_postings(
    map: &mut Matches,
    postings: &[(u32, u16)],
    whole: bool,
    points: impl Fn(FieldClass) -> u32,
) {
    for &(doc, mask) in postings {
        if let Some((score, class)) = best(mask, &points) {
            keep(
                map,
                doc,
                Match {
                    score,
                    class,
                    whole,
                },
            );
        }
    }
}

fn is_whole_or_spaced(term: &str) -> bool {
    term.contains(WHOLE_MARK) || term.contains(' ')
}

impl Reader<'_> {
    /// The whole-value term `key`, added with its bonus.
    fn whole(&self, map: &mut Matches, key: &str) -> Result<(), ReadError> {
        let postings = self.postings(key)?;
        add_postings(map, &postings, true, |c| c.weight() + c.whole_bonus());
        Ok(())
    }

    /// The matches of one token; `last`: it ends the query (a single Han character is then
    /// also the start of a pair).
    fn token_matches(&self, token: &Token, last: bool) -> Result<Matches, ReadError> {
        let mut map = Matches::new();
        let chars: Vec<char> = token.text.chars().collect();
        match token.kind {
            TokenKind::Word if chars.len() >= 2 => {
                for (term, postings) in self.prefixed(&token.text)? {
                    if is_whole_or_spaced(&term) {
                        continue;
                    }
                    let bonus = if term == token.text { EXACT_WORD } else { 0 };
                    add_postings(&mut map, &postings, false, |c| c.weight() + bonus);
                }
                if map.len() < FEW
                    && chars.len() >= TYPO_MIN
                    && chars.iter().all(char::is_ascii_lowercase)
                {
                    self.typos(&mut map, &chars)?;
                }
            }
            TokenKind::Word => {
                let postings = self.postings(&token.text)?;
                add_postings(&mut map, &postings, false, |c| c.weight() + EXACT_WORD);
            }
            TokenKind::Han if chars.len() == 1 && last => {
                for (term, postings) in self.prefixed(&token.text)? {
                    if !is_whole_or_spaced(&term) {
                        add_postings(&mut map, &postings, false, FieldClass::weight);
                    }
                }
            }
            TokenKind::Han if chars.len() == 1 => {
                let postings = self.postings(&token.text)?;
                add_postings(&mut map, &postings, false, FieldClass::weight);
            }
            TokenKind::Han => {
                for (doc, mask, whole) in self.run(&chars)? {
                    add_postings(&mut map, &[(doc, mask)], false, FieldClass::weight);
                    add_postings(&mut map, &[(doc, whole)], true, |c| {
                        c.weight() + c.whole_bonus()
                    });
                }
            }
        }
        if token.kind == TokenKind::Han
            && let Some(pieces) = legal_pieces(&token.text)
        {
            self.legal(&mut map, &pieces)?;
        }
        // Whole values that are one Han run are told by their positions (above); others have
        // a whole-value term.
        if token.kind == TokenKind::Word || chars.len() == 1 {
            let mut key = token.text.clone();
            key.push(WHOLE_MARK);
            self.whole(&mut map, &key)?;
        }
        Ok(map)
    }

    /// Words one edit away from `word` (five letters or more, the first letter right), at
    /// half the weight of their class.
    fn typos(&self, map: &mut Matches, word: &[char]) -> Result<(), ReadError> {
        for (term, postings) in self.prefixed(&word[0].to_string())? {
            let t: Vec<char> = term.chars().collect();
            if t.len() + 1 < TYPO_MIN || is_whole_or_spaced(&term) || !within_one_edit(word, &t) {
                continue;
            }
            add_postings(map, &postings, false, |c| c.weight() / 2);
        }
        Ok(())
    }

    /// Documents where a Han run of two or more characters occurs: in a row in a positional
    /// field (by the positions of its pairs), or, in text, with all its pairs. With the class
    /// mask of where it occurs and of the fields it is the whole value of.
    fn run(&self, chars: &[char]) -> Result<Vec<(u32, u16, u16)>, ReadError> {
        let pairs: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
        let mut candidates: Option<BTreeMap<u32, u16>> = None;
        for pair in &pairs {
            let docs = self.postings(pair)?;
            candidates = Some(match candidates {
                None => docs.into_iter().collect(),
                Some(c) => docs
                    .into_iter()
                    .filter_map(|(d, m)| c.get(&d).map(|prev| (d, prev & m)))
                    .collect(),
            });
        }
        let candidates = candidates.unwrap_or_default();
        let mut out = Vec::new();
        if candidates.is_empty() {
            return Ok(out);
        }
        let positions: Vec<HashMap<u32, Vec<u32>>> = pairs
            .iter()
            .map(|p| self.positions(p))
            .collect::<Result<_, _>>()?;
        for (doc, common) in candidates {
            let (found, whole) = verify(&positions, doc);
            let mask = found | (common & !POSITIONAL);
            if mask != 0 {
                out.push((doc, mask, whole));
            }
        }
        Ok(out)
    }

    /// A name that has every piece of the run between its legal-form words.
    fn legal(&self, map: &mut Matches, pieces: &[String]) -> Result<(), ReadError> {
        let name = FieldClass::Name.bit();
        let mut docs: Option<Vec<u32>> = None;
        for piece in pieces {
            let chars: Vec<char> = piece.chars().collect();
            let found: Vec<u32> = if chars.len() == 1 {
                self.postings(piece)?
                    .into_iter()
                    .filter(|(_, m)| m & name != 0)
                    .map(|(d, _)| d)
                    .collect()
            } else {
                self.run(&chars)?
                    .into_iter()
                    .filter(|(_, m, _)| m & name != 0)
                    .map(|(d, _, _)| d)
                    .collect()
            };
            docs = Some(match docs {
                None => found,
                Some(prev) => prev.into_iter().filter(|d| found.contains(d)).collect(),
            });
        }
        let score = FieldClass::Name.weight() - LEGAL_PENALTY;
        for doc in docs.unwrap_or_default() {
            keep(
                map,
                doc,
                Match {
                    score,
                    class: FieldClass::Name as u8,
                    whole: false,
                },
            );
        }
        Ok(())
    }

    /// Every document the query text matches, fallbacks included, unsorted; `None` for a
    /// query with no tokens.
    pub fn evaluate(&self, text: &str) -> Result<Option<Vec<Hit>>, ReadError> {
        let tokens = tokenize(text);
        if tokens.is_empty() {
            return Ok(None);
        }
        let mut hits = self.exact(text, &tokens)?;
        if strong(&hits) || !tokens.iter().any(|t| t.kind == TokenKind::Han) {
            return Ok(Some(hits.into_values().collect()));
        }
        let tables = self.tables(&tokens)?;
        let folded: String = text
            .chars()
            .map(|c| tables.folded.get(&c).copied().unwrap_or(c))
            .collect();
        if folded != text {
            for (doc, hit) in self.exact(&folded, &tokenize(&folded))? {
                merge(&mut hits, doc, hit);
            }
        }
        if !strong(&hits) {
            let folded_tokens = tokenize(&folded);
            if folded_tokens.iter().all(|t| t.kind == TokenKind::Han) {
                let readings: Vec<Vec<String>> = folded_tokens
                    .iter()
                    .flat_map(|t| t.text.chars())
                    .map(|c| tables.readings.get(&c).cloned().unwrap_or_default())
                    .collect();
                let (spellings, _) = spellings_of(&readings);
                let mut sounds = Matches::new();
                for spelling in spellings {
                    let prefix = format!("{PINYIN_MARK}{spelling}");
                    for (_, postings) in self.prefixed(&prefix)? {
                        add_postings(&mut sounds, &postings, false, FieldClass::weight);
                    }
                }
                // Among names that sound the same, those that share more of the query's pairs
                // come first (长沙安太 → 长沙安泰 before 长沙安台…).
                let name = FieldClass::Name.bit();
                let mut shared: HashMap<u32, u32> = HashMap::new();
                for token in &folded_tokens {
                    let chars: Vec<char> = token.text.chars().collect();
                    for pair in chars.windows(2) {
                        let pair: String = pair.iter().collect();
                        for (doc, mask) in self.postings(&pair)? {
                            if mask & name != 0 && sounds.contains_key(&doc) {
                                *shared.entry(doc).or_default() += SHARED_PAIR;
                            }
                        }
                    }
                }
                for (doc, m) in sounds {
                    let bonus = shared.get(&doc).copied().unwrap_or(0);
                    hits.entry(doc).or_insert(Hit {
                        doc,
                        score: m.score + bonus,
                        class: m.class,
                        fallback: true,
                    });
                }
            }
        }
        Ok(Some(hits.into_values().collect()))
    }

    /// The matches of the query as typed: its tokens, then the alternatives of the whole query.
    fn exact(&self, text: &str, tokens: &[Token]) -> Result<HashMap<u32, Hit>, ReadError> {
        let mut per_token = Vec::with_capacity(tokens.len());
        for (i, token) in tokens.iter().enumerate() {
            per_token.push(self.token_matches(token, i + 1 == tokens.len())?);
        }
        let joined = if tokens.len() >= 2 {
            let mut map = Matches::new();
            if let Some(key) = whole_term(text) {
                self.whole(&mut map, &key)?;
            }
            map
        } else {
            Matches::new()
        };
        let mut hits: HashMap<u32, Hit> = HashMap::new();
        if let Some((first, rest)) = per_token.split_first() {
            'docs: for (&doc, m) in first {
                let mut score = m.score;
                let mut top = *m;
                let mut all_whole = m.whole;
                let mut same_class = true;
                for other in rest {
                    let Some(o) = other.get(&doc) else {
                        continue 'docs;
                    };
                    score += o.score;
                    all_whole &= o.whole;
                    same_class &= o.class == m.class;
                    if (o.score, std::cmp::Reverse(o.class))
                        > (top.score, std::cmp::Reverse(top.class))
                    {
                        top = *o;
                    }
                }
                if !rest.is_empty() {
                    if all_whole {
                        score += ALL_VALUES;
                    }
                    if joined.contains_key(&doc) {
                        score += JOINED_VALUE;
                    }
                    if same_class && single_instance(m.class) {
                        score += SAME_FIELD;
                    }
                }
                hits.insert(
                    doc,
                    Hit {
                        doc,
                        score,
                        class: top.class,
                        fallback: false,
                    },
                );
            }
        }
        let mut alternatives = Matches::new();
        if let Some(digits) = phone_digits(text) {
            let query = phone_term(&digits);
            for (term, postings) in self.prefixed(&query)? {
                let whole = term == query;
                add_postings(&mut alternatives, &postings, whole, |c| {
                    c.weight() + if whole { c.whole_bonus() } else { 0 }
                });
            }
        }
        if let Some((letters, number)) = id_query(text) {
            let id = FieldClass::Id.bit();
            let with_letters: Option<Vec<u32>> = if letters.is_empty() {
                None
            } else {
                Some(
                    self.postings(&letters)?
                        .into_iter()
                        .filter(|(_, m)| m & id != 0)
                        .map(|(d, _)| d)
                        .collect(),
                )
            };
            let postings: Vec<(u32, u16)> = self
                .postings(&number)?
                .into_iter()
                .filter(|(d, m)| {
                    m & id != 0
                        && with_letters
                            .as_ref()
                            .is_none_or(|w| w.binary_search(d).is_ok())
                })
                .map(|(d, _)| (d, id))
                .collect();
            add_postings(&mut alternatives, &postings, true, |c| {
                c.weight() + c.whole_bonus()
            });
        }
        if let Some(letters) = pinyin_query(text) {
            let query = format!("{PINYIN_MARK}{letters}");
            for (term, postings) in self.prefixed(&query)? {
                let bonus = if term == query { EXACT_WORD } else { 0 };
                add_postings(&mut alternatives, &postings, false, |c| c.weight() + bonus);
            }
        }
        for (doc, m) in alternatives {
            merge(
                &mut hits,
                doc,
                Hit {
                    doc,
                    score: m.score,
                    class: m.class,
                    fallback: false,
                },
            );
        }
        Ok(hits)
    }

    /// The folding and reading tables for the Han characters of `tokens`, from the blocks of
    /// `search/z/` that hold them.
    fn tables(&self, tokens: &[Token]) -> Result<Tables, ReadError> {
        let mut blocks: Vec<u32> = tokens
            .iter()
            .flat_map(|t| t.text.chars())
            .filter(|c| is_han(*c))
            .map(|c| c as u32 / super::chinese::BLOCK)
            .filter(|b| self.blocks.contains(b))
            .collect();
        blocks.sort_unstable();
        blocks.dedup();
        let mut tables = Tables::default();
        for block in blocks {
            let data = self.json(&self.at(&super::paths::tables(block)))?;
            let pairs: Vec<char> = data["t"].as_str().unwrap_or("").chars().collect();
            for pair in pairs.chunks(2) {
                if let [t, s] = pair {
                    tables.folded.insert(*t, *s);
                }
            }
            if let Value::Object(p) = &data["p"] {
                for (c, readings) in p {
                    if let (Some(c), Some(r)) = (c.chars().next(), readings.as_str()) {
                        tables
                            .readings
                            .insert(c, r.split(' ').map(str::to_string).collect());
                    }
                }
            }
        }
        Ok(tables)
    }
}

#[derive(Default)]
struct Tables {
    folded: HashMap<char, char>,
    readings: HashMap<char, Vec<String>>,
}

/// Enough hits, or a hit outside text: the query found what people look for, no fallback.
fn strong(hits: &HashMap<u32, Hit>) -> bool {
    hits.len() >= FEW || hits.values().any(|h| h.class != FieldClass::Text as u8)
}

fn merge(hits: &mut HashMap<u32, Hit>, doc: u32, hit: Hit) {
    match hits.get_mut(&doc) {
        Some(old) => {
            if (hit.score, std::cmp::Reverse(hit.class)) > (old.score, std::cmp::Reverse(old.class))
            {
                old.score = hit.score;
                old.class = hit.class;
            }
        }
        None => {
            hits.insert(doc, hit);
        }
    }
}

/// Classes a record has once (name, id, owner, city, region): tokens all in one of them are
/// in the same field.
fn single_instance(class: u8) -> bool {
    [
        FieldClass::Id,
        FieldClass::Name,
        FieldClass::Owner,
        FieldClass::City,
        FieldClass::Region,
    ]
    .iter()
    .any(|c| *c as u8 == class)
}

/// The class masks of the places where the pairs occur one after another in `doc`, and of
/// those where they make a field's whole value.
fn verify(positions: &[HashMap<u32, Vec<u32>>], doc: u32) -> (u16, u16) {
    let Some(first) = positions.first().and_then(|p| p.get(&doc)) else {
        return (0, 0);
    };
    let class_of = |code: u32| code & ((1 << CLASS_BITS) - 1);
    let mut mask = 0u16;
    let mut whole = 0u16;
    'start: for &code in first {
        let offset = code >> OFFSET_SHIFT;
        let mut last = code;
        for (i, p) in positions.iter().enumerate().skip(1) {
            let want = offset + i as u32;
            let Some(list) = p.get(&doc) else {
                continue 'start;
            };
            let from = list.partition_point(|c| c >> OFFSET_SHIFT < want);
            let Some(&next) = list[from..]
                .iter()
                .take_while(|c| *c >> OFFSET_SHIFT == want)
                .find(|c| class_of(**c) == class_of(code))
            else {
                continue 'start;
            };
            last = next;
        }
        mask |= 1 << class_of(code);
        if code & FLAG_START != 0 && last & FLAG_END != 0 {
            whole |= 1 << class_of(code);
        }
    }
    (mask, whole)
}
