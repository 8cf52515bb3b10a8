// dossier search: a small, dependency-free client for the static index under search/.
// Design, file formats and scoring: docs/search.md. The query semantics are the Rust reader's
// (src/index/score.rs and query.rs); tests/it/search_js.rs checks that both give the same
// hits, scores and fetched bytes.
//
// On every page: `/` focuses the header search box, and the print handout gets the page's
// address. On the results page (an element with id
// `search-results`): reads ?q=, facet parameters (region, stage, grade, owner, industry, tag)
// and ?sort= from the URL, fetches only the shards of its terms and the cards it shows, and
// renders result cards (with the field that matched), facet counts, sort and paging; typing
// in the box searches after a short pause.
// `document.documentElement.dataset.searchReady` is "1" once results are on screen.

import {
  tokenize, normalizeWithMap, compareCodePoints, isHan, phoneDigits, phoneTerm, idQuery,
  legalPieces, pinyinQuery, wholeTerm, withinOneEdit, spellingsOf, PINYIN_MARK, WHOLE_MARK,
} from './search-tokenize.js';

export const VERSION = 4;
export const PAGE = 10;
// Field classes, by bit (src/index/fields.rs): weights and whole-value bonuses.
export const CLASSES = ['id', 'name', 'person', 'owner', 'city', 'region', 'tag', 'phone', 'email', 'text', 'pinyin'];
export const WEIGHTS = [60, 50, 40, 30, 26, 22, 22, 55, 34, 6, 14];
export const WHOLE_BONUS = [20, 0, 20, 12, 12, 12, 12, 20, 0, 0, 0];
const ID = 0;
const NAME = 1;
const TEXT_CLASS = 9;
const POSITIONAL = 0x7f;
const CLASS_BITS = 3;
const FLAG_START = 16;
const FLAG_END = 8;
const OFFSET_SHIFT = 5;
const EXACT_WORD = 2;
const LEGAL_PENALTY = 12;
const ALL_VALUES = 40;
const JOINED_VALUE = 30;
const SAME_FIELD = 15;
const TYPO_MIN = 5;
const SHARED_PAIR = 2;
const FEW = 10;
const BLOCK = 1024;
// The names of the index files (src/index/paths.rs): the manifest relative to the search
// folder, every other file relative to the index's own folder `<id>/` beside it.
export const PATHS = {
  manifest: 'index.json',
  shard: (i) => `t/${i}.bin.gz`,
  cards: (k) => `d/${k}.json.gz`,
  facet: (field, p) => `f/${field}-${p}.json.gz`,
  column: (key, p) => `s/${key}-${p}.json.gz`,
  tables: (block) => `z/${block}.json.gz`,
};
export const FACETS = ['region', 'stage', 'grade', 'owner', 'industry', 'tag'];
// Milliseconds without typing before the results follow the search box.
export const TYPING_PAUSE = 300;
export const SORTS = ['relevance', 'revenue', 'grade', 'name'];

// ---------------------------------------------------------------------------------------------
// Reading the index

