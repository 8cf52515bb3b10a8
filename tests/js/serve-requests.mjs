// Requests per second of the preview server (a benchmark, not a test):
//
//   node tests/js/serve-requests.mjs [DOSSIER_BINARY] [SITE]
//
// Starts `dossier serve` on a free port (default: target/release/dossier on a fresh
// `dossier init` site), then fetches /static/style.css 1,600 times from 16 concurrent clients,
// first with a new connection per request, then over kept-alive connections (as browsers load a
// page's assets), three rounds each, and prints the time of each round.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const binary = process.argv[2] ?? join(repo, 'target/release/dossier');
let site = process.argv[3];
if (!site) {
  site = join(mkdtempSync(join(tmpdir(), 'dossier-bench-')), 'site');
  spawnSync(binary, ['init', site, '-q'], { stdio: 'inherit' });
}

const server = spawn(binary, ['serve', '--port', '0', '--root', site], { stdio: ['ignore', 'pipe', 'ignore'] });
const url = await new Promise((ok) => {
  let out = '';
  server.stdout.on('data', (chunk) => {
    out += chunk;
    const match = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
    if (match) ok(match[0]);
  });
});

function get(agent) {
  return new Promise((ok, fail) => {
    http.get(`${url}static/style.css`, { agent }, (response) => {
      response.resume();
      response.on('end', () => ok(response.statusCode));
    }).on('error', fail);
  });
}

async function round(agent) {
  const started = performance.now();
  const clients = Array.from({ length: 16 }, async () => {
    let ok = 0;
    for (let i = 0; i < 100; i += 1) ok += (await get(agent)) === 200 ? 1 : 0;
    return ok;
  });
  const ok = (await Promise.all(clients)).reduce((a, b) => a + b, 0);
  return { ok, ms: performance.now() - started };
}

for (const [label, options] of [['new connection per request', { keepAlive: false }], ['kept-alive connections', { keepAlive: true }]]) {
  for (let i = 0; i < 3; i += 1) {
    const agent = new http.Agent({ ...options, maxSockets: 16 });
    const { ok, ms } = await round(agent);
    agent.destroy();
    console.log(`${label}: ${ok} of 1600 answered in ${ms.toFixed(0)} ms`);
  }
}
server.kill();
