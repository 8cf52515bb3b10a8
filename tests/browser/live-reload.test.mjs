// An open tab reloads by itself when a record is saved, and shows the diagnostics overlay while
// the site is invalid (issue: live preview); also when the preview is started the way README
// says, from the site folder with relative paths (issue 11).
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { browser, indexReplaced, repo, run, startDossier, startServe, tempDir } from "./lib.mjs";

test("the open page reloads on save, other tabs only when their page changed, open results use the new index, and all show the overlay while broken", async () => {
  const site = tempDir();
  run(["init", site, "-q"]);
  const server = await startServe(site);
  const chromium = await browser();
  try {
    const page = await chromium.newPage();
    await page.goto(`${server.url}customers/hangzhou-mingda/`);
    assert.match(await page.locator("h1").innerText(), /杭州明达医疗器械有限公司/);
    // The search page does not show the record: its tab is left alone.
    const other = await chromium.newPage();
    await other.goto(`${server.url}search/`);
    // A search tab with results for the record: after the save it must query the new index.
    const searching = await chromium.newPage();
    await searching.goto(`${server.url}search/?q=${encodeURIComponent("明达")}`);
    const names = () => [...document.querySelectorAll("#search-results .search-card h2")].map((h) => h.innerText);
    await searching.waitForFunction(() => document.documentElement.dataset.searchReady === "1", null, { timeout: 15000 });
    assert.equal((await searching.evaluate(names))[0], "杭州明达医疗器械有限公司");
    // A marker that only survives if the page is NOT reloaded.
    const mark = () => { window.__notReloaded = true; };
    await page.evaluate(mark);
    await other.evaluate(mark);
    await searching.evaluate(mark);

    const record = join(site, "content/customers/hangzhou-mingda.md");
    const original = readFileSync(record, "utf8");
    writeFileSync(record, original.replace("杭州明达医疗器械有限公司", "杭州明达医疗集团"));
    await page.waitForFunction(() => !window.__notReloaded && document.querySelector("h1")?.innerText.includes("杭州明达医疗集团"), null, { timeout: 15000 });
    // The rest of the site follows the dossier within milliseconds on this small site.
    await new Promise((done) => setTimeout(done, 1000));
    assert.equal(await other.evaluate(() => window.__notReloaded), true, "the search tab was reloaded");
    // The open results pick up the new index in place: the new name, found by the same query.
    await searching.waitForFunction(() => document.documentElement.dataset.searchReady === "1" &&
      document.querySelector("#search-results .search-card h2")?.innerText === "杭州明达医疗集团", null, { timeout: 15000 });
    assert.ok(!(await searching.evaluate(names)).includes("杭州明达医疗器械有限公司"));
    assert.equal(await searching.evaluate(() => window.__notReloaded), true, "the results tab was reloaded");

    writeFileSync(record, original.replace("stage: active", "stage: activ"));
    await page.waitForSelector("#dossier-overlay", { timeout: 15000 });
    const overlay = await page.locator("#dossier-overlay").innerText();
    assert.match(overlay, /content\/customers\/hangzhou-mingda\.md:4:8/);
    assert.match(overlay, /E014/);
    // Every tab shows what is wrong, whatever its page.
    await other.waitForSelector("#dossier-overlay", { timeout: 15000 });

    writeFileSync(record, original);
    await page.waitForFunction(() => !document.getElementById("dossier-overlay") && document.querySelector("h1")?.innerText.includes("杭州明达医疗器械有限公司"), null, { timeout: 15000 });
  } finally {
    await chromium.close();
    server.process.kill();
  }
});

/** The arguments of README's preview command, `cargo run --release -- serve`: what follows `--`. */
function readmeServeArgs() {
  const readme = readFileSync(join(repo, "README.md"), "utf8");
  const line = readme.split("\n").find((l) => l.startsWith("cargo run --release -- serve"));
  assert.ok(line, "README shows the preview command");
  return line.split("#")[0].trim().split(/\s+/).slice(4);
}

/** A copy of the example site of the repository (README's command previews the clone itself). */
function exampleSite() {
  const dir = tempDir();
  const site = join(dir, "example");
  mkdirSync(site);
  cpSync(join(repo, "site.yaml"), join(site, "site.yaml"));
  cpSync(join(repo, "content"), join(site, "content"), { recursive: true });
  return { dir, site };
}

/** Opens a dossier of `site` served at `url`, saves the record under a new name and waits for
 * the page to reload by itself and show it. */
async function reloadsOnSave(url, site) {
  const chromium = await browser();
  try {
    const page = await chromium.newPage();
    await page.goto(`${url}customers/hangzhou-huadong-pharma/`);
    assert.match(await page.locator("h1").innerText(), /杭州华东医药商业有限公司/);
    await page.evaluate(() => { window.__notReloaded = true; });
    const record = join(site, "content/customers/hangzhou-huadong-pharma.md");
    writeFileSync(record, readFileSync(record, "utf8").replace("杭州华东医药商业有限公司", "杭州华东医药集团"));
    await page.waitForFunction(() => !window.__notReloaded && document.querySelector("h1")?.innerText.includes("杭州华东医药集团"), null, { timeout: 15000 });
  } finally {
    await chromium.close();
  }
}

test("README's preview command, run in the site folder, reloads the page on save (native watcher)", async () => {
  const args = readmeServeArgs();
  assert.deepEqual(args, ["serve"]);
  const { site } = exampleSite();
  // As README says, from the site folder with relative paths; only the port differs, so that
  // tests running side by side do not collide on 1111.
  const server = await startDossier([...args, "--port", "0"], site);
  try {
    await reloadsOnSave(server.url, site);
  } finally {
    server.process.kill();
  }
});

test("a relative --root reloads the page on save (native watcher)", async () => {
  const { dir, site } = exampleSite();
  const server = await startDossier(["serve", "--root", "example", "--port", "0"], dir);
  try {
    await reloadsOnSave(server.url, site);
  } finally {
    server.process.kill();
  }
});

test("a results tab that missed the new index's announcement switches to it when the old one's files are gone", async () => {
  const site = tempDir();
  run(["init", site, "-q"]);
  const server = await startServe(site);
  const chromium = await browser();
  try {
    const deaf = await chromium.newPage();
    // No live-reload stream for this tab: like a deployed site updated under an open tab.
    await deaf.route("**/__dossier/events*", (route) => route.abort());
    await deaf.goto(`${server.url}search/?q=${encodeURIComponent("明达")}`);
    const ready = () => document.documentElement.dataset.searchReady === "1";
    await deaf.waitForFunction(ready, null, { timeout: 15000 });
    const loaded = await deaf.evaluate(() => fetch("/search/index.json").then((r) => r.json()).then((m) => m.id));

    const record = join(site, "content/customers/hangzhou-mingda.md");
    writeFileSync(record, readFileSync(record, "utf8").replace("杭州明达医疗器械有限公司", "杭州明达医疗集团"));
    await indexReplaced(server.url, loaded);

    // The same query sorted by name in the same tab: the tab holds the old index's manifest,
    // shard and cards, but the old name column is gone (404), so the client reads the manifest
    // again and answers from the new index.
    await deaf.evaluate(() => {
      history.pushState(null, "", "?q=" + encodeURIComponent("明达") + "&sort=name");
      window.dispatchEvent(new PopStateEvent("popstate"));
    });
    await deaf.waitForFunction(() => document.documentElement.dataset.searchReady === "1" &&
      document.querySelector("#search-results .search-card h2")?.innerText === "杭州明达医疗集团", null, { timeout: 15000 });
  } finally {
    await chromium.close();
    server.process.kill();
  }
});