async function gunzip(bytes) {
  // Files are gzip; a server that already sent them with Content-Encoding: gzip hands us the
  // plain bytes, so decompress only what still starts with the gzip magic.
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

class Cursor {
  constructor(bytes) {
    this.bytes = bytes;
    this.at = 0;
  }
  varint() {
    let x = 0;
    let scale = 1;
    for (;;) {
      const b = this.bytes[this.at++];
      if (b === undefined) throw new Error('truncated shard');
      x += (b & 0x7f) * scale;
      if (b < 0x80) return x;
      scale *= 128;
    }
  }
}

const utf8 = new TextDecoder();

// A term shard (format: src/index/build.rs, `TermAcc`): Map term -> byte range of its data,
// decoded when a query asks for the term.
function indexShard(bytes) {
  const r = new Cursor(bytes);
  const terms = new Map();
  const n = r.varint();
  for (let t = 0; t < n; t++) {
    const len = r.varint();
    const term = utf8.decode(bytes.subarray(r.at, r.at + len));
    r.at += len;
    const size = r.varint();
    terms.set(term, [r.at, r.at + size]);
    r.at += size;
  }
  if (r.at !== bytes.length) throw new Error('damaged shard');
  return { bytes, terms, decoded: new Map() };
}

// Key-field position codes of one term, decoded per document when asked (a common pair can
// have positions in every document; a query needs those of a few candidates).
class Positions {
  constructor(bytes, offsets) {
    this.bytes = bytes;
    this.offsets = offsets; // Map doc -> byte offset of its list
  }
  get(doc) {
    const at = this.offsets.get(doc);
    if (at === undefined) return undefined;
    const r = new Cursor(this.bytes);
    r.at = at;
    const count = r.varint();
    const codes = new Array(count);
    let code = 0;
    for (let i = 0; i < count; i++) {
      code += r.varint();
      codes[i] = code;
    }
    return codes;
  }
}

function growTo(array, size) {
  const out = new Float64Array(size);
  out.set(array);
  return out;
}

// {postings: {docs: Int32Array, masks: Uint16Array} by doc, positions: Positions (positional
// classes)}.
function decodeTerm(shard, term) {
  if (shard.decoded.has(term)) return shard.decoded.get(term);
  const range = shard.terms.get(term);
  if (!range) return null;
  const bytes = shard.bytes;
  const r = new Cursor(bytes);
  r.at = range[0];
  // Postings packed as doc * 65536 + mask, sorted by doc.
  const keyDocs = [];
  const groups = r.varint();
  let packed = null;
  let filled = 0;
  for (let g = 0; g < groups; g++) {
    const mask = r.varint();
    const count = r.varint();
    packed = packed ? growTo(packed, filled + count) : new Float64Array(count);
    let doc = -1;
    for (let i = 0; i < count; i++) {
      doc += r.varint();
      packed[filled++] = doc * 65536 + mask;
      if (mask & POSITIONAL) keyDocs.push(doc);
    }
  }
  packed = packed || new Float64Array(0);
  if (groups > 1) packed.sort();
  const postings = { docs: new Int32Array(packed.length), masks: new Uint16Array(packed.length) };
  for (let i = 0; i < packed.length; i++) {
    postings.docs[i] = Math.floor(packed[i] / 65536);
    postings.masks[i] = packed[i] % 65536;
  }
  const positionBytes = r.varint();
  const offsets = new Map();
  if (positionBytes > 0) {
    for (const doc of keyDocs) {
      offsets.set(doc, r.at);
      // Skip the list: a count, then that many varints.
      let count = r.varint();
      while (count > 0) {
        if (bytes[r.at++] < 0x80) count -= 1;
      }
    }
  }
  if (r.at !== range[1]) throw new Error(`damaged term ${term}`);
  const data = { postings, positions: new Positions(bytes, offsets) };
  shard.decoded.set(term, data);
  return data;
}

const decodeJson = (bytes) => JSON.parse(utf8.decode(bytes));

// One index, as named by the manifest it loaded first: its other files are under `<id>/`
// beside the manifest, so files of a later build (published under another id) never mix in.
export class SearchIndex {
  // `base`: absolute URL of the folder holding index.json (ends with '/').
  constructor(base, fetchImpl) {
    this.base = base;
    this.fetchImpl = fetchImpl || ((url, init) => fetch(url, init));
    this.cache = new Map();
    this.fetched = new Map(); // path -> bytes on the wire
  }

  async fetchBytes(path, init) {
    const response = await this.fetchImpl(new URL(path, this.base).href, init);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    const raw = new Uint8Array(await response.arrayBuffer());
    this.fetched.set(path, raw.length);
    return gunzip(raw);
  }

  load(path, decode) {
    if (!this.cache.has(path)) {
      const promise = this.fetchBytes(path).then(decode);
      this.cache.set(path, promise);
      promise.catch(() => this.cache.delete(path));
    }
    return this.cache.get(path);
  }

  async manifest() {
    const m = await this.load(PATHS.manifest, decodeJson);
    if (m.version !== VERSION) throw new Error(`search index version ${m.version}, expected ${VERSION}`);
    return m;
  }

  // A file of this index (`t/0.bin.gz`), decoded.
  async file(name, decode) {
    const { id } = await this.manifest();
    return this.load(`${id}/${name}`, decode);
  }

  async data(name) {
    return this.file(name, decodeJson);
  }

  // The id of the index the server has now, past any HTTP cache: differs from this one's
  // after a rebuild.
  async latestId() {
    return decodeJson(await this.fetchBytes(PATHS.manifest, { cache: 'no-cache' })).id;
  }

  async shardOf(term) {
    const { shards } = await this.manifest();
    // The last shard whose first term is <= term (code-point order, as Rust sorts).
    let lo = 0;
    let hi = shards.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareCodePoints(shards[mid], term) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo - 1);
  }

  shard(i) {
    return this.file(PATHS.shard(i), indexShard);
  }

  async term(term) {
    const { shards } = await this.manifest();
    if (shards.length === 0) return null;
    const shard = await this.shard(await this.shardOf(term));
    return decodeTerm(shard, term);
  }

  // Every term starting with `prefix`: [[term, data], ...].
  async prefixed(prefix) {
    const { shards } = await this.manifest();
    const out = [];
    if (shards.length === 0) return out;
    let i = await this.shardOf(prefix);
    for (;;) {
      const shard = await this.shard(i);
      for (const term of shard.terms.keys()) if (term.startsWith(prefix)) out.push([term, decodeTerm(shard, term)]);
      if (i + 1 < shards.length && shards[i + 1].startsWith(prefix)) i += 1;
      else break;
    }
    return out;
  }

  // Map value -> Int32Array of documents.
  async facet(field) {
    const m = await this.manifest();
    if (!m.facets.includes(field)) return new Map();
    const parts = await Promise.all(
      Array.from({ length: m.parts }, (_, p) => this.data(PATHS.facet(field, p))),
    );
    const lists = new Map();
    parts.forEach((part, p) => {
      for (const [value, deltas] of Object.entries(part)) {
        if (!lists.has(value)) lists.set(value, []);
        const docs = lists.get(value);
        let cur = p * m.part - 1;
        for (const d of deltas) {
          cur += d;
          docs.push(cur);
        }
      }
    });
    return new Map([...lists].map(([v, docs]) => [v, Int32Array.from(docs)]));
  }

  // One number per document (`revenue`, `grade`, `name`); -1 = none.
  async column(key) {
    const m = await this.manifest();
    const parts = await Promise.all(
      Array.from({ length: m.parts }, (_, p) => this.data(PATHS.column(key, p))),
    );
    return Int32Array.from(parts.flat());
  }

  async card(doc) {
    const m = await this.manifest();
    const chunk = await this.data(PATHS.cards(Math.floor(doc / m.chunk)));
    return chunk[doc % m.chunk];
  }

  fetchedBytes() {
    let n = 0;
    for (const v of this.fetched.values()) n += v;
    return n;
  }
}

// Queries (same semantics and the same fetches as src/index/score.rs)

const EMPTY = { docs: new Int32Array(0), masks: new Uint16Array(0) };

function better(a, b) {
  // (score, lower class) of `a` beats that of `b`.
  return a.score > b.score || (a.score === b.score && a.cls < b.cls);
}

// Keeps the better of two matches of a document; `whole` is kept if either was.
function keep(map, doc, m) {
  const old = map.get(doc);
  if (!old) {
    map.set(doc, { ...m });
    return;
  }
  if (better(m, old)) {
    old.score = m.score;
    old.cls = m.cls;
  }
  old.whole = old.whole || m.whole;
}

// The best class of a mask: {score, cls} or null.
function best(mask, points) {
  let out = null;
  for (let c = 0; c < CLASSES.length; c++) {
    if (!(mask & (1 << c))) continue;
    const p = points(c);
    if (!out || p > out.score) out = { score: p, cls: c };
  }
  return out;
}

function addPostings(map, postings, whole, points) {
  const { docs, masks } = postings;
  for (let i = 0; i < docs.length; i++) {
    const b = best(masks[i], points);
    if (b) keep(map, docs[i], { score: b.score, cls: b.cls, whole });
  }
}

const weight = (c) => WEIGHTS[c];
const withWhole = (c) => WEIGHTS[c] + WHOLE_BONUS[c];
const isWholeOrSpaced = (term) => term.includes(WHOLE_MARK) || term.includes(' ');

async function postingsOf(index, term) {
  const data = await index.term(term);
  return data ? data.postings : EMPTY;
}

async function addWhole(index, map, key) {
  addPostings(map, await postingsOf(index, key), true, withWhole);
}

