//! Building the index files from [`SearchDoc`]s. See `docs/search.md` for the format.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::sync::Mutex;

use rustc_hash::FxHashMap;
use std::fmt::Write as _;
use std::io::Write as _;

use flate2::Compression;
use flate2::write::GzEncoder;
use rayon::prelude::*;
use serde_json::{Map, Value, json};

use super::chinese::{self, fold_text};
use super::doc::{DocKind, SearchDoc};
use super::fields::{DataGroup, Field, FieldClass};
use super::normalize::{
    PINYIN_MARK, id_number, phone_digits, phone_term, whole_term, without_legal_suffix,
};
use super::paths;
use super::tokenize::{TokenKind, for_each_term, for_each_token, is_one_han_run};

/// Format version, in the manifest; the client refuses other versions.
pub const VERSION: u32 = 4;

/// Size targets of the files. A term shard of 24 KB (uncompressed) is about 10 KB on the wire.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// A term shard (postings and positions) is closed when it passes this size.
    pub shard_bytes: usize,
    /// At least this many documents per metadata chunk …
    pub min_chunk: usize,
    /// … and at most this many chunks (more documents per chunk on large sites).
    pub max_chunks: usize,
    /// Documents per part of a facet or sort column.
    pub part: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            shard_bytes: 24 * 1024,
            min_chunk: 32,
            max_chunks: 2500,
            part: 25_000,
        }
    }
}

/// Characters of body text in a result card's snippet.
pub const SNIPPET_CHARS: usize = 48;

/// Builds the index files of `docs`: paths relative to the site root (all under `search/`)
/// with their bytes. Same documents, same bytes.
/// `docs` may be shared (`Arc<SearchDoc>`, as the preview keeps them).
pub fn build_index<D: Borrow<SearchDoc>>(docs: &[D]) -> BTreeMap<String, Vec<u8>> {
    build_index_with(docs, Limits::default())
}

