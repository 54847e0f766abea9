// Relevance on the hub's real content (content/), built by the real binary.

import test from 'node:test';
import assert from 'node:assert/strict';
import { hub, open, titles } from './helpers.mjs';
import { evaluate, report, MRR_TARGET, QUERIES } from './suite.mjs';

const out = hub();
const { index } = await open(out);

test(`the relevance suite: each of its ${QUERIES.length} queries finds its page in the top k; MRR at least ${MRR_TARGET}`, async () => {
  assert.ok(QUERIES.length >= 40);
  const r = await evaluate(index);
  const failed = r.rows.filter((row) => !row.rank || row.rank > row.k);
  assert.deepEqual(failed.map((row) => row.q), [], report(r));
  assert.ok(r.mrr >= MRR_TARGET, report(r));
});

async function results(q, lang = 'en', filters = {}) {
  const r = await index.search(q, filters);
  return r ? index.docs(lang, r.hits) : [];
}

test('"kinesiologist" finds NOC 31204 and the portal that asked kinesiologists to register', async () => {
  const r = await results('kinesiologist');
  const urls = r.slice(0, 3).map((d) => d.url);
  assert.ok(urls.includes('/occupations/31204/'), urls.join(' '));
  assert.ok(urls.includes('/portals/ontario-workforce-matching-portal/'), urls.join(' '));
});

test('"31301" finds registered nurses first', async () => {
  const [first] = await results('31301');
  assert.equal(first.url, '/occupations/31301/');
  assert.match(first.title, /^31301 – Registered nurses/);
});

test('"Montreal" finds what says Montréal', async () => {
  const r = await results('Montreal');
  assert.ok(r.length > 0);
  assert.ok(r.some((d) => d.url === '/events/workforce-integration-webinar-2025/'), r.map((d) => d.url).join(' '));
});

test('a typo still finds physiotherapists', async () => {
  const r = await results('physiotherapst');
  assert.equal(r[0].url, '/occupations/31202/');
});

test('a French province name finds the item, in French', async () => {
  // Every item of the hub now has its French version (the fixture tests the English-only mark).
  const r = await results('Nouvelle-Écosse', 'fr');
  const event = r.find((d) => d.url === '/fr/events/bridging-careers-embracing-diversity-2025/');
  assert.ok(event, r.map((d) => d.url).join(' '));
  assert.equal(event.textLang, '');
});

test('an English query finds items that exist in French too, in the reader\'s language', async () => {
  const r = await results('francophone', 'en');
  const launch = r.find((d) => d.url === '/events/francophone-chapter-launch-2025/');
  assert.ok(launch);
  assert.equal(launch.textLang, '');
  const fr = await results('francophone', 'fr');
  assert.ok(fr.some((d) => d.url === '/fr/events/francophone-chapter-launch-2025/' && d.textLang === ''));
});

test('places and topics readers come with', async () => {
  const niagara = await titles(index, 'Niagara');
  assert.ok(niagara.slice(0, 2).every((t) => /Niagara/.test(t)), niagara.join(' | '));
  const loans = await results('loans');
  assert.equal(loans[0].kind, 'programs');
});

test('Ontario items, by facet, with the national ones that apply there too', async () => {
  const r = await index.search('', { province: ['ON'], type: ['portals'] });
  const docs = await index.docs('en', r.hits);
  assert.ok(docs.some((d) => d.url === '/portals/ontario-workforce-matching-portal/'));
  assert.ok(docs.some((d) => d.url === '/portals/national-covid-19-volunteer-campaign/'));
  assert.ok(docs.every((d) => (d.provinces.includes('ON') || d.provinces.includes('CA')) && d.kind === 'portals'));
  const occupations = await index.search('', { province: ['ON'], type: ['occupations'] });
  assert.equal(occupations.hits.length, 43, 'every occupation applies in Ontario');
});

test('a profession alone gives its occupation before its pathways; with a province, the pathway first', async () => {
  const [first] = await results('pharmacist');
  assert.equal(first.url, '/occupations/31120/');
  const both = await results('pharmacist alberta');
  assert.equal(both[0].url, '/pathways/pharmacist-ab/');
  const fr = await results('infirmière ontario', 'fr');
  assert.ok(fr.slice(0, 3).some((d) => d.url === '/fr/pathways/registered-nurse-on/'), fr.map((d) => d.url).join(' '));
});

test('an organisation\'s name or abbreviation gives its page first, shown with its abbreviation', async () => {
  const [cno] = await results('CNO');
  assert.equal(cno.url, '/organizations/cno/');
  assert.equal(cno.title, 'College of Nurses of Ontario (CNO)');
  assert.equal(cno.kind, 'organizations');
  const [oiiq] = await results('ordre des infirmieres et infirmiers du quebec', 'fr');
  assert.equal(oiiq.url, '/fr/organizations/oiiq/');
});

test('pathways and organisations have their own facet, and a province keeps the national bodies', async () => {
  const r = await index.search('nurse', { type: ['organizations'], province: ['ON'] });
  const docs = await index.docs('en', r.hits);
  assert.ok(docs.some((d) => d.url === '/organizations/cno/'));
  assert.ok(docs.some((d) => d.url === '/organizations/nnas/'), 'NNAS works for all of Canada');
  assert.ok(docs.every((d) => d.kind === 'organizations' && (d.provinces.includes('ON') || d.provinces.includes('CA'))));
  const pathways = await index.search('', { type: ['pathways'], province: ['QC'] });
  const qc = await index.docs('en', pathways.hits);
  assert.ok(qc.length > 0 && qc.every((d) => d.url.startsWith('/pathways/') && d.provinces.includes('QC')), qc.map((d) => d.url).join(' '));
});

test('a word with a typo reads the dictionary of its first letters and fetches only the shards of the words near it', async () => {
  const fresh = await open(out);
  const r = await fresh.index.search('physiotherapst');
  const [first] = await fresh.index.docs('en', r.hits.slice(0, 1));
  assert.equal(first.url, '/occupations/31202/');
  const names = fresh.loaded.map((u) => u.split('/').pop());
  assert.ok(names.some((f) => f.startsWith('d.')), names.join(' '));
  const q = fresh.index.plan('physiotherapst')[0];
  for (const u of fresh.loaded.filter((f) => f.split('/').pop().startsWith('t.'))) {
    const { t } = await fresh.index.get(u.slice(u.lastIndexOf('/') + 1));
    const wanted = t.some((w) => w === q.t || w.startsWith(q.raw) || fresh.index.close(q, w, q.prefix));
    assert.ok(wanted, `${u} holds no word near "${q.raw}": ${t.join(' ')}`);
  }
  const before = fresh.loaded.length;
  await fresh.index.search('physiotherapist');
  assert.equal(fresh.loaded.length, before, 'the word itself is then already in');
});
