// Checks every HTML page of one or more built sites in headless Chromium (Debian's, driven by
// playwright-core), as a reader would meet them:
//   - axe-core finds no WCAG 2.1 A/AA violation and no best-practice problem;
//   - one h1, the page's language declared, banner/main/contentinfo landmarks;
//   - the first Tab reaches a visible skip link to <main>, and every element Tab reaches shows
//     a visible focus indicator;
//   - no horizontal scrolling at 320 CSS px wide, nor at 200% zoom of a 1280 px window;
//   - with reduced motion asked for, nothing transitions or animates;
//   - no request leaves the site (no CDN, fonts, analytics);
//   - the home pages weigh under 50 KB compressed, everything they load included.
// Usage: node tests/browser/a11y.mjs [--content] SITE_DIR... ; prints each problem and a closing
// count line, exits 1 on any problem. With --content (the hub's own pages, tests/hub-pages.sh),
// the keyboard walk and the list filters are left out: they are the theme's behaviour, the same
// on every page of a kind, and the fixtures' run checks them; what content can change (axe,
// landmarks, h1, language, reflow, motion, other hosts, home weight) is checked on every page.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const HOME_BUDGET = 50 * 1024;
const MAX_TABS = 25;

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function chromiumPath() {
  return process.env.CHROME_PATH || '/usr/bin/chromium';
}

function htmlPages(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.html')) out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

function urlOf(rel) {
  return '/' + rel.replace(/(^|\/)index\.html$/, '$1');
}

async function checkPage(page, base, rel, problems, contentOnly) {
  const url = base + urlOf(rel);
  const say = (msg) => problems.push(`${rel}: ${msg}`);

  // Desktop, with reduced motion asked for.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(url, { waitUntil: 'load' });
  // axe is injected into every page by the context (see main), outside the page's own scripts.
  const results = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    }),
  );
  for (const v of results.violations) {
    const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ');
    say(`axe ${v.id} (${v.impact}): ${v.help} at ${where}`);
  }
  const facts = await page.evaluate(() => {
    const moving = [];
    for (const el of document.querySelectorAll('*')) {
      const s = getComputedStyle(el);
      const durations = (s.transitionDuration + ',' + s.animationDuration).split(',').map(parseFloat);
      if (durations.some((d) => d > 0.001) || (s.animationName && s.animationName !== 'none')) {
        moving.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
      }
    }
    return {
      h1: document.querySelectorAll('h1').length,
      lang: document.documentElement.lang,
      main: document.querySelectorAll('main').length,
      banner: document.querySelectorAll('body > header').length,
      footer: document.querySelectorAll('body > footer').length,
      moving: moving.slice(0, 3),
    };
  });
  if (facts.h1 !== 1) say(`${facts.h1} h1 elements, expected one`);
  const wantLang = rel.startsWith('fr/') ? 'fr' : 'en';
  if (facts.lang !== wantLang) say(`html lang="${facts.lang}", expected "${wantLang}"`);
  if (facts.main !== 1 || facts.banner !== 1 || facts.footer !== 1) {
    say(`landmarks: ${facts.main} main, ${facts.banner} header, ${facts.footer} footer`);
  }
  if (facts.moving.length) say(`moves despite prefers-reduced-motion: ${facts.moving.join(', ')}`);

  // Keyboard: the skip link comes first and is visible; every focus is visible.
  for (let i = 0; i < (contentOnly ? 0 : MAX_TABS); i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
      const shadow = s.boxShadow && s.boxShadow !== 'none';
      return {
        desc: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : ''),
        href: el.getAttribute('href'),
        visible: outline || shadow,
        onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < window.innerHeight,
        mainTarget: !!document.querySelector('main#main'),
      };
    });
    if (!f) break;
    if (i === 0) {
      if (f.href !== '#main' || !f.mainTarget) say(`first Tab reaches ${f.desc}, not a skip link to main#main`);
      else if (!f.onScreen) say('the skip link is not visible when focused');
    }
    if (!f.visible) say(`no visible focus indicator on ${f.desc}`);
  }

  // Lists filter in place: a word from the first item keeps it, nonsense hides everything.
  const lists = await page.locator('[data-filter]').count();
  const items = await page.locator('[data-filter] [data-filter-item]').count();
  if (!contentOnly && lists && items >= 2) {
    const box = page.locator('form.filter input[type=search]').first();
    if (!(await box.count())) {
      say('a filterable list got no filter box');
    } else {
      const word = await page.evaluate(() => {
        const first = document.querySelector('[data-filter] [data-filter-item] a');
        return first.textContent.split(/\s+/).sort((a, b) => b.length - a.length)[0];
      });
      await box.fill(word);
      const kept = await page.locator('[data-filter] [data-filter-item]:not([hidden])').count();
      if (kept < 1) say(`filtering on "${word}" hid its own item`);
      await box.fill('zzqqxxnothing');
      const left = await page.evaluate(() => ({
        items: document.querySelectorAll('[data-filter] [data-filter-item]:not([hidden])').length,
        headings: document.querySelectorAll('[data-filter] [data-filter-heading]:not([hidden])').length,
        count: document.querySelector('.filter-count').textContent,
      }));
      if (left.items || left.headings) say(`a filter matching nothing left ${left.items} items, ${left.headings} headings`);
      if (!/\b0\b/.test(left.count)) say(`the filter's count does not say 0: "${left.count}"`);
      await box.fill('');
    }
  }

  // Reflow: 320 CSS px wide (a small phone), and a 1280 px window zoomed to 200% (640 CSS px).
  for (const width of [640, 320]) {
    await page.setViewportSize({ width, height: 640 });
    const m = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      width: window.innerWidth,
    }));
    if (m.scroll > m.width) say(`scrolls sideways at ${width} CSS px: ${m.scroll}px of content`);
  }
}

