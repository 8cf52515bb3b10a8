// node --test tests/js/: the JS tokenizer against the vectors the Rust tokenizer is tested with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tokenize, terms, compareCodePoints } from '../../themes/default/static/search-tokenize.js';

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
