// The long tables of the analysis pages at scale (issue 13): a generated site of 1,500
// customers. Without JavaScript a table's first page is on its analysis page and the rest on
// numbered pages, linked, that together hold the rows of the build's export in its order; with
// it, a sorted, filtered view spans every page of the table and is exactly the view computed
// from the build's own export (data/*.csv), and the download holds exactly those rows.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
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

const csv = (name) => readCsv(join(site.out, "data", name));

/** A stable sort by `key` (a number; empty last when ascending), like the table's. */
function sortedBy(rows, key, dir) {
  const value = (r) => (r[key] === "" ? -Infinity : Number(r[key]));
  const sign = dir === "desc" ? -1 : 1;
  return rows.map((r, i) => [r, i]).sort(([a, i], [b, j]) => sign * (value(a) - value(b)) || i - j).map(([r]) => r);
}

/** The customer addresses of the rows a table shows, in order. */
const shownUrls = (page, id) => page.evaluate((id) =>
  [...document.querySelectorAll(`#${id} tbody tr`)].filter((r) => !r.hidden)
    .map((r) => r.querySelector("th a").getAttribute("href").replace(/#.*$/, "")), id);

/** Every page of a view: pages 1… of the table's script pager. */
async function allPages(page, id) {
  const urls = await shownUrls(page, id);
  for (;;) {
    const next = page.locator(`#${id}`).locator("xpath=../following-sibling::nav[1]").locator('[aria-current="page"] + a[data-page]');
    if (await next.count() === 0) return urls;
    await next.click();
    urls.push(...await shownUrls(page, id));
  }
}

async function downloaded(page, id) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(`[data-for="${id}"] button[data-download]`)]);
  return readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "").trim().split("\r\n");
}

/** The most frequent value of `key` among `rows`. */
function commonest(rows, key) {
  const counts = {};
  for (const r of rows) counts[r[key]] = (counts[r[key]] || 0) + 1;
  return Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];
}

test("without JavaScript the watch list's pages hold the export's rows in order, linked", async () => {
  const expected = csv("watchlist.csv").map((r) => r.url);
  assert.ok(expected.length > 200, `a list of several pages (${expected.length})`);
  const context = await chromium.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${site.server.url}credit/`);
  const seen = [];
  for (let n = 1; ; n++) {
    const urls = await shownUrls(page, "watchlist-table");
    assert.ok(urls.length > 0 && urls.length <= 100, `page ${n}: ${urls.length} rows`);
    seen.push(...urls);
    const next = page.locator('#watchlist-table >> xpath=../following-sibling::nav[1]//a[@rel="next"]');
    if (await next.count() === 0) break;
    await next.click();
    assert.equal(new URL(page.url()).pathname, `/credit/watchlist/page/${n + 1}/`);
    // Page 1 is the table on the credit page.
    assert.equal(await page.locator('nav.pager a:text-is("1")').getAttribute("href"), "/credit/#watchlist");
  }
  assert.deepEqual(seen, expected);
  await context.close();
});

test("the watch list filtered by owner and sorted by amount outstanding is the export's view, on every page", async () => {
  const rows = csv("watchlist.csv");
  const owner = commonest(rows, "owner");
  const expected = sortedBy(rows.filter((r) => r.owner === owner), "outstanding", "desc").map((r) => r.url);
  const page = await chromium.newPage();
  await page.goto(`${site.server.url}credit/?owner=${encodeURIComponent(owner)}&sort=outstanding&dir=desc`);
  await page.waitForSelector("#watchlist-table[data-ready]");
  assert.equal(await page.locator('[data-count-for="watchlist-table"]').innerText(), `${expected.length} / ${rows.length}`);
  assert.deepEqual(await shownUrls(page, "watchlist-table"), expected.slice(0, 100));
  await page.selectOption("#watchlist-table-owner", "");
  const everyone = sortedBy(rows, "outstanding", "desc").map((r) => r.url);
  assert.deepEqual(await allPages(page, "watchlist-table"), everyone, "all pages of the unfiltered view");
  const lines = await downloaded(page, "watchlist-table");
  assert.equal(lines.length, rows.length + 1, "a header and every row in view, all pages");
  await page.close();
});

test("overdue visits filtered by account manager and sorted by days overdue match the export, and download exactly that", async () => {
  const rows = csv("overdue-visits.csv");
  const owner = commonest(rows, "owner");
  const expected = sortedBy(rows.filter((r) => r.owner === owner), "days_overdue", "desc");
  const page = await chromium.newPage();
  await page.goto(`${site.server.url}service/`);
  await page.waitForSelector("#visits-table[data-ready]");
  await page.selectOption("#visits-table-owner", owner);
  await page.click('#visits-table th[data-key="days_overdue"]');
  await page.click('#visits-table th[data-key="days_overdue"]');
  assert.equal(new URL(page.url()).searchParams.get("owner"), owner, "the view is in the address");
  assert.deepEqual(await allPages(page, "visits-table"), expected.map((r) => r.url));
  const lines = await downloaded(page, "visits-table");
  assert.equal(lines.length, expected.length + 1);
  assert.deepEqual(lines.slice(1).map((l) => l.split(",")[0].replace(/^"|"$/g, "")), expected.map((r) => r.name));
  await page.close();
});

test("open complaints, the visit plan and the win-back list filter by owner as their exports do", async () => {
  const page = await chromium.newPage();
  for (const [path, id, file] of [["service/", "open-complaints-table", "open-complaints.csv"], ["service/", "visit-plan-table", "visit-plan.csv"], ["retention/", "win-back-table", "win-back.csv"]]) {
    const rows = csv(file);
    const owner = commonest(rows, "owner");
    await page.goto(`${site.server.url}${path}?owner=${encodeURIComponent(owner)}`);
    await page.waitForSelector(`#${id}.sortable`);
    await page.waitForFunction((id) => document.querySelector(`[data-count-for="${id}"]`).textContent !== "", id);
    assert.deepEqual(await allPages(page, id), rows.filter((r) => r.owner === owner).map((r) => r.url), `${id}`);
  }
  await page.close();
});

