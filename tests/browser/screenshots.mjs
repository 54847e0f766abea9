// Saves a PNG of every page kind of a built site, at phone and desktop widths, in every
// language, so anyone changing the theme can look at what readers get before it ships.
//
// Page kinds are found in the built site, not listed here: for each language root, the home
// page, the 404 page, every section's index (`/events/`, `/occupations/`, ...), the first item
// page in each section (sorted by path), and the search page with a query typed. A new page kind
// therefore appears in the screenshots without touching this script.
//
// Usage: node tests/browser/screenshots.mjs SITE_DIR OUT_DIR [--widths 390,1280] [--full] [--only a,b]
//   --full  captures whole pages instead of the first screen (taller images);
//   --only  keeps the page kinds whose name contains one of the words (e.g. home,draws,events-item).
// Debian's Chromium (or $CHROME_PATH) is driven by playwright-core; no browser is downloaded.
// Prints one line per image and a closing count; exits 1 if a page fails to load.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
import { CHROMIUM_ARGS, chromiumPath } from './a11y.mjs';

function args(argv) {
  const out = { widths: [390, 1280], full: false, only: null, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--widths') out.widths = argv[++i].split(',').map(Number);
    else if (argv[i] === '--full') out.full = true;
    else if (argv[i] === '--only') out.only = argv[++i].split(',');
    else out.rest.push(argv[i]);
  }
  return out;
}

function isDir(p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The URL paths of one language root's page kinds (root is '' or 'fr/'). */
function pageKinds(site, root, otherRoots) {
  const base = path.join(site, root);
  const pages = [{ name: 'home', url: `/${root}` }, { name: '404', url: `/${root}404.html` }];
  const sections = fs.readdirSync(base, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !otherRoots.includes(e.name + '/'))
    .map((e) => e.name)
    .filter((n) => fs.existsSync(path.join(base, n, 'index.html')))
    .sort();
  for (const s of sections) {
    if (s === 'search') {
      pages.push({ name: 'search', url: `/${root}search/?q=${root ? 'infirmi%C3%A8re' : 'nurse'}` });
      continue;
    }
    pages.push({ name: s, url: `/${root}${s}/` });
    const items = fs.readdirSync(path.join(base, s), { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(base, s, e.name, 'index.html')))
      .map((e) => e.name)
      .filter((n) => !/^\d+$/.test(n) || s === 'occupations') // list pages 2, 3... are not kinds
      .sort();
    if (items.length) pages.push({ name: `${s}-item`, url: `/${root}${s}/${items[0]}/` });
  }
  return pages;
}

async function main() {
  const { widths, full, only, rest } = args(process.argv.slice(2));
  const [site, out] = rest;
  if (!site || !out) {
    console.error('usage: node tests/browser/screenshots.mjs SITE_DIR OUT_DIR [--widths 390,1280] [--full] [--only a,b]');
    process.exit(2);
  }
  fs.mkdirSync(out, { recursive: true });
  const roots = [''];
  for (const e of fs.readdirSync(site, { withFileTypes: true })) {
    if (e.isDirectory() && /^[a-z]{2}$/.test(e.name) && fs.existsSync(path.join(site, e.name, 'index.html'))) {
      roots.push(e.name + '/');
    }
  }
  const server = await serve(site);
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  let count = 0;
  let failed = 0;
  try {
    for (const root of roots) {
      const lang = root ? root.slice(0, -1) : 'en';
      const kinds = pageKinds(site, root, roots.filter((r) => r))
        .filter((k) => !only || only.some((w) => k.name.includes(w)));
      for (const kind of kinds) {
        for (const width of widths) {
          const page = await browser.newPage({ viewport: { width, height: width < 600 ? 844 : 900 } });
          const res = await page.goto(server.url + kind.url, { waitUntil: 'load' });
          if (kind.name === 'search') await page.waitForTimeout(400);
          const file = path.join(out, `${lang}-${kind.name}-${width}.png`);
          await page.screenshot({ path: file, fullPage: full });
          const status = res ? res.status() : 0;
          const expected = kind.name === '404' ? 404 : 200;
          if (status !== expected && !(kind.name === '404' && status === 200)) {
            console.log(`FAILED ${kind.url}: status ${status}`);
            failed++;
          }
          console.log(`${file}  ${kind.url}`);
          count++;
          await page.close();
        }
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`${count} screenshots in ${out}${failed ? `, ${failed} pages failed to load` : ''}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
