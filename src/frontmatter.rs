//! Splitting a Markdown file into its YAML front matter and its body.

/// The parts of a record file. Lines are 1-based positions in the whole file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'t> {
    /// The YAML between the delimiters; its first line is line 2 of the file.
    pub yaml: &'t str,
    pub body: &'t str,
    /// The file line on which the body starts.
    pub body_line: u32,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The first line is not `---`.
    NoOpening,
    /// No line `---` closes the front matter.
    Unclosed,
}

/// Splits `text` (already stripped of a UTF-8 BOM). The front matter opens with a line `---`
/// and closes with a line `---` or `...` (YAML's end of document, which Jekyll and Pandoc
/// accept too), each compared after trimming trailing whitespace, so CRLF files and trailing
/// spaces are accepted.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let mut lines = LineSpans::new(text);
    let (_, first) = lines.next().ok_or(SplitError::NoOpening)?;
    if first.text.trim_end() != "---" {
        return Err(SplitError::NoOpening);
    }
    let yaml_start = first.len_with_newline;
    for (number, line) in lines {
        if is_closing(line) {
            return Ok(Split {
                yaml: &text[yaml_start..line.start],
                body: &text[line.start + line.len_with_newline..],
                body_line: number + 1,
            });
        }
    }
    Err(SplitError::Unclosed)
}

fn is_closing(line: Line<'_>) -> bool {
    matches!(line.text.trim_end(), "---" | "...")
}

#[derive(Clone, Copy)]
struct Line<'t> {
    start: usize,
    text: &'t str,
    len_with_newline: usize,
}

struct LineSpans<'t> {
    text: &'t str,
    offset: usize,
    number: u32,
}

impl<'t> LineSpans<'t> {
    fn new(text: &'t str) -> Self {
        LineSpans {
            text,
            offset: 0,
            number: 0,
        }
    }
}

impl<'t> Iterator for LineSpans<'t> {
    type Item = (u32, Line<'t>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.offset >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.offset..];
        let len_with_newline = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let line = Line {
            start: self.offset,
            text: rest[..len_with_newline].trim_end_matches(['\n', '\r']),
            len_with_newline,
        };
        self.offset += len_with_newline;
        self.number += 1;
        Some((self.number, line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lf_and_crlf() {
        let s = split("---\nid: a\n---\nbody\n").unwrap();
        assert_eq!((s.yaml, s.body, s.body_line), ("id: a\n", "body\n", 4));
        let s = split("---  \r\nid: a\r\n--- \r\n\r\nbody").unwrap();
        assert_eq!((s.yaml, s.body, s.body_line), ("id: a\r\n", "\r\nbody", 4));
    }

    #[test]
    fn closes_at_the_end_of_document_marker() {
        let s = split("---\nid: a\n...\nbody\n\n---\n\nmore\n").unwrap();
        assert_eq!(
            (s.yaml, s.body, s.body_line),
            ("id: a\n", "body\n\n---\n\nmore\n", 4)
        );
        // Only `---` opens.
        assert_eq!(split("...\nid: a\n---\n"), Err(SplitError::NoOpening));
    }

    #[test]
    fn empty_front_matter_and_no_body() {
        let s = split("---\n---").unwrap();
        assert_eq!((s.yaml, s.body, s.body_line), ("", "", 3));
    }

    #[test]
    fn errors() {
        assert_eq!(split("id: a\n---\n"), Err(SplitError::NoOpening));
        assert_eq!(split("---\nid: a\n"), Err(SplitError::Unclosed));
        assert_eq!(split("----\nid: a\n---\n"), Err(SplitError::NoOpening));
    }
}
