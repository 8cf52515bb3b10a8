//! The search tokenizer. The JavaScript client (`themes/default/static/search-tokenize.js`)
//! implements exactly the same rules, and both are tested against the same vectors
//! (`tests/fixtures/tokenizer-vectors.json`), so a query is cut the way the index was.
//!
//! Rules, applied per code point:
//! 1. Fold: full-width ASCII forms U+FF01–U+FF5E become U+0021–U+007E, the ideographic
//!    space U+3000 becomes a space (the part of NFKC that matters for typed queries).
//! 2. Lower-case each code point on its own (Unicode full lower-case mapping of that one code
//!    point, as Rust's `char::to_lowercase` and JS's `String.prototype.toLowerCase` on a
//!    one-code-point string both do; no context rules).
//! 3. Classify: a Han character (CJK Unified Ideographs U+4E00–U+9FFF, Extension A
//!    U+3400–U+4DBF, Compatibility Ideographs U+F900–U+FAFF, and the ideographic planes 2 and 3,
//!    U+20000–U+3FFFF) joins a Han run; any other code point that is Alphabetic or Numeric
//!    (Rust `is_alphabetic() || is_numeric()`, JS `/[\p{Alphabetic}\p{N}]/u`) joins a word;
//!    anything else (space, punctuation, symbols, emoji) ends the current token and is dropped.
//!
//! A word is indexed whole (prefix matching happens at query time against the sorted term
//! dictionary). A Han run is indexed as its single characters and its overlapping pairs, so any
//! substring of two or more characters is found by intersecting its pairs.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// A run of letters and digits (not Han).
    Word,
    /// A run of Han characters.
    Han,
}

/// One token of normalized text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub text: String,
    /// Offset of the first character, in characters of the normalized text.
    pub start: usize,
}

impl Token {
    /// Length in characters.
    pub fn len(&self) -> usize {
        self.text.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// Full-width ASCII forms and the ideographic space, folded to ASCII.
pub fn fold(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    }
}

pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric()
}

/// The normalized code points of `text`: folded and lower-cased, in order.
pub fn normalized_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().flat_map(|c| fold(c).to_lowercase())
}

/// The folded, lower-cased text (what tokens and offsets refer to).
pub fn normalize(text: &str) -> String {
    normalized_chars(text).collect()
}

/// Calls `f(kind, text, start)` for every token of `text`, in order, without allocating per
/// token. `start` counts characters of the normalized text. Returns the length of the
/// normalized text in characters.
pub fn for_each_token(text: &str, mut f: impl FnMut(TokenKind, &str, usize)) -> usize {
    let mut current = String::new();
    let mut kind = TokenKind::Word;
    let mut start = 0;
    let mut offset = 0;
    for c in normalized_chars(text) {
        let class = if is_han(c) {
            Some(TokenKind::Han)
        } else if is_word_char(c) {
            Some(TokenKind::Word)
        } else {
            None
        };
        match class {
            Some(k) if k == kind && !current.is_empty() => current.push(c),
            Some(k) => {
                if !current.is_empty() {
                    f(kind, &current, start);
                    current.clear();
                }
                kind = k;
                start = offset;
                current.push(c);
            }
            None => {
                if !current.is_empty() {
                    f(kind, &current, start);
                    current.clear();
                }
            }
        }
        offset += 1;
    }
    if !current.is_empty() {
        f(kind, &current, start);
    }
    offset
}

/// The tokens of `text`. Queries and documents are cut by this same function.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    for_each_token(text, |kind, text, start| {
        tokens.push(Token {
            kind,
            text: text.to_string(),
            start,
        })
    });
    tokens
}

/// Calls `f(term, offset_in_token)` for the index terms of one token: a word is its own
/// term; a Han run gives each character and each overlapping pair, interleaved
/// (c0, c0c1, c1, c1c2, …, cn-1). Pairs report the offset of their first character.
pub fn for_each_term(kind: TokenKind, text: &str, mut f: impl FnMut(&str, usize)) {
    match kind {
        TokenKind::Word => f(text, 0),
        TokenKind::Han => {
            let bounds: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect();
            let n = bounds.len() - 1;
            for i in 0..n {
                f(&text[bounds[i]..bounds[i + 1]], i);
                if i + 1 < n {
                    f(&text[bounds[i]..bounds[i + 2]], i);
                }
            }
        }
    }
}

/// The index terms of a token list, in order, with repeats.
pub fn terms(tokens: &[Token]) -> Vec<String> {
    let mut out = Vec::new();
    for token in tokens {
        for_each_term(token.kind, &token.text, |t, _| out.push(t.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str) -> Vec<(TokenKind, String)> {
        tokenize(text)
            .into_iter()
            .map(|t| (t.kind, t.text))
            .collect()
    }

    #[test]
    fn han_runs_and_words_split_at_class_changes() {
        use TokenKind::*;
        assert_eq!(
            cut("华东ERP系统2025年"),
            vec![
                (Han, "华东".into()),
                (Word, "erp".into()),
                (Han, "系统".into()),
                (Word, "2025".into()),
                (Han, "年".into())
            ]
        );
    }

    #[test]
    fn pairs_and_singles_interleave() {
        let tokens = tokenize("杭州华");
        assert_eq!(terms(&tokens), ["杭", "杭州", "州", "州华", "华"]);
    }

    #[test]
    fn offsets_count_normalized_characters() {
        let tokens = tokenize("ＡＢ　华东");
        assert_eq!(tokens[0].text, "ab");
        assert_eq!(tokens[1].start, 3);
    }
}
