//! The static search index (issue 5): built from the records in memory, written as small
//! sharded files under `search/`, queried in the browser by `themes/default/static/search.js`.
//! See `docs/search.md` for the design and the file layout.
//!
//! ```no_run
//! # use dossier::index::*;
//! # let customers: Vec<dossier::model::Customer> = Vec::new();
//! let docs: Vec<SearchDoc> = customers
//!     .iter()
//!     .map(|c| customer_doc(c, CustomerFacts::from_record(c, format!("/customers/{}/", c.source.slug))))
//!     .collect();
//! let files = build_index(&docs); // "search/index.json", "search/<id>/t/0.bin.gz" → bytes, …
//! ```

pub mod build;
pub mod chinese;
pub mod doc;
pub mod fields;
pub mod normalize;
pub mod paths;
pub mod query;
pub mod score;
pub mod tokenize;
pub mod update;

pub use build::{Limits, build_index, build_index_with};
pub use doc::{
    Card, CustomerFacts, DocKind, SearchDoc, SortKeys, customer_doc, markdown_text, playbook_doc,
    site_docs, site_docs_reusing,
};
pub use fields::{DataGroup, Field, FieldClass};
pub use paths::{MANIFEST, manifest_id};
pub use query::{Hit, PAGE, Query, Reader, Sort};
pub use update::{LiveIndex, SharedFiles, Updated};