// The class masks where the pairs occur in a row in `doc`, and where they are a whole field.
function verify(positions, doc) {
  const first = positions[0].get(doc);
  if (!first) return [0, 0];
  const classOf = (code) => code & ((1 << CLASS_BITS) - 1);
  let mask = 0;
  let whole = 0;
  outer: for (const code of first) {
    const offset = code >>> OFFSET_SHIFT;
    let last = code;
    for (let i = 1; i < positions.length; i++) {
      const list = positions[i].get(doc);
      if (!list) continue outer;
      const want = offset + i;
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid] >>> OFFSET_SHIFT < want) lo = mid + 1;
        else hi = mid;
      }
      let next = -1;
      for (let k = lo; k < list.length && list[k] >>> OFFSET_SHIFT === want; k++) {
        if (classOf(list[k]) === classOf(code)) {
          next = list[k];
          break;
        }
      }
      if (next < 0) continue outer;
      last = next;
    }
    mask |= 1 << classOf(code);
    if (code & FLAG_START && last & FLAG_END) whole |= 1 << classOf(code);
  }
  return [mask, whole];
}

// Documents where a Han run of two or more characters occurs: [[doc, mask, wholeMask]].
async function run(index, chars) {
  const pairs = [];
  for (let i = 0; i + 1 < chars.length; i++) pairs.push(chars[i] + chars[i + 1]);
  const datas = [];
  for (const p of pairs) datas.push(await index.term(p));
  let candidates = null;
  for (const data of datas) {
    const { docs, masks } = data ? data.postings : EMPTY;
    const next = new Map();
    for (let i = 0; i < docs.length; i++) {
      if (candidates === null) next.set(docs[i], masks[i]);
      else if (candidates.has(docs[i])) next.set(docs[i], candidates.get(docs[i]) & masks[i]);
    }
    candidates = next;
  }
  const out = [];
  if (!candidates || candidates.size === 0) return out;
  const positions = datas.map((d) => d.positions);
  const docs = [...candidates.keys()].sort((a, b) => a - b);
  for (const doc of docs) {
    const [found, whole] = verify(positions, doc);
    const mask = found | (candidates.get(doc) & ~POSITIONAL);
    if (mask !== 0) out.push([doc, mask, whole]);
  }
  return out;
}

async function typos(index, map, word) {
  for (const [term, data] of await index.prefixed(word[0])) {
    const t = Array.from(term);
    if (t.length + 1 < TYPO_MIN || isWholeOrSpaced(term) || !withinOneEdit(word, t)) continue;
    addPostings(map, data.postings, false, (c) => Math.floor(WEIGHTS[c] / 2));
  }
}

async function legal(index, map, pieces) {
  const name = 1 << NAME;
  let docs = null;
  for (const piece of pieces) {
    const chars = Array.from(piece);
    let found = [];
    if (chars.length === 1) {
      const { docs: ds, masks } = await postingsOf(index, piece);
      for (let i = 0; i < ds.length; i++) if (masks[i] & name) found.push(ds[i]);
    } else {
      found = (await run(index, chars)).filter(([, m]) => m & name).map(([d]) => d);
    }
    docs = docs === null ? found : docs.filter((d) => found.includes(d));
  }
  for (const doc of docs || []) keep(map, doc, { score: WEIGHTS[NAME] - LEGAL_PENALTY, cls: NAME, whole: false });
}

async function tokenMatches(index, token, last) {
  const map = new Map();
  const chars = Array.from(token.text);
  if (token.kind === 'word' && chars.length >= 2) {
    for (const [term, data] of await index.prefixed(token.text)) {
      if (isWholeOrSpaced(term)) continue;
      const bonus = term === token.text ? EXACT_WORD : 0;
      addPostings(map, data.postings, false, (c) => WEIGHTS[c] + bonus);
    }
    if (map.size < FEW && chars.length >= TYPO_MIN && chars.every((c) => c >= 'a' && c <= 'z')) {
      await typos(index, map, chars);
    }
  } else if (token.kind === 'word') {
    addPostings(map, await postingsOf(index, token.text), false, (c) => WEIGHTS[c] + EXACT_WORD);
  } else if (chars.length === 1 && last) {
    for (const [term, data] of await index.prefixed(token.text)) {
      if (!isWholeOrSpaced(term)) addPostings(map, data.postings, false, weight);
    }
  } else if (chars.length === 1) {
    addPostings(map, await postingsOf(index, token.text), false, weight);
  } else {
    for (const [doc, mask, whole] of await run(index, chars)) {
      addPostings(map, { docs: [doc], masks: [mask] }, false, weight);
      addPostings(map, { docs: [doc], masks: [whole] }, true, withWhole);
    }
  }
  if (token.kind === 'han') {
    const pieces = legalPieces(token.text);
    if (pieces) await legal(index, map, pieces);
  }
  if (token.kind === 'word' || chars.length === 1) await addWhole(index, map, token.text + WHOLE_MARK);
  return map;
}

function merge(hits, doc, hit) {
  const old = hits.get(doc);
  if (!old) hits.set(doc, hit);
  else if (better(hit, old)) {
    old.score = hit.score;
    old.cls = hit.cls;
  }
}

const SINGLE_INSTANCE = [0, 1, 3, 4, 5]; // id, name, owner, city, region

