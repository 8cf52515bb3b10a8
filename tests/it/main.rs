//! The integration tests, one crate with a module per area (one binary to link, not a dozen).

mod audiences;
mod build_atomic;
mod build_output;
mod changes;
mod check_rules;
mod cli;
mod common;
mod content_files;
mod corpus_styles;
mod deploy_nginx;
mod file_names;
mod formats;
mod fuzz;
mod hard_input;
mod metrics_export;
mod page_bytes;
mod report;
mod report_tables;
mod search_index;
mod search_js;
mod search_relevance;
mod search_tokenizer;
mod serve_defences;
mod serve_e2e;
mod serve_http;
mod serve_watch;
mod site_integrity;
mod site_pages;
mod yaml_roads;

/// The generator of `gen-corpus`, which is benchmark tooling and not part of the library: the
/// tests that need volume (and those of the generator itself, in `corpus_styles`) include it by
/// path.
#[path = "../../src/bin/gen-corpus/corpus/mod.rs"]
mod corpus;
