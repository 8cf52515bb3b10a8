//! The integration tests, one crate with a module per area (one binary to link, not a dozen).

mod audiences;
mod build_atomic;
mod build_output;
mod check_rules;
mod cli;
mod common;
mod content_files;
mod deploy_nginx;
mod file_names;
mod formats;
mod fuzz;
mod hard_input;
mod metrics_export;
mod report;
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
