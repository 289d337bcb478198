import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Field, Int64, RecordBatch, Schema, Struct, makeData, vectorFromArray } from 'apache-arrow';
import { planFlatRead } from '../../../src/parquet/flatDecoder/flatParquetPlan';
import { decodeParquet, decodeParquetWasm } from '../../../src/parquet/readParquet';
import { ParquetDecodeError } from '../../../src/parquet/parquetDecodeError';
import { encodeParquet } from '../../../src/parquet/writeParquet';
import { assertSameTable } from './flatDecoderCorpus';

function fileOf(values: bigint[], name = 'v'): Uint8Array {
  const schema = new Schema([new Field(name, new Int64(), true)]);
  const child = vectorFromArray(values, new Int64()).data[0];
  if (!child) throw new Error('no data');
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: values.length, children: [child] }));
  return encodeParquet([batch], { compression: 'uncompressed', plainColumns: [name] });
}

describe('decodeParquet through the flat decoder: edges', () => {
  test('bytes that are not Parquet still raise ParquetDecodeError', () => {
    assert.throws(() => decodeParquet(new TextEncoder().encode('PAR1 not really a parquet file PAR1')), ParquetDecodeError);
    assert.throws(() => decodeParquet(new Uint8Array(0)), ParquetDecodeError);
  });

  test('a buffer refilled with another file is decoded as that file (the footer cache checks its bytes)', () => {
    const first = fileOf([1n, 2n, 3n]);
    const second = fileOf([7n, 8n, 9n], 'w');
    assert.equal(first.byteLength, second.byteLength);
    const buffer = first.slice();
    assert.ok(planFlatRead(buffer, {}));
    assert.deepEqual(decodeParquet(buffer).getChild('v')?.toArray(), BigInt64Array.of(1n, 2n, 3n));
    buffer.set(second);
    assert.deepEqual(decodeParquet(buffer).getChild('w')?.toArray(), BigInt64Array.of(7n, 8n, 9n));
  });

  test('a 40,000-row read takes the flat decoder and returns parquet-wasm\'s batches and values', () => {
    const values = Array.from({ length: 40_000 }, (_, i) => BigInt(i * 3));
    const bytes = fileOf(values);
    assert.ok(planFlatRead(bytes, {}));
    const table = decodeParquet(bytes, { batchSize: 10_000 });
    assert.equal(table.numRows, 40_000);
    assert.deepEqual(table.batches.map((b) => b.numRows), [10_000, 10_000, 10_000, 10_000]);
    assert.equal(table.getChild('v')?.get(39_999), 119_997n);
    assertSameTable(table, decodeParquetWasm(bytes, { batchSize: 10_000 }), '40,000 rows');
  });
});
