import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Data, Decimal, Field, Float64, Int64, RecordBatch, Schema, Struct, Utf8, makeData, vectorFromArray } from 'apache-arrow';
import { writeInt128 } from '../../../src/arrow/decimal128';
import { parseSchemaString } from '../../../src/delta/schema';
import { parseFileStats } from '../../../src/delta/stats/fileStats';
import { StatsCollector } from '../../../src/delta/write/statsCollector';

/** A fixed-seed generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const schema = parseSchemaString(JSON.stringify({
  type: 'struct',
  fields: [
    { name: 'l', type: 'long', nullable: true, metadata: {} },
    { name: 'dec', type: 'decimal(38,0)', nullable: true, metadata: {} },
    { name: 's', type: 'string', nullable: true, metadata: {} },
    { name: 'f', type: 'double', nullable: true, metadata: {} },
    { name: 'st', type: { type: 'struct', fields: [{ name: 'l', type: 'long', nullable: true, metadata: {} }] }, nullable: true, metadata: {} },
  ],
}));

interface Rows {
  l: Array<bigint | null>;
  dec: Array<bigint | null>;
  s: Array<string | null>;
  f: Array<number | null>;
  /** Struct validity and its child: the child counts only where the struct is valid. */
  st: boolean[];
  stl: Array<bigint | null>;
}

function generate(next: () => number, n: number, wideShare: number): Rows {
  // Values around the 32-bit word boundaries, where a word-wise comparison could go wrong.
  const edges = [0n, -1n, 1n, 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n), 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n];
  const long = (): bigint | null => {
    if (next() < 0.1) return null;
    if (next() < 0.3) return edges[Math.floor(next() * edges.length)] as bigint;
    return BigInt(Math.floor((next() - 0.5) * 2 ** 40)) * BigInt(Math.floor(next() * 2 ** 20));
  };
  // Mostly within +-2^53 (compared as doubles), sometimes just past it or far wider (the general path).
  const decimalEdges = [2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 64n, -(3n ** 70n)];
  const decimal = (): bigint | null => {
    if (next() < 0.1) return null;
    if (next() < wideShare) return decimalEdges[Math.floor(next() * decimalEdges.length)] as bigint;
    return BigInt(Math.floor((next() - 0.5) * 2 ** 50));
  };
  const words = ['', 'a', 'ab', 'b', 'é', 'ée', '😀', 'z'.repeat(3), 'Z', 'zz'];
  const rows: Rows = { l: [], dec: [], s: [], f: [], st: [], stl: [] };
  for (let i = 0; i < n; i++) {
    rows.l.push(long());
    rows.dec.push(decimal());
    rows.s.push(next() < 0.1 ? null : (words[Math.floor(next() * words.length)] as string) + (next() < 0.5 ? String(Math.floor(next() * 100)) : ''));
    rows.f.push(next() < 0.1 ? null : next() < 0.1 ? NaN : (next() - 0.5) * 1e6);
    rows.st.push(next() > 0.2);
    rows.stl.push(long());
  }
  return rows;
}

function batchOf(rows: Rows): RecordBatch {
  const n = rows.l.length;
  const decimalType = new Decimal(0, 38, 128);
  const words = new Uint32Array(n * 4);
  const decValid = new Uint8Array(Math.ceil(n / 8));
  rows.dec.forEach((v, i) => {
    if (v === null) return;
    writeInt128(words, i, v);
    decValid[i >> 3] = (decValid[i >> 3] as number) | (1 << (i & 7));
  });
  const stValid = new Uint8Array(Math.ceil(n / 8));
  rows.st.forEach((v, i) => { if (v) stValid[i >> 3] = (stValid[i >> 3] as number) | (1 << (i & 7)); });
  const structType = new Struct([new Field('l', new Int64(), true)]);
  const fields = [new Field('l', new Int64(), true), new Field('dec', decimalType, true), new Field('s', new Utf8(), true), new Field('f', new Float64(), true), new Field('st', structType, true)];
  const children: Data[] = [
    vectorFromArray(rows.l, new Int64()).data[0] as Data,
    makeData({ type: decimalType, length: n, nullCount: rows.dec.filter((v) => v === null).length, nullBitmap: decValid, data: words }),
    vectorFromArray(rows.s, new Utf8()).data[0] as Data,
    vectorFromArray(rows.f, new Float64()).data[0] as Data,
    makeData({ type: structType, length: n, nullCount: rows.st.filter((v) => !v).length, nullBitmap: stValid, children: [vectorFromArray(rows.stl, new Int64()).data[0] as Data] }),
  ];
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
}

