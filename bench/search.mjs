#!/usr/bin/env node
// Search benchmark: iehp's index side by side with Pagefind's, over the same built site, in
// one run. Prints a table; figures from one run are comparable with each other only.
//
//   node bench/search.mjs [--sizes 1000,10000,100000] [--runs 3] [--query-size 10000]
//                         [--pagefind-sizes 1000,10000] [--work /tmp/iehp-bench-search]
//   node bench/search.mjs --relevance-only [--bin target/debug/iehp]
//
// For each size: a synthetic hub (../shared/bench/gen.py), `iehp build` (release), the time of
// its search index stage (IEHP_TIMINGS) and the index's total size; Pagefind (npm package
// `pagefind`, installed into the work folder) run over the built output folder, limited to the pages iehp's
// index covers (item and occupation pages, both languages), timed and sized the same way.
// At --query-size, both are driven in headless Debian chromium: the bytes a first query
// downloads (empty cache; engine code and index files counted, not the HTML page), and query
// times once the query's files are in (p50/p95 over every run of every query).
// Relevance: the suite of tests/search/relevance-queries.json on the hub's own content (content/),
// with its mean reciprocal rank (MRR).
// Sizes "as a CDN serves them": each file gzip -6 and brotli -5, or as is when that is smaller
// (Pagefind pre-compresses its binary files). Peak memory: maximum resident set size, from
// GNU time. Pagefind is run at 100,000 items only when asked (--pagefind-sizes): there it
// outgrew a 24 GB machine (killed at 21 GB resident), which also puts other work at risk.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { serve } from '../tests/search/serve.mjs';
import { launch } from '../tests/search/browser.mjs';
import { evaluate, report, QUERIES as SUITE } from '../tests/search/suite.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GEN = path.join(REPO, '..', 'shared', 'bench', 'gen.py');
const PAGEFIND = 'pagefind@1.6.0';
const NOW = '2025-09-01';
const QUERIES = ['nurse', 'registered nurses', 'kinesiologist', '31301', '32120', 'Montreal',
  'physiotherapst', 'Calgary', 'career fair', 'licensure', 'mentorship', 'microloans', 'pharmacists',
  'Saint-Boniface', 'dental hygienist', 'Whitehorse', 'exam preparation', 'webinar', 'Sherbrooke',
  'occupational therapists'];
const TIMED_RUNS = 20;

function args() {
  const a = { sizes: [1000, 10000, 100000], runs: 3, querySize: 10000, pagefindSizes: null, work: '/tmp/iehp-bench-search', bin: null, relevanceOnly: false };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1];
    if (argv[i] === '--relevance-only') { a.relevanceOnly = true; i--; }
    else if (argv[i] === '--bin') a.bin = path.resolve(v);
    else if (argv[i] === '--sizes') a.sizes = v.split(',').map(Number);
    else if (argv[i] === '--runs') a.runs = Number(v);
    else if (argv[i] === '--query-size') a.querySize = Number(v);
    else if (argv[i] === '--pagefind-sizes') a.pagefindSizes = v.split(',').map(Number);
    else if (argv[i] === '--work') a.work = v;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  a.pagefindSizes = a.pagefindSizes || a.sizes.filter((n) => n <= 10000);
  if (!a.sizes.includes(a.querySize)) a.sizes.push(a.querySize);
  return a;
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs, p) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

const sizeCache = new Map();
// [raw, gzip, brotli] of one file as a CDN would serve it.
function served(file) {
  let s = sizeCache.get(file);
  if (!s) {
    const b = fs.readFileSync(file);
    const gz = zlib.gzipSync(b, { level: 6 }).length;
    const br = zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }).length;
    s = [b.length, Math.min(b.length, gz), Math.min(b.length, br)];
    sizeCache.set(file, s);
  }
  return s;
}

function sum(files) {
  const t = [0, 0, 0];
  for (const f of files) served(f).forEach((v, i) => { t[i] += v; });
  return t;
}

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out); else out.push(p);
  }
  return out;
}

function generate(n, dir) {
  if (!fs.existsSync(path.join(dir, 'content', 'site.yaml'))) {
    execFileSync('python3', [GEN, '--format', 'iehp', '--n', String(n), '--seed', '1', dir], { stdio: 'ignore' });
  }
}

const TIME = '/usr/bin/time';

