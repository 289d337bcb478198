import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PageCache } from '../../../webview/grid/pageCache';

const page = (from: number, count: number): string[][] => Array.from({ length: count }, (_, i) => [String(from + i)]);

test('rows are found by index across pages; unknown pages are requested once', () => {
  const cache = new PageCache(10, 5);
  cache.store(0, page(0, 10), undefined);
  assert.deepEqual(cache.row(7), ['7']);
  assert.equal(cache.knownRows, 10);
  assert.equal(cache.needs(12), true);
  assert.equal(cache.markRequested(12), 10);
  assert.equal(cache.needs(15), false, 'page 1 is in flight');
  cache.store(10, page(10, 10), undefined);
  assert.deepEqual(cache.row(15), ['15']);
});

test('an empty answer past the end fixes the length at the total, not at the offset asked', () => {
  const cache = new PageCache(10, 5);
  cache.store(0, page(0, 10), undefined);
  cache.store(20, [], 13);
  assert.equal(cache.knownRows, 13);
  assert.equal(cache.done, true);
  assert.equal(cache.needs(15), false, 'nothing exists past the end');
  assert.equal(cache.needs(11), true, 'rows 10..12 exist and are not held');
});

test('memory stays at maxPages: the least recently used page is dropped and can be asked again', () => {
  const cache = new PageCache(10, 3);
  for (let p = 0; p < 3; p += 1) cache.store(p * 10, page(p * 10, 10), undefined);
  cache.row(0);
  cache.store(30, page(30, 10), undefined);
  assert.equal(cache.heldPages, 3);
  assert.equal(cache.row(15), undefined, 'page 1 was least recently used');
  assert.deepEqual(cache.row(5), ['5']);
  assert.equal(cache.needs(15), true);
});
