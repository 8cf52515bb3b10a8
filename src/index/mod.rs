//! The static search index (issue 5): built from the records in memory, written as small
//! sharded files under `search/`, queried in the browser by `themes/default/static/search.js`.
//! See `docs/search.md` for the design and the file layout.

pub mod tokenize;
