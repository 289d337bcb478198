import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromArrays } from 'apache-arrow';
import { ParquetDecodeError } from '../../../src/parquet/readParquet';
import { decodeParquetColumns } from '../../../src/parquet/readParquetColumns';
import { encodeParquet } from '../../../src/parquet/writeParquet';

test('decodeParquetColumns returns only the chosen columns, over every row group, and names bad bytes', async () => {
  const bytes = encodeParquet(tableFromArrays({
    a: Int32Array.from({ length: 10 }, (_, i) => i),
    b: Float64Array.from({ length: 10 }, (_, i) => i / 2),
    c: BigInt64Array.from({ length: 10 }, (_, i) => BigInt(-i)),
  }).batches, { rowGroupSize: 4 });
  const table = await decodeParquetColumns(bytes, ['c', 'a']);
  assert.deepEqual(table.schema.fields.map((f) => f.name), ['a', 'c']);
  assert.deepEqual(Array.from(table.getChild('a')?.toArray() as Int32Array), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(table.getChild('c')?.get(9), -9n);
  await assert.rejects(decodeParquetColumns(new Uint8Array([1, 2, 3]), ['a']), ParquetDecodeError);
});
