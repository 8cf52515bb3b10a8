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
    name: item.querySelector("h3").innerText,
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
