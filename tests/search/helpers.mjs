// Shared by the node tests of search: builds a site with the real iehp binary and loads the
// client exactly as the build published it (assets/search.<hash>.js), reading index files
// from the output folder instead of fetching them.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const NOW = '2025-09-01';

let built = false;
// The debug binary, rebuilt if the sources changed (a no-op after `cargo test`).
export function binary() {
  if (process.env.IEHP_BIN) return process.env.IEHP_BIN;
  if (!built) {
    execFileSync('cargo', ['build', '--quiet'], { cwd: REPO, stdio: 'inherit' });
    built = true;
  }
  return path.join(REPO, 'target', 'debug', 'iehp');
}

// Builds `root` (a folder holding content/, and maybe themes/) into a fresh temporary folder;
// returns the output folder.
export function build(root) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iehp-search-')), 'site');
  execFileSync(binary(), ['build', '--now', NOW, '--root', root, '--out', out], { stdio: 'pipe' });
  return out;
}

// A fixture site (no themes/: built with the theme inside the binary).
export function fixture(name) {
  return build(path.join(REPO, 'tests', 'fixtures', name));
}

// The hub's own content/ with the theme in themes/.
export function hub() {
  return build(REPO);
}

// The published client, imported as a module.
export async function client(out) {
  const dir = path.join(out, 'assets');
  const file = fs.readdirSync(dir).find((f) => /^search\.[0-9a-f]{10}\.js$/.test(f));
  if (!file) throw new Error(`no search client in ${dir}`);
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iehp-client-')), 'search.mjs');
  fs.copyFileSync(path.join(dir, file), copy);
  return import(copy);
}

// The site-relative URL of the manifest, as the search page links it.
export function manifestUrl(out) {
  const html = fs.readFileSync(path.join(out, 'search', 'index.html'), 'utf8');
  const m = html.match(/data-manifest="([^"]+)"/);
  if (!m) throw new Error('the search page links no manifest');
  return m[1];
}

// An Index over a built site; `loaded` lists every file it read, in order.
export async function open(out) {
  const { Index } = await client(out);
  const loaded = [];
  const index = new Index(manifestUrl(out), async (url) => {
    loaded.push(url);
    return JSON.parse(fs.readFileSync(path.join(out, url), 'utf8'));
  });
  return { index, loaded };
}

// Titles of the first `n` results of `query` in interface language `lang`.
export async function titles(index, query, { lang = 'en', n = 10, filters = {} } = {}) {
  const r = await index.search(query, filters);
  if (!r) return [];
  return (await index.docs(lang, r.hits.slice(0, n))).map((d) => d.title);
}
