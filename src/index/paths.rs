//! The names of the index files, in one place for the writer and the reader (the JS client
//! has the same names in `PATHS`, search.js).
//!
//! The manifest `search/index.json` is the one file with a fixed name, read first. Every other
//! file is under `search/<id>/`, where `id` (in the manifest) is a hash of the whole index: a
//! rebuild that changes the index publishes it under new names, so a reader that loaded one
//! manifest never mixes its files with those of another build (docs/search.md, "Files"). The
//! functions below give a file's name inside its index folder; [`data_path`] places it.

use serde_json::Value;

pub const MANIFEST: &str = "search/index.json";

/// Where the file `name` (as the functions below give it) of the index `id` is published,
/// relative to the site root.
pub fn data_path(id: &str, name: &str) -> String {
    format!("search/{id}/{name}")
}

/// The `id` of an index, read from its manifest.
pub fn manifest_id(manifest: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(manifest).ok()?;
    value.get("id")?.as_str().map(str::to_string)
}

/// Term shard `i`.
pub fn shard(i: usize) -> String {
    format!("t/{i}.bin.gz")
}

/// Cards of chunk `k`.
pub fn cards(k: usize) -> String {
    format!("d/{k}.json.gz")
}

/// Facet `field`, part `p`.
pub fn facet(field: &str, p: usize) -> String {
    format!("f/{field}-{p}.json.gz")
}

/// Sort column `key` (`grade`, `name`), part `p`.
pub fn column(key: &str, p: usize) -> String {
    format!("s/{key}-{p}.json.gz")
}

/// Folding and reading tables of the code points of `block`.
pub fn tables(block: u32) -> String {
    format!("z/{block}.json.gz")
}
