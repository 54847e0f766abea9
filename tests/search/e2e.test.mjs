// End to end: the hub built by the real binary, served from 127.0.0.1 with the hub's content
// security policy, driven in headless Debian chromium with the keyboard.

import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, REPO } from './helpers.mjs';

// The hub's own content, less the French version of one event: every item of the hub has one,
// and the French site's label for an English-only result must still be seen working.
const ENGLISH_ONLY = 'content/events/bridging-careers-embracing-diversity-2025.fr.md';
function hubWithAnEnglishOnlyItem() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'iehp-e2e-'));
  fs.cpSync(path.join(REPO, 'content'), path.join(root, 'content'), { recursive: true });
  fs.cpSync(path.join(REPO, 'themes'), path.join(root, 'themes'), { recursive: true });
  fs.rmSync(path.join(root, ENGLISH_ONLY));
  return build(root);
}
import { serve } from './serve.mjs';
import { launch } from './browser.mjs';

let server, browser;
const problems = [];

before(async () => {
  server = await serve({ '/': hubWithAnEnglishOnlyItem() });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(path, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${path}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
  await page.goto(server.url + path);
  return page;
}

const resultLinks = (page) => page.locator('#results li a');

// Presses Tab until `predicate` holds for the focused element (or gives up).
async function tabTo(page, predicate, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(predicate)) return true;
  }
  return false;
}

test('typing a query with the keyboard lists results in #results and announces their number', async () => {
  const page = await open('/search/');
  assert.equal(await page.locator('#search-nojs').isVisible(), false);
  assert.ok(await tabTo(page, () => document.activeElement.id === 'q'), 'the search box is reachable with Tab');
  await page.keyboard.type('kinesiologist');
  await resultLinks(page).first().waitFor();
  const links = await resultLinks(page).allTextContents();
  assert.ok(links.some((t) => t.startsWith('31204 – Kinesiologists')), links.join(' | '));
  assert.ok(links.some((t) => t.startsWith('Ontario Health Workforce Matching Portal')), links.join(' | '));
  const status = page.locator('#search-status');
  assert.equal(await status.getAttribute('aria-live'), 'polite');
  assert.equal(await status.textContent(), `${links.length} results`);
  const portal = page.locator('#results li', { hasText: 'Ontario Health Workforce Matching Portal' });
  const meta = await portal.locator('.result-meta').textContent();
  assert.match(meta, /Portal · Ontario · Information as of April 7, 2020/);
  assert.ok((await portal.locator('mark').allTextContents()).includes('Kinesiologists'), 'matched words are marked');
  assert.match(new URL(page.url()).search, /q=kinesiologist/, 'the address holds the search');
  assert.equal(await page.getAttribute('.lang-switch a', 'href'), '/fr/search/?q=kinesiologist', 'the other language keeps the search');

  assert.ok(await tabTo(page, () => !!document.activeElement.closest('#results a')), 'results are reachable with Tab');
  const href = await page.evaluate(() => document.activeElement.getAttribute('href'));
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname === href);
  await page.context().close();
});

test('the address restores a search with its filters, so it can be shared', async () => {
  const page = await open('/search/?q=kinesiologist&province=ON&type=portals');
  await resultLinks(page).first().waitFor();
  assert.equal(await page.inputValue('#q'), 'kinesiologist');
  assert.ok(await page.isChecked('input[name=province][value=ON]'));
  assert.ok(await page.isChecked('input[name=type][value=portals]'));
  assert.ok(!(await page.isChecked('input[name=type][value=events]')));
  assert.equal(await page.getAttribute('#search-filters', 'open'), '');
  assert.deepEqual(await resultLinks(page).allTextContents(), ['Ontario Health Workforce Matching Portal (COVID-19, 2020)']);
  assert.equal(await page.locator('#search-status').textContent(), '1 result');

  // Filters changed with the keyboard change the results, and the address follows.
  await page.focus('input[name=province][value=ON]');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('province'));
  await page.focus('input[name=type][value=occupations]');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('#search-status').textContent === '2 results');
  assert.deepEqual(new URL(page.url()).searchParams.getAll('type'), ['portals', 'occupations']);
  assert.equal(await page.locator('input[name=type][value=portals] ~ .facet-count').textContent(), '(1)');
  // Ticking Ontario would give its portal and the occupation, which applies in every province.
  assert.equal(await page.locator('input[name=province][value=ON] ~ .facet-count').textContent(), '(2)');
  assert.equal(await page.locator('input[name=province][value=CA] ~ .facet-count').textContent(), '(1)');
  // Provinces with nothing of their own are folded away.
  assert.ok(await page.locator('label:has(input[name=province][value=ON])').isVisible());
  assert.ok(await page.locator('label:has(input[name=province][value=CA])').isVisible());
  assert.ok(await page.locator('label:has(input[name=province][value=BC])').isHidden());
  await page.context().close();
});

test('the form works as a GET form from any page header', async () => {
  const page = await open('/events/');
  await page.fill('#site-search', '31301');
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname === '/search/' && u.searchParams.get('q') === '31301');
  await resultLinks(page).first().waitFor();
  assert.match(await resultLinks(page).first().textContent(), /^31301 – Registered nurses/);
  await page.context().close();
});

test('in French, an English-only result says so', async () => {
  // Events only: Nova Scotia's pathways and organisations would fill the first page.
  const page = await open('/fr/search/?q=Nouvelle-%C3%89cosse&type=events');
  await resultLinks(page).first().waitFor();
  const item = page.locator('#results li', { hasText: 'IEHP Pre-Conference Event' });
  assert.equal(await item.locator('.result-lang').textContent(), 'En anglais seulement');
  assert.equal(await item.locator('a').getAttribute('lang'), 'en');
  assert.match(await item.locator('a').getAttribute('href'), /^\/fr\/events\//);
  assert.match(await page.locator('#search-status').textContent(), /^\d+ résultats?$/);
  await page.context().close();
});

test('without JavaScript the page says so and offers browsing', async () => {
  const page = await open('/search/?q=nurse', { javaScriptEnabled: false });
  assert.ok(await page.locator('#search-nojs').isVisible());
  assert.equal(await page.locator('#search').isVisible(), false);
  const hrefs = await page.locator('#search-nojs a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const h of ['/occupations/', '/provinces/', '/portals/', '/events/', '/members/', '/programs/']) {
    assert.ok(hrefs.includes(h), `${h} in ${hrefs}`);
  }
  await page.context().close();
});

test('nothing broke the content security policy or threw', () => {
  assert.deepEqual(problems, []);
});
