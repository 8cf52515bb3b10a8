//! The four output formats of a diagnostic report.

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Style};

use super::{Diagnostic, Report, Severity, SourceLookup};
use crate::terminal::{escape, escape_json, escape_lines};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One line per problem: `file:line:col: error[CODE] message (help: …)`.
    #[default]
    Concise,
    /// Each problem with a source snippet, a caret under the value, and the help line.
    Full,
    /// A JSON array of diagnostic objects.
    Json,
    /// GitHub Actions workflow commands (`::error file=…`), shown as annotations on a CI page.
    Github,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    pub format: Format,
    pub color: bool,
}

/// Renders every diagnostic of the report; the summary line is separate (see [`summary_line`]).
/// File names, messages and snippets come from the site: their control characters are
/// escaped ([`crate::terminal`]) in every format.
pub fn render(report: &Report, sources: &dyn SourceLookup, options: RenderOptions) -> String {
    match options.format {
        Format::Concise => report
            .diagnostics()
            .iter()
            .map(|d| concise(d, options.color) + "\n")
            .collect(),
        Format::Full => report
            .diagnostics()
            .iter()
            .map(|d| full(d, sources, options.color) + "\n\n")
            .collect(),
        Format::Json => json(report),
        Format::Github => report
            .diagnostics()
            .iter()
            .map(|d| github(d) + "\n")
            .collect(),
    }
}

/// `checked 52 files: 3 errors, 1 warning` (or `no problems`).
pub fn summary_line(files: usize, report: &Report) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let what = if report.diagnostics().is_empty() {
        "no problems".to_string()
    } else {
        format!(
            "{}, {}",
            plural(report.errors(), "error"),
            plural(report.warnings(), "warning")
        )
    };
    format!("checked {}: {what}", plural(files, "file"))
}

fn severity_style(severity: Severity) -> Style {
    let color = match severity {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

fn concise(d: &Diagnostic, color: bool) -> String {
    let label = format!("{}[{}]", d.severity.as_str(), d.code);
    let label = if color {
        let style = severity_style(d.severity);
        format!("{style}{label}{style:#}")
    } else {
        label
    };
    let mut line = format!(
        "{}:{}:{}: {label} {}",
        escape(&d.file),
        d.line,
        d.column,
        escape(&d.message)
    );
    if let Some(help) = &d.help {
        let _ = write!(line, " (help: {})", escape(help));
    }
    line
}

fn full(d: &Diagnostic, sources: &dyn SourceLookup, color: bool) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(escape(&d.message)).id(d.code.as_str());
    let mut group = Group::with_title(title);
    let file = escape(&d.file);
    match sources.source(&d.file).and_then(|s| snippet_of(s, d)) {
        Some((line_text, span)) => {
            let label = escape(d.field.as_deref().unwrap_or("here"));
            let (line_text, span) = escape_snippet(line_text, span);
            group = group.element(
                Snippet::source(line_text)
                    .line_start(d.line as usize)
                    .path(file)
                    .annotation(AnnotationKind::Primary.span(span).label(label)),
            );
        }
        None => {
            let origin = format!("{file}:{}:{}", d.line, d.column);
            group = group.element(Level::NOTE.message(format!("in {origin}")));
        }
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(escape(help)));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&[group])
}

