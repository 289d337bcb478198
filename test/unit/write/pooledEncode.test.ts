import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { Field, Float64, makeData, RecordBatch, Schema, Struct, tableFromArrays } from 'apache-arrow';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { DataFileWriter } from '../../../src/delta/write/dataFileWriter';
import { writeTable } from '../../../src/delta/write/writeTable';
import { ParquetWorkerPool, worthEncodingInThePool } from '../../../src/parquet/parquetWorkerPool';
import { encodeParquet } from '../../../src/parquet/writeParquet';
import { LocalFileStore } from '../../../src/storage/localFileStore';
import { tempTableDir } from './helpers';

/*
 * Data files whose first batch holds 1 MiB or more of Arrow data are encoded in the Parquet worker
 * pool (src/parquet/parquetWorkerPool.ts) while the writer prepares the next batches and files.
 */
const PER_BATCH = 80_000;

/**
 * Flat schemas are encoded on the calling thread by the TypeScript encoder (src/parquet/flatEncoder):
 * the batches carry a struct column so that their files go to parquet-wasm and the pool.
 */
function largeBatch(from: number): RecordBatch {
  const flat = tableFromArrays({
    id: BigInt64Array.from({ length: PER_BATCH }, (_, i) => BigInt(from + i)),
    x: Float64Array.from({ length: PER_BATCH }, (_, i) => Math.sin((from + i) * 12.9898) * 43758.5453),
  }).batches[0] as RecordBatch;
  const nestedType = new Struct([new Field('y', new Float64(), true)]);
  const y = makeData({ type: new Float64(), length: PER_BATCH, nullCount: 0, data: (flat.getChild('x')?.toArray() as Float64Array).slice() });
  const nested = makeData({ type: nestedType, length: PER_BATCH, nullCount: 0, children: [y] });
  const fields = [...flat.schema.fields, new Field('s', nestedType, true)];
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: PER_BATCH, children: [...flat.data.children, nested] }));
}

describe('data files encoded in the worker pool', () => {
  test('several files written through the pool hold every row once, in order', async () => {
    assert.ok(worthEncodingInThePool(largeBatch(0).data.byteLength), 'the batches must be large enough for the pool');
    const { dir, cleanup } = await tempTableDir();
    try {
      // A small target size: a file per batch or two, finished while the next is written.
      const summary = await writeTable(dir, [0, 1, 2, 3, 4].map((k) => largeBatch(k * PER_BATCH)), { targetFileSize: 1 << 20 });
      assert.ok(summary.filesAdded >= 3, `files added: ${summary.filesAdded}`);
      const snapshot = await (await DeltaTable.open(dir)).snapshot();
      const counts = snapshot.files().map((f) => (JSON.parse(f.stats ?? '{}') as { numRecords?: number }).numRecords ?? -1);
      assert.equal(counts.reduce((a, b) => a + b, 0), 5 * PER_BATCH);
      const ids: bigint[] = [];
      let sum = 0;
      for await (const batch of snapshot.scan().batches()) {
        ids.push(...(batch.getChild('id')?.toArray() as BigInt64Array));
        for (const x of batch.getChild('x')?.toArray() as Float64Array) sum += x;
      }
      ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      assert.equal(ids.length, 5 * PER_BATCH);
      assert.ok(ids.every((id, i) => id === BigInt(i)));
      let expected = 0;
      for (let i = 0; i < 5 * PER_BATCH; i++) expected += Math.sin(i * 12.9898) * 43758.5453;
      assert.ok(Math.abs(sum - expected) < 1e-3, `${sum} vs ${expected}`);
    } finally {
      await cleanup();
    }
  });

  test('a worker that stops mid-file fails the write with DELTA_PARQUET_ENCODE_FAILED and leaves no data file', async () => {
    const { dir, cleanup } = await tempTableDir();
    const pool = new ParquetWorkerPool(1);
    try {
      const writer = new DataFileWriter({
        store: new LocalFileStore(dir),
        schema: {
          kind: 'struct',
          fields: [
            { name: 'id', type: { kind: 'primitive', name: 'long' }, nullable: true, metadata: {} },
            { name: 'x', type: { kind: 'primitive', name: 'double' }, nullable: true, metadata: {} },
            { name: 's', type: { kind: 'struct', fields: [{ name: 'y', type: { kind: 'primitive', name: 'double' }, nullable: true, metadata: {} }] }, nullable: true, metadata: {} },
          ],
        },
        partitionColumns: [],
        columnMappingMode: 'none',
        pool,
      });
      await writer.write(largeBatch(0));
      const corrupt = encodeParquet([largeBatch(0).slice(0, 100)], { compression: 'uncompressed' });
      corrupt.fill(0xff, 4, 60);
      // The pool's one worker hosts the encode; the corrupt page panics it.
      await assert.rejects(pool.decode(corrupt, { columns: ['id'] }));
      const failure = async (): Promise<void> => {
        for (let k = 1; k < 5; k++) await writer.write(largeBatch(k * PER_BATCH));
        await writer.finish();
      };
      await assert.rejects(failure(), (error: unknown) => isDeltaError(error, 'DELTA_PARQUET_ENCODE_FAILED') && /stopped/.test((error as Error).message));
      await writer.abort();
      assert.deepEqual((await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.parquet')), []);
    } finally {
      await pool.close();
      await cleanup();
    }
  });
});