pub fn build_index_with<D: Borrow<SearchDoc>>(
    docs: &[D],
    limits: Limits,
) -> BTreeMap<String, Vec<u8>> {
    let (_, tables) = rayon::join(chinese::prepare, chinese::fallback_files);
    let order = doc_order(docs);
    let docs: Vec<&SearchDoc> = order.iter().map(|&i| docs[i].borrow()).collect();
    let n = docs.len();
    let chunk = limits
        .min_chunk
        .max(n.div_ceil(limits.max_chunks.max(1)))
        .max(1);
    let part = limits.part.max(1);

    let terms = invert(&docs);
    let shards = pack(&terms, &limits);

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut jobs: Vec<(String, String)> = Vec::new();

    // Term shards (binary, see `TermAcc`): postings of each term, positions of pair terms.
    let mut firsts = Vec::with_capacity(shards.len());
    let mut binary: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, range) in shards.iter().enumerate() {
        firsts.push(Value::String(terms[range.start].0.clone()));
        let mut out = Vec::new();
        varint(&mut out, range.len() as u64);
        for (term, acc) in &terms[range.clone()] {
            acc.encode(term, &mut out);
        }
        binary.push((paths::shard(i), out));
    }

    // Document metadata, in chunks.
    for (k, group) in docs.chunks(chunk).enumerate() {
        jobs.push((paths::cards(k), cards_text(group)));
    }

    // Facets: per field, per part of the documents, the postings of each value.
    let mut fields: Vec<&str> = docs
        .iter()
        .flat_map(|d| d.facets.keys().map(String::as_str))
        .filter(|f| is_safe_name(f))
        .collect();
    fields.sort_unstable();
    fields.dedup();
    let parts = n.div_ceil(part).max(1);
    for field in &fields {
        for p in 0..parts {
            let lo = p * part;
            let hi = ((p + 1) * part).min(n);
            jobs.push((paths::facet(field, p), facet_text(&docs, field, lo, hi)));
        }
    }

    // Sort columns: revenue rank, grade rank (absent = -1) and name rank, per part.
    let name_rank = name_ranks(&docs);
    // A sort no document has a key for is not offered (an audience that hides credit or
    // sales has no grades or revenue in its index at all, not even a column of blanks).
    let has_grades = docs.iter().any(|d| d.sort.grade.is_some());
    let has_revenue = docs.iter().any(|d| d.sort.revenue.is_some());
    let mut sorts = Vec::new();
    if has_revenue {
        sorts.push("revenue");
    }
    if has_grades {
        sorts.push("grade");
    }
    sorts.push("name");
    let revenue_rank = has_revenue.then(|| revenue_ranks(&docs));
    for p in 0..parts {
        let lo = p * part;
        let hi = ((p + 1) * part).min(n);
        jobs.push((
            paths::column("name", p),
            serde_json::to_string(&name_rank[lo..hi]).unwrap_or_default(),
        ));
        if let Some(rank) = &revenue_rank {
            jobs.push((
                paths::column("revenue", p),
                serde_json::to_string(&rank[lo..hi]).unwrap_or_default(),
            ));
        }
        if !has_grades {
            continue;
        }
        jobs.push((paths::column("grade", p), grades_text(&docs[lo..hi])));
    }

    // The folding and pinyin tables, per block of code points, for queries that found nothing.
    let mut blocks = Vec::new();
    for (block, bytes) in tables {
        blocks.push(*block);
        files.push((paths::tables(*block), bytes.clone()));
    }

    let mut manifest = json!({
        "version": VERSION,
        "docs": n,
        "chunk": chunk,
        "part": part,
        "parts": parts,
        "classes": FieldClass::ALL.len(),
        "shards": firsts,
        "z": blocks,
        "facets": fields,
        "sorts": sorts,
    });
    files.extend(
        jobs.into_par_iter()
            .map(|(path, text)| (path, gzip(text.as_bytes())))
            .collect::<Vec<_>>(),
    );
    files.extend(
        binary
            .into_par_iter()
            .map(|(path, bytes)| (path, gzip(&bytes)))
            .collect::<Vec<_>>(),
    );
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let id = index_id(&manifest, files.iter().map(|(n, b)| (n.as_str(), &b[..])));
    manifest["id"] = Value::String(id.clone());
    let mut out: BTreeMap<String, Vec<u8>> = files
        .into_iter()
        .map(|(name, bytes)| (paths::data_path(&id, &name), bytes))
        .collect();
    out.insert(
        paths::MANIFEST.to_string(),
        serde_json::to_vec(&manifest).unwrap_or_default(),
    );
    out
}

/// The JSON of the result cards of `docs` (one chunk).
pub(crate) fn cards_text(docs: &[&SearchDoc]) -> String {
    let cards: Vec<Value> = docs.iter().map(|d| card(d)).collect();
    serde_json::to_string(&cards).unwrap_or_default()
}

/// The JSON of facet `field` over documents `lo..hi`: each value with the delta-coded
/// numbers of its documents.
pub(crate) fn facet_text(docs: &[&SearchDoc], field: &str, lo: usize, hi: usize) -> String {
    let mut values: BTreeMap<&str, (usize, String)> = BTreeMap::new();
    for (d, doc) in docs.iter().enumerate().take(hi).skip(lo) {
        let Some(vs) = doc.facets.get(field) else {
            continue;
        };
        let mut seen: Vec<&str> = Vec::new();
        for v in vs {
            if seen.contains(&v.as_str()) {
                continue;
            }
            seen.push(v);
            let (prev, list) = values.entry(v).or_insert((lo, String::new()));
            let delta = d + 1 - *prev;
            *prev = d + 1;
            let _ = write!(list, "{delta},");
        }
    }
    let mut text = String::from("{");
    for (v, (_, list)) in &values {
        if text.len() > 1 {
            text.push(',');
        }
        let key = serde_json::to_string(v).unwrap_or_default();
        let _ = write!(text, "{key}:[{}]", list.trim_end_matches(','));
    }
    text.push('}');
    text
}

