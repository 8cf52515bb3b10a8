// dossier search: a small, dependency-free client for the static index under search/.
// Design and file formats: docs/search.md. The query semantics are the same as the Rust
// reader's (src/index/query.rs); tests/search_js.rs checks that both give the same hits.
//
// On every page: `/` focuses the header search box. On the results page (an element with id
// `search-results`): reads ?q=, facet parameters (region, stage, grade, owner, industry, tag)
// and ?sort= from the URL, fetches only the shards of its terms and the cards it shows, and
// renders result cards, facet counts (fetched when a facet is opened), sort and paging.
// `document.documentElement.dataset.searchReady` is "1" once results are on screen.

import { tokenize, normalizeWithMap, compareCodePoints } from './search-tokenize.js';

export const VERSION = 2;
export const PAGE = 10;
export const TIER_SCORES = [6, 4, 1];
const KEY_TIERS = 3;
const TEXT_BIT = 4;
export const FACETS = ['region', 'stage', 'grade', 'owner', 'industry', 'tag'];
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

// {postings: {docs: Int32Array, masks: Uint8Array} by doc, positions: Positions (key fields)}.
function decodeTerm(shard, term) {
  if (shard.decoded.has(term)) return shard.decoded.get(term);
  const range = shard.terms.get(term);
  if (!range) return null;
  const bytes = shard.bytes;
  const r = new Cursor(bytes);
  r.at = range[0];
  // Postings packed as doc * 8 + mask, sorted by doc.
  const keyDocs = [];
  const groups = r.varint();
  let packed = null;
  let filled = 0;
  for (let g = 0; g < groups; g++) {
    const mask = bytes[r.at++];
    const count = r.varint();
    packed = packed ? growTo(packed, filled + count) : new Float64Array(count);
    let doc = -1;
    for (let i = 0; i < count; i++) {
      doc += r.varint();
      packed[filled++] = doc * 8 + mask;
      if (mask & KEY_TIERS) keyDocs.push(doc);
    }
  }
  packed = packed || new Float64Array(0);
  if (groups > 1) packed.sort();
  const postings = { docs: new Int32Array(packed.length), masks: new Uint8Array(packed.length) };
  for (let i = 0; i < packed.length; i++) {
    postings.docs[i] = Math.floor(packed[i] / 8);
    postings.masks[i] = packed[i] % 8;
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

  json(path) {
    return this.load(path, (bytes) => JSON.parse(utf8.decode(bytes)));
  }

  async manifest() {
    const m = await this.json('index.json');
    if (m.version !== VERSION) throw new Error(`search index version ${m.version}, expected ${VERSION}`);
    return m;
  }

  // A file of this index (`t/0.bin.gz`), decoded.
  async file(name, decode) {
    const { id } = await this.manifest();
    return this.load(`${id}/${name}`, decode);
  }

  async data(name) {
    return this.file(name, (bytes) => JSON.parse(utf8.decode(bytes)));
  }

  // The id of the index the server has now, past any HTTP cache: differs from this one's
  // after a rebuild.
  async latestId() {
    const bytes = await this.fetchBytes('index.json', { cache: 'no-cache' });
    return JSON.parse(utf8.decode(bytes)).id;
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
    return this.file(`t/${i}.bin.gz`, indexShard);
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
      Array.from({ length: m.parts }, (_, p) => this.data(`f/${field}-${p}.json.gz`)),
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

  // One number per document (`grade`, `name`); -1 = none.
  async column(key) {
    const m = await this.manifest();
    const parts = await Promise.all(
      Array.from({ length: m.parts }, (_, p) => this.data(`s/${key}-${p}.json.gz`)),
    );
    return Int32Array.from(parts.flat());
  }

  async card(doc) {
    const m = await this.manifest();
    const chunk = await this.data(`d/${Math.floor(doc / m.chunk)}.json.gz`);
    return chunk[doc % m.chunk];
  }

  fetchedBytes() {
    let n = 0;
    for (const v of this.fetched.values()) n += v;
    return n;
  }
}

// ---------------------------------------------------------------------------------------------
// Queries (same semantics as src/index/query.rs)

function lowestTier(mask) {
  for (let t = 0; t < 8; t++) if (mask & (1 << t)) return t;
  return 8;
}

// The tier mask of the places in the key fields where the pairs occur one after another.
function verify(positions, doc) {
  const first = positions[0].get(doc);
  if (!first) return 0;
  let mask = 0;
  outer: for (const code of first) {
    for (let i = 1; i < positions.length; i++) {
      const list = positions[i].get(doc);
      if (!list || !sortedHas(list, code + 4 * i)) continue outer;
    }
    mask |= 1 << (code & 3);
  }
  return mask;
}

function sortedHas(list, x) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length && list[lo] === x;
}

// For one token, per document: the tiers it matches in (mask) and those with an exact word.
async function tokenHits(index, token, n) {
  const mask = new Uint8Array(n);
  const exact = new Uint8Array(n);
  const chars = Array.from(token.text);
  if (token.kind === 'word' && chars.length >= 2) {
    for (const [term, data] of await index.prefixed(token.text)) {
      const same = term === token.text;
      const { docs, masks } = data.postings;
      for (let i = 0; i < docs.length; i++) {
        mask[docs[i]] |= masks[i];
        if (same) exact[docs[i]] |= masks[i];
      }
    }
  } else if (token.kind === 'word' || chars.length <= 2) {
    const data = await index.term(token.text);
    if (data) {
      const { docs, masks } = data.postings;
      for (let i = 0; i < docs.length; i++) {
        mask[docs[i]] = masks[i];
        exact[docs[i]] = masks[i];
      }
    }
  } else {
    const pairs = [];
    for (let i = 0; i + 1 < chars.length; i++) pairs.push(chars[i] + chars[i + 1]);
    const datas = await Promise.all(pairs.map((p) => index.term(p)));
    if (datas.some((d) => d === null)) return { mask, exact };
    // Candidates: documents with every pair (in text, that is the match).
    const seen = new Uint16Array(n);
    const common = new Uint8Array(n).fill(7);
    for (const data of datas) {
      const { docs, masks } = data.postings;
      for (let i = 0; i < docs.length; i++) {
        seen[docs[i]] += 1;
        common[docs[i]] &= masks[i];
      }
    }
    // In the key fields: the pairs one after another, by their positions.
    const positions = datas.map((d) => d.positions);
    for (const doc of datas[0].postings.docs) {
      if (seen[doc] !== pairs.length) continue;
      const m = verify(positions, doc) | (common[doc] & TEXT_BIT);
      mask[doc] = m;
      exact[doc] = m;
    }
  }
  return { mask, exact };
}

// Per document, the relevance score of the query text (-1: no match), or null when the text
// has no tokens.
export async function matches(index, text) {
  const tokens = tokenize(text);
  if (tokens.length === 0) return null;
  const n = (await index.manifest()).docs;
  const all = await Promise.all(tokens.map((t) => tokenHits(index, t, n)));
  const scores = new Int32Array(n);
  tokens.forEach((token, i) => {
    const { mask, exact } = all[i];
    const word = token.kind === 'word';
    for (let d = 0; d < n; d++) {
      const m = mask[d];
      if (m === 0 || scores[d] < 0) {
        scores[d] = -1;
        continue;
      }
      const tier = lowestTier(m);
      scores[d] += (TIER_SCORES[tier] || 0) + (word && exact[d] & (1 << tier) ? 1 : 0);
    }
  });
  return scores;
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

// Every hit, in display order: [{doc, score}]. Sorting is by buckets, in linear time.
export async function search(index, query) {
  const filters = query.filters || {};
  const [scores, allowed, m] = await Promise.all([
    matches(index, query.q || ''),
    filtered(index, filters, null),
    index.manifest(),
  ]);
  if (!scores && !allowed) return [];
  const n = m.docs;
  const hit = (d) => (!scores || scores[d] >= 0) && (!allowed || allowed[d] === 1);
  const score = (d) => (scores ? scores[d] : 0);
  const sort = query.sort || 'relevance';
  const hits = [];
  if (sort === 'name') {
    // Name ranks are a permutation of the documents.
    const rank = await index.column('name');
    const byRank = new Int32Array(n).fill(-1);
    for (let d = 0; d < n; d++) if (rank[d] >= 0) byRank[rank[d]] = d;
    for (let r = 0; r < n; r++) {
      const d = byRank[r];
      if (d >= 0 && hit(d)) hits.push({ doc: d, score: score(d) });
    }
    return hits;
  }
  // Buckets of documents in document order (= revenue order), keyed by score or grade.
  let key = null;
  if (sort === 'grade') {
    const grade = await index.column('grade');
    key = (d) => (grade[d] >= 0 ? grade[d] : 1e9);
  } else if (sort === 'relevance' && scores) {
    key = (d) => -scores[d];
  }
  const buckets = new Map();
  for (let d = 0; d < n; d++) {
    if (!hit(d)) continue;
    const k = key ? key(d) : 0;
    let b = buckets.get(k);
    if (!b) buckets.set(k, (b = []));
    b.push({ doc: d, score: score(d) });
  }
  for (const k of [...buckets.keys()].sort((a, b) => a - b)) hits.push(...buckets.get(k));
  return hits;
}

// Counts of `field`'s values over the documents matching the text and the other filters.
export async function counts(index, query, field) {
  const filters = query.filters || {};
  const [scores, allowed, facet] = await Promise.all([
    matches(index, query.q || ''),
    filtered(index, filters, field),
    index.facet(field),
  ]);
  const out = new Map();
  for (const [value, docs] of facet) {
    let c = 0;
    for (const d of docs) if ((!scores || scores[d] >= 0) && (!allowed || allowed[d])) c += 1;
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

const TEXT = {
  zh: {
    results: (n, q) => (q ? `“${q}”：${n} 条结果` : `${n} 条结果`),
    none: (q) => (q ? `没有找到“${q}”。` : '没有符合筛选条件的记录。'),
    hint: '试试更短的片段（两个字就够，如“华东”“东医”），换一个写法（英文单词的开头也可以），或去掉筛选条件。',
    empty: '输入公司名称的任意片段、城市、客户经理、联系人、编号或英文单词。',
    error: '搜索索引无法读取：',
    sort: '排序',
    more: '更多结果',
    clear: '清除筛选',
    facets: { region: '区域', stage: '阶段', grade: '信用等级', owner: '客户经理', industry: '行业', tag: '标签' },
    sorts: { relevance: '相关度', revenue: '销售额', grade: '信用等级', name: '名称' },
    stages: { prospect: '潜在客户', qualified: '准客户', active: '成交客户', lost: '流失客户' },
    playbook: '手册',
    loading: '加载中…',
  },
  en: {
    results: (n, q) => (q ? `${n} result${n === 1 ? '' : 's'} for “${q}”` : `${n} result${n === 1 ? '' : 's'}`),
    none: (q) => (q ? `Nothing found for “${q}”.` : 'No record matches these filters.'),
    hint: 'Try a shorter fragment (two Chinese characters are enough), the start of an English word, or fewer filters.',
    empty: 'Type any fragment of a company name, a city, an account manager, a contact, an id or an English word.',
    error: 'The search index cannot be read: ',
    sort: 'Sort by',
    more: 'More results',
    clear: 'Clear filters',
    facets: { region: 'Region', stage: 'Stage', grade: 'Grade', owner: 'Account manager', industry: 'Industry', tag: 'Tag' },
    sorts: { relevance: 'Relevance', revenue: 'Revenue', grade: 'Grade', name: 'Name' },
    stages: { prospect: 'Prospect', qualified: 'Qualified', active: 'Active', lost: 'Lost' },
    playbook: 'Playbook',
    loading: 'Loading…',
  },
};

function strings() {
  const lang = (typeof document !== 'undefined' && document.documentElement.lang) || 'zh';
  return lang.toLowerCase().startsWith('zh') ? TEXT.zh : TEXT.en;
}

// `x` with at most `digits` decimals and thousands separators (the same in zh-CN and en).
// Written by hand: the first Intl.NumberFormat of a page loads the locale's data, about 40 ms
// of a cold results page on a slow machine.
export function grouped(x, digits) {
  let text = Math.abs(x).toFixed(digits);
  if (digits > 0) text = text.replace(/0+$/, '').replace(/\.$/, '');
  const [int, frac] = text.split('.');
  const sign = x < 0 && /[1-9]/.test(text) ? '-' : '';
  return sign + int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? `.${frac}` : '');
}

export function money(value, zh) {
  if (typeof value !== 'number') return '';
  const abs = Math.abs(value);
  const fmt = (x, digits) => grouped(x, digits);
  if (zh) {
    if (abs >= 1e8) return `${fmt(value / 1e8, 2)}亿`;
    if (abs >= 1e4) return `${fmt(value / 1e4, 0)}万`;
    return fmt(value, 0);
  }
  if (abs >= 1e6) return `${fmt(value / 1e6, 1)}M`;
  if (abs >= 1e3) return `${fmt(value / 1e3, 0)}k`;
  return fmt(value, 0);
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
@media (max-width: 48rem) { .search-layout { grid-template-columns: 1fr; } }
.search-facets details { border-bottom: 1px solid var(--line, #d0d7de); padding: .4rem 0; }
.search-facets summary { cursor: pointer; font-weight: 600; }
.search-facets ul { list-style: none; margin: .4rem 0; padding: 0; max-height: 16rem; overflow: auto; }
.search-facets a { text-decoration: none; display: flex; justify-content: space-between; gap: .5rem; padding: .1rem .25rem; border-radius: 4px; }
.search-facets a[aria-current="true"] { background: var(--accent, #0550ae); color: var(--accent-fg, #fff); }
.search-facets .count { color: inherit; opacity: .75; font-variant-numeric: tabular-nums; }
.search-toolbar { display: flex; justify-content: flex-end; gap: .5rem; margin-bottom: .5rem; }
.search-list { list-style: none; margin: 0; padding: 0; }
.search-card { padding: .75rem 0; border-bottom: 1px solid var(--line, #d0d7de); }
.search-card h3 { margin: 0 0 .25rem; font-size: 1.05rem; }
.search-card a:focus { outline: 3px solid var(--accent, #0550ae); outline-offset: 2px; }
.search-card .meta { display: flex; flex-wrap: wrap; gap: .4rem .8rem; color: var(--muted, #57606a); font-size: .875rem; }
.search-card .snippet { margin: .3rem 0 0; }
.search-card mark { background: #fff1a8; color: inherit; padding: 0 .05em; }
@media (prefers-color-scheme: dark) { .search-card mark { background: #6b5a00; } }
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

function cardHtml(card, tokens, T, zh) {
  const parts = [];
  if (card.k === 'p') parts.push(`<span class="badge">${escapeHtml(T.playbook)}</span>`);
  if (card.g) parts.push(`<span class="badge grade grade-${escapeHtml(card.g)}" title="${escapeHtml(T.facets.grade)}">${escapeHtml(card.g)}</span>`);
  if (card.s) parts.push(`<span class="badge stage stage-${escapeHtml(card.s)}">${escapeHtml(T.stages[card.s] || card.s)}</span>`);
  if (card.o) parts.push(`<span class="owner">${highlight(card.o, tokens)}</span>`);
  if (card.c) parts.push(`<span class="city">${highlight(card.c, tokens)}</span>`);
  if (card.r) parts.push(`<span class="region">${highlight(card.r, tokens)}</span>`);
  if (typeof card.v === 'number') parts.push(`<span class="revenue">${escapeHtml(money(card.v, zh))}</span>`);
  return `<li class="search-card"><h3><a href="${escapeHtml(card.u)}">${highlight(card.n, tokens)}</a></h3>` +
    `<div class="meta">${parts.join('')}</div>` +
    (card.x ? `<p class="snippet">${highlight(card.x, tokens)}</p>` : '') + '</li>';
}

class Page {
  constructor(root) {
    this.root = root;
    this.index = new SearchIndex(indexBase(root));
    this.T = strings();
    this.zh = this.T === TEXT.zh;
    this.open = new Set();
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
    for (const field of Object.keys(query.filters)) this.open.add(field);
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

    const summary = hits.length
      ? `<p class="search-summary" role="status">${escapeHtml(T.results(hits.length, query.q))}</p>`
      : `<div class="search-summary search-none" role="status"><p>${escapeHtml(T.none(query.q))}</p><p>${escapeHtml(T.hint)}</p></div>`;
    const facetHtml = FACETS.map((field) =>
      `<details data-field="${field}"${this.open.has(field) ? ' open' : ''}><summary>${escapeHtml(T.facets[field])}</summary><ul aria-busy="true"></ul></details>`,
    ).join('');
    const sortHtml = SORTS.map((s) =>
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
      `<ol class="search-list">${cards.map((c) => cardHtml(c, tokens, T, this.zh)).join('')}</ol>` +
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
        list.insertAdjacentHTML('beforeend', more_cards.map((c) => cardHtml(c, tokens, T, this.zh)).join(''));
        const link = list.children[first] && list.children[first].querySelector('a');
        if (link) link.focus();
        if (next >= hits.length) more.remove();
      });
    }
    for (const details of this.root.querySelectorAll('.search-facets details')) {
      details.addEventListener('toggle', () => {
        if (details.open) {
          this.open.add(details.dataset.field);
          this.fillFacet(details, query, run);
        } else {
          this.open.delete(details.dataset.field);
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
      const label = field === 'stage' ? this.T.stages[value] || value : value;
      return `<li><a href="${escapeHtml(writeQuery({ ...query, filters }))}" data-field="${escapeHtml(field)}" data-value="${escapeHtml(value)}"${on ? ' aria-current="true"' : ''}>` +
        `<span>${escapeHtml(label)}</span><span class="count">${n}</span></a></li>`;
    }).join('');
    list.removeAttribute('aria-busy');
    ready('1');
  }
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
  const links = [...document.querySelectorAll('#search-results .search-card h3 a')];
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

export function init() {
  document.addEventListener('keydown', onKey);
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
