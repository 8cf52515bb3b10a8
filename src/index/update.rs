//! Keeping a search index up to date as documents change (the preview server): only the files
//! that the changed documents reach are made again. Term shards keep the boundaries of the
//! last full build, so a shard no changed term falls in keeps its bytes (shared, not copied).
//!
//! The files equal those of a full build of the same documents, except that the terms are
//! split into shards where an earlier build split them (the manifest lists the same
//! boundaries, the client finds every term) and, with that, the index id. Documents are
//! numbered by kind and URL, so an edit keeps every number; a full build is made instead
//! when documents come, go or change their address, when the facets or sorts offered
//! change, or when a shard has grown to several times its size.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read as _;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value;

use super::build::{
    Limits, POSITIONAL, TermAcc, build_index_with, cards_text, doc_order, doc_terms, facet_text,
    grades_text, gzip, index_id, is_pair, name_ranks, revenue_ranks, varint,
};
use super::doc::SearchDoc;
use super::paths;
use super::query::Cursor;

/// Index files by path relative to the site root; the bytes are shared with the caller.
pub type SharedFiles = BTreeMap<String, Arc<[u8]>>;

/// A search index with the documents it was built from, ready to be updated.
pub struct LiveIndex {
    limits: Limits,
    /// Shared with the preview, which hands an unchanged document back as the same `Arc`.
    docs: Vec<Arc<SearchDoc>>,
    /// Document number → place in `docs`.
    order: Vec<usize>,
    /// The manifest without its id.
    manifest: Value,
    id: String,
    /// Files by name inside the index folder (`t/0.bin.gz`).
    files: BTreeMap<String, Arc<[u8]>>,
}

/// What [`LiveIndex::update`] did, for the preview's log and for tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Updated {
    /// No document changed.
    #[default]
    Nothing,
    /// These many files were made again; the others kept their bytes.
    Files(usize),
    /// The whole index was built again (see the module documentation for when).
    Whole,
}

impl LiveIndex {
    pub fn new(docs: Vec<SearchDoc>) -> Self {
        Self::new_shared(docs.into_iter().map(Arc::new).collect())
    }

    /// [`LiveIndex::new`] of shared documents.
    pub fn new_shared(docs: Vec<Arc<SearchDoc>>) -> Self {
        Self::shared_with_limits(docs, Limits::default())
    }

    fn shared_with_limits(docs: Vec<Arc<SearchDoc>>, limits: Limits) -> Self {
        let mut built = build_index_with(&docs, limits);
        let mut manifest: Value = built
            .remove(paths::MANIFEST)
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or(Value::Null);
        let id = match manifest.as_object_mut().and_then(|m| m.remove("id")) {
            Some(Value::String(id)) => id,
            _ => String::new(),
        };
        let folder = paths::data_path(&id, "");
        let files = built
            .into_iter()
            .filter_map(|(path, bytes)| {
                let name = path.strip_prefix(&folder)?.to_string();
                Some((name, Arc::from(bytes)))
            })
            .collect();
        LiveIndex {
            limits,
            order: doc_order(&docs),
            docs,
            manifest,
            id,
            files,
        }
    }

    /// The documents indexed.
    pub fn docs(&self) -> &[Arc<SearchDoc>] {
        &self.docs
    }

    /// Whether `docs` are the documents indexed (an unchanged document is usually the same
    /// `Arc`, and compared no further).
    pub fn indexes(&self, docs: &[Arc<SearchDoc>]) -> bool {
        self.docs.len() == docs.len() && self.docs.iter().zip(docs).all(|(a, b)| same_doc(a, b))
    }

    /// Every file of the index, by path relative to the site root (as `build_index` names
    /// them).
    pub fn files(&self) -> SharedFiles {
        let mut manifest = self.manifest.clone();
        if let Some(m) = manifest.as_object_mut() {
            m.insert("id".into(), Value::String(self.id.clone()));
        }
        let mut out: SharedFiles = self
            .files
            .iter()
            .map(|(name, bytes)| (paths::data_path(&self.id, name), bytes.clone()))
            .collect();
        out.insert(
            paths::MANIFEST.to_string(),
            Arc::from(serde_json::to_vec(&manifest).unwrap_or_default()),
        );
        out
    }

    /// Indexes `docs` instead of the documents indexed, remaking only what they change.
    pub fn update(&mut self, docs: Vec<SearchDoc>) -> Updated {
        self.update_shared(docs.into_iter().map(Arc::new).collect())
    }

