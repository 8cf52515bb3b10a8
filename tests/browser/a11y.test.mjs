// Third-party checkers over every page type of the example site, in Chinese and in English:
// axe-core in Chromium (no violation of any impact, WCAG and best-practice rules, light and dark
// scheme), no page wider than a 390 px phone, and the W3C Nu HTML checker (vnu) with zero errors
// on every page. The staff edition (an audience site, docs/audiences.md) gets axe-core and the Nu
// checker too: leaving out its hidden groups must not leave broken markup behind.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { browser, repo, run, serveStatic, tempDir } from "./lib.mjs";

const axeSource = readFileSync(join(repo, "tests/browser/node_modules/axe-core/axe.min.js"), "utf8");
const vnuJar = join(repo, "tests/browser/node_modules/vnu-jar/build/dist/vnu.jar");

/** Folders of generated lists whose pages repeat one template: one of each is enough. */
const LISTS = ["customers", "playbooks", "owners", "regions", "industries", "tags", "stages", "grades"];

const sites = {};
let chromium;

/** Builds the example site in `language` (site.yaml with only its language changed). */
function buildSite(language) {
  const dir = tempDir();
  const config = join(dir, "site.yaml");
  const text = readFileSync(join(repo, "site.yaml"), "utf8").replace(/^language: .*$/m, `language: ${language}`);
  assert.match(text, new RegExp(`^language: ${language}$`, "m"), "site.yaml names its language");
  writeFileSync(config, text);
  const out = join(dir, "public");
  run(["build", "--root", repo, "--config", config, "--out", out, "--quiet"]);
  return out;
}

/** One page of each type: the home page, every top-level page, and the first page under each list. */
function pageTypes(out) {
  const paths = [""];
  for (const entry of readdirSync(out, { withFileTypes: true })) {
    if (!entry.isDirectory() || !existsSync(join(out, entry.name, "index.html"))) continue;
    paths.push(`${entry.name}/`);
    if (!LISTS.includes(entry.name)) continue;
    const first = readdirSync(join(out, entry.name), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(out, entry.name, e.name, "index.html")))
      .map((e) => e.name)
      .sort()[0];
    if (first) paths.push(`${entry.name}/${first}/`);
  }
  return paths;
}

before(async () => {
  for (const language of ["zh-CN", "en"]) {
    const out = buildSite(language);
    sites[language] = { out, server: await serveStatic(out), paths: pageTypes(out) };
  }
  const staff = join(tempDir(), "public");
  run(["build", "--root", repo, "--audience", "staff", "--out", staff, "--quiet"]);
  sites.staff = { out: staff, server: await serveStatic(staff), paths: pageTypes(staff) };
  chromium = await browser();
});

after(async () => {
  await chromium?.close();
  for (const site of Object.values(sites)) site.server.close();
});

/** Shows `url` in `page`, waiting for the search results when it is the search page. */
async function show(page, url) {
  await page.goto(url);
  if (url.includes("/search/")) {
    await page.waitForFunction(() => document.documentElement.dataset.searchReady === "1", null, { timeout: 20000 });
  }
}

/** The search results page for 华东: highlighted matches, facets and counts. */
const SEARCH = "search/?q=%E5%8D%8E%E4%B8%9C";

test("the example site has every page type in both languages", () => {
  for (const site of [sites["zh-CN"], sites.en]) {
    for (const path of ["", "customers/", "rankings/", "credit/", "retention/", "satisfaction/", "service/",
      "prospects/", "playbooks/", "search/"]) {
      assert.ok(site.paths.includes(path), `${path} in ${site.paths}`);
    }
    assert.ok(site.paths.some((p) => /^customers\/[^/]+\/$/.test(p)), "a dossier page");
  }
});

