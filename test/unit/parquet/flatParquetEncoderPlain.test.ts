import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Field } from 'apache-arrow';
import { toArrowType } from '../../../src/delta/arrowSchema';
import type { TypedValue } from '../../../src/delta/predicate/typedValue';
import type { DataType } from '../../../src/delta/schema';
import { columnFromValues } from '../../../src/delta/write/columnFromValues';
import { takeData } from '../../../src/arrow/takeRows';
import { flatColumnFor, type FlatColumn } from '../../../src/parquet/flatEncoder/flatColumn';
import { RowRunsScratch } from '../../../src/parquet/flatEncoder/rowRuns';
import { seededRandom } from '../../helpers/seededRandom';

const P = (name: string): DataType => ({ kind: 'primitive', name } as DataType);
const d = (unscaled: bigint, scale: number): TypedValue => ({ unscaled, scale });

/** A Delta type, the edge values its pages must bound right, and the rest of the values. */
interface Case { name: string; type: DataType; edges: TypedValue[]; random: (r: () => number) => TypedValue }

const CASES: Case[] = [
  { name: 'integer', type: P('integer'), edges: [-(2 ** 31), 2 ** 31 - 1, 0, -1], random: (r) => Math.floor(r() * 1e6) - 5e5 },
  { name: 'date', type: P('date'), edges: [-719162, 2932896], random: (r) => Math.floor(r() * 40000) - 20000 },
  { name: 'decimal(9,2)', type: { kind: 'decimal', precision: 9, scale: 2 }, edges: [d(-999_999_999n, 2), d(999_999_999n, 2)], random: (r) => d(BigInt(Math.floor(r() * 2e8)) - 10n ** 8n, 2) },
  // Equal high words with low words either side of 2^31: the low word is compared unsigned.
  { name: 'long', type: P('long'), edges: [-(2n ** 63n), 2n ** 63n - 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, -1n, -0x80000000n], random: (r) => BigInt(Math.floor(r() * 2 ** 34)) - 2n ** 33n },
  { name: 'timestamp', type: P('timestamp'), edges: [-62135596800000000n, 253402300799999999n], random: (r) => BigInt(Math.floor(r() * 2e15)) - 10n ** 15n },
  { name: 'decimal(18,4)', type: { kind: 'decimal', precision: 18, scale: 4 }, edges: [d(-(10n ** 18n - 1n), 4), d(10n ** 18n - 1n, 4), d(-1n, 4)], random: (r) => d(BigInt(Math.floor(r() * 1e15)) - 5n * 10n ** 14n, 4) },
  { name: 'float', type: P('float'), edges: [-0, 0, 3.4028234663852886e38, Number.NaN], random: (r) => Math.fround(r() * 100 - 50) },
  { name: 'double', type: P('double'), edges: [Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], random: (r) => r() * 1e6 - 5e5 },
  { name: 'double, NaN only', type: P('double'), edges: [Number.NaN], random: () => Number.NaN },
  { name: 'double, zeros only', type: P('double'), edges: [-0, 0], random: () => 0 },
];

function values(c: Case, seed: number, rows: number): TypedValue[] {
  const r = seededRandom(seed);
  return Array.from({ length: rows }, (_, row) => (row % 89 === seed % 89 || r() < 0.01 ? c.edges[Math.floor(r() * c.edges.length)] ?? null : c.random(r)));
}

function columnOf(c: Case): FlatColumn {
  const column = flatColumnFor(new Field(c.name, toArrowType(c.type), false));
  assert.ok(column, `the flat encoder writes ${c.name}`);
  return column;
}