    /// [`LiveIndex::update`] with shared documents.
    pub fn update_shared(&mut self, docs: Vec<Arc<SearchDoc>>) -> Updated {
        let order = if self.same_places(&docs) {
            self.order.clone()
        } else {
            doc_order(&docs)
        };
        let Some(changed) = self.changed(&docs, &order) else {
            *self = Self::shared_with_limits(docs, self.limits);
            return Updated::Whole;
        };
        if changed.is_empty() {
            self.docs = docs;
            self.order = order;
            return Updated::Nothing;
        }
        let old: Vec<&SearchDoc> = self.order.iter().map(|&i| &*self.docs[i]).collect();
        let new: Vec<&SearchDoc> = order.iter().map(|&i| &*docs[i]).collect();
        let Some(shards) = self.term_shards(&old, &new, &changed) else {
            *self = Self::shared_with_limits(docs, self.limits);
            return Updated::Whole;
        };
        let texts = self.metadata(&old, &new, &changed);
        let mut remade: Vec<(String, Vec<u8>)> = shards;
        remade.extend(
            texts
                .into_par_iter()
                .map(|(name, text)| (name, gzip(text.as_bytes())))
                .collect::<Vec<_>>(),
        );
        let count = remade.len();
        for (name, bytes) in remade {
            self.files.insert(name, Arc::from(bytes));
        }
        self.id = index_id(
            &self.manifest,
            self.files.iter().map(|(n, b)| (n.as_str(), &b[..])),
        );
        self.docs = docs;
        self.order = order;
        Updated::Files(count)
    }

    /// Whether `docs` have the kinds and URLs of the documents indexed, each in its place: then
    /// they sort in the same order (most saves change neither).
    fn same_places(&self, docs: &[Arc<SearchDoc>]) -> bool {
        docs.len() == self.docs.len()
            && docs
                .iter()
                .zip(&self.docs)
                .all(|(a, b)| Arc::ptr_eq(a, b) || (a.kind == b.kind && a.url == b.url))
    }

    /// The numbers of the documents that changed, or `None` when the index must be built
    /// whole (see the module documentation).
    fn changed(&self, docs: &[Arc<SearchDoc>], order: &[usize]) -> Option<Vec<usize>> {
        if docs.len() != self.docs.len() {
            return None;
        }
        let sorts = |docs: &[Arc<SearchDoc>]| {
            (
                docs.iter().any(|d| d.sort.grade.is_some()),
                docs.iter().any(|d| d.sort.revenue.is_some()),
            )
        };
        if sorts(docs) != sorts(&self.docs) {
            return None;
        }
        let mut changed = Vec::new();
        for (k, (&was, &now)) in self.order.iter().zip(order).enumerate() {
            let (a, b) = (&self.docs[was], &docs[now]);
            if a.url != b.url || a.kind != b.kind {
                return None;
            }
            if !same_doc(a, b) {
                if !a.facets.keys().eq(b.facets.keys()) {
                    return None;
                }
                changed.push(k);
            }
        }
        Some(changed)
    }

