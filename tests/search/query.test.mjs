// The query side against an index built by the real binary from tests/fixtures/search.

import test from 'node:test';
import assert from 'node:assert/strict';
import { fixture, open, titles } from './helpers.mjs';

const out = fixture('search');
const { index, loaded } = await open(out);

const search = (q, filters, options) => index.search(q, filters, options);
const top = (q, opts) => titles(index, q, opts);

test('a NOC code finds its occupation first, then what names it', async () => {
  const t = await top('31301');
  assert.equal(t[0], '31301 – Registered nurses and registered psychiatric nurses');
  assert.deepEqual(t.slice(1).sort(), ['Licensing Webinar 2024', 'Nurses Network', 'Quebec Nurse Recruitment']);
});

test('a profession finds its occupation and the items naming it', async () => {
  const t = await top('kinesiologist');
  assert.deepEqual(t, [
    '31204 – Kinesiologists and other professional occupations in therapy and assessment',
    'Ontario Workforce Matching Portal',
  ]);
});

test('accents and case do not matter', async () => {
  for (const q of ['Montreal', 'MONTRÉAL', 'montréal']) {
    assert.deepEqual((await top(q)).sort(), ['Nurses Network', 'Quebec Nurse Recruitment'], q);
  }
});

test('one typo in a long word is forgiven, not in a short one', async () => {
  assert.deepEqual((await top('physiotherapst')).sort(), ['31202 – Physiotherapists', 'Physio Circle']);
  assert.deepEqual((await top('physiotherapsits')).sort(), ['31202 – Physiotherapists', 'Physio Circle'], 'swapped letters');
  assert.deepEqual(await top('lona '), [], 'four letters: no typo tolerance');
  assert.deepEqual(await top('loanz '), ['Licensing Loans Fund'], 'five letters');
});

test('the word being typed matches as a prefix', async () => {
  assert.equal((await top('kines'))[0], '31204 – Kinesiologists and other professional occupations in therapy and assessment');
  assert.deepEqual(await top('kines '), [], 'a finished word is not a prefix');
  const codes = await top('313');
  assert.equal(codes[0], '31301 – Registered nurses and registered psychiatric nurses');
});

test('an exact title comes first', async () => {
  assert.equal((await top('bridging program'))[0], 'Bridging Program');
  assert.equal((await top('physio circle'))[0], 'Physio Circle');
});

test('title weighs more than body text', async () => {
  const t = await top('loans');
  assert.equal(t[0], 'Licensing Loans Fund');
});

test('every word must match; failing that, results with some words, flagged', async () => {
  const both = await search('nurses montreal');
  assert.equal(both.partial, false);
  assert.equal(both.hits.length, 2);
  const some = await search('loans zzzzzz');
  assert.equal(some.partial, true);
  assert.equal((await index.docs('en', some.hits))[0].title, 'Licensing Loans Fund');
});

test('stop words alone are no query', async () => {
  assert.equal(await search('the of les'), null);
  assert.equal(await search('   '), null);
});

test('a French query finds an English-only item, marked as such', async () => {
  const r = await search('kinésiologues');
  const docs = await index.docs('fr', r.hits);
  const portal = docs.find((d) => d.title === 'Ontario Workforce Matching Portal');
  assert.ok(portal, 'found through the French title of the occupation it names');
  assert.equal(portal.textLang, 'en');
  assert.equal(portal.url, '/fr/portals/ontario-matching/');
  const occ = docs.find((d) => d.kind === 'occupations');
  assert.equal(occ.title, '31204 – Kinésiologues et autres professionnels en thérapie et en évaluation');
  assert.equal(occ.textLang, '');
});

test('an English query finds the French text of a translated item, and each side shows its own', async () => {
  const r = await search('recrutement infirmieres');
  assert.equal(r.hits.length, 1);
  const [en] = await index.docs('en', r.hits);
  const [fr] = await index.docs('fr', r.hits);
  assert.equal(en.title, 'Quebec Nurse Recruitment');
  assert.equal(en.url, '/portals/quebec-recruitment/');
  assert.equal(fr.title, "Recrutement d'infirmières au Québec");
  assert.equal(fr.textLang, '');
});

test('province names match in both languages', async () => {
  assert.deepEqual(await top('Colombie-Britannique'), ['Physio Circle']);
  assert.deepEqual(await top('British Columbia'), ['Physio Circle']);
});

