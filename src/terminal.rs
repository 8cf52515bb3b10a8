//! Text bound for a terminal: control characters are shown, never obeyed.
//!
//! Record values reach the terminal in diagnostics, reports and the preview's log. A value can
//! hold an escape sequence that clears the screen, moves the cursor to overwrite a line with a
//! fake "no problems", or writes the clipboard (OSC 52); C1 controls do the same on some
//! terminals, and bidirectional overrides make a line read differently from its bytes. Every
//! terminal output writes such characters as visible escapes (`\u{1b}`, `\u{202e}`, `\n`), the
//! way Rust's `{:?}` spells them.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character escaped: one line, whatever the value held.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_where(text, is_unsafe)
}

/// `text` with every control character escaped except line feeds and tabs: for a block of
/// lines whose line breaks are dossier's own (a CSV export, a tool's multi-line message).
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| c != '\n' && c != '\t' && is_unsafe(c))
}

/// JSON text with the characters that JSON leaves raw (DEL, C1 controls, bidirectional
/// overrides) written as `\uXXXX`: the same document to a parser, inert on a terminal. JSON
/// escapes the C0 controls itself, and these characters can only occur inside strings.
pub fn escape_json(json: &str) -> Cow<'_, str> {
    // The C0 controls left in JSON text are its own whitespace, outside strings.
    let left_raw_by_json = |c: char| c >= '\u{7f}' && is_unsafe(c);
    if !json.chars().any(left_raw_by_json) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if left_raw_by_json(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// C0 controls, DEL, C1 controls, and the bidirectional embeddings, overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069) that reorder a line's text.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_where(text: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !unsafe_char(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            other => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(other));
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_written_as_rust_spells_them() {
        let hostile = "a\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}b\u{9b}31m\u{7f}\u{202e}txt.exe\u{2066}";
        assert_eq!(
            escape(hostile),
            "a\\u{1b}[2J\\u{1b}]52;c;ZXZpbA==\\u{7}b\\u{9b}31m\\u{7f}\\u{202e}txt.exe\\u{2066}"
        );
        // Rust's own debug spelling, for every character escaped here.
        for c in [
            '\u{0}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}', '\u{202e}', '\u{2069}',
        ] {
            assert_eq!(
                escape(&c.to_string()),
                c.escape_debug().to_string(),
                "{c:?}"
            );
        }
        assert_eq!(
            escape("fake\nchecked 3 files: no problems\r"),
            "fake\\nchecked 3 files: no problems\\r"
        );
        assert_eq!(escape("a\tb"), "a\\tb");
    }

    #[test]
    fn plain_text_is_borrowed_untouched() {
        for text in [
            "杭州华东医药",
            "50% off, \"quoted\" \\ back",
            "مرحبا",
            "emoji 🚀",
            "",
        ] {
            assert!(
                matches!(escape(text), Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
    }

    #[test]
    fn blocks_keep_their_line_breaks_and_tabs() {
        assert_eq!(
            escape_lines("a\tb\nc\u{1b}[0m\r\n"),
            "a\tb\nc\\u{1b}[0m\\r\n"
        );
    }

    #[test]
    fn json_stays_the_same_document() {
        let value = serde_json::json!({"name": "x\u{1b}[2J\u{9b}\u{7f}\u{202e}y", "n": -1.5});
        let raw = serde_json::to_string_pretty(&value).unwrap();
        let escaped = escape_json(&raw);
        assert!(
            !escaped.chars().any(|c| c != '\n' && is_unsafe(c)),
            "{escaped}"
        );
        assert!(
            escaped.contains("\\u001b[2J\\u009b\\u007f\\u202ey"),
            "{escaped}"
        );
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }
}
