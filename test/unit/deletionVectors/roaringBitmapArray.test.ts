import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RoaringBitmapArray } from '../../../src/delta/deletionVectors/roaringBitmapArray';
import {
  deserializeRoaringBitmapArray,
  serializeRoaringBitmapArray,
} from '../../../src/delta/deletionVectors/roaringBitmapArrayCodec';
import { keepMask } from '../../../src/delta/deletionVectors/keepMask';
import type { DeletedRows } from '../../../src/delta/deletionVectors/deletedRows';
import { isDeltaError } from '../../../src/delta/errors';

const TWO_32 = 2 ** 32;
const TWO_53 = 2 ** 53;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/**
 * The rows in fixtures/croaring-*.bin, written by CRoaring (pyroaring 1.2.0, BitMap64.serialize,
 * prefixed with the little-endian magic 1681511377): "no-runs" added value by value, so only array
 * and bitset containers; "run-optimized" after run_optimize().
 */
function fixtureRows(): number[] {
  return [
    ...[3, 4, 7, 11, 18, 29, 65535],
    ...range(0, 5000).map((i) => 65536 + 13 * i),
    ...range(131072, 131072 + 1000),
    ...range(131072 + 2000, 131072 + 3000),
    ...range(131072 + 65000, 131072 + 65536),
    ...range(196608, 262144),
    ...[10, 20, 30].map((v) => TWO_32 + v),
    ...range(TWO_32 + 65536 * 5, TWO_32 + 65536 * 5 + 10000),
    ...range(TWO_53 - 3, TWO_53),
  ];
}

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`fixtures/${name}`, import.meta.url)));
}

const isInvalidDv = (error: unknown): boolean => isDeltaError(error, 'DELTA_INVALID_DELETION_VECTOR');

test('decodes CRoaring portable 64-bit bitmaps with array, bitset and run containers', () => {
  const expected = Float64Array.from(fixtureRows());
  const plain = deserializeRoaringBitmapArray(fixture('croaring-no-runs.bin'), 'no-runs');
  assert.deepEqual(plain.containers.map((c) => c.kind), ['array', 'bitset', 'array', 'bitset', 'array', 'bitset', 'array']);
  const optimized = deserializeRoaringBitmapArray(fixture('croaring-run-optimized.bin'), 'run-optimized');
  assert.deepEqual(optimized.containers.map((c) => c.kind), ['array', 'bitset', 'run', 'run', 'array', 'run', 'array']);
  for (const bitmap of [plain, optimized]) {
    assert.equal(bitmap.cardinality, expected.length);
    assert.deepEqual(bitmap.toSortedArray(), expected);
    assert.equal(bitmap.has(TWO_53 - 1), true);
    assert.equal(bitmap.has(TWO_53 - 4), false);
    assert.equal(bitmap.has(65536 + 13 * 4999), true);
    assert.equal(bitmap.has(65536 + 13 * 4999 + 1), false);
    assert.equal(bitmap.has(131072 + 999), true);
    assert.equal(bitmap.has(131072 + 1000), false);
    assert.equal(bitmap.has(TWO_32 + 20), true);
    assert.equal(bitmap.has(20), false);
  }
});

test('encodes byte for byte what CRoaring writes after run optimisation', () => {
  const ours = serializeRoaringBitmapArray(RoaringBitmapArray.fromRows(fixtureRows()));
  assert.deepEqual(ours, fixture('croaring-run-optimized.bin'));
});

test('round-trips sets needing each container kind, in any input order and with duplicates', () => {
  const cases: Record<string, { rows: number[]; kinds: string[] }> = {
    empty: { rows: [], kinds: [] },
    array: { rows: [5, 1, 5, 65535, 0], kinds: ['array'] },
    'bitset (>4096 scattered values)': { rows: range(0, 6000).map((i) => i * 3), kinds: ['bitset'] },
    'array at exactly 4096': { rows: range(0, 4096).map((i) => i * 2), kinds: ['array'] },
    'bitset at 4097': { rows: range(0, 4097).map((i) => i * 2), kinds: ['bitset'] },
    // 3 consecutive values cost 6 bytes either way; ties stay arrays, as in CRoaring.
    'tie stays array': { rows: [9, 10, 11], kinds: ['array'] },
    'run (full container)': { rows: range(65536, 131072), kinds: ['run'] },
    'runs across buckets': { rows: [...range(TWO_32 - 10, TWO_32 + 10), ...range(7 * TWO_32, 7 * TWO_32 + 10)], kinds: ['run', 'run', 'run'] },
    'many containers (offset header)': { rows: range(0, 20).map((i) => i * 65536 + i), kinds: Array<string>(20).fill('array') },
  };
  for (const [name, { rows, kinds }] of Object.entries(cases)) {
    const shuffled = [...rows].reverse();
    const bitmap = RoaringBitmapArray.fromRows([...shuffled, ...rows.slice(0, 3)]);
    assert.deepEqual(bitmap.containers.map((c) => c.kind), kinds, name);
    const expected = Float64Array.from(new Set(rows)).sort();
    assert.deepEqual(bitmap.toSortedArray(), expected, name);
    const decoded = deserializeRoaringBitmapArray(serializeRoaringBitmapArray(bitmap), name);
    assert.equal(decoded.cardinality, expected.length, name);
    assert.deepEqual(decoded.toSortedArray(), expected, name);
    assert.deepEqual(decoded.containers.map((c) => c.kind), kinds, name);
  }
});

