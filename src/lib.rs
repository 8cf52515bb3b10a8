//! dossier: a static site generator for customer dossiers and sales playbooks.
//!
//! The pipeline reads in one direction: [`load`] → [`validate`] → [`analytics`] → [`site`]
//! (render every page) → [`index`] → [`write`](mod@write). Each stage is a module with a small public face.

pub mod analytics;
pub mod audience;
pub mod changes;
pub mod cli;
pub mod config;
pub mod csv;
pub mod decimal;
pub mod diagnostics;
pub mod frontmatter;
pub mod git;
pub mod gzip;
pub mod index;
pub mod load;
pub mod memory;
pub mod model;
pub mod render;
pub mod report;
pub mod serve;
pub mod site;
pub mod terminal;
pub mod validate;
pub mod write;
pub mod yaml;
