import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromArrays, type RecordBatch } from 'apache-arrow';
import { ParquetFileEncoder } from '../../../src/parquet/parquetFileEncoder';
import { decodeParquet } from '../../../src/parquet/readParquet';
import { ParquetDecodeError } from '../../../src/parquet/parquetDecodeError';
import { encodeParquet } from '../../../src/parquet/writeParquet';
import { ParquetEncodeError, ParquetWorkerPool, shareBytes } from '../../../src/parquet/parquetWorkerPool';

/** 3 row groups of 4 rows: id 0..11, name "n<id>", score id / 2. */
function sampleFile(): Uint8Array {
  const table = tableFromArrays({
    id: Int32Array.from({ length: 12 }, (_, i) => i),
    Name: Array.from({ length: 12 }, (_, i) => `n${i}`),
    score: Float64Array.from({ length: 12 }, (_, i) => i / 2),
  });
  return encodeParquet(table.batches, { rowGroupSize: 4, compression: 'uncompressed' });
}

/** `count` rows in batches of `per`: id from `from`, a label with nulls, a double. */
function rowBatches(from: number, count: number, per: number): RecordBatch[] {
  const table = tableFromArrays({
    id: BigInt64Array.from({ length: count }, (_, i) => BigInt(from + i)),
    label: Array.from({ length: count }, (_, i) => ((from + i) % 5 === 0 ? null : `label-${from + i}`)),
    x: Float64Array.from({ length: count }, (_, i) => (from + i) * 0.25),
  });
  const whole = table.batches[0] as RecordBatch;
  return Array.from({ length: Math.ceil(count / per) }, (_, k) => whole.slice(k * per, Math.min(count, (k + 1) * per)));
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

  test('encodes the same bytes as the calling thread; two files at once stay apart; rows read back equal', async () => {
    const batches = rowBatches(0, 5000, 700);
    const here = new ParquetFileEncoder({ rowGroupSize: 2000 });
    for (const batch of batches) await here.write(batch);
    const expected = await here.finish();
    const a = pool.encoder({ rowGroupSize: 2000 });
    const b = pool.encoder({ compression: 'snappy' });
    for (const batch of batches) {
      await a.write(batch);
      await b.write(batch.slice(0, 10));
    }
    const [first, second] = await Promise.all([a.finish(), b.finish()]);
    assert.deepEqual(first, expected);
    const back = decodeParquet(first);
    assert.equal(back.numRows, 5000);
    assert.deepEqual(Array.from(back.getChild('id')?.toArray() as BigInt64Array).slice(4998), [4998n, 4999n]);
    assert.equal(back.getChild('label')?.get(4995), null);
    assert.equal(back.getChild('label')?.get(4996), 'label-4996');
    assert.equal(back.getChild('x')?.get(4999), 4999 * 0.25);
    assert.equal(decodeParquet(second).numRows, 10 * batches.length);
    await assert.rejects(pool.encoder().finish(), RangeError);
  });

  test('idleEncoder gives a worker only while it encodes no other file', async () => {
    const single = new ParquetWorkerPool(1);
    try {
      const first = single.idleEncoder();
      assert.ok(first, 'the pool starts its worker for the first file');
      for (const batch of rowBatches(0, 3000, 1000)) await first.write(batch);
      assert.equal(single.idleEncoder(), undefined, 'the one worker still encodes the first file');
      const bytes = await first.finish();
      assert.equal(decodeParquet(bytes).numRows, 3000);
      const next = single.idleEncoder();
      assert.ok(next, 'the worker is free again');
      await next.write(rowBatches(5, 2, 2)[0] as RecordBatch);
      assert.deepEqual(Array.from(decodeParquet(await next.finish()).getChild('id')?.toArray() as BigInt64Array), [5n, 6n]);
    } finally {
      await single.close();
    }
  });

  test('a worker that stops mid-encode fails the encode with ParquetEncodeError; a new encode works', async () => {
    const single = new ParquetWorkerPool(1);
    try {
      const encoder = single.encoder();
      await encoder.write(rowBatches(0, 100, 100)[0] as RecordBatch);
      const corrupt = sampleFile();
      corrupt.fill(0xff, 4, 60);
      // The one worker also decodes: the corrupt page panics it, ending the encode it hosts.
      await assert.rejects(single.decode(corrupt, { columns: ['id'] }), ParquetDecodeError);
      await assert.rejects(encoder.finish(), (error: unknown) => error instanceof ParquetEncodeError && /stopped/.test(error.message));
      await assert.rejects(encoder.write(rowBatches(0, 1, 1)[0] as RecordBatch), ParquetEncodeError);
      const again = single.encoder();
      await again.write(rowBatches(7, 3, 3)[0] as RecordBatch);
      assert.deepEqual(Array.from(decodeParquet(await again.finish()).getChild('id')?.toArray() as BigInt64Array), [7n, 8n, 9n]);
    } finally {
      await single.close();
    }
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
