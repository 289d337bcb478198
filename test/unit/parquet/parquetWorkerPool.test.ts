import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromArrays } from 'apache-arrow';
import { ParquetDecodeError } from '../../../src/parquet/readParquet';
import { encodeParquet } from '../../../src/parquet/writeParquet';
import { ParquetWorkerPool, shareBytes } from '../../../src/parquet/parquetWorkerPool';

/** 3 row groups of 4 rows: id 0..11, name "n<id>", score id / 2. */
function sampleFile(): Uint8Array {
  const table = tableFromArrays({
    id: Int32Array.from({ length: 12 }, (_, i) => i),
    Name: Array.from({ length: 12 }, (_, i) => `n${i}`),
    score: Float64Array.from({ length: 12 }, (_, i) => i / 2),
  });
  return encodeParquet(table.batches, { rowGroupSize: 4, compression: 'uncompressed' });
}

describe('ParquetWorkerPool', () => {
  const pool = new ParquetWorkerPool(2);
  after(() => pool.close());

  test('returns only the projected columns, matched case-insensitively; unknown ones are left out', async () => {
    const table = await pool.decode(sampleFile(), { columns: ['name', 'ID', 'missing'] });
    assert.deepEqual(table.schema.fields.map((f) => f.name), ['id', 'Name']);
    assert.deepEqual(Array.from(table.getChild('id')?.toArray() as Int32Array), Array.from({ length: 12 }, (_, i) => i));
    assert.equal(table.getChild('Name')?.get(11), 'n11');
  });

  test('decodes chosen row groups of shared bytes, several at once, in the order asked', async () => {
    const bytes = shareBytes(sampleFile());
    const tables = await Promise.all([2, 0, 1].map((group) => pool.decode(bytes, { rowGroups: [group], columns: ['score'] })));
    assert.deepEqual(tables.map((t) => Array.from(t.getChild('score')?.toArray() as Float64Array)), [
      [4, 4.5, 5, 5.5], [0, 0.5, 1, 1.5], [2, 2.5, 3, 3.5],
    ]);
  });

  test('a corrupt data page fails that request with ParquetDecodeError; the pool goes on decoding', async () => {
    const corrupt = sampleFile();
    // Just past the leading magic: the first column chunk's page header and data.
    corrupt.fill(0xff, 4, 60);
    const results = await Promise.allSettled([
      pool.decode(corrupt, { columns: ['id'] }),
      pool.decode(corrupt),
      pool.decode(sampleFile(), { columns: ['score'] }),
    ]);
    assert.ok(results[0]?.status === 'rejected' && results[0].reason instanceof ParquetDecodeError, String(results[0]?.status));
    assert.ok(results[1]?.status === 'rejected' && results[1].reason instanceof ParquetDecodeError, String(results[1]?.status));
    assert.ok(results[2]?.status === 'fulfilled');
    assert.equal(results[2].value.getChild('score')?.get(3), 1.5);
    const again = await pool.decode(sampleFile(), { columns: ['id'], rowGroups: [1] });
    assert.deepEqual(Array.from(again.getChild('id')?.toArray() as Int32Array), [4, 5, 6, 7]);
  });

  test('a request whose signal aborted before it started is dropped', async () => {
    const small = new ParquetWorkerPool(1);
    try {
      const controller = new AbortController();
      const first = small.decode(sampleFile());
      const second = small.decode(sampleFile(), { signal: controller.signal });
      controller.abort(new Error('stopped'));
      assert.equal((await first).numRows, 12);
      await assert.rejects(second, /stopped/);
    } finally {
      await small.close();
    }
  });
});
