//! Reading the index files and answering queries, in Rust, with the same semantics as the
//! browser client (`themes/default/static/search.js`): for round-trip, relevance and
//! ground-truth tests, for benchmarks (which files a query fetches), and for tools. What a
//! query matches and how it scores is in [`super::score`].
//!
//! - Filters: values of one facet field are alternatives (OR), fields combine with AND. A query
//!   with filters and no tokens lists every document that passes the filters.
//! - Order (relevance): hits before fallback hits, then score, largest first, then revenue
//!   rank (largest first; name rank where the index has no revenue column). Grade sorts break
//!   ties the same way; every sort keeps fallback hits last.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read as _;
use std::rc::Rc;

use serde_json::Value;

use super::build::{POSITIONAL, VERSION};
use super::paths;

/// Results on the first page of the client (`PAGE` in search.js): the cards a first query
/// fetches.
pub const PAGE: usize = 10;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Relevance,
    Revenue,
    Grade,
    Name,
}

impl Sort {
    pub fn parse(text: &str) -> Option<Sort> {
        match text {
            "" | "relevance" => Some(Sort::Relevance),
            "revenue" => Some(Sort::Revenue),
            "grade" => Some(Sort::Grade),
            "name" => Some(Sort::Name),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Query {
    pub text: String,
    /// Facet field → accepted values.
    pub filters: BTreeMap<String, Vec<String>>,
    pub sort: Sort,
}

impl Query {
    pub fn text(text: &str) -> Self {
        Query {
            text: text.to_string(),
            ..Query::default()
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub doc: u32,
    pub score: u32,
    /// The field class of the best match (what the card says was matched).
    pub class: u8,
    /// Found only by sound (a homophone of the query): "did you mean".
    pub fallback: bool,
}

/// Reads index files held in memory (as `build_index` returns them, or read from disk).
pub struct Reader<'a> {
    files: &'a BTreeMap<String, Vec<u8>>,
    pub docs: usize,
    pub chunk: usize,
    pub part: usize,
    pub parts: usize,
    pub shards: Vec<String>,
    pub facets: Vec<String>,
    /// The sorts offered (`revenue`, `grade`, `name`).
    pub sorts: Vec<String>,
    /// Blocks of code points with folding and reading tables (`search/z/<block>.json.gz`).
    pub blocks: Vec<u32>,
    /// The index's id: its files are under `search/<id>/`.
    pub id: String,
    /// Every file read so far, for measuring what a query fetches.
    pub fetched: RefCell<BTreeSet<String>>,
    cache: RefCell<HashMap<String, Rc<Value>>>,
    shards_cache: RefCell<HashMap<usize, Rc<Shard>>>,
}

/// One decoded term shard: per term, its postings (document, tier mask) in document order and
/// the key-field positions of each document that has them.
#[derive(Debug, Default)]
pub struct Shard {
    pub terms: BTreeMap<String, TermData>,
}

#[derive(Debug, Default)]
pub struct TermData {
    pub postings: Vec<(u32, u16)>,
    pub positions: HashMap<u32, Vec<u32>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("missing index file {0}")]
    Missing(String),
    #[error("index file {0} is damaged: {1}")]
    Damaged(String, String),
    #[error("index version {0} is not {VERSION}")]
    Version(u64),
}

type Postings = Vec<(u32, u16)>;

impl<'a> Reader<'a> {
    pub fn open(files: &'a BTreeMap<String, Vec<u8>>) -> Result<Self, ReadError> {
        let mut reader = Reader {
            files,
            docs: 0,
            chunk: 1,
            part: 1,
            parts: 1,
            shards: Vec::new(),
            facets: Vec::new(),
            sorts: Vec::new(),
            blocks: Vec::new(),
            id: String::new(),
            fetched: RefCell::new(BTreeSet::new()),
            cache: RefCell::new(HashMap::new()),
            shards_cache: RefCell::new(HashMap::new()),
        };
        let m = reader.json(paths::MANIFEST)?;
        let version = m["version"].as_u64().unwrap_or(0);
        if version != u64::from(VERSION) {
            return Err(ReadError::Version(version));
        }
        let num = |k: &str| m[k].as_u64().unwrap_or(1) as usize;
        reader.id = m["id"].as_str().unwrap_or_default().to_string();
        reader.docs = m["docs"].as_u64().unwrap_or(0) as usize;
        reader.chunk = num("chunk");
        reader.part = num("part");
        reader.parts = num("parts");
        reader.shards = strings(&m["shards"]);
        reader.facets = strings(&m["facets"]);
        reader.sorts = strings(&m["sorts"]);
        reader.blocks = m["z"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|b| b.as_u64().map(|b| b as u32))
            .collect();
        Ok(reader)
    }

    /// Where the index file `name` is, relative to the site root.
    pub fn at(&self, name: &str) -> String {
        paths::data_path(&self.id, name)
    }

    /// The decoded JSON of one file (gunzipped when its name ends in `.gz`), cached.
    pub fn json(&self, path: &str) -> Result<Rc<Value>, ReadError> {
        self.fetched.borrow_mut().insert(path.to_string());
        if let Some(v) = self.cache.borrow().get(path) {
            return Ok(v.clone());
        }
        let v = Rc::new(self.decode(path)?);
        self.cache.borrow_mut().insert(path.to_string(), v.clone());
        Ok(v)
    }

    /// Forgets which files were read (the cache stays).
    pub fn reset_fetched(&self) {
        self.fetched.borrow_mut().clear();
    }

    fn bytes(&self, path: &str) -> Result<Vec<u8>, ReadError> {
        let bytes = self
            .files
            .get(path)
            .ok_or_else(|| ReadError::Missing(path.to_string()))?;
        if path.ends_with(".gz") {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut out)
                .map_err(|e| ReadError::Damaged(path.to_string(), e.to_string()))?;
            Ok(out)
        } else {
            Ok(bytes.clone())
        }
    }

    fn decode(&self, path: &str) -> Result<Value, ReadError> {
        serde_json::from_slice(&self.bytes(path)?)
            .map_err(|e| ReadError::Damaged(path.to_string(), e.to_string()))
    }

    /// Bytes of the files read so far (as stored, i.e. compressed).
    pub fn fetched_bytes(&self) -> usize {
        self.fetched
            .borrow()
            .iter()
            .map(|p| self.files.get(p).map_or(0, Vec::len))
            .sum()
    }

    /// The shard that holds `term`, if any can.
    fn shard_of(&self, term: &str) -> usize {
        self.shards
            .partition_point(|first| first.as_str() <= term)
            .saturating_sub(1)
    }

    /// Term shard `i`, decoded.
    pub fn shard(&self, i: usize) -> Result<Rc<Shard>, ReadError> {
        let path = self.at(&paths::shard(i));
        self.fetched.borrow_mut().insert(path.clone());
        if let Some(s) = self.shards_cache.borrow().get(&i) {
            return Ok(s.clone());
        }
        let bytes = self.bytes(&path)?;
        let shard = Rc::new(
            decode_shard(&bytes).ok_or_else(|| ReadError::Damaged(path, "truncated".into()))?,
        );
        self.shards_cache.borrow_mut().insert(i, shard.clone());
        Ok(shard)
    }

    /// The postings of one term: (document, tier mask).
    pub fn postings(&self, term: &str) -> Result<Postings, ReadError> {
        if self.shards.is_empty() {
            return Ok(Vec::new());
        }
        let shard = self.shard(self.shard_of(term))?;
        Ok(shard
            .terms
            .get(term)
            .map(|t| t.postings.clone())
            .unwrap_or_default())
    }

    /// Every term that starts with `prefix`, with its postings.
    pub fn prefixed(&self, prefix: &str) -> Result<Vec<(String, Postings)>, ReadError> {
        let mut out = Vec::new();
        if self.shards.is_empty() {
            return Ok(out);
        }
        let mut i = self.shard_of(prefix);
        loop {
            let shard = self.shard(i)?;
            for (term, data) in shard.terms.range(prefix.to_string()..) {
                if !term.starts_with(prefix) {
                    break;
                }
                out.push((term.clone(), data.postings.clone()));
            }
            if i + 1 < self.shards.len() && self.shards[i + 1].starts_with(prefix) {
                i += 1;
            } else {
                break;
            }
        }
        Ok(out)
    }

    /// Positions in positional fields (codes `offset × 8 + class`) of a pair term, per
    /// document.
    pub(crate) fn positions(&self, term: &str) -> Result<HashMap<u32, Vec<u32>>, ReadError> {
        let shard = self.shard(self.shard_of(term))?;
        Ok(shard
            .terms
            .get(term)
            .map(|t| t.positions.clone())
            .unwrap_or_default())
    }

    /// The documents of `field`'s values (for filters and counts).
    pub fn facet(&self, field: &str) -> Result<BTreeMap<String, Vec<u32>>, ReadError> {
        let mut out: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for p in 0..self.parts {
            if let Value::Object(map) = &*self.json(&self.at(&paths::facet(field, p)))? {
                for (value, list) in map {
                    let mut cur = (p * self.part) as i64 - 1;
                    let docs = out.entry(value.clone()).or_default();
                    for delta in list.as_array().into_iter().flatten() {
                        cur += delta.as_i64().unwrap_or(0);
                        docs.push(cur as u32);
                    }
                }
            }
        }
        Ok(out)
    }

    /// A sort column (`revenue`, `grade`, `name`): one number per document.
    pub fn column(&self, key: &str) -> Result<Vec<i64>, ReadError> {
        let mut out = Vec::with_capacity(self.docs);
        for p in 0..self.parts {
            let v = self.json(&self.at(&paths::column(key, p)))?;
            out.extend(
                v.as_array()
                    .into_iter()
                    .flatten()
                    .map(|x| x.as_i64().unwrap_or(-1)),
            );
        }
        Ok(out)
    }

    /// The card of one document.
    pub fn card(&self, doc: u32) -> Result<Value, ReadError> {
        let chunk = doc as usize / self.chunk;
        let cards = self.json(&self.at(&paths::cards(chunk)))?;
        Ok(cards[doc as usize % self.chunk].clone())
    }

    /// The documents passing the filters of every field except `except`.
    fn filtered(
        &self,
        filters: &BTreeMap<String, Vec<String>>,
        except: Option<&str>,
    ) -> Result<Option<BTreeSet<u32>>, ReadError> {
        let mut allowed: Option<BTreeSet<u32>> = None;
        for (field, values) in filters {
            if Some(field.as_str()) == except || values.is_empty() {
                continue;
            }
            let facet = self.facet(field)?;
            let docs: BTreeSet<u32> = values
                .iter()
                .filter_map(|v| facet.get(v))
                .flatten()
                .copied()
                .collect();
            allowed = Some(match allowed {
                None => docs,
                Some(a) => a.intersection(&docs).copied().collect(),
            });
        }
        Ok(allowed)
    }

    /// Every hit of the query, in the order the client shows them.
    pub fn search(&self, query: &Query) -> Result<Vec<Hit>, ReadError> {
        let matches = self.evaluate(&query.text)?;
        let allowed = self.filtered(&query.filters, None)?;
        let mut hits: Vec<Hit> = match (matches, allowed) {
            (None, None) => return Ok(Vec::new()),
            (None, Some(a)) => a
                .into_iter()
                .map(|doc| Hit {
                    doc,
                    score: 0,
                    class: 0,
                    fallback: false,
                })
                .collect(),
            (Some(m), a) => m
                .into_iter()
                .filter(|h| a.as_ref().is_none_or(|a| a.contains(&h.doc)))
                .collect(),
        };
        // Ties follow the revenue rank, or the name rank where there is no revenue column.
        let tie_key = if self.sorts.iter().any(|s| s == "revenue") {
            "revenue"
        } else {
            "name"
        };
        let tie = if query.sort == Sort::Name {
            Vec::new()
        } else {
            self.column(tie_key)?
        };
        let rank = |column: &[i64], d: u32| match column.get(d as usize) {
            Some(v) if *v >= 0 => *v,
            _ => i64::MAX,
        };
        match query.sort {
            Sort::Relevance => {
                hits.sort_by_key(|h| (h.fallback, std::cmp::Reverse(h.score), rank(&tie, h.doc)))
            }
            Sort::Revenue => hits.sort_by_key(|h| (h.fallback, rank(&tie, h.doc))),
            Sort::Grade => {
                let grade = self.column("grade")?;
                hits.sort_by_key(|h| (h.fallback, rank(&grade, h.doc), rank(&tie, h.doc)));
            }
            Sort::Name => {
                let name = self.column("name")?;
                hits.sort_by_key(|h| (h.fallback, rank(&name, h.doc), h.doc));
            }
        }
        Ok(hits)
    }

    /// Facet counts of `field` for the query: over the documents that match the text
    /// (fallback hits included) and the filters of the other fields.
    pub fn counts(&self, query: &Query, field: &str) -> Result<BTreeMap<String, usize>, ReadError> {
        let matches: Option<BTreeSet<u32>> = self
            .evaluate(&query.text)?
            .map(|hits| hits.into_iter().map(|h| h.doc).collect());
        let allowed = self.filtered(&query.filters, Some(field))?;
        let facet = self.facet(field)?;
        let passes = |d: &u32| {
            matches.as_ref().is_none_or(|m| m.contains(d))
                && allowed.as_ref().is_none_or(|a| a.contains(d))
        };
        Ok(facet
            .into_iter()
            .map(|(v, docs)| (v, docs.iter().filter(|d| passes(d)).count()))
            .filter(|(_, n)| *n > 0)
            .collect())
    }
}

/// Decodes a term shard (format: `build::TermAcc`).
pub fn decode_shard(bytes: &[u8]) -> Option<Shard> {
    let mut r = Cursor { bytes, at: 0 };
    let n = r.varint()?;
    let mut shard = Shard::default();
    for _ in 0..n {
        let len = r.varint()? as usize;
        let term = std::str::from_utf8(r.take(len)?).ok()?.to_string();
        let data_len = r.varint()? as usize;
        let data_end = r.at + data_len;
        let mut data = TermData::default();
        let mut key_docs = Vec::new();
        for _ in 0..r.varint()? {
            let mask = u16::try_from(r.varint()?).ok()?;
            let mut doc: i64 = -1;
            for _ in 0..r.varint()? {
                doc += r.varint()? as i64;
                data.postings.push((doc as u32, mask));
                if mask & POSITIONAL != 0 {
                    key_docs.push(doc as u32);
                }
            }
        }
        data.postings.sort_unstable();
        let positions = r.varint()? as usize;
        let end = r.at + positions;
        if positions > 0 {
            for doc in key_docs {
                let mut list = Vec::new();
                let mut code = 0u32;
                for _ in 0..r.varint()? {
                    code += r.varint()? as u32;
                    list.push(code);
                }
                data.positions.insert(doc, list);
            }
        }
        if r.at != end || r.at != data_end {
            return None;
        }
        shard.terms.insert(term, data);
    }
    Some(shard)
}

/// Reads LEB128 varints and byte runs of a term shard (also for `update`).
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Cursor { bytes, at: 0 }
    }

    pub(crate) fn varint(&mut self) -> Option<u64> {
        let mut x = 0u64;
        let mut shift = 0;
        loop {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            x |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(x);
            }
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
    }

    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let out = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(out)
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}
