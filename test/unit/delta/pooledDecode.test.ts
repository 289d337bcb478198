import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { batchesOf, tempTableDir } from '../write/helpers';

/*
 * A scan or a DELETE that reads some columns of a large file decodes them in the Parquet worker
 * pool (src/parquet/parquetWorkerPool.ts, worthThePool). 200,000 rows of hashed doubles make a
 * single file above the pool's 1 MiB threshold.
 */
const ROWS = 200_000;

async function writeLarge(dir: string): Promise<string> {
  await writeTable(dir, batchesOf({
    id: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i)),
    x: Float64Array.from({ length: ROWS }, (_, i) => Math.sin(i * 12.9898) * 43758.5453),
    tag: Array.from({ length: ROWS }, (_, i) => `t${i % 7}`),
  }), { properties: { 'delta.enableDeletionVectors': 'true' } });
  const files = (await (await DeltaTable.open(dir)).snapshot()).files();
  assert.equal(files.length, 1);
  const file = join(dir, files[0]?.path ?? '');
  assert.ok((await stat(file)).size > 1 << 20, 'the data file must be large enough for the pool');
  return file;
}

async function scanIds(dir: string, where?: string): Promise<bigint[]> {
  const snapshot = await (await DeltaTable.open(dir)).snapshot();
  const ids: bigint[] = [];
  for await (const batch of snapshot.scan({ columns: ['ID'], ...(where ? { where } : {}) }).batches()) {
    assert.deepEqual(batch.schema.fields.map((f) => f.name), ['id']);
    for (const id of batch.getChild('id')?.toArray() as BigInt64Array) ids.push(id);
  }
  return ids;
}

describe('decoding some columns of a large file in the worker pool', () => {
  test('a projected scan and a DELETE return the right rows', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await writeLarge(dir);
      const ids = await scanIds(dir);
      assert.equal(ids.length, ROWS);
      assert.ok(ids.every((id, i) => id === BigInt(i)));
      assert.deepEqual(await scanIds(dir, "tag = 't3' AND id < 30"), [3n, 10n, 17n, 24n]);
      const deleted = await deleteRows(dir, 'id >= 100 AND id < 199990');
      assert.equal(deleted.rowsRemoved, ROWS - 110);
      assert.deepEqual((await scanIds(dir)).slice(98, 103), [98n, 99n, 199990n, 199991n, 199992n]);
    } finally {
      await cleanup();
    }
  });

  test('a corrupt data page fails with DELTA_CORRUPT_PARQUET and the process goes on', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      const file = await writeLarge(dir);
      const bytes = await readFile(file);
      // Just past the leading magic: the first column chunk's page header and data (the decoder panics).
      bytes.fill(0xff, 4, 60);
      await writeFile(file, bytes);
      const corrupt = (error: unknown): boolean => isDeltaError(error, 'DELTA_CORRUPT_PARQUET');
      await assert.rejects(scanIds(dir), corrupt);
      await assert.rejects(deleteRows(dir, 'id < 10'), corrupt);
      await assert.rejects(scanIds(dir), corrupt);
    } finally {
      await cleanup();
    }
    const { dir: intact, cleanup: done } = await tempTableDir();
    try {
      await writeLarge(intact);
      assert.equal((await scanIds(intact, 'id < 5')).length, 5);
    } finally {
      await done();
    }
  });
});
