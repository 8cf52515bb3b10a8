// node --test tests/js/: the dossier's link back to the search results it was opened from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resultsAddress } from '../../themes/default/static/search.js';

test('a dossier links back to the results it was opened from, and only to them', () => {
  const search = 'https://intranet.example/dossier/search/';
  const from = 'https://intranet.example/dossier/search/?q=%E5%8D%8E%E4%B8%9C&region=%E5%8D%8E%E5%8D%97';
  assert.equal(resultsAddress(from, search), from);
  // No query: nothing to go back to. Another page, another site, no referrer: no link.
  assert.equal(resultsAddress('https://intranet.example/dossier/search/', search), null);
  assert.equal(resultsAddress('https://intranet.example/dossier/customers/?q=x', search), null);
  assert.equal(resultsAddress('https://elsewhere.example/dossier/search/?q=x', search), null);
  assert.equal(resultsAddress('', search), null);
});