test('rejects row indexes that are negative, fractional or beyond 2^53', () => {
  for (const row of [-1, 1.5, TWO_53, Number.NaN]) {
    assert.throws(() => RoaringBitmapArray.fromRows([row]), (error) => isDeltaError(error, 'DELTA_INVALID_ARGUMENT'));
  }
  const bitmap = RoaringBitmapArray.fromRows([0]);
  assert.equal(bitmap.has(-0.5), false);
  assert.equal(bitmap.has(Number.NaN), false);
});

test('reports corrupt bitmaps as DELTA_INVALID_DELETION_VECTOR naming the source', () => {
  const good = serializeRoaringBitmapArray(RoaringBitmapArray.fromRows([...range(0, 5000).map((i) => i * 7), TWO_32]));
  const damaged = (mutate: (bytes: Uint8Array, view: DataView) => void): Uint8Array => {
    const bytes = good.slice();
    mutate(bytes, new DataView(bytes.buffer));
    return bytes;
  };
  const corrupt: Record<string, Uint8Array> = {
    truncated: good.subarray(0, good.length - 1),
    'trailing bytes': Uint8Array.from([...good, 0]),
    'wrong magic': damaged((_, view) => view.setUint32(0, 1681511378, true)),
    'bad cookie': damaged((_, view) => view.setUint32(16, 12345, true)),
    // header cardinality of the first container (a bitset) no longer matches its bits
    'cardinality mismatch': damaged((_, view) => view.setUint16(26, 4999 - 1, true)),
    'descending buckets': damaged((_, view) => view.setBigUint64(4, 3n, true)),
  };
  for (const [name, bytes] of Object.entries(corrupt)) {
    assert.throws(
      () => deserializeRoaringBitmapArray(bytes, 'file:///t/dv.bin'),
      (error) => isInvalidDv(error) && (error as Error).message.includes('file:///t/dv.bin'),
      name,
    );
  }
});

test('decodes the native layout Delta also reads, in both byte orders', () => {
  // Native layout: magic 1681511376, bitmap count, then per bitmap its byte length and bitmap.
  const portable = serializeRoaringBitmapArray(RoaringBitmapArray.fromRows([1, 2, 70000]));
  const bitmap32 = portable.subarray(16); // after magic, bucket count, bucket key
  for (const littleEndian of [true, false]) {
    const bytes = new Uint8Array(12 + bitmap32.length);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 1681511376, littleEndian);
    view.setUint32(4, 1, littleEndian);
    view.setUint32(8, bitmap32.length, littleEndian);
    bytes.set(bitmap32, 12);
    assert.deepEqual(deserializeRoaringBitmapArray(bytes, 'native').toSortedArray(), Float64Array.of(1, 2, 70000));
  }
});

test('keepMask clears exactly the deleted rows of a batch, across container boundaries', () => {
  const deletedRows = [0, 65535, 65536, ...range(131072 + 10, 131072 + 20), ...range(0, 5000).map((i) => 200000 + 3 * i), TWO_32 + 1];
  const bitmap = RoaringBitmapArray.fromRows(deletedRows);
  const deleted = new Set(deletedRows);
  const windows: [number, number][] = [[0, 10], [65530, 10], [131072, 40], [199999, 20000], [TWO_32 - 2, 5], [300000, 0], [70000, 100]];
  for (const [start, length] of windows) {
    const expected = Uint8Array.from({ length }, (_, i) => (deleted.has(start + i) ? 0 : 1));
    assert.deepEqual(keepMask(bitmap, start, length), expected, `[${start}, ${start + length})`);
  }
  // Any other DeletedRows works through has().
  const viaInterface: DeletedRows = { cardinality: 1, has: (row) => row === 3, toSortedArray: () => Float64Array.of(3) };
  assert.deepEqual(keepMask(viaInterface, 2, 3), Uint8Array.of(1, 0, 1));
});
