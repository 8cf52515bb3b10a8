// Benchmark, not a test (docs/performance.md "Lists at 10k"): opens a built site's customer
// index in Chromium and reports how long it takes to show its first page, to load every row,
// to re-sort them all and to filter them, median of 5.
//   node tests/browser/bench-lists.mjs /dev/shm/bench/out-block
import { browser, serveStatic } from "./lib.mjs";

const out = process.argv[2];
if (!out) throw new Error("usage: node bench-lists.mjs BUILT_SITE");
const server = await serveStatic(out);
const chromium = await browser();
const runs = [];
for (let i = 0; i < 5; i++) {
  const page = await chromium.newPage();
  const started = Date.now();
  await page.goto(server.url + "customers/", { waitUntil: "domcontentloaded" });
  const shown = Date.now() - started;
  await page.waitForSelector("#customer-table[data-ready]");
  const ready = Date.now() - started;
  const sort = await page.evaluate(() => {
    const th = document.querySelector('th[data-key="revenue"]');
    const t0 = performance.now();
    th.click();
    th.click();
    return (performance.now() - t0) / 2;
  });
  const filter = await page.evaluate(() => {
    const select = document.querySelector("#filter-stage");
    const t0 = performance.now();
    select.value = "active";
    select.dispatchEvent(new Event("input"));
    return performance.now() - t0;
  });
  runs.push({ shown, ready, sort, filter, rows: await page.locator('[data-count-for="customer-table"]').innerText() });
  await page.close();
}
await chromium.close();
server.close();
const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[2];
console.log(`first page shown ${median("shown")} ms; every row loaded ${median("ready")} ms; ` +
  `re-sort all rows ${median("sort").toFixed(1)} ms; filter ${median("filter").toFixed(1)} ms (${runs[0].rows})`);