// The matches of the query as typed: Map doc -> {score, cls, fallback}.
async function exact(index, text, tokens) {
  const perToken = [];
  for (let i = 0; i < tokens.length; i++) perToken.push(await tokenMatches(index, tokens[i], i + 1 === tokens.length));
  const joined = new Map();
  if (tokens.length >= 2) {
    const key = wholeTerm(text);
    if (key) await addWhole(index, joined, key);
  }
  const hits = new Map();
  const [first, ...rest] = perToken;
  docs: for (const [doc, m] of first) {
    let score = m.score;
    let top = m;
    let allWhole = m.whole;
    let sameClass = true;
    for (const other of rest) {
      const o = other.get(doc);
      if (!o) continue docs;
      score += o.score;
      allWhole = allWhole && o.whole;
      sameClass = sameClass && o.cls === m.cls;
      if (better(o, top)) top = o;
    }
    if (rest.length > 0) {
      if (allWhole) score += ALL_VALUES;
      if (joined.has(doc)) score += JOINED_VALUE;
      if (sameClass && SINGLE_INSTANCE.includes(m.cls)) score += SAME_FIELD;
    }
    hits.set(doc, { score, cls: top.cls, fallback: false });
  }
  const alternatives = new Map();
  const digits = phoneDigits(text);
  if (digits !== null) {
    const query = phoneTerm(digits);
    for (const [term, data] of await index.prefixed(query)) {
      const whole = term === query;
      addPostings(alternatives, data.postings, whole, (c) => WEIGHTS[c] + (whole ? WHOLE_BONUS[c] : 0));
    }
  }
  const id = idQuery(text);
  if (id) {
    const bit = 1 << ID;
    let withLetters = null;
    if (id[0] !== '') {
      const letters = await postingsOf(index, id[0]);
      withLetters = new Set();
      for (let i = 0; i < letters.docs.length; i++) if (letters.masks[i] & bit) withLetters.add(letters.docs[i]);
    }
    const number = await postingsOf(index, id[1]);
    const docs = [];
    for (let i = 0; i < number.docs.length; i++) {
      if (number.masks[i] & bit && (!withLetters || withLetters.has(number.docs[i]))) docs.push(number.docs[i]);
    }
    addPostings(alternatives, { docs, masks: docs.map(() => bit) }, true, withWhole);
  }
  const letters = pinyinQuery(text);
  if (letters !== null) {
    const query = PINYIN_MARK + letters;
    for (const [term, data] of await index.prefixed(query)) {
      const bonus = term === query ? EXACT_WORD : 0;
      addPostings(alternatives, data.postings, false, (c) => WEIGHTS[c] + bonus);
    }
  }
  for (const [doc, m] of alternatives) merge(hits, doc, { score: m.score, cls: m.cls, fallback: false });
  return hits;
}

function strong(hits) {
  if (hits.size >= FEW) return true;
  for (const h of hits.values()) if (h.cls !== TEXT_CLASS) return true;
  return false;
}

// The folding and reading tables of the Han characters of `tokens` (files z/<block>).
async function tables(index, tokens) {
  const m = await index.manifest();
  const blocks = new Set();
  for (const t of tokens) {
    for (const c of t.text) {
      const cp = c.codePointAt(0);
      if (isHan(cp) && m.z.includes(Math.floor(cp / BLOCK))) blocks.add(Math.floor(cp / BLOCK));
    }
  }
  const folded = new Map();
  const readings = new Map();
  for (const block of [...blocks].sort((a, b) => a - b)) {
    const data = await index.data(PATHS.tables(block));
    const pairs = Array.from(data.t || '');
    for (let i = 0; i + 1 < pairs.length; i += 2) folded.set(pairs[i], pairs[i + 1]);
    for (const [c, r] of Object.entries(data.p || {})) readings.set(c, r.split(' '));
  }
  return { folded, readings };
}

// Every document the query text matches (fallbacks included): Map doc -> {score, cls,
// fallback}, or null when the text has no tokens. Remembered per index and text: the facet
// counts of a results page ask for the same query six times.
export function evaluate(index, text) {
  if (!index.evaluated) index.evaluated = new Map();
  if (!index.evaluated.has(text)) {
    const promise = evaluateOnce(index, text);
    index.evaluated.set(text, promise);
    promise.catch(() => index.evaluated.delete(text));
  }
  return index.evaluated.get(text);
}

async function evaluateOnce(index, text) {
  const tokens = tokenize(text);
  if (tokens.length === 0) return null;
  const hits = await exact(index, text, tokens);
  if (strong(hits) || !tokens.some((t) => t.kind === 'han')) return hits;
  const t = await tables(index, tokens);
  const folded = Array.from(text).map((c) => t.folded.get(c) || c).join('');
  if (folded !== text) {
    for (const [doc, hit] of await exact(index, folded, tokenize(folded))) merge(hits, doc, hit);
  }
  if (!strong(hits)) {
    const foldedTokens = tokenize(folded);
    if (foldedTokens.every((tk) => tk.kind === 'han')) {
      const readings = foldedTokens.flatMap((tk) => Array.from(tk.text)).map((c) => t.readings.get(c) || []);
      const sounds = new Map();
      for (const spelling of spellingsOf(readings)[0]) {
        for (const [, data] of await index.prefixed(PINYIN_MARK + spelling)) addPostings(sounds, data.postings, false, weight);
      }
      // Among names that sound the same, those that share more of the query's pairs first.
      const shared = new Map();
      for (const tk of foldedTokens) {
        const chars = Array.from(tk.text);
        for (let i = 0; i + 1 < chars.length; i++) {
          const { docs, masks } = await postingsOf(index, chars[i] + chars[i + 1]);
          for (let k = 0; k < docs.length; k++) {
            if (masks[k] & (1 << NAME) && sounds.has(docs[k])) shared.set(docs[k], (shared.get(docs[k]) || 0) + SHARED_PAIR);
          }
        }
      }
      for (const [doc, m] of sounds) {
        if (!hits.has(doc)) hits.set(doc, { score: m.score + (shared.get(doc) || 0), cls: m.cls, fallback: true });
      }
    }
  }
  return hits;
}

// Uint8Array marks (1 = passes) of the filters of every field but `except`, or null.
async function filtered(index, filters, except) {
  const m = await index.manifest();
  let allowed = null;
  for (const [field, values] of Object.entries(filters)) {
    if (field === except || values.length === 0) continue;
    const facet = await index.facet(field);
    const marks = new Uint8Array(m.docs);
    for (const v of values) for (const d of facet.get(v) || []) marks[d] = 1;
    if (allowed) for (let d = 0; d < m.docs; d++) allowed[d] &= marks[d];
    else allowed = marks;
  }
  return allowed;
}

// The documents in the order a sort lists equal hits: by name for the name sort, otherwise by
// revenue rank (the best-known customers first), or by name in an index without revenue.
async function displayOrder(index, sort) {
  const m = await index.manifest();
  const key = sort !== 'name' && m.sorts.includes('revenue') ? 'revenue' : 'name';
  const rank = await index.column(key);
  const n = m.docs;
  const order = new Int32Array(n).fill(-1);
  for (let d = 0; d < n; d++) if (rank[d] >= 0 && rank[d] < n) order[rank[d]] = d;
  return order;
}

