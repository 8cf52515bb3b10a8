// Run by tests/it/search_js.rs: node tests/js/engine-check.mjs DIR
// DIR holds an index built by Rust (DIR/search/...) and DIR/expected.json, the answers of the
// Rust reader (src/index/query.rs). The browser client must give the same hits, in the same
// order, the same facet counts and the same first cards.
import { readFile } from 'node:fs/promises';
import { pathToFileURL, fileURLToPath } from 'node:url';
import path from 'node:path';
import { SearchIndex, search, counts, PAGE } from '../../themes/default/static/search.js';

const dir = process.argv[2];
const expected = JSON.parse(await readFile(path.join(dir, 'expected.json'), 'utf8'));
const base = pathToFileURL(path.join(dir, 'search') + path.sep).href;
const fetchFile = async (url) => new Response(await readFile(fileURLToPath(url)));

let failures = 0;
const index = new SearchIndex(base, fetchFile);
for (const c of expected) {
  const label = JSON.stringify({ q: c.q, filters: c.filters, sort: c.sort });
  const fresh = new SearchIndex(base, fetchFile);
  const hits = await search(fresh, c);
  const docs = hits.map((h) => h.doc);
  if (JSON.stringify(docs) !== JSON.stringify(c.docs)) {
    failures++;
    console.error(`hits differ for ${label}:\n  js   ${docs.slice(0, 20)} (${docs.length})\n  rust ${c.docs.slice(0, 20)} (${c.docs.length})`);
    continue;
  }
  const scores = hits.map((h) => h.score);
  if (c.scores && JSON.stringify(scores) !== JSON.stringify(c.scores)) {
    failures++;
    console.error(`scores differ for ${label}:\n  js   ${scores.slice(0, 20)}\n  rust ${c.scores.slice(0, 20)}`);
  }
  const classes = hits.map((h) => h.cls);
  if (c.classes && JSON.stringify(classes) !== JSON.stringify(c.classes)) {
    failures++;
    console.error(`classes differ for ${label}:\n  js   ${classes.slice(0, 20)}\n  rust ${c.classes.slice(0, 20)}`);
  }
  const fallback = hits.map((h) => h.fallback);
  if (c.fallback && JSON.stringify(fallback) !== JSON.stringify(c.fallback)) {
    failures++;
    console.error(`fallback flags differ for ${label}`);
  }
  for (const [field, want] of Object.entries(c.counts || {})) {
    const got = Object.fromEntries(await counts(index, c, field));
    if (JSON.stringify(sortKeys(got)) !== JSON.stringify(sortKeys(want))) {
      failures++;
      console.error(`counts of ${field} differ for ${label}:\n  js   ${JSON.stringify(got)}\n  rust ${JSON.stringify(want)}`);
    }
  }
  const urls = [];
  for (const h of hits.slice(0, PAGE)) urls.push((await fresh.card(h.doc)).u);
  if (JSON.stringify(urls) !== JSON.stringify(c.urls)) {
    failures++;
    console.error(`cards differ for ${label}:\n  js   ${urls}\n  rust ${c.urls}`);
  }
  if (typeof c.bytes === 'number') {
    // Bytes on the wire: the same files as the Rust reader read (cards of the first page).
    const got = fresh.fetchedBytes();
    if (got !== c.bytes) {
      failures++;
      console.error(`bytes fetched differ for ${label}: js ${got}, rust ${c.bytes}`);
    }
  }
}
function sortKeys(o) {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
console.log(`${expected.length} queries checked, ${failures} failures`);
process.exit(failures ? 1 : 0);
