// node --test tests/js/: the money on result cards, formatted without Intl (see search.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grouped, money } from '../../themes/default/static/search.js';

test('grouped matches Intl for the shapes cards show', () => {
  for (const [x, digits] of [[1234567.891, 2], [1.5, 0], [1000, 0], [0.004, 2], [-1234.5, 1], [100, 2], [12.3, 2], [999999, 0]]) {
    assert.equal(grouped(x, digits), x.toLocaleString('en', { maximumFractionDigits: digits }), `${x} ${digits}`);
  }
  // Unlike Intl, no negative zero.
  assert.equal(grouped(-0.2, 0), '0');
});

test('money in 万/亿 for Chinese and K/M for English', () => {
  assert.equal(money(48_600_000, true), '4,860万');
  assert.equal(money(250_000_000, true), '2.5亿');
  assert.equal(money(-50_000, true), '-5万');
  assert.equal(money(1234, true), '1,234');
  assert.equal(money(48_600_000, false), '48.6M');
  assert.equal(money(1500, false), '2k');
  assert.equal(money(undefined, true), '');
});