for (const language of ["zh-CN", "en"]) {
  // Colours are all that changes with the scheme, so the dark pass runs only the contrast rule.
  for (const [scheme, rules] of [["light", undefined], ["dark", ["color-contrast"]]]) {
    test(`axe-core finds no violation of any impact (${language}, ${scheme})`, async () => {
      const site = sites[language];
      const context = await chromium.newContext({ colorScheme: scheme });
      const page = await context.newPage();
      const found = [];
      for (const path of [...site.paths, SEARCH]) {
        await show(page, site.server.url + path);
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async (only) => {
          const options = { resultTypes: ["violations"] };
          if (only) options.runOnly = { type: "rule", values: only };
          const result = await window.axe.run(document, options);
          return result.violations.map((v) =>
            `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
        }, rules);
        for (const v of violations) found.push(`/${path}: ${v}`);
      }
      await context.close();
      assert.deepEqual(found, []);
    });
  }

  test(`no page is wider than a 390 px phone, folded sections open (${language})`, async () => {
    const site = sites[language];
    const context = await chromium.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const wide = [];
    for (const path of [...site.paths, SEARCH]) {
      await show(page, site.server.url + path);
      // Folded sections count too: a reader opens them.
      const width = await page.evaluate(() => {
        for (const details of document.querySelectorAll("details")) details.open = true;
        return document.documentElement.scrollWidth;
      });
      if (width > 390) wide.push(`/${path}: ${width} px`);
    }
    await context.close();
    assert.deepEqual(wide, []);
  });
}

test("the staff edition has no page of what it hides, and axe-core finds no violation in it", async () => {
  const site = sites.staff;
  for (const hidden of ["credit/", "grades/"]) assert.ok(!site.paths.includes(hidden), `${hidden} in the staff edition`);
  assert.ok(site.paths.includes("rankings/"), "staff see sales");
  const page = await chromium.newPage();
  const found = [];
  for (const path of [...site.paths, SEARCH]) {
    await show(page, site.server.url + path);
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () =>
      (await window.axe.run(document, { resultTypes: ["violations"] })).violations.map((v) => `${v.id} (${v.impact})`));
    for (const v of violations) found.push(`/${path}: ${v}`);
  }
  await page.close();
  assert.deepEqual(found, []);
});

test("the W3C Nu HTML checker finds no error on any page (zh-CN, en and the staff edition)", { timeout: 600000 }, () => {
  const result = spawnSync("java", ["-Xss4m", "-jar", vnuJar, "--errors-only", "--skip-non-html", "--format", "text",
    sites["zh-CN"].out, sites.en.out, sites.staff.out], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  assert.equal(result.error, undefined, `java could not run: ${result.error}`);
  assert.equal(result.status, 0, `vnu reported errors:\n${(result.stdout + result.stderr).slice(0, 20000)}`);
});

test("without JavaScript the customer index shows no filter bar that would do nothing", async () => {
  const site = sites["zh-CN"];
  const context = await chromium.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${site.server.url}customers/`);
  assert.equal(await page.locator(".table-tools").count(), 1);
  assert.equal(await page.locator(".table-tools").isVisible(), false);
  assert.ok(await page.locator("#customer-table tbody tr").first().isVisible());
  await context.close();

  const scripted = await chromium.newPage();
  await scripted.goto(`${site.server.url}customers/`);
  await scripted.locator(".table-tools").waitFor({ state: "visible" });
  await scripted.close();
});

test("a printed dossier shows what the screen folds away, with a handout line", async () => {
  const site = sites["zh-CN"];
  const page = await chromium.newPage();
  await page.goto(`${site.server.url}customers/beijing-jingbei-electronics/`);
  const invoices = page.getByText(/INV-\d{4}-\d{4}/);
  const count = await invoices.count();
  assert.ok(count >= 4, `the dossier lists its invoices (${count})`);
  const visible = async () => {
    let shown = 0;
    for (let i = 0; i < count; i++) if (await invoices.nth(i).isVisible()) shown++;
    return shown;
  };
  assert.equal(await visible(), 0, "on screen the payments are folded");
  await page.emulateMedia({ media: "print" });
  assert.equal(await visible(), count, "in print every invoice shows");
  const handout = await page.locator(".handout").innerText();
  // The build date is the date of the repository's HEAD commit (the example site is built from this clone).
  const head = execFileSync("git", ["-C", repo, "log", "-1", "--format=%cs", "HEAD"], { encoding: "utf8" }).trim();
  const [y, m, d] = head.split("-").map(Number);
  assert.equal(
    handout.replace(/127\.0\.0\.1:\d+/, "HOST"),
    `客户档案 · 北京京北电子科技股份有限公司 · 数据截至 2025年12月31日 · 生成于 ${y}年${m}月${d}日 · http://HOST/customers/beijing-jingbei-electronics/`,
  );
  // The printed PDF holds every payment's invoice number (its text read back with poppler's
  // pdftotext, which scripts/install-test-deps installs).
  const invoiceNumbers = await invoices.evaluateAll((rows) =>
    rows.map((row) => row.textContent.match(/INV-\d{4}-\d{4}/)?.[0]).filter(Boolean));
  assert.ok(invoiceNumbers.length >= 4, `invoice numbers on the page: ${invoiceNumbers}`);
  const pdfPath = join(tempDir(), "dossier.pdf");
  writeFileSync(pdfPath, await page.pdf({ format: "A4" }));
  const printed = execFileSync("pdftotext", ["-layout", pdfPath, "-"], { encoding: "utf8" });
  for (const number of invoiceNumbers) assert.ok(printed.includes(number), `${number} in the PDF`);
  await page.close();
});

test("a phone shows two dashboard cards per row and keeps a wide table's first column; a desktop never breaks an id or a stage", async () => {
  const site = sites["zh-CN"];
  const phone = await chromium.newPage({ viewport: { width: 390, height: 844 } });
  await phone.goto(site.server.url);
  const tops = await phone.evaluate(() =>
    [...document.querySelectorAll(".stat-grid .stat")].slice(0, 3).map((e) => Math.round(e.getBoundingClientRect().top)));
  assert.equal(tops[0], tops[1], `two cards side by side: ${tops}`);
  assert.ok(tops[2] > tops[0], `the third on the next row: ${tops}`);
  // A wide table scrolls in its box, its first column kept in view.
  await phone.goto(`${site.server.url}customers/`);
  await phone.waitForSelector("#customer-table[data-ready]");
  const kept = await phone.evaluate(() => {
    const box = document.querySelector(".table-scroll");
    box.scrollLeft = 300;
    const first = document.querySelector("#customer-table tbody tr td");
    return [box.scrollLeft, Math.round(first.getBoundingClientRect().left - box.getBoundingClientRect().left)];
  });
  assert.ok(kept[0] > 0, `the table scrolls (${kept})`);
  assert.equal(kept[1], 0, "the first column stays at the box's edge");
  await phone.close();
  // A narrow desktop window (or a tablet) is where the table squeezes its columns.
  const desktop = await chromium.newPage({ viewport: { width: 720, height: 800 } });
  await desktop.goto(`${site.server.url}customers/`);
  const broken = await desktop.evaluate(() => {
    const lines = (cell) => {
      const range = document.createRange();
      range.selectNodeContents(cell);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    };
    return [...document.querySelectorAll("#customer-table tbody tr")].flatMap((row) =>
      [row.cells[0], row.cells[2]].filter((cell) => lines(cell) > 1).map((cell) => cell.textContent));
  });
  assert.deepEqual(broken, []);
  await desktop.close();
});
