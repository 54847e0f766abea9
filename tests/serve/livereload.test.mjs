// The dev server's live-reload script in a real browser (Debian's chromium, headless): an open
// page reloads when its file changes, swaps its stylesheet in place when only that changed, shows
// the problems of a broken edit over the page (the page staying the last good one) and drops
// them once the file is fixed. Runs `iehp serve` (target/debug/iehp, or $IEHP) on a copy of
// tests/fixtures/valid with the repository's theme.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../search/browser.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const IEHP = process.env.IEHP || path.join(REPO, 'target', 'debug', 'iehp');
const PATIENCE = 30000;

function serve(root) {
  return new Promise((resolve, reject) => {
    const child = spawn(IEHP, ['serve', '--root', root, '--port', '0', '--now', '2025-09-01'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`iehp serve exited (${code}):\n${out}`)));
  });
}

test('an open page follows edits, style changes and mistakes', { timeout: 120000 }, async () => {
  assert.ok(fs.existsSync(IEHP), `${IEHP} is missing: cargo build first (scripts/test does)`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'iehp-livereload-'));
  fs.cpSync(path.join(REPO, 'tests', 'fixtures', 'valid'), root, { recursive: true });
  fs.cpSync(path.join(REPO, 'themes'), path.join(root, 'themes'), { recursive: true });
  const summit = path.join(root, 'content', 'events', 'summit-2025.md');
  const css = path.join(root, 'themes', 'default', 'static', 'style.css');
  const good = fs.readFileSync(summit, 'utf8');
  const { child, url } = await serve(root);
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${url}/events/summit-2025/`);
    await page.waitForFunction(() => document.querySelector('script[data-file]') !== null);
    // A marker tells a reload from a swap.
    await page.evaluate(() => { window.iehpMarker = 1; });
    await page.waitForFunction(() => window.iehpEvents && window.iehpEvents.readyState === 1);

    // An edit: the page reloads with the new title.
    fs.writeFileSync(summit, good.replace('Annual Summit 2025', 'Summit, Live'));
    await page.waitForFunction(() => document.querySelector('h1').textContent === 'Summit, Live',
      null, { timeout: PATIENCE });
    assert.equal(await page.evaluate(() => window.iehpMarker), undefined, 'the page reloaded');

    // A stylesheet change: swapped in place, no reload.
    await page.evaluate(() => { window.iehpMarker = 2; });
    await page.waitForFunction(() => window.iehpEvents && window.iehpEvents.readyState === 1);
    const before = await page.evaluate(() => document.querySelector('link[rel="stylesheet"]').getAttribute('href'));
    fs.appendFileSync(css, '\nmain { outline: 3px solid rgb(1, 2, 3); }\n');
    await page.waitForFunction((old) => document.querySelector('link[rel="stylesheet"]').getAttribute('href') !== old,
      before, { timeout: PATIENCE });
    await page.waitForFunction(() => getComputedStyle(document.querySelector('main')).outlineColor === 'rgb(1, 2, 3)',
      null, { timeout: PATIENCE });
    assert.equal(await page.evaluate(() => window.iehpMarker), 2, 'no reload for a stylesheet');

    // A broken edit: the problem shows over the page, which stays the last good one.
    fs.writeFileSync(summit, good.replace('Annual Summit 2025', 'Summit, Live')
      .replace(/^start: .*$/m, 'start: next tuesday'));
    const overlay = await page.waitForSelector('.iehp-problems', { timeout: PATIENCE });
    const text = await overlay.textContent();
    assert.match(text, /content\/events\/summit-2025\.md:6:8/);
    assert.match(text, /next tuesday/);
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.iehp-problems')).position), 'fixed',
      'the overlay is styled by its own stylesheet');
    const served = await (await fetch(`${url}/events/summit-2025/`)).text();
    assert.match(served, /<h1>Summit, Live<\/h1>/, 'the last good page is still served');

    // Fixed: the overlay goes, and the page reloads with the fix.
    fs.writeFileSync(summit, good.replace('Annual Summit 2025', 'Summit, Fixed'));
    await page.waitForFunction(() => document.querySelector('h1').textContent === 'Summit, Fixed'
      && document.querySelector('.iehp-problems') === null, null, { timeout: PATIENCE });
    assert.deepEqual(errors, [], 'no script errors');
  } finally {
    await browser.close();
    child.kill('SIGINT');
    fs.rmSync(root, { recursive: true, force: true });
  }
});