describe('PLAIN pages without nulls', () => {
  for (const c of CASES) {
    test(`${c.name}: the whole-page path writes the bytes and bounds of the row-by-row path`, () => {
      // Fast: pages of every row (no selection, no validity). Reference: the same rows listed one by one.
      const fast = columnOf(c);
      const reference = columnOf(c);
      // A slice (offset data), pages one after the other in one chunk, and a chunk of one page.
      const big = columnFromValues(c.type, values(c, 5, 3000));
      const chunks = [[big.slice(17, 2000), columnFromValues(c.type, values(c, 9, 700)), columnFromValues(c.type, values(c, 2, 1))], [big.slice(2500, 400)]];
      for (const pages of chunks) {
        for (const [p, data] of pages.entries()) {
          const prefix = p * 3;
          const all = Int32Array.from({ length: data.length }, (_, i) => i);
          const a = fast.encode(data, prefix);
          const b = reference.encode(data, prefix, all);
          assert.equal(a.nulls, 0);
          assert.equal(b.nulls, 0);
          assert.deepEqual(a.body.subarray(prefix), b.body.subarray(prefix), 'the same PLAIN bytes');
          assert.equal(a.body.length, b.body.length);
        }
        assert.deepEqual(fast.takeBounds(), reference.takeBounds(), 'the same chunk bounds');
        assert.equal(fast.sawNaN, reference.sawNaN);
      }
    });
  }

  for (const c of [...CASES, { name: 'string', type: P('string'), edges: [''], random: (r: () => number) => 'x'.repeat(Math.floor(r() * 40)) + String(r()) }]) {
    test(`${c.name}: a selection of rows (runs long and short) writes the bytes and bounds of the selected rows copied out`, () => {
      const selecting = columnOf(c);
      const reference = columnOf(c);
      const data = columnFromValues(c.type, values(c, 3, 3000)).slice(11, 2900);
      // Runs of 1 to 60 rows with gaps of 1 to 3 rows between them.
      const r = seededRandom(7);
      const picked: number[] = [];
      for (let row = 0; row < data.length; row += 1 + Math.floor(r() * 3)) {
        const run = 1 + Math.floor(r() * 60);
        for (let k = 0; k < run && row < data.length; k++) picked.push(row++);
      }
      const rows = Int32Array.from(picked);
      const runs = new RowRunsScratch().of(rows);
      const a = selecting.encode(data, 5, rows, undefined, runs);
      const b = reference.encode(takeData(data, rows), 5);
      assert.deepEqual(a.body.subarray(5), b.body.subarray(5), 'the same PLAIN bytes');
      assert.deepEqual(selecting.takeBounds(), reference.takeBounds(), 'the same chunk bounds');
      assert.equal(selecting.sawNaN, reference.sawNaN);
    });
  }

  test('string bounds are the sorted extremes for values sharing prefixes of any length, short tails and bytes past 0x7f included', () => {
    const r = seededRandom(11);
    const alphabet = ['', 'a', 'b', 'z', '\u0000', 'é', '~'];
    for (let prefixLength = 0; prefixLength <= 14; prefixLength++) {
      const prefix = 'customer-0123456789'.slice(0, prefixLength);
      const strings = Array.from({ length: 400 }, () => prefix + Array.from({ length: Math.floor(r() * 7) }, () => alphabet[Math.floor(r() * alphabet.length)]).join(''));
      const column = columnOf({ name: 'string', type: P('string'), edges: [], random: () => null });
      const data = columnFromValues(P('string'), strings);
      // Two pages: every row, then a selection.
      column.encode(data.slice(0, 200), 0);
      column.encode(data.slice(200, 200), 3, Int32Array.from({ length: 100 }, (_, k) => k * 2));
      const kept = [...strings.slice(0, 200), ...strings.slice(200).filter((_, k) => k % 2 === 0 && k < 200)];
      const sorted = kept.map((v) => Buffer.from(v)).sort(Buffer.compare);
      const bounds = column.takeBounds();
      assert.ok(bounds);
      assert.deepEqual([Buffer.from(bounds.min), Buffer.from(bounds.max)], [sorted[0], sorted.at(-1)], `prefix of ${prefixLength}`);
    }
  });

  test('the runs of a selection are its stretches of consecutive rows', () => {
    const runs = new RowRunsScratch();
    assert.deepEqual([...runs.of(Int32Array.of(0, 1, 2, 5, 7, 8))], [0, 3, 5, 6, 7, 9]);
    assert.deepEqual([...runs.of(Int32Array.of(4))], [4, 5]);
    assert.deepEqual([...runs.of(new Int32Array(0))], []);
  });

  test('strings of every length up to 70 bytes are length-prefixed PLAIN, all rows or a selection', () => {
    const strings = Array.from({ length: 300 }, (_, i) => 'ü'.repeat(i % 3) + 'abcdefghij'.repeat(7).slice(0, (i * 7) % 67));
    const data = columnFromValues(P('string'), strings).slice(5, 285);
    const plain = (values: string[]): number[] => values.flatMap((v) => {
      const bytes = [...new TextEncoder().encode(v)];
      return [bytes.length & 0xff, bytes.length >> 8, 0, 0, ...bytes];
    });
    const column = columnOf({ name: 'string', type: P('string'), edges: [], random: () => null });
    assert.deepEqual([...column.encode(data, 2).body.subarray(2)], plain(strings.slice(5, 290)));
    const rows = Int32Array.from({ length: 95 }, (_, k) => k * 3);
    assert.deepEqual([...column.encode(data, 0, rows).body], plain([...rows].map((r) => strings[5 + r] as string)));
    const sorted = strings.slice(5, 290).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const bounds = column.takeBounds();
    assert.deepEqual(bounds && [Buffer.from(bounds.min).toString(), Buffer.from(bounds.max).toString()], [sorted[0], sorted.at(-1)]);
  });

  test('bounds over the edges are the true extremes', () => {
    const long = columnOf(CASES[3] as Case);
    long.encode(columnFromValues(P('long'), [5n, 0x80000000n, 0x7fffffffn]), 0);
    const bounds = long.takeBounds();
    assert.ok(bounds);
    const view = (bytes: Uint8Array): bigint => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(0, true);
    assert.equal(view(bounds.min), 5n);
    assert.equal(view(bounds.max), 0x80000000n);
    const double = columnOf(CASES[7] as Case);
    double.encode(columnFromValues(P('double'), [Number.NaN, 2.5, Number.NaN, -7]), 0);
    const doubles = double.takeBounds();
    assert.ok(doubles);
    const f64 = (bytes: Uint8Array): number => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(0, true);
    assert.deepEqual([f64(doubles.min), f64(doubles.max), double.sawNaN], [-7, 2.5, true]);
    const nanOnly = columnOf(CASES[8] as Case);
    nanOnly.encode(columnFromValues(P('double'), [Number.NaN, Number.NaN]), 0);
    assert.equal(nanOnly.takeBounds(), undefined, 'a page of NaN only has no bounds');
  });
});
