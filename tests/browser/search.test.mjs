// Search in a real browser against the built example site, served like a plain web host.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { browser, repo, run, serveStatic, tempDir } from "./lib.mjs";

let server;
let chromium;

before(async () => {
  const out = join(tempDir(), "public");
  run(["build", "--root", repo, "--out", out, "--quiet"]);
  server = await serveStatic(out);
  chromium = await browser();
});

after(async () => {
  await chromium?.close();
  server?.close();
});

/** Opens the results page for `query` and returns the cards once results are on screen. */
async function search(query) {
  const page = await chromium.newPage();
  await page.goto(`${server.url}search/?${query}`);
  await page.waitForFunction(() => document.documentElement.dataset.searchReady === "1", null, { timeout: 20000 });
  const cards = await page.$$eval("#search-results .search-card", (items) => items.map((item) => ({
    name: item.querySelector("h2").innerText,
    href: item.querySelector("a")?.getAttribute("href") ?? "",
    owner: item.querySelector(".owner")?.innerText ?? "",
    region: item.querySelector(".region")?.innerText ?? "",
    revenue: item.querySelector(".revenue")?.innerText ?? "",
    highlighted: [...item.querySelectorAll("mark")].map((m) => m.innerText),
  })));
  const none = await page.$("#search-results .search-none");
  await page.close();
  return { cards, none: none !== null };
}

test("a Chinese fragment from the middle of a name finds that company first", async () => {
  const { cards } = await search("q=" + encodeURIComponent("东医"));
  assert.ok(cards.length >= 1);
  assert.equal(cards[0].name, "杭州华东医药商业有限公司");
  assert.ok(cards[0].highlighted.includes("东医"), JSON.stringify(cards[0]));
  // The card links to that customer's dossier, which the static host serves.
  const dossier = await fetch(new URL(cards[0].href, server.url));
  assert.equal(dossier.status, 200, cards[0].href);
  assert.ok((await dossier.text()).includes("杭州华东医药商业有限公司"));
});

test("an English word finds the English-named customer", async () => {
  const { cards } = await search("q=nordic");
  assert.equal(cards[0].name, "Nordic Marine Supplies AB");
});

test("an owner's name finds their portfolio", async () => {
  const { cards } = await search("q=" + encodeURIComponent("Emily"));
  const hers = cards.filter((c) => c.owner === "Emily Zhao");
  assert.equal(hers.length, 7, JSON.stringify(cards));
});

test("a facet filter keeps only that region", async () => {
  const { cards } = await search("q=" + encodeURIComponent("有限公司") + "&region=" + encodeURIComponent("华南"));
  assert.ok(cards.length >= 3, JSON.stringify(cards));
  for (const card of cards) assert.equal(card.region, "华南", JSON.stringify(card));
});

test("sorting by revenue orders the cards by revenue, largest first", async () => {
  const { cards } = await search("q=" + encodeURIComponent("华东") + "&sort=revenue");
  const first = cards.slice(0, 3).map((c) => c.name);
  assert.equal(first[0], "杭州华东医药商业有限公司", JSON.stringify(first));
  assert.ok(cards.length >= 5);
});

test("nonsense shows no results with a hint", async () => {
  const { cards, none } = await search("q=zzqxjv");
  assert.equal(cards.length, 0);
  assert.ok(none);
});

/** Opens the results page with no query, types `text` into the header search box like a
 * person (key by key), waits for the results to follow, and returns what is on screen. */
async function typeQuery(text, viewport) {
  const page = await chromium.newPage(viewport ? { viewport } : undefined);
  await page.goto(`${server.url}search/`);
  await page.waitForFunction(() => document.documentElement.dataset.searchReady === "1", null, { timeout: 20000 });
  await page.click("#search-input, form[role=search] input[name=q]");
  await page.keyboard.type(text, { delay: 40 });
  // Search as you type: no Enter; the results follow after the pause.
  await page.waitForFunction(
    (q) => new URLSearchParams(location.search).get("q") === q && document.documentElement.dataset.searchReady === "1",
    text,
    { timeout: 20000 },
  );
  const cards = await page.$$eval("#search-results .search-card", (items) => items.map((item) => ({
    name: item.querySelector("h2").innerText,
    matched: item.querySelector(".matched")?.innerText ?? "",
    sounds: item.classList.contains("fallback"),
  })));
  const guess = await page.$eval("#search-results", (root) => root.querySelector(".search-guess")?.innerText ?? "");
  return { page, cards, guess };
}

