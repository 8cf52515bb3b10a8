//! Helpers shared by the integration tests that read a built site back.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Every file under `out`, by site-relative path with `/` separators (`customers/x/index.html`).
pub fn read_tree(out: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(out).expect("under out");
            let rel = rel.to_str().expect("UTF-8 path").replace('\\', "/");
            (rel, fs::read(e.path()).expect("read"))
        })
        .collect()
}

/// The page URLs of a search's hits, in order (from their cards).
pub fn hit_urls(reader: &dossier::index::Reader, query: &dossier::index::Query) -> Vec<String> {
    reader
        .search(query)
        .unwrap()
        .iter()
        .map(|h| {
            reader.card(h.doc).unwrap()["u"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}
