// Benchmark, not a test (docs/performance.md "Lists at 10k" and "Analysis pages at 10k"):
// opens a built site's customer index and the long tables of the analysis pages in Chromium
// and reports, median of 5, how long each page takes to show its first rows, to load every
// row, to re-sort them all and to filter them, and the size of its HTML.
//   node tests/browser/bench-lists.mjs /dev/shm/bench/out-block
import { statSync } from "node:fs";
import { join } from "node:path";
import { browser, serveStatic } from "./lib.mjs";

const out = process.argv[2];
if (!out) throw new Error("usage: node bench-lists.mjs BUILT_SITE");

// [page, table, column to sort by, filter to pick the first value of]
const TABLES = [
  ["customers/", "customer-table", "revenue", "#filter-stage"],
  ["rankings/", "abc-list-table", "revenue", "#abc-list-table-owner"],
  ["service/", "visits-table", "days_overdue", "#visits-table-owner"],
  ["credit/", "watchlist-table", "outstanding", "#watchlist-table-owner"],
  ["satisfaction/", "low-table", "csi", "#low-table-owner"],
  ["retention/", "lost-table", "churned", "#lost-table-owner"],
  ["prospects/", "verdicts-table", "verdict", "#verdicts-table-owner"],
];

const server = await serveStatic(out);
const chromium = await browser();

async function measure([path, table, key, filter]) {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const page = await chromium.newPage();
    const started = Date.now();
    await page.goto(server.url + path, { waitUntil: "domcontentloaded" });
    const shown = Date.now() - started;
    await page.waitForSelector(`#${table}[data-ready]`);
    const ready = Date.now() - started;
    const sort = await page.evaluate(([table, key]) => {
      const th = document.querySelector(`#${table} th[data-key="${key}"]`);
      const t0 = performance.now();
      th.click();
      th.click();
      return (performance.now() - t0) / 2;
    }, [table, key]);
    const filtered = await page.evaluate((filter) => {
      const select = document.querySelector(filter);
      const t0 = performance.now();
      select.value = select.options[1].value;
      select.dispatchEvent(new Event("input"));
      return performance.now() - t0;
    }, filter);
    runs.push({ shown, ready, sort, filter: filtered, rows: await page.locator(`[data-count-for="${table}"]`).innerText() });
    await page.close();
  }
  const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[2];
  const kb = Math.round(statSync(join(out, path, "index.html")).size / 1024);
  console.log(`${path} (${kb} KB): first rows shown ${median("shown")} ms; every row loaded ${median("ready")} ms; ` +
    `re-sort all rows ${median("sort").toFixed(1)} ms; filter ${median("filter").toFixed(1)} ms (${runs[0].rows})`);
}

for (const table of TABLES) await measure(table);
await chromium.close();
server.close();
