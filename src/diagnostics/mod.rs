//! Diagnostics as data, and their renderings at the edge (terminal, JSON, CI annotations).

mod code;
mod render;

use std::path::Path;

use serde::Serialize;

pub use code::Code;
pub use render::{Format, RenderOptions, render, summary_line};
/// Escaping of GitHub Actions workflow commands (annotations): a message, a property value.
pub(crate) use render::{escape_data as workflow_data, escape_property as workflow_property};

use crate::yaml::Pos;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem in one place. `file` is relative to the site root, with `/` separators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// The column just after what the diagnostic points at, on the same line, when the rule
    /// knows its extent (a link target); renderers otherwise underline the YAML token at
    /// `column`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
    /// Dotted path of the field, e.g. `credit.five_c.capital` or `contacts[1].email`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the severity that its code carries.
    pub fn new(code: Code, file: impl Into<String>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            file: file.into(),
            line: pos.line,
            column: pos.column,
            end_column: None,
            field: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Marks the extent of what is wrong: `length` characters from `column`.
    pub fn length(mut self, length: u32) -> Self {
        self.end_column = Some(self.column + length.max(1));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (&str, u32, u32, Code, &str) {
        (&self.file, self.line, self.column, self.code, &self.message)
    }
}

/// The site-relative spelling of a path, `/`-separated on every platform.
pub fn display_path(root: &Path, path: &Path) -> String {
    let Ok(rel) = path.strip_prefix(root) else {
        return path.display().to_string();
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// All diagnostics of a run, sorted by file, then line and column.
#[derive(Clone, Debug, Default)]
pub struct Report {
    diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn new(mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        diagnostics.dedup();
        Report { diagnostics }
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    /// Whether the content fails: any error, or any warning under `--strict`.
    pub fn fails(&self, strict: bool) -> bool {
        self.errors() > 0 || (strict && self.warnings() > 0)
    }
}

/// Source texts by site-relative path, for snippets in the full format.
pub trait SourceLookup {
    fn source(&self, file: &str) -> Option<&str>;
}

/// Source texts keyed by display path.
pub type Sources = std::collections::BTreeMap<String, String>;

impl SourceLookup for Sources {
    fn source(&self, file: &str) -> Option<&str> {
        self.get(file).map(String::as_str)
    }
}
