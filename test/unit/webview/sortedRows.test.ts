import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SortedRows } from '../../../webview/grid/sortedRows';

const rows = [['10', 'b'], ['9', null], [null, 'a'], ['100', 'c']];

test('numeric columns sort by value, nulls last in both directions', () => {
  const up = new SortedRows(rows, 0, true, 'ascending');
  assert.deepEqual([0, 1, 2, 3].map((i) => up.row(i)?.[0]), ['9', '10', '100', null]);
  const down = new SortedRows(rows, 0, true, 'descending');
  assert.deepEqual([0, 1, 2, 3].map((i) => down.row(i)?.[0]), ['100', '10', '9', null]);
});

test('text columns sort by code unit; the source rows are not reordered', () => {
  const sorted = new SortedRows(rows, 1, false, 'ascending');
  assert.deepEqual([0, 1, 2, 3].map((i) => sorted.row(i)?.[1]), ['a', 'b', 'c', null]);
  assert.equal(sorted.knownRows, 4);
  assert.equal(sorted.done, true);
  assert.deepEqual(rows[0], ['10', 'b']);
});