// Runs a command under GNU time (when installed) for its peak memory: { r, wall, rssMB }.
function timed(cmd, argv, options) {
  const rss = path.join(fs.mkdtempSync('/tmp/iehp-bench-time-'), 'rss');
  const wrap = fs.existsSync(TIME);
  const t0 = process.hrtime.bigint();
  const r = wrap ? spawnSync(TIME, ['-f', '%M', '-o', rss, cmd, ...argv], options) : spawnSync(cmd, argv, options);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const kb = wrap && fs.existsSync(rss) ? Number(fs.readFileSync(rss, 'utf8').trim().split('\n').pop()) : NaN;
  return { r, wall, rssMB: kb / 1024 };
}

// One `iehp build`: seconds of the search index stage and of the whole build, peak memory.
function build(bin, root, out) {
  const { r, wall, rssMB } = timed(bin, ['build', '--now', NOW, '--root', root, '--out', out], {
    env: { ...process.env, IEHP_TIMINGS: '1' }, encoding: 'utf8', maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`iehp build failed:\n${r.stderr}`);
  const m = r.stderr.match(/search index: ([\d.]+) s/);
  if (!m) throw new Error('no search index timing in the build output');
  return { index: Number(m[1]), wall, rssMB };
}

const GLOB = '**/{portals,events,members,programs,occupations,pathways,organizations}/*/index.html';

function pagefind(out) {
  fs.rmSync(path.join(out, 'pagefind'), { recursive: true, force: true });
  // Installed once into the work folder (not the repository's package.json: the registry
  // mirror lacks Pagefind's other-platform packages, which `npm ci` would then ask for).
  const prefix = path.join(path.dirname(out), 'pagefind-npm');
  const exe = path.join(prefix, 'node_modules', '.bin', 'pagefind');
  if (!fs.existsSync(exe)) {
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', PAGEFIND], { stdio: 'ignore' });
  }
  const { r, wall, rssMB } = timed(exe, ['--site', out, '--output-subdir', 'pagefind', '--glob', GLOB], {
    cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 26,
  });
  if (r.status !== 0) {
    return { error: `failed (${r.signal || `exit ${r.status}`}${Number.isFinite(rssMB) ? `, ${(rssMB / 1024).toFixed(1)} GB resident` : ''})` };
  }
  const m = r.stdout.match(/Finished in ([\d.]+) seconds/);
  const pages = r.stdout.match(/Indexed (\d+) pages/g).map((s) => Number(s.match(/\d+/)[0])).pop();
  return { time: m ? Number(m[1]) : wall, pages, rssMB };
}

const BENCH_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pagefind</title>
<script type="module" src="/__bench/pagefind-bench.js"></script></head><body></body></html>`;

// Runs Pagefind's own JS API the way a search page would: a search, then the data of the first
// ten results (Pagefind keeps titles and excerpts in per-page fragments).
const BENCH_JS = `
const q = new URLSearchParams(location.search).get('q');
const pagefind = await import('/pagefind/pagefind.js');
const search = await pagefind.search(q);
await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
window.pagefind = pagefind;
document.title = 'done ' + search.results.length;
`;

async function firstQueries(browser, server, out, engine) {
  const rows = [];
  for (const q of QUERIES) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const urls = [];
    page.on('response', (r) => urls.push(new URL(r.url()).pathname));
    if (engine === 'iehp') {
      await page.goto(`${server.url}/search/?q=${encodeURIComponent(q)}`);
      await page.waitForFunction(() => /\d|No results/.test(document.querySelector('#search-status').textContent) &&
        !document.querySelector('#search-status').textContent.includes('…'));
      await page.waitForLoadState('networkidle');
    } else {
      await page.goto(`${server.url}/__bench/pagefind.html?q=${encodeURIComponent(q)}`);
      await page.waitForFunction(() => document.title.startsWith('done'), null, { timeout: 60000 });
      await page.waitForLoadState('networkidle');
    }
    const files = urls
      // The engine's code counts like Pagefind's: the client is published as assets/search.<hash>.js.
      .filter((u) => (engine === 'iehp' ? /^\/(search\/data\/|assets\/search\.[0-9a-f]+\.js$)/.test(u) : u.startsWith('/pagefind/')))
      .map((u) => path.join(out, decodeURIComponent(u)));
    rows.push({ q, files: files.length, bytes: sum(files) });
    await context.close();
  }
  return rows;
}

async function queryTimes(browser, server, engine) {
  const context = await browser.newContext();
  const page = await context.newPage();
  let times;
  if (engine === 'iehp') {
    await page.goto(`${server.url}/search/`);
    times = await page.evaluate(async ({ queries, runs }) => {
      const root = document.getElementById('search');
      const { Index } = await import(document.querySelector('script[type=module]').src);
      const index = new Index(root.dataset.manifest, async (u) => (await fetch(u)).json());
      const out = [];
      for (const q of queries) {
        await index.search(q, {});
        for (let i = 0; i < runs; i++) {
          const t0 = performance.now();
          await index.search(q, {});
          out.push(performance.now() - t0);
        }
      }
      return out;
    }, { queries: QUERIES, runs: TIMED_RUNS });
  } else {
    await page.goto(`${server.url}/__bench/pagefind.html?q=nurse`);
    await page.waitForFunction(() => document.title.startsWith('done'), null, { timeout: 60000 });
    times = await page.evaluate(async ({ queries, runs }) => {
      const out = [];
      for (const q of queries) {
        await window.pagefind.search(q);
        for (let i = 0; i < runs; i++) {
          const t0 = performance.now();
          await window.pagefind.search(q);
          out.push(performance.now() - t0);
        }
      }
      return out;
    }, { queries: QUERIES, runs: TIMED_RUNS });
  }
  await context.close();
  return times;
}

const kb = (b) => (b / 1024).toFixed(1);
const mb = (b) => (b / 1048576).toFixed(1);

// The relevance suite on the hub's own content, with the client the build published.
async function relevance(bin, work) {
  const out = path.join(work, 'out-hub');
  fs.rmSync(out, { recursive: true, force: true });
  execFileSync(bin, ['build', '--now', NOW, '--root', REPO, '--out', out], { stdio: 'ignore' });
  const assets = path.join(out, 'assets');
  const client = fs.readdirSync(assets).find((f) => /^search\.[0-9a-f]{10}\.js$/.test(f));
  const copy = path.join(fs.mkdtempSync('/tmp/iehp-bench-client-'), 'search.mjs');
  fs.copyFileSync(path.join(assets, client), copy);
  const { Index } = await import(copy);
  const html = fs.readFileSync(path.join(out, 'search', 'index.html'), 'utf8');
  const manifest = html.match(/data-manifest="([^"]+)"/)[1];
  const index = new Index(manifest, async (u) => JSON.parse(fs.readFileSync(path.join(out, u), 'utf8')));
  return evaluate(index);
}

async function main() {
  const a = args();
  fs.mkdirSync(a.work, { recursive: true });
  if (!a.bin) {
    console.error('building iehp (release)…');
    execFileSync('cargo', ['build', '--release', '--quiet'], { cwd: REPO, stdio: 'inherit' });
  }
  const bin = a.bin || path.join(REPO, 'target', 'release', 'iehp');
  console.error('relevance suite on content/…');
  const suite = await relevance(bin, a.work);
  if (a.relevanceOnly) {
    console.log(`${report(suite)}\n**MRR ${suite.mrr.toFixed(3)}**`);
    return;
  }
  const sizes = [...new Set(a.sizes)].sort((x, y) => x - y);
  const builds = [];
  for (const n of sizes) {
    const root = path.join(a.work, `hub-${n}`);
    const out = path.join(a.work, `out-${n}`);
    console.error(`${n} items: generating, building…`);
    generate(n, root);
    const runs = n >= 100000 ? 1 : a.runs;
    const times = [];
    for (let r = 0; r < runs; r++) times.push(build(bin, root, out));
    const index = walk(path.join(out, 'search', 'data'));
    const row = {
      n, runs, index: median(times.map((t) => t.index)), wall: median(times.map((t) => t.wall)),
      rssMB: median(times.map((t) => t.rssMB)), files: index.length, size: sum(index),
    };
    if (a.pagefindSizes.includes(n)) {
      console.error(`${n} items: pagefind…`);
      const pf = pagefind(out);
      const files = pf.error ? [] : walk(path.join(out, 'pagefind'));
      row.pagefind = { ...pf, files: files.length, size: sum(files) };
    } else {
      fs.rmSync(path.join(out, 'pagefind'), { recursive: true, force: true });
    }
    builds.push(row);
  }

  const out = path.join(a.work, `out-${a.querySize}`);
  const benchDir = path.join(a.work, 'bench-page');
  fs.mkdirSync(benchDir, { recursive: true });
  fs.writeFileSync(path.join(benchDir, 'pagefind.html'), BENCH_HTML);
  fs.writeFileSync(path.join(benchDir, 'pagefind-bench.js'), BENCH_JS);
  const server = await serve({ '/': out, '/__bench/': benchDir });
  const browser = await launch();
  console.error(`${a.querySize} items: first queries and query times in chromium…`);
  const first = { iehp: await firstQueries(browser, server, out, 'iehp') };
  const times = { iehp: await queryTimes(browser, server, 'iehp') };
  if (fs.existsSync(path.join(out, 'pagefind'))) {
    first.pagefind = await firstQueries(browser, server, out, 'pagefind');
    times.pagefind = await queryTimes(browser, server, 'pagefind');
  }
  await browser.close();
  await server.close();

  const lines = [];
  const p = (s) => lines.push(s);
  p(`\nSearch benchmark (one run; ${new Date().toISOString().slice(0, 10)}; ${QUERIES.length} queries)\n`);
  p('Index build and size (iehp: the search index stage of `iehp build`, median of runs; Pagefind: its own run over the built site)');
  p('| items | iehp index time | whole build (peak memory) | iehp index files | iehp size raw / gzip / brotli | Pagefind time (peak memory) | Pagefind files | Pagefind size raw / gzip / brotli |');
  p('|---|---|---|---|---|---|---|---|');
  const gb = (m) => (Number.isFinite(m) ? `${(m / 1024).toFixed(2)} GB` : '?');
  for (const b of builds) {
    const pf = b.pagefind;
    const theirs = !pf ? 'not run | – | – |' : pf.error ? `${pf.error} | – | – |`
      : `${pf.time.toFixed(1)} s, ${pf.pages} pages (${gb(pf.rssMB)}) | ${pf.files} | ${mb(pf.size[0])} / ${mb(pf.size[1])} / ${mb(pf.size[2])} MB |`;
    p(`| ${b.n.toLocaleString('en')} | ${b.index.toFixed(2)} s | ${b.wall.toFixed(1)} s (${gb(b.rssMB)}) | ${b.files} | ${mb(b.size[0])} / ${mb(b.size[1])} / ${mb(b.size[2])} MB | ${theirs}`);
  }
  p(`\nFirst query at ${a.querySize.toLocaleString('en')} items (empty cache; KB as served, gzip / brotli)`);
  p('| query | iehp files | iehp KB | Pagefind files | Pagefind KB | iehp / Pagefind (brotli) |');
  p('|---|---|---|---|---|---|');
  QUERIES.forEach((q, i) => {
    const o = first.iehp[i], f = first.pagefind?.[i];
    p(`| ${q} | ${o.files} | ${kb(o.bytes[1])} / ${kb(o.bytes[2])} | ` +
      (f ? `${f.files} | ${kb(f.bytes[1])} / ${kb(f.bytes[2])} | ${(o.bytes[2] / f.bytes[2]).toFixed(2)} |` : '– | – | – |'));
  });
  const med = (rows, k) => median(rows.map((r) => r.bytes[k]));
  p(`| **median** | | ${kb(med(first.iehp, 1))} / ${kb(med(first.iehp, 2))} | | ` +
    (first.pagefind ? `${kb(med(first.pagefind, 1))} / ${kb(med(first.pagefind, 2))} | ${(med(first.iehp, 2) / med(first.pagefind, 2)).toFixed(2)} |` : '– | – |'));
  p(`\nQuery time at ${a.querySize.toLocaleString('en')} items, files already in (chromium, ${TIMED_RUNS} runs of each query)`);
  p('| engine | p50 | p95 | max |');
  p('|---|---|---|---|');
  for (const [e, t] of Object.entries(times)) {
    p(`| ${e} | ${pct(t, 50).toFixed(2)} ms | ${pct(t, 95).toFixed(2)} ms | ${Math.max(...t).toFixed(2)} ms |`);
  }
  p(`\nRelevance suite on content/ (${SUITE.length} queries, tests/search/relevance-queries.json)`);
  p('```');
  p(report(suite));
  p('```');
  p(`**MRR ${suite.mrr.toFixed(3)}**`);
  console.log(lines.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
