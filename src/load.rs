//! Finding and reading the content files, and splitting each into parsed front matter and body.
//!
//! Files are read and parsed in parallel. Problems at this stage (unreadable files, bad UTF-8,
//! missing delimiters, YAML syntax) are diagnostics of the file, never a stop of the run.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{Code, Diagnostic, display_path};
use crate::frontmatter::{self, SplitError};
use crate::yaml::{self, Node, Pos};

/// Files larger than this are refused: no record is that big, and reading one would stall a build.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Collection {
    Customers,
    Playbooks,
}

impl Collection {
    pub fn folder(self) -> &'static str {
        match self {
            Collection::Customers => "customers",
            Collection::Playbooks => "playbooks",
        }
    }
}

/// A content file whose front matter parsed as YAML.
#[derive(Debug)]
pub struct Document {
    pub collection: Collection,
    /// Site-relative, `/`-separated.
    pub path: String,
    pub absolute: PathBuf,
    /// Path below the collection folder, without `.md`.
    pub slug: String,
    pub front: Node,
    pub body: String,
    pub body_line: u32,
}

/// What the loader found: parsed documents, every `.md` path under content/ (link targets),
/// diagnostics, and the text of each file (for snippets).
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub markdown_files: std::collections::BTreeSet<String>,
    pub diagnostics: Vec<Diagnostic>,
    pub texts: std::collections::BTreeMap<String, String>,
    pub files_read: usize,
}

