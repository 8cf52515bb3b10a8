// An open tab reloads by itself when a record is saved, and shows the diagnostics overlay while
// the site is invalid (issue: live preview).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { browser, run, startServe, tempDir } from "./lib.mjs";

test("the open page reloads on save, other tabs only when their page changed, and all show the overlay while broken", async () => {
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
    // A marker that only survives if the page is NOT reloaded.
    const mark = () => { window.__notReloaded = true; };
    await page.evaluate(mark);
    await other.evaluate(mark);

    const record = join(site, "content/customers/hangzhou-mingda.md");
    const original = readFileSync(record, "utf8");
    writeFileSync(record, original.replace("杭州明达医疗器械有限公司", "杭州明达医疗集团"));
    await page.waitForFunction(() => !window.__notReloaded && document.querySelector("h1")?.innerText.includes("杭州明达医疗集团"), null, { timeout: 15000 });
    // The rest of the site follows the dossier within milliseconds on this small site.
    await new Promise((done) => setTimeout(done, 1000));
    assert.equal(await other.evaluate(() => window.__notReloaded), true, "the search tab was reloaded");

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