test('facets count what each choice would give, and combine', async () => {
  assert.equal((await search('nurses')).counts, null, 'no counts unless asked for');
  const r = await search('nurses', {}, { counts: true });
  assert.deepEqual(r.counts.type, { occupations: 2, portals: 1, events: 1, members: 1 });
  // Ticking a province keeps the national documents (the two occupations and the Canada-wide
  // webinar): a province's count is what ticking it gives; `own` counts its own documents.
  assert.equal(r.counts.province.QC, 2 + 3);
  assert.equal(r.counts.province.ON, 1 + 3);
  assert.equal(r.counts.province.CA, 3);
  assert.equal(r.counts.province.BC, 3, 'only the national documents');
  assert.deepEqual(r.counts.own, { QC: 2, ON: 1, CA: 3 }, 'national documents are Canada-wide');
  assert.deepEqual(r.counts.status, { past: 1 });
  assert.equal(r.counts.profession['31301'], 4);
  assert.equal(r.counts.lang.fr, 2, 'the translated portal and the occupation with a French title');
  assert.equal(r.counts.lang.en, 5);

  const qc = await search('nurses', { province: ['QC'] }, { counts: true });
  assert.deepEqual((await index.docs('en', qc.hits)).map((d) => d.title).sort(), [
    '31301 – Registered nurses and registered psychiatric nurses',
    '32101 – Licensed practical nurses',
    'Licensing Webinar 2024',
    'Nurses Network',
    'Quebec Nurse Recruitment',
  ], 'Quebec\'s own documents and the national ones');
  assert.equal(qc.counts.province.ON, 1 + 3, "a facet's counts ignore its own choice");
  assert.deepEqual(qc.counts.type, { occupations: 2, portals: 1, events: 1, members: 1 });

  const qcMembers = await search('nurses', { province: ['QC'], type: ['members'] });
  assert.deepEqual((await index.docs('en', qcMembers.hits)).map((d) => d.title), ['Nurses Network']);

  const canada = await search('nurses', { province: ['CA'] });
  assert.equal(canada.hits.length, 3, 'Canada-wide: the national documents alone');
  const either = await search('nurses', { province: ['QC', 'ON'] });
  assert.equal(either.hits.length, 5, 'choices within a facet are alternatives (Nurses Network is in both)');
});

test('filters alone browse the index', async () => {
  const up = await search('', { type: ['events'], status: ['upcoming'] });
  assert.deepEqual((await index.docs('en', up.hits)).map((d) => d.title), ['Annual Summit 2026']);
  const past = await search('', { status: ['past'] });
  assert.deepEqual((await index.docs('en', past.hits)).map((d) => d.title), ['Licensing Webinar 2024']);
  const fr = await search('', { lang: ['fr'], type: ['portals', 'pages'] });
  // The chooser and the organisations list are pages of every site, in every language.
  assert.deepEqual((await index.docs('en', fr.hits)).map((d) => d.title).sort(), ['About this hub', 'Get licensed', 'Organizations', 'Quebec Nurse Recruitment']);
  const prof = await search('', { profession: ['31102'] });
  assert.equal(prof.hits.length, 3, 'the occupation, the program and the summit');
});

test('results carry what the page shows', async () => {
  const r = await search('summit');
  const [d] = await index.docs('en', r.hits);
  assert.equal(d.title, 'Annual Summit 2026');
  assert.equal(d.url, '/events/summit-2026/');
  assert.equal(d.kind, 'events');
  assert.deepEqual(d.provinces, ['ON']);
  assert.deepEqual(d.professions, ['31102']);
  assert.equal(d.dateKind, 1);
  assert.match(d.date, /2026/);
  assert.match(d.snippet, /yearly summit/);
  const [f] = await index.docs('fr', r.hits);
  assert.equal(f.url, '/fr/events/summit-2026/');
  assert.match(f.date, /mai 2026/);
});

test('a first query fetches the manifest, a page of shards, its shards: no facet table', async () => {
  const fresh = await open(out);
  await fresh.index.search('kinesiologist');
  const kinds = fresh.loaded.map((u) => u.split('/').pop().split('.')[0]);
  assert.deepEqual(kinds, ['manifest', 'p', 't']);
  await fresh.index.search('kinesiologist', { province: ['ON'] });
  assert.deepEqual(fresh.loaded.map((u) => u.split('/').pop().split('.')[0]).slice(3), ['facets'], 'filters need the facet table');
});

test('a query downloads only the shards it needs, each once', async () => {
  const before = loaded.length;
  await search('kinesiologist');
  await search('kinesiologist');
  const files = loaded.slice(before);
  assert.equal(new Set(files).size, files.length, 'nothing fetched twice');
  assert.ok(files.every((f) => !/manifest|facets/.test(f)), 'manifest and facets are already in');
});