test("the revenue ranking filtered by region and class is the export's ranking", async () => {
  const rows = csv("rankings.csv").filter((r) => r.ranking === "revenue");
  const region = commonest(rows, "region");
  const expected = rows.filter((r) => r.region === region && r.abc === "B").map((r) => r.id);
  assert.ok(expected.length > 1, `${expected.length}`);
  const ids = Object.fromEntries(csv("customers.csv").map((c) => [c.url, c.id]));
  const page = await chromium.newPage();
  await page.goto(`${site.server.url}rankings/?region=${encodeURIComponent(region)}&class=B`);
  await page.waitForSelector("#abc-list-table[data-ready]");
  assert.deepEqual((await allPages(page, "abc-list-table")).map((u) => ids[u]), expected);
  await page.close();
});

test("prospects filter by MAN verdict from the rule's table, as the export's MAN codes give", async () => {
  const prospects = csv("customers.csv").filter((c) => c.stage === "prospect" || c.stage === "qualified");
  const code = commonest(prospects.filter((c) => c.man), "man");
  const expected = prospects.filter((c) => c.man === code).map((c) => c.url);
  const page = await chromium.newPage();
  await page.goto(`${site.server.url}prospects/`);
  // The rule's table links each verdict to the table filtered by it.
  const link = page.locator(`#man-${code} a`);
  const label = await link.innerText();
  await link.click();
  await page.waitForFunction((label) => document.querySelector("#verdicts-table-verdict").value === label, label);
  assert.deepEqual((await allPages(page, "verdicts-table")).sort(), expected.sort());
  assert.equal(await page.locator('[data-count-for="verdicts-table"]').innerText(), `${expected.length} / ${prospects.length}`);
  await page.close();
});

test("complaint alerts filter by account manager and download exactly the analysis' alerts of that owner", async () => {
  const alerts = JSON.parse(readFileSync(join(site.out, "data/metrics.json"), "utf8")).complaints.alerts;
  const urls = Object.fromEntries(csv("customers.csv").map((c) => [c.id, c.url]));
  const owner = commonest(alerts, "owner");
  const expected = alerts.filter((a) => a.owner === owner).map((a) => urls[a.id]);
  const page = await chromium.newPage();
  await page.goto(`${site.server.url}service/`);
  await page.selectOption("#alerts-table-owner", owner);
  assert.deepEqual(await allPages(page, "alerts-table"), expected);
  assert.equal(await page.locator('[data-count-for="alerts-table"]').innerText(), `${expected.length} / ${alerts.length}`);
  const lines = await downloaded(page, "alerts-table");
  assert.equal(lines.length, expected.length + 1, "a header and exactly the rows in view");
  await page.click('#alerts-table th[data-key="days_open"]');
  const days = await page.evaluate(() => [...document.querySelectorAll("#alerts-table tbody tr")].filter((r) => !r.hidden).map((r) => Number(r.cells[5].textContent)));
  assert.deepEqual(days, [...days].sort((a, b) => a - b), "sorted by days open");
  await page.close();
});
