import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Bool, DateDay, Decimal, Field, FixedSizeBinary, Float32, Float64, Int16, Int32, Int64, Int8, LargeUtf8, List, Map_, RecordBatch, Schema, Struct,
  TimestampMicrosecond, Utf8, makeData, makeVector, vectorFromArray, type Data, type Vector,
} from 'apache-arrow';
import { filterBatch, takeData } from '../../../src/arrow/takeRows';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Plain JSON-comparable form of a cell (bigints as text, nested vectors and rows unpacked). */
function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return `${value}n`;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (value instanceof Map) return [...value.entries()].map(([k, v]) => [plain(k), plain(v)]);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    const json = 'toJSON' in value && typeof value.toJSON === 'function' ? (value.toJSON as () => unknown)() : value;
    if (json !== value) return plain(json);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

const rowsOf = (vector: Vector, rows: ArrayLike<number>): unknown[] => Array.from(rows, (row) => plain(vector.get(row)));

const structType = new Struct([new Field('a', new Int32(), true), new Field('s', new Utf8(), true)]);
const listType = new List(new Field('element', new Int64(), true));
const mapType = new Map_<Utf8, Int32>(new Field('entries', new Struct<{ key: Utf8; value: Int32 }>([new Field('key', new Utf8(), false), new Field('value', new Int32(), true)]), false));

function columns(next: () => number, n: number): Data[] {
  const maybe = <T>(make: () => T): T | null => (next() < 0.15 ? null : make());
  const int = (): number => Math.floor((next() - 0.5) * 1000);
  return [
    vectorFromArray(Array.from({ length: n }, () => maybe(() => BigInt(int()) * 2n ** 40n)), new Int64()).data[0] as Data,
    vectorFromArray(Array.from({ length: n }, () => maybe(() => 'x'.repeat(Math.floor(next() * 5)) + String(int()))), new Utf8()).data[0] as Data,
    vectorFromArray(Array.from({ length: n }, () => maybe(() => `large-${int()}`)), new LargeUtf8()).data[0] as Data,
    vectorFromArray(Array.from({ length: n }, () => maybe(() => next() < 0.5)), new Bool()).data[0] as Data,
    vectorFromArray(Array.from({ length: n }, () => next() * 10), new Float64()).data[0] as Data,
    vectorFromArray(Array.from({ length: n }, () => maybe(() => ({ a: maybe(int), s: maybe(() => String(int())) }))), structType).data[0] as Data,
    vectorFromArray(Array.from({ length: n }, () => maybe(() => Array.from({ length: Math.floor(next() * 4) }, () => maybe(() => BigInt(int()))))), listType).data[0] as Data,
    vectorFromArray(Array.from({ length: n }, () => maybe(() => new Map(Array.from({ length: Math.floor(next() * 3) }, (_, k) => [`k${k}`, maybe(int)])))), mapType).data[0] as Data,
    // Fixed widths of 1, 2, 3, 4, 8 and 16 bytes (copied as bytes or as 32-bit words).
    vectorFromArray(Array.from({ length: n }, () => maybe(() => int() % 128)), new Int8()).data[0] as Data,
    vectorFromArray(Array.from({ length: n }, () => maybe(int)), new Int16()).data[0] as Data,
    vectorFromArray(Array.from({ length: n }, () => maybe(() => next() * 3)), new Float32()).data[0] as Data,
    vectorFromArray(Array.from({ length: n }, () => maybe(int)), new DateDay()).data[0] as Data,
    makeData({ type: new TimestampMicrosecond('UTC'), length: n, nullCount: 0, data: BigInt64Array.from({ length: n }, () => BigInt(int()) * 1_000_003n) }),
    makeData({ type: new FixedSizeBinary(3), length: n, nullCount: 0, data: Uint8Array.from({ length: n * 3 }, () => Math.floor(next() * 256)) }),
    makeData({ type: new FixedSizeBinary(4), length: n, nullCount: 0, data: Uint8Array.from({ length: n * 4 }, () => Math.floor(next() * 256)) }),
    makeData({ type: new Decimal(2, 20, 128), length: n, nullCount: 0, data: Uint32Array.from({ length: n * 4 }, () => Math.floor(next() * 2 ** 32)) }),
  ];
}

describe('takeData and filterBatch', () => {
  test('take the same cells as the source, for runs, single rows, repeats and slices', () => {
    const next = random(7);
    const whole = columns(next, 500);
    for (const source of whole) {
      for (const data of [source, source.slice(37, 400)]) {
        const vector = makeVector(data);
        const n = data.length;
        const ascendingRuns = Array.from({ length: n }, (_, i) => i).filter((i) => Math.floor(i / 9) % 3 !== 1);
        const shuffled = Array.from({ length: 200 }, () => Math.floor(next() * n));
        const repeated = new Uint32Array(50).fill(3);
        for (const indices of [ascendingRuns, shuffled, repeated, []]) {
          const taken = takeData(data, indices);
          assert.equal(taken.length, indices.length);
          assert.equal(taken.offset, 0);
          assert.deepEqual(rowsOf(makeVector(taken), Array.from({ length: indices.length }, (_, i) => i)), rowsOf(vector, indices), `${String(data.type)} offset ${data.offset}`);
          const nulls = Array.from(indices, (row) => vector.get(row) === null).filter(Boolean).length;
          assert.equal(taken.nullCount, nulls, `${String(data.type)} nullCount`);
        }
      }
    }
  });

  test('filterBatch keeps the masked rows, and returns the batch itself when all are kept', () => {
    const next = random(11);
    const data = columns(next, 300);
    const fields = data.map((d, i) => new Field(`c${i}`, d.type, true));
    const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: 300, nullCount: 0, children: data }));
    const mask = Uint8Array.from({ length: 300 }, (_, i) => (i % 100 < 97 && i !== 0 ? 1 : 0));
    const kept = filterBatch(batch, mask);
    const rows = Array.from({ length: 300 }, (_, i) => i).filter((i) => mask[i] === 1);
    assert.equal(kept.numRows, rows.length);
    for (const [i, field] of fields.entries()) {
      assert.deepEqual(rowsOf(kept.getChildAt(i) as Vector, Array.from(rows, (_, k) => k)), rowsOf(batch.getChild(field.name) as Vector, rows));
    }
    assert.equal(filterBatch(batch, new Uint8Array(300).fill(1)), batch);
    assert.equal(filterBatch(batch, new Uint8Array(300)).numRows, 0);
  });
});