async function homeWeight(ctx, base, rel) {
  const page = await ctx.newPage();
  let bytes = 0;
  const files = [];
  page.on('response', async (res) => {
    const len = Number((await res.allHeaders())['content-length'] || 0);
    bytes += len;
    files.push(`${new URL(res.url()).pathname} ${len}`);
  });
  await page.goto(base + urlOf(rel), { waitUntil: 'networkidle' });
  await page.close();
  return { bytes, files };
}

export async function launch() {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

async function main() {
  const args = process.argv.slice(2);
  const contentOnly = args.includes('--content');
  const dirs = args.filter((a) => a !== '--content');
  if (!dirs.length) {
    console.error('usage: node tests/browser/a11y.mjs [--content] SITE_DIR...');
    process.exit(2);
  }
  const browser = await launch();
  const problems = [];
  let checked = 0;
  try {
    for (const dir of dirs) {
      const server = await serve(dir);
      const origin = server.url;
      const mk = async (opts) => {
        const ctx = await browser.newContext(opts);
        await ctx.route('**/*', (route) => {
          const u = route.request().url();
          if (u.startsWith(origin + '/')) return route.continue();
          problems.push(`${dir}: a page requested another host: ${u}`);
          return route.abort();
        });
        await ctx.addInitScript({ content: AXE });
        return ctx;
      };
      const ctxs = {
        desktop: await mk({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' }),
      };
      // Two pages at a time: the machine has two cores.
      const queue = htmlPages(dir);
      const worker = async () => {
        const page = await ctxs.desktop.newPage();
        for (let rel = queue.shift(); rel; rel = queue.shift()) {
          await checkPage(page, origin, rel, problems, contentOnly);
          checked++;
        }
        await page.close();
      };
      await Promise.all([worker(), worker()]);
      for (const home of ['index.html', 'fr/index.html']) {
        if (!fs.existsSync(path.join(dir, home))) continue;
        const w = await homeWeight(ctxs.desktop, origin, home);
        console.log(`${path.basename(dir)}/${home}: ${w.bytes} bytes compressed in all (${w.files.join(', ')})`);
        if (w.bytes > HOME_BUDGET) problems.push(`${home}: ${w.bytes} bytes compressed, over ${HOME_BUDGET}`);
      }
      for (const c of Object.values(ctxs)) await c.close();
      await server.close();
    }
  } finally {
    await browser.close();
  }
  for (const p of problems) console.log(`problem: ${p}`);
  console.log(`${checked} pages checked, ${problems.length} problems`);
  process.exit(problems.length ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
