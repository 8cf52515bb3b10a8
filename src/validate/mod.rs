//! Validation: spanned YAML in, typed records and every diagnostic out.
//!
//! Parse, don't validate: each file is decoded on its own (in parallel) into a typed record,
//! collecting all of its problems; then the rules across files run (duplicate ids, links).

mod config;
mod customer;
pub(crate) mod decode;
pub mod links;
mod playbook;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic, Report, Sources};
use crate::load::{self, Collection, Document};
use crate::model::{Customer, Playbook, Site, Source};
use crate::yaml::{self, Pos};

pub use customer::{is_valid_email, is_valid_id};

/// The outcome of checking a site. `site` holds every record that decoded; it is only complete
/// and consistent when the report has no error.
#[derive(Debug)]
pub struct Checked {
    pub site: Site,
    pub config: SiteConfig,
    pub report: Report,
    /// Texts of the files that have diagnostics, for snippets.
    pub sources: Sources,
    pub files_checked: usize,
}

/// Failures that stop a check before any content is read (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(
        "{0} is not a dossier site: it has no content/ folder (create one with `dossier init DIR`)"
    )]
    NoContent(PathBuf),
    #[error("cannot read the configuration {path}: {source}")]
    Config {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Loads and validates the site at `root`, with `site.yaml` or the given configuration file.
pub fn check_site(root: &Path, config_path: Option<&Path>) -> Result<Checked, CheckError> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(CheckError::NoContent(root.to_path_buf()));
    }
    let config_file = config_path.map_or_else(|| root.join("site.yaml"), Path::to_path_buf);
    let config_text =
        std::fs::read_to_string(&config_file).map_err(|source| CheckError::Config {
            path: config_file.clone(),
            source,
        })?;
    let config_display = crate::diagnostics::display_path(root, &config_file);
    let (config, mut diagnostics) = decode_config(&config_display, &config_text);

    let loaded = load::load(root);
    diagnostics.extend(loaded.diagnostics);
    let decoded: Vec<(Option<Record>, Vec<Diagnostic>)> =
        loaded.documents.par_iter().map(decode_document).collect();
    let mut customers = Vec::new();
    let mut playbooks = Vec::new();
    for (record, problems) in decoded {
        diagnostics.extend(problems);
        match record {
            Some(Record::Customer(c, pos)) => customers.push((c, pos)),
            Some(Record::Playbook(p)) => playbooks.push(p),
            None => {}
        }
    }
    diagnostics.extend(duplicate_ids(&customers));
    for document in &loaded.documents {
        diagnostics.extend(links::check(
            &document.path,
            &document.body,
            document.body_line,
            &loaded.markdown_files,
        ));
    }
    let customers: Vec<Customer> = customers.into_iter().map(|(c, _)| c).collect();
    if let Some(d) = reporting_year_problem(&config, &customers, &config_display) {
        diagnostics.push(d);
    }

    let report = Report::new(diagnostics);
    let mut texts = loaded.texts;
    texts.insert(config_display, config_text);
    let sources = report
        .diagnostics()
        .iter()
        .filter_map(|d| texts.remove_entry(&d.file))
        .collect();
    Ok(Checked {
        site: Site::new(customers, playbooks),
        config,
        report,
        sources,
        files_checked: loaded.files_read + 1,
    })
}

fn decode_config(display: &str, text: &str) -> (SiteConfig, Vec<Diagnostic>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match yaml::parse(text, 0) {
        Ok(node) => {
            let mut ctx = decode::Ctx::new(display);
            let config = config::decode(&mut ctx, &node);
            (config, ctx.diagnostics)
        }
        Err(e) => (SiteConfig::default(), vec![load::yaml_error(display, e)]),
    }
}

// Short-lived and moved once: boxing would only add an allocation per record.
#[allow(clippy::large_enum_variant)]
enum Record {
    Customer(Customer, Pos),
    Playbook(Playbook),
}

fn decode_document(document: &Document) -> (Option<Record>, Vec<Diagnostic>) {
    let mut ctx = decode::Ctx::new(&document.path);
    let source = Source {
        path: document.path.clone(),
        slug: document.slug.clone(),
        absolute: document.absolute.clone(),
    };
    let record = match document.collection {
        Collection::Customers => customer::decode(
            &mut ctx,
            &document.front,
            source,
            &document.body,
            document.body_line,
        )
        .map(|d| Record::Customer(d.customer, d.id_pos)),
        Collection::Playbooks => playbook::decode(
            &mut ctx,
            &document.front,
            source,
            &document.body,
            document.body_line,
        )
        .map(Record::Playbook),
    };
    (record, ctx.diagnostics)
}

/// Every record after the first (in path order) that reuses an id.
fn duplicate_ids(customers: &[(Customer, Pos)]) -> Vec<Diagnostic> {
    let mut by_id: BTreeMap<&str, Vec<(&Customer, Pos)>> = BTreeMap::new();
    for (customer, pos) in customers {
        by_id
            .entry(&customer.id)
            .or_default()
            .push((customer, *pos));
    }
    let mut diagnostics = Vec::new();
    for (id, mut holders) in by_id {
        holders.sort_by(|a, b| a.0.source.path.cmp(&b.0.source.path));
        let first = &holders[0].0.source.path;
        for (customer, pos) in &holders[1..] {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    &customer.source.path,
                    *pos,
                    format!("id \"{id}\" is already used by {first}"),
                )
                .field("id")
                .help("ids are unique across all customers; give this record a new id (`dossier new customer` picks the next free one)"),
            );
        }
    }
    diagnostics
}

fn reporting_year_problem(
    config: &SiteConfig,
    customers: &[Customer],
    config_display: &str,
) -> Option<Diagnostic> {
    let has_sales = customers.iter().any(|c| !c.sales.is_empty());
    if config.year.is_some() || config.as_of.is_some() || has_sales || customers.is_empty() {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::NoReportingYear,
            config_display,
            Pos { line: 1, column: 1 },
            "no reporting year: site.yaml has no `year` or `as_of` and no record has sales",
        )
        .help("add `year: 2025` to site.yaml"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_text(collection: Collection, text: &str) -> Vec<Diagnostic> {
        let path = format!("content/{}/x.md", collection.folder());
        match load::parse_document(&path, Path::new("x.md"), collection, text) {
            Ok(document) => {
                let (_, diagnostics) = decode_document(&document);
                let links = links::check(
                    &path,
                    &document.body,
                    document.body_line,
                    &Default::default(),
                );
                diagnostics.into_iter().chain(links).collect()
            }
            Err(diagnostic) => vec![diagnostic],
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let text = String::from_utf8_lossy(&bytes);
            for collection in [Collection::Customers, Collection::Playbooks] {
                let _ = check_text(collection, &text);
            }
        }

        #[test]
        fn yaml_like_front_matter_never_panics(body in "[a-z_:{}\\[\\], \\-\\n0-9.\"'#|>&*!%@`华东]{0,300}") {
            for collection in [Collection::Customers, Collection::Playbooks] {
                let text = format!("---\n{body}\n---\n[x]({body}.md)\n");
                let diagnostics = check_text(collection, &text);
                for d in diagnostics {
                    prop_assert!(d.line >= 1 && d.column >= 1, "{d:?}");
                }
            }
        }
    }
}
