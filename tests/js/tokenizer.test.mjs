// node --test tests/js/: the JS tokenizer against the vectors the Rust tokenizer is tested with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tokenize, terms, compareCodePoints } from '../../themes/default/static/search-tokenize.js';
import * as N from '../../themes/default/static/search-tokenize.js';

const vectors = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/tokenizer-vectors.json', import.meta.url)), 'utf8'),
).vectors;

test('there are vectors', () => assert.ok(vectors.length >= 20));

for (const v of vectors) {
  test(`tokenizer vector: ${v.name}`, () => {
    const tokens = tokenize(v.input);
    assert.deepEqual(tokens.map((t) => [t.kind, t.text, t.start]), v.tokens);
    assert.deepEqual(terms(tokens), v.terms);
  });
}

test('code-point order matches Rust for astral characters', () => {
  const words = ['\u{20000}', '\uF900', 'a', '华', '\uFFFF', ''];
  const sorted = [...words].sort(compareCodePoints);
  assert.deepEqual(sorted, ['', 'a', '华', '\uF900', '\uFFFF', '\u{20000}']);
});

const normalizeVectors = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/tokenizer-vectors.json', import.meta.url)), 'utf8'),
).normalize;

test('there are normalisation vectors', () => assert.ok(normalizeVectors.length >= 30));

for (const v of normalizeVectors) {
  test(`normalisation vector: ${v.fn} ${JSON.stringify(v.input)}`, () => {
    const f = {
      phone_digits: N.phoneDigits,
      phone_term: N.phoneTerm,
      id_query: N.idQuery,
      legal_pieces: N.legalPieces,
      pinyin_query: N.pinyinQuery,
      whole_term: N.wholeTerm,
      within_one_edit: ([a, b]) => N.withinOneEdit(Array.from(a), Array.from(b)),
      spellings_of: N.spellingsOf,
    }[v.fn];
    assert.ok(f, v.fn);
    assert.deepEqual(f(v.input), v.output);
  });
}