// Every hit, in display order: [{doc, score, cls, fallback}]. Fallback hits come last in every
// sort. Sorting is by buckets, in linear time.
export async function search(index, query) {
  const filters = query.filters || {};
  const [matched, allowed, m] = await Promise.all([
    evaluate(index, query.q || ''),
    filtered(index, filters, null),
    index.manifest(),
  ]);
  if (!matched && !allowed) return [];
  const order = await displayOrder(index, query.sort || 'relevance');
  const n = m.docs;
  const hitOf = (d) => {
    if (allowed && allowed[d] !== 1) return null;
    if (!matched) return { doc: d, score: 0, cls: 0, fallback: false };
    const h = matched.get(d);
    return h ? { doc: d, score: h.score, cls: h.cls, fallback: h.fallback } : null;
  };
  const sort = query.sort || 'relevance';
  const hits = [];
  if (sort === 'name' || sort === 'revenue') {
    const later = [];
    for (let r = 0; r < n; r++) {
      const d = order[r];
      const h = d >= 0 ? hitOf(d) : null;
      if (h) (h.fallback ? later : hits).push(h);
    }
    return hits.concat(later);
  }
  // Buckets of documents in tie order, keyed by score or grade.
  let key = () => 0;
  if (sort === 'grade') {
    const grade = await index.column('grade');
    key = (h) => (grade[h.doc] >= 0 ? grade[h.doc] : 1e9);
  } else if (sort === 'relevance' && matched) {
    key = (h) => -h.score;
  }
  const buckets = new Map();
  for (let r = 0; r < n; r++) {
    const d = order[r];
    const h = d >= 0 ? hitOf(d) : null;
    if (!h) continue;
    const k = (h.fallback ? 1e12 : 0) + key(h);
    let b = buckets.get(k);
    if (!b) buckets.set(k, (b = []));
    b.push(h);
  }
  for (const k of [...buckets.keys()].sort((a, b) => a - b)) hits.push(...buckets.get(k));
  return hits;
}