/// Walks `root/content`, reads every `.md` file of the two collections and parses it.
pub fn load(root: &Path) -> Loaded {
    let content = root.join("content");
    let (candidates, mut diagnostics) = discover(root, &content);
    let markdown_files = candidates
        .iter()
        .map(|(path, _)| display_path(root, path))
        .collect();
    let results: Vec<(String, Option<String>, Result<Document, Diagnostic>)> = candidates
        .par_iter()
        .filter_map(|(path, collection)| collection.map(|c| (path, c)))
        .map(|(path, collection)| read_document(root, path, collection))
        .collect();
    let mut loaded = Loaded {
        markdown_files,
        files_read: results.len(),
        ..Loaded::default()
    };
    for (display, text, result) in results {
        if let Some(text) = text {
            loaded.texts.insert(display, text);
        }
        match result {
            Ok(document) => loaded.documents.push(document),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    loaded.diagnostics = diagnostics;
    loaded
}

/// A `.md` file under content/ and the collection it belongs to (`None`: not a record, but
/// still a valid link target).
pub type Candidate = (PathBuf, Option<Collection>);

/// Every `.md` file under content/, in a stable order, with the collection it belongs to.
/// Symlinks are followed only while they stay inside the site; loops are diagnostics.
pub fn discover(root: &Path, content: &Path) -> (Vec<Candidate>, Vec<Diagnostic>) {
    let walk = walk(root, content);
    (walk.files, walk.problems)
}

/// What [`discover`] found, and whether it met a symbolic link on the way.
pub struct Walked {
    pub files: Vec<Candidate>,
    pub problems: Vec<Diagnostic>,
    pub met_links: bool,
}

/// [`discover`], noting whether a symbolic link was met (a file reached through one has two
/// names, and a change is reported under the other).
pub fn walk(root: &Path, content: &Path) -> Walked {
    let mut files = Vec::new();
    let mut met_links = false;
    let mut diagnostics = Vec::new();
    let canonical_root = content
        .canonicalize()
        .unwrap_or_else(|_| content.to_path_buf());
    let mut escaped = Vec::new();
    let walker = WalkDir::new(content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            met_links |= entry.path_is_symlink();
            let inside = !entry.path_is_symlink()
                || entry
                    .path()
                    .canonicalize()
                    .is_ok_and(|target| target.starts_with(&canonical_root));
            if !inside {
                escaped.push(entry.path().to_path_buf());
            }
            inside
        });
    for entry in walker {
        match entry {
            Ok(entry) if is_markdown(entry.path()) && !entry.file_type().is_dir() => {
                // A FIFO or device named `.md` is read as a file, which refuses it.
                let collection = collection_of(content, entry.path());
                files.push((entry.path().to_path_buf(), collection));
            }
            Ok(_) => {}
            Err(err) => diagnostics.push(walk_error(root, &err)),
        }
    }
    for path in escaped {
        diagnostics.push(
            Diagnostic::new(
                Code::Unreadable,
                display_path(root, &path),
                Pos { line: 1, column: 1 },
                "symbolic link points outside content/ and is not followed",
            )
            .help("copy the file into content/ instead of linking to it"),
        );
    }
    Walked {
        files,
        problems: diagnostics,
        met_links,
    }
}

pub(crate) fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

pub(crate) fn collection_of(content: &Path, path: &Path) -> Option<Collection> {
    let first = path.strip_prefix(content).ok()?.components().next()?;
    match first.as_os_str().to_str()? {
        "customers" => Some(Collection::Customers),
        "playbooks" => Some(Collection::Playbooks),
        _ => None,
    }
}

fn walk_error(root: &Path, err: &walkdir::Error) -> Diagnostic {
    let path = err
        .path()
        .map_or_else(|| "content".to_string(), |p| display_path(root, p));
    let message = if let Some(ancestor) = err.loop_ancestor() {
        format!(
            "symbolic link loop back to {}",
            display_path(root, ancestor)
        )
    } else {
        format!(
            "cannot read: {}",
            err.io_error()
                .map_or_else(|| err.to_string(), |e| e.to_string())
        )
    };
    Diagnostic::new(Code::Unreadable, path, Pos { line: 1, column: 1 }, message)
        .help("fix the link or the permissions, or move the file out of content/")
}

/// Reads one file; returns its display path, its text when it is UTF-8, and the parse result.
pub fn read_document(
    root: &Path,
    path: &Path,
    collection: Collection,
) -> (String, Option<String>, Result<Document, Diagnostic>) {
    let display = display_path(root, path);
    let at_start = Pos { line: 1, column: 1 };
    let fail = |code, message: String, help: &str| {
        Diagnostic::new(code, display.clone(), at_start, message).help(help)
    };
    if !is_page_address(&slug_of(&display, collection)) {
        let error = no_page_address(&display);
        return (display, None, Err(error));
    }
    let bytes = match read_limited(path) {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge(size)) => {
            let error = too_large(&display, size);
            return (display, None, Err(error));
        }
        Err(ReadError::NotAFile(kind)) => {
            let error = fail(
                Code::Unreadable,
                format!("cannot read: it is {kind}, not a regular file"),
                "only regular files are read; replace it with a file, or move it out of content/",
            );
            return (display, None, Err(error));
        }
        Err(ReadError::Io(e)) => {
            let error = fail(
                Code::Unreadable,
                format!("cannot read: {e}"),
                "check the file's permissions",
            );
            return (display, None, Err(error));
        }
    };
    let (text, result) = document_from_bytes(&display, path, collection, bytes);
    (display, text, result)
}

/// A record file's bytes as read from elsewhere (a git revision), checked as [`read_document`]
/// checks a file's: the page address, the size limit, UTF-8, then the parse. Returns the text
/// when it is UTF-8.
pub fn document_from_bytes(
    display: &str,
    absolute: &Path,
    collection: Collection,
    bytes: Vec<u8>,
) -> (Option<String>, Result<Document, Diagnostic>) {
    if !is_page_address(&slug_of(display, collection)) {
        return (None, Err(no_page_address(display)));
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return (None, Err(too_large(display, bytes.len() as u64)));
    }
    match String::from_utf8(bytes) {
        Ok(text) => {
            let result = parse_document(display, absolute, collection, &text);
            (Some(text), result)
        }
        Err(err) => (None, Err(not_utf8(display, &err))),
    }
}

fn no_page_address(display: &str) -> Diagnostic {
    Diagnostic::new(
        Code::NoPageAddress,
        display,
        Pos { line: 1, column: 1 },
        "the file name gives no page address: a record's page is named after its file, and \
         `.` or `..` is no name",
    )
    .help("rename the file after the record, with letters or digits (`hangzhou-huadong.md`)")
}

fn too_large(display: &str, size: u64) -> Diagnostic {
    Diagnostic::new(
        Code::FileTooLarge,
        display,
        Pos { line: 1, column: 1 },
        format!("file is {size} bytes, over the 5 MiB limit"),
    )
    .help("split the notes, or move attachments out of content/")
}

