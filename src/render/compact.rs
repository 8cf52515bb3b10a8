//! Template indentation out of rendered HTML, without changing what a browser shows.
//!
//! A run of whitespace that holds a line break becomes one line break. Under CSS
//! `white-space: normal` or `nowrap` (everything the theme's text uses) such a run renders
//! exactly like a single line break, so only indentation and blank lines go. Left as written:
//! runs without a line break, tags with their attribute values, comments, and the whole
//! content of `pre`, `textarea`, `script` and `style`, where whitespace is kept or is code.

/// Elements whose content is copied unchanged up to their end tag.
const VERBATIM: [&[u8]; 4] = [b"pre", b"textarea", b"script", b"style"];

/// `html` with every whitespace run that holds a line break reduced to that line break.
pub fn collapse_whitespace(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::new();
    // `html[kept..]` is not yet in `out`; everything is cut at ASCII bytes, so at characters.
    let mut kept = 0;
    let mut i = 0;
    while let Some(offset) = memchr::memchr2(b'<', b'\n', &bytes[i..]) {
        let at = i + offset;
        if bytes[at] == b'<' {
            let end = tag_end(bytes, at);
            i = match verbatim_element(&bytes[at..end]) {
                Some(name) => closing_tag(bytes, end, name),
                None => end,
            };
            continue;
        }
        let mut start = at;
        while start > i && is_space(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && is_space(bytes[end]) {
            end += 1;
        }
        if end - start > 1 {
            if out.is_empty() {
                out.reserve(html.len());
            }
            out.push_str(&html[kept..start]);
            out.push('\n');
            kept = end;
        }
        i = end;
    }
    out.push_str(&html[kept..]);
    out
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// The index after the markup that starts at `start` (a `<`): a comment up to `-->`, any other
/// tag up to its `>` outside quoted attribute values. The rest of the text when unterminated.
fn tag_end(bytes: &[u8], start: usize) -> usize {
    if bytes[start..].starts_with(b"<!--") {
        return find(bytes, start + 4, b"-->").map_or(bytes.len(), |at| at + 3);
    }
    let mut i = start + 1;
    while let Some(offset) = memchr::memchr3(b'>', b'"', b'\'', &bytes[i..]) {
        let at = i + offset;
        let quote = bytes[at];
        if quote == b'>' {
            return at + 1;
        }
        match memchr::memchr(quote, &bytes[at + 1..]) {
            Some(close) => i = at + 1 + close + 1,
            None => return bytes.len(),
        }
    }
    bytes.len()
}

/// The name of a start tag of an element in [`VERBATIM`].
fn verbatim_element(tag: &[u8]) -> Option<&'static [u8]> {
    let name_end = tag[1..]
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .map_or(tag.len(), |p| p + 1);
    let name = &tag[1..name_end];
    VERBATIM.into_iter().find(|v| name.eq_ignore_ascii_case(v))
}

/// Where the end tag `</name` of a verbatim element starts, searching from `from`; the end of
/// the text when there is none.
fn closing_tag(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(at) = find(bytes, i, b"</") {
        let rest = &bytes[at + 2..];
        if rest.len() >= name.len() && rest[..name.len()].eq_ignore_ascii_case(name) {
            return at;
        }
        i = at + 2;
    }
    bytes.len()
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes.get(from..)?, needle).map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::collapse_whitespace;

    #[test]
    fn indentation_and_blank_lines_become_one_line_break() {
        let html = "<ul>\n  \n    <li>a</li>\n\n    <li>b  c</li>\n</ul>\n";
        assert_eq!(
            collapse_whitespace(html),
            "<ul>\n<li>a</li>\n<li>b  c</li>\n</ul>\n"
        );
    }

    #[test]
    fn preformatted_code_attributes_and_comments_are_kept() {
        let html = "<div>\n  <pre class=\"x\">a\n    b\n</pre>\n  <textarea>\n  t\n</textarea>\n\
                    <script>\n  if (a < b) {\n    x();\n  }\n</script>\n<p title=\"one\n   two\">\n  x\n</p>\n\
                    <!-- a\n   b -->\n<STYLE>\n  p { }\n</STYLE>\n</div>";
        assert_eq!(
            collapse_whitespace(html),
            "<div>\n<pre class=\"x\">a\n    b\n</pre>\n<textarea>\n  t\n</textarea>\n\
             <script>\n  if (a < b) {\n    x();\n  }\n</script>\n<p title=\"one\n   two\">\nx\n</p>\n\
             <!-- a\n   b -->\n<STYLE>\n  p { }\n</STYLE>\n</div>"
        );
    }

    proptest::proptest! {
        /// Whatever the markup, only whitespace runs change, and each stays whitespace with
        /// its line break: the text with every run written as one space is the same.
        #[test]
        fn only_whitespace_runs_with_a_line_break_shrink(
            text in "[ \n\ta中<>\"'/=!-pre]{0,80}"
        ) {
            let collapsed = collapse_whitespace(&text);
            let one_space = |t: &str| t.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(one_space(&collapsed), one_space(&text));
            proptest::prop_assert!(collapsed.len() <= text.len());
            proptest::prop_assert_eq!(collapsed.matches('\n').count() > 0, text.contains('\n'));
        }
    }

    #[test]
    fn text_that_is_not_html_passes_through() {
        for text in [
            "",
            "a < b",
            "<unterminated attr=\"x\n  y",
            "中文\n   文字",
            "<pre>\n  open",
        ] {
            let collapsed = collapse_whitespace(text);
            assert!(collapsed.len() <= text.len(), "{text:?}");
        }
        assert_eq!(collapse_whitespace("中文\n   文字"), "中文\n文字");
        assert_eq!(collapse_whitespace("<pre>\n  open"), "<pre>\n  open");
    }
}
