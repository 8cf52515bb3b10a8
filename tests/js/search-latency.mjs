// Cold and warm search latency in headless Chromium (a benchmark, not a test).
//
//   target/release/gen-corpus --bench-index /tmp/corpus-10k --write /tmp/index-10k
//   node tests/js/search-latency.mjs /tmp/index-10k 'q=华东' 'q=州华' 'region=华东&sort=name'
//
// Serves a minimal results page, the theme's search scripts and DIR/search/ on 127.0.0.1 (a
// Node server with keep-alive), and drives Debian's Chromium (CHROMIUM, default
// /usr/bin/chromium) with playwright-core from tests/browser/node_modules (never a downloaded
// browser). Cold: a new browser context per run (empty cache), from navigation start to the
// results on screen, and the query's own time. Warm: the same page sorts away and back, with
// the index files already in memory. RUNS (default 5) runs per query; medians are printed.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join, extname, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { chromium } = await import(join(repo, 'tests/browser/node_modules/playwright-core/index.mjs')).catch(() => {
  console.error('playwright-core is not installed: run `npm ci` in tests/browser first');
  process.exit(2);
});
const [, , dir, ...queries] = process.argv;
if (!dir || queries.length === 0) {
  console.error('usage: node tests/js/search-latency.mjs INDEX_DIR QUERY...   (QUERY like q=华东&sort=name)');
  process.exit(2);
}
// The head mirrors the theme's search page (templates/base.html and search.html).
const page = `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>搜索</title>
<link rel="modulepreload" href="/static/search-tokenize.js">
<link rel="preload" href="/search/index.json" as="fetch" crossorigin></head><body>
<header><form role="search" action="/search/" method="get"><input id="search-input" type="search" name="q"></form></header>
<main><div id="search-results"></div></main><script type="module" src="/static/search.js"></script></body></html>`;
const types = { '.js': 'text/javascript', '.json': 'application/json', '.gz': 'application/gzip' };
const server = createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  try {
    if (path === '/search/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      return;
    }
    const file = path.startsWith('/static/')
      ? join(repo, 'themes/default/static', path.slice('/static/'.length))
      : join(dir, path);
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    res.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream' }).end(await readFile(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
async function shown(p) {
  await p.waitForFunction(() => document.documentElement.dataset.searchReady === '1' &&
    document.getElementById('search-results').dataset.total !== undefined);
  return p.evaluate(() => {
    const r = document.getElementById('search-results');
    return { total: +r.dataset.total, ms: +r.dataset.ms, at: +(r.dataset.at || 0), bytes: +(r.dataset.bytes || 0) };
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const runs = +(process.env.RUNS || 5);
for (const q of queries) {
  const cold = [];
  const warm = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(`${base}/search/?${q}`);
    cold.push(await shown(p));
    const sort = new URLSearchParams(q).get('sort') || 'relevance';
    for (const s of [sort === 'revenue' ? 'name' : 'revenue', sort]) {
      await p.evaluate(() => delete document.getElementById('search-results').dataset.total);
      await p.selectOption('select[name="sort"]', s).catch(() => {});
      if (cold[0].total > 0) warm.push(await shown(p));
    }
    await context.close();
  }
  const last = cold[cold.length - 1];
  const warmMs = warm.filter((_, i) => i % 2 === 1).map((w) => w.ms);
  console.log(`${decodeURIComponent(q).padEnd(28)} ${String(last.total).padStart(6)} hits | cold: shown ${median(cold.map((c) => c.at)).toFixed(0).padStart(4)} ms after navigation start (query ${median(cold.map((c) => c.ms)).toFixed(0)} ms), ${(last.bytes / 1e3).toFixed(1)} KB | warm ${warmMs.length ? median(warmMs).toFixed(1) : '-'} ms`);
}
await browser.close();
server.close();
