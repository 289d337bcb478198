import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RowSample } from '../../../src/ops/optimize/rowSample';

/** Offers rows 0..total-1 (each row is its own index) in batches of the given sizes, cycling. */
function sampled(capacity: number, total: number, batchSizes: number[], seed?: number): number[] {
  const sample = new RowSample(capacity, seed);
  let made = 0;
  for (let start = 0, b = 0; start < total; b++) {
    const count = Math.min(batchSizes[b % batchSizes.length] as number, total - start);
    const first = start;
    sample.offerRows(count, (row) => {
      made++;
      assert.ok(row >= 0 && row < count, `row ${row} is outside a batch of ${count}`);
      return [BigInt(first + row)];
    });
    start += count;
  }
  assert.equal(sample.offered, total);
  // Rows passed over are never built: far fewer than offered once the reservoir is full.
  if (total > capacity * 100) assert.ok(made < total / 10, `${made} rows built of ${total}`);
  return sample.rows.map((row) => Number(row[0]));
}

test('RowSample keeps every row, in order, while they fit', () => {
  assert.deepEqual(sampled(10, 7, [3]), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(sampled(0, 5, [2]), []);
});

test('RowSample draws a uniform sample of distinct rows whatever the batch sizes', () => {
  const total = 1_000_000;
  for (const sizes of [[1000], [1, 7, 65_536, 3], [total]]) {
    const rows = sampled(2000, total, sizes);
    assert.equal(rows.length, 2000);
    assert.equal(new Set(rows).size, 2000, 'no row is kept twice');
    // Each tenth of the rows holds about a tenth of the sample (binomial, sd 13): within 6 sd.
    const tenths = new Array<number>(10).fill(0);
    for (const row of rows) tenths[Math.floor(row / (total / 10))]! += 1;
    for (const n of tenths) assert.ok(Math.abs(n - 200) < 80, `tenths ${tenths.join(', ')}`);
    const mean = rows.reduce((a, b) => a + b, 0) / rows.length;
    // sd of the mean of 2000 uniform draws is about 6,450.
    assert.ok(Math.abs(mean - total / 2) < 40_000, `mean ${mean}`);
  }
});

test('RowSample is the same on every run with the same seed, and another with another seed', () => {
  assert.deepEqual(sampled(100, 50_000, [333]), sampled(100, 50_000, [333]));
  assert.notDeepEqual(sampled(100, 50_000, [333]), sampled(100, 50_000, [333], 7));
});