/// The collection a site-relative path (`content/customers/a.md`) belongs to, if any.
pub fn collection_of_path(display: &str) -> Option<Collection> {
    let rest = display.strip_prefix("content/")?;
    let (first, _) = rest.split_once('/')?;
    match first {
        "customers" => Some(Collection::Customers),
        "playbooks" => Some(Collection::Playbooks),
        _ => None,
    }
}

/// Whether a site-relative path names a Markdown file (`.md`, any case).
pub fn is_markdown_path(display: &str) -> bool {
    is_markdown(Path::new(display))
}

enum ReadError {
    TooLarge(u64),
    NotAFile(&'static str),
    Io(std::io::Error),
}

/// Reads a content file: a regular file only (a FIFO would block, a device never end), never
/// more than [`MAX_FILE_BYTES`] whatever its size claims to be, never blocking on open.
fn read_limited(path: &Path) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    check_regular(&std::fs::metadata(path).map_err(ReadError::Io)?)?;
    let file = open_nonblocking(path).map_err(ReadError::Io)?;
    // What was opened may not be what was looked at: look again, at the open file.
    check_regular(&file.metadata().map_err(ReadError::Io)?)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

fn check_regular(meta: &std::fs::Metadata) -> Result<(), ReadError> {
    if !meta.is_file() {
        return Err(ReadError::NotAFile(kind_of(&meta.file_type())));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(meta.len()));
    }
    Ok(())
}

/// Opens for reading without waiting: opening a FIFO otherwise blocks until a writer comes.
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// What a file that is not a regular file is, for a message.
fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// The text of a file that the loader accepted, for the snippet of a diagnostic: read the same
/// bounded way; `None` if it cannot be.
pub fn source_text(path: &Path) -> Option<String> {
    String::from_utf8(read_limited(path).ok()?).ok()
}

/// E001 at the first byte of `display` that is not UTF-8.
pub fn not_utf8(display: &str, err: &std::string::FromUtf8Error) -> Diagnostic {
    let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
    let pos = end_position(&String::from_utf8_lossy(valid));
    let bytes = err.as_bytes();
    // Windows editors save "Unicode" as UTF-16 with a byte-order mark; Chinese Windows saves
    // "ANSI" as GBK.
    let help = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        "save the file as UTF-8 (it is UTF-16, which some editors call Unicode)"
    } else {
        "save the file as UTF-8 (not GBK or GB2312)"
    };
    Diagnostic::new(Code::NotUtf8, display, pos, "the file is not valid UTF-8").help(help)
}

/// The position just after `text`, where an invalid byte starts.
fn end_position(text: &str) -> Pos {
    let line = text.matches('\n').count() as u32 + 1;
    let last = text.rsplit('\n').next().unwrap_or("");
    Pos {
        line,
        column: last.chars().count() as u32 + 1,
    }
}

/// Splits and parses a file's text.
pub fn parse_document(
    display: &str,
    absolute: &Path,
    collection: Collection,
    text: &str,
) -> Result<Document, Diagnostic> {
    let at = |line, column| Pos { line, column };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(
            Diagnostic::new(Code::EmptyFile, display, at(1, 1), "the file is empty")
                .help("start with a `---` line, the fields, and a closing `---` line"),
        );
    }
    let split = match frontmatter::split(text) {
        Ok(split) => split,
        Err(SplitError::NoOpening) => {
            return Err(Diagnostic::new(
                Code::NoFrontMatter,
                display,
                at(1, 1),
                "the file does not start with a `---` line",
            )
            .help("put `---` on the first line, then the YAML fields, then another `---`"));
        }
        Err(SplitError::Unclosed) => {
            return Err(Diagnostic::new(
                Code::UnclosedFrontMatter,
                display,
                at(1, 1),
                "the front matter is not closed",
            )
            .help("add a line `---` after the last field"));
        }
    };
    let front = yaml::parse(split.yaml, 1).map_err(|e| yaml_error(display, split.yaml, 1, e))?;
    if !matches!(front.value, yaml::Value::Map(_)) {
        return Err(Diagnostic::new(
            Code::NotAMapping,
            display,
            front.pos,
            format!(
                "the front matter must be a mapping of fields, found {}",
                front.value.kind()
            ),
        )
        .help("write one `field: value` per line"));
    }
    let slug = slug_of(display, collection);
    Ok(Document {
        collection,
        path: display.to_string(),
        absolute: absolute.to_path_buf(),
        slug,
        front,
        body: split.body.to_string(),
        body_line: split.body_line,
    })
}