function expectedBounds<T>(values: Array<T | null>, less: (a: T, b: T) => boolean): { min?: T; max?: T; nulls: number } {
  let min: T | undefined;
  let max: T | undefined;
  let nulls = 0;
  let nan = false;
  for (const v of values) {
    if (v === null) {
      nulls++;
      continue;
    }
    if (typeof v === 'number' && Number.isNaN(v)) {
      nan = true;
      continue;
    }
    if (min === undefined || less(v, min)) min = v;
    if (max === undefined || less(max, v)) max = v;
  }
  // NaN sorts above every number for readers: with one present, no finite max is a true bound.
  return { ...(min === undefined ? {} : { min }), ...(max === undefined || nan ? {} : { max }), nulls };
}

const utf8 = new TextEncoder();
const byteLess = (a: string, b: string): boolean => Buffer.compare(utf8.encode(a), utf8.encode(b)) < 0;

function assertStats(collector: StatsCollector, all: Rows, label: string): void {
  const stats = parseFileStats(collector.toJson(), schema, 'none');
  assert.ok(stats);
  assert.equal(stats.numRecords, all.l.length);
  const bigLess = (a: bigint, b: bigint): boolean => a < b;
  const checks: Array<[string[], { min?: unknown; max?: unknown; nulls: number }]> = [
    [['l'], expectedBounds(all.l, bigLess)],
    [['st', 'l'], expectedBounds(all.stl.map((v, i) => (all.st[i] ? v : null)), bigLess)],
    [['s'], expectedBounds(all.s, byteLess)],
    [['f'], expectedBounds(all.f, (a: number, b: number) => a < b)],
  ];
  for (const [path, want] of checks) {
    assert.equal(stats.nullCount(path), want.nulls, `${label} ${path.join('.')} nullCount`);
    assert.deepEqual(stats.min(path), want.min, `${label} ${path.join('.')} min`);
    assert.deepEqual(stats.max(path), want.max, `${label} ${path.join('.')} max`);
  }
  const dec = expectedBounds(all.dec, bigLess);
  assert.equal(stats.nullCount(['dec']), dec.nulls);
  assert.deepEqual(stats.min(['dec']), { unscaled: dec.min, scale: 0 }, `${label} dec min`);
  assert.deepEqual(stats.max(['dec']), { unscaled: dec.max, scale: 0 }, `${label} dec max`);
}

describe('StatsCollector bounds', () => {
  test('equal the bounds of the plain values, over batches, slices, nulls and nested nulls', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      // Seed 1 keeps every decimal within +-2^53, the others mix in wider ones.
      const wideShare = seed === 1 ? 0 : 0.02;
      const parts = [generate(next, 300, wideShare), generate(next, 1 + Math.floor(next() * 50), wideShare), generate(next, 200, wideShare)];
      const together = new StatsCollector(schema, 'none');
      const all: Rows = { l: [], dec: [], s: [], f: [], st: [], stl: [] };
      for (const [index, part] of parts.entries()) {
        // The last part goes in as a slice (non-zero offset), as split batches do; alone too.
        const [from, to] = index === 2 ? [17, 180] : [0, part.l.length];
        const rows = Object.fromEntries(Object.entries(part).map(([key, values]) => [key, (values as unknown[]).slice(from, to)])) as unknown as Rows;
        const batch = index === 2 ? batchOf(part).slice(from, to) : batchOf(part);
        together.add(batch);
        for (const key of Object.keys(all) as Array<keyof Rows>) (all[key] as unknown[]).push(...rows[key]);
        if (index === 2) {
          const alone = new StatsCollector(schema, 'none');
          alone.add(batch);
          assertStats(alone, rows, `seed ${seed} slice`);
        }
      }
      assertStats(together, all, `seed ${seed}`);
    }
  });

  test('a column of NaN and nulls only has a null count and no bounds', () => {
    const rows: Rows = { l: [1n], dec: [null], s: [null], f: [NaN], st: [false], stl: [5n] };
    const collector = new StatsCollector(schema, 'none');
    collector.add(batchOf(rows));
    const json = JSON.parse(collector.toJson()) as { minValues: Record<string, unknown>; nullCount: Record<string, unknown> };
    assert.deepEqual(json.minValues, { l: 1 });
    assert.deepEqual(json.nullCount, { l: 0, dec: 1, s: 1, f: 0, st: { l: 1 } });
  });
});
