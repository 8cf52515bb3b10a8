// An open tab reloads by itself when a record is saved, and shows the diagnostics overlay while
// the site is invalid (issue: live preview).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { browser, run, startServe, tempDir } from "./lib.mjs";

test("the open page reloads on save and shows the overlay while broken", async () => {
  const site = tempDir();
  run(["init", site, "-q"]);
  const server = await startServe(site);
  const chromium = await browser();
  try {
    const page = await chromium.newPage();
    await page.goto(`${server.url}customers/hangzhou-mingda/`);
    assert.match(await page.locator("h1").innerText(), /杭州明达医疗器械有限公司/);
    // A marker that only survives if the page is NOT reloaded.
    await page.evaluate(() => { window.__notReloaded = true; });

    const record = join(site, "content/customers/hangzhou-mingda.md");
    const original = readFileSync(record, "utf8");
    writeFileSync(record, original.replace("杭州明达医疗器械有限公司", "杭州明达医疗集团"));
    await page.waitForFunction(() => !window.__notReloaded && document.querySelector("h1")?.innerText.includes("杭州明达医疗集团"), null, { timeout: 15000 });

    writeFileSync(record, original.replace("stage: active", "stage: activ"));
    await page.waitForSelector("#dossier-overlay", { timeout: 15000 });
    const overlay = await page.locator("#dossier-overlay").innerText();
    assert.match(overlay, /content\/customers\/hangzhou-mingda\.md:4:8/);
    assert.match(overlay, /E014/);

    writeFileSync(record, original);
    await page.waitForFunction(() => !document.getElementById("dossier-overlay") && document.querySelector("h1")?.innerText.includes("杭州明达医疗器械有限公司"), null, { timeout: 15000 });
  } finally {
    await chromium.close();
    server.process.kill();
  }
});