test("typing the last digits of a contact's phone finds the customer and says it was the phone", async () => {
  const { page, cards } = await typeQuery("1235");
  assert.equal(cards[0].name, "杭州华东医药商业有限公司", JSON.stringify(cards));
  assert.match(cards[0].matched, /…1235/);
  await page.close();
});

test("a contact's name shows the contact on the card", async () => {
  const { page, cards } = await typeQuery("周建国");
  assert.equal(cards[0].name, "杭州华东医药商业有限公司", JSON.stringify(cards));
  assert.match(cards[0].matched, /周建国/);
  await page.close();
});

test("pinyin, traditional characters and an id without its dash find the company", async () => {
  for (const q of ["huadong yiyao", "華東醫藥", "KH001", "hdyy"]) {
    const { page, cards } = await typeQuery(q);
    assert.equal(cards[0].name, "杭州华东医药商业有限公司", `${q}: ${JSON.stringify(cards)}`);
    await page.close();
  }
});

test("a homophone typo is answered by sound, marked, with a did-you-mean", async () => {
  const { page, cards, guess } = await typeQuery("华东医要");
  assert.equal(cards[0].name, "杭州华东医药商业有限公司", JSON.stringify(cards));
  assert.ok(cards[0].sounds, JSON.stringify(cards[0]));
  assert.match(guess, /杭州华东医药商业有限公司/);
  await page.close();
});

test("an address ending in a single character finds it", async () => {
  const { page, cards } = await typeQuery("莫干山路1088号");
  assert.equal(cards[0].name, "杭州华东医药商业有限公司", JSON.stringify(cards));
  await page.close();
});

test("facet counts are visible without opening a facet", async () => {
  const { page } = await typeQuery("华东");
  await page.waitForFunction(() => document.querySelectorAll('.search-facets details[data-field="region"] li').length > 0, null, { timeout: 20000 });
  const region = await page.$eval('.search-facets details[data-field="region"]', (d) => ({
    open: d.open,
    counts: [...d.querySelectorAll(".count")].map((c) => Number(c.innerText)),
  }));
  assert.ok(region.open);
  assert.ok(region.counts.length > 0 && region.counts.every((n) => n > 0), JSON.stringify(region));
  await page.close();
});

test("on a phone the first result is above the fold", async () => {
  const viewport = { width: 390, height: 844 };
  const { page, cards } = await typeQuery("华东", viewport);
  assert.ok(cards.length > 0);
  const top = await page.$eval("#search-results .search-card", (card) => card.getBoundingClientRect().top + window.scrollY);
  assert.ok(top + 40 < viewport.height, `first card starts at ${top}px`);
  await page.close();
});

test("a dossier opened from the results links back to them; opened directly it does not", async () => {
  const page = await chromium.newPage();
  const results = `${server.url}search/?q=${encodeURIComponent("华东")}`;
  await page.goto(results);
  await page.waitForFunction(() => document.documentElement.dataset.searchReady === "1", null, { timeout: 20000 });
  await Promise.all([page.waitForNavigation(), page.click("#search-results .search-card h2 a")]);
  const back = page.locator("a[data-back-to-results]");
  assert.ok(await back.isVisible(), "the link shows");
  assert.equal(await back.getAttribute("href"), results);
  const crumbs = await page.$$eval(".breadcrumb li", (items) => items.map((li) => li.innerText));
  assert.equal(crumbs[0], "客户");
  assert.equal(crumbs.length, 3, JSON.stringify(crumbs));
  // Opened from its address, the dossier offers no way "back" to results it never came from.
  await page.goto(page.url());
  assert.equal(await back.isVisible(), false);
  await page.close();
});

test("cards name an unrated grade in the page's language", async () => {
  const page = await chromium.newPage();
  await page.goto(`${server.url}search/?grade=unrated`);
  await page.waitForFunction(() => document.documentElement.dataset.searchReady === "1", null, { timeout: 20000 });
  const badges = await page.$$eval("#search-results .search-card .grade", (items) => items.map((b) => b.innerText));
  const facet = await page.$$eval('#search-results details[data-field="grade"] a[data-value="unrated"] span:first-child', (items) => items.map((s) => s.innerText));
  await page.close();
  assert.ok(badges.length > 0, "the example site has unrated customers");
  assert.ok(badges.every((b) => b === "未评级"), JSON.stringify(badges));
  assert.deepEqual(facet, ["未评级"]);
});
