// Lists at scale (issue 13): a generated site of 1,500 customers. Without JavaScript every list
// comes in numbered pages of 100 rows that together hold every row once; with it, the table
// sorts, filters and pages over every row of the list from the shared rows file, exactly as
// the build's own export gives the same view, and downloads every row in view.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { browser, generatedSite, readCsv } from "./lib.mjs";

const COUNT = 1500;
let site;
let chromium;

before(async () => {
  site = await generatedSite(COUNT, 7);
  chromium = await browser();
});

after(async () => {
  await chromium?.close();
  site?.server.close();
});

const exported = () => readCsv(join(site.out, "data/customers.csv"));

const idsIn = (html) => [...html.matchAll(/<tr data-stage="[^"]*"[^>]*>\s*<td>([^<]+)<\/td>/g)].map((m) => m[1]);

test("without JavaScript the numbered pages hold every customer once, 100 a page, linked", () => {
  const all = exported().map((c) => c.id);
  const pages = Math.ceil(COUNT / 100);
  const seen = [];
  for (let n = 1; n <= pages; n++) {
    const file = join(site.out, n === 1 ? "customers/index.html" : `customers/page/${n}/index.html`);
    assert.ok(existsSync(file), `page ${n}`);
    const html = readFileSync(file, "utf8");
    const ids = idsIn(html);
    assert.ok(ids.length > 0 && ids.length <= 100, `page ${n}: ${ids.length} rows`);
    if (n < pages) assert.match(html, new RegExp(`<a rel="next" href="/customers/page/${n + 1}/">`));
    assert.ok(html.length < 200_000, `page ${n} is ${html.length} bytes`);
    seen.push(...ids);
  }
  assert.ok(!existsSync(join(site.out, `customers/page/${pages + 1}/index.html`)));
  assert.deepEqual(seen, all, "every customer once, in id order");
  // The pager links the ends and two pages either side, not every page of the list.
  const pagerOf = (n) => {
    const html = readFileSync(join(site.out, n === 1 ? "customers/index.html" : `customers/page/${n}/index.html`), "utf8");
    const nav = /<nav class="pager"[^>]*>([\s\S]*?)<\/nav>/.exec(html)[1];
    return nav.replace(/<a rel="(prev|next)"[^>]*>[^<]*<\/a>/g, "").replace(/<[^>]+>/g, "").trim().split(/\s+/).join(" ");
  };
  assert.equal(pages, 15);
  assert.equal(pagerOf(1), "1 2 3 … 15");
  assert.equal(pagerOf(8), "1 … 6 7 8 9 10 … 15");
  assert.equal(pagerOf(13), "1 … 11 12 13 14 15");
});

test("with JavaScript a sorted, filtered view spans every page and matches the export", async () => {
  const expected = exported()
    .filter((c) => c.stage === "active")
    .sort((a, b) => (Number(b.revenue || -Infinity) - Number(a.revenue || -Infinity)) || (a.id < b.id ? -1 : 1))
    .map((c) => c.id);
  assert.ok(expected.length > 200, `a view of several pages (${expected.length})`);
  const page = await chromium.newPage();
  await page.goto(`${site.server.url}customers/?stage=active&sort=revenue&dir=desc`);
  await page.waitForSelector("#customer-table[data-ready]");
  const shown = () => page.evaluate(() => [...document.querySelectorAll("#customer-table tbody tr")].map((r) => r.cells[0].textContent));
  assert.deepEqual(await shown(), expected.slice(0, 100));
  assert.equal(await page.locator('[data-count-for="customer-table"]').innerText(), `${expected.length} / ${COUNT}`);
  await page.click('nav.pager a[data-page="2"]');
  assert.deepEqual(await shown(), expected.slice(100, 200));
  assert.equal(new URL(page.url()).searchParams.get("page"), "2", "the page is in the address");
  // The script's pager is windowed as the build's: 1 2 3 4 … last.
  const last = Math.ceil(expected.length / 100);
  assert.ok(last >= 7, `a view long enough for a gap (${last} pages)`);
  assert.equal((await page.locator("nav.pager").first().innerText()).trim().split(/\s+/).join(" "), `1 2 3 4 … ${last}`);
  const again = await chromium.newPage();
  await again.goto(page.url());
  await again.waitForSelector("#customer-table[data-ready]");
  assert.deepEqual(await again.evaluate(() => [...document.querySelectorAll("#customer-table tbody tr")].map((r) => r.cells[0].textContent)),
    expected.slice(100, 200), "the same view from its address");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-for="customer-table"] button[data-download]')]);
  const lines = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "").trim().split("\r\n");
  assert.equal(lines.length, expected.length + 1, "every row in view, all pages");
  await page.close();
  await again.close();
});

test("an owner's page lists that owner's customers only, over all its pages", async () => {
  const rows = exported();
  const counts = {};
  for (const c of rows) counts[c.owner] = (counts[c.owner] || 0) + 1;
  const [owner] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  const url = rows.find((c) => c.owner === owner).url;
  const page = await chromium.newPage();
  await page.goto(site.server.url + "owners/");
  await page.click(`a:text-is("${owner}")`);
  await page.waitForSelector("#term-table[data-ready]");
  assert.equal(await page.locator('[data-count-for="term-table"]').innerText(), `${counts[owner]} / ${counts[owner]}`);
  const owners = await page.evaluate(() => [...document.querySelectorAll("#term-table tbody tr")].map((r) => r.dataset.owner));
  assert.ok(owners.length > 0 && owners.every((o) => o === owner), `${url}`);
  await page.close();
});
