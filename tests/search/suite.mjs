// The relevance suite: queries written from readers' words (tests/search/relevance-queries.json),
// each with the page that must be among its first k results. Run against the hub's own content by
// relevance.test.mjs (every query must pass, and the mean reciprocal rank must reach MRR_TARGET)
// and by bench/search.mjs, which prints the mean reciprocal rank.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const QUERIES = JSON.parse(fs.readFileSync(path.join(HERE, 'relevance-queries.json'), 'utf8'));
export const MRR_TARGET = 0.9;

// Runs every query on `index` (an Index of search.js). Returns one row per query:
// { q, lang, url, k, rank (1-based, 0 when not found), top (the first k URLs) } and the mean
// reciprocal rank over all of them.
export async function evaluate(index) {
  const rows = [];
  for (const { q, lang = 'en', url, k, why } of QUERIES) {
    const r = await index.search(q);
    const hits = r ? r.hits : [];
    // URLs of the default language: the same document whichever language the reader uses.
    const docs = hits.length ? await index.docs('en', hits) : [];
    const urls = docs.map((d) => d.url);
    const rank = urls.indexOf(url) + 1;
    rows.push({ q, lang, url, k, why, rank, top: urls.slice(0, Math.max(k, 3)) });
  }
  const mrr = rows.reduce((s, r) => s + (r.rank ? 1 / r.rank : 0), 0) / rows.length;
  return { rows, mrr };
}

// One line per query, failures marked, for test messages and the benchmark.
export function report({ rows, mrr }) {
  const lines = rows.map((r) => `${r.rank && r.rank <= r.k ? 'ok  ' : 'FAIL'} ${JSON.stringify(r.q)} (${r.lang}) -> ${r.url}: rank ${r.rank || '-'} (k ${r.k}); top: ${r.top.join(' ')}`);
  lines.push(`MRR ${mrr.toFixed(3)} over ${rows.length} queries; ${rows.filter((r) => r.rank && r.rank <= r.k).length} pass`);
  return lines.join('\n');
}
