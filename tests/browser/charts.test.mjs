// Charts on a phone (390 px wide), in Chromium, on the built example site: every chart fits the
// screen, its value labels are legible and do not run into each other, and each keeps its
// hidden table.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { browser, buildAndServe, repo } from "./lib.mjs";

let server;
let chromium;

before(async () => {
  ({ server } = await buildAndServe(repo));
  chromium = await browser();
});

after(async () => {
  await chromium?.close();
  server?.close();
});

const PHONE = { width: 390, height: 844 };

/** Every chart of a page as a phone shows it: its box, its value labels' boxes and font size. */
async function chartsOnPhone(path) {
  const page = await chromium.newPage({ viewport: PHONE });
  await page.goto(new URL(path, server.url).href);
  const found = await page.$$eval("figure.chart", (figures) => figures.map((figure) => {
    const box = (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height }; };
    return {
      id: figure.id,
      svg: box(figure.querySelector("svg")),
      values: [...figure.querySelectorAll(".chart-values text")].map((t) => ({ text: t.textContent, ...box(t) })),
      rows: figure.querySelectorAll(".visually-hidden table tbody tr").length,
    };
  }));
  const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.close();
  return { charts: found, pageWidth };
}

const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

for (const path of ["", "retention/", "rankings/", "credit/", "satisfaction/"]) {
  test(`charts of /${path} fit a phone with legible, separate value labels`, async () => {
    const { charts, pageWidth } = await chartsOnPhone(path);
    assert.ok(charts.length > 0, "the page has charts");
    if (path === "" || path === "retention/") assert.ok(charts.some((c) => c.values.length > 0), "some chart carries its values");
    assert.ok(pageWidth <= PHONE.width, `the page is ${pageWidth} px wide`);
    for (const chart of charts) {
      assert.ok(chart.svg.left >= 0 && chart.svg.right <= PHONE.width, `${chart.id} fits: ${JSON.stringify(chart.svg)}`);
      assert.ok(chart.rows > 0, `${chart.id} keeps its hidden table`);
      for (const value of chart.values) {
        assert.ok(value.height >= 8, `${chart.id} "${value.text}" is ${value.height} px high`);
        assert.ok(value.left >= chart.svg.left - 1 && value.right <= chart.svg.right + 1, `${chart.id} "${value.text}" inside the chart`);
      }
      chart.values.forEach((a, i) => chart.values.slice(i + 1).forEach((b) => {
        assert.ok(!overlap(a, b), `${chart.id}: "${a.text}" runs into "${b.text}"`);
      }));
    }
  });
}

test("the retention page has the churn-by-reason chart and the Pareto chart its share axis", async () => {
  const retention = await chartsOnPhone("retention/");
  assert.ok(retention.charts.some((c) => c.id === "chart-churn-reasons"), JSON.stringify(retention.charts.map((c) => c.id)));
  const page = await chromium.newPage({ viewport: PHONE });
  await page.goto(new URL("rankings/", server.url).href);
  const shareTicks = await page.$$eval("#chart-pareto .chart-axis-right .chart-ticks text", (ts) => ts.map((t) => t.textContent));
  const dashed = await page.$eval("#chart-pareto .chart-reference", (l) => getComputedStyle(l).strokeDasharray);
  await page.close();
  assert.deepEqual(shareTicks, ["0%", "20%", "40%", "60%", "80%", "100%"]);
  assert.notEqual(dashed, "none");
});
