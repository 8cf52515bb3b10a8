// How long an editor waits, in a real browser, between saving a record and seeing it in the
// preview (a benchmark, not a test).
//
//   target/release/gen-corpus --count 10000 --seed 1 --out /tmp/c10k
//   node tests/js/reload-latency.mjs /tmp/c10k [ROUNDS]
//
// Starts `dossier serve` (target/release/dossier, or DOSSIER_BIN) on the site, opens the
// dossier of its first customer record and the customer index in Debian's Chromium (CHROMIUM,
// default /usr/bin/chromium; playwright-core from tests/browser/node_modules), then ROUNDS
// times (default 5) saves the record twice: a new line of notes (only its dossier and the
// search index change) and a new name (the lists that show it change too). For each save it
// prints the milliseconds from the write until each tab shows the change, reloaded by the
// live script. The record is restored at the end. Times include the watcher's debounce and
// the page load; to tell them apart, it first prints how long each tab takes to reload with
// nothing changed (the browser's share).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { chromium } = await import(join(repo, 'tests/browser/node_modules/playwright-core/index.mjs')).catch(() => {
  console.error('playwright-core is not installed: run `npm ci` in tests/browser first');
  process.exit(2);
});
const [, , site, rounds = '5'] = process.argv;
if (!site) {
  console.error('usage: node tests/js/reload-latency.mjs SITE [ROUNDS]');
  process.exit(2);
}

function firstRecord(folder) {
  for (const name of readdirSync(folder).sort()) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      const found = firstRecord(path);
      if (found) return found;
    } else if (name.endsWith('.md')) {
      return path;
    }
  }
  return null;
}

const customers = join(site, 'content/customers');
const record = firstRecord(customers);
const slug = relative(customers, record).replace(/\.md$/, '');
const original = readFileSync(record, 'utf8');
const name = original.match(/^name: "?([^"\n]+)"?$/m)[1];

const dossier = process.env.DOSSIER_BIN ?? join(repo, 'target/release/dossier');
const serve = spawn(dossier, ['serve', '--root', site, '--port', '0', '-v'], { stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
const url = await new Promise((ok, fail) => {
  const timer = setTimeout(() => fail(new Error(`no URL from dossier serve:\n${log}`)), 300000);
  const look = (chunk) => {
    log += chunk;
    const match = log.match(/http:\/\/127\.0\.0\.1:\d+\//);
    if (match) { clearTimeout(timer); ok(match[0]); }
  };
  serve.stdout.on('data', look);
  serve.stderr.on('data', look);
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const page = await browser.newPage();
  await page.goto(`${url}customers/${slug.split('/').map(encodeURIComponent).join('/')}/`);
  const list = await browser.newPage();
  await list.goto(`${url}customers/`);
  const shows = (tab, text) => tab.waitForFunction(
    (t) => document.body && document.body.innerText.includes(t), text, { timeout: 60000, polling: 5 });
  const reloaded = async (tab) => {
    await tab.evaluate(() => { window.__before = true; });
    const start = Date.now();
    await tab.evaluate(() => location.reload());
    await tab.waitForFunction(() => !window.__before && document.readyState !== 'loading', null, { timeout: 60000, polling: 5 });
    return Date.now() - start;
  };
  const bare = { dossier: [], list: [] };
  for (let i = 0; i < 3; i++) {
    bare.dossier.push(await reloaded(page));
    bare.list.push(await reloaded(list));
  }
  console.log(`reload with nothing changed (median of 3): dossier ${median(bare.dossier)} ms, customer index ${median(bare.list)} ms`);
  const times = { notes: [], nameDossier: [], nameList: [] };
  for (let round = 1; round <= Number(rounds); round++) {
    // Let the previous save's follow-up work (the rest of the site, the search index) finish.
    await new Promise((done) => setTimeout(done, 5000));
    const note = `Round ${round}: reload benchmark.`;
    let start = Date.now();
    writeFileSync(record, `${original}\n${note}\n`);
    await shows(page, note);
    times.notes.push(Date.now() - start);

    await new Promise((done) => setTimeout(done, 5000));
    const renamed = `${name}${round}号`;
    start = Date.now();
    writeFileSync(record, original.replace(name, renamed));
    await Promise.all([
      shows(page, renamed).then(() => times.nameDossier.push(Date.now() - start)),
      shows(list, renamed).then(() => times.nameList.push(Date.now() - start)),
    ]);
    console.log(`round ${round}: notes ${times.notes.at(-1)} ms; name: dossier ${times.nameDossier.at(-1)} ms, customer index ${times.nameList.at(-1)} ms`);
  }
  console.log(`median of ${rounds}: notes ${median(times.notes)} ms; name: dossier ${median(times.nameDossier)} ms, customer index ${median(times.nameList)} ms`);
  if (process.env.SHOW_LOG) console.log(log);
} finally {
  writeFileSync(record, original);
  await browser.close();
  serve.kill();
}