/// A YAML syntax error in `yaml` (whose first line is line `line_offset + 1` of the file) as a
/// diagnostic of `display`.
pub fn yaml_error(
    display: &str,
    yaml: &str,
    line_offset: u32,
    error: yaml::SyntaxError,
) -> Diagnostic {
    // A full-width colon typed by a Chinese input method (`name：…`) leaves the key without
    // its `:`; the parser notices on that line or the next.
    let line = |n: u32| {
        n.checked_sub(line_offset + 1)
            .and_then(|i| yaml.lines().nth(i as usize))
    };
    let full_width_colon = [error.pos.line.saturating_sub(1), error.pos.line]
        .into_iter()
        .filter_map(line)
        .any(|text| text.contains('：'));
    let help = if full_width_colon {
        "write an ASCII colon and a space (`name: …`): a full-width `：` does not end a field name"
    } else if error.message.contains("appears twice") {
        "keep one of the two; a field is given once"
    } else if error.message == yaml::SECOND_DOCUMENT_MESSAGE {
        "the front matter is one YAML document: end it with a line that is exactly `---`"
    } else if error.message.contains("tabs") {
        "indent with spaces: YAML does not allow tabs for indentation"
    } else if error.message == yaml::MERGE_KEY_MESSAGE {
        "write the fields out in full: an alias (`*name`) repeats a whole value, not part of a mapping"
    } else {
        "check indentation, colons and quotes on this line and the one above"
    };
    Diagnostic::new(
        Code::YamlSyntax,
        display,
        error.pos,
        format!("invalid YAML: {}", error.message),
    )
    .help(help)
}

/// Whether a record's slug can name its page folder: no part of it is `.` or `..` (the files
/// `..md` and `...md`, which the file system allows but an address cannot hold).
fn is_page_address(slug: &str) -> bool {
    slug.split('/').all(|part| part != "." && part != "..")
}

/// `content/customers/east/acme.md` → `east/acme`.
fn slug_of(display: &str, collection: Collection) -> String {
    let prefix = format!("content/{}/", collection.folder());
    let rest = display.strip_prefix(&prefix).unwrap_or(display);
    rest.strip_suffix(".md")
        .or_else(|| rest.get(..rest.len().saturating_sub(3)))
        .unwrap_or(rest)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Document, Diagnostic> {
        parse_document(
            "content/customers/a.md",
            Path::new("a.md"),
            Collection::Customers,
            text,
        )
    }

    #[test]
    fn file_level_problems() {
        assert_eq!(parse("").unwrap_err().code, Code::EmptyFile);
        assert_eq!(parse("  \n").unwrap_err().code, Code::EmptyFile);
        assert_eq!(parse("id: a\n").unwrap_err().code, Code::NoFrontMatter);
        assert_eq!(
            parse("---\nid: a\n").unwrap_err().code,
            Code::UnclosedFrontMatter
        );
        let e = parse("---\n- a\n- b\n---\n").unwrap_err();
        assert_eq!((e.code, e.line), (Code::NotAMapping, 2));
        let e = parse("---\nid: a\nname: [x\n---\n").unwrap_err();
        assert_eq!(e.code, Code::YamlSyntax);
        assert!(e.line >= 3, "{e:?}");
    }

    #[test]
    fn bom_crlf_and_slug() {
        let d = parse("\u{feff}---\r\nid: a\r\n---\r\nbody\r\n").unwrap();
        assert_eq!(d.slug, "a");
        assert_eq!(d.body_line, 4);
        assert_eq!(d.body, "body\r\n");
        assert_eq!(
            slug_of("content/customers/east/acme.md", Collection::Customers),
            "east/acme"
        );
    }

    #[test]
    fn invalid_utf8_position() {
        assert_eq!(end_position("ab\ncd"), Pos { line: 2, column: 3 });
    }
}