/// The rank of each document (by number) in the name sort.
pub(crate) fn name_ranks(docs: &[&SearchDoc]) -> Vec<usize> {
    let n = docs.len();
    let mut by_name: Vec<usize> = (0..n).collect();
    by_name.sort_unstable_by(|&a, &b| docs[a].name.cmp(&docs[b].name).then(a.cmp(&b)));
    let mut name_rank = vec![0usize; n];
    for (rank, &d) in by_name.iter().enumerate() {
        name_rank[d] = rank;
    }
    name_rank
}

/// The JSON of the grade column of `docs` (absent = -1).
pub(crate) fn grades_text(docs: &[&SearchDoc]) -> String {
    let grades: Vec<i64> = docs
        .iter()
        .map(|d| d.sort.grade.map_or(-1, i64::from))
        .collect();
    serde_json::to_string(&grades).unwrap_or_default()
}

/// A hash of the manifest (before it has an id) and of every file's name and bytes, in
/// name order: 16 hex digits.
pub(crate) fn index_id<'a>(
    manifest: &Value,
    files: impl Iterator<Item = (&'a str, &'a [u8])>,
) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&serde_json::to_vec(manifest).unwrap_or_default());
    for (name, bytes) in files {
        hasher.update(&(name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    format!("{:016x}", hasher.digest())
}

/// Documents are numbered by kind, then URL: the numbers move only when documents come, go or
/// change their address, so that the preview can remake the few files an edit reaches (a
/// revenue edit no longer renumbers every document it overtakes). The revenue sort, and the
/// order of equal hits, come from the revenue column ([`revenue_ranks`]).
pub(crate) fn doc_order<D: Borrow<SearchDoc>>(docs: &[D]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        let (x, y) = (docs[a].borrow(), docs[b].borrow());
        x.kind
            .cmp(&y.kind)
            .then_with(|| x.url.cmp(&y.url))
            .then(a.cmp(&b))
    });
    order
}