/// The text of the diagnostic's line and the byte span to underline: up to its end column
/// when it has one, else the token at its column (a quoted string to its closing quote, else
/// up to a flow delimiter, a comment or the end).
fn snippet_of<'s>(source: &'s str, d: &Diagnostic) -> Option<(&'s str, std::ops::Range<usize>)> {
    let index = (d.line as usize).checked_sub(1)?;
    let line = source.lines().nth(index)?;
    let line = line
        .strip_prefix('\u{feff}')
        .unwrap_or(line)
        .trim_end_matches('\r');
    let start = line
        .char_indices()
        .nth((d.column as usize).saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let len = match d.end_column {
        Some(end) => rest
            .char_indices()
            .nth(end.saturating_sub(d.column) as usize)
            .map_or(rest.len(), |(i, _)| i),
        None => token_len(rest),
    };
    Some((line, start..start + len))
}

/// The snippet line with its control characters escaped (tabs kept: the renderer expands
/// them), and the span moved to the same text in the escaped line.
fn escape_snippet(line: &str, span: std::ops::Range<usize>) -> (String, std::ops::Range<usize>) {
    let before = escape_lines(&line[..span.start]);
    let token = escape_lines(&line[span.clone()]);
    let after = escape_lines(&line[span.end..]);
    let start = before.len();
    let end = start + token.len();
    (format!("{before}{token}{after}"), start..end)
}

fn token_len(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    match chars.next() {
        None => 0,
        Some((_, quote @ ('"' | '\''))) => chars
            .find(|(_, c)| *c == quote)
            .map_or(rest.len(), |(i, c)| i + c.len_utf8()),
        Some((_, first)) => {
            let end = rest
                .char_indices()
                .skip(1)
                .find(|(i, c)| {
                    matches!(c, ',' | '}' | ']') || (*c == '#' && rest[..*i].ends_with(' '))
                })
                .map_or(rest.len(), |(i, _)| i);
            rest[..end].trim_end().len().max(first.len_utf8())
        }
    }
}

fn json(report: &Report) -> String {
    let text =
        serde_json::to_string_pretty(report.diagnostics()).unwrap_or_else(|_| "[]".to_string());
    let mut text = escape_json(&text).into_owned();
    text.push('\n');
    text
}

/// A GitHub Actions workflow command. Data is escaped as the runner expects (`%`, CR, LF) and
/// property values also escape `:` and `,`; before that, control characters of the values are
/// written visibly, so a value cannot end the command or colour the log. The one line break
/// left is ours, before the help.
fn github(d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut message = escape(&d.message).into_owned();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(&escape(help));
    }
    format!(
        "::{command} file={},line={},col={},title={}::{}",
        escape_property(&escape(&d.file)),
        d.line,
        d.column,
        escape_property(d.code.as_str()),
        escape_data(&message)
    )
}

pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Code, Sources};
    use crate::yaml::Pos;

    fn sample() -> Diagnostic {
        Diagnostic::new(
            Code::OutOfRange,
            "content/customers/acme.md",
            Pos {
                line: 3,
                column: 14,
            },
            "credit.five_c.capital must be 1..5, found 7",
        )
        .field("credit.five_c.capital")
        .help("scores are whole numbers from 1 (weak) to 5 (strong)")
    }

    #[test]
    fn concise_is_one_line_with_help() {
        assert_eq!(
            concise(&sample(), false),
            "content/customers/acme.md:3:14: error[E012] credit.five_c.capital must be 1..5, \
             found 7 (help: scores are whole numbers from 1 (weak) to 5 (strong))"
        );
    }

    #[test]
    fn github_escapes_data_and_properties() {
        let mut d = sample();
        d.file = "content/a,b:c.md".into();
        d.message = "50% off".into();
        d.help = Some("fix it".into());
        assert_eq!(
            github(&d),
            "::error file=content/a%2Cb%3Ac.md,line=3,col=14,title=E012::50%25 off%0Ahelp: fix it"
        );
        // A line break or escape sequence of a value cannot start a second command.
        d.file = "content/\u{1b}[2J.md".into();
        d.message = "found \"x\n::error file=fake.md::y\r\u{9b}\"".into();
        d.help = None;
        assert_eq!(
            github(&d),
            "::error file=content/\\u{1b}[2J.md,line=3,col=14,title=E012::\
             found \"x\\n::error file=fake.md::y\\r\\u{9b}\""
        );
    }

    #[test]
    fn full_underlines_the_value() {
        let mut sources = Sources::new();
        sources.insert(
            "content/customers/acme.md".into(),
            "---\ncredit:\n  five_c: {capital: 7}\n---\n".into(),
        );
        let mut d = sample();
        d.column = 20;
        let text = full(&d, &sources, false);
        assert!(text.contains("error[E012]"), "{text}");
        assert!(text.contains("3 |   five_c: {capital: 7}"), "{text}");
        assert!(text.contains("^ credit.five_c.capital"), "{text}");
        assert!(text.contains("help: scores"), "{text}");
    }

    #[test]
    fn control_characters_are_escaped_in_every_format() {
        let mut sources = Sources::new();
        let text = "---\nname: x\u{1b}[2J\tz\nstage: \"\u{1b}]52;c;ZXZpbA==\u{7}\"\n---\n";
        sources.insert("content/\u{1b}[31mred.md".into(), text.into());
        let d = Diagnostic::new(
            Code::NotAllowed,
            "content/\u{1b}[31mred.md",
            Pos { line: 3, column: 8 },
            "stage must be one of: …, found \"\u{1b}]52;c;ZXZpbA==\u{7}\"",
        )
        .field("stage\u{202e}")
        .help("no\u{9b}2J");
        let report = Report::new(vec![d]);
        for format in [Format::Concise, Format::Full, Format::Json, Format::Github] {
            for color in [false, true] {
                let out = render(&report, &sources, RenderOptions { format, color });
                // Only the colours dossier itself writes (SGR sequences) may remain.
                let colours = regex_lite::Regex::new("\u{1b}\\[[0-9;]*m").unwrap();
                let raw: Vec<char> = colours
                    .replace_all(&out, "")
                    .chars()
                    .filter(|c| {
                        c.is_control()
                            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                    })
                    .filter(|c| *c != '\n')
                    .collect();
                assert!(raw.is_empty(), "{format:?}: {raw:?} in\n{out}");
                if format != Format::Json {
                    assert!(
                        out.contains("\\u{1b}]52;c;ZXZpbA==\\u{7}"),
                        "{format:?}:\n{out}"
                    );
                }
            }
        }
        // The underline still starts at the value in the escaped line.
        let full = full(&report.diagnostics()[0], &sources, false);
        assert!(
            full.contains("3 | stage: \"\\u{1b}]52;c;ZXZpbA==\\u{7}\""),
            "{full}"
        );
        assert!(
            full.contains("  |        ^^^^^^^^^^^^^^^^^^^^^^^^^^^ stage\\u{202e}"),
            "{full}"
        );
    }

    #[test]
    fn full_underlines_only_the_link_target() {
        let mut sources = Sources::new();
        sources.insert(
            "content/customers/acme.md".into(),
            "---\nid: A\n---\n按[六步法](../playbooks/x.md)跟进，另见[a](b.md)。\n".into(),
        );
        let d = Diagnostic::new(
            Code::BrokenLink,
            "content/customers/acme.md",
            Pos { line: 4, column: 8 },
            "broken link to `../playbooks/x.md`",
        )
        .length(17);
        let text = full(&d, &sources, false);
        let caret_line = text
            .lines()
            .find(|l| l.contains('^'))
            .expect("a caret line");
        assert_eq!(
            caret_line.trim_end(),
            format!("  |{}{} here", " ".repeat(12), "^".repeat(17)),
            "{text}"
        );
    }

    #[test]
    fn tokens_stop_at_flow_delimiters_and_quotes() {
        assert_eq!(token_len("7, capacity: 4}"), 1);
        assert_eq!(token_len("\"a, b\" # note"), 6);
        assert_eq!(token_len("杭州 华东  # c"), "杭州 华东".len());
        assert_eq!(token_len(""), 0);
    }

    #[test]
    fn summary_counts_plurals() {
        let report = Report::new(vec![sample()]);
        assert_eq!(
            summary_line(1, &report),
            "checked 1 file: 1 error, 0 warnings"
        );
        assert_eq!(
            summary_line(2, &Report::default()),
            "checked 2 files: no problems"
        );
    }
}
