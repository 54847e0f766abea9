// The client's normalisation and stemming against the vectors src/normalize.rs is tested
// with, and the stop words the index manifest carries: the two sides cannot drift apart.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, fixture, client, open } from './helpers.mjs';

const out = fixture('search');
const { terms, fold, stem } = await client(out);
const { index } = await open(out);
const manifest = await index.manifest();
const stop = new Set(manifest.stop);
const vectors = JSON.parse(fs.readFileSync(path.join(REPO, 'tests/fixtures/normalize.json'), 'utf8'));
const stems = JSON.parse(fs.readFileSync(path.join(REPO, 'tests/fixtures/stems.json'), 'utf8'));

test('the shared vectors give the same terms as the indexer', () => {
  assert.ok(vectors.length >= 20);
  for (const [input, expected] of vectors) {
    assert.deepEqual(terms(input, stop, manifest.maxTerm), expected, `terms of ${JSON.stringify(input)}`);
  }
});

test('the shared stem table gives the same stems as the indexer', () => {
  assert.ok(stems.length >= 60);
  for (const [word, expected] of stems) assert.equal(stem(word), expected, `stem of ${word}`);
});

test('word forms in both languages share a stem', () => {
  const same = (...words) => assert.equal(new Set(words.map((w) => terms(w, stop).join(' '))).size, 1, words.join(' '));
  same('nurse', 'nurses', 'Nursing');
  same('infirmier', 'infirmière', 'infirmières', 'INFIRMIERS');
  same('physiothérapeute', 'physiotherapeutes');
  same('pharmacien', 'pharmaciennes');
  same('autorisé', 'autorisées');
});

test('folding ignores case and accents', () => {
  assert.equal(fold('Montréal'), fold('MONTREAL'));
  assert.equal(fold('santé'), 'sante');
  assert.equal(fold('Français'), 'francais');
});

test('the manifest carries both languages\' stop words', () => {
  for (const w of ['the', 'and', 'les', 'des', 'a']) assert.ok(stop.has(w), w);
  for (const w of ['nurse', 'infirmiere', 'can']) assert.ok(!stop.has(w), w);
});
