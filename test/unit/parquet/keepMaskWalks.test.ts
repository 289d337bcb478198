import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { keptRows } from '../../../src/delta/write/keptRows';
import { RowRunsScratch } from '../../../src/parquet/flatEncoder/rowRuns';

/** A deterministic pseudo-random source (tests must not flake). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

/** Keep masks at every byte offset of their buffer (aligned or not), of several densities. */
function masks(count: number): Uint8Array[] {
  const next = random(7);
  return Array.from({ length: count }, () => {
    const length = Math.floor(next() * 300);
    const offset = Math.floor(next() * 8);
    const density = next();
    const bytes = new Uint8Array(offset + length);
    for (let i = 0; i < bytes.length; i++) bytes[i] = next() < density ? 1 : 0;
    return bytes.subarray(offset);
  });
}

describe('keep mask walks (four bytes at a time, runs by galloping)', () => {
  test('keptRows counts the 1s of masks at any offset and length', () => {
    for (const mask of masks(2000)) assert.equal(keptRows(mask), mask.reduce((n, b) => n + b, 0));
  });

  test('RowRunsScratch finds the runs of consecutive rows a row-by-row scan finds', () => {
    const scratch = new RowRunsScratch();
    for (const mask of masks(2000)) {
      const rows = Int32Array.from(Array.from(mask).flatMap((b, i) => (b === 1 ? [i] : [])));
      const expected: number[] = [];
      for (const row of rows) {
        if (expected.length > 0 && expected[expected.length - 1] === row) expected[expected.length - 1] = row + 1;
        else expected.push(row, row + 1);
      }
      assert.deepEqual(Array.from(scratch.of(rows)), expected);
    }
  });

  test('one long run and single rows', () => {
    const scratch = new RowRunsScratch();
    assert.deepEqual(Array.from(scratch.of(Int32Array.from({ length: 100_000 }, (_, i) => i + 5))), [5, 100_005]);
    assert.deepEqual(Array.from(scratch.of(Int32Array.of(1, 3, 5))), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(Array.from(scratch.of(new Int32Array(0))), []);
  });
});
