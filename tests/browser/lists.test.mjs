// Customer lists in Chromium: the filters and the sort live in the address, so a view opened
// from a bookmark shows exactly the rows that the same view computed from the build's own
// export (data/customers.csv) gives, and changing the view rewrites the address.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { browser, buildAndServe, readCsv, repo } from "./lib.mjs";

let site;
let chromium;

before(async () => {
  site = await buildAndServe(repo);
  chromium = await browser();
});

after(async () => {
  await chromium?.close();
  site?.server.close();
});

const exported = () => readCsv(join(site.out, "data/customers.csv"));

/** The ids of the rows a customer table shows, in order. */
async function shownIds(page) {
  // The customer lists page over the rows file: wait until it has drawn the view.
  await page.waitForSelector("#customer-table[data-ready]");
  return page.evaluate(() =>
    [...document.querySelectorAll("#customer-table tbody tr")].filter((r) => !r.hidden).map((r) => r.cells[0].textContent));
}

test("a view opened from its address shows the rows the export gives for it", async () => {
  const owner = "王磊";
  const expected = exported()
    .filter((c) => c.owner === owner && c.abc === "A")
    .sort((a, b) => Number(b.revenue) - Number(a.revenue) || a.id.localeCompare(b.id))
    .map((c) => c.id);
  assert.ok(expected.length >= 2, `a view worth sorting: ${expected}`);
  const page = await chromium.newPage();
  await page.goto(`${site.server.url}customers/?owner=${encodeURIComponent(owner)}&abc=A&sort=revenue&dir=desc`);
  assert.deepEqual(await shownIds(page), expected);
  assert.equal(await page.locator("#filter-owner").inputValue(), owner);
  // The page carries no owner or region options: dossier.js offers the rows file's values.
  const owners = new Set(exported().map((c) => c.owner));
  assert.equal(await page.locator("#filter-owner option").count(), owners.size + 1, "every owner once, and 'all'");
  const regions = new Set(exported().map((c) => c.region).filter(Boolean));
  assert.equal(await page.locator("#filter-region option").count(), regions.size + 1, "every region once, and 'all'");
  assert.equal(await page.locator('th[data-key="revenue"]').getAttribute("aria-sort"), "descending");
  await page.close();
});

test("changing the view rewrites the address, and the address restores it", async () => {
  const page = await chromium.newPage();
  await page.goto(`${site.server.url}customers/`);
  await page.selectOption("#filter-stage", "active");
  await page.click('th[data-key="name"]');
  const address = new URL(page.url());
  assert.equal(address.searchParams.get("stage"), "active");
  assert.equal(address.searchParams.get("sort"), "name");
  assert.equal(address.searchParams.get("dir"), "asc");
  const ids = await shownIds(page);
  const expected = exported().filter((c) => c.stage === "active").map((c) => c.id);
  assert.deepEqual([...ids].sort(), [...expected].sort(), "exactly the active customers");
  const again = await chromium.newPage();
  await again.goto(address.href);
  assert.deepEqual(await shownIds(again), ids, "the same rows in the same order");
  await page.close();
  await again.close();
});

test("report tables sort, filter by owner and download exactly the rows in view", async () => {
  const page = await chromium.newPage();
  await page.goto(`${site.server.url}service/`);
  const rows = page.locator("#open-complaints-table tbody tr");
  const total = await rows.count();
  assert.ok(total >= 2, `open complaints to filter (${total})`);
  const owner = await rows.first().getAttribute("data-owner");
  await page.selectOption("#open-complaints-table-owner", owner);
  const visible = await page.evaluate(() =>
    [...document.querySelectorAll("#open-complaints-table tbody tr")].filter((r) => !r.hidden)
      .map((r) => [r.dataset.owner, r.cells[0].textContent.trim(), Number(r.cells[3].textContent)]));
  assert.ok(visible.length >= 1 && visible.length < total, `${visible.length} of ${total}`);
  assert.ok(visible.every(([o]) => o === owner), "only that owner's rows");
  assert.match(await page.locator('[data-count-for="open-complaints-table"]').innerText(), new RegExp(`^${visible.length} / ${total}$`));
  assert.equal(new URL(page.url()).searchParams.get("owner"), owner, "the view is in the address");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.click('[data-for="open-complaints-table"] button[data-download]'),
  ]);
  assert.equal(download.suggestedFilename(), "open-complaints-view.csv");
  const csv = readFileSync(await download.path(), "utf8");
  assert.ok(csv.startsWith("\uFEFF"), "a byte order mark for spreadsheets");
  const lines = csv.replace(/^\uFEFF/, "").trim().split("\r\n");
  assert.equal(lines.length, visible.length + 1, "a header and exactly the rows in view");
  assert.deepEqual(lines.slice(1).map((l) => l.split(",")[0].replace(/^"|"$/g, "")), visible.map((v) => v[1]));
  // Sorted by days open, most first: the order of the numbers.
  await page.selectOption("#open-complaints-table-owner", "");
  await page.click('th[data-key="days_open"]');
  await page.click('th[data-key="days_open"]');
  const days = await page.evaluate(() =>
    [...document.querySelectorAll("#open-complaints-table tbody tr")].map((r) => Number(r.cells[3].textContent)));
  assert.deepEqual(days, [...days].sort((a, b) => b - a));
  await page.close();
});

test("the watch list sorts money by its value, not its formatted text", async () => {
  const page = await chromium.newPage();
  await page.goto(`${site.server.url}credit/?sort=outstanding&dir=desc`);
  const values = await page.evaluate(() =>
    [...document.querySelectorAll("#watchlist-table tbody tr")].map((r) => Number(r.cells[6].dataset.value)));
  assert.ok(values.length >= 3, `${values}`);
  assert.deepEqual(values, [...values].sort((a, b) => b - a));
  await page.close();
});

test("the low-satisfaction table sorts by CSI and filters by account manager", async () => {
  const page = await chromium.newPage();
  await page.goto(`${site.server.url}satisfaction/?sort=csi&dir=asc`);
  const csi = await page.evaluate(() =>
    [...document.querySelectorAll("#low-table tbody tr")].map((r) => Number(r.cells[3].textContent)));
  assert.ok(csi.length >= 2, `${csi}`);
  assert.deepEqual(csi, [...csi].sort((a, b) => a - b));
  const owner = await page.locator("#low-table tbody tr").first().getAttribute("data-owner");
  await page.selectOption("#low-table-owner", owner);
  const owners = await page.evaluate(() =>
    [...document.querySelectorAll("#low-table tbody tr")].filter((r) => !r.hidden).map((r) => r.dataset.owner));
  assert.ok(owners.length >= 1 && owners.every((o) => o === owner));
  await page.close();
});
