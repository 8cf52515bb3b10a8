// node --test tests/js/: the money on result cards, formatted without Intl (see search.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEXT, facetLabel, gradeLabel, grouped, money } from '../../themes/default/static/search.js';

test('grouped matches Intl for the shapes cards show', () => {
  for (const [x, digits] of [[1234567.891, 2], [1.5, 0], [1000, 0], [0.004, 2], [-1234.5, 1], [100, 2], [12.3, 2], [999999, 0]]) {
    assert.equal(grouped(x, digits), x.toLocaleString('en', { maximumFractionDigits: digits }), `${x} ${digits}`);
  }
  // Unlike Intl, no negative zero.
  assert.equal(grouped(-0.2, 0), '0');
});

test('money as the pages write it: 万/亿 with up to two decimals in Chinese, whole in English', () => {
  assert.equal(money(48_600_000, true), '4,860万');
  assert.equal(money(12_345, true), '1.23万');
  assert.equal(money(3_985_000, true), '398.5万');
  assert.equal(money(250_000_000, true), '2.5亿');
  assert.equal(money(-50_000, true), '-5万');
  assert.equal(money(1234, true), '1,234');
  assert.equal(money(48_600_000, false), '48,600,000');
  assert.equal(money(1500, false), '1,500');
  assert.equal(money(undefined, true), '');
});

test('rounding half away from zero on the decimal a person reads, as src/decimal.rs', () => {
  assert.equal(grouped(2.675, 2), '2.68');
  assert.equal(grouped(-2.675, 2), '-2.68');
  assert.equal(grouped(0.125, 2), '0.13');
  assert.equal(money(26_750, true), '2.68万');
});

test('unrated grades are named in the page language on cards and facets', () => {
  assert.equal(gradeLabel('unrated', TEXT.zh), '未评级');
  assert.equal(gradeLabel('unrated', TEXT.en), 'Unrated');
  assert.equal(gradeLabel('AA', TEXT.zh), 'AA');
  assert.equal(facetLabel('grade', 'unrated', TEXT.zh), '未评级');
  assert.equal(facetLabel('stage', 'active', TEXT.zh), '成交客户');
  assert.equal(facetLabel('region', 'unrated', TEXT.zh), 'unrated');
});
