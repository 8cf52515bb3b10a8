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

use std::ops::ControlFlow;

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
pub fn for_each_token(text: &str, f: impl FnMut(TokenKind, &str, usize)) -> usize {
    let mut cutter = Cutter {
        current: String::new(),
        kind: TokenKind::Word,
        start: 0,
        offset: 0,
        f,
    };
    let _ = for_each_classified(text, |c, class| {
        cutter.push(c, class);
        ControlFlow::Continue(())
    });
    cutter.finish()
}

/// Whether `text` is one Han run of two or more characters and nothing else that makes a
/// token (separators around it aside). Stops at the second token.
pub fn is_one_han_run(text: &str) -> bool {
    let mut tokens = 0;
    let mut run = 0;
    let mut previous = None;
    let whole = for_each_classified(text, |_, class| {
        if class.is_some() && class != previous {
            tokens += 1;
            if tokens > 1 || class != Some(TokenKind::Han) {
                return ControlFlow::Break(());
            }
        }
        if class.is_some() {
            run += 1;
        }
        previous = class;
        ControlFlow::Continue(())
    });
    whole.is_continue() && tokens == 1 && run > 1
}

/// Calls `visit` with each normalized code point of `text` and its class (see [`class_of`]),
/// in order, until it breaks.
fn for_each_classified(
    text: &str,
    mut visit: impl FnMut(char, Option<TokenKind>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    for c in text.chars() {
        // ASCII and Han characters, nearly all of the text, normalize to themselves or their
        // ASCII lower case; only the rest goes through folding and Unicode lower-casing.
        if c.is_ascii() {
            let lower = c.to_ascii_lowercase();
            visit(
                lower,
                lower.is_ascii_alphanumeric().then_some(TokenKind::Word),
            )?;
        } else if is_han(c) {
            visit(c, Some(TokenKind::Han))?;
        } else {
            for lower in fold(c).to_lowercase() {
                visit(lower, class_of(lower))?;
            }
        }
    }
    ControlFlow::Continue(())
}

/// The class of a normalized code point: the token kind it joins, or `None` for a separator.
fn class_of(c: char) -> Option<TokenKind> {
    if is_han(c) {
        Some(TokenKind::Han)
    } else if is_word_char(c) {
        Some(TokenKind::Word)
    } else {
        None
    }
}

/// The state of [`for_each_token`]: the token being built and where it started.
struct Cutter<F> {
    current: String,
    kind: TokenKind,
    start: usize,
    offset: usize,
    f: F,
}

impl<F: FnMut(TokenKind, &str, usize)> Cutter<F> {
    /// Adds one normalized code point of class `class`.
    fn push(&mut self, c: char, class: Option<TokenKind>) {
        match class {
            Some(k) if k == self.kind && !self.current.is_empty() => self.current.push(c),
            Some(k) => {
                self.emit();
                self.kind = k;
                self.start = self.offset;
                self.current.push(c);
            }
            None => self.emit(),
        }
        self.offset += 1;
    }

    fn emit(&mut self) {
        if !self.current.is_empty() {
            (self.f)(self.kind, &self.current, self.start);
            self.current.clear();
        }
    }

    /// Emits the last token; the length of the normalized text in characters.
    fn finish(mut self) -> usize {
        self.emit();
        self.offset
    }
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
            let mut chars = text.char_indices().peekable();
            let mut i = 0;
            while let Some((start, c)) = chars.next() {
                let end = start + c.len_utf8();
                f(&text[start..end], i);
                if let Some(&(_, next)) = chars.peek() {
                    f(&text[start..end + next.len_utf8()], i);
                }
                i += 1;
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

    /// The rules as the module doc states them, one code point at a time: what the fast
    /// paths of [`for_each_token`] must agree with.
    fn reference(text: &str) -> (Vec<(TokenKind, String, usize)>, usize) {
        let mut tokens: Vec<(TokenKind, String, usize)> = Vec::new();
        let mut offset = 0;
        let mut open = false;
        for c in normalized_chars(text) {
            match class_of(c) {
                Some(k) if open && tokens.last().is_some_and(|t| t.0 == k) => {
                    if let Some(last) = tokens.last_mut() {
                        last.1.push(c);
                    }
                }
                Some(k) => {
                    tokens.push((k, c.to_string(), offset));
                    open = true;
                }
                None => open = false,
            }
            offset += 1;
        }
        (tokens, offset)
    }

    proptest::proptest! {
        #[test]
        fn fast_paths_cut_as_the_rules_say(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'Z', '0', ' ', '-', '.', '华', '东', '\u{3400}', '\u{20000}', 'Ａ', 'ｚ',
                '１', '\u{3000}', '，', 'İ', 'Σ', 'ß', 'é', '\u{301}', 'Ⅻ', '٣', '😀', 'ｶ',
            ]), 0..24)
        ) {
            let text: String = chars.into_iter().collect();
            let mut tokens = Vec::new();
            let len = for_each_token(&text, |kind, token, start| {
                tokens.push((kind, token.to_string(), start));
            });
            proptest::prop_assert_eq!(&(tokens, len), &reference(&text));
            let (tokens, _) = reference(&text);
            let one_run = tokens.len() == 1
                && tokens[0].0 == TokenKind::Han
                && tokens[0].1.chars().count() > 1;
            proptest::prop_assert_eq!(is_one_han_run(&text), one_run, "{:?}", text);
        }
    }

    #[test]
    fn offsets_count_normalized_characters() {
        let tokens = tokenize("ＡＢ　华东");
        assert_eq!(tokens[0].text, "ab");
        assert_eq!(tokens[1].start, 3);
    }
}