// Counts of `field`'s values over the documents matching the text and the other filters.
export async function counts(index, query, field) {
  const filters = query.filters || {};
  const [matched, allowed, facet] = await Promise.all([
    evaluate(index, query.q || ''),
    filtered(index, filters, field),
    index.facet(field),
  ]);
  const out = new Map();
  for (const [value, docs] of facet) {
    let c = 0;
    for (const d of docs) if ((!matched || matched.has(d)) && (!allowed || allowed[d])) c += 1;
    if (c > 0) out.set(value, c);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Highlighting

// HTML of `text` with the places that match the query tokens in <mark>.
export function highlight(text, tokens) {
  const { chars, map } = normalizeWithMap(text);
  const isWordChar = (c) => c !== undefined && /[\p{Alphabetic}\p{N}]/u.test(c);
  const ranges = [];
  for (const token of tokens) {
    const t = Array.from(token.text);
    for (let i = 0; i + t.length <= chars.length; i++) {
      let same = true;
      for (let j = 0; j < t.length && same; j++) same = chars[i + j] === t[j];
      if (!same) continue;
      if (token.kind === 'word') {
        if (isWordChar(chars[i - 1])) continue;
        if (t.length === 1 && isWordChar(chars[i + 1])) continue;
      }
      ranges.push([map[i], map[i + t.length]]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  let html = '';
  let at = 0;
  for (const [start, end] of ranges) {
    if (end <= at) continue;
    const s = Math.max(start, at);
    html += escapeHtml(text.slice(at, s)) + '<mark>' + escapeHtml(text.slice(s, end)) + '</mark>';
    at = end;
  }
  return html + escapeHtml(text.slice(at));
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// ---------------------------------------------------------------------------------------------
// The page

export const TEXT = {
  zh: {
    results: (n, q) => (q ? `“${q}”：${n} 条结果` : `${n} 条结果`),
    none: (q) => (q ? `没有找到“${q}”。` : '没有符合筛选条件的记录。'),
    hint: '试试更短的片段（两个字就够，如“华东”“东医”）、拼音（huadong）或首字母（hdyy）、电话号码的后几位、编号（2350），或去掉筛选条件。',
    empty: '输入公司名称的任意片段、拼音、城市、客户经理、联系人、电话、邮箱、编号或英文单词。',
    matched: { id: '编号', person: '联系人', phone: '电话', email: '邮箱/网址', pinyin: '拼音', tag: '标签' },
    soundsLike: '读音相近',
    didYouMean: '您是不是要找：',
    error: '搜索索引无法读取：',
    sort: '排序',
    more: '更多结果',
    clear: '清除筛选',
    facets: { region: '区域', stage: '阶段', grade: '信用等级', owner: '客户经理', industry: '行业', tag: '标签' },
    sorts: { relevance: '相关度', revenue: '销售额', grade: '信用等级', name: '名称' },
    stages: { prospect: '潜在客户', qualified: '准客户', active: '成交客户', lost: '流失客户' },
    playbook: '手册',
    unrated: '未评级',
    loading: '加载中…',
  },
  en: {
    results: (n, q) => (q ? `${n} result${n === 1 ? '' : 's'} for “${q}”` : `${n} result${n === 1 ? '' : 's'}`),
    none: (q) => (q ? `Nothing found for “${q}”.` : 'No record matches these filters.'),
    hint: 'Try a shorter fragment (two Chinese characters are enough), pinyin (huadong) or initials (hdyy), the last digits of a phone, an id (2350), the start of an English word, or fewer filters.',
    empty: 'Type any fragment of a company name, pinyin, a city, an account manager, a contact, a phone, an email, an id or an English word.',
    matched: { id: 'Id', person: 'Contact', phone: 'Phone', email: 'Email/website', pinyin: 'Pinyin', tag: 'Tag' },
    soundsLike: 'sounds like',
    didYouMean: 'Did you mean',
    error: 'The search index cannot be read: ',
    sort: 'Sort by',
    more: 'More results',
    clear: 'Clear filters',
    facets: { region: 'Region', stage: 'Stage', grade: 'Grade', owner: 'Account manager', industry: 'Industry', tag: 'Tag' },
    sorts: { relevance: 'Relevance', revenue: 'Revenue', grade: 'Grade', name: 'Name' },
    stages: { prospect: 'Prospect', qualified: 'Qualified', active: 'Active', lost: 'Lost' },
    playbook: 'Playbook',
    unrated: 'Unrated',
    loading: 'Loading…',
  },
};

function strings() {
  const lang = (typeof document !== 'undefined' && document.documentElement.lang) || 'zh';
  return lang.toLowerCase().startsWith('zh') ? TEXT.zh : TEXT.en;
}

// `x` with at most `digits` decimals and thousands separators (the same in zh-CN and en),
// rounded half away from zero on the decimal a person reads, as src/decimal.rs does (2.675 →
// 2.68, where toFixed gives 2.67). Written by hand: the first Intl.NumberFormat of a page
// loads the locale's data, about 40 ms of a cold results page on a slow machine.
export function grouped(x, digits) {
  const readable = Number(Math.abs(x).toPrecision(15));
  const scaled = Math.round(Number(`${readable}e${digits}`));
  let text = Number.isFinite(scaled) ? (scaled / 10 ** digits).toFixed(digits) : Math.abs(x).toFixed(digits);
  if (digits > 0) text = text.replace(/0+$/, '').replace(/\.$/, '');
  const [int, frac] = text.split('.');
  const sign = x < 0 && /[1-9]/.test(text) ? '-' : '';
  return sign + int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? `.${frac}` : '');
}

// Money as the site's pages write it (src/render/format.rs `money`): in Chinese with 万 and
// 亿 and up to two decimals, in English whole with thousands separators.
export function money(value, zh) {
  if (typeof value !== 'number') return '';
  const abs = Math.abs(value);
  if (zh) {
    if (abs >= 1e8) return `${grouped(value / 1e8, 2)}亿`;
    if (abs >= 1e4) return `${grouped(value / 1e4, 2)}万`;
  }
  return grouped(value, 0);
}

// A grade as the site shows it: the index stores `unrated`, the pages say 未评级 / Unrated.
export function gradeLabel(grade, T) {
  return grade === 'unrated' ? T.unrated : grade;
}

// The query in the URL: {q, filters: {field: [values]}, sort}.
export function readQuery(search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const field of FACETS) {
    const values = params.getAll(field).filter((v) => v !== '');
    if (values.length) filters[field] = values;
  }
  const sort = SORTS.includes(params.get('sort')) ? params.get('sort') : 'relevance';
  return { q: (params.get('q') || '').trim(), filters, sort };
}

export function writeQuery(query) {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  for (const field of FACETS) for (const v of query.filters[field] || []) params.append(field, v);
  if (query.sort && query.sort !== 'relevance') params.set('sort', query.sort);
  const s = params.toString();
  return s ? `?${s}` : '?';
}

const STYLE = `
.search-summary { margin: .5rem 0 1rem; }
.search-layout { display: grid; grid-template-columns: minmax(12rem, 16rem) 1fr; gap: 1.5rem; align-items: start; }
@media (max-width: 48rem) {
  .search-layout { display: flex; flex-direction: column; }
  /* On a phone the results come first, the facets after them. */
  .search-facets { order: 2; }
}
.search-facets details { border-bottom: 1px solid var(--line, #d0d7de); padding: .4rem 0; }
.search-facets summary { cursor: pointer; font-weight: 600; }
.search-facets ul { list-style: none; margin: .4rem 0; padding: 0; max-height: 16rem; overflow: auto; }
.search-facets a { text-decoration: none; display: flex; justify-content: space-between; gap: .5rem; padding: .1rem .25rem; border-radius: 4px; }
.search-facets a[aria-current="true"] { background: var(--accent, #0550ae); color: var(--accent-fg, #fff); }
.search-facets .count { color: var(--muted, #57606a); font-variant-numeric: tabular-nums; }
/* On the selected value the count keeps the full contrast of its label. */
.search-facets a[aria-current="true"] .count { color: inherit; }
.search-toolbar { display: flex; justify-content: flex-end; gap: .5rem; margin-bottom: .5rem; }
.search-list { list-style: none; margin: 0; padding: 0; }
.search-card { padding: .75rem 0; border-bottom: 1px solid var(--line, #d0d7de); }
.search-card h2 { margin: 0 0 .25rem; font-size: 1.05rem; }
.search-card a:focus { outline: 3px solid var(--accent, #0550ae); outline-offset: 2px; }
.search-card .meta { display: flex; flex-wrap: wrap; gap: .4rem .8rem; color: var(--muted, #57606a); font-size: .875rem; }
.search-card .snippet { margin: .3rem 0 0; }
.search-card .matched { margin: .3rem 0 0; font-size: .875rem; }
.search-card .matched .label { color: var(--muted, #57606a); }
.search-card .badge.sounds { font-style: italic; }
.search-guess { margin: -.5rem 0 1rem; }
.search-card mark { background: #fff1a8; color: inherit; padding: 0 .05em; }
@media (prefers-color-scheme: dark) { .search-card mark { background: #e3b341; color: #0d1117; } }
.search-more { margin-top: 1rem; }
`;

function installStyle() {
  if (document.getElementById('search-style')) return;
  const style = document.createElement('style');
  style.id = 'search-style';
  style.textContent = STYLE;
  document.head.append(style);
}

function searchBox() {
  return document.querySelector('#search-input') ||
    document.querySelector('form[role="search"] input[name="q"]');
}

// The folder of index.json: data-index on the results element, else the header search form's
// action (the results page is <base>search/, the index sits beside it), else next to ../search/
// from this script.
function indexBase(results) {
  const explicit = results && results.dataset.index;
  if (explicit) return new URL(explicit, location.href).href;
  const box = searchBox();
  const form = box && box.form;
  if (form && form.getAttribute('action')) return new URL(form.getAttribute('action'), location.href).href;
  return new URL('../search/', import.meta.url).href;
}

function ready(value) {
  document.documentElement.dataset.searchReady = value;
}

// The line that says what matched when it is not on the card already: an id, a contact, a
// phone's last digits, an email or website, pinyin, a tag.
function matchedHtml(hit, card, q, tokens, T) {
  const label = T.matched[CLASSES[hit.cls]];
  if (!label || hit.fallback) return '';
  let value;
  if (CLASSES[hit.cls] === 'phone') {
    const digits = phoneDigits(q) || '';
    value = escapeHtml(`…${digits.slice(-4)}`);
  } else value = `<mark>${escapeHtml(q)}</mark>`;
  return `<p class="matched"><span class="label">${escapeHtml(label)}</span> ${value}</p>`;
}

function cardHtml(card, hit, q, tokens, T, zh) {
  const parts = [];
  if (hit.fallback) parts.push(`<span class="badge sounds">${escapeHtml(T.soundsLike)}</span>`);
  if (card.k === 'p') parts.push(`<span class="badge">${escapeHtml(T.playbook)}</span>`);
  if (card.g) parts.push(`<span class="badge grade grade-${escapeHtml(card.g)}" title="${escapeHtml(T.facets.grade)}">${escapeHtml(gradeLabel(card.g, T))}</span>`);
  if (card.s) parts.push(`<span class="badge stage stage-${escapeHtml(card.s)}">${escapeHtml(T.stages[card.s] || card.s)}</span>`);
  if (card.o) parts.push(`<span class="owner">${highlight(card.o, tokens)}</span>`);
  if (card.c) parts.push(`<span class="city">${highlight(card.c, tokens)}</span>`);
  if (card.r) parts.push(`<span class="region">${highlight(card.r, tokens)}</span>`);
  if (typeof card.v === 'number') parts.push(`<span class="revenue">${escapeHtml(money(card.v, zh))}</span>`);
  return `<li class="search-card${hit.fallback ? ' fallback' : ''}"><h2><a href="${escapeHtml(card.u)}">${highlight(card.n, tokens)}</a></h2>` +
    `<div class="meta">${parts.join('')}</div>` + matchedHtml(hit, card, q, tokens, T) +
    (card.x ? `<p class="snippet">${highlight(card.x, tokens)}</p>` : '') + '</li>';
}

class Page {
  constructor(root) {
    this.root = root;
    this.index = new SearchIndex(indexBase(root));
    this.T = strings();
    this.zh = this.T === TEXT.zh;
    // Facet panels the reader closed (all are open at first).
    this.closed = new Set();
    this.run = 0;
  }

  // Starts over with the index the server has now, if it is not the one loaded: after a
  // rebuild (the preview announces the new id) or when a file of this index has gone.
  async renewIndex(id) {
    const loaded = await this.index.manifest().then((m) => m.id, () => null);
    const latest = id || await this.index.latestId().catch(() => loaded);
    if (latest === loaded) return false;
    this.index = new SearchIndex(this.index.base);
    return true;
  }

  navigate(query, push) {
    const url = location.pathname + writeQuery(query);
    if (push) history.pushState(null, '', url);
    this.render(query);
  }

  async render(query, renewed) {
    const run = ++this.run;
    const started = performance.now();
    ready('0');
    const T = this.T;
    const box = searchBox();
    if (box && document.activeElement !== box) box.value = query.q;
    for (const field of Object.keys(query.filters)) this.closed.delete(field);
    const hasFilters = Object.keys(query.filters).length > 0;
    if (!query.q && !hasFilters) {
      this.root.innerHTML = `<p class="search-summary">${escapeHtml(T.empty)}</p>`;
      ready('1');
      return;
    }
    let hits;
    let cards;
    try {
      hits = await search(this.index, query);
      cards = await Promise.all(hits.slice(0, PAGE).map((h) => this.index.card(h.doc)));
    } catch (e) {
      if (run !== this.run) return;
      if (!renewed && await this.renewIndex()) {
        if (run === this.run) this.render(query, true);
        return;
      }
      this.root.innerHTML = `<p class="search-summary" role="alert">${escapeHtml(T.error + e.message)}</p>`;
      ready('1');
      return;
    }
    if (run !== this.run) return;
    const tokens = tokenize(query.q);

    // Only hits by sound: say so, and offer the first of them as what was meant.
    const guess = hits.length > 0 && hits[0].fallback
      ? `<p class="search-guess">${escapeHtml(T.none(query.q))} ${escapeHtml(T.didYouMean)} ` +
        `<a href="${escapeHtml(writeQuery({ q: cards[0].n, filters: {}, sort: query.sort }))}">${escapeHtml(cards[0].n)}</a></p>`
      : '';
    const summary = hits.length
      ? `<p class="search-summary" role="status">${escapeHtml(T.results(hits.length, query.q))}</p>${guess}`
      : `<div class="search-summary search-none" role="status"><p>${escapeHtml(T.none(query.q))}</p><p>${escapeHtml(T.hint)}</p></div>`;
    // Every facet open with its counts: they load right after the results are on screen.
    // Only what this site's index has: an audience's site that hides credit has no grades.
    const manifest = await this.index.manifest();
    if (run !== this.run) return;
    const facetHtml = FACETS.filter((field) => manifest.facets.includes(field)).map((field) =>
      `<details data-field="${field}"${this.closed.has(field) ? '' : ' open'}><summary>${escapeHtml(T.facets[field])}</summary><ul aria-busy="true"></ul></details>`,
    ).join('');
    const sortHtml = SORTS.filter((s) => s === 'relevance' || manifest.sorts.includes(s)).map((s) =>
      `<option value="${s}"${s === query.sort ? ' selected' : ''}>${escapeHtml(T.sorts[s])}</option>`,
    ).join('');
    const clear = hasFilters ? `<a class="search-clear" href="${escapeHtml(writeQuery({ q: query.q, filters: {}, sort: query.sort }))}">${escapeHtml(T.clear)}</a>` : '';
    if (hits.length === 0) {
      // Nothing to narrow or sort: the hint, and a way out of the filters.
      this.root.innerHTML = summary + (clear ? `<p>${clear}</p>` : '');
      this.root.dataset.total = '0';
      this.root.dataset.ms = (performance.now() - started).toFixed(1);
      this.root.dataset.at = performance.now().toFixed(1);
      this.root.dataset.bytes = String(this.index.fetchedBytes());
      ready('1');
      return;
    }
    this.root.innerHTML = summary +
      `<div class="search-layout"><aside class="search-facets">${clear}${facetHtml}</aside>` +
      `<div class="search-main"><div class="search-toolbar"><label>${escapeHtml(T.sort)} <select name="sort">${sortHtml}</select></label></div>` +
      `<ol class="search-list">${cards.map((c, i) => cardHtml(c, hits[i], query.q, tokens, T, this.zh)).join('')}</ol>` +
      (hits.length > PAGE ? `<button type="button" class="search-more">${escapeHtml(T.more)}</button>` : '') +
      '</div></div>';
    this.root.dataset.total = String(hits.length);
    this.root.dataset.ms = (performance.now() - started).toFixed(1);
    this.root.dataset.at = performance.now().toFixed(1);
    this.root.dataset.bytes = String(this.index.fetchedBytes());

    this.root.querySelector('select[name="sort"]').addEventListener('change', (e) => {
      this.navigate({ ...query, sort: e.target.value }, true);
    });
    const more = this.root.querySelector('.search-more');
    let next = PAGE;
    if (more) {
      more.addEventListener('click', async () => {
        const page = hits.slice(next, next + PAGE * 2);
        next += page.length;
        const more_cards = await Promise.all(page.map((h) => this.index.card(h.doc)));
        if (run !== this.run) return;
        const list = this.root.querySelector('.search-list');
        const first = list.children.length;
        list.insertAdjacentHTML('beforeend', more_cards.map((c, i) => cardHtml(c, page[i], query.q, tokens, T, this.zh)).join(''));
        const link = list.children[first] && list.children[first].querySelector('a');
        if (link) link.focus();
        if (next >= hits.length) more.remove();
      });
    }
    for (const details of this.root.querySelectorAll('.search-facets details')) {
      details.addEventListener('toggle', () => {
        if (details.open) {
          this.closed.delete(details.dataset.field);
          this.fillFacet(details, query, run);
        } else {
          this.closed.add(details.dataset.field);
        }
      });
    }
    ready('1');
    await Promise.all([...this.root.querySelectorAll('.search-facets details[open]')].map((d) => this.fillFacet(d, query, run)));
  }

  async fillFacet(details, query, run) {
    const field = details.dataset.field;
    const list = details.querySelector('ul');
    if (list.dataset.filled) return;
    list.dataset.filled = '1';
    ready('0');
    let values;
    try {
      values = await counts(this.index, query, field);
    } catch (e) {
      values = new Map();
    }
    if (run !== this.run) return;
    const selected = query.filters[field] || [];
    for (const v of selected) if (!values.has(v)) values.set(v, 0);
    const order = [...values].sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
    list.innerHTML = order.map(([value, n]) => {
      const on = selected.includes(value);
      const nextValues = on ? selected.filter((x) => x !== value) : [...selected, value];
      const filters = { ...query.filters, [field]: nextValues };
      if (nextValues.length === 0) delete filters[field];
      const label = facetLabel(field, value, this.T);
      return `<li><a href="${escapeHtml(writeQuery({ ...query, filters }))}" data-field="${escapeHtml(field)}" data-value="${escapeHtml(value)}"${on ? ' aria-current="true"' : ''}>` +
        `<span>${escapeHtml(label)}</span><span class="count">${n}</span></a></li>`;
    }).join('');
    list.removeAttribute('aria-busy');
    ready('1');
  }
}

// A facet value as the pages name it: stages and `unrated` in the page's language.
export function facetLabel(field, value, T) {
  if (field === 'stage') return T.stages[value] || value;
  if (field === 'grade') return gradeLabel(value, T);
  return value;
}

function onKey(event) {
  const box = searchBox();
  const target = event.target;
  const typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey && box) {
    event.preventDefault();
    box.focus();
    box.select();
    return;
  }
  if (event.key === 'Escape' && target === box) {
    box.blur();
    return;
  }
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  const links = [...document.querySelectorAll('#search-results .search-card h2 a')];
  if (links.length === 0) return;
  const at = links.indexOf(document.activeElement);
  if (target === box && event.key === 'ArrowDown') {
    event.preventDefault();
    links[0].focus();
  } else if (at >= 0) {
    event.preventDefault();
    const next = at + (event.key === 'ArrowDown' ? 1 : -1);
    if (next < 0 && box) box.focus();
    else links[Math.min(next, links.length - 1)].focus();
  }
}

// The address of the results a dossier was opened from: the previous page when it was this
// site's search page (`searchHref`, absolute) with a query or filter; otherwise null.
export function resultsAddress(referrer, searchHref) {
  let from;
  let search;
  try {
    from = new URL(referrer);
    search = new URL(searchHref);
  } catch {
    return null;
  }
  const same = from.origin === search.origin && from.pathname === search.pathname;
  return same && from.search.length > 1 ? from.href : null;
}

// A dossier's "back to results" link (customer.html) is shown only when there are results
// to go back to; without JavaScript it stays hidden.
function showBackToResults() {
  for (const link of document.querySelectorAll('a[data-back-to-results]')) {
    const address = resultsAddress(document.referrer, link.href);
    if (!address) continue;
    link.href = address;
    link.hidden = false;
  }
}

export function init() {
  document.addEventListener('keydown', onKey);
  showBackToResults();
  // The print handout's line ends with the page's address (base.html), on every page.
  for (const e of document.querySelectorAll('[data-page-address]')) e.textContent = location.href;
  const root = document.getElementById('search-results');
  if (!root) return;
  installStyle();
  const page = new Page(root);
  root.addEventListener('click', (event) => {
    const link = event.target.closest('a[data-field], a.search-clear');
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    page.navigate(readQuery(new URL(link.href).search), true);
  });
  const box = searchBox();
  if (box && box.form) {
    box.form.addEventListener('submit', (event) => {
      const action = new URL(box.form.getAttribute('action') || '', location.href);
      if (action.pathname !== location.pathname) return;
      event.preventDefault();
      // A new query starts without filters, as the plain form would; the sort stays.
      const current = readQuery(location.search);
      page.navigate({ q: box.value.trim(), filters: {}, sort: current.sort }, true);
    });
  }
  // Search as you type: after a short pause, the results follow the box (one history entry
  // per pause, replaced while typing goes on).
  if (box) {
    let timer = 0;
    let typing = false;
    box.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const current = readQuery(location.search);
        const q = box.value.trim();
        if (q === current.q) return;
        page.navigate({ q, filters: current.filters, sort: current.sort }, !typing);
        if (!typing) typing = true;
        else history.replaceState(null, '', location.pathname + writeQuery({ q, filters: current.filters, sort: current.sort }));
      }, TYPING_PAUSE);
    });
    box.addEventListener('blur', () => { typing = false; });
  }
  window.addEventListener('popstate', () => page.render(readQuery(location.search)));
  // The live preview (dossier serve) tells open tabs the id of each new index.
  window.addEventListener('dossier:search-index', async (event) => {
    if (await page.renewIndex(event.detail)) page.render(readQuery(location.search));
  });
  page.render(readQuery(location.search));
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
}
