//! The names of the index files, in one place for the writer and the reader (the JS client
//! has the same names in `PATHS`, search.js). Relative to the site root, all under `search/`.

pub const MANIFEST: &str = "search/index.json";

/// Term shard `i`.
pub fn shard(i: usize) -> String {
    format!("search/t/{i}.bin.gz")
}

/// Cards of chunk `k`.
pub fn cards(k: usize) -> String {
    format!("search/d/{k}.json.gz")
}

/// Facet `field`, part `p`.
pub fn facet(field: &str, p: usize) -> String {
    format!("search/f/{field}-{p}.json.gz")
}

/// Sort column `key` (`grade`, `name`), part `p`.
pub fn column(key: &str, p: usize) -> String {
    format!("search/s/{key}-{p}.json.gz")
}

/// Folding and reading tables of the code points of `block`.
pub fn tables(block: u32) -> String {
    format!("search/z/{block}.json.gz")
}