    /// The term shards the changed documents reach, made again (gzipped, by name), or `None`
    /// when one would grow past four times the size a full build gives a shard.
    fn term_shards(
        &self,
        old: &[&SearchDoc],
        new: &[&SearchDoc],
        changed: &[usize],
    ) -> Option<Vec<(String, Vec<u8>)>> {
        let per_doc: Vec<Vec<(String, Change)>> = changed
            .par_iter()
            .map(|&k| {
                let terms = |doc: &SearchDoc| -> HashMap<String, (u16, Vec<u32>)> {
                    doc_terms(doc)
                        .into_iter()
                        .map(|e| (e.term, (e.mask, e.positions)))
                        .collect()
                };
                let (before, mut after) = (terms(old[k]), terms(new[k]));
                let mut out = Vec::new();
                for (term, entry) in before {
                    match after.remove(&term) {
                        Some(now) if now == entry => {}
                        now => out.push((term, (k as i64, now))),
                    }
                }
                out.extend(after.into_iter().map(|(t, e)| (t, (k as i64, Some(e)))));
                out
            })
            .collect();
        let mut terms: BTreeMap<String, Vec<Change>> = BTreeMap::new();
        for (term, change) in per_doc.into_iter().flatten() {
            terms.entry(term).or_default().push(change);
        }
        let firsts: Vec<&str> = self.manifest["shards"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if firsts.is_empty() {
            return None;
        }
        let mut by_shard: BTreeMap<usize, Vec<(&String, &Vec<Change>)>> = BTreeMap::new();
        for (term, changes) in &terms {
            let i = firsts
                .partition_point(|f| *f <= term.as_str())
                .saturating_sub(1);
            by_shard.entry(i).or_default().push((term, changes));
        }
        let limit = self.limits.shard_bytes.saturating_mul(4);
        by_shard
            .into_par_iter()
            .map(|(i, changes)| {
                let name = paths::shard(i);
                let bytes = gunzip(self.files.get(&name)?)?;
                let shard = remake_shard(&bytes, &changes)?;
                (shard.len() <= limit).then(|| (name, gzip(&shard)))
            })
            .collect()
    }

    /// The card chunks, facet parts and sort columns the changed documents reach, as text.
    fn metadata(
        &self,
        old: &[&SearchDoc],
        new: &[&SearchDoc],
        changed: &[usize],
    ) -> Vec<(String, String)> {
        let number = |key: &str| self.manifest[key].as_u64().unwrap_or(1).max(1) as usize;
        let (chunk, part, n) = (number("chunk"), number("part"), new.len());
        let mut out = Vec::new();
        let chunks: BTreeSet<usize> = changed.iter().map(|k| k / chunk).collect();
        for c in chunks {
            let lo = c * chunk;
            out.push((paths::cards(c), cards_text(&new[lo..(lo + chunk).min(n)])));
        }
        let parts: BTreeSet<usize> = changed.iter().map(|k| k / part).collect();
        let range = |p: usize| (p * part, ((p + 1) * part).min(n));
        let fields = self.manifest["facets"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for field in fields.iter().filter_map(Value::as_str) {
            for &p in &parts {
                let (lo, hi) = range(p);
                let differs = changed
                    .iter()
                    .filter(|&&k| (lo..hi).contains(&k))
                    .any(|&k| old[k].facets.get(field) != new[k].facets.get(field));
                if differs {
                    out.push((paths::facet(field, p), facet_text(new, field, lo, hi)));
                }
            }
        }
        let parts_all = n.div_ceil(part).max(1);
        let mut column = |key: &str, ranks: Vec<usize>| {
            for p in 0..parts_all {
                let (lo, hi) = range(p);
                let text = serde_json::to_string(&ranks[lo..hi]).unwrap_or_default();
                out.push((paths::column(key, p), text));
            }
        };
        let renamed = changed.iter().any(|&k| old[k].name != new[k].name);
        // Revenue ranks break ties by name.
        let revenues = self.files.keys().any(|f| f.starts_with("s/revenue-"));
        let moved = renamed
            || changed
                .iter()
                .any(|&k| old[k].sort.revenue != new[k].sort.revenue);
        // Two sorts of every document, at the end of a save: side by side.
        let (name_rank, revenue_rank) = rayon::join(
            || renamed.then(|| name_ranks(new)),
            || (revenues && moved).then(|| revenue_ranks(new)),
        );
        if let Some(ranks) = name_rank {
            column("name", ranks);
        }
        if let Some(ranks) = revenue_rank {
            column("revenue", ranks);
        }
        let grades = self.files.keys().any(|f| f.starts_with("s/grade-"));
        for &p in &parts {
            let (lo, hi) = range(p);
            let differs = changed
                .iter()
                .filter(|&&k| (lo..hi).contains(&k))
                .any(|&k| old[k].sort.grade != new[k].sort.grade);
            if grades && differs {
                out.push((paths::column("grade", p), grades_text(&new[lo..hi])));
            }
        }
        out
    }
}

fn same_doc(a: &Arc<SearchDoc>, b: &Arc<SearchDoc>) -> bool {
    Arc::ptr_eq(a, b) || a == b
}

/// A changed document of a term: its number, with its new entry (class mask and positions),
/// or none where the term left the document.
type Change = (i64, Option<(u16, Vec<u32>)>);

fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// The next varint of `cursor`, as a length.
fn length(cursor: &mut Cursor) -> Option<usize> {
    usize::try_from(cursor.varint()?).ok()
}

/// A term shard (uncompressed, see `TermAcc`) with the postings of the changed documents of
/// `changes` replaced; terms no document has any more leave it, new ones join in order.
fn remake_shard(shard: &[u8], changes: &[(&String, &Vec<Change>)]) -> Option<Vec<u8>> {
    let mut cursor = Cursor::new(shard);
    let count = cursor.varint()?;
    let mut terms: Vec<(&str, &[u8])> = Vec::new();
    for _ in 0..count {
        let len = length(&mut cursor)?;
        let term = std::str::from_utf8(cursor.take(len)?).ok()?;
        let len = length(&mut cursor)?;
        terms.push((term, cursor.take(len)?));
    }
    let mut remade: Vec<(String, Vec<u8>)> = Vec::new();
    for (term, docs) in changes {
        let data = terms
            .binary_search_by(|(t, _)| (*t).cmp(term.as_str()))
            .ok()
            .map(|i| terms[i].1);
        let mut postings = match data {
            Some(data) => decode_postings(term, data)?,
            None => Vec::new(),
        };
        postings.retain(|(doc, _, _)| !docs.iter().any(|(d, _)| d == doc));
        for (doc, entry) in docs.iter() {
            if let Some((mask, positions)) = entry {
                postings.push((*doc, *mask, positions.clone()));
            }
        }
        postings.sort_by_key(|(doc, _, _)| *doc);
        let mut acc = TermAcc::default();
        let pair = is_pair(term);
        for (doc, mask, positions) in &postings {
            let positions = (mask & POSITIONAL != 0 && pair).then_some(positions.as_slice());
            acc.add(*doc, *mask, positions);
        }
        let mut encoded = Vec::new();
        if !postings.is_empty() {
            acc.encode(term, &mut encoded);
        }
        remade.push(((*term).clone(), encoded));
    }
    // Both lists are sorted by term: merge them, the remade entry winning.
    let mut entries: Vec<Vec<u8>> = Vec::with_capacity(terms.len() + remade.len());
    let (mut i, mut j) = (0, 0);
    while i < terms.len() || j < remade.len() {
        let take_old = match (terms.get(i), remade.get(j)) {
            (Some((t, _)), Some((r, _))) => match (*t).cmp(r.as_str()) {
                std::cmp::Ordering::Less => true,
                std::cmp::Ordering::Equal => {
                    i += 1;
                    false
                }
                std::cmp::Ordering::Greater => false,
            },
            (Some(_), None) => true,
            (None, _) => false,
        };
        if take_old {
            let (term, data) = terms[i];
            let mut entry = Vec::with_capacity(term.len() + data.len() + 4);
            varint(&mut entry, term.len() as u64);
            entry.extend_from_slice(term.as_bytes());
            varint(&mut entry, data.len() as u64);
            entry.extend_from_slice(data);
            entries.push(entry);
            i += 1;
        } else {
            let entry = std::mem::take(&mut remade[j].1);
            if !entry.is_empty() {
                entries.push(entry);
            }
            j += 1;
        }
    }
    let mut out = Vec::with_capacity(shard.len() + 64);
    varint(&mut out, entries.len() as u64);
    for entry in entries {
        out.extend_from_slice(&entry);
    }
    Some(out)
}

/// The postings of a term's data as `TermAcc` encodes them: (document, class mask,
/// positions), grouped by mask.
fn decode_postings(term: &str, data: &[u8]) -> Option<Vec<(i64, u16, Vec<u32>)>> {
    let mut cursor = Cursor::new(data);
    let groups = cursor.varint()?;
    let mut postings = Vec::new();
    for _ in 0..groups {
        let mask = u16::try_from(cursor.varint()?).ok()?;
        let n = cursor.varint()?;
        let mut prev: i64 = -1;
        for _ in 0..n {
            prev = prev.checked_add(i64::try_from(cursor.varint()?).ok()?)?;
            postings.push((prev, mask, Vec::new()));
        }
    }
    let len = length(&mut cursor)?;
    let mut positions = Cursor::new(cursor.take(len)?);
    if is_pair(term) {
        for (_, mask, codes) in postings.iter_mut() {
            if *mask & POSITIONAL == 0 {
                continue;
            }
            let count = positions.varint()?;
            let mut last = 0u32;
            for _ in 0..count {
                last = last.checked_add(u32::try_from(positions.varint()?).ok()?)?;
                codes.push(last);
            }
        }
    }
    Some(postings)
}
