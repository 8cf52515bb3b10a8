// Shared helpers for the browser tests: the dossier binary, a static file server for a built
// site, and Debian's Chromium driven by playwright-core (never a downloaded browser).
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, extname, normalize, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The dossier binary that `cargo test` builds (scripts/test runs it first). The example site
 * builds in a third of a second with it, and a release build would add minutes to the suite. */
export const dossier = process.env.DOSSIER_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(repo, "target"), "debug/dossier");

export function run(args, options = {}) {
  const result = spawnSync(dossier, args, { encoding: "utf8", ...options });
  if (result.status !== 0) {
    throw new Error(`dossier ${args.join(" ")} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

export function tempDir(prefix = "dossier-browser-") {
  return mkdtempSync(join(tmpdir(), prefix));
}

const types = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript",
  ".json": "application/json", ".svg": "image/svg+xml", ".csv": "text/csv", ".gz": "application/gzip",
  ".woff2": "font/woff2", ".png": "image/png",
};

/** Serves a folder on 127.0.0.1 like a plain web host; resolves to { url, close, requests }. */
export function serveStatic(folder) {
  const requests = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = normalize(join(folder, path));
    if (!file.startsWith(folder)) { res.writeHead(400).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    requests.push({ path, bytes: existsSync(file) ? statSync(file).size : 0 });
    if (!existsSync(file)) { res.writeHead(404, { "content-type": "text/html" }).end(readFileSync(join(folder, "404.html"))); return; }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => {
    ok({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close(), requests });
  }));
}

export async function browser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}

/** Starts `dossier serve` on a free port and resolves to { url, process } once it prints its URL. */
export function startServe(root, extra = []) {
  return startDossier(["serve", "--root", root, "--port", "0", ...extra]);
}

/** Runs dossier with `args` in the folder `cwd` (this one by default) until it prints the URL it
 * serves; resolves to { url, process }. */
export function startDossier(args, cwd = undefined) {
  const child = spawn(dossier, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((ok, fail) => {
    let out = "";
    const timer = setTimeout(() => fail(new Error(`dossier serve printed no URL:\n${out}`)), 30000);
    const look = (chunk) => {
      out += chunk;
      const match = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (match) { clearTimeout(timer); ok({ url: match[0], process: child }); }
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
    child.on("exit", (code) => fail(new Error(`dossier serve exited ${code}:\n${out}`)));
  });
}

/** The rows of a CSV export (RFC 4180, CRLF, a byte order mark) as objects by header. */
export function readCsv(file) {
  const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  const rows = [];
  let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { row.push(cell); cell = ""; }
    else if (ch === "\r" && text[i + 1] === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; i++; }
    else cell += ch;
  }
  const [keys, ...lines] = rows;
  return lines.map((line) => Object.fromEntries(line.map((v, i) => [keys[i], v])));
}

/** Writes `gen-corpus --count COUNT --seed SEED` into a new folder, builds and serves it: `{out, server}`. */
export async function generatedSite(count, seed) {
  const dir = tempDir();
  const gen = join(dossier, "..", "gen-corpus");
  const made = spawnSync(gen, ["--count", String(count), "--seed", String(seed), "--out", join(dir, "site")], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`gen-corpus failed: ${made.stderr}`);
  return buildAndServe(join(dir, "site"));
}

/** Builds the site at `root` into a new folder and serves it: `{out, server}`. */
export async function buildAndServe(root) {
  const out = join(tempDir(), "public");
  run(["build", "--root", root, "--out", out, "--quiet"]);
  return { out, server: await serveStatic(out) };
}

/** Resolves once the search index the preview at `url` serves is no longer the one named
 * `id` (polled from Node: a page's waitForFunction does not wait for a promise it returns). */
export async function indexReplaced(url, id, timeout = 15000) {
  const until = Date.now() + timeout;
  for (;;) {
    const manifest = await fetch(new URL("search/index.json", url)).then((r) => r.json());
    if (manifest.id !== id) return manifest.id;
    if (Date.now() > until) throw new Error(`the search index is still ${id} after ${timeout} ms`);
    await new Promise((wake) => setTimeout(wake, 100));
  }
}