/// The rank of each document (by number) in the revenue sort: revenue, largest first, absent
/// last, then kind, name and number. Equal hits of the other sorts follow it too, so the
/// best-known customers come first among them.
pub(crate) fn revenue_ranks(docs: &[&SearchDoc]) -> Vec<usize> {
    let n = docs.len();
    let mut by_revenue: Vec<usize> = (0..n).collect();
    by_revenue.sort_unstable_by(|&a, &b| {
        let (x, y) = (docs[a], docs[b]);
        let rev = match (x.sort.revenue, y.sort.revenue) {
            (Some(r), Some(s)) => s.total_cmp(&r),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        rev.then_with(|| x.kind.cmp(&y.kind))
            .then_with(|| x.name.cmp(&y.name))
            .then(a.cmp(&b))
    });
    let mut rank = vec![0usize; n];
    for (r, &d) in by_revenue.iter().enumerate() {
        rank[d] = r;
    }
    rank
}

/// The postings of one term, grouped by class mask (the set of field classes the term occurs
/// in, in a document: bit [`FieldClass`] as u16). Encoded in a term shard as LEB128 varints:
///
/// ```text
/// shard:    term count, terms… (sorted by code point)
/// term:     byte length, UTF-8 bytes, data byte length, data (so a reader can skip it)
/// data:     group count, groups… (by mask, ascending), positions byte length, positions…
/// group:    mask, n, n × (doc − previous doc of the group; previous starts at −1)
/// positions (Han pairs only): for each document of each group whose mask has a positional
///           class (in group order, then document order): count, then the codes
///           (offset × 8 + class), delta-coded within the document
/// ```
#[derive(Debug, Default)]
pub(crate) struct TermAcc {
    /// (mask, group), sorted by mask.
    groups: Vec<(u16, Group)>,
}

#[derive(Debug, Default)]
struct Group {
    prev: i64,
    count: u64,
    docs: Vec<u8>,
    /// Positions in positional classes, per document of the group (see above).
    positions: Vec<u8>,
}

impl TermAcc {
    pub(crate) fn add(&mut self, doc: i64, mask: u16, positions: Option<&[u32]>) {
        let at = match self.groups.binary_search_by_key(&mask, |(m, _)| *m) {
            Ok(at) => at,
            Err(at) => {
                // Most terms (phones, pinyin) have one group: the default capacity of four
                // would quadruple their memory.
                if self.groups.is_empty() {
                    self.groups.reserve_exact(1);
                }
                let group = Group {
                    prev: -1,
                    ..Group::default()
                };
                self.groups.insert(at, (mask, group));
                at
            }
        };
        let g = &mut self.groups[at].1;
        varint(&mut g.docs, (doc - g.prev) as u64);
        g.prev = doc;
        g.count += 1;
        if let Some(positions) = positions {
            varint(&mut g.positions, positions.len() as u64);
            let mut last = 0;
            for &code in positions {
                varint(&mut g.positions, u64::from(code - last));
                last = code;
            }
        }
    }

    /// Encoded size, for packing shards.
    fn size(&self, term: &str) -> usize {
        term.len()
            + 4
            + self
                .groups
                .iter()
                .map(|(_, g)| g.docs.len() + g.positions.len() + 6)
                .sum::<usize>()
    }

    pub(crate) fn encode(&self, term: &str, out: &mut Vec<u8>) {
        varint(out, term.len() as u64);
        out.extend_from_slice(term.as_bytes());
        let mut data = Vec::with_capacity(self.size(term));
        self.encode_data(&mut data);
        varint(out, data.len() as u64);
        out.extend_from_slice(&data);
    }

    fn encode_data(&self, out: &mut Vec<u8>) {
        varint(out, self.groups.len() as u64);
        for (mask, g) in &self.groups {
            varint(out, u64::from(*mask));
            varint(out, g.count);
            out.extend_from_slice(&g.docs);
        }
        let positions: usize = self.groups.iter().map(|(_, g)| g.positions.len()).sum();
        varint(out, positions as u64);
        for (_, g) in &self.groups {
            out.extend_from_slice(&g.positions);
        }
    }
}

/// Appends `x` as an unsigned LEB128 varint.
pub fn varint(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push((x as u8 & 0x7f) | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

/// One document's hits of one term.
pub(crate) struct Entry {
    pub(crate) term: String,
    pub(crate) mask: u16,
    pub(crate) positions: Vec<u32>,
}

/// One document's hits of one term in a [`TermBatch`]: ranges of its buffers.
struct BatchEntry {
    doc: u32,
    mask: u16,
    term: (u32, u32),
    positions: (u32, u32),
}

/// The terms of consecutive documents in flat buffers (term bytes, position codes) and one
/// entry list per partition, in document order: a few growing buffers per rayon task
/// instead of lists and strings per document.
#[derive(Default)]
struct TermBatch {
    text: String,
    positions: Vec<u32>,
    entries: Vec<Vec<BatchEntry>>,
}

impl TermBatch {
    fn push_doc(&mut self, doc: usize, terms: &mut DocTerms) {
        if self.entries.is_empty() {
            self.entries = (0..PARTITIONS).map(|_| Vec::new()).collect();
        }
        for (term, mask, positions) in terms.drain() {
            let entry = BatchEntry {
                doc: doc as u32,
                mask,
                term: append(&mut self.text, &term),
                positions: append_codes(&mut self.positions, positions),
            };
            self.entries[partition(&term)].push(entry);
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.positions.clear();
        self.entries.iter_mut().for_each(Vec::clear);
    }

    fn term(&self, entry: &BatchEntry) -> &str {
        &self.text[entry.term.0 as usize..entry.term.1 as usize]
    }

    fn positions(&self, entry: &BatchEntry) -> &[u32] {
        &self.positions[entry.positions.0 as usize..entry.positions.1 as usize]
    }
}

/// Appends `term` to `text`; returns its byte range.
fn append(text: &mut String, term: &str) -> (u32, u32) {
    let start = text.len() as u32;
    text.push_str(term);
    (start, text.len() as u32)
}

fn append_codes(all: &mut Vec<u32>, codes: &[u32]) -> (u32, u32) {
    let start = all.len() as u32;
    all.extend_from_slice(codes);
    (start, all.len() as u32)
}

const PARTITIONS: usize = 16;

/// The class bits whose Han pairs keep positions (see [`FieldClass::positional`]).
pub const POSITIONAL: u16 = 0b111_1111;
/// Bits of the class in a position code: `offset × 32 + start × 16 + end × 8 + class`, where
/// `start` and `end` say that the pair begins or ends a field whose whole value is one Han run
/// (so a run can be told to be the field's whole value: `华东` the region, `张雅琴` a contact).
pub const CLASS_BITS: u32 = 3;
pub const FLAG_START: u32 = 1 << 4;
pub const FLAG_END: u32 = 1 << 3;
pub const OFFSET_SHIFT: u32 = 5;
const BATCH: usize = 2048;

/// The inverted index: every term with its postings, sorted by term (code-point order).
fn invert(docs: &[&SearchDoc]) -> Vec<(String, TermAcc)> {
    let mut partitions: Vec<FxHashMap<String, TermAcc>> =
        (0..PARTITIONS).map(|_| FxHashMap::default()).collect();
    // The collectors of one batch serve the next: their memory is already paged in.
    let spare: Mutex<Vec<Collector>> = Mutex::new(Vec::new());
    for (b, batch) in docs.chunks(BATCH).enumerate() {
        let extracted = extract(batch, b * BATCH, &spare);
        partitions
            .par_iter_mut()
            .enumerate()
            .for_each(|(p, map)| merge(map, p, &extracted));
        if let Ok(mut spare) = spare.lock() {
            spare.extend(extracted.into_iter().map(|(terms, mut batch)| {
                batch.clear();
                (terms, batch)
            }));
        }
    }
    drop(spare);
    let mut terms: Vec<(String, TermAcc)> =
        Vec::with_capacity(partitions.iter().map(|m| m.len()).sum());
    terms.extend(partitions.into_iter().flatten());
    terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    terms
}

/// A rayon task's term collector and the batch it fills.
type Collector = (DocTerms, TermBatch);

/// The distinct terms of `batch` (documents numbered from `first`), collected in parallel;
/// `collect` keeps the tasks' batches in document order, which the postings' deltas need.
fn extract(batch: &[&SearchDoc], first: usize, spare: &Mutex<Vec<Collector>>) -> Vec<Collector> {
    batch
        .par_iter()
        .enumerate()
        .fold(
            || {
                spare
                    .lock()
                    .ok()
                    .and_then(|mut spare| spare.pop())
                    .unwrap_or_default()
            },
            |(mut terms, mut out), (i, doc)| {
                terms.collect(doc);
                out.push_doc(first + i, &mut terms);
                (terms, out)
            },
        )
        .collect()
}

/// Adds the entries of partition `p` of `extracted` to the postings of its terms.
fn merge(map: &mut FxHashMap<String, TermAcc>, p: usize, extracted: &[Collector]) {
    for (_, batch) in extracted {
        for e in batch.entries.get(p).into_iter().flatten() {
            let term = batch.term(e);
            if !map.contains_key(term) {
                map.insert(term.to_string(), TermAcc::default());
            }
            let Some(acc) = map.get_mut(term) else {
                continue;
            };
            let positions = (e.mask & POSITIONAL != 0 && is_pair(term)).then(|| batch.positions(e));
            acc.add(i64::from(e.doc), e.mask, positions);
        }
    }
}

pub(crate) fn is_pair(term: &str) -> bool {
    let mut chars = term.chars();
    matches!((chars.next(), chars.next(), chars.next()), (Some(a), Some(_), None) if super::tokenize::is_han(a))
}

/// A document's terms while they are collected: term → slot, slot → (class mask, position
/// codes). Reused from one document to the next, so that its table and lists keep their
/// memory.
#[derive(Default)]
struct DocTerms {
    slot_of: FxHashMap<String, usize>,
    /// The first `slot_of.len()` slots are this document's; later ones are spare.
    slots: Vec<(u16, Vec<u32>)>,
}

impl DocTerms {
    fn add(&mut self, term: &str, class: FieldClass, position: Option<u32>) {
        let slot = match self.slot_of.get(term) {
            Some(&slot) => slot,
            None => self.new_slot(term),
        };
        let (mask, positions) = &mut self.slots[slot];
        *mask |= class.bit();
        if let Some(p) = position {
            positions.push(p);
        }
    }

    fn new_slot(&mut self, term: &str) -> usize {
        let slot = self.slot_of.len();
        self.slot_of.insert(term.to_string(), slot);
        match self.slots.get_mut(slot) {
            Some((mask, positions)) => {
                *mask = 0;
                positions.clear();
            }
            None => self.slots.push((0, Vec::new())),
        }
        slot
    }

    /// Collects the distinct terms of `doc` with their class masks and pair positions.
    fn collect(&mut self, doc: &SearchDoc) {
        let mut base: usize = 0;
        for field in &doc.fields {
            // One position of gap, so that no match spans two fields.
            base += field_terms(field, base, self) + 1;
        }
        let city = doc
            .fields
            .iter()
            .find(|f| f.class == FieldClass::City)
            .map(|f| fold_text(&f.text));
        for field in doc.fields.iter().filter(|f| f.class.has_pinyin()) {
            pinyin_terms(field, city.as_deref(), self);
        }
    }

    /// The collected terms (positions sorted), leaving the collector empty for the next
    /// document.
    fn drain(&mut self) -> impl Iterator<Item = (String, u16, &[u32])> {
        for (_, positions) in self.slots.iter_mut().take(self.slot_of.len()) {
            positions.sort_unstable();
        }
        let slots = &self.slots;
        self.slot_of.drain().map(|(term, slot)| {
            let (mask, positions) = &slots[slot];
            (term, *mask, positions.as_slice())
        })
    }
}

/// The distinct terms of one document with their class masks and pair positions (sorted).
pub(crate) fn doc_terms(doc: &SearchDoc) -> Vec<Entry> {
    let mut terms = DocTerms::default();
    terms.collect(doc);
    terms
        .drain()
        .map(|(term, mask, positions)| Entry {
            term,
            mask,
            positions: positions.to_vec(),
        })
        .collect()
}

/// Adds the pinyin terms of a name, a person or the owner: full pinyin and initials of the
/// whole value; for a company name, of its core (the name without its legal form), with the
/// city it starts with (`changsha antai`, `csat`) and without (people type the brand first:
/// `huadong yiyao`, `hdyy`).
fn pinyin_terms(field: &Field, city: Option<&str>, terms: &mut DocTerms) {
    let text = fold_text(&field.text);
    let mut add = |spellings: &[String]| {
        for spelling in spellings {
            terms.add(
                &format!("{PINYIN_MARK}{spelling}"),
                FieldClass::Pinyin,
                None,
            );
        }
    };
    if field.class == FieldClass::Name {
        let core = without_legal_suffix(&text);
        let brand = city
            .and_then(|c| core.strip_prefix(c))
            .filter(|b| !b.is_empty());
        if brand.is_some() {
            let (full, initials) = chinese::spellings(core);
            add(&full);
            add(&initials);
        }
        let (full, initials) = chinese::spellings(brand.unwrap_or(core));
        add(&full);
        add(&initials);
    } else {
        let (full, initials) = chinese::spellings(&text);
        add(&full);
        add(&initials);
    }
}

/// Adds the terms of one field, its positions counted from `base`; returns the field's length
/// in positions. Phones give their digits reversed, pinyin fields their spellings, the other
/// classes their words, Han characters and pairs (single characters of text only when they
/// stand alone: `2304号`), an id its compact forms, short fields their whole value.
fn field_terms(field: &Field, base: usize, terms: &mut DocTerms) -> usize {
    let class = field.class;
    let text = fold_text(&field.text);
    match class {
        FieldClass::Phone => {
            if let Some(digits) = phone_digits(&text) {
                terms.add(&phone_term(&digits), class, None);
            }
            return 0;
        }
        FieldClass::Pinyin => return 0,
        _ => {}
    }
    let positional = class.positional();
    // A field that is one Han run of two or more characters: its pairs carry the start and
    // end flags, and it needs no whole-value term.
    let one_run = is_one_han_run(&text);
    let len = for_each_token(&text, |kind, token, start| {
        let run = token.chars().count();
        for_each_term(kind, token, |term, offset| {
            let pair = kind == TokenKind::Han && is_pair(term);
            if kind == TokenKind::Han && !pair && class == FieldClass::Text && run > 1 {
                return;
            }
            let position = (pair && positional).then(|| {
                let mut flags = 0;
                if one_run && offset == 0 {
                    flags |= FLAG_START;
                }
                if one_run && offset + 2 == run {
                    flags |= FLAG_END;
                }
                (((base + start + offset) as u32) << OFFSET_SHIFT) | flags | class as u32
            });
            terms.add(term, class, position);
        });
    });
    if class == FieldClass::Id
        && let Some(number) = id_number(&text)
    {
        terms.add(&number, class, None);
    }
    if class.whole_values()
        && !one_run
        && let Some(whole) = whole_term(&text)
    {
        terms.add(&whole, class, None);
    }
    len
}

/// A fixed hash (FNV-1a): which partition merges a term. It decides only who does the work,
/// never the output.
fn partition(term: &str) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in term.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h as usize % PARTITIONS
}

/// Groups the sorted terms into shards of bounded size.
fn pack(terms: &[(String, TermAcc)], limits: &Limits) -> Vec<std::ops::Range<usize>> {
    let mut shards = Vec::new();
    let mut start = 0;
    let mut size = 0usize;
    for (i, (term, acc)) in terms.iter().enumerate() {
        let s = acc.size(term);
        if i > start && size + s > limits.shard_bytes {
            shards.push(start..i);
            start = i;
            size = 0;
        }
        size += s;
    }
    if start < terms.len() {
        shards.push(start..terms.len());
    }
    shards
}

fn card(d: &SearchDoc) -> Value {
    let mut m = Map::new();
    m.insert("u".into(), d.url.clone().into());
    m.insert("n".into(), d.name.clone().into());
    if d.kind != DocKind::Customer {
        m.insert("k".into(), d.kind.code().into());
    }
    let c = &d.card;
    let mut opt = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            m.insert(k.into(), v.clone().into());
        }
    };
    opt("g", &c.grade);
    opt("s", &c.stage);
    opt("o", &c.owner);
    opt("c", &c.city);
    opt("r", &c.region);
    if let Some(v) = c.revenue {
        // Whole amounts as integers (`4860000`, not `4860000.0`).
        let number = if v.fract() == 0.0 && v.abs() < 9e15 {
            Some(serde_json::Number::from(v as i64))
        } else {
            serde_json::Number::from_f64(v)
        };
        if let Some(n) = number {
            m.insert("v".into(), Value::Number(n));
        }
    }
    let body = d
        .fields
        .iter()
        .find(|f| f.group == DataGroup::Body)
        .map_or("", |f| f.text.as_str());
    let snippet = snippet(c.snippet.as_deref().unwrap_or(body));
    if !snippet.is_empty() {
        m.insert("x".into(), snippet.into());
    }
    Value::Object(m)
}

/// The first [`SNIPPET_CHARS`] characters of `text` with runs of whitespace made one space.
pub fn snippet(text: &str) -> String {
    let mut out = String::new();
    let mut count = 0;
    for word in text.split_whitespace() {
        if count > 0 {
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count >= SNIPPET_CHARS {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    out
}

fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Gzip with a fixed header (no name, no time), so the bytes depend only on the input. Level 6:
/// on a 10k site's 22 MB of shards and rows 1.5 % larger than level 9 in 40 % of its time.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::new(6));
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}
