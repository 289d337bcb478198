import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Field, Float64, Int64, RecordBatch, Schema, Struct, Utf8, makeData, vectorFromArray, type Data, type Table } from 'apache-arrow';
import { planFlatRead } from '../../../src/parquet/flatDecoder/flatParquetPlan';
import { decodeParquet, decodeParquetWasm } from '../../../src/parquet/readParquet';
import { encodeParquet } from '../../../src/parquet/writeParquet';

/**
 * decodeParquet's `columns` contract on both of its paths: the requested columns the file has, in
 * the file's order, names it lacks left out, the row count kept.
 */

const ROWS = 40_000;

function dataOf(values: unknown[], type: Int64 | Utf8 | Float64): Data {
  const data = vectorFromArray(values, type).data[0];
  if (!data) throw new Error('no data');
  return data;
}

/** id, name, score (nullable) and, when `nested`, a struct column the flat decoder never takes. */
function fileOf(nested: boolean): Uint8Array {
  const point = new Struct([new Field('x', new Float64(), true)]);
  const fields = [
    new Field('id', new Int64(), false), new Field('name', new Utf8(), true), new Field('score', new Float64(), true),
    ...(nested ? [new Field('point', point, true)] : []),
  ];
  const schema = new Schema(fields);
  const children = [
    dataOf(Array.from({ length: ROWS }, (_, i) => BigInt(i * 7)), new Int64()),
    dataOf(Array.from({ length: ROWS }, (_, i) => `name-${i % 97}`), new Utf8()),
    dataOf(Array.from({ length: ROWS }, (_, i) => (i % 5 === 0 ? null : i / 4)), new Float64()),
  ];
  if (nested) {
    const x = dataOf(Array.from({ length: ROWS }, (_, i) => i * 2), new Float64());
    children.push(makeData({ type: point, length: ROWS, nullCount: 0, children: [x] }));
  }
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: ROWS, children }));
  return encodeParquet([batch], { compression: 'snappy', rowGroupSize: ROWS });
}

function names(table: Table): string[] {
  return table.schema.fields.map((field) => field.name);
}

function assertScoreAndId(table: Table, firstRow: number): void {
  assert.deepEqual(names(table), ['id', 'score']);
  const id = table.getChild('id');
  const score = table.getChild('score');
  for (const row of [0, 1, 5, 12_345 - firstRow, table.numRows - 1]) {
    assert.equal(id?.get(row), BigInt((firstRow + row) * 7), `id of row ${firstRow + row}`);
    assert.equal(score?.get(row), (firstRow + row) % 5 === 0 ? null : (firstRow + row) / 4, `score of row ${firstRow + row}`);
  }
}

describe('decodeParquet columns: one contract on both paths', () => {
  const flat = fileOf(false);
  const nested = fileOf(true);

  test('parquet-wasm returns only the requested columns, in file order, with their values', () => {
    const table = decodeParquetWasm(flat, { columns: ['score', 'id'] });
    assert.equal(table.numRows, ROWS);
    assertScoreAndId(table, 0);
  });

  test('a read of the whole 40,000-row group and a small read through the flat decoder agree', () => {
    assertScoreAndId(decodeParquet(flat, { columns: ['score', 'id'] }), 0);
    assert.ok(planFlatRead(flat, { columns: ['score', 'id'], offset: 100, limit: 20_000 }));
    const small = decodeParquet(flat, { columns: ['score', 'id'], offset: 100, limit: 20_000 });
    assert.equal(small.numRows, 20_000);
    assertScoreAndId(small, 100);
  });

  test('a file with a nested column (always parquet-wasm) is projected too', () => {
    assert.equal(planFlatRead(nested, {}), undefined);
    const table = decodeParquet(nested, { columns: ['score', 'id'] });
    assert.equal(table.numRows, ROWS);
    assertScoreAndId(table, 0);
    const point = decodeParquet(nested, { columns: ['point'] });
    assert.deepEqual(names(point), ['point']);
    assert.equal(point.getChild('point')?.get(ROWS - 1)?.toJSON().x, (ROWS - 1) * 2);
  });

  test('names the file lacks are left out, on both paths, and no column keeps the row count', () => {
    for (const [label, table] of [
      ['flat decoder', decodeParquet(flat, { columns: ['added_later', 'name'], limit: 1000 })],
      ['parquet-wasm', decodeParquetWasm(flat, { columns: ['added_later', 'name'], limit: 1000 })],
      ['nested file', decodeParquet(nested, { columns: ['added_later', 'name'], limit: 1000 })],
    ] as const) {
      assert.deepEqual(names(table), ['name'], label);
      assert.equal(table.numRows, 1000, label);
      assert.equal(table.getChild('name')?.get(999), `name-${999 % 97}`, label);
    }
    for (const table of [decodeParquet(flat, { columns: ['added_later'], limit: 1000 }), decodeParquetWasm(flat, { columns: [], limit: 1000 })]) {
      assert.deepEqual(names(table), []);
      assert.equal(table.numRows, 1000);
    }
  });
});
