import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Bool, DateDay, Decimal, Dictionary, Field, Float64, Int32, Int64, List, Map_, RecordBatch, Schema, Struct, TimestampMicrosecond, Utf8,
  makeData, vectorFromArray, type Data, type DataType,
} from 'apache-arrow';
import { canConcat, concatBatches } from '../../../src/arrow/concatBatches';

/** JSON-comparable rows (bigints and typed arrays as text, maps as entry lists). */
function rows(batch: RecordBatch): string[] {
  return Array.from({ length: batch.numRows }, (_, i) => JSON.stringify(batch.get(i)?.toJSON(), (_key, value: unknown) => {
    if (typeof value === 'bigint') return `${value}n`;
    if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>).join(',');
    if (value instanceof Map) return [...value.entries()];
    if (value && typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function') return (value.toJSON as () => unknown)();
    return value;
  }));
}

const structType = new Struct([new Field('a', new Int32(), true), new Field('s', new Utf8(), true)]);
const listType = new List(new Field('element', new Int64(), true));
const mapType = new Map_<Utf8, Int32>(new Field('entries', new Struct<{ key: Utf8; value: Int32 }>([
  new Field('key', new Utf8(), false), new Field('value', new Int32(), true)]), false));

const fields = [
  new Field('id', new Int64(), true), new Field('f', new Float64(), true), new Field('b', new Bool(), true),
  new Field('s', new Utf8(), true), new Field('d', new Decimal(2, 10, 128), true), new Field('day', new DateDay(), true),
  new Field('ts', new TimestampMicrosecond('UTC'), true), new Field('st', structType, true), new Field('l', listType, true),
  new Field('m', mapType, true),
];
const schema = new Schema(fields);

/** `n` rows starting at `first`, every column with some nulls, values derived from the row number. */
function batchOf(first: number, n: number): RecordBatch {
  const at = (i: number): number => first + i;
  const nullEvery = (k: number) => <T>(i: number, value: T): T | null => (at(i) % k === 0 ? null : value);
  const values = <T>(k: number, make: (row: number) => T): Array<T | null> => Array.from({ length: n }, (_, i) => nullEvery(k)(i, make(at(i))));
  const decimals = new Uint32Array(n * 4);
  for (let i = 0; i < n; i++) decimals[i * 4] = at(i) * 7;
  const decimalValid = new Uint8Array(Math.ceil(n / 8));
  let decimalNulls = 0;
  for (let i = 0; i < n; i++) {
    if (at(i) % 6 === 0) decimalNulls++;
    else decimalValid[i >> 3] = (decimalValid[i >> 3] as number) | (1 << (i & 7));
  }
  const children: Data[] = [
    vectorFromArray(values(5, (r) => BigInt(r) * 1_000_000_007n), new Int64()).data[0] as Data,
    vectorFromArray(values(4, (r) => r / 3), new Float64()).data[0] as Data,
    vectorFromArray(values(3, (r) => r % 2 === 0), new Bool()).data[0] as Data,
    vectorFromArray(values(7, (r) => `row ${r} ${'x'.repeat(r % 11)}`), new Utf8()).data[0] as Data,
    makeData({ type: new Decimal(2, 10, 128), length: n, nullCount: decimalNulls, nullBitmap: decimalValid, data: decimals }),
    vectorFromArray(values(8, (r) => r * 86_400_000), new DateDay()).data[0] as Data,
    vectorFromArray(values(9, (r) => r * 1000), new TimestampMicrosecond('UTC')).data[0] as Data,
    vectorFromArray(values(5, (r) => ({ a: r, s: r % 3 === 0 ? null : `s${r}` })), structType).data[0] as Data,
    vectorFromArray(values(4, (r) => Array.from({ length: r % 4 }, (_, k) => (k === 1 ? null : BigInt(r + k)))), listType).data[0] as Data,
    vectorFromArray(values(6, (r) => new Map(Array.from({ length: r % 3 }, (_, k) => [`k${k}`, k === 0 ? null : r]))), mapType).data[0] as Data,
  ];
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
}

describe('concatBatches', () => {
  test('joins batches of every Delta column type with nulls, keeping every value in order', () => {
    const parts = [batchOf(0, 13), batchOf(13, 1), batchOf(14, 64), batchOf(78, 5)];
    const joined = concatBatches(parts);
    assert.equal(joined.numRows, 83);
    assert.deepEqual(rows(joined), rows(batchOf(0, 83)));
    assert.equal(joined.getChildAt(0)?.nullCount, 17);
    for (const child of joined.data.children) assert.equal(child.offset, 0);
  });

  test('honours slices: offsets of bitmaps, values, string offsets and struct children', () => {
    const whole = batchOf(0, 100);
    const parts = [whole.slice(3, 20), whole.slice(20, 21), whole.slice(41, 100)];
    const joined = concatBatches(parts);
    assert.deepEqual(rows(joined), [...rows(whole).slice(3, 21), ...rows(whole).slice(41)]);
  });

  test('a batch without nulls next to one with nulls gets a bitmap with all its bits set', () => {
    const single = new Schema([new Field('v', new Int32(), true)]);
    const batch = (values: Array<number | null>): RecordBatch => new RecordBatch(single, makeData({
      type: new Struct(single.fields), length: values.length, nullCount: 0, children: [vectorFromArray(values, new Int32()).data[0] as Data],
    }));
    const dense = batch([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const sparse = batch([null, 10, null]);
    const joined = concatBatches([dense, sparse, dense.slice(2, 5)]);
    assert.deepEqual(joined.getChild('v')?.toArray().slice(0, 9), Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    assert.deepEqual([...(joined.getChild('v') ?? [])], [1, 2, 3, 4, 5, 6, 7, 8, 9, null, 10, null, 3, 4, 5]);
    assert.equal(joined.getChild('v')?.nullCount, 2);
  });

  test('canConcat refuses types it does not join', () => {
    assert.equal(canConcat(schema.fields[9]?.type as DataType), true);
    assert.equal(canConcat(new Dictionary(new Utf8(), new Int32())), false);
    assert.equal(canConcat(new List(new Field('e', new Dictionary(new Utf8(), new Int32()), true))), false);
  });
});
